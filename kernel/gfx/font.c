/*
 * PC Screen Font loading, PSF1 and PSF2 (the formats of the Linux console;
 * see kbd's psf.h and the "PC Screen Font" pages of the kbd documentation).
 *
 * The font is embedded at build time, but the loader still treats it as
 * untrusted input: every size in a header is checked against the data
 * before anything is read, so a truncated or lying file is refused.
 */
#include <stdint.h>
#include <stdbool.h>
#include "lib.h"
#include "font.h"

#define PSF1_MAGIC0	0x36
#define PSF1_MAGIC1	0x04
#define PSF1_MODE512	0x01
#define PSF1_MODEHASTAB	0x02
#define PSF1_MODESEQ	0x04
#define PSF1_SEPARATOR	0xffff	/* ends one glyph's list */
#define PSF1_STARTSEQ	0xfffe	/* the rest of the list is sequences */

#define PSF2_MAGIC	0x864ab572u	/* bytes 72 b5 4a 86, little-endian */
#define PSF2_HEADER	32
#define PSF2_HAS_TABLE	0x01
#define PSF2_SEPARATOR	0xff
#define PSF2_STARTSEQ	0xfe

/* Far past any console font; keeps every size product small. */
#define FONT_SIDE_MAX	256
#define FONT_NONE	0xffff

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* First glyph wins: Terminus lists a few codepoints twice. */
static void
map_add(struct font *f, uint32_t cp, uint32_t glyph)
{
	if (cp < FONT_MAP_SIZE && f->map[cp] == FONT_NONE)
		f->map[cp] = (uint16_t)glyph;
}

/* PSF1's table: per glyph, uint16 codepoints up to 0xffff; a 0xfffe
 * starts combining sequences, which a console without them skips. */
static int
psf1_table(struct font *f, const uint8_t *p, uint64_t len)
{
	uint64_t pos = 0;

	for (uint32_t g = 0; g < f->count; g++) {
		bool seq = false;
		for (;;) {
			uint16_t u;
			if (len - pos < 2)
				return -1;
			u = (uint16_t)(p[pos] | p[pos + 1] << 8);
			pos += 2;
			if (u == PSF1_SEPARATOR)
				break;
			if (u == PSF1_STARTSEQ)
				seq = true;
			else if (!seq)
				map_add(f, u, g);
		}
	}
	return 0;
}

static int
psf1_load(struct font *f, const uint8_t *data, uint64_t len)
{
	uint8_t mode = data[2];
	uint64_t glyph_bytes;

	f->count = mode & PSF1_MODE512 ? 512 : 256;
	f->width = 8;
	f->height = data[3];
	f->bytes_per_row = 1;
	f->bytes_per_glyph = data[3];
	if (f->height == 0)
		return -1;
	glyph_bytes = (uint64_t)f->count * f->bytes_per_glyph;
	if (len - 4 < glyph_bytes)
		return -1;
	f->glyphs = data + 4;
	if (mode & (PSF1_MODEHASTAB | PSF1_MODESEQ))
		return psf1_table(f, data + 4 + glyph_bytes, len - 4 - glyph_bytes);
	return 1;	/* no table */
}

/* One UTF-8 character at p[*pos], or -1 if it is cut off or malformed. */
static int32_t
utf8_next(const uint8_t *p, uint64_t len, uint64_t *pos)
{
	uint8_t b = p[*pos];
	uint32_t cp, min;
	int more;

	if (b < 0x80) { cp = b; more = 0; min = 0; }
	else if ((b & 0xe0) == 0xc0) { cp = b & 0x1f; more = 1; min = 0x80; }
	else if ((b & 0xf0) == 0xe0) { cp = b & 0x0f; more = 2; min = 0x800; }
	else if ((b & 0xf8) == 0xf0) { cp = b & 0x07; more = 3; min = 0x10000; }
	else return -1;
	if (len - *pos - 1 < (uint64_t)more)
		return -1;
	for (int i = 1; i <= more; i++) {
		b = p[*pos + i];
		if ((b & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (b & 0x3f);
	}
	if (cp < min || cp > 0x10ffff)
		return -1;	/* overlong or out of range */
	*pos += 1 + more;
	return (int32_t)cp;
}

/* PSF2's table: per glyph, UTF-8 characters up to 0xff; 0xfe starts
 * sequences (0xfe and 0xff are never UTF-8 bytes, so no ambiguity). */
static int
psf2_table(struct font *f, const uint8_t *p, uint64_t len)
{
	uint64_t pos = 0;

	for (uint32_t g = 0; g < f->count; g++) {
		bool seq = false;
		for (;;) {
			int32_t cp;
			if (pos >= len)
				return -1;
			if (p[pos] == PSF2_SEPARATOR) {
				pos++;
				break;
			}
			if (p[pos] == PSF2_STARTSEQ) {
				seq = true;
				pos++;
				continue;
			}
			if ((cp = utf8_next(p, len, &pos)) < 0)
				return -1;
			if (!seq)
				map_add(f, (uint32_t)cp, g);
		}
	}
	return 0;
}

static int
psf2_load(struct font *f, const uint8_t *data, uint64_t len)
{
	uint32_t hdr, flags, charsize;
	uint64_t glyph_bytes;

	if (len < PSF2_HEADER)
		return -1;
	hdr = le32(data + 8);
	flags = le32(data + 12);
	f->count = le32(data + 16);
	charsize = le32(data + 20);
	f->height = le32(data + 24);
	f->width = le32(data + 28);
	/* map[] holds glyph numbers in 16 bits, FONT_NONE excluded. */
	if (hdr < PSF2_HEADER || hdr > len || f->count == 0 || f->count >= FONT_NONE ||
	    f->width == 0 || f->width > FONT_SIDE_MAX ||
	    f->height == 0 || f->height > FONT_SIDE_MAX)
		return -1;
	f->bytes_per_row = (f->width + 7) / 8;
	if (charsize < f->bytes_per_row * f->height || charsize > FONT_SIDE_MAX * FONT_SIDE_MAX)
		return -1;
	f->bytes_per_glyph = charsize;
	glyph_bytes = (uint64_t)f->count * charsize;
	if (len - hdr < glyph_bytes)
		return -1;
	f->glyphs = data + hdr;
	if (flags & PSF2_HAS_TABLE)
		return psf2_table(f, data + hdr + glyph_bytes, len - hdr - glyph_bytes);
	return 1;	/* no table */
}

int
font_load(struct font *f, const uint8_t *data, uint64_t len)
{
	int r;

	memset(f, 0, sizeof(*f));
	for (uint32_t i = 0; i < FONT_MAP_SIZE; i++)
		f->map[i] = FONT_NONE;
	if (data == 0 || len < 4)
		return -1;
	if (data[0] == PSF1_MAGIC0 && data[1] == PSF1_MAGIC1)
		r = psf1_load(f, data, len);
	else if (le32(data) == PSF2_MAGIC)
		r = psf2_load(f, data, len);
	else
		r = -1;
	if (r < 0) {
		memset(f, 0, sizeof(*f));
		return -1;
	}
	if (r == 1)	/* no Unicode table: glyph i is codepoint i */
		for (uint32_t i = 0; i < f->count && i < FONT_MAP_SIZE; i++)
			f->map[i] = (uint16_t)i;
	f->fallback = f->map['?'] == FONT_NONE ? 0 : f->map['?'];
	return 0;
}

const uint8_t *
font_glyph(const struct font *f, uint32_t codepoint)
{
	uint32_t g = codepoint < FONT_MAP_SIZE ? f->map[codepoint] : FONT_NONE;

	if (g == FONT_NONE || g >= f->count)
		g = f->fallback;
	return f->glyphs + (uint64_t)g * f->bytes_per_glyph;
}
