/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_MSG_SEND2 (v1.1 indirect messaging, DEN0077A v1.2 FFA_MSG_SEND2 and the partition message
 * header; Hafnium src/api.c api_ffa_msg_send2(), api_ffa_msg_send2_copy_data(),
 * src/ffa/spmc/indirect_messaging.c ffa_indirect_msg_is_supported()).
 *
 * The message sits in the sender's TX buffer behind a partition message header:
 *
 *   u32 flags @0, u32 reserved @4, u32 offset @8, u32 sender << 16 | receiver @12, u32 size @16
 *                                                                  -- 20 bytes, v1.1
 *   u32 reserved @20, u8 uuid[16] @24                              -- 40 bytes, v1.2
 *
 * Senders: a VM (forwarded by the hypervisor: w1[31:16] = the VM, its TX buffer known from its
 * forwarded FFA_RXTX_MAP) to an SP; an SP to another SP or to a VM. VM to VM is the hypervisor's
 * business and is refused here.
 *
 * The header is copied out of the sender's TX buffer once and only the copy is validated; the
 * payload is then copied straight from the sender's TX into the receiver's RX (each byte read
 * once). The receiver gets a fresh header in the layout of its own version: an SP's negotiated
 * version, v1.2 for a VM. (Hafnium copies the sender's header and payload verbatim, which any
 * receiver can parse through the offset field; writing the receiver's layout keeps a v1.1 SP from
 * being handed a v1.2 header.) The SPMC does not know a VM's own version (the hypervisor
 * negotiated v1.2 with it), so a VM's message is accepted with a v1.1 header (offset >= 20) and
 * its UUID is read only when offset >= 40; a VM receives the v1.2 layout, and the mediator, which
 * knows the VM's version, does not rewrite what the SPMC wrote.
 *
 * Errors, in Hafnium's order: INVALID_PARAMETERS for a header sender other than the caller, a
 * receiver equal to the sender, flags not allowed to the sender, an unknown receiver; DENIED when
 * the sender has no TX buffer or either end does not do indirect messaging (messaging-method bit
 * 2 and v1.1 for SPs); BUSY when the receiver's mailbox is not EMPTY or it has no RX buffer;
 * INVALID_PARAMETERS for an offset below the sender's header size or offset + size beyond its TX
 * buffer; NO_MEMORY when the message does not fit the receiver's RX buffer (Hafnium's buffers all
 * have one size, where it answers INVALID_PARAMETERS for a message larger than that; here buffer
 * sizes differ, and Xen and the mediator answer NO_MEMORY for a message that cannot fit the
 * receiver); ABORTED when the host refuses normal-world memory during the copy.
 *
 * Locks (spmc_internal.h): a message's two ends are locked together for the checks and the copy,
 * in the global order: spmc.nwd_lock when either end is a VM, then the SP ends' mbox_locks in
 * partition order. The receiver is known only from the header, read from the sender's TX with the
 * sender's own lock: the locks are then taken together, and a sender whose TX buffer changed in
 * between (its other context unmapped it on another PE) has no TX buffer for this call: DENIED.
 */
#include <string.h>

#include "spmc_internal.h"

#define HDR_SIZE_V1_1 20u
#define HDR_SIZE_V1_2 40u

/* w2 of an SP's FFA_MSG_SEND2: bit 1 = delay the schedule receiver interrupt (no SRI here). */
#define SEND2_FLAG_DELAY_SRI (1u << 1)

/* One end of a message: an SP's buffer (host memory) or a VM's (normal-world ranges). */
struct end {
    uint16_t id;
    struct sp *sp;     /* an SP end */
    struct nwd_ep *ep; /* a VM end */
    uint8_t *host;     /* SP: its buffer's host view */
    struct ns_buf *ns; /* VM: its buffer's ranges */
    uint64_t size;     /* bytes */
    uint32_t hdr_size; /* sender: smallest offset; receiver: the header layout it gets */
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int32_t end_read(struct spmc *s, const struct end *e, uint64_t off, void *dst, uint64_t len)
{
    if (e->host != NULL) {
        memcpy(dst, e->host + off, len);
        return 0;
    }
    return ffau_ns_read(s, e->ns, off, dst, len);
}

static int32_t end_write(struct spmc *s, const struct end *e, uint64_t off, const void *src,
                         uint64_t len)
{
    if (e->host != NULL) {
        memcpy(e->host + off, src, len);
        return 0;
    }
    return ffau_ns_write(s, e->ns, off, src, len);
}

/* An SP may send or receive indirect messages: manifest bit 2, and v1.1 or later. */
static bool sp_does_indirect(const struct sp *sp)
{
    return (sp->mf.messaging_method & MM_INDIRECT) != 0 && sp->version >= FFA_VERSION_1_1;
}

/* Find the receiver and describe its RX end. INVALID_PARAMETERS: unknown or not allowed. */
static int32_t find_receiver(struct spmc *s, const struct end *from, uint16_t id, struct end *to)
{
    memset(to, 0, sizeof(*to));
    to->id = id;
    if (FFA_ID_IS_SECURE(id)) {
        to->sp = sp_find(s, id);
        if (to->sp == NULL)
            return FFA_RET_INVALID_PARAMETERS;
        to->host = to->sp->mbox.rx;
        to->size = (uint64_t)to->sp->mbox.pages * SPMC_PAGE;
        to->hdr_size = to->sp->version >= FFA_VERSION_1_2 ? HDR_SIZE_V1_2 : HDR_SIZE_V1_1;
        return 0;
    }
    /*
     * A VM receives only from SPs (VM to VM stays in the normal world), and the hypervisor's own
     * buffer is not a mailbox here: it carries partition lists and forwarded descriptors.
     */
    if (from->sp == NULL || id == FFA_ID_HYPERVISOR)
        return FFA_RET_INVALID_PARAMETERS;
    to->ep = ffau_nwdbuf_find(s, id);
    if (to->ep == NULL)
        return FFA_RET_INVALID_PARAMETERS; /* no such VM, or its buffers were unmapped */
    to->ns = &to->ep->rx;
    to->size = ns_buf_size(&to->ep->rx);
    to->hdr_size = HDR_SIZE_V1_2;
    return 0;
}

static enum mbox_state *mailbox_of(struct end *e)
{
    return e->sp != NULL ? &e->sp->mbox.state : &e->ep->state;
}

/* `raw`: the sender's header, copied out of its TX buffer once. Both ends' locks held. */
static int32_t deliver(struct spmc *s, const struct end *from, const uint8_t *raw, uint32_t flags,
                       uint32_t allowed_flags)
{
    uint8_t hdr[HDR_SIZE_V1_2] = {0};
    uint32_t offset, size, ids;
    uint16_t sender, receiver;
    struct end to;
    int32_t ret;

    offset = le32(raw + 8);
    ids = le32(raw + 12);
    size = le32(raw + 16);
    sender = FFA_SENDER(ids);
    receiver = FFA_RECEIVER(ids);

    if (sender != from->id || receiver == sender || (flags & ~allowed_flags) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    ret = find_receiver(s, from, receiver, &to);
    if (ret != 0)
        return ret;
    if ((from->sp != NULL && !sp_does_indirect(from->sp)) ||
        (to.sp != NULL && !sp_does_indirect(to.sp)) ||
        ((from->sp == NULL || to.sp == NULL) && nwd_version(s) < FFA_VERSION_1_1))
        return FFA_RET_DENIED;
    if (to.size == 0 || *mailbox_of(&to) != MBOX_EMPTY)
        return FFA_RET_BUSY;
    if (offset < from->hdr_size || offset > from->size || size > from->size - offset)
        return FFA_RET_INVALID_PARAMETERS;
    if (size > to.size - to.hdr_size)
        return FFA_RET_NO_MEMORY;

    /* Payload first, straight from TX to RX; then the receiver's header. */
    if (to.host != NULL)
        ret = end_read(s, from, offset, to.host + to.hdr_size, size);
    else
        ret = end_write(s, &to, to.hdr_size, from->host + offset, size);
    if (ret != 0)
        return ret;
    put_le32(hdr + 8, to.hdr_size);
    put_le32(hdr + 12, ids);
    put_le32(hdr + 16, size);
    /* The UUID exists in a v1.2 header: an SP's version says; a VM's offset must leave room. */
    if (to.hdr_size == HDR_SIZE_V1_2 &&
        (from->sp != NULL ? from->hdr_size == HDR_SIZE_V1_2 : offset >= HDR_SIZE_V1_2))
        memcpy(hdr + 24, raw + 24, 16);
    ret = end_write(s, &to, 0, hdr, to.hdr_size);
    if (ret != 0)
        return ret;
    *mailbox_of(&to) = MBOX_FULL;
    ffau_log_msg(s, FFA_UNICORN_LOG_DEBUG, FFA_ID_SPMC, "FFA_MSG_SEND2 0x%04x -> 0x%04x, %u bytes",
                 sender, receiver, size);
    if (to.ep != NULL && s->cfg.rx_full != NULL)
        s->cfg.rx_full(s->cfg.ns_ctx, receiver);
    return 0;
}

/* The receiver a header names, when it is an SP other than `sender` (whose lock is needed). */
static struct sp *receiver_sp(struct spmc *s, const uint8_t *raw, const struct sp *sender)
{
    uint16_t id = FFA_RECEIVER(le32(raw + 12));
    struct sp *to = FFA_ID_IS_SECURE(id) ? sp_find(s, id) : NULL;

    return to != sender ? to : NULL;
}

/*
 * From the hypervisor on a VM's behalf: w1[31:16] = the VM, w1[15:0] MBZ, w2 (flags) MBZ for a
 * VM sender. A VM unknown to the SPMC has no TX buffer here: DENIED (Hafnium). The hypervisor
 * itself does not send indirect messages through this SPMC (its TX carries descriptors).
 */
int32_t ffau_send2_from_nwd(struct spmc *s, const struct ffa_regs *in)
{
    uint32_t w1 = (uint32_t)in->x[1];
    struct end from = {.id = (uint16_t)(w1 >> 16), .hdr_size = HDR_SIZE_V1_1};
    uint8_t raw[HDR_SIZE_V1_2];
    struct sp *to = NULL;
    int32_t ret;

    if ((w1 & 0xffffu) != 0 || from.id == FFA_ID_HYPERVISOR || FFA_ID_IS_SECURE(from.id))
        return FFA_RET_INVALID_PARAMETERS;
    pthread_mutex_lock(&s->nwd_lock);
    from.ep = ffau_nwdbuf_find(s, from.id);
    if (from.ep == NULL) {
        ret = FFA_RET_DENIED;
        goto out;
    }
    from.ns = &from.ep->tx;
    from.size = ns_buf_size(&from.ep->tx);
    /* The copy: the sender's TX is at least one page, so 40 bytes are always inside it. */
    ret = end_read(s, &from, 0, raw, sizeof(raw));
    if (ret != 0)
        goto out;
    to = receiver_sp(s, raw, NULL);
    if (to != NULL)
        pthread_mutex_lock(&to->mbox_lock);
    ret = deliver(s, &from, raw, (uint32_t)in->x[2], 0);
    if (to != NULL)
        pthread_mutex_unlock(&to->mbox_lock);
out:
    pthread_mutex_unlock(&s->nwd_lock);
    return ret;
}

/* Lock a message from SP `sender` to `to` (an other SP, or NULL) and, for a VM, the NWd table. */
static void lock_sp_ends(struct spmc *s, struct sp *sender, struct sp *to, bool nwd)
{
    struct sp *first = to != NULL && to->index < sender->index ? to : sender;
    struct sp *second = first == sender ? to : sender;

    if (nwd)
        pthread_mutex_lock(&s->nwd_lock);
    pthread_mutex_lock(&first->mbox_lock);
    if (second != NULL)
        pthread_mutex_lock(&second->mbox_lock);
}

static void unlock_sp_ends(struct spmc *s, struct sp *sender, struct sp *to, bool nwd)
{
    if (to != NULL)
        pthread_mutex_unlock(&to->mbox_lock);
    pthread_mutex_unlock(&sender->mbox_lock);
    if (nwd)
        pthread_mutex_unlock(&s->nwd_lock);
}

/*
 * From an SP: w1 MBZ (only the hypervisor names a sender; Hafnium: INVALID_PARAMETERS), w2 bit 1
 * (delay SRI) allowed and ignored, other flag bits INVALID_PARAMETERS (MBZ; Hafnium does not
 * look at them). No TX buffer: DENIED. The header's minimum offset follows the SP's version.
 */
int32_t ffau_send2_from_sp(struct spmc *s, struct sp *sender, const struct ffa_regs *in)
{
    struct end from = {.id = sender->mf.id, .sp = sender};
    uint8_t raw[HDR_SIZE_V1_2];
    uint32_t pages;
    struct sp *to;
    bool nwd;
    int32_t ret;

    if ((uint32_t)in->x[1] != 0)
        return FFA_RET_INVALID_PARAMETERS;
    pthread_mutex_lock(&sender->mbox_lock);
    pages = sender->mbox.pages;
    from.host = sender->mbox.tx;
    if (pages != 0)
        memcpy(raw, from.host, sizeof(raw)); /* TX is at least one page: the header's copy */
    pthread_mutex_unlock(&sender->mbox_lock);
    if (pages == 0)
        return FFA_RET_DENIED;
    from.size = (uint64_t)pages * SPMC_PAGE;
    from.hdr_size = sender->version >= FFA_VERSION_1_2 ? HDR_SIZE_V1_2 : HDR_SIZE_V1_1;
    to = receiver_sp(s, raw, sender);
    nwd = !FFA_ID_IS_SECURE(FFA_RECEIVER(le32(raw + 12)));
    lock_sp_ends(s, sender, to, nwd);
    if (sender->mbox.pages != pages || sender->mbox.tx != from.host)
        ret = FFA_RET_DENIED; /* unmapped meanwhile by another of its contexts */
    else
        ret = deliver(s, &from, raw, (uint32_t)in->x[2], SEND2_FLAG_DELAY_SRI);
    unlock_sp_ends(s, sender, to, nwd);
    return ret;
}
