/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direct messaging and CPU-cycle donation: FFA_MSG_SEND_DIRECT_REQ_32/64, FFA_MSG_SEND_DIRECT_REQ2
 * and FFA_RUN, all finished by one path that vets the secure world's answer
 * (Xen xen/arch/arm/tee/ffa_msg.c, ffa_handle_msg_send_direct_req(), ffa_handle_run() and
 * ffa_finish_direct_req_run(); Hafnium src/api.c, api_ffa_msg_send_direct_req() and
 * api_ffa_run(), for what the SPMC answers).
 *
 * Before a call is forwarded, the secure context it may leave preempted is claimed for the calling
 * VM, so that no other VM can resume it and take its response (resume_rights.c); every answer
 * goes through the one answer rule (answer.h) before the guest sees it.
 *
 * This is the per-call hot path (bench/core). The guest's register file is rewritten into the
 * request in place, handed to the backend as both input and output (a conduit's x0..x17 are
 * in-out; see backend.h), and the answer is vetted in place.
 */
#include "internal.h"

/* What each kind of call may get back (answer.h has the registers of each). */
#define REQ_ANSWERS  (FFAM_ANS_CYCLES | FFAM_ANS_RESP_32 | FFAM_ANS_RESP_64)
#define REQ2_ANSWERS (FFAM_ANS_CYCLES | FFAM_ANS_RESP2)
#define RUN_ANSWERS                                                                                \
    (FFAM_ANS_CYCLES | FFAM_ANS_MSG_WAIT | FFAM_ANS_RESP_32 | FFAM_ANS_RESP_64 | FFAM_ANS_RESP2)

/* An SMC32 call defines only w1..w7: their upper halves are zero (SMCCC). */
static inline void mask_w1_w7(struct ffa_regs *r)
{
    ffam_mask_w1_w7(r);
}

/*
 * A refused answer becomes FFA_ERROR(ABORTED): a guest never sees an answer it did not ask for.
 * x8..x17 follow the caller's rule, as in every reply.
 */
static __attribute__((noinline, cold)) void reply_aborted(struct ffa_mediator *m, struct ffa_vm *vm,
                                                          struct ffa_regs *regs,
                                                          const uint64_t *high, uint64_t x0)
{
    MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: unexpected answer 0x%x from the secure world: ABORTED",
            vm->id, x0);
    ffam_answer_high(regs, high);
    reply_error(vm, regs, FFA_RET_ABORTED);
}

/* The caller of a direct request or RUN, for ffam_answer_sanitise(). */
static inline struct ffam_caller caller_of(const struct ffa_vm *vm, uint32_t resp_w1,
                                           const uint64_t *high)
{
    struct ffam_caller c = {vm->id, vm->aarch32, vm->version, resp_w1, resp_w1 == 0, high};

    return c;
}

/*
 * Everything but a DIRECT_RESP_32 ending a request: the answer rule in full (unless `fast`
 * already applied it), then the claims to settle, or a refusal.
 */
static __attribute__((noinline)) void finish_slow(struct ffa_mediator *m, struct ffa_vm *vm,
                                                  uint32_t cpu, struct ffa_regs *regs,
                                                  const uint64_t *high, uint32_t allowed,
                                                  uint32_t slot, bool was_parked, uint32_t resp_w1,
                                                  bool fast, uint64_t x0)
{
    struct ffam_caller c = caller_of(vm, resp_w1, high);
    struct ffam_claim claim = {slot, was_parked};
    enum ffam_answer verdict = fast ? FFAM_ANSWER_OK : ffam_answer_sanitise(regs, allowed, &c);

    if (slot != FFAM_NO_SLOT || verdict == FFAM_ANSWER_OTHER_VM ||
        (verdict == FFAM_ANSWER_OK && (x0 == FFA_INTERRUPT || x0 == FFA_MSG_YIELD)))
        verdict = ffam_claims_settle(m, vm, &claim, regs, verdict, &c, allowed, cpu);
    if (verdict != FFAM_ANSWER_OK)
        reply_aborted(m, vm, regs, high, x0);
}

/*
 * Issue the request prepared in `regs` (x0..x17) and turn the answer into the guest's reply, in
 * place, through the one answer rule (answer.h): anything not allowed becomes
 * FFA_ERROR(ABORTED). The per-call case, a DIRECT_RESP_32 ending a request, is checked inline
 * and drops the request's claim with one compare-and-swap; everything else goes out of line.
 *
 * `high` holds the guest's own x8..x17 when it expects them preserved (below v1.2, or AArch32);
 * NULL for an AArch64 v1.2 VM, whose x8..x17 are zero in every reply other than RESP2.
 */
static inline __attribute__((always_inline)) void
finish_direct_req_run(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                      struct ffa_regs *regs, const uint64_t *high, uint32_t allowed, uint32_t slot,
                      bool was_parked, uint32_t resp_w1)
{
    uint64_t x0;
    bool fast;

    ffam_fw_call(m, cpu, regs, regs);
    x0 = regs->x[0];
    fast = allowed == REQ_ANSWERS && ffam_answer_resp32_fast(regs, resp_w1, high);
    if (__builtin_expect(fast, 1) && (slot == FFAM_NO_SLOT || ffam_claim_drop(m, slot, vm->id)))
        return;
    finish_slow(m, vm, cpu, regs, high, allowed, slot, was_parked, resp_w1, fast, x0);
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

/*
 * Claim the context a request to w1's receiver lands on, before it is forwarded (resume_rights.c):
 * BUSY if it is claimed, as the SPMC answers for a context that is not waiting. A context the
 * mediator cannot name (no partition list) is not claimed.
 */
static inline int32_t claim_target(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t w1,
                                   uint32_t cpu, uint32_t *slot)
{
    *slot = ffam_request_slot(m, FFA_RECEIVER(w1), cpu);
    if (*slot != FFAM_NO_SLOT && !ffam_claim_take(m, *slot, vm->id))
        return FFA_RET_BUSY;
    return 0;
}

/* The w1 of the response that completes a request with this w1: receiver and sender swapped. */
static inline uint32_t response_w1(uint32_t w1)
{
    return (w1 << 16) | (w1 >> 16);
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
    uint32_t slot = FFAM_NO_SLOT;
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
    if (ret == 0)
        ret = claim_target(m, vm, w1, cpu, &slot);
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
    finish_direct_req_run(m, vm, cpu, regs, high, REQ_ANSWERS, slot, false, response_w1(w1));
}

/* FFA_MSG_SEND_DIRECT_REQ2 (v1.2, SMC64): x2/x3 = protocol UUID, x4..x17 = payload. */
void ffam_handle_msg_send_direct_req2(struct ffa_mediator *m, struct ffa_vm *vm,
                                      struct ffa_regs *regs, uint32_t cpu)
{
    uint32_t w1 = (uint32_t)regs->x[1];
    uint64_t area[10];
    const uint64_t *high;
    uint32_t slot = FFAM_NO_SLOT;
    int32_t ret;

    if (vm->version < FFA_VERSION_1_2 || !ffam_fw_supports(m, FFA_MSG_SEND_DIRECT_REQ2)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    ret = check_direct_endpoints(vm, w1);
    if (ret == 0)
        ret = claim_target(m, vm, w1, cpu, &slot);
    if (ret != 0) {
        reply_refused(m, vm, regs, ret);
        return;
    }
    /* An AArch32 VM cannot get here (SMC64), so `high` is always NULL; kept for symmetry. */
    high = SAVE_HIGH(vm, regs, area);
    regs->x[0] = FFA_MSG_SEND_DIRECT_REQ2;
    regs->x[1] = w1;
    finish_direct_req_run(m, vm, cpu, regs, high, REQ2_ANSWERS, slot, false, response_w1(w1));
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
    struct ffam_claim claim;
    struct ffam_caller c;
    int32_t ret;

    if (!ffam_fw_supports(m, FFA_RUN) || !FFA_ID_IS_SECURE(FFA_TARGET_ID(w1))) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    high = SAVE_HIGH(vm, regs, area);
    c = caller_of(vm, 0, high);
    ret = ffam_claims_run(m, vm, w1, &claim, regs, &c, RUN_ANSWERS);
    if (ret == FFAM_CLAIM_ANSWERED)
        return;
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    regs->x[0] = FFA_RUN;
    regs->x[1] = w1;
    ffa_memset(&regs->x[2], 0, sizeof(regs->x[0]) * 6);
    clear_x8_x17(regs);
    finish_direct_req_run(m, vm, cpu, regs, high, RUN_ANSWERS, claim.slot, claim.was_parked, 0);
}
