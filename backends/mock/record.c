/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Record mode: pass calls through to another backend and write them as a mock script, with the
 * memory each call read from a TX buffer and wrote into an RX buffer (README, "Mock script
 * format"; mock_internal.h for how buffers are found).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

/* Bytes per memory line of a recording (64 hex digits). */
#define BYTES_PER_LINE 32u
/* Unchanged bytes that still join two changed runs into one memory line. */
#define JOIN_GAP 8u

struct ffa_recorder {
    pthread_mutex_t lock; /* keeps each call line next to its reply; guards everything below */
    struct ffa_backend inner;
    struct ffa_backend_ops ops; /* the inner capabilities, minus concurrency */
    FILE *out;
    struct ffamk_buffers bufs;
    /* The RX buffers of every known pair before the call, and after it (pair after pair). */
    uint8_t *before, *after;
    size_t snap_cap;
};

/* Total RX bytes of the known pairs: what a snapshot holds. */
static size_t rx_bytes(const struct ffa_recorder *rec)
{
    size_t n = 0;

    for (size_t i = 0; i < rec->bufs.count; i++)
        n += (size_t)rec->bufs.pairs[i].pages * FFAMK_PAGE;
    return n;
}

static int snapshot_room(struct ffa_recorder *rec, size_t n)
{
    uint8_t *b, *a;

    if (n <= rec->snap_cap)
        return 0;
    b = realloc(rec->before, n);
    if (b == NULL)
        return -1;
    rec->before = b;
    a = realloc(rec->after, n);
    if (a == NULL)
        return -1;
    rec->after = a;
    rec->snap_cap = n;
    return 0;
}

/* Copy every known RX buffer into `to`; a buffer that cannot be read is left as 0x00. */
static void snapshot(struct ffa_recorder *rec, uint8_t *to, uint32_t *unreadable)
{
    for (size_t i = 0; i < rec->bufs.count; i++) {
        const struct ffamk_pair *p = &rec->bufs.pairs[i];
        uint32_t size = p->pages * FFAMK_PAGE;

        if (ffamk_buffer_copy(&rec->bufs, p, FFA_MOCK_MEM_RX, 0, to, size, 0) != 0) {
            memset(to, 0, size);
            *unreadable |= 1u << (i < 31 ? i : 31);
        }
        to += size;
    }
}

/* Write a memory item as lines of at most BYTES_PER_LINE bytes. */
static void write_mem(FILE *out, struct ffa_mock_mem m)
{
    char line[16 + 3 * BYTES_PER_LINE + 32];

    while (m.len > 0) {
        struct ffa_mock_mem part = m;

        part.len = m.len < BYTES_PER_LINE ? m.len : BYTES_PER_LINE;
        ffamk_format_mem(line, sizeof(line), &part);
        fprintf(out, "%s\n", line);
        m.offset += part.len;
        m.bytes += part.len;
        if (m.mask != NULL)
            m.mask += part.len;
        m.len -= part.len;
    }
}

/* The RX bytes the call changed in one buffer: runs of changed bytes, close runs joined. */
static void write_rx_changes(FILE *out, uint16_t endpoint, const uint8_t *before,
                             const uint8_t *after, uint32_t size)
{
    uint32_t i = 0;

    while (i < size) {
        uint32_t start, end, gap = 0;

        if (before[i] == after[i]) {
            i++;
            continue;
        }
        start = i;
        end = i + 1;
        for (i = end; i < size && gap <= JOIN_GAP; i++) {
            if (before[i] != after[i]) {
                end = i + 1;
                gap = 0;
            } else {
                gap++;
            }
        }
        i = end;
        write_mem(out, (struct ffa_mock_mem){FFA_MOCK_MEM_RX, endpoint, start, end - start,
                                             after + start, NULL});
    }
}

/* The TX bytes the call reads, per its ABI; physical addresses masked. */
static void write_tx(struct ffa_recorder *rec, const struct ffa_regs *call)
{
    const struct ffamk_pair *pair;
    uint16_t endpoint;
    uint32_t len;
    uint8_t *bytes, *mask;
    int masked = 0;

    if (!ffamk_tx_extent(&rec->bufs, call, &endpoint, &len))
        return;
    pair = ffamk_buffers_find(&rec->bufs, endpoint);
    bytes = malloc(len);
    mask = malloc(len);
    if (pair == NULL || bytes == NULL || mask == NULL ||
        ffamk_buffer_copy(&rec->bufs, pair, FFA_MOCK_MEM_TX, 0, bytes, len, 0) != 0) {
        fprintf(rec->out, "# the TX of endpoint 0x%04x could not be read\n", endpoint);
        free(bytes);
        free(mask);
        return;
    }
    ffamk_tx_mask(&rec->bufs, call, bytes, len, mask);
    for (uint32_t i = 0; i < len; i++)
        masked |= mask[i] == 0;
    write_mem(rec->out, (struct ffa_mock_mem){FFA_MOCK_MEM_TX, endpoint, 0, len, bytes,
                                              masked ? mask : NULL});
    free(bytes);
    free(mask);
}

static void write_call(struct ffa_recorder *rec, uint32_t cpu, const struct ffa_regs *call)
{
    char line[1024];

    /* Physical addresses differ between runs: kept as "xN~value", not compared. */
    ffamk_format_call(line, sizeof(line), call, ffamk_address_regs(call));
    fprintf(rec->out, "%s cpu=%u\n", line, cpu);
}

static void recorder_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct ffa_recorder *rec = ctx;
    const struct ffa_regs call = *in; /* `out` may alias the input */
    struct ffamk_change change;
    size_t pairs = 0, snap = 0;
    uint32_t unreadable = 0;
    char line[1024];

    pthread_mutex_lock(&rec->lock);
    if (rec->bufs.mem != NULL) {
        ffamk_buffers_before(&rec->bufs, &call, &change);
        snap = rx_bytes(rec);
        if (snapshot_room(rec, snap) == 0) {
            pairs = rec->bufs.count;
            snapshot(rec, rec->before, &unreadable);
        }
    }
    write_call(rec, cpu, &call);
    if (rec->bufs.mem != NULL)
        write_tx(rec, &call);
    ffa_backend_call(&rec->inner, cpu, &call, out);
    ffa_mock_format_line(line, sizeof(line), "reply", out, 0);
    fprintf(rec->out, "%s\n", line);
    if (pairs != 0) {
        const uint8_t *b = rec->before, *a = rec->after;

        snapshot(rec, rec->after, &unreadable);
        for (size_t i = 0; i < pairs; i++) {
            const struct ffamk_pair *p = &rec->bufs.pairs[i];
            uint32_t size = p->pages * FFAMK_PAGE;

            if ((unreadable & (1u << (i < 31 ? i : 31))) != 0)
                fprintf(rec->out, "# the RX of endpoint 0x%04x could not be read\n", p->endpoint);
            else
                write_rx_changes(rec->out, p->endpoint, b, a, size);
            b += size;
            a += size;
        }
    }
    if (rec->bufs.mem != NULL && ffamk_buffers_after(&rec->bufs, &change, out) != 0)
        fprintf(rec->out, "# out of memory: the buffers this call mapped are not followed\n");
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

void ffa_recorder_set_memory(struct ffa_recorder *rec, ffa_mock_memory_fn fn, void *ctx)
{
    pthread_mutex_lock(&rec->lock);
    rec->bufs.mem = fn;
    rec->bufs.ctx = ctx;
    pthread_mutex_unlock(&rec->lock);
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
    ffamk_buffers_free(&rec->bufs);
    free(rec->before);
    free(rec->after);
    free(rec);
}
