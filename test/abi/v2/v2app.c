/* v2app: an app built against the frozen version-2 header (this folder's
 * fomos.h, found first because of the quotes).  It places an opaque
 * 100x100 window at (300,450), fills it red and says so with damage(),
 * asks the system for the time, then counts its calls in the log: a boot
 * test sees that a v2 app still gets its window, its answers and its
 * store. */
#include "fomos.h"

struct v2_state {
	uint64_t calls;
	char answer[64];
};

static void v2_line(struct fomos_ctx *ctx, const char *prefix, uint64_t a, uint64_t b)
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
	struct v2_state *s = fomos_state(ctx, sizeof(*s));
	uint32_t i;
	int64_t r;

	if (!s || ctx->version < 2)
		return -1;
	s->calls++;
	if (s->calls == 1) {
		v2_line(ctx, "v2app: kernel speaks version/size", ctx->version, ctx->size);
		if (ctx->window(300, 450, 100, 100, FOMOS_WIN_OPAQUE) != 0) {
			fomos_log(ctx, "v2app: window refused");
			return -1;
		}
		for (i = 0; i < 100 * 100; i++)
			ctx->fb.pixels[i] = 0xffff0000u;
		ctx->damage(0, 0, 100, 100);
		v2_line(ctx, "v2app: window at", (uint64_t)ctx->win_x, (uint64_t)ctx->win_y);
		/* Cut to 8 bytes: 7 and the NUL; the return value is the whole
		 * answer's length. */
		r = ctx->system("time", 4, s->answer, 8);
		v2_line(ctx, "v2app: time answer length, cut", (uint64_t)r, s->answer[7]);
		ctx->log(s->answer, 5);
	}
	if (s->calls % 10 == 0)
		v2_line(ctx, "v2app: calls", s->calls, ctx->focused);
	return 20;
}
