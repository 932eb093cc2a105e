# SPDX-License-Identifier: BSD-3-Clause
# Debian packages with CPack (one package per install component):
#
#   lib<output><soversion>   one per library (ffa_add_library), the shared library only
#                            (libffa-mediator0.1, libffa-backend-mock0.1, ...), Section libs;
#                            dependencies from dpkg-shlibdeps, and a shlibs file for its users
#   libffa-mediator-dev      headers, static libraries, .so links, pkg-config modules, CMake
#                            package; depends on every runtime package of the same version and on
#                            the -dev packages its pkg-config modules and static libraries need
#   ffa-mediator-examples    the example secure partitions: <datadir>/ffa-mediator/sp/*.elf,
#                            manifests *.dtb and their sources *.dts (Architecture: all)
#   ffa-mediator-tools       programs for users (ffa_install_tool()), when there are any
#
# Build them from a tree configured for /usr (GNUInstallDirs then chooses the multiarch libdir):
#   cmake -S . -B build/deb -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/deb -j2 && (cd build/deb && cpack -G DEB)
# Each package carries /usr/share/doc/<package>/copyright (cmake/debian-copyright.in + LICENSE).
set(FFA_DEB_MAINTAINER "The libffa-mediator authors <libffa-mediator@invalid>"
    CACHE STRING "Maintainer field of the Debian packages (\"Name <email>\")")

get_property(ffa_libs GLOBAL PROPERTY FFA_LIBRARIES)
get_property(ffa_tools GLOBAL PROPERTY FFA_TOOLS)
get_property(ffa_has_examples GLOBAL PROPERTY FFA_HAS_EXAMPLES)

# The copyright file of every package: DEP-5, the license text from LICENSE.
file(READ ${PROJECT_SOURCE_DIR}/LICENSE ffa_license)
string(REGEX REPLACE "\n+$" "" ffa_license "${ffa_license}")
string(REGEX REPLACE "\n\n" "\n.\n" ffa_license "${ffa_license}")
string(REGEX REPLACE "\n" "\n " FFA_DEB_LICENSE " ${ffa_license}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/debian-copyright.in ${PROJECT_BINARY_DIR}/deb/copyright
               @ONLY)

set(CPACK_PACKAGE_NAME ffa-mediator)
set(CPACK_PACKAGE_VENDOR "The libffa-mediator authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${FFA_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps names the system's packages (libc6, libunicorn2, ...); it cannot know this
# project's own packages, so a library that uses another one of the project depends on its package
# through the component dependencies (CPACK_COMPONENT_<C>_DEPENDS: "<package> (= <version>)").
# dpkg-shlibdeps still has to find those libraries (in the build tree) to read what they need.
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
get_property(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS GLOBAL PROPERTY FFA_LIBRARY_BUILD_DIRS)
# A shlibs file in each runtime package, for packages built against it.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# Checked by cmake/ffa-cpack-project.cmake when cpack runs.
set(CPACK_FFA_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/ffa-cpack-project.cmake)

set(ffa_deb_version "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
set(CPACK_COMPONENTS_ALL "")
set(ffa_runtime_components "")
set(ffa_dev_depends "")

# ffa_deb_wrap(<text> <out-var>): the text as Debian description lines of at most 76 columns
# ("\n\n" separates paragraphs).
function(ffa_deb_wrap text out)
  string(REPLACE "\n\n" " @PARAGRAPH@ " text "${text}")
  string(REGEX REPLACE "[ \n]+" ";" words "${text}")
  set(lines "")
  set(line "")
  foreach(w ${words})
    if(w STREQUAL "@PARAGRAPH@")
      string(APPEND lines "${line}\n\n")
      set(line "")
    elseif(line STREQUAL "")
      set(line "${w}")
    else()
      string(LENGTH "${line} ${w}" n)
      if(n GREATER 76)
        string(APPEND lines "${line}\n")
        set(line "${w}")
      else()
        string(APPEND line " ${w}")
      endif()
    endif()
  endforeach()
  set(${out} "${lines}${line}" PARENT_SCOPE)
endfunction()

# ffa_deb_component(<component> <package> <section> <synopsis> <long description>)
macro(ffa_deb_component comp pkg section synopsis long)
  string(TOUPPER ${comp} ffa_c)
  string(LENGTH "${synopsis}" ffa_n)
  if(ffa_n GREATER 79)
    message(FATAL_ERROR "Debian synopsis of ${pkg} is ${ffa_n} characters (at most 79): ${synopsis}")
  endif()
  list(APPEND CPACK_COMPONENTS_ALL ${comp})
  set(CPACK_DEBIAN_${ffa_c}_PACKAGE_NAME ${pkg})
  set(CPACK_DEBIAN_${ffa_c}_PACKAGE_SECTION ${section})
  ffa_deb_wrap("${long}" ffa_long)
  set(CPACK_DEBIAN_${ffa_c}_DESCRIPTION "${synopsis}\n${ffa_long}")
  install(FILES ${PROJECT_BINARY_DIR}/deb/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg}
          COMPONENT ${comp} EXCLUDE_FROM_ALL)
endmacro()

foreach(lib ${ffa_libs})
  get_property(out GLOBAL PROPERTY FFA_LIB_${lib}_OUTPUT_NAME)
  get_property(summary GLOBAL PROPERTY FFA_LIB_${lib}_SUMMARY)
  get_property(desc GLOBAL PROPERTY FFA_LIB_${lib}_DESCRIPTION)
  get_property(devdeps GLOBAL PROPERTY FFA_LIB_${lib}_DEV_DEPENDS)
  set(pkg lib${out}${FFA_SOVERSION})
  ffa_deb_component(lib_${lib} ${pkg} libs "${summary}"
                    "${desc}\n\nThis package holds the shared library lib${out}.so.${FFA_SOVERSION}.")
  get_property(deps GLOBAL PROPERTY FFA_LIB_${lib}_FFA_DEPS)
  string(TOUPPER "lib_${lib}" c)
  set(CPACK_COMPONENT_${c}_DEPENDS "")
  foreach(dep ${deps})
    list(APPEND CPACK_COMPONENT_${c}_DEPENDS lib_${dep})
  endforeach()
  list(APPEND ffa_runtime_components lib_${lib})
  if(devdeps)
    list(APPEND ffa_dev_depends "${devdeps}")
  endif()
endforeach()

list(JOIN ffa_dev_depends ", " ffa_dev_depends)
ffa_deb_component(dev libffa-mediator-dev libdevel
  "FF-A mediator library for hypervisors - development files"
  "Headers (include/ffa), static libraries, pkg-config modules (ffa-mediator, ffa-backend-mock, ...) and the CMake package (find_package(ffa-mediator): ffa::<library>, ffa::<library>_static, ffa::<library>_shared) of libffa-mediator, the Arm FF-A mediator for hypervisors, and of its secure-world backends.")
set(CPACK_COMPONENT_DEV_DEPENDS ${ffa_runtime_components})
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${ffa_dev_depends}")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)

if(ffa_has_examples)
  ffa_deb_component(examples ffa-mediator-examples misc
    "FF-A mediator library - example secure partitions (AArch64)"
    "Bare-metal AArch64 secure partitions (ELF images), their FF-A partition manifests compiled to DTB and the manifest sources, installed in /usr/share/ffa-mediator/sp for the emulated SPMC of libffa-backend-unicorn: echo, an S-EL0 partition, a preemptible worker, a forwarder, messengers and deliberately faulty ones.")
  set(CPACK_DEBIAN_EXAMPLES_PACKAGE_ARCHITECTURE all)
  set(CPACK_DEBIAN_EXAMPLES_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_EXAMPLES_PACKAGE_SUGGESTS "libffa-mediator-dev")
endif()

if(ffa_tools)
  list(JOIN ffa_tools ", " ffa_tool_list)
  ffa_deb_component(tools ffa-mediator-tools devel
    "FF-A mediator library - command-line tools"
    "Programs built on libffa-mediator: ${ffa_tool_list}.")
  if(ffa_has_examples)
    set(CPACK_DEBIAN_TOOLS_PACKAGE_RECOMMENDS "ffa-mediator-examples (= ${ffa_deb_version})")
  endif()
endif()

include(CPack)
