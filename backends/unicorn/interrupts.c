/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Non-secure interrupts while an SP runs, the preemption budget and the watchdog.
 *
 * Sources of the interrupt: the call's budget (config preempt_blocks; deterministic) and the host
 * (ffa_unicorn_raise_ns_interrupt*(), any thread, per PE). Both are seen by the engine's block
 * hook, which stops the engine at the next basic block.
 *
 * The budget counts like a timer that starts when the normal world's call enters the secure world
 * on this PE: every basic block any context runs on the PE for that call counts, across entries,
 * FF-A calls and call chains, until the secure world gives the PE back. (Counted per entry, a
 * partition that keeps making FF-A calls would never be preempted: each answer would restart the
 * count.) A new normal-world call, FFA_RUN included, starts a new count.
 *
 * What happens depends on the chain's ns-interrupts-action. The least permissive action of any
 * partition in the call chain wins (FF-A v1.1, DEN0077A section 8.3.1; Hafnium's SPMC
 * documentation, docs/secure-partition-manager/secure-partition-manager.rst: queued < managed exit
 * < signaled):
 *  - queued (0): the interrupt stays pending while the chain runs and is taken by the normal
 *    world when the secure world returns to it (RESP, MSG_WAIT, YIELD); nobody sees FFA_INTERRUPT.
 *  - managed exit (1): the running SP, if it declares managed exit, gets the managed-exit vIRQ
 *    (taken at its VBAR_EL1 vector as soon as its IRQs are unmasked) and must end its request with
 *    DIRECT_RESP; NS interrupts stay masked until then. If the running SP itself declares
 *    "signaled" under a managed-exit caller, the interrupt is held as if queued (simplification,
 *    docs/unicorn.md).
 *  - signaled (2): the running context and its donors are preempted (runtime.c
 *    ffau_rt_preempt_chain()); the normal world gets FFA_INTERRUPT for the first SP of the chain.
 *
 * Watchdog: a normal-world call that holds the PE for more than watchdog_blocks blocks aborts the
 * partition running at that moment (its caller, an SP or the normal world, gets ERROR(ABORTED)),
 * and the rest of the call gets a new period, so a call ends after at most one period per
 * partition it reaches plus one. A queued interrupt or a waiting managed exit does not stop the
 * count, so a non-preemptible SP that never returns is aborted, while a signaled SP is preempted
 * first (preempt_blocks < watchdog_blocks). During boot (no normal world yet, no interrupts) the
 * same count runs against the init budget (init_blocks, default watchdog_blocks) from each
 * context's boot entry: a partition that never reaches FFA_MSG_WAIT is aborted, and
 * ffa_unicorn_create() returns.
 */
#include "spmc_internal.h"

void ffau_irq_arm_entry(struct spmc *s, struct cpu *cpu, struct ec *ec)
{
    struct entry_budget *b = &cpu->budget;

    b->watchdog_at = cpu->booting ? s->cfg.init_blocks : s->cfg.watchdog_blocks;
    /* No budget interrupt at boot (no normal world yet) or while one is already pending. */
    if (cpu->booting || s->cfg.preempt_blocks == 0 || cpu->ns_pending || ec->me_active)
        b->preempt_at = UINT64_MAX;
    else
        b->preempt_at = s->cfg.preempt_blocks;
    b->stop_at = b->preempt_at < b->watchdog_at ? b->preempt_at : b->watchdog_at;
    /* Managed exit waiting for unmasked IRQs: look again after every block. */
    if (ec->me_pending)
        b->stop_at = b->blocks + 1;
}

static enum ns_action chain_action(const struct ec *ec)
{
    enum ns_action a = NS_SIGNALED;

    for (const struct ec *e = ec; e != NULL; e = e->rt_donor) {
        if (e->sp->mf.ns_action < a)
            a = e->sp->mf.ns_action;
    }
    return a;
}

void ffau_irq_ns_interrupt(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx)
{
    enum ns_action action = chain_action(ec);

    __atomic_store_n(&cpu->ns_irq_line, 0, __ATOMIC_RELEASE);
    nx->kind = NEXT_CONTINUE;
    if (cpu->booting || !__atomic_load_n(&cpu->in_call, __ATOMIC_ACQUIRE))
        return;
    stat_inc(&cpu->stats.ns_interrupts);
    if (cpu->ns_pending || ec->me_active) {
        /* Already pending or masked by a managed exit in progress: nothing more to do. */
        return;
    }
    cpu->ns_pending = true;
    if (action == NS_SIGNALED) {
        ffau_rt_preempt_chain(s, cpu, ec, nx);
        return;
    }
    if (action == NS_MANAGED_EXIT && ec->sp->mf.ns_action == NS_MANAGED_EXIT &&
        ec->rt_model == RTM_DIR_REQ) {
        ffau_rt_me_signal(ec);
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
                     "SP 0x%04x: non-secure interrupt, signalling managed exit", ec->sp->mf.id);
        ffau_irq_me_poll(s, cpu, ec, nx);
        return;
    }
    stat_inc(&cpu->stats.ns_queued);
    ffau_log_msg(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
                 "SP 0x%04x: non-secure interrupt queued until the secure world returns",
                 ec->sp->mf.id);
}

void ffau_irq_me_poll(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx)
{
    nx->kind = NEXT_CONTINUE;
    if (!ec->me_pending)
        return;
    if (ffau_eng_inject_irq(ec->eng)) {
        ffau_rt_me_taken(ec);
        stat_inc(&cpu->stats.managed_exits);
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
                     "SP 0x%04x: managed-exit vIRQ taken at pc 0x%llx", ec->sp->mf.id,
                     (unsigned long long)ec->eng->pc);
    }
}

void ffau_irq_leave_secure_world(struct spmc *s, struct cpu *cpu)
{
    if (cpu->ns_pending)
        ffau_log_msg(s, FFA_UNICORN_LOG_DEBUG, FFA_ID_SPMC,
                     "non-secure interrupt handed to the normal world");
    cpu->ns_pending = false;
    __atomic_store_n(&cpu->ns_irq_line, 0, __ATOMIC_RELEASE);
}
