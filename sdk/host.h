/*
 * fomos-host: the same app files, run on Linux.  The modules of the host
 * program, each a Linux stand-in for a part of the kernel:
 *
 *   host_exec.c    kernel/exec.c: homes, loading, contexts, the round
 *   host_input.c   kernel/inputhub.c: the struct fomos_input apps read
 *   host_window.c  the display and the virtio-input devices: an SDL2 window
 *   host_png.c     a screenshot, as QEMU's screendump gives one
 *   host_files.c   the boot disk's /fomos/data/: a folder of the host
 *
 * The app-file checks, relocation, arena heap, init options, compositor,
 * window stack, keyboard layout, serial-line decoder, input ring and app
 * file paths are not stand-ins:
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
/* The windows of the running apps, bottom first (kernel/wm.c's order). */
uint32_t host_exec_layers(const struct compose_layer **out, uint32_t max);
/* The part of the screen that changed since the last call (windows moved,
 * stacked, damaged, or drawn by apps that never call damage()); empty if
 * none.  The whole screen at first. */
struct compose_rect host_exec_take_dirty(void);
/* Looks at the input that arrived since the last look: a left press gives
 * the focus to the window under the pointer and raises it. */
void host_exec_clicks(void);
/* Bytes as on the serial line: to the app that owns the terminal (its
 * term_read), or if none, typed on the keyboard (host_input_type). */
void host_exec_serial(const char *bytes, uint64_t len);

/* --- fomos-host.c -------------------------------------------------------------- */

/* `run NAME` (ctx->system): NAME.app from the apps folder.  Returns the
 * pid, or -1 after a message. */
int64_t host_run_name(const char *name, const struct app_opts *opts);

/* --- host_input.c ---------------------------------------------------------------- */

/* layout: enum keymap_layout (kernel/keymap.h), for keys from the window. */
void host_input_init(uint32_t width, uint32_t height, uint32_t layout);
const struct fomos_input *host_input_shared(void);
/* A keyboard key (evdev code; value 1 press, 0 release, 2 repeat) or a
 * pointer button (FOMOS_BTN_*), as from a virtio keyboard: the text comes
 * from the keyboard layout. */
void host_input_key(uint32_t code, int32_t value);
void host_input_warp(int32_t x, int32_t y);	/* absolute, like a tablet */
/* The app that has the keyboard focus (0: none): events from now on are
 * marked for it (event_pid[]). */
void host_input_focus(uint64_t pid);
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

/* --- host_files.c --------------------------------------------------------------- */

#define HOST_FILES_MAX		16			/* requests in flight per app, as the kernel */
#define HOST_FILE_MAX		(256ull << 20)		/* bytes one request may move */

/* The folder that stands for /fomos/data (created when first written). */
void host_files_init(const char *data_dir);
/* 0 if app `name` may use path `rel`, else FOMOS_E_PATH: kernel/fpath.c's
 * rule. */
int32_t host_files_check(const char *name, const char *rel);
/* Does one request of app `name` with the host's copy of its buffer (len
 * bytes, filled for a write, to fill for a read or a list).  Returns 0 or
 * a FOMOS_E_*; *done as the header says. */
int32_t host_files_do(const char *name, uint32_t op, const char *rel, uint8_t *buf,
    uint64_t offset, uint64_t len, uint64_t *done);

/* --- host_png.c ------------------------------------------------------------------ */

/* Writes pixels (0xAARRGGBB, alpha ignored) as an 8-bit RGB PNG.  Returns
 * 0, or -1 with errno set. */
int host_png_write(const char *path, const uint32_t *pixels, uint32_t width, uint32_t height);

#endif
