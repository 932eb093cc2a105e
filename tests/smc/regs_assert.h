/* SPDX-License-Identifier: BSD-3-Clause */
/* Register-file comparison for the conduit and plain-function tests. */
#ifndef FFA_TEST_REGS_ASSERT_H
#define FFA_TEST_REGS_ASSERT_H

#include "ffa/regs.h"

/* Fail the current cmocka test naming the first register that differs, with both values. */
void assert_regs_equal(const struct ffa_regs *actual, const struct ffa_regs *expected);

#endif /* FFA_TEST_REGS_ASSERT_H */
