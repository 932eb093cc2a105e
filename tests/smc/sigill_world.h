/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A secure world played by a SIGILL handler, for testing the SMC/HVC conduit without EL3.
 *
 * Linux runs user code at EL0, where `smc` and `hvc` are undefined instructions: the kernel (and
 * qemu-aarch64 in user mode, which the CI uses) delivers SIGILL with the PC still at the
 * instruction. The handler reads x0..x17 from the signal's ucontext, lets a "world" function
 * compute the reply, writes x0..x17 back into the ucontext and steps the PC over the instruction,
 * so the interrupted code resumes as if firmware had answered.
 *
 * cmocka installs its own SIGILL handler around every test and restores it afterwards, so each
 * test installs this one itself (sw_install()) in its body.
 */
#ifndef FFA_TEST_SIGILL_WORLD_H
#define FFA_TEST_SIGILL_WORLD_H

#include <stdint.h>

#include "ffa/regs.h"

/* Instruction words of the two conduits with immediate 0 (Arm ARM: SMC/HVC encodings). */
#define SW_INSN_SMC0 UINT32_C(0xd4000003)
#define SW_INSN_HVC0 UINT32_C(0xd4000002)

/* Computes the secure world's answer to one trapped call. Runs inside the signal handler. */
typedef void (*sw_world_fn)(void *ctx, const struct ffa_regs *in, struct ffa_regs *out);

/* What the handler saw, since the last sw_install(). */
struct sw_trace {
    unsigned traps;          /* calls trapped */
    uint32_t last_insn;      /* instruction word at the trapping PC */
    struct ffa_regs last_in; /* x0..x17 of the last trapped call */
};

/*
 * Install the handler with `world` answering every call (NULL: reply with all registers zero),
 * and clear the trace. A SIGILL at an instruction other than `smc #0`/`hvc #0` is not swallowed:
 * the handler restores the default action, and the instruction kills the test.
 */
void sw_install(sw_world_fn world, void *ctx);

/* The trace (owned by the helper; read it after the call returned). */
const struct sw_trace *sw_trace(void);

/*
 * x0..x17 set to values no two registers share; `set` (1, 2 or 3) picks one of three families
 * that share no value either, so a call's input and its reply can never be confused.
 */
void sw_distinct_regs(struct ffa_regs *r, unsigned set);

/* A world that answers every call with distinct set 2, whatever it was asked. */
void sw_reply_set2(void *ctx, const struct ffa_regs *in, struct ffa_regs *out);

#endif /* FFA_TEST_SIGILL_WORLD_H */
