/* Writes through a NULL pointer: a page fault at address 0. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(ctx->pid & 0);

	*p = 1;
	return 0;
}
