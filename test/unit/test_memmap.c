/* efi_memmap: firmware memory maps built by hand, with the firmware's
 * stride and junk in every byte the converter should not look at. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <efi.h>
#include "efi_memmap.h"
#include "unit.h"

#define PG	4096ull

struct d {
	uint32_t type;
	uint64_t base, pages;
};

/* Lays the descriptors out desc_size apart, padding filled with junk. */
static uint8_t *
make_map(const struct d *ds, size_t n, uint64_t desc_size, uint64_t *map_size)
{
	uint8_t *map = malloc(n * desc_size + 1);

	memset(map, 0xab, n * desc_size + 1);
	for (size_t i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR e;
		memset(&e, 0xcd, sizeof(e));
		e.Type = ds[i].type;
		e.PhysicalStart = ds[i].base;
		e.NumberOfPages = ds[i].pages;
		memcpy(map + i * desc_size, &e, sizeof(e));
	}
	*map_size = n * desc_size;
	return map;
}

static uint32_t
convert(const struct d *ds, size_t n, uint64_t desc_size, struct mem_region *out, uint32_t max)
{
	uint64_t size;
	uint8_t *map = make_map(ds, n, desc_size, &size);
	uint32_t r = efi_memmap_convert(map, size, desc_size, out, max);

	free(map);
	return r;
}

#define CHECK_REGION(r, b, p, t) do {					\
	CHECK_EQ_U64((r).base, (b));					\
	CHECK_EQ_U64((r).pages, (p));					\
	CHECK_EQ_U64((r).type, (t));					\
	CHECK_EQ_U64((r).pad, 0);					\
} while (0)

void
memmap_walks_by_descriptor_size_not_sizeof(void)
{
	static const struct d ds[] = {
		{ EfiConventionalMemory, 0x100000, 16 },
		{ EfiLoaderData, 0x200000, 4 },
		{ EfiACPIReclaimMemory, 0x300000, 2 },
	};
	static const uint64_t strides[] = { sizeof(EFI_MEMORY_DESCRIPTOR), 48, 64, 4096 };
	struct mem_region out[8];
	uint64_t size;

	for (size_t s = 0; s < sizeof(strides) / sizeof(strides[0]); s++) {
		memset(out, 0x77, sizeof(out));
		CHECK_EQ_U64(convert(ds, 3, strides[s], out, 8), 3);
		CHECK_REGION(out[0], 0x100000, 16, MEM_USABLE);
		CHECK_REGION(out[1], 0x200000, 4, MEM_LOADER);
		CHECK_REGION(out[2], 0x300000, 2, MEM_ACPI_RECLAIM);
	}
	/* A partial descriptor at the end is not read. */
	uint8_t *map = make_map(ds, 3, 48, &size);
	CHECK_EQ_U64(efi_memmap_convert(map, size - 1, 48, out, 8), 2);
	free(map);
}

void
memmap_maps_every_efi_type_to_a_kernel_type(void)
{
	static const struct { uint32_t efi, mem; } types[] = {
		{ EfiReservedMemoryType, MEM_RESERVED },
		{ EfiLoaderCode, MEM_LOADER },
		{ EfiLoaderData, MEM_LOADER },
		{ EfiBootServicesCode, MEM_BOOT_SERVICES },
		{ EfiBootServicesData, MEM_BOOT_SERVICES },
		{ EfiRuntimeServicesCode, MEM_RUNTIME },
		{ EfiRuntimeServicesData, MEM_RUNTIME },
		{ EfiConventionalMemory, MEM_USABLE },
		{ EfiUnusableMemory, MEM_BAD },
		{ EfiACPIReclaimMemory, MEM_ACPI_RECLAIM },
		{ EfiACPIMemoryNVS, MEM_ACPI_NVS },
		{ EfiMemoryMappedIO, MEM_MMIO },
		{ EfiMemoryMappedIOPortSpace, MEM_MMIO },
		{ EfiPalCode, MEM_RESERVED },
		{ 14, MEM_RESERVED },		/* EfiPersistentMemory */
		{ 15, MEM_RESERVED },		/* EfiUnacceptedMemoryType */
		{ 0x70000000, MEM_RESERVED },	/* OEM */
		{ 0x80000000, MEM_RESERVED },	/* OS loader */
		{ 0xffffffff, MEM_RESERVED },
	};
	enum { N = sizeof(types) / sizeof(types[0]) };
	struct d ds[N];
	struct mem_region out[N];

	/* Gaps between them, so nothing merges. */
	for (size_t i = 0; i < N; i++)
		ds[i] = (struct d){ types[i].efi, 0x10000 * (i + 1), 1 };
	CHECK_EQ_U64(convert(ds, N, 48, out, N), N);
	for (size_t i = 0; i < N; i++)
		if (out[i].type != types[i].mem)
			unit_fail(__FILE__, __LINE__, "EFI type 0x%x became %u, want %u",
			    types[i].efi, out[i].type, types[i].mem);
}

void
memmap_sorts_by_base_and_merges_adjacent_same_type(void)
{
	static const struct d ds[] = {
		{ EfiConventionalMemory, 0x100000, 1 },
		{ EfiBootServicesData, 0x7000, 3 },
		{ EfiConventionalMemory, 0x3000, 2 },
		{ EfiBootServicesCode, 0x5000, 2 },	/* same kernel type as 0x7000 */
		{ EfiConventionalMemory, 0x1000, 2 },
		{ EfiConventionalMemory, 0x0, 1 },
		{ EfiConventionalMemory, 0x102000, 1 },	/* a gap: not merged */
		{ EfiACPIMemoryNVS, 0xa000, 1 },	/* adjacent, other type */
	};
	struct mem_region out[8];

	CHECK_EQ_U64(convert(ds, 8, 48, out, 8), 5);
	CHECK_REGION(out[0], 0x0, 5, MEM_USABLE);
	CHECK_REGION(out[1], 0x5000, 5, MEM_BOOT_SERVICES);
	CHECK_REGION(out[2], 0xa000, 1, MEM_ACPI_NVS);
	CHECK_REGION(out[3], 0x100000, 1, MEM_USABLE);
	CHECK_REGION(out[4], 0x102000, 1, MEM_USABLE);
}

void
memmap_skips_empty_and_overflowing_descriptors(void)
{
	static const struct d ds[] = {
		{ EfiConventionalMemory, 0x2000, 0 },
		{ EfiConventionalMemory, 0x1000, 1 },
		{ EfiConventionalMemory, 0x3000, 1 },	/* not adjacent: 0x2000 was empty */
		{ EfiConventionalMemory, UINT64_MAX - PG + 1, 2 },
		{ EfiConventionalMemory, 0x10000, UINT64_MAX / 2 },
		{ EfiConventionalMemory, 0x1000, 1 },	/* a duplicate: kept, not lost */
	};
	struct mem_region out[8];

	CHECK_EQ_U64(convert(ds, 6, 48, out, 8), 3);
	CHECK_REGION(out[0], 0x1000, 1, MEM_USABLE);
	CHECK_REGION(out[1], 0x1000, 1, MEM_USABLE);
	CHECK_REGION(out[2], 0x3000, 1, MEM_USABLE);
}

void
memmap_too_small_descriptor_size_returns_nothing(void)
{
	static const struct d ds[] = { { EfiConventionalMemory, 0x1000, 1 } };
	struct mem_region out[2];
	uint64_t size;
	uint8_t *map = make_map(ds, 1, 48, &size);

	CHECK_EQ_U64(efi_memmap_convert(map, size, sizeof(EFI_MEMORY_DESCRIPTOR) - 1, out, 2), 0);
	CHECK_EQ_U64(efi_memmap_convert(map, size, 8, out, 2), 0);
	CHECK_EQ_U64(efi_memmap_convert(map, size, 0, out, 2), 0);
	CHECK_EQ_U64(efi_memmap_convert(NULL, size, 48, out, 2), 0);
	CHECK_EQ_U64(efi_memmap_convert(map, size, 48, out, 0), 0);
	CHECK_EQ_U64(efi_memmap_convert(map, 47, 48, out, 2), 0);
	CHECK_EQ_U64(efi_memmap_convert(map, size, 48, out, 2), 1);
	free(map);
}

void
memmap_drops_only_the_highest_regions_when_full(void)
{
	static const struct d ds[] = {
		{ EfiConventionalMemory, 0x90000, 1 },
		{ EfiConventionalMemory, 0x10000, 1 },
		{ EfiLoaderData, 0x70000, 1 },
		{ EfiConventionalMemory, 0x30000, 1 },
		{ EfiConventionalMemory, 0x50000, 1 },
		{ EfiConventionalMemory, 0x11000, 1 },	/* merges with 0x10000 */
	};
	struct mem_region out[4];

	memset(out, 0x77, sizeof(out));
	CHECK_EQ_U64(convert(ds, 6, 48, out, 3), 3);
	CHECK_REGION(out[0], 0x10000, 2, MEM_USABLE);
	CHECK_REGION(out[1], 0x30000, 1, MEM_USABLE);
	CHECK_REGION(out[2], 0x50000, 1, MEM_USABLE);
	CHECK_EQ_U64(out[3].base, 0x7777777777777777ull);	/* nothing past max */
}
