/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mediator's own RX/TX pair, registered with the SPMC, and what travels through it.
 *
 * As the hypervisor, the mediator has one buffer pair at the non-secure physical FF-A instance
 * (as Xen's ffa_spmc_rx/ffa_spmc_tx in xen/arch/arm/tee/ffa_rxtx.c): the SPMC writes the
 * partition list into its RX buffer, and the
 * mediator writes there the endpoint RX/TX descriptors that tell the SPMC where a VM's buffers
 * are (FF-A v1.1 RXTX_MAP forwarding). One page each is enough: a descriptor for two 64-page
 * buffers takes at most 16 + 2 * (16 + 64 * 16) bytes.
 */
#include "internal.h"

/*
 * Status of a call that answers FFA_SUCCESS or FFA_ERROR (as Xen's ffa_simple_call() and
 * ffa_get_ret_code(), xen/arch/arm/tee/ffa_private.h).
 */
int32_t ffam_fw_simple_call(struct ffa_mediator *m, uint32_t cpu, uint32_t fid, uint64_t x1,
                            uint64_t x2, uint64_t x3)
{
    struct ffa_regs r = {{fid, x1, x2, x3}};
    uint32_t ret;

    ffam_fw_call(m, cpu, &r, &r);
    ret = (uint32_t)r.x[0];
    if (ret == FFA_SUCCESS_32 || ret == FFA_SUCCESS_64)
        return 0;
    if (ret == FFA_ERROR && ffa_error_code(r.x[2]) < 0)
        return ffa_error_code(r.x[2]);
    MED_LOG(m, FFA_LOG_ERROR, "ffa: bad answer 0x%x to 0x%x from the secure world", ret, fid);
    return FFA_RET_ABORTED;
}

int ffam_own_buffers_setup(struct ffa_mediator *m, uint32_t cpu)
{
    bool ok;
    int32_t ret;

    if (m->be.ops == NULL || m->host->page_alloc == NULL)
        return 0;
    if (!ffam_fw_supports(m, FFA_RXTX_MAP_64)) {
        MED_LOG0(m, FFA_LOG_WARN, "ffa: the secure world has no FFA_RXTX_MAP_64: no SP list");
        return 0;
    }
    m->own_lock = ffam_lock_create(m, &ok);
    if (!ok)
        return FFA_RET_NO_MEMORY;
    m->own_tx = m->host->page_alloc(m->host_ctx, 1, &m->own_tx_pa);
    m->own_rx = m->host->page_alloc(m->host_ctx, 1, &m->own_rx_pa);
    if (m->own_tx == NULL || m->own_rx == NULL) {
        MED_LOG0(m, FFA_LOG_ERROR, "ffa: cannot allocate the mediator's RX/TX buffers");
        return 0; /* ffam_own_buffers_teardown() frees what was allocated */
    }
    /* FFA_RXTX_MAP_64: x1 = TX, x2 = RX, w3 = page count (Hafnium api_ffa_rxtx_map). */
    ret = ffam_fw_simple_call(m, cpu, FFA_RXTX_MAP_64, m->own_tx_pa, m->own_rx_pa, 1);
    if (ret != 0) {
        MED_LOG(m, FFA_LOG_ERROR, "ffa: the SPMC refused the mediator's buffers: %d", ret);
        return 0;
    }
    m->own_mapped = true;
    /*
     * The SPMC needs to know a VM's buffers when it reads the VM's TX (SEND2 to an SP) or fills
     * its RX (SEND2 from an SP), which FFA_RX_ACQUIRE arbitrates. Hafnium up to v2.14 reports
     * MSG_SEND2 but not RX_ACQUIRE (the workaround Xen applies after probing, in
     * xen/arch/arm/tee/ffa.c: "Hafnium v2.14 or earlier does not report FFA_RX_ACQUIRE").
     */
    m->fwd_vm_buffers = ffam_fw_supports(m, FFA_RX_ACQUIRE) || ffam_fw_supports(m, FFA_MSG_SEND2);
    return 0;
}

void ffam_own_buffers_teardown(struct ffa_mediator *m, uint32_t cpu)
{
    if (m->own_mapped) {
        /* w1 = 0: the caller's own buffers (Hafnium api_ffa_rxtx_unmap). */
        int32_t ret = ffam_fw_simple_call(m, cpu, FFA_RXTX_UNMAP, 0, 0, 0);

        if (ret != 0)
            MED_LOG(m, FFA_LOG_ERROR, "ffa: FFA_RXTX_UNMAP of the mediator's buffers: %d", ret);
        m->own_mapped = false;
    }
    if (m->own_tx != NULL)
        m->host->page_free(m->host_ctx, m->own_tx, 1);
    if (m->own_rx != NULL)
        m->host->page_free(m->host_ctx, m->own_rx, 1);
    m->own_tx = m->own_rx = NULL;
    ffam_lock_destroy(m, m->own_lock);
    m->own_lock = NULL;
}

/*
 * A composite memory region descriptor (Hafnium inc/vmapi/hf/ffa.h,
 * struct ffa_composite_memory_region) for `pages` pages at `pa`, merging
 * physically contiguous pages into one constituent. Returns its size in bytes.
 */
static uint32_t put_composite(uint8_t *p, const uint64_t *pa, uint32_t pages)
{
    uint32_t ranges = 0;

    for (uint32_t i = 0; i < pages;) {
        uint32_t n = 1;
        uint8_t *c = p + 16 + 16 * ranges;

        while (i + n < pages && pa[i + n] == pa[i] + (uint64_t)n * FFA_PAGE_SIZE)
            n++;
        le_put(c, pa[i], 8);
        le_put(c + 8, n, 4);
        le_put(c + 12, 0, 4);
        ranges++;
        i += n;
    }
    le_put(p, pages, 4);      /* total page count */
    le_put(p + 4, ranges, 4); /* address range count */
    le_put(p + 8, 0, 8);
    return 16 + 16 * ranges;
}

/*
 * Tell the SPMC where VM `vm_id`'s buffers are: an endpoint RX/TX descriptor (v1.1) in the
 * mediator's TX buffer, then FFA_RXTX_MAP_64(0, 0, 0) (Hafnium inc/vmapi/hf/ffa.h,
 * struct ffa_endpoint_rx_tx_descriptor; Xen xen/arch/arm/tee/ffa_rxtx.c, ffa_handle_rxtx_map()).
 * Layout: u16 endpoint, u16 reserved, u32 RX region offset, u32 TX region offset, u32 reserved,
 * then the two composite descriptors at 8-byte aligned offsets.
 */
int32_t ffam_own_forward_rxtx_map(struct ffa_mediator *m, uint32_t cpu, uint16_t vm_id,
                                  const uint64_t *tx_pa, const uint64_t *rx_pa, uint32_t pages)
{
    const uint32_t rx_off = 16;
    uint32_t tx_off;
    int32_t ret;

    ffam_lock(m, m->own_lock);
    le_put(m->own_tx, vm_id, 2);
    le_put(m->own_tx + 2, 0, 2);
    tx_off = rx_off + put_composite(m->own_tx + rx_off, rx_pa, pages);
    put_composite(m->own_tx + tx_off, tx_pa, pages);
    le_put(m->own_tx + 4, rx_off, 4);
    le_put(m->own_tx + 8, tx_off, 4);
    le_put(m->own_tx + 12, 0, 4);
    ret = ffam_fw_simple_call(m, cpu, FFA_RXTX_MAP_64, 0, 0, 0);
    ffam_unlock(m, m->own_lock);
    return ret;
}
