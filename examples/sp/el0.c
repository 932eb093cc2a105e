/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * S-EL0 SP (SVC conduit): greets on the console at boot, prints on request (FFA_CONSOLE_LOG),
 * runs the generic SP_CMD_CALL, and otherwise answers payload + 1.
 */
#include "sp_ffa.h"

void sp_init(void)
{
    struct ffa_args a;

    ffa_call8(&a, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    sp_put_hex("hello from the S-EL0 partition, my ID is ", a.x[2]);
    /* Boot info (FF-A v1.1 format): u32 signature @0, descriptors @32; descriptor size @20. */
    if (sp_boot_info != 0) {
        const volatile uint32_t *hdr = (const volatile uint32_t *)(uintptr_t)sp_boot_info;

        sp_put_hex("boot info signature ", hdr[0]);
        sp_put_hex("boot info manifest size ", hdr[(32 + 20) / 4]);
    }
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t cmd = (uint32_t)req->x[3];

    if (cmd == SP_CMD_CALL) {
        sp_cmd_call(req, resp);
    } else if (cmd == SP_CMD_PRINT) {
        sp_put_hex("S-EL0 partition asked to print ", (uint32_t)req->x[4]);
        resp_for(resp, req, SP_CMD_PRINT, 0, 0, 0, 0);
    } else {
        resp_for(resp, req, req->x[3] + 1, req->x[4] + 1, req->x[5] + 1, req->x[6] + 1,
                 req->x[7] + 1);
    }
}
