/*
 * Block devices: the registry, the checks every request gets before a
 * driver sees it, waiting for requests (never forever), the pipeline that
 * keeps many requests in flight.  (The `disk` command that shows them is
 * the shell's: kernel/shell/diskcmd.c.)
 */
#include "blk.h"
#include "cpu.h"
#include "lib.h"
#include "log.h"
#include "pmm.h"
#include "timer.h"

static struct blk_dev *blk_devs[BLK_MAX_DEVS];
static uint32_t blk_ndevs;

void blk_register(struct blk_dev *d)
{
	if (blk_ndevs == BLK_MAX_DEVS) {
		klog("blk: more than %u disks, %s left out\n", BLK_MAX_DEVS, d->name);
		return;
	}
	blk_devs[blk_ndevs++] = d;
}

uint32_t blk_count(void)
{
	return blk_ndevs;
}

struct blk_dev *blk_get(uint32_t i)
{
	return i < blk_ndevs ? blk_devs[i] : NULL;
}

struct blk_dev *blk_find(const char *name)
{
	uint32_t i;

	for (i = 0; i < blk_ndevs; i++)
		if (!strcmp(blk_devs[i]->name, name))
			return blk_devs[i];
	return NULL;
}

const char *blk_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case BLK_EIO: return "I/O error reported by the device";
	case BLK_EROFS: return "read-only device";
	case BLK_ERANGE: return "beyond the end of the device";
	case BLK_EINVAL: return "bad request";
	case BLK_EBUSY: return "queue full";
	case BLK_ETIMEDOUT: return "no answer from the device";
	case BLK_ENODEV: return "device given up";
	case BLK_ECHECK: return "data check failed";
	}
	return "unknown error";
}

int blk_submit(struct blk_dev *d, struct blk_req *r)
{
	int err;

	r->next = NULL;
	if (d->dead)
		return r->status = BLK_ENODEV;
	switch (r->op) {
	case BLK_READ:
	case BLK_WRITE:
		if (!r->count || r->count > d->max_count || !r->buf)
			return r->status = BLK_EINVAL;
		if (r->sector > d->sectors || r->count > d->sectors - r->sector)
			return r->status = BLK_ERANGE;
		if (r->op == BLK_WRITE && d->read_only)
			return r->status = BLK_EROFS;
		break;
	case BLK_FLUSH:
		if (r->count)
			return r->status = BLK_EINVAL;
		if (d->read_only)
			return r->status = 0;	/* nothing was written: nothing to flush */
		break;
	default:
		return r->status = BLK_EINVAL;
	}
	r->status = BLK_PENDING;
	err = d->submit(d, r);
	if (err)
		r->status = err;
	return err;
}

void blk_poll(void)
{
	uint32_t i;

	for (i = 0; i < blk_ndevs; i++)
		blk_devs[i]->poll(blk_devs[i]);
}

/* Gives the device up when it has not answered by `deadline`; returns 1
 * if it did. */
static int blk_overdue(struct blk_dev *d, uint64_t deadline)
{
	if (timer_ns() < deadline)
		return 0;
	klog("blk: %s: no answer in %llu s, giving the device up\n", d->name, BLK_TIMEOUT_NS / 1000000000ull);
	d->abandon(d);
	return 1;
}

int blk_wait(struct blk_dev *d, struct blk_req *r)
{
	uint64_t deadline = timer_ns() + BLK_TIMEOUT_NS;

	while (r->status == BLK_PENDING) {
		d->poll(d);
		if (r->status != BLK_PENDING || blk_overdue(d, deadline))
			break;
		cpu_pause();
	}
	return r->status;
}

/* Submits, waiting for room while the queue is full. */
static int blk_submit_wait(struct blk_dev *d, struct blk_req *r)
{
	uint64_t deadline = timer_ns() + BLK_TIMEOUT_NS;
	int err;

	while ((err = blk_submit(d, r)) == BLK_EBUSY) {
		d->poll(d);
		if (blk_overdue(d, deadline))
			return BLK_ETIMEDOUT;
		cpu_pause();
	}
	return err;
}

static int blk_sync(struct blk_dev *d, uint32_t op, uint64_t sector, uint64_t count, void *buf)
{
	uint8_t *p = buf;

	do {
		struct blk_req r = { 0 };
		int err;

		r.op = op;
		r.sector = sector;
		r.count = (uint32_t)MIN(count, d->max_count);
		r.buf = p;
		if ((err = blk_submit_wait(d, &r)) || (err = blk_wait(d, &r)))
			return err;
		sector += r.count;
		count -= r.count;
		p += (uint64_t)r.count * BLK_SECTOR;
	} while (count);
	return 0;
}

int blk_read(struct blk_dev *d, uint64_t sector, uint32_t count, void *buf)
{
	return count ? blk_sync(d, BLK_READ, sector, count, buf) : BLK_EINVAL;
}

int blk_write(struct blk_dev *d, uint64_t sector, uint32_t count, const void *buf)
{
	return count ? blk_sync(d, BLK_WRITE, sector, count, (void *)buf) : BLK_EINVAL;
}

int blk_flush(struct blk_dev *d)
{
	struct blk_req r = { 0 };
	int err;

	r.op = BLK_FLUSH;
	if ((err = blk_submit_wait(d, &r)))
		return err;
	return blk_wait(d, &r);
}

/* --- many requests in flight ------------------------------------------------ */

int blk_pipe_run(const struct blk_pipe *p, uint64_t *err_sector)
{
	struct blk_dev *d = p->d;
	uint32_t depth = MAX(MIN(p->depth, d->queue_depth), 1), chunk = MIN(p->chunk, d->max_count);
	uint64_t total = p->where ? p->requests : (p->count + chunk - 1) / MAX(chunk, 1);
	uint64_t pages = ALIGN_UP((uint64_t)depth * chunk * BLK_SECTOR, PAGE_SIZE) / PAGE_SIZE;
	uint64_t next = 0, oldest = 0, deadline, mem;
	struct blk_req *reqs;
	int err = 0;

	if (!chunk || (!p->count && !p->where))
		return BLK_EINVAL;
	mem = pmm_alloc(pages);
	reqs = mem ? (struct blk_req *)(uintptr_t)pmm_alloc(ALIGN_UP(depth * sizeof(*reqs), PAGE_SIZE) / PAGE_SIZE) : NULL;
	if (!reqs) {
		if (mem)
			pmm_free(mem, pages);
		klog("blk: no memory for %u requests of %u sectors\n", depth, chunk);
		return BLK_EINVAL;
	}
	deadline = timer_ns() + BLK_TIMEOUT_NS;
	/* Request i uses slot i % depth; they are consumed in order, so the
	 * slot of the oldest is the next to be reused. */
	while (oldest < next || (next < total && !err)) {
		while (next < total && !err && next - oldest < depth) {
			struct blk_req *r = &reqs[next % depth];
			uint64_t sector = p->where ? p->where(p->arg, next) : p->first + next * chunk;
			int e;

			memset(r, 0, sizeof(*r));
			r->op = p->op;
			r->sector = sector;
			r->count = p->where ? chunk : (uint32_t)MIN(chunk, p->first + p->count - sector);
			r->buf = (uint8_t *)(uintptr_t)mem + (next % depth) * chunk * BLK_SECTOR;
			if (p->fill)
				p->fill(p->arg, r->sector, r->count, r->buf);
			e = blk_submit(d, r);
			if (e == BLK_EBUSY)
				break;	/* the queue is full of other requests too: poll */
			if (e) {
				err = e;
				*err_sector = sector;
			}
			next++;
		}
		if (oldest == next)
			continue;
		{
			struct blk_req *r = &reqs[oldest % depth];

			if (r->status == BLK_PENDING) {
				d->poll(d);
				if (r->status == BLK_PENDING && !blk_overdue(d, deadline)) {
					cpu_pause();
					continue;
				}
			}
			if (r->status && !err) {
				err = r->status;
				*err_sector = r->sector;
			} else if (!r->status && !err && p->consume &&
			    p->consume(p->arg, r->sector, r->count, r->buf)) {
				err = BLK_ECHECK;
				*err_sector = r->sector;
			}
			oldest++;
			deadline = timer_ns() + BLK_TIMEOUT_NS;
		}
	}
	pmm_free(mem, pages);
	pmm_free((uint64_t)(uintptr_t)reqs, ALIGN_UP(depth * sizeof(*reqs), PAGE_SIZE) / PAGE_SIZE);
	return err;
}
