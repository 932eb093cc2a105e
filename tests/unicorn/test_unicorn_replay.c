/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Record then replay: a scenario played against the Unicorn backend through the
 * mock's recorder is loaded into a fresh mock; the same guest calls through a new mediator on the
 * mock get identical replies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uc_fixture.h"

#define STEPS 12

static void scenario(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs out[STEPS])
{
    const uint32_t vm_sp = (uint32_t)TEST_VM_ID << 16;
    struct ffa_regs calls[STEPS] = {
        {{FFA_VERSION, FFA_VERSION_1_2}},
        {{FFA_SPM_ID_GET}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, vm_sp | SP_ID_ECHO, 0, 1, 2, 3, 4, 5}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, vm_sp | SP_ID_WORKER, 0, SP_CMD_COMPUTE, 60000}},
        {{FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0)}},
        {{FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0)}},
        {{FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0)}},
        {{FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0)}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, vm_sp | SP_ID_WORKER, 0, SP_CMD_YIELD, 9}},
        {{FFA_RUN, FFA_TARGET_INFO(SP_ID_WORKER, 0)}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, vm_sp | SP_ID_FAULTY, 0, SP_FAULT_UNDEF}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, vm_sp | 0x8077, 0, 0}},
    };

    for (int i = 0; i < STEPS; i++) {
        out[i] = calls[i];
        assert_int_equal(ffa_mediator_handle(m, vm, 0, 0, &out[i]), FFA_CALL_HANDLED);
    }
}

/* Everything the test builds; teardown frees whatever is still there (a failed test too). */
struct replay {
    struct test_host h1, h2;
    struct ffa_unicorn *u;
    struct ffa_recorder *rec;
    FILE *stream;
    char *script;
    size_t script_len;
    struct ffa_mediator *m;
    struct ffa_mock *mock;
};

static int setup(void **state)
{
    struct replay *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct replay *t = *state;

    if (t->m != NULL)
        ffa_mediator_destroy(t->m);
    if (t->rec != NULL)
        ffa_recorder_destroy(t->rec);
    ffa_unicorn_destroy(t->u);
    if (t->stream != NULL)
        fclose(t->stream);
    if (t->mock != NULL)
        ffa_mock_destroy(t->mock);
    free(t->script);
    free(t);
    return 0;
}

static void test_recorded_unicorn_session_replays_in_mock(void **state)
{
    struct replay *t = *state;
    struct ffa_regs live[STEPS], replayed[STEPS];
    struct ffa_unicorn_sp_config sps[3];
    char paths[3][2][512];
    struct ffa_unicorn_config cfg = {0};
    struct ffa_backend be, rbe;
    struct ffa_vm *vm;
    char err[256];

    cfg.sps = sps;
    cfg.sp_count = ucf_sp_list(UCF_ECHO | UCF_WORKER | UCF_FAULTY, sps, paths);
    cfg.preempt_blocks = 40000;
    assert_int_equal(ffa_unicorn_create(&cfg, &t->u, NULL, 0), 0);
    be = ffa_unicorn_backend(t->u);
    t->stream = open_memstream(&t->script, &t->script_len);
    assert_non_null(t->stream);
    t->rec = ffa_recorder_create(&be, t->stream);
    rbe = ffa_recorder_backend(t->rec);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &t->h1, &rbe, &t->m), 0);
    assert_int_equal(ffa_vm_add(t->m, TEST_VM_ID, 1, 0, &vm), 0);
    scenario(t->m, vm, live);
    ffa_mediator_destroy(t->m);
    t->m = NULL;
    ffa_recorder_destroy(t->rec);
    t->rec = NULL;
    ffa_unicorn_destroy(t->u);
    t->u = NULL;
    fclose(t->stream);
    t->stream = NULL;
    assert_int_equal(t->h1.live_allocs, 0);

    /* The live session did what the scenario says (so the replay compares something real). */
    assert_int_equal(live[2].x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(live[3].x[0], FFA_INTERRUPT);
    assert_int_equal(live[8].x[0], FFA_MSG_YIELD);
    th_assert_error(&live[10], FFA_RET_ABORTED);
    th_assert_error(&live[11], FFA_RET_INVALID_PARAMETERS);

    t->mock = ffa_mock_create();
    ffa_mock_set_fail_handler(t->mock, th_mock_fail, NULL);
    if (ffa_mock_load_string(t->mock, t->script, "recorded", err, sizeof(err)) != 0)
        fail_msg("%s", err);
    be = ffa_mock_backend(t->mock);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &t->h2, &be, &t->m), 0);
    assert_int_equal(ffa_vm_add(t->m, TEST_VM_ID, 1, 0, &vm), 0);
    scenario(t->m, vm, replayed);
    assert_int_equal(ffa_mock_verify(t->mock), 0);
    for (int i = 0; i < STEPS; i++)
        assert_memory_equal(&live[i], &replayed[i], sizeof(live[i]));
    ffa_mediator_destroy(t->m);
    t->m = NULL;
    assert_int_equal(t->h2.live_allocs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recorded_unicorn_session_replays_in_mock, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
