/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_RUN, and the INTERRUPT/YIELD → RUN resume flows a Linux guest drives. */
#include "harness.h"

#define W1_VM_TO_SP  ((TEST_VM_ID << 16) | TEST_SP_ID)
#define W1_SP_TO_VM  ((TEST_SP_ID << 16) | TEST_VM_ID)
#define SP_TARGET(v) ((TEST_SP_ID << 16) | (v))

static struct ffa_regs run_with_reply(struct fixture *f, uint32_t w1, struct ffa_regs reply)
{
    struct ffa_regs r = th_regs(FFA_RUN, w1, 0, 0, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, w1, 0, 0, 0, 0, 0, 0), reply);
    th_call(f, &r);
    return r;
}

static void test_run_forwards_only_x0_and_x1(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs r = th_regs(FFA_RUN, 0xffff000000000000ull | SP_TARGET(0), 1, 2, 3, 4, 5, 6);

    (void)state;
    th_fill_high(&r, 0x40);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    th_fixture_free(f);
}

static void test_run_preserves_guest_x8_x17_below_v1_2(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_0);
    struct ffa_regs r = th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0);
    struct ffa_regs reply = th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);

    (void)state;
    th_fill_high(&r, 0x40);
    th_fill_high(&reply, 0x90);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0), reply);
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0x40 + (uint64_t)i);
    th_fixture_free(f);
}

static void test_run_leaves_vcpu_validation_to_the_spmc(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs r =
        run_with_reply(f, SP_TARGET(0x1234),
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0, 0, 0, 0, 0));

    (void)state;
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    th_fixture_free(f);
}

static void test_run_to_a_vm_is_not_supported(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs r = th_regs(FFA_RUN, (0x0002u << 16) | 0, 0, 0, 0, 0, 0, 0);

    (void)state;
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_regs(FFA_RUN, (TEST_VM_ID << 16) | 0, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    th_fixture_free(f);
}

static void test_run_needs_firmware_support(void **state)
{
    struct fixture *f = th_fixture_new(FW_DIRECT_REQ_32, 0, FFA_VERSION_1_2);
    struct ffa_regs r = th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0);

    (void)state;
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    th_fixture_free(f);
}

static void test_run_accepts_every_cpu_cycle_outcome(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    r = run_with_reply(f, SP_TARGET(0), th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 5, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[3], 5);
    r = run_with_reply(
        f, SP_TARGET(0),
        th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, 1ull << 40, 0, 0, 0, 0));
    assert_int_equal(r.x[3], 1ull << 40);
    r = run_with_reply(f, SP_TARGET(0), th_regs(FFA_INTERRUPT, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], SP_TARGET(0));
    r = run_with_reply(f, SP_TARGET(0), th_regs(FFA_MSG_YIELD, SP_TARGET(0), 7, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    assert_int_equal(r.x[2], 7);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_BUSY);
    th_fixture_free(f);
}

static void test_run_completing_req2_returns_resp2_to_v1_2_guest(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs resp = th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, 0, 0, 4, 5, 6, 7);
    struct ffa_regs r;

    (void)state;
    th_fill_high(&resp, 0x80);
    r = run_with_reply(f, SP_TARGET(0), resp);
    assert_memory_equal(&r, &resp, sizeof(r));
    th_fixture_free(f);
}

static void test_run_resp2_to_v1_1_guest_is_aborted(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_1);
    struct ffa_regs r = run_with_reply(
        f, SP_TARGET(0), th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, 0, 0, 4, 5, 6, 7));

    (void)state;
    th_assert_error(&r, FFA_RET_ABORTED);
    th_fixture_free(f);
}

static void test_run_unexpected_reply_is_aborted(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs r =
        run_with_reply(f, SP_TARGET(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0));

    (void)state;
    th_assert_error(&r, FFA_RET_ABORTED);
    th_fixture_free(f);
}

/* A request preempted by a non-secure interrupt, resumed with FFA_RUN until its response. */
static void test_interrupted_request_resumes_with_run(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0, 40, 2, 0, 0, 0);

    (void)state;
    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0, 40, 2, 0, 0, 0),
              th_regs(FFA_INTERRUPT, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_YIELD, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 42, 0, 0, 0, 0));
    th_call(f, &r);
    /* The guest's completion loop (Linux ffa_msg_send_wait_for_completion). */
    while (r.x[0] == FFA_INTERRUPT || r.x[0] == FFA_MSG_YIELD) {
        r = th_regs(FFA_RUN, r.x[1], 0, 0, 0, 0, 0, 0);
        th_call(f, &r);
    }
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[1], W1_SP_TO_VM);
    assert_int_equal(r.x[3], 42);
    th_fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_forwards_only_x0_and_x1),
        cmocka_unit_test(test_run_preserves_guest_x8_x17_below_v1_2),
        cmocka_unit_test(test_run_leaves_vcpu_validation_to_the_spmc),
        cmocka_unit_test(test_run_to_a_vm_is_not_supported),
        cmocka_unit_test(test_run_needs_firmware_support),
        cmocka_unit_test(test_run_accepts_every_cpu_cycle_outcome),
        cmocka_unit_test(test_run_completing_req2_returns_resp2_to_v1_2_guest),
        cmocka_unit_test(test_run_resp2_to_v1_1_guest_is_aborted),
        cmocka_unit_test(test_run_unexpected_reply_is_aborted),
        cmocka_unit_test(test_interrupted_request_resumes_with_run),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
