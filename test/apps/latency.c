/* latency: for every key press it sees, takes how long ago the kernel
 * received it (ctx->time_ns at this call minus the event's time_ns, which is
 * when the device's interrupt announced it).  After LATENCY_KEYS presses it
 * logs the median, the 99th percentile and the maximum, in one line, so that
 * logging does not disturb what it measures.  ninja bench types the keys. */
#include "applib.h"

#define LATENCY_KEYS	200

struct latency {
	uint64_t seen, n;
	uint64_t ns[LATENCY_KEYS];
};

static void latency_sort(uint64_t *v, uint64_t n)
{
	uint64_t i, j, x;

	for (i = 1; i < n; i++) {
		for (x = v[i], j = i; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct latency *s = fomos_state(ctx, sizeof(*s));
	const struct fomos_event *e;
	struct line l = { .len = 0 };

	if (!s)
		return -1;
	while ((e = fomos_next_event(ctx, &s->seen))) {
		if (e->type != FOMOS_EV_KEY || e->value != 1 || s->n == LATENCY_KEYS)
			continue;
		s->ns[s->n++] = ctx->time_ns - e->time_ns;
		if (s->n < LATENCY_KEYS)
			continue;
		latency_sort(s->ns, s->n);
		line_str(&l, "latency: keys=");
		line_u64(&l, s->n);
		line_str(&l, " median_ns=");
		line_u64(&l, s->ns[s->n / 2]);
		line_str(&l, " p99_ns=");
		line_u64(&l, s->ns[s->n * 99 / 100]);
		line_str(&l, " max_ns=");
		line_u64(&l, s->ns[s->n - 1]);
		line_send(ctx, &l);
	}
	return 0;
}
