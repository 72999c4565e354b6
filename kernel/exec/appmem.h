/*
 * An app's memory: the arena its ctx->calloc carves from, in its home,
 * mapped as it grows and never beyond its quota.  The kernel and fomos-host
 * share this; each passes its own way of mapping fresh pages.
 *
 * The heap's headers and free list lie inside the arena, where the app can
 * write over them.  heap.c never follows them out of the arena; once it
 * finds them damaged the arena is done for: every calloc returns NULL and
 * every free is refused, and appmem_corrupt() says so, for the executor to
 * end the app.
 */
#ifndef APPMEM_H
#define APPMEM_H

#include <stdint.h>
#include "heap.h"

#define APPMEM_GROW_MIN	(64ull << 10)	/* the arena grows by at least this */
/* and, beyond what one allocation needs, by at most this: fresh pages are
 * zeroed inside the calloc that asked, which runs on the app's time
 * budget (doubling a 32 MiB arena in one call took longer than 100 ms). */
#define APPMEM_GROW_MAX	(4ull << 20)

struct appmem {
	struct heap heap;
	uint64_t base;		/* the arena's first address */
	uint64_t mapped;	/* bytes mapped so far, <= quota */
	uint64_t quota;
	int (*map)(uint64_t va, uint64_t bytes);	/* fresh zeroed read-write pages: 0 or -1 */
	void (*unmap)(uint64_t va, uint64_t bytes);
};

void appmem_init(struct appmem *m, uint64_t base, uint64_t quota,
    int (*map)(uint64_t va, uint64_t bytes), void (*unmap)(uint64_t va, uint64_t bytes));
/* Zeroed, 16-byte aligned; NULL on overflow, when the quota is used up, or
 * when the arena's bookkeeping is damaged (appmem_corrupt). */
void *appmem_calloc(struct appmem *m, uint64_t count, uint64_t size);
/* NULL when freed (free(NULL) too), else why the pointer was refused. */
const char *appmem_free(struct appmem *m, void *ptr);
/* 1 once the heap found its headers or links in the arena written over. */
int appmem_corrupt(const struct appmem *m);
/* Unmaps everything the arena ever mapped. */
void appmem_release(struct appmem *m);

#endif
