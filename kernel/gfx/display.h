/*
 * The screen: a stack of layers composed into a frame in RAM, and only the
 * damaged rectangle of that frame converted to the GOP pixel format and
 * copied to video memory.  The kernel console is the bottom layer; apps'
 * surfaces go on top in start order.  Portable (fomos-host's screen too).
 */
#ifndef DISPLAY_H
#define DISPLAY_H

#include <stdint.h>
#include "boot.h"
#include "compose.h"
#include "wm.h"

#define DISPLAY_MAX_DAMAGE	16	/* separate damaged rectangles kept before merging */

/* frame: width x height pixels of memory to compose in (kept).  The
 * background shows where no layer covers the screen.  Returns 0, or -1
 * without a usable framebuffer. */
int display_init(const struct boot_fb *fb, uint32_t *frame, uint32_t background);
int display_ready(void);

/* Where frames go, when not the firmware's framebuffer: a GPU's scan-out
 * (its pixels in RAM, B8G8R8X8) that present() sends to the screen one
 * damaged rectangle at a time, and its hardware cursor if it has one. */
struct display_out {
	uint32_t *pixels;
	uint32_t width, height, stride;		/* stride in pixels */
	uint32_t format;			/* enum fb_format of pixels, when present is NULL */
	/* NULL: pixels is video memory (a framebuffer like GOP's), written in
	 * its format and shown as written. */
	void (*present)(struct compose_rect r);
	/* NULL: no hardware cursor (the cursor layer is composed).  image
	 * NULL hides it. */
	int (*cursor_image)(const uint32_t *px, uint32_t w, uint32_t h, uint32_t stride);
	void (*cursor_move)(int32_t x, int32_t y);
};
/* Switches to out, with frame (out's width x height, kept) to compose in;
 * the whole screen is drawn again.  Layers keep their places: the caller
 * moves what the new size leaves off the screen. */
void display_set_output(const struct display_out *out, uint32_t *frame);
/* The pointer's layer (NULL: none).  With a hardware cursor it is not
 * composed: its pixels become the cursor's image, and moving it moves the
 * cursor. */
void display_set_cursor(struct compose_layer *l);
struct compose_layer *display_cursor(void);
/* Rectangle r of layer l's own pixels changed (layer coordinates). */
void display_damage_layer(const struct compose_layer *l, struct compose_rect r);
uint32_t display_width(void);
uint32_t display_height(void);

/* Layers are stacked in bands, bottom first; a layer added, placed or
 * raised goes to the top of its band.  The kernel console is the base. */
enum {
	DISPLAY_BAND_BASE = WM_BAND_BASE, DISPLAY_BAND_BOTTOM = WM_BAND_BOTTOM,
	DISPLAY_BAND_NORMAL = WM_BAND_NORMAL, DISPLAY_BAND_TOP = WM_BAND_TOP,
};

/* Layers are owned by their caller and must stay valid until removed.
 * Adding returns -1 when the stack is full. */
int display_add_layer(struct compose_layer *l);		/* in DISPLAY_BAND_NORMAL */
int display_add_layer_in(struct compose_layer *l, uint32_t band);
void display_remove_layer(struct compose_layer *l);
/* Moves l to the top of `band`; nofocus: display_hit never returns it. */
void display_place(struct compose_layer *l, uint32_t band, uint32_t nofocus);
void display_raise(struct compose_layer *l);
/* Moves l on the screen (damaging where it was and where it goes).  A
 * caller changing l's pixels or size damages what it changed itself. */
void display_move(struct compose_layer *l, int32_t x, int32_t y);
/* The topmost focusable layer with a visible (alpha != 0) pixel at (x, y),
 * or NULL: what a click there lands on. */
const struct compose_layer *display_hit(int32_t x, int32_t y);
int display_z(const struct compose_layer *l);	/* 0 is the bottom; -1: not shown */

/* The screen rectangle where l may show pixels: its content, placed. */
struct compose_rect display_visible(const struct compose_layer *l);
void display_damage(struct compose_rect r);
/* Composes and copies out what was damaged since the last flush. */
void display_flush(void);
/* After a kernel fault: only the bottom layer (the console) stays, so the
 * dump is visible whatever apps drew. */
void display_panic(void);

#endif
