#include <guest/svm.h>
#include <lib/string.h>

#define ATTR_CODE64	0xa9b
#define ATTR_DATA	0xc93

struct dtr {
	u16 limit;
	u64 base;
} __packed;

void svm_vmcb_init_flat64(struct vmcb *v, u64 rip, u64 rsp)
{
	struct dtr gdt, idt;
	struct seg data = { KERNEL_DS, ATTR_DATA, 0xffffffff, 0 };

	__asm__ __volatile__("sgdt %0; sidt %1" : "=m"(gdt), "=m"(idt));
	memset(v, 0, sizeof(*v));
	v->icpt2 = I2_VMRUN | I2_VMMCALL;
	v->asid = 1;
	v->cs = (struct seg){ KERNEL_CS, ATTR_CODE64, 0xffffffff, 0 };
	v->es = v->ss = v->ds = data;
	v->gdtr = (struct seg){ 0, 0, gdt.limit, gdt.base };
	v->idtr = (struct seg){ 0, 0, idt.limit, idt.base };
	v->efer = rdmsr(MSR_EFER);
	v->cr0 = read_cr0();
	v->cr3 = read_cr3();
	v->cr4 = read_cr4();
	v->dr6 = 0xffff0ff0;
	v->dr7 = 0x400;
	v->rflags = 2;
	v->rip = rip;
	v->rsp = rsp;
}
