#!/usr/bin/env bash
# Checks that the tools Chalk needs are present. When some are missing it
# runs toolchain/deps.sh (if this user can install packages), or stops with
# the list of what is missing and the command that installs it.
set -u
here=$(cd "$(dirname "$0")" && pwd)

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$1"); }
need_file() { [ -e "$1" ] || missing+=("$2"); }

for cmd in gcc ld nasm make gdb grub-mkrescue grub-file xorriso mformat qemu-system-x86_64 bochs; do
	need_cmd "$cmd"
done
need_file /usr/lib/grub/i386-pc/multiboot2.mod "grub-pc-bin (BIOS GRUB)"
need_file /usr/lib/grub/x86_64-efi/multiboot2.mod "grub-efi-amd64-bin (UEFI GRUB)"
need_file /usr/share/OVMF/OVMF_CODE_4M.fd "ovmf (UEFI firmware)"
need_file /usr/include/cmocka.h "libcmocka-dev"
# gcc names a library it cannot find as it is: then there is no static libc.
[ "$(gcc -print-file-name=libc.a 2>/dev/null)" != libc.a ] || missing+=("libc6-dev (static libc)")
need_file /usr/share/consolefonts/Lat15-Terminus16.psf.gz "console-setup-linux (font)"
/usr/bin/python3 -c 'import pexpect' 2>/dev/null || missing+=("python3-pexpect")

[ ${#missing[@]} -eq 0 ] && exit 0

echo "Missing: ${missing[*]}" >&2
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
	echo "Installing them with toolchain/deps.sh ..." >&2
	exec "$here/deps.sh"
fi
echo "Install them with:  sudo toolchain/deps.sh   (Debian/Ubuntu)" >&2
exit 1
