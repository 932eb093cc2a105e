/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Readable one-line decodings of FF-A register files and of the descriptors FF-A puts in RX/TX
 * buffers, for traces, logs and test failure messages.
 *
 * Every function here works like snprintf(): it writes at most `len - 1` characters and a NUL
 * (nothing at all when `len` is 0), and returns the length of the whole text, so a return value of
 * `len` or more means the text was cut. Pure functions over constant tables; freestanding (no
 * libc): a hypervisor can call them from its trap handler or its trace hook.
 *
 * The register form names the function, then its decoded arguments in parentheses:
 *
 *   FFA_MSG_SEND_DIRECT_REQ_32(VM 0x0001 -> SP 0x8001, [0x1 0x2 0x3])
 *   FFA_RXTX_MAP_64(TX 0x80000000, RX 0x80010000, 1 page)
 *   FFA_PARTITION_INFO_GET(UUID b4b5671e-4a90-4fe1-b81f-fb13dae1dacb, count only)
 *   FFA_ERROR(INVALID_PARAMETERS)
 *   version 1.2                                    (the bare w0 answer to FFA_VERSION)
 *
 * Endpoints print as "VM 0x0001", "SP 0x8001" (bit 15 set: secure), "SPMC 0x8000",
 * "SPMD 0xffff" or "hyp 0x0000"; target information as "SP 0x8001 vCPU 0"; UUIDs in the canonical
 * 8-4-4-4-12 form of their 16 bytes (registers w1..w4 or x1/x2 hold them little-endian, as a
 * partition descriptor does: DEN0077A v1.2, the UUID register encoding); memory handles, bitmaps
 * and addresses in hexadecimal; status codes by name. A register the decoder of that ABI does not
 * use is printed as "w5=0x7" (SMC32) or "x9=0x7" (SMC64) when it is not zero, so nothing is
 * hidden. An ID that is not an FF-A function prints as hexadecimal with every non-zero register:
 * "0x84000099(x1=0x1, x3=0x5)".
 */
#ifndef FFA_FORMAT_H
#define FFA_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "ffa/regs.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ffa_format_kind {
    /* The registers of a call: x0 is the function, x1.. its arguments. */
    FFA_FORMAT_CALL = 0,
    /*
     * The registers of a reply. With the call it answers, FFA_SUCCESS is decoded for that call
     * (the ID FFA_ID_GET gave, the count FFA_PARTITION_INFO_GET gave, the handle FFA_MEM_SHARE
     * gave...) and FFA_VERSION's bare w0 as a version. Without it, a w0 with bit 31 clear reads
     * as a version, and FFA_SUCCESS shows its registers.
     */
    FFA_FORMAT_REPLY = 1,
};

/*
 * One line for the register file `r`: a call, or a reply to `call` (which may be NULL).
 *
 * `version` is the FF-A version the registers follow (the caller's negotiated version,
 * FFA_VERSION_MAKE(1, x)); 0 means the newest this library knows (v1.2). It changes what is
 * decoded where the ABI changed: FFA_RXTX_MAP's page count (w3[5:0] in v1.0),
 * FFA_PARTITION_INFO_GET's flags and descriptor size (v1.1), FFA_MSG_WAIT's retain flag and
 * FFA_YIELD's timeout (v1.2), x8..x17 of SMC64 calls (v1.2), FFA_FEATURES' maximum RX/TX page
 * count (v1.2).
 */
size_t ffa_format_regs(char *buf, size_t len, const struct ffa_regs *r, enum ffa_format_kind kind,
                       uint32_t version, const struct ffa_regs *call);

/* "VM 0x0001", "SP 0x8001", "SPMC 0x8000", "SPMD 0xffff", "hyp 0x0000". */
size_t ffa_format_endpoint(char *buf, size_t len, uint16_t id);

/* "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb": the 16 bytes in order, lower case. */
size_t ffa_format_uuid(char *buf, size_t len, const uint8_t uuid[16]);

/*
 * One partition information descriptor, as FFA_PARTITION_INFO_GET writes it into an RX buffer
 * (`size` 8: v1.0, without UUID; 24: v1.1 and v1.2; other sizes: the first 24 bytes are read).
 * "SP 0x8001 1 vCPU UUID b4b5671e-4a90-4fe1-b81f-fb13dae1dacb direct-req-recv|direct-req-send".
 */
size_t ffa_format_partition_info(char *buf, size_t len, const uint8_t *desc, size_t size);

/*
 * An indirect message (FFA_MSG_SEND2) as it sits in a TX or RX buffer: `avail` bytes from the
 * start of its partition message header (20 bytes in v1.1, 40 with the UUID in v1.2). Names the
 * sender and receiver, the payload's size and offset, the UUID when there is one, and shows the
 * first payload bytes in hexadecimal and as text. A header that does not fit `avail` says so.
 */
size_t ffa_format_msg(char *buf, size_t len, const uint8_t *msg, size_t avail);

/*
 * A memory transaction descriptor (FFA_MEM_SHARE/LEND/DONATE, FFA_MEM_RETRIEVE_REQ and
 * FFA_MEM_RETRIEVE_RESP): `size` bytes in the layout of FF-A `version` (v1.0: the 32-byte
 * header; v1.1 and later: the 48-byte header with the EMAD size and offset; 0 means v1.2). Names
 * the sender, the handle and tag, the memory attributes, the flags, each receiver with its
 * access permissions, and the pages and address ranges of the composite descriptor.
 */
size_t ffa_format_mem_transaction(char *buf, size_t len, const uint8_t *desc, size_t size,
                                  uint32_t version);

/*
 * A memory relinquish descriptor (FFA_MEM_RELINQUISH, in the TX buffer): handle, flags and the
 * endpoints.
 */
size_t ffa_format_mem_relinquish(char *buf, size_t len, const uint8_t *desc, size_t size);

/*
 * An endpoint RX/TX descriptor (FFA_RXTX_MAP forwarded by a hypervisor, v1.1): the endpoint and,
 * for its RX and TX buffer, the pages, address ranges and first address.
 */
size_t ffa_format_rxtx_descriptor(char *buf, size_t len, const uint8_t *desc, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* FFA_FORMAT_H */
