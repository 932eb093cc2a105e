/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock's text script format (README, "Mock script format"):
 *
 *   # comment
 *   call  <x0> [xN=<value>|xN=any|xN~<value>]... [x*=0|x*=any] [cpu=<n>|cpu=any]
 *   reply <x0> [xN=<value>]...
 *
 * A value is a C integer literal, an FF-A function name or a status name. In a call, registers
 * not named are "any" unless x*=0 says they must be zero; "xN~<value>" keeps the value a recording
 * saw (a physical address: it differs between runs) without comparing it, and the processor the
 * call is issued on is "any" unless cpu=<n> (a C integer literal) names it. In a reply, registers
 * not named are 0.
 *
 * Memory lines belong to a step: between its call and its reply,
 *
 *   tx <endpoint> <offset> <hex bytes, ?? for a byte not compared>
 *
 * says what the call read from that endpoint's TX buffer; after its reply (before the next call),
 *
 *   rx <endpoint> <offset> <hex bytes>
 *
 * what the reply wrote into that endpoint's RX buffer. Endpoint 0 is the hypervisor's own pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

#define MAX_LINE 4096

/* The memory lines of one step, owned by the parser until the steps are handed to the mock. */
struct mem_list {
    struct ffa_mock_mem *items;
    size_t n, cap;
};

struct parser {
    const char *name;
    unsigned line;
    char *err;
    size_t err_len;
    struct ffa_mock_step *steps;
    struct mem_list *mems; /* mems[i]: the memory lines of steps[i] */
    size_t count, cap;
    int in_call; /* a call line waits for its reply */
    struct ffa_mock_step cur;
    struct mem_list cur_mem;
};

static void mem_list_free(struct mem_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((void *)l->items[i].bytes);
        free((void *)l->items[i].mask);
    }
    free(l->items);
    *l = (struct mem_list){0};
}

static int fail(struct parser *p, const char *what, const char *word)
{
    if (p->err != NULL && p->err_len > 0)
        snprintf(p->err, p->err_len, "%s:%u: %s%s%s", p->name, p->line, what,
                 word != NULL ? ": " : "", word != NULL ? word : "");
    return -1;
}

/*
 * "cpu=N" or "cpu=any": sets or clears the step's processor. Returns 1 if `word` is not a cpu
 * word, 0 when it was applied, -1 (with the error set) for a bad value.
 */
static int parse_cpu(struct parser *p, const char *word)
{
    const char *value;
    uint64_t n;

    if (strncmp(word, "cpu=", 4) != 0)
        return 1;
    value = word + 4;
    if (strcmp(value, "any") == 0) {
        p->cur.match &= ~FFA_MOCK_CPU;
        p->cur.cpu = 0;
        return 0;
    }
    /* A number only: function and status names mean nothing here. */
    if (value[0] < '0' || value[0] > '9' || ffamk_parse_value(value, &n) != 0 || n > UINT32_MAX)
        return fail(p, "cpu takes a 32-bit number or any", value);
    p->cur.match |= FFA_MOCK_CPU;
    p->cur.cpu = (uint32_t)n;
    return 0;
}

/*
 * "xN=V" (or "xN~V" in a call): register number (-1 for "x*") and the value text; *seen is set for
 * "~". Returns -1 on a malformed word.
 */
static int split_word(char *word, int *reg, char **value, int *seen)
{
    char *eq = strchr(word, '=');
    char *tilde = strchr(word, '~');
    long n = 0;

    *seen = tilde != NULL && (eq == NULL || tilde < eq);
    if (*seen)
        eq = tilde;

    if (word[0] != 'x' || eq == NULL || eq == word + 1)
        return -1;
    if (eq == word + 2 && word[1] == '*') {
        *reg = -1;
    } else {
        for (const char *d = word + 1; d < eq; d++) {
            if (*d < '0' || *d > '9' || n >= FFA_NUM_REGS)
                return -1;
            n = n * 10 + (*d - '0');
        }
        if (n < 1 || n >= FFA_NUM_REGS)
            return -1;
        *reg = (int)n;
    }
    *value = eq + 1;
    return 0;
}

/* "xN=V" only. */
static int split_assignment(char *word, int *reg, char **value)
{
    int seen;

    if (split_word(word, reg, value, &seen) != 0 || seen)
        return -1;
    return 0;
}

static int push_step(struct parser *p)
{
    if (p->count == p->cap) {
        size_t cap = p->cap != 0 ? p->cap * 2 : 16;
        struct ffa_mock_step *s = realloc(p->steps, cap * sizeof(*s));
        struct mem_list *m;

        if (s == NULL)
            return fail(p, "out of memory", NULL);
        p->steps = s;
        m = realloc(p->mems, cap * sizeof(*m));
        if (m == NULL)
            return fail(p, "out of memory", NULL);
        p->mems = m;
        p->cap = cap;
    }
    p->steps[p->count] = p->cur;
    p->mems[p->count] = p->cur_mem;
    p->cur_mem = (struct mem_list){0};
    p->count++;
    return 0;
}

/* A number for a memory line: a C integer literal no larger than `max`. */
static int parse_number(const char *word, uint64_t max, uint64_t *v)
{
    return word[0] >= '0' && word[0] <= '9' && ffamk_parse_value(word, v) == 0 && *v <= max ? 0
                                                                                            : -1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "tx|rx <endpoint> <offset> <hex>": appended to the open call (tx) or the last step (rx). */
static int parse_mem(struct parser *p, char **words, int n, enum ffa_mock_mem_dir dir)
{
    struct mem_list *l;
    struct ffa_mock_mem m = {.dir = dir};
    size_t digits;
    uint64_t ep, off;
    uint8_t *bytes, *mask;
    int masked = 0;

    if (dir == FFA_MOCK_MEM_TX && !p->in_call)
        return fail(p, "tx belongs between a call and its reply", NULL);
    if (dir == FFA_MOCK_MEM_RX && (p->in_call || p->count == 0))
        return fail(p, "rx belongs after a reply", NULL);
    if (n != 4)
        return fail(p,
                    dir == FFA_MOCK_MEM_TX ? "tx takes <endpoint> <offset> <hex bytes>"
                                           : "rx takes <endpoint> <offset> <hex bytes>",
                    NULL);
    if (parse_number(words[1], 0xffff, &ep) != 0)
        return fail(p, "the endpoint is a 16-bit number", words[1]);
    if (parse_number(words[2], UINT32_MAX, &off) != 0)
        return fail(p, "the offset is a 32-bit number", words[2]);
    digits = strlen(words[3]);
    if (digits % 2 != 0)
        return fail(p, "hex bytes come in pairs of digits", words[3]);
    if (off + digits / 2 > UINT32_MAX)
        return fail(p, "the bytes end past 4 GiB", words[2]);
    bytes = malloc(digits / 2);
    mask = malloc(digits / 2);
    if (bytes == NULL || mask == NULL) {
        free(bytes);
        free(mask);
        return fail(p, "out of memory", NULL);
    }
    for (size_t i = 0; i < digits / 2; i++) {
        const char *d = words[3] + 2 * i;
        int hi = hex_digit(d[0]), lo = hex_digit(d[1]);

        if (d[0] == '?' && d[1] == '?' && dir == FFA_MOCK_MEM_TX) {
            bytes[i] = 0;
            mask[i] = 0;
            masked = 1;
            continue;
        }
        if (hi < 0 || lo < 0) {
            free(bytes);
            free(mask);
            return fail(p, dir == FFA_MOCK_MEM_TX ? "bad hex byte (?? for any)" : "bad hex byte",
                        words[3]);
        }
        bytes[i] = (uint8_t)(hi << 4 | lo);
        mask[i] = 1;
    }
    m.endpoint = (uint16_t)ep;
    m.offset = (uint32_t)off;
    m.len = (uint32_t)(digits / 2);
    m.bytes = bytes;
    if (masked) {
        m.mask = mask;
    } else {
        free(mask);
        m.mask = NULL;
    }
    l = dir == FFA_MOCK_MEM_TX ? &p->cur_mem : &p->mems[p->count - 1];
    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 4;
        struct ffa_mock_mem *items = realloc(l->items, cap * sizeof(*items));

        if (items == NULL) {
            free((void *)m.bytes);
            free((void *)m.mask);
            return fail(p, "out of memory", NULL);
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = m;
    return 0;
}

static int parse_call(struct parser *p, char **words, int n)
{
    uint32_t named = FFA_MOCK_X(0);
    int zero_rest = 0;

    if (p->in_call)
        return fail(p, "call without a reply before it", NULL);
    if (n < 2)
        return fail(p, "call needs a function", NULL);
    memset(&p->cur, 0, sizeof(p->cur));
    mem_list_free(&p->cur_mem);
    p->cur.line = p->line;
    p->cur.match = FFA_MOCK_X(0);
    if (ffamk_parse_value(words[1], &p->cur.call.x[0]) != 0)
        return fail(p, "unknown function or value", words[1]);
    for (int i = 2; i < n; i++) {
        char *value;
        int reg, ret, seen;

        ret = parse_cpu(p, words[i]);
        if (ret <= 0) {
            if (ret < 0)
                return ret;
            continue;
        }
        if (split_word(words[i], &reg, &value, &seen) != 0 || (seen && reg < 0))
            return fail(p, "expected xN=value", words[i]);
        if (seen) {
            /* "xN~V": the value seen when recording, not compared (a physical address). */
            if (ffamk_parse_value(value, &p->cur.call.x[reg]) != 0)
                return fail(p, "bad value", value);
            named |= FFA_MOCK_X(reg);
            p->cur.match &= ~FFA_MOCK_X(reg);
            continue;
        }
        if (reg < 0) {
            if (strcmp(value, "0") == 0)
                zero_rest = 1;
            else if (strcmp(value, "any") != 0)
                return fail(p, "x* takes 0 or any", value);
            continue;
        }
        named |= FFA_MOCK_X(reg);
        if (strcmp(value, "any") == 0) {
            p->cur.match &= ~FFA_MOCK_X(reg);
            continue;
        }
        if (ffamk_parse_value(value, &p->cur.call.x[reg]) != 0)
            return fail(p, "bad value", value);
        p->cur.match |= FFA_MOCK_X(reg);
    }
    if (zero_rest)
        p->cur.match |= FFA_MOCK_X_ALL & ~named; /* unnamed registers: must be zero */
    _Static_assert((FFA_MOCK_X_ALL & FFA_MOCK_CPU) == 0, "x*=0 leaves the processor alone");
    p->in_call = 1;
    return 0;
}

static int parse_reply(struct parser *p, char **words, int n)
{
    if (!p->in_call)
        return fail(p, "reply without a call", NULL);
    if (n < 2)
        return fail(p, "reply needs x0", NULL);
    if (ffamk_parse_value(words[1], &p->cur.reply.x[0]) != 0)
        return fail(p, "unknown function or value", words[1]);
    for (int i = 2; i < n; i++) {
        char *value;
        int reg;

        if (split_assignment(words[i], &reg, &value) != 0 || reg < 0)
            return fail(p, "expected xN=value", words[i]);
        if (ffamk_parse_value(value, &p->cur.reply.x[reg]) != 0)
            return fail(p, "bad value", value);
    }
    p->in_call = 0;
    return push_step(p);
}

static int parse_line(struct parser *p, char *line)
{
    char *words[2 + FFA_NUM_REGS + 2];
    char *hash = strchr(line, '#');
    char *save = NULL;
    int n = 0;

    if (hash != NULL)
        *hash = '\0';
    for (char *w = strtok_r(line, " \t\r\n", &save); w != NULL;
         w = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == (int)(sizeof(words) / sizeof(words[0])))
            return fail(p, "too many words", NULL);
        words[n++] = w;
    }
    if (n == 0)
        return 0;
    if (strcmp(words[0], "call") == 0)
        return parse_call(p, words, n);
    if (strcmp(words[0], "reply") == 0)
        return parse_reply(p, words, n);
    if (strcmp(words[0], "tx") == 0)
        return parse_mem(p, words, n, FFA_MOCK_MEM_TX);
    if (strcmp(words[0], "rx") == 0)
        return parse_mem(p, words, n, FFA_MOCK_MEM_RX);
    return fail(p, "unknown keyword", words[0]);
}

int ffa_mock_load_string(struct ffa_mock *mock, const char *text, const char *name, char *err,
                         size_t err_len)
{
    struct parser p = {.name = name != NULL ? name : "<script>", .err = err, .err_len = err_len};
    const char *cur = text;
    int ret = 0;

    while (ret == 0 && *cur != '\0') {
        char line[MAX_LINE];
        const char *nl = strchr(cur, '\n');
        size_t len = nl != NULL ? (size_t)(nl - cur) : strlen(cur);

        p.line++;
        if (len >= sizeof(line)) {
            ret = fail(&p, "line too long", NULL);
            break;
        }
        memcpy(line, cur, len);
        line[len] = '\0';
        ret = parse_line(&p, line);
        cur += len + (nl != NULL ? 1 : 0);
    }
    if (ret == 0 && p.in_call)
        ret = fail(&p, "the last call has no reply", NULL);
    for (size_t i = 0; ret == 0 && i < p.count; i++) {
        p.steps[i].mem = p.mems[i].items;
        p.steps[i].mem_count = p.mems[i].n;
        if (ffa_mock_expect(mock, &p.steps[i]) != 0)
            ret = fail(&p, "out of memory", NULL);
    }
    for (size_t i = 0; i < p.count; i++)
        mem_list_free(&p.mems[i]);
    mem_list_free(&p.cur_mem);
    free(p.mems);
    free(p.steps);
    return ret;
}

int ffa_mock_load_file(struct ffa_mock *mock, const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0, cap = 0;
    int ret;

    if (f == NULL) {
        if (err != NULL && err_len > 0)
            snprintf(err, err_len, "%s: cannot open", path);
        return -1;
    }
    for (;;) {
        size_t n;

        if (cap - len < 4096) {
            char *t = realloc(text, cap + 65536);

            if (t == NULL) {
                free(text);
                fclose(f);
                if (err != NULL && err_len > 0)
                    snprintf(err, err_len, "%s: out of memory", path);
                return -1;
            }
            text = t;
            cap += 65536;
        }
        n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    text[len] = '\0';
    fclose(f);
    ret = ffa_mock_load_string(mock, text, path, err, err_len);
    free(text);
    return ret;
}
