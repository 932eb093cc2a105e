/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ffa_smc_discover() over the real conduit, the firmware played by a SIGILL handler that knows
 * two functions: SMCCC_VERSION and FFA_VERSION.
 */
#include "harness.h"

#include <string.h>

#include "ffa/backend_smc.h"
#include "sigill_world.h"

/* The firmware's answers (full x0, to check that only w0 is read) and what it was asked. */
struct firmware {
    uint64_t smccc_version;
    uint64_t ffa_version;
    unsigned calls;
    struct ffa_regs seen[4];
};

static void firmware_answer(void *ctx, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct firmware *fw = ctx;

    if (fw->calls < 4)
        fw->seen[fw->calls] = *in;
    fw->calls++;
    if (in->x[0] == FFA_SMCCC_VERSION_FID)
        out->x[0] = fw->smccc_version;
    else if (in->x[0] == FFA_VERSION)
        out->x[0] = fw->ffa_version;
    else
        out->x[0] = FFA_SMCCC_UNKNOWN;
}

static int discover(struct firmware *fw, enum ffa_smc_conduit conduit, struct ffa_smc_discovery *d)
{
    struct ffa_backend be = ffa_smc_backend(conduit);

    sw_install(firmware_answer, fw);
    memset(d, 0xa5, sizeof(*d));
    return ffa_smc_discover(&be, d);
}

static void test_discover_accepts_smccc_1_2_and_ffa_1_2(void **state)
{
    struct firmware fw = {.smccc_version = 0x10002, .ffa_version = FFA_VERSION_1_2};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_OK);
    assert_int_equal(d.smccc_version, 0x10002);
    assert_int_equal(d.ffa_version, FFA_VERSION_1_2);
}

static void test_discover_asks_smccc_version_then_ffa_version_with_clean_registers(void **state)
{
    struct firmware fw = {.smccc_version = 0x10002, .ffa_version = FFA_VERSION_1_2};
    struct ffa_smc_discovery d;
    struct ffa_regs expect_smccc = {{FFA_SMCCC_VERSION_FID}};
    struct ffa_regs expect_ffa = {{FFA_VERSION, FFA_MEDIATOR_VERSION}};

    (void)state;
    discover(&fw, FFA_SMC_CONDUIT_SMC, &d);
    assert_int_equal(fw.calls, 2);
    assert_memory_equal(&fw.seen[0], &expect_smccc, sizeof(expect_smccc));
    assert_memory_equal(&fw.seen[1], &expect_ffa, sizeof(expect_ffa));
    assert_int_equal(sw_trace()->last_insn, SW_INSN_SMC0);
}

static void test_discover_works_over_hvc(void **state)
{
    struct firmware fw = {.smccc_version = 0x10003, .ffa_version = FFA_VERSION_1_1};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_HVC, &d), FFA_SMC_DISCOVERY_OK);
    assert_int_equal(sw_trace()->traps, 2);
    assert_int_equal(sw_trace()->last_insn, SW_INSN_HVC0);
}

static void test_discover_reads_only_w0_of_the_answers(void **state)
{
    struct firmware fw = {.smccc_version = 0xdead000000010002ull,
                          .ffa_version = 0xbeef000000010002ull};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_OK);
    assert_int_equal(d.smccc_version, 0x10002);
    assert_int_equal(d.ffa_version, 0x10002);
}

static void test_discover_smccc_v1_0_is_no_smccc_version_and_skips_ffa(void **state)
{
    struct firmware fw = {.smccc_version = 0xffffffff, .ffa_version = FFA_VERSION_1_2};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_NO_SMCCC_VERSION);
    assert_int_equal(fw.calls, 1);
    assert_int_equal(d.smccc_version, 0xffffffff);
    assert_int_equal(d.ffa_version, 0);
}

static void test_discover_smccc_1_1_is_too_old(void **state)
{
    struct firmware fw = {.smccc_version = 0x10001, .ffa_version = FFA_VERSION_1_2};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_SMCCC_TOO_OLD);
    assert_int_equal(fw.calls, 1);
    assert_int_equal(d.smccc_version, 0x10001);
}

static void test_discover_accepts_smccc_2_0(void **state)
{
    struct firmware fw = {.smccc_version = 0x20000, .ffa_version = FFA_VERSION_1_2};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_OK);
}

static void test_discover_ffa_not_supported_is_no_ffa(void **state)
{
    struct firmware fw = {.smccc_version = 0x10002, .ffa_version = 0xffffffff};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_NO_FFA);
    assert_int_equal(d.ffa_version, 0xffffffff);
}

static void test_discover_ffa_answer_with_bit31_is_incompatible(void **state)
{
    struct firmware fw = {.smccc_version = 0x10002, .ffa_version = 0x80010002};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_FFA_INCOMPATIBLE);
}

static void test_discover_ffa_major_2_is_incompatible(void **state)
{
    struct firmware fw = {.smccc_version = 0x10002, .ffa_version = FFA_VERSION_MAKE(2, 0)};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_FFA_INCOMPATIBLE);
}

static void test_discover_ffa_1_0_is_too_old(void **state)
{
    struct firmware fw = {.smccc_version = 0x10002, .ffa_version = FFA_VERSION_1_0};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(discover(&fw, FFA_SMC_CONDUIT_SMC, &d), FFA_SMC_DISCOVERY_FFA_TOO_OLD);
}

static void test_discover_without_backend_is_bad_backend(void **state)
{
    struct ffa_backend empty = {NULL, NULL};
    struct ffa_smc_discovery d;

    (void)state;
    assert_int_equal(ffa_smc_discover(NULL, &d), FFA_SMC_DISCOVERY_BAD_BACKEND);
    assert_int_equal(ffa_smc_discover(&empty, NULL), FFA_SMC_DISCOVERY_BAD_BACKEND);
}

static void test_discover_errors_name_what_is_missing(void **state)
{
    (void)state;
    assert_non_null(strstr(ffa_smc_discover_error(FFA_SMC_DISCOVERY_NO_SMCCC_VERSION),
                           "SMCCC_VERSION is not implemented"));
    assert_non_null(strstr(ffa_smc_discover_error(FFA_SMC_DISCOVERY_SMCCC_TOO_OLD), "below 1.2"));
    assert_non_null(
        strstr(ffa_smc_discover_error(FFA_SMC_DISCOVERY_NO_FFA), "FFA_VERSION is not supported"));
    assert_non_null(strstr(ffa_smc_discover_error(FFA_SMC_DISCOVERY_FFA_INCOMPATIBLE), "major"));
    assert_non_null(strstr(ffa_smc_discover_error(FFA_SMC_DISCOVERY_FFA_TOO_OLD), "v1.1"));
    assert_non_null(strstr(ffa_smc_discover_error(FFA_SMC_DISCOVERY_BAD_BACKEND), "no backend"));
    assert_non_null(strstr(ffa_smc_discover_error(42), "unknown"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discover_accepts_smccc_1_2_and_ffa_1_2),
        cmocka_unit_test(test_discover_asks_smccc_version_then_ffa_version_with_clean_registers),
        cmocka_unit_test(test_discover_works_over_hvc),
        cmocka_unit_test(test_discover_reads_only_w0_of_the_answers),
        cmocka_unit_test(test_discover_smccc_v1_0_is_no_smccc_version_and_skips_ffa),
        cmocka_unit_test(test_discover_smccc_1_1_is_too_old),
        cmocka_unit_test(test_discover_accepts_smccc_2_0),
        cmocka_unit_test(test_discover_ffa_not_supported_is_no_ffa),
        cmocka_unit_test(test_discover_ffa_answer_with_bit31_is_incompatible),
        cmocka_unit_test(test_discover_ffa_major_2_is_incompatible),
        cmocka_unit_test(test_discover_ffa_1_0_is_too_old),
        cmocka_unit_test(test_discover_without_backend_is_bad_backend),
        cmocka_unit_test(test_discover_errors_name_what_is_missing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
