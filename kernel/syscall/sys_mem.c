/* Memory calls: the user heap (mm/uheap.h) and memory figures. */
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/sched.h"
#include "syscall/handlers.h"

int64_t sys_malloc(const struct syscall_args *args)
{
    return uheap_alloc(&proc_current()->heap, args->arg[0]);
}

int64_t sys_free(const struct syscall_args *args)
{
    if (args->arg[0] == 0)
        return 0;
    return uheap_free(&proc_current()->heap, args->arg[0]);
}

int64_t sys_memstats(const struct syscall_args *args)
{
    struct chalk_mem_stats out = {0};
    struct heap_stats heap;
    struct frame_stats frames;
    const struct proc *self = proc_current();

    strlcpy(out.manager, heap_manager_name, sizeof(out.manager));
    uheap_stats(&heap);
    out.heap_total = heap.total;
    out.heap_used = heap.used;
    out.heap_free = heap.free;
    out.heap_largest_free = heap.largest_free;
    out.heap_blocks = heap.allocations;
    out.heap_poisoned = heap.poisoned;
    out.mine_bytes = self->heap.bytes;
    out.mine_blocks = self->heap.count;
    mm_frame_stats(&frames);
    out.frames_total = frames.total;
    out.frames_free = frames.free;
    mm_kernel_heap_stats(&heap);
    out.kernel_heap_used = heap.used;
    out.kernel_heap_total = heap.total;
    return copy_to_user(args->arg[0], &out, sizeof(out));
}
