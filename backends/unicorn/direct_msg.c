/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direct requests and responses, for both worlds: the messaging checks in Hafnium's order
 * (api_ffa_msg_send_direct_req(), src/ffa/spmc/direct_messaging.c), the payload the receiver sees,
 * then runtime.c for the state changes.
 *
 * Payloads (DEN0077A v1.2, FFA_MSG_SEND_DIRECT_REQ/RESP and _REQ2/_RESP2): w1 = sender << 16 |
 * receiver; REQ/RESP_32/64 carry w3..w7 (w2 = flags, 0 for a partition message), REQ2/RESP2
 * carry x4..x17 (REQ2: x2/x3 = the protocol UUID; RESP2: x2/x3 MBZ). A 32-bit call's words are
 * delivered zero-extended.
 */
#include "spmc_internal.h"

/* REQ2: x2/x3 = protocol UUID (lo = w1 | w2 << 32, hi = w3 | w4 << 32); Nil = any service. */
static bool uuid_offered(const struct sp *sp, const struct ffa_regs *in)
{
    if (in->x[2] == 0 && in->x[3] == 0)
        return true;
    for (uint32_t i = 0; i < sp->mf.uuid_count; i++) {
        const uint32_t *w = sp->mf.uuids[i].w;
        uint64_t lo = w[0] | ((uint64_t)w[1] << 32), hi = w[2] | ((uint64_t)w[3] << 32);

        if (in->x[2] == lo && in->x[3] == hi)
            return true;
    }
    return false;
}

/* The checks both worlds share; `from` is the calling SP or NULL for the normal world. */
static int32_t check_req(struct spmc *s, const struct sp *from, uint32_t fid,
                         const struct ffa_regs *in, struct sp **target)
{
    uint32_t w1 = (uint32_t)in->x[1];
    uint16_t src = FFA_SENDER(w1), dst = FFA_RECEIVER(w1);
    bool req2 = fid == FFA_MSG_SEND_DIRECT_REQ2;
    struct sp *to;

    /* REQ2 is v1.2: an SP that negotiated less is refused (Hafnium: DENIED). */
    if (req2 && from != NULL && from->version < FFA_VERSION_1_2)
        return FFA_RET_DENIED;
    /* The sender must be the caller; the receiver someone else, and a secure endpoint. */
    if (from != NULL ? src != from->mf.id : FFA_ID_IS_SECURE(src))
        return FFA_RET_INVALID_PARAMETERS;
    if (src == dst || !FFA_ID_IS_SECURE(dst))
        return FFA_RET_INVALID_PARAMETERS;
    to = sp_find(s, dst);
    if (to == NULL)
        return FFA_RET_INVALID_PARAMETERS;
    /*
     * w2 = flags for REQ_32/64: bit 31 marks a framework message, which this SPMC does not
     * implement; a partition message has w2 = 0 (Hafnium: INVALID_PARAMETERS otherwise).
     */
    if (!req2 && (uint32_t)in->x[2] != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if (req2 && !uuid_offered(to, in))
        return FFA_RET_INVALID_PARAMETERS;
    /* Messaging method of both ends (manifest bits 0/1 and 9/10; Hafnium: DENIED). */
    if (from != NULL && (from->mf.messaging_method & (req2 ? MM_SEND_REQ2 : MM_SEND_REQ)) == 0)
        return FFA_RET_DENIED;
    if ((to->mf.messaging_method & (req2 ? MM_RECV_REQ2 : MM_RECV_REQ)) == 0)
        return FFA_RET_DENIED;
    if (sp_aborted(to))
        return FFA_RET_ABORTED;
    *target = to;
    return 0;
}

int32_t ffau_dmsg_req(struct spmc *s, struct cpu *cpu, struct ec *from, uint32_t fid,
                      const struct ffa_regs *in, struct next *nx)
{
    bool req2 = fid == FFA_MSG_SEND_DIRECT_REQ2;
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : MASK32;
    struct sp *to = NULL;
    int32_t ret = check_req(s, from != NULL ? from->sp : NULL, fid, in, &to);

    if (ret != 0) {
        if (from != NULL)
            ffau_log_refused(s, from->sp, "direct request", ret);
        return ret;
    }
    /* Fixed-length copies (the compiler unrolls them): this is the hot path of every request. */
    regs_zero(&nx->regs);
    nx->regs.x[0] = fid;
    nx->regs.x[1] = (uint32_t)in->x[1];
    if (req2) {
        for (int i = 2; i < FFA_NUM_REGS; i++)
            nx->regs.x[i] = in->x[i];
    } else {
        for (int i = 2; i < 8; i++)
            nx->regs.x[i] = in->x[i] & mask;
    }
    return ffau_rt_direct_req(s, cpu, from, to, req2, FFA_SENDER((uint32_t)in->x[1]), nx);
}

/* One OR of x8..x17, no early exit: they are zero in every response that is accepted. */
static bool high_regs_zero(const struct ffa_regs *in)
{
    uint64_t any = 0;

    for (int i = 8; i < FFA_NUM_REGS; i++)
        any |= in->x[i];
    return any == 0;
}

/*
 * w2 (x2/x3 for RESP2) MBZ, x8..x17 MBZ for RESP from v1.2 callers, the sender its own ID: else
 * INVALID_PARAMETERS. The rest (model, originator, RESP vs RESP2) is runtime.c's: DENIED.
 */
int32_t ffau_dmsg_resp(struct spmc *s, struct cpu *cpu, struct ec *ec, uint32_t fid,
                       const struct ffa_regs *in, struct next *nx)
{
    uint32_t w1 = (uint32_t)in->x[1];
    bool resp2 = fid == FFA_MSG_SEND_DIRECT_RESP2;
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : MASK32;

    if ((resp2 ? (in->x[2] | in->x[3]) : (uint32_t)in->x[2]) != 0 ||
        (!resp2 && ec->sp->version >= FFA_VERSION_1_2 && !high_regs_zero(in)) ||
        FFA_SENDER(w1) != ec->sp->mf.id) {
        ffau_log_refused(s, ec->sp, "direct response with bad arguments",
                         FFA_RET_INVALID_PARAMETERS);
        return FFA_RET_INVALID_PARAMETERS;
    }
    regs_zero(&nx->regs);
    nx->regs.x[0] = fid;
    nx->regs.x[1] = w1;
    if (resp2) {
        for (int i = 4; i < FFA_NUM_REGS; i++)
            nx->regs.x[i] = in->x[i];
    } else {
        for (int i = 3; i < 8; i++)
            nx->regs.x[i] = in->x[i] & mask;
    }
    return ffau_rt_direct_resp(s, cpu, ec, resp2, FFA_RECEIVER(w1), nx);
}
