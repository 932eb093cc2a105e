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
 * callee still to resume, a chain on another PE) are checked by the function of each ABI before
 * it asks for the event, in Hafnium's order, so each refusal keeps the error code the reference
 * gives.
 *
 * Several PEs (spmc_internal.h, "Locking"): every transition happens with the context's lock held
 * (Hafnium's vcpu_lock()). A context owned by this PE (RUNNING or BLOCKED in its chain) is changed
 * only by this PE, which reads it without the lock: ec_event() takes the lock around the one
 * transition. A context this PE does not own is taken (a direct request, FFA_RUN) or aborted with
 * its lock held across the checks and the transition, so that another PE taking it at the same
 * moment sees one or the other; its state decides BUSY, its call-chain links and PE DENIED.
 * Refusals are logged after the lock is released (nothing is called with a context's lock held).
 */
#include <stdio.h>

#include "spmc_internal.h"

enum ev {
    EV_PARK,        /* a secondary context at boot: OFF until its PE is turned on */
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
    EV_LOSE_CALLEE, /* the callee it had to resume was aborted (on another PE): forgotten */
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
    [EV_LOSE_CALLEE] = {E(DENIED),            E(DENIED), E(DENIED),  S(RUNNING),    E(DENIED),    E(DENIED),    E(DENIED),    E(DENIED)},
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
    [EV_LOSE_CALLEE] = {KEEP,     KEEP,       KEEP,       KEEP},
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
 * Inlined, with ec_transition() and ec_event(): each call site names its event, and the tables'
 * rows and the switch on the event fold into a few instructions there (bench_unicorn).
 */
#define EC_INLINE static inline __attribute__((always_inline))

EC_INLINE void ec_lock(struct ec *ec)
{
    spin_lock(&ec->lock);
}

EC_INLINE void ec_unlock(struct ec *ec)
{
    spin_unlock(&ec->lock);
}

/*
 * The transition helper, the only writer of rt_state, rt_model, rt_donor, rt_callee and rt_cpu;
 * the caller holds the context's lock (check_layers.sh checks that every call is between an
 * ec_lock() and its ec_unlock()). `peer` is the other end of the call-chain link the event makes:
 * the donor of RECV_REQ and of RECV_RUN from WAITING, the callee of SEND_REQ and SEND_RUN. An
 * event that takes the context (BOOT, RECV_REQ, RECV_RUN) records `cpu`, the PE taking it. A
 * request that ends (the model goes back to NONE) ends its managed exit too.
 */
EC_INLINE int32_t ec_transition(struct ec *ec, enum ev ev, struct ec *peer, struct cpu *cpu)
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
    case EV_ABORT:
        ec->rt_donor = NULL;
        ec->rt_callee = NULL;
        break;
    case EV_BOOT:
        ec->rt_donor = NULL;
        ec->rt_callee = NULL;
        ec->rt_cpu = cpu;
        break;
    case EV_RECV_REQ:
        ec->rt_donor = peer;
        ec->rt_cpu = cpu;
        break;
    case EV_RECV_RUN:
        if (from == EC_WAITING)
            ec->rt_donor = peer;
        ec->rt_cpu = cpu;
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
    case EV_LOSE_CALLEE:
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

/*
 * An event of a context this PE owns (RUNNING or BLOCKED in its chain), which the tables allow:
 * only this PE changes it, others may be reading it.
 */
EC_INLINE void ec_event(struct ec *ec, enum ev ev, struct ec *peer, struct cpu *cpu)
{
    ec_lock(ec);
    (void)ec_transition(ec, ev, peer, cpu);
    ec_unlock(ec);
}

/*
 * A context of an aborted partition is ABORTED, even while the PE that owned it at the abort has
 * not yet seen the flag (run.c) or a preempted one has not been touched since (ffau_rt_run()).
 */
enum ec_state ffau_rt_state(struct ec *ec)
{
    enum ec_state st;

    if (sp_aborted(ec->sp))
        return EC_ABORTED;
    ec_lock(ec);
    st = ec->rt_state;
    ec_unlock(ec);
    return st;
}

/*
 * True when `target` appears in the call chain ending at `from` (a loop). The chain's contexts are
 * this PE's own: read without their locks.
 */
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

void ffau_rt_boot(struct sp *sp, uint32_t vcpu, struct cpu *cpu)
{
    struct ec *ec = &sp->ecs[vcpu];

    if (vcpu == 0) {
        for (uint32_t v = 1; v < sp->mf.ec_count; v++) {
            ec_lock(&sp->ecs[v]);
            (void)ec_transition(&sp->ecs[v], EV_PARK, NULL, NULL);
            ec_unlock(&sp->ecs[v]);
        }
    }
    ec_lock(ec);
    (void)ec_transition(ec, EV_BOOT, NULL, cpu);
    ec_unlock(ec);
}

/*
 * A direct request (Hafnium src/ffa/spmc/direct_messaging.c and api_ffa_msg_send_direct_req()):
 * from an SP, a request back into its own chain would deadlock (DENIED, before BUSY); during its
 * init an SP may call only partitions that finished theirs; a context with a preempted or yielded
 * callee must resume it first, or it would be stranded. The receiver is the partition's context
 * for this PE (its only one if UP) and must be WAITING: one running or blocked on another PE is
 * BUSY, whatever chain it is in (Hafnium's disallow_migration_blocked_sp tests).
 */
int32_t ffau_rt_direct_req(struct spmc *s, struct cpu *cpu, struct ec *from, struct sp *to,
                           bool req2, uint16_t origin, struct next *nx)
{
    struct ec *t = sp_ec_for_pe(to, cpu->index);
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
    ec_lock(t);
    ret = ec_transition(t, EV_RECV_REQ, from, cpu);
    if (ret == 0) {
        t->req_is_req2 = req2;
        t->req_origin = origin;
    }
    ec_unlock(t);
    if (ret != 0)
        return ret;
    if (from != NULL)
        ec_event(from, EV_SEND_REQ, t, cpu);
    nx->kind = NEXT_EC;
    nx->ec = t;
    return 0;
}

/*
 * A direct response: only in the DIR_REQ model, only to the originator, RESP for REQ and RESP2
 * for REQ2, and not with a callee still to resume (DENIED). If the requester aborted meanwhile,
 * the normal world ran this context to the end (its donor became NULL): the response goes nowhere
 * and the normal world's FFA_RUN ends as FFA_MSG_WAIT. Once WAITING the context is another PE's
 * to take: nothing of it is touched after the transition.
 */
int32_t ffau_rt_direct_resp(struct spmc *s, struct cpu *cpu, struct ec *ec, bool resp2,
                            uint16_t receiver, struct next *nx)
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
    ec_event(ec, EV_RESP, NULL, cpu);
    if (donor != NULL)
        ec_event(donor, EV_RETURN, NULL, cpu);
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
int32_t ffau_rt_msg_wait(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx)
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
        /* Boot is single-threaded: `booted` is read-only once create returns. */
        if (ec->vcpu == 0) {
            sp->booted = true;
            ffau_log_msg(s, FFA_UNICORN_LOG_INFO, sp->mf.id, "SP 0x%04x (%s) initialised",
                         sp->mf.id, sp->mf.name);
        } else {
            ffau_log_msg(s, FFA_UNICORN_LOG_INFO, sp->mf.id,
                         "SP 0x%04x (%s) vCPU %u initialised on PE %u", sp->mf.id, sp->mf.name,
                         ec->vcpu, cpu->index);
        }
    }
    ec_event(ec, EV_MSG_WAIT, NULL, cpu);
    if (donor != NULL)
        ec_event(donor, EV_RETURN, NULL, cpu);
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
int32_t ffau_rt_yield(struct spmc *s, struct cpu *cpu, struct ec *ec, uint32_t timeout_lo,
                      uint32_t timeout_hi, struct next *nx)
{
    struct ec *donor = ec->rt_donor;
    int32_t ret = ec_allowed(ec, EV_YIELD);

    if (ret != 0) {
        ffau_log_refused(s, ec->sp, "FFA_YIELD during initialisation", ret);
        return ret;
    }
    regs_zero(&nx->regs);
    nx->regs.x[0] = FFA_MSG_YIELD;
    nx->regs.x[1] = FFA_TARGET_INFO(ec->sp->mf.id, ec->vcpu);
    nx->regs.x[2] = timeout_lo;
    nx->regs.x[3] = timeout_hi;
    ec_event(ec, EV_YIELD, NULL, cpu);
    if (donor != NULL)
        ec_event(donor, EV_RETURN_KEEP, NULL, cpu);
    to_donor(donor, nx);
    return 0;
}

/*
 * The checks of FFA_RUN that need the target's lock, in Hafnium's order
 * (ffa_cpu_cycles_run_checks(), then api_vcpu_prepare_run()), and the transition: a context that
 * is part of a call chain on another PE cannot be resumed here (DENIED); an aborted partition
 * (ABORTED); one preempted or yielded inside another's chain, or a WAITING one for an SP caller
 * (DENIED); then the state table (BUSY for a context running elsewhere). *why names a refusal
 * that is the caller's fault, for the log.
 *
 * A context of a partition aborted on another PE may still be PREEMPTED here (it was blocked in
 * this PE's chain when the abort happened, and the chain was then preempted): its abort is
 * completed now, and a callee it had left is handed to the normal world (*orphan).
 */
static int32_t run_take(struct cpu *cpu, struct ec *caller, struct ec *t, enum ec_state *from,
                        const char **why, struct ec **orphan)
{
    int32_t ret;

    ec_lock(t);
    *from = t->rt_state;
    if ((t->rt_donor != NULL || t->rt_callee != NULL) && t->rt_cpu != cpu) {
        *why = "FFA_RUN of a context in a call chain on another PE";
        ret = FFA_RET_DENIED;
    } else if (sp_aborted(t->sp)) {
        /* One running here or on another PE is the owner's to abort (run.c). */
        if (t->rt_state != EC_ABORTED && t->rt_state != EC_RUNNING && t->rt_state != EC_BLOCKED) {
            *orphan = t->rt_callee;
            (void)ec_transition(t, EV_ABORT, NULL, cpu);
        }
        ret = FFA_RET_ABORTED;
    } else if ((caller != NULL && *from == EC_WAITING) ||
               ((*from == EC_PREEMPTED || *from == EC_YIELDED) && t->rt_donor != caller)) {
        *why = "FFA_RUN of a context it does not own";
        ret = FFA_RET_DENIED;
    } else {
        ret = ec_transition(t, EV_RECV_RUN, caller, cpu);
    }
    ec_unlock(t);
    return ret;
}

/*
 * FFA_RUN (Hafnium ffa_cpu_cycles_run_checks() and api_ffa_run()). From an SP: only to resume a
 * callee that is PREEMPTED or YIELDED, never in SP_INIT, never a VM. Stricter than Hafnium in one
 * point, for both worlds: a preempted or yielded context may be resumed only by its donor (the one
 * that received its FFA_INTERRUPT or FFA_YIELD; the normal world when that is NULL), so no caller
 * steals another chain's cycles (DENIED). From the normal world a WAITING context also starts, in
 * the FFA_RUN model, with x0 = FFA_RUN (Hafnium sets x0 only). A yield returns FFA_SUCCESS; a
 * preempted context resumes where it stopped. An MP partition's context runs only on its own PE:
 * any other vCPU is INVALID_PARAMETERS (Hafnium: "vcpu_idx != pcpu index"); a UP partition's
 * context may be resumed on any PE unless it is part of a chain on another one. An SP that
 * resumes its callee and finds the callee's partition aborted (on another PE) gets ABORTED and no
 * longer has that callee to resume.
 */
int32_t ffau_rt_run(struct spmc *s, struct cpu *cpu, struct ec *caller, uint16_t id, uint16_t vcpu,
                    struct next *nx)
{
    const char *why = NULL;
    struct ec *orphan = NULL;
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
    if (to == NULL || vcpu >= to->mf.ec_count || (to->mf.ec_count > 1 && vcpu != cpu->index))
        return FFA_RET_INVALID_PARAMETERS;
    t = &to->ecs[vcpu];
    if (caller != NULL && in_chain(caller, t)) {
        ffau_log_refused(s, caller->sp, "FFA_RUN of a context earlier in its own call chain",
                         FFA_RET_DENIED);
        return FFA_RET_DENIED;
    }
    ret = run_take(cpu, caller, t, &from, &why, &orphan);
    if (orphan != NULL) {
        ec_lock(orphan);
        (void)ec_transition(orphan, EV_ORPHAN, NULL, cpu);
        ec_unlock(orphan);
    }
    if (ret == FFA_RET_ABORTED && caller != NULL && caller->rt_callee == t)
        ec_event(caller, EV_LOSE_CALLEE, NULL, cpu);
    if (ret != 0) {
        if (caller != NULL && why != NULL)
            ffau_log_refused(s, caller->sp, why, ret);
        return ret;
    }
    if (caller != NULL)
        ec_event(caller, EV_SEND_RUN, t, cpu);
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
 * Abort `ec`'s partition on this PE. Every context of the partition is ABORTED now, except those
 * another PE owns (running or blocked in its chain): that PE aborts each at its next exit or entry,
 * when it sees the partition's `aborted` flag (run.c). An idle context preempted or yielded inside
 * another chain is aborted too; its donor finds that out when it resumes it (ffau_rt_run()).
 */
static void abort_contexts(struct sp *sp, struct ec *ec, struct cpu *cpu)
{
    for (uint32_t i = 0; i < sp->mf.ec_count; i++) {
        struct ec *c = &sp->ecs[i];

        ec_lock(c);
        if (c == ec ||
            !((c->rt_state == EC_RUNNING || c->rt_state == EC_BLOCKED) && c->rt_cpu != cpu))
            (void)ec_transition(c, EV_ABORT, NULL, cpu);
        ec_unlock(c);
    }
}

/*
 * Abort the partition of `ec` (fault, watchdog, FFA_ERROR(ABORTED), or an abort on another PE):
 * the donor of `ec` gets FFA_ERROR(ABORTED) (Hafnium ffa_cpu_cycles_abort(); later calls to the
 * partition get ABORTED). A callee that `ec` had left preempted or yielded is handed to the normal
 * world (its donor becomes NULL): the normal world may FFA_RUN it to completion, and its response
 * to the dead partition ends as FFA_MSG_WAIT.
 */
void ffau_rt_abort(struct spmc *s, struct cpu *cpu, struct ec *ec, const char *why, uint64_t pc,
                   const char *detail, struct next *nx)
{
    struct sp *sp = ec->sp;
    struct ec *donor = ec->rt_donor, *callee = ec->rt_callee;
    bool first = !__atomic_exchange_n(&sp->aborted, true, __ATOMIC_ACQ_REL);

    ffau_log_msg(s, FFA_UNICORN_LOG_ERROR, sp->mf.id,
                 "SP 0x%04x (%s) vCPU %u aborted: %s at pc 0x%llx%s%s", sp->mf.id, sp->mf.name,
                 ec->vcpu, why, (unsigned long long)pc,
                 detail != NULL && detail[0] != '\0' ? ": " : "", detail != NULL ? detail : "");
    if (first)
        stat_inc(&cpu->stats.aborts);
    if (callee != NULL) {
        ec_lock(callee);
        (void)ec_transition(callee, EV_ORPHAN, NULL, cpu);
        ec_unlock(callee);
    }
    abort_contexts(sp, ec, cpu);
    if (donor != NULL)
        ec_event(donor, EV_RETURN, NULL, cpu);
    regs_error(&nx->regs, FFA_RET_ABORTED);
    to_donor(donor, nx);
}

/*
 * A signaled non-secure interrupt: `ec` goes PREEMPTED and every donor SP receives FFA_INTERRUPT
 * for its callee as the result of its DIRECT_REQ or FFA_RUN; the interrupt being still pending,
 * each is preempted in turn before it runs, so the chain unwinds to the normal world, which gets
 * FFA_INTERRUPT for the first SP of the chain (Hafnium ffa_interrupts_unwind_nwd_call_chain()).
 * What a context's log line needs is read before it goes PREEMPTED (another PE may take it then).
 */
void ffau_rt_preempt_chain(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx)
{
    struct ec *cur = ec;

    for (;;) {
        struct ec *donor = cur->rt_donor;
        uint64_t pc = cur->eng->pc;
        uint16_t id = cur->sp->mf.id, vcpu = cur->vcpu;

        regs_zero(&nx->regs);
        nx->regs.x[0] = FFA_INTERRUPT;
        nx->regs.x[1] = FFA_TARGET_INFO(id, vcpu);
        ec_event(cur, EV_PREEMPT, NULL, cpu);
        stat_inc(&cpu->stats.preemptions);
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, id,
                     "SP 0x%04x vCPU %u preempted by a non-secure interrupt at pc 0x%llx", id, vcpu,
                     (unsigned long long)pc);
        if (donor == NULL)
            break;
        /* The donor's DIRECT_REQ / FFA_RUN returns FFA_INTERRUPT; it must FFA_RUN its callee. */
        ffau_eng_set_regs(donor->eng, &nx->regs);
        cur = donor;
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
