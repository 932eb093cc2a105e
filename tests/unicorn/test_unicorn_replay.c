/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Record then replay: a scenario played against the Unicorn backend through the mock's recorder is
 * loaded into a fresh mock; the same guest calls through a new mediator on the mock get identical
 * replies. With memory: the recording also holds what the secure world wrote into RX buffers (the
 * partition list, messages to a VM) and read from TX buffers (the forwarded buffer descriptors, a
 * VM's messages), so the guest finds the same bytes in its RX buffer, and a message that differs
 * from the recorded one fails the replay.
 *
 * FFA_TEST_RECORDING=<file> also writes the messaging recording to <file> (how
 * examples/recordings/messaging.ffa was made).
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

/* Everything the registers-only session builds; teardown frees what is left (a failed test too). */
struct session {
    struct test_host h1, h2;
    struct ffa_unicorn *u;
    struct ffa_recorder *rec;
    FILE *stream;
    char *script;
    size_t script_len;
    struct ffa_mediator *m;
    struct ffa_mock *mock;
};

static int setup_session(void **state)
{
    struct session *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return -1;
    *state = t;
    return 0;
}

static int teardown_session(void **state)
{
    struct session *t = *state;

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
    struct session *t = *state;
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

/* ---- With memory: partition lists and messages ---- */

#define MSG_STEPS 20

/* What the guest saw: every reply, the partition list and the two messages in its RX buffer. */
struct seen {
    struct ffa_regs replies[MSG_STEPS];
    unsigned n;
    uint8_t partitions[24 * 8];
    uint32_t partition_count;
    uint8_t msg[2][128];
};

/* Write {cmd, arg, text} for `to` into the VM's TX buffer behind a v1.2 header. */
static void vm_write_msg(struct test_host *h, uint16_t to, uint32_t cmd, uint32_t arg,
                         const char *text)
{
    uint8_t *tx = th_guest_ptr(h, TEST_VM_ID, TEST_TX_IPA);
    uint32_t len = (uint32_t)strlen(text);
    const uint32_t words[] = {40, (uint32_t)TEST_VM_ID << 16 | to, 8 + len};

    memset(tx, 0, 48 + len);
    for (int i = 0; i < 3; i++) {
        for (int b = 0; b < 4; b++)
            tx[8 + 4 * i + b] = (uint8_t)(words[i] >> (8 * b));
    }
    for (int b = 0; b < 4; b++) {
        tx[40 + b] = (uint8_t)(cmd >> (8 * b));
        tx[44 + b] = (uint8_t)(arg >> (8 * b));
    }
    memcpy(tx + 48, text, len);
}

static struct ffa_regs vm_call(struct ffa_mediator *m, struct ffa_vm *vm, struct seen *out,
                               struct ffa_regs r)
{
    assert_int_equal(ffa_mediator_handle(m, vm, 0, 0, &r), FFA_CALL_HANDLED);
    assert_true(out->n < MSG_STEPS);
    out->replies[out->n++] = r;
    return r;
}

/*
 * The guest's session: version, buffers, the partition list, a message to the messenger SP and
 * its answer, a message relayed by the messenger to messenger2, whose answer comes back.
 * `relay_text` is what the guest writes for the relay (the TX-mismatch test changes it).
 */
static void messaging(struct ffa_mediator *m, struct test_host *h, struct seen *out,
                      const char *relay_text)
{
    const uint8_t *rx = th_guest_ptr(h, TEST_VM_ID, TEST_RX_IPA);
    struct ffa_vm *vm;
    struct ffa_regs r;

    memset(out, 0, sizeof(*out));
    assert_int_equal(ffa_vm_add(m, TEST_VM_ID, 1, 0, &vm), 0);
    vm_call(m, vm, out, (struct ffa_regs){{FFA_VERSION, FFA_VERSION_1_2}});
    vm_call(m, vm, out, (struct ffa_regs){{FFA_RXTX_MAP_64, TEST_TX_IPA, TEST_RX_IPA, 1}});
    r = vm_call(m, vm, out, (struct ffa_regs){{FFA_PARTITION_INFO_GET}});
    if (r.x[0] == FFA_SUCCESS_32 && r.x[2] <= 8) {
        out->partition_count = (uint32_t)r.x[2];
        memcpy(out->partitions, rx, 24 * r.x[2]);
    }
    vm_call(m, vm, out, (struct ffa_regs){{FFA_RX_RELEASE}});

    vm_write_msg(h, SP_ID_MESSENGER, SP_MSG_PING, 7, "hello");
    vm_call(m, vm, out, (struct ffa_regs){{FFA_MSG_SEND2}});
    vm_call(m, vm, out, (struct ffa_regs){{FFA_RUN, FFA_TARGET_INFO(SP_ID_MESSENGER, 0)}});
    memcpy(out->msg[0], rx, sizeof(out->msg[0]));
    vm_call(m, vm, out, (struct ffa_regs){{FFA_RX_RELEASE}});

    vm_write_msg(h, SP_ID_MESSENGER, SP_MSG_RELAY, SP_ID_MESSENGER2, relay_text);
    vm_call(m, vm, out, (struct ffa_regs){{FFA_MSG_SEND2}});
    vm_call(m, vm, out, (struct ffa_regs){{FFA_RUN, FFA_TARGET_INFO(SP_ID_MESSENGER, 0)}});
    vm_call(m, vm, out, (struct ffa_regs){{FFA_RUN, FFA_TARGET_INFO(SP_ID_MESSENGER2, 0)}});
    memcpy(out->msg[1], rx, sizeof(out->msg[1]));
    vm_call(m, vm, out, (struct ffa_regs){{FFA_RX_RELEASE}});
}

/* The recording of messaging() against the emulated SPMC, and what the guest saw live. */
struct recorded {
    char *script;
    size_t script_len;
    struct seen live;
};

static int record_messaging(void **state)
{
    struct recorded *rec = calloc(1, sizeof(*rec));
    struct ucf *f;
    struct ffa_recorder *recorder;
    struct ffa_backend be, rbe;
    const char *path = getenv("FFA_TEST_RECORDING");
    FILE *stream;

    assert_non_null(rec);
    *state = rec;
    f = ucf_new_full(UCF_ECHO | UCF_MESSENGER | UCF_MESSENGER2, false);
    be = ffa_unicorn_backend(f->spmc);
    stream = open_memstream(&rec->script, &rec->script_len);
    assert_non_null(stream);
    recorder = ffa_recorder_create(&be, stream);
    assert_non_null(recorder);
    ffa_recorder_set_memory(recorder, ucf_ns_memory, f);
    rbe = ffa_recorder_backend(recorder);
    assert_int_equal(ffa_mediator_create(NULL, ucf_full_host_ops(), &f->host, &rbe, &f->m), 0);
    messaging(f->m, &f->host, &rec->live, "round trip");
    ffa_mediator_destroy(f->m);
    f->m = NULL;
    ffa_recorder_destroy(recorder);
    assert_int_equal(fclose(stream), 0);
    ucf_free(f);
    if (path != NULL) {
        FILE *file = fopen(path, "w");

        assert_non_null(file);
        fputs(rec->script, file);
        assert_int_equal(fclose(file), 0);
    }
    return 0;
}

static int free_recording(void **state)
{
    struct recorded *rec = *state;

    free(rec->script);
    free(rec);
    return 0;
}

/*
 * A replay: a fresh host and a mock loaded with the group's recording (*state on entry); failures
 * are kept, not thrown (a longjmp out of the mediator would leave its locks held).
 */
struct replay {
    const struct recorded *rec; /* the group's recording */
    struct test_host host;
    struct ffa_mock *mock;
    struct ffa_mediator *m;
    struct seen seen;
    unsigned failures;
    char failure[8192];
};

static void keep_failure(void *ctx, const char *message)
{
    struct replay *r = ctx;

    if (r->failures++ == 0)
        snprintf(r->failure, sizeof(r->failure), "%s", message);
}

static int setup_replay(void **state)
{
    const struct recorded *rec = *state;
    struct replay *r = calloc(1, sizeof(*r));
    struct ffa_backend be;
    char err[256];

    if (r == NULL || (r->mock = ffa_mock_create()) == NULL) {
        free(r);
        return -1;
    }
    r->rec = rec;
    ffa_mock_set_fail_handler(r->mock, keep_failure, r);
    ffa_mock_set_memory(r->mock, th_ns_memory, &r->host);
    if (ffa_mock_load_string(r->mock, rec->script, "recorded", err, sizeof(err)) != 0) {
        print_error("%s\n", err);
        ffa_mock_destroy(r->mock);
        free(r);
        return -1;
    }
    be = ffa_mock_backend(r->mock);
    if (ffa_mediator_create(NULL, &test_host_ops_full, &r->host, &be, &r->m) != 0) {
        ffa_mock_destroy(r->mock);
        free(r);
        return -1;
    }
    *state = r;
    return 0;
}

static int teardown_replay(void **state)
{
    struct replay *r = *state;
    int bad;

    ffa_mediator_destroy(r->m);
    ffa_mock_destroy(r->mock);
    bad = th_host_release(&r->host);
    free(r);
    return bad != 0 ? -1 : 0;
}

static void test_recording_holds_the_partition_list_and_messages(void **state)
{
    const struct recorded *rec = *state;

    /* The live session found the SPs and got both answers (so the replay compares real data). */
    assert_int_equal(rec->live.partition_count, 4); /* three SPs and the VM itself */
    assert_int_equal(rec->live.partitions[0], SP_ID_ECHO & 0xff);
    assert_memory_equal(rec->live.msg[0] + 48, "pong: hello", 11);
    assert_memory_equal(rec->live.msg[1] + 48, "pong: round trip", 16);
    assert_non_null(strstr(rec->script, "\nrx 0x0000 0x0 "));     /* the SP list, to the mediator */
    assert_non_null(strstr(rec->script, "\ntx 0x0001 0x0 "));     /* a message the VM sent */
    assert_non_null(strstr(rec->script, "\nrx 0x0001 0x0 "));     /* a message to the VM */
    assert_non_null(strstr(rec->script, "\ntx 0x0000 0x20 ???")); /* a forwarded descriptor */
}

static void test_replay_gives_the_guest_the_same_replies_and_bytes(void **state)
{
    struct replay *r = *state;
    const struct seen *live = &r->rec->live;

    messaging(r->m, &r->host, &r->seen, "round trip");
    if (r->failures != 0)
        fail_msg("%s", r->failure);
    assert_int_equal(r->seen.n, live->n);
    for (unsigned i = 0; i < live->n; i++)
        assert_memory_equal(&r->seen.replies[i], &live->replies[i], sizeof(live->replies[i]));
    assert_int_equal(r->seen.partition_count, live->partition_count);
    assert_memory_equal(r->seen.partitions, live->partitions, 24 * live->partition_count);
    assert_memory_equal(r->seen.msg, live->msg, sizeof(live->msg));
    ffa_mediator_destroy(r->m);
    r->m = NULL;
    assert_int_equal(ffa_mock_verify(r->mock), 0);
}

static void test_replay_catches_a_message_that_differs(void **state)
{
    struct replay *r = *state;

    messaging(r->m, &r->host, &r->seen, "round trap");
    assert_true(r->failures >= 1);
    assert_non_null(strstr(r->failure, "the TX of VM 0x0001 differs from the script"));
    assert_non_null(strstr(r->failure, "got: FFA_MSG_SEND2(from VM 0x0001)"));
    /* Both sides of the row: "round trip" recorded, "round trap" sent. */
    assert_non_null(strstr(r->failure, "72 6f 75 6e 64 20 74 72 69 70"));
    assert_non_null(strstr(r->failure, "72 6f 75 6e 64 20 74 72 61 70"));
    /* The guest's relay got the mock's ABORTED. */
    th_assert_error(&r->seen.replies[7], FFA_RET_ABORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recorded_unicorn_session_replays_in_mock,
                                        setup_session, teardown_session),
        cmocka_unit_test(test_recording_holds_the_partition_list_and_messages),
        cmocka_unit_test_setup_teardown(test_replay_gives_the_guest_the_same_replies_and_bytes,
                                        setup_replay, teardown_replay),
        cmocka_unit_test_setup_teardown(test_replay_catches_a_message_that_differs, setup_replay,
                                        teardown_replay),
    };

    return cmocka_run_group_tests(tests, record_messaging, free_recording);
}
