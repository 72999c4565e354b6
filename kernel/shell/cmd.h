/*
 * The command table: what `help` lists, typed on the kernel's serial line
 * or asked by an app through ctx->system().  The common commands (help, ps,
 * run, kill, log) are commands.c's and mean the same on the kernel and
 * under fomos-host; each platform adds its own in one table, cmd_platform
 * (shell/kcmds.c on the kernel: mem, time, lspci, disk, save, ...;
 * sdk/host/host_cmds.c under fomos-host: mem, time).
 *
 * A command writes its answer through a struct cmd_out: into a buffer (an
 * app's system() call; cut to its size, the full length counted all the
 * same) or to a terminal.
 *
 * Portable: commands.c is built into the kernel, fomos-host and the unit
 * tests.
 */
#ifndef CMD_H
#define CMD_H

#include <stdint.h>
#include "fmt.h"

struct cmd_out {
	char *buf;		/* NULL: write to the terminal, through sink */
	uint32_t cap, len;	/* bytes of buf; bytes of the answer so far (may exceed cap) */
	void (*sink)(const char *s, uint32_t n);
};

FMT_PRINTF(2, 3) void cmd_printf(struct cmd_out *o, const char *fmt, ...);
void cmd_write(struct cmd_out *o, const char *s, uint32_t n);

struct cmd {
	const char *name;
	void (*fn)(struct cmd_out *o, const char *arg);	/* arg: what follows the name, trimmed */
	const char *help;
	/* CMD_ANYONE: concerns only the app that asks (or nothing of
	 * anyone's), so every app's system() may run it; 0: acts on other
	 * apps or on the machine, so an app needs the `admin` option.  The
	 * serial line's user may run everything. */
	uint8_t rights;
};
#define CMD_ANYONE	1

extern const struct cmd cmd_platform[];
extern const uint32_t cmd_platform_count;

/* Runs one command line (changed in place).  0, or -1 for an unknown
 * command (the answer says so). */
int cmd_run(struct cmd_out *o, char *line);
/* ctx->system()'s handler (exec_system_fn): runs line (changed in place)
 * for app `caller` (admin: it has the option), its answer into out,
 * NUL-terminated, cut to cap; returns its full length, -1 for an unknown
 * command, -2 for one the caller may not use (the answer says why). */
int64_t cmd_system(char *line, char *out, uint32_t cap, uint64_t caller, int admin);
/* The app whose system() call is running, 0 for the serial line's user:
 * for commands whose rights depend on the arguments (kill PID). */
uint64_t cmd_caller(void);

#endif
