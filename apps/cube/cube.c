/*
 * cube: a lit cube turning in a 256x256 window, drawn by the GPU (context
 * version 6).  The app encodes virgl commands with sdk/fomos_virgl.h: a
 * render target and a depth buffer, two TGSI shaders (the vertex shader
 * transforms the corners and lights each face from its normal, one
 * directional light; the fragment shader passes the colour on), and each
 * frame a clear, the matrices as constants and one draw of 36 vertices.
 * gpu_show reads the frame back into the window; the frame rate is written
 * over it in the top-left corner.
 *
 * Without a 3D GPU (gpu_open says FOMOS_E_NOTSUP) the window says so and
 * the app stays up.
 *
 * Arguments (ctx->args), for tests:
 *	t=fixed		the angle follows the frame number, not the clock: frame
 *			n is the same picture everywhere
 *	fast		draw the next frame at once, not 16 ms later: as many
 *			frames a second as the GPU gives (the benchmark)
 *	frames=N	once N frames were shown, log a few pixels of the window
 *			("cube: frame N corner=AARRGGBB centre=AARRGGBB", then
 *			"cube: grid " and 16 more, a 4x4 grid from (32, 32)
 *			every 64 pixels) and end
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fomos.h>
#include <fomos_draw.h>
#include <fomos_virgl.h>

#define CUBE_W		256
#define CUBE_H		256
#define CUBE_CLEAR	0xff202830u	/* the clear colour, as it reads back */
#define CUBE_CMDS	8192		/* dwords of commands */
#define CUBE_VERTS	36
#define CUBE_PI		3.14159265f

/* Object handles in our GPU context. */
enum { H_RT_SURF = 1, H_Z_SURF, H_BLEND, H_RAST, H_DSA, H_VE, H_VS, H_FS };

struct cube {
	int ready;		/* GPU set up */
	int nogpu;		/* gpu_open said FOMOS_E_NOTSUP: the message is up */
	int pending;		/* the last gpu_show said FOMOS_E_AGAIN */
	int fixed;		/* t=fixed */
	int fast;		/* fast: no pause between frames */
	int32_t stop_after;	/* frames=N; 0: run on */
	int32_t rt, zb, vb;	/* resources */
	uint32_t drawn;		/* frames encoded */
	int32_t shown;		/* what gpu_show last said */
	int32_t fps_frames;	/* shown at the last fps update */
	uint64_t fps_ns;
	uint32_t fps;
	struct fomos_virgl v;
	uint32_t cmds[CUBE_CMDS];
};

static const char cube_vs[] =
	"VERT\n"
	"DCL IN[0]\n"			/* position */
	"DCL IN[1]\n"			/* normal */
	"DCL IN[2]\n"			/* colour */
	"DCL OUT[0], POSITION\n"
	"DCL OUT[1], GENERIC[0]\n"
	"DCL CONST[0..8]\n"
	"DCL TEMP[0..1]\n"
	"DP4 OUT[0].x, IN[0], CONST[0]\n"	/* CONST[0..3]: the rows of projection x view x model */
	"DP4 OUT[0].y, IN[0], CONST[1]\n"
	"DP4 OUT[0].z, IN[0], CONST[2]\n"
	"DP4 OUT[0].w, IN[0], CONST[3]\n"
	"DP3 TEMP[0].x, IN[1], CONST[4]\n"	/* CONST[4..6]: the model's rotation */
	"DP3 TEMP[0].y, IN[1], CONST[5]\n"
	"DP3 TEMP[0].z, IN[1], CONST[6]\n"
	"DP3 TEMP[1].x, TEMP[0], CONST[7]\n"	/* CONST[7]: towards the light */
	"MAX TEMP[1].x, TEMP[1].xxxx, CONST[8].wwww\n"	/* CONST[8]: ambient, diffuse, 1, 0 */
	"MAD TEMP[1].x, TEMP[1].xxxx, CONST[8].yyyy, CONST[8].xxxx\n"
	"MUL OUT[1].xyz, IN[2], TEMP[1].xxxx\n"
	"MOV OUT[1].w, CONST[8].zzzz\n"
	"END\n";

static const char cube_fs[] =
	"FRAG\n"
	"DCL IN[0], GENERIC[0], PERSPECTIVE\n"
	"DCL OUT[0], COLOR\n"
	"MOV OUT[0], IN[0]\n"
	"END\n";

/* sin and cos without a C library: a Taylor series on [-pi, pi]. */
static float cube_sin(float x)
{
	float x2, term, sum;
	int i;

	while (x > CUBE_PI)
		x -= 2 * CUBE_PI;
	while (x < -CUBE_PI)
		x += 2 * CUBE_PI;
	x2 = x * x;
	term = sum = x;
	for (i = 1; i < 10; i++) {
		term *= -x2 / (float)((2 * i) * (2 * i + 1));
		sum += term;
	}
	return sum;
}

static float cube_cos(float x)
{
	return cube_sin(x + CUBE_PI / 2);
}

/* 6 faces, 2 triangles each: position, normal, colour per vertex. */
static void cube_vertices(float *out)
{
	static const float normals[6][3] = {
		{ 0, 0, 1 }, { 0, 0, -1 }, { 1, 0, 0 }, { -1, 0, 0 }, { 0, 1, 0 }, { 0, -1, 0 },
	};
	static const float colors[6][3] = {
		{ 0.95f, 0.35f, 0.30f }, { 0.30f, 0.80f, 0.40f }, { 0.30f, 0.50f, 0.95f },
		{ 0.95f, 0.85f, 0.30f }, { 0.80f, 0.40f, 0.90f }, { 0.30f, 0.85f, 0.85f },
	};
	static const float corner[6][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, -1 }, { 1, 1 }, { -1, 1 } };
	int f, k, i, n = 0;

	for (f = 0; f < 6; f++) {
		const float *nv = normals[f];
		/* Two axes across the face. */
		float u[3] = { nv[0] != 0 ? 0.0f : 1.0f, nv[0] != 0 ? 1.0f : 0.0f, 0 }, w[3];

		w[0] = nv[1] * u[2] - nv[2] * u[1];
		w[1] = nv[2] * u[0] - nv[0] * u[2];
		w[2] = nv[0] * u[1] - nv[1] * u[0];
		for (k = 0; k < 6; k++) {
			for (i = 0; i < 3; i++)
				out[n++] = 0.6f * (nv[i] + corner[k][0] * u[i] + corner[k][1] * w[i]);
			for (i = 0; i < 3; i++)
				out[n++] = nv[i];
			for (i = 0; i < 3; i++)
				out[n++] = colors[f][i];
		}
	}
}

/* CONST[0..8] for angle a: see cube_vs. */
static void cube_constants(float a, float *c)
{
	float sy = cube_sin(a), cy = cube_cos(a), sx = cube_sin(a * 0.7f), cx = cube_cos(a * 0.7f);
	/* Rotation about y, then about x. */
	float r[3][3] = {
		{ cy, 0, sy },
		{ sx * sy, cx, -sx * cy },
		{ -cx * sy, sx, cx * cy },
	};
	float f = 1.7320508f, zn = 1.0f, zf = 10.0f, dist = 3.5f;
	float pz = (zf + zn) / (zn - zf), pw = 2 * zf * zn / (zn - zf);
	int i;

	memset(c, 0, 36 * sizeof(float));
	for (i = 0; i < 3; i++) {
		/* The view moves the cube dist away along -z; projection: f, f. */
		c[0 * 4 + i] = f * r[0][i];
		c[1 * 4 + i] = f * r[1][i];
		c[2 * 4 + i] = pz * r[2][i];
		c[3 * 4 + i] = -r[2][i];
		c[(4 + i) * 4 + 0] = r[i][0];
		c[(4 + i) * 4 + 1] = r[i][1];
		c[(4 + i) * 4 + 2] = r[i][2];
	}
	c[2 * 4 + 3] = pz * -dist + pw;
	c[3 * 4 + 3] = dist;
	c[7 * 4 + 0] = 0.40f;		/* towards the light: up, right, front */
	c[7 * 4 + 1] = 0.50f;
	c[7 * 4 + 2] = 0.768f;
	c[8 * 4 + 0] = 0.25f;		/* ambient */
	c[8 * 4 + 1] = 0.75f;		/* diffuse */
	c[8 * 4 + 2] = 1.0f;
}

static int32_t cube_resource(struct fomos_ctx *ctx, uint32_t target, uint32_t format, uint32_t bind,
    uint32_t w, uint32_t h)
{
	struct fomos_gpu_res r = { target, format, bind, w, h, { 0, 0, 0 } };

	return ctx->gpu_resource(&r);
}

/* The resources and every object, once. */
static int32_t cube_setup(struct fomos_ctx *ctx, struct cube *c)
{
	static const struct fomos_virgl_element ve[3] = {
		{ 0, 0, FOMOS_VIRGL_FLOAT3 }, { 12, 0, FOMOS_VIRGL_FLOAT3 }, { 24, 0, FOMOS_VIRGL_FLOAT3 },
	};
	struct fomos_virgl *v = &c->v;
	float verts[CUBE_VERTS * 9];

	c->rt = cube_resource(ctx, FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRX, FOMOS_GPU_BIND_RENDER, CUBE_W, CUBE_H);
	c->zb = cube_resource(ctx, FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_Z24S8, FOMOS_GPU_BIND_DEPTH, CUBE_W, CUBE_H);
	c->vb = cube_resource(ctx, FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8, FOMOS_GPU_BIND_VERTEX, sizeof(verts), 1);
	if (c->rt < 0 || c->zb < 0 || c->vb < 0)
		return c->rt < 0 ? c->rt : c->zb < 0 ? c->zb : c->vb;
	fomos_virgl_init(v, c->cmds, CUBE_CMDS);
	fomos_virgl_surface(v, H_RT_SURF, (uint32_t)c->rt, FOMOS_GPU_FORMAT_BGRX);
	fomos_virgl_surface(v, H_Z_SURF, (uint32_t)c->zb, FOMOS_GPU_FORMAT_Z24S8);
	fomos_virgl_blend(v, H_BLEND);
	fomos_virgl_rasterizer(v, H_RAST, FOMOS_VIRGL_CULL_NONE);	/* the depth test hides the back */
	fomos_virgl_dsa(v, H_DSA, 1, FOMOS_VIRGL_FUNC_LESS);
	fomos_virgl_vertex_elements(v, H_VE, 3, ve);
	fomos_virgl_shader(v, H_VS, FOMOS_VIRGL_VERTEX, cube_vs);
	fomos_virgl_shader(v, H_FS, FOMOS_VIRGL_FRAGMENT, cube_fs);
	fomos_virgl_bind(v, FOMOS_VIRGL_OBJ_BLEND, H_BLEND);
	fomos_virgl_bind(v, FOMOS_VIRGL_OBJ_RASTERIZER, H_RAST);
	fomos_virgl_bind(v, FOMOS_VIRGL_OBJ_DSA, H_DSA);
	fomos_virgl_bind(v, FOMOS_VIRGL_OBJ_VERTEX_ELEMENTS, H_VE);
	fomos_virgl_bind_shader(v, H_VS, FOMOS_VIRGL_VERTEX);
	fomos_virgl_bind_shader(v, H_FS, FOMOS_VIRGL_FRAGMENT);
	cube_vertices(verts);
	fomos_virgl_write(v, (uint32_t)c->vb, 0, 0, sizeof(verts), 1, 0, verts, sizeof(verts));
	return fomos_virgl_submit(ctx, v);
}

static int32_t cube_frame(struct fomos_ctx *ctx, struct cube *c)
{
	struct fomos_virgl *v = &c->v;
	uint32_t surf = H_RT_SURF;
	float k[36];
	float a = c->fixed ? (float)c->drawn * 0.05f : (float)(ctx->time_ns % 60000000000ull) * 1e-9f;

	cube_constants(a, k);
	fomos_virgl_framebuffer(v, 1, &surf, H_Z_SURF);
	fomos_virgl_viewport(v, CUBE_W, CUBE_H);
	fomos_virgl_clear(v, FOMOS_VIRGL_CLEAR_COLOR0 | FOMOS_VIRGL_CLEAR_DEPTH,
	    0x20 / 255.0f, 0x28 / 255.0f, 0x30 / 255.0f, 1.0f, 1.0);
	fomos_virgl_constants(v, FOMOS_VIRGL_VERTEX, k, 36);
	fomos_virgl_vertex_buffer(v, 36, 0, (uint32_t)c->vb);
	fomos_virgl_draw(v, FOMOS_VIRGL_TRIANGLES, 0, CUBE_VERTS);
	c->drawn++;
	return fomos_virgl_submit(ctx, v);
}

static uint32_t cube_pixel(struct fomos_ctx *ctx, uint32_t x, uint32_t y)
{
	return x < ctx->fb.width && y < ctx->fb.height ? ctx->fb.pixels[y * ctx->fb.stride + x] : 0;
}

/* A frame is in the window: the rate over it, and the test's line. */
static int cube_shown(struct fomos_ctx *ctx, struct cube *c, int32_t shown)
{
	char line[160];
	int n;

	if (ctx->time_ns - c->fps_ns >= 1000000000ull) {
		c->fps = (uint32_t)((uint64_t)(shown - c->fps_frames) * 1000000000ull / (ctx->time_ns - c->fps_ns));
		c->fps_frames = shown;
		c->fps_ns = ctx->time_ns;
	}
	c->shown = shown;
	if (c->stop_after && shown >= c->stop_after) {
		char grid[16 * 9 + 1];
		uint32_t i, at = 0;

		/* And a 4x4 grid over the window: enough of the picture for a
		 * test to compare two renderings of the same frame. */
		for (i = 0; i < 16; i++)
			at += (uint32_t)snprintf(grid + at, sizeof(grid) - at, "%s%08x", i ? "," : "",
			    cube_pixel(ctx, 32 + 64 * (i % 4), 32 + 64 * (i / 4)));
		n = snprintf(line, sizeof(line), "cube: frame %d corner=%08x centre=%08x", shown,
		    cube_pixel(ctx, CUBE_W - 2, CUBE_H - 2), cube_pixel(ctx, CUBE_W / 2, CUBE_H / 2));
		ctx->log(line, (uint32_t)n);
		/* Its own line: a log line is cut at 160 bytes. */
		n = snprintf(line, sizeof(line), "cube: grid %s", grid);
		ctx->log(line, (uint32_t)n);
		return 1;
	}
	n = snprintf(line, sizeof(line), "%u fps", c->fps);
	fomos_draw_text(&ctx->fb, NULL, 4, 2, line, 0xffffffffu, 0xff202830u);
	ctx->damage(0, 0, CUBE_W, 20);
	return 0;
}

static void cube_nogpu(struct fomos_ctx *ctx, int32_t why)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "cube: no 3D GPU here (gpu_open: %d)", why);

	ctx->log(line, (uint32_t)n);
	fomos_fill(&ctx->fb, 0, 0, CUBE_W, CUBE_H, 0xff202830u);
	fomos_draw_text(&ctx->fb, NULL, 16, CUBE_H / 2 - 24, "No 3D GPU here:", 0xffffffffu, 0);
	fomos_draw_text(&ctx->fb, NULL, 16, CUBE_H / 2 - 4, "the cube needs virgl", 0xffffffffu, 0);
	fomos_draw_text(&ctx->fb, NULL, 16, CUBE_H / 2 + 16, "(virtio-vga-gl)", 0xffb0b8c0u, 0);
	ctx->damage(0, 0, CUBE_W, CUBE_H);
}

static void cube_args(struct cube *c, const char *args)
{
	const char *p = strstr(args, "frames=");

	c->fixed = strstr(args, "t=fixed") != NULL;
	c->fast = strstr(args, "fast") != NULL;
	if (p)
		c->stop_after = (int32_t)strtol(p + 7, NULL, 10);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct cube *c = fomos_state(ctx, sizeof(*c));
	int32_t r;

	if (!c)
		return -1;
	if (c->nogpu)
		return 1000;
	if (!c->ready) {
		cube_args(c, ctx->args);
		ctx->window(32, 32, CUBE_W, CUBE_H, FOMOS_WIN_OPAQUE);
		c->fps_ns = ctx->time_ns;
		r = ctx->gpu_open();
		if (r == 0)
			r = cube_setup(ctx, c);
		if (r < 0) {
			c->nogpu = 1;
			cube_nogpu(ctx, r);
			return 1000;
		}
		c->ready = 1;
	}
	if (c->pending) {
		r = ctx->gpu_show(c->rt);
		if (r == FOMOS_E_AGAIN)
			return 4;
		c->pending = 0;
		if (r >= 0 && cube_shown(ctx, c, r))
			return -1;
	}
	r = cube_frame(ctx, c);
	if (r == 0)
		r = ctx->gpu_show(c->rt);
	if (r == FOMOS_E_AGAIN) {
		c->pending = 1;
	} else if (r == FOMOS_E_GONE) {
		c->ready = 0;	/* resumed, or the context was lost: make it all again */
		return 100;
	} else if (r < 0) {
		printf("cube: gpu_show: %d\n", r);
		return -1;
	} else if (cube_shown(ctx, c, r)) {
		return -1;
	}
	return c->fast ? 0 : 16;
}
