/*
 * 3D under fomos-host (kernel/gfx/gpuops.h): Debian's libvirglrenderer,
 * in this process, decodes the apps' virgl streams and draws with the
 * host's OpenGL (Mesa; llvmpipe when there is no GPU) through EGL without
 * a window (surfaceless).  It is the very decoder QEMU runs behind a
 * virtio-gpu, so a stream that draws here draws there.  The executor core
 * (exec_gpu.c) checked every id and size; these are the calls behind them.
 *
 * virglrenderer starts at the first gpu_open (an app that never draws in
 * 3D costs nothing).  If it cannot (no EGL), one line says so and every
 * gpu_open answers FOMOS_E_NOTSUP.
 *
 * Isolation between apps is virglrenderer's: each app has a context of its
 * own, a resource is attached to its app's context only, and a context
 * looks resources up in its own table, so a stream naming another app's id
 * finds nothing.  A stream virglrenderer rejects puts that context in
 * error: we remember it as lost (FOMOS_E_GONE from then on).
 *
 * Services run on the calling app's 64 KiB stack; virglrenderer and Mesa
 * need far more (compiling a shader, or a buffer write, overflows it).
 * Every call into virglrenderer runs on a stack of our own, switched to
 * with swapcontext (host_gpu_on_stack).
 *
 * Reads back are synchronous (transfer_read_iov waits for the GL): read_done
 * answers at once.  A render target's backing holds its rows top down at a
 * stride of its width; resources are created without VIRGL_RESOURCE_Y_0_TOP,
 * as Gallium's (and the kernel's) are, so row 0 is window y 0.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <virglrenderer.h>
#include "gpuops.h"
#include "host.h"

#define HOST_GPU_RES	4096		/* resources of every app together */
#define HOST_GPU_CTXS	1024		/* contexts remembered as lost */
#define HOST_GPU_STACK	(8u << 20)	/* the stack virglrenderer runs on */

/* virgl_hw.h's, which Debian does not install: the region a transfer moves. */
struct virgl_box {
	uint32_t x, y, z;
	uint32_t w, h, d;
};

static struct host_gpu_res {
	uint32_t id;			/* 0: free */
	uint32_t ctx;
	uint32_t width, height;
	uint32_t *backing;		/* render targets: where reads land */
	struct iovec iov;
} host_res[HOST_GPU_RES];

static int host_gpu_state;		/* 0 not started, 1 running, -1 failed */
static uint8_t host_ctx_lost[HOST_GPU_CTXS];
static int host_gpu_cookie;		/* virglrenderer wants a cookie that is not NULL */

static void host_gpu_fence(void *cookie, uint32_t fence)
{
	(void)cookie;
	(void)fence;
}

static struct virgl_renderer_callbacks host_gpu_cbs = {
	.version = 2,
	.write_fence = host_gpu_fence,
};

static int host_gpu_start(void)
{
	if (host_gpu_state)
		return host_gpu_state;
	if (virgl_renderer_init(&host_gpu_cookie, VIRGL_RENDERER_USE_EGL | VIRGL_RENDERER_USE_SURFACELESS,
	    &host_gpu_cbs) != 0) {
		fprintf(stderr, "fomos-host: no 3D: virglrenderer could not start (EGL, surfaceless); "
		    "apps' gpu_open answers FOMOS_E_NOTSUP\n");
		return host_gpu_state = -1;
	}
	return host_gpu_state = 1;
}

static struct host_gpu_res *host_gpu_find(uint32_t id)
{
	uint32_t i;

	for (i = 0; i < HOST_GPU_RES; i++)
		if (host_res[i].id == id)
			return &host_res[i];
	return NULL;
}

static int32_t host_gpu_ctx_create(uint32_t ctx, const char *name)
{
	if (host_gpu_start() < 0)
		return FOMOS_E_NOTSUP;
	if (virgl_renderer_context_create(ctx, (uint32_t)strlen(name), name) != 0)
		return FOMOS_E_NOMEM;
	host_ctx_lost[ctx % HOST_GPU_CTXS] = 0;
	return 0;
}

static void host_gpu_res_destroy(uint32_t ctx, uint32_t res)
{
	struct host_gpu_res *r = host_gpu_find(res);

	if (!r || !res)
		return;
	virgl_renderer_ctx_detach_resource((int)ctx, (int)res);
	if (r->backing)
		virgl_renderer_resource_detach_iov((int)res, NULL, NULL);
	virgl_renderer_resource_unref(res);
	free(r->backing);
	memset(r, 0, sizeof(*r));
}

static void host_gpu_ctx_destroy(uint32_t ctx)
{
	uint32_t i;

	for (i = 0; i < HOST_GPU_RES; i++)
		if (host_res[i].id && host_res[i].ctx == ctx)
			host_gpu_res_destroy(ctx, host_res[i].id);
	virgl_renderer_context_destroy(ctx);
}

static int32_t host_gpu_res_create(uint32_t ctx, uint32_t res, const struct fomos_gpu_res *fr, int backing)
{
	struct virgl_renderer_resource_create_args args = {
		.handle = res, .target = fr->target, .format = fr->format, .bind = fr->bind,
		.width = fr->width, .height = fr->height, .depth = 1, .array_size = 1,
	};
	struct host_gpu_res *r = host_gpu_find(0);

	if (!r)
		return FOMOS_E_NOMEM;
	if (backing) {
		r->iov.iov_len = (size_t)fr->width * fr->height * 4;
		if (!(r->backing = calloc(1, r->iov.iov_len)))
			return FOMOS_E_NOMEM;
		r->iov.iov_base = r->backing;
	}
	if (virgl_renderer_resource_create(&args, NULL, 0) != 0)
		goto err_free;
	/* At create, virglrenderer would not keep the iov for transfers. */
	if (backing && virgl_renderer_resource_attach_iov((int)res, &r->iov, 1) != 0)
		goto err_unref;
	virgl_renderer_ctx_attach_resource((int)ctx, (int)res);
	r->id = res;
	r->ctx = ctx;
	r->width = fr->width;
	r->height = fr->height;
	return 0;

err_unref:
	virgl_renderer_resource_unref(res);
err_free:
	free(r->backing);
	memset(r, 0, sizeof(*r));
	return FOMOS_E_NOMEM;
}

static int32_t host_gpu_submit(uint32_t ctx, const uint32_t *cmds, uint32_t dwords)
{
	if (host_ctx_lost[ctx % HOST_GPU_CTXS])
		return FOMOS_E_GONE;
	/* virglrenderer reads the buffer only; its prototype is not const. */
	if (virgl_renderer_submit_cmd((void *)(uintptr_t)cmds, (int)ctx, (int)dwords) != 0) {
		host_ctx_lost[ctx % HOST_GPU_CTXS] = 1;
		return FOMOS_E_GONE;
	}
	return 0;
}

static int32_t host_gpu_read_start(uint32_t ctx, uint32_t res, uint32_t w, uint32_t h)
{
	struct host_gpu_res *r = host_gpu_find(res);
	struct virgl_box box = { 0, 0, 0, w, h, 1 };

	if (!r || !r->backing)
		return FOMOS_E_GONE;
	/* A context in error still reads: the app sees its last good frame. */
	virgl_renderer_transfer_read_iov(res, ctx, 0, r->width * 4, 0, &box, 0, NULL, 0);
	return 0;
}

static const uint32_t *host_gpu_read_done(uint32_t ctx, uint32_t res, uint32_t *stride)
{
	struct host_gpu_res *r = host_gpu_find(res);

	(void)ctx;
	if (!r || !r->backing)
		return NULL;
	*stride = r->width;
	return r->backing;
}

/* --- the calls, each on our own stack ---------------------------------------- */

static struct host_gpu_call {
	int op;
	uint32_t ctx, res, w, h;
	const void *p;
	int backing;
	int32_t ret;
} host_call;
static ucontext_t host_gpu_caller, host_gpu_callee;
static void *host_gpu_stack;

enum { OP_CTX_CREATE, OP_CTX_DESTROY, OP_RES_CREATE, OP_RES_DESTROY, OP_SUBMIT, OP_READ_START };

static void host_gpu_run(void)
{
	struct host_gpu_call *c = &host_call;

	switch (c->op) {
	case OP_CTX_CREATE:
		c->ret = host_gpu_ctx_create(c->ctx, c->p);
		break;
	case OP_CTX_DESTROY:
		host_gpu_ctx_destroy(c->ctx);
		break;
	case OP_RES_CREATE:
		c->ret = host_gpu_res_create(c->ctx, c->res, c->p, c->backing);
		break;
	case OP_RES_DESTROY:
		host_gpu_res_destroy(c->ctx, c->res);
		break;
	case OP_SUBMIT:
		c->ret = host_gpu_submit(c->ctx, c->p, c->w);
		break;
	case OP_READ_START:
		c->ret = host_gpu_read_start(c->ctx, c->res, c->w, c->h);
		break;
	}
}

/* Runs host_call's op on host_gpu_stack and comes back. */
static int32_t host_gpu_on_stack(void)
{
	if (!host_gpu_stack && !(host_gpu_stack = malloc(HOST_GPU_STACK)))
		return FOMOS_E_NOMEM;
	getcontext(&host_gpu_callee);
	host_gpu_callee.uc_stack.ss_sp = host_gpu_stack;
	host_gpu_callee.uc_stack.ss_size = HOST_GPU_STACK;
	host_gpu_callee.uc_link = &host_gpu_caller;
	makecontext(&host_gpu_callee, host_gpu_run, 0);
	host_call.ret = FOMOS_E_NOMEM;
	swapcontext(&host_gpu_caller, &host_gpu_callee);
	return host_call.ret;
}

static int32_t host_gpu_call_ctx_create(uint32_t ctx, const char *name)
{
	host_call = (struct host_gpu_call){ .op = OP_CTX_CREATE, .ctx = ctx, .p = name };
	return host_gpu_on_stack();
}

static void host_gpu_call_ctx_destroy(uint32_t ctx)
{
	host_call = (struct host_gpu_call){ .op = OP_CTX_DESTROY, .ctx = ctx };
	host_gpu_on_stack();
}

static int32_t host_gpu_call_res_create(uint32_t ctx, uint32_t res, const struct fomos_gpu_res *r, int backing)
{
	host_call = (struct host_gpu_call){ .op = OP_RES_CREATE, .ctx = ctx, .res = res, .p = r, .backing = backing };
	return host_gpu_on_stack();
}

static void host_gpu_call_res_destroy(uint32_t ctx, uint32_t res)
{
	host_call = (struct host_gpu_call){ .op = OP_RES_DESTROY, .ctx = ctx, .res = res };
	host_gpu_on_stack();
}

static int32_t host_gpu_call_submit(uint32_t ctx, const uint32_t *cmds, uint32_t dwords)
{
	host_call = (struct host_gpu_call){ .op = OP_SUBMIT, .ctx = ctx, .p = cmds, .w = dwords };
	return host_gpu_on_stack();
}

static int32_t host_gpu_call_read_start(uint32_t ctx, uint32_t res, uint32_t w, uint32_t h)
{
	host_call = (struct host_gpu_call){ .op = OP_READ_START, .ctx = ctx, .res = res, .w = w, .h = h };
	return host_gpu_on_stack();
}

const struct gpu_ops host_gpu_ops = {
	.res_base = 1,
	.ctx_create = host_gpu_call_ctx_create,
	.ctx_destroy = host_gpu_call_ctx_destroy,
	.res_create = host_gpu_call_res_create,
	.res_destroy = host_gpu_call_res_destroy,
	.submit = host_gpu_call_submit,
	.read_start = host_gpu_call_read_start,
	.read_done = host_gpu_read_done,
};

uint32_t host_gpu_resources(void)
{
	uint32_t i, n = 0;

	for (i = 0; i < HOST_GPU_RES; i++)
		n += host_res[i].id != 0;
	return n;
}
