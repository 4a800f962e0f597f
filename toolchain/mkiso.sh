#!/bin/sh
# Builds a bootable hybrid image (BIOS and UEFI GRUB, CD/disk/USB) around a
# kernel:   mkiso.sh TREE-DIR OUTPUT.iso KERNEL.elf [EXTRA KERNEL ARGUMENTS [MODULE]]
# The extra arguments are appended to the multiboot2 line of grub.cfg, and
# MODULE, a file, is loaded as a multiboot2 module; the test images use them
# to boot the same kernel into its self-tests.
set -eu
tree=$1 iso=$2 kernel=$3 args=${4:-} module=${5:-}

rm -rf "$tree"
mkdir -p "$tree/boot/grub" "$(dirname "$iso")"
cp "$kernel" "$tree/boot/kernel.elf"
module_line=
if [ -n "$module" ]; then
	cp "$module" "$tree/boot/module"
	module_line="\n    module2 /boot/module $(basename "$module")"
fi
sed "s|multiboot2 /boot/kernel.elf|& $args$module_line|" bootloader/grub.cfg >"$tree/boot/grub/grub.cfg"

if ! grub-mkrescue -o "$iso" "$tree" >"$tree.log" 2>&1; then
	cat "$tree.log" >&2
	exit 1
fi
