#!/usr/bin/env bash
# Installs everything Chalk needs to build, run and test, with apt-get.
# Idempotent: when every package is already present it only checks and exits.
#   toolchain/deps.sh              install what is missing
#   toolchain/deps.sh --check      only list what is missing (exit 1 if anything is)
#   toolchain/deps.sh bench-linux  the same for the optional group that make
#                                  bench-linux and bench-compare need (--check
#                                  goes with it too)
# The default group never downloads a Linux kernel: make test needs none.
set -euo pipefail

check_only=false
group=default
for arg in "$@"; do
	case "$arg" in
	--check) check_only=true ;;
	default | bench-linux) group=$arg ;;
	*)
		echo "usage: toolchain/deps.sh [--check] [default|bench-linux]" >&2
		exit 2
		;;
	esac
done

PACKAGES=(
	gcc make binutils nasm gdb                  # compiler, assembler, debugger
	grub-common grub-pc-bin grub-efi-amd64-bin  # grub-mkrescue, BIOS and UEFI GRUB
	xorriso mtools                              # ISO and EFI image tools for grub-mkrescue
	qemu-system-x86 ovmf                        # emulator and UEFI firmware
	bochs bochsbios vgabios bochs-x             # ./run.sh bochs (rfb display is built in)
	xvfb                                        # an X server for the Bochs boot test
	console-setup-linux gzip                    # PSF console font for the framebuffer console
	python3 python3-pexpect                     # in-QEMU test harness
	libcmocka-dev pkg-config                    # host unit tests
	libc6-dev                                   # the bench built for Linux, tested on the host
)
BENCH_LINUX_PACKAGES=(
	linux-image-amd64                           # the kernel booted beside Chalk (/boot/vmlinuz-*)
	libc6-dev                                   # the static libc its /init, the bench, links with
)
if [ "$group" = bench-linux ]; then
	PACKAGES=("${BENCH_LINUX_PACKAGES[@]}")
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$pkg")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if $check_only; then
	echo "missing packages: ${missing[*]}"
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: apt-get not found; install these packages by hand: ${missing[*]}" >&2
	exit 1
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
