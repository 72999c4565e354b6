/*
 * The isolation hooks of exec_plat.h for a platform that has no ring 3 and
 * no protection keys: fomos-host (a development runner, not a sandbox) and
 * the unit tests.  The context holds the services themselves, and there is
 * nothing to open or close.  Portable.
 */
#include "exec_plat.h"

uint64_t plat_service_stub(uint32_t n)
{
	(void)n;
	return 0;
}

void plat_user_open(void)
{
}

void plat_user_close(void)
{
}

void plat_home_switch(uint32_t slot, const uint32_t *view, uint32_t n)
{
	(void)slot;
	(void)view;
	(void)n;
}

void plat_homes_open(void)
{
}
