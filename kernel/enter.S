/*
 * Calling an app on its own stack, and the way back when it cannot return.
 *
 * int exec_enter(fn, ctx, stack_top)      Windows x64 ABI: rcx, rdx, r8
 *
 * saves everything the kernel's ABI says a callee keeps (rbx, rbp, rdi, rsi,
 * r12-r15, xmm6-xmm15: the app, System V, may clobber all of them), notes
 * the kernel's stack pointer in exec_kernel_rsp, switches to the app's stack
 * and calls fn(ctx) with the System V convention (rdi).  When the app
 * returns, its int comes back in eax.
 *
 * When the app faults or overruns its time budget, the trap handler points
 * the interrupted frame at exec_abort_landing instead of back into the app:
 * iretq lands there, eax becomes EXEC_ABORTED, and the same restore path
 * returns to exec_enter's caller as if the app had returned.  Nothing of the
 * app's stack is used on the way, so an overflowed stack is no obstacle.
 */
	.text
	.globl exec_enter
	.globl exec_abort_landing
	.globl exec_kernel_rsp

exec_enter:
	pushq %rbp
	pushq %rbx
	pushq %rdi
	pushq %rsi
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $168, %rsp			/* xmm6-15, keeping rsp 16-byte aligned */
	movdqu %xmm6, 0(%rsp)
	movdqu %xmm7, 16(%rsp)
	movdqu %xmm8, 32(%rsp)
	movdqu %xmm9, 48(%rsp)
	movdqu %xmm10, 64(%rsp)
	movdqu %xmm11, 80(%rsp)
	movdqu %xmm12, 96(%rsp)
	movdqu %xmm13, 112(%rsp)
	movdqu %xmm14, 128(%rsp)
	movdqu %xmm15, 144(%rsp)
	movq %rsp, exec_kernel_rsp(%rip)
	movq %r8, %rsp			/* the app's stack, 16-byte aligned */
	xorl %ebp, %ebp			/* ends a backtrace at the app's first frame */
	movq %rdx, %rdi			/* System V: first argument in rdi */
	callq *%rcx
exec_enter_return:
	movq exec_kernel_rsp(%rip), %rsp
	movdqu 0(%rsp), %xmm6
	movdqu 16(%rsp), %xmm7
	movdqu 32(%rsp), %xmm8
	movdqu 48(%rsp), %xmm9
	movdqu 64(%rsp), %xmm10
	movdqu 80(%rsp), %xmm11
	movdqu 96(%rsp), %xmm12
	movdqu 112(%rsp), %xmm13
	movdqu 128(%rsp), %xmm14
	movdqu 144(%rsp), %xmm15
	addq $168, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rsi
	popq %rdi
	popq %rbx
	popq %rbp
	retq

exec_abort_landing:
	movl $0x80000000, %eax		/* EXEC_ABORTED */
	jmp exec_enter_return

	.data
	.p2align 3
exec_kernel_rsp:
	.quad 0
