/* ticker: logs its call count and the kernel's clock (ctx->time_ns, in ms)
 * ten times a second.  The tests read the gaps between its lines in the
 * guest's own time, so a slow host does not count as a stalled executor. */
#include "applib.h"

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint64_t *n = fomos_state(ctx, sizeof(*n));
	struct line l = { .len = 0 };

	if (!n)
		return -1;
	line_str(&l, "ticker ");
	line_u64(&l, ++*n);
	line_str(&l, " at ");
	line_u64(&l, ctx->time_ns / 1000000);
	line_str(&l, " ms");
	line_send(ctx, &l);
	return 100;
}
