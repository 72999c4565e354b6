/*
 * clipboard: the desktop's clipboard, a service and nothing else.  It has
 * no window (init starts it with `nofb`); at its first call it publishes
 * "clipboard" version 1 and then only sleeps: the work happens in the
 * service functions, which run on the caller's turn.
 *
 *   fn 0  set(text, len)  FOMOS_ARG_IN(0): the clipboard becomes text[0..len),
 *                         at most CLIP_MAX bytes (more: FOMOS_E_TOOBIG,
 *                         nothing changes).  Returns len.
 *   fn 1  get(buf, cap)   FOMOS_ARG_OUT(0): copies min(length, cap) bytes
 *                         into buf.  Returns the whole length, so a caller
 *                         whose buffer was short knows it.
 *   fn 2  length()        the length of the text.
 *
 * The text is bytes, kept as given (no NUL added); what they mean is the
 * apps' business (the console puts UTF-8 there).
 */
#include <string.h>
#include <fomos.h>

#define CLIP_MAX	(64 * 1024)
#define CLIP_IDLE_MS	1000	/* nothing to do between calls: the services wake no one */

enum { CLIP_SET, CLIP_GET, CLIP_LENGTH };

struct clip {
	int published;
	uint64_t len;
	uint64_t owner;		/* the pid of the app that set the text, 0: nobody yet */
	char text[CLIP_MAX];
};

/* Inside a service function ctx is our own context: the store is ours. */
static int64_t FOMOS_CALL clip_set(struct fomos_ctx *ctx, uint64_t text, uint64_t len,
    uint64_t a2, uint64_t a3)
{
	struct clip *c = *ctx->store;

	(void)a2, (void)a3;
	if (len > CLIP_MAX)
		return FOMOS_E_TOOBIG;
	memcpy(c->text, (const void *)(uintptr_t)text, len);
	c->len = len;
	c->owner = ctx->caller;
	return (int64_t)len;
}

static int64_t FOMOS_CALL clip_get(struct fomos_ctx *ctx, uint64_t buf, uint64_t cap,
    uint64_t a2, uint64_t a3)
{
	const struct clip *c = *ctx->store;

	(void)a2, (void)a3;
	memcpy((void *)(uintptr_t)buf, c->text, c->len < cap ? c->len : cap);
	return (int64_t)c->len;
}

static int64_t FOMOS_CALL clip_length(struct fomos_ctx *ctx, uint64_t a0, uint64_t a1,
    uint64_t a2, uint64_t a3)
{
	const struct clip *c = *ctx->store;

	(void)a0, (void)a1, (void)a2, (void)a3;
	return (int64_t)c->len;
}

/* The kernel keeps what we published across a suspend (it is declared in
 * our context page): publishing once is enough. */
static int clip_publish(struct fomos_ctx *ctx)
{
	const struct fomos_fn fns[] = {
		[CLIP_SET] = { clip_set, FOMOS_ARG_IN(0), 0 },
		[CLIP_GET] = { clip_get, FOMOS_ARG_OUT(0), 0 },
		[CLIP_LENGTH] = { clip_length, 0, 0 },
	};
	int32_t r = ctx->publish("clipboard", 1, fns, sizeof(fns) / sizeof(fns[0]));

	if (r < 0) {
		fomos_log(ctx, r == FOMOS_E_BUSY ? "clipboard: another app is the clipboard already" :
		    "clipboard: the kernel refused to publish the service");
		return -1;
	}
	fomos_log(ctx, "clipboard: ready");
	return 0;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct clip *c;

	if (ctx->version < 4) {
		fomos_log(ctx, "clipboard: needs services between apps (context version 4)");
		return -1;
	}
	c = fomos_state(ctx, sizeof(*c));
	if (!c)
		return -1;
	if (!c->published) {
		if (clip_publish(ctx) < 0)
			return -1;
		c->published = 1;
	}
	return CLIP_IDLE_MS;
}
