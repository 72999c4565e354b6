/*
 * A first-fit heap over caller-supplied regions.
 *
 * Every block, free or allocated, starts with a 16-byte header: its total
 * size (header included) and a magic word.  The magic is XORed with the
 * block's own address, so a header copied elsewhere, or a stray pointer into
 * the middle of a block, does not pass for a real one.  A free block keeps
 * the free-list link in its first payload bytes, which is why the smallest
 * block is a header plus 16 bytes.
 *
 * The free list is in address order so that a free finds both neighbours in
 * one walk and coalesces with them.  Nothing here panics: an arena may belong
 * to an app, so a bad pointer or a damaged free list is reported or stepped
 * around, never followed out of the heap's regions.
 */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lib.h"
#include "heap.h"

#define HDR		16ull
#define ALIGN		16ull
#define MIN_BLOCK	(HDR + ALIGN)

#define MAGIC_USED	0x75736564a110c8edull
#define MAGIC_FREE	0x66726565f4eeb10cull

struct heap_block {
	uint64_t size;			/* bytes, header included; a multiple of ALIGN */
	uint64_t magic;			/* MAGIC_USED or MAGIC_FREE, XOR the block's address */
	struct heap_block *next;	/* free blocks only: next free block, higher address */
};

_Static_assert(offsetof(struct heap_block, next) == HDR, "header is 16 bytes");

static uint64_t
addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint64_t
magic(const struct heap_block *b, uint64_t kind)
{
	return kind ^ addr(b);
}

/* True if [a, a+len) lies inside one region: checked before any header at
 * a is read. */
static bool
in_region(const struct heap *h, uint64_t a, uint64_t len)
{
	for (uint32_t i = 0; i < h->region_count; i++)
		if (a >= h->regions[i].start && a <= h->regions[i].end &&
		    len <= h->regions[i].end - a)
			return true;
	return false;
}

/* A block of that kind whose header and whole extent are inside a region. */
static bool
block_ok(const struct heap *h, const struct heap_block *b, uint64_t kind)
{
	if (addr(b) % ALIGN != 0 || !in_region(h, addr(b), MIN_BLOCK))
		return false;
	if (b->magic != magic(b, kind))
		return false;
	return b->size >= MIN_BLOCK && b->size % ALIGN == 0 &&
	    in_region(h, addr(b), b->size);
}

/* Puts b (already sized) on the free list in address order and merges it
 * with whichever neighbours touch it. */
static void
insert_free(struct heap *h, struct heap_block *b)
{
	struct heap_block *prev = NULL, *cur = h->free_list;

	/* Each step must go up in address: a list an app bent into a loop
	 * (its arena holds the links) ends the walk instead of spinning. */
	while (cur != NULL && addr(cur) < addr(b) && block_ok(h, cur, MAGIC_FREE) &&
	    (prev == NULL || addr(cur) > addr(prev))) {
		prev = cur;
		cur = cur->next;
	}
	if (cur != NULL && (!block_ok(h, cur, MAGIC_FREE) || (prev != NULL && addr(cur) <= addr(prev))))
		cur = NULL;	/* damaged tail: cut it off rather than follow it */

	b->magic = magic(b, MAGIC_FREE);
	b->next = cur;
	if (cur != NULL && addr(b) + b->size == addr(cur)) {
		b->size += cur->size;
		b->next = cur->next;
	}
	if (prev != NULL && addr(prev) + prev->size == addr(b)) {
		prev->size += b->size;
		prev->next = b->next;
	} else if (prev != NULL) {
		prev->next = b;
	} else {
		h->free_list = b;
	}
}

/* Region i just grew; if it now touches another, make them one entry, so
 * that a block coalesced across the seam is inside a single region. */
static void
merge_regions(struct heap *h, uint32_t i)
{
	for (uint32_t j = 0; j < h->region_count; j++) {
		if (j == i || (h->regions[j].start != h->regions[i].end &&
		    h->regions[j].end != h->regions[i].start))
			continue;
		h->regions[i].start = MIN(h->regions[i].start, h->regions[j].start);
		h->regions[i].end = MAX(h->regions[i].end, h->regions[j].end);
		h->regions[j] = h->regions[--h->region_count];
		return;	/* a new region touches at most one more on its other side */
	}
}

void
heap_init(struct heap *h)
{
	memset(h, 0, sizeof(*h));
}

int
heap_add(struct heap *h, void *mem, uint64_t size)
{
	struct heap_block *b;
	uint64_t start, end;
	uint32_t i;

	if (size > UINT64_MAX - addr(mem))
		return -1;
	start = ALIGN_UP(addr(mem), ALIGN);
	end = ALIGN_DOWN(addr(mem) + size, ALIGN);
	if (start >= end || end - start < MIN_BLOCK)
		return -1;
	for (i = 0; i < h->region_count; i++)
		if (start < h->regions[i].end && h->regions[i].start < end)
			return -1;	/* overlaps memory we already own */

	/* The kmem heap grows by pages that are often contiguous: extend a
	 * region rather than use up the table, so blocks can span both. */
	for (i = 0; i < h->region_count; i++)
		if (h->regions[i].end == start || h->regions[i].start == end)
			break;
	if (i < h->region_count) {
		h->regions[i].start = MIN(h->regions[i].start, start);
		h->regions[i].end = MAX(h->regions[i].end, end);
		merge_regions(h, i);
	} else if (h->region_count == HEAP_MAX_REGIONS) {
		return -1;
	} else {
		h->regions[h->region_count].start = start;
		h->regions[h->region_count].end = end;
		h->region_count++;
	}
	h->size += end - start;

	b = (struct heap_block *)(uintptr_t)start;
	b->size = end - start;
	insert_free(h, b);
	return 0;
}

void *
heap_alloc(struct heap *h, uint64_t size)
{
	struct heap_block **link = &h->free_list, *b, *rest;
	uint64_t need, prev = 0;

	if (size > UINT64_MAX - MIN_BLOCK)
		return NULL;
	need = MAX(ALIGN_UP(size, ALIGN) + HDR, MIN_BLOCK);

	for (b = *link; b != NULL; prev = addr(b), link = &b->next, b = *link) {
		/* Out of address order is damage too: it bounds the walk. */
		if (!block_ok(h, b, MAGIC_FREE) || addr(b) <= prev) {
			*link = NULL;	/* damaged: drop the rest of the list */
			return NULL;
		}
		if (b->size >= need)
			break;
	}
	if (b == NULL)
		return NULL;

	/* Split only if what is left can be a block of its own. */
	if (b->size - need >= MIN_BLOCK) {
		rest = (struct heap_block *)(uintptr_t)(addr(b) + need);
		rest->size = b->size - need;
		rest->magic = magic(rest, MAGIC_FREE);
		rest->next = b->next;
		b->size = need;
		*link = rest;
	} else {
		*link = b->next;
	}
	b->magic = magic(b, MAGIC_USED);
	h->used += b->size;
	return (uint8_t *)b + HDR;
}

void *
heap_calloc(struct heap *h, uint64_t count, uint64_t size)
{
	void *p;

	if (size != 0 && count > UINT64_MAX / size)
		return NULL;
	p = heap_alloc(h, count * size);
	if (p != NULL)
		memset(p, 0, count * size);
	return p;
}

/* The block ptr was returned for, or NULL: read only after the range check. */
static struct heap_block *
block_of(struct heap *h, void *ptr, uint64_t kind)
{
	struct heap_block *b;

	if (addr(ptr) % ALIGN != 0 || addr(ptr) < HDR)
		return NULL;
	b = (struct heap_block *)(uintptr_t)(addr(ptr) - HDR);
	return block_ok(h, b, kind) ? b : NULL;
}

int
heap_free(struct heap *h, void *ptr)
{
	struct heap_block *b;

	if (ptr == NULL)
		return HEAP_OK;
	b = block_of(h, ptr, MAGIC_USED);
	if (b == NULL) {
		/* A block merged into a free neighbour keeps its stale free
		 * header, so freeing it again is still recognised. */
		if (block_of(h, ptr, MAGIC_FREE) != NULL)
			return HEAP_DOUBLE_FREE;
		return HEAP_BAD_POINTER;
	}
	h->used -= b->size;
	insert_free(h, b);
	return HEAP_OK;
}

uint64_t
heap_block_size(struct heap *h, void *ptr)
{
	struct heap_block *b = ptr == NULL ? NULL : block_of(h, ptr, MAGIC_USED);

	return b == NULL ? 0 : b->size - HDR;
}
