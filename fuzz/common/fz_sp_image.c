/* SPDX-License-Identifier: BSD-3-Clause */
#include "fz_sp_image.h"

#include <libfdt.h>
#include <string.h>

static void le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

size_t fz_elf_build(uint8_t *out, size_t cap, uint64_t entry, const struct fz_seg *segs, unsigned n)
{
    const size_t eh = 64, ph = 56;
    size_t off = eh + ph * n, total = off;

    if (n > 4)
        return 0;
    for (unsigned i = 0; i < n; i++)
        total += segs[i].filesz;
    if (total > cap)
        return 0;
    memset(out, 0, off);
    memcpy(out,
           "\x7f"
           "ELF",
           4);
    out[4] = 2;           /* ELFCLASS64 */
    out[5] = 1;           /* little endian */
    out[6] = 1;           /* EV_CURRENT */
    le(out + 16, 2, 2);   /* ET_EXEC */
    le(out + 18, 183, 2); /* EM_AARCH64 */
    le(out + 20, 1, 4);
    le(out + 24, entry, 8);
    le(out + 32, eh, 8); /* e_phoff */
    le(out + 52, eh, 2);
    le(out + 54, ph, 2);
    le(out + 56, n, 2);
    le(out + 58, 64, 2); /* e_shentsize */
    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = out + eh + ph * i;

        le(p, 1, 4); /* PT_LOAD */
        le(p + 4, segs[i].flags, 4);
        le(p + 8, off, 8);
        le(p + 16, segs[i].vaddr, 8);
        le(p + 24, segs[i].vaddr, 8);
        le(p + 32, segs[i].filesz, 8);
        le(p + 40, segs[i].memsz, 8);
        le(p + 48, 4096, 8);
        if (segs[i].filesz > 0)
            memcpy(out + off, segs[i].data, segs[i].filesz);
        off += segs[i].filesz;
    }
    return total;
}

uint32_t fz_a64_movz(unsigned rd, uint16_t imm, unsigned shift16)
{
    return 0xd2800000u | (shift16 & 3u) << 21 | (uint32_t)imm << 5 | (rd & 31u);
}

uint32_t fz_a64_movk(unsigned rd, uint16_t imm, unsigned shift16)
{
    return 0xf2800000u | (shift16 & 3u) << 21 | (uint32_t)imm << 5 | (rd & 31u);
}

uint32_t fz_a64_b(int32_t words)
{
    return 0x14000000u | ((uint32_t)words & 0x3ffffffu);
}

unsigned fz_a64_mov64(uint32_t *code, unsigned rd, uint64_t v)
{
    code[0] = fz_a64_movz(rd, (uint16_t)v, 0);
    code[1] = fz_a64_movk(rd, (uint16_t)(v >> 16), 1);
    code[2] = fz_a64_movk(rd, (uint16_t)(v >> 32), 2);
    code[3] = fz_a64_movk(rd, (uint16_t)(v >> 48), 3);
    return 4;
}

unsigned fz_sp_echo_code(uint32_t *code, unsigned cap, uint32_t conduit)
{
    const uint32_t cmp_w0_w19 = 0x6b13001fu; /* cmp w0, w19 (x0..x17 belong to FF-A) */
    unsigned n = 0, fault = 22;

    if (cap < 23)
        return 0;
    code[n++] = fz_a64_movz(0, 0x006b, 0); /* FFA_MSG_WAIT, x1..x7 = 0 */
    code[n++] = fz_a64_movk(0, 0x8400, 1);
    for (unsigned r = 1; r <= 7; r++)
        code[n++] = fz_a64_movz(r, 0, 0);
    code[n++] = conduit;
    code[n++] = fz_a64_movz(19, 0x0060, 0); /* w19 = FFA_ERROR */
    code[n++] = fz_a64_movk(19, 0x8400, 1);
    code[n++] = cmp_w0_w19;
    code[n] = 0x54000000u | ((fault - n) & 0x7ffffu) << 5; /* b.eq fault */
    n++;
    /* answer: DIRECT_RESP_32, sender and receiver swapped, w2 = 0, w3..w7 kept */
    code[n++] = fz_a64_movz(0, 0x0070, 0);
    code[n++] = fz_a64_movk(0, 0x8400, 1);
    code[n++] = 0x13814021u; /* ror w1, w1, #16 */
    code[n++] = fz_a64_movz(2, 0, 0);
    code[n++] = conduit;
    code[n++] = cmp_w0_w19; /* refused: give up rather than call again and again */
    code[n] = 0x54000000u | ((fault - n) & 0x7ffffu) << 5;
    n++;
    code[n] = fz_a64_b(-7); /* back to the answer */
    n++;
    while (n < fault)
        code[n++] = FZ_A64_NOP;
    code[n++] = 0; /* udf #0: the partition aborts itself */
    return n;
}

void fz_manifest_default(struct fz_manifest *m, uint32_t id)
{
    memset(m, 0, sizeof(*m));
    m->present = (1u << FZ_MF_COUNT) - 1u;
    m->present &= ~(1u << FZ_MF_RXTX);
    m->version = 0x10002;
    m->uuid[0] = 0x11111111u * (id & 0xfu);
    m->uuid[1] = 0xe14f904a;
    m->uuid[2] = 0x13fb1fb8;
    m->uuid[3] = 0xcbdae1da ^ id;
    m->id = id;
    m->ctx = 1;
    m->el = 2;
    m->state = 0;
    m->load = FZ_SP_LOAD;
    m->entry = 0;
    m->msg = 0x603;
    m->ns_action = 2;
    m->boot_order = id & 0xffu;
    m->gp_reg = 0;
    m->region_base = 0x20000000;
    m->region_pages = 4;
    m->region_attr = 3;
    m->odd_prop = -1;
}

static int prop_cells(void *fdt, const struct fz_manifest *m, enum fz_mf_prop which,
                      const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t v[8];

    if ((m->present & (1u << which)) == 0)
        return 0;
    if (m->odd_prop == (int)which) {
        n = m->odd_cells > 8 ? 8 : m->odd_cells;
        for (unsigned i = 0; i < n; i++)
            v[i] = cpu_to_fdt32(m->odd_value + i);
        return fdt_property(fdt, name, v, (int)(n * 4));
    }
    for (unsigned i = 0; i < n; i++)
        v[i] = cpu_to_fdt32(cells[i]);
    return fdt_property(fdt, name, v, (int)(n * 4));
}

static int u64_cells(void *fdt, const struct fz_manifest *m, enum fz_mf_prop which,
                     const char *name, uint64_t v)
{
    uint32_t c[2] = {(uint32_t)(v >> 32), (uint32_t)v};

    return prop_cells(fdt, m, which, name, c, 2);
}

static int region(void *fdt, const char *node, uint64_t base, uint32_t pages, uint32_t attr,
                  uint32_t phandle)
{
    uint32_t c[2] = {(uint32_t)(base >> 32), (uint32_t)base};
    fdt32_t v[2] = {cpu_to_fdt32(c[0]), cpu_to_fdt32(c[1])};
    int e = fdt_begin_node(fdt, node);

    e |= fdt_property_string(fdt, "description", node);
    e |= fdt_property(fdt, "base-address", v, 8);
    e |= fdt_property_u32(fdt, "pages-count", pages);
    e |= fdt_property_u32(fdt, "attributes", attr);
    if (phandle != 0)
        e |= fdt_property_u32(fdt, "phandle", phandle);
    e |= fdt_end_node(fdt);
    return e;
}

size_t fz_manifest_build(void *buf, size_t cap, const struct fz_manifest *m)
{
    int e = fdt_create(buf, (int)cap);

    e |= fdt_finish_reservemap(buf);
    e |= fdt_begin_node(buf, "");
    if (m->present & (1u << FZ_MF_COMPATIBLE))
        e |= fdt_property_string(buf, "compatible", "arm,ffa-manifest-1.0");
    e |= fdt_property_string(buf, "debug_name", "fuzzed");
    e |= prop_cells(buf, m, FZ_MF_VERSION, "ffa-version", &m->version, 1);
    e |= prop_cells(buf, m, FZ_MF_UUID, "uuid", m->uuid, 4);
    e |= prop_cells(buf, m, FZ_MF_ID, "id", &m->id, 1);
    e |= prop_cells(buf, m, FZ_MF_CTX, "execution-ctx-count", &m->ctx, 1);
    e |= prop_cells(buf, m, FZ_MF_EL, "exception-level", &m->el, 1);
    e |= prop_cells(buf, m, FZ_MF_STATE, "execution-state", &m->state, 1);
    e |= u64_cells(buf, m, FZ_MF_LOAD, "load-address", m->load);
    e |= prop_cells(buf, m, FZ_MF_ENTRY, "entrypoint-offset", &m->entry, 1);
    e |= prop_cells(buf, m, FZ_MF_MSG, "messaging-method", &m->msg, 1);
    e |= prop_cells(buf, m, FZ_MF_NS_ACTION, "ns-interrupts-action", &m->ns_action, 1);
    e |= prop_cells(buf, m, FZ_MF_BOOT_ORDER, "boot-order", &m->boot_order, 1);
    e |= prop_cells(buf, m, FZ_MF_GP_REG, "gp-register-num", &m->gp_reg, 1);
    if (m->present & ((1u << FZ_MF_REGION) | (1u << FZ_MF_RXTX))) {
        e |= fdt_begin_node(buf, "memory-regions");
        e |= fdt_property_string(buf, "compatible", "arm,ffa-manifest-memory-regions");
        e |= region(buf, "scratch", m->region_base, m->region_pages, m->region_attr, 0);
        if (m->present & (1u << FZ_MF_RXTX)) {
            e |= region(buf, "rx", m->region_base + 0x100000, m->region_pages, 3, 1);
            e |= region(buf, "tx", m->region_base + 0x200000, m->region_pages, 3, 2);
        }
        e |= fdt_end_node(buf);
    }
    if (m->present & (1u << FZ_MF_RXTX)) {
        e |= fdt_begin_node(buf, "rx_tx-info");
        e |= fdt_property_string(buf, "compatible", "arm,ffa-manifest-rx_tx-buffer");
        e |= fdt_property_u32(buf, "rx-buffer", 1);
        e |= fdt_property_u32(buf, "tx-buffer", 2);
        e |= fdt_end_node(buf);
    }
    e |= fdt_end_node(buf);
    e |= fdt_finish(buf);
    if (e != 0)
        return 0;
    return fdt_totalsize(buf);
}
