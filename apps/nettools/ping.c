/*
 * ping HOST [COUNT]: ICMP echo requests, one a second (COUNT, 4 by
 * default, at most 100), through a FOMOS_NET_PING socket; each reply and
 * the summary go to the log.  Started by the `ping` command.  Ends with -1
 * if any reply came, -2 if none.
 */
#include <fomos.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PING_PAYLOAD	56
#define PING_WAIT_NS	2000000000ull	/* for the last reply */

struct echo {
	uint8_t type, code;
	uint16_t chksum, id, seq;	/* id and seq in network order */
	uint64_t sent_ns;
	uint8_t fill[PING_PAYLOAD - 8];
};

struct st {
	struct fomos_resolve req;
	int stage;			/* 0 resolve, 1 pinging */
	int32_t sock;
	uint32_t count, sent, got;
	uint64_t next_ns, last_ns;
	uint64_t min_us, max_us, sum_us;
	char host[FOMOS_NAME_MAX];
};

static uint16_t swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

static int finish(struct st *s)
{
	char ip[16], rtt[96] = "";

	fomos_ip_text(s->req.ip, ip);
	if (s->got)
		snprintf(rtt, sizeof(rtt), ", rtt min/avg/max %llu.%03llu/%llu.%03llu/%llu.%03llu ms",
		    (unsigned long long)(s->min_us / 1000), (unsigned long long)(s->min_us % 1000),
		    (unsigned long long)(s->sum_us / s->got / 1000), (unsigned long long)(s->sum_us / s->got % 1000),
		    (unsigned long long)(s->max_us / 1000), (unsigned long long)(s->max_us % 1000));
	/* One printf, one log line. */
	printf("ping: %s: %u sent, %u received, %u%% lost%s\n", ip, s->sent, s->got,
	    s->sent ? (s->sent - s->got) * 100 / s->sent : 0, rtt);
	return s->got ? -1 : -2;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct st *s = fomos_state(ctx, sizeof(struct st));
	struct fomos_netaddr from;
	struct echo e;
	char ip[16];
	int64_t n;

	if (!s || ctx->version < 5)
		return -2;
	if (s->stage == 0 && !s->req.name[0]) {
		const char *sp = strchr(ctx->args, ' ');
		uint64_t hl = sp ? (uint64_t)(sp - ctx->args) : strlen(ctx->args);

		s->count = sp ? (uint32_t)strtoul(sp + 1, NULL, 10) : 4;
		if (!hl || hl >= FOMOS_NAME_MAX || !s->count || s->count > 100) {
			printf("usage: ping HOST [COUNT]  (COUNT 1..100)\n");
			return -2;
		}
		memcpy(s->req.name, ctx->args, hl);
		if (ctx->net_resolve(&s->req) < 0) {
			printf("ping: %s: cannot resolve it\n", s->req.name);
			return -2;
		}
	}
	if (s->stage == 0) {
		if (s->req.status == FOMOS_PENDING)
			return 50;
		if (s->req.status < 0) {
			printf("ping: %s: no address\n", s->req.name);
			return -2;
		}
		s->sock = ctx->net_socket(FOMOS_NET_PING);
		if (s->sock < 0) {
			printf("ping: no ICMP socket (error %d)\n", s->sock);
			return -2;
		}
		printf("ping: %s (%s): %u echo requests of %u bytes\n", s->req.name,
		    fomos_ip_text(s->req.ip, ip), s->count, (unsigned)sizeof(e));
		s->stage = 1;
		s->min_us = ~0ull;
		s->next_ns = ctx->time_ns;
	}
	while ((n = ctx->net_recv(s->sock, &e, sizeof(e), &from)) >= (int64_t)sizeof(e)) {
		uint64_t us;

		if (from.ip != s->req.ip || swap16(e.seq) == 0 || swap16(e.seq) > s->sent)
			continue;
		us = (ctx->time_ns - e.sent_ns) / 1000;
		s->got++;
		s->sum_us += us;
		s->min_us = us < s->min_us ? us : s->min_us;
		s->max_us = us > s->max_us ? us : s->max_us;
		printf("ping: %u bytes from %s: seq=%u time=%llu.%03llu ms\n", (unsigned)n,
		    fomos_ip_text(from.ip, ip), swap16(e.seq), (unsigned long long)(us / 1000),
		    (unsigned long long)(us % 1000));
	}
	if (n == FOMOS_E_GONE) {
		printf("ping: the socket is gone (resumed after a reboot?)\n");
		return finish(s);
	}
	if (s->sent < s->count && ctx->time_ns >= s->next_ns) {
		struct fomos_netaddr to = { s->req.ip, 0, 0 };

		memset(&e, 0, sizeof(e));
		e.type = 8;	/* echo request */
		e.seq = swap16((uint16_t)(s->sent + 1));
		e.sent_ns = ctx->time_ns;
		memset(e.fill, 0x5a, sizeof(e.fill));
		n = ctx->net_send(s->sock, &e, sizeof(e), &to);
		if (n < 0 && n != FOMOS_E_AGAIN)
			printf("ping: send failed (error %lld)\n", (long long)n);
		if (n != FOMOS_E_AGAIN) {
			s->sent++;
			s->last_ns = ctx->time_ns;
			s->next_ns = ctx->time_ns + 1000000000ull;
		}
	}
	if (s->sent == s->count && (s->got == s->sent || ctx->time_ns - s->last_ns > PING_WAIT_NS))
		return finish(s);
	return 100;
}
