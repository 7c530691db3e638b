/*
 * Nested page faults. Guest RAM is mapped in the NPT and never faults, so
 * a #NPF is an access to a guest-physical address that is not RAM:
 *  - a guest page-table walk or an instruction fetch there cannot be
 *    emulated: -EFAULT with HV_EXIT_MEMORY_FAULT (the page, the access);
 *    a fetch is recognized by RIP's own address, as the error code's
 *    I/D bit is only there with EFER.NXE;
 *  - an event delivery (the IDT or the stack not in RAM) neither: an
 *    internal error (HV_INTERNAL_ERROR_DELIVERY);
 *  - otherwise it is a data access of the instruction at RIP: fetched
 *    (DecodeAssists' bytes if the CPU gives them, else through the
 *    guest's page tables), decoded (asm/decode.h), checked against the
 *    fault (a load must have faulted on a read...), then performed: in
 *    place when the hypervisor emulates the address (the vCPU's own
 *    local APIC page, or a VM_REGION_EMULATED region such as the
 *    IOAPIC), else handed to the VMM as an MMIO exit. Anything that
 *    cannot be decoded with certainty stops the VM with
 *    HV_INTERNAL_ERROR_EMULATION or _FETCH: never a guess.
 * The completion (complete_access(): on the next entry after an exit, at
 * once after an access done in place) writes a load's register and moves
 * RIP. XCHG is a read then a write, MOVS between MMIO and MMIO too: the
 * write half is a second access, done before the guest runs again
 * (svm_mmio_pending()), in place or as a second exit.
 *
 * Known limit: an access that starts in RAM and runs into an MMIO page
 * reports the MMIO page's first byte; the decoder knows the access's
 * size but not its address, so it is emulated as starting there.
 */
#include <asm/gwalk.h>
#include <asm/svm.h>
#include <asm/svm_guest_mem.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

#define X86_VEC_PF	14

static int memory_fault(struct svm_vcpu *sv, u64 gpa, u64 npf_error)
{
	struct hv_run *run = &sv->vcpu->run;

	run->exit_reason = HV_EXIT_MEMORY_FAULT;
	run->memory_fault = (struct hv_run_memory_fault){
		.flags = ((npf_error & NPF_WRITE) ? HV_MEMORY_FAULT_WRITE : HV_MEMORY_FAULT_READ) |
			 ((npf_error & NPF_FETCH) ? HV_MEMORY_FAULT_EXEC : 0),
		.gpa = gpa & ~(PAGE_SIZE - 1),
		.size = PAGE_SIZE,
	};
	return -EFAULT;
}

/* HV_INTERNAL_ERROR_EMULATION/_FETCH with the GPA, RIP, error and the instruction's bytes. */
static int decode_failure(struct svm_vcpu *sv, u32 suberror, u64 gpa, int err, const u8 *code,
			  u32 len)
{
	struct hv_internal_data {
		u64 gpa, rip, err, len, bytes[2];
	} d = { gpa, sv->vmcb->save.rip, (u64)(s64)err, len, { 0, 0 } };
	struct hv_run_internal *in = &sv->vcpu->run.internal;

	memcpy(d.bytes, code, MIN(len, (u32)sizeof(d.bytes)));
	svm_internal_error(sv, suberror, gpa, d.rip);
	in->ndata = sizeof(d) / sizeof(u64);
	memcpy(in->data, &d, sizeof(d));
	return 0;
}

static int mmio_exit(struct svm_vcpu *sv, u64 gpa, u32 len, bool write, u64 data)
{
	struct vcpu *vcpu = sv->vcpu;

	vcpu->run.exit_reason = HV_EXIT_MMIO;
	vcpu->run.mmio = (struct hv_run_mmio){ .phys_addr = gpa, .len = len, .is_write = write };
	if (write) {	/* @len bytes and zeros, stored whole: one store (the builtin), not a copy loop */
		data &= svm_width_mask(len);
		__builtin_memcpy(vcpu->run.mmio.data, &data, sizeof(data));
	}
	vcpu->completion = VCPU_COMPLETE_MMIO;
	return 0;
}

static int complete_access(struct svm_vcpu *sv, u64 data);

/*
 * An access the hypervisor answers itself: the vCPU's own APIC page
 * first (on hardware it hides whatever is behind it, for that CPU only),
 * then the VM's emulated regions. -ENODEV: neither, the VMM's.
 */
static int access_in_place(struct svm_vcpu *sv, u64 gpa, u32 len, bool write, u64 *val)
{
	struct vcpu *vcpu = sv->vcpu;

	if (vlapic_mmio_claims(&sv->lapic, gpa))
		return vlapic_mmio_access(&sv->lapic, gpa, len, write, val);
	return vm_emulated_access(vcpu->vm, vcpu, gpa, len, write, val);
}

/*
 * One access of the instruction in flight. Done in place, the
 * instruction completes at once, exactly as if the VMM had answered an
 * exit, with no trip to the VMM; the write half of XCHG or MOVS follows
 * before the guest runs again. A handler's error is the hypervisor's
 * failure (an architectural answer would have been 0): the VM stops.
 */
static int mmio_access(struct svm_vcpu *sv, u64 gpa, u32 len, bool write, u64 data)
{
	u64 val = write ? data & svm_width_mask(len) : 0;
	int err = access_in_place(sv, gpa, len, write, &val);

	if (err == -ENODEV)
		return mmio_exit(sv, gpa, len, write, data);
	if (err)
		return svm_internal_error(sv, HV_INTERNAL_ERROR_EMULATION, gpa, (u64)(s64)err);
	err = complete_access(sv, val);
	if (err)
		return err;
	if (sv->mmio_pending_write)
		return svm_mmio_pending(sv);
	return VCPU_RESUME;
}

/* The bytes of the instruction: DecodeAssists' copy, or fetched through the guest's tables. */
static int fetch(struct svm_vcpu *sv, u8 *code, u32 *len)
{
	const struct vmcb_control *c = &sv->vmcb->control;

	if (svm_caps.decode_assists && c->insn_len) {
		*len = MIN((u32)c->insn_len, (u32)X86_MAX_INSN_LEN);
		memcpy(code, c->insn_bytes, *len);
		return 0;
	}
	return svm_fetch_insn(sv, code, len);
}

/* Whether the fault's direction is one the instruction can have caused. */
static bool direction_fits(const struct x86_mmio_insn *insn, bool write)
{
	switch (insn->op) {
	case X86_MMIO_LOAD:
		return !write;
	case X86_MMIO_STORE:
	case X86_MMIO_STORE_IMM:
	case X86_MMIO_STOS:
		return write;
	default:
		return true;	/* MOVS either side; XCHG a locked read-modify-write */
	}
}

static u64 rsi_source(const struct svm_vcpu *sv)
{
	const struct x86_mmio_insn *insn = &sv->mmio.insn;
	u64 mask = insn->addr_size == 8 ? ~0ULL : BIT(insn->addr_size * 8) - 1;

	return svm_seg_linear(sv, insn->src_seg, svm_gpr_read(sv, GPR_RSI) & mask);
}

static u64 rdi_destination(const struct svm_vcpu *sv)
{
	const struct x86_mmio_insn *insn = &sv->mmio.insn;
	u64 mask = insn->addr_size == 8 ? ~0ULL : BIT(insn->addr_size * 8) - 1;

	return svm_seg_linear(sv, X86_SEG_ES, svm_gpr_read(sv, GPR_RDI) & mask);
}

/*
 * MOVS that faulted on its write: the CPU read the source already, from
 * RAM (an MMIO source faults first). Read it again and write to MMIO.
 */
static int movs_to_mmio(struct svm_vcpu *sv)
{
	struct svm_mmio *m = &sv->mmio;
	u64 data = 0;

	if (svm_linear_read(sv, rsi_source(sv), &data, m->insn.size))
		return svm_internal_error(sv, HV_INTERNAL_ERROR_EMULATION, m->gpa,
					  sv->vmcb->save.rip);
	return mmio_access(sv, m->gpa, m->insn.size, true, data);
}

static int start_access(struct svm_vcpu *sv, bool write_fault)
{
	struct svm_mmio *m = &sv->mmio;
	const struct x86_mmio_insn *insn = &m->insn;

	switch (insn->op) {
	case X86_MMIO_STORE:
	case X86_MMIO_STORE_IMM:
		return mmio_access(sv, m->gpa, insn->size, true,
				 x86_mmio_store_data(insn, svm_gpr_read(sv, insn->reg)));
	case X86_MMIO_STOS:
		return mmio_access(sv, m->gpa, insn->size, true,
				 x86_mmio_store_data(insn, svm_gpr_read(sv, GPR_RAX)));
	case X86_MMIO_MOVS:
		if (write_fault)
			return movs_to_mmio(sv);
		return mmio_access(sv, m->gpa, insn->size, false, 0);
	default:	/* LOAD, and the read half of XCHG */
		return mmio_access(sv, m->gpa, insn->size, false, 0);
	}
}

static bool on_page_of(struct svm_vcpu *sv, u64 la, u64 gpa)
{
	u64 pa;

	return !svm_translate(sv, la, GWALK_FETCH, &pa, NULL) &&
	       (pa & ~(PAGE_SIZE - 1)) == (gpa & ~(PAGE_SIZE - 1));
}

/*
 * Whether the fault is the fetch of the instruction at RIP itself (its
 * first or, for one that runs on, its last possible byte). The error
 * code's I/D bit cannot tell: like #PF's, it is only reported with
 * EFER.NXE (QEMU's TCG follows that). Only asked once the instruction
 * could not be fetched or decoded, so that MMIO exits pay nothing for it.
 */
static bool fetch_fault(struct svm_vcpu *sv, u64 gpa)
{
	u64 la = svm_seg_linear(sv, X86_SEG_CS, sv->vmcb->save.rip);

	return on_page_of(sv, la, gpa) || on_page_of(sv, la + X86_MAX_INSN_LEN - 1, gpa);
}

static int decode_access(struct svm_vcpu *sv, u64 gpa, bool write_fault)
{
	struct svm_mmio *m = &sv->mmio;
	u8 code[X86_MAX_INSN_LEN] = { 0 };
	u32 len = 0;
	int err;

	err = fetch(sv, code, &len);
	if (err && fetch_fault(sv, gpa))
		return memory_fault(sv, gpa, NPF_FETCH);
	if (err)
		return decode_failure(sv, HV_INTERNAL_ERROR_FETCH, gpa, err, code, 0);
	*m = (struct svm_mmio){ .gpa = gpa, .stage = 1, .movs_write_fault = write_fault };
	err = x86_decode_mmio(code, len, svm_cpu_mode(sv->vmcb), &m->insn);
	if (err == -EAGAIN && fetch_fault(sv, gpa))
		return memory_fault(sv, gpa, NPF_FETCH);
	if (!err && !direction_fits(&m->insn, write_fault))
		err = -EINVAL;
	/* One page only: the rest of an access that runs on would be a guess. */
	if (!err && (gpa & (PAGE_SIZE - 1)) + m->insn.size > PAGE_SIZE)
		err = -E2BIG;
	if (err)
		return decode_failure(sv, HV_INTERNAL_ERROR_EMULATION, gpa, err, code, len);
	return start_access(sv, write_fault);
}

/*
 * @gpa is in the VM's own guest-physical space: the exit's for L1 (and
 * for an L2 without nested paging, which shares it), the L1 GPA that
 * L1's nested table gave for an L2 with it (nested_npt.c). The guest
 * walks of the decode translate L2's addresses the same way
 * (guest_mem.c), so every address here is the VM's.
 */
int svm_npf_at(struct svm_vcpu *sv, u64 gpa, u64 error)
{
	const struct vm_region *r = vm_find_region(sv->vcpu->vm, gpa);

	/* RAM is mapped with every permission: it never faults. */
	if (r && r->kind == VM_REGION_RAM)
		return svm_internal_error(sv, HV_INTERNAL_ERROR_UNEXPECTED_EXIT, SVM_EXIT_NPF, gpa);
	if (sv->reinject) {
		u64 info = sv->reinject;

		sv->reinject = 0;
		return svm_internal_error(sv, HV_INTERNAL_ERROR_DELIVERY, info, gpa);
	}
	if (error & (NPF_PAGE_TABLE | NPF_FETCH))
		return memory_fault(sv, gpa, error);
	return decode_access(sv, gpa, error & NPF_WRITE);
}

int svm_exit_npf(struct svm_vcpu *sv)
{
	const struct vmcb_control *c = &sv->vmcb->control;

	return svm_npf_at(sv, c->exit_info_2, c->exit_info_1);
}

/* The element of a STOS or MOVS is done: indexes, count, and RIP if it was the last. */
static void string_done(struct svm_vcpu *sv, u32 index_regs)
{
	const struct x86_mmio_insn *insn = &sv->mmio.insn;

	if (svm_string_step(sv, index_regs, insn->size, insn->addr_size, insn->rep))
		svm_skip(sv, insn->len);
}

/* MOVS read from MMIO: the destination is RAM (written here) or MMIO (a second exit). */
static int movs_from_mmio(struct svm_vcpu *sv, u64 data)
{
	struct svm_mmio *m = &sv->mmio;
	u64 la = rdi_destination(sv), gpa;
	u32 pf = 0;
	int err = svm_translate(sv, la, GWALK_WRITE, &gpa, &pf);

	if (err == -EFAULT) {
		sv->vmcb->save.cr2 = la;
		svm_inject_exception(sv, X86_VEC_PF, true, pf);
		return 0;
	}
	if (err)
		return -EIO;
	if (!svm_linear_write(sv, la, &data, m->insn.size)) {
		string_done(sv, BIT(GPR_RSI) | BIT(GPR_RDI));
		return 0;
	}
	/* Not RAM: MMIO to MMIO, if the whole element is on that one page. */
	if ((gpa & (PAGE_SIZE - 1)) + m->insn.size > PAGE_SIZE)
		return -EIO;
	m->dst_gpa = gpa;
	m->read_data = data;
	m->stage = 2;
	sv->mmio_pending_write = true;
	return 0;
}

/* The access returned @data (a read's; ignored for a write): the instruction goes on. */
static int complete_access(struct svm_vcpu *sv, u64 data)
{
	struct svm_mmio *m = &sv->mmio;
	const struct x86_mmio_insn *insn = &m->insn;

	data &= svm_width_mask(insn->size);
	switch (insn->op) {
	case X86_MMIO_LOAD:
		svm_gpr_write(sv, insn->reg,
			      x86_mmio_load_result(insn, svm_gpr_read(sv, insn->reg), data));
		svm_skip(sv, insn->len);
		return 0;
	case X86_MMIO_STOS:
		string_done(sv, BIT(GPR_RDI));
		return 0;
	case X86_MMIO_MOVS:
		if (m->stage == 1 && !m->movs_write_fault)
			return movs_from_mmio(sv, data);
		string_done(sv, BIT(GPR_RSI) | BIT(GPR_RDI));
		return 0;
	case X86_MMIO_XCHG:
		if (m->stage == 1) {
			/* The register changes only once the write half is done too. */
			m->read_data = data;
			m->dst_gpa = m->gpa;
			m->stage = 2;
			sv->mmio_pending_write = true;
			return 0;
		}
		data = m->read_data;
		svm_gpr_write(sv, insn->reg,
			      x86_mmio_load_result(insn, svm_gpr_read(sv, insn->reg), data));
		svm_skip(sv, insn->len);
		return 0;
	default:	/* STORE, STORE_IMM */
		svm_skip(sv, insn->len);
		return 0;
	}
}

int svm_complete_mmio(struct svm_vcpu *sv)
{
	u64 data = 0;

	/* All 8 bytes, then masked: one load (the builtin) rather than a call to copy insn->size. */
	__builtin_memcpy(&data, sv->vcpu->run.mmio.data, sizeof(data));
	return complete_access(sv, data);
}

/* The write half of XCHG and of MOVS between two MMIO addresses, before any entry. */
int svm_mmio_pending(struct svm_vcpu *sv)
{
	struct svm_mmio *m = &sv->mmio;
	const struct x86_mmio_insn *insn = &m->insn;
	u64 data = insn->op == X86_MMIO_XCHG ? x86_mmio_store_data(insn,
								    svm_gpr_read(sv, insn->reg))
					     : m->read_data;

	sv->mmio_pending_write = false;
	return mmio_access(sv, m->dst_gpa, insn->size, true, data);
}
