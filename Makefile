# Chalk: build, run and test.
#
#   make [all]            build Image/chalk.iso (first-fit heap)
#   make all mm=buddy     the same with the buddy heap
#   make all debug=1      the same with the kernel's invariant checks on
#   make run / debug      boot in QEMU (./run.sh, ./run.sh -d)
#   make test             host unit tests, then in-QEMU tests for both heaps
#   make bench            boot headless and print the benchmark's figures
#   make bench-linux      the same benchmark as /init of Debian's Linux, same QEMU
#   make bench-compare    both, side by side: item, Chalk, Linux, ratio
#   make profile          sample where a command spends its time (cmd="bench")
#   make soak             every load at once for 10 minutes, then a health check
#                         (minutes=N for another length; not part of make test)
#   make clean
#
# Objects live in build/<mm>/ (build/<mm>-debug/ for debug=1), so switching
# never mixes objects of two builds; Image/chalk.iso is relinked whenever the
# selected mm or debug changes.

VERSION := 0.1.0
MM_VALID := buddy firstfit
mm ?= firstfit
ifeq ($(filter $(mm),$(MM_VALID)),)
$(error unknown mm '$(mm)': use mm=buddy or mm=firstfit)
endif

# debug=1: the same kernel with its invariant checks on (DEBUG_ASSERT in
# lib/panic.h: run queue, process table and kernel heap, on every switch and
# allocation), built apart in build/<mm>-debug/.
debug ?= 0
ifeq ($(filter $(debug),0 1),)
$(error unknown debug '$(debug)': use debug=0 or debug=1)
endif

include toolchain/toolchain.mk
KERNEL_CFLAGS += -DCHALK_DEBUG=$(debug)

# Quiet by default ("CC file"); make V=1 shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2)
endif

BUILD  := build/$(mm)$(if $(filter 1,$(debug)),-debug)
ISO    := Image/chalk.iso
KERNEL := $(BUILD)/kernel.elf

KERNEL_C   := $(filter-out kernel/mm/heap_%.c,$(shell find kernel -name '*.c')) kernel/mm/heap_$(mm).c
KERNEL_ASM := $(shell find kernel -name '*.asm') bootloader/multiboot2.asm bootloader/boot.asm
FONT_PSF   := /usr/share/consolefonts/Lat15-Terminus16.psf.gz
OBJS := $(KERNEL_C:%.c=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.o) $(BUILD)/font.o

# The userland image (libc, init, shell, apps): one ELF loaded as a module.
include userland/userland.mk

# Remember which build the ISO came from; the file changes only on a switch.
MM_STAMP := build/selected-mm
$(shell mkdir -p build; [ "$$(cat $(MM_STAMP) 2>/dev/null)" = "$(mm) debug=$(debug)" ] || \
	echo "$(mm) debug=$(debug)" > $(MM_STAMP))

.PHONY: all iso run debug bochs test test-images unit-tests bench bench-linux bench-compare profile \
	soak clean deps
.DEFAULT_GOAL := all

all: $(ISO)

# Tools are checked once per make run (quick when all is present).
deps:
	@toolchain/check-deps.sh

$(BUILD)/%.o: %.c toolchain/toolchain.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DCHALK_VERSION='"$(VERSION)"' -c $< -o $@

$(BUILD)/%.o: %.asm | deps
	@mkdir -p $(@D)
	$(call say,NASM,$<)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

$(BUILD)/font.c: toolchain/mkfont.py $(FONT_PSF) | deps
	@mkdir -p $(@D)
	$(call say,FONT,$@)
	$(Q)python3 toolchain/mkfont.py $(FONT_PSF) $@

# The font comes from a Debian package: if it is missing, install the tools.
$(FONT_PSF):
	@toolchain/check-deps.sh

$(BUILD)/font.o: $(BUILD)/font.c
	$(call say,CC,$<)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# Two links: the first finds where every function lands, the second embeds
# the symbol table built from it (see toolchain/mksyms.py). The check after
# the second link proves the table matches the final image.
$(BUILD)/kernel.nosyms.elf: $(OBJS) toolchain/kernel.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(OBJS)

$(BUILD)/ksyms.o: $(BUILD)/kernel.nosyms.elf toolchain/mksyms.py
	$(call say,KSYMS,$@)
	$(Q)$(NM) -n --defined-only $< | python3 toolchain/mksyms.py $(BUILD)/ksyms.bin
	$(Q)$(OBJCOPY) -I binary -O elf64-x86-64 -B i386:x86-64 \
		--rename-section .data=.ksyms,alloc,load,readonly,data,contents $(BUILD)/ksyms.bin $@

$(KERNEL): $(BUILD)/kernel.nosyms.elf $(BUILD)/ksyms.o
	$(call say,LD,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms.o
	@$(NM) -n --defined-only $@ | python3 toolchain/mksyms.py $(BUILD)/ksyms.check
	@cmp -s $(BUILD)/ksyms.bin $(BUILD)/ksyms.check || \
		{ echo "ksyms: symbol table does not match the final link"; rm -f $@; exit 1; }
	@grub-file --is-x86-multiboot2 $@ || { echo "$@: no multiboot2 header"; rm -f $@; exit 1; }

# mkiso.sh TREE ISO KERNEL [EXTRA-CMDLINE]: the ISO tree and grub-mkrescue.
# Each mm keeps its own image; Image/ holds the one selected last.
$(BUILD)/chalk.iso: $(KERNEL) $(USERLAND_ELF) bootloader/grub.cfg toolchain/mkiso.sh
	$(call say,ISO,$@)
	$(Q)toolchain/mkiso.sh $(BUILD)/iso $@ $(KERNEL) "" $(USERLAND_ELF)

$(ISO): $(BUILD)/chalk.iso $(MM_STAMP)
	$(Q)cp $(BUILD)/chalk.iso $@
	$(Q)cp $(KERNEL) Image/kernel.elf
	@echo "Built $@ (mm=$(mm)$(if $(filter 1,$(debug)), debug=1))"

iso: $(ISO)

# Images for the in-QEMU tests: the same kernel with a test command line.
# test_image NAME, COMMAND LINE, EXTRA MODULES makes $(BUILD)/NAME.iso.
define test_image
$(BUILD)/$(1).iso: $(KERNEL) $(USERLAND_ELF) bootloader/grub.cfg toolchain/mkiso.sh
	$$(call say,ISO,$$@)
	$(Q)toolchain/mkiso.sh $(BUILD)/iso-$(1) $$@ $(KERNEL) "$(2)" $(3) $(USERLAND_ELF)
endef
TEST_IMAGES := selftest panictest kstacktest

# The self-test image also loads a module (any file: the kernel's symbol
# table), so the frame test can check that modules are never handed out.
$(eval $(call test_image,selftest,selftest panic=poweroff,$(BUILD)/ksyms.bin))
$(eval $(call test_image,panictest,panictest panic=poweroff))
$(eval $(call test_image,kstacktest,panictest=kstack panic=poweroff))

# A debug=1 build is tested through its shell alone (tests/qemu/test_debug.py).
test-images: $(BUILD)/chalk.iso $(if $(filter 0,$(debug)),$(TEST_IMAGES:%=$(BUILD)/%.iso))

run: all
	./run.sh mm=$(mm) debug=$(debug)

debug: all
	./run.sh -d mm=$(mm) debug=$(debug)

bochs: all
	./run.sh bochs mm=$(mm) debug=$(debug)

# --- the benchmark for Linux -------------------------------------------------

# bench.c again, with platform_linux.c instead of Chalk's, as a static Linux
# program: /init of the initramfs make bench-linux boots, and a host program
# make test runs. The flags that shape the timed loops are those of Chalk's
# userland (userland.mk): -O2, and no builtins, without which GCC may drop a
# malloc whose block is freed at once; also frame pointers, no PIE, no stack
# protector.
BENCH_DIR := userland/programs/bench
BENCH_LINUX := build/bench-linux
BENCH_LINUX_C := $(BENCH_DIR)/bench.c $(BENCH_DIR)/platform_linux.c
BENCH_LINUX_CFLAGS := -std=gnu11 -O2 -g -fno-builtin -fno-omit-frame-pointer \
	-fno-pie -no-pie -static -fno-stack-protector -fcf-protection=none -DBENCH_LINUX \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes

$(BENCH_LINUX)/init: $(BENCH_LINUX_C) $(BENCH_DIR)/platform.h Makefile | deps
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOST_CC) $(BENCH_LINUX_CFLAGS) -o $@ $(BENCH_LINUX_C)

# Linux's root file system while the bench runs: /init and /dev/console.
$(BENCH_LINUX)/initramfs.cpio: $(BENCH_LINUX)/init toolchain/mkinitramfs.py
	$(call say,CPIO,$@)
	$(Q)python3 toolchain/mkinitramfs.py $< $@

# --- tests -------------------------------------------------------------------

UNIT := build/unit
UNIT_TESTS := $(UNIT)/test_heap_buddy $(UNIT)/test_heap_firstfit \
	$(UNIT)/test_heap_stress_buddy $(UNIT)/test_heap_stress_firstfit \
	$(UNIT)/test_heap_corrupt_buddy $(UNIT)/test_heap_corrupt_firstfit \
	$(UNIT)/test_frame $(UNIT)/test_frame_stress \
	$(UNIT)/test_format $(UNIT)/test_string $(UNIT)/test_ringbuf $(UNIT)/test_cmdline $(UNIT)/test_keyboard \
	$(UNIT)/test_acpi_aml $(UNIT)/test_runqueue $(UNIT)/test_runqueue_model $(UNIT)/test_pid \
	$(UNIT)/test_sem_queue $(UNIT)/test_pipe_buffer $(USERLAND_UNIT_TESTS)
CMOCKA_LIBS := -lcmocka

define unit_link
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)
endef

# The heap tests are built once per implementation. For test_heap_stress_buddy
# both patterns match; make picks the one with the shorter stem (buddy).
$(UNIT)/test_heap_%: tests/unit/test_heap.c kernel/mm/heap_%.c kernel/mm/heap.h | deps
	$(unit_link)
$(UNIT)/test_heap_stress_%: tests/unit/test_heap_stress.c kernel/mm/heap_%.c kernel/mm/heap.h | deps
	$(unit_link)
$(UNIT)/test_heap_corrupt_%: tests/unit/test_heap_corrupt.c kernel/mm/heap_%.c kernel/mm/heap.h | deps
	$(unit_link)

$(UNIT)/test_frame: tests/unit/test_frame.c kernel/mm/frame.c kernel/mm/frame.h | deps
$(UNIT)/test_frame_stress: tests/unit/test_frame_stress.c kernel/mm/frame.c kernel/mm/frame.h | deps
$(UNIT)/test_format: tests/unit/test_format.c kernel/lib/format.c kernel/lib/format.h | deps
# The kernel's memcpy and memset stand in for the C library's: no builtins.
$(UNIT)/test_string: tests/unit/test_string.c kernel/lib/string.c kernel/lib/string.h | deps
$(UNIT)/test_string: HOST_CFLAGS += -fno-builtin
$(UNIT)/test_ringbuf: tests/unit/test_ringbuf.c kernel/lib/ringbuf.c kernel/lib/ringbuf.h | deps
$(UNIT)/test_cmdline: tests/unit/test_cmdline.c kernel/boot/cmdline.c kernel/boot/bootinfo.h | deps
$(UNIT)/test_keyboard: tests/unit/test_keyboard.c kernel/drivers/keyboard.c kernel/drivers/keyboard.h | deps
$(UNIT)/test_acpi_aml: tests/unit/test_acpi_aml.c kernel/drivers/acpi_aml.c kernel/drivers/acpi_aml.h | deps
$(UNIT)/test_runqueue: tests/unit/test_runqueue.c kernel/proc/runqueue.c kernel/proc/runqueue.h kernel/lib/list.h | deps
$(UNIT)/test_runqueue_model: tests/unit/test_runqueue_model.c kernel/proc/runqueue.c kernel/proc/runqueue.h kernel/lib/list.h | deps
$(UNIT)/test_pid: tests/unit/test_pid.c kernel/proc/pid.c kernel/proc/pid.h kernel/lib/errno.h | deps
$(UNIT)/test_sem_queue: tests/unit/test_sem_queue.c kernel/sync/sem_queue.c kernel/sync/sem_queue.h kernel/lib/list.h | deps
$(UNIT)/test_pipe_buffer: tests/unit/test_pipe_buffer.c kernel/ipc/pipe_buffer.c kernel/ipc/pipe_buffer.h \
	kernel/lib/ringbuf.c kernel/lib/ringbuf.h | deps
$(filter-out $(UNIT)/test_heap_%,$(UNIT_TESTS)):
	$(unit_link)

# Every test may use the shared generator; the split heap, frame and run
# queue tests share a fixture each, and so do the tests of copying through
# a ring.
$(UNIT_TESTS): tests/unit/rng.h
$(filter $(UNIT)/test_heap_%,$(UNIT_TESTS)): tests/unit/heap_fixture.h kernel/mm/heap_split.h
$(filter $(UNIT)/test_heap_corrupt_%,$(UNIT_TESTS)): tests/unit/heap_corrupt_fixture.h \
	tests/unit/heap_corruption.h
$(UNIT)/test_frame $(UNIT)/test_frame_stress: tests/unit/frame_fixture.h
$(UNIT)/test_runqueue $(UNIT)/test_runqueue_model: tests/unit/runqueue_fixture.h
$(UNIT)/test_ringbuf $(UNIT)/test_pipe_buffer: tests/unit/copier_fixture.h

unit-tests: $(UNIT_TESTS)

# make test builds every variant first (each in its own make, since mm is
# fixed per run), then one runner executes everything and prints the total.
test: unit-tests $(BENCH_LINUX)/init
	$(MAKE) --no-print-directory mm=buddy test-images
	$(MAKE) --no-print-directory mm=firstfit test-images
	$(MAKE) --no-print-directory mm=buddy debug=1 test-images
	$(MAKE) --no-print-directory mm=firstfit debug=1 test-images
	$(MAKE) --no-print-directory all
	CHALK_FONT=$(FONT_PSF) $(TEST_PYTHON) tests/run.py --unit $(UNIT_TESTS) --mm $(MM_VALID)

# --- benchmarks (docs/performance.md) ----------------------------------------

# Boots the selected build headless and prints its measurements.
bench: all
	$(TEST_PYTHON) tests/bench.py --mm $(mm)

# Debian's kernel is the one optional download: deps.sh checks first.
bench-linux: $(BENCH_LINUX)/initramfs.cpio
	@toolchain/deps.sh bench-linux
	$(TEST_PYTHON) tests/bench.py --linux $<

# One machine after the other, never both at once: each has the host to itself.
bench-compare: all $(BENCH_LINUX)/initramfs.cpio
	@toolchain/deps.sh bench-linux
	$(TEST_PYTHON) tests/bench_compare.py --mm $(mm) --initramfs $(BENCH_LINUX)/initramfs.cpio

# Samples the instruction pointer through QEMU's GDB stub while cmd runs.
cmd ?= bench
profile: all
	$(TEST_PYTHON) tests/profile.py --mm $(mm) --command "$(cmd)"

# --- soak (docs/robustness.md) ----------------------------------------------

# fuzz, phylo and the tests at once in the selected build, then a health check.
minutes ?= 10
soak: all
	$(TEST_PYTHON) tests/soak.py --mm $(mm) --minutes $(minutes)

clean:
	rm -rf build Image/chalk.iso Image/kernel.elf

-include $(OBJS:.o=.d)
