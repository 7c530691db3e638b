/*
 * What every x86 VM finds in RAM before its kernel (arch_vm_prepare_boot):
 * the ACPI tables, and the ranges of the memory map (multiboot mmap,
 * e820) the kernel must not take as RAM: the EBDA and BIOS area above
 * the low 639 KiB, as on a PC, with the tables as ACPI data inside it.
 */
#include <asm/vplat_acpi.h>
#include <core/config.h>
#include <core/loader.h>
#include <lib/errno.h>

static void reserve(struct load_params *p, u64 base, u64 end, u32 type)
{
	p->reserved[p->nr_reserved++] = (struct loader_mem_range){ base, end - base, type };
}

int arch_vm_prepare_boot(struct vm *vm, struct load_params *p)
{
	u64 acpi_end = VPLAT_ACPI_BASE + VPLAT_ACPI_SIZE;
	int err = vplat_acpi_install(vm);
	bool acpi = !err;

	/* A VM without RAM there still boots, without tables (the message is said). */
	if (err && err != -ENOENT)
		return err;
	p->acpi_rsdp = acpi ? VPLAT_ACPI_RSDP_GPA : 0;
	p->nr_reserved = 0;
	reserve(p, VPLAT_LOW_RAM_END, VPLAT_ACPI_BASE, LOADER_MEM_RESERVED);
	reserve(p, VPLAT_ACPI_BASE, acpi_end, acpi ? LOADER_MEM_ACPI : LOADER_MEM_RESERVED);
	reserve(p, acpi_end, VPLAT_BIOS_END, LOADER_MEM_RESERVED);
	return 0;
}

int arch_load_linux(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	return loader_load_bzimage(vm, p, boot);
}
