#include <asm/cpu.h>
#include <asm/uart.h>
#include <asm/x86.h>
#include <core/boot.h>
#include <core/console.h>
#include <core/hv.h>
#include <lib/errno.h>
#include <lib/panic.h>
#include <lib/string.h>

static struct boot_info boot_info;

/* What the boot page tables map: the loader's pointers must stay below. */
#define BOOT_MAPPED_LIMIT	(4ULL << 30)

static const void *boot_map_low(u64 pa, u64 len, void *ctx)
{
	if (!range_within(pa, len, 0, BOOT_MAPPED_LIMIT))
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static int parse_loader_info(u32 magic, u64 info)
{
	const u32 *total;

	if (magic == MB1_BOOT_MAGIC)
		return mb1_parse(info, boot_map_low, NULL, &boot_info);
	if (magic != MB2_BOOT_MAGIC)
		return -EINVAL;
	total = boot_map_low(info, 8, NULL);
	if (!total || !boot_map_low(info, *total, NULL))
		return -EFAULT;
	return mb2_parse(total, *total, &boot_info);
}

void x86_boot_main(u32 magic, u64 info);

__noreturn void x86_boot_main(u32 magic, u64 info)
{
	int err;

	static const struct uart_port com1 = { .space = UART_SPACE_IO, .base = COM1_PORT,
					       .reg_width = 1, .baud = UART_BAUD_MAX };

	/* COM1 until the console is chosen: a panic below still says why. */
	uart_init(&com1);
	x86_cpu_early_init(&percpu_data[0]);
	boot_info_init(&boot_info);
	err = parse_loader_info(magic, info);
	if (err)
		panic("boot: cannot use the loader's information (magic %#x, info %#llx): %s",
		      magic, info, errno_name(err));
	x86_console_init(&boot_info, boot_map_low);
	/*
	 * The first MiB holds the BIOS data, the EBDA, the AP trampoline and
	 * the ACPI RSDP; nothing there is ever handed out as a page.
	 */
	boot_info_add_reserved(&boot_info, 0, 1ULL << 20);
	hv_main(&boot_info);
}
