/*
 * spawner: starts quitter (an app that ends at once) SPAWNS times through
 * ctx->system("run quitter"), ten per call, then asks `ps` whether the
 * latest one is listed and `mem` how much kernel heap is in use, before and
 * after: ended apps must be freed, not pile up.
 */
#include "applib.h"

#define SPAWNS	300

struct spawner {
	uint32_t started, checking;
	uint64_t last_pid, heap_before;
	char out[16384];
};

/* "kernel heap N KiB used" in mem's answer. */
static uint64_t heap_kib(struct fomos_ctx *ctx, struct spawner *s)
{
	static const char key[] = "kernel heap ";
	uint64_t v = 0;
	char *p = s->out;

	ctx->system("mem", 3, s->out, sizeof(s->out));
	for (; *p; p++) {
		uint32_t i = 0;

		while (key[i] && p[i] == key[i])
			i++;
		if (!key[i]) {
			for (p += i; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			return v;
		}
	}
	return 0;
}

/* The pid in "started quitter as pid N". */
static uint64_t started_pid(const char *s)
{
	uint64_t v = 0;

	while (*s && !(*s >= '0' && *s <= '9'))
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

/* A row of ps for that pid, in the state wanted. */
static int ps_shows(const char *out, uint64_t pid, const char *state)
{
	struct line l = { .len = 0 };
	const char *p;

	line_u64(&l, pid);
	line_str(&l, " quitter ");
	for (p = out; *p; p++) {
		uint32_t i = 0, j;

		while (i < l.len && p[i] == l.buf[i])
			i++;
		if (i < l.len)
			continue;
		for (j = i; p[j] == ' '; j++)
			;
		for (i = 0; state[i] && p[j + i] == state[i]; i++)
			;
		if (!state[i])
			return 1;
	}
	return 0;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct spawner *s = fomos_state(ctx, sizeof(*s));
	struct line l = { .len = 0 };
	int i;

	if (!s)
		return -1;
	if (!s->started)
		s->heap_before = heap_kib(ctx, s);
	for (i = 0; i < 10 && s->started < SPAWNS; i++, s->started++)
		if (ctx->system("run quitter", 11, s->out, sizeof(s->out)) > 0)
			s->last_pid = started_pid(s->out);
	/* One more call: the last ones run (and end) after this one returns. */
	if (s->started < SPAWNS || !s->checking++)
		return 0;
	line_str(&l, "spawner: started ");
	line_u64(&l, s->started);
	line_str(&l, ", the last as pid ");
	line_u64(&l, s->last_pid);
	line_send(ctx, &l);
	ctx->system("ps", 2, s->out, sizeof(s->out));
	line_str(&l, "spawner: ps shows the latest ended: ");
	line_str(&l, ps_shows(s->out, s->last_pid, "ended") ? "yes" : "no");
	line_send(ctx, &l);
	line_str(&l, "spawner: kernel heap before ");
	line_u64(&l, s->heap_before);
	line_str(&l, " KiB, after ");
	line_u64(&l, heap_kib(ctx, s));
	line_str(&l, " KiB");
	line_send(ctx, &l);
	return -1;
}
