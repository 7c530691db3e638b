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

# make run CONFIG=my.dts: the configuration as the initrd. QEMU's status
# is the hypervisor's verdict (semihosting): 0 when every VM ended as its
# "expect" says, 3 when one did not, 124 on a timeout.
run: deps-ensure $(IMAGE) $(RUN_DTB)
	timeout -k 5 $(RUN_TIMEOUT) $(QEMU_ARM64) -serial mon:stdio -kernel $(IMAGE) \
		$(if $(RUN_DTB),-initrd $(RUN_DTB)) $(if $(RUN_CMDLINE),-append "$(RUN_CMDLINE)")

# Debian's arm64 kernel and busybox as a guest (fetched once with apt-get
# download): not part of `make check`.
linux-guest: deps-ensure $(IMAGE)
	$(Q)tools/arm64-linux-guest $(IMAGE) $(BUILD)

include tests/guest/arm64/suites.mk

DEFAULT_CONFIG_DEPS := $(BUILD)/guests/demo.bin

.PHONY: run linux-guest
