/* Executes an undefined instruction. */
#include <fomos.h>

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	(void)ctx;
	__asm__ volatile("ud2");
	return 0;
}
