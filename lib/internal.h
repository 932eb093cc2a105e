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
 * Who may write a VM's RX buffer (secure-side.md 6; Hafnium's mailbox states, seen from the
 * mediator): FREE (the mediator, or the SPMC for messages from SPs, may fill it), WRITING (the
 * mediator is filling it, with the lock dropped), FULL (the mediator filled it; the VM owns it
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
    uint32_t fw_notif; /* hypervisor framework notifications pending (FFA_FW_NOTIF_*) */
};

struct ffa_vm {
    struct ffa_mediator *m;
    uint16_t id;
    uint16_t vcpu_count;
    bool aarch32;

    /*
     * Version negotiation (secure-side.md 2.2, xen-mediator.md 2.1). `version` is 0 until the
     * VM's first FF-A call other than FFA_VERSION; it is then published once (release store)
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
     * the SMC64 bit for an AArch32 one. Published last, with release order, once `version` is
     * final. Stored inverted so that the fast-path test is a single AND with memory.
     */
    uint32_t slow_fid_bits;

    /* The VM's RX/TX pair and mailbox state; guarded by `lock`. */
    struct vm_mailbox mbox;

    /* Guards this VM's negotiation state and its mailbox. */
    void *lock;
};

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

    /* Guards the VM table (vms, vm_count) and the SPM ID query. */
    void *lock;
    /* Serialises backend calls when the backend lacks FFA_BACKEND_CAP_CONCURRENT; else NULL. */
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
    void *own_lock;
    /* VM buffers are forwarded to the SPMC (it reads VM TX for SEND2, fills VM RX). */
    bool fwd_vm_buffers;

    /* Preempted or yielded secure contexts and the VM each is parked for (resume_rights.c). */
    struct resume_slot *resume;
    uint32_t resume_slots;
    void *resume_lock; /* guards `resume` */

    /* Secure partitions, as the SPMC listed them at create time (see partinfo.c). */
    struct sp_entry *sps;
    uint32_t sp_count; /* entries kept */
    uint32_t sp_alloc; /* entries allocated */
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

/* The VM with endpoint ID `id`, or NULL. Caller holds m->lock. */
struct ffa_vm *vm_find_locked(struct ffa_mediator *m, uint16_t id);
/* ffa_vm_remove() with the secure-world work issued on `cpu` (checked arguments). */
int vm_remove(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu);

/* ---- Locks (host callbacks; NULL lock = single-threaded host) ---- */
static inline void med_lock(const struct ffa_mediator *m, void *lock)
{
    if (lock != NULL)
        m->host->lock(m->host_ctx, lock);
}

static inline void med_unlock(const struct ffa_mediator *m, void *lock)
{
    if (lock != NULL)
        m->host->unlock(m->host_ctx, lock);
}

void *med_lock_create(struct ffa_mediator *m, bool *ok);
void med_lock_destroy(struct ffa_mediator *m, void *lock);

/* ---- Memory ---- */
void *med_zalloc(struct ffa_mediator *m, size_t size);
void med_free(struct ffa_mediator *m, void *ptr, size_t size);

/* ---- Logging: printf-like, with %u %d %x %s over uint64_t arguments ---- */
void med_log_args(const struct ffa_mediator *m, enum ffa_log_level level, const char *fmt,
                  const uint64_t *args, size_t nargs);

#define MED_LOG_ARGS(...)  ((const uint64_t[]){0, __VA_ARGS__})
#define MED_LOG_NARGS(...) (sizeof(MED_LOG_ARGS(__VA_ARGS__)) / sizeof(uint64_t))
/* MED_LOG(m, level, fmt, args...): at least one argument; MED_LOG0 for none. */
#define MED_LOG(m, level, fmt, ...)                                                                \
    do {                                                                                           \
        if ((m)->host->log != NULL)                                                                \
            med_log_args((m), (level), (fmt), MED_LOG_ARGS(__VA_ARGS__),                           \
                         MED_LOG_NARGS(__VA_ARGS__));                                              \
    } while (0)
#define MED_LOG0(m, level, msg)                                                                    \
    do {                                                                                           \
        if ((m)->host->log != NULL)                                                                \
            med_log_args((m), (level), (msg), NULL, 0);                                            \
    } while (0)
#define LOG_STR(s) ((uint64_t)(uintptr_t)(s))

/* ---- Secure world ---- */
int fw_probe(struct ffa_mediator *m, uint32_t cpu);

/*
 * The processor for secure-world calls the mediator makes on its own, outside a guest's call
 * (create, VM add/remove, destroy): the host's current_cpu callback, or processor 0 without it.
 */
static inline uint32_t med_host_cpu(const struct ffa_mediator *m)
{
    return m->host->current_cpu != NULL ? m->host->current_cpu(m->host_ctx) : 0;
}

/* Bit of `fid` in fw_abi: ((fnum - FFA_FNUM_MIN) << 1) | is_smc64. fid must be in range. */
static inline unsigned fw_abi_bit(uint32_t fid)
{
    return (((fid & FFA_SMCCC_FNUM_MASK) - FFA_FNUM_MIN) << 1) | ((fid >> 30) & 1u);
}

/* Did FFA_FEATURES say the secure world implements `fid` (an FF-A function ID)? */
static inline bool fw_supports(const struct ffa_mediator *m, uint32_t fid)
{
    unsigned bit = fw_abi_bit(fid);

    return ((fid & FFA_SMCCC_FNUM_MASK) - FFA_FNUM_MIN) <= (FFA_FNUM_MAX - FFA_FNUM_MIN) &&
           ((m->fw_abi[bit / 64] >> (bit % 64)) & 1u) != 0;
}

/*
 * One call into the secure world on physical processor `cpu`, serialised when the backend cannot
 * take concurrent calls.
 */
void fw_call_serialised(struct ffa_mediator *m, uint32_t cpu, const struct ffa_regs *in,
                        struct ffa_regs *out);

static inline void fw_call(struct ffa_mediator *m, uint32_t cpu, const struct ffa_regs *in,
                           struct ffa_regs *out)
{
    /*
     * The serialised path is out of line: with no call before the backend's, `cpu` can stay in
     * a scratch register on the per-call path.
     */
    if (__builtin_expect(m->backend_lock != NULL, 0)) {
        fw_call_serialised(m, cpu, in, out);
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

/* FFA_ERROR: w2 = status code, zero-extended (xen-mediator.md 0, "Error codes"). */
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
int32_t vm_rx_acquire(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, uint8_t **rx,
                      uint32_t *size);
void vm_rx_fill_done(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, bool filled);
void vm_buffers_teardown(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu);
bool vm_buffers_supported(const struct ffa_mediator *m);

/* ---- The mediator's own buffers and the SP list (own_buffers.c, partinfo.c) ---- */
int own_buffers_setup(struct ffa_mediator *m, uint32_t cpu);
int32_t own_forward_rxtx_map(struct ffa_mediator *m, uint32_t cpu, uint16_t vm_id,
                             const uint64_t *tx_pa, const uint64_t *rx_pa, uint32_t pages);
int32_t fw_simple_call(struct ffa_mediator *m, uint32_t cpu, uint32_t fid, uint64_t x1, uint64_t x2,
                       uint64_t x3);
void own_buffers_teardown(struct ffa_mediator *m, uint32_t cpu);
int partinfo_cache_sps(struct ffa_mediator *m, uint32_t cpu);
void partinfo_free(struct ffa_mediator *m);
bool send2_supported(const struct ffa_mediator *m, const struct ffa_vm *vm);

/* ---- Resume rights of preempted secure contexts (resume_rights.c) ---- */
int resume_rights_init(struct ffa_mediator *m);
void resume_rights_free(struct ffa_mediator *m);
int32_t resume_rights_check(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t target);
void resume_rights_park(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t target);
void resume_rights_release(struct ffa_mediator *m, uint32_t target);
void resume_rights_forget_vm(struct ffa_mediator *m, const struct ffa_vm *vm);

/* A compiler barrier: what was copied out of guest memory is not re-read from it. */
#define GUEST_COPY_BARRIER() __asm__ volatile("" ::: "memory")

/* ---- Handlers (one per ABI family; each writes the reply) ---- */
void ffa_handle_version(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs);
uint32_t vm_lock_version(struct ffa_mediator *m, struct ffa_vm *vm);
void ffa_handle_features(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs);
void ffa_handle_id_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs);
void ffa_handle_spm_id_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu);
void ffa_handle_msg_send_direct_req(struct ffa_mediator *m, struct ffa_vm *vm,
                                    struct ffa_regs *regs, uint32_t cpu, uint32_t fid);
void ffa_handle_msg_send_direct_req2(struct ffa_mediator *m, struct ffa_vm *vm,
                                     struct ffa_regs *regs, uint32_t cpu);
void ffa_handle_run(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs, uint32_t cpu);
void ffa_handle_rxtx_map(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                         uint32_t cpu, uint32_t fid);
void ffa_handle_rxtx_unmap(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu);
void ffa_handle_rx_release(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu);
void ffa_handle_partition_info_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                   uint32_t cpu);
void ffa_handle_partition_info_get_regs(struct ffa_mediator *m, struct ffa_vm *vm,
                                        struct ffa_regs *regs);
void ffa_handle_msg_send2(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                          uint32_t cpu);

#endif /* FFA_LIB_INTERNAL_H */
