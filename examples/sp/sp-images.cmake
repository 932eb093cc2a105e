# SPDX-License-Identifier: BSD-3-Clause
# The example secure partitions: bare-metal AArch64 ELF images cross-built with Debian's
# aarch64-linux-gnu-gcc, and their manifests compiled to DTB with dtc, at build time.
#
# Included (once, GLOBAL guard) by examples/sp, tests/unicorn, bench/unicorn and examples/demo,
# whichever comes first. Defines the target ffa_sp_images and the cache variable FFA_SP_DIR (the
# directory holding <name>.elf and <name>.dtb), or sets FFA_SP_IMAGES to OFF (the configure summary
# says why) when the cross compiler or dtc is missing (scripts/deps.sh installs both).
include_guard(GLOBAL)

set(FFA_SP_SRC ${CMAKE_CURRENT_LIST_DIR})
find_program(FFA_SP_CC aarch64-linux-gnu-gcc)
find_program(FFA_DTC dtc)
find_program(FFA_SP_OBJCOPY aarch64-linux-gnu-objcopy)
if(NOT FFA_SP_CC OR NOT FFA_DTC OR NOT FFA_SP_OBJCOPY)
  ffa_part_skipped("example SPs, and with them the Unicorn tests, demo and bench_unicorn"
                   "needs gcc-aarch64-linux-gnu and device-tree-compiler (scripts/deps.sh demo)")
  set(FFA_SP_IMAGES OFF CACHE INTERNAL "example SP images are built")
  return()
endif()
set(FFA_SP_IMAGES ON CACHE INTERNAL "example SP images are built")
set(FFA_SP_DIR ${PROJECT_BINARY_DIR}/sp CACHE INTERNAL "where the example SP images are built")
file(MAKE_DIRECTORY ${FFA_SP_DIR})

# Bare-metal AArch64: no libc, no start files, a static non-PIE image at the manifest's load
# address (see FFA_SP_PIE_CFLAGS for the position-independent ones), general-purpose registers only (no FP/SIMD state for the SPMC to save), strict alignment
# (the SP may run with its MMU off). -Werror follows FFA_WERROR, as for the host code.
set(FFA_SP_CFLAGS -O2 -g -std=c11 -Wall -Wextra -march=armv8-a -ffreestanding -nostdlib
    -nostartfiles -static -no-pie -fno-pic -mgeneral-regs-only -mstrict-align
    -fno-stack-protector -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns -I${FFA_SP_SRC}/common)
if(FFA_WERROR)
  list(APPEND FFA_SP_CFLAGS -Werror)
endif()
set(FFA_SP_COMMON ${FFA_SP_SRC}/common/start.S ${FFA_SP_SRC}/common/ffa_call.S
    ${FFA_SP_SRC}/common/ffa.c)
set(FFA_SP_DEPS ${FFA_SP_COMMON} ${FFA_SP_SRC}/common/main.c ${FFA_SP_SRC}/common/sp_ffa.h
    ${FFA_SP_SRC}/common/sp_protocol.h)
set(FFA_SP_OUTPUTS "")

# Position-independent SPs (PIE): compiled -fPIE and linked -static-pie at 0, started by
# common/start_pie.S, which applies the image's own R_AARCH64_RELATIVE relocations (.rela.dyn) at
# run time, as Trusted Services' SPs do; the SPMC places the image at the manifest's load-address
# and relocates nothing.
set(FFA_SP_PIE_CFLAGS ${FFA_SP_CFLAGS})
list(REMOVE_ITEM FFA_SP_PIE_CFLAGS -static -no-pie -fno-pic)
list(APPEND FFA_SP_PIE_CFLAGS -fPIE -static-pie -Wl,-z,norelro)

# ffa_sp_image(<name> CONDUIT <SMC|HVC|SVC> SOURCES <files> [DEFS <-D...>] [LDS <script>] [PIE]
#              [HEADER <bytes>])
# LDS: a linker script in common/ (default sp.lds, sp-pie.lds for PIE). PIE: a position-independent
# image with common/start_pie.S instead of common/start.S; HEADER: bytes of package header before
# its code (sp-pie.lds, default 0).
function(ffa_sp_image name)
  cmake_parse_arguments(A "PIE" "CONDUIT;LDS;HEADER" "SOURCES;DEFS" ${ARGN})
  set(flags ${FFA_SP_CFLAGS})
  set(srcs ${FFA_SP_COMMON})
  set(A_LDFLAGS "")
  if(A_PIE)
    if(NOT A_HEADER)
      set(A_HEADER 0)
    endif()
    set(flags ${FFA_SP_PIE_CFLAGS})
    set(A_LDFLAGS -Wl,--defsym=__sp_header=${A_HEADER})
    list(TRANSFORM srcs REPLACE "/start\\.S$" "/start_pie.S")
    if(NOT A_LDS)
      set(A_LDS sp-pie.lds)
    endif()
  endif()
  if(NOT A_LDS)
    set(A_LDS sp.lds)
  endif()
  set(lds ${FFA_SP_SRC}/common/${A_LDS})
  set(out ${FFA_SP_DIR}/${name}.elf)
  foreach(s ${A_SOURCES})
    list(APPEND srcs ${FFA_SP_SRC}/${s})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${FFA_SP_CC} ${flags} -DSP_CONDUIT_${A_CONDUIT} ${A_DEFS}
            -Wl,-T,${lds} -Wl,--build-id=none ${A_LDFLAGS} -o ${out} ${srcs}
    DEPENDS ${srcs} ${FFA_SP_DEPS} ${lds}
    COMMENT "SP image ${name}.elf (AArch64, ${A_CONDUIT} conduit)" VERBATIM)
  set(FFA_SP_OUTPUTS ${FFA_SP_OUTPUTS} ${out} PARENT_SCOPE)
endfunction()

# ffa_sp_flat(<name> FROM <elf name>): <name>.bin, the ELF's loadable bytes from its lowest
# address (objcopy -O binary), as flat SP images are shipped.
function(ffa_sp_flat name)
  cmake_parse_arguments(A "" "FROM" "" ${ARGN})
  set(in ${FFA_SP_DIR}/${A_FROM}.elf)
  set(out ${FFA_SP_DIR}/${name}.bin)
  add_custom_command(OUTPUT ${out}
    COMMAND ${FFA_SP_OBJCOPY} -O binary ${in} ${out}
    DEPENDS ${in}
    COMMENT "SP image ${name}.bin (flat, from ${A_FROM}.elf)" VERBATIM)
  set(FFA_SP_OUTPUTS ${FFA_SP_OUTPUTS} ${out} PARENT_SCOPE)
endfunction()

function(ffa_sp_manifest name)
  set(out ${FFA_SP_DIR}/${name}.dtb)
  add_custom_command(OUTPUT ${out}
    COMMAND ${FFA_DTC} -q -I dts -O dtb -o ${out} ${FFA_SP_SRC}/manifests/${name}.dts
    DEPENDS ${FFA_SP_SRC}/manifests/${name}.dts
    COMMENT "SP manifest ${name}.dtb" VERBATIM)
  set(FFA_SP_OUTPUTS ${FFA_SP_OUTPUTS} ${out} PARENT_SCOPE)
endfunction()

ffa_sp_image(echo CONDUIT SMC SOURCES echo.c echo_loop.S)
ffa_sp_image(el0 CONDUIT SVC SOURCES common/main.c el0.c DEFS -DSP_EL0)
ffa_sp_image(worker CONDUIT HVC SOURCES common/main.c worker.c)
ffa_sp_image(forwarder CONDUIT SMC SOURCES common/main.c forwarder.c)
ffa_sp_image(faulty CONDUIT SMC SOURCES common/main.c faulty.c)
ffa_sp_image(init-abort CONDUIT SMC SOURCES common/main.c faulty.c DEFS -DSP_INIT_MODE=1)
ffa_sp_image(init-fault CONDUIT SMC SOURCES common/main.c faulty.c DEFS -DSP_INIT_MODE=2)
ffa_sp_image(messenger CONDUIT SMC SOURCES common/main.c messenger.c)
ffa_sp_image(messenger2 CONDUIT SMC SOURCES common/main.c messenger.c DEFS -DSP_RXTX_FROM_MANIFEST)
ffa_sp_image(mmu CONDUIT SMC SOURCES common/main.c mmu.c)
ffa_sp_image(bigmem CONDUIT SMC SOURCES common/main.c bigmem.c LDS sp-big.lds)
ffa_sp_image(farseg CONDUIT SMC SOURCES common/main.c bigmem.c DEFS -DSP_FARSEG LDS sp-far.lds)
ffa_sp_image(init-loop CONDUIT SMC SOURCES common/main.c faulty.c DEFS -DSP_INIT_MODE=3)
# MP partitions (one context per PE): the secondary contexts start at common/secondary.S.
ffa_sp_image(mp CONDUIT SMC SOURCES common/main.c mp.c common/secondary.S)
ffa_sp_image(mmu-mp CONDUIT SMC SOURCES common/main.c mmu.c common/secondary.S DEFS -DSP_MP)
# The image kinds (image.c): position-independent (also at S-EL0, and with 8 KiB of package header
# before its entry point), flat, segments without permission flags, writes past its image, devices.
ffa_sp_image(pie PIE CONDUIT SMC SOURCES common/main.c image.c)
ffa_sp_image(pie-el0 PIE CONDUIT SVC SOURCES common/main.c image.c DEFS -DSP_EL0)
ffa_sp_image(pie-pkg PIE CONDUIT SMC SOURCES common/sp_header.S common/main.c image.c
             HEADER 0x2000)
ffa_sp_flat(flat FROM pie)
ffa_sp_flat(pie-pkg FROM pie-pkg)
ffa_sp_image(noflags CONDUIT SMC SOURCES common/main.c image.c LDS sp-noflags.lds)
ffa_sp_image(pastbss CONDUIT SMC SOURCES common/main.c image.c DEFS -DSP_TOUCH_PAST_BSS)
ffa_sp_image(devices CONDUIT SMC SOURCES common/main.c image.c)
foreach(m echo el0 worker worker-queued worker-me forwarder forwarder2 faulty init-fault init-abort
          messenger messenger2 messenger-v10 mmu bigmem farseg pie flat pie-el0 noflags pastbss
          devices init-loop mp mmu-mp echo-mp)
  ffa_sp_manifest(${m})
endforeach()

add_custom_target(ffa_sp_images ALL DEPENDS ${FFA_SP_OUTPUTS})

# Installed (component "examples", the Debian package ffa-mediator-examples) so that a user of the
# installed ffa::backend_unicorn has partitions to load: <datadir>/ffa-mediator/sp/<name>.elf, the
# compiled manifests <name>.dtb and their sources <name>.dts.
if(FFA_BUILD_EXAMPLES)
  set(FFA_SP_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/ffa-mediator/sp)
  install(FILES ${FFA_SP_OUTPUTS} DESTINATION ${FFA_SP_INSTALL_DIR} COMPONENT examples)
  file(GLOB ffa_sp_dts ${FFA_SP_SRC}/manifests/*.dts)
  install(FILES ${ffa_sp_dts} DESTINATION ${FFA_SP_INSTALL_DIR} COMPONENT examples)
  set_property(GLOBAL PROPERTY FFA_HAS_EXAMPLES ON)
endif()
