/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The private request protocol of the example SPs, shared with the host programs (demo, tests,
 * benchmark). Requests are DIRECT_REQ_32 with w3 = command, w4..w7 = arguments; answers are
 * DIRECT_RESP_32 with w3..w7 as said per command. The echo SP has no commands: it echoes.
 */
#ifndef SP_PROTOCOL_H
#define SP_PROTOCOL_H

/* Partition IDs of the example manifests. */
#define SP_ID_ECHO       0x8001u
#define SP_ID_EL0        0x8002u
#define SP_ID_WORKER     0x8003u /* ns-interrupts-action: signaled */
#define SP_ID_WORKER_Q   0x8004u /* queued */
#define SP_ID_WORKER_ME  0x8005u /* managed exit */
#define SP_ID_FORWARDER  0x8006u
#define SP_ID_FORWARDER2 0x8007u
#define SP_ID_FAULTY     0x8008u
#define SP_ID_INIT_FAULT 0x8009u /* data abort during init */
#define SP_ID_INIT_ABORT 0x800Au /* FFA_ERROR(ABORTED) during init */

/* Any SP with the generic command (el0, forwarder): w4 = FID, w5..w7 = x1..x3.
 * Answer: w3 = x0, w4 = x1, w5 = x2, w6 = x3 of the result. */
#define SP_CMD_CALL 0xCA11u

/* Worker: w4 = iterations. Answer: w3 = checksum, w4 = iterations done. */
#define SP_CMD_COMPUTE 1u
/* Worker: FFA_YIELD with timeout w4 (ns, low word). Answer: w3 = x0 of the yield's result. */
#define SP_CMD_YIELD 2u
/* Worker: answer to a managed exit: w3 = marker, w4 = iterations done before it. */
#define SP_MANAGED_EXIT_MARKER 0x4D455849u /* "MEXI" */

/* Forwarder: send DIRECT_REQ_32 to w4 with w3..w5 = this request's w5..w7, loop FFA_RUN while it
 * answers FFA_INTERRUPT or FFA_YIELD. Answer: w3/w4 = the callee's w3/w4, w5 = FFA_INTERRUPTs
 * seen, w6 = FFA_YIELDs seen; on FFA_ERROR: w3 = SP_FORWARD_FAILED, w4 = the error code. */
#define SP_CMD_FORWARD    1u
#define SP_FORWARD_FAILED 0xEEEEEEEEu

/* el0: print w4 as hex on the console; answer w3 = SP_CMD_PRINT. */
#define SP_CMD_PRINT 0x9Du

/* Faulty: what to do wrong. */
#define SP_FAULT_DATA_ABORT    1u /* read unmapped memory */
#define SP_FAULT_UNDEF         2u /* udf #0 */
#define SP_FAULT_BAD_JUMP      3u /* branch to unmapped memory */
#define SP_FAULT_SPIN          4u /* never return */
#define SP_FAULT_SELF_ABORT    5u /* FFA_ERROR(ABORTED) */
#define SP_FAULT_WRITE_RO      6u /* write to its own code */
#define SP_FAULT_WRONG_CONDUIT 7u /* svc from S-EL1: not an SPMC conduit there */

#define SP_UNMAPPED_ADDR 0x40000000u

#endif /* SP_PROTOCOL_H */
