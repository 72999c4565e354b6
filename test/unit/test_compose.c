/* compose: what ends up on screen when layers overlap, are see-through, hang
 * over the screen's edges, or only part of the screen is redrawn.  Checked
 * against a per-pixel reference written the obvious way. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compose.h"
#include "unit.h"

#define SENTINEL	0xdeadbeefu	/* never written by compose */

/* One channel of src over dst: round(s*a/255 + d*(255-a)/255). */
static uint32_t
ref_channel(uint32_t s, uint32_t d, uint32_t a)
{
	double v = s * a / 255.0 + d * (255 - a) / 255.0;

	return (uint32_t)(v + 0.5);
}

/* One pixel of a layer over what is below it, as the screen shows it. */
static uint32_t
ref_pixel(uint32_t below, uint32_t src, int opaque)
{
	uint32_t a = src >> 24, out = 0xff000000u;

	if (opaque || a == 255)
		return src;
	if (a == 0)
		return below;
	for (int shift = 0; shift < 24; shift += 8)
		out |= ref_channel((src >> shift) & 0xff, (below >> shift) & 0xff, a) << shift;
	return out;
}

/* The reference compositor: every screen pixel inside r, bottom to top. */
static void
ref_compose(uint32_t *dst, uint32_t stride, uint32_t w, uint32_t h,
    const struct compose_layer *const *layers, uint32_t n, struct compose_rect r, uint32_t bg)
{
	for (int32_t y = 0; y < (int32_t)h; y++)
		for (int32_t x = 0; x < (int32_t)w; x++) {
			uint32_t p = bg;

			if (x < r.x0 || x >= r.x1 || y < r.y0 || y >= r.y1)
				continue;
			for (uint32_t i = 0; i < n; i++) {
				const struct compose_layer *l = layers[i];
				int64_t lx = (int64_t)x - l->x, ly = (int64_t)y - l->y;

				if (lx < 0 || ly < 0 || lx >= l->width || ly >= l->height)
					continue;
				if (lx < l->content.x0 || ly < l->content.y0 ||
				    lx >= l->content.x1 || ly >= l->content.y1)
					continue;	/* nothing visible there */
				p = ref_pixel(p, l->pixels[ly * l->stride + lx], l->opaque);
			}
			dst[(uint64_t)y * stride + x] = p;
		}
}

static uint32_t rng = 1;

static uint32_t
rand32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* A screen buffer of exactly stride*h pixels, all SENTINEL. */
static uint32_t *
screen(uint32_t stride, uint32_t h)
{
	uint32_t *p = malloc((uint64_t)stride * h * 4 + 4);

	for (uint64_t i = 0; i < (uint64_t)stride * h; i++)
		p[i] = SENTINEL;
	return p;
}

/* A layer whose pixel buffer ends exactly after its last pixel; all of it
 * is content. */
static struct compose_layer
layer(uint32_t w, uint32_t h, uint32_t stride, int32_t x, int32_t y, int opaque)
{
	uint64_t n = h ? (uint64_t)stride * (h - 1) + w : 0;
	uint32_t *px = malloc(n * 4 + 4);
	struct compose_layer l = { px, w, h, stride, x, y, (uint32_t)opaque,
		{ 0, 0, (int32_t)w, (int32_t)h } };

	for (uint64_t i = 0; i < n; i++) {
		uint32_t v = rand32(), kind = rand32() % 4;

		/* Mostly the alphas that take special paths. */
		if (opaque || kind == 0)
			v |= 0xff000000u;
		else if (kind == 1)
			v &= 0x00ffffffu;
		px[i] = v;
	}
	return l;
}

/* Both compositors on the same scene; returns the number of differing pixels
 * and reports the first. */
static int
compare_scene(uint32_t w, uint32_t h, uint32_t stride, const struct compose_layer *const *layers,
    uint32_t n, struct compose_rect r, uint32_t bg)
{
	uint32_t *got = screen(stride, h), *want = screen(stride, h);
	int bad = 0;

	compose_rect(got, stride, w, h, layers, n, r, bg);
	ref_compose(want, stride, w, h, layers, n, r, bg);
	for (uint64_t i = 0; i < (uint64_t)stride * h; i++)
		if (got[i] != want[i] && bad++ == 0)
			unit_fail(__FILE__, __LINE__, "pixel (%llu,%llu): 0x%08x, expected 0x%08x "
			    "(screen %ux%u stride %u, r [%d,%d)x[%d,%d), %u layers)",
			    (unsigned long long)(i % stride), (unsigned long long)(i / stride),
			    got[i], want[i], w, h, stride, r.x0, r.x1, r.y0, r.y1, n);
	free(got);
	free(want);
	return bad;
}

void
compose_blend_matches_rounded_arithmetic_for_every_alpha(void)
{
	int bad = 0;

	/* Every (s, d, a) for red; green and blue get other values at once. */
	for (uint32_t a = 0; a < 256; a++)
		for (uint32_t s = 0; s < 256; s++)
			for (uint32_t d = 0; d < 256; d++) {
				uint32_t src = a << 24 | s << 16 | (255 - s) << 8 | (s ^ d);
				uint32_t dst = (d ^ 0x5a) << 24 | d << 16 | (s * 7 & 255) << 8 | (255 - d);
				uint32_t got = compose_over(dst, src);
				uint32_t want = ref_pixel(dst, src, 0);

				if (a == 0)
					want = dst | 0xff000000u;	/* the result is opaque */
				if (got != want && bad++ < 5)
					unit_fail(__FILE__, __LINE__,
					    "compose_over(0x%08x, 0x%08x) = 0x%08x, expected 0x%08x",
					    dst, src, got, want);
			}
	CHECK_EQ_U64(bad, 0);

	/* The ends: alpha 255 is the source itself, alpha 0 the destination. */
	CHECK_EQ_U64(compose_over(0xff123456, 0xffabcdef), 0xffabcdef);
	CHECK_EQ_U64(compose_over(0xff123456, 0x00abcdef), 0xff123456);
	CHECK_EQ_U64(compose_over(0x00123456, 0x00abcdef), 0xff123456);
	/* Half white over black is mid grey, and the result is opaque. */
	CHECK_EQ_U64(compose_over(0xff000000, 0x80ffffff), 0xff808080);
	CHECK_EQ_U64(compose_over(0x00000000, 0x01ffffff), 0xff010101);
}

void
compose_later_layers_draw_on_top(void)
{
	uint32_t red[16], green[16], glass[16], dst[16];
	struct compose_layer bottom = { red, 4, 4, 4, 0, 0, 1, { 0, 0, 4, 4 } };
	struct compose_layer top = { green, 4, 4, 4, 2, 2, 1, { 0, 0, 4, 4 } };
	struct compose_layer tint = { glass, 4, 4, 4, 0, 0, 0, { 0, 0, 4, 4 } };
	const struct compose_layer *ab[] = { &bottom, &top }, *ba[] = { &top, &bottom };
	const struct compose_layer *abt[] = { &bottom, &top, &tint };
	struct compose_rect all = { 0, 0, 4, 4 };

	for (int i = 0; i < 16; i++) {
		red[i] = 0xffff0000;
		green[i] = 0xff00ff00;
		glass[i] = 0x400000ff;
	}
	compose_rect(dst, 4, 4, 4, ab, 2, all, 0xff000000);
	CHECK_EQ_U64(dst[0], 0xffff0000);
	CHECK_EQ_U64(dst[2 * 4 + 2], 0xff00ff00);	/* the overlap: the later layer */
	CHECK_EQ_U64(dst[3 * 4 + 3], 0xff00ff00);
	CHECK_EQ_U64(dst[3 * 4 + 1], 0xffff0000);

	compose_rect(dst, 4, 4, 4, ba, 2, all, 0xff000000);
	CHECK_EQ_U64(dst[2 * 4 + 2], 0xffff0000);	/* now red is on top */
	CHECK_EQ_U64(dst[3 * 4 + 3], 0xffff0000);

	/* A see-through layer on top tints both. */
	compose_rect(dst, 4, 4, 4, abt, 3, all, 0xff000000);
	CHECK_EQ_U64(dst[0], compose_over(0xffff0000, 0x400000ff));
	CHECK_EQ_U64(dst[15], compose_over(0xff00ff00, 0x400000ff));
	CHECK_EQ_U64(dst[15], 0xff00bf40);
}

void
compose_opaque_layers_are_copied_verbatim(void)
{
	struct compose_layer l;
	const struct compose_layer *ls[] = { &l };
	struct compose_rect all = { 0, 0, 20, 10 };
	uint32_t *dst = screen(24, 10);

	rng = 7;
	l = layer(20, 10, 23, 0, 0, 1);
	compose_rect(dst, 24, 20, 10, ls, 1, all, 0xff202020);
	for (int y = 0; y < 10; y++) {
		CHECK(memcmp(dst + y * 24, l.pixels + y * 23, 20 * 4) == 0);
		for (int x = 20; x < 24; x++)
			CHECK_EQ_U64(dst[y * 24 + x], SENTINEL);	/* stride padding */
	}
	free((void *)l.pixels);
	free(dst);
}

void
compose_background_shows_where_no_layer_covers(void)
{
	uint32_t px[4] = { 0xff111111, 0xff222222, 0xff333333, 0xff444444 };
	uint32_t clear[4] = { 0, 0x00ffffff, 0, 0 };
	struct compose_layer small = { px, 2, 2, 2, 1, 1, 1, { 0, 0, 2, 2 } };
	struct compose_layer see_through = { clear, 2, 2, 2, 0, 0, 0, { 0, 0, 2, 2 } };
	const struct compose_layer *ls[] = { &small, &see_through };
	struct compose_rect all = { 0, 0, 4, 4 };
	uint32_t dst[16];

	memset(dst, 0, sizeof(dst));
	compose_rect(dst, 4, 4, 4, ls, 2, all, 0xff0a0b0c);
	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 4; x++) {
			int inside = x >= 1 && x < 3 && y >= 1 && y < 3;

			CHECK_EQ_U64(dst[y * 4 + x], inside ? px[(y - 1) * 2 + x - 1] : 0xff0a0b0c);
		}

	/* No layers at all: only the background. */
	compose_rect(dst, 4, 4, 4, NULL, 0, all, 0xff445566);
	for (int i = 0; i < 16; i++)
		CHECK_EQ_U64(dst[i], 0xff445566);
}

void
compose_writes_only_inside_the_requested_rectangle(void)
{
	static const struct compose_rect rects[] = {
		{ 3, 2, 9, 5 }, { 0, 0, 1, 1 }, { 15, 11, 16, 12 }, { 0, 0, 16, 12 },
		{ -5, -5, 4, 3 }, { 10, 8, 100, 100 }, { 5, 0, 6, 12 },
	};
	struct compose_layer full, part;
	const struct compose_layer *both[] = { &full, &part }, *one[] = { &part };

	rng = 99;
	full = layer(30, 30, 30, -5, -5, 1);	/* covers everything: background skipped */
	part = layer(6, 9, 7, 4, 1, 0);
	for (size_t i = 0; i < sizeof(rects) / sizeof(rects[0]); i++) {
		compare_scene(16, 12, 19, both, 2, rects[i], 0xff000040);
		compare_scene(16, 12, 19, one, 1, rects[i], 0xff000040);
	}
	free((void *)full.pixels);
	free((void *)part.pixels);
}

void
compose_layers_are_clipped_at_the_screen_edges(void)
{
	struct compose_layer ls[6];
	const struct compose_layer *p[6];
	struct compose_rect all = { 0, 0, 20, 15 };

	rng = 1234;
	ls[0] = layer(8, 6, 8, -3, -2, 1);	/* over the top-left corner */
	ls[1] = layer(10, 10, 12, 15, 11, 0);	/* past the bottom-right corner */
	ls[2] = layer(40, 3, 40, -10, 7, 0);	/* wider than the screen */
	ls[3] = layer(3, 40, 5, 9, -20, 1);	/* taller than the screen */
	ls[4] = layer(5, 5, 5, -5, 0, 1);	/* just off the left edge */
	ls[5] = layer(5, 5, 5, 20, 15, 0);	/* just off the bottom-right */
	for (int i = 0; i < 6; i++)
		p[i] = &ls[i];
	/* The screen buffer is exactly stride*h: ASan sees any write past it. */
	CHECK_EQ_U64(compare_scene(20, 15, 20, p, 6, all, 0xff102030), 0);
	CHECK_EQ_U64(compare_scene(20, 15, 20, p + 4, 2, all, 0xff102030), 0);
	for (int i = 0; i < 6; i++)
		free((void *)ls[i].pixels);
}

void
compose_empty_or_offscreen_rectangle_writes_nothing(void)
{
	static const struct compose_rect rects[] = {
		{ 0, 0, 0, 0 }, { 5, 5, 5, 9 }, { 5, 5, 9, 5 }, { 9, 9, 5, 5 },
		{ -10, -10, 0, 0 }, { 16, 0, 30, 12 }, { 0, 12, 16, 20 },
		{ INT32_MIN, INT32_MIN, INT32_MIN + 1, INT32_MIN + 1 },
	};
	struct compose_layer l;
	const struct compose_layer *ls[] = { &l };
	uint32_t *dst = screen(16, 12);

	rng = 5;
	l = layer(16, 12, 16, 0, 0, 0);
	for (size_t i = 0; i < sizeof(rects) / sizeof(rects[0]); i++)
		compose_rect(dst, 16, 16, 12, ls, 1, rects[i], 0xff000000);
	for (int i = 0; i < 16 * 12; i++)
		CHECK_EQ_U64(dst[i], SENTINEL);
	/* A screen of no pixels. */
	compose_rect(dst, 16, 0, 0, ls, 1, rects[1], 0xff000000);
	CHECK_EQ_U64(dst[0], SENTINEL);
	free((void *)l.pixels);
	free(dst);
}

void
compose_only_a_layers_content_is_drawn(void)
{
	uint32_t px[36], dst[64];
	struct compose_layer l = { px, 6, 6, 6, 1, 1, 1, { 2, 1, 5, 3 } };
	const struct compose_layer *ls[] = { &l };
	struct compose_rect all = { 0, 0, 8, 8 };

	for (int i = 0; i < 36; i++)
		px[i] = 0xff000000u | (uint32_t)i;
	memset(dst, 0, sizeof(dst));
	compose_rect(dst, 8, 8, 8, ls, 1, all, 0xff777777);
	/* Content [2,5)x[1,3) of a layer at (1,1): screen [3,6)x[2,4). */
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++) {
			int inside = x >= 3 && x < 6 && y >= 2 && y < 4;

			CHECK_EQ_U64(dst[y * 8 + x], inside ? px[(y - 1) * 6 + (x - 1)] : 0xff777777);
		}

	/* An app surface nobody drew on yet: empty content, nothing drawn. */
	l.content = (struct compose_rect){ 0, 0, 0, 0 };
	compose_rect(dst, 8, 8, 8, ls, 1, all, 0xff777777);
	for (int i = 0; i < 64; i++)
		CHECK_EQ_U64(dst[i], 0xff777777);

	/* An opaque bottom layer whose content does not cover r still gets
	 * the background around it. */
	l.content = (struct compose_rect){ 0, 0, 6, 6 };
	l.x = l.y = 0;
	all = (struct compose_rect){ 0, 0, 7, 7 };
	compose_rect(dst, 8, 8, 8, ls, 1, all, 0xff123123);
	CHECK_EQ_U64(dst[6 * 8 + 6], 0xff123123);
	CHECK_EQ_U64(dst[5 * 8 + 5], px[35]);
}

/*
 * compose_rect skips the background when the bottom layer is opaque and its
 * content covers r.  If the content reaches past the layer's own size, the
 * pixels between the layer's edge and the content's are then painted by
 * nobody: they keep whatever the frame held before.
 */
void
compose_content_past_the_layer_edge_still_gets_background(void)
{
	uint32_t px[16], dst[36];
	struct compose_layer l = { px, 4, 4, 4, 0, 0, 1, { 0, 0, 6, 6 } };
	const struct compose_layer *ls[] = { &l };
	struct compose_rect all = { 0, 0, 6, 6 };

	for (int i = 0; i < 16; i++)
		px[i] = 0xff00ff00;
	for (int i = 0; i < 36; i++)
		dst[i] = SENTINEL;
	compose_rect(dst, 6, 6, 6, ls, 1, all, 0xff000000);
	CHECK_EQ_U64(dst[0], 0xff00ff00);
	CHECK_EQ_U64(dst[5], 0xff000000);		/* right of the layer */
	CHECK_EQ_U64(dst[5 * 6 + 5], 0xff000000);	/* below it */
}

void
compose_random_scenes_match_the_reference(void)
{
	int bad_scenes = 0;

	rng = 2024;
	for (int iter = 0; iter < 400; iter++) {
		uint32_t w = 1 + rand32() % 40, h = 1 + rand32() % 30, stride = w + rand32() % 4;
		uint32_t n = rand32() % 5;
		struct compose_layer ls[4];
		const struct compose_layer *p[4];
		struct compose_rect r;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t lw = rand32() % 50, lh = rand32() % 40;

			ls[i] = layer(lw, lh, lw + rand32() % 3, (int32_t)(rand32() % 80) - 30,
			    (int32_t)(rand32() % 60) - 25, rand32() % 3 == 0);
			p[i] = &ls[i];
			if (rand32() % 2 && lw && lh) {	/* content: a part of the layer */
				struct compose_rect *c = &ls[i].content;

				c->x0 = (int32_t)(rand32() % lw);
				c->y0 = (int32_t)(rand32() % lh);
				c->x1 = c->x0 + (int32_t)(rand32() % (lw - c->x0 + 1));
				c->y1 = c->y0 + (int32_t)(rand32() % (lh - c->y0 + 1));
			}
		}
		r.x0 = (int32_t)(rand32() % 60) - 10;
		r.y0 = (int32_t)(rand32() % 50) - 10;
		r.x1 = r.x0 + (int32_t)(rand32() % 60);
		r.y1 = r.y0 + (int32_t)(rand32() % 50);
		if (rand32() % 4 == 0)
			r = (struct compose_rect){ 0, 0, (int32_t)w, (int32_t)h };
		bad_scenes += compare_scene(w, h, stride, p, n, r, rand32() | 0xff000000u) != 0;
		for (uint32_t i = 0; i < n; i++)
			free((void *)ls[i].pixels);
	}
	CHECK_EQ_U64(bad_scenes, 0);
}

void
compose_clip_union_and_empty_do_rectangle_arithmetic(void)
{
	struct compose_rect a = { 0, 0, 10, 10 }, b = { 5, -3, 20, 6 }, r;
	struct compose_rect none = { 4, 4, 4, 8 }, far = { 100, 100, 110, 120 };

	r = compose_clip(a, b);
	CHECK(r.x0 == 5 && r.y0 == 0 && r.x1 == 10 && r.y1 == 6);
	CHECK(!compose_empty(r));
	CHECK(compose_empty(compose_clip(a, far)));
	/* Touching edges do not overlap: the rectangles are half-open. */
	CHECK(compose_empty(compose_clip(a, (struct compose_rect){ 10, 0, 20, 10 })));
	CHECK(!compose_empty(compose_clip(a, (struct compose_rect){ 9, 9, 20, 20 })));

	CHECK(compose_empty(none));
	CHECK(compose_empty((struct compose_rect){ 0, 0, 0, 0 }));
	CHECK(compose_empty((struct compose_rect){ 5, 5, 4, 6 }));
	CHECK(compose_empty((struct compose_rect){ 5, 5, 6, 4 }));
	CHECK(!compose_empty((struct compose_rect){ -2, -2, -1, -1 }));

	r = compose_union(a, b);
	CHECK(r.x0 == 0 && r.y0 == -3 && r.x1 == 20 && r.y1 == 10);
	r = compose_union(a, far);
	CHECK(r.x0 == 0 && r.y0 == 0 && r.x1 == 110 && r.y1 == 120);
	/* An empty rectangle adds nothing, whichever side it is on. */
	r = compose_union(none, b);
	CHECK(r.x0 == 5 && r.y0 == -3 && r.x1 == 20 && r.y1 == 6);
	r = compose_union(b, none);
	CHECK(r.x0 == 5 && r.y0 == -3 && r.x1 == 20 && r.y1 == 6);
	CHECK(compose_empty(compose_union(none, none)));
}

/* compose hides what opaque layers cover, cutting each row into fragments:
 * many small opaque windows over see-through ones (more holes than it keeps
 * fragments for, so the fallback path runs too) still match the reference. */
void
compose_many_overlapping_opaque_windows_match_the_reference(void)
{
	int bad_scenes = 0;

	rng = 77;
	for (int iter = 0; iter < 60; iter++) {
		uint32_t w = 200 + rand32() % 50, h = 20 + rand32() % 10, n = 100 + rand32() % 60;
		struct compose_layer ls[160];
		const struct compose_layer *p[160];

		for (uint32_t i = 0; i < n; i++) {
			uint32_t lw = 1 + rand32() % (i < 3 ? 250 : 6), lh = 1 + rand32() % 30;

			ls[i] = layer(lw, lh, lw, (int32_t)(rand32() % 250) - 3, (int32_t)(rand32() % 30) - 5,
			    i % 3 != 0);
			p[i] = &ls[i];
		}
		bad_scenes += compare_scene(w, h, w, p, n, (struct compose_rect){ 0, 0, (int32_t)w, (int32_t)h },
		    0xff102030u) != 0;
		for (uint32_t i = 0; i < n; i++)
			free((void *)ls[i].pixels);
	}
	CHECK_EQ_U64(bad_scenes, 0);
}
