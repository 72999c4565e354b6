/*
 * Interrupt entry.  Every vector gets a 16-byte stub that makes the stack
 * look the same (an error code, real or 0, then the vector number) and jumps
 * to isr_common, which saves the general registers as a struct trap_frame
 * (kernel/cpu/trap.h) and calls trap_dispatch(frame).
 *
 * The kernel is built for the Windows x64 ABI: the first argument goes in
 * rcx, and the caller must leave 32 bytes of shadow space under the return
 * address and keep rsp 16-byte aligned at the call.
 */
	.text

/* Vectors for which the CPU pushes an error code itself. */
#define HAS_ERR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

#define STUB(n)			\
	.p2align 4;		\
	.if HAS_ERR(n);		\
	.else;			\
	pushq $0;		\
	.endif;			\
	pushq $(n);		\
	jmp isr_common;

#define S4(n)	STUB(n) STUB((n)+1) STUB((n)+2) STUB((n)+3)
#define S16(n)	S4(n) S4((n)+4) S4((n)+8) S4((n)+12)
#define S64(n)	S16(n) S16((n)+16) S16((n)+32) S16((n)+48)

	.globl isr_stubs
	.p2align 4
isr_stubs:
	S64(0) S64(64) S64(128) S64(192)

isr_common:
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rbx
	pushq %rax
	cld
	/* Interrupt gates keep AC: an app may have set it, and with SMAP on
	 * AC set means user pages are open to ring 0.  iretq restores it. */
	testb $1, cpu_smap_on(%rip)
	jz 1f
	clac
1:
	movq %rsp, %rcx		/* struct trap_frame * */
	movq %rsp, %rbx		/* rbx is callee-saved: it brings rsp back */
	andq $-16, %rsp
	subq $32, %rsp
	call trap_dispatch
	movq %rbx, %rsp
	popq %rax
	popq %rbx
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rbp
	popq %r8
	popq %r9
	popq %r10
	popq %r11
	popq %r12
	popq %r13
	popq %r14
	popq %r15
	addq $16, %rsp		/* vector and error code */
	iretq

/* void cpu_run_on_stack(uint64_t top, void (*fn)(void *), void *arg)
 * rcx = top, rdx = fn, r8 = arg.  rbp = 0 ends the fault handler's
 * backtrace here. */
	.globl cpu_run_on_stack
cpu_run_on_stack:
	movq %rcx, %rsp
	andq $-16, %rsp
	xorl %ebp, %ebp
	movq %r8, %rcx
	subq $32, %rsp
	call *%rdx
1:	cli
	hlt
	jmp 1b
