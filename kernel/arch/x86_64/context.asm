; Kernel context switch.
;
; A process that is not running is parked inside context_switch: its kernel
; stack holds the callee-saved registers (the only ones the C ABI asks us to
; keep across a call) and a return address, and its struct proc holds the
; stack pointer. Switching is saving ours, loading theirs.
;
; uint64_t context_switch(uint64_t *save_rsp, uint64_t load_rsp, uint64_t handover)
; returns handover, as passed by whoever switched back to us, so the resumed
; side learns which process it came from (sched.c frees a dead one's stack).

bits 64
extern sched_finish_switch
extern trap_return
global context_switch
global process_first_entry

section .text
context_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    mov rax, rdx
    ret

; Where a new process's first context_switch "returns" to (proc.c builds its
; stack that way): finish the switch, then enter user mode through the trap
; frame that sits right above, as if returning from an interrupt.
process_first_entry:
    mov rdi, rax
    call sched_finish_switch
    jmp trap_return
