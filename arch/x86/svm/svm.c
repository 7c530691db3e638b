/*
 * SVM bring-up on every CPU, and the ASIDs.
 *
 * The boot CPU reads what the CPU offers (CPUID 0x8000000a) into
 * svm_caps; every CPU then sets EFER.SVME, gives the CPU its host save
 * area (VM_HSAVE_PA, where VMRUN keeps what #VMEXIT restores) and
 * VMSAVEs its own FS, GS, TR, LDTR, KernelGSBase and syscall MSRs into a
 * page of its own: VMRUN does not restore those, and the guest's VMLOAD
 * replaces them, so vmrun.S VMLOADs that page after every exit. The
 * hypervisor's per-CPU data is at %gs:0: without that reload the next
 * this_cpu() would read the guest's GS base.
 *
 * A CPU without SVM, or with SVM but without nested paging, still boots:
 * VMs are refused at configuration time with the reason (guest memory
 * cannot be isolated without NPT), and the hypervisor goes on.
 */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <core/console.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <lib/errno.h>
#include <lib/panic.h>
#include <lib/spinlock.h>

#define CPUID_EXT_MAX		0x80000000u
#define CPUID_EXT_FEATURES	0x80000001u
#define CPUID_ADDR_SIZES	0x80000008u
#define CPUID_SVM		0x8000000au
#define CPUID_80000001_ECX_SVM	BIT(2)
#define CPUID_80000001_EDX_RDTSCP BIT(27)
#define CPUID_80000001_EDX_NX	BIT(20)
#define CPUID_7_ECX_RDPID	BIT(22)
#define NPT_GPA_BITS		48u
/* ASIDs handed out: one per VM (VMM_MAX_VMS is far below); 0 is the host's. */
#define SVM_MAX_ASIDS		64u

struct svm_caps svm_caps;

struct svm_cpu {
	void *hsave;
	void *host_state;
	paddr_t host_state_pa;
};

static struct svm_cpu svm_cpus[MAX_CPUS];
static spinlock_t asid_lock = SPINLOCK_INIT;
static u64 asids_used = 1;	/* bit n: ASID n is taken */
static const char *unusable_why = "SVM was not probed";

static bool has_rdpid(void)
{
	struct cpuid_regs r;

	cpuid(0, &r);
	if (r.eax < 7)
		return false;
	cpuid_count(7, 0, &r);
	return r.ecx & CPUID_7_ECX_RDPID;
}

/* Each CPU runs one vCPU for good and the hypervisor never reads TSC_AUX: it is the guest's. */
void svm_load_tsc_aux(u32 val)
{
	wrmsr(MSR_TSC_AUX, val);
}

static void read_caps(void)
{
	struct cpuid_regs r;
	bool tsc_aux, nx;

	cpuid(CPUID_EXT_MAX, &r);
	if (r.eax < CPUID_SVM) {
		unusable_why = "this CPU has no SVM (AMD-V)";
		return;
	}
	cpuid(CPUID_ADDR_SIZES, &r);
	svm_caps.phys_bits = r.eax & 0xff;
	cpuid(CPUID_EXT_FEATURES, &r);
	tsc_aux = r.edx & CPUID_80000001_EDX_RDTSCP;
	nx = r.edx & CPUID_80000001_EDX_NX;
	if (!(r.ecx & CPUID_80000001_ECX_SVM)) {
		unusable_why = "this CPU has no SVM (AMD-V)";
		return;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		unusable_why = "SVM is disabled by the firmware (VM_CR.SVMDIS)";
		return;
	}
	cpuid(CPUID_SVM, &r);
	svm_caps = (struct svm_caps){
		.svm = true,
		.npt = r.edx & SVM_FEATURE_NPT,
		.nrips = r.edx & SVM_FEATURE_NRIPS,
		.decode_assists = r.edx & SVM_FEATURE_DECODE,
		.vgif = r.edx & SVM_FEATURE_VGIF,
		.nr_asids = r.ebx,
		.revision = r.eax & 0xff,
		.phys_bits = svm_caps.phys_bits,
		.tsc_aux = tsc_aux || has_rdpid(),
		.nx = nx,
	};
	svm_caps.gpa_bits = svm_caps.phys_bits ? MIN(NPT_GPA_BITS, svm_caps.phys_bits)
					      : NPT_GPA_BITS;
	unusable_why = svm_caps.npt ? NULL :
		"SVM without nested paging (NPT): guest memory could not be isolated";
}

bool svm_usable(const char **why)
{
	*why = unusable_why;
	return !unusable_why;
}

static void report_caps(void)
{
	if (!svm_caps.svm) {
		pr_warn("%s: VMs will not run\n", unusable_why);
		return;
	}
	pr_info("SVM revision %u, %u ASIDs, NPT %s, NRIPS %s, DecodeAssists %s, vGIF %s\n",
		svm_caps.revision, svm_caps.nr_asids, svm_caps.npt ? "yes" : "no",
		svm_caps.nrips ? "yes" : "no", svm_caps.decode_assists ? "yes" : "no",
		svm_caps.vgif ? "yes" : "no");
	if (unusable_why)
		pr_warn("%s: VMs will not run\n", unusable_why);
}

static void vmsave(paddr_t pa)
{
	__asm__ __volatile__("vmsave %%rax" : : "a"(pa) : "memory");
}

void svm_cpu_init(void)
{
	struct svm_cpu *c = &svm_cpus[cpu_id()];

	if (cpu_id() == 0) {
		read_caps();
		report_caps();
		if (svm_caps.svm && svm_permission_maps_init())
			panic("SVM: no memory for the IO and MSR permission maps");
	}
	if (!svm_caps.svm)
		return;
	c->hsave = page_alloc();
	c->host_state = page_alloc();
	if (!c->hsave || !c->host_state)
		panic("SVM: no memory for CPU %u's host state", cpu_id());
	c->host_state_pa = (paddr_t)(uintptr_t)c->host_state;
	/*
	 * NXE lets the shadow of an L1's nested table say "no execute"
	 * (nested_npt.c); without it bit 63 of an NPT entry is reserved.
	 * The hypervisor's own tables never set bit 63, so nothing else
	 * changes.
	 */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME | (svm_caps.nx ? EFER_NXE : 0));
	wrmsr(MSR_VM_HSAVE_PA, (u64)(uintptr_t)c->hsave);
	/* GS base is this CPU's percpu by now (x86_cpu_early_init). */
	vmsave(c->host_state_pa);
}

paddr_t svm_host_state_pa(void)
{
	return svm_cpus[cpu_id()].host_state_pa;
}

u64 svm_gpa_limit(void)
{
	return 1ULL << (svm_caps.gpa_bits ? svm_caps.gpa_bits : NPT_GPA_BITS);
}

int svm_asid_alloc(u32 *asid)
{
	u32 limit = MIN(svm_caps.nr_asids, SVM_MAX_ASIDS), i;
	int err = -ENOSPC;

	spin_lock(&asid_lock);
	for (i = 1; i < limit; i++) {
		if (!(asids_used & BIT(i))) {
			asids_used |= BIT(i);
			*asid = i;
			err = 0;
			break;
		}
	}
	spin_unlock(&asid_lock);
	return err;
}

/*
 * A freed ASID may come back for another VM whose vCPU runs on a CPU that
 * still caches the old VM's translations: every vCPU flushes its ASID on
 * its first VMRUN (svm_vcpu.flush_tlb).
 */
void svm_asid_free(u32 asid)
{
	if (!asid || asid >= SVM_MAX_ASIDS)
		return;
	spin_lock(&asid_lock);
	asids_used &= ~BIT(asid);
	spin_unlock(&asid_lock);
}
