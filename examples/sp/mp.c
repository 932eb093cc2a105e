/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mp (S-EL1, SMC conduit): an MP partition, one execution context per PE. Its primary context
 * registers common/secondary.S's entry with FFA_SECONDARY_EP_REGISTER during init; the SPMC starts
 * each other context there on its own PE. Every context answers on its own stack and reports
 * where it runs (SP_MP_CMD_WHO): the index it was booted with (x4, kept in TPIDR_EL1), how it
 * booted, the entry the partition registered, how many requests it has answered, x0 at its entry.
 * The contexts share the image's memory; each writes only its own slot of ctx[].
 * Also the worker's computation (preemptible), the forwarder's command and the generic call.
 */
#include "sp_ffa.h"

struct ctx_report {
    uint32_t booted_index; /* x4 at its entry */
    uint32_t boot_path;    /* SP_MP_BOOT_* */
    uint32_t x0;           /* x0 at its entry */
    uint32_t requests;
};

static struct ctx_report ctx[SP_MAX_CTX];
static uint64_t registered_ep; /* written by the primary during init, read by every context */
static uint16_t my_id;

void sp_init(void)
{
    struct ffa_args a;
    uint64_t index = sp_ctx_index();

    ffa_call8(&a, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    my_id = (uint16_t)a.x[2];
    sp_register_secondary_ep(&a);
    if ((uint32_t)a.x[0] == FFA_SUCCESS_32)
        registered_ep = (uint64_t)(uintptr_t)_secondary_start;
    else
        sp_put_hex("mp: FFA_SECONDARY_EP_REGISTER failed: ", a.x[2]);
    if (index < SP_MAX_CTX)
        ctx[index] =
            (struct ctx_report){(uint32_t)index, SP_MP_BOOT_PRIMARY, (uint32_t)sp_boot_info, 0};
}

void sp_secondary_init(uint64_t index, uint64_t x0)
{
    ctx[index] = (struct ctx_report){(uint32_t)index, SP_MP_BOOT_SECONDARY, (uint32_t)x0, 0};
    sp_put_hex("mp: secondary context up on PE ", index);
}

static void compute(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t n = (uint32_t)req->x[4], acc = 0, i;

    for (i = 0; i < n; i++)
        acc = acc * 31u + i;
    resp_for(resp, req, acc, i, 0, 0, 0);
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
    uint64_t index = sp_ctx_index();
    struct ctx_report *me = &ctx[index < SP_MAX_CTX ? index : 0];

    switch ((uint32_t)req->x[3]) {
    case SP_MP_CMD_WHO:
        me->requests++;
        resp_for(resp, req, me->booted_index, me->boot_path, (uint32_t)registered_ep, me->requests,
                 me->x0);
        return;
    case SP_MP_CMD_FAULT:
        (void)*(volatile uint32_t *)(uintptr_t)SP_UNMAPPED_ADDR;
        resp_for(resp, req, 0xBADC0DE, 0, 0, 0, 0);
        return;
    case SP_CMD_COMPUTE:
        compute(req, resp);
        return;
    case SP_MP_CMD_FORWARD:
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
