/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain SMC functions made at run time: one libffi closure per binding, whose user data is the
 * binding, so the generated code finds its backend without any global.
 */
#include <ffi.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/plain_smc.h"

struct ffa_plain_smc {
    struct ffa_backend backend;
    ffa_plain_smc_cpu_fn cpu_of; /* NULL: processor 0 */
    void *cpu_arg;
    bool serialise;       /* the backend lacks FFA_BACKEND_CAP_CONCURRENT */
    pthread_mutex_t lock; /* guards calls into a non-concurrent backend */
    ffi_cif cif;          /* void (const struct ffa_regs *, struct ffa_regs *) */
    ffi_type *arg_types[2];
    ffi_closure *closure;  /* writable side, freed by ffi_closure_free() */
    ffa_plain_smc_fn code; /* executable side: the plain function */
};

/*
 * What every bound function runs. libffi passes pointers to the two argument values (each a
 * pointer) and the binding given to ffi_prep_closure_loc().
 */
static void forward(ffi_cif *cif, void *ret, void **args, void *user_data)
{
    struct ffa_plain_smc *b = user_data;
    const struct ffa_regs *in = *(const struct ffa_regs **)args[0];
    struct ffa_regs *out = *(struct ffa_regs **)args[1];
    struct ffa_regs copy;
    uint32_t cpu = b->cpu_of != NULL ? b->cpu_of(b->cpu_arg) : 0;

    (void)cif;
    (void)ret;
    /* Xen-style callers may pass one struct for both; backends are promised no aliasing. */
    if (in == out) {
        copy = *in;
        in = &copy;
    }
    if (b->serialise)
        pthread_mutex_lock(&b->lock);
    b->backend.ops->call(b->backend.ctx, cpu, in, out);
    if (b->serialise)
        pthread_mutex_unlock(&b->lock);
}

struct ffa_plain_smc *ffa_plain_smc_bind(const struct ffa_backend *backend,
                                         ffa_plain_smc_cpu_fn cpu_of, void *cpu_arg,
                                         ffa_plain_smc_fn *fn)
{
    struct ffa_plain_smc *b;
    void *code = NULL;

    if (backend == NULL || fn == NULL || backend->ops == NULL || backend->ops->call == NULL)
        return NULL;
    b = calloc(1, sizeof(*b));
    if (b == NULL)
        return NULL;
    b->backend = *backend;
    b->cpu_of = cpu_of;
    b->cpu_arg = cpu_arg;
    b->serialise = (backend->ops->caps & FFA_BACKEND_CAP_CONCURRENT) == 0;
    if (pthread_mutex_init(&b->lock, NULL) != 0)
        goto err_free;
    b->arg_types[0] = &ffi_type_pointer;
    b->arg_types[1] = &ffi_type_pointer;
    if (ffi_prep_cif(&b->cif, FFI_DEFAULT_ABI, 2, &ffi_type_void, b->arg_types) != FFI_OK)
        goto err_lock;
    b->closure = ffi_closure_alloc(sizeof(ffi_closure), &code);
    if (b->closure == NULL)
        goto err_lock;
    if (ffi_prep_closure_loc(b->closure, &b->cif, forward, b, code) != FFI_OK)
        goto err_closure;
    /*
     * libffi hands the executable address back as void *; ISO C has no conversion from an object
     * pointer to a function pointer, so copy the representation (POSIX guarantees they match,
     * as dlsym() relies on).
     */
    _Static_assert(sizeof(code) == sizeof(b->code), "function and object pointers differ");
    memcpy(&b->code, &code, sizeof(code));
    *fn = b->code;
    return b;

err_closure:
    ffi_closure_free(b->closure);
err_lock:
    pthread_mutex_destroy(&b->lock);
err_free:
    free(b);
    return NULL;
}

ffa_plain_smc_fn ffa_plain_smc_function(const struct ffa_plain_smc *binding)
{
    return binding->code;
}

void ffa_plain_smc_release(struct ffa_plain_smc *binding)
{
    if (binding == NULL)
        return;
    ffi_closure_free(binding->closure);
    pthread_mutex_destroy(&binding->lock);
    free(binding);
}
