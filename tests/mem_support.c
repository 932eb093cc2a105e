/* SPDX-License-Identifier: BSD-3-Clause */
#include "mem_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tput(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t tget(const uint8_t *p, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* ---- Descriptor builder: bytes by hand, as the spec tables say ---- */

static uint32_t emad_size(const struct md *d)
{
    if (d->version < FFA_VERSION_1_1)
        return 16;
    if (d->emad_size != 0)
        return d->emad_size;
    return d->version >= FFA_VERSION_1_2 ? 32 : 16;
}

static uint32_t emad_offset(const struct md *d)
{
    if (d->version < FFA_VERSION_1_1)
        return 32;
    return d->emad_offset != 0 ? d->emad_offset : 48;
}

static uint32_t composite_offset(const struct md *d)
{
    if (d->composite_offset != 0)
        return d->composite_offset;
    return emad_offset(d) + d->n_emads * emad_size(d);
}

uint32_t md_ranges_offset(const struct md *d)
{
    return composite_offset(d) + 16;
}

uint32_t md_build(const struct md *d, uint8_t *out, uint32_t cap)
{
    uint32_t co = composite_offset(d), len = co + 16 + 16 * d->nranges, pages = 0;

    assert_true(len <= cap);
    memset(out, 0, len);
    tput(out, d->sender, 2);
    tput(out + 4, d->flags, 4);
    tput(out + 8, d->handle, 8);
    tput(out + 16, d->tag, 8);
    tput(out + 28, d->n_emads, 4);
    if (d->version < FFA_VERSION_1_1) {
        out[2] = (uint8_t)d->attrs;
    } else {
        tput(out + 2, d->attrs, 2);
        tput(out + 24, emad_size(d), 4);
        tput(out + 32, emad_offset(d), 4);
    }
    for (uint32_t i = 0; i < d->n_emads; i++) {
        uint8_t *e = out + emad_offset(d) + i * emad_size(d);

        tput(e, d->emads[i].id, 2);
        e[2] = d->emads[i].perms;
        e[3] = d->emads[i].flags;
        tput(e + 4, co, 4);
        if (emad_size(d) == 32)
            memcpy(e + 8, d->emads[i].impdef, 16);
    }
    for (uint32_t i = 0; i < d->nranges; i++) {
        uint8_t *c = out + co + 16 + 16 * i;

        tput(c, d->ranges[i].address, 8);
        tput(c + 8, d->ranges[i].page_count, 4);
        pages += d->ranges[i].page_count;
    }
    tput(out + co, d->page_count != 0 ? d->page_count : pages, 4);
    tput(out + co + 4, d->nranges, 4);
    return len;
}

struct md md_share_to_sp(uint32_t version, const struct ffa_mem_range *ranges, uint32_t n)
{
    struct md d = {
        .version = version,
        .sender = TEST_VM_ID,
        .attrs = FFA_MEM_ATTR_NORMAL_WB_INNER,
        .n_emads = 1,
        .emads = {{.id = TEST_SP_ID, .perms = FFA_MEM_PERM_RW}},
        .nranges = n,
        .ranges = ranges,
    };

    return d;
}

/* ---- The SPMC model ---- */

static int is_send(uint32_t fid)
{
    return ffa_mem_xfer_of(fid) != FFA_MEM_XFER_NONE;
}

static void reply_error(struct ffa_regs *out, int32_t code)
{
    memset(out, 0, sizeof(*out));
    out->x[0] = FFA_ERROR;
    out->x[2] = (uint32_t)code;
}

static void reply_progress(struct mem_fw *fw, struct fwm_tx *t, struct ffa_regs *out)
{
    memset(out, 0, sizeof(*out));
    if (t->complete) {
        uint64_t h = fw->success_handle_override != 0 ? fw->success_handle_override : t->handle;

        out->x[0] = FFA_SUCCESS_32;
        out->x[2] = (uint32_t)h;
        out->x[3] = (uint32_t)(h >> 32);
        return;
    }
    out->x[0] = FFA_MEM_FRAG_RX;
    out->x[1] = (uint32_t)t->handle;
    out->x[2] = (uint32_t)(t->handle >> 32);
    out->x[3] = t->len;
    out->x[4] = (uint32_t)tget(t->desc, 2) << 16; /* the sender, as Hafnium reports it */
    if (fw->bad_offset_frag == (int)t->frags)
        out->x[3] = t->len + 16;
    if (fw->bad_handle_frag == (int)t->frags)
        out->x[1] ^= 1;
}

/*
 * The model runs inside the mediator's call, with the mediator's locks held: it must not longjmp
 * (a cmocka assertion). What the mediator does wrong is counted, answered with an error, and
 * reported by memfix_release().
 */
static void violation(struct mem_fw *fw, struct ffa_regs *out, const char *what)
{
    if (fw->violations++ == 0)
        snprintf(fw->violation, sizeof(fw->violation), "%s", what);
    memset(out, 0, sizeof(*out));
    out->x[0] = FFA_ERROR;
    out->x[2] = (uint32_t)FFA_RET_ABORTED;
}

/* Append fragment bytes from the mediator's own TX buffer. */
static int take_fragment(struct mem_fw *fw, struct fwm_tx *t, uint32_t len, struct ffa_regs *out)
{
    uint32_t total = t->total;
    const uint8_t *tx = (const uint8_t *)(uintptr_t)fw->f->own_tx_pa;

    if (len > 4096 || t->len + len > total) {
        violation(fw, out, "a fragment longer than 4 KiB or past the announced total");
        return -1;
    }
    memcpy(t->desc + t->len, tx, len);
    t->len += len;
    if (t->frags < 64)
        t->frag_lens[t->frags] = len;
    t->frags++;
    if (t->len == total)
        t->complete = 1;
    return 0;
}

static void mem_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct mem_fw *fw = ctx;
    struct ffa_regs call = *in;
    uint32_t fid = (uint32_t)call.x[0];

    if (!is_send(fid) && fid != FFA_MEM_FRAG_TX && fid != FFA_MEM_RECLAIM) {
        fw->inner.ops->call(fw->inner.ctx, cpu, &call, out);
        return;
    }
    fw->calls++;
    if (is_send(fid)) {
        struct fwm_tx *t;
        uint32_t total = (uint32_t)call.x[1], frag = (uint32_t)call.x[2];

        if (call.x[3] != 0 || call.x[4] != 0 || fw->ntx >= FWM_MAX_TX) {
            violation(fw, out, "a buffer address in x3/w4, or more transactions than modelled");
            return;
        }
        t = &fw->tx[fw->ntx];
        memset(t, 0, sizeof(*t));
        t->fid = fid;
        t->handle = fw->next_handle + (uint64_t)fw->ntx;
        t->desc = calloc(1, total ? total : 1);
        if (t->desc == NULL) {
            violation(fw, out, "out of memory");
            return;
        }
        t->total = total;
        fw->ntx++;
        if (fw->refuse_frag == 1) {
            free(t->desc);
            fw->ntx--;
            reply_error(out, fw->refuse_code);
            return;
        }
        if (take_fragment(fw, t, frag, out) == 0)
            reply_progress(fw, t, out);
        return;
    }
    if (fid == FFA_MEM_FRAG_TX) {
        struct fwm_tx *t;
        uint64_t h = (uint32_t)call.x[1] | (uint64_t)(uint32_t)call.x[2] << 32;

        /* Several transactions may be in progress (other VMs' fragments in between). */
        t = mem_fw_find(fw, h);
        if (t == NULL || t->complete || t->reclaimed ||
            (uint32_t)call.x[4] >> 16 != tget(t->desc, 2) /* the sender VM */) {
            violation(fw, out, "FFA_MEM_FRAG_TX for no transaction in progress, or another sender");
            return;
        }
        if (fw->refuse_frag == (int)t->frags + 1) {
            reply_error(out, fw->refuse_code);
            return;
        }
        if (take_fragment(fw, t, (uint32_t)call.x[3], out) == 0)
            reply_progress(fw, t, out);
        return;
    }
    /* FFA_MEM_RECLAIM */
    fw->reclaims++;
    fw->last_reclaim = (uint32_t)call.x[1] | (uint64_t)(uint32_t)call.x[2] << 32;
    fw->last_reclaim_flags = (uint32_t)call.x[3];
    if (fw->reclaim_garbage) {
        memset(out, 0, sizeof(*out));
        out->x[0] = FFA_MSG_SEND_DIRECT_RESP_32;
        return;
    }
    if (fw->reclaim_code != 0) {
        reply_error(out, fw->reclaim_code);
        return;
    }
    {
        struct fwm_tx *t = mem_fw_find(fw, fw->last_reclaim);

        if (t == NULL && fw->reclaim_any) {
            memset(out, 0, sizeof(*out));
            out->x[0] = FFA_SUCCESS_32;
            return;
        }
        if (t == NULL || t->reclaimed) {
            reply_error(out, FFA_RET_INVALID_PARAMETERS);
            return;
        }
        if (!t->complete) {
            /* Hafnium: a partly sent handle is not reclaimable; it is forgotten here. */
            t->reclaimed = 1;
            reply_error(out, FFA_RET_INVALID_PARAMETERS);
            return;
        }
        t->reclaimed = 1;
        memset(out, 0, sizeof(*out));
        out->x[0] = FFA_SUCCESS_32;
    }
}

static const struct ffa_backend_ops mem_fw_ops = {
    .name = "mem-model",
    .caps = FFA_BACKEND_CAP_EMULATED,
    .call = mem_call,
};

struct ffa_backend mem_fw_wrap(void *ctx, struct fixture *f, struct ffa_backend inner)
{
    struct mem_fw *fw = ctx;

    fw->f = f;
    fw->inner = inner;
    if (fw->next_handle == 0)
        fw->next_handle = 0x1000;
    return (struct ffa_backend){&mem_fw_ops, fw};
}

void mem_fw_free(struct mem_fw *fw)
{
    for (int i = 0; i < fw->ntx; i++)
        free(fw->tx[i].desc);
    fw->ntx = 0;
}

struct fwm_tx *mem_fw_find(struct mem_fw *fw, uint64_t handle)
{
    for (int i = 0; i < fw->ntx; i++) {
        if (fw->tx[i].handle == handle)
            return &fw->tx[i];
    }
    return NULL;
}

/* ---- Fixture ---- */

int memfix_setup(void **state, uint32_t version, const struct ffa_mediator_config *cfg,
                 uint32_t fw_abis)
{
    struct memfix *mf = calloc(1, sizeof(*mf));
    struct th_opts o = {
        .fw_abis = fw_abis,
        .vm_version = version,
        .mem_host = 1,
        .wrap = mem_fw_wrap,
    };
    void *f = NULL;

    *state = NULL;
    if (mf == NULL)
        return th_setup_failed(NULL, "out of memory");
    o.wrap_ctx = &mf->fw;
    if (cfg != NULL)
        o.cfg = *cfg;
    if (th_setup(&f, &o) != 0) {
        free(mf);
        return -1;
    }
    mf->f = f;
    if (th_try_map_buffers(mf->f, mf->f->vm, 1) != 0) {
        memfix_release(mf);
        return -1;
    }
    *state = mf;
    return 0;
}

int memfix_release(struct memfix *mf)
{
    int bad = 0;

    if (mf == NULL)
        return 0;
    if (mf->stop != NULL)
        mf->stop(mf->stop_ctx);
    if (mf->fw.violations != 0) {
        print_error("teardown: the modelled SPMC saw %u protocol violation(s), first: %s\n",
                    mf->fw.violations, mf->fw.violation);
        bad = 1;
    }
    bad |= th_fixture_release(mf->f) != 0;
    mem_fw_free(&mf->fw);
    free(mf);
    return bad ? -1 : 0;
}

int memfix_teardown(void **state)
{
    int ret = memfix_release(*state);

    *state = NULL;
    return ret;
}

void put_tx(struct fixture *f, uint16_t vm, const void *buf, uint32_t len)
{
    memcpy(th_guest_ptr(&f->host, vm, TEST_TX_IPA), buf, len);
}

struct ffa_regs md_send(struct fixture *f, struct ffa_vm *vm, uint32_t fid, const struct md *d,
                        uint32_t frag)
{
    static uint8_t buf[1 << 20];
    uint32_t len = md_build(d, buf, sizeof(buf));

    put_tx(f, ffa_vm_id(vm), buf, frag == 0 || frag > len ? len : frag);
    return th_do(f, vm, th_regs(fid, len, frag == 0 ? len : frag, 0, 0, 0, 0, 0));
}

uint64_t success_handle(const struct ffa_regs *r)
{
    return (uint32_t)r->x[2] | (uint64_t)(uint32_t)r->x[3] << 32;
}

uint64_t frag_rx_handle(const struct ffa_regs *r)
{
    return (uint32_t)r->x[1] | (uint64_t)(uint32_t)r->x[2] << 32;
}
