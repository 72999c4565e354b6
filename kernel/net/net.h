/*
 * The kernel's network: lwIP (Debian's lwip source package, built by
 * build.ninja from build/lwip/) over the first network device
 * (drivers/netdev.h), driven from the executor's loop.
 *
 * net_init once after drivers_init; net_poll every turn of the loop,
 * after drivers_poll (which hands received frames to lwIP): it runs lwIP's
 * timers and sends what waited for room in the ring.  Nothing here runs in
 * an interrupt handler.
 */
#ifndef NET_H
#define NET_H

#include <stdint.h>
#include "boot.h"
#include "fomos.h"
#include "netops.h"

/* From boot.cfg: ip= (else DHCP), gw=, dns=.  Returns 0, or -1 if there is
 * no network device (a line says so). */
int net_init(const struct boot_cfg *cfg);
void net_poll(void);
int net_up(void);			/* a device was found */
/* The settings and counters (FOMOS_E_NONET without a device). */
int32_t net_info(struct fomos_netinfo *out);
/* The `net` command's answer, into out (NUL terminated, cut to cap). */
uint32_t net_describe(char *out, uint32_t cap);
/* The sockets for apps (sock.c). */
extern const struct net_ops net_sock_ops;

/* For sock.c.  Received data a socket will hold: p itself, or a copy
 * (p freed) when the device runs short of receive buffers. */
struct pbuf;
struct pbuf *net_rx_keep(struct pbuf *p);

#endif
