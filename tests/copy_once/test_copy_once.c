/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest memory is read once: every ABI that touches a VM's buffers, checked byte by byte.
 *
 * A guest can rewrite its TX buffer from another vCPU at any instant, so the mediator must copy
 * what it reads once and validate only the copy (a second read of the same byte is a double
 * fetch: the guest can make the validated value and the used value differ). The racing-vCPU test
 * in test_send2.c shows one ABI survives a flipping byte most of the time; this test proves the
 * rule deterministically, for every ABI that reads or writes guest memory, on every run:
 *
 *  - the guest buffers are *poisoned* for AddressSanitizer while the mediator handles one call
 *    (fuzz/common/fz_watch.h), so every access the mediator makes to them - inline loads and
 *    stores and every memcpy - is reported to a callback instead of failing;
 *  - the callback keeps a per-byte map for the call: a read of a byte already read (or written)
 *    during the same call is a double fetch, recorded with the program counters of both
 *    accesses;
 *  - each test asserts how the ABI may touch guest memory: FFA_MSG_SEND2 reads the header and the
 *    payload exactly once; FFA_RXTX_MAP (including its forwarding to the secure world, which
 *    describes the pages, not their contents), FFA_RXTX_UNMAP and FFA_RX_RELEASE touch no guest
 *    byte; FFA_PARTITION_INFO_GET only writes the RX buffer.
 * A last test runs a deliberately double-fetching reader under the same watch and expects it to
 * be caught, so the detector itself cannot silently stop working.
 *
 * Built only in AddressSanitizer builds with clang (scripts/test.sh stage 2), where lib/ is
 * compiled with -fsanitize-recover=address (tests/CMakeLists.txt). The fuzzer does the same in
 * one session of four (fuzz/fuzz_mediator.c, "watch").
 */
#include "harness.h"

#include <string.h>

#include "fz_watch.h"

#define VM_B 0x0002u

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The fixture of the running test, freed by teardown() even when an assertion fails. */
static struct fixture *current;

static int teardown(void **state)
{
    (void)state;
    fz_watch_clear();
    if (current != NULL)
        th_fixture_free(current);
    current = NULL;
    return 0;
}

struct pair {
    struct fixture *f;
    struct ffa_vm *a, *b;
    uint8_t *a_tx, *a_rx, *b_rx;
};

/* VM A (TEST_VM_ID) at `va` and VM B at `vb`, one-page buffers each, VM-to-VM on. */
static struct pair open_pair(uint32_t va, uint32_t vb)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG,
                        .vm_version = va,
                        .full_host = 1,
                        .cfg = {.flags = FFA_CFG_VM_TO_VM}};
    struct pair p;

    p.f = current = th_fixture_open(&o);
    p.a = p.f->vm;
    p.b = th_add_vm(p.f, VM_B, 0, vb);
    th_map_buffers(p.f, p.a, 1);
    th_map_buffers(p.f, p.b, 1);
    p.a_tx = th_guest_ptr(&p.f->host, TEST_VM_ID, TEST_TX_IPA);
    p.a_rx = th_guest_ptr(&p.f->host, TEST_VM_ID, TEST_RX_IPA);
    p.b_rx = th_guest_ptr(&p.f->host, VM_B, TEST_RX_IPA);
    fz_watch_region(0, p.a_tx, 4096);
    fz_watch_region(1, p.a_rx, 4096);
    fz_watch_region(2, p.b_rx, 4096);
    return p;
}

static void put_message(uint8_t *tx, uint32_t offset, uint16_t receiver, uint32_t size)
{
    memset(tx, 0, 64);
    put_le(tx + 8, offset, 4);
    put_le(tx + 12, (uint32_t)TEST_VM_ID << 16 | receiver, 4);
    put_le(tx + 16, size, 4);
    memset(tx + 24, 0xab, 16);
    for (uint32_t i = 0; i < size; i++)
        tx[offset + i] = (uint8_t)(i + 1);
}

/* One call under the watch; returns the reply. Fails the test on a double fetch. */
static struct ffa_regs watched(struct pair *p, struct ffa_vm *vm, struct ffa_regs r)
{
    struct fz_watch_hit hit;
    unsigned long doubles;

    fz_watch_begin();
    th_call_vm(p->f, vm, &r);
    doubles = fz_watch_end();
    if (fz_watch_first_hit(&hit))
        fail_msg("%lu double fetch(es): watched region %u byte 0x%zx %s at pc 0x%lx, read again "
                 "at pc 0x%lx",
                 doubles, hit.slot, hit.offset, hit.first_was_write ? "written" : "read",
                 (unsigned long)hit.first_pc, (unsigned long)hit.second_pc);
    assert_int_equal(doubles, 0);
    return r;
}

static void send2_reads_header_and_payload_once(uint32_t va, uint32_t vb, uint32_t offset)
{
    struct pair p = open_pair(va, vb);
    struct ffa_regs r;

    put_message(p.a_tx, offset, VM_B, 200);
    r = watched(&p, p.a, th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    /* It did read guest memory (header + payload) and wrote the receiver's RX buffer. */
    assert_true(fz_watch_reads() >= 2);
    assert_true(fz_watch_writes() >= 1);
    assert_memory_equal(p.b_rx + (vb >= FFA_VERSION_1_2 ? 40 : 20), p.a_tx + offset, 200);
}

static void test_send2_v1_1_to_v1_2_reads_every_guest_byte_once(void **state)
{
    (void)state;
    send2_reads_header_and_payload_once(FFA_VERSION_1_1, FFA_VERSION_1_2, 20);
}

static void test_send2_v1_2_to_v1_1_reads_every_guest_byte_once(void **state)
{
    (void)state;
    send2_reads_header_and_payload_once(FFA_VERSION_1_2, FFA_VERSION_1_1, 40);
}

static void test_send2_refused_header_is_read_once(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_2, FFA_VERSION_1_2);
    struct ffa_regs r;

    (void)state;
    put_message(p.a_tx, 40, VM_B, 8);
    put_le(p.a_tx + 16, 4096, 4); /* size past the buffer */
    r = watched(&p, p.a, th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(fz_watch_writes(), 0);
}

static void test_send2_to_an_sp_reads_the_header_once(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_MSG_SEND2,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1};
    struct fixture *f = current = th_fixture_open(&o);
    uint8_t *tx = th_guest_ptr(&f->host, TEST_VM_ID, TEST_TX_IPA);
    struct ffa_regs r;
    unsigned long doubles;

    (void)state;
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_map_buffers(f, f->vm, 1);
    put_message(tx, 40, TEST_SP_ID, 16);
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_MSG_SEND2, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    fz_watch_region(0, tx, 4096);
    r = th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0);
    fz_watch_begin();
    th_call(f, &r);
    doubles = fz_watch_end();
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(doubles, 0);
    assert_true(fz_watch_reads() >= 1); /* the header; the SPMC reads the rest itself */
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
}

static void test_rxtx_map_forwarding_and_unmap_touch_no_guest_byte(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RX_ACQUIRE | FW_MSG_SEND2,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1};
    struct fixture *f = current = th_fixture_open(&o);
    struct ffa_regs r;

    (void)state;
    fz_watch_region(0, th_guest_ptr(&f->host, TEST_VM_ID, TEST_TX_IPA), 2 * 4096);
    fz_watch_region(1, th_guest_ptr(&f->host, TEST_VM_ID, TEST_RX_IPA), 2 * 4096);
    /* The descriptor the SPMC gets lists the pages; their contents are not read. */
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 2, 0, 0, 0, 0);
    fz_watch_begin();
    th_call(f, &r);
    assert_int_equal(fz_watch_end(), 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(fz_watch_reads() + fz_watch_writes(), 0);

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RX_RELEASE, TEST_VM_ID, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_DENIED, 0, 0, 0, 0, 0));
    r = th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
    fz_watch_begin();
    th_call(f, &r);
    assert_int_equal(fz_watch_end(), 0);
    assert_int_equal(fz_watch_reads() + fz_watch_writes(), 0);

    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_RXTX_UNMAP, TEST_VM_ID << 16, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = th_regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
    fz_watch_begin();
    th_call(f, &r);
    assert_int_equal(fz_watch_end(), 0);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(fz_watch_reads() + fz_watch_writes(), 0);
}

static void test_partition_info_get_only_writes_the_rx_buffer(void **state)
{
    struct pair p = open_pair(FFA_VERSION_1_2, FFA_VERSION_1_1);
    struct ffa_regs r;

    (void)state;
    r = watched(&p, p.a, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 2); /* itself and VM B */
    assert_int_equal(fz_watch_reads(), 0);
    assert_true(fz_watch_writes() >= 1);
    r = watched(&p, p.a, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(fz_watch_reads() + fz_watch_writes(), 0);
}

/* A reader that fetches a length twice, as a TOCTOU bug would. */
static uint32_t double_fetching_reader(const uint8_t *guest)
{
    void *(*volatile copy)(void *, const void *, size_t) = memcpy;
    uint32_t len, again;

    copy(&len, guest + 16, 4);
    if (len > 64)
        return 0;
    copy(&again, guest + 16, 4); /* the bug: the checked value is fetched again */
    return again;
}

static void test_the_watch_catches_a_double_fetch(void **state)
{
    static uint8_t guest[4096] __attribute__((aligned(4096)));
    struct fz_watch_hit hit;

    (void)state;
    put_le(guest + 16, 8, 4);
    fz_watch_region(0, guest, sizeof(guest));
    fz_watch_begin();
    assert_int_equal(double_fetching_reader(guest), 8);
    assert_int_equal(fz_watch_end(), 4); /* four bytes fetched a second time */
    assert_true(fz_watch_first_hit(&hit));
    assert_int_equal(hit.slot, 0);
    assert_int_equal(hit.offset, 16);
    assert_false(hit.first_was_write);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_send2_v1_1_to_v1_2_reads_every_guest_byte_once, teardown),
        cmocka_unit_test_teardown(test_send2_v1_2_to_v1_1_reads_every_guest_byte_once, teardown),
        cmocka_unit_test_teardown(test_send2_refused_header_is_read_once, teardown),
        cmocka_unit_test_teardown(test_send2_to_an_sp_reads_the_header_once, teardown),
        cmocka_unit_test_teardown(test_rxtx_map_forwarding_and_unmap_touch_no_guest_byte, teardown),
        cmocka_unit_test_teardown(test_partition_info_get_only_writes_the_rx_buffer, teardown),
        cmocka_unit_test_teardown(test_the_watch_catches_a_double_fetch, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
