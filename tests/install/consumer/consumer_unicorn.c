/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Links the installed Unicorn backend (and through it Unicorn and libfdt) and runs it: a
 * configuration without partitions is refused with a message naming the setting. Given the
 * directory of the installed example partitions (<datadir>/ffa-mediator/sp), it also boots the
 * echo partition and sends it a direct request from a VM through the mediator.
 * Usage: consumer_unicorn [sp-directory]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ffa/abi.h>
#include <ffa/backend_unicorn.h>
#include <ffa/mediator.h>

#define ECHO_ID 0x8001u
#define VM_ID   0x0001u

static void *host_alloc(void *host, size_t size)
{
    (void)host;
    return calloc(1, size);
}

static void host_free(void *host, void *ptr, size_t size)
{
    (void)host;
    (void)size;
    free(ptr);
}

static const struct ffa_host_ops host = {.alloc = host_alloc, .free = host_free};

static int echo_through_mediator(const char *dir)
{
    char elf[512], dtb[512], err[256] = "";
    struct ffa_unicorn_sp_config sp = {.elf_path = elf, .manifest_path = dtb};
    struct ffa_unicorn_config cfg = {.sps = &sp, .sp_count = 1};
    struct ffa_unicorn *spmc;
    struct ffa_backend be;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_regs r = {{FFA_VERSION, FFA_VERSION_1_2}};
    int ok;

    snprintf(elf, sizeof(elf), "%s/echo.elf", dir);
    snprintf(dtb, sizeof(dtb), "%s/echo.dtb", dir);
    if (ffa_unicorn_create(&cfg, &spmc, err, sizeof(err)) != 0) {
        fprintf(stderr, "the installed echo SP does not boot: %s\n", err);
        return 1;
    }
    be = ffa_unicorn_backend(spmc);
    if (ffa_mediator_create(NULL, &host, NULL, &be, &m) != 0) {
        ffa_unicorn_destroy(spmc);
        return 1;
    }
    if (ffa_vm_add(m, VM_ID, 1, 0, &vm) != 0) {
        ffa_mediator_destroy(m);
        ffa_unicorn_destroy(spmc);
        return 1;
    }
    ffa_mediator_handle(m, vm, 0, 0, &r);
    r = (struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ_32, (VM_ID << 16) | ECHO_ID, 0, 0x42}};
    ffa_mediator_handle(m, vm, 0, 0, &r);
    printf("echo SP from %s: x0 0x%llx x3 0x%llx\n", dir, (unsigned long long)r.x[0],
           (unsigned long long)r.x[3]);
    ok = r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[1] == ((ECHO_ID << 16) | VM_ID) &&
         r.x[3] == 0x42;
    ffa_mediator_destroy(m);
    ffa_unicorn_destroy(spmc);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct ffa_unicorn_config cfg = {0};
    struct ffa_unicorn *spmc = NULL;
    char err[256] = "";
    int ret = ffa_unicorn_create(&cfg, &spmc, err, sizeof(err));

    printf("emulated SPMC without partitions: %d (%s)\n", ret, err);
    if (ret != FFA_RET_INVALID_PARAMETERS || strstr(err, "sp_count") == NULL)
        return 1;
    return argc > 1 ? echo_through_mediator(argv[1]) : 0;
}
