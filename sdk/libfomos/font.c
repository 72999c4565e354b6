/*
 * The runtime's fonts: a PC Screen Font, PSF1 or PSF2 (the formats of the
 * Linux console, described in the kbd project's documentation), and the
 * built-in one, embedded by font_data.S.  The kernel has its own loader,
 * but an app cannot link kernel code, so this is a second, independent one.
 *
 * A font is read as untrusted data, the built-in one too: every size is
 * checked against the bytes there before a glyph is used, so a different
 * font dropped into the build cannot make an app read past its end.
 */
#include <stdlib.h>
#include <fomos_draw.h>

extern const uint8_t fomos_font_psf[], fomos_font_psf_end[];

#define PSF1_MODE512	0x01
#define PSF1_MODEHASTAB	0x02
#define PSF1_MODESEQ	0x04
#define PSF1_END	0xffff		/* ends one glyph's list of codepoints */
#define PSF1_SEQ	0xfffe		/* what follows, up to the end, are sequences */

#define PSF2_HAS_TABLE	0x01
#define PSF2_END	0xff
#define PSF2_SEQ	0xfe

#define FONT_SIDE_MAX	64		/* far past any console font */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Terminus lists some codepoints under two glyphs: the first one wins. */
static void map_add(struct fomos_font *f, uint32_t cp, uint32_t glyph)
{
	if (cp < 0x10000 && f->map[cp] == FOMOS_FONT_NONE)
		f->map[cp] = (uint16_t)glyph;
}

/* PSF1's table: per glyph, 16-bit codepoints, then PSF1_END. */
static int psf1_table(struct fomos_font *f, const uint8_t *p, uint64_t len)
{
	uint64_t pos = 0;
	uint32_t g;

	for (g = 0; g < f->count; g++) {
		int seq = 0;

		for (;;) {
			uint32_t u;

			if (len - pos < 2)
				return -1;
			u = p[pos] | (uint32_t)p[pos + 1] << 8;
			pos += 2;
			if (u == PSF1_END)
				break;
			if (u == PSF1_SEQ)
				seq = 1;
			else if (!seq)
				map_add(f, u, g);
		}
	}
	return 0;
}

/* One UTF-8 character at p[*pos]; 0xffffffff if malformed. */
static uint32_t utf8_get(const uint8_t *p, uint64_t len, uint64_t *pos)
{
	uint32_t cp = p[*pos], more, i;

	if (cp < 0x80)
		more = 0;
	else if ((cp & 0xe0) == 0xc0)
		more = 1, cp &= 0x1f;
	else if ((cp & 0xf0) == 0xe0)
		more = 2, cp &= 0x0f;
	else if ((cp & 0xf8) == 0xf0)
		more = 3, cp &= 0x07;
	else
		return 0xffffffffu;
	if (len - *pos < 1 + more)
		return 0xffffffffu;
	for (i = 1; i <= more; i++) {
		if ((p[*pos + i] & 0xc0) != 0x80)
			return 0xffffffffu;
		cp = cp << 6 | (p[*pos + i] & 0x3f);
	}
	*pos += 1 + more;
	return cp;
}

/* PSF2's table: per glyph, UTF-8 characters, then PSF2_END; PSF2_SEQ
 * starts sequences, which a console without combining skips. */
static int psf2_table(struct fomos_font *f, const uint8_t *p, uint64_t len)
{
	uint64_t pos = 0;
	uint32_t g;

	for (g = 0; g < f->count; g++) {
		int seq = 0;

		for (;;) {
			uint32_t cp;

			if (pos >= len)
				return -1;
			if (p[pos] == PSF2_END) {
				pos++;
				break;
			}
			if (p[pos] == PSF2_SEQ) {
				pos++;
				seq = 1;
				continue;
			}
			cp = utf8_get(p, len, &pos);
			if (cp == 0xffffffffu)
				return -1;
			if (!seq)
				map_add(f, cp, g);
		}
	}
	return 0;
}

static int font_sizes(struct fomos_font *f, const uint8_t *data, uint64_t len, uint64_t start)
{
	f->row_bytes = (f->width + 7) / 8;
	if (!f->count || f->count > FOMOS_FONT_GLYPHS_MAX || !f->width || f->width > FONT_SIDE_MAX ||
	    !f->height || f->height > FONT_SIDE_MAX || f->glyph_bytes != f->row_bytes * f->height)
		return -1;
	if (start > len || (len - start) / f->glyph_bytes < f->count)
		return -1;
	f->glyphs = data + start;
	return 0;
}

int fomos_font_load(struct fomos_font *f, const void *psf, uint64_t len)
{
	const uint8_t *data = psf;
	uint64_t table;
	uint32_t i;
	int has_table, r;

	for (i = 0; i < 0x10000; i++)
		f->map[i] = FOMOS_FONT_NONE;
	if (len >= 4 && data[0] == 0x36 && data[1] == 0x04) {
		f->count = data[2] & PSF1_MODE512 ? 512 : 256;
		f->width = 8;
		f->height = data[3];
		f->glyph_bytes = data[3];
		if (font_sizes(f, data, len, 4) < 0)
			return -1;
		table = 4 + (uint64_t)f->count * f->glyph_bytes;
		has_table = data[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ);
		r = has_table ? psf1_table(f, data + table, len - table) : 0;
	} else if (len >= 32 && le32(data) == 0x864ab572u) {
		uint32_t header = le32(data + 8);

		f->count = le32(data + 16);
		f->glyph_bytes = le32(data + 20);
		f->height = le32(data + 24);
		f->width = le32(data + 28);
		if (header < 32 || font_sizes(f, data, len, header) < 0)
			return -1;
		table = header + (uint64_t)f->count * f->glyph_bytes;
		has_table = le32(data + 12) & PSF2_HAS_TABLE;
		r = has_table ? psf2_table(f, data + table, len - table) : 0;
	} else {
		return -1;
	}
	if (r < 0)
		return -1;
	if (!has_table)		/* no table: glyph n draws codepoint n */
		for (i = 0; i < f->count && i < 0x10000; i++)
			f->map[i] = (uint16_t)i;
	f->fallback = f->map['?'] != FOMOS_FONT_NONE ? f->map['?'] : 0;
	return 0;
}

uint32_t fomos_font_glyph(const struct fomos_font *f, uint32_t cp)
{
	if (cp < 0x10000 && f->map[cp] != FOMOS_FONT_NONE)
		return f->map[cp];
	return f->fallback;
}

const struct fomos_font *fomos_font_builtin(void)
{
	static struct fomos_font *builtin;
	struct fomos_font *f;

	if (builtin)
		return builtin;
	f = malloc(sizeof(*f));
	if (!f)
		return NULL;
	if (fomos_font_load(f, fomos_font_psf, (uint64_t)(fomos_font_psf_end - fomos_font_psf)) < 0)
		__builtin_trap();	/* the runtime was built with a broken font */
	return builtin = f;
}
