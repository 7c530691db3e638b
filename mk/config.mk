# The host-side configuration checker, built from the hypervisor's own
# parser, and `make config-check CONFIG=my.dts`.

CONFIG_CHECK := build/host/config-check
CONFIG_CHECK_SRCS := tools/config-check.c core/config_check.c core/config_schema.c \
	core/loader.c core/vmm/outcome.c core/boot_info.c lib/fdt.c lib/string.c lib/printf.c \
	lib/errno.c

$(CONFIG_CHECK): $(CONFIG_CHECK_SRCS) $(UNIT_HDRS) mk/config.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(CONFIG_CHECK_SRCS) -o $@
