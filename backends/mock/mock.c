/* SPDX-License-Identifier: BSD-3-Clause */
/* The scripted secure world: an ordered list of expected calls and their replies. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/format.h"
#include "ffa/names.h"
#include "mock_internal.h"

struct ffa_mock {
    pthread_mutex_t lock;        /* guards everything below */
    struct ffa_mock_step *steps; /* each step's `mem` is the mock's own copy (copy_mem()) */
    size_t count, cap;
    size_t next;  /* first unconsumed step */
    size_t calls; /* calls received */
    int failed;   /* a failure was reported */
    ffa_mock_fail_fn fail;
    void *fail_ctx;
    struct ffamk_buffers bufs; /* the RX/TX pairs the calls mapped, and the memory callback */
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
    for (size_t i = 0; i < mock->count; i++)
        free((void *)mock->steps[i].mem);
    free(mock->steps);
    ffamk_buffers_free(&mock->bufs);
    free(mock);
}

void ffa_mock_set_memory(struct ffa_mock *mock, ffa_mock_memory_fn fn, void *ctx)
{
    pthread_mutex_lock(&mock->lock);
    mock->bufs.mem = fn;
    mock->bufs.ctx = ctx;
    pthread_mutex_unlock(&mock->lock);
}

/*
 * One allocation holding the step's memory items, their bytes and masks, so that the mock owns
 * what it was given. Returns NULL when out of memory (or when there is nothing to copy).
 */
static struct ffa_mock_mem *copy_mem(const struct ffa_mock_mem *mem, size_t n)
{
    size_t size = n * sizeof(*mem);
    struct ffa_mock_mem *copy;
    uint8_t *data;

    for (size_t i = 0; i < n; i++)
        size += (size_t)mem[i].len * (mem[i].mask != NULL ? 2 : 1);
    copy = malloc(size);
    if (copy == NULL)
        return NULL;
    data = (uint8_t *)(copy + n);
    for (size_t i = 0; i < n; i++) {
        copy[i] = mem[i];
        memcpy(data, mem[i].bytes, mem[i].len);
        copy[i].bytes = data;
        data += mem[i].len;
        if (mem[i].mask != NULL) {
            memcpy(data, mem[i].mask, mem[i].len);
            copy[i].mask = data;
            data += mem[i].len;
        }
    }
    return copy;
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
    struct ffa_mock_mem *mem = NULL;
    int ret = 0;

    if (step->mem_count != 0 && (mem = copy_mem(step->mem, step->mem_count)) == NULL)
        return -1;
    pthread_mutex_lock(&mock->lock);
    if (mock->count == mock->cap) {
        size_t cap = mock->cap != 0 ? mock->cap * 2 : 16;
        struct ffa_mock_step *steps = realloc(mock->steps, cap * sizeof(*steps));

        if (steps == NULL) {
            free(mem);
            ret = -1;
            goto out;
        }
        mock->steps = steps;
        mock->cap = cap;
    }
    mock->steps[mock->count] = *step;
    mock->steps[mock->count].match |= FFA_MOCK_X(0);
    mock->steps[mock->count].mem = mem;
    mock->steps[mock->count].mem_count = mem != NULL ? step->mem_count : 0;
    mock->count++;
out:
    pthread_mutex_unlock(&mock->lock);
    return ret;
}

const struct ffa_mock_step *ffa_mock_step_at(const struct ffa_mock *mock, size_t index)
{
    struct ffa_mock *m = (struct ffa_mock *)mock;
    const struct ffa_mock_step *s;

    pthread_mutex_lock(&m->lock);
    s = index < m->count ? &m->steps[index] : NULL;
    pthread_mutex_unlock(&m->lock);
    return s;
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

/* The call decoded (format.h), as a trace would show it. */
static void append_decoded(char *buf, size_t len, size_t *pos, const struct ffa_regs *call)
{
    char line[512];

    ffa_format_regs(line, sizeof(line), call, FFA_FORMAT_CALL, 0, NULL);
    append(buf, len, pos, "  got: %s\n", line);
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

/* ---- Memory items ---- */

static void buffer_label(char *buf, size_t len, uint16_t endpoint)
{
    if (endpoint == 0)
        snprintf(buf, len, "the hypervisor");
    else
        ffa_format_endpoint(buf, len, endpoint);
}

static void mem_failure(struct ffa_mock *mock, size_t call_no, const struct ffa_mock_step *s,
                        const struct ffa_regs *in, const char *what, const struct ffa_mock_mem *m)
{
    char msg[8192], where[32] = "", who[32];
    size_t pos = 0;

    if (s->line != 0)
        snprintf(where, sizeof(where), " (script line %u)", s->line);
    buffer_label(who, sizeof(who), m->endpoint);
    append(msg, sizeof(msg), &pos, "ffa mock: call #%zu%s: %s %s of %s, %u bytes at 0x%x\n",
           call_no, where, what, m->dir == FFA_MOCK_MEM_TX ? "TX" : "RX", who, m->len, m->offset);
    append_decoded(msg, sizeof(msg), &pos, in);
    report(mock, msg);
}

static void mem_failure_oom(struct ffa_mock *mock, size_t call_no, const struct ffa_regs *in)
{
    char msg[1024];
    size_t pos = 0;

    append(msg, sizeof(msg), &pos, "ffa mock: call #%zu: out of memory for its buffers\n", call_no);
    append_decoded(msg, sizeof(msg), &pos, in);
    report(mock, msg);
}

/* One row of up to 16 bytes: "00 01 ?? 03". */
static void hex_row(char *buf, size_t len, const uint8_t *b, const uint8_t *mask, uint32_t n)
{
    size_t pos = 0;

    buf[0] = '\0';
    for (uint32_t i = 0; i < n; i++) {
        if (mask != NULL && mask[i] == 0)
            append(buf, len, &pos, "%s??", i == 0 ? "" : " ");
        else
            append(buf, len, &pos, "%s%02x", i == 0 ? "" : " ", b[i]);
    }
}

/* The TX bytes the step says the call read, against the buffer: rows that differ, side by side. */
static int tx_differs(struct ffa_mock *mock, size_t call_no, const struct ffa_mock_step *s,
                      const struct ffa_regs *in, const struct ffa_mock_mem *m,
                      const uint8_t *actual)
{
    char msg[8192], where[32] = "", who[32];
    size_t pos = 0;
    unsigned rows = 0;

    for (uint32_t row = 0; row < m->len; row += 16) {
        uint32_t n = m->len - row < 16 ? m->len - row : 16;
        int differs = 0;

        for (uint32_t i = row; i < row + n; i++)
            differs |= (m->mask == NULL || m->mask[i] != 0) && m->bytes[i] != actual[i];
        if (!differs)
            continue;
        if (rows == 0) {
            if (s->line != 0)
                snprintf(where, sizeof(where), " (script line %u)", s->line);
            buffer_label(who, sizeof(who), m->endpoint);
            append(msg, sizeof(msg), &pos,
                   "ffa mock: call #%zu%s: the TX of %s differs from the script (%u bytes at "
                   "0x%x)\n",
                   call_no, where, who, m->len, m->offset);
            append_decoded(msg, sizeof(msg), &pos, in);
            append(msg, sizeof(msg), &pos, "  offset  %-47s  %s\n", "expected", "actual");
        }
        if (++rows <= 16) {
            char exp[64], act[64];

            hex_row(exp, sizeof(exp), m->bytes + row, m->mask != NULL ? m->mask + row : NULL, n);
            hex_row(act, sizeof(act), actual + row, NULL, n);
            append(msg, sizeof(msg), &pos, "  0x%04x  %-47s  %s\n", m->offset + row, exp, act);
        }
    }
    if (rows == 0)
        return 0;
    if (rows > 16)
        append(msg, sizeof(msg), &pos, "  ... %u more rows differ\n", rows - 16);
    report(mock, msg);
    return -1;
}

/* Check the step's TX items. Returns 0, or -1 after reporting. Caller holds the lock. */
static int check_tx(struct ffa_mock *mock, size_t call_no, const struct ffa_mock_step *s,
                    const struct ffa_regs *in)
{
    for (size_t i = 0; i < s->mem_count; i++) {
        const struct ffa_mock_mem *m = &s->mem[i];
        const struct ffamk_pair *pair = ffamk_buffers_find(&mock->bufs, m->endpoint);
        uint8_t *actual;
        int ret;

        if (m->dir != FFA_MOCK_MEM_TX)
            continue;
        if (mock->bufs.mem == NULL) {
            mem_failure(mock, call_no, s, in, "no memory callback (ffa_mock_set_memory) to check",
                        m);
            return -1;
        }
        if (pair == NULL) {
            mem_failure(mock, call_no, s, in, "no buffer mapped for", m);
            return -1;
        }
        actual = malloc(m->len != 0 ? m->len : 1);
        if (actual == NULL || ffamk_buffer_copy(&mock->bufs, pair, FFA_MOCK_MEM_TX, m->offset,
                                                actual, m->len, 0) != 0) {
            free(actual);
            mem_failure(mock, call_no, s, in, "cannot read", m);
            return -1;
        }
        ret = tx_differs(mock, call_no, s, in, m, actual);
        free(actual);
        if (ret != 0)
            return -1;
    }
    return 0;
}

/* Write the step's RX items into the buffers. Caller holds the lock. */
static void write_rx(struct ffa_mock *mock, size_t call_no, const struct ffa_mock_step *s,
                     const struct ffa_regs *in)
{
    for (size_t i = 0; i < s->mem_count; i++) {
        const struct ffa_mock_mem *m = &s->mem[i];
        const struct ffamk_pair *pair = ffamk_buffers_find(&mock->bufs, m->endpoint);

        if (m->dir != FFA_MOCK_MEM_RX)
            continue;
        if (mock->bufs.mem == NULL) {
            mem_failure(mock, call_no, s, in, "no memory callback (ffa_mock_set_memory) to fill",
                        m);
            return;
        }
        if (pair == NULL) {
            mem_failure(mock, call_no, s, in, "no buffer mapped for", m);
            return;
        }
        if (ffamk_buffer_copy(&mock->bufs, pair, FFA_MOCK_MEM_RX, m->offset, (uint8_t *)m->bytes,
                              m->len, 1) != 0) {
            mem_failure(mock, call_no, s, in, "cannot write", m);
            return;
        }
    }
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
    struct ffamk_change change;

    pthread_mutex_lock(&mock->lock);
    call_no = ++mock->calls;
    memset(out, 0, sizeof(*out));
    /* Which buffers the call maps or unmaps (read before the secure world would act on it). */
    ffamk_buffers_before(&mock->bufs, in, &change);
    if (mock->next == mock->count) {
        append(msg, sizeof(msg), &pos,
               "ffa mock: unexpected call #%zu %s: no expectations left (cpu %u)\n", call_no,
               fid_label(in->x[0]), cpu);
        append_decoded(msg, sizeof(msg), &pos, in);
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
        append_decoded(msg, sizeof(msg), &pos, in);
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
        pthread_mutex_lock(&mock->lock);
        if (check_tx(mock, call_no, &step, in) != 0) {
            out->x[0] = FFA_ERROR;
            out->x[2] = (uint32_t)FFA_RET_ABORTED;
            pthread_mutex_unlock(&mock->lock);
            return;
        }
        *out = step.reply;
        if (ffamk_buffers_after(&mock->bufs, &change, out) != 0)
            mem_failure_oom(mock, call_no, in);
        write_rx(mock, call_no, &step, in);
        pthread_mutex_unlock(&mock->lock);
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
