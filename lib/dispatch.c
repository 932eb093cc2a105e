/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The entry point: classify an SMCCC call, run the FF-A preamble, dispatch one handler per ABI.
 *
 * Preamble order (Xen xen/arch/arm/tee/ffa.c, ffa_handle_call()): not FF-A → declined; SMC64 from
 * an AArch32 VM → NOT_SUPPORTED; FFA_VERSION is handled before negotiation closes; any other call
 * closes it.
 *
 * The common case (a known VM at a locked version making an ordinary call) takes one predictable
 * branch; everything unusual goes through preamble_slow(), kept out of line so that the hot path
 * stays small (bench/core: a mediated DIRECT_REQ_32 is budgeted at 150 instructions).
 */
#include "internal.h"

/*
 * A fast call (bit 31) to the standard secure service (owner 4, bits [29:24]) with bits [23:17]
 * clear; bit 30 (SMC64) and bit 16 (SVE hint) may be anything; function number 0x60..0x97.
 */
#define FFA_FID_FIXED_MASK  (FFA_SMCCC_FAST_CALL | FFA_SMCCC_OWNER_MASK | FFA_SMCCC_RSVD_MASK)
#define FFA_FID_FIXED_VALUE (FFA_SMCCC_FAST_CALL | FFA_SMCCC_OWNER_STD)
_Static_assert(FFA_FID_FIXED_MASK == 0xbffe0000u, "bits 31, 29:17 fixed; 30 and 16 free");

static inline bool is_ffa_fid(uint32_t fid)
{
    return (fid & FFA_FID_FIXED_MASK) == FFA_FID_FIXED_VALUE &&
           ((fid & FFA_SMCCC_FNUM_MASK) - FFA_FNUM_MIN) <= (FFA_FNUM_MAX - FFA_FNUM_MIN);
}

bool ffa_is_ffa_call(uint64_t x0)
{
    return is_ffa_fid((uint32_t)x0);
}

static __attribute__((noinline, cold)) void
reply_unhandled(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs, uint32_t fid)
{
    MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: unhandled function 0x%x", vm->id, fid);
    reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
}

/* Dense switch key: one slot per (function number, SMC32/SMC64) pair. */
#define KEY(fid) ((((fid)&FFA_SMCCC_FNUM_MASK) - FFA_FNUM_MIN) * 2u + (((fid) >> 30) & 1u))

static inline __attribute__((always_inline)) void dispatch(struct ffa_mediator *m,
                                                           struct ffa_vm *vm, uint32_t cpu,
                                                           struct ffa_regs *regs, uint32_t fid,
                                                           uint32_t vcpu)
{
    /* The hot ABI first, with one compare instead of the table. */
    if ((fid & ~FFA_SMCCC_64) == FFA_MSG_SEND_DIRECT_REQ_32) {
        ffam_handle_msg_send_direct_req(m, vm, regs, cpu, fid);
        return;
    }
    switch (KEY(fid)) {
    case KEY(FFA_MSG_SEND_DIRECT_REQ2):
        ffam_handle_msg_send_direct_req2(m, vm, regs, cpu);
        return;
    case KEY(FFA_RUN):
        ffam_handle_run(m, vm, regs, cpu);
        return;
    case KEY(FFA_FEATURES):
        ffam_handle_features(m, vm, regs);
        return;
    case KEY(FFA_ID_GET):
        ffam_handle_id_get(m, vm, regs);
        return;
    case KEY(FFA_SPM_ID_GET):
        ffam_handle_spm_id_get(m, vm, regs, cpu);
        return;
    case KEY(FFA_VERSION):
        ffam_handle_version(m, vm, regs);
        return;
    case KEY(FFA_RXTX_MAP_32):
    case KEY(FFA_RXTX_MAP_64):
        ffam_handle_rxtx_map(m, vm, regs, cpu, fid);
        return;
    case KEY(FFA_RXTX_UNMAP):
        ffam_handle_rxtx_unmap(m, vm, regs, cpu);
        return;
    case KEY(FFA_RX_RELEASE):
        ffam_handle_rx_release(m, vm, regs, cpu);
        return;
    case KEY(FFA_PARTITION_INFO_GET):
        ffam_handle_partition_info_get(m, vm, regs, cpu);
        return;
    case KEY(FFA_PARTITION_INFO_GET_REGS):
        ffam_handle_partition_info_get_regs(m, vm, regs);
        return;
    case KEY(FFA_MSG_SEND2):
        ffam_handle_msg_send2(m, vm, regs, cpu);
        return;
    case KEY(FFA_NOTIFICATION_BIND):
        ffam_handle_notif_bind(m, vm, regs, cpu, true);
        return;
    case KEY(FFA_NOTIFICATION_UNBIND):
        ffam_handle_notif_bind(m, vm, regs, cpu, false);
        return;
    case KEY(FFA_NOTIFICATION_SET):
        ffam_handle_notif_set(m, vm, regs, cpu);
        return;
    case KEY(FFA_NOTIFICATION_GET):
        ffam_handle_notif_get(m, vm, regs, cpu, (uint16_t)vcpu);
        return;
    case KEY(FFA_NOTIFICATION_INFO_GET_32):
    case KEY(FFA_NOTIFICATION_INFO_GET_64):
        ffam_handle_notif_info_get(m, vm, regs, fid);
        return;
    case KEY(FFA_MEM_SHARE_32):
    case KEY(FFA_MEM_SHARE_64):
    case KEY(FFA_MEM_LEND_32):
    case KEY(FFA_MEM_LEND_64):
    case KEY(FFA_MEM_DONATE_32):
    case KEY(FFA_MEM_DONATE_64):
        ffam_handle_mem_send(m, vm, regs, cpu, fid);
        return;
    case KEY(FFA_MEM_FRAG_TX):
        ffam_handle_mem_frag_tx(m, vm, regs, cpu);
        return;
    case KEY(FFA_MEM_FRAG_RX):
        ffam_handle_mem_frag_rx(m, vm, regs, cpu);
        return;
    case KEY(FFA_MEM_RECLAIM):
        ffam_handle_mem_reclaim(m, vm, regs, cpu);
        return;
    case KEY(FFA_MEM_RETRIEVE_REQ_32):
    case KEY(FFA_MEM_RETRIEVE_REQ_64):
        ffam_handle_mem_retrieve_req(m, vm, regs, cpu, fid);
        return;
    case KEY(FFA_MEM_RELINQUISH):
        ffam_handle_mem_relinquish(m, vm, regs, cpu);
        return;
    default:
        /*
         * Output-only IDs (ERROR, SUCCESS, INTERRUPT, YIELD, DIRECT_RESP*), ABIs of the physical
         * instance only (RX_ACQUIRE, NOTIFICATION_BITMAP_CREATE/DESTROY: the hypervisor's own,
         * NOT_SUPPORTED to a VM as Hafnium's hypervisor and Xen answer), secure-side-only ABIs
         * (MSG_WAIT), unknown numbers and ABIs not implemented yet.
         */
        reply_unhandled(m, vm, regs, fid);
        return;
    }
}

/*
 * Everything the fast path does not cover: a bad VM or vCPU (a host bug: still answered, so the
 * guest never hangs), SMC64 from AArch32, FFA_VERSION, and the call that closes negotiation.
 */
static __attribute__((noinline, cold)) void preamble_slow(struct ffa_mediator *m, struct ffa_vm *vm,
                                                          uint16_t vcpu, uint32_t cpu,
                                                          struct ffa_regs *regs, uint32_t fid)
{
    if (vm == NULL || vm->m != m || vcpu >= vm->vcpu_count) {
        MED_LOG(m, FFA_LOG_ERROR, "ffa: call 0x%x for an unknown VM or vCPU %u", fid, vcpu);
        reply_error(NULL, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    /* An AArch32 VM has no SMC64 calls (Xen answers the same). */
    if (vm->aarch32 && ffa_fid_is_64(fid)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (fid == FFA_VERSION) {
        ffam_handle_version(m, vm, regs);
        return;
    }
    /* Settled versions never change: a traced VM's calls skip the VM lock here. */
    if (__atomic_load_n(&vm->version, __ATOMIC_ACQUIRE) == 0 &&
        ffam_vm_close_negotiation(m, vm) == 0) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x called 0x%x before FFA_VERSION", vm->id, fid);
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    dispatch(m, vm, cpu, regs, fid, vcpu);
}

/*
 * Every call that misses the fast path, and with the host's trace hook, every call: a VM then
 * keeps all of slow_fid_bits (ffam_vm_close_negotiation()), so the fast path never tests for the
 * hook. The hook sees the call's registers as they came in and the reply.
 */
static __attribute__((noinline, cold)) void slow_path(struct ffa_mediator *m, struct ffa_vm *vm,
                                                      uint16_t vcpu, uint32_t cpu,
                                                      struct ffa_regs *regs, uint32_t fid)
{
    struct ffa_regs call;

    if (m->host->trace == NULL) {
        preamble_slow(m, vm, vcpu, cpu, regs, fid);
        return;
    }
    call = *regs;
    preamble_slow(m, vm, vcpu, cpu, regs, fid);
    m->host->trace(m->host_ctx, vm != NULL && vm->m == m ? vm->id : 0, vcpu, &call, regs);
}

enum ffa_call_status ffa_mediator_handle(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t vcpu,
                                         uint32_t cpu, struct ffa_regs *regs)
{
    /* SMCCC v1.3 bit 16 is a hint about the caller's SVE state; it does not change the call. */
    uint32_t fid = (uint32_t)regs->x[0] & ~FFA_SMCCC_SVE_HINT;

    if (!is_ffa_fid(fid))
        return FFA_CALL_DECLINED;
    /*
     * slow_fid_bits: all until the version is locked (and always with a trace hook); the SMC64
     * bit for an AArch32 VM.
     */
    if (__builtin_expect(vm == NULL || vm->m != m || vcpu >= vm->vcpu_count ||
                             (fid & __atomic_load_n(&vm->slow_fid_bits, __ATOMIC_ACQUIRE)) != 0,
                         0))
        slow_path(m, vm, vcpu, cpu, regs, fid);
    else
        dispatch(m, vm, cpu, regs, fid, vcpu);
    return FFA_CALL_HANDLED;
}
