/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmark of the Unicorn backend:
 *  - median round trip of a DIRECT_REQ_32 from a VM through the mediator to the echo SP and back;
 *  - beside it, a bare Unicorn enter -> trap -> exit round trip measured in the same run (the
 *    floor: uc_emu_start() at an `smc`, the interrupt hook stops the engine), with and without a
 *    UC_HOOK_BLOCK hook like the backend's budget hook;
 *  - SP boot time and host memory per SP.
 * Targets on the 2-core build machine: under 2 us, and within 2x of the bare round trip.
 *
 * Usage: bench_unicorn [samples [roundtrip]]   (each sample times a batch of BATCH round trips;
 * the median of the per-call means is printed). With "roundtrip", only the mediator round trip
 * runs (for profiling: valgrind --tool=callgrind bench_unicorn 2000 roundtrip; docs/unicorn.md).
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

#define BATCH 64

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
 * with_block_hook: add a UC_HOOK_BLOCK hook like the backend's budget hook.
 * ffa_regs: also move an FF-A call's registers, as any SPMC must: write x0..x7 of the request
 * before the entry, read x0..x17 and the PC of the reply after it.
 */
static double bare_round_trip(int samples, int with_block_hook, int ffa_regs)
{
    int ids[19];
    uint64_t vals[19] = {0};
    void *ptrs[19];
    static const uint32_t code[] = {0xd4000003 /* smc #0 */, 0x17ffffff /* b .-4 */};
    uc_engine *uc;
    uc_hook h1, h2;
    uint64_t blocks = 0;
    double *v = calloc((size_t)samples, sizeof(double)), m;

    uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc);
    uc_hook_add(uc, &h1, UC_HOOK_INTR, (void *)bare_intr, NULL, 1, 0);
    if (with_block_hook)
        uc_hook_add(uc, &h2, UC_HOOK_BLOCK, (void *)bare_block, &blocks, 1, 0);
    uc_mem_map(uc, 0x1000, 0x1000, UC_PROT_READ | UC_PROT_EXEC);
    uc_mem_write(uc, 0x1000, code, sizeof(code));
    for (int i = 0; i < 19; i++) {
        ids[i] = i < 18 ? UC_ARM64_REG_X0 + i : UC_ARM64_REG_PC;
        ptrs[i] = &vals[i];
    }
    for (int i = 0; i < 1000; i++)
        uc_emu_start(uc, 0x1000, UINT64_C(0xfffffffffffffffc), 0, 0);
    for (int s = 0; s < samples; s++) {
        double t0 = now_ns();

        for (int i = 0; i < BATCH; i++) {
            if (ffa_regs)
                uc_reg_write_batch(uc, ids, ptrs, 8);
            uc_emu_start(uc, 0x1000, UINT64_C(0xfffffffffffffffc), 0, 0);
            if (ffa_regs)
                uc_reg_read_batch(uc, ids, ptrs, 19);
        }
        v[s] = (now_ns() - t0) / BATCH;
    }
    uc_close(uc);
    m = median(v, samples);
    free(v);
    return m;
}

/* ---- Through the mediator ---- */

static void sp_config(const char *image, const char *manifest, struct ffa_unicorn_sp_config *sp,
                      char paths[2][512])
{
    snprintf(paths[0], 512, "%s/%s.elf", FFA_SP_DIR, image);
    snprintf(paths[1], 512, "%s/%s.dtb", FFA_SP_DIR, manifest);
    memset(sp, 0, sizeof(*sp));
    sp->elf_path = paths[0];
    sp->manifest_path = paths[1];
}

/* The same request sent to the backend directly (no mediator): the SPMC's own share. */
static double backend_round_trip(struct ffa_backend *be, int samples)
{
    double *v = calloc((size_t)samples, sizeof(double)), med;

    for (int s = -20; s < samples; s++) {
        double t0 = now_ns();

        for (int i = 0; i < BATCH; i++) {
            struct ffa_regs q = {
                {FFA_MSG_SEND_DIRECT_REQ_32, (1u << 16) | SP_ID_ECHO, 0, (uint64_t)i, 2, 3, 4, 5}};
            struct ffa_regs a;

            ffa_backend_call(be, 0, &q, &a);
        }
        if (s >= 0)
            v[s] = (now_ns() - t0) / BATCH;
    }
    med = median(v, samples);
    free(v);
    return med;
}

static double backend_only;

/*
 * with_buffers: the SPMC reaches normal-world memory (ns_memory), so the mediator registers its
 * own buffers and caches the SP list at create, and the VM maps an RX/TX pair (forwarded to the
 * SPMC) before the measurement: the direct-request path must not notice.
 */
static double mediator_round_trip(int samples, int *ok, int with_buffers)
{
    struct ffa_unicorn_sp_config sp;
    char paths[2][512];
    struct ffa_unicorn_config cfg = {.sps = &sp, .sp_count = 1};
    struct ffa_unicorn *u;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_backend be;
    struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_2}};
    double *v = calloc((size_t)samples, sizeof(double)), med;

    sp_config("echo", "echo", &sp, paths);
    if (with_buffers)
        cfg.ns_memory = demo_ns_memory;
    if (ffa_unicorn_create(&cfg, &u, NULL, 0) != 0)
        return -1;
    be = ffa_unicorn_backend(u);
    if (ffa_mediator_create(NULL, &demo_host_ops, NULL, &be, &m) != 0 ||
        ffa_vm_add(m, 1, 1, 0, &vm) != 0)
        return -1;
    ffa_mediator_handle(m, vm, 0, 0, &r);
    *ok = 1;
    if (with_buffers) {
        struct ffa_regs map = {{FFA_RXTX_MAP_64, DEMO_GUEST_IPA, DEMO_GUEST_IPA + 4096, 1}};

        ffa_mediator_handle(m, vm, 0, 0, &map);
        if (map.x[0] != FFA_SUCCESS_32 || !ffa_mediator_fw_supports(m, FFA_MSG_SEND2))
            *ok = 0;
    }
    for (int s = -20; s < samples; s++) {
        double t0 = now_ns();

        for (int i = 0; i < BATCH; i++) {
            struct ffa_regs q = {
                {FFA_MSG_SEND_DIRECT_REQ_32, (1u << 16) | SP_ID_ECHO, 0, (uint64_t)i, 2, 3, 4, 5}};

            ffa_mediator_handle(m, vm, 0, 0, &q);
            if (q.x[0] != FFA_MSG_SEND_DIRECT_RESP_32 || q.x[3] != (uint64_t)i)
                *ok = 0;
        }
        if (s >= 0)
            v[s] = (now_ns() - t0) / BATCH;
    }
    if (!with_buffers)
        backend_only = backend_round_trip(&be, samples);
    ffa_mediator_destroy(m);
    ffa_unicorn_destroy(u);
    demo_host_cleanup();
    med = median(v, samples);
    free(v);
    return med;
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

int main(int argc, char **argv)
{
    int samples = argc > 1 ? atoi(argv[1]) : 2000;
    double bare, bare_hook, bare_ffa, med, med_buffers, boot_ms = 0;
    long rss = 0, vsz = 0;
    int ok = 0;

    if (samples < 10)
        samples = 10;
    if (argc > 2 && strcmp(argv[2], "roundtrip") == 0) {
        med = mediator_round_trip(samples, &ok, 0);
        printf("VM -> mediator -> echo SP DIRECT_REQ_32 round trip (median): %8.3f us%s\n",
               med / 1e3, ok ? "" : " (WRONG REPLIES)");
        printf("the same, straight into the backend (no mediator):           %8.3f us\n",
               backend_only / 1e3);
        return ok ? 0 : 1;
    }
    bare = bare_round_trip(samples, 0, 0);
    bare_hook = bare_round_trip(samples, 1, 0);
    bare_ffa = bare_round_trip(samples, 1, 1);
    med = mediator_round_trip(samples, &ok, 0);
    if (med < 0 || !ok) {
        fprintf(stderr, "bench: the echo SP round trip failed\n");
        return 1;
    }
    med_buffers = mediator_round_trip(samples, &ok, 1);
    if (med_buffers < 0 || !ok) {
        fprintf(stderr, "bench: the round trip with RX/TX buffers failed\n");
        return 1;
    }
    boot_and_memory(&boot_ms, &rss, &vsz);
    printf("VM -> mediator -> echo SP DIRECT_REQ_32 round trip (median): %8.3f us\n", med / 1e3);
    printf("the same, straight into the backend (no mediator):           %8.3f us\n",
           backend_only / 1e3);
    printf("the same with RX/TX buffers (SP list cached, VM pair forwarded): %5.3f us\n",
           med_buffers / 1e3);
    printf("bare Unicorn enter-trap-exit round trip (median):             %8.3f us\n", bare / 1e3);
    printf("bare round trip with a UC_HOOK_BLOCK hook (median):           %8.3f us\n",
           bare_hook / 1e3);
    printf("bare round trip moving an FF-A call's registers (median):     %8.3f us\n",
           bare_ffa / 1e3);
    printf("ratio mediator / bare:                                        %8.2f x\n", med / bare);
    printf("ratio mediator / bare with FF-A registers:                    %8.2f x\n",
           med / bare_ffa);
    printf("SP boot time (load, map, run to FFA_MSG_WAIT; %d SPs):         %8.3f ms per SP\n",
           NBOOT, boot_ms);
    printf("host memory per SP: resident %ld KiB, virtual %ld KiB (Unicorn's TCG buffer "
           "reservation)\n",
           rss, vsz);
    printf("targets: round trip < 2 us: %s; within 2x of bare: %s (of bare with FF-A registers: "
           "%s)\n",
           med < 2000 ? "met" : "MISSED", med <= 2 * bare ? "met" : "MISSED",
           med <= 2 * bare_ffa ? "met" : "MISSED");
    return 0;
}
