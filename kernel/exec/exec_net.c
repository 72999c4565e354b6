/*
 * The network services of the context (fomos.h, version 5): sockets,
 * name lookups and the interface's settings, checked here and done by the
 * platform (netops.h: lwIP in the kernel, Linux sockets under fomos-host).
 * Portable: the same checks and bookkeeping everywhere.
 *
 * The trust boundary: an app names its sockets by handles, never by
 * pointers; each handle is looked up in the app's own table (struct app
 * keeps it, in the executor's memory), so an app can reach only its own
 * sockets.  Every buffer and address it passes is checked with
 * exec_app_range before the platform sees it, and the platform copies
 * directly from or into it with the app's memory open for just that call.
 *
 * Handles carry a generation that differs from boot to boot and from one
 * socket to the next: a handle that was closed, or that a resumed app
 * kept from before its snapshot, finds no socket and says FOMOS_E_GONE
 * (never someone else's socket, never a hang).
 *
 * When an app ends, its sockets close: gracefully (FIN) if it returned a
 * negative number, at once (RST) if it was killed, faulted or overran.
 */
#include "exec_priv.h"
#include "lib.h"
#include "log.h"
#include "netops.h"

#define NET_RESOLVES		32	/* lookups in flight, every app together */
#define NET_RESOLVES_PER_APP	4

static const struct net_ops *net;
static uint32_t net_gen;		/* the next handle's generation */

static struct net_resolve_req {
	uint64_t pid;			/* 0: free */
	struct fomos_resolve *req;	/* the app's */
	uint32_t gen;			/* changes each time the slot is used */
} net_resolves[NET_RESOLVES];

static void exec_net_wake(uint64_t pid)
{
	struct app *a = exec_find(pid);

	if (a)
		a->wake_ns = 0;
}

void exec_set_net(const struct net_ops *ops)
{
	net = ops;
	/* Different on every boot (the clock at which networking starts), so
	 * a resumed app's old handles find nothing. */
	net_gen = (uint32_t)(plat_now_ns() >> 8) * 2654435761u;
	if (net)
		net->set_waker(exec_net_wake);
}

/* The socket behind handle h of the calling app, or NULL. */
static struct exec_sock *net_find(struct app *a, int32_t h)
{
	uint32_t slot = (uint32_t)h & 31;

	if (h <= 0 || slot == 0 || slot > FOMOS_NET_SOCKETS)
		return NULL;
	if (a->socks[slot - 1].handle != h || !a->socks[slot - 1].s)
		return NULL;
	return &a->socks[slot - 1];
}

/* A free slot of a's, with its new handle; NULL over the quota. */
static struct exec_sock *net_new(struct app *a)
{
	uint32_t i;

	for (i = 0; i < FOMOS_NET_SOCKETS; i++)
		if (!a->socks[i].s) {
			a->socks[i].handle = (int32_t)(((++net_gen & 0x3ffffff) << 5) | (i + 1));
			return &a->socks[i];
		}
	return NULL;
}

static FOMOS_CALL int32_t exec_net_socket(uint32_t type)
{
	struct app *a = exec_current;
	struct exec_sock *k;
	int32_t r;

	EXEC_SERVICE();
	if (!net)
		return FOMOS_E_NONET;
	if (type < FOMOS_NET_TCP || type > FOMOS_NET_PING)
		return FOMOS_E_BADARG;
	if (!(k = net_new(a)))
		return FOMOS_E_NOMEM;
	r = net->open(type, a->pid, &k->s);
	if (r < 0) {
		k->s = NULL;
		return r;
	}
	k->type = (uint8_t)type;
	return k->handle;
}

static FOMOS_CALL int32_t exec_net_bind(int32_t h, uint32_t ip, uint32_t port)
{
	struct exec_sock *k;

	EXEC_SERVICE();
	if (!(k = net_find(exec_current, h)))
		return FOMOS_E_GONE;
	if (port > 65535)
		return FOMOS_E_BADARG;
	return net->bind(k->s, ip, (uint16_t)port);
}

static FOMOS_CALL int32_t exec_net_listen(int32_t h, uint32_t backlog)
{
	struct exec_sock *k;

	EXEC_SERVICE();
	if (!(k = net_find(exec_current, h)))
		return FOMOS_E_GONE;
	if (k->type != FOMOS_NET_TCP)
		return FOMOS_E_BADARG;
	return net->listen(k->s, backlog < 1 ? 1 : backlog > 16 ? 16 : backlog);
}

static FOMOS_CALL int32_t exec_net_accept(int32_t h, struct fomos_netaddr *peer)
{
	struct app *a = exec_current;
	struct exec_sock *k, *n;
	struct fomos_netaddr p;
	int32_t r;

	EXEC_SERVICE();
	if (!(k = net_find(a, h)))
		return FOMOS_E_GONE;
	if (peer && !exec_app_range(a, peer, sizeof(*peer), 1))
		return FOMOS_E_BADARG;
	if (k->type != FOMOS_NET_TCP)
		return FOMOS_E_BADARG;
	if (!(n = net_new(a))) {
		/* Over the quota: the connection waits (the app may close
		 * another socket); it says FOMOS_E_NOMEM meanwhile. */
		return net->poll(k->s) & FOMOS_NET_IN ? FOMOS_E_NOMEM : FOMOS_E_AGAIN;
	}
	r = net->accept(k->s, a->pid, &n->s, &p);
	if (r < 0) {
		n->s = NULL;
		return r;
	}
	n->type = FOMOS_NET_TCP;
	if (peer) {
		plat_user_open();
		memcpy(peer, &p, sizeof(p));
		plat_user_close();
	}
	return n->handle;
}

static FOMOS_CALL int32_t exec_net_connect(int32_t h, uint32_t ip, uint32_t port)
{
	struct exec_sock *k;

	EXEC_SERVICE();
	if (!(k = net_find(exec_current, h)))
		return FOMOS_E_GONE;
	if (port == 0 || port > 65535 || ip == 0)
		return FOMOS_E_BADARG;
	return net->connect(k->s, ip, (uint16_t)port);
}

static FOMOS_CALL int64_t exec_net_send(int32_t h, const void *buf, uint64_t len,
    const struct fomos_netaddr *to)
{
	struct app *a = exec_current;
	struct exec_sock *k;
	struct fomos_netaddr t;
	int64_t r;

	EXEC_SERVICE();
	if (!(k = net_find(a, h)))
		return FOMOS_E_GONE;
	if (!exec_app_range(a, buf, len, 0) || (to && !exec_app_range(a, to, sizeof(*to), 0)))
		return FOMOS_E_BADARG;
	if (to) {
		plat_user_open();
		memcpy(&t, to, sizeof(t));
		plat_user_close();
	}
	if (len == 0)
		return 0;
	plat_user_open();
	r = net->send(k->s, buf, len, to ? &t : NULL);
	plat_user_close();
	return r;
}

static FOMOS_CALL int64_t exec_net_recv(int32_t h, void *buf, uint64_t cap, struct fomos_netaddr *from)
{
	struct app *a = exec_current;
	struct exec_sock *k;
	struct fomos_netaddr f = { 0, 0, 0 };
	int64_t r;

	EXEC_SERVICE();
	if (!(k = net_find(a, h)))
		return FOMOS_E_GONE;
	if (!exec_app_range(a, buf, cap, 1) || (from && !exec_app_range(a, from, sizeof(*from), 1)))
		return FOMOS_E_BADARG;
	plat_user_open();
	r = net->recv(k->s, buf, cap, &f);
	if (r >= 0 && from)
		memcpy(from, &f, sizeof(f));
	plat_user_close();
	return r;
}

static FOMOS_CALL int32_t exec_net_close(int32_t h)
{
	struct exec_sock *k;

	EXEC_SERVICE();
	if (!(k = net_find(exec_current, h)))
		return FOMOS_E_GONE;
	net->close(k->s, 0);
	k->s = NULL;
	k->handle = 0;
	return 0;
}

static FOMOS_CALL int32_t exec_net_poll(int32_t h)
{
	struct exec_sock *k;

	EXEC_SERVICE();
	if (!(k = net_find(exec_current, h)))
		return FOMOS_E_GONE;
	return net->poll(k->s);
}

/* The platform's answer to a lookup: written into the app's request if
 * it still runs and the request is still its memory. */
static void exec_net_resolved(void *arg, int32_t status, uint32_t ip)
{
	uint32_t i = (uint32_t)(uintptr_t)arg & 0xff, gen = (uint32_t)((uintptr_t)arg >> 8);
	struct net_resolve_req *q;
	struct app *a;

	if (i >= NET_RESOLVES)
		return;
	q = &net_resolves[i];
	if (!q->pid || q->gen != gen)
		return;		/* its app ended meanwhile */
	a = exec_find(q->pid);
	q->pid = 0;
	if (!a || !exec_app_range(a, q->req, sizeof(*q->req), 1))
		return;
	/* From the loop's network poll, outside any app's call: the kernel's
	 * own state, where app memory is reachable (no plat_user_open: its
	 * close would shut it for the rest of the loop); every home open. */
	plat_homes_open();
	q->req->ip = ip;
	__asm__ volatile("" ::: "memory");	/* ip before status: the app polls status */
	q->req->status = status;
	a->wake_ns = 0;
}

static FOMOS_CALL int32_t exec_net_resolve(struct fomos_resolve *req)
{
	struct app *a = exec_current;
	struct net_resolve_req *q = NULL;
	char name[FOMOS_NAME_MAX];
	uint32_t i, mine = 0, ip = 0;
	int32_t r;

	EXEC_SERVICE();
	if (!exec_app_range(a, req, sizeof(*req), 1))
		return FOMOS_E_BADARG;
	if (!net)
		return FOMOS_E_NONET;
	plat_user_open();
	memcpy(name, req->name, sizeof(name));
	plat_user_close();
	if (strnlen(name, sizeof(name)) == sizeof(name) || !name[0])
		return FOMOS_E_BADARG;
	for (i = 0; i < NET_RESOLVES; i++) {
		if (net_resolves[i].pid == a->pid)
			mine++;
		else if (!net_resolves[i].pid && !q)
			q = &net_resolves[i];
	}
	if (mine >= NET_RESOLVES_PER_APP || !q)
		return FOMOS_E_BUSY;
	q->pid = a->pid;
	q->req = req;
	q->gen++;
	i = (uint32_t)(q - net_resolves);
	plat_user_open();
	req->status = FOMOS_PENDING;
	plat_user_close();
	r = net->resolve(name, &ip, exec_net_resolved, (void *)(uintptr_t)(i | (uint64_t)q->gen << 8));
	if (r != FOMOS_PENDING) {
		q->pid = 0;
		plat_user_open();
		req->ip = ip;
		req->status = r;
		plat_user_close();
	}
	return 0;
}

static FOMOS_CALL int32_t exec_net_info(struct fomos_netinfo *info)
{
	struct app *a = exec_current;
	struct fomos_netinfo n;
	int32_t r;

	EXEC_SERVICE();
	if (!exec_app_range(a, info, sizeof(*info), 1))
		return FOMOS_E_BADARG;
	if (!net)
		return FOMOS_E_NONET;
	memset(&n, 0, sizeof(n));
	r = net->info(&n);
	if (r < 0)
		return r;
	plat_user_open();
	memcpy(info, &n, sizeof(n));
	plat_user_close();
	return 0;
}

void *const exec_net_services[EXEC_NET_SVCS] = {
	(void *)exec_net_socket, (void *)exec_net_bind, (void *)exec_net_listen,
	(void *)exec_net_accept, (void *)exec_net_connect, (void *)exec_net_send,
	(void *)exec_net_recv, (void *)exec_net_close, (void *)exec_net_poll,
	(void *)exec_net_resolve, (void *)exec_net_info,
};

void exec_net_release(struct app *a, int abort)
{
	uint32_t i;

	for (i = 0; i < FOMOS_NET_SOCKETS; i++)
		if (a->socks[i].s) {
			net->close(a->socks[i].s, abort);
			a->socks[i].s = NULL;
			a->socks[i].handle = 0;
		}
	for (i = 0; i < NET_RESOLVES; i++)
		if (net_resolves[i].pid == a->pid)
			net_resolves[i].pid = 0;
}

uint32_t exec_net_sockets(const struct app *a)
{
	uint32_t i, n = 0;

	for (i = 0; i < FOMOS_NET_SOCKETS; i++)
		n += a->socks[i].s != NULL;
	return n;
}
