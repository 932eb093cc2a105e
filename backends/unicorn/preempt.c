/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Non-secure interrupts while an SP runs (secure-side.md 3.4), the preemption budget and the
 * watchdog.
 *
 * Sources of the interrupt: the per-entry budget (config preempt_blocks; deterministic) and the
 * host (ffa_unicorn_raise_ns_interrupt(), any thread). Both are seen by the block hook, which
 * stops the engine at the next basic block.
 *
 * What happens depends on the chain's ns-interrupts-action. The least permissive action of any
 * partition in the call chain wins (Hafnium docs, FF-A v1.1 8.3.1: queued < managed exit <
 * signaled):
 *  - queued (0): the interrupt stays pending while the chain runs and is taken by the normal
 *    world when the secure world returns to it (RESP, MSG_WAIT, YIELD); nobody sees FFA_INTERRUPT.
 *  - managed exit (1): the running SP, if it declares managed exit, gets the managed-exit vIRQ
 *    (taken at its VBAR_EL1 vector as soon as its IRQs are unmasked) and must end its request with
 *    DIRECT_RESP; NS interrupts stay masked until then. If the running SP itself declares
 *    "signaled" under a managed-exit caller, the interrupt is held as if queued (simplification,
 *    docs/unicorn.md).
 *  - signaled (2): the running context goes PREEMPTED and its donor gets FFA_INTERRUPT(id<<16 |
 *    vcpu). Because the interrupt is still pending, a donor SP is preempted in turn before it runs
 *    (its registers already hold the FFA_INTERRUPT), so the chain unwinds to the normal world,
 *    which gets FFA_INTERRUPT for the first SP of the chain ([H]
 * ffa_interrupts_unwind_nwd_call_chain).
 *
 * Watchdog: an entry (the span between the SPMC giving a context the CPU and the context's next
 * FF-A call) longer than watchdog_blocks aborts the partition. A queued interrupt or a waiting
 * managed exit does not end the entry, so a non-preemptible SP that never returns is aborted,
 * while a signaled SP is preempted first (preempt_blocks < watchdog_blocks).
 */
#include "spmc_internal.h"

void preempt_arm_entry(struct spmc *s, struct ec *ec, bool fresh)
{
    struct entry_budget *b = &s->budget;

    if (fresh)
        b->blocks = 0;
    b->watchdog_at = s->cfg.watchdog_blocks;
    /* No budget interrupt at boot (no normal world yet) or while one is already pending. */
    if (s->booting || s->cfg.preempt_blocks == 0 || s->ns_pending || ec->me_active)
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

    for (const struct ec *e = ec; e != NULL; e = e->donor) {
        if (e->sp->mf.ns_action < a)
            a = e->sp->mf.ns_action;
    }
    return a;
}

/*
 * Preempt `ec` and unwind: every donor SP receives FFA_INTERRUPT for its callee and, the
 * interrupt being still pending, is preempted in turn; the normal world gets FFA_INTERRUPT for
 * the first SP of the chain.
 */
static void preempt_chain(struct spmc *s, struct ec *ec, struct next *nx)
{
    struct ec *cur = ec;
    struct ffa_regs r;

    for (;;) {
        cur->state = FFA_UNICORN_EC_PREEMPTED;
        s->stats.preemptions++;
        spmc_log(s, FFA_UNICORN_LOG_INFO, cur->sp->mf.id,
                 "SP 0x%04x vCPU %u preempted by a non-secure interrupt at pc 0x%llx",
                 cur->sp->mf.id, cur->vcpu, (unsigned long long)cur->sp->pc);
        regs_zero(&r);
        r.x[0] = FFA_INTERRUPT;
        r.x[1] = FFA_TARGET_INFO(cur->sp->mf.id, cur->vcpu);
        if (cur->donor == NULL)
            break;
        /* The donor's DIRECT_REQ / FFA_RUN returns FFA_INTERRUPT; it must FFA_RUN its callee. */
        engine_set_regs(cur->donor->sp, &r);
        cur = cur->donor;
    }
    nx->kind = NEXT_NWD;
    nx->regs = r;
}

void preempt_ns_interrupt(struct spmc *s, struct ec *ec, struct next *nx)
{
    enum ns_action action = chain_action(ec);

    __atomic_store_n(&s->ns_irq_line, 0, __ATOMIC_RELEASE);
    nx->kind = NEXT_CONTINUE;
    if (s->booting || !__atomic_load_n(&s->in_call, __ATOMIC_ACQUIRE))
        return;
    s->stats.ns_interrupts++;
    if (s->ns_pending || ec->me_active) {
        /* Already pending or masked by a managed exit in progress: nothing more to do. */
        return;
    }
    if (action == NS_SIGNALED) {
        s->ns_pending = true;
        preempt_chain(s, ec, nx);
        return;
    }
    s->ns_pending = true;
    if (action == NS_MANAGED_EXIT && ec->sp->mf.ns_action == NS_MANAGED_EXIT &&
        ec->rtm == RTM_DIR_REQ) {
        ec->me_pending = true;
        spmc_log(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
                 "SP 0x%04x: non-secure interrupt, signalling managed exit", ec->sp->mf.id);
        preempt_me_poll(s, ec, nx);
        return;
    }
    s->stats.ns_queued++;
    spmc_log(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
             "SP 0x%04x: non-secure interrupt queued until the secure world returns",
             ec->sp->mf.id);
}

void preempt_me_poll(struct spmc *s, struct ec *ec, struct next *nx)
{
    nx->kind = NEXT_CONTINUE;
    if (!ec->me_pending)
        return;
    if (engine_inject_irq(ec->sp)) {
        ec->me_pending = false;
        ec->me_active = true;
        s->stats.managed_exits++;
        spmc_log(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
                 "SP 0x%04x: managed-exit vIRQ taken at pc 0x%llx", ec->sp->mf.id,
                 (unsigned long long)ec->sp->pc);
    }
}

void preempt_leave_secure_world(struct spmc *s)
{
    if (s->ns_pending)
        spmc_log(s, FFA_UNICORN_LOG_DEBUG, FFA_ID_SPMC,
                 "non-secure interrupt handed to the normal world");
    s->ns_pending = false;
    __atomic_store_n(&s->ns_irq_line, 0, __ATOMIC_RELEASE);
}
