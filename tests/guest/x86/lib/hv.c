#include <guest/hv.h>
#include <lib/string.h>

bool hv_present(void)
{
	struct cpuid_regs r = cpuid(1);
	char sig[13] = { 0 };

	if (!(r.ecx & X86_BIT(31)))
		return false;
	r = cpuid(HV_CPUID_BASE);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	return !strcmp(sig, "microhv");
}
