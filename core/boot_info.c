#include <core/boot.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

void boot_info_init(struct boot_info *bi)
{
	memset(bi, 0, sizeof(*bi));
}

static bool range_valid(u64 base, u64 size)
{
	return size && base + (size - 1) >= base;
}

/*
 * RAM ranges are kept sorted and merged, so that the page allocator and
 * the VM memory checks can walk them in order without caring how the
 * loader listed them (e820 lists may overlap and come in any order).
 */
int boot_info_add_ram(struct boot_info *bi, u64 base, u64 size)
{
	u64 end;
	u32 i, j;

	if (!range_valid(base, size))
		return -EINVAL;
	end = base + size;
	for (i = 0; i < bi->nr_ram; i++) {
		struct boot_range *r = &bi->ram[i];

		if (base <= r->base + r->size && r->base <= end) {
			u64 lo = MIN(base, r->base);
			u64 hi = MAX(end, r->base + r->size);

			/* Remove r, then re-add the union: it may now touch its neighbours. */
			memmove(r, r + 1, (bi->nr_ram - i - 1) * sizeof(*r));
			bi->nr_ram--;
			return boot_info_add_ram(bi, lo, hi - lo);
		}
	}
	if (bi->nr_ram == BOOT_MAX_RAM) {
		bi->dropped++;
		return -ENOSPC;
	}
	for (j = 0; j < bi->nr_ram && bi->ram[j].base < base; j++)
		;
	memmove(&bi->ram[j + 1], &bi->ram[j], (bi->nr_ram - j) * sizeof(bi->ram[0]));
	bi->ram[j] = (struct boot_range){ base, size };
	bi->nr_ram++;
	return 0;
}

int boot_info_add_reserved(struct boot_info *bi, u64 base, u64 size)
{
	if (!range_valid(base, size))
		return -EINVAL;
	if (bi->nr_reserved == BOOT_MAX_RESERVED) {
		bi->dropped++;
		return -ENOSPC;
	}
	bi->reserved[bi->nr_reserved++] = (struct boot_range){ base, size };
	return 0;
}

int boot_info_add_module(struct boot_info *bi, u64 base, u64 size, const char *name,
			 size_t name_len)
{
	struct boot_module *m;

	if (!range_valid(base, size))
		return -EINVAL;
	if (bi->nr_modules == BOOT_MAX_MODULES) {
		bi->dropped++;
		return -ENOSPC;
	}
	m = &bi->modules[bi->nr_modules++];
	m->base = base;
	m->size = size;
	strlcpy_bounded(m->name, sizeof(m->name), name ? name : "", name ? name_len : 0);
	return 0;
}

void boot_info_set_cmdline(struct boot_info *bi, const char *s, size_t max)
{
	strlcpy_bounded(bi->cmdline, sizeof(bi->cmdline), s, max);
}

u64 boot_info_ram_total(const struct boot_info *bi)
{
	u64 total = 0;
	u32 i;

	for (i = 0; i < bi->nr_ram; i++)
		total += bi->ram[i].size;
	return total;
}

const struct boot_module *boot_info_find_module(const struct boot_info *bi, const char *name)
{
	u32 i;

	for (i = 0; i < bi->nr_modules; i++)
		if (!strcmp(bi->modules[i].name, name))
			return &bi->modules[i];
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		const char *tok, *end;

		while (is_space(*p))
			p++;
		tok = p;
		while (*p && !is_space(*p))
			p++;
		end = p;
		if ((size_t)(end - tok) < klen || strncmp(tok, key, klen))
			continue;
		if (tok + klen == end) {
			if (buf && size)
				buf[0] = '\0';
			return 0;
		}
		if (tok[klen] != '=')
			continue;
		tok += klen + 1;
		if (buf && size) {
			size_t n = MIN((size_t)(end - tok), size - 1);

			memcpy(buf, tok, n);
			buf[n] = '\0';
		}
		return (int)(end - tok);
	}
	return -ENOENT;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	return cmdline_get(cmdline, key, NULL, 0) >= 0;
}
