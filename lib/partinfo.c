/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partition discovery: FFA_PARTITION_INFO_GET and FFA_PARTITION_INFO_GET_REGS, answered by the
 * mediator from the SP list the SPMC gave at create time and from its own VM table
 * (Hafnium src/api.c, api_ffa_partition_info_get() and api_ffa_partition_info_get_regs(); Xen
 * xen/arch/arm/tee/ffa_partinfo.c, ffa_handle_partition_info_get(); what Linux's
 * drivers/firmware/arm_ffa/driver.c expects of them at probe).
 *
 * What a VM sees, in order: the secure partitions (one entry per partition and UUID for v1.2
 * callers, one per partition before v1.2, as Hafnium), then itself if it negotiated v1.2 (as Xen:
 * older Linux drivers refuse their own entry), then the other VMs when VM-to-VM messaging is
 * configured. A UUID filter selects secure partitions only, and the UUID field of the matching
 * entries is then zero (Hafnium and Xen: MBZ).
 */
#include "internal.h"

/* Partition properties (FF-A v1.2; Hafnium inc/vmapi/hf/ffa.h, FFA_PARTITION_*). */
#define PROP_DIRECT_REQ_RECV  (1u << 0)
#define PROP_DIRECT_REQ_SEND  (1u << 1)
#define PROP_INDIRECT_MSG     (1u << 2)
#define PROP_AARCH64          (1u << 8)
#define PROP_DIRECT_REQ2_SEND (1u << 10)
/*
 * Bits a caller of each version may see; the rest are reserved for it. v1.0 defines [2:0], v1.1
 * adds up to bit 8; bits 9 and 10 (DIRECT_REQ2) are v1.2 and would mislead a v1.1 caller, to
 * whom the mediator refuses DIRECT_REQ2 (the specification reserves ~0x7FF for v1.1 and v1.2
 * alike).
 */
#define PROPS_V1_0 0x7u
#define PROPS_V1_1 0x1ffu
#define PROPS_V1_2 0x7ffu

#define INFO_SIZE_V1_0   8u  /* {u16 id, u16 exec ctx count, u32 properties} */
#define INFO_SIZE_V1_1   24u /* ... then the UUID */
#define REGS_MAX_ENTRIES 5   /* x3..x17: 15 registers, 3 per 24-byte entry */

struct pi_entry {
    uint16_t id;
    uint16_t exec_ctx;
    uint32_t props;
    const uint8_t *uuid; /* NULL: nil */
};

typedef void (*pi_visit_fn)(void *ctx, uint32_t index, const struct pi_entry *e);

static bool uuid_is_nil(const uint8_t *uuid)
{
    for (int i = 0; i < 16; i++) {
        if (uuid[i] != 0)
            return false;
    }
    return true;
}

static bool uuid_equal(const uint8_t *a, const uint8_t *b)
{
    for (int i = 0; i < 16; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

/*
 * The UUID in w1..w4 (or x1/x2): 16 bytes, little-endian within each word (Hafnium
 * inc/vmapi/hf/ffa.h, ffa_uuid_to_u64x2()).
 */
static void uuid_from_words(uint8_t *uuid, uint64_t lo, uint64_t hi)
{
    le_put(uuid, lo, 8);
    le_put(uuid + 8, hi, 8);
}

static uint64_t uuid_word(const uint8_t *uuid, int half)
{
    return uuid == NULL ? 0 : le_get(uuid + 8 * half, 8);
}

/* Properties of a VM entry: VMs send direct requests to SPs and never receive them. */
static uint32_t vm_props(const struct ffa_mediator *m, const struct ffa_vm *v)
{
    uint32_t p = PROP_DIRECT_REQ_SEND;

    if (ffam_send2_supported(m, NULL))
        p |= PROP_INDIRECT_MSG;
    if (ffam_notif_vm_receives(m, v))
        p |= FFA_PART_PROP_NOTIF_RECV;
    if (!v->aarch32)
        p |= PROP_AARCH64;
    if (v->version >= FFA_VERSION_1_2 && ffam_fw_supports(m, FFA_MSG_SEND_DIRECT_REQ2))
        p |= PROP_DIRECT_REQ2_SEND;
    return p;
}

static uint32_t props_for(const struct ffa_vm *caller, uint32_t props)
{
    if (caller->version >= FFA_VERSION_1_2)
        return props & PROPS_V1_2;
    return props & (caller->version >= FFA_VERSION_1_1 ? PROPS_V1_1 : PROPS_V1_0);
}

/* Is SP entry i hidden from `caller` by the one-entry-per-partition rule (before v1.2)? */
static bool sp_entry_hidden(const struct ffa_mediator *m, const struct ffa_vm *caller, uint32_t i)
{
    return caller->version < FFA_VERSION_1_2 && i > 0 && m->sps[i - 1].id == m->sps[i].id;
}

/* The k-th VM `caller` sees besides itself (VM-to-VM), in ID order. */
static const struct ffa_vm *other_vm(const struct ffa_mediator *m, const struct ffa_vm *caller,
                                     uint32_t k)
{
    const struct ffa_vm *v = m->vms[k];

    return v->id >= caller->id ? m->vms[k + 1] : v;
}

/*
 * Visit the entries `caller` sees for `uuid` (NULL: nil, everything) whose index is in
 * [lo, hi), and return how many entries there are in all. Secure partitions come first, then
 * the caller itself (v1.2), then the other VMs (VM-to-VM). Entries outside the window cost a
 * compare each at most, and VMs outside it nothing: FFA_PARTITION_INFO_GET_REGS pages through a
 * long list in O(window) per call. The caller holds m->lock (the VM table must not change).
 */
static uint32_t partinfo_walk(const struct ffa_mediator *m, const struct ffa_vm *caller,
                              const uint8_t *uuid, uint32_t lo, uint32_t hi, pi_visit_fn visit,
                              void *ctx)
{
    uint32_t n = 0, others;

    for (uint32_t i = 0; i < m->sp_count; i++) {
        const struct sp_entry *sp = &m->sps[i];

        if (uuid != NULL ? !uuid_equal(uuid, sp->uuid) : sp_entry_hidden(m, caller, i))
            continue;
        if (n >= lo && n < hi) {
            struct pi_entry e = {sp->id, sp->exec_ctx, props_for(caller, sp->props),
                                 uuid != NULL ? NULL : sp->uuid};

            visit(ctx, n, &e);
        }
        n++;
    }
    if (uuid != NULL)
        return n;
    if (caller->version >= FFA_VERSION_1_2) {
        if (n >= lo && n < hi) {
            struct pi_entry e = {caller->id, caller->vcpu_count,
                                 props_for(caller, vm_props(m, caller)), NULL};

            visit(ctx, n, &e);
        }
        n++;
    }
    others = (m->cfg.flags & FFA_CFG_VM_TO_VM) != 0 ? m->vm_count - 1 : 0;
    for (uint32_t k = lo > n ? lo - n : 0; k < others && n + k < hi; k++) {
        const struct ffa_vm *v = other_vm(m, caller, k);
        struct pi_entry e = {v->id, v->vcpu_count, props_for(caller, vm_props(m, v)), NULL};

        visit(ctx, n + k, &e);
    }
    return n + others;
}

static void count_only(void *ctx, uint32_t index, const struct pi_entry *e)
{
    (void)ctx;
    (void)index;
    (void)e;
}

/* How many entries `caller` sees for `uuid`. */
static uint32_t partinfo_count(const struct ffa_mediator *m, const struct ffa_vm *caller,
                               const uint8_t *uuid)
{
    return partinfo_walk(m, caller, uuid, 0, 0, count_only, NULL);
}

/* ---- FFA_PARTITION_INFO_GET ---- */

struct rx_writer {
    uint8_t *rx;
    uint32_t entry_size;
};

static void write_entry(void *ctx, uint32_t index, const struct pi_entry *e)
{
    struct rx_writer *w = ctx;
    uint8_t *p = w->rx + (size_t)index * w->entry_size;

    le_put(p, e->id, 2);
    le_put(p + 2, e->exec_ctx, 2);
    le_put(p + 4, e->props, 4);
    if (w->entry_size == INFO_SIZE_V1_1) {
        le_put(p + 8, uuid_word(e->uuid, 0), 8);
        le_put(p + 16, uuid_word(e->uuid, 1), 8);
    }
}

/*
 * w1..w4 = UUID (nil: all), w5 = flags, bit 0 = return the count only (v1.1; bits [31:1] MBZ).
 * SUCCESS with w2 = count and w3 = entry size (0 for a count-only query); the entries go into
 * the VM's RX buffer, which the VM then owns until FFA_RX_RELEASE (not for a count-only query).
 * INVALID_PARAMETERS: bad flags, a count-only query from v1.0, a UUID no partition has;
 * DENIED: no RX buffer; BUSY: the RX buffer is not free; NO_MEMORY: the list does not fit.
 */
void ffam_handle_partition_info_get(struct ffa_mediator *m, struct ffa_vm *vm,
                                    struct ffa_regs *regs, uint32_t cpu)
{
    uint8_t uuid_buf[16];
    const uint8_t *uuid = uuid_buf;
    uint32_t flags = (uint32_t)regs->x[5];
    uint32_t entry_size = vm->version >= FFA_VERSION_1_1 ? INFO_SIZE_V1_1 : INFO_SIZE_V1_0;
    struct rx_writer w = {NULL, entry_size};
    uint32_t count, rx_size = 0;
    int32_t ret = 0;

    uuid_from_words(uuid_buf, (regs->x[1] & 0xffffffffu) | (regs->x[2] << 32),
                    (regs->x[3] & 0xffffffffu) | (regs->x[4] << 32));
    if (uuid_is_nil(uuid_buf))
        uuid = NULL;
    if ((flags & ~1u) != 0 || (flags != 0 && vm->version < FFA_VERSION_1_1)) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }

    ffam_lock(m, m->lock);
    count = partinfo_count(m, vm, uuid);
    if (count == 0 && uuid != NULL)
        ret = FFA_RET_INVALID_PARAMETERS;
    else if (flags == 0)
        ret = ffam_vm_rx_acquire(m, vm, cpu, &w.rx, &rx_size);
    if (ret == 0 && flags == 0) {
        if ((uint64_t)count * entry_size > rx_size) {
            ffam_vm_rx_fill_done(m, vm, cpu, false);
            ret = FFA_RET_NO_MEMORY;
        } else {
            partinfo_walk(m, vm, uuid, 0, count, write_entry, &w);
            ffam_vm_rx_fill_done(m, vm, cpu, true);
        }
    }
    ffam_unlock(m, m->lock);

    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    /* A count-only answer carries no entries, so no size (Hafnium: w3 = 0; Xen too). */
    reply_success32(vm, regs, count, flags != 0 ? 0 : entry_size);
}

/* ---- FFA_PARTITION_INFO_GET_REGS ---- */

struct regs_writer {
    struct ffa_regs *regs;
    uint32_t first, count;
};

static void write_regs_entry(void *ctx, uint32_t index, const struct pi_entry *e)
{
    struct regs_writer *w = ctx;
    uint64_t *x = &w->regs->x[3 + 3 * (index - w->first)];

    x[0] = (uint64_t)e->id | ((uint64_t)e->exec_ctx << 16) | ((uint64_t)e->props << 32);
    x[1] = uuid_word(e->uuid, 0);
    x[2] = uuid_word(e->uuid, 1);
}

/*
 * v1.2, SMC64: x1/x2 = UUID, x3[15:0] = start index, x3[31:16] = tag (0 with start index 0).
 * SUCCESS_64 with x2 = size << 48 | tag << 32 | last index returned << 16 | last index overall,
 * and up to five 24-byte entries packed in x3..x17.
 * INVALID_PARAMETERS: a tag with start 0, nothing to list, start past the end, unknown UUID;
 * RETRY: the tag is not the current one (the list changed since the first call).
 */
void ffam_handle_partition_info_get_regs(struct ffa_mediator *m, struct ffa_vm *vm,
                                         struct ffa_regs *regs)
{
    uint8_t uuid_buf[16];
    const uint8_t *uuid = uuid_buf;
    uint32_t start = (uint32_t)(regs->x[3] & 0xffffu);
    uint32_t tag = (uint32_t)((regs->x[3] >> 16) & 0xffffu);
    struct regs_writer w = {regs, start, 0};
    uint32_t total, cur_tag;
    int32_t ret = 0;

    if (vm->version < FFA_VERSION_1_2) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    uuid_from_words(uuid_buf, regs->x[1], regs->x[2]);
    if (uuid_is_nil(uuid_buf))
        uuid = NULL;

    ffam_lock(m, m->lock);
    cur_tag = m->partinfo_tag;
    total = partinfo_count(m, vm, uuid);
    if (start == 0 && tag != 0)
        ret = FFA_RET_INVALID_PARAMETERS;
    else if (start != 0 && tag != cur_tag)
        ret = FFA_RET_RETRY;
    else if (total == 0 || start >= total)
        ret = FFA_RET_INVALID_PARAMETERS;
    if (ret == 0) {
        w.count = total - start < REGS_MAX_ENTRIES ? total - start : REGS_MAX_ENTRIES;
        ffa_memset(&regs->x[3], 0, sizeof(regs->x[0]) * (FFA_NUM_REGS - 3));
        partinfo_walk(m, vm, uuid, start, start + w.count, write_regs_entry, &w);
    }
    ffam_unlock(m, m->lock);

    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    regs->x[0] = FFA_SUCCESS_64;
    regs->x[1] = 0;
    regs->x[2] = ((uint64_t)INFO_SIZE_V1_1 << 48) | ((uint64_t)cur_tag << 32) |
                 ((uint64_t)(start + w.count - 1) << 16) | (uint64_t)(total - 1);
}

/* ---- The SP list, from the SPMC at create time ---- */

/*
 * Ask the SPMC for every partition (nil UUID) into the mediator's RX buffer, keep a copy, give
 * the buffer back. Entries whose ID lacks bit 15 are not secure partitions and are dropped, as
 * Xen does. Returns 0, or NO_MEMORY; any other failure leaves the list empty (logged).
 */
int ffam_partinfo_cache_sps(struct ffa_mediator *m, uint32_t cpu)
{
    struct ffa_regs r = {{FFA_PARTITION_INFO_GET}};
    uint32_t count, size, kept = 0;

    if (!m->own_mapped || !ffam_fw_supports(m, FFA_PARTITION_INFO_GET))
        return 0;
    ffam_fw_call(m, cpu, &r, &r);
    if ((uint32_t)r.x[0] != FFA_SUCCESS_32 && (uint32_t)r.x[0] != FFA_SUCCESS_64) {
        MED_LOG(m, FFA_LOG_ERROR, "ffa: FFA_PARTITION_INFO_GET from the SPMC failed: %d",
                ffa_error_code(r.x[2]));
        return 0;
    }
    count = (uint32_t)r.x[2];
    size = (uint32_t)r.x[3];
    /* Our own version with the SPMC is at least 1.1: entries are 24 bytes or larger. */
    if (size < INFO_SIZE_V1_1 || size > FFA_PAGE_SIZE || count > FFA_PAGE_SIZE / size) {
        MED_LOG(m, FFA_LOG_ERROR, "ffa: SPMC partition list of %u entries of %u bytes refused",
                count, size);
        ffam_fw_simple_call(m, cpu, FFA_RX_RELEASE, 0, 0, 0);
        return 0;
    }
    if (count > 0) {
        m->sps = ffam_zalloc(m, sizeof(*m->sps) * count);
        m->sp_alloc = count;
        if (m->sps == NULL) {
            m->sp_alloc = 0;
            ffam_fw_simple_call(m, cpu, FFA_RX_RELEASE, 0, 0, 0);
            return FFA_RET_NO_MEMORY;
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *p = m->own_rx + (size_t)i * size;
        struct sp_entry *e = &m->sps[kept];

        e->id = (uint16_t)le_get(p, 2);
        e->exec_ctx = (uint16_t)le_get(p + 2, 2);
        e->props = (uint32_t)le_get(p + 4, 4);
        ffa_memcpy(e->uuid, p + 8, 16);
        if (!FFA_ID_IS_SECURE(e->id)) {
            MED_LOG(m, FFA_LOG_WARN, "ffa: SPMC listed non-secure ID 0x%x: ignored", e->id);
            continue;
        }
        kept++;
    }
    m->sp_count = kept;
    if (ffam_fw_simple_call(m, cpu, FFA_RX_RELEASE, 0, 0, 0) != 0)
        MED_LOG0(m, FFA_LOG_ERROR, "ffa: FFA_RX_RELEASE of the mediator's buffer failed");
    MED_LOG(m, FFA_LOG_INFO, "ffa: %u secure partition entries", kept);
    return 0;
}

void ffam_partinfo_free(struct ffa_mediator *m)
{
    ffam_free(m, m->sps, sizeof(*m->sps) * m->sp_alloc);
    m->sps = NULL;
    m->sp_count = m->sp_alloc = 0;
}
