/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host callbacks for the example programs (demo, benchmark): calloc/free and pthread mutexes, the
 * minimum a hypervisor provides; `log` prints the mediator's lines up to FFA_LOG_INFO when
 * demo_host_verbose is set.
 *
 * Memory, as a small hypervisor would hand it out: each guest has DEMO_GUEST_PAGES pages of RAM at
 * IPA DEMO_GUEST_IPA, the hypervisor's pages come from page_alloc, and a "physical address" is the
 * host address of the page (this host's machine is the process). guest_map translates and checks
 * guest ranges; demo_ns_memory() gives the emulated SPMC exactly that memory (guest RAM and
 * hypervisor pages), nothing else. notify and demo_rx_full() print what a hypervisor would do
 * (inject the notification interrupt).
 */
#ifndef DEMO_HOST_H
#define DEMO_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ffa/abi.h"
#include "ffa/host.h"

#define DEMO_GUEST_IPA   UINT64_C(0x40000000)
#define DEMO_GUEST_PAGES 64u
#define DEMO_MAX_GUESTS  4u

extern const struct ffa_host_ops demo_host_ops;
extern bool demo_host_verbose;

/* The host view of guest `vm`'s memory at `ipa` (its RAM is allocated on first use), or NULL. */
uint8_t *demo_guest_ptr(uint16_t vm, uint64_t ipa);

/* ffa_unicorn_config.ns_memory and .rx_full (ctx unused). */
void *demo_ns_memory(void *ctx, uint64_t pa, size_t len, int writable);
void demo_rx_full(void *ctx, uint16_t vm_id);

/* Free guest RAM (after the mediator and the SPMC are gone). */
void demo_host_cleanup(void);

#endif
