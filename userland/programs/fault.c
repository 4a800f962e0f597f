/*
 * fault: misbehave on purpose. Each kind is something a buggy or hostile
 * program does; the kernel must end the process, for the reason the kind's
 * entry in fault_kinds names (the parent sees EXIT_FAULT(reason)), and
 * carry on. test robust runs them all.
 */
#include "programs/fault.h"

#include <programs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Addresses in the kernel's half, where user code has no rights. */
#define KERNEL_ADDRESS      0xFFFFFFFF80100000ULL /* its code */
#define KERNEL_DATA_ADDRESS 0xFFFF800001000000ULL /* the direct map: 16 MiB into memory */
#define UNMAPPED_ADDRESS    0x700000000000ULL     /* between the heap and the stacks */
/* The first address past user space: neither half, so no page table can map it. */
#define NONCANONICAL_ADDRESS 0x800000000000ULL

static int64_t fault_main(uint64_t argc, char *argv[]);

PROGRAM(fault, .main = fault_main, .summary = "make the process fault, on purpose",
        .usage = "fault KIND (man fault lists the kinds)",
        .manual = "Does something no program may do, to show that the kernel ends the\n"
                  "process and nothing else. Each kind names, after the colon, the reason\n"
                  "the kernel kills it for, in its kill line and in the exit status:\n"
                  "  null               writes through a NULL pointer: NULL pointer\n"
                  "  read-null          reads through a NULL pointer: NULL pointer\n"
                  "  jump-null          calls a NULL function pointer: NULL pointer\n"
                  "  kernel             writes to the kernel's code: kernel memory\n"
                  "  kernel-data        writes to the kernel's data (its view of all\n"
                  "                     memory): kernel memory\n"
                  "  read-kernel        reads a kernel address: kernel memory\n"
                  "  jump-kernel        calls a kernel address: kernel memory\n"
                  "  unmapped           writes where nothing is mapped: unmapped page\n"
                  "  write-code         writes over its own code: write to read-only page\n"
                  "  exec-stack         runs an instruction it put on its stack:\n"
                  "                     non-executable page\n"
                  "  exec-heap          runs an instruction it put in a malloc'd block:\n"
                  "                     non-executable page\n"
                  "  stack              recurses without end until the stack runs into\n"
                  "                     the guard below it: stack overflow\n"
                  "  divide             divides by zero: divide error\n"
                  "  opcode             runs an undefined instruction, ud2: invalid opcode\n"
                  "  breakpoint         runs int3 with no debugger to catch it: breakpoint\n"
                  "  hlt, cli, in, out, lgdt, wrmsr, mov-cr3\n"
                  "                     runs that instruction, which only the kernel may:\n"
                  "                     general protection fault\n"
                  "  int-irq            runs int 0x20, pretending to be the timer: general\n"
                  "                     protection fault\n"
                  "  read-noncanonical  reads 0x800000000000, the first address past user\n"
                  "                     space, in the hole no page table maps: general\n"
                  "                     protection fault\n"
                  "  jump-noncanonical  calls that address: general protection fault\n"
                  "  stack-noncanonical pushes with the stack pointer there: general\n"
                  "                     protection fault\n"
                  "  x87                divides by zero on the x87 with that exception\n"
                  "                     unmasked: floating-point exception\n"
                  "  single-step        sets the trap flag with no debugger: other\n"
                  "                     exception (Debug)\n"
                  "  heap               scribbles over freed blocks and its neighbours'\n"
                  "                     headers, then keeps calling malloc and free: the\n"
                  "                     heap may refuse (it is poisoned for everyone until\n"
                  "                     reboot), the kernel must not die; it exits with 0\n");

/*
 * The compiler may assume a program never writes through NULL and replace
 * such a write with anything; reading the address through a volatile hides
 * it, so the write really happens.
 */
static void write_to(uint64_t address)
{
    volatile uint64_t hidden = address;
    *(volatile int *)(uintptr_t)hidden = 1;
}

static void null_write(void)
{
    write_to(0);
}

static void kernel_write(void)
{
    write_to(KERNEL_ADDRESS);
}

static void read_from(uint64_t address)
{
    volatile uint64_t hidden = address;
    volatile int value = *(volatile int *)(uintptr_t)hidden;
    (void)value;
}

static void kernel_read(void)
{
    read_from(KERNEL_ADDRESS);
}

/* Calls address as a function: the fetch of its first instruction is what faults. */
static void call_at(uint64_t address)
{
    volatile uint64_t hidden = address;
    ((void (*)(void))(uintptr_t)hidden)();
}

static void kernel_jump(void)
{
    call_at(KERNEL_ADDRESS);
}

static void null_read(void)
{
    read_from(0);
}

static void null_jump(void)
{
    call_at(0);
}

static void kernel_data_write(void)
{
    write_to(KERNEL_DATA_ADDRESS);
}

static void unmapped_write(void)
{
    write_to(UNMAPPED_ADDRESS);
}

static void noncanonical_read(void)
{
    read_from(NONCANONICAL_ADDRESS);
}

static void noncanonical_jump(void)
{
    call_at(NONCANONICAL_ADDRESS);
}

/*
 * A push with rsp out of the canonical range: a stack-segment fault on a
 * real CPU, a general protection fault under QEMU, one reason to Chalk.
 * (The push writes 8 bytes below rsp, so rsp sits 16 bytes above the first
 * non-canonical address.)
 */
static void noncanonical_push(void)
{
    __asm__ volatile("mov %%rsp, %%rbx\n"
                     "mov %0, %%rsp\n"
                     "push $0\n"
                     "mov %%rbx, %%rsp"
                     :
                     : "r"(NONCANONICAL_ADDRESS + 16)
                     : "rbx", "memory");
}

static void code_write(void)
{
    write_to((uint64_t)(uintptr_t)code_write);
}

/* Puts a ret (0xC3) at where and runs it: the page is data, so no-execute. */
static void run_data(uint8_t *where)
{
    where[0] = 0xC3;
    call_at((uint64_t)(uintptr_t)where);
}

static void stack_execute(void)
{
    uint8_t code[16];
    run_data(code);
}

static void heap_execute(void)
{
    uint8_t *block = malloc(16);
    if (block)
        run_data(block);
    else
        printf("fault: malloc failed, nothing to run\n");
}

/* Both operands unknown to the compiler, or it computes 1 / x without dividing. */
static void divide_by_zero(void)
{
    volatile int one = 1, zero = 0;
    volatile int result = one / zero;
    (void)result;
}

static void invalid_opcode(void)
{
    __asm__ volatile("ud2");
}

/* The frame keeps a live local after the call, so the recursion cannot become a loop. */
static uint64_t recurse(uint64_t depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth == 0) /* never: depth only grows, and the stack ends long before it wraps */
        return 0;
    return recurse(depth + 1) + (uint64_t)frame[0];
}

static void stack_overflow(void)
{
    recurse(1);
}

/* Instructions only ring 0 may run; each must raise a general protection fault. */
static void run_hlt(void)
{
    __asm__ volatile("hlt");
}

static void run_cli(void)
{
    __asm__ volatile("cli");
}

/* There is no I/O permission bitmap: ring 3 may touch no port. */
static void run_in(void)
{
    uint8_t value;
    __asm__ volatile("inb $0x60, %0" : "=a"(value));
    (void)value;
}

static void run_out(void)
{
    __asm__ volatile("outb %0, $0x80" : : "a"((uint8_t)0));
}

static void run_lgdt(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) table = {0, 0};
    __asm__ volatile("lgdt %0" : : "m"(table));
}

static void run_wrmsr(void)
{
    __asm__ volatile("wrmsr" : : "c"(0x10), "a"(0), "d"(0)); /* 0x10: the time-stamp counter */
}

static void run_mov_cr3(void)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(0ULL) : "memory");
}

/* int n reaches only gates marked for ring 3 (int3 and int 0x80); the timer's is not. */
static void run_int_irq(void)
{
    __asm__ volatile("int $0x20");
}

static void breakpoint(void)
{
    __asm__ volatile("int3");
}

/*
 * 1 / 0 on the x87 with its zero-divide exception unmasked (bit 2 of the
 * control word). The x87 reports the error at the next instruction that
 * checks for one: fwait says so outright (the assembler merges it into the
 * fstp as a prefix). The divisor is in memory: with two registers, the
 * assembler's operand order for fdiv is easy to get backwards (0 / 1
 * raises nothing).
 */
static void x87_divide_by_zero(void)
{
    uint16_t control = 0x037F & ~0x4;
    float zero = 0;
    __asm__ volatile("fninit\n"
                     "fldcw %0\n"
                     "fld1\n"
                     "fdivs %1\n"
                     "fwait\n"
                     "fstp %%st(0)"
                     :
                     : "m"(control), "m"(zero));
}

/* The trap flag (bit 8 of rflags): a debug exception after the next instruction. */
static void single_step(void)
{
    __asm__ volatile("pushfq\n"
                     "orq $0x100, (%%rsp)\n"
                     "popfq\n"
                     "nop"
                     :
                     :
                     : "cc", "memory");
}

/* Use after free and overflow: garbage where the manager keeps its links and headers. */
static void heap_scribble(void)
{
    enum { BLOCKS = 16, SIZE = 64 };
    uint8_t *blocks[BLOCKS];
    for (int i = 0; i < BLOCKS; i++)
        blocks[i] = malloc(SIZE);
    for (int i = 0; i < BLOCKS; i += 2)
        free(blocks[i]);
    uint64_t junk = 0x0123456789abcdefULL;
    for (int i = 0; i < BLOCKS; i++) {
        if (!blocks[i])
            continue;
        /* From 32 bytes before the block to 32 after: its header, its links, the next header. */
        for (int b = -32; b < SIZE + 32; b++) {
            junk = junk * 6364136223846793005ULL + 1442695040888963407ULL;
            blocks[i][b] = (uint8_t)(junk >> 56);
        }
    }
    int refused = 0;
    for (int round = 0; round < 1000; round++) {
        void *p = malloc(1 + round % 200);
        if (!p)
            refused++;
        free(p);
    }
    for (int i = 1; i < BLOCKS; i += 2)
        free(blocks[i]);
    printf("fault: the kernel survived; %d of 1000 mallocs refused afterwards\n", refused);
}

const struct fault_kind fault_kinds[] = {
    {"null", "writing through a NULL pointer", null_write, FAULT_NULL_POINTER},
    {"read-null", "reading through a NULL pointer", null_read, FAULT_NULL_POINTER},
    {"jump-null", "calling a NULL function pointer", null_jump, FAULT_NULL_POINTER},
    {"kernel", "writing to the kernel's code", kernel_write, FAULT_KERNEL_MEMORY},
    {"kernel-data", "writing to the kernel's data", kernel_data_write, FAULT_KERNEL_MEMORY},
    {"read-kernel", "reading a kernel address", kernel_read, FAULT_KERNEL_MEMORY},
    {"jump-kernel", "calling a kernel address", kernel_jump, FAULT_KERNEL_MEMORY},
    {"unmapped", "writing where nothing is mapped", unmapped_write, FAULT_UNMAPPED_PAGE},
    {"write-code", "writing over its own code", code_write, FAULT_READ_ONLY},
    {"exec-stack", "running code on its stack", stack_execute, FAULT_NOT_EXECUTABLE},
    {"exec-heap", "running code in the heap", heap_execute, FAULT_NOT_EXECUTABLE},
    {"stack", "recursing forever", stack_overflow, FAULT_STACK_OVERFLOW},
    {"divide", "dividing by zero", divide_by_zero, FAULT_DIVIDE},
    {"opcode", "running ud2", invalid_opcode, FAULT_INVALID_OPCODE},
    {"breakpoint", "running int3", breakpoint, FAULT_BREAKPOINT},
    {"hlt", "running hlt in user mode", run_hlt, FAULT_GENERAL_PROTECTION},
    {"cli", "running cli in user mode", run_cli, FAULT_GENERAL_PROTECTION},
    {"in", "reading an I/O port", run_in, FAULT_GENERAL_PROTECTION},
    {"out", "writing an I/O port", run_out, FAULT_GENERAL_PROTECTION},
    {"lgdt", "loading a descriptor table", run_lgdt, FAULT_GENERAL_PROTECTION},
    {"wrmsr", "writing a model-specific register", run_wrmsr, FAULT_GENERAL_PROTECTION},
    {"mov-cr3", "switching page tables", run_mov_cr3, FAULT_GENERAL_PROTECTION},
    {"int-irq", "raising the timer's interrupt", run_int_irq, FAULT_GENERAL_PROTECTION},
    {"read-noncanonical", "reading a non-canonical address", noncanonical_read,
     FAULT_GENERAL_PROTECTION},
    {"jump-noncanonical", "calling a non-canonical address", noncanonical_jump,
     FAULT_GENERAL_PROTECTION},
    {"stack-noncanonical", "pushing onto a non-canonical stack", noncanonical_push,
     FAULT_GENERAL_PROTECTION},
    {"x87", "dividing by zero on the x87, unmasked", x87_divide_by_zero, FAULT_FLOATING_POINT},
    {"single-step", "setting the trap flag", single_step, FAULT_OTHER},
    {"heap", "corrupting the user heap", heap_scribble, 0},
};

const size_t fault_kind_count = sizeof(fault_kinds) / sizeof(fault_kinds[0]);

const struct fault_kind *fault_kind_find(const char *name)
{
    for (size_t i = 0; i < fault_kind_count; i++)
        if (strcmp(fault_kinds[i].name, name) == 0)
            return &fault_kinds[i];
    return NULL;
}

static int64_t fault_main(uint64_t argc, char *argv[])
{
    const struct fault_kind *kind = argc == 1 ? fault_kind_find(argv[0]) : NULL;
    if (!kind)
        return program_usage(&program_fault);
    printf("fault: %s\n", kind->what);
    kind->misbehave();
    if (!kind->reason)
        return 0; /* not a CPU fault: surviving is the point */
    printf("fault: still running: the kernel let it pass\n");
    return 1;
}
