/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The message loop every example SP runs after its init: wait, answer each direct request through
 * sp_handle_request(), hand anything else (FFA_RUN) to sp_handle_other(), repeat: the message loop
 * of an FF-A partition (DEN0077A v1.2: FFA_MSG_WAIT, then a direct request or FFA_RUN per entry).
 */
#include "sp_ffa.h"

__attribute__((weak)) void sp_init(void)
{
}

__attribute__((weak)) void sp_handle_other(struct ffa_args *msg)
{
    ffa_msg_wait(msg);
}

__attribute__((weak)) void sp_secondary_init(uint64_t index, uint64_t x0)
{
    (void)index;
    (void)x0;
}

uint64_t sp_boot_info;

void sp_main(uint64_t boot_info);
void sp_secondary_main(uint64_t index, uint64_t x0);

/* Every context's message loop, from its FFA_MSG_WAIT that ends its init. */
static void __attribute__((noreturn)) message_loop(void)
{
    struct ffa_args msg, resp;

    ffa_msg_wait(&msg);
    for (;;) {
        if (is_direct_req(msg.x[0])) {
            sp_handle_request(&msg, &resp);
            msg = resp;
            ffa_call(&msg); /* DIRECT_RESP returns with the next message */
        } else {
            /* FFA_RUN in the waiting state (or an error): by default nothing to do, wait again. */
            sp_handle_other(&msg);
        }
    }
}

void sp_main(uint64_t boot_info)
{
    sp_boot_info = boot_info;
    sp_init();
    message_loop();
}

/* An MP partition's other contexts, each on its own PE and stack (common/secondary.S). */
void sp_secondary_main(uint64_t index, uint64_t x0)
{
    sp_secondary_init(index, x0);
    message_loop();
}
