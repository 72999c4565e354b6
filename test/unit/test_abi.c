/* The context only grows at its end: every field of the frozen v1 header
 * (test/abi/v1/) is at the same offset, with the same size, in today's
 * sdk/fomos.h, and today's structs are at least as big. */
#include <stddef.h>
#include <string.h>
#include "fomos.h"
#include "../abi/v1/abi_v1.h"
#include "unit.h"

#define F(type, field) { #type "." #field, offsetof(struct type, field), sizeof(((struct type *)0)->field) }

static const struct abi_field abi_now[] = {
	F(fomos_ctx, version), F(fomos_ctx, size), F(fomos_ctx, pid), F(fomos_ctx, time_ns),
	F(fomos_ctx, log), F(fomos_ctx, fb), F(fomos_ctx, calloc), F(fomos_ctx, free),
	F(fomos_ctx, store), F(fomos_ctx, input),
	F(fomos_surface, pixels), F(fomos_surface, width), F(fomos_surface, height),
	F(fomos_surface, stride), F(fomos_surface, flags),
	F(fomos_event, time_ns), F(fomos_event, type), F(fomos_event, code),
	F(fomos_event, value), F(fomos_event, codepoint),
	F(fomos_input, pointer_x), F(fomos_input, pointer_y), F(fomos_input, buttons),
	F(fomos_input, event_count), F(fomos_input, events), F(fomos_input, keys),
};

void
abi_v1_fields_have_not_moved(void)
{
	uint32_t i, n = 0;

	for (i = 0; abi_v1_fields[i].name; i++) {
		const struct abi_field *old = &abi_v1_fields[i];
		uint32_t j;

		for (j = 0; j < sizeof(abi_now) / sizeof(abi_now[0]); j++)
			if (!strcmp(abi_now[j].name, old->name))
				break;
		if (j == sizeof(abi_now) / sizeof(abi_now[0])) {
			unit_fail(__FILE__, __LINE__, "%s is gone from sdk/fomos.h", old->name);
			continue;
		}
		n++;
		if (abi_now[j].offset != old->offset || abi_now[j].size != old->size)
			unit_fail(__FILE__, __LINE__, "%s moved: offset %llu size %llu in v1, %llu/%llu now",
			    old->name, (unsigned long long)old->offset, (unsigned long long)old->size,
			    (unsigned long long)abi_now[j].offset, (unsigned long long)abi_now[j].size);
	}
	CHECK_EQ_U64(n, 26);
}

void
abi_structs_only_grow(void)
{
	CHECK(sizeof(struct fomos_ctx) >= abi_v1_sizes[0]);
	CHECK_EQ_U64(sizeof(struct fomos_surface), abi_v1_sizes[1]);	/* embedded in the ctx: fixed */
	CHECK_EQ_U64(sizeof(struct fomos_event), abi_v1_sizes[2]);	/* an array element: fixed */
	CHECK(sizeof(struct fomos_input) >= abi_v1_sizes[3]);
	/* v2 fields start where v1 ended. */
	CHECK_EQ_U64(offsetof(struct fomos_ctx, win_x), abi_v1_sizes[0]);
	CHECK_EQ_U64(offsetof(struct fomos_input, event_pid), abi_v1_sizes[3]);
}
