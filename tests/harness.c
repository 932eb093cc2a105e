/* SPDX-License-Identifier: BSD-3-Clause */
#include "harness.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *h_alloc(void *host, size_t size)
{
    struct test_host *h = host;
    void *p = malloc(size);

    if (p != NULL) {
        h->live_allocs++;
        h->total_allocs++;
    }
    return p;
}

static void h_free(void *host, void *ptr, size_t size)
{
    struct test_host *h = host;

    (void)size;
    h->live_allocs--;
    free(ptr);
}

static void *h_lock_create(void *host)
{
    struct test_host *h = host;
    pthread_mutex_t *mtx = malloc(sizeof(*mtx));

    if (mtx == NULL)
        return NULL;
    pthread_mutex_init(mtx, NULL);
    h->live_locks++;
    return mtx;
}

static void h_lock_destroy(void *host, void *lock)
{
    struct test_host *h = host;

    pthread_mutex_destroy(lock);
    free(lock);
    h->live_locks--;
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
    struct test_host *h = host;

    snprintf(h->last_log, sizeof(h->last_log), "%s", msg);
    h->logs++;
    if (getenv("FFA_TEST_VERBOSE") != NULL)
        fprintf(stderr, "[log %d] %s\n", (int)level, msg);
}

const struct ffa_host_ops test_host_ops = {
    .alloc = h_alloc,
    .free = h_free,
    .lock_create = h_lock_create,
    .lock_destroy = h_lock_destroy,
    .lock = h_lock,
    .unlock = h_unlock,
    .log = h_log,
};

/* ---- Fake guest memory ---- */

/*
 * The RAM of guest `vm`, allocated on first use; NULL when out of memory or guests. It does not
 * assert: the mediator calls it (through guest_map) with its locks held.
 */
static struct test_guest *find_guest(struct test_host *h, uint16_t vm)
{
    for (int i = 0; i < TEST_MAX_GUESTS; i++) {
        if (h->guests[i].ram != NULL && h->guests[i].vm_id == vm)
            return &h->guests[i];
    }
    for (int i = 0; i < TEST_MAX_GUESTS; i++) {
        if (h->guests[i].ram == NULL) {
            h->guests[i].ram = calloc(TEST_RAM_PAGES, 4096);
            if (h->guests[i].ram == NULL)
                return NULL;
            h->guests[i].vm_id = vm;
            return &h->guests[i];
        }
    }
    return NULL;
}

static struct test_guest *guest_of(struct test_host *h, uint16_t vm)
{
    struct test_guest *g = find_guest(h, vm);

    if (g == NULL)
        fail_msg("no RAM for guest 0x%x (out of memory, or more than %d guests)", vm,
                 TEST_MAX_GUESTS);
    return g;
}

uint8_t *th_guest_ptr(struct test_host *h, uint16_t vm, uint64_t ipa)
{
    assert_true(ipa >= TEST_RAM_IPA && ipa < TEST_RAM_IPA + TEST_RAM_PAGES * 4096ull);
    return guest_of(h, vm)->ram + (ipa - TEST_RAM_IPA);
}

static int h_guest_map(void *host, uint16_t vm_id, uint64_t ipa, uint32_t pages, unsigned access,
                       void **va, uint64_t *pa)
{
    struct test_host *h = host;
    uint64_t end = ipa + (uint64_t)pages * 4096;
    struct test_guest *g;

    if (h->guest_map_fails != 0) {
        int ret = h->guest_map_fails;

        h->guest_map_fails = 0;
        return ret;
    }
    if (ipa < TEST_RAM_IPA || end > TEST_RAM_IPA + TEST_RAM_PAGES * 4096ull || end < ipa)
        return FFA_RET_INVALID_PARAMETERS;
    if ((access & FFA_GUEST_WRITE) != 0 && end > TEST_RO_IPA)
        return FFA_RET_INVALID_PARAMETERS;
    g = find_guest(h, vm_id);
    if (g == NULL)
        return FFA_RET_NO_MEMORY;
    *va = g->ram + (ipa - TEST_RAM_IPA);
    for (uint32_t i = 0; pa != NULL && i < pages; i++) {
        uint64_t page_ipa = ipa + (uint64_t)i * 4096;

        pa[i] = h->scatter_pa ? TEST_PA(vm_id, page_ipa) * 2 : TEST_PA(vm_id, page_ipa);
    }
    h->live_maps++;
    h->live_pages += pages;
    return 0;
}

static void h_guest_unmap(void *host, uint16_t vm_id, void *va, uint32_t pages)
{
    struct test_host *h = host;

    (void)vm_id;
    (void)va;
    h->live_maps--;
    h->live_pages -= pages;
}

/* Hypervisor pages: "physical" address = host address, so a scripted SPMC can reach them. */
static void *h_page_alloc(void *host, uint32_t pages, uint64_t *pa)
{
    struct test_host *h = host;
    void *p = aligned_alloc(4096, (size_t)pages * 4096);

    if (p == NULL)
        return NULL;
    memset(p, 0, (size_t)pages * 4096);
    *pa = (uint64_t)(uintptr_t)p;
    h->live_allocs++;
    for (size_t i = 0; i < sizeof(h->hyp_pages) / sizeof(h->hyp_pages[0]); i++) {
        if (h->hyp_pages[i].va == NULL) {
            h->hyp_pages[i].va = p;
            h->hyp_pages[i].pages = pages;
            break;
        }
    }
    return p;
}

static void h_page_free(void *host, void *va, uint32_t pages)
{
    struct test_host *h = host;

    (void)pages;
    h->live_allocs--;
    for (size_t i = 0; i < sizeof(h->hyp_pages) / sizeof(h->hyp_pages[0]); i++) {
        if (h->hyp_pages[i].va == va)
            h->hyp_pages[i].va = NULL;
    }
    free(va);
}

void *th_ns_memory(void *ctx, uint64_t pa, size_t len, int writable)
{
    struct test_host *h = ctx;
    uint64_t ipa = pa & ((UINT64_C(1) << 40) - 1);
    uint16_t vm = (uint16_t)(pa >> 40);
    uint64_t ram_end = TEST_RAM_IPA + (uint64_t)TEST_RAM_PAGES * 4096;

    for (size_t i = 0; i < sizeof(h->hyp_pages) / sizeof(h->hyp_pages[0]); i++) {
        uint64_t base = (uint64_t)(uintptr_t)h->hyp_pages[i].va;
        uint64_t size = (uint64_t)h->hyp_pages[i].pages * 4096;

        if (h->hyp_pages[i].va != NULL && pa >= base && pa - base <= size &&
            len <= size - (pa - base))
            return h->hyp_pages[i].va + (pa - base);
    }
    if (h->scatter_pa || ipa < TEST_RAM_IPA || ipa > ram_end || len > ram_end - ipa ||
        (writable && ipa + len > TEST_RO_IPA))
        return NULL;
    for (int i = 0; i < TEST_MAX_GUESTS; i++) {
        if (h->guests[i].ram != NULL && h->guests[i].vm_id == vm)
            return h->guests[i].ram + (ipa - TEST_RAM_IPA);
    }
    return NULL;
}

static void h_notify(void *host, uint16_t vm_id, uint16_t vcpu, enum ffa_host_event event)
{
    struct test_host *h = host;

    if (h->notifies < TEST_MAX_EVENTS)
        h->events[h->notifies] = (struct test_event){vm_id, vcpu, event};
    h->notifies++;
    h->notified_vm = vm_id;
    h->notified_event = event;
}

const struct ffa_host_ops test_host_ops_full = {
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

static uint32_t h_current_cpu(void *host)
{
    struct test_host *h = host;

    h->current_cpu_calls++;
    return h->current_cpu;
}

const struct ffa_host_ops test_host_ops_cpu = {
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

/* ---- Memory sharing: a host that owns guest pages and knows who has them ---- */

static uint32_t page_index(uint64_t ipa)
{
    return (uint32_t)((ipa - TEST_RAM_IPA) / 4096);
}

/* Compressed physical page number of page `idx`: a hole after every mem_run pages. */
static uint64_t pa_slot(const struct test_host *h, uint32_t idx)
{
    return h->mem_run == 0 ? idx : (uint64_t)idx + idx / h->mem_run;
}

uint64_t th_mem_pa(const struct test_host *h, uint16_t vm, uint64_t ipa)
{
    return ((uint64_t)vm << 40) | (TEST_RAM_IPA + pa_slot(h, page_index(ipa)) * 4096);
}

/* The guest and page index of a physical address th_mem_pa() gave. */
static struct test_guest *pa_page(struct test_host *h, uint64_t pa, uint32_t *idx)
{
    uint64_t slot = ((pa & ((UINT64_C(1) << 40) - 1)) - TEST_RAM_IPA) / 4096;

    *idx = (uint32_t)(h->mem_run == 0 ? slot : slot - slot / (h->mem_run + 1));
    assert_true(*idx < TEST_RAM_PAGES);
    return guest_of(h, (uint16_t)(pa >> 40));
}

static uint8_t *page_states(struct test_host *h, uint16_t vm)
{
    struct test_guest *g = guest_of(h, vm);

    if (g->page_state == NULL) {
        g->page_state = calloc(TEST_RAM_PAGES, 1);
        assert_non_null(g->page_state);
    }
    return g->page_state;
}

int th_page_state(struct test_host *h, uint16_t vm, uint64_t ipa)
{
    return page_states(h, vm)[page_index(ipa)];
}

/*
 * The mediator calls the memory callbacks with none of its locks held, from any vCPU thread: like
 * a real host, this one serialises its own bookkeeping.
 */
static pthread_mutex_t mem_mutex = PTHREAD_MUTEX_INITIALIZER;

static int mem_acquire_locked(struct test_host *h, uint16_t vm_id, unsigned xfer, unsigned access,
                              uint64_t ipa, uint32_t pages, uint64_t *pa, uint32_t *got);

static int h_mem_acquire(void *host, uint16_t vm_id, unsigned xfer, unsigned access, uint64_t ipa,
                         uint32_t pages, uint64_t *pa, uint32_t *got)
{
    int ret;

    pthread_mutex_lock(&mem_mutex);
    ret = mem_acquire_locked(host, vm_id, xfer, access, ipa, pages, pa, got);
    pthread_mutex_unlock(&mem_mutex);
    return ret;
}

static int mem_acquire_locked(struct test_host *h, uint16_t vm_id, unsigned xfer, unsigned access,
                              uint64_t ipa, uint32_t pages, uint64_t *pa, uint32_t *got)
{
    uint64_t end = ipa + (uint64_t)pages * 4096;
    uint8_t *st;
    uint32_t first, n;

    /* No cmocka assertion under the mutex (a failure would leave it held): count violations. */
    if (pages == 0 || ipa % 4096 != 0 || xfer < FFA_HOST_MEM_SHARE || xfer > FFA_HOST_MEM_DONATE) {
        h->mem_violations++;
        return FFA_RET_INVALID_PARAMETERS;
    }
    if (h->mem_fail_in > 0 && --h->mem_fail_in == 0)
        return h->mem_fail_code;
    if (ipa < TEST_RAM_IPA || end > TEST_RAM_IPA + TEST_RAM_PAGES * 4096ull || end < ipa)
        return FFA_RET_INVALID_PARAMETERS;
    if ((access & FFA_GUEST_WRITE) != 0 && end > TEST_RO_IPA)
        return FFA_RET_DENIED;
    st = page_states(h, vm_id);
    first = page_index(ipa);
    for (uint32_t i = 0; i < pages; i++) {
        if (st[first + i] != TH_PAGE_OWNED)
            return FFA_RET_DENIED; /* already shared, lent or donated */
    }
    n = h->mem_run == 0 ? pages : h->mem_run - first % h->mem_run;
    if (n > pages)
        n = pages;
    for (uint32_t i = 0; i < n; i++)
        st[first + i] = (uint8_t)xfer;
    *pa = th_mem_pa(h, vm_id, ipa);
    *got = n;
    h->mem_pages_held += n;
    h->mem_acquires++;
    return 0;
}

static void zero_pages(struct test_host *h, uint64_t pa, uint32_t pages)
{
    for (uint32_t i = 0; i < pages; i++) {
        uint32_t idx;
        struct test_guest *g = pa_page(h, pa + (uint64_t)i * 4096, &idx);

        memset(g->ram + (size_t)idx * 4096, 0, 4096);
        h->zeroed_pages++;
    }
}

static void h_mem_release(void *host, uint16_t vm_id, unsigned xfer, uint64_t ipa, uint64_t pa,
                          uint32_t pages, unsigned flags)
{
    struct test_host *h = host;
    uint8_t *st;

    pthread_mutex_lock(&mem_mutex);
    st = page_states(h, vm_id);
    if (pa != th_mem_pa(h, vm_id, ipa))
        h->mem_violations++;
    for (uint32_t i = 0; i < pages; i++) {
        if (st[page_index(ipa) + i] != xfer)
            h->mem_violations++; /* released what was never acquired that way */
        st[page_index(ipa) + i] = TH_PAGE_OWNED;
    }
    if (flags & FFA_HOST_MEM_ZERO)
        zero_pages(h, pa, pages);
    h->mem_pages_held -= pages;
    h->mem_releases++;
    h->last_release_flags = flags;
    pthread_mutex_unlock(&mem_mutex);
}

static int h_mem_map(void *host, uint16_t borrower, uint16_t lender, unsigned xfer, unsigned access,
                     uint64_t pa, uint32_t pages, unsigned flags, uint64_t *ipa)
{
    struct test_host *h = host;
    uint32_t idx;
    struct test_guest *g = pa_page(h, pa, &idx);

    /* Counted, not asserted: a callback must not longjmp out of the mediator. */
    if (g->vm_id != lender || borrower == lender) {
        h->mem_violations++;
        return FFA_RET_DENIED;
    }
    for (uint32_t i = 0; i < pages; i++) {
        if (page_states(h, lender)[idx + i] != xfer) {
            h->mem_violations++; /* mapping pages that were not acquired that way */
            return FFA_RET_DENIED;
        }
    }
    if (h->map_fail_in > 0 && --h->map_fail_in == 0)
        return h->map_fail_code;
    if (h->next_borrow_ipa == 0)
        h->next_borrow_ipa = TEST_BORROW_IPA;
    if (flags & FFA_HOST_MEM_ZERO)
        zero_pages(h, pa, pages);
    *ipa = h->next_borrow_ipa;
    h->next_borrow_ipa += (uint64_t)pages * 4096 + (h->borrow_gap ? 4096 : 0);
    if (xfer == FFA_HOST_MEM_DONATE) {
        /* The borrower owns them now: no unmap will come. */
        for (uint32_t i = 0; i < pages; i++)
            page_states(h, lender)[idx + i] = TH_PAGE_GIVEN;
        h->mem_pages_held -= pages;
        h->given_pages += pages;
        return 0;
    }
    for (int i = 0; i < TH_MAX_MAPS; i++) {
        if (h->maps[i].pages == 0) {
            h->maps[i] = (struct th_mem_map){borrower, lender, xfer, access, *ipa, pa, pages};
            h->live_mem_maps++;
            h->live_mapped_pages += pages;
            return 0;
        }
    }
    h->mem_violations++; /* more than TH_MAX_MAPS mappings: the test asks too much */
    return FFA_RET_NO_MEMORY;
}

static void h_mem_unmap(void *host, uint16_t borrower, uint16_t lender, unsigned xfer, uint64_t ipa,
                        uint64_t pa, uint32_t pages, unsigned flags)
{
    struct test_host *h = host;

    for (int i = 0; i < TH_MAX_MAPS; i++) {
        struct th_mem_map *m = &h->maps[i];

        if (m->pages != 0 && m->borrower == borrower && m->lender == lender && m->xfer == xfer &&
            m->ipa == ipa && m->pa == pa && m->pages == pages) {
            if (flags & FFA_HOST_MEM_ZERO)
                zero_pages(h, pa, pages);
            m->pages = 0;
            h->live_mem_maps--;
            h->live_mapped_pages -= pages;
            return;
        }
    }
    h->mem_violations++; /* unmapping something never mapped */
}

const struct th_mem_map *th_mem_map_at(const struct test_host *h, uint16_t vm, uint64_t ipa)
{
    for (int i = 0; i < TH_MAX_MAPS; i++) {
        const struct th_mem_map *m = &h->maps[i];

        if (m->pages != 0 && m->borrower == vm && ipa >= m->ipa &&
            ipa < m->ipa + (uint64_t)m->pages * 4096)
            return m;
    }
    return NULL;
}

const struct ffa_host_ops test_host_ops_mem = {
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
    .mem_acquire = h_mem_acquire,
    .mem_release = h_mem_release,
    .mem_map = h_mem_map,
    .mem_unmap = h_mem_unmap,
};

const struct ffa_host_ops test_host_ops_mem_nomap = {
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
    .mem_acquire = h_mem_acquire,
    .mem_release = h_mem_release,
};

static void h_trace(void *host, uint16_t vm_id, uint16_t vcpu, const struct ffa_regs *call,
                    const struct ffa_regs *reply)
{
    struct test_host *h = host;

    if (h->traces < TEST_MAX_TRACES)
        h->trace[h->traces] = (struct test_trace){vm_id, vcpu, *call, *reply};
    h->traces++;
}

const struct ffa_host_ops test_host_ops_trace = {
    .alloc = h_alloc,
    .free = h_free,
    .lock_create = h_lock_create,
    .lock_destroy = h_lock_destroy,
    .lock = h_lock,
    .unlock = h_unlock,
    .log = h_log,
    .trace = h_trace,
};

/* Count one problem a teardown found: print it (the test fails once everything is freed). */
static int problem(long actual, const char *what)
{
    if (actual == 0)
        return 0;
    print_error("teardown: %ld %s left\n", actual, what);
    return 1;
}

int th_host_release(struct test_host *h)
{
    int bad = 0;

    for (int i = 0; i < TEST_MAX_GUESTS; i++) {
        free(h->guests[i].ram);
        free(h->guests[i].page_state);
        h->guests[i].ram = NULL;
        h->guests[i].page_state = NULL;
    }
    bad |= problem(h->live_maps, "guest mapping(s)");
    bad |= problem(h->live_pages, "mapped guest page(s)");
    bad |= problem(h->live_allocs, "host allocation(s)");
    bad |= problem(h->live_locks, "host lock(s)");
    /* Nothing a memory transaction took is still held or mapped; no callback was misused. */
    bad |= problem(h->mem_violations, "memory callback(s) called against their contract");
    bad |= problem(h->mem_pages_held, "page(s) still acquired for memory sharing");
    bad |= problem(h->live_mem_maps, "borrower mapping(s)");
    bad |= problem(h->live_mapped_pages, "borrower-mapped page(s)");
    return bad ? -1 : 0;
}

void th_host_cleanup(struct test_host *h)
{
    long maps = h->live_maps, pages = h->live_pages;

    for (int i = 0; i < TEST_MAX_GUESTS; i++) {
        free(h->guests[i].ram);
        h->guests[i].ram = NULL;
    }
    assert_int_equal(maps, 0);
    assert_int_equal(pages, 0);
}

void th_mock_fail(void *ctx, const char *message)
{
    (void)ctx;
    fail_msg("%s", message);
}

void th_mock_record(void *ctx, const char *message)
{
    struct fixture *f = ctx;

    f->mock_failures++;
    snprintf(f->mock_message, sizeof(f->mock_message), "%s", message);
}

void th_check_mock(struct fixture *f)
{
    if (f->mock_failures == f->mock_failures_reported)
        return;
    f->mock_failures_reported = f->mock_failures;
    fail_msg("%s", f->mock_message);
}

/* The FW_* bit of each ABI the mediator may probe. */
static uint32_t fw_bit(uint32_t fid)
{
    static const struct {
        uint32_t fid, bit;
    } bits[] = {
        {FFA_MSG_SEND_DIRECT_REQ_32, FW_DIRECT_REQ_32},
        {FFA_MSG_SEND_DIRECT_REQ_64, FW_DIRECT_REQ_64},
        {FFA_MSG_SEND_DIRECT_REQ2, FW_DIRECT_REQ2},
        {FFA_RUN, FW_RUN},
        {FFA_SPM_ID_GET, FW_SPM_ID_GET},
        {FFA_RXTX_MAP_64, FW_RXTX_MAP_64},
        {FFA_RXTX_UNMAP, FW_RXTX_UNMAP},
        {FFA_RX_ACQUIRE, FW_RX_ACQUIRE},
        {FFA_RX_RELEASE, FW_RX_RELEASE},
        {FFA_PARTITION_INFO_GET, FW_PARTINFO},
        {FFA_MSG_SEND2, FW_MSG_SEND2},
        {FFA_NOTIFICATION_BITMAP_CREATE, FW_NOTIF},
        {FFA_NOTIFICATION_BITMAP_DESTROY, FW_NOTIF},
        {FFA_NOTIFICATION_BIND, FW_NOTIF},
        {FFA_NOTIFICATION_UNBIND, FW_NOTIF},
        {FFA_NOTIFICATION_SET, FW_NOTIF},
        {FFA_NOTIFICATION_GET, FW_NOTIF},
        {FFA_NOTIFICATION_INFO_GET_64, FW_NOTIF},
        {FFA_FEATURE_SRI, FW_SRI},
        {FFA_FEATURE_NOTIF, FW_NOTIF_PER_VCPU},
        {FFA_MEM_SHARE_32, FW_MEM_SHARE_32},
        {FFA_MEM_SHARE_64, FW_MEM_SHARE_64},
        {FFA_MEM_LEND_32, FW_MEM_LEND_32},
        {FFA_MEM_LEND_64, FW_MEM_LEND_64},
        {FFA_MEM_DONATE_32, FW_MEM_DONATE_32},
        {FFA_MEM_DONATE_64, FW_MEM_DONATE_64},
        {FFA_MEM_RECLAIM, FW_MEM_RECLAIM},
        {FFA_MEM_FRAG_RX, FW_MEM_FRAG_RX},
        {FFA_MEM_FRAG_TX, FW_MEM_FRAG_TX},
    };

    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (bits[i].fid == fid)
            return bits[i].bit;
    }
    print_error("the mediator probes 0x%x, which the harness does not know\n", fid);
    return 0;
}

/*
 * Script the probe, with `cpu_match` (0 or FFA_MOCK_CPU) and `cpu` on every step; returns 0, or -1
 * (reason printed). Does not assert: setups use it.
 */
static int script_probe(struct ffa_mock *mock, uint32_t fw_version, uint32_t fw_abis,
                        uint32_t cpu_match, uint32_t cpu)
{
    size_t n;
    const uint32_t *abis = ffa_mediator_probe_list(&n);
    struct ffa_mock_step v = {
        .call = {{FFA_VERSION, FFA_MEDIATOR_VERSION}},
        .match = FFA_MOCK_X_ALL | cpu_match,
        .cpu = cpu,
        .reply = {{fw_version}},
    };

    if (ffa_mock_expect(mock, &v) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t bit = fw_bit(abis[i]);
        struct ffa_mock_step s = {
            .call = {{FFA_FEATURES, abis[i]}},
            .match = FFA_MOCK_X_ALL | cpu_match,
            .cpu = cpu,
        };

        if (bit == 0)
            return -1;
        if (fw_abis & bit) {
            s.reply.x[0] = FFA_SUCCESS_32;
            if (abis[i] == FFA_FEATURE_SRI)
                s.reply.x[2] = TEST_FW_SRI_INTID;
        } else {
            s.reply.x[0] = FFA_ERROR;
            s.reply.x[2] = (uint32_t)FFA_RET_NOT_SUPPORTED;
        }
        if (ffa_mock_expect(mock, &s) != 0)
            return -1;
    }
    return 0;
}

void th_expect_probe(struct ffa_mock *mock, uint32_t fw_version, uint32_t fw_abis)
{
    assert_int_equal(script_probe(mock, fw_version, fw_abis, 0, 0), 0);
}

void th_expect_probe_on_cpu(struct ffa_mock *mock, uint32_t fw_version, uint32_t fw_abis,
                            uint32_t cpu)
{
    assert_int_equal(script_probe(mock, fw_version, fw_abis, FFA_MOCK_CPU, cpu), 0);
}

/* ---- The scripted SPMC's side of the mediator's own buffers and SP list ---- */

static void record_own_buffers(void *ctx, const struct ffa_regs *call)
{
    struct fixture *f = ctx;

    f->own_tx_pa = call->x[1];
    f->own_rx_pa = call->x[2];
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Write the SP list into the mediator's RX buffer, as an SPMC answers PARTITION_INFO_GET. */
static void write_sp_list(void *ctx, const struct ffa_regs *call)
{
    struct fixture *f = ctx;
    uint8_t *rx = (uint8_t *)(uintptr_t)f->own_rx_pa;

    (void)call;
    for (size_t i = 0; i < f->sp_count; i++) {
        uint8_t *e = rx + 24 * i;

        put_le(e, f->sps[i].id, 2);
        put_le(e + 2, f->sps[i].exec_ctx, 2);
        put_le(e + 4, f->sps[i].props, 4);
        memcpy(e + 8, f->sps[i].uuid, 16);
    }
}

static int expect_own_buffers(struct fixture *f, uint32_t fw_abis)
{
    struct ffa_mock_step map = {
        .call = {{FFA_RXTX_MAP_64, 0, 0, 1}},
        .match = FFA_MOCK_X(3),
        .reply = {{FFA_SUCCESS_32}},
        .effect = record_own_buffers,
        .effect_ctx = f,
    };
    struct ffa_mock_step list = {
        .call = {{FFA_PARTITION_INFO_GET}},
        .match = FFA_MOCK_X_ALL,
        .reply = {{FFA_SUCCESS_32, 0, f->sp_count, 24}},
        .effect = write_sp_list,
        .effect_ctx = f,
    };
    struct ffa_mock_step release = {
        .call = {{FFA_RX_RELEASE}},
        .match = FFA_MOCK_X_ALL,
        .reply = {{FFA_SUCCESS_32}},
    };

    if (ffa_mock_expect(f->mock, &map) != 0)
        return -1;
    f->own_buffers = 1;
    if ((fw_abis & FW_PARTINFO) == 0)
        return 0;
    if (ffa_mock_expect(f->mock, &list) != 0 || ffa_mock_expect(f->mock, &release) != 0)
        return -1;
    return 0;
}

int th_try_expect_bitmap_create(struct fixture *f, uint16_t id, uint16_t vcpus, int32_t error)
{
    struct ffa_mock_step s = {
        .call = {{FFA_NOTIFICATION_BITMAP_CREATE, id, vcpus}},
        .match = FFA_MOCK_X_ALL,
        .reply = {{FFA_SUCCESS_32}},
    };

    if (error != 0)
        s.reply = (struct ffa_regs){{FFA_ERROR, 0, (uint32_t)error}};
    if (ffa_mock_expect(f->mock, &s) != 0)
        return -1;
    if (error == 0 && f->nbitmaps < TEST_MAX_GUESTS)
        f->bitmaps[f->nbitmaps++] = id;
    return 0;
}

/* With FW_NOTIF, adding VM `id` creates its bitmap first. */
static int expect_vm_bitmap(struct fixture *f, uint16_t id)
{
    if ((f->fw_abis & FW_NOTIF) == 0)
        return 0;
    return th_try_expect_bitmap_create(f, id, 2, 0);
}

/* The BITMAP_DESTROY of each recorded VM still present, in ascending ID order. */
static int expect_bitmap_destroys(struct fixture *f)
{
    int last = -1;

    for (unsigned n = 0; n < f->nbitmaps; n++) {
        int next = 0x10000;

        for (unsigned i = 0; i < f->nbitmaps; i++) {
            if (f->bitmaps[i] > last && f->bitmaps[i] < next)
                next = f->bitmaps[i];
        }
        if (next == 0x10000)
            break;
        last = next;
        if (ffa_vm_find(f->m, (uint16_t)next) != NULL) {
            struct ffa_mock_step s = {
                .call = {{FFA_NOTIFICATION_BITMAP_DESTROY, (uint64_t)next}},
                .match = FFA_MOCK_X_ALL,
                .reply = {{FFA_SUCCESS_32}},
            };

            if (ffa_mock_expect(f->mock, &s) != 0)
                return -1;
        }
    }
    return 0;
}

int th_try_call(struct fixture *f, struct ffa_vm *vm, struct ffa_regs *regs)
{
    uint32_t fid = (uint32_t)regs->x[0];

    if (ffa_mediator_handle(f->m, vm, 0, 0, regs) != FFA_CALL_HANDLED) {
        print_error("setup: call 0x%x was not handled\n", fid);
        return -1;
    }
    if (f->mock_failures != f->mock_failures_reported) {
        f->mock_failures_reported = f->mock_failures;
        print_error("setup: call 0x%x: %s\n", fid, f->mock_message);
        return -1;
    }
    return 0;
}

/* Build the fixture `f` (zeroed, owned by the caller) from `o`; returns 0 or -1 (printed). */
static int fixture_build(struct fixture *f, const struct th_opts *o)
{
    const struct ffa_host_ops *host_ops;
    struct ffa_backend be;
    int ret;

    f->sps = o->sps;
    f->sp_count = o->sp_count;
    f->fw_abis = o->fw_abis;
    f->mock = ffa_mock_create();
    if (f->mock == NULL) {
        print_error("setup: ffa_mock_create: out of memory\n");
        return -1;
    }
    ffa_mock_set_fail_handler(f->mock, th_mock_record, f);
    if (script_probe(f->mock, FFA_VERSION_1_2, o->fw_abis, 0, 0) != 0)
        return th_setup_failed(NULL, "cannot script the probe");
    if ((o->full_host || o->mem_host) && (o->fw_abis & FW_RXTX_MAP_64) != 0 &&
        expect_own_buffers(f, o->fw_abis) != 0)
        return th_setup_failed(NULL, "cannot script the mediator's own buffers");
    be = ffa_mock_backend(f->mock);
    if (o->wrap != NULL)
        be = o->wrap(o->wrap_ctx, f, be);
    if (o->host_ops != NULL)
        host_ops = o->host_ops;
    else
        host_ops = o->mem_host == 1   ? &test_host_ops_mem
                   : o->mem_host == 2 ? &test_host_ops_mem_nomap
                   : o->full_host     ? &test_host_ops_full
                                      : &test_host_ops;
    ret = ffa_mediator_create(&o->cfg, host_ops, &f->host, &be, &f->m);
    if (ret != 0) {
        print_error("setup: ffa_mediator_create: %d\n", ret);
        return -1;
    }
    if (f->mock_failures != 0 || ffa_mock_pending(f->mock) != 0) {
        print_error("setup: the probe did not go as scripted: %s\n", f->mock_message);
        return -1;
    }
    f->mock_failures_reported = f->mock_failures;
    if (expect_vm_bitmap(f, TEST_VM_ID) != 0)
        return -1;
    if (o->before_vm != NULL && o->before_vm(f) != 0)
        return -1;
    ret = ffa_vm_add(f->m, TEST_VM_ID, 2, o->vm_flags, &f->vm);
    if (ret != 0) {
        print_error("setup: ffa_vm_add: %d\n", ret);
        return -1;
    }
    if (o->vm_version != 0) {
        struct ffa_regs r = th_regs(FFA_VERSION, o->vm_version, 0, 0, 0, 0, 0, 0);

        if (th_try_call(f, f->vm, &r) != 0)
            return -1;
        if (r.x[0] != FFA_MEDIATOR_VERSION) {
            print_error("setup: FFA_VERSION answered 0x%llx\n", (unsigned long long)r.x[0]);
            return -1;
        }
    }
    return 0;
}

int th_setup(void **state, const struct th_opts *o)
{
    struct fixture *f = calloc(1, sizeof(*f));

    *state = NULL;
    if (f == NULL) {
        print_error("setup: out of memory\n");
        return -1;
    }
    if (fixture_build(f, o) != 0) {
        th_fixture_release(f);
        return -1;
    }
    *state = f;
    return 0;
}

int th_setup_bench(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    *state = NULL;
    if (f == NULL || (f->mock = ffa_mock_create()) == NULL) {
        free(f);
        print_error("setup: out of memory\n");
        return -1;
    }
    ffa_mock_set_fail_handler(f->mock, th_mock_record, f);
    *state = f;
    return 0;
}

int th_setup_new(void **state, uint32_t fw_abis, uint32_t vm_flags, uint32_t vm_version)
{
    struct th_opts o = {.fw_abis = fw_abis, .vm_flags = vm_flags, .vm_version = vm_version};

    return th_setup(state, &o);
}

int th_setup_two(void **state, const struct th_opts *a, const struct th_opts *b)
{
    struct th_two *two = calloc(1, sizeof(*two));
    void *fa = NULL, *fb = NULL;

    *state = NULL;
    if (two == NULL) {
        print_error("setup: out of memory\n");
        return -1;
    }
    if (th_setup(&fa, a) != 0 || th_setup(&fb, b) != 0) {
        th_fixture_release(fa);
        free(two);
        return -1;
    }
    two->a = fa;
    two->b = fb;
    *state = two;
    return 0;
}

int th_teardown_two(void **state)
{
    struct th_two *two = *state;
    int bad = 0;

    if (two != NULL) {
        bad |= th_fixture_release(two->a) != 0;
        bad |= th_fixture_release(two->b) != 0;
        free(two);
    }
    *state = NULL;
    return bad ? -1 : 0;
}

int th_setup_failed(void **state, const char *why)
{
    print_error("setup: %s\n", why);
    if (state != NULL) {
        th_fixture_release(*state);
        *state = NULL;
    }
    return -1;
}

int th_fixture_release(struct fixture *f)
{
    int bad = 0;

    if (f == NULL)
        return 0;
    if (f->mock != NULL) {
        /* Whatever the test left, nothing below may longjmp before everything is freed. */
        ffa_mock_set_fail_handler(f->mock, th_mock_record, f);
        if (f->m != NULL)
            bad |= expect_bitmap_destroys(f) != 0;
        if (f->m != NULL && f->own_buffers) {
            struct ffa_mock_step unmap = {
                .call = {{FFA_RXTX_UNMAP}},
                .match = FFA_MOCK_X_ALL,
                .reply = {{FFA_SUCCESS_32}},
            };

            bad |= ffa_mock_expect(f->mock, &unmap) != 0;
        }
    }
    ffa_mediator_destroy(f->m);
    f->m = NULL;
    if (f->mock != NULL) {
        unsigned before = f->mock_failures;

        /*
         * A mock failure th_check_mock() reported already failed the test; one it did not see
         * (a call made outside th_call(), or during the destroy above) and steps never consumed
         * fail the teardown.
         */
        if (f->mock_failures_reported != before) {
            print_error("teardown: %s\n", f->mock_message);
            bad = 1;
        }
        f->mock_failures_reported = before;
        if (ffa_mock_verify(f->mock) != 0 && f->mock_failures != before) {
            print_error("teardown: %s\n", f->mock_message);
            bad = 1;
        }
        ffa_mock_destroy(f->mock);
        f->mock = NULL;
    }
    bad |= th_host_release(&f->host) != 0;
    free(f);
    return bad ? -1 : 0;
}

int th_teardown(void **state)
{
    int ret = th_fixture_release(*state);

    *state = NULL;
    return ret;
}

struct fixture *th_fixture_open(const struct th_opts *o)
{
    void *state;

    if (th_setup(&state, o) != 0)
        fail_msg("cannot build the fixture (see above)");
    return state;
}

struct fixture *th_fixture_new(uint32_t fw_abis, uint32_t vm_flags, uint32_t vm_version)
{
    struct th_opts o = {.fw_abis = fw_abis, .vm_flags = vm_flags, .vm_version = vm_version};

    return th_fixture_open(&o);
}

void th_fixture_free(struct fixture *f)
{
    if (th_fixture_release(f) != 0)
        fail_msg("the fixture was not left clean (see above)");
}

int th_try_add_vm(struct fixture *f, uint16_t id, uint32_t flags, uint32_t version,
                  struct ffa_vm **vm)
{
    struct ffa_regs r = th_regs(FFA_VERSION, version, 0, 0, 0, 0, 0, 0);
    int ret = expect_vm_bitmap(f, id);

    if (ret == 0)
        ret = ffa_vm_add(f->m, id, 2, flags, vm);
    if (ret != 0) {
        print_error("setup: ffa_vm_add(0x%x): %d\n", id, ret);
        return -1;
    }
    if (th_try_call(f, *vm, &r) != 0)
        return -1;
    r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    if (th_try_call(f, *vm, &r) != 0)
        return -1;
    if (r.x[0] != FFA_SUCCESS_32 || r.x[2] != id) {
        print_error("setup: FFA_ID_GET of VM 0x%x answered 0x%llx, 0x%llx\n", id,
                    (unsigned long long)r.x[0], (unsigned long long)r.x[2]);
        return -1;
    }
    return 0;
}

int th_try_map_buffers(struct fixture *f, struct ffa_vm *vm, uint32_t pages)
{
    struct ffa_regs r = th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, pages, 0, 0, 0, 0);

    if (th_try_call(f, vm, &r) != 0)
        return -1;
    if (r.x[0] != FFA_SUCCESS_32) {
        print_error("setup: FFA_RXTX_MAP_64 of VM 0x%x answered 0x%llx, error %d\n", ffa_vm_id(vm),
                    (unsigned long long)r.x[0], (int32_t)r.x[2]);
        return -1;
    }
    return 0;
}

struct ffa_vm *th_add_vm(struct fixture *f, uint16_t id, uint32_t flags, uint32_t version)
{
    struct ffa_vm *vm;
    struct ffa_regs r = th_regs(FFA_VERSION, version, 0, 0, 0, 0, 0, 0);

    assert_int_equal(expect_vm_bitmap(f, id), 0);
    assert_int_equal(ffa_vm_add(f->m, id, 2, flags, &vm), 0);
    th_call_vm(f, vm, &r);
    r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    th_call_vm(f, vm, &r);
    assert_int_equal(r.x[2], id);
    return vm;
}

void th_call_vm(struct fixture *f, struct ffa_vm *vm, struct ffa_regs *regs)
{
    int ret = ffa_mediator_handle(f->m, vm, 0, 0, regs);

    th_check_mock(f);
    assert_int_equal(ret, FFA_CALL_HANDLED);
}

void th_call(struct fixture *f, struct ffa_regs *regs)
{
    th_call_vm(f, f->vm, regs);
}

void th_assert_error(const struct ffa_regs *r, int32_t code)
{
    assert_int_equal(r->x[0], FFA_ERROR);
    assert_int_equal(r->x[1], 0);
    assert_int_equal(r->x[2], (uint32_t)code);
    for (int i = 3; i < 8; i++)
        assert_int_equal(r->x[i], 0);
}

struct ffa_regs th_regs(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
                        uint64_t x5, uint64_t x6, uint64_t x7)
{
    struct ffa_regs r = {{x0, x1, x2, x3, x4, x5, x6, x7}};

    return r;
}

void th_fill_high(struct ffa_regs *r, uint64_t seed)
{
    for (int i = 8; i < FFA_NUM_REGS; i++)
        r->x[i] = seed + (uint64_t)i;
}

void th_expect(struct ffa_mock *mock, uint32_t match, struct ffa_regs call, struct ffa_regs reply)
{
    struct ffa_mock_step s = {.call = call, .match = match, .reply = reply};

    assert_int_equal(ffa_mock_expect(mock, &s), 0);
}

void th_expect_on_cpu(struct ffa_mock *mock, uint32_t match, struct ffa_regs call, uint32_t cpu,
                      struct ffa_regs reply)
{
    struct ffa_mock_step s = {
        .call = call, .match = match | FFA_MOCK_CPU, .cpu = cpu, .reply = reply};

    assert_int_equal(ffa_mock_expect(mock, &s), 0);
}

void th_expect_resume_at_removal(struct ffa_mock *mock, uint32_t target)
{
    th_expect(mock, FFA_MOCK_X(1), th_regs(FFA_RUN, target, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
}

void th_map_buffers(struct fixture *f, struct ffa_vm *vm, uint32_t pages)
{
    struct ffa_regs r = th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, pages, 0, 0, 0, 0);

    th_call_vm(f, vm, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

struct ffa_regs th_do(struct fixture *f, struct ffa_vm *vm, struct ffa_regs r)
{
    th_call_vm(f, vm, &r);
    return r;
}
