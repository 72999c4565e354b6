/*
 * The kernel's page tables.  Physical memory is identity-mapped (virtual ==
 * physical) with 2 MiB pages; the kernel image is mapped with 4 KiB pages so
 * that its code is read-only and everything else is non-executable; page 0
 * is left unmapped so that a NULL dereference faults.
 */
#ifndef PAGING_H
#define PAGING_H

#include <stdint.h>
#include "boot.h"

#define PG_PRESENT	(1ull << 0)
#define PG_WRITE	(1ull << 1)
#define PG_USER		(1ull << 2)		/* ring 3 may use it (an app's home) */
#define PG_WC		(1ull << 3)		/* PWT alone: PAT entry 1, write-combining (paging_init sets it) */
#define PG_NOCACHE	(1ull << 4)
#define PG_DIRTY	(1ull << 6)		/* set by the CPU on a write */
#define PG_LARGE	(1ull << 7)
#define PG_SMALL	(1ull << 9)		/* ours (the CPU ignores bit 9): map with 4 KiB pages only */
#define PG_NX		(1ull << 63)
#define PG_KEY_SHIFT	59			/* bits 62:59: the protection key of a user page */
#define PG_KEY_MASK	(15ull << PG_KEY_SHIFT)
#define PG_KEY(k)	((uint64_t)(k) << PG_KEY_SHIFT)

#define PG_RO		(PG_PRESENT)			/* read-only data */
#define PG_RW		(PG_PRESENT | PG_WRITE)		/* data */

/* Builds the tables from the memory map and switches to them.  Returns 0, or
 * -1 if there was no memory for the tables (the firmware's stay active). */
int paging_init(const struct boot_info *bi);

/* Maps [va, va+size) to [pa, ...) with flags (PG_* ; PG_NX is applied only
 * where the CPU has it), or unmaps it if flags is 0.  Page granular.  Returns
 * -1 when out of memory for tables. */
int paging_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
int paging_mapped(uint64_t va);		/* 1 if a read of va would not fault */
uint64_t paging_translate(uint64_t va);	/* physical address, 0 if not mapped */

/* Gives the run of mapped pages that starts at va (at most size bytes,
 * up to the first hole) the protection key `key` (the CPU checks it on
 * user pages only).  Returns the bytes retagged.  The TLB still holds the
 * old keys: the caller flushes (paging_flush), once for all it retagged
 * (under TCG an invlpg often costs a whole flush anyway). */
uint64_t paging_set_key(uint64_t va, uint64_t size, uint32_t key);
void paging_flush(void);	/* the whole TLB, but global pages */

/* For every 4 KiB page of [va, va+size) that was written since the last
 * call (its dirty bit is set), clears the bit and calls fn with the page's
 * offset from va.  This is how the compositor learns what a v1 app drew
 * without the app saying so.  The range must be mapped with PG_SMALL. */
void paging_take_dirty(uint64_t va, uint64_t size, void (*fn)(void *arg, uint64_t offset), void *arg);

#endif
