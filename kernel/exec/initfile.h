/*
 * /fomos/init: the apps to start at boot, one per line, in order (later ones
 * draw on top).  '#' starts a comment.  A line is a name and options:
 *
 *     hello
 *     hello trace quota=8M
 *
 * Options (also taken by the console's `run NAME [options]`):
 *     trace      log every calloc and free the app makes
 *     nofb       give the app no framebuffer
 *     nosys      give the app no system(): it cannot run, kill or list apps
 *     admin      its system() may also run commands that act on other apps or
 *                on the machine (kill, reboot, ...); without it, only what
 *                concerns the app itself
 *     quota=N    the app's memory limit, bytes with an optional K, M or G
 *     budget=N   milliseconds one call may take before the app is stopped
 *     restart    start the app again (with a growing delay) if it faulted
 *     disk=N     the most bytes the files of its folder, /fomos/data/NAME/,
 *                may hold, with an optional K, M or G; 0: it may not write
 *     spawn=N    how many apps it started (system "run ..."), and those they
 *                started, may run at once; 0: it may start none
 *
 * Every option defaults to the least the app may do: no admin, 64 MiB of
 * files, 8 apps of its own.
 *
 * Pure: used by efi/ (to know which files to load), by the kernel, and by
 * the host tests and fuzzer.
 */
#ifndef INITFILE_H
#define INITFILE_H

#include <stddef.h>
#include <stdint.h>
#include "home.h"

#define APP_NAME_MAX		32
#define APP_QUOTA_DEFAULT	(64ull << 20)
#define APP_QUOTA_MAX		EXEC_ARENA_MAX	/* 1984 MiB: the arena must not reach the stack */
#define APP_BUDGET_DEFAULT	100	/* ms */
#define APP_BUDGET_MAX		60000
#define APP_DISK_DEFAULT	(64ull << 20)
#define APP_DISK_MAX		(4ull << 30)	/* 4 GiB, about FAT's largest file */
#define APP_SPAWN_DEFAULT	8
#define APP_SPAWN_MAX		1024

/* snapshot.c writes each field in a place of its own (never the struct's
 * bytes): a new field needs one there too, and a newer format version. */
struct app_opts {
	uint8_t trace;
	uint8_t nofb;
	uint8_t restart;
	uint8_t nosys;
	uint8_t admin;		/* system() may act on other apps and the machine */
	uint32_t budget_ms;	/* longest call before the timer stops the app */
	uint64_t quota;		/* bytes */
	uint64_t disk;		/* bytes its folder's files may hold; 0: no writes */
	uint32_t spawn;		/* apps it (and they) started that may run at once */
};

struct init_entry {
	char name[APP_NAME_MAX];
	struct app_opts opts;
};

typedef void init_report_fn(void *arg, const char *msg);

/* Inline, so that every user of struct app_opts (the snapshot reader's
 * old formats too) gets the same defaults without linking the parser. */
static inline void app_opts_default(struct app_opts *o)
{
	*o = (struct app_opts){
		.budget_ms = APP_BUDGET_DEFAULT,
		.quota = APP_QUOTA_DEFAULT,
		.disk = APP_DISK_DEFAULT,
		.spawn = APP_SPAWN_DEFAULT,
	};
}

/* Parses the options in s[0..len).  Returns 0, or -1 with a reason. */
int app_opts_parse(const char *s, size_t len, struct app_opts *o, char *why, size_t why_len);
/* The arguments of the `run` command, "NAME [options]": name gets NAME
 * (NUL-terminated, < APP_NAME_MAX), *o its options.  0, or -1 with a
 * one-line answer for the user in why (a usage line or the bad option). */
int app_run_args(const char *arg, char *name, struct app_opts *o, char *why, size_t why_len);

/* Fills out[0..max) and returns how many entries; every bad line is
 * reported ("init line 4: ...") and skipped. */
uint32_t init_parse(const char *text, uint64_t len, struct init_entry *out, uint32_t max,
    init_report_fn *report, void *arg);

#endif
