#!/usr/bin/env bash
# Builds Chalk if needed and boots it in QEMU (or Bochs).
# Run ./run.sh -h for the options.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
	cat <<'USAGE'
Usage: ./run.sh [options] [mm=buddy|firstfit] [debug=0|1] [bochs]

Boots Image/chalk.iso in QEMU, building it first if needed. The serial console
is this terminal; a QEMU window shows the screen when a display is available.
Quit QEMU with Ctrl+A then X (or type 'shutdown' in Chalk).

  mm=buddy|firstfit   heap manager to build with (default: firstfit)
  debug=0|1           debug=1 builds with the invariant checks on (the run
                      queue, the process table and the kernel heap checked on
                      every switch and allocation; docs/testing.md)
  --accel kvm|tcg|auto
                      CPU accelerator. auto (the default) uses KVM only when
                      /dev/kvm works and this machine is not itself a virtual
                      machine (nested KVM is slower than TCG for BIOS boots
                      and fails under OVMF); otherwise TCG.
  --uefi              boot through UEFI firmware (OVMF) instead of BIOS
  --usb               attach the image as a USB stick (xHCI) instead of a CD
  --disk              attach the image as an IDE hard disk instead of a CD
  --headless          no window even if a display exists
  -m, --memory SIZE   guest memory (default 256M)
  -d, --debug         start halted with a GDB stub on localhost:1234 and print
                      the gdb command to attach
  bochs               boot the same image in Bochs (toolchain/bochsrc)
  -h, --help          this help
USAGE
}

mm=firstfit checks=0 accel=auto firmware=bios media=cdrom headless=0 memory=256M gdb=0 emulator=qemu
while [ $# -gt 0 ]; do
	case "$1" in
	mm=*) mm=${1#mm=} ;;
	debug=*) checks=${1#debug=} ;;
	--accel) accel=${2:?--accel needs kvm, tcg or auto}; shift ;;
	--accel=*) accel=${1#--accel=} ;;
	--uefi) firmware=uefi ;;
	--usb) media=usb ;;
	--disk) media=disk ;;
	--headless) headless=1 ;;
	-m | --memory) memory=${2:?--memory needs a size}; shift ;;
	-d | --debug) gdb=1 ;;
	bochs) emulator=bochs ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

case "$accel" in kvm | tcg | auto) ;; *) echo "run.sh: unknown accel '$accel': use kvm, tcg or auto" >&2; exit 2 ;; esac

toolchain/check-deps.sh
make --no-print-directory all mm="$mm" debug="$checks"

iso=Image/chalk.iso
has_display() { [ "$headless" = 0 ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; }

if [ "$emulator" = bochs ]; then
	export BXSHARE=${BXSHARE:-/usr/share/bochs}
	display=()
	if ! has_display; then
		echo "run.sh: no display; the Bochs screen is on VNC (rfb) port 5900"
		display=('display_library: rfb, options="timeout=0"' 'panic: action=fatal, rfb=report')
	fi
	exec bochs -q -f toolchain/bochsrc -rc toolchain/bochs-continue.rc "${display[@]}"
fi

use_kvm() {
	case "$accel" in
	kvm) return 0 ;;
	tcg) return 1 ;;
	esac
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && ! grep -qw hypervisor /proc/cpuinfo
}

args=(-m "$memory" -serial mon:stdio -no-reboot)
if use_kvm; then args+=(-accel kvm); else args+=(-accel tcg); fi
has_display || args+=(-display none)

case "$media" in
cdrom) args+=(-drive "file=$iso,media=cdrom,if=ide,readonly=on" -boot order=d) ;;
disk) args+=(-drive "file=$iso,format=raw,if=ide,snapshot=on" -boot order=c) ;;
usb) args+=(-device qemu-xhci -drive "if=none,id=stick,format=raw,file=$iso,snapshot=on"
	-device usb-storage,drive=stick,bootindex=0) ;;
esac

if [ "$firmware" = uefi ]; then
	vars=$(mktemp /tmp/chalk-ovmf-vars.XXXXXX)
	trap 'rm -f "$vars"' EXIT
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
	args+=(-drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
		-drive "if=pflash,format=raw,file=$vars")
fi

if [ "$gdb" = 1 ]; then
	args+=(-s -S)
	echo "QEMU is waiting for GDB on localhost:1234. In another terminal run:"
	echo "  gdb Image/kernel.elf -ex 'target remote localhost:1234' -ex 'hbreak kmain' -ex 'continue'"
fi

qemu-system-x86_64 "${args[@]}"
