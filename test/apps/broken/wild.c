/* Reads a wild address where nothing is mapped. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(0x00007fffdead0000ull + (ctx->pid & 0));

	return (int)*p;
}
