/*
 * Network devices, as the layer above (kernel/net/) sees them: Ethernet
 * frames in and out, no copies.  drivers/virtio_net.c provides them.
 *
 * Receiving: the driver keeps its receive ring full of buffers and, from
 * its poll, hands each frame that arrived to d->rx.  The frame's bytes stay
 * the upper layer's to read until it gives the buffer back with
 * d->rx_release (the stack may queue it on a socket meanwhile); then the
 * driver posts it again.  d->rx_posted says how many buffers the device
 * still has: when it runs low the upper layer copies and releases at once,
 * so a slow reader never starves the ring.
 *
 * Sending: d->tx takes a frame as a list of pieces (the stack's buffers,
 * identity-mapped kernel memory) and a cookie; the device reads them
 * in place, and d->tx_done(cookie) comes from a later poll, when it has.
 */
#ifndef NETDEV_H
#define NETDEV_H

#include <stdint.h>

#define NETDEV_MAX		4
#define NETDEV_TX_SEGS		16	/* pieces of one frame, at most */
#define NETDEV_FRAME_MAX	1514	/* Ethernet header + 1500 bytes, no FCS */

struct netdev_seg {
	const void *data;
	uint32_t len;
};

struct netdev_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_errors;		/* truncated or oversized frames, dropped by the driver */
	uint64_t tx_errors;		/* frames refused: too many pieces or too long */
	uint64_t tx_busy;		/* frames refused: the ring was full */
};

struct netdev {
	char name[8];			/* "eth0", ... */
	uint8_t mac[6];
	uint8_t link_up;
	uint16_t mtu;
	uint32_t rx_posted;		/* receive buffers the device holds now */
	uint32_t rx_ring;		/* receive buffers in all */
	struct netdev_stats stats;
	char label[32];			/* the driver's name for it: "virtio-net 00:02.0" */

	/* Set by the layer above before the first poll. */
	void *upper;
	void (*rx)(void *upper, void *frame, uint32_t len, uint32_t buf_id);
	void (*tx_done)(void *upper, void *cookie);

	/* The driver's. */
	int (*tx)(struct netdev *d, const struct netdev_seg *segs, uint32_t n, void *cookie);	/* 0, or -1: busy or refused (counted) */
	void (*rx_release)(struct netdev *d, uint32_t buf_id);
	void *priv;
};

void netdev_register(struct netdev *d);	/* names it eth0, eth1, ... */
uint32_t netdev_count(void);
struct netdev *netdev_get(uint32_t i);	/* NULL past the count */

#endif
