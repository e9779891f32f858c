/*
 * Hooks that must not be C wrappers, because the real function looks at its caller:
 *  - vfork: the child would return through (and clobber) a wrapper's frame that the parent
 *    later resumes in;
 *  - dlopen: glibc searches the calling object's RPATH/RUNPATH and expands its $ORIGIN, and
 *    picks its namespace, from dlopen's return address. A wrapper would make that us.
 * Each stub calls a C function that records what it can (and returns the real function),
 * then jumps to the real function with the caller's return address still on top of the
 * stack, exactly as if the program had called it directly. What dlopen loaded is reported
 * afterwards (hook_lib.c, tt_libs_pending).
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

    .globl dlopen
    .type dlopen, @function
dlopen:
    .cfi_startproc
    push %rdi                 /* file */
    .cfi_adjust_cfa_offset 8
    push %rsi                 /* mode */
    .cfi_adjust_cfa_offset 8
    sub $8, %rsp
    .cfi_adjust_cfa_offset 8
    mov 24(%rsp), %rdi        /* the caller's return address */
    mov 16(%rsp), %rsi        /* file */
    call tt_dlopen_prepare
    add $8, %rsp
    .cfi_adjust_cfa_offset -8
    pop %rsi
    .cfi_adjust_cfa_offset -8
    pop %rdi
    .cfi_adjust_cfa_offset -8
    jmp *%rax
    .cfi_endproc
    .size dlopen, .-dlopen
#else
#error "stubs.S: only x86_64 is supported"
#endif
    .section .note.GNU-stack,"",@progbits
