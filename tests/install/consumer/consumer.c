/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tiny program built against the installed library: one mediated call on a scripted secure
 * world, and the installed header's version against the version of the library actually linked.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ffa/backend_mock.h>
#include <ffa/library_version.h>
#include <ffa/mediator.h>
#include <ffa/names.h>

static void *host_alloc(void *host, size_t size)
{
    (void)host;
    return malloc(size);
}

static void host_free(void *host, void *ptr, size_t size)
{
    (void)host;
    (void)size;
    free(ptr);
}

static const struct ffa_host_ops host = {.alloc = host_alloc, .free = host_free};

static const char script[] = "call FFA_VERSION x1=0x10002\nreply 0x10002\n";

int main(void)
{
    struct ffa_mock *mock = ffa_mock_create();
    struct ffa_backend be = ffa_mock_backend(mock);
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_1}};

    size_t n;
    const uint32_t *probed = ffa_mediator_probe_list(&n);

    printf("libffa-mediator: header %s, library %s\n", FFA_LIBRARY_VERSION_STRING,
           ffa_library_version_string());
    if (ffa_library_version() != FFA_LIBRARY_VERSION)
        return 1;
    if (ffa_mock_load_string(mock, script, "consumer", NULL, 0) != 0)
        return 1;
    /* A secure world with none of the probed ABIs: the guest's calls need none. */
    for (size_t i = 0; i < n; i++) {
        struct ffa_mock_step s = {.call = {{FFA_FEATURES, probed[i]}},
                                  .match = FFA_MOCK_X(1),
                                  .reply = {{FFA_ERROR, 0, (uint32_t)FFA_RET_NOT_SUPPORTED}}};

        ffa_mock_expect(mock, &s);
    }
    if (ffa_mediator_create(NULL, &host, NULL, &be, &m) != 0 || ffa_vm_add(m, 1, 1, 0, &vm) != 0)
        return 1;
    ffa_mediator_handle(m, vm, 0, 0, &r);
    printf("FFA_VERSION -> 0x%llx\n", (unsigned long long)r.x[0]);
    r = (struct ffa_regs){{FFA_ID_GET}};
    ffa_mediator_handle(m, vm, 0, 0, &r);
    printf("FFA_ID_GET -> %s id %llu\n", ffa_func_name((uint32_t)r.x[0]),
           (unsigned long long)r.x[2]);
    ffa_mediator_destroy(m);
    if (ffa_mock_verify(mock) != 0)
        return 1;
    ffa_mock_destroy(mock);
    return r.x[2] == 1 ? 0 : 1;
}
