/* inputlog: logs every input event it finds in ctx->input, one line each,
 * and the pointer and buttons after each batch, so the tests can check what
 * typing and pointing looks like from an app. */
#include <stdio.h>
#include <fomos.h>

static const char *const inputlog_types[] = { "?", "key", "button", "motion", "wheel", "screen" };

static void inputlog_event(struct fomos_ctx *ctx, const struct fomos_event *e)
{
	const char *type = e->type <= FOMOS_EV_SCREEN ? inputlog_types[e->type] : "?";

	if (e->type == FOMOS_EV_KEY || e->type == FOMOS_EV_BUTTON)
		printf("inputlog: %s code=%u value=%d cp=%u held=%u", type, e->code, e->value, e->codepoint,
		    e->code < FOMOS_KEY_COUNT ? ctx->input->keys[e->code] : 0);
	else
		printf("inputlog: %s code=%u value=%d cp=%u", type, e->code, e->value, e->codepoint);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint64_t *seen = fomos_state(ctx, sizeof(*seen));
	const struct fomos_event *e;
	int any = 0;

	if (!seen)
		return -1;
	while ((e = fomos_next_event(ctx, seen))) {
		inputlog_event(ctx, e);
		any = 1;
	}
	if (any) {
		printf("inputlog: pointer %d,%d buttons=%u count=%lu", ctx->input->pointer_x,
		    ctx->input->pointer_y, ctx->input->buttons, ctx->input->event_count);
	}
	return 0;
}
