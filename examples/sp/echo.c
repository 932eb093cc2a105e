/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Echo SP (S-EL1, SMC conduit): answers every direct request with the same payload, DIRECT_REQ2
 * with DIRECT_RESP2. The benchmark's target: its message loop (echo_loop.S) is as short as an SP
 * loop gets and touches no memory, needs no stack, so it is also the entry of the secondary
 * contexts when the image runs as an MP partition (echo-mp): registered at init (a UP partition
 * is answered NOT_SUPPORTED, and ignores it).
 */
#include "sp_ffa.h"

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    resp_for(resp, req, req->x[3], req->x[4], req->x[5], req->x[6], req->x[7]);
}

void echo_loop(void) __attribute__((noreturn));
void sp_main(uint64_t boot_info);

void sp_main(uint64_t boot_info)
{
    struct ffa_args m;

    (void)boot_info;
    ffa_call8(&m, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    ffa_call8(&m, FFA_SECONDARY_EP_REG, (uint64_t)(uintptr_t)echo_loop, 0, 0, 0, 0, 0, 0);
    echo_loop(); /* FFA_MSG_WAIT, then answer forever (echo_loop.S) */
}
