/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test harness: host callbacks that count allocations and check for leaks, real locks, a log
 * capture, and helpers that script the secure world's side of the mediator's probe.
 *
 * Fixtures belong in cmocka setup/teardown (cmocka_unit_test_setup_teardown): cmocka runs the
 * teardown after a failed assertion too, so everything is freed and AddressSanitizer's leak report
 * stays meaningful. th_setup()/th_teardown() build and free a mediator fixture; neither stops
 * half-way: a setup that fails frees what it built, and a teardown frees everything before it
 * reports what it found wrong (leftover mock steps, leaked allocations, locks or mappings), which
 * cmocka then counts as a failure.
 *
 * Nothing in the library's call path longjmps: the fixtures' mock records its failures instead
 * (a longjmp out of the mediator would leave its locks held, and the teardown would deadlock), and
 * th_call()/th_do() fail the test once the call has returned.
 */
#ifndef FFA_TEST_HARNESS_H
#define FFA_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ffa/backend_mock.h"
#include "ffa/mediator.h"

/*
 * Fake guest RAM: every VM has TEST_RAM_PAGES pages at IPA TEST_RAM_IPA; the last TEST_RO_PAGES
 * of them are read-only (guest_map with write access is refused). The "physical" address of a
 * page is TEST_PA(vm, ipa), or scattered (each page its own range) with `scatter_pa`.
 */
#define TEST_RAM_IPA     UINT64_C(0x80000000)
#define TEST_RAM_PAGES   8192u
#define TEST_RO_PAGES    16u
#define TEST_RO_IPA      (TEST_RAM_IPA + (uint64_t)(TEST_RAM_PAGES - TEST_RO_PAGES) * 4096u)
#define TEST_PA(vm, ipa) (((uint64_t)(vm) << 40) | (ipa))
#define TEST_MAX_GUESTS  8
#define TEST_MAX_EVENTS  64

struct test_guest {
    uint16_t vm_id;
    uint8_t *ram;
    uint8_t *page_state; /* memory sharing: TH_PAGE_* per page */
};

/* One call the trace hook saw (test_host_ops_trace). */
#define TEST_MAX_TRACES 16
struct test_trace {
    uint16_t vm_id;
    uint16_t vcpu;
    struct ffa_regs call, reply;
};
/* Memory sharing (test_host_ops_mem): what the simulated host knows of each guest page. */
#define TH_PAGE_OWNED   0 /* the VM's own, not acquired */
#define TH_PAGE_SHARED  1 /* acquired for FFA_MEM_SHARE: the VM keeps access */
#define TH_PAGE_LENT    2 /* acquired for FFA_MEM_LEND: taken from the VM */
#define TH_PAGE_DONATED 3 /* acquired for FFA_MEM_DONATE: taken from the VM */
#define TH_PAGE_GIVEN   4 /* donated and mapped into the borrower: not the VM's any more */

/* One mapping mem_map made into a borrower (undone by mem_unmap). */
struct th_mem_map {
    uint16_t borrower, lender;
    unsigned xfer, access;
    uint64_t ipa, pa;
    uint32_t pages;
};
#define TH_MAX_MAPS 512
/* Borrowers see what they retrieve from this IPA up. */
#define TEST_BORROW_IPA UINT64_C(0x1000000000)

/* Host side of one test: counts live allocations, locks, mappings, and what was signalled. */
struct test_host {
    long live_allocs;
    long total_allocs;
    long live_locks;
    char last_log[512];
    unsigned logs;
    /* guest memory (test_host_ops_full) */
    struct test_guest guests[TEST_MAX_GUESTS];
    long live_maps;
    long live_pages;
    int guest_map_fails; /* next guest_map answers this code once (0: none) */
    int scatter_pa;
    /* host events: how many, the last one, and the first TEST_MAX_EVENTS in order */
    unsigned notifies;
    uint16_t notified_vm;
    enum ffa_host_event notified_event;
    struct test_event {
        uint16_t vm, vcpu;
        enum ffa_host_event event;
    } events[TEST_MAX_EVENTS];
    /*
     * Memory sharing (test_host_ops_mem). Physical addresses of guest pages: contiguous with
     * the IPAs by default; `mem_run` > 0 leaves a one-page hole after every mem_run pages, so
     * mem_acquire() gives runs of at most that many (1: every page its own run).
     */
    uint32_t mem_run;
    long mem_pages_held; /* pages acquired now (SHARED, LENT, DONATED) */
    long mem_acquires;   /* successful mem_acquire() calls */
    long mem_releases;   /* mem_release() calls */
    long mem_fail_in;    /* fail the mem_acquire() that many calls from now (1: the next) */
    int mem_fail_code;
    long map_fail_in; /* the same for mem_map() */
    int map_fail_code;
    unsigned last_release_flags;
    long mem_violations; /* callbacks called against their contract (checked at cleanup) */
    long zeroed_pages;   /* pages zeroed on the mediator's request */
    uint64_t next_borrow_ipa;
    int borrow_gap; /* leave a page between two mappings (the borrower sees runs split) */
    struct th_mem_map maps[TH_MAX_MAPS];
    long live_mem_maps;
    long live_mapped_pages;
    long given_pages; /* donated and mapped: the borrower's now */
    /* the processor current_cpu answers (test_host_ops_cpu), and how often it was asked */
    uint32_t current_cpu;
    unsigned current_cpu_calls;
    /* hypervisor pages from page_alloc ("physical" address = host address), for th_ns_memory */
    struct {
        uint8_t *va;
        uint32_t pages;
    } hyp_pages[8];
    /* what the trace hook saw (test_host_ops_trace): the first TEST_MAX_TRACES, and a count */
    struct test_trace trace[TEST_MAX_TRACES];
    unsigned traces;
};

/* Callbacks without guest memory, and with everything (guest_map, page_alloc, notify). */
extern const struct ffa_host_ops test_host_ops;
extern const struct ffa_host_ops test_host_ops_full;
/* Everything, and memory sharing: mem_acquire/release (and mem_map/unmap, or not). */
extern const struct ffa_host_ops test_host_ops_mem;
extern const struct ffa_host_ops test_host_ops_mem_nomap;

/* The physical address the memory-sharing host gives page `ipa` of VM `vm`. */
uint64_t th_mem_pa(const struct test_host *h, uint16_t vm, uint64_t ipa);
/* The state (TH_PAGE_*) of page `ipa` of VM `vm`. */
int th_page_state(struct test_host *h, uint16_t vm, uint64_t ipa);
/* The mapping of borrower `vm` that covers `ipa`, or NULL. */
const struct th_mem_map *th_mem_map_at(const struct test_host *h, uint16_t vm, uint64_t ipa);
/* test_host_ops_full plus current_cpu, which answers test_host.current_cpu. */
extern const struct ffa_host_ops test_host_ops_cpu;
/* test_host_ops plus the trace hook, which keeps what it sees in test_host.trace. */
extern const struct ffa_host_ops test_host_ops_trace;

/* The host view of guest memory at `ipa` of VM `vm` (allocating its RAM on first use). */
uint8_t *th_guest_ptr(struct test_host *h, uint16_t vm, uint64_t ipa);
/*
 * Normal-world memory as a secure world reaches it (ffa_mock_memory_fn, ffa_unicorn_ns_memory_fn;
 * ctx: the struct test_host): hypervisor pages from page_alloc, and guest RAM by TEST_PA(vm, ipa)
 * (not with scatter_pa); NULL for anything else. Never asserts.
 */
void *th_ns_memory(void *ctx, uint64_t pa, size_t len, int writable);
/* Release fake guest RAM; asserts that no mapping or page is left. */
void th_host_cleanup(struct test_host *h);
/*
 * Release fake guest RAM and check that no guest mapping, allocation or lock is left, without
 * stopping at the first problem. Returns 0, or -1 after printing every problem found.
 */
int th_host_release(struct test_host *h);

/* Secure-world ABIs a probe script reports (bits for th_expect_probe). */
#define FW_DIRECT_REQ_32 (1u << 0)
#define FW_DIRECT_REQ_64 (1u << 1)
#define FW_DIRECT_REQ2   (1u << 2)
#define FW_RUN           (1u << 3)
#define FW_SPM_ID_GET    (1u << 4)
#define FW_RXTX_MAP_64   (1u << 5)
#define FW_RXTX_UNMAP    (1u << 6)
#define FW_RX_ACQUIRE    (1u << 7)
#define FW_RX_RELEASE    (1u << 8)
#define FW_PARTINFO      (1u << 9)
#define FW_MSG_SEND2     (1u << 10)
#define FW_MEM_SHARE_32  (1u << 11)
#define FW_MEM_SHARE_64  (1u << 12)
#define FW_MEM_LEND_32   (1u << 13)
#define FW_MEM_LEND_64   (1u << 14)
#define FW_MEM_DONATE_32 (1u << 15)
#define FW_MEM_DONATE_64 (1u << 16)
#define FW_MEM_RECLAIM   (1u << 17)
#define FW_MEM_FRAG_RX   (1u << 18)
#define FW_MEM_FRAG_TX   (1u << 19)
/* Notifications: the seven ABIs (bitmap create/destroy, bind, unbind, set, get, info get 64). */
#define FW_NOTIF (1u << 20)
/* FFA_FEATURES(2): the schedule receiver interrupt TEST_FW_SRI_INTID; else NOT_SUPPORTED. */
#define FW_SRI (1u << 21)
/* FFA_FEATURES(4) answers SUCCESS, w2 = 0: per-vCPU notifications; else NOT_SUPPORTED. */
#define FW_NOTIF_PER_VCPU (1u << 22)
#define FW_ALL_MSG        0x1fu
#define FW_ALL_BUFFERS    0x7e0u
#define FW_ALL_MEM        0xff800u
#define TEST_FW_SRI_INTID 8u /* Hafnium's HF_SCHEDULE_RECEIVER_INTID */

/* A secure partition the scripted SPMC lists (one entry per UUID). */
struct th_sp {
    uint16_t id;
    uint16_t exec_ctx;
    uint32_t props;
    uint8_t uuid[16];
};

struct fixture;

/* How to build a fixture. */
struct th_opts {
    const struct ffa_host_ops *host_ops; /* NULL: test_host_ops, _full or _mem* as below */
    uint32_t fw_abis;                    /* FW_* the secure world reports */
    uint32_t vm_flags;                   /* for the first VM (TEST_VM_ID, 2 vCPUs) */
    uint32_t vm_version;                 /* FFA_VERSION asked by it; 0: none */
    int full_host;                       /* test_host_ops_full: guest memory, page_alloc, notify */
    int mem_host; /* 1: test_host_ops_mem (implies full_host); 2: without mem_map */
    struct ffa_mediator_config cfg;
    const struct th_sp *sps; /* what PARTITION_INFO_GET lists (with FW_PARTINFO) */
    size_t sp_count;
    /*
     * Optional: called right before TEST_VM_ID is added (after its bitmap creation is scripted),
     * to script what else adding it makes the mediator ask (VM-created messages). Returns 0, or
     * -1 after printing why (the setup then fails).
     */
    int (*before_vm)(struct fixture *f);
    /*
     * Optional: the backend the mediator gets, built around the mock's (a test's model of part of
     * the secure world, which passes everything else to `inner`).
     */
    struct ffa_backend (*wrap)(void *ctx, struct fixture *f, struct ffa_backend inner);
    void *wrap_ctx;
};

/* A mediator on a mock, with one VM. */
struct fixture {
    struct test_host host;
    struct ffa_mock *mock;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    int own_buffers; /* the mediator registered its own RX/TX pair */
    uint64_t own_tx_pa, own_rx_pa;
    const struct th_sp *sps;
    size_t sp_count;
    /*
     * With FW_NOTIF the secure world has notification bitmaps: th_setup() and th_try_add_vm()
     * script FFA_NOTIFICATION_BITMAP_CREATE(id, 2) before adding a VM and record the ID, and the
     * teardown scripts FFA_NOTIFICATION_BITMAP_DESTROY for each recorded VM still present, in
     * ascending ID order (the order ffa_mediator_destroy() removes them in). A test whose VMs
     * also have forwarded buffers removes them itself.
     */
    uint32_t fw_abis;
    uint16_t bitmaps[TEST_MAX_GUESTS];
    unsigned nbitmaps;
    /* Mock failures (th_mock_record), and how many of them already failed the test. */
    unsigned mock_failures, mock_failures_reported;
    char mock_message[8192]; /* the last one */
};

#define TEST_VM_ID  0x0001u
#define TEST_SP_ID  0x8001u
#define TEST_SP2_ID 0x8002u

/* Route mock failures to cmocka (fail_msg: longjmps, so only for mocks called from test code). */
void th_mock_fail(void *ctx, const char *message);
/*
 * The fixtures' mock failure handler (ctx: the fixture): records the failure and returns, so the
 * mock answers FFA_ERROR(ABORTED) and the mediator unwinds normally. th_check_mock() (called by
 * th_call() and th_do()) and the teardown report it.
 */
void th_mock_record(void *ctx, const char *message);
/* Fail the test with the mock's message if it recorded a failure not reported yet. */
void th_check_mock(struct fixture *f);

/* Script the probe ffa_mediator_create() performs: FFA_VERSION, then FFA_FEATURES per ABI. */
void th_expect_probe(struct ffa_mock *mock, uint32_t fw_version, uint32_t fw_abis);
/* The same, every call expected on processor `cpu`. */
void th_expect_probe_on_cpu(struct ffa_mock *mock, uint32_t fw_version, uint32_t fw_abis,
                            uint32_t cpu);

/*
 * Create a fixture: mock + mediator (probe scripted with fw_abis, firmware at v1.2) + VM
 * TEST_VM_ID with 2 vCPUs and `flags`. Negotiates `vm_version` with FFA_VERSION if non-zero
 * (the version is then still open: the next call locks it). Asserting versions of th_setup_new()
 * and th_setup(), for callers outside cmocka setups; a test builds its fixture in a setup.
 */
struct fixture *th_fixture_new(uint32_t fw_abis, uint32_t vm_flags, uint32_t vm_version);
/* Build a fixture from options (scripts the own-buffer mapping and SP list when relevant). */
struct fixture *th_fixture_open(const struct th_opts *o);
/* Add a VM to the fixture's mediator, negotiate `version` and lock it with FFA_ID_GET. */
struct ffa_vm *th_add_vm(struct fixture *f, uint16_t id, uint32_t flags, uint32_t version);
/* Call for any VM, vCPU 0; assert handled, and th_check_mock(). */
void th_call_vm(struct fixture *f, struct ffa_vm *vm, struct ffa_regs *regs);

/* Standard buffer addresses in fake guest RAM, and a helper that maps them (asserting success). */
#define TEST_TX_IPA TEST_RAM_IPA
#define TEST_RX_IPA (TEST_RAM_IPA + 0x10000)
void th_map_buffers(struct fixture *f, struct ffa_vm *vm, uint32_t pages);
/* Call and return the reply (vCPU 0). */
struct ffa_regs th_do(struct fixture *f, struct ffa_vm *vm, struct ffa_regs r);

/* Verify the mock, destroy everything and check that no allocation or lock leaked. */
void th_fixture_free(struct fixture *f);

/* ---- cmocka setup/teardown ---- */

/*
 * Build a fixture from `o` into *state. Returns 0, or -1 after printing why and freeing what was
 * built (cmocka then reports the setup as failed and skips the test and its teardown).
 */
int th_setup(void **state, const struct th_opts *o);
/*
 * A fixture with only its host and a mock (failures recorded, as th_setup's): no mediator, no VM.
 * For tests whose behaviour is creating the mediator: they create it into f->m (on &f->host,
 * with ffa_mock_backend(f->mock) or no backend), and th_teardown() destroys it.
 */
int th_setup_bench(void **state);
/* The same from th_fixture_new()'s arguments. */
int th_setup_new(void **state, uint32_t fw_abis, uint32_t vm_flags, uint32_t vm_version);
/*
 * Destroy the fixture in *state (NULL is accepted) and check what th_fixture_free() checks: every
 * mock step consumed and no mock failure left unreported, no allocation, lock, guest mapping or
 * page left. Frees everything first, then returns -1 (reasons printed) or 0.
 */
int th_teardown(void **state);
/* Destroy and check one fixture as th_teardown() does (NULL is accepted). */
int th_fixture_release(struct fixture *f);
/* Two independent fixtures (two mediators, two mocks, two hosts). */
struct th_two {
    struct fixture *a, *b;
};
/* Build a th_two into *state from two option sets; returns 0 or -1 (nothing left built). */
int th_setup_two(void **state, const struct th_opts *a, const struct th_opts *b);
/* Release both fixtures of a th_two, as th_teardown() does for one. */
int th_teardown_two(void **state);
/* For a setup whose later step failed: print `why`, release *state and return -1. */
int th_setup_failed(void **state, const char *why);

/*
 * Setup steps that do not assert (an assertion in a setup would leak what it built): each returns
 * 0, or -1 after printing the reason.
 */
/* th_add_vm() and th_map_buffers() without assertions. */
int th_try_add_vm(struct fixture *f, uint16_t id, uint32_t flags, uint32_t version,
                  struct ffa_vm **vm);
int th_try_map_buffers(struct fixture *f, struct ffa_vm *vm, uint32_t pages);
/* One call from `vm`, vCPU 0: handled, and no mock failure during it. */
int th_try_call(struct fixture *f, struct ffa_vm *vm, struct ffa_regs *regs);

/*
 * Call the mediator for f->vm, vCPU 0; assert the call was handled and that the mock saw nothing
 * wrong during it (th_check_mock).
 */
void th_call(struct fixture *f, struct ffa_regs *regs);

/* Assert an FFA_ERROR reply with exactly this code and zeroed x1, x3..x7. */
void th_assert_error(const struct ffa_regs *r, int32_t code);

/* Registers of a call, x0..x7 given (helper for readability). */
struct ffa_regs th_regs(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
                        uint64_t x5, uint64_t x6, uint64_t x7);

/* Expect one secure-world call (registers selected by `match`) and answer `reply`. */
void th_expect(struct ffa_mock *mock, uint32_t match, struct ffa_regs call, struct ffa_regs reply);
/* The same, issued on processor `cpu`. */
void th_expect_on_cpu(struct ffa_mock *mock, uint32_t match, struct ffa_regs call, uint32_t cpu,
                      struct ffa_regs reply);

/* Script FFA_NOTIFICATION_BITMAP_CREATE(id, vcpus) answered SUCCESS (or `error` if non-zero). */
int th_try_expect_bitmap_create(struct fixture *f, uint16_t id, uint16_t vcpus, int32_t error);

/*
 * A context left parked for a VM (its request answered FFA_INTERRUPT or FFA_YIELD) is resumed
 * when the VM is removed: expect that FFA_RUN(target), answered FFA_MSG_WAIT (the request done).
 */
void th_expect_resume_at_removal(struct ffa_mock *mock, uint32_t target);

/* Fill x8..x17 with a recognisable pattern. */
void th_fill_high(struct ffa_regs *r, uint64_t seed);

#endif /* FFA_TEST_HARNESS_H */
