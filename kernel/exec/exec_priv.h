/*
 * The executor's private parts: struct app, for the core (exec.c,
 * exec_files.c), the kernel's snapshots (exec_snap.c) and the platforms'
 * fault handlers.  Nothing else includes this.
 */
#ifndef EXEC_PRIV_H
#define EXEC_PRIV_H

#include <stdint.h>
#include "appmem.h"
#include "compose.h"
#include "exec.h"
#include "exec_plat.h"
#include "fmt.h"
#include "fomos.h"
#include "initfile.h"

/* exec_share.c: services between apps and shared regions. */
#define EXEC_SVC_NAME		32	/* a service's name, NUL included */
#define EXEC_SVC_FNS		16	/* functions of one service */
#define EXEC_APP_SERVICES	2	/* services one app publishes */
#define EXEC_HANDLES		8	/* services one app looks up */
#define EXEC_GRANTS		8	/* apps one region is granted to */
#define EXEC_CALL_DEPTH		4	/* cross-app calls inside cross-app calls */
#define EXEC_VIEW_MAX		12	/* regions of others one app sees at once (keys: 14 in all) */

struct exec_handle {
	char name[EXEC_SVC_NAME];	/* "": free */
	uint32_t min_version;
	uint32_t svc;			/* the service it is bound to (exec_share.c's table) */
	uint64_t provider;		/* that service's provider when bound; 0: not bound (resumed) */
};

struct exec_region {
	uint64_t size;			/* 0: none */
	uint64_t grant_pid[EXEC_GRANTS];
	uint8_t grant_rights[EXEC_GRANTS];	/* FOMOS_SHARE_*, 0: free */
	uint8_t consumers;		/* rights of every app that looked up one of its creator's services */
};

/* What an app has declared (services, handles, regions and grants), in its
 * context page so that a snapshot keeps it: read back, checked like a new
 * call, when it resumes.  The app can write it; the kernel never trusts it
 * otherwise. */
struct exec_share_rec {
	uint64_t magic;			/* EXEC_SHARE_MAGIC once anything is declared */
	struct {
		char name[EXEC_SVC_NAME];
		uint32_t version, count;
		struct fomos_fn fns[EXEC_SVC_FNS];
	} services[EXEC_APP_SERVICES];
	struct {
		char name[EXEC_SVC_NAME];
		uint32_t min_version, reserved;
	} handles[EXEC_HANDLES];
	struct exec_region regions[EXEC_REGIONS];
};

/* exec_net.c: a socket of an app's. */
struct net_sock;
struct exec_sock {
	struct net_sock *s;		/* the platform's; NULL: free */
	int32_t handle;			/* what the app calls it */
	uint8_t type;			/* FOMOS_NET_* */
};

/* exec_gpu.c: a GPU resource of an app's. */
#define EXEC_GPU_RES	32		/* resources per app */
struct exec_gpu_res {
	uint32_t id;			/* what the app and the platform call it; 0: free */
	struct fomos_gpu_res r;		/* as created (checked) */
};

struct app {
	/* Hot: what exec_round and exec_call touch, together at the front. */
	struct app *next;		/* start order */
	uint32_t state;			/* enum app_state */
	uint8_t drew;			/* called since the last frame (may have drawn) */
	uint8_t damages;		/* v2: says what it drew (ctx->damage); no dirty-page scan */
	uint8_t kill_pending;		/* killed during its own call: end it when the call returns */
	uint8_t holds_folder;		/* its file requests use its folder (exec_files.c) */
	uint64_t wake_ns;		/* not called before this plat_now_ns() */
	app_entry_fn entry;
	uint64_t calls, cpu_ns;
	struct fomos_ctx ctx;		/* the executor's truth: what the app's copy starts as */
	struct exec_page *page;		/* in its home: the copy it gets, rebuilt at every call */
	void *services[EXEC_SVC_COUNT];	/* its services (exec_services while it runs) */
	uint64_t stack_top;		/* the app's own stack, in its home; 0 until mapped */
	uint64_t budget_ns;		/* longest call */
	uint64_t input_seen;		/* events of the input hub copied into its view */
	uint8_t keys_shown;		/* its view shows the held keys (it had the focus) */
	uint8_t on_chain;		/* being called, or called by another app: its stack is in use */
	uint8_t callbuf;		/* its call buffer is mapped (it published a service) */
	uint32_t code_start, code_end;	/* its code, home-relative: where published functions must be */

	/* Services and regions (exec_share.c). */
	struct exec_handle handles[EXEC_HANDLES];
	struct exec_region regions[EXEC_REGIONS];
	uint32_t view[EXEC_VIEW_MAX];	/* the regions it sees, for plat_home_switch */
	uint64_t view_size[EXEC_VIEW_MAX];	/* and their sizes */
	uint32_t view_n;
	uint64_t view_gen;		/* exec_share_gen when view was built */
	char wants[EXEC_SVC_NAME];	/* a name it looked up in vain: woken when it appears */

	/* Its sockets (exec_net.c) and arguments (ctx->args). */
	struct exec_sock socks[FOMOS_NET_SOCKETS];
	char args[FOMOS_ARGS_MAX];	/* copied into its context page before its first call */
	uint8_t args_new;

	/* Its GPU context and resources (exec_gpu.c). */
	uint32_t gpu_ctx;		/* its context number; 0: none */
	uint8_t gpu_resumed;		/* resumed from a snapshot: old ids say FOMOS_E_GONE */
	uint32_t gpu_read;		/* the resource whose read gpu_show started; 0: none */
	uint32_t gpu_read_w, gpu_read_h;	/* that read's size */
	uint32_t gpu_frames;		/* frames gpu_show put into its surface */
	uint64_t gpu_bytes;		/* what its resources take, out of mem.quota while they live */
	struct exec_gpu_res gpu_res[EXEC_GPU_RES];

	uint64_t pid;
	/* Its file's name less ".app", set by the executor: how the log and ps
	 * call it, and its folder, /fomos/data/NAME/.  Never the name its
	 * header claims (any file can claim to be the console). */
	char name[APP_NAME_MAX];
	uint32_t slot;
	int32_t exit_code;
	uint32_t ended_by;		/* enum app_end */
	struct app_opts opts;
	uint64_t home;
	uint64_t data_start;		/* the image's writable part starts here (home + data_start) */
	uint64_t image_bytes, surface_bytes;	/* mapped in the home */
	struct appmem mem;		/* its arena */
	struct compose_layer layer;	/* its surface on the display: its window */
	uint32_t win_flags;		/* FOMOS_WIN_* */
	const uint8_t *src;		/* the app file (kept for good), to start it again */
	uint64_t src_size;
	char src_path[EXEC_PATH_MAX];
	uint32_t restarts;		/* how many times `restart` brought it back */
	uint64_t parent;		/* the pid of the app that started it (system "run"), 0: none */
	char reason[EXEC_REASON_MAX];	/* why it ended, for the log and ps */
};

/* An app's context page, at home + EXEC_PAGE_OFFSET: everything the
 * context points the app at lives in its own home, so nothing it can
 * write is the kernel's state. */
struct exec_page {
	struct fomos_ctx ctx;		/* the copy it gets at each call */
	void *store;			/* *ctx->store: the app's, kept between calls */
	struct fomos_input input;	/* its view: pointer, and key events meant for it */
	struct exec_share_rec share;	/* what it declared, for snapshots */
	char args[FOMOS_ARGS_MAX];	/* ctx->args */
};
_Static_assert(sizeof(struct exec_page) <= EXEC_PAGE_BYTES, "EXEC_PAGE_BYTES");

/* Where a resumed app goes back to (exec_create). */
struct exec_resume {
	uint32_t slot;			/* its home */
	uint64_t pid;
	uint32_t fb_width, fb_height;	/* its surface's size; 0 x 0: the default */
	uint64_t store;			/* *store */
};

extern struct app *exec_apps;		/* start order; ended ones until the next reap */

/* Loads the file into a home and builds its context, but does not start
 * it: the caller sets it running (exec_go) once it is complete.  r: NULL
 * for a fresh app, else the home, pid and surface size it must get.  NULL
 * with the reason in exec_last_error(). */
struct app *exec_create(const char *path, const uint8_t *file, uint64_t size,
    const struct app_opts *opts, const struct exec_resume *r);
void exec_destroy(struct app *a);	/* undoes exec_create for an app never started */
void exec_go(struct app *a);		/* APP_RUNNING, last in the start order */
void exec_set_next_pid(uint64_t pid);	/* pids from here on are >= pid */
struct app *exec_find(uint64_t pid);	/* a running app, or NULL */

/* [ptr, ptr+len) is memory of a that it may read (write = 0) or write:
 * inside one part of its home that is mapped now (image, surface, arena,
 * stack), and for writes not in the image's read-only part.  Overflow-safe;
 * len 0 is always fine.  Everything an app hands a service is checked with
 * this before the executor touches it. */
int exec_app_range(const struct app *a, const void *ptr, uint64_t len, int write);

/* First thing in every service: the string instructions the executor's C
 * code uses must run forwards, and an app may call us with DF set. */
#define EXEC_SERVICE()		__asm__ volatile("cld" ::: "memory")

/* exec.c, for exec_share.c. */
extern struct app *exec_current;	/* the app being called */
extern volatile uint64_t exec_cur_start;	/* when the current call started */
extern int exec_unprotected;
void exec_end(struct app *a, uint32_t how, int32_t code);
/* Its context page's copy of its context, fresh for a call at `now`
 * (its memory open to the kernel). */
struct fomos_ctx *exec_fresh_ctx(struct app *a, uint64_t now);

/* exec_share.c: the services ctx->publish ... ctx->grant, and what the
 * rest of the executor asks of it. */
FOMOS_CALL int32_t exec_publish(const char *name, uint32_t version, const struct fomos_fn *fns, uint32_t count);
FOMOS_CALL int32_t exec_lookup(const char *name, uint32_t min_version);
FOMOS_CALL int64_t exec_svc_call(int32_t handle, uint32_t fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
FOMOS_CALL void *exec_share(uint64_t size);
FOMOS_CALL int32_t exec_grant(void *region, uint64_t pid, uint32_t rights);
/* Its view of the regions, brought up to date; then plat_home_switch. */
void exec_share_switch(struct app *a);
/* [p, p+len) lies in a region a sees (with write rights if write). */
int exec_share_range(const struct app *a, uint64_t p, uint64_t len, int write);
/* a ends: its services, regions and grants go. */
void exec_share_release(struct app *a);
/* The bytes of a's shared regions. */
uint64_t exec_region_bytes(const struct app *a);
/* Region k of a, bytes long (page multiple), mapped zeroed: 0 or -1
 * (snapshots map a resumed app's regions with it). */
int exec_region_map(struct app *a, uint32_t k, uint64_t bytes);
/* A resumed app's declarations, from its context page. */
void exec_share_resume(struct app *a);
/* After a resume: grants to pids no running app has go (a pid of an app
 * that was not resumed may be given again). */
void exec_share_prune(void);
/* For ps and `services`. */
uint32_t exec_share_describe(const struct app *a, char *out, uint32_t cap);

/* exec_net.c: the services ctx->net_socket ... net_info, in the
 * context's order, and closing an app's sockets when it ends (abort: RST). */
#define EXEC_NET_SVCS	11
extern void *const exec_net_services[EXEC_NET_SVCS];
void exec_net_release(struct app *a, int abort);
uint32_t exec_net_sockets(const struct app *a);

/* exec_gpu.c: the services ctx->gpu_open ... gpu_show, in the context's
 * order, and destroying an app's context and resources when it ends. */
#define EXEC_GPU_SVCS	5
extern void *const exec_gpu_services[EXEC_GPU_SVCS];
void exec_gpu_release(struct app *a);
uint32_t exec_gpu_resources(const struct app *a);

/* exec_files.c: ctx->file, and ending an app's requests. */
int32_t exec_files_submit(struct app *a, struct fomos_file *req);
void exec_files_cancel(uint64_t pid);

#endif
