/* SPDX-License-Identifier: BSD-3-Clause */
#include "demo_host.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE          4096u
#define MAX_HYP_ALLOC 8u

bool demo_host_verbose;

/* Guest RAM and hypervisor page blocks; a physical address is a host address. */
static struct {
    uint16_t vm;
    uint8_t *ram;
} guests[DEMO_MAX_GUESTS];
static struct {
    uint8_t *va;
    size_t len;
} hyp_pages[MAX_HYP_ALLOC];
static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER; /* guards the two tables */

static void *h_alloc(void *host, size_t size)
{
    (void)host;
    return calloc(1, size);
}

static void h_free(void *host, void *ptr, size_t size)
{
    (void)host;
    (void)size;
    free(ptr);
}

static void *h_lock_create(void *host)
{
    pthread_mutex_t *m = malloc(sizeof(*m));

    (void)host;
    if (m != NULL)
        pthread_mutex_init(m, NULL);
    return m;
}

static void h_lock_destroy(void *host, void *lock)
{
    (void)host;
    pthread_mutex_destroy(lock);
    free(lock);
}

static void h_lock(void *host, void *lock)
{
    (void)host;
    pthread_mutex_lock(lock);
}

static void h_unlock(void *host, void *lock)
{
    (void)host;
    pthread_mutex_unlock(lock);
}

static void h_log(void *host, enum ffa_log_level level, const char *msg)
{
    (void)host;
    if (demo_host_verbose && level <= FFA_LOG_INFO)
        printf("      [mediator] %s\n", msg);
}

static uint8_t *guest_ram(uint16_t vm)
{
    uint8_t *ram = NULL;

    pthread_mutex_lock(&mem_lock);
    for (unsigned i = 0; i < DEMO_MAX_GUESTS && ram == NULL; i++) {
        if (guests[i].ram != NULL && guests[i].vm == vm)
            ram = guests[i].ram;
    }
    for (unsigned i = 0; i < DEMO_MAX_GUESTS && ram == NULL; i++) {
        if (guests[i].ram == NULL) {
            guests[i].ram = aligned_alloc(PAGE, (size_t)DEMO_GUEST_PAGES * PAGE);
            if (guests[i].ram == NULL)
                break;
            memset(guests[i].ram, 0, (size_t)DEMO_GUEST_PAGES * PAGE);
            guests[i].vm = vm;
            ram = guests[i].ram;
        }
    }
    pthread_mutex_unlock(&mem_lock);
    return ram;
}

uint8_t *demo_guest_ptr(uint16_t vm, uint64_t ipa)
{
    uint8_t *ram;

    if (ipa < DEMO_GUEST_IPA || ipa >= DEMO_GUEST_IPA + (uint64_t)DEMO_GUEST_PAGES * PAGE)
        return NULL;
    ram = guest_ram(vm);
    return ram != NULL ? ram + (ipa - DEMO_GUEST_IPA) : NULL;
}

/* Stage-2 walk of a toy hypervisor: the range must be inside the guest's RAM. */
static int h_guest_map(void *host, uint16_t vm_id, uint64_t ipa, uint32_t pages, unsigned access,
                       void **va, uint64_t *pa)
{
    uint64_t len = (uint64_t)pages * PAGE;
    uint8_t *p;

    (void)host;
    (void)access; /* all guest RAM is read-write here */
    if (ipa < DEMO_GUEST_IPA || len > (uint64_t)DEMO_GUEST_PAGES * PAGE ||
        ipa - DEMO_GUEST_IPA > (uint64_t)DEMO_GUEST_PAGES * PAGE - len)
        return FFA_RET_INVALID_PARAMETERS;
    p = demo_guest_ptr(vm_id, ipa);
    if (p == NULL)
        return FFA_RET_NO_MEMORY;
    *va = p;
    for (uint32_t i = 0; pa != NULL && i < pages; i++)
        pa[i] = (uint64_t)(uintptr_t)(p + (size_t)i * PAGE);
    return 0;
}

static void h_guest_unmap(void *host, uint16_t vm_id, void *va, uint32_t pages)
{
    (void)host;
    (void)vm_id;
    (void)va;
    (void)pages;
}

static void *h_page_alloc(void *host, uint32_t pages, uint64_t *pa)
{
    size_t len = (size_t)pages * PAGE;
    uint8_t *p = aligned_alloc(PAGE, len);

    (void)host;
    if (p == NULL)
        return NULL;
    memset(p, 0, len);
    pthread_mutex_lock(&mem_lock);
    for (unsigned i = 0; i < MAX_HYP_ALLOC; i++) {
        if (hyp_pages[i].va == NULL) {
            hyp_pages[i].va = p;
            hyp_pages[i].len = len;
            pthread_mutex_unlock(&mem_lock);
            *pa = (uint64_t)(uintptr_t)p;
            return p;
        }
    }
    pthread_mutex_unlock(&mem_lock);
    free(p);
    return NULL;
}

static void h_page_free(void *host, void *va, uint32_t pages)
{
    (void)host;
    (void)pages;
    pthread_mutex_lock(&mem_lock);
    for (unsigned i = 0; i < MAX_HYP_ALLOC; i++) {
        if (hyp_pages[i].va == va)
            hyp_pages[i].va = NULL;
    }
    pthread_mutex_unlock(&mem_lock);
    free(va);
}

static void h_notify(void *host, uint16_t vm_id, uint16_t vcpu, enum ffa_host_event event)
{
    (void)host;
    if (event == FFA_HOST_EVENT_RX_FULL)
        printf("      [host] VM %u vCPU %u: RX buffer full, notification interrupt injected\n",
               vm_id, vcpu);
}

static bool inside(const uint8_t *base, size_t size, uint64_t pa, size_t len)
{
    uint64_t b = (uint64_t)(uintptr_t)base;

    return base != NULL && pa >= b && pa - b <= size && len <= size - (pa - b);
}

void *demo_ns_memory(void *ctx, uint64_t pa, size_t len, int writable)
{
    void *p = NULL;

    (void)ctx;
    (void)writable;
    pthread_mutex_lock(&mem_lock);
    for (unsigned i = 0; i < DEMO_MAX_GUESTS && p == NULL; i++) {
        if (inside(guests[i].ram, (size_t)DEMO_GUEST_PAGES * PAGE, pa, len))
            p = (void *)(uintptr_t)pa;
    }
    for (unsigned i = 0; i < MAX_HYP_ALLOC && p == NULL; i++) {
        if (inside(hyp_pages[i].va, hyp_pages[i].len, pa, len))
            p = (void *)(uintptr_t)pa;
    }
    pthread_mutex_unlock(&mem_lock);
    return p;
}

void demo_rx_full(void *ctx, uint16_t vm_id)
{
    (void)ctx;
    printf("      [host] SPMC: message for VM %u in its RX buffer, notification interrupt "
           "injected\n",
           vm_id);
}

void demo_host_cleanup(void)
{
    pthread_mutex_lock(&mem_lock);
    for (unsigned i = 0; i < DEMO_MAX_GUESTS; i++) {
        free(guests[i].ram);
        guests[i].ram = NULL;
    }
    pthread_mutex_unlock(&mem_lock);
}

const struct ffa_host_ops demo_host_ops = {
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
};
