/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test harness: host callbacks that count allocations and check for leaks, real locks, a log
 * capture, and helpers that script the secure world's side of the mediator's probe.
 */
#ifndef FFA_TEST_HARNESS_H
#define FFA_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ffa/backend_mock.h"
#include "ffa/mediator.h"

/* Host side of one test: counts live allocations and calls. */
struct test_host {
    long live_allocs;
    long total_allocs;
    long live_locks;
    char last_log[512];
    unsigned logs;
};

extern const struct ffa_host_ops test_host_ops;

/* Secure-world ABIs a probe script reports (bits for th_expect_probe). */
#define FW_DIRECT_REQ_32 (1u << 0)
#define FW_DIRECT_REQ_64 (1u << 1)
#define FW_DIRECT_REQ2   (1u << 2)
#define FW_RUN           (1u << 3)
#define FW_SPM_ID_GET    (1u << 4)
#define FW_ALL_MSG       0x1fu

/* A mediator on a mock, with one VM. */
struct fixture {
    struct test_host host;
    struct ffa_mock *mock;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
};

#define TEST_VM_ID  0x0001u
#define TEST_SP_ID  0x8001u
#define TEST_SP2_ID 0x8002u

/* Route mock failures to cmocka. */
void th_mock_fail(void *ctx, const char *message);

/* Script the probe ffa_mediator_create() performs: FFA_VERSION, then FFA_FEATURES per ABI. */
void th_expect_probe(struct ffa_mock *mock, uint32_t fw_version, uint32_t fw_abis);

/*
 * Create a fixture: mock + mediator (probe scripted with fw_abis, firmware at v1.2) + VM
 * TEST_VM_ID with 2 vCPUs and `flags`. Negotiates `vm_version` with FFA_VERSION if non-zero
 * (the version is then still open: the next call locks it).
 */
struct fixture *th_fixture_new(uint32_t fw_abis, uint32_t vm_flags, uint32_t vm_version);
/* Verify the mock, destroy everything and check that no allocation or lock leaked. */
void th_fixture_free(struct fixture *f);

/* Call the mediator for f->vm, vCPU 0; assert the call was handled. */
void th_call(struct fixture *f, struct ffa_regs *regs);

/* Assert an FFA_ERROR reply with exactly this code and zeroed x1, x3..x7. */
void th_assert_error(const struct ffa_regs *r, int32_t code);

/* Registers of a call, x0..x7 given (helper for readability). */
struct ffa_regs th_regs(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
                        uint64_t x5, uint64_t x6, uint64_t x7);

/* Expect one secure-world call (registers selected by `match`) and answer `reply`. */
void th_expect(struct ffa_mock *mock, uint32_t match, struct ffa_regs call, struct ffa_regs reply);

/* Fill x8..x17 with a recognisable pattern. */
void th_fill_high(struct ffa_regs *r, uint64_t seed);

#endif /* FFA_TEST_HARNESS_H */
