/*
 * virtio-gpu (virtio 1.2, section 5.7): the display as a scan-out of a
 * resource in guest memory, the hardware cursor, the host's display events
 * and EDID, and, when the host offers VIRGL, 3D contexts that run virgl
 * command streams.  QEMU: -vga none -device virtio-vga (OVMF keeps its GOP
 * framebuffer on the VGA side until this driver sets a scan-out).
 *
 * Nothing here waits except vgpu_set_mode and what runs at boot (each wait
 * bounded): flushes, cursor moves and 3D commands are queued and finish in
 * the poll; a command's answer comes back through its callback.
 */
#ifndef VIRTIO_GPU_H
#define VIRTIO_GPU_H

#include <stdint.h>

#define VGPU_MAX_MODES	32
#define VGPU_CURSOR	64		/* the cursor image is 64 x 64 */
#define VGPU_MAX_SIDE	8192

struct vgpu_mode {
	uint32_t width, height;
};

/* 1 once a virtio GPU is up with a scan-out of its own. */
int vgpu_present(void);
/* The scan-out: its pixels (B8G8R8X8, 0x00RRGGBB words), size and stride in
 * pixels.  Written by the caller, then shown with vgpu_flush. */
uint32_t *vgpu_pixels(uint32_t *width, uint32_t *height, uint32_t *stride);
/* Sends rectangle (x, y, w, h) of the pixels to the host and shows it. */
void vgpu_flush(uint32_t x, uint32_t y, uint32_t w, uint32_t h);
/* A new scan-out of w x h (new memory; the old pixels are gone).  0, or -1
 * (a size out of range, no memory, or the host refused: the old mode
 * stays).  Waits for the host's answers (at most a second). */
int vgpu_set_mode(uint32_t w, uint32_t h);
/* The host's display changed size (QEMU's window was resized): 1 with its
 * new preferred size, once per change; 0 if nothing new. */
int vgpu_display_changed(uint32_t *w, uint32_t *h);
/* The modes the display's EDID lists, largest first, and the preferred one
 * (the host's current window).  Returns how many (0: no EDID). */
uint32_t vgpu_modes(struct vgpu_mode *out, uint32_t max, struct vgpu_mode *preferred);

/* The hardware cursor: an image of w x h (<= 64 x 64) 0xAARRGGBB pixels,
 * or NULL to hide it, with its hot spot; then moves.  Return 0, or -1 with
 * no cursor queue (the caller composes the pointer itself). */
int vgpu_cursor_image(const uint32_t *px, uint32_t w, uint32_t h, uint32_t stride,
    uint32_t hot_x, uint32_t hot_y);
void vgpu_cursor_move(int32_t x, int32_t y);
int vgpu_has_cursor(void);

/* Waits (at most a second) until the host answered every command sent:
 * what the benchmark times a frame to. */
void vgpu_sync(void);

/* Counters for `gpu` and the tests. */
struct vgpu_stats {
	uint64_t flushes, flushed_pixels, cursor_moves, cursor_images, errors;
	uint64_t submits, submitted_bytes, reads;
};
void vgpu_get_stats(struct vgpu_stats *s);
const char *vgpu_describe(char *buf, uint32_t len);

/* --- 3D (VIRTIO_GPU_F_VIRGL) ---------------------------------------------
 * Contexts and resources are numbered by the caller (gfx/gpu3d.c); ids
 * below VGPU_FIRST_ID are the driver's own (scan-outs, the cursor).  Every
 * call queues one command; done(arg, ok) runs from the poll when the host
 * answered (ok: its answer was OK).  They return 0, or -1 if the command
 * could not be queued (the queue is full: try later). */
#define VGPU_FIRST_ID	16

struct vgpu_res3d {
	uint32_t target, format, bind, width, height, depth, array_size, last_level, nr_samples, flags;
};

typedef void vgpu_done_fn(void *arg, int ok);

int vgpu_has_3d(void);
int vgpu_ctx_create(uint32_t ctx, const char *name);
int vgpu_ctx_destroy(uint32_t ctx);
/* Creates res, gives it guest memory [phys, phys+bytes) if bytes, and
 * attaches it to ctx. */
int vgpu_res_create(uint32_t ctx, uint32_t res, const struct vgpu_res3d *r, uint64_t phys, uint64_t bytes);
/* Detaches res from ctx and frees it on the host. */
int vgpu_res_destroy(uint32_t ctx, uint32_t res);
/* Runs bytes of commands at phys (DMA memory that stays untouched until
 * done runs). */
int vgpu_submit(uint32_t ctx, uint64_t phys, uint32_t bytes, vgpu_done_fn *done, void *arg);
/* Copies the top-left w x h of 2D resource res into its guest memory
 * (stride bytes per row), fenced: done runs once the pixels are there,
 * after every command submitted before. */
int vgpu_read_back(uint32_t ctx, uint32_t res, uint32_t w, uint32_t h, uint32_t stride,
    vgpu_done_fn *done, void *arg);

#endif
