/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the emulated SPMC's partition loader - the FF-A manifest parser (libfdt) and
 * the ELF image loader - from bytes, through the public ffa_unicorn_create() with in-memory images
 * and manifests (the loader's internals are the backend's own).
 *
 * Structure aware: the first byte says, for the image and for the manifest separately, whether
 * the input carries raw bytes or the parameters of a generated one (fuzz/common/fz_sp_image.h):
 * an ELF whose segments, addresses, sizes, permissions and entry point come from the input around
 * a small working partition, and a manifest in which every property may be absent, carry a fuzzed
 * value or an odd number of cells, optionally truncated by a few bytes.
 *
 * Checked: ffa_unicorn_create() returns 0, INVALID_PARAMETERS or NO_MEMORY and never crashes,
 * hangs or leaks (ASan, LSan, libFuzzer's timeout), whatever the image's size and the spread of
 * its segments; a refusal names its reason (a message that says "<no error>" is the defect
 * "manifest-reason", fixed); a partition that loads answers FFA_VERSION and a direct request with
 * well-formed registers (fuzz/common/fz_reply.h), and destroying it releases everything.
 *
 * A partition that calls the SPMC in an endless loop (at boot, or on its first request) is
 * aborted by the SPMC's init budget or its per-call watchdog (the defect "call-loop", fixed; its
 * reproducers are in the corpus): a deadline reports it if it ever hangs a caller again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/backend_unicorn.h"
#include "fz_defects.h"
#include "fz_input.h"
#include "fz_reply.h"
#include "fz_sp_image.h"

static uint8_t elf[64 * 1024];
static uint8_t dtb[8192];

/* A value for a field: the valid one, a neighbour of it, or anything. */
static uint64_t field(struct fz_in *in, uint64_t valid)
{
    uint8_t sel = fz_u8(in);

    if (sel < 160)
        return valid;
    if (sel < 200)
        return valid + (uint64_t)(int8_t)fz_u8(in);
    if (sel < 230)
        return fz_u32(in);
    return fz_u64(in);
}

static size_t make_elf(struct fz_in *in)
{
    static uint32_t code[64];
    unsigned words = fz_sp_echo_code(code, 64, FZ_A64_SMC);
    struct fz_seg segs[4];
    unsigned n = 1 + fz_u8(in) % 3u;
    uint64_t entry;

    segs[0] = (struct fz_seg){FZ_SP_LOAD, FZ_PF_R | FZ_PF_X, (const uint8_t *)code, 4u * words,
                              4u * words};
    segs[1] = (struct fz_seg){FZ_SP_STACK, FZ_PF_R | FZ_PF_W, NULL, 0, 0x4000};
    segs[2] = (struct fz_seg){FZ_SP_LOAD + 0x8000, FZ_PF_R, (const uint8_t *)code, 16, 16};
    for (unsigned i = 0; i < n; i++) {
        segs[i].vaddr = field(in, segs[i].vaddr);
        segs[i].flags = (uint32_t)field(in, segs[i].flags);
        segs[i].memsz = field(in, segs[i].memsz);
        if (fz_u8(in) >= 240)
            segs[i].filesz = 0;
        if (segs[i].filesz > segs[i].memsz && fz_u8(in) < 128)
            segs[i].memsz = segs[i].filesz;
    }
    entry = field(in, FZ_SP_LOAD);
    return fz_elf_build(elf, sizeof(elf), entry, segs, n);
}

static size_t make_manifest(struct fz_in *in)
{
    struct fz_manifest m;
    size_t size;
    uint8_t how;

    fz_manifest_default(&m, 0x8001);
    /* Zero bytes select the valid manifest; larger ones deviate. */
    m.present ^= fz_u8(in) >= 192 ? 1u << (fz_u8(in) % FZ_MF_COUNT) : 0;
    if (fz_u8(in) >= 208)
        m.present |= 1u << FZ_MF_RXTX;
    m.version = (uint32_t)field(in, m.version);
    m.id = (uint32_t)field(in, m.id);
    m.ctx = (uint32_t)field(in, m.ctx);
    m.el = (uint32_t)field(in, m.el);
    m.state = (uint32_t)field(in, m.state);
    m.load = field(in, m.load);
    m.entry = (uint32_t)field(in, m.entry);
    m.msg = (uint32_t)field(in, m.msg);
    m.ns_action = (uint32_t)field(in, m.ns_action);
    m.boot_order = (uint32_t)field(in, m.boot_order);
    m.gp_reg = (uint32_t)field(in, m.gp_reg);
    m.region_base = field(in, m.region_base);
    m.region_pages = (uint32_t)field(in, m.region_pages);
    m.region_attr = (uint32_t)field(in, m.region_attr);
    if (fz_u8(in) >= 216) {
        m.odd_prop = fz_u8(in) % FZ_MF_COUNT;
        m.odd_cells = fz_u8(in) % 6u;
        m.odd_value = fz_u32(in);
    }
    if (fz_u8(in) >= 224)
        memset(m.uuid, 0, sizeof(m.uuid)); /* the nil UUID */
    size = fz_manifest_build(dtb, sizeof(dtb), &m);
    how = fz_u8(in);
    if (size > 0 && how >= 232) /* truncated by a few bytes */
        size -= 1u + how % 8u < size ? 1u + how % 8u : 0;
    return size;
}

static void check_answer(const struct ffa_regs *in, const struct ffa_regs *out)
{
    struct fz_call c = {.vm_id = 1, .version = FFA_VERSION_1_2, .valid_vcpu = true};
    const char *why;

    c.in = *in;
    c.out = *out;
    why = fz_reply_problem(&c);
    if (why != NULL)
        fz_fail("the emulated SPMC answered 0x%llx to 0x%llx: %s", (unsigned long long)out->x[0],
                (unsigned long long)in->x[0], why);
}

static void talk(struct ffa_unicorn *spmc)
{
    struct ffa_backend be = ffa_unicorn_backend(spmc);
    struct ffa_regs in = {{FFA_VERSION, FFA_VERSION_1_2}}, out;

    ffa_backend_call(&be, 0, &in, &out);
    if ((uint32_t)out.x[0] != FFA_VERSION_1_2)
        fz_fail("the emulated SPMC answered FFA_VERSION with 0x%llx", (unsigned long long)out.x[0]);
    in = (struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ_32, 1u << 16 | 0x8001u, 0, 0x1234, 5}};
    ffa_backend_call(&be, 0, &in, &out);
    check_answer(&in, &out);
}

static void quiet(void *ctx, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *msg)
{
    (void)ctx;
    if (getenv("FFA_FUZZ_VERBOSE") != NULL)
        fprintf(stderr, "[spmc %d %04x] %s\n", (int)kind, sp_id, msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_in in = {data, size};
    uint8_t mode = fz_u8(&in);
    struct ffa_unicorn_sp_config sp = {0};
    struct ffa_unicorn_config cfg = {
        .sps = &sp, .sp_count = 1, .watchdog_blocks = 20000, .log = quiet};
    struct ffa_unicorn *spmc = NULL;
    char err[256];
    size_t elf_size, dtb_size;
    int ret;

    fz_defect_input("fuzz_unicorn_load", data, size);
    if (mode & 1u) {
        elf_size = fz_range(&in, 0, sizeof(elf));
        elf_size = fz_bytes(&in, elf, elf_size);
    } else {
        elf_size = make_elf(&in);
    }
    if (mode & 2u) {
        dtb_size = fz_bytes(&in, dtb, fz_range(&in, 0, sizeof(dtb)));
    } else {
        dtb_size = make_manifest(&in);
    }
    sp.elf_data = elf;
    sp.elf_size = elf_size;
    sp.manifest_data = dtb;
    sp.manifest_size = dtb_size;
    err[0] = '\0';
    fz_deadline_arm(10, FZ_DEFECT_CALL_LOOP,
                    "ffa_unicorn_create() did not return in 10 s: the partition keeps calling the "
                    "SPMC during its boot, and nothing stops it");
    ret = ffa_unicorn_create(&cfg, &spmc, err, sizeof(err));
    fz_deadline_disarm();
    if (ret != 0) {
        if (ret != FFA_RET_INVALID_PARAMETERS && ret != FFA_RET_NO_MEMORY)
            fz_fail("ffa_unicorn_create returned %d (%s)", ret, err);
        if (err[0] == '\0')
            fz_fail("ffa_unicorn_create refused a partition without saying why");
        if (strstr(err, "<no error>") != NULL)
            fz_defect(FZ_DEFECT_MANIFEST_REASON, "the refusal names no reason: \"%s\"", err);
        return 0;
    }
    fz_deadline_arm(10, FZ_DEFECT_CALL_LOOP,
                    "a direct request to the partition did not return in 10 s: it keeps calling "
                    "the SPMC, and nothing preempts or aborts it");
    talk(spmc);
    fz_deadline_disarm();
    ffa_unicorn_destroy(spmc);
    return 0;
}
