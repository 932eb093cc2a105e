/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stress program's fake secure world: a thread-safe SPMC model that answers consistently.
 *
 * Partitions ST_SP_FIRST.. (ST_SPS of them, ST_CTX execution contexts each) answer direct
 * requests with the request's payload (w3..w7 or x4..x17) addressed back to the sender; a request
 * is sometimes preempted instead (FFA_INTERRUPT naming the context, which then owes the response)
 * and FFA_RUN of a parked context gives the owed response (or preempts again). The context a
 * request runs on is the one of the processor it arrives on (cpu % ST_CTX), as Hafnium picks the
 * vCPU of the current PE. It writes the partition list into the mediator's RX buffer and says
 * SUCCESS to the buffer ABIs.
 *
 * It remembers, for every owed response it hands out, which VM's call it went into (the calling
 * thread names its VM in st_current_vm), so a lost response can be told apart: "went into another
 * VM's FFA_RUN" (the mediator let that VM resume someone else's context) or "never produced".
 */
#ifndef ST_WORLD_H
#define ST_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ffa/backend.h"

#define ST_SPS      3u
#define ST_CTX      2u
#define ST_SP_FIRST 0x8001u
#define ST_PARKED   (ST_SPS * ST_CTX)
#define ST_LOST_LOG 64u

/* The VM whose call the current thread is making (0: the mediator's own calls). */
extern __thread uint16_t st_current_vm;

struct st_lost {
    uint64_t token; /* w3 of the owed response */
    uint16_t owner, into;
};

struct st_world {
    pthread_mutex_t lock;
    uint8_t *own_rx;
    unsigned preempt_per_256; /* probability of preempting a request */
    struct {
        bool used;
        uint32_t target;
        uint16_t owner;
        struct ffa_regs resp;
    } parked[ST_PARKED];
    uint64_t requests, responses, preemptions, runs;
    /* Owed responses handed into another VM's call: the victims' tokens. */
    struct st_lost lost[ST_LOST_LOG];
    unsigned n_lost;
};

void st_world_init(struct st_world *w, unsigned preempt_per_256);
void st_world_fini(struct st_world *w);
struct ffa_backend st_world_backend(struct st_world *w);

/* Was the response carrying `token` owed to `vm` handed into another VM's call? */
bool st_world_lost(struct st_world *w, uint16_t vm, uint64_t token, uint16_t *into);

/* A VM is gone: responses its parked contexts owe are owed to nobody. Returns how many. */
unsigned st_world_forget_vm(struct st_world *w, uint16_t vm);

#endif /* ST_WORLD_H */
