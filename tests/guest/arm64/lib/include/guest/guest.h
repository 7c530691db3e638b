#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

/*
 * The arm64 test guests' library: output on the PL011 (every character
 * an MMIO exit), TAP, SMCCC calls (PSCI and the hypervisor's
 * hypercalls), expected exceptions, and the way out (debug-exit, or
 * PSCI SYSTEM_OFF). The VM layout it assumes is the test
 * configurations' (tests/guest/arm64/configs/vm.dtsi).
 */
#include <hv/run.h>
#include <lib/compiler.h>
#include <lib/types.h>

#define GUEST_RAM_BASE		0x40000000ULL
#define GUEST_UART		0x09000000ULL
#define GUEST_DEBUG_EXIT	0x09010000ULL
#define GUEST_COUNTER		0x09020000ULL
#define GUEST_NOWHERE		0x0a000000ULL	/* no device, not RAM */

#define PSCI_VERSION		0x84000000u
#define PSCI_CPU_SUSPEND	0x84000001u
#define PSCI_CPU_OFF		0x84000002u
#define PSCI_CPU_ON		0xc4000003u
#define PSCI_CPU_ON_32		0x84000003u
#define PSCI_AFFINITY_INFO	0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE	0x84000006u
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u
#define PSCI_FEATURES		0x8400000au

extern char __image_start[], __image_end[];

struct smccc_res {
	u64 x0, x1, x2, x3;
};

u64 hvc(u64 fn, u64 a1, u64 a2, u64 a3);
u64 smc(u64 fn, u64 a1, u64 a2, u64 a3);
u64 hv_hypercall(u64 nr, u64 a1, u64 a2);
u64 hv_console_write(const char *s, u64 len);

/* Entry points a guest defines. */
int guest_main(const void *dtb);
void guest_secondary(u64 cpu);

/* Exit: debug-exit with @code (the VM ends with "exit:code"). */
__noreturn void guest_exit(unsigned int code);
__noreturn void psci_system_off(void);

void putc_uart(char c);
int printf(const char *fmt, ...) __printf(1, 2);

/* TAP */
void tap_plan(unsigned int n);
bool tap_ok(bool cond, const char *fmt, ...) __printf(2, 3);
#define ok(cond, ...)	tap_ok((cond), __VA_ARGS__)
void diag(const char *fmt, ...) __printf(1, 2);
__noreturn void bail_out(const char *fmt, ...) __printf(1, 2);
/* The plan, if none was given, and the exit code: 0 iff everything passed. */
int tap_done(void);

/*
 * An exception @fn raises, caught: its ESR, or ~0 if none came. The
 * instruction is skipped; after an instruction abort (a branch to where
 * nothing can be fetched) execution goes on at x30, the branch's return.
 */
u64 expect_exception(void (*fn)(void *arg), void *arg);

/*
 * MMIO through plain register-indirect loads and stores: a writeback or
 * pair form (which the compiler picks for loops) has no syndrome (ISV=0)
 * and cannot be emulated, as on real hardware under KVM.
 */
#define MMIO_RW(bits, sfx, r)							\
static inline u##bits mmio_read##bits(u64 a)					\
{										\
	u64 v;									\
	__asm__ __volatile__("ldr" sfx " %" r "0, [%1]" : "=r"(v) : "r"(a) : "memory"); \
	return (u##bits)v;							\
}										\
static inline void mmio_write##bits(u64 a, u##bits v)				\
{										\
	__asm__ __volatile__("str" sfx " %" r "0, [%1]" : : "rZ"((u64)v), "r"(a) : "memory"); \
}
MMIO_RW(8, "b", "w")
MMIO_RW(16, "h", "w")
MMIO_RW(32, "", "w")
MMIO_RW(64, "", "x")

#define read_sysreg(r) ({ u64 __v; __asm__ __volatile__("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) __asm__ __volatile__("msr " #r ", %x0" : : "rZ"((u64)(v)))
#define isb() __asm__ __volatile__("isb" ::: "memory")

static inline u64 counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* The DTB's /chosen/bootargs, or "". */
const char *guest_bootargs(const void *dtb);
/* How many cpu nodes the DTB lists. */
unsigned int guest_nr_cpus(const void *dtb);

/* GICv3 (lib/gic.c) and interrupts: handler(intid) runs between ack and EOI. */
void gic_init_dist(void);
void gic_init_cpu(unsigned int cpu);
void gic_enable_irq(u32 intid, unsigned int cpu);
u32 gic_ack(void);
void gic_eoi(u32 intid);
void gic_send_sgi(unsigned int cpu, unsigned int sgi);
void gic_send_sgi_others(unsigned int sgi);
void gic_set_priority(u32 intid, unsigned int cpu, u8 prio);
void gic_set_pending(u32 intid, unsigned int cpu);
extern void (*guest_irq_handler)(u32 intid);
/* Group 0 interrupts arrive as FIQs: handler(intid) between ICC_IAR0 and ICC_EOIR0. */
extern void (*guest_fiq_handler)(u32 intid);
#define local_irq_enable()	__asm__ __volatile__("msr daifclr, #2" ::: "memory")
#define local_irq_disable()	__asm__ __volatile__("msr daifset, #2" ::: "memory")

/* Starts vCPU @cpu at guest_secondary_entry with a stack of its own: the PSCI result. */
s64 start_secondary(u64 cpu);

#endif
