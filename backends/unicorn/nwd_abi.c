/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the normal world may call (issue 3 point 6, issue 4): the backend's call op. The caller is
 * the hypervisor (endpoint 0) forwarding for VMs whose ID is in w1[31:16] of direct requests.
 * Replies are what Hafnium gives the normal world: DIRECT_RESP, FFA_INTERRUPT (w1 = id << 16 |
 * vcpu), FFA_YIELD (w1 target info, w2/w3 timeout), FFA_MSG_WAIT after FFA_RUN of a WAITING
 * context, FFA_ERROR. The buffer ABIs (nwd_rxtx.c, partinfo.c, msg_send2.c) need the host's
 * ns_memory callback and are NOT_SUPPORTED without it.
 */
#include "spmc_internal.h"

static void reply_error(struct ffa_regs *out, int32_t code)
{
    regs_error(out, code);
}

/* The buffer ABIs that answer a bare SUCCESS (or FFA_ERROR); PARTITION_INFO_GET has its own. */
static const struct {
    uint32_t fid;
    int32_t (*handle)(struct spmc *s, const struct ffa_regs *in);
} nwd_buffer_abis[] = {
    {FFA_RXTX_MAP_64, nwd_rxtx_map},  {FFA_RXTX_UNMAP, nwd_rxtx_unmap},
    {FFA_RX_ACQUIRE, nwd_rx_acquire}, {FFA_RX_RELEASE, nwd_rx_release},
    {FFA_MSG_SEND2, send2_from_nwd},
};

/* The buffer ABIs the normal world gets when the host lets the SPMC reach its memory. */
static bool nwd_buffer_abi(uint32_t fid)
{
    for (size_t i = 0; i < sizeof(nwd_buffer_abis) / sizeof(nwd_buffer_abis[0]); i++) {
        if (nwd_buffer_abis[i].fid == fid)
            return true;
    }
    return fid == FFA_PARTITION_INFO_GET;
}

/*
 * FFA_FEATURES from the normal world: the ABIs below, NOT_SUPPORTED for everything else (memory
 * sharing, notifications, FFA_RXTX_MAP_32 which Hafnium does not implement either). No feature
 * IDs (NPI/SRI/MEI) are offered to the normal world. FFA_RXTX_MAP_64's properties: w2[1:0] = 0
 * (4 KiB minimum size and alignment), w2[31:16] = the largest page count (v1.2).
 */
static void nwd_features(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[1];

    if (spmc_fid_common(fid) || fid == FFA_MSG_SEND_DIRECT_REQ2 || fid == FFA_MSG_SEND_DIRECT_RESP2)
        regs_success(out, 0);
    else if (nwd_buffer_abi(fid) && s->cfg.ns_memory != NULL)
        regs_success(out, fid == FFA_RXTX_MAP_64 && s->nwd_version >= FFA_VERSION_1_2
                              ? (uint64_t)SPMC_RXTX_MAX_PAGES << 16
                              : 0);
    else
        reply_error(out, FFA_RET_NOT_SUPPORTED);
}

/*
 * FFA_VERSION: a bare w0 (secure-side.md 2.2): 1.2, or NOT_SUPPORTED for bit 31 / another major.
 * The version asked for (1.2 at most) decides the partition descriptors the normal world gets;
 * it is not locked: the hypervisor is the only caller, and nothing here depends on a history.
 */
static void nwd_version(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t req = (uint32_t)in->x[1];

    regs_zero(out);
    if ((req & FFA_VERSION_MBZ) != 0 || FFA_VERSION_MAJOR(req) != 1) {
        out->x[0] = (uint32_t)FFA_RET_NOT_SUPPORTED;
        return;
    }
    s->nwd_version = req > SPMC_VERSION ? SPMC_VERSION : req;
    out->x[0] = SPMC_VERSION;
}

/* FFA_PARTITION_INFO_GET into the hypervisor's RX buffer: SUCCESS w2 = count, w3 = entry size. */
static void nwd_partition_info_get(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t count = 0, size = 0;
    int32_t ret = partinfo_nwd(s, in, &count, &size);

    if (ret != 0) {
        reply_error(out, ret);
        return;
    }
    regs_success(out, count);
    out->x[3] = size;
}

/* A buffer ABI: NOT_SUPPORTED without ns_memory; else its handler's answer. */
static void nwd_buffer_call(struct spmc *s, uint32_t fid, const struct ffa_regs *in,
                            struct ffa_regs *out)
{
    if (s->cfg.ns_memory == NULL) {
        reply_error(out, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (fid == FFA_PARTITION_INFO_GET) {
        nwd_partition_info_get(s, in, out);
        return;
    }
    for (size_t i = 0; i < sizeof(nwd_buffer_abis) / sizeof(nwd_buffer_abis[0]); i++) {
        if (nwd_buffer_abis[i].fid == fid) {
            int32_t ret = nwd_buffer_abis[i].handle(s, in);

            if (ret != 0)
                reply_error(out, ret);
            else
                regs_success(out, 0);
            return;
        }
    }
}

static void nwd_direct_req(struct spmc *s, uint32_t fid, const struct ffa_regs *in,
                           struct ffa_regs *out)
{
    struct next nx;
    struct sp *to;
    struct ec *t;
    int32_t ret = direct_req_check(s, NULL, fid, in, &to);

    if (ret != 0) {
        reply_error(out, ret);
        return;
    }
    /* One PE: the request goes to vCPU 0 (UP partitions migrate; MP ones are pinned to CPU 0). */
    t = &to->ecs[0];
    if (t->state != FFA_UNICORN_EC_WAITING) {
        reply_error(out, FFA_RET_BUSY);
        return;
    }
    direct_req_deliver(t, NULL, fid, in, &nx);
    engine_set_regs(to, &nx.regs);
    spmc_run(s, t, out);
}

/*
 * FFA_RUN from the normal world (secure-side.md 3.6, Hafnium column): a WAITING context runs in
 * the RUN model and sees x0 = FFA_RUN; a PREEMPTED or yielded one resumes (a yield returns
 * FFA_SUCCESS). Only contexts whose cycles came from the normal world can be resumed from it: one
 * preempted inside an SP's call chain belongs to that SP (DENIED).
 */
static void nwd_run(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t w1 = (uint32_t)in->x[1];
    uint16_t id = FFA_TARGET_ID(w1), vcpu = FFA_TARGET_VCPU(w1);
    struct ffa_regs r;
    struct sp *to;
    struct ec *t;

    for (int i = 8; i < FFA_NUM_REGS; i++) {
        if (in->x[i] != 0) {
            reply_error(out, FFA_RET_INVALID_PARAMETERS); /* v1.2 caller: x8..x17 MBZ */
            return;
        }
    }
    to = spmc_find_sp(s, id);
    /* Unknown ID, vCPU beyond the count, or an MP vCPU other than this PE's (CPU 0). */
    if (to == NULL || vcpu >= to->mf.ec_count || (to->mf.ec_count > 1 && vcpu != 0)) {
        reply_error(out, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (to->aborted) {
        reply_error(out, FFA_RET_ABORTED);
        return;
    }
    t = &to->ecs[vcpu];
    switch (t->state) {
    case FFA_UNICORN_EC_WAITING:
        t->state = FFA_UNICORN_EC_RUNNING;
        t->rtm = RTM_FFA_RUN;
        t->donor = NULL;
        regs_zero(&r);
        r.x[0] = FFA_RUN; /* Hafnium sets x0 only */
        engine_set_regs(to, &r);
        break;
    case FFA_UNICORN_EC_PREEMPTED:
        if (t->donor != NULL) {
            reply_error(out, FFA_RET_DENIED);
            return;
        }
        t->state = FFA_UNICORN_EC_RUNNING;
        break;
    case FFA_UNICORN_EC_BLOCKED:
        if (!t->yielded) {
            reply_error(out, FFA_RET_BUSY); /* waiting for its own callee */
            return;
        }
        if (t->donor != NULL) {
            reply_error(out, FFA_RET_DENIED);
            return;
        }
        t->state = FFA_UNICORN_EC_RUNNING;
        t->yielded = false;
        regs_success(&r, 0);
        engine_set_regs(to, &r);
        break;
    default:
        reply_error(out, FFA_RET_BUSY);
        return;
    }
    spmc_run(s, t, out);
}

void nwd_abi_call(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[0] & ~FFA_SMCCC_SVE_HINT;

    switch (fid) {
    case FFA_VERSION:
        nwd_version(s, in, out);
        return;
    case FFA_FEATURES:
        nwd_features(s, in, out);
        return;
    case FFA_ID_GET:
        regs_success(out, FFA_ID_HYPERVISOR); /* the caller is the hypervisor, endpoint 0 */
        return;
    case FFA_SPM_ID_GET:
        regs_success(out, FFA_ID_SPMC);
        return;
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_REQ2:
        nwd_direct_req(s, fid, in, out);
        return;
    case FFA_RUN:
        nwd_run(s, in, out);
        return;
    case FFA_RXTX_MAP_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_ACQUIRE:
    case FFA_RX_RELEASE:
    case FFA_PARTITION_INFO_GET:
    case FFA_MSG_SEND2:
        nwd_buffer_call(s, fid, in, out);
        return;
    default:
        reply_error(out, FFA_RET_NOT_SUPPORTED);
        return;
    }
}
