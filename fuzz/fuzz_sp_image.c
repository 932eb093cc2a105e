/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: faults never cross worlds. A secure partition built from the input runs in
 * the emulated SPMC next to the example echo partition, behind the mediator, with two VMs.
 *
 * The fuzzed partition's code is a sequence of steps, each chosen by the input: an FF-A call with
 * fuzzed registers through a fuzzed conduit (SMC, HVC, SVC), a proper direct response, raw
 * instruction words, a corrupted stack pointer and a return through it, a branch to a fuzzed
 * address, a load from unmapped memory, an endless loop; the sequence ends in an undefined
 * instruction. It may be an S-EL1 or an S-EL0 partition. So it faults, loops, corrupts its own
 * stack and answers garbage at every step.
 *
 * Each session: the SPMC boots both partitions (the fuzzed one may die during its boot); then, a
 * few rounds: VM 1 sends a direct request to the fuzzed partition and gives it cycles with
 * FFA_RUN while it is preempted or yields (bounded), and VM 2 sends a direct request to the echo
 * partition, which must answer it exactly. Checked: the host process survives (ASan, UBSan, no
 * abort), every reply either VM gets is well formed (fuzz/common/fz_reply.h), VM 2 is never
 * stalled or disturbed by VM 1's partition, and everything is released at the end. A partition
 * that calls the SPMC in an endless loop is stopped by the SPMC's init budget and its per-call
 * budget and watchdog (the defect "call-loop", fixed): a deadline would report it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/backend_unicorn.h"
#include "ffa/mediator.h"
#include "fz_defects.h"
#include "fz_host.h"
#include "fz_input.h"
#include "fz_reply.h"
#include "fz_sp_image.h"

#define FUZZED_ID  0x8002u
#define ECHO_ID    0x8001u
#define MAX_WORDS  512u
#define MAX_STEPS  24u
#define RUN_BUDGET 64u

static struct fz_host host;
static bool host_ready;
static uint8_t *echo_elf, *echo_dtb;
static size_t echo_elf_size, echo_dtb_size;

/* The SPMC behind a shim that remembers its last answer (to tell pass-through from the rest). */
static struct ffa_backend inner;
static struct ffa_regs last_answer;

static void shim_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    (void)ctx;
    ffa_backend_call(&inner, cpu, in, out);
    last_answer = *out;
}

static const struct ffa_backend_ops shim_ops = {
    .name = "unicorn-shim",
    .caps = FFA_BACKEND_CAP_CONCURRENT | FFA_BACKEND_CAP_EMULATED,
    .call = shim_call,
};

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
        goto fail;
    buf = malloc((size_t)n);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
        goto fail;
    fclose(f);
    *size = (size_t)n;
    return buf;
fail:
    fprintf(stderr, "fuzz_sp_image: cannot read %s\n", path);
    abort();
}

/* ---- The partition's code ---- */

struct code {
    uint32_t w[MAX_WORDS];
    unsigned n;
};

static void emit(struct code *c, uint32_t word)
{
    if (c->n < MAX_WORDS - 1)
        c->w[c->n++] = word;
}

static void emit_mov(struct code *c, unsigned rd, uint64_t v)
{
    uint32_t w[4];

    fz_a64_mov64(w, rd, v);
    for (int i = 0; i < 4; i++)
        emit(c, w[i]);
}

static uint32_t call_fid(struct fz_in *in)
{
    static const uint32_t fids[] = {
        FFA_MSG_WAIT,
        FFA_MSG_SEND_DIRECT_RESP_32,
        FFA_MSG_SEND_DIRECT_RESP_64,
        FFA_MSG_SEND_DIRECT_RESP2,
        FFA_MSG_SEND_DIRECT_REQ_32,
        FFA_ERROR,
        FFA_YIELD,
        FFA_RUN,
        FFA_VERSION,
        FFA_FEATURES,
        FFA_ID_GET,
        FFA_CONSOLE_LOG_32,
        FFA_RXTX_MAP_64,
        FFA_RX_RELEASE,
        FFA_PARTITION_INFO_GET,
        FFA_MSG_SEND2,
        FFA_SECONDARY_EP_REGISTER_64,
        FFA_MEM_RETRIEVE_REQ_64,
        FFA_INTERRUPT,
        FFA_SUCCESS_32,
    };
    uint8_t k = fz_u8(in);

    return k >= 250 ? fz_u32(in) : fids[k % (sizeof(fids) / sizeof(fids[0]))];
}

static uint64_t call_arg(struct fz_in *in)
{
    uint8_t sel = fz_u8(in);

    switch (sel % 6) {
    case 0:
        return 0;
    case 1:
        return fz_u8(in);
    case 2: /* an endpoint pair involving it, echo or a VM */
        return (uint32_t)(FUZZED_ID << 16) | (sel & 0x40u ? ECHO_ID : 1u + (sel >> 7));
    case 3:
        return FZ_SP_STACK + fz_range(in, 0, 0x5000);
    case 4:
        return fz_u32(in);
    default:
        return fz_u64(in);
    }
}

static uint32_t conduit(struct fz_in *in, bool el0)
{
    uint8_t k = fz_u8(in);

    if (k < 200)
        return el0 ? FZ_A64_SVC : FZ_A64_SMC;
    return k < 220 ? FZ_A64_SMC : k < 240 ? FZ_A64_HVC : FZ_A64_SVC;
}

static void build_code(struct fz_in *in, struct code *c, bool el0)
{
    unsigned steps = fz_range(in, 1, MAX_STEPS);

    c->n = 0;
    emit_mov(c, 19, FZ_SP_STACK + 0x4000); /* a stack, as the example SPs set one up */
    emit(c, 0x9100027fu);                  /* mov sp, x19 */
    for (unsigned s = 0; s < steps && c->n < MAX_WORDS - 40; s++) {
        uint8_t kind = fz_u8(in);

        switch (kind % 9) {
        case 0:
        case 1: { /* an FF-A call with fuzzed registers */
            unsigned nargs = fz_range(in, 0, 7);

            emit_mov(c, 0, call_fid(in));
            for (unsigned r = 1; r <= 7; r++)
                emit_mov(c, r, r <= nargs ? call_arg(in) : 0);
            emit(c, conduit(in, el0));
            break;
        }
        case 2: /* a well-formed direct response to whatever arrived */
            emit(c, fz_a64_movz(0, 0x0070, 0));
            emit(c, fz_a64_movk(0, 0x8400, 1));
            emit(c, 0x13814021u); /* ror w1, w1, #16 */
            emit(c, fz_a64_movz(2, 0, 0));
            emit(c, conduit(in, el0));
            break;
        case 3: /* raw instruction words */
            for (unsigned i = fz_range(in, 1, 4); i > 0; i--)
                emit(c, fz_u32(in));
            break;
        case 4: /* corrupt the stack pointer, push, return through garbage */
            emit_mov(c, 19, call_arg(in));
            emit(c, 0x9100027fu); /* mov sp, x19 */
            emit(c, 0xf81f0fe0u); /* str x0, [sp, #-16]! */
            emit_mov(c, 30, call_arg(in));
            emit(c, FZ_A64_RET);
            break;
        case 5: /* branch to a fuzzed address */
            emit_mov(c, 16,
                     fz_u8(in) & 1u ? FZ_SP_LOAD + 4u * fz_range(in, 0, MAX_WORDS) : fz_u64(in));
            emit(c, 0xd61f0200u); /* br x16 */
            break;
        case 6: /* load from unmapped memory */
            emit_mov(c, 1, 0x40000000u + fz_u32(in));
            emit(c, 0xf9400020u); /* ldr x0, [x1] */
            break;
        case 7: /* loop forever without calling anyone */
            emit(c, fz_a64_b(0));
            break;
        default:
            emit(c, FZ_A64_NOP);
            break;
        }
    }
    c->w[c->n++] = 0; /* udf #0 */
}

/* ---- A session ---- */

static void check(uint16_t vm, const struct ffa_regs *in, const struct ffa_regs *out, bool aarch32)
{
    struct fz_call c = {
        .vm_id = vm, .version = FFA_VERSION_1_2, .aarch32 = aarch32, .valid_vcpu = true};
    const char *why;

    c.in = *in;
    c.out = *out;
    why = fz_reply_problem(&c);
    if (why == NULL)
        return;
    if (fz_regs_same_answer(out, &last_answer))
        fz_defect(FZ_DEFECT_BAD_ANSWER,
                  "VM 0x%x: the emulated SPMC's answer 0x%llx w1 0x%llx w2 0x%llx reached it "
                  "as is: %s",
                  vm, (unsigned long long)out->x[0], (unsigned long long)out->x[1],
                  (unsigned long long)out->x[2], why);
    else
        fz_fail("VM 0x%x, call 0x%llx: %s (reply 0x%llx 0x%llx 0x%llx)", vm,
                (unsigned long long)in->x[0], why, (unsigned long long)out->x[0],
                (unsigned long long)out->x[1], (unsigned long long)out->x[2]);
}

static struct ffa_regs call(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t id,
                            struct ffa_regs r)
{
    struct ffa_regs in;

    for (int i = 8; i < FFA_NUM_REGS; i++)
        r.x[i] = 0;
    in = r;
    if (ffa_mediator_handle(m, vm, 0, 0, &r) != FFA_CALL_HANDLED)
        fz_fail("call 0x%llx declined", (unsigned long long)in.x[0]);
    check(id, &in, &r, false);
    return r;
}

static void session(struct fz_in *in, struct ffa_mediator *m)
{
    struct ffa_vm *vm1, *vm2;
    struct ffa_regs r;

    /* FFA_LIFECYCLE_PENDING: added, a VM-created message deferred */
    if (ffa_vm_add(m, 1, 1, 0, &vm1) < 0 || ffa_vm_add(m, 2, 1, 0, &vm2) < 0)
        fz_fail("ffa_vm_add failed");
    call(m, vm1, 1, (struct ffa_regs){{FFA_VERSION, FFA_VERSION_1_2}});
    call(m, vm2, 2, (struct ffa_regs){{FFA_VERSION, FFA_VERSION_1_2}});
    for (unsigned round = fz_range(in, 1, 4); round > 0; round--) {
        uint32_t fid = fz_u8(in) & 1u ? FFA_MSG_SEND_DIRECT_REQ2 : FFA_MSG_SEND_DIRECT_REQ_32;

        r = call(m, vm1, 1, (struct ffa_regs){{fid, 1u << 16 | FUZZED_ID, 0, fz_u32(in), 7}});
        for (unsigned n = 0;
             n < RUN_BUDGET && ((uint32_t)r.x[0] == FFA_INTERRUPT || (uint32_t)r.x[0] == FFA_YIELD);
             n++)
            r = call(m, vm1, 1, (struct ffa_regs){{FFA_RUN, (uint32_t)r.x[1]}});
        /* The other VM's partition answers, whatever the fuzzed one did. */
        r = call(
            m, vm2, 2,
            (struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ_32, 2u << 16 | ECHO_ID, 0, round, 0xec40u}});
        if ((uint32_t)r.x[0] != FFA_MSG_SEND_DIRECT_RESP_32 || r.x[1] != (ECHO_ID << 16 | 2u) ||
            r.x[3] != round || r.x[4] != 0xec40u)
            fz_fail("VM 2's echo request was disturbed: 0x%llx w1 0x%llx w3 0x%llx",
                    (unsigned long long)r.x[0], (unsigned long long)r.x[1],
                    (unsigned long long)r.x[3]);
    }
    ffa_vm_remove(m, vm1);
    ffa_vm_remove(m, vm2);
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
    static uint8_t elf[8192], dtb[4096];
    static struct code code;
    struct fz_in in = {data, size};
    struct fz_seg segs[2];
    struct fz_manifest mf;
    struct ffa_unicorn_sp_config sps[2] = {{0}};
    struct ffa_unicorn_config cfg = {.sps = sps,
                                     .sp_count = 2,
                                     .preempt_blocks = 2000,
                                     .watchdog_blocks = 20000,
                                     .log = quiet,
                                     .ns_memory = fz_ns_memory,
                                     .ns_ctx = &host};
    struct ffa_unicorn *spmc;
    struct ffa_mediator *m;
    struct ffa_backend be = {&shim_ops, NULL};
    bool el0;
    char err[256];
    int ret;

    if (!host_ready) {
        fz_host_init(&host);
        echo_elf = slurp(FFA_SP_DIR "/echo.elf", &echo_elf_size);
        echo_dtb = slurp(FFA_SP_DIR "/echo.dtb", &echo_dtb_size);
        host_ready = true;
    }
    fz_defect_input("fuzz_sp_image", data, size);
    el0 = fz_u8(&in) >= 192;
    build_code(&in, &code, el0);
    segs[0] = (struct fz_seg){FZ_SP_LOAD, FZ_PF_R | FZ_PF_X, (const uint8_t *)code.w, 4u * code.n,
                              4u * code.n};
    segs[1] = (struct fz_seg){FZ_SP_STACK, FZ_PF_R | FZ_PF_W, NULL, 0, 0x5000};
    fz_manifest_default(&mf, FUZZED_ID);
    mf.el = el0 ? 1 : 2;
    mf.boot_order = 2;
    sps[0] = (struct ffa_unicorn_sp_config){.elf_data = echo_elf,
                                            .elf_size = echo_elf_size,
                                            .manifest_data = echo_dtb,
                                            .manifest_size = echo_dtb_size};
    sps[1].elf_data = elf;
    sps[1].elf_size = fz_elf_build(elf, sizeof(elf), FZ_SP_LOAD, segs, 2);
    sps[1].manifest_data = dtb;
    sps[1].manifest_size = fz_manifest_build(dtb, sizeof(dtb), &mf);

    fz_deadline_arm(10, FZ_DEFECT_CALL_LOOP,
                    "the emulated SPMC did not come back in 10 s: the fuzzed partition keeps "
                    "calling it, and nothing preempts or aborts it");
    ret = ffa_unicorn_create(&cfg, &spmc, err, sizeof(err));
    if (ret != 0)
        fz_fail("ffa_unicorn_create refused the generated partition: %s", err);
    inner = ffa_unicorn_backend(spmc);
    ret = ffa_mediator_create(NULL, &fz_host_ops, &host, &be, &m);
    if (ret != 0)
        fz_fail("ffa_mediator_create over the emulated SPMC: %d", ret);
    session(&in, m);
    ffa_mediator_destroy(m);
    ffa_unicorn_destroy(spmc);
    fz_deadline_disarm();
    if (!fz_host_reset(&host))
        fz_fail("host resources left");
    return 0;
}
