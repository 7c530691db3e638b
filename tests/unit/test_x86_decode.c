/* SOURCES: arch/x86/decode.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/decode.h>
#include <lib/errno.h>
#include <string.h>

/*
 * Test vectors. The bytes and lengths were checked against GNU objdump
 * (tools/xcheck-x86-decode.py re-runs that check); the text is what
 * objdump prints, in AT&T syntax.
 */
struct vector {
	const char *text;
	u8 mode;
	u8 n;			/* bytes given to the decoder */
	u8 code[16];
	int err;
	struct x86_mmio_insn want;
};

#define M16	X86_MODE_16
#define M32	X86_MODE_32
#define M64	X86_MODE_64

#define CODE(...)	.n = sizeof((u8[]){ __VA_ARGS__ }), .code = { __VA_ARGS__ }

#define LD(sz, r)	.op = X86_MMIO_LOAD, .size = sz, .reg = r, .reg_size = sz
#define LDX(sz, r, rsz, e) .op = X86_MMIO_LOAD, .size = sz, .reg = r, .reg_size = rsz, \
			.ext = X86_EXT_##e
#define ST(sz, r)	.op = X86_MMIO_STORE, .size = sz, .reg = r, .reg_size = sz
#define IMM(sz, v)	.op = X86_MMIO_STORE_IMM, .size = sz, .reg_size = sz, .imm = v
#define STOS(sz)	.op = X86_MMIO_STOS, .size = sz, .reg_size = sz
#define MOVS(sz, s)	.op = X86_MMIO_MOVS, .size = sz, .reg_size = sz, .src_seg = X86_SEG_##s
#define XCHG(sz, r)	.op = X86_MMIO_XCHG, .size = sz, .reg = r, .reg_size = sz
#define HI		.high_byte = true
#define REP		.rep = true
#define A2		.addr_size = 2
#define A4		.addr_size = 4
#define A8		.addr_size = 8

/* Fills in the source segment every string instruction reports. */
#define STOS_DS(sz)	STOS(sz), .src_seg = X86_SEG_DS

#define MOFFS64		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11

static const struct vector ok_vectors[] = {
	/* MOV stores, 64-bit mode: sizes and register numbering */
	{ "mov %eax,(%rax)", M64, CODE(0x89, 0x00), .want = { .len = 2, ST(4, 0), A8 } },
	{ "mov %rcx,(%rax)", M64, CODE(0x48, 0x89, 0x08), .want = { .len = 3, ST(8, 1), A8 } },
	{ "mov %dx,(%rax)", M64, CODE(0x66, 0x89, 0x10), .want = { .len = 3, ST(2, 2), A8 } },
	{ "mov %bl,(%rax)", M64, CODE(0x88, 0x18), .want = { .len = 2, ST(1, 3), A8 } },
	{ "mov %ah,(%rax)", M64, CODE(0x88, 0x20), .want = { .len = 2, ST(1, 0), HI, A8 } },
	{ "mov %ch,(%rax)", M64, CODE(0x88, 0x28), .want = { .len = 2, ST(1, 1), HI, A8 } },
	{ "mov %dh,(%rax)", M64, CODE(0x88, 0x30), .want = { .len = 2, ST(1, 2), HI, A8 } },
	{ "mov %bh,(%rax)", M64, CODE(0x88, 0x38), .want = { .len = 2, ST(1, 3), HI, A8 } },
	{ "mov %spl,(%rax)", M64, CODE(0x40, 0x88, 0x20), .want = { .len = 3, ST(1, 4), A8 } },
	{ "mov %dil,(%rax)", M64, CODE(0x40, 0x88, 0x38), .want = { .len = 3, ST(1, 7), A8 } },
	{ "mov %spl,(%r8)", M64, CODE(0x41, 0x88, 0x20), .want = { .len = 3, ST(1, 4), A8 } },
	{ "mov %r12b,(%rax)", M64, CODE(0x44, 0x88, 0x20), .want = { .len = 3, ST(1, 12), A8 } },
	{ "mov %r15,(%rax)", M64, CODE(0x4c, 0x89, 0x38), .want = { .len = 3, ST(8, 15), A8 } },
	{ "mov %eax,(%r8)", M64, CODE(0x41, 0x89, 0x00), .want = { .len = 3, ST(4, 0), A8 } },
	{ "mov %r9w,(%rax)", M64, CODE(0x66, 0x44, 0x89, 0x08),
	  .want = { .len = 4, ST(2, 9), A8 } },
	{ "data16 mov %al,(%rax)", M64, CODE(0x66, 0x88, 0x00),
	  .want = { .len = 3, ST(1, 0), A8 } },
	{ "rex.W mov %al,(%rax)", M64, CODE(0x48, 0x88, 0x00), .want = { .len = 3, ST(1, 0), A8 } },

	/* MOV loads */
	{ "mov (%rax),%al", M64, CODE(0x8a, 0x00), .want = { .len = 2, LD(1, 0), A8 } },
	{ "mov (%rax),%bh", M64, CODE(0x8a, 0x38), .want = { .len = 2, LD(1, 3), HI, A8 } },
	{ "mov (%rax),%sil", M64, CODE(0x40, 0x8a, 0x30), .want = { .len = 3, LD(1, 6), A8 } },
	{ "mov (%rax),%r8b", M64, CODE(0x44, 0x8a, 0x00), .want = { .len = 3, LD(1, 8), A8 } },
	{ "mov (%rax),%eax", M64, CODE(0x8b, 0x00), .want = { .len = 2, LD(4, 0), A8 } },
	{ "mov (%rax),%rsp", M64, CODE(0x48, 0x8b, 0x20), .want = { .len = 3, LD(8, 4), A8 } },
	{ "mov (%rax),%si", M64, CODE(0x66, 0x8b, 0x30), .want = { .len = 3, LD(2, 6), A8 } },
	{ "mov (%rax),%r13", M64, CODE(0x4c, 0x8b, 0x28), .want = { .len = 3, LD(8, 13), A8 } },
	{ "mov (%rax),%r10d", M64, CODE(0x44, 0x8b, 0x10), .want = { .len = 3, LD(4, 10), A8 } },

	/* MOV immediate stores */
	{ "movb $0x12,(%rax)", M64, CODE(0xc6, 0x00, 0x12),
	  .want = { .len = 3, IMM(1, 0x12), A8 } },
	{ "movw $0x1234,(%rax)", M64, CODE(0x66, 0xc7, 0x00, 0x34, 0x12),
	  .want = { .len = 5, IMM(2, 0x1234), A8 } },
	{ "movl $0x12345678,(%rax)", M64, CODE(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 6, IMM(4, 0x12345678), A8 } },
	{ "movl $0x80000000,(%rax)", M64, CODE(0xc7, 0x00, 0x00, 0x00, 0x00, 0x80),
	  .want = { .len = 6, IMM(4, 0x80000000), A8 } },
	{ "movq $0xffffffff80000000,(%rax)", M64, CODE(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80),
	  .want = { .len = 7, IMM(8, 0xffffffff80000000ULL), A8 } },
	{ "movq $0x7fffffff,(%rax)", M64, CODE(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f),
	  .want = { .len = 7, IMM(8, 0x7fffffff), A8 } },
	{ "movl $0x1,0x10(%rax)", M64, CODE(0xc7, 0x40, 0x10, 0x01, 0x00, 0x00, 0x00),
	  .want = { .len = 7, IMM(4, 1), A8 } },
	{ "movl $0x1,0x1000(%rax)", M64,
	  CODE(0xc7, 0x80, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	  .want = { .len = 10, IMM(4, 1), A8 } },
	{ "movl $0x1,0x1000(%rip)", M64,
	  CODE(0xc7, 0x05, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	  .want = { .len = 10, IMM(4, 1), A8 } },
	{ "movq $0xffffffffffffffff,0x12345678(%rax,%rcx,4)", M64,
	  CODE(0x48, 0xc7, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff),
	  .want = { .len = 12, IMM(8, ~0ULL), A8 } },
	{ "movw $0x1234,0x0(%rip)", M64, CODE(0x66, 0xc7, 0x05, 0x00, 0x00, 0x00, 0x00, 0x34, 0x12),
	  .want = { .len = 9, IMM(2, 0x1234), A8 } },
	{ "movb $0x12,0x10(%rip)", M64, CODE(0xc6, 0x05, 0x10, 0x00, 0x00, 0x00, 0x12),
	  .want = { .len = 7, IMM(1, 0x12), A8 } },
	{ "data16 movq $0xffffffffffffffff,(%rax)", M64,
	  CODE(0x66, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
	  .want = { .len = 8, IMM(8, ~0ULL), A8 } },
	/* REX.R does not extend an opcode extension: still /0 */
	{ "rex.R movl $0x1,(%rax)", M64, CODE(0x44, 0xc7, 0x00, 0x01, 0x00, 0x00, 0x00),
	  .want = { .len = 7, IMM(4, 1), A8 } },

	/* moffs: 8 bytes in 64-bit mode, 4 with 67 */
	{ "movabs 0x1122334455667788,%al", M64, CODE(0xa0, MOFFS64),
	  .want = { .len = 9, LD(1, 0), A8 } },
	{ "movabs 0x1122334455667788,%eax", M64, CODE(0xa1, MOFFS64),
	  .want = { .len = 9, LD(4, 0), A8 } },
	{ "movabs 0x1122334455667788,%rax", M64, CODE(0x48, 0xa1, MOFFS64),
	  .want = { .len = 10, LD(8, 0), A8 } },
	{ "movabs 0x1122334455667788,%ax", M64, CODE(0x66, 0xa1, MOFFS64),
	  .want = { .len = 10, LD(2, 0), A8 } },
	{ "movabs %al,0x1122334455667788", M64, CODE(0xa2, MOFFS64),
	  .want = { .len = 9, ST(1, 0), A8 } },
	{ "movabs %rax,0x1122334455667788", M64, CODE(0x48, 0xa3, MOFFS64),
	  .want = { .len = 10, ST(8, 0), A8 } },
	{ "rex.B movabs %eax,0x1122334455667788", M64, CODE(0x41, 0xa3, MOFFS64),
	  .want = { .len = 10, ST(4, 0), A8 } },
	{ "movabs %gs:0x1122334455667788,%eax", M64, CODE(0x65, 0xa1, MOFFS64),
	  .want = { .len = 10, LD(4, 0), A8 } },
	{ "addr32 mov 0x44332211,%eax", M64, CODE(0x67, 0xa1, 0x11, 0x22, 0x33, 0x44),
	  .want = { .len = 6, LD(4, 0), A4 } },
	{ "addr32 mov %al,0x44332211", M64, CODE(0x67, 0xa2, 0x11, 0x22, 0x33, 0x44),
	  .want = { .len = 6, ST(1, 0), A4 } },

	/* MOVZX, MOVSX, MOVSXD */
	{ "movzbl (%rax),%eax", M64, CODE(0x0f, 0xb6, 0x00),
	  .want = { .len = 3, LDX(1, 0, 4, ZERO), A8 } },
	{ "movzbw (%rax),%ax", M64, CODE(0x66, 0x0f, 0xb6, 0x00),
	  .want = { .len = 4, LDX(1, 0, 2, ZERO), A8 } },
	{ "movzbq (%rax),%rax", M64, CODE(0x48, 0x0f, 0xb6, 0x00),
	  .want = { .len = 4, LDX(1, 0, 8, ZERO), A8 } },
	{ "movzbl (%rax),%esp", M64, CODE(0x0f, 0xb6, 0x20),
	  .want = { .len = 3, LDX(1, 4, 4, ZERO), A8 } },
	{ "movzbl (%rax),%r9d", M64, CODE(0x44, 0x0f, 0xb6, 0x08),
	  .want = { .len = 4, LDX(1, 9, 4, ZERO), A8 } },
	{ "movzbl 0x10(%rip),%eax", M64, CODE(0x0f, 0xb6, 0x05, 0x10, 0x00, 0x00, 0x00),
	  .want = { .len = 7, LDX(1, 0, 4, ZERO), A8 } },
	{ "movzwl (%rax),%eax", M64, CODE(0x0f, 0xb7, 0x00),
	  .want = { .len = 3, LDX(2, 0, 4, ZERO), A8 } },
	{ "movzww (%rax),%ax", M64, CODE(0x66, 0x0f, 0xb7, 0x00),
	  .want = { .len = 4, LD(2, 0), A8 } },
	{ "movzwq (%rax),%rdx", M64, CODE(0x48, 0x0f, 0xb7, 0x10),
	  .want = { .len = 4, LDX(2, 2, 8, ZERO), A8 } },
	{ "movsbl (%rax),%eax", M64, CODE(0x0f, 0xbe, 0x00),
	  .want = { .len = 3, LDX(1, 0, 4, SIGN), A8 } },
	{ "movsbw (%rax),%ax", M64, CODE(0x66, 0x0f, 0xbe, 0x00),
	  .want = { .len = 4, LDX(1, 0, 2, SIGN), A8 } },
	{ "movsbq (%rax),%r15", M64, CODE(0x4c, 0x0f, 0xbe, 0x38),
	  .want = { .len = 4, LDX(1, 15, 8, SIGN), A8 } },
	{ "movswl (%rax),%eax", M64, CODE(0x0f, 0xbf, 0x00),
	  .want = { .len = 3, LDX(2, 0, 4, SIGN), A8 } },
	{ "movswq (%rax),%rax", M64, CODE(0x48, 0x0f, 0xbf, 0x00),
	  .want = { .len = 4, LDX(2, 0, 8, SIGN), A8 } },
	{ "movsww (%rax),%ax", M64, CODE(0x66, 0x0f, 0xbf, 0x00),
	  .want = { .len = 4, LD(2, 0), A8 } },
	{ "movslq (%rax),%rax", M64, CODE(0x48, 0x63, 0x00),
	  .want = { .len = 3, LDX(4, 0, 8, SIGN), A8 } },
	{ "movslq (%rax),%r11", M64, CODE(0x4c, 0x63, 0x18),
	  .want = { .len = 3, LDX(4, 11, 8, SIGN), A8 } },
	{ "movsxd (%rax),%eax", M64, CODE(0x63, 0x00), .want = { .len = 2, LD(4, 0), A8 } },
	{ "data16 movslq (%rax),%rax", M64, CODE(0x66, 0x48, 0x63, 0x00),
	  .want = { .len = 4, LDX(4, 0, 8, SIGN), A8 } },

	/* STOS and MOVS */
	{ "stos %al,%es:(%rdi)", M64, CODE(0xaa), .want = { .len = 1, STOS_DS(1), A8 } },
	{ "stos %eax,%es:(%rdi)", M64, CODE(0xab), .want = { .len = 1, STOS_DS(4), A8 } },
	{ "stos %ax,%es:(%rdi)", M64, CODE(0x66, 0xab), .want = { .len = 2, STOS_DS(2), A8 } },
	{ "stos %rax,%es:(%rdi)", M64, CODE(0x48, 0xab), .want = { .len = 2, STOS_DS(8), A8 } },
	{ "rep stos %al,%es:(%rdi)", M64, CODE(0xf3, 0xaa),
	  .want = { .len = 2, STOS_DS(1), REP, A8 } },
	{ "rep stos %rax,%es:(%rdi)", M64, CODE(0xf3, 0x48, 0xab),
	  .want = { .len = 3, STOS_DS(8), REP, A8 } },
	{ "rep stos %eax,%es:(%edi)", M64, CODE(0x67, 0xf3, 0xab),
	  .want = { .len = 3, STOS_DS(4), REP, A4 } },
	{ "rep stos %ax,%es:(%edi)", M64, CODE(0xf3, 0x66, 0x67, 0xab),
	  .want = { .len = 4, STOS_DS(2), REP, A4 } },
	{ "rep rex.B stos %eax,%es:(%rdi)", M64, CODE(0xf3, 0x41, 0xab),
	  .want = { .len = 3, STOS_DS(4), REP, A8 } },
	{ "rep rep stos %eax,%es:(%rdi)", M64, CODE(0xf3, 0xf3, 0xab),
	  .want = { .len = 3, STOS_DS(4), REP, A8 } },
	{ "stos %al,%es:(%rdi) (es prefix)", M64, CODE(0x26, 0xaa),
	  .want = { .len = 2, STOS(1), .src_seg = X86_SEG_ES, A8 } },
	{ "movsb %ds:(%rsi),%es:(%rdi)", M64, CODE(0xa4), .want = { .len = 1, MOVS(1, DS), A8 } },
	{ "movsl %ds:(%rsi),%es:(%rdi)", M64, CODE(0xa5), .want = { .len = 1, MOVS(4, DS), A8 } },
	{ "movsq %ds:(%rsi),%es:(%rdi)", M64, CODE(0x48, 0xa5),
	  .want = { .len = 2, MOVS(8, DS), A8 } },
	{ "rep movsw %ds:(%rsi),%es:(%rdi)", M64, CODE(0xf3, 0x66, 0xa5),
	  .want = { .len = 3, MOVS(2, DS), REP, A8 } },
	{ "rep movsb %fs:(%rsi),%es:(%rdi)", M64, CODE(0x64, 0xf3, 0xa4),
	  .want = { .len = 3, MOVS(1, FS), REP, A8 } },
	{ "movsl %gs:(%rsi),%es:(%rdi)", M64, CODE(0x65, 0xa5),
	  .want = { .len = 2, MOVS(4, GS), A8 } },
	{ "movsl %es:(%rsi),%es:(%rdi)", M64, CODE(0x26, 0xa5),
	  .want = { .len = 2, MOVS(4, ES), A8 } },
	{ "movsl %cs:(%rsi),%es:(%rdi)", M64, CODE(0x2e, 0xa5),
	  .want = { .len = 2, MOVS(4, CS), A8 } },
	{ "movsl %ss:(%rsi),%es:(%rdi)", M64, CODE(0x36, 0xa5),
	  .want = { .len = 2, MOVS(4, SS), A8 } },
	{ "movsb %fs:(%rsi),%es:(%rdi) (fs fs)", M64, CODE(0x64, 0x64, 0xa4),
	  .want = { .len = 3, MOVS(1, FS), A8 } },
	{ "rep movsl %ds:(%esi),%es:(%edi)", M64, CODE(0x67, 0xf3, 0xa5),
	  .want = { .len = 3, MOVS(4, DS), REP, A4 } },

	/* XCHG */
	{ "xchg %al,(%rax)", M64, CODE(0x86, 0x00), .want = { .len = 2, XCHG(1, 0), A8 } },
	{ "xchg %bh,(%rax)", M64, CODE(0x86, 0x38), .want = { .len = 2, XCHG(1, 3), HI, A8 } },
	{ "xchg %eax,(%rax)", M64, CODE(0x87, 0x00), .want = { .len = 2, XCHG(4, 0), A8 } },
	{ "xchg %rcx,(%rax)", M64, CODE(0x48, 0x87, 0x08), .want = { .len = 3, XCHG(8, 1), A8 } },
	{ "xchg %r8w,(%rax)", M64, CODE(0x66, 0x44, 0x87, 0x00),
	  .want = { .len = 4, XCHG(2, 8), A8 } },
	{ "lock xchg %eax,(%rax)", M64, CODE(0xf0, 0x87, 0x00),
	  .want = { .len = 3, XCHG(4, 0), A8 } },
	{ "lock xchg %dil,(%rax)", M64, CODE(0xf0, 0x40, 0x86, 0x38),
	  .want = { .len = 4, XCHG(1, 7), A8 } },

	/* ModRM, SIB, displacement and RIP-relative lengths, 64-bit mode */
	{ "mov 0x10(%rax),%eax", M64, CODE(0x8b, 0x40, 0x10), .want = { .len = 3, LD(4, 0), A8 } },
	{ "mov -0x80(%rax),%eax", M64, CODE(0x8b, 0x40, 0x80), .want = { .len = 3, LD(4, 0), A8 } },
	{ "mov 0x12345678(%rax),%eax", M64, CODE(0x8b, 0x80, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 6, LD(4, 0), A8 } },
	{ "mov (%rsp),%eax", M64, CODE(0x8b, 0x04, 0x24), .want = { .len = 3, LD(4, 0), A8 } },
	{ "mov 0x8(%rsp),%eax", M64, CODE(0x8b, 0x44, 0x24, 0x08),
	  .want = { .len = 4, LD(4, 0), A8 } },
	{ "mov 0x1000(%rsp),%eax", M64, CODE(0x8b, 0x84, 0x24, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A8 } },
	{ "mov 0x1000,%eax", M64, CODE(0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A8 } },
	{ "mov 0x1000(%rip),%eax", M64, CODE(0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 6, LD(4, 0), A8 } },
	{ "mov 0x0(%rbp),%eax", M64, CODE(0x8b, 0x45, 0x00), .want = { .len = 3, LD(4, 0), A8 } },
	{ "mov 0x1000(,%rax,1),%eax", M64, CODE(0x8b, 0x04, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A8 } },
	{ "mov 0x1000(,%rcx,8),%eax", M64, CODE(0x8b, 0x04, 0xcd, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A8 } },
	{ "mov 0x8(%rbp,%rax,1),%eax", M64, CODE(0x8b, 0x44, 0x05, 0x08),
	  .want = { .len = 4, LD(4, 0), A8 } },
	{ "mov 0x1000(%rbp,%rax,1),%eax", M64, CODE(0x8b, 0x84, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A8 } },
	{ "mov (%rax,%rcx,4),%eax", M64, CODE(0x8b, 0x04, 0x88),
	  .want = { .len = 3, LD(4, 0), A8 } },
	{ "mov 0x0(%r13),%eax", M64, CODE(0x41, 0x8b, 0x45, 0x00),
	  .want = { .len = 4, LD(4, 0), A8 } },
	{ "mov (%r12),%eax", M64, CODE(0x41, 0x8b, 0x04, 0x24),
	  .want = { .len = 4, LD(4, 0), A8 } },
	{ "rex.B mov 0x1000(%rip),%eax", M64, CODE(0x41, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A8 } },
	{ "mov 0x1000(,%r12,1),%eax", M64, CODE(0x42, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 8, LD(4, 0), A8 } },
	{ "mov 0x0(%r13,%r12,1),%eax", M64, CODE(0x43, 0x8b, 0x44, 0x25, 0x00),
	  .want = { .len = 5, LD(4, 0), A8 } },
	{ "mov (%eax),%eax", M64, CODE(0x67, 0x8b, 0x00), .want = { .len = 3, LD(4, 0), A4 } },
	{ "mov 0x1000(%eip),%eax", M64, CODE(0x67, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A4 } },
	{ "mov (%esp),%eax", M64, CODE(0x67, 0x8b, 0x04, 0x24),
	  .want = { .len = 4, LD(4, 0), A4 } },
	{ "mov 0x10(%ebp,%eax,2),%eax", M64, CODE(0x67, 0x8b, 0x44, 0x45, 0x10),
	  .want = { .len = 5, LD(4, 0), A4 } },

	/* 32-bit mode */
	{ "mov %eax,(%eax)", M32, CODE(0x89, 0x00), .want = { .len = 2, ST(4, 0), A4 } },
	{ "mov %ax,(%eax)", M32, CODE(0x66, 0x89, 0x00), .want = { .len = 3, ST(2, 0), A4 } },
	{ "mov %ah,(%eax)", M32, CODE(0x88, 0x20), .want = { .len = 2, ST(1, 0), HI, A4 } },
	{ "mov %bh,(%eax)", M32, CODE(0x88, 0x38), .want = { .len = 2, ST(1, 3), HI, A4 } },
	{ "mov %eax,%fs:(%eax)", M32, CODE(0x64, 0x89, 0x00), .want = { .len = 3, ST(4, 0), A4 } },
	{ "mov (%eax),%edi", M32, CODE(0x8b, 0x38), .want = { .len = 2, LD(4, 7), A4 } },
	{ "mov (%eax),%dh", M32, CODE(0x8a, 0x30), .want = { .len = 2, LD(1, 2), HI, A4 } },
	{ "mov 0x1000,%eax", M32, CODE(0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 6, LD(4, 0), A4 } },
	{ "mov 0x1000(,%eax,4),%eax", M32, CODE(0x8b, 0x04, 0x85, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(4, 0), A4 } },
	{ "mov 0x10(%esp),%eax", M32, CODE(0x8b, 0x44, 0x24, 0x10),
	  .want = { .len = 4, LD(4, 0), A4 } },
	{ "mov 0x1000(%ebp),%eax", M32, CODE(0x8b, 0x85, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 6, LD(4, 0), A4 } },
	{ "mov (%bx),%eax", M32, CODE(0x67, 0x8b, 0x07), .want = { .len = 3, LD(4, 0), A2 } },
	{ "mov (%si),%eax", M32, CODE(0x67, 0x8b, 0x04), .want = { .len = 3, LD(4, 0), A2 } },
	{ "mov 0x1234,%eax", M32, CODE(0x67, 0x8b, 0x06, 0x34, 0x12),
	  .want = { .len = 5, LD(4, 0), A2 } },
	{ "mov 0x10(%bp),%eax", M32, CODE(0x67, 0x8b, 0x46, 0x10),
	  .want = { .len = 4, LD(4, 0), A2 } },
	{ "mov 0x1234(%bx,%si),%eax", M32, CODE(0x67, 0x8b, 0x80, 0x34, 0x12),
	  .want = { .len = 5, LD(4, 0), A2 } },
	{ "mov 0x44332211,%eax", M32, CODE(0xa1, 0x11, 0x22, 0x33, 0x44),
	  .want = { .len = 5, LD(4, 0), A4 } },
	{ "addr16 mov 0x2211,%al", M32, CODE(0x67, 0xa0, 0x11, 0x22),
	  .want = { .len = 4, LD(1, 0), A2 } },
	{ "mov %ax,0x44332211", M32, CODE(0x66, 0xa3, 0x11, 0x22, 0x33, 0x44),
	  .want = { .len = 6, ST(2, 0), A4 } },
	{ "mov %al,0x44332211", M32, CODE(0xa2, 0x11, 0x22, 0x33, 0x44),
	  .want = { .len = 5, ST(1, 0), A4 } },
	{ "addr16 mov %eax,0x2211", M32, CODE(0x67, 0xa3, 0x11, 0x22),
	  .want = { .len = 4, ST(4, 0), A2 } },
	{ "movl $0x12345678,(%eax)", M32, CODE(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 6, IMM(4, 0x12345678), A4 } },
	{ "movw $0x1234,(%eax)", M32, CODE(0x66, 0xc7, 0x00, 0x34, 0x12),
	  .want = { .len = 5, IMM(2, 0x1234), A4 } },
	{ "movl $0x1,0x1000", M32, CODE(0xc7, 0x05, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	  .want = { .len = 10, IMM(4, 1), A4 } },
	{ "movb $0x12,0x10(%eax,%ebx,2)", M32, CODE(0xc6, 0x44, 0x58, 0x10, 0x12),
	  .want = { .len = 5, IMM(1, 0x12), A4 } },
	{ "movzbl (%eax),%eax", M32, CODE(0x0f, 0xb6, 0x00),
	  .want = { .len = 3, LDX(1, 0, 4, ZERO), A4 } },
	{ "movzbw (%eax),%ax", M32, CODE(0x66, 0x0f, 0xb6, 0x00),
	  .want = { .len = 4, LDX(1, 0, 2, ZERO), A4 } },
	{ "movzwl (%eax),%eax", M32, CODE(0x0f, 0xb7, 0x00),
	  .want = { .len = 3, LDX(2, 0, 4, ZERO), A4 } },
	{ "movsbl (%eax),%esi", M32, CODE(0x0f, 0xbe, 0x30),
	  .want = { .len = 3, LDX(1, 6, 4, SIGN), A4 } },
	{ "movswl (%eax),%eax", M32, CODE(0x0f, 0xbf, 0x00),
	  .want = { .len = 3, LDX(2, 0, 4, SIGN), A4 } },
	{ "rep stos %eax,%es:(%edi)", M32, CODE(0xf3, 0xab),
	  .want = { .len = 2, STOS_DS(4), REP, A4 } },
	{ "rep stos %al,%es:(%di)", M32, CODE(0x67, 0xf3, 0xaa),
	  .want = { .len = 3, STOS_DS(1), REP, A2 } },
	{ "stos %ax,%es:(%edi)", M32, CODE(0x66, 0xab), .want = { .len = 2, STOS_DS(2), A4 } },
	{ "rep movsl %ds:(%esi),%es:(%edi)", M32, CODE(0xf3, 0xa5),
	  .want = { .len = 2, MOVS(4, DS), REP, A4 } },
	{ "movsb %ss:(%esi),%es:(%edi)", M32, CODE(0x36, 0xa4),
	  .want = { .len = 2, MOVS(1, SS), A4 } },
	{ "xchg %eax,(%ebx)", M32, CODE(0x87, 0x03), .want = { .len = 2, XCHG(4, 0), A4 } },
	{ "lock xchg %ch,(%eax)", M32, CODE(0xf0, 0x86, 0x28),
	  .want = { .len = 3, XCHG(1, 1), HI, A4 } },

	/* 16-bit mode */
	{ "mov %ax,(%bx)", M16, CODE(0x89, 0x07), .want = { .len = 2, ST(2, 0), A2 } },
	{ "mov %eax,(%bx)", M16, CODE(0x66, 0x89, 0x07), .want = { .len = 3, ST(4, 0), A2 } },
	{ "mov %ah,(%bx)", M16, CODE(0x88, 0x27), .want = { .len = 2, ST(1, 0), HI, A2 } },
	{ "mov (%bx),%cx", M16, CODE(0x8b, 0x0f), .want = { .len = 2, LD(2, 1), A2 } },
	{ "mov (%bp,%di),%al", M16, CODE(0x8a, 0x03), .want = { .len = 2, LD(1, 0), A2 } },
	{ "mov 0x1234,%ax", M16, CODE(0x8b, 0x06, 0x34, 0x12), .want = { .len = 4, LD(2, 0), A2 } },
	{ "mov 0x10(%bx),%ax", M16, CODE(0x8b, 0x47, 0x10), .want = { .len = 3, LD(2, 0), A2 } },
	{ "mov 0x1234(%bx),%ax", M16, CODE(0x8b, 0x87, 0x34, 0x12),
	  .want = { .len = 4, LD(2, 0), A2 } },
	{ "mov (%si),%ax", M16, CODE(0x8b, 0x04), .want = { .len = 2, LD(2, 0), A2 } },
	{ "mov 0x0(%bp),%ax", M16, CODE(0x8b, 0x46, 0x00), .want = { .len = 3, LD(2, 0), A2 } },
	{ "mov 0x1234(%bp,%si),%ax", M16, CODE(0x8b, 0x82, 0x34, 0x12),
	  .want = { .len = 4, LD(2, 0), A2 } },
	{ "mov (%eax),%ax", M16, CODE(0x67, 0x8b, 0x00), .want = { .len = 3, LD(2, 0), A4 } },
	{ "mov (%esp),%ax", M16, CODE(0x67, 0x8b, 0x04, 0x24), .want = { .len = 4, LD(2, 0), A4 } },
	{ "mov 0x1000,%ax", M16, CODE(0x67, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, LD(2, 0), A4 } },
	{ "mov 0x10(%ebp,%eax,4),%eax", M16, CODE(0x66, 0x67, 0x8b, 0x44, 0x85, 0x10),
	  .want = { .len = 6, LD(4, 0), A4 } },
	{ "mov 0x1234,%ax (moffs)", M16, CODE(0xa1, 0x34, 0x12),
	  .want = { .len = 3, LD(2, 0), A2 } },
	{ "mov 0x1234,%eax (moffs)", M16, CODE(0x66, 0xa1, 0x34, 0x12),
	  .want = { .len = 4, LD(4, 0), A2 } },
	{ "addr32 mov 0x44332211,%al", M16, CODE(0x67, 0xa0, 0x11, 0x22, 0x33, 0x44),
	  .want = { .len = 6, LD(1, 0), A4 } },
	{ "mov %al,0x1234", M16, CODE(0xa2, 0x34, 0x12), .want = { .len = 3, ST(1, 0), A2 } },
	{ "mov %ax,0x1234", M16, CODE(0xa3, 0x34, 0x12), .want = { .len = 3, ST(2, 0), A2 } },
	{ "addr32 mov %eax,0x44332211", M16, CODE(0x67, 0x66, 0xa3, 0x11, 0x22, 0x33, 0x44),
	  .want = { .len = 7, ST(4, 0), A4 } },
	{ "movw $0x1234,(%bx)", M16, CODE(0xc7, 0x07, 0x34, 0x12),
	  .want = { .len = 4, IMM(2, 0x1234), A2 } },
	{ "movl $0x12345678,(%bx)", M16, CODE(0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 7, IMM(4, 0x12345678), A2 } },
	{ "movb $0x12,0x1234", M16, CODE(0xc6, 0x06, 0x34, 0x12, 0x12),
	  .want = { .len = 5, IMM(1, 0x12), A2 } },
	{ "movzbw (%bx),%ax", M16, CODE(0x0f, 0xb6, 0x07),
	  .want = { .len = 3, LDX(1, 0, 2, ZERO), A2 } },
	{ "movzbl (%bx),%eax", M16, CODE(0x66, 0x0f, 0xb6, 0x07),
	  .want = { .len = 4, LDX(1, 0, 4, ZERO), A2 } },
	{ "movzww (%bx),%ax", M16, CODE(0x0f, 0xb7, 0x07), .want = { .len = 3, LD(2, 0), A2 } },
	{ "movsbw (%bx),%ax", M16, CODE(0x0f, 0xbe, 0x07),
	  .want = { .len = 3, LDX(1, 0, 2, SIGN), A2 } },
	{ "movswl (%bx),%eax", M16, CODE(0x66, 0x0f, 0xbf, 0x07),
	  .want = { .len = 4, LDX(2, 0, 4, SIGN), A2 } },
	{ "rep stos %al,%es:(%di)", M16, CODE(0xf3, 0xaa),
	  .want = { .len = 2, STOS_DS(1), REP, A2 } },
	{ "rep stos %eax,%es:(%edi)", M16, CODE(0x66, 0x67, 0xf3, 0xab),
	  .want = { .len = 4, STOS_DS(4), REP, A4 } },
	{ "stos %ax,%es:(%di)", M16, CODE(0xab), .want = { .len = 1, STOS_DS(2), A2 } },
	{ "rep movsw %ds:(%si),%es:(%di)", M16, CODE(0xf3, 0xa5),
	  .want = { .len = 2, MOVS(2, DS), REP, A2 } },
	{ "movsb %es:(%si),%es:(%di)", M16, CODE(0x26, 0xa4),
	  .want = { .len = 2, MOVS(1, ES), A2 } },
	{ "xchg %ax,(%bx)", M16, CODE(0x87, 0x07), .want = { .len = 2, XCHG(2, 0), A2 } },
	{ "lock xchg %dh,(%bx)", M16, CODE(0xf0, 0x86, 0x37),
	  .want = { .len = 3, XCHG(1, 2), HI, A2 } },

	/* Prefix combinations: a REX counts only right before the opcode */
	{ "rex.W data16 mov %ax,(%rax)", M64, CODE(0x48, 0x66, 0x89, 0x00),
	  .want = { .len = 4, ST(2, 0), A8 } },
	{ "data16 rex.W mov %rax,(%rax)", M64, CODE(0x66, 0x48, 0x89, 0x00),
	  .want = { .len = 4, ST(8, 0), A8 } },
	{ "rex data16 mov %ah,(%rax)", M64, CODE(0x40, 0x66, 0x88, 0x20),
	  .want = { .len = 4, ST(1, 0), HI, A8 } },
	{ "rex.R fs mov %eax,%fs:(%rax)", M64, CODE(0x44, 0x64, 0x89, 0x00),
	  .want = { .len = 4, ST(4, 0), A8 } },
	{ "rex.W rex.B mov %eax,(%r8)", M64, CODE(0x48, 0x41, 0x89, 0x00),
	  .want = { .len = 4, ST(4, 0), A8 } },
	{ "rex.B rex.W mov %rcx,(%rax)", M64, CODE(0x41, 0x48, 0x89, 0x08),
	  .want = { .len = 4, ST(8, 1), A8 } },
	{ "rex.W lock xchg %eax,(%rax)", M64, CODE(0x48, 0xf0, 0x87, 0x00),
	  .want = { .len = 4, XCHG(4, 0), A8 } },
	{ "cs ss ds es fs gs mov %eax,%gs:(%rax)", M64,
	  CODE(0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x89, 0x00),
	  .want = { .len = 8, ST(4, 0), A8 } },
	{ "mov %eax,%fs:(%rax)", M64, CODE(0x64, 0x89, 0x00), .want = { .len = 3, ST(4, 0), A8 } },
	{ "mov %gs:(%rax),%rax", M64, CODE(0x65, 0x48, 0x8b, 0x00),
	  .want = { .len = 4, LD(8, 0), A8 } },
	{ "data16 mov %ax,(%rax)", M64, CODE(0x66, 0x66, 0x89, 0x00),
	  .want = { .len = 4, ST(2, 0), A8 } },
	{ "movw $0x1234,(%eax)", M64, CODE(0x67, 0x66, 0xc7, 0x00, 0x34, 0x12),
	  .want = { .len = 6, IMM(2, 0x1234), A4 } },

	/* Exactly 15 bytes */
	{ "cs x8 mov 0x1000(%rsp),%eax", M64,
	  CODE(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	       0x8b, 0x84, 0x24, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 15, LD(4, 0), A8 } },
	{ "data16 x13 mov %ax,(%rax)", M64,
	  CODE(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x89, 0x00),
	  .want = { .len = 15, ST(2, 0), A8 } },
	{ "ds x4 movl $0x1,0x1000(%esp)", M32,
	  CODE(0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x84, 0x24, 0x00, 0x10, 0x00, 0x00,
	       0x01, 0x00, 0x00, 0x00),
	  .want = { .len = 15, IMM(4, 1), A4 } },
	{ "fs gs ds movq $-1,0x12345678(%rax,%rcx,4)", M64,
	  CODE(0x64, 0x65, 0x3e,
	       0x48, 0xc7, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff),
	  .want = { .len = 15, IMM(8, ~0ULL), A8 } },
};

static const struct vector err_vectors[] = {
	/* Register operands: no memory access */
	{ "mov %eax,%eax", M64, CODE(0x89, 0xc0), .err = -EINVAL },
	{ "mov %ecx,%eax", M64, CODE(0x8b, 0xc1), .err = -EINVAL },
	{ "mov %ah,%al", M32, CODE(0x88, 0xe0), .err = -EINVAL },
	{ "mov $0x12,%al", M64, CODE(0xc6, 0xc0, 0x12), .err = -EINVAL },
	{ "mov $0x1,%eax", M64, CODE(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00), .err = -EINVAL },
	{ "movzbl %al,%eax", M64, CODE(0x0f, 0xb6, 0xc0), .err = -EINVAL },
	{ "movswl %ax,%eax", M16, CODE(0x0f, 0xbf, 0xc0), .err = -EINVAL },
	{ "movslq %eax,%rax", M64, CODE(0x48, 0x63, 0xc0), .err = -EINVAL },
	{ "xchg %al,%al", M64, CODE(0x86, 0xc0), .err = -EINVAL },
	{ "xchg %ecx,%eax", M64, CODE(0x87, 0xc8), .err = -EINVAL },
	{ "xabort $0x0", M64, CODE(0xc6, 0xf8, 0x00), .err = -EINVAL },
	{ "xbegin", M64, CODE(0xc7, 0xf8, 0x00, 0x00, 0x00, 0x00), .err = -EINVAL },

	/* LOCK is #UD but on XCHG */
	{ "lock mov %eax,(%rax)", M64, CODE(0xf0, 0x89, 0x00), .err = -EINVAL },
	{ "lock mov (%rax),%eax", M32, CODE(0xf0, 0x8b, 0x00), .err = -EINVAL },
	{ "lock movb $0x12,(%rax)", M64, CODE(0xf0, 0xc6, 0x00, 0x12), .err = -EINVAL },
	{ "lock stos %eax,%es:(%rdi)", M64, CODE(0xf0, 0xab), .err = -EINVAL },
	{ "lock movzbl (%rax),%eax", M64, CODE(0xf0, 0x0f, 0xb6, 0x00), .err = -EINVAL },
	{ "lock mov 0x1234,%ax", M16, CODE(0xf0, 0xa1, 0x34, 0x12), .err = -EINVAL },
	{ "lock xchg %eax,%eax", M64, CODE(0xf0, 0x87, 0xc0), .err = -EINVAL },

	/* More than 15 bytes */
	{ "cs x9 mov 0x1000(%rsp),%eax", M64,
	  CODE(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	       0x8b, 0x84, 0x24, 0x00, 0x10, 0x00, 0x00),
	  .err = -E2BIG },
	{ "data16 x14 mov %ax,(%rax)", M64,
	  CODE(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x89, 0x00),
	  .err = -E2BIG },
	{ "data16 x15", M64,
	  CODE(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x66),
	  .err = -E2BIG },
	{ "rex.W x15", M64,
	  CODE(0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48,
	       0x48, 0x48),
	  .err = -E2BIG },
	{ "ds x5 movl $0x1,0x1000(%esp)", M32,
	  CODE(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x84, 0x24, 0x00, 0x10, 0x00, 0x00,
	       0x01, 0x00, 0x00, 0x00),
	  .err = -E2BIG },

	/* REP/REPNE outside string instructions, REPNE on them */
	{ "rep mov %eax,(%rax)", M64, CODE(0xf3, 0x89, 0x00), .err = -EOPNOTSUPP },
	{ "xacquire mov %eax,(%rax)", M64, CODE(0xf2, 0x89, 0x00), .err = -EOPNOTSUPP },
	{ "xrelease movb $0x12,(%rax)", M64, CODE(0xf3, 0xc6, 0x00, 0x12), .err = -EOPNOTSUPP },
	{ "xacquire lock xchg %eax,(%rax)", M64, CODE(0xf2, 0xf0, 0x87, 0x00),
	  .err = -EOPNOTSUPP },
	{ "repnz stos %eax,%es:(%rdi)", M64, CODE(0xf2, 0xab), .err = -EOPNOTSUPP },
	{ "repnz rep stos %eax,%es:(%rdi)", M64, CODE(0xf2, 0xf3, 0xab), .err = -EOPNOTSUPP },
	{ "repnz movsb", M32, CODE(0xf2, 0xa4), .err = -EOPNOTSUPP },
	{ "repz movzbl (%rax),%eax", M64, CODE(0xf3, 0x0f, 0xb6, 0x00), .err = -EOPNOTSUPP },
	{ "popcnt (%rax),%eax", M64, CODE(0xf3, 0x0f, 0xb8, 0x00), .err = -EOPNOTSUPP },

	/* Guesses refused */
	{ "movsb %fs:(%rsi) %gs:(%rsi)", M64, CODE(0x64, 0x65, 0xa4), .err = -EOPNOTSUPP },
	{ "movsxd (%rax),%ax", M64, CODE(0x66, 0x63, 0x00), .err = -EOPNOTSUPP },
	{ "movb (C6 /1)", M64, CODE(0xc6, 0x08, 0x12), .err = -EOPNOTSUPP },
	{ "movl (C7 /7)", M64, CODE(0xc7, 0x38, 0x01, 0x00, 0x00, 0x00), .err = -EOPNOTSUPP },

	/* Not MOVSXD or REX outside 64-bit mode */
	{ "arpl %ax,(%eax)", M32, CODE(0x63, 0x00), .err = -EOPNOTSUPP },
	{ "arpl %ax,(%bx)", M16, CODE(0x63, 0x07), .err = -EOPNOTSUPP },
	{ "inc %eax; mov %eax,(%eax)", M32, CODE(0x40, 0x89, 0x00), .err = -EOPNOTSUPP },
	{ "dec %ax; mov %ax,(%bx)", M16, CODE(0x48, 0x89, 0x07), .err = -EOPNOTSUPP },

	/* VEX, EVEX, SSE, other maps */
	{ "vmovups (%rax),%xmm0", M64, CODE(0xc5, 0xf8, 0x10, 0x00), .err = -EOPNOTSUPP },
	{ "vpbroadcastb (%rax),%xmm0", M64, CODE(0xc4, 0xe2, 0x79, 0x78, 0x00),
	  .err = -EOPNOTSUPP },
	{ "lds (%eax),%eax", M32, CODE(0xc5, 0x00), .err = -EOPNOTSUPP },
	{ "les (%eax),%eax", M32, CODE(0xc4, 0x00), .err = -EOPNOTSUPP },
	{ "vmovups (%rax),%zmm0", M64, CODE(0x62, 0xf1, 0x7c, 0x48, 0x10, 0x00),
	  .err = -EOPNOTSUPP },
	{ "movups (%rax),%xmm0", M64, CODE(0x0f, 0x10, 0x00), .err = -EOPNOTSUPP },
	{ "movdqa (%rax),%xmm0", M64, CODE(0x66, 0x0f, 0x6f, 0x00), .err = -EOPNOTSUPP },
	{ "movq (%rax),%xmm0", M64, CODE(0xf3, 0x0f, 0x7e, 0x00), .err = -EOPNOTSUPP },
	{ "movnti %eax,(%rax)", M64, CODE(0x0f, 0xc3, 0x00), .err = -EOPNOTSUPP },
	{ "movbe (%rax),%eax", M64, CODE(0x0f, 0x38, 0xf0, 0x00), .err = -EOPNOTSUPP },
	{ "cmpxchg %ecx,(%rax)", M64, CODE(0x0f, 0xb1, 0x08), .err = -EOPNOTSUPP },
	{ "xadd %eax,(%rax)", M64, CODE(0x0f, 0xc1, 0x00), .err = -EOPNOTSUPP },
	{ "bt %eax,(%rax)", M64, CODE(0x0f, 0xa3, 0x00), .err = -EOPNOTSUPP },

	/* ALU and other memory instructions */
	{ "add %eax,(%rax)", M64, CODE(0x01, 0x00), .err = -EOPNOTSUPP },
	{ "or (%rax),%eax", M64, CODE(0x0b, 0x00), .err = -EOPNOTSUPP },
	{ "and %eax,(%rax)", M64, CODE(0x21, 0x00), .err = -EOPNOTSUPP },
	{ "sub %eax,(%rax)", M64, CODE(0x29, 0x00), .err = -EOPNOTSUPP },
	{ "xor %eax,(%rax)", M64, CODE(0x31, 0x00), .err = -EOPNOTSUPP },
	{ "cmp %eax,(%rax)", M64, CODE(0x39, 0x00), .err = -EOPNOTSUPP },
	{ "cmpb $0x0,(%rax)", M64, CODE(0x80, 0x38, 0x00), .err = -EOPNOTSUPP },
	{ "orl $0x1,(%rax)", M64, CODE(0x83, 0x08, 0x01), .err = -EOPNOTSUPP },
	{ "lock addl $0x1,(%rax)", M64, CODE(0xf0, 0x83, 0x00, 0x01), .err = -EOPNOTSUPP },
	{ "test %eax,(%rax)", M64, CODE(0x85, 0x00), .err = -EOPNOTSUPP },
	{ "testl $0x1,(%rax)", M64, CODE(0xf7, 0x00, 0x01, 0x00, 0x00, 0x00), .err = -EOPNOTSUPP },
	{ "incl (%rax)", M64, CODE(0xff, 0x00), .err = -EOPNOTSUPP },
	{ "push (%rax)", M64, CODE(0xff, 0x30), .err = -EOPNOTSUPP },
	{ "pop (%rax)", M64, CODE(0x8f, 0x00), .err = -EOPNOTSUPP },
	{ "mov %es,(%rax)", M64, CODE(0x8c, 0x00), .err = -EOPNOTSUPP },
	{ "mov (%rax),%es", M64, CODE(0x8e, 0x00), .err = -EOPNOTSUPP },
	{ "lods %ds:(%rsi),%al", M64, CODE(0xac), .err = -EOPNOTSUPP },
	{ "cmpsb %es:(%rdi),%ds:(%rsi)", M64, CODE(0xa6), .err = -EOPNOTSUPP },
	{ "scas %es:(%rdi),%al", M64, CODE(0xae), .err = -EOPNOTSUPP },
	{ "insb (%dx),%es:(%rdi)", M64, CODE(0x6c), .err = -EOPNOTSUPP },
	{ "nop", M64, CODE(0x90), .err = -EOPNOTSUPP },
};

static const char *const mode_names[] = { "16", "32", "64" };

static void describe(const struct vector *v, unsigned int given)
{
	unsigned int i;

	print_message("vector \"%s\" (%s-bit, %u of %u bytes):", v->text, mode_names[v->mode],
		      given, v->n);
	for (i = 0; i < v->n; i++)
		print_message(" %02x", v->code[i]);
	print_message("\n");
}

/*
 * Decodes the first @given bytes of @v from a heap copy of exactly that
 * size, so that ASan catches any read past the length the decoder got.
 * No bytes is NULL: ASan makes malloc(0) one byte long.
 */
static int decode_exact(const struct vector *v, unsigned int given, struct x86_mmio_insn *insn)
{
	u8 *copy = given ? malloc(given) : NULL;
	int err;

	if (given) {
		assert_non_null(copy);
		memcpy(copy, v->code, given);
	}
	err = x86_decode_mmio(copy, given, v->mode, insn);
	free(copy);
	return err;
}

static void assert_insn_equal(const struct vector *v, const struct x86_mmio_insn *got,
			      const struct x86_mmio_insn *want)
{
#define CHECK(field)								\
	do {									\
		if (got->field != want->field) {				\
			describe(v, v->n);					\
			fail_msg(#field ": got %llu, want %llu",		\
				 (unsigned long long)got->field,			\
				 (unsigned long long)want->field);		\
		}								\
	} while (0)
	CHECK(len);
	CHECK(op);
	CHECK(size);
	CHECK(reg);
	CHECK(high_byte);
	CHECK(reg_size);
	CHECK(ext);
	CHECK(addr_size);
	CHECK(rep);
	CHECK(src_seg);
	CHECK(imm);
#undef CHECK
}

static void test_decodes_every_vector(void **state)
{
	struct x86_mmio_insn got;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok_vectors); i++) {
		const struct vector *v = &ok_vectors[i];
		int err;

		/* A vector must be exactly its instruction: len checks the table too. */
		assert_int_equal(v->want.len, v->n);
		memset(&got, 0xa5, sizeof(got));
		err = decode_exact(v, v->n, &got);
		if (err) {
			describe(v, v->n);
			fail_msg("got %d (%s)", err, x86_decode_err_name(err));
		}
		assert_insn_equal(v, &got, &v->want);
	}
}

/* Bytes after the instruction (the next one, page contents) change nothing. */
static void test_trailing_bytes_ignored(void **state)
{
	struct x86_mmio_insn got;
	struct vector padded;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok_vectors); i++) {
		padded = ok_vectors[i];
		memset(padded.code + padded.n, 0x0f, sizeof(padded.code) - padded.n);
		padded.n = sizeof(padded.code);
		assert_int_equal(decode_exact(&padded, padded.n, &got), 0);
		assert_insn_equal(&padded, &got, &ok_vectors[i].want);
	}
}

static void test_refuses_every_err_vector(void **state)
{
	struct x86_mmio_insn got, untouched;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(err_vectors); i++) {
		const struct vector *v = &err_vectors[i];
		int err;

		memset(&got, 0xa5, sizeof(got));
		memset(&untouched, 0xa5, sizeof(untouched));
		err = decode_exact(v, v->n, &got);
		if (err != v->err) {
			describe(v, v->n);
			fail_msg("got %d (%s), want %d (%s)", err, x86_decode_err_name(err),
				 v->err, x86_decode_err_name(v->err));
		}
		/* On error the output is left alone. */
		assert_memory_equal(&got, &untouched, sizeof(got));
	}
}

/*
 * Every cut point of a valid instruction says "need more bytes" and
 * nothing else; an invalid one says it, or its own error once enough of
 * it is there to decide. Each cut is an exact-size heap copy.
 */
static void check_cuts(const struct vector *v, int final)
{
	struct x86_mmio_insn got, untouched;
	unsigned int k;

	for (k = 0; k < v->n; k++) {
		int err;

		memset(&got, 0x5a, sizeof(got));
		memset(&untouched, 0x5a, sizeof(untouched));
		err = decode_exact(v, k, &got);
		if (err != -EAGAIN && (final == 0 || err != final)) {
			describe(v, k);
			fail_msg("cut at %u: got %d (%s)", k, err, x86_decode_err_name(err));
		}
		assert_memory_equal(&got, &untouched, sizeof(got));
	}
}

static void test_truncated_needs_more_bytes(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok_vectors); i++)
		check_cuts(&ok_vectors[i], 0);
	for (i = 0; i < ARRAY_SIZE(err_vectors); i++)
		check_cuts(&err_vectors[i], err_vectors[i].err);
}

static bool is_prefix(u8 byte, u8 mode)
{
	static const u8 legacy[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e,
				     0x64, 0x65 };

	if (mode == X86_MODE_64 && (byte & 0xf0) == 0x40)
		return true;
	return memchr(legacy, byte, sizeof(legacy)) != NULL;
}

/* The opcode of a vector, 0x0fXX in the two-byte map. */
static unsigned int vector_opcode(const struct vector *v)
{
	unsigned int i = 0;

	while (i < v->n && is_prefix(v->code[i], v->mode))
		i++;
	assert_true(i < v->n);
	if (v->code[i] != 0x0f)
		return v->code[i];
	assert_true(i + 1 < v->n);
	return 0x0f00 | v->code[i + 1];
}

static bool has_vector(unsigned int mode, unsigned int opcode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok_vectors); i++)
		if (ok_vectors[i].mode == mode && vector_opcode(&ok_vectors[i]) == opcode)
			return true;
	return false;
}

/* Whether @opcode (0x0fXX: two-byte map) decodes with ModRM 00 and zeros after. */
static bool decoder_accepts(unsigned int mode, unsigned int opcode)
{
	u8 probe[X86_MAX_INSN_LEN] = { 0 };
	struct x86_mmio_insn insn;

	if (opcode < 0x100 && (opcode == 0x0f || is_prefix((u8)opcode, (u8)mode)))
		return false;
	if (opcode < 0x100) {
		probe[0] = (u8)opcode;
	} else {
		probe[0] = 0x0f;
		probe[1] = (u8)opcode;
	}
	return x86_decode_mmio(probe, sizeof(probe), mode, &insn) == 0;
}

/*
 * Every opcode the decoder accepts, in every mode where it accepts it,
 * is exercised by at least one vector: a table row is only as good as its
 * test. Probing all 512 opcodes of both maps finds a new row without
 * vectors, with no access to the decoder's table.
 */
static void test_every_opcode_in_every_mode(void **state)
{
	unsigned int n, opcode, m, supported = 0, missing = 0;

	for (m = X86_MODE_16; m <= X86_MODE_64; m++) {
		for (n = 0; n < 0x200; n++) {
			opcode = n < 0x100 ? n : 0x0f00 | (n & 0xff);
			if (!decoder_accepts(m, opcode))
				continue;
			supported++;
			if (has_vector(m, opcode))
				continue;
			print_message("opcode %x has no %s-bit vector\n", opcode, mode_names[m]);
			missing++;
		}
	}
	/* 21 rows: 20 in every mode and MOVSXD in 64-bit mode only. */
	assert_int_equal(supported, 20 + 20 + 21);
	assert_int_equal(missing, 0);
}

static void test_bad_mode_and_empty(void **state)
{
	static const u8 mov[] = { 0x89, 0x00 };
	struct x86_mmio_insn got;

	assert_int_equal(x86_decode_mmio(mov, sizeof(mov), (enum x86_cpu_mode)3, &got), -EINVAL);
	assert_int_equal(x86_decode_mmio(NULL, 0, X86_MODE_64, &got), -EAGAIN);
	/* More than 15 bytes given: the rest is never looked at. */
	{
		u8 many[64];

		memset(many, 0x66, sizeof(many));
		assert_int_equal(x86_decode_mmio(many, sizeof(many), X86_MODE_64, &got), -E2BIG);
	}
}

/* How load results reach the register, and what stores write. */
struct data_vector {
	const char *text;
	u8 mode;
	u8 n;
	u8 code[16];
	u64 reg;		/* the register's value before */
	u64 mmio;		/* what the MMIO read returned (garbage above size) */
	u64 load;		/* the register afterwards, for loads and XCHG */
	u64 store;		/* what is written, for stores and XCHG */
};

#define OLD	0x1122334455667788ULL

static const struct data_vector data_vectors[] = {
	{ "mov (%rax),%al", M64, CODE(0x8a, 0x00), OLD, 0xffffffab, .load = 0x11223344556677abULL },
	{ "mov (%rax),%ah", M64, CODE(0x8a, 0x20), OLD, 0xab, .load = 0x112233445566ab88ULL },
	{ "mov (%rax),%ax", M64, CODE(0x66, 0x8b, 0x00), OLD, 0x1beef,
	  .load = 0x112233445566beefULL },
	{ "mov (%rax),%eax", M64, CODE(0x8b, 0x00), OLD, 0xff89abcdefULL,
	  .load = 0x89abcdefULL },
	{ "mov (%rax),%eax", M32, CODE(0x8b, 0x00), OLD, 0x89abcdef, .load = 0x89abcdefULL },
	{ "mov (%rax),%rax", M64, CODE(0x48, 0x8b, 0x00), OLD, 0xfedcba9876543210ULL,
	  .load = 0xfedcba9876543210ULL },
	{ "movzbl (%rax),%eax", M64, CODE(0x0f, 0xb6, 0x00), OLD, 0x180, .load = 0x80 },
	{ "movzbw (%rax),%ax", M64, CODE(0x66, 0x0f, 0xb6, 0x00), OLD, 0x80,
	  .load = 0x1122334455660080ULL },
	{ "movzwq (%rax),%rax", M64, CODE(0x48, 0x0f, 0xb7, 0x00), OLD, 0xffff8000,
	  .load = 0x8000 },
	{ "movsbl (%rax),%eax", M64, CODE(0x0f, 0xbe, 0x00), OLD, 0x80, .load = 0xffffff80ULL },
	{ "movsbl (%rax),%eax (positive)", M64, CODE(0x0f, 0xbe, 0x00), OLD, 0x7f, .load = 0x7f },
	{ "movsbq (%rax),%rax", M64, CODE(0x48, 0x0f, 0xbe, 0x00), OLD, 0x80,
	  .load = 0xffffffffffffff80ULL },
	{ "movsbw (%rax),%ax", M64, CODE(0x66, 0x0f, 0xbe, 0x00), OLD, 0x80,
	  .load = 0x112233445566ff80ULL },
	{ "movswl (%rax),%eax", M64, CODE(0x0f, 0xbf, 0x00), OLD, 0x8000, .load = 0xffff8000ULL },
	{ "movswq (%rax),%rax", M64, CODE(0x48, 0x0f, 0xbf, 0x00), OLD, 0x8000,
	  .load = 0xffffffffffff8000ULL },
	{ "movslq (%rax),%rax", M64, CODE(0x48, 0x63, 0x00), OLD, 0x80000000,
	  .load = 0xffffffff80000000ULL },
	{ "movslq (%rax),%rax (positive)", M64, CODE(0x48, 0x63, 0x00), OLD, 0x7fffffff,
	  .load = 0x7fffffff },
	{ "movsxd (%rax),%eax", M64, CODE(0x63, 0x00), OLD, 0x80000000, .load = 0x80000000 },
	{ "mov %al,(%rax)", M64, CODE(0x88, 0x00), OLD, .store = 0x88 },
	{ "mov %ah,(%rax)", M64, CODE(0x88, 0x20), OLD, .store = 0x77 },
	{ "mov %ax,(%rax)", M64, CODE(0x66, 0x89, 0x00), OLD, .store = 0x7788 },
	{ "mov %eax,(%rax)", M64, CODE(0x89, 0x00), OLD, .store = 0x55667788 },
	{ "mov %rax,(%rax)", M64, CODE(0x48, 0x89, 0x00), OLD, .store = OLD },
	{ "movb $0x12,(%rax)", M64, CODE(0xc6, 0x00, 0x12), OLD, .store = 0x12 },
	{ "movq $-0x80000000,(%rax)", M64, CODE(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80), OLD,
	  .store = 0xffffffff80000000ULL },
	{ "movw $0xffff,(%bx)", M16, CODE(0xc7, 0x07, 0xff, 0xff), OLD, .store = 0xffff },
	{ "stos %ax,%es:(%rdi)", M64, CODE(0x66, 0xab), OLD, .store = 0x7788 },
	{ "xchg %ah,(%rax)", M64, CODE(0x86, 0x20), OLD, 0xab, .load = 0x112233445566ab88ULL,
	  .store = 0x77 },
	{ "xchg %ax,(%bx)", M16, CODE(0x87, 0x07), OLD, 0xbeef, .load = 0x112233445566beefULL,
	  .store = 0x7788 },
};

static void test_load_and_store_values(void **state)
{
	struct x86_mmio_insn insn;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(data_vectors); i++) {
		const struct data_vector *d = &data_vectors[i];
		bool loads, stores;

		assert_int_equal(x86_decode_mmio(d->code, d->n, d->mode, &insn), 0);
		loads = insn.op == X86_MMIO_LOAD || insn.op == X86_MMIO_XCHG;
		stores = insn.op != X86_MMIO_LOAD;
		if (loads && x86_mmio_load_result(&insn, d->reg, d->mmio) != d->load)
			fail_msg("%s: load gives %llx, want %llx", d->text,
				 x86_mmio_load_result(&insn, d->reg, d->mmio), d->load);
		if (stores && x86_mmio_store_data(&insn, d->reg) != d->store)
			fail_msg("%s: store writes %llx, want %llx", d->text,
				 x86_mmio_store_data(&insn, d->reg), d->store);
	}
}

static void test_cpu_mode(void **state)
{
	assert_int_equal(x86_cpu_mode(true, true, false), X86_MODE_64);
	/* CS.D is ignored in 64-bit mode; L+D is reserved there. */
	assert_int_equal(x86_cpu_mode(true, true, true), X86_MODE_64);
	assert_int_equal(x86_cpu_mode(true, false, true), X86_MODE_32);
	assert_int_equal(x86_cpu_mode(true, false, false), X86_MODE_16);
	/* Outside long mode, CS.L means nothing. */
	assert_int_equal(x86_cpu_mode(false, true, true), X86_MODE_32);
	assert_int_equal(x86_cpu_mode(false, true, false), X86_MODE_16);
	assert_int_equal(x86_cpu_mode(false, false, false), X86_MODE_16);
}

static void test_names(void **state)
{
	static const int errs[] = { -EAGAIN, -E2BIG, -EINVAL, -EOPNOTSUPP };
	unsigned int i, j;

	assert_string_equal(x86_mmio_op_name(X86_MMIO_LOAD), "load");
	assert_string_equal(x86_mmio_op_name(X86_MMIO_STORE), "store");
	assert_string_equal(x86_mmio_op_name(X86_MMIO_STORE_IMM), "store-imm");
	assert_string_equal(x86_mmio_op_name(X86_MMIO_STOS), "stos");
	assert_string_equal(x86_mmio_op_name(X86_MMIO_MOVS), "movs");
	assert_string_equal(x86_mmio_op_name(X86_MMIO_XCHG), "xchg");
	assert_string_equal(x86_mmio_op_name(6), "?");
	assert_string_equal(x86_decode_err_name(0), "ok");
	assert_string_equal(x86_decode_err_name(-EAGAIN), "need more bytes");
	assert_string_equal(x86_decode_err_name(-ENOMEM), "?");
	for (i = 0; i < ARRAY_SIZE(errs); i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(x86_decode_err_name(errs[i]),
						x86_decode_err_name(errs[j]));
}

/* x86_insn_length(): the instructions an SVM intercept reports at RIP, prefixed and not. */
struct length_vector {
	const char *what;
	enum x86_cpu_mode mode;
	u8 n;
	u8 code[15];
	int err;		/* 0: the length is n */
};

#define LEN(w, m, ...)	{ w, m, CODE(__VA_ARGS__), 0 }
#define LEN_ERR(w, m, e, ...) { w, m, CODE(__VA_ARGS__), e }

static const struct length_vector length_vectors[] = {
	LEN("cpuid", M64, 0x0f, 0xa2),
	LEN("cs cpuid", M64, 0x2e, 0x0f, 0xa2),
	LEN("ds hlt", M64, 0x3e, 0xf4),
	LEN("rex.w rdmsr", M64, 0x48, 0x0f, 0x32),
	LEN("66 67 cs wrmsr", M32, 0x66, 0x67, 0x2e, 0x0f, 0x30),
	LEN("rdtsc", M16, 0x0f, 0x31),
	LEN("rdpmc", M64, 0x0f, 0x33),
	LEN("pause", M64, 0xf3, 0x90),
	LEN("invd", M64, 0x0f, 0x08),
	LEN("wbinvd", M64, 0x0f, 0x09),
	LEN("vmrun", M64, 0x0f, 0x01, 0xd8),
	LEN("cs vmmcall", M64, 0x2e, 0x0f, 0x01, 0xd9),
	LEN("vmload", M32, 0x0f, 0x01, 0xda),
	LEN("vmsave", M64, 0x0f, 0x01, 0xdb),
	LEN("stgi", M64, 0x0f, 0x01, 0xdc),
	LEN("clgi", M64, 0x0f, 0x01, 0xdd),
	LEN("skinit", M64, 0x0f, 0x01, 0xde),
	LEN("invlpga", M64, 0x0f, 0x01, 0xdf),
	LEN("xsetbv", M64, 0x0f, 0x01, 0xd1),
	LEN("monitor", M64, 0x0f, 0x01, 0xc8),
	LEN("rdtscp", M64, 0x0f, 0x01, 0xf9),
	LEN("invlpg (%rax)", M64, 0x0f, 0x01, 0x38),
	LEN("invlpg disp32(%rip)", M64, 0x0f, 0x01, 0x3d, 1, 2, 3, 4),
	LEN("invlpg (%esp) sib", M32, 0x0f, 0x01, 0x3c, 0x24),
	LEN("invlpg disp16 (67 in 32-bit)", M32, 0x67, 0x0f, 0x01, 0x3e, 0x34, 0x12),
	LEN("sidt disp32(%rax)", M64, 0x2e, 0x0f, 0x01, 0x88, 0, 0, 0, 0),
	LEN("lmsw %ax", M64, 0x0f, 0x01, 0xf0),
	LEN("smsw disp8(%rbx)", M64, 0x0f, 0x01, 0x63, 0x10),
	LEN("mov %cr3, %r8", M64, 0x41, 0x0f, 0x20, 0xd8),
	LEN("mov %rax, %cr0 (mod ignored)", M64, 0x0f, 0x22, 0x00),
	LEN("mov %dr7, %rax", M64, 0x0f, 0x21, 0xf8),
	LEN("mov %rax, %dr7", M64, 0x0f, 0x23, 0xf8),
	LEN("clts", M64, 0x0f, 0x06),
	LEN("lldt disp8", M64, 0x0f, 0x00, 0x50, 0x08),
	LEN("int3", M64, 0xcc),
	LEN("int $0x80", M64, 0xcd, 0x80),
	LEN("into (32-bit)", M32, 0xce),
	LEN("bound (32-bit)", M32, 0x62, 0x03),
	LEN("pushf", M64, 0x9c),
	LEN("popf", M64, 0x9d),
	LEN("iretq", M64, 0x48, 0xcf),
	LEN("icebp", M64, 0xf1),
	LEN("rsm", M64, 0x0f, 0xaa),
	LEN_ERR("into (64-bit)", M64, -EOPNOTSUPP, 0xce),
	LEN_ERR("62 is EVEX in 64-bit mode", M64, -EOPNOTSUPP, 0x62, 0x03),
	LEN_ERR("mov (not an intercept)", M64, -EOPNOTSUPP, 0x89, 0x00),
	LEN_ERR("truncated invlpg", M64, -EAGAIN, 0x0f, 0x01, 0x3d, 1, 2),
	LEN_ERR("15 prefixes then cpuid", M64, -E2BIG, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
		0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x0f),
};

static void test_insn_length(void **state)
{
	unsigned int i;
	int err;
	u8 len;

	for (i = 0; i < ARRAY_SIZE(length_vectors); i++) {
		const struct length_vector *v = &length_vectors[i];

		len = 0;
		err = x86_insn_length(v->code, v->n, v->mode, &len);
		if (err != v->err || (!err && len != v->n))
			fail_msg("%s: err %d length %u, want err %d length %u", v->what, err, len,
				 v->err, v->n);
	}
	assert_int_equal(x86_insn_length(length_vectors[0].code, 2, 3, &len), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decodes_every_vector),
		cmocka_unit_test(test_trailing_bytes_ignored),
		cmocka_unit_test(test_refuses_every_err_vector),
		cmocka_unit_test(test_truncated_needs_more_bytes),
		cmocka_unit_test(test_every_opcode_in_every_mode),
		cmocka_unit_test(test_bad_mode_and_empty),
		cmocka_unit_test(test_load_and_store_values),
		cmocka_unit_test(test_cpu_mode),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_insn_length),
	};

	print_message("x86 decode: %zu valid vectors, %zu refused, %zu data\n",
		      ARRAY_SIZE(ok_vectors), ARRAY_SIZE(err_vectors), ARRAY_SIZE(data_vectors));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
