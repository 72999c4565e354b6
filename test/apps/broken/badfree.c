/* Frees a pointer calloc never returned. */
#include <fomos.h>

static uint8_t not_from_calloc[64];

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	ctx->free(not_from_calloc + 16);
	fomos_log(ctx, "badfree: still here after the bad free");
	return 0;
}
