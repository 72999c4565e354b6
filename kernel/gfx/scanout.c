/*
 * See scanout.h.  The compositor composes straight into the scan-out's
 * memory; a mode change makes a new scan-out, lays the console out again,
 * and tells the executor and the input hub, which tell the apps.
 */
#include "console.h"
#include "display.h"
#include "fmt.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "scanout.h"
#include "timer.h"
#include "virtio_gpu.h"

#define SCANOUT_POLL_NS	20000000ull	/* how often the host's display is looked at: 20 ms */

/* The mode is the display's (display_width/height) and the frame the
 * scan-out's own pixels (vgpu_pixels): nothing of them is kept here. */
static struct {
	int active;
	uint32_t *boot_frame;		/* what the display had before, until freed */
	scanout_resized_fn *resized;
} so;

static void scanout_present(struct compose_rect r)
{
	vgpu_flush((uint32_t)r.x0, (uint32_t)r.y0, (uint32_t)(r.x1 - r.x0), (uint32_t)(r.y1 - r.y0));
}

static int scanout_cursor_image(const uint32_t *px, uint32_t w, uint32_t h, uint32_t stride)
{
	return vgpu_cursor_image(px, w, h, stride, 0, 0);
}

void scanout_output(struct display_out *out)
{
	*out = (struct display_out){ 0 };
	out->pixels = vgpu_pixels(&out->width, &out->height, &out->stride);
	out->present = scanout_present;
	if (vgpu_has_cursor()) {
		out->cursor_image = scanout_cursor_image;
		out->cursor_move = vgpu_cursor_move;
	}
}

uint32_t *scanout_frame(void)
{
	uint32_t w, h, stride;

	return vgpu_pixels(&w, &h, &stride);
}

/* The display onto the GPU's current scan-out.  The compositor composes
 * straight into the scan-out's memory (0xAARRGGBB words are B8G8R8X8 bytes
 * to the GPU): no second copy of a frame. */
static void scanout_attach(void)
{
	struct display_out out;

	scanout_output(&out);
	display_set_output(&out, out.pixels);
	kfree(so.boot_frame);	/* the frame the firmware's framebuffer had (once) */
	so.boot_frame = NULL;
}

int scanout_init(uint32_t *boot_frame, scanout_resized_fn *resized)
{
	uint32_t w0 = display_width(), h0 = display_height();

	if (!vgpu_present() || !display_ready())
		return 0;
	so.boot_frame = boot_frame;
	so.resized = resized;
	scanout_attach();
	so.active = 1;
	if (display_width() != w0 || display_height() != h0)
		console_resize();
	klog("display: virtio-gpu scan-out %ux%u, %s cursor, damage-only transfers\n", display_width(),
	    display_height(), vgpu_has_cursor() ? "hardware" : "composed");
	return 1;
}

int scanout_active(void)
{
	return so.active;
}

int scanout_set_mode(uint32_t w, uint32_t h, const char **why)
{
	if (!so.active) {
		*why = "the display is the firmware's framebuffer (no virtio GPU): its size is fixed";
		return -1;
	}
	if (w < 320 || h < 200 || w > VGPU_MAX_SIDE || h > VGPU_MAX_SIDE) {
		*why = "sizes go from 320x200 to 8192x8192";
		return -1;
	}
	if (w == display_width() && h == display_height())
		return 0;
	if (vgpu_set_mode(w, h) < 0) {
		*why = "the GPU refused it, or there is no memory for it";
		return -1;
	}
	scanout_attach();
	console_resize();
	klog("display: %ux%u\n", w, h);
	if (so.resized)
		so.resized(w, h);
	return 0;
}

void scanout_poll(void)
{
	static uint64_t next_ns;
	uint32_t w, h;
	const char *why;

	/* A display event is a bit in the device's configuration: looked at
	 * every SCANOUT_POLL_NS (each look is an exit to the host). */
	if (!so.active || timer_ns() < next_ns)
		return;
	next_ns = timer_ns() + SCANOUT_POLL_NS;
	if (!vgpu_display_changed(&w, &h))
		return;
	klog("display: the host's display is now %ux%u\n", w, h);
	if (scanout_set_mode(w, h, &why) < 0)
		klog("display: staying at %ux%u: %s\n", display_width(), display_height(), why);
}

uint32_t scanout_describe(char *buf, uint32_t len)
{
	struct vgpu_mode modes[VGPU_MAX_MODES], pref;
	uint32_t n, i, at;

	if (!so.active)
		return (uint32_t)fmt_snprintf(buf, len, "%ux%u, the firmware's framebuffer (GOP): fixed\n",
		    display_width(), display_height());
	n = vgpu_modes(modes, VGPU_MAX_MODES, &pref);
	at = (uint32_t)fmt_snprintf(buf, len, "%ux%u on virtio-gpu; the host's window: %ux%u\n",
	    display_width(), display_height(), pref.width, pref.height);
	if (!n && at < len)
		at += (uint32_t)fmt_snprintf(buf + at, len - at, "no EDID: any size from 320x200 works\n");
	else if (at < len)
		at += (uint32_t)fmt_snprintf(buf + at, len - at, "modes (EDID):");
	for (i = 0; i < n && at < len; i++)
		at += (uint32_t)fmt_snprintf(buf + at, len - at, "%s%ux%u%s", i % 8 ? " " : "\n  ",
		    modes[i].width, modes[i].height,
		    modes[i].width == display_width() && modes[i].height == display_height() ? "*" : "");
	if (n && at < len)
		at += (uint32_t)fmt_snprintf(buf + at, len - at, "\n'resolution WxH' switches (any size works)\n");
	return MIN(at, len ? len - 1 : 0);
}
