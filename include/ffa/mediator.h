/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libffa-mediator: the FF-A mediator core.
 *
 * A hypervisor traps a guest's SMC/HVC, copies x0..x17 into a `struct ffa_regs` and calls
 * ffa_mediator_handle(). The mediator either declines the call (not FF-A: route it to another
 * SMCCC service) or handles it: it validates, answers on its own or forwards to the secure world
 * through the backend, and leaves the reply in the same register struct for the hypervisor to
 * copy back into the vCPU.
 *
 * Ownership: the mediator owns its VMs (struct ffa_vm) and everything it allocated through the
 * host callbacks. It does not own the host table, the host context or the backend: they must
 * outlive the mediator, and the caller destroys the backend after ffa_mediator_destroy().
 *
 * Thread safety: with the host lock callbacks set, ffa_mediator_handle() may run concurrently on
 * any number of threads, for the same or different VMs and vCPUs. ffa_vm_add() may run
 * concurrently with calls for other VMs. ffa_vm_remove() and ffa_mediator_destroy() must not run
 * while any call for that VM (or mediator) is in progress: a hypervisor removes a VM after its
 * vCPUs have stopped. Two mediators never share state.
 *
 * Processors: the secure world is always called on a physical processor (PE), named by its
 * 0-based index in the hypervisor's own numbering (backend.h). For the secure-world calls made
 * while handling a guest's call, the hypervisor names the PE in ffa_mediator_handle()'s `cpu`.
 * For the calls the mediator makes on its own (the probe in ffa_mediator_create(), and the work
 * of ffa_vm_add(), ffa_vm_remove() and ffa_mediator_destroy()) it asks the host's current_cpu
 * callback, at most once per entry point (host.h); without that callback they are issued on
 * processor 0.
 *
 * Errors: functions that return int return 0 or a negative FF-A status code (FFA_RET_*), so a
 * hypervisor can log them with ffa_error_name().
 */
#ifndef FFA_MEDIATOR_H
#define FFA_MEDIATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/abi.h"
#include "ffa/backend.h"
#include "ffa/host.h"
#include "ffa/regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The FF-A version this mediator implements and answers to FFA_VERSION. */
#define FFA_MEDIATOR_VERSION FFA_VERSION_1_2

/* Oldest secure-world FF-A version the mediator works with (as Xen: FFA_MIN_SPMC_VERSION). */
#define FFA_MEDIATOR_MIN_FW_VERSION FFA_VERSION_1_1

struct ffa_mediator;
struct ffa_vm;

/* ---- Configuration ---- */

/*
 * FFA_CFG_VM_TO_VM: let VMs see each other in partition discovery, exchange indirect messages
 * (FFA_MSG_SEND2) through the mediator, and (with the host's mem_map/mem_unmap) share, lend and
 * donate memory to each other, the mediator being the sharing authority (docs/memory-sharing.md).
 * Off by default: there is no access control between VMs beyond what the host enforces by
 * choosing which VMs to add (and which pages it lets mem_acquire/mem_map hand over).
 */
#define FFA_CFG_VM_TO_VM (1u << 0)

#define FFA_DEFAULT_MAX_VMS        256u
#define FFA_DEFAULT_RXTX_MAX_PAGES 16u
#define FFA_LIMIT_RXTX_MAX_PAGES   64u /* FFA_RXTX_MAP takes w3[5:0] in v1.0 */

/*
 * The interrupt IDs VMs get from FFA_FEATURES for the notification pending interrupt (feature
 * ID 1) and the schedule receiver interrupt (feature ID 2) when the config leaves them 0: the
 * SGIs Xen gives its guests (xen/include/public/arch-arm.h, GUEST_FFA_NOTIF_PEND_INTR_ID and
 * GUEST_FFA_SCHEDULE_RECV_INTR_ID). They are virtual interrupts the host injects; the secure
 * world's own schedule receiver interrupt is ffa_mediator_fw_sri().
 */
#define FFA_DEFAULT_NPI_INTID 8u
#define FFA_DEFAULT_SRI_INTID 9u
/* Attempts per VM-availability message and per retried teardown step (ffa_mediator_poll()). */
#define FFA_DEFAULT_LIFECYCLE_ATTEMPTS 32u

/* Memory sharing limits (docs/memory-sharing.md). */
#define FFA_DEFAULT_MEM_MAX_SHARES    4096u    /* live handles per VM */
#define FFA_DEFAULT_MEM_MAX_PAGES     262144u  /* pages per transaction: 1 GiB */
#define FFA_DEFAULT_MEM_MAX_BORROWERS 8u       /* borrowers (EMADs) per transaction */
#define FFA_LIMIT_MEM_MAX_SHARES      1048576u /* at most 2^20 live handles per VM */
#define FFA_LIMIT_MEM_MAX_BORROWERS   64u      /* the header and EMADs fit one 4 KiB fragment */

struct ffa_mediator_config {
    uint32_t flags;              /* FFA_CFG_* */
    uint32_t max_vms;            /* most VMs at once (VMs being torn down count); 0 selects
                                    FFA_DEFAULT_MAX_VMS */
    uint32_t rxtx_max_pages;     /* largest RX (and TX) buffer a VM may map, in 4 KiB pages;
                                    0 selects FFA_DEFAULT_RXTX_MAX_PAGES; at most
                                    FFA_LIMIT_RXTX_MAX_PAGES */
    uint32_t mem_max_shares;     /* memory transactions a VM may have at once (sent and not yet
                                    reclaimed, or being sent); 0 selects
                                    FFA_DEFAULT_MEM_MAX_SHARES; at most FFA_LIMIT_MEM_MAX_SHARES;
                                    one more is NO_MEMORY */
    uint32_t mem_max_pages;      /* pages in one transaction; 0 selects FFA_DEFAULT_MEM_MAX_PAGES;
                                    more is NO_MEMORY */
    uint32_t mem_max_borrowers;  /* borrowers of one transaction; 0 selects
                                    FFA_DEFAULT_MEM_MAX_BORROWERS; at most
                                    FFA_LIMIT_MEM_MAX_BORROWERS; more is INVALID_PARAMETERS
                                    (Hafnium's MAX_MEM_SHARE_RECIPIENTS rule) */
    uint32_t npi_intid;          /* FFA_FEATURES(1) for VMs; 0 selects FFA_DEFAULT_NPI_INTID */
    uint32_t sri_intid;          /* FFA_FEATURES(2) for VMs; 0 selects FFA_DEFAULT_SRI_INTID */
    uint32_t lifecycle_attempts; /* how often a VM-availability message or a teardown step
                                    answered "retry" is tried before the mediator gives up;
                                    0 selects FFA_DEFAULT_LIFECYCLE_ATTEMPTS */
};

/* ---- Life cycle ---- */

/*
 * Create a mediator and probe the secure world behind `backend`: FFA_VERSION (must be 1.x with
 * x >= 1), then FFA_FEATURES for every ABI the mediator forwards, then (with page_alloc) register
 * the mediator's own RX/TX buffers and cache the partition list.
 *
 * `cfg` may be NULL (all defaults). `host` must stay valid until destroy; alloc and free are
 * required. `backend` may be NULL: then there is no secure world, and only what the mediator
 * answers itself (and VM-to-VM traffic) works. The backend struct is copied; its context must
 * outlive the mediator.
 *
 * Returns 0 and *out, or FFA_RET_INVALID_PARAMETERS (bad config or host table),
 * FFA_RET_NO_MEMORY (allocation failed), FFA_RET_NOT_SUPPORTED (the secure world does not speak
 * a compatible FF-A version). Not thread safe with respect to the new mediator (nobody else has
 * it yet).
 */
int ffa_mediator_create(const struct ffa_mediator_config *cfg, const struct ffa_host_ops *host,
                        void *host_ctx, const struct ffa_backend *backend,
                        struct ffa_mediator **out);

/*
 * Remove every VM still present and finish the teardown of those being removed (as
 * ffa_vm_remove(), but each step is tried once: what the secure world defers is given up and
 * logged, and a VM whose buffers the secure world would not unmap is freed without
 * FFA_HOST_EVENT_VM_GONE: the host must keep its memory), unregister the mediator's buffers from
 * the secure world and free the mediator. NULL is accepted. No call may be in progress.
 */
void ffa_mediator_destroy(struct ffa_mediator *m);

/*
 * What ffa_mediator_create() asks the secure world about with FFA_FEATURES (w1), in the order it
 * asks (after FFA_VERSION): function IDs, then the feature IDs FFA_FEATURE_SRI and
 * FFA_FEATURE_NOTIF (bit 31 clear). What a scripted secure world must answer. Pure.
 */
const uint32_t *ffa_mediator_probe_list(size_t *count);

/* The secure world's FF-A version found at create time (0 without a backend). Thread safe. */
uint32_t ffa_mediator_fw_version(const struct ffa_mediator *m);

/*
 * True if FFA_FEATURES told the mediator at create time that the secure world implements `fid`.
 * Thread safe.
 */
bool ffa_mediator_fw_supports(const struct ffa_mediator *m, uint32_t fid);

/* ---- VMs ---- */

/* ffa_vm_add() flags. */
#define FFA_VM_AARCH32 (1u << 0) /* the VM runs AArch32: SMC64 calls are refused */

/*
 * A VM's life cycle (docs/notifications.md): ffa_vm_add() creates it CREATING; once every secure
 * partition that asked for VM-created messages acknowledged (or refused) its message it is
 * ACTIVE. ffa_vm_remove() makes it TEARING_DOWN: it leaves the VM table at once, and its
 * resources in both worlds are released; when the last one is gone the mediator frees it and
 * signals FFA_HOST_EVENT_VM_GONE (GONE is never observed through a handle: the handle is freed).
 */
enum ffa_vm_state {
    FFA_VM_CREATING = 0,
    FFA_VM_ACTIVE = 1,
    FFA_VM_TEARING_DOWN = 2,
};

/*
 * Returned (positive) by ffa_vm_add(), ffa_vm_remove() and ffa_mediator_poll() when part of the
 * work waits for the secure world (an SP answered RETRY, INTERRUPTED or BUSY, or was preempted):
 * the host calls ffa_mediator_poll() later, from a timer or a work item, until it returns 0.
 */
#define FFA_LIFECYCLE_PENDING 1

/*
 * Add a VM with FF-A endpoint ID `id` and `vcpu_count` vCPUs (all online, see
 * ffa_vm_vcpu_set_online()).
 *
 * `id` must be a non-secure endpoint ID other than the hypervisor's (1..0x7FFF) and unique in
 * this mediator; `vcpu_count` at least 1. The VM starts with no negotiated version. When the
 * secure world has notifications, its notification bitmap is created
 * (FFA_NOTIFICATION_BITMAP_CREATE(id, vcpu_count)); then every secure partition whose properties
 * ask for VM-created messages gets one (a framework direct request), once.
 *
 * Returns 0 and *out (the VM is ACTIVE), FFA_LIFECYCLE_PENDING and *out (the VM is CREATING and
 * usable: some partition answered "retry"; ffa_mediator_poll() retries), or an error and nothing
 * added: FFA_RET_INVALID_PARAMETERS (bad id or count), FFA_RET_DENIED (id present), FFA_RET_BUSY
 * (id still being torn down: wait for its FFA_HOST_EVENT_VM_GONE), FFA_RET_NO_MEMORY (allocation
 * failed, max_vms reached, or the secure world refused the bitmap). A partition refusing its
 * VM-created message does not fail the add: FFA_HOST_EVENT_VM_CREATE_FAILED tells the host. The
 * handle stays valid until the VM is gone. Thread safe.
 */
int ffa_vm_add(struct ffa_mediator *m, uint16_t id, uint16_t vcpu_count, uint32_t flags,
               struct ffa_vm **out);

/*
 * Remove a VM. It leaves the VM table at once (partition discovery, VM-to-VM messages and
 * notifications no longer find it; its ID stays reserved), then everything it holds is released:
 * preempted secure contexts parked for it are run to completion and their answers dropped, its
 * RX/TX buffers are unmapped in both worlds, its notification bitmap is destroyed (after reading
 * and dropping what is still pending), its VM-to-VM notification state is dropped, secure
 * partitions that asked for VM-destroyed messages get one, and its memory transactions are
 * undone: what it shared, lent or donated is reclaimed (FFA_MEM_RECLAIM to the secure world) and
 * given back (mem_release), what it borrowed from other VMs and what they borrowed from it is
 * unmapped (mem_unmap). Memory a secure partition still holds stays pinned, and the reclaim is
 * tried again by ffa_mediator_poll() until the partition relinquishes it.
 *
 * Returns 0 when all of it is done (the VM is gone: FFA_HOST_EVENT_VM_GONE was signalled and the
 * handle is freed), FFA_LIFECYCLE_PENDING when the secure world deferred part of it (the handle
 * stays valid, in TEARING_DOWN, until ffa_mediator_poll() finishes and signals
 * FFA_HOST_EVENT_VM_GONE), or FFA_RET_INVALID_PARAMETERS if `vm` is not an ACTIVE or CREATING VM
 * of `m`. No call for this VM may be in progress or start afterwards; other VMs may keep calling.
 * Until FFA_HOST_EVENT_VM_GONE the host must keep the domain's memory: the secure world may still
 * reach it.
 */
int ffa_vm_remove(struct ffa_mediator *m, struct ffa_vm *vm);

/*
 * Retry the life-cycle work the secure world deferred, for every VM: VM-created messages of
 * CREATING VMs, teardown steps of TEARING_DOWN VMs. Each pending message or step is tried once
 * per call (bounded work: no loop waits for the secure world), on the processor current_cpu
 * names. A step that keeps answering "retry" is given up after the config's lifecycle_attempts
 * (logged; a VM-created message given up signals FFA_HOST_EVENT_VM_CREATE_FAILED). What keeps
 * the VM's memory reachable from the secure world is never given up: a memory transaction a
 * secure partition still holds is reclaimed again at each call until the partition relinquishes
 * it (the host may call slowly then), and buffers the SPMC will not unmap after those attempts
 * leave the VM "stuck": TEARING_DOWN for good, not retried, never reported gone. Returns 0
 * (nothing left to retry) or FFA_LIFECYCLE_PENDING (call again later). Thread safe; calls for
 * VMs may run meanwhile.
 */
int ffa_mediator_poll(struct ffa_mediator *m);

/* The VM's life-cycle state (enum ffa_vm_state). Thread safe. */
enum ffa_vm_state ffa_vm_state(const struct ffa_vm *vm);

/*
 * Tell the mediator whether vCPU `vcpu` of `vm` is online (powered on: PSCI CPU_ON, CPU_OFF).
 * Global notifications are signalled to the first online vCPU
 * (FFA_HOST_EVENT_NOTIFICATION_PENDING), so the host reports vCPUs going offline; all vCPUs start
 * online. When the first vCPU of a VM with no online vCPU comes online while global notifications
 * are pending, it is signalled at once. Returns 0, or FFA_RET_INVALID_PARAMETERS (no such vCPU).
 * Thread safe.
 */
int ffa_vm_vcpu_set_online(struct ffa_vm *vm, uint16_t vcpu, bool online);

/* The VM with endpoint ID `id`, or NULL. Thread safe. */
struct ffa_vm *ffa_vm_find(struct ffa_mediator *m, uint16_t id);

/* The VM's FF-A endpoint ID. */
uint16_t ffa_vm_id(const struct ffa_vm *vm);

/*
 * The version the VM negotiated, or 0 while negotiation is still open (before its first FF-A call
 * other than FFA_VERSION). Thread safe.
 */
uint32_t ffa_vm_version(const struct ffa_vm *vm);

/*
 * Hypervisor framework notifications pending for the VM (the FFA_NOTIFICATION_GET w7 bitmap):
 * bit 0 = FFA_FW_NOTIF_RX_FULL, set when the mediator delivered a message from another VM into
 * the VM's RX buffer (the host also got FFA_HOST_EVENT_NOTIFICATION_PENDING), cleared when the VM
 * reads it with FFA_NOTIFICATION_GET (hypervisor framework flag). Thread safe.
 */
uint32_t ffa_vm_framework_notifications(struct ffa_vm *vm);

/* ---- The schedule receiver interrupt ---- */

/* What one ffa_mediator_handle_sri() call did. */
struct ffa_sri_result {
    uint32_t info_get_calls; /* FFA_NOTIFICATION_INFO_GET_64 calls made to the secure world */
    uint32_t signalled;      /* FFA_HOST_EVENT_NOTIFICATION_PENDING events raised */
    uint32_t sp_entries;     /* entries naming a secure partition (it needs cycles to handle its
                                notifications; the mediator does not run it) */
    uint32_t dropped;        /* entries naming no VM of this mediator, or a vCPU it lacks */
};

/*
 * The host's handler of the secure world's schedule receiver interrupt (on real hardware a
 * physical interrupt, ffa_mediator_fw_sri(); in an emulated secure world a callback), run on
 * physical processor `cpu` outside interrupt context (a tasklet or work item: it calls the
 * secure world). It asks FFA_NOTIFICATION_INFO_GET_64 until nothing more is pending (the "more
 * pending" flag clear, or NO_DATA) and, for each VM the answers list, raises
 * FFA_HOST_EVENT_NOTIFICATION_PENDING for the vCPU to inject the NPI into: each vCPU a per-vCPU
 * list names, or the VM's first online vCPU for global notifications. The VM's own
 * FFA_NOTIFICATION_INFO_GET then reports itself, and its FFA_NOTIFICATION_GET collects the bits.
 *
 * Returns 0, FFA_RET_NOT_SUPPORTED (the secure world has no notifications), FFA_RET_RETRY (still
 * "more pending" after 64 calls: call again later), FFA_RET_ABORTED (a malformed answer, logged),
 * or the error INFO_GET answered. `res` may be NULL. Thread safe.
 */
int ffa_mediator_handle_sri(struct ffa_mediator *m, uint32_t cpu, struct ffa_sri_result *res);

/*
 * The secure world's schedule receiver interrupt ID (FFA_FEATURES(2) at create time): 0 and
 * *intid, or FFA_RET_NOT_SUPPORTED. The host registers its handler for this interrupt. Pure.
 */
int ffa_mediator_fw_sri(const struct ffa_mediator *m, uint32_t *intid);

/* ---- The entry point ---- */

enum ffa_call_status {
    /* Not an FF-A call: `regs` is untouched; route it to another SMCCC service. */
    FFA_CALL_DECLINED = 0,
    /* An FF-A call: the reply (success or FFA_ERROR) is in `regs`, ready for the guest. */
    FFA_CALL_HANDLED = 1,
};

/*
 * Handle one SMC/HVC from vCPU `vcpu` of `vm`, trapped on physical processor `cpu`: the 0-based
 * index, as the hypervisor numbers its physical CPUs, of the PE the vCPU runs on while making
 * the call (smp_processor_id() in the trap handler). Every secure-world call the mediator makes
 * on behalf of this guest call is issued on `cpu` (struct ffa_backend_ops.call); the mediator
 * only passes it on.
 *
 * `regs` holds the guest's x0..x17 on entry and the reply on return (only when
 * FFA_CALL_HANDLED). x0..x7 of a reply are always written; x8..x17 are zeroed for AArch64 VMs
 * that negotiated v1.2 (FF-A v1.2: unused result registers are zero) and preserved otherwise,
 * except where an ABI returns results there (DIRECT_RESP2, PARTITION_INFO_GET_REGS).
 *
 * A call is FF-A when x0 is a fast call to the standard secure service with a function number in
 * 0x60..0x97 (bit 16, the SMCCC SVE hint, is ignored). Every FF-A call gets an FF-A reply; the
 * mediator never fails in any other way. Thread safe (see the top of this file).
 */
enum ffa_call_status ffa_mediator_handle(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t vcpu,
                                         uint32_t cpu, struct ffa_regs *regs);

/* True if `fid` (x0 of a call) is one ffa_mediator_handle() claims. Pure. */
bool ffa_is_ffa_call(uint64_t fid);

#ifdef __cplusplus
}
#endif

#endif /* FFA_MEDIATOR_H */
