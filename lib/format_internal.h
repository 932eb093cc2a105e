/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text writer behind include/ffa/format.h: snprintf semantics without libc. `pos` counts every
 * character the whole text needs; only those that fit before the terminating NUL are stored.
 */
#ifndef FFA_LIB_FORMAT_INTERNAL_H
#define FFA_LIB_FORMAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fmt {
    char *buf;
    size_t len;
    size_t pos;
    unsigned args; /* arguments opened in the current parenthesis (fmt_arg) */
};

static inline struct fmt fmt_begin(char *buf, size_t len)
{
    struct fmt f = {buf, len, 0, 0};

    return f;
}

/* NUL-terminate what fits and return the length the whole text needs. */
static inline size_t fmt_end(struct fmt *f)
{
    if (f->len > 0)
        f->buf[f->pos < f->len ? f->pos : f->len - 1] = '\0';
    return f->pos;
}

static inline void fmt_c(struct fmt *f, char c)
{
    if (f->pos + 1 < f->len)
        f->buf[f->pos] = c;
    f->pos++;
}

static inline void fmt_s(struct fmt *f, const char *s)
{
    while (*s != '\0')
        fmt_c(f, *s++);
}

/* Lower-case hexadecimal digits of v, at least `digits` of them, without a prefix. */
static inline void fmt_hex_digits(struct fmt *f, uint64_t v, unsigned digits)
{
    static const char hex[] = "0123456789abcdef";
    unsigned n = 1;

    while (n < 16 && (v >> (4 * n)) != 0)
        n++;
    if (n < digits)
        n = digits;
    while (n-- > 0)
        fmt_c(f, hex[(v >> (4 * n)) & 0xf]);
}

/* "0x2a" */
static inline void fmt_hex(struct fmt *f, uint64_t v)
{
    fmt_s(f, "0x");
    fmt_hex_digits(f, v, 1);
}

static inline void fmt_dec(struct fmt *f, uint64_t v)
{
    char d[20];
    unsigned n = 0;

    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n-- > 0)
        fmt_c(f, d[n]);
}

static inline void fmt_signed(struct fmt *f, int64_t v)
{
    if (v < 0) {
        fmt_c(f, '-');
        fmt_dec(f, (uint64_t)0 - (uint64_t)v);
    } else {
        fmt_dec(f, (uint64_t)v);
    }
}

/* "3 pages", "1 page" */
static inline void fmt_count(struct fmt *f, uint64_t n, const char *one, const char *many)
{
    fmt_dec(f, n);
    fmt_c(f, ' ');
    fmt_s(f, n == 1 ? one : many);
}

/* Start one argument: "(" before the first, ", " before the others. */
static inline void fmt_arg(struct fmt *f)
{
    fmt_s(f, f->args == 0 ? "(" : ", ");
    f->args++;
}

/* Close the parenthesis if any argument was written. */
static inline void fmt_close(struct fmt *f)
{
    if (f->args != 0)
        fmt_c(f, ')');
    f->args = 0;
}

/* Little-endian field of a descriptor. */
static inline uint64_t fmt_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = bytes; i > 0; i--)
        v = (v << 8) | p[i - 1];
    return v;
}

/* Shared between format.c and format_mem.c. */
void ffam_fmt_endpoint(struct fmt *f, uint16_t id);
void ffam_fmt_uuid(struct fmt *f, const uint8_t uuid[16]);
/* A partition descriptor of `size` bytes (8, or 24 and more with the UUID at 8). */
void ffam_fmt_partition_info(struct fmt *f, const uint8_t *desc, size_t size);

#endif /* FFA_LIB_FORMAT_INTERNAL_H */
