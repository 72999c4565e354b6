/*
 * virtio over PCI, modern interface (virtio 1.2, 4.1.4).  QEMU:
 * -device virtio-keyboard-pci (modern only, 1af4:1052),
 * -device virtio-blk-pci (transitional, 1af4:1001, unless disable-legacy=on).
 */
#include "cpu.h"
#include "fmt.h"
#include "lib.h"
#include "log.h"
#include "pmm.h"
#include "trap.h"
#include "virtio_pci.h"

#define VIRTIO_VENDOR		0x1af4
#define PCI_CAP_VENDOR		0x09
#define VIRTIO_CAP_COMMON	1
#define VIRTIO_CAP_NOTIFY	2
#define VIRTIO_CAP_ISR		3
#define VIRTIO_CAP_DEVICE	4

/* struct virtio_pci_common_cfg, 4.1.4.3 */
#define CC_DFSELECT	0x00
#define CC_DF		0x04
#define CC_GFSELECT	0x08
#define CC_GF		0x0c
#define CC_MSIX_CONFIG	0x10
#define CC_NUM_QUEUES	0x12
#define CC_STATUS	0x14
#define CC_GENERATION	0x15
#define CC_Q_SELECT	0x16
#define CC_Q_SIZE	0x18
#define CC_Q_MSIX	0x1a
#define CC_Q_ENABLE	0x1c
#define CC_Q_NOFF	0x1e
#define CC_Q_DESC	0x20
#define CC_Q_DRIVER	0x28
#define CC_Q_DEVICE	0x30

#define STATUS_ACKNOWLEDGE	1
#define STATUS_DRIVER		2
#define STATUS_DRIVER_OK	4
#define STATUS_FEATURES_OK	8
#define STATUS_FAILED		128
#define NO_VECTOR		0xffff

static uint8_t vp_r8(struct virtio_dev *v, uint32_t o) { return v->common[o]; }
static uint16_t vp_r16(struct virtio_dev *v, uint32_t o) { return *(volatile uint16_t *)(v->common + o); }
static uint32_t vp_r32(struct virtio_dev *v, uint32_t o) { return *(volatile uint32_t *)(v->common + o); }
static void vp_w8(struct virtio_dev *v, uint32_t o, uint8_t x) { v->common[o] = x; }
static void vp_w16(struct virtio_dev *v, uint32_t o, uint16_t x) { *(volatile uint16_t *)(v->common + o) = x; }
static void vp_w32(struct virtio_dev *v, uint32_t o, uint32_t x) { *(volatile uint32_t *)(v->common + o) = x; }

/* 64-bit fields as two 32-bit writes, low first (4.1.3.1). */
static void vp_w64(struct virtio_dev *v, uint32_t o, uint64_t x)
{
	vp_w32(v, o, (uint32_t)x);
	vp_w32(v, o + 4, (uint32_t)(x >> 32));
}

uint32_t virtio_pci_type(const struct pci_dev *d)
{
	if (d->vendor != VIRTIO_VENDOR)
		return 0;
	if (d->device >= 0x1040 && d->device <= 0x107f)
		return d->device - 0x1040;
	if (d->device >= 0x1000 && d->device <= 0x103f)
		return d->subsys_device;	/* transitional: the type is the subsystem id */
	return 0;
}

const char *virtio_type_name(uint32_t type)
{
	switch (type) {
	case VIRTIO_NET: return "virtio-net";
	case VIRTIO_BLOCK: return "virtio-blk";
	case VIRTIO_CONSOLE: return "virtio-console";
	case VIRTIO_RNG: return "virtio-rng";
	case VIRTIO_GPU: return "virtio-gpu";
	case VIRTIO_INPUT: return "virtio-input";
	}
	return "virtio (unknown type)";
}

int virtio_pci_probe(struct virtio_dev *v, struct pci_dev *d)
{
	uint8_t cap;

	memset(v, 0, sizeof(*v));
	v->pci = d;
	v->type = virtio_pci_type(d);
	fmt_snprintf(v->label, sizeof(v->label), "%s %02x:%02x.%u", virtio_type_name(v->type),
	    d->bus, d->dev, d->fn);
	for (cap = pci_find_cap(d, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(d, PCI_CAP_VENDOR, cap)) {
		uint8_t type = pci_read8(d, cap + 3), bar = pci_read8(d, cap + 4);
		uint32_t off = pci_read32(d, cap + 8);
		volatile uint8_t *p;

		if (bar > 5 || !d->bar[bar].base || d->bar[bar].io)
			continue;
		p = (volatile uint8_t *)(uintptr_t)(d->bar[bar].base + off);
		if (type == VIRTIO_CAP_COMMON && !v->common)
			v->common = p;
		else if (type == VIRTIO_CAP_NOTIFY && !v->notify) {
			v->notify = p;
			v->notify_mul = pci_read32(d, cap + 16);
		} else if (type == VIRTIO_CAP_ISR && !v->isr)
			v->isr = p;
		else if (type == VIRTIO_CAP_DEVICE && !v->config)
			v->config = p;
	}
	if (!v->common || !v->notify) {
		klog("virtio: %s has no modern (virtio 1.x) interface, left alone\n", v->label);
		return -1;
	}
	pci_enable(d);
	return 0;
}

void virtio_pci_fail(struct virtio_dev *v)
{
	vp_w8(v, CC_STATUS, vp_r8(v, CC_STATUS) | STATUS_FAILED);
}

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, check it stuck. */
int virtio_pci_start(struct virtio_dev *v, uint64_t want)
{
	uint64_t offered;
	uint32_t spins;

	vp_w8(v, CC_STATUS, 0);
	for (spins = 0; vp_r8(v, CC_STATUS) != 0; spins++)
		if (spins > 1000000) {
			klog("virtio: %s does not reset, left alone\n", v->label);
			return -1;
		}
	vp_w8(v, CC_STATUS, STATUS_ACKNOWLEDGE);
	vp_w8(v, CC_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	vp_w32(v, CC_DFSELECT, 0);
	offered = vp_r32(v, CC_DF);
	vp_w32(v, CC_DFSELECT, 1);
	offered |= (uint64_t)vp_r32(v, CC_DF) << 32;
	if (!(offered & VIRTIO_F_VERSION_1)) {
		klog("virtio: %s does not offer VIRTIO_F_VERSION_1, left alone\n", v->label);
		virtio_pci_fail(v);
		return -1;
	}
	v->features = offered & (want | VIRTIO_F_VERSION_1);
	vp_w32(v, CC_GFSELECT, 0);
	vp_w32(v, CC_GF, (uint32_t)v->features);
	vp_w32(v, CC_GFSELECT, 1);
	vp_w32(v, CC_GF, (uint32_t)(v->features >> 32));
	vp_w8(v, CC_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(vp_r8(v, CC_STATUS) & STATUS_FEATURES_OK)) {
		klog("virtio: %s refused features 0x%llx, left alone\n", v->label, v->features);
		virtio_pci_fail(v);
		return -1;
	}
	/* One MSI-X vector for the whole device, if it has MSI-X: an interrupt
	 * only wakes the CPU; the drivers poll their queues. */
	v->msix = pci_msix_enable(v->pci, 0, VEC_VIRTIO) == 0;
	vp_w16(v, CC_MSIX_CONFIG, NO_VECTOR);
	return 0;
}

int virtio_pci_queue(struct virtio_dev *v, uint16_t index, struct virtq *q, uint16_t max_size)
{
	uint16_t size;
	uint64_t bytes, mem;

	if (index >= vp_r16(v, CC_NUM_QUEUES)) {
		klog("virtio: %s has no queue %u\n", v->label, index);
		return -1;
	}
	vp_w16(v, CC_Q_SELECT, index);
	size = vp_r16(v, CC_Q_SIZE);
	while (size > max_size)
		size /= 2;
	if (!size || (size & (size - 1))) {
		klog("virtio: %s queue %u has size %u\n", v->label, index, size);
		return -1;
	}
	bytes = ALIGN_UP(virtq_bytes(size), PAGE_SIZE);
	mem = pmm_alloc(bytes / PAGE_SIZE);	/* physically contiguous, identity mapped */
	if (!mem) {
		klog("virtio: %s: no memory for queue %u\n", v->label, index);
		return -1;
	}
	memset((void *)(uintptr_t)mem, 0, bytes);
	virtq_init(q, size, (void *)(uintptr_t)mem, mem, (v->features & VIRTIO_F_RING_EVENT_IDX) != 0);
	q->index = index;
	vp_w16(v, CC_Q_SIZE, size);
	vp_w64(v, CC_Q_DESC, virtq_desc_phys(q));
	vp_w64(v, CC_Q_DRIVER, virtq_avail_phys(q));
	vp_w64(v, CC_Q_DEVICE, virtq_used_phys(q));
	if (v->msix) {
		vp_w16(v, CC_Q_MSIX, 0);
		if (vp_r16(v, CC_Q_MSIX) != 0)
			v->msix = 0;	/* the device could not take it: we poll on the timer tick */
	}
	q->notify_off = vp_r16(v, CC_Q_NOFF);
	vp_w16(v, CC_Q_ENABLE, 1);
	return 0;
}

void virtio_pci_ready(struct virtio_dev *v)
{
	vp_w8(v, CC_STATUS, vp_r8(v, CC_STATUS) | STATUS_DRIVER_OK);
}

void virtio_pci_kick(struct virtio_dev *v, struct virtq *q)
{
	virtq_publish(q);
	if (virtq_should_notify(q))
		*(volatile uint16_t *)(v->notify + (uint64_t)q->notify_off * v->notify_mul) = q->index;
}

void virtio_pci_read_config(struct virtio_dev *v, uint32_t off, void *buf, uint32_t len)
{
	uint8_t gen, *b = buf;
	uint32_t i, tries = 0;

	do {
		gen = vp_r8(v, CC_GENERATION);
		for (i = 0; i < len; i++)
			b[i] = v->config[off + i];
	} while (vp_r8(v, CC_GENERATION) != gen && ++tries < 100);
}

void virtio_pci_write_config8(struct virtio_dev *v, uint32_t off, uint8_t val)
{
	v->config[off] = val;
}
