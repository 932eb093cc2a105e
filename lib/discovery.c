/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_ID_GET and FFA_SPM_ID_GET (Hafnium src/api.c, api_ffa_id_get() and api_ffa_spm_id_get()). */
#include "internal.h"

#define SPM_ID_CACHED 0x10000u

/* The caller's own endpoint ID (Xen: SUCCESS_32, w2 = VM ID). */
void ffam_handle_id_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs)
{
    (void)m;
    reply_success32(vm, regs, vm->id, 0);
}

/* Ask the secure world for the SPMC's ID. Returns 0 and *id, or an FF-A error. */
static int32_t spm_id_query(struct ffa_mediator *m, uint32_t cpu, uint16_t *id)
{
    struct ffa_regs in = {{FFA_SPM_ID_GET}};
    struct ffa_regs out;
    uint32_t fid;

    ffam_fw_call(m, cpu, &in, &out);
    fid = (uint32_t)out.x[0];
    if (fid == FFA_SUCCESS_32 || fid == FFA_SUCCESS_64) {
        *id = (uint16_t)(out.x[2] & 0xffffu);
        return 0;
    }
    if (fid == FFA_ERROR && ffa_error_code(out.x[2]) < 0)
        return ffa_error_code(out.x[2]);
    MED_LOG(m, FFA_LOG_ERROR, "ffa: bad FFA_SPM_ID_GET reply 0x%x from the secure world", fid);
    return FFA_RET_ABORTED;
}

/*
 * FFA_SPM_ID_GET (v1.1): the SPMC ID never changes, so the secure world is asked once, under the
 * mediator lock, and every later call is answered from the cache.
 */
void ffam_handle_spm_id_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu)
{
    uint32_t cached;
    uint16_t id = 0;
    int32_t ret = 0;

    if (vm->version < FFA_VERSION_1_1 || !ffam_fw_supports(m, FFA_SPM_ID_GET)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    cached = __atomic_load_n(&m->spm_id_cache, __ATOMIC_ACQUIRE);
    if (cached == 0) {
        ffam_lock(m, m->lock);
        cached = m->spm_id_cache;
        if (cached == 0) {
            ret = spm_id_query(m, cpu, &id);
            if (ret == 0) {
                cached = SPM_ID_CACHED | id;
                __atomic_store_n(&m->spm_id_cache, cached, __ATOMIC_RELEASE);
            }
        }
        ffam_unlock(m, m->lock);
    }
    if (ret != 0) {
        reply_error(vm, regs, ret);
        return;
    }
    reply_success32(vm, regs, cached & 0xffffu, 0);
}
