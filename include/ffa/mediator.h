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

/* Memory sharing limits (docs/memory-sharing.md). */
#define FFA_DEFAULT_MEM_MAX_SHARES    4096u    /* live handles per VM */
#define FFA_DEFAULT_MEM_MAX_PAGES     262144u  /* pages per transaction: 1 GiB */
#define FFA_DEFAULT_MEM_MAX_BORROWERS 8u       /* borrowers (EMADs) per transaction */
#define FFA_LIMIT_MEM_MAX_SHARES      1048576u /* at most 2^20 live handles per VM */
#define FFA_LIMIT_MEM_MAX_BORROWERS   64u      /* the header and EMADs fit one 4 KiB fragment */

struct ffa_mediator_config {
    uint32_t flags;             /* FFA_CFG_* */
    uint32_t max_vms;           /* most VMs at once; 0 selects FFA_DEFAULT_MAX_VMS */
    uint32_t rxtx_max_pages;    /* largest RX (and TX) buffer a VM may map, in 4 KiB pages;
                                   0 selects FFA_DEFAULT_RXTX_MAX_PAGES; at most
                                   FFA_LIMIT_RXTX_MAX_PAGES */
    uint32_t mem_max_shares;    /* memory transactions a VM may have at once (sent and not yet
                                   reclaimed, or being sent); 0 selects
                                   FFA_DEFAULT_MEM_MAX_SHARES; at most FFA_LIMIT_MEM_MAX_SHARES;
                                   one more is NO_MEMORY */
    uint32_t mem_max_pages;     /* pages in one transaction; 0 selects FFA_DEFAULT_MEM_MAX_PAGES;
                                   more is NO_MEMORY */
    uint32_t mem_max_borrowers; /* borrowers of one transaction; 0 selects
                                   FFA_DEFAULT_MEM_MAX_BORROWERS; at most
                                   FFA_LIMIT_MEM_MAX_BORROWERS; more is INVALID_PARAMETERS
                                   (Hafnium's MAX_MEM_SHARE_RECIPIENTS rule) */
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
 * Remove every VM still present (as ffa_vm_remove()), unregister the mediator's buffers from the
 * secure world and free the mediator. NULL is accepted. No call may be in progress.
 */
void ffa_mediator_destroy(struct ffa_mediator *m);

/*
 * The function IDs ffa_mediator_create() asks the secure world about with FFA_FEATURES, in the
 * order it asks (after FFA_VERSION): what a scripted secure world must answer. Pure.
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
 * Add a VM with FF-A endpoint ID `id` and `vcpu_count` vCPUs.
 *
 * `id` must be a non-secure endpoint ID other than the hypervisor's (1..0x7FFF) and unique in
 * this mediator; `vcpu_count` at least 1. The VM starts with no negotiated version.
 * Returns 0 and *out, or FFA_RET_INVALID_PARAMETERS (bad id or count), FFA_RET_DENIED (id already
 * present), FFA_RET_NO_MEMORY (allocation failed or max_vms reached). The handle stays valid
 * until ffa_vm_remove(). Thread safe.
 */
int ffa_vm_add(struct ffa_mediator *m, uint16_t id, uint16_t vcpu_count, uint32_t flags,
               struct ffa_vm **out);

/*
 * Remove a VM: reclaim the memory it shared, lent or donated (FFA_MEM_RECLAIM to the secure
 * world; memory an SP still holds stays pinned, with an error logged), unmap what it borrowed from
 * other VMs and what other VMs borrowed from it (mem_unmap) and give its pages back
 * (mem_release), release its RX/TX buffers (and tell the secure world), drop it from partition
 * discovery, free it. No call for this VM may be in progress or start afterwards; other VMs may
 * keep calling. Returns 0, or FFA_RET_INVALID_PARAMETERS if `vm` does not belong to `m`.
 */
int ffa_vm_remove(struct ffa_mediator *m, struct ffa_vm *vm);

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
 * bit 0 = "RX buffer full", set when the mediator delivered a message from another VM into the
 * VM's RX buffer (the host also got FFA_HOST_EVENT_RX_FULL), cleared when the VM releases the
 * buffer with FFA_RX_RELEASE. Thread safe.
 */
#define FFA_FW_NOTIF_RX_FULL (1u << 0)
uint32_t ffa_vm_framework_notifications(struct ffa_vm *vm);

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
