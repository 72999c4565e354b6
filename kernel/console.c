#include <stdint.h>

#include "console.h"
#include "display.h"
#include "font.h"
#include "kmem.h"
#include "lib.h"

/* The embedded PSF font (kernel/font_data.S). */
extern const uint8_t font_psf[], font_psf_end[];

/* Everything here is set by console_init and then only by console_write. */
static struct console {
	int ready;
	int deferred;		/* the executor flushes the display once per frame */
	struct compose_layer layer;	/* the bottom of the display */
	uint32_t *back;		/* the layer's pixels, 0xAARRGGBB */
	uint32_t width, height, stride;
	uint32_t scale;		/* 2 on wide screens so the text stays readable */
	uint32_t cw, ch;	/* cell size in pixels */
	uint32_t cols, rows;
	uint32_t x, y;		/* cursor cell */
	uint32_t fg, bg;	/* 0xAARRGGBB */
	uint32_t dirty_lo, dirty_hi;	/* rows to copy out, [lo, hi) */
	uint32_t utf8_cp, utf8_left;	/* a UTF-8 sequence being decoded */
	struct font font;
} con;

static void console_dirty(uint32_t lo, uint32_t hi)
{
	if (con.dirty_lo >= con.dirty_hi) {
		con.dirty_lo = lo;
		con.dirty_hi = hi;
		return;
	}
	con.dirty_lo = MIN(con.dirty_lo, lo);
	con.dirty_hi = MAX(con.dirty_hi, hi);
}

static void console_fill_rows(uint32_t row, uint32_t count)
{
	uint32_t y, x;

	for (y = row * con.ch; y < (row + count) * con.ch; y++)
		for (x = 0; x < con.width; x++)
			con.back[y * con.stride + x] = con.bg;
}

static void console_scroll(void)
{
	uint64_t row_px = (uint64_t)con.ch * con.stride;

	memmove(con.back, con.back + row_px, (con.rows - 1) * row_px * 4);
	console_fill_rows(con.rows - 1, 1);
	console_dirty(0, con.rows);
}

static void console_draw(uint32_t cp)
{
	const uint8_t *g = font_glyph(&con.font, cp);
	uint32_t gx, gy, px, py, *row;
	uint32_t s = con.scale;

	for (gy = 0; gy < con.font.height; gy++) {
		const uint8_t *bits = g + gy * con.font.bytes_per_row;

		for (py = 0; py < s; py++) {
			row = con.back + (uint64_t)(con.y * con.ch + gy * s + py) * con.stride + con.x * con.cw;
			for (gx = 0; gx < con.font.width; gx++) {
				uint32_t on = bits[gx / 8] & (0x80 >> (gx % 8));

				for (px = 0; px < s; px++)
					row[gx * s + px] = on ? con.fg : con.bg;
			}
		}
	}
	console_dirty(con.y, con.y + 1);
}

static void console_newline(void)
{
	con.x = 0;
	if (++con.y == con.rows) {
		console_scroll();
		con.y = con.rows - 1;
	}
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
	console_draw(cp);
	con.x++;
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

static void console_flush(void)
{
	if (con.dirty_lo >= con.dirty_hi)
		return;
	display_damage((struct compose_rect){ 0, (int32_t)(con.dirty_lo * con.ch),
	    (int32_t)con.width, (int32_t)(con.dirty_hi * con.ch) });
	con.dirty_lo = con.dirty_hi = 0;
	if (!con.deferred)
		display_flush();
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
	console_flush();
}

void console_clear(void)
{
	if (!con.ready)
		return;
	console_fill_rows(0, con.rows);
	con.x = con.y = 0;
	console_dirty(0, con.rows);
	console_flush();
}

int console_init(void)
{
	uint64_t i;

	if (!display_ready())
		return -1;
	if (font_load(&con.font, font_psf, font_psf_end - font_psf) < 0)
		return -1;
	con.width = display_width();
	con.height = display_height();
	con.stride = con.width;
	con.scale = con.width >= 1600 ? 2 : 1;
	con.cw = con.font.width * con.scale;
	con.ch = con.font.height * con.scale;
	con.cols = con.width / con.cw;
	con.rows = con.height / con.ch;
	con.back = kcalloc((uint64_t)con.width * con.height, 4);
	if (!con.back)
		return -1;
	con.fg = 0xffd8dee9;
	con.bg = 0xff1d2330;
	/* The whole layer, the strip right of and below the text grid too, so
	 * nothing of the firmware's screen is left. */
	for (i = 0; i < (uint64_t)con.width * con.height; i++)
		con.back[i] = con.bg;
	con.layer = (struct compose_layer){ con.back, con.width, con.height, con.stride, 0, 0, 1,
	    { 0, 0, (int32_t)con.width, (int32_t)con.height } };
	if (display_add_layer(&con.layer) < 0)
		return -1;
	con.ready = 1;
	display_flush();
	return 0;
}
