/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A memory transaction recorded and replayed through the mediator: the descriptor the mediator
 * forwards to the secure world (in its own TX buffer) is in the recording with its physical
 * addresses masked, replays against a fresh mediator and host, and a VM that shares something
 * else than what was recorded fails the replay.
 *
 * The recorded secure world is the SPMC model of mem_support.c on the mock; the recorder sits
 * between it and the mediator. FFA_TEST_RECORDING=<file> also writes the recording to <file>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem_support.h"

#define SHARE_IPA (TEST_RAM_IPA + 0x20000)

/* The guest's side: a VM at v1.2 with 1-page buffers shares `pages` pages, then reclaims. */
struct guest {
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct test_host *host;
};

static struct ffa_regs guest_call(struct guest *g, struct ffa_regs r)
{
    assert_int_equal(ffa_mediator_handle(g->m, g->vm, 0, 0, &r), FFA_CALL_HANDLED);
    return r;
}

/* Share then reclaim; out[0] = the share's reply, out[1] = the reclaim's. */
static void share_and_reclaim(struct guest *g, uint32_t pages, struct ffa_regs out[2])
{
    const struct ffa_mem_range range = {SHARE_IPA, pages};
    struct md d = md_share_to_sp(FFA_VERSION_1_2, &range, 1);
    uint8_t *tx = th_guest_ptr(g->host, TEST_VM_ID, TEST_TX_IPA);
    uint32_t len = md_build(&d, tx, 4096);

    out[0] = guest_call(g, th_regs(FFA_MEM_SHARE_64, len, len, 0, 0, 0, 0, 0));
    out[1] = guest_call(
        g, th_regs(FFA_MEM_RECLAIM, (uint32_t)out[0].x[2], (uint32_t)out[0].x[3], 0, 0, 0, 0, 0));
}

/* ---- Recording (the group setup) ---- */

struct recorded {
    struct mem_fw fw;
    struct ffa_recorder *rec;
    FILE *out;
    char *text;
    size_t text_len;
    struct ffa_regs live[2];
};

/* th_opts.wrap: the SPMC model on the mock, and the recorder in front of it. */
static struct ffa_backend record_wrap(void *ctx, struct fixture *f, struct ffa_backend inner)
{
    struct recorded *r = ctx;
    struct ffa_backend model = mem_fw_wrap(&r->fw, f, inner);

    r->rec = ffa_recorder_create(&model, r->out);
    if (r->rec == NULL)
        return model; /* the group setup sees rec == NULL and fails */
    ffa_recorder_set_memory(r->rec, th_ns_memory, &f->host);
    return ffa_recorder_backend(r->rec);
}

static int free_recording(void **state)
{
    struct recorded *r = *state;

    if (r == NULL)
        return 0;
    ffa_recorder_destroy(r->rec);
    if (r->out != NULL)
        fclose(r->out);
    free(r->text);
    mem_fw_free(&r->fw);
    free(r);
    return 0;
}

static int record(void **state)
{
    struct recorded *r = calloc(1, sizeof(*r));
    struct th_opts o = {
        .fw_abis = FW_MEM_WORLD, .vm_version = FFA_VERSION_1_2, .mem_host = 1, .wrap = record_wrap};
    void *fs = NULL;
    struct fixture *f;
    struct guest g;
    int bad;

    *state = r;
    if (r == NULL || (r->out = open_memstream(&r->text, &r->text_len)) == NULL)
        return -1;
    o.wrap_ctx = r;
    if (th_setup(&fs, &o) != 0 || r->rec == NULL)
        return -1; /* free_recording() frees what was made */
    f = fs;
    g = (struct guest){f->m, f->vm, &f->host};
    if (th_try_map_buffers(f, f->vm, 1) != 0) {
        th_fixture_release(f);
        return -1;
    }
    share_and_reclaim(&g, 2, r->live);
    bad = th_fixture_release(f); /* destroys the mediator: the recording is complete */
    ffa_recorder_destroy(r->rec);
    r->rec = NULL;
    if (fflush(r->out) != 0 || bad != 0)
        return -1;
    if (getenv("FFA_TEST_RECORDING") != NULL) {
        FILE *file = fopen(getenv("FFA_TEST_RECORDING"), "w");

        if (file == NULL || fputs(r->text, file) < 0 || fclose(file) != 0)
            return -1;
    }
    return 0;
}

/* ---- Replay: a mock loaded with the recording, a fresh host and mediator ---- */

struct replay {
    const struct recorded *rec;
    struct test_host host;
    struct ffa_mock *mock;
    struct guest g;
    unsigned failures;
    char failure[8192];
};

static void keep_failure(void *ctx, const char *message)
{
    struct replay *p = ctx;

    if (p->failures++ == 0)
        snprintf(p->failure, sizeof(p->failure), "%s", message);
}

static int setup_replay(void **state)
{
    struct replay *p = calloc(1, sizeof(*p));
    struct ffa_backend be;
    struct ffa_regs r;
    char err[256];

    if (p == NULL)
        return -1;
    p->rec = *state;
    *state = p;
    p->g.host = &p->host;
    p->mock = ffa_mock_create();
    if (p->mock == NULL)
        return -1;
    ffa_mock_set_fail_handler(p->mock, keep_failure, p);
    ffa_mock_set_memory(p->mock, th_ns_memory, &p->host);
    if (ffa_mock_load_string(p->mock, p->rec->text, "recorded", err, sizeof(err)) != 0) {
        print_error("%s\n", err);
        return -1;
    }
    be = ffa_mock_backend(p->mock);
    if (ffa_mediator_create(NULL, &test_host_ops_mem, &p->host, &be, &p->g.m) != 0 ||
        ffa_vm_add(p->g.m, TEST_VM_ID, 2, 0, &p->g.vm) != 0)
        return -1;
    /* What th_setup() and th_try_map_buffers() did for the recorded guest. */
    r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
    ffa_mediator_handle(p->g.m, p->g.vm, 0, 0, &r);
    r = th_regs(FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1, 0, 0, 0, 0);
    ffa_mediator_handle(p->g.m, p->g.vm, 0, 0, &r);
    return r.x[0] == FFA_SUCCESS_32 ? 0 : -1;
}

static int teardown_replay(void **state)
{
    struct replay *p = *state;
    int bad;

    if (p == NULL)
        return 0;
    ffa_mediator_destroy(p->g.m);
    ffa_mock_destroy(p->mock);
    bad = th_host_release(&p->host);
    free(p);
    return bad != 0 ? -1 : 0;
}

static void test_recording_holds_the_forwarded_descriptor_masked(void **state)
{
    const struct recorded *r = *state;

    assert_int_equal(r->live[0].x[0], FFA_SUCCESS_32);
    assert_int_equal(r->live[1].x[0], FFA_SUCCESS_32);
    /* The descriptor: header (sender VM 1) at 0, then its only constituent's address masked. */
    assert_non_null(strstr(r->text, "\ncall FFA_MEM_SHARE_64 x1=0x70 x2=0x70 x*=0 cpu=0\n"
                                    "tx 0x0000 0x0 01002f00"));
    assert_non_null(strstr(r->text, "\ntx 0x0000 0x60 ????????????????0200000000000000\n"
                                    "reply FFA_SUCCESS_32 x2=0x1000\n"));
}

static void test_replayed_share_gets_the_recorded_replies(void **state)
{
    struct replay *p = *state;
    struct ffa_regs out[2];

    share_and_reclaim(&p->g, 2, out);
    if (p->failures != 0)
        fail_msg("%s", p->failure);
    assert_memory_equal(out, p->rec->live, sizeof(out));
    ffa_mediator_destroy(p->g.m);
    p->g.m = NULL;
    assert_int_equal(ffa_mock_verify(p->mock), 0);
}

static void test_replay_catches_a_different_descriptor(void **state)
{
    struct replay *p = *state;
    struct ffa_regs out[2];

    share_and_reclaim(&p->g, 3, out); /* 3 pages where 2 were recorded */
    assert_true(p->failures >= 1);
    assert_non_null(strstr(p->failure, "the TX of the hypervisor differs from the script"));
    assert_non_null(strstr(p->failure, "got: FFA_MEM_SHARE_64(112 bytes)"));
    th_assert_error(&out[0], FFA_RET_ABORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recording_holds_the_forwarded_descriptor_masked),
        cmocka_unit_test_setup_teardown(test_replayed_share_gets_the_recorded_replies, setup_replay,
                                        teardown_replay),
        cmocka_unit_test_setup_teardown(test_replay_catches_a_different_descriptor, setup_replay,
                                        teardown_replay),
    };

    return cmocka_run_group_tests(tests, record, free_recording);
}
