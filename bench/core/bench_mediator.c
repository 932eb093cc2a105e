/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cost of the mediator itself: mediated FFA_VERSION and FFA_MSG_SEND_DIRECT_REQ_32 round trips
 * through a null backend (answers at once, no secure world), as a hypervisor's trap handler would
 * drive them. Prints ns per call (best of several runs), heap allocations per call, and how to
 * get instructions per call from callgrind (bench/callgrind.sh), whose counts are stable on a
 * noisy machine.
 *
 * Usage: bench_mediator [--iterations N] [--case version|direct_req|all]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ffa/mediator.h"

#define VM_ID 0x0001u
#define SP_ID 0x8001u

/* ---- Host: counts allocations so the loop can prove it makes none ---- */
static long allocations;

static void *host_alloc(void *host, size_t size)
{
    (void)host;
    allocations++;
    return malloc(size);
}

static void host_free(void *host, void *ptr, size_t size)
{
    (void)host;
    (void)size;
    free(ptr);
}

/* No locks: one thread, as a per-pCPU hypervisor path would see an uncontended fast path. */
static const struct ffa_host_ops host = {.alloc = host_alloc, .free = host_free};

/* ---- Null backend: the cheapest possible secure world ---- */
static void null_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[0];
    uint64_t w1 = in->x[1], w3 = in->x[3]; /* read inputs first: `out` may be `in` */

    (void)ctx;
    (void)cpu;
    /* A conduit writes all eighteen result registers. */
    memset(out, 0, sizeof(*out));
    if (fid == FFA_MSG_SEND_DIRECT_REQ_32) {
        out->x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
        out->x[1] = ((w1 >> 16) & 0xffff) | ((w1 & 0xffff) << 16);
        out->x[3] = w3;
    } else if (fid == FFA_VERSION) {
        out->x[0] = FFA_VERSION_1_2;
    } else if (fid == FFA_FEATURES || fid == FFA_NOTIFICATION_BITMAP_CREATE ||
               fid == FFA_NOTIFICATION_BITMAP_DESTROY) {
        out->x[0] = FFA_SUCCESS_32; /* every ABI; a VM's bitmap is created and destroyed */
    } else {
        out->x[0] = FFA_ERROR;
        out->x[2] = (uint32_t)FFA_RET_NOT_SUPPORTED;
    }
}

static const struct ffa_backend_ops null_ops = {
    .name = "null",
    .caps = FFA_BACKEND_CAP_CONCURRENT,
    .call = null_call,
};

/* ---- The measured loops (noinline: callgrind --toggle-collect names them) ---- */
__attribute__((noinline)) uint64_t bench_loop_version(struct ffa_mediator *m, struct ffa_vm *vm,
                                                      long n);
__attribute__((noinline)) uint64_t bench_loop_direct_req(struct ffa_mediator *m, struct ffa_vm *vm,
                                                         long n);

uint64_t bench_loop_version(struct ffa_mediator *m, struct ffa_vm *vm, long n)
{
    uint64_t sum = 0;

    for (long i = 0; i < n; i++) {
        struct ffa_regs r;

        r.x[0] = FFA_VERSION;
        r.x[1] = FFA_VERSION_1_2;
        ffa_mediator_handle(m, vm, 0, 0, &r);
        sum += r.x[0];
    }
    return sum;
}

uint64_t bench_loop_direct_req(struct ffa_mediator *m, struct ffa_vm *vm, long n)
{
    uint64_t sum = 0;

    for (long i = 0; i < n; i++) {
        struct ffa_regs r;

        r.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
        r.x[1] = (VM_ID << 16) | SP_ID;
        r.x[2] = 0;
        r.x[3] = (uint64_t)i;
        r.x[4] = r.x[5] = r.x[6] = r.x[7] = 0;
        ffa_mediator_handle(m, vm, 0, 0, &r);
        sum += r.x[3];
    }
    return sum;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef uint64_t (*loop_fn)(struct ffa_mediator *, struct ffa_vm *, long);

static void run_case(const char *name, loop_fn loop, struct ffa_mediator *m, struct ffa_vm *vm,
                     long n)
{
    double best = 1e30;
    long allocs_before;
    volatile uint64_t sink;

    sink = loop(m, vm, n / 10 + 1); /* warm up */
    allocs_before = allocations;
    for (int run = 0; run < 5; run++) {
        double t0 = now_ns();

        sink = loop(m, vm, n);
        double dt = (now_ns() - t0) / (double)n;
        if (dt < best)
            best = dt;
    }
    (void)sink;
    printf("%-28s %8.1f ns/call   %.3f allocations/call   (best of 5 x %ld calls)\n", name, best,
           (double)(allocations - allocs_before) / (double)(5 * n), n);
}

int main(int argc, char **argv)
{
    long n = 2000000;
    const char *which = "all";
    struct ffa_backend be = {&null_ops, NULL};
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_2}};

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc)
            n = atol(argv[++i]);
        else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
            which = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--iterations N] [--case version|direct_req|all]\n",
                    argv[0]);
            return 2;
        }
    }
    if (n <= 0 || ffa_mediator_create(NULL, &host, NULL, &be, &m) != 0 ||
        ffa_vm_add(m, VM_ID, 1, 0, &vm) != 0) {
        fprintf(stderr, "bench_mediator: setup failed\n");
        return 1;
    }
    /* Negotiate and lock v1.2, as a Linux guest does before its first direct request. */
    ffa_mediator_handle(m, vm, 0, 0, &r);
    r = (struct ffa_regs){{FFA_ID_GET}};
    ffa_mediator_handle(m, vm, 0, 0, &r);

    printf("libffa-mediator core, null backend, one VM at v1.2\n");
    if (strcmp(which, "all") == 0 || strcmp(which, "version") == 0)
        run_case("FFA_VERSION", bench_loop_version, m, vm, n);
    if (strcmp(which, "all") == 0 || strcmp(which, "direct_req") == 0)
        run_case("FFA_MSG_SEND_DIRECT_REQ_32", bench_loop_direct_req, m, vm, n);
    printf(
        "instructions per call: bench/callgrind.sh <this program> (valgrind --tool=callgrind)\n");
    ffa_mediator_destroy(m);
    return 0;
}
