/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The emulated secure world (library ffa::backend_unicorn, hosted: libc, pthreads, Unicorn 2,
 * libfdt).
 *
 * An SPMC written in host C that loads real AArch64 secure partitions (ELF or flat images plus
 * FF-A partition manifests compiled to DTB), runs each of them in its own Unicorn engine, and
 * answers the normal world's FF-A calls the way Hafnium would. It plugs into the mediator as a
 * backend:
 *
 *   struct ffa_unicorn *spmc;
 *   char err[256];
 *   if (ffa_unicorn_create(&cfg, &spmc, err, sizeof(err)) != 0) { puts(err); ... }
 *   struct ffa_backend be = ffa_unicorn_backend(spmc);
 *   ffa_mediator_create(NULL, &host_ops, host, &be, &m);
 *
 * The model has `pe_count` physical PEs (processing elements; config, default 1). A normal-world
 * call runs on the PE its processor index names (the backend call's `cpu`); a UP partition's one
 * execution context runs on whichever PE calls it, an MP partition has one context per PE and a
 * call on PE n reaches context n. See docs/unicorn.md for states, rules, locking and what is not
 * implemented yet.
 *
 * Thread safety: calls on different PEs run in parallel, each on its calling thread (every
 * execution context has its own Unicorn engine); calls on the same PE are serialised, as a PE runs
 * one thing at a time. ffa_unicorn_raise_ns_interrupt*() may be called from any thread at any time.
 */
#ifndef FFA_BACKEND_UNICORN_H
#define FFA_BACKEND_UNICORN_H

#include <stddef.h>
#include <stdint.h>

#include "ffa/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How an SP's image file is laid out (docs/unicorn.md, "SP images and manifests"). */
enum ffa_unicorn_image_kind {
    FFA_UNICORN_IMAGE_AUTO = 0, /* ELF when the file starts with the ELF magic, else flat */
    FFA_UNICORN_IMAGE_ELF,      /* AArch64 ELF64: ET_EXEC where linked, ET_DYN at load-address */
    FFA_UNICORN_IMAGE_FLAT,     /* raw bytes placed at load-address (objcopy -O binary) */
};

/*
 * A device access by an SP: `size` (1, 2, 4 or 8) bytes at `offset` from the device region's base.
 * A write passes the value in *value; a read stores the value read there (zero-extended). Called
 * with the backend's lock held, from the thread running the SP, one access at a time per device
 * region: do not call into the backend.
 */
typedef void (*ffa_unicorn_device_fn)(void *ctx, uint16_t sp_id, uint64_t offset, unsigned size,
                                      int is_write, uint64_t *value);

/* What answers an SP's accesses to one of its manifest's device regions. */
enum ffa_unicorn_device_model {
    /* FFA_UNICORN_DEVICE_PL011 for a region whose node name or description starts with "uart"
     * or "pl011" (any case), else FFA_UNICORN_DEVICE_RAM. */
    FFA_UNICORN_DEVICE_AUTO = 0,
    FFA_UNICORN_DEVICE_RAM,   /* registers as plain storage: a read returns what was written */
    FFA_UNICORN_DEVICE_PL011, /* a PL011 UART: what the SP transmits becomes CONSOLE log lines */
    FFA_UNICORN_DEVICE_HOST,  /* the host's callback (`access`, `ctx`) */
};

/* The model of one device region, named by its node in the manifest's device-regions node. */
struct ffa_unicorn_device_config {
    const char *region; /* node name, e.g. "uart0" for device-regions { uart0 { ... }; } */
    enum ffa_unicorn_device_model model;
    ffa_unicorn_device_fn access; /* FFA_UNICORN_DEVICE_HOST only */
    void *ctx;
};

/* Partition memory beyond the image when mem_size is 0 (docs/unicorn.md, "Memory"). */
#define FFA_UNICORN_DEFAULT_MEM_SLACK (64u * 1024u)

/* One secure partition: an image and its manifest, from files or from memory. */
struct ffa_unicorn_sp_config {
    /*
     * The image: an AArch64 ELF (ET_EXEC linked where it runs, or position-independent ET_DYN
     * placed at the manifest's load-address) or a flat binary placed at load-address.
     */
    const char *elf_path; /* read from this file when elf_data is NULL */
    const void *elf_data; /* or: the image in memory (copied at create time) */
    size_t elf_size;
    /* FF-A partition manifest (device-tree binding "arm,ffa-manifest-1.0"), compiled to DTB. */
    const char *manifest_path; /* read from this file when manifest_data is NULL */
    const void *manifest_data; /* or: the DTB in memory (copied at create time) */
    size_t manifest_size;

    enum ffa_unicorn_image_kind image_kind; /* 0: by the file's first bytes */
    /*
     * Bytes of partition memory from load-address (Hafnium's mem_size, which its SPMC manifest
     * gives each partition): the image, then zeroed memory up to load-address + mem_size. 0: the
     * image plus FFA_UNICORN_DEFAULT_MEM_SLACK. A page multiple, at least the image's extent.
     */
    uint64_t mem_size;
    /* Models of the manifest's device regions; a region not listed gets FFA_UNICORN_DEVICE_AUTO. */
    const struct ffa_unicorn_device_config *devices;
    size_t device_count;
};

/* Where a log line comes from (ffa_unicorn_log_fn). */
enum ffa_unicorn_log_kind {
    FFA_UNICORN_LOG_ERROR = 0,   /* an SP faulted or was aborted; a load failed */
    FFA_UNICORN_LOG_WARN = 1,    /* an SP broke an FF-A rule (the call got an error) */
    FFA_UNICORN_LOG_INFO = 2,    /* boot, preemption, managed exit */
    FFA_UNICORN_LOG_DEBUG = 3,   /* one line per world switch */
    FFA_UNICORN_LOG_CONSOLE = 4, /* a line an SP printed with FFA_CONSOLE_LOG */
};

/*
 * One log line without a trailing newline. `sp_id` is the partition the line is about (0x8000,
 * the SPMC's own ID, for lines about no partition in particular). Called from whichever thread is
 * in the backend, one line at a time (the backend serialises its log calls), possibly with
 * backend locks held: do not call back into the backend.
 */
typedef void (*ffa_unicorn_log_fn)(void *ctx, enum ffa_unicorn_log_kind kind, uint16_t sp_id,
                                   const char *msg);

/*
 * Normal-world physical memory, as the SPMC reaches it (RX/TX buffers of the hypervisor and of the
 * VMs it forwards). Return a host pointer to the `len` bytes at physical address `pa`, readable,
 * and writable too when `writable` is non-zero, or NULL to refuse (not normal-world RAM the secure
 * world may access, or not mapped). Called with the backend's normal-world lock held (so one call
 * at a time, with rx_full calls serialised too), from any thread, once per contiguous range
 * the SPMC touches, every time it touches it: the SPMC keeps physical addresses, never the
 * pointers, so the host may map on demand. A refusal while registering buffers answers
 * INVALID_PARAMETERS; a refusal while copying a message answers ABORTED (as Hafnium's trapped
 * copy). Must not call into the backend.
 */
typedef void *(*ffa_unicorn_ns_memory_fn)(void *ctx, uint64_t pa, size_t len, int writable);

/*
 * The SPMC delivered a message into VM `vm_id`'s RX buffer (FFA_MSG_SEND2 from an SP). On hardware
 * the SPMC raises the schedule receiver interrupt; a host typically injects the notification
 * interrupt into the VM. Called with the backend's normal-world lock held, from any thread: record
 * it, do not call into the backend (or into a mediator call that would).
 */
typedef void (*ffa_unicorn_rx_full_fn)(void *ctx, uint16_t vm_id);

/* Default watchdog: basic blocks an execution context may run without an FF-A call. */
#define FFA_UNICORN_DEFAULT_WATCHDOG_BLOCKS UINT64_C(20000000)

/* Most physical PEs the SPMC models (config pe_count; an MP partition has at most 64 contexts). */
#define FFA_UNICORN_MAX_PES 64u

struct ffa_unicorn_config {
    const struct ffa_unicorn_sp_config *sps; /* booted in manifest boot-order */
    size_t sp_count;

    /*
     * Preemption budget: a non-secure interrupt is raised on a PE when the normal-world call in
     * progress there has held it for this many basic blocks, counted like a timer from the moment
     * the call entered the secure world, over every context it runs, every FF-A call they make
     * and every entry, until the PE goes back to the normal world (each call, FFA_RUN included,
     * starts a new count). 0 = off. Deterministic: the same scenario preempts at the same
     * instruction every time. Not applied during boot (the normal world is not running).
     */
    uint64_t preempt_blocks;

    /*
     * Watchdog: when a normal-world call has held its PE this many basic blocks (counted as the
     * budget is), the partition running at that moment is aborted ("never returns"), its caller
     * gets FFA_ERROR(ABORTED), and the rest of the call counts anew: a call ends after at most one
     * watchdog period per partition it reaches, plus one, even if its partitions keep making FF-A
     * calls. 0 selects FFA_UNICORN_DEFAULT_WATCHDOG_BLOCKS. Must be larger than preempt_blocks
     * when both are set, so that a long but preemptible ("signaled") SP is preempted, never
     * aborted, while one whose interrupt is queued (or that ignores a managed exit) and never
     * returns is aborted.
     */
    uint64_t watchdog_blocks;

    ffa_unicorn_log_fn log; /* optional */
    void *log_ctx;

    /*
     * Optional. Without ns_memory the SPMC cannot reach normal-world memory: FFA_RXTX_MAP/UNMAP,
     * FFA_RX_ACQUIRE/RELEASE, FFA_PARTITION_INFO_GET and FFA_MSG_SEND2 answer NOT_SUPPORTED to the
     * normal world (in FFA_FEATURES and as calls); SPs keep their own buffers and messaging.
     * rx_full is called when a message lands in a VM's RX buffer. Both get ns_ctx.
     */
    ffa_unicorn_ns_memory_fn ns_memory;
    ffa_unicorn_rx_full_fn rx_full;
    void *ns_ctx;

    /*
     * Physical PEs (processing elements) modelled: 1..FFA_UNICORN_MAX_PES, 0 selects 1. A
     * normal-world call must name one of them (the backend call's `cpu` < pe_count; any other
     * gets FFA_ERROR(INVALID_PARAMETERS)). Each partition's execution-ctx-count must be 1 (a UP
     * partition, which migrates to whichever PE calls it) or pe_count (MP: context n runs on PE
     * n), as Hafnium requires; create refuses a manifest with any other count. At create, the
     * partitions boot on PE 0, then every other PE is turned on: each MP partition's context for
     * it starts at the partition's FFA_SECONDARY_EP_REGISTER entry point (OFF when it registered
     * none).
     */
    uint32_t pe_count;

    /*
     * Init budget: basic blocks an execution context may run from its boot entry until its
     * FFA_MSG_WAIT, counting the partitions it sends requests to meanwhile. A partition that has
     * not finished its init by then is aborted (the partition running when the budget runs out: a
     * callee's abort gives the booting partition FFA_ERROR(ABORTED) and a new budget), and the boot
     * goes on: ffa_unicorn_create() always returns. 0 selects watchdog_blocks.
     */
    uint64_t init_blocks;

    /*
     * Translated-code cache of each Unicorn engine, in bytes (Unicorn's TCG buffer). 0 selects
     * FFA_UNICORN_DEFAULT_CODE_CACHE. Applied where the Unicorn library can size it
     * (UC_CTL_TCG_BUFFER_SIZE, Unicorn 2.1.0 and later); Unicorn 2.0.1 reserves a fixed 1 GiB of
     * address space per engine whatever this says (docs/unicorn.md, "Memory"). A full cache is
     * flushed and refilled: smaller costs speed, never correctness.
     */
    size_t code_cache_size;
};

#define FFA_UNICORN_DEFAULT_CODE_CACHE ((size_t)16 << 20)

struct ffa_unicorn;

/*
 * Load every SP (image, manifest, memory), create one Unicorn engine per execution context and
 * boot the SPs in boot-order on PE 0, each until FFA_MSG_WAIT, then every MP SP's context on each
 * other PE (pe_count). A partition that aborts, faults or exceeds the init budget during boot is
 * marked aborted; that is not a create failure. A bad image or manifest is: create returns
 * FFA_RET_INVALID_PARAMETERS and writes (to `err`, if not NULL, and to the log) a message naming
 * the SP, the property and the value at fault. Returns 0 and *out, FFA_RET_INVALID_PARAMETERS, or
 * FFA_RET_NO_MEMORY.
 */
int ffa_unicorn_create(const struct ffa_unicorn_config *cfg, struct ffa_unicorn **out, char *err,
                       size_t err_len);

/* Close every engine and free everything. NULL is accepted. No call may be in progress. */
void ffa_unicorn_destroy(struct ffa_unicorn *spmc);

/*
 * The SPMC as a backend (caps: FFA_BACKEND_CAP_EMULATED | FFA_BACKEND_CAP_CONCURRENT: calls on
 * different PEs run in parallel, calls on one PE are serialised inside). Its destroy op is NULL:
 * the owner calls ffa_unicorn_destroy() after the mediator is gone.
 */
struct ffa_backend ffa_unicorn_backend(struct ffa_unicorn *spmc);

/*
 * Raise a non-secure physical interrupt on PE `cpu`, for the call in progress there, from any
 * thread. If an SP is running on that PE, it is handled at the SP's next basic block according to
 * its ns-interrupts-action (signaled: preempted, the caller gets FFA_INTERRUPT; queued: held until
 * the SP leaves the secure world; managed exit: the SP gets its managed-exit virtual IRQ). With no
 * call in progress on that PE the normal world is running there and takes the interrupt itself:
 * nothing happens. Returns 0, or FFA_RET_INVALID_PARAMETERS for a PE that does not exist.
 */
int ffa_unicorn_raise_ns_interrupt_on(struct ffa_unicorn *spmc, uint32_t cpu);

/* The same on PE 0 (the only PE of a single-PE configuration). */
void ffa_unicorn_raise_ns_interrupt(struct ffa_unicorn *spmc);

/* ---- Introspection, for tests, tools and traces ---- */

enum ffa_unicorn_ec_state {
    FFA_UNICORN_EC_NULL = 0, /* no such partition or execution context */
    FFA_UNICORN_EC_OFF,      /* secondary context of an MP partition not started (no entry) */
    FFA_UNICORN_EC_WAITING,
    FFA_UNICORN_EC_RUNNING,
    FFA_UNICORN_EC_BLOCKED,
    FFA_UNICORN_EC_PREEMPTED,
    FFA_UNICORN_EC_ABORTED,
};

/* State of execution context `vcpu` of partition `sp_id`. */
enum ffa_unicorn_ec_state ffa_unicorn_ec_state(struct ffa_unicorn *spmc, uint16_t sp_id,
                                               uint16_t vcpu);

/* "WAITING", "PREEMPTED", ... */
const char *ffa_unicorn_ec_state_name(enum ffa_unicorn_ec_state state);

/* Counters, for tests and benchmarks. */
struct ffa_unicorn_stats {
    uint64_t world_switches; /* SP entries (uc_emu_start calls) */
    uint64_t ns_interrupts;  /* non-secure interrupts taken while an SP ran */
    uint64_t ns_queued;      /* of which held until the SP left the secure world */
    uint64_t managed_exits;  /* managed-exit vIRQs injected */
    uint64_t preemptions;    /* execution contexts that went PREEMPTED */
    uint64_t aborts;         /* partitions aborted (fault, watchdog, FFA_ERROR(ABORTED)) */
};
/* Counters since create, summed over every PE. */
void ffa_unicorn_get_stats(struct ffa_unicorn *spmc, struct ffa_unicorn_stats *out);
/* The counters of PE `cpu` alone: 0, or FFA_RET_INVALID_PARAMETERS for a PE that does not exist. */
int ffa_unicorn_get_pe_stats(struct ffa_unicorn *spmc, uint32_t cpu, struct ffa_unicorn_stats *out);

/* An interrupt of a device region (the manifest's `interrupts` and `interrupts-target`). */
struct ffa_unicorn_device_irq {
    uint32_t id;         /* INTID */
    uint32_t attributes; /* [7:0] priority, [8] secure, [9] level, [11:10] SGI/PPI/SPI */
    uint64_t mpidr;      /* interrupts-target, when mpidr_valid */
    int mpidr_valid;
};

#define FFA_UNICORN_MAX_DEVICE_IRQS 8

/* A device region of a partition, as loaded (for later interrupt work, tests and tools). */
struct ffa_unicorn_device_info {
    char name[32]; /* the node's name */
    uint64_t base;
    uint32_t pages;
    uint32_t attributes; /* bit 0 R, 1 W, 3 NS */
    enum ffa_unicorn_device_model model;
    uint32_t irq_count;
    struct ffa_unicorn_device_irq irqs[FFA_UNICORN_MAX_DEVICE_IRQS];
};

/* Device region `index` (manifest order) of partition `sp_id` into *out: 0, or -1 if none. */
int ffa_unicorn_device_info(struct ffa_unicorn *spmc, uint16_t sp_id, unsigned index,
                            struct ffa_unicorn_device_info *out);

#ifdef __cplusplus
}
#endif

#endif /* FFA_BACKEND_UNICORN_H */
