/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_MSG_SEND_DIRECT_REQ_32/64: checks, forwarding, 32/64-bit masking, accepted replies. */
#include "harness.h"

#define W1_VM_TO_SP ((TEST_VM_ID << 16) | TEST_SP_ID)
#define W1_SP_TO_VM ((TEST_SP_ID << 16) | TEST_VM_ID)
#define HI          0xa5a5a5a500000000ull /* garbage a 32-bit caller may leave in upper halves */

/* A v1.2 VM; a v1.1 VM; a secure world that has only DIRECT_REQ_64. */
static int setup(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2);
}

static int setup_v1_1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_1);
}

static int setup_fw_req64_only(void **state)
{
    return th_setup_new(state, FW_DIRECT_REQ_64, 0, FFA_VERSION_1_2);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

/* Send one REQ whose secure-world answer is `reply` (matched on x0 only); return the guest reply.
 */
static struct ffa_regs req_with_reply(struct fixture *f, uint32_t fid, struct ffa_regs reply)
{
    struct ffa_regs r = th_regs(fid, W1_VM_TO_SP, 0, 1, 2, 3, 4, 5);

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(fid, 0, 0, 0, 0, 0, 0, 0), reply);
    th_call(f, &r);
    return r;
}

static void test_req32_forwards_masked_registers_and_zero_x8_x17(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, HI | W1_VM_TO_SP, HI, HI | 0x11,
                                HI | 0x22, HI | 0x33, HI | 0x44, HI | 0x55);

    th_fill_high(&r, 0x900);
    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0, 0x11, 0x22, 0x33, 0x44, 0x55),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 0x66, 0, 0, 0, 0));
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[1], W1_SP_TO_VM);
    assert_int_equal(r.x[3], 0x66);
}

static void test_req64_forwards_full_registers(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_64, W1_VM_TO_SP, 0, HI | 0x11, HI | 0x22,
                                HI | 0x33, HI | 0x44, HI | 0x55);

    th_fill_high(&r, 0x900); /* not part of REQ_64: must not travel */
    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_MSG_SEND_DIRECT_REQ_64, W1_VM_TO_SP, 0, HI | 0x11, HI | 0x22, HI | 0x33,
                      HI | 0x44, HI | 0x55),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, HI | 0x66, HI | 0x77, 0, 0,
                      HI | 0x88));
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
    assert_int_equal(r.x[3], HI | 0x66);
    assert_int_equal(r.x[4], HI | 0x77);
    assert_int_equal(r.x[7], HI | 0x88);
}

static void test_req64_drops_upper_half_of_w1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_64, HI | W1_VM_TO_SP, 0, 0, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X(0) | FFA_MOCK_X(1),
              th_regs(FFA_MSG_SEND_DIRECT_REQ_64, W1_VM_TO_SP, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, 0, 0, 0, 0, 0));
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
}

static void test_resp32_is_masked_to_32_bits(void **state)
{
    struct ffa_regs r = req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                                       th_regs(HI | FFA_MSG_SEND_DIRECT_RESP_32, HI | W1_SP_TO_VM,
                                               HI, HI | 1, HI | 2, HI | 3, HI | 4, HI | 5));

    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[1], W1_SP_TO_VM);
    assert_int_equal(r.x[2], 0);
    for (int i = 3; i < 8; i++)
        assert_int_equal(r.x[i], (uint64_t)(i - 2));
}

static void test_reply_x8_x17_zeroed_for_v1_2_guest(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs reply = th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, 1, 0, 0, 0, 0);
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_64, W1_VM_TO_SP, 0, 1, 0, 0, 0, 0);

    th_fill_high(&reply, 0x700);
    th_fill_high(&r, 0x800);
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_64, 0, 0, 0, 0, 0, 0, 0),
              reply);
    th_call(f, &r);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
}

static void test_reply_preserves_guest_x8_x17_below_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs reply = th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, 1, 0, 0, 0, 0);
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_64, W1_VM_TO_SP, 0, 1, 0, 0, 0, 0);

    th_fill_high(&reply, 0x700); /* the secure world's x8..x17 must not reach the guest */
    th_fill_high(&r, 0x800);
    /* ...and the guest's x8..x17 must not reach the secure world (x*=0 in the expectation). */
    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_MSG_SEND_DIRECT_REQ_64, W1_VM_TO_SP, 0, 1, 0, 0, 0, 0), reply);
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0x800 + (uint64_t)i);
}

static void test_aborted_reply_preserves_guest_x8_x17_below_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs reply = th_regs(FFA_MEM_RETRIEVE_RESP, 0, 0, 0, 0, 0, 0, 0);
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0, 1, 0, 0, 0, 0);

    th_fill_high(&reply, 0x700);
    th_fill_high(&r, 0x800);
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              reply);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_ABORTED);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0x800 + (uint64_t)i);
}

static void test_sender_must_be_the_caller(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (0x0002u << 16) | TEST_SP_ID, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_receiver_must_not_be_the_caller(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_64, (TEST_VM_ID << 16) | TEST_VM_ID, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_receiver_must_be_secure(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | 0x0002u, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_framework_message_from_a_vm_is_refused(void **state)
{
    struct fixture *f = *state;
    /* VM_CREATED (type 4) with another VM's ID: a VM must not forge this. */
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, FFA_MSG_FLAG_FRAMEWORK | 4,
                                0, 0, 0x0002, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_nonzero_partition_message_flags_are_the_spmcs_to_judge(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0x5, 0, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X(0) | FFA_MOCK_X(2),
              th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0x5, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0, 0, 0, 0, 0));
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_req_without_firmware_support_is_not_supported(void **state)
{
    struct fixture *f = *state;
    /* Checked before the endpoint rules (Xen's order): a bad sender still gets NOT_SUPPORTED. */
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (0x7u << 16) | 0x7, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_error_reply_is_passed_through(void **state)
{
    struct ffa_regs r =
        req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY | HI, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_BUSY);
}

static void test_interrupt_reply_is_passed_through(void **state)
{
    struct ffa_regs r =
        req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_64,
                       th_regs(FFA_INTERRUPT, HI | (TEST_SP_ID << 16), 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], (uint32_t)(TEST_SP_ID << 16));
    for (int i = 2; i < 8; i++)
        assert_int_equal(r.x[i], 0);
    th_expect_resume_at_removal(((struct fixture *)*state)->mock, TEST_SP_ID << 16);
}

static void test_yield_reply_is_passed_through_with_timeout(void **state)
{
    struct ffa_regs r =
        req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                       th_regs(FFA_MSG_YIELD, TEST_SP_ID << 16, 1000000, 2, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    assert_int_equal(r.x[1], TEST_SP_ID << 16);
    assert_int_equal(r.x[2], 1000000);
    assert_int_equal(r.x[3], 2);
    th_expect_resume_at_removal(((struct fixture *)*state)->mock, TEST_SP_ID << 16);
}

static void test_success32_reply_is_passed_through_masked(void **state)
{
    struct ffa_regs r = req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                                       th_regs(FFA_SUCCESS_32, 0, HI | 3, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 3);
}

static void test_success64_reply_is_passed_through_in_full(void **state)
{
    struct ffa_regs r = req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                                       th_regs(FFA_SUCCESS_64, 0, HI | 3, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[2], HI | 3);
}

static void test_resp_of_other_width_is_passed_through(void **state)
{
    struct ffa_regs r =
        req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                       th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, HI | 9, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
    assert_int_equal(r.x[3], HI | 9);
}

static void test_resp2_reply_to_req_is_aborted(void **state)
{
    struct ffa_regs r =
        req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_64,
                       th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, 0, 0, 1, 2, 3, 4));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_msg_wait_reply_to_req_is_aborted(void **state)
{
    struct ffa_regs r = req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                                       th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_unexpected_replies_are_aborted(void **state)
{
    static const uint64_t bad[] = {FFA_RUN,
                                   FFA_MSG_SEND_DIRECT_REQ_32,
                                   FFA_MEM_RETRIEVE_RESP,
                                   FFA_VERSION,
                                   0x10002,
                                   0x12345678,
                                   0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ffa_regs r = req_with_reply(*state, FFA_MSG_SEND_DIRECT_REQ_32,
                                           th_regs(bad[i], W1_SP_TO_VM, 0, 1, 2, 3, 4, 5));

        th_assert_error(&r, FFA_RET_ABORTED);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_req32_forwards_masked_registers_and_zero_x8_x17),
        T(test_req64_forwards_full_registers),
        T(test_req64_drops_upper_half_of_w1),
        T(test_resp32_is_masked_to_32_bits),
        T(test_reply_x8_x17_zeroed_for_v1_2_guest),
        cmocka_unit_test_setup_teardown(test_reply_preserves_guest_x8_x17_below_v1_2, setup_v1_1,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_aborted_reply_preserves_guest_x8_x17_below_v1_2,
                                        setup_v1_1, teardown),
        T(test_sender_must_be_the_caller),
        T(test_receiver_must_not_be_the_caller),
        T(test_receiver_must_be_secure),
        T(test_framework_message_from_a_vm_is_refused),
        T(test_nonzero_partition_message_flags_are_the_spmcs_to_judge),
        cmocka_unit_test_setup_teardown(test_req_without_firmware_support_is_not_supported,
                                        setup_fw_req64_only, teardown),
        T(test_error_reply_is_passed_through),
        T(test_interrupt_reply_is_passed_through),
        T(test_yield_reply_is_passed_through_with_timeout),
        T(test_success32_reply_is_passed_through_masked),
        T(test_success64_reply_is_passed_through_in_full),
        T(test_resp_of_other_width_is_passed_through),
        T(test_resp2_reply_to_req_is_aborted),
        T(test_msg_wait_reply_to_req_is_aborted),
        T(test_unexpected_replies_are_aborted),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
