; The 32-bit entry: from GRUB's protected mode to Chalk's 64-bit kmain.
;
; GRUB jumps to _start in 32-bit protected mode with paging off, EAX holding
; the multiboot2 magic and EBX the physical address of the boot information.
; GRUB's GDT and stack are not ours to use. This file:
;   1. checks that GRUB booted us and that the CPU can run 64-bit code;
;   2. builds boot page tables that map the first 4 GiB three times:
;        identity           0x0000000000000000   so this code keeps running
;        direct map         0xFFFF800000000000   physical memory, for C code
;        kernel image       0xFFFFFFFF80000000   where the kernel is linked
;      using 2 MiB pages (the default QEMU CPU has no 1 GiB pages);
;   3. turns on PAE, long mode (EFER.LME), no-execute (EFER.NXE) and paging;
;   4. loads a minimal 64-bit GDT and far-jumps into 64-bit code;
;   5. jumps to the higher half, sets the kernel stack and calls kmain.
; The C side (arch/x86_64/gdt.c, paging.c) then replaces the boot GDT with the
; full one (user segments, TSS) and the boot page tables with the final ones,
; dropping the identity map so the lower half belongs to user space.
;
; Everything in the .boot.* sections is linked at its physical address, so
; this code runs before paging without any address arithmetic.

KERNEL_VMA   equ 0xFFFFFFFF80000000
MB2_BOOT_MAGIC equ 0x36D76289

PTE_PRESENT  equ 1 << 0
PTE_WRITE    equ 1 << 1
PTE_HUGE     equ 1 << 7

CR0_WP       equ 1 << 16
CR0_PG       equ 1 << 31
CR4_PAE      equ 1 << 5
MSR_EFER     equ 0xC0000080
EFER_LME     equ 1 << 8
EFER_NXE     equ 1 << 11

COM1         equ 0x3F8

extern kmain

global _start

section .boot.text
bits 32
_start:
    cli
    cld
    mov esp, boot32_stack_top
    mov edi, eax                    ; keep magic and info pointer for kmain
    mov esi, ebx

    cmp edi, MB2_BOOT_MAGIC
    jne .not_multiboot2

    ; CPUID exists when EFLAGS.ID (bit 21) can be toggled.
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    cmp eax, ecx
    je .no_long_mode

    mov eax, 0x80000000             ; highest extended leaf
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29               ; LM: long mode
    jz .no_long_mode
    mov ebp, edx                    ; bit 20 = NX, used below

    call build_boot_page_tables

    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax

    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    test ebp, 1 << 20
    jz .no_nx
    or eax, EFER_NXE
.no_nx:
    wrmsr

    mov eax, cr0
    or eax, CR0_PG | CR0_WP
    mov cr0, eax                    ; now in compatibility mode

    lgdt [boot_gdt_pointer]
    jmp BOOT_CODE64:long_mode_entry

.not_multiboot2:
    mov ebx, msg_not_multiboot2
    jmp boot_fail
.no_long_mode:
    mov ebx, msg_no_long_mode
    jmp boot_fail

; Fills the boot tables: PML4[0] and PML4[256] share one PDPT whose four
; entries point at four page directories covering 0-4 GiB; PML4[511] points at
; a PDPT whose entry 510 (-2 GiB) reuses the first page directory.
build_boot_page_tables:
    mov eax, boot_pdpt_low
    or eax, PTE_PRESENT | PTE_WRITE
    mov [boot_pml4], eax
    mov [boot_pml4 + 256 * 8], eax
    mov eax, boot_pdpt_high
    or eax, PTE_PRESENT | PTE_WRITE
    mov [boot_pml4 + 511 * 8], eax

    mov eax, boot_pd
    or eax, PTE_PRESENT | PTE_WRITE
    mov [boot_pdpt_high + 510 * 8], eax
    xor ecx, ecx
.next_pdpt_entry:
    mov [boot_pdpt_low + ecx * 8], eax
    add eax, 4096
    inc ecx
    cmp ecx, 4
    jne .next_pdpt_entry

    ; 2048 huge-page entries: entry i maps i * 2 MiB. All of them lie below
    ; 4 GiB, so the upper dword of each entry stays zero (the tables are bss).
    xor ecx, ecx
.next_pd_entry:
    mov eax, ecx
    shl eax, 21
    or eax, PTE_PRESENT | PTE_WRITE | PTE_HUGE
    mov [boot_pd + ecx * 8], eax
    inc ecx
    cmp ecx, 2048
    jne .next_pd_entry
    ret

; Prints the string at EBX on COM1 and halts. Only for failures this early,
; before any console exists; every wait on the UART is bounded because the
; machine may have no serial port at all.
boot_fail:
    mov al, [ebx]
    test al, al
    jz .halt
    mov ecx, 100000
.wait_tx:
    mov dx, COM1 + 5
    in al, dx
    test al, 0x20
    jnz .send
    loop .wait_tx
.send:
    mov dx, COM1
    mov al, [ebx]
    out dx, al
    inc ebx
    jmp boot_fail
.halt:
    cli
    hlt
    jmp .halt

bits 64
long_mode_entry:
    mov ax, BOOT_DATA64
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rax, higher_half_entry
    jmp rax

section .boot.data
align 8
; Null, 64-bit kernel code, kernel data: just enough to enter long mode.
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF
    dq 0x00CF92000000FFFF
boot_gdt_end:
BOOT_CODE64 equ 0x08
BOOT_DATA64 equ 0x10

boot_gdt_pointer:
    dw boot_gdt_end - boot_gdt - 1
    dq boot_gdt

msg_not_multiboot2: db "Chalk: not booted by a multiboot2 loader", 13, 10, 0
msg_no_long_mode:   db "Chalk: this CPU has no 64-bit long mode; Chalk needs x86-64", 13, 10, 0

section .boot.bss nobits
alignb 4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
boot32_stack:   resb 1024
boot32_stack_top:

; kmain's stack, later the idle task's, page aligned above a guard page that
; paging.c leaves unmapped: an overflow faults (proc/kstack.c) instead of
; running into whatever .bss holds below.
section .bss.boot_stack nobits alloc noexec write align=4096
global boot_stack_guard
global boot_stack
global boot_stack_top
boot_stack_guard: resb 4096
boot_stack:       resb 16384
boot_stack_top:

section .text
bits 64
; Now running at the kernel's link address. RBP = 0 ends the backtrace chain.
global higher_half_entry
higher_half_entry:
    mov rsp, boot_stack_top
    xor ebp, ebp
    mov edi, edi                    ; zero-extend magic
    mov esi, esi                    ; zero-extend info pointer
    call kmain
.hang:
    cli
    hlt
    jmp .hang
