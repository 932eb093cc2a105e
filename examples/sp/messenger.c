/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messenger SP (S-EL1, SMC conduit): indirect messaging with FFA_MSG_SEND2 (sp_protocol.h).
 *
 * At init it maps its RX/TX pair with FFA_RXTX_MAP_64 (two page-aligned pages of its .bss), or,
 * built with SP_RXTX_FROM_MANIFEST (messenger2), uses the pair its manifest declares. When the
 * normal world gives it cycles with FFA_RUN it reads the message in its RX buffer, releases the
 * buffer (FFA_RX_RELEASE says whether there was a new message), answers or relays with
 * FFA_MSG_SEND2 and goes back to FFA_MSG_WAIT. Direct requests drive the buffer ABIs for tests.
 *
 * The RX buffer is read-only to the SP while mapped; all access goes through volatile pointers so
 * the compiler neither merges nor widens it (Device memory with the MMU off).
 */
#include <stdbool.h>

#include "sp_ffa.h"

#define PAGE 4096u

#ifdef SP_RXTX_FROM_MANIFEST
#define RX_ADDR ((uintptr_t)SP_MSG2_RX_ADDR)
#define TX_ADDR ((uintptr_t)SP_MSG2_TX_ADDR)
#else
static uint8_t rx_page[PAGE] __attribute__((aligned(PAGE)));
static uint8_t tx_page[PAGE] __attribute__((aligned(PAGE)));
#define RX_ADDR ((uintptr_t)rx_page)
#define TX_ADDR ((uintptr_t)tx_page)
#endif

/* A writable page for tests that need an address the SP owns but does not use. */
static uint8_t spare_page[PAGE] __attribute__((aligned(PAGE)));

static uint16_t my_id;

struct message {
    uint16_t sender;
    uint32_t cmd, arg;
    uint32_t text_len;
    char text[SP_MSG_TEXT_MAX];
};

static uint32_t rd32(uintptr_t addr)
{
    return *(const volatile uint32_t *)addr;
}

static void wr32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

void sp_init(void)
{
    struct ffa_args a;

    ffa_call8(&a, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
    my_id = (uint16_t)a.x[2];
#ifndef SP_RXTX_FROM_MANIFEST
    ffa_call8(&a, FFA_RXTX_MAP_64, TX_ADDR, RX_ADDR, 1, 0, 0, 0, 0);
    if ((uint32_t)a.x[0] != FFA_SUCCESS_32)
        sp_put_hex("messenger: FFA_RXTX_MAP_64 failed: ", a.x[2]);
#endif
}

/* Copy the message out of RX once; false if the header is not a message for this SP. */
static bool read_message(struct message *m)
{
    uint32_t off = rd32(RX_ADDR + 8), ids = rd32(RX_ADDR + 12), size = rd32(RX_ADDR + 16);

    if ((ids & 0xffffu) != my_id || off < 20 || off > PAGE || size < 8 || size > PAGE - off ||
        size - 8 > SP_MSG_TEXT_MAX || off % 4 != 0)
        return false;
    m->sender = (uint16_t)(ids >> 16);
    m->cmd = rd32(RX_ADDR + off);
    m->arg = rd32(RX_ADDR + off + 4);
    m->text_len = size - 8;
    for (uint32_t i = 0; i < m->text_len; i++)
        m->text[i] = (char)*(const volatile uint8_t *)(RX_ADDR + off + 8 + i);
    return true;
}

/* Write a v1.2 header and the payload into TX, then FFA_MSG_SEND2; the result is in *r. */
static void send_message(struct ffa_args *r, uint16_t to, uint32_t cmd, uint32_t arg,
                         const char *prefix, const char *text, uint32_t text_len)
{
    uint32_t n = 0;

    while (prefix[n] != '\0') {
        *(volatile uint8_t *)(TX_ADDR + SP_MSG_HDR_SIZE + 8 + n) = (uint8_t)prefix[n];
        n++;
    }
    for (uint32_t i = 0; i < text_len && n < SP_MSG_TEXT_MAX; i++, n++)
        *(volatile uint8_t *)(TX_ADDR + SP_MSG_HDR_SIZE + 8 + n) = (uint8_t)text[i];
    wr32(TX_ADDR + SP_MSG_HDR_SIZE, cmd);
    wr32(TX_ADDR + SP_MSG_HDR_SIZE + 4, arg);
    for (uint32_t o = 0; o < SP_MSG_HDR_SIZE; o += 4)
        wr32(TX_ADDR + o, 0);
    wr32(TX_ADDR + 8, SP_MSG_HDR_SIZE);
    wr32(TX_ADDR + 12, (uint32_t)my_id << 16 | to);
    wr32(TX_ADDR + 16, 8 + n);
    ffa_call8(r, FFA_MSG_SEND2, 0, 0, 0, 0, 0, 0, 0);
}

static void report_failure(const char *what, const struct ffa_args *r)
{
    if ((uint32_t)r->x[0] != FFA_SUCCESS_32) {
        sp_puts(what);
        sp_put_hex(" failed: ", (uint32_t)r->x[2]);
    }
}

/* Act on a new message (its RX buffer already released). */
static void handle_message(const struct message *m)
{
    struct ffa_args r;

    switch (m->cmd) {
    case SP_MSG_PING:
        send_message(&r, m->sender, SP_MSG_PONG, m->arg, "pong: ", m->text, m->text_len);
        report_failure("messenger: answer", &r);
        break;
    case SP_MSG_PING_FOR:
        send_message(&r, (uint16_t)m->arg, SP_MSG_PONG, m->sender, "pong: ", m->text, m->text_len);
        report_failure("messenger: relayed answer", &r);
        break;
    case SP_MSG_RELAY:
        send_message(&r, (uint16_t)m->arg, SP_MSG_PING_FOR, m->sender, "", m->text, m->text_len);
        report_failure("messenger: relay", &r);
        break;
    default:
        break;
    }
}

/* FFA_RUN: the normal world gives cycles (there may be a message); ends in FFA_MSG_WAIT. */
void sp_handle_other(struct ffa_args *msg)
{
    struct message m;
    struct ffa_args r;
    uint32_t wait_flags = 0;

    if ((uint32_t)msg->x[0] == FFA_RUN && read_message(&m)) {
        if (m.cmd == SP_MSG_RETAIN) {
            wait_flags = 1;
        } else if (m.cmd != SP_MSG_KEEP) {
            ffa_call8(&r, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
            if ((uint32_t)r.x[0] == FFA_SUCCESS_32)
                handle_message(&m);
        }
    }
    ffa_call8(msg, FFA_MSG_WAIT, 0, wait_flags, 0, 0, 0, 0, 0);
}

static void cmd_send(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t w4 = (uint32_t)req->x[4], w6 = (uint32_t)req->x[6];
    uint16_t to = (uint16_t)w4, as = (uint16_t)(w4 >> 16);
    uint32_t off = (w6 & 0xffffu) != 0 ? (w6 & 0xffffu) : SP_MSG_HDR_SIZE;
    uint32_t size = (w6 >> 16) != 0 ? (w6 >> 16) : 8;
    struct ffa_args r;

    for (uint32_t o = 0; o < SP_MSG_HDR_SIZE; o += 4)
        wr32(TX_ADDR + o, 0);
    wr32(TX_ADDR + 8, off);
    wr32(TX_ADDR + 12, (uint32_t)(as != 0 ? as : my_id) << 16 | to);
    wr32(TX_ADDR + 16, size);
    if (off <= PAGE - 8 && off % 4 == 0) {
        wr32(TX_ADDR + off, SP_MSG_NOTE);
        wr32(TX_ADDR + off + 4, (uint32_t)req->x[5]);
    }
    ffa_call8(&r, FFA_MSG_SEND2, 0, (uint32_t)req->x[7], 0, 0, 0, 0, 0);
    resp_for(resp, req, (uint32_t)r.x[0], (uint32_t)r.x[2], 0, 0, 0);
}

static void cmd_partinfo(const struct ffa_args *req, struct ffa_args *resp, uint32_t flags)
{
    struct ffa_args r;

    ffa_call8(&r, FFA_PARTINFO_GET, (uint32_t)req->x[4], (uint32_t)req->x[5], (uint32_t)req->x[6],
              (uint32_t)req->x[7], flags, 0, 0);
    resp_for(resp, req, (uint32_t)r.x[0], (uint32_t)r.x[2], (uint32_t)r.x[3], 0, 0);
}

void sp_handle_request(const struct ffa_args *req, struct ffa_args *resp)
{
    uint32_t w4 = (uint32_t)req->x[4];

    switch ((uint32_t)req->x[3]) {
    case SP_CMD_CALL:
        sp_cmd_call(req, resp);
        return;
    case SP_CMD_CALL64:
        sp_cmd_call64(req, resp);
        return;
    case SP_CMD_RESULT:
        sp_cmd_result(req, resp);
        return;
    case SP_MCMD_SEND:
        cmd_send(req, resp);
        return;
    case SP_MCMD_PEEK:
        w4 = w4 <= PAGE - 20 ? w4 & ~3u : 0;
        resp_for(resp, req, rd32(RX_ADDR + w4), rd32(RX_ADDR + w4 + 4), rd32(RX_ADDR + w4 + 8),
                 rd32(RX_ADDR + w4 + 12), rd32(RX_ADDR + w4 + 16));
        return;
    case SP_MCMD_PARTINFO:
        cmd_partinfo(req, resp, 0);
        return;
    case SP_MCMD_PARTINFO_COUNT:
        cmd_partinfo(req, resp, 1);
        return;
    case SP_MCMD_PARTINFO_FLAGS:
        cmd_partinfo(req, resp, 2);
        return;
    case SP_MCMD_ADDRS:
        resp_for(resp, req, RX_ADDR, TX_ADDR, (uintptr_t)spare_page, (uintptr_t)sp_handle_request,
                 1);
        return;
    case SP_MCMD_WRITE_RX:
        wr32(RX_ADDR, 0xbad);
        resp_for(resp, req, 0xbad, 0, 0, 0, 0);
        return;
    default:
        resp_for(resp, req, 0xBADC0DE, 0, 0, 0, 0);
        return;
    }
}
