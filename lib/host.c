/* SPDX-License-Identifier: BSD-3-Clause */
/* The mediator's only ways out: memory, locks and logs through the host callbacks. */
#include "internal.h"

void *ffam_zalloc(struct ffa_mediator *m, size_t size)
{
    void *p = m->host->alloc(m->host_ctx, size);

    if (p != NULL)
        ffa_memset(p, 0, size);
    return p;
}

void ffam_free(struct ffa_mediator *m, void *ptr, size_t size)
{
    if (ptr != NULL)
        m->host->free(m->host_ctx, ptr, size);
}

/* Returns NULL with *ok = true for a host without locks (single-threaded by contract). */
void *ffam_lock_create(struct ffa_mediator *m, bool *ok)
{
    void *lock;

    *ok = true;
    if (m->host->lock_create == NULL)
        return NULL;
    lock = m->host->lock_create(m->host_ctx);
    if (lock == NULL)
        *ok = false;
    return lock;
}

void ffam_lock_destroy(struct ffa_mediator *m, void *lock)
{
    if (lock != NULL)
        m->host->lock_destroy(m->host_ctx, lock);
}

/* ---- A small formatter: the core has no printf ---- */

struct out_buf {
    char *buf;
    size_t len;
    size_t cap;
};

static void put_char(struct out_buf *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len++] = c;
}

static void put_str(struct out_buf *o, const char *s)
{
    if (s == NULL)
        s = "(null)";
    while (*s != '\0')
        put_char(o, *s++);
}

static void put_unsigned(struct out_buf *o, uint64_t v, unsigned base)
{
    char tmp[24];
    size_t n = 0;

    do {
        unsigned digit = (unsigned)(v % base);
        tmp[n++] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
        v /= base;
    } while (v != 0);
    while (n > 0)
        put_char(o, tmp[--n]);
}

/*
 * args[0] is a placeholder (see MED_LOG_ARGS); conversions consume args[1..nargs-1]. %d prints
 * the low 32 bits as a signed value, which is how FF-A status codes travel.
 */
void ffam_log_args(const struct ffa_mediator *m, enum ffa_log_level level, const char *fmt,
                   const uint64_t *args, size_t nargs)
{
    char line[256];
    struct out_buf o = {line, 0, sizeof(line)};
    size_t next = 1;

    if (m->host->log == NULL)
        return;
    for (const char *p = fmt; *p != '\0'; p++) {
        uint64_t v;

        if (*p != '%' || p[1] == '\0') {
            put_char(&o, *p);
            continue;
        }
        p++;
        if (*p == '%') {
            put_char(&o, '%');
            continue;
        }
        v = next < nargs ? args[next] : 0;
        next++;
        switch (*p) {
        case 'u':
            put_unsigned(&o, v, 10);
            break;
        case 'x':
            put_unsigned(&o, v, 16);
            break;
        case 'd':
            if ((int32_t)v < 0) {
                put_char(&o, '-');
                put_unsigned(&o, (uint64_t)(-(int64_t)(int32_t)v), 10);
            } else {
                put_unsigned(&o, (uint32_t)v, 10);
            }
            break;
        case 's':
            put_str(&o, (const char *)(uintptr_t)v);
            break;
        default:
            put_char(&o, '%');
            put_char(&o, *p);
            break;
        }
    }
    line[o.len] = '\0';
    m->host->log(m->host_ctx, level, line);
}
