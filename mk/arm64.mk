# arm64: a raw Image with the arm64 Linux boot header, started at EL2.

IMAGE := $(BUILD)/Image

# Position independent: every symbol hidden (asm/hidden.h) so code reaches
# them PC-relative, linked as a static PIE at 0 whose R_AARCH64_RELATIVE
# relocations head.S applies at whatever address the loader chose.
CFLAGS += -fpie -include arch/arm64/include/asm/hidden.h
LDFLAGS += -pie --no-dynamic-linker -z notext

RUN_CMDLINE ?=
RUN_TIMEOUT ?= 600

# Semihosting carries arch_test_exit()'s status out of QEMU.
QEMU_ARM64_NOSEMI := qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
	-cpu max,pauth-impdef=on -m 1G -smp $(RUN_CPUS) -display none -no-reboot
QEMU_ARM64 := $(QEMU_ARM64_NOSEMI) -semihosting-config enable=on,target=native

# UEFI: Debian's AAVMF from flash, GRUB and the Image from an ESP image
# (tools/mkesp.sh). QEMU hands AAVMF a DTB to pass on only without ACPI.
AAVMF_CODE := /usr/share/AAVMF/AAVMF_CODE.fd
AAVMF_VARS := /usr/share/AAVMF/AAVMF_VARS.fd
ESP := $(BUILD)/esp.img
# The VM configuration the ESP carries as GRUB's initrd; none: the built-in one.
EFI_CONFIG ?=
# $(1): extra -machine options, $(2): the ESP image, $(3): the variable store to use.
qemu_arm64_uefi = qemu-system-aarch64 -machine virt,gic-version=3,acpi=off$(1) \
	-cpu max,pauth-impdef=on -m 1G -smp 4 -display none -no-reboot -net none \
	-semihosting-config enable=on,target=native -accel tcg,thread=single \
	-drive if=pflash,format=raw,readonly=on,file=$(AAVMF_CODE) \
	-drive if=pflash,format=raw,file=$(3) -drive file=$(2),format=raw,if=virtio

FIRMWARE ?= bios
ifeq ($(filter bios uefi,$(FIRMWARE)),)
$(error FIRMWARE must be bios or uefi, not '$(FIRMWARE)')
endif

ifeq ($(LLVM),1)
ADDR2LINE := $(or $(shell command -v llvm-addr2line 2>/dev/null),$(LLVM_BINDIR)/llvm-addr2line)
else
ADDR2LINE := $(CROSS_COMPILE)addr2line
endif

$(IMAGE): $(HV_ELF)
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -O binary $< $@

$(BUILD)/images: $(IMAGE)
	@touch $@

# make run CONFIG=my.dts: the configuration as the initrd (UEFI: GRUB's
# initrd on the ESP). QEMU's status is the hypervisor's verdict
# (semihosting): 0 when every VM ended as its "expect" says, 3 when one
# did not, 124 on a timeout.
ESP_CONFIG := $(or $(EFI_CONFIG),$(RUN_DTB))
$(ESP): $(IMAGE) tools/mkesp.sh $(ESP_CONFIG)
	@$(if $(Q),echo "  ESP     $@")
	$(Q)tools/mkesp.sh $@ $(IMAGE) "$(RUN_CMDLINE)" $(ESP_CONFIG)

# A FAT EFI system partition image with GRUB and the hypervisor (README).
efi: deps-ensure $(ESP)

ifeq ($(FIRMWARE),uefi)
RUN_VARS := $(BUILD)/aavmf-vars.fd
run: deps-ensure $(ESP)
	cp $(AAVMF_VARS) $(RUN_VARS)
	timeout -k 5 $(RUN_TIMEOUT) $(call qemu_arm64_uefi,$(comma)virtualization=on,$(ESP),$(RUN_VARS)) \
		-serial mon:stdio
else
run: deps-ensure $(IMAGE) $(RUN_DTB)
	timeout -k 5 $(RUN_TIMEOUT) $(QEMU_ARM64) -serial mon:stdio -kernel $(IMAGE) \
		$(if $(RUN_DTB),-initrd $(RUN_DTB)) $(if $(RUN_CMDLINE),-append "$(RUN_CMDLINE)") \
		$(RUN_QEMU_ARGS)
endif

# Debian's arm64 kernel and busybox as a 2-vCPU guest (fetched once with
# apt-get download into $(BUILD)/linux); also a suite of `make check`.
linux-guest: deps-ensure $(IMAGE)
	$(Q)tools/arm64-linux-guest $(IMAGE) $(BUILD)

include tests/guest/arm64/suites.mk

DEFAULT_CONFIG_DEPS := $(BUILD)/guests/demo.bin

.PHONY: run linux-guest efi
