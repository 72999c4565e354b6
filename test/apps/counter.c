/* counter: counts its calls in its store and logs each value, five times a
 * second.  Tests watch the numbers go up without a gap. */
#include "applib.h"

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint64_t *n = fomos_state(ctx, sizeof(*n));
	struct line l = { .len = 0 };

	if (!n)
		return -1;
	line_str(&l, "counter ");
	line_u64(&l, ++*n);
	line_send(ctx, &l);
	return 200;
}
