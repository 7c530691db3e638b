#include <asm/cpu.h>
#include <asm/x86.h>
#include <lib/string.h>

/*
 * Per-CPU descriptor tables. The double fault and the NMI run on stacks
 * of their own (IST), so that a hypervisor stack overflow still prints a
 * dump and a stop-NMI can land whatever the CPU was doing.
 */
struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

#define IST_STACK_SIZE	8192
#define IST_DOUBLE_FAULT 1
#define IST_NMI		2
#define GATE_INTERRUPT	0x8e

struct cpu_desc {
	u64 gdt[5];
	struct tss64 tss;
	u8 ist_stacks[2][IST_STACK_SIZE] __aligned(16);
};

static struct cpu_desc cpu_desc[MAX_CPUS] __aligned(64);
static struct idt_gate idt[256] __aligned(16);

extern const u8 isr_stubs[];

static void set_gate(unsigned int vec, unsigned int ist)
{
	u64 addr = (u64)(uintptr_t)(isr_stubs + vec * 16);

	idt[vec] = (struct idt_gate){
		.offset_lo = (u16)addr,
		.selector = GDT_CS,
		.ist = (u8)ist,
		.type = GATE_INTERRUPT,
		.offset_mid = (u16)(addr >> 16),
		.offset_hi = (u32)(addr >> 32),
	};
}

void x86_idt_init(void)
{
	unsigned int v;

	for (v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(VECTOR_DOUBLE_FAULT, IST_DOUBLE_FAULT);
	set_gate(VECTOR_NMI, IST_NMI);
}

static void gdt_init(struct cpu_desc *d)
{
	u64 tss = (u64)(uintptr_t)&d->tss;
	u64 limit = sizeof(d->tss) - 1;

	d->gdt[0] = 0;
	d->gdt[1] = 0x00af9a000000ffffULL;	/* 64-bit code */
	d->gdt[2] = 0x00cf92000000ffffULL;	/* data */
	/* Available 64-bit TSS, split over two slots. */
	d->gdt[3] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ULL << 40) |
		    (((tss >> 24) & 0xff) << 56);
	d->gdt[4] = tss >> 32;
	d->tss.ist[IST_DOUBLE_FAULT - 1] = (u64)(uintptr_t)(d->ist_stacks[0] + IST_STACK_SIZE);
	d->tss.ist[IST_NMI - 1] = (u64)(uintptr_t)(d->ist_stacks[1] + IST_STACK_SIZE);
	d->tss.iomap_base = sizeof(d->tss);
}

void x86_cpu_early_init(struct percpu *pc)
{
	struct cpu_desc *d = &cpu_desc[pc - percpu_data];
	struct desc_ptr gdtr = { sizeof(d->gdt) - 1, (u64)(uintptr_t)d->gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	struct cpuid_regs r;

	cpuid(1, &r);
	pc->self = pc;
	pc->cpu_id = (u32)(pc - percpu_data);
	pc->hw_id = r.ebx >> 24;
	if (pc->cpu_id == 0)
		x86_idt_init();
	gdt_init(d);
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"mov %1, %%ds\n\t"
		"mov %1, %%es\n\t"
		"mov %1, %%ss\n\t"
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"ltr %w3\n\t"
		"lidt %4"
		: : "m"(gdtr), "r"((u64)GDT_DS), "i"(GDT_CS), "r"(GDT_TSS), "m"(idtr)
		: "rax", "memory");
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)pc);
}
