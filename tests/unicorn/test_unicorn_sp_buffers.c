/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an SP may do with buffers (DEN0077A v1.2 FFA_RXTX_MAP, FFA_RX_RELEASE,
 * FFA_PARTITION_INFO_GET and _GET_REGS; Hafnium src/api.c), through the messenger SPs' commands:
 * FFA_RXTX_MAP_64 / UNMAP of its own pages, the manifest's rx_tx-info pair, FFA_RX_RELEASE,
 * FFA_PARTITION_INFO_GET with SP-visible properties and the entry size of the caller's version,
 * FFA_FEATURES, and the RX buffer being read-only to its SP while mapped.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uc_fixture.h"

#define SPS (UCF_ECHO | UCF_MESSENGER | UCF_MESSENGER2 | UCF_MSG_V10)

static int setup(void **state)
{
    *state = ucf_new_full(SPS, false);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

static void assert_sp_success(const struct ffa_regs *r)
{
    if (r->x[3] != FFA_SUCCESS_32)
        fail_msg("expected FFA_SUCCESS_32, got 0x%llx w2 0x%llx", (unsigned long long)r->x[3],
                 (unsigned long long)r->x[5]);
}

/* SP_MCMD_PARTINFO* and SP_MCMD_SEND answer w3 = x0, w4 = w2 of the result. */
static void assert_mcmd_error(const struct ffa_regs *r, int32_t code)
{
    if (r->x[3] != FFA_ERROR || r->x[4] != (uint32_t)code)
        fail_msg("expected FFA_ERROR(%d), got 0x%llx w2 0x%llx", code, (unsigned long long)r->x[3],
                 (unsigned long long)r->x[4]);
}

struct addrs {
    uint32_t rx, tx, spare, code, pages;
};

static struct addrs addrs_of(void **state, uint16_t sp)
{
    struct ffa_regs r = ucf_sp_cmd(*state, sp, SP_MCMD_ADDRS, 0, 0, 0, 0);
    struct addrs a = {(uint32_t)r.x[3], (uint32_t)r.x[4], (uint32_t)r.x[5], (uint32_t)r.x[6],
                      (uint32_t)r.x[7]};

    return a;
}

/* ---- FFA_FEATURES ---- */

static void test_sp_features_report_buffer_abis(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_FEATURES, FFA_RXTX_MAP_64, 0, 0);

    assert_sp_success(&r);
    assert_int_equal(r.x[5], 64u << 16);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_FEATURES, FFA_MSG_SEND2, 0, 0);
    assert_sp_success(&r);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_FEATURES, FFA_PARTITION_INFO_GET, 0, 0);
    assert_sp_success(&r);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_FEATURES, FFA_RXTX_MAP_32, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_v1_0_sp_features_have_no_send2_and_no_max_pages(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MSG_V10, FFA_FEATURES, FFA_MSG_SEND2, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_NOT_SUPPORTED);
    r = ucf_sp_call(*state, SP_ID_MSG_V10, FFA_FEATURES, FFA_RXTX_MAP_64, 0, 0);
    assert_sp_success(&r);
    assert_int_equal(r.x[5], 0);
}

/* ---- FFA_RXTX_MAP_64 / UNMAP ---- */

static void test_sp_map_twice_is_denied(void **state)
{
    struct addrs a = addrs_of(state, SP_ID_MESSENGER);
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_MAP_64, a.tx, a.rx, 1);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_map_32_is_not_supported(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_MAP_32, 0, 0, 1);

    ucf_assert_sp_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_sp_map_bad_arguments_are_invalid(void **state)
{
    struct addrs a = addrs_of(state, SP_ID_MESSENGER);
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_UNMAP, 0, 0, 0);
    const struct {
        uint32_t tx, rx, pages;
        const char *what;
    } cases[] = {
        {a.tx, a.rx, 0, "no page"},
        {a.tx, a.rx, 65, "above the maximum"},
        {a.tx + 8, a.rx, 1, "unaligned"},
        {a.rx, a.rx, 1, "TX = RX"},
        {a.spare, a.tx, 2, "overlapping"},
        {a.code & ~0xfffu, a.rx, 1, "code (not writable)"},
        {0xfff01000u, a.rx, 1, "the SPMC window (read-only)"},
        {SP_UNMAPPED_ADDR, a.rx, 1, "unmapped"},
        {a.rx, a.rx + 0x100000, 1, "RX past its RAM"},
    };

    assert_sp_success(&r);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_MAP_64, cases[i].tx, cases[i].rx,
                        cases[i].pages);
        if (r.x[3] != FFA_ERROR || r.x[5] != (uint32_t)FFA_RET_INVALID_PARAMETERS)
            fail_msg("%s: expected INVALID_PARAMETERS, got 0x%llx w2 0x%llx", cases[i].what,
                     (unsigned long long)r.x[3], (unsigned long long)r.x[5]);
    }
    /* Any two writable pages of its own will do. */
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_MAP_64, a.spare, a.rx, 1);
    assert_sp_success(&r);
}

static void test_sp_unmap_rules(void **state)
{
    struct ffa_regs r =
        ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_UNMAP, SP_ID_MESSENGER << 16, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS); /* w1 is the hypervisor's */
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_UNMAP, 0, 0, 0);
    assert_sp_success(&r);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_UNMAP, 0, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_manifest_pair_is_mapped_before_boot(void **state)
{
    struct addrs a = addrs_of(state, SP_ID_MESSENGER2);
    struct ffa_regs r;

    assert_int_equal(a.rx, SP_MSG2_RX_ADDR);
    r = ucf_sp_call(*state, SP_ID_MESSENGER2, FFA_RXTX_MAP_64, SP_MSG2_TX_ADDR, SP_MSG2_RX_ADDR, 1);
    ucf_assert_sp_error(&r, FFA_RET_DENIED);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER2, SP_MCMD_PARTINFO, 0, 0, 0, 0);
    assert_sp_success(&r);
}

static void test_rx_write_by_its_sp_aborts_it(void **state)
{
    struct ffa_regs r = ucf_sp_req(*state, SP_ID_MESSENGER, SP_MCMD_WRITE_RX, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_ABORTED);
    assert_true(ucf_log_has(*state, "data abort"));
}

static void test_rx_is_writable_again_after_unmap(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_UNMAP, 0, 0, 0);

    assert_sp_success(&r);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_WRITE_RX, 0, 0, 0, 0);
    assert_int_equal(r.x[3], 0xbad);
}

/* ---- FFA_RX_RELEASE ---- */

static void test_sp_rx_release_rules(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RX_RELEASE, 0, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED); /* EMPTY */
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO, 0, 0, 0, 0);
    assert_sp_success(&r);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RX_RELEASE, 1, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS); /* w1 is the hypervisor's */
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RX_RELEASE, 0, 0, 0);
    assert_sp_success(&r);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RX_RELEASE, 0, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

/* ---- FFA_MSG_WAIT's flags (the release itself: test_unicorn_msg) ---- */

static void test_msg_wait_flags_beyond_retain_are_invalid(void **state)
{
    /* Checked before the runtime model: in a direct request, a valid wait is only DENIED. */
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_MSG_WAIT, 0, 2, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_MSG_WAIT, 0, 1, 0);
    ucf_assert_sp_error(&r, FFA_RET_DENIED);
    r = ucf_sp_call(*state, SP_ID_MSG_V10, FFA_MSG_WAIT, 0, 1, 0); /* no retain flag in v1.0 */
    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

/* ---- FFA_PARTITION_INFO_GET from an SP ---- */

/* What an SP sees: SPs also send direct requests to SPs (Hafnium). */
static const struct {
    uint16_t id;
    uint32_t uuid3;
    uint32_t props;
} sp_view[] = {
    {SP_ID_ECHO, 0xcbdae1da, 0x703},
    {SP_ID_MESSENGER, 0x0000000b, 0x707},
    {SP_ID_MESSENGER2, 0x0000000c, 0x707},
    {SP_ID_MSG_V10, 0x0000000d, 0x103},
};

static uint32_t peek(void **state, uint16_t sp, uint32_t off, int word)
{
    struct ffa_regs r = ucf_sp_cmd(*state, sp, SP_MCMD_PEEK, off, 0, 0, 0);

    return (uint32_t)r.x[3 + word];
}

static void test_sp_partition_info_has_sp_view_properties(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO, 0, 0, 0, 0);

    assert_sp_success(&r);
    assert_int_equal(r.x[4], 4);
    assert_int_equal(r.x[5], 24);
    for (uint32_t i = 0; i < 4; i++) {
        r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PEEK, 24 * i, 0, 0, 0);
        assert_int_equal(r.x[3], (uint32_t)sp_view[i].id | 1u << 16);
        assert_int_equal(r.x[4], sp_view[i].props);
        assert_int_equal(peek(state, SP_ID_MESSENGER, 24 * i + 20, 0), sp_view[i].uuid3);
    }
}

static void test_sp_partition_info_busy_until_released(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO, 0, 0, 0, 0);

    assert_sp_success(&r);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO, 0, 0, 0, 0);
    assert_mcmd_error(&r, FFA_RET_BUSY);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RX_RELEASE, 0, 0, 0);
    assert_sp_success(&r);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO, 0, 0, 0, 0);
    assert_sp_success(&r);
}

static void test_sp_partition_info_count_only(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO_COUNT, 0, 0, 0, 0);

    assert_sp_success(&r);
    assert_int_equal(r.x[4], 4);
    assert_int_equal(r.x[5], 0);
    r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RX_RELEASE, 0, 0, 0); /* the RX stayed EMPTY */
    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_partition_info_uuid_filter_and_errors(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO, 0x1e67b5b4,
                                   0xe14f904a, 0x13fb1fb8, 0xcbdae1da);

    assert_sp_success(&r);
    assert_int_equal(r.x[4], 1);
    assert_int_equal(peek(state, SP_ID_MESSENGER, 0, 0), SP_ID_ECHO | 1u << 16);
    assert_int_equal(peek(state, SP_ID_MESSENGER, 8, 0), 0); /* the UUID field is zero */
    assert_int_equal(peek(state, SP_ID_MESSENGER, 8, 3), 0);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER2, SP_MCMD_PARTINFO, 1, 2, 3, 4);
    assert_mcmd_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER2, SP_MCMD_PARTINFO_FLAGS, 0, 0, 0, 0);
    assert_mcmd_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_partition_info_without_rx_is_busy(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_UNMAP, 0, 0, 0);

    assert_sp_success(&r);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO, 0, 0, 0, 0);
    assert_mcmd_error(&r, FFA_RET_BUSY);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PARTINFO_COUNT, 0, 0, 0, 0);
    assert_sp_success(&r); /* a count needs no buffer */
}

static void test_v1_0_sp_partition_info_has_8_byte_entries(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MSG_V10, SP_MCMD_PARTINFO, 0, 0, 0, 0);

    assert_sp_success(&r);
    assert_int_equal(r.x[4], 4);
    assert_int_equal(r.x[5], 8);
    for (uint32_t i = 0; i < 4; i++) {
        r = ucf_sp_cmd(*state, SP_ID_MSG_V10, SP_MCMD_PEEK, 8 * i, 0, 0, 0);
        assert_int_equal(r.x[3], (uint32_t)sp_view[i].id | 1u << 16);
        assert_int_equal(r.x[4], sp_view[i].props & 0x7);
    }
}

/* ---- FFA_PARTITION_INFO_GET_REGS from an SP (Hafnium api_ffa_partition_info_get_regs()) ---- */

/* The UUIDs of the fixture's partitions in register form: x(n+1) = w0 | w1 << 32, x(n+2) = w2 | w3
 * << 32 (DEN0077A v1.2, FFA_PARTITION_INFO_GET_REGS). */
static const uint32_t sp_uuids[4][4] = {
    {0x1e67b5b4, 0xe14f904a, 0x13fb1fb8, 0xcbdae1da},
    {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000b},
    {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000c},
    {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000d},
};

#define REGS_DESC_SIZE (UINT64_C(24) << 48)

static uint64_t uuid_lo(uint32_t i)
{
    return sp_uuids[i][0] | (uint64_t)sp_uuids[i][1] << 32;
}

static uint64_t uuid_hi(uint32_t i)
{
    return sp_uuids[i][2] | (uint64_t)sp_uuids[i][3] << 32;
}

static void assert_regs_error(const struct ffa_regs *r, int32_t code)
{
    if (r->x[0] != FFA_ERROR || r->x[2] != (uint32_t)code)
        fail_msg("expected FFA_ERROR(%d), got 0x%llx w2 0x%llx", code, (unsigned long long)r->x[0],
                 (unsigned long long)r->x[2]);
}

static void test_sp_partition_info_regs_lists_every_sp_in_registers(void **state)
{
    struct ffa_regs r;

    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[1], 0);
    /* Descriptor size 24, tag 0, current index 3, last index 3. */
    assert_int_equal(r.x[2], REGS_DESC_SIZE | 3u << 16 | 3u);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(r.x[3 + 3 * i],
                         sp_view[i].id | UINT64_C(1) << 16 | (uint64_t)sp_view[i].props << 32);
        assert_int_equal(r.x[4 + 3 * i], uuid_lo(i));
        assert_int_equal(r.x[5 + 3 * i], uuid_hi(i));
    }
    for (int i = 15; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
}

static void test_sp_partition_info_regs_from_a_start_index(void **state)
{
    struct ffa_regs r;

    ucf_sp_call64(*state, SP_ID_MESSENGER2, FFA_PARTITION_INFO_GET_REGS, 0, 0, 2, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[2], REGS_DESC_SIZE | 3u << 16 | 3u);
    assert_int_equal(r.x[3], sp_view[2].id | UINT64_C(1) << 16 | (uint64_t)sp_view[2].props << 32);
    assert_int_equal(r.x[6], sp_view[3].id | UINT64_C(1) << 16 | (uint64_t)sp_view[3].props << 32);
    for (int i = 9; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
}

static void test_sp_partition_info_regs_with_uuid_gives_its_entry_without_uuid(void **state)
{
    struct ffa_regs r;

    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, uuid_lo(0), uuid_hi(0), 0,
                  &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[2], REGS_DESC_SIZE);
    assert_int_equal(r.x[3], SP_ID_ECHO | UINT64_C(1) << 16 | (uint64_t)sp_view[0].props << 32);
    for (int i = 4; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0); /* no UUID with a UUID filter, as for PARTITION_INFO_GET */
}

static void test_sp_partition_info_regs_nonzero_tag_is_retry(void **state)
{
    struct ffa_regs r;

    /* The list never changes after boot: tag 0 is the only one ever given out. */
    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, 0, 0, 1u << 16, &r);
    assert_regs_error(&r, FFA_RET_RETRY);
    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, 0, 0, 7u << 16 | 2, &r);
    assert_regs_error(&r, FFA_RET_RETRY);
}

static void test_sp_partition_info_regs_start_beyond_the_list_is_invalid(void **state)
{
    struct ffa_regs r;

    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, 0, 0, 4, &r);
    assert_regs_error(&r, FFA_RET_INVALID_PARAMETERS);
    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, uuid_lo(0), uuid_hi(0), 1,
                  &r);
    assert_regs_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_partition_info_regs_unknown_uuid_is_invalid(void **state)
{
    struct ffa_regs r;

    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, 1, 2, 0, &r);
    assert_regs_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_partition_info_regs_leaves_the_rx_buffer_alone(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_MESSENGER, FFA_RXTX_UNMAP, 0, 0, 0);

    assert_sp_success(&r);
    ucf_sp_call64(*state, SP_ID_MESSENGER, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_64); /* no RX buffer needed */
    ucf_sp_call64(*state, SP_ID_MESSENGER2, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    r = ucf_sp_call(*state, SP_ID_MESSENGER2, FFA_RX_RELEASE, 0, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_DENIED); /* its RX buffer stayed EMPTY */
}

static void test_sp_partition_info_regs_is_offered_to_v1_2_sps(void **state)
{
    struct ffa_regs r =
        ucf_sp_call(*state, SP_ID_MESSENGER, FFA_FEATURES, FFA_PARTITION_INFO_GET_REGS, 0, 0);

    assert_sp_success(&r);
    assert_int_equal(r.x[5], 0);
    r = ucf_sp_call(*state, SP_ID_MSG_V10, FFA_FEATURES, FFA_PARTITION_INFO_GET_REGS, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_NOT_SUPPORTED);
    ucf_sp_call64(*state, SP_ID_MSG_V10, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, &r);
    assert_regs_error(&r, FFA_RET_NOT_SUPPORTED);
}

/* ---- The manifest's rx_tx-info node ---- */

static int node(void *fdt, const char *path)
{
    return fdt_path_offset(fdt, path);
}

static void rxtx_bad_compatible(void *fdt)
{
    fdt_setprop_string(fdt, node(fdt, "/rx_tx-info"), "compatible", "foo,bar");
}
static void rxtx_no_tx(void *fdt)
{
    fdt_delprop(fdt, node(fdt, "/rx_tx-info"), "tx-buffer");
}
static void rxtx_dangling_phandle(void *fdt)
{
    fdt_setprop_u32(fdt, node(fdt, "/rx_tx-info"), "rx-buffer", 0x77);
}
static void rxtx_same_region(void *fdt)
{
    uint32_t ph = fdt_get_phandle(fdt, node(fdt, "/memory-regions/rx-buffer"));

    fdt_setprop_u32(fdt, node(fdt, "/rx_tx-info"), "tx-buffer", ph);
}
static void rxtx_sizes_differ(void *fdt)
{
    fdt_setprop_u32(fdt, node(fdt, "/memory-regions/tx-buffer"), "pages-count", 2);
}
/* The SP writes its TX buffer (a read-only RX buffer is fine: TF-A's cactus declares one). */
static void rxtx_read_only(void *fdt)
{
    fdt_setprop_u32(fdt, node(fdt, "/memory-regions/tx-buffer"), "attributes", 1);
}

static void test_manifest_rxtx_info_is_validated(void **state)
{
    (void)state;
    ucf_expect_refused("messenger2", rxtx_bad_compatible, "rx_tx-info: property 'compatible'",
                       NULL);
    ucf_expect_refused("messenger2", rxtx_no_tx, "'tx-buffer' is missing (node 'rx_tx-info')",
                       NULL);
    ucf_expect_refused("messenger2", rxtx_dangling_phandle,
                       "'rx-buffer' value 0x77 is not the phandle", NULL);
    ucf_expect_refused("messenger2", rxtx_same_region, "are the same region", NULL);
    ucf_expect_refused("messenger2", rxtx_sizes_differ, "must have the same size", NULL);
    ucf_expect_refused("messenger2", rxtx_read_only, "region 'tx-buffer' secure read-write", NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_sp_features_report_buffer_abis),
        T(test_sp_partition_info_regs_lists_every_sp_in_registers),
        T(test_sp_partition_info_regs_from_a_start_index),
        T(test_sp_partition_info_regs_with_uuid_gives_its_entry_without_uuid),
        T(test_sp_partition_info_regs_nonzero_tag_is_retry),
        T(test_sp_partition_info_regs_start_beyond_the_list_is_invalid),
        T(test_sp_partition_info_regs_unknown_uuid_is_invalid),
        T(test_sp_partition_info_regs_leaves_the_rx_buffer_alone),
        T(test_sp_partition_info_regs_is_offered_to_v1_2_sps),
        T(test_v1_0_sp_features_have_no_send2_and_no_max_pages),
        T(test_sp_map_twice_is_denied),
        T(test_sp_map_32_is_not_supported),
        T(test_sp_map_bad_arguments_are_invalid),
        T(test_sp_unmap_rules),
        T(test_manifest_pair_is_mapped_before_boot),
        T(test_rx_write_by_its_sp_aborts_it),
        T(test_rx_is_writable_again_after_unmap),
        T(test_sp_rx_release_rules),
        T(test_msg_wait_flags_beyond_retain_are_invalid),
        T(test_sp_partition_info_has_sp_view_properties),
        T(test_sp_partition_info_busy_until_released),
        T(test_sp_partition_info_count_only),
        T(test_sp_partition_info_uuid_filter_and_errors),
        T(test_sp_partition_info_without_rx_is_busy),
        T(test_v1_0_sp_partition_info_has_8_byte_entries),
        cmocka_unit_test(test_manifest_rxtx_info_is_validated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
