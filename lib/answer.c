/* SPDX-License-Identifier: BSD-3-Clause */
/* The answer rule (answer.h has the table): what a guest sees of a secure-world answer. */
#include "answer.h"

/* Sender/receiver of a direct response, checked against what the caller expects (note 2). */
static enum ffam_answer resp_pair(const struct ffam_caller *c, uint64_t x1)
{
    uint32_t w1 = (uint32_t)x1;

    if (!c->resp_any)
        return w1 == c->resp_w1 ? FFAM_ANSWER_OK : FFAM_ANSWER_REFUSED;
    if (!FFA_ID_IS_SECURE(FFA_SENDER(w1)) || FFA_ID_IS_SECURE(FFA_RECEIVER(w1)) ||
        FFA_RECEIVER(w1) == FFA_ID_HYPERVISOR)
        return FFAM_ANSWER_REFUSED;
    return FFA_RECEIVER(w1) == c->id ? FFAM_ANSWER_OK : FFAM_ANSWER_OTHER_VM;
}

enum ffam_answer ffam_answer_sanitise(struct ffa_regs *r, uint32_t allowed,
                                      const struct ffam_caller *c)
{
    enum ffam_answer v;

    switch (r->x[0]) {
    case FFA_MSG_SEND_DIRECT_RESP_32:
        if ((allowed & FFAM_ANS_RESP_32) == 0 || (r->x[2] & FFA_MSG_FLAG_FRAMEWORK) != 0)
            return FFAM_ANSWER_REFUSED;
        v = resp_pair(c, r->x[1]);
        if (v != FFAM_ANSWER_OK)
            return v;
        ffam_answer_resp32_rewrite(r, c->high);
        return FFAM_ANSWER_OK;
    case FFA_MSG_SEND_DIRECT_RESP_64:
        if ((allowed & FFAM_ANS_RESP_64) == 0 || c->aarch32 ||
            (r->x[2] & FFA_MSG_FLAG_FRAMEWORK) != 0)
            return FFAM_ANSWER_REFUSED;
        v = resp_pair(c, r->x[1]);
        if (v != FFAM_ANSWER_OK)
            return v;
        r->x[1] &= FFAM_MASK32;
        r->x[2] = 0;
        ffam_answer_high(r, c->high);
        return FFAM_ANSWER_OK;
    case FFA_MSG_SEND_DIRECT_RESP2:
        if ((allowed & FFAM_ANS_RESP2) == 0 || c->aarch32 || c->version < FFA_VERSION_1_2)
            return FFAM_ANSWER_REFUSED;
        v = resp_pair(c, r->x[1]);
        if (v != FFAM_ANSWER_OK)
            return v;
        r->x[1] &= FFAM_MASK32;
        r->x[2] = 0;
        r->x[3] = 0;
        return FFAM_ANSWER_OK; /* x4..x17: the payload */
    case FFA_ERROR:
        if ((allowed & FFAM_ANS_ERROR) == 0 || !ffam_status_defined(r->x[2]))
            return FFAM_ANSWER_REFUSED;
        r->x[1] = 0;
        r->x[2] &= FFAM_MASK32;
        ffam_zero_from(r, 3);
        ffam_answer_high(r, c->high);
        return FFAM_ANSWER_OK;
    case FFA_SUCCESS_32:
    case FFA_MEM_FRAG_RX:
        if ((allowed & (r->x[0] == FFA_SUCCESS_32 ? FFAM_ANS_SUCCESS_32 : FFAM_ANS_MEM_FRAG_RX)) ==
            0)
            return FFAM_ANSWER_REFUSED;
        ffam_mask_w1_w7(r);
        ffam_answer_high(r, c->high);
        return FFAM_ANSWER_OK;
    case FFA_SUCCESS_64:
        if ((allowed & FFAM_ANS_SUCCESS_64) == 0 || c->aarch32)
            return FFAM_ANSWER_REFUSED;
        ffam_answer_high(r, c->high);
        return FFAM_ANSWER_OK;
    case FFA_INTERRUPT:
    case FFA_MSG_YIELD:
        if ((allowed & (r->x[0] == FFA_INTERRUPT ? FFAM_ANS_INTERRUPT : FFAM_ANS_YIELD)) == 0 ||
            !FFA_ID_IS_SECURE(FFA_TARGET_ID(r->x[1])))
            return FFAM_ANSWER_REFUSED;
        r->x[1] &= FFAM_MASK32;
        if (r->x[0] == FFA_MSG_YIELD && c->version >= FFA_VERSION_1_2) {
            r->x[2] &= FFAM_MASK32; /* the timeout, v1.2 */
            r->x[3] &= FFAM_MASK32;
        } else {
            r->x[2] = 0;
            r->x[3] = 0;
        }
        ffam_zero_from(r, 4);
        ffam_answer_high(r, c->high);
        return FFAM_ANSWER_OK;
    case FFA_MSG_WAIT:
        if ((allowed & FFAM_ANS_MSG_WAIT) == 0)
            return FFAM_ANSWER_REFUSED;
        ffam_zero_from(r, 1);
        ffam_answer_high(r, c->high);
        return FFAM_ANSWER_OK;
    default:
        return FFAM_ANSWER_REFUSED;
    }
}
