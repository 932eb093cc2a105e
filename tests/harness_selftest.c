/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The harness itself: a test whose secure-world call fails while the mediator holds its locks
 * must fail, not hang. Every test here fails on purpose; ctest runs this program expecting
 * cmocka's report of exactly these failures within a time limit (tests/CMakeLists.txt), so a
 * harness that deadlocks in the teardown (the mediator's locks still held) fails the check by
 * timing out instead of passing.
 */
#include "harness.h"

/* VM buffers forwarded to the SPMC and mapped: FFA_RX_RELEASE is forwarded under the VM's lock. */
static int setup_forwarding(void **state)
{
    struct th_opts o = {
        .fw_abis = FW_ALL_MSG | FW_ALL_BUFFERS, .vm_version = FFA_VERSION_1_2, .full_host = 1};
    struct fixture *f;

    if (th_setup(state, &o) != 0)
        return -1;
    f = *state;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    return th_try_map_buffers(f, f->vm, 1) == 0 ? 0 : th_setup_failed(state, "map");
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    return th_teardown(state);
}

/* The mock gets a call it does not expect, inside the mediator's locks. */
static void test_fails_on_an_unexpected_call_under_a_lock(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r); /* no expectation scripted: the forwarded release is unexpected */
}

static void assert_in_the_secure_world(void *ctx, const struct ffa_regs *call)
{
    (void)ctx;
    (void)call;
    fail_msg("a mock step's effect failed inside the mediator");
}

/* A mock step's effect fails a cmocka assertion: it jumps out with the locks held. */
static void test_fails_in_an_effect_under_a_lock(void **state)
{
    struct fixture *f = *state;
    struct ffa_mock_step s = {
        .call = {{FFA_RX_RELEASE}},
        .reply = {{FFA_SUCCESS_32}},
        .effect = assert_in_the_secure_world,
    };
    struct ffa_regs r = th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);

    assert_int_equal(ffa_mock_expect(f->mock, &s), 0);
    th_call(f, &r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fails_on_an_unexpected_call_under_a_lock,
                                        setup_forwarding, teardown),
        cmocka_unit_test_setup_teardown(test_fails_in_an_effect_under_a_lock, setup_forwarding,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
