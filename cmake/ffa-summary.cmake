# SPDX-License-Identifier: BSD-3-Clause
# One summary at the end of configuring: what this configuration builds, and for each part that is
# not built, why and what to install. Parts register themselves with ffa_add_library(),
# ffa_library_skipped() and ffa_part_skipped() (cmake/ffa-library.cmake).
get_property(libs GLOBAL PROPERTY FFA_LIBRARIES)
get_property(skipped GLOBAL PROPERTY FFA_SKIPPED)
get_property(tools GLOBAL PROPERTY FFA_TOOLS)

set(built "")
foreach(lib ${libs})
  list(APPEND built ffa::${lib})
endforeach()
list(JOIN built " " built)
set(target_desc "${CMAKE_SYSTEM_PROCESSOR}")
if(CMAKE_CROSSCOMPILING)
  set(target_desc "${CMAKE_SYSTEM_PROCESSOR}, cross-built")
endif()
set(yes_no_ON yes)
set(yes_no_OFF no)

message(STATUS "")
message(STATUS "ffa-mediator ${PROJECT_VERSION}: ${CMAKE_BUILD_TYPE} build, "
               "${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION}, ${target_desc}")
message(STATUS "  libraries (static + shared .so.${FFA_SOVERSION}): ${built}")
if(tools)
  list(JOIN tools " " tools)
  message(STATUS "  tools: ${tools}")
endif()
foreach(s ${skipped})
  message(STATUS "  not built: ${s}")
endforeach()
if(FFA_BUILD_TESTS)
  set(t "yes (ctest)")
else()
  set(t "no (FFA_BUILD_TESTS=OFF)")
endif()
message(STATUS "  unit tests: ${t}; examples: ${yes_no_${FFA_BUILD_EXAMPLES}}; "
               "benchmarks: ${yes_no_${FFA_BUILD_BENCH}}")
if(FFA_SANITIZE)
  set(s "${FFA_SANITIZE}")
else()
  set(s "none")
endif()
message(STATUS "  -Werror: ${FFA_WERROR} (FFA_WERROR); sanitizers: ${s}; "
               "install prefix: ${CMAKE_INSTALL_PREFIX}")
message(STATUS "")
