/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A VM's life cycle against a scripted secure world: the notification bitmap, the VM-created and
 * VM-destroyed framework messages and each answer that defers them (RETRY, INTERRUPTED, BUSY,
 * preemption), ffa_mediator_poll(), and a removal that releases everything the VM holds in both
 * worlds before the host hears FFA_HOST_EVENT_VM_GONE.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#define VM_A      TEST_VM_ID
#define VM_5      0x0005u
#define SP_BOTH   0x8001u /* wants VM-created and VM-destroyed messages */
#define SP_GONE   0x8002u /* wants VM-destroyed messages only */
#define SP_QUIET  0x8003u /* wants neither */
#define FWK       FFA_MSG_FLAG_FRAMEWORK
#define NO_HANDLE 0xffffffffu
#define STATUS(c) ((uint32_t)(int32_t)(c))

static const struct th_sp subscribers[] = {
    {SP_BOTH, 1, 0x3 | FFA_PART_PROP_VM_CREATED | FFA_PART_PROP_VM_DESTROYED, {1}},
    {SP_GONE, 1, 0x3 | FFA_PART_PROP_VM_DESTROYED, {2}},
    {SP_QUIET, 1, 0x3, {3}},
};

/* ---- Scripting the secure world's side ---- */

static struct ffa_regs message(uint16_t sp, uint32_t type, uint16_t vm)
{
    return th_regs(FFA_MSG_SEND_DIRECT_REQ_32, sp, FWK | type, NO_HANDLE, NO_HANDLE, vm, 0, 0);
}

static struct ffa_regs ack(uint16_t sp, uint32_t type, int32_t status)
{
    return th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (uint32_t)sp << 16, FWK | (type + 1),
                   STATUS(status), 0, 0, 0, 0);
}

static struct ffa_regs fw_error(int32_t code)
{
    return th_regs(FFA_ERROR, 0, STATUS(code), 0, 0, 0, 0, 0);
}

/* The message, exactly, answered with `reply`. */
static void expect_message(struct fixture *f, uint16_t sp, uint32_t type, uint16_t vm,
                           struct ffa_regs reply)
{
    th_expect(f->mock, FFA_MOCK_X_ALL, message(sp, type, vm), reply);
}

static void expect_created(struct fixture *f, uint16_t sp, uint16_t vm, int32_t status)
{
    expect_message(f, sp, FFA_FWK_MSG_VM_CREATED, vm, ack(sp, FFA_FWK_MSG_VM_CREATED, status));
}

static void expect_destroyed(struct fixture *f, uint16_t sp, uint16_t vm, int32_t status)
{
    expect_message(f, sp, FFA_FWK_MSG_VM_DESTROYED, vm, ack(sp, FFA_FWK_MSG_VM_DESTROYED, status));
}

static void expect_simple(struct fixture *f, uint32_t fid, uint64_t x1, uint64_t x2,
                          struct ffa_regs reply)
{
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(fid, x1, x2, 0, 0, 0, 0, 0), reply);
}

static struct ffa_regs success(void)
{
    return th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0);
}

/* ---- Fixtures ---- */

/* VM A's own VM-created message, acknowledged, while the fixture adds it. */
static int created_ack_for_vm_a(struct fixture *f)
{
    struct ffa_mock_step s = {.call = message(SP_BOTH, FFA_FWK_MSG_VM_CREATED, VM_A),
                              .match = FFA_MOCK_X_ALL,
                              .reply = ack(SP_BOTH, FFA_FWK_MSG_VM_CREATED, 0)};

    return ffa_mock_expect(f->mock, &s);
}

/*
 * The SPMC lists `subscribers` (so the mediator needs its own buffers: full host, RXTX_MAP and
 * PARTITION_INFO_GET) with `fw_extra`; VM A (v1.2) is added and announced.
 */
static int setup_lc(void **state, uint32_t fw_extra, uint32_t attempts, uint32_t cfg_flags)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_PARTINFO | fw_extra,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1,
                        .cfg = {.lifecycle_attempts = attempts, .flags = cfg_flags},
                        .sps = subscribers,
                        .sp_count = 3,
                        .before_vm = created_ack_for_vm_a};

    return th_setup(state, &o);
}

static int setup_messages(void **state)
{
    return setup_lc(state, 0, 0, 0);
}

static int setup_messages_2_attempts(void **state)
{
    return setup_lc(state, 0, 2, 0);
}

static int setup_messages_and_bitmaps(void **state)
{
    return setup_lc(state, FW_NOTIF, 0, 0);
}

static int setup_messages_bitmaps_per_vcpu(void **state)
{
    return setup_lc(state, FW_NOTIF | FW_NOTIF_PER_VCPU, 0, 0);
}

/*
 * Everything a VM can hold: messages and bitmaps, buffers forwarded to the SPMC (which has
 * RX_ACQUIRE and SEND2), VM-to-VM with VM B (v1.2, announced too).
 */
static int setup_everything_with(void **state, uint32_t attempts)
{
    struct ffa_mock_step created_b = {.call = message(SP_BOTH, FFA_FWK_MSG_VM_CREATED, 0x0002),
                                      .match = FFA_MOCK_X_ALL,
                                      .reply = ack(SP_BOTH, FFA_FWK_MSG_VM_CREATED, 0)};
    struct ffa_regs lock_a = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    struct ffa_regs version = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    struct ffa_regs lock_b = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    struct fixture *f;
    struct ffa_vm *b;

    if (setup_lc(state, FW_NOTIF | FW_ALL_BUFFERS, attempts, FFA_CFG_VM_TO_VM) != 0)
        return -1;
    f = *state;
    if (th_try_call(f, f->vm, &lock_a) != 0 || th_try_expect_bitmap_create(f, 0x0002, 2, 0) != 0 ||
        ffa_mock_expect(f->mock, &created_b) != 0 || ffa_vm_add(f->m, 0x0002, 2, 0, &b) != 0 ||
        th_try_call(f, b, &version) != 0 || th_try_call(f, b, &lock_b) != 0)
        return th_setup_failed(state, "cannot add VM B");
    return 0;
}

static int setup_everything(void **state)
{
    return setup_everything_with(state, 0);
}

static int setup_everything_2(void **state)
{
    return setup_everything_with(state, 2);
}

/* A secure world with bitmaps and no partition asking for messages. */
static int setup_bitmaps_only(void **state)
{
    struct th_opts o = {
        .fw_abis = FW_ALL_MSG | FW_NOTIF, .vm_version = FFA_VERSION_1_2, .full_host = 1};

    return th_setup(state, &o);
}

static void expect_plain_removal(struct fixture *f, uint16_t id, int bitmaps);

/* The same on a host that names the processor it runs on (current_cpu). */
static int setup_bitmaps_only_cpu(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_NOTIF,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1,
                        .host_ops = &test_host_ops_cpu};

    return th_setup(state, &o);
}

/* The harness removes VM A (its bitmap destroyed) when nothing else was asked of it. */
static int teardown_plain(void **state)
{
    return th_teardown(state);
}

/*
 * The VMs a test left (A, B, 5), announced and without buffers, are removed here with their
 * usual messages, so that the mock's script stays in order; then the fixture goes.
 */
static int teardown_lc(void **state)
{
    static const uint16_t ids[] = {VM_A, 0x0002, VM_5};
    struct fixture *f = *state;

    for (size_t i = 0; f != NULL && f->m != NULL && i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct ffa_vm *vm = ffa_vm_find(f->m, ids[i]);

        if (vm == NULL)
            continue;
        expect_plain_removal(f, ids[i], (f->fw_abis & FW_NOTIF) != 0);
        if (ffa_vm_remove(f->m, vm) != 0)
            print_error("teardown: VM 0x%x was not removed at once\n", ids[i]);
    }
    return th_teardown(state);
}

/* ---- Helpers ---- */

/*
 * The removal of a VM in the usual state (announced to SP_BOTH): its bitmap (with bitmaps), then
 * the VM-destroyed messages, all acknowledged.
 */
static void expect_plain_removal(struct fixture *f, uint16_t id, int bitmaps)
{
    if (bitmaps)
        expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, id, 0, success());
    expect_destroyed(f, SP_BOTH, id, 0);
    expect_destroyed(f, SP_GONE, id, 0);
}

static unsigned count_events(const struct fixture *f, enum ffa_host_event event, uint16_t vm)
{
    unsigned n = 0;

    for (unsigned i = 0; i < f->host.notifies && i < TEST_MAX_EVENTS; i++)
        n += f->host.events[i].event == event && f->host.events[i].vm == vm;
    return n;
}

/* ---- Creation ---- */

static void test_adding_a_vm_creates_its_bitmap_for_its_vcpus(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_simple(f, FFA_NOTIFICATION_BITMAP_CREATE, VM_5, 3, success());
    assert_int_equal(ffa_vm_add(f->m, VM_5, 3, 0, &vm), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_5, 0, success());
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/* The life-cycle calls are the mediator's own: issued on the processor current_cpu names. */
static void test_bitmap_calls_are_issued_on_the_hosts_current_cpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    f->host.current_cpu = 3;
    th_expect_on_cpu(f->mock, FFA_MOCK_X_ALL,
                     th_regs(FFA_NOTIFICATION_BITMAP_CREATE, VM_5, 2, 0, 0, 0, 0, 0), 3, success());
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), 0);
    th_expect_on_cpu(f->mock, FFA_MOCK_X_ALL,
                     th_regs(FFA_NOTIFICATION_BITMAP_DESTROY, VM_5, 0, 0, 0, 0, 0, 0), 3,
                     success());
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

static void test_a_refused_bitmap_fails_the_add_and_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm = NULL;

    expect_simple(f, FFA_NOTIFICATION_BITMAP_CREATE, VM_5, 2, fw_error(FFA_RET_NO_MEMORY));
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), FFA_RET_NO_MEMORY);
    assert_null(vm);
    assert_null(ffa_vm_find(f->m, VM_5));
    expect_simple(f, FFA_NOTIFICATION_BITMAP_CREATE, VM_5, 2, success());
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), 0); /* the ID is free */
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_5, 0, success());
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/* Only partitions with properties bit 6 get VM-created; the message carries no handle. */
static void test_vm_created_goes_to_the_partitions_that_ask(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_created(f, SP_BOTH, VM_5, 0);
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    assert_int_equal(ffa_mock_pending(f->mock), 0);
    expect_plain_removal(f, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/* RETRY as the partition's status: the add is pending, ffa_mediator_poll() sends it again. */
static void test_vm_created_answered_retry_is_sent_again_by_poll(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_created(f, SP_BOTH, VM_5, FFA_RET_RETRY);
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_CREATING);
    expect_created(f, SP_BOTH, VM_5, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    assert_int_equal(ffa_mediator_poll(f->m), 0); /* nothing left: no call */
    expect_plain_removal(f, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

static void test_vm_created_answered_interrupted_is_sent_again(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_created(f, SP_BOTH, VM_5, FFA_RET_INTERRUPTED);
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), FFA_LIFECYCLE_PENDING);
    expect_created(f, SP_BOTH, VM_5, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    expect_plain_removal(f, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/* BUSY from the SPMC itself (the partition's context is not waiting). */
static void test_vm_created_refused_busy_by_the_spmc_is_sent_again(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_message(f, SP_BOTH, FFA_FWK_MSG_VM_CREATED, VM_5, fw_error(FFA_RET_BUSY));
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), FFA_LIFECYCLE_PENDING);
    expect_created(f, SP_BOTH, VM_5, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    expect_plain_removal(f, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/*
 * Preempted while handling it: the next attempt resumes the partition with FFA_RUN (parked for
 * the hypervisor meanwhile: no VM may run it and take the answer).
 */
static void test_vm_created_preempted_is_resumed_with_run(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;
    struct ffa_regs r;

    expect_message(f, SP_BOTH, FFA_FWK_MSG_VM_CREATED, VM_5,
                   th_regs(FFA_INTERRUPT, (uint32_t)SP_BOTH << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), FFA_LIFECYCLE_PENDING);
    r = th_do(f, f->vm, th_regs(FFA_RUN, (uint32_t)SP_BOTH << 16, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    expect_simple(f, FFA_RUN, (uint32_t)SP_BOTH << 16, 0, ack(SP_BOTH, FFA_FWK_MSG_VM_CREATED, 0));
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    expect_plain_removal(f, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/* A refusal does not fail the add: the host hears it, and the partition is not told of removal. */
static void test_vm_created_refused_is_reported_and_not_followed_by_destroyed(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_created(f, SP_BOTH, VM_5, FFA_RET_NO_MEMORY);
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_CREATE_FAILED, VM_5), 1);
    expect_destroyed(f, SP_GONE, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

static void test_vm_created_with_a_malformed_answer_is_a_refusal(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    /* The VM-destroyed acknowledgement type where VM-created's belongs. */
    expect_message(f, SP_BOTH, FFA_FWK_MSG_VM_CREATED, VM_5,
                   ack(SP_BOTH, FFA_FWK_MSG_VM_DESTROYED, 0));
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), 0);
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_CREATE_FAILED, VM_5), 1);
    expect_destroyed(f, SP_GONE, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/* Bounded: after cfg.lifecycle_attempts "retry" answers the mediator gives up. */
static void test_vm_created_is_given_up_after_the_configured_attempts(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_created(f, SP_BOTH, VM_5, FFA_RET_RETRY);
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), FFA_LIFECYCLE_PENDING);
    expect_created(f, SP_BOTH, VM_5, FFA_RET_RETRY);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    assert_int_equal(ffa_vm_state(vm), FFA_VM_ACTIVE);
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_CREATE_FAILED, VM_5), 1);
    expect_destroyed(f, SP_GONE, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

/* Removed before the partition heard of it: the message is not sent, nor VM-destroyed to it. */
static void test_removal_cancels_a_vm_created_not_delivered_yet(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_created(f, SP_BOTH, VM_5, FFA_RET_RETRY);
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &vm), FFA_LIFECYCLE_PENDING);
    expect_destroyed(f, SP_GONE, VM_5, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_5), 1);
}

/* ffa_vm_remove() while ffa_mediator_poll() is retrying the VM-created message: poll removes it. */
struct remove_meanwhile {
    struct fixture *f;
    struct ffa_vm *vm;
    int ret;
};

static void remove_during_the_call(void *ctx, const struct ffa_regs *call)
{
    struct remove_meanwhile *rm = ctx;

    (void)call;
    rm->ret = ffa_vm_remove(rm->f->m, rm->vm);
}

static void test_removal_during_a_poll_round_is_done_by_that_round(void **state)
{
    struct fixture *f = *state;
    struct remove_meanwhile rm = {.f = f, .ret = 99};
    struct ffa_mock_step s = {.call = message(SP_BOTH, FFA_FWK_MSG_VM_CREATED, VM_5),
                              .match = FFA_MOCK_X_ALL,
                              .reply = ack(SP_BOTH, FFA_FWK_MSG_VM_CREATED, 0),
                              .effect = remove_during_the_call,
                              .effect_ctx = &rm};

    expect_created(f, SP_BOTH, VM_5, FFA_RET_RETRY);
    assert_int_equal(ffa_vm_add(f->m, VM_5, 2, 0, &rm.vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(ffa_mock_expect(f->mock, &s), 0);
    expect_plain_removal(f, VM_5, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    assert_int_equal(rm.ret, FFA_LIFECYCLE_PENDING); /* taken over by the poll */
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_5), 1);
    assert_null(ffa_vm_find(f->m, VM_5));
}

/* ---- Removal ---- */

static void test_removal_sends_vm_destroyed_and_reports_gone(void **state)
{
    struct fixture *f = *state;

    expect_plain_removal(f, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
    assert_null(ffa_vm_find(f->m, VM_A));
}

/* RETRY then success: the VM waits in TEARING_DOWN, out of the table, its ID reserved. */
static void test_vm_destroyed_answered_retry_is_sent_again_by_poll(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    expect_destroyed(f, SP_BOTH, VM_A, FFA_RET_RETRY);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(ffa_vm_state(f->vm), FFA_VM_TEARING_DOWN);
    assert_null(ffa_vm_find(f->m, VM_A));
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 0);
    assert_int_equal(ffa_vm_add(f->m, VM_A, 2, 0, &vm), FFA_RET_BUSY);
    expect_destroyed(f, SP_BOTH, VM_A, 0); /* only the one still owed */
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
    expect_created(f, SP_BOTH, VM_A, 0);
    assert_int_equal(ffa_vm_add(f->m, VM_A, 2, 0, &vm), 0); /* the ID is free again */
    expect_plain_removal(f, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, vm), 0);
}

static void test_vm_destroyed_answered_interrupted_is_sent_again(void **state)
{
    struct fixture *f = *state;

    expect_destroyed(f, SP_BOTH, VM_A, 0);
    expect_destroyed(f, SP_GONE, VM_A, FFA_RET_INTERRUPTED);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

static void test_vm_destroyed_refused_busy_by_the_spmc_is_sent_again(void **state)
{
    struct fixture *f = *state;

    expect_message(f, SP_BOTH, FFA_FWK_MSG_VM_DESTROYED, VM_A, fw_error(FFA_RET_BUSY));
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

static void test_vm_destroyed_preempted_is_resumed_with_run(void **state)
{
    struct fixture *f = *state;

    expect_message(f, SP_BOTH, FFA_FWK_MSG_VM_DESTROYED, VM_A,
                   th_regs(FFA_MSG_YIELD, (uint32_t)SP_BOTH << 16, 0, 0, 0, 0, 0, 0));
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    expect_simple(f, FFA_RUN, (uint32_t)SP_BOTH << 16, 0,
                  ack(SP_BOTH, FFA_FWK_MSG_VM_DESTROYED, 0));
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

/* A message given up after the attempts: logged, and the VM still goes. */
static void test_vm_destroyed_given_up_still_lets_the_vm_go(void **state)
{
    struct fixture *f = *state;

    expect_destroyed(f, SP_BOTH, VM_A, FFA_RET_RETRY);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    expect_destroyed(f, SP_BOTH, VM_A, FFA_RET_RETRY);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

static void test_removing_a_vm_twice_is_invalid(void **state)
{
    struct fixture *f = *state;

    expect_destroyed(f, SP_BOTH, VM_A, FFA_RET_RETRY);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_RET_INVALID_PARAMETERS);
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
}

static void test_poll_with_nothing_to_do_calls_nothing(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ffa_mediator_poll(f->m), 0);
    expect_plain_removal(f, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), 0);
    f->vm = NULL;
}

static void test_removal_destroys_the_bitmap_first(void **state)
{
    struct fixture *f = *state;

    expect_plain_removal(f, VM_A, 1);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), 0);
    f->vm = NULL;
}

/*
 * Removed with notifications pending in the SPMC: BITMAP_DESTROY is DENIED (Hafnium refuses a
 * bitmap with pending bits), so the mediator reads and drops them, then destroys it.
 */
static void test_removal_with_pending_notifications_drops_them_first(void **state)
{
    struct fixture *f = *state;

    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, fw_error(FFA_RET_DENIED));
    expect_simple(f, FFA_NOTIFICATION_GET, VM_A, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM,
                  th_regs(FFA_SUCCESS_32, 0, 0x8, 0, 0, 0, 0, 0));
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, success());
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), 0);
    f->vm = NULL;
}

/* With per-vCPU notifications each vCPU's bits are read. */
static void test_removal_drops_each_vcpus_pending_notifications(void **state)
{
    struct fixture *f = *state;

    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, fw_error(FFA_RET_DENIED));
    expect_simple(f, FFA_NOTIFICATION_GET, VM_A, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM, success());
    expect_simple(f, FFA_NOTIFICATION_GET, (1u << 16) | VM_A, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM,
                  success());
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, success());
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), 0);
    f->vm = NULL;
}

/* Still DENIED after the drop: retried later. */
static void test_bitmap_destroy_still_denied_is_retried_by_poll(void **state)
{
    struct fixture *f = *state;

    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, fw_error(FFA_RET_DENIED));
    expect_simple(f, FFA_NOTIFICATION_GET, VM_A, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM, success());
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, fw_error(FFA_RET_DENIED));
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, success());
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

/*
 * A VM removed holding everything: a context parked for it, buffers the SPMC maps, notifications
 * pending in both worlds (its RX full with a message from VM B, bits from B, bits in the SPMC), a
 * VM-destroyed message answered RETRY. The first round releases all it can, the guest mapping
 * included; the host hears FFA_HOST_EVENT_VM_GONE only once the last message went.
 */
static void test_a_vm_removed_holding_everything_releases_all_of_it(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *b = ffa_vm_find(f->m, 0x0002);
    uint8_t *tx;
    struct ffa_regs r;

    /* Buffers (forwarded), a message from B in A's RX, bits from B. */
    th_expect(f->mock, FFA_MOCK_X(1) | FFA_MOCK_X(2) | FFA_MOCK_X(3),
              th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0), success());
    th_map_buffers(f, f->vm, 1);
    th_expect(f->mock, FFA_MOCK_X(1) | FFA_MOCK_X(2) | FFA_MOCK_X(3),
              th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0), success());
    th_map_buffers(f, b, 1);
    tx = th_guest_ptr(&f->host, 0x0002, TEST_TX_IPA);
    memset(tx, 0, 48);
    tx[8] = 40;
    tx[12] = VM_A;
    tx[14] = 0x02;
    tx[16] = 1;
    expect_simple(f, FFA_RX_ACQUIRE, VM_A, 0, success());
    r = th_do(f, b, th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_BIND, (0x0002u << 16) | VM_A, 0, 1, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(f, b, th_regs(FFA_NOTIFICATION_SET, (0x0002u << 16) | VM_A, 0, 1, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    /* A request preempted: the context is parked for A. */
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_INTERRUPT, (uint32_t)SP_QUIET << 16, 0, 0, 0, 0, 0, 0));
    r = th_do(
        f, f->vm,
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, ((uint32_t)VM_A << 16) | SP_QUIET, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(f->host.live_maps, 4);

    /* The removal's first round. */
    expect_simple(
        f, FFA_RUN, (uint32_t)SP_QUIET << 16, 0,
        th_regs(FFA_MSG_SEND_DIRECT_RESP_32, ((uint32_t)SP_QUIET << 16) | VM_A, 0, 0, 0, 0, 0, 0));
    expect_simple(f, FFA_RX_RELEASE, VM_A, 0, success()); /* the RX the SPMC lent */
    expect_simple(f, FFA_RXTX_UNMAP, (uint32_t)VM_A << 16, 0, success());
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, fw_error(FFA_RET_DENIED));
    expect_simple(f, FFA_NOTIFICATION_GET, VM_A, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM, success());
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, success());
    expect_destroyed(f, SP_BOTH, VM_A, FFA_RET_RETRY);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(f->host.live_maps, 2); /* A's pair is released; B's stays */
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 0);

    expect_destroyed(f, SP_BOTH, VM_A, 0);
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);

    /* B goes too (its buffers, its bitmap, its messages). */
    expect_simple(f, FFA_RXTX_UNMAP, 0x0002u << 16, 0, success());
    expect_plain_removal(f, 0x0002, 1);
    assert_int_equal(ffa_vm_remove(f->m, b), 0);
}

/* Buffers the SPMC will not unmap: retried, then the VM is stuck and never reported gone. */
static void test_buffers_the_spmc_keeps_leave_the_vm_stuck_and_not_gone(void **state)
{
    struct fixture *f = *state;

    th_expect(f->mock, FFA_MOCK_X(1) | FFA_MOCK_X(2) | FFA_MOCK_X(3),
              th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0), success());
    th_map_buffers(f, f->vm, 1);
    expect_simple(f, FFA_RXTX_UNMAP, (uint32_t)VM_A << 16, 0, fw_error(FFA_RET_BUSY));
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, success());
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(f->host.live_maps, 2); /* the guest pages stay mapped */
    expect_simple(f, FFA_RXTX_UNMAP, (uint32_t)VM_A << 16, 0, fw_error(FFA_RET_BUSY));
    assert_int_equal(ffa_mediator_poll(f->m), 0); /* given up: nothing left to retry */
    assert_int_equal(ffa_mediator_poll(f->m), 0); /* and it is not tried again */
    assert_int_equal(ffa_vm_state(f->vm), FFA_VM_TEARING_DOWN);
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 0);
    /* VM B goes normally; ffa_mediator_destroy() (the teardown) tries A's buffers once more,
     * drops its own mapping, and reports nothing. */
    expect_plain_removal(f, 0x0002, 1);
    assert_int_equal(ffa_vm_remove(f->m, ffa_vm_find(f->m, 0x0002)), 0);
    expect_simple(f, FFA_RXTX_UNMAP, (uint32_t)VM_A << 16, 0, fw_error(FFA_RET_BUSY));
    f->vm = NULL;
}

/* Buffers the SPMC unmaps on the second try: the guest mapping lasts until then. */
static void test_buffers_unmapped_on_retry_release_the_guest_mapping_then(void **state)
{
    struct fixture *f = *state;

    th_expect(f->mock, FFA_MOCK_X(1) | FFA_MOCK_X(2) | FFA_MOCK_X(3),
              th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0), success());
    th_map_buffers(f, f->vm, 1);
    expect_simple(f, FFA_RXTX_UNMAP, (uint32_t)VM_A << 16, 0, fw_error(FFA_RET_BUSY));
    expect_simple(f, FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, success());
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    assert_int_equal(f->host.live_maps, 2);
    expect_simple(f, FFA_RXTX_UNMAP, (uint32_t)VM_A << 16, 0, success());
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(f->host.live_maps, 0);
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

/* A parked context preempted again while it is resumed at removal: resumed again by poll. */
static void test_a_parked_context_preempted_again_is_resumed_by_poll(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_INTERRUPT, (uint32_t)SP_QUIET << 16, 0, 0, 0, 0, 0, 0));
    r = th_do(
        f, f->vm,
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, ((uint32_t)VM_A << 16) | SP_QUIET, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    expect_simple(f, FFA_RUN, (uint32_t)SP_QUIET << 16, 0,
                  th_regs(FFA_INTERRUPT, (uint32_t)SP_QUIET << 16, 0, 0, 0, 0, 0, 0));
    expect_destroyed(f, SP_BOTH, VM_A, 0);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    expect_simple(f, FFA_RUN, (uint32_t)SP_QUIET << 16, 0,
                  th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mediator_poll(f->m), 0);
    f->vm = NULL;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

/* ffa_mediator_destroy() gives a deferred message one more try, then lets the VM go. */
static void test_destroying_the_mediator_finishes_pending_teardowns(void **state)
{
    struct fixture *f = *state;

    expect_destroyed(f, SP_BOTH, VM_A, FFA_RET_RETRY);
    expect_destroyed(f, SP_GONE, VM_A, 0);
    assert_int_equal(ffa_vm_remove(f->m, f->vm), FFA_LIFECYCLE_PENDING);
    expect_destroyed(f, SP_BOTH, VM_A, FFA_RET_RETRY);
    expect_simple(f, FFA_RXTX_UNMAP, 0, 0, success()); /* the mediator's own buffers */
    ffa_mediator_destroy(f->m); /* the fixture's teardown finds no mediator */
    f->m = NULL;
    f->vm = NULL;
    f->own_buffers = 0;
    assert_int_equal(count_events(f, FFA_HOST_EVENT_VM_GONE, VM_A), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown_lc)
        cmocka_unit_test_setup_teardown(test_adding_a_vm_creates_its_bitmap_for_its_vcpus,
                                        setup_bitmaps_only, teardown_plain),
        cmocka_unit_test_setup_teardown(test_a_refused_bitmap_fails_the_add_and_leaves_nothing,
                                        setup_bitmaps_only, teardown_plain),
        cmocka_unit_test_setup_teardown(test_bitmap_calls_are_issued_on_the_hosts_current_cpu,
                                        setup_bitmaps_only_cpu, teardown_plain),
        T(test_vm_created_goes_to_the_partitions_that_ask, setup_messages),
        T(test_vm_created_answered_retry_is_sent_again_by_poll, setup_messages),
        T(test_vm_created_answered_interrupted_is_sent_again, setup_messages),
        T(test_vm_created_refused_busy_by_the_spmc_is_sent_again, setup_messages),
        T(test_vm_created_preempted_is_resumed_with_run, setup_messages),
        T(test_vm_created_refused_is_reported_and_not_followed_by_destroyed, setup_messages),
        T(test_vm_created_with_a_malformed_answer_is_a_refusal, setup_messages),
        T(test_vm_created_is_given_up_after_the_configured_attempts, setup_messages_2_attempts),
        T(test_removal_cancels_a_vm_created_not_delivered_yet, setup_messages),
        T(test_removal_during_a_poll_round_is_done_by_that_round, setup_messages),
        T(test_removal_sends_vm_destroyed_and_reports_gone, setup_messages),
        T(test_vm_destroyed_answered_retry_is_sent_again_by_poll, setup_messages),
        T(test_vm_destroyed_answered_interrupted_is_sent_again, setup_messages),
        T(test_vm_destroyed_refused_busy_by_the_spmc_is_sent_again, setup_messages),
        T(test_vm_destroyed_preempted_is_resumed_with_run, setup_messages),
        T(test_vm_destroyed_given_up_still_lets_the_vm_go, setup_messages_2_attempts),
        T(test_removing_a_vm_twice_is_invalid, setup_messages),
        T(test_poll_with_nothing_to_do_calls_nothing, setup_messages),
        T(test_removal_destroys_the_bitmap_first, setup_messages_and_bitmaps),
        T(test_removal_with_pending_notifications_drops_them_first, setup_messages_and_bitmaps),
        T(test_removal_drops_each_vcpus_pending_notifications, setup_messages_bitmaps_per_vcpu),
        T(test_bitmap_destroy_still_denied_is_retried_by_poll, setup_messages_and_bitmaps),
        T(test_a_vm_removed_holding_everything_releases_all_of_it, setup_everything),
        T(test_buffers_the_spmc_keeps_leave_the_vm_stuck_and_not_gone, setup_everything_2),
        T(test_buffers_unmapped_on_retry_release_the_guest_mapping_then, setup_everything),
        T(test_a_parked_context_preempted_again_is_resumed_by_poll, setup_messages),
        T(test_destroying_the_mediator_finishes_pending_teardowns, setup_messages),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
