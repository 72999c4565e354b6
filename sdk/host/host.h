/*
 * fomos-host: the same app files, run on Linux by the kernel's own executor
 * core (kernel/exec/exec.c and exec_files.c), its command table
 * (kernel/shell/commands.c), input hub, terminal, display and compositor.
 * What is the host's own is the platform under them:
 *
 *   fomos-host.c   the options and the loop (kernel/main.c's part)
 *   host_plat.c    kernel/exec/exec_plat.h on Linux: homes by mmap, faults
 *                  and the budget by signals, app files from a folder
 *   host_cmds.c    the commands only the host answers its own way: mem, time
 *   host_files.c   the boot disk's /fomos/data/ as a folder (kernel/fs/fsops.h)
 *   host_window.c  an SDL2 window: shows the screen, feeds the input hub
 *   host_png.c     a screenshot, as QEMU's screendump gives one
 *   host_gpu.c     3D: apps' virgl streams through libvirglrenderer
 *
 * Everything runs on one thread, as in the kernel.
 */
#ifndef HOST_H
#define HOST_H

#include <stddef.h>
#include <stdint.h>
#include "fsops.h"

#define HOST_BACKGROUND		0xff1d2330u	/* the kernel console's background */

/* --- host_plat.c ------------------------------------------------------------------ */

/* Once, before any app starts (and after the window opened: its code is
 * the host's own).  Returns 0, or -1 with errno set. */
int host_plat_init(void);
/* Where `run NAME` finds NAME.app. */
void host_set_apps_dir(const char *dir);
/* Reads an app file, kept for good (restarts reload it).  0, or a
 * FOMOS_E_* with a message for the user in why. */
int host_read_app(const char *path, const uint8_t **data, uint64_t *size, char *why, size_t why_len);

/* --- host_window.c ------------------------------------------------------------------ */

/* Opens a window of the screen's size.  Returns 0, or -1 after a message. */
int host_window_open(uint32_t width, uint32_t height);
/* Hands every pending window event to the input hub.  Returns 1 once the
 * window was closed, else 0. */
int host_window_poll(void);
/* Waits for a window event or until plat_now_ns() `until`, whichever is first. */
void host_window_wait(uint64_t until);
void host_window_show(const uint32_t *frame);	/* width x height, 0xAARRGGBB */
void host_window_close(void);

/* --- host_files.c ------------------------------------------------------------------- */

/* The folder that stands for /fomos/data (created when first written). */
void host_files_init(const char *data_dir);
const struct fs_ops *host_files_fs(void);

/* host_net.c: apps' sockets over Linux's (netops.h). */
struct net_ops;
extern const struct net_ops host_net_ops;
int host_net_open(void);		/* any socket open */
/* Sleeps up to ns, less if a socket becomes ready (its app is woken). */
void host_net_wait(uint64_t ns);

/* host_gpu.c: 3D over libvirglrenderer (gpuops.h), started at the first
 * gpu_open. */
struct gpu_ops;
extern const struct gpu_ops host_gpu_ops;
uint32_t host_gpu_resources(void);	/* resources alive, every app's */

/* --- host_png.c --------------------------------------------------------------------- */

/* Writes pixels (0xAARRGGBB, alpha ignored) as an 8-bit RGB PNG.  Returns
 * 0, or -1 with errno set. */
int host_png_write(const char *path, const uint32_t *pixels, uint32_t width, uint32_t height);

#endif
