/*
 * console: a terminal window for the kernel's commands.
 *
 * The window has a title bar (drag it to move the window) and a grip in its
 * bottom-right corner (drag it to resize).  What is typed, on the keyboard
 * while the window has the focus or on the serial line, is edited in place;
 * Enter runs it: `help`, `clear` and `notify` here, anything else through
 * ctx->system(), the kernel's own command line.  Ctrl-Shift-C and
 * Ctrl-Shift-V copy and paste through the clipboard app (svc.c).  Everything
 * the console writes is mirrored on the serial line, so the serial port is a
 * second terminal onto the same session.
 */
#include "console.h"

#define CON_START_X	40
#define CON_START_Y	40
#define CON_IDLE_MS	10	/* how often an idle console looks for input */
#define CON_DRAG_MS	5

static uint32_t win_width(const struct con *c, uint32_t cols)
{
	return 2 * CON_BORDER + 2 * CON_PAD + cols * c->font->width;
}

static uint32_t win_height(const struct con *c, uint32_t rows)
{
	return 2 * CON_BORDER + CON_TITLE_H(c->font) + 2 * CON_PAD + rows * c->font->height;
}

/* The most cells that fit on the screen (and in the ring's lines). */
static uint32_t cols_max(const struct fomos_ctx *ctx, const struct con *c)
{
	uint32_t n = (ctx->screen_width > win_width(c, 0) ?
	    ctx->screen_width - win_width(c, 0) : 0) / c->font->width;

	n = n < CON_COLS_MAX ? n : CON_COLS_MAX;
	return n > CON_COLS_MIN ? n : CON_COLS_MIN;
}

static uint32_t rows_max(const struct fomos_ctx *ctx, const struct con *c)
{
	uint32_t n = (ctx->screen_height > win_height(c, 0) ?
	    ctx->screen_height - win_height(c, 0) : 0) / c->font->height;

	n = n < CON_ROWS_MAX ? n : CON_ROWS_MAX;
	return n > CON_ROWS_MIN ? n : CON_ROWS_MIN;
}

static void fill(struct fomos_ctx *ctx, int32_t x, int32_t y, int32_t w, int32_t h, uint32_t rgb)
{
	fomos_fill(&ctx->fb, x, y, w, h, rgb);
}

/* The border, title bar and resize grip; full: the margins too (a new
 * surface starts transparent).  Damages what it drew. */
static void frame_draw(struct fomos_ctx *ctx, struct con *c, int full)
{
	const struct fomos_font *f = c->font;
	int32_t w = (int32_t)c->width, h = (int32_t)c->height, th = (int32_t)CON_TITLE_H(f);
	uint32_t bg = c->focused ? CON_TITLE_ON : CON_TITLE_OFF;
	uint32_t fg = c->focused ? CON_TEXT_ON : CON_TEXT_OFF, i;
	char title[48];
	int n;
	int32_t x, k;

	if (full) {
		/* The border and the margins; the cells draw themselves. */
		int32_t in_w = w - 2 * CON_BORDER, top = CON_BORDER + th, in_h = h - CON_BORDER - top;

		fill(ctx, 0, 0, w, CON_BORDER, CON_BORDER_RGB);
		fill(ctx, 0, h - CON_BORDER, w, CON_BORDER, CON_BORDER_RGB);
		fill(ctx, 0, 0, CON_BORDER, h, CON_BORDER_RGB);
		fill(ctx, w - CON_BORDER, 0, CON_BORDER, h, CON_BORDER_RGB);
		fill(ctx, CON_BORDER, top, in_w, CON_PAD, CON_BG);
		fill(ctx, CON_BORDER, h - CON_BORDER - CON_PAD, in_w, CON_PAD, CON_BG);
		fill(ctx, CON_BORDER, top, CON_PAD, in_h, CON_BG);
		fill(ctx, w - CON_BORDER - CON_PAD, top, CON_PAD, in_h, CON_BG);
		/* Two diagonal strokes in the corner's margin mark the grip. */
		for (k = 4; k <= 2 * CON_PAD; k += 4)
			for (i = 0; i < (uint32_t)k; i++)
				fill(ctx, w - 2 - (int32_t)i, h - 2 - (k - 1 - (int32_t)i), 1, 1, CON_GRIP_RGB);
	}
	fill(ctx, CON_BORDER, CON_BORDER, w - 2 * CON_BORDER, th, bg);
	n = snprintf(title, sizeof(title), "console (pid %llu)", (unsigned long long)ctx->pid);
	for (i = 0, x = CON_BORDER + 6; (int)i < n && x + (int32_t)f->width <= w - 2 * CON_BORDER; i++) {
		fomos_draw_glyph(&ctx->fb, f, x, CON_BORDER + 2, fomos_font_glyph(f, (uint8_t)title[i]), fg, bg);
		x += f->width;
	}
	if (full)
		ctx->damage(0, 0, c->width, c->height);
	else
		ctx->damage(CON_BORDER, CON_BORDER, w - 2 * CON_BORDER, th);
}

/* Puts the window where the pointer wants it.  A new size is a new surface:
 * everything is drawn again and the line being edited re-wrapped. */
static int place(struct fomos_ctx *ctx, struct con *c)
{
	uint32_t w = win_width(c, c->want_cols), h = win_height(c, c->want_rows);

	if (c->want_x == c->x && c->want_y == c->y && w == c->width && h == c->height)
		return 0;
	if (ctx->window(c->want_x, c->want_y, w, h, FOMOS_WIN_OPAQUE) < 0) {
		c->want_x = c->x, c->want_y = c->y;
		c->want_cols = c->cols, c->want_rows = c->rows;
		return -1;
	}
	c->x = c->want_x, c->y = c->want_y;
	if (w != c->width || h != c->height) {
		c->cols = c->want_cols, c->rows = c->want_rows;
		c->width = w, c->height = h;
		c->frame_dirty = 2;
		text_invalidate(c);
		if (c->started)
			text_edit_show(c);
	}
	return 0;
}

static void report(struct fomos_ctx *ctx, struct con *c)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "console: window at %d,%d, %ux%u cells of %ux%u", c->x, c->y,
	    c->cols, c->rows, c->font->width, c->font->height);

	ctx->log(line, (uint32_t)n);
}

static int init(struct fomos_ctx *ctx, struct con *c)
{
	int32_t margin;

	if (ctx->version < 2) {
		fomos_log(ctx, "console: needs a kernel with windows (context version 2)");
		return -1;
	}
	c->font = fomos_font_builtin();
	if (!c->font) {
		fomos_log(ctx, "console: no memory for the font");
		return -1;
	}
	/* 80x25 at (40, 40), or what fits of it on a small screen. */
	c->want_cols = cols_max(ctx, c) > 80 ? 80 : cols_max(ctx, c);
	c->want_rows = rows_max(ctx, c) > 25 ? 25 : rows_max(ctx, c);
	margin = win_width(c, c->want_cols) + 2 * CON_START_X <= ctx->screen_width &&
	    win_height(c, c->want_rows) + 2 * CON_START_Y <= ctx->screen_height;
	c->want_x = margin ? CON_START_X : 0;
	c->want_y = margin ? CON_START_Y : 0;
	c->seen = ctx->input->event_count;	/* what happened before we started was not for us */
	text_init(c);
	if (place(ctx, c) < 0) {
		fomos_log(ctx, "console: no memory for the window");
		return -1;
	}
	ctx->raise();
	report(ctx, c);
	c->focused = ctx->focused;
	/* The kernel's own prompt may be on the serial line already. */
	serial_put(ctx, c, "\r\n", 2);
	text_puts(ctx, c, "Fomos console: type 'help' for the commands\n");
	edit_prompt(ctx, c);
	c->started = 1;
	return 0;
}

/* --- the pointer ----------------------------------------------------------- */

static void press(struct fomos_ctx *ctx, struct con *c, int32_t px, int32_t py)
{
	int32_t lx = px - c->x, ly = py - c->y;

	c->drag = DRAG_OTHER;
	if (lx < 0 || ly < 0 || lx >= (int32_t)c->width || ly >= (int32_t)c->height)
		return;
	ctx->raise();
	if (ly < CON_BORDER + (int32_t)CON_TITLE_H(c->font)) {
		c->drag = DRAG_MOVE;
		c->grab_x = lx, c->grab_y = ly;
	} else if (lx >= (int32_t)c->width - CON_GRIP && ly >= (int32_t)c->height - CON_GRIP) {
		c->drag = DRAG_RESIZE;
		c->grab_x = px, c->grab_y = py;
		c->grab_cols = c->cols, c->grab_rows = c->rows;
	}
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void drag_to(struct fomos_ctx *ctx, struct con *c, int32_t px, int32_t py)
{
	if (c->drag == DRAG_MOVE) {
		/* Some of the title bar stays on the screen, to drag it back. */
		c->want_x = clamp(px - c->grab_x, 48 - (int32_t)c->width, (int32_t)ctx->screen_width - 48);
		c->want_y = clamp(py - c->grab_y, 0,
		    (int32_t)ctx->screen_height - (int32_t)CON_TITLE_H(c->font));
	} else if (c->drag == DRAG_RESIZE) {
		c->want_cols = (uint32_t)clamp((int32_t)c->grab_cols + (px - c->grab_x) / (int32_t)c->font->width,
		    CON_COLS_MIN, (int32_t)cols_max(ctx, c));
		c->want_rows = (uint32_t)clamp((int32_t)c->grab_rows + (py - c->grab_y) / (int32_t)c->font->height,
		    CON_ROWS_MIN, (int32_t)rows_max(ctx, c));
	}
}

/* --- the keyboard and the serial line ------------------------------------- */

/* The modifiers key() looks at, as events() follows them: mods[i] is 1
 * while con_mods[i] is held. */
static const uint16_t con_mods[] = {
	FOMOS_KEY_LEFTCTRL, FOMOS_KEY_RIGHTCTRL, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_RIGHTSHIFT,
};
#define CON_MODS	(sizeof(con_mods) / sizeof(con_mods[0]))

static void mod_set(uint8_t *mods, uint32_t code, int held)
{
	uint32_t i;

	for (i = 0; i < CON_MODS; i++)
		if (con_mods[i] == code)
			mods[i] = (uint8_t)held;
}

/* A key event; mods: the modifiers held when it came. */
static void key(struct fomos_ctx *ctx, struct con *c, const struct fomos_event *e, const uint8_t *mods)
{
	static const uint8_t keys[][2] = {
		{ FOMOS_KEY_ENTER, CK_ENTER }, { FOMOS_KEY_BACKSPACE, CK_BACKSPACE },
		{ FOMOS_KEY_DELETE, CK_DELETE }, { FOMOS_KEY_LEFT, CK_LEFT },
		{ FOMOS_KEY_RIGHT, CK_RIGHT }, { FOMOS_KEY_HOME, CK_HOME },
		{ FOMOS_KEY_END, CK_END }, { FOMOS_KEY_UP, CK_UP }, { FOMOS_KEY_DOWN, CK_DOWN },
		{ FOMOS_KEY_PAGEUP, CK_PAGEUP }, { FOMOS_KEY_PAGEDOWN, CK_PAGEDOWN },
	};
	int ctrl = mods[0] || mods[1], shift = mods[2] || mods[3];
	uint32_t i;

	if (!e->value)
		return;		/* releases; presses (1) and repeats (2) edit */
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (e->code == keys[i][0]) {
			edit_key(ctx, c, (enum con_key)keys[i][1]);
			return;
		}
	}
	if (ctrl && shift && (e->code == FOMOS_KEY_C || e->code == FOMOS_KEY_V)) {
		/* Once per press: a held key's repeats would copy or paste again. */
		if (e->value == 1 && e->code == FOMOS_KEY_C)
			svc_copy(ctx, c);
		else if (e->value == 1)
			svc_paste(ctx, c);
	} else if (ctrl && e->code == FOMOS_KEY_C)
		edit_key(ctx, c, CK_CANCEL);
	else if (e->codepoint == '\n' || e->codepoint == '\r')
		edit_key(ctx, c, CK_ENTER);	/* the keypad's Enter */
	else if (e->codepoint >= 0x20 && e->codepoint != 0x7f)
		edit_char(ctx, c, e->codepoint);
}

/* Everything in the event ring since the last call.  Events carry no
 * pointer position, only deltas: the position at each event is worked
 * back from where the pointer is now, so a press is judged where it
 * happened even if the pointer moved on before this call.  The same for
 * the modifiers: keys[] says what is held now, and a Ctrl-Shift-V pressed
 * and released since the last call is still a Ctrl-Shift-V. */
static int events(struct fomos_ctx *ctx, struct con *c)
{
	const struct fomos_input *in = ctx->input;
	uint64_t count = in->event_count, i;
	int32_t px = in->pointer_x, py = in->pointer_y;
	uint8_t mods[CON_MODS];

	if (c->seen > count)
		c->seen = 0;	/* resumed by a kernel that counted from 0 again */
	if (count == c->seen)
		return 0;
	if (count - c->seen > FOMOS_EVENT_RING)
		c->seen = count - FOMOS_EVENT_RING;
	for (i = 0; i < CON_MODS; i++)
		mods[i] = in->keys[con_mods[i]];
	for (i = count; i-- > c->seen;) {	/* newest first: mods end as before the oldest */
		const struct fomos_event *e = &in->events[i % FOMOS_EVENT_RING];

		if (e->type == FOMOS_EV_MOTION && e->code == FOMOS_AXIS_X)
			px -= e->value;
		else if (e->type == FOMOS_EV_MOTION && e->code == FOMOS_AXIS_Y)
			py -= e->value;
		else if (e->type == FOMOS_EV_KEY && fomos_event_for_me(ctx, e))
			mod_set(mods, e->code, e->value != 1);	/* before a press: up; else down */
	}
	for (i = c->seen; i < count; i++) {
		const struct fomos_event *e = &in->events[i % FOMOS_EVENT_RING];

		if (e->type == FOMOS_EV_MOTION) {
			px += e->code == FOMOS_AXIS_X ? e->value : 0;
			py += e->code == FOMOS_AXIS_Y ? e->value : 0;
			drag_to(ctx, c, px, py);
		} else if (e->type == FOMOS_EV_BUTTON && e->code == FOMOS_BTN_LEFT) {
			if (e->value)
				press(ctx, c, px, py);
			else if (c->drag == DRAG_MOVE || c->drag == DRAG_RESIZE)
				c->drag = DRAG_DONE;	/* released: report once placed */
			else
				c->drag = DRAG_NONE;
		} else if (e->type == FOMOS_EV_WHEEL && px >= c->x && py >= c->y &&
		    px < c->x + (int32_t)c->width && py < c->y + (int32_t)c->height) {
			text_scroll(c, e->value * 3);
		} else if (e->type == FOMOS_EV_KEY && fomos_event_for_me(ctx, e)) {
			mod_set(mods, e->code, e->value != 0);
			key(ctx, c, e, mods);
		}
	}
	c->seen = count;
	return 1;
}

static int serial(struct fomos_ctx *ctx, struct con *c)
{
	char buf[128];
	uint32_t n, i, rounds;
	int any = 0;

	for (rounds = 0; rounds < 16 && (n = ctx->term_read(buf, sizeof(buf))); rounds++) {
		for (i = 0; i < n && i < sizeof(buf); i++)
			edit_serial(ctx, c, (uint8_t)buf[i]);
		any = 1;
	}
	return any;
}

/* --- commands ------------------------------------------------------------- */

static int word_is(const char *line, uint32_t len, const char *word)
{
	uint32_t i;

	for (i = 0; word[i]; i++)
		if (i >= len || line[i] != word[i])
			return 0;
	return i == len || line[i] == ' ';
}

/* One command of the kernel's, through ctx->system(). */
static void run_system(struct fomos_ctx *ctx, struct con *c, const char *line, uint32_t len)
{
	uint32_t n = 0;
	int64_t r;

	/* The echo goes out before anything the kernel logs while it works. */
	serial_flush(ctx, c);
	r = ctx->system(line, len, c->answer, CON_ANSWER_MAX);

	/* Unknown and not allowed come with an answer that says so. */
	if (r < 0 && r != FOMOS_E_NOTFOUND && r != FOMOS_E_PERM) {
		text_printf(ctx, c, "console: the system refused the command (error %lld)\n", (long long)r);
		return;
	}
	while (n < CON_ANSWER_MAX - 1 && c->answer[n] && (r < 0 || n < (uint64_t)r))
		n++;
	if (r == FOMOS_E_NOTFOUND && !n) {
		text_puts(ctx, c, "unknown command (try 'help')\n");
		return;
	}
	text_write(ctx, c, c->answer, n);
	if (n && c->answer[n - 1] != '\n')
		text_write(ctx, c, "\n", 1);
	if (r >= CON_ANSWER_MAX) {
		text_printf(ctx, c, "console: the answer was cut; it had %lld bytes\n", (long long)r);
	}
}

static const char con_help[] =
	"console commands:\n"
	"  help         this list\n"
	"  clear        clear the window and its scrollback\n"
	"  notify TEXT  show TEXT in a notification (the notify app)\n"
	"keys: Left Right Home End Backspace Delete edit the line, Up Down recall\n"
	"  earlier lines, PageUp PageDown and the wheel scroll, Ctrl-C drops the line,\n"
	"  Ctrl-Shift-C copies the line (if empty: the last line of output) to the\n"
	"  clipboard, Ctrl-Shift-V pastes at the cursor\n"
	"kernel commands:\n";

void con_run(struct fomos_ctx *ctx, struct con *c, const char *line, uint32_t len)
{
	uint32_t i;

	while (len && *line == ' ')
		line++, len--;
	while (len && line[len - 1] == ' ')
		len--;
	if (!len)
		return;
	if (word_is(line, len, "clear")) {
		if (len == 5)
			text_clear(ctx, c);
		else
			text_puts(ctx, c, "usage: clear\n");
	} else if (word_is(line, len, "help")) {
		if (len != 4) {
			text_puts(ctx, c, "usage: help\n");
			return;
		}
		text_puts(ctx, c, con_help);
		run_system(ctx, c, "help", 4);
	} else if (word_is(line, len, "notify")) {
		for (i = 6; i < len && line[i] == ' '; i++)
			;
		if (i < len)
			svc_notify(ctx, c, line + i, len - i);
		else
			text_puts(ctx, c, "usage: notify TEXT\n");
	} else {
		run_system(ctx, c, line, len);
	}
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct con *c = fomos_state(ctx, sizeof(*c));
	int busy;

	if (!c)
		return -1;
	if (!c->started)	/* the first call only sets up: drawing starts at the next */
		return init(ctx, c) < 0 ? -1 : 0;
	busy = events(ctx, c);
	busy |= serial(ctx, c);
	place(ctx, c);
	if (ctx->focused != c->focused) {
		c->focused = ctx->focused;
		c->frame_dirty = c->frame_dirty ? c->frame_dirty : 1;
		c->text_dirty = 1;		/* the cursor's look */
	}
	if (c->frame_dirty)
		frame_draw(ctx, c, c->frame_dirty == 2);
	c->frame_dirty = 0;
	text_draw(ctx, c);
	serial_flush(ctx, c);
	if (c->drag == DRAG_DONE) {
		report(ctx, c);
		c->drag = DRAG_NONE;
	}
	if (busy)
		return 0;
	return c->drag == DRAG_MOVE || c->drag == DRAG_RESIZE ? CON_DRAG_MS : CON_IDLE_MS;
}
