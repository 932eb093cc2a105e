/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry of a position-independent SP (linked with -static-pie at address 0, loaded anywhere):
 * like start.S, but every address is computed PC-relative, and before any C code runs the image
 * applies its own dynamic relocations, as Trusted Services' SPs do: each R_AARCH64_RELATIVE entry
 * of .rela.dyn (Elf64_Rela: r_offset, r_info, r_addend) stores base + r_addend at base + r_offset,
 * base being the address the image runs at. Any other relocation type stops the SP (brk), since a
 * static-pie image has no symbols to resolve. The count is left in sp_relocs_applied.
 */
#define R_AARCH64_RELATIVE 1027

.macro adr_l reg, sym
    adrp    \reg, \sym
    add     \reg, \reg, :lo12:\sym
.endm

    .section .text.start, "ax"
    .global _start
_start:
    mov     x19, x0                 /* boot info */
    adr_l   x20, __image_start      /* the run-time base (linked at 0) */
    adr_l   x1, __bss_start
    adr_l   x2, __bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  adr_l   x1, __rela_start
    adr_l   x2, __rela_end
    mov     x21, #0
3:  cmp     x1, x2
    b.hs    5f
    ldp     x3, x4, [x1], #16       /* r_offset, r_info */
    ldr     x5, [x1], #8            /* r_addend */
    cmp     w4, #R_AARCH64_RELATIVE
    b.ne    4f
    add     x5, x5, x20
    str     x5, [x20, x3]
    add     x21, x21, #1
    b       3b
4:  brk     #0x5e1                  /* a relocation this start-up code cannot apply */
5:  adr_l   x1, sp_relocs_applied
    str     x21, [x1]
    adr_l   x1, __stack_top
    mov     sp, x1
#ifndef SP_EL0
    adr_l   x1, sp_vectors
    msr     vbar_el1, x1
    isb
    msr     daifclr, #2             /* IRQs on: the managed-exit vIRQ can be taken */
#endif
    mov     x0, x19
    bl      sp_main
6:  b       6b

#ifndef SP_EL0
/* As start.S: only "IRQ, current EL with SP_ELx" (0x280) is expected. */
    .section .text.vectors, "ax"
    .balign 2048
    .global sp_vectors
sp_vectors:
    .rept 5
    b       .
    .balign 128
    .endr
    stp     x0, x1, [sp, #-16]!
    adr_l   x0, sp_managed_exit_flag
    mov     w1, #1
    str     w1, [x0]
    ldp     x0, x1, [sp], #16
    eret
    .balign 128
    .rept 10
    b       .
    .balign 128
    .endr
#endif
