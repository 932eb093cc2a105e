/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The normal world's side of the Unicorn SPMC, through the mediator: discovery, direct requests to
 * real SPs, FFA_RUN, and their error codes (Hafnium's: src/api.c api_ffa_msg_send_direct_req(),
 * src/ffa/spmc/cpu_cycles.c ffa_cpu_cycles_run_checks()).
 */
#include "uc_fixture.h"

#define ECHO_UUID_LO 0xe14f904a1e67b5b4ull
#define ECHO_UUID_HI 0xcbdae1da13fb1fb8ull

static int setup(void **state)
{
    *state = ucf_new(UCF_ECHO | UCF_EL0 | UCF_WORKER, 0, 0);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

static void test_probe_finds_the_forwarded_abis(void **state)
{
    struct ucf *f = *state;

    assert_int_equal(ffa_mediator_fw_version(f->m), FFA_VERSION_1_2);
    assert_true(ffa_mediator_fw_supports(f->m, FFA_MSG_SEND_DIRECT_REQ_32));
    assert_true(ffa_mediator_fw_supports(f->m, FFA_MSG_SEND_DIRECT_REQ_64));
    assert_true(ffa_mediator_fw_supports(f->m, FFA_MSG_SEND_DIRECT_REQ2));
    assert_true(ffa_mediator_fw_supports(f->m, FFA_RUN));
    assert_true(ffa_mediator_fw_supports(f->m, FFA_SPM_ID_GET));
}

static void test_backend_version_is_1_2_bare_w0(void **state)
{
    struct ucf *f = *state;
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = {{FFA_VERSION, FFA_VERSION_1_1}}, out;

    ffa_backend_call(&be, 0, &in, &out);
    assert_int_equal(out.x[0], FFA_VERSION_1_2);
    assert_int_equal(out.x[2], 0);
    in.x[1] = 0x80010002u;
    ffa_backend_call(&be, 0, &in, &out);
    assert_int_equal(out.x[0], 0xffffffffu);
}

static void test_backend_features_unimplemented_is_not_supported(void **state)
{
    struct ucf *f = *state;
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = {{FFA_FEATURES, FFA_RXTX_MAP_64}}, out;

    ffa_backend_call(&be, 0, &in, &out);
    th_assert_error(&out, FFA_RET_NOT_SUPPORTED);
    in.x[1] = FFA_RUN;
    ffa_backend_call(&be, 0, &in, &out);
    assert_int_equal(out.x[0], FFA_SUCCESS_32);
}

static void test_backend_id_get_is_the_hypervisor(void **state)
{
    struct ucf *f = *state;
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = {{FFA_ID_GET}}, out;

    ffa_backend_call(&be, 0, &in, &out);
    assert_int_equal(out.x[0], FFA_SUCCESS_32);
    assert_int_equal(out.x[2], 0);
}

static void test_spm_id_get_is_0x8000(void **state)
{
    struct ffa_regs r = ucf_call(*state, FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 0x8000);
}

static void test_direct_req_32_is_echoed(void **state)
{
    struct ffa_regs r = ucf_req(*state, SP_ID_ECHO, 11, 22, 33, 44, 55);

    ucf_assert_resp(&r, SP_ID_ECHO);
    assert_int_equal(r.x[3], 11);
    assert_int_equal(r.x[7], 55);
    assert_int_equal(ucf_state(*state, SP_ID_ECHO), FFA_UNICORN_EC_WAITING);
}

static void test_direct_req_64_is_echoed_with_64_bit_payload(void **state)
{
    struct ffa_regs r =
        ucf_call(*state, FFA_MSG_SEND_DIRECT_REQ_64, ((uint32_t)TEST_VM_ID << 16) | SP_ID_ECHO, 0,
                 0x1122334455667788ull, 2, 3, 4, 0xffffffff00000001ull);

    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
    assert_int_equal(r.x[3], 0x1122334455667788ull);
    assert_int_equal(r.x[7], 0xffffffff00000001ull);
}

static void test_s_el0_sp_answers_through_svc(void **state)
{
    struct ffa_regs r = ucf_req(*state, SP_ID_EL0, 1, 2, 3, 4, 5);

    ucf_assert_resp(&r, SP_ID_EL0);
    assert_int_equal(r.x[3], 2);
    assert_int_equal(r.x[7], 6);
}

static void test_direct_req2_with_offered_uuid_is_echoed(void **state)
{
    struct ffa_regs r = th_regs(FFA_MSG_SEND_DIRECT_REQ2, ((uint32_t)TEST_VM_ID << 16) | SP_ID_ECHO,
                                ECHO_UUID_LO, ECHO_UUID_HI, 4, 5, 6, 7);

    r.x[17] = 0x17;
    assert_int_equal(
        ffa_mediator_handle(((struct ucf *)*state)->m, ((struct ucf *)*state)->vm, 0, 0, &r),
        FFA_CALL_HANDLED);
    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP2);
    assert_int_equal(r.x[4], 4);
    assert_int_equal(r.x[17], 0x17);
}

static void test_direct_req2_with_nil_uuid_is_accepted(void **state)
{
    struct ffa_regs r = ucf_call(*state, FFA_MSG_SEND_DIRECT_REQ2,
                                 ((uint32_t)TEST_VM_ID << 16) | SP_ID_ECHO, 0, 0, 9, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_MSG_SEND_DIRECT_RESP2);
    assert_int_equal(r.x[4], 9);
}

static void test_direct_req2_with_unknown_uuid_is_invalid(void **state)
{
    struct ffa_regs r = ucf_call(*state, FFA_MSG_SEND_DIRECT_REQ2,
                                 ((uint32_t)TEST_VM_ID << 16) | SP_ID_ECHO, 1, 2, 9, 0, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_direct_req2_to_sp_without_req2_is_denied(void **state)
{
    struct ffa_regs r = ucf_call(*state, FFA_MSG_SEND_DIRECT_REQ2,
                                 ((uint32_t)TEST_VM_ID << 16) | SP_ID_EL0, 0, 0, 9, 0, 0, 0);

    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_direct_req_to_unknown_sp_is_invalid(void **state)
{
    struct ffa_regs r = ucf_req(*state, 0x8077, 1, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_backend_direct_req_from_secure_sender_is_invalid(void **state)
{
    struct ucf *f = *state;
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = {{FFA_MSG_SEND_DIRECT_REQ_32, 0x80028001u}}, out;

    ffa_backend_call(&be, 0, &in, &out);
    th_assert_error(&out, FFA_RET_INVALID_PARAMETERS);
}

static void test_backend_framework_message_is_invalid(void **state)
{
    struct ucf *f = *state;
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = {{FFA_MSG_SEND_DIRECT_REQ_32, 0x00018001u, 0x80000004u}}, out;

    ffa_backend_call(&be, 0, &in, &out);
    th_assert_error(&out, FFA_RET_INVALID_PARAMETERS);
}

static void test_run_of_waiting_sp_ends_with_msg_wait(void **state)
{
    struct ffa_regs r = ucf_call(*state, FFA_RUN, FFA_TARGET_INFO(SP_ID_ECHO, 0), 0, 0, 0, 0, 0, 0);

    assert_int_equal(r.x[0], FFA_MSG_WAIT);
    assert_int_equal(ucf_state(*state, SP_ID_ECHO), FFA_UNICORN_EC_WAITING);
}

static void test_run_of_unknown_sp_is_invalid(void **state)
{
    struct ffa_regs r = ucf_call(*state, FFA_RUN, FFA_TARGET_INFO(0x8077, 0), 0, 0, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_run_of_vcpu_beyond_count_is_invalid(void **state)
{
    struct ffa_regs r = ucf_call(*state, FFA_RUN, FFA_TARGET_INFO(SP_ID_ECHO, 1), 0, 0, 0, 0, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_backend_run_with_high_registers_is_invalid(void **state)
{
    struct ucf *f = *state;
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = {{FFA_RUN, FFA_TARGET_INFO(SP_ID_ECHO, 0)}}, out;

    in.x[9] = 1;
    ffa_backend_call(&be, 0, &in, &out);
    th_assert_error(&out, FFA_RET_INVALID_PARAMETERS);
}

static void test_backend_unimplemented_abi_is_not_supported(void **state)
{
    struct ucf *f = *state;
    struct ffa_backend be = ffa_unicorn_backend(f->spmc);
    struct ffa_regs in = {{FFA_PARTITION_INFO_GET}}, out;

    ffa_backend_call(&be, 0, &in, &out);
    th_assert_error(&out, FFA_RET_NOT_SUPPORTED);
    in.x[0] = FFA_MSG_WAIT;
    ffa_backend_call(&be, 0, &in, &out);
    th_assert_error(&out, FFA_RET_NOT_SUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_finds_the_forwarded_abis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_version_is_1_2_bare_w0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_features_unimplemented_is_not_supported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_backend_id_get_is_the_hypervisor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spm_id_get_is_0x8000, setup, teardown),
        cmocka_unit_test_setup_teardown(test_direct_req_32_is_echoed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_direct_req_64_is_echoed_with_64_bit_payload, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_s_el0_sp_answers_through_svc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_direct_req2_with_offered_uuid_is_echoed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_direct_req2_with_nil_uuid_is_accepted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_direct_req2_with_unknown_uuid_is_invalid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_direct_req2_to_sp_without_req2_is_denied, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_direct_req_to_unknown_sp_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_direct_req_from_secure_sender_is_invalid,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_framework_message_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_of_waiting_sp_ends_with_msg_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_of_unknown_sp_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_of_vcpu_beyond_count_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_run_with_high_registers_is_invalid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_backend_unimplemented_abi_is_not_supported, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
