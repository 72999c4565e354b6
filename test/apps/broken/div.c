/* Divides by zero. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	volatile uint64_t zero = ctx->pid & 0;

	return (int)(ctx->pid / zero);
}
