/*
 * PCI enumeration (PCI Local Bus 3.0, PCI Express Base 4.0 section 7.2.2 for
 * ECAM).  QEMU: -machine q35 has ECAM (MCFG); -machine pc has only the legacy
 * ports.  Every function found is kept in one table; drivers look there.
 */
#include "acpi.h"
#include "cpu.h"
#include "fmt.h"
#include "lib.h"
#include "log.h"
#include "paging.h"
#include "pci.h"

#define PCI_CMD_IO		(1u << 0)
#define PCI_CMD_MEMORY		(1u << 1)
#define PCI_CMD_MASTER		(1u << 2)
#define PCI_CMD_INTX_OFF	(1u << 10)
#define PCI_CAP_MSIX		0x11

/* Set by pci_init; the table is read-only afterwards except ->driver. */
static struct {
	uint64_t ecam;			/* base of bus ecam_bus0's config space, 0 = legacy ports */
	uint8_t ecam_bus0, ecam_bus1;
	uint32_t count;
	struct pci_dev devs[PCI_MAX_DEVICES];
} pci;

static volatile uint8_t *pci_ecam_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return (volatile uint8_t *)(uintptr_t)(pci.ecam + ((uint64_t)(bus - pci.ecam_bus0) << 20) +
	    ((uint64_t)dev << 15) + ((uint64_t)fn << 12) + off);
}

static uint32_t pci_raw_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	if (pci.ecam && bus >= pci.ecam_bus0 && bus <= pci.ecam_bus1)
		return *(volatile uint32_t *)pci_ecam_addr(bus, dev, fn, off);
	if (off >= 256)
		return 0xffffffff;
	outl(0xcf8, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc));
	return inl(0xcfc);
}

static void pci_raw_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	if (pci.ecam && bus >= pci.ecam_bus0 && bus <= pci.ecam_bus1) {
		*(volatile uint32_t *)pci_ecam_addr(bus, dev, fn, off) = v;
		return;
	}
	if (off >= 256)
		return;
	outl(0xcf8, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc));
	outl(0xcfc, v);
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off) { return pci_raw_read32(d->bus, d->dev, d->fn, off); }
uint16_t pci_read16(const struct pci_dev *d, uint16_t off) { return pci_read32(d, off & ~3) >> ((off & 2) * 8); }
uint8_t pci_read8(const struct pci_dev *d, uint16_t off) { return pci_read32(d, off & ~3) >> ((off & 3) * 8); }
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v) { pci_raw_write32(d->bus, d->dev, d->fn, off, v); }

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	uint32_t old = pci_read32(d, off & ~3), shift = (off & 2) * 8;

	pci_write32(d, off & ~3, (old & ~(0xffffu << shift)) | (uint32_t)v << shift);
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after)
{
	uint8_t off, guard;

	if (!(pci_read16(d, 0x06) & (1u << 4)))	/* status: capability list present */
		return 0;
	off = after ? pci_read8(d, after + 1) : pci_read8(d, 0x34);
	/* At most 48 capabilities fit in 256 bytes: a looping list stops here. */
	for (guard = 0; off >= 0x40 && guard < 48; guard++) {
		off &= 0xfc;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

void pci_enable(const struct pci_dev *d)
{
	pci_write16(d, 0x04, pci_read16(d, 0x04) | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
}

int pci_msix_enable(const struct pci_dev *d, uint16_t entry, uint8_t vector)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	uint32_t table, bir;
	volatile uint32_t *e;

	if (!cap)
		return -1;
	table = pci_read32(d, cap + 4);
	bir = table & 7;
	if (bir > 5 || !d->bar[bir].base || d->bar[bir].io ||
	    entry >= (pci_read16(d, cap + 2) & 0x7ff) + 1u)
		return -1;
	e = (volatile uint32_t *)(uintptr_t)(d->bar[bir].base + (table & ~7u) + entry * 16u);
	e[0] = 0xfee00000u;	/* message address: the boot CPU's local APIC */
	e[1] = 0;
	e[2] = vector;		/* fixed delivery, edge */
	e[3] = 0;		/* unmasked */
	pci_write16(d, cap + 2, (pci_read16(d, cap + 2) | 0x8000) & ~0x4000);	/* enable, no function mask */
	return 0;
}

/* Sizes BAR i by writing all ones with decoding off (PCI 3.0, 6.2.5.1). */
static uint32_t pci_size_bar(struct pci_dev *d, uint32_t i)
{
	uint16_t off = 0x10 + i * 4;
	uint32_t lo = pci_read32(d, off), mask, hi = 0, hmask = 0xffffffff;
	struct pci_bar *b = &d->bar[i];

	pci_write32(d, off, 0xffffffff);
	mask = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (!mask || mask == 0xffffffff)
		return 1;
	if (lo & 1) {
		b->io = 1;
		b->base = lo & ~3u;
		b->size = (uint16_t)~(mask & ~3u) + 1;
		return 1;
	}
	b->is64 = ((lo >> 1) & 3) == 2 && i < 5;
	if (b->is64) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xffffffff);
		hmask = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	b->base = (uint64_t)hi << 32 | (lo & ~0xfu);
	b->size = ~(((uint64_t)hmask << 32) | (mask & ~0xfu)) + 1;
	if (!b->is64)
		b->size &= 0xffffffffull;
	return b->is64 ? 2 : 1;
}

static void pci_add(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev *d;
	uint32_t id = pci_raw_read32(bus, dev, fn, 0), i, cls;
	uint16_t cmd;

	if ((id & 0xffff) == 0xffff || pci.count == PCI_MAX_DEVICES)
		return;
	d = &pci.devs[pci.count++];
	memset(d, 0, sizeof(*d));
	d->bus = bus, d->dev = dev, d->fn = fn;
	d->vendor = id, d->device = id >> 16;
	cls = pci_read32(d, 0x08);
	d->revision = cls, d->prog_if = cls >> 8, d->subclass = cls >> 16, d->class = cls >> 24;
	if ((pci_read8(d, 0x0e) & 0x7f) == 0) {		/* a device, not a bridge */
		i = pci_read32(d, 0x2c);
		d->subsys_vendor = i, d->subsys_device = i >> 16;
		d->irq_line = pci_read8(d, 0x3c), d->irq_pin = pci_read8(d, 0x3d);
		cmd = pci_read16(d, 0x04);
		pci_write16(d, 0x04, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
		for (i = 0; i < 6; i += pci_size_bar(d, i))
			;
		pci_write16(d, 0x04, cmd);
	}
	/* Memory BARs may lie above the identity map (64-bit BARs usually
	 * do): map them, uncached. */
	for (i = 0; i < 6; i++)
		if (d->bar[i].base && !d->bar[i].io && d->bar[i].size)
			paging_map(d->bar[i].base, d->bar[i].base, d->bar[i].size,
			    PG_RW | PG_NX | PG_NOCACHE | (1ull << 3) /* PWT */);
}

static void pci_find_ecam(void)
{
	const uint8_t *mcfg = acpi_find("MCFG");
	uint32_t len;

	if (!mcfg)
		return;
	len = *(const uint32_t *)(mcfg + 4);
	/* The first allocation entry (16 bytes at offset 44) for segment 0. */
	if (len < 44 + 16 || *(const uint16_t *)(mcfg + 44 + 8) != 0)
		return;
	pci.ecam = *(const uint64_t *)(mcfg + 44);
	pci.ecam_bus0 = mcfg[44 + 10];
	pci.ecam_bus1 = mcfg[44 + 11];
	paging_map(pci.ecam, pci.ecam, ((uint64_t)(pci.ecam_bus1 - pci.ecam_bus0) + 1) << 20,
	    PG_RW | PG_NX | PG_NOCACHE | (1ull << 3));
}

uint32_t pci_init(void)
{
	uint32_t bus, dev, fn;

	pci_find_ecam();
	/* Every bus: simpler than following bridges, and cheap (one config
	 * read per absent device). */
	for (bus = 0; bus < 256; bus++)
		for (dev = 0; dev < 32; dev++) {
			uint32_t id = pci_raw_read32(bus, dev, 0, 0);

			if ((id & 0xffff) == 0xffff)
				continue;
			pci_add(bus, dev, 0);
			if (pci_raw_read32(bus, dev, 0, 0x0c) & (0x80u << 16))	/* multi-function */
				for (fn = 1; fn < 8; fn++)
					pci_add(bus, dev, fn);
		}
	klog("pci: %u functions, configuration space through %s\n", pci.count,
	    pci.ecam ? "ECAM (MCFG)" : "the legacy 0xcf8 ports");
	return pci.count;
}

uint32_t pci_count(void) { return pci.count; }
struct pci_dev *pci_get(uint32_t i) { return i < pci.count ? &pci.devs[i] : NULL; }

void pci_describe(const struct pci_dev *d, char *buf, uint32_t len)
{
	fmt_snprintf(buf, len, "%02x:%02x.%u %04x:%04x class %02x%02x %s", d->bus, d->dev, d->fn,
	    d->vendor, d->device, d->class, d->subclass, d->driver ? d->driver : "-");
}
