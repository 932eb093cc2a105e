/* SPDX-License-Identifier: BSD-3-Clause */
/* One-line decodings of FF-A register files for the demonstration's trace. */
#ifndef UNICORN_DEMO_TRACE_H
#define UNICORN_DEMO_TRACE_H

#include <stddef.h>

#include "ffa/regs.h"

/* Decode a guest call (`is_reply` = 0) or the reply to `call` into buf; returns buf. */
const char *demo_decode(const struct ffa_regs *r, const struct ffa_regs *call, int is_reply,
                        char *buf, size_t len);

#endif
