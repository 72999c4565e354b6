/* Never returns: only the timer can stop it. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	volatile uint64_t n = 0;

	fomos_log(ctx, "spin: spinning forever");
	for (;;)
		n++;
	return 0;
}
