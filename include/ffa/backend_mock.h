/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scripted secure world (library ffa::backend_mock, hosted: uses libc and pthreads).
 *
 * A test states, in order, the calls it expects the mediator to make into the secure world and
 * the reply to each. Each expectation names x0 (the function ID) and the registers it cares
 * about; the others are "any" unless the step says otherwise. It may also name the processor the
 * call must be issued on (FFA_MOCK_CPU; by default any). The mock fails loudly on an unexpected
 * call, a register or processor mismatch, or steps left over at ffa_mock_verify(): the failure
 * handler gets a message naming the function by its FF-A name with expected against actual
 * registers and processor. The default handler prints it to stderr and aborts; tests route it to
 * their framework (cmocka: fail_msg()).
 *
 * Scripts can also be text (README, "Mock script format"), loaded from a file or a string, and the
 * recorder wraps any backend and writes the exchange it sees in that same format, so a session
 * against a real or emulated secure world replays in a unit test.
 *
 * Memory: a step may also say what the call read from a TX buffer (checked: a difference fails
 * like a register mismatch) and what the reply wrote into an RX buffer (written by the mock), for
 * partition lists, messages and memory-sharing descriptors. The mock and the recorder find the
 * buffers the way an SPMC does: from the FFA_RXTX_MAP calls they see (the hypervisor's own pair in
 * x1/x2, a VM's pair from the endpoint RX/TX descriptor a forwarded FFA_RXTX_MAP leaves in the
 * hypervisor's TX buffer), and reach them through a callback the host gives them, which resolves
 * a physical address as the Unicorn backend's ns_memory does.
 *
 * Thread safety: every function may be called from any thread; calls through the backend are
 * serialised by the mock (the expectations are one ordered list).
 */
#ifndef FFA_BACKEND_MOCK_H
#define FFA_BACKEND_MOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ffa/backend.h"
#include "ffa/regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of ffa_mock_step.match: register n must equal call.x[n]. x0 is always compared. */
#define FFA_MOCK_X(n)  (UINT32_C(1) << (n))
#define FFA_MOCK_X_ALL UINT32_C(0x3ffff) /* x0..x17: the exact register file */
/* Bit of ffa_mock_step.match: the call must be issued on processor `cpu` (else: any processor). */
#define FFA_MOCK_CPU (UINT32_C(1) << 31)

/*
 * One memory item of a step: bytes of a TX buffer the call read (FFA_MOCK_MEM_TX: the mock compares
 * them with what the buffer holds when the call arrives), or bytes the reply wrote into an RX
 * buffer (FFA_MOCK_MEM_RX: the mock writes them before it returns the reply).
 */
enum ffa_mock_mem_dir {
    FFA_MOCK_MEM_TX = 0,
    FFA_MOCK_MEM_RX = 1,
};

struct ffa_mock_mem {
    enum ffa_mock_mem_dir dir;
    uint16_t endpoint; /* whose buffer pair: 0 the hypervisor's own (the mediator's), else a VM */
    uint32_t offset;   /* from the start of the buffer */
    uint32_t len;      /* bytes */
    const uint8_t *bytes; /* len bytes */
    /*
     * TX only: NULL compares every byte; otherwise byte i is compared when mask[i] is not zero
     * (the recorder leaves physical addresses out: they differ between machines and runs).
     */
    const uint8_t *mask;
};

/* One expected call into the secure world and the secure world's answer. */
struct ffa_mock_step {
    struct ffa_regs call;  /* expected registers (only those selected by `match` matter) */
    uint32_t match;        /* FFA_MOCK_X() bits, and FFA_MOCK_CPU */
    uint32_t cpu;          /* expected processor index (backend.h), with FFA_MOCK_CPU */
    struct ffa_regs reply; /* what the secure world answers: all of x0..x17 */
    unsigned line;         /* script line, for messages (0 for steps written in C) */
    /*
     * Optional (C only): called when this step matches, before the reply is returned, with the
     * call's registers. It plays what the secure world does to memory: fill the mediator's RX
     * buffer, read a descriptor from its TX buffer. It may fail the test (longjmp): the mock
     * holds no lock while it runs.
     */
    void (*effect)(void *ctx, const struct ffa_regs *call);
    void *effect_ctx;
    /*
     * Memory items (ffa_mock_expect() copies them): TX items are checked after the effect, RX
     * items written after that. They need the mock's memory callback (ffa_mock_set_memory()).
     */
    const struct ffa_mock_mem *mem;
    size_t mem_count;
};

struct ffa_mock;

/* Called once per failure with a multi-line message. May not return (longjmp, abort). */
typedef void (*ffa_mock_fail_fn)(void *ctx, const char *message);

/* A new mock with no expectations, or NULL when out of memory. */
struct ffa_mock *ffa_mock_create(void);

/* Free the mock and its remaining expectations. Does not verify. NULL is accepted. */
void ffa_mock_destroy(struct ffa_mock *mock);

/* The mock as a backend (caps: FFA_BACKEND_CAP_EMULATED). Valid while the mock lives. */
struct ffa_backend ffa_mock_backend(struct ffa_mock *mock);

/* Replace the failure handler (NULL restores the default: print to stderr and abort()). */
void ffa_mock_set_fail_handler(struct ffa_mock *mock, ffa_mock_fail_fn fn, void *ctx);

/* Append one expectation (copied). Returns 0, or -1 when out of memory. */
int ffa_mock_expect(struct ffa_mock *mock, const struct ffa_mock_step *step);

/*
 * Append the expectations of a text script. `name` labels messages (a file name). On a syntax
 * error nothing is appended, -1 is returned and `err` (if not NULL) holds "name:line: reason".
 */
int ffa_mock_load_string(struct ffa_mock *mock, const char *text, const char *name, char *err,
                         size_t err_len);

/* Same, reading the script from a file. */
int ffa_mock_load_file(struct ffa_mock *mock, const char *path, char *err, size_t err_len);

/*
 * Check that every expectation was consumed and nothing failed. Reports leftover steps through
 * the failure handler. Returns 0 when all is well, -1 otherwise.
 */
int ffa_mock_verify(struct ffa_mock *mock);

/* Expectations not yet consumed. */
size_t ffa_mock_pending(const struct ffa_mock *mock);

/* Calls received so far (matched or not). */
size_t ffa_mock_calls(const struct ffa_mock *mock);

/*
 * Expectation `index` (0-based, consumed or not), or NULL past the end: how a tool reads a loaded
 * script. Valid until the next ffa_mock_expect() or load, and while the mock lives.
 */
const struct ffa_mock_step *ffa_mock_step_at(const struct ffa_mock *mock, size_t index);

/*
 * Normal-world memory for the mock and the recorder: a host pointer to `len` bytes at physical
 * address `pa`, or NULL when that range is not reachable; `writable` says the caller will write.
 * The same shape as ffa_unicorn_config.ns_memory: a test can hand both the same function. Called
 * with the mock's (or the recorder's) lock held: it must not call them.
 */
typedef void *(*ffa_mock_memory_fn)(void *ctx, uint64_t pa, size_t len, int writable);

/*
 * Let the mock reach the buffers it learns from FFA_RXTX_MAP calls, so that steps with memory
 * items work. Without it (or with NULL) a step with memory items fails.
 */
void ffa_mock_set_memory(struct ffa_mock *mock, ffa_mock_memory_fn fn, void *ctx);

/* ---- Record mode ---- */

struct ffa_recorder;

/*
 * Wrap `inner`: every call goes to it unchanged (on the processor it names), and the call with
 * its reply is appended to `out` as a script step that matches all eighteen registers exactly
 * (`x*=0` plus the non-zero ones) and the processor (`cpu=N`), except registers that carry a
 * physical address (FFA_RXTX_MAP's x1/x2, the buffer address of FFA_MEM_SHARE and its kind):
 * they are written `x1~<value>`, the value kept for readers and not compared.
 * `out` stays owned by the caller and must stay open while the recorder lives. Returns NULL when
 * out of memory.
 */
struct ffa_recorder *ffa_recorder_create(const struct ffa_backend *inner, FILE *out);

/*
 * Record memory too: with `fn`, the recorder follows FFA_RXTX_MAP/UNMAP as the mock does and adds
 * to each step the TX bytes the call read (as much as its ABI says: the forwarded RX/TX
 * descriptor, the FFA_MSG_SEND2 message, a memory transaction fragment, a relinquish descriptor;
 * physical addresses in them are masked) and the RX bytes the call changed (compared with a copy
 * taken just before it, in every RX buffer it knows). Set it before the first call.
 */
void ffa_recorder_set_memory(struct ffa_recorder *rec, ffa_mock_memory_fn fn, void *ctx);

/* The recorder as a backend, with the inner backend's capabilities. */
struct ffa_backend ffa_recorder_backend(struct ffa_recorder *rec);

/* Flush and free the recorder (not the inner backend, not the stream). NULL is accepted. */
void ffa_recorder_destroy(struct ffa_recorder *rec);

/* ---- Formatting helpers shared by the mock, the recorder and traces ---- */

/*
 * Write the script form of one register value: an FF-A function or status name where `reg` is
 * x0, or x2 of an FFA_ERROR; otherwise hexadecimal. Returns what snprintf returns.
 */
int ffa_mock_format_value(char *buf, size_t len, uint32_t fid, unsigned reg, uint64_t value);

/*
 * Write one script line ("call ..." or "reply ...") for `regs`. For a call, `exact` adds `x*=0`
 * and lists every non-zero register; for a reply the non-zero registers are listed.
 */
int ffa_mock_format_line(char *buf, size_t len, const char *verb, const struct ffa_regs *regs,
                         int exact);

#ifdef __cplusplus
}
#endif

#endif /* FFA_BACKEND_MOCK_H */
