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
    if (cfg->pe_count > SPMC_MAX_PES) {
        snprintf(msg, len, "config: pe_count %u is not 1..%u", cfg->pe_count, SPMC_MAX_PES);
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

/* The SPMC without partitions: its PEs and locks. NULL when out of memory. */
static struct spmc *spmc_alloc(const struct ffa_unicorn_config *cfg)
{
    struct spmc *s = calloc(1, sizeof(*s));
    void *cpus = NULL;

    if (s == NULL)
        return NULL;
    s->cfg = *cfg;
    s->pe_count = cfg->pe_count != 0 ? cfg->pe_count : 1;
    /* Each PE on its own cache lines: PEs in parallel share no line of their hot state. */
    if (posix_memalign(&cpus, _Alignof(struct cpu), s->pe_count * sizeof(struct cpu)) != 0) {
        free(s);
        return NULL;
    }
    memset(cpus, 0, s->pe_count * sizeof(struct cpu));
    s->cpus = cpus;
    for (uint32_t i = 0; i < s->pe_count; i++)
        s->cpus[i].index = i;
    pthread_mutex_init(&s->nwd_lock, NULL);
    pthread_mutex_init(&s->log_lock, NULL);
    s->nwd_version = SPMC_VERSION;
    if (s->cfg.watchdog_blocks == 0)
        s->cfg.watchdog_blocks = FFA_UNICORN_DEFAULT_WATCHDOG_BLOCKS;
    if (s->cfg.preempt_blocks != 0 && s->cfg.watchdog_blocks <= s->cfg.preempt_blocks)
        s->cfg.watchdog_blocks = s->cfg.preempt_blocks + 1;
    if (s->cfg.init_blocks == 0)
        s->cfg.init_blocks = s->cfg.watchdog_blocks;
    return s;
}

static void spmc_free(struct spmc *s)
{
    ffau_load_free(s);
    ffau_nwdbuf_free_all(s);
    pthread_mutex_destroy(&s->nwd_lock);
    pthread_mutex_destroy(&s->log_lock);
    free(s->cpus);
    free(s);
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
    s = spmc_alloc(cfg);
    if (s == NULL)
        return FFA_RET_NO_MEMORY;
    ret = ffau_load_all(s, msg, sizeof(msg));
    if (ret != 0) {
        report(cfg, msg, err, err_len);
        spmc_free(s);
        return ret;
    }
    /* Single-threaded: what boot writes is read-only once create returns. */
    ffau_boot_all(s);
    *out = (struct ffa_unicorn *)s;
    return 0;
}

void ffa_unicorn_destroy(struct ffa_unicorn *spmc)
{
    if (spmc != NULL)
        spmc_free((struct spmc *)spmc);
}

/*
 * The call runs on the PE the caller names. A PE that does not exist has no execution context of
 * any MP partition and no SPMC to answer: FFA_ERROR(INVALID_PARAMETERS), Hafnium's answer when
 * the calling CPU has no context in the partition it reaches (src/api.c
 * api_ffa_msg_send_direct_req(): api_ffa_get_vm_vcpu() finds none, "Invalid vCPU!"), for every
 * ABI, as no state of the SPMC may change for it.
 */
static __attribute__((noinline, cold)) void
no_such_pe(struct spmc *s, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[0];

    ffau_log_msg(s, FFA_UNICORN_LOG_WARN, FFA_ID_SPMC,
                 "normal world: %s on PE %u, which does not exist (%u PEs) -> INVALID_PARAMETERS",
                 ffau_log_fid_name(fid), cpu, s->pe_count);
    regs_error(out, FFA_RET_INVALID_PARAMETERS);
}

/* Both paths are tail calls: no frame of this function is left to return through (run.c). */
static void unicorn_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct spmc *s = ctx;

    if (__builtin_expect(cpu >= s->pe_count, 0)) {
        no_such_pe(s, cpu, in, out);
        return;
    }
    ffau_run_nwd_call(s, &s->cpus[cpu], in, out);
}

/*
 * CONCURRENT: call() may be entered from several threads; calls on one PE are serialised by the
 * PE's call_lock, calls on different PEs run in parallel, so the mediator need not take its own
 * backend lock around every call.
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
 * Any thread: raise the PE's line; the block hook of the SP running on that PE sees it at its next
 * basic block. The engine is not stopped from this thread (uc_emu_stop() from another thread
 * works in 2.0.1, but would race with an entry that is just ending); the hook poll is race-free.
 */
int ffa_unicorn_raise_ns_interrupt_on(struct ffa_unicorn *spmc, uint32_t pe)
{
    struct spmc *s = (struct spmc *)spmc;
    struct cpu *cpu;

    if (pe >= s->pe_count)
        return FFA_RET_INVALID_PARAMETERS;
    cpu = &s->cpus[pe];
    if (__atomic_load_n(&cpu->in_call, __ATOMIC_ACQUIRE))
        __atomic_store_n(&cpu->ns_irq_line, 1, __ATOMIC_RELEASE);
    return 0;
}

void ffa_unicorn_raise_ns_interrupt(struct ffa_unicorn *spmc)
{
    (void)ffa_unicorn_raise_ns_interrupt_on(spmc, 0);
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
    struct sp *sp = sp_find(s, sp_id);

    if (sp == NULL || vcpu >= sp->mf.ec_count)
        return FFA_UNICORN_EC_NULL;
    return public_state[ffau_rt_state(&sp->ecs[vcpu])];
}

const char *ffa_unicorn_ec_state_name(enum ffa_unicorn_ec_state state)
{
    static const char *const names[] = {"NULL",    "OFF",       "WAITING", "RUNNING",
                                        "BLOCKED", "PREEMPTED", "ABORTED"};

    if ((unsigned)state >= sizeof(names) / sizeof(names[0]))
        return "?";
    return names[state];
}

/* Add PE `cpu`'s counters to *out: each is written by its PE alone, read here atomically. */
static void add_stats(const struct cpu *cpu, struct ffa_unicorn_stats *out)
{
    const struct ffa_unicorn_stats *c = &cpu->stats;

    out->world_switches += __atomic_load_n(&c->world_switches, __ATOMIC_RELAXED);
    out->ns_interrupts += __atomic_load_n(&c->ns_interrupts, __ATOMIC_RELAXED);
    out->ns_queued += __atomic_load_n(&c->ns_queued, __ATOMIC_RELAXED);
    out->managed_exits += __atomic_load_n(&c->managed_exits, __ATOMIC_RELAXED);
    out->preemptions += __atomic_load_n(&c->preemptions, __ATOMIC_RELAXED);
    out->aborts += __atomic_load_n(&c->aborts, __ATOMIC_RELAXED);
}

void ffa_unicorn_get_stats(struct ffa_unicorn *spmc, struct ffa_unicorn_stats *out)
{
    struct spmc *s = (struct spmc *)spmc;

    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < s->pe_count; i++)
        add_stats(&s->cpus[i], out);
}

int ffa_unicorn_get_pe_stats(struct ffa_unicorn *spmc, uint32_t cpu, struct ffa_unicorn_stats *out)
{
    struct spmc *s = (struct spmc *)spmc;

    if (cpu >= s->pe_count)
        return FFA_RET_INVALID_PARAMETERS;
    memset(out, 0, sizeof(*out));
    add_stats(&s->cpus[cpu], out);
    return 0;
}

int ffa_unicorn_device_info(struct ffa_unicorn *spmc, uint16_t sp_id, unsigned index,
                            struct ffa_unicorn_device_info *out)
{
    struct spmc *s = (struct spmc *)spmc;
    const struct sp_dev_region *d;
    struct sp *sp;

    /* Manifest data and models: read-only once create returned, no lock needed. */
    memset(out, 0, sizeof(*out));
    sp = sp_find(s, sp_id);
    if (sp == NULL || index >= sp->mf.dev_count)
        return -1;
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
    return 0;
}
