/*
 * The console keeps text, not pixels: a grid of codepoints used as a ring of
 * rows, so scrolling is moving the ring's top and clearing one row.  Pixels
 * are drawn only for rows that changed, when the console syncs (after each
 * write at boot and after a fault; once per frame while the executor runs),
 * so a burst of log lines costs one redraw, not one full-screen memmove each.
 */
#include <stdint.h>

#include "console.h"
#include "display.h"
#include "font.h"
#include "kmem.h"
#include "lib.h"

/* The embedded PSF font (kernel/gfx/font_data.S). */
extern const uint8_t font_psf[], font_psf_end[];

/* Set by console_init; then changed by console_write and console_sync. */
static struct console {
	int ready;
	int deferred;		/* the executor syncs once per frame */
	struct compose_layer layer;	/* the bottom of the display */
	uint32_t *pixels;	/* the layer's pixels, 0xAARRGGBB */
	uint32_t width, height;
	uint32_t scale;		/* 2 on wide screens so the text stays readable */
	uint32_t cw, ch;	/* cell size in pixels */
	uint32_t cols, rows;
	uint32_t *cells;	/* rows x cols codepoints; screen row r is grid row (top + r) % rows */
	uint32_t top;
	uint8_t *dirty;		/* per screen row: its pixels are out of date */
	uint32_t x, y;		/* cursor cell, screen coordinates */
	uint32_t fg, bg;	/* 0xAARRGGBB */
	uint32_t utf8_cp, utf8_left;	/* a UTF-8 sequence being decoded */
	struct font font;
} con;

static uint32_t *console_row(uint32_t screen_row)
{
	return con.cells + (uint64_t)((con.top + screen_row) % con.rows) * con.cols;
}

static void console_draw_cell(uint32_t row, uint32_t col, uint32_t cp)
{
	const uint8_t *g = font_glyph(&con.font, cp ? cp : ' ');
	uint32_t gx, gy, px, py, s = con.scale;

	for (gy = 0; gy < con.font.height; gy++) {
		const uint8_t *bits = g + gy * con.font.bytes_per_row;

		for (py = 0; py < s; py++) {
			uint32_t *out = con.pixels + (uint64_t)(row * con.ch + gy * s + py) * con.width + col * con.cw;

			for (gx = 0; gx < con.font.width; gx++) {
				uint32_t c = bits[gx / 8] & (0x80 >> (gx % 8)) ? con.fg : con.bg;

				for (px = 0; px < s; px++)
					*out++ = c;
			}
		}
	}
}

void console_sync(void)
{
	uint32_t r, c;

	if (!con.ready)
		return;
	for (r = 0; r < con.rows; r++) {
		const uint32_t *cells;

		if (!con.dirty[r])
			continue;
		con.dirty[r] = 0;
		cells = console_row(r);
		for (c = 0; c < con.cols; c++)
			console_draw_cell(r, c, cells[c]);
		display_damage_layer(&con.layer, (struct compose_rect){ 0, (int32_t)(r * con.ch),
		    (int32_t)(con.cols * con.cw), (int32_t)((r + 1) * con.ch) });
	}
}

static void console_newline(void)
{
	con.x = 0;
	if (con.y + 1 < con.rows) {
		con.y++;
		return;
	}
	/* Scroll: the old top row becomes the new bottom row, cleared. */
	con.top = (con.top + 1) % con.rows;
	memset(console_row(con.rows - 1), 0, con.cols * sizeof(uint32_t));
	memset(con.dirty, 1, con.rows);
}

static void console_put(uint32_t cp)
{
	switch (cp) {
	case '\n': console_newline(); return;
	case '\r': con.x = 0; return;
	case '\t':
		do
			console_put(' ');
		while (con.x % 8);
		return;
	case '\b': if (con.x) con.x--; return;
	}
	if (cp < 0x20)
		return;
	if (con.x == con.cols)
		console_newline();
	console_row(con.y)[con.x++] = cp;
	con.dirty[con.y] = 1;
}

/* Bytes to codepoints; a malformed sequence shows as U+FFFD (the font's
 * fallback glyph) instead of vanishing. */
static void console_byte(uint8_t b)
{
	if (con.utf8_left) {
		if ((b & 0xc0) == 0x80) {
			con.utf8_cp = (con.utf8_cp << 6) | (b & 0x3f);
			if (--con.utf8_left == 0)
				console_put(con.utf8_cp);
			return;
		}
		con.utf8_left = 0;
		console_put(0xfffd);
	}
	if (b < 0x80)
		console_put(b);
	else if ((b & 0xe0) == 0xc0)
		con.utf8_cp = b & 0x1f, con.utf8_left = 1;
	else if ((b & 0xf0) == 0xe0)
		con.utf8_cp = b & 0x0f, con.utf8_left = 2;
	else if ((b & 0xf8) == 0xf0)
		con.utf8_cp = b & 0x07, con.utf8_left = 3;
	else
		console_put(0xfffd);
}

void console_defer(int on)
{
	con.deferred = on;
}

void console_write(const char *s, size_t n)
{
	if (!con.ready)
		return;
	for (; n; n--, s++)
		console_byte((uint8_t)*s);
	if (!con.deferred) {
		console_sync();
		display_flush();
	}
}

void console_clear(void)
{
	if (!con.ready)
		return;
	memset(con.cells, 0, (uint64_t)con.rows * con.cols * sizeof(uint32_t));
	memset(con.dirty, 1, con.rows);
	con.x = con.y = 0;
}

/* The grid and pixels for the display's current size: 0, or -1 (nothing
 * changed). */
static int console_layout(void)
{
	uint32_t width = display_width(), height = display_height();
	uint32_t scale = width >= 1600 ? 2 : 1;
	uint32_t cw = con.font.width * scale, ch = con.font.height * scale;
	uint32_t cols = width / cw, rows = height / ch, keep, r;
	uint32_t *pixels = kcalloc((uint64_t)width * height, 4);
	uint32_t *cells = kcalloc((uint64_t)rows * cols, sizeof(uint32_t));
	uint8_t *dirty = kcalloc(rows, 1);
	uint64_t i;

	if (!pixels || !cells || !dirty || !rows || !cols) {
		kfree(pixels);
		kfree(cells);
		kfree(dirty);
		return -1;
	}
	/* The whole layer, the strip right of and below the text grid too, so
	 * nothing of the firmware's screen is left. */
	for (i = 0; i < (uint64_t)width * height; i++)
		pixels[i] = con.bg;
	/* A new size keeps the newest lines: those up to the cursor's row. */
	keep = con.cells ? MIN(rows, con.y + 1) : 0;
	for (r = 0; r < keep; r++)
		memcpy(cells + (uint64_t)r * cols, console_row(con.y + 1 - keep + r),
		    MIN(cols, con.cols) * sizeof(uint32_t));
	memset(dirty, 1, rows);
	kfree(con.pixels);
	kfree(con.cells);
	kfree(con.dirty);
	con.pixels = pixels;
	con.cells = cells;
	con.dirty = dirty;
	con.width = width;
	con.height = height;
	con.scale = scale;
	con.cw = cw;
	con.ch = ch;
	con.cols = cols;
	con.rows = rows;
	con.top = 0;
	con.y = keep ? keep - 1 : 0;
	con.x = MIN(con.x, cols);
	con.layer = (struct compose_layer){ con.pixels, con.width, con.height, con.width, 0, 0, 1,
	    { 0, 0, (int32_t)con.width, (int32_t)con.height } };
	return 0;
}

int console_init(void)
{
	if (!display_ready() || font_load(&con.font, font_psf, font_psf_end - font_psf) < 0)
		return -1;
	con.fg = 0xffd8dee9;
	con.bg = 0xff1d2330;
	if (console_layout() < 0 || display_add_layer_in(&con.layer, DISPLAY_BAND_BASE) < 0)
		return -1;
	con.ready = 1;
	display_flush();
	return 0;
}

int console_resize(void)
{
	if (!con.ready)
		return -1;
	if (console_layout() < 0)
		return -1;
	display_damage((struct compose_rect){ 0, 0, (int32_t)con.width, (int32_t)con.height });
	return 0;
}
