/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging, the bottom layer: every SPMC file reports through here, and this file calls no other
 * SPMC file. One line per call to the host's log callback (struct ffa_unicorn_config), or nothing
 * when the host gave none. Calls on several PEs log at the same time: the callback is called
 * under spmc.log_lock, the last lock of the order, one line at a time.
 */
#include <stdarg.h>
#include <stdio.h>

#include "ffa/names.h"
#include "spmc_internal.h"

void ffau_log_msg(struct spmc *s, enum ffa_unicorn_log_kind kind, uint16_t sp_id, const char *fmt,
                  ...)
{
    char msg[512];
    va_list ap;

    if (s->cfg.log == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s->log_lock);
    s->cfg.log(s->cfg.log_ctx, kind, sp_id, msg);
    pthread_mutex_unlock(&s->log_lock);
}

void ffau_log_refused(struct spmc *s, const struct sp *sp, const char *what, int32_t code)
{
    const char *name = ffa_error_name(code);

    ffau_log_msg(s, FFA_UNICORN_LOG_WARN, sp->mf.id, "SP 0x%04x: %s -> %s", sp->mf.id, what,
                 name != NULL ? name : "?");
}

const char *ffau_log_fid_name(uint64_t fid)
{
    const char *n = ffa_func_name((uint32_t)fid);

    return n != NULL ? n : "(not FF-A)";
}
