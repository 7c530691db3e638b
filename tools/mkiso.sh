#!/bin/sh
# mkiso.sh OUT.iso HV.elf "CMDLINE" [FILE:NAME]...
# A GRUB rescue ISO that loads HV.elf with multiboot2 and each FILE as a
# module2 named NAME, with GRUB and the hypervisor on the serial port.
# One image boots both ways: BIOS (GRUB i386-pc, El Torito) and UEFI (an
# EFI system partition holding GRUB x86_64-efi as BOOTX64.EFI).
set -eu
out=$1 elf=$2 cmdline=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/grub"
cp "$elf" "$tmp/boot/hv.elf"
{
	echo 'serial --unit=0 --speed=115200'
	echo 'terminal_input serial'
	echo 'terminal_output serial'
	echo 'set timeout=0'
	# Video drivers, for the framebuffer the hypervisor's header asks for.
	echo 'insmod all_video'
	echo 'menuentry "microhv" {'
	echo "	multiboot2 /boot/hv.elf $cmdline"
	i=0
	for m in "$@"; do
		cp "${m%%:*}" "$tmp/boot/mod$i"
		echo "	module2 /boot/mod$i ${m#*:}"
		i=$((i + 1))
	done
	echo '	boot'
	echo '}'
} >"$tmp/boot/grub/grub.cfg"
# The log stays out of the tree being packed: xorriso fails the build
# (MISHAP) when a file in it changes size while it is read.
log=$(mktemp)
trap 'rm -rf "$tmp" "$log"' EXIT
# Without -d grub-mkrescue takes every GRUB platform installed, which is
# what makes the image hybrid; both must be there, or the image would
# silently boot one way only.
for p in i386-pc x86_64-efi; do
	[ -f "/usr/lib/grub/$p/modinfo.sh" ] || {
		echo "mkiso: GRUB for $p is missing (tools/deps.sh installs it)" >&2
		exit 1
	}
done
grub-mkrescue --locales= --themes= --fonts= -o "$out" "$tmp" >"$log" 2>&1 || {
	cat "$log" >&2
	exit 1
}
