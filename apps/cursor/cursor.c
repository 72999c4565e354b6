/*
 * cursor: the mouse pointer.  A small window above every other one, never
 * focused (clicks go through it), whose top-left corner is the pointer's
 * position: the arrow's tip.  Moving a window of the same size keeps its
 * pixels, so following the pointer costs one ctx->window() call and no
 * drawing; the arrow is drawn again only when the buttons change, and then
 * its fill shows which one is held.
 *
 * It looks at the pointer about 60 times a second; when the pointer is
 * still it does nothing, so an idle desktop composes nothing.  A kernel of
 * context version 6 moves the window itself (FOMOS_WIN_CURSOR): with a
 * virtio GPU the arrow is the hardware cursor and motion composes nothing
 * at all; the app then only redraws the arrow when the buttons change.
 */
#include <fomos.h>

#define CURSOR_W	16
#define CURSOR_H	24
#define CURSOR_FLAGS	(FOMOS_WIN_TOP | FOMOS_WIN_NOFOCUS)
#define CURSOR_MS	16		/* ~60 Hz */

/* The arrow: 'X' outline, '.' fill, ' ' transparent.  Rows shorter than
 * CURSOR_W are transparent to the right. */
static const char *const cursor_shape[] = {
	"X",
	"XX",
	"X.X",
	"X..X",
	"X...X",
	"X....X",
	"X.....X",
	"X......X",
	"X.......X",
	"X........X",
	"X.........X",
	"X..........X",
	"X......XXXXX",
	"X...X..X",
	"X..XX..X",
	"X.X  X..X",
	"XX   X..X",
	"X     X..X",
	"      X..X",
	"       XX",
};
#define CURSOR_ROWS (sizeof(cursor_shape) / sizeof(cursor_shape[0]))

#define CURSOR_OUTLINE	0xff000000u
#define CURSOR_IDLE	0xffffffffu	/* no button held: white */
#define CURSOR_LEFT	0xff3080ffu	/* the left button held: blue */
#define CURSOR_RIGHT	0xffff8020u	/* the right one: orange */
#define CURSOR_MIDDLE	0xff30c050u	/* the middle one: green */

struct cursor {
	int started;
	int32_t x, y;			/* where the window is */
	uint32_t buttons;		/* the state the arrow shows */
};

/* The fill for a button state; with several held, left wins, then right. */
static uint32_t cursor_fill(uint32_t buttons)
{
	if (buttons & FOMOS_BUTTON_LEFT)
		return CURSOR_LEFT;
	if (buttons & FOMOS_BUTTON_RIGHT)
		return CURSOR_RIGHT;
	if (buttons & FOMOS_BUTTON_MIDDLE)
		return CURSOR_MIDDLE;
	return CURSOR_IDLE;
}

static void cursor_draw(struct fomos_ctx *ctx, uint32_t buttons)
{
	uint32_t fill = cursor_fill(buttons), x, y;
	struct fomos_surface *s = &ctx->fb;

	for (y = 0; y < s->height; y++) {
		const char *row = y < CURSOR_ROWS ? cursor_shape[y] : "";
		int end = 0;

		for (x = 0; x < s->width; x++) {
			char c = end ? ' ' : row[x];
			uint32_t px = 0;	/* transparent */

			if (!c) {
				end = 1;
				c = ' ';
			}
			if (c == 'X')
				px = CURSOR_OUTLINE;
			else if (c == '.')
				px = fill;
			s->pixels[y * s->stride + x] = px;
		}
	}
	ctx->damage(0, 0, s->width, s->height);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct cursor *c;
	int32_t x, y;
	uint32_t buttons;

	if (ctx->version < 2 || !ctx->fb.pixels) {
		fomos_log(ctx, "cursor: needs windows (context v2) and a surface");
		return -1;
	}
	c = fomos_state(ctx, sizeof(*c));
	if (!c)
		return -1;
	x = ctx->input->pointer_x;
	y = ctx->input->pointer_y;
	buttons = ctx->input->buttons;
	if (!c->started) {
		uint32_t flags = CURSOR_FLAGS | (ctx->version >= 6 ? FOMOS_WIN_CURSOR : 0);

		/* A new size: the surface is new and transparent; draw it all. */
		if (ctx->window(x, y, CURSOR_W, CURSOR_H, flags) != 0 &&
		    ctx->window(x, y, CURSOR_W, CURSOR_H, CURSOR_FLAGS) != 0) {
			fomos_log(ctx, "cursor: cannot make its window");
			return -1;
		}
		cursor_draw(ctx, buttons);
		c->started = 1;
	} else {
		if ((x != c->x || y != c->y) && !(ctx->win_flags & FOMOS_WIN_CURSOR))
			ctx->window(x, y, CURSOR_W, CURSOR_H, CURSOR_FLAGS);
		if (buttons != c->buttons)
			cursor_draw(ctx, buttons);
	}
	c->x = x;
	c->y = y;
	c->buttons = buttons;
	return CURSOR_MS;
}
