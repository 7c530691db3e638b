/* SOURCES: core/config_check.c core/config_schema.c core/config_platform.c core/config_passthrough.c core/loader.c tools/config_linux.c arch/x86/bzimage.c arch/x86/bzimage_header.c core/vmm/outcome.c core/boot_info.c lib/fdt.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
/* SEEDS: tests/config/fuzz-seed.dts */
/*
 * libFuzzer target for the configuration checker, the code that reads a
 * configuration before anything is built, at boot and in
 * build/host/config-check: whatever the blob, for either architecture,
 * it returns, reads nothing outside the blob and its one boot module
 * (ASan), and every message it reports is a terminated line that names
 * a VM or the root. The last input byte picks the architecture and the
 * CPU count (a blob's header gives its size: a byte after it is ignored).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <core/config_check.h>
#include <core/console.h>
#include <core/vm.h>
#include "fuzz_check.h"

static u32 nr_cpus;
static u32 reported_errors;

/* The loaders' boot messages are never said in a dry run. */
int printk(const char *fmt, ...)
{
	return 0;
}

/* The checker's loads are dry runs: no guest memory is ever asked for. */
void *vm_gpa_to_hva(const struct vm *vm, u64 gpa, u64 len)
{
	CHECK(!"a dry run reached guest memory");
	return NULL;
}

static bool cpu_online(u32 cpu)
{
	return cpu < nr_cpus;
}

static void report(bool error, const char *msg)
{
	size_t n = strnlen(msg, CONFIG_MSG_MAX);

	CHECK(n < CONFIG_MSG_MAX);
	CHECK(!strncmp(msg, "vm ", 3) || msg[0] == '/');
	CHECK(!memchr(msg, '\n', n));
	reported_errors += error;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u8 module[] = "a boot module's bytes";
	static struct config_check_run run;
	static struct boot_info bi;
	struct config_env env = { .cpu_online = cpu_online, .bi = &bi, .report = report };
	struct fdt fdt;
	u32 errors = 0;
	int node;

	if (size < 1)
		return 0;
	env.arch = data[size - 1] & 1 ? CONFIG_ARM64 : CONFIG_X86_64;
	nr_cpus = env.nr_cpus = 1 + (data[size - 1] >> 1) % 16;
	boot_info_init(&bi);
	boot_info_add_module(&bi, (u64)(uintptr_t)module, sizeof(module), "hello", 5);
	if (fdt_init(&fdt, data, size))
		return 0;
	reported_errors = 0;
	config_check_start(&run, &env, &fdt);
	errors += config_check_root(&run);
	for (node = fdt_first_subnode(&fdt, fdt_root(&fdt)); node >= 0;
	     node = fdt_next_subnode(&fdt, node))
		errors += config_check_vm(&run, node);
	/* Each error counted for its VM is one message, and the run counts them all. */
	CHECK(errors == reported_errors && run.errors == reported_errors);
	return 0;
}
