/*
 * The executor's platform on Linux (kernel/exec/exec_plat.h): fomos-host
 * runs the kernel's own executor core over this.
 *
 * An app's home is the kernel's address for its slot, mapped with
 * MAP_FIXED_NOREPLACE and protected part by part as the kernel's page
 * tables do it, so a pointer an app prints on Linux is the pointer it
 * prints on the kernel, and an app that needs more stack than the kernel
 * gives fails here too.  It runs on its own stack through the kernel's
 * own kernel/exec/enter.S.
 *
 * One app can't take the host down either, and is stopped with the
 * kernel's words: a fault in its code (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGTRAP) is handed to the core as the CPU reported it (trap number, error
 * code, faulting address), and a periodic timer on this thread's CPU time
 * (a millisecond, as the kernel's tick) counts how long the call has run.
 * Either way the handler points the interrupted context at
 * exec_abort_landing, as the kernel's trap handler points its frame there.
 * A fault in the host's own code (any executable mapping present before
 * the first app) is the host's bug: it dies of it.
 *
 * Where Linux differs: the budget counts the CPU time the call used (the
 * kernel counts wall time, having nothing else to run); there are no dirty
 * bits, so a surface an app draws on without saying what it changed is all
 * damage after each call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "exec.h"
#include "exec_plat.h"
#include "host.h"
#include "lib.h"

#ifndef sigev_notify_thread_id		/* glibc names it from 2.37 on */
#define sigev_notify_thread_id	_sigev_un._tid
#endif

#define HOST_SIGNAL_STACK	(64u << 10)
#define HOST_TICK_NS		1000000ull	/* the budget's tick, as the kernel's 1 kHz timer */
#define HOST_CODE_RANGES	256

static struct timespec host_t0;
static char host_apps_dir[4096] = ".";

/* The host's own code: executable mappings seen before any app ran. */
static struct { uint64_t start, end; } host_code[HOST_CODE_RANGES];
static uint32_t host_code_count;

/* --- memory ------------------------------------------------------------------------ */

static int host_prot(uint32_t how)
{
	switch (how & ~(uint32_t)PLAT_TRACK) {
	case PLAT_RO: return PROT_READ;
	case PLAT_RX: return PROT_READ | PROT_EXEC;
	}
	return PROT_READ | PROT_WRITE;
}

/* Fresh zeroed pages at exactly [va, va+size), never over a mapping. */
int plat_map(uint64_t va, uint64_t size, uint32_t how)
{
	void *p;

	if (!size)
		return 0;
	p = mmap((void *)(uintptr_t)va, size, host_prot(how),
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

int plat_protect(uint64_t va, uint64_t size, uint32_t how)
{
	return size ? mprotect((void *)(uintptr_t)va, size, host_prot(how)) : 0;
}

void plat_unmap(uint64_t va, uint64_t size)
{
	if (size)
		munmap((void *)(uintptr_t)va, size);
}

int plat_room(uint64_t bytes)
{
	(void)bytes;
	return 1;	/* Linux overcommits: a failing mmap says no */
}

void *plat_alloc(uint64_t size)
{
	return calloc(1, size);
}

void plat_free(void *p)
{
	free(p);
}

/* No dirty bits here: every page may have been drawn on. */
void plat_take_dirty(uint64_t va, uint64_t size, void (*fn)(void *arg, uint64_t offset), void *arg)
{
	uint64_t off;

	(void)va;
	for (off = 0; off < size; off += PAGE_SIZE)
		fn(arg, off);
}

/* --- time, the terminal, app files --------------------------------------------------- */

static uint64_t host_monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - host_t0.tv_sec) * 1000000000ull + (uint64_t)t.tv_nsec -
	    (uint64_t)host_t0.tv_nsec;
}

/* The executor reads the clock at every app call: clock_gettime costs
 * about 36 ns here, rdtsc 15 ns, the rest of a call about as much.  When
 * Linux itself keeps time by the TSC (it is then invariant), so do we:
 * ns = ticks * host_tsc_mult >> 32, calibrated against CLOCK_MONOTONIC. */
static uint64_t host_tsc0, host_tsc_mult;

static uint64_t host_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void host_clock_init(void)
{
	char source[32] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	struct timespec pause = { 0, 20000000 };
	uint64_t t0, c0, t1, c1;

	if (f) {
		if (!fgets(source, sizeof(source), f))
			source[0] = 0;
		fclose(f);
	}
	if (strncmp(source, "tsc", 3))
		return;		/* clock_gettime it is */
	t0 = host_monotonic_ns();
	c0 = host_rdtsc();
	nanosleep(&pause, NULL);
	t1 = host_monotonic_ns();
	c1 = host_rdtsc();
	if (c1 <= c0 || t1 <= t0)
		return;
	host_tsc_mult = (uint64_t)(((unsigned __int128)(t1 - t0) << 32) / (c1 - c0));
	host_tsc0 = c0 - (uint64_t)(((unsigned __int128)t0 << 32) / host_tsc_mult);
}

/* fomos-host is a development runner, not a sandbox: apps are called on
 * their own stack in the same process (the isolation hooks are
 * exec/exec_flat.c's). */
FOMOS_CALL int plat_enter(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top)
{
	return exec_enter(fn, ctx, stack_top);
}

FOMOS_CALL int64_t plat_enter_call(uint64_t fn, const uint64_t *args, uint64_t stack_top)
{
	uint64_t rsp = exec_kernel_rsp;
	int64_t r = exec_enter_call(fn, args, stack_top);

	exec_kernel_rsp = rsp;	/* the caller's call goes on */
	return r;
}

uint64_t plat_now_ns(void)
{
	if (!host_tsc_mult)
		return host_monotonic_ns();
	return (uint64_t)(((unsigned __int128)(host_rdtsc() - host_tsc0) * host_tsc_mult) >> 32);
}

void plat_term_write(const char *s, uint32_t n)
{
	fwrite(s, 1, n, stdout);
	fflush(stdout);
}

void host_set_apps_dir(const char *dir)
{
	snprintf(host_apps_dir, sizeof(host_apps_dir), "%s", dir[0] ? dir : "/");
}

int host_read_app(const char *path, const uint8_t **data, uint64_t *size, char *why, size_t why_len)
{
	struct stat st;
	uint8_t *buf = NULL;
	FILE *f;
	int e;

	errno = 0;
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > (256ull << 20)) {
		snprintf(why, why_len, "%s refused: %s", path, S_ISREG(st.st_mode) ?
		    "larger than any app can be (256 MiB)" : "not a file");
		fclose(f);
		return FOMOS_E_BADARG;
	}
	*size = (uint64_t)st.st_size;
	buf = malloc(*size ? *size : 1);
	if (!buf || fread(buf, 1, *size, f) != *size)
		goto fail;
	fclose(f);
	if (!(*data = exec_keep_file(buf, *size)))	/* malloc'ed: plat_free frees it */
		return FOMOS_E_NOMEM;
	return 0;
fail:
	e = errno ? errno : EIO;
	snprintf(why, why_len, "%s: %s", path, strerror(e));
	free(buf);
	if (f)
		fclose(f);
	return e == ENOENT ? FOMOS_E_NOTFOUND : FOMOS_E_IO;
}

int plat_app_file(const char *name, char *path, const uint8_t **data, uint64_t *size)
{
	char full[sizeof(host_apps_dir) + APP_NAME_MAX + 8], why[sizeof(full) + 64];

	snprintf(full, sizeof(full), "%s/%s.app", host_apps_dir, name);
	/* What the executor calls it: the whole path if it fits. */
	if ((size_t)snprintf(path, EXEC_PATH_MAX, "%s", full) >= EXEC_PATH_MAX)
		snprintf(path, EXEC_PATH_MAX, "%s.app", name);
	return host_read_app(full, data, size, why, sizeof(why));
}

/* --- faults and runaway apps ----------------------------------------------------------- */

/* Every executable mapping there is now: the host's own code. */
static void host_find_code(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], perms[8];
	unsigned long long start, end;

	host_code_count = 0;
	while (f && fgets(line, sizeof(line), f) && host_code_count < HOST_CODE_RANGES)
		if (sscanf(line, "%llx-%llx %7s", &start, &end, perms) == 3 && perms[2] == 'x') {
			host_code[host_code_count].start = start;
			host_code[host_code_count].end = end;
			host_code_count++;
		}
	if (f)
		fclose(f);
}

static int host_own_code(uint64_t pc)
{
	uint32_t i;

	for (i = 0; i < host_code_count; i++)
		if (pc >= host_code[i].start && pc < host_code[i].end)
			return 1;
	return 0;
}

/* The call ends: returning from the handler lands in exec_abort_landing,
 * on the host's stack, as the kernel's iretq does. */
static void host_leave(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)exec_abort_landing;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)exec_kernel_rsp;
}

static void host_on_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	const greg_t *r = uc->uc_mcontext.gregs;
	struct exec_fault f = { (uint32_t)r[REG_TRAPNO], (uint64_t)r[REG_ERR],
	    (uint64_t)(uintptr_t)si->si_addr, (uint64_t)r[REG_RIP], (uint64_t)r[REG_RSP] };

	if (!exec_call_id() || host_own_code(f.pc) || !exec_faulted(&f)) {
		signal(sig, SIG_DFL);	/* the host's own bug: die of it */
		return;			/* the faulting instruction runs again */
	}
	host_leave(uc);
}

/* A millisecond of this thread's CPU time went by.  Inside a host service
 * (log, calloc) the host's state may be half changed: the call is left
 * only once it runs the app's code again. */
static void host_on_tick(int sig, siginfo_t *si, void *uc_)
{
	static uint64_t call, ticks;
	uint64_t id = exec_call_id();

	(void)sig;
	(void)si;
	if (!id)
		return;
	if (id != call) {
		call = id;
		ticks = 0;
	}
	ticks++;
	if (!host_own_code((uint64_t)((ucontext_t *)uc_)->uc_mcontext.gregs[REG_RIP]) &&
	    exec_overran(ticks * HOST_TICK_NS))
		host_leave(uc_);
}

/* The handlers run on their own stack: the app's may be what overflowed. */
int host_plat_init(void)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_ONSTACK };
	stack_t st = { .ss_sp = malloc(HOST_SIGNAL_STACK), .ss_size = HOST_SIGNAL_STACK };
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	struct itimerspec every_ms = { { 0, (long)HOST_TICK_NS }, { 0, (long)HOST_TICK_NS } };
	timer_t tick;
	uint32_t i;

	clock_gettime(CLOCK_MONOTONIC, &host_t0);
	host_clock_init();
	host_find_code();
	if (!st.ss_sp || sigaltstack(&st, NULL) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = host_on_fault;
	for (i = 0; i < ARRAY_LEN(faults); i++)
		sigaction(faults[i], &sa, NULL);
	sa.sa_sigaction = host_on_tick;
	sa.sa_flags |= SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	/* To this thread, which calls the apps, whatever threads SDL runs;
	 * on its CPU time, so an idle host gets no ticks at all. */
	ev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &tick) < 0)
		return -1;
	return timer_settime(tick, 0, &every_ms, NULL);
}
