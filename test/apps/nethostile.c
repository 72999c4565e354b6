/*
 * nethostile: every network service of the context handed what a hostile
 * app would hand it (test/boot/test_net.py).  Each answer is checked here
 * and logged "nethostile: ok WHAT" or "nethostile: WRONG WHAT: got N, want
 * M"; the kernel must answer every one with an error code, never fault,
 * and never let an app reach a socket that is not its own.
 */
#include <fomos.h>
#include <stdio.h>
#include <string.h>

#define KERNEL	0x4000000ull	/* the kernel's image (build.ninja's link_base) */
#define WRAP	0xffffffffffffff00ull

static struct fomos_resolve req;
static char buf[2048];
static int wrong;

static void expect(const char *what, int64_t got, int64_t want)
{
	if (got == want) {
		printf("nethostile: ok %s\n", what);
	} else {
		printf("nethostile: WRONG %s: got %lld, want %lld\n", what, (long long)got, (long long)want);
		wrong++;
	}
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	int32_t s[FOMOS_NET_SOCKETS + 1], u, t, h, i, n = 0;
	struct fomos_netaddr to = { FOMOS_IP(10, 0, 2, 2), 9, 0 };

	if (ctx->version < 5)
		return -2;
	expect("unknown socket type", ctx->net_socket(99), FOMOS_E_BADARG);
	for (i = 0; i < FOMOS_NET_SOCKETS + 1; i++)
		if ((s[i] = ctx->net_socket(FOMOS_NET_TCP)) > 0)
			n++;
	expect("sockets up to the quota", n, FOMOS_NET_SOCKETS);
	expect("one over the quota", s[FOMOS_NET_SOCKETS], FOMOS_E_NOMEM);
	for (i = 0; i < FOMOS_NET_SOCKETS; i++)
		ctx->net_close(s[i]);
	expect("a closed handle", ctx->net_poll(s[0]), FOMOS_E_GONE);
	expect("closing it twice", ctx->net_close(s[0]), FOMOS_E_GONE);
	expect("handle 0", ctx->net_poll(0), FOMOS_E_GONE);
	expect("handle -1", ctx->net_send(-1, buf, 1, 0), FOMOS_E_GONE);
	/* Someone else's sockets: every slot under made-up generations. */
	for (h = 1, i = 0; i < 4096; i++) {
		int32_t forged = (int32_t)(((uint32_t)i * 2654435761u & 0x3ffffff) << 5 | (i % 16 + 1));

		if (ctx->net_poll(forged) != FOMOS_E_GONE)
			h = 0;
	}
	expect("4096 forged handles are nobody's", h, 1);

	u = ctx->net_socket(FOMOS_NET_UDP);
	expect("a UDP socket", u > 0, 1);
	expect("send from the kernel's memory", ctx->net_send(u, (void *)KERNEL, 16, &to), FOMOS_E_BADARG);
	expect("send with a wrapping length", ctx->net_send(u, buf, WRAP, &to), FOMOS_E_BADARG);
	expect("send to an address in the kernel", ctx->net_send(u, buf, 4, (void *)KERNEL), FOMOS_E_BADARG);
	expect("receive into its own code", ctx->net_recv(u, (void *)(uintptr_t)start, 16, 0), FOMOS_E_BADARG);
	expect("receive into the kernel", ctx->net_recv(u, (void *)KERNEL, 16, 0), FOMOS_E_BADARG);
	expect("a sender address in the kernel", ctx->net_recv(u, buf, 16, (void *)KERNEL), FOMOS_E_BADARG);
	expect("a datagram over one frame", ctx->net_send(u, buf, 2000, &to), FOMOS_E_TOOBIG);
	expect("port 70000", ctx->net_bind(u, 0, 70000), FOMOS_E_BADARG);
	expect("nothing to receive", ctx->net_recv(u, buf, sizeof(buf), 0), FOMOS_E_AGAIN);
	ctx->net_close(u);

	t = ctx->net_socket(FOMOS_NET_TCP);
	expect("connect to port 0", ctx->net_connect(t, FOMOS_IP(10, 0, 2, 2), 0), FOMOS_E_BADARG);
	expect("send before connecting", ctx->net_send(t, buf, 4, 0), FOMOS_E_NOTCONN);
	expect("accept without listening", ctx->net_accept(t, 0), FOMOS_E_NOTCONN);
	expect("bind a port", ctx->net_bind(t, 0, 8181), 0);
	expect("listen", ctx->net_listen(t, 1000), 0);
	expect("accept into the kernel", ctx->net_accept(t, (void *)KERNEL), FOMOS_E_BADARG);
	expect("nobody waiting", ctx->net_accept(t, 0), FOMOS_E_AGAIN);
	expect("recv on a listener", ctx->net_recv(t, buf, 4, 0), FOMOS_E_NOTCONN);
	ctx->net_close(t);

	expect("a lookup in the kernel", ctx->net_resolve((void *)KERNEL), FOMOS_E_BADARG);
	memset(req.name, 'a', sizeof(req.name));
	expect("a name without its NUL", ctx->net_resolve(&req), FOMOS_E_BADARG);
	strcpy(req.name, "10.0.2.99");
	expect("a dotted name is queued", ctx->net_resolve(&req), 0);
	expect("and answered at once", req.status == 0 && req.ip == FOMOS_IP(10, 0, 2, 99), 1);
	expect("info into the kernel", ctx->net_info((void *)KERNEL), FOMOS_E_BADARG);
	expect("info into nothing", ctx->net_info(0), FOMOS_E_BADARG);
	printf("nethostile: done, %d wrong\n", wrong);
	return -1;
}
