/* latency: for every key press it sees, takes how long ago the kernel
 * received it (ctx->time_ns at this call minus the event's time_ns, which is
 * when the device's interrupt announced it).  After LATENCY_KEYS presses it
 * logs the median, the 99th percentile and the maximum, in one line, so that
 * logging does not disturb what it measures.  ninja bench types the keys. */
#include <stdio.h>
#include <stdlib.h>
#include <fomos.h>

#define LATENCY_KEYS	200

struct latency {
	uint64_t seen, n;
	uint64_t ns[LATENCY_KEYS];
};

static int latency_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct latency *s = fomos_state(ctx, sizeof(*s));
	const struct fomos_event *e;

	if (!s)
		return -1;
	while ((e = fomos_next_event(ctx, &s->seen))) {
		if (e->type != FOMOS_EV_KEY || e->value != 1 || s->n == LATENCY_KEYS)
			continue;
		s->ns[s->n++] = ctx->time_ns - e->time_ns;
		if (s->n < LATENCY_KEYS)
			continue;
		qsort(s->ns, s->n, sizeof(s->ns[0]), latency_cmp);
		printf("latency: keys=%lu median_ns=%lu p99_ns=%lu max_ns=%lu", s->n, s->ns[s->n / 2],
		    s->ns[s->n * 99 / 100], s->ns[s->n - 1]);
	}
	return 0;
}
