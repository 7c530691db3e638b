#include <lib/printf.h>
#include <lib/string.h>

#include "internal.h"

#define TAP_LINE	256

static bool have_plan;
static unsigned int planned;
static unsigned int tests_run;
static unsigned int tests_failed;

void tap_plan(unsigned int n)
{
	/* A second plan line would make any TAP consumer reject the run. */
	if (have_plan)
		bail_out("tap_plan(%u) after a plan of %u", n, planned);
	have_plan = true;
	planned = n;
	printf("1..%u\n", n);
}

unsigned int tap_next_test(void)
{
	return tests_run + 1;
}

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	char what[TAP_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%sok %u - %s\n", cond ? "" : "not ", tests_run, what);
	if (!cond && file)
		diag("  failed at %s:%d", file, line);
	return cond;
}

void diag(const char *fmt, ...)
{
	char buf[TAP_LINE * 2];
	const char *s = buf, *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	/* Each line behind its own "# ", or a runner would read it as a test's output. */
	for (;;) {
		nl = strchr(s, '\n');
		printf("# %.*s\n", nl ? (int)(nl - s) : (int)strlen(s), s);
		if (!nl || !nl[1])
			break;
		s = nl + 1;
	}
}

void skip(unsigned int n, const char *fmt, ...)
{
	char why[TAP_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);

	while (n--)
		printf("ok %u # skip %s\n", ++tests_run, why);
}

int tap_done(void)
{
	/* TAP allows the plan at the end, for a guest that cannot count ahead. */
	if (!have_plan) {
		have_plan = true;
		planned = tests_run;
		printf("1..%u\n", tests_run);
	}
	if (tests_run != planned) {
		diag("planned %u tests but ran %u", planned, tests_run);
		return GUEST_EXIT_FAIL;
	}
	if (tests_failed) {
		diag("failed %u of %u tests", tests_failed, tests_run);
		return GUEST_EXIT_FAIL;
	}
	return GUEST_EXIT_PASS;
}

static __noreturn void vbail(unsigned int code, const char *fmt, va_list ap)
{
	char why[TAP_LINE];

	vsnprintf(why, sizeof(why), fmt, ap);
	printf("Bail out! %s\n", why);
	guest_exit(code);
}

void bail_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbail(GUEST_EXIT_BAIL, fmt, ap);
}

void tap_bail_with(unsigned int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbail(code, fmt, ap);
}
