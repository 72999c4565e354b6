/*
 * The executor core: the app table, the context and every service it
 * offers, the round, and how apps end.  Portable: the kernel, fomos-host and
 * the unit tests build this very file over a platform of their own
 * (exec_plat.h); nothing of it exists twice.  In the kernel it is built
 * without -mgeneral-regs-only: it calls apps, which may use SSE, and clang
 * must save the Windows ABI's callee-saved xmm6-15 around those calls.
 *
 * The seed's promises made concrete here:
 *   - return = yield: exec_call() interprets start()'s return value;
 *   - *store survives: it is a slot of the app's context page, in its own
 *     home (struct exec_page), never the kernel's memory;
 *   - the executor keeps its own truth: the context an app gets is a fresh
 *     copy of app->ctx, written into its page at every call, so scribbling
 *     on it changes nothing; its input is a view of its own there too;
 *   - wrapping the context: `trace` and `nosys` build a different context
 *     (other function pointers); no flag is tested on any path the app calls.
 *
 * The context is a trust boundary.  Every pointer and length an app hands a
 * service is checked against the parts of its own home that are mapped
 * (exec_app_range, overflow-safe) before the executor reads or writes
 * through it; a service misused that way ends the app at once, as a fault
 * does (exec_misuse), except file(), which answers FOMOS_E_BADARG.  What
 * the executor answers is built in its own memory and copied out.  On the
 * kernel the app's memory is closed to a service (SMAP) but for the checked
 * accesses between plat_user_open() and plat_user_close(), and other homes
 * are closed by their protection keys: a check this file forgot still ends
 * only the app (exec_trespassed).
 *
 * Least privilege: an app sees the pointer, and key events only when they
 * were typed into its own window (or into no window); system() runs only
 * what concerns the app itself unless it has `admin`; it may have at most
 * `spawn` apps it started running at once; its log lines are escaped and
 * tagged, never glued to another's.
 */
#include "appfile.h"
#include "display.h"
#include "exception.h"
#include "exec_priv.h"
#include "inputhub.h"
#include "lib.h"
#include "log.h"
#include "term.h"
#include "wm.h"

#define EXEC_LOG_MAX		1024		/* most bytes one log() call takes */
#define EXEC_LOG_LINE		160		/* longer lines are split */
#define EXEC_WIN_MAX		8192		/* a window's largest side */
#define EXEC_WIN_FLAGS		(FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS | FOMOS_WIN_OPAQUE | \
				 FOMOS_WIN_CURSOR)
#define EXEC_CURSOR_MAX		64		/* a pointer window's largest side */
#define EXEC_ONSCREEN		32		/* pixels of a window kept on a smaller screen */
#define EXEC_LINE_MAX		128		/* a command line for system() */
#define EXEC_ANSWER_MAX		16384		/* what system() can hand back */
#define EXEC_RESTART_MAX_MS	30000ull


struct app *exec_apps;
static struct app *exec_apps_tail;
struct app *exec_current;		/* the app being called, for the context's functions */
/* The call in progress, for the platform's tick and fault handlers. */
static volatile uint64_t exec_cur_call;
volatile uint64_t exec_cur_start;
volatile int32_t exec_call_aborted;	/* the current call was cut short: a->ended_by says why */
void *const *exec_services;		/* the current app's services, for the SYSCALL entry */
static struct app *exec_spawner;	/* the app whose system() call is running */
static uint64_t exec_calls_made;
static uint64_t exec_next_pid = 1;
static uint8_t exec_slots[EXEC_MAX_SLOTS];
static int exec_quiet;			/* no per-app start/end lines */
int exec_unprotected;			/* benchmark only: call apps on the caller's stack, no budget */
static int exec_walking;		/* > 0 while a loop walks the apps: records are freed after it */
static uint32_t exec_ended_unreaped;
static uint64_t exec_focus;		/* pid of the app with the keyboard focus, 0: none */
static char exec_error[160];		/* why the last start failed */
static uint32_t exec_screen_w, exec_screen_h;
static exec_system_fn *exec_system_cmd;
static struct exec_info exec_ended[EXEC_ENDED_KEEP];	/* a ring: the latest ended apps */
static uint64_t exec_ended_count;

static void exec_fail(const char *fmt, ...) FMT_PRINTF(1, 2);
static void exec_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(exec_error, sizeof(exec_error), fmt, ap);
	va_end(ap);
}

const char *exec_last_error(void)
{
	return exec_error;
}

void exec_init(uint32_t screen_w, uint32_t screen_h)
{
	exec_screen_w = screen_w;
	exec_screen_h = screen_h;
}

/* The screen changed size: apps see it from their next call (and get the
 * hub's FOMOS_EV_SCREEN event).  A window that was wholly on the old screen
 * is kept wholly on the new one where it fits (moved up and left as
 * little as needed); one that already hung off keeps at least its corner
 * on it. */
void exec_set_screen(uint32_t w, uint32_t h)
{
	int32_t ow = (int32_t)exec_screen_w, oh = (int32_t)exec_screen_h, sw = (int32_t)w, sh = (int32_t)h;
	struct app *a;

	exec_screen_w = w;
	exec_screen_h = h;
	for (a = exec_apps; a; a = a->next) {
		struct compose_layer *l = &a->layer;
		int32_t x = l->x, y = l->y, lw = (int32_t)l->width, lh = (int32_t)l->height;
		int inside = x >= 0 && y >= 0 && x + lw <= ow && y + lh <= oh;

		a->ctx.screen_width = w;
		a->ctx.screen_height = h;
		if (a->state != APP_RUNNING || !a->surface_bytes || (a->win_flags & FOMOS_WIN_CURSOR))
			continue;
		if (inside) {
			x = MAX(0, MIN(x, sw - lw));
			y = MAX(0, MIN(y, sh - lh));
		} else {
			if (x > sw - EXEC_ONSCREEN)
				x = MAX(0, sw - MIN(lw, sw));
			if (y > sh - EXEC_ONSCREEN)
				y = MAX(0, sh - MIN(lh, sh));
			if (x + lw < EXEC_ONSCREEN)
				x = 0;
			if (y + lh < EXEC_ONSCREEN)
				y = 0;
		}
		display_move(l, x, y);
	}
}

void exec_set_system(exec_system_fn *fn)
{
	exec_system_cmd = fn;
}

/* --- the trust boundary ------------------------------------------------------ */

/* [p, p+len) lies inside [start, start+size): no sum that can wrap. */
static int exec_within(uint64_t p, uint64_t len, uint64_t start, uint64_t size)
{
	return p >= start && p - start <= size && len <= size - (p - start);
}

int exec_app_range(const struct app *a, const void *ptr, uint64_t len, int write)
{
	uint64_t p = (uint64_t)(uintptr_t)ptr, ro = write ? a->data_start : 0;

	if (!len)
		return 1;
	/* The parts never touch, so a range must lie within one of them. */
	return (a->image_bytes && exec_within(p, len, a->home + ro, a->image_bytes - ro)) ||
	    exec_within(p, len, a->home + EXEC_SURFACE_OFFSET, a->surface_bytes) ||
	    exec_within(p, len, a->mem.base, a->mem.mapped) ||
	    (a->stack_top && exec_within(p, len, a->stack_top - EXEC_STACK_SIZE, EXEC_STACK_SIZE)) ||
	    (a->page && exec_within(p, len, (uint64_t)(uintptr_t)a->page, EXEC_PAGE_BYTES)) ||
	    (a->callbuf && exec_within(p, len, a->home + EXEC_CALLBUF_OFFSET, EXEC_CALLBUF_BYTES)) ||
	    exec_share_range(a, p, len, write);
}

/* A service used wrongly (a pointer that is not the app's memory, a free
 * of something calloc never gave): the app ends now, as a fault ends it.
 * Called before the service changed anything. */
static void exec_misuse(struct app *a, const char *fmt, ...) FMT_PRINTF(2, 3);
static void exec_misuse(struct app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
	a->ended_by = APP_END_MISUSE;
	exec_call_aborted = 1;
	if (!exec_unprotected)
		exec_leave();
	/* Unprotected (the benchmark's baseline): it ends when it returns. */
}

/* --- the context's functions ------------------------------------------------ */

/* One line of an app's log: "name[pid]: " and the text, every control
 * byte written as \xNN (an app cannot move the cursor, clear the screen
 * or start a line that reads like the kernel's).  Returns how many bytes
 * of text it took: at most EXEC_LOG_LINE of escaped output, so a long line
 * goes out as several, each tagged. */
static uint32_t exec_log_line(const struct app *a, const char *text, uint32_t len)
{
	static const char hex[] = "0123456789abcdef";
	char out[EXEC_LOG_LINE + 4];
	uint32_t i, n = 0;

	for (i = 0; i < len && n < EXEC_LOG_LINE; i++) {
		uint8_t c = (uint8_t)text[i];

		if (c >= 0x20 && c != 0x7f) {
			out[n++] = (char)c;
			continue;
		}
		out[n++] = '\\';
		out[n++] = 'x';
		out[n++] = hex[c >> 4];
		out[n++] = hex[c & 15];
	}
	klog("%s[%llu]: %.*s\n", a->name, ULL(a->pid), (int)n, out);
	return i;
}

static FOMOS_CALL void exec_log(const char *text, uint32_t len)
{
	static char copy[EXEC_LOG_MAX];
	struct app *a = exec_current;
	uint32_t i, end;

	EXEC_SERVICE();
	len = MIN(len, EXEC_LOG_MAX);
	if (!exec_app_range(a, text, len, 0)) {
		exec_misuse(a, "log(%p, %u): not its memory", (const void *)text, len);
		return;
	}
	plat_user_open();
	memcpy(copy, text, len);	/* read once: the app cannot change it under us */
	plat_user_close();
	while (len && (copy[len - 1] == '\n' || copy[len - 1] == '\r'))
		len--;
	/* A line per line the app wrote, never glued to the next. */
	for (i = 0; i <= len; i = end + 1) {
		uint32_t stop;

		for (end = i; end < len && copy[end] != '\n'; end++)
			;
		stop = end > i && copy[end - 1] == '\r' ? end - 1 : end;
		do
			i += exec_log_line(a, copy + i, stop - i);
		while (i < stop);
	}
}

static int exec_map_arena(uint64_t va, uint64_t bytes)
{
	return plat_map(va, bytes, PLAT_RW);
}

/* The arena's bookkeeping lives in the arena, which the app can write:
 * the heap checks everything it reads there (heap.c). */
static FOMOS_CALL void *exec_calloc(uint64_t count, uint64_t size)
{
	void *p;

	EXEC_SERVICE();
	plat_user_open();
	p = appmem_calloc(&exec_current->mem, count, size);
	plat_user_close();
	if (!p && appmem_corrupt(&exec_current->mem))
		exec_misuse(exec_current, "calloc(%llu, %llu): its arena's bookkeeping was overwritten",
		    ULL(count), ULL(size));
	return p;
}

static FOMOS_CALL void exec_free(void *ptr)
{
	struct app *a = exec_current;
	const char *why;

	EXEC_SERVICE();
	plat_user_open();
	why = appmem_free(&a->mem, ptr);
	plat_user_close();
	if (why)
		exec_misuse(a, "free(%p): %s", ptr, why);
}

/* The `trace` wrapper: same services, every call logged. */
static FOMOS_CALL void *exec_trace_calloc(uint64_t count, uint64_t size)
{
	void *p = exec_calloc(count, size);	/* which clears DF first */

	klog("%s[%llu]: trace: calloc(%llu, %llu) = %p\n", exec_current->name, ULL(exec_current->pid),
	    ULL(count), ULL(size), p);
	return p;
}

static FOMOS_CALL void exec_trace_free(void *ptr)
{
	EXEC_SERVICE();
	klog("%s[%llu]: trace: free(%p)\n", exec_current->name, ULL(exec_current->pid), ptr);
	exec_free(ptr);
}

/* --- v2: windows, focus, the system, the terminal ------------------------------ */

uint64_t exec_focus_pid(void)
{
	return exec_focus;
}

void exec_set_focus(uint64_t pid)
{
	exec_focus = pid;
	inputhub_set_focus(pid);
}

static void exec_no_surface(struct app *a)
{
	a->surface_bytes = 0;
	a->ctx.fb = a->page->ctx.fb = (struct fomos_surface){ 0, 0, 0, 0, 0 };	/* user memory open */
}

/* A new, transparent surface of w x h for a; the old one goes.  If memory
 * runs short the old size comes back (empty) and this returns -1. */
static int exec_resize_surface(struct app *a, uint32_t w, uint32_t h)
{
	uint64_t va = a->home + EXEC_SURFACE_OFFSET, bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);
	uint64_t old = a->surface_bytes;
	struct compose_layer *l = &a->layer;

	/* A surface up to the screen's size is every app's; a larger one
	 * counts against its quota, with its arena. */
	if (bytes > ALIGN_UP((uint64_t)exec_screen_w * exec_screen_h * 4, PAGE_SIZE) &&
	    bytes + a->mem.mapped > a->mem.quota)
		return -1;
	if (bytes > old && !plat_room(bytes - old))
		return -1;
	display_damage(display_visible(l));
	plat_unmap(va, old);
	if (plat_map(va, bytes, PLAT_RW | PLAT_TRACK) < 0) {
		l->content = (struct compose_rect){ 0, 0, 0, 0 };
		if (plat_map(va, old, PLAT_RW | PLAT_TRACK) < 0) {
			/* Not even the old size: no surface rather than one the
			 * compositor would read from unmapped pages. */
			display_remove_layer(l);
			exec_no_surface(a);
		}
		return -1;
	}
	a->surface_bytes = bytes;
	l->width = l->stride = w;
	l->height = h;
	l->content = (struct compose_rect){ 0, 0, 0, 0 };
	a->ctx.fb = (struct fomos_surface){ (uint32_t *)(uintptr_t)va, w, h, w, 0 };
	a->page->ctx.fb = a->ctx.fb;		/* the app sees its new surface in this very call */
	return 0;
}

/* The app's copy of its context learns the new state in this very call:
 * user memory is open (exec_window). */
static int32_t exec_window_set(struct app *a, int32_t x, int32_t y, uint32_t w, uint32_t h, uint32_t flags)
{
	struct compose_layer *l = &a->layer;
	const struct compose_layer *cursor = display_cursor();

	if (!a->surface_bytes || !w || !h || w > EXEC_WIN_MAX || h > EXEC_WIN_MAX ||
	    (flags & ~EXEC_WIN_FLAGS) || ((flags & FOMOS_WIN_TOP) && (flags & FOMOS_WIN_BOTTOM)) ||
	    x < -(1 << 20) || x > (1 << 20) || y < -(1 << 20) || y > (1 << 20) ||
	    ((flags & FOMOS_WIN_CURSOR) && (w > EXEC_CURSOR_MAX || h > EXEC_CURSOR_MAX)))
		return FOMOS_E_BADARG;
	if ((flags & FOMOS_WIN_CURSOR) && cursor && cursor != l)
		return FOMOS_E_BUSY;	/* another app's window is the pointer */
	if ((w != l->width || h != l->height) && exec_resize_surface(a, w, h) < 0)
		return FOMOS_E_NOMEM;
	if (flags & FOMOS_WIN_CURSOR) {
		/* The pointer's window is where the pointer is, whatever the
		 * app asked: the kernel moves it from now on. */
		x = inputhub_shared()->pointer_x;
		y = inputhub_shared()->pointer_y;
	}
	display_move(l, x, y);
	l->opaque = !!(flags & FOMOS_WIN_OPAQUE);
	if ((flags ^ a->win_flags) & (FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS))
		display_place(l, wm_band_of(flags), !!(flags & FOMOS_WIN_NOFOCUS));
	if ((flags ^ a->win_flags) & FOMOS_WIN_OPAQUE)
		display_damage((struct compose_rect){ x, y, x + (int32_t)w, y + (int32_t)h });
	if (flags & FOMOS_WIN_CURSOR)
		display_set_cursor(l);
	else if (cursor == l)
		display_set_cursor(NULL);
	a->win_flags = a->page->ctx.win_flags = flags;
	a->page->ctx.win_x = x;
	a->page->ctx.win_y = y;
	if ((flags & FOMOS_WIN_NOFOCUS) && exec_focus == a->pid)
		exec_set_focus(0);
	a->page->ctx.focused = exec_focus == a->pid;
	return 0;
}

static FOMOS_CALL int32_t exec_window(int32_t x, int32_t y, uint32_t w, uint32_t h, uint32_t flags)
{
	int32_t r;

	EXEC_SERVICE();
	plat_user_open();
	r = exec_window_set(exec_current, x, y, w, h, flags);
	plat_user_close();
	return r;
}

static FOMOS_CALL void exec_raise(void)
{
	struct app *a = exec_current;

	EXEC_SERVICE();
	if (!a->surface_bytes)
		return;
	display_raise(&a->layer);
	if (!(a->win_flags & FOMOS_WIN_NOFOCUS)) {
		exec_set_focus(a->pid);
		plat_user_open();
		a->page->ctx.focused = 1;
		plat_user_close();
	}
}

static FOMOS_CALL void exec_damage_rect(int32_t x, int32_t y, uint32_t w, uint32_t h)
{
	struct app *a = exec_current;
	struct compose_layer *l = &a->layer;
	int64_t x1 = (int64_t)x + w, y1 = (int64_t)y + h;
	struct compose_rect r;

	EXEC_SERVICE();
	a->damages = 1;
	r.x0 = MAX(x, 0);
	r.y0 = MAX(y, 0);
	r.x1 = (int32_t)MIN(x1, (int64_t)l->width);
	r.y1 = (int32_t)MIN(y1, (int64_t)l->height);
	if (!a->surface_bytes || compose_empty(r))
		return;
	l->content = compose_union(l->content, r);
	display_damage_layer(l, r);
}

/* The answer goes out cut to cap (NUL included); the return value is its
 * full length, as fomos.h promises. */
static void exec_answer(char *out, uint32_t cap, const char *answer, uint64_t len)
{
	uint64_t n;

	if (!cap)
		return;
	n = MIN(len, (uint64_t)cap - 1);
	n = MIN(n, (uint64_t)EXEC_ANSWER_MAX - 1);
	plat_user_open();
	memcpy(out, answer, n);
	out[n] = 0;
	plat_user_close();
}

static FOMOS_CALL int64_t exec_system(const char *line, uint32_t len, char *out, uint32_t cap)
{
	static char copy[EXEC_LINE_MAX], answer[EXEC_ANSWER_MAX];
	struct app *a = exec_current;
	int64_t r;

	EXEC_SERVICE();
	if (!exec_app_range(a, line, len, 0) || !exec_app_range(a, out, cap, 1)) {
		exec_misuse(a, "system(%p, %u, %p, %u): not its memory", (const void *)line, len, (void *)out, cap);
		return FOMOS_E_BADARG;
	}
	if (len >= sizeof(copy)) {
		r = fmt_snprintf(answer, sizeof(answer), "command line too long (%u bytes; at most %u)\n",
		    len, (uint32_t)sizeof(copy) - 1);
		exec_answer(out, cap, answer, (uint64_t)r);
		return FOMOS_E_NOTFOUND;
	}
	plat_user_open();
	memcpy(copy, line, len);	/* the command works on our copy, never the app's memory */
	plat_user_close();
	copy[len] = 0;
	answer[0] = 0;
	exec_spawner = a;		/* apps started now are its children (exec_start) */
	/* The command works on the kernel's copies only, and may load, save or
	 * end other apps: every home open while it runs, the app's own rights
	 * back before anything of the app's is touched again. */
	plat_homes_open();
	plat_user_open();
	r = exec_system_cmd ? exec_system_cmd(copy, answer, sizeof(answer), a->pid, a->opts.admin) : -1;
	plat_user_close();
	exec_share_switch(a);
	exec_spawner = NULL;
	exec_answer(out, cap, answer, r < 0 ? strlen(answer) : (uint64_t)r);
	return r == -2 ? FOMOS_E_PERM : r < 0 ? FOMOS_E_NOTFOUND : r;
}

/* The `nosys` wrapper: the same app, no system. */
static FOMOS_CALL int64_t exec_system_refused(const char *line, uint32_t len, char *out, uint32_t cap)
{
	static const char msg[] = "the system is not available to this app (nosys)\n";
	struct app *a = exec_current;

	EXEC_SERVICE();
	if (!exec_app_range(a, out, cap, 1)) {
		exec_misuse(a, "system(%p, %u, %p, %u): not its memory", (const void *)line, len, (void *)out, cap);
		return FOMOS_E_BADARG;
	}
	exec_answer(out, cap, msg, sizeof(msg) - 1);
	return FOMOS_E_NOTFOUND;
}

static FOMOS_CALL uint32_t exec_term_read(char *buf, uint32_t cap)
{
	struct app *a = exec_current;

	EXEC_SERVICE();
	if (!exec_app_range(a, buf, cap, 1)) {
		exec_misuse(a, "term_read(%p, %u): not its memory", (void *)buf, cap);
		return 0;
	}
	if (!cap || !term_claim(a->pid))
		return 0;	/* another app's terminal */
	plat_user_open();
	cap = term_read(buf, cap);
	plat_user_close();
	return cap;
}

static FOMOS_CALL void exec_term_write(const char *text, uint32_t len)
{
	struct app *a = exec_current;

	EXEC_SERVICE();
	if (!exec_app_range(a, text, len, 0)) {
		exec_misuse(a, "term_write(%p, %u): not its memory", (const void *)text, len);
		return;
	}
	if (!len)
		return;
	plat_user_open();
	plat_term_write(text, len);
	plat_user_close();
}

static FOMOS_CALL int32_t exec_file(struct fomos_file *req)
{
	int32_t r;

	EXEC_SERVICE();
	plat_user_open();	/* exec_files_submit checks req before it reads it */
	r = exec_files_submit(exec_current, req);
	plat_user_close();
	return r;
}

/* A left click gives the focus to the window under the pointer and raises
 * it.  Looked at once per turn, after the drivers queued what arrived. */
void exec_clicks(void)
{
	static uint64_t seen;
	const struct fomos_input *in = inputhub_shared();
	const struct compose_layer *l;
	struct compose_layer *cursor = display_cursor();
	struct app *a;
	int click = 0;

	/* The pointer's window follows the pointer at once, not at its app's
	 * next call (a hardware cursor: one small command, no composition). */
	if (cursor && (cursor->x != in->pointer_x || cursor->y != in->pointer_y))
		display_move(cursor, in->pointer_x, in->pointer_y);
	if (seen + FOMOS_EVENT_RING < in->event_count)
		seen = in->event_count - FOMOS_EVENT_RING;
	for (; seen < in->event_count; seen++) {
		const struct fomos_event *e = &in->events[seen % FOMOS_EVENT_RING];

		click |= e->type == FOMOS_EV_BUTTON && e->code == FOMOS_BTN_LEFT && e->value == 1;
	}
	if (!click || !(l = display_hit(in->pointer_x, in->pointer_y)))
		return;
	for (a = exec_apps; a; a = a->next)
		if (a->state == APP_RUNNING && a->surface_bytes && &a->layer == l)
			break;
	if (!a)
		return;
	display_raise(&a->layer);
	if (exec_focus != a->pid)
		exec_set_focus(a->pid);
}

/* Its view of the input, brought up to date before each call: the pointer
 * always; key events (and the held keys) only those typed into its own
 * window or into none.  Another app's keys become empty events (type 0),
 * so the ring's numbering stays the hub's.  The view is the app's to
 * scribble on: the kernel keeps its own count (input_seen). */
static void exec_sync_input(struct app *a)
{
	const struct fomos_input *hub = inputhub_shared();
	struct fomos_input *v = &a->page->input;
	uint64_t n = a->input_seen, end = hub->event_count;
	int keys = exec_focus == a->pid || !exec_focus;

	/* keys[] changes only with a key event: copied when events arrived or
	 * the focus moved, not at every call. */
	if (keys && (n != end || !a->keys_shown))
		memcpy(v->keys, hub->keys, sizeof(v->keys));
	else if (!keys && a->keys_shown)
		memset(v->keys, 0, sizeof(v->keys));
	a->keys_shown = (uint8_t)keys;

	v->pointer_x = hub->pointer_x;
	v->pointer_y = hub->pointer_y;
	v->buttons = hub->buttons;
	if (end - n > FOMOS_EVENT_RING)
		n = end - FOMOS_EVENT_RING;
	for (; n < end; n++) {
		const struct fomos_event *e = &hub->events[n % FOMOS_EVENT_RING];
		uint64_t pid = hub->event_pid[n % FOMOS_EVENT_RING];

		if (e->type != FOMOS_EV_KEY || pid == a->pid || !pid)
			v->events[n % FOMOS_EVENT_RING] = *e;
		else
			v->events[n % FOMOS_EVENT_RING] = (struct fomos_event){ e->time_ns, 0, 0, 0, 0 };
		v->event_pid[n % FOMOS_EVENT_RING] = pid;
	}
	v->event_count = end;
	a->input_seen = end;
}

/* The context is where wrapping happens: a traced app simply gets other
 * services.  ctx holds what the app's copy starts as (the platform's stubs,
 * or the services themselves); services the table the stubs lead to. */
static void exec_build_ctx(struct app *a)
{
	static void *const plain[EXEC_SVC_COUNT] = {
		[EXEC_SVC_LOG] = (void *)exec_log, [EXEC_SVC_CALLOC] = (void *)exec_calloc,
		[EXEC_SVC_FREE] = (void *)exec_free, [EXEC_SVC_WINDOW] = (void *)exec_window,
		[EXEC_SVC_RAISE] = (void *)exec_raise, [EXEC_SVC_DAMAGE] = (void *)exec_damage_rect,
		[EXEC_SVC_SYSTEM] = (void *)exec_system, [EXEC_SVC_TERM_READ] = (void *)exec_term_read,
		[EXEC_SVC_TERM_WRITE] = (void *)exec_term_write, [EXEC_SVC_FILE] = (void *)exec_file,
		[EXEC_SVC_PUBLISH] = (void *)exec_publish, [EXEC_SVC_LOOKUP] = (void *)exec_lookup,
		[EXEC_SVC_CALL] = (void *)exec_svc_call, [EXEC_SVC_SHARE] = (void *)exec_share,
		[EXEC_SVC_GRANT] = (void *)exec_grant,
	};
	_Static_assert(EXEC_SVC_GPU - EXEC_SVC_NET == EXEC_NET_SVCS, "the network's services");
	_Static_assert(EXEC_SVC_COUNT - EXEC_SVC_GPU == EXEC_GPU_SVCS, "the GPU's services");
	void *fn[EXEC_SVC_COUNT];
	uint32_t n;

	memcpy(a->services, plain, sizeof(plain));
	memcpy(&a->services[EXEC_SVC_NET], exec_net_services, sizeof(exec_net_services));
	memcpy(&a->services[EXEC_SVC_GPU], exec_gpu_services, sizeof(exec_gpu_services));
	if (a->opts.trace) {
		a->services[EXEC_SVC_CALLOC] = (void *)exec_trace_calloc;
		a->services[EXEC_SVC_FREE] = (void *)exec_trace_free;
	}
	if (a->opts.nosys)
		a->services[EXEC_SVC_SYSTEM] = (void *)exec_system_refused;
	for (n = 0; n < EXEC_SVC_COUNT; n++) {
		uint64_t stub = plat_service_stub(n);

		fn[n] = stub ? (void *)(uintptr_t)stub : a->services[n];
	}
	a->ctx.version = EXEC_CTX_VERSION;
	a->ctx.size = sizeof(struct fomos_ctx);
	a->ctx.pid = a->pid;
	a->ctx.log = (void (FOMOS_CALL *)(const char *, uint32_t))fn[EXEC_SVC_LOG];
	a->ctx.calloc = (void *(FOMOS_CALL *)(uint64_t, uint64_t))fn[EXEC_SVC_CALLOC];
	a->ctx.free = (void (FOMOS_CALL *)(void *))fn[EXEC_SVC_FREE];
	a->ctx.store = &a->page->store;
	a->ctx.input = &a->page->input;
	a->ctx.screen_width = exec_screen_w;
	a->ctx.screen_height = exec_screen_h;
	a->ctx.window = (int32_t (FOMOS_CALL *)(int32_t, int32_t, uint32_t, uint32_t, uint32_t))fn[EXEC_SVC_WINDOW];
	a->ctx.raise = (void (FOMOS_CALL *)(void))fn[EXEC_SVC_RAISE];
	a->ctx.damage = (void (FOMOS_CALL *)(int32_t, int32_t, uint32_t, uint32_t))fn[EXEC_SVC_DAMAGE];
	a->ctx.system = (int64_t (FOMOS_CALL *)(const char *, uint32_t, char *, uint32_t))fn[EXEC_SVC_SYSTEM];
	a->ctx.term_read = (uint32_t (FOMOS_CALL *)(char *, uint32_t))fn[EXEC_SVC_TERM_READ];
	a->ctx.term_write = (void (FOMOS_CALL *)(const char *, uint32_t))fn[EXEC_SVC_TERM_WRITE];
	a->ctx.file = (int32_t (FOMOS_CALL *)(struct fomos_file *))fn[EXEC_SVC_FILE];
	a->ctx.publish = (int32_t (FOMOS_CALL *)(const char *, uint32_t, const struct fomos_fn *, uint32_t))
	    fn[EXEC_SVC_PUBLISH];
	a->ctx.lookup = (int32_t (FOMOS_CALL *)(const char *, uint32_t))fn[EXEC_SVC_LOOKUP];
	a->ctx.call = (int64_t (FOMOS_CALL *)(int32_t, uint32_t, uint64_t, uint64_t, uint64_t, uint64_t))
	    fn[EXEC_SVC_CALL];
	a->ctx.share = (void *(FOMOS_CALL *)(uint64_t))fn[EXEC_SVC_SHARE];
	a->ctx.grant = (int32_t (FOMOS_CALL *)(void *, uint64_t, uint32_t))fn[EXEC_SVC_GRANT];
	a->ctx.args = a->page->args;
	a->ctx.net_socket = (int32_t (FOMOS_CALL *)(uint32_t))fn[EXEC_SVC_NET];
	a->ctx.net_bind = (int32_t (FOMOS_CALL *)(int32_t, uint32_t, uint32_t))fn[EXEC_SVC_NET + 1];
	a->ctx.net_listen = (int32_t (FOMOS_CALL *)(int32_t, uint32_t))fn[EXEC_SVC_NET + 2];
	a->ctx.net_accept = (int32_t (FOMOS_CALL *)(int32_t, struct fomos_netaddr *))fn[EXEC_SVC_NET + 3];
	a->ctx.net_connect = (int32_t (FOMOS_CALL *)(int32_t, uint32_t, uint32_t))fn[EXEC_SVC_NET + 4];
	a->ctx.net_send = (int64_t (FOMOS_CALL *)(int32_t, const void *, uint64_t, const struct fomos_netaddr *))
	    fn[EXEC_SVC_NET + 5];
	a->ctx.net_recv = (int64_t (FOMOS_CALL *)(int32_t, void *, uint64_t, struct fomos_netaddr *))
	    fn[EXEC_SVC_NET + 6];
	a->ctx.net_close = (int32_t (FOMOS_CALL *)(int32_t))fn[EXEC_SVC_NET + 7];
	a->ctx.net_poll = (int32_t (FOMOS_CALL *)(int32_t))fn[EXEC_SVC_NET + 8];
	a->ctx.net_resolve = (int32_t (FOMOS_CALL *)(struct fomos_resolve *))fn[EXEC_SVC_NET + 9];
	a->ctx.net_info = (int32_t (FOMOS_CALL *)(struct fomos_netinfo *))fn[EXEC_SVC_NET + 10];
	a->ctx.gpu_open = (int32_t (FOMOS_CALL *)(void))fn[EXEC_SVC_GPU];
	a->ctx.gpu_resource = (int32_t (FOMOS_CALL *)(const struct fomos_gpu_res *))fn[EXEC_SVC_GPU + 1];
	a->ctx.gpu_free = (int32_t (FOMOS_CALL *)(int32_t))fn[EXEC_SVC_GPU + 2];
	a->ctx.gpu_submit = (int32_t (FOMOS_CALL *)(const uint32_t *, uint32_t))fn[EXEC_SVC_GPU + 3];
	a->ctx.gpu_show = (int32_t (FOMOS_CALL *)(int32_t))fn[EXEC_SVC_GPU + 4];
}

/* --- loading ------------------------------------------------------------------ */

static int exec_alloc_slot(const struct exec_resume *r)
{
	uint32_t i;

	if (r) {
		if (r->slot >= EXEC_MAX_SLOTS || exec_slots[r->slot])
			return -1;
		exec_slots[r->slot] = 1;
		return (int)r->slot;
	}
	for (i = 0; i < EXEC_MAX_SLOTS; i++)
		if (!exec_slots[i]) {
			exec_slots[i] = 1;
			return (int)i;
		}
	return -1;
}

/* "/fomos/apps/console.app" -> "console.app". */
static const char *exec_basename(const char *path)
{
	const char *base = path, *p;

	for (p = path; *p; p++)
		if (*p == '/')
			base = p + 1;
	return base;
}

/* "/fomos/apps/console.app" -> "console". */
static void exec_name_of(const char *path, char *name)
{
	const char *base = exec_basename(path);
	size_t n = strlen(base);

	if (n > 4 && !strcmp(base + n - 4, ".app"))
		n -= 4;
	n = MIN(n, (size_t)APP_NAME_MAX - 1);
	memcpy(name, base, n);
	name[n] = 0;
}

/* Maps the image read-write at its home, copies and relocates it there,
 * then gives each part its permissions. */
static int exec_load_image(struct app *a, const uint8_t *file, uint64_t size)
{
	const struct appfile_header *h = (const void *)file;
	uint64_t bytes = ALIGN_UP(h->mem_size, PAGE_SIZE);
	uint8_t *img = (uint8_t *)(uintptr_t)a->home;

	if (plat_map(a->home, bytes, PLAT_RW) < 0)
		return -1;
	a->image_bytes = bytes;
	memcpy(img, file, size);	/* the bss is already zero */
	appfile_relocate(img, a->home);
	if (plat_protect(a->home, h->code_start, PLAT_RO) < 0 ||
	    plat_protect(a->home + h->code_start, h->code_end - h->code_start, PLAT_RX) < 0 ||
	    plat_protect(a->home + h->code_end, h->data_start - h->code_end, PLAT_RO) < 0)
		return -1;
	a->data_start = h->data_start;
	a->code_start = (uint32_t)h->code_start;
	a->code_end = (uint32_t)h->code_end;
	a->entry = (app_entry_fn)(uintptr_t)(a->home + h->entry);
	return 0;
}

/* A transparent surface, the screen's size unless r says otherwise, in the
 * normal band: a v1 app's surface, and a v2 app's until it calls window(). */
static int exec_make_surface(struct app *a, const struct exec_resume *r)
{
	uint32_t w = r && r->fb_width ? r->fb_width : exec_screen_w;
	uint32_t h = r && r->fb_height ? r->fb_height : exec_screen_h;
	uint64_t va = a->home + EXEC_SURFACE_OFFSET, bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);

	if (a->opts.nofb || !w || !h)
		return 0;
	/* 4 KiB pages whose writes are tracked: what a v1 app drew. */
	if (plat_map(va, bytes, PLAT_RW | PLAT_TRACK) < 0)
		return -1;
	a->surface_bytes = bytes;
	/* Transparent and empty until the app writes to it. */
	a->layer = (struct compose_layer){ (const uint32_t *)(uintptr_t)va, w, h, w, 0, 0, 0, { 0, 0, 0, 0 } };
	if (display_add_layer(&a->layer) < 0) {
		klog("%s[%llu]: too many surfaces on screen, this app gets none\n", a->name, ULL(a->pid));
		plat_unmap(va, bytes);
		a->surface_bytes = 0;
		return 0;
	}
	a->ctx.fb = (struct fomos_surface){ (uint32_t *)(uintptr_t)va, w, h, w, 0 };
	return 0;
}

/* Its context page: the copy of its context, its store slot, its input. */
static int exec_make_page(struct app *a, const struct exec_resume *r)
{
	if (plat_map(a->home + EXEC_PAGE_OFFSET, EXEC_PAGE_BYTES, PLAT_RW) < 0)
		return -1;
	a->page = (struct exec_page *)(uintptr_t)(a->home + EXEC_PAGE_OFFSET);
	a->page->store = r ? (void *)(uintptr_t)r->store : NULL;
	return 0;
}

static int exec_make_stack(struct app *a)
{
	/* Nothing is mapped below it (EXEC_STACK_GUARD): overflowing faults. */
	if (plat_map(a->home + EXEC_STACK_OFFSET - EXEC_STACK_SIZE, EXEC_STACK_SIZE, PLAT_RW) < 0)
		return -1;
	a->stack_top = a->home + EXEC_STACK_OFFSET;
	return 0;
}

/* Gives back everything of a's home and whatever it held. */
static void exec_release(struct app *a)
{
	if (exec_focus == a->pid)
		exec_set_focus(0);
	term_release(a->pid);
	exec_files_cancel(a->pid);
	exec_net_release(a, a->ended_by != APP_END_EXIT);
	exec_gpu_release(a);
	exec_share_release(a);
	if (a->callbuf)
		plat_unmap(a->home + EXEC_CALLBUF_OFFSET, EXEC_CALLBUF_BYTES);
	a->callbuf = 0;
	if (a->surface_bytes) {
		display_remove_layer(&a->layer);
		plat_unmap(a->home + EXEC_SURFACE_OFFSET, a->surface_bytes);
	}
	appmem_release(&a->mem);
	if (a->stack_top)	/* never unmap what the platform did not map for us */
		plat_unmap(a->stack_top - EXEC_STACK_SIZE, EXEC_STACK_SIZE);
	if (a->image_bytes)
		plat_unmap(a->home, a->image_bytes);
	if (a->page)
		plat_unmap(a->home + EXEC_PAGE_OFFSET, EXEC_PAGE_BYTES);
	a->page = NULL;
	a->surface_bytes = a->image_bytes = a->stack_top = 0;
	exec_slots[a->slot] = 0;
}

struct app *exec_create(const char *path, const uint8_t *file, uint64_t size,
    const struct app_opts *opts, const struct exec_resume *r)
{
	char why[128];
	struct app *a;
	int slot;

	if (appfile_check(file, size, EXEC_CTX_VERSION, why, sizeof(why)) < 0) {
		exec_fail("%s refused: %s", path, why);
		return NULL;
	}
	a = plat_alloc(sizeof(*a));
	slot = a ? exec_alloc_slot(r) : -1;
	if (!a || slot < 0) {
		exec_fail("%s not started: %s", path, !a ? "out of memory for its record" :
		    r ? "its home is taken" : "no free home");
		plat_free(a);
		return NULL;
	}
	a->slot = (uint32_t)slot;
	a->home = exec_home(a->slot);
	a->src = file;
	a->src_size = size;
	memcpy(a->src_path, path, MIN(strlen(path), sizeof(a->src_path) - 1));
	/* What the executor calls it, in the log, in ps and for its folder:
	 * the file it was started from, never the name its header claims. */
	exec_name_of(path, a->name);
	a->opts = *opts;
	a->pid = r ? r->pid : exec_next_pid++;
	a->gpu_resumed = r != NULL;
	a->budget_ns = (uint64_t)(opts->budget_ms ? opts->budget_ms : APP_BUDGET_DEFAULT) * 1000000ull;
	/* The arena never reaches the stack, whatever the caller checked. */
	appmem_init(&a->mem, a->home + EXEC_ARENA_OFFSET, MIN(opts->quota, EXEC_ARENA_MAX),
	    exec_map_arena, plat_unmap);
	if (exec_load_image(a, file, size) < 0 || exec_make_surface(a, r) < 0 || exec_make_stack(a) < 0 ||
	    exec_make_page(a, r) < 0) {
		exec_fail("%s not started: out of memory (its home could not be mapped)", path);
		exec_release(a);
		plat_free(a);
		return NULL;
	}
	exec_build_ctx(a);
	return a;
}

void exec_destroy(struct app *a)
{
	exec_release(a);
	plat_free(a);
}

void exec_go(struct app *a)
{
	a->state = APP_RUNNING;
	if (exec_apps_tail)
		exec_apps_tail->next = a;
	else
		exec_apps = a;
	exec_apps_tail = a;
}

void exec_set_next_pid(uint64_t pid)
{
	exec_next_pid = MAX(exec_next_pid, pid);
}

/* Running apps started by pid, by those, and so on. */
static uint32_t exec_descendants(uint64_t pid)
{
	uint32_t n = 0, depth;
	struct app *a, *up;

	for (a = exec_apps; a; a = a->next) {
		if (a->state != APP_RUNNING)
			continue;
		for (up = a, depth = 0; up && up->parent && depth < EXEC_MAX_SLOTS; depth++) {
			if (up->parent == pid) {
				n++;
				break;
			}
			up = exec_find(up->parent);
		}
	}
	return n;
}

/* An app starting apps (system "run") may have at most opts.spawn of its
 * descendants running, and so may each of its ancestors: a fork bomb stops
 * at the first cap up its line. */
static int exec_may_spawn(const struct app *s, const char *path)
{
	uint32_t depth;

	for (depth = 0; s && depth < EXEC_MAX_SLOTS; depth++, s = s->parent ? exec_find(s->parent) : NULL)
		if (exec_descendants(s->pid) >= s->opts.spawn) {
			exec_fail("%s not started: %s[%llu] has %u apps it started running, its limit "
			    "(spawn=%u)", exec_basename(path), s->name, ULL(s->pid), s->opts.spawn, s->opts.spawn);
			return 0;
		}
	return 1;
}

int64_t exec_start(const char *path, const uint8_t *file, uint64_t size, const struct app_opts *opts)
{
	struct app *a;

	if (exec_spawner && !exec_may_spawn(exec_spawner, path))
		return -1;
	a = exec_create(path, file, size, opts, NULL);
	if (!a)
		return -1;
	a->parent = exec_spawner ? exec_spawner->pid : 0;
	exec_go(a);
	if (!exec_quiet)
		klog("exec: started %s as pid %llu%s%s%s\n", a->name, ULL(a->pid),
		    opts->trace ? " (trace)" : "", opts->nofb ? " (nofb)" : "", opts->nosys ? " (nosys)" : "");
	return (int64_t)a->pid;
}

int64_t exec_run_name(const char *name, const struct app_opts *opts)
{
	char path[EXEC_PATH_MAX];
	const uint8_t *data;
	uint64_t size;
	int64_t pid;
	int r = plat_app_file(name, path, &data, &size);

	if (r == FOMOS_E_NOTFOUND)
		exec_fail("%s: no such app (%s not found)", name, path);
	else if (r < 0)
		exec_fail("%s: cannot read %s (error %d)", name, path, r);
	pid = r < 0 ? -1 : exec_start(path, data, size, opts);
	if (pid < 0)
		klog("exec: %s\n", exec_error);
	return pid;
}

/* App files read at run time (plat_app_file).  An app keeps pointing at its
 * file (restarts start it again from it), so a version stays here for good;
 * the same bytes read again are freed and the kept copy is used. */
struct exec_kept {
	struct exec_kept *next;
	uint64_t size;
	uint8_t *data;
};
static struct exec_kept *exec_kept;

const uint8_t *exec_keep_file(uint8_t *data, uint64_t size)
{
	struct exec_kept *k;

	for (k = exec_kept; k; k = k->next)
		if (k->size == size && !memcmp(k->data, data, size)) {
			plat_free(data);
			return k->data;
		}
	k = plat_alloc(sizeof(*k));
	if (!k) {
		plat_free(data);
		return NULL;
	}
	k->size = size;
	k->data = data;
	k->next = exec_kept;
	exec_kept = k;
	return data;
}

/* --- ending --------------------------------------------------------------------- */

static uint64_t exec_app_bytes(const struct app *a)
{
	return a->image_bytes + a->surface_bytes + a->mem.mapped + (a->stack_top ? EXEC_STACK_SIZE : 0) +
	    (a->callbuf ? EXEC_CALLBUF_BYTES : 0) + exec_region_bytes(a);
}

/* `restart`: an app that faulted or overran its budget comes back, after a
 * delay that doubles each time (0.5 s, 1 s, 2 s, ... at most 30 s), as a
 * service manager would do it. */
static void exec_restart(const struct app *old)
{
	uint64_t delay_ms = MIN(500ull << MIN(old->restarts, 6u), EXEC_RESTART_MAX_MS);
	int quiet = exec_quiet;
	struct app *a;
	int64_t pid;

	exec_quiet = 1;		/* one line says it all */
	pid = exec_start(old->src_path, old->src, old->src_size, &old->opts);
	exec_quiet = quiet;
	if (pid < 0) {
		klog("exec: %s could not restart: %s\n", old->name, exec_error);
		return;
	}
	a = exec_apps_tail;
	a->restarts = old->restarts + 1;
	a->wake_ns = plat_now_ns() + delay_ms * 1000000ull;
	klog("exec: %s restarts as pid %lld in %llu ms (restart %u)\n", a->name, (long long)pid,
	    ULL(delay_ms), a->restarts);
}

/* What `ps` shows of a (of an ended app, once its memory went back). */
static void exec_info_of(const struct app *a, struct exec_info *e)
{
	e->pid = a->pid;
	memcpy(e->name, a->name, sizeof(e->name));
	e->state = a->state;
	e->exit_code = a->exit_code;
	e->calls = a->calls;
	e->cpu_ns = a->cpu_ns;
	e->mem_bytes = exec_app_bytes(a);
	memcpy(e->reason, a->reason, sizeof(e->reason));
	if (a->state == APP_RUNNING)
		exec_share_describe(a, e->shares, sizeof(e->shares));
	else
		e->shares[0] = 0;
}

/* Frees the records of ended apps; never during a round, which walks them. */
static void exec_reap(void)
{
	struct app **p = &exec_apps, *a;

	if (!exec_ended_unreaped || exec_walking)
		return;
	exec_apps_tail = NULL;
	while ((a = *p)) {
		if (a->state == APP_ENDED) {
			*p = a->next;
			plat_free(a);
			continue;
		}
		exec_apps_tail = a;
		p = &a->next;
	}
	exec_ended_unreaped = 0;
}

/* reason is already in a->reason for faults, budget and misuse. */
void exec_end(struct app *a, uint32_t how, int32_t code)
{
	uint64_t bytes = exec_app_bytes(a);

	a->state = APP_ENDED;
	a->exit_code = code;
	a->ended_by = how;
	if (how == APP_END_EXIT)
		fmt_snprintf(a->reason, sizeof(a->reason), "exit code %d", code);
	else if (how == APP_END_KILLED)
		fmt_snprintf(a->reason, sizeof(a->reason), "killed");
	if (!exec_quiet) {
		if (how == APP_END_EXIT || how == APP_END_KILLED)
			klog("exec: %s[%llu] ended (%s), %llu KiB returned\n", a->name, ULL(a->pid), a->reason,
			    ULL(bytes >> 10));
		else
			klog("exec: %s[%llu] stopped: %s; %llu KiB returned, the others go on\n",
			    a->name, ULL(a->pid), a->reason, ULL(bytes >> 10));
	}
	exec_release(a);
	exec_info_of(a, &exec_ended[exec_ended_count++ % EXEC_ENDED_KEEP]);	/* into the ring ps shows */
	exec_ended_unreaped++;
	if (a->opts.restart && (how == APP_END_FAULT || how == APP_END_BUDGET))
		exec_restart(a);
	exec_reap();
}

int exec_kill(uint64_t pid)
{
	struct app *a = exec_find(pid);

	if (!a)
		return -1;
	if (a->on_chain)
		a->kill_pending = 1;	/* its code or stack is in use: end it on return */
	else
		exec_end(a, APP_END_KILLED, -9);
	return 0;
}

void exec_kill_all(void)
{
	struct app *a;

	exec_walking++;
	for (a = exec_apps; a; a = a->next)
		if (a->state == APP_RUNNING && !a->on_chain)
			exec_end(a, APP_END_KILLED, -9);
	exec_walking--;
	exec_reap();
}

/* --- faults and runaway apps ---------------------------------------------------- */

uint64_t exec_call_id(void)
{
	return exec_cur_call;
}

uint64_t exec_call_start_ns(void)
{
	return exec_cur_start;
}

/* "crash.app+0x1012" for an address in the app's image, else the address. */
static void exec_where(const struct app *a, uint64_t addr, char *buf, uint32_t len)
{
	if (addr - a->home < a->image_bytes)
		fmt_snprintf(buf, len, "%s+0x%llx", exec_basename(a->src_path), ULL(addr - a->home));
	else
		fmt_snprintf(buf, len, "0x%llx", ULL(addr));
}

/* The privileged instruction at code, which ring 3 may not run (a general
 * protection fault), by name; NULL if it is none of these. */
static const char *exec_privileged_name(const uint8_t *code, char *buf, uint32_t len)
{
	switch (code[0]) {
	case 0xfa: return "cli";
	case 0xfb: return "sti";
	case 0xf4: return "hlt";
	case 0xe4: case 0xe5: case 0xec: case 0xed: return "in (port I/O)";
	case 0xe6: case 0xe7: case 0xee: case 0xef: return "out (port I/O)";
	case 0x6c: case 0x6d: case 0x6e: case 0x6f: return "ins/outs (port I/O)";
	case 0xcd:
		fmt_snprintf(buf, len, "int 0x%02x", code[1]);
		return buf;
	case 0x0f:
		switch (code[1]) {
		case 0x30: return "wrmsr";
		case 0x32: return "rdmsr";
		case 0x20: case 0x21: return "mov from a control or debug register";
		case 0x22: case 0x23: return "mov to a control or debug register";
		case 0x06: return "clts";
		case 0x09: case 0x08: return "wbinvd/invd";
		case 0x00: return "lldt/ltr";
		case 0x01:
			switch ((code[2] >> 3) & 7) {
			case 2: return "lgdt";
			case 3: return "lidt";
			case 6: return "lmsw";
			case 7: return "invlpg";
			}
			return NULL;
		}
	}
	return NULL;
}

/* The app (or a service for it) reached memory of another home or of the
 * kernel; where: "at x.app+0x1012", or what ran. */
static void exec_trespass_reason(struct app *a, uint64_t addr, int write, const char *where)
{
	fmt_snprintf(a->reason, sizeof(a->reason), "touched memory that is not its own at 0x%llx (%s, %s)",
	    ULL(addr), write ? "writing" : "reading", where);
}

static void exec_describe_fault(struct app *a, const struct exec_fault *f)
{
	uint64_t stack_lo = a->stack_top - EXEC_STACK_SIZE, ret = 0;
	char where[64], from[64], name[16], at[72];
	const char *insn = NULL;
	uint8_t code[3] = { 0, 0, 0 };

	exec_where(a, f->pc, where, sizeof(where));
	if (f->vector == 13 && exec_app_range(a, (const void *)(uintptr_t)f->pc, sizeof(code), 0)) {
		plat_user_open();
		memcpy(code, (const void *)(uintptr_t)f->pc, sizeof(code));
		plat_user_close();
		insn = exec_privileged_name(code, name, sizeof(name));
	}
	if (insn) {
		fmt_snprintf(a->reason, sizeof(a->reason), "tried an instruction only the kernel may use (%s) at %s",
		    insn, where);
	} else if (f->vector != 14) {
		fmt_snprintf(a->reason, sizeof(a->reason), "%s at %s", exception_name(f->vector), where);
	} else if (f->addr < stack_lo && f->addr >= stack_lo - EXEC_STACK_GUARD) {
		fmt_snprintf(a->reason, sizeof(a->reason),
		    "stack overflow (past the bottom of its %llu KiB stack) at %s", ULL(EXEC_STACK_SIZE >> 10), where);
	} else if (f->error & (1u << 4)) {
		/* An instruction fetch: it jumped somewhere that is not code.
		 * The caller, if it got there by a call, left its address on top
		 * of the stack. */
		from[0] = 0;
		if (exec_app_range(a, (const void *)(uintptr_t)f->sp, 8, 0)) {
			plat_user_open();
			ret = *(const uint64_t *)(uintptr_t)f->sp;
			plat_user_close();
		}
		if (ret - a->home < a->image_bytes) {
			exec_where(a, ret, where, sizeof(where));
			fmt_snprintf(from, sizeof(from), ", called from %s", where);
		}
		exec_where(a, f->addr, where, sizeof(where));
		fmt_snprintf(a->reason, sizeof(a->reason), "jumped to %s, which is not %scode%s", where,
		    f->addr - a->home < EXEC_HOME_SIZE ? "" : "its own ", from);
	} else if ((f->error & 1) && f->addr - a->home >= EXEC_HOME_SIZE) {
		/* Present but refused: another home (its protection key) or the
		 * kernel (supervisor pages). */
		fmt_snprintf(at, sizeof(at), "at %s", where);
		exec_trespass_reason(a, f->addr, f->error & 2, at);
	} else {
		fmt_snprintf(a->reason, sizeof(a->reason), "page fault %s 0x%llx (%s) at %s",
		    f->error & 2 ? "writing" : "reading", ULL(f->addr),
		    f->error & 1 ? "not allowed there" : "nothing mapped there", where);
	}
}

int exec_faulted(const struct exec_fault *f)
{
	struct app *a = exec_current;

	if (!a || exec_unprotected)
		return 0;
	if (exec_call_aborted)
		return 1;	/* cut short already: the first reason stands */
	exec_describe_fault(a, f);
	a->ended_by = APP_END_FAULT;
	exec_call_aborted = 1;
	return 1;
}

FOMOS_CALL void exec_bad_service(uint32_t n)
{
	exec_misuse(exec_current, "made a system call the context does not offer (number %u)", n);
	exec_leave();
}

int exec_trespassed(uint64_t addr, int write)
{
	struct app *a = exec_current;

	if (!a || exec_unprotected)
		return 0;
	if (exec_call_aborted)
		return 1;	/* cut short already (the budget, in a service): the first reason stands */
	if (addr - a->home < EXEC_HOME_SIZE)	/* its own: the service forgot to open it */
		fmt_snprintf(a->reason, sizeof(a->reason), "a service it called faulted on its memory at "
		    "0x%llx (a kernel bug)", ULL(addr));
	else
		exec_trespass_reason(a, addr, write, "inside a service it called");
	a->ended_by = APP_END_FAULT;
	exec_call_aborted = 1;
	return 1;
}

int exec_overran(uint64_t spent_ns)
{
	struct app *a = exec_current;

	if (!a || exec_unprotected || exec_call_aborted || spent_ns <= a->budget_ns)
		return 0;
	fmt_snprintf(a->reason, sizeof(a->reason), "ran for more than %llu ms without returning (its budget)",
	    ULL(a->budget_ns / 1000000ull));
	a->ended_by = APP_END_BUDGET;
	exec_call_aborted = 1;
	return 1;
}

/* --- running ------------------------------------------------------------------ */

struct fomos_ctx *exec_fresh_ctx(struct app *a, uint64_t now)
{
	struct fomos_ctx *c = &a->page->ctx;

	*c = a->ctx;
	c->time_ns = now;
	c->win_x = a->layer.x;
	c->win_y = a->layer.y;
	c->win_flags = a->win_flags;
	c->focused = exec_focus == a->pid;
	if (a->args_new) {
		/* Once, before its first call: afterwards the page's copy is
		 * the app's (and a snapshot's). */
		memcpy(a->page->args, a->args, sizeof(a->args));
		a->args_new = 0;
	}
	return c;
}

int exec_set_args(uint64_t pid, const char *args)
{
	struct app *a = exec_find(pid);
	size_t n = strlen(args);

	if (!a || a->calls || n >= sizeof(a->args))
		return -1;
	memset(a->args, 0, sizeof(a->args));
	memcpy(a->args, args, n);
	a->args_new = 1;
	return 0;
}

/* Calls the app once at plat_now_ns() value `now`; returns the time after. */
static uint64_t exec_call(struct app *a, uint64_t now)
{
	struct fomos_ctx *c;
	uint64_t after;
	int r;

	exec_share_switch(a);		/* its home (and regions) open, every other closed */
	c = exec_fresh_ctx(a, now);
	exec_sync_input(a);
	exec_current = a;
	exec_services = a->services;
	exec_cur_start = now;
	exec_cur_call = ++exec_calls_made;
	a->on_chain = 1;
	if (exec_unprotected)
		r = a->entry(c);
	else
		r = plat_enter(a->entry, c, a->stack_top);
	a->on_chain = 0;
	exec_cur_call = 0;
	exec_current = NULL;
	after = plat_now_ns();
	a->calls++;
	a->cpu_ns += after - now;
	a->drew = 1;
	if (exec_call_aborted) {
		exec_call_aborted = 0;
		exec_end(a, a->ended_by, -1);
	} else if (a->kill_pending) {
		exec_end(a, APP_END_KILLED, -9);
	} else if (r < 0) {
		exec_end(a, APP_END_EXIT, r);
	} else {
		a->wake_ns = r ? after + (uint64_t)r * 1000000ull : 0;
	}
	return after;
}

uint32_t exec_round(uint64_t *next_wake_ns)
{
	uint64_t now = plat_now_ns(), next = UINT64_MAX;
	uint32_t called = 0;
	struct app *a;

	exec_walking++;
	for (a = exec_apps; a; a = a->next) {
		if (a->state != APP_RUNNING)
			continue;
		if (a->wake_ns > now) {
			next = MIN(next, a->wake_ns);
			continue;
		}
		now = exec_call(a, now);
		called++;
		if (a->state == APP_RUNNING && a->wake_ns)
			next = MIN(next, a->wake_ns);
	}
	exec_walking--;
	exec_reap();
	*next_wake_ns = next;
	return called;
}

struct exec_damage {
	struct compose_layer *layer;
	uint64_t run_start, run_end;	/* bytes of the surface, a run of dirty pages */
};

/* A run of dirty bytes of a surface as screen rectangles: the partial first
 * and last rows, and the whole rows between. */
static void exec_damage_run(struct exec_damage *d)
{
	struct compose_layer *l = d->layer;
	uint64_t first = d->run_start / 4, last = (d->run_end - 1) / 4;
	int32_t y0, y1, x0, x1;
	struct compose_rect r;

	if (d->run_end <= d->run_start)
		return;
	last = MIN(last, (uint64_t)l->stride * l->height - 1);	/* the last page's tail is no pixel */
	y0 = (int32_t)(first / l->stride);
	y1 = (int32_t)(last / l->stride);
	x0 = (int32_t)(first % l->stride);
	x1 = (int32_t)(last % l->stride);
	if (y0 == y1)
		r = (struct compose_rect){ x0, y0, x1 + 1, y0 + 1 };
	else
		r = (struct compose_rect){ 0, y0, (int32_t)l->width, y1 + 1 };
	l->content = compose_union(l->content, r);
	display_damage_layer(l, r);
}

static void exec_dirty_page(void *arg, uint64_t offset)
{
	struct exec_damage *d = arg;

	if (offset != d->run_end) {
		exec_damage_run(d);
		d->run_start = offset;
	}
	d->run_end = offset + PAGE_SIZE;
}

void exec_frame(void)
{
	struct app *a;

	for (a = exec_apps; a; a = a->next) {
		struct exec_damage d = { &a->layer, 0, 0 };

		if (a->state != APP_RUNNING || !a->drew || !a->surface_bytes || a->damages)
			continue;
		a->drew = 0;
		plat_take_dirty(a->home + EXEC_SURFACE_OFFSET, a->surface_bytes, exec_dirty_page, &d);
		exec_damage_run(&d);
	}
}

void exec_set_quiet(int quiet)
{
	exec_quiet = quiet;
}

void exec_set_protection(int on)
{
	exec_unprotected = !on;
}

/* --- looking at the apps ---------------------------------------------------------- */

struct app *exec_find(uint64_t pid)
{
	struct app *a;

	for (a = exec_apps; a; a = a->next)
		if (a->pid == pid && a->state == APP_RUNNING)
			return a;
	return NULL;
}

uint32_t exec_running(void)
{
	uint32_t n = 0;
	struct app *a;

	for (a = exec_apps; a; a = a->next)
		n += a->state == APP_RUNNING;
	return n;
}

uint64_t exec_running_bytes(void)
{
	uint64_t bytes = 0;
	struct app *a;

	for (a = exec_apps; a; a = a->next)
		if (a->state == APP_RUNNING)
			bytes += exec_app_bytes(a);
	return bytes;
}

uint32_t exec_list(struct exec_info *out, uint32_t max)
{
	uint64_t first = exec_ended_count > EXEC_ENDED_KEEP ? exec_ended_count - EXEC_ENDED_KEEP : 0, i;
	uint32_t n = 0;
	struct app *a;

	for (a = exec_apps; a && n < max; a = a->next)
		if (a->state == APP_RUNNING)
			exec_info_of(a, &out[n++]);
	for (i = first; i < exec_ended_count && n < max; i++)
		out[n++] = exec_ended[i % EXEC_ENDED_KEEP];
	return n;
}

uint32_t exec_entry_points(void **out, uint32_t max)
{
	uint32_t n = 0;
	struct app *a;

	for (a = exec_apps; a && n < max; a = a->next)
		if (a->state == APP_RUNNING)
			out[n++] = (void *)(uintptr_t)a->entry;
	return n;
}
