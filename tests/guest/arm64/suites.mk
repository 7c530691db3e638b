# arm64 guest suites: each boots the hypervisor in QEMU and scores TAP.

include tests/guest/arm64/guests.mk

# The same sources built with clang and ld.lld, kept apart from the gcc build.
LLVM_BUILD := build/arm64-llvm
# QEMU loads an Image at RAM base + text_offset (+ 2 MiB when it is 0):
# this one lands at 0x41001000, 4 KiB but not 2 MiB aligned.
RELOC_IMAGE := $(BUILD)/Image-reloc
RELOC_OFFSET := 0x1001000
RELOC_ADDR := 0x41001000
# And this one off a page boundary, which head.S must refuse out loud.
MISALIGNED_IMAGE := $(BUILD)/Image-misaligned
MISALIGNED_OFFSET := 0x1000800

# Four vCPUs run under round-robin TCG: with one host thread per vCPU
# (MTTCG), four vCPUs on this 2-core machine convoy on the self-test's
# ticket lock (a hand-off waits for the next holder's thread to be
# scheduled; QEMU's YIELD does not yield the host) and about a third of
# the runs take minutes instead of 0.1 s. Round-robin switches vCPUs at
# every YIELD, but never runs two at once, so arm64-smp checks true
# parallelism with MTTCG and as many vCPUs as the host has cores.
QEMU_ARM64_RR := $(QEMU_ARM64) -accel tcg,thread=single
QEMU_ARM64_MT2 := $(QEMU_ARM64) -smp 2

test-images: $(BUILD)/images $(RELOC_IMAGE) $(MISALIGNED_IMAGE) llvm-images

$(RELOC_IMAGE): $(IMAGE) tools/image-text-offset
	$(Q)tools/image-text-offset $< $@ $(RELOC_OFFSET)

$(MISALIGNED_IMAGE): $(IMAGE) tools/image-text-offset
	$(Q)tools/image-text-offset $< $@ $(MISALIGNED_OFFSET)

llvm-images:
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 LLVM=1 BUILD=$(LLVM_BUILD) all

guest-suites:
	$(Q)tools/run-suite arm64-boot --timeout 120 -- $(QEMU_ARM64_RR) -serial stdio \
		-kernel $(IMAGE) -append "hv.test=boot hv.cpus=4"
	$(Q)tools/run-suite arm64-smp --timeout 120 -- $(QEMU_ARM64_MT2) -serial stdio \
		-kernel $(IMAGE) -append "hv.test=boot hv.cpus=2"
	$(Q)tools/run-suite arm64-fault --plain --status 7 --timeout 60 \
		--expect 'ESR_EL2 +0x[0-9a-f]{16} +EC=0x3c \(BRK instruction\)' \
		--expect 'ELR_EL2 +0x[0-9a-f]{16} \(hv\+0x[0-9a-f]+\)' \
		--expect 'FAR_EL2 +0x[0-9a-f]{16}' --expect 'SPSR_EL2 +0x[0-9a-f]{16}' \
		--expect 'x30 [0-9a-f]{16}  sp  [0-9a-f]{16}' \
		-- $(QEMU_ARM64) -serial stdio -kernel $(IMAGE) -append "hv.test=fault"
	$(Q)tools/run-suite arm64-fault-symbol --plain --status 0 --expect '^run_fault_suite$$' \
		-- tools/fault-symbol build/logs/arm64-fault.log $(HV_ELF) $(ADDR2LINE)
	$(Q)tools/run-suite arm64-reloc --timeout 120 --expect 'loaded by .* at $(RELOC_ADDR)-' \
		-- $(QEMU_ARM64_RR) -serial stdio -kernel $(RELOC_IMAGE) \
		-append "hv.test=boot hv.cpus=4"
	$(Q)tools/run-suite arm64-misaligned --plain --status 124 --timeout 3 \
		--expect 'not 4 KiB aligned; stopped' \
		-- $(QEMU_ARM64) -serial stdio -kernel $(MISALIGNED_IMAGE) -append "hv.test=boot"
	$(Q)tools/run-suite arm64-no-semihosting --status 0 --timeout 120 \
		-- $(QEMU_ARM64_NOSEMI) -accel tcg,thread=single -serial stdio -kernel $(IMAGE) \
		-append "hv.test=boot hv.cpus=4"
	$(Q)tools/run-suite arm64-llvm-boot --timeout 120 -- $(QEMU_ARM64_RR) -serial stdio \
		-kernel $(LLVM_BUILD)/Image -append "hv.test=boot hv.cpus=4"
	$(Q)tools/run-suite arm64-llvm-fault --plain --status 7 --timeout 60 \
		--expect 'EC=0x3c \(BRK instruction\)' --expect 'ELR_EL2 +0x[0-9a-f]{16} \(hv\+' \
		-- $(QEMU_ARM64) -serial stdio -kernel $(LLVM_BUILD)/Image -append "hv.test=fault"

bench-arch:
	@echo "arm64: no benchmarks yet"

.PHONY: test-images llvm-images guest-suites bench-arch
