/* The context only grows at its end: every field of the frozen v1 and v2
 * headers (test/abi/v1/, test/abi/v2/) is at the same offset, with the same
 * size, in today's sdk/fomos.h, and today's structs are at least as big. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "appfile.h"
#include "exec.h"
#include "fomos.h"
#include "../abi/v1/abi_v1.h"
#include "../abi/v2/abi_v2.h"
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
	F(fomos_ctx, win_x), F(fomos_ctx, win_y), F(fomos_ctx, win_flags), F(fomos_ctx, focused),
	F(fomos_ctx, screen_width), F(fomos_ctx, screen_height), F(fomos_ctx, window),
	F(fomos_ctx, raise), F(fomos_ctx, damage), F(fomos_ctx, system), F(fomos_ctx, term_read),
	F(fomos_ctx, term_write), F(fomos_input, event_pid),
	F(fomos_ctx, file),
};

/* Every field of a frozen header is in today's, where it was; returns how
 * many it checked. */
static uint32_t
abi_check(const struct abi_field *frozen, const char *version)
{
	uint32_t i, n = 0;

	for (i = 0; frozen[i].name; i++) {
		const struct abi_field *old = &frozen[i];
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
			unit_fail(__FILE__, __LINE__, "%s moved: offset %llu size %llu in %s, %llu/%llu now",
			    old->name, (unsigned long long)old->offset, (unsigned long long)old->size, version,
			    (unsigned long long)abi_now[j].offset, (unsigned long long)abi_now[j].size);
	}
	return n;
}

void
abi_v1_fields_have_not_moved(void)
{
	CHECK_EQ_U64(abi_check(abi_v1_fields, "v1"), 26);
}

void
abi_v2_fields_have_not_moved(void)
{
	CHECK_EQ_U64(abi_check(abi_v2_fields, "v2"), 39);
	CHECK(sizeof(struct fomos_ctx) >= abi_v2_sizes[0]);
	CHECK_EQ_U64(sizeof(struct fomos_surface), abi_v2_sizes[1]);
	CHECK_EQ_U64(sizeof(struct fomos_event), abi_v2_sizes[2]);
	CHECK(sizeof(struct fomos_input) >= abi_v2_sizes[3]);
	/* v3 starts where v2 ended. */
	CHECK_EQ_U64(offsetof(struct fomos_ctx, file), abi_v2_sizes[0]);
}

/* One place says which context version this is: fomos.h's
 * FOMOS_CTX_VERSION.  An app built with the SDK carries it in its header
 * (fomos.h's .set line, which sdk/app.ld reads), and the executor speaks
 * it. */
void
abi_one_place_says_the_context_version(void)
{
	struct appfile_header h;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/apps/hello.app", unit_build_dir());
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ_U64(fread(&h, sizeof(h), 1, f), 1);
	fclose(f);
	CHECK_EQ_U64(h.ctx_version, FOMOS_CTX_VERSION);
	CHECK_EQ_U64(EXEC_CTX_VERSION, FOMOS_CTX_VERSION);
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
