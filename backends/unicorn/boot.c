/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cold boot (secure-side.md 3.8, 7.2, 10.4): partitions are already sorted by boot-order; each
 * primary context starts in SP_INIT at its entry point and runs until FFA_MSG_WAIT (initialised)
 * or FFA_ERROR(ABORTED) / a fault / the watchdog (aborted). A failed SP does not stop the boot of
 * the others. No non-secure interrupt exists during boot: the normal world is not running yet.
 */
#include "spmc_internal.h"

int boot_all(struct spmc *s)
{
    s->booting = true;
    for (size_t i = 0; i < s->sp_count; i++) {
        struct sp *sp = s->sps[i];
        struct ec *ec = &sp->ecs[0];
        struct ffa_regs out;

        /* Secondary contexts of MP partitions stay OFF: they start on CPU_ON (one PE here). */
        for (uint32_t v = 1; v < sp->mf.ec_count; v++)
            sp->ecs[v].state = FFA_UNICORN_EC_OFF;
        engine_set_boot_entry(sp, SPMC_BOOTINFO_VA);
        ec->state = FFA_UNICORN_EC_RUNNING;
        ec->rtm = RTM_SP_INIT;
        spmc_log(s, FFA_UNICORN_LOG_INFO, sp->mf.id, "booting SP 0x%04x (%s), %s, boot-order %u",
                 sp->mf.id, sp->mf.name, sp->mf.el0 ? "S-EL0" : "S-EL1", sp->mf.boot_order);
        spmc_run(s, ec, &out);
        if (sp->aborted)
            spmc_log(s, FFA_UNICORN_LOG_ERROR, sp->mf.id, "SP 0x%04x (%s) failed to initialise",
                     sp->mf.id, sp->mf.name);
    }
    s->booting = false;
    return 0;
}
