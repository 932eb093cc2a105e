/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_MSG_WAIT from a VM (as Hafnium's hypervisor supports it): the reserved registers, the RX
 * buffer given back (or kept with the v1.2 flag), the host told that the vCPU waits, and the
 * FFA_RUN reply the vCPU finds when it runs again.
 */
#include "harness.h"

#define RETAIN_RX 1u

/* VM 1 at `version` with a 1-page RX/TX pair (not forwarded) and an SP list. */
static int setup_mapped(void **state, uint32_t version, uint32_t vm_flags)
{
    static const struct th_sp sps[] = {{TEST_SP_ID, 1, 0x3, {1}}};
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_PARTINFO,
                        .vm_version = version,
                        .vm_flags = vm_flags,
                        .full_host = 1,
                        .sps = sps,
                        .sp_count = 1};

    /* An AArch32 VM maps with the SMC32 form. */
    struct ffa_regs map = th_regs(vm_flags & FFA_VM_AARCH32 ? FFA_RXTX_MAP_32 : FFA_RXTX_MAP_64,
                                  TEST_TX_IPA, TEST_RX_IPA, 1, 0, 0, 0, 0);

    if (th_setup(state, &o) != 0)
        return -1;
    if (th_try_call(*state, ((struct fixture *)*state)->vm, &map) != 0 ||
        map.x[0] != FFA_SUCCESS_32)
        return th_setup_failed(state, "cannot map VM 1's buffers");
    return 0;
}

static int setup_v1_2(void **state)
{
    return setup_mapped(state, FFA_VERSION_1_2, 0);
}

static int setup_v1_1(void **state)
{
    return setup_mapped(state, FFA_VERSION_1_1, 0);
}

static int setup_aarch32_v1_2(void **state)
{
    return setup_mapped(state, FFA_VERSION_1_2, FFA_VM_AARCH32);
}

/* VM 1 at v1.2 without buffers. */
static int setup_without_buffers(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_2, .full_host = 1};

    return th_setup(state, &o);
}

/* VM 1 at v1.2 with its buffers forwarded to the SPMC (it has RX_ACQUIRE and MSG_SEND2). */
static int setup_forwarded(void **state)
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

static int teardown_forwarded(void **state)
{
    struct fixture *f = *state;

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    return th_teardown(state);
}

static struct ffa_regs msg_wait(struct fixture *f, uint16_t vcpu, struct ffa_regs r)
{
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, vcpu, 0, &r), FFA_CALL_HANDLED);
    th_check_mock(f);
    return r;
}

static struct ffa_regs wait_flags(struct fixture *f, uint32_t flags)
{
    return msg_wait(f, 0, th_regs(FFA_MSG_WAIT, 0, flags, 0, 0, 0, 0, 0));
}

static struct ffa_regs partition_info(struct fixture *f)
{
    return th_do(f, f->vm, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
}

static void assert_run(const struct ffa_regs *r)
{
    assert_int_equal(r->x[0], FFA_RUN);
    for (int i = 1; i < 8; i++)
        assert_int_equal(r->x[i], 0);
}

/* ---- The wait ---- */

static void test_msg_wait_tells_the_host_which_vcpu_waits(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = msg_wait(f, 1, th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));

    assert_run(&r);
    assert_int_equal(f->host.notifies, 1);
    assert_int_equal(f->host.notified_event, FFA_HOST_EVENT_VCPU_WAIT);
    assert_int_equal(f->host.notified_vm, TEST_VM_ID);
    assert_int_equal(f->host.notified_vcpu, 1);
}

/* The reply the vCPU finds when it runs again: FFA_RUN, x8..x17 zero at v1.2 (AArch64). */
static void test_msg_wait_reply_is_run_with_zero_arguments(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = wait_flags(f, 0);

    assert_run(&r);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
}

/* Below v1.2, x8..x17 are the caller's and are preserved (and not checked). */
static void test_msg_wait_below_v1_2_preserves_x8_to_x17(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);

    th_fill_high(&r, 0x40);
    r = msg_wait(f, 0, r);
    assert_run(&r);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0x40 + (uint64_t)i);
}

static void test_msg_wait_without_buffers_just_waits(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = wait_flags(f, 0);

    assert_run(&r);
    assert_int_equal(f->host.notified_event, FFA_HOST_EVENT_VCPU_WAIT);
}

static void test_msg_wait_smc64_is_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = msg_wait(f, 0, th_regs(FFA_FID64(0x6B), 0, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    assert_int_equal(f->host.notifies, 0);
}

/* ---- Reserved registers (Hafnium api_ffa_msg_wait()) ---- */

static void test_msg_wait_reserved_registers_are_invalid(void **state)
{
    struct fixture *f = *state;

    for (int reg = 1; reg < FFA_NUM_REGS; reg++) {
        struct ffa_regs r = th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);

        if (reg == 2)
            continue; /* the flags: next test */
        r.x[reg] = 1;
        r = msg_wait(f, 0, r);
        assert_int_equal(r.x[0], FFA_ERROR);
        assert_int_equal(r.x[2], (uint32_t)FFA_RET_INVALID_PARAMETERS);
    }
    assert_int_equal(f->host.notifies, 0);
}

static void test_msg_wait_flags_other_than_retain_are_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = wait_flags(f, 2);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = wait_flags(f, 0x80000000u);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

/* The retain flag is v1.2: before it, w2 MBZ. */
static void test_msg_wait_flags_below_v1_2_are_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    assert_int_equal(partition_info(f).x[0], FFA_SUCCESS_32);
    r = wait_flags(f, RETAIN_RX);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = partition_info(f);
    th_assert_error(&r, FFA_RET_BUSY); /* nothing was released */
}

/* An AArch32 caller has no x8..x17: whatever the host passes there is not checked. */
static void test_msg_wait_from_aarch32_ignores_x8_to_x17(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);

    th_fill_high(&r, 0x40);
    r = msg_wait(f, 0, r);
    assert_run(&r);
}

/* ---- The RX buffer ---- */

static void test_msg_wait_releases_the_rx_buffer(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    assert_int_equal(partition_info(f).x[0], FFA_SUCCESS_32);
    r = partition_info(f);
    th_assert_error(&r, FFA_RET_BUSY); /* the VM owns it */
    r = wait_flags(f, 0);
    assert_run(&r);
    assert_int_equal(partition_info(f).x[0], FFA_SUCCESS_32); /* free again */
}

static void test_msg_wait_with_the_retain_flag_keeps_the_rx_buffer(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    assert_int_equal(partition_info(f).x[0], FFA_SUCCESS_32);
    r = wait_flags(f, RETAIN_RX);
    assert_run(&r);
    r = partition_info(f);
    th_assert_error(&r, FFA_RET_BUSY);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/* Buffers the SPMC knows: the release is forwarded, as FFA_RX_RELEASE's. */
static void test_msg_wait_forwards_the_release(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_ACQUIRE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(partition_info(f).x[0], FFA_SUCCESS_32);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_RELEASE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = wait_flags(f, 0);
    assert_run(&r);
    assert_int_equal(ffa_mock_pending(f->mock), 0);
}

/* The SPMC refuses the release: the wait still happens, and the buffer stays the VM's. */
static void test_msg_wait_whose_release_fails_still_waits(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_ACQUIRE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(partition_info(f).x[0], FFA_SUCCESS_32);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_RELEASE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_ABORTED, 0, 0, 0, 0, 0));
    r = wait_flags(f, 0);
    assert_run(&r);
    r = partition_info(f); /* still full: no RX_ACQUIRE reaches the SPMC */
    th_assert_error(&r, FFA_RET_BUSY);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_RELEASE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)
        T(test_msg_wait_tells_the_host_which_vcpu_waits, setup_v1_2),
        T(test_msg_wait_reply_is_run_with_zero_arguments, setup_v1_2),
        T(test_msg_wait_below_v1_2_preserves_x8_to_x17, setup_v1_1),
        T(test_msg_wait_without_buffers_just_waits, setup_without_buffers),
        T(test_msg_wait_smc64_is_not_supported, setup_v1_2),
        T(test_msg_wait_reserved_registers_are_invalid, setup_v1_2),
        T(test_msg_wait_flags_other_than_retain_are_invalid, setup_v1_2),
        T(test_msg_wait_flags_below_v1_2_are_invalid, setup_v1_1),
        T(test_msg_wait_from_aarch32_ignores_x8_to_x17, setup_aarch32_v1_2),
        T(test_msg_wait_releases_the_rx_buffer, setup_v1_2),
        T(test_msg_wait_with_the_retain_flag_keeps_the_rx_buffer, setup_v1_2),
        cmocka_unit_test_setup_teardown(test_msg_wait_forwards_the_release, setup_forwarded,
                                        teardown_forwarded),
        cmocka_unit_test_setup_teardown(test_msg_wait_whose_release_fails_still_waits,
                                        setup_forwarded, teardown_forwarded),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
