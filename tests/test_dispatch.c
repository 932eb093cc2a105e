/* SPDX-License-Identifier: BSD-3-Clause */
/* The entry point: which calls are FF-A, the preamble, and the reply-register policy. */
#include "harness.h"

#include <string.h>

/*
 * One VM at the version it negotiated (or none yet), AArch64 or AArch32; two mediators side by
 * side.
 */
static int setup_v1_2(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2);
}

static int setup_v1_1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_1);
}

static int setup_unnegotiated(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, 0);
}

static int setup_aarch32_v1_2(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, FFA_VM_AARCH32, FFA_VERSION_1_2);
}

static int setup_aarch32_v1_1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, FFA_VM_AARCH32, FFA_VERSION_1_1);
}

static int setup_two_mediators(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_2};

    return th_setup_two(state, &o, &o);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static int teardown_two_mediators(void **state)
{
    return th_teardown_two(state);
}

static void assert_declined(struct fixture *f, uint64_t x0)
{
    struct ffa_regs r = th_regs(x0, 1, 2, 3, 4, 5, 6, 7);
    struct ffa_regs before;

    th_fill_high(&r, 50);
    before = r;
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 0, 0, &r), FFA_CALL_DECLINED);
    assert_memory_equal(&r, &before, sizeof(r));
}

static void test_non_ffa_calls_are_declined_untouched(void **state)
{
    struct fixture *f = *state;

    assert_declined(f, 0x80000000); /* SMCCC_VERSION (Arm architecture service) */
    assert_declined(f, 0x84000000); /* PSCI_VERSION: standard service, not FF-A */
    assert_declined(f, 0x8400005f); /* TRNG range, just below FF-A */
    assert_declined(f, 0x84000098); /* just above the FF-A range */
    assert_declined(f, 0x82000063); /* SiP service, FF-A-looking number */
    assert_declined(f, 0x04000063); /* yielding call, not a fast call */
    assert_declined(f, 0x84020063); /* reserved bits [23:17] set */
    assert_declined(f, 0xc6000063); /* OEM service */
}

static void test_is_ffa_call_classifies_the_range(void **state)
{
    (void)state;
    assert_true(ffa_is_ffa_call(0x84000060));
    assert_true(ffa_is_ffa_call(0xc4000097));
    assert_true(ffa_is_ffa_call(0x84010063));            /* SVE hint */
    assert_true(ffa_is_ffa_call(0xffffffff84000063ull)); /* upper half of x0 ignored */
    assert_false(ffa_is_ffa_call(0x84000098));
    assert_false(ffa_is_ffa_call(0x8400005f));
    assert_false(ffa_is_ffa_call(0x04000063));
}

static void test_sve_hint_bit_is_ignored(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_regs(FFA_VERSION | FFA_SMCCC_SVE_HINT, FFA_VERSION_1_1, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_VERSION_1_2);
    r = th_regs(FFA_ID_GET | FFA_SMCCC_SVE_HINT, 0, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], TEST_VM_ID);
}

static void test_sve_hint_is_not_forwarded(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_64 | FFA_SMCCC_SVE_HINT,
                                (TEST_VM_ID << 16) | TEST_SP_ID, 0, 1, 0, 0, 0, 0);

    th_expect(
        f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_64, 0, 0, 0, 0, 0, 0, 0),
        th_regs(FFA_MSG_SEND_DIRECT_RESP_64, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 2, 0, 0, 0, 0));
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
}

static void test_upper_half_of_x0_is_ignored(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(0xabcdef0000000000ull | FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_unknown_ffa_functions_are_not_supported(void **state)
{
    struct fixture *f = *state;
    static const uint32_t ids[] = {0x8400008f, 0x84000090, 0x84000097, 0xc4000091, 0xc4000060};

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct ffa_regs r = th_regs(ids[i], 1, 2, 3, 4, 5, 6, 7);

        th_call(f, &r);
        th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    }
}

static void test_output_only_and_secure_side_abis_are_not_supported(void **state)
{
    struct fixture *f = *state;
    static const uint32_t ids[] = {
        FFA_ERROR,
        FFA_SUCCESS_32,
        FFA_SUCCESS_64,
        FFA_INTERRUPT,
        FFA_MSG_YIELD,
        FFA_MSG_WAIT,
        FFA_MSG_POLL,
        FFA_MSG_SEND,
        FFA_MSG_SEND_DIRECT_RESP_32,
        FFA_MSG_SEND_DIRECT_RESP_64,
        FFA_MSG_SEND_DIRECT_RESP2,
        FFA_RX_ACQUIRE,
        FFA_NOTIFICATION_BITMAP_CREATE,
        FFA_NOTIFICATION_BITMAP_DESTROY,
        FFA_CONSOLE_LOG_32,
        FFA_SECONDARY_EP_REGISTER_64,
        FFA_NORMAL_WORLD_RESUME,
        FFA_EL3_INTR_HANDLE,
    };

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct ffa_regs r = th_regs(ids[i], 1, 2, 3, 4, 5, 6, 7);

        th_call(f, &r);
        th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    }
}

static void test_later_abis_are_not_supported_yet(void **state)
{
    struct fixture *f = *state;
    /* The buffer ABIs too: this fixture's host cannot map guest memory. */
    static const uint32_t ids[] = {
        FFA_RXTX_MAP_64,
        FFA_RXTX_MAP_32,
        FFA_RXTX_UNMAP,
        FFA_RX_RELEASE,
        FFA_MSG_SEND2,
        FFA_MEM_SHARE_32,
        FFA_MEM_SHARE_64,
        FFA_MEM_LEND_64,
        FFA_MEM_DONATE_64,
        FFA_MEM_RETRIEVE_REQ_64,
        FFA_MEM_RELINQUISH,
        FFA_MEM_RECLAIM,
        FFA_MEM_FRAG_RX,
        FFA_MEM_FRAG_TX,
        FFA_NOTIFICATION_BIND,
        FFA_NOTIFICATION_UNBIND,
        FFA_NOTIFICATION_SET,
        FFA_NOTIFICATION_GET,
        FFA_NOTIFICATION_INFO_GET_32,
        FFA_NOTIFICATION_INFO_GET_64,
    };

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct ffa_regs r = th_regs(ids[i], 0, 0, 0, 0, 0, 0, 0);

        th_call(f, &r);
        th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    }
}

static void test_smc64_from_aarch32_vm_is_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_64, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0, 0, 0, 0, 0);

    th_call(f, &r); /* no secure-world call is scripted: the mock would fail if one came */
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_smc64_from_aarch32_vm_does_not_lock_version(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    assert_int_equal(ffa_vm_version(f->vm), 0);
}

static void test_bad_vcpu_index_gets_invalid_parameters(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 2, 0, &r), FFA_CALL_HANDLED);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_null_vm_gets_invalid_parameters(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    assert_int_equal(ffa_mediator_handle(f->m, NULL, 0, 0, &r), FFA_CALL_HANDLED);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_of_another_mediator_gets_invalid_parameters(void **state)
{
    struct th_two *two = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    assert_int_equal(ffa_mediator_handle(two->a->m, two->b->vm, 0, 0, &r), FFA_CALL_HANDLED);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_reply_zeroes_x8_x17_for_aarch64_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_fill_high(&r, 0x1000);
    th_call(f, &r);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
}

static void test_reply_preserves_x8_x17_before_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_fill_high(&r, 0x1000);
    th_call(f, &r);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0x1000 + (uint64_t)i);
}

static void test_reply_preserves_x8_x17_for_aarch32(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_fill_high(&r, 0x1000);
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0x1000 + (uint64_t)i);
}

static void test_error_reply_clears_x3_to_x7(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_POLL, 11, 12, 13, 14, 15, 16, 17);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    assert_int_equal(r.x[2], 0xffffffffu); /* zero-extended: -1 as w2 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_non_ffa_calls_are_declined_untouched, setup_v1_2),
        cmocka_unit_test(test_is_ffa_call_classifies_the_range),
        T(test_sve_hint_bit_is_ignored, setup_unnegotiated),
        T(test_sve_hint_is_not_forwarded, setup_v1_2),
        T(test_upper_half_of_x0_is_ignored, setup_v1_2),
        T(test_unknown_ffa_functions_are_not_supported, setup_v1_2),
        T(test_output_only_and_secure_side_abis_are_not_supported, setup_v1_2),
        T(test_later_abis_are_not_supported_yet, setup_v1_2),
        T(test_smc64_from_aarch32_vm_is_not_supported, setup_aarch32_v1_2),
        T(test_smc64_from_aarch32_vm_does_not_lock_version, setup_aarch32_v1_1),
        T(test_bad_vcpu_index_gets_invalid_parameters, setup_v1_2),
        T(test_null_vm_gets_invalid_parameters, setup_v1_2),
        cmocka_unit_test_setup_teardown(test_vm_of_another_mediator_gets_invalid_parameters,
                                        setup_two_mediators, teardown_two_mediators),
        T(test_reply_zeroes_x8_x17_for_aarch64_v1_2, setup_v1_2),
        T(test_reply_preserves_x8_x17_before_v1_2, setup_v1_1),
        T(test_reply_preserves_x8_x17_for_aarch32, setup_aarch32_v1_2),
        T(test_error_reply_clears_x3_to_x7, setup_v1_1),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
