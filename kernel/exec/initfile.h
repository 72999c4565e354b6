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
 *     quota=N    the app's memory limit, bytes with an optional K, M or G
 *     budget=N   milliseconds one call may take before the app is stopped
 *     restart    start the app again (with a growing delay) if it faulted
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

struct app_opts {
	uint8_t trace;
	uint8_t nofb;
	uint8_t restart;
	uint8_t nosys;
	uint32_t budget_ms;	/* longest call before the timer stops the app */
	uint64_t quota;		/* bytes */
};

struct init_entry {
	char name[APP_NAME_MAX];
	struct app_opts opts;
};

typedef void init_report_fn(void *arg, const char *msg);

void app_opts_default(struct app_opts *o);
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
