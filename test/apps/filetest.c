/* filetest: ctx->file() on the real disk, for test/boot/test_files.py.
 *
 * Call 1 tries what must be refused before anything is queued: paths that
 * leave the app's folder or that FAT cannot hold (FOMOS_E_PATH), and
 * requests or buffers that are not the app's memory (FOMOS_E_BADARG).
 * Then it runs the script below, one request at a time, each waited for
 * over the following calls as a real app must.  Written bytes follow
 * pattern(k, offset) so that the test can check them with mtools after
 * QEMU has exited; reads are checked here.  Last, a request whose buffer
 * and a request whose very struct lie in the app's surface, which the app
 * then shrinks: the kernel must not write into pages that are gone.
 * Every line starts "filetest: "; the last one is "filetest: done". */
#include <stdio.h>
#include <string.h>
#include <fomos.h>

#define BUF_BYTES	(128u * 1024)

enum { CHECK_NONE, CHECK_DATA, CHECK_ZERO, CHECK_LOG };

struct step {
	uint32_t op;
	const char *path;
	uint32_t k;		/* pattern key; 0: zeros */
	uint64_t offset, len;
	uint32_t check;
};

static const char F1[] = "A long file name with spaces.txt";
static const char F2[] = "Report for January 2024.data";
static const char F3[] = "Report for February 2024.data";
static const char F4[] = "Deep Folder Name/Second level folder/Gr\xc3\xbc\xc3\x9f" "e und \xc2\xbd \xc3\x84rger.txt";

static const struct step script[] = {
	{ FOMOS_FILE_REPLACE, F1, 1, 0, 3000, CHECK_NONE },
	{ FOMOS_FILE_WRITE, F2, 2, 0, 40000, CHECK_NONE },
	{ FOMOS_FILE_WRITE, F2, 2, 40000, 30000, CHECK_NONE },
	{ FOMOS_FILE_WRITE, F3, 3, 0, 100, CHECK_NONE },
	{ FOMOS_FILE_REPLACE, F3, 4, 0, 10, CHECK_NONE },	/* shrinks it */
	{ FOMOS_FILE_WRITE, F4, 5, 0, 500, CHECK_NONE },
	{ FOMOS_FILE_REPLACE, "small.txt", 6, 0, 5, CHECK_NONE },
	{ FOMOS_FILE_REPLACE, "MixedCase.TXT", 7, 3, 4, CHECK_NONE },	/* offset: ignored */
	{ FOMOS_FILE_WRITE, "gap.bin", 8, 5000, 10, CHECK_NONE },
	{ FOMOS_FILE_REPLACE, "doomed file.txt", 9, 0, 20, CHECK_NONE },
	{ FOMOS_FILE_DELETE, "doomed file.txt", 0, 0, 0, CHECK_NONE },
	{ FOMOS_FILE_READ, F1, 1, 0, 3000, CHECK_DATA },
	{ FOMOS_FILE_READ, F2, 2, 0, 70000, CHECK_DATA },
	{ FOMOS_FILE_READ, F2, 2, 65530, 100, CHECK_DATA },
	{ FOMOS_FILE_READ, F3, 4, 0, 100, CHECK_DATA },	/* 10 come back */
	{ FOMOS_FILE_READ, F4, 5, 0, 500, CHECK_DATA },
	{ FOMOS_FILE_READ, "SMALL.TXT", 6, 0, 5, CHECK_DATA },	/* FAT ignores case */
	{ FOMOS_FILE_READ, "gap.bin", 0, 0, 5000, CHECK_ZERO },
	{ FOMOS_FILE_READ, "gap.bin", 8, 5000, 64, CHECK_DATA },
	{ FOMOS_FILE_READ, "doomed file.txt", 0, 0, 0, CHECK_NONE },	/* empty, still: not found */
	{ FOMOS_FILE_SIZE, F2, 0, 0, 0, CHECK_NONE },
	{ FOMOS_FILE_LIST, "", 0, 0, 1024, CHECK_LOG },
	{ FOMOS_FILE_LIST, "Deep Folder Name/Second level folder", 0, 0, 1024, CHECK_LOG },
};
#define SCRIPT_LEN (sizeof(script) / sizeof(script[0]))

static const char *const escapes[] = {
	"../x", "..", ".", "/etc/passwd", "/fomos/init", "a/../../b", "a/./b", "a//b", "a/",
	"x\\y", "..\\x", "a:b", "a*b", "a?b", "a<b", "a>b", "a|b", "a\"b", "a\001b",
	"trailing.", "trailing ", "../fileapp/keep.txt", "../../apps/counter.app",
	"ok/../../../EFI/BOOT/BOOTX64.EFI",
};
#define ESCAPES (sizeof(escapes) / sizeof(escapes[0]))

struct filetest {
	struct fomos_file req;
	struct fomos_file spare;
	uint8_t *buf;
	uint32_t step;		/* 0: not started; 1..SCRIPT_LEN: waiting for script[step-1] */
	uint32_t phase;		/* after the script: the surface part */
	char payload[8];
};

static uint8_t pattern(uint32_t k, uint64_t i)
{
	return k ? (uint8_t)(i * 31 + k * 7 + (i >> 9)) : 0;
}

#define QUOTED_MAX	128

/* s[0..n) shown in '...' in out (QUOTED_MAX bytes): anything unprintable
 * as '?', UTF-8 bytes as they are. */
static const char *quoted(char *out, const char *s, uint64_t n)
{
	uint64_t i, k = 0;

	out[k++] = '\'';
	for (i = 0; i < n && s[i] && k < QUOTED_MAX - 2; i++) {
		unsigned char c = (unsigned char)s[i];

		out[k++] = c == '\n' ? '|' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[k++] = '\'';
	out[k] = 0;
	return out;
}

static void say_result(const char *what, uint32_t i, int64_t r)
{
	printf("filetest: %s %u -> %ld", what, i, r);
}

/* Call 1: everything here must be refused by ctx->file itself. */
static void refusals(struct fomos_ctx *ctx, struct filetest *s)
{
	static const char *const wild_names[] = {
		"req-low", "req-kernel", "req-code", "req-unmapped",
		"buf-kernel-read", "buf-kernel-write", "buf-code-read", "buf-low-read",
		"buf-too-long", "buf-unmapped-list", "buf-other-home",
	};
	uint64_t home_guess = (uint64_t)(uintptr_t)s & ~((4ull << 30) - 1);
	uint8_t *code = (uint8_t *)(uintptr_t)&start;
	int32_t r;
	uint32_t i;

	for (i = 0; i < ESCAPES; i++) {
		char q[QUOTED_MAX];

		r = fomos_file_start(ctx, &s->req, FOMOS_FILE_WRITE, escapes[i], s->payload, 0, 4);
		printf("filetest: escape %u %s -> %d", i, quoted(q, escapes[i], strlen(escapes[i])), r);
	}
	/* A path with no NUL in its 128 bytes: the helper would refuse it
	 * itself, so this goes to ctx->file directly. */
	s->req.op = FOMOS_FILE_WRITE;
	for (i = 0; i < FOMOS_PATH_MAX; i++)
		s->req.path[i] = 'a';
	s->req.buf = s->payload;
	s->req.offset = 0;
	s->req.len = 4;
	say_result("escape-unterminated", 0, ctx->file(&s->req));

	for (i = 0; i < sizeof(wild_names) / sizeof(wild_names[0]); i++) {
		struct fomos_file *req = &s->req;
		uint32_t op = FOMOS_FILE_READ;
		void *buf = s->buf;
		uint64_t len = 16;

		switch (i) {
		case 0: req = (struct fomos_file *)(uintptr_t)0x1000; break;
		case 1: req = (struct fomos_file *)(uintptr_t)0x4000000; break;	/* the kernel's image */
		case 2: req = (struct fomos_file *)(void *)code; break;		/* read-only */
		case 3: req = (struct fomos_file *)(uintptr_t)(home_guess + (3ull << 30)); break;
		case 4: buf = (void *)(uintptr_t)0x4000000; break;
		case 5: op = FOMOS_FILE_WRITE; buf = (void *)(uintptr_t)0x4000000; break;
		case 6: buf = code; break;
		case 7: buf = (void *)(uintptr_t)0x10; break;
		case 8: len = 1ull << 40; break;
		case 9: op = FOMOS_FILE_LIST; buf = s->buf + (512ull << 20); len = 4096; break;
		case 10: op = FOMOS_FILE_WRITE; buf = (void *)(uintptr_t)(home_guess + (4ull << 30)); break;
		}
		if (req == &s->req) {
			r = fomos_file_start(ctx, req, op, F1, buf, 0, len);
		} else {
			/* Not touched from here: the app would fault itself. */
			r = ctx->file(req);
		}
		printf("filetest: wild %s -> %d", wild_names[i], r);
	}
}

static void queue_step(struct fomos_ctx *ctx, struct filetest *s)
{
	const struct step *st = &script[s->step - 1];
	int32_t r;

	if (st->op == FOMOS_FILE_WRITE || st->op == FOMOS_FILE_REPLACE)
		for (uint64_t i = 0; i < st->len; i++)
			s->buf[i] = pattern(st->k, st->offset + i);
	else
		for (uint64_t i = 0; i < BUF_BYTES; i++)
			s->buf[i] = 0xEE;
	r = fomos_file_start(ctx, &s->req, st->op, st->path, s->buf, st->offset, st->len);
	if (r != 0) {
		say_result("step refused", s->step, r);
		s->req.status = (int32_t)r;	/* not pending: the next call reports it */
	}
}

static void finish_step(struct filetest *s)
{
	const struct step *st = &script[s->step - 1];
	int32_t status = s->req.status;
	uint64_t done = s->req.done;
	char verdict[32] = "", q[QUOTED_MAX];

	if (status == 0 && (st->check == CHECK_DATA || st->check == CHECK_ZERO)) {
		uint64_t i;

		for (i = 0; i < done; i++)
			if (s->buf[i] != pattern(st->check == CHECK_ZERO ? 0 : st->k, st->offset + i))
				break;
		if (i < done)
			snprintf(verdict, sizeof(verdict), " BAD at %lu", i);
		else if (done < BUF_BYTES && s->buf[done] != 0xEE)
			strcpy(verdict, " BAD past the end");
		else
			strcpy(verdict, " ok");
	}
	printf("filetest: step %u -> %d done %lu%s", s->step, status, done, verdict);
	/* A listing, one line per entry: "filetest: entry 'name'" */
	if (status == 0 && st->check == CHECK_LOG) {
		for (uint64_t i = 0, from = 0; i < done; i++) {
			if (s->buf[i] != '\n')
				continue;
			printf("filetest: entry %s", quoted(q, (const char *)s->buf + from, i - from));
			from = i + 1;
		}
	}
}

/* After the script: a read into the surface, and a request that lives in
 * the surface, both pending when the app shrinks its surface. */
static int surface_part(struct fomos_ctx *ctx, struct filetest *s)
{
	struct fomos_file *inside;
	uint8_t *px = (uint8_t *)ctx->fb.pixels;
	uint64_t bytes = (uint64_t)ctx->fb.height * ctx->fb.stride * 4;
	int32_t r;

	switch (s->phase++) {
	case 0:
		if (ctx->version < 2 || !px || bytes < (3u << 20)) {
			fomos_log(ctx, "filetest: surface part skipped: no big surface");
			s->phase = 3;
			return 0;
		}
		r = fomos_file_start(ctx, &s->req, FOMOS_FILE_READ, F2, px + (1u << 20), 0, 65536);
		say_result("surface read queued", 0, r);
		inside = (struct fomos_file *)(void *)(px + (2u << 20));
		r = fomos_file_start(ctx, inside, FOMOS_FILE_READ, F1, s->buf, 0, 3000);
		say_result("request in surface queued", 0, r);
		/* The same call gives the surface back: both are still pending. */
		r = ctx->window(0, 0, 16, 16, 0);
		say_result("surface shrunk", 0, r);
		return 0;
	case 1:
		if (!fomos_file_done(&s->req)) {
			s->phase = 1;
			return 0;
		}
		say_result("surface read", 0, s->req.status);
		/* One more ordinary request: the service still works. */
		fomos_file_start(ctx, &s->req, FOMOS_FILE_SIZE, F1, 0, 0, 0);
		return 0;
	case 2:
		if (!fomos_file_done(&s->req)) {
			s->phase = 2;
			return 0;
		}
		say_result("size after", 0, s->req.status == 0 ? (int64_t)s->req.done : s->req.status);
		return 0;
	}
	fomos_log(ctx, "filetest: done");
	return -1;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct filetest *s = fomos_state(ctx, sizeof(*s));

	if (!s || ctx->version < 3)
		return -1;
	if (!s->buf) {
		s->buf = ctx->calloc(1, BUF_BYTES);
		if (!s->buf)
			return -1;
		s->payload[0] = 'E';
		refusals(ctx, s);
		s->step = 1;
		queue_step(ctx, s);
		return 0;
	}
	if (s->step <= SCRIPT_LEN) {
		if (!fomos_file_done(&s->req))
			return 0;
		finish_step(s);
		if (++s->step <= SCRIPT_LEN)
			queue_step(ctx, s);
		return 0;
	}
	return surface_part(ctx, s);
}
