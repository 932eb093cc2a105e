/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SMC/HVC conduit, against a secure world played by a SIGILL handler: all eighteen
 * registers travel in both directions, through the right instruction, through the raw calls, the
 * vtable and the mediator.
 */
#include "harness.h"

#include <string.h>

#include "ffa/backend_smc.h"
#include "regs_assert.h"
#include "sigill_world.h"

typedef void (*raw_call_fn)(const struct ffa_regs *in, struct ffa_regs *out);

/* One call with distinct set 1 in; the world answers set 2. Checks one trap by `insn`. */
static void one_call(raw_call_fn call, uint32_t insn, struct ffa_regs *in, struct ffa_regs *out)
{
    sw_install(sw_reply_set2, NULL);
    sw_distinct_regs(in, 1);
    memset(out, 0, sizeof(*out));
    call(in, out);
    assert_int_equal(sw_trace()->traps, 1);
    assert_int_equal(sw_trace()->last_insn, insn);
}

static void test_smc_call_passes_x0_to_x17_in(void **state)
{
    struct ffa_regs in, out;

    (void)state;
    one_call(ffa_smc_call, SW_INSN_SMC0, &in, &out);
    assert_regs_equal(&sw_trace()->last_in, &in);
}

static void test_smc_call_returns_x0_to_x17_out(void **state)
{
    struct ffa_regs in, out, expected;

    (void)state;
    one_call(ffa_smc_call, SW_INSN_SMC0, &in, &out);
    sw_distinct_regs(&expected, 2);
    assert_regs_equal(&out, &expected);
}

static void test_smc_call_leaves_input_untouched(void **state)
{
    struct ffa_regs in, out, expected;

    (void)state;
    one_call(ffa_smc_call, SW_INSN_SMC0, &in, &out);
    sw_distinct_regs(&expected, 1);
    assert_regs_equal(&in, &expected);
}

static void test_hvc_call_passes_x0_to_x17_in(void **state)
{
    struct ffa_regs in, out;

    (void)state;
    one_call(ffa_hvc_call, SW_INSN_HVC0, &in, &out);
    assert_regs_equal(&sw_trace()->last_in, &in);
}

static void test_hvc_call_returns_x0_to_x17_out(void **state)
{
    struct ffa_regs in, out, expected;

    (void)state;
    one_call(ffa_hvc_call, SW_INSN_HVC0, &in, &out);
    sw_distinct_regs(&expected, 2);
    assert_regs_equal(&out, &expected);
}

static void test_call_with_in_equal_to_out_reads_all_before_writing(void **state)
{
    struct ffa_regs regs, sent, expected;

    (void)state;
    sw_install(sw_reply_set2, NULL);
    sw_distinct_regs(&regs, 1);
    sent = regs;
    ffa_smc_call(&regs, &regs);
    assert_regs_equal(&sw_trace()->last_in, &sent);
    sw_distinct_regs(&expected, 2);
    assert_regs_equal(&regs, &expected);
}

/* Through the vtable: the constructor picks the conduit, and the call reaches the world. */
static void vtable_round_trip(enum ffa_smc_conduit conduit, const char *name, uint32_t insn)
{
    struct ffa_backend be = ffa_smc_backend(conduit);
    struct ffa_regs in, out, expected;

    assert_non_null(be.ops);
    assert_string_equal(be.ops->name, name);
    assert_int_equal(be.ops->caps, FFA_BACKEND_CAP_CONCURRENT);
    assert_null(be.ops->destroy);
    sw_install(sw_reply_set2, NULL);
    sw_distinct_regs(&in, 1);
    ffa_backend_call(&be, 0, &in, &out);
    assert_int_equal(sw_trace()->traps, 1);
    assert_int_equal(sw_trace()->last_insn, insn);
    assert_regs_equal(&sw_trace()->last_in, &in);
    sw_distinct_regs(&expected, 2);
    assert_regs_equal(&out, &expected);
    ffa_backend_destroy(&be);
    assert_null(be.ops);
}

static void test_smc_backend_is_a_concurrent_vtable_issuing_smc(void **state)
{
    (void)state;
    vtable_round_trip(FFA_SMC_CONDUIT_SMC, "smc", SW_INSN_SMC0);
}

static void test_hvc_backend_is_a_concurrent_vtable_issuing_hvc(void **state)
{
    (void)state;
    vtable_round_trip(FFA_SMC_CONDUIT_HVC, "hvc", SW_INSN_HVC0);
}

static void test_unknown_conduit_gives_no_backend(void **state)
{
    struct ffa_backend be = ffa_smc_backend((enum ffa_smc_conduit)7);

    (void)state;
    assert_null(be.ops);
    assert_null(be.ctx);
}

/* ---- The mediator over the conduit, the secure world being a scripted mock ---- */

static void world_is_mock(void *ctx, const struct ffa_regs *in, struct ffa_regs *out)
{
    ffa_backend_call(ctx, 0, in, out);
}

/* The fixture: a host and a mock (th_setup_bench); the test creates the mediator into it. */
static int setup_bench(void **state)
{
    return th_setup_bench(state);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

/*
 * Create the mediator over `smc #0`, the mock answering behind the SIGILL handler. Runs in the
 * test body: cmocka puts its own SIGILL handler back around setup and teardown. `mock_be` must
 * live until the test ends (the handler calls through it).
 */
static void create_over_smc(struct fixture *f, struct ffa_backend *mock_be)
{
    struct ffa_backend smc_be = ffa_smc_backend(FFA_SMC_CONDUIT_SMC);

    *mock_be = ffa_mock_backend(f->mock);
    sw_install(world_is_mock, mock_be);
    th_expect_probe(f->mock, FFA_VERSION_1_2, FW_ALL_MSG);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &f->host, &smc_be, &f->m), 0);
}

static void test_mediator_over_smc_probes_through_smc(void **state)
{
    struct fixture *f = *state;
    struct ffa_backend mock_be;
    size_t probed;

    create_over_smc(f, &mock_be);
    /* FFA_VERSION, then one FFA_FEATURES per probed ABI, all through `smc #0`. */
    ffa_mediator_probe_list(&probed);
    assert_int_equal(sw_trace()->traps, 1 + probed);
    assert_int_equal(sw_trace()->last_insn, SW_INSN_SMC0);
    assert_int_equal(ffa_mock_pending(f->mock), 0);
}

static void test_mediator_over_smc_forwards_direct_req2_with_all_registers(void **state)
{
    struct fixture *f = *state;
    struct ffa_backend mock_be;
    struct ffa_regs call, reply, r;
    size_t probed;

    create_over_smc(f, &mock_be);
    /* The VM's request: sender 1, receiver 0x8001, UUID in x2/x3, payload in x4..x17. */
    sw_distinct_regs(&call, 1);
    call.x[0] = FFA_MSG_SEND_DIRECT_REQ2;
    call.x[1] = ((uint32_t)TEST_VM_ID << 16) | TEST_SP_ID;
    sw_distinct_regs(&reply, 2);
    reply.x[0] = FFA_MSG_SEND_DIRECT_RESP2;
    reply.x[1] = ((uint32_t)TEST_SP_ID << 16) | TEST_VM_ID;
    reply.x[2] = 0;
    reply.x[3] = 0;
    th_expect(f->mock, FFA_MOCK_X_ALL, call, reply);

    assert_int_equal(ffa_vm_add(f->m, TEST_VM_ID, 1, 0, &f->vm), 0);
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    r = call;
    th_call(f, &r);
    assert_regs_equal(&r, &reply);
    /* The probe (FFA_VERSION, one FFA_FEATURES per probed ABI) and the request all went
     * through `smc #0`. */
    ffa_mediator_probe_list(&probed);
    assert_int_equal(sw_trace()->traps, 1 + probed + 1);
    assert_int_equal(sw_trace()->last_insn, SW_INSN_SMC0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smc_call_passes_x0_to_x17_in),
        cmocka_unit_test(test_smc_call_returns_x0_to_x17_out),
        cmocka_unit_test(test_smc_call_leaves_input_untouched),
        cmocka_unit_test(test_hvc_call_passes_x0_to_x17_in),
        cmocka_unit_test(test_hvc_call_returns_x0_to_x17_out),
        cmocka_unit_test(test_call_with_in_equal_to_out_reads_all_before_writing),
        cmocka_unit_test(test_smc_backend_is_a_concurrent_vtable_issuing_smc),
        cmocka_unit_test(test_hvc_backend_is_a_concurrent_vtable_issuing_hvc),
        cmocka_unit_test(test_unknown_conduit_gives_no_backend),
        cmocka_unit_test_setup_teardown(test_mediator_over_smc_probes_through_smc, setup_bench,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_mediator_over_smc_forwards_direct_req2_with_all_registers, setup_bench, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
