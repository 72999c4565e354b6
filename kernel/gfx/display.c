/*
 * Portable: the kernel draws into the GOP framebuffer, fomos-host into the
 * pixels its window shows or its screenshot saves.
 */
#include "display.h"
#include "lib.h"

/* Set by display_init; layers and damage change at run time. */
static struct display {
	int ready;
	volatile uint32_t *fb;		/* video memory */
	uint32_t *frame;		/* composed picture, 0xAARRGGBB, width x height */
	uint32_t width, height, stride;	/* stride: the framebuffer's, in pixels */
	uint32_t format;		/* enum fb_format */
	uint32_t background;		/* under every layer */
	uint32_t shift[3], bits[3];	/* FB_BITMASK: red, green, blue placement */
	struct wm wm;			/* the layers, bottom first, in bands */
	struct compose_rect damage[DISPLAY_MAX_DAMAGE];
	uint32_t damage_count;
	struct display_out out;		/* out.present NULL: the firmware's framebuffer */
	struct compose_layer *cursor;	/* the pointer's layer, if any */
	int hw_cursor;			/* it is the GPU's cursor, not in the stack */
	int cursor_dirty;		/* its pixels changed: send the image again */
} dsp;

static void display_mask(uint32_t mask, uint32_t *shift, uint32_t *bits)
{
	*shift = *bits = 0;
	if (!mask)
		return;
	while (!(mask & (1u << *shift)))
		(*shift)++;
	while (*shift + *bits < 32 && (mask & (1u << (*shift + *bits))))
		(*bits)++;
}

int display_init(const struct boot_fb *fb, uint32_t *frame, uint32_t background)
{
	if (fb->format == FB_NONE || !fb->base || fb->width < 64 || fb->height < 64 || !frame)
		return -1;
	dsp.frame = frame;
	dsp.background = background;
	dsp.fb = (volatile uint32_t *)(uintptr_t)fb->base;
	dsp.width = fb->width;
	dsp.height = fb->height;
	dsp.stride = fb->stride;
	dsp.format = fb->format;
	display_mask(fb->red_mask, &dsp.shift[0], &dsp.bits[0]);
	display_mask(fb->green_mask, &dsp.shift[1], &dsp.bits[1]);
	display_mask(fb->blue_mask, &dsp.shift[2], &dsp.bits[2]);
	wm_init(&dsp.wm);
	dsp.ready = 1;
	return 0;
}

int display_ready(void) { return dsp.ready; }

/* Outside its content rectangle a layer is transparent: adding, moving or
 * removing it changes only what its content covers (a new app's
 * transparent full-screen surface damages nothing). */
struct compose_rect display_visible(const struct compose_layer *l)
{
	struct compose_rect c = { l->x + l->content.x0, l->y + l->content.y0, l->x + l->content.x1,
		l->y + l->content.y1 };

	return compose_clip(c, wm_bounds(l));
}
uint32_t display_width(void) { return dsp.width; }
uint32_t display_height(void) { return dsp.height; }

int display_add_layer_in(struct compose_layer *l, uint32_t band)
{
	if (wm_add(&dsp.wm, l, band, 0) < 0)
		return -1;
	display_damage(display_visible(l));
	return 0;
}

int display_add_layer(struct compose_layer *l)
{
	return display_add_layer_in(l, DISPLAY_BAND_NORMAL);
}

void display_remove_layer(struct compose_layer *l)
{
	if (l == dsp.cursor)
		display_set_cursor(NULL);
	if (wm_find(&dsp.wm, l) < 0)
		return;
	wm_remove(&dsp.wm, l);
	display_damage(display_visible(l));
}

void display_place(struct compose_layer *l, uint32_t band, uint32_t nofocus)
{
	if (wm_find(&dsp.wm, l) < 0)
		return;
	wm_place(&dsp.wm, l, band, nofocus);
	display_damage(display_visible(l));
}

void display_raise(struct compose_layer *l)
{
	if (wm_raise(&dsp.wm, l))
		display_damage(display_visible(l));
}

void display_move(struct compose_layer *l, int32_t x, int32_t y)
{
	struct compose_rect old = display_visible(l);

	if (l->x == x && l->y == y)
		return;
	l->x = x;
	l->y = y;
	if (l == dsp.cursor && dsp.hw_cursor) {
		dsp.out.cursor_move(x, y);
		return;
	}
	if (wm_find(&dsp.wm, l) < 0)
		return;
	display_damage(old);
	display_damage(display_visible(l));
}

int display_z(const struct compose_layer *l)
{
	return wm_find(&dsp.wm, l);
}

const struct compose_layer *display_hit(int32_t x, int32_t y)
{
	return wm_hit(&dsp.wm, x, y);
}

static int64_t display_area(struct compose_rect r)
{
	return compose_empty(r) ? 0 : (int64_t)(r.x1 - r.x0) * (r.y1 - r.y0);
}

/* Keeps up to DISPLAY_MAX_DAMAGE rectangles: two small damages far apart
 * stay two small compositions.  A new rectangle that overlaps one already
 * there, or finds the list full, is merged where that adds the least area. */
void display_damage(struct compose_rect r)
{
	int64_t best_cost = INT64_MAX;
	uint32_t i, best = 0;

	r = compose_clip(r, (struct compose_rect){ 0, 0, (int32_t)dsp.width, (int32_t)dsp.height });
	if (compose_empty(r))
		return;
	for (i = 0; i < dsp.damage_count; i++) {
		struct compose_rect u = compose_union(dsp.damage[i], r);
		int64_t cost = display_area(u) - display_area(dsp.damage[i]) - display_area(r);

		if (!compose_empty(compose_clip(dsp.damage[i], r)))
			cost = INT64_MIN;	/* overlapping: always merge */
		if (cost < best_cost)
			best_cost = cost, best = i;
	}
	if (dsp.damage_count < DISPLAY_MAX_DAMAGE && best_cost != INT64_MIN) {
		dsp.damage[dsp.damage_count++] = r;
		return;
	}
	dsp.damage[best] = compose_union(dsp.damage[best], r);
}

static uint32_t display_convert(uint32_t argb)
{
	uint32_t r = argb >> 16 & 0xff, g = argb >> 8 & 0xff, b = argb & 0xff;

	switch (dsp.format) {
	case FB_BGRX: return argb & 0xffffff;
	case FB_RGBX: return r | g << 8 | b << 16;
	}
	return (r >> (8 - MIN(dsp.bits[0], 8u))) << dsp.shift[0] |
	    (g >> (8 - MIN(dsp.bits[1], 8u))) << dsp.shift[1] |
	    (b >> (8 - MIN(dsp.bits[2], 8u))) << dsp.shift[2];
}

static void display_flush_rect(struct compose_rect r)
{
	int32_t x, y;

	compose_rect(dsp.frame, dsp.width, dsp.width, dsp.height,
	    (const struct compose_layer *const *)dsp.wm.layers, dsp.wm.count, r, dsp.background);
	if (dsp.out.present) {
		/* A GPU's scan-out: B8G8R8X8 in RAM (usually the frame itself:
		 * nothing to copy), then the GPU is told. */
		if (dsp.out.pixels != dsp.frame)
			for (y = r.y0; y < r.y1; y++)
				memcpy(dsp.out.pixels + (uint64_t)y * dsp.out.stride + r.x0,
				    dsp.frame + (uint64_t)y * dsp.width + r.x0, (uint64_t)(r.x1 - r.x0) * 4);
		dsp.out.present(r);
		return;
	}
	/* Video memory is written once per pixel and never read (reads from it
	 * are very slow on real hardware). */
	for (y = r.y0; y < r.y1; y++) {
		const uint32_t *s = dsp.frame + (uint64_t)y * dsp.width;
		volatile uint32_t *d = dsp.fb + (uint64_t)y * dsp.stride;

		if (dsp.format == FB_BGRX) {
			memcpy((void *)(d + r.x0), s + r.x0, (uint64_t)(r.x1 - r.x0) * 4);
			continue;
		}
		for (x = r.x0; x < r.x1; x++)
			d[x] = display_convert(s[x]);
	}
}

static void display_send_cursor(void)
{
	struct compose_layer *l = dsp.cursor;

	dsp.cursor_dirty = 0;
	if (!l || !dsp.hw_cursor)
		return;
	dsp.out.cursor_image(l->pixels, l->width, l->height, l->stride);
	dsp.out.cursor_move(l->x, l->y);
}

void display_flush(void)
{
	uint32_t i;

	if (!dsp.ready)
		return;
	if (dsp.cursor_dirty)
		display_send_cursor();
	for (i = 0; i < dsp.damage_count; i++)
		display_flush_rect(dsp.damage[i]);
	dsp.damage_count = 0;
}

void display_panic(void)
{
	if (!dsp.ready)
		return;
	if (dsp.hw_cursor)
		dsp.out.cursor_image(NULL, 0, 0, 0);
	dsp.hw_cursor = 0;
	dsp.wm.count = MIN(dsp.wm.count, 1u);
	dsp.damage_count = 0;
	display_damage((struct compose_rect){ 0, 0, (int32_t)dsp.width, (int32_t)dsp.height });
	display_flush();
}

void display_set_output(const struct display_out *out, uint32_t *frame)
{
	struct compose_layer *cursor = dsp.cursor;

	if (!dsp.ready || !out || !frame)
		return;
	if (cursor)
		display_set_cursor(NULL);
	dsp.out = *out;
	if (!out->present) {
		dsp.fb = out->pixels;
		dsp.stride = out->stride;
		dsp.format = out->format;
	}
	dsp.frame = frame;
	dsp.width = out->width;
	dsp.height = out->height;
	dsp.damage_count = 0;
	display_damage((struct compose_rect){ 0, 0, (int32_t)dsp.width, (int32_t)dsp.height });
	if (cursor)
		display_set_cursor(cursor);
}

void display_set_cursor(struct compose_layer *l)
{
	if (l == dsp.cursor)
		return;
	if (dsp.cursor && dsp.hw_cursor) {
		/* Back into the stack it left, composed again. */
		dsp.out.cursor_image(NULL, 0, 0, 0);
		wm_add(&dsp.wm, dsp.cursor, WM_BAND_TOP, 1);
		display_damage(display_visible(dsp.cursor));
	}
	dsp.cursor = l;
	dsp.hw_cursor = 0;
	if (!l || !dsp.out.cursor_image)
		return;
	/* The GPU draws it: it leaves the stack, and what it covered is drawn
	 * again without it. */
	dsp.hw_cursor = 1;
	if (wm_find(&dsp.wm, l) >= 0) {
		wm_remove(&dsp.wm, l);
		display_damage(display_visible(l));
	}
	dsp.cursor_dirty = 1;
}

struct compose_layer *display_cursor(void)
{
	return dsp.cursor;
}

/* Screen rectangle r of layer l is hidden under one opaque layer above it
 * (the console's log lines under a wallpaper): redrawing it changes no
 * pixel. */
static int display_hidden(const struct compose_layer *l, struct compose_rect r)
{
	int z = wm_find(&dsp.wm, l);
	uint32_t i;

	for (i = z < 0 ? dsp.wm.count : (uint32_t)z + 1; i < dsp.wm.count; i++) {
		const struct compose_layer *o = dsp.wm.layers[i];
		struct compose_rect c = display_visible(o);

		if (o->opaque && c.x0 <= r.x0 && c.y0 <= r.y0 && c.x1 >= r.x1 && c.y1 >= r.y1)
			return 1;
	}
	return 0;
}

void display_damage_layer(const struct compose_layer *l, struct compose_rect r)
{
	struct compose_rect s = { l->x + r.x0, l->y + r.y0, l->x + r.x1, l->y + r.y1 };

	if (l == dsp.cursor && dsp.hw_cursor) {
		dsp.cursor_dirty = 1;
		return;
	}
	if (!display_hidden(l, s))
		display_damage(s);
}
