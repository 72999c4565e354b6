/*
 * Converting the firmware's memory map into the kernel's struct mem_region.
 * Kept apart from efi_main.c and free of side effects so that it runs after
 * ExitBootServices (when nothing may allocate) and in the host unit tests.
 */
#ifndef EFI_MEMMAP_H
#define EFI_MEMMAP_H

#include <stdint.h>
#include "boot.h"

/* map holds map_size bytes of EFI_MEMORY_DESCRIPTORs, desc_size apart (the
 * firmware's stride, not sizeof).  Writes at most max regions to out, sorted
 * by base, with adjacent regions of the same type merged, and returns how
 * many it wrote.  Descriptors that do not fit are dropped from the end of the
 * sorted order, which loses only the highest memory. */
uint32_t efi_memmap_convert(const void *map, uint64_t map_size, uint64_t desc_size,
    struct mem_region *out, uint32_t max);

#endif
