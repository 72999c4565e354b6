/* noop: returns at once; the benchmark measures the cost of calling it. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	(void)ctx;
	return 0;
}
