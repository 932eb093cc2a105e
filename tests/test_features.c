/* SPDX-License-Identifier: BSD-3-Clause */
/* FFA_FEATURES: what the mediator offers each VM, with the properties word. */
#include "harness.h"

/* One VM at the FF-A version it negotiated, on a secure world reporting the FW_* ABIs named. */
static int setup_v1_2(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_2);
}

static int setup_v1_1(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_1);
}

static int setup_v1_0(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, 0, FFA_VERSION_1_0);
}

static int setup_aarch32_v1_2(void **state)
{
    return th_setup_new(state, FW_ALL_MSG, FFA_VM_AARCH32, FFA_VERSION_1_2);
}

static int setup_fw_nothing_v1_2(void **state)
{
    return th_setup_new(state, 0, 0, FFA_VERSION_1_2);
}

static int setup_fw_req32_only_v1_2(void **state)
{
    return th_setup_new(state, FW_DIRECT_REQ_32, 0, FFA_VERSION_1_2);
}

static int teardown(void **state)
{
    return th_teardown(state);
}

static struct ffa_regs features(struct fixture *f, uint64_t id)
{
    struct ffa_regs r = th_regs(FFA_FEATURES, id, 0, 0, 0, 0, 0, 0);

    th_call(f, &r);
    return r;
}

static void assert_supported(struct fixture *f, uint32_t id)
{
    struct ffa_regs r = features(f, id);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    for (int i = 1; i < 8; i++)
        assert_int_equal(r.x[i], 0); /* w2 properties = 0 for all of these */
}

static void assert_not_supported(struct fixture *f, uint32_t id)
{
    struct ffa_regs r = features(f, id);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_features_reports_abis_the_mediator_answers(void **state)
{
    struct fixture *f = *state;
    static const uint32_t ids[] = {
        FFA_ERROR,     FFA_SUCCESS_32, FFA_SUCCESS_64, FFA_INTERRUPT,
        FFA_MSG_YIELD, FFA_VERSION,    FFA_FEATURES,   FFA_ID_GET,
    };

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_supported(f, ids[i]);
}

static void test_features_reports_forwarded_abis_the_firmware_has(void **state)
{
    struct fixture *f = *state;

    assert_supported(f, FFA_MSG_SEND_DIRECT_REQ_32);
    assert_supported(f, FFA_MSG_SEND_DIRECT_REQ_64);
    assert_supported(f, FFA_MSG_SEND_DIRECT_REQ2);
    assert_supported(f, FFA_RUN);
    assert_supported(f, FFA_SPM_ID_GET);
}

static void test_features_hides_forwarded_abis_the_firmware_lacks(void **state)
{
    struct fixture *f = *state;

    assert_supported(f, FFA_MSG_SEND_DIRECT_REQ_32);
    assert_not_supported(f, FFA_MSG_SEND_DIRECT_REQ_64);
    assert_not_supported(f, FFA_MSG_SEND_DIRECT_REQ2);
    assert_not_supported(f, FFA_RUN);
    assert_not_supported(f, FFA_SPM_ID_GET);
}

static void test_features_direct_req2_needs_v1_2(void **state)
{
    struct fixture *f = *state;

    assert_not_supported(f, FFA_MSG_SEND_DIRECT_REQ2);
    assert_supported(f, FFA_MSG_SEND_DIRECT_REQ_64);
}

static void test_features_spm_id_get_needs_v1_1(void **state)
{
    struct fixture *f = *state;

    assert_not_supported(f, FFA_SPM_ID_GET);
}

static void test_features_denies_abis_not_implemented(void **state)
{
    struct fixture *f = *state;
    /* Output-only, secure-side-only, and ABIs that later work implements. */
    static const uint32_t ids[] = {
        FFA_MSG_WAIT,
        FFA_MSG_SEND_DIRECT_RESP_32,
        FFA_MSG_SEND_DIRECT_RESP_64,
        FFA_MSG_SEND_DIRECT_RESP2,
        FFA_MSG_POLL,
        FFA_MSG_SEND,
        FFA_RX_ACQUIRE,
        FFA_NOTIFICATION_BITMAP_CREATE,
        FFA_NOTIFICATION_BITMAP_DESTROY,
        FFA_RXTX_MAP_32, /* the fixture's host has no guest_map */
        FFA_RXTX_MAP_64,
        FFA_RXTX_UNMAP,
        FFA_RX_RELEASE,
        FFA_MSG_SEND2, /* without guest memory access */
        FFA_MEM_SHARE_32,
        FFA_MEM_SHARE_64,
        FFA_MEM_LEND_64,
        FFA_MEM_DONATE_64,
        FFA_MEM_RETRIEVE_REQ_64,
        FFA_MEM_RECLAIM,
        FFA_NOTIFICATION_BIND,
        FFA_NOTIFICATION_GET,
        FFA_NOTIFICATION_INFO_GET_64,
        FFA_CONSOLE_LOG_32,
        FFA_SECONDARY_EP_REGISTER_64,
    };

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_not_supported(f, ids[i]);
}

static void test_features_unknown_function_is_not_supported(void **state)
{
    struct fixture *f = *state;

    assert_not_supported(f, 0x84000097);
    assert_not_supported(f, 0x840000ff);
    assert_not_supported(f, 0x84000000); /* PSCI_VERSION: not FF-A */
}

static void test_features_id_with_the_sve_hint_bit_is_not_supported(void **state)
{
    struct fixture *f = *state;

    /* The hint bit is part of a call, not of the ID being asked about. */
    assert_not_supported(f, FFA_ID_GET | FFA_SMCCC_SVE_HINT);
}

static void test_features_feature_ids_are_not_supported_yet(void **state)
{
    struct fixture *f = *state;

    assert_not_supported(f, FFA_FEATURE_NPI);
    assert_not_supported(f, FFA_FEATURE_SRI);
    assert_not_supported(f, FFA_FEATURE_MEI);
    assert_not_supported(f, 0);
}

static void test_features_hides_smc64_from_aarch32_vm(void **state)
{
    struct fixture *f = *state;

    assert_not_supported(f, FFA_SUCCESS_64);
    assert_not_supported(f, FFA_MSG_SEND_DIRECT_REQ_64);
    assert_not_supported(f, FFA_MSG_SEND_DIRECT_REQ2);
    assert_supported(f, FFA_MSG_SEND_DIRECT_REQ_32);
}

static void test_features_ignores_w2_to_w7(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_regs(FFA_FEATURES, FFA_ID_GET, 1, 2, 3, 4, 5, 6);

    th_call(f, &r);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 0);
}

static void test_features_uses_only_w1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = features(f, 0xdeadbeef00000000ull | FFA_ID_GET);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_features_reports_abis_the_mediator_answers, setup_fw_nothing_v1_2),
        T(test_features_reports_forwarded_abis_the_firmware_has, setup_v1_2),
        T(test_features_hides_forwarded_abis_the_firmware_lacks, setup_fw_req32_only_v1_2),
        T(test_features_direct_req2_needs_v1_2, setup_v1_1),
        T(test_features_spm_id_get_needs_v1_1, setup_v1_0),
        T(test_features_denies_abis_not_implemented, setup_v1_2),
        T(test_features_unknown_function_is_not_supported, setup_v1_2),
        T(test_features_id_with_the_sve_hint_bit_is_not_supported, setup_v1_2),
        T(test_features_feature_ids_are_not_supported_yet, setup_v1_2),
        T(test_features_hides_smc64_from_aarch32_vm, setup_aarch32_v1_2),
        T(test_features_ignores_w2_to_w7, setup_v1_2),
        T(test_features_uses_only_w1, setup_v1_2),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
