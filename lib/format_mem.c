/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One-line decodings of the descriptors FF-A puts in RX/TX buffers (include/ffa/format.h).
 * Layouts: the FF-A specification (DEN0077A v1.2) as Hafnium's inc/vmapi/hf/ffa.h defines them
 * (struct ffa_partition_info, struct ffa_partition_rxtx_header, struct ffa_memory_region,
 * struct ffa_memory_access, struct ffa_composite_memory_region, struct ffa_mem_relinquish,
 * struct ffa_endpoint_rx_tx_descriptor). Every field is read only when it lies inside `size`.
 */
#include "ffa/abi.h"
#include "ffa/format.h"
#include "format_internal.h"

/* ---- Partition information descriptors ---- */

/* Partition properties (DEN0077A v1.2, partition information descriptor). */
static const struct {
    uint32_t bit;
    const char *name;
} prop_names[] = {
    {1u << 0, "direct-req-recv"}, {1u << 1, "direct-req-send"},  {1u << 2, "indirect-msg"},
    {1u << 3, "notif-recv"},      {1u << 6, "vm-created"},       {1u << 7, "vm-destroyed"},
    {1u << 8, "aarch64"},         {1u << 9, "direct-req2-recv"}, {1u << 10, "direct-req2-send"},
};

static void props_text(struct fmt *f, uint32_t props)
{
    static const char *const id_types[4] = {NULL, "sepid-independent", "sepid-dependent", "aux-id"};
    bool first = true;

    for (size_t i = 0; i < sizeof(prop_names) / sizeof(prop_names[0]); i++) {
        if ((props & prop_names[i].bit) == 0)
            continue;
        fmt_s(f, first ? " " : "|");
        fmt_s(f, prop_names[i].name);
        props &= ~prop_names[i].bit;
        first = false;
    }
    /* bits[5:4]: the ID type (00: a PE endpoint ID, said by saying nothing) */
    if (id_types[(props >> 4) & 3u] != NULL) {
        fmt_s(f, first ? " " : "|");
        fmt_s(f, id_types[(props >> 4) & 3u]);
        first = false;
    }
    props &= ~(3u << 4);
    if (props != 0) {
        fmt_s(f, first ? " " : "|");
        fmt_hex(f, props);
    }
}

void ffam_fmt_partition_info(struct fmt *f, const uint8_t *desc, size_t size)
{
    uint16_t id;
    uint32_t ctx;

    if (size < 8) {
        fmt_s(f, "(descriptor of ");
        fmt_dec(f, size);
        fmt_s(f, " bytes)");
        return;
    }
    id = (uint16_t)fmt_le(desc, 2);
    ctx = (uint32_t)fmt_le(desc + 2, 2);
    ffam_fmt_endpoint(f, id);
    fmt_c(f, ' ');
    fmt_count(f, ctx, "vCPU", "vCPUs");
    if (size >= 24) {
        uint8_t any = 0;

        for (unsigned i = 0; i < 16; i++)
            any |= desc[8 + i];
        fmt_s(f, " UUID ");
        if (any == 0)
            fmt_s(f, "nil");
        else
            ffam_fmt_uuid(f, desc + 8);
    }
    props_text(f, (uint32_t)fmt_le(desc + 4, 4));
}

size_t ffa_format_partition_info(char *buf, size_t len, const uint8_t *desc, size_t size)
{
    struct fmt f = fmt_begin(buf, len);

    ffam_fmt_partition_info(&f, desc, size);
    return fmt_end(&f);
}

/* ---- Indirect messages ---- */

/* Up to `max` bytes in hexadecimal, "..." after when there are more. */
static void hex_bytes(struct fmt *f, const uint8_t *p, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        if (i != 0)
            fmt_c(f, ' ');
        fmt_hex_digits(f, p[i], 2);
    }
    if (n > max)
        fmt_s(f, " ...");
}

/* Up to `max` bytes as text in quotes, '.' for what is not printable ASCII. */
static void text_bytes(struct fmt *f, const uint8_t *p, size_t n, size_t max)
{
    fmt_c(f, '"');
    for (size_t i = 0; i < n && i < max; i++)
        fmt_c(f, p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' ? (char)p[i] : '.');
    fmt_c(f, '"');
    if (n > max)
        fmt_s(f, "...");
}

size_t ffa_format_msg(char *buf, size_t len, const uint8_t *msg, size_t avail)
{
    struct fmt f = fmt_begin(buf, len);
    uint32_t offset, ids, size, flags;

    /* u32 flags @0, u32 reserved @4, u32 offset @8, u32 sender/receiver @12, u32 size @16 */
    if (avail < 20) {
        fmt_s(&f, "(message header cut at ");
        fmt_dec(&f, avail);
        fmt_s(&f, " bytes)");
        return fmt_end(&f);
    }
    flags = (uint32_t)fmt_le(msg, 4);
    offset = (uint32_t)fmt_le(msg + 8, 4);
    ids = (uint32_t)fmt_le(msg + 12, 4);
    size = (uint32_t)fmt_le(msg + 16, 4);
    ffam_fmt_endpoint(&f, FFA_SENDER(ids));
    fmt_s(&f, " -> ");
    ffam_fmt_endpoint(&f, FFA_RECEIVER(ids));
    fmt_s(&f, ", ");
    fmt_count(&f, size, "byte", "bytes");
    fmt_s(&f, " at ");
    fmt_dec(&f, offset);
    if (flags != 0) {
        fmt_s(&f, ", flags ");
        fmt_hex(&f, flags);
    }
    /* The v1.2 header (40 bytes) carries the UUID at 24. */
    if (offset >= 40 && avail >= 40) {
        static const uint8_t nil[16];
        bool is_nil = true;

        for (unsigned i = 0; i < 16; i++)
            is_nil = is_nil && msg[24 + i] == nil[i];
        fmt_s(&f, ", UUID ");
        if (is_nil)
            fmt_s(&f, "nil");
        else
            ffam_fmt_uuid(&f, msg + 24);
    }
    if (offset < 20) {
        fmt_s(&f, " (payload offset inside the header)");
        return fmt_end(&f);
    }
    if (offset > avail || size > avail - offset) {
        fmt_s(&f, " (payload outside the ");
        fmt_dec(&f, avail);
        fmt_s(&f, " bytes)");
        return fmt_end(&f);
    }
    fmt_s(&f, ": ");
    hex_bytes(&f, msg + offset, size, 16);
    fmt_c(&f, ' ');
    text_bytes(&f, msg + offset, size, 64);
    return fmt_end(&f);
}

/* ---- Memory transactions ---- */

static void access_text(struct fmt *f, uint8_t perm)
{
    /* [1:0] data: 01 RO, 10 RW; [3:2] instruction: 01 NX, 10 X */
    static const char *const data[4] = {"", "RO", "RW", "data-reserved"};
    static const char *const inst[4] = {"", "NX", "X", "inst-reserved"};

    fmt_s(f, data[perm & 3u]);
    if ((perm & 3u) != 0 && ((perm >> 2) & 3u) != 0)
        fmt_c(f, '+');
    fmt_s(f, inst[(perm >> 2) & 3u]);
    if ((perm & 0xfu) == 0)
        fmt_s(f, "unspecified");
    if ((perm & 0xf0u) != 0) {
        fmt_s(f, "+");
        fmt_hex(f, perm & 0xf0u);
    }
}

static void attributes_text(struct fmt *f, uint16_t attr)
{
    static const char *const share[4] = {"non-shareable", "shareability-reserved",
                                         "outer-shareable", "inner-shareable"};
    static const char *const normal_cache[4] = {"cacheability-reserved", "non-cacheable",
                                                "cacheability-reserved", "write-back"};
    static const char *const device[4] = {"nGnRnE", "nGnRE", "nGRE", "GRE"};
    unsigned type = (attr >> 4) & 3u;

    /* [5:4] type, [3:2] cacheability or device kind, [1:0] shareability, [6] NS */
    if (type == 2) {
        fmt_s(f, "normal ");
        fmt_s(f, normal_cache[(attr >> 2) & 3u]);
        fmt_c(f, ' ');
        fmt_s(f, share[attr & 3u]);
    } else if (type == 1) {
        fmt_s(f, "device ");
        fmt_s(f, device[(attr >> 2) & 3u]);
    } else {
        fmt_s(f, type == 0 ? "type unspecified" : "type reserved");
    }
    if ((attr & 0x40u) != 0)
        fmt_s(f, " NS");
    if ((attr & ~0x7fu) != 0) {
        fmt_s(f, " attributes ");
        fmt_hex(f, attr);
    }
}

/* The composite descriptor at `off`: "2 pages in 1 range: 0x80000000+2". */
static void composite_text(struct fmt *f, const uint8_t *desc, size_t size, uint32_t off)
{
    uint32_t pages, ranges;

    if (off > size || size - off < 16) {
        fmt_s(f, "composite at ");
        fmt_dec(f, off);
        fmt_s(f, " outside the descriptor");
        return;
    }
    pages = (uint32_t)fmt_le(desc + off, 4);
    ranges = (uint32_t)fmt_le(desc + off + 4, 4);
    fmt_count(f, pages, "page", "pages");
    fmt_s(f, " in ");
    fmt_count(f, ranges, "range", "ranges");
    for (uint32_t i = 0; i < ranges; i++) {
        size_t c = (size_t)off + 16 + (size_t)i * 16;

        if (c > size || size - c < 16) {
            fmt_s(f, " (cut)");
            return;
        }
        fmt_s(f, i == 0 ? ": " : " ");
        fmt_hex(f, fmt_le(desc + c, 8));
        fmt_c(f, '+');
        fmt_dec(f, fmt_le(desc + c + 8, 4));
    }
}

size_t ffa_format_mem_transaction(char *buf, size_t len, const uint8_t *desc, size_t size,
                                  uint32_t version)
{
    struct fmt f = fmt_begin(buf, len);
    bool v10 = version != 0 && version < FFA_VERSION_1_1;
    uint32_t header = v10 ? 32u : 48u;
    uint32_t flags, emad_size, emad_count, emad_off;
    uint16_t attr;
    uint32_t composite = 0;

    if (size < header) {
        fmt_s(&f, "(memory transaction descriptor cut at ");
        fmt_dec(&f, size);
        fmt_s(&f, " bytes)");
        return fmt_end(&f);
    }
    /*
     * v1.0: u16 sender, u8 attributes, u8 reserved, u32 flags, u64 handle, u64 tag,
     * u32 reserved, u32 EMAD count, EMADs of 16 bytes @32. v1.1+: u16 attributes, then the same
     * up to the tag, u32 EMAD size @24, u32 EMAD count @28, u32 EMAD offset @32.
     */
    attr = v10 ? (uint16_t)desc[2] : (uint16_t)fmt_le(desc + 2, 2);
    flags = (uint32_t)fmt_le(desc + 4, 4);
    emad_size = v10 ? 16u : (uint32_t)fmt_le(desc + 24, 4);
    emad_count = (uint32_t)fmt_le(desc + 28, 4);
    emad_off = v10 ? 32u : (uint32_t)fmt_le(desc + 32, 4);
    fmt_s(&f, "sender ");
    ffam_fmt_endpoint(&f, (uint16_t)fmt_le(desc, 2));
    fmt_s(&f, ", handle ");
    fmt_hex(&f, fmt_le(desc + 8, 8));
    if (fmt_le(desc + 16, 8) != 0) {
        fmt_s(&f, ", tag ");
        fmt_hex(&f, fmt_le(desc + 16, 8));
    }
    fmt_s(&f, ", ");
    attributes_text(&f, attr);
    if (flags != 0) {
        fmt_s(&f, ", flags ");
        fmt_hex(&f, flags);
    }
    fmt_s(&f, ", ");
    fmt_count(&f, emad_count, "receiver", "receivers");
    if (emad_size < 16) {
        fmt_s(&f, " (EMAD size ");
        fmt_dec(&f, emad_size);
        fmt_c(&f, ')');
        return fmt_end(&f);
    }
    for (uint32_t i = 0; i < emad_count; i++) {
        uint64_t e = (uint64_t)emad_off + (uint64_t)i * emad_size;

        if (e > size || size - e < 16) {
            fmt_s(&f, " (cut)");
            return fmt_end(&f);
        }
        fmt_s(&f, i == 0 ? ": " : " ");
        ffam_fmt_endpoint(&f, (uint16_t)fmt_le(desc + e, 2));
        fmt_c(&f, ' ');
        access_text(&f, desc[e + 2]);
        if (desc[e + 3] != 0) {
            fmt_s(&f, " flags ");
            fmt_hex(&f, desc[e + 3]);
        }
        if (composite == 0)
            composite = (uint32_t)fmt_le(desc + e + 4, 4);
    }
    /* A retrieve request has no composite (offset 0); a send and a retrieve response have one. */
    if (composite != 0) {
        fmt_s(&f, "; ");
        composite_text(&f, desc, size, composite);
    }
    return fmt_end(&f);
}

size_t ffa_format_mem_relinquish(char *buf, size_t len, const uint8_t *desc, size_t size)
{
    struct fmt f = fmt_begin(buf, len);
    uint32_t flags, count;

    /* u64 handle @0, u32 flags @8, u32 endpoint count @12, u16 endpoints[] @16 */
    if (size < 16) {
        fmt_s(&f, "(relinquish descriptor cut at ");
        fmt_dec(&f, size);
        fmt_s(&f, " bytes)");
        return fmt_end(&f);
    }
    flags = (uint32_t)fmt_le(desc + 8, 4);
    count = (uint32_t)fmt_le(desc + 12, 4);
    fmt_s(&f, "handle ");
    fmt_hex(&f, fmt_le(desc, 8));
    if (flags != 0) {
        fmt_s(&f, ", flags ");
        fmt_hex(&f, flags);
    }
    fmt_s(&f, ", ");
    fmt_count(&f, count, "endpoint", "endpoints");
    for (uint32_t i = 0; i < count; i++) {
        size_t e = 16 + (size_t)i * 2;

        if (e > size || size - e < 2) {
            fmt_s(&f, " (cut)");
            break;
        }
        fmt_s(&f, i == 0 ? ": " : " ");
        ffam_fmt_endpoint(&f, (uint16_t)fmt_le(desc + e, 2));
    }
    return fmt_end(&f);
}

size_t ffa_format_rxtx_descriptor(char *buf, size_t len, const uint8_t *desc, size_t size)
{
    struct fmt f = fmt_begin(buf, len);

    /* u16 endpoint @0, u16 reserved, u32 RX composite offset @4, u32 TX composite offset @8 */
    if (size < 16) {
        fmt_s(&f, "(RX/TX descriptor cut at ");
        fmt_dec(&f, size);
        fmt_s(&f, " bytes)");
        return fmt_end(&f);
    }
    ffam_fmt_endpoint(&f, (uint16_t)fmt_le(desc, 2));
    fmt_s(&f, ": RX ");
    composite_text(&f, desc, size, (uint32_t)fmt_le(desc + 4, 4));
    fmt_s(&f, "; TX ");
    composite_text(&f, desc, size, (uint32_t)fmt_le(desc + 8, 4));
    return fmt_end(&f);
}
