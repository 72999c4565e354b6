/* exiter: takes 4 MiB from its arena, touches it, and after five calls
 * returns -3: the kernel must end it, never call it again, and take all of
 * its memory back. */
#include <stdio.h>
#include <fomos.h>

struct exiter {
	uint64_t calls;
	uint8_t *big;
};

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct exiter *e = fomos_state(ctx, sizeof(*e));
	uint64_t i;

	if (!e)
		return -1;
	if (!e->big) {
		e->big = ctx->calloc(4, 1 << 20);
		if (!e->big)
			return -2;
	}
	for (i = 0; i < (4u << 20); i += 4096)
		e->big[i] = (uint8_t)e->calls;
	printf("exiter: call %lu", ++e->calls);
	return e->calls == 5 ? -3 : 20;
}
