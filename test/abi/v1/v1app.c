/* v1app: an app built against the frozen version-1 header (this folder's
 * fomos.h, found first because of the quotes).  It draws an opaque blue
 * square at (100,500)-(200,600) of its full-screen v1 surface, then counts
 * its calls in the log, so a boot test can see that a v1 app still gets a
 * surface, still runs, and still keeps its store. */
#include "fomos.h"

struct v1_state {
	uint64_t calls;
};

static void v1_line(struct fomos_ctx *ctx, const char *prefix, uint64_t a, uint64_t b)
{
	char buf[96];
	uint32_t n = 0, i;
	uint64_t v[2] = { a, b };

	while (*prefix)
		buf[n++] = *prefix++;
	for (i = 0; i < 2; i++) {
		char d[24];
		int k = 0;

		do
			d[k++] = '0' + v[i] % 10;
		while ((v[i] /= 10));
		buf[n++] = ' ';
		while (k)
			buf[n++] = d[--k];
	}
	ctx->log(buf, n);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct v1_state *s = fomos_state(ctx, sizeof(*s));
	uint32_t x, y;

	if (!s)
		return -1;
	if (s->calls++ == 0) {
		v1_line(ctx, "v1app: kernel speaks version/size", ctx->version, ctx->size);
		v1_line(ctx, "v1app: surface", ctx->fb.width, ctx->fb.height);
		for (y = 500; y < 600 && y < ctx->fb.height; y++)
			for (x = 100; x < 200 && x < ctx->fb.width; x++)
				ctx->fb.pixels[y * ctx->fb.stride + x] = 0xff0000ff;
	}
	if (s->calls % 10 == 0)
		v1_line(ctx, "v1app: calls", s->calls, 0);
	return 100;
}
