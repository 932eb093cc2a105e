/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cold boot (Hafnium src/ffa/spmc/cpu_cycles.c sp_boot_next(); FF-A v1.2, DEN0077A, the SP_INIT
 * runtime model): partitions are already sorted by boot-order; each one's primary context starts
 * in SP_INIT at its entry point and runs until FFA_MSG_WAIT (initialised) or FFA_ERROR(ABORTED) /
 * a fault / the watchdog (aborted). A failed SP does not stop the boot of the others. No
 * non-secure interrupt exists during boot: the normal world is not running yet.
 */
#include "spmc_internal.h"

void ffau_boot_all(struct spmc *s, struct cpu *cpu)
{
    cpu->booting = true;
    for (size_t i = 0; i < s->sp_count; i++) {
        struct sp *sp = s->sps[i];

        /* Secondary contexts of MP partitions stay OFF: they start on CPU_ON (one PE here). */
        ffau_rt_boot(sp);
        ffau_eng_set_boot_entry(&sp->eng, &sp->mf, SPMC_BOOTINFO_VA);
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, sp->mf.id,
                     "booting SP 0x%04x (%s), %s, boot-order %u", sp->mf.id, sp->mf.name,
                     sp->mf.el0 ? "S-EL0" : "S-EL1", sp->mf.boot_order);
        ffau_run_boot(s, cpu, &sp->ecs[0]);
        if (sp->aborted)
            ffau_log_msg(s, FFA_UNICORN_LOG_ERROR, sp->mf.id, "SP 0x%04x (%s) failed to initialise",
                         sp->mf.id, sp->mf.name);
    }
    cpu->booting = false;
}
