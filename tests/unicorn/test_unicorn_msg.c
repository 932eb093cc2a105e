/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Indirect messaging with the emulated SPMC: VM -> SP -> VM exchanges
 * through the mediator with the messenger SPs, SP -> SP relays, FFA_MSG_WAIT releasing or
 * retaining an SP's RX buffer, mailboxes that are busy, copies that fault, a VM that went away,
 * and every error code of FFA_MSG_SEND2 on both sides (Hafnium src/api.c api_ffa_msg_send2()).
 */
#include <string.h>

#include "uc_fixture.h"

#define SPS  (UCF_ECHO | UCF_MESSENGER | UCF_MESSENGER2 | UCF_MSG_V10)
#define VM2  2u
#define VM3  3u
#define HDR2 40u /* v1.2 header */

/* A mediator on the full host; VM 2 at v1.2 with one-page buffers (forwarded to the SPMC). */
static int setup(void **state)
{
    struct ucf *f = ucf_new_full(SPS, true);

    ucf_vm_ready(f, VM2, FFA_VERSION_1_2, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    ucf_free(*state);
    return 0;
}

static struct ffa_vm *vm2(void **state)
{
    return ffa_vm_find(((struct ucf *)*state)->m, VM2);
}

static void assert_success(const struct ffa_regs *r)
{
    if (r->x[0] != FFA_SUCCESS_32)
        fail_msg("expected FFA_SUCCESS_32, got 0x%llx w2 0x%llx", (unsigned long long)r->x[0],
                 (unsigned long long)r->x[2]);
}

/* SP_MCMD_SEND answers w3 = x0, w4 = w2 of the SP's FFA_MSG_SEND2. */
static void assert_send_result(const struct ffa_regs *r, int32_t code)
{
    if (code == 0 ? r->x[3] != FFA_SUCCESS_32 : r->x[3] != FFA_ERROR || r->x[4] != (uint32_t)code)
        fail_msg("expected %d, got 0x%llx w2 0x%llx", code, (unsigned long long)r->x[3],
                 (unsigned long long)r->x[4]);
}

/* Give `sp` cycles, as a VM does after the schedule receiver interrupt; it ends in MSG_WAIT. */
static void run_sp(void **state, uint16_t sp)
{
    struct ffa_regs r = ucf_vm(*state, vm2(state), FFA_RUN, FFA_TARGET_INFO(sp, 0), 0, 0, 0, 0);

    if (r.x[0] != FFA_MSG_WAIT)
        fail_msg("FFA_RUN of 0x%x answered 0x%llx (w2 0x%llx)", sp, (unsigned long long)r.x[0],
                 (unsigned long long)r.x[2]);
}

/* VM 2 sends {cmd, arg, text} to `sp` with a header of `offset` bytes. */
static struct ffa_regs vm_sends(void **state, uint16_t sp, uint32_t offset, uint32_t cmd,
                                uint32_t arg, const char *text)
{
    ucf_vm_write_msg(*state, VM2, sp, offset, cmd, arg, text);
    return ucf_vm_send2(*state, vm2(state));
}

/* Check the message in VM 2's RX buffer: a v1.2 header from `from`, {cmd, arg, text}. */
static void assert_vm_got(void **state, uint16_t from, uint32_t cmd, uint32_t arg, const char *text)
{
    const uint8_t *rx = ucf_vm_rx(*state, VM2);
    uint32_t len = (uint32_t)strlen(text);

    assert_int_equal(ucf_le32(rx), 0);
    assert_int_equal(ucf_le32(rx + 8), HDR2);
    assert_int_equal(ucf_le32(rx + 12), (uint32_t)from << 16 | VM2);
    assert_int_equal(ucf_le32(rx + 16), 8 + len);
    for (int i = 24; i < 40; i++)
        assert_int_equal(rx[i], 0); /* an SP answering a VM names no service UUID */
    assert_int_equal(ucf_le32(rx + HDR2), cmd);
    assert_int_equal(ucf_le32(rx + HDR2 + 4), arg);
    assert_memory_equal(rx + HDR2 + 8, text, len);
}

/* ---- VM -> SP -> VM ---- */

static int setup_no_vm(void **state)
{
    *state = ucf_new_full(SPS, true);
    return 0;
}

static int teardown_world(void **state)
{
    ucf_free(*state);
    return 0;
}

static void test_vm_sp_vm_exchange(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 7, "hello");

    assert_success(&r);
    assert_int_equal(f->rx_full_calls, 0);
    run_sp(state, SP_ID_MESSENGER);
    assert_int_equal(f->rx_full_calls, 1);
    assert_int_equal(f->rx_full_vm, VM2);
    assert_vm_got(state, SP_ID_MESSENGER, SP_MSG_PONG, 7, "pong: hello");
    /* The VM's release goes through the mediator to the SPMC, which held the message. */
    r = ucf_vm(f, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    assert_success(&r);
    r = ucf_vm(f, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_second_exchange_after_release(void **state)
{
    struct ffa_regs r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "one");

    assert_success(&r);
    run_sp(state, SP_ID_MESSENGER);
    r = ucf_vm(*state, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    assert_success(&r);
    r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 2, "two");
    assert_success(&r);
    run_sp(state, SP_ID_MESSENGER);
    assert_vm_got(state, SP_ID_MESSENGER, SP_MSG_PONG, 2, "pong: two");
}

static void test_run_without_message_sends_nothing(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "once");

    assert_success(&r);
    run_sp(state, SP_ID_MESSENGER);
    r = ucf_vm(f, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    assert_success(&r);
    /* The SP's RX still holds the old message, but FFA_RX_RELEASE tells it it is not new. */
    run_sp(state, SP_ID_MESSENGER);
    assert_int_equal(f->rx_full_calls, 1);
    r = ucf_vm(f, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_DENIED);
}

static void test_sp_relays_to_sp_which_answers_the_vm(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r =
        vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_RELAY, SP_ID_MESSENGER2, "via two SPs");

    assert_success(&r);
    run_sp(state, SP_ID_MESSENGER); /* SP -> SP */
    assert_int_equal(f->rx_full_calls, 0);
    run_sp(state, SP_ID_MESSENGER2); /* SP -> VM */
    assert_int_equal(f->rx_full_calls, 1);
    assert_vm_got(state, SP_ID_MESSENGER2, SP_MSG_PONG, SP_ID_MESSENGER, "pong: via two SPs");
}

static void test_v1_1_vm_message_reaches_sp_in_its_layout(void **state)
{
    struct ucf *f = *state;
    struct ffa_vm *vm = ucf_vm_ready(f, VM3, FFA_VERSION_1_1, 1);
    struct ffa_regs r;

    ucf_vm_write_msg(f, VM3, SP_ID_MESSENGER, 20, SP_MSG_NOTE, 0x11, "v1.1");
    r = ucf_vm_send2(f, vm);
    assert_success(&r);
    /* The SP (v1.2) gets a 40-byte header, nil UUID, the payload behind it. */
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_PEEK, 8, 0, 0, 0);
    assert_int_equal(r.x[3], HDR2);
    assert_int_equal(r.x[4], (uint32_t)VM3 << 16 | SP_ID_MESSENGER);
    assert_int_equal(r.x[5], 12);
    assert_int_equal(r.x[7], 0);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_PEEK, 24, 0, 0, 0);
    assert_int_equal(r.x[3] | r.x[4] | r.x[5] | r.x[6], 0);
    assert_int_equal(r.x[7], SP_MSG_NOTE);
}

static void test_v1_2_vm_message_carries_its_uuid(void **state)
{
    struct ffa_regs r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_NOTE, 0x22, "uuid");

    assert_success(&r);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_PEEK, 24, 0, 0, 0);
    assert_int_equal(r.x[3], 0xa3a2a1a0u);
    assert_int_equal(r.x[6], 0xafaeadacu);
    assert_int_equal(r.x[7], SP_MSG_NOTE);
}

static void test_scattered_vm_buffers_are_copied_range_by_range(void **state)
{
    struct ucf *f = *state;
    struct ffa_vm *vm;
    uint8_t *tx;
    struct ffa_regs r;

    f->host.scatter_pa = 1; /* every page of VM 3's buffers is its own physical range */
    vm = ucf_vm_ready(f, VM3, FFA_VERSION_1_2, 2);
    tx = ucf_vm_tx(f, VM3);
    /* A 400-byte payload straddling TX's two pages. */
    memset(tx, 0, 40);
    tx[8] = 0xa0; /* offset 4000 */
    tx[9] = 0x0f;
    tx[12] = (uint8_t)SP_ID_MESSENGER;
    tx[13] = (uint8_t)(SP_ID_MESSENGER >> 8);
    tx[14] = VM3;
    tx[16] = 0x90; /* 400 bytes */
    tx[17] = 0x01;
    for (int i = 0; i < 400; i++)
        tx[4000 + i] = (uint8_t)i;
    r = ucf_vm_send2(f, vm);
    assert_success(&r);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_PEEK, HDR2 + 92, 0, 0, 0);
    assert_int_equal(r.x[3], 0x5f5e5d5cu); /* bytes 92..95 */
    assert_int_equal(r.x[5], 0x67666564u); /* bytes 100..103: from TX's second page */
}

/* ---- Mailboxes ---- */

static void test_send_to_sp_with_full_mailbox_is_busy(void **state)
{
    struct ffa_regs r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "a");

    assert_success(&r);
    r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 2, "b");
    th_assert_error(&r, FFA_RET_BUSY);
}

static void test_msg_wait_retaining_keeps_the_sp_mailbox_full(void **state)
{
    struct ffa_regs r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_RETAIN, 0, "keep it");

    assert_success(&r);
    run_sp(state, SP_ID_MESSENGER); /* FFA_MSG_WAIT with w2 bit 0 */
    r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "b");
    th_assert_error(&r, FFA_RET_BUSY);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_CMD_CALL, FFA_RX_RELEASE, 0, 0, 0);
    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "c");
    assert_success(&r);
}

static void test_msg_wait_releases_the_sp_mailbox(void **state)
{
    struct ffa_regs r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_KEEP, 0, "read me");

    assert_success(&r);
    run_sp(state, SP_ID_MESSENGER); /* plain FFA_MSG_WAIT, no FFA_RX_RELEASE */
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_CMD_CALL, FFA_RX_RELEASE, 0, 0, 0);
    assert_int_equal(r.x[3], FFA_ERROR); /* already EMPTY */
    assert_int_equal(r.x[5], (uint32_t)FFA_RET_DENIED);
    r = vm_sends(state, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "b");
    assert_success(&r);
}

static void test_sp_to_vm_with_full_rx_is_busy_until_released(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);

    assert_send_result(&r, 0);
    assert_int_equal(f->rx_full_calls, 1);
    assert_int_equal(ucf_le32(ucf_vm_rx(f, VM2) + HDR2), SP_MSG_NOTE);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER2, SP_MCMD_SEND, VM2, 2, 0, 0);
    assert_send_result(&r, FFA_RET_BUSY);
    r = ucf_vm(f, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    assert_success(&r);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER2, SP_MCMD_SEND, VM2, 2, 0, 0);
    assert_send_result(&r, 0);
    assert_int_equal(ucf_le32(ucf_vm_rx(f, VM2) + 12), (uint32_t)SP_ID_MESSENGER2 << 16 | VM2);
}

static void test_vm_partition_info_while_sp_message_unread_is_busy(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);

    assert_send_result(&r, 0);
    /* The mediator asks the SPMC for the VM's buffer (FFA_RX_ACQUIRE): DENIED -> BUSY. */
    r = ucf_vm(f, vm2(state), FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_BUSY);
    r = ucf_vm(f, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    assert_success(&r);
    r = ucf_vm(f, vm2(state), FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0);
    assert_success(&r);
    /* While the mediator's fill is the VM's, an SP cannot write there. */
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);
    assert_send_result(&r, FFA_RET_BUSY);
    r = ucf_vm(f, vm2(state), FFA_RX_RELEASE, 0, 0, 0, 0, 0);
    assert_success(&r);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);
    assert_send_result(&r, 0);
}

static void test_sp_to_removed_vm_is_invalid(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    /* ffa_vm_remove() forwards FFA_RXTX_UNMAP(2 << 16): the SPMC forgets VM 2. */
    assert_int_equal(ffa_vm_remove(f->m, vm2(state)), 0);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);
    assert_send_result(&r, FFA_RET_INVALID_PARAMETERS);
    assert_int_equal(f->rx_full_calls, 0);
}

static void test_sp_to_vm_that_unmapped_is_invalid(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r = ucf_vm(f, vm2(state), FFA_RXTX_UNMAP, 0, 0, 0, 0, 0);

    assert_success(&r);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);
    assert_send_result(&r, FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_to_vm_copy_fault_is_aborted(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    f->ns_refuse = true;
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);
    f->ns_refuse = false;
    assert_send_result(&r, FFA_RET_ABORTED);
    assert_int_equal(f->rx_full_calls, 0);
    r = ucf_sp_cmd(f, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0); /* still EMPTY */
    assert_send_result(&r, 0);
}

static void test_vm_to_sp_copy_fault_is_aborted(void **state)
{
    struct ucf *f = *state;
    struct ffa_regs r;

    ucf_vm_write_msg(f, VM2, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "lost");
    f->ns_refuse_pa = TEST_PA(VM2, TEST_TX_IPA);
    r = ucf_vm_send2(f, vm2(state));
    f->ns_refuse_pa = 0;
    th_assert_error(&r, FFA_RET_ABORTED);
    r = ucf_vm_send2(f, vm2(state)); /* the SP's mailbox stayed EMPTY */
    assert_success(&r);
}

/* ---- FFA_MSG_SEND2 from an SP: errors ---- */

static void test_sp_send_errors(void **state)
{
    struct ucf *f = *state;
    const struct {
        uint16_t sp;
        uint32_t w4, w6, w7;
        int32_t code;
        const char *what;
    } cases[] = {
        {SP_ID_MESSENGER, (uint32_t)SP_ID_MESSENGER2 << 16 | VM2, 0, 0, FFA_RET_INVALID_PARAMETERS,
         "forged sender"},
        {SP_ID_MESSENGER, SP_ID_MESSENGER, 0, 0, FFA_RET_INVALID_PARAMETERS, "to itself"},
        {SP_ID_MESSENGER, 0x8077, 0, 0, FFA_RET_INVALID_PARAMETERS, "unknown SP"},
        {SP_ID_MESSENGER, 9, 0, 0, FFA_RET_INVALID_PARAMETERS, "unknown VM"},
        {SP_ID_MESSENGER, 0, 0, 0, FFA_RET_INVALID_PARAMETERS, "the hypervisor"},
        {SP_ID_MESSENGER, SP_ID_ECHO, 0, 0, FFA_RET_DENIED, "no indirect messaging"},
        {SP_ID_MESSENGER, SP_ID_MSG_V10, 0, 0, FFA_RET_DENIED, "a v1.0 receiver"},
        {SP_ID_MSG_V10, SP_ID_MESSENGER, 0, 0, FFA_RET_DENIED, "a v1.0 sender"},
        {SP_ID_MESSENGER, VM2, 20, 0, FFA_RET_INVALID_PARAMETERS, "v1.1 header from v1.2"},
        {SP_ID_MESSENGER, VM2, 4000 | 100u << 16, 0, FFA_RET_INVALID_PARAMETERS, "past TX"},
        {SP_ID_MESSENGER, VM2, 0, 1, FFA_RET_INVALID_PARAMETERS, "reserved flag"},
        {SP_ID_MESSENGER, VM2, 0, 4, FFA_RET_INVALID_PARAMETERS, "reserved flag"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ffa_regs r =
            ucf_sp_cmd(f, cases[i].sp, SP_MCMD_SEND, cases[i].w4, 0, cases[i].w6, cases[i].w7);

        if (r.x[3] != FFA_ERROR || r.x[4] != (uint32_t)cases[i].code)
            fail_msg("%s: expected %d, got 0x%llx w2 0x%llx", cases[i].what, cases[i].code,
                     (unsigned long long)r.x[3], (unsigned long long)r.x[4]);
    }
    assert_int_equal(f->rx_full_calls, 0);
}

static void test_sp_send_with_delay_sri_flag_is_accepted(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 3, 0, 2);

    assert_send_result(&r, 0);
}

static void test_sp_send_with_w1_is_invalid(void **state)
{
    struct ffa_regs r =
        ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_CMD_CALL, FFA_MSG_SEND2, SP_ID_MESSENGER, 0, 0);

    assert_int_equal(r.x[3], FFA_ERROR);
    assert_int_equal(r.x[5], (uint32_t)FFA_RET_INVALID_PARAMETERS);
}

static void test_sp_send_without_tx_is_denied(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_CMD_CALL, FFA_RXTX_UNMAP, 0, 0, 0);

    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_SEND, VM2, 1, 0, 0);
    assert_send_result(&r, FFA_RET_DENIED);
}

static void test_sp_to_sp_without_rx_is_busy(void **state)
{
    struct ffa_regs r = ucf_sp_cmd(*state, SP_ID_MESSENGER2, SP_CMD_CALL, FFA_RXTX_UNMAP, 0, 0, 0);

    assert_int_equal(r.x[3], FFA_SUCCESS_32);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_SEND, SP_ID_MESSENGER2, 1, 0, 0);
    assert_send_result(&r, FFA_RET_BUSY); /* Hafnium: vm_is_mailbox_busy() */
}

static void test_sp_to_sp_message_lands_in_receiver_rx(void **state)
{
    struct ffa_regs r =
        ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_SEND, SP_ID_MESSENGER2, 0x77, 0, 0);

    assert_send_result(&r, 0);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER2, SP_MCMD_PEEK, 8, 0, 0, 0);
    assert_int_equal(r.x[3], HDR2);
    assert_int_equal(r.x[4], (uint32_t)SP_ID_MESSENGER << 16 | SP_ID_MESSENGER2);
    assert_int_equal(r.x[5], 8);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER2, SP_MCMD_PEEK, HDR2, 0, 0, 0);
    assert_int_equal(r.x[3], SP_MSG_NOTE);
    assert_int_equal(r.x[4], 0x77);
    r = ucf_sp_cmd(*state, SP_ID_MESSENGER, SP_MCMD_SEND, SP_ID_MESSENGER2, 0x78, 0, 0);
    assert_send_result(&r, FFA_RET_BUSY);
}

/* ---- FFA_MSG_SEND2 from a VM, at the SPMC (the test as the hypervisor) ---- */

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void test_nwd_send_errors(void **state)
{
    struct ucf *f = *state;
    struct ffa_vm *vm = ucf_vm_ready(f, VM2, FFA_VERSION_1_2, 2);
    uint8_t *tx = ucf_vm_tx(f, VM2);
    struct ffa_regs r;
    const struct {
        uint64_t w1, w2;
        uint16_t to;
        uint32_t offset, size;
        int32_t code;
        const char *what;
    } cases[] = {
        {VM2 << 16 | 1, 0, SP_ID_MESSENGER, 40, 8, FFA_RET_INVALID_PARAMETERS, "w1[15:0]"},
        {0, 0, SP_ID_MESSENGER, 40, 8, FFA_RET_INVALID_PARAMETERS, "the hypervisor as sender"},
        {0x8001u << 16, 0, SP_ID_MESSENGER, 40, 8, FFA_RET_INVALID_PARAMETERS, "secure sender"},
        {7u << 16, 0, SP_ID_MESSENGER, 40, 8, FFA_RET_DENIED, "sender without buffers"},
        {VM3 << 16, 0, SP_ID_MESSENGER, 40, 8, FFA_RET_DENIED, "unknown sender"},
        {VM2 << 16, 2, SP_ID_MESSENGER, 40, 8, FFA_RET_INVALID_PARAMETERS, "flags from a VM"},
        {VM2 << 16, 0, VM2, 40, 8, FFA_RET_INVALID_PARAMETERS, "to itself"},
        {VM2 << 16, 0, 5, 40, 8, FFA_RET_INVALID_PARAMETERS, "to a VM"},
        {VM2 << 16, 0, 0x8077, 40, 8, FFA_RET_INVALID_PARAMETERS, "unknown SP"},
        {VM2 << 16, 0, SP_ID_ECHO, 40, 8, FFA_RET_DENIED, "no indirect messaging"},
        {VM2 << 16, 0, SP_ID_MSG_V10, 40, 8, FFA_RET_DENIED, "a v1.0 SP"},
        {VM2 << 16, 0, SP_ID_MESSENGER, 16, 8, FFA_RET_INVALID_PARAMETERS, "offset in header"},
        {VM2 << 16, 0, SP_ID_MESSENGER, 8192, 1, FFA_RET_INVALID_PARAMETERS, "offset past TX"},
        {VM2 << 16, 0, SP_ID_MESSENGER, 40, 8192, FFA_RET_INVALID_PARAMETERS, "size past TX"},
        {VM2 << 16, 0, SP_ID_MESSENGER, 40, UINT32_MAX - 20, FFA_RET_INVALID_PARAMETERS,
         "offset + size wraps"},
        {VM2 << 16, 0, SP_ID_MESSENGER, 40, 4096, FFA_RET_NO_MEMORY, "larger than SP's RX"},
    };

    (void)vm;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(tx, 0, 40);
        put32(tx + 8, cases[i].offset);
        put32(tx + 12, (uint32_t)VM2 << 16 | cases[i].to);
        put32(tx + 16, cases[i].size);
        r = ucf_fw(f, FFA_MSG_SEND2, cases[i].w1, cases[i].w2, 0, 0, 0);
        if (r.x[0] != FFA_ERROR || r.x[2] != (uint32_t)cases[i].code)
            fail_msg("%s: expected %d, got 0x%llx w2 0x%llx", cases[i].what, cases[i].code,
                     (unsigned long long)r.x[0], (unsigned long long)r.x[2]);
    }
    /* The same header with a fitting size goes through. */
    put32(tx + 12, (uint32_t)VM2 << 16 | SP_ID_MESSENGER);
    put32(tx + 16, 8);
    r = ucf_fw(f, FFA_MSG_SEND2, VM2 << 16, 0, 0, 0, 0);
    assert_success(&r);
}

static void test_nwd_send_header_sender_must_be_the_vm(void **state)
{
    struct ucf *f = *state;
    uint8_t *tx = ucf_vm_tx(f, VM2);
    struct ffa_regs r;

    ucf_vm_write_msg(f, VM2, SP_ID_MESSENGER, HDR2, SP_MSG_PING, 1, "x");
    put32(tx + 12, (uint32_t)VM3 << 16 | SP_ID_MESSENGER);
    r = ucf_fw(f, FFA_MSG_SEND2, VM2 << 16, 0, 0, 0, 0);
    th_assert_error(&r, FFA_RET_INVALID_PARAMETERS);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_vm_sp_vm_exchange),
        T(test_second_exchange_after_release),
        T(test_run_without_message_sends_nothing),
        T(test_sp_relays_to_sp_which_answers_the_vm),
        T(test_v1_1_vm_message_reaches_sp_in_its_layout),
        T(test_v1_2_vm_message_carries_its_uuid),
        T(test_scattered_vm_buffers_are_copied_range_by_range),
        T(test_send_to_sp_with_full_mailbox_is_busy),
        T(test_msg_wait_retaining_keeps_the_sp_mailbox_full),
        T(test_msg_wait_releases_the_sp_mailbox),
        T(test_sp_to_vm_with_full_rx_is_busy_until_released),
        T(test_vm_partition_info_while_sp_message_unread_is_busy),
        T(test_sp_to_removed_vm_is_invalid),
        T(test_sp_to_vm_that_unmapped_is_invalid),
        T(test_sp_to_vm_copy_fault_is_aborted),
        T(test_vm_to_sp_copy_fault_is_aborted),
        T(test_sp_send_errors),
        T(test_sp_send_with_delay_sri_flag_is_accepted),
        T(test_sp_send_with_w1_is_invalid),
        T(test_sp_send_without_tx_is_denied),
        T(test_sp_to_sp_without_rx_is_busy),
        T(test_sp_to_sp_message_lands_in_receiver_rx),
        cmocka_unit_test_setup_teardown(test_nwd_send_errors, setup_no_vm, teardown_world),
        T(test_nwd_send_header_sender_must_be_the_vm),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
