/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The partition runtime model: every change of an execution context's state, runtime model and
 * call-chain links happens here, through ec_transition(), the only code that writes them
 * (check_layers.sh fails the tests on a write anywhere else). Shaped after Hafnium's
 * src/ffa/spmc/cpu_cycles.c ffa_cpu_cycles_check_runtime_state_transition(), which checks each
 * ABI against the caller's runtime model (FF-A v1.1 DEN0077A section 7.2, v1.2 section 8.3, as
 * Hafnium cites them), and src/vcpu.c.
 *
 * Model: every context has a state (enum ec_state), a runtime model (enum rtm: why it has the
 * CPU) and a `rt_donor`, the context that gave it the CPU (NULL: the normal world). A call chain
 * NWd -> A -> B is B.donor = A, A.callee = B, A.donor = NULL. Results travel to the donor; the
 * chain unwinds one node per DIRECT_RESP, FFA_MSG_WAIT, FFA_YIELD, preemption or abort.
 *
 * What may happen to a context is one event of enum ev, allowed or refused by two tables:
 * state_rule (from each state: the state it goes to, or the FF-A error that refuses the event) and
 * model_rule (in each runtime model: the model it goes to, KEEP, or the FF-A error). A refusal
 * changes nothing. The rules beyond the tables (call loops, ownership of a preempted context, a
 * callee still to resume) are checked by the function of each ABI before it asks for the event,
 * in Hafnium's order, so each refusal keeps the error code the reference gives.
 */
#include <stdio.h>

#include "spmc_internal.h"

enum ev {
    EV_PARK,        /* a secondary context at boot: stays OFF (one PE: never started) */
    EV_BOOT,        /* cold boot: runs in the SP_INIT model */
    EV_RECV_REQ,    /* receives a direct request */
    EV_RECV_RUN,    /* gets cycles by FFA_RUN: starts (WAITING) or resumes (PREEMPTED, YIELDED) */
    EV_SEND_REQ,    /* sends a direct request: blocked until its callee gives the CPU back */
    EV_SEND_RUN,    /* resumes its callee with FFA_RUN: blocked likewise */
    EV_MSG_WAIT,    /* FFA_MSG_WAIT: waits for the next message */
    EV_RESP,        /* answers its direct request */
    EV_YIELD,       /* FFA_YIELD: gives the CPU back, to be resumed by FFA_RUN */
    EV_RETURN,      /* its callee finished (response, FFA_MSG_WAIT, abort): it runs on */
    EV_RETURN_KEEP, /* its callee yielded or was preempted: it runs on and must FFA_RUN it */
    EV_PREEMPT,     /* a signaled non-secure interrupt: preempted, or unwound past while blocked */
    EV_ORPHAN,      /* its donor aborted: the normal world may resume it now */
    EV_ABORT,       /* its partition aborts */
    EV_COUNT
};

/* model_rule: keep the model the context has. */
#define KEEP 100

#define S(state) ((int8_t)EC_##state)
#define M(model) ((int8_t)RTM_##model)
#define E(code)  ((int8_t)FFA_RET_##code)

/* clang-format off */
/*
 * state_rule[event][state]: the state the context goes to, or the FF-A error that refuses the
 * event. Rows for events a context causes itself (SEND_*, MSG_WAIT, RESP, YIELD) refuse every state
 * but RUNNING: only a running context makes calls.
 */
static const int8_t state_rule[EV_COUNT][EC_STATE_COUNT] = {
    /*                NULL                    OFF        WAITING     RUNNING        BLOCKED       YIELDED       PREEMPTED     ABORTED */
    [EV_PARK]      = {S(OFF),                 E(DENIED), E(DENIED),  E(DENIED),     E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_BOOT]      = {S(RUNNING),             S(RUNNING),E(DENIED),  E(DENIED),     E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_RECV_REQ]  = {E(INVALID_PARAMETERS),  E(BUSY),   S(RUNNING), E(BUSY),       E(BUSY),      E(BUSY),      E(BUSY),      E(ABORTED)},
    [EV_RECV_RUN]  = {E(INVALID_PARAMETERS),  E(BUSY),   S(RUNNING), E(BUSY),       E(BUSY),      S(RUNNING),   S(RUNNING),   E(ABORTED)},
    [EV_SEND_REQ]  = {E(DENIED),              E(DENIED), E(DENIED),  S(BLOCKED),    E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_SEND_RUN]  = {E(DENIED),              E(DENIED), E(DENIED),  S(BLOCKED),    E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_MSG_WAIT]  = {E(DENIED),              E(DENIED), E(DENIED),  S(WAITING),    E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_RESP]      = {E(DENIED),              E(DENIED), E(DENIED),  S(WAITING),    E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_YIELD]     = {E(DENIED),              E(DENIED), E(DENIED),  S(YIELDED),    E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_RETURN]    = {E(DENIED),              E(DENIED), E(DENIED),  E(DENIED),     S(RUNNING),   E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_RETURN_KEEP] = {E(DENIED),            E(DENIED), E(DENIED),  E(DENIED),     S(RUNNING),   E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_PREEMPT]   = {E(DENIED),              E(DENIED), E(DENIED),  S(PREEMPTED),  S(PREEMPTED), E(DENIED),    E(DENIED),    E(DENIED)},
    [EV_ORPHAN]    = {E(DENIED),              E(DENIED), E(DENIED),  E(DENIED),     E(DENIED),    S(YIELDED),   S(PREEMPTED), E(DENIED)},
    [EV_ABORT]     = {S(ABORTED),             S(ABORTED),S(ABORTED), S(ABORTED),    S(ABORTED),   S(ABORTED),   S(ABORTED),   S(ABORTED)},
};

/*
 * model_rule[event][model of the context]: the model it has afterwards, KEEP, or the FF-A error
 * that refuses the event (Hafnium's cpu_cycles.c: MSG_WAIT ends SP_INIT and FFA_RUN but is denied
 * while handling a direct request; YIELD and FFA_RUN are denied in SP_INIT; a response needs the
 * DIR_REQ model).
 */
static const int8_t model_rule[EV_COUNT][RTM_COUNT] = {
    /*                NONE        SP_INIT     DIR_REQ     FFA_RUN */
    [EV_PARK]      = {M(NONE),    M(NONE),    M(NONE),    M(NONE)},
    [EV_BOOT]      = {M(SP_INIT), M(SP_INIT), M(SP_INIT), M(SP_INIT)},
    [EV_RECV_REQ]  = {M(DIR_REQ), E(BUSY),    E(BUSY),    E(BUSY)},
    [EV_RECV_RUN]  = {M(FFA_RUN), KEEP,       KEEP,       KEEP},
    [EV_SEND_REQ]  = {E(DENIED),  KEEP,       KEEP,       KEEP},
    [EV_SEND_RUN]  = {E(DENIED),  E(DENIED),  KEEP,       KEEP},
    [EV_MSG_WAIT]  = {E(DENIED),  M(NONE),    E(DENIED),  M(NONE)},
    [EV_RESP]      = {E(DENIED),  E(DENIED),  M(NONE),    E(DENIED)},
    [EV_YIELD]     = {E(DENIED),  E(DENIED),  KEEP,       KEEP},
    [EV_RETURN]    = {KEEP,       KEEP,       KEEP,       KEEP},
    [EV_RETURN_KEEP] = {KEEP,     KEEP,       KEEP,       KEEP},
    [EV_PREEMPT]   = {KEEP,       KEEP,       KEEP,       KEEP},
    [EV_ORPHAN]    = {KEEP,       KEEP,       KEEP,       KEEP},
    [EV_ABORT]     = {M(NONE),    M(NONE),    M(NONE),    M(NONE)},
};
/* clang-format on */

static const char *const model_names[RTM_COUNT] = {"no", "SP_INIT", "DIR_REQ", "FFA_RUN"};

/* 0 when `ev` may happen to `ec` now, else the FF-A error that refuses it. */
static int32_t ec_allowed(const struct ec *ec, enum ev ev)
{
    int8_t st = state_rule[ev][ec->rt_state];
    int8_t md = model_rule[ev][ec->rt_model];

    if (st < 0)
        return st;
    return md < 0 ? md : 0;
}

/*
 * The transition helper, the only writer of rt_state, rt_model, rt_donor and rt_callee. `peer` is
 * the other end of the call-chain link the event makes: the donor of RECV_REQ and of RECV_RUN from
 * WAITING, the callee of SEND_REQ and SEND_RUN. A request that ends (the model goes back to NONE)
 * ends its managed exit too.
 */
static int32_t ec_transition(struct ec *ec, enum ev ev, struct ec *peer)
{
    enum ec_state from = ec->rt_state;
    int32_t ret = ec_allowed(ec, ev);

    if (ret != 0)
        return ret;
    ec->rt_state = (enum ec_state)state_rule[ev][from];
    if (model_rule[ev][ec->rt_model] != KEEP)
        ec->rt_model = (enum rtm)model_rule[ev][ec->rt_model];
    switch (ev) {
    case EV_PARK:
    case EV_BOOT:
    case EV_ABORT:
        ec->rt_donor = NULL;
        ec->rt_callee = NULL;
        break;
    case EV_RECV_REQ:
        ec->rt_donor = peer;
        break;
    case EV_RECV_RUN:
        if (from == EC_WAITING)
            ec->rt_donor = peer;
        break;
    case EV_SEND_REQ:
    case EV_SEND_RUN:
        ec->rt_callee = peer;
        break;
    case EV_MSG_WAIT:
    case EV_RESP:
    case EV_ORPHAN:
        ec->rt_donor = NULL;
        break;
    case EV_RETURN:
        ec->rt_callee = NULL;
        break;
    case EV_YIELD:
    case EV_RETURN_KEEP:
    case EV_PREEMPT:
    case EV_COUNT:
        break;
    }
    if (ec->rt_model == RTM_NONE) {
        ec->me_pending = false;
        ec->me_active = false;
    }
    return 0;
}

/* True when `target` appears in the call chain ending at `from` (a loop). */
static bool in_chain(const struct ec *from, const struct ec *target)
{
    for (const struct ec *e = from; e != NULL; e = e->rt_donor) {
        if (e == target)
            return true;
    }
    return false;
}

/* nx->regs (built by the caller) go to `donor`, or to the normal world when it is NULL. */
static void to_donor(struct ec *donor, struct next *nx)
{
    nx->kind = donor != NULL ? NEXT_EC : NEXT_NWD;
    nx->ec = donor;
}

void ffau_rt_boot(struct sp *sp)
{
    for (uint32_t v = 1; v < sp->mf.ec_count; v++)
        (void)ec_transition(&sp->ecs[v], EV_PARK, NULL);
    (void)ec_transition(&sp->ecs[0], EV_BOOT, NULL);
}

/*
 * A direct request (Hafnium src/ffa/spmc/direct_messaging.c and api_ffa_msg_send_direct_req()):
 * from an SP, a request back into its own chain would deadlock (DENIED, before BUSY); during its
 * init an SP may call only partitions that finished theirs; a context with a preempted or yielded
 * callee must resume it first, or it would be stranded. The receiver must be WAITING.
 */
int32_t ffau_rt_direct_req(struct spmc *s, struct ec *from, struct sp *to, bool req2,
                           uint16_t origin, struct next *nx)
{
    struct ec *t = &to->ecs[0];
    int32_t ret;

    if (from != NULL) {
        if (in_chain(from, t)) {
            ffau_log_refused(s, from->sp, "direct request that would loop in the call chain",
                             FFA_RET_DENIED);
            return FFA_RET_DENIED;
        }
        if (from->rt_model == RTM_SP_INIT && !to->booted) {
            ffau_log_refused(s, from->sp, "direct request to an uninitialised SP during init",
                             FFA_RET_DENIED);
            return FFA_RET_DENIED;
        }
        if (from->rt_callee != NULL) {
            ffau_log_refused(s, from->sp, "direct request with a callee still to resume",
                             FFA_RET_DENIED);
            return FFA_RET_DENIED;
        }
        ret = ec_allowed(from, EV_SEND_REQ);
        if (ret != 0)
            return ret;
    }
    ret = ec_transition(t, EV_RECV_REQ, from);
    if (ret != 0)
        return ret;
    t->req_is_req2 = req2;
    t->req_origin = origin;
    if (from != NULL)
        (void)ec_transition(from, EV_SEND_REQ, t);
    nx->kind = NEXT_EC;
    nx->ec = t;
    return 0;
}

/*
 * A direct response: only in the DIR_REQ model, only to the originator, RESP for REQ and RESP2
 * for REQ2, and not with a callee still to resume (DENIED). If the requester aborted meanwhile,
 * the normal world ran this context to the end (its donor became NULL): the response goes nowhere
 * and the normal world's FFA_RUN ends as FFA_MSG_WAIT.
 */
int32_t ffau_rt_direct_resp(struct spmc *s, struct ec *ec, bool resp2, uint16_t receiver,
                            struct next *nx)
{
    struct ec *donor = ec->rt_donor;
    uint16_t origin_id = ec->req_origin;
    struct sp *origin;

    if (ec_allowed(ec, EV_RESP) != 0 || receiver != origin_id || resp2 != ec->req_is_req2 ||
        ec->rt_callee != NULL) {
        ffau_log_refused(s, ec->sp, "direct response not matching the request in progress",
                         FFA_RET_DENIED);
        return FFA_RET_DENIED;
    }
    if (ec->me_active || ec->me_pending)
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id, "SP 0x%04x: managed exit complete",
                     ec->sp->mf.id);
    (void)ec_transition(ec, EV_RESP, NULL);
    if (donor != NULL)
        (void)ec_transition(donor, EV_RETURN, NULL);
    origin = FFA_ID_IS_SECURE(origin_id) ? sp_find(s, origin_id) : NULL;
    if (donor == NULL && origin != NULL) {
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
                     "SP 0x%04x: response to aborted SP 0x%04x dropped", ec->sp->mf.id,
                     origin->mf.id);
        regs_zero(&nx->regs);
        nx->regs.x[0] = FFA_MSG_WAIT;
    }
    to_donor(donor, nx);
    return 0;
}

/*
 * FFA_MSG_WAIT: the end of initialisation (SP_INIT) or of an FFA_RUN (FFA_RUN model); denied
 * while handling a direct request (Hafnium ffa_cpu_cycles_msg_wait_prepare(), TF-A) and while a
 * callee is still to be resumed.
 */
int32_t ffau_rt_msg_wait(struct spmc *s, struct ec *ec, struct next *nx)
{
    struct ec *donor = ec->rt_donor;
    struct sp *sp = ec->sp;
    int32_t ret = ec_allowed(ec, EV_MSG_WAIT);

    if (ret != 0) {
        char what[64];

        snprintf(what, sizeof(what), "FFA_MSG_WAIT in the %s runtime model",
                 model_names[ec->rt_model]);
        ffau_log_refused(s, sp, what, ret);
        return ret;
    }
    if (ec->rt_callee != NULL) {
        ffau_log_refused(s, sp, "FFA_MSG_WAIT with a callee still to resume", FFA_RET_DENIED);
        return FFA_RET_DENIED;
    }
    if (ec->rt_model == RTM_SP_INIT) {
        sp->booted = true;
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, sp->mf.id, "SP 0x%04x (%s) initialised", sp->mf.id,
                     sp->mf.name);
    }
    (void)ec_transition(ec, EV_MSG_WAIT, NULL);
    if (donor != NULL)
        (void)ec_transition(donor, EV_RETURN, NULL);
    regs_zero(&nx->regs);
    nx->regs.x[0] = FFA_MSG_WAIT;
    to_donor(donor, nx);
    return 0;
}

/*
 * FFA_YIELD: the donor receives FFA_YIELD (w1 = target info, w2/w3 = timeout) and resumes the
 * context later with FFA_RUN, where the yield returns FFA_SUCCESS (Hafnium
 * ffa_cpu_cycles_yield_prepare()). Denied in SP_INIT.
 */
int32_t ffau_rt_yield(struct spmc *s, struct ec *ec, uint32_t timeout_lo, uint32_t timeout_hi,
                      struct next *nx)
{
    struct ec *donor = ec->rt_donor;
    int32_t ret = ec_allowed(ec, EV_YIELD);

    if (ret != 0) {
        ffau_log_refused(s, ec->sp, "FFA_YIELD during initialisation", ret);
        return ret;
    }
    (void)ec_transition(ec, EV_YIELD, NULL);
    if (donor != NULL)
        (void)ec_transition(donor, EV_RETURN_KEEP, NULL);
    regs_zero(&nx->regs);
    nx->regs.x[0] = FFA_MSG_YIELD;
    nx->regs.x[1] = FFA_TARGET_INFO(ec->sp->mf.id, ec->vcpu);
    nx->regs.x[2] = timeout_lo;
    nx->regs.x[3] = timeout_hi;
    to_donor(donor, nx);
    return 0;
}

/*
 * FFA_RUN (Hafnium ffa_cpu_cycles_run_checks() and api_ffa_run()). From an SP: only to resume a
 * callee that is PREEMPTED or YIELDED, never in SP_INIT, never a VM. Stricter than Hafnium in one
 * point, for both worlds: a preempted or yielded context may be resumed only by its donor (the one
 * that received its FFA_INTERRUPT or FFA_YIELD; the normal world when that is NULL), so no caller
 * steals another chain's cycles (DENIED). From the normal world a WAITING context also starts, in
 * the FFA_RUN model, with x0 = FFA_RUN (Hafnium sets x0 only). A yield returns FFA_SUCCESS; a
 * preempted context resumes where it stopped. One PE: an MP partition runs only its context 0
 * (any other is INVALID_PARAMETERS, Hafnium's answer for a vCPU that is not the current CPU's).
 */
int32_t ffau_rt_run(struct spmc *s, struct ec *caller, uint16_t id, uint16_t vcpu, struct next *nx)
{
    enum ec_state from;
    struct sp *to;
    struct ec *t;
    int32_t ret;

    if (caller != NULL) {
        ret = ec_allowed(caller, EV_SEND_RUN);
        if (ret != 0) {
            ffau_log_refused(s, caller->sp, "FFA_RUN during initialisation", ret);
            return ret;
        }
        if (!FFA_ID_IS_SECURE(id)) {
            ffau_log_refused(s, caller->sp, "FFA_RUN of a normal-world VM", FFA_RET_DENIED);
            return FFA_RET_DENIED;
        }
    }
    to = sp_find(s, id);
    if (to == NULL || vcpu >= to->mf.ec_count || (to->mf.ec_count > 1 && vcpu != 0))
        return FFA_RET_INVALID_PARAMETERS;
    t = &to->ecs[vcpu];
    if (caller != NULL && in_chain(caller, t)) {
        ffau_log_refused(s, caller->sp, "FFA_RUN of a context earlier in its own call chain",
                         FFA_RET_DENIED);
        return FFA_RET_DENIED;
    }
    if (to->aborted)
        return FFA_RET_ABORTED;
    from = t->rt_state;
    if ((caller != NULL && from == EC_WAITING) ||
        ((from == EC_PREEMPTED || from == EC_YIELDED) && t->rt_donor != caller)) {
        if (caller != NULL)
            ffau_log_refused(s, caller->sp, "FFA_RUN of a context it does not own", FFA_RET_DENIED);
        return FFA_RET_DENIED;
    }
    ret = ec_transition(t, EV_RECV_RUN, caller);
    if (ret != 0)
        return ret;
    if (caller != NULL)
        (void)ec_transition(caller, EV_SEND_RUN, t);
    nx->ec = t;
    if (from == EC_PREEMPTED) {
        nx->kind = NEXT_EC_RESUME;
        return 0;
    }
    nx->kind = NEXT_EC;
    if (from == EC_YIELDED) {
        regs_success(&nx->regs, 0);
    } else {
        regs_zero(&nx->regs);
        nx->regs.x[0] = FFA_RUN;
    }
    return 0;
}

/*
 * Abort the partition of `ec` (fault, watchdog, FFA_ERROR(ABORTED)): every context ABORTED, the
 * donor of `ec` gets FFA_ERROR(ABORTED) (Hafnium ffa_cpu_cycles_abort(); later calls to the
 * partition get ABORTED). A callee that `ec` had left preempted or yielded is handed to the normal
 * world (its donor becomes NULL): the normal world may FFA_RUN it to completion, and its response
 * to the dead partition ends as FFA_MSG_WAIT.
 */
void ffau_rt_abort(struct spmc *s, struct cpu *cpu, struct ec *ec, const char *why, uint64_t pc,
                   const char *detail, struct next *nx)
{
    struct sp *sp = ec->sp;
    struct ec *donor = ec->rt_donor;

    ffau_log_msg(s, FFA_UNICORN_LOG_ERROR, sp->mf.id,
                 "SP 0x%04x (%s) vCPU %u aborted: %s at pc 0x%llx%s%s", sp->mf.id, sp->mf.name,
                 ec->vcpu, why, (unsigned long long)pc,
                 detail != NULL && detail[0] != '\0' ? ": " : "", detail != NULL ? detail : "");
    sp->aborted = true;
    cpu->stats.aborts++;
    if (ec->rt_callee != NULL)
        (void)ec_transition(ec->rt_callee, EV_ORPHAN, NULL);
    for (uint32_t i = 0; i < sp->mf.ec_count; i++)
        (void)ec_transition(&sp->ecs[i], EV_ABORT, NULL);
    if (donor != NULL)
        (void)ec_transition(donor, EV_RETURN, NULL);
    regs_error(&nx->regs, FFA_RET_ABORTED);
    to_donor(donor, nx);
}

/*
 * A signaled non-secure interrupt: `ec` goes PREEMPTED and every donor SP receives FFA_INTERRUPT
 * for its callee as the result of its DIRECT_REQ or FFA_RUN; the interrupt being still pending,
 * each is preempted in turn before it runs, so the chain unwinds to the normal world, which gets
 * FFA_INTERRUPT for the first SP of the chain (Hafnium ffa_interrupts_unwind_nwd_call_chain()).
 */
void ffau_rt_preempt_chain(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx)
{
    struct ec *cur = ec;

    for (;;) {
        (void)ec_transition(cur, EV_PREEMPT, NULL);
        cpu->stats.preemptions++;
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, cur->sp->mf.id,
                     "SP 0x%04x vCPU %u preempted by a non-secure interrupt at pc 0x%llx",
                     cur->sp->mf.id, cur->vcpu, (unsigned long long)cur->eng->pc);
        regs_zero(&nx->regs);
        nx->regs.x[0] = FFA_INTERRUPT;
        nx->regs.x[1] = FFA_TARGET_INFO(cur->sp->mf.id, cur->vcpu);
        if (cur->rt_donor == NULL)
            break;
        /* The donor's DIRECT_REQ / FFA_RUN returns FFA_INTERRUPT; it must FFA_RUN its callee. */
        ffau_eng_set_regs(cur->rt_donor->eng, &nx->regs);
        cur = cur->rt_donor;
    }
    nx->kind = NEXT_NWD;
    nx->ec = NULL;
}

void ffau_rt_me_signal(struct ec *ec)
{
    ec->me_pending = true;
}

void ffau_rt_me_taken(struct ec *ec)
{
    ec->me_pending = false;
    ec->me_active = true;
}
