/*
 * config-check: the hypervisor's configuration check on the host, built
 * from the same sources (core/config_check.c, core/config_schema.c,
 * core/loader.c, lib/fdt.c, lib/printf.c), so every message is the one
 * the hypervisor prints at boot.
 *
 *   config-check [--arch x86_64|arm64] [--cpus N] [--module FILE:NAME]... CONFIG.dtb
 *   config-check --reference        the property tables, as docs/config.md shows them
 *
 * Prints "error: config: ..." and "warning: config: ..." lines and exits
 * 1 when there is an error, 2 on a usage or file problem, else 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/config_check.h>
#include <core/console.h>
#include <core/vm.h>

static u32 nr_cpus = 4;

/* The checker's dry runs never reach guest memory: there is none on the host. */
void *vm_gpa_to_hva(const struct vm *vm, u64 gpa, u64 len)
{
	return NULL;
}

/* The loaders' boot messages: never said in a dry run, which is all this tool does. */
int printk(const char *fmt, ...)
{
	return 0;
}

static bool cpu_online(u32 cpu)
{
	return cpu < nr_cpus;
}

static void report(bool error, const char *msg)
{
	printf("%s: config: %s\n", error ? "error" : "warning", msg);
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc(n ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int add_module(struct boot_info *bi, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char path[4096];
	size_t size;
	void *data;

	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(path)) {
		fprintf(stderr, "config-check: --module wants FILE:NAME, not \"%s\"\n", spec);
		return -1;
	}
	memcpy(path, spec, (size_t)(colon - spec));
	path[colon - spec] = '\0';
	data = read_file(path, &size);
	if (!data) {
		fprintf(stderr, "config-check: cannot read module file %s\n", path);
		return -1;
	}
	return boot_info_add_module(bi, (u64)(uintptr_t)data, size, colon + 1,
				    strlen(colon + 1)) ? -1 : 0;
}

static void print_kind(const struct config_node_kind *k)
{
	u32 i;

	printf("\n### %s\n\n%s.\n\n", k->name, k->doc);
	if (k->size)
		printf("Takes %s%s%#llx %s%s.\n\n", k->io_port_ok ? "'io-port' or " : "",
		       k->mmio_ok ? "'reg', " : "", k->size,
		       k->io_port_ok ? "ports or bytes" : "bytes",
		       k->irq_ok ? "; may raise an interrupt" : "; raises no interrupt");
	printf("| property | type | arch | default | meaning | an error when |\n"
	       "|---|---|---|---|---|---|\n");
	for (i = 0; i < k->nr_props; i++) {
		const struct config_prop *p = &k->props[i];
		bool any = p->arch == CONFIG_ANY_ARCH, more = strcmp(p->misuse, "-");

		printf("| `%s` | %s | %s | %s | %s | not of its type%s%s%s |\n", p->name,
		       config_type_names[p->type], any ? "both" :
		       p->arch == CONFIG_ARM64 ? "arm64" : "x86_64",
		       p->required ? "required" : p->dflt ? p->dflt : "-", p->doc,
		       any ? "" : "; in a VM of the other architecture", more ? "; " : "",
		       more ? p->misuse : "");
	}
}

static void print_reference(void)
{
	u32 i;

	printf("## Nodes and properties\n\nGenerated from core/config_schema.c by "
	       "`build/host/config-check --reference`.\n");
	print_kind(&config_root_kind);
	print_kind(&config_vm_kind);
	print_kind(&config_kernel_kind);
	print_kind(&config_mb_module_kind);
	print_kind(&config_devices_kind);
	print_kind(&config_channels_kind);
	print_kind(&config_channel_kind);
	print_kind(&config_endpoint_kind);
	printf("\n## Device models (children of 'devices', by 'compatible')\n");
	for (i = 0; i < config_nr_device_kinds; i++)
		print_kind(&config_device_kinds[i]);
}

static int usage(void)
{
	fprintf(stderr, "usage: config-check [--arch x86_64|arm64] [--cpus N] "
		"[--module FILE:NAME]... CONFIG.dtb\n       config-check --reference\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct boot_info bi;
	static struct config_check_run run;
	struct config_env env = { .arch = CONFIG_X86_64, .cpu_online = cpu_online, .bi = &bi,
				  .report = report };
	const char *file = NULL;
	struct fdt fdt;
	size_t size;
	void *blob;
	int i, r, node;

	boot_info_init(&bi);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reference")) {
			print_reference();
			return 0;
		} else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "arm64"))
				env.arch = CONFIG_ARM64;
			else if (strcmp(argv[i], "x86_64"))
				return usage();
		} else if (!strcmp(argv[i], "--cpus") && i + 1 < argc) {
			nr_cpus = (u32)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--module") && i + 1 < argc) {
			if (add_module(&bi, argv[++i]))
				return 2;
		} else if (argv[i][0] == '-' || file) {
			return usage();
		} else {
			file = argv[i];
		}
	}
	if (!file)
		return usage();
	env.nr_cpus = nr_cpus;
	/* The machine `make run` boots: its RAM and the devices the hypervisor drives there. */
	config_host_claim_qemu(env.arch, &bi);
	blob = read_file(file, &size);
	if (!blob) {
		fprintf(stderr, "config-check: cannot read %s\n", file);
		return 2;
	}
	r = fdt_init(&fdt, blob, size);
	if (r) {
		printf("error: config: not a valid devicetree blob: %s\n", config_blob_error(r));
		free(blob);
		return 1;
	}
	config_check_start(&run, &env, &fdt);
	config_check_root(&run);
	for (node = fdt_first_subnode(&fdt, fdt_root(&fdt)); node >= 0;
	     node = fdt_next_subnode(&fdt, node))
		if (!config_node_is_channels(&fdt, node))
			config_check_vm(&run, node);
	/* The summary after every message, also when both go to one file. */
	fflush(stdout);
	fprintf(stderr, "config-check: %s: %u VM%s, %u error%s, %u warning%s\n", file,
		run.nr_vms, run.nr_vms == 1 ? "" : "s", run.errors, run.errors == 1 ? "" : "s",
		run.warnings, run.warnings == 1 ? "" : "s");
	free(blob);
	for (i = 0; i < (int)bi.nr_modules; i++)
		free((void *)(uintptr_t)bi.modules[i].base);
	return run.errors ? 1 : 0;
}
