/*
 * x86 MMIO instruction decoder: see asm/decode.h for what and why.
 *
 * An instruction is legacy prefixes, an optional REX (64-bit mode), the
 * opcode (0F escapes to the two-byte map), then what the opcode's row
 * says follows: a ModRM memory operand (with SIB and displacement), an
 * immediate, an absolute moffs address, or nothing (string instructions).
 * Every byte is fetched through fetch_byte(), the only reader of the
 * input, which enforces both the caller's length and the 15-byte limit.
 */
#include <asm/decode.h>
#include <lib/compiler.h>
#include <lib/errno.h>

struct cursor {
	const u8 *code;
	unsigned int len;	/* valid bytes, at most X86_MAX_INSN_LEN */
	unsigned int pos;	/* bytes consumed */
};

/*
 * The 15-byte check comes first: with 15 valid bytes and a 16th needed,
 * more bytes would not help, so this must not say -EAGAIN.
 */
static int fetch_byte(struct cursor *cur, u8 *byte)
{
	if (cur->pos >= X86_MAX_INSN_LEN)
		return -E2BIG;
	if (cur->pos >= cur->len)
		return -EAGAIN;
	*byte = cur->code[cur->pos++];
	return 0;
}

/* Little-endian, as displacements, immediates and moffs are. */
static int fetch_le(struct cursor *cur, unsigned int bytes, u64 *value)
{
	unsigned int i;
	u8 byte;
	int err;

	*value = 0;
	for (i = 0; i < bytes; i++) {
		err = fetch_byte(cur, &byte);
		if (err)
			return err;
		*value |= (u64)byte << (i * 8);
	}
	return 0;
}

struct prefixes {
	bool opsize;		/* 66 */
	bool addrsize;		/* 67 */
	bool lock;		/* F0 */
	bool rep;		/* F3 */
	bool repne;		/* F2 */
	bool seg_conflict;	/* two different segment overrides */
	bool seg_given;
	u8 seg;			/* enum x86_seg of the last override */
	u8 rex;			/* 0, or the REX byte right before the opcode */
};

#define REX_W		BIT(3)
#define REX_R		BIT(2)

static void note_segment(struct prefixes *pfx, enum x86_seg seg)
{
	if (pfx->seg_given && pfx->seg != seg)
		pfx->seg_conflict = true;
	pfx->seg_given = true;
	pfx->seg = seg;
}

/* Records @byte if it is a legacy prefix (any mode), and says whether it was. */
static bool legacy_prefix(struct prefixes *pfx, u8 byte)
{
	switch (byte) {
	case 0x66:
		pfx->opsize = true;
		break;
	case 0x67:
		pfx->addrsize = true;
		break;
	case 0xf0:
		pfx->lock = true;
		break;
	case 0xf2:
		pfx->repne = true;
		break;
	case 0xf3:
		pfx->rep = true;
		break;
	case 0x26:
		note_segment(pfx, X86_SEG_ES);
		break;
	case 0x2e:
		note_segment(pfx, X86_SEG_CS);
		break;
	case 0x36:
		note_segment(pfx, X86_SEG_SS);
		break;
	case 0x3e:
		note_segment(pfx, X86_SEG_DS);
		break;
	case 0x64:
		note_segment(pfx, X86_SEG_FS);
		break;
	case 0x65:
		note_segment(pfx, X86_SEG_GS);
		break;
	default:
		return false;
	}
	return true;
}

/*
 * Consumes the prefixes and returns the first opcode byte in *@opcode.
 * A REX only counts right before the opcode: one followed by any other
 * prefix, REX included, is ignored (SDM 2.2.1), so a legacy prefix clears
 * the one seen so far while itself still applying, as in KVM's and Xen's
 * emulators. (objdump instead drops every prefix before such a REX.)
 * Outside 64-bit mode 40-4F are INC/DEC opcodes, not prefixes.
 */
static int decode_prefixes(struct cursor *cur, enum x86_cpu_mode mode, struct prefixes *pfx,
			   u8 *opcode)
{
	u8 byte;
	int err;

	for (;;) {
		err = fetch_byte(cur, &byte);
		if (err)
			return err;
		if (legacy_prefix(pfx, byte)) {
			pfx->rex = 0;
			continue;
		}
		if (mode == X86_MODE_64 && (byte & 0xf0) == 0x40) {
			pfx->rex = byte;
			continue;
		}
		*opcode = byte;
		return 0;
	}
}

/* How a row's widths follow from the mode and the prefixes. */
enum size_rule {
	SIZE_BYTE,		/* always 1: 66 and REX.W are ignored */
	SIZE_WORD,		/* always 2: the r/m16 source of MOVZX/MOVSX */
	SIZE_DWORD,		/* always 4: the r/m32 source of MOVSXD */
	SIZE_OPERAND,		/* the operand size: 2, 4 or 8 */
};

/* What follows the opcode. */
enum operand_form {
	FORM_MODRM,		/* memory operand in ModRM; the register in ModRM.reg */
	FORM_MODRM_IMM,		/* memory operand in ModRM with reg = 0, then an immediate */
	FORM_MOFFS,		/* an absolute address of address-size width; register rAX */
	FORM_STRING,		/* nothing: the operands are [rSI], [rDI] and rAX */
};

#define ROW_64_ONLY	BIT(0)	/* 63 is ARPL outside 64-bit mode */
#define ROW_LOCKABLE	BIT(1)	/* XCHG: LOCK is implied anyway; elsewhere it is #UD */
#define ROW_REP		BIT(2)	/* string instruction: F3 is REP */

struct opcode_row {
	u8 opcode;
	bool map_0f;		/* the opcode follows a 0F escape */
	u8 op;			/* enum x86_mmio_op */
	u8 form;		/* enum operand_form */
	u8 size;		/* enum size_rule: bytes accessed in memory */
	u8 reg_size;		/* enum size_rule: width of the register operand */
	u8 ext;			/* enum x86_ext when reg_size > size */
	u8 flags;		/* ROW_* */
};

static const struct opcode_row opcode_rows[] = {
	{ 0x88, false, X86_MMIO_STORE, FORM_MODRM, SIZE_BYTE, SIZE_BYTE, X86_EXT_NONE, 0 },
	{ 0x89, false, X86_MMIO_STORE, FORM_MODRM, SIZE_OPERAND, SIZE_OPERAND, X86_EXT_NONE, 0 },
	{ 0x8a, false, X86_MMIO_LOAD, FORM_MODRM, SIZE_BYTE, SIZE_BYTE, X86_EXT_NONE, 0 },
	{ 0x8b, false, X86_MMIO_LOAD, FORM_MODRM, SIZE_OPERAND, SIZE_OPERAND, X86_EXT_NONE, 0 },
	{ 0xc6, false, X86_MMIO_STORE_IMM, FORM_MODRM_IMM, SIZE_BYTE, SIZE_BYTE,
	  X86_EXT_NONE, 0 },
	{ 0xc7, false, X86_MMIO_STORE_IMM, FORM_MODRM_IMM, SIZE_OPERAND, SIZE_OPERAND,
	  X86_EXT_NONE, 0 },
	{ 0xa0, false, X86_MMIO_LOAD, FORM_MOFFS, SIZE_BYTE, SIZE_BYTE, X86_EXT_NONE, 0 },
	{ 0xa1, false, X86_MMIO_LOAD, FORM_MOFFS, SIZE_OPERAND, SIZE_OPERAND, X86_EXT_NONE, 0 },
	{ 0xa2, false, X86_MMIO_STORE, FORM_MOFFS, SIZE_BYTE, SIZE_BYTE, X86_EXT_NONE, 0 },
	{ 0xa3, false, X86_MMIO_STORE, FORM_MOFFS, SIZE_OPERAND, SIZE_OPERAND, X86_EXT_NONE, 0 },
	{ 0xb6, true, X86_MMIO_LOAD, FORM_MODRM, SIZE_BYTE, SIZE_OPERAND, X86_EXT_ZERO, 0 },
	{ 0xb7, true, X86_MMIO_LOAD, FORM_MODRM, SIZE_WORD, SIZE_OPERAND, X86_EXT_ZERO, 0 },
	{ 0xbe, true, X86_MMIO_LOAD, FORM_MODRM, SIZE_BYTE, SIZE_OPERAND, X86_EXT_SIGN, 0 },
	{ 0xbf, true, X86_MMIO_LOAD, FORM_MODRM, SIZE_WORD, SIZE_OPERAND, X86_EXT_SIGN, 0 },
	{ 0x63, false, X86_MMIO_LOAD, FORM_MODRM, SIZE_DWORD, SIZE_OPERAND, X86_EXT_SIGN,
	  ROW_64_ONLY },
	{ 0xaa, false, X86_MMIO_STOS, FORM_STRING, SIZE_BYTE, SIZE_BYTE, X86_EXT_NONE, ROW_REP },
	{ 0xab, false, X86_MMIO_STOS, FORM_STRING, SIZE_OPERAND, SIZE_OPERAND, X86_EXT_NONE,
	  ROW_REP },
	{ 0xa4, false, X86_MMIO_MOVS, FORM_STRING, SIZE_BYTE, SIZE_BYTE, X86_EXT_NONE, ROW_REP },
	{ 0xa5, false, X86_MMIO_MOVS, FORM_STRING, SIZE_OPERAND, SIZE_OPERAND, X86_EXT_NONE,
	  ROW_REP },
	{ 0x86, false, X86_MMIO_XCHG, FORM_MODRM, SIZE_BYTE, SIZE_BYTE, X86_EXT_NONE,
	  ROW_LOCKABLE },
	{ 0x87, false, X86_MMIO_XCHG, FORM_MODRM, SIZE_OPERAND, SIZE_OPERAND, X86_EXT_NONE,
	  ROW_LOCKABLE },
};

/* Reads the opcode (two bytes behind 0F) and finds its row. */
static int lookup_opcode(struct cursor *cur, u8 first, const struct opcode_row **row)
{
	bool map_0f = first == 0x0f;
	u8 opcode = first;
	unsigned int i;
	int err;

	if (map_0f) {
		err = fetch_byte(cur, &opcode);
		if (err)
			return err;
	}
	for (i = 0; i < ARRAY_SIZE(opcode_rows); i++) {
		if (opcode_rows[i].opcode == opcode && opcode_rows[i].map_0f == map_0f) {
			*row = &opcode_rows[i];
			return 0;
		}
	}
	return -EOPNOTSUPP;
}

/*
 * Whether the prefixes fit the row, before any operand byte is read.
 * REPNE and REP outside string instructions are refused rather than
 * ignored: on non-string opcodes F2/F3 are undefined or select other
 * instructions (XACQUIRE/XRELEASE, and in the 0F map POPCNT, TZCNT...),
 * and REPNE STOS/MOVS is undefined even though CPUs treat it as REP.
 */
static int check_prefixes(const struct opcode_row *row, const struct prefixes *pfx,
			  enum x86_cpu_mode mode)
{
	if ((row->flags & ROW_64_ONLY) && mode != X86_MODE_64)
		return -EOPNOTSUPP;
	if (pfx->lock && !(row->flags & ROW_LOCKABLE))
		return -EINVAL;
	if (pfx->repne || (pfx->rep && !(row->flags & ROW_REP)))
		return -EOPNOTSUPP;
	/* Which segment MOVS reads from would be a guess. */
	if (row->op == X86_MMIO_MOVS && pfx->seg_conflict)
		return -EOPNOTSUPP;
	return 0;
}

/* [mode][67 given]: the address size in bytes. */
static const u8 address_sizes[][2] = {
	[X86_MODE_16] = { 2, 4 },
	[X86_MODE_32] = { 4, 2 },
	[X86_MODE_64] = { 8, 4 },
};

/* [mode][66 given]: the operand size in bytes, unless REX.W makes it 8. */
static const u8 operand_sizes[][2] = {
	[X86_MODE_16] = { 2, 4 },
	[X86_MODE_32] = { 4, 2 },
	[X86_MODE_64] = { 4, 2 },
};

static unsigned int rule_size(enum size_rule rule, unsigned int operand_size)
{
	static const u8 fixed[] = { [SIZE_BYTE] = 1, [SIZE_WORD] = 2, [SIZE_DWORD] = 4 };

	return rule == SIZE_OPERAND ? operand_size : fixed[rule];
}

/*
 * Skips what follows ModRM in a memory operand: the SIB byte and the
 * displacement. The fault already gave the address; only the length
 * matters, and it depends on the address size, not on the mode.
 */
static int skip_memory_operand(struct cursor *cur, u8 modrm, unsigned int addr_size)
{
	/* [mod]: displacement bytes in the general case. */
	static const u8 disp16[] = { 0, 1, 2 };
	static const u8 disp32[] = { 0, 1, 4 };
	unsigned int mod = modrm >> 6;
	unsigned int rm = modrm & 7;
	unsigned int disp;
	u64 ignored;
	u8 sib;
	int err;

	if (addr_size == 2) {
		/* No SIB in 16-bit addressing; mod 0 with rm 6 is a bare disp16. */
		disp = mod == 0 && rm == 6 ? 2 : disp16[mod];
		return fetch_le(cur, disp, &ignored);
	}
	disp = disp32[mod];
	if (rm == 4) {
		err = fetch_byte(cur, &sib);
		if (err)
			return err;
		/* SIB base 5 with mod 0 means no base register, but a disp32. */
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	} else if (mod == 0 && rm == 5) {
		/* disp32: absolute in 32-bit addressing, RIP-relative in 64-bit mode. */
		disp = 4;
	}
	return fetch_le(cur, disp, &ignored);
}

/*
 * ModRM forms: the register operand from ModRM.reg (and REX.R), then the
 * memory operand and, for C6/C7, the immediate, which is as wide as the
 * access but at most 4 bytes, sign-extended for a 64-bit store.
 */
static int decode_modrm_operands(struct cursor *cur, const struct opcode_row *row,
				 const struct prefixes *pfx, struct x86_mmio_insn *insn)
{
	unsigned int reg;
	u64 imm;
	u8 modrm;
	int err;

	err = fetch_byte(cur, &modrm);
	if (err)
		return err;
	/* A register operand: no memory access, so not what faulted. */
	if (modrm >> 6 == 3)
		return -EINVAL;
	reg = (modrm >> 3) & 7;
	if (row->form == FORM_MODRM_IMM) {
		/* C6/C7 with reg != 0 are undefined (or XABORT/XBEGIN, which are mod 3). */
		if (reg)
			return -EOPNOTSUPP;
	} else if (pfx->rex & REX_R) {
		reg += 8;
	} else if (insn->reg_size == 1 && !pfx->rex && reg >= 4) {
		/* Without any REX, byte registers 4-7 are AH, CH, DH, BH. */
		reg -= 4;
		insn->high_byte = true;
	}
	insn->reg = (u8)reg;

	err = skip_memory_operand(cur, modrm, insn->addr_size);
	if (err || row->form != FORM_MODRM_IMM)
		return err;

	err = fetch_le(cur, MIN(insn->size, 4u), &imm);
	if (err)
		return err;
	if (insn->size == 8)
		imm = (u64)(s64)(s32)(u32)imm;
	insn->imm = imm;
	return 0;
}

int x86_decode_mmio(const u8 *code, size_t len, enum x86_cpu_mode mode,
		    struct x86_mmio_insn *insn)
{
	struct cursor cur = { .code = code, .len = (unsigned int)MIN(len, X86_MAX_INSN_LEN) };
	struct prefixes pfx = { .seg = X86_SEG_DS };
	struct x86_mmio_insn out = { 0 };
	const struct opcode_row *row;
	unsigned int operand_size;
	u64 ignored;
	u8 first;
	int err;

	if ((unsigned int)mode > X86_MODE_64)
		return -EINVAL;
	err = decode_prefixes(&cur, mode, &pfx, &first);
	if (err)
		return err;
	err = lookup_opcode(&cur, first, &row);
	if (err)
		return err;
	err = check_prefixes(row, &pfx, mode);
	if (err)
		return err;

	operand_size = pfx.rex & REX_W ? 8 : operand_sizes[mode][pfx.opsize];
	/*
	 * 66 63 reads 16 bits on Intel and 32 on AMD (binutils documents the
	 * difference): refuse it rather than pick one.
	 */
	if (row->size == SIZE_DWORD && operand_size == 2)
		return -EOPNOTSUPP;

	out.op = row->op;
	out.size = (u8)rule_size(row->size, operand_size);
	out.reg_size = (u8)rule_size(row->reg_size, operand_size);
	/* MOVZX r16, r/m16 and MOVSXD r32, r/m32 are plain moves. */
	out.ext = out.reg_size > out.size ? row->ext : X86_EXT_NONE;
	out.addr_size = address_sizes[mode][pfx.addrsize];

	switch (row->form) {
	case FORM_MODRM:
	case FORM_MODRM_IMM:
		err = decode_modrm_operands(&cur, row, &pfx, &out);
		break;
	case FORM_MOFFS:
		/* The register is always rAX: REX.B does not apply. */
		err = fetch_le(&cur, out.addr_size, &ignored);
		break;
	case FORM_STRING:
		out.rep = pfx.rep;
		out.src_seg = pfx.seg;
		break;
	}
	if (err)
		return err;

	out.len = (u8)cur.pos;
	*insn = out;
	return 0;
}

/*
 * Instruction lengths for NRIPS (x86_insn_length()): the instructions an
 * SVM intercept can report at RIP, by what follows their opcode.
 */
enum length_form {
	LEN_BARE,		/* the opcode is all */
	LEN_IMM8,		/* INT n */
	LEN_MODRM,		/* a ModRM operand, memory or register */
	LEN_MODRM_REG,		/* MOV CR/DR: ModRM.mod is ignored, always a register */
};

#define LEN_NOT_64	BIT(0)	/* invalid in 64-bit mode (INTO; 62 is EVEX there) */

struct length_row {
	u8 opcode;
	bool map_0f;
	u8 form;		/* enum length_form */
	u8 flags;		/* LEN_* */
};

static const struct length_row length_rows[] = {
	{ 0x62, false, LEN_MODRM, LEN_NOT_64 },	/* BOUND: #BR */
	{ 0x90, false, LEN_BARE, 0 },		/* PAUSE (F3 90) */
	{ 0x9c, false, LEN_BARE, 0 },		/* PUSHF */
	{ 0x9d, false, LEN_BARE, 0 },		/* POPF */
	{ 0xcc, false, LEN_BARE, 0 },		/* INT3: #BP */
	{ 0xcd, false, LEN_IMM8, 0 },		/* INT n */
	{ 0xce, false, LEN_BARE, LEN_NOT_64 },	/* INTO: #OF */
	{ 0xcf, false, LEN_BARE, 0 },		/* IRET */
	{ 0xf1, false, LEN_BARE, 0 },		/* ICEBP */
	{ 0xf4, false, LEN_BARE, 0 },		/* HLT */
	{ 0x00, true, LEN_MODRM, 0 },		/* SLDT, STR, LLDT, LTR */
	{ 0x01, true, LEN_MODRM, 0 },		/* SGDT...INVLPG; mod 3: SVM, MONITOR, XSETBV... */
	{ 0x06, true, LEN_BARE, 0 },		/* CLTS */
	{ 0x08, true, LEN_BARE, 0 },		/* INVD */
	{ 0x09, true, LEN_BARE, 0 },		/* WBINVD */
	{ 0x20, true, LEN_MODRM_REG, 0 },	/* MOV from CR */
	{ 0x21, true, LEN_MODRM_REG, 0 },	/* MOV from DR */
	{ 0x22, true, LEN_MODRM_REG, 0 },	/* MOV to CR */
	{ 0x23, true, LEN_MODRM_REG, 0 },	/* MOV to DR */
	{ 0x30, true, LEN_BARE, 0 },		/* WRMSR */
	{ 0x31, true, LEN_BARE, 0 },		/* RDTSC */
	{ 0x32, true, LEN_BARE, 0 },		/* RDMSR */
	{ 0x33, true, LEN_BARE, 0 },		/* RDPMC */
	{ 0xa2, true, LEN_BARE, 0 },		/* CPUID */
	{ 0xaa, true, LEN_BARE, 0 },		/* RSM */
};

static const struct length_row *find_length_row(u8 opcode, bool map_0f)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(length_rows); i++)
		if (length_rows[i].opcode == opcode && length_rows[i].map_0f == map_0f)
			return &length_rows[i];
	return NULL;
}

int x86_insn_length(const u8 *code, size_t len, enum x86_cpu_mode mode, u8 *out)
{
	struct cursor cur = { .code = code, .len = (unsigned int)MIN(len, X86_MAX_INSN_LEN) };
	struct prefixes pfx = { .seg = X86_SEG_DS };
	const struct length_row *row;
	bool map_0f;
	u64 ignored;
	u8 opcode, modrm;
	int err;

	if ((unsigned int)mode > X86_MODE_64)
		return -EINVAL;
	err = decode_prefixes(&cur, mode, &pfx, &opcode);
	if (err)
		return err;
	map_0f = opcode == 0x0f;
	if (map_0f) {
		err = fetch_byte(&cur, &opcode);
		if (err)
			return err;
	}
	row = find_length_row(opcode, map_0f);
	if (!row || ((row->flags & LEN_NOT_64) && mode == X86_MODE_64))
		return -EOPNOTSUPP;
	switch (row->form) {
	case LEN_IMM8:
		err = fetch_le(&cur, 1, &ignored);
		break;
	case LEN_MODRM:
	case LEN_MODRM_REG:
		err = fetch_byte(&cur, &modrm);
		if (!err && row->form == LEN_MODRM && modrm >> 6 != 3)
			err = skip_memory_operand(&cur, modrm, address_sizes[mode][pfx.addrsize]);
		break;
	}
	if (err)
		return err;
	*out = (u8)cur.pos;
	return 0;
}

static u64 width_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : BIT(bytes * 8) - 1;
}

u64 x86_mmio_store_data(const struct x86_mmio_insn *insn, u64 reg_value)
{
	if (insn->op == X86_MMIO_STORE_IMM)
		return insn->imm & width_mask(insn->size);
	if (insn->high_byte)
		reg_value >>= 8;
	return reg_value & width_mask(insn->size);
}

u64 x86_mmio_load_result(const struct x86_mmio_insn *insn, u64 old, u64 data)
{
	unsigned int shift = insn->high_byte ? 8 : 0;
	u64 value = data & width_mask(insn->size);
	u64 mask;

	if (insn->ext == X86_EXT_SIGN && (value & BIT(insn->size * 8 - 1)))
		value |= ~width_mask(insn->size);
	value &= width_mask(insn->reg_size);
	if (insn->reg_size >= 4)
		return value;
	mask = width_mask(insn->reg_size) << shift;
	return (old & ~mask) | (value << shift);
}

const char *x86_mmio_op_name(unsigned int op)
{
	static const char *const names[] = {
		[X86_MMIO_LOAD] = "load",	[X86_MMIO_STORE] = "store",
		[X86_MMIO_STORE_IMM] = "store-imm", [X86_MMIO_STOS] = "stos",
		[X86_MMIO_MOVS] = "movs",	[X86_MMIO_XCHG] = "xchg",
	};

	return op < ARRAY_SIZE(names) ? names[op] : "?";
}

const char *x86_decode_err_name(int err)
{
	switch (err) {
	case 0: return "ok";
	case -EAGAIN: return "need more bytes";
	case -E2BIG: return "longer than 15 bytes";
	case -EINVAL: return "no memory operand or #UD";
	case -EOPNOTSUPP: return "unsupported instruction";
	default: return "?";
	}
}
