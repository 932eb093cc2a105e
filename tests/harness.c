/* SPDX-License-Identifier: BSD-3-Clause */
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *h_alloc(void *host, size_t size)
{
    struct test_host *h = host;
    void *p = malloc(size);

    if (p != NULL) {
        h->live_allocs++;
        h->total_allocs++;
    }
    return p;
}

static void h_free(void *host, void *ptr, size_t size)
{
    struct test_host *h = host;

    (void)size;
    h->live_allocs--;
    free(ptr);
}

static void *h_lock_create(void *host)
{
    struct test_host *h = host;
    pthread_mutex_t *mtx = malloc(sizeof(*mtx));

    if (mtx == NULL)
        return NULL;
    pthread_mutex_init(mtx, NULL);
    h->live_locks++;
    return mtx;
}

static void h_lock_destroy(void *host, void *lock)
{
    struct test_host *h = host;

    pthread_mutex_destroy(lock);
    free(lock);
    h->live_locks--;
}

static void h_lock(void *host, void *lock)
{
    (void)host;
    pthread_mutex_lock(lock);
}

static void h_unlock(void *host, void *lock)
{
    (void)host;
    pthread_mutex_unlock(lock);
}

static void h_log(void *host, enum ffa_log_level level, const char *msg)
{
    struct test_host *h = host;

    snprintf(h->last_log, sizeof(h->last_log), "%s", msg);
    h->logs++;
    if (getenv("FFA_TEST_VERBOSE") != NULL)
        fprintf(stderr, "[log %d] %s\n", (int)level, msg);
}

const struct ffa_host_ops test_host_ops = {
    .alloc = h_alloc,
    .free = h_free,
    .lock_create = h_lock_create,
    .lock_destroy = h_lock_destroy,
    .lock = h_lock,
    .unlock = h_unlock,
    .log = h_log,
};

void th_mock_fail(void *ctx, const char *message)
{
    (void)ctx;
    fail_msg("%s", message);
}

void th_expect_probe(struct ffa_mock *mock, uint32_t fw_version, uint32_t fw_abis)
{
    static const uint32_t abis[] = {
        FFA_MSG_SEND_DIRECT_REQ_32,
        FFA_MSG_SEND_DIRECT_REQ_64,
        FFA_MSG_SEND_DIRECT_REQ2,
        FFA_RUN,
        FFA_SPM_ID_GET,
    };
    struct ffa_mock_step v = {
        .call = {{FFA_VERSION, FFA_MEDIATOR_VERSION}},
        .match = FFA_MOCK_X_ALL,
        .reply = {{fw_version}},
    };

    assert_int_equal(ffa_mock_expect(mock, &v), 0);
    for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++) {
        struct ffa_mock_step s = {
            .call = {{FFA_FEATURES, abis[i]}},
            .match = FFA_MOCK_X_ALL,
        };

        if (fw_abis & (1u << i)) {
            s.reply.x[0] = FFA_SUCCESS_32;
        } else {
            s.reply.x[0] = FFA_ERROR;
            s.reply.x[2] = (uint32_t)FFA_RET_NOT_SUPPORTED;
        }
        assert_int_equal(ffa_mock_expect(mock, &s), 0);
    }
}

struct fixture *th_fixture_new(uint32_t fw_abis, uint32_t vm_flags, uint32_t vm_version)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct ffa_backend be;

    assert_non_null(f);
    f->mock = ffa_mock_create();
    assert_non_null(f->mock);
    ffa_mock_set_fail_handler(f->mock, th_mock_fail, NULL);
    th_expect_probe(f->mock, FFA_VERSION_1_2, fw_abis);
    be = ffa_mock_backend(f->mock);
    assert_int_equal(ffa_mediator_create(NULL, &test_host_ops, &f->host, &be, &f->m), 0);
    assert_int_equal(ffa_mock_pending(f->mock), 0);
    assert_int_equal(ffa_vm_add(f->m, TEST_VM_ID, 2, vm_flags, &f->vm), 0);
    if (vm_version != 0) {
        struct ffa_regs r = th_regs(FFA_VERSION, vm_version, 0, 0, 0, 0, 0, 0);

        th_call(f, &r);
        assert_int_equal(r.x[0], FFA_MEDIATOR_VERSION);
    }
    return f;
}

void th_fixture_free(struct fixture *f)
{
    assert_int_equal(ffa_mock_verify(f->mock), 0);
    ffa_mediator_destroy(f->m);
    ffa_mock_destroy(f->mock);
    assert_int_equal(f->host.live_allocs, 0);
    assert_int_equal(f->host.live_locks, 0);
    free(f);
}

void th_call(struct fixture *f, struct ffa_regs *regs)
{
    assert_int_equal(ffa_mediator_handle(f->m, f->vm, 0, regs), FFA_CALL_HANDLED);
}

void th_assert_error(const struct ffa_regs *r, int32_t code)
{
    assert_int_equal(r->x[0], FFA_ERROR);
    assert_int_equal(r->x[1], 0);
    assert_int_equal(r->x[2], (uint32_t)code);
    for (int i = 3; i < 8; i++)
        assert_int_equal(r->x[i], 0);
}

struct ffa_regs th_regs(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
                        uint64_t x5, uint64_t x6, uint64_t x7)
{
    struct ffa_regs r = {{x0, x1, x2, x3, x4, x5, x6, x7}};

    return r;
}

void th_fill_high(struct ffa_regs *r, uint64_t seed)
{
    for (int i = 8; i < FFA_NUM_REGS; i++)
        r->x[i] = seed + (uint64_t)i;
}

void th_expect(struct ffa_mock *mock, uint32_t match, struct ffa_regs call, struct ffa_regs reply)
{
    struct ffa_mock_step s = {.call = call, .match = match, .reply = reply};

    assert_int_equal(ffa_mock_expect(mock, &s), 0);
}
