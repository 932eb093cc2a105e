/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_ID_GET and FFA_SPM_ID_GET. */
#include "harness.h"

static struct ffa_regs spm_id_get(struct fixture *f)
{
    struct ffa_regs r = th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    return r;
}

static void test_id_get_returns_the_vm_id(void **state)
{
    struct fixture *f = th_fixture_new(0, 0, FFA_VERSION_1_0);
    struct ffa_regs r = th_regs(FFA_ID_GET, 9, 9, 9, 9, 9, 9, 9);

    (void)state;
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[1], 0);
    assert_int_equal(r.x[2], TEST_VM_ID);
    for (int i = 3; i < 8; i++)
        assert_int_equal(r.x[i], 0);
    th_fixture_free(f);
}

static void test_spm_id_get_asks_the_secure_world_once(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_1);
    size_t calls_before = ffa_mock_calls(f->mock);
    struct ffa_regs r;

    (void)state;
    /* Exactly one secure-world call is scripted; a second would fail the mock. */
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8000, 0, 0, 0, 0, 0));
    r = spm_id_get(f);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 0x8000);
    r = spm_id_get(f);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 0x8000);
    assert_int_equal(ffa_mock_calls(f->mock), calls_before + 1);
    th_fixture_free(f);
}

static void test_spm_id_get_cache_is_shared_by_vms(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_1);
    struct ffa_vm *other;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);

    (void)state;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8123, 0, 0, 0, 0, 0));
    spm_id_get(f);
    assert_int_equal(ffa_vm_add(f->m, 7, 1, 0, &other), 0);
    assert_int_equal(ffa_mediator_handle(f->m, other, 0, 0, &r), FFA_CALL_HANDLED);
    r = th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(f->m, other, 0, 0, &r), FFA_CALL_HANDLED);
    assert_int_equal(r.x[2], 0x8123);
    th_fixture_free(f);
}

static void test_spm_id_get_error_is_returned_and_not_cached(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8000, 0, 0, 0, 0, 0));
    r = spm_id_get(f);
    th_assert_error(&r, FFA_RET_BUSY);
    r = spm_id_get(f);
    assert_int_equal(r.x[2], 0x8000);
    th_fixture_free(f);
}

static void test_spm_id_get_bad_reply_is_aborted(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0, 0x8000, 0, 0, 0, 0, 0));
    r = spm_id_get(f);
    th_assert_error(&r, FFA_RET_ABORTED);
    th_fixture_free(f);
}

static void test_spm_id_get_needs_v1_1(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_0);
    struct ffa_regs r = spm_id_get(f);

    (void)state;
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    th_fixture_free(f);
}

static void test_spm_id_get_needs_firmware_support(void **state)
{
    struct fixture *f = th_fixture_new(FW_DIRECT_REQ_32, 0, FFA_VERSION_1_2);
    struct ffa_regs r = spm_id_get(f);

    (void)state;
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    th_fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_get_returns_the_vm_id),
        cmocka_unit_test(test_spm_id_get_asks_the_secure_world_once),
        cmocka_unit_test(test_spm_id_get_cache_is_shared_by_vms),
        cmocka_unit_test(test_spm_id_get_error_is_returned_and_not_cached),
        cmocka_unit_test(test_spm_id_get_bad_reply_is_aborted),
        cmocka_unit_test(test_spm_id_get_needs_v1_1),
        cmocka_unit_test(test_spm_id_get_needs_firmware_support),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
