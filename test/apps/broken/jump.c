/* Calls into its own data, which is not executable. */
#include <fomos.h>

static uint8_t not_code[16] = { 0xc3 };	/* a ret instruction, in data */

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)(not_code + (ctx->pid & 0));

	fn();
	return 0;
}
