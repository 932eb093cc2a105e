/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A partition's memory: its image, its manifest's memory regions and the SPMC window, as host
 * pages, and their mapping into an engine (Unicorn's uc_mem_map_ptr() maps host memory without a
 * copy, so any number of engines can share one partition's memory: one per execution context).
 *
 * What changes at run time (the RX buffer's protection) is kept as the partition's layout, changed
 * under sp.mem.lock with a new generation; each engine brings itself to the current layout before
 * it next runs (ffau_mem_sync(), from engine.c on the thread that runs it), because another of
 * the partition's engines may be running on another PE: no engine is ever changed from a thread
 * that is not running it.
 *
 * Image pages are mapped run by run: each run of contiguous pages with equal permissions (the
 * union of the segments touching each page) is one mapping, and a gap between segments is no
 * mapping at all. One uc_mem_protect() per 4 KiB page instead made Unicorn 2.0.1 split its memory
 * region once per page (uc.c split_region()), until a 4 MiB image exhausted QEMU's section table
 * (an assertion in qemu/exec.c phys_section_add()) and segments far apart took minutes.
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

/* Permissions of image page `pg`: the union of the segments touching it (UC_PROT_*). */
static uint32_t image_page_prot(const struct elf_image *img, uint64_t pg)
{
    uint32_t prot = 0;

    for (unsigned i = 0; i < img->seg_count; i++) {
        const struct elf_seg *s = &img->segs[i];

        if (overlaps(pg, SPMC_PAGE, s->vaddr, s->memsz))
            prot |= s->prot;
    }
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
    while (m->chunk_count < ELF_MAX_SEGS) {
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

static int check_layout(const struct sp *sp, const struct elf_image *img, char *err, size_t len)
{
    const struct sp_manifest *mf = &sp->mf;
    uint64_t entry = mf->load_address + mf->entrypoint_offset;
    bool entry_ok = false;

    /* Images are not relocated: the manifest must say where the ELF was linked. */
    if (img->lo != mf->load_address) {
        snprintf(err, len,
                 "manifest: property 'load-address' value 0x%llx does not match the "
                 "image, linked at 0x%llx",
                 (unsigned long long)mf->load_address, (unsigned long long)img->lo);
        return FFA_RET_INVALID_PARAMETERS;
    }
    for (unsigned i = 0; i < img->seg_count; i++) {
        const struct elf_seg *s = &img->segs[i];

        if ((s->prot & UC_PROT_EXEC) && entry >= s->vaddr && entry < s->vaddr + s->memsz)
            entry_ok = true;
        if (overlaps(page_down(s->vaddr), page_up(s->vaddr + s->memsz) - page_down(s->vaddr),
                     SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE)) {
            snprintf(err, len, "image: segment at 0x%llx overlaps the SPMC window at 0x%llx",
                     (unsigned long long)s->vaddr, (unsigned long long)SPMC_WINDOW_BASE);
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    if (!entry_ok || entry != img->entry) {
        snprintf(err, len,
                 "manifest: property 'entrypoint-offset' value 0x%llx gives entry "
                 "0x%llx, but the image's entry point is 0x%llx%s",
                 (unsigned long long)mf->entrypoint_offset, (unsigned long long)entry,
                 (unsigned long long)img->entry, entry_ok ? "" : " (not in executable code)");
        return FFA_RET_INVALID_PARAMETERS;
    }
    return 0;
}

/* Host memory for every chunk, the segments' file bytes copied in; no page both W and X. */
static int create_image(struct sp_mem *m, const uint8_t *elf, char *err, size_t len)
{
    const struct elf_image *img = &m->img;

    plan_chunks(m);
    for (unsigned i = 0; i < m->chunk_count; i++) {
        struct mem_chunk *c = &m->chunks[i];

        for (uint64_t pg = c->base; pg < c->base + c->size; pg += SPMC_PAGE) {
            uint32_t prot = image_page_prot(img, pg);

            if ((prot & UC_PROT_WRITE) && (prot & UC_PROT_EXEC)) {
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
            memcpy(c->host + (s->vaddr - c->base), elf + s->offset, s->filesz);
    }
    return 0;
}

static int create_regions(struct sp *sp, char *err, size_t len)
{
    const struct sp_manifest *mf = &sp->mf;

    for (uint32_t i = 0; i < mf->region_count; i++) {
        const struct sp_mem_region *r = &mf->regions[i];
        uint64_t size = (uint64_t)r->pages * SPMC_PAGE;
        bool hits_image = false;

        for (uint64_t pg = r->base; pg < r->base + size && !hits_image; pg += SPMC_PAGE)
            hits_image = image_has_page(&sp->mem.img, pg);
        if (hits_image || overlaps(r->base, size, SPMC_WINDOW_BASE, SPMC_WINDOW_SIZE)) {
            snprintf(err, len,
                     "manifest: memory region '%s': 'base-address' 0x%llx (%u pages) "
                     "overlaps the image or the SPMC window at 0x%llx",
                     r->name, (unsigned long long)r->base, r->pages,
                     (unsigned long long)SPMC_WINDOW_BASE);
            return FFA_RET_INVALID_PARAMETERS;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (overlaps(r->base, size, mf->regions[j].base,
                         (uint64_t)mf->regions[j].pages * SPMC_PAGE)) {
                snprintf(err, len, "manifest: memory region '%s' at 0x%llx overlaps region '%s'",
                         r->name, (unsigned long long)r->base, mf->regions[j].name);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
        sp->mem.regions[i] = host_pages(size);
        if (sp->mem.regions[i] == NULL) {
            snprintf(err, len, "out of memory for memory region '%s'", r->name);
            return FFA_RET_NO_MEMORY;
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

int ffau_mem_create(struct sp *sp, const struct elf_image *img, const uint8_t *elf, char *err,
                    size_t err_len)
{
    int ret = check_layout(sp, img, err, err_len);

    if (ret != 0)
        return ret;
    sp->mem.img = *img;
    ret = create_image(&sp->mem, elf, err, err_len);
    if (ret == 0)
        ret = create_regions(sp, err, err_len);
    if (ret == 0)
        ret = create_window(sp, err, err_len);
    return ret;
}

/* Map chunk `c` into `uc`, one mapping per run of pages with equal permissions. */
static int map_chunk(const struct sp_mem *m, const struct mem_chunk *c, uc_engine *uc, char *err,
                     size_t len)
{
    uint64_t run = c->base;

    while (run < c->base + c->size) {
        uint32_t prot = image_page_prot(&m->img, run);
        uint64_t end = run + SPMC_PAGE;
        uc_err e;

        while (end < c->base + c->size && image_page_prot(&m->img, end) == prot)
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
        int ret = map_chunk(m, &m->chunks[i], uc, err, err_len);

        if (ret != 0)
            return ret;
    }
    for (uint32_t i = 0; i < sp->mf.region_count; i++) {
        const struct sp_mem_region *r = &sp->mf.regions[i];
        uint32_t prot = ((r->attributes & 1) ? UC_PROT_READ : 0) |
                        ((r->attributes & 2) ? UC_PROT_WRITE : 0) |
                        ((r->attributes & 4) ? UC_PROT_EXEC : 0);

        if (uc_mem_map_ptr(uc, r->base, (uint64_t)r->pages * SPMC_PAGE, prot, m->regions[i]) !=
            UC_ERR_OK) {
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
    return 0;
}

void ffau_mem_destroy(struct sp *sp)
{
    struct sp_mem *m = &sp->mem;

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

uint8_t *ffau_mem_sp_ram(struct sp *sp, uint64_t addr, uint64_t len)
{
    const struct mem_chunk *c;

    if (len == 0 || addr > UINT64_MAX - len)
        return NULL;
    c = chunk_of(&sp->mem, addr, len);
    if (c != NULL) {
        for (uint64_t pg = page_down(addr); pg < addr + len; pg += SPMC_PAGE) {
            if ((image_page_prot(&sp->mem.img, pg) & UC_PROT_WRITE) == 0)
                return NULL;
        }
        return c->host + (addr - c->base);
    }
    for (uint32_t i = 0; i < sp->mf.region_count; i++) {
        const struct sp_mem_region *r = &sp->mf.regions[i];

        if ((r->attributes & 2) != 0 && addr >= r->base &&
            addr + len <= r->base + (uint64_t)r->pages * SPMC_PAGE)
            return sp->mem.regions[i] + (addr - r->base);
    }
    return NULL;
}

/* Apply the RX protection of `want` to an engine that has `had` (read-write everywhere else). */
static void apply_rx(struct sp *sp, struct engine *eng, const struct mem_range *had,
                     const struct mem_range *want)
{
    uc_err e = UC_ERR_OK;

    if (had->len == want->len && had->addr == want->addr)
        return;
    /* The RX buffer is writable RAM (ffau_mem_sp_ram()), so read-write is what it goes back to. */
    if (had->len != 0)
        e = uc_mem_protect(eng->uc, had->addr, had->len, UC_PROT_READ | UC_PROT_WRITE);
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
