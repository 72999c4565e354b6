/*
 * Where a command's answer goes.  The kernel's commands (kernel/monitor.c's
 * table: ps, run, kill, mem, ...) write through a struct cmd_out, so the same
 * command answers the serial command line (the terminal) or an app that
 * called ctx->system() (a buffer).
 */
#ifndef CMD_H
#define CMD_H

#include <stdint.h>
#include "fmt.h"

struct cmd_out {
	char *buf;		/* NULL: write to the terminal (serial and screen console) */
	uint32_t cap, len;	/* bytes of buf; bytes of the answer so far (may exceed cap) */
};

FMT_PRINTF(2, 3) void cmd_printf(struct cmd_out *o, const char *fmt, ...);
void cmd_write(struct cmd_out *o, const char *s, uint32_t n);

#endif
