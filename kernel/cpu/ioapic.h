/*
 * The I/O APIC: the interrupts of ISA devices (the i8042's keyboard and
 * mouse), which are not message-signalled, routed to a vector of this CPU.
 */
#ifndef IOAPIC_H
#define IOAPIC_H

#include <stdint.h>

/* Routes ISA IRQ `irq` (through the MADT's overrides) to `vector` on the
 * boot CPU, edge or level as the MADT says.  The first call masks the
 * 8259 PICs.  Returns 0, or -1 when there is no I/O APIC for it. */
int ioapic_route_isa(uint8_t irq, uint8_t vector);

#endif
