/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_VERSION: per-VM negotiation, bare-w0 replies, locking at the first other call. */
#include "harness.h"

static int setup(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, 0);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static struct ffa_regs version_call(struct fixture *f, uint64_t requested)
{
    struct ffa_regs r = th_regs(FFA_VERSION, requested, 7, 7, 7, 7, 7, 7);

    th_call(f, &r);
    return r;
}

static void lock_with_id_get(struct fixture *f)
{
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void assert_bare_w0(const struct ffa_regs *r, uint64_t w0)
{
    assert_int_equal(r->x[0], w0);
    for (int i = 1; i < 8; i++)
        assert_int_equal(r->x[i], 0);
}

static void test_version_answers_1_2_as_bare_w0(void **state)
{
    struct ffa_regs r = version_call(*state, FFA_VERSION_1_0);

    assert_bare_w0(&r, 0x00010002);
}

static void test_version_bit31_set_is_not_supported(void **state)
{
    struct ffa_regs r = version_call(*state, 0x80010002);

    assert_bare_w0(&r, 0xffffffff);
}

static void test_version_other_major_is_not_supported(void **state)
{
    struct ffa_regs r = version_call(*state, FFA_VERSION_MAKE(2, 0));

    assert_bare_w0(&r, 0xffffffff);
    r = version_call(*state, FFA_VERSION_MAKE(0, 9));
    assert_bare_w0(&r, 0xffffffff);
}

static void test_version_negotiates_each_supported_version(void **state)
{
    static const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
    struct fixture *f = *state;

    for (size_t i = 0; i < 3; i++) {
        struct ffa_vm *vm;
        struct ffa_regs r = th_regs(FFA_VERSION, versions[i], 0, 0, 0, 0, 0, 0);

        assert_int_equal(ffa_vm_add(f->m, (uint16_t)(0x10 + i), 1, 0, &vm), 0);
        assert_int_equal(ffa_mediator_handle(f->m, vm, 0, 0, &r), FFA_CALL_HANDLED);
        assert_int_equal(r.x[0], FFA_MEDIATOR_VERSION);
        assert_int_equal(ffa_vm_version(vm), 0);
        r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
        assert_int_equal(ffa_mediator_handle(f->m, vm, 0, 0, &r), FFA_CALL_HANDLED);
        assert_int_equal(ffa_vm_version(vm), versions[i]);
    }
}

static void test_version_higher_minor_is_recorded_as_1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = version_call(f, FFA_VERSION_MAKE(1, 5));

    assert_bare_w0(&r, FFA_VERSION_1_2);
    lock_with_id_get(f);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_2);
}

static void test_version_ignores_upper_half_of_x1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = version_call(f, 0xffffffff00010001ull);

    assert_bare_w0(&r, FFA_VERSION_1_2);
    lock_with_id_get(f);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_1);
}

static void test_version_last_request_before_lock_wins(void **state)
{
    struct fixture *f = *state;

    version_call(f, FFA_VERSION_1_2);
    version_call(f, FFA_VERSION_1_0);
    lock_with_id_get(f);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_0);
}

static void test_version_locked_then_different_request_is_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    version_call(f, FFA_VERSION_1_1);
    lock_with_id_get(f);
    r = version_call(f, FFA_VERSION_1_2);
    assert_bare_w0(&r, 0xffffffff);
    r = version_call(f, FFA_VERSION_1_0);
    assert_bare_w0(&r, 0xffffffff);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_1);
}

static void test_version_locked_then_same_request_answers_1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    version_call(f, FFA_VERSION_1_1);
    lock_with_id_get(f);
    r = version_call(f, FFA_VERSION_1_1);
    assert_bare_w0(&r, FFA_VERSION_1_2);
}

static void test_version_locks_at_an_unsupported_call_too(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    version_call(f, FFA_VERSION_1_1);
    r = th_regs(FFA_MSG_POLL, 0, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_1);
}

static void test_call_before_version_is_not_supported_and_leaves_it_open(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    assert_int_equal(ffa_vm_version(f->vm), 0);
    version_call(f, FFA_VERSION_1_1);
    lock_with_id_get(f);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_1);
}

static void test_version_rejected_request_does_not_change_negotiation(void **state)
{
    struct fixture *f = *state;

    version_call(f, FFA_VERSION_1_1);
    version_call(f, FFA_VERSION_MAKE(2, 0));
    lock_with_id_get(f);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_1);
}

static void test_versions_are_per_vm(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *other;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0, 0, 0);

    assert_int_equal(ffa_vm_add(f->m, 2, 1, 0, &other), 0);
    version_call(f, FFA_VERSION_1_2);
    lock_with_id_get(f);
    assert_int_equal(ffa_mediator_handle(f->m, other, 0, 0, &r), FFA_CALL_HANDLED);
    r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(f->m, other, 0, 0, &r), FFA_CALL_HANDLED);
    assert_int_equal(r.x[2], 2);
    assert_int_equal(ffa_vm_version(other), FFA_VERSION_1_0);
    assert_int_equal(ffa_vm_version(f->vm), FFA_VERSION_1_2);
}

static void test_version_reply_zeroes_x8_x17_once_locked_at_1_2(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    version_call(f, FFA_VERSION_1_2);
    lock_with_id_get(f);
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    th_fill_high(&r, 100);
    th_call(f, &r);
    for (int i = 8; i < FFA_NUM_REGS; i++)
        assert_int_equal(r.x[i], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_version_answers_1_2_as_bare_w0),
        T(test_version_bit31_set_is_not_supported),
        T(test_version_other_major_is_not_supported),
        T(test_version_negotiates_each_supported_version),
        T(test_version_higher_minor_is_recorded_as_1_2),
        T(test_version_ignores_upper_half_of_x1),
        T(test_version_last_request_before_lock_wins),
        T(test_version_locked_then_different_request_is_not_supported),
        T(test_version_locked_then_same_request_answers_1_2),
        T(test_version_locks_at_an_unsupported_call_too),
        T(test_call_before_version_is_not_supported_and_leaves_it_open),
        T(test_version_rejected_request_does_not_change_negotiation),
        T(test_versions_are_per_vm),
        T(test_version_reply_zeroes_x8_x17_once_locked_at_1_2),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
