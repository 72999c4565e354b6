/*
 * appmem: an app's arena grows in its home as calloc needs, never past the
 * quota, and refuses pointers it did not hand out.  The "home" here is a
 * block of host memory; mapping only checks and zeroes.
 */
#include <stdlib.h>

#include "appmem.h"
#include "unit.h"

#define HOME_BYTES	(4u << 20)

static uint8_t *home;
static uint64_t mapped_calls, unmapped_bytes;

static int fake_map(uint64_t va, uint64_t bytes)
{
	if (va < (uintptr_t)home || va + bytes > (uintptr_t)home + HOME_BYTES)
		return -1;
	memset((void *)(uintptr_t)va, 0, bytes);
	mapped_calls++;
	return 0;
}

static void fake_unmap(uint64_t va, uint64_t bytes)
{
	(void)va;
	unmapped_bytes += bytes;
}

static void fresh(struct appmem *m, uint64_t quota)
{
	if (!home)
		home = aligned_alloc(4096, HOME_BYTES);
	mapped_calls = unmapped_bytes = 0;
	appmem_init(m, (uintptr_t)home, quota, fake_map, fake_unmap);
}

void appmem_grows_the_arena_on_demand_and_stops_at_the_quota(void)
{
	struct appmem m;
	uint8_t *p[64];
	uint32_t n = 0, i;

	fresh(&m, 1 << 20);
	CHECK_EQ_U64(m.mapped, 0);
	while (n < 64 && (p[n] = appmem_calloc(&m, 1, 100 << 10)))
		n++;
	CHECK(n >= 9 && n <= 10);		/* ten 100 KiB blocks need a bit over 1 MiB */
	CHECK(m.mapped <= 1 << 20);
	CHECK(mapped_calls < 8);		/* geometric growth: few, larger chunks */
	for (i = 0; i < n; i++) {
		CHECK_EQ_U64((uintptr_t)p[i] % 16, 0);
		CHECK((uintptr_t)p[i] >= (uintptr_t)home && (uintptr_t)p[i] < (uintptr_t)home + (1 << 20));
	}
	CHECK(appmem_calloc(&m, 1ull << 33, 1ull << 33) == NULL);	/* overflows */
	for (i = 0; i < n; i++)
		CHECK(appmem_free(&m, p[i]) == NULL);
	CHECK(appmem_calloc(&m, 1, 500 << 10) != NULL);	/* the space came back */
	appmem_release(&m);
	CHECK(unmapped_bytes > 0 && unmapped_bytes <= 1 << 20);
	CHECK_EQ_U64(m.mapped, 0);
}

void appmem_refuses_foreign_and_double_frees_with_a_reason(void)
{
	struct appmem m;
	static uint8_t elsewhere[64];
	void *p;

	fresh(&m, 1 << 20);
	CHECK(appmem_free(&m, NULL) == NULL);
	p = appmem_calloc(&m, 3, 7);
	CHECK(p != NULL);
	CHECK_STR(appmem_free(&m, elsewhere + 16), "not a pointer calloc returned");
	CHECK_STR(appmem_free(&m, (uint8_t *)p + 8), "not a pointer calloc returned");
	CHECK(appmem_free(&m, p) == NULL);
	CHECK_STR(appmem_free(&m, p), "that block was already freed");
	appmem_release(&m);
	CHECK(unmapped_bytes > 0);
}

/* The kernel's memory, as a hostile app would aim at it. */
static _Alignas(16) uint8_t kernel_side[4096];

/* An app overwrites a free block's link in its arena so that it names a
 * perfect-looking free block in kernel memory: the calloc the kernel does
 * for it must neither write there nor hand it out, and both calloc and
 * free say the arena is damaged. */
void appmem_forged_free_list_never_reaches_kernel_memory(void)
{
	struct appmem m;
	uint8_t *a, *b, before[sizeof(kernel_side)];
	uint64_t kind, size = sizeof(kernel_side), magic, mapped;
	void *link = kernel_side;

	fresh(&m, 1 << 20);
	a = appmem_calloc(&m, 1, 64);
	b = appmem_calloc(&m, 1, 64);
	CHECK(a && b);
	CHECK(appmem_free(&m, a) == NULL);
	CHECK_EQ_U64(appmem_corrupt(&m), 0);
	/* The free magic is a's magic XOR a's header address. */
	memcpy(&kind, a - 16 + 8, 8);
	kind ^= (uintptr_t)(a - 16);
	magic = kind ^ (uintptr_t)kernel_side;
	memcpy(kernel_side, &size, 8);
	memcpy(kernel_side + 8, &magic, 8);
	memset(kernel_side + 16, 0, sizeof(kernel_side) - 16);
	memcpy(before, kernel_side, sizeof(before));
	memcpy(a, &link, sizeof(link));		/* what the app writes */

	mapped = m.mapped;
	CHECK(appmem_calloc(&m, 1, 2048) == NULL);
	CHECK(memcmp(kernel_side, before, sizeof(before)) == 0);
	CHECK_EQ_U64(appmem_corrupt(&m), 1);
	CHECK_EQ_U64(m.mapped, mapped);		/* a damaged arena is not grown */
	CHECK(appmem_calloc(&m, 1, 16) == NULL);
	CHECK_STR(appmem_free(&m, b), "its arena's bookkeeping was overwritten");
	CHECK(memcmp(kernel_side, before, sizeof(before)) == 0);
	appmem_release(&m);
	CHECK_EQ_U64(appmem_corrupt(&m), 0);	/* a new arena starts clean */
}

/* A free block's size forged so that its end wraps around the address
 * space: refused, not used to split the block or reach past the arena. */
void appmem_forged_size_that_overflows_is_refused(void)
{
	struct appmem m;
	uint8_t *a, *b;
	uint64_t size;

	fresh(&m, 1 << 20);
	a = appmem_calloc(&m, 1, 64);
	b = appmem_calloc(&m, 1, 64);
	CHECK(a && b);
	CHECK(appmem_free(&m, a) == NULL);
	size = (0 - (uint64_t)(uintptr_t)(a - 16) + 4096) & ~15ull;
	memcpy(a - 16, &size, 8);
	CHECK(appmem_calloc(&m, 1, 32) == NULL);
	CHECK_EQ_U64(appmem_corrupt(&m), 1);
	CHECK_STR(appmem_free(&m, b), "its arena's bookkeeping was overwritten");
	appmem_release(&m);
}
