/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real secure world: one SMCCC v1.2 call per backend call, issued with `smc #0` (a hypervisor
 * at EL2 calling the SPMD/SPMC at EL3/S-EL2) or `hvc #0` (a mediator that itself runs as a guest
 * and reaches FF-A through its own hypervisor). Library ffa::backend_smc, built only when the
 * target is AArch64.
 *
 * Freestanding like the core: no libc, no allocation, no globals; the conduit is the only state
 * and lives in the (const) ops table. x0..x17 go in, x0..x17 come back (SMCCC v1.2 lets
 * SMC64/HVC64 calls pass arguments and results in x0..x17; x18..x30 and SP are preserved by the
 * callee). Call ffa_smc_discover() once at boot, before ffa_mediator_create(), to find out
 * whether the firmware actually provides that (SMCCC_VERSION >= 1.2) and speaks FF-A.
 *
 * Capabilities: FFA_BACKEND_CAP_CONCURRENT. Every physical CPU may be inside its own SMC at the
 * same time: the SPMD/SPMC keeps per-CPU state, and the mediator does not serialise calls.
 *
 * The processor: the backend's call() ignores its `cpu` argument. An SMC (or HVC) traps on the PE
 * that executes it, so the call always goes to the secure world's state for the processor the
 * calling thread runs on; no argument can redirect it. The index is not checked either: a PE
 * knows only its MPIDR_EL1, and how that maps to the hypervisor's CPU numbering is the
 * hypervisor's. What keeps the two consistent is the hypervisor: it passes
 * ffa_mediator_handle() the processor its trap handler runs on (smp_processor_id()) and does
 * not migrate the thread during the call, and a host's current_cpu callback answers the same.
 */
#ifndef FFA_BACKEND_SMC_H
#define FFA_BACKEND_SMC_H

#include <stdint.h>

#include "ffa/backend.h"
#include "ffa/regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which instruction carries the call. */
enum ffa_smc_conduit {
    FFA_SMC_CONDUIT_SMC = 0, /* `smc #0`: a hypervisor at EL2 (or a kernel at EL1 without EL2) */
    FFA_SMC_CONDUIT_HVC = 1, /* `hvc #0`: a guest's view, the conduit its PSCI node names "hvc" */
};

/* The vtables: name "smc" / "hvc", caps FFA_BACKEND_CAP_CONCURRENT, no destroy. */
extern const struct ffa_backend_ops ffa_smc_backend_ops;
extern const struct ffa_backend_ops ffa_hvc_backend_ops;

/*
 * The backend for `conduit` (ctx is NULL: there is nothing to hold). For a value outside enum
 * ffa_smc_conduit, ops is NULL (ffa_mediator_create() then refuses it).
 */
struct ffa_backend ffa_smc_backend(enum ffa_smc_conduit conduit);

/*
 * The raw calls behind the two vtables, context-free and of the same shape as Xen's
 * arm_smccc_1_2_smc(): write in->x[0..17] into x0..x17, execute `smc #0` / `hvc #0`, store
 * x0..x17 into out->x[0..17]. `in` and `out` may be the same struct.
 */
void ffa_smc_call(const struct ffa_regs *in, struct ffa_regs *out);
void ffa_hvc_call(const struct ffa_regs *in, struct ffa_regs *out);

/* ---- Discovery ---- */

/* SMCCC_VERSION: fast call, SMC32, Arm Architecture Service function 0 (SMCCC v1.1+). */
#define FFA_SMCCC_VERSION_FID 0x80000000u
/* Its answer: bits[30:16] major, bits[15:0] minor; NOT_SUPPORTED (-1) from SMCCC v1.0 firmware. */
#define FFA_SMCCC_VERSION_1_2 0x00010002u

/* What ffa_smc_discover() returns. Negative values are failures; see ffa_smc_discover_error(). */
enum ffa_smc_discovery_status {
    FFA_SMC_DISCOVERY_OK = 0,
    /* SMCCC_VERSION answered NOT_SUPPORTED: the firmware implements only SMCCC v1.0. */
    FFA_SMC_DISCOVERY_NO_SMCCC_VERSION = -1,
    /* SMCCC_VERSION is below 1.2: x4..x17 are not guaranteed to travel, FF-A v1.2 cannot work. */
    FFA_SMC_DISCOVERY_SMCCC_TOO_OLD = -2,
    /* FFA_VERSION answered NOT_SUPPORTED: no SPMD/SPMC behind the conduit. */
    FFA_SMC_DISCOVERY_NO_FFA = -3,
    /* FFA_VERSION answered something that is not a version (bit 31 set) or a major other than 1. */
    FFA_SMC_DISCOVERY_FFA_INCOMPATIBLE = -4,
    /* FF-A v1.x, but below FFA_MEDIATOR_MIN_FW_VERSION (v1.1), the oldest the mediator supports. */
    FFA_SMC_DISCOVERY_FFA_TOO_OLD = -5,
    /* The backend is NULL or has no call function. */
    FFA_SMC_DISCOVERY_BAD_BACKEND = -6,
};

/* What the firmware answered, valid as far as discovery got. */
struct ffa_smc_discovery {
    uint32_t smccc_version; /* w0 of SMCCC_VERSION (0xffffffff: not implemented) */
    uint32_t ffa_version;   /* w0 of FFA_VERSION (0xffffffff: NOT_SUPPORTED); 0 if not probed */
};

/*
 * Probe the firmware behind `backend` (normally ffa_smc_backend(...)) in the order Linux and Xen
 * do: SMCCC_VERSION first (it must be >= 1.2, because FF-A v1.2 passes x0..x17), then
 * FFA_VERSION with the mediator's own version (FFA_MEDIATOR_VERSION; the same request
 * ffa_mediator_create() makes, so the negotiation is not disturbed). Stops at the first failure.
 * `out` may be NULL. Returns an enum ffa_smc_discovery_status value.
 *
 * Any backend works (mock, Unicorn, SMC): the helper only issues two calls through it, both on
 * processor 0 (the boot CPU; the SMC conduit ignores the index and traps where the caller runs).
 */
int ffa_smc_discover(const struct ffa_backend *backend, struct ffa_smc_discovery *out);

/* A one-line explanation of an ffa_smc_discover() result, for the hypervisor's boot log. */
const char *ffa_smc_discover_error(int status);

#ifdef __cplusplus
}
#endif

#endif /* FFA_BACKEND_SMC_H */
