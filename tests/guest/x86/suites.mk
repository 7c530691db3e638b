# x86_64 guest suites: each boots the hypervisor in QEMU and scores TAP.

TEST_ISO := $(BUILD)/tests/boot.iso

$(TEST_ISO): $(HV_ELF) tools/mkiso.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "hv.test=boot hv.cpus=4"

test-images: $(BUILD)/images $(TEST_ISO)

guest-suites:
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
