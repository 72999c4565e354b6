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

static void compose_layer_into(uint32_t *dst, uint32_t dst_stride,
    const struct compose_layer *l, struct compose_rect r)
{
	struct compose_rect lr = { l->x, l->y, l->x + (int32_t)l->width, l->y + (int32_t)l->height };
	struct compose_rect cr = { l->x + l->content.x0, l->y + l->content.y0,
	    l->x + l->content.x1, l->y + l->content.y1 };
	int32_t x, y, w;

	r = compose_clip(compose_clip(r, lr), cr);
	if (compose_empty(r))
		return;
	w = r.x1 - r.x0;
	for (y = r.y0; y < r.y1; y++) {
		uint32_t *d = dst + (uint64_t)y * dst_stride + r.x0;
		const uint32_t *s = l->pixels + (uint64_t)(y - l->y) * l->stride + (r.x0 - l->x);

		if (l->opaque) {
			memcpy(d, s, (uint64_t)w * 4);
			continue;
		}
		for (x = 0; x < w; x++)
			if (s[x] >> 24)		/* most of a v1 app's screen is transparent */
				d[x] = compose_over(d[x], s[x]);
	}
}

/* Does what l shows (its content, within its own bounds) cover r? */
static int compose_covers(const struct compose_layer *l, struct compose_rect r)
{
	struct compose_rect c = compose_clip(l->content,
	    (struct compose_rect){ 0, 0, (int32_t)l->width, (int32_t)l->height });

	return l->x + c.x0 <= r.x0 && l->y + c.y0 <= r.y0 &&
	    l->x + c.x1 >= r.x1 && l->y + c.y1 >= r.y1;
}

void compose_rect(uint32_t *dst, uint32_t dst_stride, uint32_t dst_w, uint32_t dst_h,
    const struct compose_layer *const *layers, uint32_t n, struct compose_rect r,
    uint32_t background)
{
	struct compose_rect screen = { 0, 0, (int32_t)dst_w, (int32_t)dst_h };
	int32_t x, y;
	uint32_t i;

	r = compose_clip(r, screen);
	if (compose_empty(r))
		return;
	/* An opaque bottom layer covering r makes the background pointless. */
	if (!(n && layers[0]->opaque && compose_covers(layers[0], r)))
		for (y = r.y0; y < r.y1; y++)
			for (x = r.x0; x < r.x1; x++)
				dst[(uint64_t)y * dst_stride + x] = background;
	for (i = 0; i < n; i++)
		compose_layer_into(dst, dst_stride, layers[i], r);
}
