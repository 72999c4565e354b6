#include "compose.h"
#include "lib.h"

struct compose_rect compose_clip(struct compose_rect a, struct compose_rect b)
{
	struct compose_rect r = {
		MAX(a.x0, b.x0), MAX(a.y0, b.y0), MIN(a.x1, b.x1), MIN(a.y1, b.y1),
	};

	return r;
}

int compose_empty(struct compose_rect r)
{
	return r.x0 >= r.x1 || r.y0 >= r.y1;
}

struct compose_rect compose_union(struct compose_rect a, struct compose_rect b)
{
	struct compose_rect r;

	if (compose_empty(a))
		return b;
	if (compose_empty(b))
		return a;
	r.x0 = MIN(a.x0, b.x0);
	r.y0 = MIN(a.y0, b.y0);
	r.x1 = MAX(a.x1, b.x1);
	r.y1 = MAX(a.y1, b.y1);
	return r;
}

/* The part of a layer that may hold visible pixels, on the screen. */
static struct compose_rect compose_shown(const struct compose_layer *l)
{
	struct compose_rect lr = { l->x, l->y, l->x + (int32_t)l->width, l->y + (int32_t)l->height };
	struct compose_rect cr = { l->x + l->content.x0, l->y + l->content.y0,
	    l->x + l->content.x1, l->y + l->content.y1 };

	return compose_clip(lr, cr);
}

/* Paints [x0, x1) of row y with layer l (NULL: the background colour). */
static void compose_span(uint32_t *d, const struct compose_layer *l, int32_t y, int32_t x0, int32_t x1,
    uint32_t background)
{
	int32_t x, w = x1 - x0;
	const uint32_t *s;

	if (!l) {
		for (x = 0; x < w; x++)
			d[x] = background;
		return;
	}
	s = l->pixels + (uint64_t)(y - l->y) * l->stride + (x0 - l->x);
	if (l->opaque) {
		memcpy(d, s, (uint64_t)w * 4);
		return;
	}
	for (x = 0; x < w; x++)
		if (s[x] >> 24)		/* most of a v1 app's screen is transparent */
			d[x] = compose_over(d[x], s[x]);
}

#define COMPOSE_FRAGMENTS	64

/* One row of r, bottom layer first, but each layer only where no opaque
 * layer above it hides it: on a desktop of overlapping windows every
 * pixel is written about once, not once per layer. */
static void compose_row(uint32_t *row, const struct compose_layer *const *layers, uint32_t n,
    const struct compose_rect *shown, int32_t y, int32_t x0, int32_t x1, uint32_t background)
{
	int32_t frag[COMPOSE_FRAGMENTS][2];
	uint32_t i, j, k, count;

	for (i = 0; i <= n; i++) {
		const struct compose_layer *l = i ? layers[i - 1] : NULL;
		int32_t a = x0, b = x1;

		if (l) {
			if (y < shown[i - 1].y0 || y >= shown[i - 1].y1)
				continue;
			a = MAX(a, shown[i - 1].x0);
			b = MIN(b, shown[i - 1].x1);
			if (a >= b)
				continue;
		}
		frag[0][0] = a;
		frag[0][1] = b;
		count = 1;
		/* Cut away what opaque layers above cover on this row. */
		for (j = i; j < n && count; j++) {
			const struct compose_rect *o = &shown[j];

			if (!layers[j]->opaque || y < o->y0 || y >= o->y1 || o->x0 >= o->x1)
				continue;
			for (k = 0; k < count; k++) {
				int32_t fa = frag[k][0], fb = frag[k][1];

				if (o->x1 <= fa || o->x0 >= fb)
					continue;
				if (o->x0 > fa && o->x1 < fb) {		/* a hole in the middle: split */
					if (count == COMPOSE_FRAGMENTS)
						continue;	/* too fragmented: paint it, it is hidden later */
					frag[count][0] = o->x1;
					frag[count][1] = fb;
					count++;
					frag[k][1] = o->x0;
				} else if (o->x0 <= fa && o->x1 >= fb) {	/* all hidden */
					frag[k][0] = frag[count - 1][0];
					frag[k][1] = frag[count - 1][1];
					count--;
					k--;
				} else if (o->x0 <= fa) {
					frag[k][0] = o->x1;
				} else {
					frag[k][1] = o->x0;
				}
			}
		}
		for (k = 0; k < count; k++)
			compose_span(row + frag[k][0], l, y, frag[k][0], frag[k][1], background);
	}
}

#define COMPOSE_MAX_LAYERS	256

void compose_rect(uint32_t *dst, uint32_t dst_stride, uint32_t dst_w, uint32_t dst_h,
    const struct compose_layer *const *layers, uint32_t n, struct compose_rect r,
    uint32_t background)
{
	struct compose_rect screen = { 0, 0, (int32_t)dst_w, (int32_t)dst_h };
	struct compose_rect shown[COMPOSE_MAX_LAYERS];
	int32_t y;
	uint32_t i;

	r = compose_clip(r, screen);
	if (compose_empty(r))
		return;
	n = MIN(n, (uint32_t)COMPOSE_MAX_LAYERS);
	for (i = 0; i < n; i++)
		shown[i] = compose_clip(compose_shown(layers[i]), r);
	for (y = r.y0; y < r.y1; y++)
		compose_row(dst + (uint64_t)y * dst_stride, layers, n, shown, y, r.x0, r.x1, background);
}
