/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The demonstration: a hypervisor's view of a whole FF-A conversation with an emulated secure
 * world. It creates the mediator with its host callbacks, loads the example secure partitions
 * into the Unicorn backend, adds VM 1 and plays a scenario: discovery, RX/TX buffers and the
 * partition list, direct requests, preemption, an indirect-message exchange with the messenger
 * SPs, a contained fault. Every guest call and every reply is printed decoded, with the secure
 * world's own log lines (SP console output, preemptions, faults) in between. Exits non-zero if
 * any reply is not what the scenario expects.
 *
 * Usage: unicorn_demo [SP_DIR]   (default: the directory the build put the SP images in)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_host.h"
#include "ffa/backend_unicorn.h"
#include "ffa/format.h"
#include "ffa/mediator.h"
#include "ffa/names.h"
#include "sp_protocol.h"

#define VM_ID  1u
#define TX_IPA DEMO_GUEST_IPA
#define RX_IPA (DEMO_GUEST_IPA + 0x1000)

static int failures;

/*
 * The secure world's log: console lines, preemption, managed exit, faults, and the switches
 * between SPs (the traffic inside the secure world that the normal world never sees).
 */
static void spmc_log(void *ctx, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *msg)
{
    (void)ctx;
    if (kind == FFA_UNICORN_LOG_CONSOLE)
        printf("      [SP 0x%04x console] %s\n", sp_id, msg);
    else if (kind != FFA_UNICORN_LOG_DEBUG || strstr(msg, "-> SP") != NULL ||
             strncmp(msg, "FFA_MSG_SEND2", 13) == 0)
        printf("      [SPMC] %s\n", msg);
}

/* ---- The trace ---- */

struct demo {
    struct ffa_mediator *m;
    struct ffa_vm *vm;
};

/* One guest call, printed decoded (format.h) in the layout of the VM's negotiated version. */
static struct ffa_regs guest_call(struct demo *d, struct ffa_regs r)
{
    struct ffa_regs call = r;
    char buf[512];

    ffa_format_regs(buf, sizeof(buf), &call, FFA_FORMAT_CALL, ffa_vm_version(d->vm), NULL);
    printf("  VM %u -> %s\n", VM_ID, buf);
    if (ffa_mediator_handle(d->m, d->vm, 0, 0, &r) != FFA_CALL_HANDLED) {
        printf("  (declined: not an FF-A call)\n");
        failures++;
        return r;
    }
    ffa_format_regs(buf, sizeof(buf), &r, FFA_FORMAT_REPLY, ffa_vm_version(d->vm), &call);
    printf("  VM %u <- %s\n", VM_ID, buf);
    return r;
}

static struct ffa_regs req(struct demo *d, uint16_t sp, uint32_t w3, uint32_t w4, uint32_t w5,
                           uint32_t w6)
{
    struct ffa_regs r = {{FFA_MSG_SEND_DIRECT_REQ_32, (VM_ID << 16) | sp, 0, w3, w4, w5, w6}};

    return guest_call(d, r);
}

/* What a Linux guest does: resume with FFA_RUN while the answer is INTERRUPT or YIELD. */
static struct ffa_regs finish(struct demo *d, struct ffa_regs r)
{
    while (r.x[0] == FFA_INTERRUPT || r.x[0] == FFA_MSG_YIELD) {
        struct ffa_regs run = {{FFA_RUN, r.x[1]}};

        r = guest_call(d, run);
    }
    return r;
}

static void expect(int ok, const char *what)
{
    if (!ok) {
        printf("  !! unexpected: %s\n", what);
        failures++;
    }
}

static void section(const char *title)
{
    printf("\n== %s ==\n", title);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void buffers_and_partitions(struct demo *d)
{
    const uint8_t *rx = demo_guest_ptr(VM_ID, RX_IPA);
    struct ffa_regs r;
    uint32_t count;

    section("RX/TX buffers: the VM maps a page each (the mediator tells the SPMC where they are)");
    r = guest_call(d, (struct ffa_regs){{FFA_FEATURES, FFA_RXTX_MAP_64}});
    expect(r.x[0] == FFA_SUCCESS_32 && (r.x[2] & 3) == 0, "4 KiB buffers");
    r = guest_call(d, (struct ffa_regs){{FFA_RXTX_MAP_64, TX_IPA, RX_IPA, 1}});
    expect(r.x[0] == FFA_SUCCESS_32, "buffers mapped");

    section("Partition discovery");
    r = guest_call(d, (struct ffa_regs){{FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1}});
    expect(r.x[0] == FFA_SUCCESS_32 && r.x[2] > 0, "a count");
    count = (uint32_t)r.x[2];
    r = guest_call(d, (struct ffa_regs){{FFA_PARTITION_INFO_GET}});
    expect(r.x[0] == FFA_SUCCESS_32 && r.x[2] == count && r.x[3] == 24, "24-byte entries");
    if (r.x[0] == FFA_SUCCESS_32) {
        printf("  (VM %u reads %u descriptors from its RX buffer:)\n", VM_ID, count);
        for (uint32_t i = 0; i < count && i < 4096 / 24; i++) {
            char desc[256];

            ffa_format_partition_info(desc, sizeof(desc), rx + 24 * i, 24);
            printf("      %s\n", desc);
        }
    }
    r = guest_call(d, (struct ffa_regs){{FFA_RX_RELEASE}});
    expect(r.x[0] == FFA_SUCCESS_32, "the VM hands its RX buffer back");
}

/* Write {cmd, arg, text} for `to` into the VM's TX buffer behind a v1.2 header. */
static void write_message(uint16_t to, uint32_t cmd, uint32_t arg, const char *text)
{
    uint8_t *tx = demo_guest_ptr(VM_ID, TX_IPA);
    uint32_t len = (uint32_t)strlen(text);

    memset(tx, 0, 40);
    put32(tx + 8, 40);
    put32(tx + 12, VM_ID << 16 | to);
    put32(tx + 16, 8 + len);
    put32(tx + 40, cmd);
    put32(tx + 44, arg);
    memcpy(tx + 48, text, len);
    printf("  (VM %u writes to its TX buffer: to 0x%04x, command %u, \"%s\")\n", VM_ID, to, cmd,
           text);
}

/* Read the message in the VM's RX buffer; true if it is `cmd` from `from` with `text`. */
static int read_message(uint16_t from, uint32_t cmd, const char *text)
{
    const uint8_t *rx = demo_guest_ptr(VM_ID, RX_IPA);
    uint32_t off = le32(rx + 8), ids = le32(rx + 12), size = le32(rx + 16);
    char buf[256] = "", line[512];

    if (off >= 40 && off < 4096 && size >= 8 && size - 8 < sizeof(buf) && off + size <= 4096)
        memcpy(buf, rx + off + 8, size - 8);
    ffa_format_msg(line, sizeof(line), rx, 4096);
    printf("  (VM %u reads its RX buffer: %s)\n", VM_ID, line);
    return (ids >> 16) == from && (ids & 0xffff) == VM_ID && off + 8 <= 4096 &&
           le32(rx + off) == cmd && strcmp(buf, text) == 0;
}

static void run_sp(struct demo *d, uint16_t sp)
{
    struct ffa_regs r = guest_call(d, (struct ffa_regs){{FFA_RUN, FFA_TARGET_INFO(sp, 0)}});

    expect(r.x[0] == FFA_MSG_WAIT, "the SP handles its message and waits again");
}

static void indirect_messaging(struct demo *d)
{
    struct ffa_regs r;

    section("Indirect messaging: VM -> messenger SP -> VM (FFA_MSG_SEND2)");
    write_message(SP_ID_MESSENGER, SP_MSG_PING, 42, "hello from VM 1");
    r = guest_call(d, (struct ffa_regs){{FFA_MSG_SEND2}});
    expect(r.x[0] == FFA_SUCCESS_32, "the SPMC copied the message into the SP's RX buffer");
    printf("  (the VM gives the SP cycles, as after the schedule receiver interrupt)\n");
    run_sp(d, SP_ID_MESSENGER);
    expect(read_message(SP_ID_MESSENGER, SP_MSG_PONG, "pong: hello from VM 1"), "the answer");
    r = guest_call(d, (struct ffa_regs){{FFA_RX_RELEASE}});
    expect(r.x[0] == FFA_SUCCESS_32, "released (the mediator forwards it to the SPMC)");
    r = guest_call(d, (struct ffa_regs){{FFA_RX_RELEASE}});
    expect(r.x[0] == FFA_ERROR && ffa_error_code(r.x[2]) == FFA_RET_DENIED, "nothing left");

    section("A relay: VM -> messenger -> messenger2 (SP to SP) -> VM");
    write_message(SP_ID_MESSENGER, SP_MSG_RELAY, SP_ID_MESSENGER2, "round trip");
    r = guest_call(d, (struct ffa_regs){{FFA_MSG_SEND2}});
    expect(r.x[0] == FFA_SUCCESS_32, "sent");
    run_sp(d, SP_ID_MESSENGER);
    run_sp(d, SP_ID_MESSENGER2);
    expect(read_message(SP_ID_MESSENGER2, SP_MSG_PONG, "pong: round trip"), "the relayed answer");
    r = guest_call(d, (struct ffa_regs){{FFA_RX_RELEASE}});
    expect(r.x[0] == FFA_SUCCESS_32, "released");
}

static uint32_t checksum(uint32_t n)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < n; i++)
        acc = acc * 31u + i;
    return acc;
}

static void scenario(struct demo *d)
{
    struct ffa_regs r;

    section("Version negotiation");
    r = guest_call(d, (struct ffa_regs){{FFA_VERSION, FFA_VERSION_1_2}});
    expect(r.x[0] == FFA_VERSION_1_2, "FFA_VERSION answers 1.2");

    section("Discovery");
    r = guest_call(d, (struct ffa_regs){{FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ_32}});
    expect(r.x[0] == FFA_SUCCESS_32, "DIRECT_REQ_32 is supported");
    r = guest_call(d, (struct ffa_regs){{FFA_FEATURES, FFA_RUN}});
    expect(r.x[0] == FFA_SUCCESS_32, "FFA_RUN is supported");
    r = guest_call(d, (struct ffa_regs){{FFA_FEATURES, FFA_MEM_SHARE_64}});
    expect(r.x[0] == FFA_ERROR, "MEM_SHARE is not (yet)");
    r = guest_call(d, (struct ffa_regs){{FFA_ID_GET}});
    r = guest_call(d, (struct ffa_regs){{FFA_SPM_ID_GET}});
    expect(r.x[0] == FFA_SUCCESS_32 && r.x[2] == 0x8000, "SPMC ID 0x8000");

    buffers_and_partitions(d);

    section("Direct request to the echo SP (S-EL1, SMC conduit)");
    r = req(d, SP_ID_ECHO, 0x11, 0x22, 0x33, 0x44);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == 0x11, "echo");

    section("S-EL0 SP (SVC conduit) printing on its console");
    r = req(d, SP_ID_EL0, SP_CMD_PRINT, 0xcafe, 0, 0);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32, "S-EL0 answer");

    section("A long request, preempted by non-secure interrupts, resumed with FFA_RUN");
    r = req(d, SP_ID_WORKER, SP_CMD_COMPUTE, 150000, 0, 0);
    expect(r.x[0] == FFA_INTERRUPT, "first answer is FFA_INTERRUPT");
    r = finish(d, r);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == checksum(150000),
           "the computation completes with the right checksum");

    section("FFA_YIELD and resume");
    r = req(d, SP_ID_WORKER, SP_CMD_YIELD, 1000, 0, 0);
    expect(r.x[0] == FFA_MSG_YIELD, "the SP yields");
    r = finish(d, r);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == FFA_SUCCESS_32,
           "its FFA_YIELD returned FFA_SUCCESS");

    section("SP-to-SP request: forwarder -> echo");
    r = req(d, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_ECHO, 0x77, 0);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == 0x77, "forwarded echo");

    section("Call chain preempted: forwarder -> worker; the forwarder runs its callee");
    r = req(d, SP_ID_FORWARDER, SP_CMD_FORWARD, SP_ID_WORKER, SP_CMD_COMPUTE, 60000);
    expect(r.x[0] == FFA_INTERRUPT && r.x[1] == FFA_TARGET_INFO(SP_ID_FORWARDER, 0),
           "the normal world sees FFA_INTERRUPT for the forwarder");
    r = finish(d, r);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == checksum(60000),
           "the chain completes");

    section("Managed exit: the SP is told, and ends its request itself");
    r = req(d, SP_ID_WORKER_ME, SP_CMD_COMPUTE, 150000, 0, 0);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == SP_MANAGED_EXIT_MARKER,
           "DIRECT_RESP with the managed-exit marker");

    indirect_messaging(d);

    section("A faulty SP is contained");
    r = req(d, SP_ID_FAULTY, SP_FAULT_DATA_ABORT, 0, 0, 0);
    expect(r.x[0] == FFA_ERROR && ffa_error_code(r.x[2]) == FFA_RET_ABORTED, "ABORTED");
    r = req(d, SP_ID_FAULTY, 0, 0, 0, 0);
    expect(r.x[0] == FFA_ERROR && ffa_error_code(r.x[2]) == FFA_RET_ABORTED, "still ABORTED");
    r = req(d, SP_ID_ECHO, 0x99, 0, 0, 0);
    expect(r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32 && r.x[3] == 0x99, "the others keep working");
}

static const char *const sp_files[][2] = {
    {"echo", "echo"},           {"el0", "el0"},
    {"worker", "worker"},       {"worker", "worker-me"},
    {"forwarder", "forwarder"}, {"faulty", "faulty"},
    {"messenger", "messenger"}, {"messenger2", "messenger2"},
};
#define NSPS (sizeof(sp_files) / sizeof(sp_files[0]))

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : FFA_SP_DIR;
    struct ffa_unicorn_sp_config sps[NSPS];
    char paths[NSPS][2][512];
    struct ffa_unicorn_config cfg = {0};
    struct ffa_unicorn_stats st;
    struct ffa_unicorn *spmc;
    struct ffa_backend be;
    struct demo d;
    char err[512];
    int ret;

    for (size_t i = 0; i < NSPS; i++) {
        snprintf(paths[i][0], sizeof(paths[i][0]), "%s/%s.elf", dir, sp_files[i][0]);
        snprintf(paths[i][1], sizeof(paths[i][1]), "%s/%s.dtb", dir, sp_files[i][1]);
        memset(&sps[i], 0, sizeof(sps[i]));
        sps[i].elf_path = paths[i][0];
        sps[i].manifest_path = paths[i][1];
    }
    cfg.sps = sps;
    cfg.sp_count = NSPS;
    cfg.preempt_blocks = 50000; /* a deterministic "non-secure interrupt" every 50k blocks */
    cfg.log = spmc_log;
    cfg.ns_memory = demo_ns_memory; /* the SPMC reaches guest RAM and the hypervisor's pages */
    cfg.rx_full = demo_rx_full;

    printf("== Boot: the SPMC loads %zu secure partitions and runs each until FFA_MSG_WAIT ==\n",
           NSPS);
    ret = ffa_unicorn_create(&cfg, &spmc, err, sizeof(err));
    if (ret != 0) {
        fprintf(stderr, "cannot create the secure world: %s\n", err);
        return 1;
    }
    be = ffa_unicorn_backend(spmc);
    printf("\n== The mediator probes the secure world ==\n");
    demo_host_verbose = true;
    ret = ffa_mediator_create(NULL, &demo_host_ops, NULL, &be, &d.m);
    if (ret != 0) {
        fprintf(stderr, "cannot create the mediator: %s\n", ffa_error_name(ret));
        ffa_unicorn_destroy(spmc);
        return 1;
    }
    ffa_vm_add(d.m, VM_ID, 1, 0, &d.vm);
    scenario(&d);
    ffa_unicorn_get_stats(spmc, &st);
    printf("\n== Done: %llu world switches, %llu non-secure interrupts (%llu preemptions, %llu "
           "managed exits), %llu partition aborted; %s ==\n",
           (unsigned long long)st.world_switches, (unsigned long long)st.ns_interrupts,
           (unsigned long long)st.preemptions, (unsigned long long)st.managed_exits,
           (unsigned long long)st.aborts, failures == 0 ? "every reply as expected" : "FAILURES");
    ffa_mediator_destroy(d.m);
    ffa_unicorn_destroy(spmc);
    demo_host_cleanup();
    return failures == 0 ? 0 : 1;
}
