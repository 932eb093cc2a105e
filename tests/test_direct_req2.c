/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_MSG_SEND_DIRECT_REQ2 (v1.2): UUID in x2/x3, payload x4..x17, RESP2 copied in full. */
#include "harness.h"

#define W1_VM_TO_SP ((TEST_VM_ID << 16) | TEST_SP_ID)
#define W1_SP_TO_VM ((TEST_SP_ID << 16) | TEST_VM_ID)
#define UUID_LO     0x4a907e1eb4b5671eull
#define UUID_HI     0xcbdae1da13fb1fb8ull

/* A v1.2 VM; a v1.1 VM; an AArch32 VM; a secure world without DIRECT_REQ2. */
static int setup_v1_2(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2);
}

static int setup_v1_1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_1);
}

static int setup_aarch32_v1_2(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, FFA_VM_AARCH32, FFA_VERSION_1_2);
}

static int setup_fw_without_req2(void **state)
{
    return th_setup_new(state, FW_DIRECT_REQ_32 | FW_DIRECT_REQ_64, 0, FFA_VERSION_1_2);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static struct ffa_regs req2_regs(uint32_t w1)
{
    struct ffa_regs r =
        th_regs(FFA_MSG_SEND_DIRECT_REQ2, w1, UUID_LO, UUID_HI, 0xf000000000000004ull, 5, 6, 7);

    th_fill_high(&r, 0xf000000000000000ull);
    return r;
}

static void test_req2_forwards_all_eighteen_registers(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs(W1_VM_TO_SP);
    struct ffa_regs resp = th_regs(FFA_MSG_SEND_DIRECT_RESP2, W1_SP_TO_VM, 0, 0,
                                   0xe000000000000004ull, 0x15, 0x16, 0x17);

    th_fill_high(&resp, 0xe000000000000000ull);
    th_expect(f->mock, FFA_MOCK_X_ALL, req2_regs(W1_VM_TO_SP), resp);
    th_call(f, &r);
    assert_memory_equal(&r, &resp, sizeof(r)); /* RESP2: x0..x17 exactly as answered */
}

static void test_req2_needs_v1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs(W1_VM_TO_SP);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_req2_needs_firmware_support(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs(W1_VM_TO_SP);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_req2_from_aarch32_vm_is_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs(W1_VM_TO_SP);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_req2_sender_must_be_the_caller(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs((0x3u << 16) | TEST_SP_ID);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_req2_receiver_must_not_be_the_caller(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs((TEST_VM_ID << 16) | TEST_VM_ID);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_req2_receiver_must_be_secure(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs((TEST_VM_ID << 16) | 0x3u);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_req2_answered_by_resp32_is_aborted(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs(W1_VM_TO_SP);

    th_expect(f->mock, FFA_MOCK_X(0), req2_regs(0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, W1_SP_TO_VM, 0, 1, 0, 0, 0, 0));
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_ABORTED);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
}

static void test_req2_interrupted_gets_32_bit_interrupt_and_zeroed_x8_x17(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = req2_regs(W1_VM_TO_SP);
    struct ffa_regs irq =
        th_regs(FFA_INTERRUPT, 0xffffffff00000000ull | (TEST_SP_ID << 16), 0, 0, 0, 0, 0, 0);

    th_fill_high(&irq, 0x100);
    th_expect(f->mock, FFA_MOCK_X(0), req2_regs(0), irq);
    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], TEST_SP_ID << 16);
    for (int i = 2; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
    th_expect_resume_at_removal(f->mock, TEST_SP_ID << 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_req2_forwards_all_eighteen_registers, setup_v1_2),
        T(test_req2_needs_v1_2, setup_v1_1),
        T(test_req2_needs_firmware_support, setup_fw_without_req2),
        T(test_req2_from_aarch32_vm_is_not_supported, setup_aarch32_v1_2),
        T(test_req2_sender_must_be_the_caller, setup_v1_2),
        T(test_req2_receiver_must_not_be_the_caller, setup_v1_2),
        T(test_req2_receiver_must_be_secure, setup_v1_2),
        T(test_req2_answered_by_resp32_is_aborted, setup_v1_2),
        T(test_req2_interrupted_gets_32_bit_interrupt_and_zeroed_x8_x17, setup_v1_2),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
