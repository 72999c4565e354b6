/*
 * The network under fomos-host (kernel/net/netops.h): an app's sockets are
 * Linux's own non-blocking sockets, so the same httpd.app that serves on
 * Fomos serves here.  The executor core (exec_net.c) checked every handle
 * and buffer; these are the host calls behind them.
 *
 * FOMOS_NET_PING is Linux's ICMP datagram socket (what ping(8) uses
 * unprivileged, within net.ipv4.ping_group_range; root always may): the
 * app writes the echo header and payload, Linux sets the identifier and
 * the checksum, as the kernel does.
 *
 * host_net_wait() is the loop's sleep while sockets are open: poll(2) on
 * them, waking the apps whose sockets became readable (or connected).
 * Name lookups use getaddrinfo(3), which may wait for the host's resolver:
 * fomos-host is a development tool, the kernel's lookups never block.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "host.h"
#include "netops.h"

#define HOST_SOCKS	1024

struct net_sock {
	int fd;
	uint32_t type;
	uint64_t owner;
	uint8_t connecting, connected, listening;
	uint32_t slot;
};

static struct net_sock *host_socks[HOST_SOCKS];
static uint32_t host_nsocks;
static void (*host_waker)(uint64_t owner);

static int32_t host_err(int e)
{
	switch (e) {
	case EAGAIN: case EINPROGRESS: case EALREADY: return FOMOS_E_AGAIN;
	case EADDRINUSE: case EISCONN: return FOMOS_E_INUSE;
	case ECONNRESET: case EPIPE: return FOMOS_E_RESET;
	case ECONNREFUSED: return FOMOS_E_REFUSED;
	case ETIMEDOUT: case EHOSTUNREACH: return FOMOS_E_TIMEDOUT;
	case ENOTCONN: return FOMOS_E_NOTCONN;
	case ENETUNREACH: case ENETDOWN: return FOMOS_E_NONET;
	case EACCES: case EPERM: return FOMOS_E_PERM;
	case ENOMEM: case ENOBUFS: case EMFILE: case ENFILE: return FOMOS_E_NOMEM;
	case EMSGSIZE: return FOMOS_E_TOOBIG;
	default: return FOMOS_E_BADARG;
	}
}

static void host_addr(struct sockaddr_in *sa, uint32_t ip, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(ip);
	sa->sin_port = htons(port);
}

static struct net_sock *host_add(int fd, uint32_t type, uint64_t owner)
{
	struct net_sock *s;
	uint32_t i;

	for (i = 0; i < HOST_SOCKS && host_socks[i]; i++)
		;
	if (i == HOST_SOCKS || !(s = calloc(1, sizeof(*s)))) {
		close(fd);
		return NULL;
	}
	s->fd = fd;
	s->type = type;
	s->owner = owner;
	s->slot = i;
	host_socks[i] = s;
	host_nsocks++;
	return s;
}

static int32_t h_open(uint32_t type, uint64_t owner, struct net_sock **out)
{
	int fd, one = 1;

	if (type == FOMOS_NET_TCP)
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	else if (type == FOMOS_NET_UDP)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	else
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return host_err(errno);
	if (type == FOMOS_NET_TCP)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (!(*out = host_add(fd, type, owner)))
		return FOMOS_E_NOMEM;
	return 0;
}

static int32_t h_bind(struct net_sock *s, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa;
	int one = 1;

	host_addr(&sa, ip, port);
	if (s->type == FOMOS_NET_TCP)
		setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ? host_err(errno) : 0;
}

static int32_t h_listen(struct net_sock *s, uint32_t backlog)
{
	if (listen(s->fd, (int)backlog))
		return host_err(errno);
	s->listening = 1;
	return 0;
}

static int32_t h_accept(struct net_sock *s, uint64_t owner, struct net_sock **out, struct fomos_netaddr *peer)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	if (!s->listening)
		return FOMOS_E_NOTCONN;
	fd = accept4(s->fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? FOMOS_E_AGAIN : host_err(errno);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (!(*out = host_add(fd, FOMOS_NET_TCP, owner)))
		return FOMOS_E_NOMEM;
	(*out)->connected = 1;
	peer->ip = ntohl(sa.sin_addr.s_addr);
	peer->port = ntohs(sa.sin_port);
	peer->reserved = 0;
	return 0;
}

static int32_t h_connect(struct net_sock *s, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa;

	host_addr(&sa, ip, port);
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		s->connected = 1;
		return 0;
	}
	if (errno == EINPROGRESS) {
		s->connecting = 1;
		return 0;
	}
	return host_err(errno);
}

/* A connection under way: done now?  0, or the error it ended with. */
static int32_t h_settle(struct net_sock *s)
{
	struct pollfd p = { s->fd, POLLOUT, 0 };
	int e = 0;
	socklen_t l = sizeof(e);

	if (!s->connecting)
		return 0;
	if (poll(&p, 1, 0) != 1)
		return FOMOS_E_AGAIN;
	s->connecting = 0;
	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &l);
	if (e)
		return host_err(e);
	s->connected = 1;
	return 0;
}

static int64_t h_send(struct net_sock *s, const void *buf, uint64_t len, const struct fomos_netaddr *to)
{
	struct sockaddr_in sa;
	ssize_t n;
	int32_t r;

	if (s->type == FOMOS_NET_TCP) {
		if ((r = h_settle(s)) < 0)
			return r;
		n = send(s->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	} else if (to) {
		host_addr(&sa, to->ip, to->port);
		n = sendto(s->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa));
	} else {
		n = send(s->fd, buf, len, MSG_DONTWAIT);
	}
	if (n < 0)
		return errno == EWOULDBLOCK ? FOMOS_E_AGAIN : host_err(errno);
	return n;
}

static int64_t h_recv(struct net_sock *s, void *buf, uint64_t cap, struct fomos_netaddr *from)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	ssize_t n;
	int32_t r;

	if (s->listening)
		return FOMOS_E_NOTCONN;
	if (s->type == FOMOS_NET_TCP && (r = h_settle(s)) < 0)
		return r;
	memset(&sa, 0, sizeof(sa));
	n = recvfrom(s->fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&sa, &len);
	if (n < 0)
		return errno == EWOULDBLOCK ? FOMOS_E_AGAIN : host_err(errno);
	from->ip = ntohl(sa.sin_addr.s_addr);
	from->port = ntohs(sa.sin_port);
	return n;
}

static int32_t h_poll(struct net_sock *s)
{
	struct pollfd p = { s->fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
	int32_t f = 0;

	if (poll(&p, 1, 0) != 1)
		return 0;
	if (s->listening)
		return p.revents & POLLIN ? FOMOS_NET_IN : 0;
	if (s->type == FOMOS_NET_TCP && s->connecting && h_settle(s) < 0)
		return FOMOS_NET_ERR | FOMOS_NET_IN;
	if (p.revents & (POLLIN | POLLHUP | POLLERR))
		f |= FOMOS_NET_IN;
	if (p.revents & (POLLRDHUP | POLLHUP))
		f |= FOMOS_NET_HUP;
	if (p.revents & POLLERR)
		f |= FOMOS_NET_ERR;
	if ((p.revents & POLLOUT) && (s->type != FOMOS_NET_TCP || s->connected))
		f |= FOMOS_NET_OUT;
	return f;
}

static void h_close(struct net_sock *s, int abort)
{
	if (abort && s->type == FOMOS_NET_TCP) {
		struct linger l = { 1, 0 };	/* close now, with a RST */

		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(s->fd);
	host_socks[s->slot] = NULL;
	host_nsocks--;
	free(s);
}

static int32_t h_resolve(const char *name, uint32_t *ip, void (*done)(void *, int32_t, uint32_t), void *arg)
{
	struct addrinfo hints, *res = NULL;
	struct in_addr a;

	(void)done;	/* answered at once: never FOMOS_PENDING */
	(void)arg;
	if (inet_pton(AF_INET, name, &a) == 1) {
		*ip = ntohl(a.s_addr);
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	if (getaddrinfo(name, NULL, &hints, &res) || !res)
		return FOMOS_E_NOTFOUND;
	*ip = ntohl(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr);
	freeaddrinfo(res);
	return 0;
}

static int32_t h_info(struct fomos_netinfo *o)
{
	struct ifaddrs *ifs, *i;

	strcpy(o->name, "host");
	o->link_up = 1;
	o->mtu = 1500;
	if (getifaddrs(&ifs) == 0) {
		for (i = ifs; i; i = i->ifa_next)
			if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && i->ifa_netmask) {
				uint32_t ip = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
				uint32_t m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);

				if ((ip >> 24) == 127 && o->ip)
					continue;
				o->ip = ip;
				o->prefix = (uint8_t)__builtin_popcount(m);
				if ((ip >> 24) != 127)
					break;
			}
		freeifaddrs(ifs);
	}
	return 0;
}

static void h_set_waker(void (*wake)(uint64_t owner))
{
	host_waker = wake;
}

const struct net_ops host_net_ops = {
	h_open, h_bind, h_listen, h_accept, h_connect, h_send, h_recv, h_poll, h_close,
	h_resolve, h_info, h_set_waker,
};

int host_net_open(void)
{
	return host_nsocks > 0;
}

void host_net_wait(uint64_t ns)
{
	static struct pollfd p[HOST_SOCKS];
	static struct net_sock *who[HOST_SOCKS];
	uint32_t i, n = 0;
	int r;

	for (i = 0; i < HOST_SOCKS; i++)
		if (host_socks[i]) {
			p[n] = (struct pollfd){ host_socks[i]->fd,
			    (short)(POLLIN | (host_socks[i]->connecting ? POLLOUT : 0)), 0 };
			who[n++] = host_socks[i];
		}
	r = poll(p, n, (int)(ns / 1000000 + (ns % 1000000 != 0)));
	for (i = 0; r > 0 && i < n; i++)
		if (p[i].revents && host_waker)
			host_waker(who[i]->owner);
}
