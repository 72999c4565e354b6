/*
 * 3D as the executor sees it: one GPU context per app, its resources, its
 * command streams, reading a render target back.  Portable: the executor
 * core (exec/exec_gpu.c) checks every argument an app gives, numbers and
 * keeps each app's resources, and ends or refuses what is wrong; the
 * platform talks to the GPU behind this table:
 *
 *   gfx/gpu3d.c              the kernel: virtio-gpu's 3D commands (virgl)
 *   sdk/host/host_gpu.c      fomos-host: libvirglrenderer in-process
 *
 * Ids are the core's: ctx is an app's context number (1.., never reused
 * within a boot), res a resource id unique across all apps (1..; the
 * platform's own ids, such as the kernel's scan-out, are kept out of the
 * core's range by gpu_ops.res_base).  Every function returns at once.
 */
#ifndef GPUOPS_H
#define GPUOPS_H

#include <stdint.h>
#include "fomos.h"

struct gpu_ops {
	/* Resource ids the core hands out start here (the platform's own
	 * resources sit below it). */
	uint32_t res_base;
	/* 0, or FOMOS_E_NOMEM / FOMOS_E_NOTSUP. */
	int32_t (*ctx_create)(uint32_t ctx, const char *name);
	/* Destroys the context and every resource still attached to it. */
	void (*ctx_destroy)(uint32_t ctx);
	/* Creates res (already checked: target, format, bind and size are
	 * within what fomos.h allows) and attaches it to ctx.  backing: the
	 * resource gets guest memory its pixels can be read back into (the
	 * render targets an app may show).  0, or FOMOS_E_NOMEM. */
	int32_t (*res_create)(uint32_t ctx, uint32_t res, const struct fomos_gpu_res *r, int backing);
	void (*res_destroy)(uint32_t ctx, uint32_t res);
	/* Queues a command stream (dwords words; cmds is kernel memory, a copy
	 * the core made).  0, FOMOS_E_GONE if the context is known to be lost,
	 * FOMOS_E_AGAIN if the platform's queue is full (try later). */
	int32_t (*submit)(uint32_t ctx, const uint32_t *cmds, uint32_t dwords);
	/* Starts reading the top-left w x h of res (a backed 2D BGRA/BGRX
	 * resource) back into its memory, after everything submitted so far.
	 * 0, or FOMOS_E_AGAIN (a read of it is still on its way). */
	int32_t (*read_start)(uint32_t ctx, uint32_t res, uint32_t w, uint32_t h);
	/* NULL while the read is on its way; then the pixels, stride in
	 * pixels (0xAARRGGBB), valid until the next read_start or destroy. */
	const uint32_t *(*read_done)(uint32_t ctx, uint32_t res, uint32_t *stride);
};

#endif
