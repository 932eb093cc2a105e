/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The answer rule (lib/answer.h) on the memory-sharing paths: an answer whose x0 is no FF-A
 * function ID (any of bits [63:32] set) is not a success, whatever its low word says.
 */
#include "harness.h"
#include "mem_support.h"

#define HANDLE0 UINT64_C(0x1000) /* the model SPMC's first handle */
#define X0_HIGH UINT64_C(0x100000000)

static const struct ffa_mem_range one_page[] = {{TEST_RAM_IPA + 30 * 4096, 1}};

static int open_v12(void **state)
{
    return memfix_setup(state, FFA_VERSION_1_2, NULL, FW_MEM_WORLD);
}

static struct ffa_regs reclaim(struct fixture *f, uint64_t h)
{
    return th_do(f, f->vm, th_regs(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0, 0, 0, 0, 0));
}

/* Refused, and rolled back: the handle the answer named is reclaimed, the pages go back. */
static void test_share_answer_with_x0_upper_bits_is_aborted(void **state)
{
    struct memfix *mf = *state;
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_regs r;

    mf->fw.x0_high = X0_HIGH;
    r = md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0);
    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(mf->fw.reclaims, 1);
    assert_int_equal(mf->fw.last_reclaim, HANDLE0);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

/* A reclaim "success" with x0[63:32] set is no success: the pages stay pinned. */
static void test_reclaim_answer_with_x0_upper_bits_keeps_the_pages(void **state)
{
    struct memfix *mf = *state;
    struct md d = md_share_to_sp(FFA_VERSION_1_2, one_page, 1);
    struct ffa_regs r;

    assert_int_equal(md_send(mf->f, mf->f->vm, FFA_MEM_SHARE_64, &d, 0).x[0], FFA_SUCCESS_32);
    mf->fw.reclaim_x0_high = X0_HIGH;
    r = reclaim(mf->f, HANDLE0);
    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(mf->f->host.mem_pages_held, 1);
    mf->fw.reclaim_x0_high = 0;
    assert_int_equal(reclaim(mf->f, HANDLE0).x[0], FFA_SUCCESS_32);
    assert_int_equal(mf->f->host.mem_pages_held, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_share_answer_with_x0_upper_bits_is_aborted, open_v12,
                                        memfix_teardown),
        cmocka_unit_test_setup_teardown(test_reclaim_answer_with_x0_upper_bits_keeps_the_pages,
                                        open_v12, memfix_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
