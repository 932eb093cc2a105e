/* SPDX-License-Identifier: BSD-3-Clause */
/* Mediator life cycle: configuration, creation (with the secure-world probe), destruction. */
#include "internal.h"

static bool host_ops_valid(const struct ffa_host_ops *h)
{
    bool any_lock, all_lock;

    if (h == NULL || h->alloc == NULL || h->free == NULL)
        return false;
    any_lock = h->lock_create || h->lock_destroy || h->lock || h->unlock;
    all_lock = h->lock_create && h->lock_destroy && h->lock && h->unlock;
    if (any_lock && !all_lock)
        return false;
    if ((h->guest_map == NULL) != (h->guest_unmap == NULL))
        return false;
    if ((h->page_alloc == NULL) != (h->page_free == NULL))
        return false;
    if ((h->mem_acquire == NULL) != (h->mem_release == NULL) ||
        (h->mem_map == NULL) != (h->mem_unmap == NULL) ||
        (h->mem_map != NULL && h->mem_acquire == NULL))
        return false;
    return true;
}

static int config_resolve(const struct ffa_mediator_config *in, struct ffa_mediator_config *out)
{
    static const struct ffa_mediator_config defaults = {0};

    *out = in != NULL ? *in : defaults;
    if ((out->flags & ~FFA_CFG_VM_TO_VM) != 0)
        return FFA_RET_INVALID_PARAMETERS;
    if (out->max_vms == 0)
        out->max_vms = FFA_DEFAULT_MAX_VMS;
    /* IDs 1..0x7FFF are the only non-secure endpoint IDs a VM can have. */
    if (out->max_vms > 0x7fffu)
        return FFA_RET_INVALID_PARAMETERS;
    if (out->rxtx_max_pages == 0)
        out->rxtx_max_pages = FFA_DEFAULT_RXTX_MAX_PAGES;
    if (out->rxtx_max_pages > FFA_LIMIT_RXTX_MAX_PAGES)
        return FFA_RET_INVALID_PARAMETERS;
    if (out->npi_intid == 0)
        out->npi_intid = FFA_DEFAULT_NPI_INTID;
    if (out->sri_intid == 0)
        out->sri_intid = FFA_DEFAULT_SRI_INTID;
    if (out->lifecycle_attempts == 0)
        out->lifecycle_attempts = FFA_DEFAULT_LIFECYCLE_ATTEMPTS;
    /* Attempt counters are 16 bits wide. */
    if (out->lifecycle_attempts > 0xffffu)
        return FFA_RET_INVALID_PARAMETERS;
    if (out->mem_max_shares == 0)
        out->mem_max_shares = FFA_DEFAULT_MEM_MAX_SHARES;
    if (out->mem_max_pages == 0)
        out->mem_max_pages = FFA_DEFAULT_MEM_MAX_PAGES;
    if (out->mem_max_borrowers == 0)
        out->mem_max_borrowers = FFA_DEFAULT_MEM_MAX_BORROWERS;
    if (out->mem_max_shares > FFA_LIMIT_MEM_MAX_SHARES ||
        out->mem_max_borrowers > FFA_LIMIT_MEM_MAX_BORROWERS)
        return FFA_RET_INVALID_PARAMETERS;
    return 0;
}

/* Free everything; `cpu` is where the unregistration of the mediator's buffers is issued. */
static void mediator_free(struct ffa_mediator *m, uint32_t cpu)
{
    ffam_lifecycle_free(m);
    ffam_mem_free(m, cpu);
    ffam_resume_rights_free(m);
    ffam_partinfo_free(m);
    ffam_own_buffers_teardown(m, cpu);
    ffam_free(m, m->vms, sizeof(*m->vms) * m->cfg.max_vms);
    ffam_lock_destroy(m, m->backend_lock);
    ffam_lock_destroy(m, m->lock);
    m->host->free(m->host_ctx, m, sizeof(*m));
}

int ffa_mediator_create(const struct ffa_mediator_config *cfg, const struct ffa_host_ops *host,
                        void *host_ctx, const struct ffa_backend *backend,
                        struct ffa_mediator **out)
{
    struct ffa_mediator_config resolved;
    struct ffa_mediator *m;
    bool ok_lock, ok_be_lock = true;
    uint32_t cpu;
    int ret;

    if (out == NULL || !host_ops_valid(host))
        return FFA_RET_INVALID_PARAMETERS;
    if (backend != NULL && (backend->ops == NULL || backend->ops->call == NULL))
        return FFA_RET_INVALID_PARAMETERS;
    ret = config_resolve(cfg, &resolved);
    if (ret != 0)
        return ret;

    m = host->alloc(host_ctx, sizeof(*m));
    if (m == NULL)
        return FFA_RET_NO_MEMORY;
    ffa_memset(m, 0, sizeof(*m));
    m->host = host;
    m->host_ctx = host_ctx;
    m->cfg = resolved;
    if (backend != NULL)
        m->be = *backend;

    m->lock = ffam_lock_create(m, &ok_lock);
    if (m->be.ops != NULL && (m->be.ops->caps & FFA_BACKEND_CAP_CONCURRENT) == 0)
        m->backend_lock = ffam_lock_create(m, &ok_be_lock);
    m->vms = ffam_zalloc(m, sizeof(*m->vms) * m->cfg.max_vms);
    cpu = ffam_host_cpu(m);
    if (!ok_lock || !ok_be_lock || m->vms == NULL || ffam_mem_init(m) != 0) {
        mediator_free(m, cpu);
        return FFA_RET_NO_MEMORY;
    }

    m->partinfo_tag = 1;
    ret = ffam_fw_probe(m, cpu);
    if (ret == 0)
        ret = ffam_own_buffers_setup(m, cpu);
    if (ret == 0)
        ret = ffam_partinfo_cache_sps(m, cpu);
    if (ret == 0)
        ret = ffam_resume_rights_init(m);
    if (ret == 0)
        ret = ffam_lifecycle_init(m);
    if (ret != 0) {
        mediator_free(m, cpu);
        return ret;
    }
    *out = m;
    return 0;
}

void ffa_mediator_destroy(struct ffa_mediator *m)
{
    uint32_t cpu;

    if (m == NULL)
        return;
    cpu = ffam_host_cpu(m);
    ffam_lifecycle_destroy_all(m, cpu);
    mediator_free(m, cpu);
}

uint32_t ffa_mediator_fw_version(const struct ffa_mediator *m)
{
    return m->fw_version;
}

bool ffa_mediator_fw_supports(const struct ffa_mediator *m, uint32_t fid)
{
    return ffam_fw_supports(m, fid & ~FFA_SMCCC_SVE_HINT);
}
