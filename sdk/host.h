/*
 * fomos-host: the same app files, run on Linux.  The modules of the host
 * program, each a Linux stand-in for a part of the kernel:
 *
 *   host_exec.c    kernel/exec.c: homes, loading, contexts, the round
 *   host_input.c   kernel/inputhub.c: the struct fomos_input apps read
 *   host_window.c  the display and the virtio-input devices: an SDL2 window
 *   host_png.c     a screenshot, as QEMU's screendump gives one
 *
 * The app-file checks, relocation, arena heap, init options, compositor,
 * keyboard layout, serial-line decoder and input ring are not stand-ins:
 * they are kernel/'s own pure modules, compiled into this program.
 *
 * Everything runs on one thread, as in the kernel: the main loop polls the
 * window, then calls every app that is due.
 */
#ifndef HOST_H
#define HOST_H

#include <stdint.h>
#include "compose.h"
#include "fomos.h"
#include "initfile.h"

#define HOST_BACKGROUND		0xff1d2330u	/* the kernel console's background */

/* --- host_exec.c --------------------------------------------------------------- */

/* Once, before any app starts: the screen every surface covers (0 x 0 for
 * none) and the input every context points at.  Returns 0, or -1 after a
 * message. */
int host_exec_init(uint32_t width, uint32_t height, const struct fomos_input *input);
/* Monotonic nanoseconds since host_exec_init: the apps' time_ns. */
uint64_t host_time_ns(void);
/* Loads and starts an app from its file, which must stay as it is for as
 * long as the app may be restarted (the `restart` option).  Returns its
 * pid, or -1 after one line on stderr naming the file and the reason. */
int64_t host_exec_start(const char *file_name, const uint8_t *file, uint64_t size,
    const struct app_opts *opts);
/* One pass over the apps, as exec_round: every app that is due is called
 * once, in start order.  Returns how many were called; *next_wake_ns is the
 * earliest time_ns at which a sleeping app is due (UINT64_MAX if none). */
uint32_t host_exec_round(uint64_t *next_wake_ns);
uint32_t host_exec_running(void);
/* The surfaces of the running apps, bottom (first started) first. */
uint32_t host_exec_layers(const struct compose_layer **out, uint32_t max);

/* --- host_input.c ---------------------------------------------------------------- */

/* layout: enum keymap_layout (kernel/keymap.h), for keys from the window. */
void host_input_init(uint32_t width, uint32_t height, uint32_t layout);
const struct fomos_input *host_input_shared(void);
/* A keyboard key (evdev code; value 1 press, 0 release, 2 repeat) or a
 * pointer button (FOMOS_BTN_*), as from a virtio keyboard: the text comes
 * from the keyboard layout. */
void host_input_key(uint32_t code, int32_t value);
void host_input_warp(int32_t x, int32_t y);	/* absolute, like a tablet */
void host_input_wheel(int32_t clicks);
/* Bytes typed as on the serial line (UTF-8, "\n" is Enter, ESC sequences
 * are the editing keys): serin.c turns them into key events. */
void host_input_type(const char *bytes, uint64_t len);

/* --- host_window.c --------------------------------------------------------------- */

/* Opens a window of the screen's size.  Returns 0, or -1 after a message. */
int host_window_open(uint32_t width, uint32_t height);
/* Hands every pending window event to host_input.  Returns 1 once the
 * window was closed, else 0. */
int host_window_poll(void);
/* Waits for a window event or until time_ns `until`, whichever is first. */
void host_window_wait(uint64_t until);
void host_window_show(const uint32_t *frame);	/* width x height, 0xAARRGGBB */
void host_window_close(void);

/* --- host_png.c ------------------------------------------------------------------ */

/* Writes pixels (0xAARRGGBB, alpha ignored) as an 8-bit RGB PNG.  Returns
 * 0, or -1 with errno set. */
int host_png_write(const char *path, const uint32_t *pixels, uint32_t width, uint32_t height);

#endif
