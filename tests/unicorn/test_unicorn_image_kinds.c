/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partition images as the ecosystem builds them (examples/sp/image.c, built several ways): a
 * position-independent ELF that relocates itself at the manifest's load-address (also at S-EL0),
 * the same image as a flat binary, an ELF whose segments carry no permission flags, start-up code
 * that writes past its image, and the partition memory after the image (the default slack or the
 * configured mem_size), with a manifest memory region inside it setting permissions.
 */
#include <libfdt.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uc_fixture.h"

#define SLACK FFA_UNICORN_DEFAULT_MEM_SLACK

struct kinds {
    struct ffa_unicorn_sp_config sps[6];
    char paths[6][2][512];
    void *dtb; /* an edited manifest, freed in teardown */
    struct ucf *f;
};

/* SP `i`: image <name><ext> and manifest <manifest>.dtb of the example SPs. */
static void set_sp(struct kinds *k, size_t i, const char *name, const char *ext,
                   const char *manifest)
{
    snprintf(k->paths[i][0], sizeof(k->paths[i][0]), "%s/%s%s", FFA_SP_DIR, name, ext);
    snprintf(k->paths[i][1], sizeof(k->paths[i][1]), "%s/%s.dtb", FFA_SP_DIR, manifest);
    k->sps[i].elf_path = k->paths[i][0];
    k->sps[i].manifest_path = k->paths[i][1];
}

static int setup_all(void **state)
{
    struct kinds *k = calloc(1, sizeof(*k));

    set_sp(k, 0, "pie", ".elf", "pie");
    set_sp(k, 1, "flat", ".bin", "flat");
    set_sp(k, 2, "pie-el0", ".elf", "pie-el0");
    set_sp(k, 3, "noflags", ".elf", "noflags");
    set_sp(k, 4, "pastbss", ".elf", "pastbss");
    k->f = ucf_new_full_sps(k->sps, 5, false);
    *state = k;
    return 0;
}

static int teardown(void **state)
{
    struct kinds *k = *state;

    if (k->f != NULL)
        ucf_free(k->f);
    free(k->dtb);
    free(k);
    return 0;
}

static struct ffa_regs info(struct ucf *f, uint16_t sp)
{
    struct ffa_regs r = ucf_sp_cmd(f, sp, SP_IMG_CMD_INFO, 0, 0, 0, 0);

    assert_int_equal(r.x[3], SP_IMG_CMD_INFO);
    return r;
}

static void assert_aborted(struct ucf *f, uint16_t sp, const struct ffa_regs *r)
{
    ucf_assert_error(r, FFA_RET_ABORTED);
    assert_int_equal(ucf_state(f, sp), FFA_UNICORN_EC_ABORTED);
}

/* ---- Position-independent ELF ---- */

static void test_pie_relocates_itself_at_its_load_address(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_PIE);

    /* The pointer in its data was relocated to where the code runs (linked at 0). */
    assert_int_equal(r.x[4], r.x[5]);
    assert_true(r.x[4] > SP_PIE_LOAD_ADDR && r.x[4] < SP_PIE_LOAD_ADDR + 0x8000);
    assert_true(r.x[6] >= 1);
    assert_true(r.x[7] > SP_PIE_LOAD_ADDR + 0xc000 && r.x[7] <= SP_PIE_LOAD_ADDR + 0x10000);
    assert_true(ucf_log_has(k->f, "position-independent ELF image at 0x30000000, entry "
                                  "0x30000000"));
}

static void test_pie_answers_direct_requests(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = ucf_sp_cmd(k->f, SP_ID_PIE, 11, 22, 33, 44, 55);

    assert_int_equal(r.x[3], 11);
    assert_int_equal(r.x[7], 55);
}

static void test_pie_at_s_el0_without_load_address_goes_to_the_default(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_PIE_EL0);

    assert_int_equal(r.x[4], r.x[5]);
    assert_true(r.x[4] > 0x10000000 && r.x[4] < 0x10008000);
    assert_true(ucf_log_has(k->f, "position-independent ELF image at 0x10000000"));
    assert_true(ucf_log_has(k->f, "(no load-address in the manifest)"));
    r = ucf_sp_cmd(k->f, SP_ID_PIE_EL0, 7, 8, 9, 10, 11);
    assert_int_equal(r.x[4], 8);
}

/* ---- Flat binary ---- */

static void test_flat_image_runs_at_its_load_address(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_FLAT);

    assert_int_equal(r.x[4], r.x[5]);
    assert_true(r.x[4] > SP_FLAT_LOAD_ADDR && r.x[4] < SP_FLAT_LOAD_ADDR + 0x8000);
    assert_true(r.x[6] >= 1);
    assert_true(ucf_log_has(k->f, "flat image at 0x31000000, entry 0x31000000"));
    r = ucf_sp_cmd(k->f, SP_ID_FLAT, 1, 2, 3, 4, 5);
    assert_int_equal(r.x[5], 3);
}

/* Its .bss and stack lie past the file's bytes: in the partition memory after the image. */
static void test_flat_image_bss_is_past_its_bytes(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_FLAT);
    uint32_t bss = SP_FLAT_LOAD_ADDR + 0xc000;

    r = ucf_sp_cmd(k->f, SP_ID_FLAT, SP_IMG_CMD_POKE, (uint32_t)r.x[7] + 0x100, 0x5151, 0, 0);
    assert_int_equal(r.x[4], 0x5151);
    r = ucf_sp_cmd(k->f, SP_ID_FLAT, SP_IMG_CMD_PEEK, bss, 0, 0, 0);
    assert_int_equal(r.x[4], 0);
}

/* ---- Segments without permission flags ---- */

static void test_segments_without_flags_are_read_write_execute(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_NOFLAGS);
    /* The last word of the page holding its code: writable too. */
    uint32_t code_page_end = ((uint32_t)r.x[4] | 0xfffu) - 3;

    assert_int_equal(r.x[4], r.x[5]);
    assert_int_equal(r.x[6], 0); /* static: nothing to relocate */
    r = ucf_sp_cmd(k->f, SP_ID_NOFLAGS, SP_IMG_CMD_POKE, code_page_end, 0xC0DE, 0, 0);
    assert_int_equal(r.x[4], 0xC0DE);
    r = ucf_sp_cmd(k->f, SP_ID_NOFLAGS, 21, 22, 23, 24, 25);
    assert_int_equal(r.x[3], 21);
}

/* The same store into an image whose segments say read-execute aborts it. */
static void test_code_of_an_image_with_flags_is_not_writable(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_PASTBSS);

    r = ucf_sp_req(k->f, SP_ID_PASTBSS, SP_IMG_CMD_POKE, ((uint32_t)r.x[4] | 0xfffu) - 3, 1, 0, 0);
    assert_aborted(k->f, SP_ID_PASTBSS, &r);
}

/* ---- Memory after the image ---- */

static void test_start_up_code_writing_past_its_image_does_not_fault(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_PASTBSS);

    assert_int_equal(ucf_state(k->f, SP_ID_PASTBSS), FFA_UNICORN_EC_WAITING);
    r = ucf_sp_cmd(k->f, SP_ID_PASTBSS, SP_IMG_CMD_PEEK, (uint32_t)r.x[7] + SP_PAST_BSS_OFFSET, 0,
                   0, 0);
    assert_int_equal(r.x[4], SP_PAST_BSS_MAGIC);
}

static void test_last_page_of_the_slack_is_writable(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_PASTBSS);
    uint32_t end = (((uint32_t)r.x[7] + 0xfffu) & ~0xfffu) + SLACK;

    r = ucf_sp_cmd(k->f, SP_ID_PASTBSS, SP_IMG_CMD_POKE, end - 4, 0x77, 0, 0);
    assert_int_equal(r.x[4], 0x77);
}

static void test_access_beyond_the_slack_faults(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r = info(k->f, SP_ID_PASTBSS);
    uint32_t end = (((uint32_t)r.x[7] + 0xfffu) & ~0xfffu) + SLACK;

    r = ucf_sp_req(k->f, SP_ID_PASTBSS, SP_IMG_CMD_PEEK, end, 0, 0, 0);
    assert_aborted(k->f, SP_ID_PASTBSS, &r);
    assert_true(ucf_log_has(k->f, "aborted: data abort"));
}

/* mem_size (Hafnium's per-partition memory size) sets where the partition's memory ends. */
static int setup_mem_size(void **state)
{
    struct kinds *k = calloc(1, sizeof(*k));

    set_sp(k, 0, "pastbss", ".elf", "pastbss");
    k->sps[0].mem_size = 0x100000;
    k->f = ucf_new_full_sps(k->sps, 1, false);
    *state = k;
    return 0;
}

static void test_mem_size_gives_memory_up_to_load_address_plus_mem_size(void **state)
{
    struct kinds *k = *state;
    struct ffa_regs r;

    r = ucf_sp_cmd(k->f, SP_ID_PASTBSS, SP_IMG_CMD_POKE, 0x10000000 + 0x100000 - 4, 0x99, 0, 0);
    assert_int_equal(r.x[4], 0x99);
    r = ucf_sp_req(k->f, SP_ID_PASTBSS, SP_IMG_CMD_PEEK, 0x10000000 + 0x100000, 0, 0, 0);
    assert_aborted(k->f, SP_ID_PASTBSS, &r);
}

static void expect_create_fails(struct ffa_unicorn_sp_config *sp, const char *n1, const char *n2)
{
    struct ffa_unicorn_config cfg = {.sps = sp, .sp_count = 1};
    struct ffa_unicorn *u = NULL;
    char err[512] = "";
    int ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));

    ffa_unicorn_destroy(u);
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    if (strstr(err, n1) == NULL || (n2 != NULL && strstr(err, n2) == NULL))
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err, n1, n2 != NULL ? n2 : "");
}

static void test_mem_size_smaller_than_the_image_is_refused(void **state)
{
    struct kinds *k = calloc(1, sizeof(*k));

    *state = k;
    set_sp(k, 0, "pastbss", ".elf", "pastbss");
    k->sps[0].mem_size = 0x1000;
    expect_create_fails(&k->sps[0], "config: mem_size 0x1000", "covering the image");
    k->sps[0].mem_size = 0x10800;
    expect_create_fails(&k->sps[0], "config: mem_size 0x10800", NULL);
}

/* A forced kind: bytes that are an ELF loaded as flat run from their first byte (the ELF
 * header), which is no code: the SP aborts at boot; an ELF forced is parsed as one. */
static void test_image_kind_can_be_forced(void **state)
{
    struct kinds *k = calloc(1, sizeof(*k));

    *state = k;
    set_sp(k, 0, "flat", ".bin", "pie");
    k->sps[0].image_kind = FFA_UNICORN_IMAGE_ELF;
    expect_create_fails(&k->sps[0], "image: not an ELF file", NULL);
    set_sp(k, 0, "pie", ".elf", "flat");
    k->sps[0].image_kind = FFA_UNICORN_IMAGE_FLAT;
    k->f = ucf_new_full_sps(k->sps, 1, false);
    assert_int_equal(ucf_state(k->f, SP_ID_FLAT), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(k->f, "flat image at 0x31000000"));
}

/* ---- A memory region of the manifest inside the partition's memory ---- */

/* pie with a read-only region over the first page after its image (load-address-relative). */
static int setup_read_only_slack(void **state)
{
    struct kinds *k = calloc(1, sizeof(*k));
    size_t size;
    int node;

    set_sp(k, 0, "pie", ".elf", "pie");
    k->dtb = ucf_read_file(k->paths[0][1], &size, 4096);
    assert_int_equal(fdt_open_into(k->dtb, k->dtb, (int)size + 4096), 0);
    node = fdt_add_subnode(k->dtb, 0, "memory-regions");
    node = fdt_add_subnode(k->dtb, node, "guard");
    fdt_setprop_u64(k->dtb, node, "load-address-relative-offset", 0x10000);
    fdt_setprop_u32(k->dtb, node, "pages-count", 1);
    fdt_setprop_u32(k->dtb, node, "attributes", 1);
    k->sps[0].manifest_path = NULL;
    k->sps[0].manifest_data = k->dtb;
    k->sps[0].manifest_size = fdt_totalsize(k->dtb);
    k->f = ucf_new_full_sps(k->sps, 1, false);
    *state = k;
    return 0;
}

static void test_region_inside_the_partition_sets_its_permissions(void **state)
{
    struct kinds *k = *state;
    uint32_t guard = SP_PIE_LOAD_ADDR + 0x10000;
    struct ffa_regs r;

    r = ucf_sp_cmd(k->f, SP_ID_PIE, SP_IMG_CMD_PEEK, guard, 0, 0, 0);
    assert_int_equal(r.x[4], 0);
    r = ucf_sp_cmd(k->f, SP_ID_PIE, SP_IMG_CMD_POKE, guard + 0x1000, 5, 0, 0);
    assert_int_equal(r.x[4], 5);
    r = ucf_sp_req(k->f, SP_ID_PIE, SP_IMG_CMD_POKE, guard, 5, 0, 0);
    assert_aborted(k->f, SP_ID_PIE, &r);
}

/* ---- The engines' translated-code cache ---- */

static void test_code_cache_reservation_is_logged(void **state)
{
    struct kinds *k = calloc(1, sizeof(*k));

    *state = k;
    set_sp(k, 0, "pie", ".elf", "pie");
    k->f = ucf_new_full_sps(k->sps, 1, false);
    /* Debian 12's Unicorn is 2.0.1: a fixed 1 GiB the SPMC cannot change; 2.1 on: 16 MiB. */
    assert_true(ucf_log_has(k->f, "each Unicorn engine reserves 1024 MiB of address space for "
                                  "translated code (Unicorn 2.0.1's fixed size") ||
                ucf_log_has(k->f, "each Unicorn engine reserves 16 MiB of address space for "
                                  "translated code (code_cache_size)"));
}

/*
 * Under an address-space limit too small for the code cache, Unicorn's own mmap() would fail
 * and it would exit(1) the process; the SPMC finds out first and refuses the partition. In a
 * child process (the limit is the process's). Not under AddressSanitizer, whose shadow memory
 * needs address space of its own.
 */
static void test_code_cache_that_cannot_be_reserved_is_refused_not_fatal(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)state;
    skip();
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    (void)state;
    skip();
#endif
#endif
    char elf[512], dtb[512];
    int status = 0;
    pid_t pid;

    (void)state;
    ucf_sp_paths("pie", elf, dtb, sizeof(elf));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ffa_unicorn_sp_config sp = {.elf_path = elf, .manifest_path = dtb};
        struct ffa_unicorn_config cfg = {.sps = &sp, .sp_count = 1};
        struct ffa_unicorn *u = NULL;
        struct rlimit lim;
        char err[512] = "";
        long pages = 0;
        FILE *f = fopen("/proc/self/statm", "r");

        /* Room for everything but 1 GiB of code cache (or the configured 256 MiB of it). */
        if (f == NULL || fscanf(f, "%ld", &pages) != 1)
            _exit(2);
        fclose(f);
        cfg.code_cache_size = (size_t)256 << 20;
        lim.rlim_cur = lim.rlim_max = (rlim_t)pages * 4096 + ((rlim_t)128 << 20);
        if (setrlimit(RLIMIT_AS, &lim) != 0)
            _exit(3);
        if (ffa_unicorn_create(&cfg, &u, err, sizeof(err)) == FFA_RET_NO_MEMORY &&
            strstr(err, "cannot reserve") != NULL)
            _exit(42);
        _exit(4);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 42);
}

#define ALL(t) cmocka_unit_test_setup_teardown(t, setup_all, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ALL(test_pie_relocates_itself_at_its_load_address),
        ALL(test_pie_answers_direct_requests),
        ALL(test_pie_at_s_el0_without_load_address_goes_to_the_default),
        ALL(test_flat_image_runs_at_its_load_address),
        ALL(test_flat_image_bss_is_past_its_bytes),
        ALL(test_segments_without_flags_are_read_write_execute),
        ALL(test_code_of_an_image_with_flags_is_not_writable),
        ALL(test_start_up_code_writing_past_its_image_does_not_fault),
        ALL(test_last_page_of_the_slack_is_writable),
        ALL(test_access_beyond_the_slack_faults),
        cmocka_unit_test_setup_teardown(test_mem_size_gives_memory_up_to_load_address_plus_mem_size,
                                        setup_mem_size, teardown),
        cmocka_unit_test_teardown(test_mem_size_smaller_than_the_image_is_refused, teardown),
        cmocka_unit_test_teardown(test_image_kind_can_be_forced, teardown),
        cmocka_unit_test_setup_teardown(test_region_inside_the_partition_sets_its_permissions,
                                        setup_read_only_slack, teardown),
        cmocka_unit_test_teardown(test_code_cache_reservation_is_logged, teardown),
        cmocka_unit_test(test_code_cache_that_cannot_be_reserved_is_refused_not_fatal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
