/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memory transaction descriptor codec (include/ffa/mem_desc.h): pure functions over a byte
 * buffer the caller owns. Every read is preceded by a bounds check done in 64-bit arithmetic, so
 * no 32-bit field of a hostile descriptor can wrap an offset.
 */
#include "ffa/mem_desc.h"

#include <stddef.h>

/*
 * Little-endian fields at any alignment. On a little-endian host a fixed-size copy is one load or
 * store (the compiler lowers __builtin_memcpy of 2, 4 or 8 bytes); the byte loop is the portable
 * fallback. Constituents are read and written once per page of a share: this is the hot path of
 * a 1 GiB transaction.
 */
static inline __attribute__((always_inline)) uint64_t get(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    __builtin_memcpy(&v, p, bytes);
#else
    for (unsigned i = bytes; i > 0; i--)
        v = (v << 8) | p[i - 1];
#endif
    return v;
}

static inline __attribute__((always_inline)) void put(uint8_t *p, uint64_t v, unsigned bytes)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    __builtin_memcpy(p, &v, bytes);
#else
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
#endif
}

static bool all_zero(const uint8_t *p, unsigned bytes)
{
    uint8_t acc = 0;

    for (unsigned i = 0; i < bytes; i++)
        acc |= p[i];
    return acc == 0;
}

static void zero(uint8_t *p, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = 0;
}

enum ffa_mem_xfer ffa_mem_xfer_of(uint32_t fid)
{
    switch (fid) {
    case FFA_MEM_SHARE_32:
    case FFA_MEM_SHARE_64:
        return FFA_MEM_XFER_SHARE;
    case FFA_MEM_LEND_32:
    case FFA_MEM_LEND_64:
        return FFA_MEM_XFER_LEND;
    case FFA_MEM_DONATE_32:
    case FFA_MEM_DONATE_64:
        return FFA_MEM_XFER_DONATE;
    default:
        return FFA_MEM_XFER_NONE;
    }
}

uint32_t ffa_mem_header_size(uint32_t version)
{
    return version < FFA_VERSION_1_1 ? FFA_MEM_HEADER_SIZE_V1_0 : FFA_MEM_HEADER_SIZE_V1_1;
}

uint32_t ffa_mem_emad_size(uint32_t version)
{
    return version < FFA_VERSION_1_2 ? FFA_MEM_EMAD_SIZE_V1_0 : FFA_MEM_EMAD_SIZE_V1_2;
}

/* ---- Parsing ---- */

/* The header in `version`'s layout. Reserved fields must be zero. */
static int parse_header(const uint8_t *buf, uint32_t len, uint32_t version, struct ffa_mem_desc *d)
{
    if (len < ffa_mem_header_size(version))
        return FFA_RET_INVALID_PARAMETERS;
    d->sender = (uint16_t)get(buf, 2);
    d->flags = (uint32_t)get(buf + 4, 4);
    d->handle = get(buf + 8, 8);
    d->tag = get(buf + 16, 8);
    d->emad_count = (uint32_t)get(buf + 28, 4);
    if (version < FFA_VERSION_1_1) {
        /* v1.0 Table 5.19: u8 attributes, u8 reserved, ..., u32 reserved at 24. */
        d->attributes = buf[2];
        if (buf[3] != 0 || get(buf + 24, 4) != 0)
            return FFA_RET_INVALID_PARAMETERS;
        d->emad_size = FFA_MEM_EMAD_SIZE_V1_0;
        d->emad_offset = FFA_MEM_HEADER_SIZE_V1_0;
        return 0;
    }
    d->attributes = (uint16_t)get(buf + 2, 2);
    d->emad_size = (uint32_t)get(buf + 24, 4);
    d->emad_offset = (uint32_t)get(buf + 32, 4);
    if (!all_zero(buf + 36, 12))
        return FFA_RET_INVALID_PARAMETERS;
    return 0;
}

/*
 * The EMAD size must be one a writer of `version` may use (Hafnium
 * receiver_size_and_offset_valid_for_version: 16 is a v1.1 size, 32 a v1.2 one, and a v1.2 writer
 * may use the older one). The offset is honoured as written: at least the header, 16-byte aligned.
 */
static bool emad_geometry_valid(const struct ffa_mem_desc *d)
{
    if (d->version < FFA_VERSION_1_1)
        return true; /* fixed: 16 bytes at 32 */
    if (d->emad_size != FFA_MEM_EMAD_SIZE_V1_0 && d->emad_size != FFA_MEM_EMAD_SIZE_V1_2)
        return false;
    if (d->emad_size == FFA_MEM_EMAD_SIZE_V1_2 && d->version < FFA_VERSION_1_2)
        return false;
    return d->emad_offset >= FFA_MEM_HEADER_SIZE_V1_1 && d->emad_offset % 16 == 0;
}

static const uint8_t *emad_at(const struct ffa_mem_desc *d, uint32_t index)
{
    return d->buf + d->emad_offset + (uint64_t)index * d->emad_size;
}

/* Reserved bytes of an EMAD: 8..15 of a 16-byte one, 24..31 of a 32-byte one. */
static bool emad_reserved_zero(const struct ffa_mem_desc *d, const uint8_t *e)
{
    return d->emad_size == FFA_MEM_EMAD_SIZE_V1_2 ? all_zero(e + 24, 8) : all_zero(e + 8, 8);
}

/* A hypervisor retrieve request: the handle and nothing else (Hafnium
 * api_ffa_memory_hypervisor_retrieve_request_validate). */
static int parse_hypervisor_retrieve(const uint8_t *buf, uint32_t frag_len, uint32_t total_len,
                                     struct ffa_mem_desc *d)
{
    (void)buf;
    if (frag_len != total_len)
        return FFA_RET_INVALID_PARAMETERS;
    if (d->sender != 0 || d->attributes != 0 || d->flags != 0 || d->tag != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if (d->version >= FFA_VERSION_1_1 && (d->emad_size != 0 || d->emad_offset != 0))
        return FFA_RET_INVALID_PARAMETERS;
    return 0;
}

static int parse_retrieve_req(uint32_t frag_len, uint32_t total_len, struct ffa_mem_desc *d)
{
    /* Hafnium api_ffa_mem_retrieve_req: fragmented retrieve requests are not supported. */
    if (frag_len != total_len)
        return FFA_RET_INVALID_PARAMETERS;
    if ((uint64_t)d->emad_offset + (uint64_t)d->emad_count * d->emad_size != frag_len)
        return FFA_RET_INVALID_PARAMETERS;
    for (uint32_t i = 0; i < d->emad_count; i++) {
        const uint8_t *e = emad_at(d, i);

        /* Address ranges chosen by the retriever are not supported: composite offset 0. */
        if (get(e + 4, 4) != 0 || !emad_reserved_zero(d, e))
            return FFA_RET_INVALID_PARAMETERS;
    }
    return 0;
}

/* SEND and RETRIEVE_RESP: the composite and the first fragment's constituents. */
static int parse_with_composite(uint32_t frag_len, uint32_t total_len, struct ffa_mem_desc *d)
{
    uint64_t emads_end = d->emad_offset + (uint64_t)d->emad_count * d->emad_size;
    uint32_t co;
    const uint8_t *c;

    if (frag_len % FFA_MEM_RANGE_SIZE != 0 || total_len % FFA_MEM_RANGE_SIZE != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if (frag_len > total_len)
        return FFA_RET_INVALID_PARAMETERS;
    co = (uint32_t)get(emad_at(d, 0) + 4, 4);
    /* Not 0, 16-byte aligned, after the EMADs, the whole composite in the first fragment. */
    if (co == 0 || co % 16 != 0 || co < emads_end ||
        (uint64_t)co + FFA_MEM_COMPOSITE_SIZE > frag_len)
        return FFA_RET_INVALID_PARAMETERS;
    for (uint32_t i = 0; i < d->emad_count; i++) {
        const uint8_t *e = emad_at(d, i);

        if (!emad_reserved_zero(d, e) || get(e + 4, 4) != co)
            return FFA_RET_INVALID_PARAMETERS;
    }
    c = d->buf + co;
    /* Stricter than Hafnium, which ignores it: the composite's reserved u64 is MBZ. */
    if (!all_zero(c + 8, 8))
        return FFA_RET_INVALID_PARAMETERS;
    d->composite_offset = co;
    d->page_count = (uint32_t)get(c, 4);
    d->range_count = (uint32_t)get(c + 4, 4);
    d->ranges_offset = co + FFA_MEM_COMPOSITE_SIZE;
    /* Every byte after the composite, in all fragments, is a constituent, at least one. */
    if ((uint64_t)total_len - d->ranges_offset != (uint64_t)d->range_count * FFA_MEM_RANGE_SIZE ||
        d->range_count == 0)
        return FFA_RET_INVALID_PARAMETERS;
    d->ranges_in_fragment = (frag_len - d->ranges_offset) / FFA_MEM_RANGE_SIZE;
    return 0;
}

int ffa_mem_desc_parse(const uint8_t *buf, uint32_t frag_len, uint32_t total_len, uint32_t version,
                       enum ffa_mem_desc_kind kind, struct ffa_mem_desc *d)
{
    int ret;

    *d = (struct ffa_mem_desc){0};
    d->buf = buf;
    d->len = frag_len;
    d->version = version < FFA_VERSION_1_1 ? FFA_VERSION_1_0 : version;
    ret = parse_header(buf, frag_len, d->version, d);
    if (ret != 0)
        return ret;
    if (kind == FFA_MEM_DESC_RETRIEVE_REQ && d->emad_count == 0)
        return parse_hypervisor_retrieve(buf, frag_len, total_len, d);
    if (!emad_geometry_valid(d))
        return FFA_RET_INVALID_PARAMETERS;
    if (d->emad_count == 0 || (kind == FFA_MEM_DESC_RETRIEVE_RESP && d->emad_count != 1))
        return FFA_RET_INVALID_PARAMETERS;
    /* All EMADs in this fragment (64-bit: count * size cannot wrap). */
    if ((uint64_t)d->emad_offset + (uint64_t)d->emad_count * d->emad_size > frag_len)
        return FFA_RET_INVALID_PARAMETERS;
    if (kind == FFA_MEM_DESC_RETRIEVE_REQ)
        return parse_retrieve_req(frag_len, total_len, d);
    return parse_with_composite(frag_len, total_len, d);
}

void ffa_mem_desc_access(const struct ffa_mem_desc *d, uint32_t index, struct ffa_mem_access *a)
{
    const uint8_t *e = emad_at(d, index);

    a->endpoint = (uint16_t)get(e, 2);
    a->perms = e[2];
    a->flags = e[3];
    a->composite_offset = (uint32_t)get(e + 4, 4);
    for (unsigned i = 0; i < 16; i++)
        a->impdef[i] = d->emad_size == FFA_MEM_EMAD_SIZE_V1_2 ? e[8 + i] : 0;
}

int ffa_mem_range_get(const uint8_t *buf, uint32_t len, uint32_t offset, uint32_t index,
                      struct ffa_mem_range *r)
{
    uint64_t at = offset + (uint64_t)index * FFA_MEM_RANGE_SIZE;
    const uint8_t *p;

    if (at + FFA_MEM_RANGE_SIZE > len)
        return FFA_RET_INVALID_PARAMETERS;
    p = buf + at;
    r->address = get(p, 8);
    r->page_count = (uint32_t)get(p + 8, 4);
    if (get(p + 12, 4) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    /* Page aligned (pKVM's 2026 "Ensure FFA ranges are page aligned"), not empty, no wrap. */
    if (r->address % FFA_MEM_PAGE_SIZE != 0 || r->page_count == 0 ||
        r->address + (uint64_t)r->page_count * FFA_MEM_PAGE_SIZE - 1 < r->address)
        return FFA_RET_INVALID_PARAMETERS;
    return 0;
}

/* ---- The send rules ---- */

static int check_attributes_shared(uint16_t attrs)
{
    uint16_t type = attrs & FFA_MEM_ATTR_TYPE_MASK, cache = attrs & FFA_MEM_ATTR_CACHE_MASK;

    /* Hafnium ffa_memory_attributes_validate: DENIED, not INVALID_PARAMETERS. */
    if (type == FFA_MEM_ATTR_TYPE_NORMAL && cache != FFA_MEM_ATTR_CACHE_WB)
        return FFA_RET_DENIED;
    if (type == FFA_MEM_ATTR_TYPE_DEVICE && cache != FFA_MEM_ATTR_DEV_NGNRNE)
        return FFA_RET_DENIED;
    if ((attrs & FFA_MEM_ATTR_SHARE_MASK) != FFA_MEM_ATTR_SHARE_INNER)
        return FFA_RET_DENIED;
    return 0;
}

static int check_send_permissions(uint8_t perms, enum ffa_mem_xfer xfer)
{
    uint8_t data = perms & FFA_MEM_PERM_DATA_MASK, instr = perms & FFA_MEM_PERM_INSTR_MASK;

    if ((perms & FFA_MEM_PERM_MBZ) != 0 || data == FFA_MEM_PERM_DATA_RESERVED ||
        instr == FFA_MEM_PERM_INSTR_RESERVD)
        return FFA_RET_INVALID_PARAMETERS;
    /* The borrower asks for instruction access when it retrieves; the sender may not. */
    if (instr != FFA_MEM_PERM_INSTR_UNSPEC)
        return FFA_RET_INVALID_PARAMETERS;
    if (xfer == FFA_MEM_XFER_DONATE)
        return data == FFA_MEM_PERM_DATA_UNSPEC ? 0 : FFA_RET_INVALID_PARAMETERS;
    return data != FFA_MEM_PERM_DATA_UNSPEC ? 0 : FFA_RET_INVALID_PARAMETERS;
}

int ffa_mem_send_check(const struct ffa_mem_desc *d, enum ffa_mem_xfer xfer, uint32_t max_receivers)
{
    uint16_t type = d->attributes & FFA_MEM_ATTR_TYPE_MASK;

    if (xfer == FFA_MEM_XFER_NONE || d->emad_count > max_receivers)
        return FFA_RET_INVALID_PARAMETERS;
    /* Hafnium api_memory_region_check_flags: SHARE may not zero; bits [31:1] MBZ. */
    if ((xfer == FFA_MEM_XFER_SHARE && (d->flags & FFA_MEM_FLAG_ZERO) != 0) ||
        (d->flags & ~FFA_MEM_FLAG_ZERO) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if (xfer == FFA_MEM_XFER_DONATE && d->emad_count != 1)
        return FFA_RET_INVALID_PARAMETERS;
    for (uint32_t i = 0; i < d->emad_count; i++) {
        struct ffa_mem_access a, b;
        int ret;

        ffa_mem_desc_access(d, i, &a);
        if (a.endpoint == d->sender)
            return FFA_RET_INVALID_PARAMETERS;
        for (uint32_t j = i + 1; j < d->emad_count; j++) {
            ffa_mem_desc_access(d, j, &b);
            if (b.endpoint == a.endpoint)
                return FFA_RET_INVALID_PARAMETERS;
        }
        ret = check_send_permissions(a.perms, xfer);
        if (ret != 0)
            return ret;
    }
    if ((d->attributes & (FFA_MEM_ATTR_NS | FFA_MEM_ATTR_MBZ)) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    /* DONATE, or LEND to one borrower: the borrower chooses the type; the sender may not. */
    if (xfer == FFA_MEM_XFER_DONATE || (xfer == FFA_MEM_XFER_LEND && d->emad_count == 1))
        return type == FFA_MEM_ATTR_TYPE_UNSPEC ? 0 : FFA_RET_INVALID_PARAMETERS;
    return check_attributes_shared(d->attributes);
}

/* ---- The retrieve rules ---- */

static int check_retrieve_flags(const struct ffa_mem_sent *sent, const struct ffa_mem_desc *req)
{
    uint32_t type = (req->flags & FFA_MEM_FLAG_TYPE_MASK) >> FFA_MEM_FLAG_TYPE_SHIFT;
    uint32_t zeroing = req->flags & (FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_ZERO_AFTER);

    if (type != 0 && type != (uint32_t)sent->xfer)
        return FFA_RET_INVALID_PARAMETERS;
    if (req->tag != sent->tag)
        return FFA_RET_INVALID_PARAMETERS;
    if ((req->flags &
         (FFA_MEM_FLAG_HINT_MASK | FFA_MEM_FLAG_RETRIEVE_MBZ | FFA_MEM_FLAG_TIME_SLICE)) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if ((req->flags & FFA_MEM_FLAG_BYPASS_BORROWS) != 0 && req->version < FFA_VERSION_1_2)
        return FFA_RET_INVALID_PARAMETERS;
    /* The lender keeps access to shared memory: nothing can be zeroed. */
    if (sent->xfer == FFA_MEM_XFER_SHARE && zeroing != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if ((req->flags & FFA_MEM_FLAG_ZERO) != 0 && (sent->flags & FFA_MEM_FLAG_ZERO) == 0)
        return FFA_RET_DENIED;
    return 0;
}

static int check_retrieve_attributes(uint16_t attrs)
{
    if ((attrs & (FFA_MEM_ATTR_NS | FFA_MEM_ATTR_MBZ)) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if (attrs != 0 && attrs != FFA_MEM_ATTR_NORMAL_WB_INNER)
        return FFA_RET_DENIED;
    return 0;
}

static const struct ffa_mem_access *sent_access(const struct ffa_mem_sent *sent, uint16_t id,
                                                uint32_t *index)
{
    for (uint32_t i = 0; i < sent->emad_count; i++) {
        if (sent->emads[i].endpoint == id) {
            *index = i;
            return &sent->emads[i];
        }
    }
    return NULL;
}

/* Permissions the borrower gets, from what it asked (`want`) and what was sent (`had`). */
static int grant(const struct ffa_mem_sent *sent, uint8_t want, uint8_t had, uint32_t zeroing,
                 uint32_t options, uint8_t *granted)
{
    uint8_t wdata = want & FFA_MEM_PERM_DATA_MASK, winstr = want & FFA_MEM_PERM_INSTR_MASK;
    uint8_t hdata = had & FFA_MEM_PERM_DATA_MASK, hinstr = had & FFA_MEM_PERM_INSTR_MASK;
    bool one_borrower = sent->emad_count == 1 && sent->xfer != FFA_MEM_XFER_SHARE;
    uint8_t data, instr;

    if ((want & FFA_MEM_PERM_MBZ) != 0 || wdata == FFA_MEM_PERM_DATA_RESERVED ||
        winstr == FFA_MEM_PERM_INSTR_RESERVD)
        return FFA_RET_INVALID_PARAMETERS;
    if (wdata == FFA_MEM_PERM_RW && hdata == FFA_MEM_PERM_RO)
        return FFA_RET_DENIED;
    if (one_borrower) {
        /* LEND/DONATE to one borrower: it must choose (Hafnium: X or NX). */
        if (winstr == FFA_MEM_PERM_INSTR_UNSPEC)
            return FFA_RET_INVALID_PARAMETERS;
        if (winstr == FFA_MEM_PERM_X && (options & FFA_MEM_RETRIEVE_EXEC_OK) == 0)
            return FFA_RET_INVALID_PARAMETERS;
        if (winstr == FFA_MEM_PERM_X && hinstr == FFA_MEM_PERM_NX)
            return FFA_RET_DENIED;
        instr = winstr;
    } else {
        /* SHARE, or LEND to several borrowers: never executable, and not the borrower's call. */
        if (winstr != FFA_MEM_PERM_INSTR_UNSPEC)
            return FFA_RET_INVALID_PARAMETERS;
        instr = FFA_MEM_PERM_NX;
    }
    data = wdata != FFA_MEM_PERM_DATA_UNSPEC   ? wdata
           : hdata != FFA_MEM_PERM_DATA_UNSPEC ? hdata
                                               : FFA_MEM_PERM_RW; /* DONATE: the new owner */
    if (data == FFA_MEM_PERM_RO && zeroing != 0)
        return FFA_RET_DENIED;
    *granted = (uint8_t)(data | instr);
    return 0;
}

int ffa_mem_retrieve_check(const struct ffa_mem_sent *sent, const struct ffa_mem_desc *req,
                           uint16_t caller, uint32_t options, uint32_t *borrower, uint8_t *granted)
{
    bool bypass = (req->flags & FFA_MEM_FLAG_BYPASS_BORROWS) != 0;
    bool caller_listed = false;
    uint32_t zeroing = req->flags & (FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_ZERO_AFTER);
    int ret;

    if (req->sender != sent->sender)
        return FFA_RET_DENIED;
    ret = check_retrieve_flags(sent, req);
    if (ret == 0)
        ret = check_retrieve_attributes(req->attributes);
    if (ret != 0)
        return ret;
    if (req->emad_count != sent->emad_count &&
        !(bypass && req->emad_count == 1 && sent->emad_count > 1))
        return FFA_RET_INVALID_PARAMETERS;
    for (uint32_t i = 0; i < req->emad_count; i++) {
        const struct ffa_mem_access *had;
        struct ffa_mem_access want;
        uint32_t index = 0;

        ffa_mem_desc_access(req, i, &want);
        had = sent_access(sent, want.endpoint, &index);
        if (had == NULL)
            return FFA_RET_INVALID_PARAMETERS;
        if (want.endpoint != caller)
            continue;
        caller_listed = true;
        ret = grant(sent, want.perms, had->perms, zeroing, options, granted);
        if (ret != 0)
            return ret;
        /* v1.2: the implementation-defined value must be the one the sender gave. */
        if (req->emad_size == FFA_MEM_EMAD_SIZE_V1_2) {
            for (unsigned k = 0; k < 16; k++) {
                if (want.impdef[k] != had->impdef[k])
                    return FFA_RET_INVALID_PARAMETERS;
            }
        }
        *borrower = index;
    }
    return caller_listed ? 0 : FFA_RET_INVALID_PARAMETERS;
}

/* ---- Relinquish ---- */

int ffa_mem_relinquish_parse(const uint8_t *buf, uint32_t len, struct ffa_mem_relinquish *r)
{
    if (len < FFA_MEM_RELINQUISH_HDR_SIZE)
        return FFA_RET_INVALID_PARAMETERS;
    r->handle = get(buf, 8);
    r->flags = (uint32_t)get(buf + 8, 4);
    r->endpoint_count = (uint32_t)get(buf + 12, 4);
    if (FFA_MEM_RELINQUISH_HDR_SIZE + (uint64_t)r->endpoint_count * 2 > len)
        return FFA_RET_INVALID_PARAMETERS;
    return 0;
}

uint16_t ffa_mem_relinquish_endpoint(const uint8_t *buf, uint32_t index)
{
    return (uint16_t)get(buf + FFA_MEM_RELINQUISH_HDR_SIZE + (size_t)index * 2, 2);
}

/* ---- Writers ---- */

static bool fits(uint32_t cap, uint64_t offset, uint64_t size)
{
    return offset + size <= cap;
}

int ffa_mem_header_write(uint8_t *buf, uint32_t cap, const struct ffa_mem_desc *d)
{
    uint32_t size = ffa_mem_header_size(d->version);

    if (!fits(cap, 0, size))
        return FFA_RET_NO_MEMORY;
    zero(buf, size);
    put(buf, d->sender, 2);
    put(buf + 4, d->flags, 4);
    put(buf + 8, d->handle, 8);
    put(buf + 16, d->tag, 8);
    put(buf + 28, d->emad_count, 4);
    if (d->version < FFA_VERSION_1_1) {
        buf[2] = (uint8_t)d->attributes;
        return 0;
    }
    put(buf + 2, d->attributes, 2);
    put(buf + 24, d->emad_size, 4);
    put(buf + 32, d->emad_offset, 4);
    return 0;
}

int ffa_mem_access_write(uint8_t *buf, uint32_t cap, const struct ffa_mem_desc *d, uint32_t index,
                         const struct ffa_mem_access *a)
{
    uint64_t at = d->emad_offset + (uint64_t)index * d->emad_size;
    uint8_t *e;

    if (d->emad_size < FFA_MEM_EMAD_SIZE_V1_0 || !fits(cap, at, d->emad_size))
        return FFA_RET_NO_MEMORY;
    e = buf + at;
    zero(e, d->emad_size);
    put(e, a->endpoint, 2);
    e[2] = a->perms;
    e[3] = a->flags;
    put(e + 4, a->composite_offset, 4);
    if (d->emad_size >= FFA_MEM_EMAD_SIZE_V1_2) {
        for (unsigned i = 0; i < 16; i++)
            e[8 + i] = a->impdef[i];
    }
    return 0;
}

int ffa_mem_composite_write(uint8_t *buf, uint32_t cap, uint32_t offset, uint32_t page_count,
                            uint32_t range_count)
{
    if (!fits(cap, offset, FFA_MEM_COMPOSITE_SIZE))
        return FFA_RET_NO_MEMORY;
    put(buf + offset, page_count, 4);
    put(buf + offset + 4, range_count, 4);
    put(buf + offset + 8, 0, 8);
    return 0;
}

int ffa_mem_range_write(uint8_t *buf, uint32_t cap, uint32_t offset, const struct ffa_mem_range *r)
{
    if (!fits(cap, offset, FFA_MEM_RANGE_SIZE))
        return FFA_RET_NO_MEMORY;
    put(buf + offset, r->address, 8);
    put(buf + offset + 8, r->page_count, 4);
    put(buf + offset + 12, 0, 4);
    return 0;
}

int ffa_mem_relinquish_write(uint8_t *buf, uint32_t cap, uint64_t handle, uint32_t flags,
                             uint16_t endpoint)
{
    if (!fits(cap, 0, FFA_MEM_RELINQUISH_HDR_SIZE + 2))
        return FFA_RET_NO_MEMORY;
    put(buf, handle, 8);
    put(buf + 8, flags, 4);
    put(buf + 12, 1, 4);
    put(buf + 16, endpoint, 2);
    return 0;
}

void ffa_mem_desc_layout(struct ffa_mem_desc *d, uint32_t version, uint32_t emad_count)
{
    d->version = version < FFA_VERSION_1_1 ? FFA_VERSION_1_0 : version;
    d->emad_size = ffa_mem_emad_size(d->version);
    d->emad_count = emad_count;
    d->emad_offset = ffa_mem_header_size(d->version);
    d->composite_offset = d->emad_offset + emad_count * d->emad_size;
    d->ranges_offset = d->composite_offset + FFA_MEM_COMPOSITE_SIZE;
}
