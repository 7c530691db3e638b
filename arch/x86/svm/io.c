/*
 * IOIO exits: see asm/svm_io.h. The flow is the same for every form:
 * the value an OUT writes (RAX, or for OUTS the element at seg:rSI), the
 * access itself (in place, or an exit to the VMM and back through
 * svm_complete_io()), then what an IN does with its value (RAX, or for
 * INS the element at ES:rDI) and the index, count and RIP updates.
 */
#include <asm/cpu.h>
#include <asm/gwalk.h>
#include <asm/svm.h>
#include <asm/svm_guest_mem.h>
#include <asm/svm_io.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>

#define X86_VEC_PF		14
#define IOIO_SEG_MASK		7
#define IOIO_SIZE_BITS		(IOIO_SZ8 | IOIO_SZ16 | IOIO_SZ32)
#define IOIO_ADDR_BITS		(IOIO_A16 | IOIO_A32 | IOIO_A64)

static u64 width_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : BIT(bytes * 8) - 1;
}

int svm_ioio_decode(u64 info1, u64 info2, bool decode_assists, struct svm_ioio *io)
{
	static const u8 sizes[] = { [1] = 1, [2] = 2, [4] = 4 };
	static const u8 addr_sizes[] = { [1] = 2, [2] = 4, [4] = 8 };
	u64 sz = (info1 & IOIO_SIZE_BITS) >> 4, as = (info1 & IOIO_ADDR_BITS) >> 7;

	if (sz >= ARRAY_SIZE(sizes) || !sizes[sz])
		return -EINVAL;
	*io = (struct svm_ioio){
		.port = (u16)(info1 >> IOIO_PORT_SHIFT),
		.size = sizes[sz],
		.in = info1 & IOIO_TYPE_IN,
		.string = info1 & IOIO_STR,
		.rep = info1 & IOIO_REP,
		.seg = (info1 >> IOIO_SEG_SHIFT) & IOIO_SEG_MASK,
		.seg_valid = decode_assists,
		.next_rip = info2,
	};
	if (!io->string)
		return 0;
	/* QEMU's TCG reports no address size at all: 0 leaves it to the instruction. */
	if (!as)
		return io->seg > X86_SEG_GS ? -EINVAL : 0;
	if (as >= ARRAY_SIZE(addr_sizes) || !addr_sizes[as] || io->seg > X86_SEG_GS)
		return -EINVAL;
	io->addr_size = addr_sizes[as];
	return 0;
}

static void inject_page_fault(struct svm_vcpu *sv, u64 la, u32 error)
{
	sv->vmcb->save.cr2 = la;
	svm_inject_exception(sv, X86_VEC_PF, true, error);
}

/*
 * A string operand of @size bytes at @la the guest cannot reach faults in
 * the guest (VCPU_RESUME with a #PF injected); one that is not RAM cannot
 * be emulated (-EIO, which the exit handler reports as an internal error).
 * An element that straddles two pages faults on the first page the walk
 * refuses: for the second, CR2 is that page's first byte, as the CPU
 * reports a split access (the bytes before it were never written).
 */
static int string_fault(struct svm_vcpu *sv, int err, u64 la, u32 size, u32 kind)
{
	u64 last = la + size - 1, second = last & ~(PAGE_SIZE - 1), gpa;
	u32 pf = 0;

	if (err != -EFAULT)
		return -EIO;
	if (svm_translate(sv, la, kind, &gpa, &pf) == -EFAULT) {
		inject_page_fault(sv, la, pf);
		return VCPU_RESUME;
	}
	if (second > la && svm_translate(sv, second, kind, &gpa, &pf) == -EFAULT) {
		inject_page_fault(sv, second, pf);
		return VCPU_RESUME;
	}
	return -EIO;
}

/*
 * What the CPU may not report about INS/OUTS, read from the instruction's
 * prefixes: the segment of OUTS (the last override, else DS; only
 * DecodeAssists reports it) and the address size (67 flips the mode's
 * default; QEMU's TCG never reports it).
 */
static int string_prefixes(struct svm_vcpu *sv, struct svm_ioio *io)
{
	static const u8 overrides[256] = {
		[0x26] = X86_SEG_ES + 1, [0x2e] = X86_SEG_CS + 1, [0x36] = X86_SEG_SS + 1,
		[0x3e] = X86_SEG_DS + 1, [0x64] = X86_SEG_FS + 1, [0x65] = X86_SEG_GS + 1,
	};
	static const u8 address_sizes[][2] = {
		[X86_MODE_16] = { 2, 4 }, [X86_MODE_32] = { 4, 2 }, [X86_MODE_64] = { 8, 4 },
	};
	enum x86_cpu_mode mode = svm_cpu_mode(sv->vmcb);
	u8 code[X86_MAX_INSN_LEN], seg = X86_SEG_DS;
	bool a67 = false;
	u32 len, i;

	if (svm_fetch_insn(sv, code, &len))
		return -EIO;
	for (i = 0; i < len; i++) {
		u8 b = code[i];

		if (b >= 0x6c && b <= 0x6f) {
			if (!io->seg_valid)
				io->seg = seg;
			if (!io->addr_size)
				io->addr_size = address_sizes[mode][a67];
			return 0;
		}
		if (overrides[b])
			seg = overrides[b] - 1;
		else if (b == 0x67)
			a67 = true;
		else if (!(b == 0x66 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
			   (mode == X86_MODE_64 && (b & 0xf0) == 0x40)))
			return -EIO;
	}
	return -EIO;
}

/* The value an OUT or OUTS sends: 0, VCPU_RESUME if the guest faults instead, or -EIO. */
static int out_value(struct svm_vcpu *sv, struct svm_ioio *io, u32 *val)
{
	u64 la;
	int err;

	if (!io->string) {
		*val = (u32)(svm_gpr_read(sv, GPR_RAX) & width_mask(io->size));
		return 0;
	}
	la = svm_seg_linear(sv, io->seg,
			    svm_gpr_read(sv, GPR_RSI) & width_mask(io->addr_size));
	*val = 0;
	err = svm_linear_read(sv, la, val, io->size);
	return err ? string_fault(sv, err, la, io->size, 0) : 0;
}

static u64 ins_destination(const struct svm_vcpu *sv, const struct svm_ioio *io)
{
	u64 rdi = svm_gpr_read(sv, GPR_RDI) & width_mask(io->addr_size);

	return svm_seg_linear(sv, X86_SEG_ES, rdi);
}

/*
 * INS checks its destination before the port is read (an exit cannot
 * come back from a completion): a fault or a non-RAM destination is
 * decided now, and the port is not touched.
 */
static int ins_check(struct svm_vcpu *sv, const struct svm_ioio *io)
{
	u64 la = ins_destination(sv, io), gpa;
	u32 pf = 0;
	int err;

	/* The element may straddle a page: both ends must be reachable, and RAM. */
	err = svm_translate(sv, la, GWALK_WRITE, &gpa, &pf);
	if (!err && !vm_gpa_to_hva(sv->vcpu->vm, gpa, 1))
		err = -EIO;
	if (!err)
		err = svm_translate(sv, la + io->size - 1, GWALK_WRITE, &gpa, &pf);
	if (!err && !vm_gpa_to_hva(sv->vcpu->vm, gpa, 1))
		err = -EIO;
	return err ? string_fault(sv, err, la, io->size, GWALK_WRITE) : 0;
}

/* Everything after the access: the IN's destination, the indexes, the count, RIP. */
static int finish_io(struct svm_vcpu *sv, const struct svm_ioio *io, u32 val)
{
	u64 la;
	int err;

	if (io->in && !io->string)
		svm_gpr_write_width(sv, GPR_RAX, val, io->size);
	if (io->in && io->string) {
		la = ins_destination(sv, io);
		err = svm_linear_write(sv, la, &val, io->size);
		if (err)
			return string_fault(sv, err, la, io->size, GWALK_WRITE);
	}
	/* More elements: the instruction runs (and exits) again for the next one. */
	if (io->string && !svm_string_step(sv, BIT(io->in ? GPR_RDI : GPR_RSI), io->size,
					   io->addr_size, io->rep))
		return VCPU_RESUME;
	sv->vmcb->save.rip = io->next_rip;
	sv->vmcb->control.int_state &= ~INT_SHADOW;
	return VCPU_RESUME;
}

int svm_exit_ioio(struct svm_vcpu *sv)
{
	struct svm_ioio *io = &sv->io;
	struct vcpu *vcpu = sv->vcpu;
	u32 val = 0;
	int r;

	if (svm_ioio_decode(sv->vmcb->control.exit_info_1, sv->vmcb->control.exit_info_2,
			    svm_caps.decode_assists, io))
		return svm_internal_error(sv, HV_INTERNAL_ERROR_EMULATION,
					  sv->vmcb->control.exit_info_1, sv->vmcb->save.rip);
	/* INS always writes ES: only OUTS needs the segment. */
	if (io->string && ((!io->in && !io->seg_valid) || !io->addr_size) &&
	    string_prefixes(sv, io))
		return svm_internal_error(sv, HV_INTERNAL_ERROR_EMULATION, io->port,
					  sv->vmcb->save.rip);
	/* REP with a zero count does nothing at all. */
	if (io->rep && !svm_string_count(sv, io->addr_size)) {
		sv->vmcb->save.rip = io->next_rip;
		return VCPU_RESUME;
	}
	r = io->in ? (io->string ? ins_check(sv, io) : 0) : out_value(sv, io, &val);
	if (!r && vplat_may_own(io->port) &&
	    !vplat_io(&sv->svm->plat, vcpu, io->port, io->size, io->in, &val)) {
		/*
		 * The PIT may have been programmed: its timer must be armed
		 * before the guest runs on, or a guest polling the 8259 in
		 * place would wait forever.
		 */
		if (vcpu->id == 0 && vplat_needs_sync(&sv->svm->plat))
			vplat_sync(&sv->svm->plat);
		r = finish_io(sv, io, val);
	}
	if (r < 0)
		return svm_internal_error(sv, HV_INTERNAL_ERROR_EMULATION, io->port,
					  sv->vmcb->save.rip);
	if (r)
		return r;
	vcpu->run.exit_reason = HV_EXIT_IO;
	vcpu->run.io = (struct hv_run_io){
		.direction = io->in ? HV_IO_IN : HV_IO_OUT,
		.size = io->size,
		.port = io->port,
		.count = 1,
		.data = io->in ? 0 : val,
	};
	vcpu->completion = VCPU_COMPLETE_IO;
	return 0;
}

int svm_complete_io(struct svm_vcpu *sv)
{
	struct svm_ioio *io = &sv->io;
	int r = finish_io(sv, io, (u32)(sv->vcpu->run.io.data & width_mask(io->size)));

	/*
	 * ins_check() made sure the destination was RAM; only a guest that
	 * changed its page tables meanwhile (another vCPU) gets here, and an
	 * exit cannot be returned from a completion.
	 */
	return r == VCPU_RESUME ? 0 : -EIO;
}
