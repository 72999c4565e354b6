/*
 * lwIP's configuration for the kernel (lwIP's opt.h lists every option).
 *
 * NO_SYS=1 and the raw API: one thread, the executor's loop, drives the
 * stack (kernel/net/net.c polls the driver and runs the timers); the
 * sockets apps see are ours (kernel/net/sock.c), not lwIP's, which need
 * threads.  IPv4 with TCP, UDP, ICMP, ARP, DHCP and DNS.
 *
 * Sizes are for a small server under QEMU: 16 sockets per app, a few apps,
 * bulk transfers at tens of MB/s.  Memory is lwIP's own static heap and
 * pools (bounded: a flood of connections runs out of pcbs, never out of the
 * kernel's memory).
 */
#ifndef FOMOS_LWIPOPTS_H
#define FOMOS_LWIPOPTS_H

#define NO_SYS			1
#define LWIP_SOCKET		0
#define LWIP_NETCONN		0
#define SYS_LIGHTWEIGHT_PROT	0
#define LWIP_TIMERS		1

#define MEM_ALIGNMENT		8
#define MEM_SIZE		(2 * 1024 * 1024)
#define MEMP_NUM_PBUF		512	/* PBUF_REF: received frames held by sockets */
#define MEMP_NUM_TCP_PCB	64
#define MEMP_NUM_TCP_PCB_LISTEN	16
#define MEMP_NUM_UDP_PCB	32
#define MEMP_NUM_RAW_PCB	4
#define MEMP_NUM_TCP_SEG	1024
#define MEMP_NUM_ARP_QUEUE	32
#define PBUF_POOL_SIZE		64
#define PBUF_POOL_BUFSIZE	1536
#define MEMP_NUM_SYS_TIMEOUT	(LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)

#define LWIP_ARP		1
#define LWIP_ETHERNET		1
#define ETHARP_SUPPORT_STATIC_ENTRIES	0
#define ARP_TABLE_SIZE		16
#define LWIP_IPV4		1
#define LWIP_IPV6		0
#define IP_REASSEMBLY		1
#define IP_FRAG			1
#define LWIP_ICMP		1
#define LWIP_RAW		1	/* ping's echo requests */
#define LWIP_UDP		1
#define LWIP_TCP		1
#define LWIP_DHCP		1
#define LWIP_DNS		1
#define DNS_MAX_SERVERS		2
#define DNS_TABLE_SIZE		8
#define LWIP_IGMP		0
#define LWIP_AUTOIP		0
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	1
#define LWIP_NETIF_HOSTNAME	1

/* TCP: a 1460-byte MSS, windows of 44 segments (no window scaling: 16
 * bits), enough queued send data per connection to keep the window full. */
#define TCP_MSS			1460
#define TCP_WND			(44 * TCP_MSS)
#define TCP_SND_BUF		(44 * TCP_MSS)
#define TCP_SND_QUEUELEN	(4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT		(TCP_SND_BUF / 2)
#define TCP_QUEUE_OOSEQ		1
#define TCP_LISTEN_BACKLOG	1
#define TCP_DEFAULT_LISTEN_BACKLOG	16
#define LWIP_TCP_KEEPALIVE	1
#define TCP_OVERSIZE		TCP_MSS
#define LWIP_TCP_TIMESTAMPS	0

/* No checksum offload is negotiated with the device: lwIP computes and
 * checks every checksum (a bad one is counted and the packet dropped). */
#define CHECKSUM_GEN_IP		1
#define CHECKSUM_GEN_UDP	1
#define CHECKSUM_GEN_TCP	1
#define CHECKSUM_GEN_ICMP	1
#define CHECKSUM_CHECK_IP	1
#define CHECKSUM_CHECK_UDP	1
#define CHECKSUM_CHECK_TCP	1
#define CHECKSUM_CHECK_ICMP	1
#define LWIP_CHECKSUM_ON_COPY	1

/* Counters: the `net` command shows errors from them. */
#define LWIP_STATS		1
#define LWIP_STATS_DISPLAY	0
#define LINK_STATS		1
#define ETHARP_STATS		1
#define IP_STATS		1
#define IPFRAG_STATS		1
#define ICMP_STATS		1
#define UDP_STATS		1
#define TCP_STATS		1
#define MEM_STATS		1
#define MEMP_STATS		1
#define SYS_STATS		0

#define LWIP_DEBUG		0
#define LWIP_PROVIDE_ERRNO	1
#define SO_REUSE		1	/* a server started again (or resumed) gets its port back at once */

#endif
