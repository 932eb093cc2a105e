/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory-sharing test support: a descriptor builder that writes bytes by hand (independent of the
 * codec under test), and a model of the SPMC's memory ABIs layered on the mock (the mock answers
 * everything else: the probe, the mediator's own buffers).
 */
#ifndef FFA_TEST_MEM_SUPPORT_H
#define FFA_TEST_MEM_SUPPORT_H

#include <stdint.h>

#include "ffa/mem_desc.h"
#include "harness.h"

/* ---- Descriptors as a VM writes them ---- */

struct md_emad {
    uint16_t id;
    uint8_t perms;
    uint8_t flags;
    uint8_t impdef[16];
};

struct md {
    uint32_t version; /* the writer's layout: 1.0 = 32-byte header */
    uint16_t sender;
    uint16_t attrs;
    uint32_t flags;
    uint64_t handle;
    uint64_t tag;
    uint32_t emad_size;        /* 0: the version's own (16, or 32 from v1.2) */
    uint32_t emad_offset;      /* 0: right after the header */
    uint32_t composite_offset; /* 0: right after the EMADs */
    uint32_t n_emads;
    struct md_emad emads[8];
    uint32_t page_count; /* 0: the sum of the ranges */
    uint32_t nranges;
    const struct ffa_mem_range *ranges;
};

/* Write the whole descriptor into `out` (cap bytes); returns its length. */
uint32_t md_build(const struct md *d, uint8_t *out, uint32_t cap);

/* The offset of the first constituent md_build() writes. */
uint32_t md_ranges_offset(const struct md *d);

/* Little-endian helpers for tests. */
void tput(uint8_t *p, uint64_t v, int bytes);
uint64_t tget(const uint8_t *p, int bytes);

/* ---- The SPMC's memory ABIs, modelled ---- */

#define FWM_MAX_TX 256

struct fwm_tx {
    uint64_t handle;
    uint32_t fid;
    uint8_t *desc; /* the whole descriptor the mediator sent */
    uint32_t len;
    uint32_t total;
    uint32_t frags;
    uint32_t frag_lens[64]; /* the first 64 fragments' lengths */
    int complete;
    int reclaimed;
};

struct mem_fw {
    struct fixture *f;
    struct ffa_backend inner;
    uint64_t next_handle; /* first handle it gives (default 0x1000) */
    /* What it received */
    struct fwm_tx tx[FWM_MAX_TX];
    int ntx;
    int cur; /* transaction being received, or -1 */
    unsigned calls;
    unsigned reclaims;
    uint64_t last_reclaim;
    uint32_t last_reclaim_flags;
    /* Faults to play */
    int refuse_frag; /* answer fragment number refuse_frag (1 = the first) with refuse_code */
    int32_t refuse_code;
    int bad_offset_frag;  /* answer FRAG_RX with a wrong offset at that fragment */
    int bad_handle_frag;  /* answer FRAG_RX with another handle at that fragment */
    int32_t reclaim_code; /* RECLAIM answers FFA_ERROR(reclaim_code) when not 0 */
    int reclaim_garbage;  /* RECLAIM answers something that is not FFA_SUCCESS/ERROR */
    int reclaim_any;      /* RECLAIM of a handle it does not know (forgotten) succeeds */
    uint64_t success_handle_override; /* != 0: the final SUCCESS names this handle */
    /* What the mediator did wrong (counted, not asserted: the model runs under its locks). */
    unsigned violations;
    char violation[160];
};

/* th_opts.wrap for a fixture whose secure world is `fw` (a struct mem_fw, zeroed or set up). */
struct ffa_backend mem_fw_wrap(void *ctx, struct fixture *f, struct ffa_backend inner);
void mem_fw_free(struct mem_fw *fw);

/* The transaction with that handle, or NULL. */
struct fwm_tx *mem_fw_find(struct mem_fw *fw, uint64_t handle);

/* ---- A fixture for memory sharing ---- */

/* A secure world with its buffer ABIs (VM buffers not forwarded) and every memory ABI. */
#define FW_MEM_WORLD (FW_ALL_MSG | FW_RXTX_MAP_64 | FW_RXTX_UNMAP | FW_RX_RELEASE | FW_ALL_MEM)

/*
 * A mediator whose secure world is `fw_abis` (FW_MEM_WORLD: every memory ABI, its own buffers
 * registered), a host that owns guest pages (test_host_ops_mem), VM TEST_VM_ID at
 * `version` with 1-page RX/TX buffers. `cfg` may be NULL.
 */
struct memfix {
    struct fixture *f;
    struct mem_fw fw;
    /* Optional: stops what a test started (a racing thread) before anything is freed. */
    void (*stop)(void *ctx);
    void *stop_ctx;
};
/* A cmocka setup: builds it into *state without asserting (0, or -1 with the reason printed). */
int memfix_setup(void **state, uint32_t version, const struct ffa_mediator_config *cfg,
                 uint32_t fw_abis);
/* Free everything; -1 (reported) if anything leaked or the model saw a protocol violation. */
int memfix_release(struct memfix *mf);
int memfix_teardown(void **state);

/* Copy `len` bytes into VM `vm`'s TX buffer at offset 0. */
void put_tx(struct fixture *f, uint16_t vm, const void *buf, uint32_t len);

/* Build `d` into VM `vm`'s TX buffer and send its first `frag` bytes (frag 0: all). */
struct ffa_regs md_send(struct fixture *f, struct ffa_vm *vm, uint32_t fid, const struct md *d,
                        uint32_t frag);

/* 64-bit handle of an FFA_SUCCESS (w2/w3) or FFA_MEM_FRAG_RX (w1/w2) reply. */
uint64_t success_handle(const struct ffa_regs *r);
uint64_t frag_rx_handle(const struct ffa_regs *r);

/* The default one-SP SHARE descriptor from TEST_VM_ID with `n` ranges. */
struct md md_share_to_sp(uint32_t version, const struct ffa_mem_range *ranges, uint32_t n);

#endif /* FFA_TEST_MEM_SUPPORT_H */
