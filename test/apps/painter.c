/* painter: draws a known picture so the tests can find it in a screenshot:
 * an opaque green square at (800,300)-(900,400) and, overwriting its right
 * half, a half-transparent red one at (850,300)-(950,400), far right of where
 * the console's text usually reaches.  Without a framebuffer (nofb) it says
 * so. */
#include "applib.h"

static void painter_fill(struct fomos_surface *s, uint32_t x0, uint32_t y0,
    uint32_t x1, uint32_t y1, uint32_t argb)
{
	uint32_t x, y;

	for (y = y0; y < y1 && y < s->height; y++)
		for (x = x0; x < x1 && x < s->width; x++)
			s->pixels[y * s->stride + x] = argb;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct line l = { .len = 0 };

	if (!ctx->fb.pixels) {
		line_str(&l, "painter: no framebuffer (");
		line_u64(&l, ctx->fb.width);
		line_str(&l, "x");
		line_u64(&l, ctx->fb.height);
		line_str(&l, ")");
		line_send(ctx, &l);
		return -1;
	}
	painter_fill(&ctx->fb, 800, 300, 900, 400, 0xff00ff00);
	painter_fill(&ctx->fb, 850, 300, 950, 400, 0x80ff0000);
	line_str(&l, "painter: drew on a ");
	line_u64(&l, ctx->fb.width);
	line_str(&l, "x");
	line_u64(&l, ctx->fb.height);
	line_str(&l, " surface");
	line_send(ctx, &l);
	return 1000;
}
