/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_MSG_WAIT from a VM: the vCPU has nothing to do until a message, a notification or an
 * interrupt arrives (Hafnium src/api.c, api_ffa_msg_wait(); its hypervisor's
 * src/ffa/hypervisor/cpu_cycles.c, ffa_cpu_cycles_msg_wait_prepare(), and
 * src/ffa/hypervisor/indirect_messaging.c, ffa_indirect_msg_recv()).
 *
 * Hafnium's hypervisor switches to its scheduler VM with FFA_MSG_WAIT naming the vCPU and blocks
 * it; when the scheduler runs the vCPU again, the VM's FFA_MSG_WAIT returns FFA_RUN (src/api.c,
 * api_vcpu_prepare_run(): a WAITING vCPU resumes with {.func = FFA_RUN_32}, nothing else). The
 * mediator cannot block a vCPU: it tells the host (FFA_HOST_EVENT_VCPU_WAIT), which may, and
 * leaves that FFA_RUN reply in the registers, since it does not depend on why the vCPU is woken.
 */
#include "internal.h"

#define MSG_WAIT_RETAIN_RX (1u << 0) /* w2 bit 0 (v1.2): keep the RX buffer */

/*
 * w1 and w3..w7 MBZ; w2 = flags: bit 0 retains the RX buffer (v1.2; the rest MBZ), MBZ below
 * v1.2; x8..x17 MBZ for an AArch64 caller at v1.2 (Hafnium: INVALID_PARAMETERS for each; it
 * does not check w2[31:1], which FF-A v1.2 reserves: refused here, deliberately stricter).
 */
static bool arguments_valid(const struct ffa_vm *vm, const struct ffa_regs *regs)
{
    uint32_t flags = (uint32_t)regs->x[2];

    for (int i = 3; i < 8; i++) {
        if ((uint32_t)regs->x[i] != 0)
            return false;
    }
    if ((uint32_t)regs->x[1] != 0)
        return false;
    if (vm->version < FFA_VERSION_1_2)
        return flags == 0;
    if ((flags & ~MSG_WAIT_RETAIN_RX) != 0)
        return false;
    if (!vm->aarch32) {
        for (int i = 8; i < FFA_NUM_REGS; i++) {
            if (regs->x[i] != 0)
                return false;
        }
    }
    return true;
}

void ffam_handle_msg_wait(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t vcpu,
                          struct ffa_regs *regs, uint32_t cpu)
{
    if (!arguments_valid(vm, regs)) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: FFA_MSG_WAIT with reserved bits set", vm->id);
        reply_error(vm, regs, FFA_RET_INVALID_PARAMETERS);
        return;
    }
    /*
     * Waiting gives the RX buffer back, as FFA_RX_RELEASE (forwarded when the SPMC knows the
     * buffers). Nothing to give back, or a release the SPMC refuses, does not fail the wait:
     * the buffer then stays as it was (Hafnium api_ffa_msg_wait_rx_release() ignores it too).
     */
    if (((uint32_t)regs->x[2] & MSG_WAIT_RETAIN_RX) == 0 && ffam_vm_buffers_supported(m)) {
        int32_t ret = ffam_vm_rx_release(m, vm, cpu);

        if (ret != 0 && ret != FFA_RET_DENIED)
            MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x: FFA_MSG_WAIT could not release RX: %d", vm->id,
                    ret);
    }
    reply8(vm, regs, FFA_RUN, 0, 0, 0, 0, 0, 0, 0);
    ffam_notif_signal_event(m, vm->id, vcpu, FFA_HOST_EVENT_VCPU_WAIT);
}
