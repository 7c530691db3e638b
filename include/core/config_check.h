#ifndef CORE_CONFIG_CHECK_H
#define CORE_CONFIG_CHECK_H

#include <core/boot.h>
#include <lib/compiler.h>
#include <lib/fdt.h>

/*
 * The strict check of a VM configuration, before anything is built. The
 * same code runs in the hypervisor at boot and on the host
 * (tools/config-check.c, `make config-check CONFIG=...`), so a message
 * is word for word the same in both places. It needs no guest RAM: it
 * reads the blob, the boot modules it names and what the machine offers
 * (struct config_env), and reports every mistake of every VM in file
 * order through env->report, naming the VM, the node path and the
 * property. A VM with an error is not built.
 *
 * What each node may hold is in tables (core/config_schema.c): adding a
 * property is adding a row there (see docs/config.md for the rows).
 */

enum config_arch {
	CONFIG_X86_64 = 1 << 0,
	CONFIG_ARM64 = 1 << 1,
	CONFIG_ANY_ARCH = CONFIG_X86_64 | CONFIG_ARM64,
};

#if defined(__aarch64__)
#define CONFIG_THIS_ARCH	CONFIG_ARM64
#else
#define CONFIG_THIS_ARCH	CONFIG_X86_64
#endif

/*
 * What the checker must know of the platforms to judge a layout; the
 * arch code asserts that these are its own values (arch/arm64/vm.c).
 */
#define CONFIG_VGIC_DIST_SIZE		0x10000ULL
#define CONFIG_VGIC_REDIST_SIZE		0x20000ULL	/* per vCPU */
#define CONFIG_VGIC_DEFAULT_DIST	0x08000000ULL
#define CONFIG_VGIC_DEFAULT_REDIST	0x080a0000ULL
#define CONFIG_ARM64_SPIS		96		/* a device's SPI n is INTID 32 + n */
#define CONFIG_ARM64_DTB_SLOT		0x200000ULL	/* the top of the first RAM range */
#define CONFIG_X86_ISA_IRQS		16

/*
 * What every x86 VM has in place (arch/x86/vplat/): the ports its PC
 * platform answers before any device of the configuration could, and the
 * IOAPIC's page. A device placed on one would never be reached, so the
 * checker refuses it; the platform checks at boot that each port it owns
 * is in a row here (vplat's fill_port_map()).
 */
struct config_fixed_window {
	u64 base, size;
	bool io_port;
	const char *what;
};

extern const struct config_fixed_window config_x86_platform[];
extern const u32 config_x86_nr_platform;
bool config_x86_platform_has(bool io_port, u64 base, u64 size);

/*
 * The host's own devices: what the hypervisor drives itself (its console
 * UART, the APICs or the GIC, the ports it powers off through). Each
 * driver claims its window when it starts; a passthrough device of the
 * configuration that touches one is refused (config_passthrough.c). The
 * host's config-check claims QEMU's defaults instead. Full: -ENOSPC.
 */
#define CONFIG_MAX_HOST_WINDOWS	16
int config_host_claim(bool io_port, u64 base, u64 size, const char *what);
const struct config_fixed_window *config_host_windows(u32 *n);
/* What the host's config-check assumes: QEMU pc (-m 1G) or virt at their defaults. */
void config_host_claim_qemu(u32 arch, struct boot_info *bi);

/* The names the drivers claim their windows by (the messages say them). */
#define CONFIG_HOST_CONSOLE	"the hypervisor's console UART"
#define CONFIG_HOST_LAPIC	"the local APIC"
#define CONFIG_HOST_IOAPIC	"the host IOAPIC"
#define CONFIG_HOST_PM1A	"the ACPI PM1a control port"
#define CONFIG_HOST_DEBUG_EXIT	"QEMU's debug-exit port"
#define CONFIG_HOST_GICD	"the GIC distributor"
#define CONFIG_HOST_GICR	"the GIC redistributors"

#define CONFIG_MSG_MAX		200
#define CONFIG_PATH_MAX		128

struct config_env {
	u32 arch;				/* CONFIG_X86_64 or CONFIG_ARM64 */
	u32 nr_cpus;				/* for messages: CPUs 0..nr_cpus-1 */
	bool (*cpu_online)(u32 cpu);
	const struct boot_info *bi;		/* the boot modules "module" may name */
	/* One finished message, "vm NAME: /path: ...", without a newline. */
	void (*report)(bool error, const char *msg);
	/* The host's RAM is env->bi's; the host's own devices are config_host_windows(). */
};

/* Value types of a property: what its bytes must look like. */
enum config_type {
	CT_FLAG,		/* no value: present or absent */
	CT_U32,			/* one 32-bit cell */
	CT_U32_LIST,		/* one or more 32-bit cells */
	CT_ADDR,		/* an address: one or two cells */
	CT_RANGES,		/* (address, size) pairs of two cells each */
	CT_STRING,		/* one non-empty string */
	CT_BYTES,		/* any bytes, at least one (an /incbin/) */
	CT_REG,			/* "reg": cells as its node's parent says */
	CT_TYPE_COUNT,
};

struct config_check;
struct config_prop;

/* A property's own check, after its type was checked; reports through check_error(). */
typedef void (*config_prop_fn)(struct config_check *c, const struct config_prop *p,
			       const u8 *val, u32 len);

/* One row: a property a node may hold. */
struct config_prop {
	const char *name;
	u8 type;			/* enum config_type */
	u8 arch;			/* enum config_arch: where it is known */
	bool required;
	const char *const *choices;	/* CT_STRING: the accepted values, NULL-terminated */
	config_prop_fn check;		/* or NULL */
	const char *dflt;		/* for the reference: the value when absent */
	const char *doc;		/* for the reference: one line */
	const char *misuse;		/* for the reference: what the check refuses */
};

/* A node kind: its rows and the subnodes it may hold. */
struct config_node_kind {
	const char *name;		/* "vm", "kernel", "devices", or a device's compatible */
	u8 arch;
	const struct config_prop *props;
	u32 nr_props;
	const char *doc;
	/* Devices: where they may be and how much of it they take. */
	bool io_port_ok, mmio_ok;
	u64 size;			/* bytes or ports */
	bool irq_ok;
	/* A node checked by its own function instead of the walker's placement (passthrough). */
	void (*check_node)(struct config_check *c, int node, const struct config_node_kind *k);
};

extern const struct config_node_kind config_root_kind, config_vm_kind, config_kernel_kind;
extern const struct config_node_kind config_devices_kind, config_mb_module_kind;
extern const struct config_node_kind config_device_kinds[];
extern const u32 config_nr_device_kinds;
extern const char *const config_type_names[CT_TYPE_COUNT];

/* The accepted 'format' values per architecture. */
bool config_format_ok(u32 arch, const char *format);

/*
 * The closest of @n names to @s when it is close enough to be a typo
 * (edit distance at most 2, or a third of the name), else NULL.
 */
const char *config_nearest(const char *s, const char *const *names, u32 n);

#define CONFIG_MAX_VMS		8
#define CONFIG_MAX_CPUS		16
#define CONFIG_MAX_RAM		16
#define CONFIG_MAX_WINDOWS	12

/* Something that takes guest addresses or ports: RAM, a device, a vGIC frame. */
struct config_window {
	u64 base, size;
	bool io_port;
	char what[CONFIG_PATH_MAX];	/* "device '/vm/devices/serial'", "RAM", ... */
};

/* One VM's check: where the walk is, and what the VM has taken so far. */
struct config_check {
	struct config_check_run *run;
	char vm[32];
	char path[CONFIG_PATH_MAX];	/* of the node being checked */
	int node;
	u32 errors;
	struct boot_range ram[CONFIG_MAX_RAM];
	u32 nr_ram;
	bool ram_bad;			/* 'memory' had an error: nothing is judged against it */
	u32 nr_vcpus;
	struct config_window win[CONFIG_MAX_WINDOWS];
	u32 nr_win;
	u32 nr_devices;
	u32 addr_cells, size_cells;	/* of the devices node, for "reg" */
};

/*
 * Passthrough (config_passthrough.c): the host-physical ranges and ports
 * given to VMs so far, and the host IOAPIC pins (x86; arm64's SPIs are
 * spi_owner), each with its VM.
 */
#define CONFIG_MAX_PT_CLAIMS	32
#define CONFIG_X86_IOAPIC_PINS	24
struct config_pt_claim {
	u64 base, size;
	bool io_port;
	char vm[32];
};
struct config_pt_run {
	struct config_pt_claim claims[CONFIG_MAX_PT_CLAIMS];
	u32 nr_claims;
	char pin_owner[CONFIG_X86_IOAPIC_PINS][32];
};

/* Cross-VM state of one check: the CPUs and physical SPIs taken so far. */
struct config_check_run {
	const struct config_env *env;
	const struct fdt *fdt;
	u32 cpus_taken;			/* bitmap over CONFIG_MAX_CPUS */
	char cpu_owner[CONFIG_MAX_CPUS][32];	/* the VM each taken CPU went to */
	char spi_owner[CONFIG_ARM64_SPIS][32];	/* arm64: the VM each passed-through SPI went to */
	char console_input[CONFIG_PATH_MAX + 40];	/* "vm NAME's device '/path'", or "" */
	struct config_check vm;		/* the VM being checked */
	struct config_pt_run pt;
	u32 errors, warnings;
	u32 nr_vms;
	/* The inter-VM channels (config_channels.c): bit i for channel i refused. */
	u32 channel_refused;
	u32 nr_channels;
};

void config_check_start(struct config_check_run *run, const struct config_env *env,
			const struct fdt *fdt);
/* Checks the root's properties; the number of errors. */
u32 config_check_root(struct config_check_run *run);
/* Checks one VM node (a child of the root); the number of its errors. */
u32 config_check_vm(struct config_check_run *run, int node);

/*
 * The "channels" node (config_channels.c): config_check_root() checks
 * each channel on its own, config_check_vm() the endpoints naming the
 * VM. A root child for which config_node_is_channels() is true is no VM.
 */
extern const struct config_node_kind config_channels_kind, config_channel_kind;
extern const struct config_node_kind config_endpoint_kind;
bool config_node_is_channels(const struct fdt *fdt, int node);
void config_check_channels(struct config_check_run *run);
void config_check_vm_channels(struct config_check *c);

/* For the checks of other files: @node's properties against @k's rows. */
void config_check_node_props(struct config_check *c, int node, const struct config_node_kind *k);

/*
 * Reporting from a property's check function: "vm NAME: PATH: property
 * 'PROP' FMT" (without the property when @p is NULL).
 */
void check_error(struct config_check *c, const struct config_prop *p, const char *fmt, ...)
	__printf(3, 4);
u32 config_check_arch(const struct config_check *c);

/*
 * The load parameters of kernel node @k (format, image or its boot
 * module, initrd, addresses, command line, a multiboot kernel's
 * 'mb-module' nodes), for the loader's dry run
 * and for the real load alike; false if it names no usable image.
 */
struct load_params;
bool config_kernel_params(const struct fdt *fdt, int k, const struct boot_info *bi, u32 arch,
			  struct load_params *p);

/* What is wrong with a blob fdt_init() refused with @err. */
const char *config_blob_error(int err);

/* The passthrough device's own check (config_passthrough.c), named by its kind's row. */
void config_check_passthrough(struct config_check *c, int node, const struct config_node_kind *k);
/*
 * The helpers the passthrough and channel checks share with the walker:
 * claiming guest-physical (or port) [base, base + size) of the VM for
 * @what, reporting what it meets; a kind's row by name.
 */
void config_claim_guest(struct config_check *c, const struct config_prop *p, bool io_port,
			u64 base, u64 size, const char *what);
const struct config_prop *config_find_row(const struct config_node_kind *k, const char *name);

/* Big-endian cells of a property. */
u32 config_be32(const void *p);
u64 config_be64(const void *p);

#endif
