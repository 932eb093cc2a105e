/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SP images. Three kinds, as the ecosystem builds them:
 *  - a static AArch64 ELF64 executable (ET_EXEC): each PT_LOAD segment goes to its virtual
 *    address (= physical: the SP's MMU is off at entry), with the permissions of its p_flags;
 *  - a position-independent ELF (ET_DYN, -static-pie, as Trusted Services builds its SPs): the
 *    same, moved so that its lowest page lands at the manifest's load-address; the loader applies
 *    no relocation, the SP's start-up code relocates itself (its .rela.dyn is loaded with it);
 *  - a flat binary (objcopy -O binary, as TF-A's and Hafnium's SP packages carry): the bytes at
 *    load-address, one segment that may be read, written and executed.
 * A segment whose p_flags give no permission at all (conformance-test images) may be read, written
 * and executed: Hafnium maps a partition's whole memory RWX at stage 2 (src/load.c
 * load_secondary()) and leaves permissions to the SP's own stage 1. The file is untrusted: every
 * offset and size is checked for overflow and bounds before use.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spmc_internal.h"

__attribute__((format(printf, 3, 4))) static int elf_fail(char *err, size_t len, const char *fmt,
                                                          ...)
{
    va_list ap;

    if (err != NULL && len > 0) {
        int n = snprintf(err, len, "image: ");

        va_start(ap, fmt);
        if (n > 0 && (size_t)n < len)
            vsnprintf(err + n, len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

bool ffau_elf_is_elf(const uint8_t *data, size_t size)
{
    return size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

/* Keep images well inside a 40-bit physical space (and away from overflow). */
#define ELF_PA_LIMIT  (UINT64_C(1) << 40)
#define ELF_SEG_LIMIT (UINT64_C(1) << 30)

static uint64_t page_down(uint64_t a)
{
    return a / SPMC_PAGE * SPMC_PAGE;
}

static uint64_t page_up(uint64_t a)
{
    return (a + SPMC_PAGE - 1) / SPMC_PAGE * SPMC_PAGE;
}

static int add_segment(struct elf_image *out, unsigned i, const Elf64_Phdr *ph, size_t size,
                       char *err, size_t err_len)
{
    struct elf_seg *s;

    if (out->seg_count == ELF_MAX_SEGS)
        return elf_fail(err, err_len, "more than %u PT_LOAD segments", ELF_MAX_SEGS);
    if (ph->p_filesz > ph->p_memsz || !range_ok(ph->p_offset, ph->p_filesz, size))
        return elf_fail(err, err_len,
                        "segment %u: file range 0x%llx+0x%llx is outside the "
                        "file or larger than its memory size",
                        i, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz);
    if (ph->p_vaddr >= ELF_PA_LIMIT || ph->p_memsz > ELF_SEG_LIMIT ||
        ph->p_vaddr + ph->p_memsz > ELF_PA_LIMIT)
        return elf_fail(err, err_len,
                        "segment %u at 0x%llx (0x%llx bytes) is outside the "
                        "40-bit physical address space",
                        i, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz);
    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return elf_fail(err, err_len, "segment %u at 0x%llx is writable and executable", i,
                        (unsigned long long)ph->p_vaddr);
    s = &out->segs[out->seg_count++];
    s->vaddr = ph->p_vaddr;
    s->memsz = ph->p_memsz;
    s->offset = ph->p_offset;
    s->filesz = ph->p_filesz;
    s->prot = ((ph->p_flags & PF_R) ? UC_PROT_READ : 0) |
              ((ph->p_flags & PF_W) ? UC_PROT_WRITE : 0) |
              ((ph->p_flags & PF_X) ? UC_PROT_EXEC : 0);
    if (s->prot == 0) {
        s->prot = UC_PROT_ALL;
        s->rwx_ok = true;
    }
    if (page_down(s->vaddr) < out->lo)
        out->lo = page_down(s->vaddr);
    if (page_up(s->vaddr + s->memsz) > out->hi)
        out->hi = page_up(s->vaddr + s->memsz);
    return 0;
}

int ffau_elf_parse(const uint8_t *data, size_t size, struct elf_image *out, char *err,
                   size_t err_len)
{
    Elf64_Ehdr eh;

    memset(out, 0, sizeof(*out));
    if (size < sizeof(eh))
        return elf_fail(err, err_len, "%zu bytes is too short for an ELF header", size);
    memcpy(&eh, data, sizeof(eh));
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        return elf_fail(err, err_len, "not an ELF file (bad magic)");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return elf_fail(err, err_len, "not a little-endian ELF64 file");
    if (eh.e_machine != EM_AARCH64)
        return elf_fail(err, err_len, "e_machine %u is not AArch64 (%u)", eh.e_machine, EM_AARCH64);
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return elf_fail(err, err_len,
                        "e_type %u is not ET_EXEC (static) or ET_DYN (position-independent)",
                        eh.e_type);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
        !range_ok(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size))
        return elf_fail(err, err_len, "bad program header table (offset 0x%llx, %u entries)",
                        (unsigned long long)eh.e_phoff, eh.e_phnum);
    out->entry = eh.e_entry;
    out->relocatable = eh.e_type == ET_DYN;
    out->lo = UINT64_MAX;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, data + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        /* Nobody resolves an interpreter here: the image must be self-contained. */
        if (ph.p_type == PT_INTERP)
            return elf_fail(err, err_len,
                            "segment %u is PT_INTERP: a dynamically linked image needs a "
                            "loader (link it with -static-pie)",
                            i);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (add_segment(out, i, &ph, size, err, err_len) != 0)
            return -1;
    }
    if (out->seg_count == 0)
        return elf_fail(err, err_len, "no PT_LOAD segment");
    return 0;
}

int ffau_elf_flat(size_t size, struct elf_image *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    if (size == 0 || size > ELF_SEG_LIMIT)
        return elf_fail(err, err_len, "a flat image of %zu bytes is not 1 byte..1 GiB", size);
    out->relocatable = true;
    out->flat = true;
    out->seg_count = 1;
    out->segs[0] = (struct elf_seg){.vaddr = 0,
                                    .memsz = size,
                                    .offset = 0,
                                    .filesz = size,
                                    .prot = UC_PROT_ALL,
                                    .rwx_ok = true};
    out->lo = 0;
    out->hi = page_up(size);
    return 0;
}

int ffau_elf_place(struct elf_image *img, uint64_t base, char *err, size_t err_len)
{
    uint64_t bias = base - img->lo; /* modulo 2^64: a move down is a wrap-around add */

    if (!img->relocatable || base == img->lo)
        return 0;
    if (base % SPMC_PAGE != 0 || base >= ELF_PA_LIMIT || img->hi - img->lo > ELF_PA_LIMIT - base)
        return elf_fail(err, err_len,
                        "a %llu-byte image cannot be placed at 0x%llx (inside the 40-bit "
                        "physical address space, 4 KiB aligned)",
                        (unsigned long long)(img->hi - img->lo), (unsigned long long)base);
    for (unsigned i = 0; i < img->seg_count; i++)
        img->segs[i].vaddr += bias;
    img->entry += bias;
    img->hi += bias;
    img->lo = base;
    return 0;
}
