/*
 * See bench_gpu.h.  A frame on the GPU is timed until the host answered
 * its transfer and flush (vgpu_sync), so the figure includes QEMU copying
 * the rectangle and showing it; a frame on the framebuffer is done when the
 * pixels are written.  The screen shows whatever the layers hold (the
 * kernel console at this point of the boot): a full frame damages all of
 * it, a small frame one 64x64 square.
 */
#include "bench_gpu.h"
#include "display.h"
#include "fmt.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "scanout.h"
#include "timer.h"
#include "virtio_gpu.h"

#define BENCH_GPU_FRAMES	30
#define BENCH_GPU_MOVES		200
#define BENCH_SMALL		64

/* Mean ns per frame: the guest's own work (compose, copy, queue the
 * commands) in *cpu, and until the host answered in the return value. */
static uint64_t bench_gpu_frames(struct compose_rect r, int gpu, uint64_t *cpu)
{
	uint64_t t0 = timer_ns(), work = 0, t;
	uint32_t i;

	for (i = 0; i < BENCH_GPU_FRAMES; i++) {
		t = timer_ns();
		display_damage(r);
		display_flush();
		work += timer_ns() - t;
		if (gpu)
			vgpu_sync();
	}
	*cpu = work / BENCH_GPU_FRAMES;
	return (timer_ns() - t0) / BENCH_GPU_FRAMES;
}

/* The pointer's layer moved BENCH_GPU_MOVES times, each move shown; as
 * bench_gpu_frames. */
static uint64_t bench_gpu_moves(struct compose_layer *arrow, int gpu, uint64_t *cpu)
{
	uint64_t t0 = timer_ns(), work = 0, t;
	uint32_t i;

	for (i = 0; i < BENCH_GPU_MOVES; i++) {
		t = timer_ns();
		display_move(arrow, (int32_t)(100 + i * 3), (int32_t)(100 + i * 2));
		display_flush();
		work += timer_ns() - t;
		if (gpu)
			vgpu_sync();
	}
	*cpu = work / BENCH_GPU_MOVES;
	return (timer_ns() - t0) / BENCH_GPU_MOVES;
}

static void bench_us(char *buf, uint64_t ns)
{
	fmt_snprintf(buf, 16, "%llu.%llu", ns / 1000, ns / 100 % 10);
}

void bench_display(const struct boot_fb *gop)
{
	static uint32_t arrow_px[16 * 24];
	struct compose_layer arrow = { arrow_px, 16, 24, 16, 100, 100, 0, { 0, 0, 16, 24 } };
	struct display_out gpu_out, fb_out = { 0 };
	uint32_t w = display_width(), h = display_height(), i;
	struct compose_rect full = { 0, 0, (int32_t)w, (int32_t)h };
	struct compose_rect small = { 200, 200, 200 + BENCH_SMALL, 200 + BENCH_SMALL };
	uint64_t gpu_full, gpu_small, fb_full, fb_small, hw_move, sw_move, cpu[6];
	char f[10][16];

	if (!scanout_active() || gop->format != FB_BGRX || gop->width != w || gop->height != h) {
		klog("bench: display: no virtio-gpu scan-out the size of the firmware's framebuffer, skipped\n");
		return;
	}
	for (i = 0; i < ARRAY_LEN(arrow_px); i++)
		arrow_px[i] = i % 16 < i / 16 ? 0xffffffffu : 0;
	scanout_output(&gpu_out);
	fb_out = (struct display_out){ (uint32_t *)(uintptr_t)gop->base, w, h, gop->stride, FB_BGRX,
		NULL, NULL, NULL };

	gpu_full = bench_gpu_frames(full, 1, &cpu[0]);
	gpu_small = bench_gpu_frames(small, 1, &cpu[2]);
	display_add_layer_in(&arrow, DISPLAY_BAND_TOP);
	display_set_cursor(&arrow);
	display_flush();
	vgpu_sync();
	hw_move = bench_gpu_moves(&arrow, 1, &cpu[4]);
	display_set_cursor(NULL);
	display_remove_layer(&arrow);

	/* The same on the firmware's framebuffer (not shown any more: the
	 * GPU scans out its own resource), composed into the same frame. */
	display_set_output(&fb_out, scanout_frame());
	display_flush();
	fb_full = bench_gpu_frames(full, 0, &cpu[1]);
	fb_small = bench_gpu_frames(small, 0, &cpu[3]);
	display_add_layer_in(&arrow, DISPLAY_BAND_TOP);
	display_set_cursor(&arrow);	/* no hardware cursor here: composed */
	display_flush();
	sw_move = bench_gpu_moves(&arrow, 0, &cpu[5]);
	display_set_cursor(NULL);
	display_remove_layer(&arrow);
	display_set_output(&gpu_out, scanout_frame());
	display_flush();
	vgpu_sync();

	bench_us(f[0], gpu_full);
	bench_us(f[1], fb_full);
	bench_us(f[2], gpu_small);
	bench_us(f[3], fb_small);
	bench_us(f[4], hw_move);
	bench_us(f[5], sw_move);
	bench_us(f[6], cpu[0]);
	bench_us(f[7], cpu[2]);
	bench_us(f[8], cpu[4]);
	(void)fb_full;	/* on the framebuffer the work is all there is: cpu[1], [3], [5] */
	klog("bench: display: %ux%u gpu_full_us=%s fb_full_us=%s gpu_small_us=%s fb_small_us=%s "
	    "hw_cursor_move_us=%s composed_cursor_move_us=%s gpu_full_cpu_us=%s gpu_small_cpu_us=%s "
	    "hw_cursor_cpu_us=%s\n", w, h, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
}
