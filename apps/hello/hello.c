/*
 * hello: the smallest app that uses everything of context v1.  It logs, keeps
 * a counter in its store (so it survives between calls), and draws a small
 * badge whose colour changes with the counter.
 */
#include <fomos.h>

struct hello {
	uint64_t counter;
	char line[64];
};

static uint32_t hello_format(char *buf, const char *prefix, uint64_t v)
{
	char digits[24];
	uint32_t n = 0, d = 0;

	while (*prefix)
		buf[n++] = *prefix++;
	do
		digits[d++] = '0' + v % 10;
	while ((v /= 10) && d < sizeof(digits));
	while (d)
		buf[n++] = digits[--d];
	return n;
}

static void hello_draw(struct fomos_ctx *ctx, uint64_t counter)
{
	struct fomos_surface *s = &ctx->fb;
	uint32_t colors[] = { 0xffe06c75, 0xff98c379, 0xff61afef, 0xffe5c07b };
	uint32_t x0 = s->width > 260 ? s->width - 260 : 0, y0 = 40, x, y;

	if (!s->pixels)
		return;		/* started with nofb: nothing to draw on */
	for (y = y0; y < y0 + 120 && y < s->height; y++)
		for (x = x0; x < x0 + 220 && x < s->width; x++)
			s->pixels[y * s->stride + x] = colors[counter % 4];
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct hello *h = fomos_state(ctx, sizeof(*h));
	uint32_t n;

	if (!h)
		return -1;
	h->counter++;
	n = hello_format(h->line, "call ", h->counter);
	ctx->log(h->line, n);
	hello_draw(ctx, h->counter);
	return 500;	/* twice a second */
}
