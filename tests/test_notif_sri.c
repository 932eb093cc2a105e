/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schedule receiver interrupt's handler, ffa_mediator_handle_sri(): the INFO_GET loop against
 * a scripted SPMC, the answers it refuses, and which VM and vCPU the host is told to interrupt.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#define VM_A TEST_VM_ID /* 2 vCPUs */

/* An INFO_GET answer under construction: lists of an ID and up to three vCPUs. */
struct answer {
    uint64_t x2;
    uint64_t ids[6]; /* x3..x7, and room for IDs past x7 that a malformed answer claims */
    uint32_t lists, nids;
};

static void list(struct answer *a, uint16_t id, int nvcpus, const uint16_t *vcpus)
{
    assert_true(a->nids + 1 + (uint32_t)nvcpus <= 4 * 6);
    a->ids[a->nids / 4] |= (uint64_t)id << (16 * (a->nids % 4));
    a->nids++;
    for (int i = 0; i < nvcpus; i++, a->nids++)
        a->ids[a->nids / 4] |= (uint64_t)vcpus[i] << (16 * (a->nids % 4));
    a->x2 |= (uint64_t)nvcpus << (12 + 2 * a->lists);
    a->lists++;
}

static struct ffa_regs answer_regs(const struct answer *a, int more)
{
    struct ffa_regs r = {{FFA_SUCCESS_64, 0, a->x2 | ((uint64_t)a->lists << 7) | (more ? 1u : 0u),
                          a->ids[0], a->ids[1], a->ids[2], a->ids[3], a->ids[4]}};

    return r;
}

static void expect_info_get(struct fixture *f, struct ffa_regs reply)
{
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0),
              reply);
}

static void expect_no_data(struct fixture *f)
{
    expect_info_get(f, th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_NO_DATA, 0, 0, 0, 0, 0));
}

/* ---- Fixtures ---- */

/* VM A (v1.1, 2 vCPUs) over a secure world with notifications. */
static int setup_secure(void **state)
{
    struct th_opts o = {
        .fw_abis = FW_ALL_MSG | FW_NOTIF | FW_SRI, .vm_version = FFA_VERSION_1_1, .full_host = 1};

    return th_setup(state, &o);
}

/* And VMs 2..7 with 4 vCPUs each. */
static int setup_seven_vms(void **state)
{
    struct fixture *f;

    if (setup_secure(state) != 0)
        return -1;
    f = *state;
    for (uint16_t id = 2; id <= 7; id++) {
        struct ffa_vm *vm;

        if (th_try_expect_bitmap_create(f, id, 4, 0) != 0 || ffa_vm_add(f->m, id, 4, 0, &vm) != 0)
            return th_setup_failed(state, "cannot add VMs 2..7");
    }
    return 0;
}

static int setup_without_secure_notifications(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_1);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

/* Event i the host got was "interrupt vCPU `vcpu` of VM `vm`". */
static void assert_event(const struct fixture *f, unsigned i, uint16_t vm, uint16_t vcpu)
{
    assert_true(i < f->host.notifies);
    assert_int_equal(f->host.events[i].event, FFA_HOST_EVENT_NOTIFICATION_PENDING);
    assert_int_equal(f->host.events[i].vm, vm);
    assert_int_equal(f->host.events[i].vcpu, vcpu);
}

/* ---- Tests ---- */

static void test_nothing_pending_is_one_call_and_no_signal(void **state)
{
    struct fixture *f = *state;
    struct ffa_sri_result res;

    expect_no_data(f);
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, &res), 0);
    assert_int_equal(res.info_get_calls, 1);
    assert_int_equal(res.signalled, 0);
    assert_int_equal(f->host.notifies, 0);
}

static void test_info_get_is_issued_on_the_handlers_processor(void **state)
{
    struct fixture *f = *state;

    th_expect_on_cpu(f->mock, FFA_MOCK_X(0),
                     th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0), 3,
                     th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_NO_DATA, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 3, NULL), 0);
}

static void test_global_entry_signals_the_first_online_vcpu(void **state)
{
    struct fixture *f = *state;
    struct answer a = {0};

    list(&a, VM_A, 0, NULL);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), 0);
    assert_int_equal(f->host.notifies, 1);
    assert_event(f, 0, VM_A, 0);
}

/* Xen's tasklet injects into vCPU 0 even when it is offline. */
static void test_global_entry_with_vcpu_0_offline_signals_vcpu_1(void **state)
{
    struct fixture *f = *state;
    struct answer a = {0};

    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 0, false), 0);
    list(&a, VM_A, 0, NULL);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), 0);
    assert_int_equal(f->host.notifies, 1);
    assert_event(f, 0, VM_A, 1);
}

static void test_per_vcpu_entry_signals_the_named_vcpu(void **state)
{
    struct fixture *f = *state;
    static const uint16_t v1[] = {1};
    struct answer a = {0};

    list(&a, VM_A, 1, v1);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), 0);
    assert_int_equal(f->host.notifies, 1);
    assert_event(f, 0, VM_A, 1);
}

/* Per-vCPU notifications are for their vCPU: offline, it still gets the signal (it is queued). */
static void test_per_vcpu_entry_signals_its_vcpu_even_offline(void **state)
{
    struct fixture *f = *state;
    static const uint16_t v1[] = {1};
    struct answer a = {0};

    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 1, false), 0);
    list(&a, VM_A, 1, v1);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), 0);
    assert_event(f, 0, VM_A, 1);
}

/*
 * Six VMs with three vCPUs each pending do not fit one answer (24 IDs > 20): the SPMC lists five
 * with "more pending", then the sixth; the handler asks until the flag is clear.
 */
static void test_the_loop_follows_more_pending_past_twenty_ids(void **state)
{
    struct fixture *f = *state;
    static const uint16_t three[] = {0, 1, 3};
    struct answer first = {0}, second = {0};
    struct ffa_sri_result res;

    for (uint16_t id = 2; id <= 6; id++)
        list(&first, id, 3, three);
    assert_int_equal(first.nids, 20);
    list(&second, 7, 3, three);
    list(&second, VM_A, 0, NULL);
    expect_info_get(f, answer_regs(&first, 1));
    expect_info_get(f, answer_regs(&second, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, &res), 0);
    assert_int_equal(res.info_get_calls, 2);
    assert_int_equal(res.signalled, 6 * 3 + 1);
    assert_int_equal(res.dropped, 0);
    for (unsigned vm = 0; vm < 6; vm++) {
        for (unsigned v = 0; v < 3; v++)
            assert_event(f, vm * 3 + v, (uint16_t)(vm + 2), three[v]);
    }
    assert_event(f, 18, VM_A, 0);
}

/* A list count or list sizes naming more IDs than x3..x7 hold: refused, nobody signalled. */
static void test_an_answer_with_more_ids_than_registers_is_aborted(void **state)
{
    struct fixture *f = *state;
    static const uint16_t three[] = {0, 1, 2};
    struct answer a = {0};
    struct ffa_regs r;
    struct ffa_sri_result res;

    for (uint16_t id = 2; id <= 7; id++)
        list(&a, id, 3, three); /* 24 IDs: the last list runs past x7 */
    r = answer_regs(&a, 0);
    expect_info_get(f, r);
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, &res), FFA_RET_ABORTED);
    assert_int_equal(res.signalled, 0);
    assert_int_equal(f->host.notifies, 0);
}

/* A 32-bit answer carries two IDs in each of w3..w7 (Linux accepts it too). */
static void test_a_32_bit_answer_is_read_two_ids_per_register(void **state)
{
    struct fixture *f = *state;
    /* Lists [A, 1] and [2]: IDs A, 1 in w3, 2 in w4; upper halves hold garbage. */
    struct ffa_regs r = {{FFA_SUCCESS_32, 0, (2u << 7) | (1u << 12),
                          0xdead000000000000ull | (1u << 16) | VM_A, 0xbeef000000000002ull}};

    expect_info_get(f, r);
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), 0);
    assert_int_equal(f->host.notifies, 2);
    assert_event(f, 0, VM_A, 1);
    assert_event(f, 1, 2, 0);
}

static void test_sp_entries_are_counted_not_signalled(void **state)
{
    struct fixture *f = *state;
    static const uint16_t v2[] = {2};
    struct answer a = {0};
    struct ffa_sri_result res;

    list(&a, TEST_SP_ID, 1, v2);
    list(&a, VM_A, 0, NULL);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, &res), 0);
    assert_int_equal(res.sp_entries, 1);
    assert_int_equal(res.signalled, 1);
    assert_event(f, 0, VM_A, 0);
}

static void test_unknown_vms_and_vcpus_are_dropped(void **state)
{
    struct fixture *f = *state;
    static const uint16_t bad[] = {2}, good[] = {1};
    struct answer a = {0};
    struct ffa_sri_result res;

    list(&a, 0x0042, 0, NULL); /* no such VM */
    list(&a, VM_A, 1, bad);    /* VM A has vCPUs 0 and 1 */
    list(&a, VM_A, 1, good);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, &res), 0);
    assert_int_equal(res.dropped, 2);
    assert_int_equal(f->host.notifies, 1);
    assert_event(f, 0, VM_A, 1);
}

static void test_the_same_vcpu_twice_in_an_answer_is_signalled_once(void **state)
{
    struct fixture *f = *state;
    static const uint16_t v0[] = {0};
    struct answer a = {0};

    list(&a, VM_A, 0, NULL);
    list(&a, VM_A, 1, v0);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), 0);
    assert_int_equal(f->host.notifies, 1);
}

static void test_an_info_get_error_is_returned(void **state)
{
    struct fixture *f = *state;

    expect_info_get(f, th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_DENIED, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), FFA_RET_DENIED);
}

static void test_an_answer_out_of_protocol_is_aborted(void **state)
{
    struct fixture *f = *state;

    expect_info_get(f, th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), FFA_RET_ABORTED);
}

/* An SPMC that always says "more pending" cannot hold the hypervisor: 64 calls, then RETRY. */
static void test_endless_more_pending_stops_with_retry(void **state)
{
    struct fixture *f = *state;
    struct answer a = {0};
    struct ffa_sri_result res;

    list(&a, VM_A, 0, NULL);
    for (int i = 0; i < 64; i++)
        expect_info_get(f, answer_regs(&a, 1));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, &res), FFA_RET_RETRY);
    assert_int_equal(res.info_get_calls, 64);
}

static void test_without_secure_notifications_it_is_not_supported(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), FFA_RET_NOT_SUPPORTED);
}

/* The VM's own INFO_GET then reports what the SPMC listed for it: global, and per-vCPU. */
static void test_the_vms_own_info_get_reports_what_was_listed(void **state)
{
    struct fixture *f = *state;
    static const uint16_t v1[] = {1};
    struct answer a = {0};
    struct ffa_regs r;

    list(&a, VM_A, 0, NULL);
    list(&a, VM_A, 1, v1);
    expect_info_get(f, answer_regs(&a, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, NULL), 0);
    r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[2], (2u << 7) | (1u << 14)); /* [A] and [A, 1] */
    assert_int_equal(r.x[3], ((uint64_t)1 << 32) | ((uint64_t)VM_A << 16) | VM_A);
    r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_NO_DATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_nothing_pending_is_one_call_and_no_signal, setup_secure),
        T(test_info_get_is_issued_on_the_handlers_processor, setup_secure),
        T(test_global_entry_signals_the_first_online_vcpu, setup_secure),
        T(test_global_entry_with_vcpu_0_offline_signals_vcpu_1, setup_secure),
        T(test_per_vcpu_entry_signals_the_named_vcpu, setup_secure),
        T(test_per_vcpu_entry_signals_its_vcpu_even_offline, setup_secure),
        T(test_the_loop_follows_more_pending_past_twenty_ids, setup_seven_vms),
        T(test_an_answer_with_more_ids_than_registers_is_aborted, setup_seven_vms),
        T(test_a_32_bit_answer_is_read_two_ids_per_register, setup_seven_vms),
        T(test_sp_entries_are_counted_not_signalled, setup_secure),
        T(test_unknown_vms_and_vcpus_are_dropped, setup_secure),
        T(test_the_same_vcpu_twice_in_an_answer_is_signalled_once, setup_secure),
        T(test_an_info_get_error_is_returned, setup_secure),
        T(test_an_answer_out_of_protocol_is_aborted, setup_secure),
        T(test_endless_more_pending_stops_with_retry, setup_secure),
        T(test_without_secure_notifications_it_is_not_supported,
          setup_without_secure_notifications),
        T(test_the_vms_own_info_get_reports_what_was_listed, setup_secure),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
