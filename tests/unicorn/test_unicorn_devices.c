/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device regions of the manifest (examples/sp/manifests/devices.dts): the PL011 UART model (what
 * the SP transmits becomes CONSOLE lines in the log, tagged with its ID), RAM-like registers, a
 * read-only region (a store faults), the host's own model through its callback, and each
 * region's interrupts as ffa_unicorn_device_info() and the log report them.
 */
#include <stdlib.h>
#include <string.h>

#include "uc_fixture.h"

#define REGS_PAGES 16u

struct dev {
    struct ffa_unicorn_sp_config sp;
    struct ffa_unicorn_device_config devices[2];
    char elf[512], dtb[512];
    struct ucf *f;
    /* The host model: the accesses it saw. */
    unsigned calls;
    uint64_t last_offset, last_value;
    unsigned last_size;
    int last_write;
};

static struct dev *dev_new(void)
{
    struct dev *d = calloc(1, sizeof(*d));

    ucf_sp_paths("devices", d->elf, d->dtb, sizeof(d->elf));
    d->sp.elf_path = d->elf;
    d->sp.manifest_path = d->dtb;
    return d;
}

static int setup(void **state)
{
    struct dev *d = dev_new();

    d->f = ucf_new_full_sps(&d->sp, 1, false);
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    struct dev *d = *state;

    if (d->f != NULL)
        ucf_free(d->f);
    free(d);
    return 0;
}

static struct ffa_regs poke(struct dev *d, uint32_t addr, uint32_t value)
{
    return ucf_sp_cmd(d->f, SP_ID_DEVICES, SP_IMG_CMD_POKE, addr, value, 0, 0);
}

static uint32_t peek(struct dev *d, uint32_t addr)
{
    return (uint32_t)ucf_sp_cmd(d->f, SP_ID_DEVICES, SP_IMG_CMD_PEEK, addr, 0, 0, 0).x[4];
}

/* ---- PL011 ---- */

static void test_uart_output_is_a_console_line_tagged_with_the_sp(void **state)
{
    struct dev *d = *state;
    struct ffa_regs r = ucf_sp_cmd(d->f, SP_ID_DEVICES, SP_IMG_CMD_UART, 0x2a, 0, 0, 0);

    assert_true(ucf_log_has(d->f, "4 8015: uart: hello from 0x00008015, 0x0000002a\n"));
    /* UARTFR: transmit and receive FIFOs empty, never busy or full. */
    assert_int_equal(r.x[4], 0x90);
}

static void test_uart_line_ends_at_each_newline(void **state)
{
    struct dev *d = *state;

    const char *one, *two;

    ucf_sp_cmd(d->f, SP_ID_DEVICES, SP_IMG_CMD_UART, 1, 0, 0, 0);
    ucf_sp_cmd(d->f, SP_ID_DEVICES, SP_IMG_CMD_UART, 2, 0, 0, 0);
    one = strstr(d->f->log, "4 8015: uart: hello from 0x00008015, 0x00000001\n");
    two = strstr(d->f->log, "4 8015: uart: hello from 0x00008015, 0x00000002\n");
    assert_non_null(one);
    assert_non_null(two);
    assert_true(one < two);
}

static void test_uart_partial_line_is_logged_when_the_spmc_goes(void **state)
{
    struct dev *d = *state;

    poke(d, SP_UART_BASE, 'o');
    poke(d, SP_UART_BASE, 'k');
    assert_false(ucf_log_has(d->f, "4 8015: ok"));
    ffa_unicorn_destroy(d->f->spmc);
    d->f->spmc = NULL;
    assert_true(ucf_log_has(d->f, "4 8015: ok\n"));
}

static void test_uart_identifies_as_a_pl011(void **state)
{
    struct dev *d = *state;

    assert_int_equal(peek(d, SP_UART_BASE + 0xfe0), 0x11);
    assert_int_equal(peek(d, SP_UART_BASE + 0xff0), 0x0d);
    assert_int_equal(peek(d, SP_UART_BASE + 0xffc), 0xb1);
    /* Control registers keep what the driver wrote (UARTIBRD). */
    assert_int_equal(poke(d, SP_UART_BASE + 0x24, 13).x[4], 13);
}

/* ---- RAM-like registers ---- */

static void test_registers_read_back_what_was_written(void **state)
{
    struct dev *d = *state;

    assert_int_equal(peek(d, SP_REGS_BASE + 0x10), 0);
    assert_int_equal(poke(d, SP_REGS_BASE + 0x10, 0x1234abcd).x[4], 0x1234abcd);
    assert_int_equal(poke(d, SP_REGS_BASE + REGS_PAGES * 4096 - 4, 0x55).x[4], 0x55);
    /* A later request sees the same registers; their neighbours are untouched. */
    assert_int_equal(peek(d, SP_REGS_BASE + 0x10), 0x1234abcd);
    assert_int_equal(peek(d, SP_REGS_BASE + 0x14), 0);
}

static void test_read_only_region_reads_and_faults_on_store(void **state)
{
    struct dev *d = *state;
    struct ffa_regs r;

    assert_int_equal(peek(d, SP_ROREG_BASE + 8), 0);
    r = ucf_sp_req(d->f, SP_ID_DEVICES, SP_IMG_CMD_POKE, SP_ROREG_BASE + 8, 1, 0, 0);
    ucf_assert_error(&r, FFA_RET_ABORTED);
    assert_int_equal(ucf_state(d->f, SP_ID_DEVICES), FFA_UNICORN_EC_ABORTED);
    assert_true(ucf_log_has(d->f, "aborted: data abort"));
}

/* ---- Interrupts and introspection ---- */

static void test_device_info_reports_regions_models_and_interrupts(void **state)
{
    struct dev *d = *state;
    struct ffa_unicorn_device_info i;

    assert_int_equal(ffa_unicorn_device_info(d->f->spmc, SP_ID_DEVICES, 0, &i), 0);
    assert_string_equal(i.name, "uart0");
    assert_int_equal(i.base, SP_UART_BASE);
    assert_int_equal(i.pages, 1);
    assert_int_equal(i.attributes, 3);
    assert_int_equal(i.model, FFA_UNICORN_DEVICE_PL011);
    assert_int_equal(i.irq_count, 1);
    assert_int_equal(i.irqs[0].id, 37);
    assert_int_equal(i.irqs[0].attributes, 0x900);
    assert_false(i.irqs[0].mpidr_valid);

    assert_int_equal(ffa_unicorn_device_info(d->f->spmc, SP_ID_DEVICES, 1, &i), 0);
    assert_string_equal(i.name, "wdog");
    assert_int_equal(i.model, FFA_UNICORN_DEVICE_RAM);
    assert_int_equal(i.irq_count, 2);
    assert_int_equal(i.irqs[1].id, 57);
    assert_int_equal(i.irqs[1].attributes, 0x980);
    assert_true(i.irqs[1].mpidr_valid);
    assert_int_equal(i.irqs[1].mpidr, 0x100);

    assert_int_equal(ffa_unicorn_device_info(d->f->spmc, SP_ID_DEVICES, 2, &i), 0);
    assert_string_equal(i.name, "sysreg");
    assert_int_equal(i.attributes, 1);
    assert_int_equal(i.irq_count, 0);

    assert_int_equal(ffa_unicorn_device_info(d->f->spmc, SP_ID_DEVICES, 3, &i), -1);
    assert_int_equal(ffa_unicorn_device_info(d->f->spmc, 0x8fff, 0, &i), -1);
}

static void test_device_regions_are_logged_with_their_interrupts(void **state)
{
    struct dev *d = *state;

    assert_true(ucf_log_has(d->f, "device region 'uart0' at 0x1c090000, 1 pages, RW: PL011 UART; "
                                  "interrupts: 37 (0x900)"));
    assert_true(ucf_log_has(d->f, "device region 'wdog' at 0x2a490000, 16 pages, RW: RAM-like "
                                  "registers; interrupts: 56 (0x900), 57 (0x980)"));
    assert_true(ucf_log_has(d->f, "device region 'sysreg' at 0x1c010000, 1 pages, R: RAM-like "
                                  "registers; interrupts: none"));
}

/* ---- The host's own model ---- */

static void host_model(void *ctx, uint16_t sp_id, uint64_t offset, unsigned size, int is_write,
                       uint64_t *value)
{
    struct dev *d = ctx;

    assert_int_equal(sp_id, SP_ID_DEVICES);
    d->calls++;
    d->last_offset = offset;
    d->last_size = size;
    d->last_write = is_write;
    if (is_write)
        d->last_value = *value;
    else
        *value = 0xC0FFEE00u | offset;
}

static int setup_host_model(void **state)
{
    struct dev *d = dev_new();

    d->devices[0] = (struct ffa_unicorn_device_config){
        .region = "wdog", .model = FFA_UNICORN_DEVICE_HOST, .access = host_model, .ctx = d};
    /* uart0 by name would be a PL011; the host makes it plain registers. */
    d->devices[1] =
        (struct ffa_unicorn_device_config){.region = "uart0", .model = FFA_UNICORN_DEVICE_RAM};
    d->sp.devices = d->devices;
    d->sp.device_count = 2;
    d->f = ucf_new_full_sps(&d->sp, 1, false);
    *state = d;
    return 0;
}

static void test_host_model_sees_every_access(void **state)
{
    struct dev *d = *state;
    struct ffa_regs r =
        ucf_sp_cmd(d->f, SP_ID_DEVICES, SP_IMG_CMD_POKE, SP_REGS_BASE + 0x24, 0x77, 0, 0);

    /* The store, then the load back (answered by the model). */
    assert_int_equal(d->calls, 2);
    assert_int_equal(r.x[4], 0xC0FFEE24u);
    assert_int_equal(d->last_offset, 0x24);
    assert_int_equal(d->last_size, 4);
    assert_int_equal(d->last_write, 0);
    assert_int_equal(d->last_value, 0x77);
    assert_true(ucf_log_has(d->f, "device region 'wdog' at 0x2a490000, 16 pages, RW: host "
                                  "callback"));
}

static void test_host_can_choose_a_model_for_a_region(void **state)
{
    struct dev *d = *state;
    struct ffa_unicorn_device_info i;

    assert_int_equal(ffa_unicorn_device_info(d->f->spmc, SP_ID_DEVICES, 0, &i), 0);
    assert_int_equal(i.model, FFA_UNICORN_DEVICE_RAM);
    /* As plain registers, UARTDR keeps the byte instead of printing it. */
    assert_int_equal(poke(d, SP_UART_BASE, 'z').x[4], 'z');
    assert_false(ucf_log_has(d->f, "4 8015: z"));
}

static void expect_refused(struct dev *d, const char *n1)
{
    struct ffa_unicorn_config cfg = {.sps = &d->sp, .sp_count = 1};
    struct ffa_unicorn *u = NULL;
    char err[512] = "";
    int ret = ffa_unicorn_create(&cfg, &u, err, sizeof(err));

    ffa_unicorn_destroy(u);
    assert_int_equal(ret, FFA_RET_INVALID_PARAMETERS);
    if (strstr(err, n1) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, n1);
}

static void test_device_config_must_name_a_region_and_a_model(void **state)
{
    struct dev *d = dev_new();

    *state = d;
    d->devices[0] =
        (struct ffa_unicorn_device_config){.region = "nope", .model = FFA_UNICORN_DEVICE_RAM};
    d->sp.devices = d->devices;
    d->sp.device_count = 1;
    expect_refused(d, "config: device 'nope' is not a device region of the manifest");
    d->devices[0] =
        (struct ffa_unicorn_device_config){.region = "wdog", .model = FFA_UNICORN_DEVICE_HOST};
    expect_refused(d, "config: device 'wdog': model 3 needs an access callback");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_uart_output_is_a_console_line_tagged_with_the_sp,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_uart_line_ends_at_each_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uart_partial_line_is_logged_when_the_spmc_goes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_uart_identifies_as_a_pl011, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registers_read_back_what_was_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_region_reads_and_faults_on_store, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_device_info_reports_regions_models_and_interrupts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_regions_are_logged_with_their_interrupts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_host_model_sees_every_access, setup_host_model,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_host_can_choose_a_model_for_a_region, setup_host_model,
                                        teardown),
        cmocka_unit_test_teardown(test_device_config_must_name_a_region_and_a_model, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
