/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host side of the fuzz harnesses and the stress program: a small hypervisor's memory model
 * with counters that the invariants read.
 *
 *  - alloc/free through malloc, counted (live and total): "no allocation per call" is
 *    total_allocs unchanged across ffa_mediator_handle(); "no leak" is live_allocs == 0 at the end;
 *  - real locks (pthread mutexes), counted, and a per-thread count of the mediator locks held, so
 *    a harness can tell whether re-entering the mediator from a backend call would deadlock;
 *  - guest RAM: every VM ID 1..FZ_MAX_GUESTS has FZ_RAM_PAGES pages at IPA FZ_RAM_IPA, allocated up
 *    front and page aligned; the "physical" address of a guest page is FZ_PA(vm, ipa) (bit 62
 *    set, so it never collides with a host address);
 *  - hypervisor pages (page_alloc): page aligned, physical address = host address;
 *  - ns_memory for the emulated SPMC: resolves exactly guest RAM and live hypervisor page blocks.
 * Thread safe (counters are atomic, the page-block table has its own mutex).
 */
#ifndef FZ_HOST_H
#define FZ_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/host.h"

#define FZ_RAM_IPA       UINT64_C(0x40000000)
#define FZ_RAM_PAGES     8u
#define FZ_RAM_SIZE      (FZ_RAM_PAGES * 4096u)
#define FZ_MAX_GUESTS    16u
#define FZ_PA_GUEST      (UINT64_C(1) << 62) /* host addresses never have it */
#define FZ_PA(vm, ipa)   (FZ_PA_GUEST | ((uint64_t)(vm) << 40) | (ipa))
#define FZ_MAX_PAGE_BLKS 8u

struct fz_page_blk {
    void *va;
    uint32_t pages;
};

struct fz_host {
    long live_allocs, total_allocs;
    long live_locks;
    long live_maps, live_pages;
    long live_page_blks, total_page_blks;
    long notifies;
    long logs;
    /* Next guest_map answers this code once (0: none). Single-threaded harnesses only. */
    int map_fail;
    /* Processor current_cpu reports. */
    uint32_t cpu;
    /* Print the mediator's log lines (FFA_FUZZ_VERBOSE in the environment sets it). */
    bool verbose;
    uint8_t *ram[FZ_MAX_GUESTS]; /* guest RAM of VM ID i + 1 */
    pthread_mutex_t blk_lock;
    struct fz_page_blk blks[FZ_MAX_PAGE_BLKS];
};

/* Every callback (guest memory, pages, notify, current_cpu, locks, log). */
extern const struct ffa_host_ops fz_host_ops;

/* Mediator locks the calling thread holds right now. */
int fz_locks_held(void);

void fz_host_init(struct fz_host *h);
/* Free guest RAM. Returns false (and says why on stderr) if a mapping or page block is left. */
bool fz_host_fini(struct fz_host *h);
/*
 * Check that nothing is left (as fz_host_fini) and zero the counters, keeping the guest RAM
 * (zero-filled) for the next session: fuzz harnesses reuse one host.
 */
bool fz_host_reset(struct fz_host *h);

/* Host view of VM `vm`'s RAM at `ipa` (NULL outside it). */
uint8_t *fz_guest_ptr(struct fz_host *h, uint16_t vm, uint64_t ipa);

/* ffa_unicorn_ns_memory_fn over this host's memory (ctx = struct fz_host *). */
void *fz_ns_memory(void *ctx, uint64_t pa, size_t len, int writable);

#endif /* FZ_HOST_H */
