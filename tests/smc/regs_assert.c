/* SPDX-License-Identifier: BSD-3-Clause */
#include "regs_assert.h"

#include "harness.h"

void assert_regs_equal(const struct ffa_regs *actual, const struct ffa_regs *expected)
{
    for (int i = 0; i < FFA_NUM_REGS; i++) {
        if (actual->x[i] != expected->x[i])
            fail_msg("x%d: expected 0x%016llx, got 0x%016llx", i,
                     (unsigned long long)expected->x[i], (unsigned long long)actual->x[i]);
    }
}
