/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An error leaves the state as it was: when a call the mediator forwards to the SPMC fails, the
 * guest gets the error and nothing the mediator keeps has changed (the RX buffer is still the
 * VM's, a grant from the SPMC is still held, the notification still pending).
 */
#include "harness.h"

#include <string.h>

#define VM2_ID 0x0002u

static void expect_call(struct fixture *f, uint64_t fid, uint64_t x1, int32_t answer)
{
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(fid, x1, 0, 0, 0, 0, 0, 0),
              answer == 0 ? th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0)
                          : th_regs(FFA_ERROR, 0, (uint32_t)answer, 0, 0, 0, 0, 0));
}

static void map_forwarded(struct fixture *f, struct ffa_vm *vm, uint32_t pages)
{
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_map_buffers(f, vm, pages);
}

/* VM 1 at v1.2 with its buffers forwarded to the SPMC (it has RX_ACQUIRE and MSG_SEND2). */
static int setup_forwarding(void **state)
{
    struct th_opts o = {
        .fw_abis = FW_ALL_MSG | FW_ALL_BUFFERS, .vm_version = FFA_VERSION_1_2, .full_host = 1};
    struct fixture *f = th_fixture_open(&o);

    map_forwarded(f, f->vm, 1);
    *state = f;
    return 0;
}

/* The same with VM-to-VM messaging and a VM 2 whose buffers are forwarded too. */
static int setup_vm_to_vm(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_ALL_BUFFERS,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1,
                        .cfg = {.flags = FFA_CFG_VM_TO_VM}};
    struct fixture *f = th_fixture_open(&o);
    struct ffa_vm *vm2;

    map_forwarded(f, f->vm, 1);
    vm2 = th_add_vm(f, VM2_ID, 0, FFA_VERSION_1_2);
    map_forwarded(f, vm2, 2); /* a TX buffer larger than VM 1's RX buffer */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *vm2 = ffa_vm_find(f->m, VM2_ID);

    /* Each VM's forwarded buffers are unmapped at removal (ffa_mediator_destroy(): in ID order). */
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    if (vm2 != NULL)
        expect_call(f, FFA_RXTX_UNMAP, VM2_ID << 16, 0);
    th_fixture_free(f);
    return 0;
}

static struct ffa_regs partition_info(struct fixture *f)
{
    return th_do(f, f->vm, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
}

static struct ffa_regs rx_release(struct fixture *f, struct ffa_vm *vm)
{
    return th_do(f, vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
}

/* Put a v1.2 message of `size` bytes from VM 2 to VM 1 in VM 2's TX buffer and send it. */
static struct ffa_regs send_to_vm1(struct fixture *f, uint32_t size)
{
    uint8_t *tx = th_guest_ptr(&f->host, VM2_ID, TEST_TX_IPA);

    memset(tx, 0, 40);
    tx[8] = 40;
    tx[12] = TEST_VM_ID;
    tx[14] = VM2_ID;
    tx[16] = (uint8_t)size;
    tx[17] = (uint8_t)(size >> 8);
    return th_do(f, ffa_vm_find(f->m, VM2_ID), th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
}

/* VM 1 reads its "RX buffer full" notification (FFA_NOTIFICATION_GET, hypervisor bitmap). */
static void read_rx_full(struct fixture *f)
{
    struct ffa_regs r = th_do(
        f, f->vm, th_regs(FFA_NOTIFICATION_GET, TEST_VM_ID, FFA_NOTIF_GET_HYP, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[7], FFA_FW_NOTIF_RX_FULL);
}

/* The SPMC refuses to take back a buffer the VM released: it stays the VM's. */
static void test_failed_rx_release_keeps_the_buffer_the_vms(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, 0);
    r = partition_info(f);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, FFA_RET_ABORTED);
    r = rx_release(f, f->vm);
    th_assert_error(&r, FFA_RET_ABORTED);
    /* Still the VM's: nothing may be written there, and it cannot be unmapped. */
    r = partition_info(f);
    th_assert_error(&r, FFA_RET_BUSY);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    /* Releasing again asks the SPMC again. */
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    r = rx_release(f, f->vm);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/*
 * A message from VM 2 that VM 1 has not acknowledged (its "RX buffer full" notification unread):
 * the release is refused and nothing changes. Once read, a release the SPMC refuses leaves the
 * message VM 1's: nothing else is delivered there until a release succeeds.
 */
static void test_failed_rx_release_of_a_message_keeps_it_the_vms(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, 0);
    r = send_to_vm1(f, 8);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = rx_release(f, f->vm);
    th_assert_error(&r, FFA_RET_DENIED); /* unread: refused without asking the SPMC */
    assert_int_equal(ffa_vm_framework_notifications(f->vm), FFA_FW_NOTIF_RX_FULL);
    read_rx_full(f);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, FFA_RET_DENIED);
    r = rx_release(f, f->vm);
    th_assert_error(&r, FFA_RET_DENIED);
    r = send_to_vm1(f, 8);
    th_assert_error(&r, FFA_RET_BUSY); /* still VM 1's */
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    r = rx_release(f, f->vm);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/*
 * A message too big for VM 1's buffer: the buffer acquired from the SPMC is given back, and the
 * SPMC refuses. The mediator still holds the grant: the next message is delivered without asking
 * the SPMC again, and VM 1's release gives the grant back.
 */
static void test_failed_give_back_of_an_acquired_buffer_keeps_the_grant(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, 0);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, FFA_RET_ABORTED);
    r = send_to_vm1(f, 4060); /* fits VM 2's TX, not VM 1's RX */
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    r = send_to_vm1(f, 8); /* no FFA_RX_ACQUIRE scripted: the grant is still held */
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    read_rx_full(f);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    r = rx_release(f, f->vm);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/* A grant kept that way is given back before the buffers are unmapped. */
static void test_unmap_gives_back_a_kept_grant_first(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    expect_call(f, FFA_RX_ACQUIRE, TEST_VM_ID, 0);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, FFA_RET_ABORTED);
    r = send_to_vm1(f, 4060); /* fits VM 2's TX, not VM 1's RX */
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, FFA_RET_DENIED);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED); /* refused: still mapped, grant still held */
    expect_call(f, FFA_RX_RELEASE, TEST_VM_ID, 0);
    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    map_forwarded(f, f->vm, 1); /* mapped again for the teardown's removal */
}

/* A forwarded unmap the SPMC refuses leaves the buffers mapped. */
static void test_failed_unmap_keeps_the_buffers_mapped(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    expect_call(f, FFA_RXTX_UNMAP, TEST_VM_ID << 16, FFA_RET_BUSY);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_BUSY);
    assert_int_equal(f->host.live_maps, 2);
    r = th_do(f, f->vm, th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED); /* still mapped */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define FWD(fn) cmocka_unit_test_setup_teardown(fn, setup_forwarding, teardown)
#define V2V(fn) cmocka_unit_test_setup_teardown(fn, setup_vm_to_vm, teardown)
        FWD(test_failed_rx_release_keeps_the_buffer_the_vms),
        V2V(test_failed_rx_release_of_a_message_keeps_it_the_vms),
        V2V(test_failed_give_back_of_an_acquired_buffer_keeps_the_grant),
        V2V(test_unmap_gives_back_a_kept_grant_first),
        FWD(test_failed_unmap_keeps_the_buffers_mapped),
#undef FWD
#undef V2V
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
