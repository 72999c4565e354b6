/*
 * gpuops.h over virtio-gpu's 3D commands.  The executor's core has checked
 * every id and size already; what is kept here is what the GPU needs in
 * guest memory: each backed resource's pixels (for read-backs) and the
 * command streams in flight.  Nothing waits: a stream is copied into one of
 * a few DMA buffers and queued; a read-back is fenced and its callback
 * marks the pixels ready.
 *
 * A resource freed while its read-back is still on its way keeps its
 * memory until the GPU answered: the host writes into it until then.
 */
#include "gpu3d.h"
#include "lib.h"
#include "log.h"
#include "pmm.h"
#include "virtio_gpu.h"

#define GPU3D_RES	512		/* resources at once, all apps (32 per app) */
#define GPU3D_BUFS	8		/* command streams in flight */
#define GPU3D_BUF_PAGES	(FOMOS_GPU_SUBMIT_MAX / PAGE_SIZE)

struct gpu3d_res {
	uint32_t id, ctx;		/* id 0: a free entry */
	uint32_t width, height;
	uint64_t phys, pages;		/* its pixels (0: not backed) */
	uint8_t reading, ready, dead;	/* dead: freed, waiting for its read to end */
};

static struct {
	struct gpu3d_res res[GPU3D_RES];
	uint64_t buf[GPU3D_BUFS];	/* DMA buffers for streams (0: not allocated yet) */
	uint8_t buf_busy[GPU3D_BUFS];
} g3;

static struct gpu3d_res *gpu3d_find(uint32_t ctx, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < GPU3D_RES; i++)
		if (g3.res[i].id == id && g3.res[i].ctx == ctx && !g3.res[i].dead)
			return &g3.res[i];
	return NULL;
}

static void gpu3d_release(struct gpu3d_res *r)
{
	if (r->phys)
		pmm_free(r->phys, r->pages);
	memset(r, 0, sizeof(*r));
}

static int32_t gpu3d_ctx_create(uint32_t ctx, const char *name)
{
	return vgpu_ctx_create(ctx, name) < 0 ? FOMOS_E_NOMEM : 0;
}

static void gpu3d_res_destroy(uint32_t ctx, uint32_t id)
{
	struct gpu3d_res *r = gpu3d_find(ctx, id);

	vgpu_res_destroy(ctx, id);
	if (!r)
		return;
	if (r->reading)
		r->dead = 1;	/* gpu3d_read_done frees it */
	else
		gpu3d_release(r);
}

static void gpu3d_ctx_destroy(uint32_t ctx)
{
	uint32_t i;

	for (i = 0; i < GPU3D_RES; i++)
		if (g3.res[i].id && g3.res[i].ctx == ctx && !g3.res[i].dead)
			gpu3d_res_destroy(ctx, g3.res[i].id);
	vgpu_ctx_destroy(ctx);
}

static int32_t gpu3d_res_create(uint32_t ctx, uint32_t id, const struct fomos_gpu_res *fr, int backing)
{
	struct vgpu_res3d r = { fr->target, fr->format, fr->bind, fr->width, fr->height, 1, 1, 0, 0, 0 };
	struct gpu3d_res *e = NULL;
	uint64_t bytes = 0, phys = 0, pages = 0;
	uint32_t i;

	/* Every resource has an entry, so that ending a context frees them
	 * all on the host too. */
	for (i = 0; i < GPU3D_RES && !e; i++)
		if (!g3.res[i].id)
			e = &g3.res[i];
	if (!e)
		return FOMOS_E_NOMEM;
	if (backing) {
		bytes = (uint64_t)fr->width * fr->height * 4;
		pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
		phys = pmm_alloc(pages);
		if (!phys)
			return FOMOS_E_NOMEM;
		memset((void *)(uintptr_t)phys, 0, pages * PAGE_SIZE);
	}
	if (vgpu_res_create(ctx, id, &r, phys, bytes) < 0) {
		if (phys)
			pmm_free(phys, pages);
		return FOMOS_E_NOMEM;
	}
	*e = (struct gpu3d_res){ id, ctx, fr->width, fr->height, phys, pages, 0, 0, 0 };
	return 0;
}

static void gpu3d_submitted(void *arg, int ok)
{
	g3.buf_busy[(uintptr_t)arg] = 0;
}

static int32_t gpu3d_submit(uint32_t ctx, const uint32_t *cmds, uint32_t dwords)
{
	uint32_t i;

	for (i = 0; i < GPU3D_BUFS; i++) {
		if (g3.buf_busy[i])
			continue;
		if (!g3.buf[i] && !(g3.buf[i] = pmm_alloc(GPU3D_BUF_PAGES)))
			return FOMOS_E_AGAIN;
		memcpy((void *)(uintptr_t)g3.buf[i], cmds, (uint64_t)dwords * 4);
		g3.buf_busy[i] = 1;
		if (vgpu_submit(ctx, g3.buf[i], dwords * 4, gpu3d_submitted, (void *)(uintptr_t)i) < 0) {
			g3.buf_busy[i] = 0;
			return FOMOS_E_AGAIN;
		}
		return 0;
	}
	return FOMOS_E_AGAIN;	/* every buffer is on its way: the next call */
}

static void gpu3d_read_finished(void *arg, int ok)
{
	struct gpu3d_res *r = arg;

	r->reading = 0;
	if (r->dead) {
		gpu3d_release(r);
		return;
	}
	r->ready = 1;	/* a failed read shows what the memory held: the frame before */
}

static int32_t gpu3d_read_start(uint32_t ctx, uint32_t id, uint32_t w, uint32_t h)
{
	struct gpu3d_res *r = gpu3d_find(ctx, id);

	if (!r || !r->phys)
		return FOMOS_E_GONE;
	if (r->reading)
		return FOMOS_E_AGAIN;
	w = MIN(w, r->width);
	h = MIN(h, r->height);
	r->ready = 0;
	r->reading = 1;
	if (vgpu_read_back(ctx, id, w, h, r->width * 4, gpu3d_read_finished, r) < 0) {
		r->reading = 0;
		return FOMOS_E_AGAIN;
	}
	return 0;
}

static const uint32_t *gpu3d_read_done(uint32_t ctx, uint32_t id, uint32_t *stride)
{
	struct gpu3d_res *r = gpu3d_find(ctx, id);

	if (!r || !r->ready)
		return NULL;
	*stride = r->width;
	return (const uint32_t *)(uintptr_t)r->phys;
}

static const struct gpu_ops gpu3d = {
	VGPU_FIRST_ID, gpu3d_ctx_create, gpu3d_ctx_destroy, gpu3d_res_create, gpu3d_res_destroy,
	gpu3d_submit, gpu3d_read_start, gpu3d_read_done,
};

const struct gpu_ops *gpu3d_ops(void)
{
	return vgpu_has_3d() ? &gpu3d : NULL;
}
