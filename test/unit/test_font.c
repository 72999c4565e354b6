/* font: the real embedded font (build/font.psf), plus hand-built PSF2
 * fonts and damaged copies, each in an exactly sized buffer for ASan. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "font.h"
#include "unit.h"

/* Reads build/font.psf; NULL (and a failed check) if it is not there. */
static uint8_t *
read_font(uint64_t *len)
{
	char path[4200];
	uint8_t *data = NULL;
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/font.psf", unit_build_dir());
	f = fopen(path, "rb");
	if (f == NULL) {
		unit_fail(__FILE__, __LINE__, "cannot open %s (run ninja)", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (data = malloc(n)) != NULL &&
	    fread(data, 1, n, f) != (size_t)n) {
		free(data);
		data = NULL;
	}
	fclose(f);
	CHECK(data != NULL);
	*len = data ? (uint64_t)n : 0;
	return data;
}

/* font_load on a heap copy of the first len bytes. */
static int
load_copy(const uint8_t *data, uint64_t len)
{
	struct font f;
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, data, len);
	r = font_load(&f, copy, len);
	free(copy);
	return r;
}

static int
blank(const struct font *f, const uint8_t *g)
{
	for (uint32_t i = 0; i < f->bytes_per_glyph; i++)
		if (g[i] != 0)
			return 0;
	return 1;
}

void
font_loads_the_embedded_terminus_font(void)
{
	uint64_t len;
	uint8_t *data = read_font(&len);
	struct font f;

	if (data == NULL)
		return;
	CHECK_EQ_U64(font_load(&f, data, len), 0);
	CHECK_EQ_U64(f.count, 512);
	CHECK_EQ_U64(f.width, 8);
	CHECK_EQ_U64(f.height, 16);
	CHECK_EQ_U64(f.bytes_per_row, 1);
	CHECK_EQ_U64(f.bytes_per_glyph, 16);
	CHECK(f.glyphs == data + 4);
	free(data);
}

void
font_maps_ascii_and_latin1_codepoints(void)
{
	uint64_t len;
	uint8_t *data = read_font(&len);
	struct font f;
	uint32_t cp;

	if (data == NULL)
		return;
	CHECK_EQ_U64(font_load(&f, data, len), 0);
	for (cp = 0x20; cp < 0x100; cp++) {
		if (cp >= 0x7f && cp < 0xa0)
			continue;	/* C1 controls have no glyph */
		if (f.map[cp] == 0xffff)
			unit_fail(__FILE__, __LINE__, "U+%04X unmapped", cp);
		else if (f.map[cp] >= f.count)
			unit_fail(__FILE__, __LINE__, "U+%04X maps past the glyphs", cp);
	}
	/* The pixels are right: 'A' is not 'B', 'e' is not 'é', ' ' is blank. */
	CHECK(!blank(&f, font_glyph(&f, 'A')));
	CHECK(memcmp(font_glyph(&f, 'A'), font_glyph(&f, 'B'), 16) != 0);
	CHECK(memcmp(font_glyph(&f, 'e'), font_glyph(&f, 0xe9), 16) != 0);
	CHECK(blank(&f, font_glyph(&f, ' ')));
	CHECK(font_glyph(&f, 'A') == f.glyphs + f.map['A'] * 16);
	free(data);
}

void
font_unmapped_codepoint_falls_back_to_question_mark(void)
{
	uint64_t len;
	uint8_t *data = read_font(&len);
	struct font f;

	if (data == NULL)
		return;
	CHECK_EQ_U64(font_load(&f, data, len), 0);
	CHECK_EQ_U64(f.fallback, f.map['?']);
	CHECK(font_glyph(&f, 0x4e00) == font_glyph(&f, '?'));		/* CJK */
	CHECK(font_glyph(&f, 0x10ffff) == font_glyph(&f, '?'));
	CHECK(font_glyph(&f, UINT32_MAX) == font_glyph(&f, '?'));
	free(data);
}

void
font_rejects_truncated_and_garbage_input(void)
{
	uint64_t len, glyphs_end = 4 + 512 * 16;
	uint8_t *data = read_font(&len), *junk;
	uint64_t cuts[] = { 0, 1, 2, 3, 4, 5, 100, glyphs_end - 1, glyphs_end,
	    glyphs_end + 1, glyphs_end + 2, len - 100, len - 2, len - 1 };
	uint32_t seed = 5;

	if (data == NULL)
		return;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		if (cuts[i] < len && load_copy(data, cuts[i]) != -1)
			unit_fail(__FILE__, __LINE__, "cut at %llu accepted",
			    (unsigned long long)cuts[i]);
	CHECK_EQ_U64(load_copy(data, len), 0);

	data[3] = 0;		/* zero height */
	CHECK_EQ_U64(load_copy(data, len), -1);
	free(data);

	junk = malloc(4096);
	for (int iter = 0; iter < 200; iter++) {
		for (int i = 0; i < 4096; i++) {
			seed = seed * 1103515245 + 12345;
			junk[i] = (uint8_t)(seed >> 16);
		}
		CHECK_EQ_U64(load_copy(junk, 1 + iter * 20), -1);
	}
	/* PSF1 magic on noise: whatever it says, nothing is read past len. */
	for (int iter = 0; iter < 200; iter++) {
		junk[0] = 0x36;
		junk[1] = 0x04;
		junk[2] = (uint8_t)iter;
		load_copy(junk, 4 + iter * 20);
	}
	free(junk);
}

/* A PSF2 font: count glyphs of width x height, glyph g's bytes all g+1,
 * then the table (if any). */
static size_t
make_psf2(uint8_t *out, uint32_t count, uint32_t width, uint32_t height,
    const uint8_t *table, size_t tlen)
{
	uint32_t charsize = (width + 7) / 8 * height;
	uint32_t hdr[8] = { 0x864ab572, 0, 32, tlen ? 1 : 0, count, charsize, height, width };

	memcpy(out, hdr, 32);	/* the host is little-endian, like the format */
	for (uint32_t g = 0; g < count; g++)
		memset(out + 32 + g * charsize, g + 1, charsize);
	if (tlen > 0)
		memcpy(out + 32 + count * charsize, table, tlen);
	return 32 + count * charsize + tlen;
}

static const uint8_t psf2_table[] = {
	'A', 0xff,						/* 0: A */
	0xc3, 0xa9, 0xfe, 'e', 0xcc, 0x81, 0xff,		/* 1: é, then e + U+0301 */
	'?', 0xff,						/* 2: ? */
	0xe2, 0x82, 0xac, 'A', 0xf0, 0x9f, 0x98, 0x80, 0xff,	/* 3: €, A again, U+1F600 */
};

void
font_loads_psf2_with_utf8_table(void)
{
	uint8_t buf[256];
	size_t n = make_psf2(buf, 4, 10, 3, psf2_table, sizeof(psf2_table));
	struct font f;

	CHECK_EQ_U64(load_copy(buf, n), 0);
	CHECK_EQ_U64(font_load(&f, buf, n), 0);
	CHECK_EQ_U64(f.count, 4);
	CHECK_EQ_U64(f.width, 10);
	CHECK_EQ_U64(f.height, 3);
	CHECK_EQ_U64(f.bytes_per_row, 2);
	CHECK_EQ_U64(f.bytes_per_glyph, 6);
	CHECK_EQ_U64(f.map['A'], 0);		/* the first glyph wins */
	CHECK_EQ_U64(f.map[0xe9], 1);
	CHECK_EQ_U64(f.map['e'], 0xffff);	/* only inside a sequence */
	CHECK_EQ_U64(f.fallback, 2);
	CHECK_EQ_U64(font_glyph(&f, 0xe9)[0], 2);
	CHECK_EQ_U64(font_glyph(&f, 0x20ac)[0], 3);	/* beyond map[]: fallback */
	CHECK(font_glyph(&f, 'A') == buf + 32);
	CHECK(font_glyph(&f, 'e') == buf + 32 + 2 * 6);
}

void
font_psf2_lying_header_is_refused(void)
{
	static const struct {
		int field;		/* which uint32 of the header to change */
		uint32_t value;
	} lies[] = {
		{ 2, 1000 },		/* header size past the end */
		{ 2, 16 },		/* header size smaller than the header */
		{ 4, 0 },		/* no glyphs */
		{ 4, 100 },		/* more glyphs than there are bytes */
		{ 4, 0x10000 },		/* more glyphs than map[] can name */
		{ 4, 0xffffffff },
		{ 5, 5 },		/* glyph smaller than width x height */
		{ 6, 0 },
		{ 6, 0x80000000 },
		{ 7, 0 },
		{ 7, 0xffffffff },
	};
	static const uint8_t bad_tables[][4] = {
		{ 'A', 0xff, '?', 0xff },	/* two glyphs' lists for four glyphs */
		{ 0x80, 0xff, 0, 0 },		/* a stray continuation byte */
		{ 0xc3, 0xff, 0, 0 },		/* a cut-off sequence */
		{ 0xc0, 0x80, 0xff, 0 },	/* overlong NUL */
	};
	uint8_t buf[256];
	size_t n;

	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		n = make_psf2(buf, 4, 10, 3, psf2_table, sizeof(psf2_table));
		memcpy(buf + 4 * lies[i].field, &lies[i].value, 4);
		if (load_copy(buf, n) != -1)
			unit_fail(__FILE__, __LINE__, "lie %zu accepted", i);
	}
	for (size_t i = 0; i < sizeof(bad_tables) / sizeof(bad_tables[0]); i++) {
		n = make_psf2(buf, 4, 10, 3, bad_tables[i], 4);
		if (load_copy(buf, n) != -1)
			unit_fail(__FILE__, __LINE__, "table %zu accepted", i);
	}
	/* The table's last separator missing. */
	n = make_psf2(buf, 4, 10, 3, psf2_table, sizeof(psf2_table));
	CHECK_EQ_U64(load_copy(buf, n - 1), -1);
	CHECK_EQ_U64(load_copy(buf, 31), -1);
}

void
font_without_table_maps_codepoint_to_glyph_index(void)
{
	uint8_t *psf1 = calloc(1, 4 + 256 * 8), buf[256];
	struct font f;
	size_t n;

	psf1[0] = 0x36;
	psf1[1] = 0x04;
	psf1[2] = 0;		/* 256 glyphs, no table */
	psf1[3] = 8;
	psf1[4 + '?' * 8] = 0x3c;
	CHECK_EQ_U64(font_load(&f, psf1, 4 + 256 * 8), 0);
	CHECK_EQ_U64(f.count, 256);
	CHECK_EQ_U64(f.map['x'], 'x');
	CHECK_EQ_U64(f.map[255], 255);
	CHECK_EQ_U64(f.map[256], 0xffff);
	CHECK_EQ_U64(f.fallback, '?');
	CHECK(font_glyph(&f, 0x100) == psf1 + 4 + '?' * 8);
	free(psf1);

	/* Too few glyphs to have a '?': glyph 0 stands in. */
	n = make_psf2(buf, 3, 8, 8, NULL, 0);
	CHECK_EQ_U64(font_load(&f, buf, n), 0);
	CHECK_EQ_U64(f.map[2], 2);
	CHECK_EQ_U64(f.map[3], 0xffff);
	CHECK_EQ_U64(f.fallback, 0);
	CHECK(font_glyph(&f, 'Z') == buf + 32);
}
