/*
 * The 3D services (kernel/exec/exec_gpu.c) over the unit tests' platform
 * and a fake GPU (a gpu_ops that records what the core asks of it): the
 * checks an app meets (ids, quotas, pointers, sizes), how gpu_show
 * sequences its reads, and that an app's context and resources go when it
 * ends.  The GPU itself is test/host/test_host_gpu.py's.
 */
#include <stdio.h>
#include <string.h>
#include "exec.h"
#include "exec_priv.h"
#include "fake_plat.h"
#include "gpuops.h"
#include "unit.h"

#define RES_BASE	100

static uint8_t kernel_secret[64] = "the kernel's own memory";

/* What the fake GPU saw and holds. */
static struct {
	uint32_t ctx_created[4], ctx_destroyed[4], n_created, n_destroyed;
	uint32_t live_res;			/* created and not destroyed */
	uint32_t last_res, last_backing;
	uint32_t submits, submit_dwords, submit_first;
	const uint32_t *submit_ptr;
	uint32_t reads, read_res, read_w, read_h;
	int read_ready;				/* read_done answers */
	uint32_t pixels[300 * 300];
} gpu;

static int32_t fake_ctx_create(uint32_t ctx, const char *name)
{
	(void)name;
	gpu.ctx_created[gpu.n_created++ % 4] = ctx;
	return 0;
}

static void fake_ctx_destroy(uint32_t ctx)
{
	gpu.ctx_destroyed[gpu.n_destroyed++ % 4] = ctx;
}

static int32_t fake_res_create(uint32_t ctx, uint32_t res, const struct fomos_gpu_res *r, int backing)
{
	(void)ctx;
	(void)r;
	gpu.live_res++;
	gpu.last_res = res;
	gpu.last_backing = (uint32_t)backing;
	return 0;
}

static void fake_res_destroy(uint32_t ctx, uint32_t res)
{
	(void)ctx;
	(void)res;
	gpu.live_res--;
}

static int32_t fake_submit(uint32_t ctx, const uint32_t *cmds, uint32_t dwords)
{
	(void)ctx;
	gpu.submits++;
	gpu.submit_dwords = dwords;
	gpu.submit_first = cmds[0];
	gpu.submit_ptr = cmds;
	return 0;
}

static int32_t fake_read_start(uint32_t ctx, uint32_t res, uint32_t w, uint32_t h)
{
	(void)ctx;
	gpu.reads++;
	gpu.read_res = res;
	gpu.read_w = w;
	gpu.read_h = h;
	return 0;
}

static const uint32_t *fake_read_done(uint32_t ctx, uint32_t res, uint32_t *stride)
{
	(void)ctx;
	(void)res;
	*stride = 300;
	return gpu.read_ready ? gpu.pixels : NULL;
}

static const struct gpu_ops fake_gpu = {
	RES_BASE, fake_ctx_create, fake_ctx_destroy, fake_res_create, fake_res_destroy,
	fake_submit, fake_read_start, fake_read_done,
};

static struct {
	int32_t r[64];
	int32_t ids[40];
	uint32_t calls;
} seen;

static void gpu_reset(int screen, const struct gpu_ops *ops)
{
	fake_reset(screen);
	exec_set_gpu(ops);
	memset(&gpu, 0, sizeof(gpu));
	memset(&seen, 0, sizeof(seen));
}

static struct fomos_gpu_res *app_res(uint32_t target, uint32_t format, uint32_t bind, uint32_t w, uint32_t h)
{
	struct fomos_gpu_res *r = (struct fomos_gpu_res *)(fake_current()->stack_top - 1024);

	*r = (struct fomos_gpu_res){ target, format, bind, w, h, { 0, 0, 0 } };
	return r;
}

static struct fomos_gpu_res *app_rt(uint32_t w, uint32_t h)
{
	return app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRX, FOMOS_GPU_BIND_RENDER, w, h);
}

static int app_nogpu(struct fomos_ctx *ctx)
{
	uint32_t *cmds = (uint32_t *)(fake_current()->stack_top - 256);

	seen.r[0] = ctx->gpu_open();
	seen.r[1] = ctx->gpu_resource(app_rt(64, 64));
	seen.r[2] = ctx->gpu_free(RES_BASE);
	seen.r[3] = ctx->gpu_submit(cmds, 1);
	seen.r[4] = ctx->gpu_show(RES_BASE);
	return -1;
}

void
gpu_without_a_gpu_every_service_answers_notsup(void)
{
	gpu_reset(1, NULL);
	fake_app("nogpu", "nogpu", app_nogpu, NULL);
	CHECK(fake_start("nogpu", "") > 0);
	fake_round();
	for (int i = 0; i < 5; i++)
		CHECK_EQ_U64(seen.r[i], (uint64_t)(int64_t)FOMOS_E_NOTSUP);
	fake_done();
}

/* Every check of gpu_resource and gpu_submit, one answer each. */
static int app_checks(struct fomos_ctx *ctx)
{
	uint32_t *cmds = (uint32_t *)(fake_current()->stack_top - 512);
	uint64_t data = fake_current()->home + fake_current()->data_start;
	struct fomos_gpu_res *r;
	int32_t *s = seen.r;

	s[0] = ctx->gpu_resource(app_rt(64, 64));			/* before gpu_open */
	s[1] = ctx->gpu_submit(cmds, 1);
	s[2] = ctx->gpu_open();
	s[3] = ctx->gpu_open();						/* again: nothing happens */
	s[4] = ctx->gpu_resource(NULL);
	s[5] = ctx->gpu_resource((struct fomos_gpu_res *)(uintptr_t)kernel_secret);
	s[6] = ctx->gpu_resource((struct fomos_gpu_res *)(uintptr_t)0xfffffffffffffff0ull);
	s[7] = ctx->gpu_resource(app_rt(5000, 5000));
	s[8] = ctx->gpu_resource(app_rt(0, 64));
	r = app_rt(64, 64);
	r->reserved[2] = 1;
	s[9] = ctx->gpu_resource(r);
	s[10] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, 77, FOMOS_GPU_BIND_RENDER, 64, 64));
	s[11] = ctx->gpu_resource(app_res(5, FOMOS_GPU_FORMAT_BGRA, FOMOS_GPU_BIND_RENDER, 64, 64));
	s[12] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA, 1u << 18, 64, 64));
	s[13] = ctx->gpu_resource(app_res(FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8, FOMOS_GPU_BIND_VERTEX,
	    (64u << 20) + 1, 1));
	s[14] = ctx->gpu_resource(app_res(FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8, FOMOS_GPU_BIND_VERTEX, 64, 2));
	s[15] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_Z24S8,
	    FOMOS_GPU_BIND_RENDER, 64, 64));
	/* Good ones: a buffer, a depth buffer, a render target. */
	s[16] = ctx->gpu_resource(app_res(FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8, FOMOS_GPU_BIND_VERTEX, 4096, 1));
	s[17] = gpu.last_backing;
	s[18] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_Z24S8,
	    FOMOS_GPU_BIND_DEPTH, 4096, 4096));
	s[19] = ctx->gpu_resource(app_rt(64, 64));
	s[20] = gpu.last_backing;
	/* Streams: pointer, size, and the copy the platform gets. */
	s[21] = ctx->gpu_submit(NULL, 4);
	s[22] = ctx->gpu_submit(cmds, 0);
	s[23] = ctx->gpu_submit(cmds, FOMOS_GPU_SUBMIT_MAX / 4 + 1);
	s[24] = ctx->gpu_submit(cmds, 0x40000000u);			/* 4 GiB: wraps a 32-bit product */
	s[25] = ctx->gpu_submit((uint32_t *)(uintptr_t)kernel_secret, 4);
	s[26] = ctx->gpu_submit((uint32_t *)(uintptr_t)(data + 0x100000000ull), 4);
	cmds[0] = 0x12345678;
	s[27] = ctx->gpu_submit(cmds, 2);
	s[28] = gpu.submit_ptr != cmds && gpu.submit_first == 0x12345678 && gpu.submit_dwords == 2;
	s[29] = ctx->gpu_submit(cmds, FOMOS_GPU_SUBMIT_MAX / 4);	/* the most: the stack is 64 KiB */
	return -1;
}

void
gpu_resource_and_submit_check_every_pointer_size_and_kind(void)
{
	int32_t bad = FOMOS_E_BADARG;

	gpu_reset(1, &fake_gpu);
	fake_app("checks", "checks", app_checks, NULL);
	CHECK(fake_start("checks", "quota=256M") > 0);	/* the largest sizes fit */
	fake_round();
	CHECK_EQ_U64(seen.r[0], (uint64_t)(int64_t)FOMOS_E_NOTSUP);
	CHECK_EQ_U64(seen.r[1], (uint64_t)(int64_t)FOMOS_E_NOTSUP);
	CHECK_EQ_U64(seen.r[2], 0);
	CHECK_EQ_U64(seen.r[3], 0);
	CHECK_EQ_U64(gpu.n_created, 1);
	CHECK(fake_logged("checks[") && fake_logged("] opened GPU context "));
	for (int i = 4; i <= 15; i++) {
		if (seen.r[i] != bad)
			printf("  answer %d: %d\n", i, seen.r[i]);
		CHECK_EQ_U64(seen.r[i], (uint64_t)(int64_t)bad);
	}
	CHECK(seen.r[16] >= RES_BASE);			/* ids: from the platform's base up */
	CHECK_EQ_U64(seen.r[17], 0);			/* a buffer has no backing */
	CHECK_EQ_U64(seen.r[18], seen.r[16] + 1);
	CHECK_EQ_U64(seen.r[19], seen.r[16] + 2);
	CHECK_EQ_U64(seen.r[20], 1);			/* a render target has */
	for (int i = 21; i <= 26; i++)
		CHECK_EQ_U64(seen.r[i], (uint64_t)(int64_t)bad);
	CHECK_EQ_U64(seen.r[27], 0);
	CHECK_EQ_U64(seen.r[28], 1);
	/* 256 KiB from a 64 KiB stack: not all of it is the app's memory. */
	CHECK_EQ_U64(seen.r[29], (uint64_t)(int64_t)bad);
	CHECK_EQ_U64(gpu.submits, 1);
	/* It returned: its context and all three resources are gone. */
	CHECK_EQ_U64(gpu.live_res, 0);
	CHECK_EQ_U64(gpu.n_destroyed, 1);
	CHECK_EQ_U64(gpu.ctx_destroyed[0], gpu.ctx_created[0]);
	fake_done();
}

/* 32 resources, then no more; ids never come back; nobody else's. */
static int app_quota(struct fomos_ctx *ctx)
{
	int32_t *s = seen.r;

	if (seen.calls++)
		return 1000;
	ctx->gpu_open();
	for (int i = 0; i < 33; i++)
		seen.ids[i] = ctx->gpu_resource(app_rt(16, 16));
	s[0] = ctx->gpu_free(seen.ids[5]);
	s[1] = ctx->gpu_free(seen.ids[5]);
	s[2] = ctx->gpu_free(0);
	s[3] = ctx->gpu_free(-1);
	s[4] = ctx->gpu_free(INT32_MAX);
	s[5] = ctx->gpu_show(seen.ids[5]);
	seen.ids[33] = ctx->gpu_resource(app_rt(16, 16));
	return 1000;
}

static int app_thief(struct fomos_ctx *ctx)
{
	int32_t *s = seen.r + 32;

	s[0] = ctx->gpu_free(seen.ids[0]);		/* before its own gpu_open */
	s[1] = ctx->gpu_show(seen.ids[0]);
	ctx->gpu_open();
	s[2] = ctx->gpu_free(seen.ids[0]);
	s[3] = ctx->gpu_show(seen.ids[1]);
	s[4] = ctx->gpu_resource(app_rt(16, 16));
	return -1;
}

void
gpu_ids_are_per_app_never_reused_and_32_at_most(void)
{
	gpu_reset(1, &fake_gpu);
	fake_app("quota", "quota", app_quota, NULL);
	fake_app("thief", "thief", app_thief, NULL);
	CHECK(fake_start("quota", "") > 0);
	fake_round();
	for (int i = 0; i < 32; i++)
		CHECK_EQ_U64(seen.ids[i], seen.ids[0] + i);
	CHECK_EQ_U64(seen.ids[32], (uint64_t)(int64_t)FOMOS_E_NOMEM);
	CHECK_EQ_U64(seen.r[0], 0);
	for (int i = 1; i <= 5; i++)
		CHECK_EQ_U64(seen.r[i], (uint64_t)(int64_t)FOMOS_E_GONE);
	CHECK_EQ_U64(seen.ids[33], seen.ids[0] + 32);	/* a new id, not the freed one again */
	CHECK_EQ_U64(gpu.live_res, 32);
	CHECK(fake_start("thief", "") > 0);
	fake_advance_ms(2000);
	fake_round();
	for (int i = 0; i < 4; i++)
		CHECK_EQ_U64(seen.r[32 + i], (uint64_t)(int64_t)FOMOS_E_GONE);
	CHECK_EQ_U64(seen.r[36], seen.ids[0] + 33);
	CHECK_EQ_U64(gpu.live_res, 32);			/* the thief's went with it */
	CHECK_EQ_U64(gpu.n_destroyed, 1);
	CHECK(gpu.ctx_created[1] > gpu.ctx_created[0]);	/* context numbers are never reused either */
	CHECK_EQ_U64(gpu.ctx_destroyed[0], gpu.ctx_created[1]);
	fake_done();
	CHECK_EQ_U64(gpu.live_res, 0);			/* killed: everything went */
	CHECK_EQ_U64(gpu.n_destroyed, 2);
}

/* GPU memory counts in the app's quota (quota=6M below): a 1024x1024
 * render target takes 4 MiB on the GPU and 4 MiB to read it back into. */
static int app_gpu_memory(struct fomos_ctx *ctx)
{
	int32_t *s = seen.r;

	if (seen.calls++)
		return 1000;
	ctx->gpu_open();
	s[0] = ctx->gpu_resource(app_rt(1024, 1024));		/* 8 MiB: over */
	s[1] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA,
	    FOMOS_GPU_BIND_SAMPLER, 1024, 1024));			/* 4 MiB, not shown: fits */
	s[2] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA,
	    FOMOS_GPU_BIND_SAMPLER, 1024, 1024));			/* 4 more: over */
	/* And the arena shares the same quota: 4 MiB are the texture's. */
	s[5] = ctx->calloc(3, 1u << 20) == NULL;
	s[3] = ctx->gpu_free(s[1]);
	s[6] = ctx->calloc(3, 1u << 20) != NULL;			/* freed: room again */
	s[4] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA,
	    FOMOS_GPU_BIND_SAMPLER, 1024, 1024));			/* 4 + 3 MiB: over */
	return 1000;
}

void
gpu_memory_counts_in_the_apps_quota(void)
{
	gpu_reset(1, &fake_gpu);
	fake_app("gpumem", "gpumem", app_gpu_memory, NULL);
	CHECK(fake_start("gpumem", "quota=6M") > 0);
	fake_round();
	CHECK_EQ_U64(seen.r[0], (uint64_t)(int64_t)FOMOS_E_NOMEM);
	CHECK(seen.r[1] > 0);
	CHECK_EQ_U64(seen.r[2], (uint64_t)(int64_t)FOMOS_E_NOMEM);
	CHECK_EQ_U64(seen.r[3], 0);
	CHECK_EQ_U64(seen.r[5], 1);
	CHECK_EQ_U64(seen.r[6], 1);
	CHECK_EQ_U64(seen.r[4], (uint64_t)(int64_t)FOMOS_E_NOMEM);
	CHECK_EQ_U64(gpu.live_res, 0);
	fake_done();
	CHECK_EQ_U64(gpu.live_res, 0);
}

/* Each call one gpu_show of a 300x300 render target in a 128x96 window. */
static int app_show(struct fomos_ctx *ctx)
{
	int32_t *s = seen.r;
	uint32_t n = seen.calls++;

	if (n == 0) {
		ctx->gpu_open();
		seen.ids[0] = ctx->gpu_resource(app_rt(300, 300));
		seen.ids[1] = ctx->gpu_resource(app_res(FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8,
		    FOMOS_GPU_BIND_VERTEX, 64, 1));
		seen.ids[2] = ctx->gpu_resource(app_res(FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_Z24S8,
		    FOMOS_GPU_BIND_DEPTH, 64, 64));
		s[10] = ctx->gpu_show(seen.ids[1]);
		s[11] = ctx->gpu_show(seen.ids[2]);
	}
	s[n] = ctx->gpu_show(seen.ids[0]);
	return 0;
}

void
gpu_show_reads_back_once_the_gpu_is_done_and_counts_frames(void)
{
	struct app *a;

	gpu_reset(1, &fake_gpu);
	for (int i = 0; i < 300 * 300; i++)
		gpu.pixels[i] = 0x00102030u + (uint32_t)(i % 300);
	fake_app("show", "show", app_show, NULL);
	CHECK(fake_start("show", "") > 0);
	a = exec_apps;
	fake_round();
	CHECK_EQ_U64(seen.r[10], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* a buffer */
	CHECK_EQ_U64(seen.r[11], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* a depth buffer */
	CHECK_EQ_U64(seen.r[0], 0);		/* the read started, nothing shown yet */
	CHECK_EQ_U64(gpu.reads, 1);
	CHECK_EQ_U64(gpu.read_w, FAKE_SCREEN_W);	/* the window's size, not the target's */
	CHECK_EQ_U64(gpu.read_h, FAKE_SCREEN_H);
	fake_round();
	CHECK_EQ_U64(seen.r[1], (uint64_t)(int64_t)FOMOS_E_AGAIN);	/* still on its way */
	CHECK_EQ_U64(gpu.reads, 1);
	gpu.read_ready = 1;
	fake_round();
	CHECK_EQ_U64(seen.r[2], 2);		/* the first, and this call's own at once */
	CHECK_EQ_U64(gpu.reads, 2);
	/* BGRX: the pixels with alpha 0xFF, row by row at the surface's stride. */
	CHECK_EQ_U64(a->ctx.fb.pixels[0], 0xff102030u);
	CHECK_EQ_U64(a->ctx.fb.pixels[FAKE_SCREEN_W - 1], 0xff102030u + FAKE_SCREEN_W - 1);
	CHECK_EQ_U64(a->ctx.fb.pixels[(FAKE_SCREEN_H - 1) * FAKE_SCREEN_W + 5], 0xff102035u);
	fake_round();
	CHECK_EQ_U64(seen.r[3], 3);
	fake_done();
	CHECK_EQ_U64(gpu.live_res, 0);
}

static int app_crash(struct fomos_ctx *ctx)
{
	ctx->gpu_open();
	ctx->gpu_resource(app_rt(32, 32));
	ctx->gpu_resource(app_rt(32, 32));
	fake_fault(14, 2, 16);
	return 0;
}

void
gpu_an_app_that_faults_loses_its_context_and_resources(void)
{
	gpu_reset(1, &fake_gpu);
	fake_app("crash", "crash", app_crash, NULL);
	CHECK(fake_start("crash", "") > 0);
	fake_round();
	CHECK_EQ_U64(gpu.n_created, 1);
	CHECK_EQ_U64(gpu.n_destroyed, 1);
	CHECK_EQ_U64(gpu.live_res, 0);
	CHECK_EQ_U64(exec_running(), 0);
	fake_done();
}

/* A resumed app (its record says so) finds its old ids gone. */
static int app_resumed(struct fomos_ctx *ctx)
{
	uint32_t *cmds = (uint32_t *)(fake_current()->stack_top - 256);

	fake_current()->gpu_resumed = 1;
	seen.r[0] = ctx->gpu_submit(cmds, 1);
	seen.r[1] = ctx->gpu_show(RES_BASE);
	seen.r[2] = ctx->gpu_free(RES_BASE);
	seen.r[3] = ctx->gpu_resource(app_rt(8, 8));
	seen.r[4] = ctx->gpu_open();
	seen.r[5] = ctx->gpu_resource(app_rt(8, 8));
	return -1;
}

void
gpu_a_resumed_app_gets_gone_until_it_opens_again(void)
{
	gpu_reset(1, &fake_gpu);
	fake_app("resumed", "resumed", app_resumed, NULL);
	CHECK(fake_start("resumed", "") > 0);
	fake_round();
	for (int i = 0; i < 4; i++)
		CHECK_EQ_U64(seen.r[i], (uint64_t)(int64_t)FOMOS_E_GONE);
	CHECK_EQ_U64(seen.r[4], 0);
	CHECK(seen.r[5] >= RES_BASE);
	fake_done();
}
