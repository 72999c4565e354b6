/*
 * Sockets for apps on lwIP's raw API (netops.h): TCP, UDP and ICMP echo,
 * every call non-blocking.  The executor core (exec/exec_net.c) has
 * checked every handle, pointer and length; here a socket is lwIP's pcb
 * plus what arrived for it and what went wrong.
 *
 * Received TCP data waits on the socket as lwIP's pbufs (the driver's own
 * buffers, unless they run short: net_rx_keep) and the receive window
 * opens again only as the app reads (tcp_recved): a slow app slows its
 * peer down instead of filling the kernel's memory.  Datagrams queue up to
 * SOCK_DGRAMS per socket; more are dropped and counted by lwIP's stats.
 *
 * lwIP's callbacks run from the loop's net_poll and driver poll, never in
 * an app's call: each one marks what changed and wakes the owner.  lwIP
 * frees a pcb itself before it calls the error callback: the socket then
 * keeps only the error, which send and recv report.
 */
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "net.h"

#include "lwip/dns.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/prot/icmp.h"
#include "lwip/raw.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#define SOCK_BACKLOG	16
#define SOCK_DGRAMS	64
#define SOCK_DGRAM_MAX	1472	/* one Ethernet frame's UDP payload */

struct sock_dgram {
	struct sock_dgram *next;
	struct pbuf *p;
	uint32_t ip;			/* host order */
	uint16_t port;
};

struct net_sock {
	uint8_t type;			/* FOMOS_NET_* */
	uint8_t connecting, connected, listening, eof;
	int32_t err;			/* FOMOS_E_*, 0 if none */
	uint64_t owner;
	struct tcp_pcb *tcp;		/* TCP: NULL once lwIP freed it (err says why) */
	struct udp_pcb *udp;
	struct raw_pcb *raw;
	struct pbuf *rx;		/* TCP: bytes not read yet */
	struct sock_dgram *dq, **dq_tail;	/* UDP, PING: datagrams not read yet */
	uint32_t dq_n;
	uint16_t ping_id;
	struct net_sock *backlog[SOCK_BACKLOG];	/* listening: accepted, not taken yet */
	uint32_t backlog_n, backlog_max;
	ip_addr_t peer;			/* UDP, PING: the connected peer */
	uint16_t peer_port;
	uint8_t has_peer;
};

static void (*sock_waker)(uint64_t owner);
static uint16_t sock_ping_ids;

static void sock_set_waker(void (*wake)(uint64_t owner))
{
	sock_waker = wake;
}

static void sock_wake(struct net_sock *s)
{
	if (sock_waker && s->owner)
		sock_waker(s->owner);
}

static uint32_t ip_host(const ip_addr_t *a)
{
	return lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(a)));
}

static void ip_set_host(ip_addr_t *a, uint32_t ip)
{
	ip_addr_set_ip4_u32(a, lwip_htonl(ip));
}

static int32_t sock_err(err_t e)
{
	switch (e) {
	case ERR_OK: return 0;
	case ERR_MEM: case ERR_BUF: return FOMOS_E_NOMEM;
	case ERR_USE: case ERR_ISCONN: return FOMOS_E_INUSE;
	case ERR_RST: return FOMOS_E_RESET;
	case ERR_CLSD: case ERR_CONN: return FOMOS_E_NOTCONN;
	case ERR_ABRT: case ERR_TIMEOUT: return FOMOS_E_TIMEDOUT;
	case ERR_RTE: case ERR_IF: return FOMOS_E_NONET;
	case ERR_ALREADY: case ERR_INPROGRESS: return FOMOS_E_AGAIN;
	default: return FOMOS_E_BADARG;
	}
}

static struct net_sock *sock_new(uint32_t type, uint64_t owner)
{
	struct net_sock *s = kcalloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->type = (uint8_t)type;
	s->owner = owner;
	s->dq_tail = &s->dq;
	return s;
}

/* --- TCP callbacks ---------------------------------------------------------------- */

static err_t sock_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct net_sock *s = arg;

	if (!p) {
		s->eof = 1;		/* the peer's FIN */
	} else {
		p = net_rx_keep(p);
		if (s->rx)
			pbuf_cat(s->rx, p);
		else
			s->rx = p;
	}
	sock_wake(s);
	return ERR_OK;
}

static err_t sock_tcp_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	sock_wake(arg);
	return ERR_OK;
}

static void sock_tcp_err(void *arg, err_t err)
{
	struct net_sock *s = arg;

	/* lwIP has freed the pcb already. */
	s->tcp = NULL;
	if (s->connecting && !s->connected)
		s->err = err == ERR_RST ? FOMOS_E_REFUSED : FOMOS_E_TIMEDOUT;
	else
		s->err = err == ERR_RST ? FOMOS_E_RESET : err == ERR_ABRT ? FOMOS_E_TIMEDOUT : sock_err(err);
	s->connecting = 0;
	sock_wake(s);
}

static void sock_tcp_attach(struct net_sock *s, struct tcp_pcb *pcb)
{
	s->tcp = pcb;
	tcp_arg(pcb, s);
	tcp_recv(pcb, sock_tcp_recv);
	tcp_sent(pcb, sock_tcp_sent);
	tcp_err(pcb, sock_tcp_err);
	/* Requests and answers go out when the app sends them (TCP_NODELAY):
	 * an app gives whole messages, not bytes. */
	tcp_nagle_disable(pcb);
}

static err_t sock_tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_sock *s = arg;

	s->connecting = 0;
	s->connected = 1;
	sock_wake(s);
	return ERR_OK;
}

static void sock_tcp_detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);	/* lwIP's default frees what still arrives */
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
}

static void sock_free_rx(struct net_sock *s)
{
	struct sock_dgram *d;

	if (s->rx)
		pbuf_free(s->rx);
	s->rx = NULL;
	while ((d = s->dq)) {
		s->dq = d->next;
		pbuf_free(d->p);
		kfree(d);
	}
	s->dq_tail = &s->dq;
	s->dq_n = 0;
}

static void sock_close(struct net_sock *s, int abort);

static err_t sock_tcp_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_sock *l = arg, *s;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (l->backlog_n >= l->backlog_max || !(s = sock_new(FOMOS_NET_TCP, l->owner))) {
		/* Nobody takes it soon enough: refused now rather than later. */
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	sock_tcp_attach(s, pcb);
	s->connected = 1;
	l->backlog[l->backlog_n++] = s;
	sock_wake(l);
	return ERR_OK;
}

/* --- datagrams -------------------------------------------------------------------- */

static int sock_queue(struct net_sock *s, struct pbuf *p, uint32_t ip, uint16_t port)
{
	struct sock_dgram *d;

	if (s->dq_n >= SOCK_DGRAMS || !(d = kmalloc(sizeof(*d)))) {
		pbuf_free(p);
		return 0;
	}
	d->next = NULL;
	d->p = net_rx_keep(p);
	d->ip = ip;
	d->port = port;
	*s->dq_tail = d;
	s->dq_tail = &d->next;
	s->dq_n++;
	sock_wake(s);
	return 1;
}

static void sock_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
	struct net_sock *s = arg;

	if (s->has_peer && (!ip_addr_cmp(addr, &s->peer) || port != s->peer_port)) {
		pbuf_free(p);		/* connected: only the peer's */
		return;
	}
	sock_queue(s, p, ip_host(addr), port);
}

/* Every ICMP message comes here first: eat the echo replies to this
 * socket's identifier, leave the rest to lwIP. */
static u8_t sock_raw_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct net_sock *s = arg;
	struct icmp_echo_hdr h;
	uint16_t hl;

	if (p->tot_len < 20)
		return 0;
	hl = (uint16_t)((((uint8_t *)p->payload)[0] & 0x0f) * 4);
	if (p->tot_len < hl + sizeof(h) || pbuf_copy_partial(p, &h, sizeof(h), hl) != sizeof(h))
		return 0;
	if (h.type != ICMP_ER || h.id != lwip_htons(s->ping_id))
		return 0;
	if (pbuf_remove_header(p, hl))
		return 0;
	sock_queue(s, p, ip_host(addr), 0);
	return 1;
}

/* --- the operations --------------------------------------------------------------- */

static int32_t sock_open(uint32_t type, uint64_t owner, struct net_sock **out)
{
	struct net_sock *s = sock_new(type, owner);

	if (!s)
		return FOMOS_E_NOMEM;
	if (type == FOMOS_NET_TCP) {
		struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);

		if (!pcb)
			goto nomem;
		sock_tcp_attach(s, pcb);
	} else if (type == FOMOS_NET_UDP) {
		if (!(s->udp = udp_new_ip_type(IPADDR_TYPE_V4)))
			goto nomem;
		udp_recv(s->udp, sock_udp_recv, s);
	} else {
		if (!(s->raw = raw_new(IP_PROTO_ICMP)))
			goto nomem;
		s->ping_id = ++sock_ping_ids;
		raw_recv(s->raw, sock_raw_recv, s);
	}
	*out = s;
	return 0;
nomem:
	kfree(s);
	return FOMOS_E_NOMEM;
}

static int32_t sock_bind(struct net_sock *s, uint32_t ip, uint16_t port)
{
	ip_addr_t a;

	ip_set_host(&a, ip);
	if (s->type == FOMOS_NET_TCP) {
		if (!s->tcp || s->listening || s->connected || s->connecting)
			return FOMOS_E_BADARG;
		ip_set_option(s->tcp, SOF_REUSEADDR);
		return sock_err(tcp_bind(s->tcp, &a, port));
	}
	if (s->type == FOMOS_NET_UDP)
		return sock_err(udp_bind(s->udp, &a, port));
	return sock_err(raw_bind(s->raw, &a));
}

static int32_t sock_listen(struct net_sock *s, uint32_t backlog)
{
	struct tcp_pcb *l;

	if (!s->tcp || s->connected || s->connecting)
		return FOMOS_E_BADARG;
	if (s->listening)
		return 0;
	l = tcp_listen_with_backlog(s->tcp, (u8_t)backlog);
	if (!l)
		return FOMOS_E_NOMEM;
	s->tcp = l;		/* the old pcb is freed */
	s->listening = 1;
	s->backlog_max = backlog;
	tcp_arg(l, s);
	tcp_accept(l, sock_tcp_accept);
	return 0;
}

static int32_t sock_accept(struct net_sock *s, uint64_t owner, struct net_sock **out,
    struct fomos_netaddr *peer)
{
	struct net_sock *n;

	if (!s->listening)
		return FOMOS_E_NOTCONN;
	if (!s->backlog_n)
		return FOMOS_E_AGAIN;
	n = s->backlog[0];
	memmove(s->backlog, s->backlog + 1, --s->backlog_n * sizeof(s->backlog[0]));
	n->owner = owner;
	if (n->tcp) {
		peer->ip = ip_host(&n->tcp->remote_ip);
		peer->port = n->tcp->remote_port;
	} else {
		peer->ip = 0;	/* reset before it was taken: recv says so */
		peer->port = 0;
	}
	peer->reserved = 0;
	*out = n;
	return 0;
}

static int32_t sock_connect(struct net_sock *s, uint32_t ip, uint16_t port)
{
	ip_addr_t a;
	err_t e;

	ip_set_host(&a, ip);
	if (s->type != FOMOS_NET_TCP) {
		s->peer = a;
		s->peer_port = port;
		s->has_peer = 1;
		return 0;
	}
	if (!s->tcp || s->listening)
		return FOMOS_E_BADARG;
	if (s->connected || s->connecting)
		return FOMOS_E_INUSE;
	e = tcp_connect(s->tcp, &a, port, sock_tcp_connected);
	if (e != ERR_OK)
		return sock_err(e);
	s->connecting = 1;
	return 0;
}

static int64_t sock_send_tcp(struct net_sock *s, const void *buf, uint64_t len)
{
	uint64_t room;
	err_t e;

	if (s->err)
		return s->err;
	if (s->connecting)
		return FOMOS_E_AGAIN;
	if (!s->connected || !s->tcp)
		return FOMOS_E_NOTCONN;
	room = tcp_sndbuf(s->tcp);
	if (tcp_sndqueuelen(s->tcp) >= TCP_SND_QUEUELEN - 4)
		room = 0;
	if (len > room)
		len = room;
	if (len > 0xffff)
		len = 0xffff;
	if (!len)
		return FOMOS_E_AGAIN;
	e = tcp_write(s->tcp, buf, (u16_t)len, TCP_WRITE_FLAG_COPY);
	while (e == ERR_MEM && len > TCP_MSS) {
		len /= 2;	/* out of segments: try a smaller piece */
		e = tcp_write(s->tcp, buf, (u16_t)len, TCP_WRITE_FLAG_COPY);
	}
	if (e == ERR_MEM)
		return FOMOS_E_AGAIN;
	if (e != ERR_OK)
		return sock_err(e);
	tcp_output(s->tcp);
	return (int64_t)len;
}

static int64_t sock_send(struct net_sock *s, const void *buf, uint64_t len, const struct fomos_netaddr *to)
{
	struct pbuf *p;
	ip_addr_t a;
	uint16_t port;
	err_t e;

	if (s->type == FOMOS_NET_TCP)
		return sock_send_tcp(s, buf, len);
	if (to) {
		ip_set_host(&a, to->ip);
		port = to->port;
	} else if (s->has_peer) {
		a = s->peer;
		port = s->peer_port;
	} else {
		return FOMOS_E_NOTCONN;
	}
	if (len > SOCK_DGRAM_MAX || (s->type == FOMOS_NET_PING && len < sizeof(struct icmp_echo_hdr)))
		return FOMOS_E_TOOBIG;
	if (s->type == FOMOS_NET_UDP && port == 0)
		return FOMOS_E_BADARG;
	p = pbuf_alloc(s->type == FOMOS_NET_UDP ? PBUF_TRANSPORT : PBUF_IP, (u16_t)len, PBUF_RAM);
	if (!p)
		return FOMOS_E_AGAIN;
	memcpy(p->payload, buf, len);
	if (s->type == FOMOS_NET_UDP) {
		e = udp_sendto(s->udp, p, &a, port);
	} else {
		struct icmp_echo_hdr *h = p->payload;

		/* The app chose the type (an echo request), sequence and
		 * payload; the identifier and checksum are ours. */
		h->type = ICMP_ECHO;
		h->code = 0;
		h->id = lwip_htons(s->ping_id);
		h->chksum = 0;
		h->chksum = inet_chksum(p->payload, (u16_t)len);
		e = raw_sendto(s->raw, p, &a);
	}
	pbuf_free(p);
	if (e == ERR_MEM || e == ERR_BUF)
		return FOMOS_E_AGAIN;
	return e == ERR_OK ? (int64_t)len : sock_err(e);
}

static int64_t sock_recv(struct net_sock *s, void *buf, uint64_t cap, struct fomos_netaddr *from)
{
	struct sock_dgram *d;
	uint64_t n;

	if (s->type == FOMOS_NET_TCP) {
		if (s->listening)
			return FOMOS_E_NOTCONN;
		if (s->rx && cap) {
			n = MIN(cap, (uint64_t)s->rx->tot_len);
			n = pbuf_copy_partial(s->rx, buf, (u16_t)MIN(n, 0xffff), 0);
			s->rx = pbuf_free_header(s->rx, (u16_t)n);
			if (s->tcp)
				tcp_recved(s->tcp, (u16_t)n);
			if (s->tcp) {
				from->ip = ip_host(&s->tcp->remote_ip);
				from->port = s->tcp->remote_port;
			}
			return (int64_t)n;
		}
		if (s->rx)
			return 0;	/* cap 0 */
		if (s->err)
			return s->err;
		if (s->eof)
			return 0;
		if (!s->connected && !s->connecting)
			return FOMOS_E_NOTCONN;
		return FOMOS_E_AGAIN;
	}
	if (!(d = s->dq))
		return FOMOS_E_AGAIN;
	n = pbuf_copy_partial(d->p, buf, (u16_t)MIN(cap, (uint64_t)d->p->tot_len), 0);
	from->ip = d->ip;
	from->port = d->port;
	if (!(s->dq = d->next))
		s->dq_tail = &s->dq;
	s->dq_n--;
	pbuf_free(d->p);
	kfree(d);
	return (int64_t)n;
}

static int32_t sock_poll(struct net_sock *s)
{
	int32_t f = 0;

	if (s->type != FOMOS_NET_TCP)
		return (s->dq ? FOMOS_NET_IN : 0) | FOMOS_NET_OUT;
	if (s->listening)
		return s->backlog_n ? FOMOS_NET_IN : 0;
	if (s->rx || s->eof || s->err)
		f |= FOMOS_NET_IN;
	if (s->eof)
		f |= FOMOS_NET_HUP;
	if (s->err)
		f |= FOMOS_NET_ERR;
	if (s->connected && s->tcp && tcp_sndbuf(s->tcp) > 0 && tcp_sndqueuelen(s->tcp) < TCP_SND_QUEUELEN - 4)
		f |= FOMOS_NET_OUT;
	return f;
}

static void sock_close(struct net_sock *s, int abort)
{
	uint32_t i;

	sock_free_rx(s);
	if (s->type == FOMOS_NET_TCP) {
		for (i = 0; i < s->backlog_n; i++)
			sock_close(s->backlog[i], 1);
		s->backlog_n = 0;
		if (s->tcp) {
			struct tcp_pcb *pcb = s->tcp;

			if (s->listening) {
				/* A listening pcb has only an accept callback
				 * (lwIP asserts on the others). */
				tcp_arg(pcb, NULL);
				tcp_accept(pcb, NULL);
			} else {
				sock_tcp_detach(pcb);
			}
			s->tcp = NULL;
			if (abort && !s->listening)
				tcp_abort(pcb);		/* RST now */
			else if (tcp_close(pcb) != ERR_OK)
				tcp_abort(pcb);		/* no memory for the FIN */
		}
	} else if (s->udp) {
		udp_remove(s->udp);
	} else if (s->raw) {
		raw_remove(s->raw);
	}
	kfree(s);
}

struct sock_lookup {
	void (*done)(void *arg, int32_t status, uint32_t ip);
	void *arg;
};

static void sock_dns_found(const char *name, const ip_addr_t *ip, void *arg)
{
	struct sock_lookup l = *(struct sock_lookup *)arg;

	kfree(arg);
	/* lwIP does not say whether the server said no or never answered. */
	l.done(l.arg, ip ? 0 : FOMOS_E_NOTFOUND, ip ? ip_host(ip) : 0);
}

static int32_t sock_resolve(const char *name, uint32_t *ip,
    void (*done)(void *arg, int32_t status, uint32_t ip), void *arg)
{
	struct sock_lookup *l;
	ip_addr_t a;
	err_t e;

	if (strlen(name) > DNS_MAX_NAME_LENGTH)
		return FOMOS_E_BADARG;
	if (ipaddr_aton(name, &a)) {
		*ip = ip_host(&a);
		return 0;
	}
	if (!(l = kmalloc(sizeof(*l))))
		return FOMOS_E_NOMEM;
	l->done = done;
	l->arg = arg;
	e = dns_gethostbyname(name, &a, sock_dns_found, l);
	if (e == ERR_INPROGRESS)
		return FOMOS_PENDING;
	kfree(l);
	if (e == ERR_OK) {
		*ip = ip_host(&a);
		return 0;
	}
	return e == ERR_MEM ? FOMOS_E_BUSY : FOMOS_E_NOTFOUND;
}

const struct net_ops net_sock_ops = {
	sock_open, sock_bind, sock_listen, sock_accept, sock_connect, sock_send, sock_recv,
	sock_poll, sock_close, sock_resolve, net_info, sock_set_waker,
};
