/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Readable one-line decodings of FF-A register files, for the example programs' traces:
 * function names, endpoint IDs, error names, payloads.
 */
#ifndef FFA_EXAMPLE_TRACE_H
#define FFA_EXAMPLE_TRACE_H

#include <stddef.h>

#include "ffa/regs.h"

/* Decode `r` (a call, or a reply when `is_reply`) into `buf`. Returns buf. */
const char *ffa_trace_describe(const struct ffa_regs *r, int is_reply, char *buf, size_t len);

#endif /* FFA_EXAMPLE_TRACE_H */
