/*
 * fomos_virgl.h: encodes virgl commands for ctx->gpu_submit (context
 * version 6).  Header only, no C library: the commands go into a buffer of
 * the app's own memory, then one gpu_submit sends them all.
 *
 * virgl is the protocol of Mesa's virgl driver and of virglrenderer, which
 * decodes it on the GPU's host side (QEMU's virtio-gpu, or fomos-host):
 * Gallium's state objects, created under handles the app picks (any
 * number > 0, one name space per context), bound, then drawn with.  Every
 * command is a header dword (command | object type << 8 | length << 16,
 * length counting the dwords after it) and its dwords.  Numbers are
 * Gallium's (PIPE_*) and virgl's (VIRGL_FORMAT_*); floats go as their IEEE
 * bits, never as integers (a colour of 1 is 0x3f800000).
 *
 * The recipe for one frame into a render target rt (a BGRX 2D resource
 * with FOMOS_GPU_BIND_RENDER) with a depth buffer zb:
 *
 *	once:	fomos_virgl_surface(v, 1, rt, FOMOS_GPU_FORMAT_BGRX);
 *		fomos_virgl_surface(v, 2, zb, FOMOS_GPU_FORMAT_Z24S8);
 *		fomos_virgl_blend(v, 3); fomos_virgl_rasterizer(v, 4, FOMOS_VIRGL_CULL_NONE);
 *		fomos_virgl_dsa(v, 5, 1, FOMOS_VIRGL_FUNC_LESS);
 *		fomos_virgl_vertex_elements(v, 6, n, elems);
 *		fomos_virgl_shader(v, 7, FOMOS_VIRGL_VERTEX, vs_text);  (and 8, FRAGMENT)
 *		bind each (fomos_virgl_bind, fomos_virgl_bind_shader)
 *	frame:	fomos_virgl_framebuffer(v, 1, surfaces, 2);
 *		fomos_virgl_viewport(v, w, h);
 *		fomos_virgl_clear(v, COLOR0 | DEPTH, r, g, b, a, 1.0);
 *		fomos_virgl_constants(v, FOMOS_VIRGL_VERTEX, floats, n);
 *		fomos_virgl_vertex_buffer(v, stride, 0, vb);
 *		fomos_virgl_draw(v, FOMOS_VIRGL_TRIANGLES, 0, count);
 *		fomos_virgl_submit(ctx, v); ctx->gpu_show(rt);
 *
 * Objects live in the GPU context until it ends: create them once.
 * Window y 0 is the target's top row with fomos_virgl_viewport (it flips y,
 * so NDC +1 is up); gpu_show reads from the top.
 */
#ifndef FOMOS_VIRGL_H
#define FOMOS_VIRGL_H

#include <stdint.h>
#include "fomos.h"

/* Commands (virgl_protocol.h's VIRGL_CCMD_*) and object types. */
enum {
	FOMOS_VIRGL_CMD_CREATE_OBJECT = 1, FOMOS_VIRGL_CMD_BIND_OBJECT = 2,
	FOMOS_VIRGL_CMD_DESTROY_OBJECT = 3, FOMOS_VIRGL_CMD_SET_VIEWPORT = 4,
	FOMOS_VIRGL_CMD_SET_FRAMEBUFFER = 5, FOMOS_VIRGL_CMD_SET_VERTEX_BUFFERS = 6,
	FOMOS_VIRGL_CMD_CLEAR = 7, FOMOS_VIRGL_CMD_DRAW_VBO = 8,
	FOMOS_VIRGL_CMD_INLINE_WRITE = 9, FOMOS_VIRGL_CMD_SET_SAMPLER_VIEWS = 10,
	FOMOS_VIRGL_CMD_SET_CONSTANT_BUFFER = 12, FOMOS_VIRGL_CMD_BIND_SAMPLER_STATES = 18,
	FOMOS_VIRGL_CMD_BIND_SHADER = 31,
};
enum {
	FOMOS_VIRGL_OBJ_BLEND = 1, FOMOS_VIRGL_OBJ_RASTERIZER, FOMOS_VIRGL_OBJ_DSA,
	FOMOS_VIRGL_OBJ_SHADER, FOMOS_VIRGL_OBJ_VERTEX_ELEMENTS, FOMOS_VIRGL_OBJ_SAMPLER_VIEW,
	FOMOS_VIRGL_OBJ_SAMPLER_STATE, FOMOS_VIRGL_OBJ_SURFACE,
};

#define FOMOS_VIRGL_VERTEX	0	/* PIPE_SHADER_VERTEX */
#define FOMOS_VIRGL_FRAGMENT	1	/* PIPE_SHADER_FRAGMENT */

#define FOMOS_VIRGL_TRIANGLES		4	/* PIPE_PRIM_* */
#define FOMOS_VIRGL_TRIANGLE_STRIP	5

#define FOMOS_VIRGL_CLEAR_DEPTH		(1u << 0)	/* PIPE_CLEAR_* */
#define FOMOS_VIRGL_CLEAR_STENCIL	(1u << 1)
#define FOMOS_VIRGL_CLEAR_COLOR0	(1u << 2)

#define FOMOS_VIRGL_FUNC_LESS		1	/* PIPE_FUNC_*: depth tests */
#define FOMOS_VIRGL_FUNC_LEQUAL		3
#define FOMOS_VIRGL_FUNC_ALWAYS		7

#define FOMOS_VIRGL_CULL_NONE		0	/* PIPE_FACE_* */
#define FOMOS_VIRGL_CULL_FRONT		1
#define FOMOS_VIRGL_CULL_BACK		2

/* Vertex attribute formats (VIRGL_FORMAT_*). */
#define FOMOS_VIRGL_FLOAT2	29	/* R32G32_FLOAT */
#define FOMOS_VIRGL_FLOAT3	30	/* R32G32B32_FLOAT */
#define FOMOS_VIRGL_FLOAT4	31	/* R32G32B32A32_FLOAT */

/* Samplers: PIPE_TEX_WRAP_* and PIPE_TEX_FILTER_*. */
#define FOMOS_VIRGL_WRAP_REPEAT		0
#define FOMOS_VIRGL_WRAP_CLAMP_TO_EDGE	2
#define FOMOS_VIRGL_FILTER_NEAREST	0
#define FOMOS_VIRGL_FILTER_LINEAR	1

struct fomos_virgl {
	uint32_t *buf;		/* the app's memory */
	uint32_t cap;		/* its size in dwords */
	uint32_t n;		/* dwords written */
	uint32_t overflow;	/* a command did not fit: fomos_virgl_submit refuses */
};

/* One vertex attribute: where in which vertex buffer, and its format. */
struct fomos_virgl_element {
	uint32_t offset;	/* bytes into each vertex */
	uint32_t buffer;	/* the vertex buffer slot */
	uint32_t format;	/* FOMOS_VIRGL_FLOAT* */
};

static inline void fomos_virgl_init(struct fomos_virgl *v, uint32_t *buf, uint32_t cap_dwords)
{
	v->buf = buf;
	v->cap = cap_dwords;
	v->n = 0;
	v->overflow = 0;
}

static inline uint32_t fomos_virgl_float(float f)
{
	union { float f; uint32_t u; } x;

	x.f = f;
	return x.u;
}

/* Starts a command of len dwords after its header: 1 if it fits. */
static inline int fomos_virgl_begin(struct fomos_virgl *v, uint32_t cmd, uint32_t obj, uint32_t len)
{
	if (v->overflow || len > 0xffff || v->cap - v->n < len + 1) {
		v->overflow = 1;
		return 0;
	}
	v->buf[v->n++] = cmd | obj << 8 | len << 16;
	return 1;
}

static inline void fomos_virgl_put(struct fomos_virgl *v, uint32_t d)
{
	v->buf[v->n++] = d;
}

/* Sends what was encoded and starts again: gpu_submit's answer, or
 * FOMOS_E_TOOBIG if a command did not fit the buffer (nothing sent), 0 if
 * there was nothing to send. */
static inline int32_t fomos_virgl_submit(struct fomos_ctx *ctx, struct fomos_virgl *v)
{
	int32_t r = 0;

	if (v->overflow)
		r = FOMOS_E_TOOBIG;
	else if (v->n)
		r = ctx->gpu_submit(v->buf, v->n);
	v->n = 0;
	v->overflow = 0;
	return r;
}

/* --- objects ------------------------------------------------------------------- */

/* A surface to draw into: level 0 of a 2D resource, seen as format. */
static inline void fomos_virgl_surface(struct fomos_virgl *v, uint32_t handle, uint32_t res, uint32_t format)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_SURFACE, 5))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, res);
	fomos_virgl_put(v, format);
	fomos_virgl_put(v, 0);		/* level */
	fomos_virgl_put(v, 0);		/* first and last layer */
}

/* No blending; every colour channel written, in all 8 colour buffers. */
static inline void fomos_virgl_blend(struct fomos_virgl *v, uint32_t handle)
{
	uint32_t i;

	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_BLEND, 11))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, 0);		/* S0: no independent blend, no logic op, no dither */
	fomos_virgl_put(v, 0);		/* S1: logic op */
	for (i = 0; i < 8; i++)
		fomos_virgl_put(v, 0xfu << 27);	/* S2: blend off, colour mask RGBA */
}

/* Filled triangles, the given face culled (counter-clockwise in window
 * space is the front), depth clipped, pixel centres at .5 as in GL. */
static inline void fomos_virgl_rasterizer(struct fomos_virgl *v, uint32_t handle, uint32_t cull)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_RASTERIZER, 9))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, 1u << 1 | (cull & 3) << 8 | 1u << 15 | 1u << 29);
	fomos_virgl_put(v, fomos_virgl_float(1.0f));	/* point size */
	fomos_virgl_put(v, 0);				/* sprite coordinates */
	fomos_virgl_put(v, 0);				/* S3: stipple, clip planes */
	fomos_virgl_put(v, fomos_virgl_float(1.0f));	/* line width */
	fomos_virgl_put(v, 0);				/* polygon offset: units, scale, clamp */
	fomos_virgl_put(v, 0);
	fomos_virgl_put(v, 0);
}

/* Depth test (func: FOMOS_VIRGL_FUNC_*) and write, or neither; no stencil,
 * no alpha test. */
static inline void fomos_virgl_dsa(struct fomos_virgl *v, uint32_t handle, int depth, uint32_t func)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_DSA, 5))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, depth ? (1u | 1u << 1 | (func & 7) << 2) : 0);
	fomos_virgl_put(v, 0);
	fomos_virgl_put(v, 0);
	fomos_virgl_put(v, 0);		/* alpha reference */
}

static inline void fomos_virgl_vertex_elements(struct fomos_virgl *v, uint32_t handle, uint32_t n,
    const struct fomos_virgl_element *e)
{
	uint32_t i;

	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_VERTEX_ELEMENTS, 1 + 4 * n))
		return;
	fomos_virgl_put(v, handle);
	for (i = 0; i < n; i++) {
		fomos_virgl_put(v, e[i].offset);
		fomos_virgl_put(v, 0);		/* instance divisor */
		fomos_virgl_put(v, e[i].buffer);
		fomos_virgl_put(v, e[i].format);
	}
}

/* A shader from TGSI text ("VERT\nDCL IN[0]\n..."), as Mesa's virgl sends
 * it: the text itself, NUL terminated, padded to dwords; num_tokens is
 * room for the host's parse (a generous guess is fine: 4 per line); no
 * stream output.  At most 65530 dwords of text. */
static inline void fomos_virgl_shader(struct fomos_virgl *v, uint32_t handle, uint32_t type, const char *text)
{
	uint32_t len = 0, lines = 1, i, d;

	while (text[len])
		lines += text[len++] == '\n';
	len++;				/* the NUL */
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_SHADER, 5 + (len + 3) / 4))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, type);
	fomos_virgl_put(v, len);	/* bytes of text, and not a continuation */
	fomos_virgl_put(v, 16 + lines * 8);
	fomos_virgl_put(v, 0);		/* stream-output entries */
	for (i = 0; i < len; i += 4) {
		d = 0;
		for (uint32_t k = 0; k < 4 && i + k < len; k++)
			d |= (uint32_t)(uint8_t)text[i + k] << (8 * k);
		fomos_virgl_put(v, d);
	}
}

/* A sampler: wrap (FOMOS_VIRGL_WRAP_*) in s, t and r, filter
 * (FOMOS_VIRGL_FILTER_*) for minifying and magnifying, no mipmaps. */
static inline void fomos_virgl_sampler(struct fomos_virgl *v, uint32_t handle, uint32_t wrap, uint32_t filter)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_SAMPLER_STATE, 9))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, (wrap & 7) | (wrap & 7) << 3 | (wrap & 7) << 6 | (filter & 1) << 9 | (filter & 1) << 13);
	fomos_virgl_put(v, 0);				/* LOD bias */
	fomos_virgl_put(v, 0);				/* min LOD */
	fomos_virgl_put(v, fomos_virgl_float(0.0f));	/* max LOD: level 0 only */
	for (int i = 0; i < 4; i++)
		fomos_virgl_put(v, 0);			/* border colour */
}

/* A texture as a shader samples it: level 0 of res, its channels as they
 * are. */
static inline void fomos_virgl_sampler_view(struct fomos_virgl *v, uint32_t handle, uint32_t res, uint32_t format)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CREATE_OBJECT, FOMOS_VIRGL_OBJ_SAMPLER_VIEW, 6))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, res);
	fomos_virgl_put(v, format);
	fomos_virgl_put(v, 0);		/* first and last layer */
	fomos_virgl_put(v, 0);		/* first and last level */
	fomos_virgl_put(v, 0 | 1u << 3 | 2u << 6 | 3u << 9);	/* swizzle: R G B A */
}

static inline void fomos_virgl_destroy(struct fomos_virgl *v, uint32_t type, uint32_t handle)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_DESTROY_OBJECT, type, 1))
		return;
	fomos_virgl_put(v, handle);
}

/* --- state --------------------------------------------------------------------- */

/* Makes object handle of type (FOMOS_VIRGL_OBJ_BLEND, _RASTERIZER, _DSA,
 * _VERTEX_ELEMENTS) the current one. */
static inline void fomos_virgl_bind(struct fomos_virgl *v, uint32_t type, uint32_t handle)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_BIND_OBJECT, type, 1))
		return;
	fomos_virgl_put(v, handle);
}

static inline void fomos_virgl_bind_shader(struct fomos_virgl *v, uint32_t handle, uint32_t type)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_BIND_SHADER, 0, 2))
		return;
	fomos_virgl_put(v, handle);
	fomos_virgl_put(v, type);
}

/* Draw into ncolor surfaces (handles), with depth surface zsurf (0: none). */
static inline void fomos_virgl_framebuffer(struct fomos_virgl *v, uint32_t ncolor, const uint32_t *color,
    uint32_t zsurf)
{
	uint32_t i;

	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_SET_FRAMEBUFFER, 0, 2 + ncolor))
		return;
	fomos_virgl_put(v, ncolor);
	fomos_virgl_put(v, zsurf);
	for (i = 0; i < ncolor; i++)
		fomos_virgl_put(v, color[i]);
}

/* NDC [-1, 1] onto w x h pixels, y up (NDC +1 is window row 0, the top
 * gpu_show reads first); depth [-1, 1] onto [0, 1]. */
static inline void fomos_virgl_viewport(struct fomos_virgl *v, uint32_t w, uint32_t h)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_SET_VIEWPORT, 0, 7))
		return;
	fomos_virgl_put(v, 0);		/* the first viewport */
	fomos_virgl_put(v, fomos_virgl_float((float)w / 2));
	fomos_virgl_put(v, fomos_virgl_float(-(float)h / 2));
	fomos_virgl_put(v, fomos_virgl_float(0.5f));
	fomos_virgl_put(v, fomos_virgl_float((float)w / 2));
	fomos_virgl_put(v, fomos_virgl_float((float)h / 2));
	fomos_virgl_put(v, fomos_virgl_float(0.5f));
}

/* Clears buffers (FOMOS_VIRGL_CLEAR_*): colours as floats 0..1, depth. */
static inline void fomos_virgl_clear(struct fomos_virgl *v, uint32_t buffers, float r, float g, float b, float a,
    double depth)
{
	union { double d; uint32_t u[2]; } z;

	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_CLEAR, 0, 8))
		return;
	z.d = depth;
	fomos_virgl_put(v, buffers);
	fomos_virgl_put(v, fomos_virgl_float(r));
	fomos_virgl_put(v, fomos_virgl_float(g));
	fomos_virgl_put(v, fomos_virgl_float(b));
	fomos_virgl_put(v, fomos_virgl_float(a));
	fomos_virgl_put(v, z.u[0]);
	fomos_virgl_put(v, z.u[1]);
	fomos_virgl_put(v, 0);		/* stencil */
}

/* Vertex buffer slot 0: resource res (a FOMOS_GPU_BIND_VERTEX buffer),
 * vertices stride bytes apart from offset. */
static inline void fomos_virgl_vertex_buffer(struct fomos_virgl *v, uint32_t stride, uint32_t offset, uint32_t res)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_SET_VERTEX_BUFFERS, 0, 3))
		return;
	fomos_virgl_put(v, stride);
	fomos_virgl_put(v, offset);
	fomos_virgl_put(v, res);
}

/* CONST[0..] of a shader stage, inline: n floats (a multiple of 4). */
static inline void fomos_virgl_constants(struct fomos_virgl *v, uint32_t type, const float *f, uint32_t n)
{
	uint32_t i;

	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_SET_CONSTANT_BUFFER, 0, 2 + n))
		return;
	fomos_virgl_put(v, type);
	fomos_virgl_put(v, 0);		/* index: the default constant buffer */
	for (i = 0; i < n; i++)
		fomos_virgl_put(v, fomos_virgl_float(f[i]));
}

/* Writes data into resource res: a buffer, bytes [x, x+w) (w a multiple
 * of 4); or a 2D texture, the w x h pixels at (x, y), rows stride bytes
 * apart.  The data travels inside the stream. */
static inline void fomos_virgl_write(struct fomos_virgl *v, uint32_t res, uint32_t x, uint32_t y, uint32_t w,
    uint32_t h, uint32_t stride, const void *data, uint32_t bytes)
{
	const uint8_t *p = (const uint8_t *)data;
	uint32_t i, d;

	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_INLINE_WRITE, 0, 11 + (bytes + 3) / 4))
		return;
	fomos_virgl_put(v, res);
	fomos_virgl_put(v, 0);		/* level */
	fomos_virgl_put(v, 0);		/* usage */
	fomos_virgl_put(v, stride);
	fomos_virgl_put(v, 0);		/* layer stride */
	fomos_virgl_put(v, x);
	fomos_virgl_put(v, y);
	fomos_virgl_put(v, 0);
	fomos_virgl_put(v, w);
	fomos_virgl_put(v, h);
	fomos_virgl_put(v, 1);
	for (i = 0; i < bytes; i += 4) {
		d = 0;
		for (uint32_t k = 0; k < 4 && i + k < bytes; k++)
			d |= (uint32_t)p[i + k] << (8 * k);
		fomos_virgl_put(v, d);
	}
}

/* Fragment-shader textures from slot 0: n sampler views, n samplers. */
static inline void fomos_virgl_textures(struct fomos_virgl *v, uint32_t n, const uint32_t *views,
    const uint32_t *samplers)
{
	uint32_t i;

	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_SET_SAMPLER_VIEWS, 0, 2 + n))
		return;
	fomos_virgl_put(v, FOMOS_VIRGL_FRAGMENT);
	fomos_virgl_put(v, 0);
	for (i = 0; i < n; i++)
		fomos_virgl_put(v, views[i]);
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_BIND_SAMPLER_STATES, 0, 2 + n))
		return;
	fomos_virgl_put(v, FOMOS_VIRGL_FRAGMENT);
	fomos_virgl_put(v, 0);
	for (i = 0; i < n; i++)
		fomos_virgl_put(v, samplers[i]);
}

/* Draws count vertices from start (no index buffer, one instance). */
static inline void fomos_virgl_draw(struct fomos_virgl *v, uint32_t mode, uint32_t start, uint32_t count)
{
	if (!fomos_virgl_begin(v, FOMOS_VIRGL_CMD_DRAW_VBO, 0, 12))
		return;
	fomos_virgl_put(v, start);
	fomos_virgl_put(v, count);
	fomos_virgl_put(v, mode);
	fomos_virgl_put(v, 0);		/* not indexed */
	fomos_virgl_put(v, 1);		/* instances */
	fomos_virgl_put(v, 0);		/* index bias */
	fomos_virgl_put(v, 0);		/* first instance */
	fomos_virgl_put(v, 0);		/* primitive restart */
	fomos_virgl_put(v, 0);		/* restart index */
	fomos_virgl_put(v, start);	/* min and max index */
	fomos_virgl_put(v, start + count - 1);
	fomos_virgl_put(v, 0);		/* count from stream output */
}

#endif
