/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decoded trace lines: the function by name, endpoint IDs, error names, payload words. A reply to
 * FFA_VERSION is a bare version number, not a function ID, so replies are decoded knowing the call.
 */
#include "trace.h"

#include <stdio.h>

#include "ffa/abi.h"
#include "ffa/names.h"

static int payload(char *buf, size_t len, const struct ffa_regs *r, int first, int last)
{
    int n = 0;

    for (int i = first; i <= last && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, "%sw%d=0x%llx", i == first ? "" : " ", i,
                      (unsigned long long)r->x[i]);
    return n;
}

const char *demo_decode(const struct ffa_regs *r, const struct ffa_regs *call, int is_reply,
                        char *buf, size_t len)
{
    uint32_t fid = (uint32_t)r->x[0];
    uint32_t w1 = (uint32_t)r->x[1];
    const char *name = ffa_func_name(fid);
    int n;

    if (is_reply && call != NULL && (uint32_t)call->x[0] == FFA_VERSION) {
        if (fid == (uint32_t)FFA_RET_NOT_SUPPORTED)
            snprintf(buf, len, "NOT_SUPPORTED (bare w0)");
        else
            snprintf(buf, len, "version %u.%u (bare w0)", FFA_VERSION_MAJOR(fid),
                     FFA_VERSION_MINOR(fid));
        return buf;
    }
    n = snprintf(buf, len, "%s", name != NULL ? name : "?");
    if (n < 0 || (size_t)n >= len)
        return buf;
    switch (fid) {
    case FFA_VERSION:
        snprintf(buf + n, len - (size_t)n, " requested %u.%u", FFA_VERSION_MAJOR(w1),
                 FFA_VERSION_MINOR(w1));
        break;
    case FFA_FEATURES: {
        const char *f = ffa_func_name(w1);

        snprintf(buf + n, len - (size_t)n, " of %s", f != NULL ? f : "?");
        break;
    }
    case FFA_ERROR: {
        const char *e = ffa_error_name(ffa_error_code(r->x[2]));

        snprintf(buf + n, len - (size_t)n, " %s", e != NULL ? e : "?");
        break;
    }
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
        if (r->x[3] != 0)
            snprintf(buf + n, len - (size_t)n, " w2=0x%llx w3=0x%llx", (unsigned long long)r->x[2],
                     (unsigned long long)r->x[3]);
        else
            snprintf(buf + n, len - (size_t)n, " w2=0x%llx", (unsigned long long)r->x[2]);
        break;
    case FFA_RXTX_MAP_64:
        snprintf(buf + n, len - (size_t)n, " TX 0x%llx RX 0x%llx, %u page(s)",
                 (unsigned long long)r->x[1], (unsigned long long)r->x[2], (unsigned)r->x[3]);
        break;
    case FFA_PARTITION_INFO_GET:
        snprintf(buf + n, len - (size_t)n, " %s%s",
                 (r->x[1] | r->x[2] | r->x[3] | r->x[4]) == 0 ? "nil UUID (all)" : "UUID",
                 (r->x[5] & 1) != 0 ? ", count only" : "");
        break;
    case FFA_MSG_SEND2:
        snprintf(buf + n, len - (size_t)n, " (the message is in the TX buffer)");
        break;
    case FFA_INTERRUPT:
    case FFA_RUN:
        snprintf(buf + n, len - (size_t)n, " SP 0x%04x vCPU %u", FFA_TARGET_ID(w1),
                 FFA_TARGET_VCPU(w1));
        break;
    case FFA_MSG_YIELD:
        snprintf(buf + n, len - (size_t)n, " SP 0x%04x vCPU %u, timeout %llu ns", FFA_TARGET_ID(w1),
                 FFA_TARGET_VCPU(w1), (unsigned long long)(r->x[2] | (r->x[3] << 32)));
        break;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
    case FFA_MSG_SEND_DIRECT_REQ2:
    case FFA_MSG_SEND_DIRECT_RESP2: {
        /* REQ2/RESP2 carry the protocol UUID in x2/x3: their payload starts at x4. */
        int first = fid == FFA_MSG_SEND_DIRECT_REQ2 || fid == FFA_MSG_SEND_DIRECT_RESP2 ? 4 : 3;

        n += snprintf(buf + n, len - (size_t)n, " 0x%04x->0x%04x ", FFA_SENDER(w1),
                      FFA_RECEIVER(w1));
        if ((size_t)n < len)
            payload(buf + n, len - (size_t)n, r, first, 7);
        break;
    }
    default:
        break;
    }
    return buf;
}
