/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who may resume a preempted or yielded secure execution context.
 *
 * The mediator calls the SPMC as the hypervisor, so the SPMC sees every VM as "the normal world":
 * it cannot tell which VM a preempted context is working for, and would resume it for any VM's
 * FFA_RUN and hand that VM the other VM's DIRECT_RESP. The mediator keeps the missing fact: when
 * a VM's DIRECT_REQ, DIRECT_REQ2 or FFA_RUN comes back as FFA_INTERRUPT or FFA_YIELD, the context
 * named in w1 (endpoint << 16 | vCPU) belongs to that VM until it completes, and another VM's
 * FFA_RUN of it gets DENIED (Hafnium's answer when the caller may not run a target). Xen keeps no
 * such state (xen/arch/arm/tee/ffa_msg.c, ffa_handle_run(): resuming is left to the guest and
 * the SPMC).
 *
 * The table has one slot per secure execution context the SPMC listed (a context is preempted for
 * at most one request at a time), allocated at create time: recording never allocates.
 */
#include "internal.h"

#define RESUME_SLOTS_DEFAULT 64u
#define RESUME_SLOTS_MAX     4096u

struct resume_slot {
    uint32_t target; /* endpoint << 16 | vCPU; 0: free (secure endpoint IDs are never 0) */
    uint16_t vm_id;
};

int ffam_resume_rights_init(struct ffa_mediator *m)
{
    uint32_t slots = 0;
    bool ok;

    /* One slot per execution context of each partition (entries repeat per UUID). */
    for (uint32_t i = 0; i < m->sp_count; i++) {
        if (i == 0 || m->sps[i - 1].id != m->sps[i].id)
            slots += m->sps[i].exec_ctx;
    }
    if (slots == 0)
        slots = RESUME_SLOTS_DEFAULT; /* no SP list: a fixed table */
    if (slots > RESUME_SLOTS_MAX)
        slots = RESUME_SLOTS_MAX;
    m->resume_lock = ffam_lock_create(m, &ok);
    if (!ok)
        return FFA_RET_NO_MEMORY;
    m->resume = ffam_zalloc(m, sizeof(*m->resume) * slots);
    if (m->resume == NULL)
        return FFA_RET_NO_MEMORY;
    m->resume_slots = slots;
    return 0;
}

void ffam_resume_rights_free(struct ffa_mediator *m)
{
    ffam_free(m, m->resume, sizeof(*m->resume) * m->resume_slots);
    m->resume = NULL;
    m->resume_slots = 0;
    ffam_lock_destroy(m, m->resume_lock);
    m->resume_lock = NULL;
}

static struct resume_slot *find(struct ffa_mediator *m, uint32_t target)
{
    for (uint32_t i = 0; i < m->resume_slots; i++) {
        if (m->resume[i].target == target)
            return &m->resume[i];
    }
    return NULL;
}

/* May `vm` give cycles to `target` with FFA_RUN? DENIED if another VM's request is parked there. */
int32_t ffam_resume_rights_check(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t target)
{
    struct resume_slot *s;
    bool other = false;
    uint16_t owner = 0;

    ffam_lock(m, m->resume_lock);
    s = find(m, target);
    if (s != NULL && s->vm_id != vm->id) {
        other = true; /* another VM, or the hypervisor (0) */
        owner = s->vm_id;
    }
    ffam_unlock(m, m->resume_lock);
    if (!other)
        return 0;
    MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x tried to run 0x%x, parked for VM 0x%x", vm->id, target,
            owner);
    return FFA_RET_DENIED;
}

/* `target` is now parked for `vm` (the answer was FFA_INTERRUPT or FFA_YIELD naming it). */
void ffam_resume_rights_park(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t target)
{
    ffam_resume_rights_park_id(m, vm->id, target);
}

/*
 * `target` is now parked for endpoint `owner`: a VM, or the hypervisor (0) whose framework
 * message it was handling (lifecycle.c), which no VM may then resume.
 */
void ffam_resume_rights_park_id(struct ffa_mediator *m, uint16_t owner, uint32_t target)
{
    struct resume_slot *s;

    ffam_lock(m, m->resume_lock);
    s = find(m, target);
    if (s == NULL)
        s = find(m, 0);
    if (s != NULL) {
        s->target = target;
        s->vm_id = owner;
    }
    ffam_unlock(m, m->resume_lock);
    if (s == NULL)
        MED_LOG(m, FFA_LOG_ERROR, "ffa: no slot to record that 0x%x is parked for 0x%x", target,
                owner);
}

/* A context parked for `owner` (a removed VM's, to resume until it completes). */
bool ffam_resume_rights_find_owned(struct ffa_mediator *m, uint16_t owner, uint32_t *target)
{
    bool found = false;

    ffam_lock(m, m->resume_lock);
    for (uint32_t i = 0; i < m->resume_slots && !found; i++) {
        if (m->resume[i].target != 0 && m->resume[i].vm_id == owner) {
            *target = m->resume[i].target;
            found = true;
        }
    }
    ffam_unlock(m, m->resume_lock);
    return found;
}

/* `target` is no longer parked (its request completed or it aborted). */
void ffam_resume_rights_release(struct ffa_mediator *m, uint32_t target)
{
    struct resume_slot *s;

    ffam_lock(m, m->resume_lock);
    s = find(m, target);
    if (s != NULL)
        s->target = 0;
    ffam_unlock(m, m->resume_lock);
}

/* A VM is going away: forget what was parked for it. */
void ffam_resume_rights_forget_vm(struct ffa_mediator *m, const struct ffa_vm *vm)
{
    ffam_lock(m, m->resume_lock);
    for (uint32_t i = 0; i < m->resume_slots; i++) {
        if (m->resume[i].target != 0 && m->resume[i].vm_id == vm->id) {
            MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x removed with 0x%x still parked", vm->id,
                    m->resume[i].target);
            m->resume[i].target = 0;
        }
    }
    ffam_unlock(m, m->resume_lock);
}
