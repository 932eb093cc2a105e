/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Echo SP (S-EL1, SMC conduit): answers every direct request with the same payload, DIRECT_REQ2
 * with DIRECT_RESP2. The benchmark's target: its loop is as short as an SP loop gets.
 */
#include "sp_ffa.h"

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    resp_for(resp, req, req->x[3], req->x[4], req->x[5], req->x[6], req->x[7]);
}

void sp_main(uint64_t boot_info);

void sp_main(uint64_t boot_info)
{
    struct ffa_args m;

    (void)boot_info;
    ffa_call8(&m, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    ffa_msg_wait(&m);
    for (;;) {
        uint32_t fid = (uint32_t)m.x[0];
        uint32_t w1 = (uint32_t)m.x[1];

        if (fid == FFA_DIRECT_REQ2) {
            /* x4..x17 echoed; x2/x3 (UUID) MBZ in the response. */
            m.x[0] = FFA_DIRECT_RESP2;
            m.x[1] = (w1 >> 16) | (w1 << 16);
            m.x[2] = 0;
            m.x[3] = 0;
        } else if (is_direct_req(fid)) {
            m.x[0] = fid == FFA_DIRECT_REQ_64 ? FFA_DIRECT_RESP_64 : FFA_DIRECT_RESP_32;
            m.x[1] = (w1 >> 16) | (w1 << 16);
            m.x[2] = 0;
            for (int i = 8; i < 18; i++)
                m.x[i] = 0;
        } else {
            ffa_msg_wait(&m);
            continue;
        }
        ffa_call(&m);
    }
}
