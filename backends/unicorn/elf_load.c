/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SP images: static little-endian AArch64 ELF64 executables. Only the program headers matter:
 * each PT_LOAD segment is copied to its virtual address (= physical: the SP's MMU is off at entry)
 * with the permissions of its p_flags. The file is untrusted: every offset and size is checked
 * for overflow and bounds before use.
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
    if (eh.e_type != ET_EXEC)
        return elf_fail(err, err_len, "e_type %u is not ET_EXEC (a static, non-PIE executable)",
                        eh.e_type);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
        !range_ok(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size))
        return elf_fail(err, err_len, "bad program header table (offset 0x%llx, %u entries)",
                        (unsigned long long)eh.e_phoff, eh.e_phnum);
    out->entry = eh.e_entry;
    out->lo = UINT64_MAX;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        struct elf_seg *s;

        memcpy(&ph, data + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (out->seg_count == ELF_MAX_SEGS)
            return elf_fail(err, err_len, "more than %u PT_LOAD segments", ELF_MAX_SEGS);
        if (ph.p_filesz > ph.p_memsz || !range_ok(ph.p_offset, ph.p_filesz, size))
            return elf_fail(err, err_len,
                            "segment %u: file range 0x%llx+0x%llx is outside the "
                            "file or larger than its memory size",
                            i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz);
        /* Keep images well inside a 40-bit physical space (and away from overflow). */
        if (ph.p_vaddr >= (UINT64_C(1) << 40) || ph.p_memsz > (UINT64_C(1) << 30) ||
            ph.p_vaddr + ph.p_memsz > (UINT64_C(1) << 40))
            return elf_fail(err, err_len,
                            "segment %u at 0x%llx (0x%llx bytes) is outside the "
                            "40-bit physical address space",
                            i, (unsigned long long)ph.p_vaddr, (unsigned long long)ph.p_memsz);
        if ((ph.p_flags & PF_W) && (ph.p_flags & PF_X))
            return elf_fail(err, err_len, "segment %u at 0x%llx is writable and executable", i,
                            (unsigned long long)ph.p_vaddr);
        s = &out->segs[out->seg_count++];
        s->vaddr = ph.p_vaddr;
        s->memsz = ph.p_memsz;
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->prot = ((ph.p_flags & PF_R) ? UC_PROT_READ : 0) |
                  ((ph.p_flags & PF_W) ? UC_PROT_WRITE : 0) |
                  ((ph.p_flags & PF_X) ? UC_PROT_EXEC : 0);
        if (s->vaddr / SPMC_PAGE * SPMC_PAGE < out->lo)
            out->lo = s->vaddr / SPMC_PAGE * SPMC_PAGE;
        if ((s->vaddr + s->memsz + SPMC_PAGE - 1) / SPMC_PAGE * SPMC_PAGE > out->hi)
            out->hi = (s->vaddr + s->memsz + SPMC_PAGE - 1) / SPMC_PAGE * SPMC_PAGE;
    }
    if (out->seg_count == 0)
        return elf_fail(err, err_len, "no PT_LOAD segment");
    return 0;
}
