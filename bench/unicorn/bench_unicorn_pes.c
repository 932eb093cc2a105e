/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmark of the emulated SPMC on several PEs: direct-request throughput from two host threads,
 * each a vCPU of one VM calling through the mediator, against
 *  - one PE: the SPMC configured with pe_count 1 and the (UP) echo SP; both threads call on PE 0,
 *    so their calls take turns on it;
 *  - two PEs: pe_count 2 and the echo SP as an MP partition (echo-mp, one context per PE); thread
 *    n calls on PE n and reaches context n, so the two world switches run in parallel.
 * Both worlds exist for the whole run and are measured in alternating windows (a busy machine
 * slows both alike); the ratio printed is the median of the per-round ratios of the two-PE
 * throughput to the one-PE throughput, against the target (>= 1.7x with 2 PEs on 2 cores). Two
 * threads taking turns on one PE lose some throughput to the hand-over of its lock, so a third
 * window, one thread alone on the one-PE world, gives the stricter ratio too (printed, no target).
 * Also
 * printed: the single-thread round trip on each world (what one call costs with the multi-PE
 * configuration), the host's core count, and the cores the process kept busy in each world's
 * windows (CPU time over wall time): two PEs can only be twice as fast as one if the machine
 * gives the two threads two cores, which a machine shared with other work may not.
 *
 * Usage: bench_unicorn_pes [rounds [window_ms]] (default 15 rounds of 200 ms per world).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "demo_host.h"
#include "ffa/backend_unicorn.h"
#include "ffa/mediator.h"
#include "sp_protocol.h"

#define THREADS        2
#define TARGET_SPEEDUP 1.7
#define VM_ID          1
#define RT_CALLS       20000

/* CPU time of the whole process (every thread), user and system, in nanoseconds. */
static double cpu_ns(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
}

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

/* One SPMC (pe_count PEs, the echo SP as `manifest`), a mediator, one VM with two vCPUs. */
struct world {
    struct ffa_unicorn *u;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    uint32_t pes;
    uint16_t sp;
};

static int world_create(struct world *w, uint32_t pes, const char *manifest, uint16_t sp)
{
    char elf[512], dtb[512];
    struct ffa_unicorn_sp_config spc = {.elf_path = elf, .manifest_path = dtb};
    struct ffa_unicorn_config cfg = {.sps = &spc, .sp_count = 1, .pe_count = pes};
    struct ffa_backend be;
    struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_2}};
    char err[256];

    memset(w, 0, sizeof(*w));
    w->pes = pes;
    w->sp = sp;
    snprintf(elf, sizeof(elf), "%s/echo.elf", FFA_SP_DIR);
    snprintf(dtb, sizeof(dtb), "%s/%s.dtb", FFA_SP_DIR, manifest);
    if (ffa_unicorn_create(&cfg, &w->u, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    be = ffa_unicorn_backend(w->u);
    if (ffa_mediator_create(NULL, &demo_host_ops, NULL, &be, &w->m) != 0 ||
        ffa_vm_add(w->m, VM_ID, THREADS, 0, &w->vm) != 0)
        return -1;
    ffa_mediator_handle(w->m, w->vm, 0, 0, &r);
    return r.x[0] == FFA_VERSION_1_2 ? 0 : -1;
}

static void world_destroy(struct world *w)
{
    if (w->m != NULL)
        ffa_mediator_destroy(w->m);
    ffa_unicorn_destroy(w->u);
}

/* One echo request from vCPU `vcpu` on physical PE `pe`: 1 when answered exactly. */
static int request(struct world *w, uint16_t vcpu, uint32_t pe, uint64_t n)
{
    struct ffa_regs q = {
        {FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)VM_ID << 16 | w->sp, 0, n & 0xffffffffu, vcpu}};

    ffa_mediator_handle(w->m, w->vm, vcpu, pe, &q);
    return q.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && q.x[3] == (n & 0xffffffffu) && q.x[4] == vcpu;
}

/* ---- The threads: each runs windows on whichever world the main thread names ---- */

struct shared {
    pthread_barrier_t start, done;
    struct world *world; /* the world of this window; NULL: exit */
    int threads;         /* how many of the threads call in this window (the others wait) */
    int stop;
};

struct worker {
    pthread_t t;
    struct shared *sh;
    uint16_t vcpu;
    uint64_t calls, wrong;
};

static void *worker_main(void *arg)
{
    struct worker *k = arg;
    struct shared *sh = k->sh;

    for (;;) {
        struct world *w;
        uint32_t pe;

        pthread_barrier_wait(&sh->start);
        w = sh->world;
        if (w == NULL)
            return NULL;
        /* One PE: both threads call on PE 0. Two: thread n on PE n. */
        pe = w->pes > 1 ? k->vcpu : 0;
        k->calls = k->wrong = 0;
        while (k->vcpu < sh->threads && !__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
            k->wrong += !request(w, k->vcpu, pe, k->calls);
            k->calls++;
        }
        pthread_barrier_wait(&sh->done);
    }
}

/*
 * One window of `ms` on world `w`: requests per second, both threads together; *busy = the cores
 * the process kept busy meanwhile.
 */
static double window(struct shared *sh, struct worker *k, struct world *w, int threads, unsigned ms,
                     uint64_t *wrong, double *busy)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    uint64_t calls = 0;
    double t0, t1, c0;

    sh->world = w;
    sh->threads = threads;
    __atomic_store_n(&sh->stop, 0, __ATOMIC_RELEASE);
    pthread_barrier_wait(&sh->start);
    t0 = now_ns();
    c0 = cpu_ns();
    nanosleep(&ts, NULL);
    __atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
    pthread_barrier_wait(&sh->done);
    t1 = now_ns();
    *busy = (cpu_ns() - c0) / (t1 - t0);
    for (int i = 0; i < THREADS; i++) {
        calls += k[i].calls;
        *wrong += k[i].wrong;
    }
    return (double)calls * 1e9 / (t1 - t0);
}

/* The single-thread round trip on `w`, on PE 0, in microseconds (median of batches). */
static double round_trip_us(struct world *w)
{
    double v[21];

    for (int b = 0; b < 21; b++) {
        double t0 = now_ns();

        for (int i = 0; i < RT_CALLS / 20; i++)
            (void)request(w, 0, 0, (uint64_t)i);
        v[b] = (now_ns() - t0) / (RT_CALLS / 20) / 1e3;
    }
    return median(v, 21);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 15;
    unsigned ms = argc > 2 ? (unsigned)atoi(argv[2]) : 200;
    struct world one, two;
    struct shared sh;
    struct worker k[THREADS];
    double *r1, *r2, *r0, *ratio, *ratio0, *b1, *b2, med1, med2, medr, medr0, rt1, rt2, busy;
    uint64_t wrong = 0;

    if (rounds < 3)
        rounds = 3;
    r1 = calloc((size_t)rounds, sizeof(double));
    r2 = calloc((size_t)rounds, sizeof(double));
    r0 = calloc((size_t)rounds, sizeof(double));
    ratio = calloc((size_t)rounds, sizeof(double));
    ratio0 = calloc((size_t)rounds, sizeof(double));
    b1 = calloc((size_t)rounds, sizeof(double));
    b2 = calloc((size_t)rounds, sizeof(double));
    if (r1 == NULL || r2 == NULL || r0 == NULL || ratio == NULL || ratio0 == NULL || b1 == NULL ||
        b2 == NULL)
        return 1;
    if (world_create(&one, 1, "echo", SP_ID_ECHO) != 0 ||
        world_create(&two, 2, "echo-mp", SP_ID_ECHO_MP) != 0) {
        fprintf(stderr, "bench: cannot create the echo worlds\n");
        return 1;
    }
    memset(&sh, 0, sizeof(sh));
    pthread_barrier_init(&sh.start, NULL, THREADS + 1);
    pthread_barrier_init(&sh.done, NULL, THREADS + 1);
    for (int i = 0; i < THREADS; i++) {
        k[i] = (struct worker){.sh = &sh, .vcpu = (uint16_t)i};
        pthread_create(&k[i].t, NULL, worker_main, &k[i]);
    }
    /* A warm-up window each, then alternating rounds. */
    (void)window(&sh, k, &one, THREADS, ms, &wrong, &busy);
    (void)window(&sh, k, &two, THREADS, ms, &wrong, &busy);
    for (int r = 0; r < rounds; r++) {
        r1[r] = window(&sh, k, &one, THREADS, ms, &wrong, &b1[r]);
        r2[r] = window(&sh, k, &two, THREADS, ms, &wrong, &b2[r]);
        r0[r] = window(&sh, k, &one, 1, ms, &wrong, &busy);
        ratio[r] = r2[r] / r1[r];
        ratio0[r] = r2[r] / r0[r];
    }
    sh.world = NULL;
    pthread_barrier_wait(&sh.start);
    for (int i = 0; i < THREADS; i++)
        pthread_join(k[i].t, NULL);
    rt1 = round_trip_us(&one);
    rt2 = round_trip_us(&two);
    world_destroy(&one);
    world_destroy(&two);
    demo_host_cleanup();

    med1 = median(r1, rounds);
    med2 = median(r2, rounds);
    medr = median(ratio, rounds);
    medr0 = median(ratio0, rounds);
    printf("direct-request throughput, 2 host threads (vCPUs of one VM) through the mediator, "
           "median of %d rounds of %u ms per world; host: %ld online cores\n",
           rounds, ms, sysconf(_SC_NPROCESSORS_ONLN));
    printf("  1 PE  (echo, UP; both threads on PE 0)          %10.0f requests/s, %.2f cores busy\n",
           med1, median(b1, rounds));
    printf("  2 PEs (echo-mp, MP; thread n on PE n)           %10.0f requests/s, %.2f cores busy\n",
           med2, median(b2, rounds));
    printf("  1 PE, one thread alone                           %10.0f requests/s\n",
           median(r0, rounds));
    printf("  speed-up with 2 PEs (median of per-round ratios): %.2f x  (target >= %.1f x: %s)\n",
           medr, TARGET_SPEEDUP, medr >= TARGET_SPEEDUP ? "MET" : "MISSED");
    printf("  the same against one thread alone on 1 PE:       %.2f x\n", medr0);
    printf("single-thread round trip on PE 0: 1-PE world %.3f us, 2-PE world %.3f us\n", rt1, rt2);
    if (wrong != 0)
        fprintf(stderr, "bench: %llu WRONG REPLIES\n", (unsigned long long)wrong);
    free(r1);
    free(r2);
    free(ratio);
    free(r0);
    free(ratio0);
    free(b1);
    free(b2);
    return wrong != 0;
}
