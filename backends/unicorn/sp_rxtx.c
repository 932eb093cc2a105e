/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX/TX pairs of the secure partitions (DEN0077A v1.2 FFA_RXTX_MAP, FFA_RXTX_UNMAP,
 * FFA_RX_RELEASE, FFA_MSG_WAIT; Hafnium src/api.c api_ffa_rxtx_map(), api_vm_configure_pages(),
 * api_ffa_rxtx_unmap(), api_ffa_rx_release(), api_ffa_msg_wait_rx_release()).
 *
 * An SP maps its pair with FFA_RXTX_MAP_64 (x1 = TX, x2 = RX, w3 = page count), addresses in its
 * own physical address space (S-EL1 SPs run with the MMU off; S-EL0 SPs see the same flat
 * space), or declares it in its manifest (rx_tx-info node). Both buffers must be writable RAM of
 * the SP: data pages of its image or read-write memory regions; the SPMC then reads TX and writes
 * RX through the host view of that memory. As Hafnium's stage-2 mapping does, the RX buffer
 * becomes read-only to the SP while it is mapped.
 *
 * The pair and its mailbox state are the partition's, whichever of its contexts (on whichever PE)
 * calls: everything here runs with sp.mbox_lock held.
 */
#include "spmc_internal.h"

/*
 * `from_manifest`: the rx_tx-info pair, whose RX region the manifest may declare read-only to the
 * SP (TF-A's cactus does; the SPMC writes RX through its own view of the memory). With
 * sp.mbox_lock held.
 */
static int32_t map_pair(struct sp *sp, uint64_t tx_addr, uint64_t rx_addr, uint32_t pages,
                        bool from_manifest)
{
    uint64_t len = (uint64_t)pages * SPMC_PAGE;
    uint8_t *tx, *rx;

    if (sp->mbox.pages != 0)
        return FFA_RET_DENIED;
    if (pages == 0 || pages > SPMC_RXTX_MAX_PAGES || tx_addr % SPMC_PAGE != 0 ||
        rx_addr % SPMC_PAGE != 0 || tx_addr > UINT64_MAX - len || rx_addr > UINT64_MAX - len ||
        (tx_addr < rx_addr + len && rx_addr < tx_addr + len))
        return FFA_RET_INVALID_PARAMETERS;
    tx = ffau_mem_sp_ram(sp, tx_addr, len);
    rx = from_manifest ? ffau_mem_sp_readable(sp, rx_addr, len) : ffau_mem_sp_ram(sp, rx_addr, len);
    if (tx == NULL || rx == NULL)
        return FFA_RET_INVALID_PARAMETERS;
    sp->mbox.pages = pages;
    sp->mbox.tx_addr = tx_addr;
    sp->mbox.rx_addr = rx_addr;
    sp->mbox.tx = tx;
    sp->mbox.rx = rx;
    sp->mbox.state = MBOX_EMPTY;
    ffau_mem_protect_rx(sp, rx_addr, len, true);
    return 0;
}

/*
 * FFA_RXTX_MAP_64 from an SP. DENIED when it has a pair (checked first, as Hafnium);
 * INVALID_PARAMETERS for a count of 0 or above SPMC_RXTX_MAX_PAGES, unaligned or overlapping
 * buffers, or memory that is not its writable RAM.
 */
int32_t ffau_spbuf_map(struct sp *sp, const struct ffa_regs *in)
{
    int32_t ret;

    pthread_mutex_lock(&sp->mbox_lock);
    ret = map_pair(sp, in->x[1], in->x[2], (uint32_t)in->x[3], false);
    pthread_mutex_unlock(&sp->mbox_lock);
    return ret;
}

/* FFA_RXTX_UNMAP from an SP: w1 MBZ (the ID field is the hypervisor's); nothing mapped → INVALID.
 */
int32_t ffau_spbuf_unmap(struct sp *sp, const struct ffa_regs *in)
{
    int32_t ret = FFA_RET_INVALID_PARAMETERS;

    if ((uint32_t)in->x[1] != 0)
        return ret;
    pthread_mutex_lock(&sp->mbox_lock);
    if (sp->mbox.pages != 0) {
        ffau_mem_protect_rx(sp, sp->mbox.rx_addr, (uint64_t)sp->mbox.pages * SPMC_PAGE, false);
        sp->mbox = (struct sp_mbox){0};
        ret = 0;
    }
    pthread_mutex_unlock(&sp->mbox_lock);
    return ret;
}

/* FFA_RX_RELEASE from an SP: w1 MBZ (INVALID_PARAMETERS); an EMPTY mailbox → DENIED. */
int32_t ffau_spbuf_rx_release(struct sp *sp, const struct ffa_regs *in)
{
    int32_t ret;

    if ((uint32_t)in->x[1] != 0)
        return FFA_RET_INVALID_PARAMETERS;
    pthread_mutex_lock(&sp->mbox_lock);
    ret = mbox_release(&sp->mbox.state);
    pthread_mutex_unlock(&sp->mbox_lock);
    return ret;
}

/*
 * FFA_MSG_WAIT hands the caller's RX buffer back to the SPMC unless w2 bit 0 asks to retain it
 * (Hafnium api_ffa_msg_wait_rx_release(); an empty mailbox stays empty).
 */
void ffau_spbuf_wait_release(struct sp *sp)
{
    pthread_mutex_lock(&sp->mbox_lock);
    (void)mbox_release(&sp->mbox.state);
    pthread_mutex_unlock(&sp->mbox_lock);
}

/* The manifest's rx_tx-info pair (validated by ffau_mf_parse(): same size, RX readable, TX RW). */
void ffau_spbuf_from_manifest(struct spmc *s, struct sp *sp)
{
    const struct sp_mem_region *rx, *tx;
    int32_t ret;

    if (!sp->mf.rxtx_declared)
        return;
    rx = &sp->mf.regions[sp->mf.rx_region];
    tx = &sp->mf.regions[sp->mf.tx_region];
    pthread_mutex_lock(&sp->mbox_lock);
    ret = map_pair(sp, tx->base, rx->base, rx->pages, true);
    pthread_mutex_unlock(&sp->mbox_lock);
    if (ret != 0)
        ffau_log_msg(s, FFA_UNICORN_LOG_ERROR, sp->mf.id,
                     "SP 0x%04x: manifest rx_tx-info pair could not be mapped", sp->mf.id);
}
