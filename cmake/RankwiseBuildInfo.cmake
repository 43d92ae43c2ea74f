# Build provenance recorded in every output file (see io/provenance.cpp).
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
  OUTPUT_VARIABLE RANKWISE_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET RESULT_VARIABLE _git_rc)
if(NOT _git_rc EQUAL 0 OR RANKWISE_GIT_COMMIT STREQUAL "")
  set(RANKWISE_GIT_COMMIT "unknown")
endif()
execute_process(COMMAND git status --porcelain --untracked-files=no
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
  OUTPUT_VARIABLE _git_dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT _git_dirty STREQUAL "")
  string(APPEND RANKWISE_GIT_COMMIT "-dirty")
endif()
string(TOUPPER "${CMAKE_BUILD_TYPE}" _bt)
set(RANKWISE_BUILD_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_bt}}")
string(STRIP "${RANKWISE_BUILD_FLAGS}" RANKWISE_BUILD_FLAGS)
set(RANKWISE_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/build_info.hpp.in
  ${CMAKE_CURRENT_BINARY_DIR}/generated/rankwise/build_info.hpp @ONLY)
