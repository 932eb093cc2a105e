# SPDX-License-Identifier: BSD-3-Clause
# Cross-build for AArch64 Linux with Debian's gcc-aarch64-linux-gnu, and run the results (ctest)
# under qemu-aarch64 user mode.
#
#   cmake -S . -B build/aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#
# Libraries for the target come from Debian multiarch (dpkg --add-architecture arm64;
# libcmocka-dev:arm64, libffi-dev:arm64), installed under /usr/lib/aarch64-linux-gnu; CMake finds
# them there through CMAKE_LIBRARY_ARCHITECTURE, and pkg-config is pointed at their .pc files only,
# so no amd64 library can leak into the link. At run time qemu-aarch64 starts the arm64 dynamic
# loader /lib/ld-linux-aarch64.so.1 (from libc6:arm64, which multiarch cmocka pulls in), and that
# loader searches /usr/lib/aarch64-linux-gnu by default: no QEMU_LD_PREFIX or LD_LIBRARY_PATH is
# needed. (Without multiarch libc6:arm64, run with QEMU_LD_PREFIX=/usr/aarch64-linux-gnu.)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(FFA_CROSS_TRIPLE aarch64-linux-gnu)
# gcc by default; clang also works: -DCMAKE_C_COMPILER=clang (its target is set below).
if(NOT CMAKE_C_COMPILER)
  set(CMAKE_C_COMPILER ${FFA_CROSS_TRIPLE}-gcc)
endif()
set(CMAKE_C_COMPILER_TARGET ${FFA_CROSS_TRIPLE})

# ctest runs every test executable through the emulator (binfmt_misc need not be registered).
find_program(FFA_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${FFA_QEMU_AARCH64})

# Never run host (amd64) programs' libraries or headers for the target: search only the target's
# multiarch directory and the cross sysroot for libraries and headers; programs come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${FFA_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# pkg-config: the arm64 multiarch .pc files (and arch-independent ones), never the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${FFA_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
