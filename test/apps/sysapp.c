/* sysapp: ctx->system() and the terminal from an app's side.  Call 1 asks
 * a few commands and logs the answers line by line; it starts noop and
 * kills it at call 2.  Every call it echoes what term_read gives it to
 * term_write, and logs it. */
#include "applib.h"

struct sysapp {
	uint64_t calls, noop;
	char out[2048];
};

static void say_answer(struct fomos_ctx *ctx, const char *cmd, int64_t r, const char *out)
{
	struct line l = { .len = 0 };

	line_str(&l, "sysapp: ");
	line_str(&l, cmd);
	line_str(&l, r < 0 ? " = -" : " = ");
	line_u64(&l, (uint64_t)(r < 0 ? -r : r));
	line_send(ctx, &l);
	while (*out) {
		line_str(&l, "sysapp: | ");
		while (*out && *out != '\n' && l.len < sizeof(l.buf))
			l.buf[l.len++] = *out++;
		if (*out == '\n')
			out++;
		line_send(ctx, &l);
	}
}

static int64_t ask(struct fomos_ctx *ctx, struct sysapp *s, const char *cmd, uint32_t cap)
{
	uint32_t n = 0;
	int64_t r;

	while (cmd[n])
		n++;
	r = ctx->system(cmd, n, s->out, cap);
	say_answer(ctx, cmd, r, s->out);
	return r;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct sysapp *s = fomos_state(ctx, sizeof(*s));
	char in[64], cmd[32];
	uint32_t n;

	if (!s || ctx->version < 2)
		return -1;
	s->calls++;
	if (s->calls == 1) {
		ask(ctx, s, "help", sizeof(s->out));
		ask(ctx, s, "bogus thing", sizeof(s->out));
		ask(ctx, s, "time", sizeof(s->out));
		ask(ctx, s, "help", 8);		/* cut: the full length, 7 bytes and a NUL */
		if (ask(ctx, s, "run noop", sizeof(s->out)) > 0)
			s->noop = ctx->pid + 1;
		ctx->term_write("sysapp: hello, terminal\n", 24);
	} else if (s->calls == 2) {
		struct line l = { .len = 0 };

		line_str(&l, "kill ");
		line_u64(&l, s->noop);
		for (n = 0; n < l.len; n++)
			cmd[n] = l.buf[n];
		cmd[n] = 0;
		ask(ctx, s, cmd, sizeof(s->out));
		ask(ctx, s, "kill 999", sizeof(s->out));
		ask(ctx, s, "ps", sizeof(s->out));
	}
	n = ctx->term_read(in, sizeof(in));
	if (n) {
		struct line l = { .len = 0 };

		line_str(&l, "sysapp: term_read ");
		for (uint32_t i = 0; i < n; i++)
			line_str(&l, in[i] == '\r' ? "\\r" : in[i] == '\n' ? "\\n" : (char[2]){ in[i], 0 });
		line_send(ctx, &l);
		ctx->term_write(in, n);
	}
	return 0;
}
