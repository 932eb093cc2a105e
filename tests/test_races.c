/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data races between VMs' calls. Each test runs two threads that touch the same mediator state
 * from different VMs and checks the replies; built with ThreadSanitizer
 * (-DFFA_SANITIZE=thread, the TSan stage of scripts/test.sh) a plain access racing an atomic one
 * fails the test.
 */
#include "harness.h"

#include <pthread.h>
#include <sched.h>

#define ROUNDS 300

/* VM-to-VM messaging: every VM sees the others in partition discovery. */
static int setup_vm_to_vm(void **state)
{
    struct th_opts o = {
        .fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_2, .cfg = {.flags = FFA_CFG_VM_TO_VM}};
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    if (th_setup(state, &o) != 0)
        return -1;
    return th_try_call(*state, ((struct fixture *)*state)->vm, &r); /* locks v1.2 */
}

struct newcomer {
    struct fixture *f;
    unsigned added;
    unsigned calls; /* atomic: discovery calls made so far by the other thread */
    int done;       /* atomic */
};

/* Wait until the other thread has made `n` more calls: the two really overlap. */
static void wait_for_calls(struct newcomer *n, unsigned more)
{
    unsigned until = __atomic_load_n(&n->calls, __ATOMIC_ACQUIRE) + more;

    while (__atomic_load_n(&n->calls, __ATOMIC_ACQUIRE) < until)
        sched_yield();
}

/* VMs come and go; each negotiates its version (written atomically under its own lock). */
static void *newcomers(void *arg)
{
    struct newcomer *n = arg;

    for (unsigned i = 0; i < ROUNDS; i++) {
        struct ffa_vm *vm;
        struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_1 + (i & 1), 0, 0, 0, 0, 0, 0);

        if (ffa_vm_add(n->f->m, (uint16_t)(2 + i % 8), 1, 0, &vm) != 0)
            continue;
        ffa_mediator_handle(n->f->m, vm, 0, 1, &r);
        wait_for_calls(n, 1); /* listed before its version is known... */
        r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
        ffa_mediator_handle(n->f->m, vm, 0, 1, &r);
        wait_for_calls(n, 2); /* ...and after */
        ffa_vm_remove(n->f->m, vm);
        n->added++;
    }
    __atomic_store_n(&n->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/*
 * Partition discovery reads the other VMs' negotiated versions (for the DIRECT_REQ2 property)
 * while those VMs negotiate them.
 */
static void test_discovery_reads_versions_other_vms_negotiate(void **state)
{
    struct fixture *f = *state;
    struct newcomer n = {f, 0, 0, 0};
    unsigned calls = 0, ok = 0, saw_others = 0;
    pthread_t t;

    assert_int_equal(pthread_create(&t, NULL, newcomers, &n), 0);
    /* Discovery all the while VMs come and go. */
    while (!__atomic_load_n(&n.done, __ATOMIC_ACQUIRE)) {
        struct ffa_regs r = th_regs(FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, 0, 0, 0, 0);

        ffa_mediator_handle(f->m, f->vm, 0, 0, &r);
        ok += r.x[0] == FFA_SUCCESS_64;
        saw_others += (r.x[2] & 0xffffu) > 0; /* last index > 0: another VM listed */
        __atomic_store_n(&n.calls, ++calls, __ATOMIC_RELEASE);
    }
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(ok, calls); /* start index 0: never RETRY */
    assert_int_equal(n.added, ROUNDS);
    assert_true(saw_others >= 2 * ROUNDS); /* every newcomer seen twice */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_discovery_reads_versions_other_vms_negotiate,
                                        setup_vm_to_vm, th_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
