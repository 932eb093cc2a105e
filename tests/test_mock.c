/* SPDX-License-Identifier: BSD-3-Clause */
/* The scripted mock: matching, loud failures, the text format, and record-then-replay. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A failure handler that keeps the last message instead of failing the test. */
struct captured {
    char msg[4096];
    int count;
};

static void capture_fail(void *ctx, const char *message)
{
    struct captured *c = ctx;

    snprintf(c->msg, sizeof(c->msg), "%s", message);
    c->count++;
}

/* A mock whose failures go to `c`; NULL when out of memory. */
static struct ffa_mock *capturing_mock(struct captured *c)
{
    struct ffa_mock *mock = ffa_mock_create();

    if (mock != NULL)
        ffa_mock_set_fail_handler(mock, capture_fail, c);
    return mock;
}

static struct ffa_regs call_mock_on(struct ffa_mock *mock, uint32_t cpu, struct ffa_regs in)
{
    struct ffa_backend be = ffa_mock_backend(mock);
    struct ffa_regs out;

    memset(&out, 0xcc, sizeof(out));
    ffa_backend_call(&be, cpu, &in, &out);
    return out;
}

static struct ffa_regs call_mock(struct ffa_mock *mock, struct ffa_regs in)
{
    return call_mock_on(mock, 0, in);
}

/* A capturing mock, and a script file the teardown removes (path[0] != 0). */
struct mock_fixture {
    struct captured c;
    struct ffa_mock *mock;
    char path[32];
};

static int setup(void **state)
{
    struct mock_fixture *t = calloc(1, sizeof(*t));

    *state = t;
    if (t == NULL || (t->mock = capturing_mock(&t->c)) == NULL) {
        free(t);
        *state = NULL;
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    struct mock_fixture *t = *state;

    if (t->path[0] != 0)
        unlink(t->path);
    ffa_mock_destroy(t->mock);
    free(t);
    *state = NULL;
    return 0;
}

static void test_matching_call_gets_the_scripted_reply(void **state)
{
    struct mock_fixture *t = *state;
    struct ffa_regs out;

    th_expect(t->mock, FFA_MOCK_X(1), th_regs(FFA_FEATURES, FFA_RUN, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 7, 0, 0, 0, 0, 0));
    out = call_mock(t->mock, th_regs(FFA_FEATURES, FFA_RUN, 99, 0, 0, 0, 0, 0)); /* x2: any */
    assert_int_equal(out.x[0], FFA_SUCCESS_32);
    assert_int_equal(out.x[2], 7);
    for (int i = 3; i < FFA_NUM_REGS; i++)
        assert_int_equal(out.x[i], 0);
    assert_int_equal(t->c.count, 0);
    assert_int_equal(ffa_mock_verify(t->mock), 0);
}

/* A step that cares about x1 and x3, called with x3 = 6 instead of 5. */
static struct ffa_regs call_with_x3_mismatch(struct ffa_mock *mock)
{
    th_expect(mock, FFA_MOCK_X(1) | FFA_MOCK_X(3),
              th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0x00018001, 0, 5, 0, 0, 0, 0),
              th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0, 0, 0, 0, 0, 0, 0));
    return call_mock(mock, th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0x00018001, 0, 6, 0, 0, 0, 0));
}

static void test_mismatch_names_the_function_and_the_register(void **state)
{
    struct mock_fixture *t = *state;

    call_with_x3_mismatch(t->mock);
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "expected FFA_MSG_SEND_DIRECT_REQ_32, got "
                                     "FFA_MSG_SEND_DIRECT_REQ_32"));
    assert_non_null(
        strstr(t->c.msg, "x3   0x5                  0x6                   <-- mismatch"));
    assert_null(strstr(t->c.msg, "x1   0x18001              0x18001               <--"));
}

static void test_mismatch_decodes_the_call(void **state)
{
    struct mock_fixture *t = *state;

    call_with_x3_mismatch(t->mock);
    assert_non_null(
        strstr(t->c.msg, "\n  got: FFA_MSG_SEND_DIRECT_REQ_32(VM 0x0001 -> SP 0x8001, [0x6])\n"));
}

static void test_mismatch_is_answered_with_aborted(void **state)
{
    struct mock_fixture *t = *state;
    struct ffa_regs out = call_with_x3_mismatch(t->mock);

    th_assert_error(&out, FFA_RET_ABORTED);
}

static void test_mismatch_fails_verify(void **state)
{
    struct mock_fixture *t = *state;

    call_with_x3_mismatch(t->mock);
    assert_int_equal(ffa_mock_verify(t->mock), -1); /* a failure was seen */
}

static void test_wrong_function_is_reported_by_name(void **state)
{
    struct mock_fixture *t = *state;

    th_expect(t->mock, 0, th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    call_mock(t->mock, th_regs(FFA_MSG_SEND_DIRECT_REQ_64, 0, 0, 0, 0, 0, 0, 0));
    assert_non_null(
        strstr(t->c.msg, "expected FFA_MSG_SEND_DIRECT_REQ_32, got FFA_MSG_SEND_DIRECT_REQ_64"));
}

static void test_unexpected_call_fails_loudly(void **state)
{
    struct mock_fixture *t = *state;

    call_mock(t->mock, th_regs(FFA_RUN, 0x80010000, 0, 0, 0, 0, 0, 0));
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "unexpected call #1 FFA_RUN: no expectations left"));
    assert_non_null(strstr(t->c.msg, "0x80010000"));
}

static void test_unexpected_call_is_decoded(void **state)
{
    struct mock_fixture *t = *state;

    call_mock(t->mock, th_regs(FFA_RUN, 0x80010000, 0, 0, 0, 0, 0, 0));
    assert_non_null(strstr(t->c.msg, "\n  got: FFA_RUN(SP 0x8001 vCPU 0)\n"));
}

static void test_leftover_expectations_fail_verify(void **state)
{
    struct mock_fixture *t = *state;

    th_expect(t->mock, FFA_MOCK_X(1), th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mock_pending(t->mock), 1);
    assert_int_equal(ffa_mock_verify(t->mock), -1);
    assert_non_null(strstr(t->c.msg, "1 expected call(s) never made"));
    assert_non_null(strstr(t->c.msg, "call FFA_VERSION x1=0x10002"));
}

/* ---- The processor a call is issued on ---- */

/* A capturing mock, a second mock to stand for a real secure world, and a recording's text. */
struct cpu_fixture {
    struct captured c;
    struct ffa_mock *mock;
    struct ffa_mock *real;
    struct ffa_recorder *rec;
    FILE *out; /* the recording, into text */
    char *text;
    size_t text_len;
};

static int setup_cpu(void **state)
{
    struct cpu_fixture *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    t->mock = capturing_mock(&t->c);
    t->real = ffa_mock_create();
    assert_non_null(t->real);
    ffa_mock_set_fail_handler(t->real, th_mock_fail, NULL);
    *state = t;
    return 0;
}

static int teardown_cpu(void **state)
{
    struct cpu_fixture *t = *state;

    ffa_recorder_destroy(t->rec);
    if (t->out != NULL)
        fclose(t->out);
    ffa_mock_destroy(t->mock);
    ffa_mock_destroy(t->real);
    free(t->text);
    free(t);
    return 0;
}

static void test_step_expecting_a_cpu_refuses_a_call_on_another(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_mock *mock = t->mock;
    struct captured *c = &t->c;
    struct ffa_regs out;

    th_expect_on_cpu(mock, 0, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0), 3,
                     th_regs(FFA_SUCCESS_32, 0, 1, 0, 0, 0, 0, 0));
    out = call_mock_on(mock, 2, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(c->count, 1);
    assert_non_null(strstr(c->msg, "expected FFA_ID_GET, got FFA_ID_GET on cpu 2"));
    assert_non_null(strstr(c->msg, "cpu  3                    2                     <-- mismatch"));
    th_assert_error(&out, FFA_RET_ABORTED);
    assert_int_equal(ffa_mock_verify(mock), -1);
}

static void test_step_expecting_a_cpu_accepts_a_call_on_it(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_mock *mock = t->mock;
    struct captured *c = &t->c;
    struct ffa_regs out;

    th_expect_on_cpu(mock, 0, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0), 3,
                     th_regs(FFA_SUCCESS_32, 0, 1, 0, 0, 0, 0, 0));
    out = call_mock_on(mock, 3, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(out.x[0], FFA_SUCCESS_32);
    assert_int_equal(c->count, 0);
    assert_int_equal(ffa_mock_verify(mock), 0);
}

static void test_step_without_a_cpu_accepts_any_cpu(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_mock *mock = t->mock;
    struct captured *c = &t->c;

    th_expect(mock, 0, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 1, 0, 0, 0, 0, 0));
    th_expect(mock, 0, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 1, 0, 0, 0, 0, 0));
    assert_int_equal(call_mock_on(mock, 0, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0)).x[0],
                     FFA_SUCCESS_32);
    assert_int_equal(call_mock_on(mock, 0xffffffffu, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0)).x[0],
                     FFA_SUCCESS_32);
    assert_int_equal(c->count, 0);
    assert_int_equal(ffa_mock_verify(mock), 0);
}

static void test_leftover_expectation_shows_its_cpu(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_mock *mock = t->mock;
    struct captured *c = &t->c;

    th_expect_on_cpu(mock, FFA_MOCK_X(1), th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0),
                     4, th_regs(FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mock_verify(mock), -1);
    assert_non_null(strstr(c->msg, "call FFA_VERSION x1=0x10002 cpu=4"));
}

static const char cpu_script[] = "call FFA_ID_GET cpu=3\n"
                                 "reply FFA_SUCCESS_32 x2=1\n"
                                 "call FFA_ID_GET x*=0 cpu=0x10\n"
                                 "reply FFA_SUCCESS_32 x2=2\n"
                                 "call FFA_ID_GET cpu=any\n"
                                 "reply FFA_SUCCESS_32 x2=3\n"
                                 "call FFA_ID_GET\n"
                                 "reply FFA_SUCCESS_32 x2=4\n";

static void test_script_cpu_words_name_the_processor(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_mock *mock = t->mock;
    struct captured *c = &t->c;
    struct ffa_regs id = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    assert_int_equal(ffa_mock_load_string(mock, cpu_script, "cpu", NULL, 0), 0);
    assert_int_equal(call_mock_on(mock, 3, id).x[2], 1);
    assert_int_equal(call_mock_on(mock, 16, id).x[2], 2);
    assert_int_equal(call_mock_on(mock, 9, id).x[2], 3); /* cpu=any */
    assert_int_equal(call_mock_on(mock, 5, id).x[2], 4); /* no cpu word: any */
    assert_int_equal(c->count, 0);
    assert_int_equal(ffa_mock_verify(mock), 0);
}

static void test_script_cpu_mismatch_names_the_line(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_mock *mock = t->mock;
    struct captured *c = &t->c;

    assert_int_equal(ffa_mock_load_string(mock, cpu_script, "cpu", NULL, 0), 0);
    call_mock_on(mock, 4, th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(c->count, 1);
    assert_non_null(strstr(c->msg, "(script line 1)"));
    assert_non_null(strstr(c->msg, "cpu  3                    4                     <-- mismatch"));
}

static void test_script_cpu_syntax_errors(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_mock *mock = t->real;
    char err[256] = "";

    assert_int_equal(
        ffa_mock_load_string(mock, "call FFA_ID_GET cpu=x\n", "s.ffa", err, sizeof(err)), -1);
    assert_string_equal(err, "s.ffa:1: cpu takes a 32-bit number or any: x");
    assert_int_equal(
        ffa_mock_load_string(mock, "call FFA_ID_GET cpu=0x100000000\n", "s.ffa", err, sizeof(err)),
        -1);
    assert_string_equal(err, "s.ffa:1: cpu takes a 32-bit number or any: 0x100000000");
    assert_int_equal(
        ffa_mock_load_string(mock, "call FFA_ID_GET cpu=FFA_RUN\n", "s.ffa", err, sizeof(err)), -1);
    assert_string_equal(err, "s.ffa:1: cpu takes a 32-bit number or any: FFA_RUN");
    assert_int_equal(ffa_mock_load_string(mock, "call FFA_ID_GET\nreply FFA_SUCCESS_32 cpu=1\n",
                                          "s.ffa", err, sizeof(err)),
                     -1);
    assert_string_equal(err, "s.ffa:2: expected xN=value: cpu=1");
    assert_int_equal(ffa_mock_pending(mock), 0);
}

/* The recorder writes each call's processor; the recording replays only on the same ones. */
static void test_recorded_cpus_replay_and_are_checked(void **state)
{
    struct cpu_fixture *t = *state;
    struct ffa_backend real_be = ffa_mock_backend(t->real), rec_be;
    struct ffa_regs q = th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0x18001, 0, 7, 0, 0, 0, 0);
    struct ffa_regs out;

    t->out = open_memstream(&t->text, &t->text_len);
    assert_non_null(t->out);
    th_expect(t->real, 0, q, th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0x80010001, 0, 8, 0, 0, 0, 0));
    th_expect(t->real, 0, q, th_regs(FFA_MSG_SEND_DIRECT_RESP_32, 0x80010001, 0, 9, 0, 0, 0, 0));
    t->rec = ffa_recorder_create(&real_be, t->out);
    rec_be = ffa_recorder_backend(t->rec);
    ffa_backend_call(&rec_be, 2, &q, &out);
    assert_int_equal(out.x[3], 8);
    ffa_backend_call(&rec_be, 5, &q, &out);
    assert_int_equal(out.x[3], 9);
    fflush(t->out);
    assert_int_equal(ffa_mock_verify(t->real), 0);
    assert_non_null(strstr(t->text, "call FFA_MSG_SEND_DIRECT_REQ_32 x1=0x18001 x3=0x7 x*=0 cpu=2\n"
                                    "reply FFA_MSG_SEND_DIRECT_RESP_32 x1=0x80010001 x3=0x8\n"));
    assert_non_null(strstr(t->text, "x*=0 cpu=5\n"));

    assert_int_equal(ffa_mock_load_string(t->mock, t->text, "recording", NULL, 0), 0);
    assert_int_equal(call_mock_on(t->mock, 2, q).x[3], 8);
    assert_int_equal(t->c.count, 0);
    call_mock_on(t->mock, 4, q); /* recorded on 5 */
    assert_int_equal(t->c.count, 1);
    assert_non_null(
        strstr(t->c.msg, "cpu  5                    4                     <-- mismatch"));
}

static const char demo_script[] = "# probe\n"
                                  "call FFA_VERSION x1=0x10002 x*=0\n"
                                  "reply 0x10002\n"
                                  "call FFA_FEATURES x1=FFA_RUN   # trailing comment\n"
                                  "reply FFA_ERROR x2=NOT_SUPPORTED\n"
                                  "\n"
                                  "call FFA_MSG_SEND_DIRECT_REQ_32 x1=0x00018001 x3=any x4=7\n"
                                  "reply FFA_MSG_SEND_DIRECT_RESP_32 x1=0x80010001 x3=8\n";

static void test_text_script_loads_and_replays(void **state)
{
    struct mock_fixture *t = *state;
    char err[256] = "";
    struct ffa_regs out;

    assert_int_equal(ffa_mock_load_string(t->mock, demo_script, "demo", err, sizeof(err)), 0);
    assert_int_equal(ffa_mock_pending(t->mock), 3);
    out = call_mock(t->mock, th_regs(FFA_VERSION, 0x10002, 0, 0, 0, 0, 0, 0));
    assert_int_equal(out.x[0], 0x10002);
    out = call_mock(t->mock, th_regs(FFA_FEATURES, FFA_RUN, 0, 0, 0, 0, 0, 0));
    th_assert_error(&out, FFA_RET_NOT_SUPPORTED);
    out = call_mock(t->mock, th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0x18001, 0, 123, 7, 0, 0, 0));
    assert_int_equal(out.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
    assert_int_equal(out.x[1], 0x80010001);
    assert_int_equal(out.x[3], 8);
    assert_int_equal(t->c.count, 0);
    assert_int_equal(ffa_mock_verify(t->mock), 0);
}

static void test_script_exact_call_refuses_nonzero_unnamed_registers(void **state)
{
    struct mock_fixture *t = *state;

    assert_int_equal(ffa_mock_load_string(t->mock, demo_script, "demo", NULL, 0), 0);
    call_mock(t->mock, th_regs(FFA_VERSION, 0x10002, 0, 0, 0, 0, 0, 1)); /* x7 must be 0 */
    assert_int_equal(t->c.count, 1);
    assert_non_null(strstr(t->c.msg, "(script line 2)"));
    assert_non_null(
        strstr(t->c.msg, "x7   0x0                  0x1                   <-- mismatch"));
}

static void assert_script_error(struct ffa_mock *mock, const char *text, const char *expected)
{
    char err[256] = "";

    assert_int_equal(ffa_mock_load_string(mock, text, "s.ffa", err, sizeof(err)), -1);
    assert_string_equal(err, expected);
    assert_int_equal(ffa_mock_pending(mock), 0); /* nothing appended on error */
}

static void test_script_syntax_errors_name_file_and_line(void **state)
{
    struct ffa_mock *mock = ((struct mock_fixture *)*state)->mock;

    assert_script_error(mock, "call FFA_ID_GET\nreply FFA_SUCCESS_32\nbogus\n",
                        "s.ffa:3: unknown keyword: bogus");
    assert_script_error(mock, "reply FFA_SUCCESS_32\n", "s.ffa:1: reply without a call");
    assert_script_error(mock, "call FFA_ID_GET\ncall FFA_ID_GET\n",
                        "s.ffa:2: call without a reply before it");
    assert_script_error(mock, "call FFA_ID_GET\n", "s.ffa:1: the last call has no reply");
    assert_script_error(mock, "call FFA_NOPE\n", "s.ffa:1: unknown function or value: FFA_NOPE");
    assert_script_error(mock, "call FFA_ID_GET x18=1\n", "s.ffa:1: expected xN=value: x18=1");
    assert_script_error(mock, "call FFA_ID_GET x0=1\n", "s.ffa:1: expected xN=value: x0=1");
    assert_script_error(mock, "call FFA_ID_GET x2=12q\n", "s.ffa:1: bad value: 12q");
    assert_script_error(mock, "call FFA_ID_GET x*=5\n", "s.ffa:1: x* takes 0 or any: 5");
    assert_script_error(mock, "call FFA_ID_GET\nreply FFA_SUCCESS_32 x2=any\n",
                        "s.ffa:2: bad value: any");
    assert_script_error(mock, "call FFA_ID_GET\nreply FFA_SUCCESS_32 x*=0\n",
                        "s.ffa:2: expected xN=value: x*=0");
}

/* The demo script in a temporary file (the teardown removes it). */
static void write_script_file(struct mock_fixture *t)
{
    int fd;
    FILE *f;

    snprintf(t->path, sizeof(t->path), "/tmp/ffa-mock-XXXXXX");
    fd = mkstemp(t->path);
    if (fd < 0)
        t->path[0] = 0;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(demo_script, f);
    assert_int_equal(fclose(f), 0);
}

static void test_script_file_loads(void **state)
{
    struct mock_fixture *t = *state;
    char err[256];

    write_script_file(t);
    assert_int_equal(ffa_mock_load_file(t->mock, t->path, err, sizeof(err)), 0);
    assert_int_equal(ffa_mock_pending(t->mock), 3);
}

static void test_missing_script_file_is_reported(void **state)
{
    struct mock_fixture *t = *state;
    char err[256];

    write_script_file(t);
    unlink(t->path);
    assert_int_equal(ffa_mock_load_file(t->mock, t->path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open"));
    t->path[0] = 0;
}

static void test_format_line_round_trips_through_the_parser(void **state)
{
    struct mock_fixture *t = *state;
    struct ffa_regs r = th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_DENIED, 0, 0, 0, 0, 0);
    struct ffa_regs q = th_regs(FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ2, 0, 0, 0, 0, 0, 0);
    char line[256], text[600];
    struct ffa_regs out;

    q.x[17] = 0xffffffffffffffffull;
    ffa_mock_format_line(line, sizeof(line), "call", &q, 1);
    assert_string_equal(line, "call FFA_FEATURES x1=FFA_MSG_SEND_DIRECT_REQ2 "
                              "x17=0xffffffffffffffff x*=0");
    snprintf(text, sizeof(text), "%s\n", line);
    ffa_mock_format_line(line, sizeof(line), "reply", &r, 0);
    assert_string_equal(line, "reply FFA_ERROR x2=DENIED");
    strcat(text, line);
    assert_int_equal(ffa_mock_load_string(t->mock, text, NULL, NULL, 0), 0);
    out = call_mock(t->mock, q);
    assert_memory_equal(&out, &r, sizeof(r));
    assert_int_equal(t->c.count, 0);
    assert_int_equal(ffa_mock_verify(t->mock), 0);
}

/* The guest's side of a session: a list of calls, the mediator's replies collected. */
static void play_session(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs *replies,
                         size_t *n)
{
    static const struct ffa_regs calls[] = {
        {{FFA_VERSION, FFA_VERSION_1_2}},
        {{FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ_32}},
        {{FFA_SPM_ID_GET}},
        {{FFA_MSG_SEND_DIRECT_REQ_32, (TEST_VM_ID << 16) | TEST_SP_ID, 0, 10, 20}},
        {{FFA_RUN, TEST_SP_ID << 16}},
        {{FFA_MSG_SEND_DIRECT_REQ_64, (TEST_VM_ID << 16) | TEST_SP2_ID, 0, 1ull << 40}},
    };

    *n = 0;
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        replies[*n] = calls[i];
        assert_int_equal(ffa_mediator_handle(m, vm, 0, 0, &replies[*n]), FFA_CALL_HANDLED);
        (*n)++;
    }
}

/*
 * A session recorded against one secure world (the "real" one is a scripted mock here: the
 * recorder cannot tell), then replayed from the recording in a fresh mock. Everything the two
 * runs build is in the fixture, so the teardown frees it whatever stopped the test.
 */
struct session {
    struct test_host h1, h2;
    struct ffa_mock *real, *replay;
    struct ffa_recorder *rec;
    struct ffa_mediator *m1, *m2;
    FILE *out; /* the recording, written into `text` */
    char *text;
    size_t text_len;
    struct ffa_regs first[8], second[8];
    size_t n1, n2;
    unsigned mock_failures; /* of either mock (recorded: no longjmp out of a mediator) */
};

static void count_mock_failure(void *ctx, const char *message)
{
    struct session *s = ctx;

    print_error("%s\n", message);
    s->mock_failures++;
}

static int teardown_session(void **state)
{
    struct session *s = *state;
    int bad = 0;

    ffa_mediator_destroy(s->m1);
    ffa_mediator_destroy(s->m2);
    ffa_recorder_destroy(s->rec);
    if (s->out != NULL)
        fclose(s->out);
    free(s->text);
    ffa_mock_destroy(s->real);
    ffa_mock_destroy(s->replay);
    bad |= th_host_release(&s->h1) != 0;
    bad |= th_host_release(&s->h2) != 0;
    free(s);
    *state = NULL;
    return bad ? -1 : 0;
}

/* Record: run the session through a recorder on the "real" secure world, into s->text. */
static int setup_recorded_session(void **state)
{
    struct session *s = calloc(1, sizeof(*s));
    struct ffa_backend real_be;

    *state = s;
    if (s == NULL)
        return -1;
    s->real = ffa_mock_create();
    s->replay = ffa_mock_create();
    s->out = open_memstream(&s->text, &s->text_len);
    if (s->real == NULL || s->replay == NULL || s->out == NULL)
        goto fail;
    ffa_mock_set_fail_handler(s->real, count_mock_failure, s);
    ffa_mock_set_fail_handler(s->replay, count_mock_failure, s);
    real_be = ffa_mock_backend(s->real);
    s->rec = ffa_recorder_create(&real_be, s->out);
    if (s->rec == NULL)
        goto fail;
    return 0;
fail:
    teardown_session(state);
    return -1;
}

static void record_session(struct session *s)
{
    struct ffa_backend rec_be = ffa_recorder_backend(s->rec);
    struct ffa_vm *vm;

    th_expect_probe(s->real, FFA_VERSION_1_2, FW_ALL_MSG);
    th_expect(s->real, 0, th_regs(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8000, 0, 0, 0, 0, 0));
    th_expect(s->real, 0, th_regs(FFA_MSG_SEND_DIRECT_REQ_32, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_INTERRUPT, TEST_SP_ID << 16, 0, 0, 0, 0, 0, 0));
    th_expect(
        s->real, 0, th_regs(FFA_RUN, 0, 0, 0, 0, 0, 0, 0),
        th_regs(FFA_MSG_SEND_DIRECT_RESP_32, (TEST_SP_ID << 16) | TEST_VM_ID, 0, 30, 0, 0, 0, 0));
    th_expect(s->real, 0, th_regs(FFA_MSG_SEND_DIRECT_REQ_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_INVALID_PARAMETERS, 0, 0, 0, 0, 0));
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &s->h1, &rec_be, &s->m1), 0);
    assert_int_equal(ffa_vm_add(s->m1, TEST_VM_ID, 1, 0, &vm), 0);
    play_session(s->m1, vm, s->first, &s->n1);
    assert_int_equal(s->mock_failures, 0);
    ffa_mediator_destroy(s->m1);
    s->m1 = NULL;
    ffa_recorder_destroy(s->rec);
    s->rec = NULL;
    assert_int_equal(fclose(s->out), 0);
    s->out = NULL;
    assert_int_equal(ffa_mock_verify(s->real), 0);
}

/* Replay the recording in a fresh mock. */
static void test_recorded_session_replays_in_the_mock(void **state)
{
    struct session *s = *state;
    struct ffa_backend replay_be = ffa_mock_backend(s->replay);
    struct ffa_vm *vm;
    char err[256];

    record_session(s);
    assert_int_equal(ffa_mock_load_string(s->replay, s->text, "recording", err, sizeof(err)), 0);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &s->h2, &replay_be, &s->m2), 0);
    assert_int_equal(ffa_vm_add(s->m2, TEST_VM_ID, 1, 0, &vm), 0);
    play_session(s->m2, vm, s->second, &s->n2);
    assert_int_equal(s->mock_failures, 0);
    ffa_mediator_destroy(s->m2);
    s->m2 = NULL;
    assert_int_equal(ffa_mock_verify(s->replay), 0);
    assert_int_equal(s->n1, s->n2);
    assert_memory_equal(s->first, s->second, s->n1 * sizeof(s->first[0]));
    assert_int_equal(s->first[4].x[0], FFA_MSG_SEND_DIRECT_RESP_32);
}

static void test_recording_is_written_in_the_script_format(void **state)
{
    struct session *s = *state;

    record_session(s);
    assert_non_null(
        strstr(s->text, "call FFA_MSG_SEND_DIRECT_REQ_32 x1=0x18001 x3=0xa x4=0x14 x*=0"));
    assert_non_null(strstr(s->text, "reply FFA_ERROR x2=INVALID_PARAMETERS"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_matching_call_gets_the_scripted_reply),
        T(test_mismatch_names_the_function_and_the_register),
        T(test_mismatch_decodes_the_call),
        T(test_mismatch_is_answered_with_aborted),
        T(test_mismatch_fails_verify),
        T(test_wrong_function_is_reported_by_name),
        T(test_unexpected_call_fails_loudly),
        T(test_unexpected_call_is_decoded),
        T(test_leftover_expectations_fail_verify),
        T(test_text_script_loads_and_replays),
        T(test_script_exact_call_refuses_nonzero_unnamed_registers),
        T(test_script_syntax_errors_name_file_and_line),
        T(test_script_file_loads),
        T(test_missing_script_file_is_reported),
        T(test_format_line_round_trips_through_the_parser),
        cmocka_unit_test_setup_teardown(test_recorded_session_replays_in_the_mock,
                                        setup_recorded_session, teardown_session),
        cmocka_unit_test_setup_teardown(test_recording_is_written_in_the_script_format,
                                        setup_recorded_session, teardown_session),
        cmocka_unit_test_setup_teardown(test_step_expecting_a_cpu_refuses_a_call_on_another,
                                        setup_cpu, teardown_cpu),
        cmocka_unit_test_setup_teardown(test_step_expecting_a_cpu_accepts_a_call_on_it, setup_cpu,
                                        teardown_cpu),
        cmocka_unit_test_setup_teardown(test_step_without_a_cpu_accepts_any_cpu, setup_cpu,
                                        teardown_cpu),
        cmocka_unit_test_setup_teardown(test_leftover_expectation_shows_its_cpu, setup_cpu,
                                        teardown_cpu),
        cmocka_unit_test_setup_teardown(test_script_cpu_words_name_the_processor, setup_cpu,
                                        teardown_cpu),
        cmocka_unit_test_setup_teardown(test_script_cpu_mismatch_names_the_line, setup_cpu,
                                        teardown_cpu),
        cmocka_unit_test_setup_teardown(test_script_cpu_syntax_errors, setup_cpu, teardown_cpu),
        cmocka_unit_test_setup_teardown(test_recorded_cpus_replay_and_are_checked, setup_cpu,
                                        teardown_cpu),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
