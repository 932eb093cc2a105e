/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmu (S-EL1, SMC conduit): a partition that runs with its stage-1 MMU and caches on, as most
 * real S-EL1 partitions do (TF-A's xlat_tables library, Hafnium's and Trusted Services' SPs).
 *
 * At init it builds identity page tables in its .bss (4 KiB granule, 39-bit virtual addresses, a
 * walk that starts at level 1): its code read-only and executable, its read-only data read-only,
 * its data, .bss and stack read-write and never executable, the SPMC's boot-info window
 * read-only. Then MAIR_EL1, TCR_EL1 and TTBR0_EL1, and SCTLR_EL1.M, .C and .I on. TCR_EL1.TG1 is
 * left 0, with TTBR1 walks disabled (EPD1), as TF-A's xlat_tables library leaves it for a
 * partition that has no upper address range.
 *
 * Identity, because Unicorn 2.0.1 looks an access up in its own memory map by virtual address
 * before translating it (unicorn-engine/unicorn issue #1718): a partition's virtual addresses must
 * equal physical ones. The tables still decide what is mapped and with which permissions, which
 * SP_MMU_CMD_STATUS shows with AT (address translation) instructions.
 *
 * Requests: SP_MMU_CMD_STATUS and SP_CMD_COMPUTE (sp_protocol.h).
 *
 * Built a second time with SP_MP (mmu-mp): an MP partition whose primary context also registers
 * the secondary entry (common/secondary.S); each other context, started on its own PE, turns its
 * own MMU and caches on with the tables the primary built (every context has its own system
 * registers, the tables are shared memory).
 */
#include "sp_ffa.h"

#define PAGE 4096u

/* Descriptor bits (Arm ARM, VMSAv8-64 stage 1, 4 KiB granule). */
#define DESC_TABLE  3u         /* levels 0..2: next-level table */
#define DESC_BLOCK  1u         /* levels 1..2: block */
#define DESC_PAGE   3u         /* level 3: page */
#define ATTR_NORMAL (0u << 2)  /* AttrIndx 0: MAIR attr0 */
#define AP_RO       (2u << 6)  /* AP[2:1] = 10: read-only at EL1 */
#define SH_INNER    (3u << 8)  /* inner shareable */
#define AF          (1u << 10) /* access flag */
#define PXN         (1ull << 53)
#define UXN         (1ull << 54)

#define MAIR_VALUE 0xffull /* attr0: Normal, inner/outer write-back, read/write-allocate */
/* T0SZ 25 (39-bit), IRGN0/ORGN0 write-back, SH0 inner shareable, TG0 4 KiB, EPD1, IPS 32-bit. */
#define TCR_VALUE (25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23)
#define SCTLR_M   (1ull << 0)
#define SCTLR_C   (1ull << 2)
#define SCTLR_I   (1ull << 12)

#define GIB          0x40000000ull
#define TWO_MIB      0x200000ull
#define WINDOW_BLOCK 0xffe00000ull /* the 2 MiB block holding the SPMC window (0xfff00000) */

extern uint8_t __image_start[], __rodata_start[], __data_start[], __image_end[];

static uint64_t l1[512] __attribute__((aligned(PAGE)));
static uint64_t l2_low[512] __attribute__((aligned(PAGE)));   /* 0 .. 1 GiB */
static uint64_t l3_image[512] __attribute__((aligned(PAGE))); /* the image's 2 MiB */
static uint64_t l2_top[512] __attribute__((aligned(PAGE)));   /* 3 .. 4 GiB: the SPMC window */
static volatile uint32_t scratch[64];

/* Read-only data, read through the MMU by SP_MMU_CMD_STATUS. */
static const uint32_t table[8] = {3, 1, 4, 1, 5, 9, 2, 6};

static uint64_t page_attrs(uintptr_t va)
{
    if (va < (uintptr_t)__rodata_start)
        return AP_RO | UXN; /* code */
    if (va < (uintptr_t)__data_start)
        return AP_RO | PXN | UXN; /* read-only data */
    return PXN | UXN;             /* data, .bss, stack */
}

static void build_tables(void)
{
    uintptr_t image = (uintptr_t)__image_start;
    uintptr_t base = image & ~(uintptr_t)(TWO_MIB - 1);

    for (uintptr_t va = image; va < (uintptr_t)__image_end; va += PAGE)
        l3_image[(va - base) / PAGE] =
            va | page_attrs(va) | ATTR_NORMAL | SH_INNER | AF | DESC_PAGE;
    l2_low[base / TWO_MIB] = (uintptr_t)l3_image | DESC_TABLE;
    l1[0] = (uintptr_t)l2_low | DESC_TABLE;

    l2_top[(WINDOW_BLOCK - 3 * GIB) / TWO_MIB] =
        WINDOW_BLOCK | AP_RO | PXN | UXN | ATTR_NORMAL | SH_INNER | AF | DESC_BLOCK;
    l1[3] = (uintptr_t)l2_top | DESC_TABLE;
}

static void mmu_on(void)
{
    uint64_t sctlr;

    __asm__ volatile("msr mair_el1, %0\n"
                     "msr tcr_el1, %1\n"
                     "msr ttbr0_el1, %2\n"
                     "dsb ish\n"
                     "tlbi vmalle1\n"
                     "dsb ish\n"
                     "isb\n"
                     :
                     : "r"(MAIR_VALUE), "r"(TCR_VALUE), "r"((uintptr_t)l1)
                     : "memory");
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
    __asm__ volatile("msr sctlr_el1, %0\n"
                     "isb\n"
                     :
                     : "r"(sctlr)
                     : "memory");
}

void sp_init(void)
{
    build_tables();
    mmu_on();
    sp_puts("mmu: stage-1 MMU and caches on\n");
#ifdef SP_MP
    struct ffa_args a;

    sp_register_secondary_ep(&a);
    if ((uint32_t)a.x[0] != FFA_SUCCESS_32)
        sp_put_hex("mmu: FFA_SECONDARY_EP_REGISTER failed: ", a.x[2]);
#endif
}

#ifdef SP_MP
void sp_secondary_init(uint64_t index, uint64_t x0)
{
    (void)x0;
    mmu_on();
    sp_put_hex("mmu: stage-1 MMU and caches on, PE ", index);
}
#endif

static uint64_t sctlr_mci(void)
{
    uint64_t sctlr;

    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    return sctlr & (SCTLR_M | SCTLR_C | SCTLR_I);
}

/* PAR_EL1 after AT S1E1R (write = 0) or AT S1E1W (write = 1) of `va`. */
static uint64_t translate(uintptr_t va, int write)
{
    uint64_t par;

    if (write)
        __asm__ volatile("at s1e1w, %0" : : "r"(va));
    else
        __asm__ volatile("at s1e1r, %0" : : "r"(va));
    __asm__ volatile("isb\n"
                     "mrs %0, par_el1"
                     : "=r"(par));
    return par;
}

#define PAR_F       1ull                  /* the walk faulted */
#define PAR_PA_MASK 0x0000fffffffff000ull /* PA[47:12] when it did not */

/* Which of the checks SP_MMU_CMD_STATUS reports hold (sp_protocol.h). */
static uint32_t translation_checks(void)
{
    uintptr_t data = (uintptr_t)scratch & ~(uintptr_t)(PAGE - 1);
    uint64_t par_data = translate(data, 0);
    uint32_t ok = 0;

    if (translate(SP_MMU_UNMAPPED_VA, 0) & PAR_F)
        ok |= SP_MMU_CHECK_UNMAPPED;
    if (translate((uintptr_t)__image_start, 1) & PAR_F)
        ok |= SP_MMU_CHECK_RO_CODE;
    if (!(par_data & PAR_F) && (par_data & PAR_PA_MASK) == data)
        ok |= SP_MMU_CHECK_IDENTITY;
    return ok;
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t n = (uint32_t)req->x[4], acc = 0, i;

    switch ((uint32_t)req->x[3]) {
    case SP_MMU_CMD_STATUS:
        for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
            acc = acc * 10u + table[i];
        scratch[n % 64] = n;
        resp_for(resp, req, sctlr_mci(), translation_checks(), acc, scratch[n % 64], 0);
        return;
    case SP_CMD_COMPUTE:
        /* The worker's checksum; a store now and then keeps the data side busy too. */
        for (i = 0; i < n; i++) {
            acc = acc * 31u + i;
            if ((i & 0xfffu) == 0)
                scratch[(i >> 12) % 64] = acc;
        }
        resp_for(resp, req, acc, i, 0, 0, 0);
        return;
    default:
        resp_for(resp, req, 0xBADC0DE, 0, 0, 0, 0);
        return;
    }
}
