#include "mm/uaccess.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/vm.h"

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!vm_user_range_ok(vm_active(), usrc, n, false))
        return -EFAULT;
    memcpy(dst, (const void *)usrc, n);
    return 0;
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!vm_user_range_ok(vm_active(), udst, n, true))
        return -EFAULT;
    memcpy((void *)udst, src, n);
    return 0;
}

long copy_string_from_user(char *dst, uint64_t usrc, size_t size)
{
    /* Checked a page at a time: the string may end before an unmapped page. */
    for (size_t i = 0; i < size; i++) {
        uint64_t addr = usrc + i;
        if ((i == 0 || addr % PAGE_SIZE == 0) && !vm_user_range_ok(vm_active(), addr, 1, false))
            return -EFAULT;
        dst[i] = *(const char *)addr;
        if (dst[i] == '\0')
            return (long)i;
    }
    return -ENAMETOOLONG;
}
