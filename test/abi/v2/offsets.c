/* Where the frozen v2 header puts every field (see README.md). */
#include <stddef.h>
#include "fomos.h"
#include "abi_v2.h"

#define F(type, field) { #type "." #field, offsetof(struct type, field), sizeof(((struct type *)0)->field) }

const struct abi_field abi_v2_fields[] = {
	F(fomos_ctx, version), F(fomos_ctx, size), F(fomos_ctx, pid), F(fomos_ctx, time_ns),
	F(fomos_ctx, log), F(fomos_ctx, fb), F(fomos_ctx, calloc), F(fomos_ctx, free),
	F(fomos_ctx, store), F(fomos_ctx, input),
	F(fomos_ctx, win_x), F(fomos_ctx, win_y), F(fomos_ctx, win_flags), F(fomos_ctx, focused),
	F(fomos_ctx, screen_width), F(fomos_ctx, screen_height), F(fomos_ctx, window),
	F(fomos_ctx, raise), F(fomos_ctx, damage), F(fomos_ctx, system), F(fomos_ctx, term_read),
	F(fomos_ctx, term_write),
	F(fomos_surface, pixels), F(fomos_surface, width), F(fomos_surface, height),
	F(fomos_surface, stride), F(fomos_surface, flags),
	F(fomos_event, time_ns), F(fomos_event, type), F(fomos_event, code),
	F(fomos_event, value), F(fomos_event, codepoint),
	F(fomos_input, pointer_x), F(fomos_input, pointer_y), F(fomos_input, buttons),
	F(fomos_input, event_count), F(fomos_input, events), F(fomos_input, keys),
	F(fomos_input, event_pid),
	{ 0, 0, 0 }
};

const uint64_t abi_v2_sizes[] = {
	sizeof(struct fomos_ctx), sizeof(struct fomos_surface), sizeof(struct fomos_event),
	sizeof(struct fomos_input),
};
