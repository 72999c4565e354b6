/*
 * httpd: a web server for the files of its folder, /fomos/data/httpd/.
 *
 * HTTP/1.1 GET and HEAD with keep-alive (HTTP/1.0 closes unless it asks
 * to keep alive), Content-Length and Content-Type on every answer, a
 * listing for folders (their index.html if they have one), 301 to add the
 * slash to a folder's URL, 400 for a request it cannot parse, 404, 405
 * for other methods, 414/431 for a line or head that does not fit, and
 * /status: the running apps (the kernel's `ps`).
 *
 * One app, every connection in one loop of non-blocking calls: it never
 * waits.  Each connection is a small state machine (read the head, look
 * the file up, send the head, then the file in 64 KiB pieces read with
 * ctx->file while the previous piece drains).  At most HTTPD_CONNS at
 * once; an idle keep-alive connection closes after HTTPD_IDLE_NS.
 *
 * Arguments (ctx->args): "port=N" (default 80).  The same httpd.app runs
 * under fomos-host, where its folder is fomos-host's data folder.
 */
#include <fomos.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTPD_CONNS	14		/* one socket is the listener; one spare */
#define HTTPD_HEAD_MAX	4096
#define HTTPD_CHUNK	(64u * 1024)
#define HTTPD_IDLE_NS	(30ull * 1000000000ull)
#define HTTPD_LIST_MAX	(32u * 1024)

enum conn_state {
	C_FREE, C_HEAD,		/* reading the request's head */
	C_STAT,			/* FOMOS_FILE_SIZE of the path */
	C_LIST,			/* FOMOS_FILE_LIST of a folder */
	C_SEND_HEAD,		/* the answer's head (and a small body) */
	C_SEND_FILE,		/* the file, piece by piece */
	C_CLOSE,		/* answer sent, then close */
};

struct conn {
	uint32_t state;
	int32_t sock;
	uint64_t last_ns;	/* last progress, for the idle timeout */
	char head[HTTPD_HEAD_MAX + 1];
	uint32_t head_len;
	int keep_alive, head_only;
	char path[FOMOS_PATH_MAX];	/* relative to the folder, decoded */
	char url[512];			/* as asked, for listings and redirects */
	struct fomos_file req;
	/* What goes out: out[0..out_len) first, then the file's bytes. */
	char *out;
	uint64_t out_len, out_done;
	uint64_t file_size, file_off;	/* next offset to read */
	uint8_t *buf[2];		/* file pieces: one drains while the next is read */
	uint64_t buf_len[2], buf_done[2];
	uint32_t cur;			/* the piece being sent */
	int reading;			/* req is a READ into buf[cur ^ 1] */
	uint64_t served;
};

struct httpd {
	int32_t listener;
	uint32_t port;
	struct conn conns[HTTPD_CONNS];
	uint64_t requests;
	int told;
};

static const struct { const char *ext, *type; } httpd_types[] = {
	{ "html", "text/html; charset=utf-8" }, { "htm", "text/html; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" }, { "css", "text/css" },
	{ "js", "text/javascript" }, { "json", "application/json" },
	{ "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
	{ "gif", "image/gif" }, { "svg", "image/svg+xml" }, { "ico", "image/x-icon" },
	{ "pdf", "application/pdf" }, { "wasm", "application/wasm" },
};

/* a[0..n) and b[0..n) are the same letters, whatever their case (ASCII). */
static int same_ci(const char *a, const char *b, uint64_t n)
{
	for (; n; n--, a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;

		if (x != y)
			return 0;
	}
	return 1;
}

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	uint32_t i;

	if (dot && !strchr(dot, '/'))
		for (i = 0; i < sizeof(httpd_types) / sizeof(httpd_types[0]); i++)
			if (strlen(dot + 1) == strlen(httpd_types[i].ext) &&
			    same_ci(dot + 1, httpd_types[i].ext, strlen(dot + 1)))
				return httpd_types[i].type;
	return "application/octet-stream";
}

static void conn_free_bufs(struct conn *c)
{
	free(c->out);
	c->out = NULL;
	free(c->buf[0]);
	free(c->buf[1]);
	c->buf[0] = c->buf[1] = NULL;
}

static void conn_close(struct fomos_ctx *ctx, struct conn *c)
{
	/* A file read still pending owns its buffer until it is done. */
	if (c->reading && !fomos_file_done(&c->req))
		return;
	ctx->net_close(c->sock);
	conn_free_bufs(c);
	memset(c, 0, sizeof(*c));
}

/* The answer's head, and body (not for HEAD) if it is generated. */
static void conn_answer(struct conn *c, int code, const char *reason, const char *type,
    uint64_t length, const char *extra, const char *body)
{
	uint64_t blen = body ? strlen(body) : 0;
	int n;

	free(c->out);
	c->out = malloc(512 + blen);
	if (!c->out) {
		c->state = C_CLOSE;
		c->out_len = c->out_done = 0;
		return;
	}
	n = snprintf(c->out, 512, "HTTP/1.1 %d %s\r\nServer: fomos-httpd\r\nContent-Type: %s\r\n"
	    "Content-Length: %llu\r\nConnection: %s\r\n%s\r\n", code, reason, type,
	    (unsigned long long)(body ? blen : length), c->keep_alive ? "keep-alive" : "close",
	    extra ? extra : "");
	if (n < 0 || n >= 512)
		n = 0;
	if (body && !c->head_only)
		memcpy(c->out + n, body, blen);
	c->out_len = (uint64_t)n + (body && !c->head_only ? blen : 0);
	c->out_done = 0;
	c->state = C_SEND_HEAD;
}

static void conn_error(struct conn *c, int code, const char *reason)
{
	char body[256];

	snprintf(body, sizeof(body), "<!doctype html>\n<title>%d %s</title>\n<h1>%d %s</h1>\n",
	    code, reason, code, reason);
	if (code == 400 || code >= 414)
		c->keep_alive = 0;	/* the rest of the stream means nothing */
	conn_answer(c, code, reason, "text/html; charset=utf-8", 0, NULL, body);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* url (the request target, a '/' first) into c->path: decoded, no query,
 * no "." or ".." segment.  0, or the HTTP status to answer. */
static int conn_path(struct conn *c, const char *url, uint32_t len)
{
	uint32_t i, n = 0;
	char *p = c->path;

	if (!len || url[0] != '/')
		return 400;
	for (i = 1; i < len && url[i] != '?' && url[i] != '#'; i++) {
		char ch = url[i];

		if (ch == '%') {
			int h, l;

			if (i + 2 >= len || (h = hexval(url[i + 1])) < 0 || (l = hexval(url[i + 2])) < 0)
				return 400;
			ch = (char)(h * 16 + l);
			i += 2;
		}
		if (ch == 0 || ch == '\\')
			return 400;
		if (n + 1 >= sizeof(c->path))
			return 414;
		p[n++] = ch;
	}
	p[n] = 0;
	/* No segment may be "." or "..": the kernel refuses them too, but a
	 * clear 400 is better than its FOMOS_E_PATH. */
	for (i = 0; i <= n; i++) {
		if (i == 0 || p[i - 1] == '/') {
			uint32_t e = i;

			while (e < n && p[e] != '/')
				e++;
			if ((e - i == 1 && p[i] == '.') || (e - i == 2 && p[i] == '.' && p[i + 1] == '.'))
				return 400;
			if (e - i == 0 && e < n)
				return 400;	/* "//" */
		}
	}
	if (len >= sizeof(c->url))
		return 414;
	memcpy(c->url, url, len);
	c->url[len] = 0;
	return 0;
}

/* A header's value (case-insensitive name), or NULL. */
static const char *header(const char *head, const char *name, uint32_t *vlen)
{
	uint32_t nl = (uint32_t)strlen(name);
	const char *l = strstr(head, "\r\n");

	while (l && l[2] != '\r') {
		const char *s = l + 2, *e = strstr(s, "\r\n");

		if (!e)
			break;
		if ((uint32_t)(e - s) > nl && s[nl] == ':' && same_ci(s, name, nl)) {
			s += nl + 1;
			while (*s == ' ' || *s == '\t')
				s++;
			*vlen = (uint32_t)(e - s);
			return s;
		}
		l = e;
	}
	return NULL;
}

static int has_token(const char *v, uint32_t len, const char *tok)
{
	uint32_t tl = (uint32_t)strlen(tok), i;

	for (i = 0; i + tl <= len; i++)
		if (same_ci(v + i, tok, tl))
			return 1;
	return 0;
}

static void conn_status_page(struct fomos_ctx *ctx, struct httpd *h, struct conn *c)
{
	char ps[4096], *body;
	int64_t r;

	r = ctx->system("ps", 2, ps, sizeof(ps));
	if (r < 0)
		snprintf(ps, sizeof(ps), "(ps: %lld)\n", (long long)r);
	body = malloc(sizeof(ps) + 512);
	if (!body) {
		conn_error(c, 503, "Service Unavailable");
		return;
	}
	snprintf(body, sizeof(ps) + 512, "<!doctype html>\n<title>Fomos status</title>\n"
	    "<h1>Fomos: running apps</h1>\n<pre>\n%s</pre>\n<p>httpd pid %llu, %llu requests served.</p>\n",
	    ps, (unsigned long long)ctx->pid, (unsigned long long)h->requests);
	conn_answer(c, 200, "OK", "text/html; charset=utf-8", 0, NULL, body);
	free(body);
}

/* A complete head is in c->head: answer it (or start to). */
static void conn_request(struct fomos_ctx *ctx, struct httpd *h, struct conn *c)
{
	char *sp1, *sp2, *eol = strstr(c->head, "\r\n");
	const char *v;
	uint32_t vlen;
	int minor, code;

	h->requests++;
	c->keep_alive = 0;
	c->head_only = 0;
	*eol = 0;
	sp1 = strchr(c->head, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) || !(sp2[8] == '0' || sp2[8] == '1') || sp2[9]) {
		*eol = '\r';
		conn_error(c, 400, "Bad Request");
		return;
	}
	minor = sp2[8] - '0';
	*eol = '\r';
	v = header(c->head, "Connection", &vlen);
	c->keep_alive = minor == 1 ? !(v && has_token(v, vlen, "close")) : (v && has_token(v, vlen, "keep-alive"));
	if (minor == 1 && !header(c->head, "Host", &vlen)) {
		conn_error(c, 400, "Bad Request");	/* RFC 9112: 1.1 needs Host */
		return;
	}
	if ((uint32_t)(sp1 - c->head) == 4 && !strncmp(c->head, "HEAD", 4))
		c->head_only = 1;
	else if ((uint32_t)(sp1 - c->head) != 3 || strncmp(c->head, "GET", 3)) {
		conn_error(c, 405, "Method Not Allowed");
		return;
	}
	if ((code = conn_path(c, sp1 + 1, (uint32_t)(sp2 - sp1 - 1)))) {
		conn_error(c, code, code == 414 ? "URI Too Long" : "Bad Request");
		return;
	}
	if (!strcmp(c->path, "status")) {
		conn_status_page(ctx, h, c);
		return;
	}
	/* A folder's URL ends in '/': its index.html, or a listing. */
	if (!c->path[0] || c->path[strlen(c->path) - 1] == '/') {
		if (strlen(c->path) + 11 > sizeof(c->path) - 1) {
			conn_error(c, 414, "URI Too Long");
			return;
		}
		strcat(c->path, "index.html");
	}
	c->state = C_STAT;
	if (fomos_file_start(ctx, &c->req, FOMOS_FILE_SIZE, c->path, NULL, 0, 0) < 0)
		conn_error(c, 404, "Not Found");
}

static void html_escape(char *out, uint64_t cap, const char *s, uint64_t *used)
{
	for (; *s && *used + 7 < cap; s++) {
		const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" :
		    *s == '"' ? "&quot;" : NULL;

		if (e) {
			memcpy(out + *used, e, strlen(e));
			*used += strlen(e);
		} else {
			out[(*used)++] = *s;
		}
	}
	out[*used] = 0;
}

static void conn_listing(struct conn *c, const char *names)
{
	uint64_t cap = strlen(names) * 3 + 1024, used = 0;
	char *body = malloc(cap);
	const char *l;

	if (!body) {
		conn_error(c, 503, "Service Unavailable");
		return;
	}
	used = (uint64_t)snprintf(body, cap, "<!doctype html>\n<title>Index of ");
	html_escape(body, cap, c->url, &used);
	used += (uint64_t)snprintf(body + used, cap - used, "</title>\n<h1>Index of ");
	html_escape(body, cap, c->url, &used);
	used += (uint64_t)snprintf(body + used, cap - used, "</h1>\n<ul>\n");
	for (l = names; *l;) {
		const char *e = strchr(l, '\n');
		char name[FOMOS_PATH_MAX];
		uint64_t n = e ? (uint64_t)(e - l) : strlen(l);

		if (n && n < sizeof(name)) {
			memcpy(name, l, n);
			name[n] = 0;
			used += (uint64_t)snprintf(body + used, cap - used, "<li><a href=\"");
			html_escape(body, cap, name, &used);
			used += (uint64_t)snprintf(body + used, cap - used, "\">");
			html_escape(body, cap, name, &used);
			used += (uint64_t)snprintf(body + used, cap - used, "</a></li>\n");
		}
		l += n + (e ? 1 : 0);
	}
	snprintf(body + used, cap - used, "</ul>\n");
	conn_answer(c, 200, "OK", "text/html; charset=utf-8", 0, NULL, body);
	free(body);
}

/* The file request of c finished: next step. */
static void conn_file_done(struct fomos_ctx *ctx, struct conn *c)
{
	int32_t st = c->req.status;

	if (c->state == C_STAT) {
		if (st == FOMOS_E_BADARG) {
			/* A folder named without its slash: send the browser there. */
			char loc[600];

			snprintf(loc, sizeof(loc), "Location: %s/\r\n", c->url);
			conn_answer(c, 301, "Moved Permanently", "text/html; charset=utf-8", 0, loc,
			    "<!doctype html>\n<title>Moved</title>\n");
			return;
		}
		if (st == FOMOS_E_NOTFOUND && strlen(c->path) >= 10 &&
		    !strcmp(c->path + strlen(c->path) - 10, "index.html")) {
			/* A folder without an index: list it. */
			c->path[strlen(c->path) - 10] = 0;
			if (c->path[0])
				c->path[strlen(c->path) - 1] = 0;	/* "docs/": the folder is "docs" */
			free(c->out);
			c->out = malloc(HTTPD_LIST_MAX);
			if (!c->out) {
				conn_error(c, 503, "Service Unavailable");
				return;
			}
			c->state = C_LIST;
			if (fomos_file_start(ctx, &c->req, FOMOS_FILE_LIST, c->path, c->out, 0,
			    HTTPD_LIST_MAX) < 0)
				conn_error(c, 404, "Not Found");
			return;
		}
		if (st < 0) {
			conn_error(c, 404, "Not Found");
			return;
		}
		c->file_size = c->req.done;
		c->file_off = 0;
		conn_answer(c, 200, "OK", content_type(c->path), c->file_size, NULL, NULL);
		if (!c->head_only && c->file_size) {
			c->buf[0] = malloc(HTTPD_CHUNK);
			c->buf[1] = malloc(HTTPD_CHUNK);
			if (!c->buf[0] || !c->buf[1]) {
				conn_error(c, 503, "Service Unavailable");
				return;
			}
			c->buf_len[0] = c->buf_len[1] = c->buf_done[0] = c->buf_done[1] = 0;
			c->cur = 1;	/* the first read goes into buf[0] */
		}
		return;
	}
	if (c->state == C_LIST) {
		char *names = c->out;

		c->out = NULL;
		if (st < 0) {
			free(names);
			conn_error(c, 404, "Not Found");
			return;
		}
		conn_listing(c, names);
		free(names);
		return;
	}
}

/* Starts reading the next piece into the buffer not being sent. */
static void conn_read_next(struct fomos_ctx *ctx, struct conn *c)
{
	uint32_t b = c->cur ^ 1;
	uint64_t n;

	if (c->reading || c->file_off >= c->file_size || c->buf_len[b] != c->buf_done[b])
		return;
	n = c->file_size - c->file_off;
	if (n > HTTPD_CHUNK)
		n = HTTPD_CHUNK;
	if (fomos_file_start(ctx, &c->req, FOMOS_FILE_READ, c->path, c->buf[b], c->file_off, n) == 0) {
		c->reading = 1;
		c->buf_len[b] = n;
		c->buf_done[b] = 0;
		c->file_off += n;
	} else {
		c->keep_alive = 0;
		c->state = C_CLOSE;
	}
}

/* Moves c as far as it can now.  1 if anything happened. */
static int conn_step(struct fomos_ctx *ctx, struct httpd *h, struct conn *c)
{
	int moved = 0, r;

	if (c->reading && fomos_file_done(&c->req)) {
		c->reading = 0;
		moved = 1;
		if (c->req.status < 0 || c->req.done != c->buf_len[c->cur ^ 1]) {
			/* The file shrank or the disk failed mid-answer: the
			 * length was promised, so the connection must end. */
			c->keep_alive = 0;
			c->state = C_CLOSE;
		}
	}
	if ((c->state == C_STAT || c->state == C_LIST) && fomos_file_done(&c->req)) {
		conn_file_done(ctx, c);
		moved = 1;
	}
	if (c->state == C_HEAD) {
		int64_t n = ctx->net_recv(c->sock, c->head + c->head_len, HTTPD_HEAD_MAX - c->head_len, NULL);
		char *end;

		if (n == 0 || (n < 0 && n != FOMOS_E_AGAIN)) {
			conn_close(ctx, c);	/* the client is done (or gone) */
			return 1;
		}
		if (n > 0) {
			moved = 1;
			c->head_len += (uint32_t)n;
			c->head[c->head_len] = 0;
			if (memchr(c->head, 0, c->head_len)) {
				conn_error(c, 400, "Bad Request");
			} else if ((end = strstr(c->head, "\r\n\r\n"))) {
				/* Bytes after the head (a pipelined request)
				 * wait in c->head for the next round. */
				conn_request(ctx, h, c);
			} else if (c->head_len == HTTPD_HEAD_MAX) {
				conn_error(c, 431, "Request Header Fields Too Large");
			}
		}
	}
	if (c->state == C_SEND_HEAD || c->state == C_CLOSE) {
		r = fomos_send_some(ctx, c->sock, c->out, c->out_len, &c->out_done);
		if (r < 0) {
			conn_close(ctx, c);
			return 1;
		}
		if (c->out_done)
			moved = 1;
		if (r == 1) {
			if (c->state == C_CLOSE) {
				conn_close(ctx, c);
				return 1;
			}
			free(c->out);
			c->out = NULL;
			c->out_len = c->out_done = 0;
			c->state = c->buf[0] ? C_SEND_FILE : C_HEAD;
		}
	}
	if (c->state == C_SEND_FILE) {
		uint32_t b = c->cur;

		conn_read_next(ctx, c);
		if (c->buf_done[b] == c->buf_len[b] && !c->reading && c->buf_len[b ^ 1] > c->buf_done[b ^ 1]) {
			c->cur = b ^= 1;	/* the next piece is in: send it */
			conn_read_next(ctx, c);
		}
		if (c->buf_done[b] < c->buf_len[b]) {
			r = fomos_send_some(ctx, c->sock, c->buf[b], c->buf_len[b], &c->buf_done[b]);
			if (r < 0) {
				conn_close(ctx, c);
				return 1;
			}
			moved = 1;
		}
		if (c->file_off >= c->file_size && !c->reading && c->buf_done[0] == c->buf_len[0] &&
		    c->buf_done[1] == c->buf_len[1]) {
			c->served++;
			free(c->buf[0]);
			free(c->buf[1]);
			c->buf[0] = c->buf[1] = NULL;
			c->state = C_HEAD;
			moved = 1;
		}
	}
	if (c->state == C_HEAD && c->out == NULL && !c->buf[0]) {
		/* Answer done: keep the connection, or end it. */
		char *end = strstr(c->head, "\r\n\r\n");

		if (end && c->head_len) {
			/* Drop the head just answered; keep what followed it. */
			uint32_t used = (uint32_t)(end + 4 - c->head);

			memmove(c->head, c->head + used, c->head_len - used + 1);
			c->head_len -= used;
			if (!c->keep_alive) {
				conn_close(ctx, c);
				return 1;
			}
			if (strstr(c->head, "\r\n\r\n"))
				conn_request(ctx, h, c);
		}
	}
	if (moved)
		c->last_ns = ctx->time_ns;
	return moved;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct httpd *h = fomos_state(ctx, sizeof(struct httpd));
	int busy = 0;
	uint32_t i;

	if (!h)
		return -1;
	if (ctx->version < 5) {
		printf("httpd: this kernel has no network (context version %u)\n", ctx->version);
		return -1;
	}
	if (!h->listener) {
		const char *p = strstr(ctx->args, "port=");

		h->port = p ? (uint32_t)strtoul(p + 5, NULL, 10) : 80;
		if (!h->port || h->port > 65535)
			h->port = 80;
		h->listener = fomos_tcp_listen(ctx, h->port, 16);
		if (h->listener == FOMOS_E_NONET) {
			printf("httpd: no network card: nothing to serve\n");
			return -1;
		}
		if (h->listener < 0) {
			int32_t e = h->listener;

			h->listener = 0;
			if (!h->told)
				printf("httpd: cannot listen on port %u (error %d); trying again every 5 s\n",
				    h->port, e);
			h->told = 1;
			return 5000;
		}
		printf("httpd: serving /fomos/data/httpd/ on port %u\n", h->port);
	}
	if (ctx->net_poll(h->listener) == FOMOS_E_GONE) {
		/* Resumed from a snapshot: the old sockets are gone. */
		for (i = 0; i < HTTPD_CONNS; i++)
			if (h->conns[i].state != C_FREE) {
				conn_free_bufs(&h->conns[i]);
				memset(&h->conns[i], 0, sizeof(h->conns[i]));
			}
		h->listener = 0;
		h->told = 0;
		return 0;
	}
	for (;;) {
		struct conn *c = NULL;
		int32_t s;

		for (i = 0; i < HTTPD_CONNS && !c; i++)
			if (h->conns[i].state == C_FREE)
				c = &h->conns[i];
		if (!c)
			break;	/* full: the rest wait in the backlog */
		s = ctx->net_accept(h->listener, NULL);
		if (s < 0)
			break;
		c->state = C_HEAD;
		c->sock = s;
		c->last_ns = ctx->time_ns;
		busy = 1;
	}
	for (i = 0; i < HTTPD_CONNS; i++) {
		struct conn *c = &h->conns[i];

		if (c->state == C_FREE)
			continue;
		busy |= conn_step(ctx, h, c);
		if (c->state == C_HEAD && !c->head_len && ctx->time_ns - c->last_ns > HTTPD_IDLE_NS)
			conn_close(ctx, c);	/* an idle keep-alive */
		else if (c->state != C_FREE && c->state != C_HEAD)
			busy = 1;	/* file work or sending: look again soon */
	}
	/* Idle: sleep; a connection, data or room to send wakes us earlier. */
	return busy ? 0 : 1000;
}
