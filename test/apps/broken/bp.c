/* Hits a breakpoint instruction with no debugger attached. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	(void)ctx;
	__asm__ volatile("int3");
	return 0;
}
