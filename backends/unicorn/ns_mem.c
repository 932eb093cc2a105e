/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Normal-world memory: the RX/TX buffers of the hypervisor and of the VMs it forwards, reached
 * only through the host's ns_memory callback (struct ffa_unicorn_config).
 *
 * A buffer is a list of physically contiguous ranges: a buffer forwarded with FFA_RXTX_MAP is
 * described by composite memory region descriptors and need not be contiguous (DEN0077A v1.2
 * FFA_RXTX_MAP). Every copy asks the host for exactly the part of each range it touches, every
 * time: the SPMC keeps physical addresses, never host pointers, as
 * Hafnium keeps its own stage-1 mapping of the pages. A refusal while copying is Hafnium's
 * faulting memcpy_trapped(): ABORTED.
 */
#include <string.h>

#include "spmc_internal.h"

static void *ns_ptr(struct spmc *s, uint64_t pa, uint64_t len, bool writable)
{
    return s->cfg.ns_memory(s->cfg.ns_ctx, pa, (size_t)len, writable ? 1 : 0);
}

/*
 * Walk [off, off + len) of `b` range by range, handing each resolved piece to `copy`. Returns 0,
 * ABORTED when the host refuses a piece, INVALID_PARAMETERS when the span is not inside `b`
 * (callers check first; this is the backstop).
 */
static int32_t ns_walk(struct spmc *s, const struct ns_buf *b, uint64_t off, uint64_t len,
                       bool writable, void (*copy)(void *host, uint8_t *mine, uint64_t n),
                       uint8_t *mine)
{
    if (off > ns_buf_size(b) || len > ns_buf_size(b) - off)
        return FFA_RET_INVALID_PARAMETERS;
    for (uint32_t i = 0; i < b->range_count && len > 0; i++) {
        uint64_t rlen = (uint64_t)b->ranges[i].pages * SPMC_PAGE;
        uint64_t n;
        void *host;

        if (off >= rlen) {
            off -= rlen;
            continue;
        }
        n = rlen - off < len ? rlen - off : len;
        host = ns_ptr(s, b->ranges[i].pa + off, n, writable);
        if (host == NULL) {
            ffau_log_msg(
                s, FFA_UNICORN_LOG_WARN, FFA_ID_SPMC,
                "normal-world memory 0x%llx (+%llu bytes) refused by the host while copying",
                (unsigned long long)(b->ranges[i].pa + off), (unsigned long long)n);
            return FFA_RET_ABORTED;
        }
        copy(host, mine, n);
        mine += n;
        len -= n;
        off = 0;
    }
    return 0;
}

static void gather(void *host, uint8_t *mine, uint64_t n)
{
    memcpy(mine, host, n);
}

static void scatter(void *host, uint8_t *mine, uint64_t n)
{
    memcpy(host, mine, n);
}

int32_t ffau_ns_read(struct spmc *s, const struct ns_buf *b, uint64_t off, void *dst, uint64_t len)
{
    return ns_walk(s, b, off, len, false, gather, dst);
}

int32_t ffau_ns_write(struct spmc *s, const struct ns_buf *b, uint64_t off, const void *src,
                      uint64_t len)
{
    /* scatter() only reads through `mine`: the cast drops const for the shared walker. */
    return ns_walk(s, b, off, len, true, scatter, (uint8_t *)(uintptr_t)src);
}

int32_t ffau_ns_check(struct spmc *s, const struct ns_buf *b, bool writable)
{
    for (uint32_t i = 0; i < b->range_count; i++) {
        uint64_t len = (uint64_t)b->ranges[i].pages * SPMC_PAGE;

        if (ns_ptr(s, b->ranges[i].pa, len, writable) == NULL) {
            ffau_log_msg(s, FFA_UNICORN_LOG_WARN, FFA_ID_SPMC,
                         "normal-world range 0x%llx (%u pages) refused by the host",
                         (unsigned long long)b->ranges[i].pa, b->ranges[i].pages);
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    return 0;
}

static bool ranges_overlap(const struct ns_range *x, const struct ns_range *y)
{
    uint64_t xl = (uint64_t)x->pages * SPMC_PAGE, yl = (uint64_t)y->pages * SPMC_PAGE;

    return x->pa < y->pa + yl && y->pa < x->pa + xl;
}

bool ffau_ns_bufs_overlap(const struct ns_buf *a, const struct ns_buf *b)
{
    for (uint32_t i = 0; i < a->range_count; i++) {
        for (uint32_t j = 0; j < b->range_count; j++) {
            if ((a != b || i != j) && ranges_overlap(&a->ranges[i], &b->ranges[j]))
                return true;
        }
    }
    return false;
}
