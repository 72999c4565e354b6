/*
 * Block devices: the registry, the checks every request gets before a
 * driver sees it, waiting for requests (never forever), the pipeline that
 * keeps many requests in flight, and the `disk` command.
 */
#include "blk.h"
#include "cmd.h"
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

/* --- the `disk` command ------------------------------------------------------- */

#define DISK_WTEST_MAX	32768ull	/* sectors wtest writes at most: 16 MiB */
#define DISK_CHUNK	128		/* sectors per request: 64 KiB */
#define DISK_DEPTH	32		/* requests in flight */

static uint32_t blk_crc_table[256];

/* CRC-32 as zlib computes it (reflected, polynomial 0xedb88320). */
static uint32_t blk_crc32(uint32_t crc, const uint8_t *p, uint64_t n)
{
	if (!blk_crc_table[1]) {
		uint32_t i, j, c;

		for (i = 0; i < 256; i++) {
			for (c = i, j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			blk_crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = blk_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static int disk_crc_consume(void *arg, uint64_t sector, uint32_t count, const uint8_t *buf)
{
	uint32_t *crc = arg;

	*crc = blk_crc32(*crc, buf, (uint64_t)count * BLK_SECTOR);
	return 0;
}

/* wtest's pattern: every 8-byte word names its sector and place. */
static uint64_t disk_pattern(uint64_t sector, uint32_t word)
{
	return 0x466f6d6f00000000ull | sector << 6 | word;	/* "omoF" on top */
}

static void disk_fill(void *arg, uint64_t sector, uint32_t count, uint8_t *buf)
{
	uint64_t *w = (uint64_t *)buf;
	uint32_t s, i;

	for (s = 0; s < count; s++)
		for (i = 0; i < BLK_SECTOR / 8; i++)
			*w++ = disk_pattern(sector + s, i);
}

static int disk_check(void *arg, uint64_t sector, uint32_t count, const uint8_t *buf)
{
	const uint64_t *w = (const uint64_t *)buf;
	uint64_t *bad = arg;
	uint32_t s, i;

	for (s = 0; s < count; s++)
		for (i = 0; i < BLK_SECTOR / 8; i++)
			if (*w++ != disk_pattern(sector + s, i)) {
				*bad = sector + s;
				return 1;
			}
	return 0;
}

/* Splits arg at spaces into at most `max` words of fewer than 24 bytes;
 * returns how many, or -1 if there are more or one is longer. */
static int disk_words(const char *arg, char (*w)[24], int max)
{
	int n = 0;

	for (;;) {
		uint32_t len = 0;

		while (*arg == ' ')
			arg++;
		if (!*arg)
			return n;
		if (n == max)
			return -1;
		while (*arg && *arg != ' ') {
			if (len == 23)
				return -1;
			w[n][len++] = *arg++;
		}
		w[n++][len] = 0;
	}
}

static int disk_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000000000000ull)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 1;
}

/* "12.3" MB/s (10^6 bytes per second). */
static void disk_rate(char *buf, uint64_t bytes, uint64_t ns)
{
	uint64_t tenths = bytes * 10000 / MAX(ns, 1);

	fmt_snprintf(buf, 24, "%llu.%llu", tenths / 10, tenths % 10);
}

static void disk_list(struct cmd_out *o)
{
	uint32_t i;

	if (!blk_ndevs)
		cmd_printf(o, "no disks\n");
	for (i = 0; i < blk_ndevs; i++) {
		struct blk_dev *d = blk_devs[i];

		cmd_printf(o, "%s: %llu sectors (%llu MiB), %s, queue depth %u, %u KiB per request%s\n",
		    d->name, d->sectors, d->sectors >> 11, d->read_only ? "ro" : "rw", d->queue_depth,
		    d->max_count / 2, d->dead ? ", given up" : "");
	}
}

static void disk_sum(struct cmd_out *o, struct blk_dev *d, uint64_t first, uint64_t count)
{
	struct blk_pipe p = { 0 };
	uint32_t crc = 0;
	uint64_t t0, ns, where = 0;
	char rate[24];
	int err;

	if (first > d->sectors || count > d->sectors - first || !count) {
		cmd_printf(o, "disk sum: %s has %llu sectors; %llu from %llu is not inside it\n",
		    d->name, d->sectors, count, first);
		return;
	}
	p.d = d;
	p.op = BLK_READ;
	p.depth = DISK_DEPTH;
	p.chunk = DISK_CHUNK;
	p.first = first;
	p.count = count;
	p.consume = disk_crc_consume;
	p.arg = &crc;
	t0 = timer_ns();
	err = blk_pipe_run(&p, &where);
	ns = timer_ns() - t0;
	if (err) {
		cmd_printf(o, "disk sum: %s: read at sector %llu failed: %s\n", d->name, where, blk_strerror(err));
		return;
	}
	disk_rate(rate, count * BLK_SECTOR, ns);
	cmd_printf(o, "disk sum: %s sectors %llu-%llu: crc32 %08x, %s MB/s\n", d->name, first,
	    first + count - 1, crc, rate);
}

/* A FAT boot sector or a partition table (MBR or GPT) in the first two
 * sectors: something a person would not want overwritten. */
static int disk_has_volume(const uint8_t *s)
{
	return (s[510] == 0x55 && s[511] == 0xaa) || !memcmp(s + 512, "EFI PART", 8) ||
	    !memcmp(s + 0x36, "FAT", 3) || !memcmp(s + 0x52, "FAT", 3);
}

static void disk_wtest(struct cmd_out *o, struct blk_dev *d)
{
	struct blk_pipe p = { 0 };
	uint64_t count = MIN(d->sectors, DISK_WTEST_MAX), bad = 0, where = 0, t0, wns, rns;
	uint8_t *head;
	char wrate[24], rrate[24];
	int err;

	if (d->sectors < 2) {
		cmd_printf(o, "disk wtest: %s is too small\n", d->name);
		return;
	}
	head = (uint8_t *)(uintptr_t)pmm_alloc(1);
	if (!head) {
		cmd_printf(o, "disk wtest: out of memory\n");
		return;
	}
	err = blk_read(d, 0, 2, head);
	if (!err && disk_has_volume(head)) {
		cmd_printf(o, "disk wtest: %s holds a FAT volume or a partition table: refused\n", d->name);
		pmm_free((uint64_t)(uintptr_t)head, 1);
		return;
	}
	pmm_free((uint64_t)(uintptr_t)head, 1);
	if (err) {
		cmd_printf(o, "disk wtest: %s: read at sector 0 failed: %s\n", d->name, blk_strerror(err));
		return;
	}
	p.d = d;
	p.op = BLK_WRITE;
	p.depth = DISK_DEPTH;
	p.chunk = DISK_CHUNK;
	p.count = count;
	p.fill = disk_fill;
	t0 = timer_ns();
	if ((err = blk_pipe_run(&p, &where))) {
		cmd_printf(o, "disk wtest: %s: write at sector %llu failed: %s\n", d->name, where, blk_strerror(err));
		return;
	}
	if ((err = blk_flush(d))) {
		cmd_printf(o, "disk wtest: %s: flush failed: %s\n", d->name, blk_strerror(err));
		return;
	}
	wns = timer_ns() - t0;
	p.op = BLK_READ;
	p.fill = NULL;
	p.consume = disk_check;
	p.arg = &bad;
	t0 = timer_ns();
	err = blk_pipe_run(&p, &where);
	rns = timer_ns() - t0;
	if (err == BLK_ECHECK) {
		cmd_printf(o, "disk wtest: %s: sector %llu reads back wrong\n", d->name, bad);
		return;
	}
	if (err) {
		cmd_printf(o, "disk wtest: %s: read at sector %llu failed: %s\n", d->name, where, blk_strerror(err));
		return;
	}
	disk_rate(wrate, count * BLK_SECTOR, wns);
	disk_rate(rrate, count * BLK_SECTOR, rns);
	cmd_printf(o, "disk wtest: %s sectors 0-%llu written, flushed and read back: ok (write %s MB/s, read %s MB/s)\n",
	    d->name, count - 1, wrate, rrate);
}

void blk_cmd(struct cmd_out *o, const char *arg)
{
	char w[4][24];
	int n = disk_words(arg, w, 4);
	struct blk_dev *d;
	uint64_t first = 0, count;

	if (n == 0) {
		disk_list(o);
		return;
	}
	if (n < 2 || (strcmp(w[0], "sum") && strcmp(w[0], "wtest")) ||
	    (!strcmp(w[0], "wtest") && n != 2) || n == 3) {
		cmd_printf(o, "usage: disk [sum NAME [FIRST COUNT] | wtest NAME]\n");
		return;
	}
	if (!(d = blk_find(w[1]))) {
		cmd_printf(o, "disk: no disk named '%s' (try 'disk')\n", w[1]);
		return;
	}
	if (!strcmp(w[0], "wtest")) {
		disk_wtest(o, d);
		return;
	}
	count = d->sectors;
	if (n == 4 && (!disk_number(w[2], &first) || !disk_number(w[3], &count))) {
		cmd_printf(o, "usage: disk sum NAME [FIRST COUNT] (sectors, decimal)\n");
		return;
	}
	disk_sum(o, d, first, count);
}
