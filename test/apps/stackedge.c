/*
 * stackedge: spins with its stack pointer 120 bytes above the bottom of its
 * 64 KiB stack.  A timer interrupt that pushed its frame on the app's stack
 * would overflow it inside the kernel's interrupt code; interrupts run on
 * stacks of their own, so only the budget stops this app.
 */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	fomos_log(ctx, "stackedge: spinning at the bottom of its stack");
	/* At entry rsp is 8 below the top (the return address). */
	__asm__ volatile("lea -(65536 - 128)(%%rsp), %%rsp\n1:\tjmp 1b" ::: "memory");
	return 0;
}
