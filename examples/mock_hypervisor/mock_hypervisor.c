/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small example hypervisor loop against a scripted secure world.
 *
 * The "guest" is a list of SMCs (what a Linux FF-A driver sends); the hypervisor's trap handler
 * hands each to the mediator, or answers SMCCC "unknown" when the mediator declines it. The
 * secure world is the mock, loaded from secure-world.ffa. Every guest call, every call that
 * reaches the secure world and every reply is printed decoded with ffa_format_regs(): the trap
 * handler prints the guest's call, a backend wrapper the secure world's traffic, and the
 * mediator's trace hook (struct ffa_host_ops.trace) each reply the guest gets.
 *
 * Usage: mock_hypervisor [script]   (default: the secure-world.ffa this example is built with, so
 * the program runs from any directory)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "ffa/backend_mock.h"
#include "ffa/format.h"
#include "ffa/mediator.h"

#define VM_ID 0x0001u

/* ---- Host callbacks: plain malloc, log to stderr ---- */
static void *host_alloc(void *host, size_t size)
{
    (void)host;
    return malloc(size);
}

static void host_free(void *host, void *ptr, size_t size)
{
    (void)host;
    (void)size;
    free(ptr);
}

static void host_log(void *host, enum ffa_log_level level, const char *msg)
{
    (void)host;
    if (level <= FFA_LOG_INFO)
        printf("    [mediator log] %s\n", msg);
}

/* The host context: what the trace hook needs to know. */
struct host {
    struct ffa_mediator *m;
};

/*
 * The trace hook: the reply each guest call got, decoded knowing the call and the FF-A version
 * the VM negotiated (0 while negotiating: the newest layout).
 */
static void host_trace(void *ctx, uint16_t vm_id, uint16_t vcpu, const struct ffa_regs *call,
                       const struct ffa_regs *reply)
{
    struct host *h = ctx;
    struct ffa_vm *vm = ffa_vm_find(h->m, vm_id);
    char buf[256];

    ffa_format_regs(buf, sizeof(buf), reply, FFA_FORMAT_REPLY, vm != NULL ? ffa_vm_version(vm) : 0,
                    call);
    printf("guest vCPU %u <-  %s\n", vcpu, buf);
}

static const struct ffa_host_ops host_ops = {
    .alloc = host_alloc,
    .free = host_free,
    .log = host_log,
    .trace = host_trace,
};

/* ---- A backend wrapper that prints what crosses into the secure world ---- */
struct traced {
    struct ffa_backend inner;
    struct ffa_backend_ops ops;
};

static void traced_call(void *ctx, uint32_t cpu, const struct ffa_regs *in, struct ffa_regs *out)
{
    struct traced *t = ctx;
    const struct ffa_regs call = *in; /* `out` may alias `in` */
    char buf[256];

    ffa_format_regs(buf, sizeof(buf), &call, FFA_FORMAT_CALL, 0, NULL);
    printf("        secure world <- cpu %u: %s\n", cpu, buf);
    ffa_backend_call(&t->inner, cpu, &call, out);
    ffa_format_regs(buf, sizeof(buf), out, FFA_FORMAT_REPLY, 0, &call);
    printf("        secure world -> %s\n", buf);
}

/* ---- The hypervisor's SMC trap handler ---- */
/* The physical CPU the guest's only vCPU runs on (a real hypervisor: smp_processor_id()). */
#define GUEST_PCPU 2u

static void trap_smc(struct ffa_mediator *m, struct ffa_vm *vm, uint16_t vcpu,
                     struct ffa_regs *regs)
{
    char buf[256];

    ffa_format_regs(buf, sizeof(buf), regs, FFA_FORMAT_CALL, ffa_vm_version(vm), NULL);
    printf("guest vCPU %u  -> %s\n", vcpu, buf);
    /* The reply is printed by the trace hook (host_trace). */
    if (ffa_mediator_handle(m, vm, vcpu, GUEST_PCPU, regs) == FFA_CALL_DECLINED) {
        /* Not FF-A: a real hypervisor routes PSCI, SMCCC arch calls... elsewhere. */
        regs->x[0] = FFA_SMCCC_UNKNOWN;
        printf("guest vCPU %u <-  declined by the mediator: SMCCC unknown function\n", vcpu);
    }
}

/* A guest call with its completion loop, as Linux's ffa_msg_send_wait_for_completion. */
static void guest_direct_req(struct ffa_mediator *m, struct ffa_vm *vm, struct ffa_regs r)
{
    trap_smc(m, vm, 0, &r);
    while (r.x[0] == FFA_INTERRUPT || r.x[0] == FFA_MSG_YIELD) {
        r = (struct ffa_regs){{FFA_RUN, r.x[1]}};
        trap_smc(m, vm, 0, &r);
    }
}

int main(int argc, char **argv)
{
    const char *script = argc > 1 ? argv[1] : MOCK_HYPERVISOR_SCRIPT;
    struct ffa_mock *mock = ffa_mock_create();
    struct traced t;
    struct host host = {NULL};
    struct ffa_backend be;
    struct ffa_mediator *m;
    struct ffa_vm *vm;
    char err[256];
    int ret;

    if (mock == NULL || ffa_mock_load_file(mock, script, err, sizeof(err)) != 0) {
        fprintf(stderr, "mock_hypervisor: %s\n", mock != NULL ? err : "out of memory");
        return 1;
    }
    t.inner = ffa_mock_backend(mock);
    t.ops = *t.inner.ops;
    t.ops.call = traced_call;
    be = (struct ffa_backend){&t.ops, &t};

    printf("== create the mediator: it probes the secure world\n");
    ret = ffa_mediator_create(NULL, &host_ops, &host, &be, &m);
    host.m = m;
    if (ret != 0 || ffa_vm_add(m, VM_ID, 1, 0, &vm) != 0) {
        fprintf(stderr, "mock_hypervisor: setup failed (%d)\n", ret);
        return 1;
    }

    printf("\n== a guest probes FF-A\n");
    trap_smc(m, vm, 0, &(struct ffa_regs){{0x84000000}}); /* PSCI_VERSION: not ours */
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_VERSION, FFA_VERSION_1_2}});
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_ID_GET}});
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ_32}});
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_FEATURES, FFA_MEM_SHARE_64}});
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_SPM_ID_GET}});
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_SPM_ID_GET}}); /* cached: no secure-world call */

    printf("\n== direct requests\n");
    guest_direct_req(m, vm, (struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ_32, 0x00018001, 0, 42}});
    guest_direct_req(m, vm, (struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ_32, 0x00018002, 0, 1000}});
    guest_direct_req(m, vm,
                     (struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ2, 0x00018001, 0, 0, 0x11, 0x22}});

    printf("\n== what the mediator refuses on its own\n");
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ_32, 0x00028001}}); /* forged */
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_MSG_SEND_DIRECT_REQ_32, 0x00010002}}); /* to a VM */
    trap_smc(m, vm, 0, &(struct ffa_regs){{FFA_VERSION, FFA_VERSION_1_1}}); /* version locked */

    ffa_mediator_destroy(m);
    ret = ffa_mock_verify(mock);
    ffa_mock_destroy(mock);
    printf("\n== done: every scripted secure-world call happened in order\n");
    return ret == 0 ? 0 : 1;
}
