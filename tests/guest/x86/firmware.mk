# x86_64 as real machines boot it and show it. UEFI: OVMF (EDK2) on q35,
# GRUB x86_64-efi from the hybrid ISO's EFI system partition, multiboot2
# into the hypervisor with the UEFI memory map tag; the firmware takes
# seconds under TCG, so this is the one UEFI boot, and it runs the demo
# VMs. Consoles: the framebuffer read back as text through QEMU's monitor
# (BIOS GRUB with a VGA card; the VMs' output scrolls it) and compared with
# the serial console, and the console on COM2 by command line.

# The built-in configuration (the demo VMs) under the test command line;
# hybrid like every ISO here: UEFI boots it, and so does the BIOS below.
VM_TEST_ISO := $(BUILD)/tests/vm.iso
$(VM_TEST_ISO): $(HV_ELF) tools/mkiso.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "hv.test=vm"

test-images: $(VM_TEST_ISO)

firmware-suites: test-images
	$(Q)tools/run-suite x86-uefi-grub --plain --timeout 300 \
		--expect '^Welcome to GRUB!$$' \
		--expect 'hv: loaded by GRUB 2\.[0-9]+' \
		--expect 'hv: ram from the UEFI memory map$$' \
		--expect 'hv: console: framebuffer [0-9]+x[0-9]+, (16|24|32) bpp' \
		--expect 'hv: 4 of 4 CPUs online$$' \
		--expect $(call stopped,demo0,exit) --expect $(call stopped,demo1,exit) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(QEMU_X86_UEFI) -cpu max -serial stdio -cdrom $(VM_TEST_ISO) -net none

	$(Q)tools/run-suite x86-console-com2 --timeout $(BOOT_SUITE_TIMEOUT) \
		--expect 'hv: console: 16550 at IO port 0x2f8, 115200 baud \(command line\)$$' \
		-- $(QEMU_X86) -cpu EPYC -serial null -serial stdio -kernel $(HV32) \
		-append "hv.test=boot hv.cpus=4 console=com2 com2=115200,8n1,0x2f8"
	$(Q)tools/run-suite x86-console-fb --plain --status 0 --timeout $(BOOT_SUITE_TIMEOUT) \
		--expect '^hv: console: framebuffer [0-9]+x[0-9]+, (16|24|32) bpp' \
		--expect '^screen: \[demo0\] demo0: this line came through the console hypercall$$' \
		--expect '^screen: hv: vm demo1 stopped after [0-9]+ ms: .*\(exit\)$$' \
		--expect '^screen: hv: all VMs have stopped; 0 did not end as expected$$' \
		--expect '^fb-screen: the screen shows the last [0-9]+ lines of the serial console$$' \
		-- tools/fb-screen $(FB_FONT_HEADER) $(BOOT_SUITE_TIMEOUT) -- \
		qemu-system-x86_64 -machine pc -m 1G -smp 4 -display none -vga std -no-shutdown \
		-cpu max -serial stdio -cdrom $(VM_TEST_ISO) -boot d -net none

.PHONY: firmware-suites
