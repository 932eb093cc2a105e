/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One-line decodings of FF-A register files (include/ffa/format.h).
 *
 * One table entry per function ID: the decoder of its registers, and for the calls whose
 * FFA_SUCCESS carries results, the decoder of that FFA_SUCCESS. A decoder marks the registers it
 * consumed; the others are printed raw when they are not zero. Register usage follows the FF-A
 * specification (DEN0077A v1.2, the ABI chapters) as TF-A's include/services/ffa_svc.h and
 * Hafnium's inc/vmapi/hf/ffa.h encode it.
 */
#include "ffa/format.h"

#include "ffa/abi.h"
#include "ffa/names.h"
#include "format_internal.h"

struct dec {
    struct fmt *f;
    const struct ffa_regs *r;
    const struct ffa_regs *call; /* the call a reply answers, or NULL */
    uint32_t version;
    uint32_t fid; /* x0 of r, without the SVE hint */
    bool smc64;
    uint32_t used; /* bit n: xn was decoded */
};

typedef void (*decode_fn)(struct dec *d);

/* Register n as the ABI sees it (w: the low 32 bits for an SMC32 function), marked used. */
static uint64_t reg(struct dec *d, unsigned n)
{
    d->used |= 1u << n;
    return d->smc64 ? d->r->x[n] : (uint32_t)d->r->x[n];
}

static bool at_least(const struct dec *d, uint32_t v)
{
    return d->version >= v;
}

/* ---- Pieces ---- */

void ffam_fmt_endpoint(struct fmt *f, uint16_t id)
{
    if (id == FFA_ID_SPMC)
        fmt_s(f, "SPMC ");
    else if (id == 0xffffu)
        fmt_s(f, "SPMD ");
    else if (id == FFA_ID_HYPERVISOR)
        fmt_s(f, "hyp ");
    else
        fmt_s(f, FFA_ID_IS_SECURE(id) ? "SP " : "VM ");
    fmt_s(f, "0x");
    fmt_hex_digits(f, id, 4);
}

void ffam_fmt_uuid(struct fmt *f, const uint8_t uuid[16])
{
    for (unsigned i = 0; i < 16; i++) {
        fmt_hex_digits(f, uuid[i], 2);
        if (i == 3 || i == 5 || i == 7 || i == 9)
            fmt_c(f, '-');
    }
}

/* "VM 0x0001 -> SP 0x8001" from (sender << 16) | receiver. */
static void sender_receiver(struct dec *d, unsigned n)
{
    uint32_t w = (uint32_t)reg(d, n);

    fmt_arg(d->f);
    ffam_fmt_endpoint(d->f, FFA_SENDER(w));
    fmt_s(d->f, " -> ");
    ffam_fmt_endpoint(d->f, FFA_RECEIVER(w));
}

/* "SP 0x8001 vCPU 0" from (endpoint << 16) | vcpu. */
static void target_info(struct dec *d, unsigned n)
{
    uint32_t w = (uint32_t)reg(d, n);

    fmt_arg(d->f);
    ffam_fmt_endpoint(d->f, FFA_TARGET_ID(w));
    fmt_s(d->f, " vCPU ");
    fmt_dec(d->f, FFA_TARGET_VCPU(w));
}

static void version_text(struct fmt *f, uint32_t v)
{
    fmt_dec(f, FFA_VERSION_MAJOR(v));
    fmt_c(f, '.');
    fmt_dec(f, FFA_VERSION_MINOR(v));
}

static void uuid_bytes_from_words(uint8_t out[16], const uint64_t *w, unsigned words,
                                  unsigned bytes_per_word)
{
    for (unsigned i = 0; i < words; i++) {
        for (unsigned b = 0; b < bytes_per_word; b++)
            out[i * bytes_per_word + b] = (uint8_t)(w[i] >> (8 * b));
    }
}

static void uuid_arg(struct dec *d, const uint8_t u[16])
{
    uint8_t any = 0;

    for (unsigned i = 0; i < 16; i++)
        any |= u[i];
    fmt_arg(d->f);
    fmt_s(d->f, "UUID ");
    if (any == 0)
        fmt_s(d->f, "nil");
    else
        ffam_fmt_uuid(d->f, u);
}

/* A UUID in w1..w4 (32-bit words, each little-endian). */
static void uuid_w1_w4(struct dec *d)
{
    uint64_t w[4] = {reg(d, 1), reg(d, 2), reg(d, 3), reg(d, 4)};
    uint8_t u[16];

    uuid_bytes_from_words(u, w, 4, 4);
    uuid_arg(d, u);
}

/* A UUID in two 64-bit registers (lo, hi), as FFA_PARTITION_INFO_GET_REGS and REQ2 carry it. */
static void uuid_x2(struct dec *d, unsigned lo)
{
    uint64_t w[2] = {reg(d, lo), reg(d, lo + 1)};
    uint8_t u[16];

    uuid_bytes_from_words(u, w, 2, 8);
    uuid_arg(d, u);
}

static void handle_arg(struct dec *d, unsigned lo)
{
    uint64_t h = reg(d, lo) | reg(d, lo + 1) << 32;

    fmt_arg(d->f);
    fmt_s(d->f, "handle ");
    fmt_hex(d->f, h);
}

/* "[0x1 0x2]": registers first..last, trailing zeros left out; nothing when all are zero. */
static void payload(struct dec *d, unsigned first, unsigned last)
{
    unsigned end = first;

    for (unsigned i = first; i <= last; i++) {
        if (reg(d, i) != 0)
            end = i + 1;
    }
    if (end == first)
        return;
    fmt_arg(d->f);
    fmt_c(d->f, '[');
    for (unsigned i = first; i < end; i++) {
        if (i != first)
            fmt_c(d->f, ' ');
        fmt_hex(d->f, reg(d, i));
    }
    fmt_c(d->f, ']');
}

/* A labelled hexadecimal argument: "bitmap 0x3". */
static void hex_arg(struct dec *d, const char *label, uint64_t v)
{
    fmt_arg(d->f);
    fmt_s(d->f, label);
    fmt_hex(d->f, v);
}

/* Flag names for set bits of `v` in `mask`, each its own argument; returns the bits left. */
struct flag_name {
    uint32_t bit;
    const char *name;
};

static uint32_t flag_args(struct dec *d, uint32_t v, const struct flag_name *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((v & names[i].bit) != 0) {
            fmt_arg(d->f);
            fmt_s(d->f, names[i].name);
            v &= ~names[i].bit;
        }
    }
    return v;
}

/* Bits a decoder did not name: "flags 0x40". */
static void rest_flags(struct dec *d, uint32_t rest)
{
    if (rest != 0)
        hex_arg(d, "flags ", rest);
}

/* "112 bytes" or "fragment 56 of 112 bytes" (w1 = total, w2 = fragment). */
static void total_fragment(struct dec *d, unsigned total_reg, unsigned frag_reg)
{
    uint64_t total = reg(d, total_reg), frag = reg(d, frag_reg);

    fmt_arg(d->f);
    if (frag != total) {
        fmt_s(d->f, "fragment ");
        fmt_dec(d->f, frag);
        fmt_s(d->f, " of ");
    }
    fmt_count(d->f, total, "byte", "bytes");
}

/* ---- Status and cycle-management ABIs ---- */

static void dec_error(struct dec *d)
{
    int32_t code = ffa_error_code(reg(d, 2));
    const char *name = ffa_error_name(code);

    fmt_arg(d->f);
    if (name != NULL)
        fmt_s(d->f, name);
    else
        fmt_signed(d->f, code);
    if (reg(d, 1) != 0) /* target information of FFA_RUN's error, or MBZ */
        target_info(d, 1);
}

static void dec_interrupt(struct dec *d)
{
    if (reg(d, 1) != 0)
        target_info(d, 1);
    if (reg(d, 2) != 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "INTID ");
        fmt_dec(d->f, reg(d, 2));
    }
}

static void dec_msg_wait(struct dec *d)
{
    static const struct flag_name flags[] = {{1u, "retain RX"}};

    if (reg(d, 1) != 0) /* the SP that waits, as its caller sees FFA_MSG_WAIT */
        target_info(d, 1);
    /* w2 bit 0 (retain the RX buffer) exists from v1.2; MBZ before. */
    if (at_least(d, FFA_VERSION_1_2))
        rest_flags(d, flag_args(d, (uint32_t)reg(d, 2), flags, 1));
}

static void dec_yield(struct dec *d)
{
    if (reg(d, 1) != 0)
        target_info(d, 1);
    /* w2/w3: the timeout in ns, low and high halves (v1.2; 0 = none). */
    if (at_least(d, FFA_VERSION_1_2)) {
        uint64_t ns = (reg(d, 2) & 0xffffffffu) | (reg(d, 3) & 0xffffffffu) << 32;

        if (ns != 0) {
            fmt_arg(d->f);
            fmt_s(d->f, "timeout ");
            fmt_dec(d->f, ns);
            fmt_s(d->f, " ns");
        }
    }
}

static void dec_run(struct dec *d)
{
    target_info(d, 1);
}

/* ---- Setup and discovery ---- */

static void dec_version(struct dec *d)
{
    uint32_t v = (uint32_t)reg(d, 1);

    fmt_arg(d->f);
    if ((v & FFA_VERSION_MBZ) != 0)
        fmt_hex(d->f, v);
    else
        version_text(d->f, v);
}

static const char *feature_name(uint32_t id)
{
    switch (id) {
    case FFA_FEATURE_NPI:
        return "NPI";
    case FFA_FEATURE_SRI:
        return "SRI";
    case FFA_FEATURE_MEI:
        return "MEI";
    default:
        return NULL;
    }
}

static void dec_features(struct dec *d)
{
    uint32_t id = (uint32_t)reg(d, 1);
    uint32_t props = (uint32_t)reg(d, 2);

    fmt_arg(d->f);
    if ((id & 0x80000000u) != 0) {
        const char *name = ffa_func_name(id);

        if (name != NULL)
            fmt_s(d->f, name);
        else
            fmt_hex(d->f, id);
    } else {
        const char *name = feature_name(id);

        fmt_s(d->f, "feature ");
        if (name != NULL)
            fmt_s(d->f, name);
        else
            fmt_hex(d->f, id);
    }
    /* w2: input properties; FFA_MEM_RETRIEVE_REQ's bit 1 asks for NS-bit handling (v1.1). */
    if ((id & ~(FFA_SMCCC_64 | FFA_SMCCC_SVE_HINT)) == FFA_MEM_RETRIEVE_REQ_32 &&
        (props & 2u) != 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "NS bit");
        props &= ~2u;
    }
    if (props != 0)
        hex_arg(d, "properties ", props);
}

/* FFA_SUCCESS answering FFA_FEATURES: interface properties of the function or feature asked. */
static void ok_features(struct dec *d)
{
    uint32_t id = (uint32_t)d->call->x[1] & ~FFA_SMCCC_SVE_HINT;
    uint32_t w2 = (uint32_t)reg(d, 2);

    if (id == FFA_RXTX_MAP_32 || id == FFA_RXTX_MAP_64) {
        static const char *const sizes[] = {"4K", "64K", "16K", "reserved size 3"};

        /* w2[1:0]: minimum buffer size and alignment; w2[31:16]: most pages (v1.2, 0: none). */
        fmt_arg(d->f);
        fmt_s(d->f, "min buffer ");
        fmt_s(d->f, sizes[w2 & 3u]);
        w2 &= ~3u;
        if (at_least(d, FFA_VERSION_1_2) && (w2 >> 16) != 0) {
            fmt_arg(d->f);
            fmt_s(d->f, "max ");
            fmt_count(d->f, w2 >> 16, "page", "pages");
            w2 &= 0xffffu;
        }
    } else if ((id & 0x80000000u) == 0 && feature_name(id) != NULL) {
        fmt_arg(d->f);
        fmt_s(d->f, "INTID ");
        fmt_dec(d->f, w2);
        w2 = 0;
    } else if ((id & ~FFA_SMCCC_64) == FFA_MEM_RETRIEVE_REQ_32) {
        static const struct flag_name names[] = {
            {1u, "dynamic buffers"}, {2u, "NS bit"}, {4u, "hypervisor retrieve"}};

        w2 = flag_args(d, w2, names, 3);
    }
    if (w2 != 0)
        hex_arg(d, "properties ", w2);
}

static void dec_rxtx_map(struct dec *d)
{
    uint64_t tx = reg(d, 1), rx = reg(d, 2);
    uint32_t pages = (uint32_t)reg(d, 3);

    /* The forwarded form (a hypervisor for a VM): addresses and count zero, descriptor in TX. */
    if (tx == 0 && rx == 0 && pages == 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "descriptor in TX");
        return;
    }
    if (!at_least(d, FFA_VERSION_1_1))
        pages &= 0x3fu; /* v1.0: w3[5:0] */
    hex_arg(d, "TX ", tx);
    hex_arg(d, "RX ", rx);
    fmt_arg(d->f);
    fmt_count(d->f, pages, "page", "pages");
}

/* w1[31:16]: the endpoint whose buffers go (a hypervisor's forwarded call), or 0: the caller's. */
static void dec_rxtx_unmap(struct dec *d)
{
    uint32_t w1 = (uint32_t)reg(d, 1);

    if ((w1 >> 16) != 0) {
        fmt_arg(d->f);
        ffam_fmt_endpoint(d->f, (uint16_t)(w1 >> 16));
    }
    if ((w1 & 0xffffu) != 0)
        hex_arg(d, "w1[15:0] ", w1 & 0xffffu);
}

/* w1[15:0]: the VM whose buffer it is (from a hypervisor), else 0. */
static void dec_rx_vm(struct dec *d)
{
    uint32_t w1 = (uint32_t)reg(d, 1);

    if ((w1 & 0xffffu) != 0) {
        fmt_arg(d->f);
        ffam_fmt_endpoint(d->f, (uint16_t)w1);
    }
    if ((w1 >> 16) != 0)
        hex_arg(d, "w1[31:16] ", w1 >> 16);
}

static void dec_partition_info_get(struct dec *d)
{
    static const struct flag_name flags[] = {{1u, "count only"}};

    uuid_w1_w4(d);
    /* w5 flags exist from v1.1: bit 0 asks for the count only. */
    if (at_least(d, FFA_VERSION_1_1))
        rest_flags(d, flag_args(d, (uint32_t)reg(d, 5), flags, 1));
}

static void ok_partition_info_get(struct dec *d)
{
    bool count_only = at_least(d, FFA_VERSION_1_1) && (d->call->x[5] & 1u) != 0;

    fmt_arg(d->f);
    if (count_only) {
        fmt_s(d->f, "count ");
        fmt_dec(d->f, reg(d, 2));
        return;
    }
    fmt_count(d->f, reg(d, 2), "partition", "partitions");
    /* w3: the size of each descriptor (v1.1; a v1.0 caller gets 8-byte ones). */
    if (at_least(d, FFA_VERSION_1_1)) {
        fmt_arg(d->f);
        fmt_dec(d->f, reg(d, 3));
        fmt_s(d->f, " bytes each");
    }
}

/* x1/x2 UUID; x3[15:0] start index, x3[31:16] tag. */
static void dec_partition_info_get_regs(struct dec *d)
{
    uint64_t x3 = reg(d, 3);

    uuid_x2(d, 1);
    fmt_arg(d->f);
    fmt_s(d->f, "start ");
    fmt_dec(d->f, x3 & 0xffffu);
    if (((x3 >> 16) & 0xffffu) != 0)
        hex_arg(d, "tag ", (x3 >> 16) & 0xffffu);
    if ((x3 >> 32) != 0)
        hex_arg(d, "x3[63:32] ", x3 >> 32);
}

/*
 * FFA_SUCCESS_64: x2 = last index [15:0], current index [31:16], tag [47:32], descriptor size
 * [63:48]; the descriptors packed from x3 (3 registers each for 24 bytes), for the indices from
 * the call's start index to the current one.
 */
static void ok_partition_info_get_regs(struct dec *d)
{
    uint64_t x2 = reg(d, 2);
    uint32_t start = (uint32_t)(d->call->x[3] & 0xffffu);
    uint32_t last = (uint32_t)(x2 & 0xffffu), cur = (uint32_t)((x2 >> 16) & 0xffffu);
    uint32_t size = (uint32_t)(x2 >> 48);
    unsigned per = size / 8u, n;

    fmt_arg(d->f);
    fmt_s(d->f, "indices ");
    fmt_dec(d->f, start);
    fmt_s(d->f, "..");
    fmt_dec(d->f, cur);
    fmt_s(d->f, " of 0..");
    fmt_dec(d->f, last);
    if (((x2 >> 32) & 0xffffu) != 0)
        hex_arg(d, "tag ", (x2 >> 32) & 0xffffu);
    fmt_arg(d->f);
    fmt_dec(d->f, size);
    fmt_s(d->f, " bytes each");
    if (per == 0 || size % 8u != 0 || cur < start)
        return;
    n = cur - start + 1;
    if (n > 15u / per)
        n = 15u / per;
    for (unsigned i = 0; i < n; i++) {
        uint8_t desc[15 * 8];
        unsigned first = 3 + i * per;

        for (unsigned k = 0; k < per; k++) {
            uint64_t v = reg(d, first + k);

            for (unsigned b = 0; b < 8; b++)
                desc[k * 8 + b] = (uint8_t)(v >> (8 * b));
        }
        fmt_arg(d->f);
        fmt_c(d->f, '[');
        ffam_fmt_partition_info(d->f, desc, size);
        fmt_c(d->f, ']');
    }
}

/* FFA_SUCCESS answering FFA_ID_GET or FFA_SPM_ID_GET: w2[15:0] = the ID. */
static void ok_id(struct dec *d)
{
    uint32_t w2 = (uint32_t)reg(d, 2);

    fmt_arg(d->f);
    ffam_fmt_endpoint(d->f, (uint16_t)w2);
    if ((w2 >> 16) != 0)
        hex_arg(d, "w2[31:16] ", w2 >> 16);
}

static void dec_secondary_ep_register(struct dec *d)
{
    hex_arg(d, "entry ", reg(d, 1));
}

static void dec_console_log(struct dec *d)
{
    uint32_t count = (uint32_t)reg(d, 1);
    unsigned per = d->smc64 ? 8u : 4u;
    unsigned last = d->smc64 && at_least(d, FFA_VERSION_1_2) ? 17u : 7u;
    unsigned max = (last - 1u) * per;

    fmt_arg(d->f);
    fmt_count(d->f, count, "char", "chars");
    if (count == 0 || count > max)
        return;
    fmt_s(d->f, " \"");
    for (unsigned i = 0; i < count; i++) {
        uint8_t c = (uint8_t)(reg(d, 2 + i / per) >> (8 * (i % per)));

        if (c == '"' || c == '\\') {
            fmt_c(d->f, '\\');
            fmt_c(d->f, (char)c);
        } else if (c >= 0x20 && c < 0x7f) {
            fmt_c(d->f, (char)c);
        } else {
            fmt_s(d->f, "\\x");
            fmt_hex_digits(d->f, c, 2);
        }
    }
    fmt_c(d->f, '"');
    /* the registers the count covers are used even where they hold zero bytes */
    for (unsigned i = 0; i * per < count; i++)
        reg(d, 2 + i);
}

/* ---- Messaging ---- */

static const char *framework_msg_name(uint32_t type)
{
    /* w2[7:0] of a framework direct message (DEN0077A v1.2, framework messages). */
    static const char *const names[] = {
        "PSCI request",    "warm boot",        "PSCI response", NULL,
        "VM created",      "VM created ack",   "VM destroyed",  "VM destroyed ack",
        "version request", "version response",
    };

    return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

static void direct_flags(struct dec *d)
{
    uint32_t w2 = (uint32_t)d->r->x[2];

    if ((w2 & FFA_MSG_FLAG_FRAMEWORK) == 0)
        return; /* MBZ for a partition message: printed raw if set */
    reg(d, 2);
    fmt_arg(d->f);
    fmt_s(d->f, "framework ");
    if (framework_msg_name(w2 & 0xffu) != NULL)
        fmt_s(d->f, framework_msg_name(w2 & 0xffu));
    else
        fmt_hex(d->f, w2 & 0xffu);
    if ((w2 & ~(FFA_MSG_FLAG_FRAMEWORK | 0xffu)) != 0)
        hex_arg(d, "flags ", w2 & ~(FFA_MSG_FLAG_FRAMEWORK | 0xffu));
}

static void dec_direct(struct dec *d)
{
    sender_receiver(d, 1);
    direct_flags(d);
    payload(d, 3, 7);
}

/* REQ2: x2/x3 = the protocol UUID; RESP2: x2/x3 MBZ. Payload x4..x17. */
static void dec_direct_req2(struct dec *d)
{
    sender_receiver(d, 1);
    uuid_x2(d, 2);
    payload(d, 4, 17);
}

static void dec_direct_resp2(struct dec *d)
{
    sender_receiver(d, 1);
    payload(d, 4, 17);
}

/* FFA_MSG_SEND (v1.0): w1 sender/receiver, w3 size. */
static void dec_msg_send(struct dec *d)
{
    sender_receiver(d, 1);
    fmt_arg(d->f);
    fmt_count(d->f, reg(d, 3), "byte", "bytes");
}

/* FFA_MSG_SEND2: w1[31:16] = the sending VM (from a hypervisor); w2 bit 1 = delay SRI. */
static void dec_msg_send2(struct dec *d)
{
    static const struct flag_name flags[] = {{2u, "delay SRI"}};
    uint32_t w1 = (uint32_t)reg(d, 1);

    if ((w1 >> 16) != 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "from ");
        ffam_fmt_endpoint(d->f, (uint16_t)(w1 >> 16));
    }
    if ((w1 & 0xffffu) != 0)
        hex_arg(d, "w1[15:0] ", w1 & 0xffffu);
    rest_flags(d, flag_args(d, (uint32_t)reg(d, 2), flags, 1));
}

/* ---- Memory management ---- */

/* w1 total, w2 fragment, x3 buffer address, w4 pages (0, 0: the descriptor is in TX). */
static void dec_mem_send(struct dec *d)
{
    uint64_t addr = reg(d, 3);
    uint32_t pages = (uint32_t)reg(d, 4);

    total_fragment(d, 1, 2);
    if (addr != 0 || pages != 0) {
        hex_arg(d, "buffer ", addr);
        fmt_arg(d->f);
        fmt_count(d->f, pages, "page", "pages");
    }
}

/* FFA_SUCCESS answering a MEM_SHARE/LEND/DONATE: w2/w3 = the handle. */
static void ok_mem_send(struct dec *d)
{
    handle_arg(d, 2);
}

static void dec_mem_retrieve_resp(struct dec *d)
{
    total_fragment(d, 1, 2);
}

static void dec_mem_reclaim(struct dec *d)
{
    static const struct flag_name flags[] = {{1u, "zero memory"}, {2u, "time slicing"}};

    handle_arg(d, 1);
    rest_flags(d, flag_args(d, (uint32_t)reg(d, 3), flags, 2));
}

static void dec_mem_handle(struct dec *d)
{
    handle_arg(d, 1);
}

/* w4[31:16]: the sender a hypervisor names; 0 otherwise. */
static void frag_sender(struct dec *d)
{
    uint32_t w4 = (uint32_t)reg(d, 4);

    if ((w4 >> 16) != 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "sender ");
        ffam_fmt_endpoint(d->f, (uint16_t)(w4 >> 16));
    }
    if ((w4 & 0xffffu) != 0)
        hex_arg(d, "w4[15:0] ", w4 & 0xffffu);
}

static void dec_mem_frag_rx(struct dec *d)
{
    handle_arg(d, 1);
    fmt_arg(d->f);
    fmt_s(d->f, "offset ");
    fmt_dec(d->f, reg(d, 3));
    frag_sender(d);
}

static void dec_mem_frag_tx(struct dec *d)
{
    handle_arg(d, 1);
    fmt_arg(d->f);
    fmt_s(d->f, "fragment ");
    fmt_count(d->f, reg(d, 3), "byte", "bytes");
    frag_sender(d);
}

/* Memory permissions of FFA_MEM_PERM_GET/SET: [1:0] data access, bit 2 no-execute. */
static void perm_arg(struct dec *d, uint32_t perm)
{
    static const char *const names[8] = {"no access",    "RWX", "reserved",    "RX",
                                         "no access NX", "RW",  "reserved NX", "RO"};

    fmt_arg(d->f);
    fmt_s(d->f, names[perm & 7u]);
    if ((perm & ~7u) != 0)
        hex_arg(d, "perm ", perm);
}

static void dec_mem_perm_get(struct dec *d)
{
    hex_arg(d, "VA ", reg(d, 1));
}

static void ok_mem_perm_get(struct dec *d)
{
    perm_arg(d, (uint32_t)reg(d, 2));
}

static void dec_mem_perm_set(struct dec *d)
{
    hex_arg(d, "VA ", reg(d, 1));
    fmt_arg(d->f);
    fmt_count(d->f, reg(d, 2), "page", "pages");
    perm_arg(d, (uint32_t)reg(d, 3));
}

/* ---- Notifications ---- */

static void bitmap_arg(struct dec *d, unsigned lo)
{
    hex_arg(d, "bitmap ", (reg(d, lo) & 0xffffffffu) | (reg(d, lo + 1) & 0xffffffffu) << 32);
}

static void dec_bitmap_create(struct dec *d)
{
    fmt_arg(d->f);
    ffam_fmt_endpoint(d->f, (uint16_t)reg(d, 1));
    fmt_arg(d->f);
    fmt_count(d->f, reg(d, 2), "vCPU", "vCPUs");
}

static void dec_bitmap_destroy(struct dec *d)
{
    fmt_arg(d->f);
    ffam_fmt_endpoint(d->f, (uint16_t)reg(d, 1));
}

static void dec_notification_bind(struct dec *d)
{
    static const struct flag_name flags[] = {{1u, "per-vCPU"}};

    sender_receiver(d, 1);
    rest_flags(d, flag_args(d, (uint32_t)reg(d, 2), flags, 1));
    bitmap_arg(d, 3);
}

static void dec_notification_unbind(struct dec *d)
{
    sender_receiver(d, 1);
    bitmap_arg(d, 3);
}

/* w2: bit 0 per-vCPU, bit 1 delay SRI, bits[31:16] the vCPU. */
static void dec_notification_set(struct dec *d)
{
    static const struct flag_name flags[] = {{2u, "delay SRI"}};
    uint32_t w2 = (uint32_t)reg(d, 2);

    sender_receiver(d, 1);
    if ((w2 & 1u) != 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "per-vCPU ");
        fmt_dec(d->f, w2 >> 16);
        w2 &= 0xfffeu;
    }
    rest_flags(d, flag_args(d, w2, flags, 1));
    bitmap_arg(d, 3);
}

/* w1 = vCPU << 16 | receiver; w2 bits 0..3: which bitmaps (SP, VM, SPM, hypervisor). */
static void dec_notification_get(struct dec *d)
{
    static const char *const names[4] = {"SP", "VM", "SPM", "HYP"};
    uint32_t w1 = (uint32_t)reg(d, 1);
    uint32_t w2 = (uint32_t)reg(d, 2);

    fmt_arg(d->f);
    ffam_fmt_endpoint(d->f, (uint16_t)w1);
    fmt_s(d->f, " vCPU ");
    fmt_dec(d->f, w1 >> 16);
    if ((w2 & 0xfu) != 0) {
        bool first = true;

        fmt_arg(d->f);
        fmt_s(d->f, "from ");
        for (unsigned i = 0; i < 4; i++) {
            if ((w2 & (1u << i)) == 0)
                continue;
            if (!first)
                fmt_c(d->f, '+');
            fmt_s(d->f, names[i]);
            first = false;
        }
    }
    rest_flags(d, w2 & ~0xfu);
}

/* FFA_SUCCESS answering FFA_NOTIFICATION_GET: SP w2/w3, VM w4/w5, SPM w6, hypervisor w7. */
static void ok_notification_get(struct dec *d)
{
    uint64_t sp = (reg(d, 2) & 0xffffffffu) | (reg(d, 3) & 0xffffffffu) << 32;
    uint64_t vm = (reg(d, 4) & 0xffffffffu) | (reg(d, 5) & 0xffffffffu) << 32;
    uint64_t spm = reg(d, 6) & 0xffffffffu, hyp = reg(d, 7) & 0xffffffffu;

    if ((sp | vm | spm | hyp) == 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "none pending");
        return;
    }
    if (sp != 0)
        hex_arg(d, "SP ", sp);
    if (vm != 0)
        hex_arg(d, "VM ", vm);
    if (spm != 0)
        hex_arg(d, "SPM ", spm);
    if (hyp != 0)
        hex_arg(d, "HYP ", hyp);
}

/*
 * FFA_SUCCESS answering FFA_NOTIFICATION_INFO_GET: x2 bit 0 = more pending, bits[11:7] = lists,
 * bits[12 + 2i + 1 : 12 + 2i] = vCPU IDs in list i; the 16-bit IDs from x3, 4 per register for
 * the SMC64 form and 2 per register for the SMC32 one; each list is an endpoint then its vCPUs.
 */
static void ok_notification_info_get(struct dec *d)
{
    uint64_t x2 = reg(d, 2);
    unsigned lists = (unsigned)((x2 >> 7) & 0x1fu);
    unsigned per = d->smc64 ? 4u : 2u, max = 5u * per, next = 0;

    for (unsigned i = 0; i < lists && next < max; i++) {
        unsigned vcpus = (unsigned)((x2 >> (12 + 2 * i)) & 3u);

        fmt_arg(d->f);
        for (unsigned k = 0; k <= vcpus && next < max; k++, next++) {
            uint16_t id = (uint16_t)(reg(d, 3 + next / per) >> (16 * (next % per)));

            if (k == 0) {
                ffam_fmt_endpoint(d->f, id);
                if (vcpus != 0)
                    fmt_s(d->f, vcpus == 1 ? " vCPU" : " vCPUs");
            } else {
                fmt_c(d->f, ' ');
                fmt_dec(d->f, id);
            }
        }
    }
    if ((x2 & 1u) != 0) {
        fmt_arg(d->f);
        fmt_s(d->f, "more pending");
    }
    /* Bits this decoding did not account for (MBZ). */
    {
        uint64_t known = UINT64_C(1) | UINT64_C(0x1f) << 7;

        for (unsigned i = 0; i < lists && 12 + 2 * i < 64; i++)
            known |= UINT64_C(3) << (12 + 2 * i);
        if ((x2 & ~known) != 0)
            hex_arg(d, "flags ", x2 & ~known);
    }
}

/* ---- The table ---- */

struct abi {
    uint32_t fid;
    decode_fn decode;  /* its registers (NULL: the name only, and any non-zero register) */
    decode_fn success; /* the FFA_SUCCESS that answers it, or NULL: generic */
};

static const struct abi abis[] = {
    {FFA_ERROR, dec_error, NULL},
    {FFA_SUCCESS_32, NULL, NULL},
    {FFA_SUCCESS_64, NULL, NULL},
    {FFA_INTERRUPT, dec_interrupt, NULL},
    {FFA_VERSION, dec_version, NULL},
    {FFA_FEATURES, dec_features, ok_features},
    {FFA_RX_RELEASE, dec_rx_vm, NULL},
    {FFA_RXTX_MAP_32, dec_rxtx_map, NULL},
    {FFA_RXTX_MAP_64, dec_rxtx_map, NULL},
    {FFA_RXTX_UNMAP, dec_rxtx_unmap, NULL},
    {FFA_PARTITION_INFO_GET, dec_partition_info_get, ok_partition_info_get},
    {FFA_ID_GET, NULL, ok_id},
    {FFA_MSG_POLL, NULL, NULL},
    {FFA_MSG_WAIT, dec_msg_wait, NULL},
    {FFA_YIELD, dec_yield, NULL},
    {FFA_RUN, dec_run, NULL},
    {FFA_MSG_SEND, dec_msg_send, NULL},
    {FFA_MSG_SEND_DIRECT_REQ_32, dec_direct, NULL},
    {FFA_MSG_SEND_DIRECT_REQ_64, dec_direct, NULL},
    {FFA_MSG_SEND_DIRECT_RESP_32, dec_direct, NULL},
    {FFA_MSG_SEND_DIRECT_RESP_64, dec_direct, NULL},
    {FFA_MEM_DONATE_32, dec_mem_send, ok_mem_send},
    {FFA_MEM_DONATE_64, dec_mem_send, ok_mem_send},
    {FFA_MEM_LEND_32, dec_mem_send, ok_mem_send},
    {FFA_MEM_LEND_64, dec_mem_send, ok_mem_send},
    {FFA_MEM_SHARE_32, dec_mem_send, ok_mem_send},
    {FFA_MEM_SHARE_64, dec_mem_send, ok_mem_send},
    {FFA_MEM_RETRIEVE_REQ_32, dec_mem_send, NULL},
    {FFA_MEM_RETRIEVE_REQ_64, dec_mem_send, NULL},
    {FFA_MEM_RETRIEVE_RESP, dec_mem_retrieve_resp, NULL},
    {FFA_MEM_RELINQUISH, NULL, NULL},
    {FFA_MEM_RECLAIM, dec_mem_reclaim, NULL},
    {FFA_MEM_OP_PAUSE, dec_mem_handle, NULL},
    {FFA_MEM_OP_RESUME, dec_mem_handle, NULL},
    {FFA_MEM_FRAG_RX, dec_mem_frag_rx, NULL},
    {FFA_MEM_FRAG_TX, dec_mem_frag_tx, NULL},
    {FFA_NORMAL_WORLD_RESUME, NULL, NULL},
    {FFA_NOTIFICATION_BITMAP_CREATE, dec_bitmap_create, NULL},
    {FFA_NOTIFICATION_BITMAP_DESTROY, dec_bitmap_destroy, NULL},
    {FFA_NOTIFICATION_BIND, dec_notification_bind, NULL},
    {FFA_NOTIFICATION_UNBIND, dec_notification_unbind, NULL},
    {FFA_NOTIFICATION_SET, dec_notification_set, NULL},
    {FFA_NOTIFICATION_GET, dec_notification_get, ok_notification_get},
    {FFA_NOTIFICATION_INFO_GET_32, NULL, ok_notification_info_get},
    {FFA_NOTIFICATION_INFO_GET_64, NULL, ok_notification_info_get},
    {FFA_RX_ACQUIRE, dec_rx_vm, NULL},
    {FFA_SPM_ID_GET, NULL, ok_id},
    {FFA_MSG_SEND2, dec_msg_send2, NULL},
    {FFA_SECONDARY_EP_REGISTER_32, dec_secondary_ep_register, NULL},
    {FFA_SECONDARY_EP_REGISTER_64, dec_secondary_ep_register, NULL},
    {FFA_MEM_PERM_GET_32, dec_mem_perm_get, ok_mem_perm_get},
    {FFA_MEM_PERM_GET_64, dec_mem_perm_get, ok_mem_perm_get},
    {FFA_MEM_PERM_SET_32, dec_mem_perm_set, NULL},
    {FFA_MEM_PERM_SET_64, dec_mem_perm_set, NULL},
    {FFA_CONSOLE_LOG_32, dec_console_log, NULL},
    {FFA_CONSOLE_LOG_64, dec_console_log, NULL},
    {FFA_PARTITION_INFO_GET_REGS, dec_partition_info_get_regs, ok_partition_info_get_regs},
    {FFA_EL3_INTR_HANDLE, NULL, NULL},
    {FFA_MSG_SEND_DIRECT_REQ2, dec_direct_req2, NULL},
    {FFA_MSG_SEND_DIRECT_RESP2, dec_direct_resp2, NULL},
};

static const struct abi *find_abi(uint32_t fid)
{
    for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++) {
        if (abis[i].fid == fid)
            return &abis[i];
    }
    return NULL;
}

/* Registers the decoder left alone, when not zero: "w5=0x7" or "x9=0x7". */
static void leftovers(struct dec *d)
{
    /* SMC32 calls have w1..w7; SMC64 ones x1..x7, or x1..x17 from v1.2 (SMCCC v1.2). */
    unsigned last = d->smc64 && at_least(d, FFA_VERSION_1_2) ? 17u : 7u;

    for (unsigned i = 1; i <= last; i++) {
        uint64_t v = d->smc64 ? d->r->x[i] : (uint32_t)d->r->x[i];

        if ((d->used & (1u << i)) != 0 || v == 0)
            continue;
        fmt_arg(d->f);
        fmt_c(d->f, d->smc64 ? 'x' : 'w');
        fmt_dec(d->f, i);
        fmt_c(d->f, '=');
        fmt_hex(d->f, v);
    }
}

/* Not an FF-A function: x0 in hexadecimal and every non-zero register in full. */
static void unknown(struct fmt *f, const struct ffa_regs *r)
{
    fmt_hex(f, r->x[0]);
    for (unsigned i = 1; i < FFA_NUM_REGS; i++) {
        if (r->x[i] == 0)
            continue;
        fmt_arg(f);
        fmt_c(f, 'x');
        fmt_dec(f, i);
        fmt_c(f, '=');
        fmt_hex(f, r->x[i]);
    }
    fmt_close(f);
}

/* The bare w0 of an FFA_VERSION answer: "version 1.2", or NOT_SUPPORTED. */
static void bare_version(struct fmt *f, const struct ffa_regs *r)
{
    uint32_t w0 = (uint32_t)r->x[0];

    if (w0 == (uint32_t)FFA_RET_NOT_SUPPORTED) {
        fmt_s(f, "NOT_SUPPORTED");
    } else {
        fmt_s(f, "version ");
        version_text(f, w0);
    }
    for (unsigned i = 1; i < 8; i++) {
        if ((uint32_t)r->x[i] == 0)
            continue;
        fmt_arg(f);
        fmt_c(f, 'w');
        fmt_dec(f, i);
        fmt_c(f, '=');
        fmt_hex(f, (uint32_t)r->x[i]);
    }
    fmt_close(f);
}

size_t ffa_format_regs(char *buf, size_t len, const struct ffa_regs *r, enum ffa_format_kind kind,
                       uint32_t version, const struct ffa_regs *call)
{
    struct fmt f = fmt_begin(buf, len);
    struct dec d = {&f, r, NULL, version != 0 ? version : FFA_VERSION_1_2, 0, false, 0};
    uint32_t x0 = (uint32_t)r->x[0];
    uint32_t call_fid = call != NULL ? (uint32_t)call->x[0] & ~FFA_SMCCC_SVE_HINT : 0;
    const struct abi *abi;
    decode_fn decode;

    if (kind == FFA_FORMAT_REPLY && r->x[0] <= UINT32_MAX &&
        (call_fid == FFA_VERSION || (call == NULL && (x0 & 0x80000000u) == 0) ||
         (call == NULL && x0 == (uint32_t)FFA_RET_NOT_SUPPORTED))) {
        bare_version(&f, r);
        return fmt_end(&f);
    }
    d.fid = x0 & ~FFA_SMCCC_SVE_HINT;
    abi = r->x[0] <= UINT32_MAX ? find_abi(d.fid) : NULL;
    if (abi == NULL) {
        unknown(&f, r);
        return fmt_end(&f);
    }
    d.smc64 = ffa_fid_is_64(d.fid);
    fmt_s(&f, ffa_func_name(d.fid));
    if ((x0 & FFA_SMCCC_SVE_HINT) != 0)
        fmt_s(&f, "+SVE-hint");
    decode = abi->decode;
    if (kind == FFA_FORMAT_REPLY && call != NULL &&
        (d.fid == FFA_SUCCESS_32 || d.fid == FFA_SUCCESS_64)) {
        const struct abi *asked = find_abi(call_fid);

        if (asked != NULL && asked->success != NULL) {
            d.call = call;
            decode = asked->success;
        }
    }
    if (decode != NULL)
        decode(&d);
    leftovers(&d);
    fmt_close(&f);
    return fmt_end(&f);
}

size_t ffa_format_endpoint(char *buf, size_t len, uint16_t id)
{
    struct fmt f = fmt_begin(buf, len);

    ffam_fmt_endpoint(&f, id);
    return fmt_end(&f);
}

size_t ffa_format_uuid(char *buf, size_t len, const uint8_t uuid[16])
{
    struct fmt f = fmt_begin(buf, len);

    ffam_fmt_uuid(&f, uuid);
    return fmt_end(&f);
}
