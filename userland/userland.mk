# The userland image, build/userland/userland.elf: the C library, init, the
# shell and every program, linked into one static ELF that GRUB loads as a
# module. Included by the top Makefile before its rules that need
# USERLAND_ELF; its recipes use the Makefile's Q, say and deps.
#
# User code is compiled by the host gcc (or the cross gcc when there is one)
# with freestanding flags. Unlike the kernel it may use SSE (the kernel saves
# each process's FPU/SSE state) and the red zone (an interrupt from ring 3
# always switches to the kernel's stack). -nostdinc keeps the host's C
# library headers out: programs see userland/include and the compiler's
# own freestanding headers (<stdint.h>, <stdarg.h>, ...). -ffixed-r15
# reserves r15 for the per-process block errno lives in (<errno.h>).

USER_CC ?= $(CC)
USER_BUILD := build/userland
USERLAND_ELF := $(USER_BUILD)/userland.elf

USER_CFLAGS := -std=gnu11 -O2 -g \
	-ffreestanding -nostdlib -fno-builtin -nostdinc \
	-isystem $(shell $(USER_CC) -print-file-name=include) \
	-fno-pie -fno-stack-protector -fno-omit-frame-pointer -mcmodel=small \
	-fno-asynchronous-unwind-tables -fcf-protection=none -ffixed-r15 \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Iuserland/include -Iuserland -Ikernel/uapi -MMD -MP

USER_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,userland/userland.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none

# Files named *_linux.c are the Linux side of a program built twice (the
# bench's platform_linux.c, built by the Makefile as a static Linux program):
# they call Linux, not Chalk, so they stay out of Chalk's image.
USER_C := $(sort $(filter-out %_linux.c,$(shell find userland -name '*.c')))
USER_OBJS := $(USER_C:userland/%.c=$(USER_BUILD)/%.o)

# The C library shares the kernel's pure code instead of repeating it: the
# printf engine (lib/format.c) and the string functions (lib/string.c) are
# compiled again with the user flags, into build/userland/kernel/lib/. They
# and the libc files that wrap them may include "lib/..." headers; no other
# user file sees the kernel's headers.
USER_SHARED_C := kernel/lib/format.c kernel/lib/string.c
USER_SHARED_OBJS := $(USER_SHARED_C:%.c=$(USER_BUILD)/%.o)
USER_OBJS += $(USER_SHARED_OBJS)
$(USER_SHARED_OBJS) $(USER_BUILD)/libc/format.o $(USER_BUILD)/libc/string.o: \
	USER_CFLAGS += -iquote kernel
# ksnprintf and kvsnprintf keep C's contract (the full length returned, the
# text cut and terminated), so the user's copy is built under the C names.
# libc/format.c sees the same names, so the compiler checks that <stdio.h>
# and lib/format.h declare them alike.
$(USER_BUILD)/kernel/lib/format.o $(USER_BUILD)/libc/format.o: \
	USER_CFLAGS += -Dksnprintf=snprintf -Dkvsnprintf=vsnprintf

# The course's official test files, dropped into userland/course/ by a
# teacher (userland/course/README.md), are built as the course wrote them:
# they are not Chalk's code and must compile unmodified, so for them alone
# warnings are off (-w) and never errors. Chalk's own files in that folder
# keep the strict flags.
COURSE_CHALK_C := userland/course/registry.c userland/course/course.c
COURSE_DROPPED_C := $(filter-out $(COURSE_CHALK_C),$(filter userland/course/%,$(USER_C)))
$(COURSE_DROPPED_C:userland/%.c=$(USER_BUILD)/%.o): USER_CFLAGS += -w -Wno-error

define user_compile
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(USER_CC) $(USER_CFLAGS) -c $< -o $@
endef

$(USER_BUILD)/%.o: userland/%.c userland/userland.mk | deps
	$(user_compile)
$(USER_SHARED_OBJS): $(USER_BUILD)/%.o: %.c userland/userland.mk | deps
	$(user_compile)

$(USERLAND_ELF): $(USER_OBJS) userland/userland.ld
	$(call say,LD,$@)
	$(Q)$(USER_CC) $(USER_LDFLAGS) -o $@ $(USER_OBJS) -lgcc

# Host unit tests of the shell's pure parts (they make no system calls). The
# Makefile lists $(USERLAND_UNIT_TESTS) in its UNIT_TESTS, which links them
# like its own tests and gives them tests/unit/rng.h. This file is included
# before the Makefile sets UNIT, hence the default here.
UNIT ?= build/unit
USERLAND_UNIT_TESTS := $(UNIT)/test_shell_parser $(UNIT)/test_shell_editor $(UNIT)/test_shell_jobs

$(UNIT)/test_shell_parser: tests/unit/test_shell_parser.c userland/shell/parse.c \
	userland/shell/parse.h | deps
$(UNIT)/test_shell_editor: tests/unit/test_shell_editor.c userland/shell/editor.c \
	userland/shell/editor.h | deps
$(UNIT)/test_shell_jobs: tests/unit/test_shell_jobs.c userland/shell/jobs.c \
	userland/shell/jobs.h | deps
$(USERLAND_UNIT_TESTS): HOST_CFLAGS += -Iuserland

-include $(USER_OBJS:.o=.d)
