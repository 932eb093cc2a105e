/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Notifications, as a VM sees them: FFA_NOTIFICATION_BIND, _UNBIND, _SET, _GET and _INFO_GET_32/64
 * (FF-A v1.1+; the checks of Hafnium's hypervisor build, src/api.c api_ffa_notification_*() with
 * src/ffa/hypervisor/notifications.c, for what the mediator answers itself, and of its SPMC build
 * for what it forwards; Xen xen/arch/arm/tee/ffa_notif.c for what a mediator adds).
 *
 * Who keeps what:
 *   - from an SP to a VM, and from a VM to an SP: the SPMC. BIND/UNBIND with an SP sender and SET
 *     to an SP receiver are forwarded; GET forwards the SP and SPM framework bitmaps.
 *   - from a VM to a VM (FFA_CFG_VM_TO_VM): the mediator, in the receiver's struct vm_notif.
 *   - the hypervisor framework bitmap ("RX buffer full" after a VM-to-VM FFA_MSG_SEND2): the
 *     mediator; GET returns it in w7 (Hafnium's hypervisor framework bitmap is the upper half of
 *     its framework word, returned in w7) and reading clears it.
 *
 * FFA_NOTIFICATION_BITMAP_CREATE and _DESTROY are the hypervisor's: a VM gets NOT_SUPPORTED (as
 * Hafnium's hypervisor, ffa_notifications_bitmap_create(), and Xen); the mediator issues them
 * when a VM is added and removed (lifecycle.c).
 *
 * Per-vCPU notifications: between VMs the mediator keeps them itself; with an SP they need the
 * secure world's support, which the mediator learns at create time from FFA_FEATURES(feature ID
 * 4, FF-A v1.3): an SPMC that does not answer it (every v1.2 SPMC, Hafnium among them, which
 * dropped per-vCPU notifications) is taken as global-only, and per-vCPU requests involving an SP
 * get INVALID_PARAMETERS, Hafnium's own answer to them.
 */
#include "internal.h"

#define FLAGS_BIND_MBZ  (~FFA_NOTIF_FLAG_PER_VCPU)
#define FLAGS_SET_KNOWN (FFA_NOTIF_FLAG_PER_VCPU | FFA_NOTIF_FLAG_DELAY_SRI | 0xffff0000u)
#define GET_FLAGS_KNOWN                                                                            \
    (FFA_NOTIF_GET_SP | FFA_NOTIF_GET_VM | FFA_NOTIF_GET_SPM | FFA_NOTIF_GET_HYP)
#define SENDER_UNBOUND 0u /* the hypervisor never binds: 0 marks a free ID */

static uint64_t bitmap_of(const struct ffa_regs *r)
{
    return (r->x[3] & 0xffffffffu) | ((r->x[4] & 0xffffffffu) << 32);
}

static bool vm_to_vm(const struct ffa_mediator *m)
{
    return (m->cfg.flags & FFA_CFG_VM_TO_VM) != 0;
}

void ffam_notif_vm_init(struct ffa_vm *vm)
{
    /* Every vCPU starts online (ffa_vm_vcpu_set_online()); bits past vcpu_count stay clear. */
    for (uint32_t v = 0; v < vm->vcpu_count; v++)
        vm->notif.online[v / 64] |= UINT64_C(1) << (v % 64);
}

bool ffam_notif_available(const struct ffa_mediator *m, const struct ffa_vm *vm)
{
    return vm->version >= FFA_VERSION_1_1 && (m->fw_notif || vm_to_vm(m));
}

bool ffam_notif_vm_receives(const struct ffa_mediator *m, const struct ffa_vm *vm)
{
    (void)vm;
    return m->fw_notif || vm_to_vm(m);
}

/*
 * FFA_FEATURES for the notification ABIs and the feature IDs of notifications. BIND, UNBIND and
 * SET with an SP need the secure world's ABI; with VM-to-VM they always exist.
 */
int32_t ffam_notif_features(const struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t id,
                            uint32_t *props)
{
    *props = 0;
    if (!ffam_notif_available(m, vm))
        return FFA_RET_NOT_SUPPORTED;
    switch (id) {
    case FFA_NOTIFICATION_BIND:
    case FFA_NOTIFICATION_UNBIND:
    case FFA_NOTIFICATION_SET:
        return vm_to_vm(m) || ffam_fw_supports(m, id) ? 0 : FFA_RET_NOT_SUPPORTED;
    case FFA_NOTIFICATION_GET:
    case FFA_NOTIFICATION_INFO_GET_32:
    case FFA_NOTIFICATION_INFO_GET_64:
        return 0;
    case FFA_FEATURE_NPI:
        *props = m->cfg.npi_intid;
        return 0;
    case FFA_FEATURE_SRI:
        *props = m->cfg.sri_intid;
        return 0;
    case FFA_FEATURE_NOTIF:
        /* Per-vCPU with VMs: the mediator's own (VM-to-VM); with SPs: the secure world's. */
        if (!vm_to_vm(m))
            *props |= FFA_FEATURE_NOTIF_NO_VCPU_VMS;
        if (!m->fw_notif_per_vcpu)
            *props |= FFA_FEATURE_NOTIF_NO_VCPU_SPS;
        return 0;
    default:
        return FFA_RET_NOT_SUPPORTED;
    }
}

/*
 * One forwarded call. Returns 0 and the answer in *out, or the secure world's error; an answer
 * that is neither FFA_SUCCESS nor FFA_ERROR with an FF-A status is ABORTED (a VM only ever sees
 * well-formed replies).
 */
static int32_t forward(struct ffa_mediator *m, uint32_t cpu, uint32_t fid, uint32_t w1, uint32_t w2,
                       uint64_t bitmap, struct ffa_regs *out)
{
    struct ffa_regs r = {{fid, w1, w2, (uint32_t)bitmap, (uint32_t)(bitmap >> 32)}};
    uint32_t ret;

    ffam_fw_call(m, cpu, &r, out);
    ret = (uint32_t)out->x[0];
    if (ret == FFA_SUCCESS_32 || ret == FFA_SUCCESS_64)
        return 0;
    if (ret == FFA_ERROR && ffa_error_code(out->x[2]) < 0 &&
        ffa_error_code(out->x[2]) >= FFA_RET_NO_DATA)
        return ffa_error_code(out->x[2]);
    MED_LOG(m, FFA_LOG_ERROR, "ffa: bad answer 0x%x to 0x%x from the secure world", ret, fid);
    return FFA_RET_ABORTED;
}

static __attribute__((noinline, cold)) void reply_refused(struct ffa_mediator *m, struct ffa_vm *vm,
                                                          struct ffa_regs *regs, const char *what,
                                                          int32_t ret)
{
    MED_LOG(m, FFA_LOG_DEBUG, "ffa: VM 0x%x: %s refused: %d", vm->id, LOG_STR(what), ret);
    reply_error(vm, regs, ret);
}

/* ---- BIND / UNBIND ---- */

/*
 * VM-to-VM bindings, in the receiver's state (Hafnium vm_notifications_update_bindings()): BIND
 * needs every ID free, UNBIND every ID bound to this sender (else DENIED); no ID may be pending
 * (DENIED).
 */
static int32_t update_vm_bindings(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t sender,
                                  uint64_t bitmap, bool per_vcpu, bool bind)
{
    struct vm_notif *n = &vm->notif;
    int32_t ret = 0;

    if (bind) {
        struct ffa_vm *s;

        /* The sender must exist when binding (Hafnium: "Sender VM does not exist"). */
        ffam_lock(m, m->lock);
        s = ffam_vm_find_in_locked_table(m, sender);
        ffam_unlock(m, m->lock);
        if (s == NULL)
            return FFA_RET_INVALID_PARAMETERS;
    }
    ffam_lock(m, vm->notif_lock);
    for (uint32_t i = 0; i < NOTIF_IDS && ret == 0; i++) {
        if ((bitmap >> i & 1u) == 0)
            continue;
        if (n->sender[i] != (bind ? SENDER_UNBOUND : sender))
            ret = FFA_RET_DENIED;
    }
    if (ret == 0) {
        uint64_t pending = n->pending;

        for (uint32_t v = 0; n->pending_vcpu != NULL && v < vm->vcpu_count; v++)
            pending |= n->pending_vcpu[v];
        if ((pending & bitmap) != 0)
            ret = FFA_RET_DENIED;
    }
    if (ret == 0) {
        for (uint32_t i = 0; i < NOTIF_IDS; i++) {
            if ((bitmap >> i & 1u) != 0)
                n->sender[i] = bind ? sender : SENDER_UNBOUND;
        }
        if (bind && per_vcpu)
            n->per_vcpu |= bitmap;
        else
            n->per_vcpu &= ~bitmap;
    }
    ffam_unlock(m, vm->notif_lock);
    return ret;
}

/*
 * FFA_NOTIFICATION_BIND / _UNBIND: w1 = sender << 16 | receiver, w2 = flags (BIND: bit 0
 * per-vCPU, the rest MBZ; UNBIND: MBZ), w3/w4 = bitmap. The receiver must be the caller and the
 * sender someone else (INVALID_PARAMETERS, Hafnium's hypervisor rule). An SP sender: forwarded
 * (the SPMC keeps SP-to-VM bindings); a VM sender: kept here (VM-to-VM).
 */
void ffam_handle_notif_bind(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                            uint32_t cpu, bool bind)
{
    uint32_t w1 = (uint32_t)regs->x[1], flags = (uint32_t)regs->x[2];
    uint32_t fid = bind ? FFA_NOTIFICATION_BIND : FFA_NOTIFICATION_UNBIND;
    uint16_t sender = FFA_SENDER(w1), receiver = FFA_RECEIVER(w1);
    bool per_vcpu = (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0;
    uint64_t bitmap = bitmap_of(regs);
    struct ffa_regs out;
    int32_t ret;

    if (!ffam_notif_available(m, vm)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((flags & (bind ? FLAGS_BIND_MBZ : ~0u)) != 0 || receiver != vm->id || sender == vm->id ||
        sender == FFA_ID_HYPERVISOR) {
        reply_refused(m, vm, regs, bind ? "BIND" : "UNBIND", FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (FFA_ID_IS_SECURE(sender)) {
        if (!m->fw_notif || !ffam_fw_supports(m, fid))
            ret = FFA_RET_NOT_SUPPORTED;
        else if (per_vcpu && !m->fw_notif_per_vcpu)
            ret = FFA_RET_INVALID_PARAMETERS; /* Hafnium: global notifications only */
        else
            ret = forward(m, cpu, fid, w1, bind ? flags : 0, bitmap, &out);
    } else if (!vm_to_vm(m)) {
        ret = FFA_RET_NOT_SUPPORTED;
    } else if (bitmap == 0) {
        ret = FFA_RET_INVALID_PARAMETERS;
    } else {
        ret = update_vm_bindings(m, vm, sender, bitmap, per_vcpu, bind);
    }
    if (ret != 0) {
        reply_refused(m, vm, regs, bind ? "BIND" : "UNBIND", ret);
        return;
    }
    reply_success32(vm, regs, 0, 0);
}

/* ---- SET ---- */

/*
 * VM to VM: the IDs must be bound to this sender, per-vCPU or global as the flag says (else
 * DENIED, Hafnium vm_notifications_validate_binding()); a per-vCPU vCPU must exist
 * (INVALID_PARAMETERS). Sets them pending and picks the vCPU to interrupt.
 */
static int32_t set_vm(struct ffa_mediator *m, struct ffa_vm *from, uint16_t receiver,
                      uint64_t bitmap, bool per_vcpu, uint16_t vcpu, uint32_t *target)
{
    struct ffa_vm *to;
    int32_t ret = 0;

    ffam_lock(m, m->lock);
    to = ffam_vm_find_in_locked_table(m, receiver);
    if (to == NULL || __atomic_load_n(&to->version, __ATOMIC_ACQUIRE) < FFA_VERSION_1_1) {
        ffam_unlock(m, m->lock);
        return FFA_RET_INVALID_PARAMETERS;
    }
    ffam_lock(m, to->notif_lock);
    for (uint32_t i = 0; i < NOTIF_IDS && ret == 0; i++) {
        if ((bitmap >> i & 1u) != 0 &&
            (to->notif.sender[i] != from->id || ((to->notif.per_vcpu >> i & 1u) != 0) != per_vcpu))
            ret = FFA_RET_DENIED;
    }
    if (ret == 0 && per_vcpu && vcpu >= to->vcpu_count)
        ret = FFA_RET_INVALID_PARAMETERS;
    if (ret == 0) {
        if (per_vcpu)
            to->notif.pending_vcpu[vcpu] |= bitmap;
        else
            to->notif.pending |= bitmap;
    }
    ffam_unlock(m, to->notif_lock);
    if (ret == 0)
        *target = ffam_notif_mark(to, per_vcpu ? vcpu : NOTIF_GLOBAL);
    ffam_unlock(m, m->lock);
    return ret;
}

/*
 * FFA_NOTIFICATION_SET: w1 = sender << 16 | receiver, w2 = flags, w3/w4 = bitmap. The sender must
 * be the caller and the receiver someone else, the bitmap not empty (INVALID_PARAMETERS); the
 * delay-SRI flag exists only for SP senders and the vCPU field only with the per-vCPU flag
 * (INVALID_PARAMETERS, Hafnium's SPMC rules). To an SP: forwarded; to a VM: kept here, and the
 * host is told which of the receiver's vCPUs to interrupt.
 */
void ffam_handle_notif_set(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu)
{
    uint32_t w1 = (uint32_t)regs->x[1], flags = (uint32_t)regs->x[2];
    uint16_t sender = FFA_SENDER(w1), receiver = FFA_RECEIVER(w1);
    bool per_vcpu = (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0;
    uint16_t vcpu = FFA_NOTIF_SET_VCPU(flags);
    uint64_t bitmap = bitmap_of(regs);
    uint32_t target = NOTIF_NO_TARGET;
    struct ffa_regs out;
    int32_t ret;

    if (!ffam_notif_available(m, vm)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if (sender != vm->id || receiver == vm->id || receiver == FFA_ID_HYPERVISOR || bitmap == 0 ||
        (flags & ~FLAGS_SET_KNOWN) != 0 || (flags & FFA_NOTIF_FLAG_DELAY_SRI) != 0 ||
        (!per_vcpu && vcpu != 0)) {
        reply_refused(m, vm, regs, "SET", FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (FFA_ID_IS_SECURE(receiver)) {
        if (!m->fw_notif || !ffam_fw_supports(m, FFA_NOTIFICATION_SET))
            ret = FFA_RET_NOT_SUPPORTED;
        else if (per_vcpu && !m->fw_notif_per_vcpu)
            ret = FFA_RET_INVALID_PARAMETERS;
        else
            ret = forward(m, cpu, FFA_NOTIFICATION_SET, w1, flags, bitmap, &out);
    } else if (!vm_to_vm(m)) {
        ret = FFA_RET_NOT_SUPPORTED;
    } else {
        ret = set_vm(m, vm, receiver, bitmap, per_vcpu, vcpu, &target);
    }
    if (ret != 0) {
        reply_refused(m, vm, regs, "SET", ret);
        return;
    }
    ffam_notif_signal(m, receiver, target);
    reply_success32(vm, regs, 0, 0);
}

/* ---- GET ---- */

/*
 * FFA_NOTIFICATION_GET: w1 = vCPU << 16 | receiver, w2 = the bitmaps wanted (bits[31:4] MBZ).
 * The receiver must be the caller, the vCPU the calling one unless the VM has a single vCPU
 * (Hafnium api_ffa_notification_get()) (INVALID_PARAMETERS). The SP and SPM framework bitmaps
 * come from the SPMC (forwarded with only those flags, Hafnium's hypervisor
 * ffa_notifications_get_from_sp()); the VM and hypervisor framework bitmaps are the mediator's.
 * Everything returned is cleared; an error from the SPMC leaves the mediator's bits as they were.
 */
void ffam_handle_notif_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                           uint32_t cpu, uint16_t vcpu)
{
    uint32_t w1 = (uint32_t)regs->x[1], flags = (uint32_t)regs->x[2];
    uint16_t receiver = FFA_RECEIVER(w1), want_vcpu = FFA_TARGET_ID(w1);
    uint32_t secure = flags & (FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM);
    uint64_t from_sp = 0, from_vm = 0;
    uint32_t spm = 0, hyp = 0;
    struct ffa_regs out;

    if (!ffam_notif_available(m, vm)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    if ((flags & ~GET_FLAGS_KNOWN) != 0 || receiver != vm->id || want_vcpu >= vm->vcpu_count ||
        (vm->vcpu_count != 1 && want_vcpu != vcpu)) {
        reply_refused(m, vm, regs, "GET", FFA_RET_INVALID_PARAMETERS);
        return;
    }
    if (secure != 0 && m->fw_notif) {
        int32_t ret = forward(m, cpu, FFA_NOTIFICATION_GET, w1, secure, 0, &out);

        if (ret != 0) {
            reply_refused(m, vm, regs, "GET", ret);
            return;
        }
        if ((flags & FFA_NOTIF_GET_SP) != 0)
            from_sp = (out.x[2] & 0xffffffffu) | ((out.x[3] & 0xffffffffu) << 32);
        if ((flags & FFA_NOTIF_GET_SPM) != 0)
            spm = (uint32_t)out.x[6];
    }
    ffam_lock(m, vm->notif_lock);
    if ((flags & FFA_NOTIF_GET_VM) != 0) {
        from_vm = vm->notif.pending;
        vm->notif.pending = 0;
        if (vm->notif.pending_vcpu != NULL) {
            from_vm |= vm->notif.pending_vcpu[want_vcpu];
            vm->notif.pending_vcpu[want_vcpu] = 0;
        }
    }
    if ((flags & FFA_NOTIF_GET_HYP) != 0) {
        hyp = vm->notif.fw;
        vm->notif.fw = 0;
    }
    ffam_unlock(m, vm->notif_lock);
    reply8(vm, regs, FFA_SUCCESS_32, 0, (uint32_t)from_sp, (uint32_t)(from_sp >> 32),
           (uint32_t)from_vm, (uint32_t)(from_vm >> 32), spm, hyp);
}

/* ---- INFO_GET ---- */

/*
 * The VM's own FFA_NOTIFICATION_INFO_GET (as Xen, every VM may call it: it is the scheduler of its
 * vCPUs): lists naming the VM for what is pending and not reported yet, a global entry (the ID
 * alone) and per-vCPU entries (the ID and up to three vCPU IDs). 20 IDs fit the 64-bit answer
 * (x3..x7, four per register), 10 the 32-bit one (w3..w7, two per register); what does not fit
 * stays for the next call and sets the "more pending" flag. Nothing pending: NO_DATA.
 */
void ffam_handle_notif_info_get(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *regs,
                                uint32_t fid)
{
    bool is64 = ffa_fid_is_64(fid);
    uint32_t max_ids = is64 ? FFA_NOTIF_INFO_MAX_IDS_64 : FFA_NOTIF_INFO_MAX_IDS_32;
    uint32_t per_reg = is64 ? 4u : 2u;
    uint16_t ids[FFA_NOTIF_INFO_MAX_IDS_64];
    uint8_t sizes[FFA_NOTIF_INFO_MAX_IDS_64]; /* vCPU IDs in each list */
    uint32_t nids = 0, lists = 0;
    uint64_t x2 = 0, x[5] = {0};
    bool more = false, vcpu_list_open = false;
    struct vm_notif *n = &vm->notif;

    if (!ffam_notif_available(m, vm)) {
        reply_error(vm, regs, FFA_RET_NOT_SUPPORTED);
        return;
    }
    ffam_lock(m, vm->notif_lock);
    if (n->info_global) {
        ids[nids++] = vm->id;
        sizes[lists++] = 0;
        n->info_global = false;
    }
    for (uint32_t v = 0; v < vm->vcpu_count; v++) {
        if (v % 64 == 0 && n->info_vcpu[v / 64] == 0) {
            v += 63; /* a word with nothing to report */
            continue;
        }
        if ((n->info_vcpu[v / 64] >> (v % 64) & 1u) == 0)
            continue;
        if (!vcpu_list_open || sizes[lists - 1] == FFA_NOTIF_INFO_MAX_LIST_VCPU) {
            if (nids + 2 > max_ids) {
                more = true;
                break;
            }
            ids[nids++] = vm->id;
            sizes[lists++] = 0;
            vcpu_list_open = true;
        } else if (nids + 1 > max_ids) {
            more = true;
            break;
        }
        ids[nids++] = (uint16_t)v;
        sizes[lists - 1]++;
        n->info_vcpu[v / 64] &= ~(UINT64_C(1) << (v % 64));
    }
    ffam_unlock(m, vm->notif_lock);

    if (nids == 0) {
        reply_error(vm, regs, FFA_RET_NO_DATA);
        return;
    }
    for (uint32_t i = 0; i < lists; i++)
        x2 |= (uint64_t)sizes[i] << (FFA_NOTIF_INFO_SIZES_SHIFT + 2 * i);
    x2 |= (uint64_t)lists << FFA_NOTIF_INFO_LISTS_SHIFT;
    if (more)
        x2 |= FFA_NOTIF_INFO_MORE_PENDING;
    for (uint32_t i = 0; i < nids; i++)
        x[i / per_reg] |= (uint64_t)ids[i] << (16 * (i % per_reg));
    reply8(vm, regs, is64 ? FFA_SUCCESS_64 : FFA_SUCCESS_32, 0, x2, x[0], x[1], x[2], x[3], x[4]);
}
