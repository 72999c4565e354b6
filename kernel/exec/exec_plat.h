/*
 * What the executor core (exec.c, exec_files.c) asks of the system it runs
 * on.  Three implement it:
 *
 *   exec/exec_pc.c          the kernel: pages from the pmm in its own page
 *                           tables, the trap and timer-tick hooks, the boot disk
 *   sdk/host/host_plat.c    fomos-host: mmap, signals, host files
 *   test/unit/fake_plat.c   the unit tests: apps that are C functions
 *
 * The last two have no ring 3 and no keys: exec/exec_flat.c is their
 * isolation hooks.
 *
 * Entering an app is plat_enter: in the kernel, ring 3 through SYSRET
 * (exec/enter_pc.S); under fomos-host, enter.S, a call on the app's own
 * stack.  Either saves the caller's registers, notes the stack pointer in
 * exec_kernel_rsp and starts start(ctx).  A call cut short (a fault, the
 * budget, a misused service) comes back as EXEC_ABORTED: the platform's
 * fault or tick handler points the interrupted context at
 * exec_abort_landing (with the stack pointer exec_kernel_rsp), or a service
 * calls exec_leave().
 */
#ifndef EXEC_PLAT_H
#define EXEC_PLAT_H

#include <stdint.h>
#include "fomos.h"

typedef int (FOMOS_CALL *app_entry_fn)(struct fomos_ctx *ctx);

#define EXEC_ABORTED	INT32_MIN
#define EXEC_PATH_MAX	256	/* an app file's path, as the executor keeps it, NUL included */

/* The services, numbered in the context's order: the kernel's stub n
 * enters service n (enter_pc.S has the same numbers). */
enum {
	EXEC_SVC_LOG, EXEC_SVC_CALLOC, EXEC_SVC_FREE, EXEC_SVC_WINDOW, EXEC_SVC_RAISE,
	EXEC_SVC_DAMAGE, EXEC_SVC_SYSTEM, EXEC_SVC_TERM_READ, EXEC_SVC_TERM_WRITE, EXEC_SVC_FILE,
	EXEC_SVC_PUBLISH, EXEC_SVC_LOOKUP, EXEC_SVC_CALL, EXEC_SVC_SHARE, EXEC_SVC_GRANT,
	EXEC_SVC_NET,		/* version 5: net_socket ... net_info, EXEC_NET_SVCS of them */
	EXEC_SVC_GPU = EXEC_SVC_NET + 11,	/* version 6: gpu_open ... gpu_show, 5 of them */
	EXEC_SVC_COUNT = EXEC_SVC_GPU + 5,
	EXEC_SVC_RETURN = 63,	/* start() returned (the return stub) */
};

/* Calls fn(ctx) with the stack pointer at stack_top and returns its int,
 * or EXEC_ABORTED.  System V on purpose, also in the kernel (whose own
 * convention is the Windows one): the C caller then treats every xmm
 * register as clobbered and saves xmm6-15 once per round, not once per
 * app. */
FOMOS_CALL int plat_enter(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top);
/* enter.S's plain call on the app's stack (fomos-host; the kernel's ring-0
 * benchmark mode). */
FOMOS_CALL int exec_enter(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top);
/* From inside a service: calls fn(args[0], ..., args[4]) as the app
 * whose stack tops at stack_top (another app's service function, ctx in
 * args[0]) and returns its 64-bit value, or EXEC_ABORTED with
 * exec_call_aborted set when it faulted or overran.  The caller has made
 * that app the current one (exec_services, its home open); this puts back
 * what the entry path keeps (exec_kernel_rsp, and on the kernel the
 * in-service mark) when it returns. */
FOMOS_CALL int64_t plat_enter_call(uint64_t fn, const uint64_t *args, uint64_t stack_top);
FOMOS_CALL int64_t exec_enter_call(uint64_t fn, const uint64_t *args, uint64_t stack_top);
/* What an app's context holds for service n: the address of the
 * platform's stub that enters it (the kernel, apps in ring 3), or 0 for
 * the service's own address (fomos-host, the unit tests). */
uint64_t plat_service_stub(uint32_t n);
/* Services run with the app's memory closed to them (SMAP) and open it
 * only around what they read or write of it, after checking it
 * (exec_app_range).  No-ops where there is no such protection. */
void plat_user_open(void);
void plat_user_close(void);
/* The app of home `slot` is about to be called: its memory opens, with
 * the shared regions it sees (view[0..n): region k of home s is
 * s * EXEC_REGIONS + k, or'ed with PLAT_VIEW_WRITE if it may write it),
 * and (protection keys) every other home and region closes.  No-op
 * elsewhere. */
#define PLAT_VIEW_WRITE	(1u << 31)
void plat_home_switch(uint32_t slot, const uint32_t *view, uint32_t n);
/* Kernel work inside a service that is not done on the app's memory (a
 * command of system() that starts, saves or ends apps): every home open
 * until the next plat_home_switch, which the service must call before it
 * returns to the app. */
void plat_homes_open(void);
/* From inside a service the app called: ends the call now, as a fault
 * would (exec_enter returns EXEC_ABORTED).  Never returns. */
__attribute__((noreturn)) FOMOS_CALL void exec_leave(void);
extern const uint8_t exec_abort_landing[];
extern uint64_t exec_kernel_rsp;

/* --- memory --- */
enum {
	PLAT_RW = 1,		/* data: read-write, not executable */
	PLAT_RO,		/* read-only, not executable */
	PLAT_RX,		/* code: read-only, executable */
	PLAT_TRACK = 0x10,	/* or'ed in: 4 KiB pages whose writes plat_take_dirty finds */
};
/* Fresh zeroed pages at exactly [va, va+size) (page aligned).  0, or -1
 * with nothing mapped. */
int plat_map(uint64_t va, uint64_t size, uint32_t how);
/* New permissions for pages mapped already. */
int plat_protect(uint64_t va, uint64_t size, uint32_t how);
/* Gives back every page of [va, va+size) that is mapped. */
void plat_unmap(uint64_t va, uint64_t size);
/* 1 if `bytes` more can be mapped with room to spare for the system. */
int plat_room(uint64_t bytes);
/* Zeroed memory for the executor's own records; NULL when out. */
void *plat_alloc(uint64_t size);
void plat_free(void *p);
/* For every 4 KiB page of [va, va+size) (mapped with PLAT_TRACK) written
 * since the last call: fn(arg, offset from va).  A platform that cannot
 * tell reports every page. */
void plat_take_dirty(uint64_t va, uint64_t size, void (*fn)(void *arg, uint64_t offset), void *arg);

/* --- the rest --- */
uint64_t plat_now_ns(void);	/* monotonic: the apps' time_ns */
/* The file of app NAME: "/fomos/apps/NAME.app" on the kernel's boot disk,
 * NAME.app in fomos-host's apps folder.  path gets what to call it (at
 * most EXEC_PATH_MAX bytes with the NUL).  0, or FOMOS_E_NOTFOUND or
 * another FOMOS_E_*.  The bytes stay valid for good (restarts use them). */
int plat_app_file(const char *name, char *path, const uint8_t **data, uint64_t *size);
/* For plat_app_file: keeps data (size bytes, from plat_alloc's heap) for
 * good, or frees it and returns the copy kept of the same bytes; NULL
 * (data freed) when out of memory. */
const uint8_t *exec_keep_file(uint8_t *data, uint64_t size);
/* ctx->term_write's bytes: to the serial line, or standard output. */
void plat_term_write(const char *s, uint32_t n);

/* --- what the core offers the platform's fault and tick handlers --- */

struct exec_fault {
	uint32_t vector;	/* the x86 exception: 0 divide error ... 14 page fault */
	uint64_t error;		/* its error code (page faults: bit 0 present, 1 write, 4 fetch) */
	uint64_t addr;		/* page faults: the address (cr2) */
	uint64_t pc, sp;	/* where the app was */
};

/* The table of the app being called: exec_services[n] is its service n.
 * Set by the core for the kernel's SYSCALL entry. */
extern void *const *exec_services;
/* Nonzero once the call in progress was cut short (fault, budget, misuse):
 * the SYSCALL entry leaves through exec_abort_landing instead of returning
 * to the app. */
extern volatile int32_t exec_call_aborted;
/* The SYSCALL entry's answer to a service number the context does not
 * have: ends the call (the app is told why). */
__attribute__((noreturn)) FOMOS_CALL void exec_bad_service(uint32_t n);

/* The call in progress: a number that changes at every call, 0 between
 * calls; and when it started (plat_now_ns). */
uint64_t exec_call_id(void);
uint64_t exec_call_start_ns(void);
/* A CPU exception while an app was called: 1 once its reason is recorded
 * (the handler then leaves the call through exec_abort_landing), 0 if no
 * app call is in progress (the platform's own fault). */
int exec_faulted(const struct exec_fault *f);
/* The call in progress has run for spent_ns: 1 if that is past its app's
 * budget (the reason is recorded, and exec_call_aborted set), 0 if it may
 * go on.  In the app's own code the handler leaves the call at once;
 * inside a service (whose state may be half changed) it does not: the
 * kernel's SYSCALL entry leaves when the service returns. */
int exec_overran(uint64_t spent_ns);
/* A service working for the app being called touched addr, which is not
 * the app's memory: 1 once recorded as its fault (the handler leaves the
 * call), 0 if no app call is in progress. */
int exec_trespassed(uint64_t addr, int write);

#endif
