/* SPDX-License-Identifier: BSD-3-Clause */
/* Record mode: pass calls through to another backend and write them as a mock script. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "mock_internal.h"

struct ffa_recorder {
    pthread_mutex_t lock; /* keeps each call line next to its reply */
    struct ffa_backend inner;
    struct ffa_backend_ops ops; /* the inner capabilities, minus concurrency */
    FILE *out;
};

static void recorder_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct ffa_recorder *rec = ctx;
    const struct ffa_regs call = *in; /* `out` may alias the input */
    char line[1024];

    pthread_mutex_lock(&rec->lock);
    ffa_backend_call(&rec->inner, cpu, &call, out);
    ffa_mock_format_line(line, sizeof(line), "call", &call, 1);
    fprintf(rec->out, "%s cpu=%u\n", line, cpu);
    ffa_mock_format_line(line, sizeof(line), "reply", out, 0);
    fprintf(rec->out, "%s\n", line);
    fflush(rec->out);
    pthread_mutex_unlock(&rec->lock);
}

struct ffa_recorder *ffa_recorder_create(const struct ffa_backend *inner, FILE *out)
{
    struct ffa_recorder *rec = calloc(1, sizeof(*rec));

    if (rec == NULL)
        return NULL;
    pthread_mutex_init(&rec->lock, NULL);
    rec->inner = *inner;
    rec->out = out;
    rec->ops.name = inner->ops->name;
    /* One call at a time, so the script's order is the order the secure world saw. */
    rec->ops.caps = inner->ops->caps & ~FFA_BACKEND_CAP_CONCURRENT;
    rec->ops.call = recorder_call;
    rec->ops.destroy = NULL;
    fprintf(out, "# libffa-mediator mock script, recorded from backend \"%s\"\n", inner->ops->name);
    return rec;
}

struct ffa_backend ffa_recorder_backend(struct ffa_recorder *rec)
{
    struct ffa_backend be = {&rec->ops, rec};

    return be;
}

void ffa_recorder_destroy(struct ffa_recorder *rec)
{
    if (rec == NULL)
        return;
    fflush(rec->out);
    pthread_mutex_destroy(&rec->lock);
    free(rec);
}
