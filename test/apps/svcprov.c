/*
 * svcprov: a test provider (test/boot/test_services.py, the bench).  It
 * publishes "calc" version 2 and a region that its consumers may write:
 *
 *   0 add(a, b)            a + b
 *   1 upper(buf, len)      upper-cases buf in place (in and out), returns len
 *   2 sum(ptr, len)        the sum of the bytes (in)
 *   3 crash()              writes to address 16: faults inside the call
 *   4 spin()               never returns: overruns its budget inside the call
 *   5 caller()             ctx->caller
 *   6 mypid()              its own pid
 *   7 region()             where its shared region is
 *   8 callback()           calls service "back" of whoever provides it: the
 *                          consumer that called it, so the answer is BUSY
 *   9 null()               0: the benchmark's cross-app call
 *
 * Built a second time as svcprov2 (-DSECOND): it only tries to publish
 * "calc" too, and logs what publish answered.
 */
#include "applib.h"

#define REGION_BYTES	(64u << 10)

struct state {
	int published;
	char *region;
	int32_t back;
};

static int64_t FOMOS_CALL add(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return (int64_t)(a + b);
}

static int64_t FOMOS_CALL upper(struct fomos_ctx *ctx, uint64_t buf, uint64_t len, uint64_t c, uint64_t d)
{
	char *s = (char *)(uintptr_t)buf;
	uint64_t i;

	for (i = 0; i < len; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	return (int64_t)len;
}

static int64_t FOMOS_CALL sum(struct fomos_ctx *ctx, uint64_t ptr, uint64_t len, uint64_t c, uint64_t d)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)ptr;
	uint64_t i, s = 0;

	for (i = 0; i < len; i++)
		s += p[i];
	return (int64_t)s;
}

static int64_t FOMOS_CALL crash(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	*(volatile uint64_t *)(uintptr_t)16 = 1;
	return 0;
}

static int64_t FOMOS_CALL spin(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	for (;;)
		__asm__ volatile("pause");
	return 0;
}

static int64_t FOMOS_CALL caller(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return (int64_t)ctx->caller;
}

static int64_t FOMOS_CALL mypid(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return (int64_t)ctx->pid;
}

static int64_t FOMOS_CALL region(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	struct state *st = *ctx->store;

	return (int64_t)(uintptr_t)st->region;
}

static int64_t FOMOS_CALL callback(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	struct state *st = *ctx->store;

	if (!fomos_service(ctx, &st->back, "back", 1))
		return FOMOS_E_NOTFOUND;
	return ctx->call(st->back, 0, 0, 0, 0, 0);
}

static int64_t FOMOS_CALL null(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return 0;
}

static const struct fomos_fn calc[] = {
	{ add, 0, 0 },
	{ upper, FOMOS_ARG_IN(0) | FOMOS_ARG_OUT(0), 0 },
	{ sum, FOMOS_ARG_IN(0), 0 },
	{ crash, 0, 0 },
	{ spin, 0, 0 },
	{ caller, 0, 0 },
	{ mypid, 0, 0 },
	{ region, 0, 0 },
	{ callback, 0, 0 },
	{ null, 0, 0 },
};

static const char hello[] __attribute__((unused)) = "region from provider";

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct state *st = fomos_state(ctx, sizeof(*st));
	int32_t r;

	if (!st || st->published)
		return 60000;
	st->published = 1;
#ifdef SECOND
	r = ctx->publish("calc", 2, calc, sizeof(calc) / sizeof(calc[0]));
	log_answer("svcprov2", "publish calc", r);
	return r < 0 ? 60000 : -1;
#else
	uint32_t i;

	st->region = ctx->share(REGION_BYTES);
	if (!st->region)
		return -1;
	for (i = 0; i < sizeof(hello); i++)
		st->region[i] = hello[i];
	r = ctx->grant(st->region, FOMOS_CONSUMERS, FOMOS_SHARE_WRITE);
	log_answer("svcprov", "grant to consumers", r);
	r = ctx->publish("calc", 2, calc, sizeof(calc) / sizeof(calc[0]));
	log_answer("svcprov", "publish calc", r);
	/* Publishing again replaces its own table: not "taken". */
	r = ctx->publish("calc", 2, calc, sizeof(calc) / sizeof(calc[0]));
	log_answer("svcprov", "publish calc again", r);
	return 60000;
#endif
}
