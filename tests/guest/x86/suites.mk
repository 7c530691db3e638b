# x86_64 guest suites: the test guests on bare QEMU, then the hypervisor booted
# in QEMU; each scores TAP.

include tests/guest/x86/guests.mk
include tests/guest/x86/firmware.mk

comma := ,

TEST_ISO := $(BUILD)/tests/boot.iso
# What `make run` boots: the built-in configuration, no test command line.
RUN_TEST_ISO := $(BUILD)/tests/run.iso

$(TEST_ISO): $(HV_ELF) tools/mkiso.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "hv.test=boot hv.cpus=4"

$(RUN_TEST_ISO): $(HV_ELF) tools/mkiso.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) ""

# The configuration and the guest's kernel as GRUB module2s.
MODULES_TEST_ISO := $(BUILD)/tests/modules.iso
$(MODULES_TEST_ISO): $(HV_ELF) tools/mkiso.sh $(BUILD)/tests/configs/modules.dtb \
		$(X86_GUEST_DIR)/hello.elf32
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tools/mkiso.sh $@ $(HV_ELF) "hv.test=vm" $(BUILD)/tests/configs/modules.dtb:config \
		$(X86_GUEST_DIR)/hello.elf32:hello

# VM configurations of the suites below, with the guest images they /incbin/.
X86_CONFIG_DIR := tests/guest/x86/configs
X86_TEST_CONFIGS := $(patsubst $(X86_CONFIG_DIR)/%.dts,$(BUILD)/tests/configs/%.dtb,\
	$(wildcard $(X86_CONFIG_DIR)/*.dts))

$(BUILD)/tests/configs/%.dtb: $(X86_CONFIG_DIR)/%.dts $(wildcard $(X86_CONFIG_DIR)/*.dtsi) \
		$(X86_GUEST_IMAGES)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $@")
	$(Q)dtc -q -I dts -O dtb -i $(X86_GUEST_DIR) -i $(X86_CONFIG_DIR) -o $@ $<

# The boot self-test's spinlock counter (4 CPUs, 20000 rounds each, a
# FIFO ticket lock) convoys when QEMU's 4 vCPU threads share fewer host
# cores: the next ticket's thread is descheduled and everyone waits a
# host timeslice per hand-off. Usually 0.5 s; 15-25 s one run in 20 on a
# 2-core host, and once over 110 s. Slow, not stuck: give it room.
BOOT_SUITE_TIMEOUT := 300

# kvm-l2, the /dev/kvm test that the Linux L1 of x86-linux-kvm runs: a
# static Linux program without libc (raw system calls), built by the host
# compiler. -fno-tree-loop-distribute-patterns: its memcpy and memset
# loops must not become calls to themselves.
KVM_L2 := $(BUILD)/linux/kvm-l2
$(KVM_L2): tests/guest/x86/linux/kvm_l2.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -static -nostdlib -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
		-fno-pie -no-pie -fno-stack-protector -O2 -Wall -Wextra -Werror -o $@ $<

test-images: $(BUILD)/images $(TEST_ISO) $(RUN_TEST_ISO) $(MODULES_TEST_ISO) $(X86_GUEST_IMAGES) \
	$(X86_TEST_CONFIGS) x86-llvm-build $(KVM_L2)

# The hypervisor built with clang and ld.lld too (`make LLVM=1`), in a tree
# of its own: clang warns where gcc does not, and only a build says so.
x86-llvm-build:
	$(Q)$(MAKE) -s --no-print-directory ARCH=x86_64 LLVM=1 BUILD=build/x86_64-llvm all

# The hypervisor under a test command line with a configuration module:
# it exits QEMU with status 1 only if every VM ended as its "expect" says.
hv_vms = $(QEMU_X86) -cpu $(1) -serial stdio -kernel $(HV32) -append "hv.test=vm" \
	-initrd "$(BUILD)/tests/configs/$(2).dtb config"
stopped = 'hv: vm $(1) stopped after [0-9]+ ms: .*\($(2)\)$$'
said = 'hv: vm $(1) stopped after [0-9]+ ms: $(2)$$'
ALL_AS_EXPECTED := 'hv: all VMs have stopped; 0 did not end as expected'
# What the passthrough VM writes to COM2, QEMU's second serial port.
PASSTHROUGH_COM2 := $(BUILD)/tests/passthrough-com2.txt
PASSTHROUGH_COM3 := $(BUILD)/tests/passthrough-com3.txt
END_UNDECODABLE := .*internal error, sub-code 1 .*\(internal-error\)
END_MMIOEXEC := .*memory fault at GPA 0xfe800000 \(4096 bytes, flags 0x5\).*\(error\)
END_STOPPOLICY := IO port read of 1 bytes at 0x80 with no device \(unhandled-access\)

# QEMU's own VMRUN checks would hide a nested check that is missing (L1
# gets the error #VMEXIT either way): every refusal must be ours.
CPU_REFUSED_VMCB02 := the CPU refused VMCB02 that passed the nested checks
# Nested NPT (tests/guest/x86/nested_npt.c): its many-pages test must hit the shadow's
# bound, which the log says; alone: make ARCH=x86_64 test-images x86-vm-nested-npt
NPT_SHADOW_FULL := nested NPT shadow full
x86-vm-nested-npt:
	$(Q)tools/run-suite x86-vm-nested-npt --timeout 180 \
		--expect $(call stopped,nested-npt,exit) --expect $(ALL_AS_EXPECTED) \
		--expect '$(NPT_SHADOW_FULL)' \
		-- $(call hv_vms,max,nested-npt)
	$(Q)$(call never_said,x86-vm-nested-npt-own-checks,x86-vm-nested-npt,$(CPU_REFUSED_VMCB02))

# One scored test: $(3) must not appear in suite $(2)'s log.
never_said = if grep -aq '$(3)' build/logs/$(2).log; then \
		echo "$(1) 0 1 0" >build/results/$(1).res; echo "FAIL  $(1): the log says '$(3)'"; \
	else echo "$(1) 1 0 0" >build/results/$(1).res; echo "PASS  $(1)"; fi

# The bare-metal suites run the test guests straight on QEMU: the guest
# library is known good before the hypervisor runs the same binaries.
guest-suites:
	$(Q)tools/run-suite x86-guest-bare-hello --timeout 30 -- $(QEMU_X86) -cpu max \
		-serial stdio -kernel $(X86_GUEST_DIR)/hello.elf32
	$(Q)tools/run-suite x86-guest-bare-fault --timeout 30 -- $(QEMU_X86) -cpu max \
		-serial stdio -kernel $(X86_GUEST_DIR)/fault.elf32
	$(Q)tools/run-suite x86-guest-bare-unexpected --plain --status 7 --timeout 30 \
		--expect '^ok 1 - before the fault$$' \
		--expect '^not ok 2 - unexpected exception 14 \(#PF\), error code 0, RIP 0x' \
		--expect ', RIP 0x[0-9a-f]+, CR2 0x100000000$$' \
		--expect '^# RIP [0-9a-f]{16}  CS 0008' \
		--expect '^Bail out! unexpected exception 14 \(#PF\) at RIP 0x[0-9a-f]+$$' \
		-- $(QEMU_X86) -cpu max -serial stdio -kernel $(X86_GUEST_DIR)/unexpected.elf32
	$(Q)tools/run-suite x86-boot-grub --timeout $(BOOT_SUITE_TIMEOUT) -- $(QEMU_X86) -cpu EPYC \
		-serial stdio -cdrom $(TEST_ISO) -boot d -net none
	$(Q)tools/run-suite x86-boot-mb1 --timeout $(BOOT_SUITE_TIMEOUT) -- $(QEMU_X86) \
		-cpu qemu64,+svm \
		-serial stdio -kernel $(HV32) -append "hv.test=boot hv.cpus=4"
	$(Q)tools/run-suite x86-fault --plain --status 7 --timeout 60 \
		--expect 'exception vector 6 \(#UD invalid opcode\)' \
		--expect 'RIP [0-9a-f]{16}  CS  0008' --expect 'CR2 [0-9a-f]{16}  CR3' \
		-- $(QEMU_X86) -cpu EPYC -serial stdio -kernel $(HV32) -append "hv.test=fault"
	$(Q)$(MAKE) --no-print-directory vm-suites
	$(Q)$(MAKE) --no-print-directory firmware-suites

# The VMs: each suite scores the guests' TAP ("[vm] ok N") and the
# hypervisor's report of how each VM ended.
vm-suites:
	$(Q)tools/run-suite x86-vm-default --timeout 120 \
		--expect $(call stopped,demo0,exit) --expect $(call stopped,demo1,exit) \
		--expect 'hv: vm demo0: vCPU 0 on CPU 1$$' \
		--expect 'hv: vm demo1: vCPU 0 on CPU 2$$' \
		--expect '^\[demo0\] demo0: this line came through the console hypercall$$' \
		--expect $(ALL_AS_EXPECTED) \
		-- $(QEMU_X86) -cpu max -serial stdio -kernel $(HV32) -append "hv.test=vm"
	$(Q)tools/run-suite x86-vm-exits --timeout 120 \
		--expect $(call stopped,exits,exit) \
		--expect $(call stopped,halted,halted) \
		--expect $(call said,shutdown,vCPU 0: triple fault \(shutdown\) \(shutdown\)) \
		--expect $(call said,failentry,.*hardware reason 0xffffffff \(fail-entry\)) \
		--expect '^\[exits\] # rep outsb reached the console$$' \
		--expect '^\[exits\] # outsb through %fs reached the console$$' \
		--expect '^\[exits\] this line came through the console hypercall$$' \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,exits)
	$(Q)tools/run-suite x86-vm-platform --timeout 120 \
		--expect $(call stopped,msrs,exit) --expect $(call stopped,platform,exit) \
		--expect $(call said,s5,vCPU 0 asked for system-off \(system-off\)) \
		--expect $(call said,cf9,vCPU 0 asked for reset \(reset\)) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,platform)
	$(Q)tools/run-suite x86-vm-power --timeout 120 \
		--expect $(call said,kbc,vCPU 0 asked for reset \(reset\)) \
		--expect 'hv: vm restart: restart 2 after: vCPU 0 asked for reset; done on CPU [0-9]+ in [0-9]+ us \([0-9]+ KiB of pristine RAM reloaded\)$$' \
		--expect '^\[restart\] # life 2 of 3$$' \
		--expect $(call stopped,restart,exit) \
		--expect $(call stopped,hello,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,power)
	$(Q)tools/run-suite x86-vm-channels --timeout 180 \
		--expect $(call stopped,ping,exit) --expect $(call stopped,pong,exit) \
		--expect $(call stopped,hello,exit) \
		--expect '^hv: channel 1 .pong-lane.: 0x1000 bytes, 2 endpoints$$' \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,channels)
	$(Q)tools/run-suite x86-vm-crash --timeout 240 \
		--expect 'hv: vm crasher: restart 1 of 100 after: vCPU 0: triple fault \(shutdown\); done on CPU 1 in [0-9]+ us \([0-9]+ KiB of pristine RAM reloaded\)$$' \
		--expect 'hv: vm crasher: restart 100 of 100 after: vCPU 0: triple fault' \
		--expect $(call said,crasher,vCPU 0: triple fault \(shutdown\); restart limit 100 reached \(shutdown\)) \
		--expect '^\[watcher\] # the crasher is in life 50$$' \
		--expect $(call stopped,watcher,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,crash)
	$(Q)$(call said_times,x86-vm-crash-count,x86-vm-crash,hv: vm crasher: restart [0-9]* of 100 after,100)
	$(Q)tools/run-suite x86-vm-ioapic --timeout 120 \
		--expect $(call stopped,ioapic,exit) \
		--expect $(call said,smphalt,vCPU 0 halted with interrupts disabled \(halted\)) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,ioapic)
	$(Q)tools/run-suite x86-vm-passthrough --timeout 120 \
		--expect $(call stopped,passthrough,exit) --expect $(call stopped,hello,exit) \
		--expect $(ALL_AS_EXPECTED) \
		--expect '^com2: polled line from the passthrough VM$$' \
		--expect '^com2: interrupt-driven line, one THRE interrupt per byte$$' \
		--expect 'hv: vm passthrough: host IOAPIC pin 3 \(edge-triggered\) raises its line 3$$' \
		--expect 'hv: vm passthrough: host IOAPIC pin 5 \(level-triggered\) raises its line 5$$' \
		--expect '^com3: a level-triggered line, held until the guest.s EOI$$' \
		-- sh -c '$(call hv_vms,max,passthrough) -serial file:$(PASSTHROUGH_COM2) \
			-chardev file,id=com3,path=$(PASSTHROUGH_COM3) \
			-device isa-serial,iobase=0x3e8,irq=5,chardev=com3; \
			s=$$?; cat $(PASSTHROUGH_COM2) $(PASSTHROUGH_COM3); exit $$s'
	$(Q)tools/run-suite x86-vm-errors --timeout 120 \
		--expect $(call said,undecodable,$(END_UNDECODABLE)) \
		--expect $(call said,mmioexec,$(END_MMIOEXEC)) \
		--expect $(call said,stoppolicy,$(END_STOPPOLICY)) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,errors)
	$(Q)tools/run-suite x86-vm-loaders --timeout 120 \
		--expect $(call stopped,mb1,exit) --expect $(call stopped,long64,exit) \
		--expect $(call stopped,pair,exit) --expect 'hv: vm pair: vCPU 1 on CPU 0$$' \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,EPYC,loaders)
	$(Q)tools/run-suite x86-vm-acpi --timeout 120 \
		--expect $(call stopped,acpi,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,EPYC,acpi)
	$(Q)tools/run-suite x86-vm-modules --timeout 120 \
		--expect 'hv: module .* "config"$$' --expect 'hv: module .* "hello"$$' \
		--expect 'configuration from boot module "config"' \
		--expect $(call stopped,frommodule,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(QEMU_X86) -cpu EPYC -serial stdio -cdrom $(MODULES_TEST_ISO) -boot d -net none
	$(Q)tools/run-suite x86-vm-isolation --timeout 300 \
		--expect $(call stopped,probe,exit) --expect $(call stopped,marker,halted) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,isolation)
	$(Q)tools/run-suite x86-vm-apic --timeout 240 \
		--expect $(call stopped,smp,exit) --expect $(call stopped,apic,exit) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,apic) -smp 5
	$(Q)tools/run-suite x86-vm-nested --timeout 120 \
		--expect $(call stopped,nested,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,nested)
	$(Q)$(call never_said,x86-vm-nested-own-checks,x86-vm-nested,$(CPU_REFUSED_VMCB02))
	$(Q)tools/run-suite x86-vm-nested-epyc --timeout 120 \
		--expect $(call stopped,nested,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,EPYC,nested)
	$(Q)$(MAKE) --no-print-directory ARCH=x86_64 x86-vm-nested-npt
	$(Q)tools/run-suite x86-vm-no-npt --plain --timeout 60 \
		--expect 'config: vm nonpt: SVM without nested paging \(NPT\): .*; VM refused$$' \
		--expect $(call stopped,nonpt,dead) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,qemu64$(comma)+svm,nonpt)
	$(Q)tools/run-suite x86-vm-module-misnamed --timeout 120 \
		--expect 'hv: warning: config: 1 boot module is loaded$(comma) but none named "config" \(the first is "conifg"\): the built-in configuration runs$$' \
		--expect 'hv: built-in configuration' --expect $(call stopped,demo0,exit) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(QEMU_X86) -cpu max -serial stdio -kernel $(HV32) -append "hv.test=vm" \
		-initrd "$(BUILD)/tests/configs/exits.dtb conifg"
	$(Q)$(MAKE) --no-print-directory ARCH=x86_64 own-vm-suites
	$(Q)tools/run-suite x86-vm-hostile-a --timeout 120 \
		--expect $(call stopped,dfloop,shutdown) \
		--expect $(call said,idtnowhere,vCPU 0: internal error.*0xfe800030 .*\(internal-error\)) \
		--expect $(call said,gdtnowhere,vCPU 0: internal error.*0xfe800010 .*\(internal-error\)) \
		--expect $(call said,mmiocross,vCPU 0: internal error.*0xfe800ffc .*\(internal-error\)) \
		--expect $(call stopped,neighbour,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,hostile-a) -smp 5
	$(Q)tools/run-suite x86-vm-hostile-b --timeout 300 \
		--expect $(call stopped,portsweep,exit) --expect $(call stopped,msrsweep,exit) \
		--expect $(call stopped,mmiosweep,exit) --expect $(call stopped,hypercalls,exit) \
		--expect $(call stopped,spincli,exit) \
		--expect $(call stopped,neighbour,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,max,hostile-b) -smp 6
	$(Q)tools/run-suite x86-vm-hostile-nested --timeout 180 \
		--expect $(call stopped,vmcbfuzz,exit) --expect $(call stopped,gifheld,exit) \
		--expect $(call stopped,neighbour,exit) --expect $(ALL_AS_EXPECTED) \
		-- $(call hv_vms,EPYC,hostile-nested)
	$(Q)$(call never_said,x86-vm-hostile-nested-own-checks,x86-vm-hostile-nested,\
		$(CPU_REFUSED_VMCB02))
	$(Q)$(call said_times,x86-vm-hostile-nested-ratelimit,x86-vm-hostile-nested,\
		nested VMRUN refused,10)
	$(Q)tools/run-suite x86-run --status 0 --timeout 120 \
		--expect $(call stopped,demo0,exit) --expect $(call stopped,demo1,exit) \
		--expect $(ALL_AS_EXPECTED) \
		-- $(QEMU_X86) -cpu $(X86_CPU) -serial stdio -cdrom $(RUN_TEST_ISO) -boot d -net none
	$(Q)tools/x86-linux-guest $(HV32) $(BUILD)
	$(Q)tools/x86-linux-guest $(HV32) $(BUILD) kvm

# Exit round trips, counted by the guest under -icount shift=0 (one TSC
# tick per instruction: exact and the same every run). The floor is the
# same CPUID answered by the bare world switch (x86-bench-floor).
BENCH_QEMU = $(QEMU_X86) -cpu max -serial stdio -serial null -icount shift=0,align=off,sleep=off \
	-kernel $(HV32) -append "hv.test=vm"

bench-arch: test-images
	$(Q)mkdir -p build/logs
	$(Q)timeout -k 5 300 $(BENCH_QEMU) -initrd "$(BUILD)/tests/configs/bench-floor.dtb config" \
		</dev/null >build/logs/bench-floor.log 2>&1; \
	timeout -k 5 300 $(BENCH_QEMU) -initrd "$(BUILD)/tests/configs/bench.dtb config" \
		</dev/null >build/logs/bench.log 2>&1; \
	tools/bench-table build/logs/bench-floor.log build/logs/bench.log
	$(Q)timeout -k 5 300 $(BENCH_QEMU) -initrd "$(BUILD)/tests/configs/channel-bench.dtb config" \
		</dev/null >build/logs/channel-bench.log 2>&1; \
	timeout -k 5 300 $(BENCH_QEMU) -initrd "$(BUILD)/tests/configs/restart-bench.dtb config" \
		</dev/null >build/logs/restart-bench.log 2>&1; \
	tools/bench-table-channels x86_64 build/logs/channel-bench.log build/logs/restart-bench.log
	$(Q)tools/x86-linux-guest $(HV32) $(BUILD) bench
	$(Q)$(MAKE) --no-print-directory $(KVM_L2)
	$(Q)tools/x86-linux-guest $(HV32) $(BUILD) kvm-bench

.PHONY: x86-llvm-build test-images guest-suites vm-suites bench-arch x86-vm-nested-npt
