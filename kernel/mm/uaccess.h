/*
 * The only way the kernel touches memory named by a user program. A user
 * pointer is carried as a uint64_t ("uptr"), never as a C pointer, so it
 * cannot be dereferenced by accident; these helpers check that the whole
 * range is user memory, mapped with the rights needed, in the active address
 * space, before copying. Interrupts must be off (see vm.h): nothing can unmap
 * the range between the check and the copy. The copy itself runs in a
 * user-access window (arch/x86_64/smap.h): with SMAP on, a kernel access to
 * user memory anywhere else faults.
 */
#ifndef CHALK_MM_UACCESS_H
#define CHALK_MM_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/* Copies n bytes from user address usrc. 0, or -EFAULT (nothing copied). */
int copy_from_user(void *dst, uint64_t usrc, size_t n);

/* Copies n bytes to user address udst. 0, or -EFAULT (nothing copied). */
int copy_to_user(uint64_t udst, const void *src, size_t n);

/*
 * Copies the string at usrc, terminator included, into dst of size bytes.
 * Returns its length, -EFAULT when it runs into memory the caller cannot
 * read, or -ENAMETOOLONG when it does not fit.
 */
long copy_string_from_user(char *dst, uint64_t usrc, size_t size);

#endif
