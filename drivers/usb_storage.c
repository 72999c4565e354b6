/*
 * USB mass storage, bulk-only transport (USB Mass Storage Class Bulk-Only
 * Transport 1.0) with SCSI commands (SPC-4, SBC-3): USB sticks and disks
 * as block devices (blk.h) named sda, sdb, ...  QEMU: -drive
 * if=none,id=stick,format=raw,file=IMG -device usb-storage,drive=stick.
 *
 * A command is three transfers, strictly one after the other: the 31-byte
 * Command Block Wrapper on the bulk OUT endpoint, the data (either way), and
 * the 13-byte Command Status Wrapper on the bulk IN endpoint (BOT 5).  Each
 * finishes in the poll and starts the next.  A stalled data phase is
 * cleared and the CSW read anyway; a stalled CSW is cleared and read once
 * more; a bad CSW, a phase error or a transfer with no answer gets the
 * reset recovery of BOT 5.3.4 (Bulk-Only Mass Storage Reset, then both
 * halts cleared).  A command the device failed is followed by REQUEST
 * SENSE so the log says why.
 *
 * Bringing it up: INQUIRY (a disk, not a CD), TEST UNIT READY until the
 * medium is ready (a UNIT ATTENTION after the reset is normal), READ
 * CAPACITY (10, or 16 past 2 TiB), MODE SENSE for the write-protect switch;
 * then the disk is registered.  Requests from the block layer wait in a
 * queue and go one at a time (the transport has no tags).  Data moves
 * through a bounce buffer of the driver's own: a request the block layer
 * has given up on can then never be written into after its buffer is
 * gone, and any buffer works, however scattered.
 *
 * Only LUN 0 is used (card readers with several slots show their first).
 */
#include "blk.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "pmm.h"
#include "timer.h"
#include "usb.h"

#define UMS_MAX		4		/* disks over the whole boot (replugging takes a new one) */
#define UMS_SECTORS	256		/* per command: 128 KiB, the bounce buffer */
#define UMS_QUEUE	32		/* requests waiting, at most */
#define UMS_CBW_MS	2000
#define UMS_DATA_MS	6000		/* under the block layer's own 10 s */
#define UMS_READY_TRIES	30		/* TEST UNIT READY, 100 ms apart */

#define CBW_SIG		0x43425355u	/* "USBC" */
#define CSW_SIG		0x53425355u	/* "USBS" */
#define BOT_RESET	0xff		/* class request (BOT 3.1) */

/* SCSI operation codes. */
#define SCSI_TEST_UNIT_READY	0x00
#define SCSI_REQUEST_SENSE	0x03
#define SCSI_INQUIRY		0x12
#define SCSI_MODE_SENSE6	0x1a
#define SCSI_READ_CAPACITY10	0x25
#define SCSI_READ10		0x28
#define SCSI_WRITE10		0x2a
#define SCSI_SYNC_CACHE10	0x35
#define SCSI_READ16		0x88
#define SCSI_WRITE16		0x8a
#define SCSI_READ_CAPACITY16	0x9e

struct cbw {
	uint32_t sig, tag, len;
	uint8_t flags, lun, cb_len, cb[16];
} __attribute__((packed));
_Static_assert(sizeof(struct cbw) == 31, "BOT 5.1");

struct csw {
	uint32_t sig, tag, residue;
	uint8_t status;
} __attribute__((packed));
_Static_assert(sizeof(struct csw) == 13, "BOT 5.2");

/* Where a command is. */
enum { C_IDLE, C_CBW, C_DATA, C_CSW, C_CSW_AGAIN, C_CLEAR_DATA, C_CLEAR_CSW, C_RESET, C_RESET_IN, C_RESET_OUT };
/* Bringing the disk up. */
enum { P_INQUIRY, P_READY, P_SENSE, P_CAPACITY10, P_CAPACITY16, P_MODE_SENSE, P_RUN, P_DEAD };

struct ums {
	struct blk_dev blk;		/* registered once; stays (dead) when the stick goes */
	struct usb_iface *iface;	/* NULL once the device is gone */
	struct usb_dev *dev;
	uint8_t in, out;		/* bulk endpoint addresses */
	uint8_t used;			/* this slot has been taken (never given back: blk keeps it) */
	uint8_t phase;			/* C_* */
	uint8_t probe;			/* P_* */
	uint8_t tries;
	uint8_t resets;			/* recoveries in a row */
	int8_t failed;			/* why the transport is being reset (USB_E*) */
	uint32_t tag;
	struct usb_xfer x;
	uint8_t *wrap;			/* DMA: CBW at 0, CSW at 64, sense at 128, small data at 256 */
	uint8_t *bounce;		/* DMA: UMS_SECTORS sectors */
	/* The command in flight. */
	uint8_t data_in;
	uint32_t data_len;
	uint8_t *data;			/* bounce or wrap + 256 */
	int32_t result;			/* 0, or why it failed (BLK_E*) */
	uint8_t csw_status;
	uint32_t residue;
	void (*cmd_done)(struct ums *u);
	struct blk_req *cur;		/* the block request of that command, if any */
	struct blk_req *head, *tail;	/* waiting block requests */
	uint32_t queued;
	uint64_t retry_at;		/* P_READY: ask again then */
	char vendor[28];		/* "QEMU QEMU HARDDISK" */
} umss[UMS_MAX];

static void ums_next(struct ums *u);
static void ums_xfer_done(struct usb_xfer *x);

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static void put_be32(uint8_t *p, uint32_t v) { p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v; }

/* --- transfers of one command ------------------------------------------------------ */

static void ums_bulk(struct ums *u, uint8_t ep, void *buf, uint32_t len, uint32_t ms)
{
	u->x.dev = u->dev;
	u->x.ep = ep;
	u->x.buf = buf;
	u->x.len = len;
	u->x.timeout_ms = ms;
	u->x.done = ums_xfer_done;
	u->x.arg = u;
	if (usb_submit(&u->x))
		ums_xfer_done(&u->x);	/* not queued: as if it failed at once */
}

static void ums_clear_halt(struct ums *u, uint8_t ep)
{
	u->x.done = ums_xfer_done;
	u->x.arg = u;
	if (usb_control(&u->x, u->dev, USB_RECIP_ENDPOINT, USB_REQ_CLEAR_FEATURE, USB_FEATURE_HALT, ep, NULL, 0,
	    UMS_CBW_MS))
		ums_xfer_done(&u->x);
}

/* The command ends: the phase machine is idle before anyone is told. */
static void ums_end(struct ums *u, int32_t result)
{
	void (*done)(struct ums *) = u->cmd_done;

	u->phase = C_IDLE;
	u->result = result;
	u->cmd_done = NULL;
	if (done)
		done(u);
}

static const char *const ums_phases[] = { "", "command", "data", "status", "status", "data", "status" };

/* BOT 5.3.4: the device is told to forget the command, both pipes are
 * cleared, and the command fails. */
static void ums_reset(struct ums *u, int why)
{
	if (u->probe == P_RUN)
		klog("usb: %s: %s in the %s phase of SCSI command %02x; resetting the transport\n", u->blk.name,
		    why == USB_ETIMEDOUT ? "no answer" : why ? usb_strerror(why) : "a bad status wrapper",
		    ums_phases[u->phase < ARRAY_LEN(ums_phases) ? u->phase : 0], u->wrap[15]);
	u->failed = (int8_t)why;
	u->phase = C_RESET;
	u->x.done = ums_xfer_done;
	u->x.arg = u;
	if (usb_control(&u->x, u->dev, USB_TYPE_CLASS | USB_RECIP_INTERFACE, BOT_RESET, 0, u->iface->number,
	    NULL, 0, UMS_CBW_MS))
		ums_xfer_done(&u->x);
}

static void ums_read_csw(struct ums *u, uint8_t phase)
{
	u->phase = phase;
	ums_bulk(u, u->in, u->wrap + 64, sizeof(struct csw), UMS_DATA_MS);
}

static void ums_xfer_done(struct usb_xfer *x)
{
	struct ums *u = x->arg;
	const struct csw *csw = (const struct csw *)(u->wrap + 64);
	int st = x->status;

	if (st == USB_ENODEV || !u->iface) {
		ums_end(u, BLK_ENODEV);
		return;
	}
	switch (u->phase) {
	case C_CBW:
		if (st) {
			ums_reset(u, st);
		} else if (u->data_len) {
			u->phase = C_DATA;
			ums_bulk(u, u->data_in ? u->in : u->out, u->data, u->data_len, UMS_DATA_MS);
		} else {
			ums_read_csw(u, C_CSW);
		}
		return;
	case C_DATA:
		if (st == USB_ESTALL) {	/* the device refused more data: clear, then its status */
			u->phase = C_CLEAR_DATA;
			ums_clear_halt(u, u->data_in ? u->in : u->out);
		} else if (st) {
			ums_reset(u, st);
		} else {
			ums_read_csw(u, C_CSW);
		}
		return;
	case C_CLEAR_DATA:
		if (st)
			ums_reset(u, st);
		else
			ums_read_csw(u, C_CSW);
		return;
	case C_CSW:
	case C_CSW_AGAIN:
		if (st == USB_ESTALL && u->phase == C_CSW) {
			u->phase = C_CLEAR_CSW;
			ums_clear_halt(u, u->in);
		} else if (st || x->actual < sizeof(*csw) || csw->sig != CSW_SIG || csw->tag != u->tag ||
		    csw->status > 1) {
			/* No status, a wrong one, or a phase error (2). */
			ums_reset(u, st);
		} else {
			u->csw_status = csw->status;
			u->residue = csw->residue;
			u->resets = 0;
			ums_end(u, csw->status ? BLK_EIO : 0);
		}
		return;
	case C_CLEAR_CSW:
		if (st)
			ums_reset(u, st);
		else
			ums_read_csw(u, C_CSW_AGAIN);
		return;
	case C_RESET:
		u->phase = C_RESET_IN;
		ums_clear_halt(u, u->in);
		return;
	case C_RESET_IN:
		u->phase = C_RESET_OUT;
		ums_clear_halt(u, u->out);
		return;
	case C_RESET_OUT:
		u->csw_status = 0xff;	/* no status: the transport failed */
		if (++u->resets >= 3 || st)
			klog("usb: %s: the transport failed %u times in a row%s\n", u->blk.name, u->resets,
			    st ? ", and the reset got no answer" : "");
		ums_end(u, u->failed == USB_ETIMEDOUT ? BLK_ETIMEDOUT : BLK_EIO);
		return;
	}
}

/* Starts a SCSI command; done(u) gets u->result.  data: for reads the
 * device writes it, for writes it reads it. */
static void ums_command(struct ums *u, const uint8_t *cdb, uint8_t cdb_len, int data_in, uint8_t *data,
    uint32_t len, void (*done)(struct ums *))
{
	struct cbw *c = (struct cbw *)u->wrap;

	memset(c, 0, sizeof(*c));
	c->sig = CBW_SIG;
	c->tag = ++u->tag;
	c->len = len;
	c->flags = data_in ? 0x80 : 0;
	c->lun = 0;
	c->cb_len = cdb_len;
	memcpy(c->cb, cdb, cdb_len);
	u->data_in = (uint8_t)data_in;
	u->data = data;
	u->data_len = len;
	u->cmd_done = done;
	u->result = 0;
	u->csw_status = 0;
	u->phase = C_CBW;
	ums_bulk(u, u->out, c, sizeof(*c), UMS_CBW_MS);
}

/* --- block requests ------------------------------------------------------------------- */

static void ums_finish(struct ums *u, struct blk_req *r, int32_t status)
{
	r->next = NULL;
	r->status = status;
	if (r->done)
		r->done(r);
}

static void ums_sense_done(struct ums *u)
{
	struct blk_req *r = u->cur;
	const uint8_t *s = u->wrap + 128;

	u->cur = NULL;
	if (!u->result)
		klog("usb: %s: %s at sector %llu failed: sense key %x, ASC %02x/%02x\n", u->blk.name,
		    r->op == BLK_READ ? "read" : r->op == BLK_WRITE ? "write" : "flush", ULL(r->sector),
		    s[2] & 0xf, s[12], s[13]);
	/* A flush the device does not know (ILLEGAL REQUEST): it has no
	 * cache to flush. */
	ums_finish(u, r, r->op == BLK_FLUSH && !u->result && (s[2] & 0xf) == 5 ? 0 : BLK_EIO);
	ums_next(u);
}

static void ums_request_sense(struct ums *u, void (*done)(struct ums *))
{
	static const uint8_t cdb[6] = { SCSI_REQUEST_SENSE, 0, 0, 0, 18, 0 };

	memset(u->wrap + 128, 0, 18);
	ums_command(u, cdb, 6, 1, u->wrap + 128, 18, done);
}

static void ums_req_done(struct ums *u)
{
	struct blk_req *r = u->cur;

	if (u->result == BLK_EIO && u->csw_status == 1) {
		ums_request_sense(u, ums_sense_done);	/* the device failed it: ask why */
		return;
	}
	u->cur = NULL;
	if (!u->result && r->op != BLK_FLUSH && u->residue) {
		klog("usb: %s: %s at sector %llu moved %u bytes too few\n", u->blk.name,
		    r->op == BLK_READ ? "read" : "write", ULL(r->sector), u->residue);
		u->result = BLK_EIO;
	}
	if (!u->result && r->op == BLK_READ)
		memcpy(r->buf, u->bounce, (uint64_t)r->count * BLK_SECTOR);
	ums_finish(u, r, u->result);
	ums_next(u);
}

/* The next waiting request, if the transport is free. */
static void ums_next(struct ums *u)
{
	struct blk_req *r = u->head;
	uint8_t cdb[16] = { 0 };
	uint8_t n = 10;

	if (!r || u->phase != C_IDLE || u->cur || u->probe != P_RUN)
		return;
	u->head = r->next;
	if (!u->head)
		u->tail = NULL;
	u->queued--;
	u->cur = r;
	if (r->op == BLK_FLUSH) {
		cdb[0] = SCSI_SYNC_CACHE10;
	} else if (r->sector + r->count <= 0xffffffffull) {
		cdb[0] = r->op == BLK_READ ? SCSI_READ10 : SCSI_WRITE10;
		put_be32(cdb + 2, (uint32_t)r->sector);
		cdb[7] = (uint8_t)(r->count >> 8);
		cdb[8] = (uint8_t)r->count;
	} else {
		cdb[0] = r->op == BLK_READ ? SCSI_READ16 : SCSI_WRITE16;
		put_be32(cdb + 2, (uint32_t)(r->sector >> 32));
		put_be32(cdb + 6, (uint32_t)r->sector);
		put_be32(cdb + 10, r->count);
		n = 16;
	}
	if (r->op == BLK_WRITE)
		memcpy(u->bounce, r->buf, (uint64_t)r->count * BLK_SECTOR);
	ums_command(u, cdb, n, r->op == BLK_READ, u->bounce, r->op == BLK_FLUSH ? 0 : r->count * BLK_SECTOR,
	    ums_req_done);
}

/* blk_submit has checked op, range, count and read-only. */
static int ums_submit(struct blk_dev *d, struct blk_req *r)
{
	struct ums *u = d->priv;

	if (d->dead || !u->iface)
		return BLK_ENODEV;
	if (u->queued == UMS_QUEUE)
		return BLK_EBUSY;
	r->next = NULL;
	if (u->tail)
		u->tail->next = r;
	else
		u->head = r;
	u->tail = r;
	u->queued++;
	ums_next(u);
	return 0;
}

static void ums_blk_poll(struct blk_dev *d)
{
	struct ums *u = d->priv;

	if (u->iface && !d->dead)
		usb_poll_transfers(u->dev->bus);
}

/* The block layer gave up on it: every request ends now.  A transfer
 * still in flight only ever writes the bounce buffer. */
static void ums_abandon(struct blk_dev *d)
{
	struct ums *u = d->priv;
	struct blk_req *r;

	if (d->dead)
		return;
	d->dead = 1;
	klog("usb: %s gave no answer; given up\n", d->name);
	if ((r = u->cur)) {
		u->cur = NULL;
		u->cmd_done = NULL;
		ums_finish(u, r, BLK_ETIMEDOUT);
	}
	while ((r = u->head)) {
		u->head = r->next;
		ums_finish(u, r, BLK_ETIMEDOUT);
	}
	u->tail = NULL;
	u->queued = 0;
}

/* --- bringing it up ------------------------------------------------------------------- */

static void ums_probe_step(struct ums *u);

static void ums_give_up(struct ums *u, const char *why)
{
	klog("%s: %s; left alone\n", usb_label(u->dev), why);
	u->probe = P_DEAD;
	u->iface->busy = 0;
}

static void ums_probe_done(struct ums *u)
{
	const uint8_t *d = u->wrap + 256;
	uint32_t i, n;

	switch (u->probe) {
	case P_INQUIRY:
		if (u->result) {
			ums_give_up(u, "no answer to INQUIRY");
			return;
		}
		if ((d[0] & 0x1f) != 0) {
			ums_give_up(u, (d[0] & 0x1f) == 5 ? "a CD/DVD drive, not supported" : "not a disk");
			return;
		}
		/* Vendor and product (8 + 16 bytes), spaces squeezed. */
		for (i = 8, n = 0; i < 32 && n + 1 < sizeof(u->vendor); i++)
			if (d[i] >= 0x20 && d[i] < 0x7f && !(d[i] == ' ' && (!n || u->vendor[n - 1] == ' ')))
				u->vendor[n++] = (char)d[i];
		while (n && u->vendor[n - 1] == ' ')
			n--;
		u->vendor[n] = 0;
		u->probe = P_READY;
		break;
	case P_READY:
		if (!u->result) {
			u->probe = P_CAPACITY10;
			break;
		}
		u->probe = P_SENSE;	/* not ready (yet): why? */
		break;
	case P_SENSE:
		if (++u->tries >= UMS_READY_TRIES) {
			const uint8_t *s = u->wrap + 128;

			klog("%s: not ready after %u tries (sense key %x, ASC %02x/%02x%s)\n", usb_label(u->dev),
			    u->tries, s[2] & 0xf, s[12], s[13], s[12] == 0x3a ? ": no medium" : "");
			ums_give_up(u, "no usable medium");
			return;
		}
		u->probe = P_READY;
		u->retry_at = timer_ns() + 100000000;	/* ask again in 100 ms */
		return;
	case P_CAPACITY10:
		if (u->result) {
			ums_give_up(u, "no answer to READ CAPACITY");
			return;
		}
		if (be32(d) == 0xffffffffu) {
			u->probe = P_CAPACITY16;
			break;
		}
		u->blk.sectors = (uint64_t)be32(d) + 1;
		if (be32(d + 4) != BLK_SECTOR) {
			klog("%s: blocks of %u bytes; only 512 are supported\n", usb_label(u->dev), be32(d + 4));
			ums_give_up(u, "unsupported block size");
			return;
		}
		u->probe = P_MODE_SENSE;
		break;
	case P_CAPACITY16:
		if (u->result || be32(d + 8) != BLK_SECTOR) {
			ums_give_up(u, "no usable READ CAPACITY (16)");
			return;
		}
		u->blk.sectors = ((uint64_t)be32(d) << 32 | be32(d + 4)) + 1;
		u->probe = P_MODE_SENSE;
		break;
	case P_MODE_SENSE:
		/* Byte 2, bit 7 of the header: write protected (SBC-3 6.5.1).
		 * Many sticks refuse MODE SENSE: then it is writable. */
		u->blk.read_only = !u->result && (d[2] & 0x80);
		u->probe = P_RUN;
		return;
	}
	ums_probe_step(u);
}

static void ums_probe_step(struct ums *u)
{
	uint8_t cdb[16] = { 0 };

	memset(u->wrap + 256, 0, 64);
	switch (u->probe) {
	case P_INQUIRY:
		cdb[0] = SCSI_INQUIRY, cdb[4] = 36;
		ums_command(u, cdb, 6, 1, u->wrap + 256, 36, ums_probe_done);
		break;
	case P_READY:
		cdb[0] = SCSI_TEST_UNIT_READY;
		ums_command(u, cdb, 6, 0, NULL, 0, ums_probe_done);
		break;
	case P_SENSE:
		ums_request_sense(u, ums_probe_done);
		break;
	case P_CAPACITY10:
		cdb[0] = SCSI_READ_CAPACITY10;
		ums_command(u, cdb, 10, 1, u->wrap + 256, 8, ums_probe_done);
		break;
	case P_CAPACITY16:
		cdb[0] = SCSI_READ_CAPACITY16, cdb[1] = 0x10, cdb[13] = 32;
		ums_command(u, cdb, 16, 1, u->wrap + 256, 32, ums_probe_done);
		break;
	case P_MODE_SENSE:
		cdb[0] = SCSI_MODE_SENSE6, cdb[2] = 0x3f, cdb[4] = 4;	/* every page, the header only */
		ums_command(u, cdb, 6, 1, u->wrap + 256, 4, ums_probe_done);
		break;
	}
}

static void ums_registered(struct ums *u)
{
	struct blk_dev *d = &u->blk;

	d->name[0] = 's';
	d->name[1] = 'd';
	d->name[2] = (char)('a' + (u - umss));
	d->max_count = UMS_SECTORS;
	d->queue_depth = UMS_QUEUE;
	d->submit = ums_submit;
	d->poll = ums_blk_poll;
	d->abandon = ums_abandon;
	d->priv = u;
	memcpy(u->iface->what, d->name, 4);
	blk_register(d);
	klog("usb-storage: %s %llu sectors (%llu MiB), %s, \"%s\" on %s\n", d->name, ULL(d->sectors),
	    ULL(d->sectors >> 11), d->read_only ? "read-only" : "read-write", u->vendor, usb_label(u->dev));
}

static void ums_poll(struct usb_iface *i)
{
	struct ums *u = i->priv;

	if (u->phase != C_IDLE || u->probe == P_DEAD)
		return;
	if (u->probe == P_RUN) {
		if (i->busy) {
			i->busy = 0;
			ums_registered(u);
		}
		ums_next(u);
	} else if (u->probe == P_INQUIRY && !u->tag) {
		ums_probe_step(u);	/* the first command; the others follow from each answer */
	} else if (u->probe == P_READY && u->retry_at && timer_ns() >= u->retry_at) {
		u->retry_at = 0;
		ums_probe_step(u);
	}
}

static int ums_attach(struct usb_iface *i)
{
	const struct usb_ep *in = usb_find_ep(i, USB_EP_BULK, USB_DIR_IN), *out = usb_find_ep(i, USB_EP_BULK, 0);
	struct ums *u = NULL;
	uint32_t k;

	/* SCSI (6) or the older command sets that speak it too (2 MMC, 5
	 * SFF-8070i), over bulk-only transport (0x50). */
	if (i->class != 8 || i->protocol != 0x50 || (i->subclass != 6 && i->subclass != 2 && i->subclass != 5))
		return -1;
	if (!in || !out) {
		klog("%s: mass storage without bulk endpoints; left alone\n", usb_label(i->dev));
		return -1;
	}
	for (k = 0; k < UMS_MAX && !u; k++)
		if (!umss[k].used)
			u = &umss[k];
	if (!u) {
		klog("%s: %u USB disks this boot already; left alone\n", usb_label(i->dev), UMS_MAX);
		return -1;
	}
	memset(u, 0, sizeof(*u));
	u->wrap = kcalloc(1, 512);
	u->bounce = (uint8_t *)(uintptr_t)pmm_alloc(UMS_SECTORS * BLK_SECTOR / PAGE_SIZE);
	if (!u->wrap || !u->bounce) {
		kfree(u->wrap);
		if (u->bounce)
			pmm_free((uint64_t)(uintptr_t)u->bounce, UMS_SECTORS * BLK_SECTOR / PAGE_SIZE);
		return -1;
	}
	u->used = 1;
	u->iface = i;
	u->dev = i->dev;
	u->in = in->addr;
	u->out = out->addr;
	u->probe = P_INQUIRY;
	i->priv = u;
	i->busy = 1;
	return 0;
}

/* The stick was pulled: its disk stays registered, dead (the block layer
 * keeps it); requests still waiting fail. */
static void ums_detach(struct usb_iface *i)
{
	struct ums *u = i->priv;
	struct blk_req *r;

	u->iface = NULL;
	if (u->probe == P_RUN)
		u->blk.dead = 1;
	if ((r = u->cur)) {
		u->cur = NULL;
		ums_finish(u, r, BLK_ENODEV);
	}
	while ((r = u->head)) {
		u->head = r->next;
		ums_finish(u, r, BLK_ENODEV);
	}
	u->tail = NULL;
	u->queued = 0;
	kfree(u->wrap);
	u->wrap = NULL;
	/* The bounce buffer stays: a request the block layer gave up on may
	 * still have pointed the (now stopped) controller at it. */
	i->priv = NULL;
}

const struct usb_class usb_class_storage = { "usb-storage", ums_attach, ums_detach, ums_poll };
