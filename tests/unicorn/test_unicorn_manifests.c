/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Manifests in the forms the ecosystem's partitions use (tests/unicorn/manifests: TF-A's cactus,
 * Hafnium's service SPs, Trusted Services' crypto SP, each written for this project with every
 * property its original carries) are accepted, their partitions boot and answer, and the log
 * names the properties the SPMC accepts without acting on them. Properties asking for what the
 * SPMC cannot do are refused by name.
 */
#include <libfdt.h>

#include "uc_fixture.h"

/*
 * The TF-A cactus and Hafnium service-SP manifests are MP partitions of Arm's FVP with 8 PEs
 * (execution-ctx-count 8): the SPMC must have as many (1 or the PE count, as Hafnium requires).
 */
#define FVP_PES 8u

struct eco {
    struct ffa_unicorn_sp_config sp;
    char image[512], dtb[512];
    void *edited;
    struct ucf *f;
};

static struct eco *eco_new(const char *image, const char *manifest)
{
    struct eco *e = calloc(1, sizeof(*e));

    snprintf(e->image, sizeof(e->image), "%s/%s", FFA_SP_DIR, image);
    snprintf(e->dtb, sizeof(e->dtb), "%s/%s.dtb", FFA_TEST_MANIFEST_DIR, manifest);
    e->sp.elf_path = e->image;
    e->sp.manifest_path = e->dtb;
    return e;
}

static int setup_cactus(void **state)
{
    struct eco *e = eco_new("pie-pkg.bin", "tfa-cactus");

    e->f = ucf_new_full_sps_pes(&e->sp, 1, FVP_PES, false);
    *state = e;
    return 0;
}

static int setup_hafnium(void **state)
{
    struct eco *e = eco_new("pie-pkg.bin", "hafnium-service-sp");

    e->sp.mem_size = 0x100000; /* the mem_size of Hafnium's SPMC manifest for it */
    e->f = ucf_new_full_sps_pes(&e->sp, 1, FVP_PES, false);
    *state = e;
    return 0;
}

static int setup_ts(void **state)
{
    struct eco *e = eco_new("pie-el0.elf", "ts-crypto");

    e->f = ucf_new_full_sps(&e->sp, 1, false);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct eco *e = *state;

    if (e->f != NULL)
        ucf_free(e->f);
    free(e->edited);
    free(e);
    return 0;
}

/* It boots, answers a direct request, and its code runs where the manifest put it. */
static void assert_runs(struct ucf *f, uint16_t id, uint32_t base)
{
    struct ffa_regs r;

    assert_int_equal(ucf_state(f, id), FFA_UNICORN_EC_WAITING);
    r = ucf_sp_cmd(f, id, 0x11, 0x22, 0x33, 0x44, 0x55);
    assert_int_equal(r.x[3], 0x11);
    assert_int_equal(r.x[7], 0x55);
    r = ucf_sp_cmd(f, id, SP_IMG_CMD_INFO, 0, 0, 0, 0);
    assert_int_equal(r.x[4], r.x[5]);
    assert_true(r.x[4] > base && r.x[4] < base + 0x10000);
}

static void assert_log(const struct ucf *f, const char *needle)
{
    if (!ucf_log_has(f, needle))
        fail_msg("the log lacks \"%s\":\n%s", needle, f->log);
}

/* ---- TF-A ---- */

static void test_tfa_cactus_manifest_is_accepted_and_runs(void **state)
{
    struct eco *e = *state;

    assert_runs(e->f, 0x8001, 0x7000000);
    assert_log(e->f, "SP 0x8001 (Base-1): flat image at 0x7000000, entry 0x7002000");
}

static void test_tfa_cactus_unused_properties_are_logged(void **state)
{
    struct eco *e = *state;

    assert_log(e->f, "2 8001: SP 0x8001: manifest properties accepted but not used by this SPMC: "
                     "auxiliary-id, stream-endpoint-ids, notification-support, "
                     "power-management-messages, boot-info, memory-regions/*/smmu-id, "
                     "memory-regions/*/stream-ids, memory-regions/*/stream-ids-access-permissions, "
                     "device-regions/*/smmu-id, device-regions/*/stream-ids\n");
    assert_false(ucf_log_has(e->f, "does not define"));
    /* Its non-secure region is mapped, as private memory, and said so. */
    assert_log(e->f, "memory region 'smmuv3-ns-region' at 0x90000000 is non-secure");
}

static void test_tfa_cactus_device_regions_and_interrupts_are_kept(void **state)
{
    struct eco *e = *state;
    struct ffa_unicorn_device_info i;

    assert_int_equal(ffa_unicorn_device_info(e->f->spmc, 0x8001, 1, &i), 0);
    assert_string_equal(i.name, "sec_wdog");
    assert_int_equal(i.pages, 32);
    assert_int_equal(i.irq_count, 1);
    assert_int_equal(i.irqs[0].id, 56);
    assert_int_equal(i.irqs[0].attributes, 0x900);
    assert_int_equal(ffa_unicorn_device_info(e->f->spmc, 0x8001, 2, &i), 0);
    assert_int_equal(i.irqs[0].id, 5000);
}

/* Its RX buffer is read-only to it (as declared), its TX buffer writable: the pair is mapped. */
static void test_tfa_cactus_rx_tx_pair_from_its_manifest(void **state)
{
    struct eco *e = *state;
    struct ffa_regs r;

    r = ucf_sp_cmd(e->f, 0x8001, SP_IMG_CMD_POKE, 0x7301000, 0x7a7a, 0, 0);
    assert_int_equal(r.x[4], 0x7a7a);
    r = ucf_sp_req(e->f, 0x8001, SP_IMG_CMD_POKE, 0x7300000, 1, 0, 0);
    ucf_assert_error(&r, FFA_RET_ABORTED);
}

/* ---- Hafnium ---- */

static void test_hafnium_service_sp_manifest_is_accepted_and_runs(void **state)
{
    struct eco *e = *state;

    /* No id: numbered from 0x8001 in configuration order, as Hafnium numbers vm1, vm2... */
    assert_runs(e->f, 0x8001, 0x6380000);
    assert_log(e->f, "SP 0x8001 (SP Service Second EL1): flat image at 0x6380000, entry "
                     "0x6382000, memory 0x6380000..0x6480000");
    assert_log(e->f, "(no id in the manifest: numbered by the SPMC)");
    assert_log(e->f, "manifest properties accepted but not used by this SPMC: "
                     "other-s-interrupts-action, notification-support, "
                     "power-management-messages, boot-info\n");
}

static void test_hafnium_mem_size_is_the_partition_memory(void **state)
{
    struct eco *e = *state;
    struct ffa_regs r;

    r = ucf_sp_cmd(e->f, 0x8001, SP_IMG_CMD_POKE, 0x6380000 + 0x100000 - 4, 3, 0, 0);
    assert_int_equal(r.x[4], 3);
    r = ucf_sp_req(e->f, 0x8001, SP_IMG_CMD_POKE, 0x6380000 + 0x100000, 3, 0, 0);
    ucf_assert_error(&r, FFA_RET_ABORTED);
}

/* ---- Trusted Services ---- */

static void test_ts_crypto_manifest_is_accepted_and_runs(void **state)
{
    struct eco *e = *state;

    assert_runs(e->f, 0x8001, 0x10000000);
    assert_log(e->f, "SP 0x8001 (crypto): position-independent ELF image at 0x10000000");
    assert_log(e->f, "(no load-address in the manifest)");
    assert_log(e->f, "manifest properties accepted but not used by this SPMC: legacy-elf-format, "
                     "memory-regions/*/attributes BTI guarded page\n");
}

/* Its image regions set the permissions: code is read-execute, data read-write. */
static void test_ts_crypto_regions_set_the_image_permissions(void **state)
{
    struct eco *e = *state;
    struct ffa_regs r;

    r = ucf_sp_cmd(e->f, 0x8001, SP_IMG_CMD_POKE, 0x1000a000 + 0xff0, 9, 0, 0);
    assert_int_equal(r.x[4], 9);
    r = ucf_sp_req(e->f, 0x8001, SP_IMG_CMD_POKE, 0x10008000 + 0xff0, 9, 0, 0);
    ucf_assert_error(&r, FFA_RET_ABORTED);
}

/* ---- Refused, by name ---- */

static void expect_refused_edit(const char *image, const char *manifest, const char *prop,
                                uint32_t value, const char *n1)
{
    struct eco *e = eco_new(image, manifest);
    struct ffa_unicorn_config cfg = {.sps = &e->sp, .sp_count = 1, .pe_count = FVP_PES};
    struct ffa_unicorn *u = NULL;
    char err[512] = "";
    size_t size;
    int ret;

    e->edited = ucf_read_file(e->dtb, &size, 4096);
    ret = fdt_open_into(e->edited, e->edited, (int)size + 4096);
    if (ret == 0) {
        if (value == UINT32_MAX)
            fdt_setprop_empty(e->edited, 0, prop);
        else
            fdt_setprop_u32(e->edited, 0, prop, value);
        e->sp.manifest_path = NULL;
        e->sp.manifest_data = e->edited;
        e->sp.manifest_size = fdt_totalsize(e->edited);
        ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));
        ffa_unicorn_destroy(u);
    }
    free(e->edited);
    free(e);
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    if (strstr(err, n1) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, n1);
}

static void test_behaviour_the_spmc_cannot_provide_is_refused_by_name(void **state)
{
    (void)state;
    expect_refused_edit("pie-pkg.bin", "tfa-cactus", "abort-action", 2,
                        "property 'abort-action' value 2 is not 0 (STOP) or 1 (DESTROY)");
    expect_refused_edit("pie-pkg.bin", "tfa-cactus", "has-primary-scheduler", UINT32_MAX,
                        "property 'has-primary-scheduler' is for a normal-world VM");
    expect_refused_edit("pie-el0.elf", "ts-crypto", "xlat-granule", 1,
                        "property 'xlat-granule' value 1 is not 0 (4 KiB)");
    expect_refused_edit("pie-el0.elf", "ts-crypto", "execution-state", 1,
                        "property 'execution-state' value 1 is not 0 (AArch64)");
}

/* abort-action STOP is what the SPMC does; an unknown property is listed, not refused. */
static void test_stop_and_unknown_properties_are_accepted(void **state)
{
    struct eco *e = eco_new("pie-pkg.bin", "tfa-cactus");
    size_t size;

    *state = e;
    e->edited = ucf_read_file(e->dtb, &size, 4096);
    assert_int_equal(fdt_open_into(e->edited, e->edited, (int)size + 4096), 0);
    fdt_setprop_u32(e->edited, 0, "abort-action", 0);
    fdt_setprop_u32(e->edited, 0, "vendor,frobnicate", 1);
    fdt_add_subnode(e->edited, 0, "vendor-node");
    e->sp.manifest_path = NULL;
    e->sp.manifest_data = e->edited;
    e->sp.manifest_size = fdt_totalsize(e->edited);
    e->f = ucf_new_full_sps_pes(&e->sp, 1, FVP_PES, false);
    assert_log(e->f, "2 8001: SP 0x8001: manifest properties the FF-A binding does not define, "
                     "ignored: vendor,frobnicate, vendor-node\n");
    assert_int_equal(ucf_state(e->f, 0x8001), FFA_UNICORN_EC_WAITING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tfa_cactus_manifest_is_accepted_and_runs, setup_cactus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tfa_cactus_unused_properties_are_logged, setup_cactus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tfa_cactus_device_regions_and_interrupts_are_kept,
                                        setup_cactus, teardown),
        cmocka_unit_test_setup_teardown(test_tfa_cactus_rx_tx_pair_from_its_manifest, setup_cactus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hafnium_service_sp_manifest_is_accepted_and_runs,
                                        setup_hafnium, teardown),
        cmocka_unit_test_setup_teardown(test_hafnium_mem_size_is_the_partition_memory,
                                        setup_hafnium, teardown),
        cmocka_unit_test_setup_teardown(test_ts_crypto_manifest_is_accepted_and_runs, setup_ts,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ts_crypto_regions_set_the_image_permissions, setup_ts,
                                        teardown),
        cmocka_unit_test(test_behaviour_the_spmc_cannot_provide_is_refused_by_name),
        cmocka_unit_test_teardown(test_stop_and_unknown_properties_are_accepted, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
