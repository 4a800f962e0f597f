; Interrupt and exception entry stubs.
;
; Every one of the 256 vectors gets a stub that makes the stack look the same
; (a dummy error code where the CPU pushes none, then the vector number) and
; jumps to trap_common, which saves the general registers and calls
; trap_dispatch(struct trap_frame *). The layout pushed here must match
; struct trap_frame in trap.h, field for field, in reverse order.

bits 64
%include "kernel/arch/x86_64/trap_frame.inc"
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
    PUSH_GPRS
    ; Flags as the C code expects them, whatever the interrupted code had:
    ; DF clear (the ABI), AC clear (user code may set it, and with SMAP on
    ; it would open a user-access window for the whole handler). IF is
    ; already clear (interrupt gates); the saved RFLAGS comes back on iretq.
    push 2                          ; bit 1 always reads as 1
    popfq
    mov rdi, rsp
    call trap_dispatch
; Also the way into a new context later: restore a trap_frame and iretq.
trap_return:
    POP_GPRS
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
