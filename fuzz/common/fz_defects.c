/* SPDX-License-Identifier: BSD-3-Clause */
#include "fz_defects.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * The defects found before these harnesses were part of the project, and whether each is still
 * open. Set `open` to 0 in the change that fixes one.
 */
static const struct {
    const char *name;
    int open;
} defects[FZ_DEFECT_COUNT] = {
    [FZ_DEFECT_LARGE_IMAGE] = {"large-image", 0},
    [FZ_DEFECT_RESUME_RACE] = {"resume-race", 0},
    [FZ_DEFECT_RX_RELEASE_FAILURE] = {"rx-release-failure", 0},
    [FZ_DEFECT_BAD_ANSWER] = {"bad-answer", 0},
    [FZ_DEFECT_MANIFEST_REASON] = {"manifest-reason", 0},
    [FZ_DEFECT_CALL_LOOP] = {"call-loop", 0},
};

static unsigned long seen[FZ_DEFECT_COUNT];
static const char *cur_harness;
static const uint8_t *cur_data;
static size_t cur_size;

void fz_defect_input(const char *harness, const uint8_t *data, size_t size)
{
    cur_harness = harness;
    cur_data = data;
    cur_size = size;
}

/* Save the current input as a reproducer of `d` (FFA_FUZZ_KNOWN_DIR). */
static void save_reproducer(enum fz_defect d)
{
    const char *dir = getenv("FFA_FUZZ_KNOWN_DIR");
    char path[1024];
    uint64_t h = 1469598103934665603u;
    FILE *f;

    if (dir == NULL || cur_harness == NULL)
        return;
    for (size_t i = 0; i < cur_size; i++)
        h = (h ^ cur_data[i]) * 1099511628211u;
    snprintf(path, sizeof(path), "%s/%s", dir, defects[d].name);
    mkdir(dir, 0777);
    mkdir(path, 0777);
    snprintf(path, sizeof(path), "%s/%s/%s-%016llx", dir, defects[d].name, cur_harness,
             (unsigned long long)h);
    f = fopen(path, "wb");
    if (f == NULL)
        return;
    fwrite(cur_data, 1, cur_size, f);
    fclose(f);
    fprintf(stderr, "  reproducer saved: %s\n", path);
}

const char *fz_defect_name(enum fz_defect d)
{
    return defects[d].name;
}

static int strict(void)
{
    const char *s = getenv("FFA_FUZZ_STRICT");

    return s != NULL && strcmp(s, "0") != 0;
}

int fz_defect_tolerated(enum fz_defect d)
{
    return defects[d].open && !strict();
}

unsigned long fz_defect_count(enum fz_defect d)
{
    return __atomic_load_n(&seen[d], __ATOMIC_RELAXED);
}

void fz_defect(enum fz_defect d, const char *fmt, ...)
{
    va_list ap;
    unsigned long n = __atomic_add_fetch(&seen[d], 1, __ATOMIC_RELAXED);

    if (fz_defect_tolerated(d) && n > 1)
        return;
    save_reproducer(d);
    va_start(ap, fmt);
    fprintf(stderr, "%s defect '%s': ", fz_defect_tolerated(d) ? "known (open)" : "FATAL",
            defects[d].name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (!fz_defect_tolerated(d))
        abort();
    fprintf(stderr, "  (tolerated while open; FFA_FUZZ_STRICT=1 makes it fatal; later occurrences "
                    "are only counted)\n");
}

void fz_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "INVARIANT FAILED: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---- Deadlines ---- */

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dl_cond = PTHREAD_COND_INITIALIZER;
static bool dl_started, dl_armed;
static struct timespec dl_when;
static enum fz_defect dl_defect;
static const char *dl_what;

static void *deadline_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&dl_lock);
    for (;;) {
        int rc = 0;

        while (!dl_armed)
            pthread_cond_wait(&dl_cond, &dl_lock);
        while (dl_armed && rc == 0)
            rc = pthread_cond_timedwait(&dl_cond, &dl_lock, &dl_when);
        if (dl_armed) {
            enum fz_defect d = dl_defect;

            pthread_mutex_unlock(&dl_lock);
            fz_defect(d, "%s", dl_what); /* aborts unless tolerated */
            fflush(stderr);
            _exit(0);
        }
    }
    return NULL;
}

void fz_deadline_arm(unsigned seconds, enum fz_defect d, const char *what)
{
    pthread_t t;

    pthread_mutex_lock(&dl_lock);
    if (!dl_started) {
        dl_started = pthread_create(&t, NULL, deadline_thread, NULL) == 0;
        if (dl_started)
            pthread_detach(t);
    }
    clock_gettime(CLOCK_REALTIME, &dl_when);
    dl_when.tv_sec += seconds;
    dl_defect = d;
    dl_what = what;
    dl_armed = true;
    pthread_cond_broadcast(&dl_cond);
    pthread_mutex_unlock(&dl_lock);
}

void fz_deadline_disarm(void)
{
    pthread_mutex_lock(&dl_lock);
    dl_armed = false;
    pthread_cond_broadcast(&dl_cond);
    pthread_mutex_unlock(&dl_lock);
}
