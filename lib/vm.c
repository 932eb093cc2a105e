/* SPDX-License-Identifier: BSD-3-Clause */
/* The VM table: adding, finding and removing guests (the life cycle itself is lifecycle.c). */
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

/* Is `id` held by a VM being torn down? Caller holds m->lock. */
static bool id_dying(const struct ffa_mediator *m, uint16_t id)
{
    for (uint32_t i = 0; i < m->dying_count; i++) {
        if (m->dying[i]->id == id)
            return true;
    }
    return false;
}

static void bump_partinfo_tag(struct ffa_mediator *m)
{
    m->partinfo_tag = (uint16_t)(m->partinfo_tag + 1 == 0 ? 1 : m->partinfo_tag + 1);
}

void ffam_vm_free(struct ffa_mediator *m, struct ffa_vm *vm)
{
    ffam_lock_destroy(m, vm->notif_lock);
    ffam_lock_destroy(m, vm->lock);
    ffam_free(m, vm, vm->alloc_size);
}

/* Round up to 8 bytes: every trailing array holds 64-bit words first. */
static size_t align8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

/*
 * Allocate a VM with its trailing arrays (notification state, one life-cycle slot per partition
 * that wants VM messages) and its locks: the only allocation of a VM's life. Layout after the
 * struct: pending_vcpu[vcpu_count] (VM-to-VM only), info_vcpu[words], online[words],
 * msgs[lc_count].
 */
static struct ffa_vm *vm_alloc(struct ffa_mediator *m, uint16_t id, uint16_t vcpu_count,
                               uint32_t flags)
{
    uint32_t words = ((uint32_t)vcpu_count + 63u) / 64u;
    size_t per_vcpu = (m->cfg.flags & FFA_CFG_VM_TO_VM) != 0 ? (size_t)vcpu_count : 0;
    size_t off_pending = align8(sizeof(struct ffa_vm));
    size_t off_info = off_pending + per_vcpu * sizeof(uint64_t);
    size_t off_online = off_info + words * sizeof(uint64_t);
    size_t off_msgs = off_online + words * sizeof(uint64_t);
    size_t size = off_msgs + (size_t)m->lc_count * sizeof(struct lc_msg);
    uint8_t *base = ffam_zalloc(m, size);
    struct ffa_vm *vm = (struct ffa_vm *)base;
    bool ok_lock, ok_notif;

    if (vm == NULL)
        return NULL;
    vm->alloc_size = size;
    vm->notif.words = words;
    vm->notif.pending_vcpu = per_vcpu != 0 ? (uint64_t *)(base + off_pending) : NULL;
    vm->notif.info_vcpu = (uint64_t *)(base + off_info);
    vm->notif.online = (uint64_t *)(base + off_online);
    vm->lc.msgs = (struct lc_msg *)(base + off_msgs);
    vm->m = m;
    vm->id = id;
    vm->vcpu_count = vcpu_count;
    vm->aarch32 = (flags & FFA_VM_AARCH32) != 0;
    vm->slow_fid_bits = ~0u; /* every call takes the slow path until the version is locked */
    vm->lc.state = FFA_VM_CREATING;
    vm->lock = ffam_lock_create(m, &ok_lock);
    vm->notif_lock = ffam_lock_create(m, &ok_notif);
    if (!ok_lock || !ok_notif) {
        ffam_vm_free(m, vm);
        return NULL;
    }
    ffam_notif_vm_init(vm);
    return vm;
}

int ffa_vm_add(struct ffa_mediator *m, uint16_t id, uint16_t vcpu_count, uint32_t flags,
               struct ffa_vm **out)
{
    struct ffa_vm *vm;
    uint32_t slot;
    int ret;

    if (m == NULL || out == NULL)
        return FFA_RET_INVALID_PARAMETERS;
    /* 0 is the hypervisor; bit 15 marks secure endpoints (Hafnium inc/vmapi/hf/ffa.h, FF-A v1.2).
     */
    if (id == FFA_ID_HYPERVISOR || FFA_ID_IS_SECURE(id) || vcpu_count == 0)
        return FFA_RET_INVALID_PARAMETERS;
    if ((flags & ~FFA_VM_AARCH32) != 0)
        return FFA_RET_INVALID_PARAMETERS;

    vm = vm_alloc(m, id, vcpu_count, flags);
    if (vm == NULL)
        return FFA_RET_NO_MEMORY;

    ffam_lock(m, m->lock);
    slot = vm_slot(m, id);
    if (slot < m->vm_count && m->vms[slot]->id == id)
        ret = FFA_RET_DENIED;
    else if (id_dying(m, id))
        ret = FFA_RET_BUSY; /* the secure world may still know the old VM with this ID */
    else if (m->vm_count + m->dying_count >= m->cfg.max_vms)
        ret = FFA_RET_NO_MEMORY;
    else
        ret = 0;
    if (ret != 0) {
        ffam_unlock(m, m->lock);
        ffam_vm_free(m, vm);
        return ret;
    }
    /* In the table at once, CREATING and claimed: only this thread works on its life cycle. */
    for (uint32_t i = m->vm_count; i > slot; i--)
        m->vms[i] = m->vms[i - 1];
    m->vms[slot] = vm;
    m->vm_count++;
    vm->lc.busy = true;
    bump_partinfo_tag(m);
    ffam_unlock(m, m->lock);

    ret = ffam_lifecycle_vm_created(m, vm, ffam_host_cpu(m));
    if (ret < 0)
        return ret; /* lifecycle.c took the VM out of the table and freed it */
    MED_LOG(m, FFA_LOG_INFO, "ffa: VM 0x%x added with %u vCPUs", id, vcpu_count);
    *out = vm;
    return ret;
}

/* Take a VM out of the table (it moves to the teardown list). Caller holds m->lock. */
void ffam_vm_unlist(struct ffa_mediator *m, struct ffa_vm *vm)
{
    uint32_t slot = vm_slot(m, vm->id);

    for (uint32_t i = slot; i + 1 < m->vm_count; i++)
        m->vms[i] = m->vms[i + 1];
    m->vm_count--;
    m->vms[m->vm_count] = NULL;
    bump_partinfo_tag(m);
}

/* Is `vm` in the table? Caller holds m->lock. */
bool ffam_vm_listed(const struct ffa_mediator *m, const struct ffa_vm *vm)
{
    uint32_t slot = vm_slot(m, vm->id);

    return slot < m->vm_count && m->vms[slot] == vm;
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

enum ffa_vm_state ffa_vm_state(const struct ffa_vm *vm)
{
    return __atomic_load_n(&vm->lc.state, __ATOMIC_ACQUIRE);
}

uint32_t ffa_vm_framework_notifications(struct ffa_vm *vm)
{
    uint32_t pending;

    ffam_lock(vm->m, vm->notif_lock);
    pending = vm->notif.fw;
    ffam_unlock(vm->m, vm->notif_lock);
    return pending;
}
