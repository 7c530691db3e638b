# arm64 test guests: EL1 programs with an arm64 Image header, printing
# TAP on the PL011 and leaving through debug-exit or PSCI SYSTEM_OFF
# (tests/guest/arm64/lib/include/guest/guest.h). Every
# tests/guest/arm64/<name>.c is one guest, linked with the guest library
# and the parts of the hypervisor's lib/ it needs into
#   $(BUILD)/guests/<name>.elf   for the "elf" loader
#   $(BUILD)/guests/<name>.bin   the raw Image, for the "linux" and "flat" loaders

A64_GUEST_DIR := $(BUILD)/guests
A64_GUEST_OBJDIR := $(A64_GUEST_DIR)/obj
A64_GUEST_LDS := tests/guest/arm64/lib/guest.ld

# The hypervisor's warnings and freestanding flags, without its position
# independence: a guest is linked at the VM's RAM base. Its MMU stays off,
# so memory is Device memory to it: no unaligned accesses (-mstrict-align).
A64_GUEST_CFLAGS := $(filter-out -fpie -include arch/arm64/include/asm/hidden.h -DHV_ARCH=%,\
	$(CFLAGS)) -fno-pie -fno-pic -mgeneral-regs-only -mstrict-align \
	-Itests/guest/arm64/lib/include
A64_GUEST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none

A64_GUEST_HVLIB := lib/printf.c lib/mem.c lib/string.c lib/fdt.c
A64_GUEST_LIB_SRCS := $(wildcard tests/guest/arm64/lib/*.S tests/guest/arm64/lib/*.c) \
	$(A64_GUEST_HVLIB)
A64_GUEST_LIB_OBJS := $(patsubst %,$(A64_GUEST_OBJDIR)/%.o,$(basename $(A64_GUEST_LIB_SRCS)))

A64_GUESTS := $(basename $(notdir $(wildcard tests/guest/arm64/*.c)))
A64_GUEST_MAIN_OBJS := $(A64_GUESTS:%=$(A64_GUEST_OBJDIR)/tests/guest/arm64/%.o)
A64_GUEST_ELFS := $(A64_GUESTS:%=$(A64_GUEST_DIR)/%.elf)
A64_GUEST_IMAGES := $(A64_GUEST_ELFS) $(A64_GUEST_ELFS:.elf=.bin)

$(A64_GUEST_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (guest)")
	$(Q)$(CC) $(A64_GUEST_CFLAGS) -c $< -o $@

$(A64_GUEST_OBJDIR)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $< (guest)")
	$(Q)$(CC) $(filter-out -std=gnu11,$(A64_GUEST_CFLAGS)) -D__ASSEMBLY__ -c $< -o $@

$(A64_GUEST_ELFS): $(A64_GUEST_DIR)/%.elf: $(A64_GUEST_OBJDIR)/tests/guest/arm64/%.o \
		$(A64_GUEST_LIB_OBJS) $(A64_GUEST_LDS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(A64_GUEST_LDFLAGS) -T $(A64_GUEST_LDS) -o $@ $(A64_GUEST_LIB_OBJS) $<

$(A64_GUEST_ELFS:.elf=.bin): %.bin: %.elf
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -O binary $< $@

# Part of every arm64 build: a change to lib/ that breaks a guest shows in 'make'.
$(BUILD)/images: $(A64_GUEST_IMAGES)

arm64-guests: $(A64_GUEST_IMAGES)

.PHONY: arm64-guests
-include $(A64_GUEST_LIB_OBJS:.o=.d) $(A64_GUEST_MAIN_OBJS:.o=.d)
