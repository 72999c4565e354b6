/*
 * ctour: every context version from C, one step per call, each step logged
 * with what it saw (test/boot/test_rust.py).  Its twin is the Rust app
 * test/apps/rust/src/rtour.rs: the same steps, the same log lines, and
 * each is the other's service peer for version 4, so a C app calls Rust
 * functions and a Rust app calls C functions through the kernel.
 *
 *   v1  the context's version and size, the surface, malloc/free, the
 *       state kept between calls
 *   v2  a window, drawing and damage, system() with a known and an unknown
 *       command
 *   v3  a file written, read back, sized, listed and deleted
 *   v4  publishes "ctour" (add, upper, peek, whoami, mypid), looks up
 *       "rtour" and calls them all: one pointer argument copied in and out,
 *       one pointer into a region it grants the peer just before
 */
#include <fomos.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ME	"ctour"
#define PEER	"rtour"
#define TEXT	"hello from ctour"

struct tour {
	uint32_t step;
	uint64_t calls;
	struct fomos_file file;
	char buf[256];
	char v3[200];
	int32_t peer;
	char *region;
};

static int64_t FOMOS_CALL add(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return (int64_t)(a + b);
}

/* The kernel checked (and copied) buf[0..len) for us: see fomos_fn.args. */
static int64_t FOMOS_CALL upper(struct fomos_ctx *ctx, uint64_t buf, uint64_t len, uint64_t c, uint64_t d)
{
	char *s = (char *)(uintptr_t)buf;

	for (uint64_t i = 0; i < len; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	return (int64_t)len;
}

/* A plain value: a region the caller granted us, read where it lies. */
static int64_t FOMOS_CALL peek(struct fomos_ctx *ctx, uint64_t ptr, uint64_t len, uint64_t c, uint64_t d)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)ptr;
	int64_t sum = 0;

	for (uint64_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

static int64_t FOMOS_CALL mypid(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return (int64_t)ctx->pid;
}

static int64_t FOMOS_CALL whoami(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	printf("%s: whoami from pid %llu", ME, (unsigned long long)ctx->caller);
	return (int64_t)ctx->caller;
}

static void v1(struct fomos_ctx *ctx, struct tour *t)
{
	uint64_t *v = malloc(100 * sizeof(*v)), sum = 0;
	uint8_t *b = calloc(1000, 1);

	if (!v || !b) {
		printf("v1: out of memory");
		return;
	}
	for (int i = 0; i < 100; i++)
		v[i] = (uint64_t)i + 1;
	memset(b, 7, 1000);
	for (int i = 0; i < 100; i++)
		sum += v[i];
	for (int i = 0; i < 1000; i++)
		sum += b[i];
	free(v);
	free(b);
	printf("v1 ok: context version %u, size %u, pid %llu, surface %ux%u, heap sum %llu, calls kept %llu",
	    ctx->version, ctx->size, (unsigned long long)ctx->pid, ctx->fb.width, ctx->fb.height,
	    (unsigned long long)sum, (unsigned long long)t->calls);
}

static void v2(struct fomos_ctx *ctx)
{
	char out[256], first[32] = "";
	int32_t placed = ctx->window(160, 30, 120, 60, FOMOS_WIN_OPAQUE);
	int64_t time, unknown;

	for (uint32_t y = 0; y < ctx->fb.height; y++)
		for (uint32_t x = 0; x < ctx->fb.width; x++)
			ctx->fb.pixels[y * ctx->fb.stride + x] =
			    x >= 10 && x < 30 && y >= 10 && y < 30 ? 0xffffffff : 0xffc06030;
	fomos_damage_all(ctx);
	time = ctx->system("time", 4, out, sizeof(out));
	if (time >= 0) {
		size_t n = strcspn(out, " \n");

		if (n >= sizeof(first))
			n = sizeof(first) - 1;
		memcpy(first, out, n);
		first[n] = 0;
	}
	unknown = ctx->system("no-such-command", 15, out, sizeof(out));
	printf("v2 ok: window %s %ux%u at %d,%d on %ux%u, system time: %s, unknown: %s",
	    placed == 0 ? "true" : "false", ctx->fb.width, ctx->fb.height, ctx->win_x, ctx->win_y,
	    ctx->screen_width, ctx->screen_height, time >= 0 ? first : "error",
	    unknown == FOMOS_E_NOTFOUND ? "NOTFOUND" : "found?");
}

/* v3, one operation per step; 0 while the kernel is busy. */
static int v3(struct fomos_ctx *ctx, struct tour *t)
{
	uint32_t sub = t->step - 3;
	char note[120] = "";
	int32_t r = 0;

	if (sub > 0 && !fomos_file_done(&t->file))
		return 0;
	if (sub > 0 && t->file.status < 0)
		snprintf(note, sizeof(note), "failed: %d", t->file.status);
	else if (sub == 1)
		snprintf(note, sizeof(note), "replace %llu", (unsigned long long)t->file.done);
	else if (sub == 2)
		snprintf(note, sizeof(note), "read '%.*s'", (int)t->file.done, t->buf);
	else if (sub == 3)
		snprintf(note, sizeof(note), "size %llu", (unsigned long long)t->file.done);
	else if (sub == 4)
		snprintf(note, sizeof(note), "list '%.*s'", (int)strcspn(t->buf, "\n"), t->buf);
	else if (sub == 5)
		snprintf(note, sizeof(note), "delete ok");
	if (note[0]) {
		size_t n = strlen(t->v3);
		snprintf(t->v3 + n, sizeof(t->v3) - n, "%s%s", n ? ", " : "", note);
	}
	memset(t->buf, 0, sizeof(t->buf));
	switch (sub) {
	case 0:
		memcpy(t->buf, TEXT, strlen(TEXT));
		r = fomos_file_start(ctx, &t->file, FOMOS_FILE_REPLACE, "tour.txt", t->buf, 0, strlen(TEXT));
		break;
	case 1:
		r = fomos_file_start(ctx, &t->file, FOMOS_FILE_READ, "tour.txt", t->buf, 0, 64);
		break;
	case 2:
		r = fomos_file_start(ctx, &t->file, FOMOS_FILE_SIZE, "tour.txt", 0, 0, 0);
		break;
	case 3:
		r = fomos_file_start(ctx, &t->file, FOMOS_FILE_LIST, "", t->buf, 0, sizeof(t->buf));
		break;
	case 4:
		r = fomos_file_start(ctx, &t->file, FOMOS_FILE_DELETE, "tour.txt", 0, 0, 0);
		break;
	default:
		printf("v3 ok: %s", t->v3);
		return 1;
	}
	if (r < 0)
		printf("v3: could not queue step %u: %d", sub, r);
	return 1;
}

static void v4_publish(struct fomos_ctx *ctx, struct tour *t)
{
	static const struct fomos_fn fns[] = {
		{ add, 0, 0 },
		{ upper, FOMOS_ARG_IN(0) | FOMOS_ARG_OUT(0), 0 },
		{ peek, 0, 0 },
		{ whoami, 0, 0 },
		{ mypid, 0, 0 },
	};
	int32_t r = ctx->publish(ME, 1, fns, 5);

	/* A region the peer will read, once granted. */
	t->region = ctx->share(4096);
	if (t->region)
		memcpy(t->region, TEXT, strlen(TEXT));
	printf("v4: published %s: %s, region: %s", ME, r == 0 ? "true" : "false",
	    t->region ? "true" : "false");
}

/* 0 until the peer's service is there. */
static int v4_call(struct fomos_ctx *ctx, struct tour *t)
{
	char buf[] = "hello";
	int64_t sum, up, who, peer_pid, peeked = -1, want = 0;

	if (!fomos_service(ctx, &t->peer, PEER, 1))
		return 0;	/* woken when it is published */
	sum = fomos_call(ctx, &t->peer, 0, 2, 3, 0, 0);
	up = fomos_call(ctx, &t->peer, 1, (uint64_t)(uintptr_t)buf, 5, 0, 0);
	who = fomos_call(ctx, &t->peer, 3, 0, 0, 0, 0);
	/* Our region, granted to the peer by pid: it reads it where it lies,
	 * no copy. */
	peer_pid = fomos_call(ctx, &t->peer, 4, 0, 0, 0, 0);
	if (t->region && peer_pid > 0 && ctx->grant(t->region, (uint64_t)peer_pid, FOMOS_SHARE_READ) == 0)
		peeked = fomos_call(ctx, &t->peer, 2, (uint64_t)(uintptr_t)t->region, strlen(TEXT), 0, 0);
	for (const char *p = TEXT; *p; p++)
		want += (uint8_t)*p;
	printf("v4 ok: %s add 2+3 = %lld, upper '%s' (%lld), whoami %s (me: %llu), peek %lld (want %lld)",
	    PEER, (long long)sum, buf, (long long)up, who == (int64_t)ctx->pid ? "is me" : "is not me",
	    (unsigned long long)ctx->pid, (long long)peeked, (long long)want);
	return 1;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct tour *t = fomos_state(ctx, sizeof(*t));

	if (!t)
		return -1;
	t->calls++;
	switch (t->step) {
	case 0:
		v1(ctx, t);
		break;
	case 1:
		v2(ctx);
		break;
	case 2:
		v4_publish(ctx, t);
		break;
	case 3: case 4: case 5: case 6: case 7: case 8:
		if (!v3(ctx, t))
			return 10;
		break;
	case 9:
		if (!v4_call(ctx, t))
			return 100;
		break;
	case 10:
		printf("tour done");
		break;
	default:
		return 500;	/* stay: the peer may still call us */
	}
	t->step++;
	return 10;
}
