#!/bin/sh
# Makes sure the Debian packages the project needs are installed.
#   deps.sh ensure    install what is missing when root, else say what to run
#   deps.sh install   the same, but always runs apt-get (refreshes the lists)
set -u

PKGS="make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
clang lld llvm libclang-rt-14-dev libcmocka-dev pkg-config
qemu-system-x86 qemu-system-arm grub-pc-bin grub-common xorriso mtools
device-tree-compiler ovmf qemu-efi-aarch64 grub-efi-amd64-bin grub-efi-arm64-bin:arm64"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done

[ "${1:-ensure}" = ensure ] && [ -z "$missing" ] && exit 0
[ -z "$missing" ] && { echo "deps: everything is installed"; exit 0; }

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian system; install the equivalents of:$missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# GRUB's arm64-efi modules (for the arm64 ESP) are built for arm64 only;
# the package is architecture-neutral data, installable next to amd64's
# grub-common once dpkg knows the arm64 architecture.
case $missing in
*:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		dpkg --add-architecture arm64 && apt-get update -qq
	} || { echo "deps: cannot add the arm64 architecture" >&2; exit 1; }
	;;
esac
apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 || {
	apt-get update -qq && apt-get install -y --no-install-recommends $missing
} || { echo "deps: apt-get install failed" >&2; exit 1; }
