/* sysapp: ctx->system() and the terminal from an app's side.  Call 1 asks
 * a few commands and logs the answers line by line; it starts noop and
 * kills it at call 2.  Every call it echoes what term_read gives it to
 * term_write, and logs it. */
#include <stdio.h>
#include <string.h>
#include <fomos.h>

struct sysapp {
	uint64_t calls, noop;
	char out[2048];
};

static void say_answer(const char *cmd, int64_t r, const char *out)
{
	printf("sysapp: %s = %ld", cmd, r);
	while (*out) {
		int n = 0;

		while (out[n] && out[n] != '\n' && n < 150)	/* longer: the rest on the next line */
			n++;
		printf("sysapp: | %.*s", n, out);
		out += n;
		if (*out == '\n')
			out++;
	}
}

static int64_t ask(struct fomos_ctx *ctx, struct sysapp *s, const char *cmd, uint32_t cap)
{
	int64_t r = ctx->system(cmd, (uint32_t)strlen(cmd), s->out, cap);

	say_answer(cmd, r, s->out);
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
		snprintf(cmd, sizeof(cmd), "kill %lu", s->noop);
		ask(ctx, s, cmd, sizeof(s->out));
		ask(ctx, s, "kill 999", sizeof(s->out));
		ask(ctx, s, "ps", sizeof(s->out));
	}
	n = ctx->term_read(in, sizeof(in));
	if (n) {
		char shown[2 * sizeof(in)];
		uint32_t k = 0;

		for (uint32_t i = 0; i < n; i++) {
			if (in[i] == '\r' || in[i] == '\n') {
				shown[k++] = '\\';
				shown[k++] = in[i] == '\r' ? 'r' : 'n';
			} else if (in[i]) {
				shown[k++] = in[i];
			}
		}
		printf("sysapp: term_read %.*s", (int)k, shown);
		ctx->term_write(in, n);
	}
	return 0;
}
