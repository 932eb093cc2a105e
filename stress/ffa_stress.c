/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ffa_stress: many threads acting as vCPUs of several VMs hammer every ABI through one mediator,
 * while another thread removes VMs and adds them back, into a secure world that is either a
 * thread-safe consistent model (--backend model, stress/st_world.h) or the emulated SPMC with the
 * example partitions (--backend unicorn). Built for ThreadSanitizer in CI (docs/fuzzing.md).
 *
 * Checked all the time:
 *  - every reply is well formed (fuzz/common/fz_reply.h) and carries no other VM's canary;
 *  - a direct request's response reaches the VM that sent it, with its payload (a token naming
 *    the VM, the vCPU and a sequence number), directly or after FFA_INTERRUPT / FFA_YIELD and
 *    FFA_RUN; a response for another VM is never received;
 *  - partition discovery lists the secure partitions exactly, and VMs in ID order;
 *  - a VM-to-VM message arrives intact (header names the sender, payload carries its token) and
 *    only at its receiver;
 *  - no call allocates memory.
 * Checked at the end: counters agree (every response the model produced was received, lost to a
 * known defect, or owed to a VM that was removed; every message sent was received or dropped
 * with its removed receiver), and nothing is left allocated, mapped or locked.
 * A watchdog fails the run when a thread makes no progress for --watchdog seconds, printing
 * where every thread is (its VM, vCPU, operation and call) and their backtraces.
 */
#include <errno.h>
#include <execinfo.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ffa/abi.h"
#include "ffa/mediator.h"
#include "ffa/names.h"
#include "fz_defects.h"
#include "fz_host.h"
#include "fz_reply.h"
#include "st_world.h"

/* Responses a VM's vCPUs took from each other (the last STOLEN_LOG of them). */
#define STOLEN_LOG 64
#ifdef FFA_STRESS_UNICORN
#include "ffa/backend_unicorn.h"
#include "sp_protocol.h"
#endif

#define MAX_THREADS 32u
#define STRESS_PES  4u /* physical processors the threads call on (self % STRESS_PES) */
#define MAX_VMS     8u
#define CANARY(id)  (0x5a170000u | ((uint32_t)(id) << 8) | 0xc3u)
#define TX_IPA      FZ_RAM_IPA
#define RX_IPA      (FZ_RAM_IPA + 0x4000u)

struct opts {
    bool unicorn;
    unsigned seconds, threads, vms, watchdog;
    bool churn;
    const char *sp_dir;
};

struct vm_rec {
    pthread_rwlock_t life;   /* read: a vCPU is in a call; write: the VM is removed / added */
    pthread_mutex_t rx_lock; /* the guest's own serialisation of its RX buffer */
    pthread_mutex_t tx_lock; /* ... and of its TX buffer */
    struct ffa_vm *vm;       /* NULL while absent */
    uint16_t id;
    uint16_t vcpus;
    uint32_t version;
    bool aarch32;
    int msg_pending;     /* a message landed in its RX (host notify / rx_full) */
    int sends_in_flight; /* FFA_MSG_SEND2 calls towards it in progress */
    /* Responses one of its vCPUs took with FFA_RUN from a sibling's preempted request. */
    pthread_mutex_t stolen_lock;
    uint64_t stolen[STOLEN_LOG];
    unsigned n_stolen, stolen_head;
};

enum op {
    OP_IDLE,
    OP_DIRECT,
    OP_RUN_OTHER,
    OP_PARTINFO,
    OP_PARTINFO_REGS,
    OP_SEND2,
    OP_RECV,
    OP_MISC,
    OP_REMAP,
    OP_CHURN,
    OP_FAULT,
};

static const char *const op_names[] = {
    "idle",
    "direct request",
    "FFA_RUN of another's context",
    "PARTITION_INFO_GET",
    "PARTITION_INFO_GET_REGS",
    "MSG_SEND2",
    "receive message",
    "misc",
    "RXTX unmap/map",
    "remove/add VM",
    "faulty partition",
};

/* Where each thread is, for the watchdog. */
struct where {
    pthread_t thread;
    int op;
    uint16_t vm, vcpu;
    uint32_t fid;
    uint64_t progress;
    uint64_t since_ns;
};

static struct {
    struct opts o;
    struct fz_host host;
    struct ffa_host_ops host_ops;
    struct ffa_mediator *m;
    struct st_world world;
#ifdef FFA_STRESS_UNICORN
    struct ffa_unicorn *spmc;
#endif
    struct vm_rec vms[MAX_VMS];
    struct where where[MAX_THREADS + 1];
    int stop;
    /* counters */
    uint64_t calls, direct_ok, busy, preempted, lost_known, hostile_runs, denied, partinfo_ok,
        sent_ok, received, dropped, churns, faults, abort_answers;
    uint16_t sp_ids[8]; /* in the SPMC's (boot) order */
    unsigned sp_count;
    uint16_t direct_ids[8]; /* the partitions direct requests go to */
    unsigned direct_sps;
    uint64_t sibling_confusions;
} S;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void count(uint64_t *c)
{
    __atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static __thread uint64_t rng;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
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

/* ---- One call, checked ---- */

static void set_where(int self, int op, uint16_t vm, uint16_t vcpu, uint32_t fid)
{
    struct where *w = &S.where[self];

    __atomic_store_n(&w->op, op, __ATOMIC_RELAXED);
    __atomic_store_n(&w->vm, vm, __ATOMIC_RELAXED);
    __atomic_store_n(&w->vcpu, vcpu, __ATOMIC_RELAXED);
    __atomic_store_n(&w->fid, fid, __ATOMIC_RELAXED);
    __atomic_store_n(&w->since_ns, now_ns(), __ATOMIC_RELAXED);
}

static struct ffa_regs call(int self, struct vm_rec *v, uint16_t vcpu, struct ffa_regs r)
{
    struct fz_call c = {.vm_id = v->id, .aarch32 = v->aarch32, .valid_vcpu = true};
    const char *why;

    for (int i = 8; i < FFA_NUM_REGS; i++)
        r.x[i] = CANARY(v->id);
    c.in = r;
    __atomic_store_n(&S.where[self].fid, (uint32_t)r.x[0], __ATOMIC_RELAXED);
    st_current_vm = v->id;
    if (ffa_mediator_handle(S.m, v->vm, vcpu, (uint32_t)self % STRESS_PES, &r) != FFA_CALL_HANDLED)
        fz_fail("VM 0x%x: call 0x%llx declined", v->id, (unsigned long long)c.in.x[0]);
    st_current_vm = 0;
    c.out = r;
    c.version = ffa_vm_version(v->vm);
    why = fz_reply_problem(&c);
    if (why != NULL)
        fz_fail("VM 0x%x vCPU %u: %s 0x%llx -> 0x%llx 0x%llx 0x%llx 0x%llx: %s", v->id, vcpu,
                ffa_func_name((uint32_t)c.in.x[0]), (unsigned long long)c.in.x[1],
                (unsigned long long)r.x[0], (unsigned long long)r.x[1], (unsigned long long)r.x[2],
                (unsigned long long)r.x[3], why);
    for (int i = 0; i < FFA_NUM_REGS; i++) {
        uint32_t lo = (uint32_t)r.x[i], hi = (uint32_t)(r.x[i] >> 32);

        if (((lo & 0xffff00ffu) == 0x5a1700c3u && lo != CANARY(v->id)) ||
            ((hi & 0xffff00ffu) == 0x5a1700c3u && hi != CANARY(v->id)))
            fz_fail("VM 0x%x got another VM's canary in x%d", v->id, i);
    }
    count(&S.calls);
    return r;
}

static struct ffa_regs regs(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
                            uint64_t x5)
{
    struct ffa_regs r = {{x0, x1, x2, x3, x4, x5}};

    return r;
}

static bool is_error(const struct ffa_regs *r, int32_t code)
{
    return (uint32_t)r->x[0] == FFA_ERROR && (int32_t)(uint32_t)r->x[2] == code;
}

/* ---- Operations ---- */

static uint16_t pick_sp(void)
{
    return S.direct_ids[rnd() % S.direct_sps];
}

/* The response to our request `req` (token in w3/w4, or x4 for REQ2): check it is ours. */
static bool response_is_ours(const struct vm_rec *v, const struct ffa_regs *req,
                             const struct ffa_regs *r)
{
    if (FFA_RECEIVER((uint32_t)r->x[1]) != v->id)
        return false;
    if ((uint32_t)r->x[0] == FFA_MSG_SEND_DIRECT_RESP2)
        return r->x[4] == req->x[4];
#ifdef FFA_STRESS_UNICORN
    if (FFA_SENDER((uint32_t)r->x[1]) == SP_ID_WORKER)
        return (uint32_t)r->x[4] == (uint32_t)req->x[4]; /* iterations done */
    if (FFA_SENDER((uint32_t)r->x[1]) == SP_ID_MP)
        return true; /* carries no token; op_direct checks which context answered */
#endif
    return (uint32_t)r->x[3] == (uint32_t)req->x[3] && (uint32_t)r->x[4] == (uint32_t)req->x[4];
}

static uint64_t token_of(const struct ffa_regs *r)
{
    uint32_t fid = (uint32_t)r->x[0];

#ifdef FFA_STRESS_UNICORN
    /* The worker's answer carries the iteration count asked for; its w3 is a checksum. */
    if (FFA_RECEIVER((uint32_t)r->x[1]) == SP_ID_WORKER ||
        FFA_SENDER((uint32_t)r->x[1]) == SP_ID_WORKER)
        return (uint32_t)r->x[4];
#endif
    if (fid == FFA_MSG_SEND_DIRECT_REQ2 || fid == FFA_MSG_SEND_DIRECT_RESP2)
        return r->x[4];
    return (uint32_t)r->x[3] | (uint64_t)(uint32_t)r->x[4] << 32;
}

/* A response a vCPU of `v` took from another vCPU's request: recorded for that vCPU to find. */
static void record_stolen(struct vm_rec *v, const struct ffa_regs *r)
{
    pthread_mutex_lock(&v->stolen_lock);
    v->stolen[v->stolen_head++ % STOLEN_LOG] = token_of(r);
    if (v->n_stolen < STOLEN_LOG)
        v->n_stolen++;
    pthread_mutex_unlock(&v->stolen_lock);
}

static bool is_response(const struct ffa_regs *r)
{
    uint32_t x0 = (uint32_t)r->x[0];

    return x0 == FFA_MSG_SEND_DIRECT_RESP_32 || x0 == FFA_MSG_SEND_DIRECT_RESP_64 ||
           x0 == FFA_MSG_SEND_DIRECT_RESP2;
}

/* A sibling vCPU of the same VM resumed our context and took our response: the guest's doing. */
static bool stolen_by_sibling(struct vm_rec *v, uint64_t token)
{
    bool found = false;

    pthread_mutex_lock(&v->stolen_lock);
    for (unsigned i = 0; i < v->n_stolen && !found; i++)
        found = v->stolen[i] == token;
    pthread_mutex_unlock(&v->stolen_lock);
    return found;
}

/*
 * Our preempted request's context answered FFA_RUN with something other than our response: it
 * was taken from us. A sibling vCPU of the same VM may do that (resume rights are per VM); another
 * VM may not (the resume race, fixed: the mediator claims the context before the request reaches
 * the secure world), so that is the defect, fatal now that it is closed.
 */
static void lost_response(struct vm_rec *v, uint16_t vcpu, const struct ffa_regs *req,
                          uint32_t target, const struct ffa_regs *r)
{
    uint16_t into = 0;
    uint32_t ans = (uint32_t)r->x[0];

    /*
     * A sibling records the response it took after its call returns: give it a moment (the
     * mediator already let this vCPU in again, so its call has given the context back).
     */
    for (int i = 0; i < 4000; i++) {
        struct timespec ts = {0, 50000};

        if (stolen_by_sibling(v, token_of(req)))
            return;
        nanosleep(&ts, NULL);
    }
    /*
     * The model knows exactly: a response it handed into a call of this same VM was taken by a
     * sibling vCPU (which may not have recorded it yet: it records after its call returns).
     */
    if (!S.o.unicorn && st_world_taken_by_sibling(&S.world, v->id,
                                                  (uint32_t)req->x[0] == FFA_MSG_SEND_DIRECT_REQ2
                                                      ? req->x[4]
                                                      : (uint32_t)req->x[3])) {
        count(&S.sibling_confusions);
        return;
    }
    /*
     * BUSY: with several PEs, the SPMC answers BUSY for a context running on another PE right now
     * (Hafnium: a vCPU running on another CPU is BUSY). The mediator lets only this VM run a
     * context parked for it, so that is a sibling vCPU's run (found above) or the resume race
     * (below, fatal since it is fixed).
     */
    if (ans != FFA_MSG_WAIT && !is_error(r, FFA_RET_DENIED) && !is_error(r, FFA_RET_ABORTED) &&
        !is_error(r, FFA_RET_BUSY))
        fz_fail("VM 0x%x vCPU %u: FFA_RUN of its preempted request's context 0x%x answered "
                "0x%x w2 0x%llx",
                v->id, vcpu, target, ans, (unsigned long long)r->x[2]);
    if (!S.o.unicorn &&
        st_world_lost(&S.world, v->id,
                      (uint32_t)req->x[0] == FFA_MSG_SEND_DIRECT_REQ2 ? req->x[4]
                                                                      : (uint32_t)req->x[3],
                      &into))
        fz_defect(FZ_DEFECT_RESUME_RACE,
                  "VM 0x%x vCPU %u: its request was preempted, and the response context 0x%x "
                  "owed it was handed into VM 0x%x's FFA_RUN (refused there): lost",
                  v->id, vcpu, target, into);
    else
        fz_defect(FZ_DEFECT_RESUME_RACE,
                  "VM 0x%x vCPU %u: its request was preempted, and FFA_RUN of the context 0x%x "
                  "answers 0x%x w2 0x%llx: another VM resumed it first (its response is lost)",
                  v->id, vcpu, target, ans, (unsigned long long)r->x[2]);
    count(&S.lost_known);
}

/* The VM a response's payload names (0: a payload that names none, the worker's checksum). */
static uint16_t payload_vm(const struct ffa_regs *r)
{
#ifdef FFA_STRESS_UNICORN
    if (FFA_SENDER((uint32_t)r->x[1]) == SP_ID_WORKER)
        return 0;
#endif
    if ((uint32_t)r->x[0] == FFA_MSG_SEND_DIRECT_RESP2)
        return (uint16_t)((r->x[4] >> 52) & 0xfffu);
    return (uint16_t)(((uint32_t)r->x[3] >> 20) & 0xfffu);
}

static void op_direct(int self, struct vm_rec *v, uint16_t vcpu, uint32_t seq)
{
    uint16_t sp = pick_sp();
    uint32_t fid = FFA_MSG_SEND_DIRECT_REQ_32;
    uint32_t w3 = (uint32_t)v->id << 20 | (uint32_t)vcpu << 16 | (seq & 0xffffu);
    struct ffa_regs req, r;

    if (!v->aarch32 && (rnd() & 3u) == 0)
        fid = v->version >= FFA_VERSION_1_2 && (rnd() & 1u) ? FFA_MSG_SEND_DIRECT_REQ2
                                                            : FFA_MSG_SEND_DIRECT_REQ_64;
#ifdef FFA_STRESS_UNICORN
    if (sp == SP_ID_WORKER) {
        fid = FFA_MSG_SEND_DIRECT_REQ_32;
        req = regs(fid, (uint32_t)v->id << 16 | sp, 0, SP_CMD_COMPUTE,
                   2000u + ((uint32_t)vcpu << 8 | (seq & 0xffu)), 0);
    } else if (sp == SP_ID_MP) {
        fid = FFA_MSG_SEND_DIRECT_REQ_32;
        req = regs(fid, (uint32_t)v->id << 16 | sp, 0, SP_MP_CMD_WHO, 0, 0);
    } else
#endif
        req = regs(fid, (uint32_t)v->id << 16 | sp, 0, w3, seq, 0);
    if (fid == FFA_MSG_SEND_DIRECT_REQ2) {
        req.x[2] = req.x[3] = 0; /* nil UUID: any protocol */
        req.x[4] = (uint64_t)w3 << 32 | seq;
    }
    r = call(self, v, vcpu, req);
    for (unsigned n = 0, last_target = 0;; n++) {
        uint32_t ans = (uint32_t)r.x[0];
        uint32_t target;

        if (ans == FFA_MSG_SEND_DIRECT_RESP_32 || ans == FFA_MSG_SEND_DIRECT_RESP_64 ||
            ans == FFA_MSG_SEND_DIRECT_RESP2) {
            if (!response_is_ours(v, &req, &r)) {
                /*
                 * Addressed to this VM (fz_reply checks that) but another vCPU's: a sibling vCPU
                 * resumed that request's context with its own FFA_RUN and this vCPU then resumed
                 * the context again for a new request. Resume rights are per VM, so that is the
                 * guest's own confusion, as long as the token is this VM's.
                 */
                if (payload_vm(&r) != 0 && payload_vm(&r) != v->id)
                    fz_fail("VM 0x%x vCPU %u got a response that is not its own (w1 0x%llx w3 "
                            "0x%llx)",
                            v->id, vcpu, (unsigned long long)r.x[1], (unsigned long long)r.x[3]);
                count(&S.sibling_confusions);
                record_stolen(v, &r);
                return;
            }
#ifdef FFA_STRESS_UNICORN
            /* An MP partition answers on PE n with its context n, whoever resumed it there. */
            if (FFA_SENDER((uint32_t)r.x[1]) == SP_ID_MP && r.x[3] != (uint32_t)self % STRESS_PES)
                fz_fail("VM 0x%x vCPU %u on PE %u: the MP partition answered from its context "
                        "%llu",
                        v->id, vcpu, (unsigned)self % STRESS_PES, (unsigned long long)r.x[3]);
#endif
            count(&S.direct_ok);
            return;
        }
        if (ans == FFA_ERROR) {
            if (n > 0) {
                lost_response(v, vcpu, &req, last_target, &r);
                return;
            }
            if (is_error(&r, FFA_RET_BUSY))
                count(&S.busy);
            else if (is_error(&r, FFA_RET_ABORTED))
                count(&S.abort_answers);
            return;
        }
        if (ans != FFA_INTERRUPT && ans != FFA_YIELD) {
            if (n == 0)
                fz_fail("VM 0x%x: a direct request answered 0x%x", v->id, ans);
            lost_response(v, vcpu, &req, last_target, &r);
            return;
        }
        if (n == 0)
            count(&S.preempted);
        if (n > 100000)
            fz_fail("VM 0x%x: request preempted 100000 times", v->id);
        target = (uint32_t)r.x[1];
        last_target = target;
        r = call(self, v, vcpu, regs(FFA_RUN, target, 0, 0, 0, 0));
        if ((uint32_t)r.x[0] == FFA_MSG_WAIT || is_error(&r, FFA_RET_DENIED)) {
            lost_response(v, vcpu, &req, target, &r);
            return;
        }
    }
}

/* A hostile guest gives cycles to a context that is probably someone else's. */
static void op_run_other(int self, struct vm_rec *v, uint16_t vcpu)
{
    uint32_t target = (uint32_t)pick_sp() << 16 | (rnd() % ST_CTX);
    struct ffa_regs r = call(self, v, vcpu, regs(FFA_RUN, target, 0, 0, 0, 0));

    count(&S.hostile_runs);
    if (is_error(&r, FFA_RET_DENIED))
        count(&S.denied);
    /* A context it preempted on the way is now its own: finish it, as a driver would. */
    for (unsigned n = 0;
         n < 1000 && ((uint32_t)r.x[0] == FFA_INTERRUPT || (uint32_t)r.x[0] == FFA_YIELD); n++)
        r = call(self, v, vcpu, regs(FFA_RUN, (uint32_t)r.x[1], 0, 0, 0, 0));
    /* Whenever it comes (at once or after that loop), a response is a sibling's request's. */
    if (is_response(&r))
        record_stolen(v, &r);
}

static void check_partition_list(const struct vm_rec *v, const uint8_t *rx, uint32_t count_,
                                 uint32_t size)
{
    uint32_t props_seen = 0;
    uint16_t last_vm = 0;

    if (count_ < S.sp_count || (uint64_t)count_ * size > 4096u)
        fz_fail("VM 0x%x: %u partition entries of %u bytes", v->id, count_, size);
    for (uint32_t i = 0; i < count_; i++) {
        uint16_t id = (uint16_t)get_le(rx + (size_t)i * size, 2);

        if (i < S.sp_count) {
            if (id != S.sp_ids[i])
                fz_fail("VM 0x%x: entry %u is 0x%x, not SP 0x%x", v->id, i, id, S.sp_ids[i]);
            continue;
        }
        if (FFA_ID_IS_SECURE(id) || id == 0 || id > S.o.vms)
            fz_fail("VM 0x%x: entry %u names 0x%x", v->id, i, id);
        if (id == v->id) {
            props_seen++;
            continue;
        }
        if (id <= last_vm)
            fz_fail("VM 0x%x: VM entries out of order (0x%x after 0x%x)", v->id, id, last_vm);
        last_vm = id;
    }
    if (props_seen != (v->version >= FFA_VERSION_1_2 ? 1u : 0u))
        fz_fail("VM 0x%x (v0x%x) is listed %u times", v->id, v->version, props_seen);
}

static void op_partinfo(int self, struct vm_rec *v, uint16_t vcpu)
{
    const uint8_t *rx = fz_guest_ptr(&S.host, v->id, RX_IPA);
    struct ffa_regs r;

    pthread_mutex_lock(&v->rx_lock);
    r = call(self, v, vcpu, regs(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0));
    if ((uint32_t)r.x[0] == FFA_SUCCESS_32) {
        check_partition_list(v, rx, (uint32_t)r.x[2], (uint32_t)r.x[3]);
        r = call(self, v, vcpu, regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0));
        if ((uint32_t)r.x[0] != FFA_SUCCESS_32)
            fz_fail("VM 0x%x: RX_RELEASE after partition info: 0x%llx", v->id,
                    (unsigned long long)r.x[2]);
        count(&S.partinfo_ok);
    } else if (!is_error(&r, FFA_RET_BUSY)) {
        fz_fail("VM 0x%x: PARTITION_INFO_GET answered error %d", v->id, (int32_t)r.x[2]);
    }
    pthread_mutex_unlock(&v->rx_lock);
}

static void op_partinfo_regs(int self, struct vm_rec *v, uint16_t vcpu)
{
    uint32_t start = 0, tag = 0;

    if (v->version < FFA_VERSION_1_2 || v->aarch32)
        return;
    for (unsigned n = 0; n < 64; n++) {
        struct ffa_regs r =
            call(self, v, vcpu, regs(FFA_PARTITION_INFO_GET_REGS, 0, 0, start | tag << 16, 0, 0));
        uint32_t last, cur;

        if (is_error(&r, FFA_RET_RETRY)) {
            start = tag = 0; /* the list changed (a VM came or went): start again */
            continue;
        }
        if ((uint32_t)r.x[0] != FFA_SUCCESS_64)
            fz_fail("VM 0x%x: PARTITION_INFO_GET_REGS from %u: 0x%llx %d", v->id, start,
                    (unsigned long long)r.x[0], (int32_t)r.x[2]);
        last = (uint32_t)(r.x[2] & 0xffffu);
        cur = (uint32_t)((r.x[2] >> 16) & 0xffffu);
        tag = (uint32_t)((r.x[2] >> 32) & 0xffffu);
        if (start == 0 && (uint16_t)(r.x[3] & 0xffffu) != S.sp_ids[0])
            fz_fail("VM 0x%x: first REGS entry is 0x%llx", v->id,
                    (unsigned long long)(r.x[3] & 0xffffu));
        if (cur >= last)
            return;
        start = cur + 1;
    }
}

static uint32_t hdr_size(const struct vm_rec *v)
{
    return v->version >= FFA_VERSION_1_2 ? 40u : 20u;
}

static void op_send2(int self, struct vm_rec *v, uint16_t vcpu, uint32_t seq)
{
    uint8_t *tx = fz_guest_ptr(&S.host, v->id, TX_IPA);
    uint16_t dst = (uint16_t)(1u + rnd() % S.o.vms);
    uint32_t off = hdr_size(v);
    struct ffa_regs r;

    if (dst == v->id)
        return;
    pthread_mutex_lock(&v->tx_lock);
    memset(tx, 0, off);
    put_le(tx + 8, off, 4);
    put_le(tx + 12, (uint32_t)v->id << 16 | dst, 4);
    put_le(tx + 16, 16, 4);
    put_le(tx + off, v->id, 4);
    put_le(tx + off + 4, seq, 4);
    put_le(tx + off + 8, CANARY(v->id) ^ 0xffu, 4);
    put_le(tx + off + 12, seq ^ 0x5555u, 4);
    /* The host's notification comes after the mediator's locks are dropped: count the send. */
    __atomic_add_fetch(&S.vms[dst - 1].sends_in_flight, 1, __ATOMIC_ACQ_REL);
    r = call(self, v, vcpu, regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0));
    __atomic_sub_fetch(&S.vms[dst - 1].sends_in_flight, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&v->tx_lock);
    if ((uint32_t)r.x[0] == FFA_SUCCESS_32)
        count(&S.sent_ok);
    else if (!is_error(&r, FFA_RET_BUSY) && !is_error(&r, FFA_RET_DENIED) &&
             !is_error(&r, FFA_RET_INVALID_PARAMETERS))
        fz_fail("VM 0x%x -> 0x%x: MSG_SEND2 answered %d", v->id, dst, (int32_t)r.x[2]);
}

static void op_recv(int self, struct vm_rec *v, uint16_t vcpu)
{
    const uint8_t *rx = fz_guest_ptr(&S.host, v->id, RX_IPA);
    struct ffa_regs r;

    if (!__atomic_load_n(&v->msg_pending, __ATOMIC_ACQUIRE))
        return;
    pthread_mutex_lock(&v->rx_lock);
    if (__atomic_exchange_n(&v->msg_pending, 0, __ATOMIC_ACQ_REL)) {
        uint32_t off = (uint32_t)get_le(rx + 8, 4), ids = (uint32_t)get_le(rx + 12, 4);
        uint32_t size = (uint32_t)get_le(rx + 16, 4);
        uint16_t from = FFA_SENDER(ids);

        if (off != hdr_size(v) || size != 16 || FFA_RECEIVER(ids) != v->id ||
            get_le(rx + off, 4) != from || get_le(rx + off + 8, 4) != (CANARY(from) ^ 0xffu) ||
            get_le(rx + off + 12, 4) != (get_le(rx + off + 4, 4) ^ 0x5555u))
            fz_fail("VM 0x%x received a malformed or foreign message (offset %u, ids 0x%x, size "
                    "%u)",
                    v->id, off, ids, size);
        count(&S.received);
        /*
         * Read the "RX buffer full" notification first, as Linux does on the notification
         * pending interrupt: the mediator refuses to release a buffer whose notification is
         * unread (Hafnium's rule).
         */
        r = call(
            self, v, vcpu,
            regs(FFA_NOTIFICATION_GET, (uint32_t)vcpu << 16 | v->id, FFA_NOTIF_GET_HYP, 0, 0, 0));
        if ((uint32_t)r.x[0] != FFA_SUCCESS_32 || (r.x[7] & FFA_FW_NOTIF_RX_FULL) == 0)
            fz_fail("VM 0x%x: NOTIFICATION_GET after a message: 0x%x w2 %d w7 0x%x", v->id,
                    (uint32_t)r.x[0], (int32_t)r.x[2], (uint32_t)r.x[7]);
        r = call(self, v, vcpu, regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0));
        if ((uint32_t)r.x[0] != FFA_SUCCESS_32)
            fz_fail("VM 0x%x: RX_RELEASE of a message: %d", v->id, (int32_t)r.x[2]);
    }
    pthread_mutex_unlock(&v->rx_lock);
}

static void op_misc(int self, struct vm_rec *v, uint16_t vcpu)
{
    static const uint32_t features[] = {
        FFA_MSG_SEND_DIRECT_REQ_32, FFA_RUN, FFA_RXTX_MAP_64,       FFA_MSG_SEND2,
        FFA_MEM_SHARE_64,           0x1,     FFA_PARTITION_INFO_GET};
    struct ffa_regs r;

    switch (rnd() % 4) {
    case 0:
        r = call(self, v, vcpu, regs(FFA_VERSION, v->version, 0, 0, 0, 0));
        if ((uint32_t)r.x[0] != FFA_MEDIATOR_VERSION)
            fz_fail("VM 0x%x: FFA_VERSION again answered 0x%llx", v->id,
                    (unsigned long long)r.x[0]);
        break;
    case 1:
        call(self, v, vcpu, regs(FFA_FEATURES, features[rnd() % 7], 0, 0, 0, 0));
        break;
    case 2:
        r = call(self, v, vcpu, regs(FFA_ID_GET, 0, 0, 0, 0, 0));
        if (r.x[2] != v->id)
            fz_fail("VM 0x%x: FFA_ID_GET says 0x%llx", v->id, (unsigned long long)r.x[2]);
        break;
    default:
        call(self, v, vcpu, regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0));
        break;
    }
}

static struct ffa_regs map_regs(const struct vm_rec *v)
{
    return regs(v->aarch32 ? FFA_RXTX_MAP_32 : FFA_RXTX_MAP_64, TX_IPA, RX_IPA, 1, 0, 0);
}

static void op_remap(int self, struct vm_rec *v, uint16_t vcpu)
{
    struct ffa_regs r;

    pthread_mutex_lock(&v->rx_lock);
    pthread_mutex_lock(&v->tx_lock);
    r = call(self, v, vcpu, regs(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0));
    if ((uint32_t)r.x[0] == FFA_SUCCESS_32) {
        r = call(self, v, vcpu, map_regs(v));
        if ((uint32_t)r.x[0] != FFA_SUCCESS_32)
            fz_fail("VM 0x%x: RXTX_MAP after unmap: %d", v->id, (int32_t)r.x[2]);
    } else if (!is_error(&r, FFA_RET_DENIED)) { /* DENIED: a message waits in RX */
        fz_fail("VM 0x%x: RXTX_UNMAP: %d", v->id, (int32_t)r.x[2]);
    }
    pthread_mutex_unlock(&v->tx_lock);
    pthread_mutex_unlock(&v->rx_lock);
}

#ifdef FFA_STRESS_UNICORN
/* Make the faulty partition misbehave; everyone else must keep getting answers. */
static void op_fault(int self, struct vm_rec *v, uint16_t vcpu)
{
    static const uint32_t how[] = {SP_FAULT_DATA_ABORT, SP_FAULT_UNDEF, SP_FAULT_BAD_JUMP,
                                   SP_FAULT_SPIN, SP_FAULT_WRITE_RO};
    struct ffa_regs r = call(self, v, vcpu,
                             regs(FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)v->id << 16 | SP_ID_FAULTY,
                                  0, how[rnd() % 5], 0, 0));

    for (unsigned n = 0;
         n < 1000 && ((uint32_t)r.x[0] == FFA_INTERRUPT || (uint32_t)r.x[0] == FFA_YIELD); n++)
        r = call(self, v, vcpu, regs(FFA_RUN, (uint32_t)r.x[1], 0, 0, 0, 0));
    count(&S.faults);
}
#endif

/* ---- VM life cycle ---- */

/* Add VM slot `i` (its life lock held for writing, or before the threads start). */
static void vm_bring_up(struct vm_rec *v, int self)
{
    struct ffa_regs r;
    int ret;

    v->version = (rnd() & 1u) ? FFA_VERSION_1_2 : FFA_VERSION_1_1;
    v->aarch32 = (rnd() % 8u) == 0;
    ret = ffa_vm_add(S.m, v->id, v->vcpus, v->aarch32 ? FFA_VM_AARCH32 : 0, &v->vm);
    if (ret != 0)
        fz_fail("ffa_vm_add(0x%x): %d", v->id, ret);
    r = call(self, v, 0, regs(FFA_VERSION, v->version, 0, 0, 0, 0));
    r = call(self, v, 0, regs(FFA_ID_GET, 0, 0, 0, 0, 0));
    r = call(self, v, 0, map_regs(v));
    if ((uint32_t)r.x[0] != FFA_SUCCESS_32)
        fz_fail("VM 0x%x: RXTX_MAP: %d", v->id, (int32_t)r.x[2]);
}

static void vm_take_down(struct vm_rec *v)
{
    int ret;

    /*
     * The removal resumes the contexts still parked for the VM and drops their answers; one
     * preempted again makes it pending, and ffa_mediator_poll() finishes it (the ID is free
     * again only then). Those are the hypervisor's own calls (no VM's).
     */
    st_current_vm = 0;
    ret = ffa_vm_remove(S.m, v->vm);
    for (unsigned n = 0; ret == FFA_LIFECYCLE_PENDING && n < 100000; n++) {
        sched_yield();
        ret = ffa_mediator_poll(S.m);
    }
    if (ret != 0)
        fz_fail("ffa_vm_remove(0x%x) failed: %d", v->id, ret);
    v->vm = NULL;
    /* A send that delivered before the removal notifies after it: wait for those. */
    while (__atomic_load_n(&v->sends_in_flight, __ATOMIC_ACQUIRE) != 0)
        sched_yield();
    if (__atomic_exchange_n(&v->msg_pending, 0, __ATOMIC_ACQ_REL))
        count(&S.dropped);
    if (!S.o.unicorn)
        st_world_forget_vm(&S.world, v->id);
}

static void *churn_thread(void *arg)
{
    int self = (int)(intptr_t)arg;

    rng = 0x9e3779b97f4a7c15u ^ (uint64_t)self;
    while (!__atomic_load_n(&S.stop, __ATOMIC_ACQUIRE)) {
        struct vm_rec *v = &S.vms[rnd() % S.o.vms];

        set_where(self, OP_CHURN, v->id, 0, 0);
        pthread_rwlock_wrlock(&v->life);
        vm_take_down(v);
        vm_bring_up(v, self);
        pthread_rwlock_unlock(&v->life);
        count(&S.churns);
        __atomic_add_fetch(&S.where[self].progress, 1, __ATOMIC_RELAXED);
        set_where(self, OP_IDLE, 0, 0, 0);
        usleep(2000);
    }
    return NULL;
}

static void *vcpu_thread(void *arg)
{
    int self = (int)(intptr_t)arg;
    struct vm_rec *v = &S.vms[(unsigned)self % S.o.vms];
    uint16_t vcpu = (uint16_t)((unsigned)self / S.o.vms);
    uint32_t seq = 0;

    rng = 0x2545f4914f6cdd1du * (uint64_t)(self + 1);
    while (!__atomic_load_n(&S.stop, __ATOMIC_ACQUIRE)) {
        uint32_t dice = rnd() % 100u;
        int op = dice < 45   ? OP_DIRECT
                 : dice < 55 ? OP_RUN_OTHER
                 : dice < 65 ? OP_PARTINFO
                 : dice < 70 ? OP_PARTINFO_REGS
                 : dice < 80 ? OP_SEND2
                 : dice < 90 ? OP_RECV
                 : dice < 97 ? OP_MISC
                             : OP_REMAP;

#ifdef FFA_STRESS_UNICORN
        if (dice == 99 && self == 0 && S.o.unicorn)
            op = OP_FAULT;
#endif
        pthread_rwlock_rdlock(&v->life);
        set_where(self, op, v->id, vcpu, 0);
        seq++;
        switch (op) {
        case OP_DIRECT:
            op_direct(self, v, vcpu, seq);
            break;
        case OP_RUN_OTHER:
            op_run_other(self, v, vcpu);
            break;
        case OP_PARTINFO:
            op_partinfo(self, v, vcpu);
            break;
        case OP_PARTINFO_REGS:
            op_partinfo_regs(self, v, vcpu);
            break;
        case OP_SEND2:
            op_send2(self, v, vcpu, seq);
            break;
        case OP_RECV:
            op_recv(self, v, vcpu);
            break;
        case OP_MISC:
            op_misc(self, v, vcpu);
            break;
#ifdef FFA_STRESS_UNICORN
        case OP_FAULT:
            op_fault(self, v, vcpu);
            break;
#endif
        default:
            op_remap(self, v, vcpu);
            break;
        }
        set_where(self, OP_IDLE, v->id, vcpu, 0);
        pthread_rwlock_unlock(&v->life);
        __atomic_add_fetch(&S.where[self].progress, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

/* ---- Host events ---- */

static void notify(void *host, uint16_t vm_id, uint16_t vcpu, enum ffa_host_event event)
{
    (void)host;
    (void)vcpu;
    if (event == FFA_HOST_EVENT_RX_FULL && vm_id >= 1 && vm_id <= S.o.vms)
        __atomic_store_n(&S.vms[vm_id - 1].msg_pending, 1, __ATOMIC_RELEASE);
}

/* ---- Watchdog ---- */

static void print_backtrace(int sig)
{
    void *frames[32];
    int n = backtrace(frames, 32);
    char line[64];
    int len =
        snprintf(line, sizeof(line), "--- thread %lu backtrace:\n", (unsigned long)pthread_self());

    (void)sig;
    if (len > 0 && write(2, line, (size_t)len) < 0)
        return;
    backtrace_symbols_fd(frames, n, 2);
}

static void watchdog_fire(unsigned nthreads, int stuck)
{
    uint64_t t = now_ns();

    fprintf(stderr, "\nWATCHDOG: thread %d made no progress for %u s: deadlock or stall.\n", stuck,
            S.o.watchdog);
    for (unsigned i = 0; i < nthreads; i++) {
        struct where *w = &S.where[i];
        uint32_t fid = __atomic_load_n(&w->fid, __ATOMIC_RELAXED);
        int op = __atomic_load_n(&w->op, __ATOMIC_RELAXED);

        fprintf(stderr, "  thread %2u: %-28s VM 0x%x vCPU %u, last call %s, for %.1f s, %llu ops\n",
                i, op_names[op], __atomic_load_n(&w->vm, __ATOMIC_RELAXED),
                __atomic_load_n(&w->vcpu, __ATOMIC_RELAXED),
                ffa_func_name(fid) ? ffa_func_name(fid) : "-",
                (double)(t - __atomic_load_n(&w->since_ns, __ATOMIC_RELAXED)) / 1e9,
                (unsigned long long)__atomic_load_n(&w->progress, __ATOMIC_RELAXED));
    }
    signal(SIGUSR1, print_backtrace);
    for (unsigned i = 0; i < nthreads; i++) {
        pthread_kill(S.where[i].thread, SIGUSR1);
        usleep(100000);
    }
    fflush(stderr);
    _exit(3);
}

/* Returns when the run time is over; fires (and exits) on a stall. */
static void watchdog(unsigned nthreads)
{
    uint64_t end = now_ns() + (uint64_t)S.o.seconds * 1000000000u;
    uint64_t last[MAX_THREADS + 1] = {0}, last_change[MAX_THREADS + 1];

    for (unsigned i = 0; i < nthreads; i++)
        last_change[i] = now_ns();
    while (now_ns() < end) {
        usleep(200000);
        for (unsigned i = 0; i < nthreads; i++) {
            uint64_t p = __atomic_load_n(&S.where[i].progress, __ATOMIC_RELAXED);

            if (p != last[i]) {
                last[i] = p;
                last_change[i] = now_ns();
            } else if (now_ns() - last_change[i] > (uint64_t)S.o.watchdog * 1000000000u) {
                watchdog_fire(nthreads, (int)i);
            }
        }
    }
}

/* ---- Set-up ---- */

static void usage(void)
{
    fprintf(stderr,
            "usage: ffa_stress [--backend model|unicorn] [--seconds N] [--threads N] [--vms N]\n"
            "                  [--watchdog S] [--no-churn] [--sp-dir DIR]\n");
    exit(2);
}

static void parse(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"backend", required_argument, NULL, 'b'},  {"seconds", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},  {"vms", required_argument, NULL, 'v'},
        {"watchdog", required_argument, NULL, 'w'}, {"no-churn", no_argument, NULL, 'n'},
        {"sp-dir", required_argument, NULL, 'd'},   {NULL, 0, NULL, 0},
    };
    int c;

    S.o = (struct opts){false, 10, 8, 4, 10, true, NULL};
#ifdef FFA_SP_DIR
    S.o.sp_dir = FFA_SP_DIR;
#endif
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (strcmp(optarg, "unicorn") == 0)
                S.o.unicorn = true;
            else if (strcmp(optarg, "model") != 0)
                usage();
            break;
        case 's':
            S.o.seconds = (unsigned)atoi(optarg);
            break;
        case 't':
            S.o.threads = (unsigned)atoi(optarg);
            break;
        case 'v':
            S.o.vms = (unsigned)atoi(optarg);
            break;
        case 'w':
            S.o.watchdog = (unsigned)atoi(optarg);
            break;
        case 'n':
            S.o.churn = false;
            break;
        case 'd':
            S.o.sp_dir = optarg;
            break;
        default:
            usage();
        }
    }
    if (S.o.threads < 1 || S.o.threads > MAX_THREADS || S.o.vms < 2 || S.o.vms > MAX_VMS ||
        S.o.watchdog < 1)
        usage();
#ifndef FFA_STRESS_UNICORN
    if (S.o.unicorn) {
        fprintf(stderr, "ffa_stress: built without the Unicorn backend\n");
        exit(2);
    }
#endif
}

#ifdef FFA_STRESS_UNICORN
static void rx_full(void *ctx, uint16_t vm_id)
{
    notify(ctx, vm_id, 0, FFA_HOST_EVENT_RX_FULL);
}

static void uc_log(void *ctx, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *msg)
{
    (void)ctx;
    if (getenv("FFA_STRESS_VERBOSE") != NULL || kind == FFA_UNICORN_LOG_ERROR)
        fprintf(stderr, "[spmc %04x] %s\n", sp_id, msg);
}

static struct ffa_backend unicorn_backend(void)
{
    static char paths[4][2][512];
    static const char *const names[4][2] = {
        {"echo", "echo"}, {"worker", "worker"}, {"faulty", "faulty"}, {"mp", "mp"}};
    struct ffa_unicorn_sp_config sps[4];
    struct ffa_unicorn_config cfg = {
        .sps = sps,
        .sp_count = 4,
        .preempt_blocks = 3000,
        .watchdog_blocks = 400000,
        .pe_count = STRESS_PES, /* every thread's processor index is a PE: they run in parallel */
        .log = uc_log,
        .ns_memory = fz_ns_memory,
        .rx_full = rx_full,
        .ns_ctx = &S.host,
    };
    char err[256];

    memset(sps, 0, sizeof(sps));
    for (unsigned i = 0; i < 4; i++) {
        snprintf(paths[i][0], 512, "%s/%s.elf", S.o.sp_dir, names[i][0]);
        snprintf(paths[i][1], 512, "%s/%s.dtb", S.o.sp_dir, names[i][1]);
        sps[i].elf_path = paths[i][0];
        sps[i].manifest_path = paths[i][1];
    }
    if (ffa_unicorn_create(&cfg, &S.spmc, err, sizeof(err)) != 0) {
        fprintf(stderr, "ffa_stress: %s\n", err);
        exit(2);
    }
    S.sp_count = 4;
    S.sp_ids[0] = SP_ID_ECHO;
    S.sp_ids[1] = SP_ID_WORKER;
    S.sp_ids[2] = SP_ID_FAULTY;
    S.sp_ids[3] = SP_ID_MP; /* MP: one context per PE (its manifest: 4, STRESS_PES) */
    /* echo, worker and mp; the faulty partition only through op_fault */
    S.direct_sps = 3;
    S.direct_ids[0] = SP_ID_ECHO;
    S.direct_ids[1] = SP_ID_WORKER;
    S.direct_ids[2] = SP_ID_MP;
    return ffa_unicorn_backend(S.spmc);
}
#endif

int main(int argc, char **argv)
{
    struct ffa_mediator_config cfg = {.flags = FFA_CFG_VM_TO_VM, .rxtx_max_pages = 4};
    struct ffa_backend be;
    unsigned nthreads;
    int ret;

    parse(argc, argv);
    nthreads = S.o.threads + (S.o.churn ? 1u : 0u);
    fz_host_init(&S.host);
    S.host_ops = fz_host_ops;
    S.host_ops.notify = notify;
    rng = 0x1234567u;
    if (S.o.unicorn) {
#ifdef FFA_STRESS_UNICORN
        be = unicorn_backend();
#endif
    } else {
        st_world_init(&S.world, 64);
        be = st_world_backend(&S.world);
        S.sp_count = S.direct_sps = ST_SPS;
        for (unsigned i = 0; i < ST_SPS; i++)
            S.sp_ids[i] = S.direct_ids[i] = (uint16_t)(ST_SP_FIRST + i);
    }
    ret = ffa_mediator_create(&cfg, &S.host_ops, &S.host, &be, &S.m);
    if (ret != 0)
        fz_fail("ffa_mediator_create: %d", ret);
    /* The SPs' own order in partition discovery is the SPMC's: take it from a first VM. */
    for (unsigned i = 0; i < S.o.vms; i++) {
        struct vm_rec *v = &S.vms[i];

        pthread_rwlockattr_t ra;

        /* Writer first: the VM churn thread must get its turn against busy vCPUs. */
        pthread_rwlockattr_init(&ra);
        pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        pthread_rwlock_init(&v->life, &ra);
        pthread_rwlockattr_destroy(&ra);
        pthread_mutex_init(&v->rx_lock, NULL);
        pthread_mutex_init(&v->tx_lock, NULL);
        pthread_mutex_init(&v->stolen_lock, NULL);
        v->id = (uint16_t)(i + 1);
        v->vcpus = (uint16_t)((S.o.threads + S.o.vms - 1) / S.o.vms);
        vm_bring_up(v, 0);
    }
    printf("ffa_stress: %s backend, %u vCPU threads over %u VMs%s, %u s, watchdog %u s\n",
           S.o.unicorn ? "unicorn" : "model", S.o.threads, S.o.vms,
           S.o.churn ? " (one thread removing and adding VMs)" : "", S.o.seconds, S.o.watchdog);
    for (unsigned i = 0; i < nthreads; i++) {
        void *(*fn)(void *) = i < S.o.threads ? vcpu_thread : churn_thread;

        if (pthread_create(&S.where[i].thread, NULL, fn, (void *)(intptr_t)i) != 0)
            fz_fail("pthread_create: %s", strerror(errno));
    }
    watchdog(nthreads);
    __atomic_store_n(&S.stop, 1, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(S.where[i].thread, NULL);

    /* Everything delivered is accounted for. */
    for (unsigned i = 0; i < S.o.vms; i++)
        op_recv(0, &S.vms[i], 0);
    printf("calls %llu: direct responses %llu (preempted %llu), busy %llu, ABORTED %llu, "
           "hostile FFA_RUN %llu (DENIED %llu), partition lists %llu, messages sent %llu "
           "received %llu dropped %llu, VM removals %llu, faults %llu, lost (known defect) %llu\n",
           (unsigned long long)get(&S.calls), (unsigned long long)get(&S.direct_ok),
           (unsigned long long)get(&S.preempted), (unsigned long long)get(&S.busy),
           (unsigned long long)get(&S.abort_answers), (unsigned long long)get(&S.hostile_runs),
           (unsigned long long)get(&S.denied), (unsigned long long)get(&S.partinfo_ok),
           (unsigned long long)get(&S.sent_ok), (unsigned long long)get(&S.received),
           (unsigned long long)get(&S.dropped), (unsigned long long)get(&S.churns),
           (unsigned long long)get(&S.faults), (unsigned long long)get(&S.lost_known));
    if (get(&S.sent_ok) != get(&S.received) + get(&S.dropped))
        fz_fail("messages: %llu sent, %llu received, %llu dropped with their receiver",
                (unsigned long long)get(&S.sent_ok), (unsigned long long)get(&S.received),
                (unsigned long long)get(&S.dropped));
    if (get(&S.direct_ok) == 0 || get(&S.partinfo_ok) == 0)
        fz_fail("no direct response or partition list in the whole run");

    for (unsigned i = 0; i < S.o.vms; i++)
        vm_take_down(&S.vms[i]);
    ffa_mediator_destroy(S.m);
#ifdef FFA_STRESS_UNICORN
    if (S.o.unicorn)
        ffa_unicorn_destroy(S.spmc);
#endif
    if (!S.o.unicorn)
        st_world_fini(&S.world);
    if (!fz_host_fini(&S.host))
        fz_fail("allocations, locks, mappings or pages left at the end");
    for (unsigned i = 0; i < S.o.vms; i++) {
        pthread_rwlock_destroy(&S.vms[i].life);
        pthread_mutex_destroy(&S.vms[i].rx_lock);
        pthread_mutex_destroy(&S.vms[i].tx_lock);
        pthread_mutex_destroy(&S.vms[i].stolen_lock);
    }
    printf("known defect 'resume-race' seen %lu times\n", fz_defect_count(FZ_DEFECT_RESUME_RACE));
    printf("ffa_stress %s: passed\n", S.o.unicorn ? "unicorn" : "model");
    return 0;
}
