/* fileapp: ctx->file() from an app's side.  Each step queues one request
 * and waits for it over the following calls, as a real app must: the
 * request and its buffer live in the store.  It logs every result, checks
 * that a request is still pending in the call that queued it, counts its
 * runs in keep.txt (which it leaves behind), and tries paths that must be
 * refused before anything is queued. */
#include <stdio.h>
#include <string.h>
#include <fomos.h>

struct fileapp {
	struct fomos_file req;
	char buf[256];
	uint32_t step;
	int queued;
};

static const char text[] = "hello from fomos\n";

static void say(const char *what, int64_t v)
{
	printf("fileapp: %s %ld", what, v);
}

/* The buffer as text, newlines as '|', in one log line. */
static void say_text(const char *what, const char *t, uint64_t n)
{
	char shown[128];
	uint64_t i;

	for (i = 0; i < n && i < sizeof(shown); i++)
		shown[i] = t[i] == '\n' ? '|' : t[i];
	printf("fileapp: %s '%.*s'", what, (int)i, shown);
}

static int queue(struct fomos_ctx *ctx, struct fileapp *s, uint32_t op, const char *path,
    const void *data, uint64_t offset, uint64_t len)
{
	int32_t r;

	if (data)
		memcpy(s->buf, data, len);
	r = fomos_file_start(ctx, &s->req, op, path, s->buf, offset, len);
	if (r != 0) {
		say("queue refused", r);
		return 0;
	}
	if (s->req.status == FOMOS_PENDING)
		s->queued++;
	return 1;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct fileapp *s = fomos_state(ctx, sizeof(*s));
	static const char *const bad[] = { "../x", "/etc/passwd", "a/../../b", "a//b", "a/", "x\\y" };
	int32_t st;

	if (!s || ctx->version < 3)
		return -1;
	if (s->step && !fomos_file_done(&s->req))
		return 0;		/* the kernel is still at it */
	st = s->req.status;
	switch (s->step++) {
	case 0:
		for (uint32_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (fomos_file_start(ctx, &s->req, FOMOS_FILE_SIZE, bad[i], 0, 0, 0) == FOMOS_E_PATH)
				say_text("refused path", bad[i], strlen(bad[i]));
		queue(ctx, s, FOMOS_FILE_READ, "keep.txt", 0, 0, 1);
		if (!fomos_file_done(&s->req))
			fomos_log(ctx, "fileapp: pending in the call that queued it");
		return 0;
	case 1: {
		char n = st == 0 && s->req.done == 1 ? s->buf[0] : '0';

		say("run", n - '0' + 1);
		n = (char)(n + 1 > '9' ? '1' : n + 1);
		queue(ctx, s, FOMOS_FILE_REPLACE, "keep.txt", &n, 0, 1);
		return 0;
	}
	case 2:
		queue(ctx, s, FOMOS_FILE_REPLACE, "notes/hello.txt", text, 0, sizeof(text) - 1);
		return 0;
	case 3:
		say("replace", st);
		queue(ctx, s, FOMOS_FILE_WRITE, "notes/hello.txt", "FOMOS", 6, 5);
		return 0;
	case 4:
		say("write", st);
		queue(ctx, s, FOMOS_FILE_READ, "notes/hello.txt", 0, 0, sizeof(s->buf));
		return 0;
	case 5:
		say_text("read", s->buf, st == 0 ? s->req.done : 0);
		queue(ctx, s, FOMOS_FILE_SIZE, "notes/hello.txt", 0, 0, 0);
		return 0;
	case 6:
		say("size", st == 0 ? (int64_t)s->req.done : st);
		queue(ctx, s, FOMOS_FILE_LIST, "", 0, 0, sizeof(s->buf));
		return 0;
	case 7:
		say_text("list", s->buf, st == 0 ? s->req.done : 0);
		queue(ctx, s, FOMOS_FILE_LIST, "notes", 0, 0, 4);	/* too small */
		return 0;
	case 8:
		say("small list", st);
		queue(ctx, s, FOMOS_FILE_DELETE, "notes", 0, 0, 0);	/* not empty */
		return 0;
	case 9:
		say("delete full folder", st);
		queue(ctx, s, FOMOS_FILE_DELETE, "notes/hello.txt", 0, 0, 0);
		return 0;
	case 10:
		say("delete", st);
		queue(ctx, s, FOMOS_FILE_READ, "notes/hello.txt", 0, 0, 8);
		return 0;
	case 11:
		say("read deleted", st);
		queue(ctx, s, FOMOS_FILE_DELETE, "notes", 0, 0, 0);
		return 0;
	case 12:
		say("delete folder", st);
		say("queued pending", s->queued);
		return -1;
	}
	return -1;
}
