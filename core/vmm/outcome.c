/*
 * The names of the ways a VM can end: the configuration's "expect" and
 * the report of each VM use them, and so does the host-side checker.
 */
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/string.h>

static const char *const outcome_names[VMM_OUTCOME_COUNT] = {
	[VMM_OUTCOME_RUNNING] = "running",
	[VMM_OUTCOME_EXIT_CODE] = "exit",
	[VMM_OUTCOME_SYSTEM_OFF] = "system-off",
	[VMM_OUTCOME_RESET] = "reset",
	[VMM_OUTCOME_CRASH] = "crash",
	[VMM_OUTCOME_SHUTDOWN] = "shutdown",
	[VMM_OUTCOME_HALTED] = "halted",
	[VMM_OUTCOME_FAIL_ENTRY] = "fail-entry",
	[VMM_OUTCOME_INTERNAL_ERROR] = "internal-error",
	[VMM_OUTCOME_ERROR] = "error",
	[VMM_OUTCOME_UNHANDLED_ACCESS] = "unhandled-access",
	[VMM_OUTCOME_DEAD] = "dead",
};

/*
 * The ends a guest causes by a fault of its own, which "on-crash" may
 * turn into a restart. Not "halted" (cli; hlt is how a guest without
 * ACPI powers off), nor "error" or "dead" (the hypervisor's failures: a
 * new life would meet them again), nor the ends the guest asked for.
 */
static const bool outcome_crash[VMM_OUTCOME_COUNT] = {
	[VMM_OUTCOME_CRASH] = true,
	[VMM_OUTCOME_SHUTDOWN] = true,
	[VMM_OUTCOME_FAIL_ENTRY] = true,
	[VMM_OUTCOME_INTERNAL_ERROR] = true,
	[VMM_OUTCOME_UNHANDLED_ACCESS] = true,
};

bool vmm_outcome_is_crash(u32 outcome)
{
	return outcome < VMM_OUTCOME_COUNT && outcome_crash[outcome];
}

const char *vmm_outcome_name(u32 outcome)
{
	return outcome < VMM_OUTCOME_COUNT ? outcome_names[outcome] : "?";
}

int vmm_parse_outcome(const char *s, u32 *outcome, u64 *code)
{
	u32 i;

	*code = 0;
	if (!strncmp(s, "exit:", 5)) {
		*outcome = VMM_OUTCOME_EXIT_CODE;
		return parse_u64(s + 5, strlen(s + 5), code);
	}
	for (i = VMM_OUTCOME_SYSTEM_OFF; i < VMM_OUTCOME_COUNT; i++) {
		if (!strcmp(s, outcome_names[i])) {
			*outcome = i;
			return 0;
		}
	}
	return -EINVAL;
}
