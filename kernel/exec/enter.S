/*
 * Calling an app on its own stack, and the way back when it cannot return.
 *
 * int exec_enter(fn, ctx, stack_top)      System V ABI: rdi, rsi, rdx
 *
 * It is declared sysv_abi on the C side on purpose: then the C caller
 * already treats every xmm register as clobbered (and saves xmm6-15, which
 * its own Windows ABI must keep, once per round of apps, not once per app),
 * and this code only keeps what System V says a callee keeps (rbx, rbp,
 * r12-r15).  It notes the kernel's stack pointer in exec_kernel_rsp,
 * switches to the app's stack and calls fn(ctx).  When the app returns, its
 * int comes back in eax.
 *
 * When the app faults or overruns its time budget, the trap handler (the
 * kernel's) or the signal handler (fomos-host's) points the interrupted
 * context at exec_abort_landing instead of back into the app: it lands
 * there, eax becomes EXEC_ABORTED, and the same restore path returns to
 * exec_enter's caller as if the app had returned.  Nothing of the app's
 * stack is used on the way, so an overflowed stack is no obstacle.
 *
 * void exec_leave(void) is the same way out, taken from inside a service
 * the app called and misused: the service's frames, on the app's stack,
 * are simply left behind.
 *
 * Shared by the kernel (PE/COFF) and fomos-host (ELF, System V on both
 * sides of the call).
 */
	.text
	.globl exec_enter
	.globl exec_enter_call
	.globl exec_abort_landing
	.globl exec_leave
	.globl exec_kernel_rsp

#define ENTER_SAVE			\
	pushq %rbp;			\
	pushq %rbx;			\
	pushq %r12;			\
	pushq %r13;			\
	pushq %r14;			\
	pushq %r15;			\
	movq %rsp, exec_kernel_rsp(%rip)

exec_enter:
	ENTER_SAVE
	movq %rdx, %rsp			/* the app's stack, 16-byte aligned */
	xorl %ebp, %ebp			/* ends a backtrace at the app's first frame */
	movq %rdi, %rax
	movq %rsi, %rdi			/* fn(ctx) */
	callq *%rax
exec_enter_return:
	movq exec_kernel_rsp(%rip), %rsp
	cld				/* the ABI's rule; a hostile app may break it */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	retq

/* int64 exec_enter_call(fn, args, stack_top): fn(args[0..4]) on the
 * stack at stack_top (a cross-app call from inside a service), the same
 * way back. */
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
	jmp exec_enter_return

exec_leave:
exec_abort_landing:
	movq exec_kernel_rsp(%rip), %rsp
	movl $0x80000000, %eax		/* EXEC_ABORTED */
	jmp exec_enter_return

	.data
	.p2align 3
exec_kernel_rsp:
	.quad 0
