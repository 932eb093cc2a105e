/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fixture for the Unicorn backend tests: the example SPs in an emulated secure world, a mediator
 * on top (test host callbacks: leak-checked allocations, real locks), one VM at FF-A v1.2. Every
 * guest call goes through ffa_mediator_handle(), as a hypervisor's would.
 */
#ifndef UC_FIXTURE_H
#define UC_FIXTURE_H

#include "../harness.h"
#include "ffa/backend_unicorn.h"
#include "sp_protocol.h"

/* Which example SPs to load (bits). */
#define UCF_ECHO       (1u << 0)
#define UCF_EL0        (1u << 1)
#define UCF_WORKER     (1u << 2)
#define UCF_WORKER_Q   (1u << 3)
#define UCF_WORKER_ME  (1u << 4)
#define UCF_FORWARDER  (1u << 5)
#define UCF_FORWARDER2 (1u << 6)
#define UCF_FAULTY     (1u << 7)
#define UCF_INIT_FAULT (1u << 8)
#define UCF_INIT_ABORT (1u << 9)
#define UCF_MESSENGER  (1u << 10)
#define UCF_MESSENGER2 (1u << 11)
#define UCF_MSG_V10    (1u << 12)
#define UCF_MMU        (1u << 13)
#define UCF_BIGMEM     (1u << 14)
#define UCF_FARSEG     (1u << 15)
#define UCF_MP         (1u << 16) /* 4 contexts: needs ucf_new_pes(..., 4, ...) */
#define UCF_MMU_MP     (1u << 17) /* 4 contexts */
#define UCF_ECHO_MP    (1u << 18) /* 2 contexts */
#define UCF_INIT_LOOP  (1u << 19)
#define UCF_MAX_SPS    20

/* Hypervisor pages (page_alloc) the full host can resolve for the SPMC. */
#define UCF_MAX_HYP_PAGES 8

struct ucf_hyp_pages {
    uint8_t *va;
    uint32_t pages;
    uint64_t pa;
};

struct ucf {
    struct test_host host; /* first: host callbacks get &f->host */
    struct ffa_unicorn *spmc;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    char log[65536]; /* every backend log line, "kind sp_id: msg\n" */
    size_t log_len;

    /* ucf_new_full(): normal-world memory for the SPMC (ns_memory), rx_full events. */
    struct ucf_hyp_pages hyp[UCF_MAX_HYP_PAGES];
    bool ns_refuse;        /* ns_memory refuses everything (a fault while copying) */
    uint64_t ns_refuse_pa; /* ... or only ranges touching this page (0: none) */
    unsigned ns_calls;
    unsigned rx_full_calls;
    uint16_t rx_full_vm;
};

/* Paths of an example SP's image and manifest. */
void ucf_sp_paths(const char *name, char *elf, char *dtb, size_t len);

/* Build the SP list for `mask` into sps[] (at most 10); returns the count. */
size_t ucf_sp_list(unsigned mask, struct ffa_unicorn_sp_config *sps, char paths[][2][512]);

/* Create the world: SPs of `mask`, preemption budget and watchdog (0 = defaults). */
struct ucf *ucf_new(unsigned mask, uint64_t preempt_blocks, uint64_t watchdog_blocks);
/* SPs of the caller's own, with a preemption budget, a watchdog and an init budget (0: default). */
struct ucf *ucf_new_sps_budgets(const struct ffa_unicorn_sp_config *sps, size_t sp_count,
                                uint64_t preempt_blocks, uint64_t watchdog_blocks,
                                uint64_t init_blocks);
/* The same on `pe_count` PEs (the SPMC's config pe_count). */
struct ucf *ucf_new_pes(unsigned mask, uint32_t pe_count, uint64_t preempt_blocks,
                        uint64_t watchdog_blocks);
/* A call straight into the backend on PE `cpu`, as the hypervisor. */
struct ffa_regs ucf_fw_on(struct ucf *f, uint32_t cpu, const struct ffa_regs *in);
/* DIRECT_REQ_32 from TEST_VM_ID to `sp` straight into the backend, on PE `cpu`. */
struct ffa_regs ucf_req_on(struct ucf *f, uint32_t cpu, uint16_t sp, uint32_t w3, uint32_t w4,
                           uint32_t w5, uint32_t w6, uint32_t w7);
/* ucf_finish() on PE `cpu`, straight into the backend. */
struct ffa_regs ucf_finish_on(struct ucf *f, uint32_t cpu, struct ffa_regs r, unsigned *interrupts);
/*
 * The same with a full host: the SPMC reaches normal-world memory (ns_memory: the harness's fake
 * guest RAM, PA = TEST_PA(vm, ipa), and the hypervisor pages of page_alloc) and reports rx_full.
 * With `mediator`, a mediator on test_host_ops_full (guest_map, page_alloc, notify) registers its
 * buffers and reads the SP list at create, and VM TEST_VM_ID is added at v1.2 (as ucf_new);
 * without, the test is the hypervisor and calls the backend itself.
 */
struct ucf *ucf_new_full(unsigned mask, bool mediator);
/* The same with SPs of the caller's own (manifests edited in memory, say). */
struct ucf *ucf_new_full_sps(const struct ffa_unicorn_sp_config *sps, size_t sp_count,
                             bool mediator);
/* The same on `pe_count` PEs (manifests of MP partitions written for that many). */
struct ucf *ucf_new_full_sps_pes(const struct ffa_unicorn_sp_config *sps, size_t sp_count,
                                 uint32_t pe_count, bool mediator);
void ucf_free(struct ucf *f);

/* ---- Full host helpers ---- */
/*
 * The full host's callbacks (test_host_ops_full whose hypervisor pages the SPMC can reach), and
 * its ns_memory callback (ctx: the struct ucf): for a mediator the test creates itself.
 */
const struct ffa_host_ops *ucf_full_host_ops(void);
void *ucf_ns_memory(void *ctx, uint64_t pa, size_t len, int writable);
/* Hypervisor pages through the full host's page_alloc (freed by ucf_free). */
uint8_t *ucf_hyp_pages(struct ucf *f, uint32_t pages, uint64_t *pa);
/* A call straight into the backend, as the hypervisor. */
struct ffa_regs ucf_fw(struct ucf *f, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
                       uint64_t x4, uint64_t x5);
/* A call from `vm` through the mediator. */
struct ffa_regs ucf_vm(struct ucf *f, struct ffa_vm *vm, uint64_t x0, uint64_t x1, uint64_t x2,
                       uint64_t x3, uint64_t x4, uint64_t x5);
/* Add VM `id`, negotiate `version` and map TEST_TX_IPA/TEST_RX_IPA of `pages` (asserting). */
struct ffa_vm *ucf_vm_ready(struct ucf *f, uint16_t id, uint32_t version, uint32_t pages);
/* Host views of a VM's TX and RX buffers (TEST_TX_IPA / TEST_RX_IPA). */
uint8_t *ucf_vm_tx(struct ucf *f, uint16_t vm);
uint8_t *ucf_vm_rx(struct ucf *f, uint16_t vm);
/*
 * Write a message into VM `from`'s TX: header with `offset` (20 or 40; the UUID at 24 when 40),
 * payload {cmd, arg, text}. Returns the payload size.
 */
uint32_t ucf_vm_write_msg(struct ucf *f, uint16_t from, uint16_t to, uint32_t offset, uint32_t cmd,
                          uint32_t arg, const char *text);
/* FFA_MSG_SEND2 from `vm` through the mediator. */
struct ffa_regs ucf_vm_send2(struct ucf *f, struct ffa_vm *vm);
/* DIRECT_REQ_32 to `sp` from TEST_VM_ID: through the mediator if there is one, else the backend. */
struct ffa_regs ucf_sp_req(struct ucf *f, uint16_t sp, uint32_t w3, uint32_t w4, uint32_t w5,
                           uint32_t w6, uint32_t w7);
/* The same, asserting that the SP answered with DIRECT_RESP_32 (for SP_MCMD_* commands). */
struct ffa_regs ucf_sp_cmd(struct ucf *f, uint16_t sp, uint32_t w3, uint32_t w4, uint32_t w5,
                           uint32_t w6, uint32_t w7);
/* Make `sp` call fid(x1, x2, x3) (SP_CMD_CALL): the result's w0..w3 come back in x[3..6]. */
struct ffa_regs ucf_sp_call(struct ucf *f, uint16_t sp, uint32_t fid, uint32_t x1, uint32_t x2,
                            uint32_t x3);
/*
 * Make `sp` (a messenger) call fid(x1, x2, x3) with 64-bit arguments (SP_CMD_CALL64) and read back
 * the whole result, x0..x17, into *res (SP_CMD_RESULT).
 */
void ucf_sp_call64(struct ucf *f, uint16_t sp, uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
                   struct ffa_regs *res);
/* Assert that the call made with ucf_sp_call() got FFA_ERROR(code). */
void ucf_assert_sp_error(const struct ffa_regs *r, int32_t code);

/* A whole file, with `extra` zeroed bytes of room behind it (asserting). */
void *ucf_read_file(const char *path, size_t *size, size_t extra);
/*
 * Load example SP `name` (image and manifest of that name) with its manifest changed by `edit`
 * (libfdt, 4 KiB of room): create must fail with INVALID_PARAMETERS and a message holding `n1`
 * and, unless NULL, `n2`.
 */
void ucf_expect_refused(const char *name, void (*edit)(void *fdt), const char *n1, const char *n2);

/* Little-endian reads of host memory. */
uint32_t ucf_le32(const uint8_t *p);
uint16_t ucf_le16(const uint8_t *p);

/* The backend's log callback (appends to f->log). */
void ucf_log(void *ctx, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *msg);
bool ucf_log_has(const struct ucf *f, const char *needle);

/* One guest call through the mediator (VM f->vm, vCPU 0). */
struct ffa_regs ucf_call(struct ucf *f, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
                         uint64_t x4, uint64_t x5, uint64_t x6, uint64_t x7);
/* DIRECT_REQ_32 from the VM to `dst` with w3..w7. */
struct ffa_regs ucf_req(struct ucf *f, uint16_t dst, uint32_t w3, uint32_t w4, uint32_t w5,
                        uint32_t w6, uint32_t w7);
/* Resume with FFA_RUN while the reply is FFA_INTERRUPT or FFA_YIELD (Linux's loop); counts them. */
struct ffa_regs ucf_finish(struct ucf *f, struct ffa_regs r, unsigned *interrupts,
                           unsigned *yields);

/* The worker's checksum for n iterations (what SP_CMD_COMPUTE answers). */
uint32_t ucf_worker_checksum(uint32_t n);

enum ffa_unicorn_ec_state ucf_state(struct ucf *f, uint16_t id);

/* Assert a DIRECT_RESP_32 from `sp` to the VM. */
void ucf_assert_resp(const struct ffa_regs *r, uint16_t sp);
/* Assert FFA_ERROR(code), as th_assert_error. */
#define ucf_assert_error th_assert_error

#endif /* UC_FIXTURE_H */
