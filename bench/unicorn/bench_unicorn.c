/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmark of the Unicorn backend: the world switch against the emulator's own cost.
 *
 * Round trips, all measured in one run and interleaved (each sample times a batch of BATCH round
 * trips of every variant in turn, so a busy machine slows all of them alike):
 *  - a DIRECT_REQ_32 from a VM through the mediator to the echo SP and back; the same straight
 *    into the backend; the same with RX/TX buffers in use (the direct-request path must not
 *    notice);
 *  - bare Unicorn: uc_emu_start() at an `smc`, the interrupt hook stops the engine (minimal); with
 *    a UC_HOOK_BLOCK hook like the SPMC's budget hook; and moving an FF-A call's registers as any
 *    SPMC must (write x0..x7 of the request, read x0..x17 and the PC of the reply) -- each once
 *    as Unicorn runs by default (uc_emu_start() given a stop address) and once configured as the
 *    SPMC configures its engines (the exits list enabled and empty: no stop address to clean up
 *    after every entry; engine.c explains it).
 * Printed: the median of each variant, and the median of the per-sample ratios of the mediator
 * round trip to the bare ones, against the targets (<= 1.2x the bare round trip that moves the
 * same registers, <= 1.8x the minimal one), for both configurations. Then SP boot time and host
 * memory per SP.
 *
 * Usage: bench_unicorn [samples [roundtrip]]. With "roundtrip", only the mediator and backend
 * round trips run (for profiling: valgrind --tool=callgrind bench_unicorn 2000 roundtrip;
 * docs/unicorn.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

#include "demo_host.h"
#include "ffa/backend_unicorn.h"
#include "ffa/mediator.h"
#include "sp_protocol.h"

#define BATCH  64
#define WARMUP 20

#define TARGET_SAME_REGS 1.2
#define TARGET_MINIMAL   1.8

static double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- Bare Unicorn ---- */

struct bare {
    uc_engine *uc;
    uc_hook h_intr, h_block;
    uint64_t blocks;
    int ffa_regs;
    int ids[19];
    uint64_t vals[19];
    void *ptrs[19];
};

static void bare_intr(uc_engine *uc, uint32_t intno, void *user)
{
    (void)intno;
    (void)user;
    uc_emu_stop(uc);
}

static void bare_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    uint64_t *n = user;

    (void)uc;
    (void)addr;
    (void)size;
    ++*n;
}

/*
 * block_hook: a UC_HOOK_BLOCK hook like the backend's budget hook. ffa_regs: also move an FF-A
 * call's registers. exits: configure the engine as the SPMC does (the exits list enabled, empty).
 */
static int bare_create(struct bare *b, int block_hook, int ffa_regs, int exits)
{
    static const uint32_t code[] = {0xd4000003 /* smc #0 */, 0x17ffffff /* b .-4 */};

    memset(b, 0, sizeof(*b));
    b->ffa_regs = ffa_regs;
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &b->uc) != UC_ERR_OK)
        return -1;
    if (exits && uc_ctl_exits_enable(b->uc) != UC_ERR_OK)
        return -1;
    uc_hook_add(b->uc, &b->h_intr, UC_HOOK_INTR, (void *)bare_intr, NULL, 1, 0);
    if (block_hook)
        uc_hook_add(b->uc, &b->h_block, UC_HOOK_BLOCK, (void *)bare_block, &b->blocks, 1, 0);
    uc_mem_map(b->uc, 0x1000, 0x1000, UC_PROT_READ | UC_PROT_EXEC);
    uc_mem_write(b->uc, 0x1000, code, sizeof(code));
    for (int i = 0; i < 19; i++) {
        b->ids[i] = i < 18 ? UC_ARM64_REG_X0 + i : UC_ARM64_REG_PC;
        b->ptrs[i] = &b->vals[i];
    }
    return 0;
}

static int bare_batch(void *ctx)
{
    struct bare *b = ctx;

    for (int i = 0; i < BATCH; i++) {
        if (b->ffa_regs)
            uc_reg_write_batch(b->uc, b->ids, b->ptrs, 8);
        uc_emu_start(b->uc, 0x1000, UINT64_C(0xfffffffffffffffc), 0, 0);
        if (b->ffa_regs)
            uc_reg_read_batch(b->uc, b->ids, b->ptrs, 19);
    }
    return 1;
}

/* ---- Through the SPMC ---- */

struct world {
    struct ffa_unicorn *u;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_backend be;
    uint16_t vm_id;
};

static void sp_config(const char *image, const char *manifest, struct ffa_unicorn_sp_config *sp,
                      char paths[2][512])
{
    snprintf(paths[0], 512, "%s/%s.elf", FFA_SP_DIR, image);
    snprintf(paths[1], 512, "%s/%s.dtb", FFA_SP_DIR, manifest);
    memset(sp, 0, sizeof(*sp));
    sp->elf_path = paths[0];
    sp->manifest_path = paths[1];
}

/*
 * The echo SP with a mediator and VM `vm_id` at v1.2. with_buffers: the SPMC reaches normal-world
 * memory (ns_memory), so the mediator registers its own buffers and caches the SP list at create,
 * and the VM maps an RX/TX pair (forwarded to the SPMC).
 */
static int world_create(struct world *w, int with_buffers, uint16_t vm_id)
{
    struct ffa_unicorn_sp_config sp;
    char paths[2][512];
    struct ffa_unicorn_config cfg = {.sps = &sp, .sp_count = 1};
    struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_2}};

    memset(w, 0, sizeof(*w));
    w->vm_id = vm_id;
    sp_config("echo", "echo", &sp, paths);
    if (with_buffers)
        cfg.ns_memory = demo_ns_memory;
    if (ffa_unicorn_create(&cfg, &w->u, NULL, 0) != 0)
        return -1;
    w->be = ffa_unicorn_backend(w->u);
    if (ffa_mediator_create(NULL, &demo_host_ops, NULL, &w->be, &w->m) != 0 ||
        ffa_vm_add(w->m, vm_id, 1, 0, &w->vm) != 0)
        return -1;
    ffa_mediator_handle(w->m, w->vm, 0, 0, &r);
    if (with_buffers) {
        struct ffa_regs map = {{FFA_RXTX_MAP_64, DEMO_GUEST_IPA, DEMO_GUEST_IPA + 4096, 1}};

        ffa_mediator_handle(w->m, w->vm, 0, 0, &map);
        if (map.x[0] != FFA_SUCCESS_32 || !ffa_mediator_fw_supports(w->m, FFA_MSG_SEND2))
            return -1;
    }
    return 0;
}

static void world_destroy(struct world *w)
{
    if (w->m != NULL)
        ffa_mediator_destroy(w->m);
    ffa_unicorn_destroy(w->u);
}

/* BATCH requests from the VM through the mediator; 1 when every answer was the echo. */
static int mediator_batch(void *ctx)
{
    struct world *w = ctx;
    int ok = 1;

    for (int i = 0; i < BATCH; i++) {
        struct ffa_regs q = {{FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)w->vm_id << 16 | SP_ID_ECHO, 0,
                              (uint64_t)i, 2, 3, 4, 5}};

        ffa_mediator_handle(w->m, w->vm, 0, 0, &q);
        ok &= q.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && q.x[3] == (uint64_t)i;
    }
    return ok;
}

/* The same requests straight into the backend (no mediator): the SPMC's own share. */
static int backend_batch(void *ctx)
{
    struct world *w = ctx;
    int ok = 1;

    for (int i = 0; i < BATCH; i++) {
        struct ffa_regs q = {{FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)w->vm_id << 16 | SP_ID_ECHO, 0,
                              (uint64_t)i, 2, 3, 4, 5}},
                        a;

        ffa_backend_call(&w->be, 0, &q, &a);
        ok &= a.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && a.x[3] == (uint64_t)i;
    }
    return ok;
}

/* ---- The variants, measured interleaved ---- */

enum {
    V_MEDIATOR,
    V_BACKEND,
    V_BUFFERS,
    V_BARE,
    V_BARE_HOOK,
    V_BARE_FFA,
    V_BARE_EXITS,
    V_BARE_FFA_EXITS,
    V_COUNT
};

static const char *const variant_names[V_COUNT] = {
    "VM -> mediator -> echo SP DIRECT_REQ_32 round trip",
    "the same, straight into the backend (no mediator)",
    "the same with RX/TX buffers (SP list cached, VM pair forwarded)",
    "bare Unicorn enter-trap-exit round trip (minimal)",
    "bare round trip with a UC_HOOK_BLOCK hook",
    "bare round trip moving an FF-A call's registers (with the hook)",
    "bare minimal, engine configured as the SPMC's (exits list)",
    "bare moving FF-A registers, configured as the SPMC's",
};

struct variant {
    int (*batch)(void *ctx);
    void *ctx;
    double *v;
    int ok;
};

/* Run every variant `samples` times, in turn; *ok = 0 if a round trip answered wrongly. */
static void measure(struct variant *vs, int nv, int samples)
{
    for (int s = -WARMUP; s < samples; s++) {
        for (int k = 0; k < nv; k++) {
            double t0;
            int ok;

            if (vs[k].batch == NULL)
                continue;
            t0 = now_ns();
            ok = vs[k].batch(vs[k].ctx);
            if (s >= 0)
                vs[k].v[s] = (now_ns() - t0) / BATCH;
            vs[k].ok &= ok;
        }
    }
}

/* The median of the per-sample ratios a[s] / b[s]. */
static double ratio(const double *a, const double *b, int samples, double *scratch)
{
    for (int s = 0; s < samples; s++)
        scratch[s] = a[s] / b[s];
    return median(scratch, samples);
}

/* ---- Boot time and memory ---- */

static long statm_kib(int field)
{
    long v[2] = {0, 0};
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &v[0], &v[1]) != 2)
        v[0] = v[1] = 0;
    fclose(f);
    return v[field] * 4; /* pages of 4 KiB */
}

static const char *const boot_set[][2] = {
    {"echo", "echo"},
    {"el0", "el0"},
    {"worker", "worker"},
    {"worker", "worker-queued"},
    {"worker", "worker-me"},
    {"forwarder", "forwarder"},
    {"forwarder", "forwarder2"},
    {"faulty", "faulty"},
};
#define NBOOT (int)(sizeof(boot_set) / sizeof(boot_set[0]))

static void boot_and_memory(double *boot_ms_per_sp, long *rss_kib_per_sp, long *vsz_kib_per_sp)
{
    struct ffa_unicorn_sp_config sps[NBOOT];
    char paths[NBOOT][2][512];
    struct ffa_unicorn_config cfg = {.sps = sps, .sp_count = NBOOT};
    struct ffa_unicorn *u;
    double t0, best = 1e30;
    long rss0, vsz0;

    for (int i = 0; i < NBOOT; i++)
        sp_config(boot_set[i][0], boot_set[i][1], &sps[i], paths[i]);
    for (int rep = 0; rep < 5; rep++) {
        t0 = now_ns();
        if (ffa_unicorn_create(&cfg, &u, NULL, 0) != 0)
            return;
        if (now_ns() - t0 < best)
            best = now_ns() - t0;
        ffa_unicorn_destroy(u);
    }
    *boot_ms_per_sp = best / 1e6 / NBOOT;
    rss0 = statm_kib(1);
    vsz0 = statm_kib(0);
    if (ffa_unicorn_create(&cfg, &u, NULL, 0) != 0)
        return;
    *rss_kib_per_sp = (statm_kib(1) - rss0) / NBOOT;
    *vsz_kib_per_sp = (statm_kib(0) - vsz0) / NBOOT;
    ffa_unicorn_destroy(u);
}

static const char *met(double value, double target)
{
    return value <= target ? "MET" : "MISSED";
}

int main(int argc, char **argv)
{
    int samples = argc > 1 ? atoi(argv[1]) : 2000;
    int roundtrip_only = argc > 2 && strcmp(argv[2], "roundtrip") == 0;
    struct world plain, buffered;
    struct bare bare[5];
    struct variant vs[V_COUNT];
    double med[V_COUNT], *scratch, boot_ms = 0;
    double same_regs, minimal, same_regs_x, minimal_x;
    long rss = 0, vsz = 0;
    int fail = 0;

    if (samples < 10)
        samples = 10;
    memset(vs, 0, sizeof(vs));
    scratch = calloc((size_t)samples, sizeof(double));
    for (int k = 0; k < V_COUNT; k++) {
        vs[k].v = calloc((size_t)samples, sizeof(double));
        vs[k].ok = 1;
        if (vs[k].v == NULL || scratch == NULL)
            return 1;
    }
    if (world_create(&plain, 0, 2) != 0 || world_create(&buffered, 1, 1) != 0) {
        fprintf(stderr, "bench: cannot create the echo SP worlds\n");
        return 1;
    }
    vs[V_MEDIATOR] = (struct variant){mediator_batch, &plain, vs[V_MEDIATOR].v, 1};
    vs[V_BACKEND] = (struct variant){backend_batch, &plain, vs[V_BACKEND].v, 1};
    if (!roundtrip_only) {
        static const int cfg[5][3] = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 0, 1}, {1, 1, 1}};

        vs[V_BUFFERS] = (struct variant){mediator_batch, &buffered, vs[V_BUFFERS].v, 1};
        for (int i = 0; i < 5; i++) {
            if (bare_create(&bare[i], cfg[i][0], cfg[i][1], cfg[i][2]) != 0) {
                fprintf(stderr, "bench: cannot create a bare engine\n");
                return 1;
            }
            vs[V_BARE + i] = (struct variant){bare_batch, &bare[i], vs[V_BARE + i].v, 1};
        }
    }
    measure(vs, V_COUNT, samples);
    for (int k = 0; k < V_COUNT; k++) {
        if (!vs[k].ok) {
            fprintf(stderr, "bench: %s: WRONG REPLIES\n", variant_names[k]);
            fail = 1;
        }
    }
    printf("round trips: median of %d samples of %d, every variant measured in turn in each "
           "sample\n",
           samples, BATCH);
    for (int k = 0; k < V_COUNT; k++) {
        if (vs[k].batch == NULL)
            continue;
        med[k] = median(vs[k].v, samples);
        printf("  %-66s %7.3f us\n", variant_names[k], med[k] / 1e3);
    }
    world_destroy(&plain);
    world_destroy(&buffered);
    demo_host_cleanup();
    if (roundtrip_only)
        return fail;
    for (int i = 0; i < 5; i++)
        uc_close(bare[i].uc);

    same_regs = ratio(vs[V_MEDIATOR].v, vs[V_BARE_FFA].v, samples, scratch);
    minimal = ratio(vs[V_MEDIATOR].v, vs[V_BARE].v, samples, scratch);
    same_regs_x = ratio(vs[V_MEDIATOR].v, vs[V_BARE_FFA_EXITS].v, samples, scratch);
    minimal_x = ratio(vs[V_MEDIATOR].v, vs[V_BARE_EXITS].v, samples, scratch);
    printf("ratios, median of the per-sample ratios of the mediator round trip to:\n");
    printf("  Unicorn as it runs by default (a stop address):\n");
    printf("    the bare round trip moving the same registers:   %5.2f x  (target <= %.1f x: %s)\n",
           same_regs, TARGET_SAME_REGS, met(same_regs, TARGET_SAME_REGS));
    printf("    the minimal bare round trip:                     %5.2f x  (target <= %.1f x: %s)\n",
           minimal, TARGET_MINIMAL, met(minimal, TARGET_MINIMAL));
    printf("  Unicorn configured as the SPMC configures its engines (exits list):\n");
    printf("    the bare round trip moving the same registers:   %5.2f x  (target <= %.1f x: %s)\n",
           same_regs_x, TARGET_SAME_REGS, met(same_regs_x, TARGET_SAME_REGS));
    printf("    the minimal bare round trip:                     %5.2f x  (target <= %.1f x: %s)\n",
           minimal_x, TARGET_MINIMAL, met(minimal_x, TARGET_MINIMAL));
    printf("round trip < 2 us: %s\n", med[V_MEDIATOR] < 2000 ? "MET" : "MISSED");

    boot_and_memory(&boot_ms, &rss, &vsz);
    printf("SP boot time (load, map, run to FFA_MSG_WAIT; %d SPs): %.3f ms per SP\n", NBOOT,
           boot_ms);
    printf("host memory per SP: resident %ld KiB, virtual %ld KiB (Unicorn's TCG buffer "
           "reservation)\n",
           rss, vsz);
    for (int k = 0; k < V_COUNT; k++)
        free(vs[k].v);
    free(scratch);
    return fail;
}
