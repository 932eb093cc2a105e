/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FF-A partition manifest (TF-A docs/components/ffa-manifest-binding.rst, compatible
 * "arm,ffa-manifest-1.0"; Hafnium src/manifest.c parse_ffa_manifest() reads the same properties),
 * parsed with libfdt into struct sp_manifest. Every field the binding defines and the SPMC may use
 * is kept. A bad value is refused with a message that names the property and the value; a blob
 * that is not a whole, valid DTB with one that says what is wrong with it. Properties real
 * manifests carry that this SPMC does not act on (TF-A's cactus, Trusted Services' SPs, Hafnium's
 * test partitions) are accepted and listed for the log, unless they ask for behaviour the SPMC
 * cannot provide: then the refusal names them.
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

/* Append `item` to a ", "-separated list once (truncated with "..." when full). */
static void note(char *list, size_t size, const char *item)
{
    size_t n = strlen(list), k = strlen(item);
    const char *p = list;

    while ((p = strstr(p, item)) != NULL) {
        if ((p == list || p[-1] == ' ') && (p[k] == ',' || p[k] == '\0'))
            return;
        p += k;
    }
    if (n + k + 2 + 4 >= size) {
        if (n + 4 < size && (n < 3 || strcmp(list + n - 3, "...") != 0))
            snprintf(list + n, size - n, "%s...", n > 0 ? ", " : "");
        return;
    }
    snprintf(list + n, size - n, "%s%s", n > 0 ? ", " : "", item);
}

enum prop_use {
    USE_READ,   /* read and acted on */
    USE_UNUSED, /* defined by the binding, accepted, not acted on (yet) */
};

struct known_prop {
    const char *name;
    enum prop_use use;
};

/* Root properties (TF-A's binding, Hafnium src/manifest.c parse_ffa_manifest(), and what
 * Trusted Services' and TF-A's test SPs carry). */
static const struct known_prop root_props[] = {
    {"compatible", USE_READ},
    {"ffa-version", USE_READ},
    {"uuid", USE_READ},
    {"id", USE_READ},
    {"execution-ctx-count", USE_READ},
    {"exception-level", USE_READ},
    {"execution-state", USE_READ},
    {"load-address", USE_READ},
    {"entrypoint-offset", USE_READ},
    {"xlat-granule", USE_READ},
    {"boot-order", USE_READ},
    {"messaging-method", USE_READ},
    {"ns-interrupts-action", USE_READ},
    {"managed-exit", USE_READ},
    {"managed-exit-virq", USE_READ},
    {"gp-register-num", USE_READ},
    {"debug_name", USE_READ},
    {"debug-name", USE_READ},
    {"description", USE_READ},
    {"abort-action", USE_READ},
    {"has-primary-scheduler", USE_READ},
    {"auxiliary-id", USE_UNUSED},
    {"stream-endpoint-ids", USE_UNUSED},
    {"other-s-interrupts-action", USE_UNUSED},
    {"sri-interrupts-policy", USE_UNUSED},
    {"notification-support", USE_UNUSED},
    {"power-management-messages", USE_UNUSED},
    {"vm-availability-messages", USE_UNUSED},
    {"time-slice-mem", USE_UNUSED},
    {"lifecycle-support", USE_UNUSED},
    {"image-uuid", USE_UNUSED},
    {"legacy-elf-format", USE_UNUSED},
    {"live-activation-support", USE_UNUSED},
};

static const struct known_prop mem_region_props[] = {
    {"base-address", USE_READ},
    {"load-address-relative-offset", USE_READ},
    {"pages-count", USE_READ},
    {"attributes", USE_READ},
    {"description", USE_READ},
    {"load-flags", USE_READ},
    {"smmu-id", USE_UNUSED},
    {"stream-ids", USE_UNUSED},
    {"stream-ids-access-permissions", USE_UNUSED},
};

static const struct known_prop dev_region_props[] = {
    {"base-address", USE_READ}, {"pages-count", USE_READ},  {"attributes", USE_READ},
    {"description", USE_READ},  {"interrupts", USE_READ},   {"interrupts-target", USE_READ},
    {"smmu-id", USE_UNUSED},    {"stream-ids", USE_UNUSED}, {"exclusive-access", USE_UNUSED},
};

/* Nodes under the root: read, or accepted and not acted on. */
static const struct known_prop root_nodes[] = {
    {"memory-regions", USE_READ}, {"device-regions", USE_READ}, {"rx_tx-info", USE_READ},
    {"boot-info", USE_UNUSED}, /* the boot information always carries the manifest */
    {"services", USE_UNUSED},  /* the binding's 1.1 form; this is a 1.0 manifest */
};

/*
 * List what node `node` (path `where`, "" for the root) carries beyond what is read: the
 * binding's properties this SPMC does not act on into mf->unused, unknown ones into mf->unknown.
 */
static void mf_inventory(struct mf_ctx *c, int node, const char *where,
                         const struct known_prop *known, size_t count, struct sp_manifest *mf)
{
    int prop;

    fdt_for_each_property_offset(prop, c->fdt, node)
    {
        const char *name = NULL;
        char item[96];
        size_t i;

        if (fdt_getprop_by_offset(c->fdt, prop, &name, NULL) == NULL || name == NULL)
            continue;
        /* dtc adds these to nodes that have a label. */
        if (strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0 ||
            (strcmp(name, "compatible") == 0 && where[0] != '\0'))
            continue;
        for (i = 0; i < count && strcmp(known[i].name, name) != 0; i++)
            ;
        if (i < count && known[i].use == USE_READ)
            continue;
        snprintf(item, sizeof(item), "%s%s", where, name);
        if (i < count)
            note(mf->unused, sizeof(mf->unused), item);
        else
            note(mf->unknown, sizeof(mf->unknown), item);
    }
}

static void mf_inventory_nodes(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    int sub;

    fdt_for_each_subnode(sub, c->fdt, root)
    {
        const char *name = fdt_get_name(c->fdt, sub, NULL);
        size_t i;

        if (name == NULL)
            continue;
        for (i = 0; i < sizeof(root_nodes) / sizeof(root_nodes[0]); i++) {
            if (strcmp(root_nodes[i].name, name) == 0)
                break;
        }
        if (i == sizeof(root_nodes) / sizeof(root_nodes[0]))
            note(mf->unknown, sizeof(mf->unknown), name);
        else if (root_nodes[i].use == USE_UNUSED)
            note(mf->unused, sizeof(mf->unused), name);
    }
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

    int r = mf_read(c, root, "id", false, &v);

    if (r < 0)
        return -1;
    /* Hafnium's test partitions have no id: its SPMC numbers them (load.c does the same). */
    if (r == 0)
        return 0;
    mf->id_given = true;
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

/* Append " (<what> '<name>')" to the message of a failure inside a region node. */
static int mf_in_node(struct mf_ctx *c, const char *what, const char *name)
{
    size_t n = c->err != NULL ? strlen(c->err) : 0;

    if (c->err != NULL && n < c->err_len)
        snprintf(c->err + n, c->err_len - n, " (%s '%s')", what, name);
    return -1;
}

/*
 * A memory region: base-address or load-address-relative-offset (exactly one, as Hafnium's
 * parse_base_address()), pages-count, attributes R, RW or RX (+ NS, + Trusted Services' BTI
 * guarded-page bit, accepted and not enforced), and Trusted Services' load-flags.
 */
static int mf_region(struct mf_ctx *c, int node, struct sp_manifest *mf)
{
    struct sp_mem_region *r;
    const char *nm = fdt_get_name(c->fdt, node, NULL);
    uint64_t base, rel, pages, attr, flags;
    int has_base, has_rel;

    if (mf->region_count >= SPMC_MAX_MEMR)
        return mf_fail(c, "memory-regions: more than %u regions", SPMC_MAX_MEMR);
    r = &mf->regions[mf->region_count];
    snprintf(r->name, sizeof(r->name), "%s", nm != NULL ? nm : "?");
    mf_inventory(c, node, "memory-regions/*/", mem_region_props,
                 sizeof(mem_region_props) / sizeof(mem_region_props[0]), mf);
    has_base = mf_read(c, node, "base-address", true, &base);
    has_rel = has_base < 0 ? 0 : mf_read(c, node, "load-address-relative-offset", true, &rel);
    if (has_base < 0 || has_rel < 0 || mf_required(c, node, "pages-count", false, &pages) != 0 ||
        mf_required(c, node, "attributes", false, &attr) != 0 ||
        mf_optional(c, node, "load-flags", false, 0, &flags) != 0)
        return mf_in_node(c, "memory region", r->name);
    if (has_base + has_rel != 1)
        return mf_fail(c,
                       "memory region '%s': %s 'base-address' and 'load-address-relative-offset' "
                       "(exactly one is required; the SPMC does not choose addresses)",
                       r->name, has_base ? "both" : "neither");
    if (has_base && base % SPMC_PAGE != 0)
        return mf_fail(c,
                       "memory region '%s': property 'base-address' value 0x%llx is not "
                       "4 KiB aligned",
                       r->name, (unsigned long long)base);
    /* A region is host memory: cap it (64 MiB) so a manifest cannot exhaust the host. */
    if (pages == 0 || pages > 16384)
        return mf_fail(c,
                       "memory region '%s': property 'pages-count' value %llu is not in 1..16384",
                       r->name, (unsigned long long)pages);
    if (has_base &&
        (base + pages * SPMC_PAGE < base || base + pages * SPMC_PAGE > (UINT64_C(1) << 40)))
        return mf_fail(c,
                       "memory region '%s': 'base-address' 0x%llx + %llu pages is beyond the "
                       "40-bit physical address space",
                       r->name, (unsigned long long)base, (unsigned long long)pages);
    if ((attr & ~(uint64_t)(MR_ATTR_R | MR_ATTR_W | MR_ATTR_X | MR_ATTR_NS | MR_ATTR_GP)) != 0 ||
        (attr & 3) == 0 || (attr & 3) == 2)
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
    if ((flags & ~(uint64_t)MR_LOAD_NO_BITS) != 0)
        return mf_fail(c, "memory region '%s': property 'load-flags' value 0x%llx has unknown bits",
                       r->name, (unsigned long long)flags);
    if (attr & MR_ATTR_GP)
        note(mf->unused, sizeof(mf->unused), "memory-regions/*/attributes BTI guarded page");
    r->base = has_base ? base : 0;
    r->relative = has_rel != 0;
    r->rel_offset = has_rel ? rel : 0;
    r->pages = (uint32_t)pages;
    r->attributes = (uint32_t)attr;
    r->load_flags = (uint32_t)flags;
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

/* interrupts: (id, attributes) pairs; interrupts-target: (id, mpidr hi, mpidr lo) triples. */
static int mf_dev_irqs(struct mf_ctx *c, int node, struct sp_manifest *mf, struct sp_dev_region *d)
{
    int len;
    const fdt32_t *p = fdt_getprop(c->fdt, node, "interrupts", &len);

    if (p != NULL) {
        if (len % 8 != 0)
            return mf_fail(c,
                           "device region '%s': property 'interrupts' has %d bytes: expected "
                           "(id, attributes) pairs of 32-bit cells",
                           d->name, len);
        if ((size_t)len / 8 > SPMC_MAX_IRQS)
            return mf_fail(c, "device region '%s': property 'interrupts' lists %d: at most %u",
                           d->name, len / 8, SPMC_MAX_IRQS);
        for (int i = 0; i < len / 8; i++) {
            uint32_t id = fdt32_to_cpu(p[2 * i]);

            /* An interrupt belongs to one device (Hafnium: INTERRUPT_ID_REPEATED). */
            for (uint32_t k = 0; k <= mf->dev_count; k++) {
                const struct sp_dev_region *o = &mf->devs[k];

                for (uint32_t j = 0; j < (o == d ? (uint32_t)i : o->irq_count); j++) {
                    if (o->irqs[j].id == id)
                        return mf_fail(c,
                                       "device region '%s': property 'interrupts' repeats "
                                       "interrupt %u",
                                       d->name, id);
                }
            }
            d->irqs[i].id = id;
            d->irqs[i].attributes = fdt32_to_cpu(p[2 * i + 1]);
        }
        d->irq_count = (uint32_t)len / 8;
    }
    p = fdt_getprop(c->fdt, node, "interrupts-target", &len);
    if (p == NULL)
        return 0;
    if (len % 12 != 0)
        return mf_fail(c,
                       "device region '%s': property 'interrupts-target' has %d bytes: expected "
                       "(id, mpidr high, mpidr low) triples",
                       d->name, len);
    for (int i = 0; i < len / 12; i++) {
        uint32_t id = fdt32_to_cpu(p[3 * i]);
        uint32_t j;

        for (j = 0; j < d->irq_count && d->irqs[j].id != id; j++)
            ;
        if (j == d->irq_count)
            return mf_fail(c,
                           "device region '%s': property 'interrupts-target' names interrupt %u, "
                           "which 'interrupts' does not list",
                           d->name, id);
        d->irqs[j].mpidr =
            ((uint64_t)fdt32_to_cpu(p[3 * i + 1]) << 32) | fdt32_to_cpu(p[3 * i + 2]);
        d->irqs[j].mpidr_valid = true;
    }
    return 0;
}

/* A device region: base-address, pages-count, attributes R or RW (+NS), interrupts. */
static int mf_dev_region(struct mf_ctx *c, int node, struct sp_manifest *mf)
{
    struct sp_dev_region *d;
    const char *nm = fdt_get_name(c->fdt, node, NULL);
    const char *desc;
    uint64_t base, pages, attr;
    int len;

    if (mf->dev_count >= SPMC_MAX_DEVR)
        return mf_fail(c, "device-regions: more than %u regions", SPMC_MAX_DEVR);
    d = &mf->devs[mf->dev_count];
    snprintf(d->name, sizeof(d->name), "%s", nm != NULL ? nm : "?");
    desc = fdt_getprop(c->fdt, node, "description", &len);
    if (desc != NULL && len > 0 && desc[len - 1] == '\0')
        snprintf(d->description, sizeof(d->description), "%s", desc);
    mf_inventory(c, node, "device-regions/*/", dev_region_props,
                 sizeof(dev_region_props) / sizeof(dev_region_props[0]), mf);
    if (mf_required(c, node, "base-address", true, &base) != 0 ||
        mf_required(c, node, "pages-count", false, &pages) != 0 ||
        mf_required(c, node, "attributes", false, &attr) != 0)
        return mf_in_node(c, "device region", d->name);
    if (base % SPMC_PAGE != 0)
        return mf_fail(c,
                       "device region '%s': property 'base-address' value 0x%llx is not 4 KiB "
                       "aligned",
                       d->name, (unsigned long long)base);
    if (pages == 0 || pages > 16384 || base + pages * SPMC_PAGE > (UINT64_C(1) << 40))
        return mf_fail(c,
                       "device region '%s': property 'pages-count' value %llu is not in 1..16384 "
                       "inside the 40-bit physical address space",
                       d->name, (unsigned long long)pages);
    /* Hafnium parse_ffa_region_attributes(): a device region is R or RW. */
    if ((attr & ~(uint64_t)(MR_ATTR_R | MR_ATTR_W | MR_ATTR_X | MR_ATTR_NS)) != 0 ||
        (attr & (MR_ATTR_R | MR_ATTR_W | MR_ATTR_X)) == 0 || (attr & MR_ATTR_X) != 0 ||
        (attr & MR_ATTR_R) == 0)
        return mf_fail(c,
                       "device region '%s': property 'attributes' value 0x%llx is not R or RW "
                       "(+NS)",
                       d->name, (unsigned long long)attr);
    d->base = base;
    d->pages = (uint32_t)pages;
    d->attributes = (uint32_t)attr;
    if (mf_dev_irqs(c, node, mf, d) != 0)
        return -1;
    mf->dev_count++;
    return 0;
}

static int mf_dev_regions(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    int node = fdt_subnode_offset(c->fdt, root, "device-regions");
    int sub;

    if (node < 0)
        return 0;
    fdt_for_each_subnode(sub, c->fdt, node)
    {
        if (mf_dev_region(c, sub, mf) != 0)
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
 * of two memory regions of the same size (Hafnium: RXTX_SIZE_MISMATCH), RX readable and TX
 * read-write (the SPMC fills RX and reads TX through its host view of the SP's memory), and at
 * most SPMC_RXTX_MAX_PAGES pages.
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
    /* The SP writes TX and reads RX (TF-A's cactus declares its RX buffer read-only). */
    if ((rx->attributes & MR_ATTR_R) == 0 || (tx->attributes & 3) != 3 ||
        ((rx->attributes | tx->attributes) & MR_ATTR_NS) != 0)
        return mf_fail(c,
                       "rx_tx-info: region '%s' must be secure and readable (attributes 0x1 or "
                       "0x3) and region '%s' secure read-write (0x3)",
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
    /* An ID the SPMC assigns later names the partition then (load.c). */
    if (mf->id_given)
        snprintf(mf->name, sizeof(mf->name), "sp-%04x", mf->id);
}

/*
 * messaging-method: one value, or one per UUID (the binding's 1.0 form of services). Per-UUID
 * methods are merged: the partition takes every method one of its UUIDs has.
 */
static int mf_messaging(struct mf_ctx *c, int root, struct sp_manifest *mf, uint64_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(c->fdt, root, "messaging-method", &len);

    *out = 0;
    if (p == NULL)
        return mf_fail(c, "required property 'messaging-method' is missing");
    if (len != 4 && len != (int)(4 * mf->uuid_count))
        return mf_fail(c,
                       "property 'messaging-method' has %d bytes: expected one 32-bit cell or "
                       "one per UUID (%u)",
                       len, mf->uuid_count);
    for (int i = 0; i < len / 4; i++)
        *out |= fdt32_to_cpu(p[i]);
    if (len > 4)
        note(mf->unused, sizeof(mf->unused), "messaging-method per UUID (merged)");
    return 0;
}

static int mf_scalars(struct mf_ctx *c, int root, struct sp_manifest *mf)
{
    uint64_t v;
    int r;

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

    /* Absent: "position independent, loaded at any address chosen at boot time" (binding). */
    r = mf_read(c, root, "load-address", true, &v);
    if (r < 0)
        return -1;
    if (v % SPMC_PAGE != 0 || v >= (UINT64_C(1) << 40))
        return mf_fail(c,
                       "property 'load-address' value 0x%llx is not 4 KiB aligned in the 40-bit "
                       "physical address space",
                       (unsigned long long)v);
    mf->load_address = v;
    mf->load_address_given = r == 1;
    /* Absent: offset 0 of a flat image; an ELF's own entry point (memory.c). */
    r = mf_read(c, root, "entrypoint-offset", true, &v);
    if (r < 0)
        return -1;
    mf->entrypoint_offset = v;
    mf->entrypoint_given = r == 1;
    if (v % 4 != 0 || v >= (UINT64_C(1) << 40))
        return mf_fail(c, "property 'entrypoint-offset' value 0x%llx is not 4-byte aligned",
                       (unsigned long long)v);

    /* pages-count counts granules: only 4 KiB ones are modelled (Hafnium refuses others too). */
    if (mf_optional(c, root, "xlat-granule", false, 0, &v) != 0)
        return -1;
    if (v != 0)
        return mf_fail(c, "property 'xlat-granule' value %llu is not 0 (4 KiB)",
                       (unsigned long long)v);
    mf->xlat_granule = (uint32_t)v;

    if (mf_optional(c, root, "boot-order", false, 0x10000, &v) != 0)
        return -1;
    if (v > 0x10000)
        return mf_fail(c, "property 'boot-order' value %llu is above 0xffff",
                       (unsigned long long)v);
    mf->boot_order = (uint32_t)v;

    if (mf_messaging(c, root, mf, &v) != 0)
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
    /* The v1.0 binding's boolean (Hafnium: "managed-exit" present means managed exit). */
    if (fdt_getprop(c->fdt, root, "managed-exit", NULL) != NULL)
        mf->ns_action = NS_MANAGED_EXIT;
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

    /* v1.3 abort-action: an aborted partition stays stopped here (STOP; DESTROY looks the same
     * from outside). RESTART and PROPAGATE ask for what this SPMC does not do. */
    if (mf_optional(c, root, "abort-action", false, 0, &v) != 0)
        return -1;
    if (v > 1)
        return mf_fail(c,
                       "property 'abort-action' value %llu is not 0 (STOP) or 1 (DESTROY): the "
                       "SPMC neither restarts an aborted partition nor propagates its abort",
                       (unsigned long long)v);
    /* The primary scheduler is a normal-world VM (the binding: its run-time EL must be EL1). */
    if (fdt_getprop(c->fdt, root, "has-primary-scheduler", NULL) != NULL)
        return mf_fail(c, "property 'has-primary-scheduler' is for a normal-world VM, not a "
                          "secure partition");
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
    mf_inventory(&c, root, "", root_props, sizeof(root_props) / sizeof(root_props[0]), mf);
    mf_inventory_nodes(&c, root, mf);
    if (mf_uuids(&c, root, mf) != 0 || mf_id(&c, root, mf) != 0 || mf_scalars(&c, root, mf) != 0 ||
        mf_regions(&c, root, mf) != 0 || mf_dev_regions(&c, root, mf) != 0 ||
        mf_rxtx(&c, root, mf) != 0)
        return -1;
    mf_name(&c, root, mf);
    return 0;
}
