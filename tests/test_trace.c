/* SPDX-License-Identifier: BSD-3-Clause */
/* The host's trace hook: it sees every FF-A call of a guest and its reply, and changes nothing. */
#include "harness.h"

#include <string.h>

static int setup_traced(void **state)
{
    struct th_opts o = {
        .host_ops = &test_host_ops_trace, .fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_2};

    return th_setup(state, &o);
}

static int setup_traced_aarch32(void **state)
{
    struct th_opts o = {.host_ops = &test_host_ops_trace,
                        .fw_abis = FW_ALL_MSG,
                        .vm_flags = FFA_VM_AARCH32,
                        .vm_version = FFA_VERSION_1_2};

    return th_setup(state, &o);
}

/* Two mediators side by side: `a` without a hook, `b` with one. */
static int setup_untraced_and_traced(void **state)
{
    struct th_opts a = {.fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_2};
    struct th_opts b = a;

    b.host_ops = &test_host_ops_trace;
    return th_setup_two(state, &a, &b);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static int teardown_two(void **state)
{
    return th_teardown_two(state);
}

static void test_version_negotiation_is_traced(void **state)
{
    struct fixture *f = *state;

    /* The fixture's FFA_VERSION(1.2): the call as the guest made it and the bare answer. */
    assert_int_equal(f->host.traces, 1);
    assert_int_equal(f->host.trace[0].vm_id, TEST_VM_ID);
    assert_int_equal(f->host.trace[0].call.x[0], FFA_VERSION);
    assert_int_equal(f->host.trace[0].call.x[1], FFA_VERSION_1_2);
    assert_int_equal(f->host.trace[0].reply.x[0], FFA_VERSION_1_2);
}

static void test_hook_sees_the_call_and_the_reply_the_guest_gets(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 5, 6, 7, 8, 9);
    const struct ffa_regs call = r;

    th_expect(
        f->mock, FFA_MOCK_X(3), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 5, 0, 0, 0, 0),
        th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 6, 0, 0, 0, 0));
    f->host.traces = 0;
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(f->host.traces, 1);
    assert_memory_equal(&f->host.trace[0].call, &call, sizeof(call));
    assert_memory_equal(&f->host.trace[0].reply, &r, sizeof(r));
}

static void test_every_call_is_traced_after_the_version_is_settled(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    f->host.traces = 0;
    for (int i = 0; i < 3; i++) {
        r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
        th_call(f, &r);
        assert_int_equal(r.x[0], FFA_SUCCESS_32);
    }
    assert_int_equal(f->host.traces, 3);
    assert_int_equal(f->host.trace[2].call.x[0], FFA_ID_GET);
    assert_int_equal(f->host.trace[2].reply.x[2], TEST_VM_ID);
}

static void test_trace_names_the_vcpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    f->host.traces = 0;
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 1, 0, &r), FFA_CALL_HANDLED);
    assert_int_equal(f->host.traces, 1);
    assert_int_equal(f->host.trace[0].vcpu, 1);
}

static void test_declined_calls_are_not_traced(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(0x84000000, 0, 0, 0, 0, 0, 0, 0); /* PSCI_VERSION */

    f->host.traces = 0;
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 0, 0, &r), FFA_CALL_DECLINED);
    assert_int_equal(f->host.traces, 0);
}

static void test_call_for_no_vm_is_traced_with_id_0(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    f->host.traces = 0;
    assert_int_equal(ffa_mediator_handle(f->m, NULL, 0, 0, &r), FFA_CALL_HANDLED);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->host.traces, 1);
    assert_int_equal(f->host.trace[0].vm_id, 0);
    assert_memory_equal(&f->host.trace[0].reply, &r, sizeof(r));
}

static void test_traced_aarch32_vm_still_has_no_smc64(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r); /* settles the version */
    r = th_regs(FFA_MSG_SEND_DIRECT_REQ_64, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    assert_int_equal(f->host.trace[f->host.traces - 1].call.x[0], FFA_MSG_SEND_DIRECT_REQ_64);
}

/* The same guest calls with and without a hook get the same replies, bit for bit. */
static void test_a_hook_changes_no_reply(void **state)
{
    struct th_two *two = *state;
    const struct ffa_regs calls[] = {
        {{FFA_ID_GET}},
        {{FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ2}},
        {{FFA_FEATURES, FFA_MEM_SHARE_64}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 1, 2, 3, 4, 5}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, (2u << 16) | TEST_SP_ID}}, /* a forged sender */
        {{FFA_VERSION, FFA_VERSION_1_1}},                        /* after the version is settled */
        {{FFA_MSG_WAIT}},
        {{FFA_MSG_SEND_DIRECT_REQ2, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
          9, 10, 11, 12, 13, 14}},
    };

    for (int k = 0; k < 2; k++) {
        struct fixture *f = k == 0 ? two->a : two->b;

        th_expect(f->mock, 0, th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
                  th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 9, 0, 0,
                          0, 0));
        th_expect(
            f->mock, 0, th_regs(FFA_MSG_SEND_DIRECT_REQ2, 0, 0, 0, 0, 0, 0, 0),
            th_regs(FFA_MSG_SEND_DIRECT_RESP2, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 0, 7, 0, 0, 0));
    }
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        struct ffa_regs ra = calls[i], rb = calls[i];

        th_fill_high(&ra, 7);
        th_fill_high(&rb, 7);
        if (calls[i].x[0] == FFA_MSG_SEND_DIRECT_REQ2)
            rb = ra = calls[i];
        th_call(two->a, &ra);
        th_call(two->b, &rb);
        assert_memory_equal(&ra, &rb, sizeof(ra));
    }
    assert_int_equal(two->a->host.traces, 0);
    assert_int_equal(two->b->host.traces, 1 + sizeof(calls) / sizeof(calls[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_traced, teardown)
        T(test_version_negotiation_is_traced),
        T(test_hook_sees_the_call_and_the_reply_the_guest_gets),
        T(test_every_call_is_traced_after_the_version_is_settled),
        T(test_trace_names_the_vcpu),
        T(test_declined_calls_are_not_traced),
        T(test_call_for_no_vm_is_traced_with_id_0),
#undef T
        cmocka_unit_test_setup_teardown(test_traced_aarch32_vm_still_has_no_smc64,
                                        setup_traced_aarch32, teardown),
        cmocka_unit_test_setup_teardown(test_a_hook_changes_no_reply, setup_untraced_and_traced,
                                        teardown_two),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
