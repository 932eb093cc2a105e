/* SPDX-License-Identifier: BSD-3-Clause */
#include "fz_reply.h"

#include "ffa/abi.h"
#include "ffa/mediator.h"

#define HI(x) ((x) >> 32)

static bool is_secure_target(uint64_t w1)
{
    return FFA_ID_IS_SECURE(FFA_TARGET_ID((uint32_t)w1));
}

static bool zero_from(const struct ffa_regs *r, int first, int last)
{
    for (int i = first; i <= last; i++) {
        if (r->x[i] != 0)
            return false;
    }
    return true;
}

/* Is `ans` an answer `fid` may get (rule 1)? */
static bool answer_allowed(uint32_t fid, uint32_t ans, uint32_t version)
{
    switch (fid) {
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
        return ans == FFA_ERROR || ans == FFA_SUCCESS_32 || ans == FFA_SUCCESS_64 ||
               ans == FFA_INTERRUPT || ans == FFA_YIELD || ans == FFA_MSG_SEND_DIRECT_RESP_32 ||
               ans == FFA_MSG_SEND_DIRECT_RESP_64;
    case FFA_MSG_SEND_DIRECT_REQ2:
        return ans == FFA_ERROR || ans == FFA_SUCCESS_32 || ans == FFA_SUCCESS_64 ||
               ans == FFA_INTERRUPT || ans == FFA_YIELD || ans == FFA_MSG_SEND_DIRECT_RESP2;
    case FFA_RUN:
        return ans == FFA_ERROR || ans == FFA_SUCCESS_32 || ans == FFA_SUCCESS_64 ||
               ans == FFA_INTERRUPT || ans == FFA_YIELD || ans == FFA_MSG_SEND_DIRECT_RESP_32 ||
               ans == FFA_MSG_SEND_DIRECT_RESP_64 || ans == FFA_MSG_WAIT ||
               (ans == FFA_MSG_SEND_DIRECT_RESP2 && version >= FFA_VERSION_1_2);
    case FFA_PARTITION_INFO_GET_REGS:
    case FFA_NOTIFICATION_INFO_GET_64:
        return ans == FFA_ERROR || ans == FFA_SUCCESS_64;
    default:
        return ans == FFA_ERROR || ans == FFA_SUCCESS_32;
    }
}

static bool is_direct(uint32_t fid)
{
    return fid == FFA_MSG_SEND_DIRECT_REQ_32 || fid == FFA_MSG_SEND_DIRECT_REQ_64 ||
           fid == FFA_MSG_SEND_DIRECT_REQ2;
}

static const char *check_error(const struct fz_call *c, uint32_t fid)
{
    const struct ffa_regs *r = &c->out;
    int32_t code = (int32_t)(uint32_t)r->x[2];

    if (r->x[1] != 0 &&
        !((fid == FFA_RUN || is_direct(fid)) && (uint32_t)r->x[1] == (uint32_t)c->in.x[1]))
        return "FFA_ERROR with w1 neither 0 nor the call's target";
    if (HI(r->x[2]) != 0 || code > FFA_RET_NOT_SUPPORTED || code < FFA_RET_NO_DATA)
        return "FFA_ERROR with a status code FF-A v1.2 does not define";
    if (!zero_from(r, 3, 7))
        return "FFA_ERROR with non-zero w3..w7";
    return NULL;
}

static const char *check_response(const struct fz_call *c, uint32_t fid, uint32_t ans)
{
    const struct ffa_regs *r = &c->out;
    uint32_t w1 = (uint32_t)r->x[1];

    if (FFA_RECEIVER(w1) != c->vm_id)
        return "direct response addressed to another endpoint";
    if (!FFA_ID_IS_SECURE(FFA_SENDER(w1)))
        return "direct response from a non-secure endpoint";
    if (is_direct(fid) && FFA_SENDER(w1) != FFA_RECEIVER((uint32_t)c->in.x[1]))
        return "direct response from another endpoint than the request's receiver";
    if (ans != FFA_MSG_SEND_DIRECT_RESP2 && r->x[2] != 0)
        return "DIRECT_RESP with w2 != 0 (a framework response) to a VM";
    return NULL;
}

static const char *check_success(const struct fz_call *c, uint32_t fid)
{
    const struct ffa_regs *r = &c->out;

    switch (fid) {
    case FFA_ID_GET:
        if (r->x[2] != c->vm_id || !zero_from(r, 3, 7))
            return "FFA_ID_GET: w2 is not the caller's ID, or w3..w7 != 0";
        return NULL;
    case FFA_SPM_ID_GET:
        if (HI(r->x[2]) != 0 || r->x[2] > 0xffff || !FFA_ID_IS_SECURE(r->x[2]) ||
            !zero_from(r, 3, 7))
            return "FFA_SPM_ID_GET: w2 is not a secure ID, or w3..w7 != 0";
        return NULL;
    case FFA_PARTITION_INFO_GET:
        if ((r->x[3] != 0 && r->x[3] != 8 && r->x[3] != 24) || !zero_from(r, 4, 7))
            return "FFA_PARTITION_INFO_GET: w3 not 0/8/24, or w4..w7 != 0";
        return NULL;
    case FFA_FEATURES:
        if (!zero_from(r, 3, 7))
            return "FFA_FEATURES: w3..w7 != 0";
        return NULL;
    case FFA_RXTX_MAP_32:
    case FFA_RXTX_MAP_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_RELEASE:
    case FFA_MSG_SEND2:
    case FFA_NOTIFICATION_BIND:
    case FFA_NOTIFICATION_UNBIND:
    case FFA_NOTIFICATION_SET:
        if (!zero_from(r, 2, 7))
            return "SUCCESS with w2..w7 != 0";
        return NULL;
    default:
        return NULL;
    }
}

const char *fz_reply_problem(const struct fz_call *c)
{
    const struct ffa_regs *r = &c->out;
    uint32_t fid = (uint32_t)c->in.x[0] & ~FFA_SMCCC_SVE_HINT;
    uint32_t ans = (uint32_t)r->x[0];
    const char *why = NULL;
    bool free_high = false;

    if (HI(r->x[0]) != 0)
        return "x0 has upper bits set";
    if (!c->valid_vcpu) {
        /* A host bug (a vCPU the VM does not have): still answered, with INVALID_PARAMETERS. */
        if (ans != FFA_ERROR || r->x[1] != 0 || r->x[2] != (uint32_t)FFA_RET_INVALID_PARAMETERS ||
            !zero_from(r, 3, 7))
            return "a call on a vCPU the VM does not have not answered INVALID_PARAMETERS";
        return NULL;
    }
    if (fid == FFA_VERSION) {
        if (ans != FFA_MEDIATOR_VERSION && ans != (uint32_t)FFA_RET_NOT_SUPPORTED)
            return "FFA_VERSION answered neither 1.2 nor NOT_SUPPORTED";
        if (!zero_from(r, 1, 7))
            return "FFA_VERSION answer with w1..w7 != 0";
    } else if (!answer_allowed(fid, ans, c->version)) {
        return "an answer this call cannot get";
    }
    if (c->aarch32 && ffa_fid_is_64(ans) && fid != FFA_VERSION)
        return "an SMC64 answer to an AArch32 VM";
    if (!ffa_fid_is_64(ans) && fid != FFA_VERSION) {
        for (int i = 1; i < 8; i++) {
            if (HI(r->x[i]) != 0)
                return "an SMC32 answer with upper bits set in x1..x7";
        }
    }
    switch (ans) {
    case FFA_ERROR:
        why = check_error(c, fid);
        break;
    case FFA_INTERRUPT:
        if (!is_secure_target(r->x[1]) || !zero_from(r, 2, 7))
            why = "FFA_INTERRUPT without a secure target in w1, or w2..w7 != 0";
        break;
    case FFA_YIELD:
        if (!is_secure_target(r->x[1]) || !zero_from(r, 4, 7))
            why = "FFA_YIELD without a secure target in w1, or w4..w7 != 0";
        break;
    case FFA_MSG_WAIT:
        if (!zero_from(r, 2, 7))
            why = "FFA_MSG_WAIT with w2..w7 != 0";
        break;
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
        why = check_response(c, fid, ans);
        break;
    case FFA_MSG_SEND_DIRECT_RESP2:
        why = check_response(c, fid, ans);
        free_high = true;
        break;
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
        why = check_success(c, fid);
        free_high = fid == FFA_PARTITION_INFO_GET_REGS;
        break;
    default:
        break;
    }
    if (why != NULL)
        return why;
    if (free_high || !c->valid_vcpu)
        return NULL;
    if (!c->aarch32 && c->version >= FFA_VERSION_1_2) {
        if (!zero_from(r, 8, FFA_NUM_REGS - 1))
            return "x8..x17 not zero for a v1.2 AArch64 VM";
    } else {
        for (int i = 8; i < FFA_NUM_REGS; i++) {
            if (r->x[i] != c->in.x[i])
                return "x8..x17 not preserved";
        }
    }
    return NULL;
}

bool fz_regs_same_answer(const struct ffa_regs *a, const struct ffa_regs *b)
{
    uint64_t mask = ffa_fid_is_64((uint32_t)a->x[0]) ? ~UINT64_C(0) : UINT64_C(0xffffffff);

    if ((uint32_t)a->x[0] != (uint32_t)b->x[0])
        return false;
    for (int i = 1; i < 8; i++) {
        if ((a->x[i] & mask) != (b->x[i] & mask))
            return false;
    }
    return true;
}
