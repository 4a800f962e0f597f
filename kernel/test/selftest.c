/*
 * The self-tests check the subsystems on the real (or emulated) machine,
 * complementing the host unit tests, which check the same allocators' logic
 * but cannot see paging, interrupts or devices.
 */
#include "test/selftest.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smap.h"
#include "arch/x86_64/trap.h"
#include "drivers/acpi.h"
#include "drivers/console.h"
#include "drivers/keyboard.h"
#include "drivers/screen.h"
#include "drivers/timer.h"
#include "lib/format.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/mm.h"
#include "mm/vm.h"
#include "proc/proc.h"

/* A test returns NULL on success or a short reason for the failure. */
typedef const char *(*selftest_fn)(const struct boot_info *info);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return #cond;                                                                          \
    } while (0)

#define FRAME_TEST_COUNT 256

static bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a + a_len;
}

/* Frames must be fresh, aligned, distinct, and never what the boot left us. */
static const char *test_frames(const struct boot_info *info)
{
    static uint64_t got[FRAME_TEST_COUNT];
    struct frame_stats before, after;
    mm_frame_stats(&before);

    for (int i = 0; i < FRAME_TEST_COUNT; i++) {
        got[i] = mm_alloc_frame();
        CHECK(got[i] != 0 && got[i] % 4096 == 0);
        CHECK(*(uint64_t *)phys_to_virt(got[i]) == 0); /* handed out zeroed */
        CHECK(!overlaps(got[i], 4096, 0, 1 << 20));
        CHECK(!overlaps(got[i], 4096, (uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end));
        CHECK(!overlaps(got[i], 4096, info->info_start, info->info_end));
        for (unsigned m = 0; m < info->module_count; m++)
            CHECK(!overlaps(got[i], 4096, info->modules[m].start, info->modules[m].end));
        *(uint64_t *)phys_to_virt(got[i]) = got[i]; /* mark: distinctness below */
    }
    for (int i = 0; i < FRAME_TEST_COUNT; i++)
        CHECK(*(uint64_t *)phys_to_virt(got[i]) == got[i]);

    uint64_t run = mm_alloc_frames(16);
    CHECK(run != 0);
    mm_free_frames(run, 16);
    for (int i = 0; i < FRAME_TEST_COUNT; i++)
        mm_free_frames(got[i], 1);
    mm_frame_stats(&after);
    CHECK(after.free == before.free && after.total == before.total);
    return NULL;
}

static const char *test_heap(const struct boot_info *info)
{
    (void)info;
    enum { N = 200 };
    static uint8_t *blocks[N];
    static size_t sizes[N];
    struct heap_stats before, after;
    mm_kernel_heap_stats(&before);

    uint32_t seed = 12345;
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < N; i++) {
            seed = seed * 1103515245 + 12345;
            sizes[i] = 1 + (seed >> 8) % 3000;
            blocks[i] = kmalloc(sizes[i]);
            CHECK(blocks[i] != NULL);
            CHECK(((uint64_t)blocks[i] & (HEAP_ALIGN - 1)) == 0);
            memset(blocks[i], i & 0xFF, sizes[i]);
        }
        for (int i = 0; i < N; i++) {
            for (size_t b = 0; b < sizes[i]; b++)
                CHECK(blocks[i][b] == (i & 0xFF));
            kfree(blocks[i]);
        }
    }
    mm_kernel_heap_stats(&after);
    CHECK(after.used == before.used && after.free_blocks == before.free_blocks);
    CHECK(kmalloc((size_t)1 << 62) == NULL); /* exhaustion is NULL, not a crash */
    return NULL;
}

static const char *test_bad_free(const struct boot_info *info)
{
    (void)info;
    struct heap_stats before, after;
    uint8_t *p = kmalloc(64);
    CHECK(p != NULL);
    mm_kernel_heap_stats(&before);
    kprintf("selftest: (two bad-free reports expected)\n");
    kfree(p + 16); /* interior pointer */
    kfree(p);
    kfree(p); /* double free */
    mm_kernel_heap_stats(&after);
    CHECK(after.allocations == before.allocations - 1);
    return NULL;
}

static int writable_data = 1;

/* The entry mapping the direct-map alias of a kernel-image address. */
static uint64_t alias_entry(const void *image_address)
{
    return paging_lookup((uint64_t)phys_to_virt(virt_to_phys(image_address)));
}

struct wx_count {
    uint64_t nx;       /* PTE_NX when the CPU has it, else 0 */
    unsigned pages;    /* leaves seen */
    unsigned wx, user; /* leaves both writable and executable; user-accessible */
};

static void count_wx(uint64_t virt, uint64_t entry, void *ctx)
{
    (void)virt;
    struct wx_count *count = ctx;
    count->pages++;
    if ((entry & PTE_WRITE) && !(entry & count->nx))
        count->wx++;
    if (entry & PTE_USER)
        count->user++;
}

/*
 * The rights of each part of the kernel under both its addresses (image and
 * direct map), W^X over the whole kernel half, and the lower half empty.
 */
static const char *test_paging(const struct boot_info *info)
{
    (void)info;
    uint64_t nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
    uint64_t text = paging_lookup((uint64_t)selftest_run);
    uint64_t rodata = paging_lookup((uint64_t)__rodata_start);
    uint64_t data = paging_lookup((uint64_t)&writable_data);
    uint64_t ksyms = paging_lookup((uint64_t)__ksyms_start);
    void *block = kmalloc(16);
    uint64_t heap = paging_lookup((uint64_t)block);
    kfree(block);
    CHECK(text && !(text & PTE_WRITE) && !(text & PTE_NX) && !(text & PTE_USER));
    CHECK(rodata && !(rodata & PTE_WRITE) && (rodata & PTE_NX) == nx);
    CHECK(data && (data & PTE_WRITE) && (data & PTE_NX) == nx);
    CHECK(ksyms && !(ksyms & PTE_WRITE) && (ksyms & PTE_NX) == nx);
    CHECK(heap && (heap & PTE_WRITE) && (heap & PTE_NX) == nx);

    uint64_t text_alias = alias_entry(selftest_run), rodata_alias = alias_entry(__rodata_start);
    uint64_t data_alias = alias_entry(&writable_data);
    CHECK(text_alias && !(text_alias & PTE_WRITE) && (text_alias & PTE_NX) == nx);
    CHECK(rodata_alias && !(rodata_alias & PTE_WRITE) && (rodata_alias & PTE_NX) == nx);
    CHECK(data_alias && (data_alias & PTE_WRITE) && (data_alias & PTE_NX) == nx);

    struct wx_count count = {.nx = nx};
    paging_walk_kernel(count_wx, &count);
    CHECK(count.pages > 0 && count.user == 0);
    CHECK(!nx || count.wx == 0);

    CHECK(paging_lookup(0) == 0);                             /* NULL faults */
    CHECK(paging_lookup((uint64_t)__kernel_phys_start) == 0); /* boot identity map gone */
    return NULL;
}

/* Kernel stacks sit above unmapped guard pages, the boot stack too (proc/kstack.c). */
static const char *test_kernel_stacks(const struct boot_info *info)
{
    (void)info;
    uint64_t nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
    CHECK(paging_lookup((uint64_t)boot_stack) & PTE_WRITE);
    CHECK(paging_lookup((uint64_t)boot_stack_guard) == 0);
    CHECK(kstack_guard_hit(boot_stack, (uint64_t)boot_stack - 8));
    CHECK(!kstack_guard_hit(boot_stack, (uint64_t)boot_stack));

    struct frame_stats before, after;
    mm_frame_stats(&before);
    char *stack = kstack_alloc(PROC_MAX - 1);
    CHECK(stack != NULL);
    for (uint64_t offset = 0; offset < KERNEL_STACK_SIZE; offset += PAGE_SIZE) {
        uint64_t entry = paging_lookup((uint64_t)stack + offset);
        CHECK((entry & PTE_WRITE) && (entry & PTE_NX) == nx && !(entry & PTE_USER));
    }
    CHECK(paging_lookup((uint64_t)stack - 1) == 0);
    CHECK(kstack_guard_hit(stack, (uint64_t)stack - 1));
    stack[0] = stack[KERNEL_STACK_SIZE - 1] = 1;
    kstack_free(stack);
    CHECK(paging_lookup((uint64_t)stack) == 0);
    mm_frame_stats(&after);
    CHECK(after.free == before.free);
    return NULL;
}

/*
 * Probes of SMEP and SMAP: the kernel touches a user page on purpose and
 * must fault. The page-fault handler below stands in for the test while it
 * runs: it records the fault and resumes at probe_resume, which the probe
 * sets to the instruction after its access.
 */
#define PROBE_PAGE   0x7000ULL /* a user address; nothing is mapped there at boot */
#define PROBE_BYTE   0x5A
#define NO_FAULT     (~0ULL)
#define JMP_RAX_BYTE 0xFF, 0xE0 /* jmp *%rax: back to the probe if SMEP lets it run */

static uint64_t probe_resume;
static volatile uint64_t probe_error, probe_address;

static void probe_fault(struct trap_frame *frame)
{
    probe_error = frame->error_code;
    probe_address = read_cr2();
    frame->rip = probe_resume;
}

/* Reads the byte at user address addr (in a window when open): the byte, or 0 after a fault. */
static uint8_t probe_read(uint64_t addr, bool open)
{
    uint8_t value = 0;
    if (open)
        user_access_begin();
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %[resume]\n\t"
                     "movb (%[addr]), %[value]\n"
                     "1:"
                     : [resume] "=m"(probe_resume), [value] "+r"(value)
                     : [addr] "r"(addr)
                     : "rax", "memory");
    if (open)
        user_access_end();
    return value;
}

/* Jumps to user address addr, whose code jumps straight back unless SMEP stops it. */
static void probe_execute(uint64_t addr)
{
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %[resume]\n\t"
                     "jmp *%[addr]\n"
                     "1:"
                     : [resume] "=m"(probe_resume)
                     : [addr] "r"(addr)
                     : "rax", "memory");
}

/*
 * Runs probe() with one user page mapped at PROBE_PAGE (rights, contents
 * bytes), its space active and page faults routed to probe_fault. Skipped,
 * and said so, when CR4 lacks cr4_bit (a CPU without the feature).
 */
static const char *with_user_page(uint64_t cr4_bit, const char *name, unsigned rights,
                                  const uint8_t *bytes, size_t n, const char *(*probe)(void))
{
    if (!(read_cr4() & cr4_bit)) {
        kprintf("selftest: %s: not on this CPU, skipped\n", name);
        return NULL;
    }
    struct vm_space *space = vm_space_create();
    if (!space)
        return "no memory for an address space";
    vm_space_get(space);
    const char *reason = "no memory for the page";
    bool irq = irq_save();
    if (vm_map_zeroed(space, PROBE_PAGE, PAGE_SIZE, rights) == 0) {
        memcpy(vm_kernel_address(space, PROBE_PAGE), bytes, n);
        vm_activate(space);
        trap_set_handler(VEC_PAGE_FAULT, probe_fault);
        reason = probe();
        trap_set_handler(VEC_PAGE_FAULT, NULL);
        vm_activate(NULL);
    }
    vm_space_put(space);
    irq_restore(irq);
    return reason;
}

static const char *probe_smap(void)
{
    probe_error = NO_FAULT;
    CHECK(probe_read(PROBE_PAGE, true) == PROBE_BYTE && probe_error == NO_FAULT);
    CHECK(probe_read(PROBE_PAGE, false) == 0 && probe_error != NO_FAULT);
    CHECK(probe_address == PROBE_PAGE);
    CHECK((probe_error & (PF_PRESENT | PF_USER | PF_WRITE)) == PF_PRESENT); /* kernel read */
    return NULL;
}

static const char *probe_smep(void)
{
    probe_error = NO_FAULT;
    probe_execute(PROBE_PAGE);
    CHECK(probe_error != NO_FAULT && probe_address == PROBE_PAGE);
    CHECK((probe_error & (PF_PRESENT | PF_USER | PF_FETCH)) == (PF_PRESENT | PF_FETCH));
    return NULL;
}

/* With SMAP, the kernel reads a user page only inside a user-access window. */
static const char *test_smap(const struct boot_info *info)
{
    (void)info;
    static const uint8_t data[] = {PROBE_BYTE};
    return with_user_page(CR4_SMAP, "smap", VM_WRITE, data, sizeof(data), probe_smap);
}

/* With SMEP, the kernel cannot run user code even when the page is executable. */
static const char *test_smep(const struct boot_info *info)
{
    (void)info;
    static const uint8_t code[] = {JMP_RAX_BYTE};
    return with_user_page(CR4_SMEP, "smep", VM_EXEC, code, sizeof(code), probe_smep);
}

static volatile int breakpoints_seen;

static void count_breakpoint(struct trap_frame *frame)
{
    (void)frame;
    breakpoints_seen++;
}

/* An exception routed to a handler returns to the next instruction. */
static const char *test_exceptions(const struct boot_info *info)
{
    (void)info;
    trap_set_handler(VEC_BREAKPOINT, count_breakpoint);
    __asm__ volatile("int3");
    __asm__ volatile("int3");
    trap_set_handler(VEC_BREAKPOINT, NULL);
    CHECK(breakpoints_seen == 2);
    return NULL;
}

static const char *test_timer(const struct boot_info *info)
{
    (void)info;
    CHECK(interrupts_enabled());
    uint64_t start = timer_ticks();
    uint64_t ms = uptime_ms();
    timer_wait_ms(50);
    CHECK(timer_ticks() - start >= 50 * TIMER_HZ / 1000 - 1);
    CHECK(uptime_ms() - ms >= 50);
    return NULL;
}

static const char *test_format(const struct boot_info *info)
{
    (void)info;
    char buf[64];
    ksnprintf(buf, sizeof(buf), "%d|%5u|%-3x|%05X|%s|%c|%%", -42, 7u, 0xau, 0xbeefu, "ok", 'z');
    CHECK(strcmp(buf, "-42|    7|a  |0BEEF|ok|z|%") == 0);
    ksnprintf(buf, sizeof(buf), "%p %lld", (void *)0xffffffff80100000ULL, -9000000000LL);
    CHECK(strcmp(buf, "0xffffffff80100000 -9000000000") == 0);
    return NULL;
}

/* Scancodes in, characters out: shift, ctrl and an arrow key. */
static const char *test_keyboard(const struct boot_info *info)
{
    (void)info;
    static const uint8_t codes[] = {0x1E, 0x2A, 0x1E, 0xAA, 0x1D, 0x2E, 0x9D, 0xE0, 0x48, 0x1C};
    static const char expect[] = {'a', 'A', CTRL('c'), '\033', '[', 'A', '\n'};
    char c;
    while (console_try_getc(&c))
        ;
    /* Interrupts off: a real key press must not interleave with ours. */
    bool irq = irq_save();
    for (unsigned i = 0; i < sizeof(codes); i++)
        keyboard_handle_scancode(codes[i]);
    irq_restore(irq);
    for (unsigned i = 0; i < sizeof(expect); i++) {
        CHECK(console_try_getc(&c));
        CHECK(c == expect[i]);
    }
    CHECK(!console_try_getc(&c));
    return NULL;
}

/* Both console devices: serial carried this line; the screen must show it. */
static const char *test_console(const struct boot_info *info)
{
    if (info->framebuffer.kind == FRAMEBUFFER_NONE || screen_rows() == 0)
        return NULL; /* no screen to check: serial alone */
    static const char marker[] = "selftest: console marker 7Q";
    kprintf("%s\n", marker);
    /* The marker is on the row above the cursor's, which may have scrolled. */
    for (unsigned row = 0; row < screen_rows(); row++) {
        unsigned col = 0;
        while (col < sizeof(marker) - 1 && screen_char_at(col, row) == marker[col])
            col++;
        if (col == sizeof(marker) - 1)
            return NULL;
    }
    return "marker not found on the screen";
}

static const struct {
    const char *name;
    selftest_fn fn;
} tests[] = {
    {"frames", test_frames},
    {"paging", test_paging},
    {"kstacks", test_kernel_stacks},
    {"smep", test_smep},
    {"smap", test_smap},
    {"heap", test_heap},
    {"bad-free", test_bad_free},
    {"exceptions", test_exceptions},
    {"timer", test_timer},
    {"format", test_format},
    {"keyboard", test_keyboard},
    {"console", test_console},
};

void selftest_run(const struct boot_info *info)
{
    unsigned passed = 0, failed = 0;
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        const char *reason = tests[i].fn(info);
        if (reason) {
            failed++;
            kprintf("selftest: %s: " ANSI_RED "FAILED (%s)" ANSI_RESET "\n", tests[i].name, reason);
        } else {
            passed++;
            kprintf("selftest: %s: ok\n", tests[i].name);
        }
    }
    kprintf("selftest: %u passed, %u failed\n", passed, failed);
    kprintf("selftest: powering off\n");
    acpi_poweroff();
    kprintf("selftest: ACPI power-off failed\n");
    for (;;)
        cpu_halt();
}

void selftest_trigger_page_fault(void)
{
    kprintf("panictest: writing to unmapped address 0xdead000\n");
    *(volatile uint64_t *)0xdead000 = 1;
    __builtin_unreachable();
}

/*
 * Never returns: the frame keeps a live local after the call, so this cannot
 * become a loop, and noinline keeps GCC from merging levels into one frame.
 */
__attribute__((noinline)) static uint64_t exhaust_stack(uint64_t depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth == 0) /* never: depth only grows, and the stack ends long before it wraps */
        return 0;
    return exhaust_stack(depth + 1) + (uint64_t)frame[0];
}

/* Runs on the kernel stack of the process that executed int3. */
static void overflow_kernel_stack(struct trap_frame *frame)
{
    (void)frame;
    kprintf("panictest: recursing on the kernel stack of %s[%d]\n", proc_current()->name,
            proc_current()->pid);
    exhaust_stack(1);
}

void selftest_panic_test(const char *cmdline)
{
    char kind[16];
    if (cmdline_has(cmdline, "panictest"))
        selftest_trigger_page_fault();
    if (cmdline_get(cmdline, "panictest", kind, sizeof(kind)) && strcmp(kind, "kstack") == 0)
        trap_set_handler(VEC_BREAKPOINT, overflow_kernel_stack);
}
