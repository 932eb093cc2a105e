/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bigmem and farseg (S-EL1, SMC conduit): partitions whose memory is large or scattered, for the
 * SPMC's loader. Built twice from this file: bigmem with common/sp-big.lds (a 64 MiB
 * zero-initialised area after the stack: a 64 MiB partition), farseg with common/sp-far.lds (a
 * read-write segment 1 GiB above the image, holding SP_FAR_MAGIC). Requests read and write the
 * area (sp_protocol.h), so a test sees that every page of it is there and writable.
 */
#include "sp_ffa.h"

#define PAGE 4096u

extern uint8_t __big_start[], __big_end[];

#ifdef SP_FARSEG
/* The first word of the far segment: file bytes the SPMC must copy 1 GiB away from the rest. */
const volatile uint32_t far_magic __attribute__((section(".far.data"), used)) = SP_FAR_MAGIC;
#endif

static volatile uint32_t *word_at(uintptr_t addr)
{
    return (volatile uint32_t *)addr;
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    uintptr_t start = (uintptr_t)__big_start;
    uint32_t pages = (uint32_t)(((uintptr_t)__big_end - start) / PAGE);
    uint32_t page = (uint32_t)req->x[4], value = (uint32_t)req->x[5];

    switch ((uint32_t)req->x[3]) {
    case SP_BIG_CMD_INFO:
        resp_for(resp, req, start, pages, *word_at(start), 0, 0);
        return;
    case SP_BIG_CMD_TOUCH:
        if (page >= pages) {
            resp_for(resp, req, 0xBADC0DE, pages, 0, 0, 0);
            return;
        }
        *word_at(start + (uintptr_t)page * PAGE) = value;
        *word_at(start + (uintptr_t)page * PAGE + PAGE - 4) = ~value;
        resp_for(resp, req, *word_at(start + (uintptr_t)page * PAGE),
                 *word_at(start + (uintptr_t)page * PAGE + PAGE - 4), 0, 0, 0);
        return;
    default:
        resp_for(resp, req, 0xBADC0DE, 0, 0, 0, 0);
        return;
    }
}
