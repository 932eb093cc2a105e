/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The readable one-line decodings (include/ffa/format.h): the exact text of every ABI of the
 * function table, version differences, replies decoded with their call, unknown IDs, the
 * descriptors of RX/TX buffers, and snprintf-like truncation at every length.
 *
 * Each case of the tables below is its own cmocka test, named by the text it expects.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/format.h"
#include "ffa/names.h"

/* b4b5671e-4a90-4fe1-b81f-fb13dae1dacb: as w1..w4, as x lo/hi, and as bytes. */
#define UUID_W1  0x1e67b5b4u
#define UUID_W2  0xe14f904au
#define UUID_W3  0x13fb1fb8u
#define UUID_W4  0xcbdae1dau
#define UUID_LO  UINT64_C(0xe14f904a1e67b5b4)
#define UUID_HI  UINT64_C(0xcbdae1da13fb1fb8)
#define UUID_TXT "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb"
static const uint8_t uuid_bytes[16] = {0xb4, 0xb5, 0x67, 0x1e, 0x4a, 0x90, 0x4f, 0xe1,
                                       0xb8, 0x1f, 0xfb, 0x13, 0xda, 0xe1, 0xda, 0xcb};

struct regs_case {
    const char *expected;
    enum ffa_format_kind kind;
    uint32_t version; /* 0: the newest */
    struct ffa_regs r;
    struct ffa_regs call; /* for a reply: the call it answers (x0 == 0: none) */
};

#define CALL(text, ...)                                                                            \
    {                                                                                              \
        text, FFA_FORMAT_CALL, 0, {{__VA_ARGS__}},                                                 \
        {                                                                                          \
            {                                                                                      \
                0                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }
#define CALL_V(text, v, ...)                                                                       \
    {                                                                                              \
        text, FFA_FORMAT_CALL, v, {{__VA_ARGS__}},                                                 \
        {                                                                                          \
            {                                                                                      \
                0                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }
#define REPLY(text, call, ...)                                                                     \
    {                                                                                              \
        text, FFA_FORMAT_REPLY, 0, {{__VA_ARGS__}}, call                                           \
    }
#define REPLY_V(text, v, c, ...)                                                                   \
    {                                                                                              \
        text, FFA_FORMAT_REPLY, v, {{__VA_ARGS__}}, c                                              \
    }
#define ASKED(...)                                                                                 \
    {                                                                                              \
        {                                                                                          \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }
#define NO_CALL                                                                                    \
    {                                                                                              \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

static const struct regs_case cases[] = {
    /* ---- Status ---- */
    CALL("FFA_ERROR(INVALID_PARAMETERS)", FFA_ERROR, 0, 0xfffffffe),
    CALL("FFA_ERROR(ABORTED, SP 0x8001 vCPU 0)", FFA_ERROR, 0x80010000, 0xfffffff8),
    CALL("FFA_ERROR(-10)", FFA_ERROR, 0, 0xfffffff6),
    CALL("FFA_SUCCESS_32(w2=0x8000)", FFA_SUCCESS_32, 0, 0x8000),
    CALL("FFA_SUCCESS_64(x2=0x5, x8=0x9)", FFA_SUCCESS_64, 0, 5, 0, 0, 0, 0, 0, 9),
    CALL_V("FFA_SUCCESS_64(x2=0x5)", FFA_VERSION_1_1, FFA_SUCCESS_64, 0, 5, 0, 0, 0, 0, 0, 9),
    CALL("FFA_INTERRUPT(SP 0x8002 vCPU 1)", FFA_INTERRUPT, 0x80020001),
    CALL("FFA_INTERRUPT(INTID 5)", FFA_INTERRUPT, 0, 5),

    /* ---- Setup and discovery ---- */
    CALL("FFA_VERSION(1.1)", FFA_VERSION, 0x10001),
    CALL("FFA_VERSION(0x80010002)", FFA_VERSION, 0x80010002),
    CALL("FFA_VERSION+SVE-hint(1.2)", FFA_VERSION | FFA_SMCCC_SVE_HINT, 0x10002),
    CALL("FFA_FEATURES(FFA_MSG_SEND_DIRECT_REQ2)", FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ2),
    CALL("FFA_FEATURES(feature MEI)", FFA_FEATURES, FFA_FEATURE_MEI),
    CALL("FFA_FEATURES(feature 0x4)", FFA_FEATURES, 4),
    CALL("FFA_FEATURES(FFA_MEM_RETRIEVE_REQ_64, NS bit)", FFA_FEATURES, FFA_MEM_RETRIEVE_REQ_64, 2),
    CALL("FFA_FEATURES(0x84000099)", FFA_FEATURES, 0x84000099),
    CALL("FFA_RX_RELEASE", FFA_RX_RELEASE),
    CALL("FFA_RX_RELEASE(VM 0x0001)", FFA_RX_RELEASE, 1),
    CALL("FFA_RXTX_MAP_32(TX 0x80000000, RX 0x80001000, 2 pages)", FFA_RXTX_MAP_32, 0x80000000,
         0x80001000, 2),
    CALL("FFA_RXTX_MAP_64(TX 0x880000000, RX 0x880010000, 1 page)", FFA_RXTX_MAP_64, 0x880000000,
         0x880010000, 1),
    CALL("FFA_RXTX_MAP_64(descriptor in TX)", FFA_RXTX_MAP_64),
    CALL_V("FFA_RXTX_MAP_64(TX 0x1000, RX 0x2000, 1 page)", FFA_VERSION_1_0, FFA_RXTX_MAP_64,
           0x1000, 0x2000, 0x41),
    CALL("FFA_RXTX_UNMAP", FFA_RXTX_UNMAP),
    CALL("FFA_RXTX_UNMAP(VM 0x0001)", FFA_RXTX_UNMAP, 0x10000),
    CALL("FFA_PARTITION_INFO_GET(UUID nil)", FFA_PARTITION_INFO_GET),
    CALL("FFA_PARTITION_INFO_GET(UUID " UUID_TXT ", count only)", FFA_PARTITION_INFO_GET, UUID_W1,
         UUID_W2, UUID_W3, UUID_W4, 1),
    CALL_V("FFA_PARTITION_INFO_GET(UUID nil, w5=0x1)", FFA_VERSION_1_0, FFA_PARTITION_INFO_GET, 0,
           0, 0, 0, 1),
    CALL("FFA_PARTITION_INFO_GET_REGS(UUID " UUID_TXT ", start 2, tag 0x1)",
         FFA_PARTITION_INFO_GET_REGS, UUID_LO, UUID_HI, 0x10002),
    CALL("FFA_PARTITION_INFO_GET_REGS(UUID nil, start 0)", FFA_PARTITION_INFO_GET_REGS),
    CALL("FFA_ID_GET", FFA_ID_GET),
    CALL("FFA_SPM_ID_GET", FFA_SPM_ID_GET),
    CALL("FFA_SECONDARY_EP_REGISTER_32(entry 0x6000)", FFA_SECONDARY_EP_REGISTER_32, 0x6000),
    CALL("FFA_SECONDARY_EP_REGISTER_64(entry 0x80006000)", FFA_SECONDARY_EP_REGISTER_64,
         0x80006000),
    CALL("FFA_CONSOLE_LOG_32(5 chars \"hello\")", FFA_CONSOLE_LOG_32, 5, 0x6c6c6568, 0x6f),
    CALL("FFA_CONSOLE_LOG_64(12 chars \"hello world\\x0a\")", FFA_CONSOLE_LOG_64, 12,
         0x6f77206f6c6c6568, 0x0a646c72),
    CALL("FFA_CONSOLE_LOG_32(2 chars \"\\\"\\\\\")", FFA_CONSOLE_LOG_32, 2, 0x5c22),

    /* ---- CPU cycle management ---- */
    CALL("FFA_MSG_WAIT", FFA_MSG_WAIT),
    CALL("FFA_MSG_WAIT(retain RX)", FFA_MSG_WAIT, 0, 1),
    CALL_V("FFA_MSG_WAIT(w2=0x1)", FFA_VERSION_1_1, FFA_MSG_WAIT, 0, 1),
    REPLY("FFA_MSG_WAIT(SP 0x8005 vCPU 0)", NO_CALL, FFA_MSG_WAIT, 0x80050000),
    CALL("FFA_YIELD(SP 0x8002 vCPU 0, timeout 1000000 ns)", FFA_YIELD, 0x80020000, 1000000),
    CALL("FFA_YIELD(timeout 4294967296 ns)", FFA_YIELD, 0, 0, 1),
    CALL_V("FFA_YIELD(SP 0x8002 vCPU 0, w2=0x5)", FFA_VERSION_1_1, FFA_YIELD, 0x80020000, 5),
    CALL("FFA_RUN(SP 0x8001 vCPU 3)", FFA_RUN, 0x80010003),
    CALL("FFA_NORMAL_WORLD_RESUME", FFA_NORMAL_WORLD_RESUME),
    CALL("FFA_EL3_INTR_HANDLE", FFA_EL3_INTR_HANDLE),

    /* ---- Messaging ---- */
    CALL("FFA_MSG_POLL", FFA_MSG_POLL),
    CALL("FFA_MSG_SEND(VM 0x0001 -> SP 0x8001, 64 bytes)", FFA_MSG_SEND, 0x18001, 0, 64),
    CALL("FFA_MSG_SEND_DIRECT_REQ_32(VM 0x0001 -> SP 0x8001, [0x1 0x2 0x3 0x4 0x5])",
         FFA_MSG_SEND_DIRECT_REQ_32, 0x18001, 0, 1, 2, 3, 4, 5),
    CALL("FFA_MSG_SEND_DIRECT_REQ_32(hyp 0x0000 -> SP 0x8001, framework VM created, "
         "[0x1 0x0 0x2])",
         FFA_MSG_SEND_DIRECT_REQ_32, 0x8001, 0x80000004, 1, 0, 2),
    CALL("FFA_MSG_SEND_DIRECT_REQ_32(VM 0x0001 -> SP 0x8001, [0x7])", FFA_MSG_SEND_DIRECT_REQ_32,
         0x18001, 0, 0x100000007),
    CALL("FFA_MSG_SEND_DIRECT_REQ_32(VM 0x0001 -> SP 0x8001)", FFA_MSG_SEND_DIRECT_REQ_32, 0x18001),
    CALL("FFA_MSG_SEND_DIRECT_REQ_32(VM 0x0001 -> SP 0x8001, [0x1], w2=0x5)",
         FFA_MSG_SEND_DIRECT_REQ_32, 0x18001, 5, 1),
    CALL("FFA_MSG_SEND_DIRECT_REQ_64(VM 0x0001 -> SP 0x8001, [0x10000000000])",
         FFA_MSG_SEND_DIRECT_REQ_64, 0x18001, 0, UINT64_C(1) << 40),
    CALL("FFA_MSG_SEND_DIRECT_RESP_32(SP 0x8001 -> VM 0x0001, [0x2a])", FFA_MSG_SEND_DIRECT_RESP_32,
         0x80010001, 0, 0x2a),
    CALL("FFA_MSG_SEND_DIRECT_RESP_64(SP 0x8001 -> VM 0x0001, [0x0 0x0 0x0 0x0 "
         "0xffffffffffffffff])",
         FFA_MSG_SEND_DIRECT_RESP_64, 0x80010001, 0, 0, 0, 0, 0, UINT64_MAX),
    CALL("FFA_MSG_SEND_DIRECT_REQ2(VM 0x0001 -> SP 0x8001, UUID " UUID_TXT ", [0x11 0x22])",
         FFA_MSG_SEND_DIRECT_REQ2, 0x18001, UUID_LO, UUID_HI, 0x11, 0x22),
    CALL("FFA_MSG_SEND_DIRECT_REQ2(VM 0x0001 -> SP 0x8001, UUID nil, "
         "[0x1 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x2])",
         FFA_MSG_SEND_DIRECT_REQ2, 0x18001, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2),
    CALL("FFA_MSG_SEND_DIRECT_RESP2(SP 0x8001 -> VM 0x0001, [0x11])", FFA_MSG_SEND_DIRECT_RESP2,
         0x80010001, 0, 0, 0x11),
    CALL("FFA_MSG_SEND2(from VM 0x0001)", FFA_MSG_SEND2, 0x10000),
    CALL("FFA_MSG_SEND2(delay SRI)", FFA_MSG_SEND2, 0, 2),

    /* ---- Memory management ---- */
    CALL("FFA_MEM_DONATE_32(48 bytes)", FFA_MEM_DONATE_32, 48, 48),
    CALL("FFA_MEM_DONATE_64(80 bytes, buffer 0x40000000, 1 page)", FFA_MEM_DONATE_64, 80, 80,
         0x40000000, 1),
    CALL("FFA_MEM_LEND_32(fragment 2048 of 4096 bytes)", FFA_MEM_LEND_32, 4096, 2048),
    CALL("FFA_MEM_LEND_64(96 bytes)", FFA_MEM_LEND_64, 96, 96),
    CALL("FFA_MEM_SHARE_32(112 bytes)", FFA_MEM_SHARE_32, 112, 112),
    CALL("FFA_MEM_SHARE_64(112 bytes)", FFA_MEM_SHARE_64, 112, 112),
    CALL("FFA_MEM_RETRIEVE_REQ_32(80 bytes)", FFA_MEM_RETRIEVE_REQ_32, 80, 80),
    CALL("FFA_MEM_RETRIEVE_REQ_64(80 bytes)", FFA_MEM_RETRIEVE_REQ_64, 80, 80),
    CALL("FFA_MEM_RETRIEVE_RESP(144 bytes)", FFA_MEM_RETRIEVE_RESP, 144, 144),
    CALL("FFA_MEM_RELINQUISH", FFA_MEM_RELINQUISH),
    CALL("FFA_MEM_RECLAIM(handle 0x8000000000000001, zero memory)", FFA_MEM_RECLAIM, 1, 0x80000000,
         1),
    CALL("FFA_MEM_OP_PAUSE(handle 0x2)", FFA_MEM_OP_PAUSE, 2),
    CALL("FFA_MEM_OP_RESUME(handle 0x2)", FFA_MEM_OP_RESUME, 2),
    CALL("FFA_MEM_FRAG_RX(handle 0x7, offset 4000, sender VM 0x0001)", FFA_MEM_FRAG_RX, 7, 0, 4000,
         0x10000),
    CALL("FFA_MEM_FRAG_TX(handle 0x7, fragment 96 bytes)", FFA_MEM_FRAG_TX, 7, 0, 96),
    CALL("FFA_MEM_PERM_GET_32(VA 0x7000)", FFA_MEM_PERM_GET_32, 0x7000),
    CALL("FFA_MEM_PERM_GET_64(VA 0x7000)", FFA_MEM_PERM_GET_64, 0x7000),
    CALL("FFA_MEM_PERM_SET_32(VA 0x7000, 1 page, RO)", FFA_MEM_PERM_SET_32, 0x7000, 1, 7),
    CALL("FFA_MEM_PERM_SET_64(VA 0x7000, 2 pages, RW)", FFA_MEM_PERM_SET_64, 0x7000, 2, 5),

    /* ---- Notifications ---- */
    CALL("FFA_NOTIFICATION_BITMAP_CREATE(VM 0x0001, 2 vCPUs)", FFA_NOTIFICATION_BITMAP_CREATE, 1,
         2),
    CALL("FFA_NOTIFICATION_BITMAP_DESTROY(VM 0x0001)", FFA_NOTIFICATION_BITMAP_DESTROY, 1),
    CALL("FFA_NOTIFICATION_BIND(SP 0x8001 -> VM 0x0001, per-vCPU, bitmap 0x8000000000000003)",
         FFA_NOTIFICATION_BIND, 0x80010001, 1, 3, 0x80000000),
    CALL("FFA_NOTIFICATION_UNBIND(SP 0x8001 -> VM 0x0001, bitmap 0x3)", FFA_NOTIFICATION_UNBIND,
         0x80010001, 0, 3),
    CALL("FFA_NOTIFICATION_SET(VM 0x0001 -> SP 0x8001, per-vCPU 2, delay SRI, bitmap 0x10)",
         FFA_NOTIFICATION_SET, 0x18001, (2 << 16) | 3, 0x10),
    CALL("FFA_NOTIFICATION_GET(VM 0x0001 vCPU 1, from SP+VM+SPM+HYP)", FFA_NOTIFICATION_GET,
         0x10001, 0xf),
    CALL("FFA_NOTIFICATION_INFO_GET_32", FFA_NOTIFICATION_INFO_GET_32),
    CALL("FFA_NOTIFICATION_INFO_GET_64", FFA_NOTIFICATION_INFO_GET_64),
    CALL("FFA_RX_ACQUIRE(VM 0x0001)", FFA_RX_ACQUIRE, 1),

    /* ---- Not FF-A functions ---- */
    CALL("0x84000099(x1=0x1, x3=0x5)", 0x84000099, 1, 0, 5),
    CALL("0x12345678", 0x12345678),
    CALL("0x184000063(x17=0x1)", UINT64_C(0x184000063), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 1),

    /* ---- Replies, decoded with their call ---- */
    REPLY("version 1.2", ASKED(FFA_VERSION, FFA_VERSION_1_2), FFA_VERSION_1_2),
    REPLY("NOT_SUPPORTED", ASKED(FFA_VERSION, 0x20000), 0xffffffff),
    REPLY("version 1.1", NO_CALL, 0x10001),
    REPLY("FFA_SUCCESS_32(min buffer 4K, max 16 pages)", ASKED(FFA_FEATURES, FFA_RXTX_MAP_64),
          FFA_SUCCESS_32, 0, 0x100000),
    REPLY_V("FFA_SUCCESS_32(min buffer 64K, properties 0x100000)", FFA_VERSION_1_1,
            ASKED(FFA_FEATURES, FFA_RXTX_MAP_64), FFA_SUCCESS_32, 0, 0x100001),
    REPLY("FFA_SUCCESS_32(INTID 8)", ASKED(FFA_FEATURES, FFA_FEATURE_SRI), FFA_SUCCESS_32, 0, 8),
    REPLY("FFA_SUCCESS_32(dynamic buffers, NS bit, hypervisor retrieve)",
          ASKED(FFA_FEATURES, FFA_MEM_RETRIEVE_REQ_32), FFA_SUCCESS_32, 0, 7),
    REPLY("FFA_SUCCESS_32", ASKED(FFA_FEATURES, FFA_RUN), FFA_SUCCESS_32),
    REPLY("FFA_ERROR(NOT_SUPPORTED)", ASKED(FFA_FEATURES, FFA_MEM_SHARE_64), FFA_ERROR, 0,
          0xffffffff),
    REPLY("FFA_SUCCESS_32(3 partitions, 24 bytes each)", ASKED(FFA_PARTITION_INFO_GET),
          FFA_SUCCESS_32, 0, 3, 24),
    REPLY("FFA_SUCCESS_32(count 3)", ASKED(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1), FFA_SUCCESS_32,
          0, 3),
    REPLY_V("FFA_SUCCESS_32(1 partition)", FFA_VERSION_1_0, ASKED(FFA_PARTITION_INFO_GET),
            FFA_SUCCESS_32, 0, 1),
    REPLY("FFA_SUCCESS_64(indices 0..1 of 0..1, tag 0x1, 24 bytes each, [SP 0x8001 1 vCPU "
          "UUID " UUID_TXT
          " direct-req-recv|aarch64|direct-req2-recv], [SP 0x8002 2 vCPUs UUID nil "
          "direct-req-recv|direct-req-send])",
          ASKED(FFA_PARTITION_INFO_GET_REGS), FFA_SUCCESS_64, 0,
          (UINT64_C(24) << 48) | (UINT64_C(1) << 32) | (1u << 16) | 1u,
          UINT64_C(0x0000030100018001), UUID_LO, UUID_HI, UINT64_C(0x0000000300028002)),
    REPLY("FFA_SUCCESS_32(VM 0x0001)", ASKED(FFA_ID_GET), FFA_SUCCESS_32, 0, 1),
    REPLY("FFA_SUCCESS_32(SPMC 0x8000)", ASKED(FFA_SPM_ID_GET), FFA_SUCCESS_32, 0, 0x8000),
    REPLY("FFA_SUCCESS_32(handle 0x8000000000000001)", ASKED(FFA_MEM_SHARE_64, 112, 112),
          FFA_SUCCESS_32, 0, 1, 0x80000000),
    REPLY("FFA_SUCCESS_32(RX)", ASKED(FFA_MEM_PERM_GET_32, 0x7000), FFA_SUCCESS_32, 0, 3),
    REPLY("FFA_SUCCESS_32(SP 0x1, VM 0x100000000, HYP 0x1)", ASKED(FFA_NOTIFICATION_GET, 1, 0xf),
          FFA_SUCCESS_32, 0, 1, 0, 0, 1, 0, 1),
    REPLY("FFA_SUCCESS_32(none pending)", ASKED(FFA_NOTIFICATION_GET, 1, 0xf), FFA_SUCCESS_32),
    REPLY("FFA_SUCCESS_64(SP 0x8001 vCPUs 0 1, VM 0x0001, more pending)",
          ASKED(FFA_NOTIFICATION_INFO_GET_64), FFA_SUCCESS_64, 0, (2u << 7) | (2u << 12) | 1u,
          UINT64_C(0x0001000100008001)),
    REPLY("FFA_SUCCESS_32(VM 0x0002 vCPU 3)", ASKED(FFA_NOTIFICATION_INFO_GET_32), FFA_SUCCESS_32,
          0, (1u << 7) | (1u << 12), 0x00030002),
    REPLY("FFA_SUCCESS_32(w2=0x5)", NO_CALL, FFA_SUCCESS_32, 0, 5),
    REPLY("FFA_MSG_SEND_DIRECT_RESP_32(SP 0x8001 -> VM 0x0001, [0x2b])",
          ASKED(FFA_MSG_SEND_DIRECT_REQ_32, 0x18001, 0, 0x2a), FFA_MSG_SEND_DIRECT_RESP_32,
          0x80010001, 0, 0x2b),
};

#define NUM_CASES (sizeof(cases) / sizeof(cases[0]))

static void format_case(const struct regs_case *c, char *buf, size_t len, size_t *n)
{
    const struct ffa_regs *call = c->call.x[0] != 0 ? &c->call : NULL;

    *n = ffa_format_regs(buf, len, &c->r, c->kind, c->version, call);
}

static void test_regs_case(void **state)
{
    const struct regs_case *c = *state;
    char buf[1024];
    size_t n;

    format_case(c, buf, sizeof(buf), &n);
    assert_string_equal(buf, c->expected);
    assert_int_equal(n, strlen(c->expected));
}

/* Every function of the function table has a call decoding above with its exact text. */
static void test_every_abi_of_the_function_table_has_a_tested_call_decoding(void **state)
{
    uint32_t fid;
    const char *name;

    (void)state;
    for (size_t i = 0; (name = ffa_func_table_entry(i, &fid)) != NULL; i++) {
        bool found = false;

        for (size_t k = 0; k < NUM_CASES && !found; k++) {
            found = cases[k].kind == FFA_FORMAT_CALL && cases[k].r.x[0] == fid &&
                    strncmp(cases[k].expected, ffa_func_name(fid), strlen(ffa_func_name(fid))) == 0;
        }
        if (!found)
            fail_msg("no call case decodes %s (0x%x)", name, fid);
    }
}

/* ---- Truncation ---- */

/*
 * Format `full` (whose whole text is `want`) into every buffer length from 0 to the text's length
 * plus two: the return value is always the whole length, the buffer holds the longest prefix that
 * fits with its NUL, and nothing past `len` is touched.
 */
typedef size_t (*format_into)(char *buf, size_t len, const void *arg);

static void check_truncation(format_into fn, const void *arg, const char *want)
{
    size_t full = strlen(want);
    char buf[1024];

    assert_true(full + 16 <= sizeof(buf));
    assert_int_equal(fn(NULL, 0, arg), full);
    for (size_t len = 0; len <= full + 2; len++) {
        size_t kept = len == 0 ? 0 : (len - 1 < full ? len - 1 : full);

        memset(buf, '#', sizeof(buf));
        assert_int_equal(fn(buf, len, arg), full);
        if (len > 0) {
            assert_memory_equal(buf, want, kept);
            assert_int_equal(buf[kept], '\0');
        }
        for (size_t i = len; i < sizeof(buf); i++) {
            if (buf[i] != '#')
                fail_msg("\"%s\" at length %zu: byte %zu written", want, len, i);
        }
    }
}

static size_t format_regs_case(char *buf, size_t len, const void *arg)
{
    size_t n;

    format_case(arg, buf, len, &n);
    return n;
}

static void test_truncation_of_every_case_at_every_length(void **state)
{
    (void)state;
    for (size_t i = 0; i < NUM_CASES; i++)
        check_truncation(format_regs_case, &cases[i], cases[i].expected);
}

/* ---- Descriptors in buffers ---- */

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

struct mem_case {
    const char *expected;
    size_t (*fn)(const struct mem_case *c, char *buf, size_t len);
    uint8_t bytes[160];
    size_t size;
    uint32_t version;
};

static size_t run_partition_info(const struct mem_case *c, char *buf, size_t len)
{
    return ffa_format_partition_info(buf, len, c->bytes, c->size);
}

static size_t run_msg(const struct mem_case *c, char *buf, size_t len)
{
    return ffa_format_msg(buf, len, c->bytes, c->size);
}

static size_t run_mem_transaction(const struct mem_case *c, char *buf, size_t len)
{
    return ffa_format_mem_transaction(buf, len, c->bytes, c->size, c->version);
}

static size_t run_relinquish(const struct mem_case *c, char *buf, size_t len)
{
    return ffa_format_mem_relinquish(buf, len, c->bytes, c->size);
}

static size_t run_rxtx(const struct mem_case *c, char *buf, size_t len)
{
    return ffa_format_rxtx_descriptor(buf, len, c->bytes, c->size);
}

static size_t run_mem_case(char *buf, size_t len, const void *arg)
{
    const struct mem_case *c = arg;

    return c->fn(c, buf, len);
}

static void check_mem_case(const struct mem_case *c)
{
    char buf[1024];

    assert_int_equal(c->fn(c, buf, sizeof(buf)), strlen(c->expected));
    assert_string_equal(buf, c->expected);
    check_truncation(run_mem_case, c, c->expected);
}

static void partition_desc(struct mem_case *c, uint16_t id, uint16_t ctx, uint32_t props,
                           const uint8_t *uuid, size_t size)
{
    memset(c->bytes, 0, sizeof(c->bytes));
    put(c->bytes, id, 2);
    put(c->bytes + 2, ctx, 2);
    put(c->bytes + 4, props, 4);
    if (uuid != NULL)
        memcpy(c->bytes + 8, uuid, 16);
    c->size = size;
    c->fn = run_partition_info;
}

static void test_partition_info_v1_1_names_uuid_and_properties(void **state)
{
    struct mem_case c = {.expected =
                             "SP 0x8001 1 vCPU UUID " UUID_TXT
                             " direct-req-recv|direct-req-send|indirect-msg|notif-recv|aarch64|"
                             "direct-req2-recv|sepid-independent|0x100000"};

    (void)state;
    partition_desc(&c, 0x8001, 1, 0x30fu | (1u << 4) | (1u << 20), uuid_bytes, 24);
    check_mem_case(&c);
}

static void test_partition_info_v1_0_has_no_uuid(void **state)
{
    struct mem_case c = {.expected = "VM 0x0002 4 vCPUs direct-req-recv|direct-req-send"};

    (void)state;
    partition_desc(&c, 2, 4, 3, NULL, 8);
    check_mem_case(&c);
}

static void test_partition_info_without_properties_or_uuid(void **state)
{
    struct mem_case c = {.expected = "SP 0x8003 1 vCPU UUID nil"};

    (void)state;
    partition_desc(&c, 0x8003, 1, 0, NULL, 24);
    check_mem_case(&c);
}

static void test_partition_info_too_short(void **state)
{
    struct mem_case c = {.expected = "(descriptor of 4 bytes)"};

    (void)state;
    partition_desc(&c, 0x8003, 1, 0, NULL, 4);
    check_mem_case(&c);
}

/* A message header: offset, sender -> receiver, size, payload at offset. */
static void message(struct mem_case *c, uint32_t offset, uint16_t from, uint16_t to,
                    const void *payload, uint32_t size)
{
    memset(c->bytes, 0, sizeof(c->bytes));
    put(c->bytes + 8, offset, 4);
    put(c->bytes + 12, (uint32_t)from << 16 | to, 4);
    put(c->bytes + 16, size, 4);
    if (offset >= 40) {
        for (int i = 0; i < 16; i++)
            c->bytes[24 + i] = (uint8_t)(0xa0 + i);
    }
    if (offset >= 20 && offset + size <= sizeof(c->bytes)) /* not over the header */
        memcpy(c->bytes + offset, payload, size);
    c->size = offset + size;
    c->fn = run_msg;
}

static void test_msg_v1_2_header_with_uuid_and_payload(void **state)
{
    struct mem_case c = {
        .expected = "VM 0x0001 -> SP 0x8005, 11 bytes at 40, UUID "
                    "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf: 01 00 00 00 2a 00 00 00 68 69 21 "
                    "\"....*...hi!\""};

    (void)state;
    message(&c, 40, 1, 0x8005, "\x01\0\0\0\x2a\0\0\0hi!", 11);
    check_mem_case(&c);
}

static void test_msg_v1_1_header(void **state)
{
    struct mem_case c = {.expected = "SP 0x8005 -> VM 0x0001, 3 bytes at 20: 61 62 63 \"abc\""};

    (void)state;
    message(&c, 20, 0x8005, 1, "abc", 3);
    check_mem_case(&c);
}

static void test_msg_long_payload_is_cut(void **state)
{
    struct mem_case c = {
        .expected = "SP 0x8005 -> VM 0x0001, 20 bytes at 20: 61 62 63 64 65 66 67 68 69 6a "
                    "6b 6c 6d 6e 6f 70 ... \"abcdefghijklmnopqrst\""};

    (void)state;
    message(&c, 20, 0x8005, 1, "abcdefghijklmnopqrst", 20);
    check_mem_case(&c);
}

static void test_msg_payload_offset_inside_the_header(void **state)
{
    struct mem_case c = {.expected = "VM 0x0001 -> SP 0x8005, 3 bytes at 10 (payload offset inside "
                                     "the header)"};

    (void)state;
    message(&c, 10, 1, 0x8005, "abc", 3);
    c.size = 40;
    check_mem_case(&c);
}

static void test_msg_payload_outside_the_bytes_given(void **state)
{
    struct mem_case c = {.expected = "VM 0x0001 -> SP 0x8005, 30 bytes at 20 (payload outside the "
                                     "40 bytes)"};

    (void)state;
    message(&c, 20, 1, 0x8005, "abc", 3);
    put(c.bytes + 16, 30, 4);
    c.size = 40;
    check_mem_case(&c);
}

static void test_msg_header_cut(void **state)
{
    struct mem_case c = {.expected = "(message header cut at 12 bytes)"};

    (void)state;
    message(&c, 20, 1, 0x8005, "abc", 3);
    c.size = 12;
    check_mem_case(&c);
}

/* A v1.1+ transaction: sender, attributes, handle, one EMAD of 32 bytes, one range. */
static void transaction_v1_1(struct mem_case *c, uint64_t handle, uint16_t attr)
{
    memset(c->bytes, 0, sizeof(c->bytes));
    put(c->bytes, 0x0001, 2);
    put(c->bytes + 2, attr, 2);
    put(c->bytes + 8, handle, 8);
    put(c->bytes + 24, 32, 4); /* EMAD size */
    put(c->bytes + 28, 1, 4);  /* EMAD count */
    put(c->bytes + 32, 48, 4); /* EMAD offset */
    put(c->bytes + 48, 0x8001, 2);
    c->bytes[50] = 0x6; /* RW, NX */
    put(c->bytes + 52, 80, 4);
    put(c->bytes + 80, 2, 4); /* 2 pages */
    put(c->bytes + 84, 1, 4); /* 1 range */
    put(c->bytes + 96, 0x80000000, 8);
    put(c->bytes + 104, 2, 4);
    c->size = 112;
    c->fn = run_mem_transaction;
}

static void test_mem_transaction_v1_2_share(void **state)
{
    struct mem_case c = {.expected =
                             "sender VM 0x0001, handle 0x0, normal write-back inner-shareable, 1 "
                             "receiver: SP 0x8001 RW+NX; 2 pages in 1 range: 0x80000000+2"};

    (void)state;
    transaction_v1_1(&c, 0, 0x2f);
    check_mem_case(&c);
}

static void test_mem_transaction_retrieve_response_with_ns_bit(void **state)
{
    struct mem_case c = {.expected =
                             "sender VM 0x0001, handle 0x8000000000000001, normal write-back "
                             "inner-shareable NS, 1 receiver: SP 0x8001 RW+NX; 2 pages in 1 range: "
                             "0x80000000+2"};

    (void)state;
    transaction_v1_1(&c, UINT64_C(0x8000000000000001), 0x6f);
    check_mem_case(&c);
}

static void test_mem_transaction_v1_0_layout(void **state)
{
    struct mem_case c = {
        .expected = "sender SP 0x8001, handle 0x0, device nGnRnE, flags 0x1, 1 receiver: SP "
                    "0x8002 RO; 1 page in 1 range: 0x9000+1",
        .size = 80,
        .version = FFA_VERSION_1_0};

    (void)state;
    put(c.bytes, 0x8001, 2);
    c.bytes[2] = 0x10; /* device nGnRnE */
    put(c.bytes + 4, 1, 4);
    put(c.bytes + 28, 1, 4);
    put(c.bytes + 32, 0x8002, 2);
    c.bytes[34] = 1; /* RO */
    put(c.bytes + 36, 48, 4);
    put(c.bytes + 48, 1, 4);
    put(c.bytes + 52, 1, 4);
    put(c.bytes + 64, 0x9000, 8);
    put(c.bytes + 72, 1, 4);
    c.fn = run_mem_transaction;
    check_mem_case(&c);
}

static void test_mem_transaction_cut(void **state)
{
    struct mem_case c = {.expected = "(memory transaction descriptor cut at 40 bytes)"};

    (void)state;
    transaction_v1_1(&c, 0, 0x2f);
    c.size = 40;
    check_mem_case(&c);
}

static void test_mem_relinquish(void **state)
{
    struct mem_case c = {.expected = "handle 0x5, flags 0x1, 2 endpoints: SP 0x8001 SP 0x8002"};

    (void)state;
    put(c.bytes, 5, 8);
    put(c.bytes + 8, 1, 4);
    put(c.bytes + 12, 2, 4);
    put(c.bytes + 16, 0x8001, 2);
    put(c.bytes + 18, 0x8002, 2);
    c.size = 20;
    c.fn = run_relinquish;
    check_mem_case(&c);
}

static void test_rxtx_descriptor_as_the_mediator_forwards_it(void **state)
{
    struct mem_case c = {
        .expected = "VM 0x0001: RX 1 page in 1 range: 0x10080010000+1; TX 1 page in 1 range: "
                    "0x10080000000+1"};

    (void)state;
    put(c.bytes, 1, 2);
    put(c.bytes + 4, 16, 4);
    put(c.bytes + 8, 48, 4);
    put(c.bytes + 16, 1, 4);
    put(c.bytes + 20, 1, 4);
    put(c.bytes + 32, 0x10080010000, 8);
    put(c.bytes + 40, 1, 4);
    put(c.bytes + 48, 1, 4);
    put(c.bytes + 52, 1, 4);
    put(c.bytes + 64, 0x10080000000, 8);
    put(c.bytes + 72, 1, 4);
    c.size = 80;
    c.fn = run_rxtx;
    check_mem_case(&c);
}

static void test_endpoints_by_kind(void **state)
{
    char buf[32];

    (void)state;
    assert_int_equal(ffa_format_endpoint(buf, sizeof(buf), 0x0001), 9);
    assert_string_equal(buf, "VM 0x0001");
    ffa_format_endpoint(buf, sizeof(buf), 0x8002);
    assert_string_equal(buf, "SP 0x8002");
    ffa_format_endpoint(buf, sizeof(buf), 0x8000);
    assert_string_equal(buf, "SPMC 0x8000");
    ffa_format_endpoint(buf, sizeof(buf), 0xffff);
    assert_string_equal(buf, "SPMD 0xffff");
    ffa_format_endpoint(buf, sizeof(buf), 0);
    assert_string_equal(buf, "hyp 0x0000");
}

static void test_uuid_canonical_form(void **state)
{
    char buf[40];

    (void)state;
    assert_int_equal(ffa_format_uuid(buf, sizeof(buf), uuid_bytes), 36);
    assert_string_equal(buf, UUID_TXT);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_every_abi_of_the_function_table_has_a_tested_call_decoding),
        cmocka_unit_test(test_truncation_of_every_case_at_every_length),
        cmocka_unit_test(test_partition_info_v1_1_names_uuid_and_properties),
        cmocka_unit_test(test_partition_info_v1_0_has_no_uuid),
        cmocka_unit_test(test_partition_info_without_properties_or_uuid),
        cmocka_unit_test(test_partition_info_too_short),
        cmocka_unit_test(test_msg_v1_2_header_with_uuid_and_payload),
        cmocka_unit_test(test_msg_v1_1_header),
        cmocka_unit_test(test_msg_long_payload_is_cut),
        cmocka_unit_test(test_msg_payload_offset_inside_the_header),
        cmocka_unit_test(test_msg_payload_outside_the_bytes_given),
        cmocka_unit_test(test_msg_header_cut),
        cmocka_unit_test(test_mem_transaction_v1_2_share),
        cmocka_unit_test(test_mem_transaction_retrieve_response_with_ns_bit),
        cmocka_unit_test(test_mem_transaction_v1_0_layout),
        cmocka_unit_test(test_mem_transaction_cut),
        cmocka_unit_test(test_mem_relinquish),
        cmocka_unit_test(test_rxtx_descriptor_as_the_mediator_forwards_it),
        cmocka_unit_test(test_endpoints_by_kind),
        cmocka_unit_test(test_uuid_canonical_form),
    };
    const size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
    struct CMUnitTest *tests = calloc(n_fixed + NUM_CASES, sizeof(*tests));
    int ret;

    if (tests == NULL)
        return 1;
    memcpy(tests, fixed, sizeof(fixed));
    /* One test per register case, named by the text it expects. */
    for (size_t i = 0; i < NUM_CASES; i++) {
        tests[n_fixed + i].name = cases[i].expected;
        tests[n_fixed + i].test_func = test_regs_case;
        tests[n_fixed + i].initial_state = (void *)&cases[i];
    }
    ret = _cmocka_run_group_tests("test_format", tests, n_fixed + NUM_CASES, NULL, NULL);
    free(tests);
    return ret;
}
