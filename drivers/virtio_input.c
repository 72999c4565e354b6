/*
 * virtio-input (virtio 1.2, section 5.8): keyboards, mice and tablets.
 * QEMU: -device virtio-keyboard-pci, virtio-mouse-pci, virtio-tablet-pci.
 *
 * The device's name and the event types it can send (its config space)
 * decide what it is.  Its events are evdev events; a batch ends with
 * EV_SYN, at which pointer motion is applied as one move.  The event queue is
 * kept full of 8-byte buffers; the status queue carries the Caps Lock LED
 * back to keyboards.
 */
#include "drivers.h"
#include "inputhub.h"
#include "lib.h"
#include "log.h"
#include "pmm.h"
#include "timer.h"
#include "virtio_pci.h"

#define VINPUT_MAX	4
#define VINPUT_EVENTS	64	/* buffers in the event queue */
#define VINPUT_STATUS	8	/* LED events in flight, at most */

/* Config space selectors (5.8.4). */
#define CFG_ID_NAME	0x01
#define CFG_EV_BITS	0x11
#define CFG_ABS_INFO	0x12
#define CFG_SELECT	0
#define CFG_SUBSEL	1
#define CFG_SIZE	2
#define CFG_DATA	8

#define EV_SYN		0
#define EV_KEY		1
#define EV_REL		2
#define EV_ABS		3
#define EV_LED		0x11
#define REL_X		0
#define REL_Y		1
#define REL_WHEEL	8
#define ABS_X		0
#define ABS_Y		1
#define LED_CAPSL	1

struct vinput_event {
	uint16_t type, code;
	uint32_t value;
};
_Static_assert(sizeof(struct vinput_event) == 8, "virtio 1.2, 5.8.6");

enum vinput_kind { VINPUT_KEYBOARD = 1, VINPUT_MOUSE, VINPUT_TABLET };

/* One per device; everything is written by vinput_probe, then only by
 * vinput_poll (the executor), except irq_tsc. */
static struct vinput {
	struct virtio_dev vd;
	struct virtq eventq, statusq;
	struct vinput_event *events;	/* VINPUT_EVENTS buffers, DMA */
	struct vinput_event *status;	/* one LED buffer per status request, DMA */
	uint32_t kind;			/* enum vinput_kind */
	char name[48];
	int32_t abs_min[2], abs_max[2];
	int32_t rel[2], wheel;		/* accumulated until EV_SYN */
	int32_t abs[2];
	uint8_t rel_dirty, abs_dirty;
	uint8_t caps_led;		/* the state last sent to the keyboard */
	uint32_t status_next;		/* next status buffer to use */
} vinputs[VINPUT_MAX];
static uint32_t vinput_count;

static uint8_t vinput_cfg(struct vinput *vi, uint8_t select, uint8_t subsel, void *out, uint32_t max)
{
	uint8_t size;

	virtio_pci_write_config8(&vi->vd, CFG_SELECT, select);
	virtio_pci_write_config8(&vi->vd, CFG_SUBSEL, subsel);
	virtio_pci_read_config(&vi->vd, CFG_SIZE, &size, 1);
	size = MIN(size, max);
	virtio_pci_read_config(&vi->vd, CFG_DATA, out, size);
	return size;
}

static int vinput_has_bits(struct vinput *vi, uint8_t ev_type)
{
	uint8_t bits[128];

	return vinput_cfg(vi, CFG_EV_BITS, ev_type, bits, sizeof(bits)) > 0;
}

static void vinput_read_abs(struct vinput *vi, uint8_t axis)
{
	uint32_t info[5] = { 0, 0, 0, 0, 0 };	/* min, max, fuzz, flat, res */

	vinput_cfg(vi, CFG_ABS_INFO, axis, info, sizeof(info));
	vi->abs_min[axis] = (int32_t)info[0];
	vi->abs_max[axis] = (int32_t)info[1] > (int32_t)info[0] ? (int32_t)info[1] : (int32_t)info[0] + 1;
}

static void vinput_refill(struct vinput *vi)
{
	/* The queue has VINPUT_EVENTS entries and every buffer is one
	 * descriptor, so buffer i is free exactly when its slot comes round. */
	while (vi->eventq.num_free) {
		uint32_t i = vi->eventq.avail_idx % VINPUT_EVENTS;
		struct virtq_buf b = { (uint64_t)(uintptr_t)&vi->events[i], sizeof(vi->events[i]) };

		if (virtq_add(&vi->eventq, &b, 0, 1, &vi->events[i]) < 0)
			break;
	}
	virtio_pci_kick(&vi->vd, &vi->eventq);
}

/* Device range to screen pixels. */
static int32_t vinput_scale(struct vinput *vi, int axis, int32_t v, int32_t screen)
{
	int64_t span = (int64_t)vi->abs_max[axis] - vi->abs_min[axis];

	return (int32_t)(((int64_t)v - vi->abs_min[axis]) * (screen - 1) / span);
}

static void vinput_event(struct vinput *vi, const struct vinput_event *e, uint64_t t)
{
	switch (e->type) {
	case EV_KEY:
		inputhub_key(t, e->code, (int32_t)e->value);
		break;
	case EV_REL:
		if (e->code == REL_X || e->code == REL_Y) {
			vi->rel[e->code] += (int32_t)e->value;
			vi->rel_dirty = 1;
		} else if (e->code == REL_WHEEL) {
			vi->wheel += (int32_t)e->value;
		}
		break;
	case EV_ABS:
		if (e->code == ABS_X || e->code == ABS_Y) {
			vi->abs[e->code] = (int32_t)e->value;
			vi->abs_dirty = 1;
		}
		break;
	case EV_SYN:
		if (vi->rel_dirty)
			inputhub_move(t, vi->rel[0], vi->rel[1]);
		if (vi->abs_dirty)
			inputhub_warp(t, vinput_scale(vi, 0, vi->abs[0], inputhub_width()),
			    vinput_scale(vi, 1, vi->abs[1], inputhub_height()));
		if (vi->wheel)
			inputhub_wheel(t, vi->wheel);
		vi->rel[0] = vi->rel[1] = vi->wheel = 0;
		vi->rel_dirty = vi->abs_dirty = 0;
		break;
	}
}

static void vinput_status(struct vinput *vi, uint16_t type, uint16_t code, uint32_t value)
{
	struct vinput_event *e = &vi->status[vi->status_next++ % VINPUT_STATUS];
	struct virtq_buf b = { (uint64_t)(uintptr_t)e, sizeof(*e) };

	*e = (struct vinput_event){ type, code, value };
	virtq_add(&vi->statusq, &b, 1, 0, NULL);
}

/* Keyboards get their Caps Lock light when it changes. */
static void vinput_leds(struct vinput *vi)
{
	uint8_t caps = (uint8_t)inputhub_caps_lock();

	while (virtq_get(&vi->statusq, NULL))
		;
	if (vi->kind != VINPUT_KEYBOARD || caps == vi->caps_led || vi->statusq.num_free < 2)
		return;
	vi->caps_led = caps;
	vinput_status(vi, EV_LED, LED_CAPSL, caps);
	vinput_status(vi, EV_SYN, 0, 0);
	virtio_pci_kick(&vi->vd, &vi->statusq);
}

static void vinput_poll(void)
{
	uint32_t i;

	for (i = 0; i < vinput_count; i++) {
		struct vinput *vi = &vinputs[i];
		struct vinput_event *e;
		uint64_t t;
		uint32_t got = 0;

		/* The common case, every executor turn: nothing new. */
		if (!virtq_pending(&vi->eventq) && !virtq_pending(&vi->statusq) &&
		    vi->caps_led == (uint8_t)inputhub_caps_lock())
			continue;
		/* When it arrived: the interrupt that announced it. */
		t = timer_tsc_to_ns(drivers_irq_tsc());
		while ((e = virtq_get(&vi->eventq, NULL))) {
			vinput_event(vi, e, t);
			got++;
		}
		if (got)
			vinput_refill(vi);
		vinput_leds(vi);
	}
}

static const char *const vinput_kinds[] = { "?", "keyboard", "mouse", "tablet" };

static int vinput_probe(struct pci_dev *d)
{
	struct vinput *vi;
	uint64_t mem;

	if (virtio_pci_type(d) != VIRTIO_INPUT || vinput_count == VINPUT_MAX)
		return -1;
	vi = &vinputs[vinput_count];
	memset(vi, 0, sizeof(*vi));
	if (virtio_pci_probe(&vi->vd, d) < 0 || virtio_pci_start(&vi->vd, VIRTIO_F_RING_EVENT_IDX) < 0)
		return -1;
	vinput_cfg(vi, CFG_ID_NAME, 0, vi->name, sizeof(vi->name) - 1);
	if (vinput_has_bits(vi, EV_ABS)) {
		vi->kind = VINPUT_TABLET;
		vinput_read_abs(vi, ABS_X);
		vinput_read_abs(vi, ABS_Y);
	} else if (vinput_has_bits(vi, EV_REL)) {
		vi->kind = VINPUT_MOUSE;
	} else if (vinput_has_bits(vi, EV_KEY)) {
		vi->kind = VINPUT_KEYBOARD;
	} else {
		klog("virtio-input: %s (\"%s\") sends no keys, motion or positions, left alone\n",
		    vi->vd.label, vi->name);
		virtio_pci_fail(&vi->vd);
		return -1;
	}
	mem = pmm_alloc(1);	/* event buffers and LED buffers, DMA */
	if (!mem || virtio_pci_queue(&vi->vd, 0, &vi->eventq, VINPUT_EVENTS) < 0 ||
	    virtio_pci_queue(&vi->vd, 1, &vi->statusq, 8) < 0) {
		virtio_pci_fail(&vi->vd);
		return -1;
	}
	vi->events = (struct vinput_event *)(uintptr_t)mem;
	vi->status = vi->events + VINPUT_EVENTS;
	memset(vi->events, 0, PAGE_SIZE);
	virtio_pci_ready(&vi->vd);
	vinput_refill(vi);
	vinput_count++;
	drivers_input_add();
	klog("virtio-input: %s is a %s (\"%s\")%s\n", vi->vd.label, vinput_kinds[vi->kind], vi->name,
	    vi->vd.msix ? "" : ", polled (no MSI-X)");
	return 0;
}

const struct driver driver_virtio_input = { "virtio-input", vinput_probe, vinput_poll };
