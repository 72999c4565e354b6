/*
 * The kernel's network (net.h): lwIP's netif over a netdev, its timers,
 * the address (DHCP, or boot.cfg's ip=/gw=/dns=), the `net` command's
 * figures.
 *
 * Frames come up without a copy: each receive buffer the driver hands us
 * becomes a pbuf_custom pointing into it, and goes back to the driver when
 * lwIP (or a socket holding the data) frees it.  Frames go down without a
 * copy too: the driver gets the pbuf chain's pieces and the pbuf, which we
 * hold (pbuf_ref) until the device has read them; lwIP's TCP knows not to
 * touch a segment the driver still holds.
 */
#include "cpu.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "net.h"
#include "netdev.h"
#include "timer.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

struct net_rxbuf {
	struct pbuf_custom pc;		/* first: the pbuf lwIP sees */
	uint32_t id;
};

static struct {
	struct netdev *dev;
	struct netif nif;
	struct net_rxbuf *rx;		/* one per receive buffer of the device */
	uint8_t dhcp;			/* the address comes from DHCP */
	uint8_t told;			/* the address line was logged */
	uint8_t tx_waiting;		/* a frame found the ring full */
	uint64_t rx_copied;		/* frames copied because the ring ran low */
} net;

static uint64_t net_rand_state;

uint32_t net_random(void)
{
	uint64_t x = net_rand_state;

	if (!x)
		x = rdtsc() | 1;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	net_rand_state = x ^ rdtsc();
	return (uint32_t)(x >> 32);
}

/* lwIP's netif_find parses "en0" with atoi; the kernel has no C library. */
int atoi(const char *s)
{
	int v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* lwIP's clock: milliseconds. */
u32_t sys_now(void)
{
	return (u32_t)(timer_ns() / 1000000);
}

static void net_rx_free(struct pbuf *p)
{
	struct net_rxbuf *b = (struct net_rxbuf *)p;

	net.dev->rx_release(net.dev, b->id);
}

static void net_rx(void *upper, void *frame, uint32_t len, uint32_t id)
{
	struct net_rxbuf *b = &net.rx[id];
	struct pbuf *p;

	b->id = id;
	b->pc.custom_free_function = net_rx_free;
	p = pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_REF, &b->pc, frame, (u16_t)len);
	if (!p) {
		net.dev->rx_release(net.dev, id);
		return;
	}
	if (net.nif.input(p, &net.nif) != ERR_OK)
		pbuf_free(p);
}

struct pbuf *net_rx_keep(struct pbuf *p)
{
	struct pbuf *c;

	/* A socket is about to hold received data until its app reads it.
	 * While the device has plenty of buffers, hold them; when it runs
	 * low, copy, so that slow readers never stop the card receiving. */
	if (!net.dev || net.dev->rx_posted >= net.dev->rx_ring / 2)
		return p;
	c = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
	if (!c)
		return p;
	net.rx_copied++;
	pbuf_free(p);
	return c;
}

static void net_tx_retry(void);

static void net_tx_done(void *upper, void *cookie)
{
	pbuf_free(cookie);
	if (net.tx_waiting) {
		net.tx_waiting = 0;
		net_tx_retry();
	}
}

static err_t net_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct netdev_seg segs[NETDEV_TX_SEGS];
	struct pbuf *send = p, *q;
	uint32_t n = 0;

	if (pbuf_clen(p) > NETDEV_TX_SEGS) {
		/* Too many pieces for one frame's descriptors: one copy. */
		if (!(send = pbuf_clone(PBUF_RAW, PBUF_RAM, p)))
			return ERR_MEM;
	} else {
		pbuf_ref(p);
	}
	for (q = send; q; q = q->next)
		if (q->len)
			segs[n++] = (struct netdev_seg){ q->payload, q->len };
	if (net.dev->tx(net.dev, segs, n, send) < 0) {
		pbuf_free(send);
		LINK_STATS_INC(link.drop);
		net.tx_waiting = 1;
		return ERR_MEM;		/* TCP keeps the segment and sends it again */
	}
	LINK_STATS_INC(link.xmit);
	return ERR_OK;
}

static err_t net_netif_init(struct netif *nif)
{
	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(nif->hwaddr, net.dev->mac, ETH_HWADDR_LEN);
	nif->mtu = net.dev->mtu;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	nif->output = etharp_output;
	nif->linkoutput = net_linkoutput;
	return ERR_OK;
}

static uint32_t net_prefix(uint32_t mask)
{
	uint32_t n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

/* The address line, once the address is complete: lwIP announces the
 * address before DHCP has set the gateway and name server, so the line
 * waits for the next poll. */
static void net_status(struct netif *nif)
{
	net.told = 0;
}

static void net_tell(void)
{
	struct fomos_netinfo i;
	char ip[16], gw[16], dns[16];

	if (net.told || ip4_addr_isany_val(*netif_ip4_addr(&net.nif)) ||
	    (net.dhcp && !dhcp_supplied_address(&net.nif)))
		return;
	net.told = 1;
	net_info(&i);
	klog("net: %s %02x:%02x:%02x:%02x:%02x:%02x %s/%u via %s, dns %s (%s)\n", i.name,
	    i.mac[0], i.mac[1], i.mac[2], i.mac[3], i.mac[4], i.mac[5], fomos_ip_text(i.ip, ip),
	    i.prefix, i.gateway ? fomos_ip_text(i.gateway, gw) : "none", i.dns ? fomos_ip_text(i.dns, dns) : "none",
	    i.dhcp ? "dhcp" : "boot.cfg");
}

int net_init(const struct boot_cfg *cfg)
{
	ip4_addr_t ip, mask, gw;

	if (!netdev_count()) {
		klog("net: no network device; the network is off\n");
		return -1;
	}
	net.dev = netdev_get(0);
	net.rx = kcalloc(net.dev->rx_ring, sizeof(*net.rx));
	if (!net.rx) {
		klog("net: no memory for %s's buffers; the network is off\n", net.dev->name);
		net.dev = NULL;
		return -1;
	}
	lwip_init();
	ip4_addr_set_zero(&ip);
	ip4_addr_set_zero(&mask);
	ip4_addr_set_zero(&gw);
	if (cfg->ip) {
		ip4_addr_set_u32(&ip, lwip_htonl(cfg->ip));
		ip4_addr_set_u32(&mask, lwip_htonl(cfg->ip_prefix >= 32 ? 0xffffffffu :
		    ~(0xffffffffu >> cfg->ip_prefix)));
		ip4_addr_set_u32(&gw, lwip_htonl(cfg->gw));
	}
	net.dev->upper = &net;
	net.dev->rx = net_rx;
	net.dev->tx_done = net_tx_done;
	netif_add(&net.nif, &ip, &mask, &gw, NULL, net_netif_init, ethernet_input);
	netif_set_hostname(&net.nif, "fomos");
	netif_set_status_callback(&net.nif, net_status);
	netif_set_default(&net.nif);
	netif_set_up(&net.nif);
	if (net.dev->link_up)
		netif_set_link_up(&net.nif);
	if (cfg->dns) {
		ip_addr_t d;

		ip_addr_set_ip4_u32(&d, lwip_htonl(cfg->dns));
		dns_setserver(0, &d);
	}
	if (!cfg->ip) {
		net.dhcp = 1;
		dhcp_start(&net.nif);
		klog("net: %s asks DHCP for an address\n", net.dev->name);
	}
	return 0;
}

int net_up(void)
{
	return net.dev != NULL;
}

void net_poll(void)
{
	if (!net.dev)
		return;
	if (!!net.dev->link_up != !!netif_is_link_up(&net.nif)) {
		if (net.dev->link_up)
			netif_set_link_up(&net.nif);
		else
			netif_set_link_down(&net.nif);
	}
	sys_check_timeouts();
	net_tell();
}

/* Segments that found the ring full wait in their connections' unsent
 * queues: send them now that the device has read some frames. */
static void net_tx_retry(void)
{
	struct tcp_pcb *pcb;

	for (pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		if (pcb->unsent)
			tcp_output(pcb);
}

int32_t net_info(struct fomos_netinfo *o)
{
	const struct netdev_stats *s;
	const ip_addr_t *d;

	if (!net.dev)
		return FOMOS_E_NONET;
	s = &net.dev->stats;
	memset(o, 0, sizeof(*o));
	memcpy(o->name, net.dev->name, sizeof(o->name));
	memcpy(o->mac, net.dev->mac, 6);
	o->link_up = net.dev->link_up;
	o->ip = lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&net.nif)));
	o->prefix = (uint8_t)net_prefix(lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&net.nif))));
	o->gateway = lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(&net.nif)));
	d = dns_getserver(0);
	o->dns = d ? lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(d))) : 0;
	o->mtu = net.nif.mtu;
	o->dhcp = net.dhcp;
	o->rx_packets = s->rx_frames;
	o->rx_bytes = s->rx_bytes;
	o->tx_packets = s->tx_frames;
	o->tx_bytes = s->tx_bytes;
	/* Bad input: frames the driver dropped, then what lwIP found wrong. */
	o->rx_errors = s->rx_errors + lwip_stats.link.lenerr + lwip_stats.link.proterr +
	    lwip_stats.etharp.lenerr + lwip_stats.etharp.proterr + lwip_stats.etharp.chkerr +
	    lwip_stats.ip.chkerr + lwip_stats.ip.lenerr + lwip_stats.ip.proterr + lwip_stats.ip.opterr +
	    lwip_stats.ip_frag.lenerr + lwip_stats.icmp.chkerr + lwip_stats.icmp.lenerr +
	    lwip_stats.icmp.proterr + lwip_stats.udp.chkerr + lwip_stats.udp.lenerr +
	    lwip_stats.tcp.chkerr + lwip_stats.tcp.lenerr;
	o->rx_dropped = lwip_stats.link.drop + lwip_stats.ip.drop + lwip_stats.tcp.drop +
	    lwip_stats.udp.drop + lwip_stats.icmp.drop + lwip_stats.etharp.drop;
	o->tx_errors = s->tx_errors;
	return 0;
}

uint32_t net_describe(char *out, uint32_t cap)
{
	struct fomos_netinfo i;
	char ip[16], gw[16], dns[16];
	int n;

	if (net_info(&i) < 0)
		return (uint32_t)fmt_snprintf(out, cap, "no network device\n");
	n = fmt_snprintf(out, cap,
	    "%s %02x:%02x:%02x:%02x:%02x:%02x on %s, link %s, mtu %u\n"
	    "  address %s/%u (%s), gateway %s, dns %s\n"
	    "  in:  %llu packets, %llu bytes; errors %llu, dropped %llu\n"
	    "  out: %llu packets, %llu bytes; errors %llu, ring full %llu\n"
	    "  tcp: %llu segments in, %llu out\n",
	    i.name, i.mac[0], i.mac[1], i.mac[2], i.mac[3], i.mac[4], i.mac[5], net.dev->label,
	    i.link_up ? "up" : "down", i.mtu,
	    i.ip ? fomos_ip_text(i.ip, ip) : "none yet", i.prefix, i.dhcp ? "dhcp" : "boot.cfg",
	    i.gateway ? fomos_ip_text(i.gateway, gw) : "none", i.dns ? fomos_ip_text(i.dns, dns) : "none",
	    ULL(i.rx_packets), ULL(i.rx_bytes), ULL(i.rx_errors), ULL(i.rx_dropped),
	    ULL(i.tx_packets), ULL(i.tx_bytes), ULL(i.tx_errors), ULL(net.dev->stats.tx_busy),
	    ULL(lwip_stats.tcp.recv), ULL(lwip_stats.tcp.xmit));
	return (uint32_t)(n < 0 ? 0 : n);
}
