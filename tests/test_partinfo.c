/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_PARTITION_INFO_GET and FFA_PARTITION_INFO_GET_REGS, from the cached SP list and VM table. */
#include "harness.h"

#include <string.h>

#define UUID_A                                                                                     \
    {                                                                                              \
        0xb4, 0xb5, 0x67, 0x1e, 0x4a, 0x90, 0x4f, 0xe1, 0xb8, 0x1f, 0xfb, 0x13, 0xda, 0xe1, 0xda,  \
            0xcb                                                                                   \
    }
#define UUID_B                                                                                     \
    {                                                                                              \
        0x48, 0x61, 0x78, 0xe0, 0xe7, 0xf8, 0x11, 0xe3, 0xbc, 0x5e, 0x00, 0x02, 0xa5, 0xd5, 0xc5,  \
            0x1b                                                                                   \
    }
#define UUID_C                                                                                     \
    {                                                                                              \
        0xbd, 0xcd, 0x76, 0xd7, 0x82, 0x5e, 0x47, 0x51, 0x96, 0x3b, 0x86, 0xd4, 0xf8, 0x49, 0x43,  \
            0xac                                                                                   \
    }

/*
 * Three entries for two partitions: 0x8001 with UUIDs A and B (v1.2: one entry per UUID),
 * 0x8002 with UUID C. Properties as a v1.2 SPMC reports them to the normal world: receives
 * DIRECT_REQ (bit 0), indirect messaging (bit 2), AArch64 (bit 8), receives DIRECT_REQ2 (bit 9).
 */
static const struct th_sp sps[] = {
    {0x8001, 1, 0x305, UUID_A},
    {0x8001, 1, 0x305, UUID_B},
    {0x8002, 4, 0x101, UUID_C},
};
static const uint8_t uuid_a[16] = UUID_A, uuid_b[16] = UUID_B, uuid_c[16] = UUID_C;

#define VM_BARE 0x0003u /* a VM without RX/TX buffers */

/* The SPMC lists `sps`; VM 1 (f->vm) at `version` has a 1-page RX/TX pair. */
static int setup_sps(void **state, uint32_t version, uint32_t cfg_flags, const struct th_sp *list,
                     size_t count)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_PARTINFO,
                        .vm_version = version,
                        .full_host = 1,
                        .cfg = {.flags = cfg_flags},
                        .sps = list,
                        .sp_count = count};

    if (th_setup(state, &o) != 0)
        return -1;
    if (th_try_map_buffers(*state, ((struct fixture *)*state)->vm, 1) != 0)
        return th_setup_failed(state, "cannot map VM 1's buffers");
    return 0;
}

static int setup_v1_0(void **state)
{
    return setup_sps(state, FFA_VERSION_1_0, 0, sps, 3);
}

static int setup_v1_1(void **state)
{
    return setup_sps(state, FFA_VERSION_1_1, 0, sps, 3);
}

static int setup_v1_2(void **state)
{
    return setup_sps(state, FFA_VERSION_1_2, 0, sps, 3);
}

/* And VM_BARE, at `version`, without buffers. */
static int setup_with_bare_vm(void **state, uint32_t version)
{
    struct ffa_vm *vm;

    if (setup_sps(state, version, 0, sps, 3) != 0)
        return -1;
    if (th_try_add_vm(*state, VM_BARE, 0, version, &vm) != 0)
        return th_setup_failed(state, "cannot add the VM without buffers");
    return 0;
}

static int setup_v1_1_with_bare_vm(void **state)
{
    return setup_with_bare_vm(state, FFA_VERSION_1_1);
}

static int setup_v1_2_with_bare_vm(void **state)
{
    return setup_with_bare_vm(state, FFA_VERSION_1_2);
}

/* VM-to-VM: VM 1 at v1.1, VM 5 (AArch32, v1.1) and VM 4 (v1.2) added in that order. */
static int setup_vm_to_vm_three_vms(void **state)
{
    struct ffa_vm *vm;

    if (setup_sps(state, FFA_VERSION_1_1, FFA_CFG_VM_TO_VM, sps, 3) != 0)
        return -1;
    if (th_try_add_vm(*state, 5, FFA_VM_AARCH32, FFA_VERSION_1_1, &vm) != 0 ||
        th_try_add_vm(*state, 4, 0, FFA_VERSION_1_2, &vm) != 0)
        return th_setup_failed(state, "cannot add VMs 5 and 4");
    return 0;
}

/* VM-to-VM: VM 1 at v1.1 and VMs 10..179 (1 vCPU, no version): 172 entries, > 4096 bytes. */
static int setup_vm_to_vm_172_entries(void **state)
{
    if (setup_sps(state, FFA_VERSION_1_1, FFA_CFG_VM_TO_VM, sps, 3) != 0)
        return -1;
    for (uint16_t id = 10; id < 180; id++) {
        struct ffa_vm *vm;

        if (ffa_vm_add(((struct fixture *)*state)->m, id, 1, 0, &vm) != 0)
            return th_setup_failed(state, "cannot add 170 VMs");
    }
    return 0;
}

/* VM-to-VM: VM 1 at v1.2 alone, or with VMs 10..19 (v1.1): 3 + 1 + 10 = 14 entries. */
static int setup_vm_to_vm_v1_2(void **state)
{
    return setup_sps(state, FFA_VERSION_1_2, FFA_CFG_VM_TO_VM, sps, 3);
}

static int setup_vm_to_vm_14_entries(void **state)
{
    if (setup_sps(state, FFA_VERSION_1_2, FFA_CFG_VM_TO_VM, sps, 3) != 0)
        return -1;
    for (uint16_t id = 10; id < 20; id++) {
        struct ffa_vm *vm;

        if (th_try_add_vm(*state, id, 0, FFA_VERSION_1_1, &vm) != 0)
            return th_setup_failed(state, "cannot add VMs 10..19");
    }
    return 0;
}

/* An SPMC that lists a "partition" with a normal-world ID. */
static int setup_spmc_lists_a_normal_world_id(void **state)
{
    static const struct th_sp odd[] = {
        {0x0005, 1, 0x1, UUID_A},
        {0x8003, 1, 0x1, UUID_B},
    };
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_PARTINFO,
                        .vm_version = FFA_VERSION_1_1,
                        .full_host = 1,
                        .sps = odd,
                        .sp_count = 2};

    return th_setup(state, &o);
}

/* No SP list: the host cannot give the mediator buffers, so it never asks the SPMC. */
static int setup_without_an_spmc_list(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static struct ffa_vm *bare_vm(struct fixture *f)
{
    struct ffa_vm *vm = ffa_vm_find(f->m, VM_BARE);

    assert_non_null(vm);
    return vm;
}

static uint64_t le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static const uint8_t *rx_of(struct fixture *f, uint16_t vm)
{
    return th_guest_ptr(&f->host, vm, TEST_RX_IPA);
}

/* The UUID as the four registers w1..w4 (little-endian words). */
static struct ffa_regs info_get(const uint8_t *uuid, uint32_t flags)
{
    struct ffa_regs r = th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, flags, 0, 0);

    for (int w = 0; uuid != NULL && w < 4; w++)
        r.x[1 + w] = le(uuid + 4 * w, 4);
    return r;
}

static void assert_entry24(const uint8_t *e, uint16_t id, uint16_t ctx, uint32_t props,
                           const uint8_t *uuid)
{
    static const uint8_t nil[16];

    assert_int_equal(le(e, 2), id);
    assert_int_equal(le(e + 2, 2), ctx);
    assert_int_equal(le(e + 4, 4), props);
    assert_memory_equal(e + 8, uuid != NULL ? uuid : nil, 16);
}

static void test_v1_1_gets_24_byte_entries_one_per_partition(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 0));
    const uint8_t *rx = rx_of(f, TEST_VM_ID);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 2); /* no own entry below v1.2, one entry per partition */
    assert_int_equal(r.x[3], 24);
    assert_entry24(rx, 0x8001, 1, 0x105, uuid_a); /* bit 9 (REQ2) is v1.2 */
    assert_entry24(rx + 24, 0x8002, 4, 0x101, uuid_c);
}

static void test_v1_2_gets_every_uuid_and_its_own_entry(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 0));
    const uint8_t *rx = rx_of(f, TEST_VM_ID);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 4);
    assert_int_equal(r.x[3], 24);
    assert_entry24(rx, 0x8001, 1, 0x305, uuid_a);
    assert_entry24(rx + 24, 0x8001, 1, 0x305, uuid_b);
    assert_entry24(rx + 48, 0x8002, 4, 0x101, uuid_c);
    /* The VM itself: sends direct requests (bit 1), AArch64 (bit 8), sends REQ2 (bit 10). */
    assert_entry24(rx + 72, TEST_VM_ID, 2, 0x502, NULL);
}

static void test_v1_0_gets_8_byte_entries_with_v1_0_properties(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 0));
    const uint8_t *rx = rx_of(f, TEST_VM_ID);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 2);
    assert_int_equal(r.x[3], 8);
    assert_int_equal(le(rx, 2), 0x8001);
    assert_int_equal(le(rx + 2, 2), 1);
    assert_int_equal(le(rx + 4, 4), 0x5); /* bits [2:0] only */
    assert_int_equal(le(rx + 8, 2), 0x8002);
    assert_int_equal(le(rx + 12, 4), 0x1);
}

static void test_count_only_leaves_the_rx_buffer_free(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 1));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 4);
    assert_int_equal(r.x[3], 0); /* no entries, no size (Hafnium) */
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED); /* nothing to release */
}

static void test_count_only_works_without_buffers(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, bare_vm(f), info_get(NULL, 1));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 2);
}

static void test_count_only_flag_needs_v1_1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 1));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_flag_bits_31_to_1_must_be_zero(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, bare_vm(f), info_get(NULL, 2));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_uuid_filter_selects_partitions_and_zeroes_the_uuid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(uuid_b, 0));
    const uint8_t *rx = rx_of(f, TEST_VM_ID);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 1); /* no VM entry for a UUID query */
    assert_entry24(rx, 0x8001, 1, 0x305, NULL);
}

static void test_uuid_of_a_later_entry_matches_before_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(uuid_b, 1));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 1);
}

static void test_unknown_uuid_is_invalid(void **state)
{
    static const uint8_t unknown[16] = {1, 2, 3};
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(unknown, 0));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED); /* the buffer was not taken */
}

static void test_caller_without_an_rx_buffer_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, bare_vm(f), info_get(NULL, 0));

    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_full_rx_buffer_is_busy_until_released(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    r = th_do(f, f->vm, info_get(NULL, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, f->vm, info_get(NULL, 0));
    th_assert_error(&r, FFA_RET_BUSY); /* not released yet */
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, f->vm, info_get(NULL, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_vm_to_vm_lists_the_other_vms(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;
    const uint8_t *rx = rx_of(f, TEST_VM_ID);

    r = th_do(f, f->vm, info_get(NULL, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 4); /* 2 partitions, not itself (v1.1), 2 other VMs by ID */
    /*
     * Indirect messaging (bit 2) and notification reception (bit 3, VM-to-VM notifications) with
     * VM-to-VM; bit 10 (REQ2) is hidden from a v1.1 caller...
     */
    assert_entry24(rx + 48, 4, 2, 0x10e, NULL);
    /* ...and an AArch32 VM has no bit 8. */
    assert_entry24(rx + 72, 5, 2, 0x00e, NULL);
}

static void test_list_too_big_for_the_rx_buffer_is_no_memory(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    r = th_do(f, f->vm, info_get(NULL, 0));
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED); /* the buffer went back */
}

static void test_count_only_counts_a_list_too_big_for_the_rx_buffer(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 1));

    assert_int_equal(r.x[2], 172);
}

static void test_spmc_entries_without_the_secure_bit_are_dropped(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 1));

    assert_int_equal(r.x[2], 1);
}

static void test_without_an_spmc_list_only_vms_are_listed(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, info_get(NULL, 1));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 1); /* itself */
}

static void test_features_reports_partition_info_get_without_an_spmc_list(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/* ---- FFA_PARTITION_INFO_GET_REGS ---- */

static struct ffa_regs regs_get(const uint8_t *uuid, uint32_t start, uint32_t tag)
{
    struct ffa_regs r = th_regs(FFA_PARTITION_INFO_GET_REGS, le(uuid, 8), le(uuid + 8, 8),
                                start | (tag << 16), 0, 0, 0, 0);

    th_fill_high(&r, 0x77);
    return r;
}

static const uint8_t nil_uuid[16];

static void test_regs_needs_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, regs_get(nil_uuid, 0, 0));

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_features_hides_regs_below_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_regs_packs_entries_in_x3_to_x17(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, regs_get(nil_uuid, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[1], 0);
    /* size 24 | tag | current index 3 | last index 3 */
    assert_int_equal(r.x[2] >> 48, 24);
    assert_int_equal((r.x[2] >> 16) & 0xffff, 3);
    assert_int_equal(r.x[2] & 0xffff, 3);
    assert_int_not_equal((r.x[2] >> 32) & 0xffff, 0);
    assert_int_equal(r.x[3], 0x8001 | (1ull << 16) | (0x305ull << 32));
    assert_int_equal(r.x[4], le(uuid_a, 8));
    assert_int_equal(r.x[5], le(uuid_a + 8, 8));
    assert_int_equal(r.x[6], 0x8001 | (1ull << 16) | (0x305ull << 32));
    assert_int_equal(r.x[7], le(uuid_b, 8));
    assert_int_equal(r.x[9], 0x8002 | (4ull << 16) | (0x101ull << 32));
    assert_int_equal(r.x[10], le(uuid_c, 8));
    assert_int_equal(r.x[12], TEST_VM_ID | (2ull << 16) | (0x502ull << 32));
    assert_int_equal(r.x[13], 0);
    for (int i = 15; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0); /* unused entry slots are zero */
}

static void test_regs_pages_through_a_long_list_with_the_tag(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;
    uint32_t tag, seen = 0, start = 0;

    r = th_do(f, f->vm, regs_get(nil_uuid, 0, 0)); /* 14 entries: 5 + 5 + 4 */
    tag = (uint32_t)(r.x[2] >> 32) & 0xffff;
    for (;;) {
        uint32_t cur = (uint32_t)(r.x[2] >> 16) & 0xffff, last = (uint32_t)r.x[2] & 0xffff;

        assert_int_equal(r.x[0], FFA_SUCCESS_64);
        assert_int_equal(last, 13);
        seen += cur - start + 1;
        if (cur == last)
            break;
        start = cur + 1;
        r = th_do(f, f->vm, regs_get(nil_uuid, start, tag));
    }
    assert_int_equal(seen, 14);
    assert_int_equal(r.x[3] & 0xffff, 16); /* the last call starts at index 10: VM 16 */
}

/* The tag of the list as it is now (a first call from index 0). */
static uint32_t current_tag(struct fixture *f)
{
    struct ffa_regs r = th_do(f, f->vm, regs_get(nil_uuid, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    return (uint32_t)(r.x[2] >> 32) & 0xffff;
}

static void test_regs_tag_with_start_index_0_is_invalid(void **state)
{
    struct fixture *f = *state;
    uint32_t tag = current_tag(f);
    struct ffa_regs r = th_do(f, f->vm, regs_get(nil_uuid, 0, tag));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_regs_other_tag_is_retry(void **state)
{
    struct fixture *f = *state;
    uint32_t tag = current_tag(f);
    struct ffa_regs r = th_do(f, f->vm, regs_get(nil_uuid, 1, (tag + 1) & 0xffff));

    th_assert_error(&r, FFA_RET_RETRY);
}

static void test_regs_current_tag_continues_the_list(void **state)
{
    struct fixture *f = *state;
    uint32_t tag = current_tag(f);
    struct ffa_regs r = th_do(f, f->vm, regs_get(nil_uuid, 1, tag));

    assert_int_equal(r.x[0], FFA_SUCCESS_64);
}

static void test_regs_vm_joining_changes_the_tag(void **state)
{
    struct fixture *f = *state;
    uint32_t tag = current_tag(f);
    struct ffa_regs r;

    th_add_vm(f, 9, 0, FFA_VERSION_1_1); /* the list changes, and so the tag */
    r = th_do(f, f->vm, regs_get(nil_uuid, 1, tag));
    th_assert_error(&r, FFA_RET_RETRY);
}

static void test_regs_start_past_the_end_is_invalid(void **state)
{
    struct fixture *f = *state;
    uint32_t tag = current_tag(f);
    struct ffa_regs r = th_do(f, f->vm, regs_get(nil_uuid, 4, tag));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_regs_uuid_filter_selects_one_entry_without_its_uuid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, regs_get(uuid_c, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[2] & 0xffff, 0);
    assert_int_equal(r.x[3], 0x8002 | (4ull << 16) | (0x101ull << 32));
    assert_int_equal(r.x[4], 0); /* UUID MBZ for a UUID query */
}

static void test_regs_unknown_uuid_is_invalid(void **state)
{
    static const uint8_t unknown[16] = {9};
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, regs_get(unknown, 0, 0));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_v1_1_gets_24_byte_entries_one_per_partition, setup_v1_1),
        T(test_v1_2_gets_every_uuid_and_its_own_entry, setup_v1_2),
        T(test_v1_0_gets_8_byte_entries_with_v1_0_properties, setup_v1_0),
        T(test_count_only_leaves_the_rx_buffer_free, setup_v1_2),
        T(test_count_only_works_without_buffers, setup_v1_1_with_bare_vm),
        T(test_count_only_flag_needs_v1_1, setup_v1_0),
        T(test_flag_bits_31_to_1_must_be_zero, setup_v1_1_with_bare_vm),
        T(test_uuid_filter_selects_partitions_and_zeroes_the_uuid, setup_v1_2),
        T(test_uuid_of_a_later_entry_matches_before_v1_2, setup_v1_1),
        T(test_unknown_uuid_is_invalid, setup_v1_2),
        T(test_caller_without_an_rx_buffer_is_denied, setup_v1_2_with_bare_vm),
        T(test_full_rx_buffer_is_busy_until_released, setup_v1_2),
        T(test_vm_to_vm_lists_the_other_vms, setup_vm_to_vm_three_vms),
        T(test_list_too_big_for_the_rx_buffer_is_no_memory, setup_vm_to_vm_172_entries),
        T(test_count_only_counts_a_list_too_big_for_the_rx_buffer, setup_vm_to_vm_172_entries),
        T(test_spmc_entries_without_the_secure_bit_are_dropped, setup_spmc_lists_a_normal_world_id),
        T(test_without_an_spmc_list_only_vms_are_listed, setup_without_an_spmc_list),
        T(test_features_reports_partition_info_get_without_an_spmc_list,
          setup_without_an_spmc_list),
        T(test_regs_needs_v1_2, setup_v1_1),
        T(test_features_hides_regs_below_v1_2, setup_v1_1),
        T(test_regs_packs_entries_in_x3_to_x17, setup_v1_2),
        T(test_regs_pages_through_a_long_list_with_the_tag, setup_vm_to_vm_14_entries),
        T(test_regs_tag_with_start_index_0_is_invalid, setup_vm_to_vm_v1_2),
        T(test_regs_other_tag_is_retry, setup_vm_to_vm_v1_2),
        T(test_regs_current_tag_continues_the_list, setup_vm_to_vm_v1_2),
        T(test_regs_vm_joining_changes_the_tag, setup_vm_to_vm_v1_2),
        T(test_regs_start_past_the_end_is_invalid, setup_v1_2),
        T(test_regs_uuid_filter_selects_one_entry_without_its_uuid, setup_v1_2),
        T(test_regs_unknown_uuid_is_invalid, setup_v1_2),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
