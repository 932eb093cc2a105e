/* SPDX-License-Identifier: BSD-3-Clause */
/* A stand-in for an SP package header before the image (pie-pkg): a magic word and its size. */
    .section .sp_header, "a"
    .ascii  "SPKG"
    .word   0x2000
