/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private state of the mediator core. Nothing here is installed.
 *
 * Freestanding rules for lib/: only <stdint.h>, <stddef.h> and <stdbool.h>; no globals that
 * change; memory, locks, logs and guest memory only through struct ffa_host_ops.
 */
#ifndef FFA_LIB_INTERNAL_H
#define FFA_LIB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/abi.h"
#include "ffa/backend.h"
#include "ffa/host.h"
#include "ffa/mediator.h"
#include "ffa/regs.h"

/* The compiler lowers these to memcpy/memset/memmove/memcmp: the only symbols lib/ may need. */
#define ffa_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define ffa_memset(d, c, n) __builtin_memset((d), (c), (n))

#define FFA_PAGE_SIZE 4096u

/*
 * Secure-world ABI support found by FFA_FEATURES at create time, one bit per function: index
 * ((fnum - FFA_FNUM_MIN) << 1) | is_smc64. 56 function numbers, 112 bits.
 */
#define FW_ABI_BITS  (((FFA_FNUM_MAX - FFA_FNUM_MIN) + 1u) * 2u)
#define FW_ABI_WORDS ((FW_ABI_BITS + 63u) / 64u)

/*
 * ---- Locks ----
 *
 * Every lock is a host lock (host.h: lock_create/lock/unlock), NULL when the host has no lock
 * callbacks (a single-threaded host). There are five kinds; each field below says what it guards.
 *
 *   m->lock            the mediator lock: the VM table (vms, vm_count), the partition tag, and
 *                      the one-time FFA_SPM_ID_GET query (spm_id_cache is written under it).
 *   vm->lock           one per VM: its version negotiation (version_req, and the one-time
 *                      writes of version, clear_x8_x17, slow_fid_bits) and its mailbox (mbox).
 *   m->own_lock        the contents of the mediator's own TX buffer while a descriptor is
 *                      written there and the SPMC reads it (forwarded FFA_RXTX_MAP).
 *   m->backend_lock    one backend call at a time, for a backend without
 *                      FFA_BACKEND_CAP_CONCURRENT (NULL otherwise).
 *   m->resume_lock     the resume-rights table (resume[], resume_rights.c).
 *   m->mem_lock        memory sharing (lib/mem.h): the share table, each VM's share count, and
 *                      the state fields of every share record (busy, complete, doomed, each
 *                      borrower's state).
 *   vm->notif_lock     one per VM: its notification state (vm->notif: VM-to-VM bindings and
 *                      pending bits, the hypervisor framework bitmap, what its own
 *                      FFA_NOTIFICATION_INFO_GET has to report, its online vCPUs).
 *
 * Order: a thread that holds several takes them in this order and releases in reverse:
 *
 *   m->lock  ->  vm->lock  ->  m->own_lock  ->  m->backend_lock
 *
 * (partition discovery and VM-to-VM delivery take the mediator lock, then the receiving VM's
 * lock to claim its RX buffer, which may ask the SPMC; a forwarded FFA_RXTX_MAP takes the VM's
 * lock, then own_lock, then calls the backend). At most one VM lock is held at a time: a VM
 * sending to another drops its own lock before it takes the mediator lock and the receiver's.
 * m->resume_lock is a leaf taken with no other mediator lock held, and nothing is taken under
 * it; so is m->mem_lock, held only for table lookups and state changes (never for a page list,
 * a host callback or a secure-world call). No lock is held when a function returns to the host,
 * and none is taken twice.
 *
 * vm->notif_lock is a leaf like m->resume_lock: it may be taken under m->lock or vm->lock, and
 * nothing (no lock, no secure-world call, no host callback but log) is taken under it. At most
 * one notif_lock is held at a time.
 *
 * The life cycle (lifecycle.c) takes no lock across its secure-world calls: a VM's `lc.busy`
 * flag, set and cleared under m->lock, gives one thread (ffa_vm_add(), ffa_vm_remove(),
 * ffa_mediator_poll() or ffa_mediator_destroy()) the right to work on that VM's life cycle, and
 * only that thread changes its state or frees it.
 *
 * Secure-world calls under locks: yes, by design. The backend lock exists to be held across the
 * backend's call. The mediator lock is held across the SPM ID query (asked once) and across the
 * FFA_RX_ACQUIRE/FFA_RX_RELEASE that claims a VM's RX buffer for partition discovery or a VM's
 * message; a VM's lock is held across the calls that keep the SPMC's view of that VM's buffers
 * in step with the mailbox state (forwarded FFA_RXTX_MAP/UNMAP, FFA_RX_ACQUIRE, FFA_RX_RELEASE),
 * so no other vCPU sees one changed without the other; own_lock is held until the SPMC has read
 * the descriptor. Xen does the same: xen/arch/arm/tee/ffa_rxtx.c forwards FFA_RXTX_MAP_64 with
 * the VM's rx_lock and tx_lock held, and ffa_shm.c holds the TX buffer locks across the SMC of
 * FFA_MEM_SHARE (the top comment of xen/arch/arm/tee/ffa.c warns of those long sections). A host
 * lock is therefore a spinlock that may be held for one secure-world call. The per-call paths
 * (FFA_MSG_SEND_DIRECT_REQ*, FFA_RUN) hold no lock across the secure-world call except the
 * backend lock of a non-concurrent backend; resume rights are checked and updated before and
 * after it. Host callbacks made under a lock: guest_map/guest_unmap (under vm->lock) and log.
 * The memory-sharing callbacks (mem_acquire, mem_release, mem_map, mem_unmap) are made with no
 * mediator lock held.
 *
 * Memory transactions hold no lock across a transaction: own_lock is held for one fragment
 * towards the SPMC at a time (write it, call, read the answer), so a 1 GiB share is a thousand
 * short sections with other VMs' calls free to run between them; a share record's `busy` flag
 * (under mem_lock) gives one vCPU the right to work on it unlocked, and others get BUSY.
 *
 * Two mailbox flags extend a VM lock over work done without it: RX_WRITING claims the RX buffer
 * while the mediator fills it, and tx_busy claims the TX buffer while FFA_MSG_SEND2 or a memory
 * ABI reads it (and, for the memory ABIs, the VM's private copy buffer mem_scratch);
 * both are set and cleared under vm->lock, and unmapping is refused while either is set.
 */

/*
 * Who may write a VM's RX buffer (Hafnium's mailbox states, inc/hf/vm.h enum mailbox_state, seen
 * from the mediator): FREE (the mediator, or the SPMC for messages from SPs, may fill it), WRITING
 * (the mediator is filling it, with the lock dropped), FULL (the mediator filled it; the VM owns it
 * until FFA_RX_RELEASE).
 */
enum rx_state {
    RX_FREE = 0,
    RX_WRITING,
    RX_FULL,
};

struct vm_mailbox {
    uint8_t *tx;    /* host view of the TX buffer (guest_map), NULL while unmapped */
    uint8_t *rx;    /* host view of the RX buffer */
    uint32_t pages; /* size of each buffer, in 4 KiB pages */
    bool forwarded; /* the SPMC knows these buffers (RXTX_MAP forwarded on the VM's behalf) */
    enum rx_state rx_state;
    bool rx_from_spmc; /* the RX buffer was acquired from the SPMC (FFA_RX_ACQUIRE) */
    bool tx_busy;      /* the mediator is reading the TX buffer (FFA_MSG_SEND2) */
};

#define NOTIF_IDS 64u

/*
 * A VM's notification state, kept by the mediator (Hafnium inc/hf/vm.h, struct notifications,
 * seen from the hypervisor): what other VMs bound and set for it (FFA_CFG_VM_TO_VM), the
 * hypervisor framework bitmap, and the scheduling facts: which vCPUs are online and what the
 * VM's own FFA_NOTIFICATION_INFO_GET has still to report. Arrays are sized at ffa_vm_add() from
 * the vCPU count: nothing is allocated per call. Guarded by vm->notif_lock.
 */
struct vm_notif {
    uint16_t sender[NOTIF_IDS]; /* the VM bound to each ID (VM-to-VM), 0 = unbound */
    uint64_t per_vcpu;          /* IDs bound per-vCPU */
    uint64_t pending;           /* global IDs set by VMs and not yet read */
    uint64_t *pending_vcpu;     /* [vcpu_count] per-vCPU IDs set by VMs (NULL without VM-to-VM) */
    uint32_t fw;                /* hypervisor framework bitmap (FFA_FW_NOTIF_*) */
    bool info_global;           /* INFO_GET has a global entry to report */
    bool npi_deferred;          /* a global signal found no online vCPU (set_online sends it) */
    uint64_t *info_vcpu;        /* [words] bitmap: INFO_GET has a per-vCPU entry to report */
    uint64_t *online;           /* [words] bitmap of online vCPUs */
    uint32_t words;             /* (vcpu_count + 63) / 64 */
};

/* The state of one VM-availability message to one secure partition (lifecycle.c). */
enum lc_msg_state {
    LC_NONE = 0, /* not wanted (the partition did not ask, or was never told the VM exists) */
    LC_PENDING,  /* to send, or to resume (`parked`) */
    LC_DONE,     /* acknowledged */
    LC_FAILED,   /* refused, malformed, or given up after the attempts */
};

struct lc_msg {
    uint8_t created;   /* enum lc_msg_state of the VM-created message */
    uint8_t destroyed; /* enum lc_msg_state of the VM-destroyed message */
    uint16_t attempts; /* of the message in flight */
    uint32_t parked;   /* the partition's context preempted in it (SP << 16 | vCPU), 0: none */
};

/*
 * A VM's life cycle (lifecycle.c). `state` and `busy` change under m->lock; the rest belongs to
 * the thread holding `busy`.
 */
struct vm_lifecycle {
    enum ffa_vm_state state;
    bool busy;             /* a thread is working on this VM's life cycle */
    bool remove_requested; /* ffa_vm_remove() came while another thread held `busy` */
    bool bitmap;           /* the secure world holds a notification bitmap for the VM */
    bool buffers;          /* the secure world still maps the VM's RX/TX buffers */
    bool stuck;            /* a step holding the VM's memory was given up: never reported gone */
    uint16_t bitmap_attempts, buffer_attempts, drain_attempts;
    uint32_t poll_round; /* the ffa_mediator_poll() round that last visited it */
    struct lc_msg *msgs; /* [m->lc_count], one per partition that wants VM messages */
};

struct ffa_vm {
    struct ffa_mediator *m;
    uint16_t id;
    uint16_t vcpu_count;
    bool aarch32;

    /*
     * Version negotiation (Hafnium api_ffa_version(); Xen ffa_handle_call()). `version` is 0 until
     * the VM's first FF-A call other than FFA_VERSION; it is then published once (release store)
     * and never changes. `version_req` is the last version FFA_VERSION asked for before that.
     * Both change only under `lock`; `version` is read without it (acquire load).
     */
    uint32_t version;
    uint32_t version_req;
    /* Set with `version`: an AArch64 VM at v1.2+ gets x8..x17 zeroed in every reply. */
    bool clear_x8_x17;
    /*
     * Function-ID bits that send a call down the slow path: all of them while negotiation is
     * open (set by ffa_vm_add(): every call goes the slow way), then none for an AArch64 VM and
     * the SMC64 bit for an AArch32 one, or all of them again when the host has a trace hook (the
     * hook is called on the slow path only, so the fast path never tests for it). Published last,
     * with release order, once `version` is final. Stored inverted so that the fast-path test is a
     * single AND with memory.
     */
    uint32_t slow_fid_bits;

    /* The VM's RX/TX pair and mailbox state; guarded by `lock`. */
    struct vm_mailbox mbox;

    /*
     * Memory sharing (lib/mem.h). `mem_shares` counts the VM's live transactions (guarded by
     * m->mem_lock). `mem_scratch` is the private copy of descriptors read from its TX buffer,
     * used only while mbox.tx_busy is held (allocated on the first memory transaction, freed with
     * the VM).
     */
    uint32_t mem_shares;
    uint8_t *mem_scratch;
    uint32_t mem_scratch_size;

    /*
     * The VM's lock: guards version_req (and the one-time writes of version, clear_x8_x17 and
     * slow_fid_bits) and mbox. Taken after m->lock, before m->own_lock and m->backend_lock.
     */
    void *lock;

    /* Notifications (notif.c), guarded by notif_lock (a leaf). */
    struct vm_notif notif;
    void *notif_lock;

    /* Life cycle (lifecycle.c). */
    struct vm_lifecycle lc;
    size_t alloc_size; /* the one allocation holding the VM and its arrays */
};

struct ffam_share; /* lib/mem.h */

struct ffa_mediator {
    const struct ffa_host_ops *host;
    void *host_ctx;
    struct ffa_backend be; /* be.ops == NULL: no secure world */
    struct ffa_mediator_config cfg;

    /* Probe results, written by ffa_mediator_create() only. */
    uint32_t fw_version;
    uint64_t fw_abi[FW_ABI_WORDS];

    /*
     * FFA_SPM_ID_GET answer: 0 until the secure world was asked, then FFA_ID_SPMC-style ID with
     * bit 16 set as a "valid" marker. Written once under `lock`, read with an acquire load.
     */
    uint32_t spm_id_cache;

    /*
     * The mediator lock: guards the VM table (vms, vm_count), partinfo_tag and the one-time SPM
     * ID query. The first lock in the order (above): taken before any VM's lock.
     */
    void *lock;
    /*
     * Serialises backend calls when the backend lacks FFA_BACKEND_CAP_CONCURRENT; else NULL.
     * The last lock in the order: held only across one backend call.
     */
    void *backend_lock;

    /* VMs sorted by ID; capacity cfg.max_vms. */
    struct ffa_vm **vms;
    uint32_t vm_count;
    /*
     * FFA_PARTITION_INFO_GET_REGS tag: changes whenever the list of partitions a VM can see
     * changes (a VM added or removed). Starts at 1; guarded by `lock`.
     */
    uint16_t partinfo_tag;

    /*
     * The mediator's own RX/TX pair, registered with the SPMC (page_alloc + FFA_RXTX_MAP_64):
     * the SPMC writes the partition list into `own_rx` at create time, and the mediator writes
     * forwarded descriptors into `own_tx`. Guarded by `own_lock` after create.
     */
    uint8_t *own_tx, *own_rx;
    uint64_t own_tx_pa, own_rx_pa;
    bool own_mapped;
    /* Guards the contents of own_tx, from writing a descriptor to the SPMC's answer. */
    void *own_lock;
    /* VM buffers are forwarded to the SPMC (it reads VM TX for SEND2, fills VM RX). */
    bool fwd_vm_buffers;

    /* Preempted or yielded secure contexts and the VM each is parked for (resume_rights.c). */
    struct resume_slot *resume;
    uint32_t resume_slots;
    void *resume_lock; /* guards `resume`; a leaf: no other mediator lock is held with it */

    /*
     * Memory transactions of every VM (lib/mem.h): a hash table of share records by handle,
     * grown as it fills, and the next hypervisor-allocated handle. Guarded by `mem_lock`, a leaf
     * lock.
     */
    struct ffam_share **mem_buckets;
    uint32_t mem_nbuckets;
    uint32_t mem_live;
    uint32_t mem_next_handle;
    void *mem_lock;

    /* Secure partitions, as the SPMC listed them at create time (see partinfo.c). */
    struct sp_entry *sps;
    uint32_t sp_count; /* entries kept */
    uint32_t sp_alloc; /* entries allocated */

    /*
     * Notifications with the secure world, found at create time: it has the ABIs VMs need
     * (bitmap create/destroy, get, info get), per-vCPU notifications, its schedule receiver
     * interrupt.
     */
    bool fw_notif;
    bool fw_notif_per_vcpu;
    bool fw_sri_valid;
    uint32_t fw_sri;

    /*
     * Secure partitions that want VM-availability messages (partition properties bits 6 and 7),
     * one entry per partition, built at create time (lifecycle.c).
     */
    struct lc_sp *lc_sps;
    uint32_t lc_count;
    /* VMs being torn down (left the VM table, not gone yet); capacity cfg.max_vms. */
    struct ffa_vm **dying;
    uint32_t dying_count;
    uint32_t poll_round; /* ffa_mediator_poll() rounds; guarded by `lock` like dying[] */
};

/* A secure partition that wants VM-availability messages. */
struct lc_sp {
    uint16_t id;
    uint32_t props; /* FFA_PART_PROP_VM_CREATED, FFA_PART_PROP_VM_DESTROYED */
};

/* One entry of the SPMC's partition list: one partition and one of its UUIDs. */
struct sp_entry {
    uint16_t id;
    uint16_t exec_ctx;
    uint32_t props;
    uint8_t uuid[16];
};

/* ---- Little-endian fields of descriptors in guest and mediator buffers ---- */
static inline void le_put(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t le_get(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = bytes; i > 0; i--)
        v = (v << 8) | p[i - 1];
    return v;
}

/* The VM with endpoint ID `id`, or NULL. The caller holds m->lock; this takes no lock. */
struct ffa_vm *ffam_vm_find_in_locked_table(struct ffa_mediator *m, uint16_t id);
/* Is `vm` in the VM table (CREATING or ACTIVE)? Take it out (partinfo tag bumped). m->lock held. */
bool ffam_vm_listed(const struct ffa_mediator *m, const struct ffa_vm *vm);
void ffam_vm_unlist(struct ffa_mediator *m, struct ffa_vm *vm);

/* ---- Locks (host callbacks; NULL lock = single-threaded host) ---- */
static inline void ffam_lock(const struct ffa_mediator *m, void *lock)
{
    if (lock != NULL)
        m->host->lock(m->host_ctx, lock);
}

static inline void ffam_unlock(const struct ffa_mediator *m, void *lock)
{
    if (lock != NULL)
        m->host->unlock(m->host_ctx, lock);
}

void *ffam_lock_create(struct ffa_mediator *m, bool *ok);
void ffam_lock_destroy(struct ffa_mediator *m, void *lock);

/* ---- Memory ---- */
void *ffam_zalloc(struct ffa_mediator *m, size_t size);
void ffam_free(struct ffa_mediator *m, void *ptr, size_t size);

/* ---- Logging: printf-like, with %u %d %x %s over uint64_t arguments ---- */
void ffam_log_args(const struct ffa_mediator *m, enum ffa_log_level level, const char *fmt,
                   const uint64_t *args, size_t nargs);

#define MED_LOG_ARGS(...)  ((const uint64_t[]){0, __VA_ARGS__})
#define MED_LOG_NARGS(...) (sizeof(MED_LOG_ARGS(__VA_ARGS__)) / sizeof(uint64_t))
/* MED_LOG(m, level, fmt, args...): at least one argument; MED_LOG0 for none. */
#define MED_LOG(m, level, fmt, ...)                                                                \
    do {                                                                                           \
        if ((m)->host->log != NULL)                                                                \
            ffam_log_args((m), (level), (fmt), MED_LOG_ARGS(__VA_ARGS__),                          \
                          MED_LOG_NARGS(__VA_ARGS__));                                             \
    } while (0)
#define MED_LOG0(m, level, msg)                                                                    \
    do {                                                                                           \
        if ((m)->host->log != NULL)                                                                \
            ffam_log_args((m), (level), (msg), NULL, 0);                                           \
    } while (0)
#define LOG_STR(s) ((uint64_t)(uintptr_t)(s))

/* ---- Secure world ---- */
int ffam_fw_probe(struct ffa_mediator *m, uint32_t cpu);

/*
 * The processor for secure-world calls the mediator makes on its own, outside a guest's call
 * (create, VM add/remove, destroy): the host's current_cpu callback, or processor 0 without it.
 */
static inline uint32_t ffam_host_cpu(const struct ffa_mediator *m)
{
    return m->host->current_cpu != NULL ? m->host->current_cpu(m->host_ctx) : 0;
}

/* Bit of `fid` in fw_abi: ((fnum - FFA_FNUM_MIN) << 1) | is_smc64. fid must be in range. */
static inline unsigned ffam_fw_abi_bit(uint32_t fid)
{
    return (((fid & FFA_SMCCC_FNUM_MASK) - FFA_FNUM_MIN) << 1) | ((fid >> 30) & 1u);
}

/* Did FFA_FEATURES say the secure world implements `fid` (an FF-A function ID)? */
static inline bool ffam_fw_supports(const struct ffa_mediator *m, uint32_t fid)
{
    unsigned bit = ffam_fw_abi_bit(fid);

    return ((fid & FFA_SMCCC_FNUM_MASK) - FFA_FNUM_MIN) <= (FFA_FNUM_MAX - FFA_FNUM_MIN) &&
           ((m->fw_abi[bit / 64] >> (bit % 64)) & 1u) != 0;
}

/*
 * One call into the secure world on physical processor `cpu`, serialised when the backend cannot
 * take concurrent calls.
 */
void ffam_fw_call_serialised(struct ffa_mediator *m, uint32_t cpu, const struct ffa_regs *in,
                             struct ffa_regs *out);

static inline void ffam_fw_call(struct ffa_mediator *m, uint32_t cpu, const struct ffa_regs *in,
                                struct ffa_regs *out)
{
    /*
     * The serialised path is out of line: with no call before the backend's, `cpu` can stay in
     * a scratch register on the per-call path.
     */
    if (__builtin_expect(m->backend_lock != NULL, 0)) {
        ffam_fw_call_serialised(m, cpu, in, out);
        return;
    }
    m->be.ops->call(m->be.ctx, cpu, in, out);
}

/* ---- Replies ---- */
/* Zero x8..x17: FF-A v1.2 says result registers an ABI does not use are zero. */
static inline void clear_x8_x17(struct ffa_regs *r)
{
    ffa_memset(&r->x[8], 0, sizeof(r->x[0]) * (FFA_NUM_REGS - 8));
}

/* Write x0..x7 of a reply; zero x8..x17 when the VM negotiated v1.2 on AArch64. */
static inline void reply8(const struct ffa_vm *vm, struct ffa_regs *r, uint64_t x0, uint64_t x1,
                          uint64_t x2, uint64_t x3, uint64_t x4, uint64_t x5, uint64_t x6,
                          uint64_t x7)
{
    r->x[0] = x0;
    r->x[1] = x1;
    r->x[2] = x2;
    r->x[3] = x3;
    r->x[4] = x4;
    r->x[5] = x5;
    r->x[6] = x6;
    r->x[7] = x7;
    if (vm != NULL && vm->clear_x8_x17)
        clear_x8_x17(r);
}

/* FFA_ERROR: w2 = status code, zero-extended (as Xen's ffa_set_regs_error(), ffa_private.h). */
static inline void reply_error(const struct ffa_vm *vm, struct ffa_regs *r, int32_t code)
{
    reply8(vm, r, FFA_ERROR, 0, (uint32_t)code, 0, 0, 0, 0, 0);
}

static inline void reply_success32(const struct ffa_vm *vm, struct ffa_regs *r, uint32_t w2,
                                   uint32_t w3)
{
    reply8(vm, r, FFA_SUCCESS_32, 0, w2, w3, 0, 0, 0, 0);
}

/* ---- Mailboxes (rxtx.c) ---- */
int32_t ffam_vm_rx_acquire(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, uint8_t **rx,
                           uint32_t *size);
void ffam_vm_rx_fill_done(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, bool filled);
/*
 * At VM removal: give back an RX buffer the SPMC lent and unmap the pair in both worlds. Returns
 * 0 (nothing mapped any more) or the SPMC's refusal (the pair stays mapped); with `force`, the
 * mediator's own mapping is dropped even then (ffa_mediator_destroy()).
 */
int32_t ffam_vm_buffers_teardown(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                                 bool force);
bool ffam_vm_buffers_supported(const struct ffa_mediator *m);

/* ---- The mediator's own buffers and the SP list (own_buffers.c, partinfo.c) ---- */
int ffam_own_buffers_setup(struct ffa_mediator *m, uint32_t cpu);
int32_t ffam_own_forward_rxtx_map(struct ffa_mediator *m, uint32_t cpu, uint16_t vm_id,
                                  const uint64_t *tx_pa, const uint64_t *rx_pa, uint32_t pages);
int32_t ffam_fw_simple_call(struct ffa_mediator *m, uint32_t cpu, uint32_t fid, uint64_t x1,
                            uint64_t x2, uint64_t x3);
void ffam_own_buffers_teardown(struct ffa_mediator *m, uint32_t cpu);
int ffam_partinfo_cache_sps(struct ffa_mediator *m, uint32_t cpu);
void ffam_partinfo_free(struct ffa_mediator *m);
bool ffam_send2_supported(const struct ffa_mediator *m, const struct ffa_vm *vm);

/* ---- Resume rights of preempted secure contexts (resume_rights.c) ---- */
int ffam_resume_rights_init(struct ffa_mediator *m);
void ffam_resume_rights_free(struct ffa_mediator *m);
int32_t ffam_resume_rights_check(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t target);
void ffam_resume_rights_park(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t target);
void ffam_resume_rights_release(struct ffa_mediator *m, uint32_t target);
void ffam_resume_rights_forget_vm(struct ffa_mediator *m, const struct ffa_vm *vm);
/* Park `target` for endpoint `owner` (0: the hypervisor's own framework messages). */
void ffam_resume_rights_park_id(struct ffa_mediator *m, uint16_t owner, uint32_t target);
/* A context parked for endpoint `owner`: true and *target, or false. */
bool ffam_resume_rights_find_owned(struct ffa_mediator *m, uint16_t owner, uint32_t *target);

/* ---- Notifications (notif.c, notif_sri.c) ---- */
/* Initial notification state of a new VM whose arrays vm_alloc() laid out: all vCPUs online. */
void ffam_notif_vm_init(struct ffa_vm *vm);
/* Can `vm` use notifications at all (its version, the secure world, VM-to-VM)? */
bool ffam_notif_available(const struct ffa_mediator *m, const struct ffa_vm *vm);
int32_t ffam_notif_features(const struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t id,
                            uint32_t *props);
/* Does `vm` receive notifications (partition properties bit 3)? */
bool ffam_notif_vm_receives(const struct ffa_mediator *m, const struct ffa_vm *vm);
/*
 * Mark the "RX buffer full" framework notification pending for `vm` and tell the host which vCPU
 * to interrupt. Takes vm->notif_lock; the caller holds m->lock (the VM stays in the table) and no
 * other lock; the host is signalled after the caller drops m->lock (ffam_notif_signal()).
 */
uint32_t ffam_notif_raise_rx_full(struct ffa_mediator *m, struct ffa_vm *vm);
/*
 * Mark a global (vcpu = NOTIF_GLOBAL) or per-vCPU notification pending for the VM's own
 * INFO_GET, and pick the vCPU to interrupt: returns it, or NOTIF_NO_TARGET when no vCPU is online
 * (the signal is sent when one comes online). Takes vm->notif_lock.
 */
#define NOTIF_GLOBAL    0xffffffffu
#define NOTIF_NO_TARGET 0xffffffffu
uint32_t ffam_notif_mark(struct ffa_vm *vm, uint32_t vcpu);
/* Tell the host to inject the NPI (no mediator lock held); NOTIF_NO_TARGET: nothing. */
void ffam_notif_signal(struct ffa_mediator *m, uint16_t vm_id, uint32_t vcpu);
/* Signal any host event (no mediator lock held). */
void ffam_notif_signal_event(struct ffa_mediator *m, uint16_t vm_id, uint16_t vcpu,
                             enum ffa_host_event event);
/* At VM removal: forget the bindings other VMs have with `vm` as the sender. m->lock held. */
void ffam_notif_forget_sender(struct ffa_mediator *m, uint16_t sender);

/* A compiler barrier: what was copied out of guest memory is not re-read from it. */
#define GUEST_COPY_BARRIER() __asm__ volatile("" ::: "memory")

/* ---- Handlers (one per ABI family; each writes the reply) ---- */
void ffam_handle_version(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs);
uint32_t ffam_vm_close_negotiation(struct ffa_mediator *m, struct ffa_vm *vm);
void ffam_handle_features(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs);
void ffam_handle_id_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs);
void ffam_handle_spm_id_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu);
void ffam_handle_msg_send_direct_req(struct ffa_mediator *m, struct ffa_vm *vm,
                                     struct ffa_regs *regs, uint32_t cpu, uint32_t fid);
void ffam_handle_msg_send_direct_req2(struct ffa_mediator *m, struct ffa_vm *vm,
                                      struct ffa_regs *regs, uint32_t cpu);
void ffam_handle_run(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                     uint32_t cpu);
void ffam_handle_rxtx_map(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                          uint32_t cpu, uint32_t fid);
void ffam_handle_rxtx_unmap(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu);
void ffam_handle_rx_release(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu);
void ffam_handle_partition_info_get(struct ffa_mediator *m, struct ffa_vm *vm,
                                    struct ffa_regs *regs, uint32_t cpu);
void ffam_handle_partition_info_get_regs(struct ffa_mediator *m, struct ffa_vm *vm,
                                         struct ffa_regs *regs);
void ffam_handle_msg_send2(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu);
void ffam_handle_notif_bind(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu, bool bind);
void ffam_handle_notif_set(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu);
void ffam_handle_notif_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu, uint16_t vcpu);
void ffam_handle_notif_info_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                uint32_t fid);

/* ---- Life cycle (lifecycle.c) ---- */
int ffam_lifecycle_init(struct ffa_mediator *m);
void ffam_lifecycle_free(struct ffa_mediator *m);
/* ffa_vm_add()'s secure-world part for a claimed VM: bitmap, VM-created messages. */
int ffam_lifecycle_vm_created(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu);
/* Tear down every VM, as ffa_mediator_destroy() does: one attempt per step, then forced. */
void ffam_lifecycle_destroy_all(struct ffa_mediator *m, uint32_t cpu);
void ffam_vm_free(struct ffa_mediator *m, struct ffa_vm *vm);

/* ---- Memory sharing (mem_*.c, lib/mem.h) ---- */
int ffam_mem_init(struct ffa_mediator *m);
void ffam_mem_free(struct ffa_mediator *m, uint32_t cpu);
void ffam_mem_vm_teardown(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu);
/*
 * One round of a removed VM's memory step (lifecycle.c): true when none of its transactions is
 * left, false while one waits (a share a secure partition still holds, its pages pinned, or one
 * another vCPU is working on).
 */
bool ffam_mem_vm_release(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu);
/* FFA_FEATURES for a memory ABI: 0 and the properties, or NOT_SUPPORTED. */
int32_t ffam_mem_features(const struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t fid,
                          uint32_t *props);
void ffam_handle_mem_send(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                          uint32_t cpu, uint32_t fid);
void ffam_handle_mem_frag_tx(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                             uint32_t cpu);
void ffam_handle_mem_frag_rx(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                             uint32_t cpu);
void ffam_handle_mem_reclaim(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                             uint32_t cpu);
void ffam_handle_mem_retrieve_req(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                  uint32_t cpu, uint32_t fid);
void ffam_handle_mem_relinquish(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                uint32_t cpu);

#endif /* FFA_LIB_INTERNAL_H */
