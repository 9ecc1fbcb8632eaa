# strata_precompile(<target> [TESTS]): with STRATA_PCH on, the target compiles its files against
# one precompiled header of the library headers nearly every file includes; with TESTS, the
# GoogleTest headers too. Off, it does nothing, and every file must (and does) include what it
# uses: the normal (optimised) builds, which never precompile, check that.
function(strata_precompile target)
  if(NOT STRATA_PCH)
    return()
  endif()
  cmake_parse_arguments(ARG "TESTS" "" "" ${ARGN})
  set(headers <cstdint> <functional> <map> <memory> <optional> <string> <string_view> <vector>
              <nlohmann/json.hpp>)
  if(ARG_TESTS)
    list(APPEND headers <gtest/gtest.h> <gmock/gmock.h>)
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# strata_precompile_like(<target> <from>): the target reuses <from>'s precompiled header (same
# flags), which saves compiling one per test executable.
function(strata_precompile_like target from)
  if(STRATA_PCH)
    target_precompile_headers(${target} REUSE_FROM ${from})
  endif()
endfunction()
