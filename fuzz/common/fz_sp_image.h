/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Secure-partition images and manifests built in memory, for the Unicorn fuzz harnesses: a static
 * AArch64 ELF writer, a few AArch64 instruction encodings, and an FF-A partition manifest (DTB)
 * writer with every property optional and its value chosen by the caller.
 */
#ifndef FZ_SP_IMAGE_H
#define FZ_SP_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_SP_LOAD  UINT64_C(0x10000000)
#define FZ_SP_STACK UINT64_C(0x10100000) /* an RW segment: 16 KiB of .bss */

/* ELF program header flags */
#define FZ_PF_X 1u
#define FZ_PF_W 2u
#define FZ_PF_R 4u

struct fz_seg {
    uint64_t vaddr;
    uint32_t flags; /* FZ_PF_* */
    const uint8_t *data;
    uint64_t filesz; /* bytes of data */
    uint64_t memsz;
};

/*
 * Write an ELF64 little-endian AArch64 ET_EXEC with entry `entry` and `n` PT_LOAD segments (at
 * most 4) into `out`. Returns its size, or 0 if it does not fit `cap`.
 */
size_t fz_elf_build(uint8_t *out, size_t cap, uint64_t entry, const struct fz_seg *segs,
                    unsigned n);

/* AArch64 encodings */
uint32_t fz_a64_movz(unsigned rd, uint16_t imm, unsigned shift16);
uint32_t fz_a64_movk(unsigned rd, uint16_t imm, unsigned shift16);
#define FZ_A64_SMC 0xd4000003u
#define FZ_A64_HVC 0xd4000002u
#define FZ_A64_SVC 0xd4000001u
#define FZ_A64_NOP 0xd503201fu
#define FZ_A64_RET 0xd65f03c0u
uint32_t fz_a64_b(int32_t words); /* branch by `words` instructions */
/* Put a 64-bit constant in xN (4 instructions); returns the number of words written. */
unsigned fz_a64_mov64(uint32_t *code, unsigned rd, uint64_t v);

/*
 * The code of a minimal S-EL1 SP using `conduit` (FZ_A64_SMC/HVC/SVC): FFA_MSG_WAIT, then answer
 * every direct request with DIRECT_RESP_32 echoing w3..w7; on an FFA_ERROR it executes udf (it
 * never calls the SPMC in a loop). Needs 23 words. Returns its length in words.
 */
unsigned fz_sp_echo_code(uint32_t *code, unsigned cap, uint32_t conduit);

/* Manifest properties; a property is written only when its bit is set in `present`. */
enum fz_mf_prop {
    FZ_MF_COMPATIBLE,
    FZ_MF_VERSION,
    FZ_MF_UUID,
    FZ_MF_ID,
    FZ_MF_CTX,
    FZ_MF_EL,
    FZ_MF_STATE,
    FZ_MF_LOAD,
    FZ_MF_ENTRY,
    FZ_MF_MSG,
    FZ_MF_NS_ACTION,
    FZ_MF_BOOT_ORDER,
    FZ_MF_GP_REG,
    FZ_MF_REGION,
    FZ_MF_RXTX,
    FZ_MF_COUNT
};

struct fz_manifest {
    uint32_t present; /* 1 << FZ_MF_* */
    uint32_t version, uuid[4], id, ctx, el, state;
    uint64_t load;
    uint32_t entry, msg, ns_action, boot_order, gp_reg;
    /* memory region (and, with FZ_MF_RXTX, a second one and the rx_tx-info pair) */
    uint64_t region_base;
    uint32_t region_pages, region_attr;
    /* Odd cell counts: property `odd_prop` (FZ_MF_*) gets `odd_cells` cells of `odd_value`. */
    int odd_prop;
    uint32_t odd_cells, odd_value;
};

/* A valid manifest for an S-EL1 SP `id` linked at FZ_SP_LOAD. */
void fz_manifest_default(struct fz_manifest *m, uint32_t id);

/* Write the DTB into `buf`. Returns its size, or 0 if it does not fit `cap`. */
size_t fz_manifest_build(void *buf, size_t cap, const struct fz_manifest *m);

#endif /* FZ_SP_IMAGE_H */
