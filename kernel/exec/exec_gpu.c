/*
 * The 3D services of the context (fomos.h, version 6): gpu_open,
 * gpu_resource, gpu_free, gpu_submit and gpu_show, checked here and done by
 * the platform (gfx/gpuops.h: virtio-gpu's 3D commands in the kernel,
 * libvirglrenderer under fomos-host).  Portable: the same checks and
 * bookkeeping everywhere.
 *
 * The trust boundary: an app names its resources by the ids this file
 * hands out, looked up in the app's own table (struct app, the executor's
 * memory), so gpu_free and gpu_show reach only its own.  Ids come from one
 * counter that starts at gpu_ops.res_base and never goes back within a
 * boot: a freed id, or one a resumed app kept from an earlier boot, names
 * nothing of anyone else's here.  Inside a command stream the core reads
 * nothing: the stream is copied into the kernel's memory (the app cannot
 * change it while the GPU reads it) and the GPU's host side, which keeps
 * one table of resources per context (those attached to it by
 * res_create), refuses any other id a stream names; one it rejects loses
 * only that app's context.
 *
 * gpu_show reads a render target back into the app's surface.  A read
 * started at one call is collected at a later one (or at once, when the
 * platform reads synchronously):
 *
 *	gpu_show(rt)	a read of an earlier frame on its way?  not done:
 *			FOMOS_E_AGAIN; done: its pixels into ctx->fb, the
 *			window damaged, one more frame shown
 *			then a read of rt starts (after everything submitted),
 *			and is collected at once if the platform has it already
 *
 * An app's context and resources end with it, however it ends.  None of
 * it is in a snapshot: a resumed app's ids answer FOMOS_E_GONE until it
 * opens a context again.
 */
#include "display.h"
#include "exec_priv.h"
#include "gpuops.h"
#include "lib.h"
#include "log.h"

#define GPU_2D_MAX	4096u			/* a texture's largest side */
#define GPU_BUFFER_MAX	(64u << 20)		/* a buffer's largest size */
#define GPU_TEX_BINDS	(FOMOS_GPU_BIND_DEPTH | FOMOS_GPU_BIND_RENDER | FOMOS_GPU_BIND_SAMPLER)
#define GPU_BUF_BINDS	(FOMOS_GPU_BIND_VERTEX | FOMOS_GPU_BIND_INDEX | FOMOS_GPU_BIND_CONSTANT)

static const struct gpu_ops *gpu;
static uint32_t gpu_next_ctx = 1;		/* context numbers: never reused */
static uint32_t gpu_next_res;			/* resource ids: never reused */
/* The copy of a stream the platform reads: the app cannot change it
 * underneath (one service runs at a time). */
static uint32_t gpu_stream[FOMOS_GPU_SUBMIT_MAX / 4];

void exec_set_gpu(const struct gpu_ops *ops)
{
	gpu = ops;
	if (gpu && gpu_next_res < gpu->res_base)
		gpu_next_res = gpu->res_base;
}

static struct exec_gpu_res *gpu_find(struct app *a, int32_t id)
{
	uint32_t i;

	if (id <= 0)
		return NULL;
	for (i = 0; i < EXEC_GPU_RES; i++)
		if (a->gpu_res[i].id == (uint32_t)id)
			return &a->gpu_res[i];
	return NULL;
}

/* 0 if the app may use its context now, else what to answer. */
static int32_t gpu_usable(const struct app *a)
{
	if (!gpu)
		return FOMOS_E_NOTSUP;
	if (!a->gpu_ctx)
		return a->gpu_resumed ? FOMOS_E_GONE : FOMOS_E_NOTSUP;
	return 0;
}

/* Resource id of app a's, for gpu_free and gpu_show: NULL with what to
 * answer in *e when it is not one (no context yet: there is nothing of
 * the app's to name, FOMOS_E_GONE as for any id not its own). */
static struct exec_gpu_res *gpu_own(struct app *a, int32_t id, int32_t *e)
{
	struct exec_gpu_res *k;

	if ((*e = gpu_usable(a)) < 0) {
		if (*e == FOMOS_E_NOTSUP && gpu)
			*e = FOMOS_E_GONE;
		return NULL;
	}
	if (!(k = gpu_find(a, id)))
		*e = FOMOS_E_GONE;
	return k;
}

/* A render target gpu_show can read back: backed by the platform. */
static int gpu_showable(const struct fomos_gpu_res *r)
{
	return r->target == FOMOS_GPU_TEXTURE_2D && (r->bind & FOMOS_GPU_BIND_RENDER) &&
	    (r->format == FOMOS_GPU_FORMAT_BGRA || r->format == FOMOS_GPU_FORMAT_BGRX);
}

/* The memory a resource takes: on the GPU's side (the host's, for
 * virtio-gpu) and, for a render target an app may show, as much again in
 * the machine's RAM to read it back into. */
static uint64_t gpu_res_bytes(const struct fomos_gpu_res *r)
{
	uint64_t b = r->target == FOMOS_GPU_BUFFER ? r->width : (uint64_t)r->width * r->height * 4;

	return gpu_showable(r) ? 2 * b : b;
}

/* What fomos.h lets an app create; everything else is FOMOS_E_BADARG. */
static int gpu_res_ok(const struct fomos_gpu_res *r)
{
	if (r->reserved[0] || r->reserved[1] || r->reserved[2])
		return 0;
	if (r->target == FOMOS_GPU_BUFFER)
		return r->format == FOMOS_GPU_FORMAT_R8 && r->height == 1 && r->width >= 1 &&
		    r->width <= GPU_BUFFER_MAX && r->bind && !(r->bind & ~GPU_BUF_BINDS);
	if (r->target != FOMOS_GPU_TEXTURE_2D || r->width < 1 || r->height < 1 ||
	    r->width > GPU_2D_MAX || r->height > GPU_2D_MAX || !r->bind || (r->bind & ~GPU_TEX_BINDS))
		return 0;
	if (r->format == FOMOS_GPU_FORMAT_Z24S8)
		return r->bind == FOMOS_GPU_BIND_DEPTH;
	return (r->format == FOMOS_GPU_FORMAT_BGRA || r->format == FOMOS_GPU_FORMAT_BGRX ||
	    r->format == FOMOS_GPU_FORMAT_R8) && !(r->bind & FOMOS_GPU_BIND_DEPTH);
}

static FOMOS_CALL int32_t exec_gpu_open(void)
{
	struct app *a = exec_current;
	int32_t r;

	EXEC_SERVICE();
	if (!gpu)
		return FOMOS_E_NOTSUP;
	if (a->gpu_ctx)
		return 0;
	r = gpu->ctx_create(gpu_next_ctx, a->name);
	if (r < 0)
		return r;
	a->gpu_ctx = gpu_next_ctx++;
	klog("exec: %s[%llu] opened GPU context %u\n", a->name, ULL(a->pid), a->gpu_ctx);
	return 0;
}

static FOMOS_CALL int32_t exec_gpu_resource(const struct fomos_gpu_res *res)
{
	struct app *a = exec_current;
	struct exec_gpu_res *k = NULL;
	struct fomos_gpu_res r;
	uint32_t i;
	int32_t e;

	EXEC_SERVICE();
	if ((e = gpu_usable(a)) < 0)
		return e;
	if (!exec_app_range(a, res, sizeof(*res), 0))
		return FOMOS_E_BADARG;
	plat_user_open();
	memcpy(&r, res, sizeof(r));
	plat_user_close();
	if (!gpu_res_ok(&r))
		return FOMOS_E_BADARG;
	for (i = 0; i < EXEC_GPU_RES && !k; i++)
		if (!a->gpu_res[i].id)
			k = &a->gpu_res[i];
	if (!k || gpu_next_res == 0 || gpu_next_res > INT32_MAX)
		return FOMOS_E_NOMEM;
	/* GPU memory is the app's memory: a resource takes its bytes out of
	 * the quota its arena (and surface, and regions) grow within, until it
	 * is freed, so no app can take the GPU's (or, through the read-back
	 * memory, the kernel's) memory from the others. */
	if (gpu_res_bytes(&r) + a->mem.mapped > a->mem.quota ||
	    (gpu_showable(&r) && !plat_room(gpu_res_bytes(&r) / 2)))
		return FOMOS_E_NOMEM;
	e = gpu->res_create(a->gpu_ctx, gpu_next_res, &r, gpu_showable(&r));
	if (e < 0)
		return e;
	k->id = gpu_next_res++;
	k->r = r;
	a->gpu_bytes += gpu_res_bytes(&r);
	a->mem.quota -= gpu_res_bytes(&r);
	return (int32_t)k->id;
}

static void gpu_res_destroy(struct app *a, struct exec_gpu_res *k)
{
	if (a->gpu_read == k->id)
		a->gpu_read = 0;	/* the platform forgets the read with the resource */
	gpu->res_destroy(a->gpu_ctx, k->id);
	a->gpu_bytes -= gpu_res_bytes(&k->r);
	a->mem.quota += gpu_res_bytes(&k->r);
	k->id = 0;
}

static FOMOS_CALL int32_t exec_gpu_free(int32_t id)
{
	struct app *a = exec_current;
	struct exec_gpu_res *k;
	int32_t e;

	EXEC_SERVICE();
	if (!(k = gpu_own(a, id, &e)))
		return e;
	gpu_res_destroy(a, k);
	return 0;
}

static FOMOS_CALL int32_t exec_gpu_submit(const uint32_t *cmds, uint32_t dwords)
{
	struct app *a = exec_current;
	uint64_t bytes = (uint64_t)dwords * 4;
	int32_t e;

	EXEC_SERVICE();
	if ((e = gpu_usable(a)) < 0)
		return e;
	if (!dwords || bytes > FOMOS_GPU_SUBMIT_MAX || !exec_app_range(a, cmds, bytes, 0))
		return FOMOS_E_BADARG;
	plat_user_open();
	memcpy(gpu_stream, cmds, bytes);
	plat_user_close();
	return gpu->submit(a->gpu_ctx, gpu_stream, dwords);
}

/* The read of a->gpu_read is done: its pixels into the surface (as much
 * of it as the window still covers), that part damaged. */
static void gpu_take_frame(struct app *a, const uint32_t *px, uint32_t stride, int opaque)
{
	struct compose_layer *l = &a->layer;
	uint32_t w = MIN(a->gpu_read_w, l->width), h = MIN(a->gpu_read_h, l->height), x, y;
	uint32_t *dst = a->ctx.fb.pixels, alpha = opaque ? 0xff000000u : 0;
	struct compose_rect r = { 0, 0, (int32_t)w, (int32_t)h };

	plat_user_open();
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			dst[(uint64_t)y * l->stride + x] = px[(uint64_t)y * stride + x] | alpha;
	plat_user_close();
	a->gpu_read = 0;
	a->gpu_frames++;
	if (compose_empty(r))
		return;
	l->content = compose_union(l->content, r);
	display_damage((struct compose_rect){ l->x, l->y, l->x + r.x1, l->y + r.y1 });
}

/* A read of a->gpu_read on its way: 1 once collected, 0 if not yet. */
static int gpu_collect(struct app *a)
{
	struct exec_gpu_res *k = gpu_find(a, (int32_t)a->gpu_read);
	const uint32_t *px;
	uint32_t stride = 0;

	if (!k)
		return 1;
	px = gpu->read_done(a->gpu_ctx, k->id, &stride);
	if (!px)
		return 0;
	gpu_take_frame(a, px, stride, k->r.format == FOMOS_GPU_FORMAT_BGRX);
	return 1;
}

static FOMOS_CALL int32_t exec_gpu_show(int32_t id)
{
	struct app *a = exec_current;
	struct exec_gpu_res *k;
	uint32_t w, h;
	int32_t e;

	EXEC_SERVICE();
	if (!(k = gpu_own(a, id, &e)))
		return e;
	if (!gpu_showable(&k->r) || !a->surface_bytes)
		return FOMOS_E_BADARG;
	if (a->gpu_read && !gpu_collect(a))
		return FOMOS_E_AGAIN;
	w = MIN(a->layer.width, k->r.width);
	h = MIN(a->layer.height, k->r.height);
	e = gpu->read_start(a->gpu_ctx, k->id, w, h);
	if (e < 0)
		return e;
	a->gpu_read = k->id;
	a->gpu_read_w = w;
	a->gpu_read_h = h;
	gpu_collect(a);
	return (int32_t)MIN(a->gpu_frames, (uint32_t)INT32_MAX);
}

void *const exec_gpu_services[EXEC_GPU_SVCS] = {
	(void *)exec_gpu_open, (void *)exec_gpu_resource, (void *)exec_gpu_free,
	(void *)exec_gpu_submit, (void *)exec_gpu_show,
};

void exec_gpu_release(struct app *a)
{
	uint32_t i, n = 0;

	if (a->gpu_ctx) {
		for (i = 0; i < EXEC_GPU_RES; i++)
			if (a->gpu_res[i].id) {
				gpu_res_destroy(a, &a->gpu_res[i]);
				n++;
			}
		gpu->ctx_destroy(a->gpu_ctx);
		klog("exec: %s[%llu] GPU context %u closed, %u resources freed\n", a->name, ULL(a->pid),
		    a->gpu_ctx, n);
	}
	a->gpu_ctx = 0;
	a->gpu_read = 0;
}

uint32_t exec_gpu_resources(const struct app *a)
{
	uint32_t i, n = 0;

	for (i = 0; i < EXEC_GPU_RES; i++)
		n += a->gpu_res[i].id != 0;
	return n;
}
