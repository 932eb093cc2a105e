/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Links the installed Unicorn backend (and through it Unicorn and libfdt) and runs it: a
 * configuration without partitions is refused with a message naming the setting.
 */
#include <stdio.h>
#include <string.h>

#include <ffa/abi.h>
#include <ffa/backend_unicorn.h>

int main(void)
{
    struct ffa_unicorn_config cfg = {0};
    struct ffa_unicorn *spmc = NULL;
    char err[256] = "";
    int ret = ffa_unicorn_create(&cfg, &spmc, err, sizeof(err));

    printf("emulated SPMC without partitions: %d (%s)\n", ret, err);
    return ret == FFA_RET_INVALID_PARAMETERS && strstr(err, "sp_count") != NULL ? 0 : 1;
}
