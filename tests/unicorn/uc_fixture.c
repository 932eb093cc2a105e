/* SPDX-License-Identifier: BSD-3-Clause */
#include "uc_fixture.h"

#include <libfdt.h>
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
    {UCF_MESSENGER, "messenger", "messenger"},
    {UCF_MESSENGER2, "messenger2", "messenger2"},
    {UCF_MSG_V10, "messenger", "messenger-v10"},
    {UCF_MMU, "mmu", "mmu"},
    {UCF_BIGMEM, "bigmem", "bigmem"},
    {UCF_FARSEG, "farseg", "farseg"},
    {UCF_MP, "mp", "mp"},
    {UCF_MMU_MP, "mmu-mp", "mmu-mp"},
    {UCF_ECHO_MP, "echo", "echo-mp"},
    {UCF_INIT_LOOP, "init-loop", "init-loop"},
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

/* ---- The full host: hypervisor pages and fake guest RAM, resolvable by the SPMC ---- */

static struct ucf *ucf_of(void *host)
{
    return (struct ucf *)host; /* struct test_host is the first member */
}

static void *full_page_alloc(void *host, uint32_t pages, uint64_t *pa)
{
    struct ucf *f = ucf_of(host);
    void *va = test_host_ops_full.page_alloc(host, pages, pa);

    for (int i = 0; va != NULL && i < UCF_MAX_HYP_PAGES; i++) {
        if (f->hyp[i].va == NULL) {
            f->hyp[i] = (struct ucf_hyp_pages){va, pages, *pa};
            return va;
        }
    }
    fail_msg("more than %d hypervisor page allocations", UCF_MAX_HYP_PAGES);
    return NULL;
}

static void full_page_free(void *host, void *va, uint32_t pages)
{
    struct ucf *f = ucf_of(host);

    for (int i = 0; i < UCF_MAX_HYP_PAGES; i++) {
        if (f->hyp[i].va == va)
            f->hyp[i] = (struct ucf_hyp_pages){0};
    }
    test_host_ops_full.page_free(host, va, pages);
}

static struct ffa_host_ops full_ops;

const struct ffa_host_ops *ucf_full_host_ops(void)
{
    full_ops = test_host_ops_full;
    full_ops.page_alloc = full_page_alloc;
    full_ops.page_free = full_page_free;
    return &full_ops;
}

uint8_t *ucf_hyp_pages(struct ucf *f, uint32_t pages, uint64_t *pa)
{
    uint8_t *va = full_page_alloc(&f->host, pages, pa);

    assert_non_null(va);
    return va;
}

/*
 * ns_memory: a hypervisor page range, or guest RAM of a VM that has some (PA = TEST_PA(vm, ipa),
 * or twice that, page by page, with scatter_pa); the guest's read-only pages only for reading.
 */
void *ucf_ns_memory(void *ctx, uint64_t pa, size_t len, int writable)
{
    struct ucf *f = ctx;
    uint64_t ram_end = TEST_RAM_IPA + (uint64_t)TEST_RAM_PAGES * 4096;
    uint64_t gpa = pa, ipa;
    uint16_t vm;

    f->ns_calls++;
    if (f->ns_refuse ||
        (f->ns_refuse_pa != 0 && f->ns_refuse_pa >= pa / 4096 * 4096 && f->ns_refuse_pa < pa + len))
        return NULL;
    for (int i = 0; i < UCF_MAX_HYP_PAGES; i++) {
        const struct ucf_hyp_pages *h = &f->hyp[i];

        uint64_t size = (uint64_t)h->pages * 4096;

        if (h->va != NULL && pa >= h->pa && pa - h->pa <= size && len <= size - (pa - h->pa))
            return h->va + (pa - h->pa);
    }
    if (f->host.scatter_pa) {
        /* Page base 2 * TEST_PA (8 KiB aligned) + offset: one scattered page at a time. */
        if ((pa & 0x1000) != 0 || (pa & 0xfff) + len > 4096)
            return NULL;
        gpa = (pa & ~UINT64_C(0x1fff)) / 2 + (pa & 0xfff);
    }
    vm = (uint16_t)(gpa >> 40);
    ipa = gpa & ((UINT64_C(1) << 40) - 1);
    if (ipa < TEST_RAM_IPA || len > ram_end - ipa || (writable && ipa + len > TEST_RO_IPA))
        return NULL;
    for (int i = 0; i < TEST_MAX_GUESTS; i++) {
        if (f->host.guests[i].ram != NULL && f->host.guests[i].vm_id == vm)
            return th_guest_ptr(&f->host, vm, ipa);
    }
    return NULL;
}

static void full_rx_full(void *ctx, uint16_t vm_id)
{
    struct ucf *f = ctx;

    f->rx_full_calls++;
    f->rx_full_vm = vm_id;
}

static uint64_t next_init_blocks; /* ucf_new_sps_budgets() -> ucf_create() */

static struct ucf *ucf_create(const struct ffa_unicorn_sp_config *sps, size_t sp_count,
                              uint32_t pe_count, uint64_t preempt_blocks, uint64_t watchdog_blocks,
                              bool full, bool mediator)
{
    struct ucf *f = calloc(1, sizeof(*f));
    struct ffa_unicorn_config cfg = {0};
    struct ffa_backend be;
    struct ffa_regs r;
    char err[512];
    int ret;

    assert_non_null(f);
    cfg.sps = sps;
    cfg.sp_count = sp_count;
    cfg.preempt_blocks = preempt_blocks;
    cfg.watchdog_blocks = watchdog_blocks;
    cfg.pe_count = pe_count;
    cfg.init_blocks = next_init_blocks;
    next_init_blocks = 0;
    cfg.log = ucf_log;
    cfg.log_ctx = f;
    if (full) {
        cfg.ns_memory = ucf_ns_memory;
        cfg.rx_full = full_rx_full;
        cfg.ns_ctx = f;
    }
    ret = ffa_unicorn_create(&cfg, &f->spmc, err, sizeof(err));
    if (ret != 0)
        fail_msg("ffa_unicorn_create: %d %s", ret, err);
    if (!mediator)
        return f;
    be = ffa_unicorn_backend(f->spmc);
    assert_int_equal(ffa_mediator_create(NULL, full ? ucf_full_host_ops() : &test_host_ops,
                                         &f->host, &be, &f->m),
                     0);
    assert_int_equal(ffa_vm_add(f->m, TEST_VM_ID, 2, 0, &f->vm), 0);
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 0, 0, &r), FFA_CALL_HANDLED);
    assert_int_equal(r.x[0], FFA_VERSION_1_2);
    return f;
}

static struct ucf *ucf_create_mask(unsigned mask, uint32_t pe_count, uint64_t preempt_blocks,
                                   uint64_t watchdog_blocks, bool full, bool mediator)
{
    struct ffa_unicorn_sp_config sps[UCF_MAX_SPS];
    char paths[UCF_MAX_SPS][2][512];
    size_t n = ucf_sp_list(mask, sps, paths);

    return ucf_create(sps, n, pe_count, preempt_blocks, watchdog_blocks, full, mediator);
}

struct ucf *ucf_new_full_sps(const struct ffa_unicorn_sp_config *sps, size_t sp_count,
                             bool mediator)
{
    return ucf_create(sps, sp_count, 0, 0, 0, true, mediator);
}

struct ucf *ucf_new_full_sps_pes(const struct ffa_unicorn_sp_config *sps, size_t sp_count,
                                 uint32_t pe_count, bool mediator)
{
    return ucf_create(sps, sp_count, pe_count, 0, 0, true, mediator);
}

struct ucf *ucf_new_sps_budgets(const struct ffa_unicorn_sp_config *sps, size_t sp_count,
                                uint64_t preempt_blocks, uint64_t watchdog_blocks,
                                uint64_t init_blocks)
{
    next_init_blocks = init_blocks;
    return ucf_create(sps, sp_count, 0, preempt_blocks, watchdog_blocks, false, true);
}

struct ucf *ucf_new(unsigned mask, uint64_t preempt_blocks, uint64_t watchdog_blocks)
{
    return ucf_create_mask(mask, 0, preempt_blocks, watchdog_blocks, false, true);
}

struct ucf *ucf_new_pes(unsigned mask, uint32_t pe_count, uint64_t preempt_blocks,
                        uint64_t watchdog_blocks)
{
    return ucf_create_mask(mask, pe_count, preempt_blocks, watchdog_blocks, false, true);
}

struct ffa_regs ucf_fw_on(struct ucf *f, uint32_t cpu, const struct ffa_regs *in)
{
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs out;

    ffa_backend_call(&be, cpu, in, &out);
    return out;
}

struct ucf *ucf_new_full(unsigned mask, bool mediator)
{
    return ucf_create_mask(mask, 0, 0, 0, true, mediator);
}

void ucf_free(struct ucf *f)
{
    if (f->m != NULL)
        ffa_mediator_destroy(f->m);
    ffa_unicorn_destroy(f->spmc);
    for (int i = 0; i < UCF_MAX_HYP_PAGES; i++) {
        if (f->hyp[i].va != NULL)
            full_page_free(&f->host, f->hyp[i].va, f->hyp[i].pages);
    }
    th_host_cleanup(&f->host);
    assert_int_equal(f->host.live_allocs, 0);
    assert_int_equal(f->host.live_locks, 0);
    free(f);
}

struct ffa_regs ucf_fw(struct ucf *f, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
                       uint64_t x4, uint64_t x5)
{
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = th_regs(x0, x1, x2, x3, x4, x5, 0, 0), out;

    ffa_backend_call(&be, 0, &in, &out);
    return out;
}

struct ffa_regs ucf_vm(struct ucf *f, struct ffa_vm *vm, uint64_t x0, uint64_t x1, uint64_t x2,
                       uint64_t x3, uint64_t x4, uint64_t x5)
{
    struct ffa_regs r = th_regs(x0, x1, x2, x3, x4, x5, 0, 0);

    assert_int_equal(ffa_mediator_handle(f->m, vm, 0, 0, &r), FFA_CALL_HANDLED);
    return r;
}

struct ffa_vm *ucf_vm_ready(struct ucf *f, uint16_t id, uint32_t version, uint32_t pages)
{
    struct ffa_vm *vm;
    struct ffa_regs r;

    assert_int_equal(ffa_vm_add(f->m, id, 2, 0, &vm), 0);
    r = ucf_vm(f, vm, FFA_VERSION, version, 0, 0, 0, 0);
    assert_int_equal(r.x[0], FFA_VERSION_1_2);
    r = ucf_vm(f, vm, FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, pages, 0, 0);
    if (r.x[0] != FFA_SUCCESS_32)
        fail_msg("VM 0x%x: FFA_RXTX_MAP_64 answered 0x%llx (w2 0x%llx)", id,
                 (unsigned long long)r.x[0], (unsigned long long)r.x[2]);
    return vm;
}

uint8_t *ucf_vm_tx(struct ucf *f, uint16_t vm)
{
    return th_guest_ptr(&f->host, vm, TEST_TX_IPA);
}

uint8_t *ucf_vm_rx(struct ucf *f, uint16_t vm)
{
    return th_guest_ptr(&f->host, vm, TEST_RX_IPA);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t ucf_vm_write_msg(struct ucf *f, uint16_t from, uint16_t to, uint32_t offset, uint32_t cmd,
                          uint32_t arg, const char *text)
{
    uint8_t *tx = ucf_vm_tx(f, from);
    uint32_t size = 8 + (uint32_t)strlen(text);

    memset(tx, 0, offset);
    put32(tx + 8, offset);
    put32(tx + 12, (uint32_t)from << 16 | to);
    put32(tx + 16, size);
    if (offset >= 40) {
        for (int i = 0; i < 16; i++)
            tx[24 + i] = (uint8_t)(0xa0 + i); /* a recognisable UUID */
    }
    put32(tx + offset, cmd);
    put32(tx + offset + 4, arg);
    memcpy(tx + offset + 8, text, size - 8);
    return size;
}

struct ffa_regs ucf_vm_send2(struct ucf *f, struct ffa_vm *vm)
{
    return ucf_vm(f, vm, FFA_MSG_SEND2, 0, 0, 0, 0, 0);
}

struct ffa_regs ucf_sp_req(struct ucf *f, uint16_t sp, uint32_t w3, uint32_t w4, uint32_t w5,
                           uint32_t w6, uint32_t w7)
{
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)TEST_VM_ID << 16 | sp, 0, w3,
                                 w4, w5, w6, w7),
                    out;

    if (f->m != NULL)
        return ucf_req(f, sp, w3, w4, w5, w6, w7);
    ffa_backend_call(&be, 0, &in, &out);
    return out;
}

struct ffa_regs ucf_sp_cmd(struct ucf *f, uint16_t sp, uint32_t w3, uint32_t w4, uint32_t w5,
                           uint32_t w6, uint32_t w7)
{
    struct ffa_regs r = ucf_sp_req(f, sp, w3, w4, w5, w6, w7);

    ucf_assert_resp(&r, sp);
    return r;
}

struct ffa_regs ucf_sp_call(struct ucf *f, uint16_t sp, uint32_t fid, uint32_t x1, uint32_t x2,
                            uint32_t x3)
{
    return ucf_sp_cmd(f, sp, SP_CMD_CALL, fid, x1, x2, x3);
}

/* A DIRECT_REQ_64 from TEST_VM_ID to `sp`: through the mediator if there is one, else the backend.
 */
static struct ffa_regs sp_req64(struct ucf *f, uint16_t sp, uint64_t x3, uint64_t x4, uint64_t x5,
                                uint64_t x6, uint64_t x7)
{
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = th_regs(FFA_MSG_SEND_DIRECT_REQ_64, (uint32_t)TEST_VM_ID << 16 | sp, 0, x3,
                                 x4, x5, x6, x7),
                    out;

    if (f->m != NULL)
        return ucf_call(f, in.x[0], in.x[1], 0, x3, x4, x5, x6, x7);
    ffa_backend_call(&be, 0, &in, &out);
    return out;
}

void ucf_sp_call64(struct ucf *f, uint16_t sp, uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
                   struct ffa_regs *res)
{
    struct ffa_regs r = sp_req64(f, sp, SP_CMD_CALL64, fid, x1, x2, x3);

    if (r.x[0] != FFA_MSG_SEND_DIRECT_RESP_64)
        fail_msg("SP_CMD_CALL64: expected DIRECT_RESP_64, got 0x%llx (w2 0x%llx)",
                 (unsigned long long)r.x[0], (unsigned long long)r.x[2]);
    /* x0..x17 in four reads of five registers each. */
    static const uint64_t first[] = {0, 5, 10, 13};

    for (size_t k = 0; k < sizeof(first) / sizeof(first[0]); k++) {
        r = sp_req64(f, sp, SP_CMD_RESULT, first[k], 0, 0, 0);
        assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
        for (uint64_t i = 0; i < 5; i++)
            res->x[first[k] + i] = r.x[3 + i];
    }
}

void ucf_assert_sp_error(const struct ffa_regs *r, int32_t code)
{
    if (r->x[3] != FFA_ERROR || r->x[5] != (uint32_t)code)
        fail_msg("expected FFA_ERROR(%d), got 0x%llx w2 0x%llx", code, (unsigned long long)r->x[3],
                 (unsigned long long)r->x[5]);
}

void *ucf_read_file(const char *path, size_t *size, size_t extra)
{
    FILE *fp = fopen(path, "rb");
    long n;
    void *buf;

    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + extra);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *size = (size_t)n;
    return buf;
}

void ucf_expect_refused(const char *name, void (*edit)(void *fdt), const char *n1, const char *n2)
{
    char elf[512], dtb[512], err[512] = "";
    size_t dtb_size;
    void *fdt;
    struct ffa_unicorn_sp_config sp = {0};
    struct ffa_unicorn_config cfg = {0};
    struct ffa_unicorn *u = NULL;
    int ret;

    ucf_sp_paths(name, elf, dtb, sizeof(elf));
    fdt = ucf_read_file(dtb, &dtb_size, 4096);
    ret = fdt_open_into(fdt, fdt, (int)dtb_size + 4096);
    if (ret == 0) {
        edit(fdt);
        sp.elf_path = elf;
        sp.manifest_data = fdt;
        sp.manifest_size = fdt_totalsize(fdt);
        cfg.sps = &sp;
        cfg.sp_count = 1;
        ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));
        ffa_unicorn_destroy(u); /* NULL unless create wrongly succeeded */
    }
    /* Everything is freed before the first assertion: a failure leaks nothing. */
    free(fdt);
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    assert_null(u);
    if (strstr(err, n1) == NULL || (n2 != NULL && strstr(err, n2) == NULL))
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err, n1, n2 != NULL ? n2 : "");
}

uint32_t ucf_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint16_t ucf_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

struct ffa_regs ucf_call(struct ucf *f, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
                         uint64_t x4, uint64_t x5, uint64_t x6, uint64_t x7)
{
    struct ffa_regs r = th_regs(x0, x1, x2, x3, x4, x5, x6, x7);

    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 0, 0, &r), FFA_CALL_HANDLED);
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

struct ffa_regs ucf_req_on(struct ucf *f, uint32_t cpu, uint16_t sp, uint32_t w3, uint32_t w4,
                           uint32_t w5, uint32_t w6, uint32_t w7)
{
    struct ffa_regs in =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)TEST_VM_ID << 16 | sp, 0, w3, w4, w5, w6, w7);

    return ucf_fw_on(f, cpu, &in);
}

struct ffa_regs ucf_finish_on(struct ucf *f, uint32_t cpu, struct ffa_regs r, unsigned *interrupts)
{
    unsigned guard = 0;

    while (r.x[0] == FFA_INTERRUPT || r.x[0] == FFA_MSG_YIELD) {
        struct ffa_regs run = th_regs(FFA_RUN, r.x[1], 0, 0, 0, 0, 0, 0);

        if (r.x[0] == FFA_INTERRUPT && interrupts != NULL)
            (*interrupts)++;
        assert_true(++guard < 100000);
        r = ucf_fw_on(f, cpu, &run);
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
