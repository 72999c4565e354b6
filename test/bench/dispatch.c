/*
 * Native app dispatch: the executor core (kernel/exec/exec.c) on this
 * host's CPU, as fomos-host runs it, calling N copies of noop.app, next to
 * the same apps' start() called straight from a table and to a bare
 * indirect call, all in one run.
 *
 *     build/dispatch-bench NOOP.app N [N...]
 *     DISPATCH_CALLS=20000 valgrind --tool=callgrind --toggle-collect=bench_executor ...
 *
 * prints, per N, "dispatch: apps=N calls=C executor_ns=E direct_ns=D
 * bare_ns=B" (nanoseconds per call, the best of a few turns: the machine
 * is shared).  test/boot/bench.py also runs it under callgrind
 * (--collect-atstart=no): the first turn of each measurement is collected
 * alone and dumped as "executor N", "direct N", "bare N", so the dumps hold
 * the instructions per call, which no other load on the machine changes,
 * and what the executor's are spent in.  (Callgrind's --toggle-collect
 * loses track of calls that switch stacks, as every app call does.)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else	/* no valgrind headers: no instruction counts, the timings still */
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_DUMP_STATS_AT(name)
#endif
#include "cmd.h"
#include "exec.h"
#include "exec_plat.h"
#include "host.h"

#define CALLS		2000000ull	/* per measurement, whatever N */
#define TURNS		5

typedef int (FOMOS_CALL *entry_fn)(struct fomos_ctx *);

static uint64_t bench_calls = CALLS;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static FOMOS_CALL int bench_nop(struct fomos_ctx *ctx)
{
	(void)ctx;
	return 0;
}

/* Calls the table's n functions `rounds` times over: the same apps' start()
 * straight (calling n different functions, no executor), or one function n
 * times (the floor).  A function of its own, so its loop is the same
 * whatever the caller does around it. */
__attribute__((noinline)) static uint64_t call_table(entry_fn *volatile fns, uint32_t n, uint64_t rounds)
{
	struct fomos_ctx ctx;
	uint64_t r, sink = 0;
	uint32_t i;

	memset(&ctx, 0, sizeof(ctx));
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			sink += (uint64_t)fns[i](&ctx);
	return sink;
}

/* One measurement: `rounds` rounds of the executor (fns NULL: every app
 * called once per round, on its own stack, under its budget, with a fresh
 * context and the clock), or of the table's n functions called straight.
 * Returns ns per call; collect: callgrind counts it alone, as "what n". */
static double bench_one(const char *what, entry_fn *fns, uint32_t n, uint64_t rounds, int collect)
{
	uint64_t r, t0, t1, next, sink = 0;
	char label[64];

	t0 = now_ns();
	if (collect)
		CALLGRIND_TOGGLE_COLLECT;
	if (!fns)
		for (r = 0; r < rounds; r++)
			sink += exec_round(&next);
	else
		sink = call_table(fns, n, rounds);
	if (collect) {
		CALLGRIND_TOGGLE_COLLECT;
		snprintf(label, sizeof(label), "%s %u", what, n);
		CALLGRIND_DUMP_STATS_AT(label);
	}
	t1 = now_ns();
	if (!fns && sink != rounds * n)
		fprintf(stderr, "dispatch-bench: not every app was called\n");
	return (double)(t1 - t0) / (double)(rounds * n);
}

static double best(double x, double y)
{
	return y < x ? y : x;
}

static int bench_apps(const char *path, const uint8_t *file, uint64_t size, uint32_t n)
{
	uint64_t rounds = bench_calls / n > 4 ? bench_calls / n : 4;
	double e = 1e9, d = 1e9, b = 1e9;
	entry_fn *fns = calloc(n, sizeof(*fns)), *bare = calloc(n, sizeof(*bare));
	struct app_opts opts;
	uint32_t i, t;

	app_opts_default(&opts);
	opts.nofb = 1;
	opts.quota = 64 << 10;
	for (i = 0; i < n; i++)
		if (exec_start(path, file, size, &opts) < 0) {
			fprintf(stderr, "dispatch-bench: app %u of %u: %s\n", i + 1, n, exec_last_error());
			return -1;
		}
	if (!fns || !bare || exec_entry_points((void **)fns, n) != n)
		return -1;
	for (i = 0; i < n; i++)
		bare[i] = bench_nop;
	bench_one("warm", NULL, n, 2, 0);	/* first calls touch fresh pages */
	/* The apps through the executor; the same apps' start() from a table
	 * (calling n different functions, no executor); one function n times
	 * (the floor).  The first turn of each is the one callgrind counts. */
	for (t = 0; t < TURNS; t++) {
		e = best(e, bench_one("executor", NULL, n, rounds, !t));
		d = best(d, bench_one("direct", fns, n, rounds, !t));
		b = best(b, bench_one("bare", bare, n, rounds, !t));
	}
	printf("dispatch: apps=%u calls=%llu executor_ns=%.2f direct_ns=%.2f bare_ns=%.2f\n", n,
	    (unsigned long long)(rounds * n), e, d, b);
	fflush(stdout);
	exec_kill_all();
	free(fns);
	free(bare);
	return 0;
}

int main(int argc, char **argv)
{
	const char *calls = getenv("DISPATCH_CALLS");
	const uint8_t *file;
	uint64_t size;
	char why[4200];
	int i;

	/* Under callgrind the figures are instruction counts: fewer calls do. */
	if (calls && strtoull(calls, NULL, 10))
		bench_calls = strtoull(calls, NULL, 10);
	if (argc < 3) {
		fprintf(stderr, "usage: dispatch-bench NOOP.app N [N...]\n");
		return 2;
	}
	if (host_plat_init() < 0 || host_read_app(argv[1], &file, &size, why, sizeof(why)) < 0) {
		fprintf(stderr, "dispatch-bench: %s\n", why);
		return 1;
	}
	exec_init(0, 0);
	exec_set_system(cmd_system);
	exec_set_quiet(1);
	for (i = 2; i < argc; i++)
		if (bench_apps(argv[1], file, size, (uint32_t)strtoul(argv[i], NULL, 10)) < 0)
			return 1;
	return 0;
}
