/* SPDX-License-Identifier: BSD-3-Clause */
/* The script text form of registers: shared by failure messages, the recorder and traces. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/names.h"
#include "mock_internal.h"

static int format_regs_any(char *buf, size_t len, const char *verb, const struct ffa_regs *regs,
                           uint32_t list, uint32_t any, const char *tail);

/* A function name for `value`, only if parsing the name gives back exactly `value`. */
static const char *exact_func_name(uint64_t value)
{
    if (value > UINT32_MAX || (value & FFA_SMCCC_SVE_HINT) != 0)
        return NULL; /* ffa_func_name() ignores the hint bit; the number must show it */
    return ffa_func_name((uint32_t)value);
}

int ffa_mock_format_value(char *buf, size_t len, uint32_t fid, unsigned reg, uint64_t value)
{
    const char *name = NULL;

    if (reg == 0)
        name = exact_func_name(value);
    else if (reg == 1 && fid == FFA_FEATURES)
        name = exact_func_name(value);
    else if (reg == 2 && fid == FFA_ERROR && value <= UINT32_MAX)
        name = ffa_error_name((int32_t)(uint32_t)value);
    if (name != NULL)
        return snprintf(buf, len, "%s", name);
    return snprintf(buf, len, "0x%" PRIx64, value);
}

static int format_regs(char *buf, size_t len, const char *verb, const struct ffa_regs *regs,
                       uint32_t list, const char *tail)
{
    return format_regs_any(buf, len, verb, regs, list, 0, tail);
}

static int format_regs_any(char *buf, size_t len, const char *verb, const struct ffa_regs *regs,
                           uint32_t list, uint32_t any, const char *tail)
{
    size_t pos = 0;
    int n;

    n = snprintf(buf, len, "%s ", verb);
    if (n < 0)
        return n;
    pos = (size_t)n;
    for (unsigned i = 0; i < FFA_NUM_REGS; i++) {
        char v[64];

        if (((list | any) & FFA_MOCK_X(i)) == 0)
            continue;
        ffa_mock_format_value(v, sizeof(v), (uint32_t)regs->x[0], i, regs->x[i]);
        if (i == 0)
            n = snprintf(buf + (pos < len ? pos : len), pos < len ? len - pos : 0, "%s", v);
        else
            n = snprintf(buf + (pos < len ? pos : len), pos < len ? len - pos : 0, " x%u%c%s", i,
                         (any & FFA_MOCK_X(i)) != 0 ? '~' : '=', v);
        if (n < 0)
            return n;
        pos += (size_t)n;
    }
    if (tail != NULL) {
        n = snprintf(buf + (pos < len ? pos : len), pos < len ? len - pos : 0, "%s", tail);
        if (n < 0)
            return n;
        pos += (size_t)n;
    }
    return (int)pos;
}

static uint32_t nonzero_regs(const struct ffa_regs *regs)
{
    uint32_t list = FFA_MOCK_X(0);

    for (unsigned i = 1; i < FFA_NUM_REGS; i++) {
        if (regs->x[i] != 0)
            list |= FFA_MOCK_X(i);
    }
    return list;
}

int ffa_mock_format_line(char *buf, size_t len, const char *verb, const struct ffa_regs *regs,
                         int exact)
{
    return format_regs(buf, len, verb, regs, nonzero_regs(regs), exact ? " x*=0" : NULL);
}

int ffamk_format_call(char *buf, size_t len, const struct ffa_regs *regs, uint32_t any)
{
    return format_regs_any(buf, len, "call", regs, nonzero_regs(regs) & ~any, any, " x*=0");
}

int ffamk_format_mem(char *buf, size_t len, const struct ffa_mock_mem *m)
{
    size_t pos;
    int n;

    n = snprintf(buf, len, "%s 0x%04x 0x%x ", m->dir == FFA_MOCK_MEM_TX ? "tx" : "rx", m->endpoint,
                 m->offset);
    if (n < 0)
        return n;
    pos = (size_t)n;
    for (uint32_t i = 0; i < m->len; i++) {
        char *at = buf + (pos < len ? pos : len);
        size_t room = pos < len ? len - pos : 0;

        if (m->mask != NULL && m->mask[i] == 0)
            n = snprintf(at, room, "??");
        else
            n = snprintf(at, room, "%02x", m->bytes[i]);
        if (n < 0)
            return n;
        pos += (size_t)n;
    }
    return (int)pos;
}

int ffamk_format_expectation(char *buf, size_t len, const struct ffa_mock_step *step)
{
    char tail[32] = "";
    int exact = (step->match & FFA_MOCK_X_ALL) == FFA_MOCK_X_ALL;

    if ((step->match & FFA_MOCK_CPU) != 0)
        snprintf(tail, sizeof(tail), "%s cpu=%u", exact ? " x*=0" : "", step->cpu);
    else if (exact)
        snprintf(tail, sizeof(tail), " x*=0");
    if (exact)
        return format_regs(buf, len, "call", &step->call, nonzero_regs(&step->call), tail);
    return format_regs(buf, len, "call", &step->call, step->match | FFA_MOCK_X(0), tail);
}

int ffamk_parse_value(const char *word, uint64_t *value)
{
    const char *name;
    uint32_t fid;
    char *end;

    if (word[0] >= '0' && word[0] <= '9') {
        unsigned long long v;

        errno = 0;
        v = strtoull(word, &end, 0);
        if (errno != 0 || *end != '\0')
            return -1;
        *value = v;
        return 0;
    }
    for (size_t i = 0; (name = ffa_func_table_entry(i, &fid)) != NULL; i++) {
        if (strcmp(name, word) == 0) {
            *value = fid;
            return 0;
        }
    }
    for (int32_t code = 0; code >= -9; code--) {
        if (strcmp(ffa_error_name(code), word) == 0) {
            *value = (uint32_t)code;
            return 0;
        }
    }
    return -1;
}
