/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private interfaces of the emulated SPMC (backends/unicorn). Nothing here is installed.
 *
 * The SPMC is shaped as Hafnium shapes its own (src/api.c, src/ffa/spmc/cpu_cycles.c,
 * src/ffa/spmc/direct_messaging.c, src/vcpu.c): a thin ABI decoder per caller world that reads the
 * registers and calls the handlers below it; one file, runtime.c, that owns every transition of
 * the partition runtime model through one helper; the run loop in its own file; the emulator
 * (Unicorn) below all of them; logging at the bottom.
 *
 * Layers, top to bottom. A file calls only functions of files in rows below its own (and its own
 * static functions): no call goes up a row, so there is no call cycle. Every file includes only
 * this header (and public or system headers), so there is no include cycle either. Within a layer
 * the row order is the direction calls may take (partinfo.c may call nwd_rxtx.c, not the other way
 * round). check_layers.sh (the ctest test unicorn_layers) reads the rows between the two "----"
 * lines and fails on a call to a function of a row above the caller's, on a file missing from the
 * table, and on a write of an execution context's runtime state outside runtime.c's transition
 * helper.
 *
 * ---- layers: rank file prefix job
 * 1 backend.c    ffa_unicorn_ public API: create, destroy, the backend's call op, introspection
 * 2 load.c       ffau_load_   partitions from files or memory: manifest, image, memory, engine
 * 2 boot.c       ffau_boot_   cold boot of every partition, in boot order
 * 3 run.c        ffau_run_    the run loop: a normal-world call or a boot, until the CPU goes
 *                             back to the normal world; the only caller of the decoders and of
 *                             the engine's entry
 * 4 nwd_abi.c    ffau_nwdabi_ decoder: what the normal world (the hypervisor) may call
 * 4 sp_abi.c     ffau_spabi_  decoder: what a secure partition may call
 * 5 interrupts.c ffau_irq_    non-secure interrupts: budget, watchdog, queued / managed exit /
 *                             signaled
 * 5 direct_msg.c ffau_dmsg_   direct requests and responses: the messaging checks and payloads
 * 5 discovery.c  ffau_disc_   FFA_VERSION, FFA_FEATURES, FFA_CONSOLE_LOG, SECONDARY_EP_REGISTER
 * 5 partinfo.c   ffau_pinfo_  FFA_PARTITION_INFO_GET for both worlds, _GET_REGS for SPs
 * 5 msg_send2.c  ffau_send2_  FFA_MSG_SEND2: VM -> SP, SP -> SP, SP -> VM
 * 5 nwd_rxtx.c   ffau_nwdbuf_ RX/TX pairs of the hypervisor and its VMs, RX_ACQUIRE/RELEASE
 * 5 sp_rxtx.c    ffau_spbuf_  RX/TX pairs of the SPs, RX_RELEASE, FFA_MSG_WAIT's release
 * 5 ns_mem.c     ffau_ns_     normal-world memory through the host's ns_memory callback
 * 6 runtime.c    ffau_rt_     execution contexts: every runtime-model transition, call chains,
 *                             abort, preemption
 * 7 engine.c     ffau_eng_    Unicorn: one engine, enter -> trap -> exit, registers, vIRQ
 * 7 memory.c     ffau_mem_    partition memory: host pages, mapping into an engine, RX protection
 * 7 devices.c    ffau_dev_    device regions: the PL011 and RAM-like models, the host's callback
 * 7 manifest.c   ffau_mf_     FF-A partition manifest (DTB) parser
 * 7 elf_load.c   ffau_elf_    ELF image parser
 * 8 log.c        ffau_log_    log lines to the host's callback; calls nobody
 * ----
 *
 * ---- Processing elements, execution contexts, engines ----
 *
 * The SPMC models `pe_count` physical PEs (struct cpu, one per PE; config pe_count, default 1).
 * A normal-world call arrives on a PE (the backend call's processor index) and runs on the calling
 * host thread until the secure world gives that PE back: calls on different PEs run in parallel.
 * A UP partition (execution-ctx-count 1) has one context that runs on whichever PE calls it (it
 * migrates); an MP partition has one context per PE (execution-ctx-count = pe_count), pinned:
 * a call on PE n reaches context n (Hafnium src/api.c api_ffa_get_vm_vcpu()). Every context has
 * its own Unicorn engine (ec.eng), the partition's memory mapped into each without copies.
 *
 * A context is OWNED by a PE while it is RUNNING or BLOCKED in that PE's call chain (rt_cpu
 * names the PE); otherwise it is idle (WAITING, YIELDED, PREEMPTED, OFF) or ABORTED. Only the
 * owning PE runs a context's engine, touches its registers, or changes its state; another PE may
 * only read its state (to answer BUSY or DENIED) or take it while it is idle (a direct request,
 * FFA_RUN, an abort), under its lock. A call chain never spans PEs: a context that is part of a
 * chain (a donor or a callee) can be resumed only on the chain's PE (DENIED elsewhere, Hafnium
 * src/ffa/spmc/cpu_cycles.c ffa_cpu_cycles_run_checks()).
 *
 * ---- Locking: what each lock guards, and the order ----
 *
 * Taken in this order (a thread holding one may take only those below it), never two of one kind
 * except where said:
 *   1. cpu.call_lock    (spinlock, per PE)  the PE: its struct cpu (budget, NS interrupt state,
 *                       statistics writes, partition-info buffer) and the world switches on it.
 *                       Held by run.c for a whole normal-world call on that PE, and by boot.c while
 *                       booting on it. The only lock held around uc_emu_start(): it is per PE,
 *                       so PEs never wait for each other's world switches. A spinlock whose
 *                       waiters back off to sched_yield() and then short sleeps (a call may hold
 *                       it for long): uncontended it costs one atomic exchange and one store.
 *   2. spmc.nwd_lock    (mutex)  the normal-world endpoint table (spmc.nwd) and every
 *                       normal-world endpoint's buffers and mailbox state. The host's ns_memory
 *                       and rx_full callbacks run with it held (serialised with each other).
 *   3. sp.mbox_lock     (mutex, per partition)  the partition's RX/TX pair and mailbox state
 *                       (sp.mbox). Two at once only in ascending sp.index (FFA_MSG_SEND2).
 *   4. sp.mem.lock      (mutex, per partition)  the partition's changeable memory layout (the RX
 *                       buffer's protection) and its generation sp.mem.gen (memory.c). An engine
 *                       applies a new layout itself, before its next entry, on the thread that
 *                       runs it (ffau_mem_sync()): never call uc_*() on another context's engine,
 *                       it may be running on another PE.
 *   4b. sp_device.lock (mutex, per device region)  the device model's registers and state
 *                       (devices.c): an MMIO access from any of the partition's engines, on any
 *                       PE, holds it (with only that PE's call_lock besides), and the host's device
 *                       callback runs with it held.
 *   5. ec.lock          (spinlock, per context)  the context's runtime state: rt_state, rt_model,
 *                       rt_donor, rt_callee, rt_cpu and the request it handles (req_*). Written
 * only by runtime.c's ec_transition() with it held (check_layers.sh checks), held for a few dozen
 * instructions, never around a callback or another lock but the log's. The owning PE reads its own
 * contexts without it.
 *   6. spmc.log_lock    (mutex)  the host's log callback: log lines are serialised.
 * Lock-free: cpu.ns_irq_line and cpu.in_call (atomics: ffa_unicorn_raise_ns_interrupt*() takes no
 * lock), sp.aborted (set once, atomically; the owning PE of a context of an aborted partition
 * aborts it at its next exit or entry), spmc.nwd_version (atomic), the statistics (written by
 * their PE, read with relaxed atomics). Read-only once ffa_unicorn_create() returns (boot is
 * single-threaded): the configuration, the partition table, manifests, images, sp.version,
 * sp.version_locked, sp.secondary_ep, sp.booted.
 *
 * Rules for new code: state shared across PEs gets its own lock, placed in this order (a share
 * table, say, between 2 and 3); nothing is held across a world switch but the PE's call_lock; a
 * change to a partition's memory map goes through its layout and ffau_mem_sync(), which every
 * engine of the partition applies before it next runs.
 */
#ifndef FFA_UNICORN_SPMC_INTERNAL_H
#define FFA_UNICORN_SPMC_INTERNAL_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

#include "ffa/abi.h"
#include "ffa/backend_unicorn.h"
#include "ffa/regs.h"

#define SPMC_VERSION  FFA_VERSION_1_2 /* what FFA_VERSION answers, to both worlds */
#define SPMC_PAGE     4096u
#define SPMC_MAX_SPS  64u
#define SPMC_MAX_UUID 8u
#define SPMC_MAX_ECS  64u                         /* execution-ctx-count limit */
#define SPMC_MAX_MEMR 16u                         /* memory-regions per SP */
#define SPMC_MAX_DEVR 16u                         /* device-regions per SP */
#define SPMC_MAX_IRQS FFA_UNICORN_MAX_DEVICE_IRQS /* interrupts per device region */
/* Where a position-independent or flat image goes when its manifest has no load-address. */
#define SPMC_DEFAULT_LOAD_ADDRESS UINT64_C(0x10000000)
#define SPMC_MAX_PES              FFA_UNICORN_MAX_PES /* physical PEs (config pe_count) */
/* Largest RX (and TX) buffer, in 4 KiB pages: FFA_FEATURES(FFA_RXTX_MAP_64) w2[31:16]. */
#define SPMC_RXTX_MAX_PAGES 64u
/* Normal-world endpoints with an RX/TX pair at once: the hypervisor and the VMs it forwards. */
#define SPMC_MAX_NWD_EPS 1024u
#define MASK32           UINT64_C(0xffffffff)

/*
 * A private window the SPMC maps into every SP's address space (it is refused in manifests):
 * page 0 holds the `eret` that drops an S-EL0 SP to EL0, pages 1.. the boot-info blob followed by
 * the manifest DTB (read-only for the SP).
 */
#define SPMC_WINDOW_BASE   UINT64_C(0xfff00000)
#define SPMC_WINDOW_SIZE   UINT64_C(0x00100000)
#define SPMC_TRAMPOLINE_VA SPMC_WINDOW_BASE
#define SPMC_BOOTINFO_VA   (SPMC_WINDOW_BASE + SPMC_PAGE)

/* ==== Manifest (manifest.c): TF-A's binding, docs/components/ffa-manifest-binding.rst ==== */

/* messaging-method bits; bits 0-2 and 9-10 are also the partition-properties bits of the same
 * meaning. */
#define MM_RECV_REQ  (1u << 0)
#define MM_SEND_REQ  (1u << 1)
#define MM_INDIRECT  (1u << 2)
#define MM_LEGACY_ME (1u << 3) /* v1.0 binding: managed exit; accepted, ignored */
#define MM_RECV_REQ2 (1u << 9)
#define MM_SEND_REQ2 (1u << 10)
#define MM_VALID_MASK                                                                              \
    (MM_RECV_REQ | MM_SEND_REQ | MM_INDIRECT | MM_LEGACY_ME | MM_RECV_REQ2 | MM_SEND_REQ2)

enum ns_action { NS_QUEUED = 0, NS_MANAGED_EXIT = 1, NS_SIGNALED = 2 };

struct sp_uuid {
    uint32_t w[4]; /* register form, as in the manifest and in w1..w4 of PARTITION_INFO_GET */
};

/* Region attributes (TF-A's binding; bit 4 is Trusted Services' BTI guarded-page flag). */
#define MR_ATTR_R  1u
#define MR_ATTR_W  2u
#define MR_ATTR_X  4u
#define MR_ATTR_NS 8u
#define MR_ATTR_GP 0x10u
/* load-flags (Trusted Services' tools/python/elf_segments_to_manifest.py): bit 0 NO_BITS. */
#define MR_LOAD_NO_BITS 1u

struct sp_mem_region {
    uint64_t base; /* load-address-relative regions: resolved at load */
    uint64_t rel_offset;
    bool relative; /* load-address-relative-offset rather than base-address */
    bool in_image; /* set at load: inside the partition's own memory (permissions only) */
    uint32_t pages;
    uint32_t attributes; /* MR_ATTR_* */
    uint32_t load_flags; /* MR_LOAD_* */
    uint32_t phandle;    /* 0: none (the rx_tx-info node refers to regions by phandle) */
    char name[32];
};

struct sp_dev_irq {
    uint32_t id, attributes;
    uint64_t mpidr;
    bool mpidr_valid;
};

struct sp_dev_region {
    uint64_t base;
    uint32_t pages;
    uint32_t attributes; /* MR_ATTR_R, _W, _NS */
    uint32_t irq_count;
    struct sp_dev_irq irqs[SPMC_MAX_IRQS];
    char name[32];        /* the node's name (the host names devices by it) */
    char description[32]; /* "description", or empty */
};

struct sp_manifest {
    char name[32]; /* debug_name / description, or the node's name */
    uint32_t ffa_version;
    struct sp_uuid uuids[SPMC_MAX_UUID];
    uint32_t uuid_count;
    uint16_t id;
    bool id_given; /* absent: the SPMC numbers it, as Hafnium numbers its vmN nodes */
    uint32_t ec_count;
    bool el0; /* exception-level 1 (S-EL0); else 2 (S-EL1) */
    uint32_t execution_state;
    uint64_t load_address;
    bool load_address_given; /* absent: the ELF's link address, or SPMC_DEFAULT_LOAD_ADDRESS */
    uint64_t entrypoint_offset;
    bool entrypoint_given; /* absent: an ELF's own entry point, a flat image's first byte */
    uint32_t xlat_granule;
    uint32_t boot_order; /* 0x10000 when absent: boots last */
    uint32_t messaging_method;
    enum ns_action ns_action;
    bool managed_exit_virq;
    uint32_t other_s_interrupts_action;
    int gp_register_num; /* -1: no boot info */
    bool notification_support;
    uint32_t power_management_messages;
    uint32_t vm_availability_messages;
    struct sp_mem_region regions[SPMC_MAX_MEMR];
    uint32_t region_count;
    struct sp_dev_region devs[SPMC_MAX_DEVR];
    uint32_t dev_count;
    /* rx_tx-info node: the RX/TX pair is these two memory regions, mapped before boot. */
    bool rxtx_declared;
    uint32_t rx_region, tx_region; /* indices into regions[] */
    /* Properties accepted but not acted on, and properties the binding does not define: logged. */
    char unused[384];
    char unknown[256];
};

/* Parse and validate. Returns 0, or -1 with a message in err naming the reason. */
int ffau_mf_parse(const void *dtb, size_t size, struct sp_manifest *out, char *err, size_t err_len);

/* ==== Images (elf_load.c): ELF (ET_EXEC, ET_DYN) and flat ==== */

#define ELF_MAX_SEGS 8u

struct elf_seg {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t prot; /* UC_PROT_* */
    bool rwx_ok;   /* no permission flags (or a flat image): RWX allowed, as Hafnium maps it */
};

struct elf_image {
    uint64_t entry;
    /* + the memory after the image and the manifest's regions inside it (memory.c) */
    struct elf_seg segs[ELF_MAX_SEGS + 1 + SPMC_MAX_MEMR];
    unsigned seg_count;
    uint64_t lo, hi;  /* page-rounded lowest and highest address of any segment */
    bool relocatable; /* ET_DYN or flat: placed at load-address, relocates itself */
    bool flat;
};

/* True when the bytes start with the ELF magic. */
bool ffau_elf_is_elf(const uint8_t *data, size_t size);
/* An AArch64 ELF64 image (ET_EXEC or ET_DYN): its PT_LOAD segments. 0 or -1 and a message. */
int ffau_elf_parse(const uint8_t *data, size_t size, struct elf_image *out, char *err,
                   size_t err_len);
/* A flat image of `size` bytes: one RWX segment at 0, placed later. 0 or -1 and a message. */
int ffau_elf_flat(size_t size, struct elf_image *out, char *err, size_t err_len);
/* Move a relocatable image so that its lowest page is at `base`. 0 or -1 and a message. */
int ffau_elf_place(struct elf_image *img, uint64_t base, char *err, size_t err_len);

/* ==== Partition memory (memory.c) ==== */

/*
 * The image's pages as runs of contiguous pages (segments that touch or overlap share a chunk;
 * a gap between segments is not memory at all), each chunk one host allocation.
 */
struct mem_chunk {
    uint64_t base, size; /* page aligned */
    uint8_t *host;
};

/* A range of a partition's physical address space; len 0: none. */
struct mem_range {
    uint64_t addr, len;
};

struct sp_mem {
    struct elf_image img; /* page permissions: the union of the segments touching a page */
    struct mem_chunk chunks[ELF_MAX_SEGS + 1 + SPMC_MAX_MEMR];
    unsigned chunk_count;
    uint8_t *window;                 /* SPMC_WINDOW_SIZE bytes */
    uint8_t *regions[SPMC_MAX_MEMR]; /* manifest memory-regions (NULL: inside the image) */

    /*
     * The layout that changes at run time, as every engine of the partition must see it. Changed
     * under `lock`, which bumps `gen`; each engine applies it before its next entry
     * (ffau_mem_sync()).
     */
    pthread_mutex_t lock;
    uint32_t gen;           /* atomic */
    struct mem_range rx_ro; /* the mapped RX buffer: read-only to the partition */
};

/* ==== Device regions (devices.c) ==== */

struct sp_device {
    struct sp *sp;
    const struct sp_dev_region *r;
    enum ffa_unicorn_device_model model; /* never AUTO once created */
    ffa_unicorn_device_fn access;        /* FFA_UNICORN_DEVICE_HOST */
    void *ctx;
    pthread_mutex_t lock; /* one access at a time, whichever PE runs the SP */
    uint8_t *regs;        /* RAM-like storage of the region (PL011: its registers) */
    char line[256];       /* PL011: the line being transmitted */
    size_t line_len;
};

/* ==== RX/TX buffers and mailboxes (Hafnium include/hf/vm.h struct mailbox) ==== */

/*
 * Who owns an RX buffer (Hafnium's mailbox states, include/hf/vm.h enum mailbox_state): EMPTY, the
 * SPMC (which may write it); FULL, the endpoint (until FFA_RX_RELEASE, or an SP's FFA_MSG_WAIT);
 * OTHER_WORLD_OWNED, the hypervisor, which took a VM's buffer with FFA_RX_ACQUIRE to fill it.
 */
enum mbox_state { MBOX_EMPTY = 0, MBOX_FULL, MBOX_OTHER_WORLD_OWNED };

/* A normal-world buffer: physically contiguous ranges, resolved through ns_memory on each use. */
struct ns_range {
    uint64_t pa;
    uint32_t pages;
};

struct ns_buf {
    uint32_t pages; /* total, 1..SPMC_RXTX_MAX_PAGES */
    uint32_t range_count;
    struct ns_range ranges[SPMC_RXTX_MAX_PAGES];
};

static inline uint64_t ns_buf_size(const struct ns_buf *b)
{
    return (uint64_t)b->pages * SPMC_PAGE;
}

/* A normal-world endpoint the SPMC knows: the hypervisor (ID 0) or a VM whose pair it forwarded. */
struct nwd_ep {
    uint16_t id;
    struct ns_buf tx, rx;
    enum mbox_state state;
};

/* An SP's pair: addresses in its own physical address space and the host view of them. */
struct sp_mbox {
    uint32_t pages; /* 0: no pair mapped */
    uint64_t tx_addr, rx_addr;
    uint8_t *tx, *rx;
    enum mbox_state state;
};

/*
 * Hafnium's api_release_mailbox(): EMPTY -> DENIED; FULL or OTHER_WORLD_OWNED -> EMPTY. (Hafnium
 * also refuses while the "RX buffer full" framework notification is unread: this SPMC has no
 * notifications, so releasing is what consumes a message.)
 */
static inline int32_t mbox_release(enum mbox_state *state)
{
    if (*state == MBOX_EMPTY)
        return FFA_RET_DENIED;
    *state = MBOX_EMPTY;
    return 0;
}

/* ==== Execution contexts and partitions (Hafnium include/hf/vcpu.h struct vcpu) ==== */

/*
 * States of an execution context (FF-A v1.2, DEN0077A chapter 8, "partition runtime models", as
 * Hafnium's include/hf/vcpu.h enum vcpu_state has them). YIELDED is BLOCKED by its own FFA_YIELD:
 * resumable with FFA_RUN (ffa_unicorn_ec_state() reports it as BLOCKED).
 */
enum ec_state {
    EC_NULL = 0,
    EC_OFF,
    EC_WAITING,
    EC_RUNNING,
    EC_BLOCKED,
    EC_YIELDED,
    EC_PREEMPTED,
    EC_ABORTED,
    EC_STATE_COUNT
};

/* Why the context has the CPU (Hafnium enum partition_runtime_model; DEN0077A v1.2 chapter 8). */
enum rtm { RTM_NONE = 0, RTM_SP_INIT, RTM_DIR_REQ, RTM_FFA_RUN, RTM_COUNT };

struct sp;
struct cpu;

/* The rx_ro range an engine last applied, and the layout generation it corresponds to. */
struct eng_layout {
    uint32_t gen;
    struct mem_range rx_ro;
};

/* The engine that runs one execution context: Unicorn, its hooks, the registers it holds. */
struct engine {
    uc_engine *uc;
    struct sp *sp;
    struct cpu *cpu;      /* the PE running it, set on each entry: the block hook's budget */
    bool el0;             /* an S-EL0 partition: svc is its conduit */
    uint64_t pc;          /* where the context resumes */
    struct ffa_regs regs; /* x0..x17 as the engine holds them, when regs_valid */
    bool regs_valid;
    uint32_t trap_intno; /* set by the interrupt hook during an entry */
    uint64_t fault_addr; /* set by the invalid-memory hook */
    uc_hook hook_intr, hook_block, hook_mem;
    struct eng_layout layout;          /* the partition's memory layout as applied here */
    void *read_ptrs[FFA_NUM_REGS + 1]; /* &regs.x[0..17], &pc: one batch read after a trap */
};

struct console_buf {
    char line[256];
    size_t len;
};

struct ec {
    struct sp *sp;
    struct engine *eng; /* its own engine */
    uint16_t vcpu;

    int lock; /* a spinlock (spmc_internal.h "Locking"): taken by runtime.c only */

    /*
     * The runtime model. Written only by runtime.c's ec_transition(), with `lock` held
     * (check_layers.sh checks). Call chain: `rt_donor` gave this context its CPU cycles (NULL: the
     * normal world) and gets whatever it does next (RESP, YIELD, INTERRUPT, MSG_WAIT,
     * ERROR(ABORTED)); `rt_callee` is the context this one waits for (BLOCKED) or must resume with
     * FFA_RUN (after it received FFA_INTERRUPT or FFA_YIELD from it). `rt_cpu`: the PE that took
     * it last (a direct request, FFA_RUN, boot): the PE it runs on, or whose chain it is part of.
     */
    enum ec_state rt_state;
    enum rtm rt_model;
    struct ec *rt_donor;
    struct ec *rt_callee;
    struct cpu *rt_cpu;

    /* The direct request being handled (rt_model == RTM_DIR_REQ). Written by runtime.c. */
    bool req_is_req2;
    uint16_t req_origin; /* endpoint the response must go to */

    /* Managed exit (ns-interrupts-action 1). Written by runtime.c, by the owning PE. */
    bool me_pending; /* vIRQ to inject as soon as the SP unmasks IRQs */
    bool me_active;  /* injected; NS interrupts stay masked until the request ends */

    /* Its FFA_CONSOLE_LOG line (contexts of an MP partition print independently). */
    struct console_buf console;
};

struct sp {
    struct spmc *spmc;
    size_t cfg_index; /* position in ffa_unicorn_config.sps */
    uint32_t index;   /* position in spmc.sps (boot order): the order of mailbox locks */
    struct sp_manifest mf;
    /* Written during boot only (single-threaded), read-only afterwards. */
    uint32_t version; /* negotiated FF-A version (manifest ffa-version until FFA_VERSION) */
    bool version_locked;
    uint64_t secondary_ep; /* FFA_SECONDARY_EP_REGISTER: where secondary contexts start */
    bool secondary_ep_set;
    bool booted; /* its primary context finished init (written by runtime.c) */
    /* Set once, atomically (sp_aborted()), by runtime.c. */
    bool aborted;
    struct ec *ecs;      /* mf.ec_count contexts */
    uint32_t pe_mask;    /* PE index & pe_mask = its context: 0 for UP, all ones for MP */
    struct engine *engs; /* one per context */
    pthread_mutex_t mbox_lock;
    struct sp_mbox mbox; /* under mbox_lock */
    struct sp_mem mem;
    struct sp_device devs[SPMC_MAX_DEVR]; /* the manifest's device regions, in manifest order */
    uint8_t *manifest;                    /* a private copy of the DTB */
    size_t manifest_size;
};

/* Has the partition been aborted (on any PE)? */
static inline bool sp_aborted(const struct sp *sp)
{
    return __atomic_load_n(&sp->aborted, __ATOMIC_ACQUIRE);
}

/* The context of `sp` a call on PE `pe` reaches: UP partitions migrate, MP ones are pinned. */
static inline struct ec *sp_ec_for_pe(struct sp *sp, uint32_t pe)
{
    return &sp->ecs[pe & sp->pe_mask];
}

/* ==== The PE and the SPMC ==== */

/* The block-hook state for the call in progress: one counter, one limit, one flag. */
struct entry_budget {
    uint64_t blocks;     /* blocks run on the PE in this call (or boot), since its period began */
    uint64_t stop_at;    /* stop when blocks reaches this (min of budget and watchdog) */
    uint64_t preempt_at; /* UINT64_MAX when no NS interrupt may be raised by the budget */
    uint64_t watchdog_at;
};

/*
 * A new period of the call's count (interrupts.c): a normal-world call or a context's boot begins,
 * or the watchdog just aborted a partition and the rest of the call goes on.
 */
static inline void budget_new_period(struct entry_budget *b)
{
    b->blocks = 0;
}

/* Descriptors of every partition's every UUID, built per call (Hafnium's per-CPU buffer). */
#define SPMC_PARTINFO_BYTES (SPMC_MAX_SPS * SPMC_MAX_UUID * 24u)

/*
 * One physical PE: everything a world switch on it touches that is not a context's own. Guarded
 * by call_lock, held by whichever thread runs a call (or the boot) on this PE; cache-line aligned
 * so that PEs running in parallel share no line.
 */
struct cpu {
    _Alignas(64) int call_lock; /* spin_lock() */
    uint32_t index;
    struct entry_budget budget; /* for the entry in progress */
    int ns_irq_line;            /* atomic: raised by the host, cleared when the NWd gets the CPU */
    bool in_call;               /* a normal-world call is in progress (atomic reads from raise) */
    bool ns_pending;            /* an NS interrupt was taken and is queued until the NWd runs */
    bool booting;
    struct ffa_unicorn_stats stats; /* written by this PE (stat_inc()), read by get_stats */
    uint8_t partinfo[SPMC_PARTINFO_BYTES];
};

/* Count an event of this PE: one writer (the PE), readers anywhere (relaxed atomics). */
static inline void stat_inc(uint64_t *counter)
{
    __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

struct spmc {
    struct ffa_unicorn_config cfg;
    struct sp **sps; /* in boot order; read-only after load */
    size_t sp_count;
    struct cpu *cpus; /* pe_count of them */
    uint32_t pe_count;
    /* Normal-world endpoints with an RX/TX pair (nwd_rxtx.c); NULL slots are free. */
    pthread_mutex_t nwd_lock;
    struct nwd_ep *nwd[SPMC_MAX_NWD_EPS];
    /* The version the normal world (the hypervisor) asked for last: its entry layouts. Atomic. */
    uint32_t nwd_version;
    pthread_mutex_t log_lock; /* the host's log callback */
};

static inline uint32_t nwd_version(const struct spmc *s)
{
    return __atomic_load_n(&s->nwd_version, __ATOMIC_RELAXED);
}

/* ---- Spinlocks (the PEs' call locks, the execution contexts' locks) ---- */

static inline void spin_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/*
 * The lock is taken: wait for it. First spin (the holder is running on another core and lets go
 * within a world switch), then yield (more threads than cores: let the holder run), then sleep a
 * little at a time (a PE's holder may run a partition for seconds).
 */
static __attribute__((noinline, cold, unused)) void spin_wait(int *l)
{
    for (unsigned n = 1;; n++) {
        if (__atomic_load_n(l, __ATOMIC_RELAXED) == 0 &&
            __atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) == 0)
            return;
        if (n < 256) {
            spin_relax();
        } else if (n < 4096) {
            sched_yield();
        } else {
            struct timespec ts = {0, 20000};

            nanosleep(&ts, NULL);
        }
    }
}

/* Uncontended: one atomic exchange to take, one store to release. */
static inline void spin_lock(int *l)
{
    if (__builtin_expect(__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) != 0, 0))
        spin_wait(l);
}

static inline void spin_unlock(int *l)
{
    __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static inline struct sp *sp_find(struct spmc *s, uint16_t id)
{
    for (size_t i = 0; i < s->sp_count; i++) {
        if (s->sps[i]->mf.id == id)
            return s->sps[i];
    }
    return NULL;
}

/* ---- Register files ---- */

/*
 * Eighteen plain stores, which compilers merge into a few vector stores: a memset() of this size
 * compiles to `rep stos` on x86-64, whose start-up cost and the store-forwarding stalls of the
 * loads right after it were a tenth of a direct-request round trip (perf, bench_unicorn).
 */
static inline void regs_zero(struct ffa_regs *r)
{
    r->x[0] = 0;
    r->x[1] = 0;
    r->x[2] = 0;
    r->x[3] = 0;
    r->x[4] = 0;
    r->x[5] = 0;
    r->x[6] = 0;
    r->x[7] = 0;
    r->x[8] = 0;
    r->x[9] = 0;
    r->x[10] = 0;
    r->x[11] = 0;
    r->x[12] = 0;
    r->x[13] = 0;
    r->x[14] = 0;
    r->x[15] = 0;
    r->x[16] = 0;
    r->x[17] = 0;
}

/* FFA_ERROR: the status code in w2, zero-extended (DEN0077A v1.2 FFA_ERROR). */
static inline void regs_error(struct ffa_regs *r, int32_t code)
{
    regs_zero(r);
    r->x[0] = FFA_ERROR;
    r->x[2] = (uint32_t)code;
}

static inline void regs_success(struct ffa_regs *r, uint64_t w2)
{
    regs_zero(r);
    r->x[0] = FFA_SUCCESS_32;
    r->x[2] = w2;
}

/* ---- What the run loop does next (produced by the decoders and the runtime) ---- */

enum next_kind {
    NEXT_SELF,      /* the same context gets `regs` (the result of its call) and goes on */
    NEXT_CONTINUE,  /* the same context goes on untouched (queued NS interrupt, ME poll) */
    NEXT_EC,        /* `ec` gets `regs` and runs */
    NEXT_EC_RESUME, /* `ec` runs from where it stopped, registers untouched (preempted) */
    NEXT_NWD,       /* `regs` go back to the normal world */
};

struct next {
    enum next_kind kind;
    struct ec *ec; /* NEXT_EC, NEXT_EC_RESUME: the context that runs */
    struct ffa_regs regs;
};

/* Why an SP entry ended (engine.c). */
enum exit_kind {
    EXIT_FFA_CALL, /* svc/smc/hvc: registers in `regs`, PC already past the instruction */
    EXIT_FAULT,    /* data abort, undefined instruction, bad fetch...: `why`, `pc` */
    EXIT_NS_IRQ,   /* a non-secure interrupt is pending (budget or raise) */
    EXIT_WATCHDOG, /* the call (or the boot) ran out of its watchdog (init) budget */
    EXIT_ME_POLL,  /* managed exit waiting for IRQs to be unmasked: check again */
};

struct exit_info {
    enum exit_kind kind;
    const struct ffa_regs *regs; /* EXIT_FFA_CALL: the engine's registers, x0..x17 */
    uint64_t pc;
    const char *why;
    char detail[96];
};

/* ==== 2: load.c, boot.c ==== */
/* Load every configured partition (sorted in boot order). 0, or an FF-A error and a message. */
int ffau_load_all(struct spmc *s, char *msg, size_t len);
/* Free what ffau_load_all() built (also after it failed half-way). */
void ffau_load_free(struct spmc *s);
/*
 * Boot every partition on PE 0, in boot order, each until FFA_MSG_WAIT or its abort; then turn the
 * other PEs on: each MP partition's context of that PE from its secondary entry point.
 */
void ffau_boot_all(struct spmc *s);

/* ==== 3: run.c ==== */
/* The backend's call: answer one normal-world call on `cpu` (runs SPs as needed), holding the
 * PE's call_lock for the whole call. */
void ffau_run_nwd_call(struct spmc *s, struct cpu *cpu, const struct ffa_regs *in,
                       struct ffa_regs *out);
/* Run a booting context (RUNNING in SP_INIT, boot entry set) until the CPU leaves it for good. */
void ffau_run_boot(struct spmc *s, struct cpu *cpu, struct ec *ec);

/* ==== 4: nwd_abi.c, sp_abi.c ==== */
/* Decode a normal-world call: an answer (NEXT_NWD) or a context to run (NEXT_EC, _EC_RESUME). */
void ffau_nwdabi_call(struct spmc *s, struct cpu *cpu, const struct ffa_regs *in, struct next *nx);
/* Decode the FF-A call `ec` made (its registers `in`); say what runs next. */
void ffau_spabi_call(struct spmc *s, struct cpu *cpu, struct ec *ec, const struct ffa_regs *in,
                     struct next *nx);

/* ==== 5: interrupts.c ==== */

/* Set the budget's limits for the next entry of `ec` (the count goes on across entries). */
void ffau_irq_arm_entry(struct spmc *s, struct cpu *cpu, struct ec *ec);
/* An NS interrupt stopped `ec`: apply the chain's ns-interrupts-action. */
void ffau_irq_ns_interrupt(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx);
/* Managed exit waiting for the SP to unmask IRQs: try to inject again. */
void ffau_irq_me_poll(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx);
/* The CPU is going back to the normal world: pending NS interrupts are taken there. */
void ffau_irq_leave_secure_world(struct spmc *s, struct cpu *cpu);

/* ==== 5: direct_msg.c: 0 (nx filled) or an FF-A error (nothing changed) ==== */
/* DIRECT_REQ_32/64 or REQ2 on `cpu` from `from` (NULL: the normal world). */
int32_t ffau_dmsg_req(struct spmc *s, struct cpu *cpu, struct ec *from, uint32_t fid,
                      const struct ffa_regs *in, struct next *nx);
/* DIRECT_RESP_32/64 or RESP2 from `ec`. */
int32_t ffau_dmsg_resp(struct spmc *s, struct cpu *cpu, struct ec *ec, uint32_t fid,
                       const struct ffa_regs *in, struct next *nx);

/* ==== 5: discovery.c ==== */
void ffau_disc_nwd_version(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out);
void ffau_disc_nwd_features(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out);
void ffau_disc_sp_version(struct sp *sp, const struct ffa_regs *in, struct ffa_regs *out);
void ffau_disc_sp_features(struct sp *sp, const struct ffa_regs *in, struct ffa_regs *out);
/* FFA_CONSOLE_LOG_32/64 from `ec`: 0 or INVALID_PARAMETERS. */
int32_t ffau_disc_console(struct spmc *s, struct ec *ec, uint32_t fid, const struct ffa_regs *in);
/* FFA_SECONDARY_EP_REGISTER_32/64 from `ec`: 0 or an FF-A error. */
int32_t ffau_disc_secondary_ep(struct spmc *s, struct ec *ec, uint32_t fid,
                               const struct ffa_regs *in);

/* ==== 5: partinfo.c: 0 with *count and *size (0 for a count-only query), or an FF-A error ==== */
int32_t ffau_pinfo_nwd(struct spmc *s, struct cpu *cpu, const struct ffa_regs *in, uint32_t *count,
                       uint32_t *size);
int32_t ffau_pinfo_sp(struct spmc *s, struct cpu *cpu, struct sp *caller, const struct ffa_regs *in,
                      uint32_t *count, uint32_t *size);
/* FFA_PARTITION_INFO_GET_REGS from `caller`: 0 with *out (FFA_SUCCESS_64), or an FF-A error. */
int32_t ffau_pinfo_sp_regs(struct spmc *s, struct cpu *cpu, struct sp *caller,
                           const struct ffa_regs *in, struct ffa_regs *out);

/* ==== 5: msg_send2.c: 0 or an FF-A error ==== */
int32_t ffau_send2_from_nwd(struct spmc *s, const struct ffa_regs *in);
int32_t ffau_send2_from_sp(struct spmc *s, struct sp *sender, const struct ffa_regs *in);

/* ==== 5: nwd_rxtx.c, sp_rxtx.c: 0 or an FF-A error ==== */
/* The endpoint `id` (NULL: none). With spmc.nwd_lock held, as everything in nwd_rxtx.c. */
struct nwd_ep *ffau_nwdbuf_find(struct spmc *s, uint16_t id);
int32_t ffau_nwdbuf_map(struct spmc *s, const struct ffa_regs *in);
int32_t ffau_nwdbuf_unmap(struct spmc *s, const struct ffa_regs *in);
int32_t ffau_nwdbuf_rx_acquire(struct spmc *s, const struct ffa_regs *in);
int32_t ffau_nwdbuf_rx_release(struct spmc *s, const struct ffa_regs *in);
void ffau_nwdbuf_free_all(struct spmc *s);
int32_t ffau_spbuf_map(struct sp *sp, const struct ffa_regs *in);
int32_t ffau_spbuf_unmap(struct sp *sp, const struct ffa_regs *in);
int32_t ffau_spbuf_rx_release(struct sp *sp, const struct ffa_regs *in);
/* FFA_MSG_WAIT hands the RX buffer back to the SPMC unless told to retain it. */
void ffau_spbuf_wait_release(struct sp *sp);
/* Map the manifest's rx_tx-info pair (before boot). */
void ffau_spbuf_from_manifest(struct spmc *s, struct sp *sp);

/* ==== 5: ns_mem.c ==== */
/* Copy [off, off + len) of a normal-world buffer out / in, range by range: 0 or ABORTED. */
int32_t ffau_ns_read(struct spmc *s, const struct ns_buf *b, uint64_t off, void *dst, uint64_t len);
int32_t ffau_ns_write(struct spmc *s, const struct ns_buf *b, uint64_t off, const void *src,
                      uint64_t len);
/* Ask the host for every range of `b` (access for the SPMC's role): 0 or INVALID_PARAMETERS. */
int32_t ffau_ns_check(struct spmc *s, const struct ns_buf *b, bool writable);
/* True when some page of `a` is also a page of `b` (or of `a` itself, twice). */
bool ffau_ns_bufs_overlap(const struct ns_buf *a, const struct ns_buf *b);

/* ==== 6: runtime.c: every runtime-model transition; 0 or an FF-A error (nothing changed) ==== */
/*
 * Cold boot of context `vcpu` of `sp` on `cpu`: RUNNING in SP_INIT. For the primary context (0),
 * every secondary context is parked OFF first (it starts when its PE is turned on).
 */
void ffau_rt_boot(struct sp *sp, uint32_t vcpu, struct cpu *cpu);
/*
 * A direct request on `cpu` from `from` (NULL: the normal world) to `to`'s context for that PE,
 * whose registers the caller built in nx->regs: `from` BLOCKED, the receiver RUNNING in the
 * DIR_REQ model.
 */
int32_t ffau_rt_direct_req(struct spmc *s, struct cpu *cpu, struct ec *from, struct sp *to,
                           bool req2, uint16_t origin, struct next *nx);
/* `ec` answers its request with nx->regs (built by the caller): WAITING, its donor runs. */
int32_t ffau_rt_direct_resp(struct spmc *s, struct cpu *cpu, struct ec *ec, bool resp2,
                            uint16_t receiver, struct next *nx);
/* FFA_MSG_WAIT: WAITING, its donor (or the normal world) gets FFA_MSG_WAIT. */
int32_t ffau_rt_msg_wait(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx);
/* FFA_YIELD: YIELDED, its donor gets FFA_YIELD (w2/w3 timeout). */
int32_t ffau_rt_yield(struct spmc *s, struct cpu *cpu, struct ec *ec, uint32_t timeout_lo,
                      uint32_t timeout_hi, struct next *nx);
/* FFA_RUN on `cpu` of context `vcpu` of partition `id` from `caller` (NULL: the normal world). */
int32_t ffau_rt_run(struct spmc *s, struct cpu *cpu, struct ec *caller, uint16_t id, uint16_t vcpu,
                    struct next *nx);
/*
 * Abort `ec`'s partition (fault, watchdog, FFA_ERROR(ABORTED), or its partition was aborted on
 * another PE); its donor gets ERROR(ABORTED).
 */
void ffau_rt_abort(struct spmc *s, struct cpu *cpu, struct ec *ec, const char *why, uint64_t pc,
                   const char *detail, struct next *nx);
/* A signaled NS interrupt: `ec` and every donor SP PREEMPTED; the normal world gets INTERRUPT. */
void ffau_rt_preempt_chain(struct spmc *s, struct cpu *cpu, struct ec *ec, struct next *nx);
/* Managed exit: signalled (vIRQ pending) and taken (injected). */
void ffau_rt_me_signal(struct ec *ec);
void ffau_rt_me_taken(struct ec *ec);
/* The state of any context, read under its lock (introspection). */
enum ec_state ffau_rt_state(struct ec *ec);

/* ==== 7: engine.c ==== */
/*
 * Bytes of address space each engine reserves for translated code, and whether the Unicorn
 * library lets the SPMC choose it (2.1.0 and later: the configured size; 2.0.1: 1 GiB).
 */
size_t ffau_eng_code_cache(const struct spmc *s, bool *sizable);
/* Open an engine of `sp` (an AArch64 EL1 with the hooks) and map the partition's memory. */
int ffau_eng_create(struct sp *sp, struct engine *eng, char *err, size_t err_len);
void ffau_eng_destroy(struct engine *eng);
/* Enter the engine at its PC on `cpu` and run until it traps, faults or is stopped. */
void ffau_eng_run(struct engine *eng, struct cpu *cpu, struct exit_info *out);
/* The registers the context sees next: x0..x17 (only those that changed are written). */
void ffau_eng_set_regs(struct engine *eng, const struct ffa_regs *r);
/*
 * Prepare a cold-boot entry at `entry`: x4 = `core` (the linear PE index), x<gp-register-num> =
 * `bootinfo_va` when not 0, every other register 0; EL1h with DAIF masked, or EL0 through the
 * trampoline.
 */
void ffau_eng_set_boot_entry(struct engine *eng, const struct sp_manifest *mf, uint64_t entry,
                             uint32_t core, uint64_t bootinfo_va);
/* Inject the managed-exit vIRQ if the SP has IRQs unmasked. True when done. */
bool ffau_eng_inject_irq(struct engine *eng);

/* ==== 7: memory.c ==== */
/*
 * Check the image (already placed) against the manifest, add the partition's memory beyond it
 * (mem_size or the default slack), allocate and fill the host memory, resolve the memory regions
 * and create the device regions' models.
 */
int ffau_mem_create(struct sp *sp, const struct elf_image *img, const uint8_t *file, char *err,
                    size_t err_len);
/* Map the partition's memory (image, memory and device regions, SPMC window) into engine `uc`. */
int ffau_mem_map(struct sp *sp, uc_engine *uc, char *err, size_t err_len);
void ffau_mem_destroy(struct sp *sp);
/*
 * The host view of [addr, addr + len) of the SP's physical address space if all of it is writable
 * RAM of one mapping (image data pages or a read-write memory region), else NULL.
 */
uint8_t *ffau_mem_sp_ram(struct sp *sp, uint64_t addr, uint64_t len);
/* The same for memory the SP may only read (a read-only RX buffer of its manifest). */
uint8_t *ffau_mem_sp_readable(struct sp *sp, uint64_t addr, uint64_t len);
/*
 * Make an SP's RX buffer read-only to it (mapped), or give it back its own permissions
 * (unmapped): a change of the partition's layout, which each of its engines applies before it
 * next runs.
 */
void ffau_mem_protect_rx(struct sp *sp, uint64_t addr, uint64_t len, bool read_only);
/* Bring `eng` to its partition's current layout (the thread about to run it). */
void ffau_mem_sync(struct sp *sp, struct engine *eng);

/* ==== 7: devices.c ==== */
/* Pick each device region's model (the SP's config), allocate its state. 0 or an FF-A error. */
int ffau_dev_create(struct sp *sp, char *err, size_t err_len);
/* Map every device region of `sp` into engine `uc` (MMIO callbacks). 0 or an FF-A error. */
int ffau_dev_map(struct sp *sp, uc_engine *uc, char *err, size_t err_len);
/* Free the models' state; a UART line not ended by a newline is logged first. */
void ffau_dev_destroy(struct sp *sp);
/* The model's name, for logs. */
const char *ffau_dev_model_name(enum ffa_unicorn_device_model model);

/* ==== 8: log.c ==== */
void ffau_log_msg(struct spmc *s, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
/* "SP 0x8001: <what> -> DENIED": an SP broke a rule and gets an error. */
void ffau_log_refused(struct spmc *s, const struct sp *sp, const char *what, int32_t code);
const char *ffau_log_fid_name(uint64_t fid);

#endif /* FFA_UNICORN_SPMC_INTERNAL_H */
