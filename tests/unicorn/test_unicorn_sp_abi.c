/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an SP may call, exercised by real SPs: the generic SP_CMD_CALL
 * command makes the S-EL0 SP (SVC) or the forwarder (S-EL1, SMC) issue a call and report the
 * SPMC's answer; SP-to-SP requests and loops go through the forwarders.
 */
#include "uc_fixture.h"

static int setup(void **state)
{
    *state = ucf_new(UCF_ECHO | UCF_EL0 | UCF_FORWARDER | UCF_FORWARDER2 | UCF_WORKER, 0, 0);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

static int setup_with_budget(void **state)
{
    *state = ucf_new(UCF_ECHO | UCF_FORWARDER | UCF_WORKER, 20000, 0);
    return 0;
}

static int setup_with_aborted_sp(void **state)
{
    *state = ucf_new(UCF_ECHO | UCF_FORWARDER | UCF_INIT_ABORT, 0, 0);
    return 0;
}

static int teardown_world(void **state)
{
    ucf_free(*state);
    return 0;
}

static void test_sp_version_is_1_2(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_VERSION, FFA_VERSION_1_1, 0, 0);

    /* The S-EL0 SP made FF-A calls at boot: its version is locked at its manifest's 1.2. */
    assert_int_equal(r.x[3], 0xffffffffu);
    r = ucf_sp_call(*state, SP_ID_EL0, FFA_VERSION, FFA_VERSION_1_2, 0, 0);
    assert_int_equal(r.x[3], FFA_VERSION_1_2);
}

static void test_sp_features_reports_what_sps_may_call(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_FEATURES, FFA_MSG_WAIT, 0, 0);

    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_FEATURES, FFA_MEM_SHARE_32, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_sp_id_get_is_its_own_id(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_ID_GET, 0, 0, 0);

    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    assert_int_equal(r.x[5], SP_ID_EL0);
}

static void test_sp_spm_id_get_is_0x8000(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_SPM_ID_GET, 0, 0, 0);

    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    assert_int_equal(r.x[5], 0x8000);
}

static void test_sp_unimplemented_abi_is_not_supported(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_MEM_SHARE_32, 0, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_sp_msg_wait_while_handling_request_is_denied(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_MSG_WAIT, 0, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_msg_wait_with_mbz_bits_is_invalid(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_MSG_WAIT, 1, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_resp_to_other_than_originator_is_denied(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_MSG_SEND_DIRECT_RESP_32,
                                    ((uint32_t)SP_ID_EL0 << 16) | 0x0002, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_resp2_answering_req_is_denied(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_MSG_SEND_DIRECT_RESP2,
                                    ((uint32_t)SP_ID_FORWARDER << 16) | TEST_VM_ID, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_resp_with_nonzero_w2_is_invalid(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_MSG_SEND_DIRECT_RESP_32,
                                    ((uint32_t)SP_ID_EL0 << 16) | TEST_VM_ID, 1, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_run_of_waiting_sp_is_denied(void **state)
{
    struct ffa_regs r =
        ucf_sp_call(*state, SP_ID_FORWARDER, FFA_RUN, FFA_TARGET_INFO(SP_ID_ECHO, 0), 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_run_of_vm_is_denied(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_RUN, FFA_TARGET_INFO(1, 0), 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_run_of_unknown_sp_is_invalid(void **state)
{
    struct ffa_regs r =
        ucf_sp_call(*state, SP_ID_FORWARDER, FFA_RUN, FFA_TARGET_INFO(0x8077, 0), 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_run_of_itself_is_denied(void **state)
{
    struct ffa_regs r =
        ucf_sp_call(*state, SP_ID_FORWARDER, FFA_RUN, FFA_TARGET_INFO(SP_ID_FORWARDER, 0), 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_yield_with_mbz_w1_is_invalid(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_MSG_YIELD, 1, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_console_log_count_zero_is_invalid(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_CONSOLE_LOG_32, 0, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_sp_call(*state, SP_ID_EL0, FFA_CONSOLE_LOG_32, 25, 0, 0);
    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_console_log_reaches_host_log_with_sp_id(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_EL0, SP_CMD_PRINT, 0xabc, 0, 0, 0);

    ucf_assert_resp(&r, SP_ID_EL0);
    assert_true(ucf_log_has(f, "4 8002: S-EL0 partition asked to print 0xabc"));
    assert_true(ucf_log_has(f, "4 8002: hello from the S-EL0 partition, my ID is 0x8002"));
}

static void test_sp_secondary_ep_register_on_up_sp_is_not_supported(void **state)
{
    struct ffa_regs r =
        ucf_sp_call(*state, SP_ID_FORWARDER, FFA_SECONDARY_EP_REGISTER_64, 0x1000, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_sp_error_other_than_aborted_is_denied(void **state)
{
    struct ffa_regs r =
        ucf_sp_call(*state, SP_ID_EL0, FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_direct_req_to_itself_is_invalid(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_MSG_SEND_DIRECT_REQ_32,
                                    ((uint32_t)SP_ID_FORWARDER << 16) | SP_ID_FORWARDER, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_direct_req_with_forged_sender_is_invalid(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_MSG_SEND_DIRECT_REQ_32,
                                    ((uint32_t)SP_ID_FORWARDER2 << 16) | SP_ID_ECHO, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_direct_req_to_vm_is_invalid(void **state)
{
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER, FFA_MSG_SEND_DIRECT_REQ_32,
                                    ((uint32_t)SP_ID_FORWARDER << 16) | TEST_VM_ID, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_direct_req_from_sp_that_cannot_send_is_denied(void **state)
{
    /* The S-EL0 SP's messaging-method (0x3) has no "sends DIRECT_REQ2" bit (10). */
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_EL0, FFA_MSG_SEND_DIRECT_REQ2,
                                    ((uint32_t)SP_ID_EL0 << 16) | SP_ID_ECHO, 0, 0);

    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

static void test_sp_direct_req2_to_sp_is_answered_with_resp2(void **state)
{
    /* forwarder2's manifest (0x603) may send DIRECT_REQ2; the echo SP (0x603) receives it. */
    struct ffa_regs r = ucf_sp_call(*state, SP_ID_FORWARDER2, FFA_MSG_SEND_DIRECT_REQ2,
                                    ((uint32_t)SP_ID_FORWARDER2 << 16) | SP_ID_ECHO, 0, 0);

    assert_int_equal(r.x[3], (uint32_t)FFA_MSG_SEND_DIRECT_RESP2);
    assert_int_equal(r.x[4], ((uint32_t)SP_ID_ECHO << 16) | SP_ID_FORWARDER2);
}

static void test_sp_to_sp_request_is_answered(void **state)
{
    struct ffa_regs r = ucf_req(*state, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_ECHO, 0x51, 0x52, 0);

    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], 0x51);
    assert_int_equal(r.x[4], 0x52);
}

static void test_sp_to_sp_request_that_loops_is_denied(void **state)
{
    /* NWd -> forwarder -> forwarder2 -> forwarder: the last request would loop. */
    struct ffa_regs r = ucf_req(*state, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_FORWARDER2,
                                SP_CMD_FORWARD, SP_ID_FORWARDER, 0);

    ucf_assert_resp(&r, SP_ID_FORWARDER);
    /* forwarder2 answered the forwarder: its own request failed with DENIED. */
    assert_int_equal(r.x[3], SP_FORWARD_FAILED);
    assert_int_equal(r.x[4], (uint32_t)FFA_RET_DENIED);
    assert_int_equal(ucf_state(*state, SP_ID_FORWARDER), FFA_UNICORN_EC_WAITING);
    assert_int_equal(ucf_state(*state, SP_ID_FORWARDER2), FFA_UNICORN_EC_WAITING);
}

static void test_sp_to_sp_request_to_busy_sp_is_busy(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 200000, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, 1, 0);
    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], SP_FORWARD_FAILED);
    assert_int_equal(r.x[4], (uint32_t)FFA_RET_BUSY);
}

static void test_sp_request_to_aborted_sp_is_aborted(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_INIT_ABORT, 0, 0, 0);

    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], SP_FORWARD_FAILED);
    assert_int_equal(r.x[4], (uint32_t)FFA_RET_ABORTED);
}

static void test_s_el1_sp_calls_through_hvc(void **state)
{
    /* The worker is built with the HVC conduit. */
    struct ffa_regs r = ucf_req(*state, SP_ID_WORKER, SP_CMD_COMPUTE, 10, 0, 0, 0);

    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(10));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_sp_version_is_1_2),
        T(test_sp_features_reports_what_sps_may_call),
        T(test_sp_id_get_is_its_own_id),
        T(test_sp_spm_id_get_is_0x8000),
        T(test_sp_unimplemented_abi_is_not_supported),
        T(test_sp_msg_wait_while_handling_request_is_denied),
        T(test_sp_msg_wait_with_mbz_bits_is_invalid),
        T(test_sp_resp_to_other_than_originator_is_denied),
        T(test_sp_resp2_answering_req_is_denied),
        T(test_sp_resp_with_nonzero_w2_is_invalid),
        T(test_sp_run_of_waiting_sp_is_denied),
        T(test_sp_run_of_vm_is_denied),
        T(test_sp_run_of_unknown_sp_is_invalid),
        T(test_sp_run_of_itself_is_denied),
        T(test_sp_yield_with_mbz_w1_is_invalid),
        T(test_sp_console_log_count_zero_is_invalid),
        T(test_sp_console_log_reaches_host_log_with_sp_id),
        T(test_sp_secondary_ep_register_on_up_sp_is_not_supported),
        T(test_sp_error_other_than_aborted_is_denied),
        T(test_sp_direct_req_to_itself_is_invalid),
        T(test_sp_direct_req_with_forged_sender_is_invalid),
        T(test_sp_direct_req_to_vm_is_invalid),
        T(test_sp_direct_req_from_sp_that_cannot_send_is_denied),
        T(test_sp_direct_req2_to_sp_is_answered_with_resp2),
        T(test_sp_to_sp_request_is_answered),
        T(test_sp_to_sp_request_that_loops_is_denied),
        cmocka_unit_test_setup_teardown(test_sp_to_sp_request_to_busy_sp_is_busy, setup_with_budget,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_sp_request_to_aborted_sp_is_aborted,
                                        setup_with_aborted_sp, teardown_world),
        T(test_s_el1_sp_calls_through_hvc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
