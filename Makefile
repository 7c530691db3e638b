# microhv: one Makefile for both architectures and the host-side tests.
#
#   make [ARCH=x86_64|arm64]   build the hypervisor image
#   make run [ARCH=...]        boot it in QEMU with the built-in default VMs
#   make run CONFIG=my.dts     ... with your own VMs (README: "Run your own VM")
#   make help                  every target and variable
#   make check                 every test suite, both architectures
#   make bench                 benchmarks (never fail the tests)
#   make fuzz                  libFuzzer targets, FUZZ_SECONDS (20) each
#   make deps                  install the Debian packages the project needs

ARCH ?= x86_64
V ?= 0

ifeq ($(ARCH),x86_64)
ARCH_DIR := x86
DEFAULT_CROSS :=
CLANG_TARGET := x86_64-none-elf
else ifeq ($(ARCH),arm64)
ARCH_DIR := arm64
DEFAULT_CROSS := aarch64-linux-gnu-
CLANG_TARGET := aarch64-none-elf
else
$(error ARCH must be x86_64 or arm64, not '$(ARCH)')
endif

CROSS_COMPILE ?= $(DEFAULT_CROSS)

# gcc from CROSS_COMPILE when it exists; otherwise clang with ld.lld, which
# targets both architectures by itself. LLVM=1 forces clang.
ifneq ($(LLVM),1)
ifeq ($(shell command -v $(CROSS_COMPILE)gcc 2>/dev/null),)
LLVM := 1
endif
endif

LLVM_BINDIR := $(firstword $(wildcard /usr/lib/llvm-*/bin))
ifeq ($(LLVM),1)
CC := clang --target=$(CLANG_TARGET)
LD := ld.lld
OBJCOPY := $(or $(shell command -v llvm-objcopy 2>/dev/null),$(LLVM_BINDIR)/llvm-objcopy)
NM := $(or $(shell command -v llvm-nm 2>/dev/null),$(LLVM_BINDIR)/llvm-nm)
else
CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
NM := $(CROSS_COMPILE)nm
endif

# A clang build has a tree of its own: objects do not record the compiler
# that made them, so `make LLVM=1` into the gcc tree (or the reverse) left
# the next build linking objects of the other compiler as up to date.
BUILD := build/$(ARCH)$(if $(filter 1,$(LLVM)),-llvm)
Q := $(if $(filter 1,$(V)),,@)

COMPILER_INC := $(shell $(CC) -print-file-name=include)

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wpointer-arith -Wvla \
	-ffreestanding -fno-builtin -fno-common -fno-strict-aliasing \
	-fno-stack-protector -fno-pic -fno-pie -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-exceptions \
	-nostdinc -isystem $(COMPILER_INC) -Iinclude \
	-DHV_ARCH=\"$(ARCH)\" -MMD -MP
ASFLAGS := -D__ASSEMBLY__ -Iinclude -MMD -MP
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none

ifeq ($(ARCH),x86_64)
CFLAGS += -m64 -mno-red-zone -mgeneral-regs-only -mcmodel=kernel -mno-mmx -mno-sse -mno-sse2
else
CFLAGS += -mgeneral-regs-only -mstrict-align
ifneq ($(LLVM),1)
CFLAGS += -mno-outline-atomics
endif
endif

ifneq ($(LLVM),1)
# gcc turns the byte loops of memset/memcpy into calls to themselves otherwise.
CFLAGS += -fno-tree-loop-distribute-patterns
endif

ARCH_INC := -Iarch/$(ARCH_DIR)/include

SRCS := $(wildcard lib/*.c core/*.c core/*.S core/vmm/*.c boot/*.c) \
	$(wildcard boot/$(ARCH_DIR)/*.S boot/$(ARCH_DIR)/*.c) \
	$(wildcard arch/$(ARCH_DIR)/*.S arch/$(ARCH_DIR)/*.c) \
	$(wildcard arch/$(ARCH_DIR)/*/*.S arch/$(ARCH_DIR)/*/*.c)
OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(SRCS)))
LDSCRIPT := linker/$(ARCH).ld

HV_ELF := $(BUILD)/hv.elf

all: $(HV_ELF) $(BUILD)/images

# Only arch/ and boot/ may include the arch-internal headers: core/ talks
# to the hardware through include/core/arch.h alone.
$(BUILD)/arch/%.o: ARCH_CFLAGS = $(ARCH_INC)
$(BUILD)/boot/$(ARCH_DIR)/%.o: ARCH_CFLAGS = $(ARCH_INC)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(ARCH_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(filter-out -std=gnu11,$(CFLAGS)) $(ASFLAGS) $(ARCH_CFLAGS) -c $< -o $@

$(HV_ELF): $(OBJS) $(LDSCRIPT)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -T $(LDSCRIPT) -o $@ $(OBJS)

# make run CONFIG=my.dts: the user's configuration, compiled with dtc
# (mk/run.mk) and handed over as the hypervisor's "config" boot module.
RUN_CPUS := 4
ifneq ($(CONFIG),)
RUN_DTB := $(BUILD)/run/$(basename $(notdir $(CONFIG))).dtb
endif

include mk/$(ARCH).mk
include mk/deps.mk
include mk/tests.mk
include mk/fuzz.mk
include mk/run.mk

# The built-in configuration: configs/default-<arch>.dts with the guest
# images it /incbin/s from $(BUILD)/guests (DEFAULT_CONFIG_DEPS, set by the
# architecture's guest makefile, builds them first).
BUILTIN_DTB := $(BUILD)/configs/default.dtb
$(BUILTIN_DTB): configs/default-$(ARCH).dts $(DEFAULT_CONFIG_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $@")
	$(Q)dtc -q -I dts -O dtb -i $(BUILD)/guests -o $@ $<

$(BUILD)/core/builtin_config.o: $(BUILTIN_DTB)
$(BUILD)/core/builtin_config.o: ARCH_CFLAGS = -DBUILTIN_CONFIG='"$(BUILTIN_DTB)"'


clean:
	rm -rf build

.PHONY: all clean
-include $(OBJS:.o=.d)
