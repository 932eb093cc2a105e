/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who may run a secure execution context: claims taken before a call is forwarded.
 *
 * The mediator calls the SPMC as the hypervisor, so the SPMC sees every VM as "the normal world":
 * it cannot tell which VM a preempted context is working for, and would resume it for any VM's
 * FFA_RUN and hand that VM the other VM's DIRECT_RESP. Xen keeps no such state
 * (xen/arch/arm/tee/ffa_msg.c, ffa_handle_run(): resuming is left to the guest and the SPMC). The
 * mediator keeps the missing fact as a claim per context, taken *before* the call that could
 * preempt it is forwarded, so that there is no instant at which a context the mediator can name
 * is runnable by anyone but the VM it works for:
 *
 *   FREE --------- DIRECT_REQ/REQ2 to it, or FFA_RUN of it, by V --------> IN_FLIGHT(V)
 *   IN_FLIGHT(V) - answer FFA_INTERRUPT/FFA_YIELD naming it -------------> PARKED(V)
 *   IN_FLIGHT(V) - any other answer (the request or the RUN ended) ------> FREE
 *   PARKED(V) ---- FFA_RUN by V -----------------------------------------> IN_FLIGHT(V)
 *   PARKED(V) ---- FFA_RUN by another VM: DENIED (Hafnium's answer when the caller may not run
 *                  the target); a DIRECT_REQ by anyone: BUSY, as the SPMC answers for a context
 *                  that is not waiting (Hafnium src/api.c, api_ffa_msg_send_direct_req())
 *   IN_FLIGHT(V) - FFA_RUN or DIRECT_REQ by another VM, DIRECT_REQ by V: BUSY (it is running, as
 *                  the SPMC would say); FFA_RUN by V (another vCPU): FFA_INTERRUPT naming it (try
 *                  again), since BUSY would end V's request in a Linux guest
 *
 * The context a request lands on: one context for a UP partition (migratable), the context of
 * the physical processor the call is issued on for an MP partition (Hafnium src/api.c,
 * api_ffa_get_vm_vcpu(): vCPU index = CPU index), from the SPMC's partition list.
 *
 * Call chains. A request to SP A that A forwards to SP B comes back as FFA_INTERRUPT naming B's
 * context when B is preempted. Every context of the chain belongs to the VM until it completes:
 * the SPMC resumes the preempted end of a chain whichever of its contexts FFA_RUN names (FF-A
 * v1.1 EAC, figure 8.13; Hafnium api_ffa_run()). So A (the head, claimed before forwarding)
 * stays claimed and B is parked for the VM with A as its head; the chain ends, and every claim
 * with it, with the response (or an abort). B was not known before the answer: in the instant
 * between B's preemption and the answer reaching the mediator another VM can run B (and an
 * intermediate context of a longer chain is never named at all). Two rules keep the response
 * with its owner anyway:
 *   - a response addressed to VM V that reaches another VM's FFA_RUN is kept ("stashed") with V's
 *     chain head, and the other VM gets FFA_ERROR(ABORTED); V gets it at its next FFA_RUN of the
 *     chain (or at once, if V's own answer had not come back yet);
 *   - a context named by V's answer while another VM runs it is V's when that call ends ("heir");
 *     V's FFA_RUN of it meanwhile answers FFA_INTERRUPT naming it again (try later), not BUSY,
 *     which would end V's request in a Linux guest (drivers/firmware/arm_ffa/driver.c).
 *
 * Storage, allocated at create time (no allocation per call): one claim word per execution
 * context the SPMC listed (a direct-mapped table from SP ID to its first context), plus a few
 * slots for contexts not in the list, which are recorded only when an answer names them (the
 * weaker, after-the-fact rule: without the partition list, direct requests are not claimed).
 *
 * Locking: a claim word is an atomic. The per-call path (a DIRECT_REQ ending in a response)
 * takes and drops its claim with one compare-and-swap each, with no lock. Everything else
 * (parking, chains, heirs, stashes, FFA_RUN, VM removal) runs under m->resume_lock, a leaf lock,
 * and still changes claim words only by compare-and-swap, so that both paths interleave safely.
 * A word with FFAM_CLAIM_SLOW set has facts in its `aux` entry (guarded by the lock) and is
 * only released under the lock.
 */
#include "answer.h"
#include "internal.h"

#define DYN_SLOTS          64u   /* contexts outside the SPMC's list */
#define LISTED_SLOTS_MAX   4096u /* execution contexts recorded from the list */
#define CLAIM_OWNER(w)     ((uint16_t)((w)&0xffffu))
#define CLAIM_IS_PARKED(w) (((w)&FFAM_CLAIM_PARKED) != 0)

/* What the lock guards beside a claim word (valid while the word has FFAM_CLAIM_SLOW). */
struct ffam_claim_aux {
    uint16_t head;      /* the chain head's slot (the slot itself for a head) */
    uint16_t heir;      /* VM that gets the context when the current claim ends, or 0 */
    uint16_t heir_head; /* the heir's chain head */
    bool stashed;       /* `stash` holds a response for the owner that reached another VM */
    struct ffa_regs stash;
};

/* ---- Set-up ---- */

static uint32_t listed_contexts(const struct ffa_mediator *m, uint32_t *min_id, uint32_t *max_id)
{
    uint32_t total = 0;

    *min_id = 0xffffu;
    *max_id = 0;
    for (uint32_t i = 0; i < m->sp_count; i++) {
        bool seen = false;

        /* One partition appears once per UUID: count its contexts once. */
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = m->sps[j].id == m->sps[i].id;
        if (seen || m->sps[i].exec_ctx == 0)
            continue;
        if (total + m->sps[i].exec_ctx > LISTED_SLOTS_MAX)
            break;
        total += m->sps[i].exec_ctx;
        if (m->sps[i].id < *min_id)
            *min_id = m->sps[i].id;
        if (m->sps[i].id > *max_id)
            *max_id = m->sps[i].id;
    }
    return total;
}

int ffam_resume_rights_init(struct ffa_mediator *m)
{
    uint32_t min_id, max_id, listed = listed_contexts(m, &min_id, &max_id);
    uint32_t base = 0;
    bool ok;

    m->resume_lock = ffam_lock_create(m, &ok);
    if (!ok)
        return FFA_RET_NO_MEMORY;
    m->listed_slots = listed;
    m->claim_slots = listed + DYN_SLOTS;
    m->claims = ffam_zalloc(m, sizeof(*m->claims) * m->claim_slots);
    m->claim_aux = ffam_zalloc(m, sizeof(*m->claim_aux) * m->claim_slots);
    m->dyn_key = ffam_zalloc(m, sizeof(*m->dyn_key) * DYN_SLOTS);
    if (m->claims == NULL || m->claim_aux == NULL || m->dyn_key == NULL)
        return FFA_RET_NO_MEMORY;
    if (listed == 0)
        return 0;
    /* SP IDs are 0x8000..0xffff: the map covers at most 32768 entries of 4 bytes. */
    m->ctx_min = min_id;
    m->ctx_len = max_id - min_id + 1;
    m->ctx_map = ffam_zalloc(m, sizeof(*m->ctx_map) * m->ctx_len);
    if (m->ctx_map == NULL) {
        m->ctx_len = 0;
        return FFA_RET_NO_MEMORY;
    }
    for (uint32_t i = 0; i < m->sp_count; i++) {
        struct ffam_sp_ctx *c = &m->ctx_map[m->sps[i].id - min_id];

        if (m->sps[i].id < min_id || m->sps[i].id > max_id || c->count != 0 ||
            m->sps[i].exec_ctx == 0 || base + m->sps[i].exec_ctx > listed)
            continue;
        c->base = (uint16_t)base;
        c->count = m->sps[i].exec_ctx;
        base += c->count;
    }
    return 0;
}

void ffam_resume_rights_free(struct ffa_mediator *m)
{
    ffam_free(m, m->claims, sizeof(*m->claims) * m->claim_slots);
    ffam_free(m, m->claim_aux, sizeof(*m->claim_aux) * m->claim_slots);
    ffam_free(m, m->dyn_key, sizeof(*m->dyn_key) * DYN_SLOTS);
    ffam_free(m, m->ctx_map, sizeof(*m->ctx_map) * m->ctx_len);
    m->claims = NULL;
    m->claim_aux = NULL;
    m->dyn_key = NULL;
    m->ctx_map = NULL;
    m->claim_slots = m->listed_slots = m->ctx_len = 0;
    ffam_lock_destroy(m, m->resume_lock);
    m->resume_lock = NULL;
}

/* ---- Slots (the caller holds resume_lock) ---- */

static uint32_t load(const struct ffa_mediator *m, uint32_t s)
{
    return __atomic_load_n(&m->claims[s], __ATOMIC_ACQUIRE);
}

/* Replace the word `old` of slot `s` by `new`; false if it changed meanwhile (fast path). */
static bool swap(struct ffa_mediator *m, uint32_t s, uint32_t old, uint32_t new)
{
    return __atomic_compare_exchange_n(&m->claims[s], &old, new, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

/* The slot of context `target` (endpoint << 16 | vCPU), or FFAM_NO_SLOT; `add`: record it. */
static uint32_t slot_of(struct ffa_mediator *m, uint32_t target, bool add)
{
    uint32_t s = ffam_context_slot(m, FFA_TARGET_ID(target), FFA_TARGET_VCPU(target));
    uint32_t free_slot = FFAM_NO_SLOT;

    if (s != FFAM_NO_SLOT)
        return s;
    for (uint32_t i = 0; i < DYN_SLOTS; i++) {
        if (m->dyn_key[i] == target)
            return m->listed_slots + i;
        if (m->dyn_key[i] == 0 && free_slot == FFAM_NO_SLOT)
            free_slot = i;
    }
    if (!add || free_slot == FFAM_NO_SLOT) {
        if (add)
            MED_LOG(m, FFA_LOG_ERROR, "ffa: no slot to record who may run 0x%x", target);
        return FFAM_NO_SLOT;
    }
    m->dyn_key[free_slot] = target;
    return m->listed_slots + free_slot;
}

/* Make the aux entry of slot `s` (word `w`) valid: a head of itself, no heir, no stash. */
static uint32_t make_slow(struct ffa_mediator *m, uint32_t s, uint32_t w)
{
    if ((w & FFAM_CLAIM_SLOW) == 0) {
        m->claim_aux[s] = (struct ffam_claim_aux){.head = (uint16_t)s};
        w |= FFAM_CLAIM_SLOW;
    }
    return w;
}

static uint16_t head_of(const struct ffa_mediator *m, uint32_t s, uint32_t w)
{
    return (w & FFAM_CLAIM_SLOW) != 0 ? m->claim_aux[s].head : (uint16_t)s;
}

/*
 * Set slot `s` to `new`, retrying if the per-call path changed it meanwhile (it only takes a
 * free word or drops a plain in-flight one, so the decision made from `cur` is re-made).
 */
static void store(struct ffa_mediator *m, uint32_t s, uint32_t new)
{
    __atomic_store_n(&m->claims[s], new, __ATOMIC_RELEASE);
    if (new == 0 && s >= m->listed_slots)
        m->dyn_key[s - m->listed_slots] = 0;
}

/* The current claim of slot `s` ends: it goes to its heir, if it has one, or becomes free. */
static void end_claim(struct ffa_mediator *m, uint32_t s)
{
    uint32_t w = load(m, s);
    struct ffam_claim_aux *a = &m->claim_aux[s];

    if ((w & FFAM_CLAIM_SLOW) != 0 && a->heir != 0) {
        uint16_t heir = a->heir, head = a->heir_head;

        *a = (struct ffam_claim_aux){.head = head};
        store(m, s, heir | FFAM_CLAIM_PARKED | FFAM_CLAIM_SLOW);
        return;
    }
    store(m, s, 0);
}

/* VM `vm_id`'s chain headed by slot `h` completed or aborted: every claim of it ends. */
static void end_chain(struct ffa_mediator *m, uint16_t vm_id, uint32_t h)
{
    uint32_t hw = load(m, h);

    if ((hw & FFAM_CLAIM_SLOW) != 0) {
        for (uint32_t s = 0; s < m->claim_slots; s++) {
            uint32_t w = load(m, s);
            struct ffam_claim_aux *a = &m->claim_aux[s];

            if (s == h || (w & FFAM_CLAIM_SLOW) == 0)
                continue;
            if (a->heir == vm_id && a->heir_head == h)
                a->heir = 0; /* another VM runs it: it no longer comes back to this chain */
            if (CLAIM_OWNER(w) == vm_id && a->head == h)
                end_claim(m, s);
        }
    }
    if (CLAIM_OWNER(hw) == vm_id)
        end_claim(m, h);
}

/* Park context `t` for `vm_id` in the chain headed by `h` (an answer of that VM named it). */
static void park(struct ffa_mediator *m, uint16_t vm_id, uint32_t t, uint32_t h)
{
    for (;;) {
        uint32_t w = load(m, t);
        uint16_t owner = CLAIM_OWNER(w);

        if (owner != 0 && owner != vm_id && !CLAIM_IS_PARKED(w)) {
            /* Another VM runs it right now: it is this VM's when that call ends. */
            uint32_t nw = make_slow(m, t, w);

            if (!swap(m, t, w, nw))
                continue;
            m->claim_aux[t].heir = vm_id;
            m->claim_aux[t].heir_head = (uint16_t)h;
            MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x ran context %u of VM 0x%x's chain", owner, t,
                    vm_id);
            return;
        }
        if (owner != 0 && owner != vm_id)
            MED_LOG(m, FFA_LOG_WARN, "ffa: context %u, parked for VM 0x%x, is VM 0x%x's chain", t,
                    owner, vm_id);
        /* Free, ours, or parked for a VM that took it from this chain: it is this chain's. */
        if (!swap(m, t, w, vm_id | FFAM_CLAIM_PARKED | FFAM_CLAIM_SLOW))
            continue;
        if ((w & FFAM_CLAIM_SLOW) == 0 || owner != vm_id)
            m->claim_aux[t] = (struct ffam_claim_aux){0};
        m->claim_aux[t].head = (uint16_t)h;
        return;
    }
}

/* The head of VM `vm_id`'s chain at partition `sp` a response from `sp` completes, or NO_SLOT. */
static uint32_t find_head(struct ffa_mediator *m, uint16_t vm_id, uint16_t sp, uint32_t cpu)
{
    uint32_t found = FFAM_NO_SLOT;

    for (uint32_t s = 0; s < m->claim_slots; s++) {
        uint32_t w = load(m, s), key;

        if (CLAIM_OWNER(w) != vm_id || head_of(m, s, w) != s)
            continue;
        if (s < m->listed_slots) {
            uint32_t first = ffam_context_slot(m, sp, 0);

            if (first == FFAM_NO_SLOT || s < first ||
                s - first >= m->ctx_map[sp - m->ctx_min].count)
                continue;
            key = FFA_TARGET_INFO(sp, s - first);
        } else {
            key = m->dyn_key[s - m->listed_slots];
            if (FFA_TARGET_ID(key) != sp)
                continue;
        }
        /* An MP partition: prefer the context of the processor the response came back on. */
        if (found == FFAM_NO_SLOT || FFA_TARGET_VCPU(key) == cpu)
            found = s;
    }
    return found;
}

/* The partition whose context slot `s` is (listed or not), or 0. */
static uint16_t slot_endpoint(const struct ffa_mediator *m, uint32_t s)
{
    if (s >= m->listed_slots)
        return FFA_TARGET_ID(m->dyn_key[s - m->listed_slots]);
    for (uint32_t i = 0; i < m->ctx_len; i++) {
        const struct ffam_sp_ctx *c = &m->ctx_map[i];

        if (c->count != 0 && s >= c->base && s - c->base < c->count)
            return (uint16_t)(m->ctx_min + i);
    }
    return 0;
}

/* A response for `vm_id` reached another VM's call: keep it with that VM's chain. */
static bool stash(struct ffa_mediator *m, uint16_t vm_id, const struct ffa_regs *raw, uint32_t cpu)
{
    uint32_t h;

    if (vm_id == FFA_ID_HYPERVISOR) {
        /*
         * The answer to one of the hypervisor's own messages (lifecycle.c): its next FFA_RUN of
         * the context finds the request over and the message is settled from that answer.
         */
        MED_LOG(m, FFA_LOG_ERROR, "ffa: a response for the hypervisor reached a VM: dropped");
        return false;
    }
    h = find_head(m, vm_id, FFA_SENDER((uint32_t)raw->x[1]), cpu);

    while (h != FFAM_NO_SLOT) {
        uint32_t w = load(m, h);

        if (CLAIM_OWNER(w) != vm_id)
            break;
        if (!swap(m, h, w, make_slow(m, h, w)))
            continue;
        m->claim_aux[h].stash = *raw;
        m->claim_aux[h].stashed = true;
        MED_LOG(m, FFA_LOG_WARN, "ffa: a response for VM 0x%x is kept for it", vm_id);
        return true;
    }
    MED_LOG(m, FFA_LOG_ERROR, "ffa: a response for VM 0x%x that no chain of it awaits", vm_id);
    return false;
}

/* Give `vm` the response stashed with chain head `h` (sanitised for it) and end the chain. */
static enum ffam_answer deliver_stash(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t h,
                                      struct ffa_regs *regs, const struct ffam_caller *c,
                                      uint32_t allowed)
{
    struct ffa_regs r = m->claim_aux[h].stash;
    struct ffam_caller mine = *c;
    enum ffam_answer v;

    m->claim_aux[h].stashed = false;
    mine.resp_any = true; /* any secure sender answering this VM: the chain's head */
    v = ffam_answer_sanitise(&r, allowed, &mine);
    if (v == FFAM_ANSWER_OK)
        *regs = r;
    end_chain(m, vm->id, h);
    return v == FFAM_ANSWER_OK ? FFAM_ANSWER_OK : FFAM_ANSWER_REFUSED;
}

/* ---- The forwarding paths ---- */

int32_t ffam_claims_run(struct ffa_mediator *m, const struct ffa_vm *vm, uint32_t target,
                        struct ffam_claim *claim, struct ffa_regs *regs,
                        const struct ffam_caller *c, uint32_t allowed)
{
    int32_t ret = 0;
    uint32_t s, w;

    claim->slot = FFAM_NO_SLOT;
    claim->was_parked = false;
    ffam_lock(m, m->resume_lock);
    s = slot_of(m, target, true);
    if (s == FFAM_NO_SLOT)
        goto out; /* not recordable: forwarded unclaimed */
    for (;;) {
        uint16_t owner;

        w = load(m, s);
        owner = CLAIM_OWNER(w);
        if (w == 0) {
            if (!swap(m, s, 0, vm->id))
                continue;
            break;
        }
        if (owner != vm->id) {
            if (CLAIM_IS_PARKED(w)) {
                MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x tried to run 0x%x, parked for VM 0x%x",
                        vm->id, target, owner);
                ret = FFA_RET_DENIED;
            } else if ((w & FFAM_CLAIM_SLOW) != 0 && m->claim_aux[s].heir == vm->id) {
                /* This VM's chain, run by another VM right now: it comes back; try again. */
                struct ffa_regs r = {{FFA_INTERRUPT, target}};

                if (ffam_answer_sanitise(&r, allowed, c) == FFAM_ANSWER_OK)
                    *regs = r;
                ret = FFAM_CLAIM_ANSWERED;
            } else {
                ret = FFA_RET_BUSY;
            }
            goto out;
        }
        if (!CLAIM_IS_PARKED(w)) {
            /*
             * Another vCPU of this VM runs it right now (resume rights are the VM's, not a
             * vCPU's). The SPMC would say BUSY, which ends a Linux guest's request; the context
             * is still pending for this VM, so: FFA_INTERRUPT naming it, run it again later.
             */
            struct ffa_regs r = {{FFA_INTERRUPT, target}};

            if (ffam_answer_sanitise(&r, allowed, c) == FFAM_ANSWER_OK)
                *regs = r;
            ret = FFAM_CLAIM_ANSWERED;
            goto out;
        }
        if ((w & FFAM_CLAIM_SLOW) != 0 && m->claim_aux[head_of(m, s, w)].stashed) {
            ret = deliver_stash(m, vm, head_of(m, s, w), regs, c, allowed) == FFAM_ANSWER_OK
                      ? FFAM_CLAIM_ANSWERED
                      : FFA_RET_ABORTED;
            goto out;
        }
        if (!swap(m, s, w, w & ~FFAM_CLAIM_PARKED))
            continue;
        claim->was_parked = true;
        break;
    }
    claim->slot = s;
out:
    ffam_unlock(m, m->resume_lock);
    return ret;
}

enum ffam_answer ffam_claims_settle(struct ffa_mediator *m, const struct ffa_vm *vm,
                                    const struct ffam_claim *claim, struct ffa_regs *regs,
                                    enum ffam_answer verdict, const struct ffam_caller *c,
                                    uint32_t allowed, uint32_t cpu)
{
    uint32_t s = claim->slot, x0 = (uint32_t)regs->x[0];
    uint32_t h = FFAM_NO_SLOT;

    ffam_lock(m, m->resume_lock);
    /* A chain that ended meanwhile (its response came back on another vCPU) took this claim. */
    if (s != FFAM_NO_SLOT && CLAIM_OWNER(load(m, s)) != vm->id)
        s = FFAM_NO_SLOT;
    if (s != FFAM_NO_SLOT)
        h = head_of(m, s, load(m, s));
    if (verdict == FFAM_ANSWER_OTHER_VM) {
        /*
         * After FFA_RUN: another VM's response; this run is over. It is kept for that VM only if
         * it comes from another partition than the one whose context this call ran: the head of
         * a chain that ran through that context. A partition's response to its own context's
         * request, run by someone else, belongs to a request the mediator no longer tracks (its
         * VM was removed, perhaps another VM now has that ID): it is dropped, not stashed.
         */
        if (claim->slot != FFAM_NO_SLOT &&
            slot_endpoint(m, claim->slot) != FFA_SENDER((uint32_t)regs->x[1]))
            stash(m, FFA_RECEIVER((uint32_t)regs->x[1]), regs, cpu);
        else
            MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x ran a context whose response is for VM 0x%x",
                    vm->id, FFA_RECEIVER((uint32_t)regs->x[1]));
        if (s != FFAM_NO_SLOT)
            end_chain(m, vm->id, h);
    } else if (verdict == FFAM_ANSWER_OK && (x0 == FFA_INTERRUPT || x0 == FFA_MSG_YIELD)) {
        uint32_t t = slot_of(m, (uint32_t)regs->x[1], true);

        if (h == FFAM_NO_SLOT)
            h = t;
        if (s != FFAM_NO_SLOT) {
            uint32_t w = load(m, s);

            /* The claimed context stays the VM's: parked, or blocked in the chain. */
            if (t != s) {
                w = make_slow(m, s, w);
                store(m, s, w | FFAM_CLAIM_PARKED);
            } else {
                store(m, s, w | FFAM_CLAIM_PARKED);
            }
        }
        if (t != FFAM_NO_SLOT && t != s)
            park(m, vm->id, t, h);
        if (h != FFAM_NO_SLOT && h != t && (load(m, h) & FFAM_CLAIM_SLOW) == 0)
            store(m, h, make_slow(m, h, load(m, h)));
        /* Another VM's run already brought this chain's response: it is this answer. */
        if (h != FFAM_NO_SLOT && (load(m, h) & FFAM_CLAIM_SLOW) != 0 && m->claim_aux[h].stashed &&
            CLAIM_OWNER(load(m, h)) == vm->id)
            verdict = deliver_stash(m, vm, h, regs, c, allowed);
    } else if (s != FFAM_NO_SLOT) {
        bool keep = claim->was_parked &&
                    (verdict != FFAM_ANSWER_OK ||
                     (x0 == FFA_ERROR && ffa_error_code(regs->x[2]) != FFA_RET_ABORTED));

        if (keep) /* the run was refused (BUSY, DENIED, ...): still parked for the VM */
            store(m, s, load(m, s) | FFAM_CLAIM_PARKED);
        else if (claim->was_parked || h != s)
            end_chain(m, vm->id, h);
        else
            end_claim(m, s);
    }
    ffam_unlock(m, m->resume_lock);
    return verdict;
}

/* A VM is going away: forget what was claimed for it. */
void ffam_resume_rights_forget_vm(struct ffa_mediator *m, const struct ffa_vm *vm)
{
    ffam_lock(m, m->resume_lock);
    for (uint32_t s = 0; s < m->claim_slots; s++) {
        uint32_t w = load(m, s);

        if ((w & FFAM_CLAIM_SLOW) != 0 && m->claim_aux[s].heir == vm->id)
            m->claim_aux[s].heir = 0;
        if (w != 0 && CLAIM_OWNER(w) == vm->id) {
            MED_LOG(m, FFA_LOG_WARN, "ffa: VM 0x%x removed with context slot %u still claimed",
                    vm->id, s);
            end_claim(m, s);
        }
    }
    ffam_unlock(m, m->resume_lock);
}

/* ---- The mediator's own calls (lifecycle.c) ---- */

/*
 * The claim owner standing for the hypervisor (endpoint 0) in a claim word, where 0 means free:
 * an ID with bit 15 set, which no VM has (secure endpoint IDs are never claim owners).
 */
#define HYPERVISOR_KEY 0xffffu

static uint16_t owner_key(uint16_t owner)
{
    return owner == FFA_ID_HYPERVISOR ? (uint16_t)HYPERVISOR_KEY : owner;
}

/* The context (endpoint << 16 | index) whose claim slot `s` is. */
static uint32_t slot_target(const struct ffa_mediator *m, uint32_t s)
{
    uint16_t sp;

    if (s >= m->listed_slots)
        return m->dyn_key[s - m->listed_slots];
    sp = slot_endpoint(m, s);
    return FFA_TARGET_INFO(sp, s - m->ctx_map[sp - m->ctx_min].base);
}

bool ffam_claims_retryable(const struct ffa_regs *answer)
{
    int32_t code = ffa_error_code(answer->x[2]);

    return answer->x[0] == FFA_ERROR &&
           (code == FFA_RET_BUSY || code == FFA_RET_RETRY || code == FFA_RET_INTERRUPTED);
}

bool ffam_claims_own_request(struct ffa_mediator *m, uint16_t owner, uint16_t sp, uint32_t cpu,
                             struct ffam_claim *claim)
{
    claim->slot = ffam_request_slot(m, sp, cpu);
    claim->was_parked = false;
    if (claim->slot == FFAM_NO_SLOT)
        return true;
    if (ffam_claim_take(m, claim->slot, owner_key(owner)))
        return true;
    claim->slot = FFAM_NO_SLOT;
    return false;
}

void ffam_claims_own_run(struct ffa_mediator *m, uint16_t owner, uint32_t target,
                         struct ffam_claim *claim)
{
    uint16_t key = owner_key(owner);
    uint32_t s, w;

    ffam_lock(m, m->resume_lock);
    s = slot_of(m, target, false);
    w = s != FFAM_NO_SLOT ? load(m, s) : 0;
    /* It stays parked during the call: no one else may run it, and no request lands on it. */
    claim->slot = CLAIM_OWNER(w) == key && CLAIM_IS_PARKED(w) ? s : FFAM_NO_SLOT;
    claim->was_parked = true;
    ffam_unlock(m, m->resume_lock);
}

void ffam_claims_own_settle(struct ffa_mediator *m, uint16_t owner, const struct ffam_claim *claim,
                            const struct ffa_regs *answer)
{
    uint16_t key = owner_key(owner);
    uint32_t s = claim->slot, h = FFAM_NO_SLOT;
    uint32_t x0 = (answer->x[0] >> 32) == 0 ? (uint32_t)answer->x[0] : 0;

    ffam_lock(m, m->resume_lock);
    if (s != FFAM_NO_SLOT && CLAIM_OWNER(load(m, s)) != key)
        s = FFAM_NO_SLOT;
    if (s != FFAM_NO_SLOT)
        h = head_of(m, s, load(m, s));
    if (x0 == FFA_INTERRUPT || x0 == FFA_MSG_YIELD) {
        /* Preempted: the context the answer names (and the claimed one, in a chain) stay its. */
        uint32_t t = slot_of(m, (uint32_t)answer->x[1], true);

        if (h == FFAM_NO_SLOT)
            h = t;
        if (s != FFAM_NO_SLOT)
            store(m, s, (t != s ? make_slow(m, s, load(m, s)) : load(m, s)) | FFAM_CLAIM_PARKED);
        if (t != FFAM_NO_SLOT && t != s)
            park(m, key, t, h);
        if (h != FFAM_NO_SLOT && h != t && (load(m, h) & FFAM_CLAIM_SLOW) == 0)
            store(m, h, make_slow(m, h, load(m, h)));
    } else if (x0 == FFA_ERROR && claim->was_parked && ffam_claims_retryable(answer)) {
        /* The run was turned away for now (BUSY, RETRY, INTERRUPTED): still parked. */
    } else if (s != FFAM_NO_SLOT) {
        end_chain(m, key, h); /* completed, aborted, or never delivered */
    }
    ffam_unlock(m, m->resume_lock);
}

void ffam_claims_own_release(struct ffa_mediator *m, uint16_t owner, uint32_t target)
{
    uint16_t key = owner_key(owner);
    uint32_t s;

    ffam_lock(m, m->resume_lock);
    s = slot_of(m, target, false);
    if (s != FFAM_NO_SLOT && CLAIM_OWNER(load(m, s)) == key)
        end_chain(m, key, head_of(m, s, load(m, s)));
    ffam_unlock(m, m->resume_lock);
}

bool ffam_claims_find_parked(struct ffa_mediator *m, uint16_t owner, uint32_t *target)
{
    uint16_t key = owner_key(owner);
    uint32_t found = FFAM_NO_SLOT;

    ffam_lock(m, m->resume_lock);
    for (uint32_t s = 0; s < m->claim_slots; s++) {
        uint32_t w = load(m, s);

        if (CLAIM_OWNER(w) != key || !CLAIM_IS_PARKED(w))
            continue;
        /* The preempted end of a chain first: the SPMC resumes a chain there. */
        if (found == FFAM_NO_SLOT || head_of(m, s, w) != s)
            found = s;
    }
    if (found != FFAM_NO_SLOT)
        *target = slot_target(m, found);
    ffam_unlock(m, m->resume_lock);
    return found != FFAM_NO_SLOT;
}
