/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One Unicorn engine per execution context: an AArch64 CPU at EL1 with the trap and budget hooks,
 * the partition's memory mapped in (memory.c; every context of a partition maps the same host
 * pages), and the enter -> trap -> exit step of the world switch. An engine is only ever used by
 * the thread of the PE that owns its context, so engines on different PEs run in parallel;
 * Unicorn 2 keeps all of an engine's state in its uc_engine (tests/unicorn run them concurrently
 * under ThreadSanitizer).
 *
 * Unicorn 2.0.1 behaviour this file relies on (measured; tests/unicorn exercise each point):
 *  - With a UC_HOOK_INTR hook, svc/smc/hvc and faults are reported to the hook and never reach
 *    the guest's vectors. At EL1: svc = intno 2 and smc = intno 13 with PC after the instruction;
 *    hvc = intno 1 (UDEF: the CPU model has no EL2) with PC at the instruction. At EL0: svc = 2
 *    (PC after); smc/hvc = 1.
 *  - Writing PSTATE does not change the exception level (qemu/target/arm/unicorn_aarch64.c writes
 *    it with pstate_write()): an S-EL0 SP is entered through an `eret` in the SPMC window with
 *    SPSR_EL1 = EL0t and ELR_EL1 = entry.
 *  - Hooks only affect code translated after they exist: the block hook is added at engine
 *    creation, before any code is translated, so every block of every SP runs it.
 *  - The CPU model has EL3, and a lower EL is AArch64 only while SCR_EL3.RW is set (QEMU
 *    target/arm/cpu.h arm_el_is_aa64()). The engine starts with SCR_EL3 = 0: EL1 would walk its
 *    stage-1 tables in the AArch32 format, and a partition that turns its MMU on takes a prefetch
 *    abort on the next instruction. The engine sets RW (and leaves NS clear: the secure world).
 *  - After every uc_emu_start() Unicorn invalidates the translations at the `until` address
 *    (qemu/softmmu/cpus.c resume_all_vcpus()), which starts with a TLB walk for that address: a
 *    third of a round trip when no SP maps it (callgrind: ~830 of ~3000 instructions). With the
 *    exits list enabled (uc_ctl_exits_enable(), Unicorn >= 2.0) and left empty, `until` is
 *    ignored and there is nothing to invalidate: the engine stops only through its hooks, which
 *    is how it stops anyway.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "spmc_internal.h"

/* QEMU's EXCP_* numbers as reported to UC_HOOK_INTR (qemu/target/arm/cpu.h). */
#define EXCP_UDEF           1
#define EXCP_SWI            2
#define EXCP_PREFETCH_ABORT 3
#define EXCP_DATA_ABORT     4
#define EXCP_IRQ            5
#define EXCP_FIQ            6
#define EXCP_BKPT           7
#define EXCP_HVC            11
#define EXCP_SMC            13

/* A64 exception-generating instructions: 0xd4000000 | imm16 << 5 | op. */
#define INSN_EXC_MASK 0xffe0001fu
#define INSN_HVC      0xd4000002u

#define PSTATE_I     (1u << 7)
#define PSTATE_DAIF  0x3c0u
#define PSTATE_SPSEL 1u
#define PSTATE_EL1H  0x5u

#define SCR_EL3_RW (1u << 10) /* lower ELs are AArch64 */

/* Ignored with the exits list enabled (see above); an address no SP can map. */
#define ENGINE_UNTIL UINT64_C(0xfffffffffffffffc)

/* Register IDs of x0..x17 and the PC, read in one batch after every trap. */
static _Alignas(64) const int read_ids[FFA_NUM_REGS + 1] = {
    UC_ARM64_REG_X0,  UC_ARM64_REG_X1,  UC_ARM64_REG_X2,  UC_ARM64_REG_X3,  UC_ARM64_REG_X4,
    UC_ARM64_REG_X5,  UC_ARM64_REG_X6,  UC_ARM64_REG_X7,  UC_ARM64_REG_X8,  UC_ARM64_REG_X9,
    UC_ARM64_REG_X10, UC_ARM64_REG_X11, UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14,
    UC_ARM64_REG_X15, UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_PC,
};

/*
 * Write the registers the context will see. Each register access is a call into Unicorn costing
 * tens of nanoseconds, so only those that differ from what the context holds are written, in one
 * batch: `eng->regs` is the register file as of the context's last trap (all of x0..x17 were read
 * then) or the last write; it is invalid once the context has run without a full read. x8..x17
 * are compared as one block first: a message of w0..w7 leaves them as they were (zero).
 */
void ffau_eng_set_regs(struct engine *eng, const struct ffa_regs *r)
{
    int ids[FFA_NUM_REGS];
    void *ptrs[FFA_NUM_REGS];
    uint64_t high = 0;
    int n = 0, last = 7;

    if (!eng->regs_valid) {
        eng->regs = *r;
        uc_reg_write_batch(eng->uc, (int *)read_ids, eng->read_ptrs, FFA_NUM_REGS);
        eng->regs_valid = true;
        return;
    }
    for (int i = 8; i < FFA_NUM_REGS; i++)
        high |= eng->regs.x[i] ^ r->x[i];
    if (high != 0)
        last = FFA_NUM_REGS - 1;
    for (int i = 0; i <= last; i++) {
        if (eng->regs.x[i] != r->x[i]) {
            eng->regs.x[i] = r->x[i];
            ids[n] = read_ids[i];
            ptrs[n] = eng->read_ptrs[i];
            n++;
        }
    }
    if (n > 0)
        uc_reg_write_batch(eng->uc, ids, ptrs, n);
}

/* ---- Hooks ---- */

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct engine *eng = user;

    eng->trap_intno = intno;
    uc_emu_stop(uc);
}

/*
 * Runs before every basic block: the preemption budget, the watchdog and the host's on-demand
 * NS interrupt, all in one compare and one atomic load (bench/unicorn measures its cost).
 */
static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct cpu *cpu = ((struct engine *)user)->cpu;
    struct entry_budget *b = &cpu->budget;

    (void)addr;
    (void)size;
    if (++b->blocks < b->stop_at && !__atomic_load_n(&cpu->ns_irq_line, __ATOMIC_RELAXED))
        return;
    uc_emu_stop(uc);
}

static bool hook_mem_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                             int64_t value, void *user)
{
    struct engine *eng = user;

    (void)uc;
    (void)type;
    (void)size;
    (void)value;
    eng->fault_addr = addr;
    return false; /* not handled: uc_emu_start() fails with UC_ERR_* */
}

/* ---- Life cycle ---- */

static void write_cp_reg(uc_engine *uc, int op0, int op1, int crn, int crm, int op2, uint64_t v)
{
    uc_arm64_cp_reg reg = {.crn = (uint32_t)crn,
                           .crm = (uint32_t)crm,
                           .op0 = (uint32_t)op0,
                           .op1 = (uint32_t)op1,
                           .op2 = (uint32_t)op2,
                           .val = v};

    uc_reg_write(uc, UC_ARM64_REG_CP_REG, &reg);
}

/* ---- The translated-code cache ---- */

/*
 * Unicorn sizes each engine's code cache (QEMU's TCG buffer) when the engine initialises, which it
 * does on the first call that needs the CPU (a hook, a mapping): one mmap() of the whole buffer,
 * read-write-execute, private, not MAP_NORESERVE (qemu/accel/tcg/translate-all.c
 * alloc_code_gen_buffer()), and exit(1) from the library if that mmap() fails. 2.0.1 always asks
 * for DEFAULT_CODE_GEN_BUFFER_SIZE, 1 GiB on a 64-bit host (tcg_exec_init(uc, 0)); 2.1.0 (the
 * release after 2.0.1.post1) added UC_CTL_TCG_BUFFER_SIZE, which sets the size if given before
 * that first call. The CPU only touches what it fills (and a transparent huge page where the
 * system gives them: QEMU asks for MADV_HUGEPAGE on the buffer).
 */
#define CODE_CACHE_UNICORN_2_0_1 ((size_t)1 << 30)
#define CODE_CACHE_MIN           ((size_t)1 << 20) /* QEMU's MIN_CODE_GEN_BUFFER_SIZE */
#define CODE_CACHE_MAX           ((size_t)2 << 30) /* its MAX_CODE_GEN_BUFFER_SIZE on x86-64 */
/* UC_CTL_TCG_BUFFER_SIZE's number in Unicorn 2.1's uc_control_type (2.0.1's header has none). */
#define CTL_TCG_BUFFER_SIZE 13
#define UNICORN_2_1_0       0x02010000u

size_t ffau_eng_code_cache(const struct spmc *s, bool *sizable)
{
    size_t want =
        s->cfg.code_cache_size != 0 ? s->cfg.code_cache_size : FFA_UNICORN_DEFAULT_CODE_CACHE;

    *sizable = uc_version(NULL, NULL) >= UNICORN_2_1_0;
    if (!*sizable)
        return CODE_CACHE_UNICORN_2_0_1;
    if (want < CODE_CACHE_MIN)
        want = CODE_CACHE_MIN;
    if (want > CODE_CACHE_MAX)
        want = CODE_CACHE_MAX;
    return want;
}

/*
 * Size the code cache of a fresh engine (before it initialises), and make sure the address space
 * for it is there: Unicorn would exit the whole process if its mmap() failed (an address-space
 * limit, ulimit -v, or strict overcommit), so the SPMC tries the same mapping first and refuses
 * the partition instead.
 */
static int set_code_cache(struct sp *sp, struct engine *eng, char *err, size_t err_len)
{
    bool sizable;
    size_t size = ffau_eng_code_cache(sp->spmc, &sizable);
    void *probe;

    if (sizable &&
        uc_ctl(eng->uc, UC_CTL_WRITE(CTL_TCG_BUFFER_SIZE, 1), (uint32_t)size) != UC_ERR_OK)
        size = CODE_CACHE_UNICORN_2_0_1; /* it keeps its default */
    probe = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe == MAP_FAILED) {
        snprintf(err, err_len,
                 "cannot reserve %zu MiB of address space for the engine's translated-code "
                 "cache (an address-space limit or strict overcommit?): Unicorn would exit",
                 size >> 20);
        return FFA_RET_NO_MEMORY;
    }
    munmap(probe, size);
    return 0;
}

int ffau_eng_create(struct sp *sp, struct engine *eng, char *err, size_t err_len)
{
    uc_arm64_cp_reg scr = {.crn = 1, .crm = 1, .op0 = 3, .op1 = 6, .op2 = 0};

    eng->sp = sp;
    eng->el0 = sp->mf.el0;
    for (int i = 0; i < FFA_NUM_REGS; i++)
        eng->read_ptrs[i] = &eng->regs.x[i];
    eng->read_ptrs[FFA_NUM_REGS] = &eng->pc;
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &eng->uc) != UC_ERR_OK) {
        eng->uc = NULL;
        snprintf(err, err_len, "uc_open failed");
        return FFA_RET_NO_MEMORY;
    }
    if (set_code_cache(sp, eng, err, err_len) != 0)
        return FFA_RET_NO_MEMORY;
    if (uc_ctl_exits_enable(eng->uc) != UC_ERR_OK) {
        snprintf(err, err_len, "cannot enable the exits list of the Unicorn engine");
        return FFA_RET_NO_MEMORY;
    }
    /* A CPU model without EL3 has no SCR_EL3, and its EL1 is AArch64 already. */
    if (uc_reg_read(eng->uc, UC_ARM64_REG_CP_REG, &scr) == UC_ERR_OK)
        write_cp_reg(eng->uc, 3, 6, 1, 1, 0, scr.val | SCR_EL3_RW);
    /* Hooks first, before any code is translated. */
    if (uc_hook_add(eng->uc, &eng->hook_intr, UC_HOOK_INTR, (void *)hook_intr, eng, 1, 0) != 0 ||
        uc_hook_add(eng->uc, &eng->hook_block, UC_HOOK_BLOCK, (void *)hook_block, eng, 1, 0) != 0 ||
        uc_hook_add(eng->uc, &eng->hook_mem, UC_HOOK_MEM_INVALID, (void *)hook_mem_invalid, eng, 1,
                    0) != 0) {
        snprintf(err, err_len, "uc_hook_add failed");
        return FFA_RET_NO_MEMORY;
    }
    return ffau_mem_map(sp, eng->uc, err, err_len);
}

void ffau_eng_destroy(struct engine *eng)
{
    if (eng->uc != NULL)
        uc_close(eng->uc);
    eng->uc = NULL;
}

/*
 * Cold boot: x<gp-register-num> = boot-info address (the primary context only), x4 = the linear
 * index of the PE (Hafnium vcpu_set_phys_core_idx(), PHYS_CORE_IDX_GP_REG; TF-A's EL3 SPMC
 * spmc_el1_sp_setup() passes the linear core ID there too), every other register 0, MMU off.
 * S-EL1 starts at EL1h with DAIF masked, as out of reset. S-EL0 starts at the window's `eret` with
 * ELR_EL1 = entry and SPSR_EL1 = EL0t. (MPIDR_EL1 reads the same in every engine: Unicorn 2.0.1
 * ignores writes to it, so x4 is how a context learns its PE.)
 */
void ffau_eng_set_boot_entry(struct engine *eng, const struct sp_manifest *mf, uint64_t entry,
                             uint32_t core, uint64_t bootinfo_va)
{
    struct ffa_regs r = {{0}};
    uint64_t pstate = PSTATE_DAIF | PSTATE_EL1H;

    if (mf->gp_register_num >= 0 && bootinfo_va != 0)
        r.x[mf->gp_register_num] = bootinfo_va;
    r.x[4] = core;
    eng->regs_valid = false;
    ffau_eng_set_regs(eng, &r);
    uc_reg_write(eng->uc, UC_ARM64_REG_PSTATE, &pstate);
    if (mf->el0) {
        uc_reg_write(eng->uc, UC_ARM64_REG_ELR_EL1, &entry);
        write_cp_reg(eng->uc, 3, 0, 4, 0, 0, 0); /* SPSR_EL1: EL0t, interrupts unmasked */
        eng->pc = SPMC_TRAMPOLINE_VA;
    } else {
        eng->pc = entry;
    }
}

/*
 * Managed exit: take a virtual IRQ at the SP's own vector table, as the CPU would (Arm ARM D1.10,
 * exception entry): ELR_EL1 = PC, SPSR_EL1 = PSTATE, DAIF masked, PC = VBAR_EL1 + 0x280 (current
 * EL, SP_ELx) or + 0x080 (current EL, SP_EL0). A masked IRQ stays pending: false is returned and
 * the caller tries again later.
 */
bool ffau_eng_inject_irq(struct engine *eng)
{
    uint64_t pstate = 0, vbar = 0, npstate;

    uc_reg_read(eng->uc, UC_ARM64_REG_PSTATE, &pstate);
    if (pstate & PSTATE_I)
        return false;
    uc_reg_read(eng->uc, UC_ARM64_REG_VBAR_EL1, &vbar);
    uc_reg_write(eng->uc, UC_ARM64_REG_ELR_EL1, &eng->pc);
    write_cp_reg(eng->uc, 3, 0, 4, 0, 0, pstate); /* SPSR_EL1 */
    npstate = pstate | PSTATE_DAIF;
    uc_reg_write(eng->uc, UC_ARM64_REG_PSTATE, &npstate);
    eng->pc = vbar + ((pstate & PSTATE_SPSEL) ? 0x280 : 0x080);
    return true;
}

/* ---- Enter, trap, exit ---- */

static const char *intno_name(uint32_t intno)
{
    switch (intno) {
    case EXCP_UDEF:
        return "undefined instruction";
    case EXCP_SWI:
        return "svc from S-EL1 (S-EL1 partitions call the SPMC with smc or hvc)";
    case EXCP_PREFETCH_ABORT:
        return "prefetch abort";
    case EXCP_DATA_ABORT:
        return "data abort";
    case EXCP_IRQ:
    case EXCP_FIQ:
        return "unexpected physical interrupt";
    case EXCP_BKPT:
        return "breakpoint (brk)";
    default:
        return "unexpected exception";
    }
}

static uint32_t insn_at(struct engine *eng, uint64_t pc)
{
    uint32_t insn = 0;

    if (uc_mem_read(eng->uc, pc, &insn, sizeof(insn)) != UC_ERR_OK)
        return 0;
    return insn;
}

/*
 * Classify an exception reported to the hook (registers and PC already read): an FF-A call
 * (advance the PC if needed) or a fault.
 */
static void decode_trap(struct engine *eng, uint32_t intno, struct exit_info *out)
{
    bool call = false;

    if (eng->el0) {
        /* An S-EL0 SP calls with svc; smc/hvc at EL0 are undefined (Hafnium aborts on HVC). */
        call = intno == EXCP_SWI;
    } else if (intno == EXCP_SMC || intno == EXCP_HVC) {
        call = true;
    } else if (intno == EXCP_UDEF && (insn_at(eng, eng->pc) & INSN_EXC_MASK) == INSN_HVC) {
        /* No EL2 in the CPU model: hvc is UDEF with PC still at it. Step over it. */
        eng->pc += 4;
        call = true;
    }
    if (call) {
        out->kind = EXIT_FFA_CALL;
        out->regs = &eng->regs;
        return;
    }
    out->kind = EXIT_FAULT;
    out->why = intno_name(intno);
    out->pc = eng->pc;
    snprintf(out->detail, sizeof(out->detail), "exception %u, instruction 0x%08x", intno,
             insn_at(eng, eng->pc));
}

static void describe_uc_error(struct engine *eng, uc_err e, struct exit_info *out)
{
    out->kind = EXIT_FAULT;
    out->pc = eng->pc;
    switch (e) {
    case UC_ERR_READ_UNMAPPED:
    case UC_ERR_WRITE_UNMAPPED:
    case UC_ERR_READ_PROT:
    case UC_ERR_WRITE_PROT:
    case UC_ERR_READ_UNALIGNED:
    case UC_ERR_WRITE_UNALIGNED:
        out->why = "data abort";
        snprintf(out->detail, sizeof(out->detail), "%s at address 0x%llx", uc_strerror(e),
                 (unsigned long long)eng->fault_addr);
        break;
    case UC_ERR_FETCH_UNMAPPED:
    case UC_ERR_FETCH_PROT:
    case UC_ERR_FETCH_UNALIGNED:
        out->why = "instruction fetch abort (jump to unmapped or non-executable memory)";
        snprintf(out->detail, sizeof(out->detail), "%s at address 0x%llx", uc_strerror(e),
                 (unsigned long long)eng->fault_addr);
        break;
    case UC_ERR_INSN_INVALID:
        out->why = "undefined instruction";
        snprintf(out->detail, sizeof(out->detail), "%s", uc_strerror(e));
        break;
    default:
        out->why = "emulation error";
        snprintf(out->detail, sizeof(out->detail), "%s", uc_strerror(e));
        break;
    }
}

void ffau_eng_run(struct engine *eng, struct cpu *cpu, struct exit_info *out)
{
    const struct entry_budget *b = &cpu->budget;
    uc_err e;

    /* The partition's layout changed (another context mapped its RX buffer): apply it first. */
    if (__builtin_expect(__atomic_load_n(&eng->sp->mem.gen, __ATOMIC_ACQUIRE) != eng->layout.gen,
                         0))
        ffau_mem_sync(eng->sp, eng);
    eng->cpu = cpu;
    eng->trap_intno = UINT32_MAX;
    eng->fault_addr = 0;
    eng->regs_valid = false; /* it runs: any register may change */
    stat_inc(&cpu->stats.world_switches);
    e = uc_emu_start(eng->uc, eng->pc, ENGINE_UNTIL, 0, 0);
    if (eng->trap_intno != UINT32_MAX) {
        /* x0..x17 and the PC in one batch: most traps are FF-A calls. */
        uc_reg_read_batch(eng->uc, (int *)read_ids, eng->read_ptrs, FFA_NUM_REGS + 1);
        eng->regs_valid = true;
        decode_trap(eng, eng->trap_intno, out);
        return;
    }
    uc_reg_read(eng->uc, UC_ARM64_REG_PC, &eng->pc);
    if (e != UC_ERR_OK) {
        describe_uc_error(eng, e, out);
        return;
    }
    /* Stopped by the block hook: which limit? The host's line wins (it is the NS interrupt). */
    if (__atomic_load_n(&cpu->ns_irq_line, __ATOMIC_ACQUIRE) ||
        (b->blocks >= b->preempt_at && b->preempt_at <= b->watchdog_at)) {
        out->kind = EXIT_NS_IRQ;
        return;
    }
    if (b->blocks >= b->watchdog_at) {
        out->kind = EXIT_WATCHDOG;
        out->pc = eng->pc;
        return;
    }
    out->kind = EXIT_ME_POLL;
}
