# SPDX-License-Identifier: BSD-3-Clause
# The one policy every library of the project follows. Each library is declared once with
# ffa_add_library(), which builds it
#   - static: target ffa_<name> (aliases ffa::<name> and ffa::<name>_static), lib<output>.a with
#     every object; tests and examples link it (they reach internals), and
#   - shared: target ffa_<name>_shared (alias ffa::<name>_shared), lib<output>.so.<FFA_SOVERSION>,
#     from the same objects (compiled once, position-independent), SONAME lib<output>.so.<SOVERSION>
#     and VERSION <project version>, exporting only the public API: the linker version script
#     cmake/ffa-exports.map keeps ffa_* global and makes everything else local. The internal
#     cross-file prefixes (ffam_, ffau_, ffamk_, ffas_, ffag_) deliberately do not start with ffa_.
# and installs it:
#   - the shared library in the runtime component lib_<name> (Debian package lib<output><soversion>),
#   - the static library, the .so link, the pkg-config module and the CMake targets in "dev",
#   - the CMake package names the installed targets ffa::<name>_static and ffa::<name>_shared, and
#     ffa::<name> chooses one (shared unless FFA_MEDIATOR_USE_STATIC_LIBS is true).
# It records the library for the symbol test (ffa_add_library_tests(): nm over the installed
# files), the Debian packages (cmake/ffa-packaging.cmake) and the configure summary.
#
# A library that cannot be built here (missing dependency, wrong target) calls
# ffa_library_skipped(<name> REASON <what to install> [HEADERS <ffa/*.h>...]) instead: its headers
# are not installed and the summary says what to install.
#
# Programs for users go in the "tools" package: ffa_install_tool(<target>) installs one into bin/.
include_guard(GLOBAL)

# SONAME number: the major version, or 0.<minor> while the major is 0 (every 0.y release may change
# the ABI; the CMake package's SameMinorVersion compatibility says the same).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(FFA_SOVERSION "0.${PROJECT_VERSION_MINOR}")
else()
  set(FFA_SOVERSION "${PROJECT_VERSION_MAJOR}")
endif()
set(FFA_EXPORTS_MAP ${CMAKE_CURRENT_LIST_DIR}/ffa-exports.map)
set(FFA_PC_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/ffa-library.pc.in)

# ffa_add_library(<name>
#   OUTPUT_NAME <base>          file name without lib/.a/.so: ffa-mediator, ffa-backend-mock, ...
#   INTERNAL_PREFIX <prefix>    this library's internal cross-file symbol prefix (ffam_, ...)
#   SOURCES <file>...
#   SUMMARY <text>              one line: the pkg-config Description and the Debian synopsis
#   DESCRIPTION <text>          the Debian package's long description (a paragraph)
#   [FFA_DEPS <name>...]        libraries of this project it uses publicly (mediator, ...): the
#                               static library links their static, the shared one their shared
#   [PUBLIC_LIBS <item>...]     other public link items (Threads::Threads)
#   [PRIVATE_LIBS <item>...]    private link items of the build tree ($<BUILD_INTERFACE:...>)
#   [STATIC_INSTALL_LIBS <i>...] what the installed static library needs at a consumer's link
#   [PC_REQUIRES_PRIVATE <mod>...] pkg-config modules needed for static linking (unicorn, libffi)
#   [PC_LIBS_PRIVATE <flag>...] linker flags needed for static linking (-lfdt, -pthread)
#   [DEV_DEPENDS <text>])       Debian -dev dependencies (headers/.pc of what it links: libffi-dev)
function(ffa_add_library name)
  cmake_parse_arguments(PARSE_ARGV 1 A ""
    "OUTPUT_NAME;INTERNAL_PREFIX;SUMMARY;DESCRIPTION"
    "SOURCES;FFA_DEPS;PUBLIC_LIBS;PRIVATE_LIBS;STATIC_INSTALL_LIBS;PC_REQUIRES_PRIVATE;PC_LIBS_PRIVATE;DEV_DEPENDS")
  foreach(req OUTPUT_NAME INTERNAL_PREFIX SOURCES SUMMARY DESCRIPTION)
    if(NOT A_${req})
      message(FATAL_ERROR "ffa_add_library(${name}): ${req} is required")
    endif()
  endforeach()
  if(A_INTERNAL_PREFIX MATCHES "^ffa_" OR NOT A_INTERNAL_PREFIX MATCHES "^ffa[a-z]*_$")
    message(FATAL_ERROR "ffa_add_library(${name}): INTERNAL_PREFIX '${A_INTERNAL_PREFIX}' must be "
                        "ffa<letters>_ and must not start with ffa_ (the public prefix)")
  endif()

  set(static ffa_${name})
  set(shared ffa_${name}_shared)
  set(static_deps "")
  set(shared_deps "")
  foreach(dep ${A_FFA_DEPS})
    list(APPEND static_deps ffa_${dep})
    list(APPEND shared_deps ffa_${dep}_shared)
  endforeach()
  set(includes $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
               $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
               $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

  # Static: compiles the sources (position-independent, so the shared library reuses the objects).
  add_library(${static} STATIC ${A_SOURCES})
  add_library(ffa::${name} ALIAS ${static})
  add_library(ffa::${name}_static ALIAS ${static})
  set_target_properties(${static} PROPERTIES OUTPUT_NAME ${A_OUTPUT_NAME}
                        EXPORT_NAME ${name}_static POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${static} PUBLIC ${includes})
  target_link_libraries(${static} PUBLIC ${static_deps} ${A_PUBLIC_LIBS} PRIVATE ${A_PRIVATE_LIBS})
  if(A_STATIC_INSTALL_LIBS)
    target_link_libraries(${static} INTERFACE "$<INSTALL_INTERFACE:${A_STATIC_INSTALL_LIBS}>")
  endif()

  # Shared: the same objects, linked with the export map.
  add_library(${shared} SHARED $<TARGET_OBJECTS:${static}>)
  add_library(ffa::${name}_shared ALIAS ${shared})
  add_dependencies(${shared} ${static})
  set_target_properties(${shared} PROPERTIES OUTPUT_NAME ${A_OUTPUT_NAME} EXPORT_NAME ${name}_shared
                        VERSION ${PROJECT_VERSION} SOVERSION ${FFA_SOVERSION}
                        LINK_DEPENDS ${FFA_EXPORTS_MAP})
  target_include_directories(${shared} PUBLIC ${includes})
  target_link_libraries(${shared} PUBLIC ${shared_deps} ${A_PUBLIC_LIBS} PRIVATE ${A_PRIVATE_LIBS})
  target_link_options(${shared} PRIVATE "LINKER:--version-script=${FFA_EXPORTS_MAP}")
  # Every dependency named at link time (so dpkg-shlibdeps sees them all). Sanitized builds leave
  # the sanitizer runtime to the executable.
  if(NOT FFA_SANITIZE)
    target_link_options(${shared} PRIVATE "LINKER:--no-undefined")
  endif()

  install(TARGETS ${static} EXPORT ffa-mediator-targets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
  install(TARGETS ${shared} EXPORT ffa-mediator-targets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib_${name} NAMELINK_COMPONENT dev
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT lib_${name})

  # pkg-config: Requires the project libraries it uses; the private parts serve --static.
  set(FFA_PC_NAME ${A_OUTPUT_NAME})
  set(FFA_PC_DESCRIPTION "${A_SUMMARY}")
  set(FFA_PC_LIB ${A_OUTPUT_NAME})
  set(FFA_PC_REQUIRES "")
  foreach(dep ${A_FFA_DEPS})
    get_property(dep_out GLOBAL PROPERTY FFA_LIB_${dep}_OUTPUT_NAME)
    list(APPEND FFA_PC_REQUIRES ${dep_out})
  endforeach()
  list(JOIN FFA_PC_REQUIRES ", " FFA_PC_REQUIRES)
  list(JOIN A_PC_REQUIRES_PRIVATE ", " FFA_PC_REQUIRES_PRIVATE)
  list(JOIN A_PC_LIBS_PRIVATE " " FFA_PC_LIBS_PRIVATE)
  configure_file(${FFA_PC_TEMPLATE} ${PROJECT_BINARY_DIR}/pkgconfig/${A_OUTPUT_NAME}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${A_OUTPUT_NAME}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

  set_property(GLOBAL APPEND PROPERTY FFA_LIBRARIES ${name})
  set_property(GLOBAL APPEND PROPERTY FFA_LIBRARY_BUILD_DIRS ${CMAKE_CURRENT_BINARY_DIR})
  foreach(key OUTPUT_NAME INTERNAL_PREFIX SUMMARY DESCRIPTION DEV_DEPENDS FFA_DEPS)
    set_property(GLOBAL PROPERTY FFA_LIB_${name}_${key} "${A_${key}}")
  endforeach()
endfunction()

# ffa_library_skipped(<name> REASON <text> [HEADERS <file in include/ffa>...])
function(ffa_library_skipped name)
  cmake_parse_arguments(PARSE_ARGV 1 A "" "REASON" "HEADERS")
  set_property(GLOBAL APPEND PROPERTY FFA_SKIPPED "ffa::${name}: ${A_REASON}")
  set_property(GLOBAL APPEND PROPERTY FFA_SKIPPED_HEADERS ${A_HEADERS})
endfunction()

# ffa_part_skipped(<what> <why and what to install>): a part other than a library (the example SPs,
# ...) that this configuration does not build; the summary prints it.
function(ffa_part_skipped what reason)
  set_property(GLOBAL APPEND PROPERTY FFA_SKIPPED "${what}: ${reason}")
endfunction()

# ffa_install_tool(<target>): a program for users, installed into bin/ by the "tools" package.
function(ffa_install_tool target)
  install(TARGETS ${target} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  set_property(GLOBAL APPEND PROPERTY FFA_TOOLS ${target})
endfunction()

# ffa_add_library_tests(): called once at the end of the top-level CMakeLists.txt, after every
# library is declared. Installs the build into <build>/test-install (a ctest fixture) and runs
# cmake/check-symbols.sh over each installed library:
#   symbols_<output>_static  every defined global symbol starts with ffa_ or INTERNAL_PREFIX
#   symbols_<output>_shared  every exported symbol starts with ffa_; SONAME is lib<out>.so.<SOVERSION>
# FFA_SYMBOLS_PENDING names static libraries whose internal symbols are still being renamed on
# another branch: their test is symbols_<output>_static_pending, a strict expected failure that
# lists the unprefixed symbols and passes while there are any, and fails once there are none, so
# that the library is taken off the list (and checked for good) as soon as its names are right.
function(ffa_add_library_tests)
  if(FFA_SANITIZE)
    return() # instrumented objects carry the sanitizer's own globals; the plain builds check
  endif()
  set(prefix ${PROJECT_BINARY_DIR}/test-install)
  add_test(NAME install_into_test_prefix
           COMMAND ${CMAKE_COMMAND} -E env --unset=DESTDIR
                   ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR} --prefix ${prefix})
  set_tests_properties(install_into_test_prefix PROPERTIES FIXTURES_SETUP ffa_test_install)
  get_property(libs GLOBAL PROPERTY FFA_LIBRARIES)
  set(nm ${CMAKE_NM})
  if(NOT nm)
    set(nm nm)
  endif()
  set(objdump ${CMAKE_OBJDUMP})
  if(NOT objdump)
    set(objdump objdump)
  endif()
  foreach(lib ${libs})
    get_property(out GLOBAL PROPERTY FFA_LIB_${lib}_OUTPUT_NAME)
    get_property(internal GLOBAL PROPERTY FFA_LIB_${lib}_INTERNAL_PREFIX)
    set(dir ${prefix}/${CMAKE_INSTALL_LIBDIR})
    set(static_test symbols_${out}_static)
    set(kind static)
    if(lib IN_LIST FFA_SYMBOLS_PENDING)
      set(static_test symbols_${out}_static_pending)
      set(kind static-pending)
    endif()
    add_test(NAME ${static_test}
             COMMAND ${PROJECT_SOURCE_DIR}/cmake/check-symbols.sh ${kind} ${nm} ${objdump}
                     ${dir}/lib${out}.a ${internal})
    add_test(NAME symbols_${out}_shared
             COMMAND ${PROJECT_SOURCE_DIR}/cmake/check-symbols.sh shared ${nm} ${objdump}
                     ${dir}/lib${out}.so.${FFA_SOVERSION} lib${out}.so.${FFA_SOVERSION})
    set_tests_properties(${static_test} symbols_${out}_shared
                         PROPERTIES FIXTURES_REQUIRED ffa_test_install)
  endforeach()
endfunction()
