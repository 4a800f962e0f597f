/*
 * The checked copies between kernel and user memory. Each checks the user
 * range (vm_user_range_ok), then copies inside a user-access window
 * (smap.h), the only place besides the user heap's manager where the kernel
 * touches user pages: with SMAP on, any other access faults.
 */
#include "mm/uaccess.h"

#include "arch/x86_64/smap.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/vm.h"

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!vm_user_range_ok(vm_active(), usrc, n, false))
        return -EFAULT;
    user_access_begin();
    memcpy(dst, (const void *)usrc, n);
    user_access_end();
    return 0;
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!vm_user_range_ok(vm_active(), udst, n, true))
        return -EFAULT;
    user_access_begin();
    memcpy((void *)udst, src, n);
    user_access_end();
    return 0;
}

long copy_string_from_user(char *dst, uint64_t usrc, size_t size)
{
    /* A page at a time: the string may end just before an unmapped page. */
    for (size_t done = 0; done < size;) {
        uint64_t addr = usrc + done;
        size_t chunk = PAGE_SIZE - addr % PAGE_SIZE;
        if (chunk > size - done)
            chunk = size - done;
        if (!vm_user_range_ok(vm_active(), addr, chunk, false))
            return -EFAULT;
        const char *src = (const char *)addr;
        size_t n = 0;
        user_access_begin();
        while (n < chunk && (dst[done + n] = src[n]) != '\0')
            n++;
        user_access_end();
        if (n < chunk)
            return (long)(done + n);
        done += chunk;
    }
    return -ENAMETOOLONG;
}
