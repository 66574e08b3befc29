#!/usr/bin/env bash
# Keeps the documents honest where a machine can tell (docs/CMakeLists.txt
# registers each step as a test):
#   cli    the commands of docs/cli.md and of README.md's command table are
#          the commands `orderstore --help` lists, and each command's option
#          table in docs/cli.md names exactly the options of
#          `orderstore COMMAND --help` (the global ones: of `orderstore --help`)
#   files  every code block marked as a file is that file, verbatim
#
# A file block is a fenced block right below a line naming the file, its
# path relative to the repository root:
#   <!-- file: examples/daemon/billing_daemon.cc -->
#   ```cpp
#   ...
#   ```
# Usage: docs_test.sh cli ORDERSTORE_BINARY | docs_test.sh files
# Environment: SOURCE_DIR, the repository root.
set -euo pipefail

step=${1:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -n "${SOURCE_DIR:-}" ]] || fail "SOURCE_DIR is not set"
cli_md=$SOURCE_DIR/docs/cli.md
readme=$SOURCE_DIR/README.md

# Prints the lines of Markdown file $1 from the heading matching the
# extended regex $2 up to the next heading of level 2 or higher.
section() {
  awk -v start="$2" '
    found && /^##? / { exit }
    $0 ~ start { found = 1; next }
    found { print }' "$1"
}

# The options (--name) that open a row of a Markdown table, sorted.
table_options() {
  grep -oE '^\| `--[a-z]+(-[a-z]+)*' | cut -c4- | sort -u
}

# The options (--name) that open a line of an option list in --help text
# (indented, the option first), sorted; --db, global, is left to the
# global check.
help_options() {
  grep -oE '^ +--[a-z]+(-[a-z]+)*' | sed 's/^ *//' | grep -vx -- '--db' |
    sort -u || true
}

# Compares two sorted lists, $3 and $4, named $1 and $2; prints what only
# one of them has and returns 1 if anything.
same_set() {
  local only_a only_b
  only_a=$(comm -23 <(echo "$3") <(echo "$4"))
  only_b=$(comm -13 <(echo "$3") <(echo "$4"))
  [[ -z "$only_a" && -z "$only_b" ]] && return 0
  [[ -z "$only_a" ]] || echo "  only in $1: $(echo $only_a)" >&2
  [[ -z "$only_b" ]] || echo "  only in $2: $(echo $only_b)" >&2
  return 1
}

case $step in
  cli)
    tool=${2:?usage: docs_test.sh cli ORDERSTORE_BINARY}
    usage=$("$tool" --help)
    help_commands=$(awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit }
                         on { print $1 }' <<<"$usage" | sort)
    [[ -n "$help_commands" ]] || fail "orderstore --help lists no commands"
    doc_commands=$(grep -oE '^## `orderstore [a-z]+(-[a-z]+)*`' "$cli_md" |
                   sed -E 's/^## `orderstore ([a-z-]+)`/\1/' | sort)
    readme_commands=$(section "$readme" '^## The `orderstore` tool' |
                      grep -oE '^\| `[a-z]+(-[a-z]+)*` \|' | sed -E 's/^\| `([a-z-]+)`.*/\1/' |
                      sort)
    problems=0
    same_set "orderstore --help" "docs/cli.md (## \`orderstore COMMAND\` headings)" \
      "$help_commands" "$doc_commands" || problems=1
    same_set "orderstore --help" "README.md's command table" \
      "$help_commands" "$readme_commands" || problems=1
    (( problems == 0 )) || fail "the commands differ (above)"

    global_help=$(section /dev/stdin '^Global options' <<<"$usage" |
                  grep -oE '^ +--[a-z]+' | sed 's/^ *//' | sort -u)
    global_doc=$(section "$cli_md" '^## Global options' | table_options)
    same_set "orderstore --help" "docs/cli.md's global options" \
      "$global_help" "$global_doc" || problems=1
    for command in $help_commands; do
      help_flags=$("$tool" "$command" --help | help_options)
      doc_flags=$(section "$cli_md" "^## \`orderstore $command\`" | table_options)
      same_set "orderstore $command --help" "docs/cli.md's $command options" \
        "$help_flags" "$doc_flags" || problems=1
    done
    (( problems == 0 )) || fail "docs/cli.md's options differ from --help (above)"
    echo "ok: $(wc -w <<<"$help_commands") commands, each with its options, in docs/cli.md and README.md"
    ;;

  files)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    checked=0
    problems=0
    files=0
    for md in "$readme" "$SOURCE_DIR"/docs/*.md; do
      files=$((files + 1))
      # Writes each marked block to $work/N and prints "N PATH LINE".
      blocks=$(awk -v work="$work" -v prefix="$files" '
        state == 2 && /^```$/ { state = 0; close(out); next }
        state == 2 { print > out; next }
        state == 1 {
          if ($0 !~ /^```/) { print "- " path " " marker_line; state = 0; next }
          n++; out = work "/" prefix "_" n; printf "" > out
          print out " " path " " marker_line; state = 2; next
        }
        /^<!-- file: [^ ]+ -->$/ { path = $3; marker_line = NR; state = 1 }
        END { if (state == 2) print "unterminated " path " " marker_line }
      ' "$md")
      name=${md#"$SOURCE_DIR"/}
      while read -r block path line; do
        [[ -n "$block" ]] || continue
        if [[ "$block" == "-" ]]; then
          echo "  $name:$line: the marker for $path is not followed by a fenced block" >&2
          problems=1
        elif [[ "$block" == "unterminated" ]]; then
          echo "  $name:$line: the block of $path has no closing fence" >&2
          problems=1
        elif [[ ! -f "$SOURCE_DIR/$path" ]]; then
          echo "  $name:$line: $path does not exist" >&2
          problems=1
        elif ! diff -u "$SOURCE_DIR/$path" "$block" >"$work/diff"; then
          echo "  $name:$line: the block differs from $path (- the file, + the block):" >&2
          sed 1,2d "$work/diff" | head -20 >&2
          problems=1
        else
          checked=$((checked + 1))
        fi
      done <<<"$blocks"
    done
    (( problems == 0 )) || fail "file blocks differ from their files (above): copy each file into its block"
    (( checked > 0 )) || fail "no file block found: README.md shows examples/daemon/billing_daemon.cc in one"
    echo "ok: $checked file blocks are their files verbatim"
    ;;

  *) fail "usage: docs_test.sh cli ORDERSTORE_BINARY | docs_test.sh files" ;;
esac
