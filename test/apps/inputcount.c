/* inputcount: counts the key presses it sees through the event ring and
 * reports once the line has been quiet for half a second.  Each event is
 * seen exactly once: a gap (the ring overran while it was not called) or a
 * repeat would show in the totals. */
#include <stdio.h>
#include <fomos.h>

struct inputcount {
	uint64_t seen, events, presses, releases, last_ns, reported, lost;
	uint64_t text;		/* sum of the codepoints typed: a cheap checksum */
};

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct inputcount *c = fomos_state(ctx, sizeof(*c));
	const struct fomos_event *e;

	if (!c)
		return -1;
	if (ctx->input->event_count - c->seen > FOMOS_EVENT_RING)
		c->lost += ctx->input->event_count - c->seen - FOMOS_EVENT_RING;
	while ((e = fomos_next_event(ctx, &c->seen))) {
		c->events++;
		c->last_ns = ctx->time_ns;
		if (e->type != FOMOS_EV_KEY)
			continue;
		c->presses += e->value == 1;
		c->releases += e->value == 0;
		if (e->value == 1)
			c->text += e->codepoint;
	}
	if (c->events != c->reported && ctx->time_ns - c->last_ns > 500000000ull) {
		c->reported = c->events;
		printf("inputcount: events=%lu presses=%lu releases=%lu text=%lu lost=%lu count=%lu",
		    c->events, c->presses, c->releases, c->text, c->lost, ctx->input->event_count);
	}
	return 0;
}
