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
 *   - *store survives: it is a field of struct app, the executor's memory;
 *   - the executor keeps its own truth: the context an app gets is a fresh
 *     copy of app->ctx at every call, so scribbling on it changes nothing;
 *   - wrapping the context: `trace` and `nosys` build a different context
 *     (other function pointers); no flag is tested on any path the app calls.
 *
 * The context is a trust boundary.  Every pointer and length an app hands a
 * service is checked against the parts of its own home that are mapped
 * (exec_app_range, overflow-safe) before the executor reads or writes
 * through it; a service misused that way ends the app at once, as a fault
 * does (exec_misuse), except file(), which answers FOMOS_E_BADARG.  What
 * the executor answers is built in its own memory and copied out.
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

#define EXEC_LOG_MAX		1024		/* longest line an app may log */
#define EXEC_WIN_MAX		8192		/* a window's largest side */
#define EXEC_WIN_FLAGS		(FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS | FOMOS_WIN_OPAQUE)
#define EXEC_LINE_MAX		128		/* a command line for system() */
#define EXEC_ANSWER_MAX		16384		/* what system() can hand back */
#define EXEC_RESTART_MAX_MS	30000ull

/* First thing in every service: the string instructions the executor's C
 * code uses must run forwards, and an app may call us with DF set. */
#define EXEC_SERVICE()		__asm__ volatile("cld" ::: "memory")

struct app *exec_apps;
static struct app *exec_apps_tail;
static struct app *exec_current;	/* the app being called, for the context's functions */
/* The call in progress, for the platform's tick and fault handlers. */
static volatile uint64_t exec_cur_call, exec_cur_start;
static volatile int exec_aborted;	/* the current call was cut short: a->ended_by says why */
static uint64_t exec_calls_made;
static uint64_t exec_next_pid = 1;
static uint8_t exec_slots[EXEC_MAX_SLOTS];
static int exec_quiet;			/* no per-app start/end lines */
static int exec_unprotected;		/* benchmark only: call apps on the caller's stack, no budget */
static int exec_walking;		/* > 0 while a loop walks the apps: records are freed after it */
static uint32_t exec_ended_unreaped;
static uint64_t exec_focus;		/* pid of the app with the keyboard focus, 0: none */
static char exec_error[160];		/* why the last start failed */
static uint32_t exec_screen_w, exec_screen_h;
static exec_system_fn *exec_system_cmd;
static struct exec_info exec_ended[EXEC_ENDED_KEEP];	/* a ring: the latest ended apps */
static uint64_t exec_ended_count;

static void exec_end(struct app *a, uint32_t how, int32_t code);

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
	    (a->stack_top && exec_within(p, len, a->stack_top - EXEC_STACK_SIZE, EXEC_STACK_SIZE));
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
	exec_aborted = 1;
	if (!exec_unprotected)
		exec_leave();
	/* Unprotected (the benchmark's baseline): it ends when it returns. */
}

/* --- the context's functions ------------------------------------------------ */

static FOMOS_CALL void exec_log(const char *text, uint32_t len)
{
	struct app *a = exec_current;

	EXEC_SERVICE();
	len = MIN(len, EXEC_LOG_MAX);
	if (!exec_app_range(a, text, len, 0)) {
		exec_misuse(a, "log(%p, %u): not its memory", (const void *)text, len);
		return;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	klog("%s[%llu]: %.*s\n", a->name, ULL(a->pid), (int)len, text);
}

static int exec_map_arena(uint64_t va, uint64_t bytes)
{
	return plat_map(va, bytes, PLAT_RW);
}

static FOMOS_CALL void *exec_calloc(uint64_t count, uint64_t size)
{
	EXEC_SERVICE();
	return appmem_calloc(&exec_current->mem, count, size);
}

static FOMOS_CALL void exec_free(void *ptr)
{
	struct app *a = exec_current;
	const char *why;

	EXEC_SERVICE();
	why = appmem_free(&a->mem, ptr);
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
	a->ctx.fb = a->call.fb = (struct fomos_surface){ 0, 0, 0, 0, 0 };
}

/* A new, transparent surface of w x h for a; the old one goes.  If memory
 * runs short the old size comes back (empty) and this returns -1. */
static int exec_resize_surface(struct app *a, uint32_t w, uint32_t h)
{
	uint64_t va = a->home + EXEC_SURFACE_OFFSET, bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);
	uint64_t old = a->surface_bytes;
	struct compose_layer *l = &a->layer;

	if (bytes > old && !plat_room(bytes - old))
		return -1;
	display_damage(wm_bounds(l));
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
	a->call.fb = a->ctx.fb;		/* the app sees its new surface in this very call */
	return 0;
}

static FOMOS_CALL int32_t exec_window(int32_t x, int32_t y, uint32_t w, uint32_t h, uint32_t flags)
{
	struct app *a = exec_current;
	struct compose_layer *l = &a->layer;

	EXEC_SERVICE();
	if (!a->surface_bytes || !w || !h || w > EXEC_WIN_MAX || h > EXEC_WIN_MAX ||
	    (flags & ~EXEC_WIN_FLAGS) || ((flags & FOMOS_WIN_TOP) && (flags & FOMOS_WIN_BOTTOM)) ||
	    x < -(1 << 20) || x > (1 << 20) || y < -(1 << 20) || y > (1 << 20))
		return FOMOS_E_BADARG;
	if ((w != l->width || h != l->height) && exec_resize_surface(a, w, h) < 0)
		return FOMOS_E_NOMEM;
	display_move(l, x, y);
	l->opaque = !!(flags & FOMOS_WIN_OPAQUE);
	if ((flags ^ a->win_flags) & (FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS))
		display_place(l, wm_band_of(flags), !!(flags & FOMOS_WIN_NOFOCUS));
	if ((flags ^ a->win_flags) & FOMOS_WIN_OPAQUE)
		display_damage((struct compose_rect){ x, y, x + (int32_t)w, y + (int32_t)h });
	a->win_flags = a->call.win_flags = flags;
	a->call.win_x = x;
	a->call.win_y = y;
	if ((flags & FOMOS_WIN_NOFOCUS) && exec_focus == a->pid)
		exec_set_focus(0);
	a->call.focused = exec_focus == a->pid;
	return 0;
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
		a->call.focused = 1;
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
	display_damage((struct compose_rect){ l->x + r.x0, l->y + r.y0, l->x + r.x1, l->y + r.y1 });
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
	memcpy(out, answer, n);
	out[n] = 0;
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
	memcpy(copy, line, len);	/* the command works on our copy, never the app's memory */
	copy[len] = 0;
	answer[0] = 0;
	r = exec_system_cmd ? exec_system_cmd(copy, answer, sizeof(answer)) : -1;
	exec_answer(out, cap, answer, r < 0 ? strlen(answer) : (uint64_t)r);
	return r < 0 ? FOMOS_E_NOTFOUND : r;
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
	return term_read(buf, cap);
}

static FOMOS_CALL void exec_term_write(const char *text, uint32_t len)
{
	struct app *a = exec_current;

	EXEC_SERVICE();
	if (!exec_app_range(a, text, len, 0)) {
		exec_misuse(a, "term_write(%p, %u): not its memory", (const void *)text, len);
		return;
	}
	if (len)
		plat_term_write(text, len);
}

static FOMOS_CALL int32_t exec_file(struct fomos_file *req)
{
	EXEC_SERVICE();
	return exec_files_submit(exec_current, req);
}

/* A left click gives the focus to the window under the pointer and raises
 * it.  Looked at once per turn, after the drivers queued what arrived. */
void exec_clicks(void)
{
	static uint64_t seen;
	const struct fomos_input *in = inputhub_shared();
	const struct compose_layer *l;
	struct app *a;
	int click = 0;

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

/* The context is where wrapping happens: a traced app simply gets other
 * function pointers. */
static void exec_build_ctx(struct app *a)
{
	a->ctx.version = EXEC_CTX_VERSION;
	a->ctx.size = sizeof(struct fomos_ctx);
	a->ctx.pid = a->pid;
	a->ctx.log = exec_log;
	a->ctx.calloc = a->opts.trace ? exec_trace_calloc : exec_calloc;
	a->ctx.free = a->opts.trace ? exec_trace_free : exec_free;
	a->ctx.store = &a->store;
	a->ctx.input = inputhub_shared();
	a->ctx.screen_width = exec_screen_w;
	a->ctx.screen_height = exec_screen_h;
	a->ctx.window = exec_window;
	a->ctx.raise = exec_raise;
	a->ctx.damage = exec_damage_rect;
	a->ctx.system = a->opts.nosys ? exec_system_refused : exec_system;
	a->ctx.term_read = exec_term_read;
	a->ctx.term_write = exec_term_write;
	a->ctx.file = exec_file;
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
	if (a->surface_bytes) {
		display_remove_layer(&a->layer);
		plat_unmap(a->home + EXEC_SURFACE_OFFSET, a->surface_bytes);
	}
	appmem_release(&a->mem);
	if (a->stack_top)	/* never unmap what the platform did not map for us */
		plat_unmap(a->stack_top - EXEC_STACK_SIZE, EXEC_STACK_SIZE);
	if (a->image_bytes)
		plat_unmap(a->home, a->image_bytes);
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
	a->budget_ns = (uint64_t)(opts->budget_ms ? opts->budget_ms : APP_BUDGET_DEFAULT) * 1000000ull;
	/* The arena never reaches the stack, whatever the caller checked. */
	appmem_init(&a->mem, a->home + EXEC_ARENA_OFFSET, MIN(opts->quota, EXEC_ARENA_MAX),
	    exec_map_arena, plat_unmap);
	if (exec_load_image(a, file, size) < 0 || exec_make_surface(a, r) < 0 || exec_make_stack(a) < 0) {
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

int64_t exec_start(const char *path, const uint8_t *file, uint64_t size, const struct app_opts *opts)
{
	struct app *a = exec_create(path, file, size, opts, NULL);

	if (!a)
		return -1;
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
	return a->image_bytes + a->surface_bytes + a->mem.mapped + (a->stack_top ? EXEC_STACK_SIZE : 0);
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
static void exec_end(struct app *a, uint32_t how, int32_t code)
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
	if (a == exec_current)
		a->kill_pending = 1;	/* its code is running: end it on return */
	else
		exec_end(a, APP_END_KILLED, -9);
	return 0;
}

void exec_kill_all(void)
{
	struct app *a;

	exec_walking++;
	for (a = exec_apps; a; a = a->next)
		if (a->state == APP_RUNNING && a != exec_current)
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

static void exec_describe_fault(struct app *a, const struct exec_fault *f)
{
	uint64_t stack_lo = a->stack_top - EXEC_STACK_SIZE, ret = 0;
	char where[64], from[64];

	exec_where(a, f->pc, where, sizeof(where));
	if (f->vector != 14) {
		fmt_snprintf(a->reason, sizeof(a->reason), "%s at %s", exception_name(f->vector), where);
	} else if (f->addr < stack_lo && f->addr >= stack_lo - EXEC_STACK_GUARD) {
		fmt_snprintf(a->reason, sizeof(a->reason),
		    "stack overflow (past the bottom of its %llu KiB stack) at %s", ULL(EXEC_STACK_SIZE >> 10), where);
	} else if (f->error & (1u << 4)) {
		/* An instruction fetch: it jumped somewhere that is not code.
		 * The caller, if it got there by a call, left its address on top
		 * of the stack. */
		from[0] = 0;
		if (exec_app_range(a, (const void *)(uintptr_t)f->sp, 8, 0))
			ret = *(const uint64_t *)(uintptr_t)f->sp;
		if (ret - a->home < a->image_bytes) {
			exec_where(a, ret, where, sizeof(where));
			fmt_snprintf(from, sizeof(from), ", called from %s", where);
		}
		exec_where(a, f->addr, where, sizeof(where));
		fmt_snprintf(a->reason, sizeof(a->reason), "jumped to %s, which is not code%s", where, from);
	} else {
		fmt_snprintf(a->reason, sizeof(a->reason), "page fault %s 0x%llx (%s) at %s",
		    f->error & 2 ? "writing" : "reading", ULL(f->addr),
		    f->error & 1 ? "not allowed there" : "nothing mapped there", where);
	}
}

int exec_faulted(const struct exec_fault *f)
{
	struct app *a = exec_current;

	if (!a || exec_unprotected || exec_aborted)
		return 0;
	exec_describe_fault(a, f);
	a->ended_by = APP_END_FAULT;
	exec_aborted = 1;
	return 1;
}

int exec_overran(uint64_t spent_ns)
{
	struct app *a = exec_current;

	if (!a || exec_unprotected || exec_aborted || spent_ns <= a->budget_ns)
		return 0;
	fmt_snprintf(a->reason, sizeof(a->reason), "ran for more than %llu ms without returning (its budget)",
	    ULL(a->budget_ns / 1000000ull));
	a->ended_by = APP_END_BUDGET;
	exec_aborted = 1;
	return 1;
}

/* --- running ------------------------------------------------------------------ */

/* Calls the app once at plat_now_ns() value `now`; returns the time after. */
static uint64_t exec_call(struct app *a, uint64_t now)
{
	uint64_t after;
	int r;

	a->call = a->ctx;
	a->call.time_ns = now;
	a->call.win_x = a->layer.x;
	a->call.win_y = a->layer.y;
	a->call.win_flags = a->win_flags;
	a->call.focused = exec_focus == a->pid;
	exec_current = a;
	exec_cur_start = now;
	exec_cur_call = ++exec_calls_made;
	if (exec_unprotected)
		r = a->entry(&a->call);
	else
		r = exec_enter(a->entry, &a->call, a->stack_top);
	exec_cur_call = 0;
	exec_current = NULL;
	after = plat_now_ns();
	a->calls++;
	a->cpu_ns += after - now;
	a->drew = 1;
	if (exec_aborted) {
		exec_aborted = 0;
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
	display_damage((struct compose_rect){ l->x + r.x0, l->y + r.y0, l->x + r.x1, l->y + r.y1 });
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
