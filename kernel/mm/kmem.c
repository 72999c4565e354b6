#include "heap.h"
#include "kmem.h"
#include "lib.h"
#include "panic.h"
#include "pmm.h"

#define KMEM_GROW_MIN	(1ull << 20)	/* take at least 1 MiB at a time from the pmm */

static struct heap kmem_heap;
static int kmem_ready;

static int kmem_grow(uint64_t want)
{
	uint64_t bytes = ALIGN_UP(MAX(want + 256, KMEM_GROW_MIN), PAGE_SIZE);
	uint64_t phys = pmm_alloc(bytes / PAGE_SIZE);

	if (!phys)
		return -1;
	if (heap_add(&kmem_heap, (void *)(uintptr_t)phys, bytes) < 0) {
		pmm_free(phys, bytes / PAGE_SIZE);
		return -1;
	}
	return 0;
}

void *kmalloc(uint64_t size)
{
	void *p;

	if (!kmem_ready) {
		heap_init(&kmem_heap);
		kmem_ready = 1;
	}
	p = heap_alloc(&kmem_heap, size);
	if (!p && kmem_grow(size) == 0)
		p = heap_alloc(&kmem_heap, size);
	/* Only the kernel writes this heap: damage is a kernel bug. */
	if (!p && kmem_heap.corrupt)
		panic("kmem: kmalloc(%llu): the kernel heap's headers are damaged", (unsigned long long)size);
	return p;
}

void *kcalloc(uint64_t count, uint64_t size)
{
	void *p;

	if (size && count > UINT64_MAX / size)
		return NULL;
	p = kmalloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void kfree(void *p)
{
	int err = heap_free(&kmem_heap, p);

	if (err != HEAP_OK)
		panic("kmem: kfree(%p): %s", p,
		    err == HEAP_DOUBLE_FREE ? "double free" :
		    err == HEAP_CORRUPT ? "the kernel heap's headers are damaged" : "not a heap pointer");
}

uint64_t kmem_used(void) { return kmem_heap.used; }
uint64_t kmem_size(void) { return kmem_heap.size; }
