/* scribbler: overwrites every field of the context it is given, then checks
 * at its next call that the kernel handed it a fresh, intact one. */
#include <stdio.h>
#include <fomos.h>

struct scribbler {
	struct fomos_ctx first;
	uint64_t calls;
};

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct scribbler *s = fomos_state(ctx, sizeof(*s));
	uint8_t *raw = (uint8_t *)ctx;
	uint32_t i;

	if (!s)
		return -1;
	if (s->calls++ == 0) {
		s->first = *ctx;
		s->first.time_ns = 0;
	} else {
		int intact = ctx->version == s->first.version && ctx->size == s->first.size &&
		    ctx->pid == s->first.pid && ctx->log == s->first.log &&
		    ctx->calloc == s->first.calloc && ctx->free == s->first.free &&
		    ctx->store == s->first.store && ctx->input == s->first.input &&
		    ctx->fb.pixels == s->first.fb.pixels && ctx->fb.width == s->first.fb.width;

		/* Log first: it is about to be scribbled on. */
		printf("scribbler: context %s at call %lu", intact ? "intact" : "CHANGED", s->calls);
		if (s->calls == 3)
			return -1;
	}
	for (i = 0; i < sizeof(*ctx); i++)
		raw[i] = 0xa5;
	return 50;
}
