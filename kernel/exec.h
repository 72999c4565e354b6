/*
 * The app executor: loading apps into their homes, building their contexts,
 * and the one loop that calls them.
 *
 * Every app lives in a fixed virtual *home* that depends only on its slot:
 *
 *   home + 0         the image: header, code, constants, data, bss
 *   home + 1 GiB     its surface (v1: a full-screen one), unless nofb
 *   home + 2 GiB     its arena, which ctx->calloc carves; mapped as it grows,
 *                    never beyond the app's quota
 *   home + 4 GiB - 32 MiB   the top of its stack (64 KiB, nothing mapped below it)
 *
 * Homes are 4 GiB apart plus a "colour" of (slot % 256) x 68 KiB: without
 * it every app's code and stack pages would share the same low address bits
 * and fight over the same TLB sets (measured: QEMU's TLB, indexed by those
 * bits, thrashed at every call).
 *
 * Nothing of an app lives outside its home, which is what will make saving
 * an app (its home and its store pointer) and giving it a quota cheap.
 */
#ifndef EXEC_H
#define EXEC_H

#include <stdint.h>
#include "boot.h"
#include "initfile.h"

#define EXEC_CTX_VERSION	3		/* the fomos_ctx version this kernel speaks */
#define EXEC_MAX_SLOTS		8192
#define EXEC_HOME_BASE		(1ull << 40)	/* 1 TiB: far above any RAM we identity-map */
#define EXEC_HOME_SIZE		(4ull << 30)
#define EXEC_SURFACE_OFFSET	(1ull << 30)
#define EXEC_ARENA_OFFSET	(2ull << 30)
#define EXEC_STACK_OFFSET	((4ull << 30) - (32ull << 20))	/* the top of the app's stack */
#define EXEC_STACK_SIZE		(64ull << 10)

/* The home of the app in `slot`: the kernel and fomos-host both use this. */
static inline uint64_t exec_home(uint32_t slot)
{
	return EXEC_HOME_BASE + (uint64_t)slot * EXEC_HOME_SIZE + (uint64_t)(slot % 256) * 0x11000;
}

enum app_state { APP_RUNNING = 1, APP_ENDED };
enum app_end { APP_END_EXIT = 1, APP_END_KILLED, APP_END_FAULT, APP_END_BUDGET, APP_END_MISUSE };

/* What `ps` shows of an app. */
struct exec_info {
	uint64_t pid;
	char name[APP_NAME_MAX];
	uint32_t state;		/* enum app_state */
	int32_t exit_code;
	uint64_t calls;
	uint64_t cpu_ns;
	uint64_t mem_bytes;	/* image + surface + arena + stack mapped */
	char reason[112];	/* why it ended: "exit code -3", "page fault writing 0x0 at x.app+0x1012" */
};

/* Loads and starts an app from its file.  Returns its pid, or -1 after one
 * log line naming the file and the reason. */
int64_t exec_start(const char *file_name, const uint8_t *file, uint64_t size,
    const struct app_opts *opts);
int exec_kill(uint64_t pid);		/* 0, or -1 if no such running app */
void exec_kill_all(void);
/* The running apps' start() addresses, for the benchmark's baseline. */
uint32_t exec_entry_points(void **out, uint32_t max);

/* Why the last exec_start/exec_run_name failed (also logged). */
const char *exec_last_error(void);

/* The files efi/ loaded; apps are looked up there by name. */
void exec_set_files(const struct boot_file *files, uint32_t count);
/* The file of app NAME: /fomos/apps/NAME.app from the disk if there is one
 * we can read, else the copy efi/ loaded.  path gets its path.  0, or
 * FOMOS_E_NOTFOUND / another FOMOS_E_*.  The bytes stay valid for good. */
int exec_app_file(const char *name, char *path, const uint8_t **data, uint64_t *size);
/* Starts /fomos/apps/NAME.app.  Returns its pid or -1 (after a log line). */
int64_t exec_run_name(const char *name, const struct app_opts *opts);
/* Starts every app /fomos/init lists, in order. */
void exec_start_init(void);

/* One pass over the apps: every app that is due is called once, in start
 * order.  Returns how many were called; *next_wake_tsc is the earliest rdtsc
 * at which a sleeping app is due (UINT64_MAX if none). */
uint32_t exec_round(uint64_t *next_wake_tsc);
/* The main loop: apps, the serial monitor, the display; halts when idle. */
__attribute__((noreturn)) void exec_loop(void);
/* exec_loop in pieces, for the benchmark: exec_prepare once, then each
 * exec_once is one turn of the loop (a round, the monitor, a frame). */
void exec_prepare(void);
uint32_t exec_once(uint64_t *next_wake_tsc);
void exec_set_quiet(int quiet);
/* On by default: apps run on their own stacks under the time budget.  Off
 * only for the benchmark's comparison. */
void exec_set_protection(int on);
void exec_forget_ended(void);	/* drops the records of ended apps (ps forgets them) */

uint32_t exec_list(struct exec_info *out, uint32_t max);

/* Snapshots (kernel/exec_snap.c).  exec_snap_request asks for a save of
 * every running app to /fomos/state/ after the current round (suspend:
 * then power off); -1 if there is no writable boot disk.  exec_snap_poll
 * does it (the executor calls it between rounds).  exec_snap_resume, at
 * boot before /fomos/init, brings back the newest valid snapshot's apps
 * (enabled = 0: only reports what is there); returns how many. */
int exec_snap_request(int suspend);
void exec_snap_poll(void);
uint32_t exec_snap_resume(int enabled);
uint32_t exec_running(void);

#endif
