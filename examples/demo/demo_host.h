/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host callbacks for the example programs (demo, benchmark): calloc/free and pthread mutexes, the
 * minimum a hypervisor provides; `log` prints the mediator's lines up to FFA_LOG_INFO when
 * demo_host_verbose is set.
 */
#ifndef DEMO_HOST_H
#define DEMO_HOST_H

#include <stdbool.h>

#include "ffa/host.h"

extern const struct ffa_host_ops demo_host_ops;
extern bool demo_host_verbose;

#endif
