# x86 test guests: multiboot1 kernels that print TAP on COM1 and leave
# through isa-debug-exit (tests/guest/x86/lib/include/guest/guest.h).
# Every tests/guest/x86/<name>.c is one guest, linked with the guest
# library and the parts of the hypervisor's lib/ it needs into
#   $(BUILD)/guests/<name>.elf     ELF64, for GRUB-like loaders
#   $(BUILD)/guests/<name>.elf32   elf32-i386, for QEMU's -kernel and the
#                                  hypervisor's multiboot1 loader

X86_GUEST_DIR := $(BUILD)/guests
X86_GUEST_OBJDIR := $(X86_GUEST_DIR)/obj
X86_GUEST_LDS := tests/guest/x86/lib/guest.ld

# The hypervisor's conventions (warnings, -Werror, freestanding, no SSE),
# without what only suits the hypervisor: its code model and identity.
# Spelled out again because a guest depends on them: exceptions arrive on
# the current stack, which would clobber a red zone; no FPU/SSE state is
# set up; the image is linked at fixed low addresses.
X86_GUEST_CFLAGS := $(filter-out -mcmodel=% -DHV_ARCH=%,$(CFLAGS)) \
	-ffreestanding -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-Itests/guest/x86/lib/include -Iarch/x86/include

X86_GUEST_HVLIB := lib/printf.c lib/mem.c lib/string.c
X86_GUEST_LIB_SRCS := $(wildcard tests/guest/x86/lib/*.S tests/guest/x86/lib/*.c) $(X86_GUEST_HVLIB)
X86_GUEST_LIB_OBJS := $(patsubst %,$(X86_GUEST_OBJDIR)/%.o,$(basename $(X86_GUEST_LIB_SRCS)))

X86_GUESTS := $(basename $(notdir $(wildcard tests/guest/x86/*.c)))
X86_GUEST_MAIN_OBJS := $(X86_GUESTS:%=$(X86_GUEST_OBJDIR)/tests/guest/x86/%.o)
X86_GUEST_ELFS := $(X86_GUESTS:%=$(X86_GUEST_DIR)/%.elf)
X86_GUEST_IMAGES := $(X86_GUEST_ELFS) $(X86_GUEST_ELFS:.elf=.elf32)

$(X86_GUEST_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (guest)")
	$(Q)$(CC) $(X86_GUEST_CFLAGS) -c $< -o $@

$(X86_GUEST_OBJDIR)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $< (guest)")
	$(Q)$(CC) $(filter-out -std=gnu11,$(X86_GUEST_CFLAGS)) -D__ASSEMBLY__ -c $< -o $@

# A guest that is not a multiboot kernel names its ELF entry here.
X86_GUEST_ENTRY_long64 := long64_entry

# Static pattern rules: the objects are then real targets, which make
# keeps, rather than intermediates of a pattern chain, which it deletes.
$(X86_GUEST_ELFS): $(X86_GUEST_DIR)/%.elf: $(X86_GUEST_OBJDIR)/tests/guest/x86/%.o \
		$(X86_GUEST_LIB_OBJS) $(X86_GUEST_LDS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -T $(X86_GUEST_LDS) \
		$(if $(X86_GUEST_ENTRY_$*),-e $(X86_GUEST_ENTRY_$*)) -o $@ $(X86_GUEST_LIB_OBJS) $<

$(X86_GUEST_ELFS:.elf=.elf32): %.elf32: %.elf
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -O elf32-i386 $< $@

# Part of every x86 build: a change to lib/ that breaks a guest shows in 'make'.
$(BUILD)/images: $(X86_GUEST_IMAGES)

x86-guests: $(X86_GUEST_IMAGES)

.PHONY: x86-guests
-include $(X86_GUEST_LIB_OBJS:.o=.d) $(X86_GUEST_MAIN_OBJS:.o=.d)
