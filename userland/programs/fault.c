/*
 * fault: misbehave on purpose. Each kind is something a buggy program does;
 * the kernel must end the process (the shell sees status -1) and carry on.
 */
#include <programs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An address in the kernel's half, where user code has no rights. */
#define KERNEL_ADDRESS 0xFFFFFFFF80100000ULL

static int64_t fault_main(uint64_t argc, char *argv[]);

PROGRAM(fault, .main = fault_main, .summary = "make the process fault, on purpose",
        .usage = "fault KIND (man fault lists the kinds)",
        .manual = "Does something no program may do, to show that the kernel ends the\n"
                  "process and nothing else:\n"
                  "  null         writes through a NULL pointer (page fault)\n"
                  "  kernel       writes to a kernel address (page fault: kernel memory)\n"
                  "  read-kernel  reads a kernel address (page fault: kernel memory)\n"
                  "  jump-kernel  calls a kernel address (page fault: kernel memory)\n"
                  "  write-code   writes over its own code (page fault: read-only page)\n"
                  "  exec-stack   runs an instruction it put on its stack (page fault:\n"
                  "               non-executable page)\n"
                  "  exec-heap    runs an instruction it put in a malloc'd block (page\n"
                  "               fault: non-executable page)\n"
                  "  divide       divides by zero (divide error)\n"
                  "  opcode       runs an undefined instruction, ud2 (invalid opcode)\n"
                  "  stack        recurses without end until the stack runs into the\n"
                  "               guard below it (page fault: stack overflow)\n"
                  "  gp           runs hlt, which only the kernel may (general protection)\n"
                  "  breakpoint   runs int3 with no debugger to catch it (breakpoint)\n"
                  "  heap         scribbles over freed blocks and its neighbours' headers,\n"
                  "               then keeps calling malloc and free: the heap may refuse\n"
                  "               (it is poisoned for everyone until reboot), the kernel\n"
                  "               must not die\n");

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

static void kernel_read(void)
{
    volatile uint64_t hidden = KERNEL_ADDRESS;
    volatile int value = *(volatile int *)(uintptr_t)hidden;
    (void)value;
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

static void privileged_instruction(void)
{
    __asm__ volatile("hlt");
}

static void breakpoint(void)
{
    __asm__ volatile("int3");
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

static const struct {
    const char *name;
    const char *what;
    void (*misbehave)(void);
} faults[] = {
    {"null", "writing through a NULL pointer", null_write},
    {"kernel", "writing to a kernel address", kernel_write},
    {"read-kernel", "reading a kernel address", kernel_read},
    {"jump-kernel", "calling a kernel address", kernel_jump},
    {"write-code", "writing over its own code", code_write},
    {"exec-stack", "running code on its stack", stack_execute},
    {"exec-heap", "running code in the heap", heap_execute},
    {"divide", "dividing by zero", divide_by_zero},
    {"opcode", "running ud2", invalid_opcode},
    {"stack", "recursing forever", stack_overflow},
    {"gp", "running hlt in user mode", privileged_instruction},
    {"breakpoint", "running int3", breakpoint},
    {"heap", "corrupting the user heap", heap_scribble},
};

static int64_t fault_main(uint64_t argc, char *argv[])
{
    if (argc != 1)
        return program_usage(&program_fault);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        if (strcmp(argv[0], faults[i].name) == 0) {
            printf("fault: %s\n", faults[i].what);
            faults[i].misbehave();
            if (faults[i].misbehave == heap_scribble)
                return 0; /* not a CPU fault: surviving is the point */
            printf("fault: still running: the kernel let it pass\n");
            return 1;
        }
    }
    return program_usage(&program_fault);
}
