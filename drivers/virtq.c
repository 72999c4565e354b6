/*
 * Split virtqueues, driver side (virtio 1.2, 2.7).  Ordering rules, and why
 * the barriers below are what they are on x86 (TSO: stores are seen in
 * order, loads are done in order, only a store followed by a load may be
 * reordered):
 *   - descriptors and the ring slot must be visible before avail->idx
 *     (2.7.13): store-store, a compiler barrier suffices;
 *   - avail->idx must be visible before we read the device's used->flags or
 *     avail_event to decide on notifying (2.7.10): store-load, mfence;
 *   - used->idx must be read before the used ring entries it covers
 *     (2.7.14): load-load, a compiler barrier suffices.
 */
#include "lib.h"
#include "virtq.h"

#define virtq_wmb()	__asm__ volatile("" ::: "memory")
#define virtq_rmb()	__asm__ volatile("" ::: "memory")
#define virtq_mb()	__asm__ volatile("mfence" ::: "memory")

static uint64_t virtq_used_offset(uint16_t size)
{
	/* descriptors, then flags + idx + ring + used_event; used ring 4 KiB aligned */
	return ALIGN_UP(16ull * size + 6 + 2ull * size, 4096);
}

static uint64_t virtq_used_bytes(uint16_t size)
{
	return 6 + 8ull * size;		/* flags + idx + ring + avail_event */
}

uint64_t virtq_bytes(uint16_t size)
{
	return virtq_used_offset(size) + ALIGN_UP(virtq_used_bytes(size), 8) +
	    sizeof(void *) * size + 2ull * size;
}

int virtq_init(struct virtq *q, uint16_t size, void *mem, uint64_t mem_phys, int event_idx)
{
	uint8_t *m = mem;
	uint16_t i;

	if (!size || (size & (size - 1)) || size > 32768)
		return -1;
	memset(q, 0, sizeof(*q));
	q->size = size;
	q->event_idx = event_idx != 0;
	q->phys_delta = mem_phys - (uint64_t)(uintptr_t)mem;
	q->desc = (struct virtq_desc *)m;
	q->avail = (struct virtq_avail *)(m + 16ull * size);
	q->used = (struct virtq_used *)(m + virtq_used_offset(size));
	q->cookies = (void **)(m + virtq_used_offset(size) + ALIGN_UP(virtq_used_bytes(size), 8));
	q->chain_len = (uint16_t *)(q->cookies + size);
	/* The free list runs through the descriptors' next fields. */
	for (i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->num_free = size;
	return 0;
}

uint64_t virtq_desc_phys(const struct virtq *q) { return (uint64_t)(uintptr_t)q->desc + q->phys_delta; }
uint64_t virtq_avail_phys(const struct virtq *q) { return (uint64_t)(uintptr_t)q->avail + q->phys_delta; }
uint64_t virtq_used_phys(const struct virtq *q) { return (uint64_t)(uintptr_t)q->used + q->phys_delta; }

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, uint16_t n_out, uint16_t n_in, void *cookie)
{
	uint16_t n = n_out + n_in, head = q->free_head, d = head, i;

	if (!n || n > q->num_free)
		return -1;
	for (i = 0; i < n; i++) {
		q->desc[d].addr = bufs[i].addr;
		q->desc[d].len = bufs[i].len;
		q->desc[d].flags = (i >= n_out ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		if (i + 1 < n)
			d = q->desc[d].next;
	}
	q->free_head = q->desc[d].next;
	q->num_free -= n;
	q->cookies[head] = cookie;
	q->chain_len[head] = n;
	q->avail->ring[q->avail_idx % q->size] = head;
	q->avail_idx++;
	return head;
}

void virtq_publish(struct virtq *q)
{
	virtq_wmb();
	q->avail->idx = q->avail_idx;
}

int virtq_should_notify(struct virtq *q)
{
	uint16_t old = q->last_kick, now = q->avail->idx;

	virtq_mb();
	q->last_kick = now;
	if (!q->event_idx)
		return !(q->used->flags & VIRTQ_USED_F_NO_NOTIFY);
	/* 2.7.10.2: notify iff avail_event lies in (old, now]. */
	{
		uint16_t event = *(volatile uint16_t *)&q->used->ring[q->size];

		return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
	}
}

int virtq_pending(const struct virtq *q)
{
	return *(volatile uint16_t *)&q->used->idx != q->last_used;
}

void *virtq_get(struct virtq *q, uint32_t *len)
{
	struct virtq_used_elem e;
	uint16_t head, d, n, count;
	void *cookie;

	if (!virtq_pending(q))
		return NULL;
	virtq_rmb();
	e = q->used->ring[q->last_used % q->size];
	q->last_used++;
	/* Ask to be interrupted again once the device passes what we have
	 * seen (used_event, 2.7.10.1). */
	if (q->event_idx)
		*(volatile uint16_t *)&q->avail->ring[q->size] = q->last_used;
	head = (uint16_t)e.id;
	if (head >= q->size || !q->chain_len[head])
		return NULL;	/* a device reply naming no request of ours: ignored */
	count = n = q->chain_len[head];
	q->chain_len[head] = 0;
	/* The chain goes back on the free list whole: its tail links to the
	 * old free head. */
	for (d = head; --n; d = q->desc[d].next)
		;
	q->desc[d].next = q->free_head;
	q->free_head = head;
	q->num_free += count;
	cookie = q->cookies[head];
	if (len)
		*len = e.len;
	return cookie;
}
