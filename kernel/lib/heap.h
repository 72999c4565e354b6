/*
 * A heap over regions of memory it is given: first fit on an address-ordered
 * free list, neighbours coalesced on free, every block 16-byte aligned behind
 * a 16-byte header.  It never asks for memory itself; the kernel heap (kmem)
 * adds pages from the pmm when an allocation fails, and an app's arena is one
 * fixed region, its size the app's quota.
 *
 * heap_free checks the pointer before it trusts the header: a pointer outside
 * the heap's regions, not at a block, or freed twice is reported, never
 * followed.
 *
 * The headers and the free list live in the regions themselves, and an app's
 * arena is memory the app can write: every pointer and size the heap reads
 * back from a region is checked to stay inside the regions before it is
 * followed or written through.  Damage found that way sets `corrupt` for
 * good: from then on heap_alloc returns NULL, heap_free HEAP_CORRUPT and
 * heap_add -1, so a heap that was written over is never trusted again.
 */
#ifndef HEAP_H
#define HEAP_H

#include <stdint.h>

#define HEAP_MAX_REGIONS	32

struct heap_block;

struct heap {
	struct heap_block *free_list;	/* address order */
	uint64_t used;			/* bytes in allocated blocks, headers included */
	uint64_t size;			/* bytes in all regions */
	uint32_t region_count;
	struct { uint64_t start, end; } regions[HEAP_MAX_REGIONS];
	int corrupt;			/* set once a header or link was found damaged */
};

enum heap_error {
	HEAP_OK = 0,
	HEAP_BAD_POINTER = -1,		/* not a pointer heap_alloc returned */
	HEAP_DOUBLE_FREE = -2,
	HEAP_CORRUPT = -3,		/* the heap's own bookkeeping is damaged (h->corrupt) */
};

void heap_init(struct heap *h);
/* Adds [mem, mem+size) to the heap (aligned inward).  Returns -1 if the
 * region table is full, the region is too small to hold a block, or the
 * heap is damaged (then the region is not taken: the caller may give the
 * memory back). */
int heap_add(struct heap *h, void *mem, uint64_t size);
void *heap_alloc(struct heap *h, uint64_t size);	/* NULL if no block fits, or damaged */
void *heap_calloc(struct heap *h, uint64_t count, uint64_t size);	/* zeroed; NULL on overflow */
int heap_free(struct heap *h, void *ptr);		/* enum heap_error; free(NULL) is HEAP_OK */
uint64_t heap_block_size(struct heap *h, void *ptr);	/* usable bytes of an allocated block, 0 if bad */

#endif
