/* SPDX-License-Identifier: BSD-3-Clause */
/* Creating and destroying mediators, the secure-world probe, adding and removing VMs. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct ffa_mock *new_mock(void)
{
    struct ffa_mock *mock = ffa_mock_create();

    assert_non_null(mock);
    ffa_mock_set_fail_handler(mock, th_mock_fail, NULL);
    return mock;
}

static void test_create_rejects_bad_host_tables(void **state)
{
    struct test_host h = {0};
    struct ffa_host_ops ops = test_host_ops;
    struct ffa_mediator *m = NULL;

    (void)state;
    assert_int_equal(ffa_mediator_create(NULL, NULL, &h, NULL, &m), FFA_RET_INVALID_PARAMETERS);
    ops.alloc = NULL;
    assert_int_equal(ffa_mediator_create(NULL, &ops, &h, NULL, &m), FFA_RET_INVALID_PARAMETERS);
    ops = test_host_ops;
    ops.unlock = NULL; /* locks are all or nothing */
    assert_int_equal(ffa_mediator_create(NULL, &ops, &h, NULL, &m), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &h, NULL, NULL),
                     FFA_RET_INVALID_PARAMETERS);
    assert_null(m);
    assert_int_equal(h.live_allocs, 0);
}

static void test_create_rejects_bad_config(void **state)
{
    struct test_host h = {0};
    struct ffa_mediator *m = NULL;
    struct ffa_mediator_config bad_flags = {.flags = 0x80};
    struct ffa_mediator_config too_many_pages = {.rxtx_max_pages = FFA_LIMIT_RXTX_MAX_PAGES + 1};
    struct ffa_mediator_config too_many_vms = {.max_vms = 0x8000};

    (void)state;
    assert_int_equal(ffa_mediator_create(&bad_flags, &test_host_ops, &h, NULL, &m),
                     FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_mediator_create(&too_many_pages, &test_host_ops, &h, NULL, &m),
                     FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_mediator_create(&too_many_vms, &test_host_ops, &h, NULL, &m),
                     FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(h.live_allocs, 0);
}

static void expect_fw_version(struct ffa_mock *mock, uint64_t answer)
{
    th_expect(mock, FFA_MOCK_X_ALL, th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0),
              th_regs(answer, 0, 0, 0, 0, 0, 0, 0));
}

static void test_create_fails_without_ffa_firmware(void **state)
{
    static const uint64_t refused[] = {0xffffffff, FFA_VERSION_1_0, FFA_VERSION_MAKE(2, 0),
                                       0x80010002};

    (void)state;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct test_host h = {0};
        struct ffa_mock *mock = new_mock();
        struct ffa_backend be = ffa_mock_backend(mock);
        struct ffa_mediator *m = NULL;

        expect_fw_version(mock, refused[i]);
        assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &h, &be, &m),
                         FFA_RET_NOT_SUPPORTED);
        assert_null(m);
        assert_int_equal(ffa_mock_verify(mock), 0);
        assert_int_equal(h.live_allocs, 0);
        assert_int_equal(h.live_locks, 0);
        ffa_mock_destroy(mock);
    }
}

static void test_create_accepts_v1_1_and_newer_minor_firmware(void **state)
{
    static const uint32_t versions[] = {FFA_VERSION_1_1, FFA_VERSION_1_2, FFA_VERSION_MAKE(1, 3)};
    static const uint32_t used[] = {FFA_VERSION_1_1, FFA_VERSION_1_2, FFA_VERSION_1_2};

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        struct test_host h = {0};
        struct ffa_mock *mock = new_mock();
        struct ffa_backend be = ffa_mock_backend(mock);
        struct ffa_mediator *m = NULL;

        th_expect_probe(mock, versions[i], FW_RUN);
        assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &h, &be, &m), 0);
        assert_int_equal(ffa_mediator_fw_version(m), used[i]);
        assert_true(ffa_mediator_fw_supports(m, FFA_RUN));
        assert_false(ffa_mediator_fw_supports(m, FFA_MSG_SEND_DIRECT_REQ_32));
        assert_int_equal(ffa_mock_verify(mock), 0);
        ffa_mediator_destroy(m);
        ffa_mock_destroy(mock);
        assert_int_equal(h.live_allocs, 0);
    }
}

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

static void test_allocation_failures_are_no_memory_without_leaks(void **state)
{
    struct ffa_host_ops ops = test_host_ops;

    (void)state;
    ops.alloc = failing_alloc;
    ops.lock_create = failing_lock_create;
    for (int fail_at = 1; fail_at < 20; fail_at++) {
        struct failing_host h = {.fail_at = fail_at};
        struct ffa_mock *mock = new_mock();
        struct ffa_backend be = ffa_mock_backend(mock);
        struct ffa_mediator *m = NULL;
        struct ffa_vm *vm = NULL;
        int ret;

        th_expect_probe(mock, FFA_VERSION_1_2, FW_ALL_MSG);
        ret = ffa_mediator_create(NULL, &ops, &h, &be, &m);
        if (ret == 0)
            ret = ffa_vm_add(m, 1, 1, 0, &vm);
        if (h.count < fail_at) { /* every allocation succeeded: done */
            assert_int_equal(ret, 0);
            ffa_mediator_destroy(m);
            ffa_mock_destroy(mock);
            break;
        }
        assert_int_equal(ret, FFA_RET_NO_MEMORY);
        ffa_mediator_destroy(m);
        ffa_mock_destroy(mock);
        assert_int_equal(h.base.live_allocs, 0);
        assert_int_equal(h.base.live_locks, 0);
    }
}

static void test_vm_add_rejects_bad_ids_and_counts(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, 0);
    struct ffa_vm *vm;

    (void)state;
    assert_int_equal(ffa_vm_add(f->m, 0, 1, 0, &vm), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_vm_add(f->m, 0x8001, 1, 0, &vm), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_vm_add(f->m, 5, 0, 0, &vm), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_vm_add(f->m, 5, 1, 0x2, &vm), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_vm_add(f->m, TEST_VM_ID, 1, 0, &vm), FFA_RET_DENIED);
    th_fixture_free(f);
}

static void test_vm_add_stops_at_max_vms(void **state)
{
    struct test_host h = {0};
    struct ffa_mediator_config cfg = {.max_vms = 3};
    struct ffa_mediator *m;
    struct ffa_vm *vm;

    (void)state;
    assert_int_equal(ffa_mediator_create(&cfg, &test_host_ops, &h, NULL, &m), 0);
    for (uint16_t id = 1; id <= 3; id++)
        assert_int_equal(ffa_vm_add(m, id, 1, 0, &vm), 0);
    assert_int_equal(ffa_vm_add(m, 4, 1, 0, &vm), FFA_RET_NO_MEMORY);
    assert_int_equal(ffa_vm_remove(m, ffa_vm_find(m, 2)), 0);
    assert_int_equal(ffa_vm_add(m, 4, 1, 0, &vm), 0);
    ffa_mediator_destroy(m);
    assert_int_equal(h.live_allocs, 0);
}

static void test_vm_find_and_remove(void **state)
{
    struct fixture *f = th_fixture_new(FW_ALL_MSG, 0, 0);
    struct ffa_vm *a, *b;

    (void)state;
    assert_int_equal(ffa_vm_add(f->m, 0x7fff, 1, 0, &a), 0);
    assert_int_equal(ffa_vm_add(f->m, 0x0042, 4, 0, &b), 0);
    assert_ptr_equal(ffa_vm_find(f->m, 0x7fff), a);
    assert_ptr_equal(ffa_vm_find(f->m, 0x0042), b);
    assert_ptr_equal(ffa_vm_find(f->m, TEST_VM_ID), f->vm);
    assert_null(ffa_vm_find(f->m, 0x0043));
    assert_int_equal(ffa_vm_id(b), 0x0042);
    assert_int_equal(ffa_vm_remove(f->m, b), 0);
    assert_null(ffa_vm_find(f->m, 0x0042));
    assert_ptr_equal(ffa_vm_find(f->m, 0x7fff), a);
    th_fixture_free(f);
}

static void test_vm_remove_refuses_a_foreign_vm(void **state)
{
    struct fixture *a = th_fixture_new(FW_ALL_MSG, 0, 0);
    struct fixture *b = th_fixture_new(FW_ALL_MSG, 0, 0);

    (void)state;
    assert_int_equal(ffa_vm_remove(a->m, b->vm), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_vm_remove(a->m, NULL), FFA_RET_INVALID_PARAMETERS);
    th_fixture_free(a);
    th_fixture_free(b);
}

static void test_two_mediators_do_not_interfere(void **state)
{
    struct fixture *a = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_1);
    struct fixture *b = th_fixture_new(FW_ALL_MSG, 0, FFA_VERSION_1_2);
    struct ffa_regs ra =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0xa, 0, 0, 0, 0);
    struct ffa_regs rb =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0xb, 0, 0, 0, 0);

    (void)state;
    th_expect(a->mock, FFA_MOCK_X(0) | FFA_MOCK_X(3), ra,
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0, 0, 0xaa, 0, 0, 0, 0));
    th_expect(b->mock, FFA_MOCK_X(0) | FFA_MOCK_X(3), rb,
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0, 0, 0xbb, 0, 0, 0, 0));
    th_call(b, &rb);
    th_call(a, &ra);
    assert_int_equal(ra.x[3], 0xaa);
    assert_int_equal(rb.x[3], 0xbb);
    assert_int_equal(ffa_vm_version(a->vm), FFA_VERSION_1_1);
    assert_int_equal(ffa_vm_version(b->vm), FFA_VERSION_1_2);
    th_fixture_free(a);
    th_fixture_free(b);
}

static void test_without_a_secure_world_only_local_abis_work(void **state)
{
    struct test_host h = {0};
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);

    (void)state;
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &h, NULL, &m), 0);
    assert_int_equal(ffa_mediator_fw_version(m), 0);
    assert_int_equal(ffa_vm_add(m, 3, 1, 0, &vm), 0);
    ffa_mediator_handle(m, vm, 0, 0, &r);
    r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    ffa_mediator_handle(m, vm, 0, 0, &r);
    assert_int_equal(r.x[2], 3);
    r = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (3u << 16) | 0x8001, 0, 0, 0, 0, 0, 0);
    ffa_mediator_handle(m, vm, 0, 0, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_regs(FFA_RUN, 0x80010000, 0, 0, 0, 0, 0, 0);
    ffa_mediator_handle(m, vm, 0, 0, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    ffa_mediator_handle(m, vm, 0, 0, &r);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    ffa_mediator_destroy(m);
    assert_int_equal(h.live_allocs, 0);
}

static void test_host_without_locks_works(void **state)
{
    struct test_host h = {0};
    struct ffa_host_ops ops = {.alloc = test_host_ops.alloc, .free = test_host_ops.free};
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0, 0, 0);

    (void)state;
    assert_int_equal(ffa_mediator_create(NULL, &ops, &h, NULL, &m), 0);
    assert_int_equal(ffa_vm_add(m, 9, 1, 0, &vm), 0);
    ffa_mediator_handle(m, vm, 0, 0, &r);
    r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    ffa_mediator_handle(m, vm, 0, 0, &r);
    assert_int_equal(r.x[2], 9);
    ffa_mediator_destroy(m);
    assert_int_equal(h.live_allocs, 0);
}

static void test_destroy_accepts_null(void **state)
{
    (void)state;
    ffa_mediator_destroy(NULL);
}

/* Several vCPU threads negotiating and calling at once: every answer stays right. */
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

static void test_concurrent_calls_from_many_vcpus(void **state)
{
    struct test_host h = {0};
    struct ffa_mediator *m;
    struct worker w[4];
    pthread_t t[4];

    (void)state;
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &h, NULL, &m), 0);
    for (int i = 0; i < 4; i++) {
        w[i].m = m;
        w[i].errors = 0;
        assert_int_equal(ffa_vm_add(m, (uint16_t)(10 + i / 2), 2, 0, &w[i].vm),
                         i % 2 == 0 ? 0 : FFA_RET_DENIED);
        if (i % 2 == 1)
            w[i].vm = w[i - 1].vm; /* two threads per VM: its two vCPUs */
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].errors, 0);
    }
    assert_int_equal(ffa_vm_version(w[0].vm), FFA_VERSION_1_1);
    ffa_mediator_destroy(m);
    assert_int_equal(h.live_allocs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_rejects_bad_host_tables),
        cmocka_unit_test(test_create_rejects_bad_config),
        cmocka_unit_test(test_create_fails_without_ffa_firmware),
        cmocka_unit_test(test_create_accepts_v1_1_and_newer_minor_firmware),
        cmocka_unit_test(test_allocation_failures_are_no_memory_without_leaks),
        cmocka_unit_test(test_vm_add_rejects_bad_ids_and_counts),
        cmocka_unit_test(test_vm_add_stops_at_max_vms),
        cmocka_unit_test(test_vm_find_and_remove),
        cmocka_unit_test(test_vm_remove_refuses_a_foreign_vm),
        cmocka_unit_test(test_two_mediators_do_not_interfere),
        cmocka_unit_test(test_without_a_secure_world_only_local_abis_work),
        cmocka_unit_test(test_host_without_locks_works),
        cmocka_unit_test(test_destroy_accepts_null),
        cmocka_unit_test(test_concurrent_calls_from_many_vcpus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
