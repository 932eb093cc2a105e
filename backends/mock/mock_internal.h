/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared between the mock's expectation engine, its script parser and the recorder. */
#ifndef FFA_MOCK_INTERNAL_H
#define FFA_MOCK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ffa/backend_mock.h"

/*
 * Resolve a script word to a number: a C integer literal, an FF-A function name
 * ("FFA_VERSION") or a status name ("INVALID_PARAMETERS", as its 32-bit two's complement).
 * Returns 0 on success, -1 if the word is none of these.
 */
int ffamk_parse_value(const char *word, uint64_t *value);

/*
 * The script form of an expectation's call side: the registers it matches ("xN=V"), or, when it
 * matches all eighteen, the non-zero ones followed by "x*=0"; then "cpu=N" if it names one.
 */
int ffamk_format_expectation(char *buf, size_t len, const struct ffa_mock_step *step);

/*
 * The script form of a recorded call: every non-zero register, those in `any` as "xN~value" (they
 * carry physical addresses: kept, not compared), then "x*=0".
 */
int ffamk_format_call(char *buf, size_t len, const struct ffa_regs *regs, uint32_t any);

/* ---- Memory: the RX/TX buffers the secure world sees (memory.c) ---- */

#define FFAMK_PAGE      4096u
#define FFAMK_MAX_PAGES 64u /* FFA_RXTX_MAP's largest buffer (ffa/mediator.h) */

/* One endpoint's buffer pair: the physical address of every page. */
struct ffamk_pair {
    uint16_t endpoint; /* 0: the hypervisor's own pair */
    uint32_t pages;
    uint64_t tx[FFAMK_MAX_PAGES];
    uint64_t rx[FFAMK_MAX_PAGES];
};

/* The pairs a mock or recorder knows, and how to reach their memory. */
struct ffamk_buffers {
    struct ffamk_pair *pairs;
    size_t count, cap;
    ffa_mock_memory_fn mem;
    void *ctx;
    uint32_t version; /* the FF-A version the hypervisor negotiated (descriptor layouts); 0: v1.2 */
};

/* What a call changes in the table once it succeeds; found before it runs. */
enum ffamk_change_kind {
    FFAMK_NO_CHANGE = 0,
    FFAMK_MAP,     /* `pair` is mapped */
    FFAMK_UNMAP,   /* pair.endpoint's pair goes */
    FFAMK_VERSION, /* the hypervisor asked for `version` */
};

struct ffamk_change {
    enum ffamk_change_kind kind;
    uint32_t version;
    struct ffamk_pair pair;
};

void ffamk_buffers_free(struct ffamk_buffers *b);
/* Before a call goes to the secure world: what it would change (reads the TX it needs). */
void ffamk_buffers_before(const struct ffamk_buffers *b, const struct ffa_regs *call,
                          struct ffamk_change *c);
/* After the reply: apply the change if the call succeeded. Returns 0, or -1 when out of memory. */
int ffamk_buffers_after(struct ffamk_buffers *b, const struct ffamk_change *c,
                        const struct ffa_regs *reply);
const struct ffamk_pair *ffamk_buffers_find(const struct ffamk_buffers *b, uint16_t endpoint);
/*
 * Copy `len` bytes at `offset` of a buffer of `p` into `data` (write == 0) or from it. Returns 0,
 * or -1 when the range is outside the buffer or the memory callback cannot reach a page.
 */
int ffamk_buffer_copy(const struct ffamk_buffers *b, const struct ffamk_pair *p,
                      enum ffa_mock_mem_dir dir, uint32_t offset, uint8_t *data, uint32_t len,
                      int write);

/*
 * The TX bytes `call` makes the secure world read, as its ABI says: the endpoint whose TX it is
 * and how many bytes from offset 0. Returns 0 when the call reads no TX (or the buffer is not
 * known), else 1.
 */
int ffamk_tx_extent(const struct ffamk_buffers *b, const struct ffa_regs *call, uint16_t *endpoint,
                    uint32_t *len);
/* Clear the mask bytes of what a TX read holds that differs between runs (physical addresses). */
void ffamk_tx_mask(const struct ffamk_buffers *b, const struct ffa_regs *call, const uint8_t *bytes,
                   uint32_t len, uint8_t *mask);
/* Registers of `call` that carry a physical address (FFA_MOCK_X bits). */
uint32_t ffamk_address_regs(const struct ffa_regs *call);

/* Script form of a memory item: "rx 0x0001 0x28 0a0b..." (?? for masked TX bytes). */
int ffamk_format_mem(char *buf, size_t len, const struct ffa_mock_mem *m);

#endif /* FFA_MOCK_INTERNAL_H */
