/*
 * svcbench: the services benchmark's apps (kernel/bench/bench.c), one per
 * MODE, each doing a fixed amount of work per call:
 *
 *   1 svcplain   1000 plain indirect calls of a function of its own
 *   2 svccross   1000 cross-app calls of svcprov's null() (a PKRU switch
 *                each way)
 *   3 svcregion  16 x: fill svcprov's 64 KiB region, have svcprov sum it
 *                (passed as it is: no copy)
 *   4 svccopy    16 x: fill a 64 KiB buffer of its own, have svcprov sum
 *                it (copied into svcprov's call buffer)
 *
 * Until it has found calc it does nothing (the benchmark's warm-up turn
 * finds it).
 */
#include <fomos.h>

#define BYTES	(64u << 10)

struct state {
	int32_t calc;
	uint8_t *region;
	uint64_t sink;
};

/* In its image (bss), not its arena: the benchmark runs apps with a
 * 64 KiB quota. */
static uint8_t own[BYTES] __attribute__((aligned(4096), unused));

static __attribute__((noinline)) int64_t FOMOS_CALL local(struct fomos_ctx *ctx, uint64_t a, uint64_t b,
    uint64_t c, uint64_t d)
{
	return (int64_t)a;
}

static fomos_service_fn volatile local_ptr __attribute__((unused)) = local;

static __attribute__((unused)) void fill(uint8_t *p, uint64_t seed)
{
	uint64_t *q = (uint64_t *)p;
	uint32_t i;

	for (i = 0; i < BYTES / 8; i++)
		q[i] = seed + i;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct state *st = fomos_state(ctx, sizeof(*st));
	uint32_t i;

	if (!st)
		return -1;
#if MODE == 1
	for (i = 0; i < 1000; i++)
		st->sink += (uint64_t)local_ptr(ctx, i, 0, 0, 0);
	return 0;
#else
	if (!fomos_service(ctx, &st->calc, "calc", 2))
		return 0;
	if (!st->region)
		st->region = (uint8_t *)(uintptr_t)ctx->call(st->calc, 7, 0, 0, 0, 0);
#if MODE == 2
	for (i = 0; i < 1000; i++)
		st->sink += (uint64_t)ctx->call(st->calc, 9, 0, 0, 0, 0);
#else
	for (i = 0; i < 16; i++) {
		uint8_t *p = MODE == 3 ? st->region : own;

		fill(p, st->sink);
		st->sink += (uint64_t)ctx->call(st->calc, 2, (uint64_t)(uintptr_t)p, BYTES, 0, 0);
	}
#endif
	return 0;
#endif
}
