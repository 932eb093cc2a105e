/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The secure world's answers, made fit for a guest: the one rule every forwarding path applies.
 *
 * A guest only ever sees replies a correct secure world could give it. Whatever the SPMC (or a
 * buggy firmware, or a fuzzer) writes into x0..x17, a forwarded call's answer goes through
 * ffam_answer_sanitise() before anything acts on it: the direct requests and FFA_RUN, the
 * mediator's own status calls (ffam_answer_status(): FFA_SPM_ID_GET, the RX/TX, RX_ACQUIRE,
 * RX_RELEASE and FFA_MSG_SEND2 forwarding, the partition list, the notification calls and the
 * SRI handler's FFA_NOTIFICATION_INFO_GET) and the memory-sharing calls.
 *
 * The decision is made on the whole of x0: an answer whose x0 has any of bits [63:32] set is no
 * FF-A function ID (Xen's ffa_finish_direct_req_run() switches on the whole register, and Linux's
 * driver compares the whole a0), so it is refused like any other unexpected ID. A refused answer
 * becomes FFA_ERROR(ABORTED) for the guest (ffam_reply_aborted()), its own x8..x17 kept or zeroed
 * as for any other reply.
 *
 * What an accepted answer looks like to the guest (FF-A v1.2, DEN0077A; SMCCC: a 32-bit field
 * is a w register, whose upper half is not part of the value):
 *
 *   answer (x0)          x1                     x2                    x3..x7           x8..x17
 *   -------------------  ---------------------  --------------------  ---------------  ---------
 *   FFA_ERROR            0                      status, one of the    0                caller
 *                                               defined codes -1..-9
 *                                               (else refused),
 *                                               zero-extended
 *   FFA_SUCCESS_32       w1                     w2                    w3..w7           caller
 *   FFA_SUCCESS_64 (1)   x1                     x2                    x3..x7           caller
 *   FFA_INTERRUPT        target info: a secure  0                     0                caller
 *                        endpoint (else
 *                        refused)
 *   FFA_YIELD            target info, as above  timeout low (v1.2+    w3: timeout high caller
 *                                               callers; else 0)      (v1.2+; else 0),
 *                                                                     w4..w7: 0
 *   FFA_MSG_WAIT         0                      0                     0                caller
 *   DIRECT_RESP_32       sender/receiver (2)    0 (a framework        w3..w7           caller
 *                                               response is refused)
 *   DIRECT_RESP_64 (1)   sender/receiver (2)    as RESP_32            x3..x7           caller
 *   DIRECT_RESP2 (1)(3)  sender/receiver (2)    0                     x3: 0, x4..x7    as sent
 *   FFA_MEM_FRAG_RX      w1                     w2                    w3..w7           caller
 *   anything else, an ID the call cannot get, or any of x0[63:32] set: refused
 *
 *   (1) SMC64 answers only for AArch64 callers: an AArch32 VM has no x registers (refused).
 *   (2) The pair the call expects (the request's receiver answering its sender), or, after
 *       FFA_RUN, any secure sender answering the caller. A response after FFA_RUN addressed to
 *       another VM is FFAM_ANSWER_OTHER_VM: the caller keeps it for that VM, and refuses it.
 *   (3) DIRECT_RESP2 only for callers at v1.2 or later (FFA_MSG_SEND_DIRECT_REQ2 is v1.2).
 *   caller: x8..x17 are zero for an AArch64 caller at v1.2 or later (FF-A v1.2: result registers
 *       an ABI does not use are zero) and the caller's own values otherwise (below v1.2 the
 *       caller expects them preserved; an AArch32 caller has only r0..r7).
 *
 * What an answer's fields mean for one ABI (the SPM ID a secure ID, a partition list's count and
 * entry size, a memory handle the SPMC's) is checked where that ABI is handled, after this rule.
 *
 * Which IDs a call may get (its `allowed` set) is the caller's: DIRECT_REQ_32/64 may be answered
 * by ERROR, SUCCESS_32/64, INTERRUPT, YIELD and DIRECT_RESP_32/64; DIRECT_REQ2 by ERROR,
 * SUCCESS_32/64, INTERRUPT, YIELD and DIRECT_RESP2; FFA_RUN by ERROR, SUCCESS_32/64, INTERRUPT,
 * YIELD, MSG_WAIT and every DIRECT_RESP (Xen's ffa_finish_direct_req_run() list, narrowed to what
 * each call can get); a status call by ERROR and SUCCESS_32/64.
 */
#ifndef FFA_LIB_ANSWER_H
#define FFA_LIB_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/abi.h"
#include "ffa/regs.h"

/* The answer IDs a call accepts (its `allowed` set). */
#define FFAM_ANS_ERROR       (1u << 0)
#define FFAM_ANS_SUCCESS_32  (1u << 1)
#define FFAM_ANS_SUCCESS_64  (1u << 2)
#define FFAM_ANS_INTERRUPT   (1u << 3)
#define FFAM_ANS_YIELD       (1u << 4)
#define FFAM_ANS_MSG_WAIT    (1u << 5)
#define FFAM_ANS_RESP_32     (1u << 6)
#define FFAM_ANS_RESP_64     (1u << 7)
#define FFAM_ANS_RESP2       (1u << 8)
#define FFAM_ANS_MEM_FRAG_RX (1u << 9)

#define FFAM_ANS_STATUS (FFAM_ANS_ERROR | FFAM_ANS_SUCCESS_32 | FFAM_ANS_SUCCESS_64)
#define FFAM_ANS_CYCLES (FFAM_ANS_STATUS | FFAM_ANS_INTERRUPT | FFAM_ANS_YIELD)

/* The caller of a forwarded call, as far as its answer is concerned. */
struct ffam_caller {
    uint16_t id;          /* endpoint ID; 0 for the mediator's own calls */
    bool aarch32;         /* no SMC64 answers */
    uint32_t version;     /* negotiated FF-A version (the mediator's own calls: FFA_VERSION_1_2) */
    uint32_t resp_w1;     /* the w1 a direct response must carry (with !resp_any) */
    bool resp_any;        /* any secure sender answering `id` will do (after FFA_RUN) */
    const uint64_t *high; /* the caller's own x8..x17 to put back, or NULL to zero them */
};

enum ffam_answer {
    FFAM_ANSWER_OK = 0,   /* `r` now holds the guest's reply */
    FFAM_ANSWER_REFUSED,  /* not an answer this call can get: `r` untouched */
    FFAM_ANSWER_OTHER_VM, /* a well-formed response addressed to another VM: `r` untouched */
};

#define FFAM_MASK32 UINT64_C(0xffffffff)

/* The defined FF-A status codes (v1.2: NOT_SUPPORTED -1 .. NO_DATA -9). */
static inline bool ffam_status_defined(uint64_t x2)
{
    int32_t code = ffa_error_code(x2);

    return code <= FFA_RET_NOT_SUPPORTED && code >= FFA_RET_NO_DATA;
}

/* x8..x17 of a reply other than DIRECT_RESP2: the caller's, or zero. */
static inline __attribute__((always_inline)) void ffam_answer_high(struct ffa_regs *r,
                                                                   const uint64_t *high)
{
    if (high != NULL)
        __builtin_memcpy(&r->x[8], high, sizeof(r->x[0]) * (FFA_NUM_REGS - 8));
    else
        __builtin_memset(&r->x[8], 0, sizeof(r->x[0]) * (FFA_NUM_REGS - 8));
}

/* (Written out: a loop here is not unrolled at -O2, and this is on the per-call path.) */
static inline __attribute__((always_inline)) void ffam_mask_w1_w7(struct ffa_regs *r)
{
    r->x[1] &= FFAM_MASK32;
    r->x[2] &= FFAM_MASK32;
    r->x[3] &= FFAM_MASK32;
    r->x[4] &= FFAM_MASK32;
    r->x[5] &= FFAM_MASK32;
    r->x[6] &= FFAM_MASK32;
    r->x[7] &= FFAM_MASK32;
}

static inline __attribute__((always_inline)) void ffam_zero_from(struct ffa_regs *r, int first)
{
    __builtin_memset(&r->x[first], 0, sizeof(r->x[0]) * (size_t)(8 - first));
}

/* What a DIRECT_RESP_32 becomes for the guest (the table's row), once it is accepted. */
static inline __attribute__((always_inline)) void ffam_answer_resp32_rewrite(struct ffa_regs *r,
                                                                             const uint64_t *high)
{
    ffam_mask_w1_w7(r);
    r->x[2] = 0;
    ffam_answer_high(r, high);
}

/*
 * Check the secure world's answer in `r` against the table above and, when it is acceptable,
 * rewrite it in place into the caller's reply (x0..x17); otherwise leave `r` untouched.
 * `allowed` is a set of FFAM_ANS_* bits. The whole rule, out of line (answer.c).
 */
enum ffam_answer ffam_answer_sanitise(struct ffa_regs *r, uint32_t allowed,
                                      const struct ffam_caller *c);

/*
 * The per-call case of the same rule, inline: a DIRECT_RESP_32 that carries exactly the pair a
 * request expects (`resp_w1`) and no framework flag. Returns true with `r` rewritten as
 * ffam_answer_sanitise() would; false with `r` untouched for everything else, which then goes
 * to ffam_answer_sanitise(). It reads no more of the caller than it needs, so that the rest
 * of the caller is gathered only off the per-call path.
 */
static inline __attribute__((always_inline)) bool
ffam_answer_resp32_fast(struct ffa_regs *r, uint32_t resp_w1, const uint64_t *high)
{
    if (__builtin_expect(r->x[0] != FFA_MSG_SEND_DIRECT_RESP_32 ||
                             (r->x[2] & FFA_MSG_FLAG_FRAMEWORK) != 0 ||
                             (uint32_t)r->x[1] != resp_w1,
                         0))
        return false;
    ffam_answer_resp32_rewrite(r, high);
    return true;
}

#endif /* FFA_LIB_ANSWER_H */
