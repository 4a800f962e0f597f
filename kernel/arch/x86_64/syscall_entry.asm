; The `syscall` instruction's entry point (its address is in MSR_LSTAR).
;
; syscall leaves us in ring 0 with rcx = user rip, r11 = user rflags and
; interrupts off (SFMASK clears IF), but still on the user's stack. We switch
; to the current process's kernel stack and build the same struct trap_frame
; an `int 0x80` would, so one C dispatcher serves both entries.
;
; The way out is sysret, which needs rcx = rip and r11 = rflags; the rip is
; always canonical (USER_MAP_END in memlayout.h explains why that matters).
;
; One CPU: the user rsp is parked in a global for the two instructions it
; takes to push it. (SMP will need swapgs and per-CPU storage here.)

bits 64
%include "kernel/arch/x86_64/trap_frame.inc"
extern syscall_fast
global syscall_entry
global syscall_kernel_rsp

%define SEL_USER_DATA (0x18 | 3)
%define SEL_USER_CODE (0x20 | 3)
%define VEC_SYSCALL 0x80

section .bss
syscall_kernel_rsp: resq 1     ; top of the current process's kernel stack
syscall_user_rsp:   resq 1

section .text
syscall_entry:
    mov [rel syscall_user_rsp], rsp
    mov rsp, [rel syscall_kernel_rsp]
    push SEL_USER_DATA              ; ss
    push qword [rel syscall_user_rsp] ; rsp
    push r11                        ; rflags
    push SEL_USER_CODE              ; cs
    push rcx                        ; rip
    push 0                          ; error code
    push VEC_SYSCALL                ; vector
    PUSH_GPRS
    cld
    mov rdi, rsp
    call syscall_fast
    POP_GPRS
    add rsp, 16                     ; vector and error code
    mov rcx, [rsp]                  ; rip
    mov r11, [rsp + 16]             ; rflags
    mov rsp, [rsp + 24]             ; the user's rsp
    o64 sysret
