/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the mediator's entry point, between hostile guests and a hostile or buggy
 * secure world.
 *
 * One input is one session: a mediator configuration, a secure world (a backend written here)
 * whose every answer is decided by the input, then a sequence of actions - VMs added and removed,
 * guests writing their memory (TX buffers, SEND2 headers) and calling ffa_mediator_handle() with
 * fuzzed registers on any vCPU and processor - until the input ends; then the mediator is
 * destroyed.
 *
 * The secure world answers each call, as the input says, either as a consistent SPMC would (a
 * model: direct responses addressed to the requester, preempted contexts parked with the response
 * they owe, the partition list written into the mediator's RX buffer), or with a defined error,
 * with a preemption (FFA_INTERRUPT / FFA_YIELD), or with garbage registers. It may also, while it
 * handles one VM's direct request, let another VM's FFA_RUN of the same context in - exactly what
 * a call on another processor can do at that instant (the mediator holds no lock then; the
 * harness checks it holds none).
 *
 * After every call (checked in check_call()):
 *  - the reply is well formed (fuzz/common/fz_reply.h defines it precisely);
 *  - no allocation happened during the call (host alloc and page_alloc counters unchanged);
 *  - every VM's RAM is unchanged, except the RX buffer the call had the right to fill: the
 *    caller's for a successful FFA_PARTITION_INFO_GET, the receiver's for a successful VM-to-VM
 *    FFA_MSG_SEND2 (whose bytes must then be exactly the header in the receiver's layout and the
 *    sender's payload); never an RX buffer its VM owns (no cross-VM data, an error leaves state as
 *    it was);
 *  - no reply register carries another VM's canary (every VM's RAM and unused registers hold its
 *    own 32-bit canary word);
 *  - a response the secure world produced for VM X reaches X, and only X.
 * At the end: everything the mediator allocated, mapped or locked is released.
 *
 * Failures that are known open defects are reported through fz_defect() (fuzz/common/fz_defects.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/mediator.h"
#include "ffa/names.h"
#include "fz_defects.h"
#include "fz_host.h"
#include "fz_input.h"
#include "fz_reply.h"
#include "fz_watch.h"

#define MAX_VMS     6u /* VM IDs 1..6 */
#define MAX_SPS     6u
#define MAX_PARKED  8u
#define MAX_EMITTED 8u
#define MAX_ACTIONS 96u
#define RX_MAX      (4u * 4096u)

/* The canary word of VM `id`: fills its RAM and its unused registers. */
#define CANARY(id)        (0x5a170000u | ((uint32_t)(id) << 8) | 0xc3u)
#define IS_CANARY_WORD(w) (((w)&0xffff00ffu) == 0x5a1700c3u)

struct sp_model {
    uint16_t id;
    uint16_t exec_ctx;
    uint32_t props;
    uint8_t uuid[16];
};

/* A context the model SPMC preempted, and the response it owes. */
struct parked {
    bool used;
    uint32_t target;
    uint16_t owner;
    struct ffa_regs resp;
};

/* A response the model produced, and the VM whose call it went into. */
struct emitted {
    uint16_t owed, into;
    struct ffa_regs resp;
};

struct vm_slot {
    struct ffa_vm *vm;
    uint16_t id, vcpus;
    bool aarch32;
    bool mapped;
    uint64_t tx_ipa, rx_ipa;
    uint32_t pages;
    bool dying;          /* removed, its teardown deferred: the ID is reserved until it is gone */
    bool rx_owned;       /* the VM owns its RX buffer (until a successful FFA_RX_RELEASE) */
    bool release_failed; /* its last FFA_RX_RELEASE while owning RX failed */
    uint8_t snap[FZ_RAM_SIZE];
};

/* One host for the whole process (guest RAM is reused; its counters are reset per session). */
static struct fz_host host;
static bool host_ready;

static struct {
    struct fz_in in;
    struct ffa_mediator *m;
    bool vm_to_vm;

    /* The secure world */
    uint32_t fw_version;
    uint32_t features; /* bit i: probe list entry i is supported */
    struct sp_model sps[MAX_SPS];
    uint32_t sp_count;
    uint8_t *own_tx, *own_rx;
    bool list_consistent; /* the mediator got the model's own partition list */
    struct parked parked[MAX_PARKED];
    struct emitted emitted[MAX_EMITTED];
    unsigned n_emitted;
    uint16_t caller; /* the VM whose call is in the secure world (0: the mediator's own) */
    int depth;       /* 1 inside an injected call */
    /* Last answer given for the call in progress at each depth (for pass-through detection). */
    bool answered[2];
    struct ffa_regs last_answer[2];
    bool sw_error_on_release;
    /* The first SUCCESS the secure world gave to FFA_SPM_ID_GET (the mediator caches it). */
    bool spm_id_answered;
    uint64_t spm_id;

    struct vm_slot vms[MAX_VMS];
    bool watch;
    bool trace; /* FFA_FUZZ_TRACE: print every guest call and secure-world answer */
} W;

/* ---- Values ---- */

/* Secure-world and guest garbage never forges a VM's canary. */
static uint64_t no_canary(uint64_t v)
{
    if (IS_CANARY_WORD((uint32_t)v))
        v ^= 1u << 4;
    if (IS_CANARY_WORD((uint32_t)(v >> 32)))
        v ^= UINT64_C(1) << 36;
    return v;
}

static uint16_t any_sp_id(void)
{
    uint8_t k = fz_u8(&W.in);

    if (W.sp_count > 0 && k < 200)
        return W.sps[k % W.sp_count].id;
    return (uint16_t)(0x8000u | (k & 0xfu));
}

static struct vm_slot *slot_of(uint16_t id)
{
    return id >= 1 && id <= MAX_VMS && W.vms[id - 1].vm != NULL ? &W.vms[id - 1] : NULL;
}

/* A register value for VM `id`'s call, chosen by shape. */
static uint64_t guest_value(uint16_t id)
{
    uint8_t sel = fz_u8(&W.in);

    switch (sel % 12) {
    case 0:
        return 0;
    case 1:
        return fz_u8(&W.in);
    case 2:
        return (uint32_t)id << 16 | any_sp_id();
    case 3:
        return (uint32_t)any_sp_id() << 16 | (fz_u8(&W.in) & 1u);
    case 4:
        return FZ_RAM_IPA + (uint64_t)fz_range(&W.in, 0, FZ_RAM_PAGES) * 4096u;
    case 5:
        return CANARY(id) | (uint64_t)CANARY(id) << 32;
    case 6:
        return no_canary(fz_u32(&W.in));
    case 7:
        return (uint32_t)id << 16 | (1u + fz_u8(&W.in) % MAX_VMS);
    case 8:
        return fz_range(&W.in, 0, 5);
    case 9:
        return FFA_VERSION_MAKE(1, fz_u8(&W.in) % 4) | (sel & 0x80u ? FFA_VERSION_MBZ : 0);
    case 10:
        return (uint64_t)id << 16;
    default:
        return no_canary(fz_u64(&W.in));
    }
}

/* Function IDs worth calling: every ABI the mediator handles, some it refuses, some not FF-A. */
static uint32_t guest_fid(void)
{
    static const uint32_t fids[] = {
        FFA_VERSION,
        FFA_FEATURES,
        FFA_ID_GET,
        FFA_SPM_ID_GET,
        FFA_MSG_SEND_DIRECT_REQ_32,
        FFA_MSG_SEND_DIRECT_REQ_64,
        FFA_MSG_SEND_DIRECT_REQ2,
        FFA_RUN,
        FFA_RXTX_MAP_32,
        FFA_RXTX_MAP_64,
        FFA_RXTX_UNMAP,
        FFA_RX_RELEASE,
        FFA_PARTITION_INFO_GET,
        FFA_PARTITION_INFO_GET_REGS,
        FFA_MSG_SEND2,
        FFA_MSG_SEND_DIRECT_REQ_32,
        FFA_RUN,
        FFA_MSG_SEND2,
        FFA_PARTITION_INFO_GET,
        FFA_RX_RELEASE,
        /* refused or not FF-A */
        FFA_ERROR,
        FFA_SUCCESS_32,
        FFA_MSG_SEND_DIRECT_RESP_32,
        FFA_MSG_WAIT,
        FFA_RX_ACQUIRE,
        FFA_MEM_SHARE_64,
        FFA_MEM_RECLAIM,
        FFA_NOTIFICATION_GET,
        FFA_MSG_SEND_DIRECT_REQ_32 | FFA_SMCCC_SVE_HINT,
        0x84000000u,
        0xC4000097u,
    };
    uint8_t k = fz_u8(&W.in);

    if (k == 0xff)
        return fz_u32(&W.in);
    return fids[k % (sizeof(fids) / sizeof(fids[0]))];
}

/* ---- The secure world ---- */

static size_t probe_index(uint32_t fid)
{
    size_t n;
    const uint32_t *list = ffa_mediator_probe_list(&n);

    for (size_t i = 0; i < n; i++) {
        if (list[i] == fid)
            return i;
    }
    return n;
}

static const struct sp_model *sp_find(uint16_t id)
{
    for (uint32_t i = 0; i < W.sp_count; i++) {
        if (W.sps[i].id == id)
            return &W.sps[i];
    }
    return NULL;
}

static struct parked *parked_find(uint32_t target)
{
    for (unsigned i = 0; i < MAX_PARKED; i++) {
        if (W.parked[i].used && W.parked[i].target == target)
            return &W.parked[i];
    }
    return NULL;
}

static void emit(uint16_t owed, const struct ffa_regs *resp)
{
    if (W.n_emitted < MAX_EMITTED)
        W.emitted[W.n_emitted++] = (struct emitted){owed, W.caller, *resp};
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = bytes; i > 0; i--)
        v = v << 8 | p[i - 1];
    return v;
}

/* The response a consistent SP gives to a direct request: its payload, transformed. */
static void make_response(const struct ffa_regs *req, struct ffa_regs *r)
{
    uint32_t fid = (uint32_t)req->x[0];
    uint32_t w1 = (uint32_t)req->x[1];

    memset(r, 0, sizeof(*r));
    r->x[1] = (uint32_t)FFA_RECEIVER(w1) << 16 | FFA_SENDER(w1);
    if (fid == FFA_MSG_SEND_DIRECT_REQ2) {
        r->x[0] = FFA_MSG_SEND_DIRECT_RESP2;
        for (int i = 4; i < FFA_NUM_REGS; i++)
            r->x[i] = no_canary(req->x[i] + 1);
        return;
    }
    r->x[0] = fid == FFA_MSG_SEND_DIRECT_REQ_64 ? FFA_MSG_SEND_DIRECT_RESP_64
                                                : FFA_MSG_SEND_DIRECT_RESP_32;
    for (int i = 3; i < 8; i++)
        r->x[i] = no_canary(fid == FFA_MSG_SEND_DIRECT_REQ_64 ? req->x[i] + 1
                                                              : (uint32_t)(req->x[i] + 1));
}

static void error(struct ffa_regs *r, int32_t code)
{
    memset(r, 0, sizeof(*r));
    r->x[0] = FFA_ERROR;
    r->x[2] = (uint32_t)code;
}

static void success(struct ffa_regs *r, uint64_t w2, uint64_t w3)
{
    memset(r, 0, sizeof(*r));
    r->x[0] = FFA_SUCCESS_32;
    r->x[2] = w2;
    r->x[3] = w3;
}

/* The partition list into the mediator's RX buffer, as FFA_PARTITION_INFO_GET (v1.1+) writes it. */
static void write_list(struct ffa_regs *r, bool corrupt)
{
    uint32_t count = W.sp_count, size = 24;

    if (corrupt) {
        count = fz_u8(&W.in) % 8u == 0 ? fz_u32(&W.in) : fz_range(&W.in, 0, 12);
        size = fz_u8(&W.in) % 4u == 0 ? fz_u32(&W.in) : 24u + 8u * fz_range(&W.in, 0, 2);
        W.list_consistent = false;
    }
    if (W.own_rx != NULL) {
        memset(W.own_rx, 0, 4096);
        for (uint32_t i = 0; i < W.sp_count && (uint64_t)(i + 1) * size <= 4096u && size >= 24;
             i++) {
            uint8_t *e = W.own_rx + (size_t)i * size;

            put_le(e, W.sps[i].id, 2);
            put_le(e + 2, W.sps[i].exec_ctx, 2);
            put_le(e + 4, W.sps[i].props, 4);
            memcpy(e + 8, W.sps[i].uuid, 16);
        }
        if (corrupt && fz_u8(&W.in) & 1u) {
            uint32_t at = fz_range(&W.in, 0, 4095);

            W.own_rx[at] = fz_u8(&W.in);
        }
    }
    success(r, count, size);
}

/* What a consistent SPMC answers. */
static void plausible(const struct ffa_regs *in, struct ffa_regs *r)
{
    uint32_t fid = (uint32_t)in->x[0];
    uint32_t w1 = (uint32_t)in->x[1];
    size_t n;
    struct parked *p;
    const struct sp_model *sp;

    switch (fid) {
    case FFA_VERSION:
        memset(r, 0, sizeof(*r));
        r->x[0] = W.fw_version;
        return;
    case FFA_FEATURES:
        ffa_mediator_probe_list(&n);
        if (probe_index((uint32_t)in->x[1]) < n &&
            (W.features >> probe_index((uint32_t)in->x[1]) & 1u) != 0)
            success(r, 0, 0);
        else
            error(r, FFA_RET_NOT_SUPPORTED);
        return;
    case FFA_RXTX_MAP_64:
        if (in->x[1] != 0 && W.caller == 0) {
            W.own_tx = (uint8_t *)(uintptr_t)in->x[1];
            W.own_rx = (uint8_t *)(uintptr_t)in->x[2];
        }
        success(r, 0, 0);
        return;
    case FFA_PARTITION_INFO_GET:
        write_list(r, false);
        return;
    case FFA_SPM_ID_GET:
        success(r, FFA_ID_SPMC, 0);
        return;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_REQ2:
        sp = sp_find(FFA_RECEIVER(w1));
        if (sp == NULL || sp->exec_ctx == 0) {
            error(r, FFA_RET_INVALID_PARAMETERS);
            return;
        }
        if (parked_find((uint32_t)sp->id << 16) != NULL) {
            error(r, FFA_RET_BUSY); /* its context is not waiting */
            return;
        }
        make_response(in, r);
        emit(FFA_SENDER(w1), r);
        return;
    case FFA_RUN:
        p = parked_find(w1);
        if (p == NULL) {
            memset(r, 0, sizeof(*r));
            r->x[0] = FFA_MSG_WAIT; /* a waiting context given cycles goes back to waiting */
            return;
        }
        *r = p->resp;
        p->used = false;
        if (r->x[0] != FFA_MSG_WAIT)
            emit(p->owner, r);
        return;
    default:
        if (fid == FFA_RX_RELEASE || fid == FFA_RX_ACQUIRE || fid == FFA_RXTX_UNMAP ||
            fid == FFA_MSG_SEND2)
            success(r, 0, 0);
        else
            error(r, FFA_RET_NOT_SUPPORTED);
        return;
    }
}

/* Preempt the context a direct request or FFA_RUN targets; it owes what it would have answered. */
static bool preempt(const struct ffa_regs *in, struct ffa_regs *r)
{
    uint32_t fid = (uint32_t)in->x[0];
    uint32_t w1 = (uint32_t)in->x[1];
    uint32_t target;
    struct parked *slot = NULL;
    struct ffa_regs owed;
    uint16_t owner;
    const struct sp_model *sp;

    if (fid == FFA_RUN) {
        target = w1;
        if (parked_find(target) != NULL)
            goto answer; /* preempted again on the way: still owes the same */
        sp = sp_find(FFA_TARGET_ID(target));
        if (sp == NULL || FFA_TARGET_VCPU(target) >= sp->exec_ctx)
            return false;
        memset(&owed, 0, sizeof(owed));
        owed.x[0] = FFA_MSG_WAIT;
        owner = W.caller;
    } else {
        sp = sp_find(FFA_RECEIVER(w1));
        if (sp == NULL || sp->exec_ctx == 0)
            return false;
        target = (uint32_t)sp->id << 16;
        if (parked_find(target) != NULL)
            return false;
        make_response(in, &owed);
        owner = FFA_SENDER(w1);
    }
    for (unsigned i = 0; i < MAX_PARKED && slot == NULL; i++) {
        if (!W.parked[i].used)
            slot = &W.parked[i];
    }
    if (slot == NULL)
        return false;
    *slot = (struct parked){true, target, owner, owed};
answer:
    memset(r, 0, sizeof(*r));
    r->x[1] = target;
    if (fz_u8(&W.in) & 1u) {
        r->x[0] = FFA_YIELD;
        r->x[2] = fz_u8(&W.in);
    } else {
        r->x[0] = FFA_INTERRUPT;
    }
    return true;
}

/* Answers a correct SPMC never gives. */
static void garbage(const struct ffa_regs *in, struct ffa_regs *r, bool raw)
{
    static const uint32_t answers[] = {
        FFA_ERROR,
        FFA_SUCCESS_32,
        FFA_SUCCESS_64,
        FFA_INTERRUPT,
        FFA_YIELD,
        FFA_MSG_WAIT,
        FFA_MSG_SEND_DIRECT_RESP_32,
        FFA_MSG_SEND_DIRECT_RESP_64,
        FFA_MSG_SEND_DIRECT_RESP2,
        FFA_MEM_FRAG_RX,
        FFA_VERSION,
        FFA_RUN,
    };
    struct parked *p;

    for (int i = 0; i < FFA_NUM_REGS; i++) {
        uint8_t sel = raw ? 0xff : fz_u8(&W.in);

        if (sel < 64)
            r->x[i] = 0;
        else if (sel < 128)
            r->x[i] = in->x[i];
        else if (sel < 192)
            r->x[i] = fz_u32(&W.in);
        else
            r->x[i] = fz_u64(&W.in);
        r->x[i] = no_canary(r->x[i]);
    }
    if (!raw) {
        uint8_t k = fz_u8(&W.in);

        r->x[0] = answers[k % (sizeof(answers) / sizeof(answers[0]))];
        if (k & 0x80u) /* addressed like a real response, maybe to another VM */
            r->x[1] = (uint32_t)any_sp_id() << 16 | (1u + fz_u8(&W.in) % MAX_VMS);
    }
    /* A context named by garbage is no longer the model's to resume. */
    p = parked_find((uint32_t)r->x[1]);
    if (p != NULL && ((uint32_t)r->x[0] == FFA_INTERRUPT || (uint32_t)r->x[0] == FFA_YIELD))
        p->used = false;
}

static void inject_run(uint32_t target);

static void sw_call(void *ctx, uint32_t cpu, const struct ffa_regs *in_regs, struct ffa_regs *out)
{
    struct ffa_regs in = *in_regs, r;
    uint32_t fid = (uint32_t)in.x[0];
    uint8_t mode = fz_u8(&W.in);
    bool direct = fid == FFA_MSG_SEND_DIRECT_REQ_32 || fid == FFA_MSG_SEND_DIRECT_REQ_64 ||
                  fid == FFA_MSG_SEND_DIRECT_REQ2;

    (void)ctx;
    (void)cpu;
    if (W.watch)
        fz_watch_suspend(); /* the secure world's own accesses are not the mediator's */
    memset(&r, 0, sizeof(r));
    if (mode < 160) {
        plausible(&in, &r);
    } else if (mode < 184) {
        static const int32_t codes[] = {
            FFA_RET_NOT_SUPPORTED, FFA_RET_INVALID_PARAMETERS,
            FFA_RET_NO_MEMORY,     FFA_RET_BUSY,
            FFA_RET_INTERRUPTED,   FFA_RET_DENIED,
            FFA_RET_RETRY,         FFA_RET_ABORTED,
        };
        error(&r, codes[mode % 8]);
        if (fid == FFA_RX_RELEASE)
            W.sw_error_on_release = true;
    } else if (mode < 208) {
        if (!(direct || fid == FFA_RUN) || !preempt(&in, &r))
            plausible(&in, &r);
    } else if (mode < 224) {
        /* Preempt, and let another VM's FFA_RUN of the context in before answering. */
        if ((direct || fid == FFA_RUN) && preempt(&in, &r)) {
            if (W.depth == 0 && fz_locks_held() == 0)
                inject_run((uint32_t)r.x[1]);
        } else {
            plausible(&in, &r);
        }
    } else if (fid == FFA_PARTITION_INFO_GET) {
        write_list(&r, true);
    } else {
        garbage(&in, &r, mode >= 248);
    }
    if (W.trace)
        fprintf(stderr, "%*s  [sw] %s 0x%llx 0x%llx -> 0x%llx 0x%llx 0x%llx (mode %u)\n",
                2 * W.depth, "", ffa_func_name(fid) ? ffa_func_name(fid) : "?",
                (unsigned long long)in.x[1], (unsigned long long)in.x[2],
                (unsigned long long)r.x[0], (unsigned long long)r.x[1], (unsigned long long)r.x[2],
                mode);
    W.answered[W.depth] = true;
    W.last_answer[W.depth] = r;
    if (fid == FFA_SPM_ID_GET && !W.spm_id_answered &&
        ((uint32_t)r.x[0] == FFA_SUCCESS_32 || (uint32_t)r.x[0] == FFA_SUCCESS_64)) {
        W.spm_id_answered = true;
        W.spm_id = r.x[2] & 0xffffu;
    }
    *out = r;
    if (W.watch)
        fz_watch_resume();
}

static const struct ffa_backend_ops sw_ops = {
    .name = "fuzzed",
    .caps = FFA_BACKEND_CAP_CONCURRENT | FFA_BACKEND_CAP_EMULATED,
    .call = sw_call,
};

static const struct ffa_backend_ops sw_ops_serial = {
    .name = "fuzzed-serial",
    .caps = FFA_BACKEND_CAP_EMULATED,
    .call = sw_call,
};

/* ---- Invariants ---- */

static void check_registers(const struct vm_slot *s, const struct ffa_regs *out)
{
    for (int i = 0; i < FFA_NUM_REGS; i++) {
        uint32_t lo = (uint32_t)out->x[i], hi = (uint32_t)(out->x[i] >> 32);

        if ((IS_CANARY_WORD(lo) && lo != CANARY(s->id)) ||
            (IS_CANARY_WORD(hi) && hi != CANARY(s->id)))
            fz_fail("VM 0x%x got another VM's canary in x%d: 0x%llx", s->id, i,
                    (unsigned long long)out->x[i]);
    }
}

/* The bytes a VM-to-VM FFA_MSG_SEND2 must leave in the receiver's RX buffer. */
static bool expected_message(const struct vm_slot *src, const uint8_t *src_tx,
                             const struct vm_slot *dst, uint8_t *rx, uint32_t rx_size)
{
    uint32_t src_hdr = ffa_vm_version(src->vm) >= FFA_VERSION_1_2 ? 40 : 20;
    uint32_t dst_hdr = ffa_vm_version(dst->vm) >= FFA_VERSION_1_2 ? 40 : 20;
    uint32_t off = (uint32_t)get_le(src_tx + 8, 4), size = (uint32_t)get_le(src_tx + 16, 4);

    if (off < src_hdr || (uint64_t)off + size > src->pages * 4096u ||
        (uint64_t)dst_hdr + size > rx_size)
        return false;
    memset(rx, 0, dst_hdr);
    put_le(rx + 8, dst_hdr, 4);
    memcpy(rx + 12, src_tx + 12, 4);
    put_le(rx + 16, size, 4);
    if (dst_hdr == 40 && src_hdr == 40)
        memcpy(rx + 24, src_tx + 24, 16);
    memcpy(rx + dst_hdr, src_tx + off, size);
    return true;
}

/*
 * The VM owns its RX buffer now. Having read what was delivered, it scribbles over the buffer (it
 * may: it is its own until FFA_RX_RELEASE), so that any later write by the mediator shows, even
 * one that writes the same bytes again.
 */
static void take_rx(struct vm_slot *s)
{
    uint8_t *rx = fz_guest_ptr(&host, s->id, s->rx_ipa);

    s->rx_owned = true;
    s->release_failed = false;
    for (size_t i = 0; rx != NULL && i + 4 <= (size_t)s->pages * 4096u; i += 4)
        put_le(rx + i, CANARY(s->id) ^ 0x00ff0000u, 4);
    memcpy(s->snap, host.ram[s->id - 1], FZ_RAM_SIZE);
}

/*
 * RAM of every VM after a call by `caller` with `c`: only the RX buffer the call may fill has
 * changed, and it holds what it must. `tx_before` is the caller's TX buffer before the call.
 */
static void check_memory(struct vm_slot *caller, const struct fz_call *c, const uint8_t *tx_before)
{
    uint32_t fid = (uint32_t)c->in.x[0] & ~FFA_SMCCC_SVE_HINT;
    bool ok = (uint32_t)c->out.x[0] == FFA_SUCCESS_32;
    uint16_t send2_dst = 0;
    static uint8_t expect[FZ_RAM_SIZE];

    if (fid == FFA_MSG_SEND2 && ok && tx_before != NULL)
        send2_dst = (uint16_t)get_le(tx_before + 12, 2);
    for (unsigned i = 0; i < MAX_VMS; i++) {
        struct vm_slot *s = &W.vms[i];
        uint8_t *ram = host.ram[i];
        size_t rx_off = s->mapped ? (size_t)(s->rx_ipa - FZ_RAM_IPA) : 0;
        size_t rx_len = s->mapped ? (size_t)s->pages * 4096u : 0;
        bool may_fill;

        if (s->vm == NULL || memcmp(ram, s->snap, FZ_RAM_SIZE) == 0)
            continue;
        /* Outside the RX buffer nothing may change. */
        for (size_t b = 0; b < FZ_RAM_SIZE; b++) {
            if (ram[b] != s->snap[b] && (b < rx_off || b >= rx_off + rx_len))
                fz_fail("VM 0x%x: the mediator wrote its RAM at IPA 0x%llx outside RX (call "
                        "0x%x by VM 0x%x)",
                        s->id, (unsigned long long)(FZ_RAM_IPA + b), fid, caller->id);
        }
        may_fill =
            (s == caller && fid == FFA_PARTITION_INFO_GET && ok && (uint32_t)c->in.x[5] == 0) ||
            (s->id == send2_dst && s != caller);
        if (s->rx_owned) {
            if (s->release_failed)
                fz_defect(FZ_DEFECT_RX_RELEASE_FAILURE,
                          "VM 0x%x's RX_RELEASE failed, yet call 0x%x by VM 0x%x overwrote the "
                          "RX buffer the VM still owns",
                          s->id, fid, caller->id);
            else
                fz_fail("VM 0x%x owns its RX buffer, yet call 0x%x by VM 0x%x wrote it", s->id, fid,
                        caller->id);
        } else if (!may_fill) {
            fz_fail("VM 0x%x's RX buffer changed during call 0x%x by VM 0x%x (%s)", s->id, fid,
                    caller->id, ok ? "which may not fill it" : "which failed");
        }
        if (s->id == send2_dst && s != caller) {
            memcpy(expect, s->snap, FZ_RAM_SIZE);
            if (!expected_message(caller, tx_before, s, expect + rx_off, (uint32_t)rx_len) ||
                memcmp(expect, ram, FZ_RAM_SIZE) != 0)
                fz_fail("VM 0x%x -> VM 0x%x: the message in the receiver's RX buffer is not the "
                        "sender's header and payload",
                        caller->id, s->id);
        }
        memcpy(s->snap, ram, FZ_RAM_SIZE);
    }
    /* Who owns an RX buffer now: the VM a successful fill gave it to. */
    if (fid == FFA_PARTITION_INFO_GET && ok && (uint32_t)c->in.x[5] == 0)
        take_rx(caller);
    if (send2_dst != 0 && slot_of(send2_dst) != NULL && slot_of(send2_dst) != caller)
        take_rx(slot_of(send2_dst));
}

/* Update the model of `s`'s buffers after its call `c`. */
static void track_buffers(struct vm_slot *s, const struct fz_call *c)
{
    uint32_t fid = (uint32_t)c->in.x[0] & ~FFA_SMCCC_SVE_HINT;
    bool ok = (uint32_t)c->out.x[0] == FFA_SUCCESS_32;

    if ((fid == FFA_RXTX_MAP_32 || fid == FFA_RXTX_MAP_64) && ok) {
        uint64_t mask = fid == FFA_RXTX_MAP_32 ? 0xffffffffu : ~UINT64_C(0);

        s->mapped = true;
        s->tx_ipa = c->in.x[1] & mask;
        s->rx_ipa = c->in.x[2] & mask;
        s->pages = (uint32_t)c->in.x[3];
        s->rx_owned = false;
    } else if (fid == FFA_RXTX_UNMAP && ok) {
        s->mapped = false;
        s->rx_owned = false;
    } else if (fid == FFA_RX_RELEASE) {
        if (ok)
            s->rx_owned = false;
        else if (s->rx_owned && W.sw_error_on_release)
            s->release_failed = true;
    }
}

/* Responses the model produced during `s`'s call reached the VM owed them. */
static void check_responses(struct vm_slot *s, const struct fz_call *c, unsigned first)
{
    for (unsigned i = first; i < W.n_emitted; i++) {
        const struct emitted *e = &W.emitted[i];

        if (e->into != s->id || e->owed == 0)
            continue;
        if (e->owed == s->id) {
            if (!fz_regs_same_answer(&c->out, &e->resp))
                fz_fail("VM 0x%x did not get the response 0x%llx w1 0x%llx the secure world "
                        "gave for it (got 0x%llx)",
                        s->id, (unsigned long long)e->resp.x[0], (unsigned long long)e->resp.x[1],
                        (unsigned long long)c->out.x[0]);
            continue;
        }
        if (fz_regs_same_answer(&c->out, &e->resp))
            fz_fail("VM 0x%x received the response owed to VM 0x%x", s->id, e->owed);
        if (!W.list_consistent)
            continue; /* the mediator was given a wrong partition list: its table may be short */
        if (W.depth > 0)
            fz_defect(FZ_DEFECT_RESUME_RACE,
                      "VM 0x%x's FFA_RUN of 0x%llx, made while VM 0x%x's request to that context "
                      "was being preempted, reached the secure world and consumed VM 0x%x's "
                      "response (VM 0x%x got 0x%llx; VM 0x%x will never get its response)",
                      s->id, (unsigned long long)c->in.x[1], e->owed, e->owed, s->id,
                      (unsigned long long)c->out.x[0], e->owed);
        else
            fz_fail("VM 0x%x's call 0x%llx resumed a context parked for VM 0x%x: its response "
                    "is lost",
                    s->id, (unsigned long long)c->in.x[0], e->owed);
    }
}

/* One guest call, checked. */
static void guest_call(struct vm_slot *s, uint16_t vcpu, uint32_t cpu, struct ffa_regs *regs)
{
    static uint8_t tx_before[FZ_RAM_SIZE];
    const uint8_t *tx = NULL;
    struct fz_call c = {.vm_id = s->id, .aarch32 = s->aarch32, .valid_vcpu = vcpu < s->vcpus};
    long allocs = host.total_allocs, blks = host.total_page_blks;
    unsigned first_emitted = W.n_emitted;
    uint16_t saved_caller = W.caller;
    enum ffa_call_status st;

    if (s->mapped && s->pages <= FZ_RAM_PAGES) {
        memcpy(tx_before, fz_guest_ptr(&host, s->id, s->tx_ipa), (size_t)s->pages * 4096u);
        tx = tx_before;
    }
    c.in = *regs;
    W.caller = s->id;
    W.answered[W.depth] = false;
    W.sw_error_on_release = false;
    if (W.watch)
        fz_watch_begin();
    st = ffa_mediator_handle(W.m, s->vm, vcpu, cpu, regs);
    if (W.watch && fz_watch_end() != 0) {
        struct fz_watch_hit h;

        fz_watch_first_hit(&h);
        fz_fail("call 0x%llx by VM 0x%x read guest memory twice: VM 0x%x RAM offset 0x%zx, "
                "%s at pc 0x%lx, read again at pc 0x%lx",
                (unsigned long long)c.in.x[0], s->id, h.slot + 1, h.offset,
                h.first_was_write ? "written" : "read", (unsigned long)h.first_pc,
                (unsigned long)h.second_pc);
    }
    W.caller = saved_caller;
    c.out = *regs;
    c.version = ffa_vm_version(s->vm);

    if (W.trace)
        fprintf(
            stderr,
            "%*sVM 0x%x vcpu %u: %s 0x%llx 0x%llx 0x%llx 0x%llx -> 0x%llx 0x%llx 0x%llx 0x%llx\n",
            2 * W.depth, "", s->id, vcpu,
            ffa_func_name((uint32_t)c.in.x[0]) ? ffa_func_name((uint32_t)c.in.x[0]) : "?",
            (unsigned long long)c.in.x[1], (unsigned long long)c.in.x[2],
            (unsigned long long)c.in.x[3], (unsigned long long)c.in.x[4],
            (unsigned long long)c.out.x[0], (unsigned long long)c.out.x[1],
            (unsigned long long)c.out.x[2], (unsigned long long)c.out.x[3]);
    if (host.total_allocs != allocs || host.total_page_blks != blks)
        fz_fail("call 0x%llx by VM 0x%x allocated memory", (unsigned long long)c.in.x[0], s->id);
    if (st == FFA_CALL_DECLINED) {
        if (ffa_is_ffa_call(c.in.x[0]) || memcmp(&c.in, &c.out, sizeof(c.in)) != 0)
            fz_fail("call 0x%llx declined wrongly", (unsigned long long)c.in.x[0]);
        return;
    }
    {
        const char *why = fz_reply_problem(&c);

        if (why != NULL) {
            bool from_sw =
                (W.answered[W.depth] && fz_regs_same_answer(&c.out, &W.last_answer[W.depth])) ||
                (((uint32_t)c.in.x[0] & ~FFA_SMCCC_SVE_HINT) == FFA_SPM_ID_GET &&
                 W.spm_id_answered && c.out.x[2] == W.spm_id) ||
                /* an error code relayed from a secure-world call made on the way */
                (W.answered[W.depth] && (uint32_t)c.out.x[0] == FFA_ERROR &&
                 (uint32_t)W.last_answer[W.depth].x[0] == FFA_ERROR &&
                 (uint32_t)W.last_answer[W.depth].x[2] == (uint32_t)c.out.x[2]);

            if (from_sw)
                fz_defect(FZ_DEFECT_BAD_ANSWER,
                          "VM 0x%x (%s, v0x%x), call %s: %s; the secure world's answer "
                          "0x%llx w1 0x%llx w2 0x%llx w3 0x%llx reached the guest as is",
                          s->id, s->aarch32 ? "AArch32" : "AArch64", c.version,
                          ffa_func_name((uint32_t)c.in.x[0]) ? ffa_func_name((uint32_t)c.in.x[0])
                                                             : "?",
                          why, (unsigned long long)c.out.x[0], (unsigned long long)c.out.x[1],
                          (unsigned long long)c.out.x[2], (unsigned long long)c.out.x[3]);
            else
                fz_fail("VM 0x%x, call 0x%llx w1 0x%llx: %s (reply 0x%llx 0x%llx 0x%llx 0x%llx)",
                        s->id, (unsigned long long)c.in.x[0], (unsigned long long)c.in.x[1], why,
                        (unsigned long long)c.out.x[0], (unsigned long long)c.out.x[1],
                        (unsigned long long)c.out.x[2], (unsigned long long)c.out.x[3]);
        }
    }
    check_registers(s, &c.out);
    check_responses(s, &c, first_emitted);
    W.n_emitted = first_emitted;
    track_buffers(s, &c);
    check_memory(s, &c, tx);
}

/* Another VM's FFA_RUN of `target`, as if made on another processor right now. */
static void inject_run(uint32_t target)
{
    uint8_t k = fz_u8(&W.in);

    for (unsigned i = 0; i < MAX_VMS; i++) {
        struct vm_slot *s = &W.vms[(k + i) % MAX_VMS];
        struct ffa_regs r = {{FFA_RUN, target}};

        if (s->vm == NULL || s->id == W.caller || ffa_vm_version(s->vm) == 0)
            continue;
        for (int j = 8; j < FFA_NUM_REGS; j++)
            r.x[j] = CANARY(s->id);
        W.depth = 1;
        guest_call(s, 0, 1, &r);
        W.depth = 0;
        return;
    }
}

/* ---- Actions ---- */

static void fill_canaries(uint16_t id)
{
    uint8_t *ram = host.ram[id - 1];

    for (size_t i = 0; i < FZ_RAM_SIZE; i += 4)
        put_le(ram + i, CANARY(id), 4);
    memcpy(W.vms[id - 1].snap, ram, FZ_RAM_SIZE);
}

static void negotiate(struct vm_slot *s)
{
    struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_MAKE(1, 2u - fz_range(&W.in, 0, 2))}};

    for (int j = 8; j < FFA_NUM_REGS; j++)
        r.x[j] = CANARY(s->id);
    guest_call(s, 0, 0, &r);
    r = (struct ffa_regs){{FFA_ID_GET}};
    for (int j = 8; j < FFA_NUM_REGS; j++)
        r.x[j] = CANARY(s->id);
    guest_call(s, 0, 0, &r);
}

static void map_buffers(struct vm_slot *s)
{
    struct ffa_regs r = {{FFA_RXTX_MAP_64, FZ_RAM_IPA, FZ_RAM_IPA + 0x4000, 1}};

    for (int j = 8; j < FFA_NUM_REGS; j++)
        r.x[j] = CANARY(s->id);
    guest_call(s, 0, 0, &r);
}

static void act_add(bool ready)
{
    uint16_t id = (uint16_t)(1u + fz_u8(&W.in) % MAX_VMS);
    uint8_t opt = fz_u8(&W.in);
    struct vm_slot *s = &W.vms[id - 1];
    long allocs = host.live_allocs;
    int ret;

    if (s->vm != NULL)
        return;
    ret =
        ffa_vm_add(W.m, id, (uint16_t)(1u + opt % 3u), (opt & 0x10u) ? FFA_VM_AARCH32 : 0, &s->vm);
    if (ret == FFA_RET_BUSY && s->dying) {
        /* Its previous incarnation is still being torn down: give that a round. */
        if (ffa_mediator_poll(W.m) < 0)
            fz_fail("ffa_mediator_poll failed");
        s->vm = NULL;
        return;
    }
    /* FFA_LIFECYCLE_PENDING: added, a VM-created message deferred (the VM is usable). */
    if (ret < 0) {
        if (ret != FFA_RET_NO_MEMORY || host.live_allocs != allocs)
            fz_fail("ffa_vm_add(%u) failed with %d (allocations %ld -> %ld)", id, ret, allocs,
                    host.live_allocs);
        s->vm = NULL;
        return;
    }
    s->dying = false;
    s->id = id;
    s->vcpus = (uint16_t)(1u + opt % 3u);
    s->aarch32 = (opt & 0x10u) != 0;
    s->mapped = s->rx_owned = s->release_failed = false;
    fill_canaries(id);
    if (ready || (opt & 0x20u))
        negotiate(s);
    if (ready && (opt & 0x40u) == 0)
        map_buffers(s);
}

static void act_remove(void)
{
    struct vm_slot *s = &W.vms[fz_u8(&W.in) % MAX_VMS];
    int ret;

    if (s->vm == NULL)
        return;
    /* FFA_LIFECYCLE_PENDING: the secure world deferred part of the teardown. */
    ret = ffa_vm_remove(W.m, s->vm);
    if (ret != 0 && ret != FFA_LIFECYCLE_PENDING)
        fz_fail("ffa_vm_remove(0x%x) failed: %d", s->id, ret);
    s->vm = NULL;
    s->dying = ret == FFA_LIFECYCLE_PENDING;
    /* A response a context still owes the removed VM is owed to nobody now. */
    for (unsigned i = 0; i < MAX_PARKED; i++) {
        if (W.parked[i].used && W.parked[i].owner == s->id)
            W.parked[i].owner = 0;
    }
    /* A removed VM's memory is the host's again. */
    memcpy(s->snap, host.ram[s->id - 1], FZ_RAM_SIZE);
}

/* The k-th VM present (wrapping), or NULL if there is none. */
static struct vm_slot *pick_vm(uint8_t k)
{
    for (unsigned i = 0; i < MAX_VMS; i++) {
        struct vm_slot *s = &W.vms[(k + i) % MAX_VMS];

        if (s->vm != NULL)
            return s;
    }
    return NULL;
}

static void uuid_words(struct ffa_regs *r, int first, bool regs64)
{
    uint8_t k = fz_u8(&W.in);
    uint8_t uuid[16] = {0};

    if (k % 4 != 0 && W.sp_count > 0)
        memcpy(uuid, W.sps[k % W.sp_count].uuid, 16);
    else if (k % 8 == 4)
        memset(uuid, 0x77, 16); /* a UUID nobody has */
    if (regs64) {
        r->x[first] = get_le(uuid, 8);
        r->x[first + 1] = get_le(uuid + 8, 8);
    } else {
        for (int i = 0; i < 4; i++)
            r->x[first + i] = get_le(uuid + 4 * i, 4);
    }
}

/* Registers of a well-formed call of `fid` by VM `s` (the harness corrupts some afterwards). */
static void abi_args(struct vm_slot *s, uint32_t fid, struct ffa_regs *r)
{
    switch (fid & ~FFA_SMCCC_SVE_HINT) {
    case FFA_VERSION:
        r->x[1] = FFA_VERSION_MAKE(1, fz_range(&W.in, 0, 3));
        break;
    case FFA_FEATURES:
        r->x[1] = fz_u8(&W.in) & 1u ? guest_fid() : fz_range(&W.in, 0, 4);
        break;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
        r->x[1] = (uint32_t)s->id << 16 | any_sp_id();
        for (int i = 3; i < 8; i++)
            r->x[i] =
                fz_u8(&W.in) & 1u ? (uint64_t)CANARY(s->id) << 32 | CANARY(s->id) : fz_u64(&W.in);
        break;
    case FFA_MSG_SEND_DIRECT_REQ2:
        r->x[1] = (uint32_t)s->id << 16 | any_sp_id();
        uuid_words(r, 2, true);
        for (int i = 4; i < FFA_NUM_REGS; i++)
            r->x[i] = no_canary(fz_u64(&W.in));
        break;
    case FFA_RUN:
        r->x[1] = (uint32_t)any_sp_id() << 16 | fz_range(&W.in, 0, 2);
        break;
    case FFA_RXTX_MAP_32:
    case FFA_RXTX_MAP_64: {
        uint32_t pages = fz_range(&W.in, 1, 4);

        r->x[1] = FZ_RAM_IPA + (uint64_t)fz_range(&W.in, 0, 3) * 4096u;
        r->x[2] = FZ_RAM_IPA + (uint64_t)fz_range(&W.in, 3, 7) * 4096u;
        r->x[3] = pages;
        break;
    }
    case FFA_RXTX_UNMAP:
        r->x[1] = fz_u8(&W.in) & 1u ? (uint32_t)s->id << 16 : 0;
        break;
    case FFA_RX_RELEASE:
        r->x[1] = fz_u8(&W.in) & 1u ? s->id : 0;
        break;
    case FFA_PARTITION_INFO_GET:
        uuid_words(r, 1, false);
        r->x[5] = fz_u8(&W.in) % 4u == 0;
        break;
    case FFA_PARTITION_INFO_GET_REGS:
        uuid_words(r, 1, true);
        r->x[3] = fz_range(&W.in, 0, 8) | (uint64_t)fz_range(&W.in, 0, 3) << 16;
        break;
    default:
        break;
    }
}

static void act_call(void)
{
    struct vm_slot *s = pick_vm(fz_u8(&W.in));
    uint8_t how = fz_u8(&W.in);
    uint8_t shape = fz_u8(&W.in);
    struct ffa_regs r;

    if (s == NULL)
        return;
    memset(&r, 0, sizeof(r));
    r.x[0] = guest_fid();
    for (int i = 8; i < FFA_NUM_REGS; i++)
        r.x[i] = CANARY(s->id);
    if (shape < 160) {
        abi_args(s, (uint32_t)r.x[0], &r);
        if (shape >= 128) /* then one register made hostile */
            r.x[1 + fz_range(&W.in, 0, 16)] = guest_value(s->id);
    } else {
        for (int i = 1; i < 8; i++)
            r.x[i] = guest_value(s->id);
        if (shape >= 224)
            for (int i = 8; i < FFA_NUM_REGS; i++)
                r.x[i] = guest_value(s->id);
    }
    if (how & 0x80u)
        r.x[0] |= (uint64_t)fz_u32(&W.in) << 32; /* the upper half of x0 is ignored */
    guest_call(s, (how & 0x30u) == 0x30u ? s->vcpus : (uint16_t)((how >> 4) % s->vcpus), how & 3u,
               &r);
}

/* The guest writes an FFA_MSG_SEND2 header (and payload) into its TX buffer. */
static void act_write_header(void)
{
    struct vm_slot *s = pick_vm(fz_u8(&W.in));
    uint8_t how = fz_u8(&W.in);
    uint32_t tx_size, hdr, offset, size;
    uint16_t dst;
    uint8_t *tx;

    if (s == NULL || !s->mapped)
        return;
    tx = fz_guest_ptr(&host, s->id, s->tx_ipa);
    tx_size = s->pages * 4096u;
    hdr = ffa_vm_version(s->vm) >= FFA_VERSION_1_2 ? 40 : 20;
    switch (how % 6) {
    case 0:
        offset = hdr;
        break;
    case 1:
        offset = 40;
        break;
    case 2:
        offset = 36;
        break;
    case 3:
        offset = hdr + fz_range(&W.in, 0, 64);
        break;
    case 4:
        offset = tx_size - fz_range(&W.in, 0, 8);
        break;
    default:
        offset = fz_u32(&W.in);
        break;
    }
    switch ((how >> 3) % 4) {
    case 0:
        size = fz_range(&W.in, 1, 64);
        break;
    case 1:
        size = offset < tx_size ? tx_size - offset : 1;
        break;
    case 2:
        size = fz_u8(&W.in) & 1u ? 0 : (offset < tx_size ? tx_size - offset + 1 : 0);
        break;
    default:
        size = fz_u32(&W.in);
        break;
    }
    dst = (how & 0x20u) ? any_sp_id() : (uint16_t)(1u + fz_u8(&W.in) % MAX_VMS);
    memset(tx, 0, hdr);
    put_le(tx + 8, offset, 4);
    put_le(tx + 12, (uint32_t)((how & 0x40u) ? fz_u16(&W.in) : s->id) << 16 | dst, 4);
    put_le(tx + 16, size, 4);
    for (unsigned i = 24; i < 40; i++)
        tx[i] = (uint8_t)(0x60u + i);
    if (offset < tx_size) {
        uint32_t n = size < tx_size - offset ? size : tx_size - offset;

        for (uint32_t i = 0; i < n && i < 256; i++)
            tx[offset + i] = (uint8_t)(i * 7u + s->id);
    }
    memcpy(s->snap, host.ram[s->id - 1], FZ_RAM_SIZE);
}

/* The guest writes raw bytes anywhere in its RAM (TX, RX, elsewhere). */
static void act_write_raw(void)
{
    struct vm_slot *s = &W.vms[fz_u8(&W.in) % MAX_VMS];
    uint32_t at = fz_range(&W.in, 0, FZ_RAM_SIZE - 1);
    uint32_t len = fz_range(&W.in, 1, 64);
    uint8_t *ram;

    if (s->vm == NULL)
        return;
    ram = host.ram[s->id - 1];
    if (at + len > FZ_RAM_SIZE)
        len = FZ_RAM_SIZE - at;
    fz_bytes(&W.in, ram + at, len);
    for (uint32_t i = 0; i + 1 < len; i++) {
        if (ram[at + i] == 0xc3 && ram[at + i + 1] == 0x5a) /* never forge a canary */
            ram[at + i] = 0xc2;
    }
    memcpy(s->snap, ram, FZ_RAM_SIZE);
}

/* ---- One session ---- */

static void configure_world(void)
{
    uint8_t v = fz_u8(&W.in);

    W.fw_version = v < 240 ? FFA_VERSION_MAKE(1, 1u + v % 2u) : fz_u32(&W.in);
    W.features = fz_u8(&W.in) < 200 ? 0xffffu : fz_u16(&W.in);
    W.sp_count = fz_range(&W.in, 0, MAX_SPS);
    W.list_consistent = true;
    for (uint32_t i = 0; i < W.sp_count; i++) {
        uint8_t k = fz_u8(&W.in);

        W.sps[i].id = (uint16_t)(0x8001u + (k & 7u));
        if (k & 0x80u)
            W.sps[i].id = fz_u16(&W.in);
        W.sps[i].exec_ctx = (uint16_t)fz_range(&W.in, 0, 3);
        W.sps[i].props = (k & 0x40u) ? fz_u32(&W.in) : 0x703u;
        memset(W.sps[i].uuid, (k & 0x20u) ? 0x11 : (int)(0x20u + i), 16);
        if (i > 0 && (k & 0x8u) != 0) /* the same partition with another UUID */
            W.sps[i].id = W.sps[i - 1].id;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ffa_mediator_config cfg = {0};
    struct ffa_backend be;
    uint8_t opt;
    int ret;

    memset(&W, 0, sizeof(W));
    W.in = (struct fz_in){data, size};
    fz_defect_input("fuzz_mediator", data, size);
    if (!host_ready) {
        fz_host_init(&host);
        host_ready = true;
    }
    W.trace = getenv("FFA_FUZZ_TRACE") != NULL;
    opt = fz_u8(&W.in);
    W.vm_to_vm = (opt & 1u) != 0;
    /* One session in four watches guest memory for double fetches (fz_watch.h). */
    W.watch = (opt & 0xc0u) == 0xc0u && fz_watch_available();
    cfg.flags = W.vm_to_vm ? FFA_CFG_VM_TO_VM : 0;
    cfg.max_vms = fz_range(&W.in, 1, MAX_VMS);
    cfg.rxtx_max_pages = fz_range(&W.in, 1, 4);
    configure_world();
    be.ops = (opt & 2u) ? &sw_ops_serial : &sw_ops;
    be.ctx = &W;
    host.cpu = (opt >> 2) & 3u;

    ret = ffa_mediator_create(&cfg, &fz_host_ops, &host, (opt & 0x30u) == 0x30u ? NULL : &be, &W.m);
    if (ret != 0) {
        if (host.live_allocs != 0 || host.live_locks != 0 || host.live_page_blks != 0)
            fz_fail("ffa_mediator_create failed (%d) and leaked", ret);
        if (!fz_host_reset(&host))
            fz_fail("host resources left after a failed create");
        return 0;
    }
    if (W.watch) {
        for (unsigned i = 0; i < FZ_MAX_GUESTS; i++)
            fz_watch_region(i, host.ram[i], FZ_RAM_SIZE);
    }
    /* Most sessions start with VMs that negotiated a version and mapped their buffers. */
    for (unsigned n = fz_range(&W.in, 0, 3); n > 0; n--)
        act_add(true);
    for (unsigned n = 0; n < MAX_ACTIONS && !fz_empty(&W.in); n++) {
        switch (fz_u8(&W.in) % 10) {
        case 0:
            act_add(false);
            break;
        case 1:
            act_remove();
            break;
        case 2:
            act_write_header();
            break;
        case 3:
            act_write_raw();
            break;
        default:
            act_call();
            break;
        }
    }
    if (W.watch)
        fz_watch_clear();
    ffa_mediator_destroy(W.m);
    if (!fz_host_reset(&host))
        fz_fail("the mediator left allocations, locks, mappings or pages behind");
    return 0;
}
