/* SPDX-License-Identifier: BSD-3-Clause */
#include "fz_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"

static __thread int locks_held;

int fz_locks_held(void)
{
    return locks_held;
}

static void add(long *counter, long v)
{
    __atomic_add_fetch(counter, v, __ATOMIC_RELAXED);
}

static void *h_alloc(void *host, size_t size)
{
    struct fz_host *h = host;
    void *p = malloc(size);

    if (p != NULL) {
        add(&h->live_allocs, 1);
        add(&h->total_allocs, 1);
    }
    return p;
}

static void h_free(void *host, void *ptr, size_t size)
{
    struct fz_host *h = host;

    (void)size;
    add(&h->live_allocs, -1);
    free(ptr);
}

static void *h_lock_create(void *host)
{
    struct fz_host *h = host;
    pthread_mutex_t *m = malloc(sizeof(*m));

    if (m == NULL)
        return NULL;
    pthread_mutex_init(m, NULL);
    add(&h->live_locks, 1);
    return m;
}

static void h_lock_destroy(void *host, void *lock)
{
    struct fz_host *h = host;

    pthread_mutex_destroy(lock);
    free(lock);
    add(&h->live_locks, -1);
}

static void h_lock(void *host, void *lock)
{
    (void)host;
    pthread_mutex_lock(lock);
    locks_held++;
}

static void h_unlock(void *host, void *lock)
{
    (void)host;
    locks_held--;
    pthread_mutex_unlock(lock);
}

static void h_log(void *host, enum ffa_log_level level, const char *msg)
{
    struct fz_host *h = host;

    add(&h->logs, 1);
    if (h->verbose)
        fprintf(stderr, "[ffa %d] %s\n", (int)level, msg);
}

uint8_t *fz_guest_ptr(struct fz_host *h, uint16_t vm, uint64_t ipa)
{
    if (vm == 0 || vm > FZ_MAX_GUESTS || ipa < FZ_RAM_IPA || ipa >= FZ_RAM_IPA + FZ_RAM_SIZE)
        return NULL;
    return h->ram[vm - 1] + (ipa - FZ_RAM_IPA);
}

static int h_guest_map(void *host, uint16_t vm_id, uint64_t ipa, uint32_t pages, unsigned access,
                       void **va, uint64_t *pa)
{
    struct fz_host *h = host;
    uint64_t len = (uint64_t)pages * 4096u;

    (void)access;
    if (h->map_fail != 0) {
        int ret = h->map_fail;

        h->map_fail = 0;
        return ret;
    }
    if (pages == 0 || vm_id == 0 || vm_id > FZ_MAX_GUESTS || ipa < FZ_RAM_IPA || ipa + len < ipa ||
        ipa + len > FZ_RAM_IPA + FZ_RAM_SIZE)
        return FFA_RET_INVALID_PARAMETERS;
    *va = fz_guest_ptr(h, vm_id, ipa);
    for (uint32_t i = 0; pa != NULL && i < pages; i++)
        pa[i] = FZ_PA(vm_id, ipa + (uint64_t)i * 4096u);
    add(&h->live_maps, 1);
    add(&h->live_pages, pages);
    return 0;
}

static void h_guest_unmap(void *host, uint16_t vm_id, void *va, uint32_t pages)
{
    struct fz_host *h = host;

    (void)vm_id;
    (void)va;
    add(&h->live_maps, -1);
    add(&h->live_pages, -(long)pages);
}

static void *h_page_alloc(void *host, uint32_t pages, uint64_t *pa)
{
    struct fz_host *h = host;
    void *p = aligned_alloc(4096, (size_t)pages * 4096u);
    bool kept = false;

    if (p == NULL)
        return NULL;
    memset(p, 0, (size_t)pages * 4096u);
    pthread_mutex_lock(&h->blk_lock);
    for (unsigned i = 0; i < FZ_MAX_PAGE_BLKS && !kept; i++) {
        if (h->blks[i].va == NULL) {
            h->blks[i].va = p;
            h->blks[i].pages = pages;
            kept = true;
        }
    }
    pthread_mutex_unlock(&h->blk_lock);
    if (!kept) {
        free(p);
        return NULL;
    }
    *pa = (uint64_t)(uintptr_t)p;
    add(&h->live_page_blks, 1);
    add(&h->total_page_blks, 1);
    return p;
}

static void h_page_free(void *host, void *va, uint32_t pages)
{
    struct fz_host *h = host;

    (void)pages;
    pthread_mutex_lock(&h->blk_lock);
    for (unsigned i = 0; i < FZ_MAX_PAGE_BLKS; i++) {
        if (h->blks[i].va == va) {
            h->blks[i].va = NULL;
            h->blks[i].pages = 0;
        }
    }
    pthread_mutex_unlock(&h->blk_lock);
    add(&h->live_page_blks, -1);
    free(va);
}

static void h_notify(void *host, uint16_t vm_id, uint16_t vcpu, enum ffa_host_event event)
{
    struct fz_host *h = host;

    (void)vm_id;
    (void)vcpu;
    (void)event;
    add(&h->notifies, 1);
}

static uint32_t h_current_cpu(void *host)
{
    struct fz_host *h = host;

    return h->cpu;
}

const struct ffa_host_ops fz_host_ops = {
    .alloc = h_alloc,
    .free = h_free,
    .lock_create = h_lock_create,
    .lock_destroy = h_lock_destroy,
    .lock = h_lock,
    .unlock = h_unlock,
    .log = h_log,
    .guest_map = h_guest_map,
    .guest_unmap = h_guest_unmap,
    .page_alloc = h_page_alloc,
    .page_free = h_page_free,
    .notify = h_notify,
    .current_cpu = h_current_cpu,
};

void *fz_ns_memory(void *ctx, uint64_t pa, size_t len, int writable)
{
    struct fz_host *h = ctx;
    uint16_t vm = (uint16_t)((pa & ~FZ_PA_GUEST) >> 40);
    uint64_t ipa = pa & ((UINT64_C(1) << 40) - 1);
    void *found = NULL;

    (void)writable;
    if (len == 0 || pa + len < pa)
        return NULL;
    if ((pa & FZ_PA_GUEST) != 0) {
        if (fz_guest_ptr(h, vm, ipa) == NULL || ipa + len > FZ_RAM_IPA + FZ_RAM_SIZE)
            return NULL;
        return fz_guest_ptr(h, vm, ipa);
    }
    pthread_mutex_lock(&h->blk_lock);
    for (unsigned i = 0; i < FZ_MAX_PAGE_BLKS; i++) {
        uint64_t start = (uint64_t)(uintptr_t)h->blks[i].va;
        uint64_t end = start + (uint64_t)h->blks[i].pages * 4096u;

        if (h->blks[i].va != NULL && pa >= start && pa + len <= end) {
            found = (void *)(uintptr_t)pa;
            break;
        }
    }
    pthread_mutex_unlock(&h->blk_lock);
    return found;
}

void fz_host_init(struct fz_host *h)
{
    memset(h, 0, sizeof(*h));
    pthread_mutex_init(&h->blk_lock, NULL);
    h->verbose = getenv("FFA_FUZZ_VERBOSE") != NULL;
    for (unsigned i = 0; i < FZ_MAX_GUESTS; i++) {
        h->ram[i] = aligned_alloc(4096, FZ_RAM_SIZE);
        if (h->ram[i] == NULL)
            abort();
        memset(h->ram[i], 0, FZ_RAM_SIZE);
    }
}

static bool all_released(const struct fz_host *h)
{
    bool ok = true;

    if (h->live_maps != 0 || h->live_pages != 0) {
        fprintf(stderr, "fz_host: %ld guest mappings (%ld pages) left\n", h->live_maps,
                h->live_pages);
        ok = false;
    }
    if (h->live_page_blks != 0) {
        fprintf(stderr, "fz_host: %ld hypervisor page blocks left\n", h->live_page_blks);
        ok = false;
    }
    if (h->live_allocs != 0 || h->live_locks != 0) {
        fprintf(stderr, "fz_host: %ld allocations and %ld locks left\n", h->live_allocs,
                h->live_locks);
        ok = false;
    }
    return ok;
}

bool fz_host_reset(struct fz_host *h)
{
    bool ok = all_released(h);

    h->live_allocs = h->total_allocs = h->live_locks = 0;
    h->live_maps = h->live_pages = h->live_page_blks = h->total_page_blks = 0;
    h->notifies = h->logs = 0;
    h->map_fail = 0;
    h->cpu = 0;
    for (unsigned i = 0; i < FZ_MAX_GUESTS; i++)
        memset(h->ram[i], 0, FZ_RAM_SIZE);
    return ok;
}

bool fz_host_fini(struct fz_host *h)
{
    bool ok = all_released(h);

    for (unsigned i = 0; i < FZ_MAX_GUESTS; i++) {
        free(h->ram[i]);
        h->ram[i] = NULL;
    }
    pthread_mutex_destroy(&h->blk_lock);
    return ok;
}
