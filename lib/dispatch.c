/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The entry point: classify an SMCCC call, run the FF-A preamble, dispatch one handler per ABI.
 *
 * Preamble order (xen-mediator.md 2.1): not FF-A → declined; SMC64 from an AArch32 VM →
 * NOT_SUPPORTED; FFA_VERSION is handled before negotiation closes; any other call closes it.
 */
#include "internal.h"

bool ffa_is_ffa_call(uint64_t x0)
{
    uint32_t fid = (uint32_t)x0 & ~FFA_SMCCC_SVE_HINT;
    uint32_t fnum = fid & FFA_SMCCC_FNUM_MASK;

    if ((fid & FFA_SMCCC_FAST_CALL) == 0 || (fid & FFA_SMCCC_OWNER_MASK) != FFA_SMCCC_OWNER_STD)
        return false;
    if ((fid & FFA_SMCCC_RSVD_MASK) != 0)
        return false;
    return fnum >= FFA_FNUM_MIN && fnum <= FFA_FNUM_MAX;
}

enum ffa_call_status ffa_mediator_handle(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t vcpu,
                                         struct ffa_regs *regs)
{
    /* SMCCC v1.3 bit 16 is a hint about the caller's SVE state; it does not change the call. */
    uint32_t fid = (uint32_t)regs->x[0] & ~FFA_SMCCC_SVE_HINT;

    if (!ffa_is_ffa_call(fid))
        return FFA_CALL_DECLINED;
    if (vm == NULL || vm->m != m || vcpu >= vm->vcpu_count) {
        /* A host bug, not a guest one; still answer so the guest never hangs. */
        MED_LOG(m, FFA_LOG_ERROR, "ffa: call 0x%x for an unknown VM or vCPU %u", fid, vcpu);
        reply_error(NULL, regs, FFA_RET_INVALID_PARAMETERS);
        return FFA_CALL_HANDLED;
    }
    if (vm->aarch32 && ffa_fid_is_64(fid)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return FFA_CALL_HANDLED;
    }
    if (fid == FFA_VERSION) {
        ffa_handle_version(m, vm, regs);
        return FFA_CALL_HANDLED;
    }
    if (__atomic_load_n(&vm->version, __ATOMIC_ACQUIRE) == 0 && vm_lock_version(m, vm) == 0) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x called 0x%x before FFA_VERSION", vm->id, fid);
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return FFA_CALL_HANDLED;
    }

    switch (fid) {
    case FFA_FEATURES:
        ffa_handle_features(m, vm, regs);
        break;
    case FFA_ID_GET:
        ffa_handle_id_get(m, vm, regs);
        break;
    case FFA_SPM_ID_GET:
        ffa_handle_spm_id_get(m, vm, regs);
        break;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
        ffa_handle_msg_send_direct_req(m, vm, regs, fid);
        break;
    case FFA_MSG_SEND_DIRECT_REQ2:
        ffa_handle_msg_send_direct_req2(m, vm, regs);
        break;
    case FFA_RUN:
        ffa_handle_run(m, vm, regs);
        break;
    default:
        /*
         * Output-only IDs (ERROR, SUCCESS, INTERRUPT, YIELD, DIRECT_RESP*), secure-side-only ABIs
         * (MSG_WAIT, RX_ACQUIRE, BITMAP_CREATE/DESTROY) and ABIs not implemented yet.
         */
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: unhandled function 0x%x", vm->id, fid);
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        break;
    }
    return FFA_CALL_HANDLED;
}
