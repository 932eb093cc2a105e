/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decoder of what the normal world may call: the backend's call op, one call at the
 * non-secure physical FF-A instance. The caller is the hypervisor (endpoint 0), forwarding for
 * VMs whose ID is in w1[31:16] of direct requests. Replies are what Hafnium gives the normal world:
 * DIRECT_RESP, FFA_INTERRUPT (w1 = id << 16 | vcpu), FFA_YIELD (w1 target info, w2/w3 timeout),
 * FFA_MSG_WAIT after FFA_RUN of a WAITING context, FFA_ERROR. The buffer ABIs (nwd_rxtx.c,
 * partinfo.c, msg_send2.c) need the host's ns_memory callback and are NOT_SUPPORTED without it.
 *
 * A call that runs a partition (a direct request, FFA_RUN) ends here with the context to run
 * (NEXT_EC or NEXT_EC_RESUME); run.c runs it and the answer comes from what the partition does.
 */
#include "spmc_internal.h"

/* A buffer ABI: NOT_SUPPORTED without ns_memory; else its handler's answer. */
static void nwd_buffer_call(struct spmc *s, struct cpu *cpu, uint32_t fid,
                            const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t count = 0, size = 0;
    int32_t ret;

    if (s->cfg.ns_memory == NULL) {
        regs_error(out, FFA_RET_NOT_SUPPORTED);
        return;
    }
    switch (fid) {
    case FFA_RXTX_MAP_64:
        ret = ffau_nwdbuf_map(s, in);
        break;
    case FFA_RXTX_UNMAP:
        ret = ffau_nwdbuf_unmap(s, in);
        break;
    case FFA_RX_ACQUIRE:
        ret = ffau_nwdbuf_rx_acquire(s, in);
        break;
    case FFA_RX_RELEASE:
        ret = ffau_nwdbuf_rx_release(s, in);
        break;
    case FFA_PARTITION_INFO_GET:
        /* SUCCESS, w2 = count, w3 = entry size, the entries in the hypervisor's RX buffer. */
        ret = ffau_pinfo_nwd(s, cpu, in, &count, &size);
        break;
    default:
        ret = ffau_send2_from_nwd(s, in);
        break;
    }
    if (ret != 0) {
        regs_error(out, ret);
        return;
    }
    regs_success(out, count);
    out->x[3] = size;
}

/* FFA_RUN: w1 = target ID << 16 | vCPU; x8..x17 MBZ (the caller is a v1.2 hypervisor). */
static int32_t nwd_run(struct spmc *s, struct cpu *cpu, const struct ffa_regs *in, struct next *nx)
{
    uint32_t w1 = (uint32_t)in->x[1];

    for (int i = 8; i < FFA_NUM_REGS; i++) {
        if (in->x[i] != 0)
            return FFA_RET_INVALID_PARAMETERS;
    }
    return ffau_rt_run(s, cpu, NULL, FFA_TARGET_ID(w1), FFA_TARGET_VCPU(w1), nx);
}

void ffau_nwdabi_call(struct spmc *s, struct cpu *cpu, const struct ffa_regs *in, struct next *nx)
{
    uint32_t fid = (uint32_t)in->x[0] & ~FFA_SMCCC_SVE_HINT;
    int32_t ret = 0;

    nx->kind = NEXT_NWD;
    nx->ec = NULL;
    switch (fid) {
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_REQ2:
        ret = ffau_dmsg_req(s, cpu, NULL, fid, in, nx);
        break;
    case FFA_RUN:
        ret = nwd_run(s, cpu, in, nx);
        break;
    case FFA_VERSION:
        ffau_disc_nwd_version(s, in, &nx->regs);
        return;
    case FFA_FEATURES:
        ffau_disc_nwd_features(s, in, &nx->regs);
        return;
    case FFA_ID_GET:
        regs_success(&nx->regs, FFA_ID_HYPERVISOR); /* the caller is the hypervisor */
        return;
    case FFA_SPM_ID_GET:
        regs_success(&nx->regs, FFA_ID_SPMC);
        return;
    case FFA_RXTX_MAP_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_ACQUIRE:
    case FFA_RX_RELEASE:
    case FFA_PARTITION_INFO_GET:
    case FFA_MSG_SEND2:
        nwd_buffer_call(s, cpu, fid, in, &nx->regs);
        return;
    default:
        ret = FFA_RET_NOT_SUPPORTED;
        break;
    }
    if (ret != 0) {
        nx->kind = NEXT_NWD;
        nx->ec = NULL;
        regs_error(&nx->regs, ret);
    }
}
