/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_MEM_SHARE / LEND / DONATE to secure partitions through the mediator: the descriptor the
 * SPMC receives (its layout, physical addresses, merged and split ranges), the answers the VM
 * gets, FFA_MEM_RECLAIM, FFA_FEATURES, and every error the mediator decides itself.
 */
#include <stdlib.h>
#include <string.h>

#include "mem_support.h"

#define PAGE    4096u
#define RAM(n)  (TEST_RAM_IPA + (uint64_t)(n)*PAGE) /* guest page n */
#define HANDLE0 UINT64_C(0x1000)                    /* the model SPMC's first handle */
#define VM_B    0x0002u
#define SP3     0x8003u

static struct memfix *mf_of(void **state)
{
    return *state;
}

static int open_v10(void **state)
{
    return memfix_setup(state, FFA_VERSION_1_0, NULL, FW_MEM_WORLD);
}

static int open_v11(void **state)
{
    return memfix_setup(state, FFA_VERSION_1_1, NULL, FW_MEM_WORLD);
}

static int open_v12(void **state)
{
    return memfix_setup(state, FFA_VERSION_1_2, NULL, FW_MEM_WORLD);
}

static int close_fix(void **state)
{
    return memfix_teardown(state);
}

/* The SPMC's descriptor (FF-A v1.2 layout: 48-byte header, 32-byte EMADs at 48). */
static const uint8_t *fw_emad(const struct fwm_tx *t, uint32_t i)
{
    return t->desc + 48 + 32 * i;
}

static const uint8_t *fw_composite(const struct fwm_tx *t)
{
    return t->desc + tget(fw_emad(t, 0) + 4, 4);
}

static void assert_fw_range(const struct fwm_tx *t, uint32_t i, uint64_t pa, uint32_t pages)
{
    const uint8_t *c = fw_composite(t) + 16 + 16 * i;

    assert_true(fw_composite(t) + 16 + 16 * (i + 1) <= t->desc + t->len);
    assert_int_equal(tget(c, 8), pa);
    assert_int_equal(tget(c + 8, 4), pages);
    assert_int_equal(tget(c + 12, 4), 0);
}

static struct ffa_regs reclaim(struct fixture *f, struct ffa_vm *vm, uint64_t h, uint32_t flags)
{
    return th_do(f, vm, th_regs(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, flags, 0, 0, 0, 0));
}

/* ---- Success in every descriptor version ---- */

static void test_share_v1_2_reaches_the_spmc_with_physical_addresses(void **state)
{
    struct memfix *mf = mf_of(state);
    /* 2 pages + 1 page right after (contiguous IPA and PA: merged), then 3 pages elsewhere. */
    const struct ffa_mem_range ranges[] = {{RAM(100), 2}, {RAM(102), 1}, {RAM(200), 3}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 3);
    struct fwm_tx *t;
    struct ffa_regs r;

    d.tag = 0x1234;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);

    /* Linux accepts exactly FFA_SUCCESS_32 with the handle in w2/w3. */
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(success_handle(&r), HANDLE0);
    t = mem_fw_find(&mf->fw, HANDLE0);
    assert_non_null(t);
    assert_int_equal(t->fid, FFA_MEM_SHARE_64);
    assert_int_equal(t->frags, 1);
    assert_int_equal(t->len, 48 + 32 + 16 + 2 * 16);
    /* Header: sender = the VM, attributes, flags, handle 0, tag, EMAD size/count/offset. */
    assert_int_equal(tget(t->desc, 2), TEST_VM_ID);
    assert_int_equal(tget(t->desc + 2, 2), FFA_MEM_ATTR_NORMAL_WB_INNER);
    assert_int_equal(tget(t->desc + 4, 4), 0);
    assert_int_equal(tget(t->desc + 8, 8), 0);
    assert_int_equal(tget(t->desc + 16, 8), 0x1234);
    assert_int_equal(tget(t->desc + 24, 4), 32);
    assert_int_equal(tget(t->desc + 28, 4), 1);
    assert_int_equal(tget(t->desc + 32, 4), 48);
    /* The EMAD, the composite, the ranges merged where physically contiguous. */
    assert_int_equal(tget(fw_emad(t, 0), 2), TEST_SP_ID);
    assert_int_equal(fw_emad(t, 0)[2], FFA_MEM_PERM_RW);
    assert_int_equal(tget(fw_emad(t, 0) + 4, 4), 80);
    assert_int_equal(tget(fw_composite(t), 4), 6);
    assert_int_equal(tget(fw_composite(t) + 4, 4), 2);
    assert_fw_range(t, 0, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(100)), 3);
    assert_fw_range(t, 1, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(200)), 3);
    /* The host pinned them; SHARE leaves the VM its access. */
    assert_int_equal(mf->f->host.mem_pages_held, 6);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(201)), TH_PAGE_SHARED);

    r = reclaim(mf->f, mf->f->vm, HANDLE0, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(mf->fw.last_reclaim, HANDLE0);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

static void test_share_v1_1_is_rewritten_with_v1_2_emads(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(10), 4}};
    struct md d = md_share_to_sp(FFA_VERSION_1_1, ranges, 1);
    struct fwm_tx *t;
    struct ffa_regs r;

    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_32, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, success_handle(&r));
    assert_non_null(t);
    assert_int_equal(t->fid, FFA_MEM_SHARE_32);
    assert_int_equal(tget(t->desc + 24, 4), 32); /* the SPMC speaks v1.2 */
    assert_int_equal(tget(fw_emad(t, 0), 2), TEST_SP_ID);
    assert_fw_range(t, 0, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(10)), 4);
    assert_int_equal(reclaim(mf->f, mf->f->vm, success_handle(&r), 0).x[0], FFA_SUCCESS_32);
}

static void test_share_v1_0_header_is_translated(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(10), 1}, {RAM(12), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_0, ranges, 2);
    struct fwm_tx *t;
    struct ffa_regs r;

    d.tag = 7;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_32, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, success_handle(&r));
    assert_int_equal(tget(t->desc, 2), TEST_VM_ID);
    assert_int_equal(tget(t->desc + 2, 2), FFA_MEM_ATTR_NORMAL_WB_INNER);
    assert_int_equal(tget(t->desc + 16, 8), 7);
    assert_int_equal(tget(t->desc + 32, 4), 48);
    assert_int_equal(tget(fw_composite(t) + 4, 4), 2);
    assert_fw_range(t, 0, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(10)), 1);
    assert_fw_range(t, 1, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(12)), 1);
    assert_int_equal(reclaim(mf->f, mf->f->vm, success_handle(&r), 0).x[0], FFA_SUCCESS_32);
}

static void test_lend_takes_the_pages_until_reclaim(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(50), 2}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct ffa_regs r;

    d.attrs = 0; /* LEND to one borrower: the borrower chooses the type */
    d.flags = FFA_MEM_FLAG_ZERO;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_LEND_64, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(mem_fw_find(&mf->fw, HANDLE0)->fid, FFA_MEM_LEND_64);
    assert_int_equal(tget(mem_fw_find(&mf->fw, HANDLE0)->desc + 4, 4), FFA_MEM_FLAG_ZERO);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(51)), TH_PAGE_LENT);

    r = reclaim(mf->f, mf->f->vm, HANDLE0, FFA_MEM_FLAG_ZERO);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(mf->fw.last_reclaim_flags, FFA_MEM_FLAG_ZERO);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(51)), TH_PAGE_OWNED);
}

static void test_donate_with_unspecified_access(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(60), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct ffa_regs r;

    d.attrs = 0;
    d.emads[0].perms = 0;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_DONATE_32, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(60)), TH_PAGE_DONATED);
    /* Before any SP retrieved it, the donation can be reclaimed. */
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(60)), TH_PAGE_OWNED);
}

/* DONATE in the older layouts too: the version comes from the VM's negotiation. */
static void donate_in(struct memfix *mf, uint32_t version)
{
    const struct ffa_mem_range ranges[] = {{RAM(61), 2}};
    struct md d = md_share_to_sp(version, ranges, 1);
    struct fwm_tx *t;
    struct ffa_regs r;

    d.attrs = 0;
    d.emads[0].perms = 0;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_DONATE_32, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, success_handle(&r));
    assert_int_equal(t->fid, FFA_MEM_DONATE_32);
    assert_int_equal(tget(t->desc + 24, 4), 32);
    assert_int_equal(fw_emad(t, 0)[2], 0);
    assert_fw_range(t, 0, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(61)), 2);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(62)), TH_PAGE_DONATED);
    assert_int_equal(reclaim(mf->f, mf->f->vm, success_handle(&r), 0).x[0], FFA_SUCCESS_32);
}

static void test_donate_v1_0(void **state)
{
    donate_in(mf_of(state), FFA_VERSION_1_0);
}

static void test_donate_v1_1(void **state)
{
    donate_in(mf_of(state), FFA_VERSION_1_1);
}

/* A v1.0 caller's fragment is at most 4 KiB (Hafnium), whatever its TX buffer. */
static void test_v1_0_fragment_over_4k_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct ffa_regs r;

    assert_int_equal(th_do(mf->f, mf->f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0)).x[0],
                     FFA_SUCCESS_32);
    th_map_buffers(mf->f, mf->f->vm, 2);
    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_32, 8192, 4112, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(mf->fw.calls, 0);
}

static void test_retrieved_donation_is_forgotten_without_giving_pages_back(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(60), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct ffa_regs r;

    d.attrs = 0;
    d.emads[0].perms = 0;
    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_DONATE_64, &d, 0).x[0], FFA_SUCCESS_32);
    /* The SP retrieved it: the SPMC no longer knows the handle. */
    mf->fw.reclaim_code = FFA_RET_INVALID_PARAMETERS;
    r = reclaim(mf->f, mf->f->vm, HANDLE0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(60)), TH_PAGE_DONATED);
    /* The mediator forgot it: no second reclaim reaches the SPMC. */
    mf->fw.reclaims = 0;
    r = reclaim(mf->f, mf->f->vm, HANDLE0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(mf->fw.reclaims, 0);
    /* The page is the SP's: the host keeps it pinned (test bookkeeping: give it back by hand). */
    mf->f->host.mem_pages_held--;
    mf->f->host.guests[0].page_state[60] = TH_PAGE_OWNED;
}

static void test_several_sp_borrowers(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(70), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct fwm_tx *t;

    d.n_emads = 3;
    d.emads[1] = (struct md_emad){.id = TEST_SP2_ID, .perms = FFA_MEM_PERM_RO};
    d.emads[2] = (struct md_emad){.id = SP3, .perms = FFA_MEM_PERM_RW};
    d.emads[2].impdef[3] = 0x5a;
    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, HANDLE0);
    assert_int_equal(tget(t->desc + 28, 4), 3);
    assert_int_equal(tget(fw_emad(t, 1), 2), TEST_SP2_ID);
    assert_int_equal(fw_emad(t, 1)[2], FFA_MEM_PERM_RO);
    assert_int_equal(fw_emad(t, 2)[8 + 3], 0x5a); /* the implementation-defined value travels */
    assert_int_equal(tget(fw_emad(t, 2) + 4, 4), 48 + 3 * 32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
}

/* pKVM's 2026 fix class: the EMAD offset is honoured, not assumed to be 48. */
static void test_emad_offset_is_honoured_not_assumed(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(80), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    static uint8_t buf[4096];
    uint32_t len;
    struct ffa_regs r;
    struct fwm_tx *t;

    d.emad_offset = 64; /* a 16-byte gap after the header */
    len = md_build(&d, buf, sizeof(buf));
    /* A decoy EMAD at 48 naming another SP with other rights: whoever reads 48 is fooled. */
    tput(buf + 48, TEST_SP2_ID, 2);
    buf[50] = FFA_MEM_PERM_RO;
    /* ...but the gap is not reserved-MBZ in the header: it must be ignored. */
    put_tx(mf->f, TEST_VM_ID, buf, len);
    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, len, len, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, HANDLE0);
    assert_int_equal(tget(fw_emad(t, 0), 2), TEST_SP_ID);
    assert_int_equal(fw_emad(t, 0)[2], FFA_MEM_PERM_RW);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
}

static void test_emad_offset_past_the_fragment_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range ranges[] = {{RAM(80), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    static uint8_t buf[4096];
    uint32_t len = md_build(&d, buf, sizeof(buf));
    struct ffa_regs r;

    tput(buf + 32, 0xfff0, 4);
    put_tx(mf->f, TEST_VM_ID, buf, len);
    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, len, len, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(mf->fw.calls, 0);
    assert_int_equal(mf->f->host.mem_acquires, 0);
}

/* ---- Errors the mediator decides (Hafnium api_ffa_mem_send, ffa_memory_send_validate) ---- */

/* Send `d` after `mutate` changed its bytes; expect `code`, nothing forwarded or held. */
static void expect_refused(struct memfix *mf, uint32_t fid, const struct md *d,
                           void (*mutate)(uint8_t *buf, uint32_t *len), int32_t code)
{
    static uint8_t buf[8192];
    uint32_t len = md_build(d, buf, sizeof(buf));
    struct ffa_regs r;

    if (mutate != NULL)
        mutate(buf, &len);
    put_tx(mf->f, TEST_VM_ID, buf, len);
    r = th_do(mf->f, mf->f->vm, th_regs(fid, len, len, 0, 0, 0, 0, 0));
    th_assert_error(&r, code);
    assert_int_equal(mf->fw.calls, 0);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

static const struct ffa_mem_range one_page[] = {{TEST_RAM_IPA + 30 * 4096, 1}};

static void test_caller_supplied_buffer_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct ffa_regs r;

    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, 96, 96, RAM(5), 1, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, 96, 96, 0, 1, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_fragment_longer_than_total_or_tx_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct ffa_regs r;

    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, 96, 112, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, 8192, 8192, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS); /* the TX buffer is one page */
}

static void test_no_tx_buffer_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct ffa_regs r;

    assert_int_equal(th_do(mf->f, mf->f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0)).x[0],
                     FFA_SUCCESS_32);
    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, 96, 96, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    th_map_buffers(mf->f, mf->f->vm, 1);
}

static void test_sender_other_than_caller_is_denied(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.sender = VM_B;
    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, NULL, FFA_RET_DENIED);
}

static void mut_reserved_header(uint8_t *buf, uint32_t *len)
{
    (void)len;
    buf[40] = 1;
}

static void test_reserved_header_field_is_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, mut_reserved_header,
                   FFA_RET_INVALID_PARAMETERS);
}

static void test_v1_2_emads_from_a_v1_1_caller_are_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_1, one_page, 1);

    d.emad_size = 32;
    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_v1_1_emads_from_a_v1_2_caller_are_accepted(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_regs r;

    d.emad_size = 16; /* Hafnium: a v1.1 EMAD is compatible with a v1.2 caller */
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
}

static void test_bad_emad_geometry_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.emad_size = 24; /* neither 16 nor 32 */
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.emad_size = 0;
    d.emad_offset = 40; /* inside the header */
    d.composite_offset = 80;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.emad_offset = 56; /* not 16-byte aligned */
    d.composite_offset = 96;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_no_borrower_is_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.n_emads = 0;
    d.composite_offset = 48;
    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void mut_emad_reserved(uint8_t *buf, uint32_t *len)
{
    (void)len;
    buf[48 + 24] = 1; /* the reserved u64 of a 32-byte EMAD */
}

static void test_emad_reserved_field_is_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, mut_emad_reserved,
                   FFA_RET_INVALID_PARAMETERS);
}

static void test_bad_composite_offset_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.composite_offset = 64; /* inside the EMAD */
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.composite_offset = 88; /* not 16-byte aligned */
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void mut_composite_zero(uint8_t *buf, uint32_t *len)
{
    (void)len;
    tput(buf + 48 + 4, 0, 4);
}

static void test_composite_offset_zero_is_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, mut_composite_zero,
                   FFA_RET_INVALID_PARAMETERS);
}

static void mut_second_composite_differs(uint8_t *buf, uint32_t *len)
{
    (void)len;
    tput(buf + 48 + 32 + 4, 128, 4);
}

static void test_composite_offsets_that_differ_are_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.n_emads = 2;
    d.emads[1] = (struct md_emad){.id = TEST_SP2_ID, .perms = FFA_MEM_PERM_RW};
    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, mut_second_composite_differs,
                   FFA_RET_INVALID_PARAMETERS);
}

static void mut_range_count_off_by_one(uint8_t *buf, uint32_t *len)
{
    (void)len;
    tput(buf + 96 + 4, 2, 4);
}

static void mut_length_not_16(uint8_t *buf, uint32_t *len)
{
    (void)buf;
    *len -= 8;
}

static void test_lengths_inconsistent_with_the_composite_are_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    expect_refused(mf, FFA_MEM_SHARE_64, &d, mut_range_count_off_by_one,
                   FFA_RET_INVALID_PARAMETERS);
    expect_refused(mf, FFA_MEM_SHARE_64, &d, mut_length_not_16, FFA_RET_INVALID_PARAMETERS);
}

static void test_page_total_that_does_not_add_up_is_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.page_count = 2;
    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_share_with_zero_flag_or_time_slicing_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.flags = FFA_MEM_FLAG_ZERO;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.flags = FFA_MEM_FLAG_TIME_SLICE;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_donate_to_two_borrowers_is_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.attrs = 0;
    d.n_emads = 2;
    d.emads[0].perms = 0;
    d.emads[1] = (struct md_emad){.id = TEST_SP2_ID};
    expect_refused(mf_of(state), FFA_MEM_DONATE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_borrower_equal_to_sender_or_twice_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.emads[0].id = TEST_VM_ID;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.emads[0].id = TEST_SP_ID;
    d.n_emads = 2;
    d.emads[1] = d.emads[0];
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_permissions_a_sender_may_not_give_are_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.emads[0].perms = FFA_MEM_PERM_DATA_RESERVED;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.emads[0].perms = FFA_MEM_PERM_RW | FFA_MEM_PERM_X; /* instruction access is the borrower's */
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.emads[0].perms = 0; /* SHARE without data access */
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.emads[0].perms = FFA_MEM_PERM_RW | 0x10; /* bits [7:4] */
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.attrs = 0;
    d.emads[0].perms = FFA_MEM_PERM_RW; /* DONATE with data access */
    expect_refused(mf, FFA_MEM_DONATE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_attributes_follow_hafnium(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.attrs = FFA_MEM_ATTR_NORMAL_WB_INNER | FFA_MEM_ATTR_NS;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d.attrs = FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_CACHE_NC | FFA_MEM_ATTR_SHARE_INNER;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_DENIED);
    d.attrs = FFA_MEM_ATTR_TYPE_NORMAL | FFA_MEM_ATTR_CACHE_WB | FFA_MEM_ATTR_SHARE_OUTER;
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_DENIED);
    d.attrs = FFA_MEM_ATTR_NORMAL_WB_INNER; /* LEND to one borrower: the type is its choice */
    expect_refused(mf, FFA_MEM_LEND_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_unaligned_or_empty_constituent_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range odd[] = {{RAM(30) + 0x800, 1}};
    const struct ffa_mem_range empty[] = {{RAM(30), 0}, {RAM(31), 1}};
    const struct ffa_mem_range wrap[] = {{UINT64_C(0xfffffffffffff000), 2}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, odd, 1);

    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d = md_share_to_sp(FFA_VERSION_1_2, empty, 2);
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d = md_share_to_sp(FFA_VERSION_1_2, wrap, 1);
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

static void test_memory_the_host_refuses_is_not_sent(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range outside[] = {{UINT64_C(0x40000000), 1}};
    const struct ffa_mem_range read_only[] = {{TEST_RO_IPA, 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, outside, 1);

    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    d = md_share_to_sp(FFA_VERSION_1_2, read_only, 1); /* RW asked of read-only memory */
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_DENIED);
    d.emads[0].perms = FFA_MEM_PERM_RO; /* read-only is fine */
    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
}

static void test_memory_already_shared_is_denied_and_the_rest_released(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range first[] = {{RAM(40), 1}};
    const struct ffa_mem_range overlap[] = {{RAM(38), 2}, {RAM(40), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, first, 1);
    struct ffa_regs r;

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    d = md_share_to_sp(FFA_VERSION_1_2, overlap, 2);
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    /* Pages 38 and 39 were taken first: given back. Page 40 stays with the first share. */
    assert_int_equal(mf->f->host.mem_pages_held, 1);
    assert_int_equal(th_page_state(&mf->f->host, TEST_VM_ID, RAM(38)), TH_PAGE_OWNED);
    assert_int_equal(mf->fw.ntx, 1);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
}

static void test_vm_borrower_without_vm_to_vm_is_invalid(void **state)
{
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    d.emads[0].id = VM_B;
    expect_refused(mf_of(state), FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
}

/* ---- Limits ---- */

static int open_small_limits(void **state)
{
    struct ffa_mediator_config cfg = {
        .mem_max_shares = 2, .mem_max_pages = 4, .mem_max_borrowers = 2};

    return memfix_setup(state, FFA_VERSION_1_2, &cfg, FW_MEM_WORLD);
}

static void test_limits_are_no_memory_or_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    const struct ffa_mem_range five[] = {{RAM(10), 5}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, five, 1);
    struct ffa_regs r;

    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_NO_MEMORY); /* 5 pages > 4 */
    d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    d.n_emads = 3;
    d.emads[1] = (struct md_emad){.id = TEST_SP2_ID, .perms = FFA_MEM_PERM_RW};
    d.emads[2] = (struct md_emad){.id = SP3, .perms = FFA_MEM_PERM_RW};
    expect_refused(mf, FFA_MEM_SHARE_64, &d, NULL, FFA_RET_INVALID_PARAMETERS);
    for (int i = 0; i < 2; i++) {
        const struct ffa_mem_range page[] = {{RAM(20 + i), 1}};

        d = md_share_to_sp(FFA_VERSION_1_2, page, 1);
        assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    }
    d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    th_assert_error(&r, FFA_RET_NO_MEMORY); /* a third live share */
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
    /* One reclaimed: room again. */
    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0 + 1, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0 + 2, 0).x[0], FFA_SUCCESS_32);
}

static void test_4096_live_handles_per_vm(void **state)
{
    struct memfix *mf = mf_of(state);

    mf->fw.next_handle = 1;
    for (uint32_t i = 0; i < 4096; i++) {
        const struct ffa_mem_range page[] = {{RAM(32 + i), 1}};
        struct md d = md_share_to_sp(FFA_VERSION_1_2, page, 1);
        struct ffa_regs r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);

        assert_int_equal(r.x[0], FFA_SUCCESS_32);
        /* The model keeps only FWM_MAX_TX descriptors: recycle its slots. */
        mem_fw_free(&mf->fw);
        mf->fw.next_handle++;
    }
    assert_int_equal(mf->f->host.mem_pages_held, 4096);
    /* Every handle is the VM's and is found (the model forgot them: it accepts any reclaim). */
    mf->fw.reclaim_any = 1;
    for (uint32_t i = 4096; i > 0; i--)
        assert_int_equal(reclaim(mf->f, mf->f->vm, i, 0).x[0], FFA_SUCCESS_32);
    mf->fw.ntx = 0;
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

/* ---- FFA_MEM_RECLAIM ---- */

static void test_reclaim_of_an_unknown_handle_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct ffa_regs r = reclaim(mf->f, mf->f->vm, 0x777, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(mf->fw.reclaims, 0);
}

static void test_reclaim_flags_other_than_zero_are_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_regs r;

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    r = reclaim(mf->f, mf->f->vm, HANDLE0, FFA_MEM_FLAG_TIME_SLICE);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
}

static void test_reclaim_denied_by_the_spmc_keeps_the_share(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_regs r;

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    mf->fw.reclaim_code = FFA_RET_DENIED; /* an SP still has it */
    r = reclaim(mf->f, mf->f->vm, HANDLE0, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(mf->f->host.mem_pages_held, 1);
    mf->fw.reclaim_code = 0;
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

/* pKVM's "reclaim bounds" class: the SPMC's answer never decides which pages come back. */
static void test_garbage_reclaim_answer_keeps_the_pages(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_regs r;

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    mf->fw.reclaim_garbage = 1;
    r = reclaim(mf->f, mf->f->vm, HANDLE0, 0);
    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(mf->f->host.mem_pages_held, 1);
    mf->fw.reclaim_garbage = 0;
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(mf->f->host.mem_releases, 1); /* exactly the one piece acquired */
}

/* ---- Handles belong to their lender ---- */

static void test_another_vms_reclaim_is_invalid(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_vm *b = th_add_vm(mf->f, VM_B, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    r = reclaim(mf->f, b, HANDLE0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(mf->fw.reclaims, 0); /* the SPMC never heard of it */
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0, 0).x[0], FFA_SUCCESS_32);
}

/* ---- Removing a VM reclaims what it shared ---- */

static void test_removed_vm_shares_are_reclaimed(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(ffa_vm_remove(mf->f->m, mf->f->vm), 0);
    mf->f->vm = NULL;
    assert_int_equal(mf->fw.reclaims, 1);
    assert_int_equal(mf->fw.last_reclaim, HANDLE0);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

static unsigned gone_events(const struct fixture *f, uint16_t vm)
{
    unsigned n = 0;

    for (unsigned i = 0; i < f->host.notifies && i < TEST_MAX_EVENTS; i++)
        n += f->host.events[i].event == FFA_HOST_EVENT_VM_GONE && f->host.events[i].vm == vm;
    return n;
}

/*
 * An SP still holds the memory when its lender goes away: the SPMC refuses the reclaim, the pages
 * stay pinned (never given back to a VM the SP could spy on through them) and the VM is not gone;
 * ffa_mediator_poll() tries again, and once the SP relinquished it the pages go back and the VM
 * is gone.
 */
static void test_removed_vm_share_an_sp_still_holds_is_reclaimed_once_relinquished(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    mf->fw.reclaim_code = FFA_RET_DENIED;
    assert_int_equal(ffa_vm_remove(mf->f->m, mf->f->vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(mf->fw.reclaims, 1);
    assert_int_equal(mf->f->host.mem_pages_held, 1);
    assert_int_equal(mf->f->host.mem_releases, 0);
    assert_int_equal(gone_events(mf->f, TEST_VM_ID), 0);
    assert_int_equal(ffa_mediator_poll(mf->f->m), FFA_LIFECYCLE_PENDING); /* still held */
    assert_int_equal(mf->fw.reclaims, 2);
    assert_int_equal(mf->f->host.mem_pages_held, 1);
    mf->fw.reclaim_code = 0; /* the SP relinquished it */
    assert_int_equal(ffa_mediator_poll(mf->f->m), 0);
    mf->f->vm = NULL;
    assert_int_equal(mf->fw.reclaims, 3);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
    assert_int_equal(mf->f->host.mem_releases, 1);
    assert_int_equal(gone_events(mf->f, TEST_VM_ID), 1);
}

/* Still held when the mediator is destroyed: the pages stay pinned for good, the VM not reported.
 */
static void test_share_an_sp_still_holds_at_mediator_destroy_stays_pinned(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    mf->fw.reclaim_code = FFA_RET_DENIED;
    assert_int_equal(ffa_vm_remove(mf->f->m, mf->f->vm), FFA_LIFECYCLE_PENDING);
    if (mf->f->own_buffers)
        th_expect(mf->f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0),
                  th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    ffa_mediator_destroy(mf->f->m);
    mf->f->m = NULL;
    mf->f->vm = NULL;
    mf->f->own_buffers = 0;
    assert_int_equal(mf->fw.reclaims, 2);
    assert_int_equal(mf->f->host.mem_pages_held, 1);
    assert_int_equal(mf->f->host.mem_releases, 0);
    /* The test host's own bookkeeping: the page is the SP's, not leaked by the test. */
    mf->f->host.mem_pages_held = 0;
}

/* ---- FFA_FEATURES ---- */

static uint64_t features(struct fixture *f, uint32_t fid)
{
    struct ffa_regs r = th_do(f, f->vm, th_regs(FFA_FEATURES, fid, 0, 0, 0, 0, 0, 0));

    return r.x[0] == FFA_SUCCESS_32 ? r.x[2] : UINT64_MAX;
}

static void test_features_report_what_the_spmc_has(void **state)
{
    struct memfix *mf = mf_of(state);

    assert_int_equal(features(mf->f, FFA_MEM_SHARE_64), 0); /* no dynamic buffers */
    assert_int_equal(features(mf->f, FFA_MEM_LEND_32), 0);
    assert_int_equal(features(mf->f, FFA_MEM_DONATE_64), 0);
    assert_int_equal(features(mf->f, FFA_MEM_RECLAIM), 0);
    assert_int_equal(features(mf->f, FFA_MEM_FRAG_TX), 0);
    /* Retrieving is for VM-to-VM sharing, which is off. */
    assert_int_equal(features(mf->f, FFA_MEM_RETRIEVE_REQ_64), UINT64_MAX);
    assert_int_equal(features(mf->f, FFA_MEM_RELINQUISH), UINT64_MAX);
    assert_int_equal(features(mf->f, FFA_MEM_FRAG_RX), UINT64_MAX);
}

static int open_fw_share_only(void **state)
{
    return memfix_setup(state, FFA_VERSION_1_2, NULL,
                        FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_RELEASE |
                            FW_MEM_SHARE_64 | FW_MEM_RECLAIM);
}

static void test_features_and_calls_without_spmc_support_are_not_supported(void **state)
{
    struct memfix *mf = mf_of(state);
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_regs r;

    assert_int_equal(features(mf->f, FFA_MEM_SHARE_64), 0);
    assert_int_equal(features(mf->f, FFA_MEM_SHARE_32), UINT64_MAX);
    assert_int_equal(features(mf->f, FFA_MEM_LEND_64), UINT64_MAX);
    r = md_send(mf->f, mf->f->vm, FFA_MEM_LEND_64, &d, 0);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static int open_without_mem_callbacks(void **state)
{
    struct th_opts o = {.fw_abis = FW_MEM_WORLD, .vm_version = FFA_VERSION_1_2, .full_host = 1};

    return th_setup(state, &o);
}

static void test_without_host_mem_callbacks_every_memory_abi_is_not_supported(void **state)
{
    struct fixture *f = *state;
    const uint32_t fids[] = {FFA_MEM_SHARE_64,   FFA_MEM_LEND_32,        FFA_MEM_DONATE_64,
                             FFA_MEM_RECLAIM,    FFA_MEM_FRAG_TX,        FFA_MEM_FRAG_RX,
                             FFA_MEM_RELINQUISH, FFA_MEM_RETRIEVE_REQ_64};

    for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
        struct ffa_regs r;

        assert_int_equal(features(f, fids[i]), UINT64_MAX);
        r = th_do(f, f->vm, th_regs(fids[i], 0, 0, 0, 0, 0, 0, 0));
        th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    }
}

static void test_aarch32_vm_has_no_64_bit_memory_abis(void **state)
{
    struct memfix *mf = mf_of(state);
    struct ffa_vm *vm32;
    struct ffa_regs r;

    assert_int_equal(ffa_vm_add(mf->f->m, 3, 1, FFA_VM_AARCH32, &vm32), 0);
    r = th_do(mf->f, vm32, th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0));
    r = th_do(mf->f, vm32, th_regs(FFA_FEATURES, FFA_MEM_SHARE_64, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_do(mf->f, vm32, th_regs(FFA_FEATURES, FFA_MEM_SHARE_32, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

int main(void)
{
#define T(name, open) cmocka_unit_test_setup_teardown(name, open, close_fix)
    const struct CMUnitTest tests[] = {
        T(test_share_v1_2_reaches_the_spmc_with_physical_addresses, open_v12),
        T(test_share_v1_1_is_rewritten_with_v1_2_emads, open_v11),
        T(test_share_v1_0_header_is_translated, open_v10),
        T(test_lend_takes_the_pages_until_reclaim, open_v12),
        T(test_donate_with_unspecified_access, open_v12),
        T(test_donate_v1_0, open_v10),
        T(test_donate_v1_1, open_v11),
        T(test_v1_0_fragment_over_4k_is_invalid, open_v10),
        T(test_retrieved_donation_is_forgotten_without_giving_pages_back, open_v12),
        T(test_several_sp_borrowers, open_v12),
        T(test_emad_offset_is_honoured_not_assumed, open_v12),
        T(test_emad_offset_past_the_fragment_is_invalid, open_v12),
        T(test_caller_supplied_buffer_is_invalid, open_v12),
        T(test_fragment_longer_than_total_or_tx_is_invalid, open_v12),
        T(test_no_tx_buffer_is_invalid, open_v12),
        T(test_sender_other_than_caller_is_denied, open_v12),
        T(test_reserved_header_field_is_invalid, open_v12),
        T(test_v1_2_emads_from_a_v1_1_caller_are_invalid, open_v11),
        T(test_v1_1_emads_from_a_v1_2_caller_are_accepted, open_v12),
        T(test_bad_emad_geometry_is_invalid, open_v12),
        T(test_no_borrower_is_invalid, open_v12),
        T(test_emad_reserved_field_is_invalid, open_v12),
        T(test_bad_composite_offset_is_invalid, open_v12),
        T(test_composite_offset_zero_is_invalid, open_v12),
        T(test_composite_offsets_that_differ_are_invalid, open_v12),
        T(test_lengths_inconsistent_with_the_composite_are_invalid, open_v12),
        T(test_page_total_that_does_not_add_up_is_invalid, open_v12),
        T(test_share_with_zero_flag_or_time_slicing_is_invalid, open_v12),
        T(test_donate_to_two_borrowers_is_invalid, open_v12),
        T(test_borrower_equal_to_sender_or_twice_is_invalid, open_v12),
        T(test_permissions_a_sender_may_not_give_are_invalid, open_v12),
        T(test_attributes_follow_hafnium, open_v12),
        T(test_unaligned_or_empty_constituent_is_invalid, open_v12),
        T(test_memory_the_host_refuses_is_not_sent, open_v12),
        T(test_memory_already_shared_is_denied_and_the_rest_released, open_v12),
        T(test_vm_borrower_without_vm_to_vm_is_invalid, open_v12),
        T(test_limits_are_no_memory_or_invalid, open_small_limits),
        T(test_4096_live_handles_per_vm, open_v12),
        T(test_reclaim_of_an_unknown_handle_is_invalid, open_v12),
        T(test_reclaim_flags_other_than_zero_are_invalid, open_v12),
        T(test_reclaim_denied_by_the_spmc_keeps_the_share, open_v12),
        T(test_garbage_reclaim_answer_keeps_the_pages, open_v12),
        T(test_another_vms_reclaim_is_invalid, open_v12),
        T(test_removed_vm_shares_are_reclaimed, open_v12),
        T(test_removed_vm_share_an_sp_still_holds_is_reclaimed_once_relinquished, open_v12),
        T(test_share_an_sp_still_holds_at_mediator_destroy_stays_pinned, open_v12),
        T(test_features_report_what_the_spmc_has, open_v12),
        T(test_features_and_calls_without_spmc_support_are_not_supported, open_fw_share_only),
        T(test_aarch32_vm_has_no_64_bit_memory_abis, open_v12),
        cmocka_unit_test_setup_teardown(
            test_without_host_mem_callbacks_every_memory_abi_is_not_supported,
            open_without_mem_callbacks, th_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
