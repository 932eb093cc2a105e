/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot time and host memory of the emulated SPMC, and what they come to for 64 partitions with 8
 * execution contexts each (one Unicorn engine per context: 512 engines).
 *
 *   bench_unicorn_boot [max_partitions]      (default 64; 1..64)
 *
 * For N = 1, 8, ... max_partitions copies of the echo SP: the time ffa_unicorn_create() takes
 * (load, map, boot each to FFA_MSG_WAIT), best of a few runs, and the resident and virtual memory
 * it adds
 * (/proc/self/statm), per partition. Then the cost of one more Unicorn engine with a partition's
 * memory mapped and its code run once (what each further execution context of a multi-PE SPMC
 * adds), and the projection for 64 x 8. Everything is measured twice in the same run: as the
 * process starts (transparent huge pages as the system sets them; Unicorn asks for them on its
 * code cache) and with PR_SET_THP_DISABLE, a choice the host process can make.
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#include "ffa/backend_unicorn.h"

#define MAX_SPS   64
#define PE_TARGET 8

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* statm: field 0 = virtual size, 1 = resident, in pages of 4 KiB; returned in KiB. */
static long statm_kib(int field)
{
    long v[2] = {0, 0};
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &v[0], &v[1]) != 2)
        v[0] = v[1] = 0;
    fclose(f);
    return v[field] * 4;
}

static void *read_file(const char *path, size_t *size, size_t extra)
{
    FILE *f = fopen(path, "rb");
    long len;
    char *buf;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        if (f != NULL)
            fclose(f);
        return NULL;
    }
    buf = calloc(1, (size_t)len + extra);
    if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)len;
    return buf;
}

struct world {
    void *image, *dtbs[MAX_SPS];
    size_t image_size;
    struct ffa_unicorn_sp_config sps[MAX_SPS];
};

/* The echo SP's image, and its manifest with id 0x8001 + i and boot-order i for copy i. */
static int world_init(struct world *w)
{
    w->image = read_file(FFA_SP_DIR "/echo.elf", &w->image_size, 0);
    if (w->image == NULL)
        return -1;
    for (int i = 0; i < MAX_SPS; i++) {
        size_t size;

        w->dtbs[i] = read_file(FFA_SP_DIR "/echo.dtb", &size, 0);
        if (w->dtbs[i] == NULL)
            return -1;
        fdt_setprop_inplace_u32(w->dtbs[i], 0, "id", 0x8001u + (uint32_t)i);
        fdt_setprop_inplace_u32(w->dtbs[i], 0, "boot-order", (uint32_t)i);
        w->sps[i].elf_data = w->image;
        w->sps[i].elf_size = w->image_size;
        w->sps[i].manifest_data = w->dtbs[i];
        w->sps[i].manifest_size = size;
    }
    return 0;
}

struct boot_cost {
    double ms_per_sp;    /* best of the runs */
    long rss_kib_per_sp; /* added by the partitions, while they exist */
    long vsz_kib_per_sp;
};

static int measure_boot(struct world *w, int n, int runs, struct boot_cost *out)
{
    struct ffa_unicorn_config cfg = {.sps = w->sps, .sp_count = (size_t)n};
    struct ffa_unicorn *u;
    char err[256];
    double best = 1e30;

    for (int r = 0; r < runs; r++) {
        long rss0 = statm_kib(1), vsz0 = statm_kib(0);
        double t0 = now_ns(), t;

        if (ffa_unicorn_create(&cfg, &u, err, sizeof(err)) != 0) {
            fprintf(stderr, "create with %d partitions: %s\n", n, err);
            return -1;
        }
        t = now_ns() - t0;
        if (t < best)
            best = t;
        if (r == 0) {
            out->rss_kib_per_sp = (statm_kib(1) - rss0) / n;
            out->vsz_kib_per_sp = (statm_kib(0) - vsz0) / n;
        }
        ffa_unicorn_destroy(u);
    }
    out->ms_per_sp = best / 1e6 / n;
    return 0;
}

/*
 * One more engine of a partition that exists: open, configure as the SPMC does (exits list,
 * hooks), map the echo SP's pages from existing host memory, run its code once to its first
 * smc. What each further execution context costs when every context has its own engine.
 */
static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    (void)intno;
    (void)user;
    uc_emu_stop(uc);
}

static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc;
    (void)addr;
    (void)size;
    (*(uint64_t *)user)++;
}

#define ENGINES 64

static int measure_engines(const struct world *w, double *ms, long *rss_kib, long *vsz_kib)
{
    static uc_engine *ucs[ENGINES];
    static uint64_t blocks;
    /* The echo SP's code as it is linked (sp.lds: 0x10000000), from its ELF's first segment. */
    const uint8_t *elf = w->image;
    uint64_t phoff, off, filesz, entry;
    uint8_t *mem;
    uc_hook h;
    long rss0, vsz0;
    double t0;

    memcpy(&entry, elf + 24, 8);
    memcpy(&phoff, elf + 32, 8);
    memcpy(&off, elf + phoff + 8, 8);
    memcpy(&filesz, elf + phoff + 32, 8);
    mem = aligned_alloc(4096, 1 << 20);
    if (mem == NULL || filesz > (1 << 20))
        return -1;
    memset(mem, 0, 1 << 20);
    memcpy(mem, elf + off, filesz);
    rss0 = statm_kib(1);
    vsz0 = statm_kib(0);
    t0 = now_ns();
    for (int i = 0; i < ENGINES; i++) {
        uint64_t pc = entry;

        if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &ucs[i]) != UC_ERR_OK ||
            uc_ctl_exits_enable(ucs[i]) != UC_ERR_OK ||
            uc_hook_add(ucs[i], &h, UC_HOOK_INTR, (void *)hook_intr, NULL, 1, 0) != UC_ERR_OK ||
            uc_hook_add(ucs[i], &h, UC_HOOK_BLOCK, (void *)hook_block, &blocks, 1, 0) !=
                UC_ERR_OK ||
            uc_mem_map_ptr(ucs[i], 0x10000000, 1 << 20, UC_PROT_ALL, mem) != UC_ERR_OK)
            return -1;
        /* Run the SP's start-up to its first FF-A call (FFA_VERSION). */
        uc_emu_start(ucs[i], pc, 0, 0, 100000);
    }
    *ms = (now_ns() - t0) / 1e6 / ENGINES;
    *rss_kib = (statm_kib(1) - rss0) / ENGINES;
    *vsz_kib = (statm_kib(0) - vsz0) / ENGINES;
    for (int i = 0; i < ENGINES; i++)
        uc_close(ucs[i]);
    free(mem);
    return 0;
}

/*
 * Each figure comes from a fresh process (this program again, with --child): memory a previous
 * measurement freed would otherwise be reused without showing in the resident size.
 */
static int child(struct world *w, const char *what, int n, int thp_off)
{
    struct boot_cost c = {0};
    double ms;
    long rss, vsz;

    if (thp_off)
        prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    if (strcmp(what, "boot") == 0) {
        /* Resident size from the first run (a fresh process), the time from the best run. */
        if (measure_boot(w, n, n >= 64 ? 2 : 5, &c) != 0)
            return 1;
        printf("%.4f %ld %ld\n", c.ms_per_sp, c.rss_kib_per_sp, c.vsz_kib_per_sp);
        return 0;
    }
    if (measure_engines(w, &ms, &rss, &vsz) != 0)
        return 1;
    printf("%.4f %ld %ld\n", ms, rss, vsz);
    return 0;
}

static int spawn(const char *what, int n, int thp_off, struct boot_cost *out)
{
    char cmd[512];
    FILE *p;
    int ok;

    snprintf(cmd, sizeof(cmd), "/proc/%ld/exe --child %s %d %d", (long)getpid(), what, n, thp_off);
    p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    ok = fscanf(p, "%lf %ld %ld", &out->ms_per_sp, &out->rss_kib_per_sp, &out->vsz_kib_per_sp) == 3;
    return pclose(p) == 0 && ok ? 0 : -1;
}

static int run(int max, int thp_off)
{
    struct boot_cost c = {0}, last = {0}, e = {0};
    int total = MAX_SPS * PE_TARGET;

    printf("%s\n", thp_off ? "with prctl(PR_SET_THP_DISABLE) in the host process:"
                           : "transparent huge pages as the system sets them:");
    for (int n = 1; n <= max; n *= 8) {
        if (spawn("boot", n, thp_off, &c) != 0)
            return -1;
        printf("  %2d partitions: boot %.3f ms per partition, resident %ld KiB, virtual %ld KiB "
               "per partition\n",
               n, c.ms_per_sp, c.rss_kib_per_sp, c.vsz_kib_per_sp);
        last = c;
    }
    if (spawn("engine", ENGINES, thp_off, &e) != 0)
        return -1;
    printf("  one more engine (a further execution context): %.3f ms, resident %ld KiB, "
           "virtual %ld KiB\n",
           e.ms_per_sp, e.rss_kib_per_sp, e.vsz_kib_per_sp);
    printf("  projected for %d partitions x %d PEs (%d engines): boot %.0f ms (%.0f ms of it "
           "for the %d further engines), resident %.0f MiB, virtual %.0f GiB\n",
           MAX_SPS, PE_TARGET, total, MAX_SPS * last.ms_per_sp + (total - MAX_SPS) * e.ms_per_sp,
           (total - MAX_SPS) * e.ms_per_sp, total - MAX_SPS,
           (MAX_SPS * (double)last.rss_kib_per_sp + (total - MAX_SPS) * (double)e.rss_kib_per_sp) /
               1024,
           (MAX_SPS * (double)last.vsz_kib_per_sp + (total - MAX_SPS) * (double)e.vsz_kib_per_sp) /
               (1024 * 1024));
    return 0;
}

int main(int argc, char **argv)
{
    static struct world w;
    int max = MAX_SPS;

    if (world_init(&w) != 0) {
        fprintf(stderr, "cannot read the echo SP from %s\n", FFA_SP_DIR);
        return 1;
    }
    if (argc == 5 && strcmp(argv[1], "--child") == 0)
        return child(&w, argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc > 1)
        max = atoi(argv[1]);
    if (max < 1 || max > MAX_SPS) {
        fprintf(stderr, "usage: %s [max_partitions 1..%d]\n", argv[0], MAX_SPS);
        return 2;
    }
    printf("Unicorn %u.%u.%u; every engine reserves %s of address space for translated code\n",
           uc_version(NULL, NULL) >> 24, (uc_version(NULL, NULL) >> 16) & 0xff,
           (uc_version(NULL, NULL) >> 8) & 0xff,
           uc_version(NULL, NULL) >= 0x02010000u ? "code_cache_size (16 MiB by default)"
                                                 : "1 GiB (Unicorn 2.0.1: fixed)");
    if (run(max, 0) != 0 || run(max, 1) != 0) {
        fprintf(stderr, "a measurement failed\n");
        return 1;
    }
    free(w.image);
    for (int i = 0; i < MAX_SPS; i++)
        free(w.dtbs[i]);
    return 0;
}
