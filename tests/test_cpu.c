/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The physical processor of every secure-world call: a guest's call is forwarded on the processor
 * the hypervisor names in ffa_mediator_handle(); the mediator's own calls (probe, VM removal,
 * destroy) go to the processor the host's current_cpu callback names, or to processor 0 without
 * it. The scripted secure world expects each call on one processor (FFA_MOCK_CPU) and fails the
 * test if it arrives on another.
 */
#include "harness.h"

#include <stdlib.h>

#define GUEST_CPU 3u /* where the hypervisor says the calling vCPU runs */
#define HOST_CPU  7u /* what the host's current_cpu answers */

static const struct ffa_regs success = {{FFA_SUCCESS_32}};

/* ---- Guest calls: the processor the hypervisor passes ---- */

/* Lock the version of the fixture's VM with FFA_ID_GET (no processor expected yet). */
static int lock_version(void **state)
{
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    if (th_try_call(*state, ((struct fixture *)*state)->vm, &r) != 0)
        return th_setup_failed(state, "cannot lock the VM's version");
    return 0;
}

/* A v1.2 VM with direct messaging and FFA_RUN, its version locked. */
static int setup_messaging(void **state)
{
    if (th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2) != 0)
        return -1;
    return lock_version(state);
}

/* The same with RX/TX buffers forwarded to the SPMC. */
static int setup_forwarding(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_ACQUIRE |
                                   FW_RX_RELEASE,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1};

    if (th_setup(state, &o) != 0)
        return -1;
    return lock_version(state);
}

static int teardown_fixture(void **state)
{
    return th_teardown(state);
}

static struct ffa_regs call_on_cpu(struct fixture *f, uint32_t cpu, struct ffa_regs r)
{
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 1, cpu, &r), FFA_CALL_HANDLED);
    return r;
}

static void test_direct_request_is_issued_on_the_callers_cpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect_on_cpu(
        f->mock, FFA_MOCK_X(1),
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0, 0, 0, 0, 0),
        GUEST_CPU,
        th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 5, 0, 0, 0, 0));
    r = call_on_cpu(
        f, GUEST_CPU,
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 4, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[3], 5);
}

/* The same vCPU on another processor: each call goes where it was made. */
static void test_each_call_uses_its_own_cpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect_on_cpu(f->mock, 0, th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0), 2,
                     th_regs(FFA_INTERRUPT, TEST_SP_ID << 16, 0, 0, 0, 0, 0, 0));
    th_expect_on_cpu(
        f->mock, FFA_MOCK_X(1), th_regs(FFA_RUN, TEST_SP_ID << 16, 0, 0, 0, 0, 0, 0), 5,
        th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 0, 0, 0, 0, 0));
    r = call_on_cpu(
        f, 2,
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = call_on_cpu(f, 5, th_regs(FFA_RUN, TEST_SP_ID << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
}

static void test_spm_id_query_is_issued_on_the_callers_cpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect_on_cpu(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
                     GUEST_CPU, th_regs(FFA_SUCCESS_32, 0, 0x8000, 0, 0, 0, 0, 0));
    r = call_on_cpu(f, GUEST_CPU, th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[2], 0x8000);
}

/* A guest call that makes several secure-world calls: buffer mapping, then unmapping. */
static void test_forwarded_buffer_calls_are_issued_on_the_callers_cpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect_on_cpu(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
                     GUEST_CPU, success);
    r = call_on_cpu(f, GUEST_CPU,
                    th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_expect_on_cpu(f->mock, FFA_MOCK_X_ALL,
                     th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0), 1, success);
    r = call_on_cpu(f, 1, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/* Partition discovery into forwarded buffers: RX_ACQUIRE from the SPMC on the caller's cpu. */
static void test_rx_acquire_for_partition_info_is_issued_on_the_callers_cpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0), success);
    r = call_on_cpu(f, 0, th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_expect_on_cpu(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_ACQUIRE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
                     GUEST_CPU, success);
    r = call_on_cpu(f, GUEST_CPU, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    /* The release gives the acquired buffer back to the SPMC, on the releasing call's cpu. */
    th_expect_on_cpu(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_RELEASE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
                     4, success);
    r = call_on_cpu(f, 4, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              success); /* at removal */
}

/* ---- The mediator's own calls: the host's current_cpu, or processor 0 ---- */

/*
 * A mediator the test builds (into f->m, on &f->host and ffa_mock_backend(f->mock)); the host's
 * current_cpu answers HOST_CPU. The teardown destroys what is left and verifies the mock.
 */
static int setup_own_calls(void **state)
{
    if (th_setup_bench(state) != 0)
        return -1;
    ((struct fixture *)*state)->host.current_cpu = HOST_CPU;
    return 0;
}

static int teardown_own_calls(void **state)
{
    return th_teardown(state);
}

static int create(struct fixture *f, const struct ffa_host_ops *ops)
{
    struct ffa_backend be = ffa_mock_backend(f->mock);

    return ffa_mediator_create(NULL, ops, &f->host, &be, &f->m);
}

static void test_probe_is_issued_on_the_hosts_current_cpu(void **state)
{
    struct fixture *t = *state;

    th_expect_probe_on_cpu(t->mock, FFA_VERSION_1_2, FW_ALL_MSG, HOST_CPU);
    assert_int_equal(create(t, &test_host_ops_cpu), 0);
    assert_int_equal(ffa_mock_pending(t->mock), 0);
    assert_int_equal(t->host.current_cpu_calls, 1); /* asked once for the whole probe */
}

static void test_probe_without_current_cpu_is_issued_on_cpu_0(void **state)
{
    struct fixture *t = *state;

    th_expect_probe_on_cpu(t->mock, FFA_VERSION_1_2, FW_ALL_MSG, 0);
    assert_int_equal(create(t, &test_host_ops_full), 0);
    assert_int_equal(ffa_mock_pending(t->mock), 0);
}

/* The mediator's own buffers: registered at create, unregistered at destroy, each where it runs. */
static void test_own_buffers_are_registered_and_unregistered_on_the_current_cpu(void **state)
{
    struct fixture *t = *state;

    th_expect_probe_on_cpu(t->mock, FFA_VERSION_1_2, FW_ALL_MSG | FW_RXTX_MAP_64, HOST_CPU);
    th_expect_on_cpu(t->mock, FFA_MOCK_X(3), th_regs(FFA_RXTX_MAP_64, 0, 0, 1, 0, 0, 0, 0),
                     HOST_CPU, success);
    assert_int_equal(create(t, &test_host_ops_cpu), 0);
    assert_int_equal(ffa_mock_pending(t->mock), 0);

    t->host.current_cpu = 1; /* destroy runs elsewhere */
    th_expect_on_cpu(t->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0), 1,
                     success);
    ffa_mediator_destroy(t->m);
    t->m = NULL;
    assert_int_equal(ffa_mock_pending(t->mock), 0);
}

/* Removing a VM unmaps its forwarded buffers on the processor ffa_vm_remove() runs on. */
static void test_vm_remove_is_issued_on_the_hosts_current_cpu(void **state)
{
    struct fixture *t = *state;
    struct ffa_regs r;

    th_expect_probe(t->mock, FFA_VERSION_1_2,
                    FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_ACQUIRE);
    th_expect(t->mock, FFA_MOCK_X(3), th_regs(FFA_RXTX_MAP_64, 0, 0, 1, 0, 0, 0, 0), success);
    assert_int_equal(create(t, &test_host_ops_cpu), 0);
    assert_int_equal(ffa_vm_add(t->m, TEST_VM_ID, 1, 0, &t->vm), 0);
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(t->m, t->vm, 0, 0, &r), FFA_CALL_HANDLED);
    th_expect(t->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0), success);
    r = th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(t->m, t->vm, 0, 0, &r), FFA_CALL_HANDLED);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);

    t->host.current_cpu = 6;
    t->host.current_cpu_calls = 0;
    th_expect_on_cpu(t->mock, FFA_MOCK_X_ALL,
                     th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0), 6, success);
    assert_int_equal(ffa_vm_remove(t->m, t->vm), 0);
    assert_int_equal(ffa_mock_pending(t->mock), 0);
    assert_int_equal(t->host.current_cpu_calls, 1);
    /* The mediator's own buffers go at destroy (teardown), where the host now says it runs. */
    th_expect_on_cpu(t->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0), 6,
                     success);
}

/* A VM left at destroy is removed on destroy's processor, asked once for both. */
static void test_destroy_removes_vms_on_the_hosts_current_cpu(void **state)
{
    struct fixture *t = *state;
    struct ffa_regs r;

    th_expect_probe(t->mock, FFA_VERSION_1_2,
                    FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_ACQUIRE);
    th_expect(t->mock, FFA_MOCK_X(3), th_regs(FFA_RXTX_MAP_64, 0, 0, 1, 0, 0, 0, 0), success);
    assert_int_equal(create(t, &test_host_ops_cpu), 0);
    assert_int_equal(ffa_vm_add(t->m, TEST_VM_ID, 1, 0, &t->vm), 0);
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(t->m, t->vm, 0, 0, &r), FFA_CALL_HANDLED);
    th_expect(t->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0), success);
    r = th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(t->m, t->vm, 0, 0, &r), FFA_CALL_HANDLED);

    t->host.current_cpu = 2;
    t->host.current_cpu_calls = 0;
    th_expect_on_cpu(t->mock, FFA_MOCK_X_ALL,
                     th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0), 2, success);
    th_expect_on_cpu(t->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0), 2,
                     success);
    ffa_mediator_destroy(t->m);
    t->m = NULL;
    assert_int_equal(ffa_mock_pending(t->mock), 0);
    assert_int_equal(t->host.current_cpu_calls, 1);
}

/* Guest calls never ask the host: the processor comes with the call. */
static void test_guest_calls_do_not_ask_current_cpu(void **state)
{
    struct fixture *t = *state;
    struct ffa_regs r;

    th_expect_probe(t->mock, FFA_VERSION_1_2, FW_ALL_MSG);
    assert_int_equal(create(t, &test_host_ops_cpu), 0);
    assert_int_equal(ffa_vm_add(t->m, TEST_VM_ID, 1, 0, &t->vm), 0);
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(t->m, t->vm, 0, GUEST_CPU, &r), FFA_CALL_HANDLED);
    t->host.current_cpu_calls = 0;
    th_expect_on_cpu(
        t->mock, 0, th_regs(FFA_MSG_SEND_DIRECT_REQ_64, 0, 0, 0, 0, 0, 0, 0), GUEST_CPU,
        th_regs(FFA_MSG_SEND_DIRECT_RESP_64, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 0, 0, 0, 0, 0));
    r = th_regs(FFA_MSG_SEND_DIRECT_REQ_64, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(t->m, t->vm, 0, GUEST_CPU, &r), FFA_CALL_HANDLED);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
    assert_int_equal(t->host.current_cpu_calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_direct_request_is_issued_on_the_callers_cpu,
                                        setup_messaging, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_each_call_uses_its_own_cpu, setup_messaging,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_spm_id_query_is_issued_on_the_callers_cpu,
                                        setup_messaging, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_forwarded_buffer_calls_are_issued_on_the_callers_cpu,
                                        setup_forwarding, teardown_fixture),
        cmocka_unit_test_setup_teardown(
            test_rx_acquire_for_partition_info_is_issued_on_the_callers_cpu, setup_forwarding,
            teardown_fixture),
        cmocka_unit_test_setup_teardown(test_probe_is_issued_on_the_hosts_current_cpu,
                                        setup_own_calls, teardown_own_calls),
        cmocka_unit_test_setup_teardown(test_probe_without_current_cpu_is_issued_on_cpu_0,
                                        setup_own_calls, teardown_own_calls),
        cmocka_unit_test_setup_teardown(
            test_own_buffers_are_registered_and_unregistered_on_the_current_cpu, setup_own_calls,
            teardown_own_calls),
        cmocka_unit_test_setup_teardown(test_vm_remove_is_issued_on_the_hosts_current_cpu,
                                        setup_own_calls, teardown_own_calls),
        cmocka_unit_test_setup_teardown(test_destroy_removes_vms_on_the_hosts_current_cpu,
                                        setup_own_calls, teardown_own_calls),
        cmocka_unit_test_setup_teardown(test_guest_calls_do_not_ask_current_cpu, setup_own_calls,
                                        teardown_own_calls),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
