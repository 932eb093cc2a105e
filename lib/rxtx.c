/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A VM's RX/TX buffer pair: FFA_RXTX_MAP_32/64, FFA_RXTX_UNMAP, FFA_RX_RELEASE, and the RX
 * ownership protocol the rest of the mediator uses to fill a VM's RX buffer (Hafnium src/api.c,
 * api_ffa_rxtx_map(), api_ffa_rxtx_unmap(), api_ffa_rx_release(), api_ffa_rx_acquire(); Xen
 * xen/arch/arm/tee/ffa_rxtx.c, ffa_handle_rxtx_map(), ffa_rx_acquire(), ffa_rx_release()).
 *
 * Guest memory is reached only through the host's guest_map callback, which translates the
 * guest's addresses and checks that they are RAM the VM may use that way.
 */
#include "internal.h"

bool ffam_vm_buffers_supported(const struct ffa_mediator *m)
{
    return m->host->guest_map != NULL;
}

/* [ipa, ipa + pages * 4K) overlaps [other, other + pages * 4K)? Both ranges are valid. */
static bool ranges_overlap(uint64_t a, uint64_t b, uint32_t pages)
{
    uint64_t len = (uint64_t)pages * FFA_PAGE_SIZE;

    return a < b + len && b < a + len;
}

/*
 * FFA_RXTX_MAP_32/64: x1 = TX address, x2 = RX address, w3 = page count (4 KiB pages).
 * INVALID_PARAMETERS: count 0 or above the configured maximum, an unaligned address, a range
 * that wraps, TX and RX overlapping, memory the host refuses; DENIED: already mapped;
 * NO_MEMORY: the host cannot map it. With forwarding, the SPMC's refusal is returned.
 */
void ffam_handle_rxtx_map(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                          uint32_t cpu, uint32_t fid)
{
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : UINT64_C(0xffffffff);
    uint64_t tx_ipa = regs->x[1] & mask, rx_ipa = regs->x[2] & mask;
    uint32_t pages = (uint32_t)regs->x[3];
    uint64_t len = (uint64_t)pages * FFA_PAGE_SIZE;
    uint64_t tx_pa[FFA_LIMIT_RXTX_MAX_PAGES], rx_pa[FFA_LIMIT_RXTX_MAX_PAGES];
    void *tx = NULL, *rx = NULL;
    int32_t ret;

    if (!ffam_vm_buffers_supported(m)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (pages == 0 || pages > m->cfg.rxtx_max_pages || (tx_ipa % FFA_PAGE_SIZE) != 0 ||
        (rx_ipa % FFA_PAGE_SIZE) != 0 || tx_ipa + len < tx_ipa || rx_ipa + len < rx_ipa ||
        ranges_overlap(tx_ipa, rx_ipa, pages)) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: RXTX_MAP tx 0x%x rx 0x%x pages %u refused", vm->id,
                tx_ipa, rx_ipa, pages);
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }

    ffam_lock(m, vm->lock);
    /* One pair per VM: a second map while one is mapped is DENIED (Hafnium api_ffa_rxtx_map). */
    if (vm->mbox.tx != NULL) {
        ffam_unlock(m, vm->lock);
        reply_error(vm, regs, FFA_RET_DENIED);
        return;
    }
    ret = m->host->guest_map(m->host_ctx, vm->id, tx_ipa, pages, FFA_GUEST_READ, &tx, tx_pa);
    if (ret == 0) {
        ret = m->host->guest_map(m->host_ctx, vm->id, rx_ipa, pages,
                                 FFA_GUEST_READ | FFA_GUEST_WRITE, &rx, rx_pa);
        if (ret != 0)
            m->host->guest_unmap(m->host_ctx, vm->id, tx, pages);
    }
    if (ret == 0 && m->fwd_vm_buffers) {
        ret = ffam_own_forward_rxtx_map(m, cpu, vm->id, tx_pa, rx_pa, pages);
        if (ret != 0) {
            m->host->guest_unmap(m->host_ctx, vm->id, rx, pages);
            m->host->guest_unmap(m->host_ctx, vm->id, tx, pages);
        }
    }
    if (ret == 0) {
        vm->mbox.tx = tx;
        vm->mbox.rx = rx;
        vm->mbox.pages = pages;
        vm->mbox.forwarded = m->fwd_vm_buffers;
        vm->mbox.rx_state = RX_FREE;
        vm->mbox.rx_from_spmc = false;
    }
    ffam_unlock(m, vm->lock);

    if (ret != 0) {
        /* The host answers INVALID_PARAMETERS or NO_MEMORY; anything else is its bug. */
        if (ret != FFA_RET_INVALID_PARAMETERS && ret != FFA_RET_NO_MEMORY &&
            ret != FFA_RET_DENIED && ret != FFA_RET_ABORTED && ret != FFA_RET_BUSY)
            ret = FFA_RET_INVALID_PARAMETERS;
        reply_error(vm, regs, ret);
        return;
    }
    reply_success32(vm, regs, 0, 0);
}

/* Give an RX buffer the mediator acquired from the SPMC back to it. Caller holds vm->lock. */
static int32_t release_to_spmc(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    /* FFA_RX_RELEASE from the hypervisor: w1[15:0] = the VM whose buffer it is. */
    return ffam_fw_simple_call(m, cpu, FFA_RX_RELEASE, vm->id, 0, 0);
}

/* Unmap both buffers and tell the SPMC. Caller holds vm->lock and checked the state. */
static int32_t unmap_locked(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    if (vm->mbox.forwarded) {
        /* The hypervisor names the VM in w1[31:16] (Hafnium api_ffa_rxtx_unmap). */
        int32_t ret = ffam_fw_simple_call(m, cpu, FFA_RXTX_UNMAP, (uint64_t)vm->id << 16, 0, 0);

        if (ret != 0)
            return ret;
    }
    m->host->guest_unmap(m->host_ctx, vm->id, vm->mbox.rx, vm->mbox.pages);
    m->host->guest_unmap(m->host_ctx, vm->id, vm->mbox.tx, vm->mbox.pages);
    vm->mbox = (struct vm_mailbox){0};
    return 0;
}

/*
 * w1 carries an endpoint ID only when the hypervisor calls; a VM must send 0. Linux kernels before
 * commit a4e8473b775 (drivers/firmware/arm_ffa/driver.c, ffa_rxtx_unmap()) send their own ID in
 * w1[31:16], which is tolerated; another VM's ID is refused.
 */
static bool own_or_zero(const struct ffa_vm *vm, uint32_t id_field)
{
    return id_field == 0 || id_field == vm->id;
}

/* FFA_RXTX_UNMAP: INVALID_PARAMETERS if nothing is mapped; DENIED while the VM owns its RX. */
void ffam_handle_rxtx_unmap(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    int32_t ret;

    if (!ffam_vm_buffers_supported(m)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((w1 & 0xffffu) != 0 || !own_or_zero(vm, w1 >> 16)) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ffam_lock(m, vm->lock);
    if (vm->mbox.tx == NULL)
        ret = FFA_RET_INVALID_PARAMETERS;
    else if (vm->mbox.rx_state != RX_FREE || vm->mbox.tx_busy)
        ret = FFA_RET_DENIED; /* a message the VM has not released, or one being written */
    else
        ret = unmap_locked(m, vm, cpu);
    ffam_unlock(m, vm->lock);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    reply_success32(vm, regs, 0, 0);
}

/* Is the VM's "RX buffer full" framework notification still unread? Caller holds vm->lock. */
static bool rx_full_unread(const struct ffa_mediator *m, struct ffa_vm *vm)
{
    bool unread;

    ffam_lock(m, vm->notif_lock);
    unread = (vm->notif.fw & FFA_FW_NOTIF_RX_FULL) != 0;
    ffam_unlock(m, vm->notif_lock);
    return unread;
}

/*
 * FFA_RX_RELEASE: the VM hands its RX buffer back. DENIED if nothing is mapped or the buffer is
 * not the VM's. When the SPMC knows the buffers, it may have filled the RX buffer itself (a
 * message from an SP), so a release the mediator cannot account for is the SPMC's to judge.
 */
void ffam_handle_rx_release(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    int32_t ret = 0;

    if (!ffam_vm_buffers_supported(m)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (!own_or_zero(vm, w1 & 0xffffu) || (w1 >> 16) != 0) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ffam_lock(m, vm->lock);
    if (vm->mbox.rx == NULL) {
        ret = FFA_RET_DENIED;
    } else if (vm->mbox.rx_state == RX_FULL && rx_full_unread(m, vm)) {
        /*
         * A message whose "RX buffer full" notification the VM has not read with
         * FFA_NOTIFICATION_GET: Hafnium refuses the release (src/api.c, api_ffa_rx_release(),
         * "notification pending").
         */
        ret = FFA_RET_DENIED;
    } else if (vm->mbox.rx_state == RX_FULL) {
        if (vm->mbox.rx_from_spmc)
            ret = release_to_spmc(m, vm, cpu);
        vm->mbox.rx_state = RX_FREE;
        vm->mbox.rx_from_spmc = false;
    } else if (vm->mbox.rx_state == RX_FREE && vm->mbox.forwarded) {
        ret = release_to_spmc(m, vm, cpu);
    } else {
        ret = FFA_RET_DENIED;
    }
    ffam_unlock(m, vm->lock);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    reply_success32(vm, regs, 0, 0);
}

/*
 * Take a VM's RX buffer for the mediator to fill (partition info, a message from another VM).
 * DENIED if nothing is mapped; BUSY if the VM still owns it or someone is filling it, or if the
 * SPMC holds it (a message from an SP). On success the buffer is in RX_WRITING with the lock
 * dropped; ffam_vm_rx_fill_done() ends the fill.
 */
int32_t ffam_vm_rx_acquire(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, uint8_t **rx,
                           uint32_t *size)
{
    int32_t ret = 0;

    ffam_lock(m, vm->lock);
    if (vm->mbox.rx == NULL) {
        ret = FFA_RET_DENIED;
    } else if (vm->mbox.rx_state != RX_FREE) {
        ret = FFA_RET_BUSY;
    } else {
        if (vm->mbox.forwarded) {
            /* The SPMC arbitrates the buffer it may also fill (Hafnium api_ffa_rx_acquire). */
            ret = ffam_fw_simple_call(m, cpu, FFA_RX_ACQUIRE, vm->id, 0, 0);
            if (ret == FFA_RET_DENIED)
                ret = FFA_RET_BUSY; /* its mailbox is full: from the VM's side, busy */
        }
        if (ret == 0) {
            vm->mbox.rx_state = RX_WRITING;
            vm->mbox.rx_from_spmc = vm->mbox.forwarded;
            *rx = vm->mbox.rx;
            *size = vm->mbox.pages * FFA_PAGE_SIZE;
        }
    }
    ffam_unlock(m, vm->lock);
    return ret;
}

/* End a fill: the VM owns the buffer (filled) or it goes back to free (not filled). */
void ffam_vm_rx_fill_done(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, bool filled)
{
    ffam_lock(m, vm->lock);
    if (filled) {
        vm->mbox.rx_state = RX_FULL;
    } else {
        if (vm->mbox.rx_from_spmc) {
            int32_t ret = release_to_spmc(m, vm, cpu);

            if (ret != 0)
                MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: FFA_RX_RELEASE to the SPMC: %d", vm->id,
                        ret);
        }
        vm->mbox.rx_state = RX_FREE;
        vm->mbox.rx_from_spmc = false;
    }
    ffam_unlock(m, vm->lock);
}

/*
 * At VM removal: give back an RX buffer the SPMC lent, then unmap the pair in the SPMC and in the
 * mediator. The SPMC answering that it has nothing mapped (INVALID_PARAMETERS, NOT_SUPPORTED)
 * counts as unmapped; any other refusal leaves the pair mapped (it may still write the VM's RX
 * buffer), except that `force` drops the mediator's own mapping anyway.
 */
int32_t ffam_vm_buffers_teardown(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                                 bool force)
{
    int32_t ret = 0;

    ffam_lock(m, vm->lock);
    if (vm->mbox.tx != NULL) {
        if (vm->mbox.rx_from_spmc && release_to_spmc(m, vm, cpu) == 0)
            vm->mbox.rx_from_spmc = false;
        ret = unmap_locked(m, vm, cpu);
        if (ret == FFA_RET_INVALID_PARAMETERS || ret == FFA_RET_NOT_SUPPORTED) {
            MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x: the SPMC had no buffers to unmap: %d", vm->id,
                    ret);
            vm->mbox.forwarded = false;
            ret = unmap_locked(m, vm, cpu);
        }
        if (ret != 0) {
            MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: SPMC refused the unmap at removal: %d", vm->id,
                    ret);
            if (force) {
                m->host->guest_unmap(m->host_ctx, vm->id, vm->mbox.rx, vm->mbox.pages);
                m->host->guest_unmap(m->host_ctx, vm->id, vm->mbox.tx, vm->mbox.pages);
                vm->mbox = (struct vm_mailbox){0};
            }
        }
    }
    ffam_unlock(m, vm->lock);
    return ret;
}
