/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A partition that enables its stage-1 MMU and caches (examples/sp/mmu.c) runs as one with the MMU
 * off: it boots, answers direct requests through its own page tables (address-translation
 * instructions show that its tables are the ones in use), and a request preempted by non-secure
 * interrupts and resumed with FFA_RUN ends with the right answer. The SPMC must give its engines an
 * AArch64 EL1 (SCR_EL3.RW set): with the bit clear, the CPU model walks EL1's tables in the AArch32
 * format and the partition takes a prefetch abort on its first instruction after turning the MMU
 * on.
 *
 * The same partition as an MP partition (mmu-mp, one context per PE on 4 PEs): every context turns
 * its own MMU on with the tables the primary built, and answers through them on its own PE.
 */
#include <stdio.h>

#include "uc_fixture.h"

#define BUDGET 20000u
#define LONG   200000u /* iterations: several budgets' worth */

static int setup(void **state)
{
    *state = ucf_new(UCF_MMU | UCF_ECHO, BUDGET, 0);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

static void test_mmu_sp_boots_with_its_mmu_and_caches_on(void **state)
{
    struct ucf *f = *state;

    assert_false(ucf_log_has(f, "aborted"));
    assert_true(ucf_log_has(f, "mmu: stage-1 MMU and caches on"));
    assert_true(ucf_log_has(f, "SP 0x800e (mmu) initialised"));
    assert_int_equal(ucf_state(f, SP_ID_MMU), FFA_UNICORN_EC_WAITING);
}

static void test_mmu_sp_answers_direct_requests_through_its_page_tables(void **state)
{
    struct ucf *f = *state;

    for (uint32_t n = 1; n <= 3; n++) {
        struct ffa_regs r = ucf_req(f, SP_ID_MMU, SP_MMU_CMD_STATUS, n, 0, 0, 0);

        ucf_assert_resp(&r, SP_ID_MMU);
        assert_int_equal(r.x[3], SP_MMU_SCTLR_MCI);
        assert_int_equal(r.x[4], SP_MMU_CHECKS_ALL); /* its own tables translate */
        assert_int_equal(r.x[5], 31415926);          /* its read-only table */
        assert_int_equal(r.x[6], n);                 /* stored to and loaded from .bss */
    }
}

static void test_mmu_sp_preempted_and_resumed_gives_the_right_answer(void **state)
{
    struct ucf *f = *state;
    unsigned interrupts = 0;
    struct ffa_regs r = ucf_req(f, SP_ID_MMU, SP_CMD_COMPUTE, LONG, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_INTERRUPT);
    assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_MMU, 0));
    assert_int_equal(ucf_state(f, SP_ID_MMU), FFA_UNICORN_EC_PREEMPTED);
    r = ucf_finish(f, r, &interrupts, NULL);
    ucf_assert_resp(&r, SP_ID_MMU);
    assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
    assert_int_equal(r.x[4], LONG);
    assert_true(interrupts >= 2);
    /* Still translating after the interrupts. */
    r = ucf_req(f, SP_ID_MMU, SP_MMU_CMD_STATUS, 9, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_MMU);
    assert_int_equal(r.x[3], SP_MMU_SCTLR_MCI);
    assert_int_equal(r.x[4], SP_MMU_CHECKS_ALL);
}

static void test_mmu_sp_leaves_other_partitions_alone(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_req(f, SP_ID_ECHO, 7, 8, 9, 10, 11);

    ucf_assert_resp(&r, SP_ID_ECHO);
    assert_int_equal(r.x[3], 7);
    assert_int_equal(r.x[7], 11);
}

/* ---- On every PE ---- */

#define PES 4u

static int setup_mp(void **state)
{
    *state = ucf_new_pes(UCF_MMU_MP, PES, BUDGET, 0);
    return 0;
}

static void test_mmu_mp_sp_boots_with_its_mmu_on_every_pe(void **state)
{
    struct ucf *f = *state;

    assert_false(ucf_log_has(f, "aborted"));
    assert_true(ucf_log_has(f, "SP 0x8018 (mmu-mp) initialised"));
    for (uint16_t pe = 1; pe < PES; pe++) {
        char line[64];

        snprintf(line, sizeof(line), "mmu: stage-1 MMU and caches on, PE 0x%x", pe);
        assert_true(ucf_log_has(f, line));
    }
    for (uint16_t v = 0; v < PES; v++)
        assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_MMU_MP, v), FFA_UNICORN_EC_WAITING);
}

static void test_mmu_mp_sp_answers_through_its_page_tables_on_every_pe(void **state)
{
    struct ucf *f = *state;

    for (uint32_t pe = 0; pe < PES; pe++) {
        struct ffa_regs r = ucf_req_on(f, pe, SP_ID_MMU_MP, SP_MMU_CMD_STATUS, 10 + pe, 0, 0, 0);

        ucf_assert_resp(&r, SP_ID_MMU_MP);
        assert_int_equal(r.x[3], SP_MMU_SCTLR_MCI);
        assert_int_equal(r.x[4], SP_MMU_CHECKS_ALL);
        assert_int_equal(r.x[5], 31415926);
        assert_int_equal(r.x[6], 10 + pe);
    }
}

static void test_mmu_mp_sp_preempted_and_resumed_on_its_pe(void **state)
{
    struct ucf *f = *state;

    for (uint32_t pe = 0; pe < PES; pe++) {
        unsigned interrupts = 0;
        struct ffa_regs r = ucf_req_on(f, pe, SP_ID_MMU_MP, SP_CMD_COMPUTE, LONG, 0, 0, 0);

        assert_int_equal(r.x[0], FFA_INTERRUPT);
        assert_int_equal(r.x[1], FFA_TARGET_INFO(SP_ID_MMU_MP, pe));
        r = ucf_finish_on(f, pe, r, &interrupts);
        ucf_assert_resp(&r, SP_ID_MMU_MP);
        assert_int_equal(r.x[3], ucf_worker_checksum(LONG));
        assert_true(interrupts >= 2);
    }
}

#define T(name)    cmocka_unit_test_setup_teardown(name, setup, teardown)
#define T_MP(name) cmocka_unit_test_setup_teardown(name, setup_mp, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_mmu_sp_boots_with_its_mmu_and_caches_on),
        T(test_mmu_sp_answers_direct_requests_through_its_page_tables),
        T(test_mmu_sp_preempted_and_resumed_gives_the_right_answer),
        T(test_mmu_sp_leaves_other_partitions_alone),
        T_MP(test_mmu_mp_sp_boots_with_its_mmu_on_every_pe),
        T_MP(test_mmu_mp_sp_answers_through_its_page_tables_on_every_pe),
        T_MP(test_mmu_mp_sp_preempted_and_resumed_on_its_pe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
