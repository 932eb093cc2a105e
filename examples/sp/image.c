/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The image-kind examples: one program built as a position-independent ELF that relocates itself
 * (pie, pie-el0, pie-pkg), as a flat binary of that ELF (flat), as a static ELF whose segments
 * carry no permission flags (noflags), as one whose start-up code writes past its image (pastbss)
 * and as one that drives its manifest's device regions (devices). It answers direct requests
 * (sp_protocol.h, SP_IMG_CMD_*; anything else is echoed).
 */
#include "sp_ffa.h"

extern char __image_end[];
/* Relocations applied by start_pie.S (0 for a static image). */
uint64_t sp_relocs_applied;

/* A function whose address is kept in data: in a PIE image that needs an R_AARCH64_RELATIVE. */
__attribute__((noinline)) void image_marker(void);
void image_marker(void)
{
    __asm__ volatile("" ::: "memory");
}

static void (*volatile marker_ptr)(void) = image_marker;

static uint32_t marker_pc_relative(void)
{
    uint64_t a;

    /* adr: the address the code runs at, whatever it was linked at. */
    __asm__ volatile("adr %0, image_marker" : "=r"(a));
    return (uint32_t)a;
}

/* The PL011's data and flag registers (UARTDR 0x000, UARTFR 0x018: bit 5 TXFF). */
static void uart_putc(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)SP_UART_BASE;

    while (uart[0x18 / 4] & (1u << 5))
        ;
    uart[0] = (uint8_t)c;
}

static void uart_puts(const char *s)
{
    while (*s != '\0')
        uart_putc(*s++);
}

static void uart_hex(uint32_t v)
{
    uart_puts("0x");
    for (int sh = 28; sh >= 0; sh -= 4) {
        unsigned d = (v >> sh) & 0xf;

        uart_putc((char)(d < 10 ? '0' + d : 'a' + d - 10));
    }
}

void sp_init(void)
{
#ifdef SP_TOUCH_PAST_BSS
    /* Start-up code that writes a little past the end of its image (its .bss and stack). */
    *(volatile uint32_t *)(uintptr_t)(__image_end + SP_PAST_BSS_OFFSET) = SP_PAST_BSS_MAGIC;
#endif
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t cmd = (uint32_t)req->x[3];
    uint32_t addr = (uint32_t)req->x[4];
    struct ffa_args a;

    switch (cmd) {
    case SP_IMG_CMD_INFO:
        resp_for(resp, req, cmd, (uint32_t)(uintptr_t)marker_ptr, marker_pc_relative(),
                 sp_relocs_applied, (uint32_t)(uintptr_t)__image_end);
        break;
    case SP_IMG_CMD_PEEK:
        resp_for(resp, req, cmd, *(volatile uint32_t *)(uintptr_t)addr, 0, 0, 0);
        break;
    case SP_IMG_CMD_POKE:
        *(volatile uint32_t *)(uintptr_t)addr = (uint32_t)req->x[5];
        resp_for(resp, req, cmd, *(volatile uint32_t *)(uintptr_t)addr, 0, 0, 0);
        break;
    case SP_IMG_CMD_UART:
        ffa_call8(&a, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
        uart_puts("uart: hello from ");
        uart_hex((uint32_t)a.x[2] & 0xffff);
        uart_puts(", ");
        uart_hex((uint32_t)req->x[4]);
        uart_putc('\n');
        resp_for(resp, req, cmd, ((volatile uint32_t *)(uintptr_t)SP_UART_BASE)[0x18 / 4], 0, 0, 0);
        break;
    default:
        resp_for(resp, req, req->x[3], req->x[4], req->x[5], req->x[6], req->x[7]);
        break;
    }
}
