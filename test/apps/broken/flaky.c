/* Works for three calls, then faults: with `restart` it keeps coming back. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint32_t *calls = fomos_state(ctx, sizeof(*calls));

	if (++*calls == 3)
		*(volatile uint32_t *)(uintptr_t)(ctx->pid & 0) = 1;
	fomos_log(ctx, "flaky: working");
	return 50;
}
