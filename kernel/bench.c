/*
 * In-kernel benchmarks.  Everything is measured in one boot, so each figure
 * stands next to its reference measured under the same conditions (the
 * machines are shared and QEMU's TCG is slow: ratios mean more than absolute
 * times).  Built without -mgeneral-regs-only: it calls app-style functions.
 */
#include "bench.h"
#include "cpu.h"
#include "exec.h"
#include "fmt.h"
#include "fomos.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "power.h"
#include "timer.h"

#define BENCH_CALLS	400000ull	/* app calls per measurement */

static FOMOS_CALL int bench_nop(struct fomos_ctx *ctx)
{
	(void)ctx;
	return 0;
}

/* `rounds` passes over a table of n functions, each called indirectly with
 * a context: the floor any executor pays for calling n functions it does
 * not know at compile time. */
static uint64_t bench_calls(int (FOMOS_CALL **fns)(struct fomos_ctx *), uint32_t n, uint64_t rounds)
{
	struct fomos_ctx ctx = { 0 };
	int (FOMOS_CALL *volatile *table)(struct fomos_ctx *) = fns;
	uint64_t t0, r;
	uint32_t i;
	int sink = 0;

	t0 = rdtsc();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			sink += table[i](&ctx);
	t0 = rdtsc() - t0;
	__asm__ volatile("" :: "r"(sink));	/* the results are used */
	return timer_tsc_delta_ns(t0);
}

struct bench_result {
	uint64_t executor_ns, direct_ns, bare_ns;	/* totals */
};

/* n copies of noop.app: `rounds` turns of the executor loop, then the same
 * apps' start() called straight from a table (what the executor adds is the
 * difference), then one kernel function n times (what touching n different
 * apps costs the CPU, or QEMU's TCG, is the difference to that). */
static int bench_apps(uint32_t n, uint64_t rounds, struct bench_result *res)
{
	struct app_opts opts;
	int (FOMOS_CALL **fns)(struct fomos_ctx *) = kcalloc(n, sizeof(*fns));
	uint64_t t0, r, next, called = 0;
	uint32_t i, started = 0;

	app_opts_default(&opts);
	opts.nofb = 1;
	opts.quota = 64 << 10;
	for (i = 0; i < n; i++)
		started += exec_run_name("noop", &opts) > 0;
	if (!fns || started != n || exec_entry_points((void **)fns, n) != n) {
		klog("bench: only %u of %u noop apps started\n", started, n);
		return -1;
	}
	exec_once(&next);	/* warm up: first calls touch fresh pages */
	t0 = rdtsc();
	for (r = 0; r < rounds; r++)
		called += exec_once(&next);
	res->executor_ns = timer_tsc_delta_ns(rdtsc() - t0);
	if (called != rounds * n)
		klog("bench: expected %llu calls, made %llu\n", rounds * n, called);
	res->direct_ns = bench_calls(fns, n, rounds);
	for (i = 0; i < n; i++)
		fns[i] = bench_nop;
	res->bare_ns = bench_calls(fns, n, rounds);
	kfree(fns);
	exec_kill_all();
	exec_forget_ended();
	return 0;
}

/* "12.34" from a total in ns over `calls`. */
static void bench_per_call(char *buf, uint64_t total_ns, uint64_t calls)
{
	uint64_t v = total_ns * 100 / calls;

	fmt_snprintf(buf, 16, "%llu.%02llu", v / 100, v % 100);
}

static void bench_app_calls(uint32_t n)
{
	uint64_t rounds = MAX(BENCH_CALLS / n, 4), calls = rounds * n;
	struct bench_result r;
	char e[16], d[16], b[16];
	uint64_t ratio;

	if (bench_apps(n, rounds, &r) < 0)
		return;
	bench_per_call(e, r.executor_ns, calls);
	bench_per_call(d, r.direct_ns, calls);
	bench_per_call(b, r.bare_ns, calls);
	ratio = r.executor_ns * 100 / MAX(r.direct_ns, 1);
	klog("bench: app calls: apps=%u executor_ns=%s direct_ns=%s bare_ns=%s ratio=%llu.%02llu\n",
	    n, e, d, b, ratio / 100, ratio % 100);
}

/* What one rdtsc costs here (under TCG it is a call out of the
 * translated code): the executor reads the clock once per app call. */
static void bench_clock(void)
{
	uint64_t t0 = rdtsc(), i, sum = 0;

	for (i = 0; i < 100000; i++)
		sum += rdtsc();
	t0 = rdtsc() - t0;
	__asm__ volatile("" :: "r"(sum));
	klog("bench: one rdtsc: %llu ns\n", timer_tsc_delta_ns(t0) / 100000);
}

/* What running each app on its own stack under a time budget costs per
 * call: the same 16 apps, protected and not, in the same boot. */
static void bench_protection(void)
{
	struct bench_result on, off;
	uint64_t rounds = BENCH_CALLS / 16, calls = rounds * 16;
	char a[16], b[16];

	if (bench_apps(16, rounds, &on) < 0)
		return;
	exec_set_protection(0);
	if (bench_apps(16, rounds, &off) < 0)
		return;
	exec_set_protection(1);
	bench_per_call(a, on.executor_ns, calls);
	bench_per_call(b, off.executor_ns, calls);
	klog("bench: protection: apps=16 protected_ns=%s unprotected_ns=%s\n", a, b);
}

void bench_run(void)
{
	static const uint32_t counts[] = { 1, 16, 256, 4096 };
	uint32_t i;

	klog("bench: start\n");
	exec_prepare();
	exec_set_quiet(1);
	bench_clock();
	for (i = 0; i < ARRAY_LEN(counts); i++)
		bench_app_calls(counts[i]);
	bench_protection();
	klog("bench: done\n");
	power_off();
	cpu_halt_forever();
}
