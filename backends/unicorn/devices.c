/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device regions of the partition manifest (TF-A docs/components/ffa-manifest-binding.rst,
 * "Device Regions"; Hafnium maps them at stage 2 as device memory, src/load.c
 * ffa_map_memory_regions()). Here each region is MMIO in the SP's engines: every access calls a
 * model, chosen per region by the host (struct ffa_unicorn_device_config):
 *  - RAM-like registers: a read returns what was last written at that offset (zero at first);
 *  - a PL011 UART (Arm PrimeCell UART PL011 Technical Reference Manual, register summary): bytes
 *    written to UARTDR become CONSOLE log lines tagged with the SP's ID, one per newline; the
 *    flag register says "transmit FIFO empty, receive FIFO empty" so a polling driver never
 *    waits; the identification registers read as a PL011's; the other registers are storage;
 *  - the host's callback.
 * A read-only region (attributes R) has no write handler: a store there is a permission fault,
 * which aborts the SP as any data abort does. The interrupts the manifest gives each region are
 * kept (struct sp_dev_region) for interrupt work to come; nothing raises them yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "spmc_internal.h"

/* PL011 register offsets and the flag register's bits. */
#define PL011_DR       0x000u
#define PL011_FR       0x018u
#define PL011_FR_RXFE  (1u << 4)
#define PL011_FR_TXFE  (1u << 7)
#define PL011_PERIPH0  0xfe0u
#define PL011_ID_COUNT 8u
/* UARTPeriphID0..3 and UARTPCellID0..3 at 0xfe0..0xffc (r1p4, as QEMU's pl011 model reads). */
static const uint8_t pl011_id[PL011_ID_COUNT] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

const char *ffau_dev_model_name(enum ffa_unicorn_device_model model)
{
    switch (model) {
    case FFA_UNICORN_DEVICE_RAM:
        return "RAM-like registers";
    case FFA_UNICORN_DEVICE_PL011:
        return "PL011 UART";
    case FFA_UNICORN_DEVICE_HOST:
        return "host callback";
    default:
        return "auto";
    }
}

static bool name_starts(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* FFA_UNICORN_DEVICE_AUTO: a UART by its name or description, else registers. */
static enum ffa_unicorn_device_model auto_model(const struct sp_dev_region *r)
{
    if (name_starts(r->name, "uart") || name_starts(r->name, "pl011") ||
        name_starts(r->description, "uart") || name_starts(r->description, "pl011"))
        return FFA_UNICORN_DEVICE_PL011;
    return FFA_UNICORN_DEVICE_RAM;
}

/* Little-endian storage of the RAM-like model (offset and size checked by the caller). */
static uint64_t store_read(const struct sp_device *d, uint64_t off, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)d->regs[off + i] << (8 * i);
    return v;
}

static void store_write(struct sp_device *d, uint64_t off, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        d->regs[off + i] = (uint8_t)(v >> (8 * i));
}

/* One transmitted byte: a line ends at '\n' (or when the buffer is full); '\r' is dropped. */
static void uart_put(struct sp_device *d, uint8_t ch)
{
    struct sp *sp = d->sp;

    if (ch == '\r')
        return;
    if (ch == '\n' || d->line_len == sizeof(d->line) - 1) {
        d->line[d->line_len] = '\0';
        ffau_log_msg(sp->spmc, FFA_UNICORN_LOG_CONSOLE, sp->mf.id, "%s", d->line);
        d->line_len = 0;
        if (ch == '\n')
            return;
    }
    /* Keep the host log printable, as FFA_CONSOLE_LOG does. */
    d->line[d->line_len++] = (ch >= 0x20 && ch < 0x7f) || ch == '\t' ? (char)ch : '?';
}

static uint64_t pl011_read(struct sp_device *d, uint64_t off, unsigned size)
{
    if (off == PL011_DR)
        return 0; /* nothing is ever received */
    if (off == PL011_FR)
        return PL011_FR_TXFE | PL011_FR_RXFE;
    if (off >= PL011_PERIPH0 && off < PL011_PERIPH0 + 4 * PL011_ID_COUNT && off % 4 == 0)
        return pl011_id[(off - PL011_PERIPH0) / 4];
    return store_read(d, off, size);
}

static void pl011_write(struct sp_device *d, uint64_t off, unsigned size, uint64_t v)
{
    /* Transmitted whether or not the SP enabled the UART (UARTCR), as emulators commonly do. */
    if (off == PL011_DR)
        uart_put(d, (uint8_t)v);
    else
        store_write(d, off, size, v);
}

static uint64_t dev_access(struct sp_device *d, uint64_t off, unsigned size, bool write, uint64_t v)
{
    uint64_t ret = 0;

    /* Unicorn splits accesses at the region's end; still, never index past it. */
    if (size == 0 || size > 8 || off > (uint64_t)d->r->pages * SPMC_PAGE - size)
        return 0;
    pthread_mutex_lock(&d->lock);
    switch (d->model) {
    case FFA_UNICORN_DEVICE_PL011:
        if (write)
            pl011_write(d, off, size, v);
        else
            ret = pl011_read(d, off, size);
        break;
    case FFA_UNICORN_DEVICE_HOST:
        ret = v;
        d->access(d->ctx, d->sp->mf.id, off, size, write, &ret);
        if (!write && size < 8)
            ret &= (UINT64_C(1) << (8 * size)) - 1;
        break;
    default:
        if (write)
            store_write(d, off, size, v);
        else
            ret = store_read(d, off, size);
        break;
    }
    pthread_mutex_unlock(&d->lock);
    return ret;
}

static uint64_t mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    (void)uc;
    return dev_access(user, offset, size, false, 0);
}

static void mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    (void)dev_access(user, offset, size, true, value);
}

/* The host's choice for region `r`, or NULL. */
static const struct ffa_unicorn_device_config *host_choice(const struct ffa_unicorn_sp_config *c,
                                                           const struct sp_dev_region *r)
{
    for (size_t i = 0; i < c->device_count; i++) {
        if (c->devices[i].region != NULL && strcmp(c->devices[i].region, r->name) == 0)
            return &c->devices[i];
    }
    return NULL;
}

/* Every device the host configured names a device region of the manifest, with a known model. */
static int check_config(const struct sp *sp, char *err, size_t len)
{
    const struct ffa_unicorn_sp_config *c = &sp->spmc->cfg.sps[sp->cfg_index];

    if (c->device_count > 0 && c->devices == NULL) {
        snprintf(err, len, "config: device_count %zu with no devices", c->device_count);
        return FFA_RET_INVALID_PARAMETERS;
    }
    for (size_t i = 0; i < c->device_count; i++) {
        const struct ffa_unicorn_device_config *dc = &c->devices[i];
        bool found = false;

        for (uint32_t j = 0; j < sp->mf.dev_count && dc->region != NULL; j++)
            found = found || strcmp(sp->mf.devs[j].name, dc->region) == 0;
        if (!found) {
            snprintf(err, len, "config: device '%s' is not a device region of the manifest",
                     dc->region != NULL ? dc->region : "(null)");
            return FFA_RET_INVALID_PARAMETERS;
        }
        if ((unsigned)dc->model > FFA_UNICORN_DEVICE_HOST ||
            (dc->model == FFA_UNICORN_DEVICE_HOST && dc->access == NULL)) {
            snprintf(err, len, "config: device '%s': model %d %s", dc->region, (int)dc->model,
                     dc->model == FFA_UNICORN_DEVICE_HOST ? "needs an access callback"
                                                          : "is not a device model");
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    return 0;
}

int ffau_dev_create(struct sp *sp, char *err, size_t err_len)
{
    const struct ffa_unicorn_sp_config *c = &sp->spmc->cfg.sps[sp->cfg_index];
    int ret = check_config(sp, err, err_len);

    if (ret != 0)
        return ret;
    for (uint32_t i = 0; i < sp->mf.dev_count; i++) {
        struct sp_device *d = &sp->devs[i];
        const struct sp_dev_region *r = &sp->mf.devs[i];
        const struct ffa_unicorn_device_config *dc = host_choice(c, r);
        size_t size = (size_t)r->pages * SPMC_PAGE;
        void *regs;

        d->sp = sp;
        d->r = r;
        d->model = dc != NULL ? dc->model : FFA_UNICORN_DEVICE_AUTO;
        if (d->model == FFA_UNICORN_DEVICE_AUTO)
            d->model = auto_model(r);
        if (dc != NULL) {
            d->access = dc->access;
            d->ctx = dc->ctx;
        }
        /* Storage is reserved, not resident: a register page costs a page once written. */
        regs = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
        if (regs == MAP_FAILED) {
            snprintf(err, err_len, "out of memory for device region '%s'", r->name);
            return FFA_RET_NO_MEMORY;
        }
        d->regs = regs;
        pthread_mutex_init(&d->lock, NULL);
    }
    return 0;
}

int ffau_dev_map(struct sp *sp, uc_engine *uc, char *err, size_t err_len)
{
    for (uint32_t i = 0; i < sp->mf.dev_count; i++) {
        struct sp_device *d = &sp->devs[i];
        const struct sp_dev_region *r = d->r;
        uc_err e;

        /* No write handler for a read-only region: a store is a permission fault. */
        e = uc_mmio_map(uc, r->base, (size_t)r->pages * SPMC_PAGE, mmio_read, d,
                        (r->attributes & MR_ATTR_W) ? mmio_write : NULL, d);
        if (e != UC_ERR_OK) {
            snprintf(err, err_len, "manifest: device region '%s' at 0x%llx cannot be mapped: %s",
                     r->name, (unsigned long long)r->base, uc_strerror(e));
            return FFA_RET_INVALID_PARAMETERS;
        }
    }
    return 0;
}

void ffau_dev_destroy(struct sp *sp)
{
    for (uint32_t i = 0; i < SPMC_MAX_DEVR; i++) {
        struct sp_device *d = &sp->devs[i];

        if (d->regs == NULL)
            continue;
        if (d->model == FFA_UNICORN_DEVICE_PL011 && d->line_len > 0)
            uart_put(d, '\n');
        munmap(d->regs, (size_t)d->r->pages * SPMC_PAGE);
        d->regs = NULL;
        pthread_mutex_destroy(&d->lock);
    }
}
