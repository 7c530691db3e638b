#include <core/efi_mmap.h>
#include <lib/errno.h>
#include <lib/fdt.h>
#include <lib/string.h>
#include <asm/asm_offsets.h>
#include <asm/boot.h>
#include <asm/cache.h>
#include <asm/sysreg.h>

/*
 * The EFI stub: the Image is also a PE32+ EFI application (head.S holds
 * the header), which is how GRUB's `linux` command and a firmware boot
 * manager start it. It runs with the firmware's MMU, caches and stack, at
 * the firmware's exception level; it collects what the normal entry needs
 * (the DTB, the command line, the memory map), leaves boot services, and
 * head.S then enters the plain Image path with the MMU off.
 *
 * The VM configuration comes as GRUB's `initrd` (the config .dtb): GRUB
 * names it in the DTB it installs (/chosen linux,initrd-start/-end), where
 * the normal path already finds it, as with QEMU's -initrd.
 */

#define EFI_SUCCESS		0ULL
#define EFI_ERROR(n)		((1ULL << 63) | (n))
#define EFI_LOAD_ERROR		EFI_ERROR(1)
#define EFI_UNSUPPORTED		EFI_ERROR(3)
#define EFI_BUFFER_TOO_SMALL	EFI_ERROR(5)

/* ExitBootServices() fails when an event changed the map after GetMemoryMap(). */
#define EBS_ATTEMPTS		4
/* The pool allocation for the map can itself split a descriptor or two. */
#define MAP_SLACK_DESCS		16
#define FDT_MAX			(2u << 20)

typedef u64 efi_status;

struct efi_guid {
	u32 a;
	u16 b, c;
	u8 d[8];
};

struct efi_table_header {
	u64 signature;
	u32 revision, header_size, crc32, reserved;
};

struct efi_text_output {
	void *reset;
	efi_status (*output_string)(struct efi_text_output *self, const u16 *s);
};

/* Only the services the stub calls are typed; the order is the specification's. */
struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl, *allocate_pages, *free_pages;
	efi_status (*get_memory_map)(u64 *size, void *map, u64 *key, u64 *desc_size,
				     u32 *desc_version);
	efi_status (*allocate_pool)(u32 type, u64 size, void **buf);
	void *free_pool, *create_event, *set_timer, *wait_for_event, *signal_event;
	void *close_event, *check_event, *install_protocol, *reinstall_protocol;
	void *uninstall_protocol;
	efi_status (*handle_protocol)(void *handle, const struct efi_guid *guid, void **iface);
	void *reserved, *register_protocol_notify, *locate_handle, *locate_device_path;
	void *install_configuration_table, *load_image, *start_image, *exit, *unload_image;
	efi_status (*exit_boot_services)(void *image, u64 map_key);
};

struct efi_config_table {
	struct efi_guid guid;
	void *table;
};

struct efi_system_table {
	struct efi_table_header hdr;
	u16 *vendor;
	u32 revision;
	void *con_in_handle, *con_in, *con_out_handle;
	struct efi_text_output *con_out;
	void *stderr_handle, *std_err, *runtime;
	struct efi_boot_services *boot;
	u64 nr_tables;
	struct efi_config_table *tables;
};

struct efi_loaded_image {
	u32 revision;
	void *parent, *system_table, *device, *file_path, *reserved;
	u32 load_options_size;
	const u16 *load_options;
};

static const struct efi_guid fdt_guid = {
	0xb1b621d5, 0xf19c, 0x41a5, { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 }
};
static const struct efi_guid loaded_image_guid = {
	0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b }
};

/* Read by head.S and setup.c after the stub; in .data, which head.S does not clear. */
struct efi_handoff efi_handoff __attribute__((section(".data")));
STATIC_ASSERT(offsetof(struct efi_handoff, fdt) == EFI_HANDOFF_FDT, "asm_offsets.h");

static struct efi_system_table *systab;

/* ASCII to the firmware console (UCS-2), "\n" as "\r\n". */
static void efi_puts(const char *s)
{
	u16 buf[64];
	size_t n = 0;

	if (!systab->con_out)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			buf[n++] = '\r';
		buf[n++] = (u8)*s;
		if (n >= ARRAY_SIZE(buf) - 2 || !s[1]) {
			buf[n] = 0;
			systab->con_out->output_string(systab->con_out, buf);
			n = 0;
		}
	}
}

static efi_status stub_fail(efi_status status, const char *why)
{
	efi_puts("microhv: ");
	efi_puts(why);
	efi_puts("; not started\n");
	return status;
}

static u64 current_el(void)
{
	u64 el;

	asm volatile("mrs %0, CurrentEL" : "=r"(el));
	return el;
}

static void *find_config_table(const struct efi_guid *guid)
{
	u64 i;

	for (i = 0; i < systab->nr_tables; i++)
		if (!memcmp(&systab->tables[i].guid, guid, sizeof(*guid)))
			return systab->tables[i].table;
	return NULL;
}

/*
 * GRUB passes the command line as the loaded image's options (UCS-2), with
 * "BOOT_IMAGE=<path> " in front as it does for Linux: that word is GRUB's,
 * not an option of ours, so it is dropped.
 */
static void copy_cmdline(const struct efi_loaded_image *li)
{
	static const char grub_word[] = "BOOT_IMAGE=";
	char *out = efi_handoff.cmdline;
	size_t n = 0, i, len = li->load_options_size / 2;

	for (i = 0; i < len && li->load_options[i] && n < sizeof(efi_handoff.cmdline) - 1; i++)
		out[n++] = li->load_options[i] < 0x80 ? (char)li->load_options[i] : '?';
	out[n] = '\0';
	if (!strncmp(out, grub_word, sizeof(grub_word) - 1)) {
		for (i = 0; out[i] && out[i] != ' '; i++)
			;
		while (out[i] == ' ')
			i++;
		memmove(out, out + i, n - i + 1);
	}
}

static void get_cmdline(void *image)
{
	struct efi_loaded_image *li = NULL;

	if (systab->boot->handle_protocol(image, &loaded_image_guid, (void **)&li) == EFI_SUCCESS &&
	    li && li->load_options && li->load_options_size >= 2)
		copy_cmdline(li);
}

/*
 * The DTB and the initrd are read by the hypervisor with the MMU off or
 * after caches were invalidated: what GRUB wrote to them through the
 * caches must reach memory first. The range is found before boot
 * services exit, so a broken DTB is still reported on the EFI console.
 */
static u64 initrd_start, initrd_end;

static int inspect_fdt(const void *blob)
{
	struct fdt f;
	int chosen, err;
	const void *v;
	u32 len;

	err = fdt_init(&f, blob, FDT_MAX);
	if (err)
		return err;
	/*
	 * Firmware that offers ACPI only installs no DTB, and GRUB then makes
	 * one of its own holding /chosen alone: no machine described.
	 */
	if (fdt_prop(&f, fdt_root(&f), "compatible", &v, &len))
		return -ENODEV;
	efi_handoff.fdt_size = f.size;
	chosen = fdt_path(&f, "/chosen", 7);
	if (chosen >= 0 && !fdt_prop_uint(&f, chosen, "linux,initrd-start", &initrd_start) &&
	    !fdt_prop_uint(&f, chosen, "linux,initrd-end", &initrd_end) &&
	    initrd_end > initrd_start)
		return 0;
	initrd_start = initrd_end = 0;
	return 0;
}

/*
 * GRUB (like Linux's stub) puts the DTB it installs in ACPI reclaim
 * memory, which is not RAM to the hypervisor: a copy in loader data is,
 * and the normal path keeps it out of the page allocator by its address.
 */
static efi_status copy_fdt(const void *fdt)
{
	void *copy;

	if (systab->boot->allocate_pool(EFI_LOADER_DATA, efi_handoff.fdt_size, &copy) !=
	    EFI_SUCCESS)
		return stub_fail(EFI_LOAD_ERROR, "no memory for a copy of the devicetree");
	memcpy(copy, fdt, efi_handoff.fdt_size);
	efi_handoff.fdt = (u64)(uintptr_t)copy;
	return EFI_SUCCESS;
}

static efi_status get_map(void *buf, u64 *size, u64 *key)
{
	u64 desc_size;
	u32 version;
	efi_status s = systab->boot->get_memory_map(size, buf, key, &desc_size, &version);

	efi_handoff.mmap_desc_size = desc_size;
	return s;
}

/*
 * After the first failed ExitBootServices() only GetMemoryMap() may be
 * called again (the firmware may have begun tearing down): no printing, no
 * allocation, which is why the buffer has room to spare.
 */
static efi_status exit_boot_services(void *image)
{
	u64 size = 0, key, alloc;
	void *buf = NULL;
	efi_status s;
	int i;

	s = get_map(NULL, &size, &key);
	if (s != EFI_BUFFER_TOO_SMALL || efi_handoff.mmap_desc_size < sizeof(struct efi_memory_desc))
		return stub_fail(EFI_LOAD_ERROR, "GetMemoryMap() gave no usable size");
	alloc = size + MAP_SLACK_DESCS * efi_handoff.mmap_desc_size;
	if (systab->boot->allocate_pool(EFI_LOADER_DATA, alloc, &buf) != EFI_SUCCESS)
		return stub_fail(EFI_LOAD_ERROR, "no memory for the EFI memory map");
	for (i = 0; i < EBS_ATTEMPTS; i++) {
		size = alloc;
		s = get_map(buf, &size, &key);
		if (s != EFI_SUCCESS)
			return s;
		s = systab->boot->exit_boot_services(image, key);
		if (s == EFI_SUCCESS) {
			efi_handoff.mmap = (u64)(uintptr_t)buf;
			efi_handoff.mmap_size = size;
			return EFI_SUCCESS;
		}
	}
	return s;
}

static void clean_to_memory(void)
{
	arm64_dcache_clean_range(efi_handoff.fdt, efi_handoff.fdt + efi_handoff.fdt_size);
	arm64_dcache_clean_range(efi_handoff.mmap, efi_handoff.mmap + efi_handoff.mmap_size);
	if (initrd_end)
		arm64_dcache_clean_range(initrd_start, initrd_end);
}

/*
 * Called by head.S's efi_entry with the image relocated. EFI_SUCCESS means
 * boot services are gone and efi_handoff is complete: head.S then leaves
 * for the normal entry and never returns. Anything else goes back to the
 * firmware (or GRUB), which prints its own error after ours.
 */
efi_status efi_stub_main(void *image, struct efi_system_table *st)
{
	void *fdt;
	efi_status s;
	int err;

	systab = st;
	if (current_el() != CURRENT_EL_EL2)
		return stub_fail(EFI_UNSUPPORTED,
				 "the firmware runs this EFI application at EL1, and the "
				 "hypervisor needs EL2: enable virtualization (EL2 entry) "
				 "in the firmware (QEMU: -machine virt,virtualization=on)");
	fdt = find_config_table(&fdt_guid);
	err = fdt ? inspect_fdt(fdt) : -ENODEV;
	if (err == -ENODEV)
		return stub_fail(EFI_UNSUPPORTED,
				 "the firmware gives no devicetree, ACPI only (QEMU: -machine "
				 "virt,acpi=off; on a board, choose devicetree in the firmware)");
	if (err)
		return stub_fail(EFI_LOAD_ERROR, "the firmware's devicetree is malformed");
	s = copy_fdt(fdt);
	if (s != EFI_SUCCESS)
		return s;
	get_cmdline(image);
	s = exit_boot_services(image);
	if (s != EFI_SUCCESS)
		return s;
	clean_to_memory();
	return EFI_SUCCESS;
}
