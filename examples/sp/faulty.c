/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Faulty SP (S-EL1, SMC conduit): misbehaves on request (w3 = SP_FAULT_*), to show that the SPMC
 * contains it. Built three more times with SP_INIT_MODE: 1 = FFA_ERROR(ABORTED) during init, 2 =
 * data abort during init, 3 = FF-A calls in an endless loop during init (it never waits).
 */
#include "sp_ffa.h"

static const uint32_t ro_word = 0x600d;

static void misbehave(uint32_t what)
{
    struct ffa_args a;

    switch (what) {
    case SP_FAULT_DATA_ABORT:
        (void)*(volatile uint32_t *)(uintptr_t)SP_UNMAPPED_ADDR;
        break;
    case SP_FAULT_UNDEF:
        __asm__ volatile("udf #0");
        break;
    case SP_FAULT_BAD_JUMP:
        ((void (*)(void))(uintptr_t)(SP_UNMAPPED_ADDR + 0x1000))();
        break;
    case SP_FAULT_SPIN:
        for (;;)
            __asm__ volatile("");
    case SP_FAULT_SELF_ABORT:
        ffa_call8(&a, FFA_ERROR, 0, FFA_RET_ABORTED, 0, 0, 0, 0, 0);
        break;
    case SP_FAULT_WRITE_RO:
        *(volatile uint32_t *)&ro_word = 1;
        break;
    case SP_FAULT_WRONG_CONDUIT:
        __asm__ volatile("svc #0");
        break;
    case SP_FAULT_CALL_LOOP:
        /* Every call is answered, so no single stretch without one is long: it never returns. */
        for (;;)
            ffa_call8(&a, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    default:
        break;
    }
}

void sp_init(void)
{
#if defined(SP_INIT_MODE) && SP_INIT_MODE == 1
    misbehave(SP_FAULT_SELF_ABORT);
#elif defined(SP_INIT_MODE) && SP_INIT_MODE == 2
    misbehave(SP_FAULT_DATA_ABORT);
#elif defined(SP_INIT_MODE) && SP_INIT_MODE == 3
    misbehave(SP_FAULT_CALL_LOOP);
#endif
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    misbehave((uint32_t)req->x[3]);
    resp_for(resp, req, 0x600d, ro_word, 0, 0, 0);
}
