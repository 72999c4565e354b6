/*
 * The firmware's memory map (UEFI 2.10, 7.2.3 GetMemoryMap) as the kernel's
 * struct mem_region list.
 *
 * This runs after ExitBootServices, so it may not allocate, and it must not
 * trust the map's shape: descriptors are desc_size apart (larger than
 * sizeof(EFI_MEMORY_DESCRIPTOR) on real firmware, so that the struct can
 * grow), the map is not promised to be sorted, and a descriptor may be empty.
 */
#include <stdbool.h>
#include <efi.h>
#include "lib.h"
#include "efi_memmap.h"

static uint32_t
mem_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EfiConventionalMemory:	return MEM_USABLE;
	case EfiBootServicesCode:
	case EfiBootServicesData:	return MEM_BOOT_SERVICES;
	case EfiLoaderCode:
	case EfiLoaderData:		return MEM_LOADER;
	case EfiACPIReclaimMemory:	return MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:		return MEM_ACPI_NVS;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:	return MEM_RUNTIME;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace: return MEM_MMIO;
	case EfiUnusableMemory:		return MEM_BAD;
	/* Persistent memory, PAL code, types newer than us: leave alone. */
	default:			return MEM_RESERVED;
	}
}

/* Descriptor i as a region; false if it is empty or runs past 2^64. */
static bool
read_desc(const uint8_t *map, uint64_t desc_size, uint64_t i, struct mem_region *r)
{
	EFI_MEMORY_DESCRIPTOR d;

	/* The map is only 4-byte aligned on some firmware: copy, don't cast. */
	memcpy(&d, map + i * desc_size, sizeof(d));
	if (d.NumberOfPages == 0 || d.NumberOfPages > (UINT64_MAX - d.PhysicalStart) / 4096)
		return false;
	r->base = d.PhysicalStart;
	r->pages = d.NumberOfPages;
	r->type = mem_type(d.Type);
	r->pad = 0;
	return true;
}

/* The descriptor that sorts right after (base, idx) in (base, index) order,
 * or false if there is none.  The index breaks ties so that descriptors
 * with equal bases are each taken once. */
static bool
next_desc(const uint8_t *map, uint64_t n, uint64_t desc_size, bool first,
    uint64_t base, uint64_t idx, struct mem_region *out, uint64_t *out_idx)
{
	struct mem_region r;
	bool found = false;

	for (uint64_t i = 0; i < n; i++) {
		if (!read_desc(map, desc_size, i, &r))
			continue;
		if (!first && (r.base < base || (r.base == base && i <= idx)))
			continue;
		if (found && (r.base > out->base || (r.base == out->base && i > *out_idx)))
			continue;
		*out = r;
		*out_idx = i;
		found = true;
	}
	return found;
}

/* With nowhere to sort into, repeatedly pick the next-lowest descriptor:
 * quadratic, but a map has a few hundred entries and this runs once. */
uint32_t
efi_memmap_convert(const void *map, uint64_t map_size, uint64_t desc_size,
    struct mem_region *out, uint32_t max)
{
	struct mem_region r = { 0 };
	uint64_t n, idx = 0;
	uint32_t count = 0;
	bool first = true;

	if (map == NULL || out == NULL || max == 0 || desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
		return 0;
	n = map_size / desc_size;
	while (next_desc(map, n, desc_size, first, r.base, idx, &r, &idx)) {
		struct mem_region *last = count > 0 ? &out[count - 1] : NULL;

		first = false;
		if (last != NULL && last->type == r.type &&
		    last->base + last->pages * 4096 == r.base) {
			last->pages += r.pages;
			continue;
		}
		if (count == max)
			break;
		out[count++] = r;
	}
	return count;
}
