# x86_64 guest suites: the test guests on bare QEMU, then the hypervisor booted
# in QEMU; each scores TAP.

include tests/guest/x86/guests.mk

TEST_ISO := $(BUILD)/tests/boot.iso

$(TEST_ISO): $(HV_ELF) tools/mkiso.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "hv.test=boot hv.cpus=4"

test-images: $(BUILD)/images $(TEST_ISO) $(X86_GUEST_IMAGES)

# The bare-metal suites run the test guests straight on QEMU: the guest
# library is known good before the hypervisor runs the same binaries.
guest-suites:
	$(Q)tools/run-suite x86-guest-bare-hello --timeout 30 -- $(QEMU_X86) -cpu max \
		-serial stdio -kernel $(X86_GUEST_DIR)/hello.elf32
	$(Q)tools/run-suite x86-guest-bare-fault --timeout 30 -- $(QEMU_X86) -cpu max \
		-serial stdio -kernel $(X86_GUEST_DIR)/fault.elf32
	$(Q)tools/run-suite x86-guest-bare-unexpected --plain --status 7 --timeout 30 \
		--expect '^ok 1 - before the fault$$' \
		--expect '^not ok 2 - unexpected exception 14 \(#PF\), error code 0, RIP 0x' \
		--expect ', RIP 0x[0-9a-f]+, CR2 0x100000000$$' \
		--expect '^# RIP [0-9a-f]{16}  CS 0008' \
		--expect '^Bail out! unexpected exception 14 \(#PF\) at RIP 0x[0-9a-f]+$$' \
		-- $(QEMU_X86) -cpu max -serial stdio -kernel $(X86_GUEST_DIR)/unexpected.elf32
	$(Q)tools/run-suite x86-boot-grub --timeout 120 -- $(QEMU_X86) -cpu EPYC \
		-serial stdio -cdrom $(TEST_ISO) -boot d -net none
	$(Q)tools/run-suite x86-boot-mb1 --timeout 120 -- $(QEMU_X86) -cpu qemu64,+svm \
		-serial stdio -kernel $(HV32) -append "hv.test=boot hv.cpus=4"
	$(Q)tools/run-suite x86-fault --plain --status 7 --timeout 60 \
		--expect 'exception vector 6 \(#UD invalid opcode\)' \
		--expect 'RIP [0-9a-f]{16}  CS  0008' --expect 'CR2 [0-9a-f]{16}  CR3' \
		-- $(QEMU_X86) -cpu EPYC -serial stdio -kernel $(HV32) -append "hv.test=fault"

bench-arch:
	@echo "x86_64: no benchmarks yet"

.PHONY: test-images guest-suites bench-arch
