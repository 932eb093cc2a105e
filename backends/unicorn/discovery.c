/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Setup and discovery ABIs of both worlds (Hafnium src/api.c api_ffa_version(),
 * api_ffa_features(), src/ffa/spmc/setup_and_discovery.c): FFA_VERSION, FFA_FEATURES, and the
 * SP-only FFA_CONSOLE_LOG and FFA_SECONDARY_EP_REGISTER.
 */
#include "spmc_internal.h"

/* FFA_VERSION's answer; true when the version asked for (capped at ours) is to be recorded. */
static bool answer_version(uint32_t req, struct ffa_regs *out)
{
    regs_zero(out);
    if ((req & FFA_VERSION_MBZ) != 0 || FFA_VERSION_MAJOR(req) != 1) {
        out->x[0] = (uint32_t)FFA_RET_NOT_SUPPORTED;
        return false;
    }
    out->x[0] = SPMC_VERSION;
    return true;
}

static uint32_t capped(uint32_t req)
{
    return req > SPMC_VERSION ? SPMC_VERSION : req;
}

/*
 * FFA_VERSION from the normal world: a bare w0 (DEN0077A v1.2 FFA_VERSION): 1.2, or
 * NOT_SUPPORTED for bit 31 or another major. The version asked for (1.2 at most) decides the
 * partition descriptors the normal world gets; it is not locked: the hypervisor is the only
 * caller, and nothing here depends on a history. Stored atomically: calls on other PEs read it.
 */
void ffau_disc_nwd_version(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t req = (uint32_t)in->x[1];

    if (answer_version(req, out))
        __atomic_store_n(&s->nwd_version, capped(req), __ATOMIC_RELAXED);
}

/*
 * FFA_VERSION from an SP: the requested version is recorded (capped at ours) until its first other
 * FF-A call; afterwards a different one is NOT_SUPPORTED (Hafnium api_ffa_version(); the FF-A ACS
 * test ffa_version_negotiation). The first other call is always made during boot, so the version
 * is read-only afterwards (other PEs read it without a lock): a locked one is never written.
 */
void ffau_disc_sp_version(struct sp *sp, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t req = (uint32_t)in->x[1];

    if (sp->version_locked && (req & FFA_VERSION_MBZ) == 0 && FFA_VERSION_MAJOR(req) == 1 &&
        capped(req) != sp->version) {
        regs_zero(out);
        out->x[0] = (uint32_t)FFA_RET_NOT_SUPPORTED;
        return;
    }
    if (answer_version(req, out) && !sp->version_locked)
        sp->version = capped(req);
}

/* The function IDs (status IDs and ABIs) both worlds are offered. */
static bool fid_common(uint32_t fid)
{
    switch (fid) {
    case FFA_ERROR:
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
    case FFA_INTERRUPT:
    case FFA_VERSION:
    case FFA_FEATURES:
    case FFA_ID_GET:
    case FFA_SPM_ID_GET:
    case FFA_MSG_YIELD:
    case FFA_RUN:
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
        return true;
    default:
        return false;
    }
}

/* The buffer ABIs the normal world gets when the host lets the SPMC reach its memory. */
static bool nwd_buffer_abi(uint32_t fid)
{
    switch (fid) {
    case FFA_RXTX_MAP_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_ACQUIRE:
    case FFA_RX_RELEASE:
    case FFA_PARTITION_INFO_GET:
    case FFA_MSG_SEND2:
        return true;
    default:
        return false;
    }
}

/*
 * FFA_FEATURES from the normal world: the ABIs nwd_abi.c answers, NOT_SUPPORTED for everything
 * else (memory sharing, notifications, FFA_RXTX_MAP_32 which Hafnium does not implement either,
 * FFA_PARTITION_INFO_GET_REGS which the mediator answers its VMs itself). No feature IDs
 * (NPI/SRI/MEI) are offered to the normal world. FFA_RXTX_MAP_64's properties: w2[1:0] = 0 (4 KiB
 * minimum size and alignment), w2[31:16] = the largest page count (v1.2).
 */
void ffau_disc_nwd_features(struct spmc *s, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t fid = (uint32_t)in->x[1];

    if (fid_common(fid) || fid == FFA_MSG_SEND_DIRECT_REQ2 || fid == FFA_MSG_SEND_DIRECT_RESP2)
        regs_success(out, 0);
    else if (nwd_buffer_abi(fid) && s->cfg.ns_memory != NULL)
        regs_success(out, fid == FFA_RXTX_MAP_64 && nwd_version(s) >= FFA_VERSION_1_2
                              ? (uint64_t)SPMC_RXTX_MAX_PAGES << 16
                              : 0);
    else
        regs_error(out, FFA_RET_NOT_SUPPORTED);
}

/* SUCCESS (w2 = 0) for an ABI the SP has when `available`, else NOT_SUPPORTED. */
static void available(struct ffa_regs *out, bool yes)
{
    if (yes)
        regs_success(out, 0);
    else
        regs_error(out, FFA_RET_NOT_SUPPORTED);
}

/* FFA_FEATURES from an SP: the ABIs sp_abi.c answers, and the managed-exit interrupt ID. */
void ffau_disc_sp_features(struct sp *sp, const struct ffa_regs *in, struct ffa_regs *out)
{
    uint32_t id = (uint32_t)in->x[1];

    if ((id & FFA_SMCCC_FAST_CALL) == 0) {
        /* Feature ID 3 = MEI: Hafnium answers vINTID 4, for S-EL1 partitions only. */
        if (id == FFA_FEATURE_MEI && !sp->mf.el0 && sp->mf.ns_action == NS_MANAGED_EXIT)
            regs_success(out, 4);
        else
            regs_error(out, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (fid_common(id)) {
        regs_success(out, 0);
        return;
    }
    switch (id) {
    case FFA_MSG_WAIT:
    case FFA_CONSOLE_LOG_32:
    case FFA_CONSOLE_LOG_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_RELEASE:
    case FFA_PARTITION_INFO_GET:
        regs_success(out, 0);
        return;
    /* w2[1:0] = 0: 4 KiB minimum; w2[31:16] = the largest page count (v1.2 callers). */
    case FFA_RXTX_MAP_64:
        regs_success(out, sp->version >= FFA_VERSION_1_2 ? SPMC_RXTX_MAX_PAGES << 16 : 0);
        return;
    case FFA_MSG_SEND2:
        available(out, sp->version >= FFA_VERSION_1_1);
        return;
    /* The v1.2 ABIs, for SPs that negotiated v1.2 (Xen offers GET_REGS to v1.2 guests only). */
    case FFA_MSG_SEND_DIRECT_REQ2:
    case FFA_MSG_SEND_DIRECT_RESP2:
    case FFA_PARTITION_INFO_GET_REGS:
        available(out, sp->version >= FFA_VERSION_1_2);
        return;
    case FFA_SECONDARY_EP_REGISTER_64:
        available(out, sp->mf.ec_count > 1);
        return;
    default:
        regs_error(out, FFA_RET_NOT_SUPPORTED);
        return;
    }
}

/*
 * FFA_CONSOLE_LOG_32/64 (v1.2): w1 = character count; characters packed little-endian in w2..w7
 * (at most 24), x2..x7 (64-bit before v1.2, at most 48) or x2..x17 (v1.2, at most 128). Count 0
 * or above the maximum: INVALID_PARAMETERS. Lines go to the host log, tagged with the SP ID; each
 * execution context has its own line, so contexts printing on different PEs do not mix.
 */
int32_t ffau_disc_console(struct spmc *s, struct ec *ec, uint32_t fid, const struct ffa_regs *in)
{
    struct sp *sp = ec->sp;
    struct console_buf *c = &ec->console;
    bool is64 = fid == FFA_CONSOLE_LOG_64;
    unsigned bytes_per_reg = is64 ? 8 : 4;
    unsigned regs = is64 ? (sp->version >= FFA_VERSION_1_2 ? 16 : 6) : 6;
    uint32_t count = (uint32_t)in->x[1];

    if (count == 0 || count > regs * bytes_per_reg) {
        ffau_log_refused(s, sp, "FFA_CONSOLE_LOG with a bad character count",
                         FFA_RET_INVALID_PARAMETERS);
        return FFA_RET_INVALID_PARAMETERS;
    }
    for (uint32_t i = 0; i < count; i++) {
        char ch = (char)(in->x[2 + i / bytes_per_reg] >> (8 * (i % bytes_per_reg)));

        if (ch == '\n' || c->len == sizeof(c->line) - 1) {
            c->line[c->len] = '\0';
            ffau_log_msg(s, FFA_UNICORN_LOG_CONSOLE, sp->mf.id, "%s", c->line);
            c->len = 0;
            if (ch == '\n')
                continue;
        }
        /* Keep the host log printable. */
        c->line[c->len++] = (ch >= 0x20 && ch < 0x7f) || ch == '\t' ? ch : '?';
    }
    return 0;
}

/*
 * FFA_SECONDARY_EP_REGISTER (v1.1; Hafnium api_ffa_secondary_ep_register()): Hafnium implements
 * only the 64-bit form; UP partitions get NOT_SUPPORTED; only during init (else DENIED); the last
 * call wins. The entry is taken as given, as Hafnium does (TF-A's EL3 SPMC also checks it lies in
 * the image): the partition's contexts on the other PEs start there when those PEs are turned on
 * (boot.c), and one that faults there aborts the partition. Init is single-threaded (boot), so
 * this is read-only afterwards.
 */
int32_t ffau_disc_secondary_ep(struct spmc *s, struct ec *ec, uint32_t fid,
                               const struct ffa_regs *in)
{
    if (fid != FFA_SECONDARY_EP_REGISTER_64 || ec->sp->mf.ec_count == 1)
        return FFA_RET_NOT_SUPPORTED;
    if (ec->rt_model != RTM_SP_INIT) {
        ffau_log_refused(s, ec->sp, "FFA_SECONDARY_EP_REGISTER after initialisation",
                         FFA_RET_DENIED);
        return FFA_RET_DENIED;
    }
    ec->sp->secondary_ep = in->x[1];
    ec->sp->secondary_ep_set = true;
    return 0;
}
