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
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, exec_kernel_rsp(%rip)
	movq %rdx, %rsp			/* the app's stack, 16-byte aligned */
	xorl %ebp, %ebp			/* ends a backtrace at the app's first frame */
	movq %rdi, %rax
	movq %rsi, %rdi			/* fn(ctx) */
	callq *%rax
exec_enter_return:
	movq exec_kernel_rsp(%rip), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
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
