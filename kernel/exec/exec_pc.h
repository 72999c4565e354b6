/*
 * The executor on the PC (exec_pc.c): the platform exec.c runs on in the
 * kernel.  main.c calls, in this order:
 *
 *	exec_init(w, h)			exec.h: the screen apps get
 *	exec_pc_set_boot_files(...)	what efi/ loaded, for app files and /fomos/init
 *	exec_pc_init()			the trap and tick hooks, the boot disk's files
 *	exec_snap_resume(...)		exec_snap.h
 *	exec_pc_start_init()		the apps /fomos/init lists
 */
#ifndef EXEC_PC_H
#define EXEC_PC_H

#include <stdint.h>
#include "boot.h"

void exec_pc_set_boot_files(const struct boot_file *files, uint32_t count);
void exec_pc_init(void);
/* Starts every app /fomos/init lists, in order, but those running already
 * (resumed from a snapshot). */
void exec_pc_start_init(void);

#endif
