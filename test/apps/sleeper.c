/* sleeper: asks to be called every 10 ms and reports, once a second of its
 * own clock (ctx->time_ns), how many calls it got.  It also checks that the
 * time it is given is fresh and never goes backwards. */
#include "applib.h"

struct sleeper {
	uint64_t since, last, calls, reports;
};

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct sleeper *s = fomos_state(ctx, sizeof(*s));
	struct line l = { .len = 0 };

	if (!s)
		return -1;
	if (s->last && ctx->time_ns <= s->last) {
		line_str(&l, "sleeper: time went backwards or stood still");
		line_send(ctx, &l);
	}
	s->last = ctx->time_ns;
	if (!s->since)
		s->since = ctx->time_ns;
	s->calls++;
	if (ctx->time_ns - s->since >= 1000000000ull) {
		line_str(&l, "sleeper: ");
		line_u64(&l, s->calls);
		line_str(&l, " calls in ");
		line_u64(&l, (ctx->time_ns - s->since) / 1000000);
		line_str(&l, " ms");
		line_send(ctx, &l);
		s->since = ctx->time_ns;
		s->calls = 0;
		if (++s->reports == 5)
			return -1;
	}
	return 10;
}
