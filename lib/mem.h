/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory sharing inside the mediator core: the share records, the share table and what the
 * mem_*.c files share. Nothing here is installed.
 *
 * A "share" is one memory transaction a VM started with FFA_MEM_SHARE, FFA_MEM_LEND or
 * FFA_MEM_DONATE, from its first fragment until it is reclaimed (or, for a donation to a VM,
 * retrieved). Two kinds:
 *  - to the secure world (every borrower an SP): the SPMC allocates the handle and holds the
 *    transaction; the mediator keeps the pages the host gave (to give them back at reclaim) and
 *    the owner (so that no other VM can use the handle);
 *  - to VMs (FFA_CFG_VM_TO_VM, every borrower a VM): the mediator is the sharing authority. It
 *    allocates the handle (bit 63 set), keeps the EMADs, and maps the pages into each borrower
 *    that retrieves them.
 *
 * Locking (see also the lock order in internal.h):
 *  - m->mem_lock guards the share table (buckets, live count, next handle), every VM's
 *    `mem_shares` count, and the state fields of every share (busy, complete, doomed, each
 *    borrower's state). It is a leaf lock: nothing else is taken, called or forwarded under it,
 *    and it is held only for table lookups and state changes, never for a page list walk.
 *  - A share's `busy` flag (set and cleared under mem_lock) gives one vCPU at a time the right to
 *    work on the share with no lock held: acquiring and releasing pages through the host,
 *    forwarding fragments to the SPMC, mapping pages into a borrower. Everything else that finds
 *    the share busy answers BUSY (the caller retries), or for a VM's removal marks it `doomed`
 *    so that the vCPU holding it finishes the teardown (ffam_share_put()).
 *  - The VM's TX buffer is held with mbox.tx_busy (under vm->lock) while its descriptor is
 *    copied into the VM's scratch buffer and used; RXTX_UNMAP and SEND2 wait for it (DENIED,
 *    BUSY), other VMs never do.
 *  - m->own_lock (the mediator's own TX buffer, shared by all VMs) is held for one fragment
 *    towards the SPMC at a time: write it, call, read the answer. A 1 GiB share is hundreds of
 *    such sections, with other VMs' fragments and messages free to run between them.
 */
#ifndef FFA_LIB_MEM_H
#define FFA_LIB_MEM_H

#include "ffa/mem_desc.h"
#include "internal.h"

/* The mediator's own TX buffer: one 4 KiB page (own_buffers.c). */
#define FFAM_OWN_BUF_SIZE FFA_PAGE_SIZE

/* Pages the host gave for one mem_acquire(): contiguous in the VM's IPA space and physically. */
struct ffam_piece {
    uint64_t ipa;
    uint64_t pa;
    uint32_t pages;
};

/* A VM borrower's progress (VM-to-VM shares). Guarded by m->mem_lock except `ipa`. */
enum ffam_borrow_state {
    FFAM_BORROW_NONE = 0,   /* not retrieved (or relinquished) */
    FFAM_BORROW_RESPONDING, /* mapped; response fragments still to deliver (FFA_MEM_FRAG_RX) */
    FFAM_BORROW_MAPPED,     /* mapped; retrieve complete: may relinquish */
};

struct ffam_borrower {
    uint16_t id;
    uint8_t state;   /* enum ffam_borrow_state */
    uint8_t granted; /* permissions it retrieved with */
    bool zero_after; /* the retrieve asked to zero the memory after relinquish */
    bool gone;       /* removed while the share was busy: unmap at ffam_share_put() */
    uint64_t *ipa;   /* where each piece is mapped in the borrower (npieces entries) */
    uint32_t mapped; /* pieces mapped so far (all of them once retrieved) */
    /* The retrieve response being delivered (FFAM_BORROW_RESPONDING). */
    uint32_t resp_version;
    uint32_t resp_total; /* bytes of the whole response */
    uint32_t resp_sent;  /* bytes delivered so far */
    uint32_t resp_piece; /* next piece to describe */
};

struct ffam_share {
    struct ffam_share *next; /* hash chain */
    uint64_t handle;
    uint16_t owner;          /* the lender's endpoint ID */
    uint8_t xfer;            /* enum ffa_mem_xfer */
    bool busy;               /* a vCPU works on it with no lock held */
    bool complete;           /* every fragment received (and accepted by the SPMC) */
    bool to_fw;              /* the SPMC holds the transaction (borrowers are SPs) */
    bool doomed;             /* its owner was removed while it was busy */
    bool in_table;           /* reachable by its handle */
    bool fw_handle;          /* the SPMC gave `handle` (it knows the transaction) */
    bool fw_done;            /* the SPMC accepted the whole transaction */
    bool lc_seen;            /* visited by this round of its owner's teardown (lifecycle.c) */
    struct ffa_vm *owner_vm; /* counts against the owner's limit; NULL once the owner is gone */
    uint32_t fid;            /* the VM's function ID, forwarded as is */
    unsigned access;         /* FFA_GUEST_* the lender granted at most (mem_acquire's access) */

    /* The pages, one piece per mem_acquire(), in the order of the VM's constituents. */
    struct ffam_piece *pieces;
    uint32_t npieces, cap;
    uint64_t pages_got;  /* pages acquired so far */
    uint32_t page_count; /* the composite's total */

    /* The VM's side of the fragment exchange (bytes of the VM's descriptor). */
    uint32_t vm_total, vm_received;

    /*
     * The secure world's side: the rewritten descriptor's length and constituent count (fixed by
     * the first fragment), what was sent, and the cursor of the next constituent. Pieces before
     * `fw_merge_upto` (those of the VM's first fragment) are described merged where physically
     * contiguous; later ones one constituent per page, because the count was fixed before they
     * were seen (docs/memory-sharing.md, "Fragments").
     */
    uint32_t fw_total, fw_sent;
    uint32_t fw_ranges, fw_ranges_ready, fw_ranges_sent;
    uint32_t fw_piece, fw_piece_pages, fw_merge_upto;

    /* VM to VM: what the lender sent, for the retrieve rules and responses. */
    uint16_t attributes;
    uint32_t flags;
    uint64_t tag;
    bool zero_pending; /* LEND/DONATE with the "zero" flag: zero at the first mapping */
    uint32_t nborrowers;
    struct ffa_mem_access *emads;
    struct ffam_borrower *borrowers;
};

/* ---- Capabilities (mem_table.c) ---- */
bool ffam_mem_supported(const struct ffa_mediator *m);
bool ffam_mem_vm_to_vm(const struct ffa_mediator *m);
bool ffam_mem_fw_path(const struct ffa_mediator *m, uint32_t fid);

/* ---- The share table (mem_table.c); callers hold m->mem_lock unless said otherwise ---- */
struct ffam_share *ffam_share_find_locked(struct ffa_mediator *m, uint64_t handle);
int32_t ffam_share_insert_locked(struct ffa_mediator *m, struct ffam_share *s);
void ffam_share_remove_locked(struct ffa_mediator *m, struct ffam_share *s);
/* Grow the table when it is full; no lock held. */
void ffam_share_table_grow(struct ffa_mediator *m);
/*
 * Look up `handle` for VM `caller` and make it busy: INVALID_PARAMETERS if unknown or another
 * VM's (owner or borrower per `as_borrower`), BUSY if busy. No lock held on entry or return.
 */
int32_t ffam_share_get(struct ffa_mediator *m, uint64_t handle, uint16_t caller, bool as_borrower,
                       struct ffam_share **out);
/* Clear busy, and finish the teardown a removal asked for meanwhile. No lock held. */
void ffam_share_put(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s);

/* A new share record for VM `owner` (counted against its limit): NO_MEMORY. No lock held. */
int32_t ffam_share_new(struct ffa_mediator *m, struct ffa_vm *owner, struct ffam_share **out);
/* Free a record that is not (or no longer) in the table, and uncount it from `owner`. */
void ffam_share_free(struct ffa_mediator *m, struct ffam_share *s);
/* Room for `n` more pieces: NO_MEMORY. */
int32_t ffam_share_reserve(struct ffa_mediator *m, struct ffam_share *s, uint32_t n);
/* Give every acquired piece back to the lender (mem_release), with `flags`. */
void ffam_share_release_pages(struct ffa_mediator *m, struct ffam_share *s, unsigned flags);
/* Unmap borrower `b` (mem_unmap every piece) and free its address list. */
void ffam_borrower_unmap(struct ffa_mediator *m, struct ffam_share *s, struct ffam_borrower *b,
                         unsigned flags);

/* ---- The VM's TX buffer as a private copy (mem_table.c) ---- */
/*
 * Hold the VM's TX buffer and copy its first `len` bytes into the VM's scratch buffer (the only
 * read of guest memory). INVALID_PARAMETERS: no TX buffer, or `len` larger than it; BUSY: another
 * vCPU holds it; NO_MEMORY. On success *copy is the private copy and ffam_tx_done() must follow.
 */
int32_t ffam_tx_copy(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t len, const uint8_t **copy);
void ffam_tx_done(struct ffa_mediator *m, struct ffa_vm *vm);

/* An FF-A error for a host callback's return value (unknown codes become DENIED). */
int32_t ffam_host_error(int ret);

/* The physical run of pieces [i, ...) that merges with piece i, limited to `upto` pieces. */
uint32_t ffam_run_end(const struct ffam_share *s, uint32_t i, uint32_t upto);

/* ---- Life cycle ---- */
int ffam_mem_init(struct ffa_mediator *m);
void ffam_mem_free(struct ffa_mediator *m, uint32_t cpu);
/* (internal.h) ffam_mem_vm_release(), one round of a removed VM's memory step; and
 * ffam_mem_vm_teardown(), the forced version ffa_mediator_destroy() uses. */
void ffam_mem_vm_teardown(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu);
/* Tear a share down completely (reclaim at the SPMC, unmap borrowers, release, free). */
void ffam_share_destroy(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s);

#endif /* FFA_LIB_MEM_H */
