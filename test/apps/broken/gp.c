/* Uses a non-canonical address: a general protection fault. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(0x8000000000000000ull + (ctx->pid & 0));

	return (int)*p;
}
