/* SPDX-License-Identifier: BSD-3-Clause */
#include "fz_watch.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FZ_HAVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FZ_HAVE_ASAN 1
#endif

#ifdef FZ_HAVE_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

/* The byte was read (R) or written (W) in this window; PC of its first access. */
#define MARK_R 1u
#define MARK_W 2u

struct region {
    uint8_t *base;
    size_t len;
    uint8_t *marks;
    uintptr_t *pcs;
};

static struct region regions[FZ_WATCH_SLOTS];
static int depth;
static bool poisoned;
static unsigned long reads, writes, doubles;
static bool have_hit;
static struct fz_watch_hit hit;
static int devnull = -1;

/* Reports are routine while watching: the callback judges them, so keep ASan quiet. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "halt_on_error=0:suppress_equal_pcs=0:print_summary=0";
}

bool fz_watch_available(void)
{
    return true;
}

static void poison_all(bool on)
{
    for (unsigned i = 0; i < FZ_WATCH_SLOTS; i++) {
        if (regions[i].base == NULL)
            continue;
        if (on)
            __asan_poison_memory_region(regions[i].base, regions[i].len);
        else
            __asan_unpoison_memory_region(regions[i].base, regions[i].len);
    }
    poisoned = on;
}

static void on_report(const char *report)
{
    uintptr_t a = (uintptr_t)__asan_get_report_address();
    size_t size = __asan_get_report_access_size();
    bool is_write = __asan_get_report_access_type() != 0;
    uintptr_t pc = (uintptr_t)__asan_get_report_pc();

    for (unsigned i = 0; poisoned && i < FZ_WATCH_SLOTS; i++) {
        struct region *r = &regions[i];
        uintptr_t start = (uintptr_t)r->base;

        if (r->base == NULL || a < start || a >= start + r->len)
            continue;
        if (size > r->len - (a - start))
            size = r->len - (a - start);
        for (size_t b = a - start; b < a - start + size; b++) {
            if (!is_write && r->marks[b] != 0) {
                doubles++;
                if (!have_hit) {
                    have_hit = true;
                    hit = (struct fz_watch_hit){i, b, r->pcs[b], pc, (r->marks[b] & MARK_W) != 0};
                }
            }
            if (r->marks[b] == 0)
                r->pcs[b] = pc;
            r->marks[b] |= is_write ? MARK_W : MARK_R;
        }
        if (is_write)
            writes++;
        else
            reads++;
        return;
    }
    /* A real error: what ASan would have printed, then die as it would have. */
    if (devnull >= 0)
        __sanitizer_set_report_fd((void *)(intptr_t)2);
    fputs(report, stderr);
    fputs("fz_watch: AddressSanitizer error outside the watched guest memory\n", stderr);
    abort();
}

void fz_watch_region(unsigned slot, void *base, size_t len)
{
    struct region *r = &regions[slot];

    if (r->base != NULL && poisoned)
        __asan_unpoison_memory_region(r->base, r->len);
    free(r->marks);
    free(r->pcs);
    memset(r, 0, sizeof(*r));
    if (len == 0)
        return;
    r->base = base;
    r->len = len;
    r->marks = calloc(len, 1);
    r->pcs = calloc(len, sizeof(*r->pcs));
    if (r->marks == NULL || r->pcs == NULL)
        abort();
    __asan_set_error_report_callback(on_report);
}

void fz_watch_clear(void)
{
    for (unsigned i = 0; i < FZ_WATCH_SLOTS; i++)
        fz_watch_region(i, NULL, 0);
    /* Also after a window left open by a failed assertion. */
    depth = 0;
    poisoned = false;
    if (devnull >= 0)
        __sanitizer_set_report_fd((void *)(intptr_t)2);
}

void fz_watch_begin(void)
{
    if (depth++ > 0)
        return;
    reads = writes = doubles = 0;
    have_hit = false;
    for (unsigned i = 0; i < FZ_WATCH_SLOTS; i++) {
        if (regions[i].base != NULL)
            memset(regions[i].marks, 0, regions[i].len);
    }
    if (devnull < 0)
        devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull >= 0)
        __sanitizer_set_report_fd((void *)(intptr_t)devnull);
    poison_all(true);
}

unsigned long fz_watch_end(void)
{
    if (--depth > 0)
        return 0;
    poison_all(false);
    if (devnull >= 0)
        __sanitizer_set_report_fd((void *)(intptr_t)2);
    return doubles;
}

void fz_watch_suspend(void)
{
    if (depth > 0)
        poison_all(false);
}

void fz_watch_resume(void)
{
    if (depth > 0)
        poison_all(true);
}

#else /* no AddressSanitizer: nothing to watch with */

bool fz_watch_available(void)
{
    return false;
}
void fz_watch_region(unsigned slot, void *base, size_t len)
{
    (void)slot;
    (void)base;
    (void)len;
}
void fz_watch_clear(void)
{
}
void fz_watch_begin(void)
{
}
unsigned long fz_watch_end(void)
{
    return 0;
}
void fz_watch_suspend(void)
{
}
void fz_watch_resume(void)
{
}
static bool have_hit;
static struct fz_watch_hit hit;
static unsigned long reads, writes;
#endif

bool fz_watch_first_hit(struct fz_watch_hit *out)
{
    if (have_hit)
        *out = hit;
    return have_hit;
}

unsigned long fz_watch_reads(void)
{
    return reads;
}

unsigned long fz_watch_writes(void)
{
    return writes;
}
