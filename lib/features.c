/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_FEATURES: what this mediator offers a VM (Hafnium src/api.c, api_ffa_features(); Xen
 * xen/arch/arm/tee/ffa.c, handle_features()).
 *
 * w1 is a function ID (bit 31 set) or a feature ID (bit 31 clear). w2 (input properties) and
 * w3..w7 are ignored, as Xen's committed version does: they are SBZ or unused for every ABI we
 * offer. The answer is SUCCESS with w2 = interface properties, or NOT_SUPPORTED.
 */
#include "internal.h"

/* Returns 0 and the properties word, or NOT_SUPPORTED. */
static int32_t function_properties(const struct ffa_mediator *m, const struct ffa_vm *vm,
                                   uint32_t fid, uint32_t *props)
{
    *props = 0;
    /* An AArch32 VM cannot make SMC64 calls, so it has none of them (Xen: same). */
    if (vm->aarch32 && ffa_fid_is_64(fid))
        return FFA_RET_NOT_SUPPORTED;

    switch (fid) {
    /*
     * Answered by the mediator itself or status-only IDs. FFA_INTERRUPT and FFA_YIELD are
     * reported as in Xen's FF-A v1.2 FFA_RUN patch: a VM receives them from DIRECT_REQ/RUN.
     */
    case FFA_ERROR:
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
    case FFA_INTERRUPT:
    case FFA_MSG_YIELD:
    case FFA_VERSION:
    case FFA_FEATURES:
    case FFA_ID_GET:
        return 0;
    /* Forwarded: only what the secure world said it has. */
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_RUN:
        return ffam_fw_supports(m, fid) ? 0 : FFA_RET_NOT_SUPPORTED;
    /* v1.1 ABI, answered from the secure world's reply (cached). */
    case FFA_SPM_ID_GET:
        if (vm->version < FFA_VERSION_1_1)
            return FFA_RET_NOT_SUPPORTED;
        return ffam_fw_supports(m, fid) ? 0 : FFA_RET_NOT_SUPPORTED;
    /* v1.2 ABI: only for VMs that negotiated v1.2. */
    case FFA_MSG_SEND_DIRECT_REQ2:
        if (vm->version < FFA_VERSION_1_2)
            return FFA_RET_NOT_SUPPORTED;
        return ffam_fw_supports(m, fid) ? 0 : FFA_RET_NOT_SUPPORTED;
    /*
     * RX/TX buffers, when the host can map guest memory. FFA_RXTX_MAP's properties: w2[1:0] = 0
     * (4 KiB minimum size and alignment) and, for v1.2 callers, w2[31:16] = the largest page
     * count (FF-A v1.2; Xen's handle_features() reports its fixed 1 the same way).
     */
    case FFA_RXTX_MAP_32:
    case FFA_RXTX_MAP_64:
        if (!ffam_vm_buffers_supported(m))
            return FFA_RET_NOT_SUPPORTED;
        if (vm->version >= FFA_VERSION_1_2)
            *props = m->cfg.rxtx_max_pages << 16;
        return 0;
    case FFA_RXTX_UNMAP:
    case FFA_RX_RELEASE:
        return ffam_vm_buffers_supported(m) ? 0 : FFA_RET_NOT_SUPPORTED;
    /* Answered from the SP list and the VM table. */
    case FFA_PARTITION_INFO_GET:
        return 0;
    case FFA_PARTITION_INFO_GET_REGS:
        return vm->version >= FFA_VERSION_1_2 ? 0 : FFA_RET_NOT_SUPPORTED;
    case FFA_MSG_SEND2:
        return ffam_send2_supported(m, vm) ? 0 : FFA_RET_NOT_SUPPORTED;
    /* Notifications (notif.c). BITMAP_CREATE/DESTROY are the hypervisor's: NOT_SUPPORTED. */
    case FFA_NOTIFICATION_BIND:
    case FFA_NOTIFICATION_UNBIND:
    case FFA_NOTIFICATION_SET:
    case FFA_NOTIFICATION_GET:
    case FFA_NOTIFICATION_INFO_GET_32:
    case FFA_NOTIFICATION_INFO_GET_64:
        return ffam_notif_features(m, vm, fid, props);
    case FFA_MEM_SHARE_32:
    case FFA_MEM_SHARE_64:
    case FFA_MEM_LEND_32:
    case FFA_MEM_LEND_64:
    case FFA_MEM_DONATE_32:
    case FFA_MEM_DONATE_64:
    case FFA_MEM_RECLAIM:
    case FFA_MEM_FRAG_TX:
    case FFA_MEM_FRAG_RX:
    case FFA_MEM_RETRIEVE_REQ_32:
    case FFA_MEM_RETRIEVE_REQ_64:
    case FFA_MEM_RELINQUISH:
        return ffam_mem_features(m, vm, fid, props);
    default:
        return FFA_RET_NOT_SUPPORTED;
    }
}

void ffam_handle_features(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs)
{
    uint32_t id = (uint32_t)regs->x[1];
    uint32_t props = 0;
    int32_t ret;

    if ((id & FFA_SMCCC_FAST_CALL) != 0)
        ret = function_properties(m, vm, id, &props);
    else
        ret = ffam_notif_features(m, vm, id, &props); /* NPI, SRI, notification features */

    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    reply_success32(vm, regs, props, 0);
}
