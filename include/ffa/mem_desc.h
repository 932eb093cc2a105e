/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FF-A memory transaction descriptors: parse, validate and write them (DEN0077A: FF-A v1.0
 * Table 5.19 for the v1.0 layout, v1.1 Table 10.20 for the 48-byte header, v1.2 and its
 * memory-management supplement for 32-byte EMADs).
 *
 * The codec works on a byte buffer the caller owns: a private copy of what a partition or a VM
 * wrote into its TX buffer. Every function is pure (no callbacks, no allocation, no globals),
 * freestanding (<stdint.h>, <stdbool.h>) and checks every offset and length against the buffer
 * it is given, with 64-bit arithmetic, before it reads: a hostile descriptor can make a function
 * return FFA_RET_INVALID_PARAMETERS (or the FF-A error the rules below name), never read outside
 * [buf, buf + len). The mediator uses it for VMs' descriptors, an SPMC (the emulated one in
 * backends/unicorn) for the descriptors it receives, and fuzzers call it directly.
 *
 * Layouts (all little-endian, packed):
 *
 *   Transaction descriptor, v1.0 (32-byte header):
 *     u16 sender @0, u8 attributes @2, u8 MBZ @3, u32 flags @4, u64 handle @8, u64 tag @16,
 *     u32 MBZ @24, u32 EMAD count @28, EMADs (16 bytes each) @32
 *   Transaction descriptor, v1.1 and later (48-byte header):
 *     u16 sender @0, u16 attributes @2, u32 flags @4, u64 handle @8, u64 tag @16,
 *     u32 EMAD size @24, u32 EMAD count @28, u32 EMAD offset @32, 12 bytes MBZ @36
 *   Endpoint memory access descriptor (EMAD), 16 bytes (v1.0, v1.1) or 32 bytes (v1.2):
 *     u16 endpoint @0, u8 permissions @2, u8 flags @3, u32 composite offset @4,
 *     u64 MBZ @8 (16-byte EMAD) | u8 impdef[16] @8, u64 MBZ @24 (32-byte EMAD)
 *   Composite memory region descriptor, 16 bytes:
 *     u32 total page count @0, u32 address range count @4, u64 MBZ @8, then the constituents
 *   Constituent (address range), 16 bytes: u64 address @0, u32 page count @8, u32 MBZ @12
 *   Relinquish descriptor: u64 handle @0, u32 flags @8, u32 endpoint count @12, u16 IDs @16
 *
 * The EMAD offset and EMAD size of a v1.1+ header are honoured as written (the spec allows a gap
 * after the header; Linux's 2026 fix "Fix Endpoint Memory Access Descriptor offset calculation"
 * and pKVM's "Validate the offset to the mem access descriptor" exist because a reader assumed 48
 * while the SPMC honoured the field).
 *
 * Error codes follow Hafnium (src/ffa_memory.c ffa_memory_region_sanity_check,
 * ffa_memory_send_validate, ffa_memory_retrieve_validate; src/api.c api_ffa_mem_send,
 * api_memory_region_check_flags). Where this codec is stricter than Hafnium (reserved fields of
 * the composite and the constituents must be zero; a constituent must be page aligned, non-empty
 * and must not wrap) it says so beside the function.
 */
#ifndef FFA_MEM_DESC_H
#define FFA_MEM_DESC_H

#include <stdbool.h>
#include <stdint.h>

#include "ffa/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Sizes ---- */
#define FFA_MEM_PAGE_SIZE           4096u /* FF-A memory granule of constituents */
#define FFA_MEM_HEADER_SIZE_V1_0    32u
#define FFA_MEM_HEADER_SIZE_V1_1    48u
#define FFA_MEM_EMAD_SIZE_V1_0      16u /* v1.0 and v1.1 */
#define FFA_MEM_EMAD_SIZE_V1_2      32u
#define FFA_MEM_COMPOSITE_SIZE      16u
#define FFA_MEM_RANGE_SIZE          16u
#define FFA_MEM_RELINQUISH_HDR_SIZE 16u

/* ---- Memory region attributes (u16; v1.0 stores the low 8 bits) ---- */
#define FFA_MEM_ATTR_SHARE_MASK      0x0003u /* [1:0] shareability */
#define FFA_MEM_ATTR_SHARE_NON       0x0000u
#define FFA_MEM_ATTR_SHARE_OUTER     0x0002u
#define FFA_MEM_ATTR_SHARE_INNER     0x0003u
#define FFA_MEM_ATTR_CACHE_MASK      0x000cu /* [3:2] cacheability (normal) / device kind */
#define FFA_MEM_ATTR_CACHE_NC        0x0004u
#define FFA_MEM_ATTR_CACHE_WB        0x000cu
#define FFA_MEM_ATTR_DEV_NGNRNE      0x0000u
#define FFA_MEM_ATTR_TYPE_MASK       0x0030u /* [5:4] memory type */
#define FFA_MEM_ATTR_TYPE_UNSPEC     0x0000u
#define FFA_MEM_ATTR_TYPE_DEVICE     0x0010u
#define FFA_MEM_ATTR_TYPE_NORMAL     0x0020u
#define FFA_MEM_ATTR_NS              0x0040u /* set only by an SPMC in a retrieve response */
#define FFA_MEM_ATTR_MBZ             0xff80u /* [15:7] */
#define FFA_MEM_ATTR_NORMAL_WB_INNER 0x002fu /* what Linux sends for FFA_MEM_SHARE */

/* ---- Memory access permissions (u8) ---- */
#define FFA_MEM_PERM_DATA_MASK     0x03u /* [1:0] data access */
#define FFA_MEM_PERM_DATA_UNSPEC   0x00u
#define FFA_MEM_PERM_RO            0x01u
#define FFA_MEM_PERM_RW            0x02u
#define FFA_MEM_PERM_DATA_RESERVED 0x03u
#define FFA_MEM_PERM_INSTR_MASK    0x0cu /* [3:2] instruction access */
#define FFA_MEM_PERM_INSTR_UNSPEC  0x00u
#define FFA_MEM_PERM_NX            0x04u
#define FFA_MEM_PERM_X             0x08u
#define FFA_MEM_PERM_INSTR_RESERVD 0x0cu
#define FFA_MEM_PERM_MBZ           0xf0u

/* ---- Transaction flags (u32) ---- */
#define FFA_MEM_FLAG_ZERO                                                                          \
    (1u << 0) /* send: zero before the borrower maps it;                                           \
                 retrieve: zero before retrieve */
#define FFA_MEM_FLAG_TIME_SLICE     (1u << 1)
#define FFA_MEM_FLAG_ZERO_AFTER     (1u << 2) /* retrieve request: zero after relinquish */
#define FFA_MEM_FLAG_TYPE_SHIFT     3
#define FFA_MEM_FLAG_TYPE_MASK      (3u << FFA_MEM_FLAG_TYPE_SHIFT) /* retrieve: transaction type */
#define FFA_MEM_FLAG_HINT_MASK      (0x1fu << 5)                    /* [9:5] alignment hint */
#define FFA_MEM_FLAG_BYPASS_BORROWS (1u << 10)  /* v1.2: bypass multi-borrower check */
#define FFA_MEM_FLAG_RETRIEVE_MBZ   0xfffff800u /* [31:11] */

/* ---- Handles ---- */
#define FFA_MEM_HANDLE_HYPERVISOR (UINT64_C(1) << 63) /* bit 63: allocated by the hypervisor */
#define FFA_MEM_HANDLE_INVALID    UINT64_C(0xffffffffffffffff)

/*
 * The three ways to send memory; the values are the transaction-type encoding of the flags of a
 * retrieve request and response (bits [4:3]).
 */
enum ffa_mem_xfer {
    FFA_MEM_XFER_NONE = 0,
    FFA_MEM_XFER_SHARE = 1,
    FFA_MEM_XFER_LEND = 2,
    FFA_MEM_XFER_DONATE = 3,
};

/* FFA_MEM_SHARE/LEND/DONATE_32/64 -> the transfer; anything else -> FFA_MEM_XFER_NONE. */
enum ffa_mem_xfer ffa_mem_xfer_of(uint32_t fid);

/* What a descriptor is: the rules differ (composite present or not, length rules). */
enum ffa_mem_desc_kind {
    FFA_MEM_DESC_SEND = 1,         /* FFA_MEM_SHARE/LEND/DONATE */
    FFA_MEM_DESC_RETRIEVE_REQ = 2, /* FFA_MEM_RETRIEVE_REQ (EMAD count 0: the hypervisor's) */
    FFA_MEM_DESC_RETRIEVE_RESP = 3 /* FFA_MEM_RETRIEVE_RESP */
};

/* One endpoint memory access descriptor, decoded. */
struct ffa_mem_access {
    uint16_t endpoint;
    uint8_t perms; /* FFA_MEM_PERM_* */
    uint8_t flags; /* bit 0 in a retrieve request: non-retrieval borrower */
    uint32_t composite_offset;
    uint8_t impdef[16]; /* 32-byte (v1.2) EMADs; zero for 16-byte ones */
};

/* One constituent: `page_count` 4 KiB pages at `address`. */
struct ffa_mem_range {
    uint64_t address;
    uint32_t page_count;
};

/*
 * A parsed transaction descriptor: the header fields, where the EMADs and the composite are, and
 * how many constituents the parsed fragment holds. It points into the buffer it was parsed from
 * (`buf`, `len`), which must stay unchanged while the view is used.
 */
struct ffa_mem_desc {
    const uint8_t *buf;
    uint32_t len;     /* bytes of this fragment */
    uint32_t version; /* the layout: FFA_VERSION_1_0 (32-byte header) or 1.1 / 1.2 (48 bytes) */

    uint16_t sender;
    uint16_t attributes;
    uint32_t flags;
    uint64_t handle;
    uint64_t tag;
    uint32_t emad_size;   /* as written (16 for a v1.0 header) */
    uint32_t emad_count;  /* as written */
    uint32_t emad_offset; /* as written (32 for a v1.0 header) */

    /* The composite: all zero in a retrieve request. */
    uint32_t composite_offset;
    uint32_t page_count;         /* total pages, all fragments */
    uint32_t range_count;        /* total constituents, all fragments */
    uint32_t ranges_offset;      /* first constituent, in this fragment */
    uint32_t ranges_in_fragment; /* constituents wholly in this fragment */
};

/* Header size of a version's layout: 32 for v1.0, 48 from v1.1 on. */
uint32_t ffa_mem_header_size(uint32_t version);

/* The EMAD size a writer of that version uses: 16 before v1.2, 32 from v1.2 on. */
uint32_t ffa_mem_emad_size(uint32_t version);

/*
 * Parse the first fragment of a descriptor written in `version`'s layout (the caller's
 * negotiated FF-A version; 1.0 selects the 32-byte header). `frag_len` bytes of `buf` hold the
 * fragment, `total_len` is the whole descriptor's length as the caller announced it.
 *
 * Checks (INVALID_PARAMETERS unless said otherwise):
 *  - every kind: the header fits; reserved header fields are zero; v1.1+: the EMAD size is 16 or
 *    32 and compatible with `version` (32 only from v1.2; a v1.2 writer may use 16, as Hafnium's
 *    ffa_versions_are_compatible allows); the EMAD offset is at least the header size and 16-byte
 *    aligned; the EMADs fit the fragment; every EMAD's reserved bytes are zero.
 *  - SEND: frag_len, total_len multiples of 16; frag_len <= total_len; at least one EMAD; the
 *    first fragment holds the header, the EMADs and the composite; the composite offset is not 0,
 *    16-byte aligned, after the EMADs, the same in every EMAD; the composite's reserved field is
 *    zero; (total_len - first constituent) / 16 == the composite's address range count, and the
 *    fragment holds whole constituents; at least one constituent.
 *  - RETRIEVE_REQ: frag_len == total_len; EMAD count 0 (the hypervisor's request: handle only,
 *    everything else zero, length == header size) or the length is exactly EMAD offset +
 *    count * EMAD size; every EMAD's composite offset is 0.
 *  - RETRIEVE_RESP: exactly one EMAD; a composite as for SEND (the response may be fragmented).
 * Returns 0 and fills *d, or the error.
 */
int ffa_mem_desc_parse(const uint8_t *buf, uint32_t frag_len, uint32_t total_len, uint32_t version,
                       enum ffa_mem_desc_kind kind, struct ffa_mem_desc *d);

/* EMAD `index` (< d->emad_count) of a parsed descriptor. */
void ffa_mem_desc_access(const struct ffa_mem_desc *d, uint32_t index, struct ffa_mem_access *a);

/*
 * Constituent `index` of an array of constituents at `offset` in `buf` (`len` bytes): the first
 * fragment's (offset d->ranges_offset) or a later fragment's (offset 0). Checks that it lies in
 * the buffer and that its reserved field is zero, and (stricter than Hafnium, which finds the
 * same faults later as DENIED or not at all) that the address is 4 KiB aligned, the page count is
 * not zero and the range does not wrap the 64-bit address space: INVALID_PARAMETERS.
 */
int ffa_mem_range_get(const uint8_t *buf, uint32_t len, uint32_t offset, uint32_t index,
                      struct ffa_mem_range *r);

/*
 * The semantic rules of FFA_MEM_SHARE/LEND/DONATE (DEN0077A FF-A v1.1 and v1.2; Hafnium
 * ffa_memory_send_validate, api_ffa_mem_send), on a descriptor parsed as SEND:
 *  - INVALID_PARAMETERS: more than `max_receivers` EMADs; DONATE to other than one receiver;
 *    flags other than bit 0 (zero memory), or bit 0 with SHARE; attribute bits [15:7] or the NS
 *    bit set; a receiver equal to the sender or listed twice; permission bits [7:4], a reserved
 *    data or instruction encoding; instruction access specified by the sender; SHARE or LEND
 *    without data access, DONATE with it; DONATE, or LEND to one borrower, with a memory type.
 *  - DENIED: SHARE, or LEND to several borrowers, with attributes other than Normal write-back
 *    or Device nGnRnE, or not inner shareable (Hafnium ffa_memory_attributes_validate).
 * The sender against the caller (DENIED), the receivers against the known endpoints and the
 * pages against their owner are the caller's to check. Returns 0 or the error.
 */
int ffa_mem_send_check(const struct ffa_mem_desc *d, enum ffa_mem_xfer xfer,
                       uint32_t max_receivers);

/*
 * What was sent, as the retrieve rules need it: the stored transaction. `emads` points to
 * `emad_count` decoded EMADs of the send (the caller keeps them).
 */
struct ffa_mem_sent {
    enum ffa_mem_xfer xfer;
    uint16_t sender;
    uint16_t attributes;
    uint32_t flags;
    uint64_t tag;
    uint32_t emad_count;
    const struct ffa_mem_access *emads;
};

/* Options of ffa_mem_retrieve_check(). */
#define FFA_MEM_RETRIEVE_EXEC_OK (1u << 0) /* the retriever may get instruction access (X) */

/*
 * The rules of FFA_MEM_RETRIEVE_REQ (Hafnium ffa_memory_retrieve_validate and
 * ffa_memory_retrieve_validate_memory_access_list) for `caller` retrieving what `sent` describes,
 * with the request `req` (parsed as RETRIEVE_REQ, EMAD count > 0):
 *  - DENIED: the request's sender is not the lender; zeroing requested (flag bit 0) that the
 *    sender did not ask for; attributes specified other than Normal, write-back, inner
 *    shareable; data or instruction access more permissive than sent; read-only access with a
 *    zeroing flag.
 *  - INVALID_PARAMETERS: a transaction type other than 0 or the one sent; another tag; flag bits
 *    [9:5] or [31:11]; SHARE with a zeroing flag (bit 0 or 2); the NS attribute; an EMAD count
 *    other than the sent one (unless the v1.2 bypass flag with one EMAD and several borrowers);
 *    a request EMAD naming an endpoint that is not a borrower; the caller not among the request's
 *    EMADs; SHARE with instruction access requested; LEND or DONATE to one borrower without it,
 *    or X without FFA_MEM_RETRIEVE_EXEC_OK; LEND to several borrowers with it; a 32-byte
 *    request EMAD whose implementation-defined value differs from the sent one.
 * On success: *borrower = the caller's index in sent->emads, *granted = the permissions to map
 * with (requested, or sent where the request leaves them unspecified; SHARE is never
 * executable: NX). Returns 0 or the error.
 */
int ffa_mem_retrieve_check(const struct ffa_mem_sent *sent, const struct ffa_mem_desc *req,
                           uint16_t caller, uint32_t options, uint32_t *borrower, uint8_t *granted);

/* ---- Relinquish descriptor ---- */
struct ffa_mem_relinquish {
    uint64_t handle;
    uint32_t flags; /* bit 0: zero after relinquish */
    uint32_t endpoint_count;
};

/*
 * Parse a relinquish descriptor from `len` bytes: the header and endpoint_count IDs must fit
 * (INVALID_PARAMETERS). The endpoint IDs are read with ffa_mem_relinquish_endpoint().
 */
int ffa_mem_relinquish_parse(const uint8_t *buf, uint32_t len, struct ffa_mem_relinquish *r);
uint16_t ffa_mem_relinquish_endpoint(const uint8_t *buf, uint32_t index);

/* ---- Writers: each returns 0, or FFA_RET_NO_MEMORY if it would not fit `cap` bytes ---- */

/*
 * Write the header of `d` in d->version's layout (v1.0: 32 bytes, attributes truncated to 8 bits;
 * v1.1+: 48 bytes with d->emad_size, d->emad_count, d->emad_offset). Reserved fields are zeroed.
 */
int ffa_mem_header_write(uint8_t *buf, uint32_t cap, const struct ffa_mem_desc *d);

/* Write EMAD `index` at d->emad_offset + index * d->emad_size (impdef only in 32-byte EMADs). */
int ffa_mem_access_write(uint8_t *buf, uint32_t cap, const struct ffa_mem_desc *d, uint32_t index,
                         const struct ffa_mem_access *a);

/* Write a composite descriptor at `offset`. */
int ffa_mem_composite_write(uint8_t *buf, uint32_t cap, uint32_t offset, uint32_t page_count,
                            uint32_t range_count);

/* Write constituent `r` at `offset`. */
int ffa_mem_range_write(uint8_t *buf, uint32_t cap, uint32_t offset, const struct ffa_mem_range *r);

/* Write a relinquish descriptor with one endpoint. */
int ffa_mem_relinquish_write(uint8_t *buf, uint32_t cap, uint64_t handle, uint32_t flags,
                             uint16_t endpoint);

/*
 * The standard layout for `emad_count` EMADs in `version`: EMADs right after the header, the
 * composite right after the EMADs. Fills d->version, emad_size, emad_count, emad_offset,
 * composite_offset and ranges_offset (the other fields are the caller's).
 */
void ffa_mem_desc_layout(struct ffa_mem_desc *d, uint32_t version, uint32_t emad_count);

#ifdef __cplusplus
}
#endif

#endif /* FFA_MEM_DESC_H */
