/*
 * The window stack (wm.h).  An array kept in order: at most a few dozen
 * windows, and every operation is a short memmove.
 */
#include "fomos.h"
#include "lib.h"
#include "wm.h"

void wm_init(struct wm *wm)
{
	memset(wm, 0, sizeof(*wm));
}

int wm_find(const struct wm *wm, const struct compose_layer *l)
{
	uint32_t i;

	for (i = 0; i < wm->count; i++)
		if (wm->layers[i] == l)
			return (int)i;
	return -1;
}

/* Above every layer of a lower or the same band, below every layer of a
 * higher one.  The caller made sure there is room. */
static void wm_insert(struct wm *wm, struct compose_layer *l, uint32_t band, uint32_t nofocus)
{
	uint32_t i = wm->count;

	while (i > 0 && wm->band[i - 1] > band) {
		wm->layers[i] = wm->layers[i - 1];
		wm->band[i] = wm->band[i - 1];
		wm->nofocus[i] = wm->nofocus[i - 1];
		i--;
	}
	wm->layers[i] = l;
	wm->band[i] = (uint8_t)band;
	wm->nofocus[i] = (uint8_t)!!nofocus;
	wm->count++;
}

static void wm_unlink(struct wm *wm, uint32_t i)
{
	uint32_t after = wm->count - i - 1;

	memmove(&wm->layers[i], &wm->layers[i + 1], after * sizeof(wm->layers[0]));
	memmove(&wm->band[i], &wm->band[i + 1], after);
	memmove(&wm->nofocus[i], &wm->nofocus[i + 1], after);
	wm->count--;
}

int wm_add(struct wm *wm, struct compose_layer *l, uint32_t band, uint32_t nofocus)
{
	if (wm->count == WM_MAX_LAYERS || wm_find(wm, l) >= 0)
		return -1;
	wm_insert(wm, l, band, nofocus);
	return 0;
}

void wm_remove(struct wm *wm, const struct compose_layer *l)
{
	int i = wm_find(wm, l);

	if (i >= 0)
		wm_unlink(wm, (uint32_t)i);
}

void wm_place(struct wm *wm, struct compose_layer *l, uint32_t band, uint32_t nofocus)
{
	int i = wm_find(wm, l);

	if (i < 0)
		return;
	wm_unlink(wm, (uint32_t)i);
	wm_insert(wm, l, band, nofocus);
}

int wm_raise(struct wm *wm, struct compose_layer *l)
{
	int i = wm_find(wm, l);

	if (i < 0 || (uint32_t)i + 1 == wm->count || wm->band[i + 1] != wm->band[i])
		return 0;
	wm_place(wm, l, wm->band[i], wm->nofocus[i]);
	return 1;
}

struct compose_layer *wm_hit(const struct wm *wm, int32_t x, int32_t y)
{
	uint32_t i = wm->count;

	while (i-- > 0) {
		struct compose_layer *l = wm->layers[i];
		int64_t lx = (int64_t)x - l->x, ly = (int64_t)y - l->y;

		if (wm->nofocus[i] || lx < 0 || ly < 0 || lx >= l->width || ly >= l->height)
			continue;
		if (lx < l->content.x0 || lx >= l->content.x1 || ly < l->content.y0 || ly >= l->content.y1)
			continue;	/* outside its content: transparent */
		if (l->pixels[(uint64_t)ly * l->stride + (uint64_t)lx] >> 24)
			return l;
	}
	return NULL;
}

struct compose_layer *wm_click(struct wm *wm, int32_t x, int32_t y)
{
	struct compose_layer *l = wm_hit(wm, x, y);

	if (l)
		wm_raise(wm, l);
	return l;
}

uint32_t wm_band_of(uint32_t win_flags)
{
	return win_flags & FOMOS_WIN_TOP ? WM_BAND_TOP :
	    win_flags & FOMOS_WIN_BOTTOM ? WM_BAND_BOTTOM : WM_BAND_NORMAL;
}

struct compose_rect wm_bounds(const struct compose_layer *l)
{
	return (struct compose_rect){ l->x, l->y, l->x + (int32_t)l->width, l->y + (int32_t)l->height };
}
