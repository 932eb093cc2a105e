/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Execution contexts and call chains: the run loop that moves the one PE between SP contexts
 * until the world returns to the normal world, and the two moves every ABI handler shares (give
 * a result to the cycle donor; abort a partition).
 *
 * Model (secure-side.md 3.1-3.3, Hafnium's struct vcpu): every context has a state, a runtime
 * model, and a `donor` (the context that gave it the CPU; NULL = the normal world). A chain
 * NWd -> A -> B is B.donor = A, A.callee = B, A.donor = NULL. Results travel to the donor; the
 * chain unwinds one node per DIRECT_RESP, FFA_YIELD, preemption or abort.
 */
#include <string.h>

#include "spmc_internal.h"

void regs_zero(struct ffa_regs *r)
{
    memset(r, 0, sizeof(*r));
}

void regs_error(struct ffa_regs *r, int32_t code)
{
    regs_zero(r);
    r->x[0] = FFA_ERROR;
    r->x[2] = (uint32_t)code; /* zero-extended (secure-side.md 10.7) */
}

void regs_success(struct ffa_regs *r, uint64_t w2)
{
    regs_zero(r);
    r->x[0] = FFA_SUCCESS_32;
    r->x[2] = w2;
}

bool spmc_fid_common(uint32_t fid)
{
    switch (fid) {
    case FFA_ERROR:
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
    case FFA_INTERRUPT:
    case FFA_VERSION:
    case FFA_FEATURES:
    case FFA_ID_GET:
    case FFA_SPM_ID_GET:
    case FFA_MSG_YIELD:
    case FFA_RUN:
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
        return true;
    default:
        return false;
    }
}

struct sp *spmc_find_sp(struct spmc *s, uint16_t id)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        if (s->sps[i]->mf.id == id)
            return s->sps[i];
    }
    return NULL;
}

bool spmc_chain_contains(const struct ec *from, const struct ec *target)
{
    for (const struct ec *e = from; e != NULL; e = e->donor) {
        if (e == target)
            return true;
    }
    return false;
}

void spmc_to_donor(struct ec *donor, const struct ffa_regs *regs, struct next *nx)
{
    nx->regs = *regs;
    if (donor == NULL) {
        nx->kind = NEXT_NWD;
        return;
    }
    donor->state = FFA_UNICORN_EC_RUNNING;
    nx->kind = NEXT_EC;
    nx->ec = donor;
}

/*
 * Abort the partition of `ec` (fault, watchdog, FFA_ERROR(ABORTED)): every context ABORTED, the
 * donor of `ec` gets FFA_ERROR(ABORTED) (secure-side.md 3.6 and 3.8). A callee that `ec` had left
 * preempted or yielded is handed to the normal world (its donor becomes NULL): the normal world
 * may FFA_RUN it to completion, and its response to the dead partition ends as FFA_MSG_WAIT.
 */
void spmc_abort(struct spmc *s, struct ec *ec, const char *why, uint64_t pc, const char *detail,
                struct next *nx)
{
    struct sp *sp = ec->sp;
    struct ec *donor = ec->donor;
    struct ffa_regs r;

    spmc_log(s, FFA_UNICORN_LOG_ERROR, sp->mf.id,
             "SP 0x%04x (%s) vCPU %u aborted: %s at pc 0x%llx%s%s", sp->mf.id, sp->mf.name,
             ec->vcpu, why, (unsigned long long)pc, detail != NULL && detail[0] != '\0' ? ": " : "",
             detail != NULL ? detail : "");
    sp->aborted = true;
    s->stats.aborts++;
    if (ec->callee != NULL)
        ec->callee->donor = NULL;
    for (uint32_t i = 0; i < sp->mf.ec_count; i++) {
        sp->ecs[i].state = FFA_UNICORN_EC_ABORTED;
        sp->ecs[i].rtm = RTM_NONE;
        sp->ecs[i].req_active = false;
        sp->ecs[i].donor = NULL;
        sp->ecs[i].callee = NULL;
    }
    if (donor != NULL)
        donor->callee = NULL;
    regs_error(&r, FFA_RET_ABORTED);
    spmc_to_donor(donor, &r, nx);
}

static void log_switch(struct spmc *s, const struct ec *from, const struct next *nx)
{
    if (s->cfg.log == NULL)
        return;
    if (nx->kind == NEXT_NWD)
        spmc_log(s, FFA_UNICORN_LOG_DEBUG, from->sp->mf.id, "SP 0x%04x -> NWd: %s", from->sp->mf.id,
                 spmc_fid_name(nx->regs.x[0]));
    else if (nx->kind == NEXT_EC || nx->kind == NEXT_EC_RESUME)
        spmc_log(s, FFA_UNICORN_LOG_DEBUG, from->sp->mf.id, "SP 0x%04x -> SP 0x%04x: %s",
                 from->sp->mf.id, nx->ec->sp->mf.id,
                 nx->kind == NEXT_EC ? spmc_fid_name(nx->regs.x[0])
                                     : "FFA_RUN, resumes where it stopped");
}

void spmc_run(struct spmc *s, struct ec *ec, struct ffa_regs *out)
{
    struct exit_info ex;
    struct next nx;
    bool fresh = true;

    for (;;) {
        preempt_arm_entry(s, ec, fresh);
        engine_run(s, ec, &ex);
        switch (ex.kind) {
        case EXIT_FFA_CALL:
            sp_abi_call(s, ec, &ex.regs, &nx);
            break;
        case EXIT_FAULT:
            spmc_abort(s, ec, ex.why, ex.pc, ex.detail, &nx);
            break;
        case EXIT_WATCHDOG:
            snprintf(ex.detail, sizeof(ex.detail), "%llu basic blocks without an FF-A call",
                     (unsigned long long)s->budget.blocks);
            spmc_abort(s, ec, "watchdog (never returns)", ex.pc, ex.detail, &nx);
            break;
        case EXIT_NS_IRQ:
            preempt_ns_interrupt(s, ec, &nx);
            break;
        case EXIT_ME_POLL:
        default:
            preempt_me_poll(s, ec, &nx);
            break;
        }
        if (nx.kind != NEXT_SELF && nx.kind != NEXT_CONTINUE)
            log_switch(s, ec, &nx);
        switch (nx.kind) {
        case NEXT_CONTINUE:
            fresh = false;
            continue;
        case NEXT_SELF:
            engine_set_regs(ec->sp, &nx.regs);
            break;
        case NEXT_EC:
            ec = nx.ec;
            engine_set_regs(ec->sp, &nx.regs);
            break;
        case NEXT_EC_RESUME:
            ec = nx.ec;
            break;
        case NEXT_NWD:
            *out = nx.regs;
            preempt_leave_secure_world(s);
            return;
        }
        fresh = true;
    }
}
