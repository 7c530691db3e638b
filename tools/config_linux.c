/*
 * The "linux" format on the host: the hypervisor links one
 * arch_load_linux() (its own architecture's protocol), while the host's
 * configuration checker judges VMs of both architectures with the same
 * dry run, so it takes the protocol from the VM's architecture.
 */
#include <core/config_check.h>
#include <core/loader.h>

int arch_load_linux(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	if (p->arch == CONFIG_ARM64)
		return loader_load_arm64_image(vm, p, boot);
	return loader_load_bzimage(vm, p, boot);
}
