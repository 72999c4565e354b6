/*
 * hello: the smallest app that uses everything of context v1.  It logs, keeps
 * a counter in its store (so it survives between calls), and draws a small
 * badge whose colour changes with the counter.
 */
#include <stdio.h>
#include <fomos.h>
#include <fomos_draw.h>

struct hello {
	uint64_t counter;
	char line[64];
};

/* Started with nofb, there are no pixels: fomos_fill draws nothing. */
static void hello_draw(struct fomos_ctx *ctx, uint64_t counter)
{
	struct fomos_surface *s = &ctx->fb;
	uint32_t colors[] = { 0xffe06c75, 0xff98c379, 0xff61afef, 0xffe5c07b };
	uint32_t x0 = s->width > 260 ? s->width - 260 : 0;

	fomos_fill(s, (int32_t)x0, 40, 220, 120, colors[counter % 4]);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct hello *h = fomos_state(ctx, sizeof(*h));
	int n;

	if (!h)
		return -1;
	h->counter++;
	n = snprintf(h->line, sizeof(h->line), "call %lu", h->counter);
	ctx->log(h->line, (uint32_t)n);
	hello_draw(ctx, h->counter);
	return 500;	/* twice a second */
}
