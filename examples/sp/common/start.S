/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry of the example SPs: stack, .bss, (S-EL1 only) the vector table whose IRQ entry records a
 * managed-exit virtual interrupt, then sp_main(x0 = boot info). The SPMC starts S-EL1 SPs at EL1
 * with the MMU off and DAIF masked, and S-EL0 SPs at EL0 (no system registers there).
 */
    .section .text.start, "ax"
    .global _start
_start:
    mov     x19, x0
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:
#ifndef SP_EL0
    msr     tpidr_el1, x4       /* the PE it boots on (x4, Hafnium's convention): context 0 */
    ldr     x1, =sp_vectors
    msr     vbar_el1, x1
    isb
    msr     daifclr, #2         /* IRQs on: the managed-exit vIRQ can be taken */
#endif
    mov     x0, x19
    bl      sp_main
3:  b       3b

#ifndef SP_EL0
/* Only "IRQ, current EL with SP_ELx" (0x280) is expected; anything else spins (the watchdog ends it). */
    .section .text.vectors, "ax"
    .balign 2048
    .global sp_vectors
sp_vectors:
    .rept 5
    b       .
    .balign 128
    .endr
    /* 0x280: IRQ from the current EL: note the managed exit, return to the interrupted code. */
    stp     x0, x1, [sp, #-16]!
    ldr     x0, =sp_managed_exit_flag
    mov     w1, #1
    str     w1, [x0]
    ldp     x0, x1, [sp], #16
    eret
    .balign 128
    .rept 10
    b       .
    .balign 128
    .endr
    .ltorg
#endif
