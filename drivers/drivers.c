#include "cpu.h"
#include "drivers.h"
#include "lib.h"
#include "log.h"
#include "timer.h"
#include "trap.h"
#include "virtio_pci.h"

extern const struct driver driver_virtio_input;
extern const struct driver driver_virtio_blk;
extern const struct driver driver_virtio_net;

/* Every driver, in the order they are offered each PCI function. */
static const struct driver *const drivers[] = {
	&driver_virtio_input,
	&driver_virtio_blk,
	&driver_virtio_net,
};

static uint32_t drivers_claimed[ARRAY_LEN(drivers)];
static volatile uint64_t drivers_last_irq;	/* written by the interrupt handler */
static uint64_t drivers_poll_tsc, drivers_prev_poll_tsc;	/* this poll's start, the last one's */

/* The interrupt only records when it came and wakes the CPU from hlt; the
 * executor's next turn polls the queues. */
static void drivers_irq(struct trap_frame *f)
{
	drivers_last_irq = rdtsc();
	lapic_eoi();
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

void drivers_init(void)
{
	uint32_t i, j, n;
	char line[96];

	idt_set_handler(VEC_VIRTIO, drivers_irq);
	n = pci_init();
	for (i = 0; i < n; i++) {
		struct pci_dev *d = pci_get(i);

		for (j = 0; j < ARRAY_LEN(drivers) && !d->driver; j++)
			if (drivers[j]->probe(d) == 0) {
				d->driver = drivers[j]->name;
				drivers_claimed[j]++;
			}
		pci_describe(d, line, sizeof(line));
		if (!d->driver && virtio_pci_type(d))
			klog("pci: %s (%s: no driver, left alone)\n", line, virtio_type_name(virtio_pci_type(d)));
		else
			klog("pci: %s\n", line);
	}
	if (!drivers_claimed[0])
		klog("input: no virtio input device; the serial line is the keyboard\n");
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
	return drivers_claimed[0];
}
