/* SPDX-License-Identifier: BSD-3-Clause */
/* The secure world behind the backend: calls, and what the probe at create time found. */
#include "ffa/names.h"
#include "internal.h"

/*
 * ABIs the mediator asks the secure world about with FFA_FEATURES at create time, and forwards
 * only when supported (as Xen probes its ffa_fw_abi_needed[] list in xen/arch/arm/tee/ffa.c).
 */
static const uint32_t probed_abis[] = {
    FFA_MSG_SEND_DIRECT_REQ_32,
    FFA_MSG_SEND_DIRECT_REQ_64,
    FFA_MSG_SEND_DIRECT_REQ2,
    FFA_RUN,
    FFA_SPM_ID_GET,
    FFA_RXTX_MAP_64,
    FFA_RXTX_UNMAP,
    FFA_RX_ACQUIRE,
    FFA_RX_RELEASE,
    FFA_PARTITION_INFO_GET,
    FFA_MSG_SEND2,
    FFA_MEM_SHARE_32,
    FFA_MEM_SHARE_64,
    FFA_MEM_LEND_32,
    FFA_MEM_LEND_64,
    FFA_MEM_DONATE_32,
    FFA_MEM_DONATE_64,
    FFA_MEM_RECLAIM,
    FFA_MEM_FRAG_RX,
    FFA_MEM_FRAG_TX,
    FFA_NOTIFICATION_BITMAP_CREATE,
    FFA_NOTIFICATION_BITMAP_DESTROY,
    FFA_NOTIFICATION_BIND,
    FFA_NOTIFICATION_UNBIND,
    FFA_NOTIFICATION_SET,
    FFA_NOTIFICATION_GET,
    FFA_NOTIFICATION_INFO_GET_64,
    /* Feature IDs (bit 31 clear): the secure world's schedule receiver interrupt, and whether it
       has per-vCPU notifications (FF-A v1.3; a v1.2 SPMC does not answer it). */
    FFA_FEATURE_SRI,
    FFA_FEATURE_NOTIF,
};

/*
 * What a feature-ID probe found. Notifications with the secure world need what VMs cannot do
 * without: a bitmap per VM, GET and INFO_GET (as Xen's ffa_notif_init() requires); BIND, UNBIND
 * and SET are forwarded only if present.
 */
static void fw_feature(struct ffa_mediator *m, uint32_t id, const struct ffa_regs *out)
{
    bool ok = (uint32_t)out->x[0] == FFA_SUCCESS_32 || (uint32_t)out->x[0] == FFA_SUCCESS_64;

    if (id == FFA_FEATURE_SRI && ok) {
        m->fw_sri = (uint32_t)out->x[2];
        m->fw_sri_valid = true;
    } else if (id == FFA_FEATURE_NOTIF && ok) {
        m->fw_notif_per_vcpu = ((uint32_t)out->x[2] & (FFA_FEATURE_NOTIF_NO_VCPU_VMS |
                                                       FFA_FEATURE_NOTIF_NO_VCPU_SPS)) == 0;
    }
}

static void fw_abi_set(struct ffa_mediator *m, uint32_t fid)
{
    unsigned bit = ffam_fw_abi_bit(fid);

    m->fw_abi[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/*
 * FFA_VERSION towards the secure world: the answer is a bare w0, a version or NOT_SUPPORTED,
 * never FFA_SUCCESS/FFA_ERROR (Hafnium src/api.c, api_ffa_version()).
 */
static int fw_negotiate_version(struct ffa_mediator *m, uint32_t cpu)
{
    struct ffa_regs in = {{FFA_VERSION, FFA_MEDIATOR_VERSION}};
    struct ffa_regs out;
    uint32_t v;

    ffam_fw_call(m, cpu, &in, &out);
    v = (uint32_t)out.x[0];
    if (v == (uint32_t)FFA_RET_NOT_SUPPORTED) {
        MED_LOG0(m, FFA_LOG_ERROR, "ffa: the secure world does not implement FF-A");
        return FFA_RET_NOT_SUPPORTED;
    }
    if ((v & FFA_VERSION_MBZ) != 0 || FFA_VERSION_MAJOR(v) != 1 ||
        v < FFA_MEDIATOR_MIN_FW_VERSION) {
        MED_LOG(m, FFA_LOG_ERROR, "ffa: incompatible secure-world FF-A version 0x%x", v);
        return FFA_RET_NOT_SUPPORTED;
    }
    /* A newer secure world speaks our version too (compatible minor). */
    m->fw_version = v > FFA_MEDIATOR_VERSION ? FFA_MEDIATOR_VERSION : v;
    return 0;
}

void ffam_fw_call_serialised(struct ffa_mediator *m, uint32_t cpu, const struct ffa_regs *in,
                             struct ffa_regs *out)
{
    ffam_lock(m, m->backend_lock);
    m->be.ops->call(m->be.ctx, cpu, in, out);
    ffam_unlock(m, m->backend_lock);
}

const uint32_t *ffa_mediator_probe_list(size_t *count)
{
    *count = sizeof(probed_abis) / sizeof(probed_abis[0]);
    return probed_abis;
}

int ffam_fw_probe(struct ffa_mediator *m, uint32_t cpu)
{
    int ret;

    if (m->be.ops == NULL) {
        MED_LOG0(m, FFA_LOG_INFO, "ffa: no secure world; VM-only mediation");
        return 0;
    }
    ret = fw_negotiate_version(m, cpu);
    if (ret != 0)
        return ret;
    for (size_t i = 0; i < sizeof(probed_abis) / sizeof(probed_abis[0]); i++) {
        struct ffa_regs in = {{FFA_FEATURES, probed_abis[i]}};
        struct ffa_regs out;
        uint32_t r;

        ffam_fw_call(m, cpu, &in, &out);
        r = (uint32_t)out.x[0];
        if ((probed_abis[i] & FFA_SMCCC_FAST_CALL) == 0)
            fw_feature(m, probed_abis[i], &out);
        else if (r == FFA_SUCCESS_32 || r == FFA_SUCCESS_64)
            fw_abi_set(m, probed_abis[i]);
    }
    m->fw_notif = ffam_fw_supports(m, FFA_NOTIFICATION_BITMAP_CREATE) &&
                  ffam_fw_supports(m, FFA_NOTIFICATION_BITMAP_DESTROY) &&
                  ffam_fw_supports(m, FFA_NOTIFICATION_GET) &&
                  ffam_fw_supports(m, FFA_NOTIFICATION_INFO_GET_64);
    if (!m->fw_notif)
        m->fw_notif_per_vcpu = false;
    MED_LOG(m, FFA_LOG_INFO, "ffa: secure world %s speaks FF-A %u.%u", LOG_STR(m->be.ops->name),
            FFA_VERSION_MAJOR(m->fw_version), FFA_VERSION_MINOR(m->fw_version));
    return 0;
}
