/*
 * Decoder for the x86 instructions that access MMIO.
 *
 * A nested page fault on a non-RAM GPA gives the address but, without
 * DecodeAssists and NRIPS (QEMU TCG offers neither), not the instruction
 * or its length. The caller fetches up to 15 bytes at the guest's RIP and
 * asks this module what the access is: its size and direction, the
 * register or immediate involved, how a load is extended into the
 * register, and how far to advance RIP. The memory operand itself is only
 * skipped (the GPA comes from the fault), but exactly, for the length.
 *
 * Pure and freestanding: no hypervisor state, never reads code[len] or
 * beyond, and never guesses: anything it does not fully understand is an
 * error, which the caller turns into HV_EXIT_INTERNAL_ERROR.
 *
 * Supported: MOV 88/89/8A/8B, MOV C6/C7 /0 with an immediate, MOV moffs
 * A0-A3, MOVZX 0F B6/B7, MOVSX 0F BE/BF, MOVSXD 63 (64-bit mode), STOS
 * AA/AB and MOVS A4/A5 with or without REP, XCHG 86/87 (LOCK optional).
 * Prefixes 66, 67, F3 (REP, string instructions only), the six segment
 * overrides, LOCK (XCHG only) and, in 64-bit mode, REX.
 */
#ifndef ASM_DECODE_H
#define ASM_DECODE_H

#include <lib/types.h>

/* The architectural limit: a longer instruction raises #GP instead. */
#define X86_MAX_INSN_LEN	15

/* Default operand and address size of the code that faulted. */
enum x86_cpu_mode {
	X86_MODE_16,		/* CS.D=0: real mode, 16-bit protected or compat code */
	X86_MODE_32,		/* CS.D=1 outside 64-bit mode */
	X86_MODE_64,		/* EFER.LMA=1 and CS.L=1 */
};

/*
 * CS.L only counts in long mode (it is an ordinary attribute bit in
 * legacy mode), and in 64-bit mode CS.D is ignored. Virtual-8086 code
 * (RFLAGS.VM=1) is always 16-bit: the caller passes X86_MODE_16 there.
 */
static inline enum x86_cpu_mode x86_cpu_mode(bool efer_lma, bool cs_l, bool cs_d)
{
	if (efer_lma && cs_l)
		return X86_MODE_64;
	return cs_d ? X86_MODE_32 : X86_MODE_16;
}

enum x86_mmio_op {
	X86_MMIO_LOAD,		/* MOV/MOVZX/MOVSX/MOVSXD: MMIO -> reg */
	X86_MMIO_STORE,		/* MOV: reg -> MMIO */
	X86_MMIO_STORE_IMM,	/* MOV: imm -> MMIO */
	X86_MMIO_STOS,		/* STOS: rAX -> ES:[rDI], see rep and addr_size */
	X86_MMIO_MOVS,		/* MOVS: src_seg:[rSI] -> ES:[rDI]; either may be MMIO */
	X86_MMIO_XCHG,		/* XCHG: reg <-> MMIO, one locked read-modify-write */
};

/* How a load's data reaches the register (MOVZX, MOVSX, MOVSXD). */
enum x86_ext {
	X86_EXT_NONE,		/* size == reg_size */
	X86_EXT_ZERO,
	X86_EXT_SIGN,
};

/* Segment register numbers as the architecture encodes them. */
enum x86_seg {
	X86_SEG_ES,
	X86_SEG_CS,
	X86_SEG_SS,
	X86_SEG_DS,
	X86_SEG_FS,
	X86_SEG_GS,
};

struct x86_mmio_insn {
	u8 len;			/* bytes, 1-15: RIP advances by this */
	u8 op;			/* enum x86_mmio_op */
	u8 size;		/* bytes accessed in MMIO (per element for STOS/MOVS): 1/2/4/8 */
	u8 reg;			/* GPR 0-15 (RAX..R15) of the register operand; 0 for STOS */
	bool high_byte;		/* the operand is bits 15:8 of reg: AH/CH/DH/BH, reg 0-3 */
	u8 reg_size;		/* width of the register operand; > size only with ext */
	u8 ext;			/* enum x86_ext: how size bytes widen to reg_size */
	u8 addr_size;		/* 2/4/8: width of rSI, rDI and rCX for STOS and MOVS */
	bool rep;		/* F3 on STOS/MOVS: repeat rCX (addr_size wide) times */
	u8 src_seg;		/* MOVS only: source segment, DS unless overridden
				 * (in 64-bit mode only FS and GS have a base) */
	u64 imm;		/* X86_MMIO_STORE_IMM: the value stored, size bytes wide
				 * (C7 with REX.W: imm32 sign-extended to 64 bits) */
};

/*
 * Decodes the instruction at @code, of which @len bytes are valid (more
 * than 15 are ignored), into *@insn. Returns 0, or without touching *@insn:
 *   -EAGAIN      the instruction goes on past @len: fetch more and retry;
 *   -E2BIG       it would be longer than 15 bytes (the CPU raises #GP);
 *   -EINVAL      it cannot have faulted on MMIO: no memory operand
 *                (ModRM.mod = 3), LOCK on anything but XCHG (#UD), or
 *                a bad @mode;
 *   -EOPNOTSUPP  anything else: instructions and prefix combinations
 *                this decoder does not emulate (ALU ops, SSE, VEX, REPNE,
 *                REP on non-string ops, 66 63 whose width AMD and Intel
 *                disagree on, MOVS with conflicting segment overrides).
 * Bytes are only read as needed, so an error decided early does not
 * depend on later bytes, and a truncated valid instruction is -EAGAIN.
 */
int x86_decode_mmio(const u8 *code, size_t len, enum x86_cpu_mode mode,
		    struct x86_mmio_insn *insn);

/*
 * The size bytes a STORE, STOS or XCHG writes to MMIO, given the value of
 * the 64-bit register insn->reg (rAX for STOS); STORE_IMM ignores it.
 */
u64 x86_mmio_store_data(const struct x86_mmio_insn *insn, u64 reg_value);

/*
 * The new value of register insn->reg after a LOAD or XCHG read @data
 * from MMIO, given its @old value: extended per insn->ext, then written
 * as x86 does: 1- and 2-byte writes keep the other bits, 4-byte writes
 * clear bits 63:32 (in 64-bit mode; undefined and so also cleared in the
 * others).
 */
u64 x86_mmio_load_result(const struct x86_mmio_insn *insn, u64 old, u64 data);

/*
 * The length of the instruction at @code (@len valid bytes), for the
 * ones an SVM intercept reports at RIP where the CPU gives no next RIP
 * (NRIPS): CPUID, HLT, PAUSE, INVD, WBINVD, RDTSC, RDPMC, RDMSR, WRMSR,
 * RSM, PUSHF, POPF, IRET, INT n, INT3, INTO, BOUND, ICEBP, CLTS, MOV
 * to/from CR and DR, the 0F 00 and 0F 01 groups (descriptor tables,
 * SMSW, LMSW, INVLPG, the SVM instructions, MONITOR, MWAIT, XSETBV,
 * RDTSCP...), with any legacy prefixes and REX. Errors as
 * x86_decode_mmio()'s; -EOPNOTSUPP for any other opcode.
 */
int x86_insn_length(const u8 *code, size_t len, enum x86_cpu_mode mode, u8 *out);

/* Short names for logs: "store-imm", and "need more bytes" for -EAGAIN. */
const char *x86_mmio_op_name(unsigned int op);
const char *x86_decode_err_name(int err);

#endif
