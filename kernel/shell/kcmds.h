/*
 * The kernel's own commands (kcmds.c; cmd.h's cmd_platform) and the
 * `disk` command (diskcmd.c).  Kernel only.
 */
#ifndef KCMDS_H
#define KCMDS_H

struct cmd_out;

void disk_cmd(struct cmd_out *o, const char *arg);

#endif
