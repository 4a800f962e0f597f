#!/bin/sh
# Builds a bootable hybrid image (BIOS and UEFI GRUB, CD/disk/USB) around a
# kernel:   mkiso.sh TREE-DIR OUTPUT.iso KERNEL.elf ARGUMENTS [MODULE...]
# ARGUMENTS (may be empty) are appended to the multiboot2 line of grub.cfg;
# each MODULE file is loaded as a multiboot2 module named after its file
# name, which is how the kernel finds it (userland.elf).
set -eu
tree=$1 iso=$2 kernel=$3 args=$4
shift 4

rm -rf "$tree"
mkdir -p "$tree/boot/grub" "$(dirname "$iso")"
cp "$kernel" "$tree/boot/kernel.elf"
module_lines=
for module in "$@"; do
	name=$(basename "$module")
	cp "$module" "$tree/boot/$name"
	module_lines="$module_lines\n    module2 /boot/$name $name"
done
sed "s|multiboot2 /boot/kernel.elf|& $args$module_lines|" bootloader/grub.cfg >"$tree/boot/grub/grub.cfg"

if ! grub-mkrescue -o "$iso" "$tree" >"$tree.log" 2>&1; then
	cat "$tree.log" >&2
	exit 1
fi
