/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direct messaging and CPU-cycle donation: FFA_MSG_SEND_DIRECT_REQ_32/64, FFA_MSG_SEND_DIRECT_REQ2
 * and FFA_RUN, all finished by one path that vets the secure world's answer
 * (xen-mediator.md 2.3 and 4; secure-side.md 2.2 and 3.4).
 *
 * The mediator keeps no state between a request that came back as FFA_INTERRUPT or FFA_YIELD and
 * the guest's later FFA_RUN: resuming is between the guest and the SPMC, as in Xen.
 */
#include "internal.h"

#define MASK32 UINT64_C(0xffffffff)

enum finish_kind {
    FINISH_DIRECT_REQ,  /* DIRECT_REQ_32/64: answered by DIRECT_RESP_32/64 */
    FINISH_DIRECT_REQ2, /* DIRECT_REQ2: answered by DIRECT_RESP2 */
    FINISH_RUN,         /* FFA_RUN: whatever the resumed context does next, or FFA_MSG_WAIT */
};

/* Is `fid` an answer the secure world may give to this kind of call? */
static bool reply_allowed(const struct ffa_vm *vm, enum finish_kind kind, uint32_t fid)
{
    switch (fid) {
    case FFA_ERROR:
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
    case FFA_INTERRUPT:
    case FFA_MSG_YIELD:
        return true;
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
        return kind != FINISH_DIRECT_REQ2;
    case FFA_MSG_SEND_DIRECT_RESP2:
        /* After FFA_RUN it completes a REQ2, which only a v1.2 VM can have sent. */
        return kind == FINISH_DIRECT_REQ2 || (kind == FINISH_RUN && vm->version >= FFA_VERSION_1_2);
    case FFA_MSG_WAIT:
        /* The target went back to waiting: the end of an FFA_RUN in the RUN runtime model. */
        return kind == FINISH_RUN;
    default:
        return false;
    }
}

/*
 * Issue `req` and turn the secure world's answer into the guest's reply. A 32-bit answer is
 * masked to 32 bits (SMCCC: upper halves are zero); DIRECT_RESP2 carries x4..x17 verbatim.
 * Anything not allowed becomes FFA_ERROR(ABORTED): a guest never sees an answer it did not ask
 * for.
 */
static void finish_direct_req_run(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                  const struct ffa_regs *req, enum finish_kind kind)
{
    struct ffa_regs resp;
    uint32_t fid;
    uint64_t mask;

    fw_call(m, req, &resp);
    fid = (uint32_t)resp.x[0];
    if (!reply_allowed(vm, kind, fid)) {
        MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: secure world answered 0x%x to 0x%x: ABORTED",
                vm->id, fid, (uint32_t)req->x[0]);
        reply_error(vm, regs, FFA_RET_ABORTED);
        return;
    }
    if (fid == FFA_MSG_SEND_DIRECT_RESP2) {
        regs->x[0] = fid;
        for (int i = 1; i < FFA_NUM_REGS; i++)
            regs->x[i] = resp.x[i];
        return;
    }
    mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : MASK32;
    reply8(vm, regs, fid, resp.x[1] & mask, resp.x[2] & mask, resp.x[3] & mask, resp.x[4] & mask,
           resp.x[5] & mask, resp.x[6] & mask, resp.x[7] & mask);
}

/*
 * Sender/receiver rules shared by REQ and REQ2: the sender in w1[31:16] must be the caller and
 * the receiver must be someone else (INVALID_PARAMETERS); the receiver must be a secure endpoint,
 * since VMs cannot receive direct requests (NOT_SUPPORTED) (xen-mediator.md 2.3).
 */
static int32_t check_direct_endpoints(const struct ffa_mediator *m, const struct ffa_vm *vm,
                                      uint32_t w1)
{
    uint16_t src = FFA_SENDER(w1), dst = FFA_RECEIVER(w1);

    if (src != vm->id || dst == vm->id) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: direct message with w1 0x%x", vm->id, w1);
        return FFA_RET_INVALID_PARAMETERS;
    }
    if (!FFA_ID_IS_SECURE(dst))
        return FFA_RET_NOT_SUPPORTED;
    return 0;
}

void ffa_handle_msg_send_direct_req(struct ffa_mediator *m, struct ffa_vm *vm,
                                    struct ffa_regs *regs, uint32_t fid)
{
    uint64_t mask = ffa_fid_is_64(fid) ? ~UINT64_C(0) : MASK32;
    uint32_t w1 = (uint32_t)regs->x[1];
    struct ffa_regs req;
    int32_t ret;

    if (!fw_supports(m, fid)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    ret = check_direct_endpoints(m, vm, w1);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    /*
     * Framework messages (w2 bit 31: VM created/destroyed, power management) come from the
     * hypervisor or the SPMD, never from a VM. The mediator forwards as the hypervisor, so the SPMC
     * cannot tell them apart: refuse them here. Xen forwards them (xen-mediator.md 2.3 analysis);
     * this is deliberately stricter.
     */
    if ((regs->x[2] & FFA_MSG_FLAG_FRAMEWORK) != 0) {
        MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x sent a framework message: refused", vm->id);
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }

    req.x[0] = fid;
    req.x[1] = w1;
    for (int i = 2; i < 8; i++)
        req.x[i] = regs->x[i] & mask;
    for (int i = 8; i < FFA_NUM_REGS; i++)
        req.x[i] = 0;
    finish_direct_req_run(m, vm, regs, &req, FINISH_DIRECT_REQ);
}

/* FFA_MSG_SEND_DIRECT_REQ2 (v1.2, SMC64): x2/x3 = protocol UUID, x4..x17 = payload. */
void ffa_handle_msg_send_direct_req2(struct ffa_mediator *m, struct ffa_vm *vm,
                                     struct ffa_regs *regs)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    struct ffa_regs req;
    int32_t ret;

    if (vm->version < FFA_VERSION_1_2 || !fw_supports(m, FFA_MSG_SEND_DIRECT_REQ2)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    ret = check_direct_endpoints(m, vm, w1);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    req.x[0] = FFA_MSG_SEND_DIRECT_REQ2;
    req.x[1] = w1;
    for (int i = 2; i < FFA_NUM_REGS; i++)
        req.x[i] = regs->x[i];
    finish_direct_req_run(m, vm, regs, &req, FINISH_DIRECT_REQ2);
}

/*
 * FFA_RUN: w1 = target endpoint [31:16] | target vCPU [15:0]. Only secure targets (Xen: "we do
 * not support FFA_RUN to VMs"); only x0 and x1 travel, so x2..x17 reach the SPMC as zero, which
 * Hafnium requires of v1.2 callers. The vCPU index is the SPMC's to validate.
 */
void ffa_handle_run(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    struct ffa_regs req = {{FFA_RUN, w1}};

    if (!fw_supports(m, FFA_RUN) || !FFA_ID_IS_SECURE(FFA_TARGET_ID(w1))) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    finish_direct_req_run(m, vm, regs, &req, FINISH_RUN);
}
