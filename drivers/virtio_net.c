/*
 * virtio-net (virtio 1.2, section 5.1): Ethernet cards.  QEMU: -netdev
 * user,id=n0 -device virtio-net-pci,netdev=n0 (transitional, 1af4:1000;
 * modern-only 1af4:1041 with disable-legacy=on).
 *
 * Two queues: receiveq1 (0) and transmitq1 (1); no control queue, no
 * offloads, no merged receive buffers.  Every frame is preceded by the
 * 12-byte virtio_net_hdr (VERSION_1 always has num_buffers), all zero on
 * transmit: we ask for no checksum or segmentation help, lwIP does both.
 *
 * Receive: every descriptor of the ring holds one 2 KiB buffer (header +
 * the largest frame) from one DMA block; the ring is kept full.  A frame
 * goes up in place (netdev.h) and its buffer is posted again when the
 * stack releases it.  Frames shorter than an Ethernet header or longer than
 * NETDEV_FRAME_MAX are dropped here and counted.
 *
 * Transmit: a header slot the device reads, then the stack's pieces in
 * place; the cookie goes back up when the device has used the chain.
 */
#include "cpu.h"
#include "drivers.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "panic.h"
#include "netdev.h"
#include "paging.h"
#include "pmm.h"
#include "timer.h"
#include "virtio_pci.h"

#define VNET_MAX	NETDEV_MAX
#define VNET_QUEUE	256	/* descriptors asked for per queue (QEMU's default) */
#define VNET_RXBUF	2048
#define VNET_HDR	12
#define VNET_TXSLOTS	128	/* frames in flight */
#define VNET_LINK_NS	250000000ull	/* the link status is read this often */

/* Feature bits (5.1.3). */
#define VNET_F_MTU	(1ull << 3)
#define VNET_F_MAC	(1ull << 5)
#define VNET_F_STATUS	(1ull << 16)

/* Configuration layout (5.1.4). */
#define CFG_MAC		0
#define CFG_STATUS	6
#define CFG_MTU		10
#define VNET_S_LINK_UP	1

struct vnet_hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
};
_Static_assert(sizeof(struct vnet_hdr) == VNET_HDR, "virtio 1.2, 5.1.6");

static struct vnet {
	struct netdev nd;
	struct virtio_dev vd;
	struct virtq rxq, txq;
	uint8_t *rxbufs;		/* DMA: rx_ring buffers of VNET_RXBUF */
	uint8_t *rx_held;		/* 1 while the stack holds buffer i */
	struct vnet_hdr *txhdr;		/* DMA: one per slot, all zero */
	void *tx_cookie[VNET_TXSLOTS];
	uint16_t tx_free[VNET_TXSLOTS];
	uint32_t tx_free_n;
	uint32_t rx_unkicked;		/* buffers added since the last kick */
	uint64_t next_link_ns;
	struct virtq_buf bufs[NETDEV_TX_SEGS + 1];
} vnets[VNET_MAX];
static uint32_t vnet_count;

static int vnet_post(struct vnet *v, uint32_t id)
{
	struct virtq_buf b = { (uint64_t)(uintptr_t)(v->rxbufs + (uint64_t)id * VNET_RXBUF), VNET_RXBUF };

	if (virtq_add(&v->rxq, &b, 0, 1, (void *)(uintptr_t)(id + 1)) < 0)
		return -1;
	v->rx_held[id] = 0;
	v->nd.rx_posted++;
	v->rx_unkicked++;
	return 0;
}

static void vnet_rx_release(struct netdev *d, uint32_t id)
{
	struct vnet *v = d->priv;

	if (id >= d->rx_ring || !v->rx_held[id])
		panic("virtio-net: buffer %u released twice or never given\n", id);
	vnet_post(v, id);
}

static int vnet_tx(struct netdev *d, const struct netdev_seg *segs, uint32_t n, void *cookie)
{
	struct vnet *v = d->priv;
	uint32_t i, total = 0, slot;

	if (n == 0 || n > NETDEV_TX_SEGS) {
		d->stats.tx_errors++;
		return -1;
	}
	if (!v->tx_free_n) {
		d->stats.tx_busy++;
		return -1;
	}
	slot = v->tx_free[v->tx_free_n - 1];
	v->bufs[0] = (struct virtq_buf){ (uint64_t)(uintptr_t)&v->txhdr[slot], VNET_HDR };
	for (i = 0; i < n; i++) {
		/* Kernel memory is identity-mapped, but say what the device
		 * needs: the physical address. */
		uint64_t pa = paging_translate((uint64_t)(uintptr_t)segs[i].data);

		if (!pa || segs[i].len == 0) {
			d->stats.tx_errors++;
			return -1;
		}
		v->bufs[i + 1] = (struct virtq_buf){ pa, segs[i].len };
		total += segs[i].len;
	}
	if (total > NETDEV_FRAME_MAX) {
		d->stats.tx_errors++;
		return -1;
	}
	if (virtq_add(&v->txq, v->bufs, (uint16_t)(n + 1), 0, (void *)(uintptr_t)(slot + 1)) < 0) {
		d->stats.tx_busy++;
		return -1;
	}
	v->tx_free_n--;
	v->tx_cookie[slot] = cookie;
	d->stats.tx_frames++;
	d->stats.tx_bytes += total;
	virtio_pci_kick(&v->vd, &v->txq);
	return 0;
}

static void vnet_link(struct vnet *v, uint64_t now)
{
	uint16_t status;

	if (!(v->vd.features & VNET_F_STATUS) || now < v->next_link_ns)
		return;
	v->next_link_ns = now + VNET_LINK_NS;
	virtio_pci_read_config(&v->vd, CFG_STATUS, &status, sizeof(status));
	if (!!(status & VNET_S_LINK_UP) != v->nd.link_up) {
		v->nd.link_up = !!(status & VNET_S_LINK_UP);
		klog("virtio-net: %s link %s\n", v->nd.name, v->nd.link_up ? "up" : "down");
	}
}

static void vnet_poll(void)
{
	uint32_t i;
	uint64_t now = timer_ns();

	for (i = 0; i < vnet_count; i++) {
		struct vnet *v = &vnets[i];
		void *c;
		uint32_t len;

		vnet_link(v, now);
		while ((c = virtq_get(&v->txq, &len))) {
			uint32_t slot = (uint32_t)(uintptr_t)c - 1;

			v->tx_free[v->tx_free_n++] = (uint16_t)slot;
			if (v->nd.tx_done)
				v->nd.tx_done(v->nd.upper, v->tx_cookie[slot]);
		}
		while ((c = virtq_get(&v->rxq, &len))) {
			uint32_t id = (uint32_t)(uintptr_t)c - 1;
			uint8_t *buf = v->rxbufs + (uint64_t)id * VNET_RXBUF;

			v->nd.rx_posted--;
			v->rx_held[id] = 1;
			if (len < VNET_HDR + 14 || len > VNET_HDR + NETDEV_FRAME_MAX || !v->nd.rx) {
				v->nd.stats.rx_errors++;
				vnet_post(v, id);
				continue;
			}
			v->nd.stats.rx_frames++;
			v->nd.stats.rx_bytes += len - VNET_HDR;
			v->nd.rx(v->nd.upper, buf + VNET_HDR, len - VNET_HDR, id);
		}
		if (v->rx_unkicked) {
			v->rx_unkicked = 0;
			virtio_pci_kick(&v->vd, &v->rxq);
		}
	}
}

static int vnet_probe(struct pci_dev *d)
{
	struct vnet *v;
	uint64_t rxmem, txmem;
	uint32_t i, ring;
	uint16_t mtu = 1500;

	if (virtio_pci_type(d) != VIRTIO_NET || vnet_count == VNET_MAX)
		return -1;
	v = &vnets[vnet_count];
	memset(v, 0, sizeof(*v));
	if (virtio_pci_probe(&v->vd, d) < 0 ||
	    virtio_pci_start(&v->vd, VNET_F_MAC | VNET_F_STATUS | VNET_F_MTU | VIRTIO_F_RING_EVENT_IDX) < 0)
		return -1;
	if (!(v->vd.features & VNET_F_MAC)) {
		/* A card without an address of its own: make a locally
		 * administered one, unique enough on a test network. */
		uint32_t r = (uint32_t)rdtsc();

		v->nd.mac[0] = 0x02;
		memcpy(&v->nd.mac[2], &r, 4);
	} else {
		virtio_pci_read_config(&v->vd, CFG_MAC, v->nd.mac, 6);
	}
	if (v->vd.features & VNET_F_MTU)
		virtio_pci_read_config(&v->vd, CFG_MTU, &mtu, sizeof(mtu));
	v->nd.mtu = mtu > 1500 || mtu < 576 ? 1500 : mtu;
	v->nd.link_up = 1;	/* without the STATUS feature the link is always up (5.1.4) */
	if (virtio_pci_queue(&v->vd, 0, &v->rxq, VNET_QUEUE) < 0 ||
	    virtio_pci_queue(&v->vd, 1, &v->txq, VNET_QUEUE) < 0) {
		virtio_pci_fail(&v->vd);
		return -1;
	}
	ring = v->rxq.size;
	rxmem = pmm_alloc((uint64_t)ring * VNET_RXBUF / PAGE_SIZE);
	txmem = pmm_alloc(1);
	v->rx_held = kcalloc(ring, 1);
	if (!rxmem || !txmem || !v->rx_held) {
		klog("virtio-net: %s: no memory for its buffers, left alone\n", v->vd.label);
		virtio_pci_fail(&v->vd);
		return -1;
	}
	v->rxbufs = (uint8_t *)(uintptr_t)rxmem;
	v->txhdr = (struct vnet_hdr *)(uintptr_t)txmem;
	memset(v->txhdr, 0, PAGE_SIZE);
	_Static_assert(VNET_TXSLOTS * VNET_HDR <= PAGE_SIZE, "tx headers fit a page");
	for (i = 0; i < VNET_TXSLOTS; i++)
		v->tx_free[i] = (uint16_t)i;
	v->tx_free_n = VNET_TXSLOTS;
	v->nd.rx_ring = ring;
	v->nd.tx = vnet_tx;
	v->nd.rx_release = vnet_rx_release;
	v->nd.priv = v;
	fmt_snprintf(v->nd.label, sizeof(v->nd.label), "%s", v->vd.label);
	virtio_pci_ready(&v->vd);
	for (i = 0; i < ring; i++)
		vnet_post(v, i);
	v->rx_unkicked = 0;
	virtio_pci_kick(&v->vd, &v->rxq);
	netdev_register(&v->nd);
	vnet_link(v, 0);
	vnet_count++;
	klog("virtio-net: %s is %s, %02x:%02x:%02x:%02x:%02x:%02x, link %s, %u receive buffers%s\n",
	    v->vd.label, v->nd.name, v->nd.mac[0], v->nd.mac[1], v->nd.mac[2], v->nd.mac[3],
	    v->nd.mac[4], v->nd.mac[5], v->nd.link_up ? "up" : "down", ring,
	    v->vd.msix ? "" : ", polled (no MSI-X)");
	return 0;
}

const struct driver driver_virtio_net = { "virtio-net", vnet_probe, vnet_poll };
