/*
 * The I/O APIC (Intel 82093AA datasheet, 3.2) as the ACPI MADT describes
 * it (ACPI 6.5, 5.2.12: I/O APIC entries, Interrupt Source Overrides).
 * Only ISA interrupts are routed here; PCI devices use MSI-X.
 *
 * The legacy 8259 PICs are masked on first use: the firmware may have left
 * lines open on them, and they would deliver the same interrupt a second
 * time through the local APIC's LINT0, on a vector we never set.
 */
#include "acpi.h"
#include "cpu.h"
#include "ioapic.h"
#include "lib.h"
#include "log.h"
#include "paging.h"

#define MADT_IOAPIC		1
#define MADT_OVERRIDE		2
#define MADT_PCAT_COMPAT	1u	/* flags: the machine has 8259s */
#define IOAPIC_MAX		4

/* Filled on first use; read-only afterwards. */
static struct {
	uint8_t parsed, count, pics_masked;
	struct {
		volatile uint32_t *regs;
		uint32_t gsi_base, entries;
	} io[IOAPIC_MAX];
	uint32_t madt_flags;
	const uint8_t *madt;
	uint32_t madt_len;
} ioapic;

static uint32_t ioapic_read(volatile uint32_t *r, uint32_t reg)
{
	r[0] = reg;		/* IOREGSEL */
	return r[4];		/* IOWIN, 0x10 bytes on */
}

static void ioapic_write(volatile uint32_t *r, uint32_t reg, uint32_t v)
{
	r[0] = reg;
	r[4] = v;
}

static void ioapic_parse(void)
{
	const uint8_t *m = acpi_find("APIC");
	uint32_t off;

	ioapic.parsed = 1;
	if (!m)
		return;
	memcpy(&ioapic.madt_len, m + 4, 4);
	memcpy(&ioapic.madt_flags, m + 40, 4);
	ioapic.madt = m;
	for (off = 44; off + 2 <= ioapic.madt_len && m[off + 1] >= 2; off += m[off + 1]) {
		uint32_t addr, base;

		if (m[off] != MADT_IOAPIC || m[off + 1] < 12 || ioapic.count == IOAPIC_MAX)
			continue;
		memcpy(&addr, m + off + 4, 4);
		memcpy(&base, m + off + 8, 4);
		/* Device registers: uncached (PCD and PWT). */
		if (paging_map(addr, addr, PAGE_SIZE, PG_RW | PG_NX | PG_NOCACHE | (1ull << 3)) < 0)
			continue;
		ioapic.io[ioapic.count].regs = (volatile uint32_t *)(uintptr_t)addr;
		ioapic.io[ioapic.count].gsi_base = base;
		ioapic.io[ioapic.count].entries = ((ioapic_read(ioapic.io[ioapic.count].regs, 1) >> 16) & 0xff) + 1;
		ioapic.count++;
	}
}

int ioapic_route_isa(uint8_t irq, uint8_t vector)
{
	uint32_t gsi = irq, flags = 0, off, i, r[4], low;

	if (!ioapic.parsed)
		ioapic_parse();
	if (!ioapic.count)
		return -1;
	if (!ioapic.pics_masked && (ioapic.madt_flags & MADT_PCAT_COMPAT)) {
		outb(0x21, 0xff);
		outb(0xa1, 0xff);
		ioapic.pics_masked = 1;
	}
	/* An override moves the IRQ to another global interrupt, or changes
	 * its polarity and trigger; ISA's own are edge, active high. */
	for (off = 44; off + 2 <= ioapic.madt_len && ioapic.madt[off + 1] >= 2; off += ioapic.madt[off + 1])
		if (ioapic.madt[off] == MADT_OVERRIDE && ioapic.madt[off + 1] >= 10 && ioapic.madt[off + 3] == irq) {
			memcpy(&gsi, ioapic.madt + off + 4, 4);
			flags = ioapic.madt[off + 8] | (uint32_t)ioapic.madt[off + 9] << 8;
		}
	cpuid(1, 0, r);
	low = vector;		/* fixed delivery, physical destination */
	if ((flags & 3) == 3)
		low |= 1u << 13;	/* active low */
	if (((flags >> 2) & 3) == 3)
		low |= 1u << 15;	/* level triggered */
	for (i = 0; i < ioapic.count; i++) {
		volatile uint32_t *io = ioapic.io[i].regs;
		uint32_t n = gsi - ioapic.io[i].gsi_base;

		if (gsi < ioapic.io[i].gsi_base || n >= ioapic.io[i].entries)
			continue;
		ioapic_write(io, 0x10 + 2 * n + 1, (r[1] >> 24) << 24);	/* this CPU's APIC ID */
		ioapic_write(io, 0x10 + 2 * n, low);			/* unmasked last */
		return 0;
	}
	klog("ioapic: no I/O APIC serves IRQ %u (interrupt %u)\n", irq, gsi);
	return -1;
}
