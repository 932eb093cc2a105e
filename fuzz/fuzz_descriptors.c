/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the descriptor parsers of the message ABIs, structure aware.
 *
 * Input: byte 0 picks the parser, byte 1 a variant (versions, buffer sizes), the rest is the
 * descriptor as it sits in a buffer. A custom mutator (LLVMFuzzerCustomMutator) knows each
 * layout: half of its mutations set a field (an offset, a size, a count, an endpoint ID, a page
 * count, an address) to a value that sits on a boundary (0, 1, the header sizes 20/36/40, the
 * buffer size and its neighbours, values that wrap 32 bits, IDs of the caller, of other VMs and
 * of partitions); the other half are libFuzzer's byte mutations. Seeds (fuzz/corpus/
 * fuzz_descriptors/, written by fuzz/seeds/descriptor_seeds.py) are the layouts Linux and the
 * secure side really build, and the inputs of bugs fixed elsewhere (named in the script).
 *
 * Parsers:
 *  0. FFA_MSG_SEND2 partition message header, read by the mediator from a VM's TX buffer (VM to
 *     VM, v1.1 or v1.2 sender and receiver). Every call runs under the guest-memory watch
 *     (fuzz/common/fz_watch.h): a byte read twice fails. Checked: the answer is SUCCESS,
 *     INVALID_PARAMETERS, NO_MEMORY, or NOT_SUPPORTED for a partition receiver (there is no secure
 *     world here); on SUCCESS the receiver's RX buffer holds exactly the header
 *     in its own layout and the payload; on an error it is untouched.
 *  1. The partition information descriptors an SPMC writes for FFA_PARTITION_INFO_GET (w2 count,
 *     w3 entry size, then the entries), read by the mediator at create time. Checked: what VMs
 *     at v1.0, v1.1 and v1.2 then get from FFA_PARTITION_INFO_GET (RX contents) and
 *     FFA_PARTITION_INFO_GET_REGS (registers) is exactly what an independent model of the
 *     documented rules computes from the same bytes.
 *  2. The endpoint RX/TX descriptor a hypervisor writes for FFA_RXTX_MAP(0, 0, 0), parsed by the
 *     emulated SPMC (backends/unicorn). Checked: a defined answer; a mapping it accepts can be
 *     unmapped; nothing outside guest RAM or the hypervisor's pages is touched (ns_memory only
 *     resolves those, ASan watches the host).
 *  3. The memory transaction descriptors (include/ffa/mem_desc.h, the codec the mediator and the
 *     SPMC use for FFA_MEM_SHARE/LEND/DONATE, RETRIEVE_REQ/RESP and RELINQUISH), in the v1.0, v1.1
 *     and v1.2 layouts, whole or as a first fragment, from an exact-size heap copy (ASan catches
 *     any read past it). Checked: an accepted descriptor's EMADs, composite and constituents lie
 *     inside the fragment and decode; the send rules and the relinquish parser answer defined
 *     codes; a refusal is a defined FF-A error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/mediator.h"
#include "ffa/mem_desc.h"
#include "fz_defects.h"
#include "fz_host.h"
#include "fz_reply.h"
#include "fz_watch.h"
#ifdef FFA_FUZZ_UNICORN
#include "ffa/backend_unicorn.h"
#endif

#define VM_A   1u
#define VM_B   2u
#define TX_IPA FZ_RAM_IPA
#define RX_IPA (FZ_RAM_IPA + 0x4000u)

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fz_host host;
static bool host_ready;

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = n; i > 0; i--)
        v = v << 8 | p[i - 1];
    return v;
}

static struct ffa_regs call(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t id,
                            struct ffa_regs r)
{
    struct fz_call c = {.vm_id = id, .valid_vcpu = true};
    const char *why;

    c.in = r;
    if (ffa_mediator_handle(m, vm, 0, 0, &r) != FFA_CALL_HANDLED)
        fz_fail("call 0x%llx declined", (unsigned long long)c.in.x[0]);
    c.out = r;
    c.version = ffa_vm_version(vm);
    why = fz_reply_problem(&c);
    if (why != NULL)
        fz_fail("VM 0x%x, call 0x%llx: %s", id, (unsigned long long)c.in.x[0], why);
    return r;
}

static struct ffa_vm *add_vm(struct ffa_mediator *m, uint16_t id, uint32_t version)
{
    struct ffa_vm *vm;

    /* FFA_LIFECYCLE_PENDING: added, a VM-created message deferred */
    if (ffa_vm_add(m, id, 1, 0, &vm) < 0)
        fz_fail("ffa_vm_add(%u)", id);
    call(m, vm, id, (struct ffa_regs){{FFA_VERSION, version}});
    call(m, vm, id, (struct ffa_regs){{FFA_ID_GET}});
    return vm;
}

/* ---- Parser 0: the FFA_MSG_SEND2 header, VM to VM ---- */

static void send2(const uint8_t *desc, size_t len, uint8_t variant)
{
    struct ffa_mediator_config cfg = {.flags = FFA_CFG_VM_TO_VM, .rxtx_max_pages = 4};
    uint32_t va = variant & 1u ? FFA_VERSION_1_2 : FFA_VERSION_1_1;
    uint32_t vb = variant & 2u ? FFA_VERSION_1_2 : FFA_VERSION_1_1;
    uint32_t a_pages = 1u + ((variant >> 2) & 3u), b_pages = 1u + ((variant >> 4) & 1u);
    uint32_t a_hdr = va >= FFA_VERSION_1_2 ? 40 : 20, b_hdr = vb >= FFA_VERSION_1_2 ? 40 : 20;
    uint8_t *tx = fz_guest_ptr(&host, VM_A, TX_IPA), *rx = fz_guest_ptr(&host, VM_B, RX_IPA);
    static uint8_t rx_before[4 * 4096], expect[4 * 4096];
    struct ffa_mediator *m;
    struct ffa_vm *a, *b;
    struct ffa_regs r;
    uint32_t off, size, tx_size = a_pages * 4096u, rx_size = b_pages * 4096u;
    int32_t code;

    if (ffa_mediator_create(&cfg, &fz_host_ops, &host, NULL, &m) != 0)
        fz_fail("ffa_mediator_create");
    a = add_vm(m, VM_A, va);
    b = add_vm(m, VM_B, vb);
    call(m, a, VM_A, (struct ffa_regs){{FFA_RXTX_MAP_64, TX_IPA, RX_IPA, a_pages}});
    call(m, b, VM_B, (struct ffa_regs){{FFA_RXTX_MAP_64, TX_IPA, RX_IPA, b_pages}});
    memset(tx, 0, tx_size);
    memcpy(tx, desc, len < tx_size ? len : tx_size);
    memset(rx, 0x5a, rx_size);
    memcpy(rx_before, rx, rx_size);

    fz_watch_region(0, tx, tx_size);
    fz_watch_region(1, rx, rx_size);
    fz_watch_begin();
    r = call(m, a, VM_A, (struct ffa_regs){{FFA_MSG_SEND2}});
    if (fz_watch_end() != 0) {
        struct fz_watch_hit h;

        fz_watch_first_hit(&h);
        fz_fail("FFA_MSG_SEND2 read guest byte 0x%zx of region %u twice (pcs 0x%lx, 0x%lx)",
                h.offset, h.slot, (unsigned long)h.first_pc, (unsigned long)h.second_pc);
    }
    fz_watch_clear();

    off = (uint32_t)get_le(tx + 8, 4);
    size = (uint32_t)get_le(tx + 16, 4);
    if ((uint32_t)r.x[0] == FFA_SUCCESS_32) {
        /* Only a header the rules accept may succeed, and it delivers exactly this. */
        if (get_le(tx + 12, 2) != VM_B || get_le(tx + 14, 2) != VM_A || off < a_hdr || size == 0 ||
            off > tx_size || size > tx_size - off || size > rx_size - b_hdr)
            fz_fail("SEND2 accepted offset %u size %u ids 0x%llx (sender v0x%x, TX %u, RX %u)", off,
                    size, (unsigned long long)get_le(tx + 12, 4), va, tx_size, rx_size);
        memcpy(expect, rx_before, rx_size);
        memset(expect, 0, b_hdr);
        put_le(expect + 8, b_hdr, 4);
        memcpy(expect + 12, tx + 12, 4);
        put_le(expect + 16, size, 4);
        if (a_hdr == 40 && b_hdr == 40)
            memcpy(expect + 24, tx + 24, 16);
        memcpy(expect + b_hdr, tx + off, size);
        if (memcmp(expect, rx, rx_size) != 0)
            fz_fail("SEND2: the receiver's RX buffer is not the header and payload sent");
    } else {
        code = (int32_t)(uint32_t)r.x[2];
        /* NOT_SUPPORTED: a partition as receiver, and no secure world behind this mediator. */
        if (code != FFA_RET_INVALID_PARAMETERS && code != FFA_RET_NO_MEMORY &&
            !(code == FFA_RET_NOT_SUPPORTED && FFA_ID_IS_SECURE(get_le(tx + 12, 2)) &&
              get_le(tx + 14, 2) == VM_A))
            fz_fail("SEND2 answered %d", code);
        if (memcmp(rx, rx_before, rx_size) != 0)
            fz_fail("SEND2 failed (%d) but wrote the receiver's RX buffer", code);
    }
    ffa_mediator_destroy(m);
}

/* ---- Parser 1: the SPMC's partition list, read by the mediator at create time ---- */

static struct {
    const uint8_t *list; /* count and size, then the entries */
    size_t len;
    uint8_t *own_rx;
} pl;

static void pl_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[0];
    struct ffa_regs r = {{FFA_SUCCESS_32}};

    (void)ctx;
    (void)cpu;
    if (fid == FFA_VERSION) {
        r.x[0] = FFA_VERSION_1_2;
    } else if (fid == FFA_RXTX_MAP_64 && in->x[1] != 0) {
        pl.own_rx = (uint8_t *)(uintptr_t)in->x[2];
    } else if (fid == FFA_PARTITION_INFO_GET) {
        r.x[2] = pl.len >= 4 ? get_le(pl.list, 4) : 0;
        r.x[3] = pl.len >= 8 ? get_le(pl.list + 4, 4) : 24;
        memset(pl.own_rx, 0, 4096);
        if (pl.len > 8)
            memcpy(pl.own_rx, pl.list + 8, pl.len - 8 < 4096 ? pl.len - 8 : 4096);
    }
    *out = r;
}

static const struct ffa_backend_ops pl_ops = {
    .name = "partition-list",
    .caps = FFA_BACKEND_CAP_CONCURRENT | FFA_BACKEND_CAP_EMULATED,
    .call = pl_call,
};

struct entry {
    uint16_t id, ctx;
    uint32_t props;
    uint8_t uuid[16];
};

/*
 * The documented rules, from the same bytes: the list is kept when the entry size is 24..4096
 * and the entries fit one page; entries without bit 15 are dropped; a caller below v1.2 sees one
 * entry per partition (the first of consecutive entries with one ID); a v1.2 caller then sees
 * itself; properties are masked to the caller's version; v1.0 entries are 8 bytes.
 */
static unsigned model(uint32_t version, struct entry *out, unsigned cap)
{
    uint32_t count = pl.len >= 4 ? (uint32_t)get_le(pl.list, 4) : 0;
    uint32_t size = pl.len >= 8 ? (uint32_t)get_le(pl.list + 4, 4) : 24;
    uint32_t mask = version >= FFA_VERSION_1_2 ? 0x7ffu : version >= FFA_VERSION_1_1 ? 0x1ffu : 7u;
    uint8_t rx[4096] = {0};
    unsigned n = 0;
    int last_id = -1;

    if (size < 24 || size > 4096 || count > 4096u / size)
        count = 0;
    if (pl.len > 8)
        memcpy(rx, pl.list + 8, pl.len - 8 < 4096 ? pl.len - 8 : 4096);
    for (uint32_t i = 0; i < count && n < cap; i++) {
        const uint8_t *p = rx + (size_t)i * size;
        uint16_t id = (uint16_t)get_le(p, 2);

        if (!FFA_ID_IS_SECURE(id))
            continue;
        if (version < FFA_VERSION_1_2 && id == last_id) {
            last_id = id;
            continue;
        }
        last_id = id;
        out[n].id = id;
        out[n].ctx = (uint16_t)get_le(p + 2, 2);
        out[n].props = (uint32_t)get_le(p + 4, 4) & mask;
        memcpy(out[n].uuid, p + 8, 16);
        n++;
    }
    if (version >= FFA_VERSION_1_2 && n < cap) {
        /*
         * the caller: sends direct requests, indirect messages (forwarded), receives
         * notifications (this world reports the notification ABIs), AArch64, REQ2
         */
        out[n] =
            (struct entry){VM_A, 1, (1u << 1 | 1u << 2 | 1u << 3 | 1u << 8 | 1u << 10) & mask, {0}};
        n++;
    }
    return n;
}

static void partition_list(const uint8_t *desc, size_t len, uint8_t variant)
{
    static const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
    uint32_t version = versions[variant % 3];
    struct ffa_backend be = {&pl_ops, NULL};
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct entry want[256];
    uint8_t *rx = fz_guest_ptr(&host, VM_A, RX_IPA);
    unsigned n, esize = version >= FFA_VERSION_1_1 ? 24 : 8;
    struct ffa_regs r;

    pl.list = desc;
    pl.len = len;
    if (ffa_mediator_create(NULL, &fz_host_ops, &host, &be, &m) != 0)
        fz_fail("ffa_mediator_create");
    vm = add_vm(m, VM_A, version);
    call(m, vm, VM_A, (struct ffa_regs){{FFA_RXTX_MAP_64, TX_IPA, RX_IPA, 1}});
    n = model(version, want, 256);
    r = call(m, vm, VM_A, (struct ffa_regs){{FFA_PARTITION_INFO_GET}});
    if ((uint64_t)n * esize > 4096) {
        if ((uint32_t)r.x[0] != FFA_ERROR || (int32_t)(uint32_t)r.x[2] != FFA_RET_NO_MEMORY)
            fz_fail("%u entries of %u bytes do not fit RX, yet no NO_MEMORY", n, esize);
    } else {
        if ((uint32_t)r.x[0] != FFA_SUCCESS_32 || r.x[2] != n || r.x[3] != esize)
            fz_fail("PARTITION_INFO_GET (v0x%x): 0x%llx count %llu size %llu, the model says %u",
                    version, (unsigned long long)r.x[0], (unsigned long long)r.x[2],
                    (unsigned long long)r.x[3], n);
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *p = rx + (size_t)i * esize;

            if (get_le(p, 2) != want[i].id || get_le(p + 2, 2) != want[i].ctx ||
                get_le(p + 4, 4) != want[i].props ||
                (esize == 24 && memcmp(p + 8, want[i].uuid, 16) != 0))
                fz_fail("entry %u: 0x%llx ctx %llu props 0x%llx, the model says 0x%x %u 0x%x", i,
                        (unsigned long long)get_le(p, 2), (unsigned long long)get_le(p + 2, 2),
                        (unsigned long long)get_le(p + 4, 4), want[i].id, want[i].ctx,
                        want[i].props);
        }
        call(m, vm, VM_A, (struct ffa_regs){{FFA_RX_RELEASE}});
    }
    /* v1.2: the register form pages through the same list. */
    for (uint32_t start = 0, tag = 0; version >= FFA_VERSION_1_2 && start < n;) {
        uint32_t cur;

        r = call(m, vm, VM_A,
                 (struct ffa_regs){{FFA_PARTITION_INFO_GET_REGS, 0, 0, start | tag << 16}});
        if ((uint32_t)r.x[0] != FFA_SUCCESS_64 || (r.x[2] & 0xffffu) != n - 1u)
            fz_fail("PARTITION_INFO_GET_REGS from %u: 0x%llx x2 0x%llx (model: %u entries)", start,
                    (unsigned long long)r.x[0], (unsigned long long)r.x[2], n);
        cur = (uint32_t)((r.x[2] >> 16) & 0xffffu);
        tag = (uint32_t)((r.x[2] >> 32) & 0xffffu);
        if (cur < start || cur >= n || cur - start >= 5)
            fz_fail("PARTITION_INFO_GET_REGS current index %u from %u", cur, start);
        for (uint32_t i = start; i <= cur; i++) {
            const uint64_t *x = &r.x[3 + 3 * (i - start)];

            if (x[0] != ((uint64_t)want[i].id | (uint64_t)want[i].ctx << 16 |
                         (uint64_t)want[i].props << 32) ||
                x[1] != get_le(want[i].uuid, 8) || x[2] != get_le(want[i].uuid + 8, 8))
                fz_fail("PARTITION_INFO_GET_REGS entry %u differs from the model", i);
        }
        start = cur + 1;
    }
    ffa_mediator_destroy(m);
}

/* ---- Parser 2: the endpoint RX/TX descriptor, parsed by the emulated SPMC ---- */

#ifdef FFA_FUZZ_UNICORN
static struct fz_host spmc_host; /* lives as long as the SPMC: the whole run */
static struct ffa_unicorn *spmc;
static struct ffa_backend spmc_be;
static uint8_t *hyp_tx, *hyp_rx;

static void quiet(void *ctx, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *msg)
{
    (void)ctx;
    if (getenv("FFA_FUZZ_VERBOSE") != NULL)
        fprintf(stderr, "[spmc %d %04x] %s\n", (int)kind, sp_id, msg);
}

static struct ffa_regs spmc_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
    struct ffa_regs r = {{x0, x1, x2, x3}}, out;

    ffa_backend_call(&spmc_be, 0, &r, &out);
    if ((uint32_t)out.x[0] != FFA_SUCCESS_32 &&
        ((uint32_t)out.x[0] != FFA_ERROR || (int32_t)(uint32_t)out.x[2] > -1 ||
         (int32_t)(uint32_t)out.x[2] < FFA_RET_NO_DATA))
        fz_fail("the emulated SPMC answered 0x%llx w2 0x%llx to 0x%llx",
                (unsigned long long)out.x[0], (unsigned long long)out.x[2], (unsigned long long)x0);
    return out;
}

static void spmc_setup(void)
{
    static const char elf[] = FFA_SP_DIR "/echo.elf", dtb[] = FFA_SP_DIR "/echo.dtb";
    struct ffa_unicorn_sp_config sp = {.elf_path = elf, .manifest_path = dtb};
    struct ffa_unicorn_config cfg = {
        .sps = &sp, .sp_count = 1, .log = quiet, .ns_memory = fz_ns_memory, .ns_ctx = &spmc_host};
    uint64_t tx_pa, rx_pa;
    char err[256];

    fz_host_init(&spmc_host);
    if (ffa_unicorn_create(&cfg, &spmc, err, sizeof(err)) != 0)
        fz_fail("ffa_unicorn_create: %s", err);
    spmc_be = ffa_unicorn_backend(spmc);
    hyp_tx = fz_host_ops.page_alloc(&spmc_host, 1, &tx_pa);
    hyp_rx = fz_host_ops.page_alloc(&spmc_host, 1, &rx_pa);
    if ((uint32_t)spmc_call(FFA_RXTX_MAP_64, tx_pa, rx_pa, 1).x[0] != FFA_SUCCESS_32)
        fz_fail("the emulated SPMC refused the hypervisor's buffers");
}

static void rxtx_descriptor(const uint8_t *desc, size_t len)
{
    struct ffa_regs r;
    uint16_t id = len >= 2 ? (uint16_t)get_le(desc, 2) : 0;

    if (spmc == NULL)
        spmc_setup();
    memset(hyp_tx, 0, 4096);
    memcpy(hyp_tx, desc, len < 4096 ? len : 4096);
    r = spmc_call(FFA_RXTX_MAP_64, 0, 0, 0);
    if ((uint32_t)r.x[0] == FFA_SUCCESS_32) {
        if (id == 0 || FFA_ID_IS_SECURE(id))
            fz_fail("the emulated SPMC mapped buffers for endpoint 0x%x", id);
        if ((uint32_t)spmc_call(FFA_RXTX_UNMAP, (uint32_t)id << 16, 0, 0).x[0] != FFA_SUCCESS_32)
            fz_fail("a forwarded pair the SPMC accepted cannot be unmapped");
    }
}
#endif

/* ---- Parser 3: memory transaction descriptors ---- */

static bool defined_error(int rc)
{
    return rc == FFA_RET_INVALID_PARAMETERS || rc == FFA_RET_DENIED || rc == FFA_RET_NO_MEMORY ||
           rc == FFA_RET_NOT_SUPPORTED || rc == FFA_RET_ABORTED;
}

static void mem_descriptor(const uint8_t *desc, size_t len, uint8_t variant)
{
    static const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1, FFA_VERSION_1_2};
    uint32_t version = versions[variant % 3];
    enum ffa_mem_desc_kind kind = (enum ffa_mem_desc_kind)(1 + (variant >> 2) % 3);
    uint32_t total = (uint32_t)len, frag = (uint32_t)len;
    struct ffa_mem_relinquish rel;
    struct ffa_mem_desc d;
    uint8_t *buf;
    int rc;

    if (len > 0x10000)
        return;
    if (variant & 0x20) /* a first fragment: the rest is announced but not here */
        frag = (uint32_t)len & ~15u;
    if (variant & 0x40)
        total += 16u * (1u + (variant >> 7));
    buf = malloc(len ? len : 1);
    if (buf == NULL)
        abort();
    memcpy(buf, desc, len);
    rc = ffa_mem_desc_parse(buf, frag, total, version, kind, &d);
    if (rc != 0) {
        if (!defined_error(rc))
            fz_fail("ffa_mem_desc_parse answered %d", rc);
    } else {
        if (d.buf != buf || d.len != frag ||
            (uint64_t)d.emad_offset + (uint64_t)d.emad_count * d.emad_size > frag)
            fz_fail("an accepted descriptor's EMADs (offset %u, %u of %u bytes) pass its %u bytes",
                    d.emad_offset, d.emad_count, d.emad_size, frag);
        for (uint32_t i = 0; i < d.emad_count && i < 64; i++) {
            struct ffa_mem_access a;

            ffa_mem_desc_access(&d, i, &a);
        }
        if (kind != FFA_MEM_DESC_RETRIEVE_REQ) {
            if ((uint64_t)d.composite_offset + 16 > frag ||
                (uint64_t)d.ranges_offset + 16ull * d.ranges_in_fragment > frag)
                fz_fail("an accepted descriptor's composite (%u) or constituents (%u x%u) pass its "
                        "%u bytes",
                        d.composite_offset, d.ranges_offset, d.ranges_in_fragment, frag);
            for (uint32_t i = 0; i < d.ranges_in_fragment && i < 256; i++) {
                struct ffa_mem_range r;

                rc = ffa_mem_range_get(buf, frag, d.ranges_offset, i, &r);
                if (rc == 0 && (r.page_count == 0 || (r.address & 0xfffu) != 0))
                    fz_fail("constituent %u accepted with %u pages at 0x%llx", i, r.page_count,
                            (unsigned long long)r.address);
                if (rc != 0 && !defined_error(rc))
                    fz_fail("ffa_mem_range_get answered %d", rc);
            }
        }
        if (kind == FFA_MEM_DESC_SEND) {
            rc = ffa_mem_send_check(&d, (enum ffa_mem_xfer)(1 + (variant >> 4) % 3), 8);
            if (rc != 0 && !defined_error(rc))
                fz_fail("ffa_mem_send_check answered %d", rc);
        }
    }
    rc = ffa_mem_relinquish_parse(buf, (uint32_t)len, &rel);
    if (rc == 0) {
        if (16u + 2ull * rel.endpoint_count > len)
            fz_fail("a relinquish descriptor of %u endpoints accepted in %zu bytes",
                    rel.endpoint_count, len);
        for (uint32_t i = 0; i < rel.endpoint_count && i < 64; i++)
            (void)ffa_mem_relinquish_endpoint(buf, i);
    } else if (!defined_error(rc)) {
        fz_fail("ffa_mem_relinquish_parse answered %d", rc);
    }
    free(buf);
}

/* ---- The structure-aware mutator ---- */

static uint64_t interesting(unsigned k, size_t len)
{
    static const uint64_t fixed[] = {0,
                                     1,
                                     16,
                                     20,
                                     24,
                                     36,
                                     40,
                                     48,
                                     4095,
                                     4096,
                                     4097,
                                     8192,
                                     0xffff,
                                     0x8000,
                                     0x8001,
                                     0x80000000,
                                     0xffffffff,
                                     0xfffffff0,
                                     VM_A,
                                     VM_B,
                                     VM_A << 16 | VM_B,
                                     VM_B << 16 | VM_A};

    if (k % 4 == 0)
        return len + (k / 4) % 3 - 1; /* the descriptor's own length, +-1 */
    if (k % 4 == 1)
        return 16u * ((k / 4) % 8); /* layout sizes: 0, 16, 32, 48 (headers, EMADs) ... */
    return fixed[k % (sizeof(fixed) / sizeof(fixed[0]))];
}

/* Offsets and widths of the fields of parser `which`'s layout, as far as `len` bytes hold them. */
static unsigned fields(uint8_t which, const uint8_t *d, size_t len, uint32_t *off, uint8_t *width,
                       unsigned cap)
{
    unsigned n = 0;

#define FIELD(o, w)                                                                                \
    do {                                                                                           \
        if ((o) + (w) <= len && n < cap) {                                                         \
            off[n] = (uint32_t)(o);                                                                \
            width[n++] = (w);                                                                      \
        }                                                                                          \
    } while (0)
    switch (which % 4) {
    case 3: { /* header, the first EMAD, the composite, the first constituent */
        uint32_t eo = len >= 36 ? (uint32_t)get_le(d + 32, 4) : 48, co;

        FIELD(0, 2);
        FIELD(2, 2);
        FIELD(4, 4);
        FIELD(8, 8);
        FIELD(24, 4);
        FIELD(28, 4);
        FIELD(32, 4);
        if (eo > len)
            eo = 48;
        FIELD(eo, 2);
        FIELD(eo + 2, 1);
        FIELD(eo + 4, 4);
        co = eo + 8 <= len ? (uint32_t)get_le(d + eo + 4, 4) : 0;
        if (co > len)
            break;
        FIELD(co, 4);
        FIELD(co + 4, 4);
        FIELD(co + 16, 8);
        FIELD(co + 24, 4);
        break;
    }
    case 0: /* flags, offset, receiver, sender, size, reserved */
        FIELD(0, 4);
        FIELD(8, 4);
        FIELD(12, 2);
        FIELD(14, 2);
        FIELD(16, 4);
        FIELD(20, 4);
        break;
    case 1: { /* count, size, then each entry's ID, contexts, properties */
        uint32_t size = len >= 8 ? (uint32_t)get_le(d + 4, 4) : 24;

        FIELD(0, 4);
        FIELD(4, 4);
        if (size < 8 || size > 4096)
            size = 24;
        for (size_t e = 8; e + 8 <= len && n + 3 <= cap; e += size) {
            FIELD(e, 2);
            FIELD(e + 2, 2);
            FIELD(e + 4, 4);
        }
        break;
    }
    default: { /* endpoint, RX and TX composite offsets, then each composite's fields */
        FIELD(0, 2);
        FIELD(4, 4);
        FIELD(8, 4);
        for (unsigned c = 0; c < 2; c++) {
            uint32_t co = len >= 12 ? (uint32_t)get_le(d + 4 + 4 * c, 4) : 16;

            if (co > len)
                continue;
            FIELD(co, 4);      /* total page count */
            FIELD(co + 4, 4);  /* address range count */
            FIELD(co + 16, 8); /* first constituent's address */
            FIELD(co + 24, 4); /* its page count */
        }
        break;
    }
    }
#undef FIELD
    return n;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint32_t off[64];
    uint8_t width[64];
    unsigned n, pick;
    uint64_t v;

    srand(seed);
    if (size < 3 || (rand() & 1))
        return LLVMFuzzerMutate(data, size, max_size);
    n = fields(data[0], data + 2, size - 2, off, width, 64);
    if (n == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    pick = (unsigned)rand() % n;
    v = interesting((unsigned)rand(), size - 2);
    if (width[pick] == 8 && (rand() & 1)) /* an address: guest RAM, the window, anywhere */
        v = (rand() & 1) ? FZ_PA(VM_A, FZ_RAM_IPA + 4096u * (unsigned)(rand() % 12)) : v << 12;
    put_le(data + 2 + off[pick], v, width[pick]);
    return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!host_ready) {
        fz_host_init(&host);
        host_ready = true;
    }
    fz_defect_input("fuzz_descriptors", data, size);
    if (size < 2)
        return 0;
    switch (data[0] % 4) {
    case 0:
        send2(data + 2, size - 2, data[1]);
        break;
    case 3:
        mem_descriptor(data + 2, size - 2, data[1]);
        break;
    case 1:
        partition_list(data + 2, size - 2, data[1]);
        break;
    default:
#ifdef FFA_FUZZ_UNICORN
        rxtx_descriptor(data + 2, size - 2);
#endif
        return 0; /* nothing per input left to check: the SPMC lives for the whole run */
    }
    if (!fz_host_reset(&host))
        fz_fail("host resources left");
    return 0;
}
