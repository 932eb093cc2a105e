/* SPDX-License-Identifier: BSD-3-Clause */
#include "uc_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    unsigned bit;
    const char *image;
    const char *manifest;
} sp_table[] = {
    {UCF_ECHO, "echo", "echo"},
    {UCF_EL0, "el0", "el0"},
    {UCF_WORKER, "worker", "worker"},
    {UCF_WORKER_Q, "worker", "worker-queued"},
    {UCF_WORKER_ME, "worker", "worker-me"},
    {UCF_FORWARDER, "forwarder", "forwarder"},
    {UCF_FORWARDER2, "forwarder", "forwarder2"},
    {UCF_FAULTY, "faulty", "faulty"},
    {UCF_INIT_FAULT, "init-fault", "init-fault"},
    {UCF_INIT_ABORT, "init-abort", "init-abort"},
};

void ucf_sp_paths(const char *name, char *elf, char *dtb, size_t len)
{
    if (elf != NULL)
        snprintf(elf, len, "%s/%s.elf", FFA_SP_DIR, name);
    if (dtb != NULL)
        snprintf(dtb, len, "%s/%s.dtb", FFA_SP_DIR, name);
}

size_t ucf_sp_list(unsigned mask, struct ffa_unicorn_sp_config *sps, char paths[][2][512])
{
    size_t n = 0;

    for (size_t i = 0; i < sizeof(sp_table) / sizeof(sp_table[0]); i++) {
        if ((mask & sp_table[i].bit) == 0)
            continue;
        snprintf(paths[n][0], 512, "%s/%s.elf", FFA_SP_DIR, sp_table[i].image);
        snprintf(paths[n][1], 512, "%s/%s.dtb", FFA_SP_DIR, sp_table[i].manifest);
        memset(&sps[n], 0, sizeof(sps[n]));
        sps[n].elf_path = paths[n][0];
        sps[n].manifest_path = paths[n][1];
        n++;
    }
    return n;
}

void ucf_log(void *ctx, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *msg)
{
    struct ucf *f = ctx;
    int n;

    if (getenv("FFA_TEST_VERBOSE") != NULL)
        fprintf(stderr, "[unicorn %d %04x] %s\n", (int)kind, sp_id, msg);
    n = snprintf(f->log + f->log_len, sizeof(f->log) - f->log_len, "%d %04x: %s\n", (int)kind,
                 sp_id, msg);
    if (n > 0 && (size_t)n < sizeof(f->log) - f->log_len)
        f->log_len += (size_t)n;
}

bool ucf_log_has(const struct ucf *f, const char *needle)
{
    return strstr(f->log, needle) != NULL;
}

struct ucf *ucf_new(unsigned mask, uint64_t preempt_blocks, uint64_t watchdog_blocks)
{
    struct ffa_unicorn_sp_config sps[10];
    char paths[10][2][512];
    struct ucf *f = calloc(1, sizeof(*f));
    struct ffa_unicorn_config cfg = {0};
    struct ffa_backend be;
    struct ffa_regs r;
    char err[512];
    int ret;

    assert_non_null(f);
    cfg.sps = sps;
    cfg.sp_count = ucf_sp_list(mask, sps, paths);
    cfg.preempt_blocks = preempt_blocks;
    cfg.watchdog_blocks = watchdog_blocks;
    cfg.log = ucf_log;
    cfg.log_ctx = f;
    ret = ffa_unicorn_create(&cfg, &f->spmc, err, sizeof(err));
    if (ret != 0)
        fail_msg("ffa_unicorn_create: %d %s", ret, err);
    be = ffa_unicorn_backend(f->spmc);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &f->host, &be, &f->m), 0);
    assert_int_equal(ffa_vm_add(f->m, TEST_VM_ID, 2, 0, &f->vm), 0);
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 0, &r), FFA_CALL_HANDLED);
    assert_int_equal(r.x[0], FFA_VERSION_1_2);
    return f;
}

void ucf_free(struct ucf *f)
{
    ffa_mediator_destroy(f->m);
    ffa_unicorn_destroy(f->spmc);
    assert_int_equal(f->host.live_allocs, 0);
    assert_int_equal(f->host.live_locks, 0);
    free(f);
}

struct ffa_regs ucf_call(struct ucf *f, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
                         uint64_t x4, uint64_t x5, uint64_t x6, uint64_t x7)
{
    struct ffa_regs r = th_regs(x0, x1, x2, x3, x4, x5, x6, x7);

    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 0, &r), FFA_CALL_HANDLED);
    return r;
}

struct ffa_regs ucf_req(struct ucf *f, uint16_t dst, uint32_t w3, uint32_t w4, uint32_t w5,
                        uint32_t w6, uint32_t w7)
{
    return ucf_call(f, FFA_MSG_SEND_DIRECT_REQ_32, ((uint32_t)TEST_VM_ID << 16) | dst, 0, w3, w4,
                    w5, w6, w7);
}

struct ffa_regs ucf_finish(struct ucf *f, struct ffa_regs r, unsigned *interrupts, unsigned *yields)
{
    unsigned guard = 0;

    while (r.x[0] == FFA_INTERRUPT || r.x[0] == FFA_MSG_YIELD) {
        if (r.x[0] == FFA_INTERRUPT && interrupts != NULL)
            (*interrupts)++;
        if (r.x[0] == FFA_MSG_YIELD && yields != NULL)
            (*yields)++;
        assert_true(++guard < 100000);
        r = ucf_call(f, FFA_RUN, r.x[1], 0, 0, 0, 0, 0, 0);
    }
    return r;
}

uint32_t ucf_worker_checksum(uint32_t n)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < n; i++)
        acc = acc * 31u + i;
    return acc;
}

enum ffa_unicorn_ec_state ucf_state(struct ucf *f, uint16_t id)
{
    return ffa_unicorn_ec_state(f->spmc, id, 0);
}

void ucf_assert_resp(const struct ffa_regs *r, uint16_t sp)
{
    if (r->x[0] != FFA_MSG_SEND_DIRECT_RESP_32)
        fail_msg("expected DIRECT_RESP_32, got 0x%llx (w2 0x%llx)", (unsigned long long)r->x[0],
                 (unsigned long long)r->x[2]);
    assert_int_equal(r->x[1], ((uint32_t)sp << 16) | TEST_VM_ID);
}
