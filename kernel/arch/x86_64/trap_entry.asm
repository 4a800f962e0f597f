; Interrupt and exception entry stubs.
;
; Every one of the 256 vectors gets a stub that makes the stack look the same
; (a dummy error code where the CPU pushes none, then the vector number) and
; jumps to trap_common, which saves the general registers and calls
; trap_dispatch(struct trap_frame *). The layout pushed here must match
; struct trap_frame in trap.h, field for field, in reverse order.

bits 64
extern trap_dispatch
global trap_stubs
global trap_return

; Vectors for which the CPU itself pushes an error code (Intel SDM 3A, 6.3.1).
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

section .text
%assign v 0
%rep 256
trap_stub_ %+ v:
%if !HAS_ERROR_CODE(v)
    push 0
%endif
    push v
    jmp trap_common
%assign v v + 1
%endrep

trap_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld                             ; the C ABI expects DF clear
    mov rdi, rsp
    call trap_dispatch
; Also the way into a new context later: restore a trap_frame and iretq.
trap_return:
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                     ; vector and error code
    iretq

section .rodata
align 8
trap_stubs:
%assign v 0
%rep 256
    dq trap_stub_ %+ v
%assign v v + 1
%endrep
