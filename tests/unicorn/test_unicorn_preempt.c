/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Preemption and resumption (FF-A v1.1, DEN0077A section 8.3.1, and Hafnium's SPMC documentation,
 * docs/secure-partition-manager/secure-partition-manager.rst): signaled, queued and managed-exit
 * non-secure interrupts from the budget and from another thread, FFA_YIELD, chains.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "uc_fixture.h"

#define BUDGET 20000u
#define LONG   200000u /* worker iterations: several budgets' worth */

static struct ucf *world(unsigned mask)
{
    return ucf_new(mask, BUDGET, 0);
}

static int setup_worker(void **state)
{
    *state = world(UCF_WORKER);
    return 0;
}

static int setup_worker_queued(void **state)
{
    *state = world(UCF_WORKER_Q);
    return 0;
}

static int setup_worker_me(void **state)
{
    *state = world(UCF_WORKER_ME);
    return 0;
}

static int setup_chain(void **state)
{
    *state = world(UCF_FORWARDER | UCF_WORKER | UCF_ECHO);
    return 0;
}

static int setup_worker_watchdog(void **state)
{
    *state = ucf_new(UCF_WORKER, 5000, 50000);
    return 0;
}

static int setup_worker_queued_watchdog(void **state)
{
    *state = ucf_new(UCF_WORKER_Q, 5000, 50000);
    return 0;
}

static int setup_worker_no_budget(void **state)
{
    *state = ucf_new(UCF_WORKER, 0, 0);
    return 0;
}

static int teardown_world(void **state)
{
    ucf_free(*state);
    return 0;
}

static void test_signaled_sp_is_preempted_with_ffa_interrupt(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_WORKER, 0));
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_PREEMPTED);
}

static void test_run_resumes_preempted_sp_until_its_direct_resp(void **state)
{
    struct ucf *f = *state;
    unsigned interrupts = 0;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    r = ucf_finish(f, r, &interrupts, NULL);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    assert_int_equal(r.x[4], LONG);
    assert_true(interrupts >= 2);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_WAITING);
}

/* Two identical worlds, side by side. */
static int setup_two_workers(void **state)
{
    struct ucf **w = calloc(2, sizeof(*w));

    if (w == NULL)
        return -1;
    w[0] = world(UCF_WORKER);
    w[1] = world(UCF_WORKER);
    *state = w;
    return 0;
}

static int teardown_two_workers(void **state)
{
    struct ucf **w = *state;

    ucf_free(w[0]);
    ucf_free(w[1]);
    free(w);
    return 0;
}

static void test_budget_preemption_is_deterministic(void **state)
{
    struct ucf **w = *state;
    unsigned a = 0, b = 0;

    ucf_finish(w[0], ucf_req(w[0], SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0), &a, NULL);
    ucf_finish(w[1], ucf_req(w[1], SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0), &b, NULL);
    assert_int_equal(a, b);
}

static void test_request_to_preempted_sp_is_busy(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 1, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
}

static void test_yield_reaches_caller_and_run_returns_success(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_YIELD, 1234, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_WORKER, 0));
    assert_int_equal(r.x[2], 1234); /* timeout, low word */
    assert_int_equal(r.x[3], 0);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_BLOCKED);
    r = ucf_call(f, FFA_RUN, r.x[1], 0, 0, 0, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], FFA_SUCCESS_32); /* what the SP's FFA_YIELD returned */
    assert_int_equal(r.x[4], 0x1D);
}

static void test_request_to_yielded_sp_is_busy(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_YIELD, 0, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_MSG_YIELD);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 1, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
}

static void test_queued_sp_is_never_interrupted(void **state)
{
    struct ucf *f = *state;
    struct ffa_unicorn_stats st;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER_Q, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    ucf_assert_resp(&r, SP_ID_WORKER_Q);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    ffa_unicorn_get_stats(f->spmc, &st);
    assert_int_equal(st.ns_queued, 1);
    assert_int_equal(st.preemptions, 0);
}

static void test_managed_exit_ends_request_with_marker(void **state)
{
    struct ucf *f = *state;
    struct ffa_unicorn_stats st;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER_ME, SP_CMD_COMPUTE, LONG, 0, 0, 0);

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
}

static void test_chain_preemption_unwinds_to_first_sp(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_FORWARDER, 0));
    assert_int_equal(ucf_state(f, SP_ID_FORWARDER), FFA_UNICORN_EC_PREEMPTED);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_PREEMPTED);
}

static void test_chain_completes_after_forwarder_runs_its_callee(void **state)
{
    struct ucf *f = *state;
    unsigned nwd_interrupts = 0;
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0);

    r = ucf_finish(f, r, &nwd_interrupts, NULL);
    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    assert_int_equal(r.x[4], LONG);
    /* The forwarder saw one FFA_INTERRUPT from its callee per preemption of the chain. */
    assert_int_equal(r.x[5], nwd_interrupts);
    assert_true(nwd_interrupts >= 2);
}

static void test_nwd_cannot_run_callee_preempted_in_sp_chain(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, LONG, 0);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = ucf_call(f, FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0), 0, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_chain_yield_reaches_forwarder_which_resumes_callee(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_YIELD, 5, 0);

    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    assert_int_equal(r.x[6], 1); /* one FFA_YIELD seen by the forwarder */
}

/*
 * The SPMC sees every VM as the normal world: without the mediator's resume rights another VM
 * could FFA_RUN the worker that was preempted for VM 1 and receive VM 1's response.
 */
static void test_another_vm_cannot_resume_a_request_preempted_for_vm1(void **state)
{
    struct ucf *f = *state;
    struct ffa_vm *vm2;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    unsigned interrupts = 0;

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
}

static void test_long_signaled_sp_is_preempted_not_aborted(void **state)
{
    /* The computation runs far more blocks than the watchdog allows in one entry. */
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 100000, 0, 0, 0);

    r = ucf_finish(f, r, NULL, NULL);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(100000));
}

static void test_long_queued_sp_is_aborted_by_watchdog(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_WORKER_Q, SP_CMD_COMPUTE, 1000000, 0, 0, 0);

    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(ucf_state(f, SP_ID_WORKER_Q), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "watchdog"));
}

/* A world without budget, and a thread raising the NS interrupt line every 200 us. */
struct raiser {
    struct ucf *f;
    pthread_t th;
    int stop; /* atomic */
};

static void *raise_thread(void *arg)
{
    struct raiser *r = arg;
    struct timespec ts = {0, 200000};

    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        ffa_unicorn_raise_ns_interrupt(r->f->spmc);
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* The thread starts with the world and stops before the world goes (even if a test failed). */
static int setup_raiser(void **state)
{
    struct raiser *rs = calloc(1, sizeof(*rs));

    if (rs == NULL)
        return -1;
    rs->f = ucf_new(UCF_WORKER, 0, 0);
    if (pthread_create(&rs->th, NULL, raise_thread, rs) != 0) {
        ucf_free(rs->f);
        free(rs);
        return -1;
    }
    *state = rs;
    return 0;
}

static int teardown_raiser(void **state)
{
    struct raiser *rs = *state;

    __atomic_store_n(&rs->stop, 1, __ATOMIC_RELEASE);
    pthread_join(rs->th, NULL);
    ucf_free(rs->f);
    free(rs);
    return 0;
}

static void test_interrupt_raised_from_another_thread_preempts(void **state)
{
    /* No budget: only the other thread raises interrupts. */
    struct ucf *f = ((struct raiser *)*state)->f;
    struct ffa_regs r;
    unsigned interrupts = 0;

    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 20000000, 0, 0, 0);
    r = ucf_finish(f, r, &interrupts, NULL);
    ucf_assert_resp(&r, SP_ID_WORKER);
    assert_int_equal(r.x[3], ucf_worker_checksum(20000000));
    assert_true(interrupts >= 1);
}

static void test_interrupt_raised_while_idle_is_dropped(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    ffa_unicorn_raise_ns_interrupt(f->spmc);
    r = ucf_req(f, SP_ID_WORKER, SP_CMD_COMPUTE, 1000, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_WORKER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signaled_sp_is_preempted_with_ffa_interrupt,
                                        setup_worker, teardown_world),
        cmocka_unit_test_setup_teardown(test_run_resumes_preempted_sp_until_its_direct_resp,
                                        setup_worker, teardown_world),
        cmocka_unit_test_setup_teardown(test_budget_preemption_is_deterministic, setup_two_workers,
                                        teardown_two_workers),
        cmocka_unit_test_setup_teardown(test_request_to_preempted_sp_is_busy, setup_worker,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_yield_reaches_caller_and_run_returns_success,
                                        setup_worker, teardown_world),
        cmocka_unit_test_setup_teardown(test_request_to_yielded_sp_is_busy, setup_worker,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_queued_sp_is_never_interrupted, setup_worker_queued,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_managed_exit_ends_request_with_marker, setup_worker_me,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_chain_preemption_unwinds_to_first_sp, setup_chain,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_chain_completes_after_forwarder_runs_its_callee,
                                        setup_chain, teardown_world),
        cmocka_unit_test_setup_teardown(test_nwd_cannot_run_callee_preempted_in_sp_chain,
                                        setup_chain, teardown_world),
        cmocka_unit_test_setup_teardown(test_chain_yield_reaches_forwarder_which_resumes_callee,
                                        setup_chain, teardown_world),
        cmocka_unit_test_setup_teardown(test_another_vm_cannot_resume_a_request_preempted_for_vm1,
                                        setup_worker, teardown_world),
        cmocka_unit_test_setup_teardown(test_long_signaled_sp_is_preempted_not_aborted,
                                        setup_worker_watchdog, teardown_world),
        cmocka_unit_test_setup_teardown(test_long_queued_sp_is_aborted_by_watchdog,
                                        setup_worker_queued_watchdog, teardown_world),
        cmocka_unit_test_setup_teardown(test_interrupt_raised_from_another_thread_preempts,
                                        setup_raiser, teardown_raiser),
        cmocka_unit_test_setup_teardown(test_interrupt_raised_while_idle_is_dropped,
                                        setup_worker_no_budget, teardown_world),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
