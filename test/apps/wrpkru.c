/* wrpkru: an app whose code holds WRPKRU, which would open every home's
 * protection key.  The loader must refuse the file. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	fomos_log(ctx, "wrpkru: RUNNING, it should have been refused");
	__asm__ volatile("wrpkru" :: "a"(0), "c"(0), "d"(0));
	return -1;
}
