/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A VM's life cycle: CREATING -> ACTIVE -> TEARING_DOWN -> GONE.
 *
 *   ffa_vm_add()       CREATING: the notification bitmap is created in the secure world, then
 *                      every partition that asked for VM-created messages gets one.
 *                      -> ACTIVE once no message is left to retry.
 *   ffa_vm_remove()    TEARING_DOWN: the VM leaves the table, then each teardown step releases
 *                      what it holds in the secure world: preempted contexts parked for it, its
 *                      RX/TX buffers, its notification bitmap, the VM-destroyed messages, its
 *                      memory transactions (step_memory(), mem_table.c).
 *                      -> GONE when every step is done: the VM is freed and the host gets
 *                      FFA_HOST_EVENT_VM_GONE.
 *
 * A secure partition may answer a VM-availability message with RETRY, INTERRUPTED or BUSY (its
 * status, or the SPMC's FFA_ERROR), or be preempted while handling it (FFA_INTERRUPT or FFA_YIELD):
 * the mediator never loops on it. Each attempt is one secure-world call; what is left waits for
 * ffa_mediator_poll(), which the host calls later, and is given up after cfg.lifecycle_attempts
 * attempts. Xen retries inline ten times (xen/arch/arm/tee/ffa_partinfo.c,
 * ffa_direct_req_send_vm(), with a TODO saying a proper mechanism is needed) and then every
 * second from a timer for VM-destroyed; its timer can outlive the domain context (a
 * use-after-free lead). Here the VM's struct lives until the last step, and only the thread that
 * claimed the VM (lc.busy, under m->lock) works on it or frees it.
 *
 * The message encoding (FF-A v1.2 framework messages; TF-A include/services/ffa_svc.h, the
 * arm-ffa crate's DirectMsgArgs::VmCreated): FFA_MSG_SEND_DIRECT_REQ_32 from the hypervisor
 * (w1 = 0 << 16 | SP), w2 = bit 31 | 4 (created) or 6 (destroyed), w3/w4 = the invalid memory
 * handle (no IMPLEMENTATION DEFINED data; Xen sends 0), w5 = VM ID; answered by
 * FFA_MSG_SEND_DIRECT_RESP_32 (w1 = SP << 16 | 0), w2 = bit 31 | 5 or 7, w3 = status.
 *
 * The state of a VM changes in one place, set_state(); every transition is logged.
 */
#include "internal.h"

/* What one attempt at a message or a step came to. */
enum outcome {
    OUT_DONE,    /* finished */
    OUT_PENDING, /* the secure world asked to retry: ffa_mediator_poll() tries again */
};

/* One answer to a VM-availability message. */
enum answer {
    ANS_ACKED,  /* acknowledged with status 0 */
    ANS_RETRY,  /* RETRY, INTERRUPTED, BUSY, or the partition was preempted */
    ANS_REFUSED /* any other status or error, or a malformed answer */
};

static bool retryable(int32_t code)
{
    return code == FFA_RET_RETRY || code == FFA_RET_INTERRUPTED || code == FFA_RET_BUSY;
}

/* The single place a VM's life-cycle state changes. Caller holds m->lock. */
static void set_state(struct ffa_mediator *m, struct ffa_vm *vm, enum ffa_vm_state to)
{
    static const char *const names[] = {"CREATING", "ACTIVE", "TEARING_DOWN"};

    MED_LOG(m, FFA_LOG_INFO, "ffa: VM 0x%x: %s -> %s", vm->id, LOG_STR(names[vm->lc.state]),
            LOG_STR(names[to]));
    __atomic_store_n(&vm->lc.state, to, __ATOMIC_RELEASE);
}

/* ---- Set-up ---- */

int ffam_lifecycle_init(struct ffa_mediator *m)
{
    uint32_t n = 0;

    m->dying = ffam_zalloc(m, sizeof(*m->dying) * m->cfg.max_vms);
    if (m->dying == NULL)
        return FFA_RET_NO_MEMORY;
    /* The SP list has one entry per UUID: keep each partition once. */
    for (uint32_t i = 0; i < m->sp_count; i++) {
        if ((m->sps[i].props & (FFA_PART_PROP_VM_CREATED | FFA_PART_PROP_VM_DESTROYED)) != 0 &&
            (i == 0 || m->sps[i - 1].id != m->sps[i].id))
            n++;
    }
    if (n == 0)
        return 0;
    m->lc_sps = ffam_zalloc(m, sizeof(*m->lc_sps) * n);
    if (m->lc_sps == NULL)
        return FFA_RET_NO_MEMORY;
    for (uint32_t i = 0; i < m->sp_count; i++) {
        uint32_t props = m->sps[i].props & (FFA_PART_PROP_VM_CREATED | FFA_PART_PROP_VM_DESTROYED);

        if (props != 0 && (i == 0 || m->sps[i - 1].id != m->sps[i].id)) {
            m->lc_sps[m->lc_count].id = m->sps[i].id;
            m->lc_sps[m->lc_count].props = props;
            m->lc_count++;
        }
    }
    MED_LOG(m, FFA_LOG_INFO, "ffa: %u secure partitions want VM-availability messages",
            m->lc_count);
    return 0;
}

void ffam_lifecycle_free(struct ffa_mediator *m)
{
    ffam_free(m, m->lc_sps, sizeof(*m->lc_sps) * m->lc_count);
    m->lc_sps = NULL;
    m->lc_count = 0;
    ffam_free(m, m->dying, sizeof(*m->dying) * m->cfg.max_vms);
    m->dying = NULL;
}

/* ---- VM-availability messages ---- */

static void forget_parked(struct ffa_mediator *m, struct lc_msg *msg)
{
    if (msg->parked != 0)
        ffam_resume_rights_release(m, msg->parked);
    msg->parked = 0;
}

/*
 * One attempt at message `type` (FFA_FWK_MSG_VM_CREATED or _DESTROYED) to partition `sp`: the
 * request, or FFA_RUN of the partition's context preempted in it.
 */
static enum answer message_attempt(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                                   const struct lc_sp *sp, struct lc_msg *msg, uint32_t type)
{
    struct ffa_regs r = {{0}};
    uint32_t fid;
    int32_t status;

    if (msg->parked != 0) {
        r.x[0] = FFA_RUN;
        r.x[1] = msg->parked;
    } else {
        r.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
        r.x[1] = ((uint32_t)FFA_ID_HYPERVISOR << 16) | sp->id;
        r.x[2] = FFA_MSG_FLAG_FRAMEWORK | type;
        r.x[3] = (uint32_t)FFA_HANDLE_INVALID;
        r.x[4] = (uint32_t)(FFA_HANDLE_INVALID >> 32);
        r.x[5] = vm->id;
    }
    ffam_fw_call(m, cpu, &r, &r);
    msg->attempts++;
    fid = (uint32_t)r.x[0];

    if (fid == FFA_INTERRUPT || fid == FFA_MSG_YIELD) {
        uint32_t target = (uint32_t)r.x[1];

        /*
         * Preempted while handling it: resume that context with FFA_RUN next time. Parked for the
         * hypervisor (0) in the resume rights, so no VM can run it and take the answer.
         */
        if (msg->parked != 0 && msg->parked != target)
            forget_parked(m, msg);
        msg->parked = target;
        ffam_resume_rights_park_id(m, FFA_ID_HYPERVISOR, target);
        return ANS_RETRY;
    }
    forget_parked(m, msg);
    if (fid == FFA_ERROR) {
        status = ffa_error_code(r.x[2]);
        if (retryable(status))
            return ANS_RETRY;
        MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: message 0x%x to SP 0x%x: error %d", vm->id, type,
                sp->id, status);
        return ANS_REFUSED;
    }
    if (fid != FFA_MSG_SEND_DIRECT_RESP_32 ||
        (uint32_t)r.x[1] != (uint32_t)(((uint32_t)sp->id << 16) | FFA_ID_HYPERVISOR) ||
        (uint32_t)r.x[2] != (FFA_MSG_FLAG_FRAMEWORK | (type + 1))) {
        MED_LOG(m, FFA_LOG_ERROR,
                "ffa: VM 0x%x: SP 0x%x answered message 0x%x with 0x%x w1 0x%x w2 0x%x", vm->id,
                sp->id, type, fid, (uint32_t)r.x[1], (uint32_t)r.x[2]);
        return ANS_REFUSED;
    }
    status = (int32_t)(uint32_t)r.x[3];
    if (status == 0)
        return ANS_ACKED;
    if (retryable(status))
        return ANS_RETRY;
    MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: SP 0x%x refused message 0x%x: status %d", vm->id,
            sp->id, type, status);
    return ANS_REFUSED;
}

/*
 * Advance one message (*state LC_PENDING): LC_DONE, LC_FAILED, or still LC_PENDING (returns
 * OUT_PENDING). `final`: no later attempt will come (ffa_mediator_destroy()).
 */
static enum outcome message_step(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                                 uint32_t i, uint8_t *state, uint32_t type, bool final)
{
    struct lc_msg *msg = &vm->lc.msgs[i];
    enum answer a = message_attempt(m, vm, cpu, &m->lc_sps[i], msg, type);

    if (a == ANS_RETRY && !final && msg->attempts < m->cfg.lifecycle_attempts)
        return OUT_PENDING;
    if (a == ANS_RETRY)
        MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: message 0x%x to SP 0x%x given up after %u tries",
                vm->id, type, m->lc_sps[i].id, msg->attempts);
    *state = a == ANS_ACKED ? LC_DONE : LC_FAILED;
    msg->attempts = 0;
    return OUT_DONE;
}

/* One round of VM-created messages. Returns OUT_PENDING if some are left to retry. */
static enum outcome created_round(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    enum outcome out = OUT_DONE;

    for (uint32_t i = 0; i < m->lc_count; i++) {
        struct lc_msg *msg = &vm->lc.msgs[i];

        if (msg->created != LC_PENDING)
            continue;
        if (message_step(m, vm, cpu, i, &msg->created, FFA_FWK_MSG_VM_CREATED, false) ==
            OUT_PENDING) {
            out = OUT_PENDING;
            continue;
        }
        if (msg->created == LC_FAILED)
            ffam_notif_signal_event(m, vm->id, 0, FFA_HOST_EVENT_VM_CREATE_FAILED);
    }
    return out;
}

/* ---- Teardown steps ---- */

/* Resume each context parked for the VM until its request completes; drop the answers. */
static enum outcome step_drain(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, bool final)
{
    uint32_t target;

    for (uint32_t n = 0; n < m->resume_slots; n++) {
        struct ffa_regs r = {{FFA_RUN}};
        uint32_t fid;

        if (!ffam_resume_rights_find_owned(m, vm->id, &target))
            return OUT_DONE;
        if (!ffam_fw_supports(m, FFA_RUN)) {
            ffam_resume_rights_release(m, target);
            continue;
        }
        r.x[1] = target;
        ffam_fw_call(m, cpu, &r, &r);
        fid = (uint32_t)r.x[0];
        if (fid == FFA_INTERRUPT || fid == FFA_MSG_YIELD) {
            if ((uint32_t)r.x[1] != target) {
                ffam_resume_rights_release(m, target);
                ffam_resume_rights_park_id(m, vm->id, (uint32_t)r.x[1]);
            }
        } else if (fid == FFA_ERROR && retryable(ffa_error_code(r.x[2]))) {
            /* stays parked */
        } else {
            if (fid == FFA_ERROR)
                MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x: resuming 0x%x at removal: error %d", vm->id,
                        target, ffa_error_code(r.x[2]));
            ffam_resume_rights_release(m, target); /* completed (answer dropped) or gone */
            continue;
        }
        if (!final && ++vm->lc.drain_attempts < m->cfg.lifecycle_attempts)
            return OUT_PENDING;
        MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: preempted secure contexts left as they are",
                vm->id);
        ffam_resume_rights_forget_vm(m, vm);
        return OUT_DONE;
    }
    return OUT_DONE;
}

/*
 * The RX/TX buffers: unmapped in the SPMC, then in the mediator. While the SPMC keeps them the VM
 * is not gone (it could still write into the VM's memory); if it never lets go, the VM is stuck.
 */
static enum outcome step_buffers(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                                 bool final)
{
    int32_t ret;

    if (!vm->lc.buffers)
        return OUT_DONE;
    /* ffa_mediator_destroy() drops the mediator's own mapping even if the SPMC keeps its own. */
    ret = ffam_vm_buffers_teardown(m, vm, cpu, final);
    if (ret == 0) {
        vm->lc.buffers = false;
        return OUT_DONE;
    }
    if (final)
        vm->lc.buffers = false;
    else if (++vm->lc.buffer_attempts < m->cfg.lifecycle_attempts)
        return OUT_PENDING;
    if (!vm->lc.stuck)
        MED_LOG(m, FFA_LOG_ERROR,
                "ffa: VM 0x%x: the SPMC keeps its RX/TX buffers (%d): its memory stays reserved",
                vm->id, ret);
    vm->lc.stuck = true; /* never reported gone; ffa_mediator_poll() leaves it alone */
    return OUT_DONE;
}

/*
 * Read (and drop) the notifications still pending for the VM in the secure world, so that
 * FFA_NOTIFICATION_BITMAP_DESTROY, which refuses a bitmap with pending bits (Hafnium
 * ffa_notifications_bitmap_destroy()), can succeed.
 */
static void drop_secure_pending(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    uint32_t vcpus = m->fw_notif_per_vcpu ? vm->vcpu_count : 1u;

    for (uint32_t v = 0; v < vcpus; v++) {
        struct ffa_regs r = {{FFA_NOTIFICATION_GET, ((uint64_t)v << 16) | vm->id,
                              FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM}};

        ffam_fw_call(m, cpu, &r, &r);
    }
}

static enum outcome step_bitmap(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, bool final)
{
    int32_t ret;

    if (!vm->lc.bitmap)
        return OUT_DONE;
    ret = ffam_fw_simple_call(m, cpu, FFA_NOTIFICATION_BITMAP_DESTROY, vm->id, 0, 0);
    if (ret == FFA_RET_DENIED) {
        drop_secure_pending(m, vm, cpu);
        ret = ffam_fw_simple_call(m, cpu, FFA_NOTIFICATION_BITMAP_DESTROY, vm->id, 0, 0);
    }
    if (ret == 0) {
        vm->lc.bitmap = false;
        return OUT_DONE;
    }
    if ((retryable(ret) || ret == FFA_RET_DENIED) && !final &&
        ++vm->lc.bitmap_attempts < m->cfg.lifecycle_attempts)
        return OUT_PENDING;
    MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: FFA_NOTIFICATION_BITMAP_DESTROY given up: %d", vm->id,
            ret);
    vm->lc.bitmap = false;
    return OUT_DONE;
}

/* Finish VM-created messages a partition was preempted in, then send the VM-destroyed ones. */
static enum outcome step_messages(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                                  bool final)
{
    enum outcome out = OUT_DONE;

    for (uint32_t i = 0; i < m->lc_count; i++) {
        struct lc_msg *msg = &vm->lc.msgs[i];

        if (msg->created == LC_PENDING) {
            if (message_step(m, vm, cpu, i, &msg->created, FFA_FWK_MSG_VM_CREATED, final) ==
                OUT_PENDING) {
                out = OUT_PENDING;
                continue;
            }
            /* A partition that never acknowledged the VM is not told it is gone (as Xen). */
            if (msg->created != LC_DONE)
                msg->destroyed = LC_NONE;
        }
        if (msg->destroyed == LC_PENDING &&
            message_step(m, vm, cpu, i, &msg->destroyed, FFA_FWK_MSG_VM_DESTROYED, final) ==
                OUT_PENDING)
            out = OUT_PENDING;
    }
    return out;
}

/*
 * Memory the VM shared, lent or donated, and what it borrowed (mem_table.c): reclaimed and given
 * back, or unmapped. A transaction a partition still holds keeps its pages pinned and the step
 * waits for the partition to relinquish it, without an attempt limit: the VM is not gone while
 * the secure world can reach its memory. ffa_mediator_destroy() forces it
 * (ffam_mem_vm_teardown(): what is still held stays pinned for good, logged).
 */
static enum outcome step_memory(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu, bool final)
{
    if (final) {
        ffam_mem_vm_teardown(m, vm, cpu);
        return OUT_DONE;
    }
    return ffam_mem_vm_release(m, vm, cpu) ? OUT_DONE : OUT_PENDING;
}

/* One round of every teardown step. OUT_DONE when nothing is left (or the VM is stuck). */
static enum outcome teardown_round(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                                   bool final)
{
    bool pending = false;

    pending |= step_drain(m, vm, cpu, final) == OUT_PENDING;
    pending |= step_buffers(m, vm, cpu, final) == OUT_PENDING;
    pending |= step_bitmap(m, vm, cpu, final) == OUT_PENDING;
    pending |= step_messages(m, vm, cpu, final) == OUT_PENDING;
    pending |= step_memory(m, vm, cpu, final) == OUT_PENDING;
    return pending ? OUT_PENDING : OUT_DONE;
}

/*
 * ACTIVE or CREATING -> TEARING_DOWN: out of the table into the teardown list, and no other VM
 * keeps a binding naming it. Caller holds m->lock and the VM's claim.
 */
static void begin_teardown_locked(struct ffa_mediator *m, struct ffa_vm *vm)
{
    ffam_vm_unlist(m, vm);
    m->dying[m->dying_count++] = vm;
    set_state(m, vm, FFA_VM_TEARING_DOWN);
    ffam_notif_forget_sender(m, vm->id);
}

/* What the teardown has to do, decided once when it starts (the VM is claimed, out of reach). */
static void plan_teardown(struct ffa_mediator *m, struct ffa_vm *vm)
{
    ffam_lock(m, vm->lock);
    vm->lc.buffers = vm->mbox.tx != NULL;
    ffam_unlock(m, vm->lock);
    for (uint32_t i = 0; i < m->lc_count; i++) {
        struct lc_msg *msg = &vm->lc.msgs[i];
        bool wants = (m->lc_sps[i].props & FFA_PART_PROP_VM_DESTROYED) != 0;

        /*
         * A VM-created message not delivered yet is cancelled, unless the partition is in the
         * middle of it (preempted): then it is finished first, and the partition told.
         */
        if (msg->created == LC_PENDING && msg->parked == 0)
            msg->created = LC_NONE;
        msg->attempts = 0;
        if (msg->created == LC_DONE || msg->created == LC_PENDING)
            msg->destroyed = wants ? LC_PENDING : LC_NONE;
        else if (msg->created == LC_NONE && (m->lc_sps[i].props & FFA_PART_PROP_VM_CREATED) == 0)
            msg->destroyed = wants ? LC_PENDING : LC_NONE; /* never asked about creation */
        else
            msg->destroyed = LC_NONE;
    }
}

/*
 * End a teardown round: the VM is gone (freed, host told) when nothing is left, else the claim is
 * released for ffa_mediator_poll(). Returns 0 when gone, FFA_LIFECYCLE_PENDING otherwise.
 */
static int teardown_finish(struct ffa_mediator *m, struct ffa_vm *vm, enum outcome out)
{
    uint16_t id = vm->id;

    ffam_lock(m, m->lock);
    if (out == OUT_PENDING || vm->lc.stuck) {
        vm->lc.busy = false;
        ffam_unlock(m, m->lock);
        return FFA_LIFECYCLE_PENDING;
    }
    for (uint32_t i = 0; i < m->dying_count; i++) {
        if (m->dying[i] == vm) {
            m->dying[i] = m->dying[--m->dying_count];
            m->dying[m->dying_count] = NULL;
            break;
        }
    }
    ffam_unlock(m, m->lock);
    MED_LOG(m, FFA_LOG_INFO, "ffa: VM 0x%x: TEARING_DOWN -> GONE", id);
    ffam_vm_free(m, vm);
    ffam_notif_signal_event(m, id, 0, FFA_HOST_EVENT_VM_GONE);
    return 0;
}

/* Start the teardown of a claimed VM and run its first round. */
static int teardown_start(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    plan_teardown(m, vm);
    return teardown_finish(m, vm, teardown_round(m, vm, cpu, false));
}

/*
 * End a creation round of a claimed CREATING VM: ACTIVE when nothing is left; a removal asked
 * meanwhile starts now. Returns 0 or FFA_LIFECYCLE_PENDING.
 */
static int creation_finish(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu,
                           enum outcome out)
{
    ffam_lock(m, m->lock);
    if (out == OUT_DONE)
        set_state(m, vm, FFA_VM_ACTIVE);
    if (vm->lc.remove_requested) {
        begin_teardown_locked(m, vm);
        ffam_unlock(m, m->lock);
        return teardown_start(m, vm, cpu);
    }
    vm->lc.busy = false;
    ffam_unlock(m, m->lock);
    return out == OUT_PENDING ? FFA_LIFECYCLE_PENDING : 0;
}

int ffam_lifecycle_vm_created(struct ffa_mediator *m, struct ffa_vm *vm, uint32_t cpu)
{
    if (m->fw_notif) {
        /* The hypervisor creates each VM's bitmap (Hafnium src/api.c,
         * api_ffa_notification_bitmap_create(); Xen ffa_notif_domain_init()) before any
         * partition hears of the VM, so a partition told of it can bind and set at once. */
        int32_t ret =
            ffam_fw_simple_call(m, cpu, FFA_NOTIFICATION_BITMAP_CREATE, vm->id, vm->vcpu_count, 0);

        if (ret != 0) {
            MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x: FFA_NOTIFICATION_BITMAP_CREATE: %d", vm->id,
                    ret);
            ffam_lock(m, m->lock);
            ffam_vm_unlist(m, vm);
            ffam_unlock(m, m->lock);
            ffam_vm_free(m, vm);
            return FFA_RET_NO_MEMORY;
        }
        vm->lc.bitmap = true;
    }
    for (uint32_t i = 0; i < m->lc_count; i++) {
        if ((m->lc_sps[i].props & FFA_PART_PROP_VM_CREATED) == 0)
            continue;
        if (ffam_fw_supports(m, FFA_MSG_SEND_DIRECT_REQ_32)) {
            vm->lc.msgs[i].created = LC_PENDING;
        } else {
            MED_LOG(m, FFA_LOG_WARN, "ffa: no FFA_MSG_SEND_DIRECT_REQ_32: SP 0x%x not told",
                    m->lc_sps[i].id);
        }
    }
    return creation_finish(m, vm, cpu, created_round(m, vm, cpu));
}

int ffa_vm_remove(struct ffa_mediator *m, struct ffa_vm *vm)
{
    uint32_t cpu;

    if (m == NULL || vm == NULL || vm->m != m)
        return FFA_RET_INVALID_PARAMETERS;
    cpu = ffam_host_cpu(m);
    ffam_lock(m, m->lock);
    if (!ffam_vm_listed(m, vm)) {
        ffam_unlock(m, m->lock);
        return FFA_RET_INVALID_PARAMETERS;
    }
    if (vm->lc.busy) {
        /* ffa_mediator_poll() is retrying its VM-created messages: it starts the teardown. */
        vm->lc.remove_requested = true;
        ffam_unlock(m, m->lock);
        return FFA_LIFECYCLE_PENDING;
    }
    vm->lc.busy = true;
    begin_teardown_locked(m, vm);
    ffam_unlock(m, m->lock);
    return teardown_start(m, vm, cpu);
}

/*
 * The next VM with life-cycle work this poll round has not visited, claimed; NULL when none.
 * CREATING VMs first, then the teardown list; stuck VMs are left alone.
 */
static struct ffa_vm *claim_next(struct ffa_mediator *m, uint32_t round)
{
    struct ffa_vm *found = NULL;

    ffam_lock(m, m->lock);
    for (uint32_t i = 0; i < m->vm_count && found == NULL; i++) {
        struct ffa_vm *vm = m->vms[i];

        if (vm->lc.state == FFA_VM_CREATING && !vm->lc.busy && vm->lc.poll_round != round)
            found = vm;
    }
    for (uint32_t i = 0; i < m->dying_count && found == NULL; i++) {
        struct ffa_vm *vm = m->dying[i];

        if (!vm->lc.busy && !vm->lc.stuck && vm->lc.poll_round != round)
            found = vm;
    }
    if (found != NULL) {
        found->lc.busy = true;
        found->lc.poll_round = round;
    }
    ffam_unlock(m, m->lock);
    return found;
}

int ffa_mediator_poll(struct ffa_mediator *m)
{
    uint32_t cpu, round;
    struct ffa_vm *vm;
    int ret = 0;

    if (m == NULL)
        return FFA_RET_INVALID_PARAMETERS;
    cpu = ffam_host_cpu(m);
    ffam_lock(m, m->lock);
    round = ++m->poll_round;
    ffam_unlock(m, m->lock);
    while ((vm = claim_next(m, round)) != NULL) {
        int r;

        if (vm->lc.state == FFA_VM_CREATING)
            r = creation_finish(m, vm, cpu, created_round(m, vm, cpu));
        else
            r = teardown_finish(m, vm, teardown_round(m, vm, cpu, false));
        if (r == FFA_LIFECYCLE_PENDING)
            ret = FFA_LIFECYCLE_PENDING;
    }
    /* A stuck VM is not retried: it is not work to come back for. */
    if (ret == FFA_LIFECYCLE_PENDING) {
        bool any = false;

        ffam_lock(m, m->lock);
        for (uint32_t i = 0; i < m->vm_count && !any; i++)
            any = m->vms[i]->lc.state == FFA_VM_CREATING;
        for (uint32_t i = 0; i < m->dying_count && !any; i++)
            any = !m->dying[i]->lc.stuck;
        ffam_unlock(m, m->lock);
        ret = any ? FFA_LIFECYCLE_PENDING : 0;
    }
    return ret;
}

void ffam_lifecycle_destroy_all(struct ffa_mediator *m, uint32_t cpu)
{
    /* No call is in progress (ffa_mediator_destroy()'s contract): no VM is claimed. */
    while (m->vm_count > 0) {
        struct ffa_vm *vm = m->vms[m->vm_count - 1];

        ffam_lock(m, m->lock);
        vm->lc.busy = true;
        begin_teardown_locked(m, vm);
        ffam_unlock(m, m->lock);
        plan_teardown(m, vm);
    }
    while (m->dying_count > 0) {
        struct ffa_vm *vm = m->dying[m->dying_count - 1];

        vm->lc.busy = true;
        if (teardown_finish(m, vm, teardown_round(m, vm, cpu, true)) == 0)
            continue;
        /* Stuck: the secure world may still reach its memory; not reported gone. */
        MED_LOG(m, FFA_LOG_ERROR, "ffa: VM 0x%x freed without FFA_HOST_EVENT_VM_GONE", vm->id);
        m->dying[--m->dying_count] = NULL;
        ffam_vm_free(m, vm);
    }
}
