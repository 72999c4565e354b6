/*
 * Split virtqueues (Virtio 1.2, section 2.7): the descriptor table with its
 * free list, the available ring the driver fills and the used ring the
 * device fills.  No I/O here: the transport (virtio_pci) tells the device
 * where the queue is and rings its doorbell.  Host-tested.
 *
 * Calling order: virtq_init over zeroed, physically contiguous memory of
 * virtq_bytes(size); virtq_add for each request (a chain of buffers, device-
 * readable first, then device-writable) with a cookie; virtq_publish to make
 * them visible, then notify the device if virtq_should_notify says so;
 * virtq_get returns the cookies of completed requests.
 */
#ifndef VIRTQ_H
#define VIRTQ_H

#include <stddef.h>
#include <stdint.h>

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2	/* the device writes this buffer */

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];	/* then avail_event */
};
#define VIRTQ_USED_F_NO_NOTIFY	1

_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.2, 2.7.5");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.2, 2.7.8");

struct virtq_buf {
	uint64_t addr;		/* physical */
	uint32_t len;
};

struct virtq {
	uint16_t size;		/* entries, a power of 2 */
	uint16_t free_head;	/* first free descriptor */
	uint16_t num_free;
	uint16_t last_used;	/* next used ring entry we have not looked at */
	uint16_t avail_idx;	/* our copy of avail->idx, ahead of it until virtq_publish */
	uint16_t last_kick;	/* avail->idx at the last notification */
	uint8_t event_idx;	/* VIRTIO_F_EVENT_IDX negotiated */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	void **cookies;		/* per head descriptor */
	uint16_t *chain_len;	/* per head descriptor: descriptors in its chain */
	uint64_t phys_delta;	/* physical address - virtual address of the queue memory */
	uint16_t index;		/* the queue's number on its device */
	uint16_t notify_off;	/* set by the transport */
};

/* Bytes for a queue of `size` entries: descriptors, available ring (4 KiB
 * aligned start of the used ring), used ring, plus the bookkeeping arrays. */
uint64_t virtq_bytes(uint16_t size);
/* Returns 0, or -1 if size is not a power of two in 1..32768. */
int virtq_init(struct virtq *q, uint16_t size, void *mem, uint64_t mem_phys, int event_idx);
/* Physical addresses of the three parts, for the transport. */
uint64_t virtq_desc_phys(const struct virtq *q);
uint64_t virtq_avail_phys(const struct virtq *q);
uint64_t virtq_used_phys(const struct virtq *q);

/* Queues one request: out buffers the device reads, then in buffers it
 * writes.  Returns the head descriptor, or -1 if the queue lacks room (the
 * request is not queued).  cookie comes back from virtq_get. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, uint16_t n_out, uint16_t n_in, void *cookie);
/* Makes what virtq_add queued visible to the device. */
void virtq_publish(struct virtq *q);
/* After publishing: must the device be notified?  (With event index the
 * device says up to where it still looks by itself.) */
int virtq_should_notify(struct virtq *q);
/* The next completed request's cookie and the bytes the device wrote, or
 * NULL if none.  Its descriptors are free again. */
void *virtq_get(struct virtq *q, uint32_t *len);
/* Completed requests waiting (cheap: one read of the used index). */
int virtq_pending(const struct virtq *q);

#endif
