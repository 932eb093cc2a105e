/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which vCPU to interrupt: the schedule receiver interrupt's handler for the host, the notification
 * pending interrupt's target, and the online vCPUs that decide it.
 *
 * When the secure world has notifications for VMs it raises its schedule receiver interrupt (SRI)
 * to the hypervisor, the receivers' scheduler. The hypervisor asks FFA_NOTIFICATION_INFO_GET_64,
 * which lists the endpoints with pending notifications not reported yet (and, for per-vCPU ones,
 * the vCPUs), until "more pending" is clear, and interrupts each VM with its notification pending
 * interrupt (NPI); the VM then collects the bits with FFA_NOTIFICATION_GET (FF-A v1.1
 * notifications; Linux drivers/firmware/arm_ffa/driver.c, ffa_notification_info_get(), is the same
 * loop at the other end). Xen's tasklet (xen/arch/arm/tee/ffa_notif.c) injects into vCPU 0 of each
 * listed domain whatever the list says; here a per-vCPU entry interrupts the vCPU it names, and a
 * global one the first vCPU the host reported online.
 */
#include "internal.h"

#define SRI_MAX_CALLS 64u /* INFO_GET calls per ffa_mediator_handle_sri() */

void ffam_notif_signal_event(struct ffa_mediator *m, uint16_t vm_id, uint16_t vcpu,
                             enum ffa_host_event event)
{
    if (m->host->notify != NULL)
        m->host->notify(m->host_ctx, vm_id, vcpu, event);
}

void ffam_notif_signal(struct ffa_mediator *m, uint16_t vm_id, uint32_t vcpu)
{
    if (vcpu != NOTIF_NO_TARGET)
        ffam_notif_signal_event(m, vm_id, (uint16_t)vcpu, FFA_HOST_EVENT_NOTIFICATION_PENDING);
}

/* The first online vCPU, or NOTIF_NO_TARGET. Caller holds vm->notif_lock. */
static uint32_t first_online(const struct ffa_vm *vm)
{
    for (uint32_t w = 0; w < vm->notif.words; w++) {
        if (vm->notif.online[w] != 0)
            return w * 64u + (uint32_t)__builtin_ctzll(vm->notif.online[w]);
    }
    return NOTIF_NO_TARGET;
}

uint32_t ffam_notif_mark(struct ffa_vm *vm, uint32_t vcpu)
{
    struct ffa_mediator *m = vm->m;
    uint32_t target;

    ffam_lock(m, vm->notif_lock);
    if (vcpu == NOTIF_GLOBAL) {
        vm->notif.info_global = true;
        target = first_online(vm);
        if (target == NOTIF_NO_TARGET)
            vm->notif.npi_deferred = true;
    } else {
        vm->notif.info_vcpu[vcpu / 64] |= UINT64_C(1) << (vcpu % 64);
        target = vcpu; /* a per-vCPU notification is for that vCPU, online or not */
    }
    ffam_unlock(m, vm->notif_lock);
    return target;
}

uint32_t ffam_notif_raise_rx_full(struct ffa_mediator *m, struct ffa_vm *vm)
{
    ffam_lock(m, vm->notif_lock);
    vm->notif.fw |= FFA_FW_NOTIF_RX_FULL;
    ffam_unlock(m, vm->notif_lock);
    return ffam_notif_mark(vm, NOTIF_GLOBAL);
}

void ffam_notif_forget_sender(struct ffa_mediator *m, uint16_t sender)
{
    for (uint32_t k = 0; k < m->vm_count; k++) {
        struct ffa_vm *vm = m->vms[k];

        ffam_lock(m, vm->notif_lock);
        for (uint32_t i = 0; i < NOTIF_IDS; i++) {
            if (vm->notif.sender[i] == sender) {
                vm->notif.sender[i] = 0;
                vm->notif.per_vcpu &= ~(UINT64_C(1) << i);
            }
        }
        ffam_unlock(m, vm->notif_lock);
    }
}

int ffa_vm_vcpu_set_online(struct ffa_vm *vm, uint16_t vcpu, bool online)
{
    struct ffa_mediator *m;
    bool signal = false;
    uint64_t bit;

    if (vm == NULL || vcpu >= vm->vcpu_count)
        return FFA_RET_INVALID_PARAMETERS;
    m = vm->m;
    bit = UINT64_C(1) << (vcpu % 64);
    ffam_lock(m, vm->notif_lock);
    if (online) {
        /* The first vCPU to come online takes the global signal that found nobody. */
        signal = vm->notif.npi_deferred && first_online(vm) == NOTIF_NO_TARGET;
        if (signal)
            vm->notif.npi_deferred = false;
        vm->notif.online[vcpu / 64] |= bit;
    } else {
        vm->notif.online[vcpu / 64] &= ~bit;
    }
    ffam_unlock(m, vm->notif_lock);
    if (signal)
        ffam_notif_signal(m, vm->id, vcpu);
    return 0;
}

int ffa_mediator_fw_sri(const struct ffa_mediator *m, uint32_t *intid)
{
    if (m == NULL || intid == NULL || !m->fw_sri_valid)
        return FFA_RET_NOT_SUPPORTED;
    *intid = m->fw_sri;
    return 0;
}

/* The k-th 16-bit ID of an INFO_GET answer: four per x register, or two per w register. */
static uint16_t info_id(const struct ffa_regs *r, bool is64, uint32_t k)
{
    uint32_t per = is64 ? 4u : 2u;

    return (uint16_t)(r->x[3 + k / per] >> (16 * (k % per)));
}

/* A vCPU to interrupt, once per answer. */
struct signal {
    uint16_t vm_id;
    uint16_t vcpu;
};

static void add_signal(struct signal *sig, uint32_t *n, uint16_t vm_id, uint32_t vcpu)
{
    if (vcpu == NOTIF_NO_TARGET)
        return;
    for (uint32_t i = 0; i < *n; i++) {
        if (sig[i].vm_id == vm_id && sig[i].vcpu == vcpu)
            return;
    }
    sig[(*n)++] = (struct signal){vm_id, (uint16_t)vcpu};
}

/*
 * Act on one INFO_GET answer: validate all of it first (list count, list sizes, ID total within
 * the 20 - or 10 for a 32-bit answer - the registers hold), then mark each listed VM and
 * interrupt it.
 */
static int32_t info_answer(struct ffa_mediator *m, const struct ffa_regs *r, bool is64,
                           struct ffa_sri_result *res)
{
    uint64_t x2 = is64 ? r->x[2] : (uint32_t)r->x[2];
    uint32_t lists = (uint32_t)(x2 >> FFA_NOTIF_INFO_LISTS_SHIFT) & FFA_NOTIF_INFO_LISTS_MASK;
    uint32_t max_ids = is64 ? FFA_NOTIF_INFO_MAX_IDS_64 : FFA_NOTIF_INFO_MAX_IDS_32;
    struct signal sig[FFA_NOTIF_INFO_MAX_IDS_64];
    uint32_t total = 0, k = 0, nsig = 0;

    for (uint32_t i = 0; i < lists; i++)
        total += 1u + ((uint32_t)(x2 >> (FFA_NOTIF_INFO_SIZES_SHIFT + 2 * i)) & 3u);
    if (lists > max_ids || total > max_ids) {
        MED_LOG(m, FFA_LOG_ERROR, "ffa: INFO_GET answer with %u lists, %u IDs refused", lists,
                total);
        return FFA_RET_ABORTED;
    }
    ffam_lock(m, m->lock);
    for (uint32_t i = 0; i < lists; i++) {
        uint32_t nv = (uint32_t)(x2 >> (FFA_NOTIF_INFO_SIZES_SHIFT + 2 * i)) & 3u;
        uint16_t id = info_id(r, is64, k++);
        struct ffa_vm *vm = FFA_ID_IS_SECURE(id) ? NULL : ffam_vm_find_in_locked_table(m, id);

        if (FFA_ID_IS_SECURE(id)) {
            res->sp_entries++;
            k += nv;
            continue;
        }
        if (vm == NULL) {
            MED_LOG(m, FFA_LOG_WARN, "ffa: INFO_GET lists 0x%x, no VM of ours", id);
            res->dropped++;
            k += nv;
            continue;
        }
        if (nv == 0)
            add_signal(sig, &nsig, id, ffam_notif_mark(vm, NOTIF_GLOBAL));
        for (uint32_t j = 0; j < nv; j++) {
            uint16_t vcpu = info_id(r, is64, k++);

            if (vcpu >= vm->vcpu_count) {
                res->dropped++;
                continue;
            }
            add_signal(sig, &nsig, id, ffam_notif_mark(vm, vcpu));
        }
    }
    ffam_unlock(m, m->lock);
    for (uint32_t i = 0; i < nsig; i++)
        ffam_notif_signal(m, sig[i].vm_id, sig[i].vcpu);
    res->signalled += nsig;
    return 0;
}

int ffa_mediator_handle_sri(struct ffa_mediator *m, uint32_t cpu, struct ffa_sri_result *res)
{
    struct ffa_sri_result local = {0};
    int32_t ret = FFA_RET_RETRY;

    if (m == NULL || !m->fw_notif)
        return FFA_RET_NOT_SUPPORTED;
    for (uint32_t call = 0; call < SRI_MAX_CALLS; call++) {
        struct ffa_regs r = {{FFA_NOTIFICATION_INFO_GET_64}};
        uint32_t fid;

        ffam_fw_call(m, cpu, &r, &r);
        local.info_get_calls++;
        fid = (uint32_t)r.x[0];
        if (fid == FFA_ERROR) {
            ret = ffa_error_code(r.x[2]);
            if (ret == FFA_RET_NO_DATA)
                ret = 0; /* nothing (more) to report */
            else
                MED_LOG(m, FFA_LOG_ERROR, "ffa: FFA_NOTIFICATION_INFO_GET_64: %d", ret);
            break;
        }
        /* A 32-bit answer is valid too (Linux accepts both, driver.c). */
        if (fid != FFA_SUCCESS_64 && fid != FFA_SUCCESS_32) {
            MED_LOG(m, FFA_LOG_ERROR, "ffa: bad answer 0x%x to FFA_NOTIFICATION_INFO_GET_64", fid);
            ret = FFA_RET_ABORTED;
            break;
        }
        ret = info_answer(m, &r, fid == FFA_SUCCESS_64, &local);
        if (ret != 0 || (r.x[2] & FFA_NOTIF_INFO_MORE_PENDING) == 0)
            break;
        ret = FFA_RET_RETRY;
    }
    if (res != NULL)
        *res = local;
    return ret;
}
