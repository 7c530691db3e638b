#ifndef ASM_SVM_IO_H
#define ASM_SVM_IO_H

#include <lib/types.h>

/*
 * IOIO intercepts (arch/x86/svm/io.c): every port is intercepted (the IO
 * permission map is all ones). The hypervisor's own ports (the 8259 pair,
 * the 8254, port 0x61) are emulated in place; every other access is an
 * HV_EXIT_IO for the VMM, one element at a time for INS/OUTS (with or
 * without REP): the instruction is re-executed for each element, so the
 * guest takes interrupts between elements as on hardware.
 */
struct svm_ioio;

/*
 * EXITINFO1/EXITINFO2 of an IOIO exit into @io; -EINVAL when the size or
 * (for string forms) the address-size field is not exactly one value.
 * The segment field is only valid on CPUs with DecodeAssists; QEMU's TCG
 * leaves the address-size field empty (io->addr_size 0): the caller
 * takes both from the instruction's prefixes then.
 */
int svm_ioio_decode(u64 info1, u64 info2, bool decode_assists, struct svm_ioio *io);

#endif
