/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direct messaging and CPU-cycle donation: FFA_MSG_SEND_DIRECT_REQ_32/64, FFA_MSG_SEND_DIRECT_REQ2
 * and FFA_RUN, all finished by one path that vets the secure world's answer
 * (Xen xen/arch/arm/tee/ffa_msg.c, ffa_handle_msg_send_direct_req(), ffa_handle_run() and
 * ffa_finish_direct_req_run(); Hafnium src/api.c, api_ffa_msg_send_direct_req() and
 * api_ffa_run(), for what the SPMC answers).
 *
 * The mediator keeps no state between a request that came back as FFA_INTERRUPT or FFA_YIELD and
 * the guest's later FFA_RUN: resuming is between the guest and the SPMC, as in Xen.
 *
 * This is the per-call hot path (bench/core). The guest's register file is rewritten into the
 * request in place, handed to the backend as both input and output (a conduit's x0..x17 are
 * in-out; see backend.h), and the answer is vetted in place.
 */
#include "internal.h"

#define MASK32 UINT64_C(0xffffffff)

/* An SMC32 call or answer defines only w1..w7: their upper halves are zero (SMCCC). */
static inline void mask_w1_w7(struct ffa_regs *r)
{
    r->x[1] &= MASK32;
    r->x[2] &= MASK32;
    r->x[3] &= MASK32;
    r->x[4] &= MASK32;
    r->x[5] &= MASK32;
    r->x[6] &= MASK32;
    r->x[7] &= MASK32;
}

enum finish_kind {
    FINISH_DIRECT_REQ,  /* DIRECT_REQ_32/64: answered by DIRECT_RESP_32/64 */
    FINISH_DIRECT_REQ2, /* DIRECT_REQ2: answered by DIRECT_RESP2 */
    FINISH_RUN,         /* FFA_RUN: whatever the resumed context does next, or FFA_MSG_WAIT */
};

/* What to do with the secure world's answer `fid` to this kind of call. */
enum answer_action {
    ANSWER_PASS,   /* hand it to the guest */
    ANSWER_PARKED, /* hand it to the guest; it parks a context for this VM (resume_rights.c) */
    ANSWER_REFUSE, /* not an answer this call can get: FFA_ERROR(ABORTED) instead */
};

/*
 * One switch decides both whether the answer is allowed and whether it parks a context, so the
 * common DIRECT_RESP costs a single compare (the answers Xen's ffa_finish_direct_req_run()
 * accepts, narrowed to those the call can get).
 */
static inline enum answer_action classify_answer(const struct ffa_vm *vm, enum finish_kind kind,
                                                 uint32_t fid)
{
    switch (fid) {
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
        return kind != FINISH_DIRECT_REQ2 ? ANSWER_PASS : ANSWER_REFUSE;
    case FFA_INTERRUPT:
    case FFA_MSG_YIELD:
        return ANSWER_PARKED;
    case FFA_ERROR:
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
        return ANSWER_PASS;
    case FFA_MSG_SEND_DIRECT_RESP2:
        /* After FFA_RUN it completes a REQ2, which only a v1.2 VM can have sent. */
        return kind == FINISH_DIRECT_REQ2 || (kind == FINISH_RUN && vm->version >= FFA_VERSION_1_2)
                   ? ANSWER_PASS
                   : ANSWER_REFUSE;
    case FFA_MSG_WAIT:
        /* The target went back to waiting: the end of an FFA_RUN in the RUN runtime model. */
        return kind == FINISH_RUN ? ANSWER_PASS : ANSWER_REFUSE;
    default:
        return ANSWER_REFUSE;
    }
}

static __attribute__((noinline, cold)) void reply_aborted(struct ffa_mediator *m, struct ffa_vm *vm,
                                                          struct ffa_regs *regs, uint32_t fid)
{
    MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: unexpected answer 0x%x from the secure world: ABORTED",
            vm->id, fid);
    reply_error(vm, regs, FFA_RET_ABORTED);
}

/*
 * Keep resume rights up to date (resume_rights.c): an FFA_INTERRUPT or FFA_YIELD answer parks the
 * context it names for this VM; the end of an FFA_RUN (a response, FFA_MSG_WAIT, SUCCESS, or the
 * target aborting) frees it. Other errors (BUSY, DENIED, ...) leave it parked.
 */
static __attribute__((noinline)) void track_resume(struct ffa_mediator *m, struct ffa_vm *vm,
                                                   const struct ffa_regs *regs,
                                                   enum finish_kind kind, uint32_t run_target)
{
    uint32_t fid = (uint32_t)regs->x[0];

    if (fid == FFA_INTERRUPT || fid == FFA_MSG_YIELD) {
        uint32_t parked = (uint32_t)regs->x[1];

        if (kind == FINISH_RUN && parked != run_target)
            ffam_resume_rights_release(m, run_target);
        ffam_resume_rights_park(m, vm, parked);
        return;
    }
    if (kind == FINISH_RUN && (fid != FFA_ERROR || ffa_error_code(regs->x[2]) == FFA_RET_ABORTED))
        ffam_resume_rights_release(m, run_target);
}

/*
 * A response that completes a resumed request must be addressed to the VM that resumed it: with
 * resume rights recorded this always holds, and if the table could not record a context (full)
 * this still keeps one VM from reading another's response.
 */
static bool response_is_for(const struct ffa_vm *vm, uint32_t fid, uint64_t w1)
{
    if (fid != FFA_MSG_SEND_DIRECT_RESP_32 && fid != FFA_MSG_SEND_DIRECT_RESP_64 &&
        fid != FFA_MSG_SEND_DIRECT_RESP2)
        return true;
    return FFA_RECEIVER(w1) == vm->id;
}

/*
 * Issue the request prepared in `regs` (x0..x17) and turn the answer into the guest's reply, in
 * place. A 32-bit answer is masked to 32 bits (SMCCC: upper halves are zero); DIRECT_RESP2 keeps
 * x1..x17 as answered. Anything not allowed becomes FFA_ERROR(ABORTED): a guest never sees an
 * answer it did not ask for.
 *
 * `high` holds the guest's own x8..x17 when it expects them preserved (below v1.2, or AArch32);
 * NULL for an AArch64 v1.2 VM, whose x8..x17 are zero in every reply other than RESP2.
 */
static inline __attribute__((always_inline)) void
finish_direct_req_run(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                      struct ffa_regs *regs, const uint64_t *high, enum finish_kind kind,
                      uint32_t run_target)
{
    enum answer_action action;
    uint32_t fid;

    ffam_fw_call(m, cpu, regs, regs);
    fid = (uint32_t)regs->x[0];
    action = classify_answer(vm, kind, fid);
    if (kind == FINISH_RUN && action == ANSWER_PASS && !response_is_for(vm, fid, regs->x[1]))
        action = ANSWER_REFUSE;
    if (kind == FINISH_RUN || action == ANSWER_PARKED)
        track_resume(m, vm, regs, kind, run_target);
    if (__builtin_expect(action == ANSWER_REFUSE, 0)) {
        if (high != NULL)
            ffa_memcpy(&regs->x[8], high, sizeof(regs->x[0]) * 10);
        reply_aborted(m, vm, regs, fid);
        return;
    }
    regs->x[0] = fid;
    if (fid == FFA_MSG_SEND_DIRECT_RESP2)
        return;
    if (!ffa_fid_is_64(fid))
        mask_w1_w7(regs);
    if (high != NULL)
        ffa_memcpy(&regs->x[8], high, sizeof(regs->x[0]) * 10);
    else
        clear_x8_x17(regs);
}

/*
 * Sender/receiver rules shared by REQ and REQ2: the sender in w1[31:16] must be the caller and
 * the receiver must be someone else (INVALID_PARAMETERS); the receiver must be a secure endpoint,
 * since VMs cannot receive direct requests (NOT_SUPPORTED) (as Xen's
 * ffa_handle_msg_send_direct_req()).
 */
static inline int32_t check_direct_endpoints(const struct ffa_vm *vm, uint32_t w1)
{
    uint16_t src = FFA_SENDER(w1), dst = FFA_RECEIVER(w1);

    if (src != vm->id || dst == vm->id)
        return FFA_RET_INVALID_PARAMETERS;
    if (!FFA_ID_IS_SECURE(dst))
        return FFA_RET_NOT_SUPPORTED;
    return 0;
}

static __attribute__((noinline, cold)) void reply_refused(struct ffa_mediator *m, struct ffa_vm *vm,
                                                          struct ffa_regs *regs, int32_t ret)
{
    MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: direct message w1 0x%x refused: %d", vm->id,
            (uint32_t)regs->x[1], ret);
    reply_error(vm, regs, ret);
}

/* Save x8..x17 if the VM expects them preserved; returns the save area or NULL. */
#define SAVE_HIGH(vm, regs, area)                                                                  \
    ((vm)->clear_x8_x17                                                                            \
         ? NULL                                                                                    \
         : (ffa_memcpy((area), &(regs)->x[8], sizeof(area)), (const uint64_t *)(area)))

void ffam_handle_msg_send_direct_req(struct ffa_mediator *m, struct ffa_vm *vm,
                                     struct ffa_regs *regs, uint32_t cpu, uint32_t fid)
{
    bool is64 = ffa_fid_is_64(fid);
    uint32_t w1 = (uint32_t)regs->x[1];
    uint64_t area[10];
    const uint64_t *high;
    int32_t ret;

    /* fid is one of two constants here: let the compiler fold the bit test. */
    if (!ffam_fw_supports(m, is64 ? FFA_MSG_SEND_DIRECT_REQ_64 : FFA_MSG_SEND_DIRECT_REQ_32)) {
        reply_refused(m, vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    ret = check_direct_endpoints(vm, w1);
    /*
     * Framework messages (w2 bit 31: VM created/destroyed, power management) come from the
     * hypervisor or the SPMD, never from a VM. The mediator forwards as the hypervisor, so the
     * SPMC cannot tell them apart: refuse them here. Xen's ffa_handle_msg_send_direct_req()
     * does not filter the bit and forwards them; this is deliberately stricter.
     */
    if (ret == 0 && (regs->x[2] & FFA_MSG_FLAG_FRAMEWORK) != 0)
        ret = FFA_RET_INVALID_PARAMETERS;
    if (ret != 0) {
        reply_refused(m, vm, regs, ret);
        return;
    }

    /* w0..w7 travel (x0 without the SVE hint); x8..x17 are not part of DIRECT_REQ: zero. */
    high = SAVE_HIGH(vm, regs, area);
    regs->x[0] = fid;
    regs->x[1] = w1;
    if (!is64)
        mask_w1_w7(regs);
    clear_x8_x17(regs);
    finish_direct_req_run(m, vm, cpu, regs, high, FINISH_DIRECT_REQ, 0);
}

/* FFA_MSG_SEND_DIRECT_REQ2 (v1.2, SMC64): x2/x3 = protocol UUID, x4..x17 = payload. */
void ffam_handle_msg_send_direct_req2(struct ffa_mediator *m, struct ffa_vm *vm,
                                      struct ffa_regs *regs, uint32_t cpu)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    uint64_t area[10];
    const uint64_t *high;
    int32_t ret;

    if (vm->version < FFA_VERSION_1_2 || !ffam_fw_supports(m, FFA_MSG_SEND_DIRECT_REQ2)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    ret = check_direct_endpoints(vm, w1);
    if (ret != 0) {
        reply_refused(m, vm, regs, ret);
        return;
    }
    /* An AArch32 VM cannot get here (SMC64), so `high` is always NULL; kept for symmetry. */
    high = SAVE_HIGH(vm, regs, area);
    regs->x[0] = FFA_MSG_SEND_DIRECT_REQ2;
    regs->x[1] = w1;
    finish_direct_req_run(m, vm, cpu, regs, high, FINISH_DIRECT_REQ2, 0);
}

/*
 * FFA_RUN: w1 = target endpoint [31:16] | target vCPU [15:0]. Only secure targets (Xen: "we do
 * not support FFA_RUN to VMs"); only x0 and x1 travel, so x2..x17 reach the SPMC as zero, which
 * Hafnium requires of v1.2 callers. The vCPU index is the SPMC's to validate.
 */
void ffam_handle_run(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs, uint32_t cpu)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    uint64_t area[10];
    const uint64_t *high;
    int32_t ret;

    if (!ffam_fw_supports(m, FFA_RUN) || !FFA_ID_IS_SECURE(FFA_TARGET_ID(w1))) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    ret = ffam_resume_rights_check(m, vm, w1);
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    high = SAVE_HIGH(vm, regs, area);
    regs->x[0] = FFA_RUN;
    regs->x[1] = w1;
    ffa_memset(&regs->x[2], 0, sizeof(regs->x[0]) * 6);
    clear_x8_x17(regs);
    finish_direct_req_run(m, vm, cpu, regs, high, FINISH_RUN, w1);
}
