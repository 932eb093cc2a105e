# SPDX-License-Identifier: BSD-3-Clause
# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE, cmake/ffa-packaging.cmake).
# Debian packages install under /usr, and the libraries must be in the multiarch directory that
# GNUInstallDirs chose for that prefix at configure time.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_FFA_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "Debian packages install under /usr: configure this build tree with "
                      "-DCMAKE_INSTALL_PREFIX=/usr (it has ${CPACK_FFA_INSTALL_PREFIX}), then run "
                      "cpack -G DEB again.")
endif()
# Each Debian package has its own synopsis (the first line of CPACK_DEBIAN_<C>_DESCRIPTION);
# CPackDeb would put the project's summary above it unless the summary is CPack's default one.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
