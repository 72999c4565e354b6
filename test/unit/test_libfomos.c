/*
 * sdk/libfomos, the apps' C runtime, built for the host under fomos_ names
 * (libfomos_names.h) and held against the host's libc where C defines the
 * answer.  fomos_X(...) is the runtime's; (X)(...) is the host's.
 */
#define _POSIX_C_SOURCE 200809L	/* strnlen */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "libfomos_names.h"
#include "../../sdk/libfomos/include/ctype.h"
#include "../../sdk/libfomos/include/stdio.h"
#include "../../sdk/libfomos/include/stdlib.h"
#include "../../sdk/libfomos/include/string.h"
#include "../../sdk/libfomos/include/fomos_draw.h"
#include "../../sdk/libfomos/libfomos.h"

/* --- snprintf ------------------------------------------------------------ */

/* Formats into buffers of several sizes, n = 0 included, with the runtime
 * and with libc; text, return value and the bytes past n must agree. */
static void same_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void same_at(const char *file, int line, const char *fmt, ...)
{
	static const size_t sizes[] = { 0, 1, 2, 7, 256 };
	char ours[256], libc[256];
	va_list a, b;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int r_ours, r_libc;

		memset(ours, 'x', sizeof(ours));
		memset(libc, 'x', sizeof(libc));
		va_start(a, fmt);
		va_copy(b, a);
		r_ours = fomos_vsnprintf(ours, sizes[i], fmt, a);
		r_libc = (vsnprintf)(libc, sizes[i], fmt, b);
		va_end(b);
		va_end(a);
		if (r_ours != r_libc || memcmp(ours, libc, sizeof(ours)) != 0)
			unit_fail(file, line, "format \"%s\", n %zu: got \"%.*s\" (%d), libc \"%.*s\" (%d)",
			    fmt, sizes[i], (int)sizes[i], ours, r_ours, (int)sizes[i], libc, r_libc);
	}
}

#define SAME(...)	same_at(__FILE__, __LINE__, __VA_ARGS__)

void libfomos_snprintf_matches_libc_for_a_table_of_formats(void)
{
	SAME("plain text");
	SAME("%d %i %u %x %X %o %c %s %%", -1, 2, 3u, 0xabu, 0xabu, 8u, 'z', "str");
	SAME("%d|%d|%lld|%lld", INT_MIN, INT_MAX, LLONG_MIN, LLONG_MAX);
	SAME("%ld|%lu|%lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
	SAME("[%-6d][%06d][%+d][% d][%#x][%#o][%#X]", 42, -42, 7, 7, 255u, 8u, 255u);
	SAME("[%8.3d][%-8.3x][%.0d][%.0u][%#.0x]", -5, 0xfu, 0, 0u, 0u);
	SAME("[%*d][%-*d][%*d][%.*d][%.*d]", 6, 1, 6, 2, -6, 3, 4, 5, -1, 6);
	SAME("[%10s][%-10s][%.2s][%*.*s]", "abc", "abc", "abc", 6, 1, "xyz");
	SAME("[%c][%3c][%-3c]", 'a', 'b', 'c');
	SAME("%hhd %hhu %hd %hu", (signed char)-3, (unsigned char)250, (short)-300, (unsigned short)60000);
	SAME("%zu %zd %jd %ju %td", (size_t)-1, (ptrdiff_t)-2, (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX,
	    (ptrdiff_t)-4);
	SAME("%llx %llo %llu", 0x0123456789abcdefULL, 01234567ULL, 18446744073709551615ULL);
	SAME("a long line that is cut at every size the table tries: %d %s", 123456789, "tail");
}

void libfomos_snprintf_prints_null_and_pointers_its_own_way(void)
{
	char buf[64];
	int r;

	/* glibc prints "(nil)" and no leading zeros; ours lines up in logs. */
	r = fomos_snprintf(buf, sizeof(buf), "%p|%p", (void *)0, (void *)0x1234);
	CHECK_STR(buf, "0x0000000000000000|0x0000000000001234");
	CHECK_EQ_U64(r, 37);
	r = fomos_snprintf(buf, sizeof(buf), "[%s][%.2s]", (char *)NULL, (char *)NULL);
	CHECK_STR(buf, "[(null)][(n]");
	/* No floats: the conversion shows as written, so the mistake is seen. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
	fomos_snprintf(buf, sizeof(buf), "%f|%d", 7);
#pragma clang diagnostic pop
	CHECK_STR(buf, "%f|7");
	CHECK_EQ_U64(fomos_snprintf(NULL, 0, "%d", 12345), 5);
}

/* --- strtol, strtoul, atoi ----------------------------------------------- */

void libfomos_strtol_and_strtoul_match_libc(void)
{
	static const char *const inputs[] = {
		"0", "42", "-42", "+17", "  \t\n 99z", "0x1f", "0X1F", "-0x10", "0x", "0xg", "017",
		"08", "0b1", "zz", "", "   ", "-", "+-1", "777777777777777777777777",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "18446744073709551615", "18446744073709551616",
		"-18446744073709551615", "-1", "ff", "Zz", "12abc",
	};
	static const int bases[] = { 0, 8, 10, 16, 2, 36 };
	size_t i, j;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (j = 0; j < sizeof(bases) / sizeof(bases[0]); j++) {
			const char *s = inputs[i];
			char *e_ours, *e_libc;
			long l_ours = fomos_strtol(s, &e_ours, bases[j]);
			long l_libc = (strtol)(s, &e_libc, bases[j]);
			unsigned long u_ours, u_libc;

			if (l_ours != l_libc || e_ours != e_libc)
				unit_fail(__FILE__, __LINE__, "strtol(\"%s\", %d): %ld end %td, libc %ld end %td",
				    s, bases[j], l_ours, e_ours - s, l_libc, e_libc - s);
			u_ours = fomos_strtoul(s, &e_ours, bases[j]);
			u_libc = (strtoul)(s, &e_libc, bases[j]);
			if (u_ours != u_libc || e_ours != e_libc)
				unit_fail(__FILE__, __LINE__, "strtoul(\"%s\", %d): %lu end %td, libc %lu end %td",
				    s, bases[j], u_ours, e_ours - s, u_libc, e_libc - s);
		}
		CHECK_EQ_U64(fomos_atoi(inputs[i]), (int)(strtol)(inputs[i], NULL, 10));
	}
	CHECK_EQ_U64(fomos_strtol("12", NULL, 10), 12);	/* no endptr is fine */
	CHECK_EQ_U64(fomos_abs(-5), 5);
	CHECK_EQ_U64(fomos_labs(LONG_MIN + 1), LONG_MAX);
}

/* --- qsort ----------------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* A 3-byte element: sizes that are no power of two take the byte loop. */
struct rgb { uint8_t r, g, b; };

static int cmp_rgb(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct rgb));
}

void libfomos_qsort_sorts_like_libc_on_random_arrays(void)
{
	static int ours[600], ref[600];
	static struct rgb rours[300], rref[300];
	uint32_t seed = 12345;
	size_t n, i;

	for (n = 0; n < 600; n = n * 2 + 1) {
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			ours[i] = ref[i] = (int)(seed >> 8) % 50 - 25;	/* many equal keys */
		}
		fomos_qsort(ours, n, sizeof(int), cmp_int);
		(qsort)(ref, n, sizeof(int), cmp_int);
		CHECK(memcmp(ours, ref, n * sizeof(int)) == 0);
	}
	for (i = 0; i < 300; i++) {
		seed = seed * 1103515245u + 12345u;
		rours[i].r = rref[i].r = (uint8_t)(seed >> 24);
		rours[i].g = rref[i].g = (uint8_t)(seed >> 16);
		rours[i].b = rref[i].b = (uint8_t)(seed >> 8);
	}
	fomos_qsort(rours, 300, sizeof(struct rgb), cmp_rgb);
	(qsort)(rref, 300, sizeof(struct rgb), cmp_rgb);
	CHECK(memcmp(rours, rref, sizeof(rours)) == 0);
}

/* --- string.h and ctype.h -------------------------------------------------- */

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

void libfomos_string_functions_match_libc(void)
{
	static const char *const s[] = { "", "a", "abc", "abd", "ab", "hello world", "\x80\xff", "hello" };
	char ours[64], ref[64];
	size_t i, j, n;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		CHECK_EQ_U64(fomos_strlen(s[i]), (strlen)(s[i]));
		for (n = 0; n < 5; n++)
			CHECK_EQ_U64(fomos_strnlen(s[i], n), (strnlen)(s[i], n));
		CHECK(fomos_strchr(s[i], 'l') == (strchr)(s[i], 'l'));
		CHECK(fomos_strchr(s[i], 0) == (strchr)(s[i], 0));
		CHECK(fomos_strrchr(s[i], 'l') == (strrchr)(s[i], 'l'));
		CHECK(fomos_strrchr(s[i], 0) == (strrchr)(s[i], 0));
		CHECK(fomos_memchr(s[i], 'o', (strlen)(s[i])) == (memchr)(s[i], 'o', (strlen)(s[i])));
		for (j = 0; j < sizeof(s) / sizeof(s[0]); j++) {
			CHECK_EQ_U64(sign(fomos_strcmp(s[i], s[j])), sign((strcmp)(s[i], s[j])));
			for (n = 0; n < 4; n++)
				CHECK_EQ_U64(sign(fomos_strncmp(s[i], s[j], n)), sign((strncmp)(s[i], s[j], n)));
			CHECK(fomos_strstr(s[i], s[j]) == (strstr)(s[i], s[j]));
			CHECK_EQ_U64(fomos_strspn(s[i], s[j]), (strspn)(s[i], s[j]));
			CHECK_EQ_U64(fomos_strcspn(s[i], s[j]), (strcspn)(s[i], s[j]));
		}
		for (n = 0; n < 14; n += 3) {
			memset(ours, 'x', sizeof(ours));
			memset(ref, 'x', sizeof(ref));
			fomos_strncpy(ours, s[i], n);
			(strncpy)(ref, s[i], n);
			CHECK(memcmp(ours, ref, sizeof(ours)) == 0);
			(strcpy)(ours, "pre-");
			(strcpy)(ref, "pre-");
			fomos_strncat(ours, s[i], n);
			(strncat)(ref, s[i], n);
			CHECK(memcmp(ours, ref, sizeof(ours)) == 0);
		}
		fomos_strcpy(ours, s[i]);
		fomos_strcat(ours, "+tail");
		(strcpy)(ref, s[i]);
		(strcat)(ref, "+tail");
		CHECK_STR(ours, ref);
	}
	CHECK(fomos_strstr("abababc", "ababc") == (strstr)("abababc", "ababc"));
}

void libfomos_ctype_matches_libc_for_every_byte_and_eof(void)
{
	static const struct {
		const char *name;
		int (*ours)(int), (*libc)(int);
	} fns[] = {
		{ "isdigit", fomos_isdigit, isdigit }, { "isxdigit", fomos_isxdigit, isxdigit },
		{ "isalpha", fomos_isalpha, isalpha }, { "isalnum", fomos_isalnum, isalnum },
		{ "isupper", fomos_isupper, isupper }, { "islower", fomos_islower, islower },
		{ "isspace", fomos_isspace, isspace }, { "isprint", fomos_isprint, isprint },
		{ "ispunct", fomos_ispunct, ispunct }, { "toupper", fomos_toupper, toupper },
		{ "tolower", fomos_tolower, tolower },
	};
	size_t i;
	int c;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		for (c = -1; c < 256; c++) {
			int a = fns[i].ours(c), b = fns[i].libc(c);

			/* Classes answer "nonzero", conversions a value. */
			if (fns[i].name[1] == 's' ? !a != !b : a != b)
				unit_fail(__FILE__, __LINE__, "%s(%d): %d, libc %d", fns[i].name, c, a, b);
		}
	}
}

/* --- malloc over a context --------------------------------------------------- */

static uint64_t fake_calls, fake_live, fake_fail;

static void *FOMOS_CALL fake_calloc(uint64_t count, uint64_t size)
{
	void *p;

	fake_calls++;
	if (fake_fail)
		return NULL;
	p = (calloc)(count, size);
	fake_live += p != NULL;
	return p;
}

static void FOMOS_CALL fake_free(void *ptr)
{
	fake_live--;
	(free)(ptr);
}

static struct fomos_ctx fake_ctx = { .calloc = fake_calloc, .free = fake_free };

void libfomos_malloc_sits_on_the_context_with_a_size_header(void)
{
	uint8_t *p, *q;
	size_t i;

	libfomos_ctx = &fake_ctx;
	fake_calls = fake_live = fake_fail = 0;

	p = fomos_malloc(100);
	CHECK(p && (uintptr_t)p % 16 == 0);
	CHECK_EQ_U64(fomos_block_size(p), 100);
	for (i = 0; i < 100; i++)
		p[i] = (uint8_t)i;
	q = fomos_realloc(p, 5000);		/* grows: a new block with the data */
	CHECK(q && (uintptr_t)q % 16 == 0);
	CHECK_EQ_U64(fomos_block_size(q), 5000);
	for (i = 0; i < 100; i++)
		CHECK_EQ_U64(q[i], i);
	CHECK_EQ_U64(fake_live, 1);
	p = fomos_realloc(q, 10);		/* shrinks in place */
	CHECK(p == q);
	CHECK_EQ_U64(fomos_block_size(p), 10);
	fake_fail = 1;
	CHECK(fomos_realloc(p, 1 << 20) == NULL);	/* failed: the old block stays */
	CHECK_EQ_U64(p[9], 9);
	fake_fail = 0;
	CHECK(fomos_realloc(p, 0) == NULL);	/* frees it */
	CHECK_EQ_U64(fake_live, 0);

	p = fomos_realloc(NULL, 32);
	CHECK(p && fomos_block_size(p) == 32);
	fomos_free(p);
	fomos_free(NULL);
	CHECK_EQ_U64(fomos_block_size(NULL), 0);

	p = fomos_calloc(10, 10);
	CHECK(p && fomos_block_size(p) == 100 && p[99] == 0);
	fomos_free(p);
	fake_calls = 0;
	CHECK(fomos_calloc(SIZE_MAX / 2, 4) == NULL);	/* overflows: never asks the context */
	CHECK(fomos_calloc((size_t)1 << 32, (size_t)1 << 32) == NULL);
	CHECK(fomos_malloc(SIZE_MAX) == NULL);
	CHECK(fomos_malloc(SIZE_MAX - 8) == NULL);
	CHECK_EQ_U64(fake_calls, 0);
	CHECK_EQ_U64(fake_live, 0);
	libfomos_ctx = NULL;
}

/* --- drawing ------------------------------------------------------------------ */

#define GUARD		0x5a5a5a5au
#define SURF_W		13
#define SURF_H		9
#define SURF_STRIDE	17		/* 4 guard pixels to the right of each row */
#define SURF_PAD	64		/* guard pixels before and after */

static uint32_t surf_mem[SURF_PAD + SURF_STRIDE * SURF_H + SURF_PAD];

static struct fomos_surface surf_new(void)
{
	struct fomos_surface s = { surf_mem + SURF_PAD, SURF_W, SURF_H, SURF_STRIDE, 0 };
	size_t i;

	for (i = 0; i < sizeof(surf_mem) / sizeof(surf_mem[0]); i++)
		surf_mem[i] = GUARD;
	return s;
}

/* Every pixel outside the surface still holds the guard. */
static int surf_guards_intact(void)
{
	size_t i;

	for (i = 0; i < sizeof(surf_mem) / sizeof(surf_mem[0]); i++) {
		size_t at = i - SURF_PAD;
		int inside = i >= SURF_PAD && at < SURF_STRIDE * SURF_H && at % SURF_STRIDE < SURF_W;

		if (!inside && surf_mem[i] != GUARD)
			return 0;
	}
	return 1;
}

static uint32_t surf_count(uint32_t argb)
{
	uint32_t n = 0, x, y;

	for (y = 0; y < SURF_H; y++)
		for (x = 0; x < SURF_W; x++)
			n += surf_mem[SURF_PAD + y * SURF_STRIDE + x] == argb;
	return n;
}

void libfomos_drawing_never_writes_outside_the_surface(void)
{
	static const int32_t at[] = { INT32_MIN, -100000, -20, -5, -1, 0, 3, 12, 13, 100000, INT32_MAX };
	static const int32_t len[] = { INT32_MIN, -1, 0, 1, 5, 20, INT32_MAX };
	static uint32_t src[30 * 30];
	struct fomos_surface s = surf_new();
	struct fomos_font font;
	uint8_t psf[4 + 256 * 16];
	size_t i, j, k;

	for (i = 0; i < 30 * 30; i++)
		src[i] = 0xff000000u | (uint32_t)i;
	/* A PSF1 font of 256 8x16 glyphs, every bit set. */
	psf[0] = 0x36, psf[1] = 0x04, psf[2] = 0, psf[3] = 16;
	memset(psf + 4, 0xff, sizeof(psf) - 4);
	CHECK(fomos_font_load(&font, psf, sizeof(psf)) == 0);

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		for (j = 0; j < sizeof(at) / sizeof(at[0]); j++) {
			for (k = 0; k < sizeof(len) / sizeof(len[0]); k++) {
				fomos_fill(&s, at[i], at[j], len[k], len[(k + 3) % 7], 0xff112233u);
				fomos_blit(&s, at[i], at[j], src, len[k] > 0 && len[k] <= 30 ? (uint32_t)len[k] : 30,
				    30, 30);
			}
			fomos_draw_glyph(&s, &font, at[i], at[j], 'A', 0xffffffffu, 0xff000000u);
			fomos_draw_text(&s, &font, at[i], at[j], "abc", 0xffffffffu, 0);
		}
	CHECK(surf_guards_intact());

	/* And what is inside is drawn, clipped at the edges. */
	s = surf_new();
	fomos_fill(&s, -3, -3, 5, 4, 0xff00ff00u);		/* 2x1 left in the corner */
	CHECK_EQ_U64(surf_count(0xff00ff00u), 2);
	fomos_blit(&s, SURF_W - 2, SURF_H - 1, src, 30, 30, 30);	/* 2x1 at the other */
	CHECK_EQ_U64(surf_mem[SURF_PAD + (SURF_H - 1) * SURF_STRIDE + SURF_W - 1], src[1]);
	fomos_draw_glyph(&s, &font, 9, 0, 'A', 0xffffffffu, 0);	/* 4 columns of 8 show */
	CHECK_EQ_U64(surf_count(0xffffffffu), 4 * SURF_H);
	CHECK(surf_guards_intact());
	s.pixels = NULL;	/* nofb */
	fomos_fill(&s, 0, 0, 5, 5, 0);
	fomos_draw_text(&s, &font, 0, 0, "x", 0, 0);
}

void libfomos_text_draws_with_the_builtin_font(void)
{
	struct fomos_surface s = surf_new();
	const struct fomos_font *f;

	libfomos_ctx = &fake_ctx;
	fake_calls = fake_live = fake_fail = 0;
	f = fomos_font_builtin();
	CHECK(f && f->width == 8 && f->height == 16);
	CHECK(fomos_font_builtin() == f);		/* read once */
	CHECK_EQ_U64(fake_calls, 1);
	CHECK_EQ_U64(fomos_draw_text(&s, NULL, 2, -4, "Hi", 0xffffffffu, 0xff000000u), 2 + 2 * 8);
	CHECK(surf_count(0xffffffffu) > 0 && surf_count(0xff000000u) > 0);
	CHECK(surf_guards_intact());
	CHECK(fomos_font_glyph(f, 'A') != fomos_font_glyph(f, 'B'));
	CHECK_EQ_U64(fomos_font_glyph(f, 0x10ffff), fomos_font_glyph(f, '?'));
	libfomos_ctx = NULL;
}
