/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One Unicorn engine per SP: its own physical address space (image segments, manifest memory
 * regions, the SPMC window), the trap and budget hooks, and the enter → trap → exit step of the
 * world switch.
 *
 * Unicorn 2.0.1 facts this file relies on (unicorn-notes.md, re-measured by tests/unicorn):
 *  - With a UC_HOOK_INTR hook, svc/smc/hvc and faults are reported to the hook and never reach the
 *    guest's vectors. At EL1: svc = intno 2 and smc = intno 13 with PC after the instruction; hvc
 *    = intno 1 (UDEF) with PC at the instruction. At EL0: svc = 2 (PC after); smc/hvc = 1.
 *  - Writing PSTATE does not change the exception level: an S-EL0 SP is entered through an `eret`
 *    in the SPMC window with SPSR_EL1 = EL0t and ELR_EL1 = entry.
 *  - Hooks only affect code translated after they exist: the block hook is added at engine
 *    creation, before any code is translated, so every block of every SP runs it.
 *  - uc_mem_map_ptr() maps host memory without a copy (later: shared pages, RX/TX buffers).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "spmc_internal.h"

/* QEMU's EXCP_* numbers as reported to UC_HOOK_INTR (target/arm/cpu.h). */
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
#define INSN_SVC      0xd4000001u
#define INSN_HVC      0xd4000002u
#define INSN_SMC      0xd4000003u
#define INSN_ERET     0xd69f03e0u

#define PSTATE_I     (1u << 7)
#define PSTATE_DAIF  0x3c0u
#define PSTATE_SPSEL 1u
#define PSTATE_EL1H  0x5u

/* Read on every world switch: kept in one cache line. */
static _Alignas(64) const int x_ids[FFA_NUM_REGS] = {
    UC_ARM64_REG_X0,  UC_ARM64_REG_X1,  UC_ARM64_REG_X2,  UC_ARM64_REG_X3,  UC_ARM64_REG_X4,
    UC_ARM64_REG_X5,  UC_ARM64_REG_X6,  UC_ARM64_REG_X7,  UC_ARM64_REG_X8,  UC_ARM64_REG_X9,
    UC_ARM64_REG_X10, UC_ARM64_REG_X11, UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14,
    UC_ARM64_REG_X15, UC_ARM64_REG_X16, UC_ARM64_REG_X17,
};

static void *host_pages(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

/* x0..x17 and the PC, in one batch (each register access is a call into Unicorn). */
static void regs_read_with_pc(struct sp *sp, struct ffa_regs *r)
{
    int ids[FFA_NUM_REGS + 1];
    void *ptrs[FFA_NUM_REGS + 1];

    for (int i = 0; i < FFA_NUM_REGS; i++) {
        ids[i] = x_ids[i];
        ptrs[i] = &r->x[i];
    }
    ids[FFA_NUM_REGS] = UC_ARM64_REG_PC;
    ptrs[FFA_NUM_REGS] = &sp->pc;
    uc_reg_read_batch(sp->uc, ids, ptrs, FFA_NUM_REGS + 1);
}

/*
 * Write the registers the context will see. Register accesses cost tens of nanoseconds each in
 * Unicorn 2.0.1, so only those that differ from what the context holds are written: `shadow` is
 * the register file as of the context's last trap (all of x0..x17 were read then) or the last
 * write; it is invalid once the context has run without a full read.
 */
void engine_set_regs(struct sp *sp, const struct ffa_regs *r)
{
    int ids[FFA_NUM_REGS];
    void *ptrs[FFA_NUM_REGS];
    int n = 0;

    for (int i = 0; i < FFA_NUM_REGS; i++) {
        if (!sp->shadow_valid || sp->shadow.x[i] != r->x[i]) {
            sp->shadow.x[i] = r->x[i];
            ids[n] = x_ids[i];
            ptrs[n] = &sp->shadow.x[i];
            n++;
        }
    }
    if (n > 0)
        uc_reg_write_batch(sp->uc, ids, ptrs, n);
    sp->shadow_valid = true;
}

/* ---- Hooks ---- */

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct sp *sp = user;

    sp->trap_intno = intno;
    uc_emu_stop(uc);
}

/*
 * Runs before every basic block: the preemption budget, the watchdog and the host's on-demand
 * NS interrupt, all in one compare and one atomic load (bench/unicorn measures its cost).
 */
static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct spmc *s = user;
    struct entry_budget *b = &s->budget;

    (void)addr;
    (void)size;
    if (++b->blocks < b->stop_at && !__atomic_load_n(&s->ns_irq_line, __ATOMIC_RELAXED))
        return;
    uc_emu_stop(uc);
}

static bool hook_mem_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                             int64_t value, void *user)
{
    struct sp *sp = user;

    (void)uc;
    (void)type;
    (void)size;
    (void)value;
    sp->fault_addr = addr;
    return false; /* not handled: uc_emu_start() fails with UC_ERR_* */
}

/* ---- Memory ---- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Permissions of image page `pg`: the union of the segments touching it (UC_PROT_*). */
static uint32_t image_page_prot(const struct elf_image *img, uint64_t pg)
{
    uint32_t prot = 0;

    for (unsigned i = 0; i < img->seg_count; i++) {
        const struct elf_seg *s = &img->segs[i];

        if (overlaps(pg, SPMC_PAGE, s->vaddr, s->memsz))
            prot |= s->prot;
    }
    return prot;
}

static int map_image(struct sp *sp, const struct elf_image *img, const uint8_t *elf, char *err,
                     size_t err_len)
{
    size_t span = img->hi - img->lo;
    uc_err e;

    sp->image_mem = host_pages(span);
    if (sp->image_mem == NULL) {
        snprintf(err, err_len, "out of memory for the %zu-byte image", span);
        return FFA_RET_NO_MEMORY;
    }
    sp->image_mem_size = span;
    for (unsigned i = 0; i < img->seg_count; i++)
        memcpy((uint8_t *)sp->image_mem + (img->segs[i].vaddr - img->lo), elf + img->segs[i].offset,
               img->segs[i].filesz);
    e = uc_mem_map_ptr(sp->uc, img->lo, span, UC_PROT_NONE, sp->image_mem);
    if (e != UC_ERR_OK) {
        snprintf(err, err_len, "cannot map the image at 0x%llx: %s", (unsigned long long)img->lo,
                 uc_strerror(e));
        return FFA_RET_INVALID_PARAMETERS;
    }
    for (uint64_t pg = img->lo; pg < img->hi; pg += SPMC_PAGE) {
        uint32_t prot = image_page_prot(img, pg);

        if ((prot & UC_PROT_WRITE) && (prot & UC_PROT_EXEC)) {
            snprintf(err, err_len,
                     "image page 0x%llx would be writable and executable "
                     "(segments share a page)",
                     (unsigned long long)pg);
            return FFA_RET_INVALID_PARAMETERS;
        }
        uc_mem_protect(sp->uc, pg, SPMC_PAGE, prot);
    }
    return 0;
}

static int map_regions(struct sp *sp, const struct elf_image *img, char *err, size_t err_len)
{
    const struct sp_manifest *mf = &sp->mf;

    for (uint32_t i = 0; i < mf->region_count; i++) {
        const struct sp_mem_region *r = &mf->regions[i];
        uint64_t len = (uint64_t)r->pages * SPMC_PAGE;
        uint32_t prot = ((r->attributes & 1) ? UC_PROT_READ : 0) |
                        ((r->attributes & 2) ? UC_PROT_WRITE : 0) |
                        ((r->attributes & 4) ? UC_PROT_EXEC : 0);

        if (overlaps(r->base, len, img->lo, img->hi - img->lo) ||
            overlaps(r->base, len, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE)) {
            snprintf(err, err_len,
                     "manifest: memory region '%s': 'base-address' 0x%llx (%u pages) "
                     "overlaps the image or the SPMC window at 0x%llx",
                     r->name, (unsigned long long)r->base, r->pages,
                     (unsigned long long)SPMC_WINDOW_BASE);
            return FFA_RET_INVALID_PARAMETERS;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (overlaps(r->base, len, mf->regions[j].base,
                         (uint64_t)mf->regions[j].pages * SPMC_PAGE)) {
                snprintf(err, err_len,
                         "manifest: memory region '%s' at 0x%llx overlaps region "
                         "'%s'",
                         r->name, (unsigned long long)r->base, mf->regions[j].name);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
        sp->region_mem[i] = host_pages(len);
        if (sp->region_mem[i] == NULL) {
            snprintf(err, err_len, "out of memory for memory region '%s'", r->name);
            return FFA_RET_NO_MEMORY;
        }
        if (uc_mem_map_ptr(sp->uc, r->base, len, prot, sp->region_mem[i]) != UC_ERR_OK) {
            snprintf(err, err_len, "manifest: memory region '%s' at 0x%llx cannot be mapped",
                     r->name, (unsigned long long)r->base);
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    return 0;
}

/*
 * The SPMC window: page 0 = `eret` (S-EL0 entry), then the boot-info blob (FF-A v1.1 format,
 * secure-side.md 7.2: 32-byte header, one 32-byte FDT descriptor) and the manifest DTB. Read and
 * execute only.
 */
static int map_window(struct sp *sp, char *err, size_t err_len)
{
    uint8_t *w;
    uint32_t eret = INSN_ERET;
    size_t dtb_off = 64;

    if (sp->manifest_size > SPMC_WINDOW_SIZE - SPMC_PAGE - dtb_off) {
        snprintf(err, err_len, "manifest: %zu-byte DTB is too large for the boot-info window",
                 sp->manifest_size);
        return FFA_RET_INVALID_PARAMETERS;
    }
    sp->window_mem = host_pages(SPMC_WINDOW_SIZE);
    if (sp->window_mem == NULL) {
        snprintf(err, err_len, "out of memory for the SPMC window");
        return FFA_RET_NO_MEMORY;
    }
    w = sp->window_mem;
    memcpy(w, &eret, sizeof(eret));
    {
        uint8_t *bi = w + SPMC_PAGE;
        uint32_t hdr[6] = {
            0x0ffa, sp->mf.ffa_version, (uint32_t)(dtb_off + sp->manifest_size), 32, 1, 32};
        uint64_t contents = SPMC_BOOTINFO_VA + dtb_off;
        uint32_t size = (uint32_t)sp->manifest_size;
        uint16_t flags = 0; /* name: string; contents: address */

        memcpy(bi, hdr, sizeof(hdr));
        memcpy(bi + 32, "manifest-dtb", 13);
        bi[32 + 16] = 0; /* type: standard, FDT */
        memcpy(bi + 32 + 18, &flags, sizeof(flags));
        memcpy(bi + 32 + 20, &size, sizeof(size));
        memcpy(bi + 32 + 24, &contents, sizeof(contents));
        memcpy(bi + dtb_off, sp->manifest_copy, sp->manifest_size);
    }
    if (uc_mem_map_ptr(sp->uc, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE, UC_PROT_READ | UC_PROT_EXEC,
                       sp->window_mem) != UC_ERR_OK) {
        snprintf(err, err_len, "cannot map the SPMC window");
        return FFA_RET_NO_MEMORY;
    }
    return 0;
}

static int check_layout(struct sp *sp, const struct elf_image *img, char *err, size_t err_len)
{
    const struct sp_manifest *mf = &sp->mf;
    uint64_t entry = mf->load_address + mf->entrypoint_offset;
    bool entry_ok = false;

    /* Images are not relocated: the manifest must say where the ELF was linked. */
    if (img->lo != mf->load_address) {
        snprintf(err, err_len,
                 "manifest: property 'load-address' value 0x%llx does not match the "
                 "image, linked at 0x%llx",
                 (unsigned long long)mf->load_address, (unsigned long long)img->lo);
        return FFA_RET_INVALID_PARAMETERS;
    }
    for (unsigned i = 0; i < img->seg_count; i++) {
        const struct elf_seg *s = &img->segs[i];

        if ((s->prot & UC_PROT_EXEC) && entry >= s->vaddr && entry < s->vaddr + s->memsz)
            entry_ok = true;
    }
    if (!entry_ok || entry != img->entry) {
        snprintf(err, err_len,
                 "manifest: property 'entrypoint-offset' value 0x%llx gives entry "
                 "0x%llx, but the image's entry point is 0x%llx%s",
                 (unsigned long long)mf->entrypoint_offset, (unsigned long long)entry,
                 (unsigned long long)img->entry, entry_ok ? "" : " (not in executable code)");
        return FFA_RET_INVALID_PARAMETERS;
    }
    if (overlaps(img->lo, img->hi - img->lo, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE)) {
        snprintf(err, err_len, "image: 0x%llx..0x%llx overlaps the SPMC window at 0x%llx",
                 (unsigned long long)img->lo, (unsigned long long)img->hi,
                 (unsigned long long)SPMC_WINDOW_BASE);
        return FFA_RET_INVALID_PARAMETERS;
    }
    return 0;
}

int engine_create(struct spmc *s, struct sp *sp, const struct elf_image *img, const uint8_t *elf,
                  char *err, size_t err_len)
{
    int ret;

    ret = check_layout(sp, img, err, err_len);
    if (ret != 0)
        return ret;
    sp->img = *img;
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &sp->uc) != UC_ERR_OK) {
        sp->uc = NULL;
        snprintf(err, err_len, "uc_open failed");
        return FFA_RET_NO_MEMORY;
    }
    /* Hooks first, before any code is translated (unicorn-notes.md, translation cache). */
    if (uc_hook_add(sp->uc, &sp->hook_intr, UC_HOOK_INTR, (void *)hook_intr, sp, 1, 0) != 0 ||
        uc_hook_add(sp->uc, &sp->hook_block, UC_HOOK_BLOCK, (void *)hook_block, s, 1, 0) != 0 ||
        uc_hook_add(sp->uc, &sp->hook_mem, UC_HOOK_MEM_INVALID, (void *)hook_mem_invalid, sp, 1,
                    0) != 0) {
        snprintf(err, err_len, "uc_hook_add failed");
        return FFA_RET_NO_MEMORY;
    }
    ret = map_image(sp, img, elf, err, err_len);
    if (ret == 0)
        ret = map_regions(sp, img, err, err_len);
    if (ret == 0)
        ret = map_window(sp, err, err_len);
    return ret;
}

void engine_destroy(struct sp *sp)
{
    if (sp->uc != NULL)
        uc_close(sp->uc);
    sp->uc = NULL;
    if (sp->image_mem != NULL)
        munmap(sp->image_mem, sp->image_mem_size);
    if (sp->window_mem != NULL)
        munmap(sp->window_mem, SPMC_WINDOW_SIZE);
    for (uint32_t i = 0; i < SPMC_MAX_MEMR; i++) {
        if (sp->region_mem[i] != NULL)
            munmap(sp->region_mem[i], (size_t)sp->mf.regions[i].pages * SPMC_PAGE);
        sp->region_mem[i] = NULL;
    }
}

static void write_spsr_el1(uc_engine *uc, uint64_t v)
{
    uc_arm64_cp_reg spsr = {.crn = 4, .crm = 0, .op0 = 3, .op1 = 0, .op2 = 0, .val = v};

    uc_reg_write(uc, UC_ARM64_REG_CP_REG, &spsr);
}

/*
 * Cold boot (secure-side.md 3.8/7.2): x<gp-register-num> = boot-info address, x4 = vCPU index
 * (Hafnium), MMU off. S-EL1 starts at EL1h with DAIF masked, as out of reset. S-EL0 starts at the
 * window's `eret` with ELR_EL1 = entry and SPSR_EL1 = EL0t.
 */
void engine_set_boot_entry(struct sp *sp, uint64_t bootinfo_va)
{
    struct ffa_regs r = {{0}};
    uint64_t entry = sp->mf.load_address + sp->mf.entrypoint_offset;
    uint64_t pstate = PSTATE_DAIF | PSTATE_EL1H;

    if (sp->mf.gp_register_num >= 0)
        r.x[sp->mf.gp_register_num] = bootinfo_va;
    r.x[4] = 0;
    engine_set_regs(sp, &r);
    uc_reg_write(sp->uc, UC_ARM64_REG_PSTATE, &pstate);
    if (sp->mf.el0) {
        uc_reg_write(sp->uc, UC_ARM64_REG_ELR_EL1, &entry);
        write_spsr_el1(sp->uc, 0); /* EL0t, interrupts unmasked */
        sp->pc = SPMC_TRAMPOLINE_VA;
    } else {
        sp->pc = entry;
    }
}

/*
 * Managed exit (docs/unicorn.md): take a virtual IRQ at the SP's own vector table, as the CPU
 * would: ELR_EL1 = PC, SPSR_EL1 = PSTATE, DAIF masked, PC = VBAR_EL1 + 0x280 (current EL, SP_ELx)
 * or + 0x080 (current EL, SP_EL0). A masked IRQ stays pending: false is returned and the caller
 * tries again later.
 */
bool engine_inject_irq(struct sp *sp)
{
    uint64_t pstate = 0, vbar = 0, npstate;

    uc_reg_read(sp->uc, UC_ARM64_REG_PSTATE, &pstate);
    if (pstate & PSTATE_I)
        return false;
    uc_reg_read(sp->uc, UC_ARM64_REG_VBAR_EL1, &vbar);
    uc_reg_write(sp->uc, UC_ARM64_REG_ELR_EL1, &sp->pc);
    write_spsr_el1(sp->uc, pstate);
    npstate = pstate | PSTATE_DAIF;
    uc_reg_write(sp->uc, UC_ARM64_REG_PSTATE, &npstate);
    sp->pc = vbar + ((pstate & PSTATE_SPSEL) ? 0x280 : 0x080);
    return true;
}

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

static uint32_t insn_at(struct sp *sp, uint64_t pc)
{
    uint32_t insn = 0;

    if (uc_mem_read(sp->uc, pc, &insn, sizeof(insn)) != UC_ERR_OK)
        return 0;
    return insn;
}

/*
 * Classify an exception reported to the hook (out->regs and sp->pc already read): an FF-A call
 * (advance PC if needed) or a fault.
 */
static void decode_trap(struct sp *sp, uint32_t intno, struct exit_info *out)
{
    bool call = false;

    if (sp->mf.el0) {
        /* An S-EL0 SP calls with svc; smc/hvc at EL0 are undefined ([H] aborts on HVC). */
        call = intno == EXCP_SWI;
    } else if (intno == EXCP_SMC || intno == EXCP_HVC) {
        call = true;
    } else if (intno == EXCP_UDEF && (insn_at(sp, sp->pc) & INSN_EXC_MASK) == INSN_HVC) {
        /* No EL2 in the CPU model: hvc is UDEF with PC still at it. Step over it. */
        sp->pc += 4;
        call = true;
    }
    if (call) {
        out->kind = EXIT_FFA_CALL;
        sp->shadow = out->regs;
        sp->shadow_valid = true;
        return;
    }
    out->kind = EXIT_FAULT;
    out->why = intno_name(intno);
    out->pc = sp->pc;
    snprintf(out->detail, sizeof(out->detail), "exception %u, instruction 0x%08x", intno,
             insn_at(sp, sp->pc));
}

static void describe_uc_error(struct sp *sp, uc_err e, struct exit_info *out)
{
    out->kind = EXIT_FAULT;
    out->pc = sp->pc;
    switch (e) {
    case UC_ERR_READ_UNMAPPED:
    case UC_ERR_WRITE_UNMAPPED:
    case UC_ERR_READ_PROT:
    case UC_ERR_WRITE_PROT:
    case UC_ERR_READ_UNALIGNED:
    case UC_ERR_WRITE_UNALIGNED:
        out->why = "data abort";
        snprintf(out->detail, sizeof(out->detail), "%s at address 0x%llx", uc_strerror(e),
                 (unsigned long long)sp->fault_addr);
        break;
    case UC_ERR_FETCH_UNMAPPED:
    case UC_ERR_FETCH_PROT:
    case UC_ERR_FETCH_UNALIGNED:
        out->why = "instruction fetch abort (jump to unmapped or non-executable memory)";
        snprintf(out->detail, sizeof(out->detail), "%s at address 0x%llx", uc_strerror(e),
                 (unsigned long long)sp->fault_addr);
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

void engine_run(struct spmc *s, struct ec *ec, struct exit_info *out)
{
    struct sp *sp = ec->sp;
    uc_err e;

    sp->trap_intno = UINT32_MAX;
    sp->fault_addr = 0;
    sp->shadow_valid = false; /* it runs: any register may change */
    s->stats.world_switches++;
    e = uc_emu_start(sp->uc, sp->pc, SPMC_UNTIL, 0, 0);
    if (sp->trap_intno != UINT32_MAX) {
        /* Read the call's registers with the PC now: most traps are FF-A calls. */
        regs_read_with_pc(sp, &out->regs);
        decode_trap(sp, sp->trap_intno, out);
        return;
    }
    uc_reg_read(sp->uc, UC_ARM64_REG_PC, &sp->pc);
    if (e != UC_ERR_OK) {
        describe_uc_error(sp, e, out);
        return;
    }
    /* Stopped by the block hook: which limit? The host's line wins (it is the NS interrupt). */
    if (__atomic_load_n(&s->ns_irq_line, __ATOMIC_ACQUIRE) ||
        (s->budget.blocks >= s->budget.preempt_at &&
         s->budget.preempt_at <= s->budget.watchdog_at)) {
        out->kind = EXIT_NS_IRQ;
        return;
    }
    if (s->budget.blocks >= s->budget.watchdog_at) {
        out->kind = EXIT_WATCHDOG;
        out->pc = sp->pc;
        return;
    }
    out->kind = EXIT_ME_POLL;
}

/* ---- SP memory for the SPMC: RX/TX buffers (sp_rxtx.c) ---- */

uint8_t *engine_sp_ram(struct sp *sp, uint64_t addr, uint64_t len)
{
    const struct elf_image *img = &sp->img;

    if (len == 0 || addr > UINT64_MAX - len)
        return NULL;
    if (addr >= img->lo && addr + len <= img->hi) {
        for (uint64_t pg = addr / SPMC_PAGE * SPMC_PAGE; pg < addr + len; pg += SPMC_PAGE) {
            if ((image_page_prot(img, pg) & UC_PROT_WRITE) == 0)
                return NULL;
        }
        return (uint8_t *)sp->image_mem + (addr - img->lo);
    }
    for (uint32_t i = 0; i < sp->mf.region_count; i++) {
        const struct sp_mem_region *r = &sp->mf.regions[i];

        if ((r->attributes & 2) != 0 && addr >= r->base &&
            addr + len <= r->base + (uint64_t)r->pages * SPMC_PAGE)
            return (uint8_t *)sp->region_mem[i] + (addr - r->base);
    }
    return NULL;
}

/*
 * The RX buffer is writable RAM (engine_sp_ram), so read-write is what it goes back to. Unicorn
 * flushes its TLB on uc_mem_protect(): a store translated earlier faults from now on
 * (tests/unicorn checks it).
 */
void engine_protect_rx(struct sp *sp, uint64_t addr, uint64_t len, bool read_only)
{
    uc_err e =
        uc_mem_protect(sp->uc, addr, len, read_only ? UC_PROT_READ : UC_PROT_READ | UC_PROT_WRITE);

    if (e != UC_ERR_OK)
        spmc_log(sp->spmc, FFA_UNICORN_LOG_ERROR, sp->mf.id,
                 "SP 0x%04x: cannot change the RX buffer's permissions at 0x%llx: %s", sp->mf.id,
                 (unsigned long long)addr, uc_strerror(e));
}
