# x86_64 booted the way a UEFI machine boots it: OVMF (EDK2) on q35, GRUB
# x86_64-efi from the hybrid ISO's EFI system partition, multiboot2 into
# the hypervisor with the UEFI memory map tag. The firmware takes seconds
# under TCG: this is the one UEFI boot, and it runs the demo VMs.

OVMF_CODE := /usr/share/OVMF/OVMF_CODE.fd
QEMU_X86_UEFI := qemu-system-x86_64 -machine q35 -bios $(OVMF_CODE) -m 1G -smp 4 \
	-display none -vga none -no-reboot -net none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

# The built-in configuration (the demo VMs) under the test command line.
UEFI_TEST_ISO := $(BUILD)/tests/uefi.iso
$(UEFI_TEST_ISO): $(HV_ELF) tools/mkiso.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "hv.test=vm"

test-images: $(UEFI_TEST_ISO)

uefi-suites: test-images
	$(Q)tools/run-suite x86-uefi-grub --plain --timeout 300 \
		--expect '^Welcome to GRUB!$$' \
		--expect 'hv: loaded by GRUB 2\.[0-9]+' \
		--expect 'hv: ram from the UEFI memory map$$' \
		--expect 'hv: 4 of 4 CPUs online$$' \
		--expect $(call stopped,demo0,exit) --expect $(call stopped,demo1,exit) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(QEMU_X86_UEFI) -cpu max -serial stdio -cdrom $(UEFI_TEST_ISO)

.PHONY: uefi-suites
