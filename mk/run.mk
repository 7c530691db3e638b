# Your own VM: `make run CONFIG=my.dts`, `make config-check CONFIG=my.dts`,
# `make examples` and `make help`; and the host-side configuration
# checker, built from the hypervisor's own parser (core/config_check.c).

CONFIG_CHECK := build/host/config-check
# Both architectures' Linux loaders: the x86 one is arch code (its boot
# protocol's layout is in arch/x86/include).
CONFIG_CHECK_SRCS := tools/config-check.c tools/config_linux.c core/config_check.c \
	core/config_schema.c core/config_channels.c core/config_platform.c core/config_passthrough.c \
	core/loader.c core/vmm/outcome.c core/boot_info.c arch/x86/bzimage.c arch/x86/bzimage_header.c \
	lib/fdt.c lib/string.c lib/printf.c lib/errno.c

$(CONFIG_CHECK): $(CONFIG_CHECK_SRCS) $(UNIT_HDRS) mk/run.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -Iarch/x86/include $(CONFIG_CHECK_SRCS) -o $@

# The example guests: examples/<arch>/<name>.S, one file each, linked at
# a fixed address into $(BUILD)/examples/<name>.elf, which the example's
# .dts /incbin/s.
EXAMPLES_DIR := $(BUILD)/examples
EXAMPLE_SRCS := $(wildcard examples/$(ARCH)/*.S)
EXAMPLE_ELFS := $(patsubst examples/$(ARCH)/%.S,$(EXAMPLES_DIR)/%.elf,$(EXAMPLE_SRCS))
ifeq ($(ARCH),x86_64)
EXAMPLE_ASFLAGS := -m32
EXAMPLE_LDFLAGS := -m elf_i386 -Ttext=0x100000
else
EXAMPLE_ASFLAGS :=
EXAMPLE_LDFLAGS := -Ttext=0x40080000 -z max-page-size=0x1000
endif

$(EXAMPLES_DIR)/%.o: examples/$(ARCH)/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $< (example)")
	$(Q)$(CC) $(EXAMPLE_ASFLAGS) -c $< -o $@

$(EXAMPLES_DIR)/%.elf: $(EXAMPLES_DIR)/%.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) -nostdlib -static --build-id=none -z noexecstack $(EXAMPLE_LDFLAGS) \
		-e _start -o $@ $<

examples: $(EXAMPLE_ELFS)

# CONFIG=my.dts is compiled with dtc on every run (its /incbin/ files are
# not known to make), looking for files next to it, in the example and
# test guest builds.
RUN_INCLUDES := -i $(dir $(CONFIG)) -i $(EXAMPLES_DIR) -i $(BUILD)/guests

ifneq ($(CONFIG),)
$(RUN_DTB): $(CONFIG) $(EXAMPLE_ELFS) $(DEFAULT_CONFIG_DEPS) FORCE
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $@")
	$(Q)dtc -q -I dts -O dtb $(RUN_INCLUDES) -o $@ $(CONFIG)
endif

# The same check as at boot, on the host: QEMU's CPUs (4) and the modules given.
config-check: deps-ensure $(CONFIG_CHECK) $(RUN_DTB)
	$(if $(CONFIG),,$(error config-check needs CONFIG=my.dts))
	$(Q)$(CONFIG_CHECK) --arch $(ARCH) --cpus $(RUN_CPUS) \
		$(foreach m,$(MODULES),--module $(m)) $(RUN_DTB)

help:
	@echo 'microhv: a type-1 micro-hypervisor (x86_64 SVM, arm64 EL2), run in QEMU.'
	@echo
	@echo 'Targets:'
	@echo '  make [all]                  build the hypervisor (build/$$ARCH/)'
	@echo '  make run                    boot it in QEMU with its built-in demo VMs'
	@echo '  make run CONFIG=my.dts      boot it with your own VMs (README: "Run your own VM");'
	@echo '                              exits 0 only if every VM ended as its "expect" says'
	@echo '  make config-check CONFIG=my.dts   check a configuration on the host, as at boot'
	@echo '  make examples               build the example guests (examples/$$ARCH/)'
	@echo '  make docs                   regenerate docs/config-reference.md from the checker'
	@echo '  make check                  every test suite of both architectures'
	@echo '  make unit                   the host unit tests only'
	@echo '  make bench                  benchmarks (-icount; they never fail)'
	@echo '  make fuzz                   libFuzzer targets, FUZZ_SECONDS each'
	@echo '  make iso                    the x86 GRUB rescue ISO'
	@echo '  make linux-guest ARCH=arm64 Debian'"'"'s arm64 Linux as a guest (downloads it)'
	@echo '  make deps                   install the Debian packages needed'
	@echo '  make clean'
	@echo
	@echo 'Variables:'
	@echo '  ARCH=x86_64|arm64           the architecture (x86_64)'
	@echo '  CONFIG=file.dts             your VM configuration (docs/config.md)'
	@echo '  MODULES="file:name ..."     x86: more GRUB modules a kernel node may name'
	@echo '  RUN_CMDLINE="..."           the hypervisor command line (hv.cpus=N, ...)'
	@echo '  RUN_TIMEOUT=seconds         how long make run may take (600)'
	@echo '  RUN_QEMU_ARGS="..."         more QEMU options for make run (a second -serial, ...)'
	@echo '  X86_CPU=model               the QEMU CPU of x86 runs (max: SVM with nested paging)'
	@echo '  LLVM=1                      build with clang and ld.lld'
	@echo '  CROSS_COMPILE=prefix        another toolchain'
	@echo '  V=1                         show the commands'
	@echo '  FUZZ_SECONDS=N              how long each fuzz target runs (20)'

# The suites of "your own VM", both architectures: the example booted
# exactly as the README says, and the table of configuration mistakes
# (tests/config/mistakes-<arch>.dts), each message compared word for
# word on the host (make config-check) and at boot (make run), where the
# one VM that does not end as expected must make `make run` fail (QEMU
# status 3). Eight CPUs: one per VM of the table. The second table
# (mistakes-channels-<arch>.dts) holds the mistakes of channels and
# restart policies; its two good VMs end as expected, so `make run` passes.
OWN_VM_MAKE := $(MAKE) --no-print-directory ARCH=$(ARCH)
MISTAKES := tests/config/mistakes-$(ARCH).dts
CHANNEL_MISTAKES := tests/config/mistakes-channels-$(ARCH).dts
OWN_VM_SUITE := $(if $(filter x86_64,$(ARCH)),x86,arm64)

own-vm-suites:
	$(Q)tools/run-suite $(OWN_VM_SUITE)-example --plain --status 0 --timeout 180 \
		--expect '^\[hello\] Hello from my own VM$$' \
		--expect 'hv: all VMs have stopped; 0 did not end as expected' \
		-- $(OWN_VM_MAKE) run CONFIG=examples/$(ARCH)/hello.dts RUN_TIMEOUT=120
	$(Q)tools/run-suite $(OWN_VM_SUITE)-example-mailbox --plain --status 0 --timeout 180 \
		--expect '^\[reader\] Hello through the channel$$' \
		--expect 'hv: all VMs have stopped; 0 did not end as expected' \
		-- $(OWN_VM_MAKE) run CONFIG=examples/$(ARCH)/mailbox.dts RUN_TIMEOUT=120
	$(Q)if grep -aq "warning: TCG doesn't support" build/logs/$(OWN_VM_SUITE)-example.log; then \
		echo "$(OWN_VM_SUITE)-example-quiet 0 1 0" >build/results/$(OWN_VM_SUITE)-example-quiet.res; \
		echo "FAIL  $(OWN_VM_SUITE)-example-quiet: QEMU warned about CPUID bits"; \
	else echo "$(OWN_VM_SUITE)-example-quiet 1 0 0" \
		>build/results/$(OWN_VM_SUITE)-example-quiet.res; \
		echo "PASS  $(OWN_VM_SUITE)-example-quiet"; fi
	$(Q)tools/run-suite $(OWN_VM_SUITE)-config-host --status 2 --timeout 60 \
		--expect 'config-check: .*: [0-9]+ VMs, [1-9][0-9]* errors, 0 warnings$$' \
		-- tools/config-mistakes $(MISTAKES) -- $(OWN_VM_MAKE) config-check \
		CONFIG=$(MISTAKES) RUN_CPUS=8
	$(Q)tools/run-suite $(OWN_VM_SUITE)-config-boot --status 2 --timeout 180 \
		--expect '^\[good\] Hello from my own VM$$' \
		--expect 'hv: all VMs have stopped; 1 did not end as expected' \
		--expect 'run\] Error 3$$' \
		-- tools/config-mistakes $(MISTAKES) -- $(OWN_VM_MAKE) run CONFIG=$(MISTAKES) \
		RUN_CPUS=8 RUN_TIMEOUT=120
	$(Q)tools/run-suite $(OWN_VM_SUITE)-config-channels-host --status 2 --timeout 60 \
		--expect 'config-check: .*: 6 VMs, 18 errors, 0 warnings$$' \
		-- tools/config-mistakes $(CHANNEL_MISTAKES) -- $(OWN_VM_MAKE) config-check \
		CONFIG=$(CHANNEL_MISTAKES) RUN_CPUS=8
	$(Q)tools/run-suite $(OWN_VM_SUITE)-config-channels-boot --status 0 --timeout 180 \
		--expect '^\[good-a\] Hello from my own VM$$' \
		--expect '^\[good-b\] Hello from my own VM$$' \
		--expect 'hv: channel 0 .lane.: 0x1000 bytes, 2 endpoints$$' \
		--expect 'hv: all VMs have stopped; 0 did not end as expected' \
		-- tools/config-mistakes $(CHANNEL_MISTAKES) -- $(OWN_VM_MAKE) run \
		CONFIG=$(CHANNEL_MISTAKES) RUN_CPUS=8 RUN_TIMEOUT=120
	$(Q)$(if $(filter x86_64,$(ARCH)),tools/run-suite config-reference --plain --status 0 \
		--expect '^docs/config-reference.md is the checker.s table$$' -- sh -c \
		'$(CONFIG_CHECK) --reference | diff -u docs/config-reference.md - && \
		echo "docs/config-reference.md is the checker'"'"'s table"')

# docs/config-reference.md is the checker's own table: regenerated here,
# compared in make check.
docs: $(CONFIG_CHECK)
	$(Q)$(CONFIG_CHECK) --reference >docs/config-reference.md

test-images: examples $(CONFIG_CHECK)

FORCE:

.PHONY: examples config-check help own-vm-suites docs FORCE
.SECONDARY: $(EXAMPLE_ELFS:.elf=.o)
