/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain SMC functions bound to the real conduit (SMC and HVC) next to one bound to a mock: each
 * call goes through its own backend, all registers both ways. The firmware is a SIGILL handler.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "ffa/backend_smc.h"
#include "ffa/plain_smc.h"
#include "regs_assert.h"
#include "sigill_world.h"

/* One call through `fn`: one trap by `insn`, set 1 in, set 2 out. */
static void call_through_conduit(ffa_plain_smc_fn fn, uint32_t insn)
{
    struct ffa_regs in, out, expected;

    sw_install(sw_reply_set2, NULL);
    sw_distinct_regs(&in, 1);
    memset(&out, 0, sizeof(out));
    fn(&in, &out);
    assert_int_equal(sw_trace()->traps, 1);
    assert_int_equal(sw_trace()->last_insn, insn);
    assert_regs_equal(&sw_trace()->last_in, &in);
    sw_distinct_regs(&expected, 2);
    assert_regs_equal(&out, &expected);
}

/* Functions bound to the SMC conduit, the HVC conduit and a mock; the teardown releases them. */
struct three_bound {
    struct ffa_mock *mock;
    unsigned mock_failures; /* recorded: no longjmp out of a bound function */
    ffa_plain_smc_fn fn_smc, fn_hvc, fn_mock;
    struct ffa_plain_smc *b_smc, *b_hvc, *b_mock;
};

static void count_mock_failure(void *ctx, const char *message)
{
    struct three_bound *t = ctx;

    print_error("%s\n", message);
    t->mock_failures++;
}

static int teardown(void **state)
{
    struct three_bound *t = *state;
    int bad = 0;

    if (t->mock != NULL && ffa_mock_verify(t->mock) != 0)
        bad = 1;
    ffa_plain_smc_release(t->b_smc);
    ffa_plain_smc_release(t->b_hvc);
    ffa_plain_smc_release(t->b_mock);
    ffa_mock_destroy(t->mock);
    free(t);
    *state = NULL;
    return bad ? -1 : 0;
}

static int setup(void **state)
{
    struct three_bound *t = calloc(1, sizeof(*t));
    struct ffa_backend smc_be = ffa_smc_backend(FFA_SMC_CONDUIT_SMC);
    struct ffa_backend hvc_be = ffa_smc_backend(FFA_SMC_CONDUIT_HVC);
    struct ffa_backend mock_be;

    *state = t;
    if (t == NULL)
        return -1;
    t->mock = ffa_mock_create();
    if (t->mock == NULL) {
        teardown(state);
        return -1;
    }
    ffa_mock_set_fail_handler(t->mock, count_mock_failure, t);
    mock_be = ffa_mock_backend(t->mock);
    t->b_smc = ffa_plain_smc_bind(&smc_be, NULL, NULL, &t->fn_smc);
    t->b_hvc = ffa_plain_smc_bind(&hvc_be, NULL, NULL, &t->fn_hvc);
    t->b_mock = ffa_plain_smc_bind(&mock_be, NULL, NULL, &t->fn_mock);
    if (t->b_smc == NULL || t->b_hvc == NULL || t->b_mock == NULL) {
        print_error("setup: cannot bind the three functions\n");
        teardown(state);
        return -1;
    }
    return 0;
}

static void test_functions_bound_to_smc_hvc_and_mock_each_use_their_own(void **state)
{
    struct three_bound *t = *state;
    struct ffa_regs call, reply, out;

    call_through_conduit(t->fn_smc, SW_INSN_SMC0);
    call_through_conduit(t->fn_hvc, SW_INSN_HVC0);
    /* The mock-bound function never traps: its call stays on the host. */
    sw_install(sw_reply_set2, NULL);
    sw_distinct_regs(&call, 3);
    sw_distinct_regs(&reply, 1);
    th_expect(t->mock, FFA_MOCK_X_ALL, call, reply);
    t->fn_mock(&call, &out);
    assert_int_equal(t->mock_failures, 0);
    assert_regs_equal(&out, &reply);
    assert_int_equal(sw_trace()->traps, 0);
    call_through_conduit(t->fn_smc, SW_INSN_SMC0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_functions_bound_to_smc_hvc_and_mock_each_use_their_own,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
