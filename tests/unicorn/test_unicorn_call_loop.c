/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A partition that keeps making FF-A calls (each one answered) never runs long without one, so a
 * watchdog or a preemption budget that restarts at every call never stops it (the defect
 * "call-loop" the fuzzers found, fuzz/known/). The SPMC counts a normal-world call's budget and
 * watchdog over the whole time the secure world holds the PE for that call, and bounds a
 * partition's initialisation with the init budget (config init_blocks), as a timer interrupt
 * would on hardware: ffa_unicorn_create() and every call return. Without that, these tests hang:
 * an alarm turns the hang into a failure.
 */
#include <signal.h>
#include <unistd.h>

#include "uc_fixture.h"

#define GUARD_SECONDS 120u

static struct ucf *world(unsigned mask, uint64_t preempt, uint64_t watchdog, uint64_t init)
{
    struct ffa_unicorn_sp_config sps[UCF_MAX_SPS];
    char paths[UCF_MAX_SPS][2][512];
    size_t n = ucf_sp_list(mask, sps, paths);

    return ucf_new_sps_budgets(sps, n, preempt, watchdog, init);
}

static int setup_boot_loop(void **state)
{
    alarm(GUARD_SECONDS);
    *state = world(UCF_INIT_LOOP | UCF_ECHO | UCF_FORWARDER, 0, 0, 200000);
    return 0;
}

static int setup_boot_loop_default(void **state)
{
    alarm(GUARD_SECONDS);
    *state = world(UCF_INIT_LOOP | UCF_ECHO, 0, 100000, 0);
    return 0;
}

static int setup_request_loop(void **state)
{
    alarm(GUARD_SECONDS);
    *state = world(UCF_FAULTY | UCF_FORWARDER | UCF_ECHO, 0, 100000, 0);
    return 0;
}

static int setup_request_loop_budget(void **state)
{
    alarm(GUARD_SECONDS);
    *state = world(UCF_FAULTY | UCF_ECHO, 5000, 100000, 0);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    alarm(0);
    return 0;
}

/* create returned; the looping partition is aborted, named, and the others booted around it. */
static void test_partition_calling_forever_at_boot_is_aborted_by_the_init_budget(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    assert_int_equal(ucf_state(f, SP_ID_INIT_LOOP), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "init budget"));
    assert_true(ucf_log_has(f, "SP 0x801a (init-loop) failed to initialise"));
    r = ucf_req(f, SP_ID_INIT_LOOP, 1, 2, 3, 4, 5);
    th_assert_error(&r, FFA_RET_ABORTED);
    r = ucf_req(f, SP_ID_ECHO, 1, 2, 3, 4, 5);
    ucf_assert_resp(&r, SP_ID_ECHO);
    /* The forwarder boots after it and pings the echo SP during its own init. */
    assert_int_equal(ucf_state(f, SP_ID_FORWARDER), FFA_UNICORN_EC_WAITING);
}

/* Without init_blocks, the watchdog's count bounds an init. */
static void test_init_budget_defaults_to_the_watchdog(void **state)
{
    struct ucf *f = *state;

    assert_int_equal(ucf_state(f, SP_ID_INIT_LOOP), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "100000 basic blocks"));
}

/* No preemption budget: the watchdog, counted over the whole call, aborts it; the call returns. */
static void test_request_calling_forever_is_aborted_by_the_watchdog(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_FAULTY, SP_FAULT_CALL_LOOP, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(ucf_state(f, SP_ID_FAULTY), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "watchdog"));
    r = ucf_req(f, SP_ID_ECHO, 1, 2, 3, 4, 5);
    ucf_assert_resp(&r, SP_ID_ECHO);
}

/*
 * The same inside a chain (NWd -> forwarder -> faulty): the looping callee is aborted, its caller
 * gets FFA_ERROR(ABORTED) with a fresh watchdog period and answers normally.
 */
static void test_callee_calling_forever_is_aborted_and_its_caller_answers(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_FAULTY, SP_FAULT_CALL_LOOP, 0, 0);

    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], SP_FORWARD_FAILED);
    assert_int_equal(r.x[4], (uint32_t)FFA_RET_ABORTED);
    assert_int_equal(ucf_state(f, SP_ID_FAULTY), FFA_UNICORN_EC_ABORTED);
    assert_int_equal(ucf_state(f, SP_ID_FORWARDER), FFA_UNICORN_EC_WAITING);
}

/*
 * With a preemption budget, the signaled partition is preempted after the budget's blocks in the
 * call, whatever calls it made: every FFA_RUN gives the normal world its CPU back.
 */
static void test_request_calling_forever_is_preempted_by_the_budget(void **state)
{
    struct ucf *f = *state;
    struct ffa_unicorn_stats st;
    struct ffa_regs r = ucf_req(f, SP_ID_FAULTY, SP_FAULT_CALL_LOOP, 0, 0, 0, 0);

    for (int i = 0; i < 20; i++) {
        assert_int_equal(r.x[0], FFA_INTERRUPT);
        assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_FAULTY, 0));
        r = ucf_call(f, FFA_RUN, r.x[1], 0, 0, 0, 0, 0, 0);
    }
    ffa_unicorn_get_stats(f->spmc, &st);
    assert_true(st.preemptions >= 20);
    assert_int_equal(st.aborts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_partition_calling_forever_at_boot_is_aborted_by_the_init_budget, setup_boot_loop,
            teardown),
        cmocka_unit_test_setup_teardown(test_init_budget_defaults_to_the_watchdog,
                                        setup_boot_loop_default, teardown),
        cmocka_unit_test_setup_teardown(test_request_calling_forever_is_aborted_by_the_watchdog,
                                        setup_request_loop, teardown),
        cmocka_unit_test_setup_teardown(
            test_callee_calling_forever_is_aborted_and_its_caller_answers, setup_request_loop,
            teardown),
        cmocka_unit_test_setup_teardown(test_request_calling_forever_is_preempted_by_the_budget,
                                        setup_request_loop_budget, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
