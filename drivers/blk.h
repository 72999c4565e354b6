/*
 * Block devices, as the layers above see them: numbered 512-byte sectors,
 * requests that complete later.  drivers/virtio_blk.c provides them; the
 * kernel's file system (kernel/fs/fat.c, through kernel/fs/files.c) uses them.
 *
 * A request is queued with blk_submit() and finished by blk_poll() (the
 * executor calls it every turn, like every driver's poll): then r->status
 * is set and r->done, if any, is called.  A buffer is any mapped memory
 * (the driver looks up each page's physical address, so it may cross page
 * boundaries); it must stay mapped until the request is done.  Physically
 * contiguous buffers (all kernel memory: it is identity-mapped) take one
 * descriptor; scattered ones more, and one scattered over more pieces than
 * the device takes is refused with BLK_EINVAL.
 */
#ifndef BLK_H
#define BLK_H

#include <stdint.h>

#define BLK_SECTOR	512
#define BLK_MAX_DEVS	8

enum blk_op { BLK_READ = 1, BLK_WRITE, BLK_FLUSH };

/* r->status: BLK_PENDING until done, then 0 or one of these. */
#define BLK_PENDING	1
#define BLK_EIO		(-5)	/* the device reported an error */
#define BLK_EROFS	(-30)	/* write to a read-only device */
#define BLK_ERANGE	(-34)	/* beyond the device's capacity */
#define BLK_EINVAL	(-22)	/* bad count or buffer */
#define BLK_EBUSY	(-16)	/* queue full: try again after blk_poll() */
#define BLK_ETIMEDOUT	(-110)	/* the device did not answer: it has been given up */
#define BLK_ENODEV	(-19)	/* the device was given up earlier */

struct blk_dev;

struct blk_req {
	uint32_t op;			/* enum blk_op */
	uint32_t count;			/* sectors (0 for FLUSH) */
	uint64_t sector;
	void *buf;
	volatile int32_t status;	/* BLK_PENDING, then 0 or BLK_E* */
	void (*done)(struct blk_req *r);	/* called from blk_poll(), may be NULL */
	void *arg;			/* the submitter's */
	struct blk_req *next;		/* the driver's, while in flight */
};

struct blk_dev {
	char name[16];			/* "vda", "vdb", ... */
	uint64_t sectors;		/* capacity */
	uint32_t read_only;
	uint32_t max_count;		/* largest count per request */
	uint32_t queue_depth;		/* requests in flight at most */
	int (*submit)(struct blk_dev *d, struct blk_req *r);	/* 0, or BLK_E* without queuing */
	void *priv;
	/* Finishes what this device has completed (calls the done hooks). */
	void (*poll)(struct blk_dev *d);
	/* Gives the device up: stops it (no more DMA into any buffer) and
	 * finishes every request in flight with BLK_ETIMEDOUT; later submits
	 * get BLK_ENODEV.  Used when a request gets no answer. */
	void (*abandon)(struct blk_dev *d);
	uint32_t dead;			/* abandoned */
};

/* Drivers register their devices at probe time. */
void blk_register(struct blk_dev *d);
uint32_t blk_count(void);
struct blk_dev *blk_get(uint32_t i);

/* Queues r; 0, or BLK_E* (r is not queued).  Checks range and read-only. */
int blk_submit(struct blk_dev *d, struct blk_req *r);
/* Finishes completed requests on every device (drivers_poll does it too). */
void blk_poll(void);
/* Synchronous helpers for code that may wait (boot, saves): submit, then
 * poll the device until done.  Any count: split into max_count pieces.  A
 * device that does not answer within BLK_TIMEOUT_NS is abandoned (logged)
 * and BLK_ETIMEDOUT returned, so they never hang.  Return 0 or BLK_E*. */
#define BLK_TIMEOUT_NS	(10ull * 1000000000ull)
int blk_read(struct blk_dev *d, uint64_t sector, uint32_t count, void *buf);
int blk_write(struct blk_dev *d, uint64_t sector, uint32_t count, const void *buf);
int blk_flush(struct blk_dev *d);
/* Waits for r (already submitted) like the helpers above: 0 or BLK_E*. */
int blk_wait(struct blk_dev *d, struct blk_req *r);
/* "I/O error", "read-only device", ... for a BLK_E* code. */
const char *blk_strerror(int err);
struct blk_dev *blk_find(const char *name);	/* NULL if none */

/* Many requests in flight over a range, for the `disk` command and the
 * benchmark: request i covers `chunk` sectors at where(arg, i) (or, without
 * where, first + i * chunk, the last one shorter to end at first + count).
 * fill prepares a write's buffer before it is submitted; consume sees each
 * read's data, in request order.  Stops at the first error and returns it
 * (*err_sector says where), after every request in flight has finished. */
struct blk_pipe {
	struct blk_dev *d;
	uint32_t op;			/* BLK_READ or BLK_WRITE */
	uint32_t depth;			/* requests in flight, at most */
	uint32_t chunk;			/* sectors per request, at most d->max_count */
	uint64_t first, count;		/* sectors, for the sequential case */
	uint64_t requests;		/* with where: how many */
	uint64_t (*where)(void *arg, uint64_t i);
	void (*fill)(void *arg, uint64_t sector, uint32_t count, uint8_t *buf);
	int (*consume)(void *arg, uint64_t sector, uint32_t count, const uint8_t *buf);	/* nonzero: stop */
	void *arg;
};
int blk_pipe_run(const struct blk_pipe *p, uint64_t *err_sector);
#define BLK_ECHECK	(-1000)		/* blk_pipe_run: consume said stop */

#endif
