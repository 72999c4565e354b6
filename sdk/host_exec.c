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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
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

_Static_assert(EXEC_CTX_VERSION == FOMOS_CTX_VERSION,
    "the kernel speaks a newer context: give fomos-host its fields too");

#ifndef sigev_notify_thread_id		/* glibc names it from 2.37 on */
#define sigev_notify_thread_id	_sigev_un._tid
#endif

#define EXEC_LOG_MAX		1024
#define HOST_SIGNAL_STACK	(64u << 10)
#define HOST_BUDGET_RETRY_NS	1000000ull	/* inside a service: look again in 1 ms */

typedef int (FOMOS_CALL *app_entry_fn)(struct fomos_ctx *ctx);

/* struct app of kernel/exec.c, less what only the kernel needs (TSC
 * accounting, page-table damage). */
struct app {
	struct app *next;		/* start order */
	uint32_t state;			/* enum app_state */
	uint8_t doomed;			/* misused the context: end it after this call */
	uint64_t wake_ns;		/* not called before this time_ns */
	app_entry_fn entry;
	uint64_t calls;
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
	struct compose_layer layer;	/* its surface on the screen */
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
static uint32_t host_layer_count;	/* surfaces on screen, at most DISPLAY_MAX_LAYERS */
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
	fwrite(buf, 1, MIN((size_t)n, sizeof(buf) - 1), stdout);
	fflush(stdout);
}

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

/* v1: a transparent surface the size of the screen, composed above the
 * apps started before it. */
static int host_make_surface(struct app *a)
{
	uint64_t va = a->home + EXEC_SURFACE_OFFSET;
	uint32_t w = host_width, h = host_height;

	if (a->opts.nofb || !w || !h)
		return 0;
	if (host_layer_count == DISPLAY_MAX_LAYERS) {
		host_klog("%s[%llu]: too many surfaces on screen, this app gets none\n", a->name,
		    (unsigned long long)a->pid);
		return 0;
	}
	a->surface_bytes = ALIGN_UP((uint64_t)w * h * 4, PAGE_SIZE);
	if (host_map_fresh(va, a->surface_bytes, PROT_READ | PROT_WRITE) < 0) {
		a->surface_bytes = 0;
		return -1;
	}
	/* No dirty bits here: the whole surface is content, and the
	 * compositor skips its transparent pixels. */
	a->layer = (struct compose_layer){ (const uint32_t *)(uintptr_t)va, w, h, w, 0, 0, 0,
	    { 0, 0, (int32_t)w, (int32_t)h } };
	a->ctx.fb = (struct fomos_surface){ (uint32_t *)(uintptr_t)va, w, h, w, 0 };
	host_layer_count++;
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
}

static void host_release(struct app *a)
{
	if (a->surface_bytes) {
		host_layer_count--;
		host_unmap(a->home + EXEC_SURFACE_OFFSET, a->surface_bytes);
	}
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

	if (appfile_check(file, size, EXEC_CTX_VERSION, why, sizeof(why)) < 0) {
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
	if (how == APP_END_EXIT) {
		fmt_snprintf(a->reason, sizeof(a->reason), "exit code %d", code);
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
	if (host_aborted == APP_END_FAULT) {
		host_describe_fault(a);
		host_end(a, APP_END_FAULT, -1);
	} else if (host_aborted == APP_END_BUDGET) {
		fmt_snprintf(a->reason, sizeof(a->reason),
		    "ran for more than %u ms without returning (its budget)", a->opts.budget_ms);
		host_end(a, APP_END_BUDGET, -1);
	} else if (a->doomed) {
		host_end(a, APP_END_MISUSE, -1);
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
	uint32_t n = 0;
	struct app *a;

	for (a = host_apps; a && n < max; a = a->next)
		if (a->state == APP_RUNNING && a->surface_bytes)
			out[n++] = &a->layer;
	return n;
}
