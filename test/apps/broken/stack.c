/* Recurses without end: overflows its stack into the unmapped page below. */
#include <fomos.h>

static uint64_t deeper(volatile uint8_t *parent, uint64_t n)
{
	volatile uint8_t frame[256];

	frame[0] = parent ? parent[0] + 1 : 0;
	if (n == UINT64_MAX)	/* never: keeps the compiler from seeing an endless loop */
		return frame[0];
	return deeper(frame, n + 1) + frame[0];
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	return (int)deeper(0, ctx->pid & 0);
}
