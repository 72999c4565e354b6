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
 * to an app, which can write anything over the headers and links.  So every
 * word read from a region (a size, a magic, a link) is read once into a local
 * and checked before it is used: a block must be aligned, lie wholly inside
 * one region, and carry the right magic; the free list must go strictly up
 * in address with no two blocks overlapping (which also bounds every walk).
 * Writes go only to blocks that passed those checks.  Damage marks the heap
 * corrupt (heap.h) and the operation fails with nothing written.
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

/* The size of the block of that kind at b, or 0 if b is not one: aligned,
 * header and whole extent inside one region, its magic right.  Each word is
 * read once, so the size returned is the size that was checked. */
static uint64_t
block_size(const struct heap *h, const struct heap_block *b, uint64_t kind)
{
	uint64_t size, m;

	if (addr(b) % ALIGN != 0 || !in_region(h, addr(b), MIN_BLOCK))
		return 0;
	m = b->magic;
	size = b->size;
	if (m != magic(b, kind) || size < MIN_BLOCK || size % ALIGN != 0 ||
	    !in_region(h, addr(b), size))
		return 0;
	return size;
}

static void *
damaged(struct heap *h)
{
	h->corrupt = 1;
	return NULL;
}

/* A place in the free list: between prev (NULL: the list's head) and cur
 * (NULL: the end), with their sizes as they were checked. */
struct place {
	struct heap_block *prev, *cur;
	uint64_t prev_size, cur_size;
};

/* Where a block [b, b+size) goes in the free list.  Only reads, and every
 * block it passes is checked; -1 if the list is damaged or b overlaps a
 * free block (then nothing may be written). */
static int
find_place(const struct heap *h, uint64_t b, uint64_t size, struct place *p)
{
	uint64_t prev_end = 0;

	p->prev = NULL;
	p->prev_size = 0;
	p->cur = h->free_list;
	for (;;) {
		if (p->cur == NULL) {
			p->cur_size = 0;
			break;
		}
		p->cur_size = block_size(h, p->cur, MAGIC_FREE);
		/* Going up, never overlapping: a loop an app bent the links
		 * into ends here instead of spinning. */
		if (p->cur_size == 0 || addr(p->cur) < prev_end)
			return -1;
		if (addr(p->cur) >= b)
			break;
		prev_end = addr(p->cur) + p->cur_size;	/* inside a region: no wrap */
		p->prev = p->cur;
		p->prev_size = p->cur_size;
		p->cur = p->cur->next;
	}
	if (prev_end > b || (p->cur != NULL && b + size > addr(p->cur)))
		return -1;	/* b lies inside a free block */
	return 0;
}

/* Links b (size bytes) in at p and merges it with whichever neighbours touch
 * it.  Every block written is b or one find_place checked. */
static void
link_free(struct heap *h, struct heap_block *b, uint64_t size, const struct place *p)
{
	struct heap_block *next = p->cur;

	if (p->cur != NULL && addr(b) + size == addr(p->cur)) {
		size += p->cur_size;
		next = p->cur->next;	/* checked when a walk reaches it */
	}
	b->size = size;
	b->magic = magic(b, MAGIC_FREE);
	b->next = next;
	if (p->prev != NULL && addr(p->prev) + p->prev_size == addr(b)) {
		p->prev->size = p->prev_size + size;
		p->prev->next = next;
	} else if (p->prev != NULL) {
		p->prev->next = b;
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
	struct place p;
	uint64_t start, end;
	uint32_t i;

	if (h->corrupt || size > UINT64_MAX - addr(mem))
		return -1;
	start = ALIGN_UP(addr(mem), ALIGN);
	end = ALIGN_DOWN(addr(mem) + size, ALIGN);
	if (start >= end || end - start < MIN_BLOCK)
		return -1;
	for (i = 0; i < h->region_count; i++)
		if (start < h->regions[i].end && h->regions[i].start < end)
			return -1;	/* overlaps memory we already own */
	/* The walk comes first: a damaged list refuses the region before
	 * the table names it, so the caller may unmap it again. */
	if (find_place(h, start, end - start, &p) < 0) {
		damaged(h);
		return -1;
	}

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
	link_free(h, (struct heap_block *)(uintptr_t)start, end - start, &p);
	return 0;
}

void *
heap_alloc(struct heap *h, uint64_t size)
{
	struct heap_block *prev = NULL, *b = h->free_list, *next = NULL, *rest;
	uint64_t need, bsize = 0, prev_end = 0;

	if (h->corrupt || size > UINT64_MAX - MIN_BLOCK)
		return NULL;
	need = MAX(ALIGN_UP(size, ALIGN) + HDR, MIN_BLOCK);

	for (;; prev = b, b = next) {
		if (b == NULL)
			return NULL;
		bsize = block_size(h, b, MAGIC_FREE);
		if (bsize == 0 || addr(b) < prev_end)
			return damaged(h);
		next = b->next;		/* read once; checked as the next b */
		if (bsize >= need)
			break;
		prev_end = addr(b) + bsize;
	}
	/* More free than there is room for: a free block was grown over
	 * allocated ones.  (Not every overlap shows here; those that do not
	 * still stay inside the regions, and hurt only the heap's owner.) */
	if (bsize > h->size - MIN(h->used, h->size))
		return damaged(h);

	/* Split only if what is left can be a block of its own. */
	if (bsize - need >= MIN_BLOCK) {
		rest = (struct heap_block *)(uintptr_t)(addr(b) + need);
		rest->size = bsize - need;
		rest->magic = magic(rest, MAGIC_FREE);
		rest->next = next;
		next = rest;
		bsize = need;
		b->size = need;
	}
	if (prev != NULL)
		prev->next = next;
	else
		h->free_list = next;
	b->magic = magic(b, MAGIC_USED);
	h->used += bsize;
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

/* The block ptr was returned for and its size, or NULL: read only after
 * the range check. */
static struct heap_block *
block_of(const struct heap *h, void *ptr, uint64_t kind, uint64_t *size)
{
	struct heap_block *b;

	if (addr(ptr) % ALIGN != 0 || addr(ptr) < HDR)
		return NULL;
	b = (struct heap_block *)(uintptr_t)(addr(ptr) - HDR);
	*size = block_size(h, b, kind);
	return *size ? b : NULL;
}

int
heap_free(struct heap *h, void *ptr)
{
	struct heap_block *b;
	struct place p;
	uint64_t size;

	if (ptr == NULL)
		return HEAP_OK;
	if (h->corrupt)
		return HEAP_CORRUPT;
	b = block_of(h, ptr, MAGIC_USED, &size);
	if (b == NULL) {
		/* A block merged into a free neighbour keeps its stale free
		 * header, so freeing it again is still recognised. */
		if (block_of(h, ptr, MAGIC_FREE, &size) != NULL)
			return HEAP_DOUBLE_FREE;
		return HEAP_BAD_POINTER;
	}
	/* A header claiming more than is allocated, or a list that no
	 * longer holds together, was written over. */
	if (size > h->used || find_place(h, addr(b), size, &p) < 0) {
		damaged(h);
		return HEAP_CORRUPT;
	}
	h->used -= size;
	link_free(h, b, size, &p);
	return HEAP_OK;
}

uint64_t
heap_block_size(struct heap *h, void *ptr)
{
	uint64_t size = 0;

	return ptr != NULL && block_of(h, ptr, MAGIC_USED, &size) != NULL ? size - HDR : 0;
}
