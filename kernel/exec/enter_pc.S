/*
 * The kernel's way into an app and back: ring 3 through SYSRET, services
 * and the app's return through SYSCALL.  (fomos-host keeps the portable
 * enter.S: a call on the app's own stack.)
 *
 * An app never executes anything special itself.  Its context holds the
 * addresses of small stubs on one shared read-only user page (copied from
 * exec_stubs below): stub n is
 *	mov %rcx, %r10; mov $n, %eax; syscall; ret
 * so a service is still a plain System V call for the app.  start() is
 * entered with its return address pointing at the last stub, which hands
 * start's int to the kernel with one more syscall (EXEC_SVC_RETURN).
 *
 * int exec_enter_user(fn, ctx, stack_top)   System V: rdi, rsi, rdx
 * int exec_enter(fn, ctx, stack_top)        the same, fn called in ring 0
 *                                           (the benchmark's baseline)
 * int64 exec_enter_user_call(fn, args, stack_top)
 * int64 exec_enter_call(fn, args, stack_top)
 *     fn(args[0], ..., args[4]): another app's service function, entered
 *     from inside the `call` service (a cross-app call).  The same way in
 *     and out, one level deeper on the kernel stack; SYSRET cannot set
 *     rcx (the fourth argument), so it lands on a trampoline stub that
 *     moves it from r10 and jumps to fn.
 *
 * Both save what System V says a callee keeps, the flags (IF, and AC,
 * which the kernel keeps set: user pages open to it outside services),
 * MXCSR and the x87 control word (an app may unmask FPU exceptions; the
 * kernel's SSE code must not trip on them), and note the stack pointer in
 * exec_kernel_rsp.  Everything leaves through exec_enter_exit with eax.
 *
 * SYSCALL (exec_syscall_entry, LSTAR) arrives with IF, TF, DF, AC and NT
 * cleared (FMASK), on the app's stack.  The kernel stack below
 * exec_kernel_rsp is free while an app runs: a service runs there, with
 * interrupts on (the timer keeps counting its time against the app's
 * budget), on the current app's table of services (exec_services).  On
 * the way back: a call the budget or a misuse cut short leaves through
 * exec_abort_landing instead; else the caller-saved registers are cleared
 * (nothing of the kernel's leaks) and SYSRET returns.
 *
 * Keep EXEC_SVC_COUNT and EXEC_SVC_RETURN equal to exec_plat.h's.
 */
#define EXEC_SVC_COUNT	31
#define EXEC_SVC_RETURN	63
#define MXCSR_DEFAULT	0x1f80
#define FCW_DEFAULT	0x037f

	.text
	.globl exec_enter
	.globl exec_enter_user
	.globl exec_enter_user_call
	.globl exec_enter_call
	.globl exec_call_trampoline
	.globl exec_syscall_entry
	.globl exec_abort_landing
	.globl exec_leave
	.globl exec_kernel_rsp
	.globl exec_user_return_stub
	.globl exec_stubs
	.globl exec_stubs_end
	.globl exec_return_stub_code
	.globl exec_in_service

#define ENTER_SAVE			\
	pushq %rbp;			\
	pushq %rbx;			\
	pushq %r12;			\
	pushq %r13;			\
	pushq %r14;			\
	pushq %r15;			\
	pushfq;				\
	subq $16, %rsp;			\
	stmxcsr (%rsp);			\
	fnstcw 4(%rsp);			\
	movq %rsp, exec_kernel_rsp(%rip)

exec_enter:
	ENTER_SAVE
	movq %rdx, %rsp			/* the app's stack, 16-byte aligned */
	xorl %ebp, %ebp			/* ends a backtrace at the app's first frame */
	movq %rdi, %rax
	movq %rsi, %rdi			/* fn(ctx) */
	callq *%rax
	jmp exec_enter_exit

exec_enter_user:
	ENTER_SAVE
	cli				/* SYSRET turns them back on (r11) */
	movq %rdi, %rcx			/* SYSRET's rip: start */
	movq %rsi, %rdi			/* start(ctx) */
	subq $8, %rdx
	movq exec_user_return_stub(%rip), %rax
	movq %rax, (%rdx)		/* start's return address; AC is set here */
	movq %rdx, %rsp
	movl $0x202, %r11d		/* IF, and the reserved bit 1 */
	ldmxcsr mxcsr_default(%rip)	/* a clean FPU state: nothing of the last app's */
	fldcw fcw_default(%rip)
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	sysretq

exec_enter_call:
	ENTER_SAVE
	movq %rdx, %rsp
	xorl %ebp, %ebp
	movq %rdi, %rax
	movq (%rsi), %rdi
	movq 16(%rsi), %rdx
	movq 24(%rsi), %rcx
	movq 32(%rsi), %r8
	movq 8(%rsi), %rsi
	callq *%rax
	jmp exec_enter_exit

/* The caller opened user memory (AC) to write the return address. */
exec_enter_user_call:
	ENTER_SAVE
	cli
	movq %rdi, %rax			/* fn: where the trampoline jumps */
	subq $8, %rdx
	movq exec_user_return_stub(%rip), %rcx
	movq %rcx, (%rdx)		/* fn's return address: the return stub */
	movq %rdx, %rsp
	movq (%rsi), %rdi		/* ctx */
	movq 16(%rsi), %rdx
	movq 24(%rsi), %r10		/* the trampoline's rcx */
	movq 32(%rsi), %r8
	movq 8(%rsi), %rsi
	movq exec_call_trampoline(%rip), %rcx
	movl $0x202, %r11d
	ldmxcsr mxcsr_default(%rip)
	fldcw fcw_default(%rip)
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %r9d, %r9d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	sysretq

exec_syscall_entry:
	movq %rsp, exec_user_rsp(%rip)
	movq exec_kernel_rsp(%rip), %rsp
	cmpl $EXEC_SVC_RETURN, %eax
	je 3f
	/* Kept on the kernel stack, not in exec_user_rsp: a cross-app call
	 * enters another app from inside this service, whose syscalls
	 * overwrite exec_user_rsp. */
	pushq exec_user_rsp(%rip)
	pushq %rcx			/* the app's rip after the syscall */
	pushq %r11			/* and its flags */
	subq $24, %rsp			/* the app's MXCSR and x87 control word; keeps 16-byte alignment */
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	ldmxcsr mxcsr_default(%rip)
	fldcw fcw_default(%rip)
	cmpl $EXEC_SVC_COUNT, %eax
	jae 4f
	movb $1, exec_in_service(%rip)
	movl %eax, %eax
	movq exec_services(%rip), %r11
	movq (%r11,%rax,8), %r11
	movq %r10, %rcx			/* the fourth argument, System V */
	sti
	callq *%r11
	cli
	movb $0, exec_in_service(%rip)
	cmpl $0, exec_call_aborted(%rip)
	jne exec_abort_landing		/* the budget ran out during the service */
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $24, %rsp
	popq %r11
	popq %rcx
	/* SYSRET to a non-canonical rip faults in ring 0 on Intel's CPUs,
	 * on the app's stack.  rcx came from a syscall instruction, so it
	 * cannot be, but the check is two instructions. */
	movq %rcx, %rdx
	shrq $47, %rdx
	jnz 5f
	popq %rsp			/* the app's */
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	sysretq

3:	/* start (or a service function) returned into the return stub:
	 * rdi holds what it returned */
	movq %rdi, %rax
	jmp exec_enter_exit
4:	/* a service number the context does not have */
	movl %eax, %edi
	callq exec_bad_service		/* System V; ends the call, never returns */
5:	ud2

exec_leave:
exec_abort_landing:
	movl $0x80000000, %eax		/* EXEC_ABORTED */
exec_enter_exit:
	movq exec_kernel_rsp(%rip), %rsp
	movb $0, exec_in_service(%rip)
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $16, %rsp
	popfq				/* the kernel's IF and AC */
	cld				/* the ABI's rule; a hostile app may break it */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	retq

/* The stub page's contents: copied to one user page, never run here. */
#define STUB(n)			\
	.p2align 4;		\
	movq %rcx, %r10;	\
	movl $(n), %eax;	\
	syscall;		\
	retq

	.p2align 4
exec_stubs:
	STUB(0)
	STUB(1)
	STUB(2)
	STUB(3)
	STUB(4)
	STUB(5)
	STUB(6)
	STUB(7)
	STUB(8)
	STUB(9)
	STUB(10)
	STUB(11)
	STUB(12)
	STUB(13)
	STUB(14)
	STUB(15)	/* version 5: net_socket ... net_info */
	STUB(16)
	STUB(17)
	STUB(18)
	STUB(19)
	STUB(20)
	STUB(21)
	STUB(22)
	STUB(23)
	STUB(24)
	STUB(25)
	STUB(26)	/* version 6: gpu_open ... gpu_show */
	STUB(27)
	STUB(28)
	STUB(29)
	STUB(30)
	.p2align 4
exec_return_stub_code:			/* at exec_stubs + 16 * EXEC_SVC_COUNT */
	movq %rax, %rdi
	movl $EXEC_SVC_RETURN, %eax
	syscall
	ud2
	.p2align 4
exec_trampoline_code:			/* the next 16 bytes: a cross-app call lands here */
	movq %r10, %rcx
	jmpq *%rax
exec_stubs_end:

	.data
	.p2align 3
exec_kernel_rsp:
	.quad 0
exec_user_rsp:
	.quad 0
exec_user_return_stub:		/* where the return stub is mapped, set by exec_pc.c */
	.quad 0
exec_call_trampoline:		/* and the trampoline */
	.quad 0
mxcsr_default:
	.long MXCSR_DEFAULT
fcw_default:
	.word FCW_DEFAULT
exec_in_service:
	.byte 0
