/* SPDX-License-Identifier: BSD-3-Clause */
#include "ffa_trace.h"

#include <inttypes.h>
#include <stdio.h>

#include "ffa/abi.h"
#include "ffa/names.h"

static const char *version_text(uint32_t v, char *buf, size_t len)
{
    if (v == (uint32_t)FFA_RET_NOT_SUPPORTED)
        snprintf(buf, len, "NOT_SUPPORTED");
    else
        snprintf(buf, len, "v%u.%u", FFA_VERSION_MAJOR(v), FFA_VERSION_MINOR(v));
    return buf;
}

static void payload(const struct ffa_regs *r, int first, int last, char *buf, size_t len)
{
    int n = 0;

    for (int i = first; i <= last && n >= 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, "%s0x%" PRIx64, i == first ? "" : " ", r->x[i]);
}

const char *ffa_trace_describe(const struct ffa_regs *r, int is_reply, char *buf, size_t len)
{
    uint32_t fid = (uint32_t)r->x[0];
    uint32_t w1 = (uint32_t)r->x[1];
    const char *name = ffa_func_name(fid);
    char tmp[160], v[32];

    if (is_reply && name == NULL && (fid & FFA_VERSION_MBZ) == 0) {
        snprintf(buf, len, "%s", version_text(fid, v, sizeof(v))); /* FFA_VERSION's bare w0 */
        return buf;
    }
    if (is_reply && fid == (uint32_t)FFA_RET_NOT_SUPPORTED) {
        snprintf(buf, len, "NOT_SUPPORTED (bare w0)");
        return buf;
    }
    if (name == NULL) {
        snprintf(buf, len, "0x%08x (not FF-A)", fid);
        return buf;
    }
    switch (fid & ~FFA_SMCCC_SVE_HINT) {
    case FFA_VERSION:
        snprintf(buf, len, "%s %s", name, version_text((uint32_t)r->x[1], v, sizeof(v)));
        break;
    case FFA_FEATURES: {
        const char *q = ffa_func_name((uint32_t)r->x[1]);

        if (q != NULL)
            snprintf(buf, len, "%s %s", name, q);
        else
            snprintf(buf, len, "%s feature 0x%x", name, (uint32_t)r->x[1]);
        break;
    }
    case FFA_ERROR: {
        const char *e = ffa_error_name((int32_t)(uint32_t)r->x[2]);

        snprintf(buf, len, "%s %s", name, e != NULL ? e : "(unknown code)");
        break;
    }
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
        snprintf(buf, len, "%s w2=0x%" PRIx64 " w3=0x%" PRIx64, name, r->x[2], r->x[3]);
        break;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
        payload(r, 3, 7, tmp, sizeof(tmp));
        snprintf(buf, len, "%s 0x%04x -> 0x%04x%s payload [%s]", name, FFA_SENDER(w1),
                 FFA_RECEIVER(w1), (r->x[2] & FFA_MSG_FLAG_FRAMEWORK) ? " (framework)" : "", tmp);
        break;
    case FFA_MSG_SEND_DIRECT_REQ2:
    case FFA_MSG_SEND_DIRECT_RESP2:
        payload(r, 4, 7, tmp, sizeof(tmp));
        snprintf(buf, len, "%s 0x%04x -> 0x%04x payload [%s ...]", name, FFA_SENDER(w1),
                 FFA_RECEIVER(w1), tmp);
        break;
    case FFA_RUN:
    case FFA_INTERRUPT:
        snprintf(buf, len, "%s endpoint 0x%04x vCPU %u", name, FFA_TARGET_ID(w1),
                 FFA_TARGET_VCPU(w1));
        break;
    case FFA_MSG_YIELD:
        snprintf(buf, len, "%s endpoint 0x%04x vCPU %u, timeout %" PRIu64 " ns", name,
                 FFA_TARGET_ID(w1), FFA_TARGET_VCPU(w1),
                 (r->x[2] & 0xffffffffu) | ((r->x[3] & 0xffffffffu) << 32));
        break;
    default:
        if (r->x[1] == 0 && r->x[2] == 0 && r->x[3] == 0) {
            snprintf(buf, len, "%s", name);
            break;
        }
        snprintf(buf, len, "%s x1=0x%" PRIx64 " x2=0x%" PRIx64 " x3=0x%" PRIx64, name, r->x[1],
                 r->x[2], r->x[3]);
        break;
    }
    return buf;
}
