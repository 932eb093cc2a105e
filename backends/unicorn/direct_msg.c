/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direct requests, the parts both worlds share: argument checks and delivery to the receiver
 * (secure-side.md 2.2 "Messaging", 3.6 "Other ABIs", 3.7 api_ffa_msg_send_direct_req()).
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

int32_t direct_req_check(struct spmc *s, const struct sp *from, uint32_t fid,
                         const struct ffa_regs *in, struct sp **target)
{
    uint32_t w1 = (uint32_t)in->x[1];
    uint16_t src = FFA_SENDER(w1), dst = FFA_RECEIVER(w1);
    bool req2 = fid == FFA_MSG_SEND_DIRECT_REQ2;
    struct sp *to;

    *target = NULL;
    /* REQ2 is v1.2: an SP that negotiated less is refused (Hafnium: DENIED). */
    if (req2 && from != NULL && from->version < FFA_VERSION_1_2)
        return FFA_RET_DENIED;
    /* The sender must be the caller; the receiver someone else, and a secure endpoint. */
    if (from != NULL ? src != from->mf.id : FFA_ID_IS_SECURE(src))
        return FFA_RET_INVALID_PARAMETERS;
    if (src == dst || !FFA_ID_IS_SECURE(dst))
        return FFA_RET_INVALID_PARAMETERS;
    to = spmc_find_sp(s, dst);
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
    if (to->aborted)
        return FFA_RET_ABORTED;
    *target = to;
    return 0;
}

void direct_req_deliver(struct ec *target, struct ec *donor, uint32_t fid,
                        const struct ffa_regs *in, struct next *nx)
{
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : MASK32;
    int last = fid == FFA_MSG_SEND_DIRECT_REQ2 ? FFA_NUM_REGS - 1 : 7;

    target->state = FFA_UNICORN_EC_RUNNING;
    target->rtm = RTM_DIR_REQ;
    target->req_active = true;
    target->req_is_req2 = fid == FFA_MSG_SEND_DIRECT_REQ2;
    target->req_origin = FFA_SENDER((uint32_t)in->x[1]);
    target->donor = donor;
    target->yielded = false;
    if (donor != NULL) {
        donor->state = FFA_UNICORN_EC_BLOCKED;
        donor->callee = target;
    }
    regs_zero(&nx->regs);
    nx->regs.x[0] = fid;
    nx->regs.x[1] = (uint32_t)in->x[1];
    for (int i = 2; i <= last; i++)
        nx->regs.x[i] = in->x[i] & mask;
    nx->kind = NEXT_EC;
    nx->ec = target;
}
