/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FF-A for the example secure partitions: the SMCCC call through the partition's conduit
 * (chosen at build time: -DSP_CONDUIT_SMC, -DSP_CONDUIT_HVC or -DSP_CONDUIT_SVC), and small
 * helpers. Bare metal, no libc.
 */
#ifndef SP_FFA_H
#define SP_FFA_H

#include <stddef.h>
#include <stdint.h>

#include "sp_protocol.h"

#define FFA_ERROR             0x84000060u
#define FFA_SUCCESS_32        0x84000061u
#define FFA_INTERRUPT         0x84000062u
#define FFA_VERSION           0x84000063u
#define FFA_FEATURES          0x84000064u
#define FFA_RX_RELEASE        0x84000065u
#define FFA_RXTX_MAP_64       0xC4000066u
#define FFA_RXTX_UNMAP        0x84000067u
#define FFA_PARTINFO_GET      0x84000068u
#define FFA_ID_GET            0x84000069u
#define FFA_MSG_WAIT          0x8400006Bu
#define FFA_YIELD             0x8400006Cu
#define FFA_RUN               0x8400006Du
#define FFA_DIRECT_REQ_32     0x8400006Fu
#define FFA_DIRECT_REQ_64     0xC400006Fu
#define FFA_DIRECT_RESP_32    0x84000070u
#define FFA_DIRECT_RESP_64    0xC4000070u
#define FFA_CONSOLE_LOG_32    0x8400008Au
#define FFA_MSG_SEND2         0x84000086u
#define FFA_DIRECT_REQ2       0xC400008Du
#define FFA_DIRECT_RESP2      0xC400008Eu
#define FFA_PARTINFO_GET_REGS 0xC400008Bu
#define FFA_SECONDARY_EP_REG  0xC4000087u
#define FFA_RET_ABORTED       0xFFFFFFF8u
#define FFA_VERSION_1_2       0x00010002u

/* Set by the IRQ vector (start.S) when the managed-exit virtual interrupt is taken. */
extern volatile uint32_t sp_managed_exit_flag;

/* x0..x17 in and out (SMCCC v1.2). */
struct ffa_args {
    uint64_t x[18];
};

/* Issue the call in `a` and replace it with the result. */
void ffa_call(struct ffa_args *a);

/* Convenience: a call with x0..x7, result in *a. */
void ffa_call8(struct ffa_args *a, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
               uint64_t x5, uint64_t x6, uint64_t x7);

/* FFA_MSG_WAIT: returns the next message (DIRECT_REQ, FFA_RUN, ...). */
void ffa_msg_wait(struct ffa_args *a);

/* Print a string through FFA_CONSOLE_LOG_32 (24 characters per call). */
void sp_puts(const char *s);
/* Print "prefix0x<hex>\n". */
void sp_put_hex(const char *prefix, uint64_t v);

/* True for DIRECT_REQ_32/64. */
static inline int is_direct_req(uint64_t x0)
{
    return (uint32_t)x0 == FFA_DIRECT_REQ_32 || (uint32_t)x0 == FFA_DIRECT_REQ_64;
}

/* Build the DIRECT_RESP answering request `req` (same width), payload w3..w7. */
void resp_for(struct ffa_args *out, const struct ffa_args *req, uint64_t w3, uint64_t w4,
              uint64_t w5, uint64_t w6, uint64_t w7);

/* The generic SP_CMD_CALL command (sp_protocol.h): perform the call, answer its results. */
void sp_cmd_call(const struct ffa_args *req, struct ffa_args *resp);
/* SP_CMD_CALL64 and SP_CMD_RESULT (sp_protocol.h): a 64-bit call, its whole result. */
void sp_cmd_call64(const struct ffa_args *req, struct ffa_args *resp);
void sp_cmd_result(const struct ffa_args *req, struct ffa_args *resp);

/* Every example's request handler: fills the response for one DIRECT_REQ_32/64. */
void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp);
/* x<gp-register-num> at entry: the FF-A boot-info blob (common/main.c). */
extern uint64_t sp_boot_info;

/* Optional init hook (weak default: nothing). */
void sp_init(void);
/*
 * MP partitions: the init of a secondary context (weak default: nothing), entered at
 * _secondary_start (common/secondary.S) on PE `index` with `x0` as the SPMC set it, on its own
 * stack, TPIDR_EL1 = index; the primary registers the entry with sp_register_secondary_ep().
 */
void sp_secondary_init(uint64_t index, uint64_t x0);
void _secondary_start(void);
/* This context's index: TPIDR_EL1, the PE it was booted on (x4 at its entry, start.S). */
static inline uint64_t sp_ctx_index(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(v));
    return v;
}
/* FFA_SECONDARY_EP_REGISTER_64 of _secondary_start (MP images link common/secondary.S). */
static inline void sp_register_secondary_ep(struct ffa_args *a)
{
    ffa_call8(a, FFA_SECONDARY_EP_REG, (uint64_t)(uintptr_t)_secondary_start, 0, 0, 0, 0, 0, 0);
}
/*
 * Optional hook for a message that is not a direct request (FFA_RUN, ...): handle it and leave the
 * next message in *msg (weak default: FFA_MSG_WAIT).
 */
void sp_handle_other(struct ffa_args *msg);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

#endif /* SP_FFA_H */
