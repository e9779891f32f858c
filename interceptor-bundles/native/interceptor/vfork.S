/*
 * vfork must not be wrapped by a C function: the child would return through (and clobber)
 * the wrapper's frame that the parent resumes in. This stub records the event through
 * tt_vfork_prepare, then jumps to the real vfork with the caller's return address still on
 * top of the stack, exactly as if the program had called it directly.
 */
#if defined(__x86_64__)
    .text
    .globl vfork
    .type vfork, @function
vfork:
    .cfi_startproc
    sub $8, %rsp              /* keep the stack 16-byte aligned for the C call */
    .cfi_adjust_cfa_offset 8
    call tt_vfork_prepare
    add $8, %rsp
    .cfi_adjust_cfa_offset -8
    jmp *%rax
    .cfi_endproc
    .size vfork, .-vfork
#else
#error "vfork.S: only x86_64 is supported"
#endif
    .section .note.GNU-stack,"",@progbits
