/* inputlog: logs every input event it finds in ctx->input, one line each,
 * and the pointer and buttons after each batch, so the tests can check what
 * typing and pointing looks like from an app. */
#include "applib.h"

static const char *const inputlog_types[] = { "?", "key", "button", "motion", "wheel" };

static void inputlog_event(struct fomos_ctx *ctx, const struct fomos_event *e)
{
	struct line l = { .len = 0 };

	line_str(&l, "inputlog: ");
	line_str(&l, e->type <= FOMOS_EV_WHEEL ? inputlog_types[e->type] : "?");
	line_str(&l, " code=");
	line_u64(&l, e->code);
	line_str(&l, e->value < 0 ? " value=-" : " value=");
	line_u64(&l, (uint64_t)(e->value < 0 ? -(int64_t)e->value : e->value));
	line_str(&l, " cp=");
	line_u64(&l, e->codepoint);
	if (e->type == FOMOS_EV_KEY || e->type == FOMOS_EV_BUTTON) {
		line_str(&l, " held=");
		line_u64(&l, e->code < FOMOS_KEY_COUNT ? ctx->input->keys[e->code] : 0);
	}
	line_send(ctx, &l);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint64_t *seen = fomos_state(ctx, sizeof(*seen));
	const struct fomos_event *e;
	struct line l = { .len = 0 };
	int any = 0;

	if (!seen)
		return -1;
	while ((e = fomos_next_event(ctx, seen))) {
		inputlog_event(ctx, e);
		any = 1;
	}
	if (any) {
		line_str(&l, "inputlog: pointer ");
		line_u64(&l, (uint64_t)ctx->input->pointer_x);
		line_str(&l, ",");
		line_u64(&l, (uint64_t)ctx->input->pointer_y);
		line_str(&l, " buttons=");
		line_u64(&l, ctx->input->buttons);
		line_str(&l, " count=");
		line_u64(&l, ctx->input->event_count);
		line_send(ctx, &l);
	}
	return 0;
}
