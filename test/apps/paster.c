/* paster: the clipboard and notify services from a consumer's side.  Once
 * the clipboard is there it sets it ("paster: set 17"); then, every call
 * (200 ms), it reads it back and logs the text whenever it changed
 * ("paster: clipboard is '...'", cut to 100 bytes).  Once notify is there
 * it shows one message and logs what show() answered ("paster: notified N").
 * A service that is not there yet costs nothing: the kernel wakes us when
 * it appears. */
#include <stdio.h>
#include <string.h>
#include <fomos.h>

/* From sdk/fomos_rt.c, linked into every app. */
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define PASTER_MS	200
#define PASTER_SHOWN	100	/* bytes of the clipboard logged */

/* The functions of apps/clipboard and apps/notify (version 1 of each). */
#define CLIP_SET	0
#define CLIP_GET	1
#define NOTIFY_SHOW	0

struct paster {
	int32_t clip, notify;		/* handles, 0 until found */
	int set, notified;
	int seen;			/* text[0..len) and result are what was logged last */
	int64_t result;
	uint32_t len;
	char text[PASTER_SHOWN];
	char buf[PASTER_SHOWN];		/* get() writes here */
};

static void paster_set(struct fomos_ctx *ctx, struct paster *p)
{
	static const char hello[] = "hello from paster";
	int64_t r = fomos_call(ctx, &p->clip, CLIP_SET, (uint64_t)(uintptr_t)hello, sizeof(hello) - 1, 0, 0);

	printf("paster: set %ld", r);
	p->set = 1;
}

/* Logs the clipboard's text, or get()'s error, when it is not what was
 * logged last. */
static void paster_get(struct fomos_ctx *ctx, struct paster *p)
{
	int64_t r = fomos_call(ctx, &p->clip, CLIP_GET, (uint64_t)(uintptr_t)p->buf, sizeof(p->buf), 0, 0);
	uint32_t n = r < 0 ? 0 : r < PASTER_SHOWN ? (uint32_t)r : PASTER_SHOWN, i;
	char shown[PASTER_SHOWN];

	if (p->seen && r == p->result && n == p->len && !memcmp(p->text, p->buf, n))
		return;
	p->seen = 1;
	p->result = r;
	p->len = n;
	memcpy(p->text, p->buf, n);
	if (r < 0) {
		printf("paster: get %ld", r);
		return;
	}
	for (i = 0; i < n; i++) {	/* one log line: plain ASCII */
		uint8_t b = (uint8_t)p->text[i];

		shown[i] = b < 0x20 || b >= 0x7f ? '?' : (char)b;
	}
	printf("paster: clipboard is '%.*s'", (int)n, shown);
}

static void paster_notify(struct fomos_ctx *ctx, struct paster *p)
{
	static const char msg[] = "paster says hi";
	int64_t r = fomos_call(ctx, &p->notify, NOTIFY_SHOW, (uint64_t)(uintptr_t)msg, sizeof(msg) - 1,
	    5000, 0);

	printf("paster: notified %ld", r);
	p->notified = 1;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct paster *p = fomos_state(ctx, sizeof(*p));

	if (!p)
		return -1;
	if (fomos_service(ctx, &p->clip, "clipboard", 1)) {
		if (!p->set)
			paster_set(ctx, p);
		else
			paster_get(ctx, p);
	}
	if (!p->notified && fomos_service(ctx, &p->notify, "notify", 1))
		paster_notify(ctx, p);
	return PASTER_MS;
}
