/* Frees the same block twice. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	void *p = ctx->calloc(1, 100);

	ctx->free(p);
	ctx->free(p);
	return 0;
}
