/* SPDX-License-Identifier: BSD-3-Clause */
/* The conduit and the helpers every example SP shares. */
#include <stddef.h>

#include "sp_ffa.h"

volatile uint32_t sp_managed_exit_flag;

void ffa_call8(struct ffa_args *a, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
               uint64_t x5, uint64_t x6, uint64_t x7)
{
    for (int i = 8; i < 18; i++)
        a->x[i] = 0;
    a->x[0] = x0;
    a->x[1] = x1;
    a->x[2] = x2;
    a->x[3] = x3;
    a->x[4] = x4;
    a->x[5] = x5;
    a->x[6] = x6;
    a->x[7] = x7;
    ffa_call(a);
}

void ffa_msg_wait(struct ffa_args *a)
{
    ffa_call8(a, FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0);
}

void sp_puts(const char *s)
{
    while (*s != '\0') {
        uint64_t w[6] = {0};
        unsigned n = 0;

        while (n < 24 && s[n] != '\0') {
            w[n / 4] |= (uint64_t)(uint8_t)s[n] << (8 * (n % 4));
            n++;
        }
        struct ffa_args a;
        ffa_call8(&a, FFA_CONSOLE_LOG_32, n, w[0], w[1], w[2], w[3], w[4], w[5]);
        s += n;
    }
}

void sp_put_hex(const char *prefix, uint64_t v)
{
    char buf[24];
    int i = 0;

    sp_puts(prefix);
    buf[i++] = '0';
    buf[i++] = 'x';
    for (int sh = 60; sh >= 0; sh -= 4) {
        unsigned d = (unsigned)(v >> sh) & 0xf;

        if (d != 0 || i > 2 || sh == 0)
            buf[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    }
    buf[i++] = '\n';
    buf[i] = '\0';
    sp_puts(buf);
}

void resp_for(struct ffa_args *out, const struct ffa_args *req, uint64_t w3, uint64_t w4,
              uint64_t w5, uint64_t w6, uint64_t w7)
{
    uint32_t w1 = (uint32_t)req->x[1];
    uint32_t swapped = (w1 >> 16) | (w1 << 16); /* receiver <-> sender */

    for (int i = 0; i < 18; i++)
        out->x[i] = 0;
    out->x[0] = (uint32_t)req->x[0] == FFA_DIRECT_REQ_64 ? FFA_DIRECT_RESP_64 : FFA_DIRECT_RESP_32;
    out->x[1] = swapped;
    out->x[3] = w3;
    out->x[4] = w4;
    out->x[5] = w5;
    out->x[6] = w6;
    out->x[7] = w7;
}

void sp_cmd_call(const struct ffa_args *req, struct ffa_args *resp)
{
    struct ffa_args r;

    ffa_call8(&r, (uint32_t)req->x[4], (uint32_t)req->x[5], (uint32_t)req->x[6],
              (uint32_t)req->x[7], 0, 0, 0, 0);
    resp_for(resp, req, (uint32_t)r.x[0], (uint32_t)r.x[1], (uint32_t)r.x[2], (uint32_t)r.x[3], 0);
}

/* The result of the last SP_CMD_CALL64, all of x0..x17. */
static struct ffa_args last_result;

void sp_cmd_call64(const struct ffa_args *req, struct ffa_args *resp)
{
    ffa_call8(&last_result, (uint32_t)req->x[4], req->x[5], req->x[6], req->x[7], 0, 0, 0, 0);
    resp_for(resp, req, last_result.x[0], last_result.x[1], last_result.x[2], last_result.x[3],
             last_result.x[4]);
}

void sp_cmd_result(const struct ffa_args *req, struct ffa_args *resp)
{
    uint64_t n = req->x[4] <= 13 ? req->x[4] : 13;

    resp_for(resp, req, last_result.x[n], last_result.x[n + 1], last_result.x[n + 2],
             last_result.x[n + 3], last_result.x[n + 4]);
}

/* The compiler emits memcpy/memset for struct copies; bare metal has to provide them. */
void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;

    while (n-- > 0)
        *d++ = (uint8_t)c;
    return dst;
}
