/*
 * fomos.h — the whole contract between a Fomos app and the system.
 *
 * An app is one function:
 *
 *     int FOMOS_CALL start(struct fomos_ctx *ctx);
 *
 * The kernel calls it again and again.  Each call does a little work and
 * returns; the return value is the yield:
 *
 *     0      call me again soon
 *     n > 0  call me again in n milliseconds
 *     n < 0  I am done: end the app and free its memory
 *
 * Everything the system offers comes through ctx.  What the app keeps between
 * calls hangs off *ctx->store (NULL at the first call): allocate a struct with
 * ctx->calloc and store its pointer there.
 *
 * Compatibility rules, forever:
 *   - struct fomos_ctx only grows at its end.  ctx->version says which fields
 *     this kernel fills (version 1 is everything below); ctx->size is the
 *     kernel's sizeof.  An app built against an older header keeps running.
 *   - Only fixed-width types: the kernel is built for an LLP64 target, apps
 *     for LP64, and both must agree on every offset.
 *   - Every function pointer uses FOMOS_CALL (the System V calling
 *     convention), whatever the kernel's own convention is.
 *
 * Every pointer and length an app hands a service must be its own memory
 * (its image, surface, stack, or what calloc gave it): the kernel checks
 * each, and a wild one ends the app at once with a message naming the
 * service (file() and the network's calls, which have a status to answer
 * with, say FOMOS_E_BADARG).
 *
 * An app includes this header and nothing else of the system.  Build it with
 * sdk/fomos-cc (see sdk/README.md).
 */
#ifndef FOMOS_H
#define FOMOS_H

#include <stdint.h>

#define FOMOS_CALL __attribute__((sysv_abi))

#define FOMOS_CTX_VERSION	6

/* --- context version 1 ------------------------------------------------------ */

struct fomos_surface {
	uint32_t *pixels;		/* 0xAARRGGBB; alpha 0xFF is opaque */
	uint32_t width, height;
	uint32_t stride;		/* in pixels */
	uint32_t flags;
};

struct fomos_event {
	uint64_t time_ns;		/* when the kernel received it */
	uint32_t type;			/* FOMOS_EV_KEY, FOMOS_EV_BUTTON, FOMOS_EV_MOTION, FOMOS_EV_WHEEL */
	uint32_t code;			/* evdev key/button code; axis for motion/wheel */
	int32_t  value;			/* key: 1 press, 0 release, 2 repeat; motion/wheel: delta */
	uint32_t codepoint;		/* Unicode text of a key press, 0 if none */
};

#define FOMOS_EVENT_RING 256
#define FOMOS_KEY_COUNT  768

struct fomos_input {
	int32_t  pointer_x, pointer_y;		/* screen pixels, clamped to the screen */
	uint32_t buttons;			/* bit 0 left, 1 right, 2 middle */
	uint32_t reserved;
	uint64_t event_count;			/* events queued so far: since boot, and
						 * after a resume on from the count the
						 * apps were saved with */
	struct fomos_event events[FOMOS_EVENT_RING];	/* event n is events[n % FOMOS_EVENT_RING] */
	uint8_t  keys[FOMOS_KEY_COUNT];		/* 1 while the key with that evdev code is held */
	/* version 2: the pid of the app that had the focus when events[n]
	 * arrived is event_pid[n % FOMOS_EVENT_RING] (0: nobody).  Key events
	 * are meant for that app only; fomos_event_for_me() tells. */
	uint64_t event_pid[FOMOS_EVENT_RING];
};

struct fomos_file;	/* version 3, below */
struct fomos_fn;	/* version 4, below */
struct fomos_netaddr;	/* version 5, below */
struct fomos_resolve;
struct fomos_netinfo;
struct fomos_gpu_res;	/* version 6, below */

struct fomos_ctx {
	uint32_t version;		/* context version this kernel speaks (>= 1) */
	uint32_t size;			/* sizeof(struct fomos_ctx) on the kernel's side */
	uint64_t pid;			/* unique for this boot, never reused */
	uint64_t time_ns;		/* monotonic nanoseconds since boot, at this call */
	void  (FOMOS_CALL *log)(const char *text, uint32_t len);
	struct fomos_surface fb;	/* this app's surface; v1: the whole screen, transparent at start */
	void *(FOMOS_CALL *calloc)(uint64_t count, uint64_t size);
	void  (FOMOS_CALL *free)(void *ptr);
	void **store;			/* *store survives between calls; NULL at the first call */
	/* This app's view of the input, brought up to date before each call:
	 * the pointer always; key events (and keys[]) only those typed into
	 * its own window or into none (another window's keys are events of
	 * type 0).  The context, *store and the input all live in the app's
	 * own memory: writing to them changes nothing but the app's copies. */
	const struct fomos_input *input;

	/* --- version 2: windows, the terminal, the system ------------------------
	 * An app's surface is its window.  It starts as the whole screen at (0,0),
	 * transparent, like a v1 surface; ctx->window() moves and resizes it.
	 * The kernel composes the windows in z-order with alpha and copies only
	 * what changed to the screen: tell it what you drew with ctx->damage()
	 * (until the first damage() call it finds your writes from page dirty
	 * bits, 4 KiB at a time, at most 30 times a second). */
	int32_t  win_x, win_y;		/* where the surface's top-left corner is on the screen */
	uint32_t win_flags;		/* FOMOS_WIN_* as last set */
	uint32_t focused;		/* 1 while this app has the keyboard focus */
	uint32_t screen_width, screen_height;
	/* Places the surface at (x, y) with the given size (1..8192 each) and
	 * flags.  Same size: the pixels are kept.  New size: ctx->fb describes a
	 * new, transparent surface as soon as this returns; the old pointer is
	 * gone.  Returns 0, or FOMOS_E_BADARG / FOMOS_E_NOMEM (nothing changed). */
	int32_t (FOMOS_CALL *window)(int32_t x, int32_t y, uint32_t width, uint32_t height,
	    uint32_t flags);
	void (FOMOS_CALL *raise)(void);		/* on top of its layer, and the focus */
	/* This rectangle of the surface changed (clipped to the surface). */
	void (FOMOS_CALL *damage)(int32_t x, int32_t y, uint32_t width, uint32_t height);
	/* Runs one command of the kernel's command line ("ps", "run NAME",
	 * "kill PID", "mem", "time", "log", "lspci", "save", "suspend",
	 * "shutdown", "reboot"; "help" lists them) and writes its answer, NUL
	 * terminated and cut to cap, into out.  Returns the answer's full length,
	 * or FOMOS_E_NOTFOUND for an unknown command (out says so).  Least
	 * privilege: without the init option `admin`, only what concerns the
	 * app itself runs (help, ps, mem, time, kill of its own pid); anything
	 * else answers FOMOS_E_PERM (out says why).  A wrapper may refuse
	 * everything: that is how a sandbox takes the system away. */
	int64_t (FOMOS_CALL *system)(const char *line, uint32_t len, char *out, uint32_t cap);
	/* The serial line as a terminal.  The first term_read() makes this app
	 * the serial line's owner, unless another app owns it (then it reads 0
	 * bytes until that app ends): while it runs, bytes typed there come only
	 * to it (VT100 bytes as sent, not key events) and the kernel's own serial
	 * command line steps aside.  Returns how many bytes it copied (0: none). */
	uint32_t (FOMOS_CALL *term_read)(char *buf, uint32_t cap);
	void (FOMOS_CALL *term_write)(const char *text, uint32_t len);

	/* --- version 3: files ------------------------------------------------------
	 * An app reads and writes files in its own folder, /fomos/data/NAME/ on
	 * the boot disk, and nowhere else; NAME is the name of the file it was
	 * started from (NAME.app), and one running app at a time has it.  file() queues a request and returns
	 * at once; the kernel does the disk work between calls and sets
	 * req->status when it is done.  The request and its buffer belong to the
	 * kernel until then: keep them in the app's memory (the store), not on
	 * the stack.  See fomos_file_*() below for the simple case. */
	int32_t (FOMOS_CALL *file)(struct fomos_file *req);

	/* --- version 4: services between apps, shared regions ----------------------
	 * An app publishes a named table of functions; another looks the name up
	 * and calls them.  A call is a function call on the caller's turn, no
	 * message and no context switch: the kernel checks the arguments, opens
	 * the provider's memory (and closes the caller's) and runs
	 *     int64_t FOMOS_CALL fn(struct fomos_ctx *ctx, uint64_t a0, uint64_t a1,
	 *         uint64_t a2, uint64_t a3);
	 * on the provider's own stack, with ctx the provider's own context
	 * (ctx->caller says who calls), then comes back.  The provider's budget
	 * holds for each call.  A provider that faults or overruns inside a call
	 * is ended; the caller gets FOMOS_E_FAULT and goes on.  See the
	 * fomos_fn flags for pointers, and fomos_service() below. */
	uint64_t caller;		/* inside a service function: the calling app's pid; else 0 */
	/* Publishes (or, called again, replaces) this app's service `name`
	 * ([a-z0-9._-], 1..31 bytes) at `version`: count (1..16) functions of
	 * its own code.  The table is copied.  0, or FOMOS_E_BUSY (another app
	 * has the name, or this app has 2 services already), FOMOS_E_BADARG. */
	int32_t (FOMOS_CALL *publish)(const char *name, uint32_t version, const struct fomos_fn *fns,
	    uint32_t count);
	/* A handle (> 0) for service `name` at version >= min_version, or
	 * FOMOS_E_NOTFOUND (nobody provides it: the app is woken as soon as
	 * someone does, whatever it yielded), FOMOS_E_VERSION (only an older
	 * one), FOMOS_E_BUSY (8 handles already).  The same name again gives the
	 * same handle. */
	int32_t (FOMOS_CALL *lookup)(const char *name, uint32_t min_version);
	/* Calls function fn of the service behind handle.  Returns what it
	 * returned, or FOMOS_E_GONE (the provider ended: look the name up
	 * again), FOMOS_E_FAULT (it faulted or overran in this call and was
	 * ended), FOMOS_E_BADARG (a bad handle, fn, or pointer argument),
	 * FOMOS_E_BUSY (the provider is on this call's own chain: it called
	 * us, directly or not), FOMOS_E_TOOBIG (over 256 KiB to copy). */
	int64_t (FOMOS_CALL *call)(int32_t handle, uint32_t fn, uint64_t a0, uint64_t a1, uint64_t a2,
	    uint64_t a3);
	/* A new shared region of size bytes (rounded up to 4 KiB, at most
	 * 64 MiB, 4 per app) in this app's home, zeroed; NULL if none.  Only
	 * this app sees it until it grants it. */
	void *(FOMOS_CALL *share)(uint64_t size);
	/* Lets app pid (or, pid FOMOS_CONSUMERS, every app that looked up one
	 * of this app's services) see the region at the same address:
	 * FOMOS_SHARE_READ, FOMOS_SHARE_WRITE, or 0 to take it back (the pages
	 * close to that app at once).  Ending the creator unmaps it for
	 * everyone.  0, or FOMOS_E_BADARG (not a region of this app's),
	 * FOMOS_E_BUSY (8 grants already). */
	int32_t (FOMOS_CALL *grant)(void *region, uint64_t pid, uint32_t rights);

	/* --- version 5: arguments, the network -------------------------------------
	 * args: what followed "--" on the line that started the app ("run
	 * fetch -- http://10.0.2.2/ a.txt", or a command that starts one: fetch,
	 * ping, resolve), NUL terminated, in the app's own memory; "" if none.
	 * At most FOMOS_ARGS_MAX bytes with the NUL. */
	const char *args;
	/* Sockets (IPv4).  Every call returns at once: what cannot be done yet
	 * says FOMOS_E_AGAIN, and net_poll() tells what can be done now.  An app
	 * sleeping in its yield is woken when one of its sockets becomes ready.
	 * A socket belongs to its app: ending the app closes it (TCP: FIN, or
	 * RST if the app was killed or faulted).  At most FOMOS_NET_SOCKETS per
	 * app (then FOMOS_E_NOMEM).  A closed handle, or one from before a
	 * resume, answers FOMOS_E_GONE.  Addresses are in host order: 10.0.2.15
	 * is 0x0a00020f, FOMOS_IP(10, 0, 2, 15).  Helpers: fomos_tcp_listen(),
	 * fomos_tcp_connect(), fomos_send_some() below. */
	/* A new socket of FOMOS_NET_TCP, _UDP or _PING (ICMP echo, like Linux's
	 * ping sockets: send an echo request, header and payload; the kernel
	 * sets the identifier and checksum; receive the replies).  A handle > 0,
	 * or FOMOS_E_NONET (no network), FOMOS_E_NOMEM, FOMOS_E_BADARG. */
	int32_t (FOMOS_CALL *net_socket)(uint32_t type);
	/* Local address and port (0: any).  FOMOS_E_INUSE if taken. */
	int32_t (FOMOS_CALL *net_bind)(int32_t s, uint32_t ip, uint32_t port);
	/* TCP: take connections on the bound port (backlog 1..16). */
	int32_t (FOMOS_CALL *net_listen)(int32_t s, uint32_t backlog);
	/* TCP: a new socket for the next waiting connection (its peer in *peer
	 * if not NULL), or FOMOS_E_AGAIN. */
	int32_t (FOMOS_CALL *net_accept)(int32_t s, struct fomos_netaddr *peer);
	/* TCP: starts connecting and returns 0; net_poll() then says
	 * FOMOS_NET_OUT (connected) or FOMOS_NET_ERR (send and recv say why:
	 * FOMOS_E_REFUSED, FOMOS_E_TIMEDOUT ...).  UDP, PING: the default peer. */
	int32_t (FOMOS_CALL *net_connect)(int32_t s, uint32_t ip, uint32_t port);
	/* TCP: queues up to len bytes and returns how many (> 0), or
	 * FOMOS_E_AGAIN (the send buffer is full).  UDP and PING: one datagram
	 * of at most 1472 bytes to *to (NULL: the connected peer). */
	int64_t (FOMOS_CALL *net_send)(int32_t s, const void *buf, uint64_t len,
	    const struct fomos_netaddr *to);
	/* TCP: up to cap bytes received; 0 at the end of the stream (the peer
	 * closed); FOMOS_E_AGAIN if nothing yet.  UDP and PING: one datagram
	 * (cut to cap), its sender in *from if not NULL. */
	int64_t (FOMOS_CALL *net_recv)(int32_t s, void *buf, uint64_t cap, struct fomos_netaddr *from);
	/* Closes it (TCP: FIN after the queued data).  0 or FOMOS_E_GONE. */
	int32_t (FOMOS_CALL *net_close)(int32_t s);
	/* What can be done now: FOMOS_NET_IN | _OUT | _HUP | _ERR, or FOMOS_E_GONE. */
	int32_t (FOMOS_CALL *net_poll)(int32_t s);
	/* Queues a name lookup, like file(): req->status is FOMOS_PENDING, then
	 * 0 with req->ip, or FOMOS_E_NOTFOUND / FOMOS_E_TIMEDOUT.  A dotted
	 * address answers at once.  At most 4 per app in flight (FOMOS_E_BUSY).
	 * Keep req in the app's memory (the store) until it is done. */
	int32_t (FOMOS_CALL *net_resolve)(struct fomos_resolve *req);
	/* The interface's settings and counters.  0, or FOMOS_E_NONET. */
	int32_t (FOMOS_CALL *net_info)(struct fomos_netinfo *info);

	/* --- version 6: the screen changes size; 3D through virgl ------------------
	 * The screen's size may change while apps run (the user resized QEMU's
	 * window, or typed `resolution WxH`): screen_width/height say the new
	 * size from the next call on, and every app gets a FOMOS_EV_SCREEN
	 * event.  A window left wholly off the screen is moved back onto it.
	 *
	 * 3D: an app draws with the GPU by sending virgl command streams (the
	 * protocol of Mesa's virgl driver and virglrenderer; sdk/fomos_virgl.h
	 * encodes them) to a GPU context of its own.  The context and its
	 * resources belong to the app: ending the app destroys them.  A stream
	 * may name only this app's resources (by the ids gpu_resource gave);
	 * the GPU's host side checks every stream, and one it rejects costs
	 * only this app's context (later frames may not draw).  A resumed app's
	 * context and resources are gone (FOMOS_E_GONE): make them again. */
	/* Creates this app's GPU context (again: nothing happens).  0, or
	 * FOMOS_E_NOTSUP (no 3D GPU here: draw into ctx->fb instead). */
	int32_t (FOMOS_CALL *gpu_open)(void);
	/* A new resource (texture, render target, buffer) in this app's
	 * context: an id > 0 to name it in streams, or FOMOS_E_BADARG (a size
	 * or kind the kernel refuses: at most 4096 x 4096, 64 MiB),
	 * FOMOS_E_NOMEM (32 per app; or its memory: a resource takes its bytes
	 * out of the app's quota=, which its calloc arena shares, until it is
	 * freed; twice for a render target it may show, once on the GPU and
	 * once to read it back into), FOMOS_E_NOTSUP (no gpu_open). */
	int32_t (FOMOS_CALL *gpu_resource)(const struct fomos_gpu_res *res);
	/* Frees a resource of this app's.  0, or FOMOS_E_GONE (not one). */
	int32_t (FOMOS_CALL *gpu_free)(int32_t res);
	/* Queues dwords 32-bit words of virgl commands (at most
	 * FOMOS_GPU_SUBMIT_MAX bytes; copied, so the buffer is free again at
	 * once).  0, FOMOS_E_BADARG (pointer or size), FOMOS_E_GONE (the
	 * context was lost), FOMOS_E_NOTSUP (no gpu_open). */
	int32_t (FOMOS_CALL *gpu_submit)(const uint32_t *cmds, uint32_t dwords);
	/* Shows render target res as this window's contents: once the commands
	 * queued so far are done, the GPU's pixels (its top-left corner, the
	 * window's size) are read back into ctx->fb and the window is redrawn.
	 * Returns how many frames were shown so far (>= 0), or FOMOS_E_AGAIN
	 * while the previous one is still on its way (nothing queued: try at
	 * the next call), FOMOS_E_GONE (not this app's resource), FOMOS_E_BADARG
	 * (res is not a FOMOS_GPU_FORMAT_BGRA/BGRX 2D render target). */
	int32_t (FOMOS_CALL *gpu_show)(int32_t res);
};

/* --- window flags (ctx->window) --- */
#define FOMOS_WIN_TOP		(1u << 0)	/* above every normal window (a cursor) */
#define FOMOS_WIN_BOTTOM	(1u << 1)	/* below every normal window (a wallpaper) */
#define FOMOS_WIN_NOFOCUS	(1u << 2)	/* clicks go through it; never has the focus */
#define FOMOS_WIN_OPAQUE	(1u << 3)	/* every pixel has alpha 0xFF: copied, not blended */
/* version 6: this window is the mouse pointer (at most 64 x 64).  The kernel
 * moves it with the pointer itself, its top-left corner on the pointer's
 * position, and shows it as the GPU's hardware cursor when there is one (no
 * composition at all when the mouse moves).  One app's at a time. */
#define FOMOS_WIN_CURSOR	(1u << 4)

/* --- errors: negative return values and file statuses --- */
#define FOMOS_E_PERM		(-1)	/* not this app's to do: system() commands that act on
					 * other apps or the machine need the `admin` option */
#define FOMOS_E_NOTFOUND	(-2)	/* no such file, folder or command */
#define FOMOS_E_IO		(-5)	/* the disk failed */
#define FOMOS_E_NOMEM		(-12)	/* out of memory or over the quota */
#define FOMOS_E_BUSY		(-16)	/* too many requests in flight (16 per app), or the
					 * folder is another running app's */
#define FOMOS_E_NODISK		(-19)	/* no writable disk: booted from one we cannot drive */
#define FOMOS_E_BADARG		(-22)	/* a bad size, flag, pointer or buffer */
#define FOMOS_E_NOSPACE		(-28)	/* the disk is full, or a WRITE/REPLACE would take the
					 * files of the app's folder past its `disk=` limit
					 * (default 64M; disk=0: no writes); nothing was written */
#define FOMOS_E_PATH		(-30)	/* the path is malformed or leaves the app's folder */
#define FOMOS_E_TOOBIG		(-27)	/* the data does not fit the buffer or the file limit */
#define FOMOS_E_FAULT		(-14)	/* the provider faulted or overran inside this call (it was ended) */
#define FOMOS_E_GONE		(-32)	/* the provider of this handle ended (or was not resumed) */
#define FOMOS_E_VERSION		(-95)	/* the service exists, in an older version than asked for */
#define FOMOS_E_AGAIN		(-11)	/* not now: nothing to receive, no room to send, nobody waiting */
#define FOMOS_E_INUSE		(-98)	/* the address or port is taken */
#define FOMOS_E_NONET		(-100)	/* no network interface */
#define FOMOS_E_RESET		(-104)	/* the peer reset the connection */
#define FOMOS_E_NOTCONN		(-107)	/* not connected (or not listening) */
#define FOMOS_E_TIMEDOUT	(-110)	/* the peer or the name server did not answer */
#define FOMOS_E_REFUSED		(-111)	/* nobody listens there */
#define FOMOS_E_NOTSUP		(-38)	/* not here: no such device (a 3D GPU) */

/* --- files (ctx->file, version 3) --- */
enum {
	FOMOS_FILE_READ = 1,	/* len bytes at offset into buf; done = bytes read (short at the end) */
	FOMOS_FILE_WRITE,	/* len bytes of buf at offset; creates the file and its folders */
	FOMOS_FILE_REPLACE,	/* the file becomes exactly buf[0..len) (creates it if needed) */
	FOMOS_FILE_SIZE,	/* done = the file's size */
	FOMOS_FILE_LIST,	/* buf gets the folder's entries, one per line ("name\n", folders
				 * end in '/'), NUL terminated; done = bytes written */
	FOMOS_FILE_DELETE,	/* a file, or an empty folder */
};

#define FOMOS_PENDING		1	/* req->status while the kernel works on it */
#define FOMOS_PATH_MAX		128

struct fomos_file {
	uint32_t op;			/* FOMOS_FILE_* */
	uint32_t reserved;
	char path[FOMOS_PATH_MAX];	/* relative to the app's folder: "notes.txt", "a/b.dat";
					 * "" is the folder itself; no "..", no leading '/' */
	void *buf;
	uint64_t offset, len;
	/* Set by the kernel: */
	volatile int32_t status;	/* FOMOS_PENDING, then 0 or a FOMOS_E_* */
	uint32_t reserved2;
	volatile uint64_t done;
};

/* --- services (version 4) --- */
typedef int64_t (FOMOS_CALL *fomos_service_fn)(struct fomos_ctx *ctx, uint64_t a0, uint64_t a1,
    uint64_t a2, uint64_t a3);

/* One function of a published table.  args says which arguments are
 * pointers: FOMOS_ARG_IN(i) (the callee reads it) or FOMOS_ARG_OUT(i) (it
 * writes it; both: in and out), i = 0..2, with the length in bytes in the
 * next argument.  The kernel checks each against the caller's memory.  A
 * pointer into a region both apps see is passed as it is (no copy);
 * anything else of the caller's is copied into the provider's call buffer
 * and (out) back after the call, at most 256 KiB per call.  Any other
 * pointer: FOMOS_E_BADARG, and the provider never runs.  Arguments not
 * named are plain values. */
struct fomos_fn {
	fomos_service_fn fn;
	uint32_t args;
	uint32_t reserved;
};
#define FOMOS_ARG_IN(i)		(1u << (2 * (i)))
#define FOMOS_ARG_OUT(i)	(2u << (2 * (i)))

#define FOMOS_SHARE_READ	1
#define FOMOS_SHARE_WRITE	3	/* read and write */
#define FOMOS_CONSUMERS		0	/* grant(): every app that looked up one of my services */

/* --- 3D (version 6): what gpu_resource creates --------------------------------
 * The numbers are virgl's (Gallium's PIPE_* targets, VIRGL_FORMAT_* and
 * VIRGL_BIND_*), so a stream and a resource speak the same language. */
#define FOMOS_GPU_SUBMIT_MAX	(256u * 1024)	/* bytes per gpu_submit */

#define FOMOS_GPU_BUFFER	0	/* target: vertex, index or constant data */
#define FOMOS_GPU_TEXTURE_2D	2	/* target: textures and render targets */

#define FOMOS_GPU_FORMAT_BGRA	1	/* B8G8R8A8_UNORM: the surface's 0xAARRGGBB */
#define FOMOS_GPU_FORMAT_BGRX	2	/* B8G8R8X8_UNORM */
#define FOMOS_GPU_FORMAT_R8	64	/* R8_UNORM: buffers */
#define FOMOS_GPU_FORMAT_Z24S8	20	/* S8_UINT_Z24_UNORM: depth (GL's DEPTH24_STENCIL8;
					 * virglrenderer has no Z24_UNORM_S8_UINT, 19) */

#define FOMOS_GPU_BIND_DEPTH	(1u << 0)
#define FOMOS_GPU_BIND_RENDER	(1u << 1)
#define FOMOS_GPU_BIND_SAMPLER	(1u << 3)
#define FOMOS_GPU_BIND_VERTEX	(1u << 4)
#define FOMOS_GPU_BIND_INDEX	(1u << 5)
#define FOMOS_GPU_BIND_CONSTANT	(1u << 6)

struct fomos_gpu_res {
	uint32_t target;		/* FOMOS_GPU_BUFFER or FOMOS_GPU_TEXTURE_2D */
	uint32_t format;		/* FOMOS_GPU_FORMAT_* */
	uint32_t bind;			/* FOMOS_GPU_BIND_* */
	uint32_t width, height;		/* a buffer: width is its size in bytes, height 1 */
	uint32_t reserved[3];		/* 0 */
};

/* --- the network (version 5) --- */
#define FOMOS_ARGS_MAX		256
#define FOMOS_NET_SOCKETS	16	/* per app */

enum { FOMOS_NET_TCP = 1, FOMOS_NET_UDP, FOMOS_NET_PING };

#define FOMOS_NET_IN	1	/* net_recv has data or the end of the stream; net_accept a connection */
#define FOMOS_NET_OUT	2	/* net_send has room (TCP: connected) */
#define FOMOS_NET_HUP	4	/* the peer closed its side (TCP) */
#define FOMOS_NET_ERR	8	/* the connection failed or was reset: send and recv say how */

struct fomos_netaddr {
	uint32_t ip;			/* host order */
	uint16_t port;
	uint16_t reserved;
};

#define FOMOS_NAME_MAX		256

struct fomos_resolve {
	char name[FOMOS_NAME_MAX];	/* "example.org", or "10.0.2.2" */
	volatile int32_t status;	/* set by the kernel: FOMOS_PENDING, then 0 or FOMOS_E_* */
	volatile uint32_t ip;		/* the answer, host order */
};

struct fomos_netinfo {
	char name[8];			/* "eth0" */
	uint8_t mac[6];
	uint8_t link_up;		/* the card sees a link */
	uint8_t prefix;			/* netmask length */
	uint32_t ip, gateway, dns;	/* host order; ip 0: no address yet */
	uint32_t mtu;
	uint32_t dhcp;			/* 1: the address came from DHCP */
	uint32_t reserved;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_errors;		/* bad frames, checksums, lengths, protocols */
	uint64_t rx_dropped, tx_errors;
};

int FOMOS_CALL start(struct fomos_ctx *ctx);

#define FOMOS_STR_(x)	#x
#define FOMOS_STR(x)	FOMOS_STR_(x)

#ifndef _WIN32	/* apps are ELF; the kernel, which includes this too, is PE */
/* Tells sdk/app.ld which context version this app was built against
 * (FOMOS_CTX_VERSION, the one place that says it); the loader refuses an
 * app that needs a newer kernel.  Weak, so that every source file of an app
 * may include this header. */
__asm__(".weak __fomos_ctx_version\n.set __fomos_ctx_version, " FOMOS_STR(FOMOS_CTX_VERSION));
#endif

/* --- event types and the evdev codes apps need (linux/input-event-codes.h) -- */

#define FOMOS_EV_KEY		1	/* a keyboard key */
#define FOMOS_EV_BUTTON		2	/* a pointer button (code FOMOS_BTN_*) */
#define FOMOS_EV_MOTION		3	/* code FOMOS_AXIS_X / _Y, value the delta */
#define FOMOS_EV_WHEEL		4	/* code FOMOS_AXIS_WHEEL, value the clicks */
#define FOMOS_EV_SCREEN		5	/* version 6: the screen's size changed; code the new
					 * width, value the new height (every app gets it) */

#define FOMOS_AXIS_X		0
#define FOMOS_AXIS_Y		1
#define FOMOS_AXIS_WHEEL	8

#define FOMOS_BUTTON_LEFT	(1u << 0)	/* bits of fomos_input.buttons */
#define FOMOS_BUTTON_RIGHT	(1u << 1)
#define FOMOS_BUTTON_MIDDLE	(1u << 2)

enum {
	FOMOS_KEY_ESC = 1,
	FOMOS_KEY_1 = 2, FOMOS_KEY_2, FOMOS_KEY_3, FOMOS_KEY_4, FOMOS_KEY_5,
	FOMOS_KEY_6, FOMOS_KEY_7, FOMOS_KEY_8, FOMOS_KEY_9, FOMOS_KEY_0,
	FOMOS_KEY_MINUS = 12, FOMOS_KEY_EQUAL = 13, FOMOS_KEY_BACKSPACE = 14, FOMOS_KEY_TAB = 15,
	FOMOS_KEY_Q = 16, FOMOS_KEY_W, FOMOS_KEY_E, FOMOS_KEY_R, FOMOS_KEY_T,
	FOMOS_KEY_Y, FOMOS_KEY_U, FOMOS_KEY_I, FOMOS_KEY_O, FOMOS_KEY_P,
	FOMOS_KEY_LEFTBRACE = 26, FOMOS_KEY_RIGHTBRACE = 27, FOMOS_KEY_ENTER = 28,
	FOMOS_KEY_LEFTCTRL = 29,
	FOMOS_KEY_A = 30, FOMOS_KEY_S, FOMOS_KEY_D, FOMOS_KEY_F, FOMOS_KEY_G,
	FOMOS_KEY_H, FOMOS_KEY_J, FOMOS_KEY_K, FOMOS_KEY_L,
	FOMOS_KEY_SEMICOLON = 39, FOMOS_KEY_APOSTROPHE = 40, FOMOS_KEY_GRAVE = 41,
	FOMOS_KEY_LEFTSHIFT = 42, FOMOS_KEY_BACKSLASH = 43,
	FOMOS_KEY_Z = 44, FOMOS_KEY_X, FOMOS_KEY_C, FOMOS_KEY_V, FOMOS_KEY_B,
	FOMOS_KEY_N, FOMOS_KEY_M,
	FOMOS_KEY_COMMA = 51, FOMOS_KEY_DOT = 52, FOMOS_KEY_SLASH = 53,
	FOMOS_KEY_RIGHTSHIFT = 54, FOMOS_KEY_LEFTALT = 56, FOMOS_KEY_SPACE = 57,
	FOMOS_KEY_CAPSLOCK = 58,
	FOMOS_KEY_F1 = 59, FOMOS_KEY_F2, FOMOS_KEY_F3, FOMOS_KEY_F4, FOMOS_KEY_F5,
	FOMOS_KEY_F6, FOMOS_KEY_F7, FOMOS_KEY_F8, FOMOS_KEY_F9, FOMOS_KEY_F10,
	FOMOS_KEY_RIGHTCTRL = 97, FOMOS_KEY_RIGHTALT = 100,
	FOMOS_KEY_HOME = 102, FOMOS_KEY_UP = 103, FOMOS_KEY_PAGEUP = 104,
	FOMOS_KEY_LEFT = 105, FOMOS_KEY_RIGHT = 106, FOMOS_KEY_END = 107,
	FOMOS_KEY_DOWN = 108, FOMOS_KEY_PAGEDOWN = 109, FOMOS_KEY_INSERT = 110,
	FOMOS_KEY_DELETE = 111,
	FOMOS_BTN_LEFT = 0x110, FOMOS_BTN_RIGHT = 0x111, FOMOS_BTN_MIDDLE = 0x112,
};

/* --- helpers: header-only, nothing the kernel must provide ------------------- */

/* Logs a NUL-terminated string. */
static inline void fomos_log(struct fomos_ctx *ctx, const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	ctx->log(s, n);
}

/* The app's state: allocated zeroed at the first call, the same pointer
 * after.  NULL only if memory ran out. */
static inline void *fomos_state(struct fomos_ctx *ctx, uint64_t size)
{
	if (!*ctx->store)
		*ctx->store = ctx->calloc(1, size);
	return *ctx->store;
}

/* The next event this app has not seen, or NULL.  *seen is the app's own
 * cursor (keep it in the store, start at 0).  If the app fell more than a
 * ring behind, the oldest events are skipped.  A cursor past the count
 * (a snapshot from a kernel that counted from 0 again after a resume)
 * starts again at 0. */
static inline const struct fomos_event *fomos_next_event(struct fomos_ctx *ctx, uint64_t *seen)
{
	uint64_t count = ctx->input->event_count;

	if (*seen > count)
		*seen = 0;
	if (*seen >= count)
		return 0;
	if (count - *seen > FOMOS_EVENT_RING)
		*seen = count - FOMOS_EVENT_RING;
	return &ctx->input->events[(*seen)++ % FOMOS_EVENT_RING];
}


/* A key event is for this app: v2 keyboard text goes to the focused app
 * only, pointer events to every app.  (ctx->input is shared by all apps.) */
static inline int fomos_event_for_me(const struct fomos_ctx *ctx, const struct fomos_event *e)
{
	if (ctx->version < 2 || e->type != FOMOS_EV_KEY)
		return 1;
	return ctx->input->event_pid[(uint64_t)(e - ctx->input->events)] == ctx->pid;
}

/* Tells the compositor the whole surface changed. */
static inline void fomos_damage_all(struct fomos_ctx *ctx)
{
	if (ctx->version >= 2)
		ctx->damage(0, 0, ctx->fb.width, ctx->fb.height);
}

/* Files, the simple case: fill a request kept in the store and queue it.
 * Returns what ctx->file returned (0: queued; req->status says when done). */
static inline int32_t fomos_file_start(struct fomos_ctx *ctx, struct fomos_file *req,
    uint32_t op, const char *path, void *buf, uint64_t offset, uint64_t len)
{
	uint32_t i;

	if (ctx->version < 3)
		return FOMOS_E_NOTFOUND;
	req->op = op;
	for (i = 0; path[i] && i + 1 < FOMOS_PATH_MAX; i++)
		req->path[i] = path[i];
	req->path[i] = 0;
	if (path[i])
		return FOMOS_E_PATH;
	req->buf = buf;
	req->offset = offset;
	req->len = len;
	return ctx->file(req);
}

/* 1 once the kernel has finished the request (then look at req->status). */
static inline int fomos_file_done(const struct fomos_file *req)
{
	return req->status != FOMOS_PENDING;
}

/* A service handle, looked up once and kept: 0 until found.  Returns
 * the handle or 0 (not there yet: the app is woken when it appears). */
static inline int32_t fomos_service(struct fomos_ctx *ctx, int32_t *handle, const char *name,
    uint32_t min_version)
{
	if (*handle <= 0 && ctx->version >= 4)
		*handle = ctx->lookup(name, min_version);
	return *handle > 0 ? *handle : (*handle = 0);
}

/* Calls a service through a kept handle; a handle whose provider ended
 * is forgotten, so the next fomos_service() looks it up again. */
static inline int64_t fomos_call(struct fomos_ctx *ctx, int32_t *handle, uint32_t fn, uint64_t a0,
    uint64_t a1, uint64_t a2, uint64_t a3)
{
	int64_t r;

	if (*handle <= 0)
		return FOMOS_E_GONE;
	r = ctx->call(*handle, fn, a0, a1, a2, a3);
	if (r == FOMOS_E_GONE || r == FOMOS_E_FAULT)
		*handle = 0;
	return r;
}

/* --- network helpers (version 5) --- */

#define FOMOS_IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* A TCP socket, listening on port (any address, listen != 0) or being
 * connected to ip:port: the handle, or a FOMOS_E_* (nothing left open). */
static inline int32_t fomos_tcp_open(struct fomos_ctx *ctx, int listen, uint32_t ip, uint32_t port,
    uint32_t backlog)
{
	int32_t s, r;

	if (ctx->version < 5)
		return FOMOS_E_NONET;
	s = ctx->net_socket(FOMOS_NET_TCP);
	if (s < 0)
		return s;
	r = listen ? ctx->net_bind(s, ip, port) : ctx->net_connect(s, ip, port);
	if (r >= 0 && listen)
		r = ctx->net_listen(s, backlog);
	if (r < 0) {
		ctx->net_close(s);
		return r;
	}
	return s;
}

/* A TCP socket listening on port (any address): the handle, or a FOMOS_E_*. */
static inline int32_t fomos_tcp_listen(struct fomos_ctx *ctx, uint32_t port, uint32_t backlog)
{
	return fomos_tcp_open(ctx, 1, 0, port, backlog);
}

/* A TCP connection being made to ip:port: the handle (then wait for
 * FOMOS_NET_OUT or FOMOS_NET_ERR from net_poll), or a FOMOS_E_*. */
static inline int32_t fomos_tcp_connect(struct fomos_ctx *ctx, uint32_t ip, uint32_t port)
{
	return fomos_tcp_open(ctx, 0, ip, port, 0);
}

/* Sends what fits now of buf[*done..len), advancing *done: 1 once all of
 * it is queued, 0 if some is left (call again later), or a FOMOS_E_*. */
static inline int fomos_send_some(struct fomos_ctx *ctx, int32_t s, const void *buf, uint64_t len,
    uint64_t *done)
{
	while (*done < len) {
		int64_t n = ctx->net_send(s, (const uint8_t *)buf + *done, len - *done, 0);

		if (n == FOMOS_E_AGAIN)
			return 0;
		if (n < 0)
			return (int)n;
		*done += (uint64_t)n;
	}
	return 1;
}

/* "a.b.c.d" into out (16 bytes is always enough); returns out. */
static inline char *fomos_ip_text(uint32_t ip, char *out)
{
	char *p = out;
	int i;

	for (i = 3; i >= 0; i--) {
		uint32_t b = (ip >> (8 * i)) & 0xff;

		if (b >= 100)
			*p++ = (char)('0' + b / 100);
		if (b >= 10)
			*p++ = (char)('0' + b / 10 % 10);
		*p++ = (char)('0' + b % 10);
		if (i)
			*p++ = '.';
	}
	*p = 0;
	return out;
}

#endif
