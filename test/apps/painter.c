/* painter: draws a known picture so the tests can find it in a screenshot:
 * an opaque green square at (800,300)-(900,400) and, overwriting its right
 * half, a half-transparent red one at (850,300)-(950,400), far right of where
 * the console's text usually reaches.  Without a framebuffer (nofb) it says
 * so. */
#include <stdio.h>
#include <fomos.h>
#include <fomos_draw.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	if (!ctx->fb.pixels) {
		printf("painter: no framebuffer (%ux%u)", ctx->fb.width, ctx->fb.height);
		return -1;
	}
	fomos_fill(&ctx->fb, 800, 300, 100, 100, 0xff00ff00);
	fomos_fill(&ctx->fb, 850, 300, 100, 100, 0x80ff0000);
	printf("painter: drew on a %ux%u surface", ctx->fb.width, ctx->fb.height);
	return 1000;
}
