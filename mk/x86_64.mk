# x86_64: a 64-bit ELF for GRUB's multiboot2, the same link as a 32-bit
# ELF for QEMU's -kernel (multiboot1), and a GRUB rescue ISO that boots
# on BIOS and on UEFI.

HV32 := $(BUILD)/hv32.elf
ISO := $(BUILD)/hv.iso
RUN_CMDLINE ?=
RUN_TIMEOUT ?= 600
# SVM with nested paging, and none of the warnings about CPUID bits TCG
# lacks that named models (EPYC: 36 lines) print.
X86_CPU ?= max

QEMU_X86 := qemu-system-x86_64 -machine pc -m 1G -smp $(RUN_CPUS) -display none -vga none \
	-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
# UEFI: Debian's OVMF on q35; the ISO is hybrid, so the same one boots.
OVMF_CODE := /usr/share/OVMF/OVMF_CODE.fd
QEMU_X86_UEFI := qemu-system-x86_64 -machine q35 -bios $(OVMF_CODE) -m 1G -smp $(RUN_CPUS) \
	-display none -vga std -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

# `make run FIRMWARE=uefi` boots through OVMF instead of the BIOS.
FIRMWARE ?= bios
ifeq ($(filter bios uefi,$(FIRMWARE)),)
$(error FIRMWARE must be bios or uefi, not '$(FIRMWARE)')
endif

$(HV32): $(HV_ELF)
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -O elf32-i386 $< $@

$(ISO): $(HV_ELF) tools/mkiso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "$(RUN_CMDLINE)"

$(BUILD)/images: $(HV32)
	@touch $@

iso: deps-ensure $(ISO)

# make run CONFIG=my.dts: the configuration as GRUB module2 "config",
# and MODULES="file:name ..." as further modules a kernel node may name.
ifneq ($(CONFIG),)
RUN_ISO := $(BUILD)/run/$(basename $(notdir $(CONFIG))).iso
$(RUN_ISO): $(HV_ELF) tools/mkiso.sh $(RUN_DTB) FORCE
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "$(RUN_CMDLINE)" $(RUN_DTB):config $(MODULES)
else
RUN_ISO := $(ISO)
endif

# QEMU's status is the hypervisor's verdict: 0 when every VM ended as its
# "expect" says, 3 (debug-exit 1) when one did not, 124 on a timeout.
# FIRMWARE=uefi boots the same (hybrid) ISO through OVMF.
run: deps-ensure $(RUN_ISO) $(HV32)
	timeout -k 5 $(RUN_TIMEOUT) $(if $(filter uefi,$(FIRMWARE)),$(QEMU_X86_UEFI),$(QEMU_X86)) \
		-cpu $(X86_CPU) -serial mon:stdio -cdrom $(RUN_ISO) -boot d -net none $(RUN_QEMU_ARGS)

# Debian's amd64 kernel and busybox to an interactive shell on the serial
# console (fetched once with apt-get download into $(BUILD)/linux; the
# same guest is the x86-linux-guest suite of `make check`).
linux-guest: deps-ensure $(HV32) $(X86_GUEST_DIR)/hello.elf32
	$(Q)tools/x86-linux-guest $(HV32) $(BUILD) shell

include tests/guest/x86/suites.mk

.PHONY: iso run linux-guest
DEFAULT_CONFIG_DEPS := $(BUILD)/guests/demo.elf32

# The framebuffer console's font: GRUB's 8x16 ASCII glyphs (arch/x86/fbcon_font.c).
FB_FONT_HEADER := /usr/share/grub/ascii.h
$(BUILD)/arch/x86/fbcon_font.o: ARCH_CFLAGS = $(ARCH_INC) -DFB_FONT_HEADER='"$(FB_FONT_HEADER)"'
