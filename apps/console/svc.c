/*
 * Other apps' services, as the console uses them:
 *
 *   Ctrl-Shift-C  the line being edited (or, if it is empty, the last line
 *                 of output) to the clipboard app, as UTF-8
 *   Ctrl-Shift-V  the clipboard's text into the line at the cursor:
 *                 printable ASCII only, line ends and tabs as spaces, cut
 *                 to what the line holds
 *   notify TEXT   a message from the notify app
 *
 * A service is looked up when first needed and its handle kept
 * (fomos_service); when its provider ends, fomos_call() forgets the
 * handle, so the next use looks the name up again and finds a provider
 * started since.  Pointers handed to a service lie in the state, not on
 * the stack: the kernel checks and copies them either way, but the stack
 * is small.
 */
#include "console.h"

/* The functions of apps/clipboard and apps/notify (version 1 of each). */
#define CLIP_SET	0	/* set(text, len) */
#define CLIP_GET	1	/* get(buf, cap): the whole length */
#define NOTIFY_SHOW	0	/* show(text, len, ms) */

_Static_assert(CON_CLIP_MAX >= 4 * CON_LINE_MAX && CON_CLIP_MAX >= CON_OUT_LINE,
    "CON_CLIP_MAX holds what Ctrl-Shift-C copies");

/* Calls fn of service `name` (version 1), looking it up first if need
 * be, and once more if the provider behind the kept handle ended: a new
 * one may run by now.  FOMOS_E_NOTFOUND: nobody provides it. */
static int64_t svc_call(struct fomos_ctx *ctx, int32_t *handle, const char *name, uint32_t fn,
    uint64_t a0, uint64_t a1, uint64_t a2)
{
	int64_t r = FOMOS_E_GONE;
	int tries;

	for (tries = 0; tries < 2 && r == FOMOS_E_GONE; tries++) {
		if (!fomos_service(ctx, handle, name, 1))
			return FOMOS_E_NOTFOUND;
		r = fomos_call(ctx, handle, fn, a0, a1, a2, 0);
	}
	return r;
}

/* What went wrong with the clipboard, under the line. */
static void svc_clip_failed(struct fomos_ctx *ctx, struct con *c, int64_t r)
{
	char msg[48];

	if (r == FOMOS_E_NOTFOUND || r == FOMOS_E_GONE) {
		edit_note(ctx, c, "no clipboard service\n");
		return;
	}
	snprintf(msg, sizeof(msg), "clipboard: error %lld\n", (long long)r);
	edit_note(ctx, c, msg);
}

/* What Ctrl-Shift-C copies, into c->clip; its length. */
static uint32_t svc_copy_text(struct con *c)
{
	uint32_t i, n = 0;

	if (c->len) {
		for (i = 0; i < c->len; i++)
			n += utf8_put(c->clip + n, c->buf[i]);
		return n;
	}
	if (c->out_line_len) {
		memcpy(c->clip, c->out_line, c->out_line_len);
		return c->out_line_len;
	}
	memcpy(c->clip, c->out_last, c->out_last_len);
	return c->out_last_len;
}

void svc_copy(struct fomos_ctx *ctx, struct con *c)
{
	uint32_t n = svc_copy_text(c);
	char msg[64];
	int64_t r;

	if (!n) {
		edit_note(ctx, c, "nothing to copy\n");
		return;
	}
	r = svc_call(ctx, &c->clip_handle, "clipboard", CLIP_SET, (uint64_t)(uintptr_t)c->clip, n, 0);
	if (r < 0) {
		svc_clip_failed(ctx, c, r);
		return;
	}
	snprintf(msg, sizeof(msg), "copied %lld bytes to the clipboard\n", (long long)r);
	edit_note(ctx, c, msg);
}

void svc_paste(struct fomos_ctx *ctx, struct con *c)
{
	uint32_t n, i, k = 0;
	int64_t r;

	r = svc_call(ctx, &c->clip_handle, "clipboard", CLIP_GET, (uint64_t)(uintptr_t)c->clip,
	    CON_CLIP_MAX, 0);
	if (r < 0) {
		svc_clip_failed(ctx, c, r);
		return;
	}
	n = r < CON_CLIP_MAX ? (uint32_t)r : CON_CLIP_MAX;
	for (i = 0; i < n && k < CON_LINE_MAX; i++) {
		uint8_t b = (uint8_t)c->clip[i];

		if (b == '\r' && i + 1 < n && c->clip[i + 1] == '\n')
			continue;	/* CR LF: one space */
		if (b == '\r' || b == '\n' || b == '\t')
			b = ' ';
		if (b >= 0x20 && b < 0x7f)
			c->paste[k++] = b;
	}
	edit_insert(ctx, c, c->paste, k);
}

/* The `notify TEXT` command: its answer is output like any command's. */
void svc_notify(struct fomos_ctx *ctx, struct con *c, const char *text, uint32_t len)
{
	int64_t r;

	/* The echo goes out before what notify logs while it shows the text
	 * (as for the kernel's commands, run_system). */
	serial_flush(ctx, c);
	r = svc_call(ctx, &c->notify_handle, "notify", NOTIFY_SHOW, (uint64_t)(uintptr_t)text, len, 0);
	if (r == FOMOS_E_NOTFOUND || r == FOMOS_E_GONE) {
		text_puts(ctx, c, "no notify service\n");
	} else if (r == FOMOS_E_BUSY) {
		text_puts(ctx, c, "notify: too many messages waiting; try again later\n");
	} else if (r < 0) {
		text_printf(ctx, c, "notify: error %lld\n", (long long)r);
	}
}
