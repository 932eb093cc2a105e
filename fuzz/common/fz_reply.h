/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "A reply a guest could get from a correct secure world": the shape every reply the mediator
 * hands a guest must have, whatever the secure world answered. Used by the fuzz harnesses and the
 * stress program after every call.
 *
 * For a call with function ID f (x0 of the call, SVE hint cleared) from a VM with ID `vm_id`,
 * negotiated version v (read after the call) and execution state AArch32 or AArch64, the reply
 * r is well formed when all of these hold:
 *
 *  1. r.x0 has zero upper 32 bits and names an answer f can get:
 *       FFA_VERSION          -> bare w0: 0x10002 or NOT_SUPPORTED (0xffffffff); w1..w7 = 0;
 *       DIRECT_REQ_32/64     -> ERROR, SUCCESS_32/64, INTERRUPT, YIELD, DIRECT_RESP_32/64;
 *       DIRECT_REQ2          -> ERROR, SUCCESS_32/64, INTERRUPT, YIELD, DIRECT_RESP2;
 *       FFA_RUN              -> ERROR, SUCCESS_32/64, INTERRUPT, YIELD, DIRECT_RESP_32/64,
 *                               DIRECT_RESP2 (v1.2 VMs), MSG_WAIT;
 *       PARTITION_INFO_GET_REGS -> ERROR, SUCCESS_64;
 *       anything else        -> ERROR, SUCCESS_32.
 *  2. An AArch32 VM only gets SMC32 answers (no SUCCESS_64, DIRECT_RESP_64, DIRECT_RESP2).
 *  3. An SMC32 answer has zero upper halves in x1..x7 (SMCCC: w registers only).
 *  4. FFA_ERROR: w1 = 0 (or, for FFA_RUN and direct requests, the target information the call
 *     named); w2 = a status code FF-A v1.2 defines (-1 NOT_SUPPORTED .. -9 NO_DATA), zero-extended;
 *     w3..w7 = 0 (DEN0077A v1.2: MBZ; v1.3's error argument does not exist at v1.2).
 *  5. FFA_INTERRUPT: w1 = a secure endpoint << 16 | vCPU; w2..w7 = 0 (no interrupt ID is given to
 *     the normal world). FFA_YIELD: w1 = a secure endpoint << 16 | vCPU; w4..w7 = 0 (w2/w3 are the
 *     timeout). FFA_MSG_WAIT (after FFA_RUN): w2..w7 = 0.
 *  6. DIRECT_RESP_32/64 and DIRECT_RESP2: receiver (w1[15:0]) = the calling VM, sender (w1[31:16])
 *     a secure endpoint, and after a direct request the endpoint the request was sent to;
 *     DIRECT_RESP_32/64: w2 = 0 (no framework responses to a VM).
 *  7. SUCCESS from the mediator's own ABIs: FFA_ID_GET w2 = the VM's ID; FFA_SPM_ID_GET w2 a
 *     secure ID; FFA_PARTITION_INFO_GET w3 = 0, 8 or 24; FFA_FEATURES w3..w7 = 0; RXTX_MAP,
 *     RXTX_UNMAP, RX_RELEASE, MSG_SEND2 w2..w7 = 0.
 *  8. x8..x17: free in DIRECT_RESP2 and PARTITION_INFO_GET_REGS answers; otherwise zero for an
 *     AArch64 VM that negotiated v1.2, and the guest's own x8..x17 for everyone else.
 *
 * A call the host makes for a vCPU the VM does not have (a host bug) must be answered
 * FFA_ERROR(INVALID_PARAMETERS) with w1, w3..w7 zero, whatever the call (FFA_VERSION included).
 *
 * The mediator's own answers are checked against the same rules as the ones it forwards.
 */
#ifndef FZ_REPLY_H
#define FZ_REPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/regs.h"

struct fz_call {
    uint16_t vm_id;
    uint32_t version; /* negotiated, read after the call (0: still open) */
    bool aarch32;
    bool valid_vcpu; /* the host named a vCPU the VM has */
    struct ffa_regs in, out;
};

/* NULL if `c->out` is well formed for `c->in`; else what is wrong (a static string). */
const char *fz_reply_problem(const struct fz_call *c);

/* x0..x7 of `a` and `b` as an SMC32 or SMC64 reply compares them (upper halves masked for SMC32).
 */
bool fz_regs_same_answer(const struct ffa_regs *a, const struct ffa_regs *b);

#endif /* FZ_REPLY_H */
