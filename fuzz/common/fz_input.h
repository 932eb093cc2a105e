/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading a fuzz input as a stream of decisions. Every reader returns a value even when the input
 * is exhausted (zero, or the low end of a range), so a harness never branches on "enough bytes":
 * a short input simply takes the plausible path everywhere after its end.
 */
#ifndef FZ_INPUT_H
#define FZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fz_in {
    const uint8_t *p;
    size_t n;
};

static inline bool fz_empty(const struct fz_in *in)
{
    return in->n == 0;
}

static inline uint8_t fz_u8(struct fz_in *in)
{
    uint8_t v;

    if (in->n == 0)
        return 0;
    v = in->p[0];
    in->p++;
    in->n--;
    return v;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
    return (uint16_t)(fz_u8(in) | (uint16_t)fz_u8(in) << 8);
}

static inline uint32_t fz_u32(struct fz_in *in)
{
    return (uint32_t)fz_u16(in) | (uint32_t)fz_u16(in) << 16;
}

static inline uint64_t fz_u64(struct fz_in *in)
{
    return (uint64_t)fz_u32(in) | (uint64_t)fz_u32(in) << 32;
}

/* A value in [lo, hi] (lo when the input is exhausted). */
static inline uint32_t fz_range(struct fz_in *in, uint32_t lo, uint32_t hi)
{
    uint32_t span = hi - lo + 1;

    if (span == 0)
        return fz_u32(in);
    return lo + (span <= 256 ? fz_u8(in) % span : fz_u32(in) % span);
}

/* Copy up to `len` bytes; the rest of `dst` is zero-filled. Returns how many came from the input.
 */
static inline size_t fz_bytes(struct fz_in *in, void *dst, size_t len)
{
    size_t k = len < in->n ? len : in->n;

    memcpy(dst, in->p, k);
    memset((uint8_t *)dst + k, 0, len - k);
    in->p += k;
    in->n -= k;
    return k;
}

#endif /* FZ_INPUT_H */
