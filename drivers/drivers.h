/*
 * The driver table: every driver the kernel has, in one list a reader can
 * see (drivers.c).  A driver claims PCI functions in probe and does its work
 * in poll, which the executor calls every turn: drivers never block and
 * never run in interrupt handlers (an interrupt only wakes the CPU).
 */
#ifndef DRIVERS_H
#define DRIVERS_H

#include <stdint.h>
#include "pci.h"

struct driver {
	const char *name;
	int (*probe)(struct pci_dev *d);	/* 0: claimed */
	void (*poll)(void);
};

/* Enumerates PCI, offers every function to every driver, logs one line per
 * function with the driver that claimed it. */
void drivers_init(void);
void drivers_poll(void);
/* rdtsc at the most recent device interrupt: when the work now being
 * polled arrived. */
uint64_t drivers_irq_tsc(void);
uint32_t drivers_input_count(void);

#endif
