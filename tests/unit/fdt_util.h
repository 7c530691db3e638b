#ifndef TESTS_UNIT_FDT_UTIL_H
#define TESTS_UNIT_FDT_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Devicetree blobs for the tests. dtc_compile() runs the real dtc on a
 * source, so that the reader is checked against what the tool (and QEMU,
 * which uses the same libfdt layout) produces. The builder lays out blobs
 * token by token, which is how the tests make blobs that dtc would refuse
 * to write: unterminated names, stray tokens, nesting beyond the limit.
 * Both return a malloc'd buffer of exactly *size bytes.
 */
uint8_t *dtc_compile(const char *dts, size_t *size);
uint8_t *dtc_compile_file(const char *path, size_t *size);

struct fdtb {
	uint8_t *s;		/* structure block */
	size_t slen;
	char *str;		/* strings block */
	size_t strlen;
	uint64_t rsv[16][2];
	unsigned int nr_rsv;
};

void fdtb_init(struct fdtb *b);
void fdtb_token(struct fdtb *b, uint32_t tok);
/* Raw bytes into the structure block, padded to 4 bytes when @pad. */
void fdtb_bytes(struct fdtb *b, const void *p, size_t n, int pad);
void fdtb_begin(struct fdtb *b, const char *name);
void fdtb_end(struct fdtb *b);
void fdtb_prop(struct fdtb *b, const char *name, const void *val, uint32_t len);
void fdtb_prop_u32(struct fdtb *b, const char *name, uint32_t v);
void fdtb_prop_str(struct fdtb *b, const char *name, const char *s);
/* Adds a string to the strings block; returns its offset. */
uint32_t fdtb_string(struct fdtb *b, const char *s, size_t n);
void fdtb_rsv(struct fdtb *b, uint64_t addr, uint64_t size);
/* Header, reservation map, structure block (without an added FDT_END), strings. */
uint8_t *fdtb_finish(struct fdtb *b, size_t *size);

/* Header field offsets, for tests that make the header lie. */
#define HDR_TOTALSIZE		4
#define HDR_OFF_STRUCT		8
#define HDR_OFF_STRINGS		12
#define HDR_OFF_RSVMAP		16
#define HDR_VERSION		20
#define HDR_LAST_COMP		24
#define HDR_SIZE_STRINGS	32
#define HDR_SIZE_STRUCT		36

#endif
