/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker SP (S-EL1, HVC conduit): a long computation that can be preempted (signaled), held
 * (queued) or cut short by a managed exit (its IRQ vector sets sp_managed_exit_flag; the loop then
 * answers SP_MANAGED_EXIT_MARKER), and a command that yields.
 */
#include "sp_ffa.h"

static void compute(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t n = (uint32_t)req->x[4], i;
    uint32_t acc = 0;

    for (i = 0; i < n; i++) {
        if (sp_managed_exit_flag) {
            sp_managed_exit_flag = 0;
            resp_for(resp, req, SP_MANAGED_EXIT_MARKER, i, 0, 0, 0);
            return;
        }
        acc = acc * 31u + i;
    }
    resp_for(resp, req, acc, i, 0, 0, 0);
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    struct ffa_args r;

    switch ((uint32_t)req->x[3]) {
    case SP_CMD_COMPUTE:
        compute(req, resp);
        return;
    case SP_CMD_YIELD:
        ffa_call8(&r, FFA_YIELD, 0, (uint32_t)req->x[4], 0, 0, 0, 0, 0);
        resp_for(resp, req, (uint32_t)r.x[0], 0x1D, 0, 0, 0);
        return;
    default:
        resp_for(resp, req, 0xBADC0DE, 0, 0, 0, 0);
        return;
    }
}
