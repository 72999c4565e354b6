/*
 * The entry of an app linked with the runtime: sdk/app.ld writes
 * __fomos_entry into the app's header in place of start when it is
 * defined, and fomos-cc links this file (-u __fomos_entry) unless the app
 * is built with -nolibfomos.  It records the context for malloc and printf,
 * then calls the app.
 */
#include "libfomos.h"

int FOMOS_CALL __fomos_entry(struct fomos_ctx *ctx);

int FOMOS_CALL __fomos_entry(struct fomos_ctx *ctx)
{
	libfomos_ctx = ctx;
	return start(ctx);
}
