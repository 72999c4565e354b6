/*
 * kernel/exec.c on Linux: the same homes, the same loader, the same context.
 *
 * An app is checked by kernel/appfile.c, copied to its home (the kernel's
 * address for its slot, mmap'ed there with MAP_FIXED_NOREPLACE), relocated
 * by appfile_relocate for that home, and protected part by part as the
 * kernel's page tables do: header and constants read-only, code read-only
 * and executable, data read-write.  Its surface, its arena and its 64 KiB
 * stack sit at the kernel's offsets in the home; the arena is the kernel's
 * own kernel/appmem.c, grown by mmap, never beyond the quota, and the app
 * runs on its stack through the kernel's own
 * kernel/enter.S.  So a pointer an app prints on Linux is the pointer it
 * prints on the kernel, and an app that needs more stack than the kernel
 * gives fails here too.
 *
 * One app can't take the host down either, and is stopped with the kernel's
 * words: a fault in its call (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) is
 * described from what the CPU reported and Linux passes on (trap number,
 * error code, faulting address), e.g. "page fault writing 0x0 (nothing
 * mapped there) at null.app+0x1004"; a call that runs past its budget is cut
 * short by a timer, but never inside a host service.  Both leave the call
 * by siglongjmp back to host_call.
 *
 * Where Linux differs: the budget counts the CPU time the call used (the
 * kernel counts wall time, having nothing else to run), and log text is
 * copied under the fault guard rather than checked against page tables
 * (unreadable text is ignored with the kernel's line either way).
 *
 * Version 2 and 3 as on the kernel: windows stacked by kernel/wm.c (the
 * kernel's bands, hit test and click-to-focus), composed from what changed
 * (damage, or the whole surface after each call of an app that never calls
 * damage()); system() answers the commands that mean something here (help,
 * ps, run, kill, mem, time, log); the terminal is --type and, with
 * --terminal, standard input, and term_write prints; file() requests are
 * queued and done after the round, in DATA/NAME/ (host_files.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "appfile.h"
#include "appmem.h"
#include "display.h"
#include "exec.h"
#include "fmt.h"
#include "heap.h"
#include "host.h"
#include "lib.h"
#include "wm.h"

/* fomos-host speaks the header's context, every field of it. */
#define HOST_CTX_VERSION	FOMOS_CTX_VERSION
_Static_assert(EXEC_CTX_VERSION <= HOST_CTX_VERSION,
    "the kernel speaks a newer context: give fomos-host its fields too");

#ifndef sigev_notify_thread_id		/* glibc names it from 2.37 on */
#define sigev_notify_thread_id	_sigev_un._tid
#endif

#define EXEC_LOG_MAX		1024
#define HOST_SIGNAL_STACK	(64u << 10)
#define HOST_BUDGET_RETRY_NS	1000000ull	/* inside a service: look again in 1 ms */
#define HOST_WIN_MAX		8192		/* a window's largest side, as the kernel's */
#define HOST_WIN_FLAGS		(FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS | FOMOS_WIN_OPAQUE)
#define HOST_LOG_TAIL		4096		/* what `log` shows */
#define HOST_CMD_LINE		128		/* the kernel's command line length */

typedef int (FOMOS_CALL *app_entry_fn)(struct fomos_ctx *ctx);

/* struct app of kernel/exec.c, less what only the kernel needs (TSC
 * accounting, page-table damage). */
struct app {
	struct app *next;		/* start order */
	uint32_t state;			/* enum app_state */
	uint8_t doomed;			/* misused the context: end it after this call */
	uint8_t damages;		/* v2: says what it drew (ctx->damage) */
	uint8_t kill_pending;		/* killed during its own call: end it on return */
	uint32_t win_flags;		/* FOMOS_WIN_* */
	uint64_t wake_ns;		/* not called before this time_ns */
	app_entry_fn entry;
	uint64_t calls;
	uint64_t cpu_ns;		/* wall time inside its calls, for ps */
	struct fomos_ctx ctx;		/* the host's truth */
	struct fomos_ctx call;		/* the copy the app gets, rebuilt at every call */
	void *store;			/* *ctx->store */
	uint64_t stack_top;		/* the app's own stack, in its home */

	uint64_t pid;
	char name[APP_NAME_MAX];
	uint32_t slot;
	int32_t exit_code;
	struct app_opts opts;
	uint64_t home;
	uint64_t image_bytes, surface_bytes;	/* mapped in the home */
	struct appmem mem;		/* its arena: kernel/appmem.c, as in the kernel */
	struct compose_layer layer;	/* its surface on the screen: its window */
	/* file() requests, done at the end of the round: where the app's
	 * request is, and what it asked when it queued it. */
	struct { struct fomos_file *req; struct fomos_file asked; } files[HOST_FILES_MAX];
	uint32_t nfiles;
	const uint8_t *src;		/* the app file (the caller keeps it), to start it again */
	uint64_t src_size;
	char src_path[BOOT_PATH_MAX];
	uint32_t restarts;		/* how many times `restart` brought it back */
	char reason[112];		/* why it ended, for the log */
};

static struct app *host_apps, *host_apps_tail;
static struct app *host_current;	/* the app being called, for the context's functions */
static uint64_t host_next_pid = 1;
static uint8_t host_slots[EXEC_MAX_SLOTS];
static uint32_t host_width, host_height;
static struct wm host_wm;		/* the windows, as the kernel's display stacks them */
static uint64_t host_focus;		/* pid of the app with the keyboard focus, 0: none */
static struct compose_rect host_dirty;	/* of the screen, since host_exec_take_dirty */
static uint64_t host_term_owner;	/* pid of the app that owns the terminal, 0: none */
static char host_term_ring[4096];	/* bytes for the owner's term_read */
static uint32_t host_term_head, host_term_tail;
static char host_log_ring[HOST_LOG_TAIL];	/* the latest log output, for `log` */
static uint64_t host_log_total;
static const struct fomos_input *host_input;
static struct timespec host_t0;
static int host_quiet;			/* no "started" line: a restart says it all */
static timer_t host_budget_timer;	/* CPU time of this thread; fires SIGALRM at it */

/* How the current call was cut short, and what the CPU said about a
 * fault; written by the signal handlers, read once they jumped back. */
static volatile uint32_t host_aborted;	/* 0, APP_END_FAULT or APP_END_BUDGET */
struct host_fault {
	int sig;
	uint64_t trapno, err;		/* the exception vector and its error code */
	uint64_t addr, pc, sp;		/* addr: the faulting address (cr2) */
};
static struct host_fault host_fault;

/* Where a fault in app code (or in copying what an app handed us) goes. */
static sigjmp_buf *volatile host_fault_jmp;

/* kernel/enter.S, assembled for Linux: calls fn(ctx) on the app's own
 * stack, System V on both sides.  A call cut short never returns through
 * it: siglongjmp restores the host's stack and registers instead (its
 * exec_abort_landing is the kernel's way, from a trap frame). */
FOMOS_CALL int exec_enter(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top);

uint64_t host_time_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - host_t0.tv_sec) * 1000000000ull + (uint64_t)t.tv_nsec -
	    (uint64_t)host_t0.tv_nsec;
}

/* klog: the kernel's formatter (%p is "0x" and 16 digits), one flushed line
 * on standard output. */
static void host_klog(const char *fmt, ...) FMT_PRINTF(1, 2);
static void host_klog(const char *fmt, ...)
{
	char buf[EXEC_LOG_MAX + 128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = (int)MIN((size_t)n, sizeof(buf) - 1);
	fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	for (int i = 0; i < n; i++)
		host_log_ring[host_log_total++ % HOST_LOG_TAIL] = buf[i];
}

/* Copies n bytes to memory the app handed us; -1 if it is not writable. */
static int host_copy_out(void *dst, const void *src, uint64_t n);

/* --- faults and runaway apps: the signal side ------------------------------------- */

static void host_on_fault(int sig, siginfo_t *si, void *uc_)
{
	const greg_t *r = ((ucontext_t *)uc_)->uc_mcontext.gregs;

	if (!host_fault_jmp) {		/* the host's own bug: die of it */
		signal(sig, SIG_DFL);
		return;			/* the faulting instruction runs again */
	}
	host_fault.sig = sig;
	host_fault.trapno = (uint64_t)r[REG_TRAPNO];
	host_fault.err = (uint64_t)r[REG_ERR];
	host_fault.addr = (uint64_t)(uintptr_t)si->si_addr;
	host_fault.pc = (uint64_t)r[REG_RIP];
	host_fault.sp = (uint64_t)r[REG_RSP];
	host_aborted = APP_END_FAULT;
	siglongjmp(*host_fault_jmp, 1);
}

static void host_budget_arm(uint64_t ns)
{
	struct itimerspec t = { .it_value = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) } };

	timer_settime(host_budget_timer, 0, &t, NULL);
}

/* The budget ran out.  Inside a host service (log, calloc) the host's own
 * state may be half changed: wait until it returns into the app's code. */
static void host_on_budget(int sig, siginfo_t *si, void *uc_)
{
	uint64_t pc = (uint64_t)((ucontext_t *)uc_)->uc_mcontext.gregs[REG_RIP];
	struct app *a = host_current;

	(void)sig;
	(void)si;
	if (!a || !host_fault_jmp)
		return;
	if (pc - a->home >= a->image_bytes) {
		host_budget_arm(HOST_BUDGET_RETRY_NS);
		return;
	}
	host_aborted = APP_END_BUDGET;
	siglongjmp(*host_fault_jmp, 1);
}

/* The handlers run on their own stack: the app's may be what overflowed.
 * SA_NODEFER because they leave by siglongjmp. */
static int host_signals_init(void)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
	stack_t st = { .ss_sp = malloc(HOST_SIGNAL_STACK), .ss_size = HOST_SIGNAL_STACK };
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	uint32_t i;

	if (!st.ss_sp || sigaltstack(&st, NULL) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = host_on_fault;
	for (i = 0; i < ARRAY_LEN(faults); i++)
		sigaction(faults[i], &sa, NULL);
	sa.sa_sigaction = host_on_budget;
	sa.sa_flags |= SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	/* To this thread, which calls the apps, whatever threads SDL runs. */
	ev.sigev_notify_thread_id = gettid();
	return timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &host_budget_timer);
}

/* Copies n bytes the app handed us; -1 if they are not readable. */
static int host_copy_in(void *dst, const void *src, uint64_t n)
{
	sigjmp_buf *outer = host_fault_jmp, jmp;

	if (sigsetjmp(jmp, 0)) {
		host_fault_jmp = outer;
		host_aborted = 0;
		return -1;
	}
	host_fault_jmp = &jmp;
	memcpy(dst, src, n);
	host_fault_jmp = outer;
	return 0;
}

static int host_copy_out(void *dst, const void *src, uint64_t n)
{
	return host_copy_in(dst, src, n);	/* the same guard: a fault either way */
}

/* [p, p+len) lies in the app's home: what it hands a service must be its
 * own memory (whether it is mapped, the guarded copy finds out). */
static int host_user_range(const struct app *a, const void *p, uint64_t len)
{
	uint64_t va = (uint64_t)(uintptr_t)p;

	return va >= a->home && len <= EXEC_HOME_SIZE && va + len <= a->home + EXEC_HOME_SIZE;
}

/* --- the context's functions ------------------------------------------------------ */

static FOMOS_CALL void host_log(const char *text, uint32_t len)
{
	struct app *a = host_current;
	static char buf[EXEC_LOG_MAX];

	len = MIN(len, EXEC_LOG_MAX);
	/* The text must be memory the app can read, or the host would fault
	 * on its behalf. */
	if (host_copy_in(buf, text, len) < 0) {
		host_klog("%s[%llu]: log(%p, %u): not readable memory, ignored\n", a->name,
		    (unsigned long long)a->pid, text, len);
		return;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	host_klog("%s[%llu]: %.*s\n", a->name, (unsigned long long)a->pid, (int)len, buf);
}

static void host_unmap(uint64_t va, uint64_t size)
{
	if (size)
		munmap((void *)(uintptr_t)va, size);
}

/* Fresh zeroed pages at exactly [va, va+size), never over a mapping. */
static int host_map_fresh(uint64_t va, uint64_t size, int prot)
{
	void *p = mmap((void *)(uintptr_t)va, size, prot,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	if ((uint64_t)(uintptr_t)p != va) {	/* a kernel before 4.17 takes the flag as a hint */
		munmap(p, size);
		errno = EEXIST;
		return -1;
	}
	return 0;
}

static int host_map_arena(uint64_t va, uint64_t bytes)
{
	return host_map_fresh(va, bytes, PROT_READ | PROT_WRITE);
}

static FOMOS_CALL void *host_calloc(uint64_t count, uint64_t size)
{
	return appmem_calloc(&host_current->mem, count, size);
}

static FOMOS_CALL void host_free(void *ptr)
{
	struct app *a = host_current;
	const char *why = appmem_free(&a->mem, ptr);

	if (!why)
		return;
	fmt_snprintf(a->reason, sizeof(a->reason), "free(%p): %s", ptr, why);
	a->doomed = 1;
}

/* The `trace` wrapper: same services, every call logged. */
static FOMOS_CALL void *host_trace_calloc(uint64_t count, uint64_t size)
{
	void *p = host_calloc(count, size);

	host_klog("%s[%llu]: trace: calloc(%llu, %llu) = %p\n", host_current->name,
	    (unsigned long long)host_current->pid, (unsigned long long)count,
	    (unsigned long long)size, p);
	return p;
}

static FOMOS_CALL void host_trace_free(void *ptr)
{
	host_klog("%s[%llu]: trace: free(%p)\n", host_current->name,
	    (unsigned long long)host_current->pid, ptr);
	host_free(ptr);
}

/* --- loading ------------------------------------------------------------------------ */

/* The kernel's own homes (exec_home in kernel/exec.h says why they are
 * where they are). */
static uint64_t host_home(uint32_t slot)
{
	return exec_home(slot);
}

static int host_alloc_slot(void)
{
	uint32_t i;

	for (i = 0; i < EXEC_MAX_SLOTS; i++)
		if (!host_slots[i]) {
			host_slots[i] = 1;
			return (int)i;
		}
	return -1;
}

/* Copies the file into fresh pages at its home, relocates it for that home,
 * then gives each part its permissions. */
static int host_load_image(struct app *a, const uint8_t *file, uint64_t size)
{
	const struct appfile_header *h = (const void *)file;
	uint64_t bytes = ALIGN_UP(h->mem_size, PAGE_SIZE);
	uint8_t *img = (uint8_t *)(uintptr_t)a->home;

	if (host_map_fresh(a->home, bytes, PROT_READ | PROT_WRITE) < 0)
		return -1;
	a->image_bytes = bytes;
	memcpy(img, file, size);	/* the bss is already zero */
	appfile_relocate(img, a->home);
	if (mprotect(img, h->code_start, PROT_READ) < 0 ||
	    mprotect(img + h->code_start, h->code_end - h->code_start, PROT_READ | PROT_EXEC) < 0 ||
	    mprotect(img + h->code_end, h->data_start - h->code_end, PROT_READ) < 0)
		return -1;
	a->entry = (app_entry_fn)(uintptr_t)(a->home + h->entry);
	memcpy(a->name, h->name, APPFILE_NAME_MAX);
	return 0;
}

static void host_damage_screen(struct compose_rect r)
{
	host_dirty = compose_union(host_dirty, r);
}

static void host_set_focus(uint64_t pid)
{
	host_focus = pid;
	host_input_focus(pid);
}

/* A transparent surface the size of the screen at (0, 0), its window, on
 * top of the normal band: a v1 app's surface, and a v2 app's until it calls
 * window(). */
static int host_make_surface(struct app *a)
{
	uint64_t va = a->home + EXEC_SURFACE_OFFSET;
	uint32_t w = host_width, h = host_height;

	if (a->opts.nofb || !w || !h)
		return 0;
	if (host_wm.count == WM_MAX_LAYERS) {
		host_klog("%s[%llu]: too many surfaces on screen, this app gets none\n", a->name,
		    (unsigned long long)a->pid);
		return 0;
	}
	a->surface_bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);
	if (host_map_fresh(va, a->surface_bytes, PROT_READ | PROT_WRITE) < 0) {
		a->surface_bytes = 0;
		return -1;
	}
	/* No dirty bits here: until the app calls damage(), the whole
	 * surface is content, and the compositor skips transparent pixels. */
	a->layer = (struct compose_layer){ (const uint32_t *)(uintptr_t)va, w, h, w, 0, 0, 0,
	    { 0, 0, (int32_t)w, (int32_t)h } };
	a->ctx.fb = (struct fomos_surface){ (uint32_t *)(uintptr_t)va, w, h, w, 0 };
	wm_add(&host_wm, &a->layer, WM_BAND_NORMAL, 0);
	host_damage_screen(wm_bounds(&a->layer));
	return 0;
}

/* A new, transparent w x h surface in place of the old one, at the same
 * address: MAP_FIXED swaps the pages in one step, so if Linux refuses,
 * the old surface is still there. */
static int host_resize_surface(struct app *a, uint32_t w, uint32_t h)
{
	uint64_t va = a->home + EXEC_SURFACE_OFFSET, bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);
	struct compose_layer *l = &a->layer;
	void *p;

	p = mmap((void *)(uintptr_t)va, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (bytes < a->surface_bytes)
		host_unmap(va + bytes, a->surface_bytes - bytes);
	host_damage_screen(wm_bounds(l));
	a->surface_bytes = bytes;
	l->width = l->stride = w;
	l->height = h;
	l->content = (struct compose_rect){ 0, 0, 0, 0 };
	a->ctx.fb = (struct fomos_surface){ (uint32_t *)(uintptr_t)va, w, h, w, 0 };
	a->call.fb = a->ctx.fb;		/* the app sees its new surface in this very call */
	return 0;
}

/* Nothing is mapped below the stack: overflowing it faults at once. */
static int host_make_stack(struct app *a)
{
	if (host_map_fresh(a->home + EXEC_STACK_OFFSET - EXEC_STACK_SIZE, EXEC_STACK_SIZE,
	    PROT_READ | PROT_WRITE) < 0)
		return -1;
	a->stack_top = a->home + EXEC_STACK_OFFSET;
	return 0;
}

/* --- v2: windows, focus, the system, the terminal ----------------------------------- */

static void host_end(struct app *a, uint32_t how, int32_t code);

static struct app *host_app_of_layer(const struct compose_layer *l)
{
	struct app *a;

	for (a = host_apps; a; a = a->next)
		if (a->state == APP_RUNNING && a->surface_bytes && &a->layer == l)
			return a;
	return NULL;
}

/* The kernel's checks, in the kernel's order: nothing changes unless all
 * pass. */
static FOMOS_CALL int32_t host_window(int32_t x, int32_t y, uint32_t w, uint32_t h, uint32_t flags)
{
	struct app *a = host_current;
	struct compose_layer *l = &a->layer;
	struct compose_rect old = wm_bounds(l);

	if (!a->surface_bytes || !w || !h || w > HOST_WIN_MAX || h > HOST_WIN_MAX ||
	    (flags & ~HOST_WIN_FLAGS) || ((flags & FOMOS_WIN_TOP) && (flags & FOMOS_WIN_BOTTOM)) ||
	    x < -(1 << 20) || x > (1 << 20) || y < -(1 << 20) || y > (1 << 20))
		return FOMOS_E_BADARG;
	if ((w != l->width || h != l->height) && host_resize_surface(a, w, h) < 0)
		return FOMOS_E_NOMEM;
	if (l->x != x || l->y != y) {
		host_damage_screen(old);
		l->x = x;
		l->y = y;
		host_damage_screen(wm_bounds(l));
	}
	l->opaque = !!(flags & FOMOS_WIN_OPAQUE);
	if ((flags ^ a->win_flags) & (FOMOS_WIN_TOP | FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS)) {
		wm_place(&host_wm, l, wm_band_of(flags), !!(flags & FOMOS_WIN_NOFOCUS));
		host_damage_screen(wm_bounds(l));
	}
	if ((flags ^ a->win_flags) & FOMOS_WIN_OPAQUE)
		host_damage_screen(wm_bounds(l));
	a->win_flags = a->call.win_flags = flags;
	a->call.win_x = x;
	a->call.win_y = y;
	if ((flags & FOMOS_WIN_NOFOCUS) && host_focus == a->pid)
		host_set_focus(0);
	a->call.focused = host_focus == a->pid;
	return 0;
}

static FOMOS_CALL void host_raise(void)
{
	struct app *a = host_current;

	if (!a->surface_bytes)
		return;
	if (wm_raise(&host_wm, &a->layer))
		host_damage_screen(wm_bounds(&a->layer));
	if (!(a->win_flags & FOMOS_WIN_NOFOCUS)) {
		host_set_focus(a->pid);
		a->call.focused = 1;
	}
}

static FOMOS_CALL void host_damage(int32_t x, int32_t y, uint32_t w, uint32_t h)
{
	struct app *a = host_current;
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
	host_damage_screen((struct compose_rect){ l->x + r.x0, l->y + r.y0, l->x + r.x1, l->y + r.y1 });
}

/* A left press since the last look gives the focus to the window under
 * the pointer and raises it, as the kernel does once per turn. */
void host_exec_clicks(void)
{
	static uint64_t seen;
	const struct fomos_input *in = host_input;
	struct compose_layer *l;
	struct app *a;
	int click = 0;

	if (seen + FOMOS_EVENT_RING < in->event_count)
		seen = in->event_count - FOMOS_EVENT_RING;
	for (; seen < in->event_count; seen++) {
		const struct fomos_event *e = &in->events[seen % FOMOS_EVENT_RING];

		click |= e->type == FOMOS_EV_BUTTON && e->code == FOMOS_BTN_LEFT && e->value == 1;
	}
	if (!click || !(l = wm_hit(&host_wm, in->pointer_x, in->pointer_y)) || !(a = host_app_of_layer(l)))
		return;
	if (wm_raise(&host_wm, l))
		host_damage_screen(wm_bounds(l));
	if (host_focus != a->pid)
		host_set_focus(a->pid);
}

/* system(): the commands of the kernel's command line that mean something
 * on Linux, answering in the kernel's words. */
struct host_out {
	char *buf;
	uint32_t cap, len;		/* room for text (cap - 1 of the app's cap); answer so far */
};

static void host_say(struct host_out *o, const char *fmt, ...) FMT_PRINTF(2, 3);
static void host_say(struct host_out *o, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = MIN(n, (int)sizeof(text) - 1);
	if (o->len < o->cap)
		memcpy(o->buf + o->len, text, MIN((uint32_t)n, o->cap - o->len));
	o->len += (uint32_t)n;
}

static const char *const host_states[] = { "?", "running", "ended" };

static void host_cmd_ps(struct host_out *o, const char *arg __attribute__((unused)))
{
	struct app *a;

	host_say(o, "%6s %-16s %-8s %10s %10s %9s  %s\n", "PID", "NAME", "STATE", "CALLS", "CPU ms",
	    "MEM KiB", "WHY IT ENDED");
	for (a = host_apps; a; a = a->next) {
		uint64_t mem = a->state == APP_RUNNING ?
		    a->image_bytes + a->surface_bytes + a->mem.mapped + EXEC_STACK_SIZE : 0;

		host_say(o, "%6llu %-16s %-8s %10llu %10llu %9llu  %s\n", (unsigned long long)a->pid,
		    a->name, host_states[a->state], (unsigned long long)a->calls,
		    (unsigned long long)(a->cpu_ns / 1000000), (unsigned long long)(mem >> 10),
		    a->state == APP_RUNNING ? "" : a->reason);
	}
}

static void host_cmd_run(struct host_out *o, const char *arg)
{
	char name[APP_NAME_MAX], why[128];
	struct app_opts opts;
	int64_t pid;

	if (app_run_args(arg, name, &opts, why, sizeof(why)) < 0) {
		host_say(o, "%s\n", why);
		return;
	}
	pid = host_run_name(name, &opts);
	if (pid > 0)
		host_say(o, "started %s as pid %lld\n", name, (long long)pid);
	else
		host_say(o, "run: %s did not start (see the log above)\n", name);
}

static void host_cmd_kill(struct host_out *o, const char *arg)
{
	uint64_t pid = 0;
	const char *p = arg;
	struct app *a;

	while (*p >= '0' && *p <= '9' && pid < 1000000000000ull)
		pid = pid * 10 + (uint64_t)(*p++ - '0');
	if (p == arg || *p) {
		host_say(o, "usage: kill PID\n");
		return;
	}
	for (a = host_apps; a; a = a->next)
		if (a->pid == pid && a->state == APP_RUNNING)
			break;
	if (!a)
		host_say(o, "kill: no running app with pid %llu\n", (unsigned long long)pid);
	else if (a == host_current)
		a->kill_pending = 1;	/* its code is running: end it on return */
	else
		host_end(a, APP_END_KILLED, -9);
}

static void host_cmd_mem(struct host_out *o, const char *arg __attribute__((unused)))
{
	uint64_t bytes = 0;
	uint32_t n = 0;
	struct app *a;

	for (a = host_apps; a; a = a->next)
		if (a->state == APP_RUNNING) {
			bytes += a->image_bytes + a->surface_bytes + a->mem.mapped + EXEC_STACK_SIZE;
			n++;
		}
	host_say(o, "fomos-host: %u apps hold %llu KiB (Linux manages the rest)\n", n,
	    (unsigned long long)(bytes >> 10));
}

static void host_cmd_time(struct host_out *o, const char *arg __attribute__((unused)))
{
	uint64_t ns = host_time_ns();

	host_say(o, "uptime %llu.%03llu s\n", (unsigned long long)(ns / 1000000000ull),
	    (unsigned long long)(ns / 1000000 % 1000));
}

static void host_cmd_log(struct host_out *o, const char *arg __attribute__((unused)))
{
	uint64_t from = host_log_total > HOST_LOG_TAIL ? host_log_total - HOST_LOG_TAIL : 0, i;

	for (i = from; i < host_log_total; i++)
		host_say(o, "%c", host_log_ring[i % HOST_LOG_TAIL]);
}

static void host_cmd_help(struct host_out *o, const char *arg __attribute__((unused)));

static const struct {
	const char *name;
	void (*fn)(struct host_out *o, const char *arg);
	const char *help;
} host_commands[] = {
	{ "help", host_cmd_help, "list the commands" },
	{ "mem", host_cmd_mem, "memory the apps hold" },
	{ "time", host_cmd_time, "time since fomos-host started" },
	{ "log", host_cmd_log, "the most recent log" },
	{ "ps", host_cmd_ps, "the apps, running and ended" },
	{ "run", host_cmd_run, "run NAME [options]: start an app (see /fomos/init)" },
	{ "kill", host_cmd_kill, "kill PID: end an app" },
};

static void host_cmd_help(struct host_out *o, const char *arg __attribute__((unused)))
{
	uint32_t i;

	for (i = 0; i < ARRAY_LEN(host_commands); i++)
		host_say(o, "  %-10s %s\n", host_commands[i].name, host_commands[i].help);
}

/* One command line into o; 0, or -1 if there is no such command. */
static int host_command(struct host_out *o, char *line)
{
	char *arg;
	uint32_t i;

	while (*line == ' ')
		line++;
	for (arg = line; *arg && *arg != ' '; arg++)
		;
	if (*arg)
		*arg++ = 0;
	if (!*line)
		return 0;
	for (i = 0; i < ARRAY_LEN(host_commands); i++)
		if (!strcmp(line, host_commands[i].name)) {
			host_commands[i].fn(o, arg);
			return 0;
		}
	host_say(o, "unknown command '%s' (try 'help')\n", line);
	return -1;
}

/* The answer is built in the host's memory, then copied out under the
 * fault guard: a wild `out` is the app's error, not the host's fault. */
static FOMOS_CALL int64_t host_system(const char *line, uint32_t len, char *out, uint32_t cap)
{
	static char copy[HOST_CMD_LINE], answer[16384];
	struct app *a = host_current;
	struct host_out o = { answer, MIN(cap ? cap - 1 : 0, (uint32_t)sizeof(answer) - 1), 0 };
	int r = -1;

	if (!host_user_range(a, line, len) || (cap && !host_user_range(a, out, cap)) ||
	    (len < sizeof(copy) && host_copy_in(copy, line, len) < 0)) {
		fmt_snprintf(a->reason, sizeof(a->reason), "system(%p): not its memory", (const void *)line);
		a->doomed = 1;
		return FOMOS_E_BADARG;
	}
	if (len >= sizeof(copy)) {
		host_say(&o, "command line too long (%u bytes; at most %u)\n", len,
		    (uint32_t)sizeof(copy) - 1);
	} else {
		copy[len] = 0;
		r = host_command(&o, copy);
	}
	if (cap) {
		answer[MIN(o.len, o.cap)] = 0;
		if (host_copy_out(out, answer, MIN(o.len, o.cap) + 1) < 0) {
			fmt_snprintf(a->reason, sizeof(a->reason), "system(%p): not its memory", (void *)out);
			a->doomed = 1;
			return FOMOS_E_BADARG;
		}
	}
	return r < 0 ? FOMOS_E_NOTFOUND : (int64_t)o.len;
}

/* The `nosys` wrapper: the same app, no system. */
static FOMOS_CALL int64_t host_system_refused(const char *line __attribute__((unused)),
    uint32_t len __attribute__((unused)), char *out, uint32_t cap)
{
	static const char msg[] = "the system is not available to this app (nosys)\n";

	if (cap && host_user_range(host_current, out, cap)) {
		uint32_t n = MIN(cap - 1, (uint32_t)sizeof(msg) - 1);
		char text[sizeof(msg)];

		memcpy(text, msg, n);
		text[n] = 0;
		host_copy_out(out, text, n + 1);
	}
	return FOMOS_E_NOTFOUND;
}

/* The terminal is the serial line's stand-in: its bytes come from --type
 * and, with --terminal, from standard input (host_exec_serial). */
static FOMOS_CALL uint32_t host_term_read(char *buf, uint32_t cap)
{
	struct app *a = host_current;
	char bytes[sizeof(host_term_ring)];
	uint32_t n = 0;

	if (!cap)
		return 0;
	if (!host_user_range(a, buf, cap)) {
		fmt_snprintf(a->reason, sizeof(a->reason), "term_read(%p): not its memory", (void *)buf);
		a->doomed = 1;
		return 0;
	}
	if (host_term_owner != a->pid) {
		host_term_owner = a->pid;
		host_term_head = host_term_tail = 0;
	}
	while (n < cap && n < sizeof(bytes) && host_term_tail != host_term_head)
		bytes[n++] = host_term_ring[host_term_tail++ % sizeof(host_term_ring)];
	if (n && host_copy_out(buf, bytes, n) < 0) {
		fmt_snprintf(a->reason, sizeof(a->reason), "term_read(%p): not its memory", (void *)buf);
		a->doomed = 1;
		return 0;
	}
	return n;
}

static FOMOS_CALL void host_term_write(const char *text, uint32_t len)
{
	struct app *a = host_current;
	static char buf[4096];
	uint32_t off, n;

	if (!host_user_range(a, text, len)) {
		fmt_snprintf(a->reason, sizeof(a->reason), "term_write(%p): not its memory", (const void *)text);
		a->doomed = 1;
		return;
	}
	for (off = 0; off < len; off += n) {
		n = MIN(len - off, (uint32_t)sizeof(buf));
		if (host_copy_in(buf, text + off, n) < 0) {
			fmt_snprintf(a->reason, sizeof(a->reason), "term_write(%p): not its memory",
			    (const void *)text);
			a->doomed = 1;
			return;
		}
		fwrite(buf, 1, n, stdout);
	}
	fflush(stdout);
}

void host_exec_serial(const char *bytes, uint64_t len)
{
	uint64_t i;

	if (!host_term_owner) {
		host_input_type(bytes, len);	/* nobody's terminal: the keyboard's */
		return;
	}
	for (i = 0; i < len; i++) {
		/* If the owner does not read them, the oldest are dropped. */
		if (host_term_head - host_term_tail == sizeof(host_term_ring))
			host_term_tail++;
		host_term_ring[host_term_head++ % sizeof(host_term_ring)] = bytes[i];
	}
}

/* --- v3: files ------------------------------------------------------------------------ */

/* The largest listing, kernel/files.c's: it is built in one slice
 * (FILES_SLICE), whatever buffer the app gives. */
#define HOST_LIST_MAX	(64u * 1024)

/* [p, p+len) is in the memory the app has now: its image, surface, stack
 * or arena (the only mappings in a home). */
static int host_user_mapped(const struct app *a, uint64_t p, uint64_t len)
{
	const uint64_t parts[4][2] = {
		{ a->home, a->image_bytes },
		{ a->home + EXEC_SURFACE_OFFSET, a->surface_bytes },
		{ a->stack_top - EXEC_STACK_SIZE, a->stack_top ? EXEC_STACK_SIZE : 0 },
		{ a->home + EXEC_ARENA_OFFSET, a->mem.mapped },
	};
	uint64_t end = p + len;
	uint32_t i;

	/* The parts never touch, so the range must lie within one of them. */
	for (i = 0; i < ARRAY_LEN(parts); i++)
		if (p >= parts[i][0] && end <= parts[i][0] + parts[i][1] && parts[i][1])
			return 1;
	return 0;
}

/* kernel/exec.c's exec_user_range: [p, p+len) is the app's memory, in its
 * home and mapped, and for writes (write) outside its image's read-only
 * part (the header, code and read-only data: everything before
 * data_start).  What file() is handed is checked with this when it is
 * queued, so a wild pointer is refused at once, as on the kernel; the
 * guarded copies still catch pages given back while it is pending. */
static int host_user_mem(const struct app *a, const void *ptr, uint64_t len, int write)
{
	const struct appfile_header *h = (const void *)(uintptr_t)a->home;
	uint64_t p = (uint64_t)(uintptr_t)ptr;

	if (!host_user_range(a, ptr, len))
		return 0;
	if (write && p < a->home + h->data_start)
		return 0;
	return len == 0 || host_user_mapped(a, p, len);
}

/* Queues the request as the app made it; host_exec_round does the work
 * after every app of the round was called, so the answer comes between
 * calls, as on the kernel.  The checks and their order are kernel/exec.c's
 * exec_file then kernel/files.c's files_submit: a refused request is not
 * touched (its status stays what it was), an accepted one is pending. */
static FOMOS_CALL int32_t host_file(struct fomos_file *req)
{
	struct app *a = host_current;
	struct fomos_file asked;
	int32_t status = FOMOS_PENDING;
	uint64_t done = 0;
	int out;

	if (!host_user_mem(a, req, sizeof(*req), 1) || host_copy_in(&asked, req, sizeof(asked)) < 0)
		return FOMOS_E_BADARG;		/* nowhere to put a status: just say no */
	switch (asked.op) {
	case FOMOS_FILE_READ:
	case FOMOS_FILE_LIST:
		out = 1;			/* the host writes the buffer */
		break;
	case FOMOS_FILE_WRITE:
	case FOMOS_FILE_REPLACE:
		out = 0;			/* the host reads it */
		break;
	default:
		out = -1;
		break;
	}
	if (out >= 0 && asked.len && !host_user_mem(a, asked.buf, asked.len, out))
		return FOMOS_E_BADARG;
	if (asked.op < FOMOS_FILE_READ || asked.op > FOMOS_FILE_DELETE)
		return FOMOS_E_BADARG;
	if (!memchr(asked.path, 0, sizeof(asked.path)))
		return FOMOS_E_PATH;
	if (asked.op == FOMOS_FILE_LIST && (!asked.buf || !asked.len))
		return FOMOS_E_BADARG;
	if ((asked.op == FOMOS_FILE_WRITE || asked.op == FOMOS_FILE_REPLACE) &&
	    (asked.offset > 0xFFFFFFFFull || asked.len > 0xFFFFFFFFull - asked.offset))
		return FOMOS_E_TOOBIG;		/* FAT's largest file */
	if (a->nfiles == HOST_FILES_MAX)
		return FOMOS_E_BUSY;
	if (host_files_check(a->name, asked.path) < 0)
		return FOMOS_E_PATH;
	/* The request was checked writable above; the guard is for the
	 * host's sake only. */
	if (host_copy_out((char *)req + offsetof(struct fomos_file, done), &done, sizeof(done)) < 0 ||
	    host_copy_out((char *)req + offsetof(struct fomos_file, status), &status, sizeof(status)) < 0)
		return FOMOS_E_BADARG;
	a->files[a->nfiles].req = req;
	a->files[a->nfiles].asked = asked;
	a->nfiles++;
	return 0;
}

/* Does a's queued requests, in order, and tells it each result. */
static void host_files_complete(struct app *a)
{
	uint32_t i;

	for (i = 0; i < a->nfiles; i++) {
		struct fomos_file *req = a->files[i].req, *q = &a->files[i].asked;
		int needs_data = q->op == FOMOS_FILE_WRITE || q->op == FOMOS_FILE_REPLACE;
		int gives_data = q->op == FOMOS_FILE_READ || q->op == FOMOS_FILE_LIST;
		uint64_t len = (needs_data || gives_data) ? q->len : 0, done = 0, back = 0;
		uint8_t *data = NULL;
		int32_t status;

		if (q->op == FOMOS_FILE_LIST)
			len = MIN(len, HOST_LIST_MAX);
		if (len > HOST_FILE_MAX) {
			status = FOMOS_E_TOOBIG;
		} else if (len && !(data = malloc(len))) {
			status = FOMOS_E_NOMEM;
		} else if (needs_data && len && host_copy_in(data, q->buf, len) < 0) {
			status = FOMOS_E_BADARG;	/* pages given back while it was pending */
		} else {
			status = host_files_do(a->name, q->op, q->path, data, q->offset, len, &done);
			/* What the host put in its copy: a read's bytes (also those
			 * before an error), a listing with its NUL (also a cut one). */
			if (q->op == FOMOS_FILE_READ)
				back = done;
			else if (q->op == FOMOS_FILE_LIST && (status == 0 || status == FOMOS_E_TOOBIG))
				back = done + 1;
			if (back && host_copy_out(q->buf, data, back) < 0) {
				status = FOMOS_E_BADARG;
				done = 0;
			}
		}
		free(data);
		host_copy_out((char *)req + offsetof(struct fomos_file, done), &done, sizeof(done));
		__asm__ volatile("" ::: "memory");	/* done before the status says so */
		host_copy_out((char *)req + offsetof(struct fomos_file, status), &status, sizeof(status));
	}
	a->nfiles = 0;
}

/* The context is where wrapping happens: a traced app simply gets other
 * function pointers. */
static void host_build_ctx(struct app *a)
{
	a->ctx.version = EXEC_CTX_VERSION;
	a->ctx.size = sizeof(struct fomos_ctx);
	a->ctx.pid = a->pid;
	a->ctx.log = host_log;
	a->ctx.calloc = a->opts.trace ? host_trace_calloc : host_calloc;
	a->ctx.free = a->opts.trace ? host_trace_free : host_free;
	a->ctx.store = &a->store;
	a->ctx.input = host_input;
	a->ctx.screen_width = host_width;
	a->ctx.screen_height = host_height;
	a->ctx.window = host_window;
	a->ctx.raise = host_raise;
	a->ctx.damage = host_damage;
	a->ctx.system = a->opts.nosys ? host_system_refused : host_system;
	a->ctx.term_read = host_term_read;
	a->ctx.term_write = host_term_write;
	a->ctx.file = host_file;
}

static void host_release(struct app *a)
{
	if (a->surface_bytes) {
		wm_remove(&host_wm, &a->layer);
		host_damage_screen(wm_bounds(&a->layer));
		host_unmap(a->home + EXEC_SURFACE_OFFSET, a->surface_bytes);
	}
	if (host_focus == a->pid)
		host_set_focus(0);
	if (host_term_owner == a->pid)
		host_term_owner = 0;
	a->nfiles = 0;		/* its requests die with it */
	appmem_release(&a->mem);
	if (a->stack_top)	/* never unmap what another mapping holds */
		host_unmap(a->stack_top - EXEC_STACK_SIZE, EXEC_STACK_SIZE);
	host_unmap(a->home, a->image_bytes);
	a->surface_bytes = a->image_bytes = a->stack_top = 0;
	host_slots[a->slot] = 0;
}

int host_exec_init(uint32_t width, uint32_t height, const struct fomos_input *input)
{
	clock_gettime(CLOCK_MONOTONIC, &host_t0);
	wm_init(&host_wm);
	host_dirty = (struct compose_rect){ 0, 0, (int32_t)width, (int32_t)height };
	host_width = width;
	host_height = height;
	host_input = input;
	if (host_signals_init() < 0) {
		fprintf(stderr, "fomos-host: cannot watch over apps (signals, timer): %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int64_t host_exec_start(const char *file_name, const uint8_t *file, uint64_t size,
    const struct app_opts *opts)
{
	char why[128];
	struct app *a;
	int slot;

	if (appfile_check(file, size, HOST_CTX_VERSION, why, sizeof(why)) < 0) {
		fprintf(stderr, "fomos-host: %s refused: %s\n", file_name, why);
		return -1;
	}
	a = calloc(1, sizeof(*a));
	slot = host_alloc_slot();
	if (!a || slot < 0) {
		fprintf(stderr, "fomos-host: %s not started: %s\n", file_name,
		    a ? "no free home" : "out of memory");
		free(a);
		return -1;
	}
	a->slot = slot;
	a->home = host_home((uint32_t)slot);
	a->src = file;
	a->src_size = size;
	snprintf(a->src_path, sizeof(a->src_path), "%s", file_name);
	a->opts = *opts;
	a->pid = host_next_pid++;
	appmem_init(&a->mem, a->home + EXEC_ARENA_OFFSET, opts->quota, host_map_arena, host_unmap);
	if (host_load_image(a, file, size) < 0 || host_make_surface(a) < 0 || host_make_stack(a) < 0) {
		fprintf(stderr, "fomos-host: %s not started: cannot map its home at 0x%llx: %s\n",
		    file_name, (unsigned long long)a->home, strerror(errno));
		host_release(a);
		free(a);
		return -1;
	}
	host_build_ctx(a);
	a->state = APP_RUNNING;
	if (host_apps_tail)
		host_apps_tail->next = a;
	else
		host_apps = a;
	host_apps_tail = a;
	if (!host_quiet)
		host_klog("exec: started %s as pid %llu%s%s\n", a->name, (unsigned long long)a->pid,
		    opts->trace ? " (trace)" : "", opts->nofb ? " (nofb)" : "");
	return (int64_t)a->pid;
}

/* --- running ---------------------------------------------------------------------- */

/* `restart`: an app that faulted or overran its budget comes back, after a
 * delay that doubles each time (0.5 s, 1 s, 2 s, ... at most 30 s). */
static void host_restart(const struct app *old)
{
	uint64_t delay_ms = MIN(500ull << MIN(old->restarts, 6u), 30000ull);
	struct app *a;
	int64_t pid;

	host_quiet = 1;		/* one line says it all */
	pid = host_exec_start(old->src_path, old->src, old->src_size, &old->opts);
	host_quiet = 0;
	if (pid < 0)
		return;
	a = host_apps_tail;
	a->restarts = old->restarts + 1;
	a->wake_ns = host_time_ns() + delay_ms * 1000000ull;
	host_klog("exec: %s restarts as pid %lld in %llu ms (restart %u)\n", a->name, (long long)pid,
	    (unsigned long long)delay_ms, a->restarts);
}

/* reason is already in a->reason for faults, budget and misuse. */
static void host_end(struct app *a, uint32_t how, int32_t code)
{
	uint64_t bytes = a->image_bytes + a->surface_bytes + a->mem.mapped + EXEC_STACK_SIZE;

	a->state = APP_ENDED;
	a->exit_code = code;
	if (how == APP_END_EXIT || how == APP_END_KILLED) {
		if (how == APP_END_EXIT)
			fmt_snprintf(a->reason, sizeof(a->reason), "exit code %d", code);
		else
			fmt_snprintf(a->reason, sizeof(a->reason), "killed");
		host_klog("exec: %s[%llu] ended (%s), %llu KiB returned\n", a->name,
		    (unsigned long long)a->pid, a->reason, (unsigned long long)(bytes >> 10));
	} else {
		host_klog("exec: %s[%llu] stopped: %s; %llu KiB returned, the others go on\n",
		    a->name, (unsigned long long)a->pid, a->reason, (unsigned long long)(bytes >> 10));
	}
	host_release(a);
	if (a->opts.restart && (how == APP_END_FAULT || how == APP_END_BUDGET))
		host_restart(a);
}

/* "crash.app+0x1012" for an address in the app's image, else the address. */
static void host_where(const struct app *a, uint64_t addr, char *buf, uint32_t len)
{
	const char *file = a->src_path, *p;

	for (p = file; *p; p++)
		if (*p == '/')
			file = p + 1;
	if (addr - a->home < a->image_bytes)
		fmt_snprintf(buf, len, "%s+0x%llx", file, (unsigned long long)(addr - a->home));
	else
		fmt_snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

/* kernel/trap.c's names for the exceptions an app can cause. */
static const char *host_trap_name(uint64_t vector)
{
	static const char *const names[32] = {
		[0] = "divide error", [1] = "debug", [3] = "breakpoint", [4] = "overflow",
		[5] = "bound range exceeded", [6] = "invalid opcode",
		[12] = "stack-segment fault", [13] = "general protection fault",
		[14] = "page fault", [16] = "x87 floating-point error", [17] = "alignment check",
		[19] = "SIMD floating-point exception", [21] = "control protection exception",
	};

	return vector < 32 && names[vector] ? names[vector] : "unknown exception";
}

/* exec_describe_fault, from what Linux passed on of the CPU's report. */
static void host_describe_fault(struct app *a)
{
	const struct host_fault f = host_fault;	/* host_copy_in may fault again */
	uint64_t stack_lo = a->stack_top - EXEC_STACK_SIZE, ret = 0;
	char where[64], from[64];

	host_where(a, f.pc, where, sizeof(where));
	if (f.trapno != 14) {
		fmt_snprintf(a->reason, sizeof(a->reason), "%s at %s", host_trap_name(f.trapno), where);
		return;
	}
	if (f.addr < stack_lo && f.addr >= stack_lo - (1ull << 20)) {
		fmt_snprintf(a->reason, sizeof(a->reason),
		    "stack overflow (past the bottom of its %llu KiB stack) at %s", EXEC_STACK_SIZE >> 10, where);
	} else if (f.err & (1u << 4)) {
		/* An instruction fetch: it jumped somewhere that is not code.
		 * The caller, if it got there by a call, left its address on top
		 * of the stack. */
		from[0] = 0;
		if (host_copy_in(&ret, (const void *)(uintptr_t)f.sp, 8) == 0 && ret - a->home < a->image_bytes) {
			host_where(a, ret, where, sizeof(where));
			fmt_snprintf(from, sizeof(from), ", called from %s", where);
		}
		host_where(a, f.addr, where, sizeof(where));
		fmt_snprintf(a->reason, sizeof(a->reason), "jumped to %s, which is not code%s", where, from);
	} else {
		fmt_snprintf(a->reason, sizeof(a->reason), "page fault %s 0x%llx (%s) at %s",
		    f.err & 2 ? "writing" : "reading", (unsigned long long)f.addr,
		    f.err & 1 ? "not allowed there" : "nothing mapped there", where);
	}
}

/* Calls the app once at time_ns `now`, on its own stack, under its budget;
 * returns the time_ns after. */
static uint64_t host_call(struct app *a, uint64_t now)
{
	uint64_t budget_ms = a->opts.budget_ms ? a->opts.budget_ms : APP_BUDGET_DEFAULT, after;
	sigjmp_buf jmp;
	int r = 0;

	a->call = a->ctx;
	a->call.time_ns = now;
	a->call.win_x = a->layer.x;
	a->call.win_y = a->layer.y;
	a->call.win_flags = a->win_flags;
	a->call.focused = host_focus == a->pid;
	host_current = a;
	host_aborted = 0;
	if (sigsetjmp(jmp, 0) == 0) {
		host_fault_jmp = &jmp;
		host_budget_arm(budget_ms * 1000000ull);
		r = exec_enter(a->entry, &a->call, a->stack_top);
	}
	host_budget_arm(0);
	host_fault_jmp = NULL;
	host_current = NULL;
	after = host_time_ns();
	a->calls++;
	a->cpu_ns += after - now;
	/* An app that never said what it drew may have drawn anywhere. */
	if (a->surface_bytes && !a->damages) {
		a->layer.content = (struct compose_rect){ 0, 0, (int32_t)a->layer.width,
		    (int32_t)a->layer.height };
		host_damage_screen(wm_bounds(&a->layer));
	}
	if (host_aborted == APP_END_FAULT) {
		host_describe_fault(a);
		host_end(a, APP_END_FAULT, -1);
	} else if (host_aborted == APP_END_BUDGET) {
		fmt_snprintf(a->reason, sizeof(a->reason),
		    "ran for more than %u ms without returning (its budget)", a->opts.budget_ms);
		host_end(a, APP_END_BUDGET, -1);
	} else if (a->doomed) {
		host_end(a, APP_END_MISUSE, -1);
	} else if (a->kill_pending) {
		host_end(a, APP_END_KILLED, -9);
	} else if (r < 0) {
		host_end(a, APP_END_EXIT, r);
	} else {
		a->wake_ns = r ? after + (uint64_t)r * 1000000ull : 0;
	}
	return after;
}

uint32_t host_exec_round(uint64_t *next_wake_ns)
{
	uint64_t now = host_time_ns(), next = UINT64_MAX;
	uint32_t called = 0;
	struct app *a;

	for (a = host_apps; a; a = a->next) {
		if (a->state != APP_RUNNING)
			continue;
		if (a->wake_ns > now) {
			next = MIN(next, a->wake_ns);
			continue;
		}
		now = host_call(a, now);
		called++;
		if (a->state == APP_RUNNING && a->wake_ns)
			next = MIN(next, a->wake_ns);
	}
	/* The file work of the round, between calls as on the kernel. */
	for (a = host_apps; a; a = a->next)
		if (a->state == APP_RUNNING && a->nfiles)
			host_files_complete(a);
	*next_wake_ns = next;
	return called;
}

uint32_t host_exec_running(void)
{
	uint32_t n = 0;
	struct app *a;

	for (a = host_apps; a; a = a->next)
		n += a->state == APP_RUNNING;
	return n;
}

uint32_t host_exec_layers(const struct compose_layer **out, uint32_t max)
{
	uint32_t n = MIN(max, host_wm.count), i;

	for (i = 0; i < n; i++)
		out[i] = host_wm.layers[i];
	return n;
}

struct compose_rect host_exec_take_dirty(void)
{
	struct compose_rect r = host_dirty;

	host_dirty = (struct compose_rect){ 0, 0, 0, 0 };
	return r;
}
