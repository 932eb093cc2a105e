/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A partition's memory: its image and the memory after it, its manifest's memory regions, its
 * device regions and the SPMC window, as host pages, and their mapping into an engine (Unicorn's
 * uc_mem_map_ptr() maps host memory without a copy, so any number of engines can share one
 * partition's memory: one per execution context).
 *
 * What changes at run time (the RX buffer's protection) is kept as the partition's layout, changed
 * under sp.mem.lock with a new generation; each engine brings itself to the current layout before
 * it next runs (ffau_mem_sync(), from engine.c on the thread that runs it), because another of
 * the partition's engines may be running on another PE: no engine is ever changed from a thread
 * that is not running it.
 *
 * The partition's own memory is the image's segments plus, after the highest one, the rest of
 * its mem_size (Hafnium's per-partition mem_size) or a default slack, so that start-up code that
 * touches a little past its .bss does not fault. Memory regions of the manifest that lie inside
 * it (Trusted Services describes its image's text and data this way, load-address-relative) set
 * those pages' permissions, as Hafnium maps them over the partition's memory (src/load.c
 * ffa_map_memory_regions()); the others are memory of their own.
 *
 * Image pages are mapped run by run: each run of contiguous pages with equal permissions is one
 * mapping, and a gap between segments is no mapping at all. One uc_mem_protect() per 4 KiB page
 * instead made Unicorn 2.0.1 split its memory region once per page (uc.c split_region()), until a
 * 4 MiB image exhausted QEMU's section table (an assertion in qemu/exec.c phys_section_add()) and
 * segments far apart took minutes.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "spmc_internal.h"

#define INSN_ERET 0xd69f03e0u

static void *host_pages(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static uint64_t page_down(uint64_t a)
{
    return a / SPMC_PAGE * SPMC_PAGE;
}

static uint64_t page_up(uint64_t a)
{
    return (a + SPMC_PAGE - 1) / SPMC_PAGE * SPMC_PAGE;
}

static uint32_t region_prot(uint32_t attributes)
{
    return ((attributes & MR_ATTR_R) ? UC_PROT_READ : 0) |
           ((attributes & MR_ATTR_W) ? UC_PROT_WRITE : 0) |
           ((attributes & MR_ATTR_X) ? UC_PROT_EXEC : 0);
}

/* The memory region of the manifest inside the image that covers page `pg`, or NULL. */
static const struct sp_mem_region *image_override(const struct sp_manifest *mf, uint64_t pg)
{
    for (uint32_t i = 0; i < mf->region_count; i++) {
        const struct sp_mem_region *r = &mf->regions[i];

        if (r->in_image && overlaps(pg, SPMC_PAGE, r->base, (uint64_t)r->pages * SPMC_PAGE))
            return r;
    }
    return NULL;
}

/*
 * Permissions of image page `pg` (UC_PROT_*): a memory region of the manifest covering it, else
 * the union of the segments touching it. *rwx_ok (optional): the page may be writable and
 * executable (a segment without permission flags, or a flat image, and no region says otherwise).
 */
static uint32_t page_prot(const struct sp *sp, uint64_t pg, bool *rwx_ok)
{
    const struct elf_image *img = &sp->mem.img;
    const struct sp_mem_region *r = image_override(&sp->mf, pg);
    uint32_t prot = 0;
    bool ok = false;

    if (r != NULL) {
        if (rwx_ok != NULL)
            *rwx_ok = false;
        return region_prot(r->attributes);
    }
    for (unsigned i = 0; i < img->seg_count; i++) {
        const struct elf_seg *s = &img->segs[i];

        if (overlaps(pg, SPMC_PAGE, s->vaddr, s->memsz)) {
            prot |= s->prot;
            ok = ok || s->rwx_ok;
        }
    }
    if (rwx_ok != NULL)
        *rwx_ok = ok;
    return prot;
}

/* True when page `pg` belongs to some segment. */
static bool image_has_page(const struct elf_image *img, uint64_t pg)
{
    for (unsigned i = 0; i < img->seg_count; i++) {
        if (overlaps(pg, SPMC_PAGE, img->segs[i].vaddr, img->segs[i].memsz))
            return true;
    }
    return false;
}

/*
 * The chunks: segments' page ranges in address order, merged where they touch or overlap. At most
 * one chunk per segment.
 */
static void plan_chunks(struct sp_mem *m)
{
    const struct elf_image *img = &m->img;
    uint64_t from = img->lo;

    m->chunk_count = 0;
    while (m->chunk_count < ELF_MAX_SEGS + 1 + SPMC_MAX_MEMR) {
        uint64_t start = UINT64_MAX, end;
        bool grew = true;

        /* The lowest segment page at or above `from`. */
        for (unsigned i = 0; i < img->seg_count; i++) {
            uint64_t lo = page_down(img->segs[i].vaddr),
                     hi = page_up(img->segs[i].vaddr + img->segs[i].memsz);

            if (hi > from && (lo > from ? lo : from) < start)
                start = lo > from ? lo : from;
        }
        if (start == UINT64_MAX)
            return;
        end = start;
        while (grew) {
            grew = false;
            for (unsigned i = 0; i < img->seg_count; i++) {
                uint64_t lo = page_down(img->segs[i].vaddr),
                         hi = page_up(img->segs[i].vaddr + img->segs[i].memsz);

                if (lo <= end && hi > end) {
                    end = hi;
                    grew = true;
                }
            }
        }
        m->chunks[m->chunk_count].base = start;
        m->chunks[m->chunk_count].size = end - start;
        m->chunk_count++;
        from = end;
    }
}

static const struct mem_chunk *chunk_of(const struct sp_mem *m, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < m->chunk_count; i++) {
        const struct mem_chunk *c = &m->chunks[i];

        if (addr >= c->base && len <= c->size && addr - c->base <= c->size - len)
            return c;
    }
    return NULL;
}

/*
 * The entry point: load-address + entrypoint-offset (the binding), inside executable code. For an
 * ELF it must be the image's own entry point; a manifest without entrypoint-offset takes it.
 */
static int check_entry(struct sp *sp, const struct elf_image *img, char *err, size_t len)
{
    struct sp_manifest *mf = &sp->mf;
    uint64_t entry;
    bool exec = false;

    if (!mf->entrypoint_given)
        mf->entrypoint_offset = img->flat ? 0 : img->entry - mf->load_address;
    entry = mf->load_address + mf->entrypoint_offset;
    /* Executable as mapped: a memory region of the manifest may set the page's permissions. */
    exec = image_has_page(img, page_down(entry)) &&
           (page_prot(sp, page_down(entry), NULL) & UC_PROT_EXEC) != 0;
    if (!exec || (!img->flat && entry != img->entry)) {
        snprintf(err, len,
                 "manifest: property 'entrypoint-offset' value 0x%llx gives entry "
                 "0x%llx, but the image's entry point is 0x%llx%s",
                 (unsigned long long)mf->entrypoint_offset, (unsigned long long)entry,
                 (unsigned long long)(img->flat ? entry : img->entry),
                 exec ? "" : " (not in executable code of the image)");
        return FFA_RET_INVALID_PARAMETERS;
    }
    return 0;
}

/*
 * The image is where the manifest says (a static ELF is not moved: it must be linked at
 * load-address), clear of the SPMC window; then the partition's memory after it.
 */
static int check_layout(struct sp *sp, struct elf_image *img, char *err, size_t len)
{
    const struct sp_manifest *mf = &sp->mf;
    const struct ffa_unicorn_sp_config *c = &sp->spmc->cfg.sps[sp->cfg_index];
    uint64_t end;

    if (img->lo != mf->load_address) {
        snprintf(err, len,
                 "manifest: property 'load-address' value 0x%llx does not match the "
                 "image, linked at 0x%llx",
                 (unsigned long long)mf->load_address, (unsigned long long)img->lo);
        return FFA_RET_INVALID_PARAMETERS;
    }
    /* The partition's memory: mem_size from load-address, or the image and the default slack. */
    if (c->mem_size != 0) {
        if (c->mem_size % SPMC_PAGE != 0 || c->mem_size < img->hi - img->lo ||
            c->mem_size > (UINT64_C(1) << 40) - img->lo) {
            snprintf(err, len,
                     "config: mem_size 0x%llx is not a page multiple covering the image "
                     "(0x%llx bytes from 0x%llx)",
                     (unsigned long long)c->mem_size, (unsigned long long)(img->hi - img->lo),
                     (unsigned long long)img->lo);
            return FFA_RET_INVALID_PARAMETERS;
        }
        end = img->lo + c->mem_size;
    } else {
        end = img->hi + FFA_UNICORN_DEFAULT_MEM_SLACK;
        /* The default never runs into the window (an explicit mem_size that does is refused). */
        if (img->hi <= SPMC_WINDOW_BASE && end > SPMC_WINDOW_BASE)
            end = SPMC_WINDOW_BASE;
    }
    if (end > img->hi) {
        bool rwx = false;

        for (unsigned i = 0; i < img->seg_count; i++)
            rwx = rwx || img->segs[i].rwx_ok;
        /* Zero-filled, read-write; executable too where the image itself is RWX (Hafnium). */
        img->segs[img->seg_count++] = (struct elf_seg){
            .vaddr = img->hi,
            .memsz = end - img->hi,
            .prot = rwx ? UC_PROT_ALL : UC_PROT_READ | UC_PROT_WRITE,
            .rwx_ok = rwx,
        };
        img->hi = end;
    }
    if (overlaps(img->lo, img->hi - img->lo, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE)) {
        for (unsigned i = 0; i < img->seg_count; i++) {
            const struct elf_seg *s = &img->segs[i];

            if (overlaps(page_down(s->vaddr), page_up(s->vaddr + s->memsz) - page_down(s->vaddr),
                         SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE)) {
                snprintf(err, len, "image: %s at 0x%llx overlaps the SPMC window at 0x%llx",
                         i + 1 == img->seg_count && c->mem_size != 0 ? "mem_size" : "segment",
                         (unsigned long long)s->vaddr, (unsigned long long)SPMC_WINDOW_BASE);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
    }
    return 0;
}

/*
 * Memory regions: a load-address-relative one gets its address. One inside the partition's range
 * (from its lowest image page to the end of its memory) is part of the partition's memory, with
 * the region's permissions: Hafnium maps the whole range and then the regions over it (src/load.c
 * load_secondary(), ffa_map_memory_regions()), and Trusted Services describes its image's parts
 * this way. One partly inside is refused; the others are memory of their own and must not overlap
 * each other or the window.
 */
static int resolve_regions(struct sp *sp, char *err, size_t len)
{
    struct sp_manifest *mf = &sp->mf;
    struct elf_image *img = &sp->mem.img;

    for (uint32_t i = 0; i < mf->region_count; i++) {
        struct sp_mem_region *r = &mf->regions[i];
        uint64_t size = (uint64_t)r->pages * SPMC_PAGE;

        if (r->relative) {
            if (r->rel_offset % SPMC_PAGE != 0 ||
                r->rel_offset > (UINT64_C(1) << 40) - mf->load_address ||
                size > (UINT64_C(1) << 40) - mf->load_address - r->rel_offset) {
                snprintf(err, len,
                         "manifest: memory region '%s': property 'load-address-relative-offset' "
                         "value 0x%llx is not 4 KiB aligned or leaves the 40-bit address space",
                         r->name, (unsigned long long)r->rel_offset);
                return FFA_RET_INVALID_PARAMETERS;
            }
            r->base = mf->load_address + r->rel_offset;
        }
        r->in_image = r->base >= img->lo && r->base + size <= img->hi;
        if ((!r->in_image && overlaps(r->base, size, img->lo, img->hi - img->lo)) ||
            (r->in_image && (r->attributes & MR_ATTR_NS) != 0)) {
            snprintf(err, len,
                     "manifest: memory region '%s' at 0x%llx (%u pages) lies %s the partition's "
                     "memory at 0x%llx..0x%llx",
                     r->name, (unsigned long long)r->base, r->pages,
                     r->in_image ? "non-secure inside" : "partly inside",
                     (unsigned long long)img->lo, (unsigned long long)img->hi);
            return FFA_RET_INVALID_PARAMETERS;
        }
        if (r->in_image) {
            /* Its pages are the partition's even where no segment has bytes (a gap). */
            img->segs[img->seg_count++] = (struct elf_seg){
                .vaddr = r->base, .memsz = size, .prot = region_prot(r->attributes)};
            continue;
        }
        if (overlaps(r->base, size, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE)) {
            snprintf(err, len,
                     "manifest: memory region '%s': 'base-address' 0x%llx (%u pages) "
                     "overlaps the image or the SPMC window at 0x%llx",
                     r->name, (unsigned long long)r->base, r->pages,
                     (unsigned long long)SPMC_WINDOW_BASE);
            return FFA_RET_INVALID_PARAMETERS;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (!mf->regions[j].in_image && overlaps(r->base, size, mf->regions[j].base,
                                                     (uint64_t)mf->regions[j].pages * SPMC_PAGE)) {
                snprintf(err, len, "manifest: memory region '%s' at 0x%llx overlaps region '%s'",
                         r->name, (unsigned long long)r->base, mf->regions[j].name);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
    }
    /* Regions inside the partition must not overlap each other either (whose permissions?). */
    for (uint32_t i = 0; i < mf->region_count; i++) {
        for (uint32_t j = 0; j < i; j++) {
            const struct sp_mem_region *a = &mf->regions[i], *b = &mf->regions[j];

            if (a->in_image && b->in_image &&
                overlaps(a->base, (uint64_t)a->pages * SPMC_PAGE, b->base,
                         (uint64_t)b->pages * SPMC_PAGE)) {
                snprintf(err, len, "manifest: memory region '%s' at 0x%llx overlaps region '%s'",
                         a->name, (unsigned long long)a->base, b->name);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
    }
    return 0;
}

/* Host memory for every chunk, the segments' file bytes copied in; no page both W and X. */
static int create_image(struct sp *sp, const uint8_t *file, char *err, size_t len)
{
    struct sp_mem *m = &sp->mem;
    const struct elf_image *img = &m->img;

    plan_chunks(m);
    for (unsigned i = 0; i < m->chunk_count; i++) {
        struct mem_chunk *c = &m->chunks[i];

        for (uint64_t pg = c->base; pg < c->base + c->size; pg += SPMC_PAGE) {
            bool rwx_ok;
            uint32_t prot = page_prot(sp, pg, &rwx_ok);

            if ((prot & UC_PROT_WRITE) && (prot & UC_PROT_EXEC) && !rwx_ok) {
                snprintf(err, len,
                         "image page 0x%llx would be writable and executable (segments share "
                         "a page)",
                         (unsigned long long)pg);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
        c->host = host_pages(c->size);
        if (c->host == NULL) {
            snprintf(err, len, "out of memory for %llu bytes of image at 0x%llx",
                     (unsigned long long)c->size, (unsigned long long)c->base);
            return FFA_RET_NO_MEMORY;
        }
    }
    for (unsigned i = 0; i < img->seg_count; i++) {
        const struct elf_seg *s = &img->segs[i];
        const struct mem_chunk *c = chunk_of(m, s->vaddr, s->memsz);

        if (c != NULL && s->filesz > 0)
            memcpy(c->host + (s->vaddr - c->base), file + s->offset, s->filesz);
    }
    /* load-flags NO_BITS: the region is .bss, whatever bytes a flat image has there. */
    for (uint32_t i = 0; i < sp->mf.region_count; i++) {
        const struct sp_mem_region *r = &sp->mf.regions[i];
        uint64_t size = (uint64_t)r->pages * SPMC_PAGE;
        const struct mem_chunk *c = r->in_image ? chunk_of(m, r->base, size) : NULL;

        if (c != NULL && (r->load_flags & MR_LOAD_NO_BITS))
            memset(c->host + (r->base - c->base), 0, size);
    }
    return 0;
}

static int create_regions(struct sp *sp, char *err, size_t len)
{
    const struct sp_manifest *mf = &sp->mf;

    for (uint32_t i = 0; i < mf->region_count; i++) {
        const struct sp_mem_region *r = &mf->regions[i];

        if (r->in_image)
            continue;
        /*
         * A non-secure region is the normal world's memory on hardware. The SPMC has no view of
         * normal-world memory it may keep (ns_memory is asked per copy), so it is private memory
         * here: the SP runs, but the normal world does not see what it writes there.
         */
        if (r->attributes & MR_ATTR_NS)
            ffau_log_msg(sp->spmc, FFA_UNICORN_LOG_WARN, mf->id,
                         "SP 0x%04x: memory region '%s' at 0x%llx is non-secure: mapped as the "
                         "partition's private memory, not shared with the normal world",
                         mf->id, r->name, (unsigned long long)r->base);
        sp->mem.regions[i] = host_pages((size_t)r->pages * SPMC_PAGE);
        if (sp->mem.regions[i] == NULL) {
            snprintf(err, len, "out of memory for memory region '%s'", r->name);
            return FFA_RET_NO_MEMORY;
        }
    }
    return 0;
}

/* Device regions are clear of the partition's memory, its memory regions, the window and each
 * other. */
static int check_devices(const struct sp *sp, char *err, size_t len)
{
    const struct sp_manifest *mf = &sp->mf;

    for (uint32_t i = 0; i < mf->dev_count; i++) {
        const struct sp_dev_region *d = &mf->devs[i];
        uint64_t size = (uint64_t)d->pages * SPMC_PAGE;
        const char *what = NULL;

        if (overlaps(d->base, size, sp->mem.img.lo, sp->mem.img.hi - sp->mem.img.lo))
            what = "the partition's memory";
        else if (overlaps(d->base, size, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE))
            what = "the SPMC window";
        for (uint32_t j = 0; j < mf->region_count && what == NULL; j++) {
            if (overlaps(d->base, size, mf->regions[j].base,
                         (uint64_t)mf->regions[j].pages * SPMC_PAGE))
                what = "a memory region";
        }
        for (uint32_t j = 0; j < i && what == NULL; j++) {
            if (overlaps(d->base, size, mf->devs[j].base, (uint64_t)mf->devs[j].pages * SPMC_PAGE))
                what = "another device region";
        }
        if (what != NULL) {
            snprintf(err, len, "manifest: device region '%s' at 0x%llx (%u pages) overlaps %s",
                     d->name, (unsigned long long)d->base, d->pages, what);
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    return 0;
}

/*
 * The SPMC window: page 0 = `eret` (S-EL0 entry), then the boot-info blob and the manifest DTB.
 * Boot information in the FF-A v1.1 format (DEN0077A v1.1 section 5.4.1, the descriptor in Table
 * 5.8; TF-A services/std_svc/spm/el3_spmc/spmc_setup.c spmc_create_boot_info() builds the same):
 * a 32-byte header (signature 0x0ffa, version, blob size, descriptor size 32, one descriptor,
 * descriptors at offset 32), one 32-byte descriptor (name "manifest-dtb", standard type FDT,
 * contents = an address), the DTB after them.
 */
static int create_window(struct sp *sp, char *err, size_t len)
{
    uint8_t *w, *bi;
    uint32_t eret = INSN_ERET;
    size_t dtb_off = 64;
    uint32_t hdr[6] = {0x0ffa, sp->mf.ffa_version, (uint32_t)(dtb_off + sp->manifest_size), 32, 1,
                       32};
    uint64_t contents = SPMC_BOOTINFO_VA + dtb_off;
    uint32_t size = (uint32_t)sp->manifest_size;
    uint16_t flags = 0; /* name: a string; contents: an address */

    if (sp->manifest_size > SPMC_WINDOW_SIZE - SPMC_PAGE - dtb_off) {
        snprintf(err, len, "manifest: %zu-byte DTB is too large for the boot-info window",
                 sp->manifest_size);
        return FFA_RET_INVALID_PARAMETERS;
    }
    w = host_pages(SPMC_WINDOW_SIZE);
    if (w == NULL) {
        snprintf(err, len, "out of memory for the SPMC window");
        return FFA_RET_NO_MEMORY;
    }
    sp->mem.window = w;
    memcpy(w, &eret, sizeof(eret));
    bi = w + SPMC_PAGE;
    memcpy(bi, hdr, sizeof(hdr));
    memcpy(bi + 32, "manifest-dtb", 13);
    bi[32 + 16] = 0; /* type: standard, FDT */
    memcpy(bi + 32 + 18, &flags, sizeof(flags));
    memcpy(bi + 32 + 20, &size, sizeof(size));
    memcpy(bi + 32 + 24, &contents, sizeof(contents));
    memcpy(bi + dtb_off, sp->manifest, sp->manifest_size);
    return 0;
}

int ffau_mem_create(struct sp *sp, const struct elf_image *img, const uint8_t *file, char *err,
                    size_t err_len)
{
    int ret;

    sp->mem.img = *img;
    ret = check_layout(sp, &sp->mem.img, err, err_len);
    if (ret == 0)
        ret = resolve_regions(sp, err, err_len);
    if (ret == 0)
        ret = check_entry(sp, &sp->mem.img, err, err_len);
    if (ret == 0)
        ret = check_devices(sp, err, err_len);
    if (ret == 0)
        ret = create_image(sp, file, err, err_len);
    if (ret == 0)
        ret = create_regions(sp, err, err_len);
    if (ret == 0)
        ret = create_window(sp, err, err_len);
    if (ret == 0)
        ret = ffau_dev_create(sp, err, err_len);
    return ret;
}

/* Map chunk `c` into `uc`, one mapping per run of pages with equal permissions. */
static int map_chunk(const struct sp *sp, const struct mem_chunk *c, uc_engine *uc, char *err,
                     size_t len)
{
    uint64_t run = c->base;

    while (run < c->base + c->size) {
        uint32_t prot = page_prot(sp, run, NULL);
        uint64_t end = run + SPMC_PAGE;
        uc_err e;

        while (end < c->base + c->size && page_prot(sp, end, NULL) == prot)
            end += SPMC_PAGE;
        e = uc_mem_map_ptr(uc, run, end - run, prot, c->host + (run - c->base));
        if (e != UC_ERR_OK) {
            snprintf(err, len, "cannot map image pages 0x%llx..0x%llx: %s", (unsigned long long)run,
                     (unsigned long long)end, uc_strerror(e));
            return FFA_RET_NO_MEMORY;
        }
        run = end;
    }
    return 0;
}

int ffau_mem_map(struct sp *sp, uc_engine *uc, char *err, size_t err_len)
{
    const struct sp_mem *m = &sp->mem;

    for (unsigned i = 0; i < m->chunk_count; i++) {
        int ret = map_chunk(sp, &m->chunks[i], uc, err, err_len);

        if (ret != 0)
            return ret;
    }
    for (uint32_t i = 0; i < sp->mf.region_count; i++) {
        const struct sp_mem_region *r = &sp->mf.regions[i];

        if (r->in_image)
            continue;
        if (uc_mem_map_ptr(uc, r->base, (uint64_t)r->pages * SPMC_PAGE, region_prot(r->attributes),
                           m->regions[i]) != UC_ERR_OK) {
            snprintf(err, err_len, "manifest: memory region '%s' at 0x%llx cannot be mapped",
                     r->name, (unsigned long long)r->base);
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    if (uc_mem_map_ptr(uc, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE, UC_PROT_READ | UC_PROT_EXEC,
                       m->window) != UC_ERR_OK) {
        snprintf(err, err_len, "cannot map the SPMC window");
        return FFA_RET_NO_MEMORY;
    }
    return ffau_dev_map(sp, uc, err, err_len);
}

void ffau_mem_destroy(struct sp *sp)
{
    struct sp_mem *m = &sp->mem;

    ffau_dev_destroy(sp);
    for (unsigned i = 0; i < m->chunk_count; i++) {
        if (m->chunks[i].host != NULL)
            munmap(m->chunks[i].host, m->chunks[i].size);
        m->chunks[i].host = NULL;
    }
    if (m->window != NULL)
        munmap(m->window, SPMC_WINDOW_SIZE);
    m->window = NULL;
    for (uint32_t i = 0; i < SPMC_MAX_MEMR; i++) {
        if (m->regions[i] != NULL)
            munmap(m->regions[i], (size_t)sp->mf.regions[i].pages * SPMC_PAGE);
        m->regions[i] = NULL;
    }
}

/* The host view of [addr, addr + len) if it is one mapping whose every page has `need`. */
static uint8_t *sp_host(struct sp *sp, uint64_t addr, uint64_t len, uint32_t need)
{
    const struct mem_chunk *c;

    if (len == 0 || addr > UINT64_MAX - len)
        return NULL;
    c = chunk_of(&sp->mem, addr, len);
    if (c != NULL) {
        for (uint64_t pg = page_down(addr); pg < addr + len; pg += SPMC_PAGE) {
            if ((page_prot(sp, pg, NULL) & need) != need)
                return NULL;
        }
        return c->host + (addr - c->base);
    }
    for (uint32_t i = 0; i < sp->mf.region_count; i++) {
        const struct sp_mem_region *r = &sp->mf.regions[i];

        if (!r->in_image && (region_prot(r->attributes) & need) == need && addr >= r->base &&
            addr + len <= r->base + (uint64_t)r->pages * SPMC_PAGE)
            return sp->mem.regions[i] + (addr - r->base);
    }
    return NULL;
}

uint8_t *ffau_mem_sp_ram(struct sp *sp, uint64_t addr, uint64_t len)
{
    return sp_host(sp, addr, len, UC_PROT_READ | UC_PROT_WRITE);
}

uint8_t *ffau_mem_sp_readable(struct sp *sp, uint64_t addr, uint64_t len)
{
    return sp_host(sp, addr, len, UC_PROT_READ);
}

/* The permissions page `pg` is mapped with when no RX buffer is there. */
static uint32_t mapped_prot(const struct sp *sp, uint64_t pg)
{
    if (image_has_page(&sp->mem.img, pg))
        return page_prot(sp, pg, NULL);
    for (uint32_t i = 0; i < sp->mf.region_count; i++) {
        const struct sp_mem_region *r = &sp->mf.regions[i];

        if (overlaps(pg, SPMC_PAGE, r->base, (uint64_t)r->pages * SPMC_PAGE))
            return region_prot(r->attributes);
    }
    return UC_PROT_READ | UC_PROT_WRITE;
}

/* Give [addr, addr + len) of engine `eng` back the permissions it is mapped with, run by run. */
static uc_err restore_prot(const struct sp *sp, struct engine *eng, uint64_t addr, uint64_t len)
{
    uc_err e = UC_ERR_OK;

    for (uint64_t run = addr; run < addr + len && e == UC_ERR_OK;) {
        uint32_t prot = mapped_prot(sp, run);
        uint64_t end = run + SPMC_PAGE;

        while (end < addr + len && mapped_prot(sp, end) == prot)
            end += SPMC_PAGE;
        e = uc_mem_protect(eng->uc, run, end - run, prot);
        run = end;
    }
    return e;
}

/*
 * Bring engine `eng` from the RX protection `had` to `want`: while mapped, the RX buffer is
 * read-only to its SP; unmapped, its pages get back the permissions they are mapped with.
 */
static void apply_rx(struct sp *sp, struct engine *eng, const struct mem_range *had,
                     const struct mem_range *want)
{
    uc_err e = UC_ERR_OK;

    if (had->len == want->len && had->addr == want->addr)
        return;
    if (had->len != 0)
        e = restore_prot(sp, eng, had->addr, had->len);
    if (e == UC_ERR_OK && want->len != 0)
        e = uc_mem_protect(eng->uc, want->addr, want->len, UC_PROT_READ);
    if (e != UC_ERR_OK)
        ffau_log_msg(sp->spmc, FFA_UNICORN_LOG_ERROR, sp->mf.id,
                     "SP 0x%04x: cannot change the RX buffer's permissions at 0x%llx: %s",
                     sp->mf.id, (unsigned long long)(want->len != 0 ? want->addr : had->addr),
                     uc_strerror(e));
}

/*
 * Unicorn flushes the engine's TLB on uc_mem_protect(): a store translated earlier faults from
 * now on (tests/unicorn checks it).
 */
void ffau_mem_sync(struct sp *sp, struct engine *eng)
{
    pthread_mutex_lock(&sp->mem.lock);
    apply_rx(sp, eng, &eng->layout.rx_ro, &sp->mem.rx_ro);
    eng->layout.rx_ro = sp->mem.rx_ro;
    eng->layout.gen = sp->mem.gen;
    pthread_mutex_unlock(&sp->mem.lock);
}

/*
 * The new protection reaches every engine of the partition before it next runs; the caller's own
 * engine too, so the SP sees it as soon as its call returns.
 */
void ffau_mem_protect_rx(struct sp *sp, uint64_t addr, uint64_t len, bool read_only)
{
    pthread_mutex_lock(&sp->mem.lock);
    sp->mem.rx_ro = read_only ? (struct mem_range){addr, len} : (struct mem_range){0, 0};
    __atomic_store_n(&sp->mem.gen, sp->mem.gen + 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&sp->mem.lock);
}
