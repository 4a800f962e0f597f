# Compiler and linker settings for the kernel.
#
# A cross compiler (x86_64-elf-gcc) is used when one is on PATH; otherwise the
# host gcc, which on an x86-64 Linux host produces the same code once it is
# told not to assume a hosted environment: no libc, no red zone (interrupts
# would overwrite it), no SSE/x87 registers (the kernel does not save them),
# the kernel code model (code in the top 2 GiB), no PIE and no stack
# protector (both need runtime support the kernel does not have).
# No stack frame may be larger than half a page, nor variable (VLAs): a
# kernel stack has one guard page below it, which a frame larger than the
# guard could step over (proc/kstack.c).

ifneq ($(shell command -v x86_64-elf-gcc 2>/dev/null),)
CROSS := x86_64-elf-
endif

CC      := $(CROSS)gcc
LD      := $(CROSS)ld
NM      := $(CROSS)nm
OBJCOPY := $(CROSS)objcopy
NASM    := nasm

KERNEL_CFLAGS := -std=gnu11 -O2 -g \
	-ffreestanding -nostdlib -fno-builtin \
	-mno-red-zone -mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only \
	-mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-U_FORTIFY_SOURCE \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wframe-larger-than=2048 -Wvla \
	-Ikernel -MMD -MP

KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T toolchain/kernel.ld

NASMFLAGS := -f elf64 -g -F dwarf -Werror

# Host tools: unit tests and build-time generators.
HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Ikernel

# The in-QEMU tests need pexpect; Debian installs it for the system python3,
# which may not be the first python3 on PATH (pyenv, venvs).
TEST_PYTHON = $(shell for p in /usr/bin/python3 python3; do $$p -c "import pexpect" 2>/dev/null && { echo $$p; break; }; done)
