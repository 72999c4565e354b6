/*
 * notify: short messages in the top-right corner of the screen, for any app
 * that calls the "notify" service (version 1):
 *
 *   fn 0  show(text, len, ms)  FOMOS_ARG_IN(0): shows text[0..len), cut to
 *                              NOTE_TEXT bytes, for ms milliseconds (0: 3000;
 *                              else clamped to 500..10000).  Returns how
 *                              many bytes it kept, or FOMOS_E_BUSY when
 *                              NOTE_QUEUE messages wait already.
 *
 * The text is shown as ASCII: controls become spaces, other bytes '?'.
 * Messages wait in a queue; the NOTE_SHOWN oldest are on the screen, one
 * box each, stacked downwards, the oldest at the top.  When one expires
 * the others move up and the next waiting one appears at the bottom.  Each
 * message is logged ("notify: TEXT") when it appears.
 *
 * The boxes are one window above the others that clicks go through.  When
 * nothing is shown it stays where it is but moves off the right edge of the
 * screen (x = screen_width): an idle notify composes nothing.
 *
 * show() runs on the caller's turn, on our stack and against our budget:
 * it places and draws at once (a few small boxes), so a message appears
 * without waiting for our next call.  Its time starts at our next call,
 * which reads the clock (up to NOTIFY_IDLE_MS later): a message may stay a
 * little longer than asked, never shorter.
 */
#include <stdio.h>
#include <fomos.h>
#include <fomos_draw.h>		/* the runtime's built-in font, the console's too */

#define NOTE_TEXT	200		/* bytes of one message; more are cut */
#define NOTE_SHOWN	4		/* boxes on the screen at once */
#define NOTE_QUEUE	16		/* messages shown and waiting */
#define NOTE_COLS	38		/* characters on one line of a box */
#define NOTE_BORDER	2
#define NOTE_PAD	6
#define NOTE_MARGIN	8		/* from the screen's top and right edges */

#define NOTE_MS_DEFAULT	3000
#define NOTE_MS_MIN	500
#define NOTE_MS_MAX	10000

#define NOTE_BG		0xff202838u
#define NOTE_FRAME	0xffe0c060u
#define NOTE_FG		0xffffffffu

#define NOTIFY_FLAGS	(FOMOS_WIN_TOP | FOMOS_WIN_NOFOCUS | FOMOS_WIN_OPAQUE)
#define NOTIFY_BUSY_MS	100		/* something is shown: watch the clock */
#define NOTIFY_IDLE_MS	1000

enum { NOTIFY_SHOW };

struct note {
	uint32_t len;
	uint32_t ms;			/* how long it stays once shown */
	uint64_t until_ns;		/* when it goes; 0 until start() saw it shown */
	int logged;			/* it appeared, and the log said so */
	char text[NOTE_TEXT];
};

struct notify {
	int started;
	int dirty;			/* what is shown changed: place and draw again */
	uint32_t count;			/* notes[0..count), oldest first */
	struct note notes[NOTE_QUEUE];
	const struct fomos_font *font;	/* the runtime's built-in one */
};

static uint32_t note_width(const struct fomos_font *f)
{
	return 2 * (NOTE_BORDER + NOTE_PAD) + NOTE_COLS * f->width;
}

/* The line of n's text that starts at pos: sets its end, returns where the
 * next one starts.  A line breaks at the last space that fits, or inside a
 * word longer than a line. */
static uint32_t note_wrap(const struct note *n, uint32_t pos, uint32_t *end)
{
	uint32_t lim = pos + NOTE_COLS, i;

	if (lim >= n->len) {
		*end = n->len;
		return n->len;
	}
	for (i = lim; i > pos; i--) {
		if (n->text[i] == ' ') {
			*end = i;
			return i + 1;
		}
	}
	*end = lim;
	return lim;
}

static uint32_t note_height(const struct fomos_font *f, const struct note *n)
{
	uint32_t pos = 0, end, lines = 0;

	do {
		pos = note_wrap(n, pos, &end);
		lines++;
	} while (pos < n->len);
	return 2 * (NOTE_BORDER + NOTE_PAD) + lines * f->height;
}

/* One box, its top edge at y of the window. */
static void note_draw(struct fomos_ctx *ctx, const struct fomos_font *f, const struct note *n, uint32_t y)
{
	uint32_t w = note_width(f), h = note_height(f, n), pos = 0, next, end, i;
	int32_t tx = NOTE_BORDER + NOTE_PAD, ty = (int32_t)(y + NOTE_BORDER + NOTE_PAD);

	fomos_fill(&ctx->fb, 0, (int32_t)y, (int32_t)w, (int32_t)h, NOTE_FRAME);
	fomos_fill(&ctx->fb, NOTE_BORDER, (int32_t)(y + NOTE_BORDER), (int32_t)(w - 2 * NOTE_BORDER),
	    (int32_t)(h - 2 * NOTE_BORDER), NOTE_BG);
	do {
		next = note_wrap(n, pos, &end);
		for (i = pos; i < end; i++)
			fomos_draw_glyph(&ctx->fb, f, tx + (int32_t)((i - pos) * f->width), ty,
			    fomos_font_glyph(f, (uint8_t)n->text[i]), NOTE_FG, NOTE_BG);
		ty += (int32_t)f->height;
		pos = next;
	} while (pos < n->len);
}

static void note_log(const struct note *n)
{
	printf("notify: %.*s", (int)n->len, n->text);
}

/* Places the window over the boxes of the shown notes (or off the screen
 * when there is none) and draws them all: a few small boxes, cheaper to
 * draw again than to track. */
static void notify_refresh(struct fomos_ctx *ctx, struct notify *s)
{
	const struct fomos_font *f = s->font;
	uint32_t shown = s->count < NOTE_SHOWN ? s->count : NOTE_SHOWN;
	uint32_t w = note_width(f), h = 0, y, i;
	int32_t x = ctx->screen_width > w + NOTE_MARGIN ? (int32_t)(ctx->screen_width - w - NOTE_MARGIN) : 0;

	for (i = 0; i < shown; i++)
		h += note_height(f, &s->notes[i]);
	if (!h) {
		if (ctx->window((int32_t)ctx->screen_width, 0, ctx->fb.width, ctx->fb.height, NOTIFY_FLAGS) == 0)
			s->dirty = 0;
		return;
	}
	if (ctx->window(x, NOTE_MARGIN, w, h, NOTIFY_FLAGS) < 0)
		return;		/* out of memory: try again at the next call */
	for (i = 0, y = 0; i < shown; y += note_height(f, &s->notes[i]), i++) {
		note_draw(ctx, f, &s->notes[i], y);
		if (!s->notes[i].logged)
			note_log(&s->notes[i]);
		s->notes[i].logged = 1;
	}
	ctx->damage(0, 0, w, h);
	s->dirty = 0;
}

/* The text as the font shows it: plain ASCII on one line. */
static void note_clean(char *out, const char *in, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		uint8_t b = (uint8_t)in[i];

		out[i] = b < 0x20 ? ' ' : b >= 0x7f ? '?' : (char)b;
	}
}

static uint32_t note_ms(uint64_t ms)
{
	if (!ms)
		return NOTE_MS_DEFAULT;
	return ms < NOTE_MS_MIN ? NOTE_MS_MIN : ms > NOTE_MS_MAX ? NOTE_MS_MAX : (uint32_t)ms;
}

/* The service, on the caller's turn; ctx is our own context. */
static int64_t FOMOS_CALL notify_show(struct fomos_ctx *ctx, uint64_t text, uint64_t len, uint64_t ms,
    uint64_t a3)
{
	struct notify *s = *ctx->store;
	struct note *n;

	(void)a3;
	if (s->count == NOTE_QUEUE)
		return FOMOS_E_BUSY;
	n = &s->notes[s->count++];
	n->len = len < NOTE_TEXT ? (uint32_t)len : NOTE_TEXT;
	note_clean(n->text, (const char *)(uintptr_t)text, n->len);
	n->ms = note_ms(ms);
	n->until_ns = 0;
	n->logged = 0;
	if (s->count <= NOTE_SHOWN) {
		s->dirty = 1;
		notify_refresh(ctx, s);
	}
	return n->len;
}

static void note_remove(struct notify *s, uint32_t i)
{
	for (; i + 1 < s->count; i++)
		s->notes[i] = s->notes[i + 1];
	s->count--;
}

/* Starts the clock of notes that appeared since the last call and takes
 * away those whose time is up. */
static void notify_expire(struct fomos_ctx *ctx, struct notify *s)
{
	uint32_t i = 0;

	while (i < s->count && i < NOTE_SHOWN) {
		struct note *n = &s->notes[i];

		if (n->until_ns && ctx->time_ns >= n->until_ns) {
			note_remove(s, i);
			s->dirty = 1;
			continue;
		}
		if (!n->until_ns)
			n->until_ns = ctx->time_ns + (uint64_t)n->ms * 1000000;
		i++;
	}
}

static int notify_init(struct fomos_ctx *ctx, struct notify *s)
{
	const struct fomos_fn fns[] = {
		[NOTIFY_SHOW] = { notify_show, FOMOS_ARG_IN(0), 0 },
	};
	int32_t r;

	if (ctx->version < 4 || !ctx->fb.pixels) {
		fomos_log(ctx, "notify: needs services (context version 4) and a surface");
		return -1;
	}
	s->font = fomos_font_builtin();
	if (!s->font) {
		fomos_log(ctx, "notify: no memory for the font");
		return -1;
	}
	/* Out of sight until there is something to show, and small: the
	 * whole-screen surface an app starts with would be memory for nothing. */
	if (ctx->window((int32_t)ctx->screen_width, 0, note_width(s->font), 1, NOTIFY_FLAGS) < 0) {
		fomos_log(ctx, "notify: cannot make its window");
		return -1;
	}
	r = ctx->publish("notify", 1, fns, sizeof(fns) / sizeof(fns[0]));
	if (r < 0) {
		fomos_log(ctx, r == FOMOS_E_BUSY ? "notify: another app is the notifier already" :
		    "notify: the kernel refused to publish the service");
		return -1;
	}
	fomos_log(ctx, "notify: ready");
	return 0;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct notify *s = fomos_state(ctx, sizeof(*s));

	if (!s)
		return -1;
	if (!s->started) {
		if (notify_init(ctx, s) < 0)
			return -1;
		s->started = 1;
	}
	notify_expire(ctx, s);
	if (s->dirty)
		notify_refresh(ctx, s);
	return s->count ? NOTIFY_BUSY_MS : NOTIFY_IDLE_MS;
}
