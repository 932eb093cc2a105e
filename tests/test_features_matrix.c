/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FFA_FEATURES for every FF-A function ID (0x60..0x97, SMC32 and SMC64), for VMs at v1.0, v1.1
 * and v1.2 and an AArch32 VM, against a mediator that offers everything it can (a secure world
 * with every ABI, guest memory, memory sharing, VM-to-VM messaging). The expected answers are
 * written out here, from the ABI tables (FF-A v1.2; Hafnium src/api.c, ffa_features_function()
 * for the interface properties), independently of lib/features.c.
 */
#include "harness.h"
#include "mem_support.h"

#include <stdlib.h>

#define MAX_PAGES 8u

struct matrix {
    struct memfix *mf;
    struct ffa_vm *v1_0, *v1_1, *v1_2, *aarch32;
};

static int setup(void **state)
{
    struct ffa_mediator_config cfg = {.flags = FFA_CFG_VM_TO_VM, .rxtx_max_pages = MAX_PAGES};
    struct matrix *x = calloc(1, sizeof(*x));
    void *mf = NULL;

    if (x == NULL || memfix_setup(&mf, FFA_VERSION_1_2, &cfg, FW_MEM_WORLD) != 0) {
        free(x);
        return -1;
    }
    x->mf = mf;
    x->v1_2 = x->mf->f->vm;
    if (th_try_add_vm(x->mf->f, 2, 0, FFA_VERSION_1_0, &x->v1_0) != 0 ||
        th_try_add_vm(x->mf->f, 3, 0, FFA_VERSION_1_1, &x->v1_1) != 0 ||
        th_try_add_vm(x->mf->f, 4, FFA_VM_AARCH32, FFA_VERSION_1_2, &x->aarch32) != 0) {
        memfix_release(x->mf);
        free(x);
        return -1;
    }
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct matrix *x = *state;
    int ret = memfix_release(x->mf);

    free(x);
    return ret;
}

/*
 * What a VM at `version` (AArch32 or not) is offered, and the w2 properties: the same for every
 * version unless said (the v1.1 ABIs from v1.1, the v1.2 ABIs from v1.2; SMC64 IDs only for
 * AArch64; FFA_MSG_WAIT's SMC64 form is v1.3).
 */
static bool expected(uint32_t fid, uint32_t version, bool aarch32, uint32_t *props)
{
    *props = 0;
    if (aarch32 && ffa_fid_is_64(fid))
        return false;
    switch (fid) {
    case FFA_ERROR:
    case FFA_SUCCESS_32:
    case FFA_SUCCESS_64:
    case FFA_INTERRUPT:
    case FFA_MSG_YIELD: /* as Xen's FFA_RUN series; Hafnium reports it to SPs only */
    case FFA_VERSION:
    case FFA_FEATURES:
    case FFA_RX_RELEASE:
    case FFA_RXTX_UNMAP:
    case FFA_PARTITION_INFO_GET:
    case FFA_ID_GET:
    case FFA_MSG_WAIT:
    case FFA_RUN:
    case FFA_MSG_SEND_DIRECT_REQ_32:
    case FFA_MSG_SEND_DIRECT_REQ_64:
    case FFA_MEM_DONATE_32:
    case FFA_MEM_DONATE_64:
    case FFA_MEM_LEND_32:
    case FFA_MEM_LEND_64:
    case FFA_MEM_SHARE_32:
    case FFA_MEM_SHARE_64:
    case FFA_MEM_RETRIEVE_REQ_32: /* w2 = 0: no caller-supplied buffers, no NS bit */
    case FFA_MEM_RETRIEVE_REQ_64:
    case FFA_MEM_RELINQUISH:
    case FFA_MEM_RECLAIM:
    case FFA_MEM_FRAG_RX:
    case FFA_MEM_FRAG_TX:
        return true;
    case FFA_RXTX_MAP_32:
    case FFA_RXTX_MAP_64:
        /* w2[1:0] = 0: 4 KiB granule; w2[31:16] = the largest page count, for v1.2. */
        *props = version >= FFA_VERSION_1_2 ? MAX_PAGES << 16 : 0;
        return true;
    case FFA_SPM_ID_GET:
    case FFA_MSG_SEND2:
    /* Notifications (v1.1), all of them with VM-to-VM on; w2 = 0. */
    case FFA_NOTIFICATION_BIND:
    case FFA_NOTIFICATION_UNBIND:
    case FFA_NOTIFICATION_SET:
    case FFA_NOTIFICATION_GET:
    case FFA_NOTIFICATION_INFO_GET_32:
    case FFA_NOTIFICATION_INFO_GET_64:
        return version >= FFA_VERSION_1_1;
    case FFA_PARTITION_INFO_GET_REGS:
    case FFA_MSG_SEND_DIRECT_REQ2:
        return version >= FFA_VERSION_1_2;
    default:
        /*
         * Output-only or the other side's: DIRECT_RESP*, MEM_RETRIEVE_RESP, RX_ACQUIRE,
         * NOTIFICATION_BITMAP_CREATE/DESTROY (the hypervisor's), NORMAL_WORLD_RESUME,
         * EL3_INTR_HANDLE, SECONDARY_EP_REGISTER, MEM_PERM_*; not implemented: MSG_POLL,
         * MSG_SEND (v1.0 indirect messaging), MEM_OP_PAUSE/RESUME, CONSOLE_LOG; and every
         * unassigned number.
         */
        return false;
    }
}

static void check_vm(struct fixture *f, struct ffa_vm *vm, bool aarch32)
{
    uint32_t version = ffa_vm_version(vm);

    for (uint32_t fnum = FFA_FNUM_MIN; fnum <= FFA_FNUM_MAX; fnum++) {
        for (int is64 = 0; is64 < 2; is64++) {
            uint32_t fid = is64 ? FFA_FID64(fnum) : FFA_FID32(fnum), props;
            struct ffa_regs r = th_do(f, vm, th_regs(FFA_FEATURES, fid, 0, 0, 0, 0, 0, 0));

            if (expected(fid, version, aarch32, &props)) {
                if (r.x[0] != FFA_SUCCESS_32 || r.x[2] != props || r.x[3] != 0)
                    fail_msg("v%u.%u%s: FFA_FEATURES(0x%x) = 0x%llx w2 0x%llx w3 0x%llx, expected "
                             "SUCCESS w2 0x%x",
                             FFA_VERSION_MAJOR(version), FFA_VERSION_MINOR(version),
                             aarch32 ? " AArch32" : "", fid, (unsigned long long)r.x[0],
                             (unsigned long long)r.x[2], (unsigned long long)r.x[3], props);
            } else if (r.x[0] != FFA_ERROR || r.x[2] != (uint32_t)FFA_RET_NOT_SUPPORTED) {
                fail_msg("v%u.%u%s: FFA_FEATURES(0x%x) = 0x%llx w2 0x%llx, expected NOT_SUPPORTED",
                         FFA_VERSION_MAJOR(version), FFA_VERSION_MINOR(version),
                         aarch32 ? " AArch32" : "", fid, (unsigned long long)r.x[0],
                         (unsigned long long)r.x[2]);
            }
        }
    }
}

static void test_features_of_every_function_for_v1_0(void **state)
{
    struct matrix *x = *state;

    check_vm(x->mf->f, x->v1_0, false);
}

static void test_features_of_every_function_for_v1_1(void **state)
{
    struct matrix *x = *state;

    check_vm(x->mf->f, x->v1_1, false);
}

static void test_features_of_every_function_for_v1_2(void **state)
{
    struct matrix *x = *state;

    check_vm(x->mf->f, x->v1_2, false);
}

static void test_features_of_every_function_for_aarch32_v1_2(void **state)
{
    struct matrix *x = *state;

    check_vm(x->mf->f, x->aarch32, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_features_of_every_function_for_v1_0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_features_of_every_function_for_v1_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_features_of_every_function_for_v1_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_features_of_every_function_for_aarch32_v1_2, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
