/*
 * Drawing on a struct fomos_surface (0xAARRGGBB pixels, stride in pixels):
 * rectangles, pixel blocks and text, from the Fomos C runtime.
 *
 * Every function clips to the surface: any coordinates and sizes, however
 * negative or large, write only pixels inside it (a surface without pixels,
 * nofb, gets nothing).  Nothing blends: pixels are stored as given.
 *
 *     struct fomos_surface *s = &ctx->fb;
 *
 *     fomos_fill(s, 10, 10, 200, 40, 0xff202838);
 *     fomos_draw_text(s, NULL, 18, 22, "hello", 0xffffffff, 0xff202838);
 *     fomos_damage_all(ctx);
 *
 * The built-in font is Terminus 8x16 (SIL Open Font License 1.1), a PSF
 * font embedded in the runtime; the first text drawn with it reads it into
 * a block from malloc (about 128 KiB).  Any other PSF1 or PSF2 font loads
 * with fomos_font_load().
 */
#ifndef FOMOS_DRAW_H
#define FOMOS_DRAW_H

#include <fomos.h>

#define FOMOS_FONT_NONE		0xffffu
#define FOMOS_FONT_GLYPHS_MAX	0x7fff

struct fomos_font {
	const uint8_t *glyphs;		/* count glyphs of glyph_bytes each */
	uint32_t count, width, height;
	uint32_t row_bytes, glyph_bytes;
	uint16_t fallback;		/* '?' when the font lacks a character */
	uint16_t map[0x10000];		/* codepoint -> glyph, FOMOS_FONT_NONE if none */
};

/* Sets the pixels of the rectangle (x, y, w, h) to argb. */
void fomos_fill(struct fomos_surface *s, int32_t x, int32_t y, int32_t w, int32_t h, uint32_t argb);

/* Copies the w x h pixels at src (stride src_stride pixels) with their
 * top-left corner at (x, y). */
void fomos_blit(struct fomos_surface *s, int32_t x, int32_t y, const uint32_t *src, uint32_t w,
    uint32_t h, uint32_t src_stride);

/* Reads the PSF1 or PSF2 font in psf[0..len), which must stay where it is;
 * -1 if it is none or lies about its sizes. */
int fomos_font_load(struct fomos_font *f, const void *psf, uint64_t len);

/* The built-in font, read at the first call; NULL if malloc failed. */
const struct fomos_font *fomos_font_builtin(void);

/* The glyph that draws codepoint cp (the fallback if the font has none). */
uint32_t fomos_font_glyph(const struct fomos_font *f, uint32_t cp);

/* Glyph number glyph with its top-left corner at (x, y), fg on bg; where
 * bg's alpha is 0, the pixels under the glyph's background stay as they are. */
void fomos_draw_glyph(struct fomos_surface *s, const struct fomos_font *f, int32_t x, int32_t y,
    uint32_t glyph, uint32_t fg, uint32_t bg);

/* The bytes of text, each one character (Latin-1), left to right from
 * (x, y) with font f (NULL: the built-in one).  Returns the x after the
 * last character. */
int32_t fomos_draw_text(struct fomos_surface *s, const struct fomos_font *f, int32_t x, int32_t y,
    const char *text, uint32_t fg, uint32_t bg);

#endif
