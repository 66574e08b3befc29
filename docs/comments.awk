# Doxygen INPUT_FILTER for include/orderstore/*.h. Our headers keep Google
# style `//` comments; this turns them into the Doxygen comments they are
# meant as, so the headers stay plain to read and are still checked:
#   - the comment that opens a file documents the file;
#   - a `//` comment block documents the declarations right below it, up to
#     the next blank line or comment (as a reader takes `// The name of a
#     code:` above two ToString overloads): two or more become a Doxygen
#     member group sharing the comment (DISTRIBUTE_GROUP_DOC);
#   - a trailing `// ...` after a member or enumerator (`x;` or `x,`)
#     documents that member.
# Doxygen's special characters in comment text are escaped, so `\ufffd` or
# `<T>` in a comment is text, not a command or a tag. Lines are never added
# or removed, so Doxygen's messages point at the real header lines.

function escape(text,    out, i, c) {
  out = ""
  for (i = 1; i <= length(text); i++) {
    c = substr(text, i, 1)
    if (index("\\@<>%#&$", c)) out = out "\\"
    out = out c
  }
  return out
}

function braces(line,    n, i, c) {
  n = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (c == "{") n++
    else if (c == "}") n--
  }
  return n
}

# A code line, with a trailing comment made a member comment.
function code(line,    i) {
  if (line ~ /^[ \t]*[^ \t#}\/].*[;,][ \t]+\/\/ /) {
    i = index(line, "// ")
    return substr(line, 1, i - 1) "///< " escape(substr(line, i + 3))
  }
  return line
}

# Prints the pending comment block and the declarations after it, as one
# member group ("///@{ ..." then "///@}") when there are two or more
# declarations and the braces balance. The closing marker replaces the blank
# line that ends the run (`blank`), else it goes at the end of the last line,
# unless that line has a comment or is a #define (it would land inside).
function flush(blank,    i, depth, starts, group, last) {
  depth = 0
  starts = 0
  for (i = 1; i <= ndecl; i++) {
    if (depth == 0) starts++
    depth += braces(decl[i])
  }
  last = decl[ndecl]
  group = ncomment && starts >= 2 && depth == 0 &&
          (blank || (last !~ /\/\// && last !~ /^#/))
  for (i = 1; i <= ncomment; i++) {
    line = comment[i]
    if (i == 1 && group) sub(/\/\/\//, "///@{", line)
    print line
  }
  for (i = 1; i <= ndecl; i++) {
    print code(decl[i]) ((group && i == ndecl && !blank) ? "  //@}" : "")
  }
  if (blank) print (group ? "///@}" : "")
  ncomment = 0
  ndecl = 0
}

BEGIN { opening = 1 }

# The file's opening comment.
opening && /^\/\// {
  text = escape(substr($0, 3))
  print (NR == 1 ? "/// @file " FILENAME text : "///" text)
  next
}
{ opening = 0 }

# A comment line: starts (or continues) a block.
/^[ \t]*\/\// {
  if (ndecl) flush()
  match($0, /^[ \t]*\/\//)
  comment[++ncomment] = substr($0, 1, RLENGTH) "/" escape(substr($0, RLENGTH + 1))
  next
}

# A blank line, an access specifier or a preprocessor line other than
# #define ends a run.
/^[ \t]*$/ {
  flush(1)
  next
}
/^#[ \t]*[a-ce-z]/ || /^[ \t]*(public|private|protected):/ {
  flush()
  print
  next
}

# A declaration line: part of the run below a comment, if there is one.
ncomment {
  decl[++ndecl] = $0
  next
}

{ print code($0) }

END { flush() }
