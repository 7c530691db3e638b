# Host unit tests (cmocka, ASan + UBSan, and TSan for the threaded ones), guest suites of both
# architectures in QEMU, and the one summary line.

HOSTCC ?= gcc
UNIT_BUILD := build/host
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fno-strict-aliasing -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iinclude -Itests/unit -include tests/unit/host_compat.h -DHV_HOST_TEST

# A test file names what it links in a comment of its own (lib/printf.c,
# which host_compat.h renames, and tests/unit/support.c are always linked):
#   /* SOURCES: lib/printf.c lib/string.c */
#   /* CFLAGS: -Iarch/x86/include */
UNIT_TESTS := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
unit_field = $(shell sed -n 's|^/\* $(2): \(.*\) \*/$$|\1|p' tests/unit/test_$(1).c)
unit_srcs = $(sort lib/printf.c tests/unit/support.c $(call unit_field,$(1),SOURCES))
# Sources and headers are compiled in one command, which leaves gcc's -MMD
# with only the last file's dependencies: depend on every header, and on
# the .c files a test includes itself (#include "../../lib/mem.c").
UNIT_HDRS := $(wildcard include/*/*.h arch/*/include/*/*.h tests/unit/*.h)
unit_incs = $(shell sed -n 's|^\#include "\.\./\.\./\(.*\.c\)"$$|\1|p' tests/unit/test_$(1).c)

define unit_rule
$(UNIT_BUILD)/test_$(1): tests/unit/test_$(1).c $(call unit_srcs,$(1)) $(call unit_incs,$(1)) \
		$(UNIT_HDRS) mk/tests.mk
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTCC  $$@")
	$$(Q)$$(HOSTCC) $$(UNIT_CFLAGS) $(call unit_field,$(1),CFLAGS) \
		tests/unit/test_$(1).c $(call unit_srcs,$(1)) -o $$@ -lcmocka -lpthread
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

# Tests with threads also declare /* TSAN: yes */ and get a second build
# under ThreadSanitizer (which cannot be combined with ASan), run after
# the ASan one. The vGIC stress test's 10,000 rounds take about a minute
# under TSan here, several on a loaded machine: hence the longer timeout.
UNIT_TSAN_BUILD := build/host-tsan
UNIT_TSAN_CFLAGS := $(filter-out -fsanitize=address%,$(UNIT_CFLAGS)) -fsanitize=thread
UNIT_TSAN_TESTS := $(foreach t,$(UNIT_TESTS),$(if $(call unit_field,$(t),TSAN),$(t)))

define unit_tsan_rule
$(UNIT_TSAN_BUILD)/test_$(1): tests/unit/test_$(1).c $(call unit_srcs,$(1)) \
		$(call unit_incs,$(1)) $(UNIT_HDRS) mk/tests.mk
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTCC  $$@ (TSan)")
	$$(Q)$$(HOSTCC) $$(UNIT_TSAN_CFLAGS) $(call unit_field,$(1),CFLAGS) \
		tests/unit/test_$(1).c $(call unit_srcs,$(1)) -o $$@ -lcmocka -lpthread
endef
$(foreach t,$(UNIT_TSAN_TESTS),$(eval $(call unit_tsan_rule,$(t))))

unit-build: $(UNIT_TESTS:%=$(UNIT_BUILD)/test_%) $(UNIT_TSAN_TESTS:%=$(UNIT_TSAN_BUILD)/test_%)

unit: deps-ensure
	$(Q)$(MAKE) --no-print-directory -k unit-build || \
		echo "unit-build 0 1 0" >build/results/unit-build.res
	$(Q)for t in $(UNIT_TESTS); do \
		[ -x $(UNIT_BUILD)/test_$$t ] || { echo "unit-$$t 0 1 0" >build/results/unit-$$t.res; \
			echo "FAIL  unit-$$t: did not build"; continue; }; \
		CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1 \
		tools/run-suite unit-$$t --status 0 --timeout 300 -- $(UNIT_BUILD)/test_$$t; \
	done
	$(Q)tools/run-suite tools-run-suite --status 0 --timeout 60 -- tests/tools/run-suite-concurrent.sh
	$(Q)for t in $(UNIT_TSAN_TESTS); do \
		[ -x $(UNIT_TSAN_BUILD)/test_$$t ] || { echo "unit-tsan-$$t 0 1 0" \
			>build/results/unit-tsan-$$t.res; \
			echo "FAIL  unit-tsan-$$t: did not build"; continue; }; \
		CMOCKA_MESSAGE_OUTPUT=TAP TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
		tools/run-suite unit-tsan-$$t --status 0 --timeout 1200 -- \
			$(UNIT_TSAN_BUILD)/test_$$t; \
	done

# Runs one architecture's guest suites; a build failure is scored as one
# failed test so that it shows in the summary, and then no suite runs:
# they would run whatever images an earlier build left, older than the
# sources. (An "exit 0" on the build's line ended only that line's shell.)
check-arch: deps-ensure
	$(Q)mkdir -p build/results
	$(Q)if $(MAKE) --no-print-directory ARCH=$(ARCH) test-images; then \
		$(MAKE) --no-print-directory ARCH=$(ARCH) guest-suites; \
	else \
		echo "build-$(ARCH) 0 1 0" >build/results/build-$(ARCH).res; \
		echo "FAIL  build-$(ARCH)"; \
	fi

check: deps-ensure
	$(Q)rm -rf build/results build/logs
	$(Q)mkdir -p build/results
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory ARCH=x86_64 check-arch
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 check-arch
	$(Q)tools/summary

bench: deps-ensure
	$(Q)$(MAKE) --no-print-directory ARCH=x86_64 bench-arch
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 bench-arch

.PHONY: unit unit-build check check-arch bench

# One scored test of either architecture's suites: $(3) appears exactly $(4) times in
# suite $(2)'s log.
said_times = n=$$(grep -ac '$(3)' build/logs/$(2).log); if [ "$$n" = $(4) ]; then \
		echo "$(1) 1 0 0" >build/results/$(1).res; echo "PASS  $(1)"; \
	else echo "$(1) 0 1 0" >build/results/$(1).res; \
		echo "FAIL  $(1): '$(3)' $$n times in the log, not $(4)"; fi

