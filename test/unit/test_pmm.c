/*
 * pmm: the "physical memory" is an aligned_alloc'd buffer, so the bitmap the
 * allocator writes lands in real memory.  Only the bitmap is ever written:
 * regions that are never handed to the bitmap may lie anywhere.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "pmm.h"
#include "unit.h"

#define PG	4096ull

static struct mem_region
region(uint64_t base, uint64_t pages, uint32_t type)
{
	return (struct mem_region){ base, pages, type, 0 };
}

static uint64_t
mem_alloc(uint64_t pages)
{
	void *p = aligned_alloc(PG, pages * PG);

	CHECK(p != NULL);
	return (uint64_t)(uintptr_t)p;
}

static void
mem_free(uint64_t base)
{
	free((void *)(uintptr_t)base);
}

void
pmm_frees_only_usable_ram_and_keeps_its_bitmap_out(void)
{
	uint64_t b = mem_alloc(100), a;
	struct mem_region map[] = {
		region(b, 16, MEM_USABLE),
		region(b + 16 * PG, 8, MEM_BOOT_SERVICES),
		region(b + 24 * PG, 4, MEM_LOADER),
		region(b + 28 * PG, 4, MEM_RESERVED),
		region(b + 32 * PG, 64, MEM_USABLE),
		region(b + 96 * PG, 2, MEM_ACPI_RECLAIM),
	};
	bool seen[100] = { 0 };

	CHECK_EQ_U64(pmm_init(map, 6), 0);
	/* 80 usable pages, less one for the bitmap (96 bits fit in a page). */
	CHECK_EQ_U64(pmm_managed_pages(), 79);
	CHECK_EQ_U64(pmm_free_pages(), 79);
	for (int i = 0; i < 79; i++) {
		a = pmm_alloc(1);
		uint64_t pg = (a - b) / PG;
		CHECK(a % PG == 0);
		CHECK(a >= b + PG);	/* page b holds the bitmap */
		CHECK((pg >= 1 && pg < 16) || (pg >= 32 && pg < 96));
		if (pg < 100) {
			CHECK(!seen[pg]);
			seen[pg] = true;
		}
	}
	CHECK_EQ_U64(pmm_alloc(1), 0);
	CHECK_EQ_U64(pmm_free_pages(), 0);
	for (uint64_t pg = 0; pg < 100; pg++)
		if (seen[pg])
			pmm_free(b + pg * PG, 1);
	CHECK_EQ_U64(pmm_free_pages(), 79);
	CHECK_EQ_U64(pmm_managed_pages(), 79);
	mem_free(b);
}

/* Real memory at a low physical address, for tests whose span must start
 * at 0: [LOW, LOW_END), the first MiB boundary inside it. */
#define LOW	0x80000ull
#define MIB	0x100000ull
#define LOW_END	(MIB + 16 * PG)

static bool
map_low(void)
{
	void *m = mmap((void *)LOW, LOW_END - LOW, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (m == (void *)LOW)
		return true;
	if (m != MAP_FAILED)
		munmap(m, LOW_END - LOW);
	unit_fail(__FILE__, __LINE__, "cannot map test memory at 0x%llx",
	    (unsigned long long)LOW);
	return false;
}

void
pmm_never_hands_out_page_zero(void)
{
	/* Page 0 is only described, never touched: one page is too small
	 * to hold the bitmap past it. */
	struct mem_region map[] = {
		region(0, 1, MEM_USABLE),
		region(PG, 1, MEM_BOOT_SERVICES),
		region(MIB, 16, MEM_USABLE),
	};
	uint64_t a;

	if (!map_low())
		return;
	CHECK_EQ_U64(pmm_init(map, 3), 0);
	CHECK_EQ_U64(pmm_free_pages(), 15);	/* not page 0, not the bitmap */
	CHECK_EQ_U64(pmm_release_type(map, 3, MEM_BOOT_SERVICES), 1);
	while ((a = pmm_alloc(1)) != 0)
		CHECK(a == PG || (a > MIB && a < LOW_END));
	CHECK_EQ_U64(pmm_free_pages(), 0);
	CHECK_PANICS(pmm_free(0, 1), "page 0");
	munmap((void *)LOW, LOW_END - LOW);
}

void
pmm_keeps_its_bitmap_out_of_the_first_mib(void)
{
	/* Low RAM is first in the map and big enough, but an AP trampoline
	 * will need it: the bitmap goes to 1 MiB. */
	struct mem_region map[] = {
		region(LOW, 16, MEM_USABLE),
		region(MIB, 16, MEM_USABLE),
	};
	struct mem_region low_only[] = { region(LOW, 16, MEM_USABLE) };

	if (!map_low())
		return;
	CHECK_EQ_U64(pmm_init(map, 2), 0);
	CHECK_EQ_U64(pmm_free_pages(), 31);
	CHECK_PANICS(pmm_free(MIB, 1), "bitmap");
	CHECK_EQ_U64(pmm_alloc(1), LOW);
	/* With nothing else, low memory will do. */
	CHECK_EQ_U64(pmm_init(low_only, 1), 0);
	CHECK_PANICS(pmm_free(LOW, 1), "bitmap");
	munmap((void *)LOW, LOW_END - LOW);
}

void
pmm_allocates_contiguous_runs_across_bitmap_words(void)
{
	uint64_t b = mem_alloc(300), pg;
	struct mem_region map[] = { region(b, 300, MEM_USABLE) };

	CHECK_EQ_U64(pmm_init(map, 1), 0);
	/* Take every page, then free holes of known shapes: bit i is page i. */
	for (pg = 1; pg < 300; pg++)
		CHECK_EQ_U64(pmm_alloc(1), b + pg * PG);
	for (pg = 10; pg < 21; pg++)		/* 11 pages inside word 0 */
		pmm_free(b + pg * PG, 1);
	pmm_free(b + 50 * PG, 70);		/* 70 pages across words 0-1 */
	pmm_free(b + 128 * PG, 64);		/* word 2, exactly */
	pmm_free(b + 193 * PG, 63);		/* word 3 but its first page */
	CHECK_EQ_U64(pmm_alloc(72), 0);		/* 128..199 would cross page 192 */
	pmm_free(b + 192 * PG, 1);		/* now words 2 and 3 are free */
	pmm_free(b + 290 * PG, 10);		/* the span's last pages */

	CHECK_EQ_U64(pmm_alloc(129), 0);
	CHECK_EQ_U64(pmm_alloc(128), b + 128 * PG);
	CHECK_EQ_U64(pmm_alloc(71), 0);
	CHECK_EQ_U64(pmm_alloc(70), b + 50 * PG);
	/* First fit from where the last one ended, then wrap around. */
	CHECK_EQ_U64(pmm_alloc(10), b + 290 * PG);
	CHECK_EQ_U64(pmm_alloc(11), b + 10 * PG);
	CHECK_EQ_U64(pmm_free_pages(), 0);
	mem_free(b);
}

/* The longest free run in the model. */
static uint64_t
model_longest(const bool *used, uint64_t n)
{
	uint64_t best = 0, run = 0;

	for (uint64_t i = 0; i < n; i++) {
		run = used[i] ? 0 : run + 1;
		if (run > best)
			best = run;
	}
	return best;
}

void
pmm_random_alloc_free_agrees_with_a_simple_model(void)
{
	enum { PAGES = 500, LIVE = 64 };
	uint64_t b = mem_alloc(PAGES), live[LIVE][2], nlive = 0, free_model = PAGES - 1;
	struct mem_region map[] = { region(b, PAGES, MEM_USABLE) };
	bool used[PAGES] = { true };	/* page 0 of the span: the bitmap */
	uint32_t seed = 7;
	int bad = 0;

	CHECK_EQ_U64(pmm_init(map, 1), 0);
	for (int step = 0; step < 4000 && bad < 5; step++) {
		seed = seed * 1103515245 + 12345;
		uint64_t r = seed >> 8;
		if (nlive < LIVE && (r & 3) != 0) {
			uint64_t n = r % 8 == 0 ? 1 + (r >> 4) % 130 : 1 + (r >> 4) % 9;
			uint64_t a = pmm_alloc(n), pg = (a - b) / PG;
			if (a == 0) {
				bad += model_longest(used, PAGES) >= n;
				CHECK(model_longest(used, PAGES) < n);
				continue;
			}
			CHECK(a % PG == 0 && a >= b && pg + n <= PAGES);
			for (uint64_t i = pg; i < pg + n && pg + n <= PAGES; i++) {
				bad += used[i];
				CHECK(!used[i]);
				used[i] = true;
			}
			live[nlive][0] = a;
			live[nlive++][1] = n;
			free_model -= n;
		} else if (nlive > 0) {
			uint64_t k = (r >> 4) % nlive, pg = (live[k][0] - b) / PG;
			pmm_free(live[k][0], live[k][1]);
			for (uint64_t i = pg; i < pg + live[k][1]; i++)
				used[i] = false;
			free_model += live[k][1];
			live[k][0] = live[--nlive][0];
			live[k][1] = live[nlive][1];
		}
		CHECK_EQ_U64(pmm_free_pages(), free_model);
	}
	mem_free(b);
}

void
pmm_release_type_frees_boot_services_memory(void)
{
	uint64_t b = mem_alloc(40), a;
	struct mem_region map[] = {
		region(b, 8, MEM_USABLE),
		region(b + 8 * PG, 16, MEM_BOOT_SERVICES),
		region(b + 24 * PG, 4, MEM_LOADER),
		region(b + 28 * PG, 4, MEM_BOOT_SERVICES),
		region(b + 32 * PG, 8, MEM_USABLE),
		region(b + 40 * PG, 8, MEM_ACPI_RECLAIM),	/* outside the span */
	};

	CHECK_EQ_U64(pmm_init(map, 6), 0);
	CHECK_EQ_U64(pmm_managed_pages(), 15);
	CHECK_EQ_U64(pmm_alloc(9), 0);		/* runs of 7 and 8 only */
	CHECK_EQ_U64(pmm_release_type(map, 6, MEM_BOOT_SERVICES), 20);
	CHECK_EQ_U64(pmm_free_pages(), 35);
	CHECK_EQ_U64(pmm_managed_pages(), 35);
	CHECK_EQ_U64(pmm_release_type(map, 6, MEM_BOOT_SERVICES), 0);
	CHECK_EQ_U64(pmm_release_type(map, 6, MEM_ACPI_RECLAIM), 0);
	/* Usable and boot-services pages now form one run of 23. */
	CHECK_EQ_U64(pmm_alloc(23), b + PG);
	while ((a = pmm_alloc(1)) != 0)
		CHECK(a < b + 24 * PG || a >= b + 28 * PG);	/* never the loader's */
	mem_free(b);
}

void
pmm_double_free_panics(void)
{
	uint64_t b = mem_alloc(16), a, before;
	struct mem_region map[] = { region(b, 16, MEM_USABLE) };

	CHECK_EQ_U64(pmm_init(map, 1), 0);
	a = pmm_alloc(2);
	pmm_free(a, 2);
	CHECK_PANICS(pmm_free(a, 2), "pmm: ");
	CHECK_PANICS(pmm_free(a + PG, 1), "free page");
	CHECK_PANICS(pmm_free(b + 10 * PG, 1), "free page");	/* never allocated */

	/* Half free: refused as a whole, nothing changes. */
	a = pmm_alloc(2);
	pmm_free(a, 1);
	before = pmm_free_pages();
	CHECK_PANICS(pmm_free(a, 2), "pmm: ");
	CHECK_EQ_U64(pmm_free_pages(), before);
	pmm_free(a + PG, 1);
	CHECK_EQ_U64(pmm_free_pages(), before + 1);
	mem_free(b);
}

void
pmm_free_outside_the_map_panics(void)
{
	uint64_t b = mem_alloc(16), a;
	struct mem_region map[] = { region(b, 16, MEM_USABLE) };

	CHECK_EQ_U64(pmm_init(map, 1), 0);
	a = pmm_alloc(1);
	CHECK_PANICS(pmm_free(b - PG, 1), "outside");
	CHECK_PANICS(pmm_free(b + 16 * PG, 1), "outside");
	CHECK_PANICS(pmm_free(a, 16), "outside");
	CHECK_PANICS(pmm_free(a, UINT64_MAX), "outside");
	CHECK_PANICS(pmm_free(a + 8, 1), "outside");	/* not page aligned */
	CHECK_PANICS(pmm_free(b, 1), "bitmap");
	pmm_free(a, 1);
	CHECK_EQ_U64(pmm_free_pages(), 15);
	mem_free(b);
}

void
pmm_init_fails_without_room_for_the_bitmap(void)
{
	uint64_t b = mem_alloc(1);
	/* A 1 GiB span needs 8 bitmap pages; the only usable RAM is one. */
	struct mem_region map[] = {
		region(b, 1, MEM_USABLE),
		region(b + (1ull << 30), 1, MEM_LOADER),
	};
	struct mem_region junk[] = {
		region(b, 0, MEM_USABLE),
		region(UINT64_MAX - PG + 1, 2, MEM_USABLE),	/* wraps past 2^64 */
		region(b, 4, MEM_RESERVED),
	};

	CHECK_EQ_U64(pmm_init(map, 2), -1);
	CHECK_EQ_U64(pmm_alloc(1), 0);
	CHECK_EQ_U64(pmm_free_pages(), 0);
	CHECK_EQ_U64(pmm_init(map, 0), -1);
	CHECK_EQ_U64(pmm_init(junk, 3), -1);
	CHECK_PANICS(pmm_free(b, 1), "pmm: ");
	mem_free(b);
}

void
pmm_second_init_fully_resets(void)
{
	uint64_t b1 = mem_alloc(32), b2 = mem_alloc(8), a;
	struct mem_region map1[] = { region(b1, 32, MEM_USABLE) };
	struct mem_region map2[] = { region(b2, 8, MEM_USABLE) };

	CHECK_EQ_U64(pmm_init(map1, 1), 0);
	CHECK(pmm_alloc(5) != 0);
	CHECK_EQ_U64(pmm_init(map2, 1), 0);
	CHECK_EQ_U64(pmm_free_pages(), 7);
	CHECK_EQ_U64(pmm_managed_pages(), 7);
	while ((a = pmm_alloc(1)) != 0)
		CHECK(a > b2 && a < b2 + 8 * PG);
	CHECK_PANICS(pmm_free(b1 + 4 * PG, 1), "outside");
	mem_free(b1);
	mem_free(b2);
}

void
pmm_alloc_of_zero_or_too_many_pages_returns_zero(void)
{
	uint64_t b = mem_alloc(16);
	struct mem_region map[] = { region(b, 16, MEM_USABLE) };

	CHECK_EQ_U64(pmm_init(map, 1), 0);
	CHECK_EQ_U64(pmm_alloc(0), 0);
	CHECK_EQ_U64(pmm_alloc(16), 0);
	CHECK_EQ_U64(pmm_alloc(UINT64_MAX), 0);
	CHECK_EQ_U64(pmm_alloc(15), b + PG);
	CHECK_EQ_U64(pmm_alloc(1), 0);
	pmm_free(b + PG, 15);
	pmm_free(b, 0);		/* zero pages: nothing to do, even at the bitmap */
	CHECK_EQ_U64(pmm_free_pages(), 15);
	mem_free(b);
}
