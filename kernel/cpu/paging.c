/*
 * Four-level x86-64 paging (Intel SDM vol. 3, 4.5).  Tables come from the
 * pmm and are reached through the identity map, so a table's physical
 * address is also its pointer.
 */
#include "cpu.h"
#include "lib.h"
#include "log.h"
#include "paging.h"
#include "pmm.h"

#define PG_ADDR_MASK	0x000ffffffffff000ull
/* Upper levels allow all, ring 3 included; the leaves decide (the
 * identity map's leaves are supervisor-only). */
#define PG_TABLE_FLAGS	(PG_PRESENT | PG_WRITE | PG_USER)
#define PG_2M		(2ull << 20)
#define PG_FLUSH_ONE_BY_ONE	64	/* pages changed: beyond this, flush the whole TLB */

#define IMAGE_SCN_MEM_EXECUTE	0x20000000u
#define IMAGE_SCN_MEM_WRITE	0x80000000u

static uint64_t *pg_pml4;
static uint64_t pg_nx_mask;	/* PG_NX if the CPU has NX, else 0 (the bit would be reserved) */
static int pg_active;

static uint64_t *pg_new_table(void)
{
	uint64_t p = pmm_alloc(1);

	if (!p)
		return NULL;
	memset((void *)(uintptr_t)p, 0, PAGE_SIZE);
	return (uint64_t *)(uintptr_t)p;
}

/* The table under entry e, splitting a 2 MiB page into 512 small ones with
 * the same flags so that part of it can change. */
static uint64_t *pg_child(uint64_t *e, int create)
{
	uint64_t *t;
	int i;

	if ((*e & PG_PRESENT) && !(*e & PG_LARGE))
		return (uint64_t *)(uintptr_t)(*e & PG_ADDR_MASK);
	if (!(*e & PG_PRESENT) && !create)
		return NULL;
	t = pg_new_table();
	if (!t)
		return NULL;
	if (*e & PG_PRESENT) {
		uint64_t base = *e & PG_ADDR_MASK & ~(PG_2M - 1);
		uint64_t flags = *e & ~PG_ADDR_MASK & ~PG_LARGE;

		for (i = 0; i < 512; i++)
			t[i] = (base + i * PAGE_SIZE) | flags;
	}
	*e = (uint64_t)(uintptr_t)t | PG_TABLE_FLAGS;
	return t;
}

static uint64_t *pg_pd(uint64_t va, int create)
{
	uint64_t *pdpt = pg_child(&pg_pml4[(va >> 39) & 511], create);

	return pdpt ? pg_child(&pdpt[(va >> 30) & 511], create) : NULL;
}

static int pg_empty(const uint64_t *t)
{
	uint32_t i;

	for (i = 0; i < 512; i++)
		if (t[i] & PG_PRESENT)
			return 0;
	return 1;
}

/* *e, an entry on the way to va, points at a table that holds nothing any
 * more: drop it.  The CPU's paging-structure caches forget it before the
 * page goes back, so nothing walks it once it is someone else's (INVLPG
 * empties those caches whatever address it names: Intel SDM vol. 3,
 * 4.10.4.1; the TLB held nothing under it any more). */
static void pg_drop(uint64_t *e, uint64_t va)
{
	uint64_t t = *e & PG_ADDR_MASK;

	*e = 0;
	if (pg_active)
		__asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
	pmm_free(t, 1);
}

/* After [start, end) was unmapped: the tables under it that are now empty
 * go back to the pmm, so an app's home costs nothing once it ended (the
 * identity map's tables always hold something and stay). */
static void pg_prune(uint64_t start, uint64_t end)
{
	uint64_t va;

	for (va = ALIGN_DOWN(start, PG_2M); va < end; va += PG_2M) {
		uint64_t *pml4e = &pg_pml4[(va >> 39) & 511], *pdpt, *pdpte, *pd, *pde;

		if (!(*pml4e & PG_PRESENT))
			continue;
		pdpt = (uint64_t *)(uintptr_t)(*pml4e & PG_ADDR_MASK);
		pdpte = &pdpt[(va >> 30) & 511];
		if (!(*pdpte & PG_PRESENT) || (*pdpte & PG_LARGE))
			continue;
		pd = (uint64_t *)(uintptr_t)(*pdpte & PG_ADDR_MASK);
		pde = &pd[(va >> 21) & 511];
		if ((*pde & PG_PRESENT) && !(*pde & PG_LARGE) &&
		    pg_empty((const uint64_t *)(uintptr_t)(*pde & PG_ADDR_MASK)))
			pg_drop(pde, va);
		/* At the last 2 MiB of a GiB, or of the range: the PD, then the PDPT. */
		if (((va >> 21) & 511) != 511 && va + PG_2M < end)
			continue;
		if (pg_empty(pd))
			pg_drop(pdpte, va);
		if (pg_empty(pdpt))
			pg_drop(pml4e, va);
	}
}

int paging_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t start = ALIGN_DOWN(va, PAGE_SIZE), end = ALIGN_UP(va + size, PAGE_SIZE);
	int was_present = 0;	/* the CPU caches present entries only: new ones need no flush */

	flags &= ~PG_NX | pg_nx_mask;
	va = ALIGN_DOWN(va, PAGE_SIZE);
	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	while (va < end) {
		uint64_t *pd = pg_pd(va, flags != 0), *pt;
		uint64_t *pde;

		if (!pd) {
			if (flags)
				return -1;
			va = ALIGN_DOWN(va, 1ull << 30) + (1ull << 30);	/* nothing mapped here */
			continue;
		}
		pde = &pd[(va >> 21) & 511];
		if (!(va & (PG_2M - 1)) && !(pa & (PG_2M - 1)) && end - va >= PG_2M && !(flags & PG_SMALL) &&
		    !((*pde & PG_PRESENT) && !(*pde & PG_LARGE))) {
			was_present |= *pde & PG_PRESENT;
			*pde = flags ? pa | flags | PG_LARGE : 0;
			va += PG_2M, pa += PG_2M;
			continue;
		}
		pt = pg_child(pde, flags != 0);
		if (!pt) {
			if (flags)
				return -1;
			va = ALIGN_DOWN(va, PG_2M) + PG_2M;
			continue;
		}
		was_present |= pt[(va >> 12) & 511] & PG_PRESENT;
		pt[(va >> 12) & 511] = flags ? pa | flags : 0;
		va += PAGE_SIZE, pa += PAGE_SIZE;
	}
	/* Entries the CPU may cache changed: a few pages are flushed one by
	 * one, more with the whole TLB.  (Under QEMU's TCG a whole flush also
	 * shrinks its TLB to what was used since the last one: loading 256
	 * apps flushed it 768 times and left calls 3x slower until the next.) */
	if (pg_active && was_present) {
		if (end - start <= PG_FLUSH_ONE_BY_ONE * PAGE_SIZE)
			for (va = start; va < end; va += PAGE_SIZE)
				__asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
		else
			write_cr3(read_cr3());
	}
	if (!flags)
		pg_prune(start, end);
	return 0;
}

uint64_t paging_translate(uint64_t va)
{
	uint64_t *pd, e;

	if (va >= (1ull << 47) || !(pd = pg_pd(va, 0)))
		return 0;
	e = pd[(va >> 21) & 511];
	if (!(e & PG_PRESENT))
		return 0;
	if (e & PG_LARGE)
		return (e & PG_ADDR_MASK & ~(PG_2M - 1)) + (va & (PG_2M - 1));
	e = ((uint64_t *)(uintptr_t)(e & PG_ADDR_MASK))[(va >> 12) & 511];
	return e & PG_PRESENT ? (e & PG_ADDR_MASK) + (va & (PAGE_SIZE - 1)) : 0;
}

int paging_mapped(uint64_t va)
{
	/* Physical page 0 is never mapped, so translate() == 0 means "not mapped". */
	return !pg_active || paging_translate(va) != 0;
}

uint64_t paging_set_key(uint64_t va, uint64_t size, uint32_t key)
{
	uint64_t off = 0, k = PG_KEY(key), *pd = NULL, pd_va = 1;

	/* Pages in this range are mapped as one run from va: stop at the first
	 * hole (a 2 MiB one or a 4 KiB one). */
	while (off < size) {
		uint64_t *pde, *pt, cur = va + off;
		uint32_t i;

		if (ALIGN_DOWN(cur, 1ull << 30) != pd_va) {
			pd_va = ALIGN_DOWN(cur, 1ull << 30);
			pd = pg_pd(cur, 0);
		}
		if (!pd)
			break;
		pde = &pd[(cur >> 21) & 511];
		if (!(*pde & PG_PRESENT))
			break;
		if (*pde & PG_LARGE) {
			*pde = (*pde & ~PG_KEY_MASK) | k;
			off = ALIGN_DOWN(cur, PG_2M) + PG_2M - va;
			continue;
		}
		pt = (uint64_t *)(uintptr_t)(*pde & PG_ADDR_MASK);
		for (i = (cur >> 12) & 511; i < 512 && off < size; i++, off += PAGE_SIZE) {
			if (!(pt[i] & PG_PRESENT))
				goto done;
			pt[i] = (pt[i] & ~PG_KEY_MASK) | k;
		}
	}
done:
	return MIN(off, size);
}

void paging_flush(void)
{
	if (pg_active)
		write_cr3(read_cr3());
}

void paging_take_dirty(uint64_t va, uint64_t size, void (*fn)(void *arg, uint64_t offset), void *arg)
{
	uint64_t off = 0;

	while (off < size) {
		uint64_t *pd = pg_pd(va + off, 0), e, *pt;
		uint32_t i;

		e = pd ? pd[((va + off) >> 21) & 511] : 0;
		if (!(e & PG_PRESENT) || (e & PG_LARGE)) {
			off = ALIGN_DOWN(va + off, PG_2M) + PG_2M - va;
			continue;
		}
		pt = (uint64_t *)(uintptr_t)(e & PG_ADDR_MASK);
		for (i = ((va + off) >> 12) & 511; i < 512 && off < size; i++, off += PAGE_SIZE) {
			if ((pt[i] & (PG_PRESENT | PG_DIRTY)) != (PG_PRESENT | PG_DIRTY))
				continue;
			pt[i] &= ~PG_DIRTY;
			/* The TLB may cache "dirty": drop the entry so the next
			 * write sets the bit again. */
			__asm__ volatile("invlpg (%0)" :: "r"(va + off) : "memory");
			fn(arg, off);
		}
	}
}

/* Per-section permissions for our own PE image, read from its headers. */
static int pg_protect_image(uint64_t base, uint64_t size)
{
	const uint8_t *img = (const uint8_t *)(uintptr_t)base;
	uint32_t pe = *(const uint32_t *)(img + 0x3c);
	uint16_t nsec = *(const uint16_t *)(img + pe + 6);
	uint16_t opt_size = *(const uint16_t *)(img + pe + 20);
	uint32_t hdr_size = *(const uint32_t *)(img + pe + 24 + 60);	/* SizeOfHeaders */
	const uint8_t *sec = img + pe + 24 + opt_size;
	int i;

	if (memcmp(img + pe, "PE\0\0", 4) != 0) {
		klog("paging: image headers not found, image stays writable\n");
		return 0;
	}
	if (paging_map(base, base, size, PG_RW | PG_NX) < 0 ||
	    paging_map(base, base, hdr_size, PG_RO | PG_NX) < 0)
		return -1;
	for (i = 0; i < nsec; i++, sec += 40) {
		uint32_t vsize = *(const uint32_t *)(sec + 8);
		uint32_t va = *(const uint32_t *)(sec + 12);
		uint32_t ch = *(const uint32_t *)(sec + 36);
		uint64_t flags = PG_PRESENT;

		if (ch & IMAGE_SCN_MEM_WRITE)
			flags |= PG_WRITE;
		if (!(ch & IMAGE_SCN_MEM_EXECUTE))
			flags |= PG_NX;
		if (paging_map(base + va, base + va, vsize, flags) < 0)
			return -1;
	}
	return 0;
}

/*
 * The framebuffer, write-combining (Intel SDM vol. 3, 11.12): the CPU
 * gathers the compositor's stores into whole bursts instead of one bus
 * write each (uncached, as the firmware's MTRRs usually leave video
 * memory) or read-for-ownership cache fills (write-back).  PAT entry 1
 * (PWT alone) becomes WC, Linux's layout; entry 3 (PCD and PWT, what
 * device registers use) stays UC and nothing else maps with PWT alone.
 */
#define MSR_PAT		0x277
#define PAT_VALUE	0x0007040600070106ull	/* WB WC UC- UC, WB WT UC- UC */

static void paging_fb_wc(const struct boot_fb *fb)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!fb->base || !fb->size || !(r[3] & (1u << 16))) {
		if (fb->base)
			klog("paging: no PAT on this CPU: the framebuffer stays as the firmware's MTRRs say\n");
		return;
	}
	wrmsr(MSR_PAT, PAT_VALUE);
	if (paging_map(fb->base, fb->base, fb->size, PG_RW | PG_NX | PG_WC) < 0)
		return;
	write_cr3(read_cr3());
	/* Lines the console wrote through the old write-back mapping. */
	__asm__ volatile("wbinvd" ::: "memory");
	klog("paging: framebuffer at 0x%llx (%llu KiB) write-combining (PAT)\n", fb->base, fb->size >> 10);
}

int paging_init(const struct boot_info *bi)
{
	uint64_t top = 4ull << 30;
	uint32_t r[4];
	uint32_t i;

	cpuid(0x80000001, 0, r);
	if (r[3] & (1u << 20)) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		pg_nx_mask = PG_NX;
	}
	for (i = 0; i < bi->region_count; i++)
		top = MAX(top, bi->regions[i].base + bi->regions[i].pages * PAGE_SIZE);
	top = MAX(top, bi->fb.base + bi->fb.size);
	top = ALIGN_UP(top, PG_2M);

	pg_pml4 = pg_new_table();
	if (!pg_pml4 || paging_map(0, 0, top, PG_RW | PG_NX) < 0 ||
	    pg_protect_image(bi->image_base, bi->image_size) < 0 ||
	    paging_map(0, 0, PAGE_SIZE, 0) < 0) {
		klog("paging: out of memory for page tables\n");
		return -1;
	}
	write_cr0(read_cr0() | CR0_WP);	/* read-only means read-only for ring 0 too */
	write_cr3((uint64_t)(uintptr_t)pg_pml4);
	pg_active = 1;
	klog("paging: identity map of %llu MiB, kernel code read-only, data no-execute%s\n",
	    top >> 20, pg_nx_mask ? "" : " (no NX on this CPU)");
	paging_fb_wc(&bi->fb);
	return 0;
}
