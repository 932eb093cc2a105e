/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Public API of the Unicorn backend (include/ffa/backend_unicorn.h): create (load, validate,
 * boot), destroy, the backend vtable, the host's NS interrupt line, introspection. The top layer:
 * it calls into load.c, boot.c and run.c, and nothing below calls it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "spmc_internal.h"

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

static void report(const struct ffa_unicorn_config *cfg, const char *msg, char *err, size_t err_len)
{
    if (cfg->log != NULL)
        cfg->log(cfg->log_ctx, FFA_UNICORN_LOG_ERROR, FFA_ID_SPMC, msg);
    if (err != NULL && err_len > 0)
        snprintf(err, err_len, "%s", msg);
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
    if (ret != 0) {
        report(cfg, msg, err, err_len);
        return ret;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return FFA_RET_NO_MEMORY;
    pthread_mutex_init(&s->lock, NULL);
    s->cfg = *cfg;
    s->nwd_version = SPMC_VERSION;
    for (uint32_t i = 0; i < SPMC_MAX_PES; i++)
        s->cpus[i].index = i;
    if (s->cfg.watchdog_blocks == 0)
        s->cfg.watchdog_blocks = FFA_UNICORN_DEFAULT_WATCHDOG_BLOCKS;
    if (s->cfg.preempt_blocks != 0 && s->cfg.watchdog_blocks <= s->cfg.preempt_blocks)
        s->cfg.watchdog_blocks = s->cfg.preempt_blocks + 1;
    ret = ffau_load_all(s, msg, sizeof(msg));
    if (ret != 0) {
        report(cfg, msg, err, err_len);
        ffau_load_free(s);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return ret;
    }
    /* One PE: every partition boots on it. */
    ffau_boot_all(s, &s->cpus[0]);
    *out = (struct ffa_unicorn *)s;
    return 0;
}

void ffa_unicorn_destroy(struct ffa_unicorn *spmc)
{
    struct spmc *s = (struct spmc *)spmc;

    if (s == NULL)
        return;
    ffau_load_free(s);
    ffau_nwdbuf_free_all(s);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* `cpu` is not used yet: the SPMC models one PE. The multi-PE SPMC picks the PE with it. */
static void unicorn_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct spmc *s = ctx;

    /* One PE: the call runs on it whatever the caller's processor (ffau_run_nwd_call() locks). */
    (void)cpu;
    ffau_run_nwd_call(s, &s->cpus[0], in, out);
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
 * Any thread: raise the PE's line; the running SP's block hook sees it at its next basic block.
 * The engine is not stopped from this thread (uc_emu_stop() from another thread works in 2.0.1,
 * but would race with an entry that is just ending); the hook poll is race-free.
 */
void ffa_unicorn_raise_ns_interrupt(struct ffa_unicorn *spmc)
{
    struct cpu *cpu = &((struct spmc *)spmc)->cpus[0];

    if (__atomic_load_n(&cpu->in_call, __ATOMIC_ACQUIRE))
        __atomic_store_n(&cpu->ns_irq_line, 1, __ATOMIC_RELEASE);
}

enum ffa_unicorn_ec_state ffa_unicorn_ec_state(struct ffa_unicorn *spmc, uint16_t sp_id,
                                               uint16_t vcpu)
{
    /* YIELDED is BLOCKED by the context's own FFA_YIELD: the public states know only BLOCKED. */
    static const enum ffa_unicorn_ec_state public_state[EC_STATE_COUNT] = {
        [EC_NULL] = FFA_UNICORN_EC_NULL,           [EC_OFF] = FFA_UNICORN_EC_OFF,
        [EC_WAITING] = FFA_UNICORN_EC_WAITING,     [EC_RUNNING] = FFA_UNICORN_EC_RUNNING,
        [EC_BLOCKED] = FFA_UNICORN_EC_BLOCKED,     [EC_YIELDED] = FFA_UNICORN_EC_BLOCKED,
        [EC_PREEMPTED] = FFA_UNICORN_EC_PREEMPTED, [EC_ABORTED] = FFA_UNICORN_EC_ABORTED,
    };
    struct spmc *s = (struct spmc *)spmc;
    enum ffa_unicorn_ec_state st = FFA_UNICORN_EC_NULL;
    struct sp *sp;

    pthread_mutex_lock(&s->lock);
    sp = sp_find(s, sp_id);
    if (sp != NULL && vcpu < sp->mf.ec_count)
        st = public_state[sp->ecs[vcpu].rt_state];
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
    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < SPMC_MAX_PES; i++) {
        const struct ffa_unicorn_stats *c = &s->cpus[i].stats;

        out->world_switches += c->world_switches;
        out->ns_interrupts += c->ns_interrupts;
        out->ns_queued += c->ns_queued;
        out->managed_exits += c->managed_exits;
        out->preemptions += c->preemptions;
        out->aborts += c->aborts;
    }
    pthread_mutex_unlock(&s->lock);
}

int ffa_unicorn_device_info(struct ffa_unicorn *spmc, uint16_t sp_id, unsigned index,
                            struct ffa_unicorn_device_info *out)
{
    struct spmc *s = (struct spmc *)spmc;
    const struct sp_dev_region *d;
    struct sp *sp;

    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&s->lock);
    sp = sp_find(s, sp_id);
    if (sp == NULL || index >= sp->mf.dev_count) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    d = &sp->mf.devs[index];
    snprintf(out->name, sizeof(out->name), "%s", d->name);
    out->base = d->base;
    out->pages = d->pages;
    out->attributes = d->attributes;
    out->model = sp->devs[index].model;
    out->irq_count = d->irq_count;
    for (uint32_t i = 0; i < d->irq_count; i++) {
        out->irqs[i].id = d->irqs[i].id;
        out->irqs[i].attributes = d->irqs[i].attributes;
        out->irqs[i].mpidr = d->irqs[i].mpidr;
        out->irqs[i].mpidr_valid = d->irqs[i].mpidr_valid;
    }
    pthread_mutex_unlock(&s->lock);
    return 0;
}
