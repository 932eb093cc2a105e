/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Preemption and resumption (FF-A v1.1, DEN0077A section 8.3.1, and Hafnium's SPMC documentation,
 * docs/secure-partition-manager/secure-partition-manager.rst): signaled, queued and managed-exit
 * non-secure interrupts from the budget and from another thread, FFA_YIELD, chains.
 */
#include <pthread.h>
#include <time.h>

#include "uc_fixture.h"

#define BUDGET 20000u
#define LONG   200000u /* worker iterations: several budgets' worth */

static struct ucf *world(unsigned mask)
{
    return ucf_new(mask, BUDGET, 0);
}

static void test_signaled_sp_is_preempted_with_ffa_interrupt(void **state)
{
    struct ucf *f = world(UCF_WORKER);
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    (void)state;
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_WORKER, 0));
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_PREEMPTED);
    ucf_free(f);
}

static void test_run_resumes_preempted_sp_until_its_direct_resp(void **state)
{
    struct ucf *f = world(UCF_WORKER);
    unsigned interrupts = 0;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    (void)state;
    r = ucf_finish(f, r, &interrupts, NULL);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    assert_int_equal(r.x[4], LONG);
    assert_true(interrupts >= 2);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_WAITING);
    ucf_free(f);
}

static void test_budget_preemption_is_deterministic(void **state)
{
    unsigned a = 0, b = 0;
    struct ucf *f = world(UCF_WORKER);
    struct ucf *g;

    (void)state;
    ucf_finish(f, ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0), &a, NULL);
    ucf_free(f);
    g = world(UCF_WORKER);
    ucf_finish(g, ucf_req(g, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0), &b, NULL);
    ucf_free(g);
    assert_int_equal(a, b);
}

static void test_request_to_preempted_sp_is_busy(void **state)
{
    struct ucf *f = world(UCF_WORKER);
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    (void)state;
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 1, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    ucf_free(f);
}

static void test_yield_reaches_caller_and_run_returns_success(void **state)
{
    struct ucf *f = world(UCF_WORKER);
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_YIELD, 1234, 0, 0, 0);

    (void)state;
    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_WORKER, 0));
    assert_int_equal(r.x[2], 1234); /* timeout, low word */
    assert_int_equal(r.x[3], 0);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_BLOCKED);
    r = ucf_call(f, FFA_RUN, r.x[1], 0, 0, 0, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], FFA_SUCCESS_32); /* what the SP's FFA_YIELD returned */
    assert_int_equal(r.x[4], 0x1D);
    ucf_free(f);
}

static void test_request_to_yielded_sp_is_busy(void **state)
{
    struct ucf *f = world(UCF_WORKER);
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_YIELD, 0, 0, 0, 0);

    (void)state;
    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 1, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    ucf_free(f);
}

static void test_queued_sp_is_never_interrupted(void **state)
{
    struct ucf *f = world(UCF_WORKER_Q);
    struct ffa_unicorn_stats st;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER_Q, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    (void)state;
    ucf_assert_resp(&r, SP_ID_WORKER_Q);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    ffa_unicorn_get_stats(f->spmc, &st);
    assert_int_equal(st.ns_queued, 1);
    assert_int_equal(st.preemptions, 0);
    ucf_free(f);
}

static void test_managed_exit_ends_request_with_marker(void **state)
{
    struct ucf *f = world(UCF_WORKER_ME);
    struct ffa_unicorn_stats st;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER_ME, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    (void)state;
    ucf_assert_resp(&r, SP_ID_WORKER_ME);
    assert_int_equal(r.x[3], SP_MANAGED_EXIT_MARKER);
    assert_true(r.x[4] > 0 && r.x[4] < LONG);
    ffa_unicorn_get_stats(f->spmc, &st);
    assert_int_equal(st.managed_exits, 1);
    assert_int_equal(ucf_state(f, SP_ID_WORKER_ME), FFA_UNICORN_EC_WAITING);
    /* A new request runs normally after the managed exit. */
    r = ucf_req(f, SP_ID_WORKER_ME, SP_CMD_COMPUTE, 100, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_WORKER_ME);
    assert_int_equal(r.x[3], ucf_worker_checksum(100));
    ucf_free(f);
}

static void test_chain_preemption_unwinds_to_first_sp(void **state)
{
    struct ucf *f = world(UCF_FORWARDER | UCF_WORKER | UCF_ECHO);
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0);

    (void)state;
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_FORWARDER, 0));
    assert_int_equal(ucf_state(f, SP_ID_FORWARDER), FFA_UNICORN_EC_PREEMPTED);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_PREEMPTED);
    ucf_free(f);
}

static void test_chain_completes_after_forwarder_runs_its_callee(void **state)
{
    struct ucf *f = world(UCF_FORWARDER | UCF_WORKER | UCF_ECHO);
    unsigned nwd_interrupts = 0;
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0);

    (void)state;
    r = ucf_finish(f, r, &nwd_interrupts, NULL);
    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    assert_int_equal(r.x[4], LONG);
    /* The forwarder saw one FFA_INTERRUPT from its callee per preemption of the chain. */
    assert_int_equal(r.x[5], nwd_interrupts);
    assert_true(nwd_interrupts >= 2);
    ucf_free(f);
}

static void test_nwd_cannot_run_callee_preempted_in_sp_chain(void **state)
{
    struct ucf *f = world(UCF_FORWARDER | UCF_WORKER | UCF_ECHO);
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0);

    (void)state;
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = ucf_call(f, FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0), 0, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    ucf_free(f);
}

static void test_chain_yield_reaches_forwarder_which_resumes_callee(void **state)
{
    struct ucf *f = world(UCF_FORWARDER | UCF_WORKER | UCF_ECHO);
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_YIELD, 5, 0);

    (void)state;
    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    assert_int_equal(r.x[6], 1); /* one FFA_YIELD seen by the forwarder */
    ucf_free(f);
}

/*
 * The SPMC sees every VM as the normal world: without the mediator's resume rights another VM
 * could FFA_RUN the worker that was preempted for VM 1 and receive VM 1's response.
 */
static void test_another_vm_cannot_resume_a_request_preempted_for_vm1(void **state)
{
    struct ucf *f = world(UCF_WORKER);
    struct ffa_vm *vm2;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    unsigned interrupts = 0;

    (void)state;
    assert_int_equal(ffa_vm_add(f->m, 2, 1, 0, &vm2), 0);
    assert_int_equal(ffa_mediator_handle(f->m, vm2, 0, 0, &r), FFA_CALL_HANDLED);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0);
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = th_regs(FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0), 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(f->m, vm2, 0, 0, &r), FFA_CALL_HANDLED);
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_PREEMPTED); /* untouched */
    /* VM 1 finishes its own request and gets its own answer. */
    r = ucf_finish(f, th_regs(FFA_INTERRUPT, FFA_TARGET_INFO(SP_ID_WORKER, 0), 0, 0, 0, 0, 0, 0),
                   &interrupts, NULL);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    ucf_free(f);
}

static void test_long_signaled_sp_is_preempted_not_aborted(void **state)
{
    /* The computation runs far more blocks than the watchdog allows in one entry. */
    struct ucf *f = ucf_new(UCF_WORKER, 5000, 50000);
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 100000, 0, 0, 0);

    (void)state;
    r = ucf_finish(f, r, NULL, NULL);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(100000));
    ucf_free(f);
}

static void test_long_queued_sp_is_aborted_by_watchdog(void **state)
{
    struct ucf *f = ucf_new(UCF_WORKER_Q, 5000, 50000);
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER_Q, SP_CMD_COMPUTE, 1000000, 0, 0, 0);

    (void)state;
    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(ucf_state(f, SP_ID_WORKER_Q), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "watchdog"));
    ucf_free(f);
}

struct raiser {
    struct ucf *f;
    volatile int stop;
};

static void *raise_thread(void *arg)
{
    struct raiser *r = arg;
    struct timespec ts = {0, 200000};

    while (!r->stop) {
        ffa_unicorn_raise_ns_interrupt(r->f->spmc);
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void test_interrupt_raised_from_another_thread_preempts(void **state)
{
    /* No budget: only the other thread raises interrupts. */
    struct ucf *f = ucf_new(UCF_WORKER, 0, 0);
    struct raiser rs = {f, 0};
    pthread_t th;
    struct ffa_regs r;
    unsigned interrupts = 0;

    (void)state;
    assert_int_equal(pthread_create(&th, NULL, raise_thread, &rs), 0);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 20000000, 0, 0, 0);
    r = ucf_finish(f, r, &interrupts, NULL);
    rs.stop = 1;
    pthread_join(th, NULL);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(20000000));
    assert_true(interrupts >= 1);
    ucf_free(f);
}

static void test_interrupt_raised_while_idle_is_dropped(void **state)
{
    struct ucf *f = ucf_new(UCF_WORKER, 0, 0);
    struct ffa_regs r;

    (void)state;
    ffa_unicorn_raise_ns_interrupt(f->spmc);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 1000, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_WORKER);
    ucf_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signaled_sp_is_preempted_with_ffa_interrupt),
        cmocka_unit_test(test_run_resumes_preempted_sp_until_its_direct_resp),
        cmocka_unit_test(test_budget_preemption_is_deterministic),
        cmocka_unit_test(test_request_to_preempted_sp_is_busy),
        cmocka_unit_test(test_yield_reaches_caller_and_run_returns_success),
        cmocka_unit_test(test_request_to_yielded_sp_is_busy),
        cmocka_unit_test(test_queued_sp_is_never_interrupted),
        cmocka_unit_test(test_managed_exit_ends_request_with_marker),
        cmocka_unit_test(test_chain_preemption_unwinds_to_first_sp),
        cmocka_unit_test(test_chain_completes_after_forwarder_runs_its_callee),
        cmocka_unit_test(test_nwd_cannot_run_callee_preempted_in_sp_chain),
        cmocka_unit_test(test_chain_yield_reaches_forwarder_which_resumes_callee),
        cmocka_unit_test(test_another_vm_cannot_resume_a_request_preempted_for_vm1),
        cmocka_unit_test(test_long_signaled_sp_is_preempted_not_aborted),
        cmocka_unit_test(test_long_queued_sp_is_aborted_by_watchdog),
        cmocka_unit_test(test_interrupt_raised_from_another_thread_preempts),
        cmocka_unit_test(test_interrupt_raised_while_idle_is_dropped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
