/* keeper: state worth keeping across a suspend, for test/boot/test_snapshot.py.
 *
 * Its store holds a counter, the last ctx->time_ns it saw, and a chain of
 * 64 arena blocks linked by pointers (each holds its index): after a resume
 * the chain must still walk, which holds only if its home came back at the
 * same address.  It has a 160x100 window that moves 2 pixels right per call
 * from (200, 150), drawn once (at the first call): after a resume the
 * window shows again where it was, with what it drew before.  Every 5th
 * call it logs "keeper: n=N x=X chain=OK|BROKEN time=T".  A clock that went
 * back is logged as such. */
#include <stdio.h>
#include <fomos.h>

struct link {
	struct link *next;
	uint64_t index;
};

struct keeper {
	uint64_t n;
	uint64_t last_time;
	int32_t x;
	struct link *chain;
};

static int keeper_chain_ok(const struct keeper *k)
{
	const struct link *l = k->chain;
	uint64_t i = 0;

	for (; l && i < 64; l = l->next, i++)
		if (l->index != i)
			return 0;
	return i == 64 && !l;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct keeper *k = fomos_state(ctx, sizeof(*k));
	uint32_t x, y;

	if (!k)
		return -1;
	if (k->n == 0) {
		struct link **tail = &k->chain;

		for (uint64_t i = 0; i < 64; i++) {
			struct link *b = ctx->calloc(1, 4000);	/* spread over pages */

			if (!b)
				return -1;
			b->index = i;
			*tail = b;
			tail = &b->next;
		}
		k->x = 200;
		if (ctx->window(k->x, 150, 160, 100, FOMOS_WIN_OPAQUE) == 0) {
			for (y = 0; y < 100; y++)
				for (x = 0; x < 160; x++)
					ctx->fb.pixels[y * ctx->fb.stride + x] =
					    y < 20 ? 0xff2040c0u : (x / 20 + y / 20) % 2 ? 0xffe0a020u : 0xff20a060u;
			fomos_damage_all(ctx);
		}
	}
	if (ctx->time_ns < k->last_time) {
		puts("keeper: the clock went back");
	}
	k->last_time = ctx->time_ns;
	k->n++;
	k->x += 2;
	if (k->x > 900)
		k->x = 200;
	ctx->window(k->x, 150, 160, 100, FOMOS_WIN_OPAQUE);
	if (k->n % 5 == 0) {
		printf("keeper: n=%lu x=%d chain=%s time=%lu", k->n, k->x,
		    keeper_chain_ok(k) ? "OK" : "BROKEN", ctx->time_ns);
	}
	return 100;
}
