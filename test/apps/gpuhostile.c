/*
 * gpuhostile: every 3D service of the context handed what a hostile app
 * would hand it (test/host/test_host_gpu.py).  Each answer is checked here
 * and logged "gpuhostile: ok WHAT" or "gpuhostile: WRONG WHAT: got N, want
 * M"; streams the GPU's host side judges (others' ids, garbage) are logged
 * "gpuhostile: stream WHAT -> N" and may only answer 0 or FOMOS_E_GONE.
 * Nothing here may hurt the kernel or another app: a cube drawing beside
 * it must go on drawing.  It ends with "gpuhostile: done, N wrong".
 */
#include <fomos.h>
#include <stdio.h>
#include <string.h>

#define KERNEL	0x4000000ull	/* the kernel's image (build.ninja's link_base) */
#define WRAP	0xffffffffffffff00ull

static uint32_t big[FOMOS_GPU_SUBMIT_MAX / 4 + 16];
static int wrong;

static void expect(const char *what, int64_t got, int64_t want)
{
	if (got == want) {
		printf("gpuhostile: ok %s\n", what);
	} else {
		printf("gpuhostile: WRONG %s: got %lld, want %lld\n", what, (long long)got, (long long)want);
		wrong++;
	}
}

/* A stream only the GPU's host side can judge: it may take it (0) or
 * lose this app's context (FOMOS_E_GONE), nothing else. */
static void stream(struct fomos_ctx *ctx, const char *what, const uint32_t *cmds, uint32_t n)
{
	int32_t r = ctx->gpu_submit(cmds, n);

	printf("gpuhostile: stream %s -> %d\n", what, r);
	if (r != 0 && r != FOMOS_E_GONE)
		wrong++;
}

static int32_t res(struct fomos_ctx *ctx, uint32_t target, uint32_t format, uint32_t bind, uint32_t w, uint32_t h)
{
	struct fomos_gpu_res r = { target, format, bind, w, h, { 0, 0, 0 } };

	return ctx->gpu_resource(&r);
}

static void sizes_and_pointers(struct fomos_ctx *ctx)
{
	struct fomos_gpu_res r = { FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRX, FOMOS_GPU_BIND_RENDER, 64, 64,
	    { 0, 0, 7 } };

	expect("resource NULL", ctx->gpu_resource(NULL), FOMOS_E_BADARG);
	expect("resource in the kernel", ctx->gpu_resource((void *)KERNEL), FOMOS_E_BADARG);
	expect("resource wrapping", ctx->gpu_resource((void *)WRAP), FOMOS_E_BADARG);
	expect("resource reserved set", ctx->gpu_resource(&r), FOMOS_E_BADARG);
	expect("texture 5000x5000", res(ctx, FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA,
	    FOMOS_GPU_BIND_RENDER, 5000, 5000), FOMOS_E_BADARG);
	expect("texture 4096x4097", res(ctx, FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA,
	    FOMOS_GPU_BIND_SAMPLER, 4096, 4097), FOMOS_E_BADARG);
	expect("texture 0 wide", res(ctx, FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA,
	    FOMOS_GPU_BIND_SAMPLER, 0, 16), FOMOS_E_BADARG);
	expect("buffer 64 MiB + 1", res(ctx, FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8,
	    FOMOS_GPU_BIND_VERTEX, (64u << 20) + 1, 1), FOMOS_E_BADARG);
	expect("unknown format", res(ctx, FOMOS_GPU_TEXTURE_2D, 300, FOMOS_GPU_BIND_SAMPLER, 16, 16), FOMOS_E_BADARG);
	expect("unknown target", res(ctx, 9, FOMOS_GPU_FORMAT_BGRA, FOMOS_GPU_BIND_SAMPLER, 16, 16), FOMOS_E_BADARG);
	expect("scan-out bind", res(ctx, FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA, 1u << 18, 16, 16),
	    FOMOS_E_BADARG);
	expect("submit NULL", ctx->gpu_submit(NULL, 4), FOMOS_E_BADARG);
	expect("submit the kernel", ctx->gpu_submit((void *)KERNEL, 4), FOMOS_E_BADARG);
	expect("submit wrapping", ctx->gpu_submit((void *)WRAP, 0x100), FOMOS_E_BADARG);
	expect("submit 0 dwords", ctx->gpu_submit(big, 0), FOMOS_E_BADARG);
	expect("submit over the most", ctx->gpu_submit(big, FOMOS_GPU_SUBMIT_MAX / 4 + 1), FOMOS_E_BADARG);
	expect("submit 2^32 - 1 dwords", ctx->gpu_submit(big, 0xffffffffu), FOMOS_E_BADARG);
}

static void ids_and_quota(struct fomos_ctx *ctx)
{
	int32_t ids[33], i, n = 0, rt, buf;

	expect("free 0", ctx->gpu_free(0), FOMOS_E_GONE);
	expect("free -1", ctx->gpu_free(-1), FOMOS_E_GONE);
	expect("free a huge id", ctx->gpu_free(0x7fffffff), FOMOS_E_GONE);
	expect("free a random id", ctx->gpu_free(0x13572468), FOMOS_E_GONE);
	expect("free id 1 (another app's)", ctx->gpu_free(1), FOMOS_E_GONE);
	expect("show id 1 (another app's)", ctx->gpu_show(1), FOMOS_E_GONE);
	expect("show 0", ctx->gpu_show(0), FOMOS_E_GONE);
	for (i = 0; i < 33; i++)
		if ((ids[i] = res(ctx, FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8, FOMOS_GPU_BIND_VERTEX, 64, 1)) > 0)
			n++;
	expect("32 resources, not 33", n, 32);
	expect("the 33rd", ids[32], FOMOS_E_NOMEM);
	expect("show a buffer", ctx->gpu_show(ids[0]), FOMOS_E_BADARG);
	for (i = 0; i < 32; i++)
		if (ids[i] > 0)
			ctx->gpu_free(ids[i]);
	expect("free twice", ctx->gpu_free(ids[0]), FOMOS_E_GONE);
	rt = res(ctx, FOMOS_GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRX, FOMOS_GPU_BIND_RENDER, 64, 64);
	buf = res(ctx, FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8, FOMOS_GPU_BIND_VERTEX, 256, 1);
	expect("a fresh id, not a freed one", rt > ids[31], 1);
	(void)buf;
}

/* Streams that name what is not ours, and garbage. */
static void streams(struct fomos_ctx *ctx)
{
	uint32_t s[64], x = 12345, i;

	/* A surface on resource 1 (the cube's render target, if it started
	 * first), then an inline write into resources 1..4. */
	s[0] = 1 | 8u << 8 | 5u << 16;
	s[1] = 77; s[2] = 1; s[3] = 2; s[4] = 0; s[5] = 0;
	stream(ctx, "surface on another app's resource", s, 6);
	for (i = 1; i <= 4; i++) {
		s[0] = 9 | 12u << 16;
		s[1] = i; s[2] = 0; s[3] = 0; s[4] = 0; s[5] = 0; s[6] = 0; s[7] = 0; s[8] = 0;
		s[9] = 4; s[10] = 1; s[11] = 1; s[12] = 0xdeadbeef;
		stream(ctx, "inline write into another app's resource", s, 13);
	}
	s[0] = 7 | 0xffffu << 16;			/* a clear whose length runs past the end */
	stream(ctx, "a length past the end", s, 2);
	for (i = 0; i < 64; i++) {
		x = x * 1103515245u + 12345u;
		s[i] = x;
	}
	stream(ctx, "random dwords", s, 64);
	for (i = 0; i < FOMOS_GPU_SUBMIT_MAX / 4; i++)
		big[i] = 0;				/* NOPs: the most a stream may be */
	stream(ctx, "the longest stream, all NOP", big, FOMOS_GPU_SUBMIT_MAX / 4);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	int32_t r;

	if (ctx->version < 6)
		return -2;
	expect("resource before gpu_open", res(ctx, FOMOS_GPU_BUFFER, FOMOS_GPU_FORMAT_R8,
	    FOMOS_GPU_BIND_VERTEX, 64, 1), FOMOS_E_NOTSUP);
	r = ctx->gpu_open();
	if (r == FOMOS_E_NOTSUP) {
		printf("gpuhostile: no 3D here\n");
		expect("submit without a GPU", ctx->gpu_submit(big, 4), FOMOS_E_NOTSUP);
		printf("gpuhostile: done, %d wrong\n", wrong);
		return -1;
	}
	expect("gpu_open", r, 0);
	expect("gpu_open again", ctx->gpu_open(), 0);
	sizes_and_pointers(ctx);
	ids_and_quota(ctx);
	streams(ctx);
	printf("gpuhostile: done, %d wrong\n", wrong);
	return -1;
}
