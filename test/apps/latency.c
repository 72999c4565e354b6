/* latency: for every key press it sees, logs how long ago the kernel
 * received it (ctx->time_ns at this call minus the event's time_ns, which is
 * when the device's interrupt announced it).  ninja bench injects keys and
 * reads these lines. */
#include "applib.h"

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint64_t *seen = fomos_state(ctx, sizeof(*seen));
	const struct fomos_event *e;
	struct line l = { .len = 0 };

	if (!seen)
		return -1;
	while ((e = fomos_next_event(ctx, seen))) {
		if (e->type != FOMOS_EV_KEY || e->value != 1)
			continue;
		line_str(&l, "latency: ");
		line_u64(&l, ctx->time_ns - e->time_ns);
		line_str(&l, " ns");
		line_send(ctx, &l);
	}
	return 0;
}
