/*
 * What the runtime's own files share, and no app sees.
 */
#ifndef LIBFOMOS_H
#define LIBFOMOS_H

#include <fomos.h>

/* The context of the app's current call, set by __fomos_entry (entry.c)
 * before each call of start(): malloc and printf need it and take no
 * argument to pass it.  A service function is called without going through
 * the entry; it still finds its context here because the kernel writes an
 * app's context, for every call, service calls included, into the same
 * page of its home (kernel/exec/home.h: EXEC_PAGE_OFFSET), which a resume
 * puts back at the same address.  fomos.h does not promise that: should
 * it ever change, service functions must record ctx themselves. */
extern struct fomos_ctx *libfomos_ctx;

#endif
