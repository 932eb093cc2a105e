/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Real-client check: the Linux arm_ffa driver's probe (drivers/firmware/arm_ffa/driver.c
 * ffa_init(): FFA_VERSION, FFA_ID_GET, the RX/TX size from FFA_FEATURES, FFA_RXTX_MAP, the
 * optional features, then ffa_setup_partitions() through __ffa_partition_info_get() or
 * __ffa_partition_info_get_regs()), replayed call by call for a guest at v1.0, v1.1 and v1.2,
 * through the mediator, against the emulated secure world running the example SPs. Every reply is
 * judged as the driver judges it (what is fatal there fails the test), and then against what is
 * true: the partitions of the manifests, with their IDs, UUIDs and properties.
 */
#include <stdlib.h>
#include <string.h>

#include "uc_fixture.h"

#define SPS                                                                                        \
    (UCF_ECHO | UCF_EL0 | UCF_WORKER | UCF_WORKER_Q | UCF_WORKER_ME | UCF_FORWARDER |              \
     UCF_FORWARDER2 | UCF_MESSENGER | UCF_MESSENGER2 | UCF_MSG_V10)
#define GUEST_ID 4u

/* The manifests of SPS, in boot order, and what the normal world is told about each. */
static const struct {
    uint16_t id;
    uint32_t uuid[4]; /* register words, as in the manifest */
    uint32_t props;   /* properties for a v1.2 normal-world caller */
} manifests[] = {
    {0x8001, {0x1e67b5b4, 0xe14f904a, 0x13fb1fb8, 0xcbdae1da}, 0x301},
    {0x8002, {0x5e0a3c6b, 0x46ec8f4e, 0x9a2d7ab5, 0x1c3b0d11}, 0x101},
    {0x8003, {0x7f5c3a10, 0x4b8e11ee, 0xa1b2c3d4, 0x00000003}, 0x101},
    {0x8004, {0x7f5c3a10, 0x4b8e11ee, 0xa1b2c3d4, 0x00000004}, 0x101},
    {0x8005, {0x7f5c3a10, 0x4b8e11ee, 0xa1b2c3d4, 0x00000005}, 0x101},
    {0x8006, {0x2d8b9e61, 0x4a4f6c0e, 0x8d6e7f01, 0x00000006}, 0x101},
    {0x8007, {0x2d8b9e61, 0x4a4f6c0e, 0x8d6e7f01, 0x00000007}, 0x301},
    {0x800b, {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000b}, 0x305},
    {0x800c, {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000c}, 0x305},
    {0x800d, {0x3a6b0c1e, 0x4f2d8e57, 0x9b1a6c3d, 0x0000000d}, 0x101},
};
#define NSPS 10u

/* struct ffa_partition_info as the driver keeps it (include/linux/arm_ffa.h). */
struct part {
    uint16_t id, exec_ctxt;
    uint32_t props;
    uint8_t uuid[16];
    bool mode_32bit;
};

struct drv {
    struct ucf *f;
    struct ffa_vm *vm;
    uint32_t version; /* what the driver runs at */
    uint16_t vm_id;
    uint32_t bufsz;
    bool mem_ops_native, req2, notif;
    struct part parts[32];
    int nparts;
};

static struct ffa_regs call(struct drv *d, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                            uint64_t a4, uint64_t a5)
{
    return ucf_vm(d->f, d->vm, a0, a1, a2, a3, a4, a5);
}

/* ffa_features(): 0, or the error; w2 in *props. */
static int32_t features(struct drv *d, uint32_t id, uint32_t *props)
{
    struct ffa_regs r = call(d, FFA_FEATURES, id, 0, 0, 0, 0);

    if (r.x[0] == FFA_ERROR)
        return (int32_t)r.x[2];
    if (props != NULL)
        *props = (uint32_t)r.x[2];
    return 0;
}

/* Steps 2-3: FFA_VERSION (fatal checks), FFA_ID_GET (fatal on FFA_ERROR). */
static void probe_version_and_id(struct drv *d, uint32_t driver_version)
{
    struct ffa_regs r = call(d, FFA_VERSION, driver_version, 0, 0, 0, 0);
    uint32_t v = (uint32_t)r.x[0];

    assert_int_not_equal((int32_t)v, FFA_RET_NOT_SUPPORTED);
    assert_true(FFA_VERSION_MAJOR(v) <= 1);
    assert_true(v >= FFA_VERSION_1_0);
    /* A newer firmware minor: the driver keeps its own version, without a second FFA_VERSION. */
    d->version = v >= driver_version ? driver_version : v;
    assert_int_equal(d->version, driver_version);
    r = call(d, FFA_ID_GET, 0, 0, 0, 0, 0);
    assert_int_not_equal(r.x[0], FFA_ERROR);
    d->vm_id = (uint16_t)r.x[2];
    assert_int_equal(d->vm_id, GUEST_ID);
}

/* Steps 4-6: buffer size from FFA_FEATURES(RXTX_MAP_64), then FFA_RXTX_MAP_64 (fatal). */
static void probe_buffers(struct drv *d, uint32_t expect_max)
{
    uint32_t props = 0, min = 4096, max = 0;
    struct ffa_regs r;

    if (features(d, FFA_RXTX_MAP_64, &props) == 0) {
        min = (props & 3) == 1 ? 65536 : (props & 3) == 2 ? 16384 : 4096;
        max = (props >> 16) * 4096;
        if (max != 0 && max < min)
            max = min;
    }
    assert_int_equal(min, 4096);
    assert_int_equal(max, expect_max * 4096);
    d->bufsz = max != 0 && max < min ? max : min; /* min_not_zero(PAGE_ALIGN(min), max) */
    r = call(d, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, d->bufsz / 4096, 0, 0);
    assert_int_not_equal(r.x[0], FFA_ERROR);
}

/* Steps 7-8: non-fatal feature probes. */
static void probe_optional_features(struct drv *d)
{
    d->mem_ops_native =
        features(d, FFA_MEM_LEND_64, NULL) == 0 || features(d, FFA_MEM_SHARE_64, NULL) == 0;
    d->req2 = features(d, FFA_MSG_SEND_DIRECT_REQ2, NULL) == 0 ||
              features(d, FFA_MSG_SEND_DIRECT_RESP2, NULL) == 0;
    d->notif = false;
    if (features(d, FFA_NOTIFICATION_BITMAP_CREATE, NULL) == 0)
        d->notif = call(d, FFA_NOTIFICATION_BITMAP_CREATE, d->vm_id, 2, 0, 0, 0).x[0] != FFA_ERROR;
    /* The schedule receiver and notification pending interrupts (feature IDs 2 and 1). */
    if (features(d, FFA_FEATURE_SRI, NULL) != 0 && features(d, FFA_FEATURE_NPI, NULL) != 0)
        d->notif = false;
}

/* One descriptor of `size` bytes at `p` (RX buffer or registers), as the driver copies it. */
static void take_desc(struct drv *d, const uint8_t *p, uint32_t size)
{
    struct part *e = &d->parts[d->nparts++];

    assert_true(d->nparts <= 32);
    memset(e, 0, sizeof(*e));
    e->id = ucf_le16(p);
    e->exec_ctxt = ucf_le16(p + 2);
    e->props = ucf_le32(p + 4);
    if (size > 8)
        memcpy(e->uuid, p + 8, 16);
    e->mode_32bit = d->version > FFA_VERSION_1_0 && (e->props & (1u << 8)) == 0;
}

/* Step 9, FFA_PARTITION_INFO_GET path (v1.0 and v1.1). */
static int probe_partitions_rx(struct drv *d)
{
    const uint8_t *rx = ucf_vm_rx(d->f, d->vm_id);
    struct ffa_regs r;
    uint32_t count, stride;

    if (d->version > FFA_VERSION_1_0) {
        r = call(d, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1); /* count only; no RX_RELEASE */
        assert_int_not_equal(r.x[0], FFA_ERROR);
        count = (uint32_t)r.x[2];
    } else {
        r = call(d, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
        assert_int_not_equal(r.x[0], FFA_ERROR);
        count = (uint32_t)r.x[2];
        r = call(d, FFA_RX_RELEASE, 0, 0, 0, 0, 0);
        assert_int_equal(r.x[0], FFA_SUCCESS_32);
    }
    assert_true(count > 0); /* "No partitions found": fatal */
    r = call(d, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    assert_int_not_equal(r.x[0], FFA_ERROR);
    assert_int_equal(r.x[2], count);
    stride = d->version > FFA_VERSION_1_0 ? (uint32_t)r.x[3] : 8;
    assert_int_equal(stride, d->version > FFA_VERSION_1_0 ? 24 : 8);
    assert_true((uint64_t)count * stride <= d->bufsz);
    for (uint32_t i = 0; i < count; i++)
        take_desc(d, rx + (size_t)i * stride, stride < 24 ? stride : 24);
    r = call(d, FFA_RX_RELEASE, 0, 0, 0, 0, 0); /* the driver ignores its error; we do not */
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    return (int)count;
}

/* Step 9, FFA_PARTITION_INFO_GET_REGS path (1.3): a count probe, then paging with checks. */
static int probe_partitions_regs(struct drv *d)
{
    struct ffa_regs r = call(d, FFA_PARTITION_INFO_GET_REGS, 0, 0, 0, 0, 0);
    uint16_t count, cur = 0, tag = 0, start = 0;
    bool first = true;
    int calls = 0;

    assert_int_not_equal(r.x[0], FFA_ERROR);
    count = (uint16_t)((r.x[2] & 0xffff) + 1);
    do {
        uint16_t size;

        start = first ? 0 : (uint16_t)(cur + 1);
        /* x1/x2 = the nil UUID, x3 = start | tag << 16; the reply uses x0..x17. */
        r = call(d, FFA_PARTITION_INFO_GET_REGS, 0, 0, (uint64_t)start | (uint64_t)tag << 16, 0, 0);
        assert_int_equal(r.x[0], FFA_SUCCESS_64);
        cur = (uint16_t)(r.x[2] >> 16);
        tag = (uint16_t)(r.x[2] >> 32);
        size = (uint16_t)(r.x[2] >> 48);
        /* The NEW driver's checks (-EINVAL otherwise). */
        assert_true((r.x[2] & 0xffff) + 1 <= count);
        assert_true(cur >= start && cur < count);
        assert_true(size % 8 == 0 && size >= 24);
        assert_true(cur - start + 1 <= (18 - 3) / (size / 8));
        for (int i = 0; i <= cur - start; i++) {
            uint8_t desc[24];
            const uint64_t *x = &r.x[3 + (size / 8) * i];

            for (int b = 0; b < 8; b++) {
                desc[b] = (uint8_t)(x[0] >> (8 * b));
                desc[8 + b] = (uint8_t)(x[1] >> (8 * b));
                desc[16 + b] = (uint8_t)(x[2] >> (8 * b));
            }
            take_desc(d, desc, 24);
        }
        first = false;
        calls++;
    } while (cur < count - 1);
    assert_true(calls > 1); /* more than five entries: the paging was exercised */
    return count;
}

static void uuid_bytes(const uint32_t w[4], uint8_t out[16])
{
    for (int i = 0; i < 16; i++)
        out[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
}

/* What the driver found against what is true. */
static void judge_partitions(struct drv *d, uint32_t prop_mask)
{
    int n = 0;

    for (unsigned i = 0; i < NSPS; i++) {
        const struct part *e = &d->parts[n++];
        uint8_t uuid[16];

        assert_int_equal(e->id, manifests[i].id);
        assert_true(FFA_ID_IS_SECURE(e->id));
        assert_int_equal(e->exec_ctxt, 1);
        assert_int_equal(e->props, manifests[i].props & prop_mask);
        assert_false(e->mode_32bit);
        uuid_bytes(manifests[i].uuid, uuid);
        if (d->version > FFA_VERSION_1_0)
            assert_memory_equal(e->uuid, uuid, 16); /* real UUIDs: client drivers can bind */
    }
    if (d->version >= FFA_VERSION_1_2) {
        /* The guest itself (Xen's behaviour for v1.2): sends direct requests, REQ2, SEND2. */
        const struct part *self = &d->parts[n++];

        assert_int_equal(self->id, d->vm_id);
        assert_int_equal(self->exec_ctxt, 2);
        assert_int_equal(self->props, 0x506);
    }
    assert_int_equal(d->nparts, n);
}

/* The emulated secure world with a mediator, and the guest the driver runs in. */
static int setup(void **state)
{
    struct drv *d = calloc(1, sizeof(*d));

    if (d == NULL)
        return -1;
    d->f = ucf_new_full(SPS, true);
    if (ffa_vm_add(d->f->m, GUEST_ID, 2, 0, &d->vm) != 0) {
        ucf_free(d->f);
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    struct drv *d = *state;

    ucf_free(d->f);
    free(d);
    return 0;
}

static void probe(struct drv *d, uint32_t version)
{
    int count;

    probe_version_and_id(d, version);
    probe_buffers(d, version >= FFA_VERSION_1_2 ? FFA_DEFAULT_RXTX_MAX_PAGES : 0);
    probe_optional_features(d);
    assert_false(d->mem_ops_native); /* memory sharing comes later */
    assert_int_equal(d->req2, version >= FFA_VERSION_1_2);
    assert_false(d->notif);
    if (features(d, FFA_PARTITION_INFO_GET_REGS, NULL) == 0) {
        assert_true(version >= FFA_VERSION_1_2);
        count = probe_partitions_regs(d);
    } else {
        assert_true(version < FFA_VERSION_1_2);
        count = probe_partitions_rx(d);
    }
    assert_int_equal(count, d->nparts);
    judge_partitions(d, version >= FFA_VERSION_1_2   ? 0x7ffu
                        : version >= FFA_VERSION_1_1 ? 0x1ffu
                                                     : 0x7u);
}

static void test_linux_v1_0_guest_probes(void **state)
{
    probe(*state, FFA_VERSION_1_0);
}

static void test_linux_v1_1_guest_probes(void **state)
{
    probe(*state, FFA_VERSION_1_1);
}

static void test_linux_v1_2_guest_probes(void **state)
{
    probe(*state, FFA_VERSION_1_2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_linux_v1_0_guest_probes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linux_v1_1_guest_probes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linux_v1_2_guest_probes, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
