/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX/TX pairs of the normal world (DEN0077A v1.2 FFA_RXTX_MAP, FFA_RXTX_UNMAP, FFA_RX_ACQUIRE,
 * FFA_RX_RELEASE; Hafnium src/api.c api_ffa_rxtx_map(), api_get_rxtx_description(),
 * api_ffa_rxtx_unmap(), api_ffa_rx_acquire(), api_ffa_rx_release()).
 *
 * The caller is the hypervisor at the non-secure physical instance. It registers its own pair
 * by address (x1 = TX, x2 = RX, w3 = page count), and the pairs of its VMs in the forwarded form:
 * x1 = x2 = w3 = 0 with an endpoint RX/TX descriptor in its own TX buffer,
 *
 *   u16 endpoint ID @0, u16 reserved @2, u32 RX region offset @4, u32 TX region offset @8,
 *   u32 reserved @12,
 *
 * each offset (8-byte aligned) locating a composite memory region descriptor,
 *
 *   u32 total page count @0, u32 range count @4, u64 reserved @8, then per range
 *   {u64 physical address, u32 page count, u32 reserved} (the composite and constituent memory
 *   region descriptors of the memory-sharing ABIs, DEN0077A v1.2).
 *
 * Descriptor bytes are copied out of the hypervisor's TX once and only the copy is validated.
 * Every range must be 4 KiB aligned, and the host's ns_memory must accept it (RX writable, TX
 * readable). Stricter than Hafnium, which reads only the first range of each region and takes
 * its page count on trust: everything is checked, and buffers may be scattered.
 *
 * Each endpoint's RX buffer has a mailbox state (EMPTY, FULL, OTHER_WORLD_OWNED): the SPMC fills
 * the hypervisor's with partition information and a VM's with messages from SPs; the hypervisor
 * takes a VM's with FFA_RX_ACQUIRE before filling it itself.
 *
 * The endpoint table and every endpoint are shared by all PEs: each ABI below runs with
 * spmc.nwd_lock held (so do partinfo.c and msg_send2.c when they touch an endpoint), and so do the
 * host's ns_memory and rx_full callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include "spmc_internal.h"

#define EP_DESC_SIZE   16u /* endpoint RX/TX descriptor */
#define COMPOSITE_SIZE 16u /* composite memory region descriptor, before its ranges */
#define RANGE_SIZE     16u /* constituent memory region descriptor */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

struct nwd_ep *ffau_nwdbuf_find(struct spmc *s, uint16_t id)
{
    for (uint32_t i = 0; i < SPMC_MAX_NWD_EPS; i++) {
        if (s->nwd[i] != NULL && s->nwd[i]->id == id)
            return s->nwd[i];
    }
    return NULL;
}

/* Record a new endpoint. DENIED when the table is full (Hafnium: no VM slot left). */
static int32_t ep_add(struct spmc *s, uint16_t id, const struct ns_buf *tx, const struct ns_buf *rx)
{
    for (uint32_t i = 0; i < SPMC_MAX_NWD_EPS; i++) {
        struct nwd_ep *ep;

        if (s->nwd[i] != NULL)
            continue;
        ep = calloc(1, sizeof(*ep));
        if (ep == NULL)
            return FFA_RET_NO_MEMORY;
        ep->id = id;
        ep->tx = *tx;
        ep->rx = *rx;
        ep->state = MBOX_EMPTY;
        s->nwd[i] = ep;
        return 0;
    }
    return FFA_RET_DENIED;
}

static void ep_remove(struct spmc *s, struct nwd_ep *ep)
{
    for (uint32_t i = 0; i < SPMC_MAX_NWD_EPS; i++) {
        if (s->nwd[i] == ep)
            s->nwd[i] = NULL;
    }
    free(ep);
}

void ffau_nwdbuf_free_all(struct spmc *s)
{
    for (uint32_t i = 0; i < SPMC_MAX_NWD_EPS; i++) {
        free(s->nwd[i]);
        s->nwd[i] = NULL;
    }
}

/* Both buffers acceptable: disjoint, and the host lets the SPMC read TX and write RX. */
static int32_t check_pair(struct spmc *s, const struct ns_buf *tx, const struct ns_buf *rx)
{
    int32_t ret;

    if (ffau_ns_bufs_overlap(tx, tx) || ffau_ns_bufs_overlap(rx, rx) ||
        ffau_ns_bufs_overlap(tx, rx))
        return FFA_RET_INVALID_PARAMETERS;
    ret = ffau_ns_check(s, tx, false);
    if (ret == 0)
        ret = ffau_ns_check(s, rx, true);
    return ret;
}

/*
 * The hypervisor's own pair, by address. DENIED if it has one; INVALID_PARAMETERS for a count of
 * 0 or above SPMC_RXTX_MAX_PAGES, an unaligned or wrapping address, overlapping buffers or memory
 * the host refuses (Hafnium api_vm_configure_pages(): DENIED is checked first).
 */
static int32_t map_own(struct spmc *s, uint64_t tx_pa, uint64_t rx_pa, uint32_t pages)
{
    uint64_t len = (uint64_t)pages * SPMC_PAGE;
    struct ns_buf tx = {pages, 1, {{tx_pa, pages}}}, rx = {pages, 1, {{rx_pa, pages}}};
    int32_t ret;

    if (ffau_nwdbuf_find(s, FFA_ID_HYPERVISOR) != NULL)
        return FFA_RET_DENIED;
    if (pages == 0 || pages > SPMC_RXTX_MAX_PAGES || tx_pa % SPMC_PAGE != 0 ||
        rx_pa % SPMC_PAGE != 0 || tx_pa > UINT64_MAX - len || rx_pa > UINT64_MAX - len)
        return FFA_RET_INVALID_PARAMETERS;
    ret = check_pair(s, &tx, &rx);
    if (ret != 0)
        return ret;
    return ep_add(s, FFA_ID_HYPERVISOR, &tx, &rx);
}

/*
 * Read the composite memory region descriptor at `off` of the hypervisor's TX buffer into `out`:
 * 8-byte aligned, after the endpoint descriptor, inside the buffer; 1..SPMC_RXTX_MAX_PAGES pages
 * in 1..pages ranges whose counts add up; each range 4 KiB aligned, not empty, not wrapping;
 * reserved fields zero. INVALID_PARAMETERS otherwise, ABORTED if the copy faults.
 */
static int32_t read_composite(struct spmc *s, const struct ns_buf *hyp_tx, uint32_t off,
                              struct ns_buf *out)
{
    uint8_t hdr[COMPOSITE_SIZE];
    uint8_t ranges[RANGE_SIZE * SPMC_RXTX_MAX_PAGES];
    uint64_t tx_size = ns_buf_size(hyp_tx);
    uint32_t total, count, sum = 0;
    int32_t ret;

    if (off % 8 != 0 || off < EP_DESC_SIZE || (uint64_t)off + COMPOSITE_SIZE > tx_size)
        return FFA_RET_INVALID_PARAMETERS;
    ret = ffau_ns_read(s, hyp_tx, off, hdr, sizeof(hdr));
    if (ret != 0)
        return ret;
    total = le32(hdr);
    count = le32(hdr + 4);
    if (total == 0 || total > SPMC_RXTX_MAX_PAGES || count == 0 || count > total ||
        le64(hdr + 8) != 0 ||
        (uint64_t)off + COMPOSITE_SIZE + (uint64_t)count * RANGE_SIZE > tx_size)
        return FFA_RET_INVALID_PARAMETERS;
    ret = ffau_ns_read(s, hyp_tx, off + COMPOSITE_SIZE, ranges, (uint64_t)count * RANGE_SIZE);
    if (ret != 0)
        return ret;
    out->pages = total;
    out->range_count = count;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *r = ranges + RANGE_SIZE * i;
        uint64_t pa = le64(r);
        uint32_t pages = le32(r + 8);

        if (pa % SPMC_PAGE != 0 || pages == 0 || pages > total - sum || le32(r + 12) != 0 ||
            pa > UINT64_MAX - (uint64_t)pages * SPMC_PAGE)
            return FFA_RET_INVALID_PARAMETERS;
        sum += pages;
        out->ranges[i].pa = pa;
        out->ranges[i].pages = pages;
    }
    return sum == total ? 0 : FFA_RET_INVALID_PARAMETERS;
}

/*
 * A VM's pair, forwarded by the hypervisor (x1 = x2 = w3 = 0). The hypervisor must have
 * registered its own pair (Hafnium: INVALID_PARAMETERS otherwise); the endpoint must be a VM
 * (non-zero, non-secure ID); DENIED if that VM already has a pair or no slot is left; the RX and
 * TX regions must have the same page count.
 */
static int32_t map_forwarded(struct spmc *s)
{
    struct nwd_ep *hyp = ffau_nwdbuf_find(s, FFA_ID_HYPERVISOR);
    uint8_t desc[EP_DESC_SIZE];
    struct ns_buf tx, rx;
    uint16_t id;
    int32_t ret;

    if (hyp == NULL)
        return FFA_RET_INVALID_PARAMETERS;
    ret = ffau_ns_read(s, &hyp->tx, 0, desc, sizeof(desc));
    if (ret != 0)
        return ret;
    id = (uint16_t)(desc[0] | desc[1] << 8);
    if (id == FFA_ID_HYPERVISOR || FFA_ID_IS_SECURE(id))
        return FFA_RET_INVALID_PARAMETERS;
    if (ffau_nwdbuf_find(s, id) != NULL)
        return FFA_RET_DENIED;
    if (desc[2] != 0 || desc[3] != 0 || le32(desc + 12) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    ret = read_composite(s, &hyp->tx, le32(desc + 4), &rx);
    if (ret == 0)
        ret = read_composite(s, &hyp->tx, le32(desc + 8), &tx);
    if (ret != 0)
        return ret;
    if (rx.pages != tx.pages)
        return FFA_RET_INVALID_PARAMETERS;
    ret = check_pair(s, &tx, &rx);
    if (ret != 0)
        return ret;
    return ep_add(s, id, &tx, &rx);
}

/*
 * FFA_RXTX_MAP_64 from the normal world. Only the 64-bit form, as Hafnium (FFA_RXTX_MAP_32 is
 * NOT_SUPPORTED in the dispatcher).
 */
int32_t ffau_nwdbuf_map(struct spmc *s, const struct ffa_regs *in)
{
    uint32_t pages = (uint32_t)in->x[3];
    int32_t ret;

    pthread_mutex_lock(&s->nwd_lock);
    if (in->x[1] == 0 && in->x[2] == 0 && pages == 0)
        ret = map_forwarded(s);
    else
        ret = map_own(s, in->x[1], in->x[2], pages);
    pthread_mutex_unlock(&s->nwd_lock);
    if (ret != 0)
        ffau_log_msg(s, FFA_UNICORN_LOG_WARN, FFA_ID_SPMC,
                     "normal world: FFA_RXTX_MAP_64 (tx 0x%llx, rx 0x%llx, %u pages) refused: %d",
                     (unsigned long long)in->x[1], (unsigned long long)in->x[2], pages, ret);
    return ret;
}

/*
 * FFA_RXTX_UNMAP: w1[31:16] = the endpoint (0: the hypervisor's own pair), w1[15:0] MBZ.
 * INVALID_PARAMETERS for a secure ID or an endpoint without a pair. A message the endpoint has
 * not released goes with the buffers (Hafnium does not refuse the unmap).
 */
int32_t ffau_nwdbuf_unmap(struct spmc *s, const struct ffa_regs *in)
{
    uint32_t w1 = (uint32_t)in->x[1];
    uint16_t id = (uint16_t)(w1 >> 16);
    struct nwd_ep *ep;

    if ((w1 & 0xffffu) != 0 || FFA_ID_IS_SECURE(id))
        return FFA_RET_INVALID_PARAMETERS;
    pthread_mutex_lock(&s->nwd_lock);
    ep = ffau_nwdbuf_find(s, id);
    if (ep != NULL)
        ep_remove(s, ep);
    pthread_mutex_unlock(&s->nwd_lock);
    return ep != NULL ? 0 : FFA_RET_INVALID_PARAMETERS;
}

/*
 * FFA_RX_ACQUIRE (hypervisor only): w1[15:0] = the VM whose RX buffer the hypervisor will fill.
 * NOT_SUPPORTED for a secure ID (Hafnium); INVALID_PARAMETERS for other bits set or an endpoint
 * without a pair; DENIED unless the mailbox is EMPTY; then OTHER_WORLD_OWNED.
 */
int32_t ffau_nwdbuf_rx_acquire(struct spmc *s, const struct ffa_regs *in)
{
    uint32_t w1 = (uint32_t)in->x[1];
    struct nwd_ep *ep;
    int32_t ret;

    if (FFA_ID_IS_SECURE(w1 & 0xffffu))
        return FFA_RET_NOT_SUPPORTED;
    if ((w1 >> 16) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    pthread_mutex_lock(&s->nwd_lock);
    ep = ffau_nwdbuf_find(s, (uint16_t)w1);
    if (ep == NULL) {
        ret = FFA_RET_INVALID_PARAMETERS;
    } else if (ep->state != MBOX_EMPTY) {
        ret = FFA_RET_DENIED;
    } else {
        ep->state = MBOX_OTHER_WORLD_OWNED;
        ret = 0;
    }
    pthread_mutex_unlock(&s->nwd_lock);
    return ret;
}

/*
 * FFA_RX_RELEASE from the normal world: w1[15:0] = the VM whose buffer is released (0: the
 * hypervisor's own), w1[31:16] MBZ. INVALID_PARAMETERS for those bits, a secure ID or an
 * endpoint without a pair; DENIED when the mailbox is EMPTY.
 */
int32_t ffau_nwdbuf_rx_release(struct spmc *s, const struct ffa_regs *in)
{
    uint32_t w1 = (uint32_t)in->x[1];
    struct nwd_ep *ep;
    int32_t ret;

    if ((w1 >> 16) != 0 || FFA_ID_IS_SECURE(w1 & 0xffffu))
        return FFA_RET_INVALID_PARAMETERS;
    pthread_mutex_lock(&s->nwd_lock);
    ep = ffau_nwdbuf_find(s, (uint16_t)w1);
    ret = ep != NULL ? mbox_release(&ep->state) : FFA_RET_INVALID_PARAMETERS;
    pthread_mutex_unlock(&s->nwd_lock);
    return ret;
}
