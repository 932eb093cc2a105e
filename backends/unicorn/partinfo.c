/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_PARTITION_INFO_GET, for the normal world (the hypervisor) and for SPs, and
 * FFA_PARTITION_INFO_GET_REGS for SPs (Hafnium src/api.c api_ffa_partition_info_get(),
 * api_ffa_partition_info_get_regs(), api_ffa_fill_partitions_info_array(),
 * send_versioned_partition_info_descriptors(); src/ffa/spmc/setup_and_discovery.c
 * ffa_setup_partition_properties()).
 *
 * w1..w4 = UUID (Nil: every partition), w5 = flags (bit 0: return the count only; bits [31:1]
 * MBZ). The list holds the SPs in boot order: one entry per UUID for callers at v1.2, one per
 * partition before (multiple UUIDs are v1.2). Entries are 8 bytes {u16 ID, u16 execution context
 * count, u32 properties} for v1.0 callers (properties [2:0]) and 24 bytes with the UUID after;
 * with a UUID filter the UUID field is zero. The entries are written into the caller's RX buffer,
 * which must be EMPTY (BUSY otherwise, or when there is none), and is FULL afterwards until the
 * caller releases it. Answer: SUCCESS, w2 = count, w3 = entry size (0 for a count-only query, as
 * Hafnium). INVALID_PARAMETERS for flags or a UUID no partition has; NO_MEMORY when the list does
 * not fit the RX buffer; ABORTED if writing the hypervisor's buffer faults.
 */
#include <string.h>

#include "spmc_internal.h"

/* Partition properties (DEN0077A v1.2, partition information descriptor). */
#define PROP_DIRECT_REQ_RECV  (1u << 0)
#define PROP_DIRECT_REQ_SEND  (1u << 1)
#define PROP_INDIRECT_MSG     (1u << 2)
#define PROP_AARCH64          (1u << 8)
#define PROP_DIRECT_REQ2_RECV (1u << 9)
#define PROP_DIRECT_REQ2_SEND (1u << 10)
#define PROPS_V1_0            0x7u

#define INFO_SIZE_V1_0 8u
#define INFO_SIZE_V1_1 24u

/*
 * What `caller_is_sp` (else: the normal world) is told about `sp` (Hafnium's SPMC
 * ffa_setup_partition_properties()): receiving direct requests from the manifest, and sending them
 * only to SP callers, since an SP never sends a direct request to the normal world; the REQ2 bits
 * if the SP is at v1.2; AArch64 (the only execution state loaded); indirect messaging if the SP
 * is at v1.1 or later. Hafnium would also report notification support (bit 3) and VM
 * created/destroyed messages (bits 6/7) from the manifest; this SPMC implements neither, so
 * neither is claimed.
 */
static uint32_t sp_props(const struct sp *sp, bool caller_is_sp)
{
    uint32_t mm = sp->mf.messaging_method;
    uint32_t mask = PROP_DIRECT_REQ_RECV | (caller_is_sp ? PROP_DIRECT_REQ_SEND : 0);
    uint32_t props;

    if (sp->version >= FFA_VERSION_1_2)
        mask |= PROP_DIRECT_REQ2_RECV | (caller_is_sp ? PROP_DIRECT_REQ2_SEND : 0);
    props = (mm & mask) | PROP_AARCH64;
    if (sp->version >= FFA_VERSION_1_1)
        props |= mm & PROP_INDIRECT_MSG;
    return props;
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static bool uuid_nil(const struct sp_uuid *u)
{
    return (u->w[0] | u->w[1] | u->w[2] | u->w[3]) == 0;
}

static bool uuid_eq(const struct sp_uuid *a, const struct sp_uuid *b)
{
    return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

/*
 * Build the list for a caller at `version` into `out` (the PE's buffer; nothing when count_only);
 * return the number of entries.
 */
static uint32_t build(struct spmc *s, uint8_t *out, const struct sp_uuid *filter, uint32_t version,
                      bool caller_is_sp, bool count_only)
{
    uint32_t size = version >= FFA_VERSION_1_1 ? INFO_SIZE_V1_1 : INFO_SIZE_V1_0;
    bool any = uuid_nil(filter);
    uint32_t n = 0;

    for (size_t i = 0; i < s->sp_count; i++) {
        const struct sp *sp = s->sps[i];

        for (uint32_t u = 0; u < sp->mf.uuid_count; u++) {
            uint32_t props = sp_props(sp, caller_is_sp);

            if (!any && !uuid_eq(filter, &sp->mf.uuids[u]))
                continue;
            if (!count_only) {
                uint8_t *e = out + (size_t)n * size;

                put_le(e, sp->mf.id, 2);
                put_le(e + 2, sp->mf.ec_count, 2);
                put_le(e + 4, version >= FFA_VERSION_1_1 ? props : props & PROPS_V1_0, 4);
                if (size == INFO_SIZE_V1_1) {
                    for (int w = 0; w < 4; w++)
                        put_le(e + 8 + 4 * w, any ? sp->mf.uuids[u].w[w] : 0, 4);
                }
            }
            n++;
            /* Several UUIDs per partition are v1.2: earlier callers see its first match. */
            if (version < FFA_VERSION_1_2)
                break;
        }
    }
    return n;
}

struct partinfo_req {
    struct sp_uuid filter;
    bool count_only;
    uint32_t version;
    bool caller_is_sp;
};

static int32_t parse(const struct ffa_regs *in, struct partinfo_req *req)
{
    uint32_t flags = (uint32_t)in->x[5];

    for (int w = 0; w < 4; w++)
        req->filter.w[w] = (uint32_t)in->x[1 + w];
    /* Bits [31:1] MBZ. A v1.0 caller's count-only flag is taken as Hafnium takes it. */
    if ((flags & ~1u) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    req->count_only = (flags & 1u) != 0;
    return 0;
}

/*
 * Common part: count, then (not count-only) the checks on the destination's mailbox and size, in
 * Hafnium's order. Returns 0 with *count and *size, and *write = true when the entries are ready
 * in the PE's buffer to be copied.
 */
static int32_t prepare(struct spmc *s, struct cpu *cpu, const struct partinfo_req *req,
                       bool rx_present, enum mbox_state state, uint64_t rx_size, uint32_t *count,
                       uint32_t *size, bool *write)
{
    uint32_t entry = req->version >= FFA_VERSION_1_1 ? INFO_SIZE_V1_1 : INFO_SIZE_V1_0;

    *write = false;
    *count = build(s, NULL, &req->filter, req->version, req->caller_is_sp, true);
    if (*count == 0)
        return FFA_RET_INVALID_PARAMETERS; /* a UUID no partition has */
    if (req->count_only) {
        *size = 0;
        return 0;
    }
    if (!rx_present || state != MBOX_EMPTY)
        return FFA_RET_BUSY;
    if ((uint64_t)*count * entry > rx_size)
        return FFA_RET_NO_MEMORY;
    build(s, cpu->partinfo, &req->filter, req->version, req->caller_is_sp, false);
    *size = entry;
    *write = true;
    return 0;
}

/* The hypervisor's RX buffer, under spmc.nwd_lock: checked, written, FULL. */
static int32_t write_nwd(struct spmc *s, struct cpu *cpu, const struct partinfo_req *req,
                         uint32_t *count, uint32_t *size)
{
    struct nwd_ep *hyp = ffau_nwdbuf_find(s, FFA_ID_HYPERVISOR);
    bool write;
    int32_t ret = prepare(s, cpu, req, hyp != NULL, hyp != NULL ? hyp->state : MBOX_EMPTY,
                          hyp != NULL ? ns_buf_size(&hyp->rx) : 0, count, size, &write);

    if (ret != 0 || !write)
        return ret;
    ret = ffau_ns_write(s, &hyp->rx, 0, cpu->partinfo, (uint64_t)*count * *size);
    if (ret != 0)
        return ret;
    hyp->state = MBOX_FULL;
    return 0;
}

int32_t ffau_pinfo_nwd(struct spmc *s, struct cpu *cpu, const struct ffa_regs *in, uint32_t *count,
                       uint32_t *size)
{
    struct partinfo_req req = {.version = nwd_version(s), .caller_is_sp = false};
    int32_t ret = parse(in, &req);

    if (ret != 0)
        return ret;
    pthread_mutex_lock(&s->nwd_lock);
    ret = write_nwd(s, cpu, &req, count, size);
    pthread_mutex_unlock(&s->nwd_lock);
    return ret;
}

/* The caller's RX buffer, under its mbox_lock (another of its contexts may map or release it). */
int32_t ffau_pinfo_sp(struct spmc *s, struct cpu *cpu, struct sp *caller, const struct ffa_regs *in,
                      uint32_t *count, uint32_t *size)
{
    struct partinfo_req req = {.version = caller->version, .caller_is_sp = true};
    struct sp_mbox *mb = &caller->mbox;
    bool write;
    int32_t ret = parse(in, &req);

    if (ret != 0)
        return ret;
    pthread_mutex_lock(&caller->mbox_lock);
    ret = prepare(s, cpu, &req, mb->pages != 0, mb->state, (uint64_t)mb->pages * SPMC_PAGE, count,
                  size, &write);
    if (ret == 0 && write) {
        memcpy(mb->rx, cpu->partinfo, (size_t)*count * *size);
        mb->state = MBOX_FULL;
    }
    pthread_mutex_unlock(&caller->mbox_lock);
    return ret;
}

/* Descriptors per FFA_PARTITION_INFO_GET_REGS answer: 24 bytes each in x3..x17. */
#define REGS_PER_CALL 5u

static uint64_t le_at(const uint8_t *p, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/*
 * FFA_PARTITION_INFO_GET_REGS from an SP (v1.2; Hafnium api_ffa_partition_info_get_regs()): x1/x2
 * = UUID (lo = w0 | w1 << 32, hi = w2 | w3 << 32; Nil: every partition), x3[15:0] = start index,
 * x3[31:16] = tag. The same list as FFA_PARTITION_INFO_GET gives an SP, in registers instead of
 * the RX buffer (which it neither needs nor touches): FFA_SUCCESS_64 with x2 = 24 << 48 (descriptor
 * size) | tag << 32 | current index << 16 | last index, and from x3 up to five descriptors of three
 * registers each: ID | execution contexts << 16 | properties << 32, then the UUID (zero with a UUID
 * filter); unused registers zero.
 *
 * The tag identifies a version of the list. This SPMC's list never changes after boot, so its tag
 * is always 0, and a non-zero tag is one it never gave out: RETRY, as Hafnium answers (it does not
 * track tags either). INVALID_PARAMETERS for a UUID no partition has and for a start index beyond
 * the list. Hafnium builds the list in a one-page buffer and answers NO_MEMORY beyond 170 entries;
 * here the PE's buffer holds every entry of every partition, so that cannot happen.
 */
int32_t ffau_pinfo_sp_regs(struct spmc *s, struct cpu *cpu, struct sp *caller,
                           const struct ffa_regs *in, struct ffa_regs *out)
{
    struct sp_uuid filter = {{(uint32_t)in->x[1], (uint32_t)(in->x[1] >> 32), (uint32_t)in->x[2],
                              (uint32_t)(in->x[2] >> 32)}};
    uint32_t start = (uint32_t)in->x[3] & 0xffffu, tag = (uint32_t)(in->x[3] >> 16) & 0xffffu;
    uint32_t count, cur;

    if (tag != 0)
        return FFA_RET_RETRY;
    /* Only v1.2 callers get here (sp_abi.c): 24-byte entries, one per UUID. */
    count = build(s, cpu->partinfo, &filter, caller->version, true, false);
    if (count == 0 || start >= count)
        return FFA_RET_INVALID_PARAMETERS;
    cur = count - start > REGS_PER_CALL ? start + REGS_PER_CALL - 1 : count - 1;
    regs_zero(out);
    out->x[0] = FFA_SUCCESS_64;
    out->x[2] = (uint64_t)INFO_SIZE_V1_1 << 48 | (uint64_t)cur << 16 | (count - 1);
    for (uint32_t e = start; e <= cur; e++) {
        const uint8_t *d = cpu->partinfo + (size_t)e * INFO_SIZE_V1_1;
        uint64_t *x = &out->x[3 + 3 * (e - start)];

        x[0] = le_at(d, 2) | le_at(d + 2, 2) << 16 | le_at(d + 4, 4) << 32;
        x[1] = le_at(d + 8, 8);
        x[2] = le_at(d + 16, 8);
    }
    return 0;
}
