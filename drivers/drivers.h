/*
 * The driver table: every driver the kernel has, in one list a reader can
 * see (drivers.c).  A driver claims PCI functions in probe (the i8042,
 * which is not on PCI, is looked for by name) and does its work
 * in poll, which the executor calls every turn: drivers never block and
 * never run in interrupt handlers (an interrupt only wakes the CPU).
 * Waits, always bounded, happen only while drivers_init brings devices up.
 */
#ifndef DRIVERS_H
#define DRIVERS_H

#include <stdint.h>
#include "pci.h"

struct driver {
	const char *name;
	int (*probe)(struct pci_dev *d);	/* 0: claimed; NULL: not on PCI (see below) */
	void (*poll)(void);
};

/* The one device not on PCI, the i8042 (drivers.c looks for it after
 * PCI): 0 if found. */
int i8042_find(void);

/* Enumerates PCI, offers every function to every driver, logs one line per
 * function with the driver that claimed it, then looks for the i8042.
 * Returns once the USB devices plugged in at boot are up (a USB boot disk
 * is then there for files_init), or after DRIVERS_SETTLE_NS. */
#define DRIVERS_SETTLE_NS	(5000000000ull)
void drivers_init(void);
void drivers_poll(void);
/* rdtsc at the most recent device interrupt: when the work now being
 * polled arrived. */
uint64_t drivers_irq_tsc(void);
/* VEC_LEGACY interrupts (ISA devices through the I/O APIC) so far. */
uint32_t drivers_legacy_irqs(void);
/* Keyboards and pointers found so far, of every kind (virtio, PS/2, USB):
 * drivers count them in. */
uint32_t drivers_input_count(void);
void drivers_input_add(void);

#endif
