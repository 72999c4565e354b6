/* heap: over aligned_alloc'd buffers, so every header is in real memory. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "heap.h"
#include "unit.h"

#define HDR	16

static uint8_t *
arena(struct heap *h, uint64_t size)
{
	uint8_t *m = aligned_alloc(16, size);

	CHECK(m != NULL);
	heap_init(h);
	CHECK_EQ_U64(heap_add(h, m, size), 0);
	return m;
}

void
heap_blocks_are_16_byte_aligned_and_do_not_overlap(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 8192), *p[20];
	uint64_t sizes[20];

	for (int i = 0; i < 20; i++) {
		sizes[i] = 1 + i * 13;
		p[i] = heap_alloc(&h, sizes[i]);
		CHECK(p[i] != NULL);
		CHECK_EQ_U64((uintptr_t)p[i] % 16, 0);
		CHECK(heap_block_size(&h, p[i]) >= sizes[i]);
		memset(p[i], i, sizes[i]);
	}
	for (int i = 0; i < 20; i++) {
		for (uint64_t k = 0; k < sizes[i]; k++)
			if (p[i][k] != i) {
				unit_fail(__FILE__, __LINE__, "block %d byte %llu overwritten",
				    i, (unsigned long long)k);
				break;
			}
		CHECK(p[i] >= m + HDR && p[i] + sizes[i] <= m + 8192);
	}
	for (int i = 0; i < 20; i++)
		CHECK_EQ_U64(heap_free(&h, p[i]), HEAP_OK);
	free(m);
}

void
heap_coalesces_neighbours_so_a_large_block_fits_again(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 4096), *a, *b, *c, *d, *big;

	/* Four 1 KiB blocks fill the heap exactly. */
	a = heap_alloc(&h, 1024 - HDR);
	b = heap_alloc(&h, 1024 - HDR);
	c = heap_alloc(&h, 1024 - HDR);
	d = heap_alloc(&h, 1024 - HDR);
	CHECK(a && b && c && d);
	CHECK(heap_alloc(&h, 1) == NULL);
	/* Free two with a gap between: 2 KiB free, but no 2 KiB block. */
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, c), HEAP_OK);
	CHECK(heap_alloc(&h, 2000) == NULL);
	/* Freeing the middle merges it with both neighbours. */
	CHECK_EQ_U64(heap_free(&h, b), HEAP_OK);
	big = heap_alloc(&h, 3072 - HDR);
	CHECK(big == a);
	CHECK_EQ_U64(heap_free(&h, big), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, d), HEAP_OK);
	CHECK_EQ_U64(h.used, 0);
	big = heap_alloc(&h, 4096 - HDR);
	CHECK(big == m + HDR);
	CHECK_EQ_U64(heap_free(&h, big), HEAP_OK);
	free(m);
}

void
heap_double_free_is_reported_not_followed(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 4096), *a, *b, *c;

	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	CHECK_EQ_U64(heap_free(&h, b), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, b), HEAP_DOUBLE_FREE);
	/* a merges with b's free block: b's pointer is still known as freed. */
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_DOUBLE_FREE);
	CHECK_EQ_U64(heap_free(&h, b), HEAP_DOUBLE_FREE);
	CHECK_EQ_U64(heap_free(&h, c), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, c), HEAP_DOUBLE_FREE);
	CHECK_EQ_U64(h.used, 0);
	/* The heap is whole: one block takes everything. */
	CHECK(heap_alloc(&h, 4096 - HDR) == m + HDR);
	free(m);
}

void
heap_bad_pointers_are_reported_not_followed(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 4096), *a, local[64];
	uint64_t used;

	a = heap_alloc(&h, 256);
	used = h.used;
	CHECK_EQ_U64(heap_free(&h, NULL), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, local + 16), HEAP_BAD_POINTER);	/* the stack */
	CHECK_EQ_U64(heap_free(&h, a + 16), HEAP_BAD_POINTER);	/* inside a block */
	CHECK_EQ_U64(heap_free(&h, a + 1), HEAP_BAD_POINTER);		/* misaligned */
	CHECK_EQ_U64(heap_free(&h, m), HEAP_BAD_POINTER);		/* the header */
	CHECK_EQ_U64(heap_free(&h, m + 4096), HEAP_BAD_POINTER);	/* just past */
	CHECK_EQ_U64(heap_free(&h, m + 4096 - HDR), HEAP_BAD_POINTER);
	CHECK_EQ_U64(heap_free(&h, (void *)(uintptr_t)8), HEAP_BAD_POINTER);
	CHECK_EQ_U64(heap_free(&h, (void *)(uintptr_t)(UINT64_MAX & ~15ull)), HEAP_BAD_POINTER);
	CHECK_EQ_U64(heap_block_size(&h, a + 16), 0);
	CHECK_EQ_U64(heap_block_size(&h, NULL), 0);

	/* A header copied elsewhere does not pass: the magic names its address. */
	memcpy(a + 32, a - HDR, HDR);
	CHECK_EQ_U64(heap_free(&h, a + 48), HEAP_BAD_POINTER);
	/* A smashed header is refused rather than trusted. */
	uint8_t saved[HDR];
	memcpy(saved, a - HDR, HDR);
	memset(a - HDR, 0x41, HDR);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_BAD_POINTER);
	memcpy(a - HDR, saved, HDR);
	CHECK_EQ_U64(h.used, used);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	free(m);
}

void
heap_calloc_zeroes_and_rejects_overflow(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 4096), *p;

	p = heap_alloc(&h, 512);
	memset(p, 0xee, 512);
	heap_free(&h, p);
	p = heap_calloc(&h, 16, 32);
	CHECK(p != NULL);
	for (int i = 0; i < 512; i++)
		if (p[i] != 0) {
			unit_fail(__FILE__, __LINE__, "byte %d is 0x%x", i, p[i]);
			break;
		}
	CHECK(heap_calloc(&h, UINT64_MAX / 2 + 1, 2) == NULL);
	CHECK(heap_calloc(&h, 1ull << 32, 1ull << 32) == NULL);
	CHECK(heap_calloc(&h, 4096, 2) == NULL);	/* fits in 64 bits, not in the heap */
	p = heap_calloc(&h, 0, 8);
	CHECK(p != NULL);
	CHECK_EQ_U64(heap_free(&h, p), HEAP_OK);
	free(m);
}

void
heap_used_and_size_stay_accurate(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 4096), *a, *b;

	CHECK_EQ_U64(h.size, 4096);
	CHECK_EQ_U64(h.used, 0);
	a = heap_alloc(&h, 100);		/* 112 + header */
	CHECK_EQ_U64(h.used, 128);
	CHECK_EQ_U64(heap_block_size(&h, a), 112);
	b = heap_alloc(&h, 16);
	CHECK_EQ_U64(h.used, 128 + 32);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	CHECK_EQ_U64(h.used, 32);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_DOUBLE_FREE);
	CHECK_EQ_U64(h.used, 32);
	CHECK_EQ_U64(heap_free(&h, b), HEAP_OK);
	CHECK_EQ_U64(h.used, 0);
	CHECK_EQ_U64(h.size, 4096);
	free(m);
}

void
heap_splits_only_when_the_rest_can_hold_a_block(void)
{
	struct heap h;
	uint8_t *m, *a, *b;

	/* 128 bytes: a 64-byte request leaves 128-80 = 48, room for a block. */
	m = arena(&h, 128);
	a = heap_alloc(&h, 64);
	CHECK_EQ_U64(heap_block_size(&h, a), 64);
	b = heap_alloc(&h, 32);
	CHECK_EQ_U64(heap_block_size(&h, b), 32);
	CHECK(b == a + 64 + HDR);
	CHECK(heap_alloc(&h, 1) == NULL);
	heap_free(&h, a);
	heap_free(&h, b);

	/* A 96-byte request leaves 16: too small, so the block keeps it. */
	a = heap_alloc(&h, 96);
	CHECK_EQ_U64(heap_block_size(&h, a), 112);
	CHECK_EQ_U64(h.used, 128);
	CHECK(heap_alloc(&h, 1) == NULL);
	heap_free(&h, a);
	CHECK_EQ_U64(h.used, 0);
	free(m);
}

void
heap_alloc_zero_gives_a_freeable_block(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 256), *a, *b;

	a = heap_alloc(&h, 0);
	b = heap_alloc(&h, 0);
	CHECK(a != NULL && b != NULL && a != b);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, b), HEAP_OK);
	CHECK_EQ_U64(h.used, 0);
	free(m);
}

void
heap_huge_requests_fail_cleanly(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 1024);

	CHECK(heap_alloc(&h, UINT64_MAX) == NULL);
	CHECK(heap_alloc(&h, UINT64_MAX - 16) == NULL);
	CHECK(heap_alloc(&h, UINT64_MAX - 40) == NULL);
	CHECK(heap_alloc(&h, 1024) == NULL);
	CHECK(heap_alloc(&h, 1024 - HDR) != NULL);
	CHECK(heap_alloc(&h, 1) == NULL);
	heap_init(&h);
	CHECK(heap_alloc(&h, 1) == NULL);	/* no regions at all */
	free(m);
}

void
heap_add_rejects_tiny_overlapping_and_excess_regions(void)
{
	struct heap h;
	uint8_t *m = aligned_alloc(16, 128 * (HEAP_MAX_REGIONS + 1));

	heap_init(&h);
	CHECK_EQ_U64(heap_add(&h, m, 31), -1);
	CHECK_EQ_U64(heap_add(&h, m + 1, 32), -1);	/* aligned inward: 16 bytes */
	CHECK_EQ_U64(heap_add(&h, (void *)(uintptr_t)(UINT64_MAX - 100), 200), -1);
	CHECK_EQ_U64(h.region_count, 0);
	CHECK_EQ_U64(heap_add(&h, m + 1, 64), 0);	/* aligned inward: 48 bytes */
	CHECK_EQ_U64(h.size, 48);
	CHECK_EQ_U64(heap_add(&h, m + 32, 64), -1);	/* overlaps */
	/* 64-byte regions with 64-byte gaps: none touch, so each needs a slot. */
	for (int i = 1; i < HEAP_MAX_REGIONS; i++)
		CHECK_EQ_U64(heap_add(&h, m + 128 * i, 64), 0);
	CHECK_EQ_U64(h.region_count, HEAP_MAX_REGIONS);
	CHECK_EQ_U64(heap_add(&h, m + 128 * HEAP_MAX_REGIONS, 64), -1);
	free(m);
}

void
heap_contiguous_regions_merge_so_blocks_span_them(void)
{
	struct heap h;
	uint8_t *m = aligned_alloc(16, 3072), *p;

	/* Added out of order; the middle one joins the other two. */
	heap_init(&h);
	CHECK_EQ_U64(heap_add(&h, m, 1024), 0);
	CHECK_EQ_U64(heap_add(&h, m + 2048, 1024), 0);
	CHECK_EQ_U64(h.region_count, 2);
	CHECK_EQ_U64(heap_add(&h, m + 1024, 1024), 0);
	CHECK_EQ_U64(h.region_count, 1);
	CHECK_EQ_U64(h.size, 3072);
	p = heap_alloc(&h, 3072 - HDR);
	CHECK(p == m + HDR);
	CHECK_EQ_U64(heap_free(&h, p), HEAP_OK);
	free(m);
}

void
heap_random_alloc_free_keeps_every_block_intact(void)
{
	enum { LIVE = 48, SIZE = 32768 };
	struct heap h;
	uint8_t *m = arena(&h, SIZE), *p[LIVE] = { 0 };
	uint64_t len[LIVE] = { 0 };
	uint32_t seed = 99;
	int bad = 0;

	for (int step = 0; step < 6000 && bad < 3; step++) {
		seed = seed * 1103515245 + 12345;
		int k = (seed >> 8) % LIVE;
		if (p[k] != NULL) {
			for (uint64_t i = 0; i < len[k]; i++)
				if (p[k][i] != (uint8_t)(k * 7 + len[k])) {
					unit_fail(__FILE__, __LINE__, "block %d corrupted", k);
					bad++;
					break;
				}
			CHECK_EQ_U64(heap_free(&h, p[k]), HEAP_OK);
			p[k] = NULL;
		} else {
			len[k] = (seed >> 16) % 1500;
			p[k] = heap_alloc(&h, len[k]);
			if (p[k] != NULL)
				memset(p[k], (uint8_t)(k * 7 + len[k]), len[k]);
		}
	}
	for (int k = 0; k < LIVE; k++)
		CHECK_EQ_U64(heap_free(&h, p[k]), HEAP_OK);
	CHECK_EQ_U64(h.used, 0);
	CHECK(heap_alloc(&h, SIZE - HDR) == m + HDR);
	free(m);
}

/* An app's arena holds its heap's links: a list bent into a loop (or made
 * to point backwards) must end the walk, not spin inside calloc or free. */
void
heap_a_free_list_bent_into_a_loop_ends_the_walk(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 8192), *a, *b, *c, *d;

	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	d = heap_alloc(&h, 64);
	CHECK(a && b && c && d);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, c), HEAP_OK);
	/* a's link (its first payload bytes) now names itself. */
	memcpy(a, &(void *){ a - HDR }, sizeof(void *));
	CHECK(heap_alloc(&h, 4096) == NULL);		/* walked a, stopped: no loop */
	/* The same with a link that goes back from c to a. */
	heap_init(&h);
	CHECK_EQ_U64(heap_add(&h, m, 8192), 0);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	d = heap_alloc(&h, 64);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	CHECK_EQ_U64(heap_free(&h, c), HEAP_OK);
	memcpy(c, &(void *){ a - HDR }, sizeof(void *));
	CHECK_EQ_U64(heap_free(&h, d), HEAP_CORRUPT);	/* walks a, c, then stops at the bend */
	CHECK(h.corrupt);
	CHECK(heap_alloc(&h, 8192) == NULL);
	free(m);
}

/* What a hostile app would aim at: memory outside its arena (here a static
 * buffer standing for the kernel's), made to look like a free block. */
static _Alignas(16) uint8_t kernel_side[256];

/* The free magic, learnt from a real free block (it is the magic XOR the
 * block's address), so forged headers pass everything but the range check. */
static uint64_t
free_kind(const uint8_t *freed_payload)
{
	uint64_t m;

	memcpy(&m, freed_payload - HDR + 8, 8);
	return m ^ (uint64_t)(uintptr_t)(freed_payload - HDR);
}

/* Writes a block header at hdr: size, kind XOR its address, a link. */
static void
forge(uint8_t *hdr, uint64_t size, uint64_t kind, const void *next)
{
	uint64_t m = kind ^ (uint64_t)(uintptr_t)hdr;

	memcpy(hdr, &size, 8);
	memcpy(hdr + 8, &m, 8);
	memcpy(hdr + 16, &next, sizeof(next));
}

void
heap_free_link_forged_to_point_outside_is_never_followed(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 8192), *a, *b, *c, before[sizeof(kernel_side)];
	uint64_t kind;

	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	CHECK(a && b && c);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	kind = free_kind(a);
	/* A block outside the heap, perfect in every other way, and big
	 * enough to be chosen; a's link now leads to it. */
	forge(kernel_side, sizeof(kernel_side), kind, NULL);
	memcpy(before, kernel_side, sizeof(before));
	memcpy(a, &(void *){ kernel_side }, sizeof(void *));

	CHECK(heap_alloc(&h, 128) == NULL);		/* a is too small; the next is not followed */
	CHECK(h.corrupt);
	CHECK(memcmp(kernel_side, before, sizeof(before)) == 0);
	/* Damage is for good: nothing is handed out or taken back any more. */
	CHECK(heap_alloc(&h, 16) == NULL);
	CHECK_EQ_U64(heap_free(&h, b), HEAP_CORRUPT);
	CHECK_EQ_U64(heap_free(&h, NULL), HEAP_OK);
	CHECK_EQ_U64(heap_add(&h, m + 8192, 64), -1);
	CHECK(memcmp(kernel_side, before, sizeof(before)) == 0);

	/* The same link met by a free: its walk goes past a, to the forgery. */
	heap_init(&h);
	CHECK_EQ_U64(heap_add(&h, m, 8192), 0);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	memcpy(a, &(void *){ kernel_side }, sizeof(void *));
	CHECK_EQ_U64(heap_free(&h, c), HEAP_CORRUPT);
	CHECK(memcmp(kernel_side, before, sizeof(before)) == 0);
	/* c was not put on the list: still an allocated header. */
	CHECK_EQ_U64(h.used, 2 * (64 + HDR));
	free(m);
}

void
heap_forged_sizes_that_overflow_or_overlap_are_refused(void)
{
	struct heap h;
	uint8_t *m = arena(&h, 8192), *a, *b, *c, saved[16];
	uint64_t kind, huge;

	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	CHECK(a && b && c);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	kind = free_kind(a);

	/* A size that wraps the address space back to just past the block. */
	huge = (0 - (uint64_t)(uintptr_t)(a - HDR) + 64) & ~15ull;
	forge(a - HDR, huge, kind, NULL);
	CHECK(heap_alloc(&h, 32) == NULL);
	CHECK(h.corrupt);

	/* The largest aligned size there is. */
	heap_init(&h);
	CHECK_EQ_U64(heap_add(&h, m, 8192), 0);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	forge(a - HDR, UINT64_MAX & ~15ull, kind, NULL);
	CHECK(heap_alloc(&h, 32) == NULL);
	CHECK_EQ_U64(heap_free(&h, b), HEAP_CORRUPT);

	/* A free block grown over its allocated neighbour: inside the heap,
	 * but it would hand b's memory out twice. */
	heap_init(&h);
	CHECK_EQ_U64(heap_add(&h, m, 8192), 0);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	CHECK(c != NULL);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_OK);
	memcpy(saved, b - HDR, 16);
	forge(a - HDR, 8192, kind, NULL);	/* the whole heap, from a */
	CHECK(heap_alloc(&h, 4096) == NULL);
	CHECK(h.corrupt);
	CHECK(memcmp(b - HDR, saved, 16) == 0);	/* b's header untouched */

	/* An allocated header claiming more than is allocated. */
	heap_init(&h);
	CHECK_EQ_U64(heap_add(&h, m, 8192), 0);
	a = heap_alloc(&h, 64);
	memcpy(&kind, a - HDR + 8, 8);
	kind ^= (uint64_t)(uintptr_t)(a - HDR);		/* the used magic */
	forge(a - HDR, 4096, kind, NULL);
	CHECK_EQ_U64(heap_free(&h, a), HEAP_CORRUPT);
	CHECK_EQ_U64(h.used, 64 + HDR);
	free(m);
}

