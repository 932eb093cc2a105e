/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM to VM memory sharing (FFA_CFG_VM_TO_VM): the mediator is the sharing authority. A VM shares,
 * lends or donates memory to other VMs (hypervisor-allocated handles, bit 63 set); borrowers
 * retrieve it (FFA_MEM_RETRIEVE_REQ/RESP, fragmented with FFA_MEM_FRAG_RX/TX), the host maps the
 * pages into them, they relinquish, and the lender reclaims (DENIED until every borrower
 * relinquished).
 */
#include <stdlib.h>
#include <string.h>

#include "mem_support.h"

#define PAGE   4096u
#define RAM(n) (TEST_RAM_IPA + (uint64_t)(n)*PAGE)
#define VM_A   TEST_VM_ID
#define VM_B   0x0002u
#define VM_C   0x0003u

struct v2v {
    struct memfix *mf;
    struct fixture *f;
    struct ffa_vm *a, *b, *c;
};

static int release_pair(struct v2v *v)
{
    int bad = 0;

    if (v == NULL)
        return 0;
    if (v->mf != NULL)
        bad = memfix_release(v->mf) != 0;
    else
        bad = th_fixture_release(v->f) != 0;
    free(v);
    return bad ? -1 : 0;
}

/* VM A (TEST_VM_ID) at `va`, VM B at `vb`, VM C at v1.2, all with 1-page buffers, VM to VM on. */
static int open_pair(void **state, uint32_t va, uint32_t vb, int mem_host)
{
    struct v2v *v = calloc(1, sizeof(*v));
    struct ffa_mediator_config cfg = {.flags = FFA_CFG_VM_TO_VM};
    struct ffa_regs id = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    void *built = NULL;

    *state = NULL;
    if (v == NULL)
        return th_setup_failed(NULL, "out of memory");
    if (mem_host == 1) {
        if (memfix_setup(&built, va, &cfg, FW_ALL_MSG) != 0) {
            free(v);
            return -1;
        }
        v->mf = built;
        v->f = v->mf->f;
    } else {
        struct th_opts o = {
            .fw_abis = FW_ALL_MSG, .vm_version = va, .mem_host = mem_host, .cfg = cfg};

        if (th_setup(&built, &o) != 0) {
            free(v);
            return -1;
        }
        v->f = built;
        if (th_try_map_buffers(v->f, v->f->vm, 1) != 0) {
            release_pair(v);
            return -1;
        }
    }
    v->a = v->f->vm;
    /* The version of A locks at its first call. */
    if (th_try_add_vm(v->f, VM_B, 0, vb, &v->b) != 0 || th_try_map_buffers(v->f, v->b, 1) != 0 ||
        th_try_add_vm(v->f, VM_C, 0, FFA_VERSION_1_2, &v->c) != 0 ||
        th_try_map_buffers(v->f, v->c, 1) != 0 || th_try_call(v->f, v->a, &id) != 0) {
        release_pair(v);
        return -1;
    }
    *state = v;
    return 0;
}

static int open_12_12(void **state)
{
    return open_pair(state, FFA_VERSION_1_2, FFA_VERSION_1_2, 1);
}

static int open_10_11(void **state)
{
    return open_pair(state, FFA_VERSION_1_0, FFA_VERSION_1_1, 1);
}

static int open_11_10(void **state)
{
    return open_pair(state, FFA_VERSION_1_1, FFA_VERSION_1_0, 1);
}

static int open_no_mem_map(void **state)
{
    return open_pair(state, FFA_VERSION_1_2, FFA_VERSION_1_2, 2);
}

static int close_pair(void **state)
{
    int ret = release_pair(*state);

    *state = NULL;
    return ret;
}

/* A descriptor from A to `n` VM borrowers. */
static struct md md_to_vms(uint32_t version, const struct ffa_mem_range *ranges, uint32_t nr,
                           uint16_t b1, uint8_t p1, uint16_t b2, uint8_t p2)
{
    struct md d = md_share_to_sp(version, ranges, nr);

    d.emads[0] = (struct md_emad){.id = b1, .perms = p1};
    if (b2 != 0) {
        d.n_emads = 2;
        d.emads[1] = (struct md_emad){.id = b2, .perms = p2};
    }
    return d;
}

/* A retrieve request in `version`'s layout, written into `vm`'s TX buffer; returns its length. */
struct rreq {
    uint16_t sender;
    uint16_t attrs;
    uint32_t flags;
    uint64_t handle;
    uint64_t tag;
    uint32_t n;
    struct md_emad emads[3];
};

static uint32_t put_retrieve(struct fixture *f, uint16_t vm, uint32_t version, const struct rreq *q)
{
    uint8_t buf[512] = {0};
    uint32_t hdr = version < FFA_VERSION_1_1 ? 32 : 48;
    uint32_t esz = version < FFA_VERSION_1_2 ? 16 : 32, len = hdr + q->n * esz;

    tput(buf, q->sender, 2);
    tput(buf + 4, q->flags, 4);
    tput(buf + 8, q->handle, 8);
    tput(buf + 16, q->tag, 8);
    tput(buf + 28, q->n, 4);
    if (version < FFA_VERSION_1_1) {
        buf[2] = (uint8_t)q->attrs;
    } else {
        tput(buf + 2, q->attrs, 2);
        tput(buf + 24, esz, 4);
        tput(buf + 32, 48, 4);
    }
    for (uint32_t i = 0; i < q->n; i++) {
        uint8_t *e = buf + hdr + i * esz;

        tput(e, q->emads[i].id, 2);
        e[2] = q->emads[i].perms;
        e[3] = q->emads[i].flags;
        if (esz == 32)
            memcpy(e + 8, q->emads[i].impdef, 16);
    }
    put_tx(f, vm, buf, len);
    return len;
}

static struct ffa_regs retrieve(struct fixture *f, struct ffa_vm *vm, const struct rreq *q)
{
    uint32_t len = put_retrieve(f, ffa_vm_id(vm), ffa_vm_version(vm), q);

    return th_do(f, vm, th_regs(FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0, 0, 0, 0));
}

static struct rreq simple_request(uint64_t h, uint16_t borrower, uint8_t perms)
{
    struct rreq q = {.sender = VM_A, .handle = h, .n = 1};

    q.emads[0] = (struct md_emad){.id = borrower, .perms = perms};
    return q;
}

static struct ffa_regs relinquish(struct fixture *f, struct ffa_vm *vm, uint64_t h, uint32_t flags,
                                  uint32_t count, uint16_t who)
{
    uint8_t buf[32] = {0};

    tput(buf, h, 8);
    tput(buf + 8, flags, 4);
    tput(buf + 12, count, 4);
    tput(buf + 16, who, 2);
    put_tx(f, ffa_vm_id(vm), buf, sizeof(buf));
    return th_do(f, vm, th_regs(FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0, 0));
}

static struct ffa_regs reclaim(struct fixture *f, struct ffa_vm *vm, uint64_t h, uint32_t flags)
{
    return th_do(f, vm, th_regs(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, flags, 0, 0, 0, 0));
}

static struct ffa_regs rx_release(struct fixture *f, struct ffa_vm *vm)
{
    return th_do(f, vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
}

static const uint8_t *rx_of(struct fixture *f, uint16_t vm)
{
    return th_guest_ptr(&f->host, vm, TEST_RX_IPA);
}

/* Share `pages` pages at RAM(first) from A to B (RW); returns the handle. */
static uint64_t share_to_b(struct v2v *v, uint32_t fid, uint32_t first, uint32_t pages)
{
    const struct ffa_mem_range ranges[] = {{RAM(first), pages}};
    struct md d = md_to_vms(ffa_vm_version(v->a), ranges, 1, VM_B,
                            fid == FFA_MEM_DONATE_64 ? 0 : FFA_MEM_PERM_RW, 0, 0);
    struct ffa_regs r;

    if (fid != FFA_MEM_SHARE_64)
        d.attrs = 0;
    r = md_send(v->f, v->a, fid, &d, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    return success_handle(&r);
}

/* ---- The whole life of a share ---- */

static void test_share_to_a_vm_is_retrieved_relinquished_and_reclaimed(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 3);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    struct ffa_mem_desc resp;
    struct ffa_mem_access a;
    struct ffa_mem_range rg;
    struct ffa_regs r;

    assert_true((h & FFA_MEM_HANDLE_HYPERVISOR) != 0); /* the mediator allocated it */
    r = retrieve(v->f, v->b, &q);
    assert_int_equal(r.x[0], FFA_MEM_RETRIEVE_RESP);
    assert_int_equal(r.x[1], r.x[2]); /* one fragment */
    /* The response, in B's layout, parsed as B's driver would. */
    assert_int_equal(ffa_mem_desc_parse(rx_of(v->f, VM_B), (uint32_t)r.x[2], (uint32_t)r.x[1],
                                        FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_RESP, &resp),
                     0);
    assert_int_equal(resp.sender, VM_A);
    assert_int_equal(resp.handle, h);
    assert_int_equal(resp.tag, 0);
    assert_int_equal(resp.flags, FFA_MEM_XFER_SHARE << FFA_MEM_FLAG_TYPE_SHIFT);
    assert_int_equal(resp.attributes, FFA_MEM_ATTR_NORMAL_WB_INNER);
    ffa_mem_desc_access(&resp, 0, &a);
    assert_int_equal(a.endpoint, VM_B);
    assert_int_equal(a.perms, FFA_MEM_PERM_RW | FFA_MEM_PERM_NX); /* SHARE is never executable */
    assert_int_equal(resp.page_count, 3);
    assert_int_equal(resp.range_count, 1);
    assert_int_equal(ffa_mem_range_get(resp.buf, resp.len, resp.ranges_offset, 0, &rg), 0);
    /* The address is where the host mapped the lender's pages in B. */
    assert_non_null(th_mem_map_at(&v->f->host, VM_B, rg.address));
    assert_int_equal(th_mem_map_at(&v->f->host, VM_B, rg.address)->pa,
                     th_mem_pa(&v->f->host, VM_A, RAM(100)));
    assert_int_equal(th_mem_map_at(&v->f->host, VM_B, rg.address)->access,
                     FFA_GUEST_READ | FFA_GUEST_WRITE);
    assert_int_equal(rg.page_count, 3);

    /* A cannot reclaim while B has it. */
    r = reclaim(v->f, v->a, h, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(rx_release(v->f, v->b).x[0], FFA_SUCCESS_32);
    r = relinquish(v->f, v->b, h, 0, 1, VM_B);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(v->f->host.live_mem_maps, 0);
    r = reclaim(v->f, v->a, h, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(th_page_state(&v->f->host, VM_A, RAM(101)), TH_PAGE_OWNED);
}

static void test_lend_to_a_vm_requires_instruction_access_and_takes_the_pages(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_LEND_64, 100, 2);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    struct ffa_regs r;

    assert_int_equal(th_page_state(&v->f->host, VM_A, RAM(100)), TH_PAGE_LENT);
    r = retrieve(v->f, v->b, &q); /* LEND to one borrower: it must say X or NX */
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    q.emads[0].perms = FFA_MEM_PERM_RW | FFA_MEM_PERM_X;
    r = retrieve(v->f, v->b, &q);
    assert_int_equal(r.x[0], FFA_MEM_RETRIEVE_RESP);
    assert_int_equal(v->f->host.maps[0].access, FFA_GUEST_READ | FFA_GUEST_WRITE | FFA_GUEST_EXEC);
    assert_int_equal(rx_release(v->f, v->b).x[0], FFA_SUCCESS_32);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

static void test_donation_to_a_vm_moves_the_pages_for_good(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_DONATE_64, 100, 2);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_NX);
    struct ffa_mem_desc resp;
    struct ffa_mem_access a;
    struct ffa_regs r;

    r = retrieve(v->f, v->b, &q);
    assert_int_equal(r.x[0], FFA_MEM_RETRIEVE_RESP);
    assert_int_equal(ffa_mem_desc_parse(rx_of(v->f, VM_B), (uint32_t)r.x[2], (uint32_t)r.x[1],
                                        FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_RESP, &resp),
                     0);
    ffa_mem_desc_access(&resp, 0, &a);
    assert_int_equal(a.perms, FFA_MEM_PERM_RW | FFA_MEM_PERM_NX); /* the owner may write */
    assert_int_equal(v->f->host.given_pages, 2);
    assert_int_equal(th_page_state(&v->f->host, VM_A, RAM(100)), TH_PAGE_GIVEN);
    /* The donation is over: no reclaim, no relinquish. */
    r = reclaim(v->f, v->a, h, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(rx_release(v->f, v->b).x[0], FFA_SUCCESS_32);
    r = relinquish(v->f, v->b, h, 0, 1, VM_B);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_reclaim_is_denied_until_every_borrower_relinquished(void **state)
{
    struct v2v *v = *state;
    const struct ffa_mem_range ranges[] = {{RAM(100), 1}};
    struct md d =
        md_to_vms(FFA_VERSION_1_2, ranges, 1, VM_B, FFA_MEM_PERM_RW, VM_C, FFA_MEM_PERM_RO);
    struct ffa_regs r = md_send(v->f, v->a, FFA_MEM_SHARE_64, &d, 0);
    uint64_t h = success_handle(&r);
    struct rreq qb = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    struct rreq qc = simple_request(h, VM_C, 0);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    /* Each retriever lists every borrower (or uses the v1.2 bypass flag). */
    qb.n = 2;
    qb.emads[1] = (struct md_emad){.id = VM_C, .perms = FFA_MEM_PERM_RO};
    qc.flags = FFA_MEM_FLAG_BYPASS_BORROWS;
    assert_int_equal(retrieve(v->f, v->b, &qb).x[0], FFA_MEM_RETRIEVE_RESP);
    assert_int_equal(retrieve(v->f, v->c, &qc).x[0], FFA_MEM_RETRIEVE_RESP);
    assert_int_equal(v->f->host.live_mem_maps, 2);
    /* C retrieved read-only: asking for RW is more than was given. */
    assert_int_equal(v->f->host.maps[1].access, FFA_GUEST_READ);
    rx_release(v->f, v->b);
    rx_release(v->f, v->c);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    th_assert_error((r = reclaim(v->f, v->a, h, 0), &r), FFA_RET_DENIED);
    assert_int_equal(relinquish(v->f, v->c, h, 0, 1, VM_C).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

static void test_a_relinquished_share_can_be_retrieved_again(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 1);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RO);

    for (int i = 0; i < 3; i++) {
        assert_int_equal(retrieve(v->f, v->b, &q).x[0], FFA_MEM_RETRIEVE_RESP);
        rx_release(v->f, v->b);
        assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    }
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- Fragments ---- */

static void test_large_response_is_fragmented_through_frag_rx(void **state)
{
    struct v2v *v = *state;
    uint64_t h;
    struct rreq q;
    struct ffa_regs r;
    struct ffa_mem_desc resp;
    uint32_t total, got;

    v->f->host.mem_run = 1;    /* 300 physical runs */
    v->f->host.borrow_gap = 1; /* mapped apart in B: 300 ranges to describe */
    h = share_to_b(v, FFA_MEM_SHARE_64, 1000, 300);
    q = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    r = retrieve(v->f, v->b, &q);
    assert_int_equal(r.x[0], FFA_MEM_RETRIEVE_RESP);
    total = (uint32_t)r.x[1];
    got = (uint32_t)r.x[2];
    assert_int_equal(total, 96 + 300 * 16);
    assert_int_equal(got, 4096); /* 250 ranges fit B's one-page RX */
    assert_int_equal(ffa_mem_desc_parse(rx_of(v->f, VM_B), got, total, FFA_VERSION_1_2,
                                        FFA_MEM_DESC_RETRIEVE_RESP, &resp),
                     0);
    assert_int_equal(resp.range_count, 300);
    assert_int_equal(resp.ranges_in_fragment, 250);
    /* Not all of it yet: relinquish refused. */
    th_assert_error((r = relinquish(v->f, v->b, h, 0, 1, VM_B), &r), FFA_RET_INVALID_PARAMETERS);
    /* The RX buffer must be released first. */
    r = th_do(v->f, v->b, th_regs(FFA_MEM_FRAG_RX, (uint32_t)h, h >> 32, got, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_BUSY);
    rx_release(v->f, v->b);
    r = th_do(v->f, v->b, th_regs(FFA_MEM_FRAG_RX, (uint32_t)h, h >> 32, got + 16, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS); /* wrong offset */
    r = th_do(v->f, v->b, th_regs(FFA_MEM_FRAG_RX, (uint32_t)h, h >> 32, got, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MEM_FRAG_TX);
    assert_int_equal(frag_rx_handle(&r), h);
    assert_int_equal(r.x[3], 50 * 16);
    for (uint32_t i = 0; i < 50; i++) {
        struct ffa_mem_range rg;

        assert_int_equal(ffa_mem_range_get(rx_of(v->f, VM_B), 800, 0, i, &rg), 0);
        assert_int_equal(rg.page_count, 1);
        assert_int_equal(th_mem_map_at(&v->f->host, VM_B, rg.address)->pa,
                         th_mem_pa(&v->f->host, VM_A, RAM(1250 + i)));
    }
    rx_release(v->f, v->b);
    /* Complete: no more fragments, and now it may be relinquished. */
    r = th_do(v->f, v->b, th_regs(FFA_MEM_FRAG_RX, (uint32_t)h, h >> 32, total, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

static void test_fragmented_send_to_a_vm_gets_a_hypervisor_handle_at_once(void **state)
{
    struct v2v *v = *state;
    static struct ffa_mem_range ranges[300];
    static uint8_t buf[1 << 16];
    struct md d;
    struct ffa_regs r;
    uint32_t len;
    uint64_t h;

    for (uint32_t i = 0; i < 300; i++)
        ranges[i] = (struct ffa_mem_range){RAM(1000 + 2 * i), 1};
    d = md_to_vms(FFA_VERSION_1_2, ranges, 300, VM_B, FFA_MEM_PERM_RW, 0, 0);
    len = md_build(&d, buf, sizeof(buf));
    put_tx(v->f, VM_A, buf, 4096);
    r = th_do(v->f, v->a, th_regs(FFA_MEM_SHARE_64, len, 4096, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MEM_FRAG_RX);
    assert_int_equal(r.x[3], 4096);
    h = frag_rx_handle(&r);
    assert_true((h & FFA_MEM_HANDLE_HYPERVISOR) != 0);
    /* Not retrievable before the last fragment. */
    {
        struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW);

        th_assert_error((r = retrieve(v->f, v->b, &q), &r), FFA_RET_INVALID_PARAMETERS);
    }
    put_tx(v->f, VM_A, buf + 4096, len - 4096);
    r = th_do(v->f, v->a, th_regs(FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len - 4096, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(success_handle(&r), h);
    assert_int_equal(v->f->host.mem_pages_held, 300);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- Version translation ---- */

static void test_v1_0_lender_v1_1_borrower(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 2);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    struct ffa_mem_desc resp;
    struct ffa_regs r = retrieve(v->f, v->b, &q);

    assert_int_equal(r.x[0], FFA_MEM_RETRIEVE_RESP);
    /* v1.1 layout: 48-byte header, 16-byte EMAD, composite at 64. */
    assert_int_equal(r.x[1], 48 + 16 + 16 + 16);
    assert_int_equal(ffa_mem_desc_parse(rx_of(v->f, VM_B), (uint32_t)r.x[2], (uint32_t)r.x[1],
                                        FFA_VERSION_1_1, FFA_MEM_DESC_RETRIEVE_RESP, &resp),
                     0);
    assert_int_equal(resp.emad_size, 16);
    assert_int_equal(resp.composite_offset, 64);
    assert_int_equal(resp.page_count, 2);
    rx_release(v->f, v->b);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

static void test_v1_1_lender_v1_0_borrower(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 2);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    struct ffa_mem_desc resp;
    struct ffa_regs r = retrieve(v->f, v->b, &q);

    assert_int_equal(r.x[0], FFA_MEM_RETRIEVE_RESP);
    assert_int_equal(r.x[1], 32 + 16 + 16 + 16); /* v1.0: 32-byte header */
    assert_int_equal(ffa_mem_desc_parse(rx_of(v->f, VM_B), (uint32_t)r.x[2], (uint32_t)r.x[1],
                                        FFA_VERSION_1_0, FFA_MEM_DESC_RETRIEVE_RESP, &resp),
                     0);
    assert_int_equal(resp.sender, VM_A);
    assert_int_equal(resp.handle, h);
    rx_release(v->f, v->b);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- Zeroing ---- */

static void test_lend_with_zero_flag_zeroes_before_the_borrower_sees_it(void **state)
{
    struct v2v *v = *state;
    const struct ffa_mem_range ranges[] = {{RAM(100), 1}};
    struct md d = md_to_vms(FFA_VERSION_1_2, ranges, 1, VM_B, FFA_MEM_PERM_RW, 0, 0);
    uint8_t *page = th_guest_ptr(&v->f->host, VM_A, RAM(100));
    struct rreq q;
    struct ffa_regs r;
    uint64_t h;

    memset(page, 0xaa, PAGE);
    d.attrs = 0;
    d.flags = FFA_MEM_FLAG_ZERO;
    r = md_send(v->f, v->a, FFA_MEM_LEND_64, &d, 0);
    h = success_handle(&r);
    assert_int_equal(page[123], 0xaa); /* not yet: only when it is mapped */
    q = simple_request(h, VM_B, FFA_MEM_PERM_RW | FFA_MEM_PERM_NX);
    q.flags = FFA_MEM_FLAG_ZERO_AFTER;
    assert_int_equal(retrieve(v->f, v->b, &q).x[0], FFA_MEM_RETRIEVE_RESP);
    assert_int_equal(page[123], 0);
    memset(page, 0xbb, PAGE); /* what the borrower wrote */
    rx_release(v->f, v->b);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(page[7], 0); /* zeroed after relinquish, as the retrieve asked */
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- Retrieve errors ---- */

static void test_retrieve_errors(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 1);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW), bad;
    struct ffa_regs r;
    uint32_t len;

    bad = q;
    bad.tag = 9;
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    bad = q;
    bad.sender = VM_C;
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_DENIED);
    bad = q;
    bad.flags = FFA_MEM_FLAG_ZERO; /* zeroing a share */
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    bad = q;
    bad.flags = 1u << 5; /* an alignment hint */
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    bad = q;
    bad.emads[0].perms = FFA_MEM_PERM_RW | FFA_MEM_PERM_X; /* SHARE: instruction access */
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    bad = q;
    bad.attrs = FFA_MEM_ATTR_NORMAL_WB_INNER | FFA_MEM_ATTR_NS;
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    bad = q;
    bad.emads[0].impdef[0] = 1; /* not the value the lender sent */
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    bad = q;
    bad.handle = h & ~FFA_MEM_HANDLE_HYPERVISOR; /* an SPMC handle: not the VMs' to retrieve */
    th_assert_error((r = retrieve(v->f, v->b, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    /* C is not a borrower. */
    bad = simple_request(h, VM_C, FFA_MEM_PERM_RW);
    th_assert_error((r = retrieve(v->f, v->c, &bad), &r), FFA_RET_INVALID_PARAMETERS);
    /* The hypervisor's retrieve request (no EMAD) is the hypervisor's. */
    bad = q;
    bad.n = 0;
    bad.sender = 0;
    {
        uint8_t raw[48] = {0};

        tput(raw + 8, h, 8);
        put_tx(v->f, VM_B, raw, 48);
        r = th_do(v->f, v->b, th_regs(FFA_MEM_RETRIEVE_REQ_64, 48, 48, 0, 0, 0, 0, 0));
        th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    }
    /* Buffers of the caller's, fragmented requests. */
    len = put_retrieve(v->f, VM_B, FFA_VERSION_1_2, &q);
    r = th_do(v->f, v->b, th_regs(FFA_MEM_RETRIEVE_REQ_64, len, len, RAM(5), 1, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(v->f, v->b, th_regs(FFA_MEM_RETRIEVE_REQ_64, len + 16, len, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(v->f->host.live_mem_maps, 0);
    /* Twice: the second is DENIED, and an RX buffer that is not free is BUSY first. */
    assert_int_equal(retrieve(v->f, v->b, &q).x[0], FFA_MEM_RETRIEVE_RESP);
    th_assert_error((r = retrieve(v->f, v->b, &q), &r), FFA_RET_DENIED);
    rx_release(v->f, v->b);
    th_assert_error((r = retrieve(v->f, v->b, &q), &r), FFA_RET_DENIED);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

static void test_retrieve_with_a_busy_rx_buffer_is_busy(void **state)
{
    struct v2v *v = *state;
    uint64_t h1 = share_to_b(v, FFA_MEM_SHARE_64, 100, 1);
    uint64_t h2 = share_to_b(v, FFA_MEM_SHARE_64, 101, 1);
    struct rreq q1 = simple_request(h1, VM_B, FFA_MEM_PERM_RW);
    struct rreq q2 = simple_request(h2, VM_B, FFA_MEM_PERM_RW);
    struct ffa_regs r;

    assert_int_equal(retrieve(v->f, v->b, &q1).x[0], FFA_MEM_RETRIEVE_RESP);
    r = retrieve(v->f, v->b, &q2);
    th_assert_error(&r, FFA_RET_BUSY);
    assert_int_equal(v->f->host.live_mem_maps, 1); /* nothing mapped for the refused one */
    rx_release(v->f, v->b);
    assert_int_equal(retrieve(v->f, v->b, &q2).x[0], FFA_MEM_RETRIEVE_RESP);
    rx_release(v->f, v->b);
    assert_int_equal(relinquish(v->f, v->b, h1, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(relinquish(v->f, v->b, h2, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h1, 0).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h2, 0).x[0], FFA_SUCCESS_32);
}

static void test_host_refusing_the_mapping_leaves_nothing_mapped(void **state)
{
    struct v2v *v = *state;
    struct rreq q;
    struct ffa_regs r;
    uint64_t h;

    v->f->host.mem_run = 1; /* 3 pieces */
    h = share_to_b(v, FFA_MEM_SHARE_64, 100, 3);
    q = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    v->f->host.map_fail_in = 3;
    v->f->host.map_fail_code = FFA_RET_NO_MEMORY;
    r = retrieve(v->f, v->b, &q);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    assert_int_equal(v->f->host.live_mem_maps, 0);
    /* The RX buffer is free again, and the retrieve can be tried again. */
    assert_int_equal(retrieve(v->f, v->b, &q).x[0], FFA_MEM_RETRIEVE_RESP);
    rx_release(v->f, v->b);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- Relinquish errors ---- */

static void test_relinquish_errors(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 1);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW);
    struct ffa_regs r;

    /* Not retrieved yet. */
    th_assert_error((r = relinquish(v->f, v->b, h, 0, 1, VM_B), &r), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(retrieve(v->f, v->b, &q).x[0], FFA_MEM_RETRIEVE_RESP);
    rx_release(v->f, v->b);
    th_assert_error((r = relinquish(v->f, v->b, h, 0, 2, VM_B), &r), FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = relinquish(v->f, v->b, h, 0, 1, VM_C), &r), FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = relinquish(v->f, v->b, h, FFA_MEM_FLAG_ZERO, 1, VM_B), &r),
                    FFA_RET_INVALID_PARAMETERS); /* zeroing shared memory */
    th_assert_error((r = relinquish(v->f, v->b, h, 2, 1, VM_B), &r), FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = relinquish(v->f, v->c, h, 0, 1, VM_C), &r), FFA_RET_INVALID_PARAMETERS);
    th_assert_error((r = relinquish(v->f, v->b, h + 1, 0, 1, VM_B), &r),
                    FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(relinquish(v->f, v->b, h, 0, 1, VM_B).x[0], FFA_SUCCESS_32);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- Handles belong to their lender ---- */

static void test_a_borrower_cannot_reclaim(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 1);
    struct ffa_regs r = reclaim(v->f, v->b, h, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- VMs going away ---- */

static void test_removing_the_lender_unmaps_its_borrowers(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_LEND_64, 100, 2);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW | FFA_MEM_PERM_NX);
    struct ffa_regs r;

    assert_int_equal(retrieve(v->f, v->b, &q).x[0], FFA_MEM_RETRIEVE_RESP);
    rx_release(v->f, v->b);
    assert_int_equal(ffa_vm_remove(v->f->m, v->a), 0);
    v->f->vm = NULL;
    assert_int_equal(v->f->host.live_mem_maps, 0);
    assert_int_equal(v->f->host.mem_pages_held, 0);
    r = relinquish(v->f, v->b, h, 0, 1, VM_B);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_removing_a_borrower_unmaps_it_and_frees_the_lender(void **state)
{
    struct v2v *v = *state;
    uint64_t h = share_to_b(v, FFA_MEM_SHARE_64, 100, 2);
    struct rreq q = simple_request(h, VM_B, FFA_MEM_PERM_RW);

    assert_int_equal(retrieve(v->f, v->b, &q).x[0], FFA_MEM_RETRIEVE_RESP);
    rx_release(v->f, v->b);
    assert_int_equal(ffa_vm_remove(v->f->m, v->b), 0);
    assert_int_equal(v->f->host.live_mem_maps, 0);
    assert_int_equal(reclaim(v->f, v->a, h, 0).x[0], FFA_SUCCESS_32);
}

/* ---- What is offered ---- */

static uint64_t features(struct fixture *f, struct ffa_vm *vm, uint32_t fid)
{
    struct ffa_regs r = th_do(f, vm, th_regs(FFA_FEATURES, fid, 0, 0, 0, 0, 0, 0));

    return r.x[0] == FFA_SUCCESS_32 ? r.x[2] : UINT64_MAX;
}

static void test_features_with_vm_to_vm(void **state)
{
    struct v2v *v = *state;

    /* No secure world memory ABIs here: everything is VM to VM. */
    assert_int_equal(features(v->f, v->b, FFA_MEM_SHARE_64), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_DONATE_32), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_RETRIEVE_REQ_64), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_RETRIEVE_REQ_32), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_RELINQUISH), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_FRAG_RX), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_FRAG_TX), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_RECLAIM), 0);
    assert_int_equal(features(v->f, v->b, FFA_MEM_RETRIEVE_RESP), UINT64_MAX);
}

static void test_without_the_hosts_mem_map_vms_are_no_borrowers(void **state)
{
    struct v2v *v = *state;
    const struct ffa_mem_range ranges[] = {{RAM(100), 1}};
    struct md d = md_to_vms(FFA_VERSION_1_2, ranges, 1, VM_B, FFA_MEM_PERM_RW, 0, 0);
    struct ffa_regs r;

    assert_int_equal(features(v->f, v->b, FFA_MEM_RETRIEVE_REQ_64), UINT64_MAX);
    r = md_send(v->f, v->a, FFA_MEM_SHARE_64, &d, 0);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED); /* nothing to send it to: no SPMC ABI either */
}

static void test_unknown_vm_borrower_is_invalid(void **state)
{
    struct v2v *v = *state;
    const struct ffa_mem_range ranges[] = {{RAM(100), 1}};
    struct md d = md_to_vms(FFA_VERSION_1_2, ranges, 1, 0x0009, FFA_MEM_PERM_RW, 0, 0);
    struct ffa_regs r = md_send(v->f, v->a, FFA_MEM_SHARE_64, &d, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    d = md_to_vms(FFA_VERSION_1_2, ranges, 1, VM_B, FFA_MEM_PERM_RW, 0x8001, FFA_MEM_PERM_RW);
    r = md_send(v->f, v->a, FFA_MEM_SHARE_64, &d, 0);
    th_assert_error(&r, FFA_RET_DENIED); /* both worlds at once */
    assert_int_equal(v->f->host.mem_pages_held, 0);
}

int main(void)
{
#define T(name, open) cmocka_unit_test_setup_teardown(name, open, close_pair)
    const struct CMUnitTest tests[] = {
        T(test_share_to_a_vm_is_retrieved_relinquished_and_reclaimed, open_12_12),
        T(test_lend_to_a_vm_requires_instruction_access_and_takes_the_pages, open_12_12),
        T(test_donation_to_a_vm_moves_the_pages_for_good, open_12_12),
        T(test_reclaim_is_denied_until_every_borrower_relinquished, open_12_12),
        T(test_a_relinquished_share_can_be_retrieved_again, open_12_12),
        T(test_large_response_is_fragmented_through_frag_rx, open_12_12),
        T(test_fragmented_send_to_a_vm_gets_a_hypervisor_handle_at_once, open_12_12),
        T(test_v1_0_lender_v1_1_borrower, open_10_11),
        T(test_v1_1_lender_v1_0_borrower, open_11_10),
        T(test_lend_with_zero_flag_zeroes_before_the_borrower_sees_it, open_12_12),
        T(test_retrieve_errors, open_12_12),
        T(test_retrieve_with_a_busy_rx_buffer_is_busy, open_12_12),
        T(test_host_refusing_the_mapping_leaves_nothing_mapped, open_12_12),
        T(test_relinquish_errors, open_12_12),
        T(test_a_borrower_cannot_reclaim, open_12_12),
        T(test_removing_the_lender_unmaps_its_borrowers, open_12_12),
        T(test_removing_a_borrower_unmaps_it_and_frees_the_lender, open_12_12),
        T(test_features_with_vm_to_vm, open_12_12),
        T(test_without_the_hosts_mem_map_vms_are_no_borrowers, open_no_mem_map),
        T(test_unknown_vm_borrower_is_invalid, open_12_12),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
