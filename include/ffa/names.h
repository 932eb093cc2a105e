/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names of FF-A function IDs and status codes, for logs, traces and test failure messages.
 * Pure functions over constant tables; freestanding.
 */
#ifndef FFA_NAMES_H
#define FFA_NAMES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * "FFA_MSG_SEND_DIRECT_REQ_32" for 0x8400006F, or NULL for an ID that is not an FF-A function.
 * The SMCCC SVE hint (bit 16) is ignored.
 */
const char *ffa_func_name(uint32_t fid);

/* "INVALID_PARAMETERS" for -2 (or 0xFFFFFFFE), "SUCCESS" for 0; NULL for anything else. */
const char *ffa_error_name(int32_t code);

/*
 * Walk the function table: entry `i` (0-based) sets *fid and returns its name; NULL past the end.
 * Aliases (FFA_MSG_YIELD for FFA_YIELD) are listed after the primary names.
 */
const char *ffa_func_table_entry(size_t i, uint32_t *fid);

#ifdef __cplusplus
}
#endif

#endif /* FFA_NAMES_H */
