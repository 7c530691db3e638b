# arm64 guest suites: each boots the hypervisor in QEMU and scores TAP.

test-images: $(BUILD)/images

guest-suites:
	$(Q)tools/run-suite arm64-boot --timeout 120 -- $(QEMU_ARM64) -serial stdio \
		-kernel $(IMAGE) -append "hv.test=boot hv.cpus=4"

bench-arch:
	@echo "arm64: no benchmarks yet"

.PHONY: test-images guest-suites bench-arch
