/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run loop: the PE moving between the normal world and SP contexts. A normal-world call is
 * decoded (nwd_abi.c); if it gives a context the CPU, the loop enters that context's engine,
 * decodes what stopped it (an FF-A call: sp_abi.c; a fault or the watchdog: an abort; a
 * non-secure interrupt: interrupts.c), and runs whichever context that gives the CPU to, until
 * the normal world gets an answer. Cold boot runs each partition through the same loop.
 *
 * Hafnium's shape: its exception handler (src/arch/aarch64/hypervisor/handler.c) turns a trap into
 * the next vCPU to run; here that loop is explicit, and it is the only caller of the decoders and
 * of the engine's entry.
 *
 * Each PE runs its own loop on the thread that called on it, holding only that PE's call_lock:
 * PEs switch worlds in parallel. A context whose partition was aborted on another PE is aborted
 * here as soon as this PE is about to run it or it stops (it was running or blocked in this PE's
 * chain when the abort happened, so the other PE left it to its owner).
 */
#include <stdio.h>

#include "spmc_internal.h"

static void log_switch(struct spmc *s, const struct ec *from, const struct next *nx)
{
    uint16_t id = from->sp->mf.id;

    if (nx->kind == NEXT_NWD)
        ffau_log_msg(s, FFA_UNICORN_LOG_DEBUG, id, "SP 0x%04x -> NWd: %s", id,
                     ffau_log_fid_name(nx->regs.x[0]));
    else if (nx->kind == NEXT_EC || nx->kind == NEXT_EC_RESUME)
        ffau_log_msg(s, FFA_UNICORN_LOG_DEBUG, id, "SP 0x%04x -> SP 0x%04x: %s", id,
                     nx->ec->sp->mf.id,
                     nx->kind == NEXT_EC ? ffau_log_fid_name(nx->regs.x[0])
                                         : "FFA_RUN, resumes where it stopped");
}

/* The partition of `ec`, which this PE owns, was aborted on another PE: abort `ec` too. */
static void abort_stale(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx)
{
    ffau_rt_abort(s, cpu, ec, "its partition was aborted on another PE", ec->eng->pc, "", nx);
}

/* What stopped the engine decides what runs next. */
static void after_exit(struct spmc *s, struct cpu *cpu, struct ec *ec, struct exit_info *ex,
                       struct next *nx)
{
    if (__builtin_expect(sp_aborted(ec->sp), 0)) {
        abort_stale(s, cpu, ec, nx);
        return;
    }
    switch (ex->kind) {
    case EXIT_FFA_CALL:
        ffau_spabi_call(s, cpu, ec, ex->regs, nx);
        return;
    case EXIT_FAULT:
        ffau_rt_abort(s, cpu, ec, ex->why, ex->pc, ex->detail, nx);
        return;
    case EXIT_WATCHDOG:
        if (cpu->booting)
            snprintf(ex->detail, sizeof(ex->detail),
                     "%llu basic blocks of init without FFA_MSG_WAIT",
                     (unsigned long long)cpu->budget.blocks);
        else
            snprintf(ex->detail, sizeof(ex->detail), "%llu basic blocks in one normal-world call",
                     (unsigned long long)cpu->budget.blocks);
        ffau_rt_abort(s, cpu, ec,
                      cpu->booting ? "init budget exhausted (never finished its init)"
                                   : "watchdog (never returns)",
                      ex->pc, ex->detail, nx);
        /* Whoever gets the error goes on with a new period. */
        budget_new_period(&cpu->budget);
        return;
    case EXIT_NS_IRQ:
        ffau_irq_ns_interrupt(s, cpu, ec, nx);
        return;
    case EXIT_ME_POLL:
        ffau_irq_me_poll(s, cpu, ec, nx);
        return;
    }
}

/*
 * Run from `nx` (a context to run) until the CPU goes back to the normal world with *out.
 * Inlined into both callers: every return of a frame older than the engine's entry costs a
 * mispredicted return after Unicorn's longjmp out of its CPU loop, so the world switch keeps the
 * call chain above uc_emu_start() short (perf, bench_unicorn).
 */
static inline __attribute__((always_inline)) void run(struct spmc *s, struct cpu *cpu,
                                                      struct next *nx, struct ffa_regs *out)
{
    struct ec *ec = NULL;
    struct exit_info ex;

    for (;;) {
        switch (nx->kind) {
        case NEXT_CONTINUE:
            break;
        case NEXT_SELF:
            ffau_eng_set_regs(ec->eng, &nx->regs);
            break;
        case NEXT_EC:
            ec = nx->ec;
            if (__builtin_expect(sp_aborted(ec->sp), 0)) {
                abort_stale(s, cpu, ec, nx);
                continue;
            }
            ffau_eng_set_regs(ec->eng, &nx->regs);
            break;
        case NEXT_EC_RESUME:
            ec = nx->ec;
            if (__builtin_expect(sp_aborted(ec->sp), 0)) {
                abort_stale(s, cpu, ec, nx);
                continue;
            }
            break;
        case NEXT_NWD:
            *out = nx->regs;
            ffau_irq_leave_secure_world(s, cpu);
            return;
        }
        ffau_irq_arm_entry(s, cpu, ec);
        ffau_eng_run(ec->eng, cpu, &ex);
        after_exit(s, cpu, ec, &ex, nx);
        if (s->cfg.log != NULL && nx->kind != NEXT_SELF && nx->kind != NEXT_CONTINUE)
            log_switch(s, ec, nx);
    }
}

void ffau_run_nwd_call(struct spmc *s, struct cpu *cpu, const struct ffa_regs *in,
                       struct ffa_regs *out)
{
    struct next nx;

    spin_lock(&cpu->call_lock);
    /* An interrupt raised before this call was the normal world's own: start clean. */
    __atomic_store_n(&cpu->ns_irq_line, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&cpu->in_call, true, __ATOMIC_RELEASE);
    /* The budget and the watchdog count the whole time the secure world holds the PE. */
    budget_new_period(&cpu->budget);
    ffau_nwdabi_call(s, cpu, in, &nx);
    if (nx.kind == NEXT_NWD)
        *out = nx.regs;
    else
        run(s, cpu, &nx, out);
    __atomic_store_n(&cpu->in_call, false, __ATOMIC_RELEASE);
    __atomic_store_n(&cpu->ns_irq_line, 0, __ATOMIC_RELEASE);
    spin_unlock(&cpu->call_lock);
}

void ffau_run_boot(struct spmc *s, struct cpu *cpu, struct ec *ec)
{
    struct next nx = {.kind = NEXT_EC_RESUME, .ec = ec};
    struct ffa_regs out;

    /* The init budget counts from the context's boot entry, its callees included. */
    budget_new_period(&cpu->budget);
    run(s, cpu, &nx, &out);
}
