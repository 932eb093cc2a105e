# SPDX-License-Identifier: BSD-3-Clause
# Generates <ffa/library_version.h> (cmake/library_version.h.in) from the project version.
#
# Included by the top-level CMakeLists.txt, it writes ${PROJECT_BINARY_DIR}/include/ffa/. Run as a
# script, for builds without CMake (lib/ compiled into a hypervisor's own build), it reads the
# version from the top-level project() call and writes the header to OUT:
#   cmake -D OUT=build/hyp/include/ffa/library_version.h -P cmake/library-version.cmake
cmake_minimum_required(VERSION 3.25)

# The version in the top-level CMakeLists.txt's project(ffa-mediator VERSION x.y.z ...).
function(ffa_read_project_version out_var)
  file(READ ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../CMakeLists.txt top)
  if(NOT top MATCHES "project\\([ \t\r\n]*ffa-mediator[ \t\r\n]+VERSION[ \t\r\n]+([0-9]+\\.[0-9]+\\.[0-9]+)")
    message(FATAL_ERROR "cmake/library-version.cmake: no 'project(ffa-mediator VERSION x.y.z' in "
                        "the top-level CMakeLists.txt")
  endif()
  set(${out_var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

function(ffa_write_library_version_header version out)
  string(REPLACE "." ";" parts ${version})
  list(GET parts 0 FFA_VERSION_MAJOR)
  list(GET parts 1 FFA_VERSION_MINOR)
  list(GET parts 2 FFA_VERSION_PATCH)
  if(FFA_VERSION_MINOR GREATER 255 OR FFA_VERSION_PATCH GREATER 255)
    message(FATAL_ERROR "version ${version}: minor and patch must stay below 256")
  endif()
  configure_file(${CMAKE_CURRENT_FUNCTION_LIST_DIR}/library_version.h.in ${out} @ONLY)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
  if(NOT OUT)
    message(FATAL_ERROR "usage: cmake -D OUT=<dir>/ffa/library_version.h -P ${CMAKE_SCRIPT_MODE_FILE}")
  endif()
  ffa_read_project_version(version)
  ffa_write_library_version_header(${version} ${OUT})
else()
  # The script mode reads the same line: keep them in step.
  ffa_read_project_version(version)
  if(NOT version STREQUAL PROJECT_VERSION)
    message(FATAL_ERROR "cmake/library-version.cmake reads version ${version} from CMakeLists.txt, "
                        "the project says ${PROJECT_VERSION}: keep project(ffa-mediator VERSION x.y.z "
                        "on one line")
  endif()
  ffa_write_library_version_header(${PROJECT_VERSION}
                                   ${PROJECT_BINARY_DIR}/include/ffa/library_version.h)
endif()
