/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RX/TX buffers the secure world sees, followed the way an SPMC follows them: FFA_RXTX_MAP
 * from the hypervisor with addresses in x1/x2 maps its own pair; FFA_RXTX_MAP(0, 0, 0) maps the
 * pair of the endpoint the RX/TX descriptor in the hypervisor's TX buffer names (FF-A v1.1
 * forwarding: Hafnium inc/vmapi/hf/ffa.h, struct ffa_endpoint_rx_tx_descriptor); FFA_RXTX_UNMAP
 * with w1[31:16] unmaps that endpoint's pair (0: the hypervisor's own).
 *
 * And which TX bytes each ABI makes the secure world read (DEN0077A v1.2): the forwarded
 * descriptor, the FFA_MSG_SEND2 message (header and payload), the memory transaction fragment of
 * FFA_MEM_SHARE/LEND/DONATE/RETRIEVE_REQ and FFA_MEM_FRAG_TX, the relinquish descriptor.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "mock_internal.h"

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = bytes; i > 0; i--)
        v = (v << 8) | p[i - 1];
    return v;
}

static uint32_t fid_of(const struct ffa_regs *r)
{
    return (uint32_t)r->x[0] & ~FFA_SMCCC_SVE_HINT;
}

static bool is_success(const struct ffa_regs *r)
{
    return r->x[0] == FFA_SUCCESS_32 || r->x[0] == FFA_SUCCESS_64;
}

void ffamk_buffers_free(struct ffamk_buffers *b)
{
    free(b->pairs);
    b->pairs = NULL;
    b->count = b->cap = 0;
}

const struct ffamk_pair *ffamk_buffers_find(const struct ffamk_buffers *b, uint16_t endpoint)
{
    for (size_t i = 0; i < b->count; i++) {
        if (b->pairs[i].endpoint == endpoint)
            return &b->pairs[i];
    }
    return NULL;
}

int ffamk_buffer_copy(const struct ffamk_buffers *b, const struct ffamk_pair *p,
                      enum ffa_mock_mem_dir dir, uint32_t offset, uint8_t *data, uint32_t len,
                      int write)
{
    const uint64_t *pa = dir == FFA_MOCK_MEM_TX ? p->tx : p->rx;
    uint64_t size = (uint64_t)p->pages * FFAMK_PAGE;

    if (b->mem == NULL || offset > size || len > size - offset)
        return -1;
    /* Page by page: a VM's buffer need not be physically contiguous. */
    while (len > 0) {
        uint32_t in_page = offset % FFAMK_PAGE;
        uint32_t n = FFAMK_PAGE - in_page < len ? FFAMK_PAGE - in_page : len;
        uint8_t *host = b->mem(b->ctx, pa[offset / FFAMK_PAGE] + in_page, n, write);

        if (host == NULL)
            return -1;
        if (write)
            memcpy(host, data, n);
        else
            memcpy(data, host, n);
        data += n;
        offset += n;
        len -= n;
    }
    return 0;
}

/* A composite memory region descriptor at `off` of `d` (`size` bytes) into page addresses. */
static int composite_pages(const uint8_t *d, uint32_t size, uint32_t off, uint64_t *pages,
                           uint32_t *count)
{
    uint32_t ranges, n = 0;

    if (off > size || size - off < 16)
        return -1;
    ranges = (uint32_t)le(d + off + 4, 4);
    for (uint32_t i = 0; i < ranges; i++) {
        uint64_t c = (uint64_t)off + 16 + (uint64_t)i * 16;
        uint64_t addr;
        uint32_t k;

        if (c > size || size - c < 16)
            return -1;
        addr = le(d + c, 8);
        k = (uint32_t)le(d + c + 8, 4);
        for (uint32_t j = 0; j < k; j++) {
            if (n == FFAMK_MAX_PAGES)
                return -1;
            pages[n++] = addr + (uint64_t)j * FFAMK_PAGE;
        }
    }
    *count = n;
    return 0;
}

/* The endpoint RX/TX descriptor of a forwarded FFA_RXTX_MAP, read from the hypervisor's TX. */
static void forwarded_map(const struct ffamk_buffers *b, struct ffamk_change *c)
{
    const struct ffamk_pair *own = ffamk_buffers_find(b, 0);
    uint8_t *d;
    uint32_t size, rx_pages, tx_pages;

    if (own == NULL)
        return;
    size = own->pages * FFAMK_PAGE;
    d = malloc(size);
    if (d == NULL || ffamk_buffer_copy(b, own, FFA_MOCK_MEM_TX, 0, d, size, 0) != 0) {
        free(d);
        return;
    }
    /* u16 endpoint @0, u16 reserved, u32 RX composite offset @4, u32 TX composite offset @8 */
    c->pair.endpoint = (uint16_t)le(d, 2);
    if (composite_pages(d, size, (uint32_t)le(d + 4, 4), c->pair.rx, &rx_pages) == 0 &&
        composite_pages(d, size, (uint32_t)le(d + 8, 4), c->pair.tx, &tx_pages) == 0 &&
        rx_pages == tx_pages && rx_pages != 0) {
        c->pair.pages = rx_pages;
        c->kind = FFAMK_MAP;
    }
    free(d);
}

void ffamk_buffers_before(const struct ffamk_buffers *b, const struct ffa_regs *call,
                          struct ffamk_change *c)
{
    uint32_t fid = fid_of(call);

    memset(c, 0, sizeof(*c));
    if (fid == FFA_VERSION) {
        c->kind = FFAMK_VERSION;
        c->version = (uint32_t)call->x[1];
    } else if (fid == FFA_RXTX_MAP_32 || fid == FFA_RXTX_MAP_64) {
        uint64_t tx = fid == FFA_RXTX_MAP_32 ? (uint32_t)call->x[1] : call->x[1];
        uint64_t rx = fid == FFA_RXTX_MAP_32 ? (uint32_t)call->x[2] : call->x[2];
        uint32_t pages = (uint32_t)call->x[3];

        if (tx == 0 && rx == 0 && pages == 0) {
            forwarded_map(b, c);
            return;
        }
        if (pages == 0 || pages > FFAMK_MAX_PAGES)
            return;
        c->kind = FFAMK_MAP;
        c->pair.pages = pages;
        for (uint32_t i = 0; i < pages; i++) {
            c->pair.tx[i] = tx + (uint64_t)i * FFAMK_PAGE;
            c->pair.rx[i] = rx + (uint64_t)i * FFAMK_PAGE;
        }
    } else if (fid == FFA_RXTX_UNMAP) {
        c->kind = FFAMK_UNMAP;
        c->pair.endpoint = (uint16_t)((uint32_t)call->x[1] >> 16);
    }
}

static void drop(struct ffamk_buffers *b, uint16_t endpoint)
{
    for (size_t i = 0; i < b->count; i++) {
        if (b->pairs[i].endpoint == endpoint) {
            b->pairs[i] = b->pairs[--b->count];
            return;
        }
    }
}

int ffamk_buffers_after(struct ffamk_buffers *b, const struct ffamk_change *c,
                        const struct ffa_regs *reply)
{
    switch (c->kind) {
    case FFAMK_VERSION:
        /* The version the two sides share: the lower of the one asked and the one answered. */
        if ((reply->x[0] & FFA_VERSION_MBZ) == 0 && reply->x[0] != 0)
            b->version = c->version < (uint32_t)reply->x[0] ? c->version : (uint32_t)reply->x[0];
        return 0;
    case FFAMK_MAP:
        if (!is_success(reply))
            return 0;
        drop(b, c->pair.endpoint);
        if (b->count == b->cap) {
            size_t cap = b->cap != 0 ? b->cap * 2 : 4;
            struct ffamk_pair *p = realloc(b->pairs, cap * sizeof(*p));

            if (p == NULL)
                return -1;
            b->pairs = p;
            b->cap = cap;
        }
        b->pairs[b->count++] = c->pair;
        return 0;
    case FFAMK_UNMAP:
        if (is_success(reply))
            drop(b, c->pair.endpoint);
        return 0;
    default:
        return 0;
    }
}

/* ---- What each ABI reads from TX ---- */

/* The whole buffer of `endpoint`'s TX, or 0 when unknown. */
static uint32_t tx_size(const struct ffamk_buffers *b, uint16_t endpoint)
{
    const struct ffamk_pair *p = ffamk_buffers_find(b, endpoint);

    return p != NULL ? p->pages * FFAMK_PAGE : 0;
}

/* Read the first `n` bytes of `endpoint`'s TX into `out`; 0 or -1. */
static int tx_peek(const struct ffamk_buffers *b, uint16_t endpoint, uint8_t *out, uint32_t n)
{
    const struct ffamk_pair *p = ffamk_buffers_find(b, endpoint);

    return p != NULL ? ffamk_buffer_copy(b, p, FFA_MOCK_MEM_TX, 0, out, n, 0) : -1;
}

static uint32_t cap_len(uint64_t want, uint32_t size)
{
    return want < size ? (uint32_t)want : size;
}

/* Forwarded FFA_RXTX_MAP: the descriptor up to the end of its last constituent. */
static uint32_t extent_rxtx_map(const struct ffamk_buffers *b, const struct ffa_regs *call,
                                uint16_t *endpoint)
{
    uint32_t size = tx_size(b, 0);
    uint8_t h[16], comp[16];
    uint64_t end = 16;

    if ((call->x[1] | call->x[2] | (uint32_t)call->x[3]) != 0 || size == 0 ||
        tx_peek(b, 0, h, sizeof(h)) != 0)
        return 0;
    *endpoint = 0;
    for (int i = 0; i < 2; i++) {
        uint32_t off = (uint32_t)le(h + 4 + 4 * i, 4);
        const struct ffamk_pair *own = ffamk_buffers_find(b, 0);

        if ((uint64_t)off + 16 > size ||
            ffamk_buffer_copy(b, own, FFA_MOCK_MEM_TX, off, comp, 16, 0) != 0)
            continue;
        if ((uint64_t)off + 16 + 16 * le(comp + 4, 4) > end)
            end = (uint64_t)off + 16 + 16 * le(comp + 4, 4);
    }
    return cap_len(end, size);
}

/* FFA_MSG_SEND2: the sender's TX (w1[31:16], 0: the caller's own), header and payload. */
static uint32_t extent_send2(const struct ffamk_buffers *b, const struct ffa_regs *call,
                             uint16_t *endpoint)
{
    uint16_t ep = (uint16_t)((uint32_t)call->x[1] >> 16);
    uint32_t size = tx_size(b, ep);
    uint8_t h[20];
    uint64_t offset, len;

    if (size == 0 || tx_peek(b, ep, h, sizeof(h)) != 0)
        return 0;
    *endpoint = ep;
    offset = le(h + 8, 4);
    len = le(h + 16, 4);
    /* A header the SPMC refuses: what it read is at most the v1.2 header. */
    if (offset < 20 || offset + len > size)
        return cap_len(40, size);
    return (uint32_t)(offset + len);
}

/* FFA_MEM_SHARE/LEND/DONATE/RETRIEVE_REQ with the descriptor in TX: w2 = the fragment length. */
static uint32_t extent_mem_send(const struct ffamk_buffers *b, const struct ffa_regs *call,
                                uint16_t *endpoint)
{
    uint32_t size = tx_size(b, 0);

    if (call->x[3] != 0 || (uint32_t)call->x[4] != 0 || size == 0)
        return 0; /* a buffer given by address, not the TX buffer */
    *endpoint = 0;
    return cap_len((uint32_t)call->x[2], size);
}

/* FFA_MEM_FRAG_TX: w3 = the fragment length. */
static uint32_t extent_frag_tx(const struct ffamk_buffers *b, const struct ffa_regs *call,
                               uint16_t *endpoint)
{
    uint32_t size = tx_size(b, 0);

    if (size == 0)
        return 0;
    *endpoint = 0;
    return cap_len((uint32_t)call->x[3], size);
}

/* FFA_MEM_RELINQUISH: u64 handle, u32 flags, u32 count, u16 endpoints[count]. */
static uint32_t extent_relinquish(const struct ffamk_buffers *b, const struct ffa_regs *call,
                                  uint16_t *endpoint)
{
    uint32_t size = tx_size(b, 0);
    uint8_t h[16];

    (void)call;
    if (size == 0 || tx_peek(b, 0, h, sizeof(h)) != 0)
        return 0;
    *endpoint = 0;
    return cap_len(16 + 2 * le(h + 12, 4), size);
}

/* Addresses of a composite descriptor's constituents: not compared. */
static void mask_composite(const uint8_t *d, uint32_t len, uint64_t off, uint8_t *mask)
{
    uint64_t ranges;

    if (off == 0 || off > len || len - off < 16)
        return;
    ranges = le(d + off + 4, 4);
    for (uint64_t i = 0; i < ranges; i++) {
        uint64_t c = off + 16 + i * 16;

        if (c > len || len - c < 8)
            return;
        memset(mask + c, 0, 8);
    }
}

static void mask_rxtx_map(const struct ffamk_buffers *b, const uint8_t *d, uint32_t len,
                          uint8_t *mask)
{
    (void)b;
    if (len < 16)
        return;
    mask_composite(d, len, le(d + 4, 4), mask);
    mask_composite(d, len, le(d + 8, 4), mask);
}

/* A memory transaction descriptor: the composite of the first EMAD (one for all receivers). */
static void mask_mem_transaction(const struct ffamk_buffers *b, const uint8_t *d, uint32_t len,
                                 uint8_t *mask)
{
    bool v10 = b->version != 0 && b->version < FFA_VERSION_1_1;
    uint64_t emad = v10 ? 32 : (len >= 36 ? le(d + 32, 4) : 0);

    if (len < 32 || le(d + 28, 4) == 0 || emad == 0 || emad > len || len - emad < 8)
        return;
    mask_composite(d, len, le(d + emad + 4, 4), mask);
}

/*
 * A later fragment of a memory transaction (FFA_MEM_FRAG_TX): whole constituents only (Hafnium's
 * api_ffa_mem_frag_tx refuses a length that is not a multiple of their 16 bytes).
 */
static void mask_fragment(const struct ffamk_buffers *b, const uint8_t *d, uint32_t len,
                          uint8_t *mask)
{
    (void)b;
    (void)d;
    if (len % 16 != 0)
        return;
    for (uint32_t c = 0; c < len; c += 16)
        memset(mask + c, 0, 8);
}

static const struct tx_rule {
    uint32_t fid;
    uint32_t (*extent)(const struct ffamk_buffers *b, const struct ffa_regs *call,
                       uint16_t *endpoint);
    void (*mask)(const struct ffamk_buffers *b, const uint8_t *d, uint32_t len, uint8_t *mask);
} tx_rules[] = {
    {FFA_RXTX_MAP_32, extent_rxtx_map, mask_rxtx_map},
    {FFA_RXTX_MAP_64, extent_rxtx_map, mask_rxtx_map},
    {FFA_MSG_SEND2, extent_send2, NULL},
    {FFA_MEM_DONATE_32, extent_mem_send, mask_mem_transaction},
    {FFA_MEM_DONATE_64, extent_mem_send, mask_mem_transaction},
    {FFA_MEM_LEND_32, extent_mem_send, mask_mem_transaction},
    {FFA_MEM_LEND_64, extent_mem_send, mask_mem_transaction},
    {FFA_MEM_SHARE_32, extent_mem_send, mask_mem_transaction},
    {FFA_MEM_SHARE_64, extent_mem_send, mask_mem_transaction},
    {FFA_MEM_RETRIEVE_REQ_32, extent_mem_send, NULL},
    {FFA_MEM_RETRIEVE_REQ_64, extent_mem_send, NULL},
    {FFA_MEM_FRAG_TX, extent_frag_tx, mask_fragment},
    {FFA_MEM_RELINQUISH, extent_relinquish, NULL},
};

static const struct tx_rule *tx_rule(const struct ffa_regs *call)
{
    for (size_t i = 0; i < sizeof(tx_rules) / sizeof(tx_rules[0]); i++) {
        if (tx_rules[i].fid == fid_of(call))
            return &tx_rules[i];
    }
    return NULL;
}

int ffamk_tx_extent(const struct ffamk_buffers *b, const struct ffa_regs *call, uint16_t *endpoint,
                    uint32_t *len)
{
    const struct tx_rule *rule = tx_rule(call);

    if (rule == NULL || b->mem == NULL)
        return 0;
    *len = rule->extent(b, call, endpoint);
    return *len != 0;
}

void ffamk_tx_mask(const struct ffamk_buffers *b, const struct ffa_regs *call, const uint8_t *bytes,
                   uint32_t len, uint8_t *mask)
{
    const struct tx_rule *rule = tx_rule(call);

    memset(mask, 1, len);
    if (rule != NULL && rule->mask != NULL)
        rule->mask(b, bytes, len, mask);
}

uint32_t ffamk_address_regs(const struct ffa_regs *call)
{
    switch (fid_of(call)) {
    case FFA_RXTX_MAP_32:
    case FFA_RXTX_MAP_64:
        return (call->x[1] != 0 ? FFA_MOCK_X(1) : 0) | (call->x[2] != 0 ? FFA_MOCK_X(2) : 0);
    case FFA_MEM_DONATE_32:
    case FFA_MEM_DONATE_64:
    case FFA_MEM_LEND_32:
    case FFA_MEM_LEND_64:
    case FFA_MEM_SHARE_32:
    case FFA_MEM_SHARE_64:
    case FFA_MEM_RETRIEVE_REQ_32:
    case FFA_MEM_RETRIEVE_REQ_64:
        return call->x[3] != 0 ? FFA_MOCK_X(3) : 0;
    default:
        return 0;
    }
}
