/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The secure world, as the mediator sees it: one vtable of function pointers plus a context.
 *
 * The mediator core reaches the secure world only through `struct ffa_backend` and never includes
 * a backend's header; each backend (backends/mock, backends/unicorn, backends/smc) exports one
 * `const struct ffa_backend_ops` and a constructor that returns a filled `struct ffa_backend`.
 * This is the shape of curl's lib/vtls: a const table, a capability mask, an opaque context.
 */
#ifndef FFA_BACKEND_H
#define FFA_BACKEND_H

#include <stdint.h>

#include "ffa/regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Capability bits of a backend (struct ffa_backend_ops.caps).
 *
 * FFA_BACKEND_CAP_CONCURRENT: call() may run on several threads at once (a real SMC conduit: one
 *   call per physical CPU). Without it the mediator serialises every call() under its own lock,
 *   whatever `cpu` each call names.
 * FFA_BACKEND_CAP_EMULATED: the secure world is a model running on the host (mock, Unicorn); the
 *   mediator uses this only for diagnostics.
 */
#define FFA_BACKEND_CAP_CONCURRENT (1u << 0)
#define FFA_BACKEND_CAP_EMULATED   (1u << 1)

struct ffa_backend_ops {
    /* Short lowercase name for logs and traces ("mock", "unicorn", "smc"). */
    const char *name;
    /* FFA_BACKEND_CAP_* bits. */
    uint32_t caps;
    /*
     * Issue one SMCCC v1.2 call at the non-secure physical FF-A instance, as the hypervisor
     * (endpoint 0) would: in->x[0] is the function ID, in->x[1..17] the arguments; the backend
     * writes all of out->x[0..17]. `in` and `out` may be the same struct, as a conduit's
     * registers are in-out: read every input before writing any output. Required.
     *
     * `cpu` is the physical processor (PE) the call is issued on: its 0-based index as the
     * hypervisor numbers its physical CPUs (as Linux's and Xen's smp_processor_id()). The
     * secure world keeps per-PE state: an SP with one execution context per PE runs the context
     * of the PE the call arrives on (Hafnium src/api.c, api_ffa_get_vm_vcpu()), so an emulated
     * secure world with several PEs uses `cpu` to pick the PE. A real SMC conduit cannot choose:
     * the instruction runs on the PE the caller runs on (backend_smc.h). The mediator passes the
     * processor the hypervisor supplied (ffa_mediator_handle(), or the host's current_cpu
     * callback outside a guest's call); what an index beyond the backend's PEs means is the
     * backend's to say (the mock only compares it).
     *
     * The mediator may call this with some of its locks held (a VM's RX buffer is arbitrated
     * with the SPMC under the VM's lock), so call() must not call back into the mediator.
     */
    void (*call)(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out);
    /* Release ctx and everything the backend owns. Optional (NULL: nothing to release). */
    void (*destroy)(void *ctx);
};

struct ffa_backend {
    const struct ffa_backend_ops *ops;
    void *ctx;
};

/* Convenience: forward one call through a backend, issued on physical processor `cpu`. */
static inline void ffa_backend_call(const struct ffa_backend *be, uint32_t cpu,
                                    const struct ffa_regs *in, struct ffa_regs *out)
{
    be->ops->call(be->ctx, cpu, in, out);
}

/* Convenience: destroy a backend if it has a destructor. Safe on a zeroed struct. */
static inline void ffa_backend_destroy(struct ffa_backend *be)
{
    if (be->ops != 0 && be->ops->destroy != 0)
        be->ops->destroy(be->ctx);
    be->ops = 0;
    be->ctx = 0;
}

#ifdef __cplusplus
}
#endif

#endif /* FFA_BACKEND_H */
