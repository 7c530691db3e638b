# arm64: a raw Image with the arm64 Linux boot header, started at EL2.

IMAGE := $(BUILD)/Image

# Position independent: every symbol hidden (asm/hidden.h) so code reaches
# them PC-relative, linked as a static PIE at 0 whose R_AARCH64_RELATIVE
# relocations head.S applies at whatever address the loader chose.
CFLAGS += -fpie -include arch/arm64/include/asm/hidden.h
LDFLAGS += -pie --no-dynamic-linker -z notext

RUN_CMDLINE ?=
RUN_TIMEOUT ?= 600

QEMU_ARM64 := qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
	-cpu max,pauth-impdef=on -m 1G -smp 4 -display none -no-reboot \
	-semihosting-config enable=on,target=native

$(IMAGE): $(HV_ELF)
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -O binary $< $@

$(BUILD)/images: $(IMAGE)
	@touch $@

run: deps-ensure $(IMAGE)
	timeout -k 5 $(RUN_TIMEOUT) $(QEMU_ARM64) -serial mon:stdio -kernel $(IMAGE) \
		$(if $(RUN_CMDLINE),-append "$(RUN_CMDLINE)")

include tests/guest/arm64/suites.mk

.PHONY: run
