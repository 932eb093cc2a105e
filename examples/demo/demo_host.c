/* SPDX-License-Identifier: BSD-3-Clause */
#include "demo_host.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

bool demo_host_verbose;

static void *h_alloc(void *host, size_t size)
{
    (void)host;
    return calloc(1, size);
}

static void h_free(void *host, void *ptr, size_t size)
{
    (void)host;
    (void)size;
    free(ptr);
}

static void *h_lock_create(void *host)
{
    pthread_mutex_t *m = malloc(sizeof(*m));

    (void)host;
    if (m != NULL)
        pthread_mutex_init(m, NULL);
    return m;
}

static void h_lock_destroy(void *host, void *lock)
{
    (void)host;
    pthread_mutex_destroy(lock);
    free(lock);
}

static void h_lock(void *host, void *lock)
{
    (void)host;
    pthread_mutex_lock(lock);
}

static void h_unlock(void *host, void *lock)
{
    (void)host;
    pthread_mutex_unlock(lock);
}

static void h_log(void *host, enum ffa_log_level level, const char *msg)
{
    (void)host;
    if (demo_host_verbose && level <= FFA_LOG_INFO)
        printf("      [mediator] %s\n", msg);
}

const struct ffa_host_ops demo_host_ops = {
    .alloc = h_alloc,
    .free = h_free,
    .lock_create = h_lock_create,
    .lock_destroy = h_lock_destroy,
    .lock = h_lock,
    .unlock = h_unlock,
    .log = h_log,
};
