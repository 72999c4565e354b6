/* sleeper: asks to be called every 10 ms and reports, once a second of its
 * own clock (ctx->time_ns), how many calls it got.  It also checks that the
 * time it is given is fresh and never goes backwards. */
#include <stdio.h>
#include <fomos.h>

struct sleeper {
	uint64_t since, last, calls, reports;
};

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct sleeper *s = fomos_state(ctx, sizeof(*s));

	if (!s)
		return -1;
	if (s->last && ctx->time_ns <= s->last) {
		puts("sleeper: time went backwards or stood still");
	}
	s->last = ctx->time_ns;
	if (!s->since)
		s->since = ctx->time_ns;
	s->calls++;
	if (ctx->time_ns - s->since >= 1000000000ull) {
		printf("sleeper: %lu calls in %lu ms", s->calls, (ctx->time_ns - s->since) / 1000000);
		s->since = ctx->time_ns;
		s->calls = 0;
		if (++s->reports == 5)
			return -1;
	}
	return 10;
}
