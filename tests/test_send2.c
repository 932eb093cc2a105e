/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_MSG_SEND2: header checks, VM-to-VM delivery, forwarding to SPs, the copy-once rule. */
#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#define VM_B 0x0002u

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Write a message into `vm`'s TX buffer: header fields, UUID (v1.2), payload at `offset`. */
static void put_message(struct fixture *f, uint16_t vm, uint32_t offset, uint16_t sender,
                        uint16_t receiver, uint32_t size, const char *payload)
{
    uint8_t *tx = th_guest_ptr(&f->host, vm, TEST_TX_IPA);

    memset(tx, 0, 64);
    put_le(tx + 8, offset, 4);
    put_le(tx + 12, (uint32_t)sender << 16 | receiver, 4);
    put_le(tx + 16, size, 4);
    memset(tx + 24, 0xab, 16); /* the v1.2 UUID; payload for a v1.1 header at 20 */
    if (payload != NULL)
        memcpy(tx + offset, payload, strlen(payload));
}

static struct ffa_regs send2(struct fixture *f, struct ffa_vm *vm)
{
    return th_do(f, vm, th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
}

struct pair {
    struct fixture *f;
    struct ffa_vm *a, *b;
};

/* VM A (TEST_VM_ID) at `va` and VM B at `vb`, both with 1-page buffers, VM-to-VM on. */
static struct pair open_pair(uint32_t va, uint32_t vb, uint32_t b_pages)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG,
                        .vm_version = va,
                        .full_host = 1,
                        .cfg = {.flags = FFA_CFG_VM_TO_VM}};
    struct pair p;

    p.f = th_fixture_open(&o);
    p.a = p.f->vm;
    p.b = th_add_vm(p.f, VM_B, 0, vb);
    th_map_buffers(p.f, p.a, 2);
    if (b_pages > 0)
        th_map_buffers(p.f, p.b, b_pages);
    return p;
}

static void test_v1_1_to_v1_2_delivers_with_a_v1_2_header(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_2, 1);
    const uint8_t *rx = th_guest_ptr(&p.f->host, VM_B, TEST_RX_IPA);
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 5, "hello");
    r = send2(p.f, p.a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(le(rx + 8, 4), 40); /* offset: the receiver's (v1.2) header */
    assert_int_equal(le(rx + 12, 4), (uint32_t)TEST_VM_ID << 16 | VM_B);
    assert_int_equal(le(rx + 16, 4), 5);
    assert_int_equal(le(rx + 24, 8), 0); /* nil UUID from a v1.1 sender */
    assert_memory_equal(rx + 40, "hello", 5);
    /* The receiver is told: framework notification and host event. */
    assert_int_equal(ffa_vm_framework_notifications(p.b), FFA_FW_NOTIF_RX_FULL);
    assert_int_equal(p.f->host.notifies, 1);
    assert_int_equal(p.f->host.notified_vm, VM_B);
    assert_int_equal(p.f->host.notified_event, FFA_HOST_EVENT_RX_FULL);
    th_fixture_free(p.f);
}

static void test_v1_2_to_v1_1_delivers_with_a_v1_1_header(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_2, FFA_VERSION_1_1, 1);
    const uint8_t *rx = th_guest_ptr(&p.f->host, VM_B, TEST_RX_IPA);
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 40, TEST_VM_ID, VM_B, 3, "abc");
    r = send2(p.f, p.a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(le(rx + 8, 4), 20);
    assert_memory_equal(rx + 20, "abc", 3);
    th_fixture_free(p.f);
}

static void test_v1_2_uuid_travels_to_a_v1_2_receiver(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_2, FFA_VERSION_1_2, 1);
    const uint8_t *rx = th_guest_ptr(&p.f->host, VM_B, TEST_RX_IPA);
    uint8_t expect[16];
    struct ffa_regs r;

    (void)state;
    memset(expect, 0xab, sizeof(expect));
    put_message(p.f, TEST_VM_ID, 64, TEST_VM_ID, VM_B, 2, "hi");
    r = send2(p.f, p.a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_memory_equal(rx + 24, expect, 16);
    assert_memory_equal(rx + 40, "hi", 2); /* repacked at the receiver's header size */
    th_fixture_free(p.f);
}

static void test_receiver_owns_rx_until_release(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 1);
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(p.f, p.a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = send2(p.f, p.a);
    th_assert_error(&r, FFA_RET_BUSY); /* B has not released */
    r = th_do(p.f, p.b, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(ffa_vm_framework_notifications(p.b), 0);
    r = send2(p.f, p.a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(p.f);
}

static void assert_refused(uint32_t version, uint32_t offset, uint16_t sender, uint16_t receiver,
                           uint32_t size, int32_t code)
{
    struct pair p = open_pair(version, FFA_VERSION_1_2, 1);
    struct ffa_regs r;

    put_message(p.f, TEST_VM_ID, offset < 4096 ? offset : 0, sender, receiver, size, NULL);
    put_le(th_guest_ptr(&p.f->host, TEST_VM_ID, TEST_TX_IPA) + 8, offset, 4);
    r = send2(p.f, p.a);
    th_assert_error(&r, code);
    assert_int_equal(p.f->host.notifies, 0);
    th_fixture_free(p.f);
}

static void test_header_sender_must_be_the_caller(void **state)
{
    (void)state;
    assert_refused(FFA_VERSION_1_1, 20, 0x0003, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_header_receiver_must_not_be_the_caller(void **state)
{
    (void)state;
    assert_refused(FFA_VERSION_1_1, 20, TEST_VM_ID, TEST_VM_ID, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_payload_must_follow_the_senders_header(void **state)
{
    (void)state;
    assert_refused(FFA_VERSION_1_1, 19, TEST_VM_ID, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
    /* Linux 6.15 put v1.2 payloads at 36: refused, as Xen does. */
    assert_refused(FFA_VERSION_1_2, 36, TEST_VM_ID, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_size_and_offset_must_fit_the_tx_buffer(void **state)
{
    (void)state;
    assert_refused(FFA_VERSION_1_1, 20, TEST_VM_ID, VM_B, 0, FFA_RET_INVALID_PARAMETERS);
    /* TX is 2 pages: 8192 bytes. */
    assert_refused(FFA_VERSION_1_1, 8192 - 10, TEST_VM_ID, VM_B, 11, FFA_RET_INVALID_PARAMETERS);
    assert_refused(FFA_VERSION_1_1, 8193, TEST_VM_ID, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
    /* offset + size wraps 32 bits */
    assert_refused(FFA_VERSION_1_1, 0xfffffff0u, TEST_VM_ID, VM_B, 0x20,
                   FFA_RET_INVALID_PARAMETERS);
    assert_refused(FFA_VERSION_1_1, 20, TEST_VM_ID, VM_B, 0xffffffffu, FFA_RET_INVALID_PARAMETERS);
}

static void test_unknown_or_unready_receiver_is_invalid(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 1);
    struct ffa_vm *quiet;
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, 0x0042, 1, "x");
    r = send2(p.f, p.a);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_vm_add(p.f->m, 0x0043, 1, 0, &quiet), 0); /* never negotiated */
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, 0x0043, 1, "x");
    r = send2(p.f, p.a);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    th_fixture_free(p.f);
}

static void test_receiver_without_rx_is_denied(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 0);
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(p.f, p.a);
    th_assert_error(&r, FFA_RET_DENIED);
    th_fixture_free(p.f);
}

static void test_message_larger_than_the_receivers_rx_is_no_memory(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 1);
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 4096 - 20 + 1, NULL);
    r = send2(p.f, p.a);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 4096 - 20, NULL);
    r = send2(p.f, p.a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(p.f);
}

static void test_vm_without_buffers_is_denied(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 1);
    struct ffa_vm *c = th_add_vm(p.f, 0x0003, 0, FFA_VERSION_1_1);
    struct ffa_regs r = send2(p.f, c);

    (void)state;
    th_assert_error(&r, FFA_RET_DENIED);
    th_fixture_free(p.f);
}

static void test_nonzero_w1_or_flags_are_invalid(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 1);
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = th_do(p.f, p.a, th_regs(FFA_MSG_SEND2, 0x0003u << 16, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(p.f, p.a, th_regs(FFA_MSG_SEND2, 0, 0x2 /* delay SRI */, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = th_do(p.f, p.a, th_regs(FFA_MSG_SEND2, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(p.f);
}

static void test_v1_0_sender_is_not_supported(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_0, FFA_VERSION_1_1, 1);
    struct ffa_regs r = send2(p.f, p.a);

    (void)state;
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_do(p.f, p.a, th_regs(FFA_FEATURES, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = th_do(p.f, p.b, th_regs(FFA_FEATURES, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_fixture_free(p.f);
}

static void test_vm_destination_without_vm_to_vm_is_invalid(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RX_ACQUIRE | FW_MSG_SEND2,
                        .vm_version = FFA_VERSION_1_1,
                        .full_host = 1};
    struct fixture *f = th_fixture_open(&o);
    struct ffa_regs r;

    (void)state;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_map_buffers(f, f->vm, 1);
    put_message(f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(f, f->vm);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_fixture_free(f);
}

static void test_message_to_an_sp_is_forwarded_for_the_spmc_to_read(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_MSG_SEND2,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1};
    struct fixture *f = th_fixture_open(&o);
    struct ffa_regs r;

    (void)state;
    /* Hafnium reports SEND2 but not RX_ACQUIRE: buffers are still forwarded (Xen's rule). */
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_map_buffers(f, f->vm, 1);
    r = th_do(f, f->vm, th_regs(FFA_FEATURES, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    put_message(f, TEST_VM_ID, 40, TEST_VM_ID, TEST_SP_ID, 4, "ping");
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_MSG_SEND2, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = send2(f, f->vm);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_MSG_SEND2, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    r = send2(f, f->vm);
    th_assert_error(&r, FFA_RET_BUSY); /* the SP's mailbox is full */
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_fixture_free(f);
}

static void test_message_to_an_sp_without_spmc_support_is_not_supported(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 1);
    struct ffa_regs r;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, TEST_SP_ID, 1, "x");
    r = send2(p.f, p.a);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    th_fixture_free(p.f);
}

/*
 * The header is read once: a sibling vCPU flipping the offset between a valid value and one far
 * past the buffer must never make the mediator copy out of bounds. (A double fetch would read
 * the checked offset, then a huge one, and AddressSanitizer - scripts/test.sh stage 2 - or a
 * crash would show it.) Every send either succeeds with the valid offset or is refused.
 */
struct flipper {
    volatile uint8_t *offset_field;
    volatile int stop;
};

static void dwell(void)
{
    for (volatile int i = 0; i < 200; i++)
        ;
}

static void *flip(void *arg)
{
    struct flipper *fl = arg;

    while (!fl->stop) {
        fl->offset_field[2] = 0x00;
        dwell();
        fl->offset_field[2] = 0x7f; /* offset 0x7f0014: far beyond the 8 KiB TX buffer */
        dwell();
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_header_is_copied_once_against_a_racing_vcpu(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_1, FFA_VERSION_1_1, 1);
    struct flipper fl = {th_guest_ptr(&p.f->host, TEST_VM_ID, TEST_TX_IPA) + 8, 0};
    double deadline = now_s() + 20;
    pthread_t t;
    long ok = 0, refused = 0, sends = 0;

    (void)state;
    put_message(p.f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 64, NULL);
    assert_int_equal(pthread_create(&t, NULL, flip, &fl), 0);
    /* At least 20000 sends, and until both outcomes were seen (the race really ran). */
    while (sends < 20000 || ((ok == 0 || refused == 0) && now_s() < deadline)) {
        struct ffa_regs r = send2(p.f, p.a);

        sends++;
        if (r.x[0] == FFA_SUCCESS_32) {
            const uint8_t *rx = th_guest_ptr(&p.f->host, VM_B, TEST_RX_IPA);

            assert_int_equal(le(rx + 16, 4), 64);
            ok++;
            r = th_do(p.f, p.b, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
            assert_int_equal(r.x[0], FFA_SUCCESS_32);
        } else {
            th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
            refused++;
        }
        if (sends % 1024 == 0)
            sched_yield(); /* let the flipper run on a busy machine */
    }
    fl.stop = 1;
    pthread_join(t, NULL);
    assert_int_equal(ok + refused, sends);
    assert_true(ok > 0);
    assert_true(refused > 0);
    th_fixture_free(p.f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_1_to_v1_2_delivers_with_a_v1_2_header),
        cmocka_unit_test(test_v1_2_to_v1_1_delivers_with_a_v1_1_header),
        cmocka_unit_test(test_v1_2_uuid_travels_to_a_v1_2_receiver),
        cmocka_unit_test(test_receiver_owns_rx_until_release),
        cmocka_unit_test(test_header_sender_must_be_the_caller),
        cmocka_unit_test(test_header_receiver_must_not_be_the_caller),
        cmocka_unit_test(test_payload_must_follow_the_senders_header),
        cmocka_unit_test(test_size_and_offset_must_fit_the_tx_buffer),
        cmocka_unit_test(test_unknown_or_unready_receiver_is_invalid),
        cmocka_unit_test(test_receiver_without_rx_is_denied),
        cmocka_unit_test(test_message_larger_than_the_receivers_rx_is_no_memory),
        cmocka_unit_test(test_vm_without_buffers_is_denied),
        cmocka_unit_test(test_nonzero_w1_or_flags_are_invalid),
        cmocka_unit_test(test_v1_0_sender_is_not_supported),
        cmocka_unit_test(test_vm_destination_without_vm_to_vm_is_invalid),
        cmocka_unit_test(test_message_to_an_sp_is_forwarded_for_the_spmc_to_read),
        cmocka_unit_test(test_message_to_an_sp_without_spmc_support_is_not_supported),
        cmocka_unit_test(test_header_is_copied_once_against_a_racing_vcpu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
