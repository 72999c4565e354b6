/*
 * The window stack: which surface is above which, and what a click lands
 * on.  Layers sit in bands, bottom first (a wallpaper's band, the normal
 * one, a cursor's); a layer added, placed or raised goes to the top of its
 * band, so bands never interleave.  Pure and host-tested: the kernel's
 * display and fomos-host keep their windows in one of these, so both stack
 * and hit-test them the same way.  Layers belong to the caller and must stay
 * valid until removed.
 */
#ifndef WM_H
#define WM_H

#include <stdint.h>
#include "compose.h"

#define WM_MAX_LAYERS	64

enum { WM_BAND_BASE, WM_BAND_BOTTOM, WM_BAND_NORMAL, WM_BAND_TOP };

struct wm {
	struct compose_layer *layers[WM_MAX_LAYERS];	/* bottom first */
	uint8_t band[WM_MAX_LAYERS];		/* layers[i]'s band */
	uint8_t nofocus[WM_MAX_LAYERS];		/* clicks go through layers[i] */
	uint32_t count;
};

void wm_init(struct wm *wm);
/* layers[] index of l, or -1. */
int wm_find(const struct wm *wm, const struct compose_layer *l);
/* At the top of `band`.  Returns 0, or -1 if the stack is full. */
int wm_add(struct wm *wm, struct compose_layer *l, uint32_t band, uint32_t nofocus);
void wm_remove(struct wm *wm, const struct compose_layer *l);
/* Moves l to the top of `band` (it may be its own) with that focus rule. */
void wm_place(struct wm *wm, struct compose_layer *l, uint32_t band, uint32_t nofocus);
/* The top of its own band.  Returns 1 if the order changed (what it covers
 * must be redrawn), 0 if it was there already or is not in the stack. */
int wm_raise(struct wm *wm, struct compose_layer *l);
/* The topmost focusable layer with a visible (alpha != 0) pixel at screen
 * (x, y), or NULL: what a click there lands on.  Outside a layer's content
 * rectangle it is transparent. */
struct compose_layer *wm_hit(const struct wm *wm, int32_t x, int32_t y);
/* A left click at (x, y): the layer it lands on, raised; NULL (nothing
 * changed) if it lands on nothing focusable.  Giving it the keyboard is the
 * caller's part: it knows which app owns the layer. */
struct compose_layer *wm_click(struct wm *wm, int32_t x, int32_t y);
/* The band FOMOS_WIN_* flags ask for. */
uint32_t wm_band_of(uint32_t win_flags);
/* l's rectangle on the screen. */
struct compose_rect wm_bounds(const struct compose_layer *l);

#endif
