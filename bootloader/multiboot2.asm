; The multiboot2 header: tells GRUB how to load Chalk (multiboot2 spec, 3.1).
; GRUB finds it in the first 32 KiB of kernel.elf, 8-byte aligned; the linker
; script puts the .multiboot section first.

MB2_MAGIC     equ 0xE85250D6
MB2_ARCH_I386 equ 0              ; enter in 32-bit protected mode
MB2_TAG_END   equ 0
MB2_TAG_FB    equ 5              ; framebuffer request
MB2_OPTIONAL  equ 1

section .multiboot
align 8
header_start:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd header_end - header_start
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (header_end - header_start)) & 0xFFFFFFFF

    ; Ask for a linear framebuffer. Optional: if GRUB cannot set a graphics
    ; mode it boots us anyway and reports EGA text (or nothing), and the
    ; screen console falls back. No EFI tags: GRUB then exits boot services
    ; and enters _start the same way under BIOS and UEFI.
align 8
    dw MB2_TAG_FB, MB2_OPTIONAL
    dd 20
    dd 1024                      ; width  (a preference, not a demand)
    dd 768                       ; height
    dd 32                        ; bits per pixel

align 8
    dw MB2_TAG_END, 0
    dd 8
header_end:
