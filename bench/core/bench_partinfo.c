/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partition discovery at scale: FFA_PARTITION_INFO_GET (full, then FFA_RX_RELEASE, as Linux does),
 * its count-only form, and a whole FFA_PARTITION_INFO_GET_REGS walk, for one VM seeing 64 secure
 * partitions and 256 VMs (VM-to-VM configured). Prints ns per call and heap allocations per call.
 *
 * The secure world is a small fake SPMC that lists 64 SPs into the mediator's RX buffer at create
 * time; the host maps guest RAM from malloc'd memory.
 *
 * Usage: bench_partinfo [--iterations N]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ffa/mediator.h"

#define NUM_SPS  64
#define NUM_VMS  256
#define RAM_SIZE (64 * 1024)
#define TX_IPA   0x0
#define RX_IPA   0x8000
#define PAGES    4 /* 16 KiB: 64 + 256 entries of 24 bytes = 7680 bytes */

static long allocations;
static uint8_t *guest_ram[NUM_VMS + 1];
static uint8_t *own_rx;

/* ---- Host ---- */
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

static int host_guest_map(void *host, uint16_t vm, uint64_t ipa, uint32_t pages, unsigned access,
                          void **va, uint64_t *pa)
{
    (void)host;
    (void)access;
    if (vm == 0 || vm > NUM_VMS || ipa + (uint64_t)pages * 4096 > RAM_SIZE)
        return FFA_RET_INVALID_PARAMETERS;
    *va = guest_ram[vm] + ipa;
    for (uint32_t i = 0; pa != NULL && i < pages; i++)
        pa[i] = ((uint64_t)vm << 32) + ipa + i * 4096u;
    return 0;
}

static void host_guest_unmap(void *host, uint16_t vm, void *va, uint32_t pages)
{
    (void)host;
    (void)vm;
    (void)va;
    (void)pages;
}

static void *host_page_alloc(void *host, uint32_t pages, uint64_t *pa)
{
    void *p = aligned_alloc(4096, (size_t)pages * 4096);

    (void)host;
    allocations++;
    *pa = (uint64_t)(uintptr_t)p;
    return p;
}

static void host_page_free(void *host, void *va, uint32_t pages)
{
    (void)host;
    (void)pages;
    free(va);
}

static const struct ffa_host_ops host = {
    .alloc = host_alloc,
    .free = host_free,
    .guest_map = host_guest_map,
    .guest_unmap = host_guest_unmap,
    .page_alloc = host_page_alloc,
    .page_free = host_page_free,
};

/* ---- A fake SPMC: lists NUM_SPS partitions ---- */
static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void spmc_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[0];
    uint64_t x1 = in->x[1], x2 = in->x[2];

    (void)ctx;
    (void)cpu;
    (void)x1;
    memset(out, 0, sizeof(*out));
    out->x[0] = FFA_SUCCESS_32;
    switch (fid) {
    case FFA_VERSION:
        out->x[0] = FFA_VERSION_1_2;
        break;
    case FFA_FEATURES:
        if ((uint32_t)x1 != FFA_RXTX_MAP_64 && (uint32_t)x1 != FFA_PARTITION_INFO_GET &&
            (uint32_t)x1 != FFA_RX_RELEASE && (uint32_t)x1 != FFA_MSG_SEND_DIRECT_REQ_32) {
            out->x[0] = FFA_ERROR;
            out->x[2] = (uint32_t)FFA_RET_NOT_SUPPORTED;
        }
        break;
    case FFA_RXTX_MAP_64:
        own_rx = (uint8_t *)(uintptr_t)x2;
        break;
    case FFA_PARTITION_INFO_GET:
        for (int i = 0; i < NUM_SPS; i++) {
            uint8_t *e = own_rx + 24 * i;

            put_le(e, 0x8001 + i, 2);
            put_le(e + 2, 1, 2);
            put_le(e + 4, 0x301, 4);
            memset(e + 8, i + 1, 16);
        }
        out->x[2] = NUM_SPS;
        out->x[3] = 24;
        break;
    default:
        break;
    }
}

static const struct ffa_backend_ops spmc_ops = {.name = "fake-spmc", .call = spmc_call};

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void report(const char *name, double ns, long allocs, long calls)
{
    printf("%-44s %9.1f ns/call   %.3f allocations/call\n", name, ns,
           (double)allocs / (double)calls);
}

int main(int argc, char **argv)
{
    long n = 20000;
    struct ffa_mediator_config cfg = {.flags = FFA_CFG_VM_TO_VM, .rxtx_max_pages = PAGES};
    struct ffa_backend be = {&spmc_ops, NULL};
    struct ffa_mediator *m;
    struct ffa_vm *vms[NUM_VMS + 1], *me;
    struct ffa_regs r;
    double best_full = 1e30, best_count = 1e30, best_regs = 1e30;
    long a0, calls_regs = 0;
    uint32_t entries = 0;

    if (argc == 3 && strcmp(argv[1], "--iterations") == 0)
        n = atol(argv[2]);
    if (n <= 0 || ffa_mediator_create(&cfg, &host, NULL, &be, &m) != 0)
        return 1;
    for (uint16_t id = 1; id <= NUM_VMS; id++) {
        guest_ram[id] = calloc(1, RAM_SIZE);
        if (guest_ram[id] == NULL || ffa_vm_add(m, id, 2, 0, &vms[id]) != 0)
            return 1;
        r = (struct ffa_regs){{FFA_VERSION, FFA_VERSION_1_2}};
        ffa_mediator_handle(m, vms[id], 0, 0, &r);
    }
    me = vms[1];
    r = (struct ffa_regs){{FFA_RXTX_MAP_64, TX_IPA, RX_IPA, PAGES}};
    ffa_mediator_handle(m, me, 0, 0, &r);
    if (r.x[0] != FFA_SUCCESS_32)
        return 1;

    a0 = allocations;
    for (int run = 0; run < 5; run++) {
        double t0 = now_ns();

        for (long i = 0; i < n; i++) {
            r = (struct ffa_regs){{FFA_PARTITION_INFO_GET}};
            ffa_mediator_handle(m, me, 0, 0, &r);
            entries = (uint32_t)r.x[2];
            r = (struct ffa_regs){{FFA_RX_RELEASE}};
            ffa_mediator_handle(m, me, 0, 0, &r);
        }
        double t = (now_ns() - t0) / (double)n;
        if (t < best_full)
            best_full = t;

        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            r = (struct ffa_regs){{FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1}};
            ffa_mediator_handle(m, me, 0, 0, &r);
        }
        t = (now_ns() - t0) / (double)n;
        if (t < best_count)
            best_count = t;

        t0 = now_ns();
        for (long i = 0; i < n / 16 + 1; i++) {
            uint64_t start = 0, tag = 0, last;

            do {
                r = (struct ffa_regs){{FFA_PARTITION_INFO_GET_REGS, 0, 0, start | (tag << 16)}};
                ffa_mediator_handle(m, me, 0, 0, &r);
                calls_regs++;
                tag = (r.x[2] >> 32) & 0xffff;
                last = r.x[2] & 0xffff;
                start = ((r.x[2] >> 16) & 0xffff) + 1;
            } while (r.x[0] == FFA_SUCCESS_64 && start <= last);
        }
        t = (now_ns() - t0) / (double)(n / 16 + 1);
        if (t < best_regs)
            best_regs = t;
    }
    printf("libffa-mediator partition discovery: %d SPs, %d VMs, caller at v1.2 sees %u entries\n",
           NUM_SPS, NUM_VMS, entries);
    report("FFA_PARTITION_INFO_GET + FFA_RX_RELEASE", best_full, allocations - a0,
           5 * 2 * n + 5 * n + calls_regs);
    report("FFA_PARTITION_INFO_GET count only", best_count, 0, 1);
    report("FFA_PARTITION_INFO_GET_REGS, whole list", best_regs, 0, 1);
    printf("(allocations counted over all %ld calls above: must be 0)\n",
           5 * 2 * n + 5 * n + calls_regs);
    ffa_mediator_destroy(m);
    for (int id = 1; id <= NUM_VMS; id++)
        free(guest_ram[id]);
    return entries == NUM_SPS + NUM_VMS ? 0 : 1;
}
