/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one answer rule (lib/answer.h) on every forwarding path: a guest only ever sees replies a
 * correct secure world could give it. Malformed answers become FFA_ERROR(ABORTED); registers an
 * answer does not define reach the guest as zero.
 */
#include "harness.h"

#include <string.h>

#define W1_VM_TO_SP  ((TEST_VM_ID << 16) | TEST_SP_ID)
#define W1_SP_TO_VM  ((TEST_SP_ID << 16) | TEST_VM_ID)
#define SP_TARGET(v) ((TEST_SP_ID << 16) | (v))
#define JUNK         0x5a5a5a5a5a5a5a5aull

static int setup_v1_2(void **state)
{
    *state = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    return 0;
}

static int setup_v1_1(void **state)
{
    *state = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_1);
    return 0;
}

static int setup_aarch32_v1_2(void **state)
{
    *state = th_fixture_new(FW_ALL_MSG, FFA_VM_AARCH32, FFA_VERSION_1_2);
    return 0;
}

/* VM buffers forwarded to the SPMC (it has RX_ACQUIRE and MSG_SEND2), mapped. */
static int setup_forwarding(void **state)
{
    struct th_opts o = {
        .fw_abis = FW_ALL_MSG | FW_ALL_BUFFERS, .vm_version = FFA_VERSION_1_2, .full_host = 1};
    struct fixture *f = th_fixture_open(&o);

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_map_buffers(f, f->vm, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    if (f->own_buffers && f->vm != NULL && ffa_vm_find(f->m, TEST_VM_ID) != NULL) {
        /* The VM's forwarded buffers are unmapped at removal. */
        th_expect(f->mock, FFA_MOCK_X_ALL,
                  th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
                  th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    }
    th_fixture_free(f);
    return 0;
}

static int teardown_plain(void **state)
{
    th_fixture_free(*state);
    return 0;
}

/* One forwarded call `fid` from the VM whose secure-world answer is `answer` (matched on x0). */
static struct ffa_regs call_with_answer(struct fixture *f, struct ffa_regs call,
                                        struct ffa_regs answer)
{
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(call.x[0], 0, 0, 0, 0, 0, 0, 0), answer);
    th_call(f, &call);
    return call;
}

static struct ffa_regs req(struct fixture *f, struct ffa_regs answer)
{
    return call_with_answer(f, th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0, 1, 0, 0, 0, 0),
                            answer);
}

static struct ffa_regs run(struct fixture *f, struct ffa_regs answer)
{
    return call_with_answer(f, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0), answer);
}

/* ---- FFA_ERROR ---- */

static void test_error_with_status_0_is_aborted(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_ERROR, 0, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_error_with_an_undefined_status_is_aborted(void **state)
{
    static const int32_t bad[] = {-10, -100, INT32_MIN, 1, 7};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ffa_regs r = req(*state, th_regs(FFA_ERROR, 0, (uint32_t)bad[i], 0, 0, 0, 0, 0));

        th_assert_error(&r, FFA_RET_ABORTED);
    }
}

static void test_error_keeps_every_defined_status(void **state)
{
    for (int32_t code = FFA_RET_NOT_SUPPORTED; code >= FFA_RET_NO_DATA; code--) {
        struct ffa_regs r = run(*state, th_regs(FFA_ERROR, 0, (uint32_t)code, 0, 0, 0, 0, 0));

        th_assert_error(&r, code);
    }
}

static void test_error_registers_that_must_be_zero_are_zeroed(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_ERROR, JUNK, JUNK << 32 | (uint32_t)FFA_RET_BUSY,
                                            JUNK, JUNK, JUNK, JUNK, JUNK));

    th_assert_error(&r, FFA_RET_BUSY);
}

/* ---- Cycle-donation answers ---- */

static void test_interrupt_keeps_only_the_target(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_INTERRUPT, JUNK << 32 | SP_TARGET(0), JUNK, JUNK,
                                            JUNK, JUNK, JUNK, JUNK));

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], SP_TARGET(0));
    for (int i = 2; i < 8; i++)
        assert_int_equal(r.x[i], 0);
    th_expect_resume_at_removal(((struct fixture *)*state)->mock, SP_TARGET(0));
}

static void test_interrupt_naming_a_vm_is_aborted(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_INTERRUPT, 0x0002u << 16, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_yield_keeps_the_timeout_for_v1_2(void **state)
{
    struct ffa_regs r =
        run(*state, th_regs(FFA_MSG_YIELD, SP_TARGET(0), JUNK, JUNK, JUNK, JUNK, JUNK, JUNK));

    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    assert_int_equal(r.x[1], SP_TARGET(0));
    assert_int_equal(r.x[2], (uint32_t)JUNK);
    assert_int_equal(r.x[3], (uint32_t)JUNK);
    for (int i = 4; i < 8; i++)
        assert_int_equal(r.x[i], 0);
    th_expect_resume_at_removal(((struct fixture *)*state)->mock, SP_TARGET(0));
}

/* The timeout is v1.2: below it w2/w3 are reserved and reach the guest as zero. */
static void test_yield_has_no_timeout_below_v1_2(void **state)
{
    struct ffa_regs r = run(*state, th_regs(FFA_MSG_YIELD, SP_TARGET(0), 5, 6, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    assert_int_equal(r.x[2], 0);
    assert_int_equal(r.x[3], 0);
    th_expect_resume_at_removal(((struct fixture *)*state)->mock, SP_TARGET(0));
}

static void test_msg_wait_after_run_has_zero_arguments(void **state)
{
    struct ffa_regs r = run(*state, th_regs(FFA_MSG_WAIT, JUNK, 1, JUNK, JUNK, JUNK, JUNK, JUNK));

    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    for (int i = 1; i < 8; i++)
        assert_int_equal(r.x[i], 0);
}

/* ---- Direct responses ---- */

static void test_framework_response_to_a_vm_is_aborted(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM,
                                            FFA_MSG_FLAG_FRAMEWORK | 5, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_response_flags_reach_the_guest_as_zero(void **state)
{
    struct ffa_regs r =
        req(*state, th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0x7f, 3, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[2], 0);
    assert_int_equal(r.x[3], 3);
}

static void test_response_from_another_partition_is_aborted(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_MSG_SEND_DIRECT_RESP_32,
                                            (TEST_SP2_ID << 16) | TEST_VM_ID, 0, 3, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_response_to_another_vm_is_aborted(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_MSG_SEND_DIRECT_RESP_64,
                                            (TEST_SP_ID << 16) | 0x0002u, 0, 3, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_resp2_has_x2_x3_zero(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs call = th_regs(FFA_MSG_SEND_DIRECT_REQ2, W1_VM_TO_SP, 0, 0, 4, 0, 0, 0);
    struct ffa_regs answer =
        th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, JUNK, JUNK, 4, 5, 6, 7);
    struct ffa_regs r;

    th_fill_high(&answer, 0x100);
    r = call_with_answer(f, call, answer);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP2);
    assert_int_equal(r.x[2], 0);
    assert_int_equal(r.x[3], 0);
    for (int i = 4; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], answer.x[i]);
}

/* ---- What an AArch32 VM can get ---- */

static void test_resp2_after_run_to_an_aarch32_vm_is_aborted(void **state)
{
    struct ffa_regs r =
        run(*state, th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, 0, 0, 4, 5, 6, 7));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_resp_64_after_run_to_an_aarch32_vm_is_aborted(void **state)
{
    struct ffa_regs r =
        run(*state, th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, 4, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_success_64_to_an_aarch32_vm_is_aborted(void **state)
{
    struct ffa_regs r = req(*state, th_regs(FFA_SUCCESS_64, 0, 1, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_resp_32_after_run_reaches_an_aarch32_vm(void **state)
{
    struct ffa_regs r =
        run(*state, th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 4, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[3], 4);
}

/* ---- The mediator's own calls: FFA_SPM_ID_GET, RX/TX and SEND2 forwarding ---- */

static void test_spm_id_get_success_with_x0_upper_bits_is_aborted(void **state)
{
    struct ffa_regs r =
        call_with_answer(*state, th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
                         th_regs(0x100000000ull | FFA_SUCCESS_32, 0, 0x8000, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_spm_id_get_success_naming_a_non_secure_id_is_aborted(void **state)
{
    struct ffa_regs r = call_with_answer(*state, th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
                                         th_regs(FFA_SUCCESS_32, 0, 0x0001, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_spm_id_get_error_with_an_undefined_status_is_aborted(void **state)
{
    struct ffa_regs r = call_with_answer(*state, th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
                                         th_regs(FFA_ERROR, 0, (uint32_t)-42, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_forwarded_send2_error_with_an_undefined_status_is_aborted(void **state)
{
    struct fixture *f = *state;
    uint8_t *tx = th_guest_ptr(&f->host, TEST_VM_ID, TEST_TX_IPA);
    struct ffa_regs r = th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0);

    /* A v1.2 header: offset 40, sender VM 1 to SP 0x8001, 4 bytes. */
    memset(tx, 0, 64);
    tx[8] = 40;
    tx[12] = TEST_SP_ID & 0xff;
    tx[13] = TEST_SP_ID >> 8;
    tx[14] = TEST_VM_ID;
    tx[16] = 4;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)-77, 0, 0, 0, 0, 0));
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_forwarded_rx_release_error_with_an_undefined_status_is_aborted(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);

    /* The mediator cannot account for the release (a message from an SP): the SPMC judges. */
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, JUNK, (uint32_t)-77, JUNK, 0, 0, 0, 0));
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_forwarded_rx_release_error_keeps_its_status_and_zeroes_the_rest(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, JUNK, (uint32_t)FFA_RET_DENIED, JUNK, JUNK, 0, 0, 0));
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define V12(fn) cmocka_unit_test_setup_teardown(fn, setup_v1_2, teardown_plain)
#define V11(fn) cmocka_unit_test_setup_teardown(fn, setup_v1_1, teardown_plain)
#define A32(fn) cmocka_unit_test_setup_teardown(fn, setup_aarch32_v1_2, teardown_plain)
#define FWD(fn) cmocka_unit_test_setup_teardown(fn, setup_forwarding, teardown)
        V12(test_error_with_status_0_is_aborted),
        V12(test_error_with_an_undefined_status_is_aborted),
        V12(test_error_keeps_every_defined_status),
        V12(test_error_registers_that_must_be_zero_are_zeroed),
        V12(test_interrupt_keeps_only_the_target),
        V12(test_interrupt_naming_a_vm_is_aborted),
        V12(test_yield_keeps_the_timeout_for_v1_2),
        V11(test_yield_has_no_timeout_below_v1_2),
        V12(test_msg_wait_after_run_has_zero_arguments),
        V12(test_framework_response_to_a_vm_is_aborted),
        V12(test_response_flags_reach_the_guest_as_zero),
        V12(test_response_from_another_partition_is_aborted),
        V12(test_response_to_another_vm_is_aborted),
        V12(test_resp2_has_x2_x3_zero),
        A32(test_resp2_after_run_to_an_aarch32_vm_is_aborted),
        A32(test_resp_64_after_run_to_an_aarch32_vm_is_aborted),
        A32(test_success_64_to_an_aarch32_vm_is_aborted),
        A32(test_resp_32_after_run_reaches_an_aarch32_vm),
        V12(test_spm_id_get_success_with_x0_upper_bits_is_aborted),
        V12(test_spm_id_get_success_naming_a_non_secure_id_is_aborted),
        V12(test_spm_id_get_error_with_an_undefined_status_is_aborted),
        FWD(test_forwarded_send2_error_with_an_undefined_status_is_aborted),
        FWD(test_forwarded_rx_release_error_with_an_undefined_status_is_aborted),
        FWD(test_forwarded_rx_release_error_keeps_its_status_and_zeroes_the_rest),
#undef V12
#undef V11
#undef A32
#undef FWD
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
