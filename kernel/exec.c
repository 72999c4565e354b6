/*
 * The executor.  This file calls into apps, so it is the one kernel file
 * built without -mgeneral-regs-only: clang must save the Windows ABI's
 * callee-saved xmm6-15 around the System V calls into apps (design.md).
 *
 * The seed's promises made concrete here:
 *   - return = yield: exec_call() interprets start()'s return value;
 *   - *store survives: it is a field of struct app, the kernel's memory;
 *   - the kernel keeps its own truth: the context an app gets is a fresh copy
 *     of app->ctx at every call, so scribbling on it changes nothing;
 *   - wrapping the context: `trace` and `nofb` build a different context
 *     (other function pointers, no surface); no flag is tested on any path
 *     the app calls.
 */
#include "appfile.h"
#include "appmem.h"
#include "console.h"
#include "cpu.h"
#include "display.h"
#include "drivers.h"
#include "inputhub.h"
#include "exec.h"
#include "exec_priv.h"
#include "files.h"
#include "fmt.h"
#include "fomos.h"
#include "heap.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "monitor.h"
#include "paging.h"
#include "pmm.h"
#include "serial.h"
#include "timer.h"
#include "trap.h"

#define EXEC_LOG_MAX		1024		/* longest line an app may log */
#define EXEC_FRAME_NS		(1000000000ull / 60)	/* the screen is recomposed at most 60 times a second */
#define EXEC_WIN_MAX		8192		/* a window's largest side */
#define EXEC_WIN_FLAGS		(FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS | FOMOS_WIN_OPAQUE)


/* kernel/enter.S: calls fn(ctx) on the app's stack; returns its int, or
 * EXEC_ABORTED when the trap handler cut the call short.  System V, like
 * the apps, so that the caller saves xmm6-15 once per round (enter.S). */
FOMOS_CALL int exec_enter(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top);
extern const uint8_t exec_abort_landing[];
extern uint64_t exec_kernel_rsp;
#define EXEC_ABORTED	INT32_MIN

struct app *exec_apps;
static struct app *exec_apps_tail;
static struct app *exec_current;	/* the app being called, for the context's functions */
static uint64_t exec_next_pid = 1;
static uint8_t exec_slots[EXEC_MAX_SLOTS];
static uint64_t exec_tsc_per_ms;
static int exec_quiet;			/* no per-app start/end lines (the benchmark starts thousands) */
static int exec_unprotected;		/* benchmark only: call apps on the kernel stack, no budget */
static volatile int exec_aborted;	/* set by the trap or tick hook when it cut a call short */
static uint64_t exec_call_tsc;		/* when the current call began */
static uint64_t exec_focus;		/* pid of the app with the keyboard focus, 0: none */
static char exec_error[160];		/* why the last start failed, for `run` */

/* One log line, also kept for exec_last_error(). */
void exec_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(exec_error, sizeof(exec_error), fmt, ap);
	va_end(ap);
	klog("exec: %s\n", exec_error);
}

const char *exec_last_error(void)
{
	return exec_error;
}

/* --- the context's functions ------------------------------------------------ */

/* [p, p+len) is memory of the current app that it may write (write) or read:
 * inside its home, mapped, and for writes outside its image's read-only
 * part.  What an app hands to a service is checked with this first, so that
 * a wild pointer is the app's error, not a kernel fault. */
static int exec_user_range(const struct app *a, const void *ptr, uint64_t len, int write)
{
	uint64_t p = (uint64_t)(uintptr_t)ptr, page;
	const struct appfile_header *h = (const void *)(uintptr_t)a->home;

	if (p < a->home || len > EXEC_HOME_SIZE || p + len > a->home + EXEC_HOME_SIZE)
		return 0;
	if (write && p < a->home + h->data_start)
		return 0;
	for (page = ALIGN_DOWN(p, PAGE_SIZE); page < p + len; page += PAGE_SIZE)
		if (!paging_mapped(page))
			return 0;
	return 1;
}

/* A service used wrongly (a wild pointer): the app ends after this call. */
static void exec_misuse(struct app *a, const char *service, const void *ptr)
{
	fmt_snprintf(a->reason, sizeof(a->reason), "%s(%p): not its memory", service, ptr);
	a->doomed = 1;
}

static FOMOS_CALL void exec_log(const char *text, uint32_t len)
{
	struct app *a = exec_current;
	uint64_t p = (uint64_t)(uintptr_t)text, page;

	len = MIN(len, EXEC_LOG_MAX);
	/* The text must be memory the app can read, or the kernel would fault
	 * on its behalf. */
	for (page = ALIGN_DOWN(p, PAGE_SIZE); len && page < p + len; page += PAGE_SIZE)
		if (!paging_mapped(page)) {
			klog("%s[%llu]: log(%p, %u): not readable memory, ignored\n", a->name, a->pid, text, len);
			return;
		}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	klog("%s[%llu]: %.*s\n", a->name, a->pid, (int)len, text);
}

/* Maps fresh zeroed pages at [va, va+size), in as few physically contiguous
 * runs as the pmm can give.  Returns 0, or -1 (with nothing left mapped). */
int exec_map_fresh(uint64_t va, uint64_t size, uint64_t flags)
{
	uint64_t done = 0, run = size / PAGE_SIZE;

	while (done < size) {
		uint64_t want = MIN(run, (size - done) / PAGE_SIZE), pa;

		while (!(pa = pmm_alloc(want)) && want > 1)
			want /= 2;
		if (!pa || paging_map(va + done, pa, want * PAGE_SIZE, flags) < 0) {
			if (pa)
				pmm_free(pa, want);
			exec_unmap(va, done);
			return -1;
		}
		memset((void *)(uintptr_t)pa, 0, want * PAGE_SIZE);	/* through the identity map */
		done += want * PAGE_SIZE;
		run = want;
	}
	return 0;
}

static int exec_map_arena(uint64_t va, uint64_t bytes)
{
	return exec_map_fresh(va, bytes, PG_RW | PG_NX);
}

static FOMOS_CALL void *exec_calloc(uint64_t count, uint64_t size)
{
	return appmem_calloc(&exec_current->mem, count, size);
}

static FOMOS_CALL void exec_free(void *ptr)
{
	struct app *a = exec_current;
	const char *why = appmem_free(&a->mem, ptr);

	if (!why)
		return;
	fmt_snprintf(a->reason, sizeof(a->reason), "free(%p): %s", ptr, why);
	a->doomed = 1;
}

/* The `trace` wrapper: same services, every call logged. */
static FOMOS_CALL void *exec_trace_calloc(uint64_t count, uint64_t size)
{
	void *p = exec_calloc(count, size);

	klog("%s[%llu]: trace: calloc(%llu, %llu) = %p\n", exec_current->name, exec_current->pid,
	    count, size, p);
	return p;
}

static FOMOS_CALL void exec_trace_free(void *ptr)
{
	klog("%s[%llu]: trace: free(%p)\n", exec_current->name, exec_current->pid, ptr);
	exec_free(ptr);
}

/* --- loading ------------------------------------------------------------------ */

/* Unmaps [va, va+size) and gives every page that was mapped there back. */
void exec_unmap(uint64_t va, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa = paging_translate(va + off);

		if (pa)
			pmm_free(pa, 1);
	}
	paging_map(va, 0, size, 0);
}

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

/* Copies the file into fresh pages, relocates it for its home, and maps it
 * with per-part permissions.  The copy goes through the identity map, so the
 * home is only mapped once, with its final permissions. */
static int exec_load_image(struct app *a, const uint8_t *file, uint64_t size)
{
	const struct appfile_header *h = (const void *)file;
	uint64_t bytes = ALIGN_UP(h->mem_size, PAGE_SIZE), pa;
	uint8_t *img;

	pa = pmm_alloc(bytes / PAGE_SIZE);
	if (!pa)
		return -1;
	img = (uint8_t *)(uintptr_t)pa;
	memcpy(img, file, size);
	memset(img + size, 0, bytes - size);
	appfile_relocate(img, a->home);
	if (paging_map(a->home, pa, h->code_start, PG_RO | PG_NX) < 0 ||
	    paging_map(a->home + h->code_start, pa + h->code_start, h->code_end - h->code_start, PG_RO) < 0 ||
	    paging_map(a->home + h->code_end, pa + h->code_end, h->data_start - h->code_end, PG_RO | PG_NX) < 0 ||
	    paging_map(a->home + h->data_start, pa + h->data_start, bytes - h->data_start, PG_RW | PG_NX) < 0) {
		paging_map(a->home, 0, bytes, 0);
		pmm_free(pa, bytes / PAGE_SIZE);
		return -1;
	}
	a->image_bytes = bytes;
	a->entry = (app_entry_fn)(uintptr_t)(a->home + h->entry);
	memcpy(a->name, h->name, APPFILE_NAME_MAX);
	return 0;
}

/* v1: a transparent surface the size of the screen, composed above the
 * apps started before it. */
static int exec_make_surface(struct app *a, const struct exec_resume *r)
{
	uint32_t w = r && r->fb_width ? r->fb_width : display_width();
	uint32_t h = r && r->fb_height ? r->fb_height : display_height();
	uint64_t va = a->home + EXEC_SURFACE_OFFSET;

	if (a->opts.nofb || !display_ready())
		return 0;
	a->surface_bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);
	/* 4 KiB pages: their dirty bits tell the compositor what changed. */
	if (exec_map_fresh(va, a->surface_bytes, PG_RW | PG_NX | PG_SMALL) < 0) {
		a->surface_bytes = 0;
		return -1;
	}
	/* Transparent and empty until the app writes to it (content grows
	 * with the pages it dirties). */
	a->layer = (struct compose_layer){ (const uint32_t *)(uintptr_t)va, w, h, w, 0, 0, 0, { 0, 0, 0, 0 } };
	if (display_add_layer(&a->layer) < 0) {
		klog("%s[%llu]: too many surfaces on screen, this app gets none\n", a->name, a->pid);
		exec_unmap(va, a->surface_bytes);
		a->surface_bytes = 0;
		return 0;
	}
	a->ctx.fb = (struct fomos_surface){ (uint32_t *)(uintptr_t)va, w, h, w, 0 };
	return 0;
}

/* --- v2: windows, focus, the system, the terminal ------------------------------ */

static struct app *exec_app_of_layer(const struct compose_layer *l)
{
	struct app *a;

	for (a = exec_apps; a; a = a->next)
		if (a->state == APP_RUNNING && &a->layer == l && a->surface_bytes)
			return a;
	return NULL;
}

uint64_t exec_focus_pid(void)
{
	return exec_focus;
}

void exec_set_focus(uint64_t pid)
{
	exec_focus = pid;
	inputhub_set_focus(pid);
}

/* A new, transparent surface of w x h for a; the old one goes.  If memory
 * runs short the old size comes back (empty) and this returns -1. */
static int exec_resize_surface(struct app *a, uint32_t w, uint32_t h)
{
	uint64_t va = a->home + EXEC_SURFACE_OFFSET, bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);
	uint64_t old = a->surface_bytes;
	struct compose_layer *l = &a->layer;

	if (bytes > old && (bytes - old) / PAGE_SIZE + 64 > pmm_free_pages())
		return -1;
	display_damage((struct compose_rect){ l->x, l->y, l->x + (int32_t)l->width, l->y + (int32_t)l->height });
	exec_unmap(va, old);
	if (exec_map_fresh(va, bytes, PG_RW | PG_NX | PG_SMALL) < 0) {
		if (exec_map_fresh(va, old, PG_RW | PG_NX | PG_SMALL) < 0)
			a->surface_bytes = 0;	/* cannot happen: we just freed that much */
		l->content = (struct compose_rect){ 0, 0, 0, 0 };
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

static FOMOS_CALL int64_t exec_system(const char *line, uint32_t len, char *out, uint32_t cap)
{
	struct app *a = exec_current;

	if (!exec_user_range(a, line, len, 0)) {
		exec_misuse(a, "system", line);
		return FOMOS_E_BADARG;
	}
	if (cap && !exec_user_range(a, out, cap, 1)) {
		exec_misuse(a, "system", out);
		return FOMOS_E_BADARG;
	}
	if (monitor_system(line, len, out, cap) < 0)
		return FOMOS_E_NOTFOUND;
	return (int64_t)strnlen(out, cap);
}

/* The `nosys` wrapper: the same app, no system. */
static FOMOS_CALL int64_t exec_system_refused(const char *line, uint32_t len, char *out, uint32_t cap)
{
	static const char msg[] = "the system is not available to this app (nosys)\n";

	if (cap && exec_user_range(exec_current, out, cap, 1)) {
		uint32_t n = MIN(cap - 1, (uint32_t)sizeof(msg) - 1);

		memcpy(out, msg, n);
		out[n] = 0;
	}
	return FOMOS_E_NOTFOUND;
}

static FOMOS_CALL uint32_t exec_term_read(char *buf, uint32_t cap)
{
	struct app *a = exec_current;

	if (!cap)
		return 0;
	if (!exec_user_range(a, buf, cap, 1)) {
		exec_misuse(a, "term_read", buf);
		return 0;
	}
	if (!monitor_claim(a->pid))
		return 0;	/* another app's terminal */
	return monitor_term_read(buf, cap);
}

static FOMOS_CALL void exec_term_write(const char *text, uint32_t len)
{
	struct app *a = exec_current;

	if (!exec_user_range(a, text, len, 0)) {
		exec_misuse(a, "term_write", text);
		return;
	}
	serial_write(text, len);
}

static FOMOS_CALL int32_t exec_file(struct fomos_file *req)
{
	struct app *a = exec_current;
	int out;

	if (!exec_user_range(a, req, sizeof(*req), 1))
		return FOMOS_E_BADARG;		/* nowhere to put a status: just say no */
	switch (req->op) {
	case FOMOS_FILE_READ:
	case FOMOS_FILE_LIST:
		out = 1;
		break;
	case FOMOS_FILE_WRITE:
	case FOMOS_FILE_REPLACE:
		out = 0;
		break;
	default:
		out = -1;
		break;
	}
	if (out >= 0 && req->len && !exec_user_range(a, req->buf, req->len, out))
		return FOMOS_E_BADARG;
	return files_submit(a->pid, a->name, req);
}

/* A left click gives the focus to the window under the pointer and raises
 * it.  Looked at once per turn, after the drivers queued what arrived. */
static void exec_clicks(void)
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
	if (!click || !(l = display_hit(in->pointer_x, in->pointer_y)) || !(a = exec_app_of_layer(l)))
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
	a->ctx.screen_width = display_width();
	a->ctx.screen_height = display_height();
	a->ctx.window = exec_window;
	a->ctx.raise = exec_raise;
	a->ctx.damage = exec_damage_rect;
	a->ctx.system = a->opts.nosys ? exec_system_refused : exec_system;
	a->ctx.term_read = exec_term_read;
	a->ctx.term_write = exec_term_write;
	a->ctx.file = exec_file;
}

static void exec_release(struct app *a)
{
	if (exec_focus == a->pid)
		exec_set_focus(0);
	monitor_release(a->pid);
	files_cancel(a->pid);
	if (a->surface_bytes) {
		display_remove_layer(&a->layer);
		exec_unmap(a->home + EXEC_SURFACE_OFFSET, a->surface_bytes);
	}
	appmem_release(&a->mem);
	exec_unmap(a->home + EXEC_STACK_OFFSET - EXEC_STACK_SIZE, EXEC_STACK_SIZE);
	exec_unmap(a->home, a->image_bytes);
	a->surface_bytes = a->image_bytes = 0;
	exec_slots[a->slot] = 0;
}

struct app *exec_create(const char *file_name, const uint8_t *file, uint64_t size,
    const struct app_opts *opts, const struct exec_resume *r)
{
	char why[128];
	struct app *a;
	int slot;

	if (appfile_check(file, size, EXEC_CTX_VERSION, why, sizeof(why)) < 0) {
		exec_fail("%s refused: %s", file_name, why);
		return NULL;
	}
	a = kcalloc(1, sizeof(*a));
	slot = a ? exec_alloc_slot(r) : -1;
	if (!a || slot < 0) {
		exec_fail("%s not started: %s", file_name, !a ? "out of kernel memory" :
		    r ? "its home is taken" : "no free home");
		kfree(a);
		return NULL;
	}
	a->slot = slot;
	a->home = exec_home(slot);
	a->src = file;
	a->src_size = size;
	memcpy(a->src_path, file_name, strnlen(file_name, BOOT_PATH_MAX - 1));
	a->opts = *opts;
	a->pid = r ? r->pid : exec_next_pid++;
	appmem_init(&a->mem, a->home + EXEC_ARENA_OFFSET, opts->quota, exec_map_arena, exec_unmap);
	if (exec_load_image(a, file, size) < 0 || exec_make_surface(a, r) < 0 ||
	    exec_map_fresh(a->home + EXEC_STACK_OFFSET - EXEC_STACK_SIZE, EXEC_STACK_SIZE, PG_RW | PG_NX) < 0) {
		exec_fail("%s not started: out of memory", file_name);
		exec_release(a);
		kfree(a);
		return NULL;
	}
	exec_build_ctx(a);
	/* Nothing is mapped below the stack: overflowing it faults at once. */
	a->stack_top = a->home + EXEC_STACK_OFFSET;
	a->budget_tsc = (uint64_t)(opts->budget_ms ? opts->budget_ms : APP_BUDGET_DEFAULT) *
	    (timer_tsc_hz() / 1000);
	return a;
}

void exec_destroy(struct app *a)
{
	exec_release(a);
	kfree(a);
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

int64_t exec_start(const char *file_name, const uint8_t *file, uint64_t size,
    const struct app_opts *opts)
{
	struct app *a = exec_create(file_name, file, size, opts, NULL);

	if (!a)
		return -1;
	exec_go(a);
	if (!exec_quiet)
		klog("exec: started %s as pid %llu%s%s%s\n", a->name, a->pid,
		    opts->trace ? " (trace)" : "", opts->nofb ? " (nofb)" : "", opts->nosys ? " (nosys)" : "");
	return (int64_t)a->pid;
}

/* --- starting apps by name ----------------------------------------------------- */

static const struct boot_file *exec_files;
static uint32_t exec_file_count;

void exec_set_files(const struct boot_file *files, uint32_t count)
{
	exec_files = files;
	exec_file_count = count;
}

static const struct boot_file *exec_find_file(const char *path)
{
	uint32_t i;

	for (i = 0; i < exec_file_count; i++)
		if (!strcmp(exec_files[i].path, path))
			return &exec_files[i];
	return NULL;
}

/* App files read from the disk at run time.  An app keeps pointing at its
 * file (restarts start it again from it), so a version stays here for good;
 * running an unchanged file again reuses it. */
struct exec_loaded {
	struct exec_loaded *next;
	char path[BOOT_PATH_MAX];
	uint64_t size;
	uint8_t *data;
};
static struct exec_loaded *exec_loaded;

static const uint8_t *exec_keep_loaded(const char *path, uint8_t *data, uint64_t size)
{
	struct exec_loaded *l;

	for (l = exec_loaded; l; l = l->next)
		if (!strcmp(l->path, path) && l->size == size && !memcmp(l->data, data, size)) {
			kfree(data);
			return l->data;
		}
	l = kcalloc(1, sizeof(*l));
	if (!l) {
		kfree(data);
		return NULL;
	}
	memcpy(l->path, path, strnlen(path, BOOT_PATH_MAX - 1));
	l->size = size;
	l->data = data;
	l->next = exec_loaded;
	exec_loaded = l;
	return data;
}

int exec_app_file(const char *name, char *path, const uint8_t **data, uint64_t *size)
{
	const struct boot_file *f;
	void *buf;
	int r;

	fmt_snprintf(path, BOOT_PATH_MAX, "/fomos/apps/%s.app", name);
	/* The disk first: an app copied onto the ESP after boot runs too. */
	if (files_ready()) {
		r = files_read_all(path, &buf, size);
		if (r == 0) {
			*data = exec_keep_loaded(path, buf, *size);
			return *data ? 0 : FOMOS_E_NOMEM;
		}
		if (r == FOMOS_E_NOTFOUND)
			return r;
		klog("exec: reading %s from the disk failed (%d); using the copy loaded at boot\n", path, r);
	}
	f = exec_find_file(path);
	if (!f)
		return FOMOS_E_NOTFOUND;
	*data = f->data;
	*size = f->size;
	return 0;
}

int64_t exec_run_name(const char *name, const struct app_opts *opts)
{
	char path[BOOT_PATH_MAX];
	const uint8_t *data;
	uint64_t size;
	int r = exec_app_file(name, path, &data, &size);

	if (r == FOMOS_E_NOTFOUND) {
		exec_fail("%s: no such app (%s not found)", name, path);
		return -1;
	}
	if (r < 0) {
		exec_fail("%s: cannot read %s (error %d)", name, path, r);
		return -1;
	}
	return exec_start(path, data, size, opts);
}

static void exec_init_report(void *arg, const char *msg)
{
	klog("exec: /fomos/%s\n", msg);
}

void exec_start_init(void)
{
	static struct init_entry entries[64];
	const struct boot_file *f = exec_find_file("/fomos/init");
	uint32_t n, i;

	if (!f) {
		klog("exec: no /fomos/init, no apps started\n");
		return;
	}
	n = init_parse((const char *)f->data, f->size, entries, ARRAY_LEN(entries), exec_init_report, NULL);
	for (i = 0; i < n; i++) {
		struct app *a;

		for (a = exec_apps; a; a = a->next)
			if (a->state == APP_RUNNING && !strcmp(a->name, entries[i].name))
				break;
		if (a)
			klog("exec: %s is running already (resumed), not started again\n", a->name);
		else
			exec_run_name(entries[i].name, &entries[i].opts);
	}
}

/* --- running ------------------------------------------------------------------ */

/* `restart`: an app that faulted or overran its budget comes back, after a
 * delay that doubles each time (0.5 s, 1 s, 2 s, ... at most 30 s), as a
 * service manager would do it. */
static void exec_restart(struct app *old)
{
	struct app *a;
	uint64_t delay_ms = MIN(500ull << MIN(old->restarts, 6u), 30000ull);
	int quiet = exec_quiet;
	int64_t pid;

	exec_quiet = 1;		/* one line says it all */
	pid = exec_start(old->src_path, old->src, old->src_size, &old->opts);
	exec_quiet = quiet;

	if (pid < 0)
		return;
	a = exec_apps_tail;
	a->restarts = old->restarts + 1;
	a->wake_tsc = rdtsc() + delay_ms * exec_tsc_per_ms;
	klog("exec: %s restarts as pid %lld in %llu ms (restart %u)\n", a->name, pid, delay_ms, a->restarts);
}

/* reason is already in a->reason for faults, budget and misuse. */
static void exec_end(struct app *a, uint32_t how, int32_t code)
{
	uint64_t bytes = a->image_bytes + a->surface_bytes + a->mem.mapped + EXEC_STACK_SIZE;

	a->state = APP_ENDED;
	a->exit_code = code;
	a->ended_by = how;
	if (how == APP_END_EXIT)
		fmt_snprintf(a->reason, sizeof(a->reason), "exit code %d", code);
	else if (how == APP_END_KILLED)
		fmt_snprintf(a->reason, sizeof(a->reason), "killed");
	if (!exec_quiet) {
		if (how == APP_END_EXIT || how == APP_END_KILLED)
			klog("exec: %s[%llu] ended (%s), %llu KiB returned\n", a->name, a->pid, a->reason, bytes >> 10);
		else
			klog("exec: %s[%llu] stopped: %s; %llu KiB returned, the others go on\n",
			    a->name, a->pid, a->reason, bytes >> 10);
	}
	exec_release(a);
	if (a->opts.restart && (how == APP_END_FAULT || how == APP_END_BUDGET))
		exec_restart(a);
}

/* --- faults and runaway apps ---------------------------------------------------- */

/* "crash.app+0x1012" for an address in the app's image, else the address. */
static void exec_where(const struct app *a, uint64_t addr, char *buf, uint32_t len)
{
	const char *file = a->src_path, *p;

	for (p = file; *p; p++)
		if (*p == '/')
			file = p + 1;
	if (addr - a->home < a->image_bytes)
		fmt_snprintf(buf, len, "%s+0x%llx", file, addr - a->home);
	else
		fmt_snprintf(buf, len, "0x%llx", addr);
}

static void exec_describe_fault(struct app *a, const struct trap_frame *f)
{
	uint64_t cr2, stack_lo = a->stack_top - EXEC_STACK_SIZE, ret = 0;
	char where[64], from[64];

	exec_where(a, f->rip, where, sizeof(where));
	if (f->vector != 14) {
		fmt_snprintf(a->reason, sizeof(a->reason), "%s at %s", trap_name(f->vector), where);
		return;
	}
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	if (cr2 < stack_lo && cr2 >= stack_lo - (1ull << 20)) {
		fmt_snprintf(a->reason, sizeof(a->reason),
		    "stack overflow (past the bottom of its %llu KiB stack) at %s", EXEC_STACK_SIZE >> 10, where);
	} else if (f->error & (1u << 4)) {
		/* An instruction fetch: it jumped somewhere that is not code.
		 * The caller, if it got there by a call, left its address on top
		 * of the stack. */
		from[0] = 0;
		if (paging_mapped(f->rsp) && paging_mapped(f->rsp + 7))
			ret = *(const uint64_t *)(uintptr_t)f->rsp;
		if (ret - a->home < a->image_bytes) {
			exec_where(a, ret, where, sizeof(where));
			fmt_snprintf(from, sizeof(from), ", called from %s", where);
		}
		exec_where(a, cr2, where, sizeof(where));
		fmt_snprintf(a->reason, sizeof(a->reason), "jumped to %s, which is not code%s", where, from);
	} else {
		fmt_snprintf(a->reason, sizeof(a->reason), "page fault %s 0x%llx (%s) at %s",
		    f->error & 2 ? "writing" : "reading", cr2,
		    f->error & 1 ? "not allowed there" : "nothing mapped there", where);
	}
}

/* Leaves the app: the interrupted frame returns to exec_enter's epilogue on
 * the kernel stack instead of into the app. */
static void exec_abort(struct trap_frame *f, uint32_t how)
{
	exec_current->ended_by = how;
	f->rip = (uint64_t)(uintptr_t)exec_abort_landing;
	f->rsp = exec_kernel_rsp;
	f->rflags = 0x202;	/* interrupts on, as in the executor */
	exec_aborted = 1;
}

static int exec_trap(struct trap_frame *f)
{
	if (!exec_current || exec_unprotected || exec_aborted)
		return 0;
	exec_describe_fault(exec_current, f);
	exec_abort(f, APP_END_FAULT);
	return 1;
}

/* Every timer tick: the pessimistic half of "optimistically cooperative,
 * pessimistically preemptive". */
static void exec_tick(struct trap_frame *f)
{
	struct app *a = exec_current;

	if (!a || exec_unprotected || exec_aborted || rdtsc() - exec_call_tsc <= a->budget_tsc)
		return;
	/* Inside a service the app called (log, calloc), the kernel's own state
	 * may be half changed: wait until it returns into the app. */
	if (trap_in_kernel(f->rip))
		return;
	fmt_snprintf(a->reason, sizeof(a->reason), "ran for more than %u ms without returning (its budget)",
	    a->opts.budget_ms);
	exec_abort(f, APP_END_BUDGET);
}

int exec_kill(uint64_t pid)
{
	struct app *a;

	for (a = exec_apps; a; a = a->next)
		if (a->pid == pid && a->state == APP_RUNNING) {
			if (a == exec_current)
				a->kill_pending = 1;	/* its code is running: end it on return */
			else
				exec_end(a, APP_END_KILLED, -9);
			return 0;
		}
	return -1;
}

/* Calls the app once at rdtsc value `now`; returns the rdtsc value after. */
/* Calls the app once at rdtsc value `now`; returns the rdtsc value after. */
static uint64_t exec_call(struct app *a, uint64_t now)
{
	uint64_t after;
	int r;

	a->call = a->ctx;
	a->call.time_ns = timer_tsc_to_ns(now);
	a->call.win_x = a->layer.x;
	a->call.win_y = a->layer.y;
	a->call.win_flags = a->win_flags;
	a->call.focused = exec_focus == a->pid;
	exec_call_tsc = now;
	exec_current = a;
	if (exec_unprotected)
		r = a->entry(&a->call);
	else
		r = exec_enter(a->entry, &a->call, a->stack_top);
	exec_current = NULL;
	after = rdtsc();
	a->calls++;
	a->cpu_tsc += after - now;
	a->drew = 1;
	if (exec_aborted) {
		exec_aborted = 0;
		exec_end(a, a->ended_by, -1);
	} else if (a->doomed) {
		exec_end(a, APP_END_MISUSE, -1);
	} else if (a->kill_pending) {
		exec_end(a, APP_END_KILLED, -9);
	} else if (r < 0) {
		exec_end(a, APP_END_EXIT, r);
	} else {
		a->wake_tsc = r ? after + (uint64_t)r * exec_tsc_per_ms : 0;
	}
	return after;
}

uint32_t exec_round(uint64_t *next_wake_tsc)
{
	uint64_t now = rdtsc(), next = UINT64_MAX;
	uint32_t called = 0;
	struct app *a;

	for (a = exec_apps; a; a = a->next) {
		if (a->state != APP_RUNNING)
			continue;
		if (a->wake_tsc > now) {
			next = MIN(next, a->wake_tsc);
			continue;
		}
		now = exec_call(a, now);
		called++;
		if (a->state == APP_RUNNING && a->wake_tsc)
			next = MIN(next, a->wake_tsc);
	}
	*next_wake_tsc = next;
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
	int32_t y0 = first / l->stride, y1 = last / l->stride;
	int32_t x0 = first % l->stride, x1 = last % l->stride;
	struct compose_rect r;

	if (d->run_end <= d->run_start)
		return;
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

/* v1 apps don't say what they changed; the page tables do.  At most every
 * EXEC_FRAME_NS, the pages each app wrote in its surface become damage. */
static void exec_frame(void)
{
	static uint64_t last;
	uint64_t now = timer_ns();
	struct app *a;

	if (now - last < EXEC_FRAME_NS)
		return;
	last = now;
	for (a = exec_apps; a; a = a->next) {
		struct exec_damage d = { &a->layer, 0, 0 };

		if (a->state != APP_RUNNING || !a->drew || !a->surface_bytes || a->damages)
			continue;
		a->drew = 0;
		paging_take_dirty(a->home + EXEC_SURFACE_OFFSET, a->surface_bytes, exec_dirty_page, &d);
		exec_damage_run(&d);
	}
	console_sync();
	display_flush();
}

void exec_prepare(void)
{
	exec_tsc_per_ms = timer_tsc_hz() / 1000;
	trap_set_app_hook(exec_trap);
	timer_set_tick_hook(exec_tick);
	console_defer(1);
}

void exec_set_protection(int on)
{
	exec_unprotected = !on;
}

uint32_t exec_once(uint64_t *next_wake_tsc)
{
	static uint64_t next_chores;
	uint32_t called;
	uint64_t now;

	/* Devices first: what arrived reaches the apps in this same round. */
	drivers_poll();
	exec_clicks();
	called = exec_round(next_wake_tsc);
	exec_snap_poll();
	now = rdtsc();

	/* Polling the UART is an I/O port access (slow, very slow under TCG):
	 * the serial line and the display are looked at once a millisecond,
	 * not once per round of apps that return at once. */
	if (now >= next_chores) {
		next_chores = now + exec_tsc_per_ms;
		monitor_poll();
		inputhub_tick(now);
		/* Disk work for the apps, in slices: the executor never waits
		 * long for the disk. */
		files_poll(500000);
		exec_frame();
	}
	return called;
}

void exec_loop(void)
{
	uint64_t next;

	exec_prepare();
	/* The apps' first calls come before the kernel's prompt: an app that
	 * takes the serial line as its terminal (the console) takes it before
	 * anyone can type into ours. */
	exec_once(&next);
	monitor_start();
	for (;;) {
		/* Nothing due: sleep until the next interrupt (the 1 kHz tick at
		 * the latest), then look again. */
		if (!exec_once(&next) && next > rdtsc())
			cpu_sti_hlt();
	}
}

void exec_set_quiet(int quiet)
{
	exec_quiet = quiet;
}

void exec_forget_ended(void)
{
	struct app **p = &exec_apps, *a;

	exec_apps_tail = NULL;
	while ((a = *p)) {
		if (a->state == APP_ENDED) {
			*p = a->next;
			kfree(a);
			continue;
		}
		exec_apps_tail = a;
		p = &a->next;
	}
}

uint32_t exec_list(struct exec_info *out, uint32_t max)
{
	uint32_t n = 0;
	struct app *a;

	for (a = exec_apps; a && n < max; a = a->next, n++) {
		out[n].pid = a->pid;
		memcpy(out[n].name, a->name, APP_NAME_MAX);
		out[n].state = a->state;
		out[n].exit_code = a->exit_code;
		out[n].calls = a->calls;
		out[n].cpu_ns = timer_tsc_delta_ns(a->cpu_tsc);
		out[n].mem_bytes = a->image_bytes + a->surface_bytes + a->mem.mapped +
	    (a->state == APP_RUNNING ? EXEC_STACK_SIZE : 0);
	memcpy(out[n].reason, a->reason, sizeof(out[n].reason));
	}
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

void exec_kill_all(void)
{
	struct app *a;

	for (a = exec_apps; a; a = a->next)
		if (a->state == APP_RUNNING)
			exec_end(a, APP_END_KILLED, -9);
}

uint32_t exec_running(void)
{
	uint32_t n = 0;
	struct app *a;

	for (a = exec_apps; a; a = a->next)
		n += a->state == APP_RUNNING;
	return n;
}
