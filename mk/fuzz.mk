# libFuzzer targets (clang, ASan + UBSan). Like a unit test, each
# tests/fuzz/fuzz_NAME.c names what it links and any extra flags in
# comments of its own (lib/printf.c, which host_compat.h renames, is
# always linked):
#   /* SOURCES: arch/x86/decode.c */
#   /* CFLAGS: -Iarch/x86/include */
#   /* SEEDS: tests/unit/data/qemu-virt-gicv3.dts */   (compiled by dtc into the corpus)
#
#   make fuzz                     build every target, run each FUZZ_SECONDS
#   make fuzz FUZZ_SECONDS=300    longer
#   make fuzz FUZZ_JOBS=2         two targets at a time
#   make fuzz-build               build only
#
# Each target's corpus grows in build/fuzz/corpus/NAME and is reused by
# the next run. A failing input is saved as build/fuzz/NAME-crash-*
# (reproduce: build/fuzz/fuzz_NAME FILE), and `make fuzz` fails.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
FUZZ_BUILD := build/fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fno-strict-aliasing -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Itests/unit -include tests/unit/host_compat.h -DHV_HOST_TEST

FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz_field = $(shell sed -n 's|^/\* $(2): \(.*\) \*/$$|\1|p' tests/fuzz/fuzz_$(1).c)
fuzz_srcs = $(sort lib/printf.c $(call fuzz_field,$(1),SOURCES))

define fuzz_rule
$(FUZZ_BUILD)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(call fuzz_srcs,$(1)) tests/fuzz/fuzz_check.h mk/fuzz.mk
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $(call fuzz_field,$(1),CFLAGS) \
		tests/fuzz/fuzz_$(1).c $(call fuzz_srcs,$(1)) -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

# Every target runs even when one fails; the summary line per target
# gives the executions and the coverage reached. FUZZ_SECONDS is per
# target, so FUZZ_JOBS=N runs N targets at a time (each one process).
FUZZ_JOBS ?= 1

fuzz: deps-ensure
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)rm -f $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%.result)
	$(Q)$(MAKE) --no-print-directory -k -j$(FUZZ_JOBS) $(FUZZ_TARGETS:%=fuzz-run-%) || true
	$(Q)fail=0; for t in $(FUZZ_TARGETS); do \
		if [ -s $(FUZZ_BUILD)/$$t.result ]; then cat $(FUZZ_BUILD)/$$t.result; \
		else echo "FAIL  fuzz-$$t (did not run)"; fi; \
		grep -q '^PASS' $(FUZZ_BUILD)/$$t.result 2>/dev/null || fail=1; \
	done; exit $$fail

# One target's run; its verdict goes to build/fuzz/NAME.result for the summary.
fuzz-run-%:
	$(Q)t=$*; mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	for s in $$(sed -n 's|^/\* SEEDS: \(.*\) \*/$$|\1|p' tests/fuzz/fuzz_$$t.c); do \
		dtc -q -I dts -O dtb -o $(FUZZ_BUILD)/corpus/$$t/$$(basename $$s .dts).dtb $$s; \
	done; \
	log=$(FUZZ_BUILD)/$$t.log; res=$(FUZZ_BUILD)/$$t.result; \
	if $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/$$t- \
		$(FUZZ_BUILD)/corpus/$$t >$$log 2>&1; then \
		runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
		cov=$$(grep -o 'cov: [0-9]*' $$log | tail -1); \
		corpus=$$(ls $(FUZZ_BUILD)/corpus/$$t | wc -l); \
		echo "PASS  fuzz-$$t: $$runs runs, $$cov, $$corpus corpus inputs" >$$res; \
	else \
		{ echo "FAIL  fuzz-$$t (log: $$log)"; \
		  grep -E 'invariant failed|ERROR: |SUMMARY: |runtime error' $$log | head -5 | \
			sed 's/^/        /'; } >$$res; \
		exit 1; \
	fi

.PHONY: fuzz fuzz-build
