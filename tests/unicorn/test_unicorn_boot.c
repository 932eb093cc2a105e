/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading and boot: manifests and images are validated with messages naming the property and
 * value (a DTB that is truncated or corrupt names what is wrong with it); SPs boot in boot-order
 * until FFA_MSG_WAIT; an SP that aborts or faults during init is aborted and later requests get
 * ABORTED.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uc_fixture.h"

/* Load the echo SP with its manifest changed by `edit`; create fails naming n1 (and n2). */
static void expect_refused(void (*edit)(void *fdt), const char *n1, const char *n2)
{
    ucf_expect_refused("echo", edit, n1, n2);
}

static int root(void *fdt)
{
    return fdt_path_offset(fdt, "/");
}

static void set_el3(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "exception-level", 3);
}
static void drop_uuid(void *fdt)
{
    fdt_delprop(fdt, root(fdt), "uuid");
}
static void set_bad_load(void *fdt)
{
    fdt_setprop_u64(fdt, root(fdt), "load-address", 0x20000000);
}
static void set_bad_entry(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "entrypoint-offset", 0x200000);
}
static void set_bad_ctx(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "execution-ctx-count", 0);
}
static void set_bad_mm(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "messaging-method", 0x10003);
}
static void set_bad_ns_action(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "ns-interrupts-action", 7);
}
static void set_bad_id(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "id", 0x8000);
}
static void set_bad_version(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "ffa-version", 0x20000);
}
static void set_bad_gp(void *fdt)
{
    fdt_setprop_u32(fdt, root(fdt), "gp-register-num", 9);
}
static void set_overlapping_region(void *fdt)
{
    int n = fdt_path_offset(fdt, "/memory-regions/scratch");

    /* One page below the image, three in it: a region is either inside the partition's memory
     * (it then sets permissions there) or clear of it. */
    fdt_setprop_u64(fdt, n, "base-address", 0x0ffff000);
}
static void set_bad_region_attr(void *fdt)
{
    int n = fdt_path_offset(fdt, "/memory-regions/scratch");

    fdt_setprop_u32(fdt, n, "attributes", 0x7);
}
static void set_bad_compatible(void *fdt)
{
    fdt_setprop_string(fdt, root(fdt), "compatible", "arm,something-else");
}

static void test_bad_exception_level_is_refused(void **s)
{
    (void)s;
    expect_refused(set_el3, "'exception-level'", "value 3");
}
static void test_missing_uuid_is_refused(void **s)
{
    (void)s;
    expect_refused(drop_uuid, "'uuid'", "missing");
}
static void test_load_address_not_matching_image_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_load, "'load-address'", "0x20000000");
}
static void test_entry_point_outside_code_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_entry, "'entrypoint-offset'", "0x200000");
}
static void test_zero_execution_contexts_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_ctx, "'execution-ctx-count'", "value 0");
}
static void test_reserved_messaging_bits_are_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_mm, "'messaging-method'", "0x10003");
}
static void test_bad_ns_interrupts_action_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_ns_action, "'ns-interrupts-action'", "value 7");
}
static void test_spmc_id_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_id, "'id'", "0x8000");
}
static void test_unsupported_ffa_version_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_version, "'ffa-version'", "0x20000");
}
static void test_bad_gp_register_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_gp, "'gp-register-num'", "value 9");
}
static void test_region_overlapping_image_is_refused(void **s)
{
    (void)s;
    expect_refused(set_overlapping_region, "'scratch'", "partly inside the partition's memory");
}
static void test_writable_executable_region_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_region_attr, "'attributes'", "0x7");
}
static void test_wrong_compatible_is_refused(void **s)
{
    (void)s;
    expect_refused(set_bad_compatible, "'compatible'", NULL);
}

/* Create with `sp`; refused with INVALID_PARAMETERS and a message holding n1 (and n2). */
static void expect_config_refused(const struct ffa_unicorn_sp_config *sps, size_t count,
                                  uint64_t preempt, uint64_t watchdog, const char *n1,
                                  const char *n2)
{
    char err[512] = "";
    struct ffa_unicorn_config cfg = {0};
    struct ffa_unicorn *u = NULL;
    int ret;

    cfg.sps = sps;
    cfg.sp_count = count;
    cfg.preempt_blocks = preempt;
    cfg.watchdog_blocks = watchdog;
    ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));
    ffa_unicorn_destroy(u); /* NULL unless create wrongly succeeded */
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    assert_null(u);
    if (strstr(err, n1) == NULL || (n2 != NULL && strstr(err, n2) == NULL) ||
        strstr(err, "<no error>") != NULL)
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err, n1, n2 != NULL ? n2 : "");
}

static void test_non_elf_image_is_refused(void **s)
{
    static const char junk[64] = "this is not an ELF file";
    char dtb[512];
    struct ffa_unicorn_sp_config sp = {0};

    (void)s;
    ucf_sp_paths("echo", NULL, dtb, sizeof(dtb));
    sp.elf_data = junk;
    sp.elf_size = sizeof(junk);
    sp.manifest_path = dtb;
    sp.image_kind = FFA_UNICORN_IMAGE_ELF; /* by default, bytes that are not an ELF are flat */
    expect_config_refused(&sp, 1, 0, 0, "not an ELF file", NULL);
}

static void test_duplicate_ids_are_refused(void **s)
{
    char elf[512], dtb[512];
    struct ffa_unicorn_sp_config sps[2] = {{0}};

    (void)s;
    ucf_sp_paths("echo", elf, dtb, sizeof(elf));
    sps[0].elf_path = sps[1].elf_path = elf;
    sps[0].manifest_path = sps[1].manifest_path = dtb;
    expect_config_refused(sps, 2, 0, 0, "'id' value 0x8001", NULL);
}

static void test_watchdog_not_above_budget_is_refused(void **s)
{
    char elf[512], dtb[512];
    struct ffa_unicorn_sp_config sp = {0};

    (void)s;
    ucf_sp_paths("echo", elf, dtb, sizeof(elf));
    sp.elf_path = elf;
    sp.manifest_path = dtb;
    expect_config_refused(&sp, 1, 1000, 1000, "watchdog_blocks", NULL);
}

/* ---- A manifest that is not a whole, valid DTB: every refusal names the reason ---- */

/* The echo SP's manifest bytes, and the image path to load them with. */
struct dtb_blob {
    uint8_t *dtb;
    size_t size;
    char elf[512];
};

static int setup_dtb(void **state)
{
    struct dtb_blob *b = calloc(1, sizeof(*b));
    char dtb[512];

    if (b == NULL)
        return -1;
    ucf_sp_paths("echo", b->elf, dtb, sizeof(dtb));
    b->dtb = ucf_read_file(dtb, &b->size, 0);
    *state = b;
    return 0;
}

static int teardown_dtb(void **state)
{
    struct dtb_blob *b = *state;

    free(b->dtb);
    free(b);
    return 0;
}

/* Load the echo image with the first `size` bytes of the (edited) manifest: refused naming n1, n2.
 */
static void expect_dtb_refused(const struct dtb_blob *b, size_t size, const char *n1,
                               const char *n2)
{
    struct ffa_unicorn_sp_config sp = {0};

    sp.elf_path = b->elf;
    sp.manifest_data = b->dtb;
    sp.manifest_size = size;
    expect_config_refused(&sp, 1, 0, 0, n1, n2);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void test_manifest_truncated_by_one_byte_is_refused_as_truncated(void **state)
{
    const struct dtb_blob *b = *state;
    char says[64], given[64];

    snprintf(says, sizeof(says), "its header says %zu bytes", b->size);
    snprintf(given, sizeof(given), "%zu were given", b->size - 1);
    expect_dtb_refused(b, b->size - 1, "manifest: the DTB is truncated", says);
    expect_dtb_refused(b, b->size - 1, given, NULL);
}

static void test_manifest_truncated_by_many_bytes_is_refused_as_truncated(void **state)
{
    const struct dtb_blob *b = *state;
    char given[64];

    snprintf(given, sizeof(given), "%zu were given", b->size / 2);
    expect_dtb_refused(b, b->size / 2, "manifest: the DTB is truncated", given);
    expect_dtb_refused(b, 41, "manifest: the DTB is truncated", "41 were given");
    /* Less than the header itself. */
    expect_dtb_refused(b, 16, "manifest: 16 bytes is too short for a DTB", "40-byte header");
    expect_dtb_refused(b, 0, "manifest: 0 bytes is too short for a DTB", NULL);
}

static void test_manifest_with_wrong_magic_is_refused(void **state)
{
    const struct dtb_blob *b = *state;

    put_be32(b->dtb, 0x12345678);
    expect_dtb_refused(b, b->size, "manifest: not a DTB", "magic 0x12345678 is not 0xd00dfeed");
}

static void test_manifest_with_corrupt_header_is_refused(void **state)
{
    const struct dtb_blob *b = *state;

    /* off_dt_strings (header offset 12) beyond the blob. */
    put_be32(b->dtb + 12, (uint32_t)b->size + 64);
    expect_dtb_refused(b, b->size, "manifest: the DTB header is corrupt", "outside its totalsize");
}

static void test_manifest_with_unsupported_version_is_refused(void **state)
{
    const struct dtb_blob *b = *state;

    /* version (header offset 20) and last_comp_version (24). */
    put_be32(b->dtb + 20, 99);
    put_be32(b->dtb + 24, 99);
    expect_dtb_refused(b, b->size, "manifest: the DTB header is corrupt", "version 99");
}

static void test_manifest_with_corrupt_structure_is_refused(void **state)
{
    const struct dtb_blob *b = *state;
    uint32_t off_struct =
        (uint32_t)b->dtb[8] << 24 | b->dtb[9] << 16 | b->dtb[10] << 8 | b->dtb[11];

    /* The first token of the structure block must be FDT_BEGIN_NODE (1): make it 0x0f. */
    put_be32(b->dtb + off_struct, 0x0f);
    expect_dtb_refused(b, b->size, "manifest: the DTB's structure block is corrupt", "libfdt");
}

/* ---- Boot ---- */

/* The forwarder and the echo SP, listed out of order, with the fixture's log. */
static int setup_out_of_order(void **state)
{
    char paths[2][2][512];
    struct ffa_unicorn_sp_config sps[2];
    struct ucf *f = calloc(1, sizeof(*f));
    struct ffa_unicorn_config cfg = {0};

    if (f == NULL)
        return -1;
    ucf_sp_list(UCF_FORWARDER, &sps[0], &paths[0]);
    ucf_sp_list(UCF_ECHO, &sps[1], &paths[1]);
    cfg.sps = sps;
    cfg.sp_count = 2;
    cfg.log = ucf_log;
    cfg.log_ctx = f;
    if (ffa_unicorn_create(&cfg, &f->spmc, NULL, 0) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown_out_of_order(void **state)
{
    struct ucf *f = *state;

    ffa_unicorn_destroy(f->spmc);
    free(f);
    return 0;
}

static void test_sps_boot_in_boot_order_until_msg_wait(void **state)
{
    /* The forwarder (boot-order 6) pings the echo SP (1) at init, which only works if the echo SP
     * booted first. */
    struct ucf *f = *state;
    const char *fw = strstr(f->log, "SP 0x8006 (forwarder) initialised");
    const char *echo = strstr(f->log, "SP 0x8001 (echo) initialised");

    assert_non_null(echo);
    assert_non_null(fw);
    assert_true(echo < fw);
    assert_true(ucf_log_has(f, "forwarder: init ping to the echo SP answered"));
    assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_ECHO, 0), FFA_UNICORN_EC_WAITING);
    assert_int_equal(ffa_unicorn_ec_state(f->spmc, SP_ID_FORWARDER, 0), FFA_UNICORN_EC_WAITING);
}

static int setup_init_abort(void **state)
{
    *state = ucf_new(UCF_ECHO | UCF_INIT_ABORT, 0, 0);
    return 0;
}

static int setup_init_fault(void **state)
{
    *state = ucf_new(UCF_ECHO | UCF_INIT_FAULT, 0, 0);
    return 0;
}

static int setup_el0(void **state)
{
    *state = ucf_new(UCF_EL0, 0, 0);
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

static void test_sp_aborting_at_init_is_aborted(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    assert_int_equal(ucf_state(f, SP_ID_INIT_ABORT), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "FFA_ERROR(ABORTED)"));
    r = ucf_req(f, SP_ID_INIT_ABORT, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_ABORTED);
    r = ucf_req(f, SP_ID_ECHO, 3, 0, 0, 0, 0);
    ucf_assert_resp(&r, SP_ID_ECHO);
}

static void test_sp_faulting_at_init_is_aborted(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    assert_int_equal(ucf_state(f, SP_ID_INIT_FAULT), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(f, "SP 0x8009 (init-fault) vCPU 0 aborted: data abort at pc 0x"));
    r = ucf_call(f, FFA_RUN, FFA_TARGET_INFO(SP_ID_INIT_FAULT, 0), 0, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_ABORTED);
}

static void test_boot_info_register_points_at_ffa_boot_info(void **state)
{
    /* gp-register-num = <0>: the S-EL0 SP reads the header at x0 and prints its signature and
     * the size of the manifest DTB its descriptor points at. */
    struct ucf *f = *state;
    char expect[96];
    char dtb[512];
    size_t size;
    void *blob;

    ucf_sp_paths("el0", NULL, dtb, sizeof(dtb));
    blob = ucf_read_file(dtb, &size, 0);
    free(blob);
    assert_true(ucf_log_has(f, "boot info signature 0xffa"));
    snprintf(expect, sizeof(expect), "boot info manifest size 0x%zx", size);
    assert_true(ucf_log_has(f, expect));
}

#define DTB(name) cmocka_unit_test_setup_teardown(name, setup_dtb, teardown_dtb)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_exception_level_is_refused),
        cmocka_unit_test(test_missing_uuid_is_refused),
        cmocka_unit_test(test_load_address_not_matching_image_is_refused),
        cmocka_unit_test(test_entry_point_outside_code_is_refused),
        cmocka_unit_test(test_zero_execution_contexts_is_refused),
        cmocka_unit_test(test_reserved_messaging_bits_are_refused),
        cmocka_unit_test(test_bad_ns_interrupts_action_is_refused),
        cmocka_unit_test(test_spmc_id_is_refused),
        cmocka_unit_test(test_unsupported_ffa_version_is_refused),
        cmocka_unit_test(test_bad_gp_register_is_refused),
        cmocka_unit_test(test_region_overlapping_image_is_refused),
        cmocka_unit_test(test_writable_executable_region_is_refused),
        cmocka_unit_test(test_wrong_compatible_is_refused),
        cmocka_unit_test(test_non_elf_image_is_refused),
        cmocka_unit_test(test_duplicate_ids_are_refused),
        cmocka_unit_test(test_watchdog_not_above_budget_is_refused),
        DTB(test_manifest_truncated_by_one_byte_is_refused_as_truncated),
        DTB(test_manifest_truncated_by_many_bytes_is_refused_as_truncated),
        DTB(test_manifest_with_wrong_magic_is_refused),
        DTB(test_manifest_with_corrupt_header_is_refused),
        DTB(test_manifest_with_unsupported_version_is_refused),
        DTB(test_manifest_with_corrupt_structure_is_refused),
        cmocka_unit_test_setup_teardown(test_sps_boot_in_boot_order_until_msg_wait,
                                        setup_out_of_order, teardown_out_of_order),
        cmocka_unit_test_setup_teardown(test_sp_aborting_at_init_is_aborted, setup_init_abort,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sp_faulting_at_init_is_aborted, setup_init_fault,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_boot_info_register_points_at_ffa_boot_info, setup_el0,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
