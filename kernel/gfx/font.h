/*
 * PC Screen Font (PSF1 and PSF2) bitmap fonts, with their Unicode tables.
 * The kernel embeds one at build time (Terminus 8x16 from Debian's
 * console-setup-linux, OFL-1.1); the parser is pure and host-tested.
 */
#ifndef FONT_H
#define FONT_H

#include <stdint.h>

#define FONT_MAP_SIZE	0x250	/* codepoints below this are looked up directly */

struct font {
	const uint8_t *glyphs;	/* glyph i is glyphs + i * bytes_per_glyph */
	uint32_t count;		/* glyphs */
	uint32_t width, height;	/* pixels */
	uint32_t bytes_per_row;	/* (width + 7) / 8 */
	uint32_t bytes_per_glyph;
	uint16_t map[FONT_MAP_SIZE];	/* codepoint -> glyph; 0xffff if none */
	uint16_t fallback;	/* glyph for unmapped codepoints ('?') */
};

/* Returns 0, or -1 if data is not a well-formed PSF1/PSF2 font. */
int font_load(struct font *f, const uint8_t *data, uint64_t len);
/* The glyph's rows, top first, most significant bit leftmost. */
const uint8_t *font_glyph(const struct font *f, uint32_t codepoint);

#endif
