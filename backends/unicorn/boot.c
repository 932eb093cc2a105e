/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cold boot (Hafnium src/ffa/spmc/cpu_cycles.c sp_boot_next(); FF-A v1.2, DEN0077A, the SP_INIT
 * runtime model): partitions are already sorted by boot-order; each one's primary context starts
 * in SP_INIT at its entry point on PE 0 and runs until FFA_MSG_WAIT (initialised) or
 * FFA_ERROR(ABORTED) / a fault / the watchdog (aborted). A failed SP does not stop the boot of the
 * others. No non-secure interrupt exists during boot: the normal world is not running yet.
 *
 * Then every other PE is turned on, in order. Hafnium boots an MP partition's execution context
 * for a PE when that PE is powered on (PSCI CPU_ON through the SPMD; sp_boot_next() on a secondary
 * CPU, vm_get_next_boot_secondary_core() skips UP partitions): the context starts in SP_INIT at
 * the entry point the partition registered with FFA_SECONDARY_EP_REGISTER, x0 = 0 and x4 = the
 * PE's linear index, no boot information, and runs until FFA_MSG_WAIT. The emulated PEs are all on
 * once ffa_unicorn_create() returns, so that is when this happens, on the creating thread, for
 * every configured PE. An MP partition that registered no secondary entry point has nothing to
 * start there: its other contexts stay OFF (Hafnium would enter them at address 0).
 */
#include "spmc_internal.h"

/* Run context `vcpu` of `sp` from its boot entry until it waits or aborts. */
static void boot_ec(struct spmc *s, struct cpu *cpu, struct sp *sp, uint32_t vcpu, uint64_t entry,
                    uint64_t bootinfo_va)
{
    struct ec *ec = &sp->ecs[vcpu];

    ffau_rt_boot(sp, vcpu, cpu);
    ffau_eng_set_boot_entry(ec->eng, &sp->mf, entry, cpu->index, bootinfo_va);
    ffau_run_boot(s, cpu, ec);
}

/* PE 0: every partition's primary context, in boot order. */
static void boot_primary(struct spmc *s, struct cpu *cpu)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        struct sp *sp = s->sps[i];

        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, sp->mf.id,
                     "booting SP 0x%04x (%s), %s, boot-order %u", sp->mf.id, sp->mf.name,
                     sp->mf.el0 ? "S-EL0" : "S-EL1", sp->mf.boot_order);
        boot_ec(s, cpu, sp, 0, sp->mf.load_address + sp->mf.entrypoint_offset, SPMC_BOOTINFO_VA);
        if (sp_aborted(sp))
            ffau_log_msg(s, FFA_UNICORN_LOG_ERROR, sp->mf.id, "SP 0x%04x (%s) failed to initialise",
                         sp->mf.id, sp->mf.name);
    }
}

/* PE `cpu` (not 0) turned on: the context of every MP partition for it, in boot order. */
static void boot_secondary(struct spmc *s, struct cpu *cpu)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        struct sp *sp = s->sps[i];

        if (sp->mf.ec_count == 1 || sp_aborted(sp))
            continue;
        if (!sp->secondary_ep_set) {
            if (cpu->index == 1)
                ffau_log_msg(s, FFA_UNICORN_LOG_INFO, sp->mf.id,
                             "SP 0x%04x (%s) registered no secondary entry point: its contexts "
                             "on PEs 1..%u stay OFF",
                             sp->mf.id, sp->mf.name, s->pe_count - 1);
            continue;
        }
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, sp->mf.id,
                     "booting SP 0x%04x (%s) vCPU %u on PE %u at 0x%llx", sp->mf.id, sp->mf.name,
                     cpu->index, cpu->index, (unsigned long long)sp->secondary_ep);
        boot_ec(s, cpu, sp, cpu->index, sp->secondary_ep, 0);
        if (sp_aborted(sp))
            ffau_log_msg(s, FFA_UNICORN_LOG_ERROR, sp->mf.id,
                         "SP 0x%04x (%s) failed to initialise vCPU %u", sp->mf.id, sp->mf.name,
                         cpu->index);
    }
}

void ffau_boot_all(struct spmc *s)
{
    for (uint32_t pe = 0; pe < s->pe_count; pe++) {
        struct cpu *cpu = &s->cpus[pe];

        spin_lock(&cpu->call_lock);
        cpu->booting = true;
        if (pe == 0)
            boot_primary(s, cpu);
        else
            boot_secondary(s, cpu);
        cpu->booting = false;
        spin_unlock(&cpu->call_lock);
    }
}
