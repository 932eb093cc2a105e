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

/* ---- Resume rights: a VM may resume only what was preempted while working for it ---- */

#define VM2_ID 0x0002u

static void park_for_vm1(struct fixture *f, uint64_t answer)
{
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0, 1, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              th_regs(answer, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_call(f, &r);
    assert_int_equal(r.x[0], answer);
}

static void test_run_of_a_context_parked_for_another_vm_is_denied(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    park_for_vm1(f, FFA_INTERRUPT);
    /* No secure-world call is scripted: VM 2 must not reach the SPMC. */
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    /* VM 1 resumes its own request. */
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 9, 0, 0, 0, 0));
    assert_int_equal(r.x[3], 9);
    /* Completed: the context is free for anyone again. */
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    th_fixture_free(f);
}

static void test_yield_parks_the_context_too(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    park_for_vm1(f, FFA_MSG_YIELD);
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    th_fixture_free(f);
}

static void test_run_refused_by_the_spmc_keeps_the_context_parked(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_BUSY);
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    th_fixture_free(f);
}

static void test_aborted_target_is_no_longer_parked(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_ABORTED, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_ABORTED, 0, 0, 0, 0, 0));
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED); /* the SPMC answers now */
    th_fixture_free(f);
}

static void test_removing_a_vm_frees_what_was_parked_for_it(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm3 = th_add_vm(f, 0x0003, 0, FFA_VERSION_1_2);
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (VM2_ID << 16) | TEST_SP_ID, 0, 1, 0, 0, 0, 0);

    (void)state;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_INTERRUPT, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_call_vm(f, vm2, &r);
    assert_int_equal(ffa_vm_remove(f->m, vm2), 0);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (TEST_SP_ID << 16) | VM2_ID, 0, 0, 0, 0, 0, 0));
    /* The hypervisor's scheduler may drain it on another VM: the response is not that VM's. */
    r = th_do(f, vm3, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED);
    th_fixture_free(f);
}

static void test_response_for_another_vm_after_run_is_aborted(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    /* Nothing was parked for this VM (the mediator never saw the preemption). */
    r = run_with_reply(
        f, SP_TARGET(0),
        th_regs(FFA_MSG_SEND_DIRECT_RESP_64, (TEST_SP_ID << 16) | 0x0007, 0, 42, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED);
    for (int i = 3; i < 8; i++)
        assert_int_equal(r.x[i], 0); /* nothing of the other VM's response leaks */
    th_fixture_free(f);
}

static void test_chain_preemption_parks_the_named_context(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    park_for_vm1(f, FFA_INTERRUPT);
    /* Resumed, it called another SP which was preempted: now 0x8002 is what VM 1 must run. */
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_INTERRUPT, TEST_SP2_ID << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = th_do(f, vm2, th_regs(FFA_RUN, TEST_SP2_ID << 16, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    th_fixture_free(f);
}

/*
 * The SPMC resumes the preempted end of a chain whichever of its contexts FFA_RUN names, so the
 * blocked head (0x8001, which called 0x8002) stays VM 1's until the chain completes.
 */
static void test_chain_head_stays_claimed_until_the_response(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_vm *vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_INTERRUPT, TEST_SP2_ID << 16, 0, 0, 0, 0, 0, 0));
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    /* VM 1 runs the chain's end; the head answers: every claim of the chain ends. */
    r = run_with_reply(f, TEST_SP2_ID << 16,
                       th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 7, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[3], 7);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, TEST_SP2_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    r = th_do(f, vm2, th_regs(FFA_RUN, TEST_SP2_ID << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
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
        cmocka_unit_test(test_run_of_a_context_parked_for_another_vm_is_denied),
        cmocka_unit_test(test_yield_parks_the_context_too),
        cmocka_unit_test(test_run_refused_by_the_spmc_keeps_the_context_parked),
        cmocka_unit_test(test_aborted_target_is_no_longer_parked),
        cmocka_unit_test(test_removing_a_vm_frees_what_was_parked_for_it),
        cmocka_unit_test(test_response_for_another_vm_after_run_is_aborted),
        cmocka_unit_test(test_chain_preemption_parks_the_named_context),
        cmocka_unit_test(test_chain_head_stays_claimed_until_the_response),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
