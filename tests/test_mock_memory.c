/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock's and the recorder's memory lines: what a call read from a TX buffer (checked) and what
 * its reply wrote into an RX buffer (written), with the buffers learned from FFA_RXTX_MAP.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Fake normal-world memory: FAKE_PAGES pages at physical address FAKE_PA. Page 0 is the
 * hypervisor's TX, page 1 its RX, page 2 VM 1's TX, page 3 VM 1's RX.
 */
#define FAKE_PA    UINT64_C(0x40000000)
#define FAKE_PAGES 6u
#define OWN_TX     FAKE_PA
#define OWN_RX     (FAKE_PA + 0x1000)
#define VM_TX      (FAKE_PA + 0x2000)
#define VM_RX      (FAKE_PA + 0x3000)

struct fake_mem {
    uint8_t page[FAKE_PAGES][4096];
};

static void *fake_memory(void *ctx, uint64_t pa, size_t len, int writable)
{
    struct fake_mem *m = ctx;

    (void)writable;
    if (pa < FAKE_PA || pa - FAKE_PA > sizeof(m->page) || len > sizeof(m->page) - (pa - FAKE_PA))
        return NULL;
    return &m->page[0][0] + (pa - FAKE_PA);
}

static uint8_t *at(struct fake_mem *m, uint64_t pa)
{
    return fake_memory(m, pa, 1, 0);
}

/* A failure handler that keeps the last message instead of failing the test. */
struct captured {
    char msg[8192];
    int count;
};

static void capture_fail(void *ctx, const char *message)
{
    struct captured *c = ctx;

    snprintf(c->msg, sizeof(c->msg), "%s", message);
    c->count++;
}

/*
 * A replaying mock (failures captured) on `mem`; a "real" secure world (a mock with C steps)
 * behind a recorder on `real_mem`, recording into `text`.
 */
struct fixture_mem {
    struct captured c;
    struct ffa_mock *mock;
    struct fake_mem mem;
    struct ffa_mock *real;
    struct fake_mem real_mem;
    struct ffa_recorder *rec;
    FILE *out;
    char *text;
    size_t text_len;
};

static int setup(void **state)
{
    struct fixture_mem *t = calloc(1, sizeof(*t));

    *state = t;
    if (t == NULL)
        return -1;
    t->mock = ffa_mock_create();
    t->real = ffa_mock_create();
    t->out = open_memstream(&t->text, &t->text_len);
    if (t->mock == NULL || t->real == NULL || t->out == NULL)
        return -1; /* the teardown frees what was made */
    ffa_mock_set_fail_handler(t->mock, capture_fail, &t->c);
    ffa_mock_set_memory(t->mock, fake_memory, &t->mem);
    ffa_mock_set_fail_handler(t->real, th_mock_fail, NULL);
    return 0;
}

static int teardown(void **state)
{
    struct fixture_mem *t = *state;

    if (t == NULL)
        return 0;
    ffa_recorder_destroy(t->rec);
    if (t->out != NULL)
        fclose(t->out);
    free(t->text);
    ffa_mock_destroy(t->mock);
    ffa_mock_destroy(t->real);
    free(t);
    return 0;
}

static struct ffa_regs call_be(const struct ffa_backend *be, struct ffa_regs in)
{
    struct ffa_regs out;

    memset(&out, 0xcc, sizeof(out));
    ffa_backend_call(be, 0, &in, &out);
    return out;
}

static struct ffa_regs call_mock(struct fixture_mem *t, struct ffa_regs in)
{
    struct ffa_backend be = ffa_mock_backend(t->mock);

    return call_be(&be, in);
}

static void load(struct fixture_mem *t, const char *script)
{
    char err[256] = "";

    if (ffa_mock_load_string(t->mock, script, "s.ffa", err, sizeof(err)) != 0)
        fail_msg("%s", err);
}

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The endpoint RX/TX descriptor a mediator forwards: one page each, RX composite first. */
static void rxtx_descriptor(uint8_t *tx, uint16_t vm, uint64_t vm_tx, uint64_t vm_rx)
{
    memset(tx, 0, 80);
    put(tx, vm, 2);
    put(tx + 4, 16, 4);
    put(tx + 8, 48, 4);
    put(tx + 16, 1, 4);
    put(tx + 20, 1, 4);
    put(tx + 32, vm_rx, 8);
    put(tx + 40, 1, 4);
    put(tx + 48, 1, 4);
    put(tx + 52, 1, 4);
    put(tx + 64, vm_tx, 8);
    put(tx + 72, 1, 4);
}

/* The descriptor of rxtx_descriptor(VM 1) as a tx line: addresses not compared. */
#define DESCRIPTOR_TX_LINE                                                                         \
    "tx 0 0 01000000100000003000000000000000010000000100000000000000000000"                        \
    "00????????????????0100000000000000010000000100000000000000000000"                             \
    "00????????????????0100000000000000\n"

static const char own_map[] = "call FFA_RXTX_MAP_64 x1~0x7000 x2~0x8000 x3=1 x*=0\n"
                              "reply FFA_SUCCESS_32\n";
static const char vm_map[] =
    "call FFA_RXTX_MAP_64 x*=0\n" DESCRIPTOR_TX_LINE "reply FFA_SUCCESS_32\n";

/* The mediator's side: map its own pair, and forward VM 1's pair. */
static void map_own(struct fixture_mem *t)
{
    struct ffa_regs r = call_mock(t, th_regs(FFA_RXTX_MAP_64, OWN_TX, OWN_RX, 1, 0, 0, 0, 0));

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static void map_vm(struct fixture_mem *t)
{
    struct ffa_regs r;

    rxtx_descriptor(at(&t->mem, OWN_TX), 1, VM_TX, VM_RX);
    r = call_mock(t, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

static const uint8_t partition[24] = {0x01, 0x80, 0x01, 0x00, 0x01, 0x03, 0x00, 0x00,
                                      0xb4, 0xb5, 0x67, 0x1e, 0x4a, 0x90, 0x4f, 0xe1,
                                      0xb8, 0x1f, 0xfb, 0x13, 0xda, 0xe1, 0xda, 0xcb};
#define PARTITION_HEX "0180010001030000b4b5671e4a904fe1b81ffb13dae1dacb"

/* ---- Replay ---- */

static void test_rx_line_fills_the_hypervisor_rx_buffer(void **state)
{
    struct fixture_mem *t = *state;
    struct ffa_regs r;
    char script[512];

    snprintf(script, sizeof(script),
             "%scall FFA_PARTITION_INFO_GET x*=0\nreply FFA_SUCCESS_32 x2=1 x3=24\n"
             "rx 0 0 " PARTITION_HEX "\n",
             own_map);
    load(t, script);
    map_own(t);
    r = call_mock(t, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[2], 1);
    assert_memory_equal(at(&t->mem, OWN_RX), partition, sizeof(partition));
    assert_int_equal(t->c.count, 0);
    assert_int_equal(ffa_mock_verify(t->mock), 0);
}

static void test_forwarded_map_teaches_the_mock_a_vm_buffer(void **state)
{
    struct fixture_mem *t = *state;
    char script[1024];

    snprintf(script, sizeof(script),
             "%s%scall FFA_RUN x1=0x80010000 x*=0\nreply FFA_MSG_WAIT\nrx 0x0001 0x10 cafe\n",
             own_map, vm_map);
    load(t, script);
    map_own(t);
    map_vm(t);
    call_mock(t, th_regs(FFA_RUN, 0x80010000, 0, 0, 0, 0, 0, 0));
    assert_int_equal(at(&t->mem, VM_RX)[0x10], 0xca);
    assert_int_equal(at(&t->mem, VM_RX)[0x11], 0xfe);
    assert_int_equal(t->c.count, 0);
}

/* VM 1 sends "hi" to SP 0x8001 (v1.1 header): 22 bytes in its TX. */
static void vm_message(uint8_t *tx, char last)
{
    memset(tx, 0, 22);
    put(tx + 8, 20, 4);
    put(tx + 12, 0x00018001, 4);
    put(tx + 16, 2, 4);
    tx[20] = 'h';
    tx[21] = (uint8_t)last;
}

static const char send2_script[] = "call FFA_MSG_SEND2 x1=0x10000 x*=0\n"
                                   "tx 0x1 0 0000000000000000140000000180010002000000"
                                   "6869\n"
                                   "reply FFA_SUCCESS_32\n";

static void test_tx_line_matching_the_buffer_passes(void **state)
{
    struct fixture_mem *t = *state;
    char script[1024];
    struct ffa_regs r;

    snprintf(script, sizeof(script), "%s%s%s", own_map, vm_map, send2_script);
    load(t, script);
    map_own(t);
    map_vm(t);
    vm_message(at(&t->mem, VM_TX), 'i');
    r = call_mock(t, th_regs(FFA_MSG_SEND2, 0x10000, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(t->c.count, 0);
    assert_int_equal(ffa_mock_verify(t->mock), 0);
}

static void test_tx_mismatch_fails_showing_both(void **state)
{
    struct fixture_mem *t = *state;
    char script[1024], row[128];
    struct ffa_regs r;

    snprintf(script, sizeof(script), "%s%s%s", own_map, vm_map, send2_script);
    load(t, script);
    map_own(t);
    map_vm(t);
    vm_message(at(&t->mem, VM_TX), 'o'); /* "ho", not "hi" */
    r = call_mock(t, th_regs(FFA_MSG_SEND2, 0x10000, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "(script line 6): the TX of VM 0x0001 differs from the "
                                     "script (22 bytes at 0x0)\n"));
    assert_non_null(strstr(t->c.msg, "  got: FFA_MSG_SEND2(from VM 0x0001)\n"));
    snprintf(row, sizeof(row), "  0x0010  %-47s  %s\n", "02 00 00 00 68 69", "02 00 00 00 68 6f");
    assert_non_null(strstr(t->c.msg, row));
    assert_null(strstr(t->c.msg, "  0x0000")); /* the first row is the same */
    assert_int_equal(ffa_mock_verify(t->mock), -1);
}

static void test_masked_tx_bytes_are_not_compared(void **state)
{
    struct fixture_mem *t = *state;
    char script[1024];

    /* The descriptor's addresses are ?? in vm_map: other addresses than recorded pass. */
    snprintf(script, sizeof(script), "%s%s", own_map, vm_map);
    load(t, script);
    map_own(t);
    rxtx_descriptor(at(&t->mem, OWN_TX), 1, VM_TX + 0x1000, VM_RX + 0x1000);
    call_mock(t, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(t->c.count, 0);
}

static void test_memory_lines_need_a_memory_callback(void **state)
{
    struct fixture_mem *t = *state;
    char script[512];

    ffa_mock_set_memory(t->mock, NULL, NULL);
    snprintf(script, sizeof(script), "%scall FFA_ID_GET\nreply FFA_SUCCESS_32\nrx 0 0 00\n",
             own_map);
    load(t, script);
    map_own(t);
    call_mock(t, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "no memory callback (ffa_mock_set_memory) to fill RX of the "
                                     "hypervisor, 1 bytes at 0x0"));
}

static void test_rx_for_an_unmapped_buffer_fails(void **state)
{
    struct fixture_mem *t = *state;
    char script[512];

    snprintf(script, sizeof(script), "%scall FFA_ID_GET\nreply FFA_SUCCESS_32\nrx 0x2 0 00\n",
             own_map);
    load(t, script);
    map_own(t);
    call_mock(t, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "no buffer mapped for RX of VM 0x0002, 1 bytes at 0x0"));
}

static void test_rx_past_the_buffer_fails(void **state)
{
    struct fixture_mem *t = *state;
    char script[512];

    snprintf(script, sizeof(script), "%scall FFA_ID_GET\nreply FFA_SUCCESS_32\nrx 0 0xfff 0000\n",
             own_map);
    load(t, script);
    map_own(t);
    call_mock(t, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "cannot write RX of the hypervisor, 2 bytes at 0xfff"));
}

static void test_unmap_forgets_the_buffer(void **state)
{
    struct fixture_mem *t = *state;
    char script[1024];

    snprintf(script, sizeof(script),
             "%s%scall FFA_RXTX_UNMAP x1=0x10000\nreply FFA_SUCCESS_32\n"
             "call FFA_ID_GET\nreply FFA_SUCCESS_32\nrx 0x1 0 00\n",
             own_map, vm_map);
    load(t, script);
    map_own(t);
    map_vm(t);
    call_mock(t, th_regs(FFA_RXTX_UNMAP, 0x10000, 0, 0, 0, 0, 0, 0));
    call_mock(t, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "no buffer mapped for RX of VM 0x0001"));
}

static void test_failed_map_maps_nothing(void **state)
{
    struct fixture_mem *t = *state;

    load(t, "call FFA_RXTX_MAP_64 x1=any x2=any x3=1\nreply FFA_ERROR x2=DENIED\n"
            "call FFA_ID_GET\nreply FFA_SUCCESS_32\nrx 0 0 00\n");
    call_mock(t, th_regs(FFA_RXTX_MAP_64, OWN_TX, OWN_RX, 1, 0, 0, 0, 0));
    call_mock(t, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_non_null(strstr(t->c.msg, "no buffer mapped for RX of the hypervisor"));
}

static void assert_script_error(struct fixture_mem *t, const char *text, const char *expected)
{
    char err[256] = "";

    assert_int_equal(ffa_mock_load_string(t->mock, text, "s.ffa", err, sizeof(err)), -1);
    assert_string_equal(err, expected);
    assert_int_equal(ffa_mock_pending(t->mock), 0);
}

static void test_memory_line_syntax_errors(void **state)
{
    struct fixture_mem *t = *state;

    assert_script_error(t, "rx 0 0 00\n", "s.ffa:1: rx belongs after a reply");
    assert_script_error(t, "call FFA_ID_GET\nrx 0 0 00\n", "s.ffa:2: rx belongs after a reply");
    assert_script_error(t, "call FFA_ID_GET\nreply FFA_SUCCESS_32\ntx 0 0 00\n",
                        "s.ffa:3: tx belongs between a call and its reply");
    assert_script_error(t, "call FFA_ID_GET\ntx 0 0\n",
                        "s.ffa:2: tx takes <endpoint> <offset> <hex bytes>");
    assert_script_error(t, "call FFA_ID_GET\ntx 0 0 0\n",
                        "s.ffa:2: hex bytes come in pairs of digits: 0");
    assert_script_error(t, "call FFA_ID_GET\ntx 0x10000 0 00\n",
                        "s.ffa:2: the endpoint is a 16-bit number: 0x10000");
    assert_script_error(t, "call FFA_ID_GET\ntx FFA_RUN 0 00\n",
                        "s.ffa:2: the endpoint is a 16-bit number: FFA_RUN");
    assert_script_error(t, "call FFA_ID_GET\ntx 0 0x100000000 00\n",
                        "s.ffa:2: the offset is a 32-bit number: 0x100000000");
    assert_script_error(t, "call FFA_ID_GET\ntx 0 0 zz\n",
                        "s.ffa:2: bad hex byte (?? for any): zz");
    assert_script_error(t, "call FFA_ID_GET\nreply FFA_SUCCESS_32\nrx 0 0 ??\n",
                        "s.ffa:3: bad hex byte: ??");
}

/* ---- Recording ---- */

struct writes {
    struct fake_mem *mem;
    const uint8_t *bytes;
    size_t len;
    uint64_t pa;
};

/* A "real" secure world's memory effect: write `len` bytes at `pa`. */
static void write_effect(void *ctx, const struct ffa_regs *call)
{
    const struct writes *w = ctx;

    (void)call;
    memcpy(at(w->mem, w->pa), w->bytes, w->len);
}

static void start_recording(struct fixture_mem *t)
{
    struct ffa_backend real_be = ffa_mock_backend(t->real);

    t->rec = ffa_recorder_create(&real_be, t->out);
    assert_non_null(t->rec);
    ffa_recorder_set_memory(t->rec, fake_memory, &t->real_mem);
}

static const char *recording(struct fixture_mem *t)
{
    assert_int_equal(fflush(t->out), 0);
    return t->text;
}

/* The "real" side maps the hypervisor's pair and VM 1's; the recorder follows. */
static void record_maps(struct fixture_mem *t, struct ffa_backend *be)
{
    th_expect(t->real, 0, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    th_expect(t->real, 0, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    call_be(be, th_regs(FFA_RXTX_MAP_64, OWN_TX, OWN_RX, 1, 0, 0, 0, 0));
    rxtx_descriptor(at(&t->real_mem, OWN_TX), 1, VM_TX, VM_RX);
    call_be(be, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0));
}

static void test_recorder_keeps_addresses_without_comparing_them(void **state)
{
    struct fixture_mem *t = *state;
    struct ffa_backend be;

    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    assert_non_null(strstr(recording(t), "call FFA_RXTX_MAP_64 x1~0x40000000 x2~0x40001000 x3=0x1 "
                                         "x*=0 cpu=0\n"
                                         "reply FFA_SUCCESS_32\n"));
}

static void test_recorder_writes_the_forwarded_descriptor_with_addresses_masked(void **state)
{
    struct fixture_mem *t = *state;
    struct ffa_backend be;

    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    assert_non_null(strstr(recording(t), "call FFA_RXTX_MAP_64 x*=0 cpu=0\n"
                                         "tx 0x0000 0x0 0100000010000000300000000000000001000000"
                                         "010000000000000000000000\n"
                                         "tx 0x0000 0x20 ????????????????010000000000000001000000"
                                         "010000000000000000000000\n"
                                         "tx 0x0000 0x40 ????????????????0100000000000000\n"
                                         "reply FFA_SUCCESS_32\n"));
}

static void test_recorder_writes_what_the_reply_put_in_rx(void **state)
{
    struct fixture_mem *t = *state;
    struct writes w = {&t->real_mem, partition, sizeof(partition), OWN_RX};
    struct ffa_mock_step s = {
        .call = th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0),
        .reply = th_regs(FFA_SUCCESS_32, 0, 1, 24, 0, 0, 0, 0),
        .effect = write_effect,
        .effect_ctx = &w,
    };
    struct ffa_backend be;

    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    assert_int_equal(ffa_mock_expect(t->real, &s), 0);
    call_be(&be, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_non_null(strstr(recording(t), "call FFA_PARTITION_INFO_GET x*=0 cpu=0\n"
                                         "reply FFA_SUCCESS_32 x2=0x1 x3=0x18\n"
                                         "rx 0x0000 0x0 " PARTITION_HEX "\n"));
}

static void test_recorder_writes_what_send2_read_from_the_vm_tx(void **state)
{
    struct fixture_mem *t = *state;
    struct ffa_backend be;

    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    th_expect(t->real, 0, th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    vm_message(at(&t->real_mem, VM_TX), 'i');
    call_be(&be, th_regs(FFA_MSG_SEND2, 0x10000, 0, 0, 0, 0, 0, 0));
    assert_non_null(strstr(recording(t), "call FFA_MSG_SEND2 x1=0x10000 x*=0 cpu=0\n"
                                         "tx 0x0001 0x0 000000000000000014000000018001000200000"
                                         "06869\n"
                                         "reply FFA_SUCCESS_32\n"));
}

/* A memory transaction the mediator forwards: its constituents' addresses are masked. */
static void test_recorder_masks_the_addresses_of_a_shared_region(void **state)
{
    struct fixture_mem *t = *state;
    uint8_t *d = at(&t->real_mem, OWN_TX);
    struct ffa_backend be;

    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    /* v1.1+ header, one 32-byte EMAD for SP 0x8001, composite at 80, one range of 2 pages. */
    memset(d, 0, 112);
    put(d, 1, 2);
    put(d + 2, 0x2f, 2);
    put(d + 24, 32, 4);
    put(d + 28, 1, 4);
    put(d + 32, 48, 4);
    put(d + 48, 0x8001, 2);
    d[50] = 0x6;
    put(d + 52, 80, 4);
    put(d + 80, 2, 4);
    put(d + 84, 1, 4);
    put(d + 96, 0x1234000, 8);
    put(d + 104, 2, 4);
    th_expect(t->real, 0, th_regs(FFA_MEM_SHARE_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 5, 0, 0, 0, 0, 0));
    call_be(&be, th_regs(FFA_MEM_SHARE_64, 112, 112, 0, 0, 0, 0, 0));
    /* Bytes 96..103 (the address) are ??; the page count after them is kept. */
    assert_non_null(strstr(recording(t), "\ntx 0x0000 0x60 ????????????????0200000000000000\n"
                                         "reply FFA_SUCCESS_32 x2=0x5\n"));
}

static void test_recorder_masks_the_addresses_of_a_later_fragment(void **state)
{
    struct fixture_mem *t = *state;
    uint8_t *d = at(&t->real_mem, OWN_TX);
    struct ffa_backend be;

    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    memset(d, 0, 32);
    put(d, 0x5000, 8);
    put(d + 8, 1, 4);
    put(d + 16, 0x9000, 8);
    put(d + 24, 3, 4);
    th_expect(t->real, 0, th_regs(FFA_MEM_FRAG_TX, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MEM_FRAG_RX, 5, 0, 32, 0, 0, 0, 0));
    call_be(&be, th_regs(FFA_MEM_FRAG_TX, 5, 0, 32, 0x10000, 0, 0, 0));
    assert_non_null(strstr(recording(t), "\ntx 0x0000 0x0 ????????????????0100000000000000"
                                         "????????????????0300000000000000\n"));
}

/* Changed runs closer than 8 unchanged bytes are one line; lines hold at most 32 bytes. */
static void test_recorder_joins_close_changes_and_splits_long_ones(void **state)
{
    struct fixture_mem *t = *state;
    uint8_t bytes[300] = {0};
    struct writes w = {&t->real_mem, bytes, sizeof(bytes), VM_RX};
    struct ffa_mock_step s = {
        .call = th_regs(FFA_RUN, 0, 0, 0, 0, 0, 0, 0),
        .reply = th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0),
        .effect = write_effect,
        .effect_ctx = &w,
    };
    struct ffa_backend be;

    bytes[0] = 1;
    bytes[2] = 2; /* one unchanged byte between: joined */
    bytes[100] = 3;
    memset(bytes + 200, 0xee, 40); /* 40 bytes: 32 + 8 */
    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    assert_int_equal(ffa_mock_expect(t->real, &s), 0);
    call_be(&be, th_regs(FFA_RUN, 0x80010000, 0, 0, 0, 0, 0, 0));
    assert_non_null(strstr(recording(t),
                           "reply FFA_MSG_WAIT\n"
                           "rx 0x0001 0x0 010002\n"
                           "rx 0x0001 0x64 03\n"
                           "rx 0x0001 0xc8 eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
                           "eeeeeeeeeeeeeeeeee\n"
                           "rx 0x0001 0xe8 eeeeeeeeeeeeeeee\n"));
}

/* What was recorded replays: the same calls get the same replies and the same RX bytes. */
static void test_recording_with_memory_replays(void **state)
{
    struct fixture_mem *t = *state;
    struct writes w = {&t->real_mem, partition, sizeof(partition), OWN_RX};
    struct ffa_mock_step s = {
        .call = th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0),
        .reply = th_regs(FFA_SUCCESS_32, 0, 1, 24, 0, 0, 0, 0),
        .effect = write_effect,
        .effect_ctx = &w,
    };
    struct ffa_backend be;
    struct ffa_regs r;

    start_recording(t);
    be = ffa_recorder_backend(t->rec);
    record_maps(t, &be);
    assert_int_equal(ffa_mock_expect(t->real, &s), 0);
    call_be(&be, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mock_verify(t->real), 0);

    load(t, recording(t));
    /* The replay's buffers sit elsewhere: the addresses are not part of what is compared. */
    r = call_mock(t, th_regs(FFA_RXTX_MAP_64, OWN_TX, OWN_RX, 1, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    rxtx_descriptor(at(&t->mem, OWN_TX), 1, VM_TX + 0x1000, VM_RX - 0x1000);
    call_mock(t, th_regs(FFA_RXTX_MAP_64, 0, 0, 0, 0, 0, 0, 0));
    r = call_mock(t, th_regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[2], 1);
    assert_memory_equal(at(&t->mem, OWN_RX), partition, sizeof(partition));
    assert_int_equal(t->c.count, 0);
    assert_int_equal(ffa_mock_verify(t->mock), 0);
}

static void test_seen_value_is_kept_and_not_compared(void **state)
{
    struct fixture_mem *t = *state;
    const struct ffa_mock_step *s;

    load(t, "call FFA_RXTX_MAP_64 x1~0x1000 x2~0x2000 x3=1 x*=0\nreply FFA_SUCCESS_32\n");
    s = ffa_mock_step_at(t->mock, 0);
    assert_int_equal(s->call.x[1], 0x1000);
    assert_int_equal(s->match & (FFA_MOCK_X(1) | FFA_MOCK_X(2)), 0);
    assert_int_equal(s->match & FFA_MOCK_X(4), FFA_MOCK_X(4)); /* x*=0 leaves x1, x2 alone */
    call_mock(t, th_regs(FFA_RXTX_MAP_64, OWN_TX, OWN_RX, 1, 0, 0, 0, 0));
    assert_int_equal(t->c.count, 0);
    assert_script_error(t, "call FFA_ID_GET x*~0\n", "s.ffa:1: expected xN=value: x*~0");
    assert_script_error(t, "call FFA_ID_GET\nreply FFA_SUCCESS_32 x2~1\n",
                        "s.ffa:2: expected xN=value: x2~1");
}

static void test_step_at_shows_loaded_memory_lines(void **state)
{
    struct fixture_mem *t = *state;
    const struct ffa_mock_step *s;

    load(t, "call FFA_ID_GET\ntx 0x1 4 aa??\nreply FFA_SUCCESS_32\nrx 0 8 bbcc\n");
    s = ffa_mock_step_at(t->mock, 0);
    assert_non_null(s);
    assert_null(ffa_mock_step_at(t->mock, 1));
    assert_int_equal(s->line, 1);
    assert_int_equal(s->mem_count, 2);
    assert_int_equal(s->mem[0].dir, FFA_MOCK_MEM_TX);
    assert_int_equal(s->mem[0].endpoint, 1);
    assert_int_equal(s->mem[0].offset, 4);
    assert_int_equal(s->mem[0].len, 2);
    assert_int_equal(s->mem[0].bytes[0], 0xaa);
    assert_non_null(s->mem[0].mask);
    assert_int_equal(s->mem[0].mask[0], 1);
    assert_int_equal(s->mem[0].mask[1], 0);
    assert_int_equal(s->mem[1].dir, FFA_MOCK_MEM_RX);
    assert_int_equal(s->mem[1].offset, 8);
    assert_null(s->mem[1].mask);
    assert_int_equal(s->mem[1].bytes[1], 0xcc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_rx_line_fills_the_hypervisor_rx_buffer),
        T(test_forwarded_map_teaches_the_mock_a_vm_buffer),
        T(test_tx_line_matching_the_buffer_passes),
        T(test_tx_mismatch_fails_showing_both),
        T(test_masked_tx_bytes_are_not_compared),
        T(test_memory_lines_need_a_memory_callback),
        T(test_rx_for_an_unmapped_buffer_fails),
        T(test_rx_past_the_buffer_fails),
        T(test_unmap_forgets_the_buffer),
        T(test_failed_map_maps_nothing),
        T(test_memory_line_syntax_errors),
        T(test_recorder_keeps_addresses_without_comparing_them),
        T(test_recorder_writes_the_forwarded_descriptor_with_addresses_masked),
        T(test_recorder_writes_what_the_reply_put_in_rx),
        T(test_recorder_writes_what_send2_read_from_the_vm_tx),
        T(test_recorder_masks_the_addresses_of_a_shared_region),
        T(test_recorder_masks_the_addresses_of_a_later_fragment),
        T(test_recorder_joins_close_changes_and_splits_long_ones),
        T(test_recording_with_memory_replays),
        T(test_seen_value_is_kept_and_not_compared),
        T(test_step_at_shows_loaded_memory_lines),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
