/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_RUN, and the INTERRUPT/YIELD → RUN resume flows a Linux guest drives. */
#include "harness.h"

#define W1_VM_TO_SP  ((TEST_VM_ID << 16) | TEST_SP_ID)
#define W1_SP_TO_VM  ((TEST_SP_ID << 16) | TEST_VM_ID)
#define SP_TARGET(v) ((TEST_SP_ID << 16) | (v))

#define VM2_ID 0x0002u
#define VM3_ID 0x0003u

/* One VM at the version it negotiated; a secure world without FFA_RUN. */
static int setup_v1_2(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2);
}

static int setup_v1_1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_1);
}

static int setup_v1_0(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_0);
}

static int setup_fw_without_run(void **state)
{
    return th_setup_new(state, FW_DIRECT_REQ_32, 0, FFA_VERSION_1_2);
}

/* VM 1 (f->vm) and VM 2, and with three_vms VM 3 too, all at v1.2. */
static int setup_vms(void **state, int three_vms)
{
    struct ffa_vm *vm;

    if (th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2) != 0)
        return -1;
    if (th_try_add_vm(*state, VM2_ID, 0, FFA_VERSION_1_2, &vm) != 0 ||
        (three_vms && th_try_add_vm(*state, VM3_ID, 0, FFA_VERSION_1_2, &vm) != 0))
        return th_setup_failed(state, "cannot add the other VMs");
    return 0;
}

static int setup_two_vms(void **state)
{
    return setup_vms(state, 0);
}

static int setup_three_vms(void **state)
{
    return setup_vms(state, 1);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static struct ffa_vm *vm_of(struct fixture *f, uint16_t id)
{
    struct ffa_vm *vm = ffa_vm_find(f->m, id);

    assert_non_null(vm);
    return vm;
}

static struct ffa_regs run_with_reply(struct fixture *f, uint32_t w1, struct ffa_regs reply)
{
    struct ffa_regs r = th_regs(FFA_RUN, w1, 0, 0, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, w1, 0, 0, 0, 0, 0, 0), reply);
    th_call(f, &r);
    return r;
}

static void test_run_forwards_only_x0_and_x1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RUN, 0xffff000000000000ull | SP_TARGET(0), 1, 2, 3, 4, 5, 6);

    th_fill_high(&r, 0x40);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
}

static void test_run_preserves_guest_x8_x17_below_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0);
    struct ffa_regs reply = th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);

    th_fill_high(&r, 0x40);
    th_fill_high(&reply, 0x90);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0), reply);
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0x40 + (uint64_t)i);
}

static void test_run_leaves_vcpu_validation_to_the_spmc(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        run_with_reply(f, SP_TARGET(0x1234),
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_run_to_a_vm_is_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RUN, (0x0002u << 16) | 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_regs(FFA_RUN, (TEST_VM_ID << 16) | 0, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_run_needs_firmware_support(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

/* Every way the CPU cycle FFA_RUN started can end reaches the guest. */
static void test_run_passes_msg_wait_through(void **state)
{
    struct ffa_regs r =
        run_with_reply(*state, SP_TARGET(0), th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_WAIT);
}

static void test_run_passes_direct_resp32_through(void **state)
{
    struct ffa_regs r = run_with_reply(
        *state, SP_TARGET(0), th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 5, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[3], 5);
}

static void test_run_passes_direct_resp64_through(void **state)
{
    struct ffa_regs r = run_with_reply(
        *state, SP_TARGET(0),
        th_regs(FFA_MSG_SEND_DIRECT_RESP_64, W1_SP_TO_VM, 0, 1ull << 40, 0, 0, 0, 0));

    assert_int_equal(r.x[3], 1ull << 40);
}

static void test_run_passes_interrupt_through(void **state)
{
    struct ffa_regs r = run_with_reply(*state, SP_TARGET(0),
                                       th_regs(FFA_INTERRUPT, SP_TARGET(0), 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], SP_TARGET(0));
    th_expect_resume_at_removal(((struct fixture *)*state)->mock, SP_TARGET(0));
}

static void test_run_passes_yield_through(void **state)
{
    struct ffa_regs r = run_with_reply(*state, SP_TARGET(0),
                                       th_regs(FFA_MSG_YIELD, SP_TARGET(0), 7, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    assert_int_equal(r.x[2], 7);
    th_expect_resume_at_removal(((struct fixture *)*state)->mock, SP_TARGET(0));
}

static void test_run_passes_error_through(void **state)
{
    struct ffa_regs r = run_with_reply(
        *state, SP_TARGET(0), th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_BUSY);
}

static void test_run_completing_req2_returns_resp2_to_v1_2_guest(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs resp = th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, 0, 0, 4, 5, 6, 7);
    struct ffa_regs r;

    th_fill_high(&resp, 0x80);
    r = run_with_reply(f, SP_TARGET(0), resp);
    assert_memory_equal(&r, &resp, sizeof(r));
}

static void test_run_resp2_to_v1_1_guest_is_aborted(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = run_with_reply(
        f, SP_TARGET(0), th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, 0, 0, 4, 5, 6, 7));

    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_run_unexpected_reply_is_aborted(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        run_with_reply(f, SP_TARGET(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_ABORTED);
}

/* A request preempted by a non-secure interrupt, resumed with FFA_RUN until its response. */
static void test_interrupted_request_resumes_with_run(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, W1_VM_TO_SP, 0, 40, 2, 0, 0, 0);

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
}

/* ---- Resume rights: a VM may resume only what was preempted while working for it ---- */

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
    struct fixture *f = *state;
    struct ffa_regs r;

    park_for_vm1(f, FFA_INTERRUPT);
    /* No secure-world call is scripted: VM 2 must not reach the SPMC. */
    r = th_do(f, vm_of(f, VM2_ID), th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    th_expect_resume_at_removal(f->mock, SP_TARGET(0));
}

static void test_run_of_its_own_parked_context_is_forwarded(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 9, 0, 0, 0, 0));
    assert_int_equal(r.x[3], 9);
}

static void test_completed_context_is_free_for_any_vm_to_run(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 9, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    r = th_do(f, vm_of(f, VM2_ID), th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
}

static void test_yield_parks_the_context_too(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm2 = vm_of(f, VM2_ID);
    struct ffa_regs r;

    park_for_vm1(f, FFA_MSG_YIELD);
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    th_expect_resume_at_removal(f->mock, SP_TARGET(0));
}

static void test_run_refused_by_the_spmc_keeps_the_context_parked(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm2 = vm_of(f, VM2_ID);
    struct ffa_regs r;

    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_BUSY);
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    th_expect_resume_at_removal(f->mock, SP_TARGET(0));
}

static void test_aborted_target_is_no_longer_parked(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm2 = vm_of(f, VM2_ID);
    struct ffa_regs r;

    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_ABORTED, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_ABORTED, 0, 0, 0, 0, 0));
    r = th_do(f, vm2, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED); /* the SPMC answers now */
}

/*
 * Removing a VM resumes what was parked for it until the request completes, and drops the
 * response: the context is then free, and any VM may run it.
 */
static void test_removing_a_vm_runs_what_was_parked_for_it_to_completion(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm2 = vm_of(f, VM2_ID);
    struct ffa_vm *vm3 = vm_of(f, VM3_ID);
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (VM2_ID << 16) | TEST_SP_ID, 0, 1, 0, 0, 0, 0);

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_INTERRUPT, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_call_vm(f, vm2, &r);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (TEST_SP_ID << 16) | VM2_ID, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_vm_remove(f->m, vm2), 0);
    assert_int_equal(ffa_mock_pending(f->mock), 0);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    r = th_do(f, vm3, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
}

static void test_response_for_another_vm_after_run_is_aborted(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    /* Nothing was parked for this VM (the mediator never saw the preemption). */
    r = run_with_reply(
        f, SP_TARGET(0),
        th_regs(FFA_MSG_SEND_DIRECT_RESP_64, (TEST_SP_ID << 16) | 0x0007, 0, 42, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED);
    for (int i = 3; i < 8; i++)
        assert_int_equal(r.x[i], 0); /* nothing of the other VM's response leaks */
}

/* Resumed, VM 1's request called another SP, which was preempted: 0x8002 is what VM 1 runs. */
static void chain_preempt_for_vm1(struct fixture *f)
{
    struct ffa_regs r;

    park_for_vm1(f, FFA_INTERRUPT);
    r = run_with_reply(f, SP_TARGET(0),
                       th_regs(FFA_INTERRUPT, TEST_SP2_ID << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_INTERRUPT);
}

static void test_chain_preemption_parks_the_named_context(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    chain_preempt_for_vm1(f);
    r = th_do(f, vm_of(f, VM2_ID), th_regs(FFA_RUN, TEST_SP2_ID << 16, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    th_expect_resume_at_removal(f->mock, TEST_SP2_ID << 16);
}

static void test_chain_preemption_unparks_the_first_context(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    chain_preempt_for_vm1(f);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    r = th_do(f, vm_of(f, VM2_ID), th_regs(FFA_RUN, SP_TARGET(0), 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_BUSY); /* 0x8001 is no longer parked: the SPMC decides */
    th_expect_resume_at_removal(f->mock, TEST_SP2_ID << 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_run_forwards_only_x0_and_x1, setup_v1_2),
        T(test_run_preserves_guest_x8_x17_below_v1_2, setup_v1_0),
        T(test_run_leaves_vcpu_validation_to_the_spmc, setup_v1_2),
        T(test_run_to_a_vm_is_not_supported, setup_v1_2),
        T(test_run_needs_firmware_support, setup_fw_without_run),
        T(test_run_passes_msg_wait_through, setup_v1_2),
        T(test_run_passes_direct_resp32_through, setup_v1_2),
        T(test_run_passes_direct_resp64_through, setup_v1_2),
        T(test_run_passes_interrupt_through, setup_v1_2),
        T(test_run_passes_yield_through, setup_v1_2),
        T(test_run_passes_error_through, setup_v1_2),
        T(test_run_completing_req2_returns_resp2_to_v1_2_guest, setup_v1_2),
        T(test_run_resp2_to_v1_1_guest_is_aborted, setup_v1_1),
        T(test_run_unexpected_reply_is_aborted, setup_v1_2),
        T(test_interrupted_request_resumes_with_run, setup_v1_2),
        T(test_run_of_a_context_parked_for_another_vm_is_denied, setup_two_vms),
        T(test_run_of_its_own_parked_context_is_forwarded, setup_two_vms),
        T(test_completed_context_is_free_for_any_vm_to_run, setup_two_vms),
        T(test_yield_parks_the_context_too, setup_two_vms),
        T(test_run_refused_by_the_spmc_keeps_the_context_parked, setup_two_vms),
        T(test_aborted_target_is_no_longer_parked, setup_two_vms),
        T(test_removing_a_vm_runs_what_was_parked_for_it_to_completion, setup_three_vms),
        T(test_response_for_another_vm_after_run_is_aborted, setup_v1_2),
        T(test_chain_preemption_parks_the_named_context, setup_two_vms),
        T(test_chain_preemption_unparks_the_first_context, setup_two_vms),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
