#include <core/channel.h>
#include <core/config.h>
#include <core/config_check.h>
#include <core/console.h>
#include <core/loader.h>
#include <core/percpu.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

extern const struct vmm_device_type vmm_device_types[];
extern const unsigned int vmm_nr_device_types;

int fail_config(struct config_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

/*
 * The builders below read a VM node that config_check_vm() accepted:
 * every property there has its type and a valid value, each CPU is
 * online and given once, and the layout fits. What remains to fail is
 * what only building shows: memory running out.
 */
static int parse_cpus(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	const void *val;
	u32 len = 0, i;

	fdt_prop(fdt, node, "cpus", &val, &len);
	for (i = 0; i < len / 4; i++)
		if (!vm_add_vcpu(vm, config_be32((const u8 *)val + 4 * i)))
			return fail_config(err, -ENOMEM, "cannot create vCPU %u: out of memory", i);
	return 0;
}

static int parse_memory(struct vm *vm, const struct fdt *fdt, int node,
			struct config_error *err)
{
	const u8 *val;
	u32 len = 0, i;
	int r;

	fdt_prop(fdt, node, "memory", (const void **)&val, &len);
	for (i = 0; i < len; i += 16) {
		u64 gpa = config_be64(val + i), size = config_be64(val + i + 8);

		r = vm_add_ram(vm, gpa, size);
		if (r)
			return fail_config(err, r, "property 'memory': 0x%llx+0x%llx: %s (%s)", gpa,
					   size, r == -ENOMEM ? "not enough free RAM" :
					   "no room for one more region", errno_name(r));
	}
	return 0;
}

/* Also for a refused VM, whose "expect" may be "dead": a bad value leaves the default. */
static void parse_policy(struct vm *vm, const struct fdt *fdt, int node)
{
	struct vmm_vm *v = vm->vmm;
	const char *s;
	u32 outcome;
	u64 code;

	if (fdt_prop_string(fdt, node, "unknown-access", &s) >= 0)
		v->unknown_policy = strcmp(s, "stop") ? VMM_UNKNOWN_IGNORE : VMM_UNKNOWN_STOP;
	if (fdt_prop_string(fdt, node, "on-reset", &s) >= 0)
		v->reset_policy = strcmp(s, "stop") ? VMM_RESET_RESTART : VMM_RESET_STOP;
	if (fdt_prop_string(fdt, node, "on-crash", &s) >= 0)
		v->crash_policy = strcmp(s, "restart") ? VMM_CRASH_STOP : VMM_CRASH_RESTART;
	fdt_prop_u32(fdt, node, "restart-limit", &v->restart_limit);
	if (fdt_prop_string(fdt, node, "expect", &s) >= 0 &&
	    !vmm_parse_outcome(s, &outcome, &code)) {
		v->expect = outcome;
		v->expect_code = code;
	}
}

static const struct vmm_device_type *device_type(const struct fdt *fdt, int node)
{
	unsigned int i;

	for (i = 0; i < vmm_nr_device_types; i++)
		if (fdt_is_compatible(fdt, node, vmm_device_types[i].compatible) == 1)
			return &vmm_device_types[i];
	return NULL;
}

static int parse_devices(struct vm *vm, const struct fdt *fdt, int node,
			 struct config_error *err)
{
	int devs = fdt_subnode(fdt, node, "devices", 7), d, r;

	if (devs < 0)
		return 0;
	for (d = fdt_first_subnode(fdt, devs); d >= 0; d = fdt_next_subnode(fdt, d)) {
		const struct vmm_device_type *t = device_type(fdt, d);
		const char *name = "?";

		fdt_node_name(fdt, d, &name);
		if (!fdt_is_enabled(fdt, d))
			continue;
		if (!t)
			return fail_config(err, -ENODEV, "device '%s': no model is compatible with it",
					   name);
		r = t->create(vm, fdt, d, err);
		if (r)
			return r;
	}
	return 0;
}

static int parse_kernel(struct vm *vm, const struct fdt *fdt, int node,
			const struct boot_info *bi, struct config_error *err)
{
	struct load_params p;
	struct vcpu_boot boot;
	int k = fdt_subnode(fdt, node, "kernel", 6), r;

	if (k < 0 || !config_kernel_params(fdt, k, bi, CONFIG_THIS_ARCH, &p))
		return fail_config(err, -ENOENT, "kernel: no image to load");
	r = arch_vm_prepare_boot(vm, &p);
	if (r)
		return fail_config(err, r, "kernel: the guest's boot data does not fit in its RAM "
				   "(%s)", errno_name(r));
	r = loader_load(vm, &p, &boot);
	if (r)
		return fail_config(err, r, "kernel: the image does not load: %s (%s)",
				   loader_last_error()->why ? loader_last_error()->why : "refused",
				   errno_name(r));
	return vcpu_power_on(vm->vcpus[0], &boot);
}

/* The order matters: devices and the arch's layout must exist before the kernel's boot data. */
static int build_vm(struct vm *vm, const struct fdt *fdt, int node, const struct boot_info *bi,
		    struct config_error *err)
{
	int r;

	parse_policy(vm, fdt, node);
	r = parse_memory(vm, fdt, node, err);
	if (!r)
		r = parse_cpus(vm, fdt, node, err);
	if (!r)
		r = arch_vm_config(vm, fdt, node, err);
	if (!r)
		r = parse_devices(vm, fdt, node, err);
	if (!r)
		r = parse_kernel(vm, fdt, node, bi, err);
	return r;
}

/* A VM the check refused (@errors of them, reported) is created DEAD; the others are built. */
static int load_vm(const struct fdt *fdt, int node, const struct boot_info *bi, u32 errors)
{
	struct config_error err = { "" };
	struct vm *vm;
	int r;

	char name[VM_NAME_MAX];
	const char *node_name;
	int len = fdt_node_name(fdt, node, &node_name);

	/* The VM's name is its node's name, without a unit address. */
	strlcpy_bounded(name, sizeof(name), node_name, (size_t)MAX(len, 0));
	if (strchr(name, '@'))
		*strchr(name, '@') = '\0';
	vm = vm_create(name);
	if (!vm || vmm_add_vm(vm)) {
		pr_err("config: vm %s: out of memory\n", name);
		return -ENOMEM;
	}
	if (errors) {
		/* Its "expect" still counts: a test may want a refused VM (expect = "dead"). */
		parse_policy(vm, fdt, node);
		fail_config(&err, -EINVAL, "refused: %u configuration error%s", errors,
			    errors == 1 ? "" : "s");
		pr_err("config: vm %s: %s\n", vm->name, err.msg);
		vm_mark_dead(vm, err.msg);
		return 0;
	}
	r = build_vm(vm, fdt, node, bi, &err);
	if (r) {
		pr_err("config: vm %s: %s\n", vm->name, err.msg);
		vm_mark_dead(vm, err.msg);
	}
	return 0;
}

static bool check_cpu_online(u32 cpu)
{
	return cpu < MAX_CPUS && __atomic_load_n(&percpu_data[cpu].online, __ATOMIC_ACQUIRE);
}

static u32 count_online(void)
{
	u32 cpu, n = 0;

	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		n += check_cpu_online(cpu);
	return n;
}

static void check_report(bool error, const char *msg)
{
	if (error)
		pr_err("config: %s\n", msg);
	else
		pr_warn("config: %s\n", msg);
}

/*
 * Every VM node is checked (config_check.c, the same code as the host's
 * config-check) before it is built: a VM with a mistake is refused as a
 * whole, with every mistake reported, and the others start.
 */
int config_load(const void *blob, size_t size, const struct boot_info *bi)
{
	static struct config_check_run run;
	struct config_env env = {
		.arch = CONFIG_THIS_ARCH, .nr_cpus = count_online(), .cpu_online = check_cpu_online,
		.bi = bi, .report = check_report,
	};
	struct fdt fdt;
	int node, n = 0, r = fdt_init(&fdt, blob, size);
	u32 errors;

	if (r) {
		pr_err("config: not a valid devicetree blob: %s\n", config_blob_error(r));
		return r;
	}
	config_check_start(&run, &env, &fdt);
	config_check_root(&run);
	for (node = fdt_first_subnode(&fdt, fdt_root(&fdt)); node >= 0;
	     node = fdt_next_subnode(&fdt, node)) {
		if (config_node_is_channels(&fdt, node))
			continue;
		errors = config_check_vm(&run, node);
		if (run.nr_vms > CONFIG_MAX_VMS)
			continue;
		if (!load_vm(&fdt, node, bi, errors))
			n++;
	}
	/* Into the VMs built above, before any is finalized. */
	channel_load(&fdt, run.channel_refused);
	return n;
}

extern const u8 builtin_config_start[], builtin_config_end[];

const void *config_builtin(size_t *size)
{
	*size = (size_t)(builtin_config_end - builtin_config_start);
	return builtin_config_start;
}
