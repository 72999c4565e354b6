/*
 * PCI: finding the devices, sizing their BARs, walking their capability
 * lists.  Configuration space is reached through ECAM (the ACPI MCFG table)
 * when the firmware describes it, else through the legacy 0xCF8/0xCFC
 * ports (first 256 bytes only).
 */
#ifndef PCI_H
#define PCI_H

#include <stdint.h>

#define PCI_MAX_DEVICES	64

struct pci_bar {
	uint64_t base;		/* physical address or I/O port; 0 if unused */
	uint64_t size;
	uint8_t io;		/* an I/O port range, not memory */
	uint8_t is64;		/* takes this slot and the next */
};

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint8_t class, subclass, prog_if, revision;
	uint8_t irq_pin, irq_line;
	struct pci_bar bar[6];
	const char *driver;	/* set by the driver that claimed it */
};

/* Enumerates every function, sizes and maps the BARs, logs one line each.
 * Returns the number of functions found. */
uint32_t pci_init(void);
uint32_t pci_count(void);
struct pci_dev *pci_get(uint32_t i);

uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);

/* Offset of the first capability with that id at or after `after` (0 to
 * start at the head), 0 if none. */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after);
/* Memory space, bus mastering (DMA), and legacy INTx off. */
void pci_enable(const struct pci_dev *d);
/* Points the device's MSI-X entry `entry` at the local APIC with `vector`
 * and turns MSI-X on.  Returns 0, or -1 without MSI-X. */
int pci_msix_enable(const struct pci_dev *d, uint16_t entry, uint8_t vector);

/* "00:03.0 1af4:1052 0980 virtio-input" lines, as the boot log shows them. */
void pci_describe(const struct pci_dev *d, char *buf, uint32_t len);

#endif
