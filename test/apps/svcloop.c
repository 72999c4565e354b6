/* svcloop: 1000 calls of the cheapest service (damage() of an empty
 * rectangle, with no surface) per call: the benchmark's service round
 * trip is this app's call time less noop's, over 1000. */
#include "fomos.h"

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < 1000; i++)
		ctx->damage(0, 0, 0, 0);
	return 0;
}
