/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Indirect messaging: FFA_MSG_SEND2 (v1.1). The message sits in the sender's TX buffer behind a
 * partition message header (Hafnium inc/vmapi/hf/ffa.h, struct ffa_partition_rxtx_header):
 *
 *   u32 flags @0 (SBZ), u32 reserved @4, u32 offset @8, u32 sender << 16 | receiver @12,
 *   u32 size @16                                                  -- 20 bytes, v1.1
 *   u32 reserved @20, u8 uuid[16] @24                             -- 40 bytes, v1.2
 *
 * To an SP, the SPMC reads the VM's TX buffer itself (forwarded FFA_MSG_SEND2 with the VM's ID in
 * w1). To another VM, the mediator copies the message into the receiver's RX buffer, records the
 * "RX buffer full" framework notification and tells the host which vCPU to interrupt (as Xen's
 * xen/arch/arm/tee/ffa_msg.c, ffa_handle_msg_send2(), does under CONFIG_FFA_VM_TO_VM).
 *
 * The header is copied out of guest memory once and only the copy is validated: a sibling vCPU
 * rewriting the TX buffer meanwhile cannot change what was checked (Xen's 2026 audit found a
 * double fetch exactly here, commit c447b7308b).
 */
#include "internal.h"

#define HDR_SIZE_V1_1 20u
#define HDR_SIZE_V1_2 40u

struct send2_hdr {
    uint32_t offset;
    uint16_t sender, receiver;
    uint32_t size;
    uint8_t uuid[16]; /* zero for a v1.1 sender */
};

static uint32_t hdr_size(uint32_t version)
{
    return version >= FFA_VERSION_1_2 ? HDR_SIZE_V1_2 : HDR_SIZE_V1_1;
}

bool ffam_send2_supported(const struct ffa_mediator *m, const struct ffa_vm *vm)
{
    if (vm != NULL && vm->version < FFA_VERSION_1_1)
        return false;
    if (!ffam_vm_buffers_supported(m))
        return false;
    return (m->cfg.flags & FFA_CFG_VM_TO_VM) != 0 ||
           (ffam_fw_supports(m, FFA_MSG_SEND2) && m->fwd_vm_buffers);
}

/* Copy the header out of the TX buffer once, then check the copy against the buffer size. */
static int32_t read_header(const struct ffa_vm *vm, const uint8_t *tx, uint32_t tx_size,
                           struct send2_hdr *h)
{
    uint8_t raw[HDR_SIZE_V1_2] = {0};
    uint32_t min = hdr_size(vm->version);
    uint32_t ids;

    ffa_memcpy(raw, tx, min);
    GUEST_COPY_BARRIER();
    h->offset = (uint32_t)le_get(raw + 8, 4);
    ids = (uint32_t)le_get(raw + 12, 4);
    h->sender = FFA_SENDER(ids);
    h->receiver = FFA_RECEIVER(ids);
    h->size = (uint32_t)le_get(raw + 16, 4);
    ffa_memcpy(h->uuid, raw + 24, 16); /* zero for a v1.1 header: raw was cleared */

    if (h->sender != vm->id || h->receiver == vm->id)
        return FFA_RET_INVALID_PARAMETERS;
    /* The payload follows the header of the sender's version (Linux 6.15's 36 is refused). */
    if (h->offset < min || h->size == 0 || h->offset > tx_size || h->size > tx_size - h->offset)
        return FFA_RET_INVALID_PARAMETERS;
    return 0;
}

/* To an SP: the SPMC reads the message from the VM's TX buffer (w1[31:16] = the sender VM). */
static int32_t send_to_sp(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    if (!ffam_fw_supports(m, FFA_MSG_SEND2) || !vm->mbox.forwarded)
        return FFA_RET_NOT_SUPPORTED;
    return ffam_fw_simple_call(m, cpu, FFA_MSG_SEND2, (uint64_t)vm->id << 16, 0, 0);
}

/* Write the receiver's header (its own version's layout) and copy the payload, guest to guest. */
static void deliver(uint8_t *rx, uint32_t rx_hdr, const struct send2_hdr *h, const uint8_t *tx)
{
    ffa_memset(rx, 0, rx_hdr);
    le_put(rx + 8, rx_hdr, 4);
    le_put(rx + 12, (uint32_t)h->sender << 16 | h->receiver, 4);
    le_put(rx + 16, h->size, 4);
    if (rx_hdr == HDR_SIZE_V1_2)
        ffa_memcpy(rx + 24, h->uuid, 16);
    ffa_memcpy(rx + rx_hdr, tx + h->offset, h->size);
}

/*
 * To a VM (VM-to-VM messaging configured): INVALID_PARAMETERS for an unknown receiver or one that
 * has not negotiated v1.1+; DENIED if it has no RX buffer; BUSY if its RX buffer is not free;
 * NO_MEMORY if the message does not fit it. m->lock is held across the copy, so the receiver
 * cannot be removed under it.
 */
static int32_t send_to_vm(struct ffa_mediator *m, uint32_t cpu, const struct send2_hdr *h,
                          const uint8_t *tx)
{
    struct ffa_vm *dst;
    uint8_t *rx = NULL;
    uint32_t rx_size = 0, rx_hdr, target = NOTIF_NO_TARGET;
    int32_t ret;

    if ((m->cfg.flags & FFA_CFG_VM_TO_VM) == 0)
        return FFA_RET_INVALID_PARAMETERS;
    ffam_lock(m, m->lock);
    dst = ffam_vm_find_in_locked_table(m, h->receiver);
    if (dst == NULL || __atomic_load_n(&dst->version, __ATOMIC_ACQUIRE) < FFA_VERSION_1_1) {
        ffam_unlock(m, m->lock);
        return FFA_RET_INVALID_PARAMETERS;
    }
    ret = ffam_vm_rx_acquire(m, dst, cpu, &rx, &rx_size);
    if (ret == 0) {
        rx_hdr = hdr_size(dst->version);
        if (h->size > rx_size - rx_hdr) {
            ffam_vm_rx_fill_done(m, dst, cpu, false);
            ret = FFA_RET_NO_MEMORY;
        } else {
            deliver(rx, rx_hdr, h, tx);
            target = ffam_notif_raise_rx_full(m, dst);
            ffam_vm_rx_fill_done(m, dst, cpu, true);
        }
    }
    ffam_unlock(m, m->lock);
    if (ret == 0)
        ffam_notif_signal(m, h->receiver, target);
    return ret;
}

/*
 * FFA_MSG_SEND2: w1 = 0 (a VM may not name a sender; its own ID is tolerated), w2 = flags, 0 for
 * a VM (bit 1, "delay SRI", exists only at the secure virtual instance).
 * NOT_SUPPORTED below v1.1; DENIED without a TX buffer; BUSY while another vCPU sends;
 * INVALID_PARAMETERS for a bad header; then what the receiver's side answers.
 */
void ffam_handle_msg_send2(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    struct send2_hdr h;
    const uint8_t *tx;
    uint32_t tx_size;
    int32_t ret;

    if (!ffam_send2_supported(m, vm)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((w1 & 0xffffu) != 0 || ((w1 >> 16) != 0 && (w1 >> 16) != vm->id) ||
        (uint32_t)regs->x[2] != 0) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ffam_lock(m, vm->lock);
    if (vm->mbox.tx == NULL)
        ret = FFA_RET_DENIED;
    else if (vm->mbox.tx_busy)
        ret = FFA_RET_BUSY;
    else
        ret = 0;
    if (ret == 0)
        vm->mbox.tx_busy = true;
    tx = vm->mbox.tx;
    tx_size = vm->mbox.pages * FFA_PAGE_SIZE;
    ffam_unlock(m, vm->lock);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }

    ret = read_header(vm, tx, tx_size, &h);
    if (ret == 0)
        ret = FFA_ID_IS_SECURE(h.receiver) ? send_to_sp(m, vm, cpu) : send_to_vm(m, cpu, &h, tx);

    ffam_lock(m, vm->lock);
    vm->mbox.tx_busy = false;
    ffam_unlock(m, vm->lock);
    if (ret != 0) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: FFA_MSG_SEND2 refused: %d", vm->id, ret);
        reply_error(vm, regs, ret);
        return;
    }
    reply_success32(vm, regs, 0, 0);
}
