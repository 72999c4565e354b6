/*
 * virtio-blk (virtio 1.2, section 5.2): disks.  QEMU: -drive if=none,id=d0,...
 * -device virtio-blk-pci,drive=d0 (transitional, 1af4:1001; modern-only
 * 1af4:1042 with disable-legacy=on).
 *
 * One request queue.  A request is a descriptor chain: a 16-byte header the
 * device reads, the data (device-written for reads, device-read for writes),
 * and a status byte the device writes.  Headers and status bytes live in one
 * DMA page, one pair per request slot; the data stays in the submitter's
 * buffer.  Many requests are in flight at once and complete in any order;
 * vblk_poll finishes them and reports each one's own status.
 */
#include "blk.h"
#include "drivers.h"
#include "lib.h"
#include "log.h"
#include "paging.h"
#include "pmm.h"
#include "virtio_pci.h"

#define VBLK_MAX	BLK_MAX_DEVS
#define VBLK_QUEUE	256	/* descriptors asked for (QEMU's default size) */
#define VBLK_DEPTH	128	/* request slots, at most */
#define VBLK_SEGS	256	/* data descriptors per request, at most */
#define VBLK_MAX_BYTES	(1u << 20)	/* per request: 1 MiB */

/* Feature bits (5.2.3). */
#define VBLK_F_SIZE_MAX	(1ull << 1)
#define VBLK_F_SEG_MAX	(1ull << 2)
#define VBLK_F_RO	(1ull << 5)
#define VBLK_F_FLUSH	(1ull << 9)

/* Configuration layout (5.2.4). */
#define CFG_CAPACITY	0
#define CFG_SIZE_MAX	8
#define CFG_SEG_MAX	12

/* Request types and status values (5.2.6). */
#define VBLK_T_IN	0
#define VBLK_T_OUT	1
#define VBLK_T_FLUSH	4
#define VBLK_S_OK	0
#define VBLK_S_IOERR	1
#define VBLK_S_UNSUPP	2
#define VBLK_S_NONE	0xff	/* ours: the device has not written it */

/* Offset of device_status in the common configuration (4.1.4.3): writing 0
 * resets the device, after which it no longer touches our memory. */
#define VBLK_CC_STATUS	0x14

struct vblk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
_Static_assert(sizeof(struct vblk_hdr) == 16, "virtio 1.2, 5.2.6");

static struct vblk {
	struct blk_dev blk;
	struct virtio_dev vd;
	struct virtq q;
	struct vblk_hdr *hdr;		/* DMA: one per slot */
	volatile uint8_t *status;	/* DMA: one per slot */
	struct blk_req *slot[VBLK_DEPTH];	/* in flight, NULL when free */
	uint16_t free[VBLK_DEPTH];	/* stack of free slots */
	uint32_t free_count;
	uint32_t max_segs, seg_bytes;
	int can_flush;
	struct blk_req *instant, **instant_tail;	/* done without the device (flush on a write-through disk) */
	struct virtq_buf bufs[VBLK_SEGS + 2];	/* vblk_submit's scratch */
} vblks[VBLK_MAX];
static uint32_t vblk_count;

static void vblk_finish(struct blk_req *r, int32_t status)
{
	r->next = NULL;
	r->status = status;
	if (r->done)
		r->done(r);
}

static int32_t vblk_status(uint8_t s)
{
	switch (s) {
	case VBLK_S_OK: return 0;
	case VBLK_S_UNSUPP: return BLK_EINVAL;
	}
	return BLK_EIO;		/* VBLK_S_IOERR, or no status written at all */
}

/* The data of [va, va+bytes) as descriptors after vb->bufs[0], physical
 * runs merged, each at most seg_bytes.  Returns the descriptor count
 * including the header's, or 0 if the buffer is unmapped or too scattered. */
static uint32_t vblk_map(struct vblk *vb, uint64_t va, uint64_t bytes)
{
	uint32_t n = 1;

	while (bytes) {
		uint64_t pa = paging_translate(va);
		uint64_t run = MIN(bytes, PAGE_SIZE - (va & (PAGE_SIZE - 1)));

		if (!pa)
			return 0;
		va += run;
		bytes -= run;
		while (run) {
			struct virtq_buf *last = &vb->bufs[n - 1];
			uint64_t take;

			if (n > 1 && last->addr + last->len == pa && last->len < vb->seg_bytes) {
				take = MIN(run, vb->seg_bytes - last->len);
				last->len += (uint32_t)take;
			} else {
				if (n - 1 == vb->max_segs)
					return 0;
				take = MIN(run, vb->seg_bytes);
				vb->bufs[n++] = (struct virtq_buf){ pa, (uint32_t)take };
			}
			pa += take;
			run -= take;
		}
	}
	return n;
}

/* blk_submit has checked op, range, count and read-only. */
static int vblk_submit(struct blk_dev *d, struct blk_req *r)
{
	struct vblk *vb = d->priv;
	uint32_t n = 1, slot;
	uint16_t n_out;

	if (d->dead)
		return BLK_ENODEV;
	if (r->op == BLK_FLUSH && !vb->can_flush) {
		/* Without VIRTIO_BLK_F_FLUSH the device has no write-back cache
		 * to flush (5.2.5): done at the next poll. */
		r->next = NULL;
		*vb->instant_tail = r;
		vb->instant_tail = &r->next;
		return 0;
	}
	if (!vb->free_count)
		return BLK_EBUSY;
	slot = vb->free[vb->free_count - 1];
	vb->hdr[slot] = (struct vblk_hdr){
		r->op == BLK_READ ? VBLK_T_IN : r->op == BLK_WRITE ? VBLK_T_OUT : VBLK_T_FLUSH,
		0, r->op == BLK_FLUSH ? 0 : r->sector };
	vb->status[slot] = VBLK_S_NONE;
	vb->bufs[0] = (struct virtq_buf){ (uint64_t)(uintptr_t)&vb->hdr[slot], sizeof(struct vblk_hdr) };
	if (r->op != BLK_FLUSH && !(n = vblk_map(vb, (uint64_t)(uintptr_t)r->buf, (uint64_t)r->count * BLK_SECTOR)))
		return BLK_EINVAL;
	vb->bufs[n++] = (struct virtq_buf){ (uint64_t)(uintptr_t)&vb->status[slot], 1 };
	/* The header (and a write's data) are read by the device; a read's
	 * data and the status byte are written by it. */
	n_out = r->op == BLK_WRITE ? (uint16_t)(n - 1) : 1;
	if (virtq_add(&vb->q, vb->bufs, n_out, (uint16_t)(n - n_out), &vb->slot[slot]) < 0)
		return BLK_EBUSY;
	vb->free_count--;
	vb->slot[slot] = r;
	r->next = NULL;
	virtio_pci_kick(&vb->vd, &vb->q);
	return 0;
}

static void vblk_poll_dev(struct blk_dev *d)
{
	struct vblk *vb = d->priv;
	struct blk_req **cookie, *r;

	while ((r = vb->instant)) {
		vb->instant = r->next;
		if (!vb->instant)
			vb->instant_tail = &vb->instant;
		vblk_finish(r, 0);
	}
	if (d->dead)
		return;
	while ((cookie = virtq_get(&vb->q, NULL))) {
		uint32_t slot = (uint32_t)(cookie - vb->slot);

		r = vb->slot[slot];
		if (!r)
			continue;	/* cannot happen: virtq_get checks the head */
		vb->slot[slot] = NULL;
		vb->free[vb->free_count++] = (uint16_t)slot;
		/* The done hook may submit again: the slot is free already. */
		vblk_finish(r, vblk_status(vb->status[slot]));
	}
}

static void vblk_abandon(struct blk_dev *d)
{
	struct vblk *vb = d->priv;
	uint32_t i;

	if (d->dead)
		return;
	d->dead = 1;
	vb->vd.common[VBLK_CC_STATUS] = 0;
	klog("virtio-blk: %s (%s) gave no answer; reset and given up\n", d->name, vb->vd.label);
	for (i = 0; i < VBLK_DEPTH; i++) {
		struct blk_req *r = vb->slot[i];

		if (r) {
			vb->slot[i] = NULL;
			vblk_finish(r, BLK_ETIMEDOUT);
		}
	}
	vblk_poll_dev(d);	/* the instant ones */
}

static void vblk_poll(void)
{
	uint32_t i;

	for (i = 0; i < vblk_count; i++) {
		struct vblk *vb = &vblks[i];

		if (vb->instant || (!vb->blk.dead && virtq_pending(&vb->q)))
			vblk_poll_dev(&vb->blk);
	}
}

/* The largest power of two <= x (x >= 1). */
static uint32_t vblk_pow2_floor(uint32_t x)
{
	uint32_t p = 1;

	while (p * 2 <= x)
		p *= 2;
	return p;
}

static int vblk_probe(struct pci_dev *pd)
{
	struct vblk *vb;
	uint64_t capacity = 0, mem, features;
	uint32_t size_max = 0, seg_max = 0, depth, i;
	struct blk_dev *d;

	if (virtio_pci_type(pd) != VIRTIO_BLOCK || vblk_count == VBLK_MAX)
		return -1;
	vb = &vblks[vblk_count];
	memset(vb, 0, sizeof(*vb));
	if (virtio_pci_probe(&vb->vd, pd) < 0 ||
	    virtio_pci_start(&vb->vd, VIRTIO_F_RING_EVENT_IDX | VBLK_F_SIZE_MAX | VBLK_F_SEG_MAX |
	        VBLK_F_RO | VBLK_F_FLUSH) < 0)
		return -1;
	features = vb->vd.features;
	if (!vb->vd.config) {
		klog("virtio-blk: %s has no device configuration, left alone\n", vb->vd.label);
		virtio_pci_fail(&vb->vd);
		return -1;
	}
	virtio_pci_read_config(&vb->vd, CFG_CAPACITY, &capacity, sizeof(capacity));
	if (features & VBLK_F_SIZE_MAX)
		virtio_pci_read_config(&vb->vd, CFG_SIZE_MAX, &size_max, sizeof(size_max));
	if (features & VBLK_F_SEG_MAX)
		virtio_pci_read_config(&vb->vd, CFG_SEG_MAX, &seg_max, sizeof(seg_max));
	mem = pmm_alloc(1);	/* headers and status bytes, DMA */
	if (!mem || virtio_pci_queue(&vb->vd, 0, &vb->q, VBLK_QUEUE) < 0) {
		if (mem)
			pmm_free(mem, 1);
		virtio_pci_fail(&vb->vd);
		return -1;
	}
	memset((void *)(uintptr_t)mem, 0, PAGE_SIZE);
	/* A plain request takes three descriptors (header, data, status):
	 * a third of the ring, as a power of two, leaves room for some with
	 * scattered buffers. */
	depth = MIN(vblk_pow2_floor(MAX(vb->q.size / 3, 1)), VBLK_DEPTH);
	vb->hdr = (struct vblk_hdr *)(uintptr_t)mem;
	vb->status = (volatile uint8_t *)(uintptr_t)(mem + VBLK_DEPTH * sizeof(struct vblk_hdr));
	_Static_assert(VBLK_DEPTH * (sizeof(struct vblk_hdr) + 1) <= PAGE_SIZE, "one DMA page");
	for (i = 0; i < depth; i++)
		vb->free[i] = (uint16_t)(depth - 1 - i);
	vb->free_count = depth;
	vb->max_segs = MIN(MIN(seg_max ? seg_max : VBLK_SEGS, VBLK_SEGS), (uint32_t)vb->q.size - 2);
	vb->seg_bytes = size_max >= BLK_SECTOR ? MIN(size_max, VBLK_MAX_BYTES) : VBLK_MAX_BYTES;
	vb->can_flush = (features & VBLK_F_FLUSH) != 0;
	vb->instant_tail = &vb->instant;

	d = &vb->blk;
	d->name[0] = 'v';
	d->name[1] = 'd';
	d->name[2] = (char)('a' + vblk_count);
	d->sectors = capacity;
	d->read_only = (features & VBLK_F_RO) != 0;
	/* A contiguous buffer needs one descriptor per seg_bytes, plus one
	 * when its start is not aligned to them. */
	d->max_count = MIN(VBLK_MAX_BYTES, (vb->max_segs > 1 ? vb->max_segs - 1 : 1) * vb->seg_bytes) / BLK_SECTOR;
	d->queue_depth = depth;
	d->submit = vblk_submit;
	d->poll = vblk_poll_dev;
	d->abandon = vblk_abandon;
	d->priv = vb;
	virtio_pci_ready(&vb->vd);
	vblk_count++;
	blk_register(d);
	klog("virtio-blk: %s %llu sectors (%llu MiB), %s, queue %u, %u in flight, %u KiB per request, %s, %s%s\n",
	    d->name, capacity, capacity >> 11, d->read_only ? "read-only" : "read-write", vb->q.size,
	    depth, d->max_count / 2, vb->can_flush ? "flush" : "write-through",
	    vb->vd.label + sizeof("virtio-blk"), vb->vd.msix ? "" : ", polled (no MSI-X)");
	return 0;
}

const struct driver driver_virtio_blk = { "virtio-blk", vblk_probe, vblk_poll };
