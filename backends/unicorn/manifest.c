/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FF-A partition manifest (TF-A docs/components/ffa-manifest-binding.rst, compatible
 * "arm,ffa-manifest-1.0"; Hafnium src/manifest.c parse_ffa_manifest() reads the same properties),
 * parsed with libfdt into struct sp_manifest. Every field the binding defines and the SPMC may use
 * is kept. A bad value is refused with a message that names the property and the value; a blob
 * that is not a whole, valid DTB with one that says what is wrong with it.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spmc_internal.h"

struct mf_ctx {
    const void *fdt;
    char *err;
    size_t err_len;
};

__attribute__((format(printf, 2, 3))) static int mf_fail(struct mf_ctx *c, const char *fmt, ...)
{
    va_list ap;

    if (c->err != NULL && c->err_len > 0) {
        int n = snprintf(c->err, c->err_len, "manifest: ");

        va_start(ap, fmt);
        if (n > 0 && (size_t)n < c->err_len)
            vsnprintf(c->err + n, c->err_len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/*
 * Read a property of 1 cell (u32) or 2 cells (u64, for allow64). Returns 1 found, 0 absent, -1 bad.
 * *out is 0 unless a value was read, so no caller ever sees an indeterminate value.
 */
static int mf_read(struct mf_ctx *c, int node, const char *name, bool allow64, uint64_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(c->fdt, node, name, &len);

    *out = 0;
    if (p == NULL)
        return 0;
    if (len == 4) {
        *out = fdt32_to_cpu(p[0]);
        return 1;
    }
    if (len == 8 && allow64) {
        *out = ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
        return 1;
    }
    return mf_fail(c, "property '%s' has %d bytes: expected %s", name, len,
                   allow64 ? "one or two 32-bit cells" : "one 32-bit cell");
}

static int mf_required(struct mf_ctx *c, int node, const char *name, bool allow64, uint64_t *out)
{
    int r = mf_read(c, node, name, allow64, out);

    if (r == 0)
        return mf_fail(c, "required property '%s' is missing", name);
    return r < 0 ? -1 : 0;
}

static int mf_optional(struct mf_ctx *c, int node, const char *name, bool allow64, uint64_t dflt,
                       uint64_t *out)
{
    int r = mf_read(c, node, name, allow64, out);

    if (r == 0)
        *out = dflt;
    return r < 0 ? -1 : 0;
}

static int mf_uuids(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    int len;
    const fdt32_t *p = fdt_getprop(c->fdt, root, "uuid", &len);

    if (p == NULL)
        return mf_fail(c, "required property 'uuid' is missing");
    if (len <= 0 || len % 16 != 0)
        return mf_fail(c, "property 'uuid' has %d bytes: expected a multiple of 16", len);
    if ((size_t)len / 16 > SPMC_MAX_UUID)
        return mf_fail(c, "property 'uuid' lists %d UUIDs: at most %u", len / 16, SPMC_MAX_UUID);
    mf->uuid_count = (uint32_t)len / 16;
    for (uint32_t i = 0; i < mf->uuid_count; i++) {
        uint32_t any = 0;

        for (int w = 0; w < 4; w++) {
            mf->uuids[i].w[w] = fdt32_to_cpu(p[i * 4 + (uint32_t)w]);
            any |= mf->uuids[i].w[w];
        }
        /* The Nil UUID means "any partition" in PARTITION_INFO_GET and DIRECT_REQ2. */
        if (any == 0)
            return mf_fail(c, "property 'uuid' entry %u is the Nil UUID", i);
    }
    return 0;
}

/* The endpoint ID: 1..0x7FFF get bit 15 added (ACS/TF-A style), 0x8001.. are taken as given. */
static int mf_id(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    uint64_t v;

    if (mf_required(c, root, "id", false, &v) != 0)
        return -1;
    if (v >= 1 && v <= 0x7fff)
        v |= FFA_ID_SECURE_BIT;
    /* 0x8000 is the SPMC, 0xFFFF the SPMD, 0xFFC0..0xFFFE the SPMD's logical partitions. */
    if (v <= FFA_ID_SPMC || v >= 0xffc0u)
        return mf_fail(c,
                       "property 'id' value 0x%llx is not a partition ID (1..0x7fff or "
                       "0x8001..0xffbf)",
                       (unsigned long long)v);
    mf->id = (uint16_t)v;
    return 0;
}

static int mf_region(struct mf_ctx *c, int node, struct sp_manifest *mf)
{
    struct sp_mem_region *r;
    const char *nm = fdt_get_name(c->fdt, node, NULL);
    uint64_t base, pages, attr;

    if (mf->region_count >= SPMC_MAX_MEMR)
        return mf_fail(c, "memory-regions: more than %u regions", SPMC_MAX_MEMR);
    r = &mf->regions[mf->region_count];
    snprintf(r->name, sizeof(r->name), "%s", nm != NULL ? nm : "?");
    if (mf_required(c, node, "base-address", true, &base) != 0 ||
        mf_required(c, node, "pages-count", false, &pages) != 0 ||
        mf_required(c, node, "attributes", false, &attr) != 0) {
        /* Say which region: append its name to the message. */
        size_t n = c->err != NULL ? strlen(c->err) : 0;

        if (c->err != NULL && n < c->err_len)
            snprintf(c->err + n, c->err_len - n, " (memory region '%s')", r->name);
        return -1;
    }
    if (base % SPMC_PAGE != 0)
        return mf_fail(c,
                       "memory region '%s': property 'base-address' value 0x%llx is not "
                       "4 KiB aligned",
                       r->name, (unsigned long long)base);
    /* A region is host memory: cap it (64 MiB) so a manifest cannot exhaust the host. */
    if (pages == 0 || pages > 16384)
        return mf_fail(c,
                       "memory region '%s': property 'pages-count' value %llu is not in 1..16384",
                       r->name, (unsigned long long)pages);
    if (base + pages * SPMC_PAGE < base || base + pages * SPMC_PAGE > (UINT64_C(1) << 40))
        return mf_fail(c,
                       "memory region '%s': 'base-address' 0x%llx + %llu pages is beyond the "
                       "40-bit physical address space",
                       r->name, (unsigned long long)base, (unsigned long long)pages);
    if ((attr & ~UINT64_C(0xf)) != 0 || (attr & 3) == 0 || (attr & 3) == 2)
        return mf_fail(c,
                       "memory region '%s': property 'attributes' value 0x%llx is not R, RW "
                       "or RX (+NS)",
                       r->name, (unsigned long long)attr);
    /* W+X is refused: the SPMC never maps writable code (as Hafnium). */
    if ((attr & 6) == 6)
        return mf_fail(c,
                       "memory region '%s': property 'attributes' value 0x%llx is writable "
                       "and executable",
                       r->name, (unsigned long long)attr);
    r->base = base;
    r->pages = (uint32_t)pages;
    r->attributes = (uint32_t)attr;
    r->phandle = fdt_get_phandle(c->fdt, node);
    mf->region_count++;
    return 0;
}

static int mf_regions(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    int node = fdt_subnode_offset(c->fdt, root, "memory-regions");
    int sub;

    if (node < 0)
        return 0;
    fdt_for_each_subnode(sub, c->fdt, node)
    {
        if (mf_region(c, sub, mf) != 0)
            return -1;
    }
    return 0;
}

/* The memory region a phandle of the rx_tx-info node refers to. */
static int mf_rxtx_region(struct mf_ctx *c, int node, const char *prop, struct sp_manifest *mf,
                          uint32_t *index)
{
    uint64_t ph;

    if (mf_required(c, node, prop, false, &ph) != 0) {
        size_t n = c->err != NULL ? strlen(c->err) : 0;

        if (c->err != NULL && n < c->err_len)
            snprintf(c->err + n, c->err_len - n, " (node 'rx_tx-info')");
        return -1;
    }
    for (uint32_t i = 0; i < mf->region_count; i++) {
        if (ph != 0 && mf->regions[i].phandle == ph) {
            *index = i;
            return 0;
        }
    }
    return mf_fail(c,
                   "rx_tx-info: property '%s' value 0x%llx is not the phandle of a memory region",
                   prop, (unsigned long long)ph);
}

/*
 * rx_tx-info (compatible "arm,ffa-manifest-rx_tx-buffer"): rx-buffer and tx-buffer are phandles
 * of two memory regions of the same size (Hafnium: RXTX_SIZE_MISMATCH), read-write (the SPMC
 * fills RX and reads TX from the SP's writable RAM, as for FFA_RXTX_MAP), and at most
 * SPMC_RXTX_MAX_PAGES pages.
 */
static int mf_rxtx(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    int node = fdt_subnode_offset(c->fdt, root, "rx_tx-info");
    const struct sp_mem_region *rx, *tx;

    if (node < 0)
        return 0;
    if (fdt_node_check_compatible(c->fdt, node, "arm,ffa-manifest-rx_tx-buffer") != 0)
        return mf_fail(c, "rx_tx-info: property 'compatible' is not "
                          "\"arm,ffa-manifest-rx_tx-buffer\"");
    if (mf_rxtx_region(c, node, "rx-buffer", mf, &mf->rx_region) != 0 ||
        mf_rxtx_region(c, node, "tx-buffer", mf, &mf->tx_region) != 0)
        return -1;
    rx = &mf->regions[mf->rx_region];
    tx = &mf->regions[mf->tx_region];
    if (mf->rx_region == mf->tx_region)
        return mf_fail(c, "rx_tx-info: 'rx-buffer' and 'tx-buffer' are the same region '%s'",
                       rx->name);
    if (rx->pages != tx->pages || rx->pages > SPMC_RXTX_MAX_PAGES)
        return mf_fail(c,
                       "rx_tx-info: regions '%s' (%u pages) and '%s' (%u pages) must have the "
                       "same size, at most %u pages",
                       rx->name, rx->pages, tx->name, tx->pages, SPMC_RXTX_MAX_PAGES);
    if ((rx->attributes & 3) != 3 || (tx->attributes & 3) != 3)
        return mf_fail(c, "rx_tx-info: regions '%s' and '%s' must be read-write (attributes 0x3)",
                       rx->name, tx->name);
    mf->rxtx_declared = true;
    return 0;
}

static void mf_name(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    static const char *const props[] = {"debug_name", "debug-name", "description"};

    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
        int len;
        const char *s = fdt_getprop(c->fdt, root, props[i], &len);

        if (s != NULL && len > 0 && s[len - 1] == '\0') {
            snprintf(mf->name, sizeof(mf->name), "%s", s);
            return;
        }
    }
    snprintf(mf->name, sizeof(mf->name), "sp-%04x", mf->id);
}

static int mf_scalars(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    uint64_t v;

    if (mf_required(c, root, "ffa-version", false, &v) != 0)
        return -1;
    /* Compatible when majors match and the SP's minor <= ours (DEN0077A v1.2 FFA_VERSION). */
    if ((v & FFA_VERSION_MBZ) != 0 || FFA_VERSION_MAJOR(v) != 1 || v > SPMC_VERSION)
        return mf_fail(c, "property 'ffa-version' value 0x%llx is not 1.0..1.2",
                       (unsigned long long)v);
    mf->ffa_version = (uint32_t)v;

    if (mf_required(c, root, "execution-ctx-count", false, &v) != 0)
        return -1;
    if (v == 0 || v > SPMC_MAX_ECS)
        return mf_fail(c, "property 'execution-ctx-count' value %llu is not in 1..%u",
                       (unsigned long long)v, SPMC_MAX_ECS);
    mf->ec_count = (uint32_t)v;

    if (mf_required(c, root, "exception-level", false, &v) != 0)
        return -1;
    /* 0 = NS-EL1 (a VM), 1 = S-EL0, 2 = S-EL1 (TF-A's binding, "exception-level"). */
    if (v != 1 && v != 2)
        return mf_fail(c, "property 'exception-level' value %llu is not 1 (S-EL0) or 2 (S-EL1)",
                       (unsigned long long)v);
    mf->el0 = v == 1;

    if (mf_optional(c, root, "execution-state", false, 0, &v) != 0)
        return -1;
    if (v != 0)
        return mf_fail(c, "property 'execution-state' value %llu is not 0 (AArch64)",
                       (unsigned long long)v);
    mf->execution_state = 0;

    if (mf_required(c, root, "load-address", true, &v) != 0)
        return -1;
    if (v % SPMC_PAGE != 0)
        return mf_fail(c, "property 'load-address' value 0x%llx is not 4 KiB aligned",
                       (unsigned long long)v);
    mf->load_address = v;
    if (mf_optional(c, root, "entrypoint-offset", false, 0, &v) != 0)
        return -1;
    mf->entrypoint_offset = v;
    if (v % 4 != 0)
        return mf_fail(c, "property 'entrypoint-offset' value 0x%llx is not 4-byte aligned",
                       (unsigned long long)v);

    if (mf_optional(c, root, "xlat-granule", false, 0, &v) != 0)
        return -1;
    if (v > 2)
        return mf_fail(c, "property 'xlat-granule' value %llu is not 0, 1 or 2",
                       (unsigned long long)v);
    mf->xlat_granule = (uint32_t)v;

    if (mf_optional(c, root, "boot-order", false, 0x10000, &v) != 0)
        return -1;
    if (v > 0x10000)
        return mf_fail(c, "property 'boot-order' value %llu is above 0xffff",
                       (unsigned long long)v);
    mf->boot_order = (uint32_t)v;

    if (mf_required(c, root, "messaging-method", false, &v) != 0)
        return -1;
    if ((v & ~(uint64_t)MM_VALID_MASK) != 0)
        return mf_fail(c, "property 'messaging-method' value 0x%llx has reserved bits 0x%llx",
                       (unsigned long long)v, (unsigned long long)(v & ~(uint64_t)MM_VALID_MASK));
    mf->messaging_method = (uint32_t)v;

    /* Hafnium's default when the property is absent is "signaled" (NS_ACTION_SIGNALED). */
    if (mf_optional(c, root, "ns-interrupts-action", false, NS_SIGNALED, &v) != 0)
        return -1;
    if (v > NS_SIGNALED)
        return mf_fail(c,
                       "property 'ns-interrupts-action' value %llu is not 0 (queued), 1 "
                       "(managed exit) or 2 (signaled)",
                       (unsigned long long)v);
    mf->ns_action = (enum ns_action)v;
    /*
     * Managed exit is signalled by a vIRQ taken at the SP's own EL1 vectors; an S-EL0 SP has
     * none in this model (docs/unicorn.md, "Managed exit").
     */
    if (mf->ns_action == NS_MANAGED_EXIT && mf->el0)
        return mf_fail(c, "property 'ns-interrupts-action' value 1 (managed exit) needs an S-EL1 "
                          "partition ('exception-level' 2)");
    mf->managed_exit_virq = fdt_getprop(c->fdt, root, "managed-exit-virq", NULL) != NULL;

    if (mf_optional(c, root, "other-s-interrupts-action", false, 0, &v) != 0)
        return -1;
    mf->other_s_interrupts_action = (uint32_t)v;

    if (mf_optional(c, root, "gp-register-num", false, UINT64_MAX, &v) != 0)
        return -1;
    if (v != UINT64_MAX && v > 3)
        return mf_fail(c, "property 'gp-register-num' value %llu is not 0..3",
                       (unsigned long long)v);
    mf->gp_register_num = v == UINT64_MAX ? -1 : (int)v;

    mf->notification_support = fdt_getprop(c->fdt, root, "notification-support", NULL) != NULL;
    if (mf_optional(c, root, "power-management-messages", false, 0, &v) != 0)
        return -1;
    mf->power_management_messages = (uint32_t)v;
    if (mf_optional(c, root, "vm-availability-messages", false, 0, &v) != 0)
        return -1;
    mf->vm_availability_messages = (uint32_t)v;
    return 0;
}

/*
 * The blob must be a whole DTB before libfdt reads anything from it: each way it can fail gets
 * its own message (libfdt's own check answers "<no error>" for a truncated blob whose header is
 * intact: fdt_check_header() looks at the header alone).
 */
static int mf_check_dtb(struct mf_ctx *c, size_t size)
{
    const void *dtb = c->fdt;
    int err;

    if (size < sizeof(struct fdt_header))
        return mf_fail(c, "%zu bytes is too short for a DTB (it starts with a %zu-byte header)",
                       size, sizeof(struct fdt_header));
    if (fdt_magic(dtb) != FDT_MAGIC)
        return mf_fail(c, "not a DTB: magic 0x%08x is not 0x%08x", fdt_magic(dtb), FDT_MAGIC);
    if (fdt_totalsize(dtb) > size)
        return mf_fail(c, "the DTB is truncated: its header says %u bytes, %zu were given",
                       fdt_totalsize(dtb), size);
    err = fdt_check_header(dtb);
    if (err == -FDT_ERR_BADVERSION)
        return mf_fail(c,
                       "the DTB header is corrupt: version %u (last compatible version %u) is "
                       "not one libfdt reads (%d..%d)",
                       fdt_version(dtb), fdt_last_comp_version(dtb), FDT_FIRST_SUPPORTED_VERSION,
                       FDT_LAST_SUPPORTED_VERSION);
    if (err == -FDT_ERR_TRUNCATED)
        return mf_fail(c,
                       "the DTB header is corrupt: a block (memory reservations, structure or "
                       "strings) lies outside its totalsize of %u bytes",
                       fdt_totalsize(dtb));
    if (err != 0)
        return mf_fail(c, "the DTB header is corrupt (libfdt: %s)", fdt_strerror(err));
    err = fdt_check_full(dtb, size);
    if (err != 0)
        return mf_fail(c, "the DTB's structure block is corrupt (libfdt: %s)", fdt_strerror(err));
    return 0;
}

int ffau_mf_parse(const void *dtb, size_t size, struct sp_manifest *mf, char *err, size_t err_len)
{
    struct mf_ctx c = {dtb, err, err_len};
    int root;

    memset(mf, 0, sizeof(*mf));
    if (mf_check_dtb(&c, size) != 0)
        return -1;
    root = fdt_path_offset(dtb, "/");
    if (root < 0)
        return mf_fail(&c, "no root node");
    if (fdt_node_check_compatible(dtb, root, "arm,ffa-manifest-1.0") != 0)
        return mf_fail(&c, "property 'compatible' is not \"arm,ffa-manifest-1.0\"");
    if (mf_uuids(&c, root, mf) != 0 || mf_id(&c, root, mf) != 0 || mf_scalars(&c, root, mf) != 0 ||
        mf_regions(&c, root, mf) != 0 || mf_rxtx(&c, root, mf) != 0)
        return -1;
    mf_name(&c, root, mf);
    return 0;
}
