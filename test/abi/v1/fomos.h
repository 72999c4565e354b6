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
 * An app includes this header and nothing else of the system.  Build it with
 * sdk/fomos-cc (see sdk/README.md).
 */
#ifndef FOMOS_H
#define FOMOS_H

#include <stdint.h>

#define FOMOS_CALL __attribute__((sysv_abi))

#define FOMOS_CTX_VERSION	1

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
	uint64_t event_count;			/* events queued since boot */
	struct fomos_event events[FOMOS_EVENT_RING];	/* event n is events[n % FOMOS_EVENT_RING] */
	uint8_t  keys[FOMOS_KEY_COUNT];		/* 1 while the key with that evdev code is held */
};

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
	const struct fomos_input *input;
};

int FOMOS_CALL start(struct fomos_ctx *ctx);

#ifndef _WIN32	/* apps are ELF; the kernel, which includes this too, is PE */
/* Tells sdk/app.ld which context version this app was built against; the
 * loader refuses an app that needs a newer kernel.  Weak, so that every
 * source file of an app may include this header. */
__asm__(".weak __fomos_ctx_version\n.set __fomos_ctx_version, 1");
#endif

/* --- event types and the evdev codes apps need (linux/input-event-codes.h) -- */

#define FOMOS_EV_KEY		1	/* a keyboard key */
#define FOMOS_EV_BUTTON		2	/* a pointer button (code FOMOS_BTN_*) */
#define FOMOS_EV_MOTION		3	/* code FOMOS_AXIS_X / _Y, value the delta */
#define FOMOS_EV_WHEEL		4	/* code FOMOS_AXIS_WHEEL, value the clicks */

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
 * ring behind, the oldest events are skipped. */
static inline const struct fomos_event *fomos_next_event(struct fomos_ctx *ctx, uint64_t *seen)
{
	uint64_t count = ctx->input->event_count;

	if (*seen >= count)
		return 0;
	if (count - *seen > FOMOS_EVENT_RING)
		*seen = count - FOMOS_EVENT_RING;
	return &ctx->input->events[(*seen)++ % FOMOS_EVENT_RING];
}

#endif
