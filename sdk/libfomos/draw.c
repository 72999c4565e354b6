/*
 * Drawing on a surface: every rectangle is cut to the surface first, in
 * 64-bit arithmetic, so that no coordinate or size an app passes, however
 * hostile, makes a write land outside it.
 */
#include <stdint.h>
#include <fomos_draw.h>

/* The part of [pos, pos + len) inside [0, limit), as [*lo, *hi); 0 if
 * nothing is. */
static int clip(int64_t pos, int64_t len, uint32_t limit, uint32_t *lo, uint32_t *hi)
{
	int64_t a = pos < 0 ? 0 : pos, b = pos + len;

	if (b > (int64_t)limit)
		b = limit;
	if (len <= 0 || a >= b)
		return 0;
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return 1;
}

void fomos_fill(struct fomos_surface *s, int32_t x, int32_t y, int32_t w, int32_t h, uint32_t argb)
{
	uint32_t x0, x1, y0, y1, i, j;

	if (!s->pixels || !clip(x, w, s->width, &x0, &x1) || !clip(y, h, s->height, &y0, &y1))
		return;
	for (j = y0; j < y1; j++) {
		uint32_t *row = s->pixels + (uint64_t)j * s->stride;

		for (i = x0; i < x1; i++)
			row[i] = argb;
	}
}

void fomos_blit(struct fomos_surface *s, int32_t x, int32_t y, const uint32_t *src, uint32_t w,
    uint32_t h, uint32_t src_stride)
{
	uint32_t x0, x1, y0, y1, i, j;

	if (!s->pixels || !clip(x, w, s->width, &x0, &x1) || !clip(y, h, s->height, &y0, &y1))
		return;
	for (j = y0; j < y1; j++) {
		uint32_t *row = s->pixels + (uint64_t)j * s->stride;
		const uint32_t *from = src + (uint64_t)((int64_t)j - y) * src_stride;

		for (i = x0; i < x1; i++)
			row[i] = from[(int64_t)i - x];
	}
}

void fomos_draw_glyph(struct fomos_surface *s, const struct fomos_font *f, int32_t x, int32_t y,
    uint32_t glyph, uint32_t fg, uint32_t bg)
{
	const uint8_t *g = f->glyphs + (uint64_t)(glyph < f->count ? glyph : 0) * f->glyph_bytes;
	uint32_t x0, x1, y0, y1, i, j;

	if (!s->pixels || !clip(x, f->width, s->width, &x0, &x1) ||
	    !clip(y, f->height, s->height, &y0, &y1))
		return;
	for (j = y0; j < y1; j++) {
		const uint8_t *bits = g + (uint64_t)((int64_t)j - y) * f->row_bytes;
		uint32_t *row = s->pixels + (uint64_t)j * s->stride;

		for (i = x0; i < x1; i++) {
			uint32_t gx = (uint32_t)((int64_t)i - x);

			if (bits[gx >> 3] & (0x80 >> (gx & 7)))
				row[i] = fg;
			else if (bg >> 24)
				row[i] = bg;
		}
	}
}

int32_t fomos_draw_text(struct fomos_surface *s, const struct fomos_font *f, int32_t x, int32_t y,
    const char *text, uint32_t fg, uint32_t bg)
{
	int64_t at = x;

	if (!f && !(f = fomos_font_builtin()))
		return x;
	/* Past INT32_MAX nothing could show: stop rather than wrap. */
	for (; *text && at <= INT32_MAX - (int64_t)f->width; text++) {
		fomos_draw_glyph(s, f, (int32_t)at, y, fomos_font_glyph(f, (uint8_t)*text), fg, bg);
		at += f->width;
	}
	return (int32_t)at;
}
