/* SOURCES: arch/x86/decode.c */
/* CFLAGS: -Iarch/x86/include */
/*
 * libFuzzer target for the x86 MMIO decoder. The first input byte picks
 * the mode (3 of 4 values are modes, the 4th must be refused), the rest
 * are the instruction bytes. Besides ASan/UBSan finding reads past the
 * given length, it checks what the callers rely on:
 *   - on success, the output is self-consistent and in range;
 *   - on error, it is one of the documented errors and *insn is untouched;
 *   - decoding is prefix-determined: giving the first k bytes yields
 *     "need more bytes" until some k, then the very same result for every
 *     longer input, so a caller that fetches more and retries converges.
 */
#include <asm/decode.h>
#include <lib/compiler.h>
#include <lib/errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

static bool is_width(unsigned int bytes)
{
	return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
}

static void check_insn(const struct x86_mmio_insn *insn, enum x86_cpu_mode mode, size_t given)
{
	CHECK(insn->len >= 1 && insn->len <= X86_MAX_INSN_LEN && insn->len <= given);
	CHECK(insn->op <= X86_MMIO_XCHG);
	CHECK(is_width(insn->size));
	CHECK(is_width(insn->reg_size));
	CHECK(insn->reg < 16);
	CHECK(insn->reg_size >= insn->size);
	CHECK((insn->ext == X86_EXT_NONE) == (insn->reg_size == insn->size));
	CHECK(insn->ext <= X86_EXT_SIGN);
	CHECK(insn->ext == X86_EXT_NONE || insn->op == X86_MMIO_LOAD);
	CHECK(!insn->high_byte || (insn->reg < 4 && insn->reg_size == 1));
	CHECK(!insn->rep || insn->op == X86_MMIO_STOS || insn->op == X86_MMIO_MOVS);
	CHECK(insn->src_seg <= X86_SEG_GS);
	CHECK(insn->op == X86_MMIO_STORE_IMM || insn->imm == 0);
	CHECK(insn->size == 8 || (insn->imm >> (insn->size * 8)) == 0);
	if (mode == X86_MODE_64) {
		CHECK(insn->addr_size == 4 || insn->addr_size == 8);
	} else {
		/* No REX outside 64-bit mode: no R8-R15, no 64-bit operands. */
		CHECK(insn->addr_size == 2 || insn->addr_size == 4);
		CHECK(insn->reg < 8 && insn->reg_size <= 4);
	}
}

/*
 * Decodes the first @given bytes from an exact-size heap copy, NULL for
 * none (ASan makes malloc(0) one byte long).
 */
static int decode_prefix(const u8 *code, size_t given, enum x86_cpu_mode mode,
			 struct x86_mmio_insn *insn)
{
	u8 *copy = given ? malloc(given) : NULL;
	int err;

	if (given) {
		CHECK(copy);
		memcpy(copy, code, given);
	}
	memset(insn, 0xa5, sizeof(*insn));
	err = x86_decode_mmio(copy, given, mode, insn);
	free(copy);
	return err;
}

static bool untouched(const struct x86_mmio_insn *insn)
{
	struct x86_mmio_insn pattern;

	memset(&pattern, 0xa5, sizeof(pattern));
	return !memcmp(insn, &pattern, sizeof(pattern));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct x86_mmio_insn first, insn;
	enum x86_cpu_mode mode;
	const u8 *code;
	size_t n, k;
	int decided = -EAGAIN, err;
	u64 value = 0;

	if (size < 1)
		return 0;
	mode = (enum x86_cpu_mode)(data[0] & 3);
	code = data + 1;
	n = size - 1;

	if (mode > X86_MODE_64) {
		CHECK(decode_prefix(code, n, mode, &insn) == -EINVAL && untouched(&insn));
		return 0;
	}

	for (k = 0; k <= n && k <= X86_MAX_INSN_LEN + 1; k++) {
		err = decode_prefix(code, k, mode, &insn);
		CHECK(err == 0 || err == -EAGAIN || err == -E2BIG || err == -EINVAL ||
		      err == -EOPNOTSUPP);
		if (decided != -EAGAIN) {
			/* Bytes past the point of decision change nothing. */
			CHECK(err == decided);
			CHECK(!memcmp(&insn, &first, sizeof(insn)));
			continue;
		}
		if (err == -EAGAIN) {
			/* Only a short input can be short of bytes. */
			CHECK(k < X86_MAX_INSN_LEN);
			CHECK(untouched(&insn));
			continue;
		}
		decided = err;
		first = insn;
		if (err) {
			CHECK(untouched(&insn));
			/* More than 15 bytes are needed only once 15 are there. */
			CHECK(err != -E2BIG || k == X86_MAX_INSN_LEN);
			continue;
		}
		check_insn(&insn, mode, k);
		/* It was decided by its last byte: exactly len bytes were needed. */
		CHECK(insn.len == k);
	}

	/* The whole input, however long, gives the same answer. */
	err = decode_prefix(code, n, mode, &insn);
	CHECK(err == decided);
	if (decided != -EAGAIN && !err)
		CHECK(!memcmp(&insn, &first, sizeof(insn)));
	if (decided == -EAGAIN)
		CHECK(n < X86_MAX_INSN_LEN);

	if (!err) {
		/* The value helpers are total; feed them bytes from the input. */
		memcpy(&value, data, MIN(size, sizeof(value)));
		(void)x86_mmio_store_data(&insn, value);
		value = x86_mmio_load_result(&insn, value, ~value);
		if (insn.reg_size == 4)
			CHECK(value >> 32 == 0);
	}
	CHECK(x86_decode_err_name(err) != NULL && x86_mmio_op_name(insn.op) != NULL);
	return 0;
}
