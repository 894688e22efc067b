# Known failures of the component runs of the WASI guests (wasi_p2_*, tests/wasi/CMakeLists.txt):
# tests that cannot pass yet, because the WASI 0.2 host lacks something or because jco's preview1
# adapter behaves differently from a preview1 host. They stay registered, but DISABLED (ctest
# lists them as "Not Run (Disabled)") with the label wasi_p2_known_failure; configuring prints
# each with its reason. When the host grows, run them (below) and delete the entries that pass.
#
# WASI_P2_KNOWN_FAILURES is a list of pairs: a key, then the reason (no semicolons: CMake lists
# split on them). The key is either the name given to wasi_guest_test (e.g. `files`: both
# wasi_p2_files and wasi_p2_jit_files) or one full test name (e.g. `wasi_p2_jit_files`: that tier
# only). A key that names no test is an error, so the list cannot keep stale entries for renamed
# tests.
#
# To run them anyway (e.g. to see which now pass):
#   cmake --preset default -DWASI_P2_RUN_KNOWN_FAILURES=ON
#   ctest --preset default -L wasi_p2_known_failure
# and back to normal with -DWASI_P2_RUN_KNOWN_FAILURES=OFF.

# Both are jco's preview1 adapter, not the host: preview1's rights do not exist in WASI 0.2, and
# the adapter's poll_oneoff fails as a whole for a bad descriptor instead of reporting it in the
# event. They stay until tests/wasi checks those parts only for modules.
set(WASI_P2_KNOWN_FAILURES
  rights "the adapter's fd_fdstat_set_rights always answers NOTSUP, the test wants NOTCAPABLE"
  poll   "the adapter's poll_oneoff returns EBADF for a bad fd, the test wants a POLLNVAL event"
)

option(WASI_P2_RUN_KNOWN_FAILURES "Run the wasi_p2_* tests listed as known failures" OFF)

list(LENGTH WASI_P2_KNOWN_FAILURES n)
math(EXPR odd "${n} % 2")
if(odd)
  message(FATAL_ERROR "WASI_P2_KNOWN_FAILURES must hold key/reason pairs")
endif()

# wasi_p2_known_failure(TEST NAME TIER): disables TEST when its NAME or the full TEST is listed.
function(wasi_p2_known_failure test name tier)
  set(pairs ${WASI_P2_KNOWN_FAILURES})
  while(pairs)
    list(POP_FRONT pairs key reason)
    if(key STREQUAL name OR key STREQUAL test)
      set_property(GLOBAL APPEND PROPERTY wasi_p2_known_failure_keys_used ${key})
      set_tests_properties(${test} PROPERTIES LABELS wasi_p2_known_failure)
      if(WASI_P2_RUN_KNOWN_FAILURES)
        message(STATUS "${test}: listed as a known failure (${reason}); running it anyway")
      else()
        set_tests_properties(${test} PROPERTIES DISABLED TRUE)
        message(STATUS "${test}: disabled, known failure: ${reason}")
      endif()
      return()
    endif()
  endwhile()
endfunction()

# Called after every wasi_guest_test: every key must have matched a test.
function(wasi_p2_check_known_failures)
  get_property(used GLOBAL PROPERTY wasi_p2_known_failure_keys_used)
  set(pairs ${WASI_P2_KNOWN_FAILURES})
  while(pairs)
    list(POP_FRONT pairs key reason)
    if(NOT key IN_LIST used)
      message(FATAL_ERROR "tests/wasi/component_known_failures.cmake: `${key}` names no "
        "wasi_p2 test")
    endif()
  endwhile()
endfunction()
