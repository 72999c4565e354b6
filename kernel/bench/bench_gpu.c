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

/* n frames, frame i drawn by step(i, arg) and shown: the mean ns per
 * frame until the host answered (the return value), and of the guest's own
 * work (compose, copy, queue the commands) in *cpu. */
static uint64_t bench_gpu_time(void (*step)(uint32_t i, void *arg), void *arg, uint32_t n, int gpu,
    uint64_t *cpu)
{
	uint64_t t0 = timer_ns(), work = 0, t;
	uint32_t i;

	for (i = 0; i < n; i++) {
		t = timer_ns();
		step(i, arg);
		display_flush();
		work += timer_ns() - t;
		if (gpu)
			vgpu_sync();
	}
	*cpu = work / n;
	return (timer_ns() - t0) / n;
}

static void bench_gpu_damage(uint32_t i, void *arg)
{
	display_damage(*(struct compose_rect *)arg);
}

/* The pointer's layer, a little further each time. */
static void bench_gpu_move(uint32_t i, void *arg)
{
	display_move(arg, (int32_t)(100 + i * 3), (int32_t)(100 + i * 2));
}

static uint64_t bench_gpu_frames(struct compose_rect r, int gpu, uint64_t *cpu)
{
	return bench_gpu_time(bench_gpu_damage, &r, BENCH_GPU_FRAMES, gpu, cpu);
}

static uint64_t bench_gpu_moves(struct compose_layer *arrow, int gpu, uint64_t *cpu)
{
	return bench_gpu_time(bench_gpu_move, arrow, BENCH_GPU_MOVES, gpu, cpu);
}

static void bench_us(char *buf, uint64_t ns)
{
	fmt_snprintf(buf, 16, "%llu.%llu", ns / 1000, ns / 100 % 10);
}

/* The three figures on the display's current output: a full frame, a
 * small one, the pointer moved (the GPU's cursor if it has one, else
 * composed), each into t[] (until answered) and cpu[] (the guest's work). */
static void bench_gpu_round(struct compose_layer *arrow, int gpu, uint64_t t[3], uint64_t cpu[3])
{
	uint32_t w = display_width(), h = display_height();

	t[0] = bench_gpu_frames((struct compose_rect){ 0, 0, (int32_t)w, (int32_t)h }, gpu, &cpu[0]);
	t[1] = bench_gpu_frames((struct compose_rect){ 200, 200, 200 + BENCH_SMALL, 200 + BENCH_SMALL },
	    gpu, &cpu[1]);
	display_add_layer_in(arrow, DISPLAY_BAND_TOP);
	display_set_cursor(arrow);
	display_flush();
	if (gpu)
		vgpu_sync();
	t[2] = bench_gpu_moves(arrow, gpu, &cpu[2]);
	display_set_cursor(NULL);
	display_remove_layer(arrow);
	display_flush();
	if (gpu)
		vgpu_sync();
}

void bench_display(const struct boot_fb *gop)
{
	static uint32_t arrow_px[16 * 24];
	struct compose_layer arrow = { arrow_px, 16, 24, 16, 100, 100, 0, { 0, 0, 16, 24 } };
	struct display_out gpu_out, fb_out;
	uint32_t w = display_width(), h = display_height(), i;
	uint64_t gpu_t[3], gpu_cpu[3], fb_t[3], fb_cpu[3];
	char f[9][16];

	if (!scanout_active() || gop->format != FB_BGRX || gop->width != w || gop->height != h) {
		klog("bench: display: no virtio-gpu scan-out the size of the firmware's framebuffer, skipped\n");
		return;
	}
	for (i = 0; i < ARRAY_LEN(arrow_px); i++)
		arrow_px[i] = i % 16 < i / 16 ? 0xffffffffu : 0;
	scanout_output(&gpu_out);
	fb_out = (struct display_out){ (uint32_t *)(uintptr_t)gop->base, w, h, gop->stride, FB_BGRX,
		NULL, NULL, NULL };

	bench_gpu_round(&arrow, 1, gpu_t, gpu_cpu);
	/* The same on the firmware's framebuffer (not shown any more: the
	 * GPU scans out its own resource), composed into the same frame; it
	 * has no hardware cursor, so the arrow is composed. */
	display_set_output(&fb_out, scanout_frame());
	bench_gpu_round(&arrow, 0, fb_t, fb_cpu);
	display_set_output(&gpu_out, scanout_frame());
	display_flush();
	vgpu_sync();

	/* On the framebuffer the work is all there is: fb_cpu is fb_t. */
	(void)fb_cpu;
	bench_us(f[0], gpu_t[0]);
	bench_us(f[1], fb_t[0]);
	bench_us(f[2], gpu_t[1]);
	bench_us(f[3], fb_t[1]);
	bench_us(f[4], gpu_t[2]);
	bench_us(f[5], fb_t[2]);
	bench_us(f[6], gpu_cpu[0]);
	bench_us(f[7], gpu_cpu[1]);
	bench_us(f[8], gpu_cpu[2]);
	klog("bench: display: %ux%u gpu_full_us=%s fb_full_us=%s gpu_small_us=%s fb_small_us=%s "
	    "hw_cursor_move_us=%s composed_cursor_move_us=%s gpu_full_cpu_us=%s gpu_small_cpu_us=%s "
	    "hw_cursor_cpu_us=%s\n", w, h, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
}
