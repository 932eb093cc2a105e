/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The descriptor codec (include/ffa/mem_desc.h) on its own: layouts of every version, bounds,
 * the send and retrieve rules, writers, and hostile inputs that must never make it read outside
 * the buffer it was given (AddressSanitizer checks that in scripts/test.sh stage 2: each test
 * parses from a heap copy of exactly the length it passes).
 */
#include <stdlib.h>
#include <string.h>

#include "mem_support.h"

#define RANGE(a, n) ((struct ffa_mem_range){(a), (n)})

static const struct ffa_mem_range two[] = {{0x80000000, 2}, {0x80004000, 1}};

/* Parse a heap copy of exactly `len` bytes (so ASan sees any read past it). */
static int parse_exact(const uint8_t *src, uint32_t len, uint32_t total, uint32_t version,
                       enum ffa_mem_desc_kind kind, struct ffa_mem_desc *d, uint8_t **copy)
{
    *copy = malloc(len ? len : 1);
    assert_non_null(*copy);
    memcpy(*copy, src, len);
    return ffa_mem_desc_parse(*copy, len, total, version, kind, d);
}

static void test_v1_2_layout_is_read_as_written(void **state)
{
    struct md m = md_share_to_sp(FFA_VERSION_1_2, two, 2);
    uint8_t buf[512], *c;
    uint32_t len;
    struct ffa_mem_desc d;
    struct ffa_mem_access a;
    struct ffa_mem_range r;

    (void)state;
    m.tag = 0x1122334455667788ull;
    m.emads[0].impdef[15] = 0x99;
    len = md_build(&m, buf, sizeof(buf));
    assert_int_equal(len, 48 + 32 + 16 + 32);
    assert_int_equal(parse_exact(buf, len, len, FFA_VERSION_1_2, FFA_MEM_DESC_SEND, &d, &c), 0);
    assert_int_equal(d.sender, TEST_VM_ID);
    assert_int_equal(d.attributes, FFA_MEM_ATTR_NORMAL_WB_INNER);
    assert_int_equal(d.tag, 0x1122334455667788ull);
    assert_int_equal(d.emad_size, 32);
    assert_int_equal(d.emad_offset, 48);
    assert_int_equal(d.emad_count, 1);
    assert_int_equal(d.composite_offset, 80);
    assert_int_equal(d.page_count, 3);
    assert_int_equal(d.range_count, 2);
    assert_int_equal(d.ranges_offset, 96);
    assert_int_equal(d.ranges_in_fragment, 2);
    ffa_mem_desc_access(&d, 0, &a);
    assert_int_equal(a.endpoint, TEST_SP_ID);
    assert_int_equal(a.perms, FFA_MEM_PERM_RW);
    assert_int_equal(a.impdef[15], 0x99);
    assert_int_equal(ffa_mem_range_get(d.buf, d.len, d.ranges_offset, 1, &r), 0);
    assert_int_equal(r.address, 0x80004000);
    assert_int_equal(r.page_count, 1);
    assert_int_equal(ffa_mem_send_check(&d, FFA_MEM_XFER_SHARE, 8), 0);
    free(c);
}

static void test_v1_0_layout_has_the_emads_at_32(void **state)
{
    struct md m = md_share_to_sp(FFA_VERSION_1_0, two, 2);
    uint8_t buf[512], *c;
    uint32_t len = md_build(&m, buf, sizeof(buf));
    struct ffa_mem_desc d;

    (void)state;
    assert_int_equal(parse_exact(buf, len, len, FFA_VERSION_1_0, FFA_MEM_DESC_SEND, &d, &c), 0);
    assert_int_equal(d.version, FFA_VERSION_1_0);
    assert_int_equal(d.emad_offset, 32);
    assert_int_equal(d.emad_size, 16);
    assert_int_equal(d.composite_offset, 48);
    assert_int_equal(d.attributes, FFA_MEM_ATTR_NORMAL_WB_INNER);
    free(c);
}

static void test_emad_offset_with_a_gap_is_honoured(void **state)
{
    struct md m = md_share_to_sp(FFA_VERSION_1_1, two, 2);
    uint8_t buf[512], *c;
    uint32_t len;
    struct ffa_mem_desc d;
    struct ffa_mem_access a;

    (void)state;
    m.emad_offset = 96;
    len = md_build(&m, buf, sizeof(buf));
    tput(buf + 48, 0x8005, 2); /* a decoy where a careless reader looks */
    assert_int_equal(parse_exact(buf, len, len, FFA_VERSION_1_1, FFA_MEM_DESC_SEND, &d, &c), 0);
    ffa_mem_desc_access(&d, 0, &a);
    assert_int_equal(a.endpoint, TEST_SP_ID);
    assert_int_equal(d.composite_offset, 112);
    free(c);
}

static void test_every_truncation_is_refused_without_reading_past_it(void **state)
{
    struct md m = md_share_to_sp(FFA_VERSION_1_2, two, 2);
    uint8_t buf[512];
    uint32_t len = md_build(&m, buf, sizeof(buf));

    (void)state;
    for (uint32_t n = 0; n < len; n++) {
        struct ffa_mem_desc d;
        uint8_t *c;

        /* As a whole descriptor of n bytes, and as a first fragment of the whole. */
        assert_int_equal(parse_exact(buf, n, n, FFA_VERSION_1_2, FFA_MEM_DESC_SEND, &d, &c),
                         FFA_RET_INVALID_PARAMETERS);
        free(c);
        if (parse_exact(buf, n, len, FFA_VERSION_1_2, FFA_MEM_DESC_SEND, &d, &c) == 0) {
            /* Only whole constituents after a complete composite can be a valid fragment. */
            assert_true(n >= 96 && n % 16 == 0);
            assert_int_equal(d.ranges_in_fragment, (n - 96) / 16);
        }
        free(c);
    }
}

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Any byte of a descriptor may be anything: the parser and the rules answer, never crash. */
static void test_random_corruption_never_reads_outside(void **state)
{
    struct md m = md_share_to_sp(FFA_VERSION_1_2, two, 2);
    uint8_t buf[512];
    uint32_t len = md_build(&m, buf, sizeof(buf)), seed = 12345;

    (void)state;
    m.n_emads = 2;
    m.emads[1] = (struct md_emad){.id = TEST_SP2_ID, .perms = FFA_MEM_PERM_RO};
    len = md_build(&m, buf, sizeof(buf));
    for (int i = 0; i < 20000; i++) {
        uint8_t mut[512], *c;
        struct ffa_mem_desc d;
        int ret;

        memcpy(mut, buf, len);
        for (int k = xorshift(&seed) % 4; k >= 0; k--)
            mut[xorshift(&seed) % len] = (uint8_t)xorshift(&seed);
        if (xorshift(&seed) % 8 == 0)
            tput(mut + 4 * (xorshift(&seed) % (len / 4)), 0xfffffff0u + xorshift(&seed) % 16, 4);
        ret = parse_exact(mut, len, len, FFA_VERSION_1_2, FFA_MEM_DESC_SEND, &d, &c);
        if (ret == 0) {
            struct ffa_mem_range r;

            ret = ffa_mem_send_check(&d, FFA_MEM_XFER_SHARE, 64);
            assert_true(ret == 0 || ret == FFA_RET_INVALID_PARAMETERS || ret == FFA_RET_DENIED);
            for (uint32_t k = 0; k < d.ranges_in_fragment; k++)
                (void)ffa_mem_range_get(d.buf, d.len, d.ranges_offset, k, &r);
        } else {
            assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
        }
        free(c);
        ret = parse_exact(mut, len, len, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d, &c);
        assert_true(ret == 0 || ret == FFA_RET_INVALID_PARAMETERS);
        free(c);
    }
}

static void test_hostile_counts_and_offsets_are_invalid(void **state)
{
    struct md m = md_share_to_sp(FFA_VERSION_1_2, two, 2);
    uint8_t buf[512], mut[512], *c;
    uint32_t len = md_build(&m, buf, sizeof(buf));
    struct ffa_mem_desc d;
    const struct {
        uint32_t off, value;
    } cases[] = {
        {28, 0xffffffffu}, /* EMAD count: count * size wraps 32 bits */
        {28, 0x08000000u}, /* EMAD count * 32 == 2^32 */
        {32, 0xfffffff0u}, /* EMAD offset near the top */
        {24, 0x80000010u}, /* EMAD size */
        {52, 0xfffffff0u}, /* composite offset */
        {84, 0x10000000u}, /* range count: ranges * 16 past the total */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(mut, buf, len);
        tput(mut + cases[i].off, cases[i].value, 4);
        assert_int_equal(parse_exact(mut, len, len, FFA_VERSION_1_2, FFA_MEM_DESC_SEND, &d, &c),
                         FFA_RET_INVALID_PARAMETERS);
        free(c);
    }
}

static void test_range_get_checks_bounds_alignment_and_reserved(void **state)
{
    uint8_t buf[48] = {0};
    struct ffa_mem_range r;

    (void)state;
    tput(buf, 0x1000, 8);
    tput(buf + 8, 1, 4);
    assert_int_equal(ffa_mem_range_get(buf, 16, 0, 0, &r), 0);
    assert_int_equal(ffa_mem_range_get(buf, 16, 0, 1, &r), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_mem_range_get(buf, 16, 0xfffffff8u, 0, &r), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_mem_range_get(buf, 16, 0, 0xffffffffu, &r), FFA_RET_INVALID_PARAMETERS);
    tput(buf + 12, 1, 4);
    assert_int_equal(ffa_mem_range_get(buf, 16, 0, 0, &r), FFA_RET_INVALID_PARAMETERS);
    tput(buf + 12, 0, 4);
    tput(buf, 0x1800, 8);
    assert_int_equal(ffa_mem_range_get(buf, 16, 0, 0, &r), FFA_RET_INVALID_PARAMETERS);
}

static void test_retrieve_request_lengths(void **state)
{
    uint8_t buf[128] = {0}, *c;
    struct ffa_mem_desc d;

    (void)state;
    tput(buf, TEST_VM_ID, 2);
    tput(buf + 8, 0x8000000000000001ull, 8);
    tput(buf + 24, 32, 4);
    tput(buf + 28, 1, 4);
    tput(buf + 32, 48, 4);
    tput(buf + 48, 2, 2);
    assert_int_equal(parse_exact(buf, 80, 80, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d, &c),
                     0);
    free(c);
    /* Length other than offset + count * size; fragmented; a composite offset. */
    assert_int_equal(parse_exact(buf, 96, 96, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d, &c),
                     FFA_RET_INVALID_PARAMETERS);
    free(c);
    assert_int_equal(parse_exact(buf, 80, 96, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d, &c),
                     FFA_RET_INVALID_PARAMETERS);
    free(c);
    tput(buf + 48 + 4, 96, 4);
    assert_int_equal(parse_exact(buf, 80, 80, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d, &c),
                     FFA_RET_INVALID_PARAMETERS);
    free(c);
}

static void test_hypervisor_retrieve_request_is_the_handle_only(void **state)
{
    uint8_t buf[48] = {0}, *c;
    struct ffa_mem_desc d;

    (void)state;
    tput(buf + 8, 0x1234, 8);
    assert_int_equal(parse_exact(buf, 48, 48, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d, &c),
                     0);
    assert_int_equal(d.emad_count, 0);
    assert_int_equal(d.handle, 0x1234);
    free(c);
    tput(buf + 16, 1, 8); /* a tag */
    assert_int_equal(parse_exact(buf, 48, 48, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d, &c),
                     FFA_RET_INVALID_PARAMETERS);
    free(c);
}

static void test_relinquish_parse_bounds(void **state)
{
    uint8_t buf[18] = {0};
    struct ffa_mem_relinquish r;

    (void)state;
    assert_int_equal(ffa_mem_relinquish_write(buf, sizeof(buf), 0x55, 1, 7), 0);
    assert_int_equal(ffa_mem_relinquish_parse(buf, 18, &r), 0);
    assert_int_equal(r.handle, 0x55);
    assert_int_equal(r.flags, 1);
    assert_int_equal(r.endpoint_count, 1);
    assert_int_equal(ffa_mem_relinquish_endpoint(buf, 0), 7);
    tput(buf + 12, 2, 4);
    assert_int_equal(ffa_mem_relinquish_parse(buf, 18, &r), FFA_RET_INVALID_PARAMETERS);
    tput(buf + 12, 0x80000000u, 4);
    assert_int_equal(ffa_mem_relinquish_parse(buf, 18, &r), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_mem_relinquish_parse(buf, 15, &r), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_mem_relinquish_write(buf, 17, 1, 0, 1), FFA_RET_NO_MEMORY);
}

/* The writers produce what the parser reads back, in every version. */
static void test_writers_round_trip_in_every_version(void **state)
{
    const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};

    (void)state;
    for (size_t v = 0; v < 3; v++) {
        uint8_t buf[512] = {0};
        struct ffa_mem_desc w = {0}, d;
        struct ffa_mem_access a = {.endpoint = 0x8003, .perms = FFA_MEM_PERM_RO};
        struct ffa_mem_range r = RANGE(0x42000, 7), back;

        ffa_mem_desc_layout(&w, versions[v], 1);
        w.sender = 9;
        w.attributes = FFA_MEM_ATTR_NORMAL_WB_INNER;
        w.tag = 77;
        a.composite_offset = w.composite_offset;
        a.impdef[0] = versions[v] >= FFA_VERSION_1_2 ? 5 : 0;
        assert_int_equal(ffa_mem_header_write(buf, sizeof(buf), &w), 0);
        assert_int_equal(ffa_mem_access_write(buf, sizeof(buf), &w, 0, &a), 0);
        assert_int_equal(ffa_mem_composite_write(buf, sizeof(buf), w.composite_offset, 7, 1), 0);
        assert_int_equal(ffa_mem_range_write(buf, sizeof(buf), w.ranges_offset, &r), 0);
        assert_int_equal(ffa_mem_desc_parse(buf, w.ranges_offset + 16, w.ranges_offset + 16,
                                            versions[v], FFA_MEM_DESC_SEND, &d),
                         0);
        assert_int_equal(d.sender, 9);
        assert_int_equal(d.tag, 77);
        assert_int_equal(d.page_count, 7);
        ffa_mem_desc_access(&d, 0, &a);
        assert_int_equal(a.endpoint, 0x8003);
        assert_int_equal(a.impdef[0], versions[v] >= FFA_VERSION_1_2 ? 5 : 0);
        assert_int_equal(ffa_mem_range_get(buf, d.len, d.ranges_offset, 0, &back), 0);
        assert_int_equal(back.address, 0x42000);
        /* Too small a buffer: refused, nothing written past it. */
        assert_int_equal(ffa_mem_header_write(buf, 20, &w), FFA_RET_NO_MEMORY);
        assert_int_equal(ffa_mem_range_write(buf, w.ranges_offset + 15, w.ranges_offset, &r),
                         FFA_RET_NO_MEMORY);
    }
}

/* ---- The retrieve rules, on their own ---- */

struct sent_fix {
    struct ffa_mem_access emads[2];
    struct ffa_mem_sent sent;
};

static void sent_lend_one(struct sent_fix *s)
{
    memset(s, 0, sizeof(*s));
    s->emads[0] = (struct ffa_mem_access){.endpoint = 2, .perms = FFA_MEM_PERM_RO};
    s->sent = (struct ffa_mem_sent){
        .xfer = FFA_MEM_XFER_LEND, .sender = 1, .tag = 3, .emad_count = 1, .emads = s->emads};
}

static int check_request(const struct ffa_mem_sent *sent, uint8_t perms, uint32_t flags,
                         uint32_t options, uint8_t *granted)
{
    uint8_t buf[80] = {0};
    struct ffa_mem_desc d;
    uint32_t idx;

    tput(buf, 1, 2);
    tput(buf + 4, flags, 4);
    tput(buf + 16, 3, 8);
    tput(buf + 24, 32, 4);
    tput(buf + 28, 1, 4);
    tput(buf + 32, 48, 4);
    tput(buf + 48, 2, 2);
    buf[50] = perms;
    assert_int_equal(
        ffa_mem_desc_parse(buf, 80, 80, FFA_VERSION_1_2, FFA_MEM_DESC_RETRIEVE_REQ, &d), 0);
    return ffa_mem_retrieve_check(sent, &d, 2, options, &idx, granted);
}

static void test_retrieve_rules_for_a_single_borrower_lend(void **state)
{
    struct sent_fix s;
    uint8_t g = 0;

    (void)state;
    sent_lend_one(&s);
    assert_int_equal(check_request(&s.sent, FFA_MEM_PERM_RO | FFA_MEM_PERM_NX, 0, 0, &g), 0);
    assert_int_equal(g, FFA_MEM_PERM_RO | FFA_MEM_PERM_NX);
    assert_int_equal(check_request(&s.sent, FFA_MEM_PERM_NX, 0, 0, &g), 0);
    assert_int_equal(g, FFA_MEM_PERM_RO | FFA_MEM_PERM_NX); /* unspecified: what was sent */
    assert_int_equal(check_request(&s.sent, FFA_MEM_PERM_RW | FFA_MEM_PERM_NX, 0, 0, &g),
                     FFA_RET_DENIED); /* more than sent */
    assert_int_equal(check_request(&s.sent, FFA_MEM_PERM_RO, 0, 0, &g),
                     FFA_RET_INVALID_PARAMETERS); /* must choose X or NX */
    assert_int_equal(check_request(&s.sent, FFA_MEM_PERM_RO | FFA_MEM_PERM_X, 0, 0, &g),
                     FFA_RET_INVALID_PARAMETERS); /* X needs the caller's leave */
    assert_int_equal(
        check_request(&s.sent, FFA_MEM_PERM_RO | FFA_MEM_PERM_X, 0, FFA_MEM_RETRIEVE_EXEC_OK, &g),
        0);
    assert_int_equal(
        check_request(&s.sent, FFA_MEM_PERM_RO | FFA_MEM_PERM_NX, FFA_MEM_FLAG_ZERO_AFTER, 0, &g),
        FFA_RET_DENIED); /* zeroing what one may only read */
    assert_int_equal(
        check_request(&s.sent, FFA_MEM_PERM_RO | FFA_MEM_PERM_NX, FFA_MEM_FLAG_ZERO, 0, &g),
        FFA_RET_DENIED); /* the lender did not ask for zeroing */
    assert_int_equal(check_request(&s.sent, FFA_MEM_PERM_RO | FFA_MEM_PERM_NX,
                                   FFA_MEM_XFER_SHARE << FFA_MEM_FLAG_TYPE_SHIFT, 0, &g),
                     FFA_RET_INVALID_PARAMETERS); /* another transaction type */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_2_layout_is_read_as_written),
        cmocka_unit_test(test_v1_0_layout_has_the_emads_at_32),
        cmocka_unit_test(test_emad_offset_with_a_gap_is_honoured),
        cmocka_unit_test(test_every_truncation_is_refused_without_reading_past_it),
        cmocka_unit_test(test_random_corruption_never_reads_outside),
        cmocka_unit_test(test_hostile_counts_and_offsets_are_invalid),
        cmocka_unit_test(test_range_get_checks_bounds_alignment_and_reserved),
        cmocka_unit_test(test_retrieve_request_lengths),
        cmocka_unit_test(test_hypervisor_retrieve_request_is_the_handle_only),
        cmocka_unit_test(test_relinquish_parse_bounds),
        cmocka_unit_test(test_writers_round_trip_in_every_version),
        cmocka_unit_test(test_retrieve_rules_for_a_single_borrower_lend),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
