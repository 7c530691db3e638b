/*
 * The default VM configuration, compiled by dtc from configs/ at build
 * time with the guest images it names built in: what `make run` boots.
 */
	.section .rodata
	.balign 8
	.global builtin_config_start
	.global builtin_config_end
builtin_config_start:
	.incbin BUILTIN_CONFIG
builtin_config_end:
