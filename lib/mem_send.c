/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_MEM_SHARE, FFA_MEM_LEND, FFA_MEM_DONATE (32 and 64) and FFA_MEM_FRAG_TX from a VM: the send
 * direction (DEN0077A, FF-A v1.1 and v1.2; Hafnium src/api.c api_ffa_mem_send,
 * api_ffa_mem_frag_tx and src/ffa/hypervisor/ffa_memory.c, which forwards a VM's transaction to
 * the SPMC the way this file does).
 *
 * For each fragment the VM sends: copy it out of the VM's TX buffer once, validate the copy
 * (include/ffa/mem_desc.h), turn every constituent into physical pages through the host's
 * mem_acquire(), then either
 *  - (borrowers are SPs) write the SPMC's descriptor - the SPMC's layout, the physical addresses,
 *    physically contiguous pages merged - into the mediator's own TX buffer, one fragment at a
 *    time, and forward it (FFA_MEM_SHARE..., then FFA_MEM_FRAG_TX), whatever the VM's own
 *    fragmentation; or
 *  - (borrowers are VMs) keep it: the mediator is the relayer (mem_retrieve.c).
 * Any failure rolls everything back: pages released, the SPMC told to forget the handle, the
 * record freed.
 */
#include "mem.h"

/* The most any borrower may get, for mem_acquire(): what the lender must itself be allowed. */
static unsigned lender_access(const struct ffa_mem_desc *d, enum ffa_mem_xfer xfer)
{
    unsigned access = FFA_GUEST_READ;

    if (xfer == FFA_MEM_XFER_DONATE)
        return FFA_GUEST_READ | FFA_GUEST_WRITE; /* the new owner gets everything */
    for (uint32_t i = 0; i < d->emad_count; i++) {
        struct ffa_mem_access a;

        ffa_mem_desc_access(d, i, &a);
        if ((a.perms & FFA_MEM_PERM_DATA_MASK) == FFA_MEM_PERM_RW)
            access |= FFA_GUEST_WRITE;
    }
    return access;
}

/*
 * Who the memory is for. Every borrower an SP: the SPMC (it must take the ABI and the mediator
 * must have its own buffers). Every borrower a VM: the mediator itself (FFA_CFG_VM_TO_VM and the
 * host's mem_map), and each must be a VM that exists. Both worlds at once: DENIED, the routing
 * error of Hafnium's ffa_memory_is_send_valid (the mediator would have to relay the VMs' retrieves
 * of an SPMC handle, which it does not).
 */
static int32_t route(struct ffa_mediator *m, const struct ffa_vm *vm, const struct ffa_mem_desc *d,
                     uint32_t fid, bool *to_fw)
{
    uint32_t secure = 0;

    for (uint32_t i = 0; i < d->emad_count; i++) {
        struct ffa_mem_access a;

        ffa_mem_desc_access(d, i, &a);
        if (FFA_ID_IS_SECURE(a.endpoint)) {
            secure++;
            /* A v1.1 SPMC has no room for a v1.2 borrower's implementation-defined value. */
            if (m->fw_version < FFA_VERSION_1_2) {
                for (unsigned k = 0; k < 16; k++) {
                    if (a.impdef[k] != 0)
                        return FFA_RET_INVALID_PARAMETERS;
                }
            }
        }
    }
    if (secure == d->emad_count) {
        *to_fw = true;
        return ffam_mem_fw_path(m, fid) ? 0 : FFA_RET_NOT_SUPPORTED;
    }
    /* Without VM-to-VM sharing, another VM is no endpoint this VM can know. */
    if (!ffam_mem_vm_to_vm(m))
        return FFA_RET_INVALID_PARAMETERS;
    if (secure != 0)
        return FFA_RET_DENIED;
    ffam_lock(m, m->lock);
    for (uint32_t i = 0; i < d->emad_count; i++) {
        struct ffa_mem_access a;

        ffa_mem_desc_access(d, i, &a);
        if (a.endpoint == FFA_ID_HYPERVISOR ||
            ffam_vm_find_in_locked_table(m, a.endpoint) == NULL) {
            ffam_unlock(m, m->lock);
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    ffam_unlock(m, m->lock);
    (void)vm;
    *to_fw = false;
    return 0;
}

/* ---- Pages from the host ---- */

/* Acquire one constituent: as many pieces as the host's physically contiguous runs. */
static int32_t take_range(struct ffa_mediator *m, struct ffam_share *s,
                          const struct ffa_mem_range *r)
{
    uint64_t ipa = r->address;
    uint32_t left = r->page_count;

    if (r->page_count > s->page_count - s->pages_got)
        return FFA_RET_INVALID_PARAMETERS; /* more pages than the composite announced */
    while (left > 0) {
        struct ffam_piece *p;
        uint64_t pa = 0;
        uint32_t got = 0;
        int32_t ret = ffam_share_reserve(m, s, 1);
        int hret;

        if (ret != 0)
            return ret;
        hret =
            m->host->mem_acquire(m->host_ctx, s->owner, s->xfer, s->access, ipa, left, &pa, &got);
        if (hret != 0) {
            MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: the host refused pages at 0x%x: %d", s->owner,
                    ipa, hret);
            return ffam_host_error(hret);
        }
        if (got == 0 || got > left || pa % FFA_PAGE_SIZE != 0) {
            MED_LOG(m, FFA_LOG_ERROR, "ffa: host mem_acquire gave %u pages at 0x%x for %u", got, pa,
                    left);
            if (got != 0 && got <= left)
                m->host->mem_release(m->host_ctx, s->owner, s->xfer, ipa, pa, got, 0);
            return FFA_RET_ABORTED;
        }
        p = &s->pieces[s->npieces++];
        p->ipa = ipa;
        p->pa = pa;
        p->pages = got;
        s->pages_got += got;
        ipa += (uint64_t)got * FFA_PAGE_SIZE;
        left -= got;
    }
    return 0;
}

/* Acquire `n` constituents of a private copy: the first fragment's or a later one's. */
static int32_t take_ranges(struct ffa_mediator *m, struct ffam_share *s, const uint8_t *buf,
                           uint32_t len, uint32_t offset, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct ffa_mem_range r;
        int32_t ret = ffa_mem_range_get(buf, len, offset, i, &r);

        if (ret == 0)
            ret = take_range(m, s, &r);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* ---- The secure world's copy ---- */

/* The SPMC's status for an FFA_ERROR; anything malformed is ABORTED. */
static int32_t fw_error(const struct ffa_regs *r)
{
    int32_t code = ffa_error_code(r->x[2]);

    if ((uint32_t)r->x[0] == FFA_ERROR && code <= FFA_RET_NOT_SUPPORTED && code >= FFA_RET_NO_DATA)
        return code;
    return FFA_RET_ABORTED;
}

/* A handle the SPMC may allocate: bit 63 clear (the secure world allocated it). */
static bool fw_handle_valid(uint64_t h)
{
    return (h & FFA_MEM_HANDLE_HYPERVISOR) == 0;
}

/* The next constituent of the SPMC's descriptor, from the page list's cursor. */
static void next_range(struct ffam_share *s, struct ffa_mem_range *r)
{
    const struct ffam_piece *p = &s->pieces[s->fw_piece];

    if (s->fw_piece < s->fw_merge_upto) {
        uint32_t end = ffam_run_end(s, s->fw_piece, s->fw_merge_upto);

        r->address = p->pa;
        r->page_count = 0;
        for (uint32_t i = s->fw_piece; i < end; i++)
            r->page_count += s->pieces[i].pages;
        s->fw_piece = end;
        return;
    }
    r->address = p->pa + (uint64_t)s->fw_piece_pages * FFA_PAGE_SIZE;
    r->page_count = 1;
    if (++s->fw_piece_pages == p->pages) {
        s->fw_piece++;
        s->fw_piece_pages = 0;
    }
}

/* The SPMC's answer to one fragment: FRAG_RX (more expected) or SUCCESS (the last one). */
static int32_t check_fw_reply(struct ffa_mediator *m, struct ffam_share *s,
                              const struct ffa_regs *r, bool first)
{
    uint32_t x0 = (uint32_t)r->x[0];
    bool done = s->fw_sent == s->fw_total;
    uint64_t h;

    if (x0 == FFA_ERROR)
        return fw_error(r);
    /*
     * Whatever else is wrong, a first answer that names a handle means the SPMC holds something
     * under it: remember it, so that a rollback tells the SPMC to forget it.
     */
    if (first && (x0 == FFA_MEM_FRAG_RX || x0 == FFA_SUCCESS_32 || x0 == FFA_SUCCESS_64)) {
        h = x0 == FFA_MEM_FRAG_RX ? (uint32_t)r->x[1] | (uint64_t)(uint32_t)r->x[2] << 32
                                  : (uint32_t)r->x[2] | (uint64_t)(uint32_t)r->x[3] << 32;
        if (fw_handle_valid(h)) {
            s->handle = h;
            s->fw_handle = true;
        }
    }
    if (!done) {
        /* FFA_MEM_FRAG_RX: w1/w2 = handle, w3 = bytes received, w4[31:16] = sender (or 0). */
        uint32_t sender = (uint32_t)r->x[4] >> 16;

        h = (uint32_t)r->x[1] | (uint64_t)(uint32_t)r->x[2] << 32;
        if (x0 != FFA_MEM_FRAG_RX || (uint32_t)r->x[3] != s->fw_sent ||
            (sender != 0 && sender != s->owner) || (first ? !fw_handle_valid(h) : h != s->handle))
            goto bad;
    } else {
        /* FFA_SUCCESS: w2/w3 = handle. */
        h = (uint32_t)r->x[2] | (uint64_t)(uint32_t)r->x[3] << 32;
        if ((x0 != FFA_SUCCESS_32 && x0 != FFA_SUCCESS_64) ||
            (first ? !fw_handle_valid(h) : h != s->handle))
            goto bad;
        s->fw_done = true;
    }
    return 0;
bad:
    MED_LOG(m, FFA_LOG_ERROR,
            "ffa: VM 0x%x: unexpected answer 0x%x (w1 0x%x w3 0x%x) to a memory fragment, "
            "%u of %u bytes sent",
            s->owner, x0, r->x[1], r->x[3], s->fw_sent, s->fw_total);
    return FFA_RET_ABORTED;
}

/*
 * Write one fragment of the SPMC's descriptor into the mediator's own TX buffer and forward it.
 * The first carries the header, the EMADs (from the VM's parsed first fragment `d`) and the
 * composite; the others only constituents. own_lock is held for this one fragment.
 */
static int32_t fw_fragment(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s,
                           const struct ffa_mem_desc *d, uint32_t nranges)
{
    bool first = s->fw_sent == 0;
    uint8_t *buf = m->own_tx;
    uint32_t off = 0;
    struct ffa_regs r;
    int32_t ret;

    ffam_lock(m, m->own_lock);
    if (first) {
        struct ffa_mem_desc out = {0};

        ffa_mem_desc_layout(&out, m->fw_version, d->emad_count);
        out.sender = d->sender;
        out.attributes = d->attributes;
        out.flags = d->flags;
        out.tag = d->tag;
        ffa_mem_header_write(buf, FFAM_OWN_BUF_SIZE, &out);
        for (uint32_t i = 0; i < d->emad_count; i++) {
            struct ffa_mem_access a;

            ffa_mem_desc_access(d, i, &a);
            a.composite_offset = out.composite_offset;
            ffa_mem_access_write(buf, FFAM_OWN_BUF_SIZE, &out, i, &a);
        }
        ffa_mem_composite_write(buf, FFAM_OWN_BUF_SIZE, out.composite_offset, s->page_count,
                                s->fw_ranges);
        off = out.ranges_offset;
    }
    for (uint32_t i = 0; i < nranges; i++, off += FFA_MEM_RANGE_SIZE) {
        struct ffa_mem_range c;

        next_range(s, &c);
        ffa_mem_range_write(buf, FFAM_OWN_BUF_SIZE, off, &c);
    }
    if (first) {
        r = (struct ffa_regs){{s->fid, s->fw_total, off}};
    } else {
        /* The hypervisor names the sender in w4[31:16] (Hafnium's hypervisor does the same). */
        r = (struct ffa_regs){{FFA_MEM_FRAG_TX, (uint32_t)s->handle, (uint32_t)(s->handle >> 32),
                               off, (uint32_t)s->owner << 16}};
    }
    ffam_fw_call(m, cpu, &r, &r);
    ffam_unlock(m, m->own_lock);

    s->fw_sent += off;
    s->fw_ranges_sent += nranges;
    ret = check_fw_reply(m, s, &r, first);
    return ret;
}

/*
 * Forward what is ready: the first fragment always (the VM needs the handle), then only full
 * fragments, unless `flush` (the VM's last fragment arrived): the rest keeps for fewer, fuller
 * fragments later.
 */
static int32_t fw_send(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s,
                       const struct ffa_mem_desc *d, bool flush)
{
    for (;;) {
        bool first = s->fw_sent == 0;
        uint32_t head = first ? s->fw_total - s->fw_ranges * FFA_MEM_RANGE_SIZE : 0;
        uint32_t room = (FFAM_OWN_BUF_SIZE - head) / FFA_MEM_RANGE_SIZE;
        uint32_t ready = s->fw_ranges_ready - s->fw_ranges_sent;
        uint32_t n = ready < room ? ready : room;
        int32_t ret;

        if (!first && (ready == 0 || (!flush && ready < room)))
            return 0;
        ret = fw_fragment(m, cpu, s, d, n);
        if (ret != 0 || s->fw_sent == s->fw_total)
            return ret;
    }
}

/*
 * The SPMC's descriptor is sized at the VM's first fragment: its constituent count is fixed by
 * the first fragment the SPMC sees, and the VM needs the SPMC's handle before it sends its next
 * fragment (Linux keeps the FFA_MEM_FRAG_RX handle). The pages seen so far are described merged;
 * pages still to come one per constituent (the only count no physical layout can exceed).
 */
static int32_t fw_start(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s,
                        const struct ffa_mem_desc *d)
{
    uint32_t head = ffa_mem_header_size(m->fw_version) +
                    d->emad_count * ffa_mem_emad_size(m->fw_version) + FFA_MEM_COMPOSITE_SIZE;
    uint64_t runs = 0, total;

    for (uint32_t i = 0; i < s->npieces; i = ffam_run_end(s, i, s->npieces))
        runs++;
    s->fw_merge_upto = s->npieces;
    s->fw_ranges_ready = (uint32_t)runs;
    runs += s->page_count - s->pages_got;
    total = head + runs * FFA_MEM_RANGE_SIZE;
    if (total > UINT32_MAX)
        return FFA_RET_NO_MEMORY;
    /* More than one fragment needs the SPMC's FFA_MEM_FRAG_TX (else: too many fragments). */
    if (total > FFAM_OWN_BUF_SIZE &&
        (!ffam_fw_supports(m, FFA_MEM_FRAG_TX) || !ffam_fw_supports(m, FFA_MEM_FRAG_RX)))
        return FFA_RET_NO_MEMORY;
    s->fw_ranges = (uint32_t)runs;
    s->fw_total = (uint32_t)total;
    return fw_send(m, cpu, s, d, s->pages_got == s->page_count);
}

/* ---- Rollback ---- */

static void share_abort(struct ffa_mediator *m, uint32_t cpu, struct ffam_share *s)
{
    ffam_lock(m, m->mem_lock);
    ffam_share_remove_locked(m, s);
    ffam_unlock(m, m->mem_lock);
    ffam_share_destroy(m, cpu, s);
}

/* ---- VM to VM: the mediator is the relayer ---- */

static int32_t keep_for_vms(struct ffa_mediator *m, struct ffam_share *s,
                            const struct ffa_mem_desc *d)
{
    s->attributes = d->attributes;
    s->flags = d->flags;
    s->tag = d->tag;
    s->zero_pending = (d->flags & FFA_MEM_FLAG_ZERO) != 0;
    s->emads = ffam_zalloc(m, sizeof(*s->emads) * d->emad_count);
    s->borrowers = ffam_zalloc(m, sizeof(*s->borrowers) * d->emad_count);
    if (s->emads == NULL || s->borrowers == NULL) {
        ffam_free(m, s->emads, sizeof(*s->emads) * d->emad_count);
        ffam_free(m, s->borrowers, sizeof(*s->borrowers) * d->emad_count);
        s->emads = NULL;
        s->borrowers = NULL;
        return FFA_RET_NO_MEMORY;
    }
    s->nborrowers = d->emad_count;
    for (uint32_t i = 0; i < d->emad_count; i++) {
        ffa_mem_desc_access(d, i, &s->emads[i]);
        s->borrowers[i].id = s->emads[i].endpoint;
    }
    return 0;
}

/* A hypervisor-allocated handle: bit 63, a 63-bit counter; never one in use. Under mem_lock. */
static uint64_t new_handle_locked(struct ffa_mediator *m)
{
    uint64_t h;

    do {
        h = FFA_MEM_HANDLE_HYPERVISOR | m->mem_next_handle;
        m->mem_next_handle = m->mem_next_handle + 1 == 0 ? 1 : m->mem_next_handle + 1;
    } while (ffam_share_find_locked(m, h) != NULL);
    return h;
}

/* ---- Publication ---- */

/* Make the share reachable by its handle. */
static int32_t publish(struct ffa_mediator *m, struct ffam_share *s)
{
    int32_t ret;

    ffam_share_table_grow(m);
    ffam_lock(m, m->mem_lock);
    if (!s->to_fw)
        s->handle = new_handle_locked(m);
    ret = ffam_share_insert_locked(m, s);
    ffam_unlock(m, m->mem_lock);
    return ret;
}

static void reply_progress(const struct ffa_vm *vm, struct ffa_regs *regs,
                           const struct ffam_share *s)
{
    uint32_t lo = (uint32_t)s->handle, hi = (uint32_t)(s->handle >> 32);

    if (s->complete)
        reply_success32(vm, regs, lo, hi);
    else
        /* FFA_MEM_FRAG_RX: w3 = bytes received so far; w4 = 0 at a virtual instance. */
        reply8(vm, regs, FFA_MEM_FRAG_RX, lo, hi, s->vm_received, 0, 0, 0, 0);
}

/* ---- FFA_MEM_SHARE / LEND / DONATE ---- */

/* Start a transaction from a validated first fragment; on success the reply is written. */
static int32_t send_start(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, uint32_t fid,
                          const struct ffa_mem_desc *d, uint32_t total, bool to_fw,
                          struct ffa_regs *regs)
{
    enum ffa_mem_xfer xfer = ffa_mem_xfer_of(fid);
    struct ffam_share *s;
    int32_t ret;

    /* Each constituent holds at least one page. */
    if (d->page_count == 0 || d->range_count > d->page_count)
        return FFA_RET_INVALID_PARAMETERS;
    if (d->page_count > m->cfg.mem_max_pages)
        return FFA_RET_NO_MEMORY;
    ret = ffam_share_new(m, vm, &s);
    if (ret != 0)
        return ret;
    s->fid = fid;
    s->xfer = (uint8_t)xfer;
    s->to_fw = to_fw;
    s->access = lender_access(d, xfer);
    s->page_count = d->page_count;
    s->vm_total = total;
    s->vm_received = d->len;

    /*
     * Every constituent is at least one piece: room for all the VM announced (at most
     * mem_max_pages, as range_count <= page_count) saves regrowing the list of a large share.
     */
    ret = ffam_share_reserve(m, s, d->range_count);
    if (ret == 0)
        ret = take_ranges(m, s, d->buf, d->len, d->ranges_offset, d->ranges_in_fragment);
    if (ret == 0 && d->len == total && s->pages_got != s->page_count)
        ret = FFA_RET_INVALID_PARAMETERS; /* the constituents do not add up to the total */
    if (ret == 0)
        ret = to_fw ? fw_start(m, cpu, s, d) : keep_for_vms(m, s, d);
    if (ret == 0) {
        s->complete = d->len == total;
        ret = publish(m, s);
        if (ret != 0 && s->to_fw) {
            /*
             * The SPMC gave a handle that is already in use: it is confused, and reclaiming
             * that handle could take another VM's memory away. Keep these pages pinned.
             */
            MED_LOG(m, FFA_LOG_ERROR, "ffa: the SPMC gave handle 0x%x twice", s->handle);
            s->fw_handle = false;
            s->npieces = 0;
            ret = FFA_RET_ABORTED;
        }
    }
    if (ret != 0) {
        share_abort(m, cpu, s);
        return ret;
    }
    reply_progress(vm, regs, s);
    ffam_share_put(m, cpu, s);
    return 0;
}

/*
 * FFA_MEM_SHARE/LEND/DONATE_32/64: w1 = total length, w2 = fragment length, x3/w4 = a buffer of
 * the caller's (not supported: the descriptor is in the TX buffer). Errors follow Hafnium's
 * api_ffa_mem_send and ffa_memory_send_validate: INVALID_PARAMETERS for x3/w4 not zero (Xen
 * answers NOT_SUPPORTED; Hafnium's code is followed), a fragment longer than the total or the TX
 * buffer (or than 4 KiB from a v1.0 caller), no TX buffer, or a bad descriptor; DENIED for
 * another sender; NO_MEMORY past the limits; BUSY while another vCPU uses the TX buffer.
 */
void ffam_handle_mem_send(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                          uint32_t cpu, uint32_t fid)
{
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : UINT64_C(0xffffffff);
    uint32_t total = (uint32_t)regs->x[1], frag = (uint32_t)regs->x[2];
    uint64_t addr = regs->x[3] & mask;
    uint32_t pages = (uint32_t)regs->x[4];
    struct ffa_mem_desc d;
    const uint8_t *copy;
    bool to_fw = false;
    int32_t ret;

    if (!ffam_mem_supported(m) || (!ffam_mem_fw_path(m, fid) && !ffam_mem_vm_to_vm(m))) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (addr != 0 || pages != 0 || frag > total ||
        (vm->version < FFA_VERSION_1_1 && frag > FFA_PAGE_SIZE)) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: memory send: buffer 0x%x/%u, fragment %u of %u",
                vm->id, addr, pages, frag, total);
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffam_tx_copy(m, vm, frag, &copy);
    if (ret == 0) {
        ret = ffa_mem_desc_parse(copy, frag, total, vm->version, FFA_MEM_DESC_SEND, &d);
        /* Hafnium ffa_memory_send_validate: another sender is DENIED. */
        if (ret == 0 && d.sender != vm->id)
            ret = FFA_RET_DENIED;
        if (ret == 0)
            ret = ffa_mem_send_check(&d, ffa_mem_xfer_of(fid), m->cfg.mem_max_borrowers);
        if (ret == 0)
            ret = route(m, vm, &d, fid, &to_fw);
        if (ret == 0)
            ret = send_start(m, vm, cpu, fid, &d, total, to_fw, regs);
        ffam_tx_done(m, vm);
    }
    if (ret != 0) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: memory send 0x%x refused: %d", vm->id, fid, ret);
        reply_error(vm, regs, ret);
    }
}

/* ---- FFA_MEM_FRAG_TX ---- */

/* Take and forward a later fragment's constituents (the VM's TX buffer held, `copy` its copy). */
static int32_t frag_continue(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                             struct ffam_share *s, const uint8_t *copy, uint32_t len)
{
    uint64_t before = s->pages_got;
    bool last;
    int32_t ret;

    ret = take_ranges(m, s, copy, len, 0, len / FFA_MEM_RANGE_SIZE);
    ffam_tx_done(m, vm);
    if (ret != 0)
        return ret;
    s->vm_received += len;
    last = s->vm_received == s->vm_total;
    if (last && s->pages_got != s->page_count)
        return FFA_RET_INVALID_PARAMETERS;
    if (s->to_fw) {
        s->fw_ranges_ready += (uint32_t)(s->pages_got - before); /* one per page */
        ret = fw_send(m, cpu, s, NULL, last);
        if (ret == 0 && last && !s->fw_done)
            ret = FFA_RET_ABORTED; /* cannot happen: the counts were fixed together */
    }
    return ret;
}

/*
 * FFA_MEM_FRAG_TX: w1/w2 = handle, w3 = fragment length, w4 = sender ID (0 from a VM).
 * INVALID_PARAMETERS: w4 not 0, a handle that is not the caller's transaction in progress, a
 * length that is 0, not whole constituents, more than announced or than the TX buffer (the
 * transaction stays, the VM may send a correct fragment), or constituents that are refused or do
 * not add up; BUSY while another vCPU works on the handle or the TX buffer. A fragment whose
 * pages or forwarding fail ends the whole transaction (Hafnium frees its share state the same
 * way): pages released, the SPMC told to forget it, the handle unknown from then on.
 */
void ffam_handle_mem_frag_tx(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                             uint32_t cpu)
{
    uint64_t handle = (uint32_t)regs->x[1] | (uint64_t)(uint32_t)regs->x[2] << 32;
    uint32_t len = (uint32_t)regs->x[3];
    const uint8_t *copy;
    struct ffam_share *s;
    int32_t ret;

    if (!ffam_mem_supported(m)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((uint32_t)regs->x[4] != 0) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffam_share_get(m, handle, vm->id, false, &s);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    /* Later fragments hold whole constituents only (pKVM and Hafnium alike). */
    if (s->complete || len == 0 || len % FFA_MEM_RANGE_SIZE != 0 ||
        len > s->vm_total - s->vm_received) {
        ffam_share_put(m, cpu, s);
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffam_tx_copy(m, vm, len, &copy);
    if (ret != 0) {
        /* No TX buffer, or it is busy: nothing happened, the VM may send this fragment again. */
        ffam_share_put(m, cpu, s);
        reply_error(vm, regs, ret);
        return;
    }
    ret = frag_continue(m, vm, cpu, s, copy, len);
    if (ret != 0) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: fragment of 0x%x refused: %d", vm->id, handle,
                ret);
        share_abort(m, cpu, s);
        reply_error(vm, regs, ret);
        return;
    }
    s->complete = s->vm_received == s->vm_total;
    reply_progress(vm, regs, s);
    ffam_share_put(m, cpu, s);
}
