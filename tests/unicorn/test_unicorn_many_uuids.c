/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partition lists larger than an RX buffer: 22 messenger SPs with 8 UUIDs each
 * make 176 entries of 24 bytes for v1.2 callers, more than one 4 KiB page. FFA_PARTITION_INFO_GET
 * answers NO_MEMORY into a one-page buffer, for the hypervisor and for an SP, while a count-only
 * query, a two-page buffer and a v1.1 caller (one entry per partition) get their list, and an SP
 * pages through all of them with FFA_PARTITION_INFO_GET_REGS.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uc_fixture.h"

#define NSP   22u
#define NUUID 8u
#define FIRST 0x8100u

struct world {
    struct ucf *f; /* the full host, no mediator: the test is the hypervisor */
    void *dtbs[NSP];
};

/* Boot NSP messengers (IDs FIRST..), each listing NUUID UUIDs. */
static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    struct ffa_unicorn_sp_config sps[NSP];
    char elf[512], dtb[512];

    assert_non_null(w);
    ucf_sp_paths("messenger", elf, dtb, sizeof(elf));
    for (uint32_t i = 0; i < NSP; i++) {
        fdt32_t uuids[4 * NUUID];
        size_t size;
        int root;

        w->dtbs[i] = ucf_read_file(dtb, &size, 4096);
        assert_int_equal(fdt_open_into(w->dtbs[i], w->dtbs[i], (int)size + 4096), 0);
        root = fdt_path_offset(w->dtbs[i], "/");
        for (uint32_t u = 0; u < 4 * NUUID; u++)
            uuids[u] = cpu_to_fdt32(u % 4 == 3 ? (i << 8 | u / 4) : 0x5ca1e000u + u % 4);
        assert_int_equal(fdt_setprop(w->dtbs[i], root, "uuid", uuids, sizeof(uuids)), 0);
        assert_int_equal(fdt_setprop_u32(w->dtbs[i], root, "id", FIRST + i), 0);
        assert_int_equal(fdt_delprop(w->dtbs[i], root, "boot-order"), 0);
        memset(&sps[i], 0, sizeof(sps[i]));
        sps[i].elf_path = elf;
        sps[i].manifest_data = w->dtbs[i];
        sps[i].manifest_size = fdt_totalsize(w->dtbs[i]);
    }
    w->f = ucf_new_full_sps(sps, NSP, false);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;

    ucf_free(w->f);
    for (uint32_t i = 0; i < NSP; i++)
        free(w->dtbs[i]);
    free(w);
    return 0;
}

static struct ucf *F(void **state)
{
    return ((struct world *)*state)->f;
}

/* The hypervisor registers its own pair of `pages` pages; returns the RX view. */
static uint8_t *map_own(struct ucf *f, uint32_t pages)
{
    uint64_t tx_pa, rx_pa;
    uint8_t *rx;
    struct ffa_regs r;

    ucf_hyp_pages(f, pages, &tx_pa);
    rx = ucf_hyp_pages(f, pages, &rx_pa);
    r = ucf_fw(f, FFA_RXTX_MAP_64, tx_pa, rx_pa, pages, 0, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    return rx;
}

static void test_list_beyond_one_page_is_no_memory_for_the_hypervisor(void **state)
{
    struct ffa_regs r;

    map_own(F(state), 1);
    r = ucf_fw(F(state), FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    r = ucf_fw(F(state), FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], NSP * NUUID);
    r = ucf_fw(F(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0); /* NO_MEMORY left the buffer EMPTY */
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_two_page_buffer_holds_every_uuid(void **state)
{
    uint8_t *rx = map_own(F(state), 2);
    struct ffa_regs r = ucf_fw(F(state), FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], NSP * NUUID);
    /* Entry 8 * i + u: partition FIRST + i, its u-th UUID. */
    for (uint32_t i = 0; i < NSP; i++) {
        for (uint32_t u = 0; u < NUUID; u++) {
            const uint8_t *e = rx + 24 * (NUUID * i + u);

            assert_int_equal(ucf_le16(e), FIRST + i);
            assert_int_equal(ucf_le32(e + 20), i << 8 | u);
        }
    }
}

static void test_v1_1_caller_sees_one_entry_per_partition(void **state)
{
    uint8_t *rx = map_own(F(state), 1);
    struct ffa_regs r = ucf_fw(F(state), FFA_VERSION, FFA_VERSION_1_1, 0, 0, 0, 0);

    r = ucf_fw(F(state), FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], NSP);
    for (uint32_t i = 0; i < NSP; i++)
        assert_int_equal(ucf_le32(rx + 24 * i + 20), i << 8); /* its first UUID */
}

static void test_list_beyond_one_page_is_no_memory_for_an_sp(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(F(state), FIRST + 3, SP_MCMD_PARTINFO, 0, 0, 0, 0);

    assert_int_equal(r.x[3], FFA_ERROR);
    assert_int_equal(r.x[4], (uint32_t)FFA_RET_NO_MEMORY);
    r = ucf_sp_cmd(F(state), FIRST + 3, SP_MCMD_PARTINFO_COUNT, 0, 0, 0, 0);
    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    assert_int_equal(r.x[4], NSP * NUUID);
}

/*
 * FFA_PARTITION_INFO_GET_REGS pages through the whole list, five entries a call (24-byte
 * descriptors in x3..x17), as Linux's __ffa_partition_info_get_regs() loops: start at 0, then at
 * the current index + 1 until the current index is the last.
 */
static void test_sp_pages_through_every_uuid_with_partition_info_regs(void **state)
{
    uint32_t start = 0, seen = 0;

    for (;;) {
        struct ffa_regs r;
        uint32_t last, cur;

        ucf_sp_call64(F(state), FIRST + 5, FFA_PARTITION_INFO_GET_REGS, 0, 0, start, &r);
        assert_int_equal(r.x[0], FFA_SUCCESS_64);
        last = (uint32_t)(r.x[2] & 0xffff);
        cur = (uint32_t)(r.x[2] >> 16 & 0xffff);
        assert_int_equal(r.x[2] >> 48, 24);
        assert_int_equal(r.x[2] >> 32 & 0xffff, 0); /* tag */
        assert_int_equal(last, NSP * NUUID - 1);
        assert_int_equal(cur, start + 4 <= last ? start + 4 : last);
        for (uint32_t e = start; e <= cur; e++) {
            uint32_t i = e / NUUID, u = e % NUUID;
            const uint64_t *x = &r.x[3 + 3 * (e - start)];

            assert_int_equal(x[0] & 0xffffffff, (FIRST + i) | 1u << 16);
            assert_int_equal(x[1], 0x5ca1e000u | (uint64_t)0x5ca1e001u << 32);
            assert_int_equal(x[2], 0x5ca1e002u | (uint64_t)(i << 8 | u) << 32);
            seen++;
        }
        if (cur == last)
            break;
        start = cur + 1;
    }
    assert_int_equal(seen, NSP * NUUID);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_list_beyond_one_page_is_no_memory_for_the_hypervisor),
        T(test_two_page_buffer_holds_every_uuid),
        T(test_v1_1_caller_sees_one_entry_per_partition),
        T(test_list_beyond_one_page_is_no_memory_for_an_sp),
        T(test_sp_pages_through_every_uuid_with_partition_info_regs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
