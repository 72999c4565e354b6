/*
 * The USB core (USB 2.0 chapter 9, "USB Device Framework"; usb.h says who
 * calls what): root ports, enumeration, class matching.
 *
 * A root port that shows a connection is debounced (100 ms, USB 2.0
 * 7.1.7.3), reset, given 10 ms to recover (TRSTRCY) and handed to a new
 * device; hub ports do the same in usb_hub.c.  Only one device per bus is
 * ever at address 0: a port is reset only under the bus's address lock,
 * which its device gives back once it has an address.
 *
 * A device then walks these steps, one request at a time, each finished in
 * the poll: an address (the controller's SET_ADDRESS), the first 8 bytes of
 * its device descriptor (EP0's packet size), the whole descriptor, the
 * configuration descriptor's header and then all of it, its product name,
 * the controller told of its endpoints, SET_CONFIGURATION, and each
 * interface offered to the class drivers in usb_classes[] order.  A device
 * that fails a step is logged and left alone; the boot goes on.
 */
#include "cpu.h"
#include "fmt.h"
#include "lib.h"
#include "log.h"
#include "pmm.h"
#include "timer.h"
#include "usb.h"

#define USB_DEBOUNCE_NS		(100ull * 1000000)	/* USB 2.0 7.1.7.3: TATTDB */
#define USB_RESET_TIMEOUT_NS	(500ull * 1000000)
#define USB_RECOVERY_NS		(10ull * 1000000)	/* 7.1.7.5: TRSTRCY */
#define USB_SETTLE_NS		(250ull * 1000000)	/* a new controller's ports, before "nothing there" */
#define USB_CTL_TIMEOUT_MS	2000			/* each enumeration request */
#define USB_CONFIG_MAX		2048			/* bytes of configuration kept (dev->buf's second half) */

extern const struct usb_class usb_class_hub, usb_class_hid, usb_class_storage;

/* Every class driver, in the order each interface is offered to them. */
static const struct usb_class *const usb_classes[] = {
	&usb_class_hub,
	&usb_class_hid,
	&usb_class_storage,
};

enum { PORT_EMPTY, PORT_DEBOUNCE, PORT_WAIT_LOCK, PORT_RESETTING, PORT_RECOVERY, PORT_DEVICE };

/* Enumeration steps (dev->step), in order. */
enum { E_ADDRESS, E_DESC8, E_DESC18, E_CONF9, E_CONF, E_NAME, E_CONFIGURE, E_SETCONF, E_DONE };

static struct usb_bus *usb_buses[USB_MAX_BUSES];
static uint32_t usb_bus_count;
static struct usb_dev usb_devs[USB_MAX_DEVS];	/* state FREE when unused */

static void usb_enum_issue(struct usb_dev *d);
static void usb_announce(struct usb_dev *d);

const char *usb_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case USB_EIO: return "transaction error";
	case USB_EINVAL: return "bad request";
	case USB_EBUSY: return "queue full";
	case USB_ESTALL: return "stalled";
	case USB_ENODEV: return "device gone";
	case USB_ETIMEDOUT: return "no answer";
	}
	return "unknown error";
}

const char *usb_label(const struct usb_dev *d)
{
	static char buf[80];

	fmt_snprintf(buf, sizeof(buf), d->name[0] ? "usb %s (%s)" : "usb %s", d->path, d->name);
	return buf;
}

static const char *usb_speed_name(uint8_t s)
{
	static const char *const names[] = { "?", "full", "low", "high", "super", "super+" };

	return s < ARRAY_LEN(names) ? names[s] : "?";
}

static const char *usb_class_name(uint8_t c)
{
	switch (c) {
	case 0x01: return "audio";
	case 0x02: return "communications";
	case 0x03: return "HID";
	case 0x06: return "image";
	case 0x07: return "printer";
	case 0x08: return "mass storage";
	case 0x09: return "hub";
	case 0x0a: return "CDC data";
	case 0x0b: return "smart card";
	case 0x0e: return "video";
	case 0x10: return "audio/video";
	case 0xe0: return "wireless";
	case 0xef: return "miscellaneous";
	case 0xfe: return "application";
	case 0xff: return "vendor specific";
	}
	return "other";
}

/* --- buses and root ports --------------------------------------------------- */

int usb_bus_add(struct usb_bus *b)
{
	uint32_t p;

	if (usb_bus_count == USB_MAX_BUSES)
		return -1;
	b->number = usb_bus_count + 1;
	b->ports = MIN(b->ports, USB_MAX_PORTS);
	for (p = 0; p < b->ports; p++)
		b->port[p] = (struct usb_port){ PORT_EMPTY, 1, 0, 0, NULL };
	/* Devices already plugged in may show up only once the ports have
	 * powered up and seen them: until then "nothing there" is not an
	 * answer. */
	b->settle_until = timer_ns() + USB_SETTLE_NS;
	usb_buses[usb_bus_count++] = b;
	return 0;
}

void usb_port_changed(struct usb_bus *b, uint32_t port)
{
	if (port >= 1 && port <= b->ports)
		b->port[port - 1].look = 1;
}

int usb_addr_lock(struct usb_bus *b, struct usb_dev *owner)
{
	if (b->addressing && b->addressing != owner)
		return 0;
	b->addressing = owner;
	return 1;
}

void usb_addr_unlock(struct usb_bus *b, struct usb_dev *owner)
{
	if (b->addressing == owner)
		b->addressing = NULL;
}

/* A root port holds the lock under its own number (a fake owner pointer:
 * only compared, never used) from its reset until its device has an
 * address. */
static struct usb_dev *usb_root_owner(struct usb_bus *b, uint32_t p)
{
	return (struct usb_dev *)(uintptr_t)(0x1000 + b->number * 0x100 + p);
}

/* One look at root port p (0-based), when the controller said it changed
 * or a wait of its state machine is over. */
static void usb_root_port(struct usb_bus *b, uint32_t p, uint64_t now)
{
	struct usb_port *port = &b->port[p];
	struct usb_dev *owner = usb_root_owner(b, p + 1);
	uint32_t st;

	if (!port->look && (port->state == PORT_EMPTY || port->state == PORT_DEVICE ||
	    (port->state == PORT_WAIT_LOCK && b->addressing) ||
	    (port->state != PORT_WAIT_LOCK && now < port->until)))
		return;
	port->look = 0;
	st = b->ops->port_status(b, p + 1);
	if (!(st & USB_PS_CONNECTED) || ((st & USB_PS_CHANGED) && port->state != PORT_EMPTY &&
	    port->state != PORT_DEBOUNCE)) {
		/* Unplugged, or unplugged and plugged again between two looks. */
		if (port->dev)
			usb_dev_gone(port->dev);
		port->dev = NULL;
		usb_addr_unlock(b, owner);
		port->state = PORT_EMPTY;
		if (!(st & USB_PS_CONNECTED))
			return;
	}
	switch (port->state) {
	case PORT_EMPTY:
		port->state = PORT_DEBOUNCE;
		port->until = now + USB_DEBOUNCE_NS;
		break;
	case PORT_DEBOUNCE:
		if (now < port->until)
			break;
		port->state = PORT_WAIT_LOCK;
		/* fall through */
	case PORT_WAIT_LOCK:
		if (!usb_addr_lock(b, owner))
			break;
		port->state = PORT_RESETTING;
		port->deadline = now + USB_RESET_TIMEOUT_NS;
		port->until = now + USB_RECOVERY_NS;	/* look again then, event or not */
		/* A SuperSpeed port trains its link and enables itself (xHCI
		 * 4.3.1); a USB 2 port is enabled by a reset. */
		if (!(st & USB_PS_ENABLED) || !(st & USB_PS_USB3))
			b->ops->port_reset(b, p + 1);
		break;
	case PORT_RESETTING:
		if ((st & USB_PS_ENABLED) && !(st & USB_PS_RESETTING)) {
			port->state = PORT_RECOVERY;
			port->until = now + USB_RECOVERY_NS;
		} else if (now >= port->deadline) {
			klog("usb %u-%u: the port did not come out of reset; left alone\n", b->number, p + 1);
			usb_addr_unlock(b, owner);
			port->state = PORT_DEVICE;	/* until it is unplugged */
		} else {
			port->until = now + USB_RECOVERY_NS;
		}
		break;
	case PORT_RECOVERY:
		if (now < port->until)
			break;
		port->state = PORT_DEVICE;
		/* The device holds the address lock from now until it has an
		 * address. */
		usb_addr_unlock(b, owner);
		port->dev = usb_dev_new(b, NULL, (uint8_t)(p + 1), (uint8_t)USB_PS_SPEED(st));
		if (port->dev)
			usb_addr_lock(b, port->dev);
		break;
	}
}

void usb_bus_dead(struct usb_bus *b)
{
	uint32_t p;

	if (b->dead)
		return;
	b->dead = 1;
	klog("usb: %s stopped answering: its devices are gone\n", b->name);
	for (p = 0; p < b->ports; p++)
		if (b->port[p].dev) {
			usb_dev_gone(b->port[p].dev);
			b->port[p].dev = NULL;
		}
}

void usb_poll_transfers(struct usb_bus *b)
{
	if (b->polling)
		return;
	b->polling = 1;
	b->ops->poll(b);
	b->polling = 0;
}

void usb_poll(struct usb_bus *b)
{
	uint64_t now;
	uint32_t p, i, j;

	if (b->polling)
		return;	/* a class driver waiting inside a completion: the outer poll goes on */
	b->polling = 1;
	b->ops->poll(b);
	now = timer_ns();
	for (p = 0; p < b->ports && !b->dead; p++)
		usb_root_port(b, p, now);
	for (i = 0; i < USB_MAX_DEVS; i++) {
		struct usb_dev *d = &usb_devs[i];

		if (d->bus != b)
			continue;
		if (d->state == USB_DEV_ENUMERATING && d->wait_until && now >= d->wait_until)
			usb_enum_issue(d);
		else if (d->state == USB_DEV_CONFIGURED) {
			for (j = 0; j < d->iface_count; j++)
				if (d->ifaces[j].driver && d->ifaces[j].driver->poll)
					d->ifaces[j].driver->poll(&d->ifaces[j]);
			if (!d->announced && d->state == USB_DEV_CONFIGURED)
				usb_announce(d);
		}
	}
	b->polling = 0;
}

int usb_busy(void)
{
	uint64_t now = timer_ns();
	uint32_t i, p, j;

	for (i = 0; i < usb_bus_count; i++) {
		struct usb_bus *b = usb_buses[i];

		if (b->dead)
			continue;
		if (now < b->settle_until)
			return 1;
		for (p = 0; p < b->ports; p++)
			if (b->port[p].look || (b->port[p].state != PORT_EMPTY && b->port[p].state != PORT_DEVICE))
				return 1;
	}
	for (i = 0; i < USB_MAX_DEVS; i++) {
		if (usb_devs[i].state == USB_DEV_ENUMERATING)
			return 1;
		if (usb_devs[i].state == USB_DEV_CONFIGURED)
			for (j = 0; j < usb_devs[i].iface_count; j++)
				if (usb_devs[i].ifaces[j].busy)
					return 1;
	}
	return 0;
}

/* --- devices ------------------------------------------------------------------- */

struct usb_dev *usb_dev_new(struct usb_bus *b, struct usb_dev *hub, uint8_t port, uint8_t speed)
{
	struct usb_dev *d = NULL, *child, *up;
	uint64_t page;
	uint32_t i;

	for (i = 0; i < USB_MAX_DEVS && !d; i++)
		if (usb_devs[i].state == USB_DEV_FREE)
			d = &usb_devs[i];
	page = d ? pmm_alloc(1) : 0;
	if (!page) {
		klog("usb %u-%u: no room for another device (%u at most); left alone\n", b->number, port,
		    USB_MAX_DEVS);
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	memset((void *)(uintptr_t)page, 0, PAGE_SIZE);
	d->bus = b;
	d->parent = hub;
	d->port = port;
	d->speed = speed ? speed : USB_FULL;
	d->buf = (uint8_t *)(uintptr_t)page;
	d->config = d->buf + PAGE_SIZE / 2;
	if (hub) {
		d->root_port = hub->root_port;
		d->depth = hub->depth + 1;
		/* xHCI 4.3.3: four bits per hub tier, the nearest the root lowest. */
		d->route = hub->route | (uint32_t)MIN(port, 15) << (4 * hub->depth);
		fmt_snprintf(d->path, sizeof(d->path), "%s.%u", hub->path, port);
	} else {
		d->root_port = port;
		fmt_snprintf(d->path, sizeof(d->path), "%u-%u", b->number, port);
	}
	/* A low- or full-speed device behind a high-speed hub talks through
	 * that hub's transaction translator (USB 2.0 11.14). */
	for (child = d, up = hub; up && (d->speed == USB_LOW || d->speed == USB_FULL); child = up, up = up->parent)
		if (up->speed == USB_HIGH) {
			d->tt_hub = up;
			d->tt_port = child->port;
			break;
		}
	/* Until the descriptor says otherwise (xHCI 4.3, USB 2.0 5.5.3). */
	d->mps0 = speed == USB_SUPER || speed == USB_SUPER_PLUS ? 512 : speed == USB_HIGH ? 64 : 8;
	d->state = USB_DEV_ENUMERATING;
	d->step = E_ADDRESS;
	d->wait_until = 1;	/* at the next poll */
	return d;
}

static void usb_dev_freed(struct usb_dev *d, int status)
{
	uint32_t i;

	for (i = 0; i < d->iface_count; i++)
		if (d->ifaces[i].driver && d->ifaces[i].driver->detach)
			d->ifaces[i].driver->detach(&d->ifaces[i]);
	pmm_free((uint64_t)(uintptr_t)d->buf, 1);
	memset(d, 0, sizeof(*d));	/* state FREE */
}

void usb_dev_gone(struct usb_dev *d)
{
	if (d->state == USB_DEV_FREE || d->state == USB_DEV_GONE)
		return;
	if (d->state != USB_DEV_FAILED || !d->bus->dead)
		klog("%s: disconnected\n", usb_label(d));
	d->state = USB_DEV_GONE;
	usb_addr_unlock(d->bus, d);
	d->bus->ops->dev_free(d, usb_dev_freed);
}

void usb_hub_update(struct usb_dev *d, void (*done)(struct usb_dev *d, int status))
{
	d->bus->ops->dev_hub(d, done);
}

/* --- transfers ------------------------------------------------------------------- */

int usb_submit(struct usb_xfer *x)
{
	int err;

	x->next = NULL;
	x->actual = 0;
	if (!x->dev || x->dev->state == USB_DEV_GONE || x->dev->state == USB_DEV_FREE || x->dev->bus->dead)
		return x->status = USB_ENODEV;
	x->status = USB_PENDING;
	err = x->dev->bus->ops->submit(x);
	if (err)
		x->status = err;
	return err;
}

int usb_control(struct usb_xfer *x, struct usb_dev *d, uint8_t type, uint8_t request,
    uint16_t value, uint16_t index, void *buf, uint16_t len, uint32_t timeout_ms)
{
	x->dev = d;
	x->ep = 0;
	x->setup = (struct usb_setup){ type, request, value, index, len };
	x->buf = buf;
	x->len = len;
	x->timeout_ms = timeout_ms;
	return usb_submit(x);
}

const struct usb_ep *usb_find_ep(const struct usb_iface *i, uint8_t type, uint8_t dir_in)
{
	uint32_t e;

	for (e = 0; e < i->ep_count; e++)
		if (i->eps[e].type == type && (i->eps[e].addr & USB_DIR_IN) == dir_in)
			return &i->eps[e];
	return NULL;
}

const uint8_t *usb_find_desc(const struct usb_iface *i, uint8_t type)
{
	uint32_t off = i->desc[0];

	while (off + 2 <= i->desc_len && i->desc[off] >= 2) {
		if (i->desc[off + 1] == type)
			return i->desc + off;
		off += i->desc[off];
	}
	return NULL;
}

/* --- enumeration -------------------------------------------------------------------- */

static void usb_enum_fail(struct usb_dev *d, const char *what, int err)
{
	klog("%s: %s failed (%s); left alone\n", usb_label(d), what, usb_strerror(err));
	usb_addr_unlock(d->bus, d);
	d->state = USB_DEV_FAILED;
	d->wait_until = 0;
}

/* The next step's request goes out at the next poll, `delay_ns` from now. */
static void usb_enum_step(struct usb_dev *d, uint8_t step, uint64_t delay_ns)
{
	d->step = step;
	d->wait_until = timer_ns() + delay_ns;
}

/* The controller's part of a step is done: SET_ADDRESS (E_ADDRESS), EP0's
 * packet size (then d->step is E_DESC18) or the endpoints (E_SETCONF). */
static void usb_enum_hc_done(struct usb_dev *d, int status)
{
	if (d->state != USB_DEV_ENUMERATING)
		return;		/* gone meanwhile */
	if (status) {
		usb_enum_fail(d, d->step == E_ADDRESS ? "SET_ADDRESS" : d->step == E_DESC18 ?
		    "setting EP0's packet size" : "configuring its endpoints", status);
		return;
	}
	if (d->step == E_ADDRESS) {
		/* It has left address 0: the next device may be reset.  USB 2.0
		 * 9.2.6.3 gives a device 2 ms after SET_ADDRESS. */
		usb_addr_unlock(d->bus, d);
		usb_enum_step(d, E_DESC8, 2000000);
	} else {
		usb_enum_step(d, d->step, 0);
	}
}

/* Interfaces (alternate setting 0) and their endpoints, from d->config. */
static void usb_parse_config(struct usb_dev *d)
{
	const uint8_t *c = d->config;
	struct usb_iface *cur = NULL;
	uint32_t off = 0, skipped = 0;

	d->config_value = c[5];
	while (off + 2 <= d->config_len && c[off] >= 2 && off + c[off] <= d->config_len) {
		const uint8_t *p = c + off;

		if (p[1] == USB_DT_INTERFACE && p[0] >= 9) {
			if (cur)
				cur->desc_len = (uint32_t)(p - cur->desc);
			cur = NULL;
			if (p[3] == 0 && d->iface_count < USB_MAX_IFACES) {
				cur = &d->ifaces[d->iface_count++];
				cur->dev = d;
				cur->number = p[2];
				cur->class = p[5];
				cur->subclass = p[6];
				cur->protocol = p[7];
				cur->desc = p;
			} else if (p[3] == 0) {
				skipped++;
			}
		} else if (p[1] == USB_DT_ENDPOINT && p[0] >= 7 && cur && cur->ep_count < USB_MAX_EPS) {
			struct usb_ep *e = &cur->eps[cur->ep_count++];

			e->addr = p[2];
			e->type = p[3] & 3;
			e->mps = (uint16_t)(p[4] | p[5] << 8) & 0x7ff;
			e->interval = p[6];
		} else if (p[1] == 0x30 && p[0] >= 6 && cur && cur->ep_count) {
			/* SuperSpeed endpoint companion (USB 3.2, 9.6.7) of the last endpoint */
			cur->eps[cur->ep_count - 1].burst = p[2];
		}
		off += p[0];
	}
	if (cur)
		cur->desc_len = (uint32_t)(c + d->config_len - cur->desc);
	if (skipped)
		klog("%s: %u interfaces beyond the first %u left unused\n", usb_label(d), skipped, USB_MAX_IFACES);
}

/* UTF-16 string descriptor to ASCII ('?' for the rest). */
static void usb_take_name(struct usb_dev *d, const uint8_t *s, uint32_t len)
{
	uint32_t i, n = 0;

	if (len < 2 || s[1] != USB_DT_STRING)
		return;
	len = MIN(len, s[0]);
	for (i = 2; i + 1 < len && n + 1 < sizeof(d->name); i += 2)
		d->name[n++] = s[i + 1] || s[i] < 0x20 || s[i] > 0x7e ? '?' : (char)s[i];
	while (n && d->name[n - 1] == ' ')
		n--;
	d->name[n] = 0;
}

static void usb_bind(struct usb_dev *d)
{
	uint32_t i, j;

	d->state = USB_DEV_CONFIGURED;
	d->wait_until = 0;
	for (i = 0; i < d->iface_count; i++) {
		struct usb_iface *f = &d->ifaces[i];

		for (j = 0; j < ARRAY_LEN(usb_classes) && !f->driver; j++)
			if (usb_classes[j]->attach(f) == 0)
				f->driver = usb_classes[j];
		if (!f->driver)
			klog("%s: interface %u (%s, class %02x:%02x:%02x) is not supported; left alone\n",
			    usb_label(d), f->number, usb_class_name(f->class), f->class, f->subclass, f->protocol);
	}
}

/* One line per device, once its class drivers know what each interface
 * is ("keyboard", "sda", "hub"), or have given up on it. */
static void usb_announce(struct usb_dev *d)
{
	char line[160];
	uint32_t i, n;

	for (i = 0; i < d->iface_count; i++)
		if (d->ifaces[i].busy && !d->ifaces[i].what[0])
			return;
	d->announced = 1;
	n = fmt_snprintf(line, sizeof(line), "%s: %04x:%04x, %s speed", usb_label(d), d->vendor, d->product,
	    usb_speed_name(d->speed));
	for (i = 0; i < d->iface_count; i++)
		if (d->ifaces[i].driver && n < sizeof(line))
			n += fmt_snprintf(line + n, sizeof(line) - n, ", %s (%s)",
			    d->ifaces[i].what[0] ? d->ifaces[i].what : usb_class_name(d->ifaces[i].class),
			    d->ifaces[i].driver->name);
	if (n < sizeof(line) && !d->iface_count)
		fmt_snprintf(line + n, sizeof(line) - n, ", no interfaces");
	klog("%s\n", line);
}

static void usb_enum_done(struct usb_xfer *x)
{
	struct usb_dev *d = x->dev;
	const uint8_t *b = d->buf;

	if (d->state != USB_DEV_ENUMERATING)
		return;
	if (x->status && d->step != E_NAME) {
		static const char *const what[] = { "", "GET_DESCRIPTOR (device, 8 bytes)",
		    "GET_DESCRIPTOR (device)", "GET_DESCRIPTOR (configuration)",
		    "GET_DESCRIPTOR (configuration)", "", "", "SET_CONFIGURATION" };

		/* Some devices miss their first request after a reset: once more. */
		if (d->step == E_DESC8 && !d->retries++) {
			usb_enum_step(d, E_DESC8, 10000000);
			return;
		}
		usb_enum_fail(d, what[d->step], x->status);
		return;
	}
	switch (d->step) {
	case E_DESC8:
		if (x->actual < 8 || b[1] != USB_DT_DEVICE) {
			usb_enum_fail(d, "reading its device descriptor", USB_EIO);
			return;
		}
		/* USB 3 gives the size as a power of two (USB 3.2, 9.6.1). */
		if ((b[2] | b[3] << 8) >= 0x300)
			d->mps0 = (uint16_t)(1u << MIN(b[7], 9));
		else if (b[7] == 8 || b[7] == 16 || b[7] == 32 || b[7] == 64)
			d->mps0 = b[7];
		d->step = E_DESC18;
		d->wait_until = 0;
		d->bus->ops->dev_ep0(d, usb_enum_hc_done);
		return;
	case E_DESC18:
		if (x->actual < 18) {
			usb_enum_fail(d, "reading its device descriptor", USB_EIO);
			return;
		}
		d->bcd_usb = (uint16_t)(b[2] | b[3] << 8);
		d->class = b[4], d->subclass = b[5], d->protocol = b[6];
		d->vendor = (uint16_t)(b[8] | b[9] << 8);
		d->product = (uint16_t)(b[10] | b[11] << 8);
		d->iproduct = b[15];
		usb_enum_step(d, E_CONF9, 0);
		return;
	case E_CONF9:
		if (x->actual < 9 || d->config[1] != USB_DT_CONFIG) {
			usb_enum_fail(d, "reading its configuration", USB_EIO);
			return;
		}
		d->config_len = MIN((uint32_t)(d->config[2] | d->config[3] << 8), USB_CONFIG_MAX);
		usb_enum_step(d, E_CONF, 0);
		return;
	case E_CONF:
		d->config_len = MIN(d->config_len, x->actual);
		usb_parse_config(d);
		usb_enum_step(d, d->iproduct ? E_NAME : E_CONFIGURE, 0);
		return;
	case E_NAME:
		if (!x->status)
			usb_take_name(d, b + 64, x->actual);
		d->step = E_SETCONF;	/* after the controller's part */
		d->wait_until = 0;
		d->bus->ops->dev_configure(d, usb_enum_hc_done);
		return;
	case E_SETCONF:
		usb_bind(d);
		return;
	}
}

/* Sends the request of d->step (or starts the controller's part). */
static void usb_enum_issue(struct usb_dev *d)
{
	struct usb_xfer *x = &d->ctl;
	uint8_t *b = d->buf;
	int err = 0;

	d->wait_until = 0;
	x->done = usb_enum_done;
	switch (d->step) {
	case E_ADDRESS:
		d->bus->ops->dev_address(d, usb_enum_hc_done);
		return;
	case E_DESC8:
		err = usb_control(x, d, USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_DEVICE << 8, 0, b, 8,
		    USB_CTL_TIMEOUT_MS);
		break;
	case E_DESC18:
		err = usb_control(x, d, USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_DEVICE << 8, 0, b, 18,
		    USB_CTL_TIMEOUT_MS);
		break;
	case E_CONF9:
		err = usb_control(x, d, USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_CONFIG << 8, 0, d->config,
		    9, USB_CTL_TIMEOUT_MS);
		break;
	case E_CONF:
		err = usb_control(x, d, USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_CONFIG << 8, 0, d->config,
		    (uint16_t)d->config_len, USB_CTL_TIMEOUT_MS);
		break;
	case E_NAME:
		/* US English, which nearly every device has; a device without
		 * it just stays nameless. */
		err = usb_control(x, d, USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_STRING << 8 | d->iproduct,
		    0x0409, b + 64, 254, USB_CTL_TIMEOUT_MS);
		break;
	case E_CONFIGURE:
		d->step = E_SETCONF;
		d->bus->ops->dev_configure(d, usb_enum_hc_done);
		return;
	case E_SETCONF:
		err = usb_control(x, d, 0, USB_REQ_SET_CONFIG, d->config_value, 0, NULL, 0, USB_CTL_TIMEOUT_MS);
		break;
	}
	if (err == USB_EBUSY)
		d->wait_until = timer_ns() + 1000000;	/* try again in a ms */
	else if (err)
		usb_enum_fail(d, "a request", err);
}

/* --- lsusb ------------------------------------------------------------------------ */

uint32_t usb_list(void (*line)(void *arg, const char *text), void *arg)
{
	char buf[200];
	uint32_t i, j, n, count = 0;

	for (i = 0; i < USB_MAX_DEVS; i++) {
		const struct usb_dev *d = &usb_devs[i];
		uint8_t cls;

		if (d->state == USB_DEV_FREE || d->state == USB_DEV_GONE)
			continue;
		cls = d->class ? d->class : d->iface_count ? d->ifaces[0].class : 0;
		n = fmt_snprintf(buf, sizeof(buf), "%-10s %04x:%04x %-6s %-15s", d->path, d->vendor, d->product,
		    usb_speed_name(d->speed), d->state == USB_DEV_FAILED ? "(failed)" :
		    d->state == USB_DEV_ENUMERATING ? "(starting)" : usb_class_name(cls));
		for (j = 0; j < d->iface_count && n < sizeof(buf); j++)
			n += fmt_snprintf(buf + n, sizeof(buf) - n, "%s%s", j ? ", " : " ",
			    d->ifaces[j].driver ? d->ifaces[j].driver->name : "-");
		for (j = 0; j < d->iface_count && n < sizeof(buf); j++)
			if (d->ifaces[j].what[0])
				n += fmt_snprintf(buf + n, sizeof(buf) - n, " %s", d->ifaces[j].what);
		if (d->name[0] && n < sizeof(buf))
			fmt_snprintf(buf + n, sizeof(buf) - n, "  %s", d->name);
		line(arg, buf);
		count++;
	}
	return count;
}
