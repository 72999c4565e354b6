/*
 * The executor's private parts, shared by kernel/exec.c (loading, calling)
 * and kernel/exec_snap.c (saving apps to disk and bringing them back).
 * Nothing else includes this.
 */
#ifndef EXEC_PRIV_H
#define EXEC_PRIV_H

#include <stdint.h>
#include "appmem.h"
#include "boot.h"
#include "compose.h"
#include "exec.h"
#include "fmt.h"
#include "fomos.h"
#include "initfile.h"

typedef int (FOMOS_CALL *app_entry_fn)(struct fomos_ctx *ctx);

struct app {
	/* Hot: what exec_round and exec_call touch, together at the front. */
	struct app *next;		/* start order */
	uint32_t state;			/* enum app_state */
	uint8_t doomed;			/* misused the context: end it after this call */
	uint8_t drew;			/* called since the last frame (v1: may have drawn) */
	uint8_t damages;		/* v2: says what it drew (ctx->damage); no dirty-bit scan */
	uint8_t kill_pending;		/* killed during its own call: end it when the call returns */
	uint64_t wake_tsc;		/* not called before this rdtsc value */
	app_entry_fn entry;
	uint64_t calls, cpu_tsc;
	struct fomos_ctx ctx;		/* the kernel's truth */
	struct fomos_ctx call;		/* the copy the app gets, rebuilt at every call */
	void *store;			/* *ctx->store */
	uint64_t stack_top;		/* the app's own stack, in its home */
	uint64_t budget_tsc;		/* longest call, in TSC ticks */

	uint64_t pid;
	char name[APP_NAME_MAX];
	uint32_t slot;
	int32_t exit_code;
	struct app_opts opts;
	uint64_t home;
	uint64_t image_bytes, surface_bytes;	/* mapped in the home */
	struct appmem mem;		/* its arena */
	struct compose_layer layer;	/* its surface on the display: its window */
	uint32_t win_flags;		/* FOMOS_WIN_* */
	const uint8_t *src;		/* the app file (efi/ keeps it for good), to start it again */
	uint64_t src_size;
	char src_path[BOOT_PATH_MAX];
	uint32_t restarts;		/* how many times `restart` brought it back */
	uint32_t ended_by;		/* enum app_end */
	char reason[112];		/* why it ended, for the log and ps */
};

/* Where a resumed app goes back to (exec_create). */
struct exec_resume {
	uint32_t slot;			/* its home */
	uint64_t pid;
	uint32_t fb_width, fb_height;	/* its surface's size; 0 x 0: the default */
};

extern struct app *exec_apps;		/* start order */

/* Loads the file into a home and builds its context, but does not start
 * it: the caller sets it APP_RUNNING (exec_start does, exec_snap.c after
 * putting the saved memory back).  r: NULL for a fresh app, else the home,
 * pid and surface size it must get.  NULL after an exec_fail() line. */
struct app *exec_create(const char *file_name, const uint8_t *file, uint64_t size,
    const struct app_opts *opts, const struct exec_resume *r);
void exec_destroy(struct app *a);	/* undoes exec_create for an app never started */
void exec_go(struct app *a);		/* APP_RUNNING, last in the start order */
void exec_set_next_pid(uint64_t pid);	/* pids from here on are >= pid */
void exec_set_focus(uint64_t pid);
uint64_t exec_focus_pid(void);
int exec_map_fresh(uint64_t va, uint64_t size, uint64_t flags);
void exec_unmap(uint64_t va, uint64_t size);
FMT_PRINTF(1, 2) void exec_fail(const char *fmt, ...);

#endif
