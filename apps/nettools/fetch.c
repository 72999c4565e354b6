/*
 * fetch URL [NAME]: an HTTP GET (http:// only).  With NAME the body is
 * saved as /fomos/data/fetch/NAME; without, its first lines go to the log.
 * Started by the `fetch` command, so the console never waits.
 *
 * It asks with HTTP/1.0 (the answer is the body up to the end of the
 * connection, never chunked) and writes the body as it arrives, in
 * 128 KiB pieces: one is written while the next fills; when both are
 * busy it stops reading and TCP slows the server down.  No progress for
 * 30 s ends it.  Ends with -1 on success (status 200 and the whole body),
 * -2 on any failure, saying why.
 */
#include <fomos.h>

#define FETCH_LINGER_NS	2000000000ull	/* how long the server has to close after the body */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_PIECE	(128u * 1024)
#define FETCH_IDLE_NS	(30ull * 1000000000ull)
#define FETCH_SHOW	2048		/* bytes of the body logged without NAME */

enum { F_START, F_RESOLVE, F_CONNECT, F_SEND, F_HEAD, F_BODY, F_FLUSH, F_DRAIN };

struct st {
	int stage;
	char host[FOMOS_NAME_MAX], path[1024], name[FOMOS_PATH_MAX];
	uint32_t port;
	struct fomos_resolve req;
	int32_t sock;
	char ask[1400];
	uint64_t ask_len, ask_done;
	char head[8192];
	uint32_t head_len;
	int status;
	int64_t length;			/* Content-Length, -1 if not given */
	uint64_t body;			/* bytes of the body received */
	uint8_t *buf[2];
	uint64_t fill[2];
	uint32_t cur;			/* the piece filling */
	struct fomos_file wr;
	int writing, wrote_any;
	uint32_t wr_buf;
	uint64_t wr_off;		/* file offset of the next write */
	uint64_t last_ns;
	uint32_t shown;
	int eof;
	int full;			/* the whole body (Content-Length) is here: waiting for the server's close */
};

static int fail(const char *why)
{
	printf("fetch: %s\n", why);
	return -2;
}

/* "http://host[:port]/path" into s. */
static int parse_url(struct st *s, const char *url, uint64_t len)
{
	const char *h, *e, *colon, *slash;
	uint64_t hl;

	if (len < 8 || strncmp(url, "http://", 7))
		return -1;
	h = url + 7;
	e = url + len;
	slash = memchr(h, '/', (uint64_t)(e - h));
	if (!slash)
		slash = e;
	colon = memchr(h, ':', (uint64_t)(slash - h));
	hl = (uint64_t)((colon ? colon : slash) - h);
	if (!hl || hl >= sizeof(s->host))
		return -1;
	memcpy(s->host, h, hl);
	s->host[hl] = 0;
	s->port = 80;
	if (colon) {
		char *end;

		s->port = (uint32_t)strtoul(colon + 1, &end, 10);
		if (end != slash || !s->port || s->port > 65535)
			return -1;
	}
	if ((uint64_t)(e - slash) >= sizeof(s->path))
		return -1;
	if (slash == e)
		strcpy(s->path, "/");
	else {
		memcpy(s->path, slash, (uint64_t)(e - slash));
		s->path[e - slash] = 0;
	}
	return 0;
}

/* Writes the full piece (or, at the end, what there is) when no write is
 * in flight.  The first write replaces the file. */
static void flush(struct fomos_ctx *ctx, struct st *s, int all)
{
	uint32_t b = s->cur;

	if (s->writing || !s->name[0] || !s->fill[b] || (!all && s->fill[b] < FETCH_PIECE))
		return;
	if (fomos_file_start(ctx, &s->wr, s->wrote_any ? FOMOS_FILE_WRITE : FOMOS_FILE_REPLACE, s->name,
	    s->buf[b], s->wr_off, s->fill[b]) < 0)
		return;
	s->writing = 1;
	s->wrote_any = 1;
	s->wr_buf = b;
	s->cur ^= 1;
}

/* Body bytes arrived in data[0..n). */
static void take_body(struct st *s, const char *data, uint64_t n)
{
	s->body += n;
	if (!s->name[0]) {
		uint64_t show = n < FETCH_SHOW - s->shown ? n : FETCH_SHOW - s->shown;

		if (show)
			printf("%.*s", (int)show, data);
		s->shown += (uint32_t)show;
		return;
	}
	memcpy(s->buf[s->cur] + s->fill[s->cur], data, n);
	s->fill[s->cur] += n;
}

static int parse_head(struct st *s)
{
	char *p, *end = strstr(s->head, "\r\n\r\n");

	*end = 0;
	if (strncmp(s->head, "HTTP/1.", 7) || !(p = strchr(s->head, ' ')))
		return -1;
	s->status = (int)strtol(p + 1, NULL, 10);
	s->length = -1;
	for (p = strstr(s->head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		if (!strncmp(p + 2, "Content-Length:", 15) || !strncmp(p + 2, "content-length:", 15))
			s->length = (int64_t)strtoul(p + 17, NULL, 10);
	}
	return 0;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct st *s = fomos_state(ctx, sizeof(struct st));
	char ip[16], msg[160];
	int64_t n;
	int32_t r;

	if (!s || ctx->version < 5)
		return -2;
	if (s->stage != F_START && ctx->time_ns - s->last_ns > FETCH_IDLE_NS) {
		snprintf(msg, sizeof(msg), "http://%s:%u%s: no progress for 30 s, given up", s->host, s->port, s->path);
		return fail(msg);
	}
	switch (s->stage) {
	case F_START: {
		const char *sp = strchr(ctx->args, ' ');
		uint64_t ul = sp ? (uint64_t)(sp - ctx->args) : strlen(ctx->args);

		if (!ul || parse_url(s, ctx->args, ul) < 0)
			return fail("usage: fetch http://HOST[:PORT]/PATH [NAME]");
		if (sp) {
			if (strlen(sp + 1) >= sizeof(s->name) || strchr(sp + 1, ' ') || !sp[1])
				return fail("NAME must be one file name, under 128 bytes");
			strcpy(s->name, sp + 1);
			s->buf[0] = malloc(FETCH_PIECE);
			s->buf[1] = malloc(FETCH_PIECE);
			if (!s->buf[0] || !s->buf[1])
				return fail("out of memory");
		}
		strcpy(s->req.name, s->host);
		if ((r = ctx->net_resolve(&s->req)) < 0)
			return fail("cannot resolve the host");
		s->stage = F_RESOLVE;
		s->last_ns = ctx->time_ns;
	}
	/* fall through */
	case F_RESOLVE:
		if (s->req.status == FOMOS_PENDING)
			return 50;
		if (s->req.status < 0) {
			snprintf(msg, sizeof(msg), "%s: no address", s->host);
			return fail(msg);
		}
		s->sock = fomos_tcp_connect(ctx, s->req.ip, s->port);
		if (s->sock < 0) {
			snprintf(msg, sizeof(msg), "cannot connect (error %d)", s->sock);
			return fail(msg);
		}
		s->ask_len = (uint64_t)snprintf(s->ask, sizeof(s->ask),
		    "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: fomos-fetch\r\nAccept: */*\r\n\r\n",
		    s->path, s->host);
		s->stage = F_CONNECT;
		return 10;
	case F_CONNECT:
		r = ctx->net_poll(s->sock);
		if (r & FOMOS_NET_ERR) {
			n = ctx->net_send(s->sock, "", 1, 0);
			snprintf(msg, sizeof(msg), "%s:%u: %s", fomos_ip_text(s->req.ip, ip), s->port,
			    n == FOMOS_E_REFUSED ? "connection refused" : n == FOMOS_E_TIMEDOUT ?
			    "no answer (timed out)" : "connection failed");
			return fail(msg);
		}
		if (!(r & FOMOS_NET_OUT))
			return 1000;	/* woken when it connects */
		s->stage = F_SEND;
		s->last_ns = ctx->time_ns;
	/* fall through */
	case F_SEND:
		r = fomos_send_some(ctx, s->sock, s->ask, s->ask_len, &s->ask_done);
		if (r < 0)
			return fail("the connection failed while asking");
		if (!r)
			return 1000;
		s->stage = F_HEAD;
		return 1000;
	case F_HEAD:
		n = ctx->net_recv(s->sock, s->head + s->head_len, sizeof(s->head) - 1 - s->head_len, NULL);
		if (n == FOMOS_E_AGAIN)
			return 1000;
		if (n <= 0)
			return fail("the server closed the connection without an answer");
		s->last_ns = ctx->time_ns;
		s->head_len += (uint32_t)n;
		s->head[s->head_len] = 0;
		{
			char *end = strstr(s->head, "\r\n\r\n");
			uint32_t used;

			if (!end) {
				if (s->head_len == sizeof(s->head) - 1)
					return fail("the answer's head is over 8 KiB");
				return 0;
			}
			used = (uint32_t)(end + 4 - s->head);
			if (parse_head(s) < 0)
				return fail("not an HTTP answer");
			if (s->status != 200) {
				/* Said now; the error page is read and dropped until
				 * the server closes (closing first would cross its FIN). */
				snprintf(msg, sizeof(msg), "http://%s:%u%s: HTTP status %d", s->host, s->port,
				    s->path, s->status);
				fail(msg);
				s->stage = F_DRAIN;
				return 0;
			}
			s->stage = F_BODY;
			take_body(s, s->head + used, s->head_len - used);
			if (s->length >= 0 && s->body >= (uint64_t)s->length)
				s->full = 1;
		}
		return 0;
	case F_BODY: {
		int moved = 0;

		if (s->writing && fomos_file_done(&s->wr)) {
			if (s->wr.status < 0) {
				snprintf(msg, sizeof(msg), "writing %s failed (error %d)", s->name, s->wr.status);
				return fail(msg);
			}
			s->wr_off += s->fill[s->wr_buf];
			s->fill[s->wr_buf] = 0;
			s->writing = 0;
			moved = 1;
		}
		flush(ctx, s, 0);
		while (!s->eof && (!s->name[0] || s->fill[s->cur] < FETCH_PIECE)) {
			char tmp[16384];
			uint64_t room = s->name[0] ? FETCH_PIECE - s->fill[s->cur] : sizeof(tmp);

			if (room > sizeof(tmp))
				room = sizeof(tmp);
			n = ctx->net_recv(s->sock, tmp, room, NULL);
			if (n == FOMOS_E_AGAIN)
				break;
			if (n < 0) {
				snprintf(msg, sizeof(msg), "the connection broke after %llu bytes (error %lld)",
				    (unsigned long long)s->body, (long long)n);
				return fail(msg);
			}
			if (n == 0) {
				s->eof = 1;
				break;
			}
			take_body(s, tmp, (uint64_t)n);
			moved = 1;
			flush(ctx, s, 0);
			if (s->length >= 0 && s->body >= (uint64_t)s->length)
				s->full = 1;
		}
		if (moved)
			s->last_ns = ctx->time_ns;
		/* All of the body is here: the server (asked for HTTP/1.0) closes
		 * now.  Closing first would cross its FIN; wait for it a little. */
		if (!s->eof && s->full && ctx->time_ns - s->last_ns > FETCH_LINGER_NS)
			s->eof = 1;
		if (!s->eof)
			return s->full ? 10 : s->name[0] && s->fill[s->cur] >= FETCH_PIECE ? 1 : moved ? 0 : 1000;
		if (s->length >= 0 && s->body != (uint64_t)s->length) {
			snprintf(msg, sizeof(msg), "the body ended after %llu of %lld bytes",
			    (unsigned long long)s->body, (long long)s->length);
			return fail(msg);
		}
		s->stage = F_FLUSH;
	}
	/* fall through */
	case F_FLUSH:
		if (s->writing) {
			if (!fomos_file_done(&s->wr))
				return 1;
			if (s->wr.status < 0)
				return fail("writing the file failed");
			s->wr_off += s->fill[s->wr_buf];
			s->fill[s->wr_buf] = 0;
			s->writing = 0;
		}
		if (s->name[0] && (s->fill[s->cur] || !s->wrote_any)) {
			if (!s->wrote_any && !s->fill[s->cur]) {
				/* An empty body still makes an (empty) file. */
				fomos_file_start(ctx, &s->wr, FOMOS_FILE_REPLACE, s->name, s->buf[0], 0, 0);
				s->writing = 1;
				s->wrote_any = 1;
				s->wr_buf = s->cur;
				return 1;
			}
			flush(ctx, s, 1);
			return 1;
		}
		ctx->net_close(s->sock);
		if (s->name[0])
			printf("fetch: saved %llu bytes as /fomos/data/fetch/%s\n", (unsigned long long)s->body, s->name);
		else
			printf("%sfetch: %llu bytes from http://%s:%u%s\n", s->shown ? "\n" : "",
			    (unsigned long long)s->body, s->host, s->port, s->path);
		return -1;
	case F_DRAIN:
		for (;;) {
			char tmp[4096];

			n = ctx->net_recv(s->sock, tmp, sizeof(tmp), NULL);
			if (n > 0) {
				s->last_ns = ctx->time_ns;
				continue;
			}
			if (n != FOMOS_E_AGAIN || ctx->time_ns - s->last_ns > FETCH_LINGER_NS)
				return -2;	/* closed (or broke, or took too long): done */
			return 10;
		}
	}
	return -2;
}
