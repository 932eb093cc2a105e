/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Public API of the Unicorn backend: create (load, validate, boot), destroy, the backend vtable,
 * the host's NS interrupt line, introspection and logging.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/names.h"
#include "spmc_internal.h"

void spmc_log(struct spmc *s, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (s->cfg.log == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->cfg.log(s->cfg.log_ctx, kind, sp_id, msg);
}

const char *spmc_fid_name(uint64_t fid)
{
    const char *n = ffa_func_name((uint32_t)fid);

    return n != NULL ? n : "(not FF-A)";
}

/* ---- Loading ---- */

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    long len;
    uint8_t *buf;

    if (f == NULL)
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > (64L << 20) ||
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

/* Get an SP's image or manifest bytes (a private copy either way). */
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

static int load_sp(struct spmc *s, size_t idx, struct sp *sp, char *msg, size_t len)
{
    const struct ffa_unicorn_sp_config *c = &s->cfg.sps[idx];
    struct elf_image img;
    uint8_t *elf = NULL;
    size_t elf_size = 0;
    uint8_t *dtb = NULL;
    size_t dtb_size = 0;
    int ret;

    sp->spmc = s;
    if (get_blob(c->manifest_path, c->manifest_data, c->manifest_size, &dtb, &dtb_size) != 0) {
        snprintf(msg, len, "manifest: cannot read '%s'",
                 c->manifest_path != NULL ? c->manifest_path : "(none given)");
        return FFA_RET_INVALID_PARAMETERS;
    }
    sp->manifest_copy = dtb;
    sp->manifest_size = dtb_size;
    if (manifest_parse(dtb, dtb_size, &sp->mf, msg, len) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    sp->version = sp->mf.ffa_version;
    sp->ecs = calloc(sp->mf.ec_count, sizeof(*sp->ecs));
    if (sp->ecs == NULL) {
        snprintf(msg, len, "out of memory");
        return FFA_RET_NO_MEMORY;
    }
    for (uint32_t v = 0; v < sp->mf.ec_count; v++) {
        sp->ecs[v].sp = sp;
        sp->ecs[v].vcpu = (uint16_t)v;
    }
    if (get_blob(c->elf_path, c->elf_data, c->elf_size, &elf, &elf_size) != 0) {
        snprintf(msg, len, "image: cannot read '%s'",
                 c->elf_path != NULL ? c->elf_path : "(none given)");
        return FFA_RET_INVALID_PARAMETERS;
    }
    ret = elf_parse(elf, elf_size, &img, msg, len);
    if (ret == 0)
        ret = engine_create(s, sp, &img, elf, msg, len);
    else
        ret = FFA_RET_INVALID_PARAMETERS;
    free(elf);
    if (ret == 0)
        sp_rxtx_from_manifest(sp);
    return ret;
}

static void free_sps(struct spmc *s)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        struct sp *sp = s->sps[i];

        if (sp == NULL)
            continue;
        engine_destroy(sp);
        free(sp->ecs);
        free(sp->manifest_copy);
        free(sp);
    }
    free(s->sps);
}

static int cmp_boot_order(const void *a, const void *b)
{
    const struct sp *x = *(const struct sp *const *)a, *y = *(const struct sp *const *)b;

    if (x->mf.boot_order != y->mf.boot_order)
        return x->mf.boot_order < y->mf.boot_order ? -1 : 1;
    return x->cfg_index < y->cfg_index ? -1 : 1;
}

/* IDs are unique; explicit boot-order values are unique (secure-side.md 3.8 step 1). */
static int check_unique(struct spmc *s, char *msg, size_t len)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        for (size_t j = 0; j < i; j++) {
            const struct sp *a = s->sps[i], *b = s->sps[j];

            if (a->mf.id == b->mf.id) {
                snprintf(msg, len,
                         "SP %zu (%s): manifest: property 'id' value 0x%04x is also "
                         "used by SP %zu",
                         a->cfg_index, sp_label(&s->cfg.sps[a->cfg_index]), a->mf.id, b->cfg_index);
                return FFA_RET_INVALID_PARAMETERS;
            }
            if (a->mf.boot_order == b->mf.boot_order && a->mf.boot_order != 0x10000) {
                snprintf(msg, len,
                         "SP %zu (%s): manifest: property 'boot-order' value %u is "
                         "also used by SP %zu",
                         a->cfg_index, sp_label(&s->cfg.sps[a->cfg_index]), a->mf.boot_order,
                         b->cfg_index);
                return FFA_RET_INVALID_PARAMETERS;
            }
        }
    }
    return 0;
}

static int check_config(const struct ffa_unicorn_config *cfg, char *msg, size_t len)
{
    if (cfg->sp_count == 0 || cfg->sp_count > SPMC_MAX_SPS || cfg->sps == NULL) {
        snprintf(msg, len, "config: sp_count %zu is not 1..%u", cfg->sp_count, SPMC_MAX_SPS);
        return FFA_RET_INVALID_PARAMETERS;
    }
    if (cfg->preempt_blocks != 0 && cfg->watchdog_blocks != 0 &&
        cfg->watchdog_blocks <= cfg->preempt_blocks) {
        snprintf(msg, len, "config: watchdog_blocks %llu must be larger than preempt_blocks %llu",
                 (unsigned long long)cfg->watchdog_blocks, (unsigned long long)cfg->preempt_blocks);
        return FFA_RET_INVALID_PARAMETERS;
    }
    return 0;
}

int ffa_unicorn_create(const struct ffa_unicorn_config *cfg, struct ffa_unicorn **out, char *err,
                       size_t err_len)
{
    struct spmc *s;
    char msg[512] = "";
    int ret;

    if (out == NULL || cfg == NULL)
        return FFA_RET_INVALID_PARAMETERS;
    *out = NULL;
    ret = check_config(cfg, msg, sizeof(msg));
    if (ret != 0)
        goto fail_early;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return FFA_RET_NO_MEMORY;
    pthread_mutex_init(&s->lock, NULL);
    s->cfg = *cfg;
    s->nwd_version = SPMC_VERSION;
    if (s->cfg.watchdog_blocks == 0)
        s->cfg.watchdog_blocks = FFA_UNICORN_DEFAULT_WATCHDOG_BLOCKS;
    if (s->cfg.preempt_blocks != 0 && s->cfg.watchdog_blocks <= s->cfg.preempt_blocks)
        s->cfg.watchdog_blocks = s->cfg.preempt_blocks + 1;
    s->sps = calloc(cfg->sp_count, sizeof(*s->sps));
    if (s->sps == NULL) {
        free(s);
        return FFA_RET_NO_MEMORY;
    }
    s->sp_count = cfg->sp_count;
    for (size_t i = 0; i < s->sp_count; i++) {
        char sp_msg[400] = "";

        s->sps[i] = calloc(1, sizeof(struct sp));
        if (s->sps[i] == NULL) {
            snprintf(msg, sizeof(msg), "out of memory");
            ret = FFA_RET_NO_MEMORY;
            goto fail;
        }
        s->sps[i]->cfg_index = i;
        ret = load_sp(s, i, s->sps[i], sp_msg, sizeof(sp_msg));
        if (ret != 0) {
            snprintf(msg, sizeof(msg), "SP %zu (%s): %s", i, sp_label(&cfg->sps[i]), sp_msg);
            goto fail;
        }
    }
    ret = check_unique(s, msg, sizeof(msg));
    if (ret != 0)
        goto fail;
    qsort(s->sps, s->sp_count, sizeof(*s->sps), cmp_boot_order);
    boot_all(s);
    *out = (struct ffa_unicorn *)s;
    return 0;

fail:
    spmc_log(s, FFA_UNICORN_LOG_ERROR, FFA_ID_SPMC, "%s", msg);
    free_sps(s);
    pthread_mutex_destroy(&s->lock);
    free(s);
    if (err != NULL && err_len > 0)
        snprintf(err, err_len, "%s", msg);
    return ret;
fail_early:
    if (cfg->log != NULL)
        cfg->log(cfg->log_ctx, FFA_UNICORN_LOG_ERROR, FFA_ID_SPMC, msg);
    if (err != NULL && err_len > 0)
        snprintf(err, err_len, "%s", msg);
    return ret;
}

void ffa_unicorn_destroy(struct ffa_unicorn *spmc)
{
    struct spmc *s = (struct spmc *)spmc;

    if (s == NULL)
        return;
    free_sps(s);
    nwd_eps_free(s);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* `cpu` is not used yet: the SPMC models one PE. The multi-PE SPMC picks the PE with it. */
static void unicorn_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct spmc *s = ctx;

    (void)cpu;
    pthread_mutex_lock(&s->lock);
    /* An interrupt raised before this call was the normal world's own: start clean. */
    __atomic_store_n(&s->ns_irq_line, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&s->in_call, true, __ATOMIC_RELEASE);
    nwd_abi_call(s, in, out);
    __atomic_store_n(&s->in_call, false, __ATOMIC_RELEASE);
    __atomic_store_n(&s->ns_irq_line, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&s->lock);
}

/*
 * CONCURRENT: call() may be entered from several threads; it serialises them itself (one PE,
 * s->lock), so the mediator need not take its own backend lock around every call.
 */
static const struct ffa_backend_ops unicorn_ops = {
    .name = "unicorn",
    .caps = FFA_BACKEND_CAP_EMULATED | FFA_BACKEND_CAP_CONCURRENT,
    .call = unicorn_call,
    .destroy = NULL,
};

struct ffa_backend ffa_unicorn_backend(struct ffa_unicorn *spmc)
{
    struct ffa_backend be = {&unicorn_ops, spmc};

    return be;
}

/*
 * Any thread: raise the line; the running SP's block hook sees it at its next basic block. The
 * engine is not stopped from this thread (uc_emu_stop() from another thread works in 2.0.1, but
 * would race with an entry that is just ending); the hook poll is race-free.
 */
void ffa_unicorn_raise_ns_interrupt(struct ffa_unicorn *spmc)
{
    struct spmc *s = (struct spmc *)spmc;

    if (__atomic_load_n(&s->in_call, __ATOMIC_ACQUIRE))
        __atomic_store_n(&s->ns_irq_line, 1, __ATOMIC_RELEASE);
}

enum ffa_unicorn_ec_state ffa_unicorn_ec_state(struct ffa_unicorn *spmc, uint16_t sp_id,
                                               uint16_t vcpu)
{
    struct spmc *s = (struct spmc *)spmc;
    enum ffa_unicorn_ec_state st = FFA_UNICORN_EC_NULL;
    struct sp *sp;

    pthread_mutex_lock(&s->lock);
    sp = spmc_find_sp(s, sp_id);
    if (sp != NULL && vcpu < sp->mf.ec_count)
        st = sp->ecs[vcpu].state;
    pthread_mutex_unlock(&s->lock);
    return st;
}

const char *ffa_unicorn_ec_state_name(enum ffa_unicorn_ec_state state)
{
    static const char *const names[] = {"NULL",    "OFF",       "WAITING", "RUNNING",
                                        "BLOCKED", "PREEMPTED", "ABORTED"};

    if ((unsigned)state >= sizeof(names) / sizeof(names[0]))
        return "?";
    return names[state];
}

void ffa_unicorn_get_stats(struct ffa_unicorn *spmc, struct ffa_unicorn_stats *out)
{
    struct spmc *s = (struct spmc *)spmc;

    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    pthread_mutex_unlock(&s->lock);
}
