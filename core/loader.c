#include <core/config_check.h>
#include <core/loader.h>
#include <lib/errno.h>
#include <lib/string.h>

#define ELF_MAGIC	0x464c457fu
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define PT_LOAD		1
#define ELF_MAX_PHDRS	64

#define EM_386		3
#define EM_X86_64	62
#define EM_AARCH64	183

#define MB1_INFO_MEM		BIT(0)
#define MB1_INFO_CMDLINE	BIT(2)
#define MB1_INFO_MODS		BIT(3)
#define MB1_INFO_MMAP		BIT(6)
#define MB1_INFO_LOADER		BIT(9)
#define MB1_HDR_AOUT_KLUDGE	BIT(16)
/* Page-aligned modules, memory info, video mode: all we may be asked for. */
#define MB1_HDR_KNOWN		(BIT(0) | BIT(1) | BIT(2) | MB1_HDR_AOUT_KLUDGE)
#define MB1_CMDLINE_MAX		1024

#define ARM64_IMAGE_MAGIC	0x644d5241u
#define ARM64_IMAGE_ALIGN	(2ULL << 20)

/*
 * The highest guest-physical byte the last load wrote, page aligned, and
 * why it failed. A dry run (loader_check()) has no VM: it only checks
 * that every byte would land in @dry_ram, so that a configuration is
 * judged by the same code that will load it.
 */
static u64 image_end;
static struct loader_error last_error;
static const struct boot_range *dry_ram;
static u32 dry_nr_ram;
static u32 load_arch;

const struct loader_error *loader_last_error(void)
{
	return &last_error;
}

int loader_fail(int err, const char *why)
{
	last_error.why = why;
	return err;
}

static int fail(int err, const char *why)
{
	return loader_fail(err, why);
}

bool loader_dry_run(void)
{
	return dry_ram != NULL;
}

u64 loader_image_end(void)
{
	return image_end;
}

int loader_parse_format(const char *name, u32 *format)
{
	static const char *const names[] = {
		[IMAGE_FLAT] = "flat", [IMAGE_ELF] = "elf",
		[IMAGE_MULTIBOOT] = "multiboot", [IMAGE_LINUX] = "linux",
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(name, names[i])) {
			*format = i;
			return 0;
		}
	}
	return -EINVAL;
}

static bool elf_machine_ok(u16 machine)
{
	if (load_arch == CONFIG_ARM64)
		return machine == EM_AARCH64;
	return machine == EM_X86_64 || machine == EM_386;
}

static u64 rd(const u8 *p, unsigned int n)
{
	u64 v = 0;

	memcpy(&v, p, n);
	return v;
}

static bool dry_ram_covers(u64 gpa, u64 len)
{
	u32 i;

	for (i = 0; i < dry_nr_ram; i++)
		if (range_within(gpa, len, dry_ram[i].base, dry_ram[i].size))
			return true;
	return false;
}

bool loader_ram_covers(struct vm *vm, u64 gpa, u64 len)
{
	if (gpa + len < gpa)
		return false;
	return dry_ram ? dry_ram_covers(gpa, len) : vm_gpa_to_hva(vm, gpa, len) != NULL;
}

/* A dry run's VM has the RAM regions too (loader_check()): one answer for both. */
u64 loader_ram_end(const struct vm *vm, u64 gpa)
{
	u32 i;

	for (i = 0; i < vm->nr_regions; i++) {
		const struct vm_region *r = &vm->regions[i];

		if (r->kind == VM_REGION_RAM && gpa >= r->gpa && gpa - r->gpa < r->size)
			return r->gpa + r->size;
	}
	return 0;
}

/* Where @len bytes at @gpa go in the hypervisor, NULL if not all in RAM (dry run: @gpa). */
static u8 *guest_bytes(struct vm *vm, u64 gpa, u64 len)
{
	u8 *dst;

	if (gpa + len < gpa)
		dst = NULL;
	else if (dry_ram)
		dst = dry_ram_covers(gpa, len) ? (u8 *)(uintptr_t)1 : NULL;
	else
		dst = vm_gpa_to_hva(vm, gpa, len);
	if (!dst) {
		last_error.gpa = gpa;
		last_error.size = len;
		fail(-EFAULT, "outside the VM's RAM");
	}
	return dst;
}

int loader_write(struct vm *vm, u64 gpa, const void *src, u64 len)
{
	u8 *dst = guest_bytes(vm, gpa, len);

	if (!dst)
		return -EFAULT;
	if (!dry_ram)
		memcpy(dst, src, len);
	return 0;
}

int loader_place(struct vm *vm, u64 gpa, const void *src, u64 filesz, u64 memsz)
{
	u8 *dst;

	if (filesz > memsz)
		return fail(-EINVAL, "a segment's file size is larger than its memory size");
	if (!memsz)
		return 0;
	dst = guest_bytes(vm, gpa, memsz);
	if (!dst)
		return -EFAULT;
	if (!dry_ram) {
		memcpy(dst, src, filesz);
		memset(dst + filesz, 0, memsz - filesz);
	}
	image_end = MAX(image_end, ALIGN_UP(gpa + memsz, 4096));
	return 0;
}

struct elf_info {
	bool is64;
	u16 machine;
	u64 entry;
	u64 phoff;
	u16 phentsize;
	u16 phnum;
};

static int elf_header(const u8 *img, u64 size, struct elf_info *e)
{
	if (size < 52 || rd(img, 4) != ELF_MAGIC)
		return fail(-ENOEXEC, "not an ELF file");
	if (img[5] != ELFDATA2LSB)
		return fail(-ENOEXEC, "not a little-endian ELF file");
	e->is64 = img[4] == ELFCLASS64;
	if (!e->is64 && img[4] != ELFCLASS32)
		return fail(-ENOEXEC, "an ELF file of an unknown class");
	if (e->is64 && size < 64)
		return fail(-ENOEXEC, "a truncated ELF file");
	e->machine = (u16)rd(img + 18, 2);
	e->entry = e->is64 ? rd(img + 24, 8) : rd(img + 24, 4);
	e->phoff = e->is64 ? rd(img + 32, 8) : rd(img + 28, 4);
	e->phentsize = (u16)rd(img + (e->is64 ? 54 : 42), 2);
	e->phnum = (u16)rd(img + (e->is64 ? 56 : 44), 2);
	if (!elf_machine_ok(e->machine))
		return fail(-ENOEXEC, load_arch == CONFIG_ARM64 ? "an ELF file for another machine "
			    "than arm64" : "an ELF file for another machine than x86");
	if (e->phentsize < (e->is64 ? 56 : 32) || !e->phnum || e->phnum > ELF_MAX_PHDRS)
		return fail(-ENOEXEC, "an ELF file without a usable program header table");
	if (e->phoff > size || (u64)e->phentsize * e->phnum > size - e->phoff)
		return fail(-ENOEXEC, "an ELF file whose program headers lie beyond its end");
	return 0;
}

static int elf_load(struct vm *vm, const u8 *img, u64 size, struct elf_info *e)
{
	unsigned int i, loaded = 0;
	int err = elf_header(img, size, e);

	if (err)
		return err;
	for (i = 0; i < e->phnum; i++) {
		const u8 *ph = img + e->phoff + (u64)i * e->phentsize;
		u64 off, paddr, filesz, memsz;

		if (rd(ph, 4) != PT_LOAD)
			continue;
		off = e->is64 ? rd(ph + 8, 8) : rd(ph + 4, 4);
		paddr = e->is64 ? rd(ph + 24, 8) : rd(ph + 12, 4);
		filesz = e->is64 ? rd(ph + 32, 8) : rd(ph + 16, 4);
		memsz = e->is64 ? rd(ph + 40, 8) : rd(ph + 20, 4);
		if (off > size || filesz > size - off)
			return fail(-ENOEXEC, "an ELF segment lies beyond the file's end");
		err = loader_place(vm, paddr, img + off, filesz, memsz);
		if (err)
			return err;
		loaded++;
	}
	return loaded ? 0 : fail(-ENOEXEC, "an ELF file without a loadable segment");
}

static int find_mb1_header(const u8 *img, u64 size, u64 *off)
{
	u64 o, limit = MIN(size, (u64)MB1_SEARCH_LIMIT);

	for (o = 0; o + 12 <= limit; o += 4) {
		u32 magic = (u32)rd(img + o, 4), flags = (u32)rd(img + o + 4, 4);

		if (magic == MB1_HEADER_MAGIC && (u32)(magic + flags + (u32)rd(img + o + 8, 4)) == 0) {
			*off = o;
			return 0;
		}
	}
	return fail(-ENOEXEC, "no multiboot header in its first 8 KiB");
}

/* The a.out kludge: the header says where the file goes and where it starts. */
static int mb1_load_aout(struct vm *vm, const u8 *img, u64 size, u64 hoff, u64 *entry)
{
	u64 header_addr, load_addr, load_end, bss_end, file_off, filesz, memsz;

	if (hoff + 32 > size)
		return fail(-ENOEXEC, "a truncated multiboot header");
	header_addr = rd(img + hoff + 12, 4);
	load_addr = rd(img + hoff + 16, 4);
	load_end = rd(img + hoff + 20, 4);
	bss_end = rd(img + hoff + 24, 4);
	*entry = rd(img + hoff + 28, 4);
	if (header_addr < load_addr || header_addr - load_addr > hoff)
		return fail(-ENOEXEC, "a multiboot header whose addresses do not match the file");
	file_off = hoff - (header_addr - load_addr);
	filesz = load_end ? load_end - load_addr : size - file_off;
	if (load_end && load_end < load_addr)
		return fail(-ENOEXEC, "a multiboot header whose load_end is below load_addr");
	if (filesz > size - file_off)
		return fail(-ENOEXEC, "a multiboot header that loads more than the file holds");
	memsz = bss_end > load_addr + filesz ? bss_end - load_addr : filesz;
	return loader_place(vm, load_addr, img + file_off, filesz, memsz);
}

struct mb1_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

struct mb1_mmap_entry {
	u32 size;
	u64 base;
	u64 len;
	u32 type;
} __packed;

struct mb1_module {
	u32 start, end, string, reserved;
} __packed;

static void sort_ranges(struct loader_mem_range *r, u32 n)
{
	u32 i, j;

	for (i = 1; i < n; i++) {
		struct loader_mem_range x = r[i];

		for (j = i; j > 0 && r[j - 1].base > x.base; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

/* Appends RAM [base, end) minus the (sorted, disjoint) reserved ranges. */
static u32 ram_minus_reserved(u64 base, u64 end, const struct load_params *p,
			      struct loader_mem_range *out, u32 n)
{
	u32 i;

	for (i = 0; i < p->nr_reserved && base < end; i++) {
		u64 r0 = p->reserved[i].base, r1 = r0 + p->reserved[i].size;

		if (r1 <= base || r0 >= end)
			continue;
		if (r0 > base)
			out[n++] = (struct loader_mem_range){ base, r0 - base, LOADER_MEM_RAM };
		base = MIN(MAX(base, r1), end);
	}
	if (base < end)
		out[n++] = (struct loader_mem_range){ base, end - base, LOADER_MEM_RAM };
	return n;
}

u32 loader_memmap(const struct vm *vm, const struct load_params *p,
		  struct loader_mem_range out[LOADER_MAX_MAP])
{
	u32 i, n = 0;

	for (i = 0; i < vm->nr_regions; i++) {
		const struct vm_region *r = &vm->regions[i];

		if (r->kind == VM_REGION_RAM)
			n = ram_minus_reserved(r->gpa, r->gpa + r->size, p, out, n);
	}
	for (i = 0; i < p->nr_reserved; i++)
		out[n++] = p->reserved[i];
	sort_ranges(out, n);
	return n;
}

/* KiB of RAM in the (sorted) map that is contiguous from @from. */
static u64 contiguous_kib(const struct loader_mem_range *map, u32 n, u64 from)
{
	u64 end = from;
	u32 i;

	for (i = 0; i < n; i++)
		if (map[i].type == LOADER_MEM_RAM && map[i].base <= end &&
		    map[i].base + map[i].size > end)
			end = map[i].base + map[i].size;
	return (end - from) >> 10;
}

/*
 * The multiboot1 modules, page aligned one after the other above the
 * image (the spec asks for page alignment in the header's bit 0; we
 * always give it). Fills @mods with their guest addresses.
 */
static int mb1_place_modules(struct vm *vm, const struct load_params *p,
			     struct mb1_module *mods)
{
	u32 i;
	int err;

	for (i = 0; i < p->nr_modules; i++) {
		const struct loader_module *m = &p->modules[i];
		u64 at = image_end;

		if (at + m->size > 0xffffffffULL)
			return fail(-E2BIG, "a multiboot module would lie above 4 GiB");
		err = loader_place(vm, at, m->data, m->size, m->size);
		if (err)
			return err;
		image_end = ALIGN_UP(at + m->size, 4096);
		mods[i] = (struct mb1_module){ (u32)at, (u32)(at + m->size), 0, 0 };
	}
	return 0;
}

/* Strings go one after another from *@at; returns the string's guest address. */
static u32 mb1_put_string(struct vm *vm, u64 *at, const char *s, int *err)
{
	u64 len = s ? strnlen(s, MB1_CMDLINE_MAX - 1) : 0, where = *at;

	if (*err)
		return 0;
	*err = loader_write(vm, where, s ? s : "", len);
	if (!*err)
		*err = loader_write(vm, where + len, "", 1);
	*at += len + 1;
	return (u32)where;
}

/*
 * The information a multiboot1 kernel finds in EBX: memory sizes, the
 * memory map (RAM, the BIOS area and the ACPI tables), the modules, the
 * command lines and our name, all placed right above the loaded image
 * and modules (which must leave room for them in RAM, below 4 GiB).
 */
static int mb1_build_info(struct vm *vm, const struct load_params *p, u64 *info_gpa)
{
	struct loader_mem_range map[LOADER_MAX_MAP];
	struct mb1_mmap_entry mmap[LOADER_MAX_MAP];
	struct mb1_module mods[LOADER_MAX_MODULES];
	struct mb1_info info = { 0 };
	u32 i, n = loader_memmap(vm, p, map);
	u64 at;
	int err = mb1_place_modules(vm, p, mods);

	if (err)
		return err;
	at = image_end;
	for (i = 0; i < n; i++)
		mmap[i] = (struct mb1_mmap_entry){ 20, map[i].base, map[i].size, map[i].type };
	info.flags = MB1_INFO_MEM | MB1_INFO_MMAP | MB1_INFO_CMDLINE | MB1_INFO_LOADER |
		     (p->nr_modules ? MB1_INFO_MODS : 0);
	info.mem_lower = (u32)MIN(contiguous_kib(map, n, 0), 640ULL);
	info.mem_upper = (u32)MIN(contiguous_kib(map, n, 1ULL << 20), 0xffffffffULL);
	info.mmap_addr = (u32)(at + sizeof(info));
	info.mmap_length = (u32)(n * sizeof(mmap[0]));
	info.mods_count = p->nr_modules;
	info.mods_addr = info.mmap_addr + info.mmap_length;
	at = info.mods_addr + p->nr_modules * sizeof(mods[0]);
	info.cmdline = mb1_put_string(vm, &at, p->cmdline, &err);
	for (i = 0; i < p->nr_modules; i++)
		mods[i].string = mb1_put_string(vm, &at, p->modules[i].cmdline, &err);
	info.boot_loader_name = mb1_put_string(vm, &at, "microhv", &err);
	if (at > 0xffffffffULL)
		return fail(-E2BIG, "the multiboot information would lie above 4 GiB");
	*info_gpa = image_end;
	if (!err)
		err = loader_write(vm, image_end, &info, sizeof(info));
	if (!err)
		err = loader_write(vm, info.mmap_addr, mmap, info.mmap_length);
	if (!err)
		err = loader_write(vm, info.mods_addr, mods, p->nr_modules * sizeof(mods[0]));
	return err;
}

static int load_multiboot(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	const u8 *img = p->image;
	u64 hoff, entry, info;
	struct elf_info e = { 0 };
	u32 flags;
	int err = find_mb1_header(img, p->size, &hoff);

	if (err)
		return err;
	flags = (u32)rd(img + hoff + 4, 4);
	if (flags & ~MB1_HDR_KNOWN)
		return fail(-EOPNOTSUPP, "a multiboot header asking for features we do not offer");
	if (flags & MB1_HDR_AOUT_KLUDGE) {
		err = mb1_load_aout(vm, img, p->size, hoff, &entry);
	} else {
		err = elf_load(vm, img, p->size, &e);
		entry = e.entry;
	}
	if (err)
		return err;
	err = mb1_build_info(vm, p, &info);
	if (err)
		return err;
	*boot = (struct vcpu_boot){
		.mode = VCPU_BOOT_X86_PROTECTED,
		.entry = entry,
		.args = { MB1_BOOT_MAGIC_EAX, info },
	};
	return 0;
}

int loader_load_arm64_image(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	const u8 *img = p->image;
	u64 text_offset, image_size, base;
	int err;

	if (p->size < 64 || rd(img + 56, 4) != ARM64_IMAGE_MAGIC)
		return fail(-ENOEXEC, "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)");
	text_offset = rd(img + 8, 8);
	image_size = rd(img + 16, 8);
	/* An image_size of 0 predates the field: the file is all there is. */
	if (!image_size)
		image_size = p->size;
	if (image_size < p->size || text_offset >= ARM64_IMAGE_ALIGN)
		return fail(-ENOEXEC, "an arm64 Image whose header gives an impossible size or "
			    "text_offset");
	base = ALIGN_UP(p->load_addr, ARM64_IMAGE_ALIGN) + text_offset;
	err = loader_place(vm, base, img, p->size, image_size);
	if (err)
		return err;
	*boot = (struct vcpu_boot){
		.mode = VCPU_BOOT_ARM64_EL1,
		.entry = base,
		.args = { p->fdt_addr },
	};
	return 0;
}

static u32 default_boot_mode(void)
{
	return load_arch == CONFIG_ARM64 ? VCPU_BOOT_ARM64_EL1 : VCPU_BOOT_X86_PROTECTED;
}

static int load(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	struct elf_info e = { 0 };
	int err;

	image_end = 0;
	last_error = (struct loader_error){ 0 };
	load_arch = p->arch ? p->arch : CONFIG_THIS_ARCH;
	if (!p->image || !p->size)
		return fail(-EINVAL, "an empty image");
	switch (p->format) {
	case IMAGE_FLAT:
		err = loader_place(vm, p->load_addr, p->image, p->size, p->size);
		*boot = (struct vcpu_boot){
			.mode = default_boot_mode(),
			.entry = p->entry ? p->entry : p->load_addr,
			.args = { p->fdt_addr },
		};
		return err;
	case IMAGE_ELF:
		err = elf_load(vm, p->image, p->size, &e);
		*boot = (struct vcpu_boot){
			.mode = e.is64 && e.machine == EM_X86_64 ? VCPU_BOOT_X86_LONG
								  : default_boot_mode(),
			.entry = e.entry,
			.args = { p->fdt_addr },
		};
		return err;
	case IMAGE_MULTIBOOT:
		return load_multiboot(vm, p, boot);
	case IMAGE_LINUX:
		return arch_load_linux(vm, p, boot);
	default:
		return fail(-EINVAL, "an unknown format");
	}
}

int loader_load(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	dry_ram = NULL;
	return load(vm, p, boot);
}

int loader_check(const struct load_params *p, const struct boot_range *ram, u32 nr_ram)
{
	/* A VM of RAM regions only: mb1_build_info() reads the RAM map from it. */
	static struct vm fake;
	struct vcpu_boot boot;
	u32 i;
	int err;

	fake.nr_regions = 0;
	for (i = 0; i < nr_ram && i < VM_MAX_REGIONS; i++)
		fake.regions[fake.nr_regions++] = (struct vm_region){
			.gpa = ram[i].base, .size = ram[i].size, .kind = VM_REGION_RAM,
		};
	dry_ram = ram;
	dry_nr_ram = nr_ram;
	err = load(&fake, p, &boot);
	dry_ram = NULL;
	return err;
}
