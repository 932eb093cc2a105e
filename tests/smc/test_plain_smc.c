/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain SMC functions (libffi closures) bound to backends: each reaches exactly its own backend,
 * with all eighteen registers, from one thread or several.
 */
#include "harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ffa/plain_smc.h"
#include "regs_assert.h"

/* x0 = fid, x1..x17 = `tag` + register number: every register of every call tells its origin. */
static struct ffa_regs tagged(uint64_t fid, uint64_t tag)
{
    struct ffa_regs r = {{fid}};

    for (int i = 1; i < FFA_NUM_REGS; i++)
        r.x[i] = tag + (uint64_t)i;
    return r;
}

/*
 * A mock and a plain function bound to it. The mock records its failures (a longjmp out of the
 * bound function would leave the binding's lock held); the test sees them as wrong replies, and
 * the teardown reports them.
 */
struct bound_mock {
    struct ffa_mock *mock;
    ffa_plain_smc_fn fn;
    struct ffa_plain_smc *binding; /* NULL once released */
    struct ffa_plain_smc *refused; /* what a bind expected to fail returned (freed if any) */
    unsigned failures;
    char message[8192];
    uint32_t cpu;   /* what cpu_of answers */
    unsigned asked; /* how often it was asked */
};

/* Two, side by side. */
struct bound_pair {
    struct bound_mock a, b;
};

static void record_failure(void *ctx, const char *message)
{
    struct bound_mock *bm = ctx;

    bm->failures++;
    snprintf(bm->message, sizeof(bm->message), "%s", message);
}

static uint32_t cpu_of(void *arg)
{
    struct bound_mock *bm = arg;

    bm->asked++;
    return bm->cpu;
}

/* Create the mock and bind a function to it (with cpu_of when `with_cpu`); 0 or -1. */
static int bound_mock_init(struct bound_mock *bm, int with_cpu)
{
    struct ffa_backend be;

    bm->mock = ffa_mock_create();
    if (bm->mock == NULL)
        return -1;
    ffa_mock_set_fail_handler(bm->mock, record_failure, bm);
    be = ffa_mock_backend(bm->mock);
    bm->binding = ffa_plain_smc_bind(&be, with_cpu ? cpu_of : NULL, bm, &bm->fn);
    return bm->binding != NULL && bm->fn != NULL ? 0 : -1;
}

/* Release and destroy, after checking the mock's script was used up; 0 or -1 (printed). */
static int bound_mock_fini(struct bound_mock *bm)
{
    int bad = 0;

    if (bm->mock != NULL && ffa_mock_verify(bm->mock) != 0) {
        print_error("teardown: %s\n", bm->message);
        bad = 1;
    }
    ffa_plain_smc_release(bm->binding);
    ffa_plain_smc_release(bm->refused);
    ffa_mock_destroy(bm->mock);
    return bad ? -1 : 0;
}

static int setup_bound(void **state)
{
    struct bound_mock *bm = calloc(1, sizeof(*bm));

    *state = bm;
    if (bm == NULL)
        return -1;
    if (bound_mock_init(bm, 0) != 0) {
        bound_mock_fini(bm);
        free(bm);
        *state = NULL;
        return -1;
    }
    return 0;
}

static int setup_bound_with_cpu_callback(void **state)
{
    struct bound_mock *bm = calloc(1, sizeof(*bm));

    *state = bm;
    if (bm == NULL)
        return -1;
    if (bound_mock_init(bm, 1) != 0) {
        bound_mock_fini(bm);
        free(bm);
        *state = NULL;
        return -1;
    }
    return 0;
}

static int teardown_bound(void **state)
{
    int ret = bound_mock_fini(*state);

    free(*state);
    *state = NULL;
    return ret;
}

static int setup_bound_pair(void **state)
{
    struct bound_pair *p = calloc(1, sizeof(*p));

    *state = p;
    if (p == NULL)
        return -1;
    if (bound_mock_init(&p->a, 0) != 0 || bound_mock_init(&p->b, 0) != 0) {
        bound_mock_fini(&p->a);
        bound_mock_fini(&p->b);
        free(p);
        *state = NULL;
        return -1;
    }
    return 0;
}

static int teardown_bound_pair(void **state)
{
    struct bound_pair *p = *state;
    int bad = 0;

    bad |= bound_mock_fini(&p->a) != 0;
    bad |= bound_mock_fini(&p->b) != 0;
    free(p);
    *state = NULL;
    return bad ? -1 : 0;
}

/* Expect one call exactly (all eighteen registers), and answer `reply`. */
static void expect_exact(struct ffa_mock *mock, struct ffa_regs call, struct ffa_regs reply)
{
    th_expect(mock, FFA_MOCK_X_ALL, call, reply);
}

/* Call through `fn` and check the reply. */
static void call_and_check(ffa_plain_smc_fn fn, struct ffa_regs call, struct ffa_regs reply)
{
    struct ffa_regs out;

    memset(&out, 0, sizeof(out));
    fn(&call, &out);
    assert_regs_equal(&out, &reply);
}

static void test_bound_function_carries_all_registers_both_ways(void **state)
{
    struct bound_mock *bm = *state;
    struct ffa_regs call = tagged(FFA_MSG_SEND_DIRECT_REQ2, 0x1111000000000000ull);
    struct ffa_regs reply = tagged(FFA_MSG_SEND_DIRECT_RESP2, 0x2222000000000000ull);

    expect_exact(bm->mock, call, reply);
    call_and_check(bm->fn, call, reply);
}

static void test_two_bound_functions_each_reach_only_their_own_backend(void **state)
{
    struct bound_pair *p = *state;
    struct bound_mock *a = &p->a, *b = &p->b;

    assert_true(a->fn != b->fn);
    /* Different scripts: A gets three calls, B two; each with its own tags. */
    for (uint64_t i = 0; i < 3; i++)
        expect_exact(a->mock, tagged(FFA_VERSION, 0xa000 + i * 0x100),
                     tagged(FFA_SUCCESS_32, 0xaa000 + i * 0x100));
    for (uint64_t i = 0; i < 2; i++)
        expect_exact(b->mock, tagged(FFA_FEATURES, 0xb000 + i * 0x100),
                     tagged(FFA_SUCCESS_64, 0xbb000 + i * 0x100));
    /* Interleaved: A B A B A. */
    call_and_check(a->fn, tagged(FFA_VERSION, 0xa000), tagged(FFA_SUCCESS_32, 0xaa000));
    call_and_check(b->fn, tagged(FFA_FEATURES, 0xb000), tagged(FFA_SUCCESS_64, 0xbb000));
    call_and_check(a->fn, tagged(FFA_VERSION, 0xa100), tagged(FFA_SUCCESS_32, 0xaa100));
    call_and_check(b->fn, tagged(FFA_FEATURES, 0xb100), tagged(FFA_SUCCESS_64, 0xbb100));
    call_and_check(a->fn, tagged(FFA_VERSION, 0xa200), tagged(FFA_SUCCESS_32, 0xaa200));
    assert_int_equal(ffa_mock_calls(a->mock), 3);
    assert_int_equal(ffa_mock_calls(b->mock), 2);
}

static void test_function_accessor_returns_the_bound_function(void **state)
{
    struct bound_mock *bm = *state;

    assert_true(ffa_plain_smc_function(bm->binding) == bm->fn);
}

static void test_releasing_one_function_leaves_the_other_working(void **state)
{
    struct bound_pair *p = *state;

    ffa_plain_smc_release(p->a.binding);
    p->a.binding = NULL;
    expect_exact(p->b.mock, tagged(FFA_ID_GET, 0xb0), tagged(FFA_SUCCESS_32, 0xbb0));
    call_and_check(p->b.fn, tagged(FFA_ID_GET, 0xb0), tagged(FFA_SUCCESS_32, 0xbb0));
    assert_int_equal(ffa_mock_calls(p->a.mock), 0);
}

static void test_bound_function_accepts_one_struct_for_in_and_out(void **state)
{
    struct bound_mock *bm = *state;
    struct ffa_regs call = tagged(FFA_RUN, 0x5000), reply = tagged(FFA_SUCCESS_32, 0x6000);
    struct ffa_regs regs = call;

    expect_exact(bm->mock, call, reply);
    bm->fn(&regs, &regs);
    assert_regs_equal(&regs, &reply);
}

/* ---- Bad arguments to ffa_plain_smc_bind (anything it wrongly returns is released) ---- */

static void test_bind_refuses_a_null_backend(void **state)
{
    struct bound_mock *bm = *state;
    ffa_plain_smc_fn fn = NULL;

    bm->refused = ffa_plain_smc_bind(NULL, NULL, NULL, &fn);
    assert_null(bm->refused);
    assert_null(fn);
}

static void test_bind_refuses_a_null_function_pointer(void **state)
{
    struct bound_mock *bm = *state;
    struct ffa_backend be = ffa_mock_backend(bm->mock);

    bm->refused = ffa_plain_smc_bind(&be, NULL, NULL, NULL);
    assert_null(bm->refused);
}

static void test_bind_refuses_a_backend_without_ops(void **state)
{
    struct bound_mock *bm = *state;
    struct ffa_backend empty = {NULL, NULL};
    ffa_plain_smc_fn fn = NULL;

    bm->refused = ffa_plain_smc_bind(&empty, NULL, NULL, &fn);
    assert_null(bm->refused);
    assert_null(fn);
}

static void test_bind_refuses_a_backend_without_a_call_function(void **state)
{
    static const struct ffa_backend_ops no_call = {.name = "broken"};
    struct bound_mock *bm = *state;
    struct ffa_backend broken = {&no_call, NULL};
    ffa_plain_smc_fn fn = NULL;

    bm->refused = ffa_plain_smc_bind(&broken, NULL, NULL, &fn);
    assert_null(bm->refused);
    assert_null(fn);
}

static void test_release_accepts_null(void **state)
{
    (void)state;
    ffa_plain_smc_release(NULL);
}

/* ---- The processor: a plain function has none, the binding's callback names it ---- */

static void test_bound_function_issues_each_call_on_the_cpu_its_callback_names(void **state)
{
    struct bound_mock *b = *state;
    struct ffa_regs call = tagged(FFA_ID_GET, 0x100), reply = tagged(FFA_SUCCESS_32, 0x200);

    th_expect_on_cpu(b->mock, FFA_MOCK_X_ALL, call, 6, reply);
    th_expect_on_cpu(b->mock, FFA_MOCK_X_ALL, call, 1, reply);
    b->cpu = 6;
    call_and_check(b->fn, call, reply);
    b->cpu = 1;
    call_and_check(b->fn, call, reply);
    assert_int_equal(b->asked, 2);
    assert_int_equal(ffa_mock_verify(b->mock), 0);
}

static void test_bound_function_without_a_cpu_callback_issues_on_cpu_0(void **state)
{
    struct bound_mock *b = *state;
    struct ffa_regs call = tagged(FFA_ID_GET, 0x100), reply = tagged(FFA_SUCCESS_32, 0x200);

    th_expect_on_cpu(b->mock, FFA_MOCK_X_ALL, call, 0, reply);
    call_and_check(b->fn, call, reply);
    assert_int_equal(b->asked, 0);
    assert_int_equal(ffa_mock_verify(b->mock), 0);
}

/* ---- Several threads: a counting backend that checks every call it gets is its own ---- */

struct echo {
    uint64_t tag;         /* every call to this backend carries it in x1..x17 */
    atomic_uint calls;    /* calls received */
    atomic_uint foreign;  /* calls carrying another tag */
    atomic_uint inside;   /* calls in progress */
    atomic_uint overlaps; /* times a call found another in progress */
    unsigned dwell_ns;    /* time spent inside each call */
};

static void echo_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct echo *e = ctx;

    (void)cpu;
    if (atomic_fetch_add(&e->inside, 1) != 0)
        atomic_fetch_add(&e->overlaps, 1);
    for (int i = 1; i < FFA_NUM_REGS; i++) {
        if (in->x[i] - (uint64_t)i - in->x[0] != e->tag) {
            atomic_fetch_add(&e->foreign, 1);
            break;
        }
    }
    if (e->dwell_ns != 0) {
        struct timespec ts = {0, (long)e->dwell_ns};

        nanosleep(&ts, NULL);
    }
    /* Reply: x[i] = ~x[i], so the caller can check its own answer. */
    for (int i = 0; i < FFA_NUM_REGS; i++)
        out->x[i] = ~in->x[i];
    atomic_fetch_add(&e->calls, 1);
    atomic_fetch_sub(&e->inside, 1);
}

static const struct ffa_backend_ops echo_serial_ops = {.name = "echo", .call = echo_call};
static const struct ffa_backend_ops echo_concurrent_ops = {
    .name = "echo-concurrent", .caps = FFA_BACKEND_CAP_CONCURRENT, .call = echo_call};

struct worker {
    ffa_plain_smc_fn fn;
    uint64_t tag;
    unsigned iterations;
    unsigned bad_replies;
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;

    for (unsigned n = 0; n < w->iterations; n++) {
        /* x0 = n, x[i] = tag + i + n: unique per call and per worker. */
        struct ffa_regs in, out;

        in.x[0] = n;
        for (int i = 1; i < FFA_NUM_REGS; i++)
            in.x[i] = w->tag + (uint64_t)i + n;
        w->fn(&in, &out);
        for (int i = 0; i < FFA_NUM_REGS; i++) {
            if (out.x[i] != ~in.x[i]) {
                w->bad_replies++;
                break;
            }
        }
    }
    return NULL;
}

/* Echo backends, their bindings and two worker threads (joined by the teardown if still running).
 */
struct threaded {
    struct echo e[2];
    struct ffa_plain_smc *binding[2];
    struct worker w[2];
    pthread_t t[2];
    int running[2];
};

/* Bind a function to echo e[i] with `ops`, into w[i].fn. */
static int bind_echo(struct threaded *th, int i, const struct ffa_backend_ops *ops)
{
    struct ffa_backend be = {ops, &th->e[i]};

    th->binding[i] = ffa_plain_smc_bind(&be, NULL, NULL, &th->w[i].fn);
    return th->binding[i] != NULL ? 0 : -1;
}

static int teardown_threaded(void **state)
{
    struct threaded *th = *state;

    for (int i = 0; i < 2; i++) {
        if (th->running[i])
            pthread_join(th->t[i], NULL);
    }
    for (int i = 0; i < 2; i++)
        ffa_plain_smc_release(th->binding[i]);
    free(th);
    *state = NULL;
    return 0;
}

enum { CONCURRENT_CALLS = 20000, SERIAL_CALLS = 200 };

/* Two concurrent echo backends, each with its own tag, function and worker. */
static int setup_two_concurrent_echoes(void **state)
{
    struct threaded *th = calloc(1, sizeof(*th));

    *state = th;
    if (th == NULL)
        return -1;
    th->e[0].tag = 0xa0000000000ull;
    th->e[1].tag = 0xb0000000000ull;
    for (int i = 0; i < 2; i++) {
        th->w[i].tag = th->e[i].tag;
        th->w[i].iterations = CONCURRENT_CALLS;
        if (bind_echo(th, i, &echo_concurrent_ops) != 0) {
            teardown_threaded(state);
            return -1;
        }
    }
    return 0;
}

/* One non-concurrent echo backend that dwells 20 us per call; both workers use its function. */
static int setup_one_serial_echo(void **state)
{
    struct threaded *th = calloc(1, sizeof(*th));

    *state = th;
    if (th == NULL)
        return -1;
    th->e[0].tag = 0xc0000000000ull;
    th->e[0].dwell_ns = 20000;
    if (bind_echo(th, 0, &echo_serial_ops) != 0) {
        teardown_threaded(state);
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        th->w[i].tag = th->e[0].tag;
        th->w[i].iterations = SERIAL_CALLS;
    }
    th->w[1].fn = th->w[0].fn;
    return 0;
}

static void run_workers(struct threaded *th)
{
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_create(&th->t[i], NULL, worker_run, &th->w[i]), 0);
        th->running[i] = 1;
    }
    for (int i = 0; i < 2; i++) {
        th->running[i] = 0;
        assert_int_equal(pthread_join(th->t[i], NULL), 0);
    }
}

static void test_two_functions_on_two_threads_do_not_interfere(void **state)
{
    struct threaded *th = *state;

    run_workers(th);
    assert_int_equal(atomic_load(&th->e[0].calls), CONCURRENT_CALLS);
    assert_int_equal(atomic_load(&th->e[1].calls), CONCURRENT_CALLS);
    assert_int_equal(atomic_load(&th->e[0].foreign), 0);
    assert_int_equal(atomic_load(&th->e[1].foreign), 0);
    assert_int_equal(th->w[0].bad_replies, 0);
    assert_int_equal(th->w[1].bad_replies, 0);
}

static void test_calls_into_a_non_concurrent_backend_never_overlap(void **state)
{
    struct threaded *th = *state;

    run_workers(th);
    assert_int_equal(atomic_load(&th->e[0].calls), 2 * SERIAL_CALLS);
    assert_int_equal(atomic_load(&th->e[0].overlaps), 0);
    assert_int_equal(th->w[0].bad_replies + th->w[1].bad_replies, 0);
}

/* ---- Existing code that knows only one global SMC function ---- */

/* What a hypervisor has: a global conduit pointer and code written against it. */
static ffa_plain_smc_fn legacy_conduit;

static uint32_t legacy_get_ffa_version(void)
{
    struct ffa_regs in = {{FFA_VERSION, FFA_VERSION_1_2}}, out;

    legacy_conduit(&in, &out);
    return (uint32_t)out.x[0];
}

/* The global points at the fixture's function; the teardown unhooks it before releasing. */
static int setup_legacy_conduit(void **state)
{
    if (setup_bound(state) != 0)
        return -1;
    legacy_conduit = ((struct bound_mock *)*state)->fn;
    return 0;
}

static int teardown_legacy_conduit(void **state)
{
    legacy_conduit = NULL;
    return teardown_bound(state);
}

static void test_legacy_global_conduit_can_be_pointed_at_a_mock(void **state)
{
    struct bound_mock *bm = *state;
    struct ffa_regs call = {{FFA_VERSION, FFA_VERSION_1_2}}, reply = {{FFA_VERSION_1_1}};

    expect_exact(bm->mock, call, reply);
    assert_int_equal(legacy_get_ffa_version(), FFA_VERSION_1_1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup, teardown) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_bound_function_carries_all_registers_both_ways, setup_bound, teardown_bound),
        T(test_two_bound_functions_each_reach_only_their_own_backend, setup_bound_pair,
          teardown_bound_pair),
        T(test_function_accessor_returns_the_bound_function, setup_bound, teardown_bound),
        T(test_releasing_one_function_leaves_the_other_working, setup_bound_pair,
          teardown_bound_pair),
        T(test_bound_function_accepts_one_struct_for_in_and_out, setup_bound, teardown_bound),
        T(test_bind_refuses_a_null_backend, setup_bound, teardown_bound),
        T(test_bind_refuses_a_null_function_pointer, setup_bound, teardown_bound),
        T(test_bind_refuses_a_backend_without_ops, setup_bound, teardown_bound),
        T(test_bind_refuses_a_backend_without_a_call_function, setup_bound, teardown_bound),
        cmocka_unit_test(test_release_accepts_null),
        T(test_bound_function_issues_each_call_on_the_cpu_its_callback_names,
          setup_bound_with_cpu_callback, teardown_bound),
        T(test_bound_function_without_a_cpu_callback_issues_on_cpu_0, setup_bound, teardown_bound),
        T(test_two_functions_on_two_threads_do_not_interfere, setup_two_concurrent_echoes,
          teardown_threaded),
        T(test_calls_into_a_non_concurrent_backend_never_overlap, setup_one_serial_echo,
          teardown_threaded),
        T(test_legacy_global_conduit_can_be_pointed_at_a_mock, setup_legacy_conduit,
          teardown_legacy_conduit),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
