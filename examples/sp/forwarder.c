/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarder SP (S-EL1, SMC conduit): sends requests on to another SP and, like Linux's driver
 * and libsp, resumes its callee with FFA_RUN while it answers FFA_INTERRUPT or FFA_YIELD. At init
 * it pings the echo SP (a direct request during SP_INIT to an initialised SP).
 */
#include "sp_ffa.h"

static uint16_t my_id;

void sp_init(void)
{
    struct ffa_args a;

    ffa_call8(&a, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    my_id = (uint16_t)a.x[2];
    ffa_call8(&a, FFA_DIRECT_REQ_32, ((uint32_t)my_id << 16) | SP_ID_ECHO, 0, 0x1217, 0, 0, 0, 0);
    if ((uint32_t)a.x[0] == FFA_DIRECT_RESP_32 && (uint32_t)a.x[3] == 0x1217)
        sp_puts("forwarder: init ping to the echo SP answered\n");
    else
        sp_put_hex("forwarder: init ping to the echo SP failed: ", a.x[0]);
}

static void forward(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t target = (uint32_t)req->x[4] & 0xffff;
    uint32_t interrupts = 0, yields = 0;
    struct ffa_args r;

    ffa_call8(&r, FFA_DIRECT_REQ_32, ((uint32_t)my_id << 16) | target, 0, (uint32_t)req->x[5],
              (uint32_t)req->x[6], (uint32_t)req->x[7], 0, 0);
    while ((uint32_t)r.x[0] == FFA_INTERRUPT || (uint32_t)r.x[0] == FFA_YIELD) {
        if ((uint32_t)r.x[0] == FFA_INTERRUPT)
            interrupts++;
        else
            yields++;
        ffa_call8(&r, FFA_RUN, (uint32_t)r.x[1], 0, 0, 0, 0, 0, 0);
    }
    if ((uint32_t)r.x[0] == FFA_DIRECT_RESP_32)
        resp_for(resp, req, (uint32_t)r.x[3], (uint32_t)r.x[4], interrupts, yields, 0);
    else
        resp_for(resp, req, SP_FORWARD_FAILED, (uint32_t)r.x[2], interrupts, yields,
                 (uint32_t)r.x[0]);
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    switch ((uint32_t)req->x[3]) {
    case SP_CMD_FORWARD:
        forward(req, resp);
        return;
    case SP_CMD_CALL:
        sp_cmd_call(req, resp);
        return;
    default:
        resp_for(resp, req, 0xBADC0DE, 0, 0, 0, 0);
        return;
    }
}
