/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SMC/HVC conduit: one SMCCC v1.2 call with x0..x17 in and x0..x17 out.
 *
 * Freestanding (built like lib/): no libc, no globals beyond the two const vtables.
 */
#include <stddef.h>
#include <stdint.h>

#include "ffa/backend_smc.h"

#if !defined(__aarch64__)
#error "backends/smc is AArch64 only: CMake builds it only for an AArch64 target"
#endif

/*
 * The registers are loaded from `in` and stored to `out` inside the asm, so the compiler never
 * has to pin eighteen live values to x0..x17. The two pointers must survive the call: SMCCC v1.2
 * has the callee preserve x18..x30 and SP, and the clobber list keeps the compiler from placing
 * either pointer in x0..x17. The "memory" clobber orders the call against every memory access
 * around it: besides *in and *out, the secure world reads and writes the shared RX/TX buffers.
 * Loading everything before the instruction and storing after it makes in == out safe.
 */
#define FFA_SMCCC_1_2_CALL(insn, in, out)                                                          \
    __asm__ volatile("ldp x0, x1, [%0, #0]\n\t"                                                    \
                     "ldp x2, x3, [%0, #16]\n\t"                                                   \
                     "ldp x4, x5, [%0, #32]\n\t"                                                   \
                     "ldp x6, x7, [%0, #48]\n\t"                                                   \
                     "ldp x8, x9, [%0, #64]\n\t"                                                   \
                     "ldp x10, x11, [%0, #80]\n\t"                                                 \
                     "ldp x12, x13, [%0, #96]\n\t"                                                 \
                     "ldp x14, x15, [%0, #112]\n\t"                                                \
                     "ldp x16, x17, [%0, #128]\n\t" insn "\n\t"                                    \
                     "stp x0, x1, [%1, #0]\n\t"                                                    \
                     "stp x2, x3, [%1, #16]\n\t"                                                   \
                     "stp x4, x5, [%1, #32]\n\t"                                                   \
                     "stp x6, x7, [%1, #48]\n\t"                                                   \
                     "stp x8, x9, [%1, #64]\n\t"                                                   \
                     "stp x10, x11, [%1, #80]\n\t"                                                 \
                     "stp x12, x13, [%1, #96]\n\t"                                                 \
                     "stp x14, x15, [%1, #112]\n\t"                                                \
                     "stp x16, x17, [%1, #128]"                                                    \
                     :                                                                             \
                     : "r"((in)->x), "r"((out)->x)                                                 \
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",   \
                       "x12", "x13", "x14", "x15", "x16", "x17", "memory")

/* The offsets above are 8 * register number: struct ffa_regs must be exactly x[18], unpadded. */
_Static_assert(sizeof(struct ffa_regs) == 18 * sizeof(uint64_t), "ffa_regs is x0..x17");
_Static_assert(offsetof(struct ffa_regs, x) == 0, "ffa_regs starts at x0");

void ffa_smc_call(const struct ffa_regs *in, struct ffa_regs *out)
{
    FFA_SMCCC_1_2_CALL("smc #0", in, out);
}

void ffa_hvc_call(const struct ffa_regs *in, struct ffa_regs *out)
{
    FFA_SMCCC_1_2_CALL("hvc #0", in, out);
}

/*
 * The vtable signature carries a context and a processor; the conduit uses neither. `smc #0` and
 * `hvc #0` trap on the PE that executes them, so the call is issued on the processor the calling
 * thread runs on, and `cpu` cannot redirect it. It is not checked either: the only number the PE
 * knows about itself is MPIDR_EL1, and how it maps to the hypervisor's CPU index is the
 * hypervisor's business (backend_smc.h).
 */
static void smc_backend_call(void *ctx, uint32_t cpu, const struct ffa_regs *in,
                             struct ffa_regs *out)
{
    (void)ctx;
    (void)cpu;
    ffa_smc_call(in, out);
}

static void hvc_backend_call(void *ctx, uint32_t cpu, const struct ffa_regs *in,
                             struct ffa_regs *out)
{
    (void)ctx;
    (void)cpu;
    ffa_hvc_call(in, out);
}

/*
 * CONCURRENT: each physical CPU traps into the firmware on its own, and the SPMD/SPMC keeps
 * per-CPU context, so the mediator need not serialise calls (backend.h).
 */
const struct ffa_backend_ops ffa_smc_backend_ops = {
    .name = "smc",
    .caps = FFA_BACKEND_CAP_CONCURRENT,
    .call = smc_backend_call,
    .destroy = NULL,
};

const struct ffa_backend_ops ffa_hvc_backend_ops = {
    .name = "hvc",
    .caps = FFA_BACKEND_CAP_CONCURRENT,
    .call = hvc_backend_call,
    .destroy = NULL,
};

struct ffa_backend ffa_smc_backend(enum ffa_smc_conduit conduit)
{
    struct ffa_backend be = {NULL, NULL};

    switch (conduit) {
    case FFA_SMC_CONDUIT_SMC:
        be.ops = &ffa_smc_backend_ops;
        break;
    case FFA_SMC_CONDUIT_HVC:
        be.ops = &ffa_hvc_backend_ops;
        break;
    }
    return be;
}
