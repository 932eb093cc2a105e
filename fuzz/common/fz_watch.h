/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest memory that tells on every read: a deterministic double-fetch detector.
 *
 * The rule: the mediator copies guest memory once and validates the copy. A second read of the
 * same guest byte during one call is a double fetch (the guest can change the byte in between)
 * whatever the code does with it; so is reading back a byte the mediator wrote there in the same
 * call.
 *
 * Technique: AddressSanitizer already checks every load and store the instrumented mediator makes
 * (inline checks for plain loads, __asan_memcpy and friends for copies, which check the whole
 * range once). Between fz_watch_begin() and fz_watch_end() the watched guest regions are
 * *poisoned*, so every access the mediator makes to them is reported; the process runs with
 * ASan's halt_on_error=0 and a report callback (__asan_set_error_report_callback) that reads the
 * access (__asan_get_report_address/access_size/access_type/pc) and, instead of failing, records
 * it in a per-byte map of the region: a read of a byte already read or written in this window is
 * a double fetch, counted with the PCs of both accesses. Any report outside a watched region, or
 * outside a window, is a real error: the callback prints it and aborts, as ASan would.
 *
 * Needs: a build with -fsanitize=address, and the code under test compiled with
 * -fsanitize-recover=address (instrumented loads then call the non-aborting report functions;
 * whether a report halts is decided at run time by halt_on_error, so the rest of the project's
 * ASan tests are unaffected). This file sets halt_on_error=0 through __asan_default_options();
 * only link it into programs that use it.
 *
 * One region per slot (FZ_WATCH_SLOTS), page aligned (ASan poisons 8-byte granules). Not thread
 * safe: one thread calls into the mediator while watching.
 */
#ifndef FZ_WATCH_H
#define FZ_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_WATCH_SLOTS 16u

/* True when this build can watch (AddressSanitizer present). */
bool fz_watch_available(void);

/* Watch `len` bytes at `base` (page aligned) as slot `slot`; len 0 forgets the slot. */
void fz_watch_region(unsigned slot, void *base, size_t len);
void fz_watch_clear(void);

/* Start a window: poison every region and forget earlier accesses. Nests (inner calls count). */
void fz_watch_begin(void);
/* End the window: unpoison. Returns the double fetches seen in it (0 if none). */
unsigned long fz_watch_end(void);

/* Let non-mediator code (a fake secure world, the harness) touch the regions inside a window. */
void fz_watch_suspend(void);
void fz_watch_resume(void);

/* Details of the first double fetch of the last window (for failure messages). */
struct fz_watch_hit {
    unsigned slot;
    size_t offset;       /* of the byte read again */
    uintptr_t first_pc;  /* where it was first accessed */
    uintptr_t second_pc; /* where it was read again */
    bool first_was_write;
};
bool fz_watch_first_hit(struct fz_watch_hit *hit);

/* Reads and writes of watched bytes seen in the last window. */
unsigned long fz_watch_reads(void);
unsigned long fz_watch_writes(void);

#endif /* FZ_WATCH_H */
