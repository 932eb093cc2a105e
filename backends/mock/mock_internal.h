/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared between the mock's expectation engine, its script parser and the recorder. */
#ifndef FFA_MOCK_INTERNAL_H
#define FFA_MOCK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ffa/backend_mock.h"

/*
 * Resolve a script word to a number: a C integer literal, an FF-A function name
 * ("FFA_VERSION") or a status name ("INVALID_PARAMETERS", as its 32-bit two's complement).
 * Returns 0 on success, -1 if the word is none of these.
 */
int ffamk_parse_value(const char *word, uint64_t *value);

/*
 * The script form of an expectation's call side: the registers it matches ("xN=V"), or, when it
 * matches all eighteen, the non-zero ones followed by "x*=0"; then "cpu=N" if it names one.
 */
int ffamk_format_expectation(char *buf, size_t len, const struct ffa_mock_step *step);

#endif /* FFA_MOCK_INTERNAL_H */
