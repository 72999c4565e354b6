#include "cpu.h"
#include "drivers.h"
#include "lib.h"
#include "log.h"
#include "timer.h"
#include "trap.h"
#include "usb.h"
#include "virtio_pci.h"

extern const struct driver driver_virtio_input;
extern const struct driver driver_virtio_blk;
extern const struct driver driver_virtio_net;
extern const struct driver driver_virtio_gpu;
extern const struct driver driver_xhci;
extern const struct driver driver_i8042;

/* Every driver, in the order they are offered each PCI function.  The
 * i8042 is not on PCI (its probe is NULL): drivers_init looks for it after
 * every PCI function was offered, so after the xHCI driver has taken the
 * USB controllers from the firmware, which ends the firmware's emulation
 * of a PS/2 keyboard (SMM legacy support): what answers is the real one. */
static const struct driver *const drivers[] = {
	&driver_virtio_input,
	&driver_virtio_blk,
	&driver_virtio_net,
	&driver_virtio_gpu,
	&driver_xhci,
	&driver_i8042,
};

static uint32_t drivers_claimed[ARRAY_LEN(drivers)];
static uint32_t drivers_inputs;	/* keyboards and pointers, every kind */
static volatile uint64_t drivers_last_irq;	/* written by the interrupt handlers */
static volatile uint32_t drivers_legacy;	/* VEC_LEGACY interrupts so far, likewise */
static uint64_t drivers_poll_tsc, drivers_prev_poll_tsc;	/* this poll's start, the last one's */

/* The interrupt only records when it came and wakes the CPU from hlt; the
 * executor's next turn polls the queues. */
static void drivers_irq(struct trap_frame *f)
{
	drivers_last_irq = rdtsc();
	lapic_eoi();
}

/* The same for an ISA device's interrupt through the I/O APIC, counted so
 * that its driver reads its ports only when it has something to say. */
static void drivers_legacy_irq(struct trap_frame *f)
{
	drivers_last_irq = rdtsc();
	drivers_legacy++;
	lapic_eoi();
}

uint32_t drivers_legacy_irqs(void)
{
	return drivers_legacy;
}

uint64_t drivers_irq_tsc(void)
{
	uint64_t irq = drivers_last_irq;

	/* Work found now arrived after the previous poll began.  An interrupt
	 * in that window announced it; without one (a polled device, or the
	 * interrupt still on its way while we poll in a busy loop) the best
	 * date is this poll's start. */
	return irq > drivers_prev_poll_tsc && irq <= drivers_poll_tsc ? irq : drivers_poll_tsc;
}

/* USB devices are enumerated in the poll, one request at a time: until the
 * drivers say they are done (or a few seconds pass), keep polling, so that
 * the boot disk on a USB stick is registered before files_init looks for
 * it.  A controller that never settles costs DRIVERS_SETTLE_NS once. */
static void drivers_settle(void)
{
	uint64_t t0 = timer_ns(), deadline = t0 + DRIVERS_SETTLE_NS;
	int busy = 1;

	while (busy && timer_ns() < deadline) {
		drivers_poll();
		busy = usb_busy();
		cpu_pause();
	}
	if (busy)
		klog("drivers: devices still coming up after %llu s; the boot goes on\n",
		    DRIVERS_SETTLE_NS / 1000000000ull);
	else if (timer_ns() - t0 > 1000000)
		klog("drivers: devices up in %llu ms\n", (timer_ns() - t0) / 1000000);
}

void drivers_init(void)
{
	uint32_t i, j, n;
	char line[96];

	idt_set_handler(VEC_VIRTIO, drivers_irq);
	idt_set_handler(VEC_LEGACY, drivers_legacy_irq);
	n = pci_init();
	for (i = 0; i < n; i++) {
		struct pci_dev *d = pci_get(i);

		for (j = 0; j < ARRAY_LEN(drivers) && !d->driver; j++)
			if (drivers[j]->probe && drivers[j]->probe(d) == 0) {
				d->driver = drivers[j]->name;
				drivers_claimed[j]++;
			}
		pci_describe(d, line, sizeof(line));
		if (!d->driver && virtio_pci_type(d))
			klog("pci: %s (%s: no driver, left alone)\n", line, virtio_type_name(virtio_pci_type(d)));
		else
			klog("pci: %s\n", line);
	}
	for (j = 0; j < ARRAY_LEN(drivers); j++)
		if (drivers[j] == &driver_i8042 && i8042_find() == 0)
			drivers_claimed[j]++;
	drivers_settle();
	if (!drivers_inputs)
		klog("input: no keyboard or pointer found; the serial line is the keyboard\n");
}

void drivers_poll(void)
{
	uint32_t j;

	drivers_prev_poll_tsc = drivers_poll_tsc;
	drivers_poll_tsc = rdtsc();
	for (j = 0; j < ARRAY_LEN(drivers); j++)
		if (drivers_claimed[j])
			drivers[j]->poll();
}

uint32_t drivers_input_count(void)
{
	return drivers_inputs;
}

void drivers_input_add(void)
{
	drivers_inputs++;
}
