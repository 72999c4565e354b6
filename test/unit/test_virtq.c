/*
 * virtq: the driver's half of a split virtqueue, against a fake device
 * written here from the spec (virtio 1.2, 2.7): it takes heads from the
 * available ring, walks the chains, and puts heads on the used ring in
 * whatever order a test asks.
 */
#include <stdlib.h>

#include "unit.h"
#include "virtq.h"

struct fake {
	struct virtq q;
	void *mem;
	uint16_t avail_seen;	/* the device's position in the available ring */
	uint16_t used_idx;
};

static void fake_init(struct fake *f, uint16_t size, int event_idx)
{
	uint64_t bytes = virtq_bytes(size);

	f->mem = aligned_alloc(4096, (bytes + 4095) & ~4095ull);
	memset(f->mem, 0, bytes);
	CHECK_EQ_U64(virtq_init(&f->q, size, f->mem, 0x100000, event_idx), 0);
	f->avail_seen = f->used_idx = 0;
}

/* The device takes the next available head; returns it or -1. */
static int fake_take(struct fake *f)
{
	if (f->avail_seen == f->q.avail->idx)
		return -1;
	return f->q.avail->ring[f->avail_seen++ % f->q.size];
}

static void fake_complete(struct fake *f, uint16_t head, uint32_t len)
{
	f->q.used->ring[f->used_idx % f->q.size].id = head;
	f->q.used->ring[f->used_idx % f->q.size].len = len;
	f->used_idx++;
	f->q.used->idx = f->used_idx;
}

static struct virtq_buf buf(uint64_t addr, uint32_t len)
{
	struct virtq_buf b = { addr, len };

	return b;
}

void virtq_places_rings_where_the_device_expects_them(void)
{
	struct fake f;

	fake_init(&f, 256, 0);
	CHECK_EQ_U64(virtq_desc_phys(&f.q), 0x100000);
	CHECK_EQ_U64(virtq_avail_phys(&f.q), 0x100000 + 16 * 256);
	/* The used ring starts 4 KiB aligned after the available ring. */
	CHECK_EQ_U64(virtq_used_phys(&f.q) % 4096, 0);
	CHECK(virtq_used_phys(&f.q) >= virtq_avail_phys(&f.q) + 6 + 2 * 256);
	CHECK_EQ_U64(virtq_init(&f.q, 100, f.mem, 0, 0), (uint64_t)-1);	/* not a power of two */
	free(f.mem);
}

void virtq_request_chains_are_seen_by_the_device_only_after_publish(void)
{
	struct fake f;
	struct virtq_buf b[3] = { buf(0x1000, 16), buf(0x2000, 512), buf(0x3000, 1) };
	int head, d;

	fake_init(&f, 8, 0);
	head = virtq_add(&f.q, b, 1, 2, (void *)0x77);
	CHECK(head >= 0);
	CHECK_EQ_U64(fake_take(&f), (uint64_t)-1);	/* not published yet */
	virtq_publish(&f.q);
	CHECK_EQ_U64(fake_take(&f), head);
	/* out first, device-readable; then in, device-writable; linked. */
	d = head;
	CHECK_EQ_U64(f.q.desc[d].addr, 0x1000);
	CHECK_EQ_U64(f.q.desc[d].flags, VIRTQ_DESC_F_NEXT);
	d = f.q.desc[d].next;
	CHECK_EQ_U64(f.q.desc[d].addr, 0x2000);
	CHECK_EQ_U64(f.q.desc[d].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	d = f.q.desc[d].next;
	CHECK_EQ_U64(f.q.desc[d].len, 1);
	CHECK_EQ_U64(f.q.desc[d].flags, VIRTQ_DESC_F_WRITE);
	CHECK_EQ_U64(f.q.num_free, 5);
	free(f.mem);
}

void virtq_completions_return_cookies_and_free_every_descriptor(void)
{
	struct fake f;
	struct virtq_buf b[2] = { buf(0x1000, 16), buf(0x2000, 16) };
	int heads[4], i;
	uint32_t len = 0;

	fake_init(&f, 8, 0);
	for (i = 0; i < 4; i++)
		heads[i] = virtq_add(&f.q, b, 1, 1, (void *)(uintptr_t)(0x100 + i));
	CHECK_EQ_U64(virtq_add(&f.q, b, 1, 1, NULL), (uint64_t)-1);	/* full: 8 descriptors used */
	virtq_publish(&f.q);
	CHECK(!virtq_pending(&f.q));
	/* Out of order, as a block device may complete them. */
	fake_complete(&f, heads[2], 7);
	fake_complete(&f, heads[0], 9);
	CHECK(virtq_pending(&f.q));
	CHECK_EQ_U64((uintptr_t)virtq_get(&f.q, &len), 0x102);
	CHECK_EQ_U64(len, 7);
	CHECK_EQ_U64((uintptr_t)virtq_get(&f.q, &len), 0x100);
	CHECK_EQ_U64(len, 9);
	CHECK(virtq_get(&f.q, &len) == NULL);
	CHECK_EQ_U64(f.q.num_free, 4);
	fake_complete(&f, heads[3], 0);
	fake_complete(&f, heads[1], 0);
	CHECK_EQ_U64((uintptr_t)virtq_get(&f.q, NULL), 0x103);
	CHECK_EQ_U64((uintptr_t)virtq_get(&f.q, NULL), 0x101);
	CHECK_EQ_U64(f.q.num_free, 8);
	free(f.mem);
}

void virtq_survives_thousands_of_requests_and_index_wraparound(void)
{
	struct fake f;
	struct virtq_buf b[3] = { buf(0x1000, 16), buf(0x2000, 16), buf(0x3000, 16) };
	uint32_t round, got = 0;

	fake_init(&f, 16, 0);
	/* 16-bit ring indexes wrap at 65536: go well past that. */
	for (round = 0; round < 30000; round++) {
		int h1 = virtq_add(&f.q, b, 2, 1, (void *)(uintptr_t)(round * 2 + 1));
		int h2 = virtq_add(&f.q, b, 1, 0, (void *)(uintptr_t)(round * 2 + 2));

		CHECK(h1 >= 0 && h2 >= 0);
		virtq_publish(&f.q);
		CHECK_EQ_U64(fake_take(&f), h1);
		CHECK_EQ_U64(fake_take(&f), h2);
		fake_complete(&f, (uint16_t)h2, 0);
		fake_complete(&f, (uint16_t)h1, 0);
		got += virtq_get(&f.q, NULL) == (void *)(uintptr_t)(round * 2 + 2);
		got += virtq_get(&f.q, NULL) == (void *)(uintptr_t)(round * 2 + 1);
		if (f.q.num_free != 16)
			break;
	}
	CHECK_EQ_U64(got, 60000);
	CHECK_EQ_U64(f.q.num_free, 16);
	free(f.mem);
}

void virtq_ignores_a_device_reply_naming_no_request(void)
{
	struct fake f;
	struct virtq_buf b = buf(0x1000, 16);
	int head;

	fake_init(&f, 8, 0);
	head = virtq_add(&f.q, &b, 0, 1, (void *)0x55);
	virtq_publish(&f.q);
	fake_complete(&f, 200, 0);		/* out of range */
	fake_complete(&f, (uint16_t)(head + 1), 0);	/* not a head we gave */
	fake_complete(&f, (uint16_t)head, 4);
	CHECK(virtq_get(&f.q, NULL) == NULL);
	CHECK(virtq_get(&f.q, NULL) == NULL);
	CHECK_EQ_U64((uintptr_t)virtq_get(&f.q, NULL), 0x55);
	fake_complete(&f, (uint16_t)head, 4);	/* the same one twice */
	CHECK(virtq_get(&f.q, NULL) == NULL);
	CHECK_EQ_U64(f.q.num_free, 8);
	free(f.mem);
}

void virtq_notifies_only_when_the_device_asks(void)
{
	struct fake f;
	struct virtq_buf b = buf(0x1000, 16);
	uint16_t *avail_event;

	/* Without event index: the used ring's NO_NOTIFY flag decides. */
	fake_init(&f, 8, 0);
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_publish(&f.q);
	CHECK(virtq_should_notify(&f.q));
	f.q.used->flags = VIRTQ_USED_F_NO_NOTIFY;
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_publish(&f.q);
	CHECK(!virtq_should_notify(&f.q));
	free(f.mem);

	/* With event index: notify iff avail_event falls among the entries
	 * published since the last notification (2.7.10.2). */
	fake_init(&f, 8, 1);
	avail_event = (uint16_t *)&f.q.used->ring[8];
	*avail_event = 0;
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_publish(&f.q);			/* idx 0 -> 1: crosses 0 */
	CHECK(virtq_should_notify(&f.q));
	*avail_event = 5;
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_publish(&f.q);			/* 1 -> 2: the device waits for 5 */
	CHECK(!virtq_should_notify(&f.q));
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_add(&f.q, &b, 1, 0, NULL);
	virtq_publish(&f.q);			/* 2 -> 6: passes 5 */
	CHECK(virtq_should_notify(&f.q));
	/* And the driver tells the device how far it has read (used_event). */
	fake_complete(&f, 0, 0);
	virtq_get(&f.q, NULL);
	CHECK_EQ_U64(f.q.avail->ring[8], 1);
	free(f.mem);
}
