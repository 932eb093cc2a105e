/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory transactions in fragments, in both directions and across version translation; rollback
 * after a failure at each step; the Linux arm_ffa driver's MEM_SHARE and MEM_LEND descriptors
 * replayed byte for byte (drivers/firmware/arm_ffa/driver.c ffa_setup_and_transmit); and the
 * copy-once rule against a vCPU that rewrites the descriptor while the mediator reads it.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem_support.h"

#define PAGE    4096u
#define RAM(n)  (TEST_RAM_IPA + (uint64_t)(n)*PAGE)
#define HANDLE0 UINT64_C(0x1000)
#define VM_B    0x0002u

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

static struct ffa_regs frag_tx(struct fixture *f, struct ffa_vm *vm, uint64_t h, uint32_t len,
                               uint32_t w4)
{
    return th_do(f, vm, th_regs(FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len, w4, 0, 0, 0));
}

static struct ffa_regs reclaim(struct fixture *f, struct ffa_vm *vm, uint64_t h)
{
    return th_do(f, vm, th_regs(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0));
}

/* Constituent i of the SPMC's descriptor (v1.2 layout, `emads` EMADs). */
static void fw_range(const struct fwm_tx *t, uint32_t emads, uint32_t i, uint64_t *pa,
                     uint32_t *pages)
{
    const uint8_t *c = t->desc + 48 + 32 * emads + 16 + 16 * i;

    assert_true(c + 16 <= t->desc + t->len);
    *pa = tget(c, 8);
    *pages = (uint32_t)tget(c + 8, 4);
}

static uint32_t fw_range_count(const struct fwm_tx *t, uint32_t emads)
{
    return (uint32_t)tget(t->desc + 48 + 32 * emads + 4, 4);
}

/* A fragmented send: the first `first` bytes, then FRAG_TX chunks of `chunk` bytes. */
static struct ffa_regs send_fragmented(struct memfix *mf, uint32_t fid, const struct md *d,
                                       uint32_t first, uint32_t chunk, uint64_t *handle)
{
    static uint8_t buf[1 << 20];
    uint32_t len = md_build(d, buf, sizeof(buf)), off = first;
    struct ffa_regs r;

    put_tx(mf->f, TEST_VM_ID, buf, first);
    r = th_do(mf->f, mf->f->vm, th_regs(fid, len, first, 0, 0, 0, 0, 0));
    while (off < len) {
        uint32_t n = len - off < chunk ? len - off : chunk;

        assert_int_equal(r.x[0], FFA_MEM_FRAG_RX);
        assert_int_equal(r.x[3], off);
        assert_int_equal(r.x[4], 0);
        *handle = frag_rx_handle(&r);
        put_tx(mf->f, TEST_VM_ID, buf + off, n);
        r = frag_tx(mf->f, mf->f->vm, *handle, n, 0);
        off += n;
    }
    if (r.x[0] == FFA_SUCCESS_32 && first == len)
        *handle = success_handle(&r);
    return r;
}

/* ---- The SPMC's fragments, whatever the VM did ---- */

static void test_one_vm_fragment_becomes_several_for_the_spmc(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range ranges[] = {{RAM(1000), 600}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct fwm_tx *t;
    struct ffa_regs r;

    mf->f->host.mem_run = 1; /* every page its own physical run */
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, success_handle(&r));
    assert_non_null(t);
    /* 96 bytes of header, EMAD, composite; 600 constituents: 250 + 256 + 94. */
    assert_int_equal(t->total, 96 + 600 * 16);
    assert_int_equal(t->frags, 3);
    assert_int_equal(t->frag_lens[0], 4096);
    assert_int_equal(t->frag_lens[1], 4096);
    assert_int_equal(t->frag_lens[2], 94 * 16);
    assert_int_equal(fw_range_count(t, 1), 600);
    for (uint32_t i = 0; i < 600; i++) {
        uint64_t pa;
        uint32_t pages;

        fw_range(t, 1, i, &pa, &pages);
        assert_int_equal(pa, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(1000 + i)));
        assert_int_equal(pages, 1);
    }
    assert_int_equal(reclaim(mf->f, mf->f->vm, t->handle).x[0], FFA_SUCCESS_32);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

/* 300 ranges of 2 pages with gaps: Linux's 4 KiB first fragment (250 ranges), then 50. */
static void three_hundred_ranges(struct ffa_mem_range *r)
{
    for (uint32_t i = 0; i < 300; i++)
        r[i] = (struct ffa_mem_range){RAM(1000 + 3 * i), 2};
}

static void test_vm_fragments_are_forwarded_with_the_spmc_handle(void **state)
{
    struct memfix *mf = *state;
    struct ffa_mem_range ranges[300];
    struct md d;
    struct fwm_tx *t;
    struct ffa_regs r;
    uint64_t h = 0;

    three_hundred_ranges(ranges);
    d = md_share_to_sp(FFA_VERSION_1_2, ranges, 300);
    r = send_fragmented(mf, FFA_MEM_SHARE_64, &d, 4096, 4096, &h);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    /* The handle of the FRAG_RX is the SPMC's, and the final SUCCESS names it again. */
    assert_int_equal(h, HANDLE0);
    assert_int_equal(success_handle(&r), HANDLE0);
    t = mem_fw_find(&mf->fw, HANDLE0);
    /*
     * The first fragment's 250 ranges are described as they are (merged where contiguous: they
     * are not, here); the 100 pages that came later one per constituent: 350 in all.
     */
    assert_int_equal(fw_range_count(t, 1), 350);
    assert_int_equal(tget(t->desc + 80, 4), 600);
    assert_int_equal(t->frags, 2);
    assert_int_equal(t->frag_lens[0], 4096);
    assert_int_equal(t->frag_lens[1], 100 * 16);
    for (uint32_t i = 0; i < 350; i++) {
        uint64_t pa, want;
        uint32_t pages;

        fw_range(t, 1, i, &pa, &pages);
        if (i < 250) {
            want = th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(1000 + 3 * i));
            assert_int_equal(pages, 2);
        } else {
            uint32_t k = i - 250; /* page k of the last 50 ranges */

            want =
                th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(1000 + 3 * (250 + k / 2)) + (k % 2) * PAGE);
            assert_int_equal(pages, 1);
        }
        assert_int_equal(pa, want);
    }
    assert_int_equal(reclaim(mf->f, mf->f->vm, HANDLE0).x[0], FFA_SUCCESS_32);
}

static void test_contiguous_first_fragment_is_merged(void **state)
{
    struct memfix *mf = *state;
    struct ffa_mem_range ranges[300];
    struct md d;
    struct fwm_tx *t;
    uint64_t h = 0, pa;
    uint32_t pages;

    /* 300 one-page ranges, all contiguous: the first 250 merge into one constituent. */
    for (uint32_t i = 0; i < 300; i++)
        ranges[i] = (struct ffa_mem_range){RAM(2000 + i), 1};
    d = md_share_to_sp(FFA_VERSION_1_2, ranges, 300);
    assert_int_equal(send_fragmented(mf, FFA_MEM_SHARE_64, &d, 4096, 4096, &h).x[0],
                     FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, h);
    assert_int_equal(fw_range_count(t, 1), 1 + 50);
    fw_range(t, 1, 0, &pa, &pages);
    assert_int_equal(pa, th_mem_pa(&mf->f->host, TEST_VM_ID, RAM(2000)));
    assert_int_equal(pages, 250);
    assert_int_equal(reclaim(mf->f, mf->f->vm, h).x[0], FFA_SUCCESS_32);
}

static void test_v1_0_fragments_are_translated(void **state)
{
    struct memfix *mf = *state;
    struct ffa_mem_range ranges[300];
    struct md d;
    struct fwm_tx *t;
    uint64_t h = 0;

    three_hundred_ranges(ranges);
    d = md_share_to_sp(FFA_VERSION_1_0, ranges, 300);
    /* v1.0: 32 + 16 + 16 = 64 bytes before the constituents: 252 fit the first 4 KiB. */
    assert_int_equal(send_fragmented(mf, FFA_MEM_SHARE_32, &d, 4096, 4096, &h).x[0],
                     FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, h);
    assert_int_equal(tget(t->desc + 24, 4), 32); /* v1.2 EMADs for the SPMC */
    assert_int_equal(fw_range_count(t, 1), 252 + 48 * 2);
    assert_int_equal(reclaim(mf->f, mf->f->vm, h).x[0], FFA_SUCCESS_32);
}

static void test_small_vm_fragments_are_gathered_into_full_spmc_fragments(void **state)
{
    struct memfix *mf = *state;
    struct ffa_mem_range ranges[300];
    struct md d;
    struct fwm_tx *t;
    uint64_t h = 0;

    mf->f->host.mem_run = 1;
    three_hundred_ranges(ranges);
    d = md_share_to_sp(FFA_VERSION_1_1, ranges, 300);
    d.attrs = 0; /* LEND to one borrower */
    /* The VM sends 96 bytes, then 16 bytes (one range) at a time: 300 + 1 calls. */
    assert_int_equal(send_fragmented(mf, FFA_MEM_LEND_64, &d, 96, 16, &h).x[0], FFA_SUCCESS_32);
    t = mem_fw_find(&mf->fw, h);
    /*
     * 600 single pages: the first fragment (the header and the first range's 2 pages, sent at
     * once for the handle), then only full 256-range fragments, then the rest: 4 fragments for
     * the SPMC, not 300.
     */
    assert_int_equal(fw_range_count(t, 1), 600);
    assert_int_equal(t->frags, 4);
    assert_int_equal(t->frag_lens[0], 96 + 2 * 16);
    assert_int_equal(t->frag_lens[1], 4096);
    assert_int_equal(t->frag_lens[2], 4096);
    assert_int_equal(t->frag_lens[3], (598 - 512) * 16);
    assert_int_equal(reclaim(mf->f, mf->f->vm, h).x[0], FFA_SUCCESS_32);
}

/*
 * No lock is held across a transaction: between two fragments of VM A's large share, VM B makes
 * a whole share of its own (and a direct request, and its reclaim).
 */
static void test_other_vms_share_between_two_fragments(void **state)
{
    struct memfix *mf = *state;
    static uint8_t buf[1 << 16], bbuf[4096];
    static struct ffa_mem_range ranges[300];
    const struct ffa_mem_range bpage[] = {{RAM(10), 1}};
    struct ffa_vm *b = th_add_vm(mf->f, VM_B, 0, FFA_VERSION_1_2);
    struct md d, db;
    struct ffa_regs r;
    uint32_t len, blen;
    uint64_t ha, hb;

    th_map_buffers(mf->f, b, 1);
    three_hundred_ranges(ranges);
    d = md_share_to_sp(FFA_VERSION_1_2, ranges, 300);
    len = md_build(&d, buf, sizeof(buf));
    put_tx(mf->f, TEST_VM_ID, buf, 4096);
    r = th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, len, 4096, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MEM_FRAG_RX);
    ha = frag_rx_handle(&r);

    db = md_share_to_sp(FFA_VERSION_1_2, bpage, 1);
    db.sender = VM_B;
    blen = md_build(&db, bbuf, sizeof(bbuf));
    put_tx(mf->f, VM_B, bbuf, blen);
    r = th_do(mf->f, b, th_regs(FFA_MEM_SHARE_64, blen, blen, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    hb = success_handle(&r);
    assert_int_not_equal(ha, hb);
    assert_int_equal(reclaim(mf->f, b, hb).x[0], FFA_SUCCESS_32);

    put_tx(mf->f, TEST_VM_ID, buf + 4096, len - 4096);
    assert_int_equal(frag_tx(mf->f, mf->f->vm, ha, len - 4096, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(mem_fw_find(&mf->fw, ha)->len, mem_fw_find(&mf->fw, ha)->total);
    assert_int_equal(reclaim(mf->f, mf->f->vm, ha).x[0], FFA_SUCCESS_32);
}

/* Two VMs share and reclaim on two threads at once; every transaction arrives whole. */
struct sharer {
    struct memfix *mf;
    struct ffa_vm *vm;
    uint16_t id;
    uint32_t first_page;
    int failures;
};

static void *share_loop(void *arg)
{
    struct sharer *s = arg;
    static const uint32_t n = 300;

    for (int i = 0; i < 100; i++) {
        struct ffa_mem_range ranges[300];
        uint8_t *buf = malloc(1 << 16);
        struct md d;
        uint32_t len, off = 4096;
        struct ffa_regs r;
        uint64_t h;

        for (uint32_t k = 0; k < n; k++)
            ranges[k] = (struct ffa_mem_range){RAM(s->first_page + 2 * k), 1};
        d = md_share_to_sp(FFA_VERSION_1_2, ranges, n);
        d.sender = s->id;
        len = md_build(&d, buf, 1 << 16);
        memcpy(th_guest_ptr(&s->mf->f->host, s->id, TEST_TX_IPA), buf, 4096);
        r = (struct ffa_regs){{FFA_MEM_SHARE_64, len, 4096}};
        ffa_mediator_handle(s->mf->f->m, s->vm, 0, s->id, &r);
        h = frag_rx_handle(&r);
        while (r.x[0] == FFA_MEM_FRAG_RX) {
            uint32_t c = len - off;

            memcpy(th_guest_ptr(&s->mf->f->host, s->id, TEST_TX_IPA), buf + off, c);
            r = (struct ffa_regs){{FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, c}};
            ffa_mediator_handle(s->mf->f->m, s->vm, 0, s->id, &r);
            off += c;
        }
        free(buf);
        if (r.x[0] != FFA_SUCCESS_32 || success_handle(&r) != h) {
            s->failures++;
            continue;
        }
        r = (struct ffa_regs){{FFA_MEM_RECLAIM, (uint32_t)h, h >> 32}};
        ffa_mediator_handle(s->mf->f->m, s->vm, 0, s->id, &r);
        if (r.x[0] != FFA_SUCCESS_32)
            s->failures++;
    }
    return NULL;
}

static void test_two_vms_share_concurrently(void **state)
{
    struct memfix *mf = *state;
    struct ffa_vm *b = th_add_vm(mf->f, VM_B, 0, FFA_VERSION_1_2);
    struct sharer sa = {mf, mf->f->vm, TEST_VM_ID, 1000, 0}, sb = {mf, b, VM_B, 3000, 0};
    pthread_t ta, tb;

    th_map_buffers(mf->f, b, 1);
    mf->fw.next_handle = 0x10000;
    assert_int_equal(pthread_create(&ta, NULL, share_loop, &sa), 0);
    assert_int_equal(pthread_create(&tb, NULL, share_loop, &sb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(sa.failures, 0);
    assert_int_equal(sb.failures, 0);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
    /* Every transaction the SPMC got is whole, from one VM, and of that VM's pages. */
    for (int i = 0; i < mf->fw.ntx; i++) {
        struct fwm_tx *t = &mf->fw.tx[i];
        uint16_t sender = (uint16_t)tget(t->desc, 2);
        uint64_t pa;
        uint32_t pages;

        assert_int_equal(t->len, t->total);
        fw_range(t, 1, 299, &pa, &pages);
        assert_int_equal(pa >> 40, sender);
    }
}

/* ---- FFA_MEM_FRAG_TX from the VM: handles and lengths ---- */

static struct ffa_regs start_300(struct memfix *mf, uint8_t *buf, uint32_t *len)
{
    static struct ffa_mem_range ranges[300];
    struct md d;

    three_hundred_ranges(ranges);
    d = md_share_to_sp(FFA_VERSION_1_2, ranges, 300);
    *len = md_build(&d, buf, 1 << 16);
    put_tx(mf->f, TEST_VM_ID, buf, 4096);
    return th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, *len, 4096, 0, 0, 0, 0, 0));
}

static void test_frag_tx_checks_handle_sender_and_length(void **state)
{
    struct memfix *mf = *state;
    static uint8_t buf[1 << 16];
    uint32_t len;
    struct ffa_regs r = start_300(mf, buf, &len);
    uint64_t h = frag_rx_handle(&r);

    assert_int_equal(r.x[0], FFA_MEM_FRAG_RX);
    put_tx(mf->f, TEST_VM_ID, buf + 4096, len - 4096);
    th_assert_error((r = frag_tx(mf->f, mf->f->vm, h + 1, len - 4096, 0), &r),
                    FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = frag_tx(mf->f, mf->f->vm, h, len - 4096, TEST_VM_ID << 16), &r),
                    FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = frag_tx(mf->f, mf->f->vm, h, 24, 0), &r), FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = frag_tx(mf->f, mf->f->vm, h, len - 4096 + 16, 0), &r),
                    FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = frag_tx(mf->f, mf->f->vm, h, 0, 0), &r), FFA_RET_INVALID_PARAMETERS);
    /* None of that ended the transaction: the right fragment completes it. */
    r = frag_tx(mf->f, mf->f->vm, h, len - 4096, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    /* After completion there is nothing to continue. */
    r = frag_tx(mf->f, mf->f->vm, h, 16, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(reclaim(mf->f, mf->f->vm, h).x[0], FFA_SUCCESS_32);
}

static void test_another_vm_cannot_continue_a_transaction(void **state)
{
    struct memfix *mf = *state;
    static uint8_t buf[1 << 16];
    uint32_t len;
    struct ffa_regs r = start_300(mf, buf, &len);
    uint64_t h = frag_rx_handle(&r);
    struct ffa_vm *b = th_add_vm(mf->f, VM_B, 0, FFA_VERSION_1_2);

    th_map_buffers(mf->f, b, 1);
    put_tx(mf->f, VM_B, buf + 4096, len - 4096);
    r = frag_tx(mf->f, b, h, len - 4096, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    /* Nor reclaim it. */
    r = reclaim(mf->f, b, h);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    put_tx(mf->f, TEST_VM_ID, buf + 4096, len - 4096);
    assert_int_equal(frag_tx(mf->f, mf->f->vm, h, len - 4096, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, h).x[0], FFA_SUCCESS_32);
}

static void test_reclaim_of_a_transaction_in_progress_is_invalid(void **state)
{
    struct memfix *mf = *state;
    static uint8_t buf[1 << 16];
    uint32_t len;
    struct ffa_regs r = start_300(mf, buf, &len);
    uint64_t h = frag_rx_handle(&r);

    r = reclaim(mf->f, mf->f->vm, h);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    put_tx(mf->f, TEST_VM_ID, buf + 4096, len - 4096);
    assert_int_equal(frag_tx(mf->f, mf->f->vm, h, len - 4096, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, h).x[0], FFA_SUCCESS_32);
}

/* ---- The SPMC's answers are checked too ---- */

static void expect_rolled_back(struct memfix *mf, const struct ffa_regs *r, int32_t code,
                               uint64_t reclaimed)
{
    th_assert_error(r, code);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
    if (reclaimed != 0) {
        /* The SPMC was told to forget what it had accepted. */
        assert_int_equal(mf->fw.reclaims, 1);
        assert_int_equal(mf->fw.last_reclaim, reclaimed);
    } else {
        assert_int_equal(mf->fw.reclaims, 0);
    }
    /* The handle is gone for the VM too. */
    if (reclaimed != 0) {
        struct ffa_regs again = reclaim(mf->f, mf->f->vm, reclaimed);

        th_assert_error(&again, FFA_RET_INVALID_PARAMETERS);
    }
}

static void test_spmc_frag_rx_with_a_wrong_offset_is_aborted(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range ranges[] = {{RAM(1000), 600}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct ffa_regs r;

    mf->f->host.mem_run = 1;
    mf->fw.bad_offset_frag = 1;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    expect_rolled_back(mf, &r, FFA_RET_ABORTED, HANDLE0);
    r = reclaim(mf->f, mf->f->vm, HANDLE0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_spmc_frag_rx_with_another_handle_is_aborted(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range ranges[] = {{RAM(1000), 600}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct ffa_regs r;

    mf->f->host.mem_run = 1;
    mf->fw.bad_handle_frag = 2;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    expect_rolled_back(mf, &r, FFA_RET_ABORTED, HANDLE0);
}

static void test_spmc_success_naming_another_handle_is_aborted(void **state)
{
    struct memfix *mf = *state;
    struct ffa_mem_range ranges[300];
    struct md d;
    struct ffa_regs r;
    uint64_t h = 0;

    three_hundred_ranges(ranges);
    d = md_share_to_sp(FFA_VERSION_1_2, ranges, 300);
    mf->fw.success_handle_override = 0x9999;
    r = send_fragmented(mf, FFA_MEM_SHARE_64, &d, 4096, 4096, &h);
    expect_rolled_back(mf, &r, FFA_RET_ABORTED, HANDLE0);
}

/* ---- Rollback after a failure at each step ---- */

static void test_host_refusal_in_the_first_fragment_releases_what_was_taken(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range ranges[] = {{RAM(100), 1}, {RAM(102), 1}, {RAM(104), 1}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 3);
    struct ffa_regs r;

    mf->f->host.mem_fail_in = 3;
    mf->f->host.mem_fail_code = FFA_RET_NO_MEMORY;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    expect_rolled_back(mf, &r, FFA_RET_NO_MEMORY, 0);
    assert_int_equal(mf->f->host.mem_releases, 2);
    assert_int_equal(mf->fw.calls, 0);
}

static void test_host_refusal_in_a_later_fragment_aborts_at_the_spmc(void **state)
{
    struct memfix *mf = *state;
    static uint8_t buf[1 << 16];
    uint32_t len;
    struct ffa_regs r = start_300(mf, buf, &len);
    uint64_t h = frag_rx_handle(&r);

    mf->f->host.mem_fail_in = 10;
    mf->f->host.mem_fail_code = FFA_RET_DENIED;
    put_tx(mf->f, TEST_VM_ID, buf + 4096, len - 4096);
    r = frag_tx(mf->f, mf->f->vm, h, len - 4096, 0);
    expect_rolled_back(mf, &r, FFA_RET_DENIED, h);
    r = frag_tx(mf->f, mf->f->vm, h, len - 4096, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_spmc_refusing_the_first_fragment_leaves_nothing(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range ranges[] = {{RAM(100), 4}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct ffa_regs r;

    mf->fw.refuse_frag = 1;
    mf->fw.refuse_code = FFA_RET_NO_MEMORY;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    expect_rolled_back(mf, &r, FFA_RET_NO_MEMORY, 0);
}

static void test_spmc_refusing_a_later_fragment_is_rolled_back(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range ranges[] = {{RAM(1000), 600}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    struct ffa_regs r;

    mf->f->host.mem_run = 1;
    mf->fw.refuse_frag = 3;
    mf->fw.refuse_code = FFA_RET_NO_MEMORY; /* Hafnium: too many fragments */
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    expect_rolled_back(mf, &r, FFA_RET_NO_MEMORY, HANDLE0);
}

static void test_spmc_refusing_a_fragment_the_vm_sent_later_is_rolled_back(void **state)
{
    struct memfix *mf = *state;
    static uint8_t buf[1 << 16];
    uint32_t len;
    struct ffa_regs r = start_300(mf, buf, &len);
    uint64_t h = frag_rx_handle(&r);

    mf->fw.refuse_frag = 2;
    mf->fw.refuse_code = FFA_RET_DENIED;
    put_tx(mf->f, TEST_VM_ID, buf + 4096, len - 4096);
    r = frag_tx(mf->f, mf->f->vm, h, len - 4096, 0);
    expect_rolled_back(mf, &r, FFA_RET_DENIED, h);
}

static void test_pages_short_of_the_total_at_the_last_fragment_are_rolled_back(void **state)
{
    struct memfix *mf = *state;
    struct ffa_mem_range ranges[300];
    struct md d;
    struct ffa_regs r;
    uint64_t h = 0;

    three_hundred_ranges(ranges);
    d = md_share_to_sp(FFA_VERSION_1_2, ranges, 300);
    d.page_count = 601; /* one page more than the ranges hold */
    r = send_fragmented(mf, FFA_MEM_SHARE_64, &d, 4096, 4096, &h);
    expect_rolled_back(mf, &r, FFA_RET_INVALID_PARAMETERS, h);
}

static int open_no_frag_tx(void **state)
{
    return memfix_setup(state, FFA_VERSION_1_2, NULL,
                        FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_RELEASE |
                            FW_MEM_SHARE_64 | FW_MEM_RECLAIM);
}

static void test_spmc_without_fragments_gets_one_fragment_or_no_memory(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range big[] = {{RAM(1000), 600}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, big, 1);
    struct ffa_regs r;

    mf->f->host.mem_run = 1;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
    mf->f->host.mem_run = 0; /* contiguous: one constituent, one fragment */
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(mf->f, mf->f->vm, success_handle(&r)).x[0], FFA_SUCCESS_32);
}

/* ---- The Linux driver's descriptors, byte for byte ---- */

/*
 * What drivers/firmware/arm_ffa/driver.c ffa_setup_and_transmit() writes for one receiver at
 * `version`: struct ffa_mem_region (48 bytes; v1.0 uses its first 32 and puts EMAD 0 at 32),
 * the EMADs at ffa_mem_desc_offset() (v1.0 32 + 16n, v1.1 48 + 16n, v1.2 48 + 32n), one shared
 * composite, the sg entries. SHARE: attributes Normal WB inner shareable (0x2F); LEND: 0.
 */
static uint32_t linux_descriptor(uint32_t version, uint32_t func, uint16_t vm_id, uint16_t sp,
                                 const struct ffa_mem_range *sg, uint32_t nents, uint8_t *buf)
{
    uint32_t emad = version >= FFA_VERSION_1_2 ? 32 : 16;
    uint32_t base = version >= FFA_VERSION_1_1 ? 48 : 32;
    uint32_t composite_off = base + 1 * emad, pages = 0;
    bool lend = func == FFA_MEM_LEND_64 || func == FFA_MEM_LEND_32;
    uint8_t *ep = buf + base;

    /* mem_region->tag = 0, flags = 0, sender_id, attributes */
    memset(buf, 0, composite_off + 16 + 16 * nents);
    tput(buf + 16, 0, 8);
    tput(buf + 4, 0, 4);
    tput(buf, vm_id, 2);
    tput(buf + 2, lend ? 0 : 0x2f, version >= FFA_VERSION_1_1 ? 2 : 1);
    /* ep_mem_access: receiver, attrs (RW), composite_off, flag 0, reserved 0, impdef */
    tput(ep, sp, 2);
    ep[2] = 0x02;
    tput(ep + 4, composite_off, 4);
    ep[3] = 0;
    /* handle 0, ep_count 1, ffa_mem_region_additional_setup */
    tput(buf + 8, 0, 8);
    tput(buf + 28, 1, 4);
    if (version >= FFA_VERSION_1_1) {
        tput(buf + 24, emad, 4);
        tput(buf + 32, 48, 4);
    }
    for (uint32_t i = 0; i < nents; i++) {
        tput(buf + composite_off + 16 + 16 * i, sg[i].address, 8);
        tput(buf + composite_off + 16 + 16 * i + 8, sg[i].page_count, 4);
        pages += sg[i].page_count;
    }
    tput(buf + composite_off, pages, 4);
    tput(buf + composite_off + 4, nents, 4);
    return composite_off + 16 + 16 * nents;
}

/*
 * The driver's transmit loop (ffa_transmit_fragment, ffa_mem_first_frag, ffa_mem_next_frag):
 * full 4 KiB fragments, FRAG_TX with a4 = 0; it accepts only FFA_SUCCESS (0x84000061 exactly)
 * or FFA_MEM_FRAG_RX, and keeps the FRAG_RX handle. Returns the handle, or 0 for -EOPNOTSUPP
 * or an FFA_ERROR.
 */
static uint64_t linux_transmit(struct fixture *f, uint32_t func, const uint8_t *buf, uint32_t len)
{
    uint32_t frag = len < 4096 ? len : 4096, off;
    uint64_t handle = 0;
    struct ffa_regs r;

    put_tx(f, TEST_VM_ID, buf, frag);
    r = th_do(f, f->vm, th_regs(func, len, frag, 0, 0, 0, 0, 0));
    if (r.x[0] == FFA_SUCCESS_32)
        return (uint32_t)r.x[2] | (uint64_t)r.x[3] << 32;
    if (r.x[0] != FFA_MEM_FRAG_RX)
        return 0;
    handle = (uint32_t)r.x[1] | (uint64_t)r.x[2] << 32;
    for (off = frag; off < len; off += frag) {
        frag = len - off < 4096 ? len - off : 4096;
        put_tx(f, TEST_VM_ID, buf + off, frag);
        r = th_do(f, f->vm,
                  th_regs(FFA_MEM_FRAG_TX, (uint32_t)handle, handle >> 32, frag, 0, 0, 0, 0));
        if (r.x[0] == FFA_SUCCESS_32)
            break;
        if (r.x[0] != FFA_MEM_FRAG_RX)
            return 0;
    }
    return r.x[0] == FFA_SUCCESS_32 ? handle : 0;
}

/* Replay and compare what the SPMC got with the driver's bytes, physical addresses aside. */
static void replay_linux(struct memfix *mf, uint32_t version, uint32_t func, uint32_t nents,
                         uint32_t expect_vm_frags)
{
    static uint8_t buf[1 << 16];
    static struct ffa_mem_range sg[400];
    uint32_t len, vm_frags;
    uint64_t h;
    struct fwm_tx *t;

    for (uint32_t i = 0; i < nents; i++)
        sg[i] = (struct ffa_mem_range){RAM(1000 + 2 * i), 1}; /* one page each, apart */
    len = linux_descriptor(version, func, TEST_VM_ID, TEST_SP_ID, sg, nents, buf);
    vm_frags = (len + 4095) / 4096;
    assert_int_equal(vm_frags, expect_vm_frags);
    h = linux_transmit(mf->f, func, buf, len);
    assert_int_equal(h, HANDLE0);
    t = mem_fw_find(&mf->fw, h);
    assert_non_null(t);
    assert_int_equal(t->fid, func);
    /* The same transaction, in v1.2 layout with physical addresses. */
    assert_int_equal(tget(t->desc, 2), TEST_VM_ID);
    assert_int_equal(tget(t->desc + 2, 2),
                     func == FFA_MEM_LEND_64 || func == FFA_MEM_LEND_32 ? 0 : 0x2f);
    assert_int_equal(tget(t->desc + 4, 4), 0);
    assert_int_equal(tget(t->desc + 16, 8), 0);
    assert_int_equal(tget(t->desc + 48, 2), TEST_SP_ID);
    assert_int_equal(t->desc[48 + 2], 0x02);
    assert_int_equal(tget(t->desc + 80, 4), nents);
    assert_int_equal(fw_range_count(t, 1), nents);
    for (uint32_t i = 0; i < nents; i++) {
        uint64_t pa;
        uint32_t pages;

        fw_range(t, 1, i, &pa, &pages);
        assert_int_equal(pa, th_mem_pa(&mf->f->host, TEST_VM_ID, sg[i].address));
        assert_int_equal(pages, 1);
    }
    /* ffa_memory_reclaim(handle, 0): success is "not FFA_ERROR". */
    assert_int_not_equal(reclaim(mf->f, mf->f->vm, h).x[0], FFA_ERROR);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

static void test_linux_v1_2_mem_share_replays(void **state)
{
    replay_linux(*state, FFA_VERSION_1_2, FFA_MEM_SHARE_64, 10, 1);
}

static void test_linux_v1_2_mem_lend_replays(void **state)
{
    replay_linux(*state, FFA_VERSION_1_2, FFA_MEM_LEND_64, 10, 1);
}

static void test_linux_v1_1_mem_share_replays(void **state)
{
    replay_linux(*state, FFA_VERSION_1_1, FFA_MEM_SHARE_64, 10, 1);
}

static void test_linux_v1_0_mem_lend_replays(void **state)
{
    replay_linux(*state, FFA_VERSION_1_0, FFA_MEM_LEND_32, 10, 1);
}

static void test_linux_v1_2_fragmented_mem_share_replays(void **state)
{
    /* 96 + 16 * 350 bytes: 250 ranges in the first 4 KiB, then 100. */
    replay_linux(*state, FFA_VERSION_1_2, FFA_MEM_SHARE_64, 350, 2);
}

static void test_linux_v1_1_fragmented_mem_lend_replays(void **state)
{
    /* 80 + 16 * 400: 251 ranges first, 149 next. */
    replay_linux(*state, FFA_VERSION_1_1, FFA_MEM_LEND_64, 400, 2);
}

/* ---- Copy once: a sibling vCPU rewrites the descriptor while the mediator reads it ---- */

struct flipper {
    volatile uint8_t *field;
    uint8_t a, b;
    volatile int stop;
    pthread_t thread;
    int running;
};

/* The fixture's stop hook: the flipper writes into guest RAM, so it ends before RAM is freed. */
static void stop_flipper(void *ctx)
{
    struct flipper *fl = ctx;

    if (fl->running) {
        fl->stop = 1;
        pthread_join(fl->thread, NULL);
        fl->running = 0;
    }
}

static void *flip(void *arg)
{
    struct flipper *fl = arg;

    while (!fl->stop) {
        *fl->field = fl->a;
        for (volatile int i = 0; i < 100; i++)
            ;
        *fl->field = fl->b;
        for (volatile int i = 0; i < 100; i++)
            ;
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The second byte of the composite's range count flips between 0 (1 range: valid) and 0x7f (a
 * count that would send a double-fetching reader far past the TX buffer). Every call either
 * succeeds with exactly the descriptor that was valid, or is refused as INVALID_PARAMETERS; an
 * out-of-bounds read would show under AddressSanitizer (scripts/test.sh stage 2).
 */
static void test_descriptor_is_copied_once_against_a_racing_vcpu(void **state)
{
    struct memfix *mf = *state;
    const struct ffa_mem_range ranges[] = {{RAM(100), 3}};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, ranges, 1);
    static uint8_t buf[4096];
    uint32_t len = md_build(&d, buf, sizeof(buf));
    uint8_t *tx = th_guest_ptr(&mf->f->host, TEST_VM_ID, TEST_TX_IPA);
    static struct flipper fl;
    double deadline = now_s() + 20;
    long ok = 0, refused = 0, sends = 0;

    fl = (struct flipper){.field = tx + 80 + 4 + 1, .a = 0x00, .b = 0x7f};
    memcpy(tx, buf, len);
    mf->stop = stop_flipper;
    mf->stop_ctx = &fl;
    assert_int_equal(pthread_create(&fl.thread, NULL, flip, &fl), 0);
    fl.running = 1;
    while (sends < 5000 || ((ok == 0 || refused == 0) && now_s() < deadline)) {
        struct ffa_regs r =
            th_do(mf->f, mf->f->vm, th_regs(FFA_MEM_SHARE_64, len, len, 0, 0, 0, 0, 0));

        sends++;
        if (r.x[0] == FFA_SUCCESS_32) {
            struct fwm_tx *f = mem_fw_find(&mf->fw, success_handle(&r));

            assert_non_null(f);
            assert_int_equal(tget(f->desc + 80 + 4, 4), 1);
            assert_int_equal(tget(f->desc + 80, 4), 3);
            assert_int_equal(reclaim(mf->f, mf->f->vm, success_handle(&r)).x[0], FFA_SUCCESS_32);
            mem_fw_free(&mf->fw);
            mf->fw.next_handle++;
            ok++;
        } else {
            th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
            refused++;
        }
        assert_int_equal(mf->f->host.mem_pages_held, 0);
        if (sends % 512 == 0)
            sched_yield();
    }
    stop_flipper(&fl);
    assert_true(ok > 0);
    assert_true(refused > 0);
}

int main(void)
{
#define T(name, open) cmocka_unit_test_setup_teardown(name, open, close_fix)
    const struct CMUnitTest tests[] = {
        T(test_one_vm_fragment_becomes_several_for_the_spmc, open_v12),
        T(test_vm_fragments_are_forwarded_with_the_spmc_handle, open_v12),
        T(test_contiguous_first_fragment_is_merged, open_v12),
        T(test_v1_0_fragments_are_translated, open_v10),
        T(test_small_vm_fragments_are_gathered_into_full_spmc_fragments, open_v11),
        T(test_other_vms_share_between_two_fragments, open_v12),
        T(test_two_vms_share_concurrently, open_v12),
        T(test_frag_tx_checks_handle_sender_and_length, open_v12),
        T(test_another_vm_cannot_continue_a_transaction, open_v12),
        T(test_reclaim_of_a_transaction_in_progress_is_invalid, open_v12),
        T(test_spmc_frag_rx_with_a_wrong_offset_is_aborted, open_v12),
        T(test_spmc_frag_rx_with_another_handle_is_aborted, open_v12),
        T(test_spmc_success_naming_another_handle_is_aborted, open_v12),
        T(test_host_refusal_in_the_first_fragment_releases_what_was_taken, open_v12),
        T(test_host_refusal_in_a_later_fragment_aborts_at_the_spmc, open_v12),
        T(test_spmc_refusing_the_first_fragment_leaves_nothing, open_v12),
        T(test_spmc_refusing_a_later_fragment_is_rolled_back, open_v12),
        T(test_spmc_refusing_a_fragment_the_vm_sent_later_is_rolled_back, open_v12),
        T(test_pages_short_of_the_total_at_the_last_fragment_are_rolled_back, open_v12),
        T(test_spmc_without_fragments_gets_one_fragment_or_no_memory, open_no_frag_tx),
        T(test_linux_v1_2_mem_share_replays, open_v12),
        T(test_linux_v1_2_mem_lend_replays, open_v12),
        T(test_linux_v1_1_mem_share_replays, open_v11),
        T(test_linux_v1_0_mem_lend_replays, open_v10),
        T(test_linux_v1_2_fragmented_mem_share_replays, open_v12),
        T(test_linux_v1_1_fragmented_mem_lend_replays, open_v11),
        T(test_descriptor_is_copied_once_against_a_racing_vcpu, open_v12),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
