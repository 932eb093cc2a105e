/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The emulated SPMC on several PEs (config pe_count): MP partitions with one execution context per
 * PE, each booted on its PE (the primary at the image's entry, the others at the entry the
 * partition registered with FFA_SECONDARY_EP_REGISTER); calls from several host threads on
 * different PEs, each reaching its PE's context, in parallel; the cross-PE rules (a UP partition
 * running or blocked in a call chain on another PE is BUSY to a direct request and BUSY or DENIED
 * to FFA_RUN; an MP partition's context runs only on its own PE); a PE that does not exist; the
 * non-secure interrupt of one PE; an abort seen by every context. Run under ThreadSanitizer too
 * (scripts/test.sh).
 */
#include <libfdt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uc_fixture.h"

#define PES        4u
#define WHO_CALLS  300u
#define FOREVER    0xffffffffu /* SP_CMD_COMPUTE iterations: runs until interrupted */
#define BIG_BUDGET (UINT64_C(1) << 50)

/* ---- Helpers ---- */

static struct ffa_regs run_on(struct ucf *f, uint32_t cpu, uint16_t sp, uint16_t vcpu)
{
    struct ffa_regs in = th_regs(FFA_RUN, (uint32_t)sp << 16 | vcpu, 0, 0, 0, 0, 0, 0);

    return ucf_fw_on(f, cpu, &in);
}

static void sleep_us(unsigned us)
{
    struct timespec ts = {0, (long)us * 1000};

    nanosleep(&ts, NULL);
}

/* Wait (up to 20 s) until context `vcpu` of `sp` is in `state`. */
static bool wait_state(struct ucf *f, uint16_t sp, uint16_t vcpu, enum ffa_unicorn_ec_state state)
{
    for (unsigned i = 0; i < 200000; i++) {
        if (ffa_unicorn_ec_state(f->spmc, sp, vcpu) == state)
            return true;
        sleep_us(100);
    }
    return false;
}

/* A direct request made by another thread on PE `cpu`, whose answer the test reads after join. */
struct call_thread {
    pthread_t t;
    struct ucf *f;
    uint32_t cpu;
    struct ffa_regs in, out;
};

static void *call_main(void *arg)
{
    struct call_thread *c = arg;

    c->out = ucf_fw_on(c->f, c->cpu, &c->in);
    return NULL;
}

static void call_start(struct call_thread *c, struct ucf *f, uint32_t cpu, uint16_t sp, uint32_t w3,
                       uint32_t w4, uint32_t w5, uint32_t w6)
{
    c->f = f;
    c->cpu = cpu;
    c->in =
        th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)TEST_VM_ID << 16 | sp, 0, w3, w4, w5, w6, 0);
    assert_int_equal(pthread_create(&c->t, NULL, call_main, c), 0);
}

static void call_join(struct call_thread *c)
{
    pthread_join(c->t, NULL);
}

static void assert_interrupt(const struct ffa_regs *r, uint16_t sp, uint16_t vcpu)
{
    if (r->x[0] != FFA_INTERRUPT)
        fail_msg("expected FFA_INTERRUPT, got 0x%llx (w2 0x%llx)", (unsigned long long)r->x[0],
                 (unsigned long long)r->x[2]);
    assert_int_equal(r->x[1], (uint32_t)sp << 16 | vcpu);
}

/* ---- Fixtures ---- */

static int setup_mp(void **state)
{
    *state = ucf_new_pes(UCF_MP | UCF_ECHO | UCF_WORKER | UCF_FORWARDER, PES, 0, BIG_BUDGET);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

/* ---- Boot ---- */

/* Every context is WAITING after create; each reports the PE it was booted on and how. */
static void test_mp_contexts_boot_on_their_pe(void **state)
{
    struct ucf *f = *state;
    uint32_t registered = 0;

    for (uint32_t pe = 0; pe < PES; pe++) {
        struct ffa_regs r;

        assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_MP, (uint16_t)pe),
                         FFA_UNICORN_EC_WAITING);
        r = ucf_req_on(f, pe, SP_ID_MP, SP_MP_CMD_WHO, 0, 0, 0, 0);
        ucf_assert_resp(&r, SP_ID_MP);
        assert_int_equal(r.x[3], pe); /* x4 at its entry: the PE */
        assert_int_equal(r.x[4], pe == 0 ? SP_MP_BOOT_PRIMARY : SP_MP_BOOT_SECONDARY);
        assert_int_equal(r.x[6], 1); /* its first request */
        /* x0 at entry: the boot-info blob for the primary (gp-register-num 0), 0 for the others. */
        assert_int_equal(r.x[7], pe == 0 ? 0xfff01000u : 0);
        if (pe == 0)
            registered = (uint32_t)r.x[5];
        assert_int_equal(r.x[5], registered); /* one partition, one registered entry */
    }
    assert_true(registered != 0);
    assert_true(ucf_log_has(f, "booting SP 0x8017 (mp) vCPU 3 on PE 3"));
    assert_true(ucf_log_has(f, "SP 0x8017 (mp) vCPU 2 initialised on PE 2"));
}

/* FFA_SECONDARY_EP_REGISTER is an init-time ABI: after boot, on any context, DENIED. */
static void test_secondary_ep_register_after_init_is_denied(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r =
        ucf_req_on(f, 2, SP_ID_MP, SP_CMD_CALL, FFA_SECONDARY_EP_REGISTER_64, 0x10000000, 0, 0);

    ucf_assert_resp(&r, SP_ID_MP);
    ucf_assert_sp_error(&r, FFA_RET_DENIED);
}

/* ---- Parallel calls ---- */

struct who_thread {
    pthread_t t;
    struct ucf *f;
    uint32_t pe;
    unsigned wrong_context, not_resp, echo_busy, echo_ok, echo_wrong;
    uint32_t last_count;
};

/* WHO_CALLS requests to the MP partition on this thread's PE, and echo requests in between. */
static void *who_main(void *arg)
{
    struct who_thread *w = arg;

    for (unsigned i = 0; i < WHO_CALLS; i++) {
        struct ffa_regs r = ucf_req_on(w->f, w->pe, SP_ID_MP, SP_MP_CMD_WHO, 0, 0, 0, 0);

        if (r.x[0] != FFA_MSG_SEND_DIRECT_RESP_32)
            w->not_resp++;
        else if (r.x[3] != w->pe || r.x[6] != w->last_count + 1)
            w->wrong_context++;
        else
            w->last_count = (uint32_t)r.x[6];
        /* The UP echo partition migrates between the PEs: answered, or BUSY on another. */
        r = ucf_req_on(w->f, w->pe, SP_ID_ECHO, w->pe << 16 | i, i, 0, 0, 0);
        if (r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == (w->pe << 16 | i) && r.x[4] == i)
            w->echo_ok++;
        else if (r.x[0] == FFA_ERROR && r.x[2] == (uint32_t)FFA_RET_BUSY)
            w->echo_busy++;
        else
            w->echo_wrong++;
    }
    return NULL;
}

/*
 * One host thread per PE: each thread's requests are answered by its PE's context (the index that
 * context was booted with, and its own request count going up by one), all at the same time.
 */
static void test_parallel_requests_reach_the_context_of_their_pe(void **state)
{
    struct ucf *f = *state;
    struct who_thread w[PES];
    struct ffa_unicorn_stats st;
    unsigned echo_ok = 0;

    for (uint32_t pe = 0; pe < PES; pe++) {
        w[pe] = (struct who_thread){.f = f, .pe = pe};
        assert_int_equal(pthread_create(&w[pe].t, NULL, who_main, &w[pe]), 0);
    }
    for (uint32_t pe = 0; pe < PES; pe++)
        pthread_join(w[pe].t, NULL);
    for (uint32_t pe = 0; pe < PES; pe++) {
        assert_int_equal(w[pe].not_resp, 0);
        assert_int_equal(w[pe].wrong_context, 0);
        assert_int_equal(w[pe].last_count, WHO_CALLS);
        assert_int_equal(w[pe].echo_wrong, 0);
        assert_int_equal(w[pe].echo_ok + w[pe].echo_busy, WHO_CALLS);
        echo_ok += w[pe].echo_ok;
        /* Each PE switched worlds itself: an entry per answered request at least. */
        assert_int_equal(ffa_unicorn_get_pe_stats(f->spmc, pe, &st), 0);
        assert_true(st.world_switches >= WHO_CALLS + w[pe].echo_ok);
    }
    assert_true(echo_ok > 0);
    for (uint32_t pe = 0; pe < PES; pe++)
        assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_MP, (uint16_t)pe),
                         FFA_UNICORN_EC_WAITING);
}

/* ---- PEs that do not exist ---- */

/* Every ABI on a PE beyond pe_count: FFA_ERROR(INVALID_PARAMETERS), nothing runs. */
static void test_call_on_a_pe_that_does_not_exist(void **state)
{
    struct ucf *f = *state;
    struct ffa_unicorn_stats before, after;
    struct ffa_regs version = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0), r;

    ffa_unicorn_get_stats(f->spmc, &before);
    r = ucf_fw_on(f, PES, &version);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_req_on(f, PES, SP_ID_ECHO, 1, 2, 3, 4, 5);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = ucf_req_on(f, UINT32_MAX, SP_ID_MP, SP_MP_CMD_WHO, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = run_on(f, PES + 3, SP_ID_MP, (uint16_t)(PES + 3));
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    ffa_unicorn_get_stats(f->spmc, &after);
    assert_int_equal(after.world_switches, before.world_switches);
    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, PES), FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(ffa_unicorn_get_pe_stats(f->spmc, PES, &after), FFA_RET_INVALID_PARAMETERS);
    /* The PEs that exist still answer. */
    r = ucf_fw_on(f, PES - 1, &version);
    assert_int_equal(r.x[0], FFA_VERSION_1_2);
    assert_true(ucf_log_has(f, "on PE 4, which does not exist (4 PEs)"));
}

/* ---- Cross-PE rules ---- */

/*
 * FFA_RUN of an MP partition's context on another PE's processor: INVALID_PARAMETERS (Hafnium:
 * vCPU index != current CPU). On its own PE a WAITING context starts in the FFA_RUN model.
 */
static void test_mp_run_of_another_pe_context_is_invalid(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = run_on(f, 1, SP_ID_MP, 2);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    r = run_on(f, 1, SP_ID_MP, 1);
    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    r = run_on(f, 0, SP_ID_MP, 4); /* no such context */
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

/*
 * A UP partition running on PE 0 for the normal world (no call chain): a direct request on PE 1
 * is BUSY, and so is FFA_RUN. Preempted by PE 0's non-secure interrupt it belongs to no chain and
 * migrates: FFA_RUN on PE 1 resumes it there.
 */
static void test_up_sp_running_on_one_pe_is_busy_on_another(void **state)
{
    struct ucf *f = *state;
    struct call_thread a;
    struct ffa_unicorn_stats pe1_before, pe1_after;
    struct ffa_regs r;

    call_start(&a, f, 0, SP_ID_WORKER, SP_CMD_COMPUTE, FOREVER, 0, 0);
    assert_true(wait_state(f, SP_ID_WORKER, 0, FFA_UNICORN_EC_RUNNING));
    r = ucf_req_on(f, 1, SP_ID_WORKER, SP_CMD_COMPUTE, 10, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    r = run_on(f, 1, SP_ID_WORKER, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, 0), 0);
    call_join(&a);
    assert_interrupt(&a.out, SP_ID_WORKER, 0);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_PREEMPTED);

    /* Resumed on PE 1: it runs there (PE 1's entries), until PE 1's interrupt. */
    assert_int_equal(ffa_unicorn_get_pe_stats(f->spmc, 1, &pe1_before), 0);
    a.in = th_regs(FFA_RUN, (uint32_t)SP_ID_WORKER << 16, 0, 0, 0, 0, 0, 0);
    a.cpu = 1;
    assert_int_equal(pthread_create(&a.t, NULL, call_main, &a), 0);
    assert_true(wait_state(f, SP_ID_WORKER, 0, FFA_UNICORN_EC_RUNNING));
    r = run_on(f, 0, SP_ID_WORKER, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, 1), 0);
    call_join(&a);
    assert_interrupt(&a.out, SP_ID_WORKER, 0);
    assert_int_equal(ffa_unicorn_get_pe_stats(f->spmc, 1, &pe1_after), 0);
    assert_true(pe1_after.world_switches > pe1_before.world_switches);
    assert_true(pe1_after.preemptions == pe1_before.preemptions + 1);
}

/*
 * A UP partition blocked in a call chain on PE 0 (NWd -> forwarder -> worker): on PE 1 a direct
 * request to it is BUSY and FFA_RUN of it DENIED (Hafnium's disallow_migration_blocked_sp); its
 * callee, running inside that chain, is BUSY to a request and DENIED to FFA_RUN. Preempted, the
 * chain still belongs to PE 0: DENIED on PE 1, resumed on PE 0.
 */
static void test_up_sp_blocked_in_a_chain_on_another_pe(void **state)
{
    struct ucf *f = *state;
    struct call_thread a;
    struct ffa_regs r;

    /* The forwarder sends the worker SP_CMD_COMPUTE(FOREVER): its w5..w6 become w3..w4. */
    call_start(&a, f, 0, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, FOREVER);
    assert_true(wait_state(f, SP_ID_WORKER, 0, FFA_UNICORN_EC_RUNNING));
    assert_int_equal(ucf_state(f, SP_ID_FORWARDER), FFA_UNICORN_EC_BLOCKED);
    r = ucf_req_on(f, 1, SP_ID_FORWARDER, SP_CMD_CALL, FFA_ID_GET, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    r = run_on(f, 1, SP_ID_FORWARDER, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    r = ucf_req_on(f, 1, SP_ID_WORKER, SP_CMD_COMPUTE, 10, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    r = run_on(f, 1, SP_ID_WORKER, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    /* The same requests from an SP on PE 1 (the MP partition's context 1): BUSY. */
    r = ucf_req_on(f, 1, SP_ID_MP, SP_MP_CMD_FORWARD, SP_ID_FORWARDER, SP_CMD_CALL, FFA_ID_GET, 0);
    ucf_assert_resp(&r, SP_ID_MP);
    assert_int_equal(r.x[3], SP_FORWARD_FAILED);
    assert_int_equal(r.x[4], (uint32_t)FFA_RET_BUSY);

    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, 0), 0);
    call_join(&a);
    assert_interrupt(&a.out, SP_ID_FORWARDER, 0);
    assert_int_equal(ucf_state(f, SP_ID_FORWARDER), FFA_UNICORN_EC_PREEMPTED);
    assert_int_equal(ucf_state(f, SP_ID_WORKER), FFA_UNICORN_EC_PREEMPTED);
    r = run_on(f, 1, SP_ID_FORWARDER, 0);
    th_assert_error(&r, FFA_RET_DENIED);
    r = run_on(f, 1, SP_ID_WORKER, 0);
    th_assert_error(&r, FFA_RET_DENIED);

    /* On PE 0 the chain resumes: the forwarder runs its callee again, until PE 0's interrupt. */
    a.in = th_regs(FFA_RUN, (uint32_t)SP_ID_FORWARDER << 16, 0, 0, 0, 0, 0, 0);
    a.cpu = 0;
    assert_int_equal(pthread_create(&a.t, NULL, call_main, &a), 0);
    assert_true(wait_state(f, SP_ID_WORKER, 0, FFA_UNICORN_EC_RUNNING));
    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, 0), 0);
    call_join(&a);
    assert_interrupt(&a.out, SP_ID_FORWARDER, 0);
}

/* Each PE's non-secure interrupt preempts only what runs on that PE. */
static void test_ns_interrupt_of_one_pe_preempts_only_that_pe(void **state)
{
    struct ucf *f = *state;
    struct call_thread a, b;
    struct ffa_regs r;

    call_start(&a, f, 0, SP_ID_MP, SP_CMD_COMPUTE, FOREVER, 0, 0);
    call_start(&b, f, 1, SP_ID_MP, SP_CMD_COMPUTE, FOREVER, 0, 0);
    assert_true(wait_state(f, SP_ID_MP, 0, FFA_UNICORN_EC_RUNNING));
    assert_true(wait_state(f, SP_ID_MP, 1, FFA_UNICORN_EC_RUNNING));
    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, 1), 0);
    call_join(&b);
    assert_interrupt(&b.out, SP_ID_MP, 1);
    sleep_us(20000);
    assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_MP, 0), FFA_UNICORN_EC_RUNNING);
    ffa_unicorn_raise_ns_interrupt(f->spmc); /* PE 0 */
    call_join(&a);
    assert_interrupt(&a.out, SP_ID_MP, 0);
    /* Context 1 resumes only on PE 1. */
    r = run_on(f, 0, SP_ID_MP, 1);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
    b.in = th_regs(FFA_RUN, (uint32_t)SP_ID_MP << 16 | 1, 0, 0, 0, 0, 0, 0);
    assert_int_equal(pthread_create(&b.t, NULL, call_main, &b), 0);
    assert_true(wait_state(f, SP_ID_MP, 1, FFA_UNICORN_EC_RUNNING));
    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, 1), 0);
    call_join(&b);
    assert_interrupt(&b.out, SP_ID_MP, 1);
}

/* A fault on PE 2 aborts the whole partition: every context, on every PE. */
static void test_abort_on_one_pe_aborts_every_context(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req_on(f, 2, SP_ID_MP, SP_MP_CMD_FAULT, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_ABORTED);
    for (uint16_t v = 0; v < PES; v++)
        assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_MP, v), FFA_UNICORN_EC_ABORTED);
    for (uint32_t pe = 0; pe < PES; pe++) {
        r = ucf_req_on(f, pe, SP_ID_MP, SP_MP_CMD_WHO, 0, 0, 0, 0);
        th_assert_error(&r, FFA_RET_ABORTED);
        r = run_on(f, pe, SP_ID_MP, (uint16_t)pe);
        th_assert_error(&r, FFA_RET_ABORTED);
    }
    /* Others on every PE go on. */
    r = ucf_req_on(f, 3, SP_ID_ECHO, 7, 8, 9, 10, 11);
    ucf_assert_resp(&r, SP_ID_ECHO);
}

/*
 * The partition is aborted on PE 1 while its context 0 runs on PE 0: PE 0 aborts that context at
 * its next exit, and its caller gets ABORTED.
 */
static void test_abort_reaches_a_context_running_on_another_pe(void **state)
{
    struct ucf *f = *state;
    struct call_thread a;
    struct ffa_regs r;

    call_start(&a, f, 0, SP_ID_MP, SP_CMD_COMPUTE, FOREVER, 0, 0);
    assert_true(wait_state(f, SP_ID_MP, 0, FFA_UNICORN_EC_RUNNING));
    r = ucf_req_on(f, 1, SP_ID_MP, SP_MP_CMD_FAULT, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_MP, 0), FFA_UNICORN_EC_ABORTED);
    /* Its next exit: the interrupt of PE 0. */
    assert_int_equal(ffa_unicorn_raise_ns_interrupt_on(f->spmc, 0), 0);
    call_join(&a);
    th_assert_error(&a.out, FFA_RET_ABORTED);
    assert_true(ucf_log_has(f, "its partition was aborted on another PE"));
}

/* ---- Configuration ---- */

static void set_ctx_4(void *fdt)
{
    fdt_setprop_u32(fdt, fdt_path_offset(fdt, "/"), "execution-ctx-count", 4);
}

/* An MP partition that registers no secondary entry point: its other contexts stay OFF. */
static void test_mp_partition_without_secondary_entry_stays_off(void **state)
{
    char elf[512], dtb[512], err[512];
    struct ffa_unicorn_sp_config sp = {0};
    struct ffa_unicorn_config cfg = {.sps = &sp, .sp_count = 1, .pe_count = PES};
    struct ffa_unicorn *u = NULL;
    struct ffa_backend be;
    struct ffa_regs in, out;
    size_t size;
    void *fdt;

    (void)state;
    ucf_sp_paths("worker", elf, dtb, sizeof(elf));
    fdt = ucf_read_file(dtb, &size, 4096);
    assert_int_equal(fdt_open_into(fdt, fdt, (int)size + 4096), 0);
    set_ctx_4(fdt);
    sp.elf_path = elf;
    sp.manifest_data = fdt;
    sp.manifest_size = fdt_totalsize(fdt);
    if (ffa_unicorn_create(&cfg, &u, err, sizeof(err)) != 0) {
        free(fdt);
        fail_msg("create: %s", err);
    }
    free(fdt);
    be = ffa_unicorn_backend(u);
    in = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, (uint32_t)TEST_VM_ID << 16 | SP_ID_WORKER, 0,
                 SP_CMD_COMPUTE, 5, 0, 0, 0);
    ffa_backend_call(&be, 2, &in, &out);
    {
        enum ffa_unicorn_ec_state s0 = ffa_unicorn_ec_state(u, SP_ID_WORKER, 0),
                                  s2 = ffa_unicorn_ec_state(u, SP_ID_WORKER, 2);
        struct ffa_regs busy = out;

        ffa_backend_call(&be, 0, &in, &out);
        ffa_unicorn_destroy(u);
        assert_int_equal(s0, FFA_UNICORN_EC_WAITING);
        assert_int_equal(s2, FFA_UNICORN_EC_OFF);
        th_assert_error(&busy, FFA_RET_BUSY);
        assert_int_equal(out.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
        assert_int_equal(out.x[3], ucf_worker_checksum(5));
    }
}

/* execution-ctx-count must be 1 or the number of PEs (Hafnium): 4 on 2 PEs is refused. */
static void test_ctx_count_must_be_one_or_the_pe_count(void **state)
{
    char elf[512], dtb[512], err[512] = "";
    struct ffa_unicorn_sp_config sp = {0};
    struct ffa_unicorn_config cfg = {.sps = &sp, .sp_count = 1, .pe_count = 2};
    struct ffa_unicorn *u = NULL;
    int ret;

    (void)state;
    ucf_sp_paths("mp", elf, dtb, sizeof(elf));
    sp.elf_path = elf;
    sp.manifest_path = dtb;
    ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));
    ffa_unicorn_destroy(u);
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    assert_non_null(strstr(err, "'execution-ctx-count' value 4"));
    assert_non_null(strstr(err, "number of PEs, 2"));
    /* On one PE (the default) too. */
    cfg.pe_count = 0;
    u = NULL;
    ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));
    ffa_unicorn_destroy(u);
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    assert_non_null(strstr(err, "number of PEs, 1"));
}

static void test_pe_count_above_the_limit_is_refused(void **state)
{
    char elf[512], dtb[512], err[512] = "";
    struct ffa_unicorn_sp_config sp = {0};
    struct ffa_unicorn_config cfg = {
        .sps = &sp, .sp_count = 1, .pe_count = FFA_UNICORN_MAX_PES + 1};
    struct ffa_unicorn *u = NULL;
    int ret;

    (void)state;
    ucf_sp_paths("echo", elf, dtb, sizeof(elf));
    sp.elf_path = elf;
    sp.manifest_path = dtb;
    ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));
    ffa_unicorn_destroy(u);
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    assert_non_null(strstr(err, "pe_count 65 is not 1..64"));
}

/* ---- Through the mediator: a VM with one vCPU per PE, one thread each ---- */

struct vcpu_thread {
    pthread_t t;
    struct ucf *f;
    struct ffa_vm *vm;
    uint16_t vcpu;
    unsigned wrong, handled;
};

static void *vcpu_main(void *arg)
{
    struct vcpu_thread *v = arg;

    for (unsigned i = 0; i < WHO_CALLS / 2; i++) {
        struct ffa_regs r =
            th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 3u << 16 | SP_ID_MP, 0, SP_MP_CMD_WHO, 0, 0, 0, 0);

        /* vCPU n runs on physical PE n. */
        if (ffa_mediator_handle(v->f->m, v->vm, v->vcpu, v->vcpu, &r) != FFA_CALL_HANDLED ||
            r.x[0] != FFA_MSG_SEND_DIRECT_RESP_32 || r.x[1] != ((uint32_t)SP_ID_MP << 16 | 3u) ||
            r.x[3] != v->vcpu)
            v->wrong++;
        else
            v->handled++;
    }
    return NULL;
}

static void test_vm_vcpus_on_their_pes_through_the_mediator(void **state)
{
    struct ucf *f = *state;
    struct vcpu_thread v[PES];
    struct ffa_vm *vm;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);

    assert_int_equal(ffa_vm_add(f->m, 3, PES, 0, &vm), 0);
    assert_int_equal(ffa_mediator_handle(f->m, vm, 0, 0, &r), FFA_CALL_HANDLED);
    for (uint16_t i = 0; i < PES; i++) {
        v[i] = (struct vcpu_thread){.f = f, .vm = vm, .vcpu = i};
        assert_int_equal(pthread_create(&v[i].t, NULL, vcpu_main, &v[i]), 0);
    }
    for (uint16_t i = 0; i < PES; i++)
        pthread_join(v[i].t, NULL);
    for (uint16_t i = 0; i < PES; i++) {
        assert_int_equal(v[i].wrong, 0);
        assert_int_equal(v[i].handled, WHO_CALLS / 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mp_contexts_boot_on_their_pe, setup_mp, teardown),
        cmocka_unit_test_setup_teardown(test_secondary_ep_register_after_init_is_denied, setup_mp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_parallel_requests_reach_the_context_of_their_pe,
                                        setup_mp, teardown),
        cmocka_unit_test_setup_teardown(test_call_on_a_pe_that_does_not_exist, setup_mp, teardown),
        cmocka_unit_test_setup_teardown(test_mp_run_of_another_pe_context_is_invalid, setup_mp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_up_sp_running_on_one_pe_is_busy_on_another, setup_mp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_up_sp_blocked_in_a_chain_on_another_pe, setup_mp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ns_interrupt_of_one_pe_preempts_only_that_pe, setup_mp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_abort_on_one_pe_aborts_every_context, setup_mp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_abort_reaches_a_context_running_on_another_pe,
                                        setup_mp, teardown),
        cmocka_unit_test(test_mp_partition_without_secondary_entry_stays_off),
        cmocka_unit_test(test_ctx_count_must_be_one_or_the_pe_count),
        cmocka_unit_test(test_pe_count_above_the_limit_is_refused),
        cmocka_unit_test_setup_teardown(test_vm_vcpus_on_their_pes_through_the_mediator, setup_mp,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
