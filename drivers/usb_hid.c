/*
 * USB HID keyboards, mice and absolute pointers (Device Class Definition
 * for HID 1.11; HID Usage Tables 1.3): a class driver of the USB core.
 * QEMU: -device usb-kbd, usb-mouse, usb-tablet.
 *
 * Keyboards use the boot protocol (HID 1.11 appendix B): an 8-byte report
 * of modifier bits and up to six usages of the keys held, turned into
 * evdev press and release events for the input hub (kernel/input/) by
 * comparing each report with the last.  A USB keyboard does not repeat
 * keys itself: held 500 ms, the last key pressed repeats 30 times a second,
 * as a PS/2 keyboard's typematic does.  Caps Lock's light follows the
 * input hub's state (SET_REPORT of the LED output report).
 *
 * Pointers (mice, tablets, touchscreens) are read with their own report
 * protocol: the report descriptor says where the buttons, X, Y and the
 * wheel are in a report, how wide they are and whether X and Y are
 * relative (mice) or absolute (tablets: scaled from their logical range to
 * the screen).  A boot mouse whose descriptor makes no sense falls back to
 * the boot protocol (buttons, X, Y, and a wheel byte if it sends one).
 *
 * A report is kept when its transfer completes (with the time of the
 * interrupt that announced it) and handed to the input hub from the class
 * poll, in the kernel's loop, as virtio input is: a completion can also
 * run inside a wait of the kernel (reading a snapshot from a USB stick),
 * and input must not reach the apps in the middle of that.
 */
#include "drivers.h"
#include "inputhub.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "timer.h"
#include "usb.h"

#define HID_REPORT_MAX		1024	/* report descriptor bytes we read */
#define HID_REPEAT_DELAY_NS	(500ull * 1000000)
#define HID_REPEAT_NS		(33ull * 1000000)
#define HID_TIMEOUT_MS		2000
#define HID_QUEUE		16	/* reports waiting for the class poll */
#define HID_REPORT_BYTES	64	/* of each: keyboards send 8, pointers a few */

/* Class requests (HID 1.11, 7.2). */
#define HID_GET_DESCRIPTOR	0x06	/* standard, to the interface */
#define HID_SET_REPORT		0x09
#define HID_SET_IDLE		0x0a
#define HID_SET_PROTOCOL	0x0b
#define HID_DT_HID		0x21
#define HID_DT_REPORT		0x22

#define BTN_LEFT		0x110

enum { HID_KEYBOARD = 1, HID_MOUSE, HID_TABLET };
enum { S_REPORT_DESC, S_PROTOCOL, S_IDLE, S_RUN, S_DEAD };

/* Where one value sits in a report (bits, little-endian). */
struct hid_field {
	uint16_t offset;		/* bit offset, after the report ID byte if any */
	uint8_t size;			/* bits; 0: not in the report */
	uint8_t is_signed;
	int32_t min, max;		/* logical range */
};

struct hid_report {
	uint64_t time_ns;		/* the interrupt that announced it */
	uint32_t len;
	uint8_t data[HID_REPORT_BYTES];
};

struct hid {
	struct usb_iface *iface;
	struct usb_dev *dev;
	const struct usb_ep *ep;
	uint8_t kind;			/* HID_* */
	uint8_t step;			/* S_* */
	uint8_t boot;			/* boot protocol (keyboards; mice without a usable descriptor) */
	uint8_t report_id;		/* of the pointer's report, 0 if the device uses none */
	uint8_t relative;		/* X and Y are motion, not positions */
	struct hid_field buttons, x, y, wheel;
	uint8_t nbuttons;
	uint16_t report_len;		/* the report descriptor's length (HID descriptor) */
	struct usb_xfer ctl, in, led;
	uint8_t *buf;			/* DMA: [0, 1024) descriptor, then the report, then the LED byte */
	uint8_t last[8];		/* the keyboard's previous report */
	uint32_t last_buttons;
	int32_t last_x, last_y;
	uint8_t caps_led;		/* the LED state last sent */
	uint16_t repeat_code;		/* the key that repeats while held, 0: none */
	uint64_t repeat_at;
	uint64_t retry_at;		/* resubmit the report transfer then (after an error) */
	struct hid_report queue[HID_QUEUE];	/* [head % HID_QUEUE] is the oldest */
	uint32_t head, tail;
	uint32_t dropped;		/* reports the queue had no room for */
};

/* HID usages of the keyboard page (0x07) to evdev key codes, 0x04-0x91. */
static const uint8_t hid_keys[0x92] = {
	[0x04] = 30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25, 16, 19, 31, 20, 22,
	47, 17, 45, 21, 44,						/* a-z */
	[0x1e] = 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,			/* 1-9, 0 */
	[0x28] = 28, 1, 14, 15, 57, 12, 13, 26, 27, 43, 43, 39, 40, 41, 51, 52, 53, 58,
	[0x3a] = 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88,	/* F1-F12 */
	[0x46] = 99, 70, 119, 110, 102, 104, 111, 107, 109, 106, 105, 108, 103, 69,
	[0x54] = 98, 55, 74, 78, 96, 79, 80, 81, 75, 76, 77, 71, 72, 73, 82, 83,	/* keypad */
	[0x64] = 86, 127, 116, 117,
	[0x68] = 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194,	/* F13-F24 */
	[0x7f] = 113, 115, 114,						/* mute, volume */
	[0x85] = 121, [0x87] = 89, 93, 124, 92, 94, 95, [0x90] = 122, 123,
};

/* The modifier bits of byte 0: left Ctrl Shift Alt GUI, then right. */
static const uint8_t hid_mods[8] = { 29, 42, 56, 125, 97, 54, 100, 126 };

static void hid_in_done(struct usb_xfer *x);


/* --- the report descriptor (HID 1.11, 6.2.2) ------------------------------------ */

struct hid_globals {
	uint16_t page;
	int32_t min, max;
	uint32_t size, count, id;
};

static int32_t hid_item_value(const uint8_t *p, uint32_t n, int is_signed)
{
	uint32_t v = 0, i;

	for (i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	if (is_signed && n && n < 4 && (v & (1u << (8 * n - 1))))
		v |= ~0u << (8 * n);
	return (int32_t)v;
}

static void hid_take(struct hid_field *f, uint32_t offset, const struct hid_globals *g)
{
	if (f->size)
		return;		/* the first one counts (a second X in another collection does not) */
	f->offset = (uint16_t)offset;
	f->size = (uint8_t)MIN(g->size, 32u);
	f->min = g->min;
	f->max = g->max;
	f->is_signed = g->min < 0;
}

/* Finds buttons, X, Y and the wheel of a pointer's input report.  Returns
 * 0 if X and Y were found. */
static int hid_parse(struct hid *h, const uint8_t *d, uint32_t len)
{
	struct hid_globals g = { 0 }, stack[4];
	uint32_t usages[16], nusages = 0, umin = 0, umax = 0, sp = 0, off[16] = { 0 }, i = 0;

	while (i < len) {
		uint8_t b = d[i], tag = b >> 4, type = (b >> 2) & 3, n = b & 3;
		const uint8_t *v = d + i + 1;

		if (b == 0xfe) {	/* a long item: skipped */
			i += 3 + (i + 1 < len ? d[i + 1] : 0);
			continue;
		}
		n = n == 3 ? 4 : n;
		if (i + 1 + n > len)
			break;
		i += 1 + n;
		if (type == 1) {	/* global */
			switch (tag) {
			case 0: g.page = (uint16_t)hid_item_value(v, n, 0); break;
			case 1: g.min = hid_item_value(v, n, 1); break;
			case 2: g.max = hid_item_value(v, n, g.min < 0); break;
			case 7: g.size = (uint32_t)hid_item_value(v, n, 0); break;
			case 8: g.id = (uint32_t)hid_item_value(v, n, 0) & 0xff; break;
			case 9: g.count = (uint32_t)hid_item_value(v, n, 0); break;
			case 10: if (sp < 4) stack[sp++] = g; break;
			case 11: if (sp) g = stack[--sp]; break;
			}
		} else if (type == 2) {	/* local */
			uint32_t u = (uint32_t)hid_item_value(v, n, 0);

			/* A 4-byte usage carries its own page in its upper half. */
			if (n < 4)
				u |= (uint32_t)g.page << 16;
			if (tag == 0 && nusages < ARRAY_LEN(usages))
				usages[nusages++] = u;
			else if (tag == 1)
				umin = u;
			else if (tag == 2)
				umax = u;
		} else if (type == 0) {	/* main */
			if (tag == 8) {	/* Input */
				uint32_t flags = (uint32_t)hid_item_value(v, n, 0), k, base = g.id ? 8 : 0;
				uint32_t *o = &off[g.id & 15];

				for (k = 0; k < g.count && !(flags & 1); k++) {	/* not constant */
					uint32_t u = k < nusages ? usages[k] : nusages ? usages[nusages - 1] :
					    umin + k <= umax ? umin + k : 0;
					uint32_t at = base + *o + k * g.size;

					if ((h->report_id && g.id != h->report_id))
						continue;
					if (u == 0x10030 || u == 0x10031) {
						if (!h->report_id && g.id)
							h->report_id = (uint8_t)g.id;
						h->relative = (flags & 4) != 0;
						hid_take(u == 0x10030 ? &h->x : &h->y, at, &g);
					} else if (u == 0x10038) {
						hid_take(&h->wheel, at, &g);
					} else if ((u >> 16) == 9 && (u & 0xffff) == 1 && g.size == 1) {
						hid_take(&h->buttons, at, &g);
						h->nbuttons = (uint8_t)MIN(g.count - k, 8u);
					}
				}
				*o += g.count * g.size;
			}
			if (tag == 8 || tag == 9 || tag == 11 || tag == 10)	/* Input, Output, Feature, Collection */
				nusages = umin = umax = 0;
		}
	}
	return h->x.size && h->y.size ? 0 : -1;
}

/* --- reports ----------------------------------------------------------------------- */

static int32_t hid_get(const uint8_t *r, uint32_t len, const struct hid_field *f)
{
	uint32_t v = 0, i;

	if (!f->size || (uint32_t)(f->offset + f->size + 7) / 8 > len)
		return 0;
	for (i = 0; i < f->size; i++)
		if (r[(f->offset + i) / 8] & (1u << ((f->offset + i) % 8)))
			v |= 1u << i;
	if (f->is_signed && f->size < 32 && (v & (1u << (f->size - 1))))
		v |= ~0u << f->size;
	return (int32_t)v;
}

static int hid_held(const uint8_t *r, uint8_t usage)
{
	uint32_t i;

	for (i = 2; i < 8; i++)
		if (r[i] == usage)
			return 1;
	return 0;
}

static void hid_keyboard(struct hid *h, const uint8_t *r, uint32_t len, uint64_t t)
{
	uint8_t cur[8] = { 0 };
	uint32_t i;

	memcpy(cur, r, MIN(len, 8u));
	if (cur[2] == 1)
		return;		/* ErrorRollOver: too many keys held, the report says nothing */
	for (i = 0; i < 8; i++)
		if ((cur[0] ^ h->last[0]) & (1u << i))
			inputhub_key(t, hid_mods[i], (cur[0] >> i) & 1);
	for (i = 2; i < 8; i++)
		if (h->last[i] && h->last[i] < ARRAY_LEN(hid_keys) && hid_keys[h->last[i]] && !hid_held(cur, h->last[i])) {
			inputhub_key(t, hid_keys[h->last[i]], 0);
			if (h->repeat_code == hid_keys[h->last[i]])
				h->repeat_code = 0;
		}
	for (i = 2; i < 8; i++)
		if (cur[i] && cur[i] < ARRAY_LEN(hid_keys) && hid_keys[cur[i]] && !hid_held(h->last, cur[i])) {
			inputhub_key(t, hid_keys[cur[i]], 1);
			h->repeat_code = hid_keys[cur[i]];
			h->repeat_at = timer_ns() + HID_REPEAT_DELAY_NS;
		}
	memcpy(h->last, cur, 8);
}

/* Device range to screen pixels. */
static int32_t hid_scale(const struct hid_field *f, int32_t v, int32_t screen)
{
	int64_t span = (int64_t)f->max - f->min;

	if (span <= 0)
		return 0;
	v = v < f->min ? f->min : v > f->max ? f->max : v;
	return (int32_t)(((int64_t)v - f->min) * (screen - 1) / span);
}

static void hid_pointer(struct hid *h, const uint8_t *r, uint32_t len, uint64_t t)
{
	uint32_t buttons = 0, i;
	int32_t x, y, wheel;

	if (!h->boot && h->report_id) {
		if (!len || r[0] != h->report_id)
			return;		/* another report of the device */
	}
	if (h->boot) {
		buttons = len > 0 ? r[0] & 7 : 0;
		x = len > 1 ? (int8_t)r[1] : 0;
		y = len > 2 ? (int8_t)r[2] : 0;
		wheel = len > 3 ? (int8_t)r[3] : 0;
	} else {
		for (i = 0; i < h->nbuttons; i++)
			if (r[(h->buttons.offset + i) / 8] & (1u << ((h->buttons.offset + i) % 8)))
				buttons |= 1u << i;
		x = hid_get(r, len, &h->x);
		y = hid_get(r, len, &h->y);
		wheel = hid_get(r, len, &h->wheel);
	}
	/* Buttons 1, 2, 3 are left, right, middle: evdev's order too. */
	for (i = 0; i < 3; i++)
		if ((buttons ^ h->last_buttons) & (1u << i))
			inputhub_key(t, BTN_LEFT + i, (buttons >> i) & 1);
	h->last_buttons = buttons;
	if (h->relative || h->boot) {
		if (x || y)
			inputhub_move(t, x, y);
	} else {
		x = hid_scale(&h->x, x, inputhub_width());
		y = hid_scale(&h->y, y, inputhub_height());
		if (x != h->last_x || y != h->last_y)
			inputhub_warp(t, x, y);
		h->last_x = x, h->last_y = y;
	}
	if (wheel)
		inputhub_wheel(t, wheel);
}

static void hid_in_submit(struct hid *h)
{
	h->in.dev = h->dev;
	h->in.ep = h->ep->addr;
	h->in.buf = h->buf + HID_REPORT_MAX;
	h->in.len = MIN((uint32_t)h->ep->mps, 1024u);
	h->in.timeout_ms = 0;		/* it answers when there is input */
	h->in.done = hid_in_done;
	h->in.arg = h;
	h->retry_at = 0;
	if (usb_submit(&h->in) && h->in.status != USB_ENODEV)
		h->retry_at = timer_ns() + 100000000;
}

static void hid_in_done(struct usb_xfer *x)
{
	struct hid *h = x->arg;

	if (x->status == USB_ENODEV)
		return;
	if (x->status) {
		/* A stall or an error: the endpoint was reset; try again soon,
		 * not at once (a broken device would keep the bus busy). */
		h->retry_at = timer_ns() + 100000000;
		return;
	}
	if (h->tail - h->head < HID_QUEUE) {
		struct hid_report *r = &h->queue[h->tail++ % HID_QUEUE];

		/* When it arrived: the interrupt that announced it. */
		r->time_ns = timer_tsc_to_ns(drivers_irq_tsc());
		r->len = MIN(x->actual, (uint32_t)HID_REPORT_BYTES);
		memcpy(r->data, x->buf, r->len);
	} else if (!h->dropped++) {
		klog("%s: input reports came faster than they were read; some were dropped\n", usb_label(h->dev));
	}
	hid_in_submit(h);
}

/* The reports kept since the last poll, to the input hub, in order. */
static void hid_deliver(struct hid *h)
{
	while (h->head != h->tail) {
		const struct hid_report *r = &h->queue[h->head % HID_QUEUE];

		if (h->kind == HID_KEYBOARD)
			hid_keyboard(h, r->data, r->len, r->time_ns);
		else
			hid_pointer(h, r->data, r->len, r->time_ns);
		h->head++;
	}
}

/* --- bringing it up ------------------------------------------------------------------ */

static void hid_ctl_done(struct usb_xfer *x)
{
	struct hid *h = x->arg;

	if (x->status == USB_ENODEV)
		return;
	switch (h->step) {
	case S_REPORT_DESC:
		if (x->status || hid_parse(h, h->buf, x->actual) < 0) {
			if (h->iface->protocol != 2 || h->iface->subclass != 1) {
				klog("%s: interface %u: a HID device with no pointer in its report descriptor (%s); left alone\n",
				    usb_label(h->dev), h->iface->number, x->status ? usb_strerror(x->status) : "no X and Y");
				h->step = S_DEAD;
				h->iface->busy = 0;
				return;
			}
			h->boot = 1;	/* a boot mouse: its boot reports then */
			h->kind = HID_MOUSE;
		} else {
			h->kind = h->relative ? HID_MOUSE : HID_TABLET;
		}
		h->step = S_PROTOCOL;
		break;
	case S_PROTOCOL:
		h->step = S_IDLE;	/* a device without the request keeps its default: fine */
		break;
	case S_IDLE:
		h->step = S_RUN;
		break;
	}
}

static void hid_request(struct hid *h, uint8_t type, uint8_t req, uint16_t value, void *buf, uint16_t len)
{
	h->ctl.done = hid_ctl_done;
	h->ctl.arg = h;
	if (usb_control(&h->ctl, h->dev, type, req, value, h->iface->number, buf, len, HID_TIMEOUT_MS) &&
	    h->ctl.status != USB_ENODEV)
		hid_ctl_done(&h->ctl);	/* not queued: take it as failed, go on */
}

static void hid_leds(struct hid *h)
{
	uint8_t caps = (uint8_t)inputhub_caps_lock();

	if (h->kind != HID_KEYBOARD || caps == h->caps_led || h->led.status == USB_PENDING)
		return;
	h->caps_led = caps;
	h->buf[HID_REPORT_MAX + 1024] = caps ? 2 : 0;	/* bit 1: Caps Lock (HID usage tables, LED page) */
	h->led.arg = h;
	h->led.done = NULL;
	usb_control(&h->led, h->dev, USB_TYPE_CLASS | USB_RECIP_INTERFACE, HID_SET_REPORT, 0x0200,
	    h->iface->number, h->buf + HID_REPORT_MAX + 1024, 1, HID_TIMEOUT_MS);
}

static void hid_poll(struct usb_iface *i)
{
	struct hid *h = i->priv;
	uint64_t now;

	if (h->step == S_DEAD)
		return;
	if (h->ctl.status == USB_PENDING)
		return;
	switch (h->step) {
	case S_REPORT_DESC:
		h->ctl.done = hid_ctl_done;
		h->ctl.arg = h;
		if (usb_control(&h->ctl, h->dev, USB_DIR_IN | USB_RECIP_INTERFACE, HID_GET_DESCRIPTOR,
		    HID_DT_REPORT << 8, i->number, h->buf, h->report_len, HID_TIMEOUT_MS) && h->ctl.status != USB_ENODEV)
			hid_ctl_done(&h->ctl);
		return;
	case S_PROTOCOL:
		/* Only boot-capable interfaces know SET_PROTOCOL (HID 1.11, 7.2.6). */
		if (i->subclass != 1) {
			h->step = S_IDLE;
			return;
		}
		hid_request(h, USB_TYPE_CLASS | USB_RECIP_INTERFACE, HID_SET_PROTOCOL, h->boot ? 0 : 1, NULL, 0);
		return;
	case S_IDLE:
		/* Reports only when something changed (HID 7.2.4). */
		hid_request(h, USB_TYPE_CLASS | USB_RECIP_INTERFACE, HID_SET_IDLE, 0, NULL, 0);
		return;
	case S_RUN:
		break;
	}
	if (i->busy) {
		static const char *const kinds[] = { "?", "keyboard", "mouse", "tablet" };

		i->busy = 0;
		memcpy(i->what, kinds[h->kind], strlen(kinds[h->kind]) + 1);
		drivers_input_add();
		hid_in_submit(h);
	}
	hid_deliver(h);
	now = timer_ns();
	if (h->retry_at && now >= h->retry_at)
		hid_in_submit(h);
	hid_leds(h);
	if (h->repeat_code && now >= h->repeat_at) {
		inputhub_key(timer_ns(), h->repeat_code, 2);
		h->repeat_at = now + HID_REPEAT_NS;
	}
}

static int hid_attach(struct usb_iface *i)
{
	const uint8_t *hd = usb_find_desc(i, HID_DT_HID);
	const struct usb_ep *ep = usb_find_ep(i, USB_EP_INTR, USB_DIR_IN);
	struct hid *h;

	if (i->class != 3 || !ep)
		return -1;
	h = kcalloc(1, sizeof(*h));
	if (h)
		h->buf = kcalloc(1, HID_REPORT_MAX + 1024 + 8);
	if (!h || !h->buf) {
		kfree(h);
		return -1;
	}
	h->iface = i;
	h->dev = i->dev;
	h->ep = ep;
	h->last_x = h->last_y = -1;	/* the first position is news, even 0,0 */
	/* HID descriptor (6.2.1): the report descriptor's length at bytes 7-8. */
	h->report_len = hd && hd[0] >= 9 ? (uint16_t)MIN(hd[7] | hd[8] << 8, HID_REPORT_MAX) : HID_REPORT_MAX;
	if (i->subclass == 1 && i->protocol == 1) {
		h->kind = HID_KEYBOARD;
		h->boot = 1;
		h->step = S_PROTOCOL;
	} else {
		h->step = S_REPORT_DESC;
	}
	i->priv = h;
	i->busy = 1;
	return 0;
}

static void hid_detach(struct usb_iface *i)
{
	struct hid *h = i->priv;
	uint64_t t = timer_ns();
	uint32_t k;

	/* Whatever it held is let go: no key stays down for ever. */
	if (h->kind == HID_KEYBOARD) {
		for (k = 0; k < 8; k++)
			if (h->last[0] & (1u << k))
				inputhub_key(t, hid_mods[k], 0);
		for (k = 2; k < 8; k++)
			if (h->last[k] && h->last[k] < ARRAY_LEN(hid_keys) && hid_keys[h->last[k]])
				inputhub_key(t, hid_keys[h->last[k]], 0);
	} else {
		for (k = 0; k < 3; k++)
			if (h->last_buttons & (1u << k))
				inputhub_key(t, BTN_LEFT + k, 0);
	}
	kfree(h->buf);
	kfree(h);
	i->priv = NULL;
}

const struct usb_class usb_class_hid = { "usb-hid", hid_attach, hid_detach, hid_poll };
