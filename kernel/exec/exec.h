/*
 * The app executor: loading apps into their homes (home.h), building their
 * contexts, every service the context offers, and the round that calls
 * them.  Portable: the kernel, fomos-host and the unit tests build the same
 * core (exec.c, exec_files.c) over a platform of their own (exec_plat.h).
 *
 * The caller's loop, once set up (exec_init, exec_set_fs, exec_set_system):
 *
 *	exec_clicks();			after the input devices were polled
 *	exec_round(&next_wake);		every app that is due, once
 *	exec_files_poll(budget);	the apps' file requests, in slices
 *	exec_frame(); display_flush();	at the display's rate
 *	sleep until next_wake or an interrupt, if nobody was called
 */
#ifndef EXEC_H
#define EXEC_H

#include <stdint.h>
#include "fomos.h"
#include "fsops.h"
#include "home.h"
#include "initfile.h"

#define EXEC_CTX_VERSION	FOMOS_CTX_VERSION	/* the context this executor fills: all of fomos.h */
#define EXEC_ENDED_KEEP		32	/* ended apps `ps` still shows, the latest */
#define EXEC_REASON_MAX		112

enum app_state { APP_RUNNING = 1, APP_ENDED };
enum app_end { APP_END_EXIT = 1, APP_END_KILLED, APP_END_FAULT, APP_END_BUDGET, APP_END_MISUSE };

/* What `ps` shows of an app. */
struct exec_info {
	uint64_t pid;
	char name[APP_NAME_MAX];
	uint32_t state;		/* enum app_state */
	int32_t exit_code;
	uint64_t calls;
	uint64_t cpu_ns;
	uint64_t mem_bytes;	/* image + surface + arena + stack mapped; 0 once ended */
	char reason[EXEC_REASON_MAX];	/* why it ended: "exit code -3", "page fault writing 0x0 at x.app+0x1012" */
	char shares[96];		/* running: "provides clipboard, uses notify" */
};

/* ctx->system(): runs one command line (NUL-terminated, the executor's own
 * copy, which it may change) for app `caller`, which has the `admin`
 * option or not, its answer into out (NUL-terminated, cut to cap).
 * Returns the answer's full length, -1 for an unknown command, -2 for one
 * the caller may not use. */
typedef int64_t exec_system_fn(char *line, char *out, uint32_t cap, uint64_t caller, int admin);

/* Once, before any app starts: the screen every surface covers (0 x 0:
 * no display, apps get no surface). */
void exec_init(uint32_t screen_w, uint32_t screen_h);
/* The screen is now w x h (a mode change): see exec.c. */
void exec_set_screen(uint32_t w, uint32_t h);
/* The file system behind ctx->file (NULL: none, FOMOS_E_NODISK). */
void exec_set_fs(const struct fs_ops *fs);
/* The network behind ctx->net_* (NULL: none, FOMOS_E_NONET). */
struct net_ops;
void exec_set_net(const struct net_ops *ops);
/* The GPU behind ctx->gpu_* (gfx/gpuops.h; never set: every gpu_* call
 * answers FOMOS_E_NOTSUP). */
struct gpu_ops;
void exec_set_gpu(const struct gpu_ops *ops);
/* ctx->args of app pid, which has not been called yet: 0, or -1. */
int exec_set_args(uint64_t pid, const char *args);
/* Who answers ctx->system(): the shell's command table. */
void exec_set_system(exec_system_fn *fn);

/* Loads and starts an app from its file; path names it (its folder,
 * /fomos/data/NAME/, is its base name less ".app").  Returns its pid, or -1
 * with the reason in exec_last_error() (nothing logged). */
int64_t exec_start(const char *path, const uint8_t *file, uint64_t size, const struct app_opts *opts);
/* Starts app NAME (plat_app_file).  Returns its pid, or -1 after a log
 * line saying why. */
int64_t exec_run_name(const char *name, const struct app_opts *opts);
const char *exec_last_error(void);
int exec_kill(uint64_t pid);		/* 0, or -1 if no such running app */
void exec_kill_all(void);
void exec_set_quiet(int quiet);		/* no per-app start/end lines (the benchmark starts thousands) */
/* On by default: apps run on their own stacks under the time budget.  Off
 * only for the benchmark's comparison. */
void exec_set_protection(int on);

/* One pass over the apps: every app that is due is called once, in start
 * order.  Returns how many were called; *next_wake_ns is the earliest
 * plat_now_ns() at which a sleeping app is due (UINT64_MAX if none). */
uint32_t exec_round(uint64_t *next_wake_ns);
/* A left click since the last look gives the focus to the window under
 * the pointer and raises it. */
void exec_clicks(void);
/* The pages each app that never calls ctx->damage() wrote in its surface
 * since the last frame become damage on the display. */
void exec_frame(void);
/* Does queued file requests, one slice (64 KiB of disk work) after
 * another, for at most budget_ns. */
void exec_files_poll(uint64_t budget_ns);
uint32_t exec_files_pending(void);

uint32_t exec_running(void);
uint64_t exec_running_bytes(void);	/* memory the running apps hold */
/* The running apps in start order, then the EXEC_ENDED_KEEP most recently
 * ended, oldest first.  Returns how many it wrote. */
uint32_t exec_list(struct exec_info *out, uint32_t max);
/* The running apps' start() addresses, for the benchmark's baseline. */
uint32_t exec_entry_points(void **out, uint32_t max);
uint64_t exec_focus_pid(void);
/* The services published now, a table for the `services` command: the
 * answer's length (cut to cap, NUL terminated). */
uint32_t exec_services_list(char *out, uint32_t cap);
void exec_set_focus(uint64_t pid);

#endif
