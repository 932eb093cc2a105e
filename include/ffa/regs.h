/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The register file of one SMCCC v1.2 call: x0..x17 in, x0..x17 out.
 *
 * SMCCC v1.2 lets SMC64/HVC64 calls pass arguments and results in x0..x17; FF-A v1.2 uses all of
 * them for FFA_MSG_SEND_DIRECT_REQ2/RESP2 and FFA_PARTITION_INFO_GET_REGS. A 32-bit (SMC32) call
 * only defines w0..w7: the upper halves of x1..x7 are ignored on input and zero on output.
 */
#ifndef FFA_REGS_H
#define FFA_REGS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FFA_NUM_REGS 18

struct ffa_regs {
    uint64_t x[FFA_NUM_REGS];
};

#ifdef __cplusplus
}
#endif

#endif /* FFA_REGS_H */
