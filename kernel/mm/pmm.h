/*
 * The physical page allocator: one bit per 4 KiB page over the span of RAM
 * the memory map describes.  Allocations are runs of contiguous pages (DMA
 * buffers and app homes need them).  Physical address 0 is never handed out,
 * so 0 means "no memory".
 *
 * Calling order: pmm_init() once with the map, which frees MEM_USABLE and
 * keeps the bitmap inside usable RAM; later pmm_release_type() frees the
 * regions of another type (boot-services memory once the kernel runs on its
 * own stack, GDT and page tables).
 */
#ifndef PMM_H
#define PMM_H

#include <stdint.h>
#include "boot.h"

/* Returns 0, or -1 if the map has no usable RAM big enough for the bitmap. */
int pmm_init(const struct mem_region *regions, uint32_t count);
/* Frees every page of every region of that type; returns pages freed. */
uint64_t pmm_release_type(const struct mem_region *regions, uint32_t count, uint32_t type);

/* `pages` contiguous pages, page aligned; 0 when no run is free. */
uint64_t pmm_alloc(uint64_t pages);
/* Freeing a page that is not allocated, or outside the map, is a broken
 * invariant and panics. */
void pmm_free(uint64_t addr, uint64_t pages);

uint64_t pmm_free_pages(void);
uint64_t pmm_managed_pages(void);	/* pages the allocator has ever been given */

#endif
