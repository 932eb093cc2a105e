/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decoder of what a secure partition may call (Hafnium src/arch/aarch64/hypervisor/handler.c
 * ffa_handler() is the same shape): read the registers, check the ones an ABI leaves MBZ, call the
 * handler below, turn its FF-A error into the answer. One case per ABI; anything else is
 * NOT_SUPPORTED. The rules themselves live below: runtime.c (the runtime model), direct_msg.c,
 * discovery.c, partinfo.c, msg_send2.c, sp_rxtx.c.
 */
#include "spmc_internal.h"

static void answer_error(struct next *nx, int32_t code)
{
    nx->kind = NEXT_SELF;
    regs_error(&nx->regs, code);
}

static void answer_success(struct next *nx, uint64_t w2)
{
    nx->kind = NEXT_SELF;
    regs_success(&nx->regs, w2);
}

/* 0: SUCCESS; else the error. */
static void answer(struct next *nx, int32_t ret)
{
    if (ret != 0)
        answer_error(nx, ret);
    else
        answer_success(nx, 0);
}

static bool high_regs_zero(const struct ffa_regs *in)
{
    for (int i = 8; i < FFA_NUM_REGS; i++) {
        if (in->x[i] != 0)
            return false;
    }
    return true;
}

/*
 * FFA_MSG_WAIT (DEN0077A v1.2): w1, w3..w7 MBZ; w2 MBZ before v1.2 and only bit 0 (retain the RX
 * buffer) from v1.2 (Hafnium ignores the other bits; they are MBZ in the specification); x8..x17
 * MBZ from v1.2 callers. Then the runtime model; a successful wait releases the RX buffer unless
 * told to retain it.
 */
static void sp_msg_wait(struct spmc *s, struct cpu *cpu, struct ec *ec, const struct ffa_regs *in,
                        struct next *nx)
{
    struct sp *sp = ec->sp;
    uint64_t w2_allowed = sp->version >= FFA_VERSION_1_2 ? 1 : 0;
    bool args_ok = (uint32_t)in->x[1] == 0 && ((uint32_t)in->x[2] & ~w2_allowed) == 0;
    bool retain = ((uint32_t)in->x[2] & 1u) != 0;
    int32_t ret;

    for (int i = 3; i < 8; i++)
        args_ok = args_ok && (uint32_t)in->x[i] == 0;
    if (sp->version >= FFA_VERSION_1_2 && !high_regs_zero(in))
        args_ok = false;
    if (!args_ok) {
        ffau_log_refused(s, sp, "FFA_MSG_WAIT with non-zero MBZ registers",
                         FFA_RET_INVALID_PARAMETERS);
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffau_rt_msg_wait(s, cpu, ec, nx);
    if (ret != 0) {
        answer_error(nx, ret);
        return;
    }
    if (!retain)
        ffau_spbuf_wait_release(sp);
}

/* FFA_YIELD (DEN0077A v1.2): w1 and w4..w7 MBZ; w2/w3 = the timeout, passed to the donor. */
static void sp_yield(struct spmc *s, struct cpu *cpu, struct ec *ec, const struct ffa_regs *in,
                     struct next *nx)
{
    int32_t ret;

    if ((uint32_t)in->x[1] != 0 || (uint32_t)in->x[4] != 0 || (uint32_t)in->x[5] != 0 ||
        (uint32_t)in->x[6] != 0 || (uint32_t)in->x[7] != 0) {
        ffau_log_refused(s, ec->sp, "FFA_YIELD with non-zero MBZ registers",
                         FFA_RET_INVALID_PARAMETERS);
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffau_rt_yield(s, cpu, ec, (uint32_t)in->x[2], (uint32_t)in->x[3], nx);
    if (ret != 0)
        answer_error(nx, ret);
}

/* FFA_RUN: w1 = target ID << 16 | vCPU; x8..x17 MBZ from v1.2 callers. */
static void sp_run(struct spmc *s, struct cpu *cpu, struct ec *ec, const struct ffa_regs *in,
                   struct next *nx)
{
    uint32_t w1 = (uint32_t)in->x[1];
    int32_t ret;

    if (ec->sp->version >= FFA_VERSION_1_2 && !high_regs_zero(in)) {
        answer_error(nx, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    ret = ffau_rt_run(s, cpu, ec, FFA_TARGET_ID(w1), FFA_TARGET_VCPU(w1), nx);
    if (ret != 0)
        answer_error(nx, ret);
}

/*
 * FFA_ERROR from an SP: FFA_ERROR(ABORTED) is how a v1.2 SP reports it cannot go on (Hafnium
 * ffa_cpu_cycles_error_32() for SP_INIT; accepted here in any model, as v1.3's FFA_ABORT is).
 * Other codes are not a valid SP call: DENIED.
 */
static void sp_error(struct spmc *s, struct cpu *cpu, struct ec *ec, const struct ffa_regs *in,
                     struct next *nx)
{
    if (ffa_error_code(in->x[2]) != FFA_RET_ABORTED) {
        ffau_log_refused(s, ec->sp, "FFA_ERROR other than ABORTED", FFA_RET_DENIED);
        answer_error(nx, FFA_RET_DENIED);
        return;
    }
    ffau_rt_abort(s, cpu, ec, "the partition reported FFA_ERROR(ABORTED)", ec->eng->pc, "", nx);
}

/* The buffer ABIs (sp_rxtx.c, partinfo.c, msg_send2.c): SUCCESS or the error they return. */
static void sp_buffer_call(struct spmc *s, struct cpu *cpu, struct ec *ec, uint32_t fid,
                           const struct ffa_regs *in, struct next *nx)
{
    struct sp *sp = ec->sp;
    uint32_t count = 0, size = 0;
    int32_t ret;

    switch (fid) {
    case FFA_RXTX_MAP_64:
        ret = ffau_spbuf_map(sp, in);
        break;
    case FFA_RXTX_UNMAP:
        ret = ffau_spbuf_unmap(sp, in);
        break;
    case FFA_RX_RELEASE:
        ret = ffau_spbuf_rx_release(sp, in);
        break;
    case FFA_PARTITION_INFO_GET:
        ret = ffau_pinfo_sp(s, cpu, sp, in, &count, &size);
        break;
    default:
        ret = ffau_send2_from_sp(s, sp, in);
        break;
    }
    if (ret != 0) {
        ffau_log_refused(s, sp, ffau_log_fid_name(fid), ret);
        answer_error(nx, ret);
        return;
    }
    answer_success(nx, count);
    nx->regs.x[3] = size;
}

/* FFA_PARTITION_INFO_GET_REGS, a v1.2 ABI: NOT_SUPPORTED below v1.2, as FFA_FEATURES says. */
static void sp_partition_info_regs(struct spmc *s, struct cpu *cpu, struct ec *ec,
                                   const struct ffa_regs *in, struct next *nx)
{
    int32_t ret;

    if (ec->sp->version < FFA_VERSION_1_2) {
        answer_error(nx, FFA_RET_NOT_SUPPORTED);
        return;
    }
    nx->kind = NEXT_SELF;
    ret = ffau_pinfo_sp_regs(s, cpu, ec->sp, in, &nx->regs);
    if (ret != 0) {
        ffau_log_refused(s, ec->sp, "FFA_PARTITION_INFO_GET_REGS", ret);
        answer_error(nx, ret);
    }
}

void ffau_spabi_call(struct spmc *s, struct cpu *cpu, struct ec *ec, const struct ffa_regs *in,
                     struct next *nx)
{
    /* SMCCC v1.3 bit 16 (SVE hint) does not change the call (Hafnium masks it). */
    uint32_t fid = (uint32_t)in->x[0] & ~FFA_SMCCC_SVE_HINT;
    struct sp *sp = ec->sp;

    /* Locked by its first other call, always during boot: read-only afterwards. */
    if (fid != FFA_VERSION && !sp->version_locked)
        sp->version_locked = true;
    switch (fid) {
    case FFA_MSG_SEND_DIRECT_RESP_32:
    case FFA_MSG_SEND_DIRECT_RESP_64:
    case FFA_MSG_SEND_DIRECT_RESP2: {
        int32_t ret = ffau_dmsg_resp(s, cpu, ec, fid, in, nx);

        if (ret != 0)
            answer_error(nx, ret);
        return;
    }
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MSG_SEND_DIRECT_REQ2: {
        int32_t ret = ffau_dmsg_req(s, cpu, ec, fid, in, nx);

        if (ret != 0)
            answer_error(nx, ret);
        return;
    }
    case FFA_MSG_WAIT:
        sp_msg_wait(s, cpu, ec, in, nx);
        return;
    case FFA_MSG_YIELD:
        sp_yield(s, cpu, ec, in, nx);
        return;
    case FFA_RUN:
        sp_run(s, cpu, ec, in, nx);
        return;
    case FFA_ERROR:
        sp_error(s, cpu, ec, in, nx);
        return;
    case FFA_VERSION:
        nx->kind = NEXT_SELF;
        ffau_disc_sp_version(sp, in, &nx->regs);
        return;
    case FFA_FEATURES:
        nx->kind = NEXT_SELF;
        ffau_disc_sp_features(sp, in, &nx->regs);
        return;
    case FFA_ID_GET:
        answer_success(nx, sp->mf.id);
        return;
    case FFA_SPM_ID_GET:
        answer_success(nx, FFA_ID_SPMC);
        return;
    case FFA_CONSOLE_LOG_32:
    case FFA_CONSOLE_LOG_64:
        answer(nx, ffau_disc_console(s, ec, fid, in));
        return;
    case FFA_SECONDARY_EP_REGISTER_32:
    case FFA_SECONDARY_EP_REGISTER_64:
        answer(nx, ffau_disc_secondary_ep(s, ec, fid, in));
        return;
    case FFA_RXTX_MAP_64:
    case FFA_RXTX_UNMAP:
    case FFA_RX_RELEASE:
    case FFA_PARTITION_INFO_GET:
    case FFA_MSG_SEND2:
        sp_buffer_call(s, cpu, ec, fid, in, nx);
        return;
    case FFA_PARTITION_INFO_GET_REGS:
        sp_partition_info_regs(s, cpu, ec, in, nx);
        return;
    default:
        ffau_log_msg(s, FFA_UNICORN_LOG_DEBUG, sp->mf.id,
                     "SP 0x%04x called %s (0x%x): NOT_SUPPORTED", sp->mf.id, ffau_log_fid_name(fid),
                     fid);
        answer_error(nx, FFA_RET_NOT_SUPPORTED);
        return;
    }
}
