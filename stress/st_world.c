/* SPDX-License-Identifier: BSD-3-Clause */
#include "st_world.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"

__thread uint16_t st_current_vm;

static __thread uint64_t rng_state;

static uint32_t rnd(void)
{
    if (rng_state == 0)
        rng_state = (uint64_t)(uintptr_t)&rng_state | 1u;
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

void st_world_init(struct st_world *w, unsigned preempt_per_256)
{
    memset(w, 0, sizeof(*w));
    pthread_mutex_init(&w->lock, NULL);
    w->preempt_per_256 = preempt_per_256;
}

void st_world_fini(struct st_world *w)
{
    pthread_mutex_destroy(&w->lock);
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void reply(struct ffa_regs *r, uint32_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
    memset(r, 0, sizeof(*r));
    r->x[0] = x0;
    r->x[1] = x1;
    r->x[2] = x2;
    r->x[3] = x3;
}

static int parked_index(struct st_world *w, uint32_t target)
{
    for (unsigned i = 0; i < ST_PARKED; i++) {
        if (w->parked[i].used && w->parked[i].target == target)
            return (int)i;
    }
    return -1;
}

/* The response of an SP to a direct request: the payload, back to the sender. */
static void respond(const struct ffa_regs *in, struct ffa_regs *r)
{
    uint32_t fid = (uint32_t)in->x[0];
    uint32_t w1 = (uint32_t)in->x[1];

    memset(r, 0, sizeof(*r));
    r->x[1] = (uint32_t)FFA_RECEIVER(w1) << 16 | FFA_SENDER(w1);
    if (fid == FFA_MSG_SEND_DIRECT_REQ2) {
        r->x[0] = FFA_MSG_SEND_DIRECT_RESP2;
        for (int i = 4; i < FFA_NUM_REGS; i++)
            r->x[i] = in->x[i];
        return;
    }
    r->x[0] = fid == FFA_MSG_SEND_DIRECT_REQ_64 ? FFA_MSG_SEND_DIRECT_RESP_64
                                                : FFA_MSG_SEND_DIRECT_RESP_32;
    for (int i = 3; i < 8; i++)
        r->x[i] = in->x[i];
}

static void direct_req(struct st_world *w, uint32_t cpu, const struct ffa_regs *in,
                       struct ffa_regs *r)
{
    uint16_t sp = FFA_RECEIVER((uint32_t)in->x[1]);
    uint32_t target = (uint32_t)sp << 16 | (cpu % ST_CTX);
    bool preempt;
    int slot;

    if (sp < ST_SP_FIRST || sp >= ST_SP_FIRST + ST_SPS) {
        reply(r, FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0);
        return;
    }
    pthread_mutex_lock(&w->lock);
    w->requests++;
    if (parked_index(w, target) >= 0) {
        pthread_mutex_unlock(&w->lock);
        reply(r, FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0); /* that context is not waiting */
        return;
    }
    preempt = (rnd() & 0xffu) < w->preempt_per_256;
    if (!preempt) {
        w->responses++;
        pthread_mutex_unlock(&w->lock);
        respond(in, r);
        return;
    }
    slot = (int)((sp - ST_SP_FIRST) * ST_CTX + (cpu % ST_CTX));
    w->parked[slot].used = true;
    w->parked[slot].target = target;
    w->parked[slot].owner = FFA_SENDER((uint32_t)in->x[1]);
    respond(in, &w->parked[slot].resp);
    w->preemptions++;
    pthread_mutex_unlock(&w->lock);
    /* The interrupt is being handled: the normal world is running again on another PE. */
    sched_yield();
    reply(r, FFA_INTERRUPT, target, 0, 0);
}

static void run(struct st_world *w, const struct ffa_regs *in, struct ffa_regs *r)
{
    uint32_t target = (uint32_t)in->x[1];
    int i;

    pthread_mutex_lock(&w->lock);
    w->runs++;
    i = parked_index(w, target);
    if (i < 0) {
        pthread_mutex_unlock(&w->lock);
        reply(r, FFA_MSG_WAIT, 0, 0, 0); /* a waiting context given cycles waits again */
        return;
    }
    if ((rnd() & 0xffu) < w->preempt_per_256 / 2) {
        pthread_mutex_unlock(&w->lock);
        reply(r, FFA_INTERRUPT, target, 0, 0);
        return;
    }
    *r = w->parked[i].resp;
    w->parked[i].used = false;
    w->responses++;
    /* The hypervisor's own FFA_RUN (0: a removed VM's context resumed at its removal) loses
     * nothing: the VM is gone. */
    if (w->parked[i].owner != 0 && st_current_vm != 0 && w->parked[i].owner != st_current_vm &&
        w->n_lost < ST_LOST_LOG)
        w->lost[w->n_lost++] =
            (struct st_lost){(uint32_t)r->x[0] == FFA_MSG_SEND_DIRECT_RESP2 ? r->x[4] : r->x[3],
                             w->parked[i].owner, st_current_vm};
    pthread_mutex_unlock(&w->lock);
}

static void partition_list(struct st_world *w, struct ffa_regs *r)
{
    pthread_mutex_lock(&w->lock);
    if (w->own_rx != NULL) {
        for (unsigned i = 0; i < ST_SPS; i++) {
            uint8_t *e = w->own_rx + 24 * i;

            memset(e, 0, 24);
            put_le(e, ST_SP_FIRST + i, 2);
            put_le(e + 2, ST_CTX, 2);
            put_le(e + 4, 0x303u, 4); /* direct req send/recv, AArch64, REQ2 recv */
            memset(e + 8, (int)(0x40u + i), 16);
        }
    }
    pthread_mutex_unlock(&w->lock);
    reply(r, FFA_SUCCESS_32, 0, ST_SPS, 24);
}

static void world_call(void *ctx, uint32_t cpu, const struct ffa_regs *in_regs,
                       struct ffa_regs *out)
{
    struct st_world *w = ctx;
    struct ffa_regs in = *in_regs, r;
    uint32_t fid = (uint32_t)in.x[0];

    switch (fid) {
    case FFA_VERSION:
        reply(&r, FFA_VERSION_1_2, 0, 0, 0);
        break;
    case FFA_FEATURES:
        reply(&r, FFA_SUCCESS_32, 0, 0, 0);
        break;
    case FFA_RXTX_MAP_64:
        if (in.x[1] != 0) {
            pthread_mutex_lock(&w->lock);
            w->own_rx = (uint8_t *)(uintptr_t)in.x[2];
            pthread_mutex_unlock(&w->lock);
        }
        reply(&r, FFA_SUCCESS_32, 0, 0, 0);
        break;
    case FFA_PARTITION_INFO_GET:
        partition_list(w, &r);
        break;
    case FFA_SPM_ID_GET:
        reply(&r, FFA_SUCCESS_32, 0, FFA_ID_SPMC, 0);
        break;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_REQ2:
        direct_req(w, cpu, &in, &r);
        break;
    case FFA_RUN:
        run(w, &in, &r);
        break;
    case FFA_RXTX_UNMAP:
    case FFA_RX_ACQUIRE:
    case FFA_RX_RELEASE:
    case FFA_MSG_SEND2:
    case FFA_NOTIFICATION_BITMAP_CREATE: /* each VM's, at ffa_vm_add() and its removal */
    case FFA_NOTIFICATION_BITMAP_DESTROY:
        reply(&r, FFA_SUCCESS_32, 0, 0, 0);
        break;
    default:
        reply(&r, FFA_ERROR, 0, (uint32_t)FFA_RET_NOT_SUPPORTED, 0);
        break;
    }
    *out = r;
}

static const struct ffa_backend_ops world_ops = {
    .name = "stress-model",
    .caps = FFA_BACKEND_CAP_CONCURRENT | FFA_BACKEND_CAP_EMULATED,
    .call = world_call,
};

struct ffa_backend st_world_backend(struct st_world *w)
{
    struct ffa_backend be = {&world_ops, w};

    return be;
}

bool st_world_lost(struct st_world *w, uint16_t vm, uint64_t token, uint16_t *into)
{
    bool found = false;

    pthread_mutex_lock(&w->lock);
    for (unsigned i = 0; i < w->n_lost && !found; i++) {
        if (w->lost[i].owner == vm && w->lost[i].token == token) {
            *into = w->lost[i].into;
            found = true;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return found;
}

unsigned st_world_forget_vm(struct st_world *w, uint16_t vm)
{
    unsigned n = 0;

    pthread_mutex_lock(&w->lock);
    for (unsigned i = 0; i < ST_PARKED; i++) {
        if (w->parked[i].used && w->parked[i].owner == vm) {
            w->parked[i].owner = 0;
            n++;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return n;
}
