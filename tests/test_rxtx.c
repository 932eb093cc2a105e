/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_RXTX_MAP_32/64, FFA_RXTX_UNMAP, FFA_RX_RELEASE, and forwarding a VM's buffers to the SPMC. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#define VM2_ID 0x0002u

/* VM 1 (f->vm) at `version` on a host with guest memory; buffers mapped with `pages` > 0. */
static int setup_vm(void **state, uint32_t version, uint32_t pages)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG, .vm_version = version, .full_host = 1};

    if (th_setup(state, &o) != 0)
        return -1;
    if (pages > 0 && th_try_map_buffers(*state, ((struct fixture *)*state)->vm, pages) != 0)
        return th_setup_failed(state, "cannot map VM 1's buffers");
    return 0;
}

static int setup_v1_1(void **state)
{
    return setup_vm(state, FFA_VERSION_1_1, 0);
}

static int setup_v1_2(void **state)
{
    return setup_vm(state, FFA_VERSION_1_2, 0);
}

static int setup_v1_1_mapped(void **state)
{
    return setup_vm(state, FFA_VERSION_1_1, 1);
}

static int setup_v1_1_mapped_2_pages(void **state)
{
    return setup_vm(state, FFA_VERSION_1_1, 2);
}

static int setup_v1_2_mapped(void **state)
{
    return setup_vm(state, FFA_VERSION_1_2, 1);
}

/* A mediator configured for at most 4 pages per buffer. */
static int setup_max_4_pages(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1,
                        .cfg = {.rxtx_max_pages = 4}};

    return th_setup(state, &o);
}

/* VM 1 without buffers, and VM 2 (v1.1) with a 2-page pair and its RX buffer full. */
static int setup_vm2_mapped_and_full(void **state)
{
    struct fixture *f;
    struct ffa_vm *vm2;
    struct ffa_regs r = th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);

    if (setup_vm(state, FFA_VERSION_1_1, 0) != 0)
        return -1;
    f = *state;
    if (th_try_add_vm(f, VM2_ID, 0, FFA_VERSION_1_1, &vm2) != 0 ||
        th_try_map_buffers(f, vm2, 2) != 0)
        return th_setup_failed(state, "cannot add VM 2 with buffers");
    if (ffa_mediator_handle(f->m, vm2, 0, 0, &r) != FFA_CALL_HANDLED || r.x[0] != FFA_SUCCESS_32)
        return th_setup_failed(state, "cannot fill VM 2's RX buffer");
    return 0;
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static struct ffa_regs map(struct fixture *f, uint32_t fid, uint64_t tx, uint64_t rx,
                           uint64_t pages)
{
    return th_do(f, f->vm, th_regs(fid, tx, rx, pages, 0, 0, 0, 0));
}

static struct ffa_regs call0(struct fixture *f, uint64_t fid, uint64_t x1)
{
    return th_do(f, f->vm, th_regs(fid, x1, 0, 0, 0, 0, 0, 0));
}

static void test_map_maps_both_buffers(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 2);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(f->host.live_maps, 2);
    assert_int_equal(f->host.live_pages, 4);
}

static void test_unmap_releases_the_pages(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = call0(f, FFA_RXTX_UNMAP, 0);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(f->host.live_maps, 0);
}

static void test_map_32_uses_only_the_low_halves(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_32, 0xffffffff00000000ull | TEST_TX_IPA,
                            0xabcd000000000000ull | TEST_RX_IPA, 1);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_map_64_with_high_bits_is_outside_guest_ram(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        map(f, FFA_RXTX_MAP_64, 0xffffffff00000000ull | TEST_TX_IPA, TEST_RX_IPA, 1);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.live_maps, 0);
}

static void test_map_of_zero_pages_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_map_above_the_configured_maximum_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 5);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_map_reads_the_page_count_from_w3_only(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 0x100000004ull);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(f->host.live_pages, 8);
}

static void test_map_refuses_an_unaligned_tx_address(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA + 0x800, TEST_RX_IPA, 1);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.live_maps, 0);
}

static void test_map_refuses_an_unaligned_rx_address(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA + 8, 1);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.live_maps, 0);
}

static void test_map_refuses_tx_and_rx_on_the_same_pages(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_TX_IPA, 1);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    /* Two pages each, RX starting on TX's second page. */
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_TX_IPA + 0x1000, 2);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA + 0x1000, TEST_TX_IPA, 2);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_map_accepts_adjacent_tx_and_rx(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_TX_IPA + 0x2000, 2);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_map_refuses_a_range_that_wraps(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, 0xfffffffffffff000ull, TEST_RX_IPA, 2);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.live_maps, 0);
}

static void test_map_refuses_memory_outside_guest_ram(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, 0x1000, TEST_RX_IPA, 1);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_map_refuses_a_read_only_rx_buffer(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RO_IPA, 1);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_map_accepts_a_read_only_tx_buffer(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_RO_IPA, TEST_RX_IPA, 1);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_map_host_out_of_memory_is_no_memory(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    f->host.guest_map_fails = FFA_RET_NO_MEMORY;
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    assert_int_equal(f->host.live_maps, 0);
}

static void test_second_map_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA + 0x40000, TEST_RX_IPA + 0x40000, 1);

    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(f->host.live_maps, 2);
}

static void test_map_again_after_unmap(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = call0(f, FFA_RXTX_UNMAP, 0);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_map_buffers(f, f->vm, 3);
    assert_int_equal(f->host.live_pages, 6);
}

static void test_unmap_without_buffers_is_invalid(void **state)
{
    struct ffa_regs r = call0(*state, FFA_RXTX_UNMAP, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_unmap_refuses_another_vms_id(void **state)
{
    struct ffa_regs r = call0(*state, FFA_RXTX_UNMAP, 0x2u << 16);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_unmap_accepts_the_callers_own_id(void **state)
{
    struct ffa_regs r = call0(*state, FFA_RXTX_UNMAP, TEST_VM_ID << 16);

    assert_int_equal(r.x[0], FFA_SUCCESS_32); /* Linux before 2026 sends its own ID */
}

static void fill_rx_with_partition_info(struct fixture *f, struct ffa_vm *vm)
{
    struct ffa_regs r = th_do(f, vm, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_unmap_while_rx_is_owned_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    fill_rx_with_partition_info(f, f->vm);
    r = call0(f, FFA_RXTX_UNMAP, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    r = call0(f, FFA_RX_RELEASE, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = call0(f, FFA_RXTX_UNMAP, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_rx_release_without_buffers_is_denied(void **state)
{
    struct ffa_regs r = call0(*state, FFA_RX_RELEASE, 0);

    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_rx_release_of_a_free_buffer_is_denied(void **state)
{
    struct ffa_regs r = call0(*state, FFA_RX_RELEASE, 0);

    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_rx_release_twice_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    fill_rx_with_partition_info(f, f->vm);
    r = call0(f, FFA_RX_RELEASE, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = call0(f, FFA_RX_RELEASE, 0);
    th_assert_error(&r, FFA_RET_DENIED); /* released twice */
}

static void test_rx_release_refuses_another_vms_id(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    fill_rx_with_partition_info(f, f->vm);
    r = call0(f, FFA_RX_RELEASE, 0x0007);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_rx_release_accepts_the_callers_own_id(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    fill_rx_with_partition_info(f, f->vm);
    r = call0(f, FFA_RX_RELEASE, TEST_VM_ID);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_features_rxtx_map_reports_the_maximum_pages_at_v1_2(void **state)
{
    struct ffa_regs r = call0(*state, FFA_FEATURES, FFA_RXTX_MAP_64);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], FFA_DEFAULT_RXTX_MAX_PAGES << 16); /* max in [31:16], 4K min */
}

static void test_features_reports_unmap_and_release_with_a_capable_host(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    r = call0(f, FFA_FEATURES, FFA_RXTX_UNMAP);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = call0(f, FFA_FEATURES, FFA_RX_RELEASE);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_features_hides_rx_acquire_from_vms(void **state)
{
    struct ffa_regs r = call0(*state, FFA_FEATURES, FFA_RX_ACQUIRE);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED); /* the hypervisor's, not a VM's */
}

static void test_features_rxtx_map_has_no_maximum_below_v1_2(void **state)
{
    struct ffa_regs r = call0(*state, FFA_FEATURES, FFA_RXTX_MAP_32);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 0);
}

static void test_vm_removal_unmaps_its_buffers(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(f->host.live_maps, 2);
    assert_int_equal(ffa_vm_remove(f->m, ffa_vm_find(f->m, VM2_ID)), 0);
    assert_int_equal(f->host.live_maps, 0);
}

/* ---- Forwarding to the SPMC ---- */

/* A mediator that forwards VM 1's buffers to the SPMC, and what the SPMC was given to read. */
struct forwarding {
    struct fixture *f;
    unsigned maps;    /* forwarded FFA_RXTX_MAP_64 calls */
    uint64_t map_x1;  /* x1 of the last one */
    uint8_t tx[4096]; /* the mediator's TX buffer (one page) as the SPMC read it then */
};

/*
 * The scripted SPMC's side of a forwarded map: a copy of the descriptor, checked by the test once
 * the call has returned (an assertion here would longjmp out of the mediator, its locks held).
 */
static void capture_descriptor(void *ctx, const struct ffa_regs *call)
{
    struct forwarding *w = ctx;

    w->maps++;
    w->map_x1 = call->x[1];
    memcpy(w->tx, (const void *)(uintptr_t)w->f->own_tx_pa, sizeof(w->tx));
}

static int expect_forwarded_map(struct forwarding *w, int32_t answer)
{
    struct ffa_mock_step s = {
        .call = {{FFA_RXTX_MAP_64}},
        .match = FFA_MOCK_X_ALL,
        .reply = {{answer == 0 ? FFA_SUCCESS_32 : FFA_ERROR, 0, (uint32_t)answer}},
        .effect = capture_descriptor,
        .effect_ctx = w,
    };

    return ffa_mock_expect(w->f->mock, &s);
}

/* VM 1 at `version`; the host scatters pages with `scatter`; VM 1 mapped 1 page with `mapped`. */
static int setup_forwarding(void **state, uint32_t version, int scatter, int mapped)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_ACQUIRE |
                                   FW_RX_RELEASE,
                        .vm_version = version,
                        .full_host = 1};
    struct forwarding *w = calloc(1, sizeof(*w));
    void *fs;

    *state = NULL;
    if (w == NULL || th_setup(&fs, &o) != 0) {
        free(w);
        return -1;
    }
    w->f = fs;
    w->f->host.scatter_pa = scatter;
    *state = w;
    if (mapped && (expect_forwarded_map(w, 0) != 0 || th_try_map_buffers(w->f, w->f->vm, 1) != 0)) {
        th_fixture_release(w->f);
        free(w);
        *state = NULL;
        print_error("setup: cannot map VM 1's buffers\n");
        return -1;
    }
    return 0;
}

static int setup_forwarding_v1_1(void **state)
{
    return setup_forwarding(state, FFA_VERSION_1_1, 0, 0);
}

static int setup_forwarding_v1_2_scattered(void **state)
{
    return setup_forwarding(state, FFA_VERSION_1_2, 1, 0);
}

static int setup_forwarding_v1_1_mapped(void **state)
{
    return setup_forwarding(state, FFA_VERSION_1_1, 0, 1);
}

static int setup_forwarding_v1_2_mapped(void **state)
{
    return setup_forwarding(state, FFA_VERSION_1_2, 0, 1);
}

static void expect_call(struct fixture *f, uint64_t fid, uint64_t x1, int32_t answer)
{
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(fid, x1, 0, 0, 0, 0, 0, 0),
              answer == 0 ? th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0)
                          : th_regs(FFA_ERROR, 0, (uint32_t)answer, 0, 0, 0, 0, 0));
}

/*
 * VM 1 still has its buffers: removing it (the fixture's destroy) unmaps them, which the SPMC is
 * told; the teardown expects that call and fails if it does not come.
 */
static int teardown_forwarding(void **state)
{
    struct forwarding *w = *state;
    int bad = 0;

    if (w == NULL)
        return 0;
    if (w->f->host.live_maps != 0) {
        struct ffa_mock_step unmap = {
            .call = {{FFA_RXTX_UNMAP, TEST_VM_ID << 16}},
            .match = FFA_MOCK_X_ALL,
            .reply = {{FFA_SUCCESS_32}},
        };

        bad |= ffa_mock_expect(w->f->mock, &unmap) != 0;
    }
    bad |= th_fixture_release(w->f) != 0;
    free(w);
    *state = NULL;
    return bad ? -1 : 0;
}

static uint64_t le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Check one composite descriptor against the fake host's physical layout. */
static void check_composite(const uint8_t *c, uint64_t ipa, uint32_t pages, int scattered)
{
    uint32_t ranges = scattered ? pages : 1;

    assert_int_equal(le(c, 4), pages);
    assert_int_equal(le(c + 4, 4), ranges);
    for (uint32_t i = 0; i < ranges; i++) {
        const uint8_t *r = c + 16 + 16 * i;
        uint64_t page_ipa = ipa + (uint64_t)i * 4096;

        assert_int_equal(le(r, 8),
                         scattered ? TEST_PA(TEST_VM_ID, page_ipa) * 2 : TEST_PA(TEST_VM_ID, ipa));
        assert_int_equal(le(r + 8, 4), scattered ? 1 : pages);
    }
}

/* The endpoint RX/TX descriptor the SPMC read from the mediator's TX buffer. */
static void check_descriptor(const struct forwarding *w, uint32_t pages, int scattered)
{
    const uint8_t *tx = w->tx;
    uint32_t rx_off = (uint32_t)le(tx + 4, 4), tx_off = (uint32_t)le(tx + 8, 4);

    assert_int_equal(w->maps, 1);
    assert_int_equal(w->map_x1, 0); /* the descriptor is in the buffer, not in registers */
    assert_int_equal(le(tx, 2), TEST_VM_ID);
    assert_int_equal(rx_off, 16);
    assert_int_equal(rx_off % 8, 0);
    assert_int_equal(tx_off % 8, 0);
    assert_int_equal(tx_off, 16 + 16 + 16 * (scattered ? pages : 1));
    check_composite(tx + rx_off, TEST_RX_IPA, pages, scattered);
    check_composite(tx + tx_off, TEST_TX_IPA, pages, scattered);
}

static void test_map_is_forwarded_with_contiguous_ranges_merged(void **state)
{
    struct forwarding *w = *state;

    assert_int_equal(expect_forwarded_map(w, 0), 0);
    th_map_buffers(w->f, w->f->vm, 3);
    check_descriptor(w, 3, 0);
}

static void test_map_is_forwarded_with_one_range_per_scattered_page(void **state)
{
    struct forwarding *w = *state;

    assert_int_equal(expect_forwarded_map(w, 0), 0);
    th_map_buffers(w->f, w->f->vm, 4);
    check_descriptor(w, 4, 1);
}

static void test_map_refused_by_the_spmc_is_undone(void **state)
{
    struct forwarding *w = *state;
    struct ffa_regs r;

    assert_int_equal(expect_forwarded_map(w, FFA_RET_NO_MEMORY), 0);
    r = map(w->f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    assert_int_equal(w->f->host.live_maps, 0);
}

static void test_unmap_is_forwarded_and_its_refusal_returned(void **state)
{
    struct fixture *f = ((struct forwarding *)*state)->f;
    struct ffa_regs r;

    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, FFA_RET_DENIED);
    r = call0(f, FFA_RXTX_UNMAP, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(f->host.live_maps, 2); /* still mapped, as the SPMC says */
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    r = call0(f, FFA_RXTX_UNMAP, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_rx_fill_acquires_from_the_spmc_and_release_gives_back(void **state)
{
    struct fixture *f = ((struct forwarding *)*state)->f;
    struct ffa_regs r;

    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, 0);
    fill_rx_with_partition_info(f, f->vm);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    r = call0(f, FFA_RX_RELEASE, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_rx_held_by_the_spmc_makes_partition_info_busy(void **state)
{
    struct fixture *f = ((struct forwarding *)*state)->f;
    struct ffa_regs r;

    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, FFA_RET_DENIED); /* an SP's message is there */
    r = call0(f, FFA_PARTITION_INFO_GET, 0);
    th_assert_error(&r, FFA_RET_BUSY);
}

static void test_release_of_an_spmc_filled_rx_is_forwarded(void **state)
{
    struct fixture *f = ((struct forwarding *)*state)->f;
    struct ffa_regs r;

    /* The SPMC delivered a message from an SP: only it knows the buffer is full. */
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    r = call0(f, FFA_RX_RELEASE, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_release_refused_by_the_spmc_is_returned(void **state)
{
    struct fixture *f = ((struct forwarding *)*state)->f;
    struct ffa_regs r;

    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, FFA_RET_DENIED);
    r = call0(f, FFA_RX_RELEASE, 0);
    th_assert_error(&r, FFA_RET_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup)  cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TF(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown_forwarding)
        T(test_map_maps_both_buffers, setup_v1_1),
        T(test_unmap_releases_the_pages, setup_v1_1_mapped_2_pages),
        T(test_map_32_uses_only_the_low_halves, setup_v1_1),
        T(test_map_64_with_high_bits_is_outside_guest_ram, setup_v1_1),
        T(test_map_of_zero_pages_is_invalid, setup_max_4_pages),
        T(test_map_above_the_configured_maximum_is_invalid, setup_max_4_pages),
        T(test_map_reads_the_page_count_from_w3_only, setup_max_4_pages),
        T(test_map_refuses_an_unaligned_tx_address, setup_v1_1),
        T(test_map_refuses_an_unaligned_rx_address, setup_v1_1),
        T(test_map_refuses_tx_and_rx_on_the_same_pages, setup_v1_1),
        T(test_map_accepts_adjacent_tx_and_rx, setup_v1_1),
        T(test_map_refuses_a_range_that_wraps, setup_v1_1),
        T(test_map_refuses_memory_outside_guest_ram, setup_v1_1),
        T(test_map_refuses_a_read_only_rx_buffer, setup_v1_1),
        T(test_map_accepts_a_read_only_tx_buffer, setup_v1_1),
        T(test_map_host_out_of_memory_is_no_memory, setup_v1_1),
        T(test_second_map_is_denied, setup_v1_1_mapped),
        T(test_map_again_after_unmap, setup_v1_1_mapped),
        T(test_unmap_without_buffers_is_invalid, setup_v1_1),
        T(test_unmap_refuses_another_vms_id, setup_v1_1_mapped),
        T(test_unmap_accepts_the_callers_own_id, setup_v1_1_mapped),
        T(test_unmap_while_rx_is_owned_is_denied, setup_v1_2_mapped),
        T(test_rx_release_without_buffers_is_denied, setup_v1_1),
        T(test_rx_release_of_a_free_buffer_is_denied, setup_v1_1_mapped),
        T(test_rx_release_twice_is_denied, setup_v1_1_mapped),
        T(test_rx_release_refuses_another_vms_id, setup_v1_1_mapped),
        T(test_rx_release_accepts_the_callers_own_id, setup_v1_1_mapped),
        T(test_features_rxtx_map_reports_the_maximum_pages_at_v1_2, setup_v1_2),
        T(test_features_reports_unmap_and_release_with_a_capable_host, setup_v1_2),
        T(test_features_hides_rx_acquire_from_vms, setup_v1_2),
        T(test_features_rxtx_map_has_no_maximum_below_v1_2, setup_v1_1),
        T(test_vm_removal_unmaps_its_buffers, setup_vm2_mapped_and_full),
        TF(test_map_is_forwarded_with_contiguous_ranges_merged, setup_forwarding_v1_1),
        TF(test_map_is_forwarded_with_one_range_per_scattered_page,
           setup_forwarding_v1_2_scattered),
        TF(test_map_refused_by_the_spmc_is_undone, setup_forwarding_v1_1),
        TF(test_unmap_is_forwarded_and_its_refusal_returned, setup_forwarding_v1_1_mapped),
        TF(test_rx_fill_acquires_from_the_spmc_and_release_gives_back,
           setup_forwarding_v1_2_mapped),
        TF(test_rx_held_by_the_spmc_makes_partition_info_busy, setup_forwarding_v1_2_mapped),
        TF(test_release_of_an_spmc_filled_rx_is_forwarded, setup_forwarding_v1_2_mapped),
        TF(test_release_refused_by_the_spmc_is_returned, setup_forwarding_v1_2_mapped),
#undef TF
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
