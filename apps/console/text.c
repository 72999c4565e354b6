/*
 * The console's text: a ring of lines (the screen and its scrollback), the
 * command line shown at the end of it, and drawing.
 *
 * Drawing compares what each cell should show with shown[], what the
 * surface has, and redraws only cells that differ; the compositor is told
 * the one rectangle around them.  An idle console therefore draws nothing,
 * and a typed character costs two cells (it and the cursor).
 */
#include "console.h"

static uint16_t *line_at(struct con *c, uint64_t n)
{
	return c->lines[n % CON_LINES];
}

static void line_clear(struct con *c, uint64_t n)
{
	uint16_t *l = line_at(c, n), blank = (uint16_t)fomos_font_glyph(c->font, ' ');
	uint32_t i;

	for (i = 0; i < CON_COLS_MAX; i++)
		l[i] = blank;
}

static void newline(struct con *c)
{
	c->total++;
	line_clear(c, c->total - 1);
	c->col = 0;
}

static void put_cp(struct con *c, uint32_t cp)
{
	if (cp == '\n') {
		newline(c);
		return;
	}
	if (cp == '\t') {
		do
			put_cp(c, ' ');
		while (c->col % 8 && c->col < c->cols);
		return;
	}
	if (cp < 0x20 || cp == 0x7f)
		return;		/* CR and other controls: answers are plain lines */
	if (c->col >= c->cols)
		newline(c);
	line_at(c, c->total - 1)[c->col++] = (uint16_t)fomos_font_glyph(c->font, cp);
}

void text_init(struct con *c)
{
	c->total = 1;
	c->col = 0;
	c->out_line_len = c->out_last_len = 0;
	line_clear(c, 0);
	text_invalidate(c);
}

void text_invalidate(struct con *c)
{
	uint32_t i;

	for (i = 0; i < CON_ROWS_MAX * CON_COLS_MAX; i++)
		c->shown[i] = CELL_NONE;
	c->text_dirty = 1;
}

void serial_flush(struct fomos_ctx *ctx, struct con *c)
{
	if (c->serial_len)
		ctx->term_write(c->serial, c->serial_len);
	c->serial_len = 0;
}

void serial_put(struct fomos_ctx *ctx, struct con *c, const char *s, uint32_t n)
{
	while (n) {
		uint32_t room = CON_SERIAL_MAX - c->serial_len, k = n < room ? n : room;

		memcpy(c->serial + c->serial_len, s, k);
		c->serial_len += k;
		s += k;
		n -= k;
		if (c->serial_len == CON_SERIAL_MAX)
			serial_flush(ctx, c);
	}
}

/* Keeps the output's last line for Ctrl-Shift-C: the logical line, as
 * written, whatever the window's width wraps it into. */
static void out_keep(struct con *c, uint32_t cp)
{
	char b[4];
	uint32_t n;

	if (c->out_note)
		return;
	if (cp == '\n') {
		if (c->out_line_len) {
			memcpy(c->out_last, c->out_line, c->out_line_len);
			c->out_last_len = c->out_line_len;
		}
		c->out_line_len = 0;
		return;
	}
	if (cp < 0x20 && cp != '\t')
		return;		/* put_cp drops them too */
	n = utf8_put(b, cp);
	if (c->out_line_len + n <= CON_OUT_LINE) {
		memcpy(c->out_line + c->out_line_len, b, n);
		c->out_line_len += n;
	}
}

/* Output, to the window and the serial line.  UTF-8; a byte that starts no
 * valid character shows as '?'.  (The kernel's serial driver turns each LF
 * into CR LF.) */
void text_write(struct fomos_ctx *ctx, struct con *c, const char *s, uint32_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t i = 0;

	while (i < n) {
		uint32_t cp = p[i], more = 0, k;

		if (cp >= 0xc0 && cp < 0xe0)
			more = 1, cp &= 0x1f;
		else if (cp >= 0xe0 && cp < 0xf0)
			more = 2, cp &= 0x0f;
		else if (cp >= 0xf0 && cp < 0xf8)
			more = 3, cp &= 0x07;
		else if (cp >= 0x80)
			cp = '?';
		for (k = 1; k <= more; k++) {
			if (i + k >= n || (p[i + k] & 0xc0) != 0x80) {
				cp = '?';
				more = k - 1;
				break;
			}
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		serial_put(ctx, c, s + i, 1 + more);
		put_cp(c, cp);
		out_keep(c, cp);
		i += 1 + more;
	}
	c->text_dirty = 1;
}

void text_puts(struct fomos_ctx *ctx, struct con *c, const char *s)
{
	text_write(ctx, c, s, (uint32_t)strlen(s));
}

void text_printf(struct fomos_ctx *ctx, struct con *c, const char *fmt, ...)
{
	char s[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	text_write(ctx, c, s, n < (int)sizeof(s) ? (uint32_t)n : sizeof(s) - 1);
}

/* The console's own words (^C, what the clipboard did): shown and sent
 * like output, but not what Ctrl-Shift-C takes for the last line. */
void text_note(struct fomos_ctx *ctx, struct con *c, const char *s)
{
	c->out_note = 1;
	text_puts(ctx, c, s);
	c->out_note = 0;
}

void text_clear(struct fomos_ctx *ctx, struct con *c)
{
	c->scroll = 0;
	text_init(c);
	/* Then a line end: "> " at the start of a line is what a program
	 * driving the serial line (the boot tests) waits for. */
	serial_put(ctx, c, "\x1b[H\x1b[2J\n", 8);
}

/* Lays the prompt and the line being edited out from the start of
 * edit_line, wrapping at the window's width, and places the cursor. */
void text_edit_show(struct con *c)
{
	uint32_t n = 2 + c->len, cols = c->cols, i, pos = 2 + c->cur;
	uint64_t need = n / cols + 1;

	for (i = 0; i < need; i++)
		line_clear(c, c->edit_line + i);
	c->total = c->edit_line + need;
	for (i = 0; i < n; i++) {
		uint32_t cp = i < 2 ? (uint32_t)"> "[i] : c->buf[i - 2];

		line_at(c, c->edit_line + i / cols)[i % cols] = (uint16_t)(fomos_font_glyph(c->font, cp) | LINE_INPUT);
	}
	c->col = n % cols;
	c->cursor_line = c->edit_line + pos / cols;
	c->cursor_col = pos % cols;
	c->text_dirty = 1;
}

static uint32_t scroll_max(const struct con *c)
{
	uint64_t avail = c->total < CON_LINES ? c->total : CON_LINES;

	return avail > c->rows ? (uint32_t)(avail - c->rows) : 0;
}

/* Scrolls back (lines > 0) or forward, within what the ring still holds. */
void text_scroll(struct con *c, int32_t lines)
{
	int64_t s = (int64_t)c->scroll + lines, max = scroll_max(c);

	s = s < 0 ? 0 : s > max ? max : s;
	if ((uint32_t)s != c->scroll) {
		c->scroll = (uint32_t)s;
		c->text_dirty = 1;
	}
}

static void draw_cell(struct fomos_ctx *ctx, struct con *c, uint32_t r, uint32_t col, uint32_t cell,
    uint32_t blank)
{
	const struct fomos_font *f = c->font;
	int32_t x = CON_TEXT_X + col * f->width, y = CON_TEXT_Y(f) + r * f->height;
	uint32_t fg = cell & CELL_INPUT ? CON_FG_INPUT : CON_FG, bg = CON_BG;

	if ((cell & (CELL_CURSOR | CELL_FOCUS)) == (CELL_CURSOR | CELL_FOCUS))
		fg = CON_BG, bg = CON_CURSOR;
	if (cell == blank)
		fomos_fill(&ctx->fb, x, y, (int32_t)f->width, (int32_t)f->height, bg);
	else
		fomos_draw_glyph(&ctx->fb, f, x, y, CELL_GLYPH(cell), fg, bg);
	/* Unfocused: an underline, so the window still shows where typing goes. */
	if ((cell & (CELL_CURSOR | CELL_FOCUS)) == CELL_CURSOR)
		fomos_fill(&ctx->fb, x, y + (int32_t)f->height - 2, (int32_t)f->width, 2, CON_CURSOR);
}

/* Redraws the cells that changed and damages the rectangle around them. */
void text_draw(struct fomos_ctx *ctx, struct con *c)
{
	uint64_t avail = c->total < CON_LINES ? c->total : CON_LINES;
	int64_t top = (int64_t)c->total - c->rows - c->scroll;
	uint32_t blank = fomos_font_glyph(c->font, ' '), r, col;
	uint32_t x0 = c->cols, y0 = c->rows, x1 = 0, y1 = 0, drawn = 0;

	if (!c->text_dirty)
		return;
	c->text_dirty = 0;
	if (c->scroll > scroll_max(c))
		c->scroll = scroll_max(c);
	if (top < (int64_t)(c->total - avail))
		top = (int64_t)(c->total - avail);
	for (r = 0; r < c->rows && drawn < CON_DRAW_MAX; r++) {
		uint64_t n = (uint64_t)top + r;
		const uint16_t *line = n < c->total ? line_at(c, n) : 0;

		for (col = 0; col < c->cols; col++) {
			uint32_t want = line ? (line[col] & LINE_GLYPH) | (line[col] & LINE_INPUT ? CELL_INPUT : 0) : blank;
			uint32_t *shown = &c->shown[r * c->cols + col];

			if (n == c->cursor_line && col == c->cursor_col)
				want |= CELL_CURSOR | (c->focused ? CELL_FOCUS : 0);
			if (*shown == want)
				continue;
			*shown = want;
			draw_cell(ctx, c, r, col, want, blank);
			drawn++;
			x0 = col < x0 ? col : x0;
			x1 = col + 1 > x1 ? col + 1 : x1;
			y0 = r < y0 ? r : y0;
			y1 = r + 1;
		}
	}
	if (r < c->rows)
		c->text_dirty = 1;	/* the rest at the next call */
	if (x1 > x0)
		ctx->damage(CON_TEXT_X + x0 * c->font->width, CON_TEXT_Y(c->font) + y0 * c->font->height,
		    (x1 - x0) * c->font->width, (y1 - y0) * c->font->height);
}
