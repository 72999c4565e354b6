#include "appmem.h"
#include "lib.h"

void appmem_init(struct appmem *m, uint64_t base, uint64_t quota,
    int (*map)(uint64_t va, uint64_t bytes), void (*unmap)(uint64_t va, uint64_t bytes))
{
	heap_init(&m->heap);
	m->base = base;
	m->mapped = 0;
	m->quota = quota;
	m->map = map;
	m->unmap = unmap;
}

/* Maps the next chunk after what is mapped: at least `need` plus a header,
 * at least as much as is mapped already (so growth is geometric and the
 * heap's region table never fills), never past the quota. */
static int appmem_grow(struct appmem *m, uint64_t need)
{
	uint64_t step = MAX(MIN(m->mapped, APPMEM_GROW_MAX), APPMEM_GROW_MIN);
	uint64_t va = m->base + m->mapped, chunk;

	if (need > m->quota)
		return -1;	/* never fits, and need + 64 cannot wrap */
	chunk = MIN(ALIGN_UP(MAX(need + 64, step), PAGE_SIZE), m->quota - m->mapped);
	if (chunk < need + 32 || m->map(va, chunk) < 0)
		return -1;
	if (heap_add(&m->heap, (void *)(uintptr_t)va, chunk) < 0) {
		m->unmap(va, chunk);
		return -1;
	}
	m->mapped += chunk;
	return 0;
}

void *appmem_calloc(struct appmem *m, uint64_t count, uint64_t size)
{
	void *p;

	if (size && count > UINT64_MAX / size)
		return NULL;
	p = heap_calloc(&m->heap, count, size);
	/* Growing a damaged heap would only feed it more memory. */
	while (!p && !m->heap.corrupt && appmem_grow(m, count * size) == 0)
		p = heap_calloc(&m->heap, count, size);
	return p;
}

const char *appmem_free(struct appmem *m, void *ptr)
{
	switch (heap_free(&m->heap, ptr)) {
	case HEAP_OK: return NULL;
	case HEAP_DOUBLE_FREE: return "that block was already freed";
	case HEAP_CORRUPT: return "its arena's bookkeeping was overwritten";
	}
	return "not a pointer calloc returned";
}

int appmem_corrupt(const struct appmem *m)
{
	return m->heap.corrupt != 0;
}

void appmem_release(struct appmem *m)
{
	if (m->mapped)
		m->unmap(m->base, m->mapped);
	heap_init(&m->heap);
	m->mapped = 0;
}
