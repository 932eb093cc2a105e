/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM to VM memory sharing, the borrower's side: FFA_MEM_RETRIEVE_REQ (with the response
 * fragmented through FFA_MEM_FRAG_RX when it does not fit the borrower's RX buffer) and
 * FFA_MEM_RELINQUISH (DEN0077A, FF-A v1.1 and v1.2). With FFA_CFG_VM_TO_VM the
 * mediator is the sharing authority for transactions between VMs, as Hafnium is as a
 * hypervisor (src/ffa_memory.c ffa_memory_retrieve, ffa_memory_retrieve_continue,
 * ffa_memory_relinquish): it checks the request against what was sent (the shared rules in
 * include/ffa/mem_desc.h), maps the lender's pages into the borrower through the host's mem_map,
 * and describes them in the borrower's FF-A version, at the addresses the host mapped them.
 */
#include "mem.h"

static unsigned access_of(uint8_t perms)
{
    unsigned a = FFA_GUEST_READ;

    if ((perms & FFA_MEM_PERM_DATA_MASK) == FFA_MEM_PERM_RW)
        a |= FFA_GUEST_WRITE;
    if ((perms & FFA_MEM_PERM_INSTR_MASK) == FFA_MEM_PERM_X)
        a |= FFA_GUEST_EXEC;
    return a;
}

static struct ffam_borrower *borrower_of(struct ffam_share *s, uint16_t id)
{
    for (uint32_t i = 0; i < s->nborrowers; i++) {
        if (s->borrowers[i].id == id)
            return &s->borrowers[i];
    }
    return NULL;
}

/* Map every piece into the borrower; undo it all if the host refuses one. */
static int32_t map_pieces(struct ffa_mediator *m, struct ffam_share *s, struct ffam_borrower *b,
                          unsigned access, unsigned flags)
{
    b->ipa = ffam_zalloc(m, sizeof(uint64_t) * s->npieces);
    if (b->ipa == NULL)
        return FFA_RET_NO_MEMORY;
    for (b->mapped = 0; b->mapped < s->npieces; b->mapped++) {
        const struct ffam_piece *p = &s->pieces[b->mapped];
        int ret = m->host->mem_map(m->host_ctx, b->id, s->owner, s->xfer, access, p->pa, p->pages,
                                   flags, &b->ipa[b->mapped]);

        if (ret != 0 || b->ipa[b->mapped] % FFA_PAGE_SIZE != 0) {
            if (ret == 0)
                m->host->mem_unmap(m->host_ctx, b->id, s->owner, s->xfer, b->ipa[b->mapped], p->pa,
                                   p->pages, 0);
            ffam_borrower_unmap(m, s, b, 0);
            return ret != 0 ? ffam_host_error(ret) : FFA_RET_ABORTED;
        }
    }
    return 0;
}

/* The borrower's pieces [i, end): contiguous in its address space. */
static uint32_t ipa_run_end(const struct ffam_share *s, const struct ffam_borrower *b, uint32_t i)
{
    uint32_t j = i + 1;

    while (j < s->npieces &&
           b->ipa[j] == b->ipa[j - 1] + (uint64_t)s->pieces[j - 1].pages * FFA_PAGE_SIZE)
        j++;
    return j;
}

/* Write constituents from the borrower's cursor until `cap` bytes are full. Returns the end. */
static uint32_t put_ranges(const struct ffam_share *s, struct ffam_borrower *b, uint8_t *buf,
                           uint32_t off, uint32_t cap)
{
    while (b->resp_piece < s->npieces && off + FFA_MEM_RANGE_SIZE <= cap) {
        uint32_t end = ipa_run_end(s, b, b->resp_piece);
        struct ffa_mem_range r = {b->ipa[b->resp_piece], 0};

        for (uint32_t i = b->resp_piece; i < end; i++)
            r.page_count += s->pieces[i].pages;
        ffa_mem_range_write(buf, cap, off, &r);
        off += FFA_MEM_RANGE_SIZE;
        b->resp_piece = end;
    }
    return off;
}

/*
 * The retrieve response (Hafnium ffa_partition_retrieve_response_init): in the borrower's
 * layout, the lender's attributes (or those the borrower asked for, when the lender left them to
 * it), the flags with the transaction type, the handle, tag 0; one EMAD (the borrower, its
 * granted permissions, the implementation-defined value that was sent); the composite; as many
 * constituents as fit. Returns the fragment's length; b->resp_total is the whole length.
 */
static uint32_t write_response(const struct ffam_share *s, struct ffam_borrower *b,
                               const struct ffa_mem_desc *req, const struct ffa_mem_access *want,
                               uint8_t *rx, uint32_t rx_size)
{
    struct ffa_mem_desc r = {0};
    struct ffa_mem_access a = {0};
    uint32_t runs = 0, emad = (uint32_t)(b - s->borrowers);

    for (uint32_t i = 0; i < s->npieces; i = ipa_run_end(s, b, i))
        runs++;
    ffa_mem_desc_layout(&r, b->resp_version, 1);
    r.sender = s->owner;
    r.attributes = req->attributes != 0 ? req->attributes : s->attributes;
    r.flags =
        (req->flags & ~FFA_MEM_FLAG_TYPE_MASK) | ((uint32_t)s->xfer << FFA_MEM_FLAG_TYPE_SHIFT);
    r.handle = s->handle;
    ffa_mem_header_write(rx, rx_size, &r);
    a.endpoint = b->id;
    a.perms = b->granted;
    a.flags = want->flags;
    a.composite_offset = r.composite_offset;
    ffa_memcpy(a.impdef, s->emads[emad].impdef, sizeof(a.impdef));
    ffa_mem_access_write(rx, rx_size, &r, 0, &a);
    ffa_mem_composite_write(rx, rx_size, r.composite_offset, s->page_count, runs);
    b->resp_total = r.ranges_offset + runs * FFA_MEM_RANGE_SIZE;
    b->resp_piece = 0;
    b->resp_sent = put_ranges(s, b, rx, r.ranges_offset, rx_size);
    return b->resp_sent;
}

/*
 * A donation is complete once the borrower has the whole description: the pages are its own
 * (mem_map moved them), the lender can no longer reclaim them, the handle is forgotten.
 */
static void donation_done(struct ffa_mediator *m, struct ffam_share *s, struct ffam_borrower *b)
{
    ffam_lock(m, m->mem_lock);
    ffam_share_remove_locked(m, s);
    ffam_unlock(m, m->mem_lock);
    ffam_free(m, b->ipa, sizeof(uint64_t) * s->npieces);
    b->ipa = NULL;
    b->mapped = 0;
    b->state = FFAM_BORROW_NONE;
    s->npieces = 0; /* nothing to release: they moved */
    ffam_share_free(m, s);
}

/* Validate, map, describe. On success the reply is written; the share is put or freed. */
static int32_t retrieve(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                        struct ffam_share *s, const struct ffa_mem_desc *req, struct ffa_regs *regs)
{
    struct ffa_mem_sent sent = {
        .xfer = (enum ffa_mem_xfer)s->xfer,
        .sender = s->owner,
        .attributes = s->attributes,
        .flags = s->flags,
        .tag = s->tag,
        .emad_count = s->nborrowers,
        .emads = s->emads,
    };
    struct ffa_mem_access want = {0};
    struct ffam_borrower *b;
    uint32_t index = 0, rx_size = 0, frag;
    uint8_t granted = 0, *rx = NULL;
    bool zero;
    int32_t ret;

    if (!s->complete)
        return FFA_RET_INVALID_PARAMETERS; /* not fully sent */
    ret = ffa_mem_retrieve_check(&sent, req, vm->id, FFA_MEM_RETRIEVE_EXEC_OK, &index, &granted);
    if (ret != 0)
        return ret;
    for (uint32_t i = 0; i < req->emad_count; i++) {
        ffa_mem_desc_access(req, i, &want);
        if (want.endpoint == vm->id)
            break;
    }
    b = &s->borrowers[index];
    ffam_lock(m, m->mem_lock);
    /* Already retrieved and not relinquished: Hafnium finds the pages mapped, DENIED. */
    ret = b->state != FFAM_BORROW_NONE ? FFA_RET_DENIED : 0;
    zero = s->zero_pending;
    ffam_unlock(m, m->mem_lock);
    if (ret != 0)
        return ret;

    /* Hafnium answers BUSY when the retriever's RX buffer is not free (or not there). */
    ret = ffam_vm_rx_acquire(m, vm, cpu, &rx, &rx_size);
    if (ret != 0)
        return ret == FFA_RET_DENIED ? FFA_RET_BUSY : ret;
    b->granted = granted;
    ret = map_pieces(m, s, b, access_of(granted), zero ? FFA_HOST_MEM_ZERO : 0);
    if (ret != 0) {
        ffam_vm_rx_fill_done(m, vm, cpu, false);
        return ret;
    }
    b->zero_after = (req->flags & FFA_MEM_FLAG_ZERO_AFTER) != 0;
    b->resp_version = vm->version;
    frag = write_response(s, b, req, &want, rx, rx_size);
    ffam_vm_rx_fill_done(m, vm, cpu, true);

    ffam_lock(m, m->mem_lock);
    s->zero_pending = false;
    b->state = frag == b->resp_total ? FFAM_BORROW_MAPPED : FFAM_BORROW_RESPONDING;
    ffam_unlock(m, m->mem_lock);
    reply8(vm, regs, FFA_MEM_RETRIEVE_RESP, b->resp_total, frag, 0, 0, 0, 0, 0);
    if (b->state == FFAM_BORROW_MAPPED && s->xfer == FFA_MEM_XFER_DONATE)
        donation_done(m, s, b);
    else
        ffam_share_put(m, cpu, s);
    return 0;
}

/*
 * FFA_MEM_RETRIEVE_REQ_32/64 (VM to VM): w1 = total length, w2 = fragment length, x3/w4 = a
 * buffer of the caller's (not supported). INVALID_PARAMETERS: x3/w4 not zero, a fragmented
 * request (Hafnium supports none), no TX buffer or a request longer than it, a bad request, the
 * hypervisor's retrieve request (EMAD count 0) from a VM, a handle that is not a hypervisor one
 * or not a transaction naming the caller, a transaction still being sent, the rules of
 * ffa_mem_retrieve_check(); DENIED: already retrieved, and the rules' DENIED cases; BUSY: the RX
 * buffer is not free, or another vCPU works on the handle; NO_MEMORY. The answer is
 * FFA_MEM_RETRIEVE_RESP(w1 = total length, w2 = this fragment's length), the response in the RX
 * buffer, which the VM owns until FFA_RX_RELEASE.
 */
void ffam_handle_mem_retrieve_req(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                  uint32_t cpu, uint32_t fid)
{
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : UINT64_C(0xffffffff);
    uint32_t total = (uint32_t)regs->x[1], frag = (uint32_t)regs->x[2];
    struct ffam_share *s = NULL;
    struct ffa_mem_desc req;
    const uint8_t *copy;
    int32_t ret;

    if (!ffam_mem_vm_to_vm(m)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((regs->x[3] & mask) != 0 || (uint32_t)regs->x[4] != 0 || frag != total) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffam_tx_copy(m, vm, total, &copy);
    if (ret == 0) {
        ret = ffa_mem_desc_parse(copy, total, total, vm->version, FFA_MEM_DESC_RETRIEVE_REQ, &req);
        /* The hypervisor's own retrieve request is for the hypervisor (Hafnium: ID 0 only). */
        if (ret == 0 && (req.emad_count == 0 || (req.handle & FFA_MEM_HANDLE_HYPERVISOR) == 0))
            ret = FFA_RET_INVALID_PARAMETERS;
        if (ret == 0)
            ret = ffam_share_get(m, req.handle, vm->id, true, &s);
        if (ret == 0) {
            ret = retrieve(m, vm, cpu, s, &req, regs);
            if (ret != 0)
                ffam_share_put(m, cpu, s);
        }
        ffam_tx_done(m, vm);
    }
    if (ret != 0) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: retrieve refused: %d", vm->id, ret);
        reply_error(vm, regs, ret);
    }
}

/*
 * FFA_MEM_FRAG_RX from a borrower (VM to VM): w1/w2 = handle, w3 = bytes of the response it has,
 * w4 = 0. The next part of the retrieve response (constituents only) goes into its RX buffer and
 * the answer is FFA_MEM_FRAG_TX(w1/w2 = handle, w3 = its length). INVALID_PARAMETERS: w4 not 0,
 * no response in progress for the caller on that handle, a wrong offset; BUSY: the RX buffer was
 * not released.
 */
void ffam_handle_mem_frag_rx(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                             uint32_t cpu)
{
    uint64_t handle = (uint32_t)regs->x[1] | (uint64_t)(uint32_t)regs->x[2] << 32;
    uint32_t offset = (uint32_t)regs->x[3], rx_size = 0, len;
    struct ffam_borrower *b;
    struct ffam_share *s;
    uint8_t *rx = NULL;
    int32_t ret;

    if (!ffam_mem_vm_to_vm(m)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((uint32_t)regs->x[4] != 0) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffam_share_get(m, handle, vm->id, true, &s);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    b = borrower_of(s, vm->id);
    if (b->state != FFAM_BORROW_RESPONDING || offset != b->resp_sent)
        ret = FFA_RET_INVALID_PARAMETERS;
    if (ret == 0) {
        ret = ffam_vm_rx_acquire(m, vm, cpu, &rx, &rx_size);
        if (ret == FFA_RET_DENIED)
            ret = FFA_RET_BUSY; /* no RX buffer: Hafnium's mailbox is "busy" */
    }
    if (ret != 0) {
        ffam_share_put(m, cpu, s);
        reply_error(vm, regs, ret);
        return;
    }
    len = put_ranges(s, b, rx, 0, rx_size);
    ffam_vm_rx_fill_done(m, vm, cpu, true);
    b->resp_sent += len;
    ffam_lock(m, m->mem_lock);
    if (b->resp_sent == b->resp_total)
        b->state = FFAM_BORROW_MAPPED;
    ffam_unlock(m, m->mem_lock);
    reply8(vm, regs, FFA_MEM_FRAG_TX, (uint32_t)handle, (uint32_t)(handle >> 32), len, 0, 0, 0, 0);
    if (b->state == FFAM_BORROW_MAPPED && s->xfer == FFA_MEM_XFER_DONATE)
        donation_done(m, s, b);
    else
        ffam_share_put(m, cpu, s);
}

/*
 * FFA_MEM_RELINQUISH (VM to VM): the relinquish descriptor in the TX buffer (Hafnium
 * api_ffa_mem_relinquish, ffa_memory_relinquish). INVALID_PARAMETERS: no TX buffer, an endpoint
 * count other than 1, an endpoint other than the caller, flags other than bit 0, an unknown
 * handle or one the caller has not (fully) retrieved, zeroing a shared region; DENIED: zeroing
 * a region retrieved read-only; BUSY while another vCPU works on the handle. The pages are
 * unmapped from the caller (zeroed when asked at relinquish or at retrieve, and no other
 * borrower still has them).
 */
void ffam_handle_mem_relinquish(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                uint32_t cpu)
{
    struct ffa_mem_relinquish rel = {0};
    struct ffam_borrower *b;
    struct ffam_share *s = NULL;
    const uint8_t *copy;
    bool others = false;
    int32_t ret;

    if (!ffam_mem_vm_to_vm(m)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    /* One endpoint: the header and one ID are all that is read, once. */
    ret = ffam_tx_copy(m, vm, FFA_MEM_RELINQUISH_HDR_SIZE + 2, &copy);
    if (ret == 0) {
        ret = ffa_mem_relinquish_parse(copy, FFA_MEM_RELINQUISH_HDR_SIZE + 2, &rel);
        if (ret == 0 &&
            (rel.endpoint_count != 1 || ffa_mem_relinquish_endpoint(copy, 0) != vm->id ||
             (rel.flags & ~FFA_MEM_FLAG_ZERO) != 0))
            ret = FFA_RET_INVALID_PARAMETERS;
        ffam_tx_done(m, vm);
    }
    if (ret == 0 && (rel.handle & FFA_MEM_HANDLE_HYPERVISOR) == 0)
        ret = FFA_RET_INVALID_PARAMETERS;
    if (ret == 0)
        ret = ffam_share_get(m, rel.handle, vm->id, true, &s);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    b = borrower_of(s, vm->id);
    if (b->state != FFAM_BORROW_MAPPED)
        ret = FFA_RET_INVALID_PARAMETERS; /* not retrieved, or not all of it */
    else if ((rel.flags & FFA_MEM_FLAG_ZERO) != 0 && s->xfer == FFA_MEM_XFER_SHARE)
        ret = FFA_RET_INVALID_PARAMETERS;
    else if ((rel.flags & FFA_MEM_FLAG_ZERO) != 0 &&
             (b->granted & FFA_MEM_PERM_DATA_MASK) == FFA_MEM_PERM_RO)
        ret = FFA_RET_DENIED;
    if (ret != 0) {
        ffam_share_put(m, cpu, s);
        reply_error(vm, regs, ret);
        return;
    }
    ffam_lock(m, m->mem_lock);
    b->state = FFAM_BORROW_NONE;
    for (uint32_t i = 0; i < s->nborrowers; i++)
        others |= s->borrowers[i].state != FFAM_BORROW_NONE;
    ffam_unlock(m, m->mem_lock);
    ffam_borrower_unmap(
        m, s, b,
        ((rel.flags & FFA_MEM_FLAG_ZERO) != 0 || b->zero_after) && !others ? FFA_HOST_MEM_ZERO : 0);
    ffam_share_put(m, cpu, s);
    reply_success32(vm, regs, 0, 0);
}
