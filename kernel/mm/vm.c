/*
 * User address spaces over the page-table code in arch/x86_64/paging.c.
 * Every user page is backed by a frame of its own, allocated and zeroed when
 * mapped (no demand paging yet) and freed when unmapped or when the space
 * dies.
 */
#include "mm/vm.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "mm/memlayout.h"
#include "mm/mm.h"

static struct vm_space *active;

struct vm_space *vm_space_create(void)
{
    struct vm_space *space = kzalloc(sizeof(*space));
    if (!space)
        return NULL;
    space->root = paging_new_root();
    if (!space->root) {
        kfree(space);
        return NULL;
    }
    return space;
}

void vm_space_get(struct vm_space *space)
{
    space->users++;
}

void vm_space_put(struct vm_space *space)
{
    KASSERT(space->users > 0);
    if (--space->users > 0)
        return;
    if (active == space)
        vm_activate(NULL);
    paging_free_root(space->root);
    kfree(space);
}

static bool user_page_range(uint64_t virt, uint64_t size)
{
    return virt % PAGE_SIZE == 0 && size % PAGE_SIZE == 0 && virt >= USER_BASE &&
           virt <= USER_MAP_END && size <= USER_MAP_END - virt;
}

int vm_map_zeroed(struct vm_space *space, uint64_t virt, uint64_t size, unsigned rights)
{
    KASSERT(user_page_range(virt, size));
    KASSERT(!((rights & VM_WRITE) && (rights & VM_EXEC))); /* W^X for user pages too */
    uint64_t flags =
        PTE_USER | (rights & VM_WRITE ? PTE_WRITE : 0) | (rights & VM_EXEC ? PTE_EXECUTE_OK : 0);
    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        uint64_t frame = mm_alloc_frame();
        if (!frame || paging_map(space->root, virt + offset, frame, flags) < 0) {
            if (frame)
                mm_free_frames(frame, 1);
            vm_unmap_free(space, virt, offset);
            return -ENOMEM;
        }
    }
    return 0;
}

void vm_unmap_free(struct vm_space *space, uint64_t virt, uint64_t size)
{
    KASSERT(user_page_range(virt, size));
    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        uint64_t old = paging_unmap(space->root, virt + offset);
        if (old)
            mm_free_frames(old & PTE_ADDRESS_MASK, 1);
    }
}

void *vm_kernel_address(struct vm_space *space, uint64_t virt)
{
    uint64_t entry = paging_query(space->root, virt);
    KASSERT(entry);
    return (char *)phys_to_virt(entry & PTE_ADDRESS_MASK) + virt % PAGE_SIZE;
}

void vm_activate(struct vm_space *space)
{
    if (space == active)
        return;
    active = space;
    write_cr3(space ? space->root : paging_kernel_root());
}

struct vm_space *vm_active(void)
{
    return active;
}

bool vm_user_range_ok(struct vm_space *space, uint64_t addr, uint64_t len, bool write)
{
    if (len == 0)
        return true;
    if (!space || addr < USER_BASE || addr >= USER_TOP || len > USER_TOP - addr)
        return false;
    uint64_t need = PTE_PRESENT | PTE_USER | (write ? PTE_WRITE : 0);
    for (uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE); page < addr + len; page += PAGE_SIZE)
        if ((paging_query(space->root, page) & need) != need)
            return false;
    return true;
}

bool vm_user_code_ok(struct vm_space *space, uint64_t addr)
{
    if (!vm_user_range_ok(space, addr, 1, false))
        return false;
    return !(paging_query(space->root, addr) & PTE_NX);
}
