/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_VERSION: per-VM negotiation.
 *
 * Rules (Hafnium src/api.c, api_ffa_version(); Xen xen/arch/arm/tee/ffa.c, ffa_handle_call() and
 * its version negotiation):
 *  - The reply is a bare w0: our version (1.2), or NOT_SUPPORTED. Never SUCCESS/ERROR.
 *  - Bit 31 is MBZ and the major must be 1, else NOT_SUPPORTED (Hafnium; Xen skips the bit-31
 *    check).
 *  - A minor above ours is compatible: the caller must adapt to 1.2, so the VM is recorded at 1.2
 *    (as Xen; this keeps a future v1.3 Linux driver working against us).
 *  - The version locks at the VM's first FF-A call other than FFA_VERSION. Afterwards asking for a
 *    different version is NOT_SUPPORTED (Hafnium and the ACS ffa_version_negotiation test; Xen
 *    silently answers 1.2), and asking again for the same one answers 1.2.
 */
#include "internal.h"

static void reply_version(const struct ffa_vm *vm, struct ffa_regs *r, uint32_t w0)
{
    reply8(vm, r, w0, 0, 0, 0, 0, 0, 0, 0);
}

void ffam_handle_version(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs)
{
    uint32_t req = (uint32_t)regs->x[1];
    uint32_t want, locked;

    if ((req & FFA_VERSION_MBZ) != 0 || FFA_VERSION_MAJOR(req) != 1) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x asked for version 0x%x", vm->id, req);
        reply_version(vm, regs, (uint32_t)FFA_RET_NOT_SUPPORTED);
        return;
    }
    want = req > FFA_MEDIATOR_VERSION ? FFA_MEDIATOR_VERSION : req;

    /* Once locked the version never changes: only an open negotiation needs the lock. */
    locked = __atomic_load_n(&vm->version, __ATOMIC_ACQUIRE);
    if (locked == 0) {
        ffam_lock(m, vm->lock);
        locked = vm->version;
        if (locked == 0)
            vm->version_req = want;
        ffam_unlock(m, vm->lock);
    }

    if (locked != 0 && locked != want) {
        MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x locked at 0x%x asked for 0x%x", vm->id, locked,
                want);
        reply_version(vm, regs, (uint32_t)FFA_RET_NOT_SUPPORTED);
        return;
    }
    reply_version(vm, regs, FFA_MEDIATOR_VERSION);
}

/*
 * Close negotiation at the VM's first other FF-A call. Returns the locked version, or 0 if the VM
 * never called FFA_VERSION: the call then fails with NOT_SUPPORTED and negotiation stays open
 * (as Xen: a guest must say which layouts it speaks before anything else).
 */
uint32_t ffam_vm_close_negotiation(struct ffa_mediator *m, struct ffa_vm *vm)
{
    uint32_t v;

    ffam_lock(m, vm->lock);
    v = vm->version;
    if (v == 0 && vm->version_req != 0) {
        v = vm->version_req;
        vm->clear_x8_x17 = !vm->aarch32 && v >= FFA_VERSION_1_2;
        __atomic_store_n(&vm->version, v, __ATOMIC_RELEASE);
        /* With a trace hook every call stays on the slow path, where the hook is called. */
        __atomic_store_n(&vm->slow_fid_bits,
                         m->host->trace != NULL ? ~0u
                         : vm->aarch32          ? FFA_SMCCC_64
                                                : 0u,
                         __ATOMIC_RELEASE);
    }
    ffam_unlock(m, vm->lock);
    return v;
}
