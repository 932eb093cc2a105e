/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain SMC functions (libffi closures) bound to backends: each reaches exactly its own backend,
 * with all eighteen registers, from one thread or several.
 */
#include "harness.h"

#include <pthread.h>
#include <stdatomic.h>
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

/* A mock and a plain function bound to it. */
struct bound_mock {
    struct ffa_mock *mock;
    ffa_plain_smc_fn fn;
    struct ffa_plain_smc *binding; /* NULL once released */
};

static void bound_mock_init(struct bound_mock *bm)
{
    struct ffa_backend be;

    bm->mock = ffa_mock_create();
    assert_non_null(bm->mock);
    ffa_mock_set_fail_handler(bm->mock, th_mock_fail, NULL);
    be = ffa_mock_backend(bm->mock);
    bm->fn = NULL;
    bm->binding = ffa_plain_smc_bind(&be, NULL, NULL, &bm->fn);
    assert_non_null(bm->binding);
    assert_non_null(bm->fn);
}

/* Verify the mock's script was used up, then release and destroy. */
static void bound_mock_fini(struct bound_mock *bm)
{
    assert_int_equal(ffa_mock_verify(bm->mock), 0);
    ffa_plain_smc_release(bm->binding);
    ffa_mock_destroy(bm->mock);
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
    struct ffa_regs call = tagged(FFA_MSG_SEND_DIRECT_REQ2, 0x1111000000000000ull);
    struct ffa_regs reply = tagged(FFA_MSG_SEND_DIRECT_RESP2, 0x2222000000000000ull);
    struct bound_mock bm;

    (void)state;
    bound_mock_init(&bm);
    expect_exact(bm.mock, call, reply);
    call_and_check(bm.fn, call, reply);
    bound_mock_fini(&bm);
}

static void test_two_bound_functions_each_reach_only_their_own_backend(void **state)
{
    struct bound_mock a, b;

    (void)state;
    bound_mock_init(&a);
    bound_mock_init(&b);
    assert_true(a.fn != b.fn);
    /* Different scripts: A gets three calls, B two; each with its own tags. */
    for (uint64_t i = 0; i < 3; i++)
        expect_exact(a.mock, tagged(FFA_VERSION, 0xa000 + i * 0x100),
                     tagged(FFA_SUCCESS_32, 0xaa000 + i * 0x100));
    for (uint64_t i = 0; i < 2; i++)
        expect_exact(b.mock, tagged(FFA_FEATURES, 0xb000 + i * 0x100),
                     tagged(FFA_SUCCESS_64, 0xbb000 + i * 0x100));
    /* Interleaved: A B A B A. */
    call_and_check(a.fn, tagged(FFA_VERSION, 0xa000), tagged(FFA_SUCCESS_32, 0xaa000));
    call_and_check(b.fn, tagged(FFA_FEATURES, 0xb000), tagged(FFA_SUCCESS_64, 0xbb000));
    call_and_check(a.fn, tagged(FFA_VERSION, 0xa100), tagged(FFA_SUCCESS_32, 0xaa100));
    call_and_check(b.fn, tagged(FFA_FEATURES, 0xb100), tagged(FFA_SUCCESS_64, 0xbb100));
    call_and_check(a.fn, tagged(FFA_VERSION, 0xa200), tagged(FFA_SUCCESS_32, 0xaa200));
    assert_int_equal(ffa_mock_calls(a.mock), 3);
    assert_int_equal(ffa_mock_calls(b.mock), 2);
    bound_mock_fini(&a);
    bound_mock_fini(&b);
}

static void test_function_accessor_returns_the_bound_function(void **state)
{
    struct bound_mock bm;

    (void)state;
    bound_mock_init(&bm);
    assert_true(ffa_plain_smc_function(bm.binding) == bm.fn);
    bound_mock_fini(&bm);
}

static void test_releasing_one_function_leaves_the_other_working(void **state)
{
    struct bound_mock a, b;

    (void)state;
    bound_mock_init(&a);
    bound_mock_init(&b);
    ffa_plain_smc_release(a.binding);
    a.binding = NULL;
    expect_exact(b.mock, tagged(FFA_ID_GET, 0xb0), tagged(FFA_SUCCESS_32, 0xbb0));
    call_and_check(b.fn, tagged(FFA_ID_GET, 0xb0), tagged(FFA_SUCCESS_32, 0xbb0));
    assert_int_equal(ffa_mock_calls(a.mock), 0);
    bound_mock_fini(&a);
    bound_mock_fini(&b);
}

static void test_bound_function_accepts_one_struct_for_in_and_out(void **state)
{
    struct ffa_regs call = tagged(FFA_RUN, 0x5000), reply = tagged(FFA_SUCCESS_32, 0x6000);
    struct ffa_regs regs = call;
    struct bound_mock bm;

    (void)state;
    bound_mock_init(&bm);
    expect_exact(bm.mock, call, reply);
    bm.fn(&regs, &regs);
    assert_regs_equal(&regs, &reply);
    bound_mock_fini(&bm);
}

static void test_bind_refuses_missing_arguments(void **state)
{
    struct ffa_mock *mock = ffa_mock_create();
    struct ffa_backend be = ffa_mock_backend(mock);
    static const struct ffa_backend_ops no_call = {.name = "broken"};
    struct ffa_backend broken = {&no_call, NULL}, empty = {NULL, NULL};
    ffa_plain_smc_fn fn = NULL;

    (void)state;
    assert_null(ffa_plain_smc_bind(NULL, NULL, NULL, &fn));
    assert_null(ffa_plain_smc_bind(&be, NULL, NULL, NULL));
    assert_null(ffa_plain_smc_bind(&empty, NULL, NULL, &fn));
    assert_null(ffa_plain_smc_bind(&broken, NULL, NULL, &fn));
    assert_null(fn);
    ffa_plain_smc_release(NULL);
    ffa_mock_destroy(mock);
}

/* ---- The processor: a plain function has none, the binding's callback names it ---- */

struct cpu_bound {
    struct ffa_mock *mock;
    struct ffa_plain_smc *binding;
    ffa_plain_smc_fn fn;
    uint32_t cpu;   /* what cpu_of answers */
    unsigned asked; /* how often it was asked */
};

static uint32_t cpu_of(void *arg)
{
    struct cpu_bound *b = arg;

    b->asked++;
    return b->cpu;
}

static int setup_cpu_bound(void **state)
{
    struct cpu_bound *b = calloc(1, sizeof(*b));
    struct ffa_backend be;

    assert_non_null(b);
    b->mock = ffa_mock_create();
    assert_non_null(b->mock);
    ffa_mock_set_fail_handler(b->mock, th_mock_fail, NULL);
    be = ffa_mock_backend(b->mock);
    b->binding = ffa_plain_smc_bind(&be, cpu_of, b, &b->fn);
    assert_non_null(b->binding);
    *state = b;
    return 0;
}

static int teardown_cpu_bound(void **state)
{
    struct cpu_bound *b = *state;

    ffa_plain_smc_release(b->binding);
    ffa_mock_destroy(b->mock);
    free(b);
    return 0;
}

static void test_bound_function_issues_each_call_on_the_cpu_its_callback_names(void **state)
{
    struct cpu_bound *b = *state;
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
    struct cpu_bound *b = *state;
    struct ffa_backend be = ffa_mock_backend(b->mock);
    struct ffa_regs call = tagged(FFA_ID_GET, 0x100), reply = tagged(FFA_SUCCESS_32, 0x200);

    ffa_plain_smc_release(b->binding);
    b->binding = ffa_plain_smc_bind(&be, NULL, NULL, &b->fn);
    assert_non_null(b->binding);
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

static void run_workers(struct worker *w, size_t count)
{
    pthread_t threads[4];

    assert_true(count <= 4);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, worker_run, &w[i]), 0);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
}

static void test_two_functions_on_two_threads_do_not_interfere(void **state)
{
    enum { CALLS = 20000 };
    struct echo ea = {.tag = 0xa0000000000ull}, eb = {.tag = 0xb0000000000ull};
    struct ffa_backend be_a = {&echo_concurrent_ops, &ea}, be_b = {&echo_concurrent_ops, &eb};
    struct worker w[2] = {{.tag = ea.tag, .iterations = CALLS},
                          {.tag = eb.tag, .iterations = CALLS}};
    struct ffa_plain_smc *a = ffa_plain_smc_bind(&be_a, NULL, NULL, &w[0].fn);
    struct ffa_plain_smc *b = ffa_plain_smc_bind(&be_b, NULL, NULL, &w[1].fn);

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    run_workers(w, 2);
    assert_int_equal(atomic_load(&ea.calls), CALLS);
    assert_int_equal(atomic_load(&eb.calls), CALLS);
    assert_int_equal(atomic_load(&ea.foreign), 0);
    assert_int_equal(atomic_load(&eb.foreign), 0);
    assert_int_equal(w[0].bad_replies, 0);
    assert_int_equal(w[1].bad_replies, 0);
    ffa_plain_smc_release(a);
    ffa_plain_smc_release(b);
}

static void test_calls_into_a_non_concurrent_backend_never_overlap(void **state)
{
    enum { CALLS = 200 };
    struct echo e = {.tag = 0xc0000000000ull, .dwell_ns = 20000};
    struct ffa_backend be = {&echo_serial_ops, &e};
    struct worker w[2] = {{.tag = e.tag, .iterations = CALLS}, {.tag = e.tag, .iterations = CALLS}};
    struct ffa_plain_smc *b = ffa_plain_smc_bind(&be, NULL, NULL, &w[0].fn);

    (void)state;
    assert_non_null(b);
    w[1].fn = w[0].fn;
    run_workers(w, 2);
    assert_int_equal(atomic_load(&e.calls), 2 * CALLS);
    assert_int_equal(atomic_load(&e.overlaps), 0);
    assert_int_equal(w[0].bad_replies + w[1].bad_replies, 0);
    ffa_plain_smc_release(b);
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

static void test_legacy_global_conduit_can_be_pointed_at_a_mock(void **state)
{
    struct ffa_regs call = {{FFA_VERSION, FFA_VERSION_1_2}}, reply = {{FFA_VERSION_1_1}};
    struct bound_mock bm;

    (void)state;
    bound_mock_init(&bm);
    legacy_conduit = bm.fn;
    expect_exact(bm.mock, call, reply);
    assert_int_equal(legacy_get_ffa_version(), FFA_VERSION_1_1);
    legacy_conduit = NULL;
    bound_mock_fini(&bm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bound_function_carries_all_registers_both_ways),
        cmocka_unit_test(test_two_bound_functions_each_reach_only_their_own_backend),
        cmocka_unit_test(test_function_accessor_returns_the_bound_function),
        cmocka_unit_test(test_releasing_one_function_leaves_the_other_working),
        cmocka_unit_test(test_bound_function_accepts_one_struct_for_in_and_out),
        cmocka_unit_test(test_bind_refuses_missing_arguments),
        cmocka_unit_test_setup_teardown(
            test_bound_function_issues_each_call_on_the_cpu_its_callback_names, setup_cpu_bound,
            teardown_cpu_bound),
        cmocka_unit_test_setup_teardown(test_bound_function_without_a_cpu_callback_issues_on_cpu_0,
                                        setup_cpu_bound, teardown_cpu_bound),
        cmocka_unit_test(test_two_functions_on_two_threads_do_not_interfere),
        cmocka_unit_test(test_calls_into_a_non_concurrent_backend_never_overlap),
        cmocka_unit_test(test_legacy_global_conduit_can_be_pointed_at_a_mock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
