/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Secondary entry of the example MP partitions (execution-ctx-count = the number of PEs). The
 * primary context registers this address with FFA_SECONDARY_EP_REGISTER during its init; the SPMC
 * starts every other context here, on its own PE, when that PE is turned on (Hafnium
 * sp_boot_next()): x0 = 0, x4 = the PE's linear index (Hafnium's PHYS_CORE_IDX_GP_REG), S-EL1, MMU
 * off, DAIF masked, no stack. All contexts share the image and its memory, so each one takes its
 * own stack here, leaves .bss alone (the primary cleared it), keeps its index in TPIDR_EL1 (each
 * context has its own), then runs sp_secondary_main(index, x0 at entry).
 */
#include "sp_protocol.h"

#define SECONDARY_STACK 8192

    .section .text, "ax"
    .global _secondary_start
    .type _secondary_start, %function
_secondary_start:
    mov     x20, x0
    mov     x19, x4
    cmp     x19, #SP_MAX_CTX
    b.hs    1f                  /* more contexts than stacks: spin (the watchdog ends it) */
    cbz     x19, 1f             /* context 0 is the primary: never started here */
    ldr     x1, =sp_secondary_stacks
    mov     x2, #SECONDARY_STACK
    madd    x1, x19, x2, x1     /* the top of stack slot (index - 1) */
    mov     sp, x1
    msr     tpidr_el1, x19
    ldr     x1, =sp_vectors
    msr     vbar_el1, x1
    isb
    msr     daifclr, #2         /* IRQs on: the managed-exit vIRQ can be taken */
    mov     x0, x19
    mov     x1, x20
    bl      sp_secondary_main
1:  b       1b
    .size _secondary_start, . - _secondary_start
    .ltorg

    .bss
    .balign 16
sp_secondary_stacks:
    .space  (SP_MAX_CTX - 1) * SECONDARY_STACK
