/* SPDX-License-Identifier: BSD-3-Clause */
/* Creating and destroying mediators, the secure-world probe, adding and removing VMs. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * Most tests here create the mediator themselves: th_setup_bench gives them a host and a mock,
 * and the teardown destroys whatever they created into f->m, then checks for leaks.
 */
static int setup_bench(void **state)
{
    return th_setup_bench(state);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

/* ---- ffa_mediator_create's checks ---- */

static void test_create_rejects_a_missing_host_table(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ffa_mediator_create(NULL, NULL, &f->host, NULL, &f->m),
                     FFA_RET_INVALID_PARAMETERS);
    assert_null(f->m);
}

/* Host tables the mediator keeps a pointer to: they must outlive it, teardown included. */
static struct ffa_host_ops host_without_alloc, host_with_half_the_locks;

static void test_create_rejects_a_host_without_alloc(void **state)
{
    struct fixture *f = *state;

    host_without_alloc = test_host_ops;
    host_without_alloc.alloc = NULL;
    assert_int_equal(ffa_mediator_create(NULL, &host_without_alloc, &f->host, NULL, &f->m),
                     FFA_RET_INVALID_PARAMETERS);
    assert_null(f->m);
}

static void test_create_rejects_a_host_with_half_the_lock_callbacks(void **state)
{
    struct fixture *f = *state;

    host_with_half_the_locks = test_host_ops;
    host_with_half_the_locks.unlock = NULL; /* locks are all or nothing */
    assert_int_equal(ffa_mediator_create(NULL, &host_with_half_the_locks, &f->host, NULL, &f->m),
                     FFA_RET_INVALID_PARAMETERS);
    assert_null(f->m);
}

static void test_create_rejects_a_null_result_pointer(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &f->host, NULL, NULL),
                     FFA_RET_INVALID_PARAMETERS);
}

static void assert_config_refused(struct fixture *f, const struct ffa_mediator_config *cfg)
{
    assert_int_equal(ffa_mediator_create(cfg, &test_host_ops, &f->host, NULL, &f->m),
                     FFA_RET_INVALID_PARAMETERS);
}

static void test_create_rejects_unknown_config_flags(void **state)
{
    struct ffa_mediator_config bad_flags = {.flags = 0x80};

    assert_config_refused(*state, &bad_flags);
}

static void test_create_rejects_too_many_rxtx_pages(void **state)
{
    struct ffa_mediator_config too_many_pages = {.rxtx_max_pages = FFA_LIMIT_RXTX_MAX_PAGES + 1};

    assert_config_refused(*state, &too_many_pages);
}

static void test_create_rejects_too_many_vms(void **state)
{
    struct ffa_mediator_config too_many_vms = {.max_vms = 0x8000};

    assert_config_refused(*state, &too_many_vms);
}

/* ---- The probe ---- */

/* The firmware answers FFA_VERSION with `answer`: creating the mediator is refused. */
static void assert_firmware_refused(struct fixture *f, uint64_t answer)
{
    struct ffa_backend be = ffa_mock_backend(f->mock);

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0),
              th_regs(answer, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &f->host, &be, &f->m),
                     FFA_RET_NOT_SUPPORTED);
    assert_null(f->m);
}

static void test_create_fails_when_the_firmware_has_no_ffa_version(void **state)
{
    assert_firmware_refused(*state, 0xffffffff);
}

static void test_create_fails_with_v1_0_firmware(void **state)
{
    assert_firmware_refused(*state, FFA_VERSION_1_0);
}

static void test_create_fails_with_major_version_2_firmware(void **state)
{
    assert_firmware_refused(*state, FFA_VERSION_MAKE(2, 0));
}

static void test_create_fails_when_the_version_answer_has_bit_31_set(void **state)
{
    assert_firmware_refused(*state, 0x80010002);
}

/* Firmware at `version` reporting only FFA_RUN: the mediator uses `used`, and knows what it has. */
static void assert_firmware_accepted(struct fixture *f, uint32_t version, uint32_t used)
{
    struct ffa_backend be = ffa_mock_backend(f->mock);

    th_expect_probe(f->mock, version, FW_RUN);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &f->host, &be, &f->m), 0);
    assert_int_equal(ffa_mediator_fw_version(f->m), used);
    assert_true(ffa_mediator_fw_supports(f->m, FFA_RUN));
    assert_false(ffa_mediator_fw_supports(f->m, FFA_MSG_SEND_DIRECT_REQ_32));
}

static void test_create_accepts_v1_1_firmware(void **state)
{
    assert_firmware_accepted(*state, FFA_VERSION_1_1, FFA_VERSION_1_1);
}

static void test_create_accepts_v1_2_firmware(void **state)
{
    assert_firmware_accepted(*state, FFA_VERSION_1_2, FFA_VERSION_1_2);
}

static void test_create_uses_v1_2_with_newer_minor_firmware(void **state)
{
    assert_firmware_accepted(*state, FFA_VERSION_MAKE(1, 3), FFA_VERSION_1_2);
}

/* ---- Allocation failures ---- */

/* A host whose allocator fails at the n-th call. */
struct failing_host {
    struct test_host base; /* first: the test_host_ops callbacks use it */
    int fail_at;
    int count;
};

static void *failing_alloc(void *host, size_t size)
{
    struct failing_host *h = host;

    if (++h->count == h->fail_at)
        return NULL;
    return test_host_ops.alloc(host, size);
}

static void *failing_lock_create(void *host)
{
    struct failing_host *h = host;

    if (++h->count == h->fail_at)
        return NULL;
    return test_host_ops.lock_create(host);
}

static struct ffa_host_ops failing_ops; /* outlives every mediator using it */

/* One attempt: its host, its mock and what it created, freed by the test or by the teardown. */
struct failing_bench {
    struct failing_host h;
    struct ffa_mock *mock;
    struct ffa_mediator *m;
    unsigned mock_failures; /* the probe went wrong (recorded: no longjmp out of the mediator) */
};

static void count_mock_failure(void *ctx, const char *message)
{
    struct failing_bench *b = ctx;

    print_error("%s\n", message);
    b->mock_failures++;
}

static int setup_failing_host(void **state)
{
    failing_ops = test_host_ops;
    failing_ops.alloc = failing_alloc;
    failing_ops.lock_create = failing_lock_create;
    *state = calloc(1, sizeof(struct failing_bench));
    return *state != NULL ? 0 : -1;
}

/* Destroy the attempt's mediator and mock (the probe is cut short: the mock is not verified). */
static void failing_bench_reset(struct failing_bench *b)
{
    ffa_mediator_destroy(b->m);
    ffa_mock_destroy(b->mock);
    b->m = NULL;
    b->mock = NULL;
}

static int teardown_failing_host(void **state)
{
    struct failing_bench *b = *state;
    int ret;

    failing_bench_reset(b);
    ret = th_host_release(&b->h.base);
    free(b);
    *state = NULL;
    return ret;
}

static void test_allocation_failures_are_no_memory_without_leaks(void **state)
{
    struct failing_bench *b = *state;

    for (int fail_at = 1; fail_at < 20; fail_at++) {
        struct ffa_backend be;
        struct ffa_vm *vm = NULL;
        int ret;

        memset(&b->h, 0, sizeof(b->h));
        b->h.fail_at = fail_at;
        b->mock = ffa_mock_create();
        assert_non_null(b->mock);
        ffa_mock_set_fail_handler(b->mock, count_mock_failure, b);
        be = ffa_mock_backend(b->mock);
        th_expect_probe(b->mock, FFA_VERSION_1_2, FW_ALL_MSG);
        ret = ffa_mediator_create(NULL, &failing_ops, &b->h, &be, &b->m);
        assert_int_equal(b->mock_failures, 0);
        if (ret == 0)
            ret = ffa_vm_add(b->m, 1, 1, 0, &vm);
        if (b->h.count < fail_at) { /* every allocation succeeded: done */
            assert_int_equal(ret, 0);
            break;
        }
        assert_int_equal(ret, FFA_RET_NO_MEMORY);
        failing_bench_reset(b);
        assert_int_equal(b->h.base.live_allocs, 0);
        assert_int_equal(b->h.base.live_locks, 0);
    }
}

/* ---- Adding, finding and removing VMs ---- */

/* A mediator with VM 1 (f->vm) that has not negotiated a version. */
static int setup_vm1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, 0);
}

static void test_vm_add_rejects_id_0(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    assert_int_equal(ffa_vm_add(f->m, 0, 1, 0, &vm), FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_add_rejects_a_secure_world_id(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    assert_int_equal(ffa_vm_add(f->m, 0x8001, 1, 0, &vm), FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_add_rejects_zero_vcpus(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    assert_int_equal(ffa_vm_add(f->m, 5, 0, 0, &vm), FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_add_rejects_unknown_flags(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    assert_int_equal(ffa_vm_add(f->m, 5, 1, 0x2, &vm), FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_add_denies_an_id_in_use(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    assert_int_equal(ffa_vm_add(f->m, TEST_VM_ID, 1, 0, &vm), FFA_RET_DENIED);
}

/* A mediator without a secure world, configured for 3 VMs, holding VMs 1, 2 and 3. */
static int setup_3_of_3_vms(void **state)
{
    struct ffa_mediator_config cfg = {.max_vms = 3};
    struct fixture *f;

    if (th_setup_bench(state) != 0)
        return -1;
    f = *state;
    if (ffa_mediator_create(&cfg, &test_host_ops, &f->host, NULL, &f->m) != 0)
        return th_setup_failed(state, "cannot create the mediator");
    for (uint16_t id = 1; id <= 3; id++) {
        struct ffa_vm *vm;

        if (ffa_vm_add(f->m, id, 1, 0, &vm) != 0)
            return th_setup_failed(state, "cannot add VMs 1..3");
    }
    return 0;
}

static void test_vm_add_stops_at_max_vms(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    assert_int_equal(ffa_vm_add(f->m, 4, 1, 0, &vm), FFA_RET_NO_MEMORY);
}

static void test_vm_add_reuses_the_place_of_a_removed_vm(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm;

    assert_int_equal(ffa_vm_remove(f->m, ffa_vm_find(f->m, 2)), 0);
    assert_int_equal(ffa_vm_add(f->m, 4, 1, 0, &vm), 0);
}

static void test_vm_find_returns_the_vm_add_gave(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *a, *b;

    assert_int_equal(ffa_vm_add(f->m, 0x7fff, 1, 0, &a), 0);
    assert_int_equal(ffa_vm_add(f->m, 0x0042, 4, 0, &b), 0);
    assert_ptr_equal(ffa_vm_find(f->m, 0x7fff), a);
    assert_ptr_equal(ffa_vm_find(f->m, 0x0042), b);
    assert_ptr_equal(ffa_vm_find(f->m, TEST_VM_ID), f->vm);
    assert_null(ffa_vm_find(f->m, 0x0043));
    assert_int_equal(ffa_vm_id(b), 0x0042);
}

static void test_vm_remove_leaves_the_others_findable(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *a, *b;

    assert_int_equal(ffa_vm_add(f->m, 0x7fff, 1, 0, &a), 0);
    assert_int_equal(ffa_vm_add(f->m, 0x0042, 4, 0, &b), 0);
    assert_int_equal(ffa_vm_remove(f->m, b), 0);
    assert_null(ffa_vm_find(f->m, 0x0042));
    assert_ptr_equal(ffa_vm_find(f->m, 0x7fff), a);
}

static int setup_two_mediators_vm1(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG};

    return th_setup_two(state, &o, &o);
}

static int teardown_two(void **state)
{
    return th_teardown_two(state);
}

static void test_vm_remove_refuses_a_foreign_vm(void **state)
{
    struct th_two *two = *state;

    assert_int_equal(ffa_vm_remove(two->a->m, two->b->vm), FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_remove_refuses_null(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ffa_vm_remove(f->m, NULL), FFA_RET_INVALID_PARAMETERS);
}

/* Mediator a's VM at v1.1, b's at v1.2. */
static int setup_two_mediators_v1_1_and_v1_2(void **state)
{
    struct th_opts a = {.fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_1};
    struct th_opts b = {.fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_2};

    return th_setup_two(state, &a, &b);
}

static void test_two_mediators_do_not_interfere(void **state)
{
    struct th_two *two = *state;
    struct ffa_regs ra =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0xa, 0, 0, 0, 0);
    struct ffa_regs rb =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0xb, 0, 0, 0, 0);

    th_expect(two->a->mock, FFA_MOCK_X(0) | FFA_MOCK_X(3), ra,
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0, 0, 0xaa, 0, 0, 0, 0));
    th_expect(two->b->mock, FFA_MOCK_X(0) | FFA_MOCK_X(3), rb,
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0, 0, 0xbb, 0, 0, 0, 0));
    th_call(two->b, &rb);
    th_call(two->a, &ra);
    assert_int_equal(ra.x[3], 0xaa);
    assert_int_equal(rb.x[3], 0xbb);
    assert_int_equal(ffa_vm_version(two->a->vm), FFA_VERSION_1_1);
    assert_int_equal(ffa_vm_version(two->b->vm), FFA_VERSION_1_2);
}

/* ---- Mediators without a secure world, or without locks ---- */

/* No backend; VM 3 (f->vm) has asked for v1.2 (not locked yet). */
static int setup_without_a_secure_world(void **state)
{
    struct fixture *f;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);

    if (th_setup_bench(state) != 0)
        return -1;
    f = *state;
    if (ffa_mediator_create(NULL, &test_host_ops, &f->host, NULL, &f->m) != 0 ||
        ffa_vm_add(f->m, 3, 1, 0, &f->vm) != 0 ||
        ffa_mediator_handle(f->m, f->vm, 0, 0, &r) != FFA_CALL_HANDLED)
        return th_setup_failed(state, "cannot create a mediator without a secure world");
    return 0;
}

static void test_without_a_secure_world_the_firmware_version_is_0(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ffa_mediator_fw_version(f->m), 0);
}

static void test_without_a_secure_world_id_get_works(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    assert_int_equal(r.x[2], 3);
}

static void test_without_a_secure_world_forwarded_abis_are_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (3u << 16) | 0x8001, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_regs(FFA_RUN, 0x80010000, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    th_call(f, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static struct ffa_host_ops host_without_locks; /* alloc and free only */

/* A host without lock callbacks; VM 9 (f->vm) has asked for v1.0. */
static int setup_host_without_locks(void **state)
{
    struct fixture *f;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0, 0, 0);

    memset(&host_without_locks, 0, sizeof(host_without_locks));
    host_without_locks.alloc = test_host_ops.alloc;
    host_without_locks.free = test_host_ops.free;
    if (th_setup_bench(state) != 0)
        return -1;
    f = *state;
    if (ffa_mediator_create(NULL, &host_without_locks, &f->host, NULL, &f->m) != 0 ||
        ffa_vm_add(f->m, 9, 1, 0, &f->vm) != 0 ||
        ffa_mediator_handle(f->m, f->vm, 0, 0, &r) != FFA_CALL_HANDLED)
        return th_setup_failed(state, "cannot create a mediator on a host without locks");
    return 0;
}

static void test_host_without_locks_works(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    assert_int_equal(r.x[2], 9);
}

static void test_destroy_accepts_null(void **state)
{
    (void)state;
    ffa_mediator_destroy(NULL);
}

/* ---- Several vCPU threads negotiating and calling at once: every answer stays right ---- */

struct worker {
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    int errors;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;

    for (int i = 0; i < 2000; i++) {
        struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_1}};

        ffa_mediator_handle(w->m, w->vm, (uint16_t)(i & 1), 0, &r);
        if (r.x[0] != FFA_VERSION_1_2)
            w->errors++;
        r = (struct ffa_regs){{FFA_ID_GET}};
        ffa_mediator_handle(w->m, w->vm, (uint16_t)(i & 1), 0, &r);
        if (r.x[0] != FFA_SUCCESS_32 || r.x[2] != ffa_vm_id(w->vm))
            w->errors++;
    }
    return NULL;
}

/* Two VMs of two vCPUs, a worker per vCPU; the teardown joins any thread still running. */
struct vcpu_threads {
    struct fixture *f;
    struct worker w[4];
    pthread_t t[4];
    int running[4];
};

static int setup_vcpu_threads(void **state)
{
    struct vcpu_threads *vt = calloc(1, sizeof(*vt));
    void *fs;

    *state = NULL;
    if (vt == NULL || th_setup_bench(&fs) != 0) {
        free(vt);
        return -1;
    }
    vt->f = fs;
    *state = vt;
    if (ffa_mediator_create(NULL, &test_host_ops, &vt->f->host, NULL, &vt->f->m) != 0) {
        th_fixture_release(vt->f);
        free(vt);
        *state = NULL;
        print_error("setup: cannot create the mediator\n");
        return -1;
    }
    return 0;
}

static int teardown_vcpu_threads(void **state)
{
    struct vcpu_threads *vt = *state;
    int ret;

    for (int i = 0; i < 4; i++) {
        if (vt->running[i])
            pthread_join(vt->t[i], NULL);
    }
    ret = th_fixture_release(vt->f);
    free(vt);
    *state = NULL;
    return ret;
}

static void test_concurrent_calls_from_many_vcpus(void **state)
{
    struct vcpu_threads *vt = *state;
    struct worker *w = vt->w;

    for (int i = 0; i < 4; i++) {
        w[i].m = vt->f->m;
        w[i].errors = 0;
        assert_int_equal(ffa_vm_add(vt->f->m, (uint16_t)(10 + i / 2), 2, 0, &w[i].vm),
                         i % 2 == 0 ? 0 : FFA_RET_DENIED);
        if (i % 2 == 1)
            w[i].vm = w[i - 1].vm; /* two threads per VM: its two vCPUs */
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&vt->t[i], NULL, worker_main, &w[i]), 0);
        vt->running[i] = 1;
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(vt->t[i], NULL);
        vt->running[i] = 0;
        assert_int_equal(w[i].errors, 0);
    }
    assert_int_equal(ffa_vm_version(w[0].vm), FFA_VERSION_1_1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_create_rejects_a_missing_host_table, setup_bench),
        T(test_create_rejects_a_host_without_alloc, setup_bench),
        T(test_create_rejects_a_host_with_half_the_lock_callbacks, setup_bench),
        T(test_create_rejects_a_null_result_pointer, setup_bench),
        T(test_create_rejects_unknown_config_flags, setup_bench),
        T(test_create_rejects_too_many_rxtx_pages, setup_bench),
        T(test_create_rejects_too_many_vms, setup_bench),
        T(test_create_fails_when_the_firmware_has_no_ffa_version, setup_bench),
        T(test_create_fails_with_v1_0_firmware, setup_bench),
        T(test_create_fails_with_major_version_2_firmware, setup_bench),
        T(test_create_fails_when_the_version_answer_has_bit_31_set, setup_bench),
        T(test_create_accepts_v1_1_firmware, setup_bench),
        T(test_create_accepts_v1_2_firmware, setup_bench),
        T(test_create_uses_v1_2_with_newer_minor_firmware, setup_bench),
        cmocka_unit_test_setup_teardown(test_allocation_failures_are_no_memory_without_leaks,
                                        setup_failing_host, teardown_failing_host),
        T(test_vm_add_rejects_id_0, setup_vm1),
        T(test_vm_add_rejects_a_secure_world_id, setup_vm1),
        T(test_vm_add_rejects_zero_vcpus, setup_vm1),
        T(test_vm_add_rejects_unknown_flags, setup_vm1),
        T(test_vm_add_denies_an_id_in_use, setup_vm1),
        T(test_vm_add_stops_at_max_vms, setup_3_of_3_vms),
        T(test_vm_add_reuses_the_place_of_a_removed_vm, setup_3_of_3_vms),
        T(test_vm_find_returns_the_vm_add_gave, setup_vm1),
        T(test_vm_remove_leaves_the_others_findable, setup_vm1),
        cmocka_unit_test_setup_teardown(test_vm_remove_refuses_a_foreign_vm,
                                        setup_two_mediators_vm1, teardown_two),
        T(test_vm_remove_refuses_null, setup_vm1),
        cmocka_unit_test_setup_teardown(test_two_mediators_do_not_interfere,
                                        setup_two_mediators_v1_1_and_v1_2, teardown_two),
        T(test_without_a_secure_world_the_firmware_version_is_0, setup_without_a_secure_world),
        T(test_without_a_secure_world_id_get_works, setup_without_a_secure_world),
        T(test_without_a_secure_world_forwarded_abis_are_not_supported,
          setup_without_a_secure_world),
        T(test_host_without_locks_works, setup_host_without_locks),
        cmocka_unit_test(test_destroy_accepts_null),
        cmocka_unit_test_setup_teardown(test_concurrent_calls_from_many_vcpus, setup_vcpu_threads,
                                        teardown_vcpu_threads),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
