/* SPDX-License-Identifier: BSD-3-Clause */
/* The scripted secure world: an ordered list of expected calls and their replies. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/names.h"
#include "mock_internal.h"

struct ffa_mock {
    pthread_mutex_t lock; /* guards everything below */
    struct ffa_mock_step *steps;
    size_t count, cap;
    size_t next;  /* first unconsumed step */
    size_t calls; /* calls received */
    int failed;   /* a failure was reported */
    ffa_mock_fail_fn fail;
    void *fail_ctx;
};

static void default_fail(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "%s\n", message);
    fflush(stderr);
    abort();
}

struct ffa_mock *ffa_mock_create(void)
{
    struct ffa_mock *mock = calloc(1, sizeof(*mock));

    if (mock == NULL)
        return NULL;
    pthread_mutex_init(&mock->lock, NULL);
    mock->fail = default_fail;
    return mock;
}

void ffa_mock_destroy(struct ffa_mock *mock)
{
    if (mock == NULL)
        return;
    pthread_mutex_destroy(&mock->lock);
    free(mock->steps);
    free(mock);
}

void ffa_mock_set_fail_handler(struct ffa_mock *mock, ffa_mock_fail_fn fn, void *ctx)
{
    pthread_mutex_lock(&mock->lock);
    mock->fail = fn != NULL ? fn : default_fail;
    mock->fail_ctx = fn != NULL ? ctx : NULL;
    pthread_mutex_unlock(&mock->lock);
}

int ffa_mock_expect(struct ffa_mock *mock, const struct ffa_mock_step *step)
{
    int ret = 0;

    pthread_mutex_lock(&mock->lock);
    if (mock->count == mock->cap) {
        size_t cap = mock->cap != 0 ? mock->cap * 2 : 16;
        struct ffa_mock_step *steps = realloc(mock->steps, cap * sizeof(*steps));

        if (steps == NULL) {
            ret = -1;
            goto out;
        }
        mock->steps = steps;
        mock->cap = cap;
    }
    mock->steps[mock->count] = *step;
    mock->steps[mock->count].match |= FFA_MOCK_X(0);
    mock->count++;
out:
    pthread_mutex_unlock(&mock->lock);
    return ret;
}

size_t ffa_mock_pending(const struct ffa_mock *mock)
{
    struct ffa_mock *m = (struct ffa_mock *)mock;
    size_t n;

    pthread_mutex_lock(&m->lock);
    n = m->count - m->next;
    pthread_mutex_unlock(&m->lock);
    return n;
}

size_t ffa_mock_calls(const struct ffa_mock *mock)
{
    struct ffa_mock *m = (struct ffa_mock *)mock;
    size_t n;

    pthread_mutex_lock(&m->lock);
    n = m->calls;
    pthread_mutex_unlock(&m->lock);
    return n;
}

static const char *fid_label(uint64_t x0)
{
    const char *name = ffa_func_name((uint32_t)x0);

    return name != NULL ? name : "(not an FF-A function)";
}

/* Append printf output to a fixed buffer, truncating quietly. */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*pos >= len)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n < len - *pos ? (size_t)n : len - *pos;
}

/*
 * Registers side by side: the processor, every register the step matches, and every non-zero
 * actual one.
 */
static void append_reg_table(char *buf, size_t len, size_t *pos, const struct ffa_mock_step *s,
                             uint32_t cpu, const struct ffa_regs *actual)
{
    int cares_cpu = s != NULL && (s->match & FFA_MOCK_CPU) != 0;
    char exp_cpu[16] = "any";

    if (cares_cpu)
        snprintf(exp_cpu, sizeof(exp_cpu), "%u", s->cpu);
    append(buf, len, pos, "  reg  %-20s %-20s\n", "expected", "actual");
    append(buf, len, pos, "  cpu  %-20s %-20u%s\n", exp_cpu, cpu,
           cares_cpu && s->cpu != cpu ? "  <-- mismatch" : "");
    for (unsigned i = 0; i < FFA_NUM_REGS; i++) {
        int cares = s != NULL && (s->match & FFA_MOCK_X(i)) != 0;
        char exp[64] = "any", act[64];

        if (!cares && actual->x[i] == 0)
            continue;
        if (cares)
            ffa_mock_format_value(exp, sizeof(exp), (uint32_t)s->call.x[0], i, s->call.x[i]);
        ffa_mock_format_value(act, sizeof(act), (uint32_t)actual->x[0], i, actual->x[i]);
        append(buf, len, pos, "  x%-3u %-20s %-20s%s\n", i, exp, act,
               cares && s->call.x[i] != actual->x[i] ? "  <-- mismatch" : "");
    }
}

/* Report a failure with the lock dropped, so a handler that longjmps leaves the mock usable. */
static void report(struct ffa_mock *mock, const char *message)
{
    ffa_mock_fail_fn fn = mock->fail;
    void *ctx = mock->fail_ctx;

    mock->failed = 1;
    pthread_mutex_unlock(&mock->lock);
    fn(ctx, message);
    pthread_mutex_lock(&mock->lock);
}

static void mock_call(void *ctx, uint32_t cpu, const struct ffa_regs *in_regs, struct ffa_regs *out)
{
    struct ffa_mock *mock = ctx;
    const struct ffa_regs call = *in_regs; /* `out` may alias the input */
    const struct ffa_regs *in = &call;
    const struct ffa_mock_step *s;
    char msg[8192];
    size_t pos = 0;
    size_t call_no;
    uint32_t diff = 0;
    int cpu_differs;

    pthread_mutex_lock(&mock->lock);
    call_no = ++mock->calls;
    memset(out, 0, sizeof(*out));
    if (mock->next == mock->count) {
        append(msg, sizeof(msg), &pos,
               "ffa mock: unexpected call #%zu %s: no expectations left (cpu %u)\n", call_no,
               fid_label(in->x[0]), cpu);
        append_reg_table(msg, sizeof(msg), &pos, NULL, cpu, in);
        out->x[0] = FFA_ERROR;
        out->x[2] = (uint32_t)FFA_RET_ABORTED;
        report(mock, msg);
        pthread_mutex_unlock(&mock->lock);
        return;
    }
    s = &mock->steps[mock->next++];
    for (unsigned i = 0; i < FFA_NUM_REGS; i++) {
        if ((s->match & FFA_MOCK_X(i)) != 0 && s->call.x[i] != in->x[i])
            diff |= FFA_MOCK_X(i);
    }
    cpu_differs = (s->match & FFA_MOCK_CPU) != 0 && s->cpu != cpu;
    if (diff != 0 || cpu_differs) {
        char where[32] = "";

        if (s->line != 0)
            snprintf(where, sizeof(where), " (script line %u)", s->line);
        append(msg, sizeof(msg), &pos, "ffa mock: call #%zu%s: expected %s, got %s on cpu %u\n",
               call_no, where, fid_label(s->call.x[0]), fid_label(in->x[0]), cpu);
        append_reg_table(msg, sizeof(msg), &pos, s, cpu, in);
        out->x[0] = FFA_ERROR;
        out->x[2] = (uint32_t)FFA_RET_ABORTED;
        report(mock, msg);
        pthread_mutex_unlock(&mock->lock);
        return;
    }
    {
        const struct ffa_mock_step step = *s; /* the effect may add steps (realloc) */

        pthread_mutex_unlock(&mock->lock);
        if (step.effect != NULL)
            step.effect(step.effect_ctx, in);
        *out = step.reply;
    }
}

int ffa_mock_verify(struct ffa_mock *mock)
{
    char msg[8192];
    size_t pos = 0;
    int ret;

    pthread_mutex_lock(&mock->lock);
    if (mock->next < mock->count) {
        append(msg, sizeof(msg), &pos, "ffa mock: %zu expected call(s) never made:\n",
               mock->count - mock->next);
        for (size_t i = mock->next; i < mock->count && i < mock->next + 8; i++) {
            char line[512];

            ffamk_format_expectation(line, sizeof(line), &mock->steps[i]);
            append(msg, sizeof(msg), &pos, "  %s\n", line);
        }
        report(mock, msg);
    }
    ret = mock->failed ? -1 : 0;
    pthread_mutex_unlock(&mock->lock);
    return ret;
}

static const struct ffa_backend_ops mock_ops = {
    .name = "mock",
    .caps = FFA_BACKEND_CAP_EMULATED,
    .call = mock_call,
    .destroy = NULL, /* the test owns the mock: ffa_mock_destroy() */
};

struct ffa_backend ffa_mock_backend(struct ffa_mock *mock)
{
    struct ffa_backend be = {&mock_ops, mock};

    return be;
}
