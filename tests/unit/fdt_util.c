#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fdt_util.h"
#include "support.h"

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

uint8_t *dtc_compile_file(const char *path, size_t *size)
{
	char out[] = "/tmp/hv-test-dtb-XXXXXX";
	char cmd[512];
	uint8_t *blob;
	int fd = mkstemp(out);

	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s %s", out, path);
	if (system(cmd) != 0) {
		unlink(out);
		fail_msg("dtc failed on %s (is device-tree-compiler installed?)", path);
	}
	blob = read_file(out, size);
	unlink(out);
	assert_non_null(blob);
	return blob;
}

uint8_t *dtc_compile(const char *dts, size_t *size)
{
	char src[] = "/tmp/hv-test-dts-XXXXXX";
	uint8_t *blob;
	int fd = mkstemp(src);
	size_t n = strlen(dts);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, dts, n), (ssize_t)n);
	close(fd);
	blob = dtc_compile_file(src, size);
	unlink(src);
	return blob;
}

static void grow(uint8_t **p, size_t *len, const void *src, size_t n)
{
	*p = realloc(*p, *len + n);
	assert_non_null(*p);
	memcpy(*p + *len, src, n);
	*len += n;
}

void fdtb_init(struct fdtb *b)
{
	memset(b, 0, sizeof(*b));
}

void fdtb_bytes(struct fdtb *b, const void *p, size_t n, int pad)
{
	static const uint8_t zeros[4];

	grow(&b->s, &b->slen, p, n);
	if (pad && b->slen % 4)
		grow(&b->s, &b->slen, zeros, 4 - b->slen % 4);
}

void fdtb_token(struct fdtb *b, uint32_t tok)
{
	uint8_t be[4];

	put_be32(be, tok);
	fdtb_bytes(b, be, 4, 0);
}

void fdtb_begin(struct fdtb *b, const char *name)
{
	fdtb_token(b, 1);
	fdtb_bytes(b, name, strlen(name) + 1, 1);
}

void fdtb_end(struct fdtb *b)
{
	fdtb_token(b, 2);
}

uint32_t fdtb_string(struct fdtb *b, const char *s, size_t n)
{
	uint32_t off = (uint32_t)b->strlen;

	grow((uint8_t **)&b->str, &b->strlen, s, n);
	return off;
}

void fdtb_prop(struct fdtb *b, const char *name, const void *val, uint32_t len)
{
	uint32_t nameoff = fdtb_string(b, name, strlen(name) + 1);

	fdtb_token(b, 3);
	fdtb_token(b, len);
	fdtb_token(b, nameoff);
	fdtb_bytes(b, val, len, 1);
}

void fdtb_prop_u32(struct fdtb *b, const char *name, uint32_t v)
{
	uint8_t be[4];

	put_be32(be, v);
	fdtb_prop(b, name, be, 4);
}

void fdtb_prop_str(struct fdtb *b, const char *name, const char *s)
{
	fdtb_prop(b, name, s, (uint32_t)strlen(s) + 1);
}

void fdtb_rsv(struct fdtb *b, uint64_t addr, uint64_t size)
{
	assert_true(b->nr_rsv < 16);
	b->rsv[b->nr_rsv][0] = addr;
	b->rsv[b->nr_rsv][1] = size;
	b->nr_rsv++;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

uint8_t *fdtb_finish(struct fdtb *b, size_t *size)
{
	size_t rsv_off = 40, rsv_len = 16 * (b->nr_rsv + 1);
	size_t struct_off = rsv_off + rsv_len;
	size_t strings_off = struct_off + b->slen;
	size_t total = strings_off + b->strlen;
	uint8_t *blob = calloc(1, total);
	unsigned int i;

	assert_non_null(blob);
	put_be32(blob, 0xd00dfeed);
	put_be32(blob + HDR_TOTALSIZE, (uint32_t)total);
	put_be32(blob + HDR_OFF_STRUCT, (uint32_t)struct_off);
	put_be32(blob + HDR_OFF_STRINGS, (uint32_t)strings_off);
	put_be32(blob + HDR_OFF_RSVMAP, (uint32_t)rsv_off);
	put_be32(blob + HDR_VERSION, 17);
	put_be32(blob + HDR_LAST_COMP, 16);
	put_be32(blob + HDR_SIZE_STRINGS, (uint32_t)b->strlen);
	put_be32(blob + HDR_SIZE_STRUCT, (uint32_t)b->slen);
	for (i = 0; i < b->nr_rsv; i++) {
		put_be64(blob + rsv_off + 16 * i, b->rsv[i][0]);
		put_be64(blob + rsv_off + 16 * i + 8, b->rsv[i][1]);
	}
	if (b->slen)
		memcpy(blob + struct_off, b->s, b->slen);
	if (b->strlen)
		memcpy(blob + strings_off, b->str, b->strlen);
	free(b->s);
	free(b->str);
	*size = total;
	return blob;
}
