/*
 * Composition of layers (surfaces) into one picture: z-order, alpha and
 * clipping, over a rectangle.  Pure, so it is host-tested; display.c wraps
 * it around the real framebuffer.  Pixels are 0xAARRGGBB; alpha 0xFF is
 * opaque, 0 fully transparent.
 */
#ifndef COMPOSE_H
#define COMPOSE_H

#include <stdint.h>

struct compose_rect {
	int32_t x0, y0, x1, y1;		/* [x0, x1) x [y0, y1) */
};

struct compose_layer {
	const uint32_t *pixels;
	uint32_t width, height, stride;	/* stride in pixels */
	int32_t x, y;			/* top-left corner on the screen */
	uint32_t opaque;		/* every pixel has alpha 0xFF: copy, don't blend */
	/* In layer coordinates, the part that may hold visible pixels; outside
	 * it the layer is fully transparent and costs nothing.  A full-screen
	 * v1 surface where an app drew one small badge composes as the badge. */
	struct compose_rect content;
};

/* src over dst; the result is opaque.  Exact: each channel is
 * (s * a + d * (255 - a)) / 255, rounded.  Red and blue are computed
 * together in the two 16-bit halves of one word, green alone: each
 * product fits in 16 bits, so the halves never spill into each other. */
static inline uint32_t compose_over(uint32_t dst, uint32_t src)
{
	uint32_t a = src >> 24, na = 255 - a, rb, g;

	if (a == 255)
		return src;
	if (a == 0)
		return dst | 0xff000000u;
	rb = (src & 0xff00ffu) * a + (dst & 0xff00ffu) * na + 0x800080u;
	rb = ((rb + ((rb >> 8) & 0xff00ffu)) >> 8) & 0xff00ffu;
	g = (src & 0xff00u) * a + (dst & 0xff00u) * na + 0x8000u;
	g = ((g + ((g >> 8) & 0xff00u)) >> 8) & 0xff00u;
	return 0xff000000u | rb | g;
}

/* Intersection of a and b; empty (x0 >= x1 or y0 >= y1) if none. */
struct compose_rect compose_clip(struct compose_rect a, struct compose_rect b);
int compose_empty(struct compose_rect r);
/* Smallest rectangle holding both (an empty one is ignored). */
struct compose_rect compose_union(struct compose_rect a, struct compose_rect b);

/* Paints r of dst (dst_w x dst_h) with `background`, then each layer of
 * layers[0..n) bottom first, clipped to r and to the screen. */
void compose_rect(uint32_t *dst, uint32_t dst_stride, uint32_t dst_w, uint32_t dst_h,
    const struct compose_layer *const *layers, uint32_t n, struct compose_rect r,
    uint32_t background);

#endif
