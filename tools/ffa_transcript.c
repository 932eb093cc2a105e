/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ffa-transcript: a recording (a mock script, README "Mock script format") as a readable decoded
 * transcript: one line per call and one per reply (ffa_format_regs()), and for the memory lines a
 * summary of what the buffer holds afterwards: partition descriptors, message headers and
 * payloads, memory transaction descriptors, forwarded RX/TX descriptors.
 *
 * Usage: ffa-transcript [-v 1.x] <recording>
 *   -v  the FF-A version of the hypervisor's calls (default: the one its FFA_VERSION negotiated
 *       in the recording, else 1.2)
 * Exit status: 0, 1 when the recording cannot be read, 2 for bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffa/abi.h"
#include "ffa/backend_mock.h"
#include "ffa/format.h"

#define MAX_BUFFER (64u * 4096u) /* the largest RX/TX buffer FF-A maps */

/* What the recording wrote into (rx) or read from (tx) one endpoint's buffers so far. */
struct image {
    uint16_t endpoint;
    uint8_t *rx, *tx;
};

struct transcript {
    struct image *images;
    size_t count;
    uint32_t version; /* of the hypervisor's calls: 0 until FFA_VERSION is seen */
    uint32_t forced_version;
};

static struct image *image_of(struct transcript *t, uint16_t endpoint)
{
    struct image *grown;

    for (size_t i = 0; i < t->count; i++) {
        if (t->images[i].endpoint == endpoint)
            return &t->images[i];
    }
    grown = realloc(t->images, (t->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return NULL;
    t->images = grown;
    grown[t->count].endpoint = endpoint;
    grown[t->count].rx = calloc(1, MAX_BUFFER);
    grown[t->count].tx = calloc(1, MAX_BUFFER);
    if (grown[t->count].rx == NULL || grown[t->count].tx == NULL) {
        free(grown[t->count].rx);
        free(grown[t->count].tx);
        return NULL;
    }
    return &t->images[t->count++];
}

static uint32_t version(const struct transcript *t)
{
    return t->forced_version != 0 ? t->forced_version : t->version;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const char *who(uint16_t endpoint, char *buf, size_t len)
{
    if (endpoint == 0)
        snprintf(buf, len, "hypervisor");
    else
        ffa_format_endpoint(buf, len, endpoint);
    return buf;
}

/* Apply the step's memory lines of one direction for one endpoint; the extent they cover. */
static int apply(struct transcript *t, const struct ffa_mock_step *s, enum ffa_mock_mem_dir dir,
                 uint16_t endpoint, uint32_t *lo, uint32_t *hi, int *masked)
{
    struct image *img = image_of(t, endpoint);
    int any = 0;

    if (img == NULL)
        return 0;
    for (size_t i = 0; i < s->mem_count; i++) {
        const struct ffa_mock_mem *m = &s->mem[i];
        uint8_t *buf = dir == FFA_MOCK_MEM_RX ? img->rx : img->tx;

        if (m->dir != dir || m->endpoint != endpoint || m->offset > MAX_BUFFER ||
            m->len > MAX_BUFFER - m->offset)
            continue;
        for (uint32_t k = 0; k < m->len; k++) {
            int keep = m->mask == NULL || m->mask[k] != 0;

            buf[m->offset + k] = keep ? m->bytes[k] : 0;
            *masked |= !keep;
        }
        if (!any || m->offset < *lo)
            *lo = m->offset;
        if (!any || m->offset + m->len > *hi)
            *hi = m->offset + m->len;
        any = 1;
    }
    return any;
}

/* The partition descriptors a PARTITION_INFO_GET reply left in the hypervisor's RX buffer. */
static void partitions(const struct ffa_regs *reply, const uint8_t *rx, uint32_t v)
{
    uint32_t count = (uint32_t)reply->x[2];
    uint32_t size = v != 0 && v < FFA_VERSION_1_1 ? 8 : (uint32_t)reply->x[3];
    char line[256];

    if (size < 8 || size > 4096 || count > MAX_BUFFER / size) {
        printf("               (%u descriptors of %u bytes: not decoded)\n", count, size);
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        ffa_format_partition_info(line, sizeof(line), rx + (size_t)i * size, size);
        printf("               %s\n", line);
    }
}

/* A summary of what one endpoint's buffer holds after the memory lines of step `s`. */
static void summarise(struct transcript *t, const struct ffa_mock_step *s,
                      enum ffa_mock_mem_dir dir, uint16_t endpoint)
{
    uint32_t fid = (uint32_t)s->call.x[0] & ~FFA_SMCCC_SVE_HINT;
    uint32_t reply = (uint32_t)s->reply.x[0];
    uint32_t lo = 0, hi = 0;
    int masked = 0;
    struct image *img;
    char line[1024], name[32];
    const char *what = dir == FFA_MOCK_MEM_RX ? "rx" : "tx";

    if (!apply(t, s, dir, endpoint, &lo, &hi, &masked) || (img = image_of(t, endpoint)) == NULL)
        return;
    printf("           %s %s: %u bytes at 0x%x%s", what, who(endpoint, name, sizeof(name)), hi - lo,
           lo, masked ? " (addresses not recorded)" : "");
    line[0] = '\0';
    if (dir == FFA_MOCK_MEM_TX) {
        if (fid == FFA_RXTX_MAP_32 || fid == FFA_RXTX_MAP_64)
            ffa_format_rxtx_descriptor(line, sizeof(line), img->tx, hi);
        else if (fid == FFA_MSG_SEND2)
            ffa_format_msg(line, sizeof(line), img->tx, hi);
        else if (fid == FFA_MEM_RELINQUISH)
            ffa_format_mem_relinquish(line, sizeof(line), img->tx, hi);
        else if ((fid & ~FFA_SMCCC_64) >= FFA_MEM_DONATE_32 &&
                 (fid & ~FFA_SMCCC_64) <= FFA_MEM_RETRIEVE_REQ_32)
            ffa_format_mem_transaction(line, sizeof(line), img->tx, hi, version(t));
    } else if (fid == FFA_PARTITION_INFO_GET && reply == FFA_SUCCESS_32 &&
               !((s->call.x[5] & 1u) != 0 && version(t) != FFA_VERSION_1_0)) {
        printf(": %u partition descriptors\n", (uint32_t)s->reply.x[2]);
        partitions(&s->reply, img->rx, version(t));
        return;
    } else if (reply == FFA_MEM_RETRIEVE_RESP) {
        ffa_format_mem_transaction(line, sizeof(line), img->rx, (uint32_t)s->reply.x[2],
                                   version(t));
    } else if (endpoint != 0 && le32(img->rx + 8) >= 20) {
        /* An SP's indirect message to a VM (FFA_MSG_SEND2 delivered by the SPMC). */
        ffa_format_msg(line, sizeof(line), img->rx, MAX_BUFFER);
        printf(": message %s\n", line);
        return;
    }
    printf("%s%s\n", line[0] != '\0' ? ": " : "", line);
}

static void step(struct transcript *t, size_t n, const struct ffa_mock_step *s)
{
    uint32_t fid = (uint32_t)s->call.x[0] & ~FFA_SMCCC_SVE_HINT;
    uint16_t endpoints[64];
    size_t ne = 0;
    char line[1024], cpu[16] = "any";

    if ((s->match & FFA_MOCK_CPU) != 0)
        snprintf(cpu, sizeof(cpu), "%u", s->cpu);
    ffa_format_regs(line, sizeof(line), &s->call, FFA_FORMAT_CALL, version(t), NULL);
    printf("#%-4zu cpu %-3s %s\n", n, cpu, line);
    /* The endpoints with memory lines, in order of first appearance. */
    for (size_t i = 0; i < s->mem_count; i++) {
        size_t k = 0;

        while (k < ne && endpoints[k] != s->mem[i].endpoint)
            k++;
        if (k == ne && ne < sizeof(endpoints) / sizeof(endpoints[0]))
            endpoints[ne++] = s->mem[i].endpoint;
    }
    for (size_t k = 0; k < ne; k++)
        summarise(t, s, FFA_MOCK_MEM_TX, endpoints[k]);
    ffa_format_regs(line, sizeof(line), &s->reply, FFA_FORMAT_REPLY, version(t), &s->call);
    printf("           -> %s\n", line);
    for (size_t k = 0; k < ne; k++)
        summarise(t, s, FFA_MOCK_MEM_RX, endpoints[k]);
    /* The version the two sides share: the lower of the one asked and the one answered. */
    if (fid == FFA_VERSION && (s->reply.x[0] & FFA_VERSION_MBZ) == 0 && t->version == 0)
        t->version = (uint32_t)(s->call.x[1] < s->reply.x[0] ? s->call.x[1] : s->reply.x[0]);
}

static int usage(void)
{
    fprintf(stderr, "usage: ffa-transcript [-v 1.x] <recording>\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct transcript t = {0};
    const char *path = NULL;
    struct ffa_mock *mock;
    const struct ffa_mock_step *s;
    char err[512];
    size_t n;

    for (int i = 1; i < argc; i++) {
        unsigned major, minor;

        if (strcmp(argv[i], "-v") == 0 && i + 1 < argc &&
            sscanf(argv[i + 1], "%u.%u", &major, &minor) == 2 && major == 1 && minor < 0x10000) {
            t.forced_version = FFA_VERSION_MAKE(1u, minor);
            i++;
        } else if (argv[i][0] != '-' && path == NULL) {
            path = argv[i];
        } else {
            return usage();
        }
    }
    if (path == NULL)
        return usage();
    mock = ffa_mock_create();
    if (mock == NULL || ffa_mock_load_file(mock, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "ffa-transcript: %s\n", mock != NULL ? err : "out of memory");
        ffa_mock_destroy(mock);
        return 1;
    }
    for (n = 0; ffa_mock_step_at(mock, n) != NULL; n++)
        ;
    printf("%s: %zu calls into the secure world\n", path, n);
    for (size_t i = 0; (s = ffa_mock_step_at(mock, i)) != NULL; i++)
        step(&t, i + 1, s);
    ffa_mock_destroy(mock);
    for (size_t i = 0; i < t.count; i++) {
        free(t.images[i].rx);
        free(t.images[i].tx);
    }
    free(t.images);
    return 0;
}
