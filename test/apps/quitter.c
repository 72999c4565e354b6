/* quitter: ends at its first call.  spawner starts it hundreds of times. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	(void)ctx;
	return -1;
}
