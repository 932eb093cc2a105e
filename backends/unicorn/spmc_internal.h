/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private state of the emulated SPMC (backends/unicorn). Nothing here is installed.
 *
 * Files, one job each:
 *   manifest.c   FF-A partition manifest (DTB) → struct sp_manifest, with validation
 *   elf_load.c   static AArch64 ELF → loadable segments, with validation
 *   engine.c     one Unicorn engine per SP: memory, hooks, enter/trap/exit, vIRQ injection
 *   boot.c       boot-info blob, boot order, init runs
 *   spmc.c       execution contexts, call chains, the run loop that switches between them
 *   nwd_abi.c    what the normal world may call (the backend's call op)
 *   sp_abi.c     what an SP may call
 *   preempt.c    non-secure interrupts: budget, watchdog, on-demand raise, queued/ME/signaled
 *   ns_mem.c     normal-world memory through the host's ns_memory callback: gather/scatter copies
 *   nwd_rxtx.c   RX/TX pairs of the hypervisor and the VMs it forwards; RX_ACQUIRE/RELEASE
 *   sp_rxtx.c    RX/TX pairs of the SPs (FFA_RXTX_MAP or the manifest); RX_RELEASE; MSG_WAIT's
 * release partinfo.c   FFA_PARTITION_INFO_GET for both worlds msg_send2.c  FFA_MSG_SEND2: VM -> SP,
 * SP -> SP, SP -> VM backend.c    public API: create, destroy, introspection; logging
 */
#ifndef FFA_UNICORN_SPMC_INTERNAL_H
#define FFA_UNICORN_SPMC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include "ffa/abi.h"
#include "ffa/backend_unicorn.h"
#include "ffa/regs.h"

#define SPMC_VERSION  FFA_VERSION_1_2 /* what FFA_VERSION answers, to both worlds */
#define SPMC_PAGE     4096u
#define SPMC_MAX_SPS  64u
#define SPMC_MAX_UUID 8u
#define SPMC_MAX_ECS  64u /* execution-ctx-count limit */
#define SPMC_MAX_MEMR 16u /* memory-regions per SP */
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

/* Where uc_emu_start() is told to stop: an address no SP can map (it is never reached). */
#define SPMC_UNTIL UINT64_C(0xfffffffffffffffc)

/* ---- Manifest (secure-side.md 7.3); every field is kept for partition info and later issues ----
 */

/* messaging-method bits (secure-side.md 2.2 partition properties / 7.3). */
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
    uint32_t w[4]; /* register form, as in the manifest and in w1..w4 (secure-side.md 1.3) */
};

struct sp_mem_region {
    uint64_t base;
    uint32_t pages;
    uint32_t attributes; /* bit0 R, bit1 W, bit2 X, bit3 NS */
    uint32_t phandle;    /* 0: none (the rx_tx-info node refers to regions by phandle) */
    char name[32];
};

struct sp_manifest {
    char name[32]; /* debug_name / description, or the node's name */
    uint32_t ffa_version;
    struct sp_uuid uuids[SPMC_MAX_UUID];
    uint32_t uuid_count;
    uint16_t id;
    uint32_t ec_count;
    bool el0; /* exception-level 1 (S-EL0); else 2 (S-EL1) */
    uint32_t execution_state;
    uint64_t load_address;
    uint64_t entrypoint_offset;
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
    /* rx_tx-info node: the RX/TX pair is these two memory regions, mapped before boot. */
    bool rxtx_declared;
    uint32_t rx_region, tx_region; /* indices into regions[] */
};

/* Parse and validate. Returns 0, or -1 with a message in err. */
int manifest_parse(const void *dtb, size_t size, struct sp_manifest *out, char *err,
                   size_t err_len);

/* ---- ELF images ---- */

#define ELF_MAX_SEGS 8u

struct elf_seg {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t prot; /* UC_PROT_* */
};

struct elf_image {
    uint64_t entry;
    struct elf_seg segs[ELF_MAX_SEGS];
    unsigned seg_count;
    uint64_t lo, hi; /* page-rounded span of all segments */
};

int elf_parse(const uint8_t *data, size_t size, struct elf_image *out, char *err, size_t err_len);

/* ---- RX/TX buffers and mailboxes (secure-side.md 6) ---- */

/*
 * Who owns an RX buffer (Hafnium's mailbox states): EMPTY, the SPMC (which may write it); FULL,
 * the endpoint (until FFA_RX_RELEASE, or an SP's FFA_MSG_WAIT); OTHER_WORLD_OWNED, the hypervisor,
 * which took a VM's buffer with FFA_RX_ACQUIRE to fill it itself.
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

/* ---- Execution contexts and partitions (secure-side.md 3.1-3.3, modelled on [H] struct vcpu) ----
 */

enum rtm { RTM_NONE = 0, RTM_SP_INIT, RTM_DIR_REQ, RTM_FFA_RUN };

struct sp;

struct ec {
    struct sp *sp;
    uint16_t vcpu;
    enum ffa_unicorn_ec_state state;
    enum rtm rtm;
    bool yielded; /* BLOCKED by its own FFA_YIELD: resumable with FFA_RUN */

    /* The direct request being handled (rtm == RTM_DIR_REQ). */
    bool req_active;
    bool req_is_req2;
    uint16_t req_origin; /* endpoint the response must go to */

    /*
     * Call chain: `donor` gave this context its CPU cycles (NULL: the normal world) and gets
     * whatever it does next (RESP, YIELD, INTERRUPT, MSG_WAIT, ERROR(ABORTED)). `callee` is the
     * context this one is waiting for (BLOCKED) or must resume with FFA_RUN (after it received
     * FFA_INTERRUPT or FFA_YIELD from it).
     */
    struct ec *donor;
    struct ec *callee;

    /* Managed exit (ns-interrupts-action 1): vIRQ injected, waiting for the SP's DIRECT_RESP. */
    bool me_pending; /* to inject as soon as the SP unmasks IRQs */
    bool me_active;  /* injected; NS interrupts stay masked until the request ends */
};

struct console_buf {
    char line[256];
    size_t len;
};

struct sp {
    struct spmc *spmc;
    size_t cfg_index; /* position in ffa_unicorn_config.sps */
    struct sp_manifest mf;
    uint32_t version; /* negotiated FF-A version (manifest ffa-version until FFA_VERSION) */
    bool version_locked;
    uint64_t secondary_ep; /* FFA_SECONDARY_EP_REGISTER, kept for MP support */
    bool aborted;
    bool booted;
    struct ec *ecs;
    struct console_buf console;
    struct sp_mbox mbox;

    /* Engine (engine.c). */
    uc_engine *uc;
    uint64_t pc;            /* where the context resumes */
    struct ffa_regs shadow; /* x0..x17 as the engine holds them, when shadow_valid */
    bool shadow_valid;
    uint32_t trap_intno; /* set by the interrupt hook during an entry */
    uint64_t fault_addr; /* set by the invalid-memory hook */
    uc_hook hook_intr, hook_block, hook_mem;
    struct elf_image img; /* segment layout: which image pages are writable RAM */
    void *image_mem;
    size_t image_mem_size;
    void *window_mem;
    void *region_mem[SPMC_MAX_MEMR];
    void *manifest_copy;
    size_t manifest_size;
};

/* Why an SP entry ended (engine.c). */
enum exit_kind {
    EXIT_FFA_CALL, /* svc/smc/hvc: registers in `regs`, PC already past the instruction */
    EXIT_FAULT,    /* data abort, undefined instruction, bad fetch...: `why`, `pc` */
    EXIT_NS_IRQ,   /* a non-secure interrupt is pending (budget or raise) */
    EXIT_WATCHDOG, /* ran watchdog_blocks blocks without an FF-A call */
    EXIT_ME_POLL,  /* managed exit waiting for IRQs to be unmasked: check again */
};

struct exit_info {
    enum exit_kind kind;
    struct ffa_regs regs;
    uint64_t pc;
    const char *why;
    char detail[96];
};

/* The block-hook state for the entry in progress: one counter, one limit, one flag. */
struct entry_budget {
    uint64_t blocks;     /* blocks run in this entry */
    uint64_t stop_at;    /* stop when blocks reaches this (min of budget and watchdog) */
    uint64_t preempt_at; /* UINT64_MAX when no NS interrupt may be raised by the budget */
    uint64_t watchdog_at;
};

struct spmc {
    pthread_mutex_t lock; /* one PE: guards everything below; held for a whole call */
    struct sp **sps;      /* in boot order */
    size_t sp_count;
    struct ffa_unicorn_config cfg;
    struct ffa_unicorn_stats stats;

    /* Non-secure interrupt line (preempt.c). */
    int ns_irq_line; /* atomic: raised by the host, cleared when the NWd gets the CPU */
    bool in_call;    /* a normal-world call is in progress (atomic reads from raise) */
    bool ns_pending; /* an NS interrupt was taken and is queued until the NWd runs */
    bool booting;

    struct entry_budget budget; /* for the entry in progress */

    /* Normal-world endpoints with an RX/TX pair (nwd_rxtx.c); NULL slots are free. */
    struct nwd_ep *nwd[SPMC_MAX_NWD_EPS];
    /* The version the normal world (the hypervisor) asked for last: its entry layouts. */
    uint32_t nwd_version;
    /* Partition descriptors are built here, then copied into the caller's RX buffer once. */
    uint8_t partinfo_scratch[SPMC_MAX_SPS * SPMC_MAX_UUID * 24];
};

/* ---- engine.c ---- */
int engine_create(struct spmc *s, struct sp *sp, const struct elf_image *img, const uint8_t *elf,
                  char *err, size_t err_len);
void engine_destroy(struct sp *sp);
/* Enter `ec` and run it until it traps, faults or is stopped. */
void engine_run(struct spmc *s, struct ec *ec, struct exit_info *out);
/* Results of the context's FF-A call (or its first message): x0..x17. */
void engine_set_regs(struct sp *sp, const struct ffa_regs *r);
/* Prepare the cold-boot entry: PC, x4, gp-register, EL0 trampoline. */
void engine_set_boot_entry(struct sp *sp, uint64_t bootinfo_va);
/* Inject the managed-exit vIRQ if the SP has IRQs unmasked. True when done. */
bool engine_inject_irq(struct sp *sp);
/*
 * The host view of [addr, addr + len) of the SP's physical address space if all of it is writable
 * RAM of one mapping (image data pages or a read-write memory region), else NULL.
 */
uint8_t *engine_sp_ram(struct sp *sp, uint64_t addr, uint64_t len);
/* Make an SP's RX buffer read-only to it (mapped) or read-write again (unmapped). */
void engine_protect_rx(struct sp *sp, uint64_t addr, uint64_t len, bool read_only);

/* ---- spmc.c ---- */
enum next_kind {
    NEXT_SELF,      /* the same context gets `regs` (the result of its call) and goes on */
    NEXT_CONTINUE,  /* the same context goes on untouched (queued NS interrupt, ME poll) */
    NEXT_EC,        /* `ec` gets `regs` and runs */
    NEXT_EC_RESUME, /* `ec` runs from where it stopped, registers untouched (preempted) */
    NEXT_NWD,       /* `regs` go back to the normal world */
};

struct next {
    enum next_kind kind;
    struct ec *ec; /* NEXT_EC: the context that gets `regs` and runs */
    struct ffa_regs regs;
};

struct sp *spmc_find_sp(struct spmc *s, uint16_t id);
/* FFA_FEATURES: the function IDs (status IDs and ABIs) both worlds are offered. */
bool spmc_fid_common(uint32_t fid);
/* Run from `ec` (RUNNING, registers set) until the world returns to the normal world. */
void spmc_run(struct spmc *s, struct ec *ec, struct ffa_regs *out);
/* Give `regs` to whoever donated cycles to `ec` (NULL donor: the normal world). */
void spmc_to_donor(struct ec *donor, const struct ffa_regs *regs, struct next *nx);
/* Abort a partition; its context's donor gets FFA_ERROR(ABORTED). */
void spmc_abort(struct spmc *s, struct ec *ec, const char *why, uint64_t pc, const char *detail,
                struct next *nx);
/* True when `target` appears in the call chain ending at `from` (a loop). */
bool spmc_chain_contains(const struct ec *from, const struct ec *target);
/* Helpers to build register files. */
void regs_error(struct ffa_regs *r, int32_t code);
void regs_success(struct ffa_regs *r, uint64_t w2);
void regs_zero(struct ffa_regs *r);

/* ---- sp_abi.c / nwd_abi.c ---- */
void sp_abi_call(struct spmc *s, struct ec *ec, const struct ffa_regs *in, struct next *nx);
void nwd_abi_call(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out);
/*
 * DIRECT_REQ_32/64 and REQ2 checks shared by both worlds (secure-side.md 3.6, in Hafnium's order):
 * `from` is the calling SP or NULL for the normal world. Returns 0 and *target, or an FF-A error.
 */
int32_t direct_req_check(struct spmc *s, const struct sp *from, uint32_t fid,
                         const struct ffa_regs *in, struct sp **target);
/* Deliver a direct request to `target` (WAITING): state, origin, registers. */
void direct_req_deliver(struct ec *target, struct ec *donor, uint32_t fid,
                        const struct ffa_regs *in, struct next *nx);

/* ---- ns_mem.c ---- */
/* Copy [off, off + len) of a normal-world buffer out / in, range by range: 0 or ABORTED. */
int32_t ns_read(struct spmc *s, const struct ns_buf *b, uint64_t off, void *dst, uint64_t len);
int32_t ns_write(struct spmc *s, const struct ns_buf *b, uint64_t off, const void *src,
                 uint64_t len);
/* Ask the host for every range of `b` (access for the SPMC's role): 0 or INVALID_PARAMETERS. */
int32_t ns_check(struct spmc *s, const struct ns_buf *b, bool writable);
/* True when some page of `a` is also a page of `b` (or of `a` itself, twice). */
bool ns_bufs_overlap(const struct ns_buf *a, const struct ns_buf *b);
uint64_t ns_size(const struct ns_buf *b);

/* ---- nwd_rxtx.c / sp_rxtx.c: return 0 or an FF-A error code ---- */
struct nwd_ep *nwd_ep_find(struct spmc *s, uint16_t id);
int32_t nwd_rxtx_map(struct spmc *s, const struct ffa_regs *in);
int32_t nwd_rxtx_unmap(struct spmc *s, const struct ffa_regs *in);
int32_t nwd_rx_acquire(struct spmc *s, const struct ffa_regs *in);
int32_t nwd_rx_release(struct spmc *s, const struct ffa_regs *in);
void nwd_eps_free(struct spmc *s);
/* Hafnium's api_release_mailbox: EMPTY -> DENIED; FULL or OTHER_WORLD_OWNED -> EMPTY. */
int32_t mbox_release(enum mbox_state *state);
int32_t sp_rxtx_map(struct sp *sp, const struct ffa_regs *in);
int32_t sp_rxtx_unmap(struct sp *sp, const struct ffa_regs *in);
int32_t sp_rx_release(struct sp *sp, const struct ffa_regs *in);
/* Map the manifest's rx_tx-info pair (before boot). */
void sp_rxtx_from_manifest(struct sp *sp);

/* ---- partinfo.c: 0 with *count and *size (0 for a count-only query), or an FF-A error ---- */
int32_t partinfo_nwd(struct spmc *s, const struct ffa_regs *in, uint32_t *count, uint32_t *size);
int32_t partinfo_sp(struct spmc *s, struct sp *caller, const struct ffa_regs *in, uint32_t *count,
                    uint32_t *size);

/* ---- msg_send2.c: 0 or an FF-A error ---- */
int32_t send2_from_nwd(struct spmc *s, const struct ffa_regs *in);
int32_t send2_from_sp(struct spmc *s, struct sp *sender, const struct ffa_regs *in);

/* ---- preempt.c ---- */
/* Set the budget for an entry of `ec`. */
void preempt_arm_entry(struct spmc *s, struct ec *ec, bool fresh);
/* An NS interrupt stopped `ec`: apply the chain's ns-interrupts-action. */
void preempt_ns_interrupt(struct spmc *s, struct ec *ec, struct next *nx);
/* The CPU is going back to the normal world: pending NS interrupts are taken there. */
void preempt_leave_secure_world(struct spmc *s);
/* Managed exit waiting for the SP to unmask IRQs: try to inject again. */
void preempt_me_poll(struct spmc *s, struct ec *ec, struct next *nx);

/* ---- boot.c ---- */
int boot_all(struct spmc *s);

/* ---- logging (backend.c) ---- */
void spmc_log(struct spmc *s, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *spmc_fid_name(uint64_t fid);

#endif /* FFA_UNICORN_SPMC_INTERNAL_H */
