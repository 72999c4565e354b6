/*
 * svccons: a test consumer of svcprov's "calc" (test/boot/test_services.py).
 * One step per call, each logged as "svccons: WHAT -> ANSWER":
 *
 *   a missing name; waiting for calc (a long yield the kernel cuts short
 *   when calc appears); too new a version; calls by value; a buffer of its
 *   own, copied in and out; the provider's region, read and written by
 *   both; its own pid as the caller; a callback into itself (BUSY); a
 *   provider that faults, then overruns, inside a call (FAULT, and it
 *   restarts); a provider killed between calls (GONE).  Then it goes on
 *   running ("still running").
 *
 * -DTOUCH builds svctouch: pointers that are not its own (the kernel's, the
 * provider's home) handed to a call, refused; then it reads the provider's
 * code outside any call, which ends it (isolation holds).
 *
 * -DSNAP builds svcsnap: adds 1 through calc at every call, for the
 * suspend-and-resume test; "svcsnap: n=N" each time.
 */
#include "applib.h"

struct state {
	uint32_t step;
	int32_t calc;
	uint64_t since, provider, n;
	char buf[16];
};

static int64_t FOMOS_CALL back(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return 7;
}

static const struct fomos_fn back_fns[] __attribute__((unused)) = { { back, 0, 0 } };

static void say(const char *what, int64_t v)
{
#if defined(TOUCH)
	log_answer("svctouch", what, v);
#elif defined(SNAP)
	log_answer("svcsnap", what, v);
#else
	log_answer("svccons", what, v);
#endif
}

#if defined(TOUCH)
static int steps(struct fomos_ctx *ctx, struct state *st)
{
	uint64_t home;
	int64_t r;

	if (!fomos_service(ctx, &st->calc, "calc", 1))
		return 60000;
	r = ctx->call(st->calc, 7, 0, 0, 0, 0);		/* its region: home + 1.5 GiB */
	home = (uint64_t)r - (3ull << 29);
	say("upper on the kernel's memory", ctx->call(st->calc, 1, 0x4000000, 16, 0, 0));
	say("upper on the provider's home", ctx->call(st->calc, 1, home + 0x1000, 16, 0, 0));
	say("sum past the end of its region", ctx->call(st->calc, 2, (uint64_t)r + (64u << 10) - 8, 16, 0, 0));
	say("still running, now reading the provider's code", 0);
	say("read", *(volatile uint64_t *)(uintptr_t)(home + 0x1000));
	return -1;
}
#elif defined(SNAP)
static int steps(struct fomos_ctx *ctx, struct state *st)
{
	int64_t r;

	if (!fomos_service(ctx, &st->calc, "calc", 1) && !st->n)
		return 60000;
	r = fomos_call(ctx, &st->calc, 0, st->n, 1, 0, 0);
	if (r < 0) {
		say("add", r);
		return 1000;
	}
	st->n = (uint64_t)r;
	say("n", (int64_t)st->n);
	return 200;
}
#else
static int steps(struct fomos_ctx *ctx, struct state *st)
{
	const char *region;
	int64_t r;
	uint32_t i;

	switch (st->step) {
	case 0:
		say("lookup nosuch", ctx->lookup("nosuch", 1));
		say("lookup BAD name", ctx->lookup("BAD name", 1));
		say("publish back", ctx->publish("back", 1, back_fns, 1));
		/* svcprov starts after it: not there yet.  A minute's yield,
		 * which the kernel cuts short when calc is published. */
		st->step++;
		if (!fomos_service(ctx, &st->calc, "calc", 2)) {
			say("waiting for calc", 0);
			return 60000;
		}
		return 0;
	case 1:
		if (!fomos_service(ctx, &st->calc, "calc", 2))
			return 60000;
		say("found calc", st->calc);
		break;
	case 2:
		say("lookup calc version 3", ctx->lookup("calc", 3));
		say("add 40 2", ctx->call(st->calc, 0, 40, 2, 0, 0));
		say("function 99", ctx->call(st->calc, 99, 0, 0, 0, 0));
		say("handle 77", ctx->call(77, 0, 0, 0, 0, 0));
		break;
	case 3:
		for (i = 0; i < 5; i++)
			st->buf[i] = "hello"[i];
		r = ctx->call(st->calc, 1, (uint64_t)(uintptr_t)st->buf, 5, 0, 0);
		say(st->buf[0] == 'H' && st->buf[4] == 'O' ? "upper copied back HELLO" : "upper not copied back", r);
		break;
	case 4:
		region = (const char *)(uintptr_t)ctx->call(st->calc, 7, 0, 0, 0, 0);
		say(region[0] == 'r' && region[7] == 'f' ? "region says region from provider" :
		    "region unreadable", 0);
		((char *)region)[100] = 3;	/* written by the consumer, summed by the provider */
		((char *)region)[101] = 4;
		say("sum in the region", ctx->call(st->calc, 2, (uint64_t)(uintptr_t)region + 100, 2, 0, 0));
		break;
	case 5:
		r = ctx->call(st->calc, 5, 0, 0, 0, 0);
		say(r == (int64_t)ctx->pid ? "caller is me" : "caller is someone else", r);
		say("callback into me", ctx->call(st->calc, 8, 0, 0, 0, 0));
		break;
	case 6:
		say("crash", fomos_call(ctx, &st->calc, 3, 0, 0, 0, 0));
		say("add after the crash", ctx->call(st->calc ? st->calc : 1, 0, 1, 1, 0, 0));
		break;
	case 7:
		/* svcprov has `restart`: it comes back, and calc with it. */
		if (!fomos_service(ctx, &st->calc, "calc", 2))
			return 100;
		say("add after the restart", ctx->call(st->calc, 0, 1, 1, 0, 0));
		say("spin", fomos_call(ctx, &st->calc, 4, 0, 0, 0, 0));
		break;
	case 8:
		if (!fomos_service(ctx, &st->calc, "calc", 2))
			return 100;
		st->provider = (uint64_t)ctx->call(st->calc, 6, 0, 0, 0, 0);
		{
			char cmd[32], answer[128];
			int n = snprintf(cmd, sizeof(cmd), "kill %lu", st->provider);

			r = ctx->system(cmd, (uint32_t)n, answer, sizeof(answer));
			say("kill the provider", r);
		}
		say("add after the kill", ctx->call(st->calc, 0, 1, 1, 0, 0));
		break;
	default:
		say("still running", (int64_t)st->step);
		return ++st->step < 12 ? 100 : -1;
	}
	return 0;
}
#endif

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct state *st = fomos_state(ctx, sizeof(*st));
	int r;
	uint32_t step = st ? st->step : 0;

	if (!st)
		return -1;
	r = steps(ctx, st);
	/* A step that is done moves on; one that waits comes again. */
	if (r == 0 && st->step == step)
		st->step++;
	return r;
}
