/*
 * The virtio 1.x PCI transport (virtio 1.2, section 4.1): the common,
 * notify, ISR and device configuration regions found through the vendor
 * capabilities, feature negotiation and the device status sequence.  Works
 * for modern-only IDs (0x1040 + type) and transitional IDs (0x1000-0x103f)
 * alike, always with VIRTIO_F_VERSION_1.
 *
 * Calling order for a driver: virtio_pci_probe, virtio_pci_start (features),
 * virtio_pci_queue for each queue, fill the queues, virtio_pci_ready; then
 * virtio_pci_kick after queueing requests.  A failure returns -1 after one
 * log line, with the device marked FAILED; the boot goes on without it.
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdint.h>
#include "pci.h"
#include "virtq.h"

#define VIRTIO_F_RING_EVENT_IDX	(1ull << 29)
#define VIRTIO_F_VERSION_1	(1ull << 32)

enum virtio_type {
	VIRTIO_NET = 1, VIRTIO_BLOCK = 2, VIRTIO_CONSOLE = 3, VIRTIO_RNG = 4,
	VIRTIO_GPU = 16, VIRTIO_INPUT = 18,
};

struct virtio_dev {
	struct pci_dev *pci;
	uint32_t type;			/* enum virtio_type */
	volatile uint8_t *common;	/* struct virtio_pci_common_cfg */
	volatile uint8_t *notify;
	volatile uint8_t *isr;
	volatile uint8_t *config;	/* device-specific */
	uint32_t notify_mul;
	uint64_t features;		/* negotiated */
	int msix;			/* queues interrupt through MSI-X entry 0 */
	char label[24];			/* "virtio-input 00:03.0", for log lines */
};

/* The virtio device type of a PCI function, 0 if it is not virtio. */
uint32_t virtio_pci_type(const struct pci_dev *d);
const char *virtio_type_name(uint32_t type);

int virtio_pci_probe(struct virtio_dev *v, struct pci_dev *d);
/* Resets the device and negotiates VERSION_1 plus what of `want` it offers. */
int virtio_pci_start(struct virtio_dev *v, uint64_t want);
/* Sets up queue `index` with at most max_size entries, in fresh DMA memory. */
int virtio_pci_queue(struct virtio_dev *v, uint16_t index, struct virtq *q, uint16_t max_size);
void virtio_pci_ready(struct virtio_dev *v);
void virtio_pci_fail(struct virtio_dev *v);
/* Publishes what was queued and notifies the device if it wants that. */
void virtio_pci_kick(struct virtio_dev *v, struct virtq *q);
/* Device configuration, read consistently (re-read if the device changed
 * it meanwhile: the config generation check of 4.1.4.3). */
void virtio_pci_read_config(struct virtio_dev *v, uint32_t off, void *buf, uint32_t len);
void virtio_pci_write_config8(struct virtio_dev *v, uint32_t off, uint8_t val);

#endif
