#include "display.h"
#include "kmem.h"
#include "lib.h"

/* Set by display_init; layers and damage change at run time. */
static struct display {
	int ready;
	volatile uint32_t *fb;		/* video memory */
	uint32_t *frame;		/* composed picture, 0xAARRGGBB, width x height */
	uint32_t width, height, stride;	/* stride: the framebuffer's, in pixels */
	uint32_t format;		/* enum fb_format */
	uint32_t shift[3], bits[3];	/* FB_BITMASK: red, green, blue placement */
	struct compose_layer *layers[DISPLAY_MAX_LAYERS];	/* bottom first */
	uint8_t band[DISPLAY_MAX_LAYERS];	/* layers[i]'s band; bands never interleave */
	uint8_t nofocus[DISPLAY_MAX_LAYERS];
	uint32_t layer_count;
	struct compose_rect damage[DISPLAY_MAX_DAMAGE];
	uint32_t damage_count;
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

int display_init(const struct boot_fb *fb)
{
	if (fb->format == FB_NONE || !fb->base || fb->width < 64 || fb->height < 64)
		return -1;
	dsp.frame = kcalloc((uint64_t)fb->width * fb->height, 4);
	if (!dsp.frame)
		return -1;
	dsp.fb = (volatile uint32_t *)(uintptr_t)fb->base;
	dsp.width = fb->width;
	dsp.height = fb->height;
	dsp.stride = fb->stride;
	dsp.format = fb->format;
	display_mask(fb->red_mask, &dsp.shift[0], &dsp.bits[0]);
	display_mask(fb->green_mask, &dsp.shift[1], &dsp.bits[1]);
	display_mask(fb->blue_mask, &dsp.shift[2], &dsp.bits[2]);
	dsp.ready = 1;
	return 0;
}

int display_ready(void) { return dsp.ready; }
uint32_t display_width(void) { return dsp.width; }
uint32_t display_height(void) { return dsp.height; }

static struct compose_rect display_bounds(const struct compose_layer *l)
{
	return (struct compose_rect){ l->x, l->y, l->x + (int32_t)l->width, l->y + (int32_t)l->height };
}

static int display_find(const struct compose_layer *l)
{
	uint32_t i;

	for (i = 0; i < dsp.layer_count; i++)
		if (dsp.layers[i] == l)
			return (int)i;
	return -1;
}

/* Puts l at the top of its band: above every layer of a lower or the same
 * band, below every layer of a higher one. */
static void display_insert(struct compose_layer *l, uint32_t band, uint32_t nofocus)
{
	uint32_t i = dsp.layer_count;

	while (i > 0 && dsp.band[i - 1] > band) {
		dsp.layers[i] = dsp.layers[i - 1];
		dsp.band[i] = dsp.band[i - 1];
		dsp.nofocus[i] = dsp.nofocus[i - 1];
		i--;
	}
	dsp.layers[i] = l;
	dsp.band[i] = (uint8_t)band;
	dsp.nofocus[i] = (uint8_t)nofocus;
	dsp.layer_count++;
}

static void display_unlink(uint32_t i)
{
	memmove(&dsp.layers[i], &dsp.layers[i + 1], (dsp.layer_count - i - 1) * sizeof(dsp.layers[0]));
	memmove(&dsp.band[i], &dsp.band[i + 1], dsp.layer_count - i - 1);
	memmove(&dsp.nofocus[i], &dsp.nofocus[i + 1], dsp.layer_count - i - 1);
	dsp.layer_count--;
}

int display_add_layer_in(struct compose_layer *l, uint32_t band)
{
	if (dsp.layer_count == DISPLAY_MAX_LAYERS)
		return -1;
	display_insert(l, band, 0);
	display_damage(display_bounds(l));
	return 0;
}

int display_add_layer(struct compose_layer *l)
{
	return display_add_layer_in(l, DISPLAY_BAND_NORMAL);
}

void display_remove_layer(struct compose_layer *l)
{
	int i = display_find(l);

	if (i < 0)
		return;
	display_unlink((uint32_t)i);
	display_damage(display_bounds(l));
}

void display_place(struct compose_layer *l, uint32_t band, uint32_t nofocus)
{
	int i = display_find(l);

	if (i < 0)
		return;
	display_unlink((uint32_t)i);
	display_insert(l, band, nofocus);
	display_damage(display_bounds(l));
}

void display_raise(struct compose_layer *l)
{
	int i = display_find(l);

	if (i < 0 || (uint32_t)i + 1 == dsp.layer_count || dsp.band[i + 1] != dsp.band[i])
		return;		/* already the top of its band: nothing to redraw */
	display_place(l, dsp.band[i], dsp.nofocus[i]);
}

void display_move(struct compose_layer *l, int32_t x, int32_t y)
{
	struct compose_rect old = display_bounds(l);

	if (l->x == x && l->y == y)
		return;
	l->x = x;
	l->y = y;
	if (display_find(l) < 0)
		return;
	display_damage(old);
	display_damage(display_bounds(l));
}

const struct compose_layer *display_hit(int32_t x, int32_t y)
{
	uint32_t i = dsp.layer_count;

	while (i-- > 0) {
		const struct compose_layer *l = dsp.layers[i];
		int32_t lx = x - l->x, ly = y - l->y;

		if (dsp.nofocus[i] || lx < 0 || ly < 0 || lx >= (int32_t)l->width || ly >= (int32_t)l->height)
			continue;
		if (lx < l->content.x0 || lx >= l->content.x1 || ly < l->content.y0 || ly >= l->content.y1)
			continue;	/* outside its content: transparent */
		if (l->pixels[(uint64_t)ly * l->stride + lx] >> 24)
			return l;
	}
	return NULL;
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
	    (const struct compose_layer *const *)dsp.layers, dsp.layer_count, r, 0xff000000u);
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

void display_flush(void)
{
	uint32_t i;

	if (!dsp.ready)
		return;
	for (i = 0; i < dsp.damage_count; i++)
		display_flush_rect(dsp.damage[i]);
	dsp.damage_count = 0;
}

void display_panic(void)
{
	if (!dsp.ready)
		return;
	dsp.layer_count = MIN(dsp.layer_count, 1u);
	dsp.damage_count = 0;
	display_damage((struct compose_rect){ 0, 0, (int32_t)dsp.width, (int32_t)dsp.height });
	display_flush();
}
