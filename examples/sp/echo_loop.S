/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The echo SP's message loop, in registers only: it answers DIRECT_REQ_32/64 with DIRECT_RESP of
 * the same width and DIRECT_REQ2 with DIRECT_RESP2, swapping sender and receiver and keeping the
 * payload, and goes back to FFA_MSG_WAIT after anything else.
 *
 * Why assembly: Debian's Unicorn 2.0.1 sends every guest store through QEMU's slow "notdirty"
 * path (~150 ns per store, fixed upstream after 2.0.1; docs/unicorn.md). A C loop that keeps its
 * message in memory costs microseconds per request in stores alone; this one does none, so the
 * benchmark measures the world switch, not the emulator's store path.
 */
#define FFA_MSG_WAIT       0x8400006b
#define FFA_DIRECT_REQ_32  0x8400006f
#define FFA_DIRECT_REQ_64  0xc400006f
#define FFA_DIRECT_RESP_32 0x84000070
#define FFA_DIRECT_RESP_64 0xc4000070
#define FFA_DIRECT_REQ2    0xc400008d
#define FFA_DIRECT_RESP2   0xc400008e

.macro movw32 reg, val
    movz    \reg, #((\val) & 0xffff)
    movk    \reg, #(((\val) >> 16) & 0xffff), lsl #16
.endm

    .text
    .global echo_loop
    .type echo_loop, %function
echo_loop:
    b       wait
    /*
     * The hot path is laid out so that a DIRECT_REQ_32 costs two translation blocks: the answer
     * and its smc, then `message` right behind the smc, where the next request arrives.
     */
resp32:
    movw32  w0, FFA_DIRECT_RESP_32
    ror     w1, w1, #16         /* receiver <-> sender */
    mov     x2, #0              /* flags: a partition message */
    smc     #0                  /* x8..x17 are zero in REQ_32, as RESP needs them */
message:
    movw32  w19, FFA_DIRECT_REQ_32
    cmp     w0, w19
    b.eq    resp32
    movw32  w19, FFA_DIRECT_REQ_64
    cmp     w0, w19
    b.eq    resp64
    movw32  w19, FFA_DIRECT_REQ2
    cmp     w0, w19
    b.eq    resp2
wait:
    movw32  w0, FFA_MSG_WAIT
    mov     x1, #0
    mov     x2, #0
    mov     x3, #0
    mov     x4, #0
    mov     x5, #0
    mov     x6, #0
    mov     x7, #0
    mov     x8, #0
    mov     x9, #0
    mov     x10, #0
    mov     x11, #0
    mov     x12, #0
    mov     x13, #0
    mov     x14, #0
    mov     x15, #0
    mov     x16, #0
    mov     x17, #0
    smc     #0
    b       message
resp64:
    movw32  w0, FFA_DIRECT_RESP_64
    ror     w1, w1, #16
    mov     x2, #0
    smc     #0
    b       message
resp2:
    movw32  w0, FFA_DIRECT_RESP2
    ror     w1, w1, #16
    mov     x2, #0              /* x2/x3 (UUID) MBZ in RESP2; x4..x17 echoed */
    mov     x3, #0
    smc     #0
    b       message
    .size echo_loop, . - echo_loop
