/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Invariant failures, and the known defects they may be.
 *
 * A harness that finds an invariant broken calls fz_fail() (print and abort: libFuzzer saves the
 * input as a crash). When the failure is one of the defects listed below that is still open (not
 * fixed in lib/ or backends/ yet, see fz_defects.c), it calls fz_defect() instead: the failure is
 * counted and described once per run, and the run goes on, so that CI stays green while the
 * defect is open and the harness keeps looking for new failures. FFA_FUZZ_STRICT=1 in the
 * environment makes every known defect fatal too: that is how a reproducer is replayed, and how
 * whoever fixes a defect sees its regression input fail before the fix.
 *
 * When a defect is fixed, mark it fixed in fz_defects.c: its failures become fatal for everyone,
 * and its reproducers (fuzz/known/<name>/) move into the corpus of their harness.
 */
#ifndef FZ_DEFECTS_H
#define FZ_DEFECTS_H

#include <stddef.h>
#include <stdint.h>

enum fz_defect {
    /* A valid SP image of 4 MiB or more (or segments far apart) aborts inside Unicorn. */
    FZ_DEFECT_LARGE_IMAGE,
    /* A preempted request's response is lost: another VM's FFA_RUN reached the secure world in
       the window before the context was recorded as parked for its owner. */
    FZ_DEFECT_RESUME_RACE,
    /* FFA_RX_RELEASE that the secure world refuses still frees the VM's RX buffer. */
    FZ_DEFECT_RX_RELEASE_FAILURE,
    /* A malformed secure-world answer (undefined error code, non-zero registers an FFA_ERROR
       leaves zero, a 64-bit answer to an AArch32 VM, ...) is passed through to a guest. */
    FZ_DEFECT_BAD_ANSWER,
    /* ffa_unicorn_create() refuses a manifest without naming the reason ("<no error>"). */
    FZ_DEFECT_MANIFEST_REASON,
    /* A partition that keeps making FF-A calls (each answered, an error or not) is never
       preempted nor aborted by the emulated SPMC: its caller (ffa_unicorn_create() while it
       boots, or a normal-world call) never returns, and every other VM waits behind it. */
    FZ_DEFECT_CALL_LOOP,
    FZ_DEFECT_COUNT
};

/* Short name of a defect ("resume-race"): the directory of its reproducers under fuzz/known/. */
const char *fz_defect_name(enum fz_defect d);

/* Is the defect still open (tolerated unless FFA_FUZZ_STRICT=1)? */
int fz_defect_tolerated(enum fz_defect d);

/* An invariant failure that is defect `d`: fatal unless tolerated (then counted). */
void fz_defect(enum fz_defect d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A new invariant failure: describe it and abort. */
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * The input being run (a harness calls this first thing per input). With FFA_FUZZ_KNOWN_DIR set,
 * the first input that shows each known defect is saved as <dir>/<defect>/<harness>-<hash>:
 * that is how fuzz/known/ is filled.
 */
void fz_defect_input(const char *harness, const uint8_t *data, size_t size);

/*
 * A deadline for the current input: if fz_deadline_disarm() is not called within `seconds`, a
 * watchdog thread reports defect `d` with `what` (and the reproducer) and ends the process: with
 * an abort when the defect is not tolerated (libFuzzer saves the input), with _exit(0) when it
 * is (the run stops early but green). For known hangs inside code the harness cannot interrupt.
 */
void fz_deadline_arm(unsigned seconds, enum fz_defect d, const char *what);
void fz_deadline_disarm(void);

/* How many times defect `d` was seen in this process. */
unsigned long fz_defect_count(enum fz_defect d);

#endif /* FZ_DEFECTS_H */
