/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a secure partition may call (issue 3 point 5), one function per ABI, each ending with the
 * exact FF-A answer (secure-side.md 2.2, 3.2 runtime-model transitions, 3.6 error table; Hafnium's
 * choices where implementations differ). Anything else is NOT_SUPPORTED.
 */
#include <stdio.h>
#include <string.h>

#include "ffa/names.h"
#include "spmc_internal.h"

static void answer_error(struct next *nx, int32_t code)
{
    nx->kind = NEXT_SELF;
    regs_error(&nx->regs, code);
}

static void answer_success(struct next *nx, uint64_t w2)
{
    nx->kind = NEXT_SELF;
    regs_success(&nx->regs, w2);
}

/* FFA_FEATURES of an ABI the SP has when `available`: SUCCESS (w2 = 0) or NOT_SUPPORTED. */
static void answer_available(struct next *nx, bool available)
{
    if (available)
        answer_success(nx, 0);
    else
        answer_error(nx, FFA_RET_NOT_SUPPORTED);
}

static void warn(struct spmc *s, const struct ec *ec, const char *what, int32_t code)
{
    spmc_log(s, FFA_UNICORN_LOG_WARN, ec->sp->mf.id, "SP 0x%04x: %s -> %s", ec->sp->mf.id, what,
             ffa_error_name(code) != NULL ? ffa_error_name(code) : "?");
}

static bool high_regs_zero(const struct ffa_regs *in)
{
    for (int i = 8; i < FFA_NUM_REGS; i++) {
        if (in->x[i] != 0)
            return false;
    }
    return true;
}

/*
 * FFA_VERSION (secure-side.md 2.2, 3.8 step 7): a bare w0. The SP's requested version is recorded
 * (capped at ours) until its first other FF-A call; afterwards a different one is NOT_SUPPORTED
 * (Hafnium, ACS ffa_version_negotiation).
 */
static void sp_version(struct sp *sp, const struct ffa_regs *in, struct next *nx)
{
    uint32_t req = (uint32_t)in->x[1];
    uint32_t want = req > SPMC_VERSION ? SPMC_VERSION : req;

    nx->kind = NEXT_SELF;
    regs_zero(&nx->regs);
    if ((req & FFA_VERSION_MBZ) != 0 || FFA_VERSION_MAJOR(req) != 1 ||
        (sp->version_locked && want != sp->version)) {
        nx->regs.x[0] = (uint32_t)FFA_RET_NOT_SUPPORTED;
        return;
    }
    sp->version = want;
    nx->regs.x[0] = SPMC_VERSION;
}

/* FFA_FEATURES from an SP: the ABIs of this file, and the managed-exit interrupt ID. */
static void sp_features(struct sp *sp, const struct ffa_regs *in, struct next *nx)
{
    uint32_t id = (uint32_t)in->x[1];

    if ((id & FFA_SMCCC_FAST_CALL) == 0) {
        /* Feature ID 3 = MEI: Hafnium answers vINTID 4, for S-EL1 partitions only. */
        if (id == FFA_FEATURE_MEI && !sp->mf.el0 && sp->mf.ns_action == NS_MANAGED_EXIT) {
            answer_success(nx, 4);
            return;
        }
        answer_error(nx, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (spmc_fid_common(id)) {
        answer_success(nx, 0);
        return;
    }
    switch (id) {
    case FFA_MSG_WAIT:
    case FFA_CONSOLE_LOG_32:
    case FFA_CONSOLE_LOG_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_RELEASE:
    case FFA_PARTITION_INFO_GET:
        answer_success(nx, 0);
        return;
    /* w2[1:0] = 0: 4 KiB minimum; w2[31:16] = the largest page count (v1.2 callers). */
    case FFA_RXTX_MAP_64:
        answer_success(nx, sp->version >= FFA_VERSION_1_2 ? SPMC_RXTX_MAX_PAGES << 16 : 0);
        return;
    case FFA_MSG_SEND2:
        answer_available(nx, sp->version >= FFA_VERSION_1_1);
        return;
    case FFA_MSG_SEND_DIRECT_REQ2:
    case FFA_MSG_SEND_DIRECT_RESP2:
        answer_available(nx, sp->version >= FFA_VERSION_1_2);
        return;
    case FFA_SECONDARY_EP_REGISTER_64:
        answer_available(nx, sp->mf.ec_count > 1);
        return;
    default:
        answer_error(nx, FFA_RET_NOT_SUPPORTED);
        return;
    }
}

/*
 * FFA_MSG_WAIT: end of init (SP_INIT) or of an FFA_RUN (RUN model) -> WAITING. Denied while
 * handling a direct request (Hafnium and TF-A). w1, w3..w7 MBZ; w2 MBZ before v1.2 and only bit 0
 * (retain RX) from v1.2 (Hafnium ignores the other bits; they are MBZ in the spec); x8..x17 MBZ
 * from v1.2 callers (secure-side.md 1.1, 2.2, 3.6). A successful wait hands the caller's RX
 * buffer back to the SPMC unless bit 0 asks to retain it (Hafnium api_ffa_msg_wait_rx_release();
 * an empty mailbox stays empty).
 */
static void sp_msg_wait(struct spmc *s, struct ec *ec, const struct ffa_regs *in, struct next *nx)
{
    struct sp *sp = ec->sp;
    uint64_t w2_allowed = sp->version >= FFA_VERSION_1_2 ? 1 : 0;
    struct ec *donor = ec->donor;
    struct ffa_regs r;
    bool args_ok = (uint32_t)in->x[1] == 0 && ((uint32_t)in->x[2] & ~w2_allowed) == 0;

    for (int i = 3; i < 8; i++)
        args_ok = args_ok && (uint32_t)in->x[i] == 0;
    if (sp->version >= FFA_VERSION_1_2 && !high_regs_zero(in))
        args_ok = false;
    if (!args_ok) {
        warn(s, ec, "FFA_MSG_WAIT with non-zero MBZ registers", FFA_RET_INVALID_PARAMETERS);
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (ec->rtm == RTM_DIR_REQ || ec->callee != NULL) {
        warn(s, ec,
             ec->callee != NULL ? "FFA_MSG_WAIT with a callee still to resume"
                                : "FFA_MSG_WAIT while handling a direct request",
             FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    if (ec->rtm == RTM_SP_INIT) {
        sp->booted = true;
        spmc_log(s, FFA_UNICORN_LOG_INFO, sp->mf.id, "SP 0x%04x (%s) initialised", sp->mf.id,
                 sp->mf.name);
    }
    if (((uint32_t)in->x[2] & 1u) == 0)
        (void)mbox_release(&sp->mbox.state);
    ec->state = FFA_UNICORN_EC_WAITING;
    ec->rtm = RTM_NONE;
    ec->donor = NULL;
    if (donor != NULL)
        donor->callee = NULL;
    regs_zero(&r);
    r.x[0] = FFA_MSG_WAIT;
    spmc_to_donor(donor, &r, nx);
}

/*
 * FFA_YIELD: give the CPU back to the donor, who receives FFA_YIELD (w1 = target info, w2/w3 =
 * timeout) and resumes the SP later with FFA_RUN, where the yield returns FFA_SUCCESS. Denied in
 * SP_INIT; w1 and w4..w7 MBZ (secure-side.md 2.2, 3.2).
 */
static void sp_yield(struct spmc *s, struct ec *ec, const struct ffa_regs *in, struct next *nx)
{
    struct ffa_regs r;

    if ((uint32_t)in->x[1] != 0 || (uint32_t)in->x[4] != 0 || (uint32_t)in->x[5] != 0 ||
        (uint32_t)in->x[6] != 0 || (uint32_t)in->x[7] != 0) {
        warn(s, ec, "FFA_YIELD with non-zero MBZ registers", FFA_RET_INVALID_PARAMETERS);
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (ec->rtm == RTM_SP_INIT) {
        warn(s, ec, "FFA_YIELD during initialisation", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    ec->state = FFA_UNICORN_EC_BLOCKED;
    ec->yielded = true;
    regs_zero(&r);
    r.x[0] = FFA_MSG_YIELD;
    r.x[1] = FFA_TARGET_INFO(ec->sp->mf.id, ec->vcpu);
    r.x[2] = (uint32_t)in->x[2];
    r.x[3] = (uint32_t)in->x[3];
    spmc_to_donor(ec->donor, &r, nx);
}

/*
 * FFA_RUN from an SP (secure-side.md 3.6 FFA_RUN table, Hafnium column): only to resume a callee
 * that is PREEMPTED or yielded. Stricter than Hafnium in one point: the target's donor must be
 * the caller (the context that received its FFA_INTERRUPT/FFA_YIELD), so no SP can steal another
 * chain's cycles.
 */
static void sp_run(struct spmc *s, struct ec *ec, const struct ffa_regs *in, struct next *nx)
{
    uint32_t w1 = (uint32_t)in->x[1];
    uint16_t id = FFA_TARGET_ID(w1), vcpu = FFA_TARGET_VCPU(w1);
    struct sp *to;
    struct ec *t;

    if (ec->sp->version >= FFA_VERSION_1_2 && !high_regs_zero(in)) {
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (ec->rtm == RTM_SP_INIT) {
        warn(s, ec, "FFA_RUN during initialisation", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    if (!FFA_ID_IS_SECURE(id)) {
        warn(s, ec, "FFA_RUN of a normal-world VM", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    to = spmc_find_sp(s, id);
    if (to == NULL || vcpu >= to->mf.ec_count || (to->mf.ec_count > 1 && vcpu != 0)) {
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    t = &to->ecs[vcpu];
    if (spmc_chain_contains(ec, t)) {
        warn(s, ec, "FFA_RUN of a context earlier in its own call chain", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    if (to->aborted) {
        answer_error(nx, FFA_RET_ABORTED);
        return;
    }
    if (t->state == FFA_UNICORN_EC_WAITING ||
        ((t->state == FFA_UNICORN_EC_PREEMPTED || t->yielded) && t->donor != ec)) {
        warn(s, ec, "FFA_RUN of a context it does not own", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    if (t->state != FFA_UNICORN_EC_PREEMPTED &&
        !(t->state == FFA_UNICORN_EC_BLOCKED && t->yielded)) {
        answer_error(nx, FFA_RET_BUSY);
        return;
    }
    ec->state = FFA_UNICORN_EC_BLOCKED;
    ec->callee = t;
    t->state = FFA_UNICORN_EC_RUNNING;
    nx->ec = t;
    if (t->yielded) {
        t->yielded = false;
        nx->kind = NEXT_EC;
        regs_success(&nx->regs, 0);
    } else {
        nx->kind = NEXT_EC_RESUME;
    }
}

static void sp_direct_req(struct spmc *s, struct ec *ec, uint32_t fid, const struct ffa_regs *in,
                          struct next *nx)
{
    struct sp *to;
    struct ec *t;
    int32_t ret = direct_req_check(s, ec->sp, fid, in, &to);

    if (ret != 0) {
        warn(s, ec, "direct request", ret);
        answer_error(nx, ret);
        return;
    }
    t = &to->ecs[0];
    /* A request back into the chain would deadlock (secure-side.md 3.2): DENIED, before BUSY. */
    if (spmc_chain_contains(ec, t)) {
        warn(s, ec, "direct request that would loop in the call chain", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    /* In SP_INIT only partitions that finished their own init may be called (3.2). */
    if (ec->rtm == RTM_SP_INIT && !to->booted) {
        warn(s, ec, "direct request to an uninitialised SP during init", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    /* Its callee left preempted or yielded must be resumed first, or it would be stranded. */
    if (ec->callee != NULL) {
        warn(s, ec, "direct request with a callee still to resume", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    if (t->state != FFA_UNICORN_EC_WAITING) {
        answer_error(nx, FFA_RET_BUSY);
        return;
    }
    direct_req_deliver(t, ec, fid, in, nx);
}

/*
 * DIRECT_RESP_32/64 and RESP2: only in the direct-request model, only to the originator, RESP for
 * REQ and RESP2 for REQ2 (else DENIED); w2 (x2/x3 for RESP2) MBZ and x8..x17 MBZ for RESP from
 * v1.2 callers (else INVALID_PARAMETERS) (secure-side.md 3.6, 3.7).
 */
static void sp_direct_resp(struct spmc *s, struct ec *ec, uint32_t fid, const struct ffa_regs *in,
                           struct next *nx)
{
    uint32_t w1 = (uint32_t)in->x[1];
    bool resp2 = fid == FFA_MSG_SEND_DIRECT_RESP2;
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : MASK32;
    int last = resp2 ? FFA_NUM_REGS - 1 : 7;
    struct ec *donor = ec->donor;
    struct sp *origin;

    if ((resp2 ? (in->x[2] | in->x[3]) : (uint32_t)in->x[2]) != 0 ||
        (!resp2 && ec->sp->version >= FFA_VERSION_1_2 && !high_regs_zero(in)) ||
        FFA_SENDER(w1) != ec->sp->mf.id) {
        warn(s, ec, "direct response with bad arguments", FFA_RET_INVALID_PARAMETERS);
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (ec->rtm != RTM_DIR_REQ || !ec->req_active || FFA_RECEIVER(w1) != ec->req_origin ||
        resp2 != ec->req_is_req2 || ec->callee != NULL) {
        warn(s, ec, "direct response not matching the request in progress", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    if (ec->me_active || ec->me_pending)
        spmc_log(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id, "SP 0x%04x: managed exit complete",
                 ec->sp->mf.id);
    ec->state = FFA_UNICORN_EC_WAITING;
    ec->rtm = RTM_NONE;
    ec->req_active = false;
    ec->me_active = false;
    ec->me_pending = false;
    ec->donor = NULL;
    if (donor != NULL)
        donor->callee = NULL;

    regs_zero(&nx->regs);
    origin = FFA_ID_IS_SECURE(ec->req_origin) ? spmc_find_sp(s, ec->req_origin) : NULL;
    if (donor == NULL && origin != NULL) {
        /* The requester aborted meanwhile (spmc_abort): the normal world ran this to the end. */
        spmc_log(s, FFA_UNICORN_LOG_INFO, ec->sp->mf.id,
                 "SP 0x%04x: response to aborted SP 0x%04x dropped", ec->sp->mf.id, origin->mf.id);
        nx->regs.x[0] = FFA_MSG_WAIT;
        spmc_to_donor(NULL, &nx->regs, nx);
        return;
    }
    nx->regs.x[0] = fid;
    nx->regs.x[1] = w1;
    for (int i = resp2 ? 4 : 3; i <= last; i++)
        nx->regs.x[i] = in->x[i] & mask;
    spmc_to_donor(donor, &nx->regs, nx);
}

/*
 * FFA_ERROR from an SP: FFA_ERROR(ABORTED) is how a v1.2 SP reports it cannot go on (at init,
 * secure-side.md 3.8 step 5; accepted in any model, as v1.3's FFA_ABORT is). Other codes are not
 * a valid SP call: DENIED.
 */
static void sp_error(struct spmc *s, struct ec *ec, const struct ffa_regs *in, struct next *nx)
{
    if (ffa_error_code(in->x[2]) != FFA_RET_ABORTED) {
        warn(s, ec, "FFA_ERROR other than ABORTED", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    spmc_abort(s, ec, "the partition reported FFA_ERROR(ABORTED)", ec->sp->pc, "", nx);
}

/*
 * FFA_CONSOLE_LOG_32/64 (v1.2): w1 = character count; characters packed little-endian in w2..w7
 * (at most 24), x2..x7 (64-bit before v1.2, at most 48) or x2..x17 (v1.2, at most 128). Count 0
 * or above the maximum: INVALID_PARAMETERS. Lines go to the host log, tagged with the SP ID.
 */
static void sp_console(struct spmc *s, struct ec *ec, uint32_t fid, const struct ffa_regs *in,
                       struct next *nx)
{
    struct console_buf *c = &ec->sp->console;
    bool is64 = fid == FFA_CONSOLE_LOG_64;
    unsigned bytes_per_reg = is64 ? 8 : 4;
    unsigned regs = is64 ? (ec->sp->version >= FFA_VERSION_1_2 ? 16 : 6) : 6;
    uint32_t count = (uint32_t)in->x[1];

    if (count == 0 || count > regs * bytes_per_reg) {
        warn(s, ec, "FFA_CONSOLE_LOG with a bad character count", FFA_RET_INVALID_PARAMETERS);
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        char ch = (char)(in->x[2 + i / bytes_per_reg] >> (8 * (i % bytes_per_reg)));

        if (ch == '\n' || c->len == sizeof(c->line) - 1) {
            c->line[c->len] = '\0';
            spmc_log(s, FFA_UNICORN_LOG_CONSOLE, ec->sp->mf.id, "%s", c->line);
            c->len = 0;
            if (ch == '\n')
                continue;
        }
        /* Keep the host log printable. */
        c->line[c->len++] = (ch >= 0x20 && ch < 0x7f) || ch == '\t' ? ch : '?';
    }
    answer_success(nx, 0);
}

/*
 * FFA_SECONDARY_EP_REGISTER (v1.1): Hafnium implements only the 64-bit form; UP partitions get
 * NOT_SUPPORTED; only during init (else DENIED); the last call wins. Kept for when secondary
 * contexts run (this model has one PE).
 */
static void sp_secondary_ep(struct spmc *s, struct ec *ec, uint32_t fid, const struct ffa_regs *in,
                            struct next *nx)
{
    if (fid != FFA_SECONDARY_EP_REGISTER_64 || ec->sp->mf.ec_count == 1) {
        answer_error(nx, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (ec->rtm != RTM_SP_INIT) {
        warn(s, ec, "FFA_SECONDARY_EP_REGISTER after initialisation", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    ec->sp->secondary_ep = in->x[1];
    answer_success(nx, 0);
}

/* The buffer ABIs (sp_rxtx.c, partinfo.c, msg_send2.c): SUCCESS or the error they return. */
static void sp_buffer_call(struct spmc *s, struct ec *ec, uint32_t fid, const struct ffa_regs *in,
                           struct next *nx)
{
    struct sp *sp = ec->sp;
    uint32_t count = 0, size = 0;
    int32_t ret;

    switch (fid) {
    case FFA_RXTX_MAP_64:
        ret = sp_rxtx_map(sp, in);
        break;
    case FFA_RXTX_UNMAP:
        ret = sp_rxtx_unmap(sp, in);
        break;
    case FFA_RX_RELEASE:
        ret = sp_rx_release(sp, in);
        break;
    case FFA_PARTITION_INFO_GET:
        ret = partinfo_sp(s, sp, in, &count, &size);
        break;
    default:
        ret = send2_from_sp(s, sp, in);
        break;
    }
    if (ret != 0) {
        warn(s, ec, spmc_fid_name(fid), ret);
        answer_error(nx, ret);
        return;
    }
    answer_success(nx, count);
    nx->regs.x[3] = size;
}

void sp_abi_call(struct spmc *s, struct ec *ec, const struct ffa_regs *in, struct next *nx)
{
    /* SMCCC v1.3 bit 16 (SVE hint) does not change the call ([H] masks it). */
    uint32_t fid = (uint32_t)in->x[0] & ~FFA_SMCCC_SVE_HINT;
    struct sp *sp = ec->sp;

    if (fid != FFA_VERSION)
        sp->version_locked = true;
    switch (fid) {
    case FFA_VERSION:
        sp_version(sp, in, nx);
        return;
    case FFA_FEATURES:
        sp_features(sp, in, nx);
        return;
    case FFA_ID_GET:
        answer_success(nx, sp->mf.id);
        return;
    case FFA_SPM_ID_GET:
        answer_success(nx, FFA_ID_SPMC);
        return;
    case FFA_MSG_WAIT:
        sp_msg_wait(s, ec, in, nx);
        return;
    case FFA_MSG_YIELD:
        sp_yield(s, ec, in, nx);
        return;
    case FFA_RUN:
        sp_run(s, ec, in, nx);
        return;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_REQ2:
        sp_direct_req(s, ec, fid, in, nx);
        return;
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
    case FFA_MSG_SEND_DIRECT_RESP2:
        sp_direct_resp(s, ec, fid, in, nx);
        return;
    case FFA_ERROR:
        sp_error(s, ec, in, nx);
        return;
    case FFA_CONSOLE_LOG_32:
    case FFA_CONSOLE_LOG_64:
        sp_console(s, ec, fid, in, nx);
        return;
    case FFA_SECONDARY_EP_REGISTER_32:
    case FFA_SECONDARY_EP_REGISTER_64:
        sp_secondary_ep(s, ec, fid, in, nx);
        return;
    case FFA_RXTX_MAP_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_RELEASE:
    case FFA_PARTITION_INFO_GET:
    case FFA_MSG_SEND2:
        sp_buffer_call(s, ec, fid, in, nx);
        return;
    default:
        spmc_log(s, FFA_UNICORN_LOG_DEBUG, sp->mf.id, "SP 0x%04x called %s (0x%x): NOT_SUPPORTED",
                 sp->mf.id, spmc_fid_name(fid), fid);
        answer_error(nx, FFA_RET_NOT_SUPPORTED);
        return;
    }
}
