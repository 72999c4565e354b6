/*
 * USB 2.0 hubs (USB 2.0 chapter 11.24): a class driver of the USB core
 * (usb.h).  QEMU: -device usb-hub (a full-speed hub with 8 ports), and a
 * device on its port 2 with -device usb-kbd,bus=xhci.0,port=1.2.
 *
 * Bringing a hub up: its hub descriptor (how many ports, the think time of
 * its transaction translator), the controller told it is a hub, every port
 * powered, then the time the descriptor says power takes to be good.  From
 * then on its interrupt endpoint reports which ports changed; each such
 * port is looked at (GET_STATUS, one CLEAR_FEATURE per change bit) and runs
 * the same states as a root port in usb.c: debounce, reset under the bus's
 * address lock, recovery, a new device.  Only one request of a hub is in
 * flight at a time; a port also gets a look every 100 ms while something
 * is going on, in case a change report was missed.
 *
 * A USB 3 hub is two hubs in one: its SuperSpeed half is not driven here
 * (it is logged), its USB 2 half on the USB 2 ports serves every port.
 */
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "timer.h"
#include "usb.h"

#define HUB_DEBOUNCE_NS		(100ull * 1000000)
#define HUB_RESET_TIMEOUT_NS	(500ull * 1000000)
#define HUB_RECOVERY_NS		(10ull * 1000000)
#define HUB_RELOOK_NS		(100ull * 1000000)
#define HUB_TIMEOUT_MS		2000

/* Hub class requests and features (11.24.2). */
#define HUB_DT_HUB		0x29
#define PORT_RESET		4
#define PORT_POWER		8
#define C_PORT_CONNECTION	16
/* wPortStatus bits (11.24.2.7.1). */
#define PS_CONNECTION		(1u << 0)
#define PS_ENABLE		(1u << 1)
#define PS_OVER_CURRENT		(1u << 3)
#define PS_RESET		(1u << 4)
#define PS_LOW_SPEED		(1u << 9)
#define PS_HIGH_SPEED		(1u << 10)

enum { HP_EMPTY, HP_DEBOUNCE, HP_WAIT_LOCK, HP_RESETTING, HP_RECOVERY, HP_DEVICE };
enum { H_DESC, H_UPDATE, H_UPDATING, H_POWER, H_POWER_WAIT, H_RUN, H_DEAD };

/* A port also stands for itself as the owner of the bus's address lock
 * (usb_addr_lock compares owners, it never uses them) from its reset
 * until its device has an address. */
struct hub_port {
	uint8_t state;		/* HP_* */
	uint8_t look;		/* the hub reported a change, or a wait is over */
	uint64_t until, deadline;
	struct usb_dev *dev;
};

struct hub {
	struct usb_iface *iface;
	struct usb_dev *dev;
	const struct usb_ep *status_ep;
	uint8_t step;			/* H_* */
	uint8_t nports;
	uint8_t port_busy;		/* the port of the request in flight (0: a hub request) */
	uint8_t powering;		/* the next port to power */
	uint64_t until;			/* H_POWER_WAIT: power good then */
	uint64_t intr_retry;		/* ns: submit the status request again then (0: in flight) */
	uint32_t power_ms;
	struct usb_xfer ctl, intr;
	uint8_t *buf;			/* DMA: [0, 64) descriptor and port status, [64, 72) change bitmap */
	struct hub_port port[USB_MAX_PORTS + 1];	/* by port number, [0] unused */
};

static void hub_ctl_done(struct usb_xfer *x);

static int hub_request(struct hub *h, uint8_t type, uint8_t req, uint16_t value, uint16_t index, uint16_t len)
{
	h->ctl.done = hub_ctl_done;
	h->ctl.arg = h;
	return usb_control(&h->ctl, h->dev, type, req, value, index, h->buf, len, HUB_TIMEOUT_MS);
}

static int hub_port_feature(struct hub *h, uint8_t port, uint8_t req, uint16_t feature)
{
	h->port_busy = port;
	return hub_request(h, USB_TYPE_CLASS | USB_RECIP_OTHER, req, feature, port, 0);
}

static void hub_intr_done(struct usb_xfer *x)
{
	struct hub *h = x->arg;
	uint32_t p;

	if (x->status == USB_ENODEV)
		return;
	if (x->status) {
		h->intr_retry = timer_ns() + HUB_RELOOK_NS;
		return;
	}
	for (p = 1; p <= h->nports && p / 8 < x->actual; p++)
		if (h->buf[64 + p / 8] & (1u << (p % 8)))
			h->port[p].look = 1;
	h->intr_retry = 1;	/* again at the next poll */
}

static void hub_intr_submit(struct hub *h)
{
	h->intr.dev = h->dev;
	h->intr.ep = h->status_ep->addr;
	h->intr.buf = h->buf + 64;
	h->intr.len = MIN((uint32_t)(h->nports / 8 + 1), (uint32_t)MIN(h->status_ep->mps, 8));
	h->intr.timeout_ms = 0;		/* it answers when a port changes */
	h->intr.done = hub_intr_done;
	h->intr.arg = h;
	h->intr_retry = 0;
	if (usb_submit(&h->intr) && h->intr.status != USB_ENODEV)
		h->intr_retry = timer_ns() + HUB_RELOOK_NS;
}

/* A port's status after GET_STATUS: clear what changed, then move on. */
static void hub_port_status(struct hub *h, uint8_t p, uint16_t status, uint16_t change)
{
	struct hub_port *hp = &h->port[p];
	uint64_t now = timer_ns();
	uint32_t bit;

	for (bit = 0; bit < 5; bit++)
		if (change & (1u << bit)) {
			/* One change bit per request; the port is looked at again after. */
			hp->look = 1;
			hub_port_feature(h, p, USB_REQ_CLEAR_FEATURE, (uint16_t)(C_PORT_CONNECTION + bit));
			break;
		}
	if ((status & PS_OVER_CURRENT) && (change & (1u << 3)))
		klog("%s: port %u: over-current\n", usb_label(h->dev), p);
	if (!(status & PS_CONNECTION) || ((change & 1) && hp->state != HP_EMPTY && hp->state != HP_DEBOUNCE)) {
		if (hp->dev)
			usb_dev_gone(hp->dev);
		hp->dev = NULL;
		usb_addr_unlock(h->dev->bus, (struct usb_dev *)hp);
		hp->state = HP_EMPTY;
		if (!(status & PS_CONNECTION))
			return;
	}
	switch (hp->state) {
	case HP_EMPTY:
		hp->state = HP_DEBOUNCE;
		hp->until = now + HUB_DEBOUNCE_NS;
		break;
	case HP_RESETTING:
		if ((status & PS_ENABLE) && !(status & PS_RESET)) {
			hp->state = HP_RECOVERY;
			hp->until = now + HUB_RECOVERY_NS;
		} else if (now >= hp->deadline) {
			klog("%s: port %u did not come out of reset; left alone\n", usb_label(h->dev), p);
			usb_addr_unlock(h->dev->bus, (struct usb_dev *)hp);
			hp->state = HP_DEVICE;
		} else {
			hp->until = now + HUB_RECOVERY_NS;
		}
		break;
	case HP_RECOVERY:
		if (now < hp->until)
			break;
		hp->state = HP_DEVICE;
		usb_addr_unlock(h->dev->bus, (struct usb_dev *)hp);
		hp->dev = usb_dev_new(h->dev->bus, h->dev, p, (status & PS_LOW_SPEED) ? USB_LOW :
		    (status & PS_HIGH_SPEED) ? USB_HIGH : USB_FULL);
		if (hp->dev)
			usb_addr_lock(h->dev->bus, hp->dev);
		break;
	}
}

static void hub_ctl_done(struct usb_xfer *x)
{
	struct hub *h = x->arg;
	uint8_t p = h->port_busy;

	if (x->status == USB_ENODEV)
		return;
	h->port_busy = 0;
	switch (h->step) {
	case H_DESC:
		if (x->status || x->actual < 7 || h->buf[1] != HUB_DT_HUB || !h->buf[2]) {
			klog("%s: no hub descriptor (%s); left alone\n", usb_label(h->dev), usb_strerror(x->status));
			h->step = H_DEAD;
			h->iface->busy = 0;
			return;
		}
		h->nports = (uint8_t)MIN(h->buf[2], USB_MAX_PORTS);
		h->power_ms = MAX(h->buf[5] * 2u, 20u);
		h->dev->hub_ports = h->nports;
		h->dev->hub_ttt = (h->buf[3] >> 5) & 3;
		h->step = H_UPDATE;
		return;
	case H_POWER:
		h->powering++;
		return;
	case H_RUN:
		if (!p)
			return;
		if (x->status) {
			klog("%s: port %u: %s\n", usb_label(h->dev), p, usb_strerror(x->status));
			h->port[p].look = 1;
			h->port[p].until = timer_ns() + HUB_RELOOK_NS;
			return;
		}
		if (x->setup.request == USB_REQ_GET_STATUS && x->actual >= 4)
			hub_port_status(h, p, (uint16_t)(h->buf[0] | h->buf[1] << 8), (uint16_t)(h->buf[2] | h->buf[3] << 8));
		return;
	}
}

extern const struct usb_class usb_class_hub;

static void hub_updated(struct usb_dev *d, int status)
{
	struct usb_iface *i;
	struct hub *h = NULL;
	uint32_t k;

	for (k = 0; k < d->iface_count && !h; k++)
		if (d->ifaces[k].driver == &usb_class_hub)
			h = d->ifaces[k].priv;
	if (!h || h->step != H_UPDATING)
		return;
	i = h->iface;
	if (status) {
		klog("%s: the controller did not take it as a hub (%s); left alone\n", usb_label(d), usb_strerror(status));
		h->step = H_DEAD;
		i->busy = 0;
		return;
	}
	h->step = H_POWER;
	h->powering = 1;
}

/* The port that needs a look now, 0 if none. */
static uint8_t hub_next_port(struct hub *h, uint64_t now)
{
	uint8_t p;

	for (p = 1; p <= h->nports; p++) {
		struct hub_port *hp = &h->port[p];

		if (hp->look || (hp->state != HP_EMPTY && hp->state != HP_DEVICE && hp->state != HP_WAIT_LOCK &&
		    now >= hp->until))
			return p;
		if (hp->state == HP_WAIT_LOCK && !h->dev->bus->addressing)
			return p;
	}
	return 0;
}

static void hub_poll(struct usb_iface *i)
{
	struct hub *h = i->priv;
	uint64_t now = timer_ns();
	uint8_t p, busy = 0;

	if (h->ctl.status == USB_PENDING || h->step == H_DEAD)
		return;
	switch (h->step) {
	case H_DESC:
		hub_request(h, USB_DIR_IN | USB_TYPE_CLASS, USB_REQ_GET_DESCRIPTOR, HUB_DT_HUB << 8, 0, 64);
		return;
	case H_UPDATE:
		h->step = H_UPDATING;
		usb_hub_update(h->dev, hub_updated);
		return;
	case H_POWER:
		if (h->powering <= h->nports) {
			hub_port_feature(h, h->powering, USB_REQ_SET_FEATURE, PORT_POWER);
			return;
		}
		h->step = H_POWER_WAIT;
		h->until = now + (uint64_t)h->power_ms * 1000000;
		return;
	case H_POWER_WAIT:
		if (now < h->until)
			return;
		for (p = 1; p <= h->nports; p++)
			h->port[p].look = 1;
		h->step = H_RUN;
		hub_intr_submit(h);
		break;
	case H_RUN:
		break;
	default:
		return;
	}
	if (h->intr_retry && now >= h->intr_retry)
		hub_intr_submit(h);
	p = hub_next_port(h, now);
	if (p) {
		struct hub_port *hp = &h->port[p];

		if (hp->state == HP_DEBOUNCE && now >= hp->until && !hp->look)
			hp->state = HP_WAIT_LOCK;
		if (hp->state == HP_WAIT_LOCK && !hp->look) {
			if (usb_addr_lock(h->dev->bus, (struct usb_dev *)hp)) {
				hp->state = HP_RESETTING;
				hp->deadline = now + HUB_RESET_TIMEOUT_NS;
				hp->until = now + HUB_RECOVERY_NS;
				hub_port_feature(h, p, USB_REQ_SET_FEATURE, PORT_RESET);
			}
		} else {
			hp->look = 0;
			h->port_busy = p;
			hub_request(h, USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_OTHER, USB_REQ_GET_STATUS, 0, p, 4);
		}
	}
	for (p = 1; p <= h->nports; p++)
		if (h->port[p].look || (h->port[p].state != HP_EMPTY && h->port[p].state != HP_DEVICE))
			busy = 1;
	i->busy = busy;
}

static int hub_attach(struct usb_iface *i)
{
	struct hub *h;
	const struct usb_ep *ep = usb_find_ep(i, USB_EP_INTR, USB_DIR_IN);

	if (i->class != 9)
		return -1;
	if (i->dev->speed >= USB_SUPER) {
		klog("%s: a SuperSpeed hub: its USB 2 half serves its ports\n", usb_label(i->dev));
		return -1;
	}
	if (!ep)
		return -1;
	h = kcalloc(1, sizeof(*h));
	if (h)
		h->buf = kcalloc(1, 128);
	if (!h || !h->buf) {
		kfree(h);
		return -1;
	}
	h->iface = i;
	h->dev = i->dev;
	h->status_ep = ep;
	h->step = H_DESC;
	i->priv = h;
	i->busy = 1;
	memcpy(i->what, "hub", 4);
	return 0;
}

static void hub_detach(struct usb_iface *i)
{
	struct hub *h = i->priv;
	uint32_t p;

	for (p = 1; p <= h->nports; p++) {
		if (h->port[p].dev)
			usb_dev_gone(h->port[p].dev);
		usb_addr_unlock(h->dev->bus, (struct usb_dev *)&h->port[p]);
	}
	kfree(h->buf);
	kfree(h);
	i->priv = NULL;
}

const struct usb_class usb_class_hub = { "usb-hub", hub_attach, hub_detach, hub_poll };
