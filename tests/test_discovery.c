/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_ID_GET and FFA_SPM_ID_GET. */
#include "harness.h"

/* One VM at v1.0 or v1.1; a secure world without FFA_SPM_ID_GET, or with nothing. */
static int setup_fw_nothing_v1_0(void **state)
{
    return th_setup_new(state, 0, 0, FFA_VERSION_1_0);
}

static int setup_v1_0(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_0);
}

static int setup_v1_1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_1);
}

static int setup_fw_without_spm_id_get(void **state)
{
    return th_setup_new(state, FW_DIRECT_REQ_32, 0, FFA_VERSION_1_2);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static struct ffa_regs spm_id_get(struct fixture *f)
{
    struct ffa_regs r = th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    return r;
}

static void test_id_get_returns_the_vm_id(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 9, 9, 9, 9, 9, 9, 9);

    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[1], 0);
    assert_int_equal(r.x[2], TEST_VM_ID);
    for (int i = 3; i < 8; i++)
        assert_int_equal(r.x[i], 0);
}

static void test_spm_id_get_asks_the_secure_world_once(void **state)
{
    struct fixture *f = *state;
    size_t calls_before = ffa_mock_calls(f->mock);
    struct ffa_regs r;

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
}

static void test_spm_id_get_cache_is_shared_by_vms(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *other;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8123, 0, 0, 0, 0, 0));
    spm_id_get(f);
    assert_int_equal(ffa_vm_add(f->m, 7, 1, 0, &other), 0);
    assert_int_equal(ffa_mediator_handle(f->m, other, 0, 0, &r), FFA_CALL_HANDLED);
    r = th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(f->m, other, 0, 0, &r), FFA_CALL_HANDLED);
    assert_int_equal(r.x[2], 0x8123);
}

static void test_spm_id_get_error_is_returned_and_not_cached(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8000, 0, 0, 0, 0, 0));
    r = spm_id_get(f);
    th_assert_error(&r, FFA_RET_BUSY);
    r = spm_id_get(f);
    assert_int_equal(r.x[2], 0x8000);
}

static void test_spm_id_get_bad_reply_is_aborted(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0, 0x8000, 0, 0, 0, 0, 0));
    r = spm_id_get(f);
    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_spm_id_get_needs_v1_1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = spm_id_get(f);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_spm_id_get_needs_firmware_support(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = spm_id_get(f);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_id_get_returns_the_vm_id, setup_fw_nothing_v1_0),
        T(test_spm_id_get_asks_the_secure_world_once, setup_v1_1),
        T(test_spm_id_get_cache_is_shared_by_vms, setup_v1_1),
        T(test_spm_id_get_error_is_returned_and_not_cached, setup_v1_1),
        T(test_spm_id_get_bad_reply_is_aborted, setup_v1_1),
        T(test_spm_id_get_needs_v1_1, setup_v1_0),
        T(test_spm_id_get_needs_firmware_support, setup_fw_without_spm_id_get),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
