/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host callbacks: everything the mediator core needs from the world around it.
 *
 * The core keeps no globals and does no I/O of its own. A hypervisor, a simulator or a unit test
 * fills one `struct ffa_host_ops` (usually a static const table) and passes it with an opaque
 * `host` pointer that comes back as the first argument of every callback.
 *
 * Required: alloc, free. Everything else is optional; what a missing callback disables is said
 * beside it.
 *
 * Which callbacks run while the mediator holds one of its own locks: lock and unlock (the
 * mediator nests its locks in one fixed order and never takes one it holds), log (anywhere),
 * guest_map and guest_unmap (under the VM's lock). None of them may call into the mediator or take
 * a lock the mediator could hold. alloc, free, lock_create, lock_destroy, page_alloc, page_free,
 * notify, current_cpu and trace are called with no mediator lock held. The backend's call() may run
 * under mediator locks too (backend.h).
 *
 * The processor of each secure-world call: the mediator issues every call into the secure world
 * on a physical processor index (struct ffa_backend_ops.call). A guest's call carries it
 * (ffa_mediator_handle()'s `cpu`); calls the mediator makes on its own take it from
 * current_cpu below.
 */
#ifndef FFA_HOST_H
#define FFA_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "ffa/regs.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ffa_log_level {
    FFA_LOG_ERROR = 0, /* the mediator or the secure world misbehaved */
    FFA_LOG_WARN = 1,  /* a guest did something suspicious (bad descriptor, forged ID) */
    FFA_LOG_INFO = 2,  /* life-cycle events: probe result, VM added/removed */
    FFA_LOG_DEBUG = 3, /* per-call diagnostics: why a call got its error code */
};

/* Access a guest mapping must allow (guest_map's, mem_acquire's and mem_map's `access`). */
#define FFA_GUEST_READ  (1u << 0)
#define FFA_GUEST_WRITE (1u << 1)
#define FFA_GUEST_EXEC  (1u << 2) /* mem_map only: the borrower may execute from the pages */

/*
 * How a VM sends memory (the `xfer` of the mem_* callbacks). The values are FF-A's transaction
 * types (enum ffa_mem_xfer in ffa/mem_desc.h).
 */
#define FFA_HOST_MEM_SHARE  1u /* the lender keeps its access; borrowers get access too */
#define FFA_HOST_MEM_LEND   2u /* the lender loses access until it reclaims the memory */
#define FFA_HOST_MEM_DONATE 3u /* ownership moves to the borrower */

/* Flags of mem_map, mem_unmap and mem_release. */
#define FFA_HOST_MEM_ZERO (1u << 0) /* zero the pages first (the FF-A "clear memory" flags) */

/* Events the mediator signals to the host (notify callback). */
enum ffa_host_event {
    /*
     * Notifications are pending for the VM: inject the notification pending interrupt (the NPI
     * the host configured, FFA_FEATURES feature ID 1) into vCPU `vcpu` of VM `vm_id`. Raised when
     * another VM sets a notification (FFA_NOTIFICATION_SET, VM to VM), when a message lands in
     * the VM's RX buffer (FFA_MSG_SEND2 from another VM: the "RX buffer full" framework
     * notification), by ffa_mediator_handle_sri() for what the secure world reports, and by
     * ffa_vm_vcpu_set_online() when a VM's first vCPU comes online with notifications waiting.
     * `vcpu` is the vCPU a per-vCPU notification names, or the VM's first online vCPU for
     * global ones (docs/notifications.md).
     */
    FFA_HOST_EVENT_NOTIFICATION_PENDING = 1,
    /* The same event under its earlier name (a message landed in the RX buffer). */
    FFA_HOST_EVENT_RX_FULL = FFA_HOST_EVENT_NOTIFICATION_PENDING,
    /*
     * A removed VM is gone: the last resource it held in either world was released (the secure
     * world unmapped its buffers, destroyed its notification bitmap, acknowledged or gave up on
     * the VM-destroyed messages, and no secure partition holds its memory). The host may now free
     * the domain's memory and reuse the ID; the struct ffa_vm is already freed. `vcpu` is 0.
     */
    FFA_HOST_EVENT_VM_GONE = 2,
    /*
     * A VM added with ffa_vm_add() could not be announced: a secure partition refused its
     * VM-created message, or kept answering "retry" past the configured number of attempts.
     * The VM stays usable; a host that wants Xen's strictness removes it. `vcpu` is 0.
     */
    FFA_HOST_EVENT_VM_CREATE_FAILED = 3,
};

struct ffa_host_ops {
    /*
     * Allocate `size` bytes for the mediator's bookkeeping, aligned to at least 16 bytes, or
     * return NULL. The mediator zero-fills what it gets. Called from ffa_mediator_create() and
     * ffa_vm_add(), and while a VM makes a memory transaction: FFA_MEM_SHARE/LEND/DONATE and
     * FFA_MEM_FRAG_TX allocate the transaction's record and its page list (which grows with the
     * pages the VM sends), the share table (which grows with the number of transactions), and on
     * a VM's first memory transaction a copy buffer the size of its TX buffer;
     * FFA_MEM_RETRIEVE_REQ (VM to VM) allocates the borrower's address list. No other call
     * allocates: direct messages, FFA_RUN, buffers, discovery, SEND2, RECLAIM, RELINQUISH and
     * FRAG_RX never do. A NULL return fails that call with FFA_RET_NO_MEMORY. Required.
     */
    void *(*alloc)(void *host, size_t size);
    /* Release memory from alloc(); `size` is what was asked. Required. */
    void (*free)(void *host, void *ptr, size_t size);

    /*
     * Locks. Either all four are set, or all four are NULL, which promises that the host never
     * enters the mediator from two threads at once. lock_create() returns an opaque lock or NULL
     * on failure; lock()/unlock() must be a mutual-exclusion pair (a spinlock is fine: the
     * mediator never sleeps or calls back into itself while holding one). The mediator nests
     * its locks in one fixed order and may hold one across a single secure-world call: the
     * buffer-management calls (FFA_RXTX_MAP/UNMAP, FFA_RX_ACQUIRE/RELEASE forwarded for a VM,
     * the one-time FFA_SPM_ID_GET), and every call into a backend without
     * FFA_BACKEND_CAP_CONCURRENT; a direct request to a concurrent backend runs with none held.
     */
    void *(*lock_create)(void *host);
    void (*lock_destroy)(void *host, void *lock);
    void (*lock)(void *host, void *lock);
    void (*unlock)(void *host, void *lock);

    /*
     * One log line, without a trailing newline. Optional (NULL: silent). `msg` is only valid
     * during the call.
     */
    void (*log)(void *host, enum ffa_log_level level, const char *msg);

    /*
     * Map `pages` 4 KiB pages of VM `vm_id`'s memory, starting at intermediate physical address
     * `ipa`, for the mediator to access with `access` (FFA_GUEST_*). The host translates the
     * range, checks that it is ordinary RAM the VM may access that way, and returns a host
     * virtual address of a contiguous view in *va. If `pa` is not NULL it also writes the
     * physical address of each page (pa[0..pages-1]): the addresses the secure world uses.
     * Returns 0, FFA_RET_INVALID_PARAMETERS if the range is not accessible guest RAM, or
     * FFA_RET_NO_MEMORY if it cannot be mapped. Called with one of the mediator's locks held
     * (like Xen's page lookups under its RX/TX locks): it must not take those locks or call
     * into the mediator. Optional: without it, FFA_RXTX_MAP answers NOT_SUPPORTED (and with it
     * everything that needs a VM's buffers).
     */
    int (*guest_map)(void *host, uint16_t vm_id, uint64_t ipa, uint32_t pages, unsigned access,
                     void **va, uint64_t *pa);
    /* Undo one guest_map() with the same vm_id, va and pages. Required with guest_map. */
    void (*guest_unmap)(void *host, uint16_t vm_id, void *va, uint32_t pages);

    /*
     * Allocate `pages` 4 KiB pages of hypervisor memory that the secure world can reach (the
     * mediator's own RX/TX buffers, registered with the SPMC at create time), page-aligned and
     * physically contiguous; write the physical address to *pa. Returns NULL on failure.
     * Optional: without it the mediator cannot pass descriptors to the secure world, so the
     * partition list is not cached and buffer forwarding is off.
     */
    void *(*page_alloc)(void *host, uint32_t pages, uint64_t *pa);
    void (*page_free)(void *host, void *va, uint32_t pages);

    /*
     * Signal an event for a VM (see enum ffa_host_event). Called with no mediator lock held, from
     * the thread whose call caused it: a VM's FFA_NOTIFICATION_SET or FFA_MSG_SEND2, the host's
     * own ffa_mediator_handle_sri(), ffa_vm_vcpu_set_online(), ffa_vm_add(), ffa_vm_remove(),
     * ffa_mediator_poll() or ffa_mediator_destroy(). It may not call back into the mediator.
     * Optional (without it the host learns nothing: no NPI is injected).
     */
    void (*notify)(void *host, uint16_t vm_id, uint16_t vcpu, enum ffa_host_event event);

    /*
     * The physical processor (PE) the calling thread runs on now: its 0-based index as the
     * hypervisor numbers its CPUs (smp_processor_id()), the same numbering as the `cpu` argument
     * of ffa_mediator_handle(). Every secure-world call is issued on a processor (backend.h).
     * For a guest's call the hypervisor names it in ffa_mediator_handle(); this callback names
     * it for the calls the mediator makes on its own, outside any guest call: the probe and
     * buffer registration in ffa_mediator_create(), and the secure-world work of ffa_vm_add()
     * (notification bitmap, VM-created messages), ffa_vm_remove(), ffa_mediator_poll() and
     * ffa_mediator_destroy(). It is called at most once per such entry point, with no mediator
     * lock held, and never on the per-call path. Optional: NULL means processor 0, which is right
     * for a single-PE secure world and for the SMC conduit (whose calls run where the caller runs
     * whatever the index says).
     */
    uint32_t (*current_cpu)(void *host);

    /*
     * ---- Memory transactions (FFA_MEM_SHARE, FFA_MEM_LEND, FFA_MEM_DONATE) ----
     *
     * The mediator never forwards an address a VM wrote: every constituent of a VM's memory
     * transaction descriptor goes through mem_acquire(), and only the physical addresses it
     * returns reach the secure world or another VM. docs/memory-sharing.md shows these four
     * callbacks for Xen (page references), pKVM (stage-2 ownership transitions) and a simulator.
     * All four are called with no mediator lock held, from the vCPU thread whose call needs them
     * (or from ffa_vm_remove() / ffa_mediator_destroy()), so they may take the host's own locks
     * (a pKVM host_mmu lock, a Xen p2m lock) and may sleep if the host allows it.
     *
     * mem_acquire: VM `vm_id` gives the pages at intermediate physical address `ipa` (4 KiB
     * aligned, `pages` >= 1 pages, not wrapping) for a memory transaction `xfer`
     * (FFA_HOST_MEM_*), to be granted at most `access` (FFA_GUEST_READ, FFA_GUEST_WRITE). The host
     *  - translates the range and checks that it is ordinary RAM the VM owns exclusively (not
     *    already shared, lent or donated, not a grant or a device) and may itself access with
     *    `access`;
     *  - pins it so it stays at the same physical pages until mem_release();
     *  - for LEND and DONATE, takes the VM's own access away (unmaps it from the VM's stage 2)
     *    until mem_release();
     * for the longest prefix of the range that is physically contiguous: it writes the physical
     * address of the first page to *pa and the prefix length to *got (1..pages). The mediator
     * calls again for the rest. Returns 0, or FFA_RET_INVALID_PARAMETERS (not the VM's RAM),
     * FFA_RET_DENIED (not exclusively owned, or not accessible with `access`),
     * FFA_RET_NO_MEMORY; nothing is acquired then. Optional: without mem_acquire and mem_release
     * every memory-sharing ABI answers NOT_SUPPORTED.
     */
    int (*mem_acquire)(void *host, uint16_t vm_id, unsigned xfer, unsigned access, uint64_t ipa,
                       uint32_t pages, uint64_t *pa, uint32_t *got);
    /*
     * Undo one successful mem_acquire() (exactly its vm_id, xfer, ipa, pa and *got): unpin, and
     * for LEND and DONATE give the VM its access back. FFA_HOST_MEM_ZERO in `flags`: zero the
     * pages before the VM gets them back (a reclaim with the "clear memory" flag of a VM-to-VM
     * lend or donation). Called when the lender reclaims, when a transaction fails half way
     * (rollback), and when the lender is removed. Required with mem_acquire.
     */
    void (*mem_release)(void *host, uint16_t vm_id, unsigned xfer, uint64_t ipa, uint64_t pa,
                        uint32_t pages, unsigned flags);
    /*
     * VM to VM only (FFA_CFG_VM_TO_VM): map `pages` pages at physical address `pa`, acquired from
     * VM `lender_id`, into VM `borrower_id`'s stage 2 with `access` (FFA_GUEST_READ, _WRITE,
     * _EXEC) when the borrower retrieves them (FFA_MEM_RETRIEVE_REQ); write the intermediate
     * physical address the borrower sees them at to *ipa (the host chooses it, 4 KiB aligned).
     * FFA_HOST_MEM_ZERO in `flags`: zero them first. For FFA_HOST_MEM_DONATE the pages now belong
     * to the borrower for good: the mediator never calls mem_release() or mem_unmap() for them
     * again, so the host hands the lender's pin over to the borrower here. Returns 0 or an FF-A
     * error (FFA_RET_NO_MEMORY, FFA_RET_DENIED); nothing is mapped then. Optional: without it
     * memory cannot be sent to a VM (a VM borrower is INVALID_PARAMETERS, as an unknown one).
     */
    int (*mem_map)(void *host, uint16_t borrower_id, uint16_t lender_id, unsigned xfer,
                   unsigned access, uint64_t pa, uint32_t pages, unsigned flags, uint64_t *ipa);
    /*
     * Undo one mem_map() (the same borrower, lender, xfer, pa, pages and the *ipa it returned)
     * when the borrower relinquishes the memory, or when the borrower or the lender is removed.
     * FFA_HOST_MEM_ZERO: zero the pages after unmapping them (the relinquish "clear" flag, when
     * no other borrower still has them). Required with mem_map.
     */
    void (*mem_unmap)(void *host, uint16_t borrower_id, uint16_t lender_id, unsigned xfer,
                      uint64_t ipa, uint64_t pa, uint32_t pages, unsigned flags);

    /*
     * Trace hook: called once for every FF-A call ffa_mediator_handle() handles, after the reply
     * is written, with the guest's registers as they came in (`call`), the reply (`reply`, the
     * registers the guest gets back), the VM's endpoint ID (0 when the call named no VM of this
     * mediator: a host bug, answered INVALID_PARAMETERS) and the vCPU. ffa_format_regs()
     * (format.h) turns each into a readable line; a trace of the calls a host makes on its own
     * does not exist (they are not guest calls). Called on the caller's thread with no mediator
     * lock held; it must not call into the mediator with the same VM and vCPU. Not traced: calls
     * the mediator declines (not FF-A), and the secure-world calls the mediator makes on a
     * guest's behalf: wrap the backend to see those (struct ffa_backend_ops; the recorder of
     * backend_mock.h is such a wrapper). Optional: when NULL, tracing costs nothing (the
     * per-call fast path never looks at it). When set, every call of a VM takes the mediator's
     * slow path and its registers are copied once. The choice is made per VM when its version is
     * settled: set the hook before ffa_mediator_create() and leave it.
     */
    void (*trace)(void *host, uint16_t vm_id, uint16_t vcpu, const struct ffa_regs *call,
                  const struct ffa_regs *reply);
};

#ifdef __cplusplus
}
#endif

#endif /* FFA_HOST_H */
