/*
 * xHCI host controllers (eXtensible Host Controller Interface for USB,
 * revision 1.2), under the USB core's interface (usb.h).  QEMU:
 * -device qemu-xhci (4 USB 2 and 4 USB 3 ports), or nec-usb-xhci.
 *
 * The controller reads our rings and writes its events; we never wait for
 * it after the start: a command (enable a slot, address a device, configure
 * its endpoints, recover an endpoint) or a transfer is queued and finished
 * by xhci_bus_poll when its event shows up in the event ring.  The poll
 * only reads memory (the next event's cycle bit) unless there is work, so
 * it is cheap at every turn of the kernel's loop; an MSI-X interrupt, when
 * the function has it, only wakes the CPU.
 *
 * Rings are one page each: 255 TRBs and a link back to the first (4.9.2).
 * A transfer's TRBs remember which transfer owns them, so an event finds
 * its transfer from the TRB it points at.  An endpoint that halts (a stall,
 * a transaction error) or a transfer that times out is recovered as xHCI
 * 4.6.8 and 4.6.9 say: Reset Endpoint or Stop Endpoint, then Set TR
 * Dequeue Pointer past that transfer, then the next one goes.
 *
 * Bounded waits happen only while the controller is brought up.  A
 * controller whose command goes unanswered for 5 s is given up: its devices
 * are gone, the rest of the system goes on.
 */
#include "cpu.h"
#include "drivers.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "paging.h"
#include "pci.h"
#include "pmm.h"
#include "timer.h"
#include "trap.h"
#include "usb.h"

#define XHCI_MAX	4
#define XHCI_SLOTS	64		/* device slots we enable, at most */
#define RING_TRBS	256		/* one page; the last is the link */
#define RING_ROOM	(RING_TRBS - 2)	/* usable: one TRB stays free to tell full from empty */
#define XHCI_PIECES	80		/* TRBs of one transfer's data, at most */
#define CMD_TIMEOUT_NS	(5000000000ull)
#define CHECK_NS	10000000ull	/* timeouts and the status register: every 10 ms */

/* Capability registers (5.3). */
#define CAP_LENGTH	0x00
#define CAP_HCSPARAMS1	0x04
#define CAP_HCSPARAMS2	0x08
#define CAP_HCCPARAMS1	0x10
#define CAP_DBOFF	0x14
#define CAP_RTSOFF	0x18
/* Operational registers (5.4). */
#define OP_USBCMD	0x00
#define OP_USBSTS	0x04
#define OP_CRCR		0x18
#define OP_DCBAAP	0x30
#define OP_CONFIG	0x38
#define OP_PORTSC(n)	(0x400 + 0x10 * ((n) - 1))
#define CMD_RS		(1u << 0)
#define CMD_HCRST	(1u << 1)
#define CMD_INTE	(1u << 2)
#define STS_HCH		(1u << 0)
#define STS_HSE		(1u << 2)
#define STS_EINT	(1u << 3)
#define STS_CNR		(1u << 11)
#define STS_HCE		(1u << 12)
/* Interrupter 0 (5.5.2). */
#define RT_IMAN		0x20
#define RT_IMOD		0x24
#define RT_ERSTSZ	0x28
#define RT_ERSTBA	0x30
#define RT_ERDP		0x38
#define ERDP_EHB	(1u << 3)
/* PORTSC (5.4.8). */
#define PS_CCS		(1u << 0)
#define PS_PED		(1u << 1)
#define PS_OCA		(1u << 3)
#define PS_PR		(1u << 4)
#define PS_PP		(1u << 9)
#define PS_SPEED(v)	(((v) >> 10) & 0xf)
#define PS_CSC		(1u << 17)
#define PS_CHANGES	(0x7fu << 17)	/* CSC PEC WRC OCC PRC PLC CEC: write 1 to clear */
/* Written back as they are: power, indicators, wake enables.  Never PED
 * (writing 1 disables the port) nor a change bit we do not mean to clear. */
#define PS_KEEP		(PS_PP | (3u << 14) | (7u << 25))

/* TRB types (6.4.6) and fields. */
enum {
	TRB_NORMAL = 1, TRB_SETUP = 2, TRB_DATA = 3, TRB_STATUS = 4, TRB_LINK = 6,
	TRB_ENABLE_SLOT = 9, TRB_DISABLE_SLOT = 10, TRB_ADDRESS = 11, TRB_CONFIGURE = 12,
	TRB_EVALUATE = 13, TRB_RESET_EP = 14, TRB_STOP_EP = 15, TRB_SET_DEQ = 16,
	TRB_EV_TRANSFER = 32, TRB_EV_COMMAND = 33, TRB_EV_PORT = 34, TRB_EV_HOST = 37,
};
#define TRB_C		(1u << 0)	/* cycle */
#define TRB_TC		(1u << 1)	/* link: toggle cycle */
#define TRB_ISP		(1u << 2)	/* interrupt on short packet */
#define TRB_CH		(1u << 4)	/* chain: the TD goes on */
#define TRB_IOC		(1u << 5)
#define TRB_IDT		(1u << 6)	/* immediate data: the setup packet is in the TRB */
#define TRB_DIR_IN	(1u << 16)
#define TRB_TYPE(t)	((uint32_t)(t) << 10)
#define TRB_GET_TYPE(c)	(((c) >> 10) & 0x3f)

/* Completion codes (6.4.5). */
#define CC_SUCCESS	1
#define CC_STALL	6
#define CC_SHORT	13
#define CC_STOPPED	26
#define CC_STOPPED_LEN	27
#define CC_STOPPED_SHORT 28

/* Endpoint states in the output context (6.2.3). */
#define EPS_HALTED	2

struct xhci_trb {
	uint64_t param;
	uint32_t status, control;
};
_Static_assert(sizeof(struct xhci_trb) == 16, "xHCI 6.4");

struct xhci_erst {
	uint64_t base;
	uint32_t size, reserved;
};
_Static_assert(sizeof(struct xhci_erst) == 16, "xHCI 6.5");

struct xhci_ring {
	volatile struct xhci_trb *trb;	/* DMA page */
	uint32_t enq;			/* the next TRB we write */
	uint32_t used;			/* TRBs of pending transfers or commands */
	uint8_t pcs;			/* producer cycle state */
};

struct xhci;
struct xhci_slot;

enum { EP_RUNNING, EP_RECOVER };

struct xhci_ep {
	struct xhci_ring ring;
	struct usb_xfer **owner;	/* per TRB: the transfer it belongs to */
	struct usb_xfer *head, *tail;	/* pending transfers, in ring order */
	struct usb_xfer *cancel;	/* timed out, finished once the endpoint has stopped */
	uint8_t dci;			/* device context index: 1 EP0, 2n OUT n, 2n+1 IN n */
	uint8_t state;			/* EP_RUNNING or EP_RECOVER (no doorbell until done) */
};

struct xhci_slot {
	struct xhci *xc;
	struct usb_dev *dev;
	uint8_t id;			/* 0 until Enable Slot answers */
	uint8_t max_dci;		/* the slot context's Context Entries */
	uint32_t cmds;			/* its commands in flight */
	uint8_t freeing;		/* the device is gone: no new work, free once idle */
	uint8_t disabled;		/* Disable Slot has answered */
	uint8_t *in, *out;		/* input and device contexts (two DMA pages) */
	struct xhci_ep *ep[32];		/* by DCI */
	void (*done)(struct usb_dev *d, int status);	/* the core's, for the command in flight */
	void (*free_done)(struct usb_dev *d, int status);
};

/* A command in flight, by its TRB's index on the command ring. */
struct xhci_cmd {
	void (*fn)(struct xhci_slot *s, struct xhci_ep *ep, uint32_t code, uint32_t slot_id);
	struct xhci_slot *slot;
	struct xhci_ep *ep;
	uint8_t busy;
};

static struct xhci {
	struct usb_bus bus;
	struct pci_dev *pci;
	volatile uint8_t *cap, *op, *rt;
	volatile uint32_t *db;
	uint32_t max_slots, ports, ctx_size;
	uint8_t ac64, msix;
	uint8_t port_usb3[USB_MAX_PORTS + 1];	/* from the Supported Protocol capabilities */
	uint64_t *dcbaa;			/* DMA: device context pointers, [0] the scratchpads */
	struct xhci_ring cmd;
	struct xhci_cmd cmds[RING_TRBS];
	uint32_t cmd_pending;
	uint64_t cmd_deadline;			/* ns: the oldest command in flight must answer by then */
	volatile struct xhci_trb *ev;		/* DMA: the one event ring segment */
	uint32_t ev_idx;
	uint8_t ev_ccs;				/* consumer cycle state */
	uint64_t next_check_tsc;
	struct xhci_slot *slots[256];
	uint8_t dead;
} xhcis[XHCI_MAX];
static uint32_t xhci_count;

static uint32_t rd32(volatile uint8_t *base, uint32_t off) { return *(volatile uint32_t *)(base + off); }
static void wr32(volatile uint8_t *base, uint32_t off, uint32_t v) { *(volatile uint32_t *)(base + off) = v; }

/* 64-bit registers as two dwords, low first (5.1: any controller takes that). */
static void wr64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
	wr32(base, off, (uint32_t)v);
	wr32(base, off + 4, (uint32_t)(v >> 32));
}

static void barrier(void) { __asm__ volatile("" ::: "memory"); }

/* A zeroed DMA page the controller can reach (below 4 GiB without AC64). */
static void *xhci_page(struct xhci *xc, uint32_t pages)
{
	uint64_t pa = pmm_alloc(pages);

	if (pa && !xc->ac64 && pa + pages * PAGE_SIZE > (1ull << 32)) {
		pmm_free(pa, pages);
		pa = 0;
	}
	if (pa)
		memset((void *)(uintptr_t)pa, 0, pages * PAGE_SIZE);
	return (void *)(uintptr_t)pa;
}

/* --- rings ------------------------------------------------------------------------ */

static int xhci_ring_init(struct xhci *xc, struct xhci_ring *r)
{
	volatile struct xhci_trb *link;

	r->trb = xhci_page(xc, 1);
	if (!r->trb)
		return -1;
	r->enq = 0;
	r->used = 0;
	r->pcs = 1;
	link = &r->trb[RING_TRBS - 1];
	link->param = (uint64_t)(uintptr_t)r->trb;
	link->control = TRB_TYPE(TRB_LINK) | TRB_TC;	/* cycle 0: not ours to run yet */
	return 0;
}

static uint64_t xhci_trb_addr(const struct xhci_ring *r, uint32_t i)
{
	return (uint64_t)(uintptr_t)&r->trb[i];
}

/* Writes one TRB at the enqueue point with the producer's cycle bit
 * (inverted if `hold`: the first TRB of a TD is made valid last, so the
 * controller never runs half a TD).  Returns its index. */
static uint32_t xhci_put(struct xhci_ring *r, uint64_t param, uint32_t status, uint32_t control, int hold)
{
	uint32_t i = r->enq;

	r->trb[i].param = param;
	r->trb[i].status = status;
	barrier();
	r->trb[i].control = (control & ~TRB_C) | (hold ? !r->pcs : r->pcs);
	r->used++;
	if (++r->enq == RING_TRBS - 1) {
		volatile struct xhci_trb *link = &r->trb[RING_TRBS - 1];

		/* A link inside a TD chains it on (4.11.5.1). */
		link->control = TRB_TYPE(TRB_LINK) | TRB_TC | (control & TRB_CH) | r->pcs;
		r->enq = 0;
		r->pcs ^= 1;
	}
	return i;
}

/* Index of the TRB after i (the link is not one of ours). */
static uint32_t xhci_next(uint32_t i)
{
	return i + 1 == RING_TRBS - 1 ? 0 : i + 1;
}

/* The ring index of a TRB address, or -1 if it is not on the ring. */
static int32_t xhci_index(const struct xhci_ring *r, uint64_t addr)
{
	uint64_t base = (uint64_t)(uintptr_t)r->trb;

	if (addr < base || addr >= base + (RING_TRBS - 1) * sizeof(struct xhci_trb) || (addr & 15))
		return -1;
	return (int32_t)((addr - base) / sizeof(struct xhci_trb));
}

/* --- commands --------------------------------------------------------------------- */

static void xhci_die(struct xhci *xc, const char *why);
static void xhci_slot_release(struct xhci_slot *s);
static void xhci_slot_disable(struct xhci_slot *s);

static int xhci_command(struct xhci *xc, uint64_t param, uint32_t control, struct xhci_slot *s,
    struct xhci_ep *ep, void (*fn)(struct xhci_slot *, struct xhci_ep *, uint32_t, uint32_t))
{
	uint32_t i;

	if (xc->dead || xc->cmd.used >= RING_ROOM)
		return -1;
	i = xhci_put(&xc->cmd, param, 0, control, 0);
	xc->cmds[i] = (struct xhci_cmd){ fn, s, ep, 1 };
	if (!xc->cmd_pending++)
		xc->cmd_deadline = timer_ns() + CMD_TIMEOUT_NS;
	if (s)
		s->cmds++;
	xc->db[0] = 0;	/* the host controller's doorbell: the command ring */
	return 0;
}

static void xhci_cmd_event(struct xhci *xc, const struct xhci_trb *ev)
{
	int32_t i = xhci_index(&xc->cmd, ev->param);
	struct xhci_cmd c;

	if (i < 0 || !xc->cmds[i].busy)
		return;		/* not a command of ours in flight: ignored */
	c = xc->cmds[i];
	xc->cmds[i].busy = 0;
	xc->cmd.used--;
	if (--xc->cmd_pending)
		xc->cmd_deadline = timer_ns() + CMD_TIMEOUT_NS;
	if (c.slot)
		c.slot->cmds--;
	c.fn(c.slot, c.ep, ev->status >> 24, ev->control >> 24);
	/* A gone device's slot is let go once its last command has answered. */
	if (c.slot && c.slot->freeing && !c.slot->cmds) {
		if (c.slot->disabled)
			xhci_slot_release(c.slot);
		else
			xhci_slot_disable(c.slot);
	}
}

/* --- contexts ---------------------------------------------------------------------- */

/* Input context entry i: 0 the input control context, 1 the slot, 1 + DCI
 * an endpoint (6.2.5). */
static uint32_t *xhci_in(struct xhci_slot *s, uint32_t i)
{
	return (uint32_t *)(s->in + i * s->xc->ctx_size);
}

static uint32_t xhci_ep_state(struct xhci_slot *s, uint32_t dci)
{
	return *(volatile uint32_t *)(s->out + dci * s->xc->ctx_size) & 7;
}

static void xhci_slot_ctx(struct xhci_slot *s)
{
	struct usb_dev *d = s->dev;
	uint32_t *sc = xhci_in(s, 1);
	struct xhci_slot *tt = d->tt_hub ? d->tt_hub->hc : NULL;

	sc[0] = (d->route & 0xfffff) | (uint32_t)d->speed << 20 | (uint32_t)s->max_dci << 27 |
	    (d->hub_ports ? 1u << 26 : 0) | (d->hub_mtt ? 1u << 25 : 0);
	sc[1] = (uint32_t)d->root_port << 16 | (uint32_t)d->hub_ports << 24;
	sc[2] = (tt ? tt->id | (uint32_t)d->tt_port << 8 : 0) | (uint32_t)d->hub_ttt << 16;
	sc[3] = 0;
}

/* The Interval field (6.2.3.6): 125 us times a power of two. */
static uint32_t xhci_interval(const struct usb_dev *d, const struct usb_ep *e)
{
	uint32_t v = e->interval, l = 0;

	if (e->type != USB_EP_INTR && e->type != USB_EP_ISOCH)
		return 0;
	if (d->speed == USB_HIGH || d->speed >= USB_SUPER || e->type == USB_EP_ISOCH)
		return MIN(MAX(v, 1u), 16u) - 1;
	/* Full and low speed interrupt endpoints count in frames of 1 ms:
	 * the largest power of two not above it, in 125 us units. */
	v = MAX(v, 1u) * 8;
	while (v >>= 1)
		l++;
	return MIN(MAX(l, 3u), 10u);
}

static struct xhci_ep *xhci_ep_new(struct xhci_slot *s, uint8_t dci)
{
	struct xhci_ep *ep = s->ep[dci];

	if (ep)
		return ep;
	ep = kcalloc(1, sizeof(*ep));
	if (!ep)
		return NULL;
	ep->owner = kcalloc(RING_TRBS, sizeof(*ep->owner));
	if (!ep->owner || xhci_ring_init(s->xc, &ep->ring) < 0) {
		kfree(ep->owner);
		kfree(ep);
		return NULL;
	}
	ep->dci = dci;
	s->ep[dci] = ep;
	return ep;
}

static void xhci_ep_ctx(struct xhci_slot *s, struct xhci_ep *ep, const struct usb_ep *e)
{
	uint32_t *c = xhci_in(s, 1u + ep->dci);
	uint32_t in = (e->addr & USB_DIR_IN) != 0;
	uint32_t type = e->type == USB_EP_CONTROL ? 4 : e->type + (in ? 4 : 0);
	uint32_t esit = e->type == USB_EP_INTR ? e->mps * (e->burst + 1u) : 0;
	uint64_t ring = (uint64_t)(uintptr_t)ep->ring.trb;

	c[0] = xhci_interval(s->dev, e) << 16;
	c[1] = 3u << 1 | type << 3 | (uint32_t)e->burst << 8 | (uint32_t)e->mps << 16;	/* CErr 3 */
	c[2] = (uint32_t)ring | 1;	/* dequeue cycle state 1: a fresh ring */
	c[3] = (uint32_t)(ring >> 32);
	/* Average TRB length (4.14.1.1): 8 for control, the packet for
	 * interrupt, a few KiB for bulk. */
	c[4] = (e->type == USB_EP_CONTROL ? 8 : e->type == USB_EP_INTR ? e->mps : 3072) | esit << 16;
}

static uint8_t xhci_dci(uint8_t addr)
{
	return (addr & 0x0f) ? (uint8_t)((addr & 0x0f) * 2 + ((addr & USB_DIR_IN) ? 1 : 0)) : 1;
}

/* --- transfers -------------------------------------------------------------------- */

static void xhci_doorbell(struct xhci_slot *s, struct xhci_ep *ep)
{
	if (ep->state == EP_RUNNING && ep->head && s->id && !s->freeing && !s->xc->dead)
		s->xc->db[s->id] = ep->dci;
}

/* Takes x (the oldest pending) off its endpoint, frees its TRBs, reports. */
static void xhci_finish(struct xhci_ep *ep, struct usb_xfer *x, int32_t status)
{
	uint32_t i = x->first;

	for (;;) {
		ep->owner[i] = NULL;
		ep->ring.used--;
		if (i == x->last)
			break;
		i = xhci_next(i);
	}
	ep->head = x->next;
	if (!ep->head)
		ep->tail = NULL;
	else if (ep->head->timeout_ms)	/* it starts only now */
		ep->head->deadline_tsc = rdtsc() + timer_tsc_hz() / 1000 * ep->head->timeout_ms;
	x->next = NULL;
	x->status = status;
	if (x->done)
		x->done(x);
}

/* [va, va+len) as DMA pieces: physically contiguous, at most 64 KiB and
 * never across a 64 KiB boundary (6.4.1).  Returns the count, 0 if the
 * buffer is unmapped or too scattered. */
static uint32_t xhci_pieces(uint64_t va, uint32_t len, uint64_t *pa, uint32_t *n)
{
	uint32_t count = 0;

	while (len) {
		uint64_t p = paging_translate(va);
		uint32_t take = (uint32_t)MIN((uint64_t)len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));

		if (!p)
			return 0;
		if (count && pa[count - 1] + n[count - 1] == p && n[count - 1] + take <= 65536 &&
		    (pa[count - 1] >> 16) == ((p + take - 1) >> 16)) {
			n[count - 1] += take;
		} else {
			if (count == XHCI_PIECES)
				return 0;
			pa[count] = p;
			n[count++] = take;
		}
		va += take;
		len -= take;
	}
	return count;
}

/* TD Size (4.11.2.4): packets left in the TD after this TRB, at most 31. */
static uint32_t xhci_td_size(uint32_t left, uint16_t mps)
{
	return MIN((left + mps - 1) / mps, 31u) << 17;
}

static int xhci_submit(struct usb_xfer *x)
{
	static uint64_t pa[XHCI_PIECES];
	static uint32_t n[XHCI_PIECES];
	struct xhci_slot *s = x->dev->hc;
	struct xhci_ep *ep = s ? s->ep[xhci_dci(x->ep)] : NULL;
	uint32_t count = 0, i, trbs, left = x->len, first = 0, idx = 0, dir_in;
	uint16_t mps;

	if (!ep || !s->id || s->freeing)
		return USB_EINVAL;
	if (x->len && !(count = xhci_pieces((uint64_t)(uintptr_t)x->buf, x->len, pa, n)))
		return USB_EINVAL;
	trbs = count + (ep->dci == 1 ? 2 : 0);
	if (!trbs)
		trbs = 1;	/* a zero-length bulk or interrupt transfer: one empty TRB */
	if (ep->ring.used + trbs > RING_ROOM)
		return USB_EBUSY;
	mps = (uint16_t)MAX(1u, (*(uint32_t *)(s->out + ep->dci * s->xc->ctx_size + 4)) >> 16);
	dir_in = ep->dci == 1 ? (x->setup.type & USB_DIR_IN) != 0 : (ep->dci & 1);
	x->short_seen = 0;
	if (ep->dci == 1) {
		uint64_t setup;

		memcpy(&setup, &x->setup, 8);
		/* TRT (6.4.1.2.1): 0 no data, 2 OUT data, 3 IN data. */
		first = xhci_put(&ep->ring, setup, 8, TRB_TYPE(TRB_SETUP) | TRB_IDT |
		    (x->len ? (dir_in ? 3u : 2u) << 16 : 0), 1);
	}
	for (i = 0; i < count || (i == 0 && !count && ep->dci != 1); i++) {
		uint32_t len = count ? n[i] : 0, type;

		left -= len;
		type = ep->dci == 1 && i == 0 ? TRB_TYPE(TRB_DATA) | (dir_in ? TRB_DIR_IN : 0) : TRB_TYPE(TRB_NORMAL);
		idx = xhci_put(&ep->ring, count ? pa[i] : 0, len | (i + 1 < count ? xhci_td_size(left, mps) : 0),
		    type | TRB_ISP | (i + 1 < count ? TRB_CH : ep->dci == 1 ? 0 : TRB_IOC), ep->dci != 1 && i == 0);
		if (ep->dci != 1 && i == 0)
			first = idx;
	}
	if (ep->dci == 1)	/* the status stage goes the other way (or IN without data) */
		idx = xhci_put(&ep->ring, 0, 0, TRB_TYPE(TRB_STATUS) | TRB_IOC |
		    (x->len && dir_in ? 0 : TRB_DIR_IN), 0);
	x->first = (uint16_t)first;
	x->last = (uint16_t)idx;
	for (i = first;; i = xhci_next(i)) {
		ep->owner[i] = x;
		if (i == idx)
			break;
	}
	barrier();
	ep->ring.trb[first].control ^= TRB_C;	/* the whole TD is there: let it run */
	x->next = NULL;
	if (ep->tail)
		ep->tail->next = x;
	else
		ep->head = x;
	ep->tail = x;
	if (ep->head == x && x->timeout_ms)
		x->deadline_tsc = rdtsc() + timer_tsc_hz() / 1000 * x->timeout_ms;
	xhci_doorbell(s, ep);
	return 0;
}

/* --- endpoint recovery (4.6.8, 4.6.9, 4.6.10) --------------------------------------- */

static void xhci_recover(struct xhci_slot *s, struct xhci_ep *ep);

static void xhci_recover_step(struct xhci_slot *s, struct xhci_ep *ep, uint32_t code, uint32_t slot_id)
{
	struct usb_xfer *x = ep->cancel;

	if (x) {
		/* Stopped: the controller no longer touches its buffer. */
		ep->cancel = NULL;
		xhci_finish(ep, x, USB_ETIMEDOUT);
	}
	xhci_recover(s, ep);
}

static void xhci_recovered(struct xhci_slot *s, struct xhci_ep *ep, uint32_t code, uint32_t slot_id)
{
	if (code != CC_SUCCESS)
		klog("xhci: %s: endpoint %u did not take its new dequeue pointer (code %u)\n",
		    usb_label(s->dev), ep->dci, code);
	ep->state = EP_RUNNING;
	xhci_doorbell(s, ep);
}

/* One step towards a running endpoint whose ring resumes after the
 * transfers finished: a halted one is reset, a running one with a timed-out
 * transfer stopped, and a stopped one told where to go on. */
static void xhci_recover(struct xhci_slot *s, struct xhci_ep *ep)
{
	struct xhci *xc = s->xc;
	uint32_t state = xhci_ep_state(s, ep->dci), i;
	uint64_t deq;

	ep->state = EP_RECOVER;
	if (s->freeing || xc->dead)
		return;	/* the slot goes: its transfers end there */
	if (state == EPS_HALTED) {
		xhci_command(xc, 0, TRB_TYPE(TRB_RESET_EP) | (uint32_t)ep->dci << 16 | (uint32_t)s->id << 24, s, ep,
		    xhci_recover_step);
		return;
	}
	if (ep->cancel && state == 1) {	/* running */
		xhci_command(xc, 0, TRB_TYPE(TRB_STOP_EP) | (uint32_t)ep->dci << 16 | (uint32_t)s->id << 24, s, ep,
		    xhci_recover_step);
		return;
	}
	if (ep->cancel) {	/* already stopped */
		xhci_recover_step(s, ep, CC_SUCCESS, s->id);
		return;
	}
	/* Past every finished transfer: the next pending TD, or where the
	 * next will be written, with the cycle bit that TRB has. */
	i = ep->head ? ep->head->first : ep->ring.enq;
	deq = xhci_trb_addr(&ep->ring, i) | (ep->head ? (ep->ring.trb[i].control & TRB_C) : ep->ring.pcs);
	xhci_command(xc, deq, TRB_TYPE(TRB_SET_DEQ) | (uint32_t)ep->dci << 16 | (uint32_t)s->id << 24, s, ep,
	    xhci_recovered);
}

static int32_t xhci_status(uint32_t code)
{
	switch (code) {
	case CC_SUCCESS: case CC_SHORT: return 0;
	case CC_STALL: return USB_ESTALL;
	}
	return USB_EIO;
}

static void xhci_transfer_event(struct xhci *xc, const struct xhci_trb *ev)
{
	uint32_t code = ev->status >> 24, slot_id = ev->control >> 24, dci = (ev->control >> 16) & 0x1f;
	struct xhci_slot *s = xc->slots[slot_id];
	struct xhci_ep *ep = s ? s->ep[dci] : NULL;
	struct usb_xfer *x;
	int32_t i;

	if (!ep || (i = xhci_index(&ep->ring, ev->param)) < 0 || !(x = ep->owner[i]) || x == ep->cancel)
		return;	/* stale: its transfer finished already (or is being cancelled) */
	if (code == CC_STOPPED || code == CC_STOPPED_LEN || code == CC_STOPPED_SHORT)
		return;	/* our own Stop Endpoint: xhci_recover_step finishes it */
	if (code == CC_SHORT) {
		uint32_t done = 0, j;

		/* Bytes of the TRBs before this one, then this one's part. */
		for (j = x->first; j != (uint32_t)i; j = xhci_next(j))
			if (TRB_GET_TYPE(ep->ring.trb[j].control) != TRB_SETUP)
				done += ep->ring.trb[j].status & 0x1ffff;
		done += (ep->ring.trb[i].status & 0x1ffff) - MIN(ev->status & 0xffffff, ep->ring.trb[i].status & 0x1ffff);
		x->actual = done;
		x->short_seen = 1;
		/* A control transfer goes on to its status stage; any other TD
		 * ends at a short packet (4.10.1.1). */
		if (dci == 1 && (uint32_t)i != x->last)
			return;
		xhci_finish(ep, x, 0);
		return;
	}
	if (code == CC_SUCCESS) {
		if ((uint32_t)i != x->last)
			return;		/* not its end (we ask no event there; some send one) */
		if (!x->short_seen)
			x->actual = x->len - (dci == 1 ? 0 : MIN(ev->status & 0xffffff, x->len));
		xhci_finish(ep, x, 0);
		return;
	}
	/* An error: the endpoint halted (or stopped) at this TD.  Nothing
	 * queued meanwhile (the done hook may submit again) may ring the
	 * doorbell before the recovery is over. */
	if (ep->state == EP_RUNNING) {
		ep->state = EP_RECOVER;
		xhci_finish(ep, x, xhci_status(code));
		xhci_recover(s, ep);
	} else {
		xhci_finish(ep, x, xhci_status(code));
	}
}

/* --- slots --------------------------------------------------------------------------- */

/* A slot's command for the core ended (when the device went meanwhile,
 * the core is not told: xhci_cmd_event frees the slot next). */
static void xhci_slot_cmd_done(struct xhci_slot *s, int status)
{
	void (*done)(struct usb_dev *, int) = s->done;

	s->done = NULL;
	if (done && !s->freeing)
		done(s->dev, status);
}

static void xhci_addressed(struct xhci_slot *s, struct xhci_ep *ep, uint32_t code, uint32_t slot_id)
{
	xhci_slot_cmd_done(s, code == CC_SUCCESS ? 0 : USB_EIO);
}

static void xhci_slot_enabled(struct xhci_slot *s, struct xhci_ep *ep, uint32_t code, uint32_t slot_id)
{
	struct xhci *xc = s->xc;
	struct usb_ep ep0 = { 0, USB_EP_CONTROL, 0, 0, 0 };

	if (code != CC_SUCCESS || !slot_id || slot_id > xc->max_slots || xc->slots[slot_id]) {
		if (code == 9)
			klog("xhci: %s: no device slot left (%u in use)\n", xc->bus.name, xc->max_slots);
		xhci_slot_cmd_done(s, USB_EIO);
		return;
	}
	s->id = (uint8_t)slot_id;
	xc->slots[slot_id] = s;
	xc->dcbaa[slot_id] = (uint64_t)(uintptr_t)s->out;
	if (s->freeing) {
		xhci_slot_cmd_done(s, USB_ENODEV);
		return;
	}
	ep = xhci_ep_new(s, 1);
	if (!ep) {
		xhci_slot_cmd_done(s, USB_EIO);
		return;
	}
	/* 4.3.3: the slot and EP0, then Address Device (which sends SET_ADDRESS). */
	memset(s->in, 0, PAGE_SIZE);
	xhci_in(s, 0)[1] = 3;		/* add the slot and EP0 */
	s->max_dci = 1;
	xhci_slot_ctx(s);
	ep0.mps = s->dev->mps0;
	xhci_ep_ctx(s, ep, &ep0);
	if (xhci_command(xc, (uint64_t)(uintptr_t)s->in, TRB_TYPE(TRB_ADDRESS) | slot_id << 24, s, NULL,
	    xhci_addressed) < 0)
		xhci_slot_cmd_done(s, USB_EIO);
}

static void xhci_dev_address(struct usb_dev *d, void (*done)(struct usb_dev *, int))
{
	struct xhci *xc = d->bus->priv;
	struct xhci_slot *s = kcalloc(1, sizeof(*s));
	uint8_t *ctx = s ? xhci_page(xc, 2) : NULL;

	if (!ctx) {
		kfree(s);
		done(d, USB_EIO);
		return;
	}
	s->xc = xc;
	s->dev = d;
	s->in = ctx;
	s->out = ctx + PAGE_SIZE;
	s->done = done;
	d->hc = s;
	if (xhci_command(xc, 0, TRB_TYPE(TRB_ENABLE_SLOT), s, NULL, xhci_slot_enabled) < 0)
		xhci_slot_cmd_done(s, USB_EIO);
}

static void xhci_cmd_done(struct xhci_slot *s, struct xhci_ep *ep, uint32_t code, uint32_t slot_id)
{
	if (code != CC_SUCCESS)
		klog("xhci: %s: command failed with completion code %u\n", usb_label(s->dev), code);
	xhci_slot_cmd_done(s, code == CC_SUCCESS ? 0 : USB_EIO);
}

/* EP0's max packet size changed: Evaluate Context (4.6.7). */
static void xhci_dev_ep0(struct usb_dev *d, void (*done)(struct usb_dev *, int))
{
	struct xhci_slot *s = d->hc;
	struct usb_ep ep0 = { 0, USB_EP_CONTROL, 0, d->mps0, 0 };
	uint32_t *out0 = (uint32_t *)(s->out + s->xc->ctx_size);

	if ((out0[1] >> 16) == d->mps0) {
		done(d, 0);	/* it was right */
		return;
	}
	s->done = done;
	memset(s->in, 0, PAGE_SIZE);
	xhci_in(s, 0)[1] = 2;		/* EP0 */
	xhci_ep_ctx(s, s->ep[1], &ep0);
	if (xhci_command(s->xc, (uint64_t)(uintptr_t)s->in, TRB_TYPE(TRB_EVALUATE) | (uint32_t)s->id << 24, s,
	    NULL, xhci_cmd_done) < 0)
		xhci_slot_cmd_done(s, USB_EIO);
}

/* Every bulk and interrupt endpoint of the interfaces: Configure
 * Endpoint (4.6.6).  Isochronous ones are left out (no class driver here
 * uses them). */
static void xhci_dev_configure(struct usb_dev *d, void (*done)(struct usb_dev *, int))
{
	struct xhci_slot *s = d->hc;
	uint32_t i, j, add = 1;

	memset(s->in, 0, PAGE_SIZE);
	for (i = 0; i < d->iface_count; i++)
		for (j = 0; j < d->ifaces[i].ep_count; j++) {
			const struct usb_ep *e = &d->ifaces[i].eps[j];
			uint8_t dci = xhci_dci(e->addr);
			struct xhci_ep *ep;

			if ((e->type != USB_EP_BULK && e->type != USB_EP_INTR) || (add & 1u << dci))
				continue;
			if (!(ep = xhci_ep_new(s, dci))) {
				done(d, USB_EIO);
				return;
			}
			xhci_ep_ctx(s, ep, e);
			add |= 1u << dci;
			s->max_dci = MAX(s->max_dci, dci);
		}
	if (add == 1) {
		done(d, 0);	/* EP0 only */
		return;
	}
	xhci_in(s, 0)[1] = add;
	xhci_slot_ctx(s);
	s->done = done;
	if (xhci_command(s->xc, (uint64_t)(uintptr_t)s->in, TRB_TYPE(TRB_CONFIGURE) | (uint32_t)s->id << 24, s,
	    NULL, xhci_cmd_done) < 0)
		xhci_slot_cmd_done(s, USB_EIO);
}

/* The slot context learns it is a hub (4.6.6: Configure Endpoint with only
 * the slot's flag). */
static void xhci_dev_hub(struct usb_dev *d, void (*done)(struct usb_dev *, int))
{
	struct xhci_slot *s = d->hc;

	memset(s->in, 0, PAGE_SIZE);
	xhci_in(s, 0)[1] = 1;
	xhci_slot_ctx(s);
	s->done = done;
	if (xhci_command(s->xc, (uint64_t)(uintptr_t)s->in, TRB_TYPE(TRB_CONFIGURE) | (uint32_t)s->id << 24, s,
	    NULL, xhci_cmd_done) < 0)
		xhci_slot_cmd_done(s, USB_EIO);
}

/* Nothing of the slot is in the controller's hands any more: finish its
 * transfers, free its memory, tell the core. */
static void xhci_slot_release(struct xhci_slot *s)
{
	struct xhci *xc = s->xc;
	void (*done)(struct usb_dev *, int) = s->free_done;
	struct usb_dev *d = s->dev;
	uint32_t i;

	for (i = 1; i < 32; i++) {
		struct xhci_ep *ep = s->ep[i];

		if (!ep)
			continue;
		ep->cancel = NULL;	/* it is ep->head: finished below */
		while (ep->head)
			xhci_finish(ep, ep->head, USB_ENODEV);
		pmm_free((uint64_t)(uintptr_t)ep->ring.trb, 1);
		kfree(ep->owner);
		kfree(ep);
	}
	if (s->id) {
		xc->slots[s->id] = NULL;
		xc->dcbaa[s->id] = 0;
	}
	pmm_free((uint64_t)(uintptr_t)s->in, 2);
	d->hc = NULL;
	kfree(s);
	done(d, 0);
}

static void xhci_slot_disabled(struct xhci_slot *s, struct xhci_ep *ep, uint32_t code, uint32_t slot_id)
{
	s->disabled = 1;	/* xhci_cmd_event releases it */
}

/* Disable Slot (4.6.4): afterwards the controller touches none of its
 * memory. */
static void xhci_slot_disable(struct xhci_slot *s)
{
	if (!s->id || s->xc->dead || xhci_command(s->xc, 0, TRB_TYPE(TRB_DISABLE_SLOT) | (uint32_t)s->id << 24, s,
	    NULL, xhci_slot_disabled) < 0)
		xhci_slot_release(s);
}

static void xhci_dev_free(struct usb_dev *d, void (*done)(struct usb_dev *, int))
{
	struct xhci_slot *s = d->hc;

	if (!s) {
		done(d, 0);
		return;
	}
	s->free_done = done;
	s->freeing = 1;
	if (!s->cmds)
		xhci_slot_disable(s);	/* else xhci_cmd_event does, after the last one */
}

/* --- root ports ---------------------------------------------------------------------- */

static uint32_t xhci_port_status(struct usb_bus *b, uint32_t port)
{
	struct xhci *xc = b->priv;
	uint32_t v = rd32(xc->op, OP_PORTSC(port)), st = 0;

	if (v & PS_CHANGES)
		wr32(xc->op, OP_PORTSC(port), (v & PS_KEEP) | (v & PS_CHANGES));
	if (v & PS_CCS)
		st |= USB_PS_CONNECTED;
	if (v & PS_PED)
		st |= USB_PS_ENABLED;
	if (v & PS_PR)
		st |= USB_PS_RESETTING;
	if (v & PS_OCA)
		st |= USB_PS_OVERCURRENT;
	if (v & PS_CSC)
		st |= USB_PS_CHANGED;
	if (xc->port_usb3[port])
		st |= USB_PS_USB3;
	return st | PS_SPEED(v) << 8;
}

static void xhci_port_reset(struct usb_bus *b, uint32_t port)
{
	struct xhci *xc = b->priv;
	uint32_t v = rd32(xc->op, OP_PORTSC(port));

	wr32(xc->op, OP_PORTSC(port), (v & PS_KEEP) | PS_PR);
}

/* --- events and the poll ---------------------------------------------------------------- */

static void xhci_timeouts(struct xhci *xc)
{
	uint64_t now = rdtsc();
	uint32_t i, j, sts;

	if (now < xc->next_check_tsc)
		return;
	xc->next_check_tsc = now + timer_tsc_hz() / (1000000000ull / CHECK_NS);
	sts = rd32(xc->op, OP_USBSTS);
	if (sts & (STS_HSE | STS_HCE)) {
		xhci_die(xc, sts & STS_HCE ? "reported an internal error" : "reported a host system error");
		return;
	}
	if (xc->cmd_pending && timer_ns() > xc->cmd_deadline) {
		xhci_die(xc, "did not answer a command in 5 s");
		return;
	}
	for (i = 1; i <= xc->max_slots; i++) {
		struct xhci_slot *s = xc->slots[i];

		for (j = 1; s && j < 32; j++) {
			struct xhci_ep *ep = s->ep[j];
			struct usb_xfer *x = ep ? ep->head : NULL;

			if (!x || !x->timeout_ms || ep->state != EP_RUNNING || now < x->deadline_tsc)
				continue;
			/* Cancelled: stop the endpoint, then finish it. */
			ep->cancel = x;
			xhci_recover(s, ep);
		}
	}
}

static void xhci_bus_poll(struct usb_bus *b)
{
	struct xhci *xc = b->priv;
	uint32_t n = 0;

	if (xc->dead)
		return;
	while ((xc->ev[xc->ev_idx].control & TRB_C) == xc->ev_ccs && n < 4 * RING_TRBS) {
		struct xhci_trb ev;

		/* The cycle bit first, then the rest: written before it. */
		barrier();
		ev.param = xc->ev[xc->ev_idx].param;
		ev.status = xc->ev[xc->ev_idx].status;
		ev.control = xc->ev[xc->ev_idx].control;
		if (++xc->ev_idx == RING_TRBS) {
			xc->ev_idx = 0;
			xc->ev_ccs ^= 1;
		}
		n++;
		switch (TRB_GET_TYPE(ev.control)) {
		case TRB_EV_TRANSFER:
			xhci_transfer_event(xc, &ev);
			break;
		case TRB_EV_COMMAND:
			xhci_cmd_event(xc, &ev);
			break;
		case TRB_EV_PORT:
			usb_port_changed(b, (uint32_t)(ev.param >> 24) & 0xff);
			break;
		case TRB_EV_HOST:
			klog("xhci: %s: host controller event, code %u\n", b->name, ev.status >> 24);
			break;
		}
		if (xc->dead)
			return;
	}
	if (n) {
		/* Hand the segment back up to here; EHB cleared (write 1). */
		wr64(xc->rt, RT_ERDP, (uint64_t)(uintptr_t)&xc->ev[xc->ev_idx] | ERDP_EHB);
		wr32(xc->op, OP_USBSTS, STS_EINT);
	}
	xhci_timeouts(xc);
}

static void xhci_die(struct xhci *xc, const char *why)
{
	uint32_t i;

	klog("xhci: %s %s; given up\n", xc->bus.name, why);
	xc->dead = 1;
	/* Halt it: no more DMA into memory we are about to free. */
	wr32(xc->op, OP_USBCMD, rd32(xc->op, OP_USBCMD) & ~CMD_RS);
	for (i = 0; i < RING_TRBS; i++)
		xc->cmds[i].busy = 0;
	for (i = 1; i <= xc->max_slots; i++)
		if (xc->slots[i])
			xc->slots[i]->cmds = 0;
	usb_bus_dead(&xc->bus);
}

static void xhci_poll(void)
{
	uint32_t i;

	for (i = 0; i < xhci_count; i++)
		usb_poll(&xhcis[i].bus);
}

static const struct usb_hc_ops xhci_ops = {
	xhci_port_status, xhci_port_reset, xhci_dev_address, xhci_dev_ep0, xhci_dev_configure,
	xhci_dev_hub, xhci_dev_free, xhci_submit, xhci_bus_poll,
};

/* --- bringing a controller up (4.2) --------------------------------------------------- */

/* Waits until (reg & mask) == want, at most `ms`: only while starting. */
static int xhci_wait(volatile uint8_t *base, uint32_t off, uint32_t mask, uint32_t want, uint32_t ms)
{
	uint64_t deadline = timer_ns() + (uint64_t)ms * 1000000;

	while ((rd32(base, off) & mask) != want)
		if (timer_ns() > deadline)
			return -1;
	return 0;
}

/* The extended capabilities (7): take the controller from the firmware
 * (USB Legacy Support, 7.1.1) and learn which ports are USB 3 (Supported
 * Protocol, 7.2). */
static void xhci_ext_caps(struct xhci *xc, uint32_t hcc)
{
	uint32_t off = (hcc >> 16) * 4, guard;

	for (guard = 0; off && guard < 64; guard++) {
		uint32_t v = rd32(xc->cap, off);

		if ((v & 0xff) == 1) {
			/* Ask for it (OS Owned), wait for the BIOS to let go, and
			 * turn its SMIs off either way. */
			wr32(xc->cap, off, v | (1u << 24));
			if (xhci_wait(xc->cap, off, 1u << 16, 0, 1000) < 0)
				klog("xhci: %s: the firmware kept the controller; taking it anyway\n", xc->bus.name);
			wr32(xc->cap, off, (rd32(xc->cap, off) & ~(1u << 16)) | (1u << 24));
			wr32(xc->cap, off + 4, (rd32(xc->cap, off + 4) & ~0x0000e011u) | 0xe0000000u);
		} else if ((v & 0xff) == 2) {
			uint32_t major = v >> 24, ports = rd32(xc->cap, off + 8), first = ports & 0xff, n = (ports >> 8) & 0xff, p;

			for (p = first; p < first + n && p <= USB_MAX_PORTS && p >= 1; p++)
				xc->port_usb3[p] = major >= 3;
		}
		if (!((v >> 8) & 0xff))
			break;
		off += ((v >> 8) & 0xff) * 4;
	}
}

/* Scratchpad buffers the controller asked for (4.20). */
static int xhci_scratchpads(struct xhci *xc, uint32_t hcs2)
{
	uint32_t n = ((hcs2 >> 21) & 0x1f) << 5 | (hcs2 >> 27), i;
	uint64_t *array;

	if (!n)
		return 0;
	if (n > PAGE_SIZE / 8 || !(array = xhci_page(xc, 1)))
		return -1;
	for (i = 0; i < n; i++)
		if (!(array[i] = (uint64_t)(uintptr_t)xhci_page(xc, 1)))
			return -1;
	xc->dcbaa[0] = (uint64_t)(uintptr_t)array;
	return 0;
}

/* Stop, reset, then program the controller: slots, contexts, command
 * ring, event ring, run.  0, or why not. */
static const char *xhci_start(struct xhci *xc)
{
	uint32_t hcs1 = rd32(xc->cap, CAP_HCSPARAMS1), hcs2 = rd32(xc->cap, CAP_HCSPARAMS2);
	uint32_t hcc = rd32(xc->cap, CAP_HCCPARAMS1), p;
	struct xhci_erst *erst;

	xc->max_slots = MIN(hcs1 & 0xff, XHCI_SLOTS);
	xc->ports = MIN(hcs1 >> 24, USB_MAX_PORTS);
	xc->ctx_size = hcc & (1u << 2) ? 64 : 32;
	xc->ac64 = hcc & 1;
	xhci_ext_caps(xc, hcc);
	wr32(xc->op, OP_USBCMD, rd32(xc->op, OP_USBCMD) & ~CMD_RS);
	if (xhci_wait(xc->op, OP_USBSTS, STS_HCH, STS_HCH, 100) < 0)
		return "did not halt";
	wr32(xc->op, OP_USBCMD, CMD_HCRST);
	/* Some controllers hang if touched in the first ms after HCRST. */
	timer_delay_ns(1000000);
	if (xhci_wait(xc->op, OP_USBCMD, CMD_HCRST, 0, 1000) < 0 ||
	    xhci_wait(xc->op, OP_USBSTS, STS_CNR, 0, 1000) < 0)
		return "did not come out of reset";
	if (!(xc->dcbaa = xhci_page(xc, 1)) || xhci_ring_init(xc, &xc->cmd) < 0 ||
	    !(xc->ev = xhci_page(xc, 1)) || xhci_scratchpads(xc, hcs2) < 0)
		return "no memory for its rings";
	wr32(xc->op, OP_CONFIG, xc->max_slots);
	wr64(xc->op, OP_DCBAAP, (uint64_t)(uintptr_t)xc->dcbaa);
	wr64(xc->op, OP_CRCR, (uint64_t)(uintptr_t)xc->cmd.trb | 1);	/* ring cycle state 1 */
	/* One event ring segment; its table sits in the DCBAA page's upper half. */
	erst = (struct xhci_erst *)((uint8_t *)xc->dcbaa + PAGE_SIZE / 2);
	erst->base = (uint64_t)(uintptr_t)xc->ev;
	erst->size = RING_TRBS;
	xc->ev_ccs = 1;
	wr32(xc->rt, RT_ERSTSZ, 1);
	wr64(xc->rt, RT_ERDP, (uint64_t)(uintptr_t)xc->ev);
	wr64(xc->rt, RT_ERSTBA, (uint64_t)(uintptr_t)erst);	/* last: it starts the ring (5.5.2.3.2) */
	wr32(xc->rt, RT_IMOD, 160);	/* at most one interrupt per 40 us: bursts of events wake us once */
	wr32(xc->rt, RT_IMAN, 3);	/* IP cleared, IE */
	wr32(xc->op, OP_USBCMD, CMD_RS | CMD_INTE);
	if (xhci_wait(xc->op, OP_USBSTS, STS_HCH, 0, 100) < 0)
		return "did not start";
	/* With port power control, ports stay off until told (4.19.4). */
	if (hcc & (1u << 3))
		for (p = 1; p <= xc->ports; p++)
			wr32(xc->op, OP_PORTSC(p), (rd32(xc->op, OP_PORTSC(p)) & PS_KEEP) | PS_PP);
	return NULL;
}

static int xhci_probe(struct pci_dev *pd)
{
	struct xhci *xc;
	const char *why;
	volatile uint8_t *base;
	char label[16];

	if (pd->class != 0x0c || pd->subclass != 0x03 || pd->prog_if != 0x30)
		return -1;
	fmt_snprintf(label, sizeof(label), "%02x:%02x.%u", pd->bus, pd->dev, pd->fn);
	if (xhci_count == XHCI_MAX) {
		klog("xhci: %s: more than %u controllers; left alone\n", label, XHCI_MAX);
		return -1;
	}
	if (!pd->bar[0].base || pd->bar[0].io) {
		klog("xhci: %s has no memory BAR; left alone\n", label);
		return -1;
	}
	xc = &xhcis[xhci_count];
	memset(xc, 0, sizeof(*xc));
	xc->pci = pd;
	fmt_snprintf(xc->bus.name, sizeof(xc->bus.name), "xhci %s", label);
	pci_enable(pd);
	base = (volatile uint8_t *)(uintptr_t)pd->bar[0].base;
	xc->cap = base;
	xc->op = base + (rd32(base, CAP_LENGTH) & 0xff);
	xc->rt = base + (rd32(base, CAP_RTSOFF) & ~0x1fu);
	xc->db = (volatile uint32_t *)(base + (rd32(base, CAP_DBOFF) & ~3u));
	if (rd32(base, CAP_LENGTH) == 0xffffffff) {
		klog("xhci: %s does not answer; left alone\n", label);
		return -1;
	}
	if ((why = xhci_start(xc))) {
		klog("xhci: %s %s; left alone\n", label, why);
		wr32(xc->op, OP_USBCMD, 0);
		return -1;
	}
	xc->msix = pci_msix_enable(pd, 0, VEC_VIRTIO) == 0;
	xc->bus.ops = &xhci_ops;
	xc->bus.priv = xc;
	xc->bus.ports = xc->ports;
	if (usb_bus_add(&xc->bus) < 0) {
		wr32(xc->op, OP_USBCMD, 0);
		return -1;
	}
	xhci_count++;
	klog("xhci: %s version %x.%02x, %u ports, %u slots, %u-byte contexts%s\n", label,
	    rd32(base, CAP_LENGTH) >> 24, (rd32(base, CAP_LENGTH) >> 16) & 0xff, xc->ports, xc->max_slots,
	    xc->ctx_size, xc->msix ? "" : ", polled (no MSI-X)");
	return 0;
}

const struct driver driver_xhci = { "xhci", xhci_probe, xhci_poll };
