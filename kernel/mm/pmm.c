/*
 * The physical page allocator: one bit per 4 KiB page, 1 = in use.
 *
 * The bitmap covers the span from the lowest to the highest page of every
 * region that is RAM we may one day own (usable, boot services, loader), so
 * that pmm_release_type() can free boot-services memory later without
 * growing it.  Everything in the span starts in use; only what the map says
 * is usable gets freed.  Physical memory is identity mapped, so the bitmap
 * lives at the physical address we carve for it out of usable RAM.
 */
#include <stdint.h>
#include <stdbool.h>
#include "lib.h"
#include "panic.h"
#include "pmm.h"

#define BITS	64
#define PMM_LOW_MEM	0x100000ull

static struct {
	uint64_t *bitmap;	/* pmm_init: identity-mapped, inside usable RAM */
	uint64_t base;		/* pmm_init: physical address of bit 0 */
	uint64_t pages;		/* pmm_init: pages in the span, bits in use */
	uint64_t map_addr;	/* pmm_init: where the bitmap is, for pmm_free's checks */
	uint64_t map_pages;
	uint64_t free;		/* alloc/free/release: pages whose bit is 0 */
	uint64_t managed;	/* init/release: pages ever freed into the allocator */
	uint64_t hint;		/* alloc: where the next search starts */
} pmm;

static bool
is_ram(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_BOOT_SERVICES || type == MEM_LOADER;
}

/* A region's end, or false if base + pages overflows (a corrupt map). */
static bool
region_end(const struct mem_region *r, uint64_t *end)
{
	if (r->pages == 0 || r->pages > (UINT64_MAX - r->base) / PAGE_SIZE)
		return false;
	*end = r->base + r->pages * PAGE_SIZE;
	return true;
}

static bool
bit_get(uint64_t i)
{
	return (pmm.bitmap[i / BITS] >> (i % BITS)) & 1;
}

static void
bit_set(uint64_t i)
{
	pmm.bitmap[i / BITS] |= 1ull << (i % BITS);
}

static void
bit_clear(uint64_t i)
{
	pmm.bitmap[i / BITS] &= ~(1ull << (i % BITS));
}

/* Clips [start, end) to the span as page indices; false if nothing is left. */
static bool
clip(uint64_t start, uint64_t end, uint64_t *first, uint64_t *last)
{
	uint64_t span_end = pmm.base + pmm.pages * PAGE_SIZE;

	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (start < pmm.base)
		start = pmm.base;
	if (end > span_end)
		end = span_end;
	if (start >= end)
		return false;
	*first = (start - pmm.base) / PAGE_SIZE;
	*last = (end - pmm.base) / PAGE_SIZE;
	return true;
}

/* Frees the pages of [start, end) that are in use, except page 0 and the
 * bitmap's own pages; returns how many it freed.  Tolerates overlapping
 * map entries: a page already free is not counted twice. */
static uint64_t
free_range(uint64_t start, uint64_t end)
{
	uint64_t i, first, last, n = 0;

	if (!clip(start, end, &first, &last))
		return 0;
	for (i = first; i < last; i++) {
		uint64_t addr = pmm.base + i * PAGE_SIZE;
		if (addr == 0 || (addr >= pmm.map_addr &&
		    addr < pmm.map_addr + pmm.map_pages * PAGE_SIZE))
			continue;
		if (bit_get(i)) {
			bit_clear(i);
			n++;
		}
	}
	pmm.free += n;
	return n;
}

static void
use_range(uint64_t start, uint64_t end)
{
	uint64_t i, first, last;

	if (!clip(start, end, &first, &last))
		return;
	for (i = first; i < last; i++) {
		if (!bit_get(i)) {
			bit_set(i);
			pmm.free--;
		}
	}
}

/* Finds usable RAM for `pages` pages of bitmap, never at address 0, and
 * above 1 MiB if it can: the first MiB is all an AP's real-mode trampoline
 * can use, so the bitmap should not crowd it. */
static uint64_t
place_bitmap(const struct mem_region *regions, uint32_t count, uint64_t pages)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < count; i++) {
			const struct mem_region *r = &regions[i];
			uint64_t end, start;

			if (r->type != MEM_USABLE || !region_end(r, &end))
				continue;
			start = r->base == 0 ? PAGE_SIZE : r->base;
			if (pass == 0 && start < PMM_LOW_MEM)
				continue;
			if (start < end && (end - start) / PAGE_SIZE >= pages)
				return start;
		}
	}
	return 0;
}

int
pmm_init(const struct mem_region *regions, uint32_t count)
{
	uint64_t lo = UINT64_MAX, hi = 0, end, bytes;
	uint32_t i;

	memset(&pmm, 0, sizeof(pmm));
	for (i = 0; i < count; i++) {
		if (!is_ram(regions[i].type) || !region_end(&regions[i], &end))
			continue;
		lo = MIN(lo, regions[i].base);
		hi = MAX(hi, end);
	}
	if (lo >= hi)
		return -1;
	lo = ALIGN_DOWN(lo, PAGE_SIZE);
	hi = ALIGN_UP(hi, PAGE_SIZE);

	bytes = ALIGN_UP((hi - lo) / PAGE_SIZE, BITS) / 8;
	pmm.map_pages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
	pmm.map_addr = place_bitmap(regions, count, pmm.map_pages);
	if (pmm.map_addr == 0) {
		memset(&pmm, 0, sizeof(pmm));
		return -1;
	}
	pmm.bitmap = (uint64_t *)(uintptr_t)pmm.map_addr;
	pmm.base = lo;
	pmm.pages = (hi - lo) / PAGE_SIZE;
	memset(pmm.bitmap, 0xff, bytes);

	for (i = 0; i < count; i++)
		if (regions[i].type == MEM_USABLE && region_end(&regions[i], &end))
			free_range(regions[i].base, end);
	/* A map whose entries overlap must not let usable RAM override
	 * firmware or MMIO claims on the same pages. */
	for (i = 0; i < count; i++)
		if (!is_ram(regions[i].type) && region_end(&regions[i], &end))
			use_range(regions[i].base, end);
	pmm.managed = pmm.free;
	return 0;
}

uint64_t
pmm_release_type(const struct mem_region *regions, uint32_t count, uint32_t type)
{
	uint64_t end, n = 0;

	/* Any type may be released (ACPI reclaim once the tables are read),
	 * but only the part inside the span exists for us. */
	if (pmm.bitmap == NULL)
		return 0;
	for (uint32_t i = 0; i < count; i++)
		if (regions[i].type == type && region_end(&regions[i], &end))
			n += free_range(regions[i].base, end);
	pmm.managed += n;
	return n;
}

/* Index of the first free run of n pages starting in [from, to) and ending
 * by `limit`, or UINT64_MAX. */
static uint64_t
find_run(uint64_t from, uint64_t to, uint64_t limit, uint64_t n)
{
	uint64_t i = from, j;

	while (i < to && i + n <= limit) {
		/* A full word is 64 pages we need not look at one by one. */
		if (i % BITS == 0 && pmm.bitmap[i / BITS] == UINT64_MAX) {
			i += BITS;
			continue;
		}
		if (bit_get(i)) {
			i++;
			continue;
		}
		for (j = i; j < i + n; j++) {
			if (j % BITS == 0 && j + BITS <= i + n && pmm.bitmap[j / BITS] == 0) {
				j += BITS - 1;
				continue;
			}
			if (bit_get(j))
				break;
		}
		if (j == i + n)
			return i;
		i = j + 1;
	}
	return UINT64_MAX;
}

uint64_t
pmm_alloc(uint64_t pages)
{
	uint64_t i, k;

	if (pages == 0 || pages > pmm.free)
		return 0;
	/* First fit from where the last allocation ended, then wrap around. */
	i = find_run(pmm.hint, pmm.pages, pmm.pages, pages);
	if (i == UINT64_MAX)
		i = find_run(0, pmm.hint, pmm.pages, pages);
	if (i == UINT64_MAX)
		return 0;
	for (k = i; k < i + pages; k++)
		bit_set(k);
	pmm.free -= pages;
	pmm.hint = i + pages < pmm.pages ? i + pages : 0;
	return pmm.base + i * PAGE_SIZE;
}

void
pmm_free(uint64_t addr, uint64_t pages)
{
	uint64_t first, k;

	if (pages == 0)
		return;
	if (addr % PAGE_SIZE != 0 || addr < pmm.base ||
	    (addr - pmm.base) / PAGE_SIZE >= pmm.pages ||
	    pages > pmm.pages - (addr - pmm.base) / PAGE_SIZE)
		panic("pmm: free of %llu pages at 0x%llx outside [0x%llx, +%llu pages)",
		    (unsigned long long)pages, (unsigned long long)addr,
		    (unsigned long long)pmm.base, (unsigned long long)pmm.pages);
	if (addr == 0 || (addr < pmm.map_addr + pmm.map_pages * PAGE_SIZE &&
	    pmm.map_addr < addr + pages * PAGE_SIZE))
		panic("pmm: free of %llu pages at 0x%llx hits page 0 or the bitmap",
		    (unsigned long long)pages, (unsigned long long)addr);
	first = (addr - pmm.base) / PAGE_SIZE;
	/* Check the whole run before changing anything. */
	for (k = first; k < first + pages; k++)
		if (!bit_get(k))
			panic("pmm: free of free page 0x%llx (run of %llu at 0x%llx)",
			    (unsigned long long)(pmm.base + k * PAGE_SIZE),
			    (unsigned long long)pages, (unsigned long long)addr);
	for (k = first; k < first + pages; k++)
		bit_clear(k);
	pmm.free += pages;
}

uint64_t
pmm_free_pages(void)
{
	return pmm.free;
}

uint64_t
pmm_managed_pages(void)
{
	return pmm.managed;
}
