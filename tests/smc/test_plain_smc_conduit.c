/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain SMC functions bound to the real conduit (SMC and HVC) next to one bound to a mock: each
 * call goes through its own backend, all registers both ways. The firmware is a SIGILL handler.
 */
#include "harness.h"

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

static void test_functions_bound_to_smc_hvc_and_mock_each_use_their_own(void **state)
{
    struct ffa_backend smc_be = ffa_smc_backend(FFA_SMC_CONDUIT_SMC);
    struct ffa_backend hvc_be = ffa_smc_backend(FFA_SMC_CONDUIT_HVC);
    struct ffa_mock *mock = ffa_mock_create();
    struct ffa_backend mock_be;
    ffa_plain_smc_fn fn_smc = NULL, fn_hvc = NULL, fn_mock = NULL;
    struct ffa_plain_smc *b_smc, *b_hvc, *b_mock;
    struct ffa_regs call, reply, out;

    (void)state;
    assert_non_null(mock);
    ffa_mock_set_fail_handler(mock, th_mock_fail, NULL);
    mock_be = ffa_mock_backend(mock);
    b_smc = ffa_plain_smc_bind(&smc_be, NULL, NULL, &fn_smc);
    b_hvc = ffa_plain_smc_bind(&hvc_be, NULL, NULL, &fn_hvc);
    b_mock = ffa_plain_smc_bind(&mock_be, NULL, NULL, &fn_mock);
    assert_non_null(b_smc);
    assert_non_null(b_hvc);
    assert_non_null(b_mock);

    call_through_conduit(fn_smc, SW_INSN_SMC0);
    call_through_conduit(fn_hvc, SW_INSN_HVC0);
    /* The mock-bound function never traps: its call stays on the host. */
    sw_install(sw_reply_set2, NULL);
    sw_distinct_regs(&call, 3);
    sw_distinct_regs(&reply, 1);
    th_expect(mock, FFA_MOCK_X_ALL, call, reply);
    fn_mock(&call, &out);
    assert_regs_equal(&out, &reply);
    assert_int_equal(sw_trace()->traps, 0);
    call_through_conduit(fn_smc, SW_INSN_SMC0);

    assert_int_equal(ffa_mock_verify(mock), 0);
    ffa_plain_smc_release(b_smc);
    ffa_plain_smc_release(b_hvc);
    ffa_plain_smc_release(b_mock);
    ffa_mock_destroy(mock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_functions_bound_to_smc_hvc_and_mock_each_use_their_own),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
