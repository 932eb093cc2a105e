/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Containment: a faulting or runaway SP is aborted, its caller gets
 * FFA_ERROR(ABORTED), later requests get ABORTED, the other SPs keep working, the host survives,
 * and the log names the SP, the PC and the reason.
 */
#include "uc_fixture.h"

static int setup_faulty_alone(void **state)
{
    *state = ucf_new(UCF_FAULTY, 0, 0);
    return 0;
}

static int setup_chain(void **state)
{
    *state = ucf_new(UCF_FORWARDER | UCF_FAULTY | UCF_ECHO, 0, 0);
    return 0;
}

static int teardown_world(void **state)
{
    ucf_free(*state);
    return 0;
}

static int setup_faulty(void **state)
{
    *state = ucf_new(UCF_FAULTY | UCF_ECHO, 0, 200000);
    return 0;
}

/* The faulty SP does `fault`: contained, with `reason` and `pc` in the log. */
static void check_contained(void **state, uint32_t fault, const char *reason, const char *pc)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_FAULTY, fault, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(ucf_state(f, SP_ID_FAULTY), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "SP 0x8008 (faulty) vCPU 0 aborted"));
    if (!ucf_log_has(f, pc))
        fail_msg("log does not say \"%s\":\n%s", pc, f->log);
    if (!ucf_log_has(f, reason))
        fail_msg("log does not say \"%s\":\n%s", reason, f->log);
    /* Later requests: ABORTED; the other SP still answers. */
    r = ucf_req(f, SP_ID_FAULTY, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_ABORTED);
    r = ucf_call(f, FFA_RUN, FFA_TARGET_INFO(SP_ID_FAULTY, 0), 0, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_ABORTED);
    r = ucf_req(f, SP_ID_ECHO, 7, 0, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_ECHO);
    assert_int_equal(r.x[3], 7);
}

static void test_data_abort_is_contained(void **state)
{
    check_contained(state, SP_FAULT_DATA_ABORT, "data abort", " at pc 0x1000");
}

static void test_undefined_instruction_is_contained(void **state)
{
    check_contained(state, SP_FAULT_UNDEF, "undefined instruction", " at pc 0x1000");
}

static void test_jump_to_unmapped_memory_is_contained(void **state)
{
    check_contained(state, SP_FAULT_BAD_JUMP, "instruction fetch abort", " at pc 0x40001000");
}

static void test_sp_that_never_returns_is_aborted_by_watchdog(void **state)
{
    check_contained(state, SP_FAULT_SPIN, "watchdog", " at pc 0x1000");
}

static void test_sp_reporting_error_aborted_is_aborted(void **state)
{
    check_contained(state, SP_FAULT_SELF_ABORT, "FFA_ERROR(ABORTED)", " at pc 0x1000");
}

static void test_write_to_read_only_memory_is_contained(void **state)
{
    check_contained(state, SP_FAULT_WRITE_RO, "UC_ERR_WRITE_PROT", " at pc 0x1000");
}

static void test_svc_from_s_el1_sp_is_contained(void **state)
{
    check_contained(state, SP_FAULT_WRONG_CONDUIT, "svc from S-EL1", " at pc 0x1000");
}

static void test_healthy_request_to_faulty_sp_answers(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_FAULTY, 0, 0, 0, 0, 0);

    ucf_assert_resp(&r, SP_ID_FAULTY);
    assert_int_equal(r.x[3], 0x600d);
}

static void test_fault_inside_chain_returns_aborted_to_calling_sp(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r =
        ucf_req(f, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_FAULTY, SP_FAULT_DATA_ABORT, 0, 0);

    ucf_assert_resp(&r, SP_ID_FORWARDER);
    assert_int_equal(r.x[3], SP_FORWARD_FAILED);
    assert_int_equal(r.x[4], (uint32_t)FFA_RET_ABORTED);
    assert_int_equal(ucf_state(f, SP_ID_FORWARDER), FFA_UNICORN_EC_WAITING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_data_abort_is_contained, setup_faulty, teardown_world),
        cmocka_unit_test_setup_teardown(test_undefined_instruction_is_contained, setup_faulty,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_jump_to_unmapped_memory_is_contained, setup_faulty,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_sp_that_never_returns_is_aborted_by_watchdog,
                                        setup_faulty, teardown_world),
        cmocka_unit_test_setup_teardown(test_sp_reporting_error_aborted_is_aborted, setup_faulty,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_write_to_read_only_memory_is_contained, setup_faulty,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_svc_from_s_el1_sp_is_contained, setup_faulty,
                                        teardown_world),
        cmocka_unit_test_setup_teardown(test_healthy_request_to_faulty_sp_answers,
                                        setup_faulty_alone, teardown_world),
        cmocka_unit_test_setup_teardown(test_fault_inside_chain_returns_aborted_to_calling_sp,
                                        setup_chain, teardown_world),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
