/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading the configured partitions: each one's manifest and image (from a file or from memory,
 * always a private copy), parsed and validated, its memory built and mapped into the engine of
 * each of its execution contexts, its manifest's RX/TX pair mapped; then the checks across
 * partitions and the boot order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spmc_internal.h"

/* Largest image or manifest file read (a bigger partition's memory is zero-filled .bss). */
#define LOAD_MAX_FILE (64L << 20)

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    long len;
    uint8_t *buf;

    if (f == NULL)
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > LOAD_MAX_FILE ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *size = (size_t)len;
    return 0;
}

/* An SP's image or manifest bytes (a private copy either way). */
static int get_blob(const char *path, const void *mem, size_t mem_size, uint8_t **data,
                    size_t *size)
{
    if (mem != NULL) {
        *data = malloc(mem_size > 0 ? mem_size : 1);
        if (*data == NULL)
            return -1;
        memcpy(*data, mem, mem_size);
        *size = mem_size;
        return 0;
    }
    if (path == NULL)
        return -1;
    return read_file(path, data, size);
}

static const char *sp_label(const struct ffa_unicorn_sp_config *c)
{
    if (c->manifest_path != NULL)
        return c->manifest_path;
    return c->elf_path != NULL ? c->elf_path : "(in memory)";
}

/* The image's kind: as configured, or an ELF when the file starts with the ELF magic. */
static bool image_is_elf(const struct ffa_unicorn_sp_config *c, const uint8_t *file, size_t size)
{
    if (c->image_kind == FFA_UNICORN_IMAGE_AUTO)
        return ffau_elf_is_elf(file, size);
    return c->image_kind == FFA_UNICORN_IMAGE_ELF;
}

/*
 * Parse the image and put it where the manifest says: a static ELF stays where it is linked (a
 * manifest without load-address takes that address); a position-independent ELF or a flat
 * image moves to load-address (SPMC_DEFAULT_LOAD_ADDRESS when the manifest has none, the
 * binding's "any address chosen at boot time") and relocates itself when it runs.
 */
static int place_image(struct sp *sp, const struct ffa_unicorn_sp_config *c, const uint8_t *file,
                       size_t size, struct elf_image *img, char *msg, size_t len)
{
    struct sp_manifest *mf = &sp->mf;
    bool elf = image_is_elf(c, file, size);

    if ((unsigned)c->image_kind > FFA_UNICORN_IMAGE_FLAT) {
        snprintf(msg, len, "config: image_kind %d is not an image kind", (int)c->image_kind);
        return FFA_RET_INVALID_PARAMETERS;
    }
    if ((elf ? ffau_elf_parse(file, size, img, msg, len) : ffau_elf_flat(size, img, msg, len)) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if (!mf->load_address_given)
        mf->load_address = img->relocatable ? SPMC_DEFAULT_LOAD_ADDRESS : img->lo;
    if (ffau_elf_place(img, mf->load_address, msg, len) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    return 0;
}

/* What the log says about a partition once it is loaded. */
static void log_loaded(struct spmc *s, const struct sp *sp)
{
    const struct sp_manifest *mf = &sp->mf;
    const struct elf_image *img = &sp->mem.img;

    ffau_log_msg(s, FFA_UNICORN_LOG_INFO, mf->id,
                 "SP 0x%04x (%s): %s image at 0x%llx, entry 0x%llx, memory 0x%llx..0x%llx%s%s",
                 mf->id, mf->name,
                 img->flat          ? "flat"
                 : img->relocatable ? "position-independent ELF"
                                    : "ELF",
                 (unsigned long long)mf->load_address,
                 (unsigned long long)(mf->load_address + mf->entrypoint_offset),
                 (unsigned long long)img->lo, (unsigned long long)img->hi,
                 mf->load_address_given ? "" : " (no load-address in the manifest)",
                 mf->id_given ? "" : " (no id in the manifest: numbered by the SPMC)");
    for (uint32_t i = 0; i < mf->dev_count; i++) {
        const struct sp_dev_region *d = &mf->devs[i];
        char irqs[160] = "";
        size_t n = 0;

        for (uint32_t j = 0; j < d->irq_count && n < sizeof(irqs); j++)
            n += (size_t)snprintf(irqs + n, sizeof(irqs) - n, "%s%u (0x%x)", j ? ", " : "",
                                  d->irqs[j].id, d->irqs[j].attributes);
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, mf->id,
                     "SP 0x%04x: device region '%s' at 0x%llx, %u pages, %s%s: %s; interrupts: %s",
                     mf->id, d->name, (unsigned long long)d->base, d->pages,
                     (d->attributes & MR_ATTR_W) ? "RW" : "R",
                     (d->attributes & MR_ATTR_NS) ? " non-secure" : "",
                     ffau_dev_model_name(sp->devs[i].model), d->irq_count ? irqs : "none");
    }
    if (mf->unused[0] != '\0')
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, mf->id,
                     "SP 0x%04x: manifest properties accepted but not used by this SPMC: %s",
                     mf->id, mf->unused);
    if (mf->unknown[0] != '\0')
        ffau_log_msg(s, FFA_UNICORN_LOG_INFO, mf->id,
                     "SP 0x%04x: manifest properties the FF-A binding does not define, ignored: %s",
                     mf->id, mf->unknown);
}

/* How much address space the engines reserve for translated code (docs/unicorn.md, "Memory"). */
static void log_code_cache(struct spmc *s)
{
    bool sizable;
    size_t size = ffau_eng_code_cache(s, &sizable);

    ffau_log_msg(s, FFA_UNICORN_LOG_INFO, FFA_ID_SPMC,
                 "each Unicorn engine reserves %zu MiB of address space for translated code%s",
                 size >> 20,
                 sizable ? " (code_cache_size)"
                         : " (Unicorn 2.0.1's fixed size: code_cache_size needs Unicorn 2.1)");
}

static int load_sp(struct spmc *s, size_t idx, struct sp *sp, char *msg, size_t len)
{
    const struct ffa_unicorn_sp_config *c = &s->cfg.sps[idx];
    struct elf_image img;
    uint8_t *file = NULL;
    size_t file_size = 0;
    int ret;

    sp->spmc = s;
    sp->cfg_index = idx;
    if (get_blob(c->manifest_path, c->manifest_data, c->manifest_size, &sp->manifest,
                 &sp->manifest_size) != 0) {
        snprintf(msg, len, "manifest: cannot read '%s'",
                 c->manifest_path != NULL ? c->manifest_path : "(none given)");
        return FFA_RET_INVALID_PARAMETERS;
    }
    if (ffau_mf_parse(sp->manifest, sp->manifest_size, &sp->mf, msg, len) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    /*
     * UP (migratable) or MP with one context per PE (DEN0077A v1.1 section 4.4.1, as Hafnium
     * src/api.c api_ffa_get_vm_vcpu() relies on it): nothing in between.
     */
    if (sp->mf.ec_count != 1 && sp->mf.ec_count != s->pe_count) {
        snprintf(msg, len,
                 "manifest: property 'execution-ctx-count' value %u is neither 1 (a UP partition) "
                 "nor the number of PEs, %u (an MP partition)",
                 sp->mf.ec_count, s->pe_count);
        return FFA_RET_INVALID_PARAMETERS;
    }
    /* No id: numbered in configuration order from 0x8001, as Hafnium numbers its vmN nodes. */
    if (!sp->mf.id_given)
        sp->mf.id = (uint16_t)(FFA_ID_SPMC + 1 + idx);
    if (sp->mf.name[0] == '\0')
        snprintf(sp->mf.name, sizeof(sp->mf.name), "sp-%04x", sp->mf.id);
    sp->version = sp->mf.ffa_version;
    sp->pe_mask = sp->mf.ec_count > 1 ? UINT32_MAX : 0;
    sp->ecs = calloc(sp->mf.ec_count, sizeof(*sp->ecs));
    sp->engs = calloc(sp->mf.ec_count, sizeof(*sp->engs));
    if (sp->ecs == NULL || sp->engs == NULL) {
        snprintf(msg, len, "out of memory");
        return FFA_RET_NO_MEMORY;
    }
    /* One engine per execution context: contexts on different PEs run at the same time. */
    for (uint32_t v = 0; v < sp->mf.ec_count; v++) {
        sp->ecs[v].sp = sp;
        sp->ecs[v].eng = &sp->engs[v];
        sp->ecs[v].vcpu = (uint16_t)v;
    }
    if (get_blob(c->elf_path, c->elf_data, c->elf_size, &file, &file_size) != 0) {
        snprintf(msg, len, "image: cannot read '%s'",
                 c->elf_path != NULL ? c->elf_path : "(none given)");
        return FFA_RET_INVALID_PARAMETERS;
    }
    ret = place_image(sp, c, file, file_size, &img, msg, len);
    if (ret == 0)
        ret = ffau_mem_create(sp, &img, file, msg, len);
    free(file);
    for (uint32_t v = 0; ret == 0 && v < sp->mf.ec_count; v++)
        ret = ffau_eng_create(sp, &sp->engs[v], msg, len);
    if (ret == 0) {
        ffau_spbuf_from_manifest(s, sp);
        log_loaded(s, sp);
    }
    return ret;
}

/* A partition with nothing loaded yet: its locks, ready for ffau_load_free(). */
static struct sp *sp_alloc(void)
{
    struct sp *sp = calloc(1, sizeof(*sp));

    if (sp == NULL)
        return NULL;
    pthread_mutex_init(&sp->mbox_lock, NULL);
    pthread_mutex_init(&sp->mem.lock, NULL);
    return sp;
}

void ffau_load_free(struct spmc *s)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        struct sp *sp = s->sps != NULL ? s->sps[i] : NULL;

        if (sp == NULL)
            continue;
        for (uint32_t v = 0; sp->engs != NULL && v < sp->mf.ec_count; v++)
            ffau_eng_destroy(&sp->engs[v]);
        ffau_mem_destroy(sp);
        pthread_mutex_destroy(&sp->mbox_lock);
        pthread_mutex_destroy(&sp->mem.lock);
        free(sp->engs);
        free(sp->ecs);
        free(sp->manifest);
        free(sp);
    }
    free(s->sps);
    s->sps = NULL;
}

static int cmp_boot_order(const void *a, const void *b)
{
    const struct sp *x = *(const struct sp *const *)a, *y = *(const struct sp *const *)b;

    if (x->mf.boot_order != y->mf.boot_order)
        return x->mf.boot_order < y->mf.boot_order ? -1 : 1;
    return x->cfg_index < y->cfg_index ? -1 : 1;
}

/*
 * IDs are unique; explicit boot-order values are unique (TF-A's binding: "boot-order" is a unique
 * number; Hafnium refuses duplicates in src/manifest.c).
 */
static int check_unique(struct spmc *s, char *msg, size_t len)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        for (size_t j = 0; j < i; j++) {
            const struct sp *a = s->sps[i], *b = s->sps[j];

            if (a->mf.id == b->mf.id) {
                snprintf(msg, len,
                         "SP %zu (%s): manifest: property 'id' value 0x%04x is also used by "
                         "SP %zu",
                         a->cfg_index, sp_label(&s->cfg.sps[a->cfg_index]), a->mf.id, b->cfg_index);
                return FFA_RET_INVALID_PARAMETERS;
            }
            if (a->mf.boot_order == b->mf.boot_order && a->mf.boot_order != 0x10000) {
                snprintf(msg, len,
                         "SP %zu (%s): manifest: property 'boot-order' value %u is also used by "
                         "SP %zu",
                         a->cfg_index, sp_label(&s->cfg.sps[a->cfg_index]), a->mf.boot_order,
                         b->cfg_index);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
    }
    return 0;
}

int ffau_load_all(struct spmc *s, char *msg, size_t len)
{
    int ret;

    s->sps = calloc(s->cfg.sp_count, sizeof(*s->sps));
    if (s->sps == NULL) {
        snprintf(msg, len, "out of memory");
        return FFA_RET_NO_MEMORY;
    }
    s->sp_count = s->cfg.sp_count;
    for (size_t i = 0; i < s->sp_count; i++) {
        char sp_msg[400] = "";

        s->sps[i] = sp_alloc();
        if (s->sps[i] == NULL) {
            snprintf(msg, len, "out of memory");
            return FFA_RET_NO_MEMORY;
        }
        ret = load_sp(s, i, s->sps[i], sp_msg, sizeof(sp_msg));
        if (ret != 0) {
            snprintf(msg, len, "SP %zu (%s): %s", i, sp_label(&s->cfg.sps[i]), sp_msg);
            return ret;
        }
    }
    ret = check_unique(s, msg, len);
    if (ret != 0)
        return ret;
    log_code_cache(s);
    qsort(s->sps, s->sp_count, sizeof(*s->sps), cmp_boot_order);
    for (size_t i = 0; i < s->sp_count; i++)
        s->sps[i]->index = (uint32_t)i;
    return 0;
}
