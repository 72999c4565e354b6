/*
 * What the runtime's own files share, and no app sees.
 */
#ifndef LIBFOMOS_H
#define LIBFOMOS_H

#include <fomos.h>

/* The context of the app's current call, set by __fomos_entry (entry.c)
 * before each call of start(): malloc and printf need it and take no
 * argument to pass it.  The kernel hands an app its context at the same
 * address for every call, service calls included. */
extern struct fomos_ctx *libfomos_ctx;

#endif
