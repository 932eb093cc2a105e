/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot-time discovery of the firmware behind a conduit: SMCCC_VERSION, then FFA_VERSION.
 *
 * Both calls are SMC32: only w0 of each answer is defined, so only the low 32 bits are read.
 */
#include <stddef.h>
#include <stdint.h>

#include "ffa/abi.h"
#include "ffa/backend_smc.h"
#include "ffa/mediator.h"

/* One call with only x0 (and x1) set: every other argument register is zero, as SMCCC asks. */
static uint32_t call_w0(const struct ffa_backend *be, uint32_t fid, uint32_t w1)
{
    struct ffa_regs in = {{fid, w1}};
    struct ffa_regs out = {{0}};

    ffa_backend_call(be, 0, &in, &out);
    return (uint32_t)out.x[0];
}

/*
 * SMCCC_VERSION exists from SMCCC v1.1; v1.0 firmware answers it like any unknown function, with
 * NOT_SUPPORTED (-1). Any answer with bit 31 set is an error code, never a version. FF-A v1.2
 * needs SMCCC v1.2: only from there do SMC64/HVC64 calls carry x0..x17 (Linux refuses to load its
 * FF-A driver below it, drivers/firmware/arm_ffa/smccc.c; Xen's ffa_probe_fw() in
 * xen/arch/arm/tee/ffa.c requires the same).
 */
static int check_smccc(const struct ffa_backend *be, struct ffa_smc_discovery *d)
{
    d->smccc_version = call_w0(be, FFA_SMCCC_VERSION_FID, 0);
    if ((d->smccc_version & 0x80000000u) != 0)
        return FFA_SMC_DISCOVERY_NO_SMCCC_VERSION;
    if (d->smccc_version < FFA_SMCCC_VERSION_1_2)
        return FFA_SMC_DISCOVERY_SMCCC_TOO_OLD;
    return FFA_SMC_DISCOVERY_OK;
}

/*
 * FFA_VERSION answers a bare w0: a version (bit 31 clear) or NOT_SUPPORTED, never an FFA_ERROR
 * (Hafnium src/api.c, api_ffa_version()). The mediator works with firmware of major 1 from
 * FFA_MEDIATOR_MIN_FW_VERSION on, as Xen's ffa_probe_fw() (xen/arch/arm/tee/ffa.c).
 */
static int check_ffa(const struct ffa_backend *be, struct ffa_smc_discovery *d)
{
    d->ffa_version = call_w0(be, FFA_VERSION, FFA_MEDIATOR_VERSION);
    if (d->ffa_version == (uint32_t)FFA_RET_NOT_SUPPORTED)
        return FFA_SMC_DISCOVERY_NO_FFA;
    if ((d->ffa_version & FFA_VERSION_MBZ) != 0 || FFA_VERSION_MAJOR(d->ffa_version) != 1)
        return FFA_SMC_DISCOVERY_FFA_INCOMPATIBLE;
    if (d->ffa_version < FFA_MEDIATOR_MIN_FW_VERSION)
        return FFA_SMC_DISCOVERY_FFA_TOO_OLD;
    return FFA_SMC_DISCOVERY_OK;
}

int ffa_smc_discover(const struct ffa_backend *backend, struct ffa_smc_discovery *out)
{
    struct ffa_smc_discovery d = {0, 0};
    int ret;

    if (backend == NULL || backend->ops == NULL || backend->ops->call == NULL) {
        ret = FFA_SMC_DISCOVERY_BAD_BACKEND;
        goto done;
    }
    ret = check_smccc(backend, &d);
    if (ret != FFA_SMC_DISCOVERY_OK)
        goto done;
    ret = check_ffa(backend, &d);
done:
    if (out != NULL)
        *out = d;
    return ret;
}

const char *ffa_smc_discover_error(int status)
{
    switch (status) {
    case FFA_SMC_DISCOVERY_OK:
        return "SMCCC >= 1.2 and a compatible FF-A firmware found";
    case FFA_SMC_DISCOVERY_NO_SMCCC_VERSION:
        return "SMCCC_VERSION is not implemented (SMCCC v1.0 firmware): FF-A needs SMCCC >= 1.2";
    case FFA_SMC_DISCOVERY_SMCCC_TOO_OLD:
        return "SMCCC version below 1.2: x4..x17 do not travel, FF-A needs SMCCC >= 1.2";
    case FFA_SMC_DISCOVERY_NO_FFA:
        return "FFA_VERSION is not supported: no FF-A firmware (SPMD/SPMC) behind the conduit";
    case FFA_SMC_DISCOVERY_FFA_INCOMPATIBLE:
        return "FFA_VERSION returned an invalid version or a major version other than 1";
    case FFA_SMC_DISCOVERY_FFA_TOO_OLD:
        return "FF-A firmware older than v1.1, the oldest version the mediator supports";
    case FFA_SMC_DISCOVERY_BAD_BACKEND:
        return "no backend, or a backend without a call function";
    default:
        return "unknown discovery status";
    }
}
