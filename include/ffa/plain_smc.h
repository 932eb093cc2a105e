/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A plain SMC function for any backend (library ffa::plain_smc, hosted: libc, pthreads, libffi).
 *
 * Existing hypervisor code reaches the secure world through one global, context-free function,
 * such as Xen's `arm_smccc_1_2_smc(const struct arm_smccc_1_2_regs *args,
 * struct arm_smccc_1_2_regs *res)`. A backend, though, is a vtable plus a context, and a plain
 * function pointer has nowhere to keep the context. ffa_plain_smc_bind() makes a new function at
 * run time (a libffi closure) that carries one backend inside it, so such code can be pointed at a
 * mock, a Unicorn-emulated secure world or the real SMC conduit without being changed.
 *
 * Each bound function is independent: any number may live at once, each reaching only its own
 * backend. Calls through one function are serialised by it unless its backend has
 * FFA_BACKEND_CAP_CONCURRENT, the same promise the mediator keeps (backend.h).
 *
 * The processor: a backend call names the physical processor it is issued on (backend.h), but a
 * plain `smc(in, out)` has no such argument: on hardware the processor is implicit, the one the
 * caller runs on. The binding therefore asks, at every call and on the calling thread, a
 * callback given at bind time: `cpu_of(cpu_arg)` returns the index to pass to the backend (a
 * hypervisor's smp_processor_id(), sched_getcpu() in a user-space bench, or a fixed number). A
 * NULL callback issues every call on processor 0.
 */
#ifndef FFA_PLAIN_SMC_H
#define FFA_PLAIN_SMC_H

#include <stdint.h>

#include "ffa/backend.h"
#include "ffa/regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The shape of the function: x0..x17 in, x0..x17 out. `in` and `out` may be the same struct. */
typedef void (*ffa_plain_smc_fn)(const struct ffa_regs *in, struct ffa_regs *out);

/* The processor a call through a bound function is issued on; called once per call. */
typedef uint32_t (*ffa_plain_smc_cpu_fn)(void *arg);

/* One bound function: owns the closure; not the backend. */
struct ffa_plain_smc;

/*
 * Make a plain function that forwards every call to `backend` (the struct is copied; its context
 * must outlive the binding), issued on processor `cpu_of(cpu_arg)` (processor 0 if `cpu_of` is
 * NULL). On success returns the binding and stores the function in *fn; the function stays
 * callable until ffa_plain_smc_release(). Returns NULL (and leaves *fn alone) if `backend` or
 * `fn` is NULL, the backend has no call function, or memory, a lock or the closure cannot be had.
 */
struct ffa_plain_smc *ffa_plain_smc_bind(const struct ffa_backend *backend,
                                         ffa_plain_smc_cpu_fn cpu_of, void *cpu_arg,
                                         ffa_plain_smc_fn *fn);

/* The function of a binding (the one ffa_plain_smc_bind() stored). */
ffa_plain_smc_fn ffa_plain_smc_function(const struct ffa_plain_smc *binding);

/*
 * Free the closure: the function must not be called afterwards, nor be running on any thread.
 * Does not destroy the backend. NULL is accepted.
 */
void ffa_plain_smc_release(struct ffa_plain_smc *binding);

#ifdef __cplusplus
}
#endif

#endif /* FFA_PLAIN_SMC_H */
