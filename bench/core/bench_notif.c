/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cost of delivering a secure-world notification to VMs through the mediator, against a fake
 * secure world that answers at once: what the host's schedule receiver interrupt handler costs
 * (ffa_mediator_handle_sri(): FFA_NOTIFICATION_INFO_GET_64 and the NPI signal per listed VM) plus
 * each signalled VM's FFA_NOTIFICATION_GET (forwarded for the SP bitmap, merged with the VM and
 * hypervisor bitmaps), measured beside a mediated FFA_MSG_SEND_DIRECT_REQ_32 round trip in the
 * same run, with the ratio printed. The end-to-end figure (an SP setting the notification in the
 * emulated SPMC) belongs to the Unicorn benchmarks.
 *
 * Usage: bench_notif [--iterations N]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ffa/mediator.h"

#define SP_ID   0x8001u
#define MAX_VMS 20u /* one INFO_GET answer holds 20 global entries */

/* ---- Host: counts allocations and NPI signals ---- */
static long allocations, signals;

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

static void host_notify(void *host, uint16_t vm_id, uint16_t vcpu, enum ffa_host_event event)
{
    (void)host;
    (void)vm_id;
    (void)vcpu;
    signals += event == FFA_HOST_EVENT_NOTIFICATION_PENDING;
}

static const struct ffa_host_ops host = {
    .alloc = host_alloc, .free = host_free, .notify = host_notify};

/* ---- Fake secure world: VMs 1..listed have a global SP notification pending ---- */
static unsigned listed = 1;

static void fake_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[0];
    uint64_t w1 = in->x[1], w3 = in->x[3];

    (void)ctx;
    (void)cpu;
    memset(out, 0, sizeof(*out));
    switch (fid) {
    case FFA_VERSION:
        out->x[0] = FFA_VERSION_1_2;
        return;
    case FFA_MSG_SEND_DIRECT_REQ_32:
        out->x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
        out->x[1] = ((w1 >> 16) & 0xffff) | ((w1 & 0xffff) << 16);
        out->x[3] = w3;
        return;
    case FFA_NOTIFICATION_INFO_GET_64:
        /* `listed` global lists of one ID each. */
        out->x[0] = FFA_SUCCESS_64;
        out->x[2] = (uint64_t)listed << 7;
        for (unsigned i = 0; i < listed; i++)
            out->x[3 + i / 4] |= (uint64_t)(i + 1) << (16 * (i % 4));
        return;
    case FFA_NOTIFICATION_GET:
        out->x[0] = FFA_SUCCESS_32;
        out->x[2] = 1u << 3; /* notification 3 from an SP */
        return;
    case FFA_FEATURES:
        if ((uint32_t)in->x[1] == FFA_FEATURE_NOTIF) /* a v1.2 SPMC does not know it */
            break;
        out->x[0] = FFA_SUCCESS_32;
        out->x[2] = (uint32_t)in->x[1] == FFA_FEATURE_SRI ? 8 : 0;
        return;
    case FFA_NOTIFICATION_BITMAP_CREATE:
    case FFA_NOTIFICATION_BITMAP_DESTROY:
        out->x[0] = FFA_SUCCESS_32;
        return;
    default:
        break;
    }
    out->x[0] = FFA_ERROR;
    out->x[2] = (uint32_t)FFA_RET_NOT_SUPPORTED;
}

static const struct ffa_backend_ops fake_ops = {
    .name = "fake",
    .caps = FFA_BACKEND_CAP_CONCURRENT,
    .call = fake_call,
};

/* ---- The measured loops (noinline: callgrind --toggle-collect can name them) ---- */
static struct ffa_vm *vms[MAX_VMS];

__attribute__((noinline)) uint64_t bench_loop_sri(struct ffa_mediator *m, long n);
__attribute__((noinline)) uint64_t bench_loop_direct_req(struct ffa_mediator *m, long n);

/* One SRI: the host's handler, then each listed VM's GET on the vCPU it was told to interrupt. */
uint64_t bench_loop_sri(struct ffa_mediator *m, long n)
{
    uint64_t sum = 0;

    for (long i = 0; i < n; i++) {
        if (ffa_mediator_handle_sri(m, 0, NULL) != 0)
            return 0;
        for (unsigned v = 0; v < listed; v++) {
            struct ffa_regs r = {{FFA_NOTIFICATION_GET, v + 1, 0xf}};

            ffa_mediator_handle(m, vms[v], 0, 0, &r);
            sum += r.x[2];
        }
    }
    return sum;
}

uint64_t bench_loop_direct_req(struct ffa_mediator *m, long n)
{
    uint64_t sum = 0;

    for (long i = 0; i < n; i++) {
        struct ffa_regs r = {{FFA_MSG_SEND_DIRECT_REQ_32, (1u << 16) | SP_ID, 0, (uint64_t)i}};

        ffa_mediator_handle(m, vms[0], 0, 0, &r);
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

/* Best of five runs of `n` iterations: ns per iteration; *allocs per iteration. */
static double measure(uint64_t (*loop)(struct ffa_mediator *, long), struct ffa_mediator *m, long n,
                      double *allocs)
{
    double best = 1e30;
    long before;
    volatile uint64_t sink = loop(m, n / 10 + 1); /* warm up */

    before = allocations;
    for (int run = 0; run < 5; run++) {
        double t0 = now_ns();

        sink = loop(m, n);
        double dt = (now_ns() - t0) / (double)n;
        if (dt < best)
            best = dt;
    }
    (void)sink;
    *allocs = (double)(allocations - before) / (double)(5 * n);
    return best;
}

int main(int argc, char **argv)
{
    static const unsigned cases[] = {1, 4, MAX_VMS};
    long n = 500000;
    struct ffa_backend be = {&fake_ops, NULL};
    struct ffa_mediator *m;
    double req, allocs;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            n = atol(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--iterations N]\n", argv[0]);
            return 2;
        }
    }
    if (n <= 0 || ffa_mediator_create(NULL, &host, NULL, &be, &m) != 0) {
        fprintf(stderr, "bench_notif: setup failed\n");
        return 1;
    }
    for (unsigned v = 0; v < MAX_VMS; v++) {
        struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_2}};

        if (ffa_vm_add(m, (uint16_t)(v + 1), 1, 0, &vms[v]) != 0) {
            fprintf(stderr, "bench_notif: cannot add VM %u\n", v + 1);
            return 1;
        }
        ffa_mediator_handle(m, vms[v], 0, 0, &r);
        r = (struct ffa_regs){{FFA_ID_GET}};
        ffa_mediator_handle(m, vms[v], 0, 0, &r);
    }

    printf("libffa-mediator core, fake secure world answering at once, VMs at v1.2\n");
    req = measure(bench_loop_direct_req, m, n, &allocs);
    printf("%-44s %8.1f ns            %.3f allocations\n", "FFA_MSG_SEND_DIRECT_REQ_32 round trip",
           req, allocs);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char name[64];
        double sri;
        long before = signals;

        listed = cases[c];
        sri = measure(bench_loop_sri, m, n / (long)listed, &allocs);
        if (signals == before) {
            fprintf(stderr, "bench_notif: no VM was signalled\n");
            return 1;
        }
        snprintf(name, sizeof(name), "SRI: INFO_GET + %u VM%s GET", listed,
                 listed > 1 ? "s'" : "'s");
        printf("%-44s %8.1f ns (%6.1f ns per VM, %.2fx a direct request)   %.3f allocations\n",
               name, sri, sri / listed, sri / req, allocs);
    }
    printf("best of 5 runs each; instructions: valgrind --tool=callgrind "
           "--toggle-collect=bench_loop_sri\n");
    ffa_mediator_destroy(m);
    return 0;
}
