/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPMC's normal-world buffer ABIs (DEN0077A v1.2 FFA_RXTX_MAP and friends; Hafnium src/api.c),
 * called straight into the backend with the test as the hypervisor: its own RX/TX pair by address,
 * a VM's in the forwarded form (endpoint RX/TX descriptor in the hypervisor's TX), FFA_RXTX_UNMAP,
 * FFA_RX_ACQUIRE/RELEASE and FFA_PARTITION_INFO_GET into the hypervisor's RX buffer, with every
 * error code. The host's ns_memory resolves the hypervisor's pages and the fake guest RAM.
 */
#include <stdlib.h>
#include <string.h>

#include "uc_fixture.h"

#define SPS (UCF_ECHO | UCF_MESSENGER | UCF_MESSENGER2 | UCF_MSG_V10)
#define VM2 2u

/* Manifest UUIDs (register words) and expected normal-world properties of SPS, in boot order. */
static const struct {
    uint16_t id;
    uint32_t uuid[4];
    uint32_t props; /* as the normal world sees them */
} expected_sps[] = {
    {SP_ID_ECHO, {0x1e67b5b4, 0xe14f904a, 0x13fb1fb8, 0xcbdae1da}, 0x301},
    {SP_ID_MESSENGER, {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000b}, 0x305},
    {SP_ID_MESSENGER2, {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000c}, 0x305},
    {SP_ID_MSG_V10, {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000d}, 0x101},
};
#define NSPS (sizeof(expected_sps) / sizeof(expected_sps[0]))

struct hyp {
    struct ucf *f;
    uint8_t *tx, *rx;
    uint64_t tx_pa, rx_pa;
};

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void assert_success(const struct ffa_regs *r)
{
    if (r->x[0] != FFA_SUCCESS_32)
        fail_msg("expected FFA_SUCCESS_32, got 0x%llx w2 0x%llx", (unsigned long long)r->x[0],
                 (unsigned long long)r->x[2]);
}

/* A bare SPMC with SPS; the test's own pair registered (one page each). */
static int setup(void **state)
{
    struct hyp *h = calloc(1, sizeof(*h));
    struct ffa_regs r;

    h->f = ucf_new_full(SPS, false);
    h->tx = ucf_hyp_pages(h->f, 1, &h->tx_pa);
    h->rx = ucf_hyp_pages(h->f, 1, &h->rx_pa);
    r = ucf_fw(h->f, FFA_RXTX_MAP_64, h->tx_pa, h->rx_pa, 1, 0, 0);
    assert_success(&r);
    *state = h;
    return 0;
}

static int teardown(void **state)
{
    struct hyp *h = *state;

    ucf_free(h->f);
    free(h);
    return 0;
}

static struct hyp *H(void **state)
{
    return *state;
}

/*
 * Write the standard forwarded descriptor for VM `vm` into the hypervisor's TX: RX region at 16,
 * TX region at 48, one range each (the VM's pages at TEST_RX_IPA / TEST_TX_IPA).
 */
static void write_desc(struct hyp *h, uint16_t vm, uint32_t pages)
{
    uint8_t *d = h->tx;

    th_guest_ptr(&h->f->host, vm, TEST_RAM_IPA); /* the VM has RAM */
    memset(d, 0, 4096);
    d[0] = (uint8_t)vm;
    d[1] = (uint8_t)(vm >> 8);
    put32(d + 4, 16);
    put32(d + 8, 48);
    put32(d + 16, pages);
    put32(d + 20, 1);
    put64(d + 32, TEST_PA(vm, TEST_RX_IPA));
    put32(d + 40, pages);
    put32(d + 48, pages);
    put32(d + 52, 1);
    put64(d + 64, TEST_PA(vm, TEST_TX_IPA));
    put32(d + 72, pages);
}

static struct ffa_regs map_forwarded(struct hyp *h)
{
    return ucf_fw(h->f, FFA_RXTX_MAP_64, 0, 0, 0, 0, 0);
}

static void expect_forwarded_error(struct hyp *h, int32_t code)
{
    struct ffa_regs r = map_forwarded(h);

    th_assert_error(&r, code);
    /* Nothing was recorded: the VM is still unknown. */
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, VM2, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

/* ---- FFA_FEATURES and the calls without ns_memory ---- */

static const uint32_t buffer_abis[] = {FFA_RXTX_MAP_64, FFA_RXTX_UNMAP,         FFA_RX_ACQUIRE,
                                       FFA_RX_RELEASE,  FFA_PARTITION_INFO_GET, FFA_MSG_SEND2};

static int setup_without_ns_memory(void **state)
{
    *state = ucf_new(UCF_ECHO, 0, 0);
    return 0;
}

static int setup_nothing_mapped(void **state)
{
    *state = ucf_new_full(UCF_ECHO, false);
    return 0;
}

static int teardown_world(void **state)
{
    ucf_free(*state);
    return 0;
}

static void test_without_ns_memory_buffer_abis_are_not_supported(void **state)
{
    struct ucf *f = *state;

    for (size_t i = 0; i < sizeof(buffer_abis) / sizeof(buffer_abis[0]); i++) {
        struct ffa_regs r = ucf_fw(f, FFA_FEATURES, buffer_abis[i], 0, 0, 0, 0);

        th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
        r = ucf_fw(f, buffer_abis[i], 0, 0, 0, 0, 0);
        th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    }
}

static void test_features_report_buffer_abis_with_ns_memory(void **state)
{
    for (size_t i = 0; i < sizeof(buffer_abis) / sizeof(buffer_abis[0]); i++) {
        struct ffa_regs r = ucf_fw(H(state)->f, FFA_FEATURES, buffer_abis[i], 0, 0, 0, 0);

        assert_success(&r);
        /* RXTX_MAP: 4 KiB minimum (w2[1:0] = 0), 64 pages at most (w2[31:16]). */
        assert_int_equal(r.x[2], buffer_abis[i] == FFA_RXTX_MAP_64 ? 64u << 16 : 0);
    }
}

static void test_rxtx_map_32_is_not_supported(void **state)
{
    struct ffa_regs r = ucf_fw(H(state)->f, FFA_FEATURES, FFA_RXTX_MAP_32, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = ucf_fw(H(state)->f, FFA_RXTX_MAP_32, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

/* ---- The hypervisor's own pair ---- */

static void test_own_map_twice_is_denied(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_RXTX_MAP_64, h->tx_pa, h->rx_pa, 1, 0, 0);

    th_assert_error(&r, FFA_RET_DENIED);
}

/* A fresh SPMC, nothing mapped yet: own-pair arguments that must be refused. */
static void test_own_map_bad_arguments_are_invalid(void **state)
{
    struct ucf *f = *state;
    uint64_t tx_pa, rx_pa;
    struct ffa_regs r;

    ucf_hyp_pages(f, 1, &tx_pa);
    ucf_hyp_pages(f, 2, &rx_pa);
    {
        const struct {
            uint64_t tx, rx;
            uint32_t pages;
        } cases[] = {
            {tx_pa, rx_pa, 0},                  /* no page */
            {tx_pa, rx_pa, 65},                 /* above the maximum */
            {tx_pa + 8, rx_pa, 1},              /* unaligned */
            {tx_pa, tx_pa, 1},                  /* TX = RX */
            {rx_pa, rx_pa + 4096, 2},           /* overlapping */
            {UINT64_MAX - 4095, rx_pa, 2},      /* wraps */
            {UINT64_C(0x7000000000), rx_pa, 1}, /* the host refuses: not a hypervisor page */
            {0, 0, 1},                          /* (with a count: not the forwarded form) */
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            r = ucf_fw(f, FFA_RXTX_MAP_64, cases[i].tx, cases[i].rx, cases[i].pages, 0, 0);
            if (r.x[0] != FFA_ERROR || r.x[2] != (uint32_t)FFA_RET_INVALID_PARAMETERS)
                fail_msg("case %zu: expected INVALID_PARAMETERS, got 0x%llx w2 0x%llx", i,
                         (unsigned long long)r.x[0], (unsigned long long)r.x[2]);
        }
    }
    /* The right arguments still work: nothing was half-recorded. */
    r = ucf_fw(f, FFA_RXTX_MAP_64, tx_pa, rx_pa, 1, 0, 0);
    assert_success(&r);
}

static void test_own_unmap_then_partition_info_is_busy(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0);

    assert_success(&r);
    r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY); /* no RX buffer: Hafnium's vm_is_mailbox_busy() */
    r = ucf_fw(h->f, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

/* ---- A VM's pair, forwarded ---- */

static void test_forwarded_map_is_recorded(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r;

    write_desc(h, VM2, 1);
    r = map_forwarded(h);
    assert_success(&r);
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, VM2, 0, 0, 0, 0);
    assert_success(&r);
}

static void test_forwarded_map_twice_is_denied(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r;

    write_desc(h, VM2, 1);
    r = map_forwarded(h);
    assert_success(&r);
    r = map_forwarded(h);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_forwarded_map_without_own_buffers_is_invalid(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_fw(f, FFA_RXTX_MAP_64, 0, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_map_of_secure_or_hypervisor_id_is_invalid(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 1);
    h->tx[0] = 0x01;
    h->tx[1] = 0x80;
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    h->tx[0] = h->tx[1] = 0;
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_reserved_fields_must_be_zero(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 1);
    h->tx[2] = 1;
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    h->tx[12] = 1;
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    h->tx[16 + 8] = 1; /* composite reserved */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    h->tx[32 + 12] = 1; /* range reserved */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_bad_region_offsets_are_invalid(void **state)
{
    struct hyp *h = H(state);
    const uint32_t offsets[] = {20, 8, 4096 - 8, 4096, UINT32_MAX - 7};

    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        write_desc(h, VM2, 1);
        put32(h->tx + 4, offsets[i]);
        expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
        write_desc(h, VM2, 1);
        put32(h->tx + 8, offsets[i]);
        expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    }
}

static void test_forwarded_bad_page_counts_are_invalid(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 1);
    put32(h->tx + 16, 0); /* no page */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    put32(h->tx + 16, 65); /* above the maximum */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    put32(h->tx + 16, 2); /* ranges add up to 1, not 2 */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    put32(h->tx + 40, 2); /* a range beyond the total */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    put32(h->tx + 40, 0); /* an empty range */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 2);
    put32(h->tx + 48, 1); /* RX 2 pages, TX 1 */
    put32(h->tx + 72, 1);
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_bad_range_counts_are_invalid(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 1);
    put32(h->tx + 20, 0); /* no range */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    put32(h->tx + 20, 2); /* more ranges than pages */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 2);
    put32(h->tx + 8, 4096 - 32); /* TX region: its second range would run past the buffer */
    put32(h->tx + 4096 - 32, 2);
    put32(h->tx + 4096 - 28, 2);
    put64(h->tx + 4096 - 16, TEST_PA(VM2, TEST_TX_IPA));
    put32(h->tx + 4096 - 8, 1);
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_unaligned_or_wrapping_range_is_invalid(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 1);
    put64(h->tx + 32, TEST_PA(VM2, TEST_RX_IPA) + 0x800);
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 2);
    put64(h->tx + 64, UINT64_MAX - 4095); /* 2 pages from the last page: wraps */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_overlapping_buffers_are_invalid(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 2);
    put64(h->tx + 64, TEST_PA(VM2, TEST_RX_IPA) + 4096); /* TX's first page is RX's second */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_range_refused_by_host_is_invalid(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 1);
    put64(h->tx + 32, TEST_PA(VM2, TEST_RO_IPA)); /* read-only guest page as RX */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
    write_desc(h, VM2, 1);
    put64(h->tx + 64, TEST_PA(7, TEST_TX_IPA)); /* no such guest */
    expect_forwarded_error(h, FFA_RET_INVALID_PARAMETERS);
}

static void test_forwarded_descriptor_read_fault_is_aborted(void **state)
{
    struct hyp *h = H(state);

    write_desc(h, VM2, 1);
    h->f->ns_refuse = true;
    expect_forwarded_error(h, FFA_RET_ABORTED);
    h->f->ns_refuse = false;
}

static void test_forwarded_scattered_buffers_are_accepted(void **state)
{
    struct hyp *h = H(state);
    uint8_t *d = h->tx;
    struct ffa_regs r;

    /* RX and TX of 2 pages each, one range per page, the pages out of order. */
    write_desc(h, VM2, 2);
    put32(d + 20, 2);
    put64(d + 32, TEST_PA(VM2, TEST_RX_IPA + 4096));
    put32(d + 40, 1);
    put64(d + 48, TEST_PA(VM2, TEST_RX_IPA));
    put32(d + 56, 1);
    put32(d + 8, 64);
    memset(d + 64, 0, 48);
    put32(d + 64, 2);
    put32(d + 68, 2);
    put64(d + 80, TEST_PA(VM2, TEST_TX_IPA + 8192));
    put32(d + 88, 1);
    put64(d + 96, TEST_PA(VM2, TEST_TX_IPA));
    put32(d + 104, 1);
    r = map_forwarded(h);
    assert_success(&r);
}

static void test_forwarded_map_beyond_the_endpoint_table_is_denied(void **state)
{
    struct hyp *h = H(state);
    uint64_t tx_pa, rx_pa;
    struct ffa_regs r;

    /*
     * Every VM gets the same two hypervisor pages (the SPMC leaves page ownership across
     * endpoints to the hypervisor, as Hafnium's does): 1023 VMs beside the hypervisor fill the
     * 1024 slots; the next one is refused as Hafnium refuses when it has no VM slot left.
     */
    ucf_hyp_pages(h->f, 1, &tx_pa);
    ucf_hyp_pages(h->f, 1, &rx_pa);
    for (uint32_t vm = 1; vm <= 1024; vm++) {
        write_desc(h, 1, 1);
        h->tx[0] = (uint8_t)vm;
        h->tx[1] = (uint8_t)(vm >> 8);
        put64(h->tx + 32, rx_pa);
        put64(h->tx + 64, tx_pa);
        r = map_forwarded(h);
        if (vm < 1024)
            assert_success(&r);
    }
    th_assert_error(&r, FFA_RET_DENIED);
    r = ucf_fw(h->f, FFA_RXTX_UNMAP, 7u << 16, 0, 0, 0, 0); /* a slot frees up */
    assert_success(&r);
    r = map_forwarded(h);
    assert_success(&r);
}

/* ---- FFA_RXTX_UNMAP, FFA_RX_ACQUIRE, FFA_RX_RELEASE ---- */

static void test_vm_unmap_forgets_the_vm(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r;

    write_desc(h, VM2, 1);
    r = map_forwarded(h);
    assert_success(&r);
    r = ucf_fw(h->f, FFA_RXTX_UNMAP, VM2 << 16, 0, 0, 0, 0);
    assert_success(&r);
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, VM2, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_fw(h->f, FFA_RXTX_UNMAP, VM2 << 16, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    /* And the VM can map again. */
    r = map_forwarded(h);
    assert_success(&r);
}

static void test_unmap_bad_ids_are_invalid(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_RXTX_UNMAP, 0x8001u << 16, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_fw(h->f, FFA_RXTX_UNMAP, 5u << 16, 0, 0, 0, 0); /* unknown VM */
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_fw(h->f, FFA_RXTX_UNMAP, 1, 0, 0, 0, 0); /* w1[15:0] MBZ */
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_rx_acquire_and_release_follow_the_mailbox(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r;

    write_desc(h, VM2, 1);
    r = map_forwarded(h);
    assert_success(&r);
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, VM2, 0, 0, 0, 0); /* EMPTY -> OTHER_WORLD_OWNED */
    assert_success(&r);
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, VM2, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    r = ucf_fw(h->f, FFA_RX_RELEASE, VM2, 0, 0, 0, 0); /* -> EMPTY */
    assert_success(&r);
    r = ucf_fw(h->f, FFA_RX_RELEASE, VM2, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, VM2, 0, 0, 0, 0);
    assert_success(&r);
}

static void test_rx_acquire_bad_ids(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_RX_ACQUIRE, SP_ID_ECHO, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED); /* Hafnium: only VMs' buffers */
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, 9, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_fw(h->f, FFA_RX_ACQUIRE, 1u << 16 | VM2, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_rx_release_bad_ids_are_invalid(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_RX_RELEASE, 9, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_fw(h->f, FFA_RX_RELEASE, SP_ID_ECHO, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_fw(h->f, FFA_RX_RELEASE, 1u << 16, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_own_rx_release_when_empty_is_denied(void **state)
{
    struct ffa_regs r = ucf_fw(H(state)->f, FFA_RX_RELEASE, 0, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_DENIED);
}

/* ---- FFA_PARTITION_INFO_GET into the hypervisor's RX buffer ---- */

static void assert_entry(const uint8_t *e, size_t i, bool uuid)
{
    assert_int_equal(ucf_le16(e), expected_sps[i].id);
    assert_int_equal(ucf_le16(e + 2), 1);
    assert_int_equal(ucf_le32(e + 4), expected_sps[i].props);
    for (int w = 0; w < 4; w++)
        assert_int_equal(ucf_le32(e + 8 + 4 * w), uuid ? expected_sps[i].uuid[w] : 0);
}

static void test_partition_info_lists_every_sp_with_nwd_properties(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);

    assert_success(&r);
    assert_int_equal(r.x[2], NSPS);
    assert_int_equal(r.x[3], 24);
    for (size_t i = 0; i < NSPS; i++)
        assert_entry(h->rx + 24 * i, i, true);
}

static void test_partition_info_count_only_leaves_rx_alone(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r;

    memset(h->rx, 0x5a, 64);
    r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1);
    assert_success(&r);
    assert_int_equal(r.x[2], NSPS);
    assert_int_equal(r.x[3], 0); /* Hafnium: no size for a count */
    assert_int_equal(h->rx[0], 0x5a);
    r = ucf_fw(h->f, FFA_RX_RELEASE, 0, 0, 0, 0, 0); /* nothing to release */
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_partition_info_rx_full_is_busy_until_released(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);

    assert_success(&r);
    r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    r = ucf_fw(h->f, FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    assert_success(&r);
    r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    assert_success(&r);
}

static void test_partition_info_uuid_filter_gives_one_entry_without_uuid(void **state)
{
    struct hyp *h = H(state);
    const uint32_t *u = expected_sps[2].uuid;
    struct ffa_regs r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, u[0], u[1], u[2], u[3], 0);

    assert_success(&r);
    assert_int_equal(r.x[2], 1);
    assert_entry(h->rx, 2, false);
}

static void test_partition_info_unknown_uuid_is_invalid(void **state)
{
    struct ffa_regs r = ucf_fw(H(state)->f, FFA_PARTITION_INFO_GET, 1, 2, 3, 4, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_partition_info_reserved_flags_are_invalid(void **state)
{
    struct ffa_regs r = ucf_fw(H(state)->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 2);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_partition_info_for_a_v1_0_normal_world_has_8_byte_entries(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r = ucf_fw(h->f, FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_VERSION_1_2);
    r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    assert_success(&r);
    assert_int_equal(r.x[2], NSPS);
    assert_int_equal(r.x[3], 8);
    for (size_t i = 0; i < NSPS; i++) {
        assert_int_equal(ucf_le16(h->rx + 8 * i), expected_sps[i].id);
        assert_int_equal(ucf_le32(h->rx + 8 * i + 4), expected_sps[i].props & 0x7);
    }
}

static void test_partition_info_write_fault_is_aborted(void **state)
{
    struct hyp *h = H(state);
    struct ffa_regs r;

    h->f->ns_refuse = true;
    r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    h->f->ns_refuse = false;
    th_assert_error(&r, FFA_RET_ABORTED);
    r = ucf_fw(h->f, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0); /* the mailbox stayed EMPTY */
    assert_success(&r);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_without_ns_memory_buffer_abis_are_not_supported,
                                        setup_without_ns_memory, teardown_world),
        T(test_features_report_buffer_abis_with_ns_memory),
        T(test_rxtx_map_32_is_not_supported),
        T(test_own_map_twice_is_denied),
        cmocka_unit_test_setup_teardown(test_own_map_bad_arguments_are_invalid,
                                        setup_nothing_mapped, teardown_world),
        T(test_own_unmap_then_partition_info_is_busy),
        T(test_forwarded_map_is_recorded),
        T(test_forwarded_map_twice_is_denied),
        cmocka_unit_test_setup_teardown(test_forwarded_map_without_own_buffers_is_invalid,
                                        setup_nothing_mapped, teardown_world),
        T(test_forwarded_map_of_secure_or_hypervisor_id_is_invalid),
        T(test_forwarded_reserved_fields_must_be_zero),
        T(test_forwarded_bad_region_offsets_are_invalid),
        T(test_forwarded_bad_page_counts_are_invalid),
        T(test_forwarded_bad_range_counts_are_invalid),
        T(test_forwarded_unaligned_or_wrapping_range_is_invalid),
        T(test_forwarded_overlapping_buffers_are_invalid),
        T(test_forwarded_range_refused_by_host_is_invalid),
        T(test_forwarded_descriptor_read_fault_is_aborted),
        T(test_forwarded_scattered_buffers_are_accepted),
        T(test_forwarded_map_beyond_the_endpoint_table_is_denied),
        T(test_vm_unmap_forgets_the_vm),
        T(test_unmap_bad_ids_are_invalid),
        T(test_rx_acquire_and_release_follow_the_mailbox),
        T(test_rx_acquire_bad_ids),
        T(test_rx_release_bad_ids_are_invalid),
        T(test_own_rx_release_when_empty_is_denied),
        T(test_partition_info_lists_every_sp_with_nwd_properties),
        T(test_partition_info_count_only_leaves_rx_alone),
        T(test_partition_info_rx_full_is_busy_until_released),
        T(test_partition_info_uuid_filter_gives_one_entry_without_uuid),
        T(test_partition_info_unknown_uuid_is_invalid),
        T(test_partition_info_reserved_flags_are_invalid),
        T(test_partition_info_for_a_v1_0_normal_world_has_8_byte_entries),
        T(test_partition_info_write_fault_is_aborted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
