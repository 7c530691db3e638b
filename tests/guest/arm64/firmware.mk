# arm64 booted the way a UEFI machine boots it: AAVMF (EDK2) from flash,
# GRUB from the EFI system partition, GRUB's `linux` starting the Image
# through its EFI stub. The firmware alone takes seconds under TCG, so
# these are the only two UEFI boots: one that runs VMs, and one at EL1
# that must be refused.

# The firmware writes its variables (boot entries): each run gets a fresh copy.
UEFI_VARS := $(BUILD)/tests/aavmf-vars.fd

# The tests' ESP: the demo VMs' configuration as GRUB's initrd, and GRUB
# powering off when the Image refuses to start.
TEST_ESP := $(BUILD)/tests/esp.img
$(TEST_ESP): $(IMAGE) $(BUILTIN_DTB) tools/mkesp.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ESP     $@")
	$(Q)MKESP_ON_FAILURE=halt tools/mkesp.sh $@ $(IMAGE) "hv.test=vm" $(BUILTIN_DTB)

test-images: $(TEST_ESP)

firmware-suites:
	$(Q)cp $(AAVMF_VARS) $(UEFI_VARS)
	$(Q)tools/run-suite arm64-uefi-grub --plain --timeout 300 \
		--expect '^Welcome to GRUB!$$' \
		--expect 'hv: loaded by UEFI, through the EFI stub at ' \
		--expect 'hv: ram from the UEFI memory map$$' \
		--expect 'hv: module .* "initrd"$$' \
		--expect 'hv: 4 of 4 CPUs online$$' \
		--expect $(call a64_stopped,demo0,system-off) \
		--expect $(call a64_stopped,demo1,system-off) \
		--expect $(A64_ALL_AS_EXPECTED) \
		-- $(call qemu_arm64_uefi,$(comma)virtualization=on,$(TEST_ESP),$(UEFI_VARS)) \
		-serial stdio
	$(Q)cp $(AAVMF_VARS) $(UEFI_VARS)
	$(Q)tools/run-suite arm64-uefi-el1 --plain --status 0 --timeout 300 \
		--expect 'microhv: the firmware runs this EFI application at EL1' \
		--expect 'microhv: GRUB could not start the hypervisor' \
		-- $(call qemu_arm64_uefi,,$(TEST_ESP),$(UEFI_VARS)) -serial stdio

.PHONY: firmware-suites
firmware-suites: test-images
