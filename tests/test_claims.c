/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who may run a secure context, under concurrency: a request's context is claimed for its VM
 * before the request reaches the secure world, so another VM's FFA_RUN can never resume it in the
 * window before the answer comes back, and a response always reaches the VM it is for.
 *
 * The secure world here is a tiny SPMC model (a concurrent backend, as a real SMC conduit is):
 * partitions 0x8001 (UP, forwards requests to 0x8003), 0x8002 (MP, two contexts), 0x8003 (UP) and
 * 0x8004 (UP, wants VM-created messages, which it acknowledges at once); each context WAITING or
 * PREEMPTED with the VM its request came from; a preempted context resumed by FFA_RUN completes
 * that request with DIRECT_RESP to that VM, whoever ran it (as the SPMC cannot tell VMs apart). A
 * call can be held inside the backend until the test releases it.
 */
#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define VM1           0x0001u
#define VM2           0x0002u
#define SP_UP         0x8001u /* forwards to SP_CHAIN when asked with w3 = FORWARD */
#define SP_MP         0x8002u
#define SP_CHAIN      0x8003u
#define SP_LC         0x8004u /* wants VM-created messages */
#define FORWARD       0xf0u
#define TARGET(sp, v) (((uint32_t)(sp) << 16) | (v))

enum ctx_state { WAITING = 0, PREEMPTED };

struct ctx {
    enum ctx_state state;
    uint16_t caller;    /* the VM whose request it works for */
    uint16_t answer_sp; /* the partition that answers the request (the chain's head) */
    uint64_t payload;
};

struct spmc {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint8_t *own_rx;
    struct ctx up, mp[2], chain, lc;
    /* Gates: hold the next DIRECT_REQ (gate 0) or FFA_RUN (gate 1) inside the backend. */
    struct {
        int armed, held, released;
    } gate[2];
    /* Answer requests and runs with FFA_INTERRUPT this often (1 in N; 0: as scripted). */
    unsigned preempt_one_in;
    unsigned seed;
    atomic_uint runs, reqs;
};

/* A request or FFA_RUN issued on another thread (it may be held in the backend). */
struct pending {
    struct world *w;
    struct ffa_vm *vm;
    uint16_t sp;
    uint32_t cpu;
    uint64_t payload;
    uint32_t run_target; /* nonzero: an FFA_RUN instead */
    uint16_t add_id;     /* nonzero: ffa_vm_add() of this VM instead */
    int add_ret;
    struct ffa_regs reply;
    pthread_t thread;
    int running;
};

struct world {
    struct test_host host;
    struct spmc spmc;
    struct ffa_mediator *m;
    struct ffa_vm *vm1, *vm2;
    /* Threads a test started; a failed test's teardown lets those still running finish. */
    struct pending pend[2];
    int npend;
};

static struct ctx *ctx_of(struct spmc *s, uint32_t target)
{
    uint16_t sp = FFA_TARGET_ID(target), v = FFA_TARGET_VCPU(target);

    if (sp == SP_UP && v == 0)
        return &s->up;
    if (sp == SP_MP && v < 2)
        return &s->mp[v];
    if (sp == SP_CHAIN && v == 0)
        return &s->chain;
    if (sp == SP_LC && v == 0)
        return &s->lc;
    return NULL;
}

static void put_entry(uint8_t *p, uint16_t id, uint16_t ctx)
{
    memset(p, 0, 24);
    p[0] = (uint8_t)id;
    p[1] = (uint8_t)(id >> 8);
    p[2] = (uint8_t)ctx;
    /* Sends and receives direct requests; SP_LC also wants VM-created messages (bit 6). */
    p[4] = (uint8_t)(0x03 | (id == SP_LC ? FFA_PART_PROP_VM_CREATED : 0));
    p[5] = 0x01; /* AArch64 */
    p[8] = (uint8_t)id;
}

static int gate_of(uint32_t fid)
{
    return fid == FFA_RUN ? 1 : 0;
}

/* Called with the lock held: wait here if this call is the one to hold. */
static void maybe_hold(struct spmc *s, uint32_t fid)
{
    int g = gate_of(fid);

    if (!s->gate[g].armed)
        return;
    s->gate[g].armed = 0;
    s->gate[g].held = 1;
    pthread_cond_broadcast(&s->cond);
    while (!s->gate[g].released)
        pthread_cond_wait(&s->cond, &s->lock);
    s->gate[g].released = 0;
    s->gate[g].held = 0;
}

static int preempt_now(struct spmc *s)
{
    return s->preempt_one_in != 0 && rand_r(&s->seed) % s->preempt_one_in == 0;
}

static void answer(struct ffa_regs *out, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
    memset(out, 0, sizeof(*out));
    out->x[0] = x0;
    out->x[1] = x1;
    out->x[2] = x2;
    out->x[3] = x3;
}

static void spmc_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct spmc *s = ctx;
    struct ffa_regs call = *in;
    uint32_t fid = (uint32_t)call.x[0];
    uint32_t w1 = (uint32_t)call.x[1];
    struct ctx *c;

    pthread_mutex_lock(&s->lock);
    switch (fid) {
    case FFA_VERSION:
        answer(out, FFA_VERSION_1_2, 0, 0, 0);
        break;
    case FFA_FEATURES:
        answer(out, FFA_SUCCESS_32, 0, 0, 0);
        break;
    case FFA_RXTX_MAP_64:
        if (call.x[1] != 0) /* the mediator's own pair: x2 is the RX buffer's address */
            s->own_rx = (uint8_t *)(uintptr_t)call.x[2];
        answer(out, FFA_SUCCESS_32, 0, 0, 0);
        break;
    case FFA_PARTITION_INFO_GET:
        put_entry(s->own_rx, SP_UP, 1);
        put_entry(s->own_rx + 24, SP_MP, 2);
        put_entry(s->own_rx + 48, SP_CHAIN, 1);
        put_entry(s->own_rx + 72, SP_LC, 1);
        answer(out, FFA_SUCCESS_32, 0, 4, 24);
        break;
    case FFA_MSG_SEND_DIRECT_REQ_32:
        atomic_fetch_add(&s->reqs, 1);
        c = FFA_RECEIVER(w1) == SP_MP ? ctx_of(s, TARGET(SP_MP, cpu))
                                      : ctx_of(s, TARGET(FFA_RECEIVER(w1), 0));
        if (c == NULL) {
            answer(out, FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0);
            break;
        }
        if (c->state != WAITING || (c == &s->up && s->chain.state != WAITING)) {
            answer(out, FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0);
            break;
        }
        if ((call.x[2] & FFA_MSG_FLAG_FRAMEWORK) != 0) {
            /* A VM-availability message from the hypervisor: acknowledged (status 0). */
            maybe_hold(s, fid);
            answer(out, FFA_MSG_SEND_DIRECT_RESP_32, w1 << 16,
                   FFA_MSG_FLAG_FRAMEWORK | (((uint32_t)call.x[2] & 0xffu) + 1u), 0);
            break;
        }
        if (call.x[3] == FORWARD) {
            /* 0x8001 asks 0x8003, which is preempted: the chain ends at 0x8003. */
            s->chain = (struct ctx){PREEMPTED, FFA_SENDER(w1), FFA_RECEIVER(w1), call.x[3]};
            maybe_hold(s, fid);
            answer(out, FFA_INTERRUPT, TARGET(SP_CHAIN, 0), 0, 0);
            break;
        }
        /* Preempted (or not) first: a held call is one whose answer is on its way back. */
        *c = (struct ctx){s->preempt_one_in == 0 || preempt_now(s) ? PREEMPTED : WAITING,
                          FFA_SENDER(w1), FFA_RECEIVER(w1), call.x[3]};
        maybe_hold(s, fid);
        if (c->state == PREEMPTED) {
            answer(out, FFA_INTERRUPT,
                   c == &s->up ? TARGET(SP_UP, 0) : TARGET(SP_MP, (uint32_t)(c - s->mp)), 0, 0);
        } else {
            answer(out, FFA_MSG_SEND_DIRECT_RESP_32,
                   ((uint32_t)FFA_RECEIVER(w1) << 16) | FFA_SENDER(w1), 0, call.x[3] + 1);
        }
        break;
    case FFA_RUN:
        atomic_fetch_add(&s->runs, 1);
        c = ctx_of(s, w1);
        maybe_hold(s, fid);
        if (c == NULL) {
            answer(out, FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0);
        } else if (c->state != PREEMPTED) {
            answer(out, FFA_MSG_WAIT, 0, 0, 0); /* a waiting context given cycles waits again */
        } else if (preempt_now(s)) {
            answer(out, FFA_INTERRUPT, w1, 0, 0);
        } else {
            /* Resumed: it completes its request, to the VM the request came from. */
            c->state = WAITING;
            answer(out, FFA_MSG_SEND_DIRECT_RESP_32, ((uint32_t)c->answer_sp << 16) | c->caller, 0,
                   c->payload + 1);
        }
        break;
    default:
        answer(out, FFA_SUCCESS_32, 0, 0, 0); /* RX_RELEASE, RXTX_UNMAP, ... */
        break;
    }
    pthread_mutex_unlock(&s->lock);
}

static const struct ffa_backend_ops spmc_ops = {
    .name = "tiny-spmc",
    .caps = FFA_BACKEND_CAP_CONCURRENT | FFA_BACKEND_CAP_EMULATED,
    .call = spmc_call,
};

/* Hold the next call `fid` (DIRECT_REQ_32 or FFA_RUN) inside the backend. */
static void hold_next(struct spmc *s, uint32_t fid)
{
    pthread_mutex_lock(&s->lock);
    s->gate[gate_of(fid)].armed = 1;
    pthread_mutex_unlock(&s->lock);
}

/* Returns once a call `fid` is held inside the backend. */
static void wait_until_held(struct spmc *s, uint32_t fid)
{
    pthread_mutex_lock(&s->lock);
    while (!s->gate[gate_of(fid)].held)
        pthread_cond_wait(&s->cond, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

static void release_held(struct spmc *s, uint32_t fid)
{
    pthread_mutex_lock(&s->lock);
    s->gate[gate_of(fid)].released = 1;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

static struct ffa_vm *add_vm(struct world *w, uint16_t id)
{
    struct ffa_vm *vm;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);

    if (ffa_vm_add(w->m, id, 4, 0, &vm) != 0)
        return NULL;
    ffa_mediator_handle(w->m, vm, 0, 0, &r);
    r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    ffa_mediator_handle(w->m, vm, 0, 0, &r);
    return vm;
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    struct ffa_backend be = {&spmc_ops, NULL};

    if (w == NULL)
        return -1;
    pthread_mutex_init(&w->spmc.lock, NULL);
    pthread_cond_init(&w->spmc.cond, NULL);
    w->spmc.seed = 1;
    be.ctx = &w->spmc;
    if (ffa_mediator_create(NULL, &test_host_ops_full, &w->host, &be, &w->m) != 0) {
        free(w);
        return -1;
    }
    w->vm1 = add_vm(w, VM1);
    w->vm2 = add_vm(w, VM2);
    *state = w;
    return w->vm1 != NULL && w->vm2 != NULL ? 0 : -1;
}

static void join_started(struct world *w);

static int teardown(void **state)
{
    struct world *w = *state;
    long allocs;
    int held;

    join_started(w);
    held = th_release_held_locks(&w->host); /* a failed assertion inside the mediator */
    ffa_mediator_destroy(w->m);
    th_host_cleanup(&w->host);
    allocs = w->host.live_allocs;
    pthread_mutex_destroy(&w->spmc.lock);
    pthread_cond_destroy(&w->spmc.cond);
    free(w);
    return allocs == 0 && held == 0 ? 0 : -1;
}

static struct ffa_regs call_on(struct world *w, struct ffa_vm *vm, uint32_t cpu, struct ffa_regs r)
{
    ffa_mediator_handle(w->m, vm, 0, cpu, &r);
    return r;
}

static struct ffa_regs request(struct world *w, struct ffa_vm *vm, uint16_t sp, uint32_t cpu,
                               uint64_t payload)
{
    return call_on(w, vm, cpu,
                   th_regs(FFA_MSG_SEND_DIRECT_REQ_32, ((uint32_t)ffa_vm_id(vm) << 16) | sp, 0,
                           payload, 0, 0, 0, 0));
}

static struct ffa_regs run_on(struct world *w, struct ffa_vm *vm, uint32_t cpu, uint32_t target)
{
    return call_on(w, vm, cpu, th_regs(FFA_RUN, target, 0, 0, 0, 0, 0, 0));
}

static void *pending_main(void *arg)
{
    struct pending *p = arg;

    struct ffa_vm *added;

    if (p->add_id != 0)
        p->add_ret = ffa_vm_add(p->w->m, p->add_id, 1, 0, &added);
    else if (p->run_target != 0)
        p->reply = run_on(p->w, p->vm, p->cpu, p->run_target);
    else
        p->reply = request(p->w, p->vm, p->sp, p->cpu, p->payload);
    return NULL;
}

/* Run `call` on a new thread; the world keeps it (a failed test's teardown joins it). */
static struct pending *start(struct pending call)
{
    struct world *w = call.w;
    struct pending *p;

    assert_true(w->npend < 2);
    p = &w->pend[w->npend++];
    *p = call;
    assert_int_equal(pthread_create(&p->thread, NULL, pending_main, p), 0);
    p->running = 1;
    return p;
}

static void finish(struct pending *p)
{
    p->running = 0;
    assert_int_equal(pthread_join(p->thread, NULL), 0);
}

/* After a failed assertion: open every gate so that held calls return, and join their threads. */
static void join_started(struct world *w)
{
    for (int i = 0; i < w->npend; i++) {
        struct pending *p = &w->pend[i];

        if (!p->running)
            continue;
        pthread_mutex_lock(&w->spmc.lock);
        for (int g = 0; g < 2; g++) {
            w->spmc.gate[g].armed = 0;
            w->spmc.gate[g].released = 1;
        }
        pthread_cond_broadcast(&w->spmc.cond);
        pthread_mutex_unlock(&w->spmc.lock);
        pthread_join(p->thread, NULL);
        p->running = 0;
    }
    w->npend = 0;
}

/* ---- Deterministic: the window between the secure world's answer and the mediator ---- */

/*
 * VM 1's request is inside the secure world (held there: the SPMC has preempted 0x8001 and its
 * FFA_INTERRUPT is on its way back). VM 2's FFA_RUN of 0x8001 must not get there in this window,
 * and VM 1 must get its response when it resumes its request.
 */
static void test_run_of_a_context_whose_request_is_in_flight_is_refused(void **state)
{
    struct world *w = *state;
    const struct pending p_call = {
        .w = w, .vm = w->vm1, .sp = SP_UP, .cpu = 0, .payload = 41, .run_target = 0};
    struct pending *p;
    struct ffa_regs r;

    hold_next(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    p = start(p_call);
    wait_until_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    r = run_on(w, w->vm2, 1, TARGET(SP_UP, 0));
    release_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    finish(p);
    th_assert_error(&r, FFA_RET_BUSY);
    assert_int_equal(atomic_load(&w->spmc.runs), 0); /* VM 2 never reached the secure world */
    assert_int_equal(p->reply.x[0], FFA_INTERRUPT);
    assert_int_equal(p->reply.x[1], TARGET(SP_UP, 0));
    r = run_on(w, w->vm1, 0, TARGET(SP_UP, 0));
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[1], (SP_UP << 16) | VM1);
    assert_int_equal(r.x[3], 42);
}

/* Parked afterwards: the other VM is denied, as before. */
static void test_run_of_a_context_parked_for_another_vm_is_denied(void **state)
{
    struct world *w = *state;
    struct ffa_regs r = request(w, w->vm1, SP_UP, 0, 7);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = run_on(w, w->vm2, 0, TARGET(SP_UP, 0));
    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(atomic_load(&w->spmc.runs), 0);
    r = run_on(w, w->vm1, 0, TARGET(SP_UP, 0));
    assert_int_equal(r.x[3], 8);
}

/* A request to a context another VM's request holds is BUSY, without reaching the SPMC. */
static void test_request_to_a_claimed_context_is_busy(void **state)
{
    struct world *w = *state;
    struct ffa_regs r = request(w, w->vm1, SP_UP, 0, 7);
    unsigned reqs = atomic_load(&w->spmc.reqs);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = request(w, w->vm2, SP_UP, 1, 9);
    th_assert_error(&r, FFA_RET_BUSY);
    assert_int_equal(atomic_load(&w->spmc.reqs), reqs);
    r = run_on(w, w->vm1, 0, TARGET(SP_UP, 0));
    assert_int_equal(r.x[3], 8);
    r = request(w, w->vm2, SP_UP, 1, 9); /* free again */
    assert_int_equal(r.x[0], FFA_INTERRUPT);
    r = run_on(w, w->vm2, 1, TARGET(SP_UP, 0));
    assert_int_equal(r.x[3], 10);
}

/* An MP partition: the request lands on the context of the processor it is issued on. */
static void test_mp_partition_claims_the_context_of_the_calling_processor(void **state)
{
    struct world *w = *state;
    const struct pending p_call = {
        .w = w, .vm = w->vm1, .sp = SP_MP, .cpu = 1, .payload = 5, .run_target = 0};
    struct pending *p;
    struct ffa_regs r;

    hold_next(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    p = start(p_call);
    wait_until_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    r = run_on(w, w->vm2, 0, TARGET(SP_MP, 1));
    th_assert_error(&r, FFA_RET_BUSY);
    r = run_on(w, w->vm2, 0, TARGET(SP_MP, 0)); /* the other context is free: forwarded */
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    release_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    finish(p);
    assert_int_equal(p->reply.x[1], TARGET(SP_MP, 1));
    r = run_on(w, w->vm2, 0, TARGET(SP_MP, 1));
    th_assert_error(&r, FFA_RET_DENIED);
    r = run_on(w, w->vm1, 1, TARGET(SP_MP, 1));
    assert_int_equal(r.x[3], 6);
}

/*
 * A chain (0x8001 asked 0x8003, which was preempted): VM 2 runs 0x8003 while VM 1's request is
 * still inside the secure world, and the chain completes on VM 2's call. VM 2 gets ABORTED; VM 1's
 * request, when its answer comes back, gets the response instead of the FFA_INTERRUPT.
 */
static void test_chain_response_brought_back_by_another_vm_reaches_its_owner(void **state)
{
    struct world *w = *state;
    const struct pending p_call = {
        .w = w, .vm = w->vm1, .sp = SP_UP, .cpu = 0, .payload = FORWARD, .run_target = 0};
    struct pending *p;
    struct ffa_regs r;

    hold_next(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    p = start(p_call);
    wait_until_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    r = run_on(w, w->vm2, 1, TARGET(SP_CHAIN, 0));
    th_assert_error(&r, FFA_RET_ABORTED);
    release_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    finish(p);
    assert_int_equal(p->reply.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(p->reply.x[1], (SP_UP << 16) | VM1);
    assert_int_equal(p->reply.x[3], FORWARD + 1);
    /* The chain is over: its contexts are free. */
    r = run_on(w, w->vm2, 1, TARGET(SP_UP, 0));
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
}

/*
 * The same chain, the other order: VM 1's FFA_INTERRUPT(0x8003) comes back while VM 2's FFA_RUN
 * of 0x8003 is inside the secure world. Until it returns VM 1 is told to try again; then 0x8003
 * is VM 1's, and its FFA_RUN gets the response VM 2's call brought back.
 */
static void test_chain_context_run_by_another_vm_comes_back_to_its_owner(void **state)
{
    struct world *w = *state;
    const struct pending p1_call = {
        .w = w, .vm = w->vm1, .sp = SP_UP, .cpu = 0, .payload = FORWARD, .run_target = 0};
    struct pending *p1;
    const struct pending p2_call = {
        .w = w, .vm = w->vm2, .cpu = 1, .run_target = TARGET(SP_CHAIN, 0)};
    struct pending *p2;
    struct ffa_regs r;

    hold_next(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    p1 = start(p1_call);
    wait_until_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    hold_next(&w->spmc, FFA_RUN);
    p2 = start(p2_call);
    wait_until_held(&w->spmc, FFA_RUN);
    /* Both are inside now; let VM 1's request come back first. */
    release_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    finish(p1);
    assert_int_equal(p1->reply.x[0], FFA_INTERRUPT);
    assert_int_equal(p1->reply.x[1], TARGET(SP_CHAIN, 0));
    r = run_on(w, w->vm1, 0, TARGET(SP_CHAIN, 0));
    assert_int_equal(r.x[0], FFA_INTERRUPT); /* VM 2's call is still inside: try again */
    assert_int_equal(r.x[1], TARGET(SP_CHAIN, 0));
    assert_int_equal(atomic_load(&w->spmc.runs), 1);
    release_held(&w->spmc, FFA_RUN);
    finish(p2);
    th_assert_error(&p2->reply, FFA_RET_ABORTED);
    r = run_on(w, w->vm1, 0, TARGET(SP_CHAIN, 0));
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(r.x[3], FORWARD + 1);
    assert_int_equal(atomic_load(&w->spmc.runs), 1); /* delivered by the mediator */
}

/*
 * The hypervisor's own message (a VM-created message to 0x8004, from ffa_vm_add()) is inside the
 * secure world: its context is claimed for the hypervisor before the message was sent, so a VM's
 * FFA_RUN of it or request to it is BUSY and never reaches the secure world in that window.
 */
static void test_context_of_a_hypervisor_message_in_flight_is_busy_for_vms(void **state)
{
    struct world *w = *state;
    const struct pending p_call = {.w = w, .add_id = 0x0003};
    struct pending *p;
    struct ffa_regs r, q;
    unsigned reqs;

    hold_next(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    p = start(p_call);
    wait_until_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    reqs = atomic_load(&w->spmc.reqs);
    r = run_on(w, w->vm2, 0, TARGET(SP_LC, 0));
    q = request(w, w->vm1, SP_LC, 1, 3);
    release_held(&w->spmc, FFA_MSG_SEND_DIRECT_REQ_32);
    finish(p);
    th_assert_error(&r, FFA_RET_BUSY);
    th_assert_error(&q, FFA_RET_BUSY);
    assert_int_equal(atomic_load(&w->spmc.runs), 0);
    assert_int_equal(atomic_load(&w->spmc.reqs), reqs);
    assert_int_equal(p->add_ret, 0);            /* acknowledged: the VM is ACTIVE */
    r = run_on(w, w->vm2, 0, TARGET(SP_LC, 0)); /* the message is over: free again */
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
}

/* ---- Many threads ---- */

#define ROUNDS 400

struct worker {
    struct world *w;
    struct ffa_vm *vm;
    uint32_t cpu;
    int hostile; /* runs every context it can name, over and over */
    unsigned completed, lost, foreign;
    pthread_t thread;
};

/* A guest's request loop (Linux's ffa_msg_send_wait_for_completion()): REQ, then RUN until done. */
static void *worker_main(void *arg)
{
    struct worker *k = arg;
    uint16_t sp = k->cpu % 2 == 0 ? SP_UP : SP_MP;

    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t payload = ((uint64_t)ffa_vm_id(k->vm) << 24) | (k->cpu << 16) | i;
        struct ffa_regs r;

        if (k->hostile) {
            static const uint32_t targets[] = {TARGET(SP_UP, 0), TARGET(SP_MP, 0),
                                               TARGET(SP_MP, 1)};

            r = run_on(k->w, k->vm, k->cpu, targets[i % 3]);
            if (r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 &&
                FFA_RECEIVER((uint32_t)r.x[1]) != ffa_vm_id(k->vm))
                k->foreign++;
            continue;
        }
        uint32_t target = 0;

        do
            r = request(k->w, k->vm, sp, k->cpu, payload);
        while (r.x[0] == FFA_ERROR && (int32_t)r.x[2] == FFA_RET_BUSY);
        while (r.x[0] == FFA_INTERRUPT || r.x[0] == FFA_MSG_YIELD ||
               (r.x[0] == FFA_ERROR && (int32_t)r.x[2] == FFA_RET_BUSY && target != 0)) {
            if (r.x[0] != FFA_ERROR)
                target = (uint32_t)r.x[1];
            r = run_on(k->w, k->vm, k->cpu, target);
        }
        if (r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == payload + 1)
            k->completed++;
        else
            k->lost++;
    }
    return NULL;
}

/*
 * VM 1 on processors 0 and 1 sends requests that the SPMC preempts half the time; VM 2 on
 * processors 2 and 3 runs every context it can name, all the time. Every one of VM 1's requests
 * must end with its own response; VM 2 must never get one of VM 1's.
 */
static void test_requests_survive_another_vm_running_their_contexts(void **state)
{
    struct world *w = *state;
    struct worker k[4] = {
        {w, w->vm1, 0, 0, 0, 0, 0, 0},
        {w, w->vm1, 1, 0, 0, 0, 0, 0},
        {w, w->vm2, 2, 1, 0, 0, 0, 0},
        {w, w->vm2, 3, 1, 0, 0, 0, 0},
    };

    w->spmc.preempt_one_in = 2;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&k[i].thread, NULL, worker_main, &k[i]), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(k[i].thread, NULL), 0);
    assert_int_equal(k[0].lost + k[1].lost, 0);
    assert_int_equal(k[0].completed + k[1].completed, 2 * ROUNDS);
    assert_int_equal(k[2].foreign + k[3].foreign, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_run_of_a_context_whose_request_is_in_flight_is_refused),
        T(test_run_of_a_context_parked_for_another_vm_is_denied),
        T(test_request_to_a_claimed_context_is_busy),
        T(test_mp_partition_claims_the_context_of_the_calling_processor),
        T(test_chain_response_brought_back_by_another_vm_reaches_its_owner),
        T(test_chain_context_run_by_another_vm_comes_back_to_its_owner),
        T(test_context_of_a_hypervisor_message_in_flight_is_busy_for_vms),
        T(test_requests_survive_another_vm_running_their_contexts),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
