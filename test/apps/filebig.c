/* filebig: a large file through ctx->file(), for the test that the executor
 * does not stall on the disk.  It writes big.bin (8 MiB) as eight 1 MiB
 * requests all in flight at once, reads it back the same way and checks
 * every byte, then writes big2.bin as one 8 MiB request.  Filling and
 * checking the buffer go 256 KiB per call, well inside the app's budget.
 * Its lines: "filebig: PHASE at T ms ..." (T: ctx->time_ns in ms). */
#include <stdio.h>
#include <fomos.h>

#define MIB		(1ull << 20)
#define TOTAL		(8 * MIB)
#define REQS		8
#define CHUNK		(256u * 1024)

enum { FILL, WRITE, CLEAR, READ, VERIFY, ONE, END };

struct filebig {
	struct fomos_file req[REQS];
	uint8_t *buf;
	uint32_t phase, chunk, queued;
	uint64_t bad;
};

static const char *const phase_names[] = { "fill", "write", "clear", "read", "verify", "one", "end" };

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 12) * 7 + (i >> 20));
}

static void say(struct fomos_ctx *ctx, const char *what, const char *more, int64_t v)
{
	if (more)
		printf("filebig: %s at %lu ms %s %ld", what, ctx->time_ns / 1000000, more, v);
	else
		printf("filebig: %s at %lu ms", what, ctx->time_ns / 1000000);
}

/* Queues n requests of TOTAL / n bytes each. */
static void queue_all(struct fomos_ctx *ctx, struct filebig *s, uint32_t op, const char *path,
    uint32_t n)
{
	s->queued = 0;
	for (uint32_t i = 0; i < n; i++) {
		int32_t r = fomos_file_start(ctx, &s->req[i], op, path, s->buf + i * (TOTAL / n),
		    i * (TOTAL / n), TOTAL / n);

		if (r) {
			say(ctx, "queue refused", "status", r);
			s->req[i].status = r;
		}
		s->queued++;
	}
}

/* 1 once every queued request is done; then *status is the first error. */
static int all_done(struct filebig *s, int32_t *status, uint64_t *bytes)
{
	*status = 0;
	*bytes = 0;
	for (uint32_t i = 0; i < s->queued; i++) {
		if (!fomos_file_done(&s->req[i]))
			return 0;
		if (s->req[i].status && !*status)
			*status = s->req[i].status;
		*bytes += s->req[i].done;
	}
	return 1;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct filebig *s = fomos_state(ctx, sizeof(*s));
	int32_t st;
	uint64_t bytes, i, base;

	if (!s || ctx->version < 3)
		return -1;
	if (!s->buf) {
		s->buf = ctx->calloc(1, TOTAL);
		if (!s->buf) {
			fomos_log(ctx, "filebig: no memory");
			return -1;
		}
		say(ctx, "start", 0, 0);
	}
	switch (s->phase) {
	case FILL:
	case CLEAR:
	case VERIFY:
		base = (uint64_t)s->chunk * CHUNK;
		for (i = base; i < base + CHUNK; i++) {
			if (s->phase == FILL)
				s->buf[i] = pattern(i);
			else if (s->phase == CLEAR)
				s->buf[i] = 0;
			else if (s->buf[i] != pattern(i) && !s->bad)
				s->bad = i + 1;
		}
		if (++s->chunk < TOTAL / CHUNK)
			return 0;
		s->chunk = 0;
		if (s->phase == VERIFY)
			say(ctx, s->bad ? "verify BAD" : "verify ok", s->bad ? "at" : 0, (int64_t)s->bad - 1);
		s->phase++;
		if (s->phase == WRITE || s->phase == READ) {
			say(ctx, phase_names[s->phase], "requests", REQS);
			queue_all(ctx, s, s->phase == WRITE ? FOMOS_FILE_WRITE : FOMOS_FILE_READ,
			    "big.bin", REQS);
		} else if (s->phase == ONE) {
			say(ctx, phase_names[s->phase], "requests", 1);
			queue_all(ctx, s, FOMOS_FILE_REPLACE, "big2.bin", 1);
		}
		return 0;
	case WRITE:
	case READ:
	case ONE:
		if (!all_done(s, &st, &bytes))
			return 0;
		say(ctx, phase_names[s->phase], "done, status", st);
		say(ctx, phase_names[s->phase], "bytes", (int64_t)bytes);
		s->phase++;
		if (s->phase == END) {
			say(ctx, "done", 0, 0);
			return -1;
		}
		return 0;
	}
	return -1;
}
