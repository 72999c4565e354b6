/* wm: the window stack shared by the kernel's display and fomos-host.
 * Bands never interleave whatever the order of adds, places and raises;
 * a click lands on the topmost focusable, visible pixel. */
#include <stdint.h>
#include <string.h>
#include "fomos.h"
#include "unit.h"
#include "wm.h"

struct win {
	struct compose_layer l;
	uint32_t px[16];		/* 4 x 4 */
};

static void win_make(struct win *w, int32_t x, int32_t y, uint32_t argb)
{
	uint32_t i;

	for (i = 0; i < 16; i++)
		w->px[i] = argb;
	w->l = (struct compose_layer){ w->px, 4, 4, 4, x, y, 0, { 0, 0, 4, 4 } };
}

/* The stack, bottom first, as indexes into w[]. */
static void order(const struct wm *wm, const struct win *w, char *out)
{
	uint32_t i;

	for (i = 0; i < wm->count; i++)
		out[i] = (char)('a' + ((const struct win *)(const void *)wm->layers[i] - w));
	out[i] = 0;
}

void wm_bands_never_interleave_whatever_the_order_of_adds(void)
{
	static struct win w[5];
	struct wm wm;
	char s[8];
	int i;

	wm_init(&wm);
	for (i = 0; i < 5; i++)
		win_make(&w[i], 0, 0, 0xff000000u);
	CHECK(wm_add(&wm, &w[0].l, WM_BAND_TOP, 1) == 0);	/* a cursor first */
	CHECK(wm_add(&wm, &w[1].l, WM_BAND_NORMAL, 0) == 0);
	CHECK(wm_add(&wm, &w[2].l, WM_BAND_BOTTOM, 1) == 0);	/* a wallpaper last */
	CHECK(wm_add(&wm, &w[3].l, WM_BAND_NORMAL, 0) == 0);
	CHECK(wm_add(&wm, &w[4].l, WM_BAND_BASE, 1) == 0);
	order(&wm, w, s);
	CHECK_STR(s, "ecbda");
	CHECK(wm_add(&wm, &w[3].l, WM_BAND_NORMAL, 0) < 0);	/* already there */
	CHECK(wm_raise(&wm, &w[1].l) == 1);
	order(&wm, w, s);
	CHECK_STR(s, "ecdba");
	CHECK(wm_raise(&wm, &w[1].l) == 0);	/* the top of its band already */
	CHECK(wm_raise(&wm, &w[0].l) == 0);
	wm_place(&wm, &w[1].l, WM_BAND_BOTTOM, 1);	/* goes above the other wallpaper */
	order(&wm, w, s);
	CHECK_STR(s, "ecbda");
	wm_place(&wm, &w[2].l, WM_BAND_TOP, 0);
	order(&wm, w, s);
	CHECK_STR(s, "ebdac");
	wm_remove(&wm, &w[3].l);
	wm_remove(&wm, &w[3].l);	/* twice: nothing */
	order(&wm, w, s);
	CHECK_STR(s, "ebac");
	CHECK(wm_find(&wm, &w[3].l) < 0);
}

void wm_stack_refuses_the_layer_past_its_capacity(void)
{
	static struct win w[WM_MAX_LAYERS + 1];
	struct wm wm;
	uint32_t i;

	wm_init(&wm);
	for (i = 0; i < WM_MAX_LAYERS; i++) {
		win_make(&w[i], 0, 0, 0);
		CHECK(wm_add(&wm, &w[i].l, WM_BAND_NORMAL, 0) == 0);
	}
	win_make(&w[i], 0, 0, 0);
	CHECK(wm_add(&wm, &w[i].l, WM_BAND_NORMAL, 0) < 0);
	CHECK_EQ_U64(wm.count, WM_MAX_LAYERS);
}

void wm_hit_skips_nofocus_transparent_and_outside_pixels(void)
{
	static struct win bottom, mid, cursor;
	struct wm wm;

	wm_init(&wm);
	win_make(&bottom, 0, 0, 0xff0000ffu);
	win_make(&mid, 2, 2, 0x80ff0000u);	/* half transparent: still hit */
	mid.px[1 * 4 + 1] = 0x00ffffffu;	/* a hole at screen (3, 3) */
	win_make(&cursor, 2, 2, 0xffffffffu);
	cursor.l.width = cursor.l.height = 1;	/* covers (2, 2) only */
	wm_add(&wm, &bottom.l, WM_BAND_NORMAL, 0);
	wm_add(&wm, &mid.l, WM_BAND_NORMAL, 0);
	wm_add(&wm, &cursor.l, WM_BAND_TOP, 1);
	CHECK(wm_hit(&wm, 2, 2) == &mid.l);	/* through the nofocus cursor */
	CHECK(wm_hit(&wm, 3, 3) == &bottom.l);	/* through mid's hole */
	CHECK(wm_hit(&wm, 1, 1) == &bottom.l);
	CHECK(wm_hit(&wm, 5, 5) == &mid.l);
	CHECK(wm_hit(&wm, 6, 6) == NULL);	/* beyond everything */
	CHECK(wm_hit(&wm, -1, 0) == NULL);
	mid.l.content = (struct compose_rect){ 0, 0, 1, 1 };	/* only its corner may show */
	CHECK(wm_hit(&wm, 5, 5) == NULL);
	CHECK(wm_hit(&wm, 2, 2) == &mid.l);
	CHECK(wm_hit(&wm, INT32_MIN, INT32_MAX) == NULL);
}

void wm_click_raises_what_it_lands_on_and_only_that(void)
{
	static struct win w[3];
	struct wm wm;
	char s[8];

	wm_init(&wm);
	win_make(&w[0], 0, 0, 0xff000000u);
	win_make(&w[1], 2, 0, 0xff000000u);
	win_make(&w[2], 0, 0, 0xff000000u);
	wm_add(&wm, &w[0].l, WM_BAND_NORMAL, 0);
	wm_add(&wm, &w[1].l, WM_BAND_NORMAL, 0);
	wm_add(&wm, &w[2].l, WM_BAND_BOTTOM, 1);
	CHECK(wm_click(&wm, 1, 1) == &w[0].l);
	order(&wm, w, s);
	CHECK_STR(s, "cba");
	CHECK(wm_click(&wm, 100, 100) == NULL);
	order(&wm, w, s);
	CHECK_STR(s, "cba");
	CHECK(wm_click(&wm, 3, 3) == &w[0].l);	/* on top now, where both are */
}

void wm_band_follows_the_window_flags(void)
{
	CHECK_EQ_U64(wm_band_of(0), WM_BAND_NORMAL);
	CHECK_EQ_U64(wm_band_of(FOMOS_WIN_NOFOCUS | FOMOS_WIN_OPAQUE), WM_BAND_NORMAL);
	CHECK_EQ_U64(wm_band_of(FOMOS_WIN_TOP | FOMOS_WIN_NOFOCUS), WM_BAND_TOP);
	CHECK_EQ_U64(wm_band_of(FOMOS_WIN_BOTTOM), WM_BAND_BOTTOM);
}
