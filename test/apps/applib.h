/*
 * A few helpers the test apps share: formatting numbers into a log line
 * without any library.  Header-only, so every app stays one file.
 */
#ifndef APPLIB_H
#define APPLIB_H

#include <fomos.h>

struct line {
	char buf[160];
	uint32_t len;
};

static inline void line_str(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf))
		l->buf[l->len++] = *s++;
}

static inline void line_u64(struct line *l, uint64_t v)
{
	char d[24];
	int n = 0;

	do
		d[n++] = '0' + v % 10;
	while ((v /= 10) && n < 24);
	while (n && l->len < sizeof(l->buf))
		l->buf[l->len++] = d[--n];
}

static inline void line_hex(struct line *l, uint64_t v)
{
	int shift;

	line_str(l, "0x");
	for (shift = 60; shift >= 0; shift -= 4)
		if (l->len < sizeof(l->buf))
			l->buf[l->len++] = "0123456789abcdef"[(v >> shift) & 15];
}

static inline void line_send(struct fomos_ctx *ctx, struct line *l)
{
	ctx->log(l->buf, l->len);
	l->len = 0;
}

/* Logs "PREFIX: WHAT -> V" (V signed): how the attack apps report what a
 * service answered. */
static inline void log_answer(struct fomos_ctx *ctx, const char *prefix, const char *what, int64_t v)
{
	struct line l = { .len = 0 };

	line_str(&l, prefix);
	line_str(&l, ": ");
	line_str(&l, what);
	line_str(&l, " -> ");
	if (v < 0) {
		line_str(&l, "-");
		v = -v;
	}
	line_u64(&l, (uint64_t)v);
	line_send(ctx, &l);
}

#endif
