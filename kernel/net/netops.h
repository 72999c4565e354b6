/*
 * The network as the executor sees it: sockets, name lookups, the
 * interface's settings.  Portable: the executor core (exec/exec_net.c)
 * checks every argument an app gives and keeps each app's sockets; the
 * platform does the networking behind this table:
 *
 *   net/sock.c              the kernel: lwIP's raw API
 *   sdk/host/host_net.c     fomos-host: Linux's non-blocking sockets
 *
 * Pointers handed to these functions are checked already and may be an
 * app's memory (open to the kernel for the call: plat_user_open).  Every
 * function returns at once; FOMOS_E_* as in fomos.h.
 */
#ifndef NETOPS_H
#define NETOPS_H

#include <stdint.h>
#include "fomos.h"

struct net_sock;	/* the platform's */

struct net_ops {
	/* A socket of type FOMOS_NET_*; owner is woken (the waker below)
	 * when it becomes ready. */
	int32_t (*open)(uint32_t type, uint64_t owner, struct net_sock **out);
	int32_t (*bind)(struct net_sock *s, uint32_t ip, uint16_t port);
	int32_t (*listen)(struct net_sock *s, uint32_t backlog);
	int32_t (*accept)(struct net_sock *s, uint64_t owner, struct net_sock **out, struct fomos_netaddr *peer);
	int32_t (*connect)(struct net_sock *s, uint32_t ip, uint16_t port);
	/* to: NULL for the connected peer. */
	int64_t (*send)(struct net_sock *s, const void *buf, uint64_t len, const struct fomos_netaddr *to);
	int64_t (*recv)(struct net_sock *s, void *buf, uint64_t cap, struct fomos_netaddr *from);
	int32_t (*poll)(struct net_sock *s);
	/* abort: RST now (a killed app); else a graceful close.  s is gone
	 * for the caller either way. */
	void (*close)(struct net_sock *s, int abort);
	/* 0 with *ip at once, FOMOS_PENDING (done(arg, status, ip) comes from
	 * a later net poll), or a FOMOS_E_*.  name is NUL terminated. */
	int32_t (*resolve)(const char *name, uint32_t *ip,
	    void (*done)(void *arg, int32_t status, uint32_t ip), void *arg);
	int32_t (*info)(struct fomos_netinfo *out);
	/* Hands the platform the core's waker: called with a socket's owner
	 * when something happened on it. */
	void (*set_waker)(void (*wake)(uint64_t owner));
};

#endif
