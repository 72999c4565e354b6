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

/* How apps run: the default is EXEC_PC_KEYS where the CPU has protection
 * keys, else EXEC_PC_RING3.  EXEC_PC_RING0 (apps in ring 0, as before
 * isolation) is for the benchmark's comparison only. */
enum { EXEC_PC_RING0, EXEC_PC_RING3, EXEC_PC_KEYS };
uint32_t exec_pc_get_mode(void);
/* Only while no app runs; -1 if not (or no protection keys). */
int exec_pc_set_mode(uint32_t mode);

/* Counts for the benchmark. */
struct exec_pc_stats {
	uint64_t pkru_writes;	/* PKRU written (it changed) */
	uint64_t retags;	/* homes given a key (another home parked) */
};
extern struct exec_pc_stats exec_pc_stats;

void exec_pc_set_boot_files(const struct boot_file *files, uint32_t count);
void exec_pc_init(void);
/* Starts every app /fomos/init lists, in order, but those running already
 * (resumed from a snapshot). */
void exec_pc_start_init(void);

#endif
