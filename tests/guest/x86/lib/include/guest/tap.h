#ifndef GUEST_TAP_H
#define GUEST_TAP_H

#include <lib/compiler.h>

/*
 * TAP version 12 on the console, as tools/run-suite scores it: a plan
 * "1..N", one "ok N - what" or "not ok N - what" per test, "# " lines of
 * diagnostics, "Bail out!" to give up.
 */

/* Announces @n tests. Without a plan, tap_done() prints one at the end. */
void tap_plan(unsigned int n);

/*
 * Reports one test; returns @cond so that a test can skip what depends on
 * it. A failure also prints where the check is (file and line).
 */
#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...) __printf(4, 5);

/* Diagnostics: every line of the message is printed behind "# ". */
void diag(const char *fmt, ...) __printf(1, 2);

/* Counts @n tests as skipped ("ok N # skip why"), e.g. for a missing CPU feature. */
void skip(unsigned int n, const char *fmt, ...) __printf(2, 3);

/*
 * Ends the run: GUEST_EXIT_PASS if every test passed and as many ran as
 * were planned, GUEST_EXIT_FAIL otherwise. guest_main() returns it.
 */
int tap_done(void);

/* Prints "Bail out! why" and exits with GUEST_EXIT_BAIL. */
__noreturn void bail_out(const char *fmt, ...) __printf(1, 2);

/* The number the next ok() will print. */
unsigned int tap_next_test(void);

#endif
