/* counter: counts its calls in its store and logs each value, five times a
 * second.  Tests watch the numbers go up without a gap. */
#include <stdio.h>
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint64_t *n = fomos_state(ctx, sizeof(*n));

	if (!n)
		return -1;
	printf("counter %lu", ++*n);
	return 200;
}
