/*
 * The executor's private parts: struct app, for the core (exec.c,
 * exec_files.c), the kernel's snapshots (exec_snap.c) and the platforms'
 * fault handlers.  Nothing else includes this.
 */
#ifndef EXEC_PRIV_H
#define EXEC_PRIV_H

#include <stdint.h>
#include "appmem.h"
#include "compose.h"
#include "exec.h"
#include "exec_plat.h"
#include "fmt.h"
#include "fomos.h"
#include "initfile.h"

struct app {
	/* Hot: what exec_round and exec_call touch, together at the front. */
	struct app *next;		/* start order */
	uint32_t state;			/* enum app_state */
	uint8_t drew;			/* called since the last frame (may have drawn) */
	uint8_t damages;		/* v2: says what it drew (ctx->damage); no dirty-page scan */
	uint8_t kill_pending;		/* killed during its own call: end it when the call returns */
	uint8_t holds_folder;		/* its file requests use its folder (exec_files.c) */
	uint64_t wake_ns;		/* not called before this plat_now_ns() */
	app_entry_fn entry;
	uint64_t calls, cpu_ns;
	struct fomos_ctx ctx;		/* the executor's truth: what the app's copy starts as */
	struct exec_page *page;		/* in its home: the copy it gets, rebuilt at every call */
	void *services[EXEC_SVC_COUNT];	/* its services (exec_services while it runs) */
	uint64_t stack_top;		/* the app's own stack, in its home; 0 until mapped */
	uint64_t budget_ns;		/* longest call */
	uint64_t input_seen;		/* events of the input hub copied into its view */
	uint8_t keys_shown;		/* its view shows the held keys (it had the focus) */

	uint64_t pid;
	/* Its file's name less ".app", set by the executor: how the log and ps
	 * call it, and its folder, /fomos/data/NAME/.  Never the name its
	 * header claims (any file can claim to be the console). */
	char name[APP_NAME_MAX];
	uint32_t slot;
	int32_t exit_code;
	uint32_t ended_by;		/* enum app_end */
	struct app_opts opts;
	uint64_t home;
	uint64_t data_start;		/* the image's writable part starts here (home + data_start) */
	uint64_t image_bytes, surface_bytes;	/* mapped in the home */
	struct appmem mem;		/* its arena */
	struct compose_layer layer;	/* its surface on the display: its window */
	uint32_t win_flags;		/* FOMOS_WIN_* */
	const uint8_t *src;		/* the app file (kept for good), to start it again */
	uint64_t src_size;
	char src_path[EXEC_PATH_MAX];
	uint32_t restarts;		/* how many times `restart` brought it back */
	uint64_t parent;		/* the pid of the app that started it (system "run"), 0: none */
	char reason[EXEC_REASON_MAX];	/* why it ended, for the log and ps */
};

/* An app's context page, at home + EXEC_PAGE_OFFSET: everything the
 * context points the app at lives in its own home, so nothing it can
 * write is the kernel's state. */
struct exec_page {
	struct fomos_ctx ctx;		/* the copy it gets at each call */
	void *store;			/* *ctx->store: the app's, kept between calls */
	struct fomos_input input;	/* its view: pointer, and key events meant for it */
};
_Static_assert(sizeof(struct exec_page) <= EXEC_PAGE_BYTES, "EXEC_PAGE_BYTES");

/* Where a resumed app goes back to (exec_create). */
struct exec_resume {
	uint32_t slot;			/* its home */
	uint64_t pid;
	uint32_t fb_width, fb_height;	/* its surface's size; 0 x 0: the default */
	uint64_t store;			/* *store */
};

extern struct app *exec_apps;		/* start order; ended ones until the next reap */

/* Loads the file into a home and builds its context, but does not start
 * it: the caller sets it running (exec_go) once it is complete.  r: NULL
 * for a fresh app, else the home, pid and surface size it must get.  NULL
 * with the reason in exec_last_error(). */
struct app *exec_create(const char *path, const uint8_t *file, uint64_t size,
    const struct app_opts *opts, const struct exec_resume *r);
void exec_destroy(struct app *a);	/* undoes exec_create for an app never started */
void exec_go(struct app *a);		/* APP_RUNNING, last in the start order */
void exec_set_next_pid(uint64_t pid);	/* pids from here on are >= pid */
struct app *exec_find(uint64_t pid);	/* a running app, or NULL */

/* [ptr, ptr+len) is memory of a that it may read (write = 0) or write:
 * inside one part of its home that is mapped now (image, surface, arena,
 * stack), and for writes not in the image's read-only part.  Overflow-safe;
 * len 0 is always fine.  Everything an app hands a service is checked with
 * this before the executor touches it. */
int exec_app_range(const struct app *a, const void *ptr, uint64_t len, int write);

/* exec_files.c: ctx->file, and ending an app's requests. */
int32_t exec_files_submit(struct app *a, struct fomos_file *req);
void exec_files_cancel(uint64_t pid);

#endif
