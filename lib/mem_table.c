/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory sharing bookkeeping: the share table, share records and their page lists, the VM's TX
 * buffer as a private copy, and teardown when a VM or the mediator goes away (lib/mem.h has the
 * locking rules).
 */
#include "mem.h"

/* ---- What is available ---- */

bool ffam_mem_supported(const struct ffa_mediator *m)
{
    return m->host->mem_acquire != NULL;
}

bool ffam_mem_vm_to_vm(const struct ffa_mediator *m)
{
    return ffam_mem_supported(m) && (m->cfg.flags & FFA_CFG_VM_TO_VM) != 0 &&
           m->host->mem_map != NULL;
}

/* The descriptor reaches the SPMC through the mediator's own TX buffer. */
bool ffam_mem_fw_path(const struct ffa_mediator *m, uint32_t fid)
{
    return ffam_mem_supported(m) && m->be.ops != NULL && m->own_mapped && ffam_fw_supports(m, fid);
}

int32_t ffam_host_error(int ret)
{
    switch (ret) {
    case FFA_RET_INVALID_PARAMETERS:
    case FFA_RET_DENIED:
    case FFA_RET_NO_MEMORY:
    case FFA_RET_BUSY:
    case FFA_RET_ABORTED:
        return ret;
    default:
        return FFA_RET_DENIED;
    }
}

/* ---- The table: a hash of handles, chained, grown by doubling ---- */

#define TABLE_FIRST_BUCKETS 256u

static uint32_t bucket_of(const struct ffa_mediator *m, uint64_t handle)
{
    /* Fibonacci hashing: SPMC handles are often small consecutive indices. */
    return (uint32_t)((handle * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (m->mem_nbuckets - 1);
}

struct ffam_share *ffam_share_find_locked(struct ffa_mediator *m, uint64_t handle)
{
    if (m->mem_nbuckets == 0)
        return NULL;
    for (struct ffam_share *s = m->mem_buckets[bucket_of(m, handle)]; s != NULL; s = s->next) {
        if (s->handle == handle)
            return s;
    }
    return NULL;
}

/* DENIED if the handle is already there (a secure world that gave the same handle twice). */
int32_t ffam_share_insert_locked(struct ffa_mediator *m, struct ffam_share *s)
{
    uint32_t b;

    if (m->mem_nbuckets == 0)
        return FFA_RET_NO_MEMORY;
    if (ffam_share_find_locked(m, s->handle) != NULL)
        return FFA_RET_DENIED;
    b = bucket_of(m, s->handle);
    s->next = m->mem_buckets[b];
    m->mem_buckets[b] = s;
    s->in_table = true;
    m->mem_live++;
    return 0;
}

void ffam_share_remove_locked(struct ffa_mediator *m, struct ffam_share *s)
{
    struct ffam_share **pp;

    if (!s->in_table)
        return;
    for (pp = &m->mem_buckets[bucket_of(m, s->handle)]; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            s->next = NULL;
            s->in_table = false;
            m->mem_live--;
            return;
        }
    }
}

void ffam_share_table_grow(struct ffa_mediator *m)
{
    struct ffam_share **nb, **old;
    uint32_t cur, want;

    ffam_lock(m, m->mem_lock);
    cur = m->mem_nbuckets;
    old = m->mem_buckets;
    ffam_unlock(m, m->mem_lock);
    /* Load factor 2 at most; the table only grows. */
    if (cur != 0 && m->mem_live < 2 * cur)
        return;
    want = cur == 0 ? TABLE_FIRST_BUCKETS : 2 * cur;
    nb = ffam_zalloc(m, sizeof(*nb) * want);
    if (nb == NULL)
        return; /* longer chains, or NO_MEMORY at insert for the first one */

    ffam_lock(m, m->mem_lock);
    if (m->mem_nbuckets != cur) {
        /* Another vCPU grew it meanwhile. */
        ffam_unlock(m, m->mem_lock);
        ffam_free(m, nb, sizeof(*nb) * want);
        return;
    }
    m->mem_buckets = nb;
    m->mem_nbuckets = want;
    for (uint32_t i = 0; i < cur; i++) {
        struct ffam_share *s = old[i];

        while (s != NULL) {
            struct ffam_share *next = s->next;
            uint32_t b = bucket_of(m, s->handle);

            s->next = nb[b];
            nb[b] = s;
            s = next;
        }
    }
    ffam_unlock(m, m->mem_lock);
    ffam_free(m, old, sizeof(*old) * cur);
}

static struct ffam_borrower *borrower_of(struct ffam_share *s, uint16_t id)
{
    for (uint32_t i = 0; i < s->nborrowers; i++) {
        if (s->borrowers[i].id == id)
            return &s->borrowers[i];
    }
    return NULL;
}

int32_t ffam_share_get(struct ffa_mediator *m, uint64_t handle, uint16_t caller, bool as_borrower,
                       struct ffam_share **out)
{
    struct ffam_share *s;
    int32_t ret = 0;

    ffam_lock(m, m->mem_lock);
    s = ffam_share_find_locked(m, handle);
    /*
     * Another VM's handle is an unknown handle: FFA_MEM_RECLAIM carries no sender, and the
     * secure world sees only the hypervisor, so this is the only place it can be refused.
     */
    if (s == NULL || s->doomed)
        ret = FFA_RET_INVALID_PARAMETERS;
    else if (!as_borrower && s->owner != caller)
        ret = FFA_RET_INVALID_PARAMETERS;
    else if (as_borrower && (s->to_fw || borrower_of(s, caller) == NULL))
        ret = FFA_RET_INVALID_PARAMETERS;
    else if (s->busy)
        ret = FFA_RET_BUSY;
    else
        s->busy = true;
    ffam_unlock(m, m->mem_lock);
    *out = ret == 0 ? s : NULL;
    return ret;
}

void ffam_share_put(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s)
{
    for (;;) {
        struct ffam_borrower *gone = NULL;

        ffam_lock(m, m->mem_lock);
        if (s->doomed) {
            /* Its owner was removed meanwhile: this vCPU finishes the teardown. */
            ffam_share_remove_locked(m, s);
            ffam_unlock(m, m->mem_lock);
            ffam_share_destroy(m, cpu, s);
            return;
        }
        for (uint32_t i = 0; i < s->nborrowers && gone == NULL; i++) {
            if (s->borrowers[i].gone && s->borrowers[i].state != FFAM_BORROW_NONE)
                gone = &s->borrowers[i];
        }
        if (gone == NULL) {
            s->busy = false;
            ffam_unlock(m, m->mem_lock);
            return;
        }
        gone->state = FFAM_BORROW_NONE;
        ffam_unlock(m, m->mem_lock);
        ffam_borrower_unmap(m, s, gone, 0);
    }
}

/* ---- Records ---- */

int32_t ffam_share_new(struct ffa_mediator *m, struct ffa_vm *owner, struct ffam_share **out)
{
    struct ffam_share *s;

    ffam_lock(m, m->mem_lock);
    if (owner->mem_shares >= m->cfg.mem_max_shares) {
        ffam_unlock(m, m->mem_lock);
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: already %u memory transactions", owner->id,
                owner->mem_shares);
        return FFA_RET_NO_MEMORY;
    }
    owner->mem_shares++;
    ffam_unlock(m, m->mem_lock);

    s = ffam_zalloc(m, sizeof(*s));
    if (s == NULL) {
        ffam_lock(m, m->mem_lock);
        owner->mem_shares--;
        ffam_unlock(m, m->mem_lock);
        return FFA_RET_NO_MEMORY;
    }
    s->owner = owner->id;
    s->owner_vm = owner;
    s->busy = true;
    *out = s;
    return 0;
}

void ffam_share_free(struct ffa_mediator *m, struct ffam_share *s)
{
    ffam_lock(m, m->mem_lock);
    /* owner_vm is cleared when the owner is removed: its count went with it. */
    if (s->owner_vm != NULL)
        s->owner_vm->mem_shares--;
    s->owner_vm = NULL;
    ffam_unlock(m, m->mem_lock);

    for (uint32_t i = 0; i < s->nborrowers; i++)
        ffam_free(m, s->borrowers[i].ipa, sizeof(uint64_t) * s->npieces);
    ffam_free(m, s->borrowers, sizeof(*s->borrowers) * s->nborrowers);
    ffam_free(m, s->emads, sizeof(*s->emads) * s->nborrowers);
    ffam_free(m, s->pieces, sizeof(*s->pieces) * s->cap);
    ffam_free(m, s, sizeof(*s));
}

int32_t ffam_share_reserve(struct ffa_mediator *m, struct ffam_share *s, uint32_t n)
{
    struct ffam_piece *p;
    uint64_t want = (uint64_t)s->npieces + n, cap = s->cap;

    if (want <= cap)
        return 0;
    /* Doubling: a page list of N pieces costs O(log N) allocations and O(N) copying. */
    cap = cap < 16 ? 16 : cap * 2;
    if (cap < want)
        cap = want;
    if (cap > UINT32_MAX)
        return FFA_RET_NO_MEMORY;
    /* Not zero-filled: every entry is written before it is read (npieces counts them). */
    p = m->host->alloc(m->host_ctx, sizeof(*p) * (size_t)cap);
    if (p == NULL)
        return FFA_RET_NO_MEMORY;
    if (s->npieces != 0)
        ffa_memcpy(p, s->pieces, sizeof(*p) * s->npieces);
    ffam_free(m, s->pieces, sizeof(*s->pieces) * s->cap);
    s->pieces = p;
    s->cap = (uint32_t)cap;
    return 0;
}

void ffam_share_release_pages(struct ffa_mediator *m, struct ffam_share *s, unsigned flags)
{
    for (uint32_t i = 0; i < s->npieces; i++) {
        const struct ffam_piece *p = &s->pieces[i];

        m->host->mem_release(m->host_ctx, s->owner, s->xfer, p->ipa, p->pa, p->pages, flags);
    }
    s->npieces = 0;
    s->pages_got = 0;
}

void ffam_borrower_unmap(struct ffa_mediator *m, struct ffam_share *s, struct ffam_borrower *b,
                         unsigned flags)
{
    for (uint32_t i = 0; i < b->mapped; i++) {
        const struct ffam_piece *p = &s->pieces[i];

        m->host->mem_unmap(m->host_ctx, b->id, s->owner, s->xfer, b->ipa[i], p->pa, p->pages,
                           flags);
    }
    ffam_free(m, b->ipa, sizeof(uint64_t) * s->npieces);
    b->ipa = NULL;
    b->mapped = 0;
}

uint32_t ffam_run_end(const struct ffam_share *s, uint32_t i, uint32_t upto)
{
    uint32_t j = i + 1;

    while (j < upto && s->pieces[j].pa ==
                           s->pieces[j - 1].pa + (uint64_t)s->pieces[j - 1].pages * FFA_PAGE_SIZE)
        j++;
    return j;
}

/* ---- The VM's TX buffer, copied once ---- */

int32_t ffam_tx_copy(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t len, const uint8_t **copy)
{
    const uint8_t *tx = NULL;
    uint32_t size = 0;
    int32_t ret = 0;

    ffam_lock(m, vm->lock);
    /* Hafnium answers INVALID_PARAMETERS for a missing TX buffer in the memory ABIs. */
    if (vm->mbox.tx == NULL || len > vm->mbox.pages * FFA_PAGE_SIZE)
        ret = FFA_RET_INVALID_PARAMETERS;
    else if (vm->mbox.tx_busy)
        ret = FFA_RET_BUSY;
    if (ret == 0) {
        vm->mbox.tx_busy = true;
        tx = vm->mbox.tx;
        size = vm->mbox.pages * FFA_PAGE_SIZE;
    }
    ffam_unlock(m, vm->lock);
    if (ret != 0)
        return ret;

    /* tx_busy makes the scratch buffer ours too. */
    if (vm->mem_scratch_size < size) {
        ffam_free(m, vm->mem_scratch, vm->mem_scratch_size);
        vm->mem_scratch_size = 0;
        vm->mem_scratch = ffam_zalloc(m, size);
        if (vm->mem_scratch == NULL) {
            ffam_tx_done(m, vm);
            return FFA_RET_NO_MEMORY;
        }
        vm->mem_scratch_size = size;
    }
    /* The only read of guest memory: everything after this reads the copy. */
    ffa_memcpy(vm->mem_scratch, tx, len);
    GUEST_COPY_BARRIER();
    *copy = vm->mem_scratch;
    return 0;
}

void ffam_tx_done(struct ffa_mediator *m, struct ffa_vm *vm)
{
    ffam_lock(m, vm->lock);
    vm->mbox.tx_busy = false;
    ffam_unlock(m, vm->lock);
}

/* ---- Teardown ---- */

/* FFA_MEM_RECLAIM(handle, 0) towards the SPMC: 0 or its error. */
static int32_t fw_reclaim(struct ffa_mediator *m, uint32_t cpu, uint64_t handle)
{
    struct ffa_regs r = {{FFA_MEM_RECLAIM, (uint32_t)handle, (uint32_t)(handle >> 32), 0}};
    uint32_t x0;

    ffam_fw_call(m, cpu, &r, &r);
    x0 = (uint32_t)r.x[0];
    if (x0 == FFA_SUCCESS_32 || x0 == FFA_SUCCESS_64)
        return 0;
    if (x0 == FFA_ERROR && ffa_error_code(r.x[2]) < 0)
        return ffa_error_code(r.x[2]);
    return FFA_RET_ABORTED;
}

void ffam_share_destroy(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s)
{
    for (uint32_t i = 0; i < s->nborrowers; i++) {
        if (s->borrowers[i].state != FFAM_BORROW_NONE || s->borrowers[i].mapped != 0) {
            s->borrowers[i].state = FFAM_BORROW_NONE;
            ffam_borrower_unmap(m, s, &s->borrowers[i], 0);
        }
    }
    if (s->to_fw && s->fw_handle) {
        int32_t ret = fw_reclaim(m, cpu, s->handle);

        /*
         * A transaction the SPMC never completed was never mapped for any SP: its pages go back
         * even if the SPMC does not know how to abort it (Hafnium answers INVALID_PARAMETERS to
         * a reclaim of a partly sent handle). A completed one the SPMC refuses to give back (an
         * SP still uses it, DENIED) keeps its pages pinned: they are never released to a VM the
         * SP could then spy on. A donation the SPMC no longer knows was retrieved: the pages are
         * the SP's.
         */
        if (ret != 0 && s->fw_done) {
            MED_LOG(m, FFA_LOG_ERROR,
                    "ffa: VM 0x%x: handle 0x%x: the SPMC refused the reclaim (%d): its %u pages "
                    "stay pinned",
                    s->owner, s->handle, ret, (uint32_t)s->pages_got);
            s->npieces = 0;
        }
    }
    ffam_share_release_pages(m, s, 0);
    ffam_share_free(m, s);
}

/*
 * A VM is going away (its vCPUs stopped). Its own transactions are reclaimed (towards the SPMC),
 * unmapped from their borrowers and released; what it borrowed is unmapped. Shares another vCPU
 * is working on are left to that vCPU (ffam_share_put()).
 */
void ffam_mem_vm_teardown(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    uint32_t bucket = 0, nbuckets = 0;

    for (;;) {
        struct ffam_share *own = NULL, *borrowed = NULL;
        struct ffam_borrower *b = NULL;

        ffam_lock(m, m->mem_lock);
        /* Another VM's transaction may have grown (rehashed) the table meanwhile: start over. */
        if (m->mem_nbuckets != nbuckets) {
            nbuckets = m->mem_nbuckets;
            bucket = 0;
        }
        for (; bucket < m->mem_nbuckets && own == NULL && borrowed == NULL; bucket++) {
            for (struct ffam_share *s = m->mem_buckets[bucket]; s != NULL; s = s->next) {
                if (s->owner_vm == vm) {
                    s->owner_vm = NULL; /* the VM's count goes with it */
                    vm->mem_shares--;
                    if (s->busy) {
                        s->doomed = true;
                        continue;
                    }
                    s->busy = true;
                    s->doomed = true;
                    own = s;
                    break;
                }
                b = s->doomed ? NULL : borrower_of(s, vm->id);
                if (b != NULL && b->state != FFAM_BORROW_NONE) {
                    if (s->busy) {
                        b->gone = true;
                        continue;
                    }
                    s->busy = true;
                    b->state = FFAM_BORROW_NONE;
                    borrowed = s;
                    break;
                }
            }
            if (own != NULL || borrowed != NULL)
                break;
        }
        if (own != NULL)
            ffam_share_remove_locked(m, own);
        ffam_unlock(m, m->mem_lock);
        if (own != NULL) {
            ffam_share_destroy(m, cpu, own);
        } else if (borrowed != NULL) {
            ffam_borrower_unmap(m, borrowed, b, 0);
            ffam_share_put(m, cpu, borrowed);
        } else {
            break;
        }
    }
    ffam_free(m, vm->mem_scratch, vm->mem_scratch_size);
    vm->mem_scratch = NULL;
    vm->mem_scratch_size = 0;
}

/*
 * The memory step of a removed VM's teardown (lifecycle.c, step_memory()), one round, without
 * giving anything up: the VM's own transactions are reclaimed from the SPMC and their pages given
 * back, or destroyed (VM to VM: borrowers unmapped); what it borrowed is unmapped. A share a
 * secure partition still holds (the reclaim DENIED, or deferred with BUSY, RETRY, INTERRUPTED)
 * stays in the table with its pages pinned and is reclaimed at a later round, once the partition
 * relinquished it; a share another vCPU is working on (a borrower's retrieve) waits for it too.
 * The VM is not gone, and the host not told, while either waits.
 */
bool ffam_mem_vm_release(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    bool waiting = false;

    ffam_lock(m, m->mem_lock);
    for (uint32_t i = 0; i < m->mem_nbuckets; i++) {
        for (struct ffam_share *s = m->mem_buckets[i]; s != NULL; s = s->next)
            s->lc_seen = false;
    }
    ffam_unlock(m, m->mem_lock);
    for (;;) {
        struct ffam_share *own = NULL, *borrowed = NULL;
        struct ffam_borrower *b = NULL;
        int32_t ret;

        ffam_lock(m, m->mem_lock);
        /* A table grown meanwhile keeps each share's lc_seen: a full scan is always right. */
        for (uint32_t i = 0; i < m->mem_nbuckets && own == NULL && borrowed == NULL; i++) {
            for (struct ffam_share *s = m->mem_buckets[i]; s != NULL; s = s->next) {
                struct ffam_borrower *sb;

                if (s->lc_seen)
                    continue;
                sb = s->owner_vm == vm || s->doomed ? NULL : borrower_of(s, vm->id);
                if (s->owner_vm != vm && (sb == NULL || sb->state == FFAM_BORROW_NONE))
                    continue;
                s->lc_seen = true;
                if (s->busy) {
                    waiting = true; /* another vCPU: next round */
                    continue;
                }
                s->busy = true;
                if (s->owner_vm == vm) {
                    own = s;
                } else {
                    sb->state = FFAM_BORROW_NONE;
                    b = sb;
                    borrowed = s;
                }
                break;
            }
        }
        ffam_unlock(m, m->mem_lock);
        if (borrowed != NULL) {
            ffam_borrower_unmap(m, borrowed, b, 0);
            ffam_share_put(m, cpu, borrowed);
            continue;
        }
        if (own == NULL)
            break;
        if (!(own->to_fw && own->fw_handle && own->fw_done)) {
            /* VM to VM, or never accepted by the SPMC: nothing in the secure world holds it. */
            ffam_lock(m, m->mem_lock);
            ffam_share_remove_locked(m, own);
            ffam_unlock(m, m->mem_lock);
            ffam_share_destroy(m, cpu, own);
            continue;
        }
        ret = fw_reclaim(m, cpu, own->handle);
        if (ret == FFA_RET_DENIED || ret == FFA_RET_BUSY || ret == FFA_RET_RETRY ||
            ret == FFA_RET_INTERRUPTED) {
            MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: handle 0x%x still held (%d): pages pinned",
                    vm->id, own->handle, ret);
            ffam_share_put(m, cpu, own);
            waiting = true;
            continue;
        }
        if (ret != 0) {
            /*
             * A donation the SPMC no longer knows was retrieved: the pages are the SP's. Any
             * other refusal keeps them pinned for good (as ffam_share_destroy()).
             */
            if (own->xfer != FFA_MEM_XFER_DONATE || ret != FFA_RET_INVALID_PARAMETERS)
                MED_LOG(m, FFA_LOG_ERROR,
                        "ffa: VM 0x%x: handle 0x%x: the SPMC refused the reclaim (%d): its %u "
                        "pages stay pinned",
                        vm->id, own->handle, ret, (uint32_t)own->pages_got);
            own->npieces = 0;
        }
        ffam_lock(m, m->mem_lock);
        ffam_share_remove_locked(m, own);
        ffam_unlock(m, m->mem_lock);
        ffam_share_release_pages(m, own, 0);
        ffam_share_free(m, own);
    }
    if (waiting)
        return false;
    ffam_free(m, vm->mem_scratch, vm->mem_scratch_size);
    vm->mem_scratch = NULL;
    vm->mem_scratch_size = 0;
    return true;
}

int ffam_mem_init(struct ffa_mediator *m)
{
    bool ok;

    m->mem_lock = ffam_lock_create(m, &ok);
    m->mem_next_handle = 1;
    return ok ? 0 : FFA_RET_NO_MEMORY;
}

void ffam_mem_free(struct ffa_mediator *m, uint32_t cpu)
{
    /* Every VM is gone: what is left are transactions the SPMC would not give back. */
    for (uint32_t i = 0; i < m->mem_nbuckets; i++) {
        while (m->mem_buckets[i] != NULL) {
            struct ffam_share *s = m->mem_buckets[i];

            ffam_share_remove_locked(m, s);
            ffam_share_destroy(m, cpu, s);
        }
    }
    ffam_free(m, m->mem_buckets, sizeof(*m->mem_buckets) * m->mem_nbuckets);
    m->mem_buckets = NULL;
    m->mem_nbuckets = 0;
    ffam_lock_destroy(m, m->mem_lock);
    m->mem_lock = NULL;
}
