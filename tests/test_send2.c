/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_MSG_SEND2: header checks, VM-to-VM delivery, forwarding to SPs, the copy-once rule. */
#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VM_B     0x0002u
#define VM_BARE  0x0003u /* negotiated, no buffers */
#define VM_QUIET 0x0043u /* never negotiated a version */

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

/* The receiver reads its hypervisor framework bitmap (vCPU 0), as Linux does on the NPI. */
static struct ffa_regs get_hyp_framework(struct fixture *f, struct ffa_vm *vm)
{
    return th_do(f, vm,
                 th_regs(FFA_NOTIFICATION_GET, ffa_vm_id(vm), FFA_NOTIF_GET_HYP, 0, 0, 0, 0, 0));
}

/* Read the "RX buffer full" notification, then release the buffer (Linux's receive path). */
static struct ffa_regs read_and_release(struct fixture *f, struct ffa_vm *vm)
{
    struct ffa_regs r = get_hyp_framework(f, vm);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[7], FFA_FW_NOTIF_RX_FULL);
    return th_do(f, vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
}

/*
 * The header is read once: a sibling vCPU flipping the offset between a valid value and one far
 * past the buffer must never make the mediator copy out of bounds. (A double fetch would read
 * the checked offset, then a huge one, and AddressSanitizer - scripts/test.sh stage 2 - or a
 * crash would show it.)
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

/* The fixture: VM A (TEST_VM_ID, f->vm) and VM B, and what else a setup started. */
struct pair {
    struct fixture *f;
    struct ffa_vm *a, *b;
    int spmc_has_vm_buffers; /* the SPMC was given A's buffers: it is told when A goes */
    struct flipper fl;       /* with `flipping`: a thread rewriting A's header offset */
    pthread_t flipper;
    int flipping;
};

/* Release everything a setup built, the flipper thread first (it writes into guest RAM). */
static int release_pair(struct pair *p)
{
    int bad = 0;

    if (p == NULL)
        return 0;
    if (p->flipping) {
        p->fl.stop = 1;
        pthread_join(p->flipper, NULL);
    }
    if (p->f != NULL && p->spmc_has_vm_buffers && p->f->host.live_maps != 0) {
        struct ffa_mock_step unmap = {
            .call = {{FFA_RXTX_UNMAP, TEST_VM_ID << 16}},
            .match = FFA_MOCK_X_ALL,
            .reply = {{FFA_SUCCESS_32}},
        };

        bad |= ffa_mock_expect(p->f->mock, &unmap) != 0;
    }
    bad |= th_fixture_release(p->f) != 0;
    free(p);
    return bad ? -1 : 0;
}

static int teardown(void **state)
{
    int ret = release_pair(*state);

    *state = NULL;
    return ret;
}

static int setup_failed(void **state, struct pair *p, const char *why)
{
    print_error("setup: %s\n", why);
    release_pair(p);
    *state = NULL;
    return -1;
}

/*
 * VM A at `va` with a 2-page pair and VM B at `vb` with `b_pages` (0: none), VM-to-VM on; with
 * `extra`, VM_BARE (v1.1, no buffers) and VM_QUIET (added, never negotiated) too.
 */
static int setup_pair(void **state, uint32_t va, uint32_t vb, uint32_t b_pages, int extra)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG,
                        .vm_version = va,
                        .full_host = 1,
                        .cfg = {.flags = FFA_CFG_VM_TO_VM}};
    struct pair *p = calloc(1, sizeof(*p));
    struct ffa_vm *vm;
    void *fs;

    *state = NULL;
    if (p == NULL)
        return -1;
    if (th_setup(&fs, &o) != 0)
        return setup_failed(state, p, "no fixture");
    p->f = fs;
    p->a = p->f->vm;
    if (th_try_add_vm(p->f, VM_B, 0, vb, &p->b) != 0 || th_try_map_buffers(p->f, p->a, 2) != 0 ||
        (b_pages > 0 && th_try_map_buffers(p->f, p->b, b_pages) != 0))
        return setup_failed(state, p, "cannot set up VMs A and B");
    if (extra && (th_try_add_vm(p->f, VM_BARE, 0, FFA_VERSION_1_1, &vm) != 0 ||
                  ffa_vm_add(p->f->m, VM_QUIET, 1, 0, &vm) != 0))
        return setup_failed(state, p, "cannot add the other VMs");
    *state = p;
    return 0;
}

static int setup_v1_1_to_v1_2(void **state)
{
    return setup_pair(state, FFA_VERSION_1_1, FFA_VERSION_1_2, 1, 0);
}

static int setup_v1_2_to_v1_1(void **state)
{
    return setup_pair(state, FFA_VERSION_1_2, FFA_VERSION_1_1, 1, 0);
}

static int setup_v1_2_to_v1_2(void **state)
{
    return setup_pair(state, FFA_VERSION_1_2, FFA_VERSION_1_2, 1, 0);
}

static int setup_v1_1_to_v1_1(void **state)
{
    return setup_pair(state, FFA_VERSION_1_1, FFA_VERSION_1_1, 1, 0);
}

static int setup_v1_1_to_v1_1_without_b_buffers(void **state)
{
    return setup_pair(state, FFA_VERSION_1_1, FFA_VERSION_1_1, 0, 0);
}

static int setup_v1_1_to_v1_1_with_other_vms(void **state)
{
    return setup_pair(state, FFA_VERSION_1_1, FFA_VERSION_1_1, 1, 1);
}

static int setup_v1_0_to_v1_1(void **state)
{
    return setup_pair(state, FFA_VERSION_1_0, FFA_VERSION_1_1, 1, 0);
}

/* v1.1 to v1.1, a 64-byte message in A's TX buffer, and the flipper running on it. */
static int setup_race(void **state)
{
    struct pair *p;

    if (setup_v1_1_to_v1_1(state) != 0)
        return -1;
    p = *state;
    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 64, NULL);
    p->fl.offset_field = th_guest_ptr(&p->f->host, TEST_VM_ID, TEST_TX_IPA) + 8;
    if (pthread_create(&p->flipper, NULL, flip, &p->fl) != 0)
        return setup_failed(state, p, "cannot start the flipper thread");
    p->flipping = 1;
    return 0;
}

/*
 * An SPMC that takes SEND2 (and RXTX_MAP_64, plus `more`): VM A at `version` alone, VM-to-VM off,
 * its 1-page pair forwarded to the SPMC.
 */
static int setup_spmc_send2(void **state, uint32_t version, uint32_t more)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_MSG_SEND2 | more,
                        .vm_version = version,
                        .full_host = 1};
    struct ffa_mock_step map = {
        .call = {{FFA_RXTX_MAP_64}},
        .match = FFA_MOCK_X(0),
        .reply = {{FFA_SUCCESS_32}},
    };
    struct pair *p = calloc(1, sizeof(*p));
    void *fs;

    *state = NULL;
    if (p == NULL)
        return -1;
    if (th_setup(&fs, &o) != 0)
        return setup_failed(state, p, "no fixture");
    p->f = fs;
    p->a = p->f->vm;
    if (ffa_mock_expect(p->f->mock, &map) != 0 || th_try_map_buffers(p->f, p->a, 1) != 0)
        return setup_failed(state, p, "cannot map A's buffers");
    p->spmc_has_vm_buffers = 1;
    *state = p;
    return 0;
}

static int setup_spmc_send2_with_rx_acquire_v1_1(void **state)
{
    return setup_spmc_send2(state, FFA_VERSION_1_1, FW_RX_ACQUIRE);
}

/* Hafnium reports SEND2 but not RX_ACQUIRE: buffers are still forwarded (Xen's rule). */
static int setup_spmc_send2_like_hafnium_v1_2(void **state)
{
    return setup_spmc_send2(state, FFA_VERSION_1_2, 0);
}

static void test_v1_1_to_v1_2_delivers_with_a_v1_2_header(void **state)
{
    struct pair *p = *state;
    const uint8_t *rx = th_guest_ptr(&p->f->host, VM_B, TEST_RX_IPA);
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 5, "hello");
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(le(rx + 8, 4), 40); /* offset: the receiver's (v1.2) header */
    assert_int_equal(le(rx + 12, 4), (uint32_t)TEST_VM_ID << 16 | VM_B);
    assert_int_equal(le(rx + 16, 4), 5);
    assert_int_equal(le(rx + 24, 8), 0); /* nil UUID from a v1.1 sender */
    assert_memory_equal(rx + 40, "hello", 5);
}

static void test_delivery_tells_the_receiver(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 5, "hello");
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    /* Framework notification and host event. */
    assert_int_equal(ffa_vm_framework_notifications(p->b), FFA_FW_NOTIF_RX_FULL);
    assert_int_equal(p->f->host.notifies, 1);
    assert_int_equal(p->f->host.notified_vm, VM_B);
    assert_int_equal(p->f->host.notified_event, FFA_HOST_EVENT_RX_FULL);
}

static void test_v1_2_to_v1_1_delivers_with_a_v1_1_header(void **state)
{
    struct pair *p = *state;
    const uint8_t *rx = th_guest_ptr(&p->f->host, VM_B, TEST_RX_IPA);
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 40, TEST_VM_ID, VM_B, 3, "abc");
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(le(rx + 8, 4), 20);
    assert_memory_equal(rx + 20, "abc", 3);
}

static void test_v1_2_uuid_travels_to_a_v1_2_receiver(void **state)
{
    struct pair *p = *state;
    const uint8_t *rx = th_guest_ptr(&p->f->host, VM_B, TEST_RX_IPA);
    uint8_t expect[16];
    struct ffa_regs r;

    memset(expect, 0xab, sizeof(expect));
    put_message(p->f, TEST_VM_ID, 64, TEST_VM_ID, VM_B, 2, "hi");
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_memory_equal(rx + 24, expect, 16);
    assert_memory_equal(rx + 40, "hi", 2); /* repacked at the receiver's header size */
}

static void test_receiver_owns_rx_until_release(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_BUSY); /* B has not released */
    r = read_and_release(p->f, p->b);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_get_reads_and_clears_the_rx_full_notification(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = get_hyp_framework(p->f, p->b);
    assert_int_equal(r.x[7], FFA_FW_NOTIF_RX_FULL);
    assert_int_equal(ffa_vm_framework_notifications(p->b), 0);
    r = get_hyp_framework(p->f, p->b);
    assert_int_equal(r.x[7], 0); /* read once */
}

/* Hafnium's rule: the buffer cannot be released while its "RX buffer full" is unread. */
static void test_release_before_reading_the_rx_full_notification_is_denied(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    r = th_do(p->f, p->b, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(ffa_vm_framework_notifications(p->b), FFA_FW_NOTIF_RX_FULL);
    r = read_and_release(p->f, p->b);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/* A's message with this header (offset written as is, even past the buffer) is refused. */
static void assert_refused(struct pair *p, uint32_t offset, uint16_t sender, uint16_t receiver,
                           uint32_t size, int32_t code)
{
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, offset < 4096 ? offset : 0, sender, receiver, size, NULL);
    put_le(th_guest_ptr(&p->f->host, TEST_VM_ID, TEST_TX_IPA) + 8, offset, 4);
    r = send2(p->f, p->a);
    th_assert_error(&r, code);
    assert_int_equal(p->f->host.notifies, 0);
}

static void test_header_sender_must_be_the_caller(void **state)
{
    assert_refused(*state, 20, 0x0003, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_header_receiver_must_not_be_the_caller(void **state)
{
    assert_refused(*state, 20, TEST_VM_ID, TEST_VM_ID, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_payload_must_follow_the_senders_v1_1_header(void **state)
{
    assert_refused(*state, 19, TEST_VM_ID, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_payload_must_follow_the_senders_v1_2_header(void **state)
{
    /* Linux 6.15 put v1.2 payloads at 36: refused, as Xen does. */
    assert_refused(*state, 36, TEST_VM_ID, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_empty_message_is_invalid(void **state)
{
    assert_refused(*state, 20, TEST_VM_ID, VM_B, 0, FFA_RET_INVALID_PARAMETERS);
}

/* A's TX buffer is 2 pages: 8192 bytes. */
static void test_message_past_the_end_of_the_tx_buffer_is_invalid(void **state)
{
    assert_refused(*state, 8192 - 10, TEST_VM_ID, VM_B, 11, FFA_RET_INVALID_PARAMETERS);
}

static void test_offset_past_the_end_of_the_tx_buffer_is_invalid(void **state)
{
    assert_refused(*state, 8193, TEST_VM_ID, VM_B, 1, FFA_RET_INVALID_PARAMETERS);
}

static void test_offset_plus_size_wrapping_32_bits_is_invalid(void **state)
{
    assert_refused(*state, 0xfffffff0u, TEST_VM_ID, VM_B, 0x20, FFA_RET_INVALID_PARAMETERS);
}

static void test_size_of_4_gib_is_invalid(void **state)
{
    assert_refused(*state, 20, TEST_VM_ID, VM_B, 0xffffffffu, FFA_RET_INVALID_PARAMETERS);
}

static void test_unknown_receiver_is_invalid(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, 0x0042, 1, "x");
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_receiver_that_never_negotiated_is_invalid(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_QUIET, 1, "x");
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_receiver_without_rx_is_denied(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_message_larger_than_the_receivers_rx_is_no_memory(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 4096 - 20 + 1, NULL);
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_NO_MEMORY);
}

static void test_message_filling_the_receivers_rx_exactly_is_delivered(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 4096 - 20, NULL);
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_vm_without_buffers_is_denied(void **state)
{
    struct pair *p = *state;
    struct ffa_vm *bare = ffa_vm_find(p->f->m, VM_BARE);
    struct ffa_regs r;

    assert_non_null(bare);
    r = send2(p->f, bare);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_w1_with_another_vms_id_is_invalid(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = th_do(p->f, p->a, th_regs(FFA_MSG_SEND2, 0x0003u << 16, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_nonzero_flags_are_invalid(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = th_do(p->f, p->a, th_regs(FFA_MSG_SEND2, 0, 0x2 /* delay SRI */, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_w1_with_the_callers_own_id_is_accepted(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = th_do(p->f, p->a, th_regs(FFA_MSG_SEND2, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_v1_0_sender_is_not_supported(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r = send2(p->f, p->a);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_features_hides_send2_from_a_v1_0_vm(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r = th_do(p->f, p->a, th_regs(FFA_FEATURES, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_features_reports_send2_to_a_v1_1_vm(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r = th_do(p->f, p->b, th_regs(FFA_FEATURES, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_vm_destination_without_vm_to_vm_is_invalid(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, VM_B, 1, "x");
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_features_reports_send2_when_the_spmc_has_it(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r = th_do(p->f, p->a, th_regs(FFA_FEATURES, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void expect_forwarded_send2(struct fixture *f, struct ffa_regs reply)
{
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_MSG_SEND2, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              reply);
}

static void test_message_to_an_sp_is_forwarded_for_the_spmc_to_read(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 40, TEST_VM_ID, TEST_SP_ID, 4, "ping");
    expect_forwarded_send2(p->f, th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = send2(p->f, p->a);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void test_spmc_refusing_a_message_to_an_sp_is_returned(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 40, TEST_VM_ID, TEST_SP_ID, 4, "ping");
    expect_forwarded_send2(p->f, th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_BUSY); /* the SP's mailbox is full */
}

static void test_message_to_an_sp_without_spmc_support_is_not_supported(void **state)
{
    struct pair *p = *state;
    struct ffa_regs r;

    put_message(p->f, TEST_VM_ID, 20, TEST_VM_ID, TEST_SP_ID, 1, "x");
    r = send2(p->f, p->a);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every send either succeeds with the valid offset or is refused. */
static void test_header_is_copied_once_against_a_racing_vcpu(void **state)
{
    struct pair *p = *state;
    double deadline = now_s() + 20;
    long ok = 0, refused = 0, sends = 0;

    /* At least 20000 sends, and until both outcomes were seen (the race really ran). */
    while (sends < 20000 || ((ok == 0 || refused == 0) && now_s() < deadline)) {
        struct ffa_regs r = send2(p->f, p->a);

        sends++;
        if (r.x[0] == FFA_SUCCESS_32) {
            const uint8_t *rx = th_guest_ptr(&p->f->host, VM_B, TEST_RX_IPA);

            assert_int_equal(le(rx + 16, 4), 64);
            ok++;
            r = read_and_release(p->f, p->b);
            assert_int_equal(r.x[0], FFA_SUCCESS_32);
        } else {
            th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
            refused++;
        }
        if (sends % 1024 == 0)
            sched_yield(); /* let the flipper run on a busy machine */
    }
    assert_int_equal(ok + refused, sends);
    assert_true(ok > 0);
    assert_true(refused > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_v1_1_to_v1_2_delivers_with_a_v1_2_header, setup_v1_1_to_v1_2),
        T(test_delivery_tells_the_receiver, setup_v1_1_to_v1_2),
        T(test_v1_2_to_v1_1_delivers_with_a_v1_1_header, setup_v1_2_to_v1_1),
        T(test_v1_2_uuid_travels_to_a_v1_2_receiver, setup_v1_2_to_v1_2),
        T(test_receiver_owns_rx_until_release, setup_v1_1_to_v1_1),
        T(test_get_reads_and_clears_the_rx_full_notification, setup_v1_1_to_v1_1),
        T(test_release_before_reading_the_rx_full_notification_is_denied, setup_v1_1_to_v1_1),
        T(test_header_sender_must_be_the_caller, setup_v1_1_to_v1_2),
        T(test_header_receiver_must_not_be_the_caller, setup_v1_1_to_v1_2),
        T(test_payload_must_follow_the_senders_v1_1_header, setup_v1_1_to_v1_2),
        T(test_payload_must_follow_the_senders_v1_2_header, setup_v1_2_to_v1_2),
        T(test_empty_message_is_invalid, setup_v1_1_to_v1_2),
        T(test_message_past_the_end_of_the_tx_buffer_is_invalid, setup_v1_1_to_v1_2),
        T(test_offset_past_the_end_of_the_tx_buffer_is_invalid, setup_v1_1_to_v1_2),
        T(test_offset_plus_size_wrapping_32_bits_is_invalid, setup_v1_1_to_v1_2),
        T(test_size_of_4_gib_is_invalid, setup_v1_1_to_v1_2),
        T(test_unknown_receiver_is_invalid, setup_v1_1_to_v1_1),
        T(test_receiver_that_never_negotiated_is_invalid, setup_v1_1_to_v1_1_with_other_vms),
        T(test_receiver_without_rx_is_denied, setup_v1_1_to_v1_1_without_b_buffers),
        T(test_message_larger_than_the_receivers_rx_is_no_memory, setup_v1_1_to_v1_1),
        T(test_message_filling_the_receivers_rx_exactly_is_delivered, setup_v1_1_to_v1_1),
        T(test_vm_without_buffers_is_denied, setup_v1_1_to_v1_1_with_other_vms),
        T(test_w1_with_another_vms_id_is_invalid, setup_v1_1_to_v1_1),
        T(test_nonzero_flags_are_invalid, setup_v1_1_to_v1_1),
        T(test_w1_with_the_callers_own_id_is_accepted, setup_v1_1_to_v1_1),
        T(test_v1_0_sender_is_not_supported, setup_v1_0_to_v1_1),
        T(test_features_hides_send2_from_a_v1_0_vm, setup_v1_0_to_v1_1),
        T(test_features_reports_send2_to_a_v1_1_vm, setup_v1_0_to_v1_1),
        T(test_vm_destination_without_vm_to_vm_is_invalid, setup_spmc_send2_with_rx_acquire_v1_1),
        T(test_features_reports_send2_when_the_spmc_has_it, setup_spmc_send2_like_hafnium_v1_2),
        T(test_message_to_an_sp_is_forwarded_for_the_spmc_to_read,
          setup_spmc_send2_like_hafnium_v1_2),
        T(test_spmc_refusing_a_message_to_an_sp_is_returned, setup_spmc_send2_like_hafnium_v1_2),
        T(test_message_to_an_sp_without_spmc_support_is_not_supported, setup_v1_1_to_v1_1),
        T(test_header_is_copied_once_against_a_racing_vcpu, setup_race),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
