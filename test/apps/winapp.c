/* winapp: one v2 window, for the tests of windows, bands, damage and focus.
 * Its pid picks its part, so the same file started four times makes a
 * desktop (test/host/test_host.py starts them in this order):
 *
 *   pid 1  a cursor:    TOP | NOFOCUS, white, 40x40 at (300, 300)
 *   pid 2  window a:    OPAQUE, red, 200x200 at (100, 100)
 *   pid 3  window b:    half-transparent green, 200x200 at (200, 200),
 *                       with a fully transparent hole at (20..40, 20..40)
 *   pid 4  a wallpaper: BOTTOM | NOFOCUS | OPAQUE, blue, 640x480 at (0, 0)
 *
 * Call 1 checks window()'s refusals and that a new size gives a new, zeroed
 * surface in this very call, then draws and damages everything; call 2
 * moves the window to its place without redrawing (the pixels stay); call
 * 3 of window a draws a yellow square it does not damage and a magenta
 * one it does.  It logs when its focus changes and the keys meant for it. */
#include <stdio.h>
#include <fomos.h>
#include <fomos_draw.h>

struct part {
	int32_t x, y;
	uint32_t w, h, flags, argb;
};

static const struct part winapp_parts[] = {
	{ 300, 300, 40, 40, FOMOS_WIN_TOP | FOMOS_WIN_NOFOCUS, 0xffffffffu },
	{ 100, 100, 200, 200, FOMOS_WIN_OPAQUE, 0xffff0000u },
	{ 200, 200, 200, 200, 0, 0x8000ff00u },
	{ 0, 0, 640, 480, FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS | FOMOS_WIN_OPAQUE, 0xff0000ffu },
};

struct winapp {
	uint64_t calls, seen;
	uint32_t focused;
};

static void say(const char *what, int64_t a, int64_t b)
{
	printf("winapp: %s %lu,%lu", what, (uint64_t)a, (uint64_t)b);
}

static void first_call(struct fomos_ctx *ctx, const struct part *p)
{
	uint64_t zero = 1;

	if (ctx->window(0, 0, 0, 5, 0) == FOMOS_E_BADARG &&
	    ctx->window(0, 0, 10, 10, FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM) == FOMOS_E_BADARG &&
	    ctx->window(0, 0, 10, 10, 1u << 9) == FOMOS_E_BADARG &&
	    ctx->window(0, 0, 9000, 10, 0) == FOMOS_E_BADARG &&
	    ctx->fb.width == ctx->screen_width)
		fomos_log(ctx, "winapp: bad windows refused, nothing changed");
	/* A small window first, scribbled on, then the real size: the new
	 * surface must be all transparent, and ctx->fb must say so now. */
	if (ctx->window(0, 0, 32, 32, p->flags) != 0)
		return;
	fomos_fill(&ctx->fb, 0, 0, 32, 32, 0xdeadbeefu);
	if (ctx->window(p->x / 2, p->y / 2, p->w, p->h, p->flags) != 0)
		return;
	for (uint64_t i = 0; i < (uint64_t)p->w * p->h; i++)
		zero &= ctx->fb.pixels[i] == 0;
	if (ctx->fb.width == p->w && ctx->fb.height == p->h && ctx->fb.stride == p->w && zero)
		say("new surface zeroed", p->w, p->h);
	fomos_fill(&ctx->fb, 0, 0, p->w, p->h, p->argb);
	if (p->argb == 0x8000ff00u)
		fomos_fill(&ctx->fb, 20, 20, 20, 20, 0);		/* the hole */
	fomos_damage_all(ctx);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct winapp *s = fomos_state(ctx, sizeof(*s));
	const struct part *p = &winapp_parts[(ctx->pid - 1) % 4];
	const struct fomos_event *e;

	if (!s || ctx->version < 2)
		return -1;
	s->calls++;
	if (s->calls == 1) {
		say("screen", ctx->screen_width, ctx->screen_height);
		first_call(ctx, p);
	} else if (s->calls == 2) {
		if (ctx->window(p->x, p->y, p->w, p->h, p->flags) == 0 && ctx->win_x == p->x &&
		    ctx->win_y == p->y && ctx->win_flags == p->flags)
			say("moved to", p->x, p->y);
	} else if (s->calls == 3 && p->argb == 0xffff0000u) {
		fomos_fill(&ctx->fb, 0, 0, 10, 10, 0xffffff00u);		/* not damaged */
		fomos_fill(&ctx->fb, 180, 0, 10, 10, 0xffff00ffu);
		ctx->damage(180, 0, 10, 10);
	}
	if (ctx->focused != s->focused) {
		s->focused = ctx->focused;
		say("focused", s->focused, s->calls);
	}
	while ((e = fomos_next_event(ctx, &s->seen)))
		if (e->type == FOMOS_EV_KEY && e->value == 1 && e->codepoint && fomos_event_for_me(ctx, e))
			say("key", e->code, e->codepoint);
	return 0;
}
