/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Notifications as a VM sees them: FFA_NOTIFICATION_BIND/UNBIND/SET/GET/INFO_GET, forwarded to a
 * scripted SPMC for SPs and kept by the mediator between VMs; FFA_FEATURES for them; the Linux
 * driver's notification set-up replayed.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#define VM_A  TEST_VM_ID /* f->vm: the receiver in most tests, 2 vCPUs */
#define VM_B  0x0002u    /* a VM sender (VM-to-VM fixtures) */
#define VM_C  0x0003u    /* another VM sender */
#define SP1   TEST_SP_ID
#define BIT3  (UINT64_C(1) << 3)
#define BIT40 (UINT64_C(1) << 40)

#define SRC_DST(sender, receiver) (((uint32_t)(sender) << 16) | (receiver))

/* ---- Fixtures ---- */

/* VM A at `version` over a secure world with the notification ABIs (`fw_extra` adds bits). */
static int setup_secure(void **state, uint32_t version, uint32_t fw_extra, uint32_t cfg_flags)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_NOTIF | fw_extra,
                        .vm_version = version,
                        .full_host = 1,
                        .cfg = {.flags = cfg_flags}};

    return th_setup(state, &o);
}

static int setup_secure_global(void **state)
{
    return setup_secure(state, FFA_VERSION_1_1, 0, 0);
}

static int setup_secure_per_vcpu(void **state)
{
    return setup_secure(state, FFA_VERSION_1_2, FW_NOTIF_PER_VCPU | FW_SRI, 0);
}

/* What a Linux v1.2 guest meets: a secure world with notifications and its SRI. */
static int setup_secure_linux(void **state)
{
    return setup_secure(state, FFA_VERSION_1_2, FW_SRI, 0);
}

static int setup_secure_v1_0(void **state)
{
    return setup_secure(state, FFA_VERSION_1_0, 0, 0);
}

/* A secure world without notifications and no VM-to-VM: notifications do not exist. */
static int setup_none(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG, .vm_version = FFA_VERSION_1_2, .full_host = 1};

    return th_setup(state, &o);
}

/* Custom NPI and SRI IDs in the config. */
static int setup_custom_intids(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | FW_NOTIF,
                        .vm_version = FFA_VERSION_1_1,
                        .full_host = 1,
                        .cfg = {.npi_intid = 5, .sri_intid = 6}};

    return th_setup(state, &o);
}

/*
 * VM-to-VM: VM A (v1.1, 2 vCPUs), VM B and VM C (v1.2), no secure notifications; with
 * `secure`, the secure world has them too.
 */
static int setup_vms(void **state, int secure)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG | (secure ? FW_NOTIF : 0),
                        .vm_version = FFA_VERSION_1_1,
                        .full_host = 1,
                        .cfg = {.flags = FFA_CFG_VM_TO_VM}};
    struct ffa_regs r = th_regs(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    struct ffa_vm *vm;

    if (th_setup(state, &o) != 0)
        return -1;
    if (th_try_call(*state, ((struct fixture *)*state)->vm, &r) != 0 || /* A's version locks */
        th_try_add_vm(*state, VM_B, 0, FFA_VERSION_1_2, &vm) != 0 ||
        th_try_add_vm(*state, VM_C, 0, FFA_VERSION_1_2, &vm) != 0)
        return th_setup_failed(state, "cannot add VMs B and C");
    return 0;
}

static int setup_vm_to_vm(void **state)
{
    return setup_vms(state, 0);
}

static int setup_vm_to_vm_and_secure(void **state)
{
    return setup_vms(state, 1);
}

/* VM-to-VM with VM A having 30 vCPUs (more than one INFO_GET answer holds). */
static int setup_vm_to_vm_30_vcpus(void **state)
{
    struct th_opts o = {.fw_abis = FW_ALL_MSG,
                        .vm_version = FFA_VERSION_1_2,
                        .full_host = 1,
                        .cfg = {.flags = FFA_CFG_VM_TO_VM}};
    struct fixture *f;
    struct ffa_vm *vm;
    struct ffa_regs r = th_regs(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);

    if (th_setup(state, &o) != 0)
        return -1;
    f = *state;
    if (th_try_add_vm(f, VM_B, 0, FFA_VERSION_1_2, &vm) != 0)
        return th_setup_failed(state, "cannot add VM B");
    if (ffa_vm_add(f->m, 0x0010, 30, 0, &vm) != 0 || th_try_call(f, vm, &r) != 0)
        return th_setup_failed(state, "cannot add the 30-vCPU VM");
    return 0;
}

/* VMs A and B with RX/TX buffers and VM-to-VM messages (FFA_MSG_SEND2). */
static int setup_messaging(void **state)
{
    struct ffa_vm *b;

    if (setup_vm_to_vm(state) != 0)
        return -1;
    b = ffa_vm_find(((struct fixture *)*state)->m, VM_B);
    if (th_try_map_buffers(*state, ((struct fixture *)*state)->vm, 1) != 0 ||
        th_try_map_buffers(*state, b, 1) != 0)
        return th_setup_failed(state, "cannot map the buffers");
    return 0;
}

static int teardown(void **state)
{
    return th_teardown(state);
}

/* ---- Helpers ---- */

static struct ffa_vm *vm_of(struct fixture *f, uint16_t id)
{
    struct ffa_vm *vm = ffa_vm_find(f->m, id);

    assert_non_null(vm);
    return vm;
}

/* A call from vCPU `vcpu` of `vm`. */
static struct ffa_regs call_on(struct fixture *f, struct ffa_vm *vm, uint16_t vcpu,
                               struct ffa_regs r)
{
    assert_int_equal(ffa_mediator_handle(f->m, vm, vcpu, 0, &r), FFA_CALL_HANDLED);
    th_check_mock(f);
    return r;
}

static struct ffa_regs features(struct fixture *f, uint32_t id)
{
    return th_do(f, f->vm, th_regs(FFA_FEATURES, id, 0, 0, 0, 0, 0, 0));
}

static struct ffa_regs notif_call(struct fixture *f, struct ffa_vm *vm, uint32_t fid, uint32_t w1,
                                  uint32_t w2, uint64_t bitmap)
{
    return th_do(f, vm, th_regs(fid, w1, w2, (uint32_t)bitmap, (uint32_t)(bitmap >> 32), 0, 0, 0));
}

static struct ffa_regs bind(struct fixture *f, struct ffa_vm *vm, uint16_t sender, uint32_t flags,
                            uint64_t bitmap)
{
    return notif_call(f, vm, FFA_NOTIFICATION_BIND, SRC_DST(sender, ffa_vm_id(vm)), flags, bitmap);
}

static struct ffa_regs set(struct fixture *f, struct ffa_vm *vm, uint16_t receiver, uint32_t flags,
                           uint64_t bitmap)
{
    return notif_call(f, vm, FFA_NOTIFICATION_SET, SRC_DST(ffa_vm_id(vm), receiver), flags, bitmap);
}

/* FFA_NOTIFICATION_GET from vCPU `vcpu` for that vCPU. */
static struct ffa_regs get(struct fixture *f, struct ffa_vm *vm, uint16_t vcpu, uint32_t flags)
{
    return call_on(f, vm, vcpu,
                   th_regs(FFA_NOTIFICATION_GET, ((uint32_t)vcpu << 16) | ffa_vm_id(vm), flags, 0,
                           0, 0, 0, 0));
}

static void assert_success(const struct ffa_regs *r)
{
    assert_int_equal(r->x[0], FFA_SUCCESS_32);
    for (int i = 1; i < 8; i++)
        assert_int_equal(r->x[i], 0);
}

/* The bitmap of VM notifications (w4/w5) of a GET answer. */
static uint64_t vm_bits(const struct ffa_regs *r)
{
    return r->x[4] | (r->x[5] << 32);
}

/* A binds `bitmap` from B (global, or per-vCPU). */
static void bind_from_b(struct fixture *f, uint32_t flags, uint64_t bitmap)
{
    struct ffa_regs r = bind(f, f->vm, VM_B, flags, bitmap);

    assert_success(&r);
}

/* ---- FFA_FEATURES ---- */

static void test_features_report_the_notification_abis(void **state)
{
    static const uint32_t abis[] = {FFA_NOTIFICATION_BIND,        FFA_NOTIFICATION_UNBIND,
                                    FFA_NOTIFICATION_SET,         FFA_NOTIFICATION_GET,
                                    FFA_NOTIFICATION_INFO_GET_32, FFA_NOTIFICATION_INFO_GET_64};
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++) {
        struct ffa_regs r = features(f, abis[i]);

        assert_success(&r);
    }
}

static void test_features_refuse_bitmap_create_and_destroy(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = features(f, FFA_NOTIFICATION_BITMAP_CREATE);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = features(f, FFA_NOTIFICATION_BITMAP_DESTROY);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_features_report_xens_npi_and_sri_by_default(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = features(f, FFA_FEATURE_NPI);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], FFA_DEFAULT_NPI_INTID);
    r = features(f, FFA_FEATURE_SRI);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], FFA_DEFAULT_SRI_INTID);
}

static void test_features_report_the_configured_npi_and_sri(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = features(f, FFA_FEATURE_NPI);

    assert_int_equal(r.x[2], 5);
    r = features(f, FFA_FEATURE_SRI);
    assert_int_equal(r.x[2], 6);
}

static void test_features_refuse_the_managed_exit_interrupt(void **state)
{
    struct ffa_regs r = features(*state, FFA_FEATURE_MEI);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

/* Feature ID 4: bit 0 = no per-vCPU with VMs, bit 1 = none with SPs. */
static void test_feature_4_says_global_only_without_vm_to_vm_or_spmc_support(void **state)
{
    struct ffa_regs r = features(*state, FFA_FEATURE_NOTIF);

    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], FFA_FEATURE_NOTIF_NO_VCPU_VMS | FFA_FEATURE_NOTIF_NO_VCPU_SPS);
}

static void test_feature_4_says_per_vcpu_with_an_spmc_that_has_it(void **state)
{
    struct ffa_regs r = features(*state, FFA_FEATURE_NOTIF);

    assert_int_equal(r.x[2], FFA_FEATURE_NOTIF_NO_VCPU_VMS);
}

static void test_feature_4_says_per_vcpu_between_vms(void **state)
{
    struct ffa_regs r = features(*state, FFA_FEATURE_NOTIF);

    assert_int_equal(r.x[2], FFA_FEATURE_NOTIF_NO_VCPU_SPS);
}

static void test_without_notifications_every_notification_feature_is_refused(void **state)
{
    static const uint32_t ids[] = {FFA_NOTIFICATION_BIND, FFA_NOTIFICATION_SET,
                                   FFA_NOTIFICATION_GET,  FFA_NOTIFICATION_INFO_GET_64,
                                   FFA_FEATURE_NPI,       FFA_FEATURE_SRI,
                                   FFA_FEATURE_NOTIF};
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct ffa_regs r = features(f, ids[i]);

        th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    }
}

static void test_v1_0_vm_has_no_notifications(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = features(f, FFA_NOTIFICATION_GET);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = get(f, f->vm, 0, FFA_NOTIF_GET_SP);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_the_secure_worlds_sri_is_reported_to_the_host(void **state)
{
    struct fixture *f = *state;
    uint32_t intid = 0;

    assert_int_equal(ffa_mediator_fw_sri(f->m, &intid), 0);
    assert_int_equal(intid, TEST_FW_SRI_INTID);
}

static void test_without_an_sri_the_host_is_told_not_supported(void **state)
{
    struct fixture *f = *state;
    uint32_t intid = 0;

    assert_int_equal(ffa_mediator_fw_sri(f->m, &intid), FFA_RET_NOT_SUPPORTED);
}

/* ---- BITMAP_CREATE / DESTROY: the hypervisor's own ---- */

static void test_bitmap_create_from_a_vm_is_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_do(f, f->vm, th_regs(FFA_NOTIFICATION_BITMAP_CREATE, VM_A, 2, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

static void test_bitmap_destroy_from_a_vm_is_not_supported(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_do(f, f->vm, th_regs(FFA_NOTIFICATION_BITMAP_DESTROY, VM_A, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

/* ---- BIND / UNBIND with an SP sender: forwarded ---- */

static void test_bind_with_an_sp_sender_is_forwarded(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_BIND, SRC_DST(SP1, VM_A), 0, 0x8, 0x100, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = bind(f, f->vm, SP1, 0, BIT3 | BIT40);
    assert_success(&r);
}

static void test_unbind_with_an_sp_sender_is_forwarded(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_UNBIND, SRC_DST(SP1, VM_A), 0, 0x8, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = notif_call(f, f->vm, FFA_NOTIFICATION_UNBIND, SRC_DST(SP1, VM_A), 0, BIT3);
    assert_success(&r);
}

static void test_bind_per_vcpu_with_a_global_only_spmc_is_invalid(void **state)
{
    struct ffa_regs r =
        bind(*state, ((struct fixture *)*state)->vm, SP1, FFA_NOTIF_FLAG_PER_VCPU, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS); /* no secure-world call scripted */
}

static void test_bind_per_vcpu_is_forwarded_to_an_spmc_that_has_it(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_BIND, SRC_DST(SP1, VM_A), 1, 0x8, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = bind(f, f->vm, SP1, FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    assert_success(&r);
}

static void test_bind_for_another_receiver_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = notif_call(f, f->vm, FFA_NOTIFICATION_BIND, SRC_DST(SP1, VM_B), 0, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_bind_from_itself_is_invalid(void **state)
{
    struct ffa_regs r = bind(*state, ((struct fixture *)*state)->vm, VM_A, 0, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_bind_from_the_hypervisor_is_invalid(void **state)
{
    struct ffa_regs r = bind(*state, ((struct fixture *)*state)->vm, FFA_ID_HYPERVISOR, 0, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_bind_with_mbz_flags_is_invalid(void **state)
{
    struct ffa_regs r = bind(*state, ((struct fixture *)*state)->vm, SP1, 1u << 1, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_unbind_with_any_flag_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = notif_call(f, f->vm, FFA_NOTIFICATION_UNBIND, SRC_DST(SP1, VM_A),
                                   FFA_NOTIF_FLAG_PER_VCPU, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_bind_refused_by_the_spmc_passes_its_error(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_NOTIFICATION_BIND, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_DENIED, 0, 0, 0, 0, 0));
    r = bind(f, f->vm, SP1, 0, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_bind_answered_out_of_protocol_is_aborted(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_NOTIFICATION_BIND, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0));
    r = bind(f, f->vm, SP1, 0, BIT3);
    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_bind_with_a_vm_sender_needs_vm_to_vm(void **state)
{
    struct ffa_regs r = bind(*state, ((struct fixture *)*state)->vm, VM_B, 0, BIT3);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

/* ---- SET to an SP: forwarded ---- */

static void test_set_to_an_sp_is_forwarded(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_SET, SRC_DST(VM_A, SP1), 0, 0, 0x100, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = set(f, f->vm, SP1, 0, BIT40);
    assert_success(&r);
}

static void test_set_per_vcpu_is_forwarded_with_its_vcpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_SET, SRC_DST(VM_A, SP1), (1u << 16) | 1, 0x8, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = set(f, f->vm, SP1, (1u << 16) | FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    assert_success(&r);
}

static void test_set_from_someone_else_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = notif_call(f, f->vm, FFA_NOTIFICATION_SET, SRC_DST(VM_B, SP1), 0, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_set_to_itself_is_invalid(void **state)
{
    struct ffa_regs r = set(*state, ((struct fixture *)*state)->vm, VM_A, 0, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_set_with_delay_sri_from_a_vm_is_invalid(void **state)
{
    struct ffa_regs r =
        set(*state, ((struct fixture *)*state)->vm, SP1, FFA_NOTIF_FLAG_DELAY_SRI, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_set_with_a_vcpu_but_no_per_vcpu_flag_is_invalid(void **state)
{
    struct ffa_regs r = set(*state, ((struct fixture *)*state)->vm, SP1, 1u << 16, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_set_with_mbz_flags_is_invalid(void **state)
{
    struct ffa_regs r = set(*state, ((struct fixture *)*state)->vm, SP1, 1u << 2, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_set_of_nothing_is_invalid(void **state)
{
    struct ffa_regs r = set(*state, ((struct fixture *)*state)->vm, SP1, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_set_per_vcpu_to_a_global_only_spmc_is_invalid(void **state)
{
    struct ffa_regs r =
        set(*state, ((struct fixture *)*state)->vm, SP1, FFA_NOTIF_FLAG_PER_VCPU, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_set_to_a_vm_needs_vm_to_vm(void **state)
{
    struct ffa_regs r = set(*state, ((struct fixture *)*state)->vm, VM_B, 0, BIT3);

    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
}

/* ---- GET ---- */

static void test_get_forwards_only_the_sp_and_spm_flags_and_merges_the_answer(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_GET, SRC_DST(0, VM_A), FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM,
                      0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8, 0x100, 0x77, 0x77, 0x1, 0x77));
    r = get(f, f->vm, 0, 0xf);
    /* SP bitmap and SPM framework from the SPMC; the VM and hypervisor ones are the mediator's. */
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 0x8);
    assert_int_equal(r.x[3], 0x100);
    assert_int_equal(r.x[4], 0);
    assert_int_equal(r.x[5], 0);
    assert_int_equal(r.x[6], 0x1);
    assert_int_equal(r.x[7], 0);
}

static void test_get_of_mediator_bitmaps_only_does_not_call_the_spmc(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = get(f, f->vm, 0, FFA_NOTIF_GET_VM | FFA_NOTIF_GET_HYP);

    assert_success(&r);
}

static void test_get_for_another_receiver_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_GET, VM_B, 1, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_get_with_mbz_flags_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = get(f, f->vm, 0, 1u << 4);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_get_for_a_vcpu_the_vm_lacks_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        th_do(f, f->vm, th_regs(FFA_NOTIFICATION_GET, SRC_DST(2, VM_A), 1, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

/* Hafnium: the vCPU in w1 is the calling one (each vCPU reads its own per-vCPU bits). */
static void test_get_for_another_vcpu_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r =
        call_on(f, f->vm, 0, th_regs(FFA_NOTIFICATION_GET, SRC_DST(1, VM_A), 1, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_get_from_vcpu_1_is_forwarded_for_vcpu_1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_GET, SRC_DST(1, VM_A), FFA_NOTIF_GET_SP, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0x8, 0, 0, 0, 0, 0));
    r = get(f, f->vm, 1, FFA_NOTIF_GET_SP);
    assert_int_equal(r.x[2], 0x8);
}

/* An SPMC error reaches the VM, and the mediator's bits stay pending for the next GET. */
static void test_get_refused_by_the_spmc_leaves_the_vm_bits_pending(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    assert_success(&r);
    th_expect(f->mock, FFA_MOCK_X(0), th_regs(FFA_NOTIFICATION_GET, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_ERROR, 0, (uint32_t)FFA_RET_BUSY, 0, 0, 0, 0, 0));
    r = get(f, f->vm, 0, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_VM);
    th_assert_error(&r, FFA_RET_BUSY);
    r = get(f, f->vm, 0, FFA_NOTIF_GET_VM);
    assert_int_equal(vm_bits(&r), BIT3);
}

/* ---- VM to VM ---- */

static void test_vm_set_after_bind_is_read_once_by_get(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3 | BIT40);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT40);
    assert_success(&r);
    r = get(f, f->vm, 0, FFA_NOTIF_GET_VM);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(vm_bits(&r), BIT40);
    r = get(f, f->vm, 0, FFA_NOTIF_GET_VM);
    assert_int_equal(vm_bits(&r), 0);
}

static void test_vm_set_signals_the_first_online_vcpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    assert_success(&r);
    assert_int_equal(f->host.notifies, 1);
    assert_int_equal(f->host.events[0].vm, VM_A);
    assert_int_equal(f->host.events[0].vcpu, 0);
    assert_int_equal(f->host.events[0].event, FFA_HOST_EVENT_NOTIFICATION_PENDING);
}

/* Xen injects into vCPU 0 whatever its state; the first online vCPU gets it here. */
static void test_vm_set_with_vcpu_0_offline_signals_vcpu_1(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 0, false), 0);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    assert_success(&r);
    assert_int_equal(f->host.notifies, 1);
    assert_int_equal(f->host.events[0].vcpu, 1);
}

static void test_vm_set_with_every_vcpu_offline_waits_for_one_to_come_online(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 0, false), 0);
    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 1, false), 0);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    assert_success(&r);
    assert_int_equal(f->host.notifies, 0);
    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 1, true), 0);
    assert_int_equal(f->host.notifies, 1);
    assert_int_equal(f->host.events[0].vm, VM_A);
    assert_int_equal(f->host.events[0].vcpu, 1);
    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 0, true), 0);
    assert_int_equal(f->host.notifies, 1); /* once */
}

static void test_set_online_of_a_vcpu_the_vm_lacks_is_invalid(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 2, false), FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_set_per_vcpu_signals_and_delivers_to_the_named_vcpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, (1u << 16) | FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    assert_success(&r);
    assert_int_equal(f->host.events[0].vcpu, 1);
    r = get(f, f->vm, 0, FFA_NOTIF_GET_VM);
    assert_int_equal(vm_bits(&r), 0); /* not vCPU 0's */
    r = get(f, f->vm, 1, FFA_NOTIF_GET_VM);
    assert_int_equal(vm_bits(&r), BIT3);
}

static void test_vm_set_of_an_unbound_id_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);

    th_assert_error(&r, FFA_RET_DENIED);
    assert_int_equal(f->host.notifies, 0);
}

static void test_vm_set_by_another_sender_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = set(f, vm_of(f, VM_C), VM_A, 0, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_vm_set_per_vcpu_of_a_global_binding_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_vm_set_global_of_a_per_vcpu_binding_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_vm_set_per_vcpu_for_a_vcpu_the_receiver_lacks_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, (2u << 16) | FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_set_to_an_unknown_vm_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = set(f, f->vm, 0x0042, 0, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_bind_of_a_bound_id_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = bind(f, f->vm, VM_C, 0, BIT3 | BIT40);
    th_assert_error(&r, FFA_RET_DENIED);
    r = set(f, vm_of(f, VM_C), VM_A, 0, BIT40);
    th_assert_error(&r, FFA_RET_DENIED); /* nothing of the refused bind took effect */
}

static void test_vm_unbind_of_a_pending_id_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    assert_success(&r);
    r = notif_call(f, f->vm, FFA_NOTIFICATION_UNBIND, SRC_DST(VM_B, VM_A), 0, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_vm_unbind_of_another_senders_id_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = notif_call(f, f->vm, FFA_NOTIFICATION_UNBIND, SRC_DST(VM_C, VM_A), 0, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_vm_unbind_then_set_is_denied(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = notif_call(f, f->vm, FFA_NOTIFICATION_UNBIND, SRC_DST(VM_B, VM_A), 0, BIT3);
    assert_success(&r);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_vm_bind_from_an_unknown_vm_is_invalid(void **state)
{
    struct ffa_regs r = bind(*state, ((struct fixture *)*state)->vm, 0x0042, 0, BIT3);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_vm_bind_of_nothing_is_invalid(void **state)
{
    struct ffa_regs r = bind(*state, ((struct fixture *)*state)->vm, VM_B, 0, 0);

    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

/* A removed sender's bindings go with it: a VM added later with its ID must bind again. */
static void test_removing_the_sender_drops_its_bindings(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *b;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    assert_int_equal(ffa_vm_remove(f->m, vm_of(f, VM_B)), 0);
    b = th_add_vm(f, VM_B, 0, FFA_VERSION_1_2);
    r = set(f, b, VM_A, 0, BIT3);
    th_assert_error(&r, FFA_RET_DENIED);
}

/* ---- The VM's own INFO_GET ---- */

static void test_info_get_with_nothing_pending_is_no_data(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));

    th_assert_error(&r, FFA_RET_NO_DATA);
}

static void test_info_get_reports_a_global_notification_once(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[2], 1u << FFA_NOTIF_INFO_LISTS_SHIFT); /* one list of one ID */
    assert_int_equal(r.x[3], VM_A);
    r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_NO_DATA);
}

/* The 32-bit call gets FFA_SUCCESS_32 (Xen answers FFA_SUCCESS_64 to both). */
static void test_info_get_32_answers_success_32(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    bind_from_b(f, 0, BIT3);
    r = set(f, vm_of(f, VM_B), VM_A, 0, BIT3);
    r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_INFO_GET_32, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[3], VM_A);
}

/* 30 vCPUs with per-vCPU notifications: lists of the VM and three vCPUs, 20 IDs per answer. */
static void test_info_get_reports_per_vcpu_lists_across_answers(void **state)
{
    struct fixture *f = *state;
    struct ffa_vm *big = vm_of(f, 0x0010), *b = vm_of(f, VM_B);
    uint16_t seen[30] = {0};
    unsigned calls = 0, vcpus = 0;
    struct ffa_regs r;

    r = bind(f, big, VM_B, FFA_NOTIF_FLAG_PER_VCPU, BIT3);
    assert_success(&r);
    for (uint32_t v = 0; v < 30; v++) {
        r = set(f, b, 0x0010, (v << 16) | FFA_NOTIF_FLAG_PER_VCPU, BIT3);
        assert_success(&r);
    }
    do {
        uint32_t lists, k = 0;

        r = th_do(f, big, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));
        assert_int_equal(r.x[0], FFA_SUCCESS_64);
        lists = (uint32_t)(r.x[2] >> 7) & 0x1f;
        for (uint32_t l = 0; l < lists; l++) {
            uint32_t n = (uint32_t)(r.x[2] >> (12 + 2 * l)) & 3;

            assert_int_equal((uint16_t)(r.x[3 + k / 4] >> (16 * (k % 4))), 0x0010);
            k++;
            assert_int_equal(n, 3); /* full lists */
            for (uint32_t j = 0; j < n; j++, k++) {
                seen[(uint16_t)(r.x[3 + k / 4] >> (16 * (k % 4)))]++;
                vcpus++;
            }
        }
        assert_int_equal(k, 20);
        calls++;
    } while ((r.x[2] & FFA_NOTIF_INFO_MORE_PENDING) != 0);
    assert_int_equal(calls, 2);
    assert_int_equal(vcpus, 30);
    for (int v = 0; v < 30; v++)
        assert_int_equal(seen[v], 1); /* each vCPU exactly once */
    r = th_do(f, big, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_NO_DATA);
}

/* ---- The hypervisor framework bitmap ---- */

static void put_message(struct fixture *f, uint16_t from, uint16_t to)
{
    uint8_t *tx = th_guest_ptr(&f->host, from, TEST_TX_IPA);

    memset(tx, 0, 64);
    tx[8] = 40;             /* offset: after the v1.2 header (B negotiated v1.2) */
    tx[12] = (uint8_t)to;   /* receiver */
    tx[14] = (uint8_t)from; /* sender */
    tx[16] = 4;             /* size */
    memcpy(tx + 40, "ping", 4);
}

static void test_rx_full_is_signalled_to_the_first_online_vcpu(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    assert_int_equal(ffa_vm_vcpu_set_online(f->vm, 0, false), 0);
    put_message(f, VM_B, VM_A);
    r = th_do(f, vm_of(f, VM_B), th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(f->host.notifies, 1);
    assert_int_equal(f->host.events[0].vm, VM_A);
    assert_int_equal(f->host.events[0].vcpu, 1);
    assert_int_equal(f->host.events[0].event, FFA_HOST_EVENT_NOTIFICATION_PENDING);
}

static void test_get_returns_rx_full_in_w7_and_clears_it(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    put_message(f, VM_B, VM_A);
    r = th_do(f, vm_of(f, VM_B), th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
    r = get(f, f->vm, 0, FFA_NOTIF_GET_HYP);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[6], 0);
    assert_int_equal(r.x[7], FFA_FW_NOTIF_RX_FULL);
    assert_int_equal(ffa_vm_framework_notifications(f->vm), 0);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
}

/* A GET without the hypervisor flag leaves it pending (and the buffer unreleasable). */
static void test_get_without_the_hyp_flag_leaves_rx_full(void **state)
{
    struct fixture *f = *state;
    struct ffa_regs r;

    put_message(f, VM_B, VM_A);
    r = th_do(f, vm_of(f, VM_B), th_regs(FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0));
    r = get(f, f->vm, 0, FFA_NOTIF_GET_VM);
    assert_int_equal(r.x[7], 0);
    assert_int_equal(ffa_vm_framework_notifications(f->vm), FFA_FW_NOTIF_RX_FULL);
    r = th_do(f, f->vm, th_regs(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0));
    th_assert_error(&r, FFA_RET_DENIED);
}

/* ---- The Linux driver's notification set-up (drivers/firmware/arm_ffa/driver.c) ---- */

/*
 * ffa_notifications_setup(): FFA_FEATURES(BITMAP_CREATE) fails, so the guest creates no bitmap
 * (the hypervisor did); FFA_FEATURES(SRI) and (NPI) give the interrupt IDs. A client's
 * notify_request() binds an SP's notification (success must be exactly 0x84000061); on the NPI
 * the guest asks GET for its vCPU with flags 0xF (since 6.15); the host's SRI handling makes the
 * guest's own INFO_GET_64 list it; notify_relinquish() unbinds.
 */
static void test_linux_notification_setup_replays(void **state)
{
    struct fixture *f = *state;
    struct ffa_sri_result res;
    struct ffa_regs r;

    r = features(f, FFA_NOTIFICATION_BITMAP_CREATE);
    th_assert_error(&r, FFA_RET_NOT_SUPPORTED);
    r = features(f, FFA_FEATURE_SRI);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 9);
    r = features(f, FFA_FEATURE_NPI);
    assert_int_equal(r.x[0], FFA_SUCCESS_32);
    assert_int_equal(r.x[2], 8);

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_BIND, SRC_DST(SP1, VM_A), 0, 1u << 5, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = bind(f, f->vm, SP1, 0, UINT64_C(1) << 5);
    assert_int_equal(r.x[0], 0x84000061);

    /* The SP sets it: the SPMC raises its SRI; the host's handler asks INFO_GET. */
    th_expect(f->mock, FFA_MOCK_X_ALL, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_64, 0, 1u << 7, VM_A, 0, 0, 0, 0));
    assert_int_equal(ffa_mediator_handle_sri(f->m, 0, &res), 0);
    assert_int_equal(f->host.events[0].vm, VM_A);
    assert_int_equal(f->host.events[0].vcpu, 0);

    /* The guest's SRI path: its own INFO_GET_64 (SUCCESS_32 or _64 both accepted). */
    r = th_do(f, f->vm, th_regs(FFA_NOTIFICATION_INFO_GET_64, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(r.x[0], FFA_SUCCESS_64);
    assert_int_equal(r.x[2], 1u << 7);
    assert_int_equal((uint16_t)r.x[3], VM_A);

    /* Its NPI path: GET on the CPU the interrupt came to, all four bitmaps. */
    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_GET, SRC_DST(0, VM_A), FFA_NOTIF_GET_SP | FFA_NOTIF_GET_SPM,
                      0, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 1u << 5, 0, 0, 0, 0, 0));
    r = get(f, f->vm, 0, 0xf);
    assert_int_equal(r.x[0], 0x84000061);
    assert_int_equal(r.x[2] | (r.x[3] << 32), UINT64_C(1) << 5);

    th_expect(f->mock, FFA_MOCK_X_ALL,
              th_regs(FFA_NOTIFICATION_UNBIND, SRC_DST(SP1, VM_A), 0, 1u << 5, 0, 0, 0, 0),
              th_regs(FFA_SUCCESS_32, 0, 0, 0, 0, 0, 0, 0));
    r = notif_call(f, f->vm, FFA_NOTIFICATION_UNBIND, SRC_DST(SP1, VM_A), 0, UINT64_C(1) << 5);
    assert_int_equal(r.x[0], 0x84000061);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_features_report_the_notification_abis, setup_secure_global),
        T(test_features_refuse_bitmap_create_and_destroy, setup_secure_global),
        T(test_features_report_xens_npi_and_sri_by_default, setup_secure_global),
        T(test_features_report_the_configured_npi_and_sri, setup_custom_intids),
        T(test_features_refuse_the_managed_exit_interrupt, setup_secure_global),
        T(test_feature_4_says_global_only_without_vm_to_vm_or_spmc_support, setup_secure_global),
        T(test_feature_4_says_per_vcpu_with_an_spmc_that_has_it, setup_secure_per_vcpu),
        T(test_feature_4_says_per_vcpu_between_vms, setup_vm_to_vm),
        T(test_without_notifications_every_notification_feature_is_refused, setup_none),
        T(test_v1_0_vm_has_no_notifications, setup_secure_v1_0),
        T(test_the_secure_worlds_sri_is_reported_to_the_host, setup_secure_per_vcpu),
        T(test_without_an_sri_the_host_is_told_not_supported, setup_secure_global),
        T(test_bitmap_create_from_a_vm_is_not_supported, setup_secure_global),
        T(test_bitmap_destroy_from_a_vm_is_not_supported, setup_secure_global),
        T(test_bind_with_an_sp_sender_is_forwarded, setup_secure_global),
        T(test_unbind_with_an_sp_sender_is_forwarded, setup_secure_global),
        T(test_bind_per_vcpu_with_a_global_only_spmc_is_invalid, setup_secure_global),
        T(test_bind_per_vcpu_is_forwarded_to_an_spmc_that_has_it, setup_secure_per_vcpu),
        T(test_bind_for_another_receiver_is_invalid, setup_secure_global),
        T(test_bind_from_itself_is_invalid, setup_secure_global),
        T(test_bind_from_the_hypervisor_is_invalid, setup_secure_global),
        T(test_bind_with_mbz_flags_is_invalid, setup_secure_global),
        T(test_unbind_with_any_flag_is_invalid, setup_secure_global),
        T(test_bind_refused_by_the_spmc_passes_its_error, setup_secure_global),
        T(test_bind_answered_out_of_protocol_is_aborted, setup_secure_global),
        T(test_bind_with_a_vm_sender_needs_vm_to_vm, setup_secure_global),
        T(test_set_to_an_sp_is_forwarded, setup_secure_global),
        T(test_set_per_vcpu_is_forwarded_with_its_vcpu, setup_secure_per_vcpu),
        T(test_set_from_someone_else_is_invalid, setup_secure_global),
        T(test_set_to_itself_is_invalid, setup_secure_global),
        T(test_set_with_delay_sri_from_a_vm_is_invalid, setup_secure_global),
        T(test_set_with_a_vcpu_but_no_per_vcpu_flag_is_invalid, setup_secure_per_vcpu),
        T(test_set_with_mbz_flags_is_invalid, setup_secure_global),
        T(test_set_of_nothing_is_invalid, setup_secure_global),
        T(test_set_per_vcpu_to_a_global_only_spmc_is_invalid, setup_secure_global),
        T(test_set_to_a_vm_needs_vm_to_vm, setup_secure_global),
        T(test_get_forwards_only_the_sp_and_spm_flags_and_merges_the_answer, setup_secure_global),
        T(test_get_of_mediator_bitmaps_only_does_not_call_the_spmc, setup_secure_global),
        T(test_get_for_another_receiver_is_invalid, setup_secure_global),
        T(test_get_with_mbz_flags_is_invalid, setup_secure_global),
        T(test_get_for_a_vcpu_the_vm_lacks_is_invalid, setup_secure_global),
        T(test_get_for_another_vcpu_is_invalid, setup_secure_global),
        T(test_get_from_vcpu_1_is_forwarded_for_vcpu_1, setup_secure_global),
        T(test_get_refused_by_the_spmc_leaves_the_vm_bits_pending, setup_vm_to_vm_and_secure),
        T(test_vm_set_after_bind_is_read_once_by_get, setup_vm_to_vm),
        T(test_vm_set_signals_the_first_online_vcpu, setup_vm_to_vm),
        T(test_vm_set_with_vcpu_0_offline_signals_vcpu_1, setup_vm_to_vm),
        T(test_vm_set_with_every_vcpu_offline_waits_for_one_to_come_online, setup_vm_to_vm),
        T(test_set_online_of_a_vcpu_the_vm_lacks_is_invalid, setup_vm_to_vm),
        T(test_vm_set_per_vcpu_signals_and_delivers_to_the_named_vcpu, setup_vm_to_vm),
        T(test_vm_set_of_an_unbound_id_is_denied, setup_vm_to_vm),
        T(test_vm_set_by_another_sender_is_denied, setup_vm_to_vm),
        T(test_vm_set_per_vcpu_of_a_global_binding_is_denied, setup_vm_to_vm),
        T(test_vm_set_global_of_a_per_vcpu_binding_is_denied, setup_vm_to_vm),
        T(test_vm_set_per_vcpu_for_a_vcpu_the_receiver_lacks_is_invalid, setup_vm_to_vm),
        T(test_vm_set_to_an_unknown_vm_is_invalid, setup_vm_to_vm),
        T(test_vm_bind_of_a_bound_id_is_denied, setup_vm_to_vm),
        T(test_vm_unbind_of_a_pending_id_is_denied, setup_vm_to_vm),
        T(test_vm_unbind_of_another_senders_id_is_denied, setup_vm_to_vm),
        T(test_vm_unbind_then_set_is_denied, setup_vm_to_vm),
        T(test_vm_bind_from_an_unknown_vm_is_invalid, setup_vm_to_vm),
        T(test_vm_bind_of_nothing_is_invalid, setup_vm_to_vm),
        T(test_removing_the_sender_drops_its_bindings, setup_vm_to_vm),
        T(test_info_get_with_nothing_pending_is_no_data, setup_vm_to_vm),
        T(test_info_get_reports_a_global_notification_once, setup_vm_to_vm),
        T(test_info_get_32_answers_success_32, setup_vm_to_vm),
        T(test_info_get_reports_per_vcpu_lists_across_answers, setup_vm_to_vm_30_vcpus),
        T(test_rx_full_is_signalled_to_the_first_online_vcpu, setup_messaging),
        T(test_get_returns_rx_full_in_w7_and_clears_it, setup_messaging),
        T(test_get_without_the_hyp_flag_leaves_rx_full, setup_messaging),
        T(test_linux_notification_setup_replays, setup_secure_linux),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
