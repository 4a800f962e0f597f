/*
 * User address spaces. A space is a page table whose lower half holds user
 * pages and whose upper half is the kernel's (memlayout.h). Today every
 * process runs in the one space of the userland image (the course's model:
 * processes share code and globals); a later exec gives each program its own.
 *
 * Locking: the kernel runs system calls with interrupts off on one CPU, so a
 * space cannot change between a check (vm_user_range_ok) and the access it
 * guards. All functions here expect interrupts off.
 */
#ifndef CHALK_MM_VM_H
#define CHALK_MM_VM_H

#include <stdbool.h>
#include <stdint.h>

/* Rights of user mappings. Pages are readable by user code whenever mapped. */
#define VM_WRITE 1u
#define VM_EXEC  2u

struct vm_space {
    uint64_t root;  /* physical address of the PML4 */
    unsigned users; /* processes running in it */
};

/* A new, empty space, or NULL when memory is out. */
struct vm_space *vm_space_create(void);

/* Counts one more process using space. */
void vm_space_get(struct vm_space *space);

/* Drops a user; the last one frees every page and table of the space. */
void vm_space_put(struct vm_space *space);

/*
 * Maps [virt, virt + size) (page-aligned, user half) to fresh zeroed frames
 * with rights, never both VM_WRITE and VM_EXEC (W^X: stacks and the heap
 * are writable and not executable, code the other way round). Returns 0,
 * or -ENOMEM after undoing what it mapped.
 */
int vm_map_zeroed(struct vm_space *space, uint64_t virt, uint64_t size, unsigned rights);

/* Unmaps [virt, virt + size) and frees the frames behind it. */
void vm_unmap_free(struct vm_space *space, uint64_t virt, uint64_t size);

/* The kernel address through which user page virt of space can be written. */
void *vm_kernel_address(struct vm_space *space, uint64_t virt);

/* Switches the CPU to space (NULL: the kernel's own tables). */
void vm_activate(struct vm_space *space);

/* The space the CPU is in, or NULL when it is in the kernel's own tables. */
struct vm_space *vm_active(void);

/*
 * True when every byte of [addr, addr + len) lies in user space and is
 * mapped user-accessible in space (and writable, if write). len 0 is true.
 */
bool vm_user_range_ok(struct vm_space *space, uint64_t addr, uint64_t len, bool write);

/* True when addr is in user space and mapped user-executable in space. */
bool vm_user_code_ok(struct vm_space *space, uint64_t addr);

#endif
