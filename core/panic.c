#include <core/arch.h>
#include <core/console.h>
#include <core/hv.h>
#include <core/percpu.h>
#include <lib/panic.h>

static u32 panicking;

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	/* Only the first CPU to panic reports; a nested panic just stops. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL))
		arch_cpu_stop();
	arch_stop_other_cpus();

	printk("\nhv: PANIC on CPU %u: ", cpu_id());
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	if (hv_test_mode())
		arch_test_exit(HV_TEST_EXIT_PANIC);
	arch_cpu_stop();
}

void warn_once_report(const char *file, int line, const char *cond)
{
	printk("hv: WARNING on CPU %u at %s:%d: %s\n", cpu_id(), file, line, cond);
}

__noreturn void hv_cpu_faulted(void)
{
	if (hv_test_mode())
		arch_test_exit(HV_TEST_EXIT_FAULT);
	printk("hv: CPU %u stopped\n", cpu_id());
	arch_cpu_stop();
}
