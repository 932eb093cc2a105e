/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partition images that are large or scattered load and run: a 64 MiB partition (bigmem: a
 * 64 MiB zero-initialised area) and one whose segments are 1 GiB apart (farseg). The SPMC applies
 * page permissions per run of pages with equal permissions; applied one 4 KiB page at a time, an
 * image of 4 MiB or more made ffa_unicorn_create() abort inside Unicorn (uc.c uc_mem_protect()
 * splits a memory region per call).
 */
#include "uc_fixture.h"

static int setup_bigmem(void **state)
{
    *state = ucf_new(UCF_BIGMEM, 0, 0);
    return 0;
}

static int setup_farseg(void **state)
{
    *state = ucf_new(UCF_FARSEG | UCF_ECHO, 0, 0);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

static void assert_touch(struct ucf *f, uint16_t sp, uint32_t page, uint32_t value)
{
    struct ffa_regs r = ucf_req(f, sp, SP_BIG_CMD_TOUCH, page, value, 0, 0);

    ucf_assert_resp(&r, sp);
    assert_int_equal(r.x[3], value);
    assert_int_equal(r.x[4], (uint32_t)~value);
}

static void test_64_mib_partition_boots(void **state)
{
    struct ucf *f = *state;

    assert_int_equal(ucf_state(f, SP_ID_BIGMEM), FFA_UNICORN_EC_WAITING);
    assert_false(ucf_log_has(f, "aborted"));
}

static void test_64_mib_partition_has_every_page_writable(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_BIGMEM, SP_BIG_CMD_INFO, 0, 0, 0, 0);

    ucf_assert_resp(&r, SP_ID_BIGMEM);
    assert_int_equal(r.x[4], SP_BIG_PAGES);
    assert_int_equal(r.x[5], 0); /* zero-initialised */
    assert_touch(f, SP_ID_BIGMEM, 0, 0x1111);
    assert_touch(f, SP_ID_BIGMEM, SP_BIG_PAGES / 2, 0x2222);
    assert_touch(f, SP_ID_BIGMEM, SP_BIG_PAGES - 1, 0x3333);
}

static void test_segments_1_gib_apart_are_loaded_where_linked(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_FARSEG, SP_BIG_CMD_INFO, 0, 0, 0, 0);

    assert_int_equal(ucf_state(f, SP_ID_FARSEG), FFA_UNICORN_EC_WAITING);
    ucf_assert_resp(&r, SP_ID_FARSEG);
    assert_int_equal(r.x[3], SP_FAR_ADDR);
    assert_int_equal(r.x[4], 16);           /* 64 KiB */
    assert_int_equal(r.x[5], SP_FAR_MAGIC); /* its file bytes were copied 1 GiB away */
}

static void test_segments_1_gib_apart_are_writable_and_other_sps_run(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    assert_touch(f, SP_ID_FARSEG, 1, 0x4444);
    assert_touch(f, SP_ID_FARSEG, 15, 0x5555);
    r = ucf_req(f, SP_ID_ECHO, 1, 2, 3, 4, 5);
    ucf_assert_resp(&r, SP_ID_ECHO);
    assert_int_equal(r.x[3], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_64_mib_partition_boots, setup_bigmem, teardown),
        cmocka_unit_test_setup_teardown(test_64_mib_partition_has_every_page_writable, setup_bigmem,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_segments_1_gib_apart_are_loaded_where_linked,
                                        setup_farseg, teardown),
        cmocka_unit_test_setup_teardown(test_segments_1_gib_apart_are_writable_and_other_sps_run,
                                        setup_farseg, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
