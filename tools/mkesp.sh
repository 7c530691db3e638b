#!/bin/sh
# mkesp.sh OUT.img IMAGE "CMDLINE" [CONFIG.dtb]
# An EFI system partition (a FAT file system image; write it to a
# partition of type EF00, or use it as a whole disk) that boots the arm64
# hypervisor on UEFI: GRUB (arm64-efi) as \EFI\BOOT\BOOTAA64.EFI, the path
# firmware boots from removable media without a boot entry, its grub.cfg
# beside it, and the Image (and the VM configuration, as GRUB's initrd)
# in \microhv. With MKESP_ON_FAILURE=halt, GRUB powers the machine off
# when the hypervisor refuses to start (the tests' way to end QEMU).
set -eu
out=$1 image=$2 cmdline=$3 config=${4:-}
grubdir=/usr/lib/grub/arm64-efi
[ -f "$grubdir/modinfo.sh" ] || {
	echo "mkesp: GRUB for arm64-efi is missing (tools/deps.sh installs it)" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
	echo 'set timeout=0'
	echo 'menuentry "microhv" {'
	echo "	linux /microhv/Image $cmdline"
	[ -z "$config" ] || echo '	initrd /microhv/config.dtb'
	echo '	boot'
	# Reached only when `boot` came back: the Image refused to start.
	[ "${MKESP_ON_FAILURE:-}" != halt ] || {
		echo '	echo "microhv: GRUB could not start the hypervisor"'
		echo '	halt'
	}
	echo '}'
} >"$tmp/grub.cfg"
# The modules GRUB needs to read the ESP, load the Image and the initrd;
# the rest of arm64-efi stays out of the ESP.
grub-mkimage -O arm64-efi -p /EFI/BOOT -o "$tmp/BOOTAA64.EFI" \
	part_gpt part_msdos fat normal configfile linux echo halt
# FAT without a partition table, which UEFI mounts as is: 16 MiB, or the
# files plus 8 MiB when a large configuration (guest images) needs more.
kib=$(du -ck "$tmp/BOOTAA64.EFI" "$image" ${config:+"$config"} | tail -1 | cut -f1)
mib=$(( kib / 1024 + 8 ))
[ "$mib" -ge 16 ] || mib=16
rm -f "$out"
truncate -s "${mib}M" "$out"
mformat -i "$out" -v MICROHV ::
mmd -i "$out" ::/EFI ::/EFI/BOOT ::/microhv
mcopy -i "$out" "$tmp/BOOTAA64.EFI" "$tmp/grub.cfg" ::/EFI/BOOT/
mcopy -i "$out" "$image" ::/microhv/Image
[ -z "$config" ] || mcopy -i "$out" "$config" ::/microhv/config.dtb
