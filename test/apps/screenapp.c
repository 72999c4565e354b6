/* screenapp: a 100x80 window near the screen's bottom-right corner, for
 * the tests of mode changes.  It logs every FOMOS_EV_SCREEN event with the
 * size its context says and where its window is now (the kernel brings a
 * window the new size leaves off the screen back), and fills its window
 * with one colour so a screendump finds it. */
#include <stdio.h>
#include <fomos.h>
#include <fomos_draw.h>

#define SA_W		100
#define SA_H		80
#define SA_COLOUR	0xffc03090u

struct sa {
	uint64_t seen;
	int started;
};

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct sa *s = fomos_state(ctx, sizeof(*s));
	const struct fomos_event *e;

	if (!s || ctx->version < 6)
		return -1;
	if (!s->started) {
		int32_t x = (int32_t)ctx->screen_width - SA_W - 10, y = (int32_t)ctx->screen_height - SA_H - 10;

		if (ctx->window(x, y, SA_W, SA_H, FOMOS_WIN_OPAQUE) != 0)
			return -1;
		fomos_fill(&ctx->fb, 0, 0, SA_W, SA_H, SA_COLOUR);
		ctx->damage(0, 0, SA_W, SA_H);
		s->started = 1;
		printf("screenapp: screen %ux%u window at %d,%d", ctx->screen_width, ctx->screen_height,
		    x, y);
	}
	while ((e = fomos_next_event(ctx, &s->seen)))
		if (e->type == FOMOS_EV_SCREEN)
			printf("screenapp: screen event %ux%d, context %ux%u, window at %d,%d", e->code,
			    e->value, ctx->screen_width, ctx->screen_height, ctx->win_x, ctx->win_y);
	return 20;
}
