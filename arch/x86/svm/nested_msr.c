/*
 * The SVM MSRs as L1 sees them: EFER.SVME, VM_CR and VM_HSAVE_PA. A VM
 * not offered SVM has neither MSR (#GP, as on a CPU without SVM) and
 * cannot set EFER.SVME, which stays set underneath for VMRUN's sake.
 */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>

#define VM_CR_LOCK		BIT(3)
#define VM_CR_WRITABLE		(VM_CR_LOCK | VM_CR_SVMDIS)

/* L2 runs with SVME set (a VMRUN check): in guest mode its EFER is what it sees. */
bool svm_nested_efer_svme(const struct svm_vcpu *sv)
{
	return sv->nested.guest_mode ? true : sv->nested.efer_svme;
}

/* Setting SVME needs SVM offered and not disabled through VM_CR. */
int svm_nested_efer_svme_write(struct svm_vcpu *sv, bool svme)
{
	if (svme && (!sv->nested.offered || (sv->nested.vm_cr & VM_CR_SVMDIS)))
		return -EINVAL;
	if (!sv->nested.guest_mode)
		sv->nested.efer_svme = svme;
	return 0;
}

int svm_nested_vm_cr_read(struct svm_vcpu *sv, u64 *val)
{
	if (!sv->nested.offered)
		return -EINVAL;
	*val = sv->nested.vm_cr;
	return 0;
}

/*
 * SVMDIS and LOCK only; once locked, SVMDIS stays. Disabling SVM while
 * EFER.SVME is set is refused, as the APM requires.
 */
int svm_nested_vm_cr_write(struct svm_vcpu *sv, u64 val)
{
	struct svm_nested *n = &sv->nested;

	if (!n->offered || (val & ~VM_CR_WRITABLE))
		return -EINVAL;
	if ((n->vm_cr & VM_CR_LOCK) && ((val ^ n->vm_cr) & VM_CR_SVMDIS))
		return -EINVAL;
	if ((val & VM_CR_SVMDIS) && n->efer_svme)
		return -EINVAL;
	n->vm_cr = val | (n->vm_cr & VM_CR_LOCK);
	return 0;
}

int svm_nested_hsave_read(struct svm_vcpu *sv, u64 *val)
{
	if (!sv->nested.offered)
		return -EINVAL;
	*val = sv->nested.hsave_pa;
	return 0;
}

/*
 * A page of L1's RAM, or 0 (none yet): the host save area is where
 * VMRUN keeps L1's state, so an address the hypervisor could not back
 * is refused at the write, not discovered at a VMRUN.
 */
int svm_nested_hsave_write(struct svm_vcpu *sv, u64 val)
{
	if (!sv->nested.offered || (val & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (val && !vm_gpa_to_hva(sv->vcpu->vm, val, PAGE_SIZE))
		return -EINVAL;
	sv->nested.hsave_pa = val;
	return 0;
}
