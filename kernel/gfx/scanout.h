/*
 * The display on a virtio GPU: once the driver has its own scan-out, the
 * compositor's frames go there instead of to the firmware's framebuffer,
 * the pointer becomes the GPU's hardware cursor, and the screen follows
 * the host's window (display events) and the `resolution` command.
 * Kernel-only: the glue between gfx/display.c and drivers/virtio_gpu.c.
 * Without a virtio GPU nothing changes: the GOP framebuffer stays.
 */
#ifndef SCANOUT_H
#define SCANOUT_H

#include <stdint.h>

/* Called after a mode change with the new size, to tell those above the
 * display (the executor, the input hub). */
typedef void scanout_resized_fn(uint32_t width, uint32_t height);

/* Takes the display over if a virtio GPU is up.  boot_frame: the frame the
 * display composed in until now (freed if replaced).  1 if it did. */
int scanout_init(uint32_t *boot_frame, scanout_resized_fn *resized);
int scanout_active(void);
/* A display event (the host's window changed size): the new mode. */
void scanout_poll(void);
/* Switches to w x h: 0, or -1 with a reason in *why. */
int scanout_set_mode(uint32_t w, uint32_t h, const char **why);
/* For the benchmark, which switches between this and the firmware's
 * framebuffer: the output the display has on the GPU, and its frame. */
struct display_out;
void scanout_output(struct display_out *out);
uint32_t *scanout_frame(void);
/* The `resolution` command's text: the current mode and the EDID's. */
uint32_t scanout_describe(char *buf, uint32_t len);

#endif
