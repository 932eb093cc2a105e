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

static void test_recorded_unicorn_session_replays_in_mock(void **state)
{
    struct ffa_regs live[STEPS], replayed[STEPS];
    struct test_host h1 = {0}, h2 = {0};
    struct ffa_unicorn_sp_config sps[3];
    char paths[3][2][512];
    struct ffa_unicorn_config cfg = {0};
    struct ffa_unicorn *u;
    struct ffa_recorder *rec;
    struct ffa_backend be, rbe;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    struct ffa_mock *mock;
    char *script = NULL, err[256];
    size_t script_len = 0;
    FILE *stream;

    (void)state;
    cfg.sps = sps;
    cfg.sp_count = ucf_sp_list(UCF_ECHO | UCF_WORKER | UCF_FAULTY, sps, paths);
    cfg.preempt_blocks = 40000;
    assert_int_equal(ffa_unicorn_create(&cfg, &u, NULL, 0), 0);
    be = ffa_unicorn_backend(u);
    stream = open_memstream(&script, &script_len);
    assert_non_null(stream);
    rec = ffa_recorder_create(&be, stream);
    rbe = ffa_recorder_backend(rec);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &h1, &rbe, &m), 0);
    assert_int_equal(ffa_vm_add(m, TEST_VM_ID, 1, 0, &vm), 0);
    scenario(m, vm, live);
    ffa_mediator_destroy(m);
    ffa_recorder_destroy(rec);
    ffa_unicorn_destroy(u);
    fclose(stream);

    /* The live session did what the scenario says (so the replay compares something real). */
    assert_int_equal(live[2].x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(live[3].x[0], FFA_INTERRUPT);
    assert_int_equal(live[8].x[0], FFA_MSG_YIELD);
    th_assert_error(&live[10], FFA_RET_ABORTED);
    th_assert_error(&live[11], FFA_RET_INVALID_PARAMETERS);

    mock = ffa_mock_create();
    ffa_mock_set_fail_handler(mock, th_mock_fail, NULL);
    if (ffa_mock_load_string(mock, script, "recorded", err, sizeof(err)) != 0)
        fail_msg("%s", err);
    be = ffa_mock_backend(mock);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &h2, &be, &m), 0);
    assert_int_equal(ffa_vm_add(m, TEST_VM_ID, 1, 0, &vm), 0);
    scenario(m, vm, replayed);
    assert_int_equal(ffa_mock_verify(mock), 0);
    for (int i = 0; i < STEPS; i++)
        assert_memory_equal(&live[i], &replayed[i], sizeof(live[i]));
    ffa_mediator_destroy(m);
    ffa_mock_destroy(mock);
    free(script);
    assert_int_equal(h1.live_allocs, 0);
    assert_int_equal(h2.live_allocs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_unicorn_session_replays_in_mock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
