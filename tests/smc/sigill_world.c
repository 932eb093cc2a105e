/* SPDX-License-Identifier: BSD-3-Clause */
#include "sigill_world.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

/*
 * Test-only globals: a signal handler has no other way to find its state. Tests are
 * single-threaded, and each call returns before the trace is read.
 */
static sw_world_fn world_fn;
static void *world_ctx;
static struct sw_trace trace;

static void on_sigill(int sig, siginfo_t *info, void *ucv)
{
    ucontext_t *uc = ucv;
    mcontext_t *mc = &uc->uc_mcontext;
    struct ffa_regs in, out;
    uint32_t insn;

    (void)info;
    memcpy(&insn, (const void *)(uintptr_t)mc->pc, sizeof(insn));
    if (insn != SW_INSN_SMC0 && insn != SW_INSN_HVC0) {
        /* A real illegal instruction: let it kill the process when it re-executes. */
        signal(sig, SIG_DFL);
        return;
    }
    for (int i = 0; i < FFA_NUM_REGS; i++)
        in.x[i] = mc->regs[i];
    memset(&out, 0, sizeof(out));
    if (world_fn != NULL)
        world_fn(world_ctx, &in, &out);
    for (int i = 0; i < FFA_NUM_REGS; i++)
        mc->regs[i] = out.x[i];
    mc->pc += 4; /* SMC/HVC trap at EL0 with the PC at the instruction: step over it */
    trace.traps++;
    trace.last_insn = insn;
    trace.last_in = in;
}

void sw_install(sw_world_fn world, void *ctx)
{
    struct sigaction sa;

    memset(&trace, 0, sizeof(trace));
    world_fn = world;
    world_ctx = ctx;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigill;
    /*
     * SA_NODEFER: a world function that fails a cmocka assertion longjmps out of the handler;
     * without it SIGILL would stay blocked and the next trap would kill the process.
     */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGILL, &sa, NULL);
}

const struct sw_trace *sw_trace(void)
{
    return &trace;
}

void sw_distinct_regs(struct ffa_regs *r, unsigned set)
{
    /*
     * Byte k of x[i] is (set << 6) ^ (i + 1) ^ k: no two registers of any set share a byte 0, the
     * sets live in disjoint 64-value blocks, every byte differs from its neighbours (a byte swap
     * shows) and the upper half is never zero (a truncation to 32 bits shows).
     */
    for (unsigned i = 0; i < FFA_NUM_REGS; i++) {
        uint64_t b = (uint64_t)(((set & 3u) << 6) ^ (i + 1));

        r->x[i] = (b * UINT64_C(0x0101010101010101)) ^ UINT64_C(0x0706050403020100);
    }
}

void sw_reply_set2(void *ctx, const struct ffa_regs *in, struct ffa_regs *out)
{
    (void)ctx;
    (void)in;
    sw_distinct_regs(out, 2);
}
