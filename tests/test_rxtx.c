/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_RXTX_MAP_32/64, FFA_RXTX_UNMAP, FFA_RX_RELEASE, and forwarding a VM's buffers to the SPMC. */
#include "harness.h"

#include <string.h>

static struct fixture *open_vm(uint32_t version)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG, .vm_version = version, .full_host = 1};

    return th_fixture_open(&o);
}

static struct ffa_regs map(struct fixture *f, uint32_t fid, uint64_t tx, uint64_t rx,
                           uint64_t pages)
{
    return th_do(f, f->vm, th_regs(fid, tx, rx, pages, 0, 0, 0, 0));
}

static void test_map_succeeds_and_unmap_releases_the_pages(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 2);

    (void)state;
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(f->host.live_maps, 2);
    assert_int_equal(f->host.live_pages, 4);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(f->host.live_maps, 0);
    th_fixture_free(f);
}

static void test_map_32_uses_only_the_low_halves(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r = map(f, FFA_RXTX_MAP_32, 0xffffffff00000000ull | TEST_TX_IPA,
                            0xabcd000000000000ull | TEST_RX_IPA, 1);

    (void)state;
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(f);
}

static void test_map_64_with_high_bits_is_outside_guest_ram(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r =
        map(f, FFA_RXTX_MAP_64, 0xffffffff00000000ull | TEST_TX_IPA, TEST_RX_IPA, 1);

    (void)state;
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.live_maps, 0);
    th_fixture_free(f);
}

static void test_map_page_count_limits(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1,
                        .cfg = {.rxtx_max_pages = 4}};
    struct fixture *f = th_fixture_open(&o);
    struct ffa_regs r;

    (void)state;
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 5);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 0x100000004ull); /* w3 only */
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(f->host.live_pages, 8);
    th_fixture_free(f);
}

static void test_map_refuses_unaligned_addresses(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA + 0x800, TEST_RX_IPA, 1);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA + 8, 1);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.live_maps, 0);
    th_fixture_free(f);
}

static void test_map_refuses_tx_and_rx_on_the_same_pages(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_TX_IPA, 1);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    /* Two pages each, RX starting on TX's second page. */
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_TX_IPA + 0x1000, 2);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA + 0x1000, TEST_TX_IPA, 2);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    /* Adjacent is fine. */
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_TX_IPA + 0x2000, 2);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(f);
}

static void test_map_refuses_a_range_that_wraps(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r = map(f, FFA_RXTX_MAP_64, 0xfffffffffffff000ull, TEST_RX_IPA, 2);

    (void)state;
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.live_maps, 0);
    th_fixture_free(f);
}

static void test_map_refuses_memory_the_host_refuses(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    r = map(f, FFA_RXTX_MAP_64, 0x1000, TEST_RX_IPA, 1); /* not guest RAM */
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RO_IPA, 1); /* RX must be writable */
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = map(f, FFA_RXTX_MAP_64, TEST_RO_IPA, TEST_RX_IPA, 1); /* a read-only TX is fine */
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(f);
}

static void test_map_host_out_of_memory_is_no_memory(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    f->host.guest_map_fails = FFA_RET_NO_MEMORY;
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    assert_int_equal(f->host.live_maps, 0);
    th_fixture_free(f);
}

static void test_second_map_is_denied(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    th_map_buffers(f, f->vm, 1);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA + 0x40000, TEST_RX_IPA + 0x40000, 1);
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(f->host.live_maps, 2);
    th_fixture_free(f);
}

static void test_map_again_after_unmap(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    th_map_buffers(f, f->vm, 1);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_map_buffers(f, f->vm, 3);
    assert_int_equal(f->host.live_pages, 6);
    th_fixture_free(f);
}

static void test_unmap_without_buffers_is_invalid(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));

    (void)state;
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    th_fixture_free(f);
}

static void test_unmap_tolerates_own_id_but_not_another(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    th_map_buffers(f, f->vm, 1);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0x2u << 16, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32); /* Linux before 2026 sends its own ID */
    th_fixture_free(f);
}

static void fill_rx_with_partition_info(struct fixture *f, struct ffa_vm *vm)
{
    struct ffa_regs r = th_do(f, vm, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_unmap_while_rx_is_owned_is_denied(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    th_map_buffers(f, f->vm, 1);
    fill_rx_with_partition_info(f, f->vm);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(f);
}

static void test_rx_release_without_buffers_is_denied(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));

    (void)state;
    th_assert_error(&r, FFA_RET_DENIED);
    th_fixture_free(f);
}

static void test_rx_release_of_a_free_buffer_is_denied(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    th_map_buffers(f, f->vm, 1);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    fill_rx_with_partition_info(f, f->vm);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED); /* released twice */
    th_fixture_free(f);
}

static void test_rx_release_refuses_another_vms_id(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    th_map_buffers(f, f->vm, 1);
    fill_rx_with_partition_info(f, f->vm);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0x0007, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, TEST_VM_ID, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(f);
}

static void test_features_reports_buffer_abis_with_a_capable_host(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    r = th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], FFA_DEFAULT_RXTX_MAX_PAGES << 16); /* max in [31:16], 4K min */
    r = th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_RX_ACQUIRE, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED); /* the hypervisor's, not a VM's */
    th_fixture_free(f);
}

static void test_features_rxtx_map_has_no_maximum_below_v1_2(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_regs r = th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_RXTX_MAP_32, 0, 0, 0, 0, 0, 0));

    (void)state;
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 0);
    th_fixture_free(f);
}

static void test_vm_removal_unmaps_its_buffers(void **state)
{
    struct fixture *f = open_vm(FFA_VERSION_1_1);
    struct ffa_vm *other = th_add_vm(f, 2, 0, FFA_VERSION_1_1);

    (void)state;
    th_map_buffers(f, other, 2);
    fill_rx_with_partition_info(f, other);
    assert_int_equal(f->host.live_maps, 2);
    assert_int_equal(ffa_vm_remove(f->m, other), 0);
    assert_int_equal(f->host.live_maps, 0);
    th_fixture_free(f);
}

/* ---- Forwarding to the SPMC ---- */

static struct fixture *open_forwarding(uint32_t version, int scatter)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_ACQUIRE |
                                   FW_RX_RELEASE,
                        .vm_version = version,
                        .full_host = 1};
    struct fixture *f = th_fixture_open(&o);

    f->host.scatter_pa = scatter;
    return f;
}

struct descriptor_check {
    struct fixture *f;
    uint32_t pages;
    int scattered;
    int checked;
};

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

/* The scripted SPMC reads the endpoint RX/TX descriptor from the mediator's TX buffer. */
static void check_descriptor(void *ctx, const struct ffa_regs *call)
{
    struct descriptor_check *d = ctx;
    const uint8_t *tx = (const uint8_t *)(uintptr_t)d->f->own_tx_pa;
    uint32_t rx_off = (uint32_t)le(tx + 4, 4), tx_off = (uint32_t)le(tx + 8, 4);

    assert_int_equal(call->x[1], 0); /* the descriptor is in the buffer, not in registers */
    assert_int_equal(le(tx, 2), TEST_VM_ID);
    assert_int_equal(rx_off, 16);
    assert_int_equal(rx_off % 8, 0);
    assert_int_equal(tx_off % 8, 0);
    assert_int_equal(tx_off, 16 + 16 + 16 * (d->scattered ? d->pages : 1));
    check_composite(tx + rx_off, TEST_RX_IPA, d->pages, d->scattered);
    check_composite(tx + tx_off, TEST_TX_IPA, d->pages, d->scattered);
    d->checked = 1;
}

static void expect_forwarded_map(struct fixture *f, struct descriptor_check *d, int32_t answer)
{
    struct ffa_mock_step s = {
        .call = {{FFA_RXTX_MAP_64}},
        .match = FFA_MOCK_X_ALL,
        .reply = {{answer == 0 ? FFA_SUCCESS_32 : FFA_ERROR, 0, (uint32_t)answer}},
        .effect = check_descriptor,
        .effect_ctx = d,
    };

    assert_int_equal(ffa_mock_expect(f->mock, &s), 0);
}

static void expect_call(struct fixture *f, uint64_t fid, uint64_t x1, int32_t answer)
{
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(fid, x1, 0, 0, 0, 0, 0, 0),
              answer == 0 ? th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0)
                          : th_regs(FFA_ERROR, 0, (uint32_t)answer, 0, 0, 0, 0, 0));
}

static void test_map_is_forwarded_with_contiguous_ranges_merged(void **state)
{
    struct fixture *f = open_forwarding(FFA_VERSION_1_1, 0);
    struct descriptor_check d = {f, 3, 0, 0};

    (void)state;
    expect_forwarded_map(f, &d, 0);
    th_map_buffers(f, f->vm, 3);
    assert_true(d.checked);
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    th_fixture_free(f); /* removing the VM unmaps, which the SPMC is told */
}

static void test_map_is_forwarded_with_one_range_per_scattered_page(void **state)
{
    struct fixture *f = open_forwarding(FFA_VERSION_1_2, 1);
    struct descriptor_check d = {f, 4, 1, 0};

    (void)state;
    expect_forwarded_map(f, &d, 0);
    th_map_buffers(f, f->vm, 4);
    assert_true(d.checked);
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    th_fixture_free(f);
}

static void test_map_refused_by_the_spmc_is_undone(void **state)
{
    struct fixture *f = open_forwarding(FFA_VERSION_1_1, 0);
    struct descriptor_check d = {f, 1, 0, 0};
    struct ffa_regs r;

    (void)state;
    expect_forwarded_map(f, &d, FFA_RET_NO_MEMORY);
    r = map(f, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    assert_int_equal(f->host.live_maps, 0);
    th_fixture_free(f);
}

static void test_unmap_is_forwarded_and_its_refusal_returned(void **state)
{
    struct fixture *f = open_forwarding(FFA_VERSION_1_1, 0);
    struct descriptor_check d = {f, 1, 0, 0};
    struct ffa_regs r;

    (void)state;
    expect_forwarded_map(f, &d, 0);
    th_map_buffers(f, f->vm, 1);
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, FFA_RET_DENIED);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(f->host.live_maps, 2); /* still mapped, as the SPMC says */
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(f);
}

static void test_rx_fill_acquires_from_the_spmc_and_release_gives_back(void **state)
{
    struct fixture *f = open_forwarding(FFA_VERSION_1_2, 0);
    struct descriptor_check d = {f, 1, 0, 0};
    struct ffa_regs r;

    (void)state;
    expect_forwarded_map(f, &d, 0);
    th_map_buffers(f, f->vm, 1);
    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, 0);
    fill_rx_with_partition_info(f, f->vm);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    th_fixture_free(f);
}

static void test_rx_held_by_the_spmc_makes_partition_info_busy(void **state)
{
    struct fixture *f = open_forwarding(FFA_VERSION_1_2, 0);
    struct descriptor_check d = {f, 1, 0, 0};
    struct ffa_regs r;

    (void)state;
    expect_forwarded_map(f, &d, 0);
    th_map_buffers(f, f->vm, 1);
    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, FFA_RET_DENIED); /* an SP's message is there */
    r = th_do(f, f->vm, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_BUSY);
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    th_fixture_free(f);
}

static void test_release_of_an_spmc_filled_rx_is_forwarded(void **state)
{
    struct fixture *f = open_forwarding(FFA_VERSION_1_2, 0);
    struct descriptor_check d = {f, 1, 0, 0};
    struct ffa_regs r;

    (void)state;
    expect_forwarded_map(f, &d, 0);
    th_map_buffers(f, f->vm, 1);
    /* The SPMC delivered a message from an SP: only it knows the buffer is full. */
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, FFA_RET_DENIED);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    th_fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_succeeds_and_unmap_releases_the_pages),
        cmocka_unit_test(test_map_32_uses_only_the_low_halves),
        cmocka_unit_test(test_map_64_with_high_bits_is_outside_guest_ram),
        cmocka_unit_test(test_map_page_count_limits),
        cmocka_unit_test(test_map_refuses_unaligned_addresses),
        cmocka_unit_test(test_map_refuses_tx_and_rx_on_the_same_pages),
        cmocka_unit_test(test_map_refuses_a_range_that_wraps),
        cmocka_unit_test(test_map_refuses_memory_the_host_refuses),
        cmocka_unit_test(test_map_host_out_of_memory_is_no_memory),
        cmocka_unit_test(test_second_map_is_denied),
        cmocka_unit_test(test_map_again_after_unmap),
        cmocka_unit_test(test_unmap_without_buffers_is_invalid),
        cmocka_unit_test(test_unmap_tolerates_own_id_but_not_another),
        cmocka_unit_test(test_unmap_while_rx_is_owned_is_denied),
        cmocka_unit_test(test_rx_release_without_buffers_is_denied),
        cmocka_unit_test(test_rx_release_of_a_free_buffer_is_denied),
        cmocka_unit_test(test_rx_release_refuses_another_vms_id),
        cmocka_unit_test(test_features_reports_buffer_abis_with_a_capable_host),
        cmocka_unit_test(test_features_rxtx_map_has_no_maximum_below_v1_2),
        cmocka_unit_test(test_vm_removal_unmaps_its_buffers),
        cmocka_unit_test(test_map_is_forwarded_with_contiguous_ranges_merged),
        cmocka_unit_test(test_map_is_forwarded_with_one_range_per_scattered_page),
        cmocka_unit_test(test_map_refused_by_the_spmc_is_undone),
        cmocka_unit_test(test_unmap_is_forwarded_and_its_refusal_returned),
        cmocka_unit_test(test_rx_fill_acquires_from_the_spmc_and_release_gives_back),
        cmocka_unit_test(test_rx_held_by_the_spmc_makes_partition_info_busy),
        cmocka_unit_test(test_release_of_an_spmc_filled_rx_is_forwarded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
