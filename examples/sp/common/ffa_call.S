/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * void ffa_call(struct ffa_args *a): load x0..x17 from *a, call the SPMC through the partition's
 * conduit, store x0..x17 back (SMCCC v1.2: the SPMC may return results in all of them).
 */
#if defined(SP_CONDUIT_SVC)
#define CONDUIT svc #0
#elif defined(SP_CONDUIT_HVC)
#define CONDUIT hvc #0
#elif defined(SP_CONDUIT_SMC)
#define CONDUIT smc #0
#else
#error "define SP_CONDUIT_SMC, SP_CONDUIT_HVC or SP_CONDUIT_SVC"
#endif

    .text
    .global ffa_call
    .type ffa_call, %function
ffa_call:
    stp     x19, x30, [sp, #-16]!
    mov     x19, x0
    ldp     x2, x3, [x19, #16]
    ldp     x4, x5, [x19, #32]
    ldp     x6, x7, [x19, #48]
    ldp     x8, x9, [x19, #64]
    ldp     x10, x11, [x19, #80]
    ldp     x12, x13, [x19, #96]
    ldp     x14, x15, [x19, #112]
    ldp     x16, x17, [x19, #128]
    ldp     x0, x1, [x19, #0]
    CONDUIT
    stp     x0, x1, [x19, #0]
    stp     x2, x3, [x19, #16]
    stp     x4, x5, [x19, #32]
    stp     x6, x7, [x19, #48]
    stp     x8, x9, [x19, #64]
    stp     x10, x11, [x19, #80]
    stp     x12, x13, [x19, #96]
    stp     x14, x15, [x19, #112]
    stp     x16, x17, [x19, #128]
    ldp     x19, x30, [sp], #16
    ret
    .size ffa_call, . - ffa_call
