# Runs Doxygen for the `docs` target (cmake -P, with DOXYGEN and DOXYFILE).
# Doxygen exits non-zero on any warning (WARN_AS_ERROR = FAIL_ON_WARNINGS),
# each naming a header line; this adds what to do about them.
execute_process(COMMAND ${DOXYGEN} ${DOXYFILE}
  RESULT_VARIABLE status
  ERROR_VARIABLE warnings)
if(NOT status EQUAL 0)
  # Echoed as they are (message() would rewrap them): file:line: text.
  execute_process(COMMAND ${CMAKE_COMMAND} -E echo "${warnings}")
  message(FATAL_ERROR "The API reference is incomplete: each line above \
names a public name in include/orderstore/ that has no comment, or a comment \
Doxygen cannot read. Document it in its header, saying what it does on \
success, when the order is missing, on failure, and its lifetime and \
thread-safety rules where they apply. A `//` comment documents \
the declarations right below it, up to a blank line; a trailing `// ...` \
documents one member or enumerator (docs/comments.awk explains the \
conventions).")
endif()
