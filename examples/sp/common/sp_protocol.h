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
#define SP_ID_MESSENGER  0x800Bu /* indirect messaging, maps its RX/TX with FFA_RXTX_MAP */
#define SP_ID_MESSENGER2 0x800Cu /* the same, RX/TX declared in its manifest (rx_tx-info) */
#define SP_ID_MSG_V10    0x800Du /* the messenger at FF-A v1.0 (no indirect messaging) */
#define SP_ID_MMU        0x800Eu /* enables its stage-1 MMU and caches at init */
#define SP_ID_BIGMEM     0x800Fu /* a 64 MiB partition (a 64 MiB zero-initialised area) */
#define SP_ID_FARSEG     0x8010u /* two segments 1 GiB apart */
#define SP_ID_PIE        0x8011u /* position-independent ELF (ET_DYN), relocates itself */
#define SP_ID_FLAT       0x8012u /* the same image as a flat binary (objcopy -O binary) */
#define SP_ID_NOFLAGS    0x8013u /* ELF whose segments have no permission flags */
#define SP_ID_PASTBSS    0x8014u /* its start-up code writes past the end of its image */
#define SP_ID_DEVICES    0x8015u /* a PL011 UART and registers in its device-regions */
#define SP_ID_PIE_EL0    0x8016u /* the PIE image at S-EL0 (SVC conduit) */
#define SP_ID_MP         0x8017u /* MP: one context per PE, each reports its PE (mp.c) */
#define SP_ID_MMU_MP     0x8018u /* the mmu SP as an MP partition: its MMU on on every PE */
#define SP_ID_ECHO_MP    0x8019u /* the echo SP as an MP partition (2 contexts: 2 PEs) */
#define SP_ID_INIT_LOOP  0x801Au /* keeps calling FFA_ID_GET during init, never waits */

/* Any SP with the generic command (el0, forwarder): w4 = FID, w5..w7 = x1..x3.
 * Answer: w3 = x0, w4 = x1, w5 = x2, w6 = x3 of the result. */
#define SP_CMD_CALL 0xCA11u

/*
 * Any SP with the 64-bit generic command (the messengers): a DIRECT_REQ_64 with x4 = FID, x5..x7
 * = x1..x3 (64-bit). The SP keeps the whole result. Answer (DIRECT_RESP_64): x3..x7 = x0..x4 of
 * the result. SP_CMD_RESULT (DIRECT_REQ_64, x4 = n): x3..x7 = x(n)..x(n+4) of that result.
 */
#define SP_CMD_CALL64 0xCA64u
#define SP_CMD_RESULT 0x4E5Du

/* Worker and mmu: w4 = iterations. Answer: w3 = checksum, w4 = iterations done. */
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
#define SP_FAULT_CALL_LOOP     8u /* call FFA_ID_GET forever: never answer */

#define SP_UNMAPPED_ADDR 0x40000000u

/*
 * Messenger SPs (messenger.c): RX/TX buffers and FFA_MSG_SEND2.
 *
 * Indirect messages carry a payload of u32 command @0, u32 argument @4, then text. A messenger
 * learns of a message when it is given cycles with FFA_RUN (as after the schedule receiver
 * interrupt): it copies the message out of its RX buffer, releases the buffer with FFA_RX_RELEASE
 * (SUCCESS: the message is new; DENIED: the buffer was empty, nothing to do), acts, and goes back
 * to FFA_MSG_WAIT.
 */
/* Answer the sender: SP_MSG_PONG, the argument kept, "pong: " + the text. */
#define SP_MSG_PING 1u
/* Argument = an SP: send it SP_MSG_PING_FOR(the sender, the text). */
#define SP_MSG_RELAY 2u
/* Argument = an endpoint: answer it (not the sender) with SP_MSG_PONG. */
#define SP_MSG_PING_FOR 3u
/* Keep the message: no FFA_RX_RELEASE; FFA_MSG_WAIT with the retain flag (w2 bit 0). */
#define SP_MSG_RETAIN 4u
/* Keep the message: no FFA_RX_RELEASE; a plain FFA_MSG_WAIT, which releases the buffer. */
#define SP_MSG_KEEP 5u
/* An answer; argument = the ping's (or the relaying SP's ID). */
#define SP_MSG_PONG 0x10u
/* Sent by SP_MCMD_SEND; argument = w5 of that request. */
#define SP_MSG_NOTE 0x11u
/* The longest text a messenger handles. */
#define SP_MSG_TEXT_MAX 200u

/* v1.2 header: offset of the payload in the messages a messenger sends. */
#define SP_MSG_HDR_SIZE 40u

/*
 * Direct-request commands of the messengers (besides SP_CMD_CALL):
 * SP_MCMD_SEND: FFA_MSG_SEND2 of an SP_MSG_NOTE to w4[15:0]; w4[31:16] = the sender to write in
 *   the header (0: its own ID); w5 = note argument; w6 = payload offset (0: 40) | payload size
 *   << 16 (0: 8); w7 = w2 flags of the call. Answer: w3 = x0, w4 = w2 of the result.
 * SP_MCMD_PEEK: answer w3..w7 = five u32 words of its RX buffer from byte w4.
 * SP_MCMD_PARTINFO: FFA_PARTITION_INFO_GET(UUID words w4..w7, flags 0); _COUNT: flags 1;
 *   _FLAGS: flags 2. Answer: w3 = x0, w4 = w2, w5 = w3 of the result. The buffer is not released.
 * SP_MCMD_ADDRS: answer w3 = its RX address, w4 = its TX address, w5 = a spare writable page,
 *   w6 = an address in its code, w7 = the pages per buffer.
 * SP_MCMD_WRITE_RX: store to its own RX buffer (read-only while mapped: the SP aborts).
 */
#define SP_MCMD_SEND           0x5E2Du
#define SP_MCMD_PEEK           0x9EEFu
#define SP_MCMD_PARTINFO       0x1F0u
#define SP_MCMD_PARTINFO_COUNT 0x1F1u
#define SP_MCMD_PARTINFO_FLAGS 0x1F2u
#define SP_MCMD_ADDRS          0xADD5u
#define SP_MCMD_WRITE_RX       0x3B17u

/* messenger2's buffers: its manifest's memory regions (rx_tx-info). */
#define SP_MSG2_RX_ADDR 0x20000000u
#define SP_MSG2_TX_ADDR 0x20001000u

/*
 * mmu (mmu.c): identity page tables for its image and the SPMC's boot-info window, built at init;
 * then the MMU and the caches go on. SP_MMU_CMD_STATUS answers w3 = the SCTLR_EL1 bits M | C | I
 * that are set; w4 = the translation checks that hold, SP_MMU_CHECKS_ALL when its own tables
 * translate (AT S1E1R of an address they leave out faults, AT S1E1W of its code faults, AT S1E1R
 * of its data gives the same address); w5 = a checksum of a read-only table; w6 = a word stored
 * to and loaded back from .bss (w4 of the request). SP_CMD_COMPUTE is the worker's computation.
 */
#define SP_MMU_CMD_STATUS     0x33u
#define SP_MMU_SCTLR_MCI      0x1005u /* M (bit 0) | C (bit 2) | I (bit 12) */
#define SP_MMU_CHECK_UNMAPPED (1u << 0)
#define SP_MMU_CHECK_RO_CODE  (1u << 1)
#define SP_MMU_CHECK_IDENTITY (1u << 2)
#define SP_MMU_CHECKS_ALL     0x7u
#define SP_MMU_UNMAPPED_VA    0x80000000u

/*
 * bigmem and farseg (bigmem.c): a large area (bigmem: 64 MiB, zero-initialised; farseg: a segment
 * 1 GiB above the image, starting with SP_FAR_MAGIC). SP_BIG_CMD_INFO answers w3 = the area's
 * address, w4 = its size in 4 KiB pages, w5 = its first word. SP_BIG_CMD_TOUCH (w4 = page index,
 * w5 = value) stores the value at the start and the end of that page and answers w3/w4 = the two
 * words loaded back.
 */
#define SP_BIG_CMD_INFO  0xB16u
#define SP_BIG_CMD_TOUCH 0xB17u
#define SP_BIG_PAGES     16384u /* bigmem: 64 MiB */
#define SP_FAR_ADDR      0x50000000u
#define SP_FAR_MAGIC     0xFA12FA12u

/*
 * The image-kind examples (image.c: pie, flat, pie-el0, pie-pkg, noflags, pastbss, devices). A
 * request that is not a command is echoed (w3..w7 unchanged).
 * SP_IMG_CMD_INFO answers w3 = SP_IMG_CMD_INFO; w4 = the run-time address of a function read
 *   through a pointer stored in its data (a relocation its start-up code applied when it is
 *   position-independent); w5 = the same address computed PC-relative; w6 = the relocations its
 *   start-up code applied; w7 = the address just past its image (its linker script's
 *   __image_end). Addresses are below 4 GiB.
 * SP_IMG_CMD_PEEK (w4 = address): w4 = the 32-bit word there. SP_IMG_CMD_POKE (w4 = address,
 *   w5 = value): stores it, w4 = the word loaded back. A fault aborts the SP, as it would.
 * SP_IMG_CMD_UART (w4 = a number): prints "uart: hello from <its ID>, <number>" and a newline to
 *   the PL011 at SP_UART_BASE, then answers w4 = the PL011's UARTFR.
 * pastbss writes SP_PAST_BSS_MAGIC at SP_PAST_BSS_OFFSET past its image's end during start-up.
 */
#define SP_IMG_CMD_INFO    0x1A60u
#define SP_IMG_CMD_PEEK    0x1A61u
#define SP_IMG_CMD_POKE    0x1A62u
#define SP_IMG_CMD_UART    0x1A63u
#define SP_PAST_BSS_OFFSET 0x40u
#define SP_PAST_BSS_MAGIC  0xB5500B55u

/* Where the image-kind examples are loaded (their manifests) and the devices of "devices". */
#define SP_PIE_LOAD_ADDR  0x30000000u
#define SP_FLAT_LOAD_ADDR 0x31000000u
#define SP_UART_BASE      0x1c090000u /* PL011, as UART0 of Arm's FVP Base */
#define SP_REGS_BASE      0x2a490000u /* RAM-like registers (an SP805 watchdog's place on FVP) */
#define SP_ROREG_BASE     0x1c010000u /* a read-only device region (system registers) */

/*
 * MP partitions (mp.c, and mmu and echo built as MP): execution-ctx-count = the number of PEs; the
 * primary context registers common/secondary.S's _secondary_start with FFA_SECONDARY_EP_REGISTER,
 * and the SPMC starts every other context there on its own PE. A context keeps the index it was
 * booted with (x4) in TPIDR_EL1. SP_MAX_CTX: the most contexts the examples have stacks for (also
 * read by assembly: no suffix).
 *
 * mp: SP_MP_CMD_WHO answers w3 = the index the context was booted with (x4 at its entry), w4 =
 * SP_MP_BOOT_PRIMARY or SP_MP_BOOT_SECONDARY (the entry it was started at), w5 = the secondary
 * entry point the partition registered (low 32 bits), w6 = the requests this context has answered,
 * this one included, w7 = x0 at its entry (low 32 bits: the boot-info address for the primary, 0
 * for the others). SP_MP_CMD_FAULT: a data abort (the whole partition is aborted).
 * SP_MP_CMD_FORWARD: the forwarder's SP_CMD_FORWARD (w4 = target, w5..w7 its w3..w5; FFA_RUN while
 * it is interrupted or yields; the same answer). Also SP_CMD_COMPUTE (the worker's computation,
 * preemptible) and SP_CMD_CALL.
 */
#define SP_MAX_CTX           8
#define SP_MP_CMD_WHO        0x3Au
#define SP_MP_CMD_FAULT      0x3Bu
#define SP_MP_CMD_FORWARD    0x3Cu
#define SP_MP_BOOT_PRIMARY   1u
#define SP_MP_BOOT_SECONDARY 2u

#endif /* SP_PROTOCOL_H */
