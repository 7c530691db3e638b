# libFuzzer targets (clang, ASan + UBSan), not part of 'make check':
#   make fuzz [FUZZ_TIME=20]    a bounded run of every target
# The seed corpus is compiled from the unit tests' devicetree sources.

FUZZ_BUILD := build/fuzz
FUZZ_TIME ?= 20
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -include tests/unit/host_compat.h -DHV_HOST_TEST

FUZZ_FDT_SOURCES := tests/fuzz/fuzz_fdt.c lib/fdt.c boot/fdt_boot.c core/boot_info.c lib/printf.c
FUZZ_FDT_SEEDS := tests/unit/data/qemu-virt-gicv3.dts

$(FUZZ_BUILD)/fuzz_fdt: $(FUZZ_FDT_SOURCES) $(wildcard include/lib/*.h include/core/*.h) mk/fuzz.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_FDT_SOURCES) -o $@

$(FUZZ_BUILD)/seeds/fdt: $(FUZZ_FDT_SEEDS)
	@mkdir -p $@
	$(Q)for s in $^; do dtc -q -I dts -O dtb -o $@/$$(basename $$s .dts).dtb $$s; done
	@touch $@

# Findings (crash-*, leak-*) land in build/fuzz; the corpus grows in build/fuzz/corpus.
fuzz: deps-ensure $(FUZZ_BUILD)/fuzz_fdt $(FUZZ_BUILD)/seeds/fdt
	@mkdir -p $(FUZZ_BUILD)/corpus/fdt
	$(Q)cd $(FUZZ_BUILD) && timeout -k 10 $$(($(FUZZ_TIME) + 60)) ./fuzz_fdt \
		-max_total_time=$(FUZZ_TIME) -max_len=16384 -print_final_stats=1 \
		corpus/fdt seeds/fdt

.PHONY: fuzz
