/*
 * Apps that survive a reboot (exec_snap.c, kernel only): `save` writes
 * every running app to /fomos/state/, `suspend` saves then powers off, and
 * the next boot puts each app back in its home.
 */
#ifndef EXEC_SNAP_H
#define EXEC_SNAP_H

#include <stdint.h>

/* Asks for a save of every running app after the current round (suspend:
 * then power off); -1 if there is no writable boot disk. */
int exec_snap_request(int suspend);
/* Does what was asked; the main loop calls it between rounds. */
void exec_snap_poll(void);
/* At boot, before /fomos/init: brings back the newest valid snapshot's
 * apps (enabled = 0: only reports what is there).  Returns how many. */
uint32_t exec_snap_resume(int enabled);

#endif
