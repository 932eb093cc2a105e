/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_MEM_RECLAIM from a VM, and what FFA_FEATURES says about the memory ABIs.
 *
 * FFA_MEM_RECLAIM carries no sender, and the secure world sees only the hypervisor: the mediator
 * is the only one that can stop a VM from reclaiming another VM's handle. It answers for the
 * caller's own handles only (Xen's ffa_handle_mem_reclaim looks in the caller's list the same
 * way); everything else is INVALID_PARAMETERS, as Hafnium's reclaim by someone who is not the
 * sender.
 */
#include "mem.h"

/* FFA_MEM_RECLAIM towards the SPMC: 0 or its error (malformed answers are ABORTED). */
static int32_t fw_reclaim(struct ffa_mediator *m, uint32_t cpu, uint64_t handle, uint32_t flags)
{
    struct ffa_regs r = {{FFA_MEM_RECLAIM, (uint32_t)handle, (uint32_t)(handle >> 32), flags}};
    uint32_t x0;
    int32_t code;

    ffam_fw_call(m, cpu, &r, &r);
    x0 = (uint32_t)r.x[0];
    if (x0 == FFA_SUCCESS_32 || x0 == FFA_SUCCESS_64)
        return 0;
    code = ffa_error_code(r.x[2]);
    if (x0 == FFA_ERROR && code <= FFA_RET_NOT_SUPPORTED && code >= FFA_RET_NO_DATA)
        return code;
    MED_LOG(m, FFA_LOG_ERROR, "ffa: bad answer 0x%x to FFA_MEM_RECLAIM", x0);
    return FFA_RET_ABORTED;
}

static bool any_borrower_holds(const struct ffam_share *s)
{
    for (uint32_t i = 0; i < s->nborrowers; i++) {
        if (s->borrowers[i].state != FFAM_BORROW_NONE)
            return true;
    }
    return false;
}

/*
 * FFA_MEM_RECLAIM: w1/w2 = handle, w3 = flags (bit 0: zero the memory; bits [31:1] MBZ, bit 1
 * time slicing is not supported, as in Hafnium). INVALID_PARAMETERS: bad flags, a handle that is
 * not one of the caller's completed transactions; DENIED while a borrower still has the memory
 * (the SPMC decides for SPs, the mediator for VMs); BUSY while another vCPU works on the handle.
 * On success the pages go back to the VM (mem_release) and the handle is forgotten.
 */
void ffam_handle_mem_reclaim(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                             uint32_t cpu)
{
    uint64_t handle = (uint32_t)regs->x[1] | (uint64_t)(uint32_t)regs->x[2] << 32;
    uint32_t flags = (uint32_t)regs->x[3];
    struct ffam_share *s;
    unsigned release_flags = 0;
    int32_t ret;

    if (!ffam_mem_supported(m) ||
        (!ffam_mem_fw_path(m, FFA_MEM_RECLAIM) && !ffam_mem_vm_to_vm(m))) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((flags & ~FFA_MEM_FLAG_ZERO) != 0) {
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffam_share_get(m, handle, vm->id, false, &s);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    if (!s->complete) {
        /* Hafnium: "not fully sent" is INVALID_PARAMETERS. */
        ret = FFA_RET_INVALID_PARAMETERS;
    } else if (s->to_fw) {
        ret = fw_reclaim(m, cpu, handle, flags);
        /*
         * A donation the SPMC no longer knows was retrieved: the pages are the SP's now. The
         * mediator forgets the handle without giving them back, and the VM learns what the
         * SPMC said.
         */
        if (ret == FFA_RET_INVALID_PARAMETERS && s->xfer == FFA_MEM_XFER_DONATE) {
            MED_LOG(m, FFA_LOG_INFO, "ffa: VM 0x%x: donation 0x%x was retrieved", vm->id, handle);
            s->npieces = 0;
            ffam_lock(m, m->mem_lock);
            ffam_share_remove_locked(m, s);
            ffam_unlock(m, m->mem_lock);
            ffam_share_free(m, s);
            reply_error(vm, regs, ret);
            return;
        }
        /* The SPMC zeroed the memory if asked (Hafnium's hypervisor masks the flag the same way).
         */
    } else {
        ffam_lock(m, m->mem_lock);
        if (any_borrower_holds(s))
            ret = FFA_RET_DENIED; /* a borrower has not relinquished it yet */
        ffam_unlock(m, m->mem_lock);
        if ((flags & FFA_MEM_FLAG_ZERO) != 0)
            release_flags = FFA_HOST_MEM_ZERO;
    }
    if (ret != 0) {
        ffam_share_put(m, cpu, s);
        reply_error(vm, regs, ret);
        return;
    }
    ffam_lock(m, m->mem_lock);
    ffam_share_remove_locked(m, s);
    ffam_unlock(m, m->mem_lock);
    ffam_share_release_pages(m, s, release_flags);
    ffam_share_free(m, s);
    reply_success32(vm, regs, 0, 0);
}

/*
 * FFA_FEATURES for the memory ABIs, only where they work: the host can acquire guest pages, and
 * the secure world has the ABI (borrowers that are SPs) or VM-to-VM sharing is configured with
 * the host's mem_map (borrowers that are VMs). Properties are 0: no caller-supplied buffers
 * (FFA_MEM_SHARE/LEND/DONATE/RETRIEVE_REQ w2 bit 0), and the retrieve response never carries
 * the NS attribute (RETRIEVE_REQ bit 1: everything a VM borrows is non-secure memory).
 */
int32_t ffam_mem_features(const struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t fid,
                          uint32_t *props)
{
    bool vm_to_vm = ffam_mem_vm_to_vm(m);

    *props = 0;
    if (!ffam_mem_supported(m))
        return FFA_RET_NOT_SUPPORTED;
    switch (fid) {
    case FFA_MEM_SHARE_32:
    case FFA_MEM_SHARE_64:
    case FFA_MEM_LEND_32:
    case FFA_MEM_LEND_64:
    case FFA_MEM_DONATE_32:
    case FFA_MEM_DONATE_64:
    case FFA_MEM_RECLAIM:
        return ffam_mem_fw_path(m, fid) || vm_to_vm ? 0 : FFA_RET_NOT_SUPPORTED;
    case FFA_MEM_FRAG_TX:
        /* The VM's fragments are reassembled or re-fragmented: always available. */
        return ffam_mem_fw_path(m, FFA_MEM_SHARE_32) || ffam_mem_fw_path(m, FFA_MEM_SHARE_64) ||
                       ffam_mem_fw_path(m, FFA_MEM_LEND_32) ||
                       ffam_mem_fw_path(m, FFA_MEM_LEND_64) ||
                       ffam_mem_fw_path(m, FFA_MEM_DONATE_32) ||
                       ffam_mem_fw_path(m, FFA_MEM_DONATE_64) || vm_to_vm
                   ? 0
                   : FFA_RET_NOT_SUPPORTED;
    case FFA_MEM_FRAG_RX:
    case FFA_MEM_RETRIEVE_REQ_32:
    case FFA_MEM_RETRIEVE_REQ_64:
    case FFA_MEM_RELINQUISH:
        /* A VM retrieves only what another VM sent it. */
        (void)vm;
        return vm_to_vm ? 0 : FFA_RET_NOT_SUPPORTED;
    default:
        return FFA_RET_NOT_SUPPORTED;
    }
}
