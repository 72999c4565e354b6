/*
 * resolve NAME: the name's IPv4 address, through the kernel's DNS client
 * (ctx->net_resolve).  Started by the `resolve` command; the answer goes to
 * the log.
 */
#include <fomos.h>
#include <stdio.h>
#include <string.h>

struct st {
	struct fomos_resolve req;
	int asked;
};

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct st *s = fomos_state(ctx, sizeof(struct st));
	char ip[16];
	int32_t r;

	if (!s || ctx->version < 5)
		return -2;
	if (!s->asked) {
		if (!ctx->args[0] || strlen(ctx->args) >= FOMOS_NAME_MAX || strchr(ctx->args, ' ')) {
			printf("usage: resolve NAME\n");
			return -2;
		}
		strcpy(s->req.name, ctx->args);
		r = ctx->net_resolve(&s->req);
		if (r < 0) {
			printf("resolve: %s: cannot ask (error %d)\n", ctx->args, r);
			return -2;
		}
		s->asked = 1;
	}
	if (s->req.status == FOMOS_PENDING)
		return 50;
	if (s->req.status < 0) {
		printf("resolve: %s: %s\n", s->req.name, s->req.status == FOMOS_E_NOTFOUND ?
		    "no address (no such name, or the name server did not answer)" : "lookup failed");
		return -2;
	}
	printf("resolve: %s is %s\n", s->req.name, fomos_ip_text(s->req.ip, ip));
	return -1;	/* done (the network tools end with -1 on success, -2 on failure) */
}
