/*
 * USB, as the layers around it see it: buses, devices, interfaces and
 * transfers that complete later.
 *
 * usb.c is the core: it runs the root ports (debounce, reset), enumerates
 * every device (address, descriptors, configuration) and offers each
 * interface to the class drivers through one table (usb_classes[] in
 * usb.c, as drivers.c does for PCI).  Below it, a host controller driver
 * (xhci.c) registers a struct usb_bus and does the transfers through
 * struct usb_hc_ops; above it, class drivers (usb_hub.c, usb_hid.c,
 * usb_storage.c) use only usb_submit() and the helpers here.
 *
 * Nothing blocks.  A transfer is queued with usb_submit() and finished in
 * usb_poll() (the host controller's poll, every turn of the kernel's loop):
 * then x->status is set and x->done, if any, is called.  Every transfer may
 * have a timeout; a device that never answers ends its transfer with
 * USB_ETIMEDOUT, never a hang.  Buffers are any mapped kernel memory (the
 * controller looks each page up); they stay mapped until the transfer is
 * done.
 */
#ifndef USB_H
#define USB_H

#include <stdint.h>

#define USB_MAX_BUSES	4
#define USB_MAX_DEVS	32
#define USB_MAX_IFACES	8	/* per device: more are left unused (logged) */
#define USB_MAX_EPS	8	/* per interface */
#define USB_MAX_PORTS	32	/* root ports per bus, ports per hub */

/* Port speeds: xHCI's default Port Speed IDs (xHCI 1.2, 7.2.2.1.1). */
enum usb_speed { USB_FULL = 1, USB_LOW = 2, USB_HIGH = 3, USB_SUPER = 4, USB_SUPER_PLUS = 5 };

/* x->status: USB_PENDING until done, then 0 or one of these. */
#define USB_PENDING	1
#define USB_EIO		(-5)	/* transaction error, babble, buffer error */
#define USB_EINVAL	(-22)	/* bad request (endpoint not configured, buffer) */
#define USB_EBUSY	(-16)	/* ring full: try again later */
#define USB_ESTALL	(-32)	/* the device stalled the endpoint (it was reset since) */
#define USB_ENODEV	(-19)	/* the device is gone */
#define USB_ETIMEDOUT	(-110)	/* no answer in time (the transfer was cancelled) */

/* Standard requests and descriptor types (USB 2.0, 9.4). */
#define USB_REQ_GET_STATUS	0
#define USB_REQ_CLEAR_FEATURE	1
#define USB_REQ_SET_FEATURE	3
#define USB_REQ_SET_ADDRESS	5
#define USB_REQ_GET_DESCRIPTOR	6
#define USB_REQ_SET_CONFIG	9
#define USB_DT_DEVICE		1
#define USB_DT_CONFIG		2
#define USB_DT_STRING		3
#define USB_DT_INTERFACE	4
#define USB_DT_ENDPOINT		5
/* bmRequestType */
#define USB_DIR_IN		0x80
#define USB_TYPE_CLASS		0x20
#define USB_RECIP_INTERFACE	0x01
#define USB_RECIP_ENDPOINT	0x02
#define USB_RECIP_OTHER		0x03	/* a hub's port */
#define USB_FEATURE_HALT	0	/* ENDPOINT_HALT */

/* Endpoint transfer types (bmAttributes & 3). */
#define USB_EP_CONTROL	0
#define USB_EP_ISOCH	1
#define USB_EP_BULK	2
#define USB_EP_INTR	3

struct usb_setup {
	uint8_t type, request;
	uint16_t value, index, length;
} __attribute__((packed));
_Static_assert(sizeof(struct usb_setup) == 8, "USB 2.0, 9.3");

struct usb_dev;
struct usb_bus;

struct usb_xfer {
	struct usb_dev *dev;
	uint8_t ep;			/* endpoint address: 0 control, 0x81 IN 1, 0x02 OUT 2 */
	struct usb_setup setup;		/* control transfers: the setup packet */
	void *buf;
	uint32_t len;			/* bytes asked for */
	uint32_t actual;		/* bytes moved (less than len: a short packet) */
	uint32_t timeout_ms;		/* 0: none (interrupt endpoints waiting for input) */
	volatile int32_t status;	/* USB_PENDING, then 0 or USB_E* */
	void (*done)(struct usb_xfer *x);	/* called from usb_poll(), may be NULL */
	void *arg;			/* the submitter's */
	/* The host controller's, while pending. */
	uint64_t deadline_tsc;
	uint16_t first, last;		/* its TRBs on the ring */
	uint8_t short_seen;
	struct usb_xfer *next;
};

struct usb_ep {
	uint8_t addr;			/* bEndpointAddress */
	uint8_t type;			/* USB_EP_* */
	uint8_t interval;		/* bInterval as the descriptor says it */
	uint16_t mps;			/* wMaxPacketSize & 0x7ff */
	uint8_t burst;			/* SuperSpeed companion's bMaxBurst */
};

struct usb_class;

/* One interface (alternate setting 0) of a configured device. */
struct usb_iface {
	struct usb_dev *dev;
	uint8_t number, class, subclass, protocol;
	const uint8_t *desc;		/* its interface descriptor, in dev->config */
	uint32_t desc_len;		/* up to the next interface descriptor */
	uint32_t ep_count;
	struct usb_ep eps[USB_MAX_EPS];
	const struct usb_class *driver;	/* the class driver that took it, or NULL */
	void *priv;			/* the class driver's */
	uint8_t busy;			/* the class driver is still bringing it up */
	char what[24];			/* what the driver made of it ("keyboard", "sda") */
};

/* A class driver: one entry of usb.c's table. */
struct usb_class {
	const char *name;
	/* 0 if it takes the interface (it may keep i->busy set while it
	 * brings it up, then clear it). */
	int (*attach)(struct usb_iface *i);
	/* The device is gone and every transfer it had is finished: free
	 * what attach took. */
	void (*detach)(struct usb_iface *i);
	/* At every usb_poll of its bus; may be NULL. */
	void (*poll)(struct usb_iface *i);
};

enum usb_dev_state {
	USB_DEV_FREE = 0,
	USB_DEV_ENUMERATING,		/* address, descriptors, configuration */
	USB_DEV_CONFIGURED,		/* its interfaces are offered to the class drivers */
	USB_DEV_FAILED,			/* it did not enumerate: it stays listed, unused */
	USB_DEV_GONE,			/* unplugged: the controller is letting it go */
};

struct usb_dev {
	struct usb_bus *bus;
	struct usb_dev *parent;		/* its hub, NULL on a root port */
	uint8_t port;			/* on its parent (or the root port) */
	uint8_t root_port;
	uint8_t depth;			/* hubs between it and the root port */
	uint32_t route;			/* xHCI route string: ports below the root, 4 bits each */
	uint8_t speed;			/* enum usb_speed */
	uint8_t tt_port;		/* LS/FS behind a high-speed hub: that hub's port */
	struct usb_dev *tt_hub;		/* ... and that hub (its transaction translator) */
	uint8_t state;			/* enum usb_dev_state */
	uint8_t step;			/* usb.c's enumeration step */
	uint16_t mps0;
	uint16_t vendor, product, bcd_usb;
	uint8_t class, subclass, protocol;	/* the device descriptor's */
	uint8_t config_value;
	uint8_t *config;		/* the whole configuration descriptor (DMA page) */
	uint32_t config_len;
	uint32_t iface_count;
	struct usb_iface ifaces[USB_MAX_IFACES];
	char name[48];			/* the product string, if it has one */
	char path[24];			/* "1-3.2": bus, root port, hub ports */
	/* A hub: its ports and think time, for the controller (usb_hub_update). */
	uint8_t hub_ports, hub_ttt, hub_mtt;
	void *hc;			/* the host controller's (xHCI: its slot) */
	struct usb_xfer ctl;		/* usb.c's enumeration requests */
	uint8_t *buf;			/* DMA page: descriptors (config is its second half) */
	uint64_t wait_until;		/* usb.c: when to send the next step's request, ns (0: not now) */
	uint8_t retries;		/* usb.c: of the first request */
	uint8_t iproduct;		/* usb.c: the product string's index */
	uint8_t announced;		/* usb.c: its line is in the log */
};

/* What a host controller does for the core.  Everything that takes a
 * done callback completes later, from ops->poll. */
struct usb_hc_ops {
	/* Root port n (1..bus->ports): USB_PS_* bits and the speed; clears
	 * the port's change bits. */
	uint32_t (*port_status)(struct usb_bus *b, uint32_t port);
	void (*port_reset)(struct usb_bus *b, uint32_t port);
	/* A device just reset on its port: give it an address (xHCI: Enable
	 * Slot and Address Device). */
	void (*dev_address)(struct usb_dev *d, void (*done)(struct usb_dev *d, int status));
	/* EP0's max packet size, learnt from the device descriptor. */
	void (*dev_ep0)(struct usb_dev *d, void (*done)(struct usb_dev *d, int status));
	/* Every bulk and interrupt endpoint of d->ifaces, before SET_CONFIGURATION. */
	void (*dev_configure)(struct usb_dev *d, void (*done)(struct usb_dev *d, int status));
	/* d is a hub: d->hub_ports, hub_ttt, hub_mtt are known. */
	void (*dev_hub)(struct usb_dev *d, void (*done)(struct usb_dev *d, int status));
	/* d is gone: finish its transfers with USB_ENODEV, free its slot;
	 * done once nothing of it is in use any more. */
	void (*dev_free)(struct usb_dev *d, void (*done)(struct usb_dev *d, int status));
	int (*submit)(struct usb_xfer *x);	/* 0, or USB_E* (not queued) */
	void (*poll)(struct usb_bus *b);	/* completions */
};

#define USB_PS_CONNECTED	(1u << 0)
#define USB_PS_ENABLED		(1u << 1)
#define USB_PS_RESETTING	(1u << 2)
#define USB_PS_OVERCURRENT	(1u << 3)
#define USB_PS_CHANGED		(1u << 4)	/* connection changed since the last look */
#define USB_PS_USB3		(1u << 5)	/* a SuperSpeed port: enabled without a reset */
#define USB_PS_SPEED(s)		(((s) >> 8) & 0xf)

struct usb_port {
	uint8_t state;			/* usb.c's */
	uint8_t look;			/* the controller said it changed */
	uint64_t until;			/* ns: look again then */
	uint64_t deadline;		/* ns: a reset that has not ended by then failed */
	struct usb_dev *dev;
};

struct usb_bus {
	const struct usb_hc_ops *ops;
	void *priv;			/* the host controller's */
	char name[32];			/* "xhci 00:04.0", for the log */
	uint32_t number;		/* 1, 2, ...: the first number of a device's path */
	uint32_t ports;
	struct usb_port port[USB_MAX_PORTS];
	uint64_t settle_until;		/* ns: a new controller's ports need time to see devices */
	struct usb_dev *addressing;	/* the one device that may be at address 0 */
	uint8_t dead;			/* the controller stopped answering */
	uint8_t polling;		/* usb_poll is running (no recursion) */
};

/* --- for host controller drivers ---------------------------------------- */

/* Registers b (ops, priv, name, ports filled in); its ports are looked at
 * from the next usb_poll on.  Returns 0, or -1 if there are too many. */
int usb_bus_add(struct usb_bus *b);
/* A root port's status changed (a port status change event). */
void usb_port_changed(struct usb_bus *b, uint32_t port);
/* The controller stopped answering: every device on it is gone. */
void usb_bus_dead(struct usb_bus *b);
/* Completions, the root ports, enumeration, the class drivers' polls:
 * the kernel's loop, through the host controller's driver poll. */
void usb_poll(struct usb_bus *b);
/* Completions only: for a wait inside the kernel (a block request at
 * boot, a save), which must not feed the apps' input meanwhile. */
void usb_poll_transfers(struct usb_bus *b);
/* Nonzero while some bus still has devices coming up (drivers_init waits,
 * for a bounded time, so that a USB boot disk is there before files_init). */
int usb_busy(void);

/* --- for hub drivers (usb_hub.c) ---------------------------------------- */

/* A device on port `port` of hub `hub`, reset and enabled at `speed`:
 * enumerate it.  NULL if the table is full. */
struct usb_dev *usb_dev_new(struct usb_bus *b, struct usb_dev *hub, uint8_t port, uint8_t speed);
/* The device was unplugged (or its hub was): let it go. */
void usb_dev_gone(struct usb_dev *d);
/* Only one device on a bus may answer at address 0: a hub port is reset
 * only while it holds this.  1 if taken. */
int usb_addr_lock(struct usb_bus *b, struct usb_dev *owner);
void usb_addr_unlock(struct usb_bus *b, struct usb_dev *owner);
/* Tells the controller that d is a hub (d->hub_* set); done later. */
void usb_hub_update(struct usb_dev *d, void (*done)(struct usb_dev *d, int status));

/* --- for class drivers ---------------------------------------------------- */

int usb_submit(struct usb_xfer *x);
/* Fills x for a control transfer on EP0 and submits it. */
int usb_control(struct usb_xfer *x, struct usb_dev *d, uint8_t type, uint8_t request,
    uint16_t value, uint16_t index, void *buf, uint16_t len, uint32_t timeout_ms);
/* The interface's first endpoint of that type and direction (USB_DIR_IN
 * or 0), or NULL. */
const struct usb_ep *usb_find_ep(const struct usb_iface *i, uint8_t type, uint8_t dir_in);
/* The class-specific descriptor of `type` inside the interface's part of
 * the configuration, or NULL. */
const uint8_t *usb_find_desc(const struct usb_iface *i, uint8_t type);
const char *usb_strerror(int err);
/* "usb 1-3.2 (QEMU USB Keyboard)" for log lines. */
const char *usb_label(const struct usb_dev *d);

/* --- for the shell ---------------------------------------------------------- */

/* One line per device, as `lsusb` shows them; returns the count. */
uint32_t usb_list(void (*line)(void *arg, const char *text), void *arg);

#endif
