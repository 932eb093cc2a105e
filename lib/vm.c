/* SPDX-License-Identifier: BSD-3-Clause */
/* The VM table: adding, finding and removing guests. */
#include "internal.h"

/* Index of the first VM with ID >= id in the sorted table. Caller holds m->lock. */
static uint32_t vm_slot(const struct ffa_mediator *m, uint16_t id)
{
    uint32_t lo = 0, hi = m->vm_count;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (m->vms[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int ffa_vm_add(struct ffa_mediator *m, uint16_t id, uint16_t vcpu_count, uint32_t flags,
               struct ffa_vm **out)
{
    struct ffa_vm *vm;
    uint32_t slot;
    bool ok;

    if (m == NULL || out == NULL)
        return FFA_RET_INVALID_PARAMETERS;
    /* 0 is the hypervisor; bit 15 marks secure endpoints (Hafnium inc/vmapi/hf/ffa.h, FF-A v1.2).
     */
    if (id == FFA_ID_HYPERVISOR || FFA_ID_IS_SECURE(id) || vcpu_count == 0)
        return FFA_RET_INVALID_PARAMETERS;
    if ((flags & ~FFA_VM_AARCH32) != 0)
        return FFA_RET_INVALID_PARAMETERS;

    vm = ffam_zalloc(m, sizeof(*vm));
    if (vm == NULL)
        return FFA_RET_NO_MEMORY;
    vm->m = m;
    vm->id = id;
    vm->vcpu_count = vcpu_count;
    vm->aarch32 = (flags & FFA_VM_AARCH32) != 0;
    vm->slow_fid_bits = ~0u; /* every call takes the slow path until the version is locked */
    vm->lock = ffam_lock_create(m, &ok);
    if (!ok) {
        ffam_free(m, vm, sizeof(*vm));
        return FFA_RET_NO_MEMORY;
    }

    ffam_lock(m, m->lock);
    slot = vm_slot(m, id);
    if (slot < m->vm_count && m->vms[slot]->id == id) {
        ffam_unlock(m, m->lock);
        ffam_lock_destroy(m, vm->lock);
        ffam_free(m, vm, sizeof(*vm));
        return FFA_RET_DENIED;
    }
    if (m->vm_count == m->cfg.max_vms) {
        ffam_unlock(m, m->lock);
        ffam_lock_destroy(m, vm->lock);
        ffam_free(m, vm, sizeof(*vm));
        return FFA_RET_NO_MEMORY;
    }
    for (uint32_t i = m->vm_count; i > slot; i--)
        m->vms[i] = m->vms[i - 1];
    m->vms[slot] = vm;
    m->vm_count++;
    m->partinfo_tag = (uint16_t)(m->partinfo_tag + 1 == 0 ? 1 : m->partinfo_tag + 1);
    ffam_unlock(m, m->lock);

    MED_LOG(m, FFA_LOG_INFO, "ffa: VM 0x%x added with %u vCPUs", id, vcpu_count);
    *out = vm;
    return 0;
}

int ffa_vm_remove(struct ffa_mediator *m, struct ffa_vm *vm)
{
    if (m == NULL || vm == NULL || vm->m != m)
        return FFA_RET_INVALID_PARAMETERS;
    return ffam_vm_remove(m, vm, ffam_host_cpu(m));
}

int ffam_vm_remove(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    uint32_t slot;

    ffam_lock(m, m->lock);
    slot = vm_slot(m, vm->id);
    if (slot >= m->vm_count || m->vms[slot] != vm) {
        ffam_unlock(m, m->lock);
        return FFA_RET_INVALID_PARAMETERS;
    }
    for (uint32_t i = slot; i + 1 < m->vm_count; i++)
        m->vms[i] = m->vms[i + 1];
    m->vm_count--;
    m->vms[m->vm_count] = NULL;
    m->partinfo_tag = (uint16_t)(m->partinfo_tag + 1 == 0 ? 1 : m->partinfo_tag + 1);
    ffam_unlock(m, m->lock);

    ffam_mem_vm_teardown(m, vm, cpu);
    ffam_vm_buffers_teardown(m, vm, cpu);
    ffam_resume_rights_forget_vm(m, vm);
    MED_LOG(m, FFA_LOG_INFO, "ffa: VM 0x%x removed", vm->id);
    ffam_lock_destroy(m, vm->lock);
    ffam_free(m, vm, sizeof(*vm));
    return 0;
}

struct ffa_vm *ffam_vm_find_in_locked_table(struct ffa_mediator *m, uint16_t id)
{
    uint32_t slot = vm_slot(m, id);

    return slot < m->vm_count && m->vms[slot]->id == id ? m->vms[slot] : NULL;
}

struct ffa_vm *ffa_vm_find(struct ffa_mediator *m, uint16_t id)
{
    struct ffa_vm *vm;

    ffam_lock(m, m->lock);
    vm = ffam_vm_find_in_locked_table(m, id);
    ffam_unlock(m, m->lock);
    return vm;
}

uint16_t ffa_vm_id(const struct ffa_vm *vm)
{
    return vm->id;
}

uint32_t ffa_vm_version(const struct ffa_vm *vm)
{
    return __atomic_load_n(&vm->version, __ATOMIC_ACQUIRE);
}

uint32_t ffa_vm_framework_notifications(struct ffa_vm *vm)
{
    uint32_t pending;

    ffam_lock(vm->m, vm->lock);
    pending = vm->mbox.fw_notif;
    ffam_unlock(vm->m, vm->lock);
    return pending;
}
