/*
 * In-kernel benchmarks.  Everything is measured in one boot, so each figure
 * stands next to its reference measured under the same conditions (the
 * machines are shared and QEMU's TCG is slow: ratios mean more than absolute
 * times).  Built without -mgeneral-regs-only: it calls app-style functions.
 */
#include "bench.h"
#include "bench_disk.h"
#include "bench_gpu.h"
#include "cpu.h"
#include "exec.h"
#include "fmt.h"
#include "fomos.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "compose.h"
#include "console.h"
#include "paging.h"
#include "pmm.h"
#include "exec_pc.h"
#include "power.h"
#include "timer.h"

#define BENCH_CALLS	400000ull	/* app calls per measurement */

static uint32_t (*bench_turn)(uint64_t *next_wake_ns);	/* a turn of the system's loop */

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
static int bench_apps(const char *name, uint32_t n, uint64_t rounds, struct bench_result *res)
{
	struct app_opts opts;
	int (FOMOS_CALL **fns)(struct fomos_ctx *) = kcalloc(n, sizeof(*fns));
	uint64_t t0, r, next, called = 0;
	uint32_t i, started = 0;

	app_opts_default(&opts);
	opts.nofb = 1;
	opts.quota = 64 << 10;
	for (i = 0; i < n; i++)
		started += exec_run_name(name, &opts) > 0;
	if (!fns || started != n || exec_entry_points((void **)fns, n) != n) {
		klog("bench: only %u of %u %s apps started\n", started, n, name);
		exec_kill_all();
		kfree(fns);
		return -1;
	}
	bench_turn(&next);	/* warm up: first calls touch fresh pages */
	t0 = rdtsc();
	for (r = 0; r < rounds; r++)
		called += bench_turn(&next);
	res->executor_ns = timer_tsc_delta_ns(rdtsc() - t0);
	if (called != rounds * n)
		klog("bench: expected %llu calls, made %llu\n", rounds * n, called);
	/* Straight calls of app code from the kernel, with an empty context:
	 * only noop's (it uses none of it), only in ring 0 mode (SMEP forbids
	 * it otherwise). */
	res->direct_ns = exec_pc_get_mode() == EXEC_PC_RING0 && !strcmp(name, "noop") ?
	    bench_calls(fns, n, rounds) : 0;
	for (i = 0; i < n; i++)
		fns[i] = bench_nop;
	res->bare_ns = bench_calls(fns, n, rounds);
	kfree(fns);
	exec_kill_all();
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

	if (bench_apps("noop", n, rounds, &r) < 0)
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

/* What isolation costs per app call: the same N apps in ring 0 (as before
 * isolation), in ring 3, and in ring 3 with a protection key per home, in
 * one boot; how often a call wrote PKRU (it is skipped when the next app
 * has the same key) and how often a home had to be given a key (more
 * homes than keys); and one service round trip in each mode. */
static void bench_isolation(uint32_t n)
{
	static const char *const names[] = { "ring0", "ring3", "keys" };
	uint64_t rounds = MAX(BENCH_CALLS / 4 / n, 4), calls = rounds * n, ns[3] = { 0, 0, 0 };
	uint64_t writes = 0, retags = 0;
	struct bench_result r;
	char out[3][16], w[16];
	uint32_t m;

	for (m = EXEC_PC_RING0; m <= EXEC_PC_KEYS; m++) {
		if (exec_pc_set_mode(m) < 0)
			continue;
		exec_pc_stats = (struct exec_pc_stats){ 0, 0 };
		if (bench_apps("noop", n, rounds, &r) == 0)
			ns[m] = r.executor_ns;
		if (m == EXEC_PC_KEYS) {
			writes = exec_pc_stats.pkru_writes;
			retags = exec_pc_stats.retags;
		}
	}
	exec_pc_set_mode(EXEC_PC_KEYS);
	for (m = 0; m < 3; m++)
		bench_per_call(out[m], ns[m], calls);
	bench_per_call(w, writes, calls);
	klog("bench: isolation: apps=%u %s_ns=%s %s_ns=%s %s_ns=%s pkru_writes_per_call=%s retags=%llu\n", n,
	    names[0], out[0], names[1], out[1], names[2], out[2], w, ULL(retags));
}

/* One call of a service that does nothing (svcloop makes 1000 a call),
 * less the call itself (noop), per mode. */
static void bench_service(void)
{
	uint64_t rounds = 200, ns[3] = { 0, 0, 0 };
	struct bench_result loop, plain;
	char out[3][16];
	uint32_t m;

	for (m = EXEC_PC_RING0; m <= EXEC_PC_KEYS; m++) {
		if (exec_pc_set_mode(m) < 0 || bench_apps("svcloop", 1, rounds, &loop) < 0 ||
		    bench_apps("noop", 1, rounds, &plain) < 0)
			continue;
		ns[m] = loop.executor_ns > plain.executor_ns ? loop.executor_ns - plain.executor_ns : 0;
	}
	exec_pc_set_mode(EXEC_PC_KEYS);
	for (m = 0; m < 3; m++)
		bench_per_call(out[m], ns[m], rounds * 1000);
	klog("bench: service round trip: ring0_ns=%s ring3_ns=%s keys_ns=%s\n", out[0], out[1], out[2]);
}

/* Services between apps (context v4), with protection keys, in one boot
 * (and the calls again in ring 3 without keys):
 * per call, a plain indirect call inside an app, a null kernel service,
 * and a cross-app call (svcprov's null(): a PKRU switch each way, the
 * provider's own stack and context); and bytes/s moved to a provider
 * through its shared region (no copy) and through a buffer of the
 * caller's (copied into the provider's call buffer).  Each app's time
 * less noop's (the call that carries it). */
static int bench_with_provider(const char *name, uint64_t rounds, struct bench_result *r)
{
	struct app_opts opts;
	uint64_t next;

	app_opts_default(&opts);
	opts.nofb = 1;
	if (exec_run_name("svcprov", &opts) <= 0)
		return -1;
	bench_turn(&next);	/* it publishes calc */
	return bench_apps(name, 1, rounds, r);	/* which ends svcprov too */
}

static uint64_t bench_less(const struct bench_result *r, const struct bench_result *base)
{
	return r->executor_ns > base->executor_ns ? r->executor_ns - base->executor_ns : 0;
}

static void bench_services(void)
{
	uint64_t rounds = 100, bytes = rounds * 16 * (64u << 10);
	struct bench_result noop, plain, kernel, cross, region, copy, noop3, kernel3, cross3;
	char p[16], k[16], c[16], k3[16], c3[16];

	if (bench_apps("noop", 1, rounds, &noop) < 0 || bench_apps("svcplain", 1, rounds, &plain) < 0 ||
	    bench_apps("svcloop", 1, rounds, &kernel) < 0 || bench_with_provider("svccross", rounds, &cross) < 0 ||
	    bench_with_provider("svcregion", rounds, &region) < 0 ||
	    bench_with_provider("svccopy", rounds, &copy) < 0) {
		klog("bench: services: could not run the service apps\n");
		return;
	}
	/* The same in ring 3 without keys: what the call costs when no PKRU
	 * write flushes QEMU's TLB (the TCG artifact "isolation" shows). */
	if (exec_pc_set_mode(EXEC_PC_RING3) < 0 || bench_apps("noop", 1, rounds, &noop3) < 0 ||
	    bench_apps("svcloop", 1, rounds, &kernel3) < 0 || bench_with_provider("svccross", rounds, &cross3) < 0)
		noop3 = kernel3 = cross3 = (struct bench_result){ 0, 0, 0 };
	exec_pc_set_mode(EXEC_PC_KEYS);
	bench_per_call(k3, bench_less(&kernel3, &noop3), rounds * 1000);
	bench_per_call(c3, bench_less(&cross3, &noop3), rounds * 1000);
	bench_per_call(p, bench_less(&plain, &noop), rounds * 1000);
	bench_per_call(k, bench_less(&kernel, &noop), rounds * 1000);
	bench_per_call(c, bench_less(&cross, &noop), rounds * 1000);
	klog("bench: services: plain_ns=%s kernel_ns=%s cross_ns=%s region_MBps=%llu copy_MBps=%llu "
	    "ring3_kernel_ns=%s ring3_cross_ns=%s\n", p, k, c,
	    ULL(bytes * 1000 / MAX(bench_less(&region, &noop), 1)), ULL(bytes * 1000 / MAX(bench_less(&copy, &noop), 1)),
	    k3, c3);
}

/* What running each app on its own stack under a time budget costs per
 * call: the same 16 apps, protected and not, in the same boot (ring 0). */
static void bench_protection(void)
{
	struct bench_result on, off;
	uint64_t rounds = BENCH_CALLS / 16, calls = rounds * 16;
	char a[16], b[16];

	if (bench_apps("noop", 16, rounds, &on) < 0)
		return;
	exec_set_protection(0);
	if (bench_apps("noop", 16, rounds, &off) < 0)
		return;
	exec_set_protection(1);
	bench_per_call(a, on.executor_ns, calls);
	bench_per_call(b, off.executor_ns, calls);
	klog("bench: protection: apps=16 protected_ns=%s unprotected_ns=%s\n", a, b);
}

/* --- the compositor -------------------------------------------------------------- */

#define BENCH_FW		1920
#define BENCH_FH		1080
#define BENCH_FRAMES	9

static uint32_t *bench_pixels(uint64_t count)
{
	uint64_t pages = ALIGN_UP(count * 4, PAGE_SIZE) / PAGE_SIZE;

	return (uint32_t *)(uintptr_t)pmm_alloc(pages);
}

static void bench_fill(uint32_t *p, uint32_t w, uint32_t h, uint32_t alpha, uint32_t seed)
{
	uint32_t x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			p[y * w + x] = alpha << 24 | ((x * 3 + seed) & 0xff) << 16 | ((y * 5 + seed) & 0xff) << 8 | seed;
}

/* Averages `frames` runs of compose_rect over r, in ns. */
static uint64_t bench_compose_ns(uint32_t *frame, const struct compose_layer *const *layers, uint32_t n,
    struct compose_rect r, uint32_t frames)
{
	uint64_t t0 = rdtsc();
	uint32_t i;

	for (i = 0; i < frames; i++)
		compose_rect(frame, BENCH_FW, BENCH_FW, BENCH_FH, layers, n, r, 0xff000000u);
	return timer_tsc_delta_ns(rdtsc() - t0) / frames;
}

/* Issue 5's figures: a full 1920x1080 frame of four overlapping windows (a
 * wallpaper, two opaque windows, one half-transparent window and a small
 * cursor on top: the alpha path is included), and a frame where one small
 * rectangle changed, each next to one plain memcpy of a full frame. */
static void bench_compositor(void)
{
	static struct compose_layer l[5];
	const struct compose_layer *stack[5] = { &l[0], &l[1], &l[2], &l[3], &l[4] };
	uint32_t *frame = bench_pixels((uint64_t)BENCH_FW * BENCH_FH), *copy = bench_pixels((uint64_t)BENCH_FW * BENCH_FH);
	uint32_t *bg = bench_pixels((uint64_t)BENCH_FW * BENCH_FH), *w1 = bench_pixels(900 * 700);
	uint32_t *w2 = bench_pixels(900 * 700), *w3 = bench_pixels(900 * 700), *cur = bench_pixels(16 * 24);
	uint64_t t0, memcpy_ns, full_ns, opaque_ns, small_ns, i;

	if (!frame || !copy || !bg || !w1 || !w2 || !w3 || !cur) {
		klog("bench: compositor: not enough memory for 1920x1080 frames\n");
		return;
	}
	bench_fill(bg, BENCH_FW, BENCH_FH, 0xff, 1);
	bench_fill(w1, 900, 700, 0xff, 2);
	bench_fill(w2, 900, 700, 0xff, 3);
	bench_fill(w3, 900, 700, 0x80, 4);
	bench_fill(cur, 16, 24, 0xc0, 5);
	l[0] = (struct compose_layer){ bg, BENCH_FW, BENCH_FH, BENCH_FW, 0, 0, 1, { 0, 0, BENCH_FW, BENCH_FH } };
	l[1] = (struct compose_layer){ w1, 900, 700, 900, 100, 80, 1, { 0, 0, 900, 700 } };
	l[2] = (struct compose_layer){ w2, 900, 700, 900, 600, 250, 1, { 0, 0, 900, 700 } };
	l[3] = (struct compose_layer){ w3, 900, 700, 900, 900, 350, 0, { 0, 0, 900, 700 } };
	l[4] = (struct compose_layer){ cur, 16, 24, 16, 1000, 500, 0, { 0, 0, 16, 24 } };

	/* Warm both paths once (first touches of fresh pages cost more). */
	memcpy(copy, frame, (uint64_t)BENCH_FW * BENCH_FH * 4);
	bench_compose_ns(frame, stack, 5, (struct compose_rect){ 0, 0, BENCH_FW, BENCH_FH }, 1);

	/* The machine is shared and QEMU's speed wanders: measure in turns and
	 * keep each one's best, which is what it costs when nothing else gets
	 * in the way.  "opaque": the same desktop with the third window opaque
	 * too, as most windows are. */
	memcpy_ns = full_ns = opaque_ns = UINT64_MAX;
	for (i = 0; i < BENCH_FRAMES; i++) {
		t0 = rdtsc();
		memcpy(copy, frame, (uint64_t)BENCH_FW * BENCH_FH * 4);
		memcpy_ns = MIN(memcpy_ns, timer_tsc_delta_ns(rdtsc() - t0));
		l[3].opaque = 0;
		full_ns = MIN(full_ns, bench_compose_ns(frame, stack, 5,
		    (struct compose_rect){ 0, 0, BENCH_FW, BENCH_FH }, 1));
		l[3].opaque = 1;
		opaque_ns = MIN(opaque_ns, bench_compose_ns(frame, stack, 5,
		    (struct compose_rect){ 0, 0, BENCH_FW, BENCH_FH }, 1));
	}
	l[3].opaque = 0;
	/* The cursor moved by a few pixels: its old and new place, 24x32. */
	small_ns = bench_compose_ns(frame, stack, 5, (struct compose_rect){ 996, 496, 1020, 528 }, 200);
	klog("bench: compositor: frame=%ux%u windows=4+cursor memcpy_us=%llu full_us=%llu small_us=%llu "
	    "full/memcpy=%llu.%02llu small/memcpy=%llu.%04llu opaque_us=%llu opaque/memcpy=%llu.%02llu\n",
	    BENCH_FW, BENCH_FH, memcpy_ns / 1000, full_ns / 1000, small_ns / 1000,
	    full_ns / memcpy_ns, full_ns * 100 / memcpy_ns % 100,
	    small_ns / memcpy_ns, small_ns * 10000 / memcpy_ns % 10000,
	    opaque_ns / 1000, opaque_ns / memcpy_ns, opaque_ns * 100 / memcpy_ns % 100);
}

void bench_run(uint32_t (*turn)(uint64_t *next_wake_ns), const struct boot_fb *gop)
{
	static const uint32_t counts[] = { 1, 16, 256, 4096 };
	uint32_t i;

	bench_turn = turn;
	klog("bench: start\n");
	console_defer(1);	/* as the loop has it: many lines, one redraw per frame */
	exec_set_quiet(1);
	bench_clock();
	bench_compositor();
	bench_display(gop);
	/* The executor against straight calls: in ring 0, where the kernel
	 * may call app code. */
	exec_pc_set_mode(EXEC_PC_RING0);
	for (i = 0; i < ARRAY_LEN(counts); i++)
		bench_app_calls(counts[i]);
	bench_protection();
	for (i = 0; i < 3; i++)
		bench_isolation(counts[i]);
	bench_service();
	bench_services();
	bench_disk();
	klog("bench: done\n");
	power_off();
	cpu_halt_forever();
}
