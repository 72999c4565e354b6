/* ticker: logs its call count and the kernel's clock (ctx->time_ns, in ms)
 * ten times a second.  The tests read the gaps between its lines in the
 * guest's own time, so a slow host does not count as a stalled executor. */
#include <stdio.h>
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint64_t *n = fomos_state(ctx, sizeof(*n));

	if (!n)
		return -1;
	printf("ticker %lu at %lu ms", ++*n, ctx->time_ns / 1000000);
	return 100;
}
